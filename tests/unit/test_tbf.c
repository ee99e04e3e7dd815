// SPDX-License-Identifier: GPL-2.0-only
/*
 * tbf.c: exact departure times of a token bucket (first burst, then one
 * packet per cost), the watchdog time it reports, overlimits, a packet
 * larger than the burst, limit from latency, validation, and a change
 * keeping (and trimming) the queue.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "qtest.h"

#define MS 1000000ull
#define US 1000ull

/* Dequeue at each time the shaper names until `n` packets have left;
 * records when each left. */
static void drain(struct qt *t, uint64_t now, int n, uint64_t *when)
{
	int got = 0;

	while (got < n) {
		struct itm_pkt *p = qt_deq(t, now);

		if (p) {
			when[got++] = now;
			continue;
		}
		assert_true(t->e->root->wake_ns > now);
		assert_true(t->e->root->wake_ns != UINT64_MAX);
		now = t->e->root->wake_ns;
	}
}

static void test_departures(void **state)
{
	/* 1 Mbit/s: 1000 B cost 8 ms; bucket 1514 B = 12.112 ms of credit */
	struct qt *t = qt_new("qdisc add root tbf rate 1mbit burst 1514 limit 200kb\n");
	uint64_t when[100];
	int i;

	(void)state;
	for (i = 0; i < 100; i++)
		qt_enq(t, qt_pkt(t, i, 1000, 1, 0), 0);
	drain(t, 0, 100, when);
	assert_int_equal(when[0], 0);
	assert_int_equal(when[1], 3888 * US);	/* (1000 - 514) B at 1 Mbit/s */
	for (i = 2; i < 100; i++)
		assert_int_equal(when[i], 3888 * US + (uint64_t)(i - 1) * 8 * MS);
	assert_int_equal(t->e->root->stats.packets, 100);
	assert_true(t->e->root->stats.overlimits >= 99);
	assert_null(qt_deq(t, when[99]));
	assert_int_equal(t->e->root->wake_ns, UINT64_MAX);
	qt_del(t);
}

/* Credit builds up while idle, but never past the bucket. */
static void test_idle_credit(void **state)
{
	struct qt *t = qt_new("qdisc add root tbf rate 8mbit burst 3000 limit 100kb\n");
	uint64_t when[4];
	int i;

	(void)state;
	qt_enq(t, qt_pkt(t, 0, 3000, 1, 0), 0);
	drain(t, 0, 1, when);		/* the whole bucket */
	for (i = 1; i <= 4; i++)
		qt_enq(t, qt_pkt(t, i, 1000, 1, 0), 10 * MS);
	/* 10 ms idle refill 3 ms of credit (the bucket): 3 packets at once */
	drain(t, 10 * MS, 4, when);
	assert_int_equal(when[0], 10 * MS);
	assert_int_equal(when[1], 10 * MS);
	assert_int_equal(when[2], 10 * MS);
	assert_int_equal(when[3], 11 * MS);
	qt_del(t);
}

/* A packet over the burst (GSO) waits for a full bucket and leaves it in
 * debt: 3000 B then 1000 B at 1 Mbit/s with an 8 ms bucket. */
static void test_larger_than_burst(void **state)
{
	struct qt *t = qt_new("qdisc add root tbf rate 1mbit burst 1000 limit 10kb\n");
	uint64_t when[3];

	(void)state;
	qt_enq(t, qt_pkt(t, 0, 3000, 1, 0), 5 * MS);
	qt_enq(t, qt_pkt(t, 1, 1000, 1, 0), 5 * MS);
	drain(t, 5 * MS, 2, when);
	assert_int_equal(when[0], 5 * MS);		/* the bucket was full */
	assert_int_equal(when[1], 5 * MS + 24 * MS);	/* debt 16 ms + 8 ms */
	qt_enq(t, qt_pkt(t, 2, 3000, 1, 0), 100 * MS);	/* idle: full again */
	drain(t, 100 * MS, 1, when);
	assert_int_equal(when[0], 100 * MS);
	assert_int_equal(t->e->drops[ITM_DROP_LIMIT], 0);
	qt_del(t);
}

static void test_limit(void **state)
{
	struct qt *t = qt_new("qdisc add root tbf rate 1mbit burst 1000 limit 2500\n");

	(void)state;
	qt_enq(t, qt_pkt(t, 1, 1000, 1, 0), 0);
	qt_enq(t, qt_pkt(t, 2, 1000, 1, 0), 0);
	qt_enq(t, qt_pkt(t, 3, 1000, 1, 0), 0);	/* over 2500 bytes */
	assert_int_equal(t->e->drops[ITM_DROP_LIMIT], 1);
	assert_int_equal(t->e->root->stats.qlen, 2);
	assert_int_equal(t->e->root->stats.drops, 1);
	qt_del(t);
}

/* The head packet tbf waits on (peeked from the child) still counts
 * towards the child's limit, and is the oldest one a head drop takes. */
