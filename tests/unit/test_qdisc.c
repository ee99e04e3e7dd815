// SPDX-License-Identifier: GPL-2.0-only
/*
 * qdisc.c and the FIFOs (fifo.c): creation by kind with options and its
 * errors, tail drop (pfifo, bfifo) and head drop, FIFO order, statistics,
 * run-time change with trimming and all-or-nothing, reset and destroy as
 * flush drops, and the tc-style text and JSON output.
 */
#include <ctype.h>
#include <errno.h>
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

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NPKT 64

/* ---- drop recorder ---- */

struct drops {
	int n;
	struct itm_pkt *pkt[NPKT];
	enum itm_drop_cause cause[NPKT];
};

static void record_drop(void *ctx, struct itm_pkt *p, enum itm_drop_cause c)
{
	struct drops *d = ctx;

	assert_true(d->n < NPKT);
	d->pkt[d->n] = p;
	d->cause[d->n++] = c;
}

static struct itm_pkt pkts[NPKT];

static struct itm_pkt *pkt(int i, uint32_t len)
{
	memset(&pkts[i], 0, sizeof(pkts[i]));
	pkts[i].caplen = pkts[i].wirelen = len;
	pkts[i].seq = (uint64_t)i;
	pkts[i].next = (struct itm_pkt *)(uintptr_t)0xdead;	/* must be reset */
	return &pkts[i];
}

static int create(struct itm_qdisc **q, const char *spec, struct drops *d,
		  struct itm_err *err)
{
	char buf[256], *argv[32];

	snprintf(buf, sizeof(buf), "%s", spec);
	memset(err, 0, sizeof(*err));
	return itm_qdisc_create(q, qd_split(buf, argv), argv, record_drop, d, err);
}

static struct itm_qdisc *must_create(const char *spec, struct drops *d)
{
	struct itm_qdisc *q = NULL;
	struct itm_err err;

	memset(d, 0, sizeof(*d));
	if (create(&q, spec, d, &err) != 0)
		fail_msg("\"%s\": %s", spec, err.msg);
	assert_non_null(q);
	return q;
}

static void assert_stats(const struct itm_qdisc *q, uint64_t bytes,
			 uint64_t packets, uint64_t drops, uint64_t backlog,
			 uint32_t qlen)
{
	const struct itm_qstats *s = &q->stats;

	if (s->bytes != bytes || s->packets != packets || s->drops != drops ||
	    s->backlog_bytes != backlog || s->qlen != qlen ||
	    s->overlimits != 0 || s->requeues != 0)
		fail_msg("stats: bytes %llu packets %llu drops %llu backlog %llu qlen %u overlimits %llu requeues %llu; "
			 "expected %llu %llu %llu %llu %u 0 0",
			 (unsigned long long)s->bytes,
			 (unsigned long long)s->packets,
			 (unsigned long long)s->drops,
			 (unsigned long long)s->backlog_bytes, s->qlen,
			 (unsigned long long)s->overlimits,
			 (unsigned long long)s->requeues,
			 (unsigned long long)bytes,
			 (unsigned long long)packets,
			 (unsigned long long)drops,
			 (unsigned long long)backlog, qlen);
}

/* ---- a minimal JSON syntax checker (RFC 8259 grammar, no semantics) ---- */

static const char *js_ws(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return s;
}

static const char *js_value(const char *s);

static const char *js_string(const char *s)
{
	if (*s++ != '"')
		return NULL;
	while (*s && *s != '"') {
		if ((unsigned char)*s < 0x20)
			return NULL;
		if (*s == '\\') {
			s++;
			if (!*s || !strchr("\"\\/bfnrtu", *s))
				return NULL;
		}
		s++;
	}
	return *s == '"' ? s + 1 : NULL;
}

static const char *js_number(const char *s)
{
	const char *start = s;

	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (isdigit((unsigned char)*s))
		while (isdigit((unsigned char)*s))
			s++;
	else
		return NULL;
	if (*s == '.') {
		s++;
		if (!isdigit((unsigned char)*s))
			return NULL;
		while (isdigit((unsigned char)*s))
			s++;
	}
	return s > start ? s : NULL;
}

