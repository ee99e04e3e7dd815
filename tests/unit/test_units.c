// SPDX-License-Identifier: GPL-2.0-only
/*
 * units.c: tc's value syntax. Time (bare number = microseconds, s/ms/us/ns),
 * size (b/k/kb/m/mb/g/gb in powers of 1024, kbit/mbit/gbit in bits), rate
 * (bare = bit/s, SI and IEC bit prefixes, bps = bytes), plain u64, and the
 * tc-style formatting back to text.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "itm/units.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define SENTINEL UINT64_C(0x5a5a5a5a5a5a5a5a)

struct parse_case {
	const char *text;
	int rc;			/* 0, -EINVAL or -ERANGE */
	uint64_t val;		/* expected value when rc == 0 */
};

typedef int parse_fn(const char *s, uint64_t *out);

static void run_parse_cases(const char *what, parse_fn *fn,
			    const struct parse_case *c, size_t n)
{
	size_t i, bad = 0;

	for (i = 0; i < n; i++) {
		uint64_t v = SENTINEL;
		int rc = fn(c[i].text, &v);

		if (rc != c[i].rc || (rc == 0 && v != c[i].val) ||
		    (rc != 0 && v != SENTINEL)) {
			print_error("%s(\"%s\"): rc %d value %llu, expected rc %d value %llu%s\n",
				    what, c[i].text, rc, (unsigned long long)v,
				    c[i].rc, (unsigned long long)c[i].val,
				    rc != 0 && v != SENTINEL ?
				    " (output written on error)" : "");
			bad++;
		}
	}
	if (bad)
		fail_msg("%s: %zu of %zu cases wrong", what, bad, n);
}

static void test_parse_time(void **state)
{
	static const struct parse_case c[] = {
		/* suffixes */
		{ "15ms", 0, UINT64_C(15000000) },
		{ "1.5s", 0, UINT64_C(1500000000) },
		{ "1s", 0, UINT64_C(1000000000) },
		{ "250us", 0, UINT64_C(250000) },
		{ "100ns", 0, 100 },
		{ "2sec", 0, UINT64_C(2000000000) },
		{ "3secs", 0, UINT64_C(3000000000) },
		{ "4msec", 0, UINT64_C(4000000) },
		{ "5msecs", 0, UINT64_C(5000000) },
		{ "6usec", 0, 6000 },
		{ "7usecs", 0, 7000 },
		{ "8nsec", 0, 8 },
		{ "9nsecs", 0, 9 },
		/* bare number: microseconds, as tc */
		{ "100", 0, UINT64_C(100000) },
		{ "0", 0, 0 },
		{ "0.5", 0, 500 },
		{ "1.5", 0, 1500 },
		/* case-insensitive */
		{ "15MS", 0, UINT64_C(15000000) },
		{ "1S", 0, UINT64_C(1000000000) },
		{ "250Us", 0, UINT64_C(250000) },
		{ "100NS", 0, 100 },
		{ "0.25ms", 0, UINT64_C(250000) },
		{ "1000000s", 0, UINT64_C(1000000000000000) },
		/* rejected */
		{ "", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 },
		{ "-1ms", -EINVAL, 0 },
		{ "+1ms", -EINVAL, 0 },
		{ " 1ms", -EINVAL, 0 },
		{ "1ms ", -EINVAL, 0 },
		{ "1 ms", -EINVAL, 0 },
		{ "ms", -EINVAL, 0 },
		{ "1xs", -EINVAL, 0 },
		{ "1m", -EINVAL, 0 },
		{ "1min", -EINVAL, 0 },
		{ "1h", -EINVAL, 0 },
		{ "15msx", -EINVAL, 0 },
		{ "inf", -EINVAL, 0 },
		{ "infms", -EINVAL, 0 },
		{ "infinity", -EINVAL, 0 },
		{ "nan", -EINVAL, 0 },
		{ "nans", -EINVAL, 0 },
		{ "NaNms", -EINVAL, 0 },
		/* overflow is an error, never a wrapped value */
		{ "1e20s", -ERANGE, 0 },
		{ "18446744073709551616ns", -ERANGE, 0 },
		{ "20000000000s", -ERANGE, 0 },
		{ "18446744073709552", -ERANGE, 0 },	/* us */
	};

	run_parse_cases("itm_parse_time", itm_parse_time, c, ARRAY_SIZE(c));
}

