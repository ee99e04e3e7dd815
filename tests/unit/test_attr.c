// SPDX-License-Identifier: GPL-2.0-only
/*
 * attr.c: the parameter schema. Defaults, parsing with units and ranges,
 * error reports naming the token, all-or-nothing argument lists, booleans
 * (name / noname / no_name), FIXED attributes, and text/JSON printing.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "itm/attr.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Fields interleaved by size so a store of the wrong width shows. */
struct opts {
	uint32_t count;
	uint64_t big;
	uint32_t limit;
	bool ecn;
	bool fast_path;
	uint64_t target;
	uint64_t quantum;
	uint64_t rate;
	uint32_t level;
	uint32_t guard;		/* not in the table: must never change */
};

static const struct itm_attr tab[] = {
	{ .name = "count", .type = ITM_ATTR_U32,
	  .off = offsetof(struct opts, count), .min = 1, .max = 100, .def = 10,
	  .flags = ITM_ATTR_WRITABLE, .unit = "packets", .help = "how many" },
	{ .name = "big", .type = ITM_ATTR_U64,
	  .off = offsetof(struct opts, big), .min = 0,
	  .max = UINT64_C(1000000000000), .def = 5,
	  .flags = ITM_ATTR_WRITABLE, .unit = "things", .help = "a big one" },
	{ .name = "limit", .type = ITM_ATTR_PKTS,
	  .off = offsetof(struct opts, limit), .min = 1, .max = 10000,
	  .def = 1000, .flags = ITM_ATTR_WRITABLE, .unit = "packets",
	  .help = "queue length" },
	{ .name = "ecn", .type = ITM_ATTR_BOOL,
	  .off = offsetof(struct opts, ecn), .def = 0,
	  .flags = ITM_ATTR_WRITABLE, .help = "mark instead of drop" },
	{ .name = "fast_path", .type = ITM_ATTR_BOOL,
	  .off = offsetof(struct opts, fast_path), .def = 1,
	  .flags = ITM_ATTR_WRITABLE, .help = "skip the slow path" },
	{ .name = "target", .type = ITM_ATTR_TIME,
	  .off = offsetof(struct opts, target), .min = 1000,
	  .max = UINT64_C(10000000000), .def = UINT64_C(5000000),
	  .flags = ITM_ATTR_WRITABLE, .unit = "time", .help = "target delay" },
	{ .name = "quantum", .type = ITM_ATTR_SIZE,
	  .off = offsetof(struct opts, quantum), .min = 64, .max = 65536,
	  .def = 4096, .flags = ITM_ATTR_WRITABLE, .unit = "bytes",
	  .help = "bytes per round" },
	{ .name = "rate", .type = ITM_ATTR_RATE,
	  .off = offsetof(struct opts, rate), .min = 1000,
	  .max = UINT64_C(10000000000), .def = UINT64_C(100000000),
	  .flags = ITM_ATTR_WRITABLE, .unit = "bit/s", .help = "shaping rate" },
	{ .name = "level", .type = ITM_ATTR_U32,
	  .off = offsetof(struct opts, level), .min = 0, .max = 5, .def = 1,
	  .flags = ITM_ATTR_FIXED, .unit = "", .help = "set at creation" },
	ITM_ATTR_END,
};

static const struct itm_attr *A(const char *name)
{
	const struct itm_attr *a = itm_attr_find(tab, name);

	assert_non_null(a);
	return a;
}

static void fresh(struct opts *o)
{
	memset(o, 0xa5, sizeof(*o));
	itm_attr_defaults(tab, o);
}

static char *print_text(const struct opts *o, bool json)
{
	static char out[1024];
	FILE *f = fmemopen(out, sizeof(out), "w");

	assert_non_null(f);
	if (json)
		itm_attr_print_json(f, tab, o);
	else
		itm_attr_print(f, tab, o);
	fclose(f);
	return out;
}

