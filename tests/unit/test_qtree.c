// SPDX-License-Identifier: GPL-2.0-only
/*
 * The discipline tree (qdisc_tree.c) and its commands (engine_qdisc.c,
 * engine_class.c): placing disciplines by root/parent/handle, default
 * children, show in tc's order, drops and backlog counted up the tree,
 * replace and del flushing, class add/change/del, and every refusal leaving
 * the tree as it was.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "qtest.h"

static const char *show(struct qt *t, const char *cmd)
{
	qt_must(t, cmd);
	return t->out;
}

static void test_handle_parse(void **state)
{
	struct itm_err err;
	uint32_t h;

	(void)state;
	assert_int_equal(itm_handle_parse("root", &h, &err), 0);
	assert_int_equal(h, ITM_H_ROOT);
	assert_int_equal(itm_handle_parse("1:", &h, &err), 0);
	assert_int_equal(h, 0x10000);
	assert_int_equal(itm_handle_parse("ffff:a", &h, &err), 0);
	assert_int_equal(h, 0xffff000a);
	assert_int_equal(itm_handle_parse("0:1", &h, &err), -EINVAL);
	assert_int_equal(itm_handle_parse("1", &h, &err), -EINVAL);
	assert_int_equal(itm_handle_parse("1:10000", &h, &err), -EINVAL);
	assert_int_equal(itm_handle_parse("10000:", &h, &err), -EINVAL);
	assert_int_equal(itm_handle_parse("1:x", &h, &err), -EINVAL);
	assert_string_equal(err.tok, "1:x");
}

static void test_tree_show(void **state)
{
	struct qt *t = qt_new("qdisc add root handle 1: prio\n"
			      "qdisc add parent 1:2 handle 20: tbf rate 1mbit burst 3kb limit 20kb\n"
			      "qdisc add parent 20:1 pfifo limit 7\n");

	(void)state;
	assert_string_equal(show(t, "qdisc show"),
		"qdisc prio 1: root bands 3 rank dscp priomap 2,1,1,1,0,0,0,0\n"
		"qdisc pfifo 0: parent 1:1 limit 1000p\n"
		"qdisc tbf 20: parent 1:2 rate 1Mbit burst 3Kb limit 20Kb\n"
		"qdisc pfifo 8001: parent 20:1 limit 7p\n"
		"qdisc pfifo 0: parent 1:3 limit 1000p\n");
	assert_string_equal(show(t, "class show"),
		"class prio 1:1 parent 1:\n"
		"class prio 1:2 parent 1: leaf 20:\n"
		"class prio 1:3 parent 1:\n"
		"class tbf 20:1 parent 20: leaf 8001:\n");
	qt_must(t, "qdisc show --json");
	assert_non_null(strstr(t->out, "[{\"kind\":\"prio\",\"handle\":\"1:\",\"root\":true,"));
	assert_non_null(strstr(t->out, "{\"kind\":\"tbf\",\"handle\":\"20:\",\"parent\":\"1:2\","));
	assert_non_null(strstr(t->out, "}]\n"));
	qt_del(t);
}

struct refusal {
	const char *cmd;
	int rc;
	const char *msg;
};

static void test_refusals_keep_tree(void **state)
{
	static const struct refusal r[] = {
		{ "qdisc add parent 1:9 pfifo", -ENOENT, "prio 1: has no class 1:9" },
		{ "qdisc add parent 5:1 pfifo", -ENOENT, "no qdisc with handle 5:" },
		{ "qdisc add parent 20:1 handle 1: pfifo", -EEXIST, "handle 1: is taken by prio" },
		{ "qdisc add parent 1:1 handle 1: pfifo", -EEXIST, "handle 1: is taken by prio" },
		{ "qdisc add parent 1:2 pfifo", -EEXIST, "this class's qdisc exists: use replace or change" },
		{ "qdisc add root pfifo", -EEXIST, "a root qdisc exists: use replace or change" },
		{ "qdisc add parent 1:1 handle 1:5 pfifo", -EINVAL, "a qdisc handle is MAJOR: with no minor" },
		{ "qdisc add dev eth0 pfifo", -EINVAL, "say where: root or parent MAJOR:MINOR" },
		{ "qdisc change handle 20: pfifo limit 3", -EINVAL, "this class's qdisc is tbf, not pfifo: use replace" },
		{ "qdisc change root prio bands 4", -EPERM, "bands is fixed at creation" },
		{ "qdisc change root prio priomap 3,1,1,1,0,0,0,0", -ERANGE,
		  "prio: priomap sends rank 0 to band 3, but bands are 0..2" },
		{ "qdisc change handle 20: tbf latency 10ms", -EINVAL,
		  "tbf: give limit or latency, not both (set the other to 0)" },
		{ "qdisc del handle 7:", -ENOENT, "no qdisc with handle 7:" },
		{ "qdisc del root pfifo", -EINVAL, "the qdisc there is prio" },
		{ "qdisc add parent 8001:1 pfifo", -EINVAL, "pfifo is classless: pfifo has no class 8001:1" },
		{ "class add parent 1: classid 1:4 prio", -EINVAL, "prio classes are fixed: use class change" },
		{ "class change classid 1:9 prio ecn_thresh 1kb", -ENOENT, "no class 1:9" },
		{ "class change classid 1:1 tbf", -EINVAL, "qdisc 1: is prio, not tbf" },
		{ "class change classid 1:1 prio quantum 5", -EINVAL, "prio class: what is \"quantum\"?" },
		{ "class change classid 1:1 prio ecn_thresh x", -EINVAL,
		  "ecn_thresh: \"x\" is not a size such as 1514b or 32mb" },
		{ "class del classid 1:1", -EINVAL, "prio classes are fixed" },
		{ "class add parent 2: classid 1:1 prio", -EINVAL,
		  "classes hang from their qdisc: parent must be 1:" },
		{ "class change classid 8001:1 pfifo", -EINVAL, "pfifo is classless" },
		{ "class add parent 1: prio", -EINVAL, "class: classid MAJOR:MINOR missing" },
	};
	struct qt *t = qt_new("qdisc add root handle 1: prio\n"
			      "qdisc add parent 1:2 handle 20: tbf rate 1mbit burst 3kb limit 20kb\n"
			      "qdisc add parent 20:1 pfifo limit 7\n");
	char before[1024];
	struct itm_err err;
	size_t i;

	(void)state;
	snprintf(before, sizeof(before), "%s", show(t, "qdisc show"));
	for (i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		int rc = qt_cmd(t, r[i].cmd, &err);

		if (rc != r[i].rc || strcmp(err.msg, r[i].msg))
			fail_msg("%s: rc %d \"%s\", want %d \"%s\"", r[i].cmd, rc,
				 err.msg, r[i].rc, r[i].msg);
		assert_string_equal(show(t, "qdisc show"), before);
	}
	qt_del(t);
}

/* A drop in a child lowers every ancestor's backlog and counts there. */
static void test_drops_up_the_tree(void **state)
{
	struct qt *t = qt_new("qdisc add root handle 1: prio\n"
			      "qdisc add parent 1:2 handle 20: pfifo limit 2\n");
	struct itm_qdisc *child;
	int i;

	(void)state;
	child = itm_qtree_find(t->e->root, 0x200000);
	assert_non_null(child);
	for (i = 0; i < 3; i++)
		qt_enq(t, qt_pkt(t, i, 100, 1000, 0), 0);
	assert_int_equal(t->e->root->stats.qlen, 2);
	assert_int_equal(t->e->root->stats.backlog_bytes, 200);
	assert_int_equal(t->e->root->stats.drops, 1);
	assert_int_equal(child->stats.drops, 1);
	assert_int_equal(t->e->drops[ITM_DROP_LIMIT], 1);
	assert_int_equal(t->freed, 1);
	/* replacing the child flushes its two packets, counted up the tree */
	qt_must(t, "qdisc replace parent 1:2 handle 30: bfifo limit 10kb");
	assert_int_equal(t->e->root->stats.qlen, 0);
	assert_int_equal(t->e->root->stats.backlog_bytes, 0);
	assert_int_equal(t->e->root->stats.drops, 3);
	assert_int_equal(t->e->drops[ITM_DROP_FLUSH], 2);
	assert_null(itm_qtree_find(t->e->root, 0x200000));
	assert_non_null(itm_qtree_find(t->e->root, 0x300000));
	qt_del(t);
}

