// SPDX-License-Identifier: GPL-2.0-only
/*
 * vif.c: defaults and refusals with their ranges, the shaping cap, shares
 * by weight (1:1, 1:3), strict priority, blocking, borrowing up to ceil and
 * guarantees, a bursting priority VIF taking a capped root (and a ceil
 * bounding it), nesting to depth 8 and not 9, refused deletes, a change that
 * keeps the queue, unclassified packets, and counters that add up
 * (sent + dropped + backlog = enqueued). Rates are measured on a fake
 * clock: every class is kept backlogged (a sent packet comes back to its
 * class) and the tree is dequeued at a link rate, or at the time it names
 * when it holds everything back.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "qtest.h"

#define SEC UINT64_C(1000000000)
#define MBIT UINT64_C(1000000)
#define NCLS 16

static struct itm_pkt *to_class(struct qt *t, int i, uint32_t len,
				uint32_t minor, uint64_t now)
{
	struct itm_pkt *p = qt_pkt(t, i, len, (uint16_t)i, 0);

	p->classid = 0x10000 | minor;
	qt_enq(t, p, now);
	return p;
}

/* `n` packets of `len` bytes queued for each class of `minors`. */
static int fill(struct qt *t, const uint32_t *minors, int nmin, uint32_t len,
		int n)
{
	int i, k = 0;

	for (i = 0; i < n; i++)
		for (int c = 0; c < nmin; c++, k++)
			to_class(t, k, len, minors[c], 0);
	return k;
}

/* Dequeue for `dur` ns on a link of `link_bps`, every sent packet going
 * back to its class unless it is in `once`; bytes[minor] counts what
 * left. */
static uint64_t run_once(struct qt *t, uint64_t now, uint64_t dur,
			 uint64_t link_bps, uint64_t *bytes, uint32_t once)
{
	uint64_t end = now + dur;

	while (now < end) {
		struct itm_pkt *p = qt_deq(t, now);

		if (p) {
			bytes[ITM_H_MIN(p->classid)] += p->caplen;
			now += p->caplen * 8 * SEC / link_bps;
			if (!(once >> ITM_H_MIN(p->classid) & 1))
				qt_enq(t, p, now);
			continue;
		}
		assert_int_not_equal(t->e->root->wake_ns, UINT64_MAX);
		assert_true(t->e->root->wake_ns > now);
		now = t->e->root->wake_ns;
	}
	return now;
}

static uint64_t run(struct qt *t, uint64_t now, uint64_t dur,
		    uint64_t link_bps, uint64_t *bytes)
{
	return run_once(t, now, dur, link_bps, bytes, 0);
}

static double mbit(uint64_t bytes, uint64_t dur)
{
	return (double)bytes * 8 * SEC / (double)dur / 1e6;
}

static void near(double got, double want, double tol, const char *what)
{
	double err = (got - want) / want;

	if (err > tol || err < -tol)
		fail_msg("%s: %.4f, want %.4f +- %.1f %%", what, got, want,
			 tol * 100);
	print_message("%s: %.4f (want %.4f, %+.3f %%)\n", what, got, want,
		      err * 100);
}

static void test_defaults(void **state)
{
	struct qt *t = qt_new("qdisc add root handle 1: vif\n"
			      "class add parent 1: classid 1:1 vif\n");

	(void)state;
	qt_must(t, "qdisc show");
	assert_non_null(strstr(t->out, "qdisc vif 1: root mode wfq\n"
				       "qdisc pfifo 0: parent 1:1 limit 1000p\n"));
	qt_must(t, "class show");
	assert_string_equal(t->out,
			    "class vif 1:1 parent 1: mode wfq weight 1 priority 0\n");
	qt_must(t, "class change classid 1:1 vif bandwidth 2mbit ceil 3mbit");
	qt_must(t, "class show --json");
	assert_non_null(strstr(t->out, "\"parent\":\"1:\",\"options\":{\"bandwidth\":2000000,"
				       "\"ceil\":3000000,\"mode\":\"wfq\",\"weight\":1,\"priority\":0}"));
	qt_del(t);
}

