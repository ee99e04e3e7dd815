// SPDX-License-Identifier: GPL-2.0-only
/*
 * prio: strict priority bands, as Linux's sch_prio, and the switch side of
 * PIAS. Band 0 is served first; a band is served only while every band
 * before it is empty (or held back by a shaper below it). Each band is a
 * class MAJOR:1..MAJOR:bands holding its own child discipline (pfifo of
 * 1000 packets by default, any discipline by "qdisc add parent 1:2 ...").
 *
 * A packet's band, first match wins:
 *   1. its priority or class names this discipline (MAJOR:b, b in
 *      1..bands), as Linux's skb->priority and a classifier's result;
 *   2. else priomap[rank]: the rank 0..7 (7 most urgent) comes from the
 *      outer DSCP through RFC 8325's table (`rank dscp`, the default: prio
 *      alone sorts marked traffic), or from the packet's priority as set by
 *      the dscp or pias modules (`rank priority`). Packets that are not IP
 *      have rank 1, best effort.
 * priomap is 8 bands, one per rank 0..7 ("2,1,1,1,0,0,0,0": low-priority
 * ranks to band 2, best effort to 1, video, voice and control to 0); tc's
 * is 16 entries over Linux's TC_PRIO values, which itm packets do not have.
 *
 * Each band may carry an ECN marking threshold (class option ecn_thresh, in
 * bytes; 0 = off): an ECN-capable packet arriving when its band already
 * holds that much is marked CE, as PIAS's switches mark on the
 * instantaneous queue (DCTCP style). Not-ECT packets are never dropped for
 * it. `bands` is fixed at creation.
 */
#include <inttypes.h>

#include "itm/dscp.h"
#include "itm/ecn.h"
#include "itm/qdisc.h"

#define PRIO_BANDS_MAX 16
#define PRIO_MAP_DEFAULT UINT64_C(0x00001112)	/* 2,1,1,1,0,0,0,0 */
/* The default as stored until init: a bit no parsed map has, so init
 * folds the default into fewer bands but never a map the user gave. */
#define PRIO_MAP_UNSET (PRIO_MAP_DEFAULT | UINT64_C(1) << 63)

enum { PRIO_RANK_DSCP, PRIO_RANK_PRIORITY };
static const char *const prio_rank_names[] = { "dscp", "priority", NULL };

struct prio_band {
	uint64_t ecn_thresh;	/* bytes; 0 = no marking */
	uint64_t ecn_marks;
};

struct prio {
	uint32_t bands;
	uint32_t rank_from;
	uint64_t priomap;
	struct itm_qdisc *child[PRIO_BANDS_MAX];
	struct prio_band band[PRIO_BANDS_MAX];
};

static const struct itm_attr prio_attrs[] = {
	{ .name = "bands", .type = ITM_ATTR_U32, .off = offsetof(struct prio, bands),
	  .min = 2, .max = PRIO_BANDS_MAX, .def = 3, .flags = ITM_ATTR_FIXED,
	  .unit = "bands", .help = "number of bands, fixed at creation" },
	{ .name = "rank", .type = ITM_ATTR_ENUM,
	  .off = offsetof(struct prio, rank_from), .def = PRIO_RANK_DSCP,
	  .flags = ITM_ATTR_WRITABLE, .names = prio_rank_names,
	  .help = "rank from the DSCP (RFC 8325) or the packet's priority" },
	{ .name = "priomap", .type = ITM_ATTR_MAP,
	  .off = offsetof(struct prio, priomap), .max = PRIO_BANDS_MAX - 1,
	  .def = PRIO_MAP_UNSET, .flags = ITM_ATTR_WRITABLE,
	  .help = "band of each rank 0..7" },
	ITM_ATTR_END,
};

static const struct itm_attr prio_class_attrs[] = {
	{ .name = "ecn_thresh", .type = ITM_ATTR_SIZE,
	  .off = offsetof(struct prio_band, ecn_thresh), .max = UINT64_C(1) << 40,
	  .flags = ITM_ATTR_WRITABLE | ITM_ATTR_OMIT_ZERO, .unit = "bytes",
	  .help = "mark ECT packets CE above this backlog; 0 = off" },
	ITM_ATTR_END,
};

static unsigned map_band(uint64_t map, unsigned rank)
{
	return (unsigned)(map >> (4 * rank)) & 15;
}

static int prio_check_map(struct prio *pr, struct itm_err *err)
{
	unsigned r;

	for (r = 0; r < ITM_ATTR_MAP_LEN; r++) {
		if (map_band(pr->priomap, r) >= pr->bands)
			return itm_err_set(err, ERANGE,
					   "prio: priomap sends rank %u to band %u, but bands are 0..%u",
					   r, map_band(pr->priomap, r), pr->bands - 1);
	}
	return 0;
}

static int prio_init(struct itm_qdisc *q, struct itm_err *err)
{
	struct prio *pr = itm_qdisc_priv(q);
	unsigned b, r;

	if (pr->priomap == PRIO_MAP_UNSET) {
		pr->priomap = PRIO_MAP_DEFAULT;
		for (r = 0; r < ITM_ATTR_MAP_LEN; r++) {
			if (map_band(pr->priomap, r) >= pr->bands)
				pr->priomap = (pr->priomap & ~(UINT64_C(15) << (4 * r))) |
					      (uint64_t)(pr->bands - 1) << (4 * r);
		}
	}
	if (prio_check_map(pr, err) < 0)
		return -ERANGE;
	for (b = 0; b < pr->bands; b++) {
		pr->child[b] = itm_qdisc_create_default(q, b + 1, false, 1000, err);
		if (!pr->child[b])
			return -ENOMEM;
	}
	return 0;
}

