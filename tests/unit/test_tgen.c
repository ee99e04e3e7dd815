// SPDX-License-Identifier: GPL-2.0-only
/*
 * itm tgen without sockets: the request header, the draws (CDF mean,
 * Poisson gaps, reproducible seeds), size buckets and percentiles, and the
 * option checks with their messages.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "itm/cdf.h"
#include "cli/tgen.h"

/* this cmocka has no assert_double_equal */
#define assert_near(a, b, eps) near_(a, b, eps, #a, __LINE__)
static void near_(double a, double b, double eps, const char *what, int line)
{
	if (!(fabs(a - b) <= eps))
		fail_msg("line %d: %s = %.9g, expected %.9g +- %g", line, what,
			 a, b, eps);
}

static const struct tgen_req sample_req = {
	.flags = TGEN_F_DSCP | TGEN_F_PIAS, .flow_id = 0x0102030405060708ull,
	.size_bytes = 1000000, .dscp = 46, .low_dscp = 6,
	.pias_thresh_bytes = 102400,
};

static void test_header_roundtrip(void **state)
{
	uint8_t b[TGEN_HDR_LEN];
	struct tgen_req r;
	const char *why;

	tgen_req_encode(&sample_req, b);
	/* network byte order at the documented offsets */
	assert_memory_equal(b, "ITGN\0\1\0\3", 8);
	assert_memory_equal(b + 8, "\1\2\3\4\5\6\7\10", 8);
	assert_memory_equal(b + 16, "\0\0\0\0\0\x0f\x42\x40", 8);
	assert_int_equal(b[24], 46);
	assert_memory_equal(b + 28, "\0\1\x90\0", 4);
	assert_int_equal(tgen_req_decode(b, sizeof(b), &r, &why), 0);
	assert_null(why);
	assert_int_equal(r.flags, sample_req.flags);
	assert_true(r.flow_id == sample_req.flow_id);
	assert_true(r.size_bytes == sample_req.size_bytes);
	assert_int_equal(r.dscp, 46);
	assert_int_equal(r.low_dscp, 6);
	assert_int_equal(r.pias_thresh_bytes, 102400);
}

/* Encode the sample, change byte off to v, expect a rejection for why. */
static void expect_reject(size_t off, uint8_t v, const char *reason)
{
	uint8_t b[TGEN_HDR_LEN];
	struct tgen_req r;
	const char *why;

	tgen_req_encode(&sample_req, b);
	b[off] = v;
	assert_int_equal(tgen_req_decode(b, sizeof(b), &r, &why), -EINVAL);
	assert_non_null(why);
	assert_string_equal(why, reason);
}

static void test_header_rejects(void **state)
{
	uint8_t b[TGEN_HDR_LEN];
	struct tgen_req r, zero = { .flags = TGEN_F_DSCP, .size_bytes = 0 };
	const char *why;

	tgen_req_encode(&sample_req, b);
	assert_int_equal(tgen_req_decode(b, TGEN_HDR_LEN - 1, &r, &why), -EINVAL);
	assert_string_equal(why, "short header");
	assert_int_equal(tgen_req_decode(b, 0, &r, &why), -EINVAL);
	expect_reject(0, 'X', "bad magic");
	expect_reject(5, 2, "unknown version");
	expect_reject(4, 1, "unknown version");
	expect_reject(7, 0x83, "unknown flags");
	expect_reject(24, 64, "dscp above 63");
	expect_reject(25, 200, "dscp above 63");
	expect_reject(27, 1, "reserved field not zero");
	expect_reject(7, TGEN_F_PIAS, "pias flag without dscp flag");
	expect_reject(16, 1, "size out of range (1 B .. 1 TiB)");
	tgen_req_encode(&zero, b);
	assert_int_equal(tgen_req_decode(b, sizeof(b), &r, &why), -EINVAL);
	assert_string_equal(why, "size out of range (1 B .. 1 TiB)");
}

static struct itm_cdf *load(const char *file)
{
	struct itm_cdf *c = malloc(sizeof(*c));
	char msg[256], path[512];

	snprintf(path, sizeof(path), "%s/%s", CDF_DIR, file);
	assert_int_equal(itm_cdf_load(c, path, msg, sizeof(msg)), 0);
	return c;
}

static void test_cdf_mean(void **state)
{
	struct itm_cdf *c = malloc(sizeof(*c));
	char msg[256];

	/* mass 0.5 at 100, then uniform on [100, 300]: 50 + 0.5 * 200 */
	assert_int_equal(itm_cdf_parse(c, "t", "100 0.5\n300 1\n", msg,
				       sizeof(msg)), 0);
	assert_near(itm_cdf_mean(c), 150, 1e-9);
	free(c);
	/* the web search table by hand: 1,711,250 B (pias.md: about 1.71 MB) */
	c = load("web-search.txt");
	assert_near(itm_cdf_mean(c), 1711250, 1e-6);
	free(c);
	/* data mining: about 7.47 MB, ns-2's meanFlowSize 5117 x 1460 B */
	c = load("data-mining.txt");
	assert_true(itm_cdf_mean(c) > 7.40e6 && itm_cdf_mean(c) < 7.55e6);
	free(c);
}

