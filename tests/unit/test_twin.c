// SPDX-License-Identifier: GPL-2.0-only
/*
 * twin.c: the twin is built as the engine's tree; run-time commands reach
 * it and keep its queued packets; a command it refuses leaves it as it was
 * and is reported once; its drops are the engine's; a reload's new engine
 * can adopt it; when the engine stops keeping its commands the twin says
 * so once and follows no more.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "itm/twin.h"
#include "qtest.h"

static const char *tree_text(struct itm_qdisc *root)
{
	static char buf[2][1024];
	static int k;
	FILE *f;

	k ^= 1;
	f = fmemopen(buf[k], sizeof(buf[k]), "w");
	assert_non_null(f);
	itm_qtree_print(root, f, false, false);
	fclose(f);
	return buf[k];
}

static void twin_enq(struct qt *t, struct itm_twin *w, int i)
{
	itm_qdisc_enqueue(w->root, qt_pkt(t, i, 1000, (uint16_t)i, 0), 0);
}

static void test_build_and_follow(void **state)
{
	struct qt *t = qt_new("qdisc add root handle 1: prio bands 3\n"
			      "qdisc add parent 1:1 handle 10: pfifo limit 5\n");
	struct itm_twin w;
	struct itm_err err;

	(void)state;
	assert_int_equal(itm_twin_build(t->e, &w, &err), 0);
	assert_string_equal(tree_text(w.root), tree_text(t->e->root));
	twin_enq(t, &w, 0);
	twin_enq(t, &w, 1);
	assert_int_equal(itm_twin_follow(t->e, &w, &err), 0);	/* nothing new */
	qt_must(t, "qdisc change handle 10: pfifo limit 7");
	qt_must(t, "qdisc add parent 1:3 handle 30: fq_pie");
	assert_int_equal(itm_twin_follow(t->e, &w, &err), 0);
	assert_string_equal(tree_text(w.root), tree_text(t->e->root));
	assert_non_null(strstr(tree_text(w.root), "limit 7p"));
	assert_int_equal(w.root->stats.qlen, 2);	/* in 1:2, kept */
	itm_qdisc_reset(w.root);
	itm_qdisc_destroy(w.root);
	qt_del(t);
}

/* The twin refuses a command the engine took (here: its root is not what
 * the engine's is): it stays as it was, the error comes once, later
 * commands still reach it. */
static void test_refused(void **state)
{
	struct qt *t = qt_new("qdisc add root handle 1: tbf rate 1mbit burst 10kb limit 20kb\n");
	char *pfifo[] = { "pfifo", "limit", "3" };
	struct itm_twin w;
	struct itm_err err;

	(void)state;
	assert_int_equal(itm_twin_build(t->e, &w, &err), 0);
	itm_qdisc_destroy(w.root);
	assert_int_equal(itm_qdisc_create(&w.root, 3, pfifo, itm_engine_drop, t->e, &err), 0);
	qt_must(t, "qdisc change root tbf rate 2mbit");
	assert_int_equal(itm_twin_follow(t->e, &w, &err), -EINVAL);
	assert_string_equal(err.msg, "root qdisc is pfifo, not tbf: use replace");
	assert_string_equal(tree_text(w.root), "qdisc pfifo 1: root limit 3p\n");
	assert_int_equal(itm_twin_follow(t->e, &w, &err), 0);
	qt_must(t, "qdisc replace root handle 2: tbf rate 1mbit burst 10kb limit 20kb");
	assert_int_equal(itm_twin_follow(t->e, &w, &err), 0);
	assert_string_equal(tree_text(w.root), tree_text(t->e->root));
	itm_qdisc_destroy(w.root);
	qt_del(t);
}

/* Drops in the twin are counted by the engine and freed by its callback,
 * also for disciplines a run-time command added, and after adoption by a
 * new engine. */
static void test_drops_are_the_engines(void **state)
{
	struct qt *t = qt_new("qdisc add root pfifo limit 1\n");
	struct qt *t2 = qt_new("qdisc add root pfifo limit 1\n");
	struct itm_twin w;
	struct itm_err err;

	(void)state;
	assert_int_equal(itm_twin_build(t->e, &w, &err), 0);
	twin_enq(t, &w, 0);
	twin_enq(t, &w, 1);
	assert_int_equal(t->freed, 1);
	qt_must(t, "qdisc replace root pfifo limit 1");	/* flushes one */
	assert_int_equal(itm_twin_follow(t->e, &w, &err), 0);
	assert_int_equal(t->freed, 2);
	twin_enq(t, &w, 2);
	twin_enq(t, &w, 3);
	assert_int_equal(t->freed, 3);
	itm_twin_adopt(t2->e, &w);
	twin_enq(t, &w, 4);
	assert_int_equal(t->freed, 3);
	assert_int_equal(t2->freed, 1);
	itm_qdisc_reset(w.root);
	itm_qdisc_destroy(w.root);
	qt_del(t2);
	qt_del(t);
}

/* Past the engine's limit on kept commands the twin stops following,
 * says so once, and keeps what it has. */
static void test_stops_when_commands_lost(void **state)
{
	struct qt *t = qt_new("qdisc add root pfifo limit 10\n");
	struct itm_twin w;
	struct itm_err err;
	char cmd[64];
	int i;

	(void)state;
	assert_int_equal(itm_twin_build(t->e, &w, &err), 0);
	for (i = 0; !t->e->qdisc_cmds_lost; i++) {
		snprintf(cmd, sizeof(cmd), "qdisc change root pfifo limit %d", 11 + i % 1000);
		qt_must(t, cmd);
	}
	assert_int_equal(itm_twin_follow(t->e, &w, &err), -E2BIG);
	assert_non_null(strstr(err.msg, "no longer reach it"));
	assert_int_equal(itm_twin_follow(t->e, &w, &err), 0);
	assert_string_equal(tree_text(w.root), "qdisc pfifo 1: root limit 10p\n");
	assert_int_equal(itm_twin_build(t->e, &w, &err) < 0, 1);
	itm_qdisc_destroy(w.root);
	qt_del(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_and_follow),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_drops_are_the_engines),
		cmocka_unit_test(test_stops_when_commands_lost),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
