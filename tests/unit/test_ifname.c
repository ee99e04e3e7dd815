// SPDX-License-Identifier: GPL-2.0-only
/*
 * ifname.c: device names by index for the modules' device clauses: index 0
 * and a missing device give no name, the loopback device its own, a name
 * is kept for the TTL and looked up again after it, two indexes sharing a
 * slot replace each other.
 */
#include <net/if.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "itm/ifname.h"

#define MISSING 0x7ffffff0u	/* no device has this index */

static void test_lookup(void **state)
{
	struct itm_ifnames c = { 0 };
	uint32_t lo = if_nametoindex("lo");

	(void)state;
	assert_true(lo > 0);
	assert_null(itm_ifname(&c, 0, 5));
	assert_string_equal(itm_ifname(&c, lo, 5), "lo");
	assert_null(itm_ifname(&c, MISSING, 5));
}

static void test_kept_then_refreshed(void **state)
{
	struct itm_ifnames c = { 0 };
	uint32_t lo = if_nametoindex("lo");
	struct itm_ifname_slot *s = &c.slot[lo % ITM_IFNAMES_CACHED];

	(void)state;
	assert_string_equal(itm_ifname(&c, lo, 100), "lo");
	strcpy(s->name, "renamed");	/* as if the device were renamed */
	assert_string_equal(itm_ifname(&c, lo, 100 + ITM_IFNAME_TTL_NS - 1), "renamed");
	assert_string_equal(itm_ifname(&c, lo, 100 + ITM_IFNAME_TTL_NS), "lo");
	strcpy(s->name, "renamed");
	assert_string_equal(itm_ifname(&c, lo, 50), "lo");	/* clock went back */
}

static void test_shared_slot(void **state)
{
	struct itm_ifnames c = { 0 };
	uint32_t lo = if_nametoindex("lo");
	uint32_t other = lo + ITM_IFNAMES_CACHED;	/* same slot */

	(void)state;
	assert_string_equal(itm_ifname(&c, lo, 1), "lo");
	strcpy(c.slot[lo % ITM_IFNAMES_CACHED].name, "stale");
	(void)itm_ifname(&c, other, 2);
	assert_int_equal(c.slot[lo % ITM_IFNAMES_CACHED].index, other);
	assert_string_equal(itm_ifname(&c, lo, 3), "lo");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_kept_then_refreshed),
		cmocka_unit_test(test_shared_slot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