static void test_refusals(void **state)
{
	static const struct {
		const char *cmd;
		int r;
		const char *msg;
	} cases[] = {
		{ "class add parent 1: classid 1:1 vif weight 0", -ERANGE,
		  "weight must be in [1..65535]" },
		{ "class add parent 1: classid 1:1 vif priority 8", -ERANGE,
		  "priority must be in [0..7]" },
		{ "class add parent 1: classid 1:1 vif mode fast", -EINVAL,
		  "\"fast\" is not one of the names" },
		{ "class add parent 1: classid 1:1 vif mode shaping ceil 2mbit", -EINVAL,
		  "vif: ceil is for wfq and pq VIFs; a shaping VIF is capped at its bandwidth" },
		{ "class add parent 1: classid 1:1 vif bandwidth 3mbit ceil 2mbit", -ERANGE,
		  "vif: ceil (2Mbit) must be at least bandwidth (3Mbit)" },
		{ "class add parent 1: classid 1:1 vif bandwidth 4bit", -ERANGE,
		  "vif: bandwidth must be 0 (unlimited) or at least 8bit" },
		{ "class add parent 1:7 classid 1:1 vif", -ENOENT,
		  "vif: no class 1:7 to hang 1:1 from" },
		{ "class add parent 2:1 classid 1:1 vif", -EINVAL,
		  "parent must be 1: or 1:MINOR" },
		{ "class add parent 1: classid 1:3 vif", -EEXIST, "class 1:3 exists" },
		{ "qdisc add parent 1:3 fq_pie", -EBUSY,
		  "class 1:3 has child classes: a qdisc goes on a leaf class" },
		{ "class change classid 1:4 vif mode shaping ceil 1mbit", -EINVAL,
		  "capped at its bandwidth" },
		{ "qdisc change root vif bandwidth 1bit", -ERANGE, "at least 8bit" },
	};
	struct qt *t = qt_new("qdisc add root handle 1: vif\n"
			      "class add parent 1: classid 1:3 vif\n"
			      "class add parent 1:3 classid 1:4 vif bandwidth 1mbit ceil 2mbit\n");
	struct itm_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = qt_cmd(t, cases[i].cmd, &err);

		if (r != cases[i].r || !strstr(err.msg, cases[i].msg))
			fail_msg("\"%s\": %d \"%s\", want %d \"%s\"", cases[i].cmd,
				 r, err.msg, cases[i].r, cases[i].msg);
	}
	/* a refused change leaves the options as they were */
	qt_must(t, "class show");
	assert_non_null(strstr(t->out, "class vif 1:4 parent 1:3 bandwidth 1Mbit ceil 2Mbit mode wfq"));
	qt_del(t);
}

static void test_shaping_cap(void **state)
{
	static const uint32_t m[] = { 1 };
	struct qt *t = qt_new("qdisc add root handle 1: vif\n"
			      "class add parent 1: classid 1:1 vif bandwidth 4mbit mode shaping\n");
	uint64_t bytes[NCLS] = { 0 };

	(void)state;
	fill(t, m, 1, 1500, 50);
	run(t, 0, 30 * SEC, 100 * MBIT, bytes);
	near(mbit(bytes[1], 30 * SEC), 4.0, 0.01, "shaping 4mbit");
	qt_must(t, "class show -s --json");
	assert_non_null(strstr(t->out, "\"rate\":"));
	{
		unsigned long long r = strtoull(strstr(t->out, "\"rate\":") + 7, NULL, 10);

		near((double)r / 1e6, 4.0, 0.01, "rate estimate");
	}
	qt_del(t);
}

/* Under a 10 Mbit/s root, children of weights a and b, all backlogged,
 * with different packet sizes: shares follow bytes, not packets. */
static void shares(uint32_t a, uint32_t b)
{
	static const uint32_t m[] = { 1, 2 };
	char conf[256];
	uint64_t bytes[NCLS] = { 0 };
	struct qt *t;
	double sa = 10.0 * a / (a + b), sb = 10.0 * b / (a + b);

	snprintf(conf, sizeof(conf),
		 "qdisc add root handle 1: vif bandwidth 10mbit\n"
		 "class add parent 1: classid 1:1 vif weight %u\n"
		 "class add parent 1: classid 1:2 vif weight %u\n", a, b);
	t = qt_new(conf);
	fill(t, m, 1, 1500, 20);
	for (int i = 0; i < 20; i++)
		to_class(t, 100 + i, 200, 2, 0);
	run(t, 0, 20 * SEC, 100 * MBIT, bytes);
	near(mbit(bytes[1], 20 * SEC), sa, 0.02, "wfq class 1");
	near(mbit(bytes[2], 20 * SEC), sb, 0.02, "wfq class 2");
	near((double)bytes[1] / (double)bytes[2], (double)a / b, 0.02, "ratio");
	qt_del(t);
}

