/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * itmroute, the itmBench paper's overlay routing application (section 7),
 * as a libitm process: the state the callbacks, the prober and the report
 * share. libitm's callbacks take no user pointer, hence one global.
 */
#ifndef ITMROUTE_H
#define ITMROUTE_H

#include <stdbool.h>
#include <stdint.h>

#include "route.h"
#include "topo.h"

#define ITMROUTE_BUFSIZE 2048	/* >= MTU 1500 + the outer header */

/* What the hooks and the prober count, beyond each path's counters. */
struct itmroute_stats {
	uint64_t encapsulated, decapsulated, direct;
	uint64_t too_big;	/* could not take an outer header: left direct */
	uint64_t not_ipv4;	/* not a whole IPv4 packet: left alone */
	uint64_t decap_bad, decap_ce_drop;
	uint64_t probes_answered, probes_bad;
};

struct itmroute {
	struct topo topo;
	struct route route[TOPO_NODES];
	int n_routes;
	struct path_cfg cfg;
	uint64_t interval_ns, next_probe_ns;
	int sock;
	bool verbose;
	uint16_t ip_id;
	struct itmroute_stats st;
};

extern struct itmroute itmroute;

/* The route to destination node @node, or NULL. */
struct route *itmroute_route_to(int node);

/* hooks.c: the libitm registrations at local-out and pre-routing */
int hooks_register(void);

/* prober.c: the probe socket */
int prober_open(void);
void prober_tick(void);
uint64_t prober_now_ns(void);

/* report.c */
void report_counters(void);
void report_switch(const struct route *r, int from);
const char *report_path_name(const struct route *r, int i);

#endif