/* tc's perturb: a bare number is seconds; units mean what they always do */
static void test_parse_time_secs(void **state)
{
	static const struct parse_case c[] = {
		{ "60", 0, UINT64_C(60000000000) },
		{ "0", 0, 0 },
		{ "1.5", 0, 1500000000 },
		{ "60s", 0, UINT64_C(60000000000) },
		{ "500ms", 0, 500000000 },
		{ "250us", 0, 250000 },
		{ "-1", -EINVAL, 0 },
		{ "60x", -EINVAL, 0 },
		{ "20000000000", -ERANGE, 0 },
	};

	run_parse_cases("itm_parse_time_secs", itm_parse_time_secs, c,
			ARRAY_SIZE(c));
}

static void test_parse_size(void **state)
{
	static const struct parse_case c[] = {
		{ "1514", 0, 1514 },
		{ "1514b", 0, 1514 },
		{ "0", 0, 0 },
		{ "32k", 0, UINT64_C(32768) },
		{ "32kb", 0, UINT64_C(32768) },
		{ "32m", 0, UINT64_C(33554432) },
		{ "32mb", 0, UINT64_C(33554432) },
		{ "1g", 0, UINT64_C(1073741824) },
		{ "1gb", 0, UINT64_C(1073741824) },
		{ "1.5kb", 0, 1536 },
		/* bits, powers of 1024, divided by 8 (as tc) */
		{ "8kbit", 0, 1024 },
		{ "1kbit", 0, 128 },
		{ "1mbit", 0, UINT64_C(131072) },
		{ "1gbit", 0, UINT64_C(134217728) },
		/* case-insensitive */
		{ "32KB", 0, UINT64_C(32768) },
		{ "32Mb", 0, UINT64_C(33554432) },
		{ "1GB", 0, UINT64_C(1073741824) },
		{ "1514B", 0, 1514 },
		{ "8KBIT", 0, 1024 },
		{ "16Gb", 0, UINT64_C(17179869184) },
		/* rejected */
		{ "", -EINVAL, 0 },
		{ "b", -EINVAL, 0 },
		{ "kb", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 },
		{ "-1kb", -EINVAL, 0 },
		{ "+1kb", -EINVAL, 0 },
		{ " 1kb", -EINVAL, 0 },
		{ "1 kb", -EINVAL, 0 },
		{ "1kb ", -EINVAL, 0 },
		{ "1x", -EINVAL, 0 },
		{ "1tb", -EINVAL, 0 },
		{ "1kbyte", -EINVAL, 0 },
		{ "1bit", -EINVAL, 0 },
		{ "inf", -EINVAL, 0 },
		{ "infkb", -EINVAL, 0 },
		{ "nan", -EINVAL, 0 },
		{ "nanb", -EINVAL, 0 },
		{ "17179869184gb", -ERANGE, 0 },	/* 2^34 * 2^30 = 2^64 */
		{ "1e30", -ERANGE, 0 },
		{ "18446744073709551616", -ERANGE, 0 },
	};

	run_parse_cases("itm_parse_size", itm_parse_size, c, ARRAY_SIZE(c));
}