static void test_wfq_shares(void **state)
{
	(void)state;
	shares(1, 1);
	shares(1, 3);
}

static void test_pq_order(void **state)
{
	struct qt *t = qt_new("qdisc add root handle 1: vif mode pq\n"
			      "class add parent 1: classid 1:1 vif priority 2\n"
			      "class add parent 1: classid 1:2 vif priority 0\n"
			      "class add parent 1: classid 1:3 vif priority 1\n");
	uint32_t last = 0;
	int i;

	(void)state;
	for (i = 0; i < 30; i++)
		to_class(t, i, 1000, 1 + (uint32_t)(i % 3), 0);
	for (i = 0; i < 30; i++) {
		struct itm_pkt *p = qt_deq(t, 0);
		uint32_t prio = (uint32_t[]){ 0, 2, 0, 1 }[ITM_H_MIN(p->classid)];

		assert_true(prio >= last);
		last = prio;
		assert_int_equal(prio, (uint32_t)(i / 10));
	}
	assert_null(qt_deq(t, 0));
	qt_del(t);
}

static void test_block(void **state)
{
	struct qt *t = qt_new("qdisc add root handle 1: vif\n"
			      "class add parent 1: classid 1:3 vif mode block\n"
			      "class add parent 1:3 classid 1:1 vif\n"
			      "class add parent 1: classid 1:2 vif\n");
	struct itm_qstats s;
	int i;

	(void)state;
	for (i = 0; i < 10; i++)
		to_class(t, i, 500, 1 + (uint32_t)(i & 1), 0);
	assert_int_equal(t->e->drops[ITM_DROP_BLOCK], 5);
	assert_int_equal(t->freed, 5);
	for (i = 0; i < 5; i++)
		assert_int_equal(ITM_H_MIN(qt_deq(t, 0)->classid), 2);
	assert_null(qt_deq(t, 0));
	t->e->root->ops->cl->stats(t->e->root, 3, &s);
	assert_int_equal(s.drops, 5);
	assert_int_equal(s.packets, 0);
	/* blocking a VIF that holds packets drops them (flush) */
	for (i = 0; i < 4; i++)
		to_class(t, 20 + i, 500, 2, 0);
	qt_must(t, "class change classid 1:2 vif mode block");
	assert_int_equal(t->e->drops[ITM_DROP_FLUSH], 4);
	assert_null(qt_deq(t, 0));
	qt_must(t, "qdisc change root vif mode block");
	qt_must(t, "class change classid 1:2 vif mode wfq");
	to_class(t, 30, 500, 2, 0);
	assert_int_equal(t->e->drops[ITM_DROP_BLOCK], 6);
	qt_del(t);
}

/* A guaranteed 2 Mbit/s may borrow up to its 4 Mbit/s ceil and no more;
 * its sibling (2 Mbit/s, no ceil) takes the rest of the 10. */
static void test_borrow_ceil(void **state)
{
	static const uint32_t m[] = { 1, 2 };
	struct qt *t = qt_new("qdisc add root handle 1: vif bandwidth 10mbit\n"
			      "class add parent 1: classid 1:1 vif bandwidth 2mbit ceil 4mbit\n"
			      "class add parent 1: classid 1:2 vif bandwidth 2mbit\n");
	uint64_t bytes[NCLS] = { 0 }, alone[NCLS] = { 0 };

	(void)state;
	fill(t, m, 2, 1500, 20);
	run(t, 0, 30 * SEC, 100 * MBIT, bytes);
	near(mbit(bytes[1], 30 * SEC), 4.0, 0.01, "borrower at ceil");
	near(mbit(bytes[2], 30 * SEC), 6.0, 0.01, "sibling");
	qt_del(t);
	/* alone it still stops at ceil, though the root has 10 */
	t = qt_new("qdisc add root handle 1: vif bandwidth 10mbit\n"
		   "class add parent 1: classid 1:1 vif bandwidth 2mbit ceil 4mbit\n"
		   "class add parent 1: classid 1:2 vif bandwidth 2mbit\n");
	fill(t, m, 1, 1500, 20);
	run(t, 0, 30 * SEC, 100 * MBIT, alone);
	near(mbit(alone[1], 30 * SEC), 4.0, 0.01, "borrower alone");
	qt_del(t);
}