static void test_poisson_gaps(void **state)
{
	struct tgen_rng r;
	double sum = 0, sq = 0, mean, var;
	const int n = 200000;
	int i;

	/* web search at 0.3 of 100 Mbit/s: 1711250 * 8 / 3e7 s */
	assert_near(tgen_interarrival_ns(1711250, 0.3, 100000000),
			    456333333.3, 1);
	tgen_rng_seed(&r, 42);
	for (i = 0; i < n; i++) {
		double g = tgen_rng_exp(&r, 1000);

		assert_true(g >= 0);
		sum += g;
		sq += g * g;
	}
	mean = sum / n;
	var = sq / n - mean * mean;
	/* exponential: mean 1000 and standard deviation 1000, within 1 % */
	assert_true(mean > 990 && mean < 1010);
	assert_true(var > 0.98e6 && var < 1.02e6);
}

static void test_seed_reproducible(void **state)
{
	struct tgen_rng a, b, c;
	int i, same = 0;

	tgen_rng_seed(&a, 7);
	tgen_rng_seed(&b, 7);
	tgen_rng_seed(&c, 8);
	for (i = 0; i < 1000; i++) {
		uint64_t x = tgen_rng_next(&a);

		assert_true(x == tgen_rng_next(&b));
		same += x == tgen_rng_next(&c);
	}
	assert_int_equal(same, 0);
	for (i = 0; i < 1000; i++) {
		double u = tgen_rng_uniform(&a);

		assert_true(u >= 0 && u < 1);
	}
}

static void test_buckets(void **state)
{
	assert_int_equal(tgen_bucket_of(1), TGEN_SMALL);
	assert_int_equal(tgen_bucket_of(100000), TGEN_SMALL);
	assert_int_equal(tgen_bucket_of(100001), TGEN_MEDIUM);
	assert_int_equal(tgen_bucket_of(10000000), TGEN_MEDIUM);
	assert_int_equal(tgen_bucket_of(10000001), TGEN_LARGE);
	assert_string_equal(tgen_bucket_name(TGEN_ALL), "all");
}

static void test_percentiles(void **state)
{
	double v[100];
	int i;

	for (i = 0; i < 100; i++)
		v[i] = i + 1;
	assert_near(tgen_percentile(v, 100, 50), 50, 0);
	assert_near(tgen_percentile(v, 100, 99), 99, 0);
	assert_near(tgen_percentile(v, 100, 100), 100, 0);
	assert_near(tgen_percentile(v, 100, 0), 1, 0);
	/* 10 values: p99 is the largest, p50 the fifth */
	assert_near(tgen_percentile(v, 10, 99), 10, 0);
	assert_near(tgen_percentile(v, 10, 50), 5, 0);
	assert_near(tgen_percentile(v, 1, 99), 1, 0);
	assert_near(tgen_percentile(v, 0, 50), 0, 0);
}

static void test_bucket_stats(void **state)
{
	struct tgen_client_opts o = { .rate_bps = 1000000 };
	struct tgen_flow f[6] = {
		{ .size_bytes = 1000, .fct_ns = 3000000, .done = true },
		{ .size_bytes = 2000, .fct_ns = 1000000, .done = true },
		{ .size_bytes = 50000, .fct_ns = 9000000, .timed_out = true },
		{ .size_bytes = 500000, .fct_ns = 20000000, .done = true },
		{ .size_bytes = 20000000, .fct_ns = 800000000, .done = true },
		{ .size_bytes = 30000, .failed = true },
	};
	struct tgen_run r = { .o = &o, .flows = f, .n_flows = 6 };
	struct tgen_stats st[TGEN_N_BUCKETS];
	double scratch[6];
	int b;

	for (b = 0; b < TGEN_N_BUCKETS; b++)
		tgen_bucket_stats(&r, (enum tgen_bucket)b, scratch, &st[b]);
	assert_int_equal(st[TGEN_SMALL].count, 2);	/* undone flows left out */
	assert_near(st[TGEN_SMALL].mean_ms, 2, 1e-9);
	assert_near(st[TGEN_SMALL].p50_ms, 1, 1e-9);
	assert_near(st[TGEN_SMALL].p99_ms, 3, 1e-9);
	assert_int_equal(st[TGEN_MEDIUM].count, 1);
	assert_int_equal(st[TGEN_LARGE].count, 1);
	assert_near(st[TGEN_LARGE].mean_ms, 800, 1e-9);
	assert_int_equal(st[TGEN_ALL].count, st[TGEN_SMALL].count +
			 st[TGEN_MEDIUM].count + st[TGEN_LARGE].count);
	assert_near(st[TGEN_ALL].p99_ms, 800, 1e-9);
}

