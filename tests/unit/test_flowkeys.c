// SPDX-License-Identifier: GPL-2.0-only
/*
 * core/flowkeys.c: the flow keys as tc's flow filter names them, read from
 * parsed packets: addresses of both families, ports only where the
 * protocol has them, a tunnel's inner header as the tunnel-* keys (0 for
 * plain traffic), the VLAN id without its priority bits, and the batch
 * reader fq_pie hashes with agreeing with the one-key reader for every
 * set of keys.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "itm/flowkeys.h"
#include "pktbuild.h"

static uint32_t key(const struct itm_pkt *p, enum itm_flow_key_id k)
{
	return itm_flow_key_value(p, k);
}

static void tcp4(struct pb *b, struct itm_pkt *p)
{
	pb_init(b);
	pb_eth(b, 0x0800);
	pb_ipv4(b, 0, 6, "10.1.2.3", "192.0.2.9", 0);
	pb_tcp(b, 40000, 443, 0x10, 100);
	pb_finish(b, p);
}

static void test_plain_ipv4(void **state)
{
	struct itm_pkt p;
	struct pb b;
	int k;

	(void)state;
	tcp4(&b, &p);
	assert_int_equal(key(&p, ITM_FK_SRC), 0x0a010203);
	assert_int_equal(key(&p, ITM_FK_DST), 0xc0000209);
	assert_int_equal(key(&p, ITM_FK_PROTO), 6);
	assert_int_equal(key(&p, ITM_FK_PROTO_SRC), 40000);
	assert_int_equal(key(&p, ITM_FK_PROTO_DST), 443);
	for (k = ITM_FK_IIF; k < ITM_FK_MAX; k++)
		assert_int_equal(key(&p, (enum itm_flow_key_id)k), 0);
}

/* An IPv6 address is the XOR of its four 32-bit words. */
static void test_ipv6_addresses(void **state)
{
	struct itm_pkt p;
	struct pb b;

	(void)state;
	pb_init(&b);
	pb_eth(&b, 0x86dd);
	pb_ipv6(&b, 0, 17, "2001:db8:1:2::5", "2001:db8::1");
	pb_udp(&b, 5353, 53, 10);
	pb_finish(&b, &p);
	assert_int_equal(key(&p, ITM_FK_SRC), 0x20010db8 ^ 0x00010002 ^ 0 ^ 5);
	assert_int_equal(key(&p, ITM_FK_DST), 0x20010db8 ^ 1);
	assert_int_equal(key(&p, ITM_FK_PROTO), 17);
	assert_int_equal(key(&p, ITM_FK_PROTO_SRC), 5353);
	assert_int_equal(key(&p, ITM_FK_PROTO_DST), 53);
}

/* ICMP has no ports: they read as 0, not as the ICMP header's bytes. */
static void test_no_ports(void **state)
{
	struct itm_pkt p;
	struct pb b;

	(void)state;
	pb_init(&b);
	pb_eth(&b, 0x0800);
	pb_ipv4(&b, 0, 1, "10.0.0.1", "10.0.0.2", 0);
	pb_icmp(&b, 8);
	pb_finish(&b, &p);
	assert_int_equal(key(&p, ITM_FK_PROTO), 1);
	assert_int_equal(key(&p, ITM_FK_PROTO_SRC), 0);
	assert_int_equal(key(&p, ITM_FK_PROTO_DST), 0);
}

/* A packet cut before its ports (a short capture) has none. */
static void test_short_capture(void **state)
{
	struct itm_pkt p;
	struct pb b;

	(void)state;
	tcp4(&b, &p);
	p.caplen = 14 + 20 + 2;
	itm_pkt_parse(&p);
	assert_int_equal(key(&p, ITM_FK_SRC), 0x0a010203);
	assert_int_equal(key(&p, ITM_FK_PROTO_SRC), 0);
	assert_int_equal(key(&p, ITM_FK_PROTO_DST), 0);
	p.caplen = 14 + 10;
	itm_pkt_parse(&p);
	assert_int_equal(key(&p, ITM_FK_SRC), 0);
	assert_int_equal(key(&p, ITM_FK_PROTO), 0);
}

/* IP-in-IP: the outer keys are the tunnel's (protocol 4, no ports), the
 * tunnel-* keys the inner flow's. */
