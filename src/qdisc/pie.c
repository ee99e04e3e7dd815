// SPDX-License-Identifier: GPL-2.0-only
/*
 * pie: one FIFO under the PIE controller (pie_core.c), as Linux's sch_pie.
 * An arrival is tail-dropped at the packet limit; otherwise PIE may drop
 * it early, or with ecn mark it CE instead while the probability is at
 * most 10 %. Statistics as tc -s shows them for pie.
 */
#include <inttypes.h>

#include "itm/qdisc.h"
#include "itm/units.h"
#include "qdisc/pie_core.h"

struct pie_sched {
	uint32_t limit;
	uint64_t target_ns, tupdate_ns;
	uint32_t alpha, beta;
	bool ecn, bytemode, dq_rate_estimator;

	struct pie_params params;
	struct pie_vars vars;
	struct pie_rng rng;
	struct itm_pktq q;
	uint64_t first_update;	/* first enqueue + tupdate; 0 = none yet */
	uint32_t pkts_in, overlimit, dropped, maxq, ecn_mark;
};

#define PIE_TIME_MAX (UINT64_C(4294967295) * 1000)	/* u32 of us, as tc */

#define PIE_ATTR(n, t, field, lo, hi, d, ...) \
	{ .name = n, .type = t, .off = offsetof(struct pie_sched, field), \
	  .min = lo, .max = hi, .def = d, .flags = ITM_ATTR_WRITABLE, \
	  __VA_ARGS__ }
#define PIE_FLAG(n, field, h) \
	{ .name = n, .type = ITM_ATTR_BOOL, \
	  .off = offsetof(struct pie_sched, field), \
	  .flags = ITM_ATTR_WRITABLE | ITM_ATTR_TC_FLAG, .help = h }

static const struct itm_attr pie_attrs[] = {
	PIE_ATTR("limit", ITM_ATTR_PKTS, limit, 1, UINT32_MAX, 1000,
		 .unit = "packets", .help = "queue length"),
	PIE_ATTR("target", ITM_ATTR_TIME, target_ns, 1000, PIE_TIME_MAX,
		 15000000, .unit = "time", .help = "queue delay aimed at"),
	PIE_ATTR("tupdate", ITM_ATTR_TIME, tupdate_ns, 1000, PIE_TIME_MAX,
		 15000000, .unit = "time",
		 .help = "interval between probability updates"),
	PIE_ATTR("alpha", ITM_ATTR_U32, alpha, 0, 32, 2, .unit = "1/16 Hz",
		 .help = "gain on the delay error"),
	PIE_ATTR("beta", ITM_ATTR_U32, beta, 0, 32, 20, .unit = "1/16 Hz",
		 .help = "gain on the delay trend"),
	PIE_FLAG("ecn", ecn, "mark ECN-capable packets instead of dropping"),
	PIE_FLAG("bytemode", bytemode, "scale the probability by size / MTU"),
	PIE_FLAG("dq_rate_estimator", dq_rate_estimator,
		 "delay from the dequeue rate (Little's law), not timestamps"),
	ITM_ATTR_END,
};

static void pie_sync_params(struct pie_sched *s)
{
	s->params.target_ns = s->target_ns;
	s->params.tupdate_ns = s->tupdate_ns;
	s->params.alpha = s->alpha;
	s->params.beta = s->beta;
	s->params.ecn = s->ecn;
	s->params.bytemode = s->bytemode;
	s->params.dq_rate_estimator = s->dq_rate_estimator;
}

static int pie_init(struct itm_qdisc *q, struct itm_err *err)
{
	struct pie_sched *s = itm_qdisc_priv(q);

	pie_params_init(&s->params);
	pie_sync_params(s);
	pie_vars_fresh(&s->vars);
	s->rng.key = &q->hash_key;
	return 0;
}

/* Bring the controller up to now; the update grid starts at the first
 * enqueue, with the first update one tupdate later. */
static void pie_touch(struct pie_sched *s, uint64_t now)
{
	if (!s->first_update)
		s->first_update = now + s->tupdate_ns;
	pie_catch_up(&s->params, &s->vars, s->q.bytes, s->first_update, now);
}

static void pie_drop(struct itm_qdisc *q, struct itm_pkt *p,
		     enum itm_drop_cause cause)
{
	struct pie_sched *s = itm_qdisc_priv(q);