/* Parse "client ARGS..." split on spaces; returns the result. */
static int parse(struct tgen_client_opts *o, char *msg, const char *line)
{
	char buf[512], *argv[32], *save = NULL, *t;
	int argc = 0, r;

	snprintf(buf, sizeof(buf), "client %s", line);
	for (t = strtok_r(buf, " ", &save); t && argc < 31;
	     t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	argv[argc] = NULL;
	msg[0] = '\0';
	r = tgen_client_parse(argc, argv, o, msg, 256);
	return r;
}

#define BASE "--cdf x.txt --rate 100mbit "

/* Each bad line fails with a message holding the given text. */
static void expect_opt_error(const char *line, const char *text)
{
	struct tgen_client_opts o;
	char msg[256];

	assert_int_equal(parse(&o, msg, line), -EINVAL);
	if (!strstr(msg, text))
		fail_msg("\"%s\": message \"%s\" lacks \"%s\"", line, msg, text);
	tgen_client_opts_free(&o);
}

static void test_option_errors(void **state)
{
	expect_opt_error("s1 " BASE "--load 0", "--load \"0\": must be a number in (0, 1]");
	expect_opt_error("s1 " BASE "--load 1.5", "\"1.5\"");
	expect_opt_error("s1 " BASE "--load -0.3", "\"-0.3\"");
	expect_opt_error("s1 " BASE "--load high", "\"high\"");
	expect_opt_error("s1 --rate 100mbit --load 0.3", "--cdf FILE is required");
	expect_opt_error("s1 --cdf x --load 0.3", "--rate RATE is required");
	expect_opt_error("s1 --cdf x --rate 100mbit", "--load RHO is required");
	expect_opt_error("s1 " BASE "--load 0.3 --rate fast", "--rate \"fast\"");
	expect_opt_error("s1 " BASE "--load 0.3 --rate 0", "--rate \"0\"");
	expect_opt_error("s1 " BASE "--load 0.3 --flows 0", "--flows \"0\"");
	expect_opt_error("s1 " BASE "--load 0.3 --flows 5 --duration 1s",
			 "exclude each other");
	expect_opt_error("s1 " BASE "--load 0.3 --dscp 64", "--dscp \"64\"");
	expect_opt_error("s1 " BASE "--load 0.3 --dscp 46 --pias",
			 "exclude each other");
	expect_opt_error("s1 " BASE "--load 0.3 --mode sometimes",
			 "--mode \"sometimes\"");
	expect_opt_error("s1 " BASE "--load 0.3 --conns 0", "--conns \"0\"");
	expect_opt_error("s1 " BASE "--load 0.3 --duration soon",
			 "--duration \"soon\"");
	expect_opt_error(BASE "--load 0.3", "no SERVER given");
	expect_opt_error("s1 s2 " BASE "--load 0.3", "one SERVER");
	expect_opt_error("s1 " BASE "--load 0.3 --bogus", "\"--bogus\"");
}

static void test_option_values(void **state)
{
	struct tgen_client_opts o;
	struct tgen_server_opts so;
	char msg[256], *sargv[] = { "server", "--port", "70000", NULL };

	assert_int_equal(parse(&o, msg, "a,b:6000,[fd77:2::2]:7 " BASE
			       "--load 1 --mode new --conns 3 --dscp 0 "
			       "--seed 9 --duration 2s --json"), 0);
	assert_int_equal(o.n_servers, 3);
	assert_string_equal(o.servers[1], "b:6000");
	assert_string_equal(o.servers[2], "[fd77:2::2]:7");
	assert_near(o.load, 1, 0);
	assert_true(o.rate_bps == 100000000);
	assert_int_equal(o.mode, TGEN_MODE_NEW);
	assert_int_equal(o.conns, 3);
	assert_int_equal(o.dscp, 0);	/* 0 is a valid DSCP, not "unset" */
	assert_true(o.seed == 9 && o.duration_ns == 2000000000ull);
	assert_true(o.flows == 0 && o.json);
	tgen_client_opts_free(&o);
	/* neither --flows nor --duration: 1000 flows */
	assert_int_equal(parse(&o, msg, "s " BASE "--load 0.5"), 0);
	assert_true(o.flows == 1000 && o.dscp == -1 && o.port == 5050);
	assert_int_equal(o.mode, TGEN_MODE_PERSISTENT);
	tgen_client_opts_free(&o);
	assert_int_equal(tgen_server_parse(3, sargv, &so, msg, sizeof(msg)),
			 -EINVAL);
	assert_non_null(strstr(msg, "--port \"70000\""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_roundtrip),
		cmocka_unit_test(test_header_rejects),
		cmocka_unit_test(test_cdf_mean),
		cmocka_unit_test(test_poisson_gaps),
		cmocka_unit_test(test_seed_reproducible),
		cmocka_unit_test(test_buckets),
		cmocka_unit_test(test_percentiles),
		cmocka_unit_test(test_bucket_stats),
		cmocka_unit_test(test_option_errors),
		cmocka_unit_test(test_option_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
