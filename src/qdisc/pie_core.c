// SPDX-License-Identifier: GPL-2.0-only
/*
 * PIE, the controller half shared by pie and fq_pie. Integer maths as
 * Linux's include/net/pie.h and sch_pie.c: probability as a fraction of
 * 2^56 - 1, the RFC 8033 auto-tune table, a 2 % cap per update once the
 * probability is 10 % or more, +2 % while the delay exceeds 250 ms, decay
 * by 1/64 when both delays are 0, the 150 ms burst allowance re-armed when
 * calm, drained in timestamp mode by the time between dequeues, the three
 * safeguards in Linux's order, derandomisation (no drop below an
 * accumulated 0.85, certain drop from 8.5), bytemode scaling by the MTU.
 *
 * Deviations from Linux, each on purpose:
 *  - time is nanoseconds, not 64 ns psched ticks, and tupdate is kept as
 *    given (Linux rounds it up to jiffies: 15 ms runs as 16 ms at HZ=250);
 *  - the gains are applied at full precision (see pie_delta);
 *  - the probability is clamped to [0, PIE_MAX_PROB]: Linux lets it climb
 *    past 1.0 (up to 256 times), so it then takes that much longer to come
 *    down once the congestion is over;
 *  - the dequeue rate is bytes per ns << 32 (Linux: bytes << 8 per 64 ns
 *    tick, which truncates to 0 below about 0.5 Mbit/s and barely moves
 *    below 4 Mbit/s); the delay it gives is divided in 128 bits;
 *  - the disciplines clear the accumulator after an ECN mark as after a
 *    drop (Linux's accu >= 8.5 path marks without clearing, so every ECT
 *    packet after it is marked until the probability falls to 0).
 *
 * No timer: a queue's controller state only matters when the queue is
 * touched (enqueue, dequeue, dump), and between two touches its inputs
 * (backlog, last sojourn) do not change. So pie_catch_up() runs, when the
 * queue is touched at `now`, every update whose tick is <= now, in order,
 * which is exactly what a periodic timer would have done. An update that
 * leaves the state unchanged is a fixed point (same inputs, same output),
 * so the remaining ticks up to now are skipped at once: an idle queue
 * costs one update per touch however long it slept.
 */
#include <string.h>

#include "qdisc/pie_core.h"

__extension__ typedef unsigned __int128 pie_u128;
__extension__ typedef __int128 pie_s128;

#define NSEC_PER_SEC UINT64_C(1000000000)
#define PIE_RATE_SHIFT 32	/* avg_dq_rate: bytes per ns << 32 */

uint64_t pie_rng_next(void *rng)
{
	struct pie_rng *r = rng;
	uint64_t c = r->ctr++;

	return itm_siphash13(&c, sizeof(c), r->key);
}

void pie_params_init(struct pie_params *p)
{
	memset(p, 0, sizeof(*p));
	p->target_ns = 15000000;
	p->tupdate_ns = 15000000;
	p->alpha = 2;
	p->beta = 20;
	pie_params_fixed(p);
}

void pie_params_fixed(struct pie_params *p)
{
	p->mtu = PIE_MTU;
	p->ecn_prob = PIE_MAX_PROB / 10;
}

void pie_vars_init(struct pie_vars *v)
{
	v->burst_time = PIE_MAX_BURST_NS;
	v->dq_tstamp = PIE_DTIME_INVALID;
	v->dq_count = PIE_DQCOUNT_INVALID;
	v->accu_prob = 0;
	v->avg_dq_rate = 0;
}

void pie_vars_fresh(struct pie_vars *v)
{
	memset(v, 0, sizeof(*v));
	pie_vars_init(v);
}

/* RFC 8033's table: the gains shrink as the probability gets small. */
static unsigned pie_gain_shift(uint64_t prob)
{
	uint64_t power = 100;
	unsigned shift;

	if (prob >= PIE_MAX_PROB / 10)
		return 0;
	shift = 1;
	while (prob < PIE_MAX_PROB / power && power <= 1000000) {
		shift += 2;
		power *= 10;
	}
	return shift;
}