static const char *js_container(const char *s, char open, char close,
				bool object)
{
	if (*s++ != open)
		return NULL;
	s = js_ws(s);
	if (*s == close)
		return s + 1;
	for (;;) {
		if (object) {
			s = js_string(js_ws(s));
			if (!s)
				return NULL;
			s = js_ws(s);
			if (*s++ != ':')
				return NULL;
		}
		s = js_value(s);
		if (!s)
			return NULL;
		s = js_ws(s);
		if (*s == close)
			return s + 1;
		if (*s++ != ',')
			return NULL;
	}
}

static const char *js_value(const char *s)
{
	s = js_ws(s);
	switch (*s) {
	case '{': return js_container(s, '{', '}', true);
	case '[': return js_container(s, '[', ']', false);
	case '"': return js_string(s);
	case 't': return strncmp(s, "true", 4) ? NULL : s + 4;
	case 'f': return strncmp(s, "false", 5) ? NULL : s + 5;
	case 'n': return strncmp(s, "null", 4) ? NULL : s + 4;
	default: return js_number(s);
	}
}

static bool json_valid(const char *s)
{
	s = js_value(s);
	return s && *js_ws(s) == '\0';
}

/* ---- tests ---- */

static void test_registry(void **state)
{
	const struct itm_qdisc_ops *const *all = itm_qdisc_all();
	size_t i;

	assert_string_equal(all[0]->id, "pfifo");
	assert_string_equal(all[1]->id, "bfifo");
	assert_string_equal(all[2]->id, "pfifo_head_drop");
	for (i = 0; all[i]; i++)
		assert_ptr_equal(itm_qdisc_find(all[i]->id), all[i]);
	assert_true(i >= 6);
	assert_ptr_equal(itm_qdisc_find("bfifo"), all[1]);
	assert_null(itm_qdisc_find("fq_codel"));
	assert_null(itm_qdisc_find("PFIFO"));
	assert_null(itm_qdisc_find(""));
	assert_string_equal(itm_drop_cause_name(ITM_DROP_MODULE), "module");
	assert_string_equal(itm_drop_cause_name(ITM_DROP_LIMIT), "limit");
	assert_string_equal(itm_drop_cause_name(ITM_DROP_MEMORY), "memory");
	assert_string_equal(itm_drop_cause_name(ITM_DROP_AQM), "aqm");
	assert_string_equal(itm_drop_cause_name(ITM_DROP_FLUSH), "flush");
	assert_string_equal(itm_drop_cause_name(ITM_DROP_CLASS), "class");
	assert_string_equal(itm_drop_cause_name(ITM_DROP_BLOCK), "block");
	assert_string_equal(itm_drop_cause_name(ITM_DROP_CAUSE_MAX), "unknown");
}

