// SPDX-License-Identifier: GPL-2.0-only
/*
 * The engine's discipline tree commands, in tc's words: disciplines are
 * placed at "root" or under a class ("parent 1:1"), named by "handle 10:",
 * and classes of classful disciplines are added, changed and deleted by
 * "classid 1:1". Every command checks everything before it changes
 * anything: a refused command leaves the tree, its queues and its options
 * as they were.
 */
#include <stdlib.h>
#include <string.h>

#include "itm/engine.h"
#include "itm/qtree.h"

/* Where a command points: "root", "parent H" or "handle H". */
struct qloc {
	uint32_t parent;	/* ITM_H_ROOT or a class */
	uint32_t handle;	/* "handle H" given, else 0 */
	struct itm_qdisc *owner;	/* discipline of the parent class */
	struct itm_qdisc **slot;
};

static int loc_token(int *i, int argc, char **argv,
		     struct qloc *l, struct itm_err *err)
{
	const char *w = argv[*i];
	uint32_t *dst;

	/* one place: "root parent 1:3" or a second handle is a typo, not
	 * an order to go to the last one */
	if (((!strcmp(w, "root") || !strcmp(w, "parent")) && l->parent) ||
	    (!strcmp(w, "handle") && l->handle))
		return itm_err_tok(err, w, EINVAL, "%s given twice",
				   w[0] == 'h' ? "handle" : "root or parent");
	if (!strcmp(w, "root")) {
		l->parent = ITM_H_ROOT;
		(*i)++;
		return 1;
	}
	if (strcmp(w, "parent") && strcmp(w, "handle"))
		return 0;
	if (*i + 1 >= argc)
		return itm_err_tok(err, w, EINVAL, "%s needs a handle", w);
	dst = w[0] == 'p' ? &l->parent : &l->handle;
	if (itm_handle_parse(argv[*i + 1], dst, err) < 0)
		return -EINVAL;
	if (dst == &l->handle && (*dst == ITM_H_ROOT || ITM_H_MIN(*dst)))
		return itm_err_tok(err, argv[*i + 1], EINVAL,
				   "a qdisc handle is MAJOR: with no minor");
	*i += 2;
	return 1;
}

/* Parse the locator words; returns the index of the first other word. */
static int loc_parse(int argc, char **argv,
		     struct qloc *l, struct itm_err *err)
{
	int i = 0, r;

	memset(l, 0, sizeof(*l));
	while (i < argc && (r = loc_token(&i, argc, argv, l, err)) != 0) {
		if (r < 0)
			return r;
	}
	return i;
}

/* Resolve to a slot: the parent's class, or the discipline named by
 * handle alone (whose own parent is then known). */
static int loc_resolve(struct itm_engine *e, struct qloc *l,
		       struct itm_err *err)
{
	if (!l->parent && l->handle) {
		struct itm_qdisc *q = itm_qtree_find(e->root, l->handle);

		if (!q)
			return itm_err_set(err, ENOENT, "no qdisc with handle %x:",
					   l->handle >> 16);
		l->parent = q->parent;
	}
	if (!l->parent)
		return itm_err_set(err, EINVAL,
				   "say where: root, parent MAJOR:MINOR or handle MAJOR:");
	return itm_qtree_slot(&e->root, l->parent, &l->slot, &l->owner, err);
}

static int key_one(struct itm_qdisc *q, void *arg)
{
	itm_engine_random_key(arg, &q->hash_key);
	return 0;
}

/* In tree order, so a replay gives every discipline the same key. */
void itm_engine_key_qdiscs(struct itm_engine *e, struct itm_qdisc *q)
{
	itm_qtree_walk(q, key_one, e);
}

static bool slot_configured(const struct itm_engine *e, const struct qloc *l)
{
	return l->owner ? (*l->slot)->handle != 0 : e->root_set;
}

static int check_new_handle(struct itm_engine *e, struct qloc *l,
			    struct itm_err *err)
{
	struct itm_qdisc *q;

	if (!l->handle) {
		l->handle = l->owner ? itm_qtree_free_handle(e->root) : 0x10000;
		return l->handle ? 0 : itm_err_set(err, ENOSPC, "no free handle");
	}
	q = itm_qtree_find(e->root, l->handle);
	/* the discipline being replaced may pass its handle on */
	if (q && q != *l->slot)
		return itm_err_set(err, EEXIST, "handle %x: is taken by %s",
				   l->handle >> 16, q->ops->id);
	if (l->owner && ITM_H_MAJ(l->handle) == ITM_H_MAJ(l->owner->handle))
		return itm_err_set(err, EEXIST, "handle %x: is the parent's",
				   l->handle >> 16);
	return 0;
}

