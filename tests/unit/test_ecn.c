// SPDX-License-Identifier: GPL-2.0-only
/*
 * ecn.c: CE marking of ECT(0) and ECT(1) on IPv4 (with a checksum still
 * valid after the incremental update, over many header values) and IPv6,
 * CE left as it is, not-ECT and non-IP packets untouched.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "itm/ecn.h"
#include "pktbuild.h"

static void build4(struct pb *b, struct itm_pkt *p, uint8_t tos, int opts)
{
	pb_init(b);
	pb_eth(b, 0x0800);
	pb_ipv4(b, tos, 6, "192.0.2.1", "198.51.100.7", opts);
	pb_tcp(b, 1234, 80, ITM_TCP_ACK, 10);
	pb_finish(b, p);
}

static void test_ipv4_every_tos(void **state)
{
	struct itm_pkt p;
	struct pb b;
	unsigned tos;

	(void)state;
	for (tos = 0; tos < 256; tos++) {
		uint8_t ecn = tos & 3;
		bool marked;

		build4(&b, &p, (uint8_t)tos, (int)(tos % 3));
		marked = itm_pkt_set_ce(&p);
		assert_int_equal(marked, ecn != 0);
		assert_int_equal(b.d[15], ecn ? (tos | 3) : tos);
		assert_int_equal(p.v.outer.tos, b.d[15]);
		assert_int_equal(itm_csum_verify(&p), 0);
	}
}

static void test_ipv6(void **state)
{
	struct itm_pkt p;
	struct pb b;

	(void)state;
	pb_init(&b);
	pb_eth(&b, 0x86dd);
	pb_ipv6(&b, 0xb9, 17, "2001:db8::1", "2001:db8::2");
	pb_udp(&b, 5, 6, 20);
	pb_finish(&b, &p);
	assert_true(itm_pkt_set_ce(&p));
	assert_int_equal(p.v.outer.tos, 0xbb);
	assert_int_equal(b.d[14], 0x6b);	/* version 6, tclass high 0xb */
	assert_int_equal(b.d[15] >> 4, 0xb);
	assert_int_equal(itm_csum_verify(&p), 0);
}

static void test_not_ip(void **state)
{
	struct itm_pkt p;
	struct pb b;

	(void)state;
	pb_init(&b);
	pb_eth(&b, 0x0806);
	b.len += 28;
	pb_finish(&b, &p);
	assert_false(itm_pkt_set_ce(&p));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_every_tos),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_not_ip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
