// SPDX-License-Identifier: GPL-2.0-only
/*
 * Parser tests: each case builds a packet, parses it and checks the keys.
 * A separate pass re-parses every case at every truncated length from a
 * heap buffer of exactly that size, so the sanitizer build catches any read
 * past the captured bytes, and checks that keys only ever disappear.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "pktbuild.h"

static void build_tcp4(struct pb *b)
{
	pb_eth(b, 0x0800);
	pb_ipv4(b, 0xb9, 6, "192.0.2.1", "198.51.100.2", 0);
	pb_tcp(b, 1234, 80, ITM_TCP_SYN, 10);
}

static void build_udp6_ext(struct pb *b)
{
	pb_eth(b, 0x86dd);
	pb_ipv6(b, 0x2e << 2 | 1, 0, "2001:db8::1", "2001:db8::2");
	pb_ext6(b, 43, 0);	/* hop-by-hop -> routing */
	pb_ext6(b, 60, 1);	/* routing -> destination options */
	pb_ext6(b, 17, 0);	/* destination options -> UDP */
	pb_udp(b, 5353, 53, 4);
}

static void build_qinq_icmp(struct pb *b)
{
	pb_eth(b, 0x88a8);
	pb_vlan(b, 100, 0x8100);
	pb_vlan(b, 200, 0x0800);
	pb_ipv4(b, 0, 1, "203.0.113.9", "192.0.2.7", 2);
	pb_icmp(b, 8);
}

static void build_ipip(struct pb *b)
{
	pb_eth(b, 0x0800);
	pb_ipv4(b, 0x04, 4, "192.0.2.1", "192.0.2.2", 0);
	pb_ipv4(b, 0x10, 17, "10.0.0.1", "10.0.0.2", 0);
	pb_udp(b, 4000, 5000, 20);
}

static void build_sit(struct pb *b)
{
	pb_eth(b, 0x0800);
	pb_ipv4(b, 0, 41, "192.0.2.1", "192.0.2.2", 0);
	pb_ipv6(b, 0, 6, "2001:db8::a", "2001:db8::b");
	pb_tcp(b, 40000, 443, ITM_TCP_ACK, 0);
}

static void build_4in6(struct pb *b)
{
	pb_eth(b, 0x86dd);
	pb_ipv6(b, 0, 4, "2001:db8::1", "2001:db8::2");
	pb_ipv4(b, 0, 6, "10.1.1.1", "10.2.2.2", 0);
	pb_tcp(b, 1, 2, 0, 0);
}

static void build_6in6(struct pb *b)
{
	pb_eth(b, 0x86dd);
	pb_ipv6(b, 0, 41, "2001:db8::1", "2001:db8::2");
	pb_ipv6(b, 0, 58, "2001:db8:1::1", "2001:db8:1::2");
	pb_icmp(b, 128);
}

static void build_gre_key(struct pb *b)
{
	pb_eth(b, 0x0800);
	pb_ipv4(b, 0, 47, "192.0.2.1", "192.0.2.2", 0);
	pb_gre(b, 0xa000, 0x86dd);	/* checksum and key present */
	pb_ipv6(b, 0, 17, "2001:db8::3", "2001:db8::4");
	pb_udp(b, 7, 9, 0);
}

static void build_frag4_first(struct pb *b)
{
	uint32_t ip;

	pb_eth(b, 0x0800);
	ip = pb_ipv4(b, 0, 17, "192.0.2.1", "192.0.2.2", 0);
	pb_udp(b, 1111, 2222, 100);
	pb_ipv4_frag(b, ip, 1, 0);
}

static void build_frag6_later(struct pb *b)
{
	pb_eth(b, 0x86dd);
	pb_ipv6(b, 0, 44, "2001:db8::1", "2001:db8::2");
	pb_frag6(b, 6, 100, 0);
	pb_udp(b, 1, 2, 30);	/* payload bytes, not a header */
}