/* HTB's rule: guarantees first, then spare by weight: 6 + 1.5, 1 + 1.5. */
static void test_guarantee_then_weight(void **state)
{
	static const uint32_t m[] = { 1, 2 };
	struct qt *t = qt_new("qdisc add root handle 1: vif bandwidth 10mbit\n"
			      "class add parent 1: classid 1:1 vif bandwidth 6mbit\n"
			      "class add parent 1: classid 1:2 vif bandwidth 1mbit\n");
	uint64_t bytes[NCLS] = { 0 };

	(void)state;
	fill(t, m, 2, 1000, 20);
	run(t, 0, 30 * SEC, 100 * MBIT, bytes);
	near(mbit(bytes[1], 30 * SEC), 7.5, 0.01, "guarantee 6 + half of 3");
	near(mbit(bytes[2], 30 * SEC), 2.5, 0.01, "guarantee 1 + half of 3");
	qt_del(t);
}

/* netnice's sample case on tree `conf`: VIFs 1, 2 and 5 backlogged with
 * 1500-byte packets, VIF 4 streaming `stream_mbit` in 1250-byte packets
 * (in packet slots the backlogged classes do not use), 30 s on a link of
 * `link_bps`; bytes[minor] counts what left */
static void sample_case(const char *conf, double stream_mbit,
			uint64_t link_bps, uint64_t *bytes)
{
	static const uint32_t m[] = { 1, 2, 5 };
	struct qt *t = qt_new(conf);
	const uint64_t period = (uint64_t)(1250 * 8 * (double)SEC / (stream_mbit * 1e6));
	uint64_t now = 0, a;
	int k = fill(t, m, 3, 1500, 20), j;

	for (j = 0; (a = (uint64_t)j * period) < 30 * SEC; j++) {
		to_class(t, k + j % (QT_PKTS - k), 1250, 4, a);
		if (now < a + period)
			now = run_once(t, now, a + period - now, link_bps,
				       bytes, 1u << 4);
	}
	qt_del(t);
}

/* netnice's sample: VIF 3 capped at 4 Mbit/s shared 50/50 by VIF 1 and 2,
 * VIF 4 first by priority, VIF 5 capped at 2; the link gives 10. */
static void test_sample_case(void **state)
{
	uint64_t bytes[NCLS] = { 0 }, end = 30 * SEC;

	(void)state;
	sample_case("qdisc add root handle 1: vif mode pq\n"
		    "class add parent 1: classid 1:3 vif bandwidth 4mbit mode shaping priority 1\n"
		    "class add parent 1:3 classid 1:1 vif weight 1\n"
		    "class add parent 1:3 classid 1:2 vif weight 1\n"
		    "class add parent 1: classid 1:4 vif priority 0\n"
		    "class add parent 1: classid 1:5 vif bandwidth 2mbit mode shaping priority 1\n",
		    3.0, 10 * MBIT, bytes);
	near(mbit(bytes[4], end), 3.0, 0.01, "VIF 4 streaming");
	near(mbit(bytes[1] + bytes[2], end), 4.0, 0.01, "VIF 3 cap");
	near(mbit(bytes[1], end), 2.0, 0.01, "VIF 1");
	near(mbit(bytes[2], end), 2.0, 0.01, "VIF 2");
	near(mbit(bytes[5], end), 2.0, 0.01, "VIF 5 cap");
}

/* The live sample case's tree: the root itself capped, in pq mode, on a
 * link much faster than the caps; the shaped VIFs still get their caps */
