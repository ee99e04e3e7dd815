/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * itmtun, the itmBench paper's third example application (section 8): an
 * elastic bandwidth tunnel of n TCP connections between two edges, as a
 * libitm process (doc/itmtun.md). The state its parts share; libitm's
 * callbacks take no user pointer, hence one global.
 */
#ifndef ITMTUN_H
#define ITMTUN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "ctl.h"
#include "pool.h"

#define ITMTUN_BUFSIZE 65535	/* whole packets, GSO ones too */
#define ITMTUN_PREFIXES 4	/* libitm's limit */

/* What the ingress side counts beyond the pool. */
struct ingress_stats {
	uint64_t cut;		/* a copy shorter than the packet: dropped */
	uint64_t not_ip;	/* neither IPv4 nor IPv6 bytes: dropped */
};

/* The egress side (its own thread): counters read with atomic loads. */
struct egress_stats {
	uint64_t accepted, refused;	/* connections; refused: not the peer */
	uint64_t frames, bytes, injected;
	uint64_t bad_frames;		/* a connection closed on them */
	uint64_t tun_errors;
};

struct itmtun {
	/* options */
	const char *remote[ITMTUN_PREFIXES];
	int n_remote;
	struct sockaddr_storage peer, local;
	socklen_t peer_len, local_len;
	const char *tun_name;
	uint64_t interval_ns;
	size_t qmax;
	bool verbose;
	/* state */
	struct ctl ctl;
	struct pool pool;
	uint64_t next_ctl_ns, rate_bps, changes;
	struct ingress_stats in;
	struct egress_stats out;
	int tun_fd;
	char tun_dev[16];
};

extern struct itmtun itmtun;

/* options.c */
int options_parse(int argc, char **argv, const char **sock);

/* hooks.c: the libitm registration at forward */
int hooks_register(void);

/* tun.c: the TUN device packets from the peer are injected into */
int tun_open(const char *name, char *dev, size_t len);

/* egress.c: the listener and the peer's connections, in a thread */
int egress_start(void);
void egress_stop(void);

/* report.c */
void report_counters(void);
void report_change(int from, int to, uint64_t rate_bps, bool demand);
void report_interval(uint64_t rate_bps, bool demand);

#endif
