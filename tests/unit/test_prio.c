// SPDX-License-Identifier: GPL-2.0-only
/*
 * prio.c: strict order by band, the band from DSCP rank, from the packet's
 * priority, or named by priority/class; the priomap and its checks; the
 * per-band ECN threshold (CE on ECT only, valid checksum); a shaped band
 * not blocking the others.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "itm/csum.h"
#include "qtest.h"

#define TOS_EF 0xb8
#define TOS_CS1 0x20
#define TOS_CS6 0xc0

static void expect_order(struct qt *t, const int *idx, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		struct itm_pkt *p = qt_deq(t, 0);

		assert_non_null(p);
		if (p != &t->pkt[idx[i]])
			fail_msg("dequeue %d: packet %d, want %d", i,
				 (int)(p - t->pkt), idx[i]);
	}
	assert_null(qt_deq(t, 0));
}

static void test_dscp_bands(void **state)
{
	static const int order[] = { 2, 4, 1, 3, 0 };
	struct qt *t = qt_new("qdisc add root prio\n");

	(void)state;
	qt_enq(t, qt_pkt(t, 0, 100, 1, TOS_CS1), 0);	/* rank 0: band 2 */
	qt_enq(t, qt_pkt(t, 1, 100, 1, 0), 0);		/* rank 1: band 1 */
	qt_enq(t, qt_pkt(t, 2, 100, 1, TOS_EF), 0);	/* rank 6: band 0 */
	qt_enq(t, qt_pkt(t, 3, 100, 1, 0x01), 0);	/* ECT(1) is not a DSCP */
	qt_enq(t, qt_pkt(t, 4, 100, 1, TOS_CS6), 0);	/* rank 7: band 0 */
	expect_order(t, order, 5);
	qt_must(t, "class show -s");
	assert_non_null(strstr(t->out, "class prio 1:1 parent 1:\n Sent 200 bytes 2 pkt"));
	assert_non_null(strstr(t->out, "class prio 1:3 parent 1:\n Sent 100 bytes 1 pkt"));
	qt_del(t);
}

static void test_priority_and_names(void **state)
{
	static const int order[] = { 1, 2, 0, 3 };
	struct qt *t = qt_new("qdisc add root handle 5: prio bands 4 rank priority priomap 3,3,2,2,1,1,0,0\n");

	(void)state;
	qt_pkt(t, 0, 100, 1, TOS_EF)->priority = 2;	/* band 2: DSCP ignored */
	qt_pkt(t, 1, 100, 1, 0)->priority = 7;		/* band 0 */
	qt_pkt(t, 2, 100, 1, 0)->classid = 0x50002;	/* names band 1 */
	qt_pkt(t, 3, 100, 1, 0)->classid = 0x60001;	/* another's: map */
	t->pkt[3].priority = 0;		/* rank 0: band 3 */
	qt_enq(t, &t->pkt[0], 0);
	qt_enq(t, &t->pkt[1], 0);
	qt_enq(t, &t->pkt[2], 0);
	qt_enq(t, &t->pkt[3], 0);
	expect_order(t, order, 4);
	qt_del(t);
}

/* With rank priority, a priority that is no rank 0..7 (a class id meant
 * for another discipline, say a VIF's) is best effort, rank 1: band 3 by
 * this map, not the most urgent band. */
static void test_priority_past_ranks(void **state)
{
	static const int order[] = { 1, 0, 2 };
	struct qt *t = qt_new("qdisc add root handle 5: prio bands 4 rank priority priomap 3,3,2,2,1,1,0,0\n");

	(void)state;
	qt_pkt(t, 0, 100, 1, TOS_EF)->priority = 0x10003;	/* rank 1: band 3 */
	qt_pkt(t, 1, 100, 1, 0)->priority = 6;			/* band 0 */
	qt_pkt(t, 2, 100, 1, 0)->priority = 8;			/* rank 1: band 3 */
	qt_enq(t, &t->pkt[0], 0);
	qt_enq(t, &t->pkt[1], 0);
	qt_enq(t, &t->pkt[2], 0);
	expect_order(t, order, 3);
	qt_del(t);
}

static void test_priomap(void **state)
{
	struct qt *t = qt_new("qdisc add root prio bands 2\n");
	struct itm_err err;

	(void)state;
	qt_must(t, "qdisc show");
	/* the default map is folded into two bands */
	assert_string_equal(t->out,
		"qdisc prio 1: root bands 2 rank dscp priomap 1,1,1,1,0,0,0,0\n"
		"qdisc pfifo 0: parent 1:1 limit 1000p\n"
		"qdisc pfifo 0: parent 1:2 limit 1000p\n");
	assert_int_equal(qt_cmd(t, "qdisc change root prio priomap 0,1,2,0,0,0,0,0", &err), -ERANGE);
	assert_string_equal(err.msg, "prio: priomap sends rank 2 to band 2, but bands are 0..1");
	assert_int_equal(qt_cmd(t, "qdisc change root prio priomap 0,1,1", &err), -EINVAL);
	assert_string_equal(err.msg, "priomap: \"0,1,1\" is not 8 numbers separated by commas, each within range");
	assert_int_equal(qt_cmd(t, "qdisc change root prio priomap 0,1,1,1,1,1,1,16", &err), -EINVAL);
	assert_int_equal(qt_cmd(t, "qdisc change root prio priomap 0,1,1,1,1,1,1,1,", &err), -EINVAL);
	qt_must(t, "qdisc change root prio priomap 0,0,0,0,0,0,0,1");
	qt_must(t, "qdisc show");
	assert_non_null(strstr(t->out, "priomap 0,0,0,0,0,0,0,1\n"));
	qt_del(t);
}

