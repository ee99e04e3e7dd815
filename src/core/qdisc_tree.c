// SPDX-License-Identifier: GPL-2.0-only
/*
 * The discipline tree: finding a discipline by handle or by the class it
 * hangs from, walking it in tc's order (a discipline, then the children of
 * its classes in class order) and printing it as `tc qdisc show` and
 * `tc class show` do.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "itm/qtree.h"

int itm_handle_parse(const char *text, uint32_t *h, struct itm_err *err)
{
	unsigned long maj, min = 0;
	char *end;

	if (!strcmp(text, "root")) {
		*h = ITM_H_ROOT;
		return 0;
	}
	errno = 0;
	maj = strtoul(text, &end, 16);
	if (end == text || *end != ':' || errno || !maj || maj > 0xffff)
		goto bad;
	if (end[1]) {
		const char *m = end + 1;

		min = strtoul(m, &end, 16);
		if (end == m || *end || errno || min > 0xffff)
			goto bad;
	}
	*h = (uint32_t)(maj << 16 | min);
	return 0;
bad:
	return itm_err_tok(err, text, EINVAL,
			   "\"%s\" is not a handle (MAJOR: or MAJOR:MINOR in hex, major 1..ffff)",
			   text);
}

/* Pre-order, children in class order; stops when fn returns non-zero. */
int itm_qtree_walk(struct itm_qdisc *q, itm_qtree_fn *fn, void *arg)
{
	const struct itm_class_ops *cl = q->ops->cl;
	uint32_t m = 0;
	int r = fn(q, arg);

	if (r || !cl)
		return r;
	while ((m = cl->next(q, m)) != 0) {
		struct itm_qdisc **slot = cl->leaf(q, m);

		if (slot && *slot && (r = itm_qtree_walk(*slot, fn, arg)) != 0)
			return r;
	}
	return 0;
}

static int add_needs(struct itm_qdisc *q, void *arg)
{
	*(unsigned *)arg |= q->ops->needs;
	return 0;
}

unsigned itm_qtree_needs(struct itm_qdisc *root)
{
	unsigned needs = 0;

	if (root)
		itm_qtree_walk(root, add_needs, &needs);
	return needs;
}

struct find_ctx {
	uint32_t handle;
	struct itm_qdisc *found;
};

static int find_one(struct itm_qdisc *q, void *arg)
{
	struct find_ctx *c = arg;

	if (q->handle && ITM_H_MAJ(q->handle) == ITM_H_MAJ(c->handle)) {
		c->found = q;
		return 1;
	}
	return 0;
}

struct itm_qdisc *itm_qtree_find(struct itm_qdisc *root, uint32_t handle)
{
	struct find_ctx c = { .handle = handle };

	itm_qtree_walk(root, find_one, &c);
	return c.found;
}

int itm_qtree_slot(struct itm_qdisc **rootp, uint32_t parent,
		   struct itm_qdisc ***slot, struct itm_qdisc **owner,
		   struct itm_err *err)
{
	struct itm_qdisc *q;
	char h[16];

	*owner = NULL;
	*slot = rootp;
	if (parent == ITM_H_ROOT)
		return 0;
	itm_qdisc_fmt_handle(h, sizeof(h), parent);
	q = itm_qtree_find(*rootp, parent);
	if (!q)
		return itm_err_set(err, ENOENT, "no qdisc with handle %x:",
				   parent >> 16);
	if (!q->ops->cl)
		return itm_err_set(err, EINVAL, "%s is classless: %s has no class %s",
				   q->ops->id, q->ops->id, h);
	*slot = ITM_H_MIN(parent) ? q->ops->cl->leaf(q, ITM_H_MIN(parent)) : NULL;
	if (!*slot)
		return itm_err_set(err, ENOENT, "%s %x: has no class %s",
				   q->ops->id, q->handle >> 16, h);
	/* a class with child classes (vif) holds no discipline */
	if (!**slot)
		return itm_err_set(err, EBUSY,
				   "class %s has child classes: a qdisc goes on a leaf class",
				   h);
	*owner = q;
	return 0;
}

/* The first major from 8001 up that no discipline uses, as the kernel. */
uint32_t itm_qtree_free_handle(struct itm_qdisc *root)
{
	uint32_t maj;

	for (maj = 0x8001; maj <= 0xffff; maj++) {
		if (!itm_qtree_find(root, maj << 16))
			return maj << 16;
	}
	return 0;
}

void itm_qtree_set_handle(struct itm_qdisc *q, uint32_t handle)
{
	const struct itm_class_ops *cl = q->ops->cl;
	uint32_t m = 0;

	q->handle = handle;
	while (cl && (m = cl->next(q, m)) != 0) {
		struct itm_qdisc **slot = cl->leaf(q, m);

		if (slot && *slot)
			(*slot)->parent = ITM_H_MAJ(handle) | m;
	}
}

struct print_ctx {
	FILE *f;
	bool stats, json;
	unsigned n;
};

