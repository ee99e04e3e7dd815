// SPDX-License-Identifier: GPL-2.0-only
/*
 * json.c: a string is quoted; quotes, backslashes and control characters
 * are escaped; other bytes (UTF-8 included) pass as they are; NULL is null.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "itm/json.h"

static char *json(const char *s)
{
	static char out[256];
	FILE *f = fmemopen(out, sizeof(out), "w");

	assert_non_null(f);
	itm_json_str(f, s);
	fclose(f);
	return out;
}

static void test_plain(void **state)
{
	(void)state;
	assert_string_equal(json("eth0"), "\"eth0\"");
	assert_string_equal(json(""), "\"\"");
	assert_string_equal(json("d\xc3\xa9v"), "\"d\xc3\xa9v\"");
	assert_string_equal(json(NULL), "null");
}

static void test_escaped(void **state)
{
	(void)state;
	assert_string_equal(json("a\"b"), "\"a\\\"b\"");
	assert_string_equal(json("a\\b"), "\"a\\\\b\"");
	assert_string_equal(json("a\nb\x01"), "\"a\\u000ab\\u0001\"");
	assert_string_equal(json("\x1f\x7f"), "\"\\u001f\x7f\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_escaped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
