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
#include <stddef.h>
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

/*
 * The options pie and fq_pie share, as tc-pie(8) names them, stored straight
 * into the `params` member (a struct pie_params) of the discipline's private
 * struct `st`. Times are kept in ns up to tc's u32 of microseconds.
 */
#define PIE_TIME_MAX (UINT64_C(4294967295) * 1000)
#define PIE_ATTR(st, n, t, f, lo, hi, d, ...) \
	{ .name = n, .type = t, .off = offsetof(st, params.f), \
	  .min = lo, .max = hi, .def = d, .flags = ITM_ATTR_WRITABLE, \
	  __VA_ARGS__ }
#define PIE_FLAG(st, n, f, h) \
	{ .name = n, .type = ITM_ATTR_BOOL, .off = offsetof(st, params.f), \
	  .flags = ITM_ATTR_WRITABLE | ITM_ATTR_TC_FLAG, .help = h }
#define PIE_ATTRS_CONTROL(st) \
	PIE_ATTR(st, "target", ITM_ATTR_TIME, target_ns, 1000, PIE_TIME_MAX, \
		 15000000, .unit = "time", .help = "queue delay aimed at"), \
	PIE_ATTR(st, "tupdate", ITM_ATTR_TIME, tupdate_ns, 1000, \
		 PIE_TIME_MAX, 15000000, .unit = "time", \
		 .help = "interval between probability updates"), \
	PIE_ATTR(st, "alpha", ITM_ATTR_U32, alpha, 0, 32, 2, \
		 .unit = "1/16 Hz", .help = "gain on the delay error"), \
	PIE_ATTR(st, "beta", ITM_ATTR_U32, beta, 0, 32, 20, \
		 .unit = "1/16 Hz", .help = "gain on the delay trend")
#define PIE_ATTRS_FLAGS(st) \
	PIE_FLAG(st, "ecn", ecn, \
		 "mark ECN-capable packets instead of dropping"), \
	PIE_FLAG(st, "bytemode", bytemode, \
		 "scale the probability by size / MTU"), \
	PIE_FLAG(st, "dq_rate_estimator", dq_rate_estimator, \
		 "delay from the dequeue rate (Little's law), not timestamps")

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
/* What a discipline's options do not set: the MTU, ECN threshold 10 %. */
void pie_params_fixed(struct pie_params *p);
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