static int print_qdisc(struct itm_qdisc *q, void *arg)
{
	struct print_ctx *c = arg;

	if (c->json && c->n++)
		fputc(',', c->f);
	itm_qdisc_print(q, c->f, c->stats, c->json);
	return 0;
}

void itm_qtree_print(struct itm_qdisc *root, FILE *f, bool stats, bool json)
{
	struct print_ctx c = { .f = f, .stats = stats, .json = json };

	if (json)
		fputc('[', f);
	itm_qtree_walk(root, print_qdisc, &c);
	if (json)
		fputc(']', f);
}

/* The class's parent as tc prints it: "1:" or, nested, "1:3". */
static char *class_parent(struct itm_qdisc *q, uint32_t m, char *buf,
			  size_t len)
{
	const struct itm_class_ops *cl = q->ops->cl;
	uint32_t p = cl->parent ? cl->parent(q, m) : 0;

	return itm_qdisc_fmt_handle(buf, len, ITM_H_MAJ(q->handle) | p);
}

/* The class's counters: its own if the discipline keeps them, else its
 * child's; NULL when it has neither. */
static const struct itm_qstats *class_stats(struct itm_qdisc *q, uint32_t m,
					    const struct itm_qdisc *leaf,
					    struct itm_qstats *own)
{
	if (q->ops->cl->stats) {
		q->ops->cl->stats(q, m, own);
		return own;
	}
	return leaf ? &leaf->stats : NULL;
}

static void class_print_text(struct itm_qdisc *q, uint32_t m,
			     const struct itm_qdisc *leaf, struct print_ctx *c)
{
	const struct itm_class_ops *cl = q->ops->cl;
	const struct itm_qstats *s;
	struct itm_qstats own;
	char h[16], par[16];

	fprintf(c->f, "class %s %x:%x parent %s", q->ops->id, q->handle >> 16,
		m, class_parent(q, m, par, sizeof(par)));
	if (leaf && leaf->handle)
		fprintf(c->f, " leaf %s",
			itm_qdisc_fmt_handle(h, sizeof(h), leaf->handle));
	if (cl->attrs) {
		char opts[256] = "";
		FILE *o = fmemopen(opts, sizeof(opts) - 1, "w");

		if (o) {
			itm_attr_print(o, cl->attrs, cl->opts(q, m));
			fclose(o);
		}
		fprintf(c->f, "%s%s", *opts ? " " : "", opts);
	}
	fputc('\n', c->f);
	if (!c->stats)
		return;
	s = class_stats(q, m, leaf, &own);
	if (s)
		itm_qstats_print(s, c->f);
	if (cl->dump_stats)
		cl->dump_stats(q, m, c->f, false);
}

static void class_print_json(struct itm_qdisc *q, uint32_t m,
			     const struct itm_qdisc *leaf, struct print_ctx *c)
{
	const struct itm_class_ops *cl = q->ops->cl;
	struct itm_qstats own;
	const struct itm_qstats *s = class_stats(q, m, leaf, &own);
	char par[16];

	if (c->n++)
		fputc(',', c->f);
	fprintf(c->f, "{\"class\":\"%s\",\"handle\":\"%x:%x\",\"parent\":\"%s\"",
		q->ops->id, q->handle >> 16, m,
		class_parent(q, m, par, sizeof(par)));
	if (cl->attrs) {
		fputs(",\"options\":{", c->f);
		itm_attr_print_json(c->f, cl->attrs, cl->opts(q, m));
		fputc('}', c->f);
	}
	if (c->stats && s)
		fprintf(c->f, ",\"bytes\":%" PRIu64 ",\"packets\":%" PRIu64
			",\"drops\":%" PRIu64 ",\"backlog\":%" PRIu64
			",\"qlen\":%" PRIu32, s->bytes, s->packets, s->drops,
			s->backlog_bytes, s->qlen);
	if (c->stats && cl->dump_stats)
		cl->dump_stats(q, m, c->f, true);
	fputc('}', c->f);
}

static int print_classes(struct itm_qdisc *q, void *arg)
{
	const struct itm_class_ops *cl = q->ops->cl;
	struct print_ctx *c = arg;
	uint32_t m = 0;

	if (!cl)
		return 0;
	while ((m = cl->next(q, m)) != 0) {
		struct itm_qdisc **slot = cl->leaf(q, m);
		const struct itm_qdisc *leaf = slot ? *slot : NULL;

		if (c->json)
			class_print_json(q, m, leaf, c);
		else
			class_print_text(q, m, leaf, c);
	}
	return 0;
}

void itm_qtree_print_classes(struct itm_qdisc *root, FILE *f, bool stats,
			     bool json)
{
	struct print_ctx c = { .f = f, .stats = stats, .json = json };

	if (json)
		fputc('[', f);
	itm_qtree_walk(root, print_classes, &c);
	if (json)
		fputc(']', f);
}