/* Only the default map is folded: a map given at creation that names a
 * band that does not exist is refused, as by change, even when it reads
 * like the default. */
static void test_priomap_given_not_folded(void **state)
{
	struct qt *t = qt_new("");
	struct itm_err err;

	(void)state;
	assert_int_equal(qt_cmd(t, "qdisc add root prio bands 2 priomap 2,1,1,1,0,0,0,0", &err), -ERANGE);
	assert_string_equal(err.msg, "prio: priomap sends rank 0 to band 2, but bands are 0..1");
	assert_int_equal(qt_cmd(t, "qdisc add root prio bands 2 priomap 0,1,2,0,0,0,0,0", &err), -ERANGE);
	qt_must(t, "qdisc add root prio bands 2 priomap 1,1,1,1,1,1,0,0");
	qt_must(t, "qdisc show");
	assert_non_null(strstr(t->out, "bands 2 rank dscp priomap 1,1,1,1,1,1,0,0\n"));
	/* three bands or more: the default map as it is */
	qt_must(t, "qdisc replace root prio bands 3");
	qt_must(t, "qdisc show");
	assert_non_null(strstr(t->out, "bands 3 rank dscp priomap 2,1,1,1,0,0,0,0\n"));
	qt_del(t);
}

static void test_ecn_threshold(void **state)
{
	struct qt *t = qt_new("qdisc add root prio\n"
			      "class change classid 1:2 prio ecn_thresh 2000\n");
	struct itm_pkt *p;
	int i;

	(void)state;
	qt_enq(t, qt_pkt(t, 0, 1000, 1, 0x02), 0);	/* ECT(0) */
	qt_enq(t, qt_pkt(t, 1, 1000, 1, 0x02), 0);
	qt_enq(t, qt_pkt(t, 2, 1000, 1, 0x02), 0);	/* backlog 2000: mark */
	qt_enq(t, qt_pkt(t, 3, 1000, 1, 0x00), 0);	/* not-ECT: left */
	qt_enq(t, qt_pkt(t, 4, 1000, 1, 0x01), 0);	/* ECT(1): mark */
	qt_enq(t, qt_pkt(t, 5, 1000, 1, 0xb9), 0);	/* band 0: no threshold */
	assert_int_equal(t->pkt[0].v.outer.tos & 3, 2);
	assert_int_equal(t->pkt[1].v.outer.tos & 3, 2);
	assert_int_equal(t->pkt[2].v.outer.tos & 3, 3);
	assert_int_equal(t->pkt[3].v.outer.tos & 3, 0);
	assert_int_equal(t->pkt[4].v.outer.tos & 3, 3);
	assert_int_equal(t->pkt[5].v.outer.tos & 3, 1);
	assert_int_equal(t->data[2][15], 0x03);		/* on the wire too */
	qt_must(t, "class show -s");
	assert_non_null(strstr(t->out, "class prio 1:2 parent 1: ecn_thresh 2000b\n"));
	assert_non_null(strstr(t->out, "  ecn_mark 2\n"));
	for (i = 0; i < 6; i++) {
		p = qt_deq(t, 0);
		assert_non_null(p);
		p->caplen = 42;		/* the bytes really built */
		assert_int_equal(itm_csum_verify(p), 0);
	}
	qt_del(t);
}

/* A shaper in band 0 holding its packet back lets band 1 through. */
static void test_shaped_band(void **state)
{
	struct qt *t = qt_new("qdisc add root handle 1: prio\n"
			      "qdisc add parent 1:1 tbf rate 1mbit burst 1000 limit 10kb\n");
	struct itm_pkt *p;

	(void)state;
	qt_enq(t, qt_pkt(t, 0, 1000, 1, TOS_EF), 0);
	qt_enq(t, qt_pkt(t, 1, 1000, 1, TOS_EF), 0);
	qt_enq(t, qt_pkt(t, 2, 1000, 1, 0), 0);
	assert_ptr_equal(qt_deq(t, 0), &t->pkt[0]);
	p = qt_deq(t, 0);
	assert_ptr_equal(p, &t->pkt[2]);
	assert_null(qt_deq(t, 0));
	assert_int_equal(t->e->root->wake_ns, 8000000);
	assert_ptr_equal(qt_deq(t, 8000000), &t->pkt[1]);
	qt_del(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dscp_bands),
		cmocka_unit_test(test_priority_and_names),
		cmocka_unit_test(test_priority_past_ranks),
		cmocka_unit_test(test_priomap),
		cmocka_unit_test(test_priomap_given_not_folded),
		cmocka_unit_test(test_ecn_threshold),
		cmocka_unit_test(test_shaped_band),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
