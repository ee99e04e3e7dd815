// SPDX-License-Identifier: GPL-2.0-only
/*
 * The classes of vif: child VIFs, added under the root VIF ("parent 1:")
 * or under another VIF ("parent 1:3"), at most 8 deep. A class with
 * children holds no queue; one without holds a leaf discipline. Deleting
 * is refused while a VIF has children (EBUSY) or packets (ENOTEMPTY), as
 * netnice's rmdir; deleting the last child of a VIF gives it back a queue.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "vif.h"

#include "itm/units.h"

#define VIF_LEAF_PKTS 1000

#define VIF_CATTR(n, t, field, lo, hi, d, fl, ...) \
	{ .name = n, .type = t, .off = offsetof(struct vif_opts, field), \
	  .min = lo, .max = hi, .def = d, .flags = ITM_ATTR_WRITABLE | (fl), \
	  __VA_ARGS__ }

static const struct itm_attr vif_class_attrs[] = {
	VIF_CATTR("bandwidth", ITM_ATTR_RATE, bandwidth_bps, 0, VIF_RATE_MAX, 0,
		  ITM_ATTR_OMIT_ZERO, .unit = "bit/s",
		  .help = "shaping: cap; wfq, pq: guarantee; 0 = unlimited"),
	VIF_CATTR("ceil", ITM_ATTR_RATE, ceil_bps, 0, VIF_RATE_MAX, 0,
		  ITM_ATTR_OMIT_ZERO, .unit = "bit/s",
		  .help = "wfq, pq: borrowing cap; 0 = none"),
	VIF_CATTR("mode", ITM_ATTR_ENUM, mode, 0, 0, VIF_WFQ, 0,
		  .names = vif_mode_names,
		  .help = "shaping, wfq, pq (children by priority) or block"),
	VIF_CATTR("weight", ITM_ATTR_U32, weight, 1, 65535, 1, 0,
		  .help = "share of spare bandwidth among siblings"),
	VIF_CATTR("priority", ITM_ATTR_U32, priority, 0, 7, 0, 0,
		  .help = "order under a pq parent, 0 first"),
	ITM_ATTR_END,
};

static struct vif_node **vif_page_slot(struct vif *v, uint32_t minor)
{
	return &v->page[minor / VIF_PAGE][minor % VIF_PAGE];
}

/* Link c under p, children kept in minor order. */
static void vif_link(struct vif_node *p, struct vif_node *c)
{
	struct vif_node **at = &p->child;

	while (*at && (*at)->minor < c->minor)
		at = &(*at)->sibling;
	c->sibling = *at;
	*at = c;
	c->parent = p;
	c->depth = p->depth + 1;
}

static void vif_unlink(struct vif_node *c)
{
	struct vif_node **at = &c->parent->child;

	while (*at != c)
		at = &(*at)->sibling;
	*at = c->sibling;
	c->sibling = NULL;
}

static int vif_parent_of(struct itm_qdisc *q, uint32_t parent, uint32_t minor,
			 struct vif_node **out, struct itm_err *err)
{
	struct vif *v = itm_qdisc_priv(q);
	struct vif_node *p = parent ? vif_find(v, parent) : &v->root;
	uint32_t maj = q->handle >> 16;

	if (!p)
		return itm_err_set(err, ENOENT, "vif: no class %x:%x to hang %x:%x from",
				   maj, parent, maj, minor);
	if (p->depth + 1 > VIF_DEPTH_MAX)
		return itm_err_set(err, EINVAL,
				   "vif: class %x:%x would be %u deep: depth must be in [1..%d]",
				   maj, minor, p->depth + 1, VIF_DEPTH_MAX);
	*out = p;
	return 0;
}

