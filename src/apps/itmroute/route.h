/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Paths to one destination node and the choice among them. Pure logic on
 * the times it is given (nanoseconds of any one clock), so that the unit
 * tests drive it with fake ones.
 *
 * Each path (direct, or through one neighbour) keeps an RTT estimate: an
 * EWMA with gain 1/4 of its acknowledged probes, where a probe unanswered
 * after `timeout` counts as a sample of `timeout`. A path is down when
 * nothing came back for `down` (since its last acknowledgement, or since
 * its first probe when none came back yet).
 *
 * The choice: a path's cost is its estimate, plus `better_pct` % and
 * `relay_margin` for a relay (direct is preferred when paths are alike:
 * it costs no encapsulation and no relay). The best path (lowest cost,
 * direct on ties) replaces the current one when it costs at least
 * `better_pct` % less, without interruption for `hold`. A current path
 * that is down is replaced at once by the best path that is not; with
 * none, packets go direct.
 */
#ifndef ITMROUTE_ROUTE_H
#define ITMROUTE_ROUTE_H

#include <stdbool.h>
#include <stdint.h>

#include "topo.h"

#define PATH_WINDOW 8		/* probes in flight per path */
#define PATH_DIRECT (-1)

struct path_cfg {
	uint64_t timeout_ns;
	uint64_t down_ns;
	uint64_t hold_ns;
	unsigned better_pct;
	uint64_t relay_margin_ns;
};

/* The defaults doc/itmroute.md gives: 1 s, 3 s, 1 s, 20 %, 2 ms. */
void path_cfg_default(struct path_cfg *c);

struct path_probe {
	uint32_t seq;		/* 0: free */
	uint64_t sent_ns;
};

/**
 * struct path - one way to a destination node
 * @relay: the neighbour's node index, or PATH_DIRECT
 * @srtt_ns: the RTT estimate; 0 before the first sample
 * @first_ns, @last_ack_ns: first probe sent, last acknowledgement (0: none)
 */
struct path {
	int relay;
	uint64_t srtt_ns;
	uint64_t first_ns, last_ack_ns;
	struct path_probe out[PATH_WINDOW];
	uint32_t next_seq;
	uint64_t sent, acked, lost, stray, pkts;
};

/**
 * struct route - the paths to destination node @node and the choice
 * @cur: index of the chosen path (0 is direct)
 * @cand: the path that has been better since @cand_since, or -1
 */
struct route {
	int node;
	int n_paths;
	struct path path[TOPO_NODES];
	int cur, cand;
	uint64_t cand_since;
	uint64_t switches;
};

/* Direct first, then through each neighbour of self except @node. */
void route_init(struct route *r, const struct topo *t, int node);

/* A probe leaves on @p at @now: its sequence number. With the window
 * full, the oldest probe is lost and counts as a sample of the timeout. */
uint32_t path_probe_sent(struct path *p, const struct path_cfg *c,
			 uint64_t now);
/* Its acknowledgement, measuring @rtt_ns: 0, or -ENOENT (not in flight). */
int path_probe_acked(struct path *p, const struct path_cfg *c, uint32_t seq,
		     uint64_t sent_ns, uint64_t rtt_ns, uint64_t now);
/* Count the probes older than the timeout as lost. */
void path_expire(struct path *p, const struct path_cfg *c, uint64_t now);
bool path_down(const struct path *p, const struct path_cfg *c, uint64_t now);

/* Apply the choice rule at @now; true when @r->cur changed. */
bool route_choose(struct route *r, const struct path_cfg *c, uint64_t now);

#endif