static void test_find(void **state)
{
	assert_ptr_equal(itm_attr_find(tab, "count"), &tab[0]);
	assert_ptr_equal(itm_attr_find(tab, "level"), &tab[8]);
	assert_null(itm_attr_find(tab, "nope"));
	assert_null(itm_attr_find(tab, "coun"));
	assert_null(itm_attr_find(tab, "Count"));
	assert_null(itm_attr_find(NULL, "count"));
}

static void test_defaults(void **state)
{
	struct opts o;

	fresh(&o);
	assert_int_equal(o.count, 10);
	assert_true(o.big == 5);
	assert_int_equal(o.limit, 1000);
	assert_false(o.ecn);
	assert_true(o.fast_path);
	assert_true(o.target == UINT64_C(5000000));
	assert_true(o.quantum == 4096);
	assert_true(o.rate == UINT64_C(100000000));
	assert_int_equal(o.level, 1);
	assert_int_equal(o.guard, 0xa5a5a5a5);
}

struct parse_case {
	const char *attr, *text;
	int rc;
	uint64_t val;
	const char *msg;	/* exact message on error */
};

static void test_parse_table(void **state)
{
	static const struct parse_case c[] = {
		{ "count", "1", 0, 1, NULL },
		{ "count", "100", 0, 100, NULL },
		{ "count", "0x20", 0, 32, NULL },
		{ "count", "0", -ERANGE, 0, "count must be in [1..100]" },
		{ "count", "101", -ERANGE, 0, "count must be in [1..100]" },
		{ "count", "4294967297", -ERANGE, 0, "count must be in [1..100]" },
		/* too big to hold is out of range, not "not a number" */
		{ "count", "99999999999999999999999", -ERANGE, 0,
		  "count must be in [1..100]" },
		{ "count", "abc", -EINVAL, 0, "count: \"abc\" is not a number" },
		{ "count", "-1", -EINVAL, 0, "count: \"-1\" is not a number" },
		{ "count", "", -EINVAL, 0, "count: \"\" is not a number" },
		{ "big", "0", 0, 0, NULL },
		{ "big", "1000000000000", 0, UINT64_C(1000000000000), NULL },
		{ "big", "1000000000001", -ERANGE, 0,
		  "big must be in [0..1000000000000]" },
		{ "limit", "1000p", 0, 1000, NULL },
		{ "limit", "1000", 0, 1000, NULL },
		{ "limit", "1p", 0, 1, NULL },
		{ "limit", "10000p", 0, 10000, NULL },
		{ "limit", "10001p", -ERANGE, 0, "limit must be in [1p..10000p]" },
		{ "limit", "0p", -ERANGE, 0, "limit must be in [1p..10000p]" },
		{ "limit", "4294967296p", -ERANGE, 0,
		  "limit must be in [1p..10000p]" },
		{ "limit", "99999999999999999999999p", -ERANGE, 0,
		  "limit must be in [1p..10000p]" },
		{ "limit", "p", -EINVAL, 0, "limit: \"p\" is not a number" },
		{ "limit", "10pp", -EINVAL, 0, "limit: \"10pp\" is not a number" },
		{ "limit", "10k", -EINVAL, 0, "limit: \"10k\" is not a number" },
		{ "target", "15ms", 0, UINT64_C(15000000), NULL },
		{ "target", "1us", 0, 1000, NULL },
		{ "target", "10s", 0, UINT64_C(10000000000), NULL },
		{ "target", "100", 0, UINT64_C(100000), NULL },
		{ "target", "999ns", -ERANGE, 0, "target must be in [1us..10.0s]" },
		{ "target", "11s", -ERANGE, 0, "target must be in [1us..10.0s]" },
		{ "target", "1e300s", -ERANGE, 0, "target must be in [1us..10.0s]" },
		{ "target", "15parsecs", -EINVAL, 0,
		  "target: \"15parsecs\" is not a time such as 15ms" },
		{ "quantum", "1514", 0, 1514, NULL },
		{ "quantum", "64kb", 0, 65536, NULL },
		{ "quantum", "63b", -ERANGE, 0, "quantum must be in [64b..64Kb]" },
		{ "quantum", "65kb", -ERANGE, 0, "quantum must be in [64b..64Kb]" },
		{ "quantum", "1x", -EINVAL, 0,
		  "quantum: \"1x\" is not a size such as 1514b or 32mb" },
		{ "rate", "100mbit", 0, UINT64_C(100000000), NULL },
		{ "rate", "1kbit", 0, 1000, NULL },
		{ "rate", "10gbit", 0, UINT64_C(10000000000), NULL },
		{ "rate", "11gbit", -ERANGE, 0, "rate must be in [1Kbit..10Gbit]" },
		{ "rate", "999", -ERANGE, 0, "rate must be in [1Kbit..10Gbit]" },
		{ "rate", "99999999999gbit", -ERANGE, 0,
		  "rate must be in [1Kbit..10Gbit]" },
		{ "rate", "fast", -EINVAL, 0,
		  "rate: \"fast\" is not a rate such as 100mbit" },
		{ "ecn", "on", 0, 1, NULL },
		{ "ecn", "yes", 0, 1, NULL },
		{ "ecn", "true", 0, 1, NULL },
		{ "ecn", "1", 0, 1, NULL },
		{ "ecn", "off", 0, 0, NULL },
		{ "ecn", "no", 0, 0, NULL },
		{ "ecn", "false", 0, 0, NULL },
		{ "ecn", "0", 0, 0, NULL },
		{ "ecn", "maybe", -EINVAL, 0, "ecn: \"maybe\" is not on or off" },
		{ "level", "5", 0, 5, NULL },
		{ "level", "6", -ERANGE, 0, "level must be in [0..5]" },
	};
	size_t i, bad = 0;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct itm_err err;
		uint64_t v = 0x1234;
		int rc;

		memset(&err, 0, sizeof(err));
		rc = itm_attr_parse(A(c[i].attr), c[i].text, &v, &err);
		if (rc != c[i].rc || (rc == 0 && v != c[i].val) ||
		    (rc != 0 && (v != 0x1234 || strcmp(err.msg, c[i].msg) ||
				 strcmp(err.tok, c[i].text)))) {
			print_error("%s \"%s\": rc %d val %llu msg \"%s\" tok \"%s\"; expected rc %d val %llu msg \"%s\" tok \"%s\"\n",
				    c[i].attr, c[i].text, rc,
				    (unsigned long long)v, err.msg, err.tok,
				    c[i].rc, (unsigned long long)c[i].val,
				    c[i].msg ? c[i].msg : "",
				    rc ? c[i].text : "");
			bad++;
		}
	}
	if (bad)
		fail_msg("%zu of %zu cases wrong", bad, ARRAY_SIZE(c));
}