static void test_create_with_options(void **state)
{
	static const struct {
		const char *spec, *kind, *text;
	} c[] = {
		{ "pfifo", "pfifo", "qdisc pfifo 1: root limit 1000p\n" },
		{ "pfifo limit 5", "pfifo", "qdisc pfifo 1: root limit 5p\n" },
		{ "pfifo limit 7p", "pfifo", "qdisc pfifo 1: root limit 7p\n" },
		{ "pfifo limit 2147483647", "pfifo",
		  "qdisc pfifo 1: root limit 2147483647p\n" },
		{ "bfifo", "bfifo", "qdisc bfifo 1: root limit 1514000b\n" },
		{ "bfifo limit 10kb", "bfifo", "qdisc bfifo 1: root limit 10Kb\n" },
		{ "bfifo limit 1514", "bfifo", "qdisc bfifo 1: root limit 1514b\n" },
		{ "bfifo limit 2mb", "bfifo", "qdisc bfifo 1: root limit 2Mb\n" },
		{ "pfifo_head_drop limit 3", "pfifo_head_drop",
		  "qdisc pfifo_head_drop 1: root limit 3p\n" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct drops d;
		struct itm_qdisc *q = must_create(c[i].spec, &d);

		assert_string_equal(q->ops->id, c[i].kind);
		assert_int_equal(q->handle, 0x10000);
		assert_stats(q, 0, 0, 0, 0, 0);
		if (strcmp(qd_show(q, false, false), c[i].text))
			fail_msg("\"%s\" shows \"%s\", expected \"%s\"",
				 c[i].spec, qd_show(q, false, false), c[i].text);
		itm_qdisc_destroy(q);
		assert_int_equal(d.n, 0);
	}
}

static void test_create_errors(void **state)
{
	static const struct {
		const char *spec;
		int rc;
		const char *tok, *msg;
	} c[] = {
		{ "fq_codel limit 5", -ENOENT, "fq_codel",
		  "unknown qdisc \"fq_codel\" (known: pfifo bfifo pfifo_head_drop" },
		{ "PFIFO", -ENOENT, "PFIFO",
		  "unknown qdisc \"PFIFO\" (known: pfifo bfifo pfifo_head_drop" },
		{ "pfifo limit 5 burst 3", -EINVAL, "burst",
		  "pfifo: what is \"burst\"?" },
		{ "pfifo bogus", -EINVAL, "bogus", "pfifo: what is \"bogus\"?" },
		{ "pfifo limit 5 limit 6", -EINVAL, "limit", "limit given twice" },
		{ "bfifo 100", -EINVAL, "100", "bfifo: what is \"100\"?" },
		{ "pfifo limit 0", -ERANGE, "0", "limit must be in [1p..2147483647p]" },
		{ "pfifo limit 2147483648", -ERANGE, "2147483648",
		  "limit must be in [1p..2147483647p]" },
		{ "pfifo limit 99999999999", -ERANGE, "99999999999",
		  "limit must be in [1p..2147483647p]" },
		{ "pfifo_head_drop limit 0", -ERANGE, "0",
		  "limit must be in [1p..2147483647p]" },
		{ "bfifo limit 0", -ERANGE, "0", "limit must be in [1b..1048576Mb]" },
		{ "bfifo limit 2000gb", -ERANGE, "2000gb",
		  "limit must be in [1b..1048576Mb]" },
		{ "pfifo limit -1", -EINVAL, "-1",
		  "limit: \"-1\" is not a number" },
		{ "pfifo limit 10kb", -EINVAL, "10kb",
		  "limit: \"10kb\" is not a number" },
		{ "bfifo limit 10xb", -EINVAL, "10xb",
		  "limit: \"10xb\" is not a size such as 1514b or 32mb" },
		{ "pfifo limit", -EINVAL, "limit", "limit needs a value (a number)" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct itm_qdisc *sentinel = (struct itm_qdisc *)(uintptr_t)0x5a5a;
		struct itm_qdisc *q = sentinel;
		struct itm_err err;
		struct drops d = { 0 };
		int rc = create(&q, c[i].spec, &d, &err);

		/* lists of known kinds go on as disciplines are added */
		if (rc != c[i].rc || strcmp(err.tok, c[i].tok) ||
		    strncmp(err.msg, c[i].msg, strlen(c[i].msg)) || q != sentinel)
			fail_msg("\"%s\": rc %d tok \"%s\" msg \"%s\"%s; expected rc %d tok \"%s\" msg \"%s\"",
				 c[i].spec, rc, err.tok, err.msg,
				 q != sentinel ? " (*out written)" : "",
				 c[i].rc, c[i].tok, c[i].msg);
	}
	{
		struct itm_qdisc *q = NULL;
		struct itm_err err;

		assert_int_equal(itm_qdisc_create(&q, 0, NULL, record_drop,
						  NULL, &err), -EINVAL);
		assert_string_equal(err.msg, "qdisc kind missing");
		assert_null(q);
	}
}

static void test_pfifo_tail_drop_and_order(void **state)
{
	struct drops d;
	struct itm_qdisc *q = must_create("pfifo limit 3", &d);
	int i;

	for (i = 0; i < 5; i++)
		itm_qdisc_enqueue(q, pkt(i, 100 + (uint32_t)i), 1000 + (uint64_t)i);
	/* the 4th and 5th did not fit */
	assert_int_equal(d.n, 2);
	assert_ptr_equal(d.pkt[0], &pkts[3]);
	assert_ptr_equal(d.pkt[1], &pkts[4]);
	assert_int_equal(d.cause[0], ITM_DROP_LIMIT);
	assert_int_equal(d.cause[1], ITM_DROP_LIMIT);
	assert_stats(q, 0, 0, 2, 100 + 101 + 102, 3);
	assert_true(pkts[0].enq_ns == 1000);
	assert_true(pkts[2].enq_ns == 1002);
	/* first in, first out */
	for (i = 0; i < 3; i++) {
		struct itm_pkt *p = itm_qdisc_dequeue(q, 2000);

		assert_ptr_equal(p, &pkts[i]);
		assert_null(p->next);
	}
	assert_null(itm_qdisc_dequeue(q, 2000));
	assert_stats(q, 100 + 101 + 102, 3, 2, 0, 0);
	/* room again */
	itm_qdisc_enqueue(q, pkt(5, 60), 3000);
	assert_int_equal(d.n, 2);
	assert_stats(q, 303, 3, 2, 60, 1);
	itm_qdisc_destroy(q);
}

static void test_pfifo_interleaved(void **state)
{
	struct drops d;
	struct itm_qdisc *q = must_create("pfifo limit 2", &d);

	itm_qdisc_enqueue(q, pkt(0, 10), 0);
	itm_qdisc_enqueue(q, pkt(1, 20), 0);
	assert_ptr_equal(itm_qdisc_dequeue(q, 1), &pkts[0]);
	itm_qdisc_enqueue(q, pkt(2, 30), 2);
	itm_qdisc_enqueue(q, pkt(3, 40), 3);	/* full: dropped */
	assert_ptr_equal(itm_qdisc_dequeue(q, 4), &pkts[1]);
	itm_qdisc_enqueue(q, pkt(4, 50), 5);
	assert_ptr_equal(itm_qdisc_dequeue(q, 6), &pkts[2]);
	assert_ptr_equal(itm_qdisc_dequeue(q, 6), &pkts[4]);
	assert_null(itm_qdisc_dequeue(q, 6));
	assert_int_equal(d.n, 1);
	assert_ptr_equal(d.pkt[0], &pkts[3]);
	assert_stats(q, 10 + 20 + 30 + 50, 4, 1, 0, 0);
	itm_qdisc_destroy(q);
}

static void test_bfifo_byte_limit(void **state)
{
	struct drops d;
	struct itm_qdisc *q = must_create("bfifo limit 1000", &d);

	itm_qdisc_enqueue(q, pkt(0, 400), 0);
	itm_qdisc_enqueue(q, pkt(1, 400), 0);
	itm_qdisc_enqueue(q, pkt(2, 300), 0);	/* 1100 > 1000: dropped */
	itm_qdisc_enqueue(q, pkt(3, 200), 0);	/* exactly 1000: kept */
	itm_qdisc_enqueue(q, pkt(4, 1), 0);	/* 1001: dropped */
	assert_int_equal(d.n, 2);
	assert_ptr_equal(d.pkt[0], &pkts[2]);
	assert_ptr_equal(d.pkt[1], &pkts[4]);
	assert_int_equal(d.cause[0], ITM_DROP_LIMIT);
	assert_int_equal(d.cause[1], ITM_DROP_LIMIT);
	assert_stats(q, 0, 0, 2, 1000, 3);
	assert_ptr_equal(itm_qdisc_dequeue(q, 0), &pkts[0]);
	assert_ptr_equal(itm_qdisc_dequeue(q, 0), &pkts[1]);
	assert_ptr_equal(itm_qdisc_dequeue(q, 0), &pkts[3]);
	assert_null(itm_qdisc_dequeue(q, 0));
	assert_stats(q, 1000, 3, 2, 0, 0);
	/* one packet larger than the whole limit never fits */
	itm_qdisc_enqueue(q, pkt(5, 1001), 0);
	assert_int_equal(d.n, 3);
	assert_stats(q, 1000, 3, 3, 0, 0);
	itm_qdisc_destroy(q);
}

static void test_head_drop_drops_oldest(void **state)
{
	struct drops d;
	struct itm_qdisc *q = must_create("pfifo_head_drop limit 3", &d);
	int i;

	for (i = 0; i < 5; i++)
		itm_qdisc_enqueue(q, pkt(i, 100 * (uint32_t)(i + 1)), 0);
	assert_int_equal(d.n, 2);
	assert_ptr_equal(d.pkt[0], &pkts[0]);
	assert_ptr_equal(d.pkt[1], &pkts[1]);
	assert_int_equal(d.cause[0], ITM_DROP_LIMIT);
	assert_int_equal(d.cause[1], ITM_DROP_LIMIT);
	/* the newest three remain, in order */
	assert_stats(q, 0, 0, 2, 300 + 400 + 500, 3);
	assert_ptr_equal(itm_qdisc_dequeue(q, 0), &pkts[2]);
	assert_ptr_equal(itm_qdisc_dequeue(q, 0), &pkts[3]);
	assert_ptr_equal(itm_qdisc_dequeue(q, 0), &pkts[4]);
	assert_null(itm_qdisc_dequeue(q, 0));
	assert_stats(q, 1200, 3, 2, 0, 0);
	itm_qdisc_destroy(q);
}

static void test_print_text(void **state)
{
	struct drops d;
	struct itm_qdisc *q = must_create("pfifo", &d);

	assert_string_equal(qd_show(q, true, false),
		"qdisc pfifo 1: root limit 1000p\n"
		" Sent 0 bytes 0 pkt (dropped 0, overlimits 0 requeues 0)\n"
		" backlog 0b 0p requeues 0\n");
	itm_qdisc_destroy(q);

	q = must_create("pfifo limit 2", &d);
	itm_qdisc_enqueue(q, pkt(0, 1514), 0);
	itm_qdisc_enqueue(q, pkt(1, 60), 0);
	itm_qdisc_enqueue(q, pkt(2, 100), 0);
	itm_qdisc_dequeue(q, 0);
	assert_string_equal(qd_show(q, true, false),
		"qdisc pfifo 1: root limit 2p\n"
		" Sent 1514 bytes 1 pkt (dropped 1, overlimits 0 requeues 0)\n"
		" backlog 60b 1p requeues 0\n");
	itm_qdisc_destroy(q);
}

static void test_print_json(void **state)
{
	static const char *const keys[] = {
		"\"kind\":\"bfifo\"", "\"handle\":\"1:\"", "\"root\":true",
		"\"options\":{\"limit\":4096}", "\"bytes\":500",
		"\"packets\":1", "\"drops\":1", "\"overlimits\":0",
		"\"requeues\":0", "\"backlog\":3000", "\"qlen\":2",
	};
	struct drops d;
	struct itm_qdisc *q = must_create("bfifo limit 4kb", &d);
	const char *out;
	size_t i;

	out = qd_show(q, false, true);
	assert_true(json_valid(out));
	assert_string_equal(out, "{\"kind\":\"bfifo\",\"handle\":\"1:\","
			    "\"root\":true,\"options\":{\"limit\":4096}}");
	itm_qdisc_enqueue(q, pkt(0, 500), 0);
	itm_qdisc_enqueue(q, pkt(1, 1500), 0);
	itm_qdisc_enqueue(q, pkt(2, 1500), 0);
	itm_qdisc_enqueue(q, pkt(3, 1500), 0);	/* 5000 > 4096 */
	itm_qdisc_dequeue(q, 0);
	out = qd_show(q, true, true);
	if (!json_valid(out))
		fail_msg("not JSON: %s", out);
	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		if (!strstr(out, keys[i]))
			fail_msg("%s lacks %s", out, keys[i]);
	}
	assert_int_equal(out[0], '{');
	assert_int_equal(out[strlen(out) - 1], '}');
	itm_qdisc_destroy(q);

	/* the checker itself refuses what is not JSON */
	assert_false(json_valid("{\"a\":1,}"));
	assert_false(json_valid("{\"a\":1"));
	assert_false(json_valid("{a:1}"));
	assert_false(json_valid("{\"a\":01}"));
	assert_true(json_valid("{\"a\":[1,true,null,\"x\"],\"b\":{}}"));
}

static void test_change_trims(void **state)
{
	struct itm_err err;
	struct drops d;
	struct itm_qdisc *q = must_create("pfifo limit 5", &d);
	int i;

	for (i = 0; i < 5; i++)
		itm_qdisc_enqueue(q, pkt(i, 100), 0);
	assert_int_equal(qd_change(q, "limit 2", &err), 0);
	assert_string_equal(qd_show(q, false, false),
			    "qdisc pfifo 1: root limit 2p\n");
	/* the oldest go, as Linux trims a shrunk queue from the head */
	assert_int_equal(d.n, 3);
	for (i = 0; i < 3; i++) {
		assert_ptr_equal(d.pkt[i], &pkts[i]);
		assert_int_equal(d.cause[i], ITM_DROP_LIMIT);
	}
	assert_stats(q, 0, 0, 3, 200, 2);
	assert_ptr_equal(itm_qdisc_dequeue(q, 0), &pkts[3]);
	assert_ptr_equal(itm_qdisc_dequeue(q, 0), &pkts[4]);
	/* growing drops nothing */
	assert_int_equal(qd_change(q, "limit 10p", &err), 0);
	assert_int_equal(d.n, 3);
	itm_qdisc_destroy(q);

	q = must_create("bfifo limit 1000", &d);
	for (i = 0; i < 4; i++)
		itm_qdisc_enqueue(q, pkt(i, 250), 0);
	assert_int_equal(qd_change(q, "limit 600", &err), 0);
	assert_int_equal(d.n, 2);
	assert_ptr_equal(d.pkt[0], &pkts[0]);
	assert_ptr_equal(d.pkt[1], &pkts[1]);
	assert_stats(q, 0, 0, 2, 500, 2);
	/* an empty change list is no change */
	assert_int_equal(itm_qdisc_change(q, 0, NULL, &err), 0);
	assert_string_equal(qd_show(q, false, false),
			    "qdisc bfifo 1: root limit 600b\n");
	itm_qdisc_destroy(q);
}

static void test_change_all_or_nothing(void **state)
{
	static const struct {
		const char *spec;
		int rc;
		const char *tok, *msg;
	} c[] = {
		{ "limit 0", -ERANGE, "0", "limit must be in [1p..2147483647p]" },
		{ "limit 2 bogus 1", -EINVAL, "bogus", "pfifo: what is \"bogus\"?" },
		{ "limit 2 limit x", -EINVAL, "x", "limit: \"x\" is not a number" },
		{ "limit", -EINVAL, "limit", "limit needs a value (a number)" },
		{ "pfifo limit 2", -EINVAL, "pfifo", "pfifo: what is \"pfifo\"?" },
	};
	struct drops d;
	struct itm_qdisc *q = must_create("pfifo limit 5", &d);
	size_t i;
	int j;

	for (j = 0; j < 4; j++)
		itm_qdisc_enqueue(q, pkt(j, 100), 0);
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct itm_err err;
		int rc = qd_change(q, c[i].spec, &err);

		if (rc != c[i].rc || strcmp(err.tok, c[i].tok) ||
		    strcmp(err.msg, c[i].msg))
			fail_msg("change \"%s\": rc %d tok \"%s\" msg \"%s\"; expected rc %d tok \"%s\" msg \"%s\"",
				 c[i].spec, rc, err.tok, err.msg, c[i].rc,
				 c[i].tok, c[i].msg);
		/* the old limit holds and nothing was trimmed */
		assert_string_equal(qd_show(q, false, false),
				    "qdisc pfifo 1: root limit 5p\n");
		assert_int_equal(d.n, 0);
		assert_stats(q, 0, 0, 0, 400, 4);
	}
	/* and the queue still works against the old limit */
	itm_qdisc_enqueue(q, pkt(4, 100), 0);
	itm_qdisc_enqueue(q, pkt(5, 100), 0);
	assert_int_equal(d.n, 1);
	assert_ptr_equal(d.pkt[0], &pkts[5]);
	itm_qdisc_destroy(q);
}