static void build_ipip_outer_frag(struct pb *b)
{
	uint32_t ip;

	pb_eth(b, 0x0800);
	ip = pb_ipv4(b, 0, 4, "192.0.2.1", "192.0.2.2", 0);
	pb_ipv4(b, 0, 6, "10.0.0.1", "10.0.0.2", 0);
	pb_tcp(b, 1, 2, 0, 0);
	pb_ipv4_frag(b, ip, 1, 0);
}

struct expect {
	const char *name;
	void (*build)(struct pb *b);
	uint8_t family, proto, tos;
	uint16_t sport, dport;
	uint8_t tunnel;
	uint8_t in_family, in_proto;
	uint16_t in_sport, in_dport;
	uint8_t frag;
};

static const struct expect cases[] = {
	{ "tcp4", build_tcp4, 4, 6, 0xb9, 1234, 80, 0, 0, 0, 0, 0, 0 },
	{ "udp6 ext", build_udp6_ext, 6, 17, 0xb9, 5353, 53, 0, 0, 0, 0, 0, 0 },
	{ "qinq icmp", build_qinq_icmp, 4, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "ipip", build_ipip, 4, 4, 0x04, 0, 0, ITM_TUNNEL_IPIP, 4, 17, 4000, 5000, 0 },
	{ "sit", build_sit, 4, 41, 0, 0, 0, ITM_TUNNEL_SIT, 6, 6, 40000, 443, 0 },
	{ "4in6", build_4in6, 6, 4, 0, 0, 0, ITM_TUNNEL_4IN6, 4, 6, 1, 2, 0 },
	{ "6in6", build_6in6, 6, 41, 0, 0, 0, ITM_TUNNEL_6IN6, 6, 58, 0, 0, 0 },
	{ "gre key", build_gre_key, 4, 47, 0, 0, 0, ITM_TUNNEL_GRE, 6, 17, 7, 9, 0 },
	{ "frag4 first", build_frag4_first, 4, 17, 0, 0, 0, 0, 0, 0, 0, 0, 1 },
	{ "frag6 later", build_frag6_later, 6, 6, 0, 0, 0, 0, 0, 0, 0, 0, 1 },
	{ "ipip outer frag", build_ipip_outer_frag, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0, 1 },
};

static void check_case(const struct expect *c)
{
	struct itm_pkt p;
	struct pb b;
	const struct itm_l3 *o = &p.v.outer, *in = &p.v.inner;

	pb_init(&b);
	c->build(&b);
	pb_finish(&b, &p);
	assert_true(itm_l3_has(o, ITM_HAVE_IP | ITM_HAVE_PROTO | ITM_HAVE_PORTS));
	assert_int_equal(o->family, c->family);
	assert_int_equal(o->proto, c->proto);
	assert_int_equal(o->tos, c->tos);
	assert_int_equal(o->sport, c->sport);
	assert_int_equal(o->dport, c->dport);
	assert_int_equal(!!(o->flags & ITM_L3_FRAG), c->frag);
	assert_int_equal(p.v.tunnel, c->tunnel);
	if (!c->tunnel)
		return;
	assert_true(itm_l3_has(in, ITM_HAVE_IP | ITM_HAVE_PROTO | ITM_HAVE_PORTS));
	assert_int_equal(in->family, c->in_family);
	assert_int_equal(in->proto, c->in_proto);
	assert_int_equal(in->sport, c->in_sport);
	assert_int_equal(in->dport, c->in_dport);
}

static void test_cases(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("case %s\n", cases[i].name);
		check_case(&cases[i]);
	}
}

static void test_addresses(void **state)
{
	struct itm_pkt p;
	struct pb b;
	uint8_t want[16];

	pb_init(&b);
	build_sit(&b);
	pb_finish(&b, &p);
	inet_pton(AF_INET, "192.0.2.2", want);
	assert_memory_equal(p.v.outer.dst, want, 4);
	inet_pton(AF_INET6, "2001:db8::a", want);
	assert_memory_equal(p.v.inner.src, want, 16);
	assert_int_equal(p.v.inner.tcp_flags, ITM_TCP_ACK);
}

