// SPDX-License-Identifier: GPL-2.0-only
/*
 * itmroute's path estimates and choice (src/apps/itmroute/route.c) on fake
 * times: the EWMA, lost and stray probes, down paths, and the hysteresis
 * that keeps a route from flapping.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "route.h"

#define MS 1000000ull
#define SEC 1000000000ull

/* A linked to B and C; the route from A to B: direct, via C. */
static void setup(struct topo *t, struct route *r, struct path_cfg *c)
{
	memset(t, 0, sizeof(*t));
	t->n_nodes = 3;
	t->self = 0;
	t->link[0] = 1u << 1 | 1u << 2;
	t->link[1] = 1u << 0 | 1u << 2;
	t->link[2] = 1u << 0 | 1u << 1;
	route_init(r, t, 1);
	path_cfg_default(c);
}

/* One probe on path i at @now answered after @rtt (as the prober sees it). */
static void probe(struct route *r, const struct path_cfg *c, int i,
		  uint64_t now, uint64_t rtt)
{
	uint32_t seq = path_probe_sent(&r->path[i], c, now);

	assert_int_equal(path_probe_acked(&r->path[i], c, seq, now, rtt,
					  now + rtt), 0);
}

/* Both paths probed every 100 ms from @from to @to; returns switches. */
static int run(struct route *r, const struct path_cfg *c, uint64_t from,
	       uint64_t to, uint64_t direct_rtt, uint64_t relay_rtt)
{
	uint64_t t;
	int n = 0;

	for (t = from; t < to; t += 100 * MS) {
		probe(r, c, 0, t, direct_rtt);
		probe(r, c, 1, t, relay_rtt);
		n += route_choose(r, c, t + 50 * MS);
	}
	return n;
}

static void test_paths(void **state)
{
	struct path_cfg c;
	struct route r;
	struct topo t;

	setup(&t, &r, &c);
	assert_int_equal(r.node, 1);
	assert_int_equal(r.n_paths, 2);
	assert_int_equal(r.path[0].relay, PATH_DIRECT);
	assert_int_equal(r.path[1].relay, 2);	/* not via B itself */
	assert_int_equal(r.cur, 0);
}

static void test_ewma(void **state)
{
	struct path_cfg c;
	struct route r;
	struct topo t;

	setup(&t, &r, &c);
	probe(&r, &c, 0, SEC, 8 * MS);
	assert_true(r.path[0].srtt_ns == 8 * MS);	/* the first sample */
	probe(&r, &c, 0, 2 * SEC, 16 * MS);
	assert_true(r.path[0].srtt_ns == 10 * MS);	/* gain 1/4 */
	probe(&r, &c, 0, 3 * SEC, 2 * MS);
	assert_true(r.path[0].srtt_ns == 8 * MS);
	/* a sample is capped at the timeout */
	probe(&r, &c, 0, 4 * SEC, 9 * SEC);
	assert_true(r.path[0].srtt_ns == 8 * MS + (c.timeout_ns - 8 * MS) / 4);
	assert_true(r.path[0].sent == 4 && r.path[0].acked == 4);
}

static void test_stray_and_lost(void **state)
{
	struct path_cfg c;
	struct route r;
	struct topo t;
	struct path *p;
	uint32_t seq;
	int i;

	setup(&t, &r, &c);
	p = &r.path[0];
	seq = path_probe_sent(p, &c, SEC);
	/* not in flight, or in flight with another send time: stray */
	assert_int_equal(path_probe_acked(p, &c, seq + 1, SEC, MS, SEC + MS), -ENOENT);
	assert_int_equal(path_probe_acked(p, &c, seq, SEC + 1, MS, SEC + MS), -ENOENT);
	assert_int_equal(path_probe_acked(p, &c, 0, 0, MS, SEC + MS), -ENOENT);
	assert_true(p->stray == 3 && p->acked == 0);
	assert_int_equal(path_probe_acked(p, &c, seq, SEC, MS, SEC + MS), 0);
	assert_int_equal(path_probe_acked(p, &c, seq, SEC, MS, SEC + MS), -ENOENT);
	/* unanswered past the timeout: lost, and a sample of the timeout */
	path_probe_sent(p, &c, 2 * SEC);
	path_expire(p, &c, 2 * SEC + c.timeout_ns - 1);
	assert_true(p->lost == 0);
	path_expire(p, &c, 2 * SEC + c.timeout_ns);
	assert_true(p->lost == 1);
	assert_true(p->srtt_ns == MS + (c.timeout_ns - MS) / 4);
	/* a full window loses its oldest */
	for (i = 0; i < PATH_WINDOW + 2; i++)
		path_probe_sent(p, &c, 5 * SEC + (uint64_t)i);
	assert_true(p->lost == 3);
}

