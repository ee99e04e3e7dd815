// SPDX-License-Identifier: GPL-2.0-only
/*
 * drr.c: shares by quantum, the exact round-robin order with deficits,
 * classes found by priority before class, unclassified drops, a class
 * leaving the active list when empty and coming back with a fresh quantum,
 * deleting a class with packets, a reset reaching idle classes, the
 * deficit in class statistics, and rounds in which no class can send
 * taken at once.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "qtest.h"

static struct itm_pkt *to_class(struct qt *t, int i, uint32_t len,
				uint32_t classid)
{
	struct itm_pkt *p = qt_pkt(t, i, len, (uint16_t)i, 0);

	p->classid = classid;
	qt_enq(t, p, 0);
	return p;
}

static uint32_t class_of(const struct itm_pkt *p)
{
	return ITM_H_MIN(p->classid);
}

static void test_shares_by_quantum(void **state)
{
	struct qt *t = qt_new("qdisc add root handle 1: drr\n"
			      "class add parent 1: classid 1:1 drr quantum 3000\n"
			      "class add parent 1: classid 1:2 drr quantum 1500\n");
	int i, n[3] = { 0 };

	(void)state;
	for (i = 0; i < 60; i++)
		to_class(t, i, 1000, 0x10001 + (uint32_t)(i & 1));
	for (i = 0; i < 27; i++)	/* two rounds: 3 + 3 against 1 + 2 */
		n[class_of(qt_deq(t, 0))]++;
	assert_int_equal(n[1], 18);
	assert_int_equal(n[2], 9);
	qt_del(t);
}

/* Round by round: 1:1 sends 3 x 1000 on 3000, 1:2 one 1000 on 1500 and
 * carries 500 to the next round, where it sends two. */
static void test_round_order(void **state)
{
	static const uint32_t want[] = { 1, 1, 1, 2, 1, 1, 1, 2, 2, 1, 1, 1, 2 };
	struct qt *t = qt_new("qdisc add root handle 1: drr\n"
			      "class add parent 1: classid 1:1 drr quantum 3000\n"
			      "class add parent 1: classid 1:2 drr quantum 1500\n");
	size_t i;

	(void)state;
	for (i = 0; i < 20; i++)
		to_class(t, (int)i, 1000, 0x10001 + (uint32_t)(i & 1));
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct itm_pkt *p = qt_deq(t, 0);

		if (class_of(p) != want[i])
			fail_msg("dequeue %zu: class %u, want %u", i, class_of(p),
				 want[i]);
	}
	qt_must(t, "class show -s");
	assert_non_null(strstr(t->out, "class drr 1:2 parent 1: quantum 1500b\n"
				       " Sent 4000 bytes 4 pkt"));
	assert_non_null(strstr(t->out, "Sent 9000 bytes 9 pkt (dropped 0, overlimits 0 requeues 0)\n"
				       " backlog 1000b 1p requeues 0\n deficit 3000\n"));
	assert_non_null(strstr(t->out, " deficit 500\n"));
	qt_del(t);
}

static void test_classification(void **state)
{
	struct qt *t = qt_new("qdisc add root handle 1: drr\n"
			      "class add parent 1: classid 1:1 drr\n"
			      "class add parent 1: classid 1:2 drr\n");
	struct itm_pkt *p;

	(void)state;
	p = qt_pkt(t, 0, 100, 1, 0);
	p->classid = 0x10001;
	p->priority = 0x10002;		/* priority first, as Linux */
	qt_enq(t, p, 0);
	to_class(t, 1, 100, 0x20001);	/* another discipline's class */
	to_class(t, 2, 100, 0x10003);	/* no such class */
	to_class(t, 3, 100, 0x10000);	/* minor 0 */
	assert_int_equal(t->e->drops[ITM_DROP_CLASS], 3);
	assert_int_equal(t->e->root->stats.drops, 3);
	assert_int_equal(t->e->root->stats.qlen, 1);
	assert_ptr_equal(qt_deq(t, 0), p);
	/* a priority naming no class: the class id decides */
	p = qt_pkt(t, 4, 100, 1, 0);
	p->classid = 0x10001;
	p->priority = 0x10009;
	qt_enq(t, p, 0);
	assert_int_equal(t->e->drops[ITM_DROP_CLASS], 3);
	assert_ptr_equal(qt_deq(t, 0), p);
	qt_del(t);
}

/* An emptied class leaves; it returns at the tail with a new quantum. */
static void test_reactivation(void **state)
{
	struct qt *t = qt_new("qdisc add root handle 1: drr\n"
			      "class add parent 1: classid 1:1 drr quantum 1000\n"
			      "class add parent 1: classid 1:2 drr quantum 1000\n");

	(void)state;
	to_class(t, 0, 600, 0x10001);
	to_class(t, 1, 1000, 0x10002);
	to_class(t, 2, 1000, 0x10002);
	assert_int_equal(class_of(qt_deq(t, 0)), 1);	/* 1:1 empty: leaves */
	to_class(t, 3, 1000, 0x10001);			/* back, behind 1:2 */
	assert_int_equal(class_of(qt_deq(t, 0)), 2);
	assert_int_equal(class_of(qt_deq(t, 0)), 1);
	assert_int_equal(class_of(qt_deq(t, 0)), 2);
	assert_null(qt_deq(t, 0));
	qt_del(t);
}

