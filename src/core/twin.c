// SPDX-License-Identifier: GPL-2.0-only
/*
 * The twin tree (itm/twin.h). Commands run on a scratch engine that holds
 * the twin as its root, with the real engine's free callback; afterwards
 * every discipline of the twin drops into the real engine, and the scratch
 * engine goes without its root.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "itm/cmd.h"
#include "itm/qtree.h"
#include "itm/twin.h"

static int adopt(struct itm_qdisc *q, void *arg)
{
	q->drop_ctx = arg;
	return 0;
}

/* Run the lines of e->qdisc_cmds in [from, to) on s; the first error. */
static int run_lines(struct itm_engine *s, const char *cmds, size_t from,
		     size_t to, struct itm_err *err)
{
	struct itm_cmd_ctx c = { .eng = s };
	char line[ITM_CMD_LINE_MAX];
	struct itm_err one;
	int r, first = 0;

	while (from < to) {
		const char *nl = memchr(cmds + from, '\n', to - from);
		size_t n = nl ? (size_t)(nl - (cmds + from)) : to - from;

		snprintf(line, sizeof(line), "%.*s", (int)n, cmds + from);
		from += n + 1;
		one = (struct itm_err){ { 0 }, { 0 } };
		r = itm_cmd_run_line(&c, line, &one);
		if (r < 0 && !first) {
			first = r;
			*err = one;
		}
	}
	return first;
}

static int scratch_engine(struct itm_engine *e, struct itm_engine **s,
			  struct itm_err *err)
{
	int r = itm_engine_create(s, err);

	if (r == 0)
		itm_engine_set_free(*s, e->free_fn, e->free_ctx);
	return r;
}

void itm_twin_adopt(struct itm_engine *e, struct itm_twin *t)
{
	itm_qtree_walk(t->root, adopt, e);
}

/* The scratch engine's root becomes t's, owned by e. */
static void take_root(struct itm_engine *e, struct itm_engine *s,
		      struct itm_twin *t)
{
	t->root = s->root;
	t->root_set = s->root_set;
	s->root = NULL;
	itm_engine_destroy(s);
	itm_twin_adopt(e, t);
}

int itm_twin_build(struct itm_engine *e, struct itm_twin *t,
		   struct itm_err *err)
{
	struct itm_engine *s;
	int r;

	if (e->qdisc_cmds_lost)
		return itm_err_set(err, E2BIG, "the qdisc commands were too many to keep");
	r = scratch_engine(e, &s, err);
	if (r == 0 && e->qdisc_cmds)
		r = run_lines(s, e->qdisc_cmds, 0, e->qdisc_cmds_len, err);
	if (r < 0) {
		itm_engine_destroy(s);
		return r;
	}
	take_root(e, s, t);
	t->stopped = false;
	t->applied = e->qdisc_cmds_len;
	itm_engine_key_qdiscs(e, t->root);
	return 0;
}

int itm_twin_follow(struct itm_engine *e, struct itm_twin *t,
		    struct itm_err *err)
{
	struct itm_engine *s;
	int r;

	if (t->stopped || (!e->qdisc_cmds_lost && t->applied == e->qdisc_cmds_len))
		return 0;
	if (e->qdisc_cmds_lost) {
		t->stopped = true;
		return itm_err_set(err, E2BIG, "the qdisc commands became too many to "
				   "keep: run-time changes no longer reach it");
	}
	r = scratch_engine(e, &s, err);
	if (r < 0)
		return r;
	itm_qdisc_destroy(s->root);
	s->root = t->root;
	s->root_set = t->root_set;
	/* new disciplines get keys as they come, from e's sequence */
	s->started = true;
	s->seeded = e->seeded;
	s->rand_seed = e->rand_seed;
	s->rand_count = e->rand_count;
	r = run_lines(s, e->qdisc_cmds, t->applied, e->qdisc_cmds_len, err);
	e->rand_count = s->rand_count;
	t->applied = e->qdisc_cmds_len;
	take_root(e, s, t);
	return r;
}