static void test_limit_counts_waiting_head(void **state)
{
	struct qt *t = qt_new("qdisc add root tbf rate 1mbit burst 1000 limit 2500\n");
	uint64_t when[2];

	(void)state;
	qt_enq(t, qt_pkt(t, 0, 1000, 1, 0), 0);
	qt_enq(t, qt_pkt(t, 1, 1000, 1, 0), 0);
	assert_ptr_equal(qt_deq(t, 0), &t->pkt[0]);	/* the burst */
	assert_null(qt_deq(t, 0));			/* pkt 1 waits */
	qt_enq(t, qt_pkt(t, 2, 1000, 1, 0), 0);
	qt_enq(t, qt_pkt(t, 3, 1000, 1, 0), 0);	/* 3000 > 2500 bytes */
	assert_int_equal(t->e->drops[ITM_DROP_LIMIT], 1);
	assert_int_equal(t->e->root->stats.qlen, 2);
	qt_del(t);

	t = qt_new("qdisc add root handle 1: tbf rate 1mbit burst 1000 limit 10kb\n"
		   "qdisc add parent 1:1 handle 2: pfifo_head_drop limit 2\n");
	qt_enq(t, qt_pkt(t, 0, 1000, 1, 0), 0);
	qt_enq(t, qt_pkt(t, 1, 1000, 1, 0), 0);
	assert_ptr_equal(qt_deq(t, 0), &t->pkt[0]);
	qt_enq(t, qt_pkt(t, 2, 1000, 1, 0), 0);
	assert_null(qt_deq(t, 0));			/* pkt 1 waits */
	qt_enq(t, qt_pkt(t, 3, 1000, 1, 0), 0);	/* drops pkt 1, the oldest */
	assert_int_equal(t->e->drops[ITM_DROP_LIMIT], 1);
	assert_int_equal(t->e->root->stats.qlen, 2);
	assert_ptr_equal(qt_deq(t, 8 * MS), &t->pkt[2]);
	drain(t, 8 * MS, 1, when);
	assert_int_equal(t->e->root->stats.qlen, 0);
	qt_del(t);
}

static void test_latency_and_change(void **state)
{
	struct qt *t = qt_new("qdisc add root tbf rate 800kbit burst 1500 latency 100ms\n");
	struct itm_err err;
	int i;

	(void)state;
	qt_must(t, "qdisc show");
	/* 800 kbit/s x 100 ms = 10000 B, plus the burst */
	assert_string_equal(t->out,
		"qdisc tbf 1: root rate 800Kbit burst 1500b latency 100.0ms\n"
		"qdisc bfifo 0: parent 1:1 limit 11500b\n");
	for (i = 0; i < 10; i++)
		qt_enq(t, qt_pkt(t, i, 1000, 1, 0), 0);
	assert_int_equal(t->e->root->stats.qlen, 10);
	assert_int_equal(qt_cmd(t, "qdisc change root tbf rate 0", &err), -EINVAL);
	assert_string_equal(err.msg, "tbf: rate and burst are required");
	assert_int_equal(qt_cmd(t, "qdisc change root tbf rate 4", &err), -ERANGE);
	assert_int_equal(t->e->root->stats.qlen, 10);
	/* a shorter queue keeps what fits */
	qt_must(t, "qdisc change root tbf latency 0 limit 4000");
	assert_int_equal(t->e->root->stats.qlen, 4);
	assert_int_equal(t->e->drops[ITM_DROP_LIMIT], 6);
	qt_must(t, "qdisc show");
	assert_string_equal(t->out,
		"qdisc tbf 1: root rate 800Kbit burst 1500b limit 4000b\n"
		"qdisc bfifo 0: parent 1:1 limit 4000b\n");
	qt_del(t);
}

static void test_create_errors(void **state)
{
	static const struct {
		const char *conf, *msg;
	} c[] = {
		{ "qdisc add root tbf rate 1mbit\n", "t:1: tbf: rate and burst are required" },
		{ "qdisc add root tbf rate 1mbit burst 2kx\n",
		  "t:1: \"2kx\": burst: \"2kx\" is not a size" },
		{ "qdisc add root tbf rate 1mbit burst 2kb\n",
		  "t:1: tbf: limit or latency is required" },
		{ "qdisc add root tbf rate 1mbit burst 2kb limit 1 latency 1ms\n",
		  "t:1: tbf: give limit or latency, not both" },
		{ "qdisc add root tbf rate 1mbit burst 2kb latency 61s\n",
		  "t:1: \"61s\": latency must be in [0us..60.0s]" },
		/* the queue latency makes is too long for a bfifo: the
		 * error names the option, not the number derived from it */
		{ "qdisc add root tbf rate 1tbit burst 4gb latency 60s\n",
		  "t:1: \"latency\": tbf: rate x latency + burst is 7504294967296b, "
		  "above the largest limit 1099511627776b" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct itm_engine *e = NULL;
		char msg[256];
		int rc = itm_config_load_buf("t", c[i].conf, strlen(c[i].conf), &e,
					     msg, sizeof(msg));

		if (rc >= 0 || strncmp(msg, c[i].msg, strlen(c[i].msg)))
			fail_msg("%s: rc %d \"%s\", want \"%s\"", c[i].conf, rc, msg,
				 c[i].msg);
		assert_null(e);
	}
}

/* Shape, and fair-queue under the shaper: the child decides the order. */
static void test_child_discipline(void **state)
{
	struct qt *t = qt_new("qdisc add root handle 1: tbf rate 1mbit burst 1000 limit 10kb\n"
			      "qdisc add parent 1:1 handle 2: prio\n");
	uint64_t when[3];
	struct itm_pkt *p;

	(void)state;
	qt_enq(t, qt_pkt(t, 0, 1000, 1, 0), 0);
	qt_enq(t, qt_pkt(t, 1, 1000, 2, 0x20), 0);	/* CS1: band 2 */
	qt_enq(t, qt_pkt(t, 2, 1000, 3, 0xb8), 0);	/* EF: band 0 */
	p = qt_deq(t, 0);
	assert_ptr_equal(p, &t->pkt[2]);	/* the child's first */
	drain(t, 0, 2, when);
	assert_int_equal(when[0], 8 * MS);
	assert_int_equal(when[1], 16 * MS);
	qt_del(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_departures),
		cmocka_unit_test(test_idle_credit),
		cmocka_unit_test(test_larger_than_burst),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_limit_counts_waiting_head),
		cmocka_unit_test(test_latency_and_change),
		cmocka_unit_test(test_create_errors),
		cmocka_unit_test(test_child_discipline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