static void test_parse_rate(void **state)
{
	static const struct parse_case c[] = {
		/* bare: bit/s */
		{ "1000", 0, 1000 },
		{ "0", 0, 0 },
		{ "10bit", 0, 10 },
		/* SI bits */
		{ "500kbit", 0, UINT64_C(500000) },
		{ "1kbit", 0, 1000 },
		{ "100mbit", 0, UINT64_C(100000000) },
		{ "1.5mbit", 0, UINT64_C(1500000) },
		{ "1gbit", 0, UINT64_C(1000000000) },
		{ "10gbit", 0, UINT64_C(10000000000) },
		{ "1tbit", 0, UINT64_C(1000000000000) },
		/* IEC bits */
		{ "1kibit", 0, 1024 },
		{ "1mibit", 0, UINT64_C(1048576) },
		{ "1gibit", 0, UINT64_C(1073741824) },
		/* bytes per second, times 8 */
		{ "1bps", 0, 8 },
		{ "1kbps", 0, 8000 },
		{ "12mbps", 0, UINT64_C(96000000) },
		{ "12MBps", 0, UINT64_C(96000000) },
		{ "1gbps", 0, UINT64_C(8000000000) },
		{ "1kibps", 0, 8192 },
		/* case-insensitive */
		{ "100MBIT", 0, UINT64_C(100000000) },
		{ "100Mbit", 0, UINT64_C(100000000) },
		{ "1GBit", 0, UINT64_C(1000000000) },
		{ "1KiBit", 0, 1024 },
		{ "12MBPS", 0, UINT64_C(96000000) },
		/* rejected */
		{ "", -EINVAL, 0 },
		{ "mbit", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 },
		{ "-1mbit", -EINVAL, 0 },
		{ "+1mbit", -EINVAL, 0 },
		{ " 1mbit", -EINVAL, 0 },
		{ "1 mbit", -EINVAL, 0 },
		{ "1mbits", -EINVAL, 0 },
		{ "1xbit", -EINVAL, 0 },
		{ "1mb", -EINVAL, 0 },
		{ "1m", -EINVAL, 0 },
		{ "100mbit/s", -EINVAL, 0 },
		{ "inf", -EINVAL, 0 },
		{ "infmbit", -EINVAL, 0 },
		{ "nan", -EINVAL, 0 },
		{ "nanbit", -EINVAL, 0 },
		{ "1e20gbit", -ERANGE, 0 },
		{ "18446744073709551616", -ERANGE, 0 },
		{ "3000000000gbps", -ERANGE, 0 },
	};

	run_parse_cases("itm_parse_rate", itm_parse_rate, c, ARRAY_SIZE(c));
}

static void test_parse_u64(void **state)
{
	static const struct parse_case c[] = {
		{ "0", 0, 0 },
		{ "1", 0, 1 },
		{ "42", 0, 42 },
		{ "1000", 0, 1000 },
		{ "0x10", 0, 16 },
		{ "0xffffffffffffffff", 0, UINT64_MAX },
		{ "18446744073709551615", 0, UINT64_MAX },
		/* rejected */
		{ "", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 },
		{ "+1", -EINVAL, 0 },
		{ " 1", -EINVAL, 0 },
		{ "1 ", -EINVAL, 0 },
		{ "1k", -EINVAL, 0 },
		{ "1.5", -EINVAL, 0 },
		{ "abc", -EINVAL, 0 },
		{ "0x", -EINVAL, 0 },
		{ "inf", -EINVAL, 0 },
		{ "nan", -EINVAL, 0 },
	};

	run_parse_cases("itm_parse_u64", itm_parse_u64, c, ARRAY_SIZE(c));
}

/* Overflow is -ERANGE for every parser, u64 included. */
static void test_parse_u64_overflow_is_erange(void **state)
{
	static const struct parse_case c[] = {
		{ "18446744073709551616", -ERANGE, 0 },
		{ "99999999999999999999", -ERANGE, 0 },
		{ "0x10000000000000000", -ERANGE, 0 },
	};

	run_parse_cases("itm_parse_u64", itm_parse_u64, c, ARRAY_SIZE(c));
}

/* units.h: "plain decimal or 0x". A leading zero must not switch to octal:
 * "limit 0100" is one hundred, and "08" is eight, not an error. */
static void test_parse_u64_leading_zero_is_decimal(void **state)
{
	static const struct parse_case c[] = {
		{ "010", 0, 10 },
		{ "0100", 0, 100 },
		{ "08", 0, 8 },
		{ "0", 0, 0 },
		{ "00", 0, 0 },
	};

	run_parse_cases("itm_parse_u64", itm_parse_u64, c, ARRAY_SIZE(c));
}

/* A leading space is refused; so must be any other white space (the check
 * is there, but only for ' ': strtod/strtoull skip \t \n \v \f \r). */