/* Fewer bytes may only remove keys, never change one. */
static void check_subset(const struct itm_l3 *full, const struct itm_l3 *cut)
{
	assert_true((cut->have & ~full->have) == 0);
	if (itm_l3_has(cut, ITM_HAVE_IP)) {
		assert_memory_equal(cut->src, full->src, 16);
		assert_int_equal(cut->tos, full->tos);
	}
	if (itm_l3_has(cut, ITM_HAVE_PROTO))
		assert_int_equal(cut->proto, full->proto);
	if (itm_l3_has(cut, ITM_HAVE_PORTS)) {
		assert_int_equal(cut->sport, full->sport);
		assert_int_equal(cut->dport, full->dport);
	}
}

static void test_truncation(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct itm_pkt full, cut;
		struct pb b;
		uint32_t n;

		pb_init(&b);
		cases[i].build(&b);
		pb_finish(&b, &full);
		for (n = 0; n < b.len; n++) {
			uint8_t *buf = malloc(n ? n : 1);

			memcpy(buf, b.d, n);
			memset(&cut, 0, sizeof(cut));
			cut.data = buf;
			cut.caplen = n;
			cut.wirelen = b.len;
			cut.link = ITM_LINK_ETHERNET;
			itm_pkt_parse(&cut);
			check_subset(&full.v.outer, &cut.v.outer);
			if (cut.v.tunnel)
				check_subset(&full.v.inner, &cut.v.inner);
			free(buf);
		}
	}
}

static void test_truncated_tcp_has_no_ports(void **state)
{
	struct itm_pkt p;
	struct pb b;

	pb_init(&b);
	build_tcp4(&b);
	pb_finish(&b, &p);
	p.caplen = 14 + 20 + 10;	/* half a TCP header */
	itm_pkt_parse(&p);
	assert_true(itm_l3_has(&p.v.outer, ITM_HAVE_IP | ITM_HAVE_PROTO));
	assert_false(itm_l3_has(&p.v.outer, ITM_HAVE_PORTS));
}

static void test_malformed(void **state)
{
	struct itm_pkt p;
	struct pb b;

	/* IHL of 3 words: no IP keys at all */
	pb_init(&b);
	build_tcp4(&b);
	pb_finish(&b, &p);
	b.d[14] = 0x43;
	itm_pkt_parse(&p);
	assert_int_equal(p.v.outer.have, 0);

	/* total length shorter than the header */
	pb_init(&b);
	build_tcp4(&b);
	pb_finish(&b, &p);
	b.d[16] = 0; b.d[17] = 10;
	itm_pkt_parse(&p);
	assert_int_equal(p.v.outer.have, 0);

	/* TCP data offset below 5: protocol known, ports absent */
	pb_init(&b);
	build_tcp4(&b);
	pb_finish(&b, &p);
	b.d[14 + 20 + 12] = 4 << 4;
	itm_pkt_parse(&p);
	assert_true(itm_l3_has(&p.v.outer, ITM_HAVE_PROTO));
	assert_false(itm_l3_has(&p.v.outer, ITM_HAVE_PORTS));

	/* GRE version 1 is not entered */
	pb_init(&b);
	build_gre_key(&b);
	pb_finish(&b, &p);
	b.d[14 + 20 + 1] |= 1;
	itm_pkt_parse(&p);
	assert_int_equal(p.v.tunnel, ITM_TUNNEL_NONE);
	assert_true(itm_l3_has(&p.v.outer, ITM_HAVE_PORTS));
	assert_int_equal(p.v.outer.sport, 0);
}

static void test_ipv6_ext_past_end(void **state)
{
	struct itm_pkt p;
	struct pb b;

	pb_init(&b);
	build_udp6_ext(&b);
	pb_finish(&b, &p);
	b.d[14 + 40 + 1] = 200;	/* hop-by-hop claims 1608 bytes */
	itm_pkt_parse(&p);
	assert_true(itm_l3_has(&p.v.outer, ITM_HAVE_IP));
	assert_false(itm_l3_has(&p.v.outer, ITM_HAVE_PROTO));
	assert_false(itm_l3_has(&p.v.outer, ITM_HAVE_PORTS));
}

