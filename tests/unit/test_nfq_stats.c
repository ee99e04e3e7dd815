// SPDX-License-Identifier: GPL-2.0-only
/*
 * nfq_stats.c: the NFQUEUE backend's dump. Hooks print by name; the text
 * has the queue line, the counters summed over the queues (the verdict
 * writers' own counters included) and, with several queues, each queue's
 * count; the JSON object has the same values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "io/nfq.h"
#include "testutil.h"

static struct itm_backend *two_queues(void)
{
	struct itm_backend *b = calloc(1, sizeof(*b) + sizeof(struct nq));
	struct nq *q;

	assert_non_null(b);
	q = itm_backend_priv(b);
	q->nqueues = 2;
	q->spread = 2;			/* dev */
	snprintf(q->rules.chain, sizeof(q->rules.chain), "itm-q1000");
	q->hooks = 1u << ITM_HOOK_FORWARD | 1u << ITM_HOOK_POST_ROUTING;
	q->gso_whole = true;
	q->qs[0].link.qnum = 1000;
	q->qs[1].link.qnum = 1001;
	q->qs[0].received = 7;
	q->qs[1].received = 5;
	q->received = 12;
	q->accepted = 11;
	q->dropped = 1;
	q->taken = 2;
	q->errors = 1;
	q->qs[0].out.batched = 9;
	q->qs[1].out.split = 2;
	q->qs[1].out.errors = 3;
	return b;
}

static void test_text(void **state)
{
	struct itm_backend *b = two_queues();

	(void)state;
	assert_string_equal(test_dump(nfq_dump, b, false),
		"  queue 1000 queues 2 spread dev chain itm-q1000 hooks forward,post-routing"
		" gso whole copy headers\n"
		"  received 12 accepted 11 dropped 1 taken 2 modified 0 gso 0 released 0"
		" batched 9 unsent 0 split 2 errors 4\n"
		"  queue 1000 received 7\n"
		"  queue 1001 received 5\n");
	free(b);
}

static void test_json(void **state)
{
	struct itm_backend *b = two_queues();

	(void)state;
	assert_string_equal(test_dump(nfq_dump, b, true),
		"{\"queue\":1000,\"queues\":2,\"spread\":\"dev\",\"chain\":\"itm-q1000\","
		"\"hooks\":[\"forward\",\"post-routing\"],\"gso\":\"whole\",\"copy\":\"headers\","
		"\"counters\":{\"received\":12,\"accepted\":11,\"dropped\":1,\"taken\":2,\"modified\":0,"
		"\"gso\":0,\"released\":0,\"batched\":9,\"unsent\":0,\"split\":2,\"errors\":4},"
		"\"per_queue\":[{\"queue\":1000,\"received\":7},{\"queue\":1001,\"received\":5}]}");
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
