// SPDX-License-Identifier: GPL-2.0-only
/* DSCP names, default ranks, and the dscp module's map (ECN ignored). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "itm/cmd.h"
#include "itm/dscp.h"
#include "pktbuild.h"
#include "testutil.h"

static struct itm_engine *engine(const char *conf)
{
	return test_engine(conf, TEST_START);
}

static uint32_t prio_of(struct itm_engine *e, uint8_t tos)
{
	struct itm_pkt p;
	struct pb b;

	pb_init(&b);
	pb_eth(&b, 0x0800);
	pb_ipv4(&b, tos, 17, "192.0.2.1", "192.0.2.2", 0);
	pb_udp(&b, 1, 2, 0);
	pb_finish(&b, &p);
	p.priority = 99;
	itm_engine_run_hook(e, ITM_HOOK_POST_ROUTING, &p, 0);
	return p.priority;
}

static void test_names(void **state)
{
	uint8_t d;

	assert_int_equal(itm_dscp_parse("ef", &d), 0);
	assert_int_equal(d, 46);
	assert_int_equal(itm_dscp_parse("af41", &d), 0);
	assert_int_equal(d, 34);
	assert_int_equal(itm_dscp_parse("63", &d), 0);
	assert_int_equal(d, 63);
	assert_int_equal(itm_dscp_parse("64", &d), -EINVAL);
	assert_int_equal(itm_dscp_parse("af44", &d), -EINVAL);
	assert_string_equal(itm_dscp_name(8), "cs1");
	assert_null(itm_dscp_name(3));
}

static void test_defaults_match_schema(void **state)
{
	const struct itm_mod_ops *ops = itm_mod_find("dscp");
	unsigned cp;

	assert_non_null(ops);
	for (cp = 0; cp < ITM_DSCP_COUNT; cp++) {
		const struct itm_attr *a = &ops->attrs[cp];
		const char *name = itm_dscp_name((uint8_t)cp);
		char want[16];

		snprintf(want, sizeof(want), "dscp%u", cp);
		assert_string_equal(a->name, name ? name : want);
		assert_int_equal(a->def, itm_dscp_default_prio((uint8_t)cp));
	}
	assert_int_equal(itm_dscp_default_prio(46), 6);	/* EF high */
	assert_int_equal(itm_dscp_default_prio(56), 7);	/* CS7 */
	assert_int_equal(itm_dscp_default_prio(40), 5);	/* CS5 */
	assert_int_equal(itm_dscp_default_prio(8), 0);	/* CS1 low */
	assert_int_equal(itm_dscp_default_prio(0), 1);	/* best effort */
	assert_true(itm_dscp_default_prio(8) < itm_dscp_default_prio(0));
}

static void test_ecn_never_changes_priority(void **state)
{
	struct itm_engine *e = engine("module add dscp\n");
	unsigned cp, ecn;

	for (cp = 0; cp < 64; cp++) {
		uint32_t want = itm_dscp_default_prio((uint8_t)cp);

		for (ecn = 0; ecn < 4; ecn++)
			assert_int_equal(prio_of(e, (uint8_t)(cp << 2 | ecn)), want);
	}
	itm_engine_destroy(e);
}

static void test_override(void **state)
{
	struct itm_engine *e = engine("module add dscp ef 7 dscp3 4\n");
	struct itm_err err;

	assert_int_equal(prio_of(e, 46 << 2), 7);
	assert_int_equal(prio_of(e, 3 << 2 | 1), 4);
	assert_int_equal(itm_engine_param_set(e, "dscp.cs1", "2", &err), 0);
	assert_int_equal(prio_of(e, 8 << 2), 2);
	assert_int_equal(itm_engine_param_set(e, "dscp.cs1", "8", &err), -ERANGE);
	itm_engine_destroy(e);
}

static void test_feeds_flow_priority_key(void **state)
{
	struct itm_engine *e = engine("module add dscp\n"
				      "module add flow mode map key priority\n");
	struct itm_pkt p;
	struct pb b;

	pb_init(&b);
	pb_eth(&b, 0x0800);
	pb_ipv4(&b, 46 << 2 | 3, 17, "192.0.2.1", "192.0.2.2", 0);
	pb_udp(&b, 1, 2, 0);
	pb_finish(&b, &p);
	itm_engine_run_hook(e, ITM_HOOK_POST_ROUTING, &p, 0);
	assert_int_equal(p.classid, 0x10001 + 6);
	itm_engine_destroy(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_defaults_match_schema),
		cmocka_unit_test(test_ecn_never_changes_priority),
		cmocka_unit_test(test_override),
		cmocka_unit_test(test_feeds_flow_priority_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