static void test_sample_case_root_cap(void **state)
{
	uint64_t bytes[NCLS] = { 0 }, end = 30 * SEC;

	(void)state;
	sample_case("qdisc add root handle 1: vif bandwidth 10mbit mode pq\n"
		    "class add parent 1: classid 1:3 vif bandwidth 4mbit mode shaping priority 1\n"
		    "class add parent 1:3 classid 1:1 vif weight 1\n"
		    "class add parent 1:3 classid 1:2 vif weight 1\n"
		    "class add parent 1: classid 1:4 vif bandwidth 2mbit priority 0\n"
		    "class add parent 1: classid 1:5 vif bandwidth 1mbit mode shaping priority 1\n",
		    1.5, 1000 * MBIT, bytes);
	near(mbit(bytes[4], end), 1.5, 0.01, "VIF 4 streaming");
	near(mbit(bytes[1] + bytes[2], end), 4.0, 0.01, "VIF 3 cap");
	near(mbit(bytes[5], end), 1.0, 0.01, "VIF 5 cap");
}

/* The live sample's tree with the stream as iperf3 -b sends it: 88 packets
 * (a 128 KB write) every 0.7 s, 1.5 Mbit/s on average; VIFs 1, 2 and 5
 * greedy. Strict priority lets the stream's VIF, which may borrow up to
 * the root's cap, take the whole capped root for each burst (~106 ms at
 * 10 Mbit/s), and the shaped VIFs do not bank that time: they get ~85 %
 * of their caps. A ceil on the stream's VIF bounds its bursts, and the
 * caps hold. */
static void burst_case(const char *vif4, uint64_t *bytes)
{
	static const uint32_t m[] = { 1, 2, 5 };
	const uint64_t period = 700 * (SEC / 1000);
	char conf[512];
	struct qt *t;
	uint64_t now = 0, a;
	int k, j, i, next = 0;

	snprintf(conf, sizeof(conf),
		 "qdisc add root handle 1: vif bandwidth 10mbit mode pq\n"
		 "class add parent 1: classid 1:3 vif bandwidth 4mbit mode shaping priority 1\n"
		 "class add parent 1:3 classid 1:1 vif weight 1\n"
		 "class add parent 1:3 classid 1:2 vif weight 1\n"
		 "class add parent 1: classid 1:4 vif bandwidth 2mbit priority 0 %s\n"
		 "class add parent 1: classid 1:5 vif bandwidth 1mbit mode shaping priority 1\n",
		 vif4);
	t = qt_new(conf);
	k = fill(t, m, 3, 1500, 20);
	for (j = 0; (a = (uint64_t)j * period) < 28 * SEC; j++) {
		for (i = 0; i < 88; i++)
			to_class(t, k + next++ % (QT_PKTS - k), 1500, 4, a);
		if (now < a + period)
			now = run_once(t, now, a + period - now, 1000 * MBIT,
				       bytes, 1u << 4);
	}
	qt_del(t);
}

static void test_burst_takes_capped_root(void **state)
{
	uint64_t bytes[NCLS] = { 0 }, end = 28 * SEC;
	double v3, v5;

	(void)state;
	burst_case("", bytes);
	near(mbit(bytes[4], end), 1.5086, 0.01, "VIF 4 bursts");
	v3 = mbit(bytes[1] + bytes[2], end);
	v5 = mbit(bytes[5], end);
	print_message("VIF 3 %.4f, VIF 5 %.4f Mbit/s under a bursting priority 0\n", v3, v5);
	assert_true(v3 > 3.2 && v3 < 3.6);
	assert_true(v5 > 0.8 && v5 < 0.9);
	memset(bytes, 0, sizeof(bytes));
	burst_case("ceil 2mbit", bytes);
	near(mbit(bytes[4], end), 1.5086, 0.01, "VIF 4 bursts, ceil 2mbit");
	near(mbit(bytes[1] + bytes[2], end), 4.0, 0.01, "VIF 3 cap");
	near(mbit(bytes[5], end), 1.0, 0.01, "VIF 5 cap");
}

