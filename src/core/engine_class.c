// SPDX-License-Identifier: GPL-2.0-only
/*
 * `class add|change|del`: the classes of classful disciplines, as tc names
 * them: "class add parent 1: classid 1:10 drr quantum 3000". A class lives
 * in the discipline whose handle is its major; the kind word must be that
 * discipline's. Options are parsed from the class's own attribute table, all
 * or nothing. A hierarchical discipline (vif) also takes a class of its own
 * as the parent: "class add parent 1:3 classid 1:1 vif ...".
 */
#include <stdlib.h>
#include <string.h>

#include "itm/engine.h"
#include "itm/qtree.h"

struct class_ref {
	uint32_t classid;
	uint32_t parent;	/* "parent" given, else 0 */
	struct itm_qdisc *q;
	const struct itm_class_ops *cl;
	int n;			/* first word after the kind */
};

static int class_words(int argc, char **argv, uint32_t *parent,
		       uint32_t *classid, struct itm_err *err)
{
	int i = 0;

	*parent = *classid = 0;
	while (i + 1 < argc && (!strcmp(argv[i], "parent") ||
				!strcmp(argv[i], "classid"))) {
		uint32_t *dst = argv[i][0] == 'p' ? parent : classid;

		if (*dst)
			return itm_err_tok(err, argv[i], EINVAL, "%s given twice",
					   argv[i]);
		if (itm_handle_parse(argv[i + 1], dst, err) < 0)
			return -EINVAL;
		i += 2;
	}
	if (!*classid)
		return itm_err_set(err, EINVAL, "class: classid MAJOR:MINOR missing");
	if (*classid == ITM_H_ROOT || !ITM_H_MIN(*classid))
		return itm_err_set(err, EINVAL, "a classid is MAJOR:MINOR, minor not 0");
	return i;
}

/* The parent is the class's discipline, or for a hierarchical one also a
 * class of that discipline. */
static int class_check_parent(const struct class_ref *c, struct itm_err *err)
{
	uint32_t maj = ITM_H_MAJ(c->classid);

	if (!c->parent || c->parent == maj)
		return 0;
	if (c->cl->add_nested && ITM_H_MAJ(c->parent) == maj &&
	    c->parent != ITM_H_ROOT)
		return 0;
	if (c->cl->add_nested)
		return itm_err_set(err, EINVAL,
				   "%s classes hang from their qdisc or one of its classes: parent must be %x: or %x:MINOR",
				   c->q->ops->id, maj >> 16, maj >> 16);
	return itm_err_set(err, EINVAL,
			   "classes hang from their qdisc: parent must be %x:",
			   maj >> 16);
}

static int class_lookup(struct itm_engine *e, int argc, char **argv,
			struct class_ref *c, struct itm_err *err)
{
	int n = class_words(argc, argv, &c->parent, &c->classid, err);

	if (n < 0)
		return n;
	c->q = itm_qtree_find(e->root, c->classid);
	if (!c->q)
		return itm_err_set(err, ENOENT, "no qdisc with handle %x:",
				   c->classid >> 16);
	c->cl = c->q->ops->cl;
	if (!c->cl)
		return itm_err_set(err, EINVAL, "%s is classless", c->q->ops->id);
	if (class_check_parent(c, err) < 0)
		return -EINVAL;
	if (n < argc && strcmp(argv[n], c->q->ops->id))
		return itm_err_tok(err, argv[n], EINVAL,
				   "qdisc %x: is %s, not %s", c->classid >> 16,
				   c->q->ops->id, argv[n]);
	c->n = n < argc ? n + 1 : n;
	return 0;
}

static int class_parse(const struct class_ref *c, void *opts, int argc,
		       char **argv, bool creating, struct itm_err *err)
{
	int left = argc - c->n, r;

	if (left > 0 && !c->cl->attrs)
		return itm_err_tok(err, argv[c->n], EINVAL,
				   "%s classes have no options", c->q->ops->id);
	if (left <= 0)
		return 0;
	r = itm_attr_parse_args(c->cl->attrs, opts, left, argv + c->n, creating,
				err);
	if (r >= 0 && r < left)
		r = itm_err_tok(err, argv[c->n + r], EINVAL, "%s class: what is \"%s\"?",
				c->q->ops->id, argv[c->n + r]);
	return r < 0 ? r : 0;
}