static void test_delete_busy_class(void **state)
{
	struct qt *t = qt_new("qdisc add root handle 1: drr\n"
			      "class add parent 1: classid 1:1 drr\n"
			      "class add parent 1: classid 1:2 drr\n");

	(void)state;
	to_class(t, 0, 100, 0x10001);
	to_class(t, 1, 100, 0x10002);
	to_class(t, 2, 100, 0x10001);
	qt_must(t, "class del classid 1:1");
	assert_int_equal(t->e->drops[ITM_DROP_FLUSH], 2);
	assert_int_equal(t->e->root->stats.qlen, 1);
	assert_int_equal(t->e->root->stats.backlog_bytes, 100);
	assert_ptr_equal(qt_deq(t, 0), &t->pkt[1]);
	assert_null(qt_deq(t, 0));
	to_class(t, 3, 100, 0x10001);
	assert_int_equal(t->e->drops[ITM_DROP_CLASS], 1);
	qt_del(t);
}

/* A lone class owed many rounds gets them at once, not one quantum per
 * pass: a trace may claim a packet of 4 GB, a GSO packet is 64 KB, and a
 * quantum may be 1 byte. The deficit left is what the rounds leave. */
static void test_lone_class_big_packet(void **state)
{
	struct qt *t = qt_new("qdisc add root handle 1: drr\n"
			      "class add parent 1: classid 1:1 drr quantum 1\n");
	struct itm_pkt *p;

	(void)state;
	p = to_class(t, 0, 100, 0x10001);
	p->wirelen = 4000000000u;
	to_class(t, 1, 100, 0x10001);
	assert_ptr_equal(qt_deq(t, 0), p);
	assert_int_equal(class_of(qt_deq(t, 0)), 1);	/* 100 more rounds */
	qt_del(t);
}

/* Two classes, both owed many rounds: the one owed fewer goes first, the
 * other next, as round after round would have it, at once. Class 1:2
 * (quantum 2) needs 1.5e9 rounds for 3e9 bytes, class 1:1 (quantum 1)
 * 4e9 rounds; after 1:2's packet, 1:1 is owed 2.5e9 more. */
static void test_idle_rounds_skipped(void **state)
{
	struct qt *t = qt_new("qdisc add root handle 1: drr\n"
			      "class add parent 1: classid 1:1 drr quantum 1\n"
			      "class add parent 1: classid 1:2 drr quantum 2\n");
	struct itm_pkt *a, *b;

	(void)state;
	a = to_class(t, 0, 100, 0x10001);
	a->wirelen = 4000000000u;
	b = to_class(t, 1, 100, 0x10002);
	b->wirelen = 3000000000u;
	assert_ptr_equal(qt_deq(t, 0), b);
	assert_ptr_equal(qt_deq(t, 0), a);
	assert_null(qt_deq(t, 0));
	qt_del(t);
}

/* An active class whose child was emptied under it (replaced: its
 * packets flushed) does not stop the rounds owed being given at once. */
static void test_idle_rounds_past_an_emptied_class(void **state)
{
	struct qt *t = qt_new("qdisc add root handle 1: drr\n"
			      "class add parent 1: classid 1:1 drr quantum 1\n"
			      "class add parent 1: classid 1:2 drr quantum 1\n"
			      "qdisc add parent 1:2 handle 2: pfifo\n");
	struct itm_pkt *a;

	(void)state;
	a = to_class(t, 0, 100, 0x10001);
	a->wirelen = 4000000000u;
	to_class(t, 1, 100, 0x10002);
	qt_must(t, "qdisc replace parent 1:2 handle 3: pfifo");	/* flushed */
	assert_ptr_equal(qt_deq(t, 0), a);
	assert_null(qt_deq(t, 0));
	qt_del(t);
}

/* A reset resets idle classes' children too: a tbf that went into debt
 * and emptied starts again with a full bucket, as Linux's drr_reset. */
static void test_reset_idle_child(void **state)
{
	struct qt *t = qt_new("qdisc add root handle 1: drr\n"
			      "class add parent 1: classid 1:1 drr\n"
			      "qdisc add parent 1:1 handle 2: tbf rate 1mbit burst 1000 limit 10kb\n");

	(void)state;
	to_class(t, 0, 1000, 0x10001);
	assert_ptr_equal(qt_deq(t, 0), &t->pkt[0]);	/* the whole bucket */
	itm_qdisc_reset(t->e->root);
	to_class(t, 1, 1000, 0x10001);
	assert_ptr_equal(qt_deq(t, 0), &t->pkt[1]);
	qt_del(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shares_by_quantum),
		cmocka_unit_test(test_round_order),
		cmocka_unit_test(test_classification),
		cmocka_unit_test(test_reactivation),
		cmocka_unit_test(test_delete_busy_class),
		cmocka_unit_test(test_reset_idle_child),
		cmocka_unit_test(test_lone_class_big_packet),
		cmocka_unit_test(test_idle_rounds_skipped),
		cmocka_unit_test(test_idle_rounds_past_an_emptied_class),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
