// SPDX-License-Identifier: GPL-2.0-only
/*
 * fq_pie: flow queueing with a PIE controller per flow, as Linux's
 * sch_fq_pie and tc-fq_pie(8).
 *
 * Packets are hashed on their flow keys (the 5-tuple by default, any of
 * the flow classifier's keys with `keys`) into `flows` buckets, or sent to
 * bucket MINOR-1 by a priority or class MAJOR:MINOR of this qdisc. Each
 * bucket is a FIFO with its own PIE state; the 2 x MTU safeguard looks at the bucket's
 * backlog, so sparse flows are never dropped early. Buckets are served by
 * deficit round robin over a list of new and a list of old flows, as
 * fq_codel: a flow that turns active joins the new list with one quantum
 * of credit, a flow out of credit gets a quantum more and goes to the tail
 * of the old list, an empty new flow passes through the old list once so
 * that new flows cannot starve old ones.
 *
 * Deviations from Linux (see doc/qdisc-fq_pie.md):
 *  - memory_limit is enforced: an arrival that would take the memory held
 *    over the limit is dropped (cause "memory", counted as overmemory and
 *    dropped). Linux only counts it and keeps the packet;
 *  - reset zeroes memory_used (Linux forgets to);
 *  - PIE as pie_core.c: probability clamped to [0, 1], accumulator cleared
 *    after an ECN mark, exact tupdate, wide rate estimator;
 *  - memory per packet ("truesize") is what we hold for it:
 *    sizeof(struct itm_pkt) + caplen, no rounding;
 *  - a change that lowers the limit drops from the head of the flow with
 *    the largest backlog in bytes until the limit holds (Linux dequeues
 *    through the scheduler); these drops count as generic drops only.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "itm/flowkeys.h"
#include "itm/qdisc.h"
#include "itm/units.h"
#include "qdisc/pie_core.h"

enum fq_pie_list_id { FQP_NONE, FQP_NEW, FQP_OLD };

struct fq_pie_flow {
	struct itm_pktq q;
	struct fq_pie_flow *next;	/* on new_flows or old_flows */
	int64_t deficit;
	uint8_t list;			/* enum fq_pie_list_id */
	struct pie_vars vars;
};

struct fq_pie_list {
	struct fq_pie_flow *head, *tail;
	uint32_t len;
};

struct fq_pie {
	uint32_t limit, flows;
	uint64_t quantum, memory_limit;
	uint32_t ecn_prob;	/* %, into params.ecn_prob */
	uint32_t keys;
	struct pie_params params;	/* options, but for mtu and ecn_prob */
	struct pie_rng rng;
	struct fq_pie_flow *flow;
	struct fq_pie_list new_flows, old_flows;
	uint32_t qlen;
	uint64_t memory_used;
	uint64_t first_update;	/* first enqueue + tupdate; 0 = none yet */
	uint32_t pkts_in, overlimit, overmemory, dropped, ecn_mark;
	uint32_t new_flow_count;
};

#define FQP_ATTR(n, t, field, lo, hi, d, ...) \
	{ .name = n, .type = t, .off = offsetof(struct fq_pie, field), \
	  .min = lo, .max = hi, .def = d, .flags = ITM_ATTR_WRITABLE, \
	  __VA_ARGS__ }
static const struct itm_attr fq_pie_attrs[] = {
	FQP_ATTR("limit", ITM_ATTR_PKTS, limit, 1, UINT32_MAX, 10240,
		 .unit = "packets", .help = "packets queued in all flows"),
	{ .name = "flows", .type = ITM_ATTR_U32,
	  .off = offsetof(struct fq_pie, flows), .min = 1, .max = 65536,
	  .def = 1024, .flags = ITM_ATTR_FIXED, .unit = "queues",
	  .help = "flow queues (hash buckets)" },
	PIE_ATTRS_CONTROL(struct fq_pie),
	FQP_ATTR("quantum", ITM_ATTR_SIZE, quantum, 1, 1u << 20, 1514,
		 .unit = "bytes", .help = "credit per round of a flow"),
	FQP_ATTR("memory_limit", ITM_ATTR_SIZE, memory_limit, 1, UINT32_MAX,
		 32u << 20, .unit = "bytes",
		 .help = "memory held by queued packets, all flows"),
	FQP_ATTR("ecn_prob", ITM_ATTR_U32, ecn_prob, 0, 99, 10, .unit = "%",
		 .help = "with ecn: mark up to this drop probability"),
	PIE_ATTRS_FLAGS(struct fq_pie),
	{ .name = "keys", .type = ITM_ATTR_FLAGS,
	  .off = offsetof(struct fq_pie, keys), .def = ITM_FLOW_KEYS_5TUPLE,
	  .flags = ITM_ATTR_WRITABLE | ITM_ATTR_NONDEFAULT,
	  .names = itm_flow_key_names, .help = "flow keys hashed" },
	ITM_ATTR_END,
};

/* ---- flow lists ---- */