static void test_padding_ignored(void **state)
{
	struct itm_pkt p;
	struct pb b;

	/* an ICMP packet padded to 60 bytes: the IP length bounds the parse */
	pb_init(&b);
	build_qinq_icmp(&b);
	pb_finish(&b, &p);
	memset(b.d + b.len, 0xee, 30);
	p.caplen = b.len + 30;
	itm_pkt_parse(&p);
	assert_int_equal(p.v.outer.end, b.len);
}

static void test_raw_and_sll(void **state)
{
	struct itm_pkt p;
	struct pb b;

	pb_init(&b);
	pb_ipv6(&b, 0, 17, "2001:db8::1", "2001:db8::2");
	pb_udp(&b, 10, 20, 0);
	pb_finish(&b, &p);	/* as Ethernet: garbage, no keys */
	p.link = ITM_LINK_RAW;
	itm_pkt_parse(&p);
	assert_int_equal(p.v.outer.family, 6);
	assert_int_equal(p.v.outer.dport, 20);
	p.link = 9999;		/* unknown link type: nothing */
	itm_pkt_parse(&p);
	assert_int_equal(p.v.outer.have, 0);
}

/* b's packet behind a 4-byte BSD loopback header, parsed as link. */
static void bsd_parse(struct itm_pkt *p, uint8_t *buf, const struct pb *b,
		      const uint8_t hdr[4], uint16_t link)
{
	memcpy(buf, hdr, 4);
	memcpy(buf + 4, b->d, b->len);
	memset(p, 0, sizeof(*p));
	p->data = buf;
	p->caplen = p->wirelen = b->len + 4;
	p->link = link;
	itm_pkt_parse(p);
}

/* BSD loopback (NULL, host order) and OpenBSD's (LOOP, network order):
 * a 4-byte family whose number for IPv6 differs by system, so the IP
 * version nibble decides; shorter than the 4 bytes, nothing. */
static void test_bsd_loopback(void **state)
{
	static const uint8_t af6_macos[4] = { 30, 0, 0, 0 };
	static const uint8_t af4_loop[4] = { 0, 0, 0, 2 };
	uint8_t buf[sizeof(((struct pb *)0)->d) + 4];
	struct itm_pkt p;
	struct pb b;

	(void)state;
	pb_init(&b);
	pb_ipv6(&b, 0, 6, "2001:db8::1", "2001:db8::2");
	pb_tcp(&b, 443, 50000, 0x10, 0);
	pb_finish(&b, &p);
	bsd_parse(&p, buf, &b, af6_macos, ITM_LINK_NULL);
	assert_int_equal(p.v.outer.family, 6);
	assert_int_equal(p.v.outer.off, 4);
	assert_int_equal(p.v.outer.sport, 443);

	pb_init(&b);
	pb_ipv4(&b, 0, 17, "10.0.0.1", "10.0.0.2", 0);
	pb_udp(&b, 53, 5353, 4);
	pb_finish(&b, &p);
	bsd_parse(&p, buf, &b, af4_loop, ITM_LINK_LOOP);
	assert_int_equal(p.v.outer.family, 4);
	assert_int_equal(p.v.outer.dport, 5353);
	p.caplen = 3;
	itm_pkt_parse(&p);
	assert_int_equal(p.v.outer.have, 0);
}

static void test_set_tos(void **state)
{
	struct itm_pkt p;
	struct pb b;

	pb_init(&b);
	build_udp6_ext(&b);
	pb_finish(&b, &p);
	itm_l3_set_tos(&p, &p.v.outer, 0xa2);
	itm_pkt_parse(&p);
	assert_int_equal(p.v.outer.tos, 0xa2);
	assert_int_equal(b.d[14] >> 4, 6);	/* version kept */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_truncated_tcp_has_no_ports),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_ipv6_ext_past_end),
		cmocka_unit_test(test_padding_ignored),
		cmocka_unit_test(test_raw_and_sll),
		cmocka_unit_test(test_bsd_loopback),
		cmocka_unit_test(test_set_tos),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
