// SPDX-License-Identifier: GPL-2.0-only
/*
 * pie_core.c and pie.c: defaults, the golden probability traces (held
 * delay 30/115/300 ms, decay from 0.5) against a floating-point model and
 * the reference table, the 2 % cap and +2 % above 250 ms, each safeguard,
 * derandomisation bounds, burst allowance drained by dequeue gaps and
 * re-armed, the lazy catch-up equal to a periodic timer, the wide rate
 * estimator at 1 Mbit/s, CE marking with a valid checksum, and the pie
 * discipline's limit, statistics and configuration line.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "qdirect.h"

#include "itm/qdisc.h"
#include "pktbuild.h"
#include "qdisc/pie_core.h"

#define MS UINT64_C(1000000)

static double frac(uint64_t prob)
{
	return (double)prob / (double)PIE_MAX_PROB;
}

static uint64_t rnd_zero(void *ctx)
{
	return 0;	/* every random draw drops */
}

static uint64_t rnd_max(void *ctx)
{
	return UINT64_MAX;	/* no random draw drops */
}

/* ---- a floating-point model of the update, RFC style ---- */

static double model_step(double p, double qd, double qd_old, bool *decay_ok)
{
	double a = 2.0 / 16, b = 20.0 / 16, d, pw = 0.01;

	if (p < 0.1) {
		a /= 2;
		b /= 2;
		while (p < pw && pw >= 1e-6) {
			a /= 4;
			b /= 4;
			pw /= 10;
		}
	}
	d = a * (qd - 0.015) + b * (qd - qd_old);
	if (d > 0.02 && p >= 0.1)
		d = 0.02;
	if (qd > 0.25)
		d += 0.02;
	p += d;
	if (p > 1) {
		p = 1;
		*decay_ok = false;
	}
	return p < 0 ? 0 : p;
}

/* n updates with the delay held at qd seconds, from p0 */
static double model_trace(double p0, double qd, int n)
{
	double p = p0, qd_old = 0;
	int i;

	for (i = 0; i < n; i++) {
		bool decay_ok = true;

		p = model_step(p, qd, qd_old, &decay_ok);
		if (qd == 0 && qd_old == 0 && decay_ok)
			p -= p / 64;
		qd_old = qd;
	}
	return p;
}

/* The integer controller, delay held (timestamp mode, backlog given). */
static uint64_t held_trace(uint64_t prob0, uint64_t qdelay, uint64_t backlog,
			   int n)
{
	struct pie_params p;
	struct pie_vars v;
	int i;

	pie_params_init(&p);
	pie_vars_fresh(&v);
	v.prob = prob0;
	for (i = 0; i < n; i++) {
		v.qdelay = qdelay;
		pie_update_probability(&p, &v, backlog);
	}
	return v.prob;
}

static void assert_rel(double got, double want, double tol, const char *what)
{
	if (want == 0 ? got != 0 : fabs(got - want) / want > tol)
		fail_msg("%s: got %.9g, want %.9g (tolerance %g)", what, got,
			 want, tol);
}

/* ---- tests ---- */

static void test_params_defaults(void **state)
{
	struct pie_params p;
	struct pie_vars v;

	pie_params_init(&p);
	assert_true(p.target_ns == 15 * MS);
	assert_true(p.tupdate_ns == 15 * MS);
	assert_int_equal(p.alpha, 2);
	assert_int_equal(p.beta, 20);
	assert_int_equal(p.mtu, 1514);
	assert_true(p.ecn_prob == PIE_MAX_PROB / 10);
	assert_false(p.ecn || p.bytemode || p.dq_rate_estimator);
	pie_vars_fresh(&v);
	assert_true(v.prob == 0 && v.accu_prob == 0 && v.qdelay == 0);
	assert_true(v.burst_time == 150 * MS);
	assert_true(v.dq_tstamp == PIE_DTIME_INVALID);
	assert_true(v.dq_count == PIE_DQCOUNT_INVALID);
	assert_true(PIE_MAX_PROB == (UINT64_C(1) << 56) - 1);
}

struct golden {
	double qdelay_s;
	int n;
	double table;	/* the reference's 3-figure value (unclamped) */
};