	s->dropped++;
	s->vars.accu_prob = 0;
	itm_qdisc_drop(q, p, cause);
}

static void pie_enqueue(struct itm_qdisc *q, struct itm_pkt *p, uint64_t now)
{
	struct pie_sched *s = itm_qdisc_priv(q);

	pie_touch(s, now);
	if (s->q.len >= s->limit) {
		s->overlimit++;
		pie_drop(q, p, ITM_DROP_LIMIT);
		return;
	}
	if (pie_drop_early(&s->params, &s->vars, s->q.bytes, p->caplen,
			   pie_rng_next, &s->rng)) {
		if (!pie_may_mark(&s->params, &s->vars) || !itm_pkt_set_ce(p)) {
			pie_drop(q, p, ITM_DROP_AQM);
			return;
		}
		s->ecn_mark++;
		s->vars.accu_prob = 0;
	}
	s->pkts_in++;
	if (s->q.len > s->maxq)
		s->maxq = s->q.len;
	itm_pktq_push(&s->q, p);
}

static struct itm_pkt *pie_dequeue(struct itm_qdisc *q, uint64_t now)
{
	struct pie_sched *s = itm_qdisc_priv(q);
	struct itm_pkt *p;

	if (!s->q.len)
		return NULL;
	pie_touch(s, now);
	p = itm_pktq_pop(&s->q);
	pie_process_dequeue(&s->params, &s->vars, p->enq_ns, p->caplen,
			    s->q.bytes, now);
	return p;
}

static void pie_reset(struct itm_qdisc *q)
{
	struct pie_sched *s = itm_qdisc_priv(q);

	while (s->q.len)
		itm_qdisc_drop(q, itm_pktq_pop(&s->q), ITM_DROP_FLUSH);
	pie_vars_init(&s->vars);
}

/* A smaller limit drops from the head, as Linux. */
static int pie_change(struct itm_qdisc *q, struct itm_err *err)
{
	struct pie_sched *s = itm_qdisc_priv(q);

	pie_sync_params(s);
	while (s->q.len > s->limit)
		itm_qdisc_drop(q, itm_pktq_pop(&s->q), ITM_DROP_LIMIT);
	return 0;
}

static double pie_prob_fraction(const struct pie_vars *v)
{
	return (double)v->prob / (double)PIE_MAX_PROB;
}

/* The controller state is as of the last enqueue or dequeue: a single
 * queue is touched by every event, so nothing is pending before it. */
static void pie_dump_xstats(const struct itm_qdisc *q, FILE *f, bool json)
{
	const struct pie_sched *s = itm_qdisc_priv_const(q);
	char delay[32];

	if (json) {
		fprintf(f, ",\"prob\":%.9g,\"delay\":%" PRIu64,
			pie_prob_fraction(&s->vars), s->vars.qdelay / 1000);
		if (s->dq_rate_estimator)
			fprintf(f, ",\"avg_dq_rate\":%" PRIu64,
				pie_dq_rate_bps(&s->vars));
		fprintf(f, ",\"pkts_in\":%u,\"overlimit\":%u,\"dropped\":%u"
			",\"maxq\":%u,\"ecn_mark\":%u", s->pkts_in,
			s->overlimit, s->dropped, s->maxq, s->ecn_mark);
		return;
	}
	itm_fmt_time(delay, sizeof(delay), s->vars.qdelay / 1000 * 1000);
	fprintf(f, "  prob %g delay %s", pie_prob_fraction(&s->vars), delay);
	if (s->dq_rate_estimator)
		fprintf(f, " avg_dq_rate %" PRIu64, pie_dq_rate_bps(&s->vars));
	fprintf(f, "\n  pkts_in %u overlimit %u dropped %u maxq %u ecn_mark %u\n",
		s->pkts_in, s->overlimit, s->dropped, s->maxq, s->ecn_mark);
}

const struct itm_qdisc_ops itm_qdisc_pie = {
	.id = "pie",
	.priv_size = sizeof(struct pie_sched),
	.attrs = pie_attrs,
	.init = pie_init,
	.change = pie_change,
	.reset = pie_reset,
	.enqueue = pie_enqueue,
	.dequeue = pie_dequeue,
	.dump_xstats = pie_dump_xstats,
};
