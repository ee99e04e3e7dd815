// SPDX-License-Identifier: GPL-2.0-only
/*
 * vif: netnice's hierarchical virtual interfaces as one classful discipline.
 * The discipline is the root VIF (the interface); its classes are VIFs that
 * nest up to 8 deep:
 *
 *   qdisc add root handle 1: vif bandwidth 10mbit mode pq
 *   class add parent 1: classid 1:3 vif bandwidth 4mbit mode shaping priority 1
 *   class add parent 1:3 classid 1:1 vif weight 1
 *
 * Principles:
 * - Every VIF has a bandwidth (0 = unlimited), a mode, a weight and a
 *   priority. The mode says how the VIF limits itself and how its children
 *   share it:
 *     shaping  capped at bandwidth (not work-conserving, no guarantee);
 *              children share by weight;
 *     wfq      guaranteed bandwidth, may borrow spare bandwidth of its
 *              parent up to ceil (0: no cap of its own), work-conserving;
 *              children share by weight;
 *     pq       as wfq, but children go strictly by priority (lower first),
 *              by weight within one priority;
 *     block    every packet to it or below it is dropped (cause "block").
 *   At the root, bandwidth caps the whole tree in every mode.
 * - Service follows HTB: first leaves within their own guarantee, then
 *   leaves borrowing from the nearest ancestor within its guarantee (the
 *   deepest lender first), then whatever the root has spare. A VIF over its
 *   cap sends nothing, whatever its children's guarantees: caps are hard.
 *   Within one phase a VIF serves its children by priority (pq) and by
 *   start-time fair queueing on weight (vif_sched.c).
 * - Only leaf VIFs hold packets, each in a discipline of its own (a
 *   1000-packet pfifo unless replaced: "qdisc add parent 1:1 fq_pie").
 *   Adding a child to a leaf flushes its queue (as HTB): it becomes inner.
 * - A packet goes to the class its priority or class names (as drr), else
 *   to the class of option `default`, else to the root; a VIF with children
 *   passes it on to its first child (lowest minor) until a leaf is reached.
 *   With no class at all the packet is dropped as "class".
 * - Class counters are the VIF's own: enqueued and sent along the path,
 *   backlog from the leaves below, drops the difference, and the departure
 *   rate (tc's `est 250ms 1sec`: 250 ms samples, EWMA weight 1/4, a time
 *   constant of 0.87 s).
 */
#include <inttypes.h>
#include <stdlib.h>

#include "vif.h"

#include "itm/units.h"

const char *const vif_mode_names[] = {
	"shaping", "wfq", "pq", "block", NULL,
};

static const struct itm_attr vif_attrs[] = {
	{ .name = "bandwidth", .type = ITM_ATTR_RATE,
	  .off = offsetof(struct vif, root.opts.bandwidth_bps), .max = VIF_RATE_MAX,
	  .flags = ITM_ATTR_WRITABLE | ITM_ATTR_OMIT_ZERO, .unit = "bit/s",
	  .help = "cap of the whole tree; 0 = unlimited" },
	{ .name = "mode", .type = ITM_ATTR_ENUM,
	  .off = offsetof(struct vif, root.opts.mode), .def = VIF_WFQ,
	  .flags = ITM_ATTR_WRITABLE, .names = vif_mode_names,
	  .help = "how children share: shaping|wfq by weight, pq by priority; block drops" },
	{ .name = "default", .type = ITM_ATTR_HANDLE,
	  .off = offsetof(struct vif, dflt),
	  .flags = ITM_ATTR_WRITABLE | ITM_ATTR_OMIT_ZERO,
	  .help = "class for unclassified packets; 0 = the first leaf" },
	ITM_ATTR_END,
};

struct vif_node *vif_find(const struct vif *v, uint32_t minor)
{
	struct vif_node **pg;

	if (!minor || minor > 0xffff)
		return NULL;
	pg = v->page[minor / VIF_PAGE];
	return pg ? pg[minor % VIF_PAGE] : NULL;
}

int vif_check(const struct vif_opts *o, struct itm_err *err)
{
	char a[32], b[32];

	if (o->bandwidth_bps && o->bandwidth_bps < 8)
		return itm_err_set(err, ERANGE,
				   "vif: bandwidth must be 0 (unlimited) or at least 8bit");
	if (o->ceil_bps && o->mode == VIF_SHAPING)
		return itm_err_set(err, EINVAL,
				   "vif: ceil is for wfq and pq VIFs; a shaping VIF is capped at its bandwidth");
	if (o->ceil_bps && o->ceil_bps < o->bandwidth_bps)
		return itm_err_set(err, ERANGE,
				   "vif: ceil (%s) must be at least bandwidth (%s)",
				   itm_fmt_rate(a, sizeof(a), o->ceil_bps),
				   itm_fmt_rate(b, sizeof(b), o->bandwidth_bps));
	return 0;
}

/* Drop what every leaf at or below n holds (cause flush). */
void vif_flush(struct vif_node *n)
{
	struct vif_node *c;

	if (n->leaf)
		itm_qdisc_reset(n->leaf);
	for (c = n->child; c; c = c->sibling)
		vif_flush(c);
}