/* Bounds that tc's display would round (2^32-1 us shows as "4295.0s",
 * 2^32-1 bytes as "4096Mb", 2^40 bit/s as "1100Gbit"): the range quoted
 * in an error and in help must be accepted at both ends. */
struct wide {
	uint64_t wait, mem, shape;
};

static const struct itm_attr wide_tab[] = {
	{ .name = "wait", .type = ITM_ATTR_TIME, .off = offsetof(struct wide, wait),
	  .min = 1000, .max = UINT64_C(4294967295) * 1000, .def = 1000,
	  .unit = "time" },
	{ .name = "mem", .type = ITM_ATTR_SIZE, .off = offsetof(struct wide, mem),
	  .min = 1, .max = UINT32_MAX, .def = 1, .unit = "bytes" },
	{ .name = "shape", .type = ITM_ATTR_RATE,
	  .off = offsetof(struct wide, shape), .min = 1500,
	  .max = UINT64_C(1) << 40, .def = 1500, .unit = "bit/s" },
	ITM_ATTR_END,
};

static void test_range_bounds_read_back(void **state)
{
	static const struct {
		const char *attr, *over, *msg, *lo, *hi;
	} c[] = {
		{ "wait", "4295s", "wait must be in [1us..4294967295us]",
		  "1us", "4294967295us" },
		{ "mem", "4gb", "mem must be in [1b..4294967295b]",
		  "1b", "4294967295b" },
		{ "shape", "1100gbit",
		  "shape must be in [1500bit..1099511627776bit]",
		  "1500bit", "1099511627776bit" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		const struct itm_attr *a = itm_attr_find(wide_tab, c[i].attr);
		struct itm_err err;
		uint64_t v;

		memset(&err, 0, sizeof(err));
		assert_int_equal(itm_attr_parse(a, c[i].over, &v, &err), -ERANGE);
		assert_string_equal(err.msg, c[i].msg);
		assert_string_equal(err.tok, c[i].over);
		assert_int_equal(itm_attr_parse(a, c[i].hi, &v, &err), 0);
		assert_true(v == a->max);
		assert_int_equal(itm_attr_parse(a, c[i].lo, &v, &err), 0);
		assert_true(v == a->min);
	}
}

static void test_set_keeps_value_on_error(void **state)
{
	struct itm_err err;
	struct opts o;

	fresh(&o);
	assert_int_equal(itm_attr_set(A("count"), &o, "42", &err), 0);
	assert_int_equal(o.count, 42);
	assert_int_equal(itm_attr_set(A("count"), &o, "1000", &err), -ERANGE);
	assert_int_equal(o.count, 42);
	assert_string_equal(err.tok, "1000");
	assert_int_equal(itm_attr_set(A("ecn"), &o, "on", &err), 0);
	assert_true(o.ecn);
	assert_int_equal(itm_attr_set(A("ecn"), &o, "off", &err), 0);
	assert_false(o.ecn);
	assert_int_equal(itm_attr_set(A("target"), &o, "20ms", &err), 0);
	assert_true(o.target == UINT64_C(20000000));
	assert_int_equal(itm_attr_set(A("target"), &o, "20", &err), 0);
	assert_true(o.target == UINT64_C(20000));
	assert_int_equal(itm_attr_set(A("target"), &o, "ms", &err), -EINVAL);
	assert_true(o.target == UINT64_C(20000));
	/* the narrow stores left their neighbours alone */
	assert_true(o.big == 5);
	assert_int_equal(o.limit, 1000);
	assert_int_equal(o.guard, 0xa5a5a5a5);
}

static void test_store_load_widths(void **state)
{
	struct opts o;

	fresh(&o);
	itm_attr_store(A("count"), &o, 0xffffffffu);
	assert_int_equal(o.count, 0xffffffffu);
	assert_true(o.big == 5);
	itm_attr_store(A("big"), &o, UINT64_MAX);
	assert_true(o.big == UINT64_MAX);
	assert_int_equal(o.limit, 1000);
	itm_attr_store(A("ecn"), &o, 7);
	assert_true(o.ecn);
	assert_true(itm_attr_load(A("ecn"), &o) == 1);
	assert_true(o.fast_path);
	assert_true(itm_attr_load(A("count"), &o) == 0xffffffffu);
	assert_true(itm_attr_load(A("big"), &o) == UINT64_MAX);
	assert_true(itm_attr_load(A("rate"), &o) == UINT64_C(100000000));
}

static int parse_args(struct opts *o, const char *line, bool creating,
		      struct itm_err *err)
{
	static char buf[1024];
	char *argv[32], *save = NULL, *t;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	memset(err, 0, sizeof(*err));
	return itm_attr_parse_args(tab, o, argc, argv, creating, err);
}

static void test_parse_args_applies_all(void **state)
{
	struct itm_err err;
	struct opts o;

	fresh(&o);
	assert_int_equal(parse_args(&o, "count 7 limit 500p target 15ms "
				    "quantum 1514 rate 1gbit big 99 ecn", true,
				    &err), 13);
	assert_int_equal(o.count, 7);
	assert_int_equal(o.limit, 500);
	assert_true(o.target == UINT64_C(15000000));
	assert_true(o.quantum == 1514);
	assert_true(o.rate == UINT64_C(1000000000));
	assert_true(o.big == 99);
	assert_true(o.ecn);
	assert_int_equal(o.guard, 0xa5a5a5a5);
	/* the same name twice is refused, whatever its spelling */
	assert_int_equal(parse_args(&o, "count 3 count 4", false, &err), -EINVAL);
	assert_string_equal(err.tok, "count");
	assert_string_equal(err.msg, "count given twice");
	assert_int_equal(o.count, 7);
	assert_int_equal(parse_args(&o, "ecn count 1 no_ecn", false, &err), -EINVAL);
	assert_string_equal(err.tok, "no_ecn");
	assert_string_equal(err.msg, "ecn given twice");
	assert_true(o.ecn);
	assert_int_equal(o.count, 7);
	/* nothing to do */
	assert_int_equal(itm_attr_parse_args(tab, &o, 0, NULL, false, &err), 0);
}

static void test_parse_args_all_or_nothing(void **state)
{
	static const struct {
		const char *line;
		int rc;
		const char *tok, *msg;
	} c[] = {
		{ "count 7 limit 0", -ERANGE, "0", "limit must be in [1p..10000p]" },
		{ "count 7 ecn target 1h", -EINVAL, "1h",
		  "target: \"1h\" is not a time such as 15ms" },
		{ "count 7 noecn rate 20gbit", -ERANGE, "20gbit",
		  "rate must be in [1Kbit..10Gbit]" },
		{ "count 7 quantum", -EINVAL, "quantum",
		  "quantum needs a value (a size such as 1514b or 32mb)" },
		{ "no_fast_path count", -EINVAL, "count",
		  "count needs a value (a number)" },
		{ "count 7 level 2", -EPERM, "level", "level is fixed at creation" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct itm_err err;
		struct opts o, before;
		int rc;

		fresh(&o);
		memcpy(&before, &o, sizeof(o));
		rc = parse_args(&o, c[i].line, false, &err);
		if (rc != c[i].rc || strcmp(err.tok, c[i].tok) ||
		    strcmp(err.msg, c[i].msg) ||
		    memcmp(&o, &before, sizeof(o)) != 0)
			fail_msg("\"%s\": rc %d tok \"%s\" msg \"%s\"%s; expected rc %d tok \"%s\" msg \"%s\"",
				 c[i].line, rc, err.tok, err.msg,
				 memcmp(&o, &before, sizeof(o)) ?
				 " (values changed)" : "", c[i].rc, c[i].tok,
				 c[i].msg);
	}
}

static void test_parse_args_booleans(void **state)
{
	struct itm_err err;
	struct opts o;

	fresh(&o);
	assert_int_equal(parse_args(&o, "ecn", false, &err), 1);
	assert_true(o.ecn);
	assert_int_equal(parse_args(&o, "noecn", false, &err), 1);
	assert_false(o.ecn);
	assert_int_equal(parse_args(&o, "ecn", false, &err), 1);
	assert_int_equal(parse_args(&o, "no_ecn", false, &err), 1);
	assert_false(o.ecn);
	/* names with an underscore of their own */
	assert_int_equal(parse_args(&o, "nofast_path", false, &err), 1);
	assert_false(o.fast_path);
	assert_int_equal(parse_args(&o, "fast_path", false, &err), 1);
	assert_true(o.fast_path);
	assert_int_equal(parse_args(&o, "no_fast_path ecn count 9", false,
				    &err), 4);
	assert_false(o.fast_path);
	assert_true(o.ecn);
	assert_int_equal(o.count, 9);
	/* "no" only negates booleans: "nocount" is an unknown word */
	assert_int_equal(parse_args(&o, "nocount", false, &err), 0);
	assert_int_equal(parse_args(&o, "no_count 5", false, &err), 0);
	assert_int_equal(o.count, 9);
	assert_int_equal(parse_args(&o, "no", false, &err), 0);
	assert_int_equal(parse_args(&o, "no_", false, &err), 0);
}

static void test_parse_args_stops_at_unknown(void **state)
{
	struct itm_err err;
	struct opts o;

	fresh(&o);
	/* consumed tokens are applied, the caller decides about the rest */
	assert_int_equal(parse_args(&o, "count 5 ecn bogus 7 limit 3", false,
				    &err), 3);
	assert_int_equal(o.count, 5);
	assert_true(o.ecn);
	assert_int_equal(o.limit, 1000);
	assert_int_equal(parse_args(&o, "proto tcp count 6", false, &err), 0);
	assert_int_equal(o.count, 5);
	/* a value is never taken for a name */
	assert_int_equal(parse_args(&o, "count 8 100", false, &err), 2);
	assert_int_equal(o.count, 8);
}

static void test_parse_args_fixed(void **state)
{
	struct itm_err err;
	struct opts o;

	fresh(&o);
	assert_int_equal(parse_args(&o, "level 3", false, &err), -EPERM);
	assert_string_equal(err.tok, "level");
	assert_string_equal(err.msg, "level is fixed at creation");
	assert_int_equal(o.level, 1);
	/* the fixed one after a good pair: neither applied */
	assert_int_equal(parse_args(&o, "count 50 level 3", false, &err),
			 -EPERM);
	assert_int_equal(o.count, 10);
	assert_int_equal(o.level, 1);
	/* allowed while creating */
	assert_int_equal(parse_args(&o, "count 50 level 3", true, &err), 4);
	assert_int_equal(o.count, 50);
	assert_int_equal(o.level, 3);
	/* the range still applies when creating */
	assert_int_equal(parse_args(&o, "level 9", true, &err), -ERANGE);
	assert_string_equal(err.tok, "9");
	assert_string_equal(err.msg, "level must be in [0..5]");
	assert_int_equal(o.level, 3);
}

static void test_format(void **state)
{
	static const struct {
		const char *attr, *set, *text;
	} c[] = {
		{ "count", "42", "42" },
		{ "big", "1000000000000", "1000000000000" },
		{ "limit", "1000", "1000p" },
		{ "limit", "7p", "7p" },
		{ "ecn", "on", "on" },
		{ "ecn", "off", "off" },
		{ "target", "15ms", "15.0ms" },
		{ "target", "1s", "1.0s" },
		{ "target", "250us", "250us" },
		/* tc's form would round these; shown exactly, they read back */
		{ "target", "1234567us", "1234567us" },
		{ "target", "1500001ns", "1500001ns" },
		{ "quantum", "1514", "1514b" },
		{ "quantum", "32kb", "32Kb" },
		{ "quantum", "2033", "2033b" },
		{ "rate", "100mbit", "100Mbit" },
		{ "rate", "1500kbit", "1500Kbit" },
		{ "level", "0", "0" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct itm_err err;
		struct opts o;
		char buf[32];

		fresh(&o);
		assert_int_equal(itm_attr_set(A(c[i].attr), &o, c[i].set, &err),
				 0);
		assert_ptr_equal(itm_attr_format(A(c[i].attr), &o, buf,
						 sizeof(buf)), buf);
		if (strcmp(buf, c[i].text))
			fail_msg("%s %s formats as \"%s\", expected \"%s\"",
				 c[i].attr, c[i].set, buf, c[i].text);
	}
}

static void test_print_text(void **state)
{
	struct itm_err err;
	struct opts o;

	fresh(&o);
	assert_string_equal(print_text(&o, false),
			    "count 10 big 5 limit 1000p noecn fast_path "
			    "target 5.0ms quantum 4Kb rate 100Mbit level 1");
	assert_int_equal(parse_args(&o, "count 3 limit 20p ecn no_fast_path "
				    "target 250us quantum 1514 rate 1500kbit "
				    "level 0 big 0", true, &err), 16);
	assert_string_equal(print_text(&o, false),
			    "count 3 big 0 limit 20p ecn nofast_path "
			    "target 250us quantum 1514b rate 1500Kbit level 0");
	/* what is printed parses back to the same values */
	{
		struct opts again;
		char line[1024];

		snprintf(line, sizeof(line), "%s", print_text(&o, false));
		fresh(&again);
		assert_int_equal(parse_args(&again, line, true, &err), 16);
		assert_memory_equal(&again, &o, sizeof(o));
	}
}

/* TC_FLAG booleans print their bare name only when on; NONDEFAULT
 * attributes print only when changed. */
struct tcflags {
	bool ecn, bytemode;
	uint32_t keys;
};

static const struct itm_attr tcflag_tab[] = {
	{ .name = "ecn", .type = ITM_ATTR_BOOL,
	  .off = offsetof(struct tcflags, ecn), .def = 0,
	  .flags = ITM_ATTR_WRITABLE | ITM_ATTR_TC_FLAG },
	{ .name = "bytemode", .type = ITM_ATTR_BOOL,
	  .off = offsetof(struct tcflags, bytemode), .def = 0,
	  .flags = ITM_ATTR_WRITABLE | ITM_ATTR_TC_FLAG },
	{ .name = "keys", .type = ITM_ATTR_U32,
	  .off = offsetof(struct tcflags, keys), .min = 0, .max = 100,
	  .def = 7, .flags = ITM_ATTR_WRITABLE | ITM_ATTR_NONDEFAULT },
	ITM_ATTR_END,
};

static void test_print_tc_flags(void **state)
{
	struct tcflags o;
	char out[128];
	FILE *f;

	itm_attr_defaults(tcflag_tab, &o);
	f = fmemopen(out, sizeof(out), "w");
	itm_attr_print(f, tcflag_tab, &o);
	fclose(f);
	assert_string_equal(out, "");
	o.bytemode = true;
	o.keys = 8;
	f = fmemopen(out, sizeof(out), "w");
	itm_attr_print(f, tcflag_tab, &o);
	fclose(f);
	assert_string_equal(out, "bytemode keys 8");
	o.ecn = true;
	o.keys = 7;
	f = fmemopen(out, sizeof(out), "w");
	itm_attr_print(f, tcflag_tab, &o);
	fclose(f);
	assert_string_equal(out, "ecn bytemode");
}

static void test_print_json(void **state)
{
	struct itm_err err;
	struct opts o;

	fresh(&o);
	assert_string_equal(print_text(&o, true),
			    "\"count\":10,\"big\":5,\"limit\":1000,\"ecn\":false,"
			    "\"fast_path\":true,\"target\":5000000,"
			    "\"quantum\":4096,\"rate\":100000000,\"level\":1");
	assert_int_equal(parse_args(&o, "ecn big 1000000000000 rate 10gbit",
				    false, &err), 5);
	assert_string_equal(print_text(&o, true),
			    "\"count\":10,\"big\":1000000000000,\"limit\":1000,"
			    "\"ecn\":true,\"fast_path\":true,\"target\":5000000,"
			    "\"quantum\":4096,\"rate\":10000000000,\"level\":1");
}

/* JSON quotes and escapes a text value whatever it holds (a parsed
 * interface name has no '"' or '\\', but Linux allows both in a device
 * name, so the value is stored directly here). */
static void test_print_json_ifname(void **state)
{
	static const struct itm_attr dev_tab[] = {
		{ .name = "dev", .type = ITM_ATTR_IFNAME, .off = 0 },
		ITM_ATTR_END,
	};
	char dev[ITM_ATTR_IFNAME_LEN], out[64];
	FILE *f;

	(void)state;
	itm_attr_store(&dev_tab[0], dev, (uint64_t)(uintptr_t)"a\"b\\c");
	f = fmemopen(out, sizeof(out), "w");
	assert_non_null(f);
	itm_attr_print_json(f, dev_tab, dev);
	fclose(f);
	assert_string_equal(out, "\"dev\":\"a\\\"b\\\\c\"");
}

static void test_print_help(void **state)
{
	static const struct itm_attr one[] = {
		{ .name = "limit", .type = ITM_ATTR_PKTS, .off = 0, .min = 1,
		  .max = 10000, .def = 1000, .flags = ITM_ATTR_WRITABLE,
		  .unit = "packets", .help = "queue length" },
		{ .name = "ecn", .type = ITM_ATTR_BOOL, .off = 4,
		  .flags = ITM_ATTR_WRITABLE, .help = "mark" },
		{ .name = "level", .type = ITM_ATTR_U32, .off = 8, .max = 5,
		  .def = 1, .flags = ITM_ATTR_FIXED, .help = "fixed one" },
		ITM_ATTR_END,
	};
	char out[512];
	FILE *f = fmemopen(out, sizeof(out), "w");

	assert_non_null(f);
	itm_attr_print_help(f, one);
	fclose(f);
	assert_string_equal(out,
		"  limit                  packets in [1p..10000p], default 1000p. queue length\n"
		"  ecn                    on|off, default off. mark\n"
		"  level                  in [0..5], default 1, fixed. fixed one\n");
}

/* A class handle: 0 (none) where that is the default, so that what is
 * printed ("0:0") writes back; never where the default is a class. */
static const struct itm_attr handle_tab[] = {
	{ .name = "default", .type = ITM_ATTR_HANDLE, .off = 0,
	  .flags = ITM_ATTR_WRITABLE | ITM_ATTR_OMIT_ZERO, .help = "optional" },
	{ .name = "baseclass", .type = ITM_ATTR_HANDLE, .off = 4, .def = 0x10001,
	  .flags = ITM_ATTR_WRITABLE, .help = "always a class" },
	ITM_ATTR_END,
};

static void test_handle(void **state)
{
	const struct itm_attr *opt = &handle_tab[0], *base = &handle_tab[1];
	uint32_t v[2] = { 0, 0 };
	struct itm_err err;
	uint64_t val;
	char buf[32];

	(void)state;
	assert_int_equal(itm_attr_parse(opt, "1:a", &val, &err), 0);
	assert_int_equal(val, 0x1000a);
	assert_int_equal(itm_attr_parse(opt, "b", &val, &err), 0);
	assert_int_equal(val, 0x1000b);
	assert_string_equal(itm_attr_format(opt, v, buf, sizeof(buf)), "0:0");
	val = 7;
	assert_int_equal(itm_attr_parse(opt, buf, &val, &err), 0);
	assert_int_equal(val, 0);
	assert_int_equal(itm_attr_parse(opt, "0", &val, &err), 0);
	assert_int_equal(val, 0);
	assert_int_equal(itm_attr_parse(opt, "0:5", &val, &err), -EINVAL);
	assert_int_equal(itm_attr_parse(opt, "1:0", &val, &err), -EINVAL);
	assert_int_equal(itm_attr_parse(opt, "00", &val, &err), -EINVAL);
	assert_int_equal(itm_attr_parse(base, "0", &val, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "minor not 0"));
	assert_int_equal(itm_attr_parse(base, "0:0", &val, &err), -EINVAL);
	assert_int_equal(itm_attr_parse(base, "2:1", &val, &err), 0);
	assert_int_equal(val, 0x20001);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_handle),
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_range_bounds_read_back),
		cmocka_unit_test(test_set_keeps_value_on_error),
		cmocka_unit_test(test_store_load_widths),
		cmocka_unit_test(test_parse_args_applies_all),
		cmocka_unit_test(test_parse_args_all_or_nothing),
		cmocka_unit_test(test_parse_args_booleans),
		cmocka_unit_test(test_parse_args_stops_at_unknown),
		cmocka_unit_test(test_parse_args_fixed),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_print_text),
		cmocka_unit_test(test_print_tc_flags),
		cmocka_unit_test(test_print_json),
		cmocka_unit_test(test_print_json_ifname),
		cmocka_unit_test(test_print_help),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