static void test_del(void **state)
{
	struct qt *t = qt_new("qdisc add root handle 1: tbf rate 1mbit burst 2kb latency 10ms\n"
			      "qdisc add parent 1:1 handle 2: pfifo limit 3\n");

	(void)state;
	qt_enq(t, qt_pkt(t, 0, 100, 1, 0), 0);
	qt_must(t, "qdisc del handle 2:");
	assert_int_equal(t->e->drops[ITM_DROP_FLUSH], 1);
	/* tbf's own default comes back: a bfifo of rate x latency + burst */
	assert_string_equal(show(t, "qdisc show"),
		"qdisc tbf 1: root rate 1Mbit burst 2Kb latency 10.0ms\n"
		"qdisc bfifo 0: parent 1:1 limit 3298b\n");
	qt_must(t, "qdisc del root");
	assert_string_equal(show(t, "qdisc show"), "qdisc pfifo 1: root limit 1000p\n");
	qt_must(t, "qdisc add root pfifo limit 5");	/* the default again */
	qt_del(t);
}

/* A shaper anywhere in the tree asks for GSO packets in segments, a
 * discipline that may mark ECN for whole packets. */
static void test_needs(void **state)
{
	struct qt *t = qt_new("qdisc add root handle 1: drr\n"
			      "class add parent 1: classid 1:1 drr quantum 1514\n"
			      "qdisc add parent 1:1 handle 2: fq_pie\n");

	(void)state;
	assert_int_equal(itm_qtree_needs(t->e->root), ITM_QNEED_WHOLE);
	qt_must(t, "qdisc replace parent 1:1 handle 3: tbf rate 1mbit burst 2kb latency 10ms");
	assert_int_equal(itm_qtree_needs(t->e->root), ITM_QNEED_SEGMENTS);
	qt_must(t, "qdisc add parent 3:1 handle 4: pie");
	assert_int_equal(itm_qtree_needs(t->e->root), ITM_QNEED_SEGMENTS | ITM_QNEED_WHOLE);
	qt_must(t, "qdisc del handle 3:");
	assert_int_equal(itm_qtree_needs(t->e->root), 0);
	qt_del(t);
}