static void fq_pie_list_push(struct fq_pie_list *l, struct fq_pie_flow *fl,
			     uint8_t id)
{
	fl->next = NULL;
	if (l->tail)
		l->tail->next = fl;
	else
		l->head = fl;
	l->tail = fl;
	l->len++;
	fl->list = id;
}

static struct fq_pie_flow *fq_pie_list_pop(struct fq_pie_list *l)
{
	struct fq_pie_flow *fl = l->head;

	l->head = fl->next;
	if (!l->head)
		l->tail = NULL;
	l->len--;
	fl->next = NULL;
	fl->list = FQP_NONE;
	return fl;
}

/* ---- set-up ---- */

static void fq_pie_sync_params(struct fq_pie *f)
{
	f->params.ecn_prob = (PIE_MAX_PROB / 100) * f->ecn_prob;
}

static int fq_pie_init(struct itm_qdisc *q, struct itm_err *err)
{
	struct fq_pie *f = itm_qdisc_priv(q);
	uint32_t i;

	f->flow = calloc(f->flows, sizeof(*f->flow));
	if (!f->flow)
		return itm_err_set(err, ENOMEM, "fq_pie: no memory for %u flows",
				   f->flows);
	for (i = 0; i < f->flows; i++)
		pie_vars_fresh(&f->flow[i].vars);
	pie_params_fixed(&f->params);
	fq_pie_sync_params(f);
	f->rng.key = &q->hash_key;
	return 0;
}

static void fq_pie_destroy(struct itm_qdisc *q)
{
	free(((struct fq_pie *)itm_qdisc_priv(q))->flow);
}

/* ---- classification and accounting ---- */

/* Whether class id h is MAJOR:MINOR of this qdisc with MINOR a bucket. */
static bool fq_pie_named(const struct itm_qdisc *q, const struct fq_pie *f,
			 uint32_t h)
{
	return ITM_H_MAJ(h) == ITM_H_MAJ(q->handle) && ITM_H_MIN(h) >= 1 &&
	       ITM_H_MIN(h) <= f->flows;
}

/* The packet's priority first, as Linux reads skb->priority before the
 * filters, then its class, then the hash. */
static uint32_t fq_pie_classify(const struct itm_qdisc *q,
				const struct fq_pie *f,
				const struct itm_pkt *p)
{
	uint32_t vals[ITM_FK_MAX], h;
	unsigned n;

	if (fq_pie_named(q, f, p->priority))
		return ITM_H_MIN(p->priority) - 1;
	if (fq_pie_named(q, f, p->classid))
		return ITM_H_MIN(p->classid) - 1;
	n = itm_flow_key_values(p, f->keys, vals);
	h = (uint32_t)itm_siphash13(vals, n * sizeof(vals[0]), &q->hash_key);
	return (uint32_t)(((uint64_t)h * f->flows) >> 32);
}

static uint64_t fq_pie_truesize(const struct itm_pkt *p)
{
	return sizeof(*p) + p->caplen;
}

/* Bring a flow's controller up to now before its backlog changes. */
static void fq_pie_touch(struct fq_pie *f, struct fq_pie_flow *fl,
			 uint64_t now)
{
	if (!f->first_update)
		f->first_update = now + f->params.tupdate_ns;
	pie_catch_up(&f->params, &fl->vars, fl->q.bytes, f->first_update, now);
}

/* Take a queued packet out of a flow, for dequeue or a trim. */
static struct itm_pkt *fq_pie_take(struct fq_pie *f, struct fq_pie_flow *fl)
{
	struct itm_pkt *p = itm_pktq_pop(&fl->q);

	f->qlen--;
	f->memory_used -= fq_pie_truesize(p);
	return p;
}

/* ---- enqueue ---- */

static void fq_pie_drop(struct itm_qdisc *q, struct fq_pie_flow *fl,
			struct itm_pkt *p, enum itm_drop_cause cause)
{
	struct fq_pie *f = itm_qdisc_priv(q);

	f->dropped++;
	fl->vars.accu_prob = 0;
	itm_qdisc_drop(q, p, cause);
}

/* PIE's verdict for an arrival: true to keep it (maybe CE-marked). */
static bool fq_pie_admit(struct fq_pie *f, struct fq_pie_flow *fl,
			 struct itm_pkt *p)
{
	if (!pie_drop_early(&f->params, &fl->vars, fl->q.bytes, itm_pkt_len(p),
			    pie_rng_next, &f->rng))
		return true;
	if (!pie_may_mark(&f->params, &fl->vars) || !itm_pkt_set_ce(p))
		return false;
	f->ecn_mark++;
	fl->vars.accu_prob = 0;
	return true;
}

