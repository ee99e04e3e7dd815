// SPDX-License-Identifier: GPL-2.0-only
/*
 * itmtun's controller as a pure function (src/apps/itmtun/ctl.c): given
 * the delivered rate B, n and whether packets waited, the next n.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ctl.h"

#define MBIT 1000000ull

static struct ctl_cfg cfg(void)
{
	struct ctl_cfg c;

	ctl_cfg_default(&c);
	c.target_bps = 10 * MBIT;
	c.min = 1;
	c.max = 16;
	c.step = 2;
	c.band_pct = 10;
	return c;
}

/* Below the target: toward ceil(target / (B / n)), at most step more. */
static void test_grows_toward_share(void **state)
{
	struct ctl_cfg c = cfg();

	(void)state;
	/* 1 connection at 2.2 Mbit/s: 5 wanted, 2 more at a time */
	assert_int_equal(ctl_next(&c, 1, 2200000, true), 3);
	assert_int_equal(ctl_next(&c, 3, 6 * MBIT, true), 5);
	/* 8 at 8.5: a share of 1.0625, ceil(9.41) = 10 wanted, the step */
	assert_int_equal(ctl_next(&c, 8, 8500000, true), 10);
	/* 8 at 8.8: ceil(9.09) = 10 */
	assert_int_equal(ctl_next(&c, 8, 8800000, true), 10);
	/* a wider step reaches the count at once */
	c.step = 8;
	assert_int_equal(ctl_next(&c, 1, 2 * MBIT, true), 5);
	/* nothing delivered, packets waiting: up by the step */
	assert_int_equal(ctl_next(&c, 2, 0, true), 10);
}

static void test_at_least_one_step(void **state)
{
	struct ctl_cfg c = cfg();

	(void)state;
	/* 8.99 Mbit/s on 10, just below the band (9): ceil(11.12) = 12 */
	assert_int_equal(ctl_next(&c, 10, 8990000, true), 12);
	c.step = 1;
	assert_int_equal(ctl_next(&c, 10, 8990000, true), 11);
	/* above the band, but 3 at the share 11.5 / 4 would carry 8.6: 4 stay */
	assert_int_equal(ctl_next(&c, 4, 11500000, true), 4);
	assert_int_equal(ctl_next(&c, 2, 12450000, true), 2);
	/* 10 at 11.5: 9 carry 10.35, so one fewer */
	assert_int_equal(ctl_next(&c, 10, 11500000, true), 9);
}

static void test_band_holds(void **state)
{
	struct ctl_cfg c = cfg();

	(void)state;
	assert_int_equal(ctl_next(&c, 6, 9 * MBIT, true), 6);
	assert_int_equal(ctl_next(&c, 6, 10 * MBIT, true), 6);
	assert_int_equal(ctl_next(&c, 6, 11 * MBIT, true), 6);
}

static void test_shrinks_above(void **state)
{
	struct ctl_cfg c = cfg();

	(void)state;
	/* 8 connections at 20 Mbit/s: 4 would do, 2 fewer at a time */
	assert_int_equal(ctl_next(&c, 8, 20 * MBIT, true), 6);
	assert_int_equal(ctl_next(&c, 6, 15 * MBIT, true), 4);
	assert_int_equal(ctl_next(&c, 2, 40 * MBIT, true), 1);
}

static void test_limits(void **state)
{
	struct ctl_cfg c = cfg();

	(void)state;
	c.max = 6;
	assert_int_equal(ctl_next(&c, 5, 1 * MBIT, true), 6);
	assert_int_equal(ctl_next(&c, 6, 1 * MBIT, true), 6);
	c.min = 3;
	assert_int_equal(ctl_next(&c, 3, 50 * MBIT, true), 3);
	/* an n outside the limits comes back inside them */
	assert_int_equal(ctl_next(&c, 9, 10 * MBIT, true), 6);
	assert_int_equal(ctl_next(&c, 1, 10 * MBIT, false), 3);
}

static void test_no_demand(void **state)
{
	struct ctl_cfg c = cfg();

	(void)state;
	/* below the target, a quiet tunnel says nothing about its share */
	assert_int_equal(ctl_next(&c, 4, 1 * MBIT, false), 4);
	assert_int_equal(ctl_next(&c, 4, 0, false), 4);
	/* above it, it takes too much from the cross traffic all the same */
	assert_int_equal(ctl_next(&c, 4, 20 * MBIT, false), 2);
	assert_int_equal(ctl_next(&c, 11, 13 * MBIT, false), 9);
}

/* After a change one interval only measures; then decisions again. */
static void test_step_settles(void **state)
{
	struct ctl k = { .cfg = cfg(), .n = 1 };

	(void)state;
	assert_int_equal(ctl_step(&k, 2 * MBIT, true), 3);
	assert_int_equal(ctl_step(&k, 1 * MBIT, true), 3);	/* settling */
	assert_int_equal(ctl_step(&k, 6 * MBIT, true), 5);
	assert_int_equal(ctl_step(&k, 30 * MBIT, true), 5);	/* settling */
	assert_int_equal(ctl_step(&k, 10 * MBIT, true), 5);	/* in the band */
	assert_int_equal(ctl_step(&k, 20 * MBIT, true), 3);
	assert_int_equal(k.n, 3);
}

static void test_no_target_fixed(void **state)
{
	struct ctl_cfg c = cfg();

	(void)state;
	c.target_bps = 0;
	c.min = c.max = 1;
	assert_int_equal(ctl_next(&c, 1, 1 * MBIT, true), 1);
	assert_int_equal(ctl_next(&c, 1, 0, true), 1);
}

/* The rate of an interval: exact, whatever its length and byte count. */
static void test_rate_no_overflow(void **state)
{
	(void)state;
	assert_int_equal(ctl_rate_bps(1250000, 1000000000u), 10 * MBIT);
	assert_int_equal(ctl_rate_bps(0, 0), 0);
	assert_int_equal(ctl_rate_bps(1, 0), 8000000000u);
	/* -i 60000 at 400 Mbit/s: 3 GB, bytes * 8e9 is past 2^64 */
	assert_int_equal(ctl_rate_bps(3000000000u, 60000000000u), 400 * MBIT);
	/* 1 Tbit/s over 60 s */
	assert_int_equal(ctl_rate_bps(7500000000000u, 60000000000u),
			 1000000 * MBIT);
	assert_int_equal(ctl_rate_bps(UINT64_MAX, 1), UINT64_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grows_toward_share),
		cmocka_unit_test(test_rate_no_overflow),
		cmocka_unit_test(test_at_least_one_step),
		cmocka_unit_test(test_band_holds),
		cmocka_unit_test(test_shrinks_above),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_no_demand),
		cmocka_unit_test(test_step_settles),
		cmocka_unit_test(test_no_target_fixed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