static void test_depth(void **state)
{
	struct qt *t = qt_new("qdisc add root handle 1: vif\n");
	struct itm_err err;
	char cmd[128];
	uint32_t d;

	(void)state;
	for (d = 1; d <= 8; d++) {
		snprintf(cmd, sizeof(cmd), "class add parent 1:%x classid 1:%x vif",
			 d - 1, d);
		qt_must(t, d == 1 ? "class add parent 1: classid 1:1 vif" : cmd);
	}
	assert_int_equal(qt_cmd(t, "class add parent 1:8 classid 1:9 vif", &err),
			 -EINVAL);
	assert_string_equal(err.msg,
			    "vif: class 1:9 would be 9 deep: depth must be in [1..8]");
	/* the deepest leaf carries packets through all eight */
	to_class(t, 0, 700, 8, 0);
	to_class(t, 1, 700, 3, 0);	/* an inner VIF: its first leaf */
	assert_int_equal(ITM_H_MIN(qt_deq(t, 0)->classid), 8);
	assert_int_equal(ITM_H_MIN(qt_deq(t, 0)->classid), 3);
	qt_must(t, "class show -s");
	assert_non_null(strstr(t->out, "class vif 1:1 parent 1: mode wfq weight 1 priority 0\n"
				       " Sent 1400 bytes 2 pkt"));
	assert_non_null(strstr(t->out, "class vif 1:8 parent 1:7 mode wfq weight 1 priority 0\n"
				       " Sent 1400 bytes 2 pkt"));
	qt_must(t, "class show -s --json");
	assert_non_null(strstr(t->out, "{\"class\":\"vif\",\"handle\":\"1:8\",\"parent\":\"1:7\""));
	assert_non_null(strstr(t->out, "\"bytes\":1400,\"packets\":2,\"drops\":0,\"backlog\":0,\"qlen\":0,\"rate\":"));
	qt_del(t);
}

static void test_delete(void **state)
{
	struct qt *t = qt_new("qdisc add root handle 1: vif\n"
			      "class add parent 1: classid 1:3 vif\n"
			      "class add parent 1:3 classid 1:1 vif\n"
			      "class add parent 1:3 classid 1:2 vif\n");
	struct itm_err err;

	(void)state;
	assert_int_equal(qt_cmd(t, "class del classid 1:3", &err), -EBUSY);
	assert_string_equal(err.msg, "vif: class 1:3 has child VIFs: delete them first");
	to_class(t, 0, 100, 1, 0);
	assert_int_equal(qt_cmd(t, "class del classid 1:1", &err), -ENOTEMPTY);
	assert_string_equal(err.msg, "vif: class 1:1 holds 1 packets: not empty");
	assert_int_equal(qt_cmd(t, "class del classid 1:9", &err), -ENOENT);
	qt_must(t, "class del classid 1:2");
	assert_non_null(qt_deq(t, 0));
	qt_must(t, "class del classid 1:1");
	/* 1:3 is a leaf again, with a queue of its own */
	qt_must(t, "qdisc show");
	assert_non_null(strstr(t->out, "qdisc pfifo 0: parent 1:3 limit 1000p\n"));
	to_class(t, 1, 100, 3, 0);
	assert_int_equal(ITM_H_MIN(qt_deq(t, 0)->classid), 3);
	qt_must(t, "class del classid 1:3");
	qt_must(t, "class show");
	assert_string_equal(t->out, "");
	qt_del(t);
}

static void test_change_keeps_queue(void **state)
{
	struct qt *t = qt_new("qdisc add root handle 1: vif\n"
			      "class add parent 1: classid 1:1 vif\n"
			      "qdisc add parent 1:1 handle 10: bfifo limit 100kb\n");
	struct itm_pkt *p[10];
	int i;

	(void)state;
	for (i = 0; i < 10; i++)
		p[i] = to_class(t, i, 1000, 1, 0);
	qt_must(t, "class change classid 1:1 vif bandwidth 8mbit mode shaping weight 5");
	qt_must(t, "qdisc change root vif bandwidth 100mbit mode pq");
	assert_int_equal(t->e->root->stats.qlen, 10);
	for (i = 0; i < 10; i++)
		assert_ptr_equal(qt_deq(t, (uint64_t)i * SEC / 1000), p[i]);
	assert_int_equal(t->freed, 0);
	qt_must(t, "qdisc show");
	assert_non_null(strstr(t->out, "qdisc bfifo 10: parent 1:1"));
	qt_del(t);
}

