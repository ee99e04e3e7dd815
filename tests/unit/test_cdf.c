// SPDX-License-Identifier: GPL-2.0-only
/*
 * Flow-size CDFs and PIAS thresholds, against the worked example of the
 * README (computed by hand from the formula) and the shipped data files.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "itm/cdf.h"

static struct itm_cdf *parse(const char *text)
{
	struct itm_cdf *c = malloc(sizeof(*c));
	char msg[256];

	assert_int_equal(itm_cdf_parse(c, "t", text, msg, sizeof(msg)), 0);
	return c;
}

/* F: 0 -> 0, 1000 -> 0.5, 11000 -> 1, linear between.
 * load 0.5, 3 queues: theta = 1, 0.5, 0.25 (sum 1.75);
 *   alpha_1 = F^-1(1/1.75 = 0.5714) = 1000 + 0.0714/0.5 * 10000 = 2428.6
 *   alpha_2 = F^-1(1.5/1.75 = 0.8571) = 1000 + 0.3571/0.5 * 10000 = 8142.9
 * equal split: F^-1(1/3) = 666.7, F^-1(2/3) = 4333.3 */
static void test_worked_example(void **state)
{
	struct itm_cdf *c = parse("# small\n0 0\n1000 0.5\n\n11000 1\n");
	uint64_t t[7];

	assert_int_equal(itm_pias_thresholds(c, 0.5, 3, t), 0);
	assert_int_equal(t[0], 2429);
	assert_int_equal(t[1], 8143);
	assert_int_equal(itm_pias_thresholds_equal(c, 3, t), 0);
	assert_int_equal(t[0], 667);
	assert_int_equal(t[1], 4333);
	/* 2 queues, load 0.5: theta 1, 0.5: F^-1(2/3) */
	assert_int_equal(itm_pias_thresholds(c, 0.5, 2, t), 0);
	assert_int_equal(t[0], 4333);
	assert_int_equal(itm_pias_thresholds(c, 1.0, 2, t), -EINVAL);
	assert_int_equal(itm_pias_thresholds(c, 0.5, 9, t), -EINVAL);
	free(c);
}

static void test_quantile_edges(void **state)
{
	struct itm_cdf *c = parse("100 0\n100 0.5\n300 1\n");

	assert_true(itm_cdf_quantile(c, 0) == 100);
	assert_true(itm_cdf_quantile(c, 0.5) == 100);	/* smallest such size */
	assert_true(itm_cdf_quantile(c, 0.75) == 200);
	assert_true(itm_cdf_quantile(c, 1) == 300);
	free(c);
}

static void test_parse_errors(void **state)
{
	static const struct { const char *text, *msg; } bad[] = {
		{ "0 0\n10 0.5\n5 1\n", "t:3: sizes and probabilities must not decrease" },
		{ "0 0\n10 1.5\n", "t:2: size must be in [0, 2^53] bytes and probability in [0, 1]" },
		/* beyond 2^63 the thresholds would not fit their integers */
		{ "0 0\n1e30 0.5\n1e300 1\n",
		  "t:2: size must be in [0, 2^53] bytes and probability in [0, 1]" },
		{ "0 0\n9007199254740994 1\n",
		  "t:2: size must be in [0, 2^53] bytes and probability in [0, 1]" },
		{ "0 0\n10 x\n", "t:2: expected \"SIZE PROBABILITY\"" },
		{ "0 0\n10 0.5 7\n", "t:2: expected \"SIZE PROBABILITY\"" },
		{ "0 0\n10 0.9\n", "t: needs at least two points, the last with probability 1" },
		{ "", "t: needs at least two points, the last with probability 1" },
	};
	struct itm_cdf *c = malloc(sizeof(*c));
	char msg[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_true(itm_cdf_parse(c, "t", bad[i].text, msg, sizeof(msg)) < 0);
		assert_string_equal(msg, bad[i].msg);
	}
	free(c);
}

static void test_shipped_cdfs(void **state)
{
	struct itm_cdf *c = malloc(sizeof(*c));
	char msg[256], path[512];

	snprintf(path, sizeof(path), "%s/web-search.txt", CDF_DIR);
	assert_int_equal(itm_cdf_load(c, path, msg, sizeof(msg)), 0);
	/* the PIAS papers: 54 % of web-search flows are under 100 KB */
	assert_true(itm_cdf_quantile(c, 0.54) < 100000 &&
		    itm_cdf_quantile(c, 0.545) > 100000);
	snprintf(path, sizeof(path), "%s/data-mining.txt", CDF_DIR);
	assert_int_equal(itm_cdf_load(c, path, msg, sizeof(msg)), 0);
	assert_true(itm_cdf_quantile(c, 0.82) < 100000 &&	/* 82 % */
		    itm_cdf_quantile(c, 0.83) > 100000);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_worked_example),
		cmocka_unit_test(test_quantile_edges),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_shipped_cdfs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