static void test_reset_and_destroy_flush(void **state)
{
	struct drops d;
	struct itm_qdisc *q = must_create("pfifo limit 10", &d);
	int i;

	for (i = 0; i < 4; i++)
		itm_qdisc_enqueue(q, pkt(i, 10 * (uint32_t)(i + 1)), 0);
	itm_qdisc_dequeue(q, 0);
	q->ops->reset(q);
	assert_int_equal(d.n, 3);
	for (i = 0; i < 3; i++) {
		assert_ptr_equal(d.pkt[i], &pkts[i + 1]);
		assert_int_equal(d.cause[i], ITM_DROP_FLUSH);
	}
	assert_int_equal(q->stats.qlen, 0);
	assert_true(q->stats.backlog_bytes == 0);
	assert_true(q->stats.drops == 3);
	assert_true(q->stats.packets == 1);
	assert_null(itm_qdisc_dequeue(q, 0));
	/* usable after a reset */
	itm_qdisc_enqueue(q, pkt(10, 77), 0);
	itm_qdisc_enqueue(q, pkt(11, 88), 0);
	assert_ptr_equal(itm_qdisc_dequeue(q, 0), &pkts[10]);
	/* destroy hands back what is still queued, as flush */
	itm_qdisc_destroy(q);
	assert_int_equal(d.n, 4);
	assert_ptr_equal(d.pkt[3], &pkts[11]);
	assert_int_equal(d.cause[3], ITM_DROP_FLUSH);
	itm_qdisc_destroy(NULL);
}

