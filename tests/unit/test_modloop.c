// SPDX-License-Identifier: GPL-2.0-only
/*
 * The libitm applications' registration loop (src/apps/common/modloop.c):
 * which refusals are permanent, retries while itmd cannot be reached with
 * one log line for many attempts, giving up on a permanent refusal, the
 * line after a late success, and a stop while waiting.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "modloop.h"
#include "testutil.h"

/* What register_hooks answers, attempt by attempt (the last repeats). */
static const int *answers;
static int n_answers, attempts, waits;
static bool stop_when_waiting;

static int fake_register(void)
{
	int i = attempts < n_answers ? attempts : n_answers - 1;

	attempts++;
	return answers[i];
}

static void fake_waiting(void)
{
	waits++;
	if (stop_when_waiting)
		raise(SIGTERM);
}

static const struct modloop loop = {
	.name = "t", .bufsize = 1500, .register_hooks = fake_register,
	.timer = NULL, .timer_ms = 0, .waiting = fake_waiting,
};

static void script(const int *a, int n)
{
	answers = a;
	n_answers = n;
	attempts = waits = 0;
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;

	for (; (s = strstr(s, what)) != NULL; s++)
		n++;
	return n;
}

static void test_permanent(void **state)
{
	static const int yes[] = { EEXIST, EPERM, EACCES, EINVAL, E2BIG, EPROTO,
				   ENAMETOOLONG, ENOTSOCK };
	static const int no[] = { ECONNREFUSED, ENOENT, ECONNRESET, EAGAIN,
				  ENOMEM, ETIMEDOUT };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(modloop_permanent(-yes[i]));
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(modloop_permanent(-no[i]));
}

/* itmd not there, twice, then the label taken: one line for the retries,
 * one for giving up, and the refusal returned. */
static void test_retries_then_gives_up(void **state)
{
	static const int a[] = { -ECONNREFUSED, -ENOENT, -EEXIST };
	struct test_stderr cap;
	char *out;

	(void)state;
	setenv("ITM_MODULE_SOCKET", "/nowhere/module.sock", 1);
	script(a, 3);
	cap = test_stderr_start();
	assert_int_equal(modloop_run(&loop), -EEXIST);
	out = test_stderr_stop(cap);
	assert_int_equal(attempts, 3);
	assert_int_equal(waits, 2);
	assert_non_null(strstr(out, "t: register with /nowhere/module.sock: "
			       "Connection refused; trying again every 200 ms\n"));
	assert_int_equal(count(out, "register with"), 2);
	assert_non_null(strstr(out, "File exists; giving up"));
}

/* A success after failures says how many; with nothing registered
 * libitm_run returns at once, and so does the loop. */
static void test_success_after_failures(void **state)
{
	static const int a[] = { -ECONNREFUSED, -ECONNREFUSED, 0 };
	struct test_stderr cap;
	char *out;

	(void)state;
	script(a, 3);
	cap = test_stderr_start();
	assert_int_equal(modloop_run(&loop), 0);
	out = test_stderr_stop(cap);
	assert_int_equal(attempts, 3);
	assert_non_null(strstr(out, "t: registered after 2 failed attempts\n"));
	assert_false(modloop_quit());
}

/* SIGTERM while waiting for itmd ends the loop with 0; SIGUSR1 is taken
 * once. (Last: the stop cannot be taken back.) */
static void test_signals(void **state)
{
	static const int a[] = { -ECONNREFUSED };
	struct test_stderr cap;

	(void)state;
	modloop_signals_init();
	assert_false(modloop_take_dump());
	raise(SIGUSR1);
	assert_true(modloop_take_dump());
	assert_false(modloop_take_dump());
	script(a, 1);
	stop_when_waiting = true;
	cap = test_stderr_start();
	assert_int_equal(modloop_run(&loop), 0);
	test_stderr_stop(cap);
	assert_true(modloop_quit());
	assert_int_equal(attempts, 1);
	assert_int_equal(waits, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_permanent),
		cmocka_unit_test(test_retries_then_gives_up),
		cmocka_unit_test(test_success_after_failures),
		cmocka_unit_test(test_signals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