static int prio_change(struct itm_qdisc *q, struct itm_err *err)
{
	return prio_check_map(itm_qdisc_priv(q), err);
}

/* The band named by MAJOR:b, if h names this discipline. */
static bool prio_named(const struct itm_qdisc *q, uint32_t h, unsigned *band)
{
	const struct prio *pr = itm_qdisc_priv_const(q);
	uint32_t m = ITM_H_MIN(h);

	if (ITM_H_MAJ(h) != ITM_H_MAJ(q->handle) || !q->handle || !m ||
	    m > pr->bands)
		return false;
	*band = m - 1;
	return true;
}

static unsigned prio_classify(const struct itm_qdisc *q, const struct itm_pkt *p)
{
	const struct prio *pr = itm_qdisc_priv_const(q);
	const struct itm_l3 *l3 = &p->v.outer;
	unsigned band, rank = 1;

	if (prio_named(q, p->priority, &band) || prio_named(q, p->classid, &band))
		return band;
	/* a priority past the ranks (a class id for another discipline, a
	 * socket's own) is no rank: best effort, never the most urgent */
	if (pr->rank_from == PRIO_RANK_PRIORITY)
		rank = p->priority > ITM_PRIO_MAX ? 1 : p->priority;
	else if (itm_l3_has(l3, ITM_HAVE_IP))
		rank = itm_dscp_default_prio(itm_l3_dscp(l3));
	return map_band(pr->priomap, rank);
}

static void prio_enqueue(struct itm_qdisc *q, struct itm_pkt *p, uint64_t now)
{
	struct prio *pr = itm_qdisc_priv(q);
	unsigned b = prio_classify(q, p);
	struct prio_band *band = &pr->band[b];

	if (band->ecn_thresh &&
	    pr->child[b]->stats.backlog_bytes >= band->ecn_thresh &&
	    itm_pkt_set_ce(p))
		band->ecn_marks++;
	itm_qdisc_enqueue(pr->child[b], p, now);
}

static struct itm_pkt *prio_dequeue(struct itm_qdisc *q, uint64_t now)
{
	struct prio *pr = itm_qdisc_priv(q);
	unsigned b;

	/* every band is asked, the empty ones too, as Linux's prio does: a
	 * dequeue that finds nothing lets a band tidy up (fq_pie's lists) */
	for (b = 0; b < pr->bands; b++) {
		struct itm_pkt *p = itm_qdisc_dequeue(pr->child[b], now);

		if (p)
			return p;
	}
	return NULL;
}

static void prio_reset(struct itm_qdisc *q)
{
	struct prio *pr = itm_qdisc_priv(q);
	unsigned b;

	for (b = 0; b < pr->bands; b++) {
		if (pr->child[b])
			itm_qdisc_reset(pr->child[b]);
	}
}

static void prio_destroy(struct itm_qdisc *q)
{
	struct prio *pr = itm_qdisc_priv(q);
	unsigned b;

	for (b = 0; b < pr->bands; b++)
		itm_qdisc_destroy(pr->child[b]);
}

static struct itm_qdisc **prio_leaf(struct itm_qdisc *q, uint32_t minor)
{
	struct prio *pr = itm_qdisc_priv(q);

	return minor >= 1 && minor <= pr->bands ? &pr->child[minor - 1] : NULL;
}

static uint32_t prio_next(const struct itm_qdisc *q, uint32_t minor)
{
	const struct prio *pr = itm_qdisc_priv_const(q);

	return minor < pr->bands ? minor + 1 : 0;
}

static void *prio_opts(struct itm_qdisc *q, uint32_t minor)
{
	struct prio *pr = itm_qdisc_priv(q);

	return minor >= 1 && minor <= pr->bands ? &pr->band[minor - 1] : NULL;
}

static void prio_dump_class(const struct itm_qdisc *q, uint32_t minor, FILE *f,
			    bool json)
{
	const struct prio *pr = itm_qdisc_priv_const(q);
	uint64_t marks = pr->band[minor - 1].ecn_marks;

	if (json)
		fprintf(f, ",\"ecn_mark\":%" PRIu64, marks);
	else
		fprintf(f, "  ecn_mark %" PRIu64 "\n", marks);
}

static const struct itm_class_ops prio_class_ops = {
	.leaf = prio_leaf,
	.next = prio_next,
	.attrs = prio_class_attrs,
	.opts_size = sizeof(struct prio_band),
	.opts = prio_opts,
	.dump_stats = prio_dump_class,
};

const struct itm_qdisc_ops itm_qdisc_prio = {
	.id = "prio",
	.priv_size = sizeof(struct prio),
	.attrs = prio_attrs,
	.needs = ITM_QNEED_WHOLE,	/* ECN marks */
	.init = prio_init,
	.change = prio_change,
	.reset = prio_reset,
	.destroy = prio_destroy,
	.enqueue = prio_enqueue,
	.dequeue = prio_dequeue,
	.cl = &prio_class_ops,
};
