// SPDX-License-Identifier: GPL-2.0-only
/*
 * br_stats.c: the bridge's dump gives each direction its ports, rate, root
 * (kind, queue, backlog, drops) and counters, as text and as JSON with the
 * same values; `qdisc show dev IF` finds the engine's tree by IF2 and the
 * twin by IF1, and nothing by another name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "io/br.h"
#include "testutil.h"

struct fixture {
	struct itm_live lv;
	struct itm_backend *b;
	struct br *q;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char *tbf[] = { "tbf", "rate", "1mbit", "burst", "10kb", "limit", "20kb" };
	struct itm_err err;

	assert_non_null(f);
	f->lv.e = test_engine("qdisc add root pfifo limit 50\n", 0);
	f->b = calloc(1, sizeof(*f->b) + sizeof(struct br));
	assert_non_null(f->b);
	f->q = itm_backend_priv(f->b);
	f->q->live = &f->lv;
	snprintf(f->q->port[0].name, sizeof(f->q->port[0].name), "c0");
	snprintf(f->q->port[1].name, sizeof(f->q->port[1].name), "s0");
	assert_int_equal(itm_qdisc_create(&f->q->twin.root, 7, tbf, itm_engine_drop,
					  f->lv.e, &err), 0);
	f->q->dir[0].rate_bps = 20000000;
	f->q->dir[0].received = 10;
	f->q->dir[0].sent = 9;
	f->q->dir[0].sent_bytes = 9000;
	f->q->dir[0].dropped = 1;
	f->q->dir[0].taken = 2;
	f->q->dir[1].received = 4;
	f->q->dir[1].sent = 4;
	f->q->port[1].ring_drops = 2;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	itm_qdisc_destroy(f->q->twin.root);
	itm_engine_destroy(f->lv.e);
	free(f->b);
	free(f);
	return 0;
}

static void test_text(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(test_dump(br_dump, f->b, false),
		"  c0>s0 rate 20Mbit root pfifo qlen 0 backlog 0 drops 0\n"
		"    received 10 sent 9 bytes 9000 dropped 1 taken 2 released 0 gso 0"
		" truncated 0 errors 0 retries 0 ring_drops 0\n"
		"  s0>c0 rate none root tbf qlen 0 backlog 0 drops 0\n"
		"    received 4 sent 4 bytes 0 dropped 0 taken 0 released 0 gso 0"
		" truncated 0 errors 0 retries 0 ring_drops 2\n");
}

static void test_json(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(test_dump(br_dump, f->b, true),
		"{\"directions\":[{\"from\":\"c0\",\"to\":\"s0\",\"rate\":20000000,"
		"\"root\":{\"kind\":\"pfifo\",\"qlen\":0,\"backlog\":0,\"drops\":0},"
		"\"counters\":{\"received\":10,\"sent\":9,\"bytes\":9000,\"dropped\":1,\"taken\":2,"
		"\"released\":0,\"gso\":0,\"truncated\":0,\"errors\":0,\"retries\":0,"
		"\"ring_drops\":0}},{\"from\":\"s0\",\"to\":\"c0\",\"rate\":0,"
		"\"root\":{\"kind\":\"tbf\",\"qlen\":0,\"backlog\":0,\"drops\":0},"
		"\"counters\":{\"received\":4,\"sent\":4,\"bytes\":0,\"dropped\":0,\"taken\":0,"
		"\"released\":0,\"gso\":0,\"truncated\":0,\"errors\":0,\"retries\":0,"
		"\"ring_drops\":2}}]}");
}

static void test_egress(void **state)
{
	struct fixture *f = *state;

	assert_ptr_equal(br_egress(f->b, "s0"), f->lv.e->root);
	assert_ptr_equal(br_egress(f->b, "c0"), f->q->twin.root);
	assert_null(br_egress(f->b, "lo"));
	assert_null(br_egress(f->b, ""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_egress, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