/* Probes every 100 ms: eight leave within the 1 s timeout, so a lost one
 * leaves the full window before it times out, and counts all the same. */
static void test_window_loss_is_a_sample(void **state)
{
	struct path_cfg c;
	struct route r;
	struct topo t;
	struct path *p;
	uint64_t now = SEC;
	int i;

	setup(&t, &r, &c);
	p = &r.path[0];
	probe(&r, &c, 0, now, MS);
	for (i = 0; i <= PATH_WINDOW; i++) {
		now += 100 * MS;
		path_expire(p, &c, now);
		path_probe_sent(p, &c, now);
	}
	assert_true(p->lost == 1);
	assert_true(p->srtt_ns == MS + (c.timeout_ns - MS) / 4);
}

static void test_down(void **state)
{
	struct path_cfg c;
	struct route r;
	struct topo t;

	setup(&t, &r, &c);
	assert_false(path_down(&r.path[0], &c, 100 * SEC));	/* never probed */
	path_probe_sent(&r.path[0], &c, SEC);
	assert_false(path_down(&r.path[0], &c, SEC + c.down_ns - 1));
	assert_true(path_down(&r.path[0], &c, SEC + c.down_ns));
	probe(&r, &c, 0, 10 * SEC, MS);
	assert_false(path_down(&r.path[0], &c, 10 * SEC + c.down_ns));
	assert_true(path_down(&r.path[0], &c, 10 * SEC + MS + c.down_ns));
	/* a time before the last acknowledgement is not "long after" it */
	assert_false(path_down(&r.path[0], &c, 5 * SEC));
}

/* Alike paths: direct stays; a relay a bit faster does not win either. */
static void test_direct_preferred(void **state)
{
	struct path_cfg c;
	struct route r;
	struct topo t;

	setup(&t, &r, &c);
	assert_int_equal(run(&r, &c, SEC, 10 * SEC, MS, MS), 0);
	assert_int_equal(run(&r, &c, 10 * SEC, 20 * SEC, 3 * MS, MS), 0);
	assert_int_equal(r.cur, 0);
	/* at startup, a relay answering first does not take the route */
	setup(&t, &r, &c);
	probe(&r, &c, 1, SEC, MS);
	path_probe_sent(&r.path[0], &c, SEC);
	assert_false(route_choose(&r, &c, SEC + 500 * MS));
	assert_int_equal(r.cur, 0);
}

/* A slow direct path: the relay wins after `hold`, not before. */
static void test_switch_after_hold(void **state)
{
	struct path_cfg c;
	struct route r;
	struct topo t;

	setup(&t, &r, &c);
	run(&r, &c, SEC, 5 * SEC, MS, MS);
	/* the direct estimate climbs; the relay is better from some time T */
	run(&r, &c, 5 * SEC, 5 * SEC + 300 * MS, 300 * MS, MS);
	assert_int_equal(r.cur, 0);
	assert_true(r.cand == 1);
	run(&r, &c, 5 * SEC + 300 * MS, 5 * SEC + 900 * MS, 300 * MS, MS);
	assert_int_equal(r.cur, 0);
	assert_true(r.cand_since == 5 * SEC + 50 * MS);
	run(&r, &c, 5 * SEC + 900 * MS, 6 * SEC, 300 * MS, MS);
	assert_int_equal(r.cur, 0);	/* 0.95 s */
	run(&r, &c, 6 * SEC, 6 * SEC + 100 * MS, 300 * MS, MS);
	assert_int_equal(r.cur, 1);	/* 1 s: 6.05 */
	assert_true(r.switches == 1);
	/* and back once direct is fast again, again after `hold` */
	assert_int_equal(run(&r, &c, 7 * SEC, 20 * SEC, MS, MS), 1);
	assert_int_equal(r.cur, 0);
	assert_true(r.switches == 2);
}

