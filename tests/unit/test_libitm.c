// SPDX-License-Identifier: GPL-2.0-only
/*
 * libitm's local part: the interest setters (a bad entry changes nothing),
 * libitm_init's checks, and registration without an itmd to talk to.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "itm/libitm.h"

static void test_protocols(void **state)
{
	static const int good[] = { 6, 17 }, bad[] = { 6, 256 };
	struct libitm_info in;

	libitm_init_interest(&in);
	assert_int_equal(in.interest.protos[0], 0);
	assert_int_equal(libitm_set_protocols(&in, good, 2), 0);
	assert_int_equal(in.interest.protos[0], 1u << 6);
	assert_int_equal(in.interest.protos[2], 1u << 1);
	assert_int_equal(libitm_set_protocols(&in, bad, 2), -EINVAL);
	assert_int_equal(in.interest.protos[0], 1u << 6);	/* unchanged */
}

static void test_addresses(void **state)
{
	const char *good[] = { "10.1.0.0/16", "2001:db8::/32", "192.0.2.7" };
	const char *bad[] = { "10.0.0.0/33" }, *junk[] = { "ten" };
	const char *many[] = { "1.1.1.1", "1.1.1.2", "1.1.1.3", "1.1.1.4",
			       "1.1.1.5" };
	struct libitm_info in;

	libitm_init_interest(&in);
	assert_int_equal(libitm_set_saddr(&in, good, 3), 0);
	assert_int_equal(in.interest.n_src, 3);
	assert_int_equal(in.interest.src[0].family, 4);
	assert_int_equal(in.interest.src[0].len, 16);
	assert_int_equal(in.interest.src[0].addr[1], 1);
	assert_int_equal(in.interest.src[1].family, 6);
	assert_int_equal(in.interest.src[1].len, 32);
	assert_int_equal(in.interest.src[2].len, 32);
	assert_int_equal(libitm_set_daddr(&in, bad, 1), -EINVAL);
	assert_int_equal(libitm_set_daddr(&in, junk, 1), -EINVAL);
	assert_int_equal(libitm_set_daddr(&in, many, 5), -E2BIG);
	assert_int_equal(in.interest.n_dst, 0);
}

static void test_ports_and_devices(void **state)
{
	static const int ports[] = { 53, 443 }, zero[] = { 0 };
	static const int nine[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	const char *one[] = { "eth0" }, *two[] = { "eth0", "eth1" };
	const char *long_name[] = { "a-name-longer-than-16" };
	struct libitm_info in;

	libitm_init_interest(&in);
	assert_int_equal(libitm_set_dst_ports(&in, ports, 2), 0);
	assert_int_equal(in.interest.n_dports, 2);
	assert_int_equal(in.interest.dports[1], 443);
	assert_int_equal(libitm_set_src_ports(&in, zero, 1), -EINVAL);
	assert_int_equal(libitm_set_src_ports(&in, nine, 9), -E2BIG);
	assert_int_equal(in.interest.n_sports, 0);
	assert_int_equal(libitm_set_indev(&in, one, 1), 0);
	assert_string_equal(in.interest.indev, "eth0");
	assert_int_equal(libitm_set_outdev(&in, two, 2), -E2BIG);
	assert_int_equal(libitm_set_outdev(&in, long_name, 1), -EINVAL);
	assert_int_equal(libitm_set_indev(&in, NULL, 0), 0);
	assert_string_equal(in.interest.indev, "");
}

static void test_init_and_register_checks(void **state)
{
	struct libitm_info in = { .label = "t" };

	assert_int_equal(libitm_init(0, LIBITM_PACKET), -EINVAL);
	assert_int_equal(libitm_init(65536, LIBITM_PACKET), -EINVAL);
	assert_int_equal(libitm_init(0, 3), -EINVAL);
	assert_int_equal(libitm_init(0, LIBITM_META), 0);
	assert_int_equal(libitm_register_timer(NULL, 0), 0);
	assert_int_equal(libitm_register(7, &in), -EINVAL);
	setenv("ITM_MODULE_SOCKET", "/nonexistent/itm-modules.sock", 1);
	assert_int_equal(libitm_register(LIBITM_FORWARD, &in), -ENOENT);
	assert_int_equal(libitm_unregister(LIBITM_FORWARD), -ENOENT);
	libitm_stop();		/* nothing registered: nothing to do */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_protocols),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_ports_and_devices),
		cmocka_unit_test(test_init_and_register_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