static void test_parse_rejects_leading_whitespace(void **state)
{
	static const char *const ws[] = { " ", "\t", "\n", "\v", "\f", "\r" };
	static const struct { const char *what; parse_fn *fn; const char *num; } p[] = {
		{ "itm_parse_u64", itm_parse_u64, "1" },
		{ "itm_parse_time", itm_parse_time, "1ms" },
		{ "itm_parse_size", itm_parse_size, "1kb" },
		{ "itm_parse_rate", itm_parse_rate, "1mbit" },
	};
	size_t i, j, bad = 0;

	for (i = 0; i < ARRAY_SIZE(p); i++) {
		for (j = 0; j < ARRAY_SIZE(ws); j++) {
			char text[16];
			uint64_t v = SENTINEL;
			int rc;

			snprintf(text, sizeof(text), "%s%s", ws[j], p[i].num);
			rc = p[i].fn(text, &v);
			if (rc != -EINVAL || v != SENTINEL) {
				print_error("%s(\"\\x%02x%s\"): rc %d, expected -EINVAL\n",
					    p[i].what, (unsigned)ws[j][0],
					    p[i].num, rc);
				bad++;
			}
		}
	}
	/* worst case: strtoull takes "\v-1" as -1 and wraps it to UINT64_MAX */
	{
		uint64_t v = SENTINEL;
		int rc = itm_parse_u64("\v-1", &v);

		if (rc != -EINVAL) {
			print_error("itm_parse_u64(\"\\v-1\"): rc %d value %llu, expected -EINVAL\n",
				    rc, (unsigned long long)v);
			bad++;
		}
	}
	if (bad)
		fail_msg("%zu inputs with leading white space accepted", bad);
}

static void test_parse_null(void **state)
{
	uint64_t v = SENTINEL;

	assert_int_equal(itm_parse_u64(NULL, &v), -EINVAL);
	assert_int_equal(itm_parse_time(NULL, &v), -EINVAL);
	assert_int_equal(itm_parse_size(NULL, &v), -EINVAL);
	assert_int_equal(itm_parse_rate(NULL, &v), -EINVAL);
	assert_true(v == SENTINEL);
}

struct fmt_case {
	uint64_t val;
	const char *text;
};

typedef char *fmt_fn(char *buf, size_t len, uint64_t v);

static void run_fmt_cases(const char *what, fmt_fn *fn,
			  const struct fmt_case *c, size_t n)
{
	size_t i, bad = 0;

	for (i = 0; i < n; i++) {
		char buf[64];
		char *r;

		memset(buf, 'X', sizeof(buf));
		r = fn(buf, sizeof(buf), c[i].val);
		if (r != buf || strcmp(buf, c[i].text) != 0) {
			print_error("%s(%llu) = \"%s\", expected \"%s\"\n", what,
				    (unsigned long long)c[i].val, buf,
				    c[i].text);
			bad++;
		}
	}
	if (bad)
		fail_msg("%s: %zu of %zu cases wrong", what, bad, n);
}

static void test_fmt_time(void **state)
{
	static const struct fmt_case c[] = {
		{ UINT64_C(15000000), "15.0ms" },
		{ UINT64_C(1000000000), "1.0s" },
		{ UINT64_C(1500000000), "1.5s" },
		{ UINT64_C(60000000000), "60.0s" },
		{ UINT64_C(250000), "250us" },
		{ UINT64_C(1000000), "1.0ms" },
		{ UINT64_C(2500000), "2.5ms" },
		{ 1000, "1us" },
		{ 1500, "1.5us" },
		{ 100, "100ns" },
		{ 999, "999ns" },
		{ 1, "1ns" },
		{ 0, "0us" },
	};

	run_fmt_cases("itm_fmt_time", itm_fmt_time, c, ARRAY_SIZE(c));
}