/* Everything that can fail is done before the tree changes. */
static int vif_class_add(struct itm_qdisc *q, uint32_t parent, uint32_t minor,
			 const void *opts, struct itm_err *err)
{
	struct vif *v = itm_qdisc_priv(q);
	struct vif_node *p = NULL, *c;
	int r = vif_parent_of(q, parent, minor, &p, err);

	if (r == 0)
		r = vif_check(opts, err);
	if (r < 0)
		return r;
	if (!v->page[minor / VIF_PAGE]) {
		v->page[minor / VIF_PAGE] = calloc(VIF_PAGE, sizeof(c));
		if (!v->page[minor / VIF_PAGE])
			return itm_err_set(err, ENOMEM, "out of memory");
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return itm_err_set(err, ENOMEM, "out of memory");
	c->opts = *(const struct vif_opts *)opts;
	c->minor = minor;
	c->leaf = itm_qdisc_create_default(q, minor, false, VIF_LEAF_PKTS, err);
	if (!c->leaf) {
		free(c);
		return -ENOMEM;
	}
	itm_qdisc_destroy(p->leaf);	/* it becomes inner: packets go as flush */
	p->leaf = NULL;
	vif_link(p, c);
	vif_node_arm(c, v->now);
	*vif_page_slot(v, minor) = c;
	v->n_classes++;
	return 0;
}

static int vif_class_change(struct itm_qdisc *q, uint32_t minor,
			    struct itm_err *err)
{
	struct vif *v = itm_qdisc_priv(q);
	struct vif_node *n = vif_find(v, minor);
	int r = vif_check(&n->opts, err);

	if (r < 0)
		return r;
	vif_node_arm(n, v->now);
	if (n->opts.mode == VIF_BLOCK)
		vif_flush(n);
	return 0;
}

static int vif_class_may_del(struct itm_qdisc *q, uint32_t minor,
			     struct itm_err *err)
{
	struct vif_node *n = vif_find(itm_qdisc_priv(q), minor);
	uint32_t maj = q->handle >> 16;

	if (!n)
		return itm_err_set(err, ENOENT, "no class %x:%x", maj, minor);
	if (n->child)
		return itm_err_set(err, EBUSY,
				   "vif: class %x:%x has child VIFs: delete them first",
				   maj, minor);
	if (n->leaf && n->leaf->stats.qlen)
		return itm_err_set(err, ENOTEMPTY,
				   "vif: class %x:%x holds %" PRIu32 " packets: not empty",
				   maj, minor, n->leaf->stats.qlen);
	return 0;
}

/* Its leaf is gone (the caller flushed it). A parent left without
 * children gets a queue again; if that fails the class stays. */
static int vif_class_del(struct itm_qdisc *q, uint32_t minor,
			 struct itm_err *err)
{
	struct vif *v = itm_qdisc_priv(q);
	struct vif_node *n = vif_find(v, minor), *p = n->parent;

	if (p->minor && p->child == n && !n->sibling) {
		p->leaf = itm_qdisc_create_default(q, p->minor, false,
						   VIF_LEAF_PKTS, err);
		if (!p->leaf)
			return -ENOMEM;
	}
	vif_unlink(n);
	*vif_page_slot(v, minor) = NULL;
	v->n_classes--;
	free(n);
	return 0;
}

static struct itm_qdisc **vif_class_leaf(struct itm_qdisc *q, uint32_t minor)
{
	struct vif_node *n = vif_find(itm_qdisc_priv(q), minor);

	return n ? &n->leaf : NULL;
}

static uint32_t vif_class_next(const struct itm_qdisc *q, uint32_t minor)
{
	const struct vif *v = itm_qdisc_priv_const(q);
	uint32_t m;

	for (m = minor + 1; m < 65536; m++) {
		if (!v->page[m / VIF_PAGE]) {
			m |= VIF_PAGE - 1;
			continue;
		}
		if (vif_find(v, m))
			return m;
	}
	return 0;
}

static void *vif_class_opts(struct itm_qdisc *q, uint32_t minor)
{
	struct vif_node *n = vif_find(itm_qdisc_priv(q), minor);

	return n ? &n->opts : NULL;
}

static uint32_t vif_class_parent(const struct itm_qdisc *q, uint32_t minor)
{
	const struct vif_node *n = vif_find(itm_qdisc_priv_const(q), minor);

	return n && n->parent ? n->parent->minor : 0;
}

static struct itm_qdisc *vif_class_dflt(struct itm_qdisc *q, uint32_t minor,
					struct itm_err *err)
{
	return itm_qdisc_create_default(q, minor, false, VIF_LEAF_PKTS, err);
}

/* Sent along the path, backlog from the leaves below, and what came in
 * and is neither (dropped anywhere below, or blocked) as drops. */
static void vif_class_stats(const struct itm_qdisc *q, uint32_t minor,
			    struct itm_qstats *s)
{
	const struct vif_node *n = vif_find(itm_qdisc_priv_const(q), minor);

	*s = (struct itm_qstats){ .bytes = n->sent_bytes,
				  .packets = n->sent_pkts };
	vif_backlog(n, s);
	s->drops = n->enq_pkts - n->sent_pkts - s->qlen;
}

static void vif_class_dump(const struct itm_qdisc *q, uint32_t minor, FILE *f,
			   bool json)
{
	const struct vif *v = itm_qdisc_priv_const(q);
	const struct vif_node *n = vif_find(v, minor);
	uint64_t rate = vif_est_rate(&n->est, v->now);
	char buf[32];

	if (json)
		fprintf(f, ",\"rate\":%" PRIu64, rate);
	else
		fprintf(f, " rate %s\n", itm_fmt_rate(buf, sizeof(buf), rate));
}

const struct itm_class_ops vif_class_ops = {
	.leaf = vif_class_leaf,
	.next = vif_class_next,
	.attrs = vif_class_attrs,
	.opts_size = sizeof(struct vif_opts),
	.opts = vif_class_opts,
	.add_nested = vif_class_add,
	.change = vif_class_change,
	.dflt = vif_class_dflt,
	.del = vif_class_del,
	.may_del = vif_class_may_del,
	.parent = vif_class_parent,
	.stats = vif_class_stats,
	.dump_stats = vif_class_dump,
};