static void test_unclassified(void **state)
{
	struct qt *t = qt_new("qdisc add root handle 1: vif\n");
	struct itm_pkt *p;

	(void)state;
	to_class(t, 0, 100, 7, 0);	/* no class at all: dropped */
	assert_int_equal(t->e->drops[ITM_DROP_CLASS], 1);
	qt_must(t, "class add parent 1: classid 1:3 vif");
	qt_must(t, "class add parent 1: classid 1:5 vif");
	to_class(t, 1, 100, 7, 0);	/* the first leaf */
	qt_must(t, "qdisc change root vif default 1:5");
	to_class(t, 2, 100, 7, 0);	/* the default class */
	p = qt_pkt(t, 3, 100, 3, 0);
	p->priority = 0x10003;	/* priority names a class before classid */
	p->classid = 0x10005;
	qt_enq(t, p, 0);
	qt_must(t, "class show -s");
	assert_non_null(strstr(t->out, "class vif 1:3 parent 1: mode wfq weight 1 priority 0\n"
				       " Sent 0 bytes 0 pkt (dropped 0, overlimits 0 requeues 0)\n"
				       " backlog 200b 2p"));
	assert_non_null(strstr(t->out, "class vif 1:5 parent 1: mode wfq weight 1 priority 0\n"
				       " Sent 0 bytes 0 pkt (dropped 0, overlimits 0 requeues 0)\n"
				       " backlog 100b 1p"));
	qt_del(t);
}

static void assert_adds_up(struct qt *t, uint32_t minor, uint64_t enq)
{
	struct itm_qstats s;

	t->e->root->ops->cl->stats(t->e->root, minor, &s);
	if (s.packets + s.drops + s.qlen != enq)
		fail_msg("class 1:%x: sent %" PRIu64 " + dropped %" PRIu64
			 " + backlog %" PRIu32 " != enqueued %" PRIu64, minor,
			 s.packets, s.drops, s.qlen, enq);
}

/* Small queues overflow, a blocked VIF drops, a replaced queue flushes:
 * each class still adds up, and the root's drops are theirs. */
static void test_counters_add_up(void **state)
{
	struct qt *t = qt_new("qdisc add root handle 1: vif bandwidth 5mbit\n"
			      "class add parent 1: classid 1:3 vif bandwidth 4mbit mode shaping\n"
			      "class add parent 1:3 classid 1:1 vif\n"
			      "class add parent 1:3 classid 1:2 vif weight 2\n"
			      "class add parent 1: classid 1:4 vif mode block\n"
			      "qdisc add parent 1:1 pfifo limit 5\n"
			      "qdisc add parent 1:2 fq_pie limit 8\n");
	uint64_t enq[NCLS] = { 0 }, now = 0;
	struct itm_qstats s3;
	int i;

	(void)state;
	for (i = 0; i < 3000; i++) {
		uint32_t c = 1 + (uint32_t)(i * 7 % 4);

		to_class(t, i, 300 + (uint32_t)(i * 37 % 1200), c, now);
		enq[c == 3 ? 1 : c]++;	/* inner 1:3 passes it to 1:1 */
		if (i % 3 == 0)
			qt_deq(t, now);
		if (i == 1500)
			qt_must(t, "qdisc replace parent 1:1 bfifo limit 3kb");
		now += SEC / 2000;
	}
	assert_adds_up(t, 1, enq[1]);
	assert_adds_up(t, 2, enq[2]);
	assert_adds_up(t, 3, enq[1] + enq[2]);
	assert_adds_up(t, 4, enq[4]);
	t->e->root->ops->cl->stats(t->e->root, 3, &s3);
	assert_true(s3.drops > 0 && s3.packets > 0);
	assert_int_equal(t->e->root->stats.packets, s3.packets);
	assert_int_equal(t->e->root->stats.qlen, s3.qlen);
	assert_int_equal(t->e->root->stats.drops, s3.drops + enq[4]);
	assert_int_equal(t->e->drops[ITM_DROP_BLOCK], enq[4]);
	qt_del(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_shaping_cap),
		cmocka_unit_test(test_wfq_shares),
		cmocka_unit_test(test_pq_order),
		cmocka_unit_test(test_block),
		cmocka_unit_test(test_borrow_ceil),
		cmocka_unit_test(test_guarantee_then_weight),
		cmocka_unit_test(test_sample_case),
		cmocka_unit_test(test_sample_case_root_cap),
		cmocka_unit_test(test_burst_takes_capped_root),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_delete),
		cmocka_unit_test(test_change_keeps_queue),
		cmocka_unit_test(test_unclassified),
		cmocka_unit_test(test_counters_add_up),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
