// SPDX-License-Identifier: GPL-2.0-only
/*
 * drr: deficit round robin over classes, as Linux's sch_drr: weighted fair
 * queueing where a class's weight is its quantum, the bytes it may send per
 * round. Classes are made with "class add parent 1: classid 1:10 drr
 * quantum 3000" (quantum defaults to 1514 bytes, an Ethernet frame); each
 * holds a child discipline, pfifo of 1000 packets unless replaced.
 *
 * A packet goes to the class its priority or class names (MAJOR:minor of
 * this discipline, the priority first, as Linux reads skb->priority before
 * filters); a packet naming no class of ours is dropped, counted as
 * "class". A class with packets is on the active list; the head of the
 * list sends while its deficit covers the head packet, then gets another
 * quantum and goes to the tail. As in Linux, if the head class's child
 * holds packets but will not give one (a shaper below), nothing is sent
 * this time.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "itm/qdisc.h"

struct drr_opts {
	uint64_t quantum;
};

struct drr_class {
	struct drr_opts opts;
	uint64_t deficit;
	struct itm_qdisc *child;
	struct drr_class *prev, *next;	/* active list */
	bool active;
};

#define DRR_PAGE 256

struct drr {
	struct drr_class **page[65536 / DRR_PAGE];
	struct drr_class *head, *tail;	/* active classes */
	uint32_t n_classes;
};

static const struct itm_attr drr_class_attrs[] = {
	{ .name = "quantum", .type = ITM_ATTR_SIZE,
	  .off = offsetof(struct drr_opts, quantum), .min = 1, .max = 1u << 30,
	  .def = 1514, .flags = ITM_ATTR_WRITABLE, .unit = "bytes",
	  .help = "bytes per round: the class's weight" },
	ITM_ATTR_END,
};

static struct drr_class *drr_find(const struct drr *d, uint32_t minor)
{
	struct drr_class **pg = d->page[minor / DRR_PAGE];

	return pg ? pg[minor % DRR_PAGE] : NULL;
}

static void drr_activate(struct drr *d, struct drr_class *c)
{
	c->prev = d->tail;
	c->next = NULL;
	if (d->tail)
		d->tail->next = c;
	else
		d->head = c;
	d->tail = c;
	c->active = true;
}

static void drr_deactivate(struct drr *d, struct drr_class *c)
{
	if (!c->active)
		return;
	if (c->prev)
		c->prev->next = c->next;
	else
		d->head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		d->tail = c->prev;
	c->prev = c->next = NULL;
	c->active = false;
}

static struct drr_class *drr_classify(const struct itm_qdisc *q,
				      const struct itm_pkt *p)
{
	const struct drr *d = itm_qdisc_priv_const(q);
	uint32_t maj = ITM_H_MAJ(q->handle);
	struct drr_class *c = NULL;

	if (!q->handle)
		return NULL;
	/* a priority naming no class of ours leaves it to the class id, as
	 * Linux's priority leaves it to the filters */
	if (ITM_H_MAJ(p->priority) == maj && ITM_H_MIN(p->priority))
		c = drr_find(d, ITM_H_MIN(p->priority));
	if (!c && ITM_H_MAJ(p->classid) == maj && ITM_H_MIN(p->classid))
		c = drr_find(d, ITM_H_MIN(p->classid));
	return c;
}

static void drr_enqueue(struct itm_qdisc *q, struct itm_pkt *p, uint64_t now)
{
	struct drr *d = itm_qdisc_priv(q);
	struct drr_class *c = drr_classify(q, p);

	if (!c) {
		itm_qdisc_drop(q, p, ITM_DROP_CLASS);
		return;
	}
	itm_qdisc_enqueue(c->child, p, now);
	if (!c->active && c->child->stats.qlen) {
		c->deficit = c->opts.quantum;
		drr_activate(d, c);
	}
}

/* Rounds of quantum q it takes to cover `owed` more bytes. */
static uint64_t drr_rounds(uint64_t owed, uint64_t q)
{
	return (owed + q - 1) / q;
}

/* Whole rounds before any active class can send: 0 if one can now, or a
 * child holds its packet back (a shaper: nothing to skip to). A class
 * whose child is empty (a change shrank its limit) is left out: the
 * rounds deactivate it. */
static uint64_t drr_idle_rounds(struct drr *d, uint64_t now)
{
	uint64_t min = UINT64_MAX, r;
	struct drr_class *c;

	for (c = d->head; c; c = c->next) {
		struct itm_pkt *p = itm_qdisc_peek(c->child, now);

		if (!p && !c->child->stats.qlen)
			continue;
		if (!p || itm_pkt_len(p) <= c->deficit)
			return 0;
		r = drr_rounds(itm_pkt_len(p) - c->deficit, c->opts.quantum);
		if (r < min)
			min = r;
	}
	return min == UINT64_MAX ? 0 : min;
}

/*
 * Rounds in which no class can send (a trace's 4 GB packet against a
 * 1-byte quantum) are given at once, each class its quanta: the first to
 * send, the order and the deficits are the rounds' own, without billions
 * of passes. True if it skipped any.
 */
static bool drr_skip_idle(struct drr *d, uint64_t now)
{
	uint64_t n = drr_idle_rounds(d, now);
	struct drr_class *c;

	for (c = d->head; n && c; c = c->next)
		c->deficit += n * c->opts.quantum;
	return n != 0;
}