static void fq_pie_enqueue(struct itm_qdisc *q, struct itm_pkt *p,
			   uint64_t now)
{
	struct fq_pie *f = itm_qdisc_priv(q);
	struct fq_pie_flow *fl = &f->flow[fq_pie_classify(q, f, p)];
	uint64_t truesize = fq_pie_truesize(p);

	fq_pie_touch(f, fl, now);
	/* q->stats: with a packet a parent peeked, as in Linux, and this one */
	if (q->stats.qlen > f->limit) {
		f->overlimit++;
		fq_pie_drop(q, fl, p, ITM_DROP_LIMIT);
		return;
	}
	if (f->memory_used + truesize > f->memory_limit) {
		f->overmemory++;
		fq_pie_drop(q, fl, p, ITM_DROP_MEMORY);
		return;
	}
	if (!fq_pie_admit(f, fl, p)) {
		fq_pie_drop(q, fl, p, ITM_DROP_AQM);
		return;
	}
	f->pkts_in++;
	f->memory_used += truesize;
	f->qlen++;
	itm_pktq_push(&fl->q, p);
	if (fl->list == FQP_NONE) {
		fq_pie_list_push(&f->new_flows, fl, FQP_NEW);
		f->new_flow_count++;
		fl->deficit = (int64_t)f->quantum;
	}
}

/* ---- dequeue ---- */

static struct itm_pkt *fq_pie_dequeue(struct itm_qdisc *q, uint64_t now)
{
	struct fq_pie *f = itm_qdisc_priv(q);

	for (;;) {
		struct fq_pie_list *l = f->new_flows.head ? &f->new_flows
							  : &f->old_flows;
		struct fq_pie_flow *fl = l->head;
		struct itm_pkt *p;

		if (!fl)
			return NULL;
		if (fl->deficit <= 0) {
			fl->deficit += (int64_t)f->quantum;
			fq_pie_list_push(&f->old_flows, fq_pie_list_pop(l),
					 FQP_OLD);
			continue;
		}
		if (!fl->q.len) {
			fq_pie_list_pop(l);
			if (l == &f->new_flows && f->old_flows.head)
				fq_pie_list_push(&f->old_flows, fl, FQP_OLD);
			continue;
		}
		fq_pie_touch(f, fl, now);
		p = fq_pie_take(f, fl);
		fl->deficit -= itm_pkt_len(p);
		pie_process_dequeue(&f->params, &fl->vars, p->enq_ns, itm_pkt_len(p),
				    fl->q.bytes, now);
		return p;
	}
}

/* ---- reset, change, statistics ---- */

static void fq_pie_reset(struct itm_qdisc *q)
{
	struct fq_pie *f = itm_qdisc_priv(q);
	uint32_t i;

	for (i = 0; i < f->flows; i++) {
		struct fq_pie_flow *fl = &f->flow[i];

		while (fl->q.len)
			itm_qdisc_drop(q, fq_pie_take(f, fl), ITM_DROP_FLUSH);
		fl->next = NULL;
		fl->list = FQP_NONE;
		pie_vars_init(&fl->vars);
	}
	f->new_flows = (struct fq_pie_list){ 0 };
	f->old_flows = (struct fq_pie_list){ 0 };
	f->memory_used = 0;
}

static struct fq_pie_flow *fq_pie_fattest(struct fq_pie *f)
{
	struct fq_pie_flow *fat = &f->flow[0];
	uint32_t i;

	for (i = 1; i < f->flows; i++) {
		if (f->flow[i].q.bytes > fat->q.bytes)
			fat = &f->flow[i];
	}
	return fat;
}

/* Options are valid (the schema checked ranges, flows is fixed): apply
 * them and, if the limit shrank, drop from the fattest flow's head. */
static int fq_pie_change(struct itm_qdisc *q, struct itm_err *err)
{
	struct fq_pie *f = itm_qdisc_priv(q);

	fq_pie_sync_params(f);
	while (f->qlen && q->stats.qlen > f->limit)
		itm_qdisc_drop(q, fq_pie_take(f, fq_pie_fattest(f)),
			       ITM_DROP_LIMIT);
	return 0;
}

static void fq_pie_dump_xstats(const struct itm_qdisc *q, FILE *out,
			       bool json)
{
	const struct fq_pie *f = itm_qdisc_priv_const(q);

	fprintf(out, json ? ",\"pkts_in\":%u,\"overlimit\":%u,\"overmemory\":%u"
		",\"dropped\":%u,\"ecn_mark\":%u" :
		"  pkts_in %u overlimit %u overmemory %u dropped %u ecn_mark %u\n",
		f->pkts_in, f->overlimit, f->overmemory, f->dropped, f->ecn_mark);
	fprintf(out, json ? ",\"new_flow_count\":%u,\"new_flows_len\":%u"
		",\"old_flows_len\":%u,\"memory_used\":%" PRIu64 :
		"  new_flow_count %u new_flows_len %u old_flows_len %u"
		" memory_used %" PRIu64 "\n",
		f->new_flow_count, f->new_flows.len, f->old_flows.len,
		f->memory_used);
}

const struct itm_qdisc_ops itm_qdisc_fq_pie = {
	.id = "fq_pie",
	.priv_size = sizeof(struct fq_pie),
	.attrs = fq_pie_attrs,
	.needs = ITM_QNEED_WHOLE,	/* ECN marks */
	.init = fq_pie_init,
	.change = fq_pie_change,
	.reset = fq_pie_reset,
	.destroy = fq_pie_destroy,
	.enqueue = fq_pie_enqueue,
	.dequeue = fq_pie_dequeue,
	.dump_xstats = fq_pie_dump_xstats,
};