static const struct golden golden[] = {
	{ 0.030, 1, 1.92e-5 }, { 0.030, 10, 2.83e-4 }, { 0.030, 20, 8.69e-4 },
	{ 0.030, 50, 7.37e-3 }, { 0.030, 100, 0.0458 }, { 0.030, 200, 0.179 },
	{ 0.115, 1, 7.63e-5 }, { 0.115, 10, 9.16e-3 }, { 0.115, 20, 0.0670 },
	{ 0.115, 50, 0.404 }, { 0.115, 100, 1.029 }, { 0.115, 200, 2.28 },
	{ 0.300, 1, 0.0202 }, { 0.300, 10, 0.374 }, { 0.300, 20, 0.774 },
	{ 0.300, 50, 1.97 }, { 0.300, 100, 3.97 }, { 0.300, 200, 7.97 },
};

static void test_golden_held_delay(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(golden) / sizeof(golden[0]); i++) {
		const struct golden *g = &golden[i];
		uint64_t qd = (uint64_t)llround(g->qdelay_s * 1e9);
		double got = frac(held_trace(0, qd, 100000, g->n));
		double want = g->table > 1 ? 1.0 : g->table;
		char what[64];

		snprintf(what, sizeof(what), "%.0f ms n=%d", g->qdelay_s * 1e3,
			 g->n);
		assert_rel(got, model_trace(0, g->qdelay_s, g->n), 1e-6, what);
		/* 3 significant figures: half a unit of the last is 0.5 % */
		assert_rel(got, want, 0.005, what);
	}
}