int itm_engine_qdisc_add(struct itm_engine *e, int argc, char **argv,
			 bool replace, struct itm_err *err)
{
	struct itm_qdisc *q;
	struct qloc l;
	int r, n = loc_parse(argc, argv, &l, err);

	if (n < 0)
		return n;
	if (l.parent == 0)
		return itm_err_tok(err, n < argc ? argv[n] : "add", EINVAL,
				   "say where: root or parent MAJOR:MINOR");
	r = loc_resolve(e, &l, err);
	if (r == 0)
		r = check_new_handle(e, &l, err);
	if (r < 0)
		return r;
	/* over a default (the built-in root, a class's own fifo) "add" is
	 * allowed, as tc allows it over the kernel's defaults */
	if (!replace && slot_configured(e, &l))
		return itm_err_tok(err, "add", EEXIST,
				   "%s qdisc exists: use replace or change",
				   l.owner ? "this class's" : "a root");
	r = itm_qdisc_create(&q, argc - n, argv + n, itm_engine_drop, e, err);
	if (r < 0)
		return r;
	itm_qtree_set_handle(q, l.handle);
	if (e->started)
		itm_engine_key_qdiscs(e, q);
	if (l.owner) {
		itm_qdisc_graft(l.owner, ITM_H_MIN(l.parent), l.slot, q);
	} else {
		itm_qdisc_destroy(e->root);	/* packets go as "flush" */
		e->root = q;
		e->root_set = true;
	}
	return 0;
}

int itm_engine_qdisc_change(struct itm_engine *e, int argc, char **argv,
			    struct itm_err *err)
{
	struct itm_qdisc *q;
	struct qloc l;
	int n2, n = loc_parse(argc, argv, &l, err);

	if (n < 0)
		return n;
	if (n >= argc)
		return itm_err_set(err, EINVAL,
				   "usage: qdisc change root|parent H|handle H KIND OPTIONS");
	n2 = loc_resolve(e, &l, err);
	if (n2 < 0)
		return n2;
	q = *l.slot;
	if (l.handle && ITM_H_MAJ(q->handle) != l.handle)
		return itm_err_set(err, ENOENT, "no qdisc %x: there", l.handle >> 16);
	if (strcmp(argv[n], q->ops->id) != 0)
		return itm_err_tok(err, argv[n], EINVAL,
				   "%s qdisc is %s, not %s: use replace",
				   l.owner ? "this class's" : "root", q->ops->id,
				   argv[n]);
	return itm_qdisc_change(q, argc - n - 1, argv + n + 1, err);
}

int itm_engine_qdisc_del(struct itm_engine *e, int argc, char **argv,
			 struct itm_err *err)
{
	const struct itm_class_ops *cl;
	struct itm_qdisc *q;
	uint32_t m;
	struct qloc l;
	int n2, n = loc_parse(argc, argv, &l, err);

	if (n < 0)
		return n;
	if (argc - n > 1)
		return itm_err_tok(err, argv[n + 1], EINVAL,
				   "qdisc del: what is \"%s\"?", argv[n + 1]);
	n2 = loc_resolve(e, &l, err);
	if (n2 < 0)
		return n2;
	if (n < argc && strcmp(argv[n], (*l.slot)->ops->id))
		return itm_err_tok(err, argv[n], EINVAL, "the qdisc there is %s",
				   (*l.slot)->ops->id);
	if (!l.owner) {
		char *args[] = { "pfifo" };

		if (itm_qdisc_create(&q, 1, args, itm_engine_drop, e, err) < 0)
			return -ENOMEM;
		itm_qdisc_destroy(e->root);
		e->root = q;
		e->root_set = false;
		return 0;
	}
	cl = l.owner->ops->cl;
	m = ITM_H_MIN(l.parent);
	q = cl->dflt ? cl->dflt(l.owner, m, err)
		     : itm_qdisc_create_default(l.owner, m, false, 1000, err);
	if (!q)
		return -ENOMEM;
	itm_qdisc_graft(l.owner, m, l.slot, q);
	q->handle = 0;
	return 0;
}

#define QDISC_CMDS_MAX (64 * 1024)

void itm_engine_qdisc_record(struct itm_engine *e, int argc, char **argv)
{
	size_t need = 1;
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		need += strlen(argv[i]) + 1;
	if (e->qdisc_cmds_lost || e->qdisc_cmds_len + need > QDISC_CMDS_MAX) {
		e->qdisc_cmds_lost = true;
		return;
	}
	s = realloc(e->qdisc_cmds, e->qdisc_cmds_len + need);
	if (!s) {
		e->qdisc_cmds_lost = true;
		return;
	}
	e->qdisc_cmds = s;
	for (i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]);

		memcpy(s + e->qdisc_cmds_len, argv[i], n);
		e->qdisc_cmds_len += n;
		s[e->qdisc_cmds_len++] = i + 1 < argc ? ' ' : '\n';
	}
	s[e->qdisc_cmds_len] = '\0';
}