static void test_tunnel_keys(void **state)
{
	struct itm_pkt p;
	struct pb b;

	(void)state;
	pb_init(&b);
	pb_eth(&b, 0x0800);
	pb_ipv4(&b, 0, 4, "198.51.100.1", "198.51.100.2", 0);
	pb_ipv4(&b, 0, 6, "10.0.0.1", "10.0.0.2", 0);
	pb_tcp(&b, 1234, 80, 0x10, 0);
	pb_finish(&b, &p);
	assert_int_equal(key(&p, ITM_FK_SRC), 0xc6336401);
	assert_int_equal(key(&p, ITM_FK_PROTO), 4);
	assert_int_equal(key(&p, ITM_FK_PROTO_SRC), 0);
	assert_int_equal(key(&p, ITM_FK_TUNNEL_SRC), 0x0a000001);
	assert_int_equal(key(&p, ITM_FK_TUNNEL_DST), 0x0a000002);
	assert_int_equal(key(&p, ITM_FK_TUNNEL_PROTO), 6);
	assert_int_equal(key(&p, ITM_FK_TUNNEL_PROTO_SRC), 1234);
	assert_int_equal(key(&p, ITM_FK_TUNNEL_PROTO_DST), 80);
}

static void test_metadata_keys(void **state)
{
	struct itm_pkt p;
	struct pb b;

	(void)state;
	pb_init(&b);
	pb_eth(&b, 0x8100);
	pb_vlan(&b, 0xa00 | 0x123 | 5u << 13, 0x0800);	/* PCP 5, VID 0xb23 */
	pb_ipv4(&b, 0, 17, "10.0.0.1", "10.0.0.2", 0);
	pb_udp(&b, 1, 2, 0);
	pb_finish(&b, &p);
	p.iif = 7;
	p.priority = 0x10003;
	p.mark = 0xdeadbeef;
	assert_int_equal(key(&p, ITM_FK_VLAN_TAG), 0xb23);
	assert_int_equal(key(&p, ITM_FK_IIF), 7);
	assert_int_equal(key(&p, ITM_FK_PRIORITY), 0x10003);
	assert_int_equal(key(&p, ITM_FK_MARK), 0xdeadbeef);
	assert_int_equal(key(&p, ITM_FK_PROTO_DST), 2);
}

/* itm_flow_key_values gives, for every one of the 2^14 key sets, the
 * one-key values in key order: plain, tunnelled and metadata packets. */
static void check_all_sets(const struct itm_pkt *p)
{
	uint32_t keys, vals[ITM_FK_MAX], want[ITM_FK_MAX];
	unsigned n, k, m;

	for (keys = 0; keys < 1u << ITM_FK_MAX; keys++) {
		for (m = 0, k = 0; k < ITM_FK_MAX; k++) {
			if (keys & 1u << k)
				want[m++] = itm_flow_key_value(p, k);
		}
		n = itm_flow_key_values(p, keys, vals);
		assert_int_equal(n, m);
		assert_memory_equal(vals, want, m * sizeof(uint32_t));
	}
}

static void test_values_agree(void **state)
{
	struct itm_pkt p;
	struct pb b;

	(void)state;
	tcp4(&b, &p);
	p.iif = 3;
	p.mark = 9;
	check_all_sets(&p);
	pb_init(&b);
	pb_eth(&b, 0x8100);
	pb_vlan(&b, 42, 0x86dd);
	pb_ipv6(&b, 0, 41, "2001:db8::1", "2001:db8::2");
	pb_ipv6(&b, 0, 17, "fd00::1", "fd00::2");
	pb_udp(&b, 7, 8, 0);
	pb_finish(&b, &p);
	p.priority = 6;
	check_all_sets(&p);
}

static void test_names(void **state)
{
	int n = 0;

	(void)state;
	while (itm_flow_key_names[n])
		n++;
	assert_int_equal(n, ITM_FK_MAX);
	assert_string_equal(itm_flow_key_names[ITM_FK_PROTO_DST], "proto-dst");
	assert_string_equal(itm_flow_key_names[ITM_FK_TUNNEL_SRC], "tunnel-src");
	assert_string_equal(itm_flow_key_names[ITM_FK_VLAN_TAG], "vlan-tag");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_ipv4),
		cmocka_unit_test(test_ipv6_addresses),
		cmocka_unit_test(test_no_ports),
		cmocka_unit_test(test_short_capture),
		cmocka_unit_test(test_tunnel_keys),
		cmocka_unit_test(test_metadata_keys),
		cmocka_unit_test(test_values_agree),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