void vif_backlog(const struct vif_node *n, struct itm_qstats *s)
{
	const struct vif_node *c;

	if (n->leaf) {
		s->qlen += n->leaf->stats.qlen;
		s->backlog_bytes += n->leaf->stats.backlog_bytes;
	}
	for (c = n->child; c; c = c->sibling)
		vif_backlog(c, s);
}

static int vif_init(struct itm_qdisc *q, struct itm_err *err)
{
	struct vif *v = itm_qdisc_priv(q);
	int r = vif_check(&v->root.opts, err);

	if (r < 0)
		return r;
	v->root.opts.weight = 1;
	vif_node_arm(&v->root, 0);
	return 0;
}

static int vif_change(struct itm_qdisc *q, struct itm_err *err)
{
	struct vif *v = itm_qdisc_priv(q);
	int r = vif_check(&v->root.opts, err);

	if (r < 0)
		return r;
	vif_node_arm(&v->root, v->now);
	if (v->root.opts.mode == VIF_BLOCK)
		vif_flush(&v->root);
	return 0;
}

/* The class a packet names (priority first, as drr), else `default`, else
 * the root; then down to the first leaf. */
static struct vif_node *vif_classify(struct itm_qdisc *q,
				     const struct itm_pkt *p)
{
	struct vif *v = itm_qdisc_priv(q);
	uint32_t maj = ITM_H_MAJ(q->handle);
	struct vif_node *n = NULL;

	if (ITM_H_MAJ(p->priority) == maj)
		n = vif_find(v, ITM_H_MIN(p->priority));
	if (!n && ITM_H_MAJ(p->classid) == maj)
		n = vif_find(v, ITM_H_MIN(p->classid));
	if (!n)
		n = vif_find(v, ITM_H_MIN(v->dflt));
	if (!n)
		n = &v->root;
	while (n->child)
		n = n->child;
	return n->leaf ? n : NULL;
}

static void vif_enqueue(struct itm_qdisc *q, struct itm_pkt *p, uint64_t now)
{
	struct vif *v = itm_qdisc_priv(q);
	struct vif_node *n = vif_classify(q, p), *x;
	bool blocked = false;

	if (now > v->now)
		v->now = now;
	if (!n) {
		itm_qdisc_drop(q, p, ITM_DROP_CLASS);
		return;
	}
	for (x = n; x; x = x->parent) {
		x->enq_pkts++;
		x->enq_bytes += itm_pkt_len(p);
		blocked |= x->opts.mode == VIF_BLOCK;
	}
	if (blocked)
		itm_qdisc_drop(q, p, ITM_DROP_BLOCK);
	else
		itm_qdisc_enqueue(n->leaf, p, now);
}

static struct itm_pkt *vif_dequeue(struct itm_qdisc *q, uint64_t now)
{
	struct vif *v = itm_qdisc_priv(q);
	struct vif_node *n;
	struct itm_pkt *p;
	int phase;

	if (now > v->now)
		v->now = now;
	n = vif_pick(&v->root, now, &phase);
	if (!n) {
		uint64_t when = q->stats.qlen ? vif_next_send(&v->root, now)
					      : UINT64_MAX;

		if (when != UINT64_MAX) {
			itm_qdisc_watchdog(q, when);
			q->stats.overlimits++;
		}
		return NULL;
	}
	p = itm_qdisc_dequeue(n->leaf, now);
	vif_charge(n, phase, itm_pkt_len(p), now);
	return p;
}

static void vif_reset(struct itm_qdisc *q)
{
	vif_flush(&((struct vif *)itm_qdisc_priv(q))->root);
}

static void vif_free_node(struct vif *v, struct vif_node *n)
{
	while (n->child) {
		struct vif_node *c = n->child;

		n->child = c->sibling;
		vif_free_node(v, c);
	}
	itm_qdisc_destroy(n->leaf);
	if (n != &v->root) {	/* the root is part of the discipline */
		v->page[n->minor / VIF_PAGE][n->minor % VIF_PAGE] = NULL;
		v->n_classes--;
		free(n);
	}
}

static void vif_destroy(struct itm_qdisc *q)
{
	struct vif *v = itm_qdisc_priv(q);
	uint32_t i;

	vif_free_node(v, &v->root);
	for (i = 0; i < 65536 / VIF_PAGE; i++)
		free(v->page[i]);
}

static void vif_dump_xstats(const struct itm_qdisc *q, FILE *f, bool json)
{
	const struct vif *v = itm_qdisc_priv_const(q);
	uint64_t rate = vif_est_rate(&v->root.est, v->now);
	char buf[32];

	if (json)
		fprintf(f, ",\"rate\":%" PRIu64, rate);
	else
		fprintf(f, " rate %s\n", itm_fmt_rate(buf, sizeof(buf), rate));
}

const struct itm_qdisc_ops itm_qdisc_vif = {
	.id = "vif",
	.priv_size = sizeof(struct vif),
	.attrs = vif_attrs,
	.needs = ITM_QNEED_SEGMENTS,	/* it shapes */
	.init = vif_init,
	.change = vif_change,
	.reset = vif_reset,
	.destroy = vif_destroy,
	.enqueue = vif_enqueue,
	.dequeue = vif_dequeue,
	.dump_xstats = vif_dump_xstats,
	.cl = &vif_class_ops,
};