static void test_golden_decay(void **state)
{
	static const struct { int n; double table; } t[] = {
		{ 1, 0.4903 }, { 10, 0.4099 }, { 50, 0.1631 }, { 100, 0.0338 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		double got = frac(held_trace(PIE_MAX_PROB / 2, 0, 0, t[i].n));

		assert_rel(got, model_trace(0.5, 0, t[i].n), 1e-6, "decay");
		assert_rel(got, t[i].table, 0.005, "decay table");
	}
	assert_true(held_trace(PIE_MAX_PROB / 2, 0, 0, 200) == 0);
}

/* At prob >= 10 % a rise is capped at 2 % per update, 4 % above 250 ms. */
static void test_cap(void **state)
{
	uint64_t p0 = PIE_MAX_PROB / 10, two = (PIE_MAX_PROB / 100) * 2;
	struct pie_params p;
	struct pie_vars v;

	assert_true(held_trace(p0, 200 * MS, 100000, 1) == p0 + two);
	assert_true(held_trace(p0, 300 * MS, 100000, 1) ==
		    p0 + two + PIE_MAX_PROB / 50);
	/* just under 10 %: no cap, the full rise */
	assert_true(held_trace(p0 - 1, 200 * MS, 100000, 1) > p0 + two);
	/* clamped at 1.0, never past it */
	assert_true(held_trace(PIE_MAX_PROB - 5, 300 * MS, 1, 3) == PIE_MAX_PROB);
	/* a small rise at high prob is not capped */
	pie_params_init(&p);
	pie_vars_fresh(&v);
	v.prob = PIE_MAX_PROB / 2;
	v.qdelay = v.qdelay_old = 16 * MS;
	pie_update_probability(&p, &v, 100000);
	assert_true(v.prob == PIE_MAX_PROB / 2 +
		    (uint64_t)((__extension__ (unsigned __int128)2 * MS *
				PIE_MAX_PROB) / (UINT64_C(16) * 1000000000)));
}

static struct pie_vars congested(uint64_t prob)
{
	struct pie_vars v;

	pie_vars_fresh(&v);
	v.burst_time = 0;
	v.prob = prob;
	v.qdelay = 20 * MS;
	return v;
}

/* arrivals until the first early drop, at most max */
static int first_drop(const struct pie_params *p, struct pie_vars *v,
		      uint64_t backlog, uint32_t size, pie_rand_fn *rnd,
		      void *ctx, int max)
{
	int k;

	for (k = 1; k <= max; k++) {
		if (pie_drop_early(p, v, backlog, size, rnd, ctx))
			return k;
	}
	return 0;
}

static void test_safeguards(void **state)
{
	struct pie_params p;
	struct pie_vars v;

	pie_params_init(&p);
	/* 1: burst allowance left */
	v = congested(PIE_MAX_PROB / 2);
	v.burst_time = 1;
	assert_int_equal(first_drop(&p, &v, 100000, 1000, rnd_zero, NULL, 100), 0);
	assert_true(v.accu_prob == 0);
	v.burst_time = 0;
	assert_int_equal(first_drop(&p, &v, 100000, 1000, rnd_zero, NULL, 100), 2);
	/* 2: delay under target/2 and prob under 20 % */
	v = congested(PIE_MAX_PROB / 5 - 1);
	v.qdelay = 7500 * 1000 - 1;
	assert_int_equal(first_drop(&p, &v, 100000, 1000, rnd_zero, NULL, 100), 0);
	v.qdelay = 7500 * 1000;		/* not below target/2 */
	assert_int_equal(first_drop(&p, &v, 100000, 1000, rnd_zero, NULL, 100), 5);
	v = congested(PIE_MAX_PROB / 5);	/* prob not below 20 % */
	v.qdelay = 0;
	assert_int_equal(first_drop(&p, &v, 100000, 1000, rnd_zero, NULL, 100), 5);
	/* 3: backlog under 2 x MTU */
	v = congested(PIE_MAX_PROB / 2);
	assert_int_equal(first_drop(&p, &v, 3027, 1000, rnd_zero, NULL, 100), 0);
	assert_int_equal(first_drop(&p, &v, 3028, 1000, rnd_zero, NULL, 100), 2);
}

static void test_derandomisation(void **state)
{
	uint64_t p3 = (PIE_MAX_PROB / 100) * 3, p10 = PIE_MAX_PROB / 10;
	struct pie_rng rng = { 0 };
	struct itm_siphash_key key = { 1, 2 };
	struct pie_params p;
	struct pie_vars v;
	int i, k, lo = 1000, hi = 0;

	pie_params_init(&p);
	/* every draw drops: the first drop is the first eligible arrival */
	v = congested(p3);
	assert_int_equal(first_drop(&p, &v, 100000, 1000, rnd_zero, NULL, 1000),
			 29);	/* ceil(0.85 / 0.03) */
	assert_true(v.accu_prob == 0);
	/* no draw drops: the accumulator forces one at 8.5 */
	v = congested(p3);
	assert_int_equal(first_drop(&p, &v, 100000, 1000, rnd_max, NULL, 1000),
			 284);	/* ceil(8.5 / 0.03) */
	v = congested(p10);	/* 0.1 - 2^-56 * 0.5: 8.5 needs 86 */
	assert_int_equal(first_drop(&p, &v, 100000, 1000, rnd_zero, NULL, 1000), 9);
	v = congested(p10);
	assert_int_equal(first_drop(&p, &v, 100000, 1000, rnd_max, NULL, 1000), 86);
	/* a real source stays within the bounds and uses the range */
	rng.key = &key;
	for (i = 0; i < 200; i++) {
		v = congested(p3);
		k = first_drop(&p, &v, 100000, 1000, pie_rng_next, &rng, 1000);
		assert_true(k >= 29 && k <= 284);
		lo = k < lo ? k : lo;
		hi = k > hi ? k : hi;
	}
	assert_true(lo < 40 && hi > 50);
	/* bytemode: a half-MTU packet counts half */
	p.bytemode = true;
	v = congested(p3);
	assert_int_equal(first_drop(&p, &v, 100000, 757, rnd_zero, NULL, 1000),
			 57);	/* ceil(0.85 / 0.015) */
}

static void test_burst_allowance(void **state)
{
	struct pie_params p;
	struct pie_vars v;

	pie_params_init(&p);
	pie_vars_fresh(&v);
	/* first dequeue: no previous one, nothing drained */
	pie_process_dequeue(&p, &v, 0, 1000, 5000, 100 * MS);
	assert_true(v.burst_time == 150 * MS);
	assert_true(v.qdelay == 100 * MS);
	pie_process_dequeue(&p, &v, 0, 1000, 5000, 160 * MS);
	assert_true(v.burst_time == 90 * MS);
	pie_process_dequeue(&p, &v, 0, 1000, 5000, 250 * MS);
	assert_true(v.burst_time == 0);
	/* the last packet out: delay 0 */
	pie_process_dequeue(&p, &v, 0, 1000, 0, 260 * MS);
	assert_true(v.qdelay == 0);
	/* calm and prob 0: two quiet updates re-arm the allowance */
	pie_update_probability(&p, &v, 0);
	assert_true(v.prob == 0);
	assert_true(v.burst_time == 150 * MS);
	assert_true(v.dq_tstamp == PIE_DTIME_INVALID);
}

static bool same(const struct pie_vars *a, const struct pie_vars *b)
{
	return a->prob == b->prob && a->qdelay == b->qdelay &&
	       a->qdelay_old == b->qdelay_old && a->burst_time == b->burst_time &&
	       a->accu_prob == b->accu_prob;
}

/* Catching up lazily gives what a timer every tupdate would have. */
static void test_lazy_equals_periodic(void **state)
{
	struct pie_params p;
	struct pie_vars lazy, timer;
	uint64_t t;

	pie_params_init(&p);
	pie_vars_fresh(&lazy);
	lazy.prob = PIE_MAX_PROB / 3;
	lazy.qdelay = 40 * MS;
	timer = lazy;
	for (t = 15 * MS; t <= 1000 * MS; t += 15 * MS)
		pie_update_probability(&p, &timer, 20000);
	pie_catch_up(&p, &lazy, 20000, 15 * MS, 1000 * MS);
	assert_true(same(&lazy, &timer));
	assert_true(lazy.next_update == 1005 * MS);
	/* the queue emptied: idle for an hour, decays to the fixed point
	 * and skips the rest */
	lazy.qdelay = timer.qdelay = 0;
	for (t = 1005 * MS; t <= 3600000 * MS + 999 * MS; t += 15 * MS) {
		pie_update_probability(&p, &timer, 0);
		if (timer.prob == 0)
			break;
	}
	pie_catch_up(&p, &lazy, 0, 0, 3600000 * MS + 999 * MS);
	assert_true(lazy.prob == 0 && timer.prob == 0);
	assert_true(same(&lazy, &timer));
	/* next tick on the same grid, just after now */
	assert_true(lazy.next_update == 3600000 * MS + 1005 * MS);
	assert_true((lazy.next_update - 15 * MS) % (15 * MS) == 0);
}

/* 1500-byte packets every 12 ms: 1 Mbit/s, measured and used. */
static void test_rate_estimator_slow_link(void **state)
{
	struct pie_params p;
	struct pie_vars v;
	uint64_t now = 0;
	int i;

	pie_params_init(&p);
	p.dq_rate_estimator = true;
	pie_vars_fresh(&v);
	for (i = 0; i < 1000; i++) {
		now += 12 * MS;
		pie_process_dequeue(&p, &v, 0, 1500, 30000, now);
	}
	assert_rel((double)pie_dq_rate_bps(&v), 125000, 0.01, "rate");
	pie_update_probability(&p, &v, 30000);
	assert_rel((double)v.qdelay, 240e6, 0.01, "delay");
	assert_true(v.burst_time == 0);
}

static void test_set_ce(void **state)
{
	static const uint8_t tos[] = { 0x00, 0x01, 0x02, 0x03, 0xb8 | 2 };
	static const bool ok[] = { false, true, true, true, true };
	struct pb b;
	struct itm_pkt p;
	size_t i;

	for (i = 0; i < sizeof(tos); i++) {
		pb_init(&b);
		pb_eth(&b, 0x0800);
		pb_ipv4(&b, tos[i], 17, "10.0.0.1", "10.0.0.2", 0);
		pb_udp(&b, 1, 2, 100);
		pb_finish(&b, &p);
		assert_int_equal(itm_pkt_set_ce(&p), ok[i]);
		assert_int_equal(b.d[15], ok[i] ? (tos[i] | 3) : tos[i]);
		assert_int_equal(itm_csum_verify(&p), 0);
		assert_int_equal(p.v.outer.tos, b.d[15]);
	}
	pb_init(&b);
	pb_eth(&b, 0x86dd);
	pb_ipv6(&b, 0x01, 17, "2001:db8::1", "2001:db8::2");
	pb_udp(&b, 1, 2, 100);
	pb_finish(&b, &p);
	assert_true(itm_pkt_set_ce(&p));
	assert_int_equal(itm_l3_ecn(&p.v.outer), 3);
	assert_int_equal(itm_csum_verify(&p), 0);
}

/* ---- the pie discipline ---- */

#define NPKT 64

static struct itm_pkt pkts[NPKT];
static int ndrops;
static enum itm_drop_cause last_cause;

static void count_drop(void *ctx, struct itm_pkt *p, enum itm_drop_cause c)
{
	ndrops++;
	last_cause = c;
}

static struct itm_qdisc *make(const char *spec)
{
	char buf[256], *argv[32];
	struct itm_qdisc *q = NULL;
	struct itm_err err;
	int n;

	snprintf(buf, sizeof(buf), "%s", spec);
	n = qd_split(buf, argv);
	if (itm_qdisc_create(&q, n, argv, count_drop, NULL, &err) != 0)
		fail_msg("%s: %s", spec, err.msg);
	q->hash_key = (struct itm_siphash_key){ 7, 8 };
	ndrops = 0;
	return q;
}

static struct itm_pkt *pkt(int i, uint32_t len)
{
	memset(&pkts[i], 0, sizeof(pkts[i]));
	pkts[i].caplen = pkts[i].wirelen = len;
	pkts[i].seq = (uint64_t)i;
	return &pkts[i];
}

static void test_pie_config_line(void **state)
{
	struct itm_qdisc *q = make("pie");

	assert_string_equal(qd_show(q, false, false),
			    "qdisc pie 1: root limit 1000p target 15.0ms "
			    "tupdate 15.0ms alpha 2 beta 20\n");
	itm_qdisc_destroy(q);
	q = make("pie limit 50 target 5ms tupdate 30ms alpha 4 beta 32 ecn "
		 "bytemode dq_rate_estimator");
	assert_string_equal(qd_show(q, false, false),
			    "qdisc pie 1: root limit 50p target 5.0ms "
			    "tupdate 30.0ms alpha 4 beta 32 ecn bytemode "
			    "dq_rate_estimator\n");
	itm_qdisc_destroy(q);
}

static void test_pie_limit_and_stats(void **state)
{
	struct itm_qdisc *q = make("pie limit 3");
	int i;

	for (i = 0; i < 4; i++)
		itm_qdisc_enqueue(q, pkt(i, 100), (uint64_t)i * MS);
	assert_int_equal(ndrops, 1);
	assert_int_equal(last_cause, ITM_DROP_LIMIT);
	assert_int_equal(q->stats.qlen, 3);
	assert_ptr_equal(itm_qdisc_dequeue(q, 10 * MS), &pkts[0]);
	assert_ptr_equal(itm_qdisc_dequeue(q, 20 * MS), &pkts[1]);
	assert_string_equal(qd_show(q, true, false),
			    "qdisc pie 1: root limit 3p target 15.0ms "
			    "tupdate 15.0ms alpha 2 beta 20\n"
			    " Sent 200 bytes 2 pkt (dropped 1, overlimits 0 requeues 0)\n"
			    " backlog 100b 1p requeues 0\n"
			    "  prob 5.79834e-06 delay 19.0ms\n"
			    "  pkts_in 3 overlimit 1 dropped 1 maxq 2 ecn_mark 0\n");
	assert_string_equal(qd_show(q, true, true) + strlen(qd_show(q, true, true)) -
			    strlen(",\"prob\":5.79833984e-06,\"delay\":19000,\"pkts_in\":3,"
				   "\"overlimit\":1,\"dropped\":1,\"maxq\":2,"
				   "\"ecn_mark\":0}"),
			    ",\"prob\":5.79833984e-06,\"delay\":19000,\"pkts_in\":3,"
			    "\"overlimit\":1,\"dropped\":1,\"maxq\":2,"
			    "\"ecn_mark\":0}");
	/* change trims from the head */
	itm_qdisc_enqueue(q, pkt(4, 100), 21 * MS);
	{
		char *argv[] = { "limit", "1" };
		struct itm_err err;

		assert_int_equal(itm_qdisc_change(q, 2, argv, &err), 0);
	}
	assert_int_equal(q->stats.qlen, 1);
	assert_ptr_equal(itm_qdisc_dequeue(q, 30 * MS), &pkts[4]);
	itm_qdisc_destroy(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_params_defaults),
		cmocka_unit_test(test_golden_held_delay),
		cmocka_unit_test(test_golden_decay),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_safeguards),
		cmocka_unit_test(test_derandomisation),
		cmocka_unit_test(test_burst_allowance),
		cmocka_unit_test(test_lazy_equals_periodic),
		cmocka_unit_test(test_rate_estimator_slow_link),
		cmocka_unit_test(test_set_ce),
		cmocka_unit_test(test_pie_config_line),
		cmocka_unit_test(test_pie_limit_and_stats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
