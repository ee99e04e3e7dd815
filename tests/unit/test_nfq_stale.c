// SPDX-License-Identifier: GPL-2.0-only
/*
 * nfq_stale.c: what a killed itmd left. A chain itm-qN is stale when it is
 * the one named as ours or when no process binds queue N; a jump to a
 * stale chain is deleted by its own words, whatever device or hook it
 * names; everything else in the table stays.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "io/nfq_rules.h"

/* /proc/net/netfilter/nfnetlink_queue with queues 7 and 1002 bound */
static const char proc[] =
	"    7  12345     0 2 65531     0     0        0  1\n"
	" 1002  23456     3 2   192     0     0       17  1\n";

static void test_listed(void **state)
{
	(void)state;
	assert_true(nfq_queue_listed(proc, 7));
	assert_true(nfq_queue_listed(proc, 1002));
	assert_false(nfq_queue_listed(proc, 1000));
	assert_false(nfq_queue_listed(proc, 12345));	/* a port id, not a queue */
	assert_false(nfq_queue_listed("", 7));
}

static void test_chain(void **state)
{
	(void)state;
	assert_true(nfq_stale_chain("itm-q1000", "itm-q1000", proc));	/* ours */
	assert_false(nfq_stale_chain("itm-q7", "itm-q1000", proc));	/* bound */
	assert_false(nfq_stale_chain("itm-q1002", "itm-q1000", proc));	/* bound */
	assert_true(nfq_stale_chain("itm-q1005", "itm-q1000", proc));	/* nobody */
	assert_false(nfq_stale_chain("itm-a-eth0", "itm-q1000", proc));
	assert_false(nfq_stale_chain("itm-q", "itm-q1000", proc));
	assert_false(nfq_stale_chain("itm-q10x", "itm-q1000", proc));
	assert_false(nfq_stale_chain("POSTROUTING", "itm-q1000", proc));
}

/* the words of the -D command for LINE, space-joined, or "" */
static const char *jump(const char *line)
{
	static char out[256];
	const char *argv[20];
	char copy[256];
	int n, i;

	snprintf(copy, sizeof(copy), "%s", line);
	n = nfq_stale_jump(copy, "itm-q1000", proc, argv, 19);
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		strcat(out, i ? " " : "");
		strcat(out, argv[i]);
	}
	if (n)
		assert_null(argv[n]);
	return out;
}

static void test_jump(void **state)
{
	(void)state;
	/* the killed run's device and hooks, not ours */
	assert_string_equal(jump("-A POSTROUTING -o s0 -j itm-q1000"),
			    "-D POSTROUTING -o s0 -j itm-q1000");
	assert_string_equal(jump("-A PREROUTING -i c0 -j itm-q1000"),
			    "-D PREROUTING -i c0 -j itm-q1000");
	assert_string_equal(jump("-A FORWARD -j itm-q1000"), "-D FORWARD -j itm-q1000");
	/* another queue's chain: kept while bound, gone when not */
	assert_string_equal(jump("-A POSTROUTING -j itm-q1002"), "");
	assert_string_equal(jump("-A POSTROUTING -o eth1 -j itm-q1005"),
			    "-D POSTROUTING -o eth1 -j itm-q1005");
	/* rules inside the chains go with -F; other rules stay */
	assert_string_equal(jump("-A itm-q1000 -j NFQUEUE --queue-num 1000 --queue-bypass"), "");
	assert_string_equal(jump("-A itm-q1005 -p tcp -m multiport --ports 5001 -j NFQUEUE --queue-num 1005"), "");
	assert_string_equal(jump("-A FORWARD -o eth0 -j itm-a-eth0"), "");
	assert_string_equal(jump("-A POSTROUTING -j MARK --set-xmark 0x1/0xffffffff"), "");
	assert_string_equal(jump("-A POSTROUTING -m comment --comment \"x y\" -j itm-q1000"), "");
	assert_string_equal(jump("-N itm-q1000"), "");
	assert_string_equal(jump("-P POSTROUTING ACCEPT"), "");
	assert_string_equal(jump(""), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listed),
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_jump),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
