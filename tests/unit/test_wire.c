// SPDX-License-Identifier: GPL-2.0-only
/*
 * The registration message: what libitm builds is accepted, and every
 * malformed field is refused with a reason; the ring layout fits its cap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/ring.h"
#include "lib/wire.h"

static struct itm_wire_reg good(void)
{
	struct itm_wire_reg r;

	memset(&r, 0, sizeof(r));
	r.magic = ITM_WIRE_MAGIC;
	r.version = ITM_WIRE_VERSION;
	r.type = ITM_WIRE_REGISTER;
	r.hook = 2;
	r.mode = ITM_WIRE_PACKET;
	r.bufsize = 1500;
	r.prio = -3;
	strcpy(r.label, "qos-user_1");
	r.in.n_src = 1;
	r.in.src[0] = (struct itm_wire_prefix){ .family = 6, .len = 32 };
	r.in.n_dports = 2;
	r.in.dports[0] = 80;
	r.in.dports[1] = 443;
	strcpy(r.in.iif, "eth0");
	return r;
}

static int decode(const struct itm_wire_reg *r, char *msg)
{
	struct itm_wire_reg out;

	return itm_wire_reg_decode(r, sizeof(*r), &out, msg, 128);
}

static void test_good_roundtrip(void **state)
{
	struct itm_wire_reg r = good(), out;
	char msg[128];

	assert_int_equal(itm_wire_reg_decode(&r, sizeof(r), &out, msg,
					     sizeof(msg)), 0);
	assert_memory_equal(&r, &out, sizeof(r));
}

static void test_bad_fields(void **state)
{
	struct itm_wire_reg r;
	char msg[128];

	r = good();
	assert_int_equal(itm_wire_reg_decode(&r, sizeof(r) - 1, &r, msg, 128),
			 -EPROTO);
	r = good(); r.magic ^= 1;
	assert_int_equal(decode(&r, msg), -EPROTO);
	r = good(); r.version = 1;	/* the first, without reply flags */
	assert_int_equal(decode(&r, msg), -EPROTONOSUPPORT);
	assert_non_null(strstr(msg, "version 1"));
	r = good(); r.hook = 5;
	assert_int_equal(decode(&r, msg), -EINVAL);
	r = good(); r.mode = 3;
	assert_int_equal(decode(&r, msg), -EINVAL);
	r = good(); r.bufsize = 0;
	assert_int_equal(decode(&r, msg), -EINVAL);
	r = good(); r.n_slots = 100;
	assert_int_equal(decode(&r, msg), -EINVAL);
	r = good(); memset(r.label, 'a', sizeof(r.label));
	assert_int_equal(decode(&r, msg), -EINVAL);
	r = good(); strcpy(r.label, "a b");
	assert_int_equal(decode(&r, msg), -EINVAL);
	r = good(); r.in.n_src = 5;
	assert_int_equal(decode(&r, msg), -EINVAL);
	r = good(); r.in.src[0].len = 129;
	assert_int_equal(decode(&r, msg), -EINVAL);
	r = good(); r.in.n_dst = 1; r.in.dst[0].family = 5;
	assert_int_equal(decode(&r, msg), -EINVAL);
	r = good(); r.in.n_sports = 9;
	assert_int_equal(decode(&r, msg), -EINVAL);
	r = good(); memset(r.in.oif, 'x', sizeof(r.in.oif));
	assert_int_equal(decode(&r, msg), -EINVAL);
}

static void test_layout(void **state)
{
	struct itm_wire_reg r = good();
	struct itm_wire_layout l;

	assert_int_equal(itm_wire_layout(&r, &l), 0);
	assert_int_equal(l.n_slots, 256);
	assert_true(l.req_slot >= sizeof(struct itm_wire_pkt) + 1500);
	assert_int_equal(l.req_slot % 8, 0);
	assert_true(l.rsp_off >= itm_ring_bytes(l.n_slots, l.req_slot));
	assert_true(l.size >= l.rsp_off + itm_ring_bytes(l.n_slots, l.rsp_slot));
	r.mode = ITM_WIRE_META;
	assert_int_equal(itm_wire_layout(&r, &l), 0);
	assert_int_equal(l.req_slot, sizeof(struct itm_wire_pkt));
	r.mode = ITM_WIRE_PACKET;
	r.bufsize = 65535;
	r.n_slots = 65536;
	assert_int_equal(itm_wire_layout(&r, &l), -E2BIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_roundtrip),
		cmocka_unit_test(test_bad_fields),
		cmocka_unit_test(test_layout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
