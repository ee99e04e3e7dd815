/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * itmroute's topology: the overlay's nodes, which of them are neighbours,
 * and the prefixes each one ends. One file describes the whole overlay and
 * every node reads it; `self` (or itmroute -n) says which node this is.
 * doc/itmroute.md gives the format.
 */
#ifndef ITMROUTE_TOPO_H
#define ITMROUTE_TOPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TOPO_NODES 16
#define TOPO_DESTS 16
#define TOPO_NAME_MAX 32
#define TOPO_PORT_DEFAULT 7079

/** struct topo_node - one overlay node: its name and overlay address */
struct topo_node {
	char name[TOPO_NAME_MAX];
	uint32_t addr;		/* network order */
};

/** struct topo_dest - a prefix reached through the overlay node @node */
struct topo_dest {
	uint32_t net, mask;	/* network order */
	uint8_t len;
	int node;
};

/**
 * struct topo - the whole overlay as one node sees it
 * @link: bitmap of each node's neighbours (links go both ways)
 * @self: this node's index, -1 until known
 * @port: the UDP port probes and acknowledgements use
 */
struct topo {
	struct topo_node node[TOPO_NODES];
	struct topo_dest dest[TOPO_DESTS];
	uint32_t link[TOPO_NODES];
	int n_nodes, n_dests, self;
	uint16_t port;
};

/*
 * Parse @f (named @fname in messages) into @t. On error returns -EINVAL and
 * writes "FILE:LINE: \"TOKEN\": message" to @err.
 */
int topo_parse(struct topo *t, FILE *f, const char *fname, char *err,
	       size_t errlen);
/* Open and parse @path; @self, when not NULL, overrides its self line. */
int topo_load(struct topo *t, const char *path, const char *self, char *err,
	      size_t errlen);
/* Make the node called @name this node; -ENOENT if there is none. */
int topo_set_self(struct topo *t, const char *name);

int topo_node_by_name(const struct topo *t, const char *name);
int topo_node_by_addr(const struct topo *t, uint32_t addr);
bool topo_linked(const struct topo *t, int a, int b);
/* The dest entry with the longest prefix holding @addr, or NULL. */
const struct topo_dest *topo_dest_for(const struct topo *t, uint32_t addr);
/* The node a packet this node sends to @addr goes to through the overlay
 * (that of the longest prefix), or -1: none holds it, or @addr is this
 * node's own address, which a wider prefix of another node may hold. */
int topo_route_node(const struct topo *t, uint32_t addr);

#endif
