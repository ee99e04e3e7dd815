// SPDX-License-Identifier: GPL-2.0-only
/*
 * core/prefix.c: addresses and prefixes as interest filters and module
 * parameters take them: parsing (lengths, both families, host bits,
 * malformed text), matching at byte and bit boundaries, printing, and
 * lists, which are replaced whole or not at all.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "itm/prefix.h"

static struct itm_prefix parse_ok(const char *s)
{
	struct itm_prefix pf;
	struct itm_err err;

	assert_int_equal(itm_prefix_parse(&pf, s, &err), 0);
	return pf;
}

static const char *shown(const char *s)
{
	static char buf[64];
	struct itm_prefix pf = parse_ok(s);

	itm_prefix_format(&pf, buf, sizeof(buf));
	return buf;
}

static bool matches(const char *prefix, const char *addr)
{
	struct itm_prefix pf = parse_ok(prefix);
	uint8_t a[16] = { 0 };
	uint8_t family = strchr(addr, ':') ? 6 : 4;

	assert_int_equal(inet_pton(family == 4 ? AF_INET : AF_INET6, addr, a), 1);
	return itm_prefix_match(&pf, family, a);
}

static void test_parse_lengths(void **state)
{
	(void)state;
	assert_string_equal(shown("192.0.2.1"), "192.0.2.1/32");
	assert_string_equal(shown("2001:db8::1"), "2001:db8::1/128");
	assert_string_equal(shown("10.0.0.0/8"), "10.0.0.0/8");
	assert_string_equal(shown("0.0.0.0/0"), "0.0.0.0/0");
	assert_string_equal(shown("::/0"), "::/0");
	assert_string_equal(shown("2001:db8::/32"), "2001:db8::/32");
	assert_string_equal(shown("10.0.0.0/08"), "10.0.0.0/8");
}

/* What is shown is what matches: host bits are dropped, at a byte
 * boundary and inside a byte, in both families. */
static void test_host_bits_cleared(void **state)
{
	(void)state;
	assert_string_equal(shown("10.1.2.3/8"), "10.0.0.0/8");
	assert_string_equal(shown("10.31.255.255/12"), "10.16.0.0/12");
	assert_string_equal(shown("192.0.2.255/31"), "192.0.2.254/31");
	assert_string_equal(shown("2001:db8:ffff::1/33"), "2001:db8:8000::/33");
	assert_string_equal(shown("2001:db8::ffff/127"), "2001:db8::fffe/127");
	assert_string_equal(shown("2001:db8::1/0"), "::/0");
}

static void test_parse_errors(void **state)
{
	static const char *const bad[] = {
		"", "/8", "10.0.0.0/", "10.0.0.0/33", "::/129", "10.0.0.0/x",
		"10.0.0.0/8/8", "10.0.0.0//8", "10.0.0.0/-1", "10.0.0.0/ 8",
		"10.0.0", "10.0.0.256", "any", "2001:db8:::1", "fe80::1%eth0",
		"10.0.0.0/99999999999999999999999",
		"1111111111111111111111111111111111111111111111111111111111111111111",
	};
	struct itm_prefix pf;
	struct itm_err err;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		itm_err_clear(&err);
		assert_int_equal(itm_prefix_parse(&pf, bad[i], &err), -EINVAL);
		assert_non_null(strstr(err.msg, "ADDR[/LEN]"));
		assert_true(strlen(err.tok) > 0 || !*bad[i]);
	}
}

static void test_match_boundaries(void **state)
{
	(void)state;
	assert_true(matches("10.16.0.0/12", "10.16.0.0"));
	assert_true(matches("10.16.0.0/12", "10.31.255.255"));
	assert_false(matches("10.16.0.0/12", "10.32.0.0"));
	assert_false(matches("10.16.0.0/12", "10.15.255.255"));
	assert_true(matches("192.0.2.1", "192.0.2.1"));
	assert_false(matches("192.0.2.1", "192.0.2.2"));
	assert_true(matches("0.0.0.0/0", "203.0.113.9"));
	assert_true(matches("2001:db8::/33", "2001:db8:7fff::1"));
	assert_false(matches("2001:db8::/33", "2001:db8:8000::1"));
	assert_true(matches("::/0", "fe80::1"));
}

/* A prefix of one family never matches an address of the other, not even
 * the /0s or an IPv4-mapped IPv6 address. */