static void test_class_cmds(void **state)
{
	struct qt *t = qt_new("qdisc add root handle 1: drr\n"
			      "class add parent 1: classid 1:a drr quantum 3000\n"
			      "class add classid 1:2 drr\n");
	struct itm_err err;

	(void)state;
	assert_string_equal(show(t, "class show"),
		"class drr 1:2 parent 1: quantum 1514b\n"
		"class drr 1:a parent 1: quantum 3000b\n");
	assert_int_equal(qt_cmd(t, "class add classid 1:2 drr", &err), -EEXIST);
	assert_string_equal(err.msg, "class 1:2 exists");
	assert_int_equal(qt_cmd(t, "class change classid 1:2 drr quantum 0", &err), -ERANGE);
	assert_string_equal(err.msg, "quantum must be in [1b..1024Mb]");
	qt_must(t, "class change classid 1:2 drr quantum 9000");
	qt_must(t, "qdisc add parent 1:2 handle 5: pfifo limit 4");
	qt_enq(t, qt_pkt(t, 0, 100, 1, 0), 0);	/* unclassified */
	assert_int_equal(t->e->drops[ITM_DROP_CLASS], 1);
	qt_pkt(t, 1, 100, 1, 0)->classid = 0x10002;
	qt_enq(t, &t->pkt[1], 0);
	assert_int_equal(t->e->root->stats.qlen, 1);
	qt_must(t, "class del classid 1:2");
	assert_int_equal(t->e->drops[ITM_DROP_FLUSH], 1);
	assert_int_equal(t->e->root->stats.qlen, 0);
	assert_string_equal(show(t, "class show"),
		"class drr 1:a parent 1: quantum 3000b\n");
	assert_int_equal(qt_cmd(t, "class del classid 1:2", &err), -ENOENT);
	assert_null(qt_deq(t, 0));
	qt_del(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handle_parse),
		cmocka_unit_test(test_tree_show),
		cmocka_unit_test(test_refusals_keep_tree),
		cmocka_unit_test(test_drops_up_the_tree),
		cmocka_unit_test(test_del),
		cmocka_unit_test(test_class_cmds),
		cmocka_unit_test(test_needs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
