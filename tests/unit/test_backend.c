// SPDX-License-Identifier: GPL-2.0-only
/*
 * backend.c and the `backend` line: known backends, options checked with
 * their ranges when a configuration is read (so `itm check` catches them),
 * the line kept for itmd, unknown backends listed.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "itm/backend.h"
#include "testutil.h"

static void test_registry(void **state)
{
	(void)state;
	assert_non_null(itm_backend_find("nfqueue"));
	assert_string_equal(itm_backend_find("nfqueue")->id, "nfqueue");
	assert_null(itm_backend_find("NFQUEUE"));
	assert_null(itm_backend_find(""));
}

static void test_line_kept(void **state)
{
	struct itm_engine *e = test_engine("backend nfqueue dev eth0 port 80\n"
					   "qdisc add root pfifo\n", 0);

	(void)state;
	assert_string_equal(e->backend, "nfqueue dev eth0 port 80");
	itm_engine_destroy(e);
	e = test_engine("backend nfqueue queues 2 spread dev\n", 0);
	assert_string_equal(e->backend, "nfqueue queues 2 spread dev");
	itm_engine_destroy(e);
	e = test_engine("qdisc add root pfifo\n", 0);
	assert_string_equal(e->backend, "");
	itm_engine_destroy(e);
}

static void test_errors(void **state)
{
	static const struct {
		const char *conf, *msg;
	} c[] = {
		{ "backend frob\n", "t:1: \"frob\": unknown backend \"frob\" (known: nfqueue" },
		{ "backend nfqueue port 70000\n", "t:1: \"70000\": port must be in [0..65535]" },
		{ "backend nfqueue maxlen 3\n", "t:1: \"3\": maxlen must be in [16..1048576]" },
		{ "backend nfqueue dev\n", "t:1: \"dev\": dev needs a value" },
		{ "backend nfqueue dev this-name-is-too-long\n",
		  "t:1: \"this-name-is-too-long\": dev: \"this-name-is-too-long\" is not an interface name" },
		{ "backend nfqueue queue 5 sideways\n",
		  "t:1: \"sideways\": backend nfqueue: what is \"sideways\"?" },
		{ "backend nfqueue queues 9\n", "t:1: \"9\": queues must be in [1..8]" },
		{ "backend nfqueue queues 0\n", "t:1: \"0\": queues must be in [1..8]" },
		{ "backend nfqueue queues 2 spread sideways\n", "t:1: \"sideways\": spread" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct itm_engine *e = NULL;
		char msg[256];
		int rc = itm_config_load_buf("t", c[i].conf, strlen(c[i].conf),
					     &e, msg, sizeof(msg));

		if (rc >= 0 || strncmp(msg, c[i].msg, strlen(c[i].msg)))
			fail_msg("%s: rc %d \"%s\", want \"%s\"", c[i].conf, rc,
				 msg, c[i].msg);
		assert_null(e);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_line_kept),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