static void test_pktq(void **state)
{
	struct itm_pktq pq = { 0 };

	assert_null(itm_pktq_pop(&pq));
	itm_pktq_push(&pq, pkt(0, 10));
	itm_pktq_push(&pq, pkt(1, 20));
	itm_pktq_push(&pq, pkt(2, 30));
	assert_int_equal(pq.len, 3);
	assert_true(pq.bytes == 60);
	assert_ptr_equal(pq.head, &pkts[0]);
	assert_ptr_equal(pq.tail, &pkts[2]);
	assert_null(pkts[2].next);
	assert_ptr_equal(itm_pktq_pop(&pq), &pkts[0]);
	assert_null(pkts[0].next);
	assert_ptr_equal(itm_pktq_pop(&pq), &pkts[1]);
	assert_ptr_equal(itm_pktq_pop(&pq), &pkts[2]);
	assert_null(itm_pktq_pop(&pq));
	assert_null(pq.head);
	assert_null(pq.tail);
	assert_int_equal(pq.len, 0);
	assert_true(pq.bytes == 0);
	itm_pktq_push(&pq, pkt(3, 5));
	assert_ptr_equal(pq.head, &pkts[3]);
	assert_ptr_equal(pq.tail, &pkts[3]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_create_with_options),
		cmocka_unit_test(test_create_errors),
		cmocka_unit_test(test_pfifo_tail_drop_and_order),
		cmocka_unit_test(test_pfifo_interleaved),
		cmocka_unit_test(test_bfifo_byte_limit),
		cmocka_unit_test(test_head_drop_drops_oldest),
		cmocka_unit_test(test_print_text),
		cmocka_unit_test(test_print_json),
		cmocka_unit_test(test_change_trims),
		cmocka_unit_test(test_change_all_or_nothing),
		cmocka_unit_test(test_reset_and_destroy_flush),
		cmocka_unit_test(test_pktq),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