static int class_add(struct itm_engine *e, int argc, char **argv,
		     struct itm_err *err)
{
	struct class_ref c;
	void *opts;
	int r = class_lookup(e, argc, argv, &c, err);

	if (r < 0)
		return r;
	if (!c.cl->add && !c.cl->add_nested)
		return itm_err_set(err, EINVAL, "%s classes are fixed: use class change",
				   c.q->ops->id);
	if (c.cl->leaf(c.q, ITM_H_MIN(c.classid)))
		return itm_err_set(err, EEXIST, "class %x:%x exists",
				   c.classid >> 16, ITM_H_MIN(c.classid));
	opts = calloc(1, c.cl->opts_size ? c.cl->opts_size : 1);
	if (!opts)
		return itm_err_set(err, ENOMEM, "out of memory");
	itm_attr_defaults(c.cl->attrs, opts);
	r = class_parse(&c, opts, argc, argv, true, err);
	if (r == 0 && c.cl->add_nested)
		r = c.cl->add_nested(c.q, ITM_H_MIN(c.parent), ITM_H_MIN(c.classid),
				     opts, err);
	else if (r == 0)
		r = c.cl->add(c.q, ITM_H_MIN(c.classid), opts, err);
	free(opts);
	return r;
}

static int class_opts(const struct class_ref *c, void **opts,
		      struct itm_err *err)
{
	*opts = c->cl->opts ? c->cl->opts(c->q, ITM_H_MIN(c->classid)) : NULL;
	if (*opts)
		return 0;
	if (!c->cl->leaf(c->q, ITM_H_MIN(c->classid)))
		return itm_err_set(err, ENOENT, "no class %x:%x", c->classid >> 16,
				   ITM_H_MIN(c->classid));
	return itm_err_set(err, EINVAL, "%s classes have no options",
			   c->q->ops->id);
}

static int class_change(struct itm_engine *e, int argc, char **argv,
			struct itm_err *err)
{
	uint64_t saved[ITM_QDISC_OPTS_MAX];
	struct class_ref c;
	void *opts;
	int r = class_lookup(e, argc, argv, &c, err);

	if (r < 0)
		return r;
	r = class_opts(&c, &opts, err);
	if (r < 0)
		return r;
	itm_qdisc_opts_save(c.cl->attrs, opts, saved);
	r = class_parse(&c, opts, argc, argv, false, err);
	if (r == 0 && c.cl->change)
		r = c.cl->change(c.q, ITM_H_MIN(c.classid), err);
	if (r < 0)
		itm_qdisc_opts_restore(c.cl->attrs, opts, saved);
	return r;
}

static int class_del(struct itm_engine *e, int argc, char **argv,
		     struct itm_err *err)
{
	struct itm_qdisc **slot;
	struct class_ref c;
	int r = class_lookup(e, argc, argv, &c, err);

	if (r < 0)
		return r;
	if (c.n < argc)
		return itm_err_tok(err, argv[c.n], EINVAL,
				   "class del: what is \"%s\"?", argv[c.n]);
	if (c.cl->may_del) {
		r = c.cl->may_del(c.q, ITM_H_MIN(c.classid), err);
		if (r < 0)
			return r;
	}
	slot = c.cl->leaf(c.q, ITM_H_MIN(c.classid));
	if (!slot)
		return itm_err_set(err, ENOENT, "no class %x:%x", c.classid >> 16,
				   ITM_H_MIN(c.classid));
	if (!c.cl->del)
		return itm_err_set(err, EINVAL, "%s classes are fixed",
				   c.q->ops->id);
	itm_qdisc_destroy(*slot);	/* its packets go as "flush" */
	*slot = NULL;
	return c.cl->del(c.q, ITM_H_MIN(c.classid), err);
}

int itm_engine_class_cmd(struct itm_engine *e, const char *verb, int argc,
			 char **argv, struct itm_err *err)
{
	if (!strcmp(verb, "add"))
		return class_add(e, argc, argv, err);
	if (!strcmp(verb, "change"))
		return class_change(e, argc, argv, err);
	if (!strcmp(verb, "del") || !strcmp(verb, "delete"))
		return class_del(e, argc, argv, err);
	return itm_err_tok(err, verb, EINVAL, "class: what is \"%s\"?", verb);
}
