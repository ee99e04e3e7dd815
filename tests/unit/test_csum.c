// SPDX-License-Identifier: GPL-2.0-only
/*
 * csum.c: the RFC 1071 sum, and the fix-up of every checksum a modified
 * packet carries. Results are checked against a reference sum written here
 * from the RFCs (not against csum.c itself): IPv4 header, TCP/UDP/ICMPv6
 * with their pseudo headers, ICMP, GRE with the C bit, tunnels, and the
 * cases that must be left alone (truncated captures, fragments, UDP 0).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "itm/csum.h"
#include "pktbuild.h"

/* ---- reference implementation, straight from RFC 1071 / 768 / 2460 ---- */

static uint32_t ref_add(uint32_t acc, const uint8_t *d, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		acc += (uint32_t)d[i] << 8 | d[i + 1];
	if (len & 1)
		acc += (uint32_t)d[len - 1] << 8;
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return acc;
}

/* One's-complement sum folded to 16 bits; 0xffff means "checks". */
static uint16_t ref_sum16(const uint8_t *d, size_t len, uint32_t acc)
{
	return (uint16_t)ref_add(acc, d, len);
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t ref_pseudo(const uint8_t *ip, uint8_t proto, uint32_t l4len)
{
	uint32_t acc = 0;

	if ((ip[0] >> 4) == 4) {
		acc = ref_add(acc, ip + 12, 8);
	} else {
		acc = ref_add(acc, ip + 8, 32);
	}
	acc += proto;
	acc += l4len >> 16;
	acc += l4len & 0xffff;
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return acc;
}

static bool ref_ipv4_ok(const uint8_t *ip)
{
	return ref_sum16(ip, (size_t)(ip[0] & 0x0f) * 4, 0) == 0xffff;
}

/* L4 segment at l4 of l4len bytes behind IP header ip; proto 1 = no pseudo. */
static bool ref_l4_ok(const uint8_t *ip, uint8_t proto, const uint8_t *l4,
		      uint32_t l4len)
{
	uint32_t acc = proto == 1 ? 0 : ref_pseudo(ip, proto, l4len);

	return ref_sum16(l4, l4len, acc) == 0xffff;
}

/* ---- helpers ---- */

#define SEG_LEN(b, i) ((b)->len - (uint32_t)(b)->l4_off[i])

static void reparse(struct pb *b, struct itm_pkt *p)
{
	p->data = b->d;
	p->caplen = p->wirelen = b->len;
	p->link = ITM_LINK_ETHERNET;
	itm_pkt_parse(p);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Offset of the checksum inside an L4 header. */
static uint32_t l4_field(uint8_t proto)
{
	switch (proto) {
	case 6: return 16;
	case 17: return 6;
	default: return 2;	/* ICMP, ICMPv6 */
	}
}

static void spoil_l4(struct pb *b, int i, uint16_t v)
{
	put16(b->d + b->l4_off[i] + l4_field(b->l4_proto[i]), v);
}

static uint16_t l4_csum(const struct pb *b, int i)
{
	return rd16(b->d + b->l4_off[i] + l4_field(b->l4_proto[i]));
}

static void spoil_ipv4(struct pb *b, int i, uint16_t v)
{
	put16(b->d + b->ip_off[i] + 10, v);
}

static bool l4_ok(const struct pb *b, int i)
{
	return ref_l4_ok(b->d + b->ip_off[i], b->l4_proto[i],
			 b->d + b->l4_off[i], SEG_LEN(b, i));
}

static void payload_fill(struct pb *b, uint32_t from, uint8_t seed)
{
	uint32_t i;

	for (i = from; i < b->len; i++)
		b->d[i] = (uint8_t)(seed + i * 7);
}

/* ---- itm_csum_partial / itm_csum_fold ---- */

static void test_rfc1071_example(void **state)
{
	/* RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2 */
	static const uint8_t d[] = { 0x00, 0x01, 0xf2, 0x03,
				     0xf4, 0xf5, 0xf6, 0xf7 };
	uint8_t with_sum[10];
	uint32_t s = itm_csum_partial(d, sizeof(d), 0);

	assert_int_equal(s, 0x2ddf0);		/* unfolded: 0001+f203+f4f5+f6f7 */
	assert_int_equal(itm_csum_fold(s), 0x220d);	/* ~0xddf2 */
	/* split anywhere even, the sum is the same */
	assert_int_equal(itm_csum_fold(itm_csum_partial(d + 4, 4,
				itm_csum_partial(d, 4, 0))), 0x220d);
	assert_int_equal(itm_csum_fold(itm_csum_partial(d + 2, 6,
				itm_csum_partial(d, 2, 0))), 0x220d);
	/* data followed by its checksum sums to zero */
	memcpy(with_sum, d, sizeof(d));
	with_sum[8] = 0x22;
	with_sum[9] = 0x0d;
	assert_int_equal(itm_csum_fold(itm_csum_partial(with_sum, 10, 0)), 0);
}

static void test_partial_odd_and_carry(void **state)
{
	static const uint8_t odd[] = { 0x01, 0x02, 0x03 };
	uint8_t *big;
	size_t n = 200000, i;
	uint32_t s;

	/* an odd trailing byte is the high half of a word */
	assert_int_equal(itm_csum_partial(odd, 3, 0), 0x0402);
	assert_int_equal(itm_csum_partial(odd, 1, 0), 0x0100);
	assert_int_equal(itm_csum_partial(odd, 0, 0x1234), 0x1234);
	/* a carry out of 32 bits comes back in: fffffff0 + 0402 = 1_000003f2 */
	assert_int_equal(itm_csum_partial(odd, 3, 0xfffffff0), 0x3f3);
	/* more than 2^32 of words: the 32-bit sum must wrap end-around */
	big = malloc(n);
	assert_non_null(big);
	memset(big, 0xff, n);
	s = itm_csum_partial(big, n, 0);
	assert_int_equal(s % 0xffff, 0);	/* 100000 * 0xffff == 0 mod 0xffff */
	assert_int_equal(itm_csum_fold(s), 0x0000);
	for (i = 0; i < n; i++)
		big[i] = (uint8_t)(i * 13 + 5);
	s = itm_csum_partial(big, n, 0);
	assert_int_equal(itm_csum_fold(s), (uint16_t)~ref_sum16(big, n, 0));
	free(big);
}

static void test_fold(void **state)
{
	static const struct { uint32_t in; uint16_t out; } c[] = {
		{ 0, 0xffff },
		{ 0xffff, 0x0000 },
		{ 0x1234, 0xedcb },
		{ 0x10000, 0xfffe },		/* 0x0000 + 1 */
		{ 0x1fffe, 0x0000 },		/* 0xfffe + 1 = 0xffff */
		{ 0xffffffff, 0x0000 },
		{ 0x0002ddf0, 0x220d },
		{ 0x80008000, 0xfffe },	/* 8000+8000 = 10000 -> 0001 */
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		if (itm_csum_fold(c[i].in) != c[i].out)
			fail_msg("fold(%#x) = %#x, expected %#x", c[i].in,
				 itm_csum_fold(c[i].in), c[i].out);
	}
}

/* ---- itm_csum_fix / verify on whole packets ---- */

static void build_ipv4_tcp(struct pb *b, struct itm_pkt *p, uint32_t payload,
			   int opt_words)
{
	pb_init(b);
	pb_eth(b, 0x0800);
	pb_ipv4(b, 0, 6, "192.0.2.1", "198.51.100.7", opt_words);
	pb_tcp(b, 40000, 80, ITM_TCP_ACK | ITM_TCP_PSH, payload);
	payload_fill(b, (uint32_t)b->l4_off[0] + 20, 3);
	pb_finish(b, p);
}

static void test_ipv4_tcp(void **state)
{
	struct itm_pkt p;
	struct pb b;

	build_ipv4_tcp(&b, &p, 101, 0);	/* odd length: padding of the sum */
	spoil_l4(&b, 0, 0xdead);
	spoil_ipv4(&b, 0, 0xbeef);
	assert_int_not_equal(itm_csum_verify(&p), 0);
	assert_int_equal(itm_csum_fix(&p), 2);
	assert_true(ref_ipv4_ok(b.d + b.ip_off[0]));
	assert_true(l4_ok(&b, 0));
	assert_int_equal(itm_csum_verify(&p), 0);
	/* a fix of a correct packet rewrites the same bytes */
	{
		uint8_t copy[2048];

		memcpy(copy, b.d, b.len);
		assert_int_equal(itm_csum_fix(&p), 2);
		assert_memory_equal(copy, b.d, b.len);
	}
}

static void test_ipv4_options(void **state)
{
	struct itm_pkt p;
	struct pb b;

	build_ipv4_tcp(&b, &p, 10, 3);
	spoil_l4(&b, 0, 0);
	spoil_ipv4(&b, 0, 0);
	assert_int_equal(itm_csum_fix(&p), 2);
	assert_true(ref_ipv4_ok(b.d + b.ip_off[0]));	/* all 32 bytes */
	assert_true(l4_ok(&b, 0));
	assert_int_equal(itm_csum_verify(&p), 0);
}

static void test_verify_detects_each_field(void **state)
{
	struct itm_pkt p;
	struct pb b;

	build_ipv4_tcp(&b, &p, 20, 0);
	assert_int_equal(itm_csum_verify(&p), 0);
	b.d[b.l4_off[0] + 17] ^= 1;		/* TCP checksum */
	assert_int_not_equal(itm_csum_verify(&p), 0);
	b.d[b.l4_off[0] + 17] ^= 1;
	assert_int_equal(itm_csum_verify(&p), 0);
	b.d[b.ip_off[0] + 11] ^= 1;		/* IPv4 checksum */
	assert_int_not_equal(itm_csum_verify(&p), 0);
	b.d[b.ip_off[0] + 11] ^= 1;
	b.d[b.len - 1] ^= 0x80;			/* last payload byte */
	assert_int_not_equal(itm_csum_verify(&p), 0);
	b.d[b.len - 1] ^= 0x80;
	assert_int_equal(itm_csum_verify(&p), 0);
}

static void build_ipv4_udp(struct pb *b, struct itm_pkt *p, uint32_t payload)
{
	pb_init(b);
	pb_eth(b, 0x0800);
	pb_ipv4(b, 0, 17, "10.1.2.3", "10.20.30.40", 0);
	pb_udp(b, 5353, 53, payload);
	payload_fill(b, (uint32_t)b->l4_off[0] + 8, 11);
	pb_finish(b, p);
}

static void test_ipv4_udp(void **state)
{
	struct itm_pkt p;
	struct pb b;

	build_ipv4_udp(&b, &p, 33);
	spoil_l4(&b, 0, 0x1234);	/* a checksum is in use */
	spoil_ipv4(&b, 0, 0x4321);
	assert_int_equal(itm_csum_fix(&p), 2);
	assert_int_not_equal(l4_csum(&b, 0), 0);
	assert_true(l4_ok(&b, 0));
	assert_true(ref_ipv4_ok(b.d + b.ip_off[0]));
	assert_int_equal(itm_csum_verify(&p), 0);
}

static void test_ipv4_udp_zero_stays_zero(void **state)
{
	struct itm_pkt p;
	struct pb b;

	build_ipv4_udp(&b, &p, 33);
	spoil_l4(&b, 0, 0);		/* RFC 768: no checksum */
	itm_l3_set_tos(&p, &p.v.outer, 0x10);
	assert_int_equal(itm_csum_fix(&p), 1);	/* the IPv4 header only */
	assert_int_equal(l4_csum(&b, 0), 0);
	assert_true(ref_ipv4_ok(b.d + b.ip_off[0]));
	assert_int_equal(itm_csum_verify(&p), 0);
}

/* A UDP sum that computes to zero is sent as 0xffff (RFC 768). */
static void test_udp_computed_zero_is_ffff(void **state)
{
	struct itm_pkt p;
	struct pb b;
	uint8_t *w;
	uint16_t s;

	build_ipv4_udp(&b, &p, 2);
	w = b.d + b.l4_off[0] + 8;		/* the 2-byte payload */
	put16(w, 0);
	spoil_l4(&b, 0, 0);
	s = ref_sum16(b.d + b.l4_off[0], SEG_LEN(&b, 0),
		      ref_pseudo(b.d + b.ip_off[0], 17, SEG_LEN(&b, 0)));
	put16(w, (uint16_t)~s);			/* now the segment sums to ffff */
	spoil_l4(&b, 0, 0x5555);		/* non-zero: in use */
	assert_int_equal(itm_csum_fix(&p), 2);
	assert_int_equal(l4_csum(&b, 0), 0xffff);
	assert_true(l4_ok(&b, 0));
	assert_int_equal(itm_csum_verify(&p), 0);
}

static void test_ipv4_icmp(void **state)
{
	struct itm_pkt p;
	struct pb b;

	pb_init(&b);
	pb_eth(&b, 0x0800);
	pb_ipv4(&b, 0, 1, "10.1.2.3", "10.20.30.40", 0);
	pb_icmp(&b, 8);
	b.d[b.len - 1] = 0x42;		/* echo sequence */
	pb_finish(&b, &p);
	spoil_l4(&b, 0, 0xffff);
	spoil_ipv4(&b, 0, 0);
	assert_int_equal(itm_csum_fix(&p), 2);
	/* ICMP has no pseudo header */
	assert_int_equal(ref_sum16(b.d + b.l4_off[0], 8, 0), 0xffff);
	assert_true(ref_ipv4_ok(b.d + b.ip_off[0]));
	assert_int_equal(itm_csum_verify(&p), 0);
}

static void build_ipv6(struct pb *b, struct itm_pkt *p, uint8_t proto,
		       bool ext)
{
	pb_init(b);
	pb_eth(b, 0x86dd);
	pb_ipv6(b, 0, ext ? 0 : proto, "2001:db8::1", "2001:db8:1::2");
	if (ext) {
		pb_ext6(b, proto, 1);	/* hop-by-hop, 16 bytes */
		b->l4_proto[0] = proto;
	}
	if (proto == 6)
		pb_tcp(b, 443, 50000, ITM_TCP_ACK, 57);
	else if (proto == 17)
		pb_udp(b, 4500, 4500, 57);
	else
		pb_icmp(b, 128);
	payload_fill(b, (uint32_t)b->l4_off[0] + 8, 29);
	if (proto == 6)		/* keep the data offset */
		b->d[b->l4_off[0] + 12] = 5 << 4;
	pb_finish(b, p);
}

static void test_ipv6_l4(void **state)
{
	static const struct { uint8_t proto; bool ext; } c[] = {
		{ 6, false }, { 17, false }, { 58, false },
		{ 6, true }, { 17, true }, { 58, true },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct itm_pkt p;
		struct pb b;

		build_ipv6(&b, &p, c[i].proto, c[i].ext);
		assert_int_equal(p.v.outer.proto, c[i].proto);
		spoil_l4(&b, 0, 0x0bad);
		assert_int_not_equal(itm_csum_verify(&p), 0);
		if (itm_csum_fix(&p) != 1 || !l4_ok(&b, 0) ||
		    itm_csum_verify(&p) != 0)
			fail_msg("IPv6 proto %u ext %d: not fixed", c[i].proto,
				 c[i].ext);
	}
}

/* IPv6 has no "no checksum": a UDP zero is computed like any other value. */
static void test_ipv6_udp_zero_is_computed(void **state)
{
	struct itm_pkt p;
	struct pb b;

	build_ipv6(&b, &p, 17, false);
	spoil_l4(&b, 0, 0);
	assert_int_equal(itm_csum_fix(&p), 1);
	assert_int_not_equal(l4_csum(&b, 0), 0);
	assert_true(l4_ok(&b, 0));
}

static void test_tos_change_then_fix(void **state)
{
	struct itm_pkt p;
	struct pb b;
	uint16_t tcp_before;

	build_ipv4_tcp(&b, &p, 40, 0);
	tcp_before = l4_csum(&b, 0);
	itm_l3_set_tos(&p, &p.v.outer, 0x10);
	assert_int_equal(b.d[b.ip_off[0] + 1], 0x10);
	assert_int_not_equal(itm_csum_verify(&p), 0);
	assert_false(ref_ipv4_ok(b.d + b.ip_off[0]));
	itm_csum_fix(&p);
	assert_int_equal(itm_csum_verify(&p), 0);
	assert_true(ref_ipv4_ok(b.d + b.ip_off[0]));
	/* the TOS is not in the pseudo header: TCP keeps its sum */
	assert_int_equal(l4_csum(&b, 0), tcp_before);

	/* IPv6 traffic class: no header sum, nothing to verify wrong */
	build_ipv6(&b, &p, 6, false);
	tcp_before = l4_csum(&b, 0);
	itm_l3_set_tos(&p, &p.v.outer, 0xb8);
	assert_int_equal(itm_csum_verify(&p), 0);
	assert_int_equal(itm_csum_fix(&p), 1);
	assert_int_equal(l4_csum(&b, 0), tcp_before);
}

static void test_ipip_inner_tcp(void **state)
{
	struct itm_pkt p;
	struct pb b;

	pb_init(&b);
	pb_eth(&b, 0x0800);
	pb_ipv4(&b, 0, 4, "10.0.0.1", "10.0.0.2", 0);
	pb_ipv4(&b, 0, 6, "192.168.1.1", "192.168.2.2", 0);
	pb_tcp(&b, 1234, 22, ITM_TCP_SYN, 12);
	payload_fill(&b, (uint32_t)b.l4_off[1] + 20, 1);
	pb_finish(&b, &p);
	assert_int_equal(p.v.tunnel, ITM_TUNNEL_IPIP);
	spoil_l4(&b, 1, 0x1111);
	spoil_ipv4(&b, 1, 0x2222);
	spoil_ipv4(&b, 0, 0x3333);
	assert_int_not_equal(itm_csum_verify(&p), 0);
	assert_int_equal(itm_csum_fix(&p), 3);
	assert_true(ref_ipv4_ok(b.d + b.ip_off[0]));
	assert_true(ref_ipv4_ok(b.d + b.ip_off[1]));
	assert_true(l4_ok(&b, 1));
	assert_int_equal(itm_csum_verify(&p), 0);
	/* a change of the inner TOS is found and fixed too */
	itm_l3_set_tos(&p, &p.v.inner, 0x28);
	assert_int_not_equal(itm_csum_verify(&p), 0);
	itm_csum_fix(&p);
	assert_true(ref_ipv4_ok(b.d + b.ip_off[1]));
	assert_int_equal(itm_csum_verify(&p), 0);
}

static void test_gre_csum_ipv4_udp(void **state)
{
	struct itm_pkt p;
	struct pb b;
	uint32_t gre;

	pb_init(&b);
	pb_eth(&b, 0x0800);
	pb_ipv4(&b, 0, 47, "203.0.113.1", "203.0.113.2", 0);
	gre = pb_gre(&b, 0x8000, 0x0800);
	pb_ipv4(&b, 0x04, 17, "172.16.0.1", "172.16.0.2", 0);
	pb_udp(&b, 9999, 7, 21);
	payload_fill(&b, (uint32_t)b.l4_off[1] + 8, 77);
	pb_finish(&b, &p);
	assert_int_equal(p.v.tunnel, ITM_TUNNEL_GRE);
	spoil_l4(&b, 1, 0x7777);		/* inner UDP uses a checksum */
	spoil_ipv4(&b, 1, 0);
	put16(b.d + gre + 4, 0xabcd);
	spoil_ipv4(&b, 0, 0);
	assert_int_not_equal(itm_csum_verify(&p), 0);
	assert_int_equal(itm_csum_fix(&p), 4);
	assert_true(l4_ok(&b, 1));
	assert_true(ref_ipv4_ok(b.d + b.ip_off[1]));
	/* GRE covers its header and everything after it, the fixed inner
	 * packet included */
	assert_int_equal(ref_sum16(b.d + gre, b.len - gre, 0), 0xffff);
	assert_true(ref_ipv4_ok(b.d + b.ip_off[0]));
	assert_int_equal(itm_csum_verify(&p), 0);
	/* an inner TOS change makes the inner header and GRE wrong */
	itm_l3_set_tos(&p, &p.v.inner, 0x10);
	assert_int_not_equal(itm_csum_verify(&p), 0);
	itm_csum_fix(&p);
	assert_int_equal(ref_sum16(b.d + gre, b.len - gre, 0), 0xffff);
	assert_int_equal(itm_csum_verify(&p), 0);
}

static void test_gre_without_c_bit(void **state)
{
	struct itm_pkt p;
	struct pb b;
	uint32_t gre;

	pb_init(&b);
	pb_eth(&b, 0x0800);
	pb_ipv4(&b, 0, 47, "203.0.113.1", "203.0.113.2", 0);
	gre = pb_gre(&b, 0x2000, 0x0800);	/* key only */
	put16(b.d + gre + 4, 0xabcd);		/* the key, not a checksum */
	pb_ipv4(&b, 0, 17, "172.16.0.1", "172.16.0.2", 0);
	pb_udp(&b, 9999, 7, 4);
	pb_finish(&b, &p);
	assert_int_equal(p.v.tunnel, ITM_TUNNEL_GRE);
	assert_int_equal(rd16(b.d + gre + 4), 0xabcd);
	spoil_ipv4(&b, 1, 0);
	assert_int_equal(itm_csum_fix(&p), 2);	/* inner and outer IPv4 */
	assert_int_equal(rd16(b.d + gre + 4), 0xabcd);
	assert_int_equal(itm_csum_verify(&p), 0);
}

static void test_truncated_capture(void **state)
{
	struct itm_pkt p;
	struct pb b;

	build_ipv4_tcp(&b, &p, 200, 0);
	spoil_l4(&b, 0, 0xbeef);
	itm_l3_set_tos(&p, &p.v.outer, 0x04);
	/* the capture ends in the payload: the TCP sum cannot be computed */
	p.caplen = b.len - 50;
	itm_pkt_parse(&p);
	assert_true(itm_l3_has(&p.v.outer, ITM_HAVE_L4));
	assert_int_equal(itm_csum_fix(&p), 1);
	assert_int_equal(l4_csum(&b, 0), 0xbeef);
	assert_true(ref_ipv4_ok(b.d + b.ip_off[0]));
	assert_int_equal(itm_csum_verify(&p), 0);	/* what can be checked */

	/* one byte short is as short as fifty */
	build_ipv4_tcp(&b, &p, 200, 0);
	spoil_l4(&b, 0, 0xbeef);
	spoil_ipv4(&b, 0, 0);
	p.caplen = b.len - 1;
	itm_pkt_parse(&p);
	assert_int_equal(itm_csum_fix(&p), 1);
	assert_int_equal(l4_csum(&b, 0), 0xbeef);
	assert_true(ref_ipv4_ok(b.d + b.ip_off[0]));

	/* IPv6: nothing to fix at all */
	build_ipv6(&b, &p, 17, false);
	spoil_l4(&b, 0, 0xbeef);
	p.caplen = b.len - 10;
	itm_pkt_parse(&p);
	assert_int_equal(itm_csum_fix(&p), 0);
	assert_int_equal(l4_csum(&b, 0), 0xbeef);
}

/* Ethernet pads short frames: the padding is not part of the segment. */
static void test_ethernet_padding(void **state)
{
	struct itm_pkt p;
	struct pb b;

	build_ipv4_tcp(&b, &p, 0, 0);		/* 54 bytes */
	memset(b.d + b.len, 0xaa, 6);
	b.len += 6;				/* 60: minimum frame */
	reparse(&b, &p);
	spoil_l4(&b, 0, 0);
	spoil_ipv4(&b, 0, 0);
	assert_int_equal(itm_csum_fix(&p), 2);
	assert_true(ref_l4_ok(b.d + b.ip_off[0], 6, b.d + b.l4_off[0], 20));
	assert_true(ref_ipv4_ok(b.d + b.ip_off[0]));
	assert_int_equal(b.d[b.len - 1], 0xaa);
}

static void test_fragments_l4_untouched(void **state)
{
	struct itm_pkt p;
	struct pb b;
	uint32_t ip;

	/* first fragment (MF, offset 0): headers present, data incomplete */
	pb_init(&b);
	pb_eth(&b, 0x0800);
	ip = pb_ipv4(&b, 0, 6, "192.0.2.1", "198.51.100.7", 0);
	pb_ipv4_frag(&b, ip, 1, 0);
	pb_tcp(&b, 40000, 80, ITM_TCP_ACK, 64);
	pb_finish(&b, &p);
	assert_true(p.v.outer.flags & ITM_L3_FRAG);
	spoil_l4(&b, 0, 0xbeef);
	spoil_ipv4(&b, 0, 0);
	assert_int_equal(itm_csum_fix(&p), 1);
	assert_int_equal(l4_csum(&b, 0), 0xbeef);
	assert_true(ref_ipv4_ok(b.d + ip));

	/* a later fragment: its first bytes are data, never a header */
	pb_init(&b);
	pb_eth(&b, 0x0800);
	ip = pb_ipv4(&b, 0, 17, "10.1.2.3", "10.20.30.40", 0);
	pb_ipv4_frag(&b, ip, 0, 185);
	pb_udp(&b, 0x1111, 0x2222, 40);
	pb_finish(&b, &p);
	put16(b.d + b.l4_off[0] + 6, 0x3333);
	spoil_ipv4(&b, 0, 0);
	assert_int_equal(itm_csum_fix(&p), 1);
	assert_int_equal(rd16(b.d + b.l4_off[0] + 6), 0x3333);
	assert_true(ref_ipv4_ok(b.d + ip));

	/* IPv6 fragment header */
	pb_init(&b);
	pb_eth(&b, 0x86dd);
	pb_ipv6(&b, 0, 44, "2001:db8::1", "2001:db8::2");
	pb_frag6(&b, 17, 0, 1);
	b.l4_proto[0] = 17;
	pb_udp(&b, 1, 2, 40);
	pb_finish(&b, &p);
	assert_true(p.v.outer.flags & ITM_L3_FRAG);
	spoil_l4(&b, 0, 0x4444);
	assert_int_equal(itm_csum_fix(&p), 0);
	assert_int_equal(l4_csum(&b, 0), 0x4444);
}

static void test_vlan_and_non_ip(void **state)
{
	struct itm_pkt p;
	struct pb b;

	pb_init(&b);
	pb_eth(&b, 0x8100);
	pb_vlan(&b, 100, 0x0800);
	pb_ipv4(&b, 0, 6, "192.0.2.1", "198.51.100.7", 0);
	pb_tcp(&b, 1, 2, 0, 5);
	pb_finish(&b, &p);
	spoil_l4(&b, 0, 0);
	spoil_ipv4(&b, 0, 0);
	assert_int_equal(itm_csum_fix(&p), 2);
	assert_true(l4_ok(&b, 0));
	assert_true(ref_ipv4_ok(b.d + b.ip_off[0]));

	/* ARP: nothing known, nothing written */
	pb_init(&b);
	pb_eth(&b, 0x0806);
	memset(b.d + b.len, 0x5a, 28);
	b.len += 28;
	reparse(&b, &p);
	assert_int_equal(itm_csum_fix(&p), 0);
	assert_int_equal(itm_csum_verify(&p), 0);
	assert_int_equal(b.d[14 + 10], 0x5a);
	assert_int_equal(b.d[14 + 11], 0x5a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc1071_example),
		cmocka_unit_test(test_partial_odd_and_carry),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_ipv4_tcp),
		cmocka_unit_test(test_ipv4_options),
		cmocka_unit_test(test_verify_detects_each_field),
		cmocka_unit_test(test_ipv4_udp),
		cmocka_unit_test(test_ipv4_udp_zero_stays_zero),
		cmocka_unit_test(test_udp_computed_zero_is_ffff),
		cmocka_unit_test(test_ipv4_icmp),
		cmocka_unit_test(test_ipv6_l4),
		cmocka_unit_test(test_ipv6_udp_zero_is_computed),
		cmocka_unit_test(test_tos_change_then_fix),
		cmocka_unit_test(test_ipip_inner_tcp),
		cmocka_unit_test(test_gre_csum_ipv4_udp),
		cmocka_unit_test(test_gre_without_c_bit),
		cmocka_unit_test(test_truncated_capture),
		cmocka_unit_test(test_ethernet_padding),
		cmocka_unit_test(test_fragments_l4_untouched),
		cmocka_unit_test(test_vlan_and_non_ip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