/*
 * delta = (alpha (qdelay - target) + beta (qdelay - qdelay_old)) / 16 Hz,
 * scaled down by the table, in units of PIE_MAX_PROB. Linux first
 * truncates each gain to an integer per tick and then multiplies; here the
 * product is formed first and divided once in 128 bits (alpha 32, delays
 * up to 2^64 ns and the 2^56 scale stay below 2^127), so the result is
 * exact to one unit (Linux's truncation is up to 4e-6 relative at the
 * smallest gains).
 */
static pie_s128 pie_delta(const struct pie_params *p, const struct pie_vars *v,
			  uint64_t qdelay, uint64_t qdelay_old)
{
	pie_s128 err = (pie_s128)qdelay - (pie_s128)p->target_ns;
	pie_s128 trend = (pie_s128)qdelay - (pie_s128)qdelay_old;
	pie_s128 d;

	d = ((pie_s128)p->alpha * err + (pie_s128)p->beta * trend) *
	    (pie_s128)PIE_MAX_PROB;
	d /= (pie_s128)NSEC_PER_SEC << (4 + pie_gain_shift(v->prob));
	if (d > (pie_s128)(PIE_MAX_PROB / 50) && v->prob >= PIE_MAX_PROB / 10)
		d = (PIE_MAX_PROB / 100) * 2;
	if (qdelay > UINT64_C(250000000))
		d += PIE_MAX_PROB / 50;
	return d;
}

static uint64_t pie_rate_delay(const struct pie_vars *v, uint64_t backlog)
{
	pie_u128 d;

	if (!v->avg_dq_rate)
		return 0;
	d = ((pie_u128)backlog << PIE_RATE_SHIFT) / v->avg_dq_rate;
	return d > UINT64_MAX ? UINT64_MAX : (uint64_t)d;
}

void pie_update_probability(const struct pie_params *p, struct pie_vars *v,
			    uint64_t backlog)
{
	uint64_t qdelay, qdelay_old;
	bool decay_ok;
	pie_s128 prob;

	if (p->dq_rate_estimator) {
		qdelay_old = v->qdelay;
		v->qdelay_old = v->qdelay;
		qdelay = pie_rate_delay(v, backlog);
	} else {
		qdelay = v->qdelay;
		qdelay_old = v->qdelay_old;
	}
	/* a backlog too small to show a delay: no decay this round */
	decay_ok = !(qdelay == 0 && backlog != 0);
	prob = (pie_s128)v->prob + pie_delta(p, v, qdelay, qdelay_old);
	if (prob > (pie_s128)PIE_MAX_PROB) {
		prob = PIE_MAX_PROB;
		decay_ok = false;
	} else if (prob < 0) {
		prob = 0;
	}
	v->prob = (uint64_t)prob;
	if (qdelay == 0 && qdelay_old == 0 && decay_ok)
		v->prob -= v->prob / 64;
	v->qdelay = qdelay;
	v->backlog_old = backlog;
	if (v->qdelay < p->target_ns / 2 && v->qdelay_old < p->target_ns / 2 &&
	    v->prob == 0 && (!p->dq_rate_estimator || v->avg_dq_rate > 0))
		pie_vars_init(v);
	if (!p->dq_rate_estimator)
		v->qdelay_old = qdelay;
}

static bool pie_vars_same(const struct pie_vars *a, const struct pie_vars *b)
{
	return a->prob == b->prob && a->accu_prob == b->accu_prob &&
	       a->qdelay == b->qdelay && a->qdelay_old == b->qdelay_old &&
	       a->burst_time == b->burst_time && a->dq_tstamp == b->dq_tstamp &&
	       a->dq_count == b->dq_count && a->avg_dq_rate == b->avg_dq_rate &&
	       a->backlog_old == b->backlog_old;
}

void pie_catch_up_slow(const struct pie_params *p, struct pie_vars *v,
		       uint64_t backlog, uint64_t first, uint64_t now)
{
	uint64_t t = p->tupdate_ns;

	if (!v->next_update)
		v->next_update = first;
	while (v->next_update <= now) {
		struct pie_vars before = *v;

		pie_update_probability(p, v, backlog);
		v->next_update += t;
		if (pie_vars_same(&before, v) && v->next_update <= now)
			v->next_update += ((now - v->next_update) / t + 1) * t;
	}
}

