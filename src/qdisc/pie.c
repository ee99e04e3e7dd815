// SPDX-License-Identifier: GPL-2.0-only
/*
 * pie: one FIFO under the PIE controller (pie_core.c), as Linux's sch_pie.
 * An arrival is tail-dropped at the packet limit; otherwise PIE may drop
 * it early, or with ecn mark it CE instead while the probability is at
 * most 10 %. Statistics as tc -s shows them for pie.
 *
 * A packet a parent peeked has left our list but is still queued here: the
 * limit, the backlog PIE sees and maxq count it, as Linux's sch->q.qlen
 * and backlog do: they are read from the discipline's counters (q->stats).
 */
#include <inttypes.h>

#include "itm/qdisc.h"
#include "itm/units.h"
#include "qdisc/pie_core.h"

struct pie_sched {
	uint32_t limit;
	struct pie_params params;	/* options, but for mtu and ecn_prob */
	struct pie_vars vars;
	struct pie_rng rng;
	struct itm_pktq q;
	uint64_t first_update;	/* first enqueue + tupdate; 0 = none yet */
	uint32_t pkts_in, overlimit, dropped, maxq, ecn_mark;
};

static const struct itm_attr pie_attrs[] = {
	{ .name = "limit", .type = ITM_ATTR_PKTS,
	  .off = offsetof(struct pie_sched, limit), .min = 1, .max = UINT32_MAX,
	  .def = 1000, .flags = ITM_ATTR_WRITABLE, .unit = "packets",
	  .help = "queue length" },
	PIE_ATTRS_CONTROL(struct pie_sched),
	PIE_ATTRS_FLAGS(struct pie_sched),
	ITM_ATTR_END,
};

static int pie_init(struct itm_qdisc *q, struct itm_err *err)
{
	struct pie_sched *s = itm_qdisc_priv(q);

	pie_params_fixed(&s->params);
	pie_vars_fresh(&s->vars);
	s->rng.key = &q->hash_key;
	return 0;
}

/* Bring the controller up to now with this backlog; the update grid
 * starts at the first enqueue, with the first update one tupdate later. */
static void pie_touch(struct pie_sched *s, uint64_t backlog, uint64_t now)
{
	if (!s->first_update)
		s->first_update = now + s->params.tupdate_ns;
	pie_catch_up(&s->params, &s->vars, backlog, s->first_update, now);
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
	/* q->stats hold the peeked packet and already the arriving one */
	uint64_t backlog = q->stats.backlog_bytes - itm_pkt_len(p);

	pie_touch(s, backlog, now);
	if (q->stats.qlen > s->limit) {
		s->overlimit++;
		pie_drop(q, p, ITM_DROP_LIMIT);
		return;
	}
	if (pie_drop_early(&s->params, &s->vars, backlog,
			   itm_pkt_len(p), pie_rng_next, &s->rng)) {
		if (!pie_may_mark(&s->params, &s->vars) || !itm_pkt_set_ce(p)) {
			pie_drop(q, p, ITM_DROP_AQM);
			return;
		}
		s->ecn_mark++;
		s->vars.accu_prob = 0;
	}
	s->pkts_in++;
	if (q->stats.qlen - 1 > s->maxq)
		s->maxq = q->stats.qlen - 1;
	itm_pktq_push(&s->q, p);
}

static struct itm_pkt *pie_dequeue(struct itm_qdisc *q, uint64_t now)
{
	struct pie_sched *s = itm_qdisc_priv(q);
	struct itm_pkt *p;

	if (!s->q.len)
		return NULL;
	pie_touch(s, s->q.bytes, now);	/* nothing is peeked while we run */
	p = itm_pktq_pop(&s->q);
	pie_process_dequeue(&s->params, &s->vars, p->enq_ns, itm_pkt_len(p),
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

	while (s->q.len && q->stats.qlen > s->limit)
		itm_qdisc_drop(q, itm_pktq_pop(&s->q), ITM_DROP_LIMIT);
	return 0;
}

static double pie_prob_fraction(const struct pie_vars *v)
{
	return (double)v->prob / (double)PIE_MAX_PROB;
}

/* The controller state is as of the last enqueue or dequeue: a dump has
 * no clock, so updates due since (an idle queue's decay) are not run. */
static void pie_dump_xstats(const struct itm_qdisc *q, FILE *f, bool json)
{
	const struct pie_sched *s = itm_qdisc_priv_const(q);
	char delay[32];

	if (json) {
		fprintf(f, ",\"prob\":%.9g,\"delay\":%" PRIu64,
			pie_prob_fraction(&s->vars), s->vars.qdelay / 1000);
		if (s->params.dq_rate_estimator)
			fprintf(f, ",\"avg_dq_rate\":%" PRIu64,
				pie_dq_rate_bps(&s->vars));
		fprintf(f, ",\"pkts_in\":%u,\"overlimit\":%u,\"dropped\":%u"
			",\"maxq\":%u,\"ecn_mark\":%u", s->pkts_in,
			s->overlimit, s->dropped, s->maxq, s->ecn_mark);
		return;
	}
	itm_fmt_time(delay, sizeof(delay), s->vars.qdelay / 1000 * 1000);
	fprintf(f, "  prob %g delay %s", pie_prob_fraction(&s->vars), delay);
	if (s->params.dq_rate_estimator)
		fprintf(f, " avg_dq_rate %" PRIu64, pie_dq_rate_bps(&s->vars));
	fprintf(f, "\n  pkts_in %u overlimit %u dropped %u maxq %u ecn_mark %u\n",
		s->pkts_in, s->overlimit, s->dropped, s->maxq, s->ecn_mark);
}

const struct itm_qdisc_ops itm_qdisc_pie = {
	.id = "pie",
	.priv_size = sizeof(struct pie_sched),
	.attrs = pie_attrs,
	.needs = ITM_QNEED_WHOLE,	/* ECN marks */
	.init = pie_init,
	.change = pie_change,
	.reset = pie_reset,
	.enqueue = pie_enqueue,
	.dequeue = pie_dequeue,
	.dump_xstats = pie_dump_xstats,
};