/* Better for less than `hold`, then not: the wait starts again. */
static void test_interrupted_candidate(void **state)
{
	struct path_cfg c;
	struct route r;
	struct topo t;
	int i;

	setup(&t, &r, &c);
	run(&r, &c, SEC, 5 * SEC, MS, MS);
	for (i = 0; i < 10; i++) {
		uint64_t t0 = 5 * SEC + (uint64_t)i * 2 * SEC;

		/* slow for 0.5 s, then fast: with the EWMA's tail the relay
		 * is clearly better for about 0.6 s, never 1 s on end */
		run(&r, &c, t0, t0 + 500 * MS, 10 * MS, MS);
		run(&r, &c, t0 + 500 * MS, t0 + 2 * SEC, MS / 2, MS);
		assert_int_equal(r.cur, 0);
	}
	assert_true(r.switches == 0);
}

/* Between the two thresholds nothing moves, either way (hysteresis). */
static void test_band(void **state)
{
	struct path_cfg c;
	struct route r;
	struct topo t;

	setup(&t, &r, &c);
	/* relay 1 ms: cost 1.2 + 2 = 3.2 ms; direct must exceed 3.84 ms to
	 * lose and fall under 2.67 ms to win back */
	run(&r, &c, SEC, 5 * SEC, 3500 * 1000, MS);
	assert_int_equal(r.cur, 0);
	run(&r, &c, 5 * SEC, 10 * SEC, 4 * MS, MS);
	assert_int_equal(r.cur, 1);
	run(&r, &c, 10 * SEC, 20 * SEC, 3 * MS, MS);
	assert_int_equal(r.cur, 1);
	run(&r, &c, 20 * SEC, 30 * SEC, 2500 * 1000, MS);
	assert_int_equal(r.cur, 0);
}

/* The current path goes silent: the other takes over at once. */
static void test_down_switches_at_once(void **state)
{
	struct path_cfg c;
	struct route r;
	struct topo t;
	uint64_t now;
	int i = 0;

	setup(&t, &r, &c);
	/* no loss samples: only "down" acts (direct probed every 400 ms,
	 * so that its window does not fill either) */
	c.timeout_ns = 10 * SEC;
	run(&r, &c, SEC, 5 * SEC, MS, 2 * MS);
	for (now = 5 * SEC; now < 5 * SEC + c.down_ns; now += 100 * MS) {
		if (i++ % 4 == 0)
			path_probe_sent(&r.path[0], &c, now);
		probe(&r, &c, 1, now, 2 * MS);
		path_expire(&r.path[0], &c, now);
		route_choose(&r, &c, now + 50 * MS);
	}
	assert_int_equal(r.cur, 1);
	assert_true(r.path[0].srtt_ns == MS);
	assert_true(r.path[0].lost == 0);
	/* then every path silent: direct, untouched */
	assert_true(route_choose(&r, &c, now + 10 * SEC));
	assert_int_equal(r.cur, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_ewma),
		cmocka_unit_test(test_stray_and_lost),
		cmocka_unit_test(test_window_loss_is_a_sample),
		cmocka_unit_test(test_down),
		cmocka_unit_test(test_direct_preferred),
		cmocka_unit_test(test_switch_after_hold),
		cmocka_unit_test(test_interrupted_candidate),
		cmocka_unit_test(test_band),
		cmocka_unit_test(test_down_switches_at_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
