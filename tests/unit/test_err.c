// SPDX-License-Identifier: GPL-2.0-only
/*
 * core/err.c: the error report every control-path call fills: the
 * negative code returned, the message, the token, a NULL report
 * tolerated, and long text cut to the report's size, never past it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "itm/err.h"

static void test_set_and_tok(void **state)
{
	struct itm_err err;

	(void)state;
	assert_int_equal(itm_err_tok(&err, "15xs", EINVAL, "\"%s\" is not a time", "15xs"),
			 -EINVAL);
	assert_string_equal(err.tok, "15xs");
	assert_string_equal(err.msg, "\"15xs\" is not a time");
	/* a message without a token forgets the last token */
	assert_int_equal(itm_err_set(&err, ENOENT, "no module %d", 3), -ENOENT);
	assert_string_equal(err.tok, "");
	assert_string_equal(err.msg, "no module 3");
	assert_int_equal(itm_err_tok(&err, NULL, E2BIG, "too many"), -E2BIG);
	assert_string_equal(err.tok, "");
	itm_err_clear(&err);
	assert_string_equal(err.msg, "");
	assert_string_equal(err.tok, "");
}

static void test_null_report(void **state)
{
	(void)state;
	assert_int_equal(itm_err_set(NULL, EINVAL, "x"), -EINVAL);
	assert_int_equal(itm_err_tok(NULL, "t", ERANGE, "y"), -ERANGE);
	itm_err_clear(NULL);
}

static void test_long_text_cut(void **state)
{
	char big[1024];
	struct itm_err err;

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	itm_err_tok(&err, big, EINVAL, "bad: %s", big);
	assert_int_equal(strlen(err.tok), ITM_ERR_TOK_MAX - 1);
	assert_int_equal(strlen(err.msg), ITM_ERR_MSG_MAX - 1);
	assert_memory_equal(err.msg, "bad: aaa", 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_and_tok),
		cmocka_unit_test(test_null_report),
		cmocka_unit_test(test_long_text_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