static struct itm_pkt *drr_dequeue(struct itm_qdisc *q, uint64_t now)
{
	struct drr *d = itm_qdisc_priv(q);
	struct drr_class *c;
	bool skipped = false;

	while ((c = d->head) != NULL) {
		struct itm_pkt *p = itm_qdisc_peek(c->child, now);

		if (!p) {
			if (c->child->stats.qlen)
				return NULL;	/* held back by a shaper */
			drr_deactivate(d, c);
			continue;
		}
		if (itm_pkt_len(p) <= c->deficit) {
			c->deficit -= itm_pkt_len(p);
			p = itm_qdisc_dequeue(c->child, now);
			if (!c->child->stats.qlen)
				drr_deactivate(d, c);
			return p;
		}
		if (!skipped) {
			skipped = true;
			if (drr_skip_idle(d, now))
				continue;
		}
		c->deficit += c->opts.quantum;
		drr_deactivate(d, c);
		drr_activate(d, c);
	}
	return NULL;
}

/* Every class's child, as Linux: an idle one may hold state (a shaper's
 * debt, an AQM's burst allowance) that a reset starts afresh. */
static uint32_t drr_next(const struct itm_qdisc *q, uint32_t minor);

static void drr_reset(struct itm_qdisc *q)
{
	struct drr *d = itm_qdisc_priv(q);
	uint32_t m;

	for (m = drr_next(q, 0); m; m = drr_next(q, m)) {
		struct drr_class *c = drr_find(d, m);

		drr_deactivate(d, c);
		itm_qdisc_reset(c->child);
	}
}

static int drr_class_add(struct itm_qdisc *q, uint32_t minor, const void *opts,
			 struct itm_err *err)
{
	struct drr *d = itm_qdisc_priv(q);
	struct drr_class **pg = d->page[minor / DRR_PAGE];
	struct drr_class *c;

	if (!pg) {
		pg = calloc(DRR_PAGE, sizeof(*pg));
		if (!pg)
			return itm_err_set(err, ENOMEM, "out of memory");
		d->page[minor / DRR_PAGE] = pg;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return itm_err_set(err, ENOMEM, "out of memory");
	c->opts = *(const struct drr_opts *)opts;
	c->child = itm_qdisc_create_default(q, minor, false, 1000, err);
	if (!c->child) {
		free(c);
		return -ENOMEM;
	}
	pg[minor % DRR_PAGE] = c;
	d->n_classes++;
	return 0;
}

static int drr_class_del(struct itm_qdisc *q, uint32_t minor,
			 struct itm_err *err)
{
	struct drr *d = itm_qdisc_priv(q);
	struct drr_class *c = drr_find(d, minor);

	drr_deactivate(d, c);
	itm_qdisc_destroy(c->child);	/* NULL once the caller flushed it */
	d->page[minor / DRR_PAGE][minor % DRR_PAGE] = NULL;
	free(c);
	d->n_classes--;
	return 0;
}

static void drr_destroy(struct itm_qdisc *q)
{
	struct drr *d = itm_qdisc_priv(q);
	uint32_t m;

	for (m = 1; m < 65536 && d->n_classes; m++) {
		if (drr_find(d, m))
			drr_class_del(q, m, NULL);
	}
	for (m = 0; m < 65536 / DRR_PAGE; m++)
		free(d->page[m]);
}

static struct itm_qdisc **drr_leaf(struct itm_qdisc *q, uint32_t minor)
{
	struct drr_class *c = drr_find(itm_qdisc_priv(q), minor);

	return c ? &c->child : NULL;
}

static uint32_t drr_next(const struct itm_qdisc *q, uint32_t minor)
{
	const struct drr *d = itm_qdisc_priv_const(q);
	uint32_t m;

	for (m = minor + 1; m < 65536; m++) {
		if (!d->page[m / DRR_PAGE]) {
			m |= DRR_PAGE - 1;
			continue;
		}
		if (drr_find(d, m))
			return m;
	}
	return 0;
}

static void *drr_class_opts(struct itm_qdisc *q, uint32_t minor)
{
	struct drr_class *c = drr_find(itm_qdisc_priv(q), minor);

	return c ? &c->opts : NULL;
}

static void drr_dump_class(const struct itm_qdisc *q, uint32_t minor, FILE *f,
			   bool json)
{
	const struct drr_class *c = drr_find(itm_qdisc_priv_const(q), minor);

	if (json)
		fprintf(f, ",\"deficit\":%" PRIu64, c->deficit);
	else
		fprintf(f, " deficit %" PRIu64 "\n", c->deficit);
}

static const struct itm_class_ops drr_class_ops = {
	.leaf = drr_leaf,
	.next = drr_next,
	.attrs = drr_class_attrs,
	.opts_size = sizeof(struct drr_opts),
	.opts = drr_class_opts,
	.add = drr_class_add,
	.del = drr_class_del,
	.dump_stats = drr_dump_class,
};

const struct itm_qdisc_ops itm_qdisc_drr = {
	.id = "drr",
	.priv_size = sizeof(struct drr),
	.reset = drr_reset,
	.destroy = drr_destroy,
	.enqueue = drr_enqueue,
	.dequeue = drr_dequeue,
	.cl = &drr_class_ops,
};