static void test_match_family(void **state)
{
	(void)state;
	assert_false(matches("0.0.0.0/0", "::1"));
	assert_false(matches("::/0", "10.0.0.1"));
	assert_false(matches("10.0.0.1", "::ffff:10.0.0.1"));
}

static void test_addr_format(void **state)
{
	struct itm_prefix none = { 0 }, pf = parse_ok("2001:db8::1");
	char buf[64];

	(void)state;
	itm_addr_format(&none, buf, sizeof(buf));
	assert_string_equal(buf, "any");
	itm_addr_format(&pf, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8::1");
}

static void test_list(void **state)
{
	struct itm_prefixes l;
	struct itm_err err;
	uint8_t a[16] = { 0 };
	char buf[128];

	(void)state;
	assert_int_equal(itm_prefixes_parse(&l, "10.0.0.0/8,2001:db8::/32", &err), 0);
	assert_int_equal(l.n, 2);
	itm_prefixes_format(&l, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.0/8,2001:db8::/32");
	inet_pton(AF_INET6, "2001:db8::5", a);
	assert_true(itm_prefixes_match(&l, 6, a));
	inet_pton(AF_INET, "11.0.0.1", a);
	assert_false(itm_prefixes_match(&l, 4, a));

	assert_int_equal(itm_prefixes_parse(&l, "any", &err), 0);
	assert_int_equal(l.n, 0);
	assert_false(itm_prefixes_match(&l, 4, a));
	itm_prefixes_format(&l, buf, sizeof(buf));
	assert_string_equal(buf, "any");
	assert_int_equal(itm_prefixes_parse(&l, "", &err), 0);
	assert_int_equal(l.n, 0);
}

/* A bad list names the bad part and leaves the list as it was. */
static void test_list_errors_keep_old(void **state)
{
	static const char *const bad[] = {
		"10.0.0.0/8,", ",10.0.0.0/8", "10.0.0.0/8,,::/0",
		"10.0.0.0/8,300.0.0.0", "10.0.0.0/8 ::/0",
	};
	struct itm_prefixes l, before;
	struct itm_err err;
	size_t i;

	(void)state;
	assert_int_equal(itm_prefixes_parse(&l, "192.0.2.0/24", &err), 0);
	before = l;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		itm_err_clear(&err);
		assert_true(itm_prefixes_parse(&l, bad[i], &err) < 0);
		assert_true(strlen(err.msg) > 0);
		assert_memory_equal(&l, &before, sizeof(l));
	}
	assert_int_equal(itm_prefixes_parse(&l, "10.0.0.0/8,300.0.0.0", &err), -EINVAL);
	assert_string_equal(err.tok, "300.0.0.0");
}

static void test_list_limit(void **state)
{
	struct itm_prefixes l;
	struct itm_err err;
	char s[256] = "", one[32];
	int i;

	(void)state;
	for (i = 0; i < ITM_PREFIXES_MAX; i++) {
		snprintf(one, sizeof(one), "%s10.%d.0.0/16", i ? "," : "", i);
		strcat(s, one);
	}
	assert_int_equal(itm_prefixes_parse(&l, s, &err), 0);
	assert_int_equal(l.n, ITM_PREFIXES_MAX);
	strcat(s, ",10.99.0.0/16");
	assert_int_equal(itm_prefixes_parse(&l, s, &err), -E2BIG);
	assert_non_null(strstr(err.msg, "at most"));
	assert_int_equal(l.n, ITM_PREFIXES_MAX);
}

/* Printing into a short buffer cuts the text, never past the buffer. */
static void test_list_format_short_buffer(void **state)
{
	struct itm_prefixes l;
	struct itm_err err;
	char buf[12];

	(void)state;
	assert_int_equal(itm_prefixes_parse(&l, "2001:db8::/32,2001:db8:1::/48,10.0.0.0/8",
					    &err), 0);
	memset(buf, 'x', sizeof(buf));
	itm_prefixes_format(&l, buf, sizeof(buf));
	assert_int_equal(strlen(buf), sizeof(buf) - 1);
	assert_memory_equal(buf, "2001:db8::/", sizeof(buf) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_lengths),
		cmocka_unit_test(test_host_bits_cleared),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_match_boundaries),
		cmocka_unit_test(test_match_family),
		cmocka_unit_test(test_addr_format),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_list_errors_keep_old),
		cmocka_unit_test(test_list_limit),
		cmocka_unit_test(test_list_format_short_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
