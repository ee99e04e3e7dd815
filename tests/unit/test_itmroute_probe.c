// SPDX-License-Identifier: GPL-2.0-only
/*
 * itmroute's probe wire format (src/apps/itmroute/probe.c): the exact
 * bytes of a probe, the round trip, and what the decoder refuses.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "probe.h"

static const struct probe_msg sample = {
	.type = PROBE_ACK,
	.seq = 0x01020304,
	.origin = 0x0a000001,
	.target = 0x0a000002,
	.via = 0x0a000003,
	.hold_us = 0x00000500,
	.sent_ns = 0x1122334455667788ull,
};

static void test_bytes(void **state)
{
	static const uint8_t want[PROBE_LEN] = {
		'I', 'R', 1, 2, 1, 2, 3, 4,
		10, 0, 0, 1, 10, 0, 0, 2,
		10, 0, 0, 3, 0, 0, 5, 0,
		0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
	};
	uint8_t buf[PROBE_LEN];
	struct probe_msg m = sample;
	uint32_t a;

	/* the addresses are bytes as in a packet, whatever the host order */
	memcpy(&a, (const uint8_t[]){ 10, 0, 0, 1 }, 4);
	m.origin = a;
	memcpy(&a, (const uint8_t[]){ 10, 0, 0, 2 }, 4);
	m.target = a;
	memcpy(&a, (const uint8_t[]){ 10, 0, 0, 3 }, 4);
	m.via = a;
	probe_encode(&m, buf);
	assert_memory_equal(buf, want, PROBE_LEN);
}

static void test_round_trip(void **state)
{
	uint8_t buf[PROBE_LEN + 8] = { 0 };
	struct probe_msg m;

	probe_encode(&sample, buf);
	memset(&m, 0xaa, sizeof(m));
	assert_int_equal(probe_decode(&m, buf, PROBE_LEN), 0);
	assert_int_equal(m.type, PROBE_ACK);
	assert_true(m.seq == sample.seq && m.origin == sample.origin &&
		    m.target == sample.target && m.via == sample.via &&
		    m.hold_us == sample.hold_us && m.sent_ns == sample.sent_ns);
	/* longer: what a later version appends is ignored */
	assert_int_equal(probe_decode(&m, buf, sizeof(buf)), 0);
}

static void test_refused(void **state)
{
	uint8_t buf[PROBE_LEN], bad[PROBE_LEN];
	struct probe_msg m;
	size_t n;

	probe_encode(&sample, buf);
	for (n = 0; n < PROBE_LEN; n++)		/* every short length */
		assert_int_equal(probe_decode(&m, buf, n), -EINVAL);
	memcpy(bad, buf, sizeof(bad));
	bad[0] = 'X';
	assert_int_equal(probe_decode(&m, bad, sizeof(bad)), -EINVAL);
	memcpy(bad, buf, sizeof(bad));
	bad[2] = 2;
	assert_int_equal(probe_decode(&m, bad, sizeof(bad)), -EPROTONOSUPPORT);
	assert_int_equal(probe_decode(&m, bad, 4), -EPROTONOSUPPORT);
	memcpy(bad, buf, sizeof(bad));
	bad[3] = 0;
	assert_int_equal(probe_decode(&m, bad, sizeof(bad)), -EINVAL);
	bad[3] = 3;
	assert_int_equal(probe_decode(&m, bad, sizeof(bad)), -EINVAL);
	bad[3] = PROBE_REQ;
	assert_int_equal(probe_decode(&m, bad, sizeof(bad)), 0);
	assert_int_equal(m.type, PROBE_REQ);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