static uint64_t pie_local_prob(const struct pie_params *p,
			       const struct pie_vars *v, uint32_t size)
{
	if (p->bytemode && size <= p->mtu)
		return (uint64_t)size * (v->prob / p->mtu);
	return v->prob;
}

bool pie_drop_early(const struct pie_params *p, struct pie_vars *v,
		    uint64_t backlog, uint32_t size, pie_rand_fn *rnd,
		    void *rnd_ctx)
{
	uint64_t local;

	if (v->burst_time > 0)
		return false;
	if (v->qdelay < p->target_ns / 2 && v->prob < PIE_MAX_PROB / 5)
		return false;
	if (backlog < 2 * (uint64_t)p->mtu)
		return false;
	local = pie_local_prob(p, v, size);
	if (local == 0)
		v->accu_prob = 0;
	else
		v->accu_prob += local;
	if (v->accu_prob < (PIE_MAX_PROB / 100) * 85)
		return false;
	if (v->accu_prob >= (PIE_MAX_PROB / 2) * 17)
		return true;
	if ((rnd(rnd_ctx) >> 8) < local) {
		v->accu_prob = 0;
		return true;
	}
	return false;
}

static void pie_burst_drain(struct pie_vars *v, uint64_t dtime)
{
	v->burst_time = v->burst_time > dtime ? v->burst_time - dtime : 0;
}

/* Timestamp mode: the sojourn of the packet leaving is the delay. */
static void pie_dequeue_stamp(struct pie_vars *v, uint64_t enq_ns,
			      uint64_t backlog, uint64_t now)
{
	uint64_t dtime = 0;

	v->qdelay = now > enq_ns ? now - enq_ns : 0;
	if (v->dq_tstamp != PIE_DTIME_INVALID)
		dtime = now - v->dq_tstamp;
	v->dq_tstamp = now;
	if (backlog == 0)
		v->qdelay = 0;
	if (dtime)
		pie_burst_drain(v, dtime);
}

static void pie_rate_sample(struct pie_vars *v, uint64_t dtime)
{
	uint64_t rate = ((uint64_t)v->dq_count << PIE_RATE_SHIFT) / dtime;

	if (v->avg_dq_rate == 0)
		v->avg_dq_rate = rate;
	else
		v->avg_dq_rate = v->avg_dq_rate - (v->avg_dq_rate >> 3) +
				 (rate >> 3);
}

/* Rate mode (Little's law): measure the drain rate over 16 KB cycles. */
static void pie_dequeue_rate(struct pie_vars *v, uint32_t len,
			     uint64_t backlog, uint64_t now)
{
	uint64_t dtime;

	if (backlog >= PIE_DQ_THRESHOLD && v->dq_count == PIE_DQCOUNT_INVALID) {
		v->dq_tstamp = now;
		v->dq_count = 0;
	}
	if (v->dq_count == PIE_DQCOUNT_INVALID)
		return;
	v->dq_count += len;
	if (v->dq_count < PIE_DQ_THRESHOLD)
		return;
	dtime = now - v->dq_tstamp;
	if (dtime == 0)
		return;
	pie_rate_sample(v, dtime);
	if (backlog < PIE_DQ_THRESHOLD) {
		v->dq_count = PIE_DQCOUNT_INVALID;
	} else {
		v->dq_count = 0;
		v->dq_tstamp = now;
	}
	pie_burst_drain(v, dtime);
}

void pie_process_dequeue(const struct pie_params *p, struct pie_vars *v,
			 uint64_t enq_ns, uint32_t len, uint64_t backlog,
			 uint64_t now)
{
	if (p->dq_rate_estimator)
		pie_dequeue_rate(v, len, backlog, now);
	else
		pie_dequeue_stamp(v, enq_ns, backlog, now);
}

uint64_t pie_dq_rate_bps(const struct pie_vars *v)
{
	return (uint64_t)(((pie_u128)v->avg_dq_rate * NSEC_PER_SEC) >>
			  PIE_RATE_SHIFT);
}
