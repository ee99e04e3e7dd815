/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Offline replay: packets enter at their capture timestamps, run the forward
 * path, wait in the root discipline and leave through a virtual link of a
 * given rate. Time is the trace's, so a replay is deterministic: the same
 * input and configuration give the same output bytes.
 */
#ifndef ITM_REPLAY_H
#define ITM_REPLAY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "itm/engine.h"

struct itm_replay_stats {
	uint64_t in_pkts, in_bytes;
	uint64_t out_pkts, out_bytes;
	uint64_t unparsed;		/* packets with no IP header found */
	uint64_t first_ns, last_ns;	/* first arrival, last departure */
	uint64_t delay_sum_ns, delay_max_ns;	/* arrival to departure */
};

/*
 * Replay in_path through e into out_path (NULL: no output file). The link
 * rate and overhead are e->link_rate_bps / e->link_overhead. With progress
 * (a terminal) a line there shows, once a second, how far the replay is,
 * and is erased at the end. Returns 0, or -errno with msg saying what went
 * wrong; stats hold what was done so far.
 */
int itm_replay_run(struct itm_engine *e, const char *in_path,
		   const char *out_path, FILE *progress,
		   struct itm_replay_stats *st, char *msg, size_t len);

void itm_replay_print(FILE *f, struct itm_engine *e,
		      const struct itm_replay_stats *st, bool json);

#endif