static void test_fmt_size(void **state)
{
	static const struct fmt_case c[] = {
		{ UINT64_C(33554432), "32Mb" },
		{ UINT64_C(1048576), "1Mb" },
		/* tc has no Gb: whole GiB print in Mb */
		{ UINT64_C(1073741824), "1024Mb" },
		{ UINT64_C(1099511627776), "1048576Mb" },
		/* Mb when within 1 KiB of a whole MiB */
		{ UINT64_C(1048576) + 1023, "1Mb" },
		{ UINT64_C(1048576) + 1024, "1025Kb" },
		{ 32768, "32Kb" },
		{ 1024, "1Kb" },
		{ 64, "64b" },
		{ 1, "1b" },
		{ 0, "0b" },
		/* tc: Kb only when within 16 bytes of a whole KiB */
		{ 1514, "1514b" },
		{ 1039, "1Kb" },
		{ 1040, "1040b" },
		{ 2033, "2Kb" },
		{ 2032, "2032b" },
		{ 1023, "1023b" },
		{ 1536, "1536b" },
		{ 3000, "3000b" },
		{ UINT64_C(1514000), "1514000b" },
	};

	run_fmt_cases("itm_fmt_size", itm_fmt_size, c, ARRAY_SIZE(c));
}

static void test_fmt_rate(void **state)
{
	static const struct fmt_case c[] = {
		{ UINT64_C(100000000), "100Mbit" },
		{ UINT64_C(1500000), "1500Kbit" },
		{ UINT64_C(10000000), "10Mbit" },
		{ UINT64_C(1000000000), "1Gbit" },
		{ UINT64_C(10000000000), "10Gbit" },
		{ UINT64_C(1000000000000), "1Tbit" },
		{ UINT64_C(500000), "500Kbit" },
		{ 1000, "1Kbit" },
		{ 999, "999bit" },
		{ 1500, "1500bit" },
		{ 8, "8bit" },
		{ 0, "0bit" },
	};

	run_fmt_cases("itm_fmt_rate", itm_fmt_rate, c, ARRAY_SIZE(c));
}

/* What is printed reads back as the same value. */
static void test_fmt_parse_round_trip(void **state)
{
	static const uint64_t times[] = {
		UINT64_C(15000000), UINT64_C(1000000000), UINT64_C(250000),
		100, UINT64_C(2500000), 0,
	};
	static const uint64_t sizes[] = {
		UINT64_C(33554432), 1024, 64, 0, UINT64_C(1073741824),
		UINT64_C(5242880),
	};
	static const uint64_t rates[] = {
		UINT64_C(100000000), UINT64_C(1500000), 999, 1000, 0,
		UINT64_C(2000000000),
	};
	char buf[64];
	uint64_t v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(times); i++) {
		assert_int_equal(itm_parse_time(itm_fmt_time(buf, sizeof(buf),
							     times[i]), &v), 0);
		assert_true(v == times[i]);
	}
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		assert_int_equal(itm_parse_size(itm_fmt_size(buf, sizeof(buf),
							     sizes[i]), &v), 0);
		assert_true(v == sizes[i]);
	}
	for (i = 0; i < ARRAY_SIZE(rates); i++) {
		assert_int_equal(itm_parse_rate(itm_fmt_rate(buf, sizeof(buf),
							     rates[i]), &v), 0);
		assert_true(v == rates[i]);
	}
}

/* A short buffer is cut and terminated, never overrun. */
static void test_fmt_short_buffer(void **state)
{
	char buf[8];

	memset(buf, 'X', sizeof(buf));
	itm_fmt_rate(buf, 4, UINT64_C(100000000));
	assert_string_equal(buf, "100");
	assert_int_equal(buf[4], 'X');
	itm_fmt_time(buf, 3, UINT64_C(15000000));
	assert_string_equal(buf, "15");
	itm_fmt_size(buf, 2, UINT64_C(33554432));
	assert_string_equal(buf, "3");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_time),
		cmocka_unit_test(test_parse_time_secs),
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_parse_rate),
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_parse_u64_overflow_is_erange),
		cmocka_unit_test(test_parse_u64_leading_zero_is_decimal),
		cmocka_unit_test(test_parse_rejects_leading_whitespace),
		cmocka_unit_test(test_parse_null),
		cmocka_unit_test(test_fmt_time),
		cmocka_unit_test(test_fmt_size),
		cmocka_unit_test(test_fmt_rate),
		cmocka_unit_test(test_fmt_parse_round_trip),
		cmocka_unit_test(test_fmt_short_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
