/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PIE controller (RFC 8033 as Linux implements it) shared by the pie
 * and fq_pie disciplines: one struct pie_vars per controlled queue, one
 * struct pie_params per discipline. Probabilities are u64 fractions of
 * PIE_MAX_PROB (2^56 - 1 stands for 1.0); times are nanoseconds.
 *
 * The controller has no timer. pie_catch_up() runs, before a queue is
 * touched at `now`, every periodic update whose tick is due; see
 * pie_core.c for why that equals a periodic timer.
 */
#ifndef ITM_PIE_CORE_H
#define ITM_PIE_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include "itm/ecn.h"
#include "itm/pkt.h"
#include "itm/siphash.h"

#define PIE_MAX_PROB (UINT64_MAX >> 8)
#define PIE_MAX_BURST_NS UINT64_C(150000000)	/* burst allowance */
#define PIE_DQ_THRESHOLD 16384			/* rate cycle, bytes */
#define PIE_DTIME_INVALID UINT64_MAX
#define PIE_DQCOUNT_INVALID (-1)
#define PIE_MTU 1514	/* Ethernet MTU plus header, Linux's psched_mtu */

struct pie_params {
	uint64_t target_ns;
	uint64_t tupdate_ns;
	uint32_t alpha, beta;	/* 1/16 Hz units, 0..32 */
	uint32_t mtu;		/* safeguard and bytemode scale */
	uint64_t ecn_prob;	/* mark only at prob <= this (PIE_MAX_PROB scale) */
	bool ecn, bytemode, dq_rate_estimator;
};

struct pie_vars {
	uint64_t prob, accu_prob;
	uint64_t qdelay, qdelay_old;	/* ns */
	uint64_t burst_time;		/* ns of allowance left */
	uint64_t dq_tstamp;		/* ns, or PIE_DTIME_INVALID */
	int64_t dq_count;		/* bytes, or PIE_DQCOUNT_INVALID */
	uint64_t avg_dq_rate;		/* bytes per ns << 32 */
	uint64_t backlog_old;
	uint64_t next_update;		/* ns of the next periodic update */
};

/* A source of 64 random bits, drawn only when a drop is really random. */
typedef uint64_t pie_rand_fn(void *ctx);

/* The disciplines' source: SipHash of a counter under the qdisc's key,
 * read through the pointer at each draw (the engine may replace it). */
struct pie_rng {
	const struct itm_siphash_key *key;
	uint64_t ctr;
};

uint64_t pie_rng_next(void *rng);

void pie_params_init(struct pie_params *p);
/* Linux's pie_vars_init: re-arm the burst allowance and the rate
 * estimator; prob and delays are kept. */
void pie_vars_init(struct pie_vars *v);
/* A brand-new queue: everything zero, then pie_vars_init. */
void pie_vars_fresh(struct pie_vars *v);

/* One periodic update (Linux pie_calculate_probability). */
void pie_update_probability(const struct pie_params *p, struct pie_vars *v,
			    uint64_t backlog);
/* Run every update due at or before now; the first is at `first`. */
void pie_catch_up_slow(const struct pie_params *p, struct pie_vars *v,
		       uint64_t backlog, uint64_t first, uint64_t now);

static inline void pie_catch_up(const struct pie_params *p, struct pie_vars *v,
				uint64_t backlog, uint64_t first, uint64_t now)
{
	if (!v->next_update || v->next_update <= now)
		pie_catch_up_slow(p, v, backlog, first, now);
}

/* At enqueue, with the queue's backlog before the packet: drop it? */
bool pie_drop_early(const struct pie_params *p, struct pie_vars *v,
		    uint64_t backlog, uint32_t size, pie_rand_fn *rnd,
		    void *rnd_ctx);
/* May a packet the controller chose to drop be marked instead? */
static inline bool pie_may_mark(const struct pie_params *p,
				const struct pie_vars *v)
{
	return p->ecn && v->prob <= p->ecn_prob;
}

/* At dequeue, with the backlog after the packet left. */
void pie_process_dequeue(const struct pie_params *p, struct pie_vars *v,
			 uint64_t enq_ns, uint32_t len, uint64_t backlog,
			 uint64_t now);

/* Average dequeue rate in bytes per second (rate mode). */
uint64_t pie_dq_rate_bps(const struct pie_vars *v);

#endif
