// SPDX-License-Identifier: GPL-2.0-only
/*
 * interest.c: module interest filters. Parsing of protocol lists, IPv4/IPv6
 * prefixes, port ranges and interface names with their errors; matching on
 * the outer header of packets built byte by byte; and the text form, which
 * must parse back to the same filter.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "itm/mod.h"
#include "pktbuild.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static bool has_proto(const struct itm_interest *in, unsigned p)
{
	return in->protos[p / 8] & (1u << (p % 8));
}

static unsigned n_protos(const struct itm_interest *in)
{
	unsigned i, n = 0;

	for (i = 0; i < 256; i++)
		n += has_proto(in, i);
	return n;
}

/* Parse a whole "KEY VALUE KEY VALUE ..." line; returns 0 or the error. */
static int parse_line(struct itm_interest *in, const char *line,
		      struct itm_err *err)
{
	char buf[512], *argv[32], *save = NULL, *t;
	int argc = 0, i = 0, r;

	snprintf(buf, sizeof(buf), "%s", line);
	for (t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	memset(err, 0, sizeof(*err));
	while (i < argc) {
		r = itm_interest_parse(in, argc - i, argv + i, err);
		if (r < 0)
			return r;
		if (r == 0)
			return -ENOTSUP;	/* not an interest keyword */
		assert_int_equal(r, 2);
		i += r;
	}
	return 0;
}

static void must_parse(struct itm_interest *in, const char *line)
{
	struct itm_err err;

	memset(in, 0, sizeof(*in));
	if (parse_line(in, line, &err) != 0)
		fail_msg("\"%s\": %s (\"%s\")", line, err.msg, err.tok);
}

/* ---- parsing ---- */

static void test_parse_protos(void **state)
{
	static const struct { const char *name; unsigned num; } names[] = {
		{ "icmp", 1 }, { "ipip", 4 }, { "tcp", 6 }, { "udp", 17 },
		{ "ipv6", 41 }, { "gre", 47 }, { "esp", 50 }, { "ah", 51 },
		{ "icmpv6", 58 }, { "sctp", 132 }, { "udplite", 136 },
		{ "0", 0 }, { "255", 255 }, { "0x11", 17 }, { "89", 89 },
	};
	struct itm_interest in;
	char line[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(line, sizeof(line), "proto %s", names[i].name);
		must_parse(&in, line);
		if (n_protos(&in) != 1 || !has_proto(&in, names[i].num))
			fail_msg("\"%s\" is not just protocol %u", line,
				 names[i].num);
	}
	must_parse(&in, "proto tcp,udp");
	assert_int_equal(n_protos(&in), 2);
	assert_true(has_proto(&in, 6) && has_proto(&in, 17));
	must_parse(&in, "proto 6,17,132,tcp");
	assert_int_equal(n_protos(&in), 3);
	assert_true(has_proto(&in, 132));
}

static void test_parse_errors(void **state)
{
	static const struct {
		const char *line;
		int rc;
		const char *tok, *msg;
	} c[] = {
		{ "proto 256", -EINVAL, "256", "unknown protocol \"256\"" },
		{ "proto tcp,bogus", -EINVAL, "bogus", "unknown protocol \"bogus\"" },
		{ "proto -1", -EINVAL, "-1", "unknown protocol \"-1\"" },
		{ "proto TCP", -EINVAL, "TCP", "unknown protocol \"TCP\"" },
		{ "proto", -EINVAL, "proto", "proto needs a value" },
		{ "src", -EINVAL, "src", "src needs a value" },
		{ "dport", -EINVAL, "dport", "dport needs a value" },
		{ "src 10.0.0.0/33", -EINVAL, "10.0.0.0/33",
		  "\"10.0.0.0/33\" is not an address or prefix (ADDR[/LEN])" },
		{ "dst 2001:db8::/129", -EINVAL, "2001:db8::/129",
		  "\"2001:db8::/129\" is not an address or prefix (ADDR[/LEN])" },
		{ "src 10.0.0.0/", -EINVAL, "10.0.0.0/",
		  "\"10.0.0.0/\" is not an address or prefix (ADDR[/LEN])" },
		{ "src 10.0.0.0/-1", -EINVAL, "10.0.0.0/-1",
		  "\"10.0.0.0/-1\" is not an address or prefix (ADDR[/LEN])" },
		{ "src 10.0.0.0/8/9", -EINVAL, "10.0.0.0/8/9",
		  "\"10.0.0.0/8/9\" is not an address or prefix (ADDR[/LEN])" },
		{ "src 10.0.0/8", -EINVAL, "10.0.0/8",
		  "\"10.0.0/8\" is not an address or prefix (ADDR[/LEN])" },
		{ "src 256.0.0.1", -EINVAL, "256.0.0.1",
		  "\"256.0.0.1\" is not an address or prefix (ADDR[/LEN])" },
		{ "dst host.example", -EINVAL, "host.example",
		  "\"host.example\" is not an address or prefix (ADDR[/LEN])" },
		{ "dport 0", -EINVAL, "0",
		  "\"0\" is not a port range (PORT or LO-HI, 1..65535)" },
		{ "dport 65536", -EINVAL, "65536",
		  "\"65536\" is not a port range (PORT or LO-HI, 1..65535)" },
		{ "sport 2000-1000", -EINVAL, "2000-1000",
		  "\"2000-1000\" is not a port range (PORT or LO-HI, 1..65535)" },
		{ "sport 1-65536", -EINVAL, "1-65536",
		  "\"1-65536\" is not a port range (PORT or LO-HI, 1..65535)" },
		{ "sport 5-", -EINVAL, "5-",
		  "\"5-\" is not a port range (PORT or LO-HI, 1..65535)" },
		{ "sport -5", -EINVAL, "-5",
		  "\"-5\" is not a port range (PORT or LO-HI, 1..65535)" },
		{ "sport http", -EINVAL, "http",
		  "\"http\" is not a port range (PORT or LO-HI, 1..65535)" },
		{ "sport 0-0", -EINVAL, "0-0",
		  "\"0-0\" is not a port range (PORT or LO-HI, 1..65535)" },
		{ "iif 0123456789abcdef", -EINVAL, "0123456789abcdef",
		  "\"0123456789abcdef\" is not an interface name" },
		{ "src 1.1.1.1 src 2.2.2.2 src 3.3.3.3 src 4.4.4.4 src 5.5.5.5",
		  -E2BIG, "5.5.5.5", "at most 4 prefixes each" },
		/* one clause each: a second one must not silently replace it */
		{ "proto tcp proto udp", -EINVAL, "proto",
		  "proto given twice: give one list (proto tcp,udp)" },
		{ "dport 80 dport 443", -EINVAL, "dport",
		  "dport given twice: a module takes one port range (PORT or LO-HI)" },
		{ "sport 80 src 10.0.0.1 sport 81-90", -EINVAL, "sport",
		  "sport given twice: a module takes one port range (PORT or LO-HI)" },
		{ "iif eth0 iif eth1", -EINVAL, "iif",
		  "iif given twice: a module takes one device" },
		{ "oif eth0 oif eth0", -EINVAL, "oif",
		  "oif given twice: a module takes one device" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct itm_interest in;
		struct itm_err err;
		int rc;

		memset(&in, 0, sizeof(in));
		rc = parse_line(&in, c[i].line, &err);
		if (rc != c[i].rc || strcmp(err.tok, c[i].tok) ||
		    strcmp(err.msg, c[i].msg))
			fail_msg("\"%s\": rc %d tok \"%s\" msg \"%s\"; expected rc %d tok \"%s\" msg \"%s\"",
				 c[i].line, rc, err.tok, err.msg, c[i].rc,
				 c[i].tok, c[i].msg);
	}
}

/* An empty list would leave the bitmap empty, which means "any protocol". */
static void test_empty_proto_list_refused(void **state)
{
	static const char *const bad[] = { ",", ",,", "" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct itm_interest in;
		struct itm_err err;
		char *argv[] = { "proto", (char *)bad[i] };
		int rc;

		memset(&in, 0, sizeof(in));
		rc = itm_interest_parse(&in, 2, argv, &err);
		if (rc != -EINVAL)
			fail_msg("\"proto %s\" accepted (rc %d), matches every protocol",
				 bad[i], rc);
	}
}

static void test_parse_error_keeps_filter(void **state)
{
	struct itm_interest in, before;
	struct itm_err err;

	must_parse(&in, "proto tcp src 10.0.0.0/8 dport 80");
	memcpy(&before, &in, sizeof(in));
	assert_int_equal(parse_line(&in, "proto udp,nope", &err), -EINVAL);
	assert_int_equal(parse_line(&in, "dport 90-80", &err), -EINVAL);
	assert_int_equal(parse_line(&in, "iif", &err), -EINVAL);
	assert_memory_equal(&in, &before, sizeof(in));
	/* a bad prefix does not count against the four */
	assert_int_equal(parse_line(&in, "src nope", &err), -EINVAL);
	assert_int_equal(in.n_src, 1);
}

static void test_parse_prefixes(void **state)
{
	static const struct {
		const char *text;
		uint8_t family, len;
		const char *addr;
	} c[] = {
		{ "10.0.0.0/8", 4, 8, "10.0.0.0" },
		{ "192.0.2.1", 4, 32, "192.0.2.1" },
		{ "192.0.2.1/32", 4, 32, "192.0.2.1" },
		{ "0.0.0.0/0", 4, 0, "0.0.0.0" },
		{ "10.16.0.0/12", 4, 12, "10.16.0.0" },
		{ "2001:db8::/32", 6, 32, "2001:db8::" },
		{ "2001:db8::1", 6, 128, "2001:db8::1" },
		{ "2001:db8::1/128", 6, 128, "2001:db8::1" },
		{ "::/0", 6, 0, "::" },
		{ "2001:db8:8000::/33", 6, 33, "2001:db8:8000::" },
		{ "::ffff:10.0.0.1/96", 6, 96, "::ffff:0.0.0.0" },	/* host bits go */
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct itm_interest in;
		uint8_t want[16] = { 0 };
		char line[80];

		snprintf(line, sizeof(line), "dst %s", c[i].text);
		must_parse(&in, line);
		assert_int_equal(in.n_dst, 1);
		assert_int_equal(in.n_src, 0);
		inet_pton(c[i].family == 4 ? AF_INET : AF_INET6, c[i].addr,
			  want);
		if (in.dst[0].family != c[i].family ||
		    in.dst[0].len != c[i].len ||
		    memcmp(in.dst[0].addr, want, 16) != 0)
			fail_msg("\"%s\": family %u len %u", c[i].text,
				 in.dst[0].family, in.dst[0].len);
	}
}

static void test_parse_ports_and_ifaces(void **state)
{
	struct itm_interest in;

	must_parse(&in, "sport 80 dport 1000-2000");
	assert_int_equal(in.sport_lo, 80);
	assert_int_equal(in.sport_hi, 80);
	assert_int_equal(in.dport_lo, 1000);
	assert_int_equal(in.dport_hi, 2000);
	must_parse(&in, "dport 1-65535 sport 65535");
	assert_int_equal(in.dport_lo, 1);
	assert_int_equal(in.dport_hi, 65535);
	assert_int_equal(in.sport_lo, 65535);
	assert_int_equal(in.sport_hi, 65535);
	must_parse(&in, "iif eth0 oif 0123456789abcde");	/* 15 characters */
	assert_string_equal(in.iif, "eth0");
	assert_string_equal(in.oif, "0123456789abcde");
	/* not a keyword of ours: 0 tokens, nothing touched */
	{
		char *argv[] = { "threshold", "5" };
		struct itm_err err;

		memset(&in, 0, sizeof(in));
		assert_int_equal(itm_interest_parse(&in, 2, argv, &err), 0);
		assert_int_equal(n_protos(&in), 0);
	}
}

/* ---- matching ---- */

enum { P_TCP4, P_UDP4, P_ICMP4, P_TCP6, P_UDP6, P_IPIP, P_ARP, P_FRAG4, NP };

static struct pb bufs[NP];
static struct itm_pkt pk[NP];

static int setup_packets(void **state)
{
	struct pb *b;
	uint32_t ip;

	b = &bufs[P_TCP4];
	pb_init(b);
	pb_eth(b, 0x0800);
	pb_ipv4(b, 0, 6, "192.0.2.1", "198.51.100.7", 0);
	pb_tcp(b, 1000, 80, ITM_TCP_SYN, 0);
	pb_finish(b, &pk[P_TCP4]);

	b = &bufs[P_UDP4];
	pb_init(b);
	pb_eth(b, 0x0800);
	pb_ipv4(b, 0, 17, "10.1.2.3", "10.20.30.40", 0);
	pb_udp(b, 5353, 53, 20);
	pb_finish(b, &pk[P_UDP4]);

	b = &bufs[P_ICMP4];
	pb_init(b);
	pb_eth(b, 0x0800);
	pb_ipv4(b, 0, 1, "10.1.2.3", "10.20.30.40", 0);
	pb_icmp(b, 8);
	pb_finish(b, &pk[P_ICMP4]);

	b = &bufs[P_TCP6];
	pb_init(b);
	pb_eth(b, 0x86dd);
	pb_ipv6(b, 0, 6, "2001:db8::1", "2001:db8:1::2");
	pb_tcp(b, 443, 50000, ITM_TCP_ACK, 10);
	pb_finish(b, &pk[P_TCP6]);

	b = &bufs[P_UDP6];
	pb_init(b);
	pb_eth(b, 0x86dd);
	pb_ipv6(b, 0, 17, "2001:db8::5", "fe80::1");
	pb_udp(b, 546, 547, 10);
	pb_finish(b, &pk[P_UDP6]);

	b = &bufs[P_IPIP];
	pb_init(b);
	pb_eth(b, 0x0800);
	pb_ipv4(b, 0, 4, "10.0.0.1", "10.0.0.2", 0);
	pb_ipv4(b, 0, 6, "192.0.2.99", "198.51.100.99", 0);
	pb_tcp(b, 1000, 80, ITM_TCP_SYN, 0);
	pb_finish(b, &pk[P_IPIP]);

	b = &bufs[P_ARP];
	pb_init(b);
	pb_eth(b, 0x0806);
	memset(b->d + b->len, 0, 28);
	b->len += 28;
	memset(&pk[P_ARP], 0, sizeof(pk[P_ARP]));
	pk[P_ARP].data = b->d;
	pk[P_ARP].caplen = pk[P_ARP].wirelen = b->len;
	pk[P_ARP].link = ITM_LINK_ETHERNET;
	itm_pkt_parse(&pk[P_ARP]);

	/* a non-first fragment of UDP 10.1.2.3 -> 10.20.30.40: no ports */
	b = &bufs[P_FRAG4];
	pb_init(b);
	pb_eth(b, 0x0800);
	ip = pb_ipv4(b, 0, 17, "10.1.2.3", "10.20.30.40", 0);
	pb_ipv4_frag(b, ip, 0, 100);
	pb_udp(b, 5353, 53, 20);
	pb_finish(b, &pk[P_FRAG4]);
	return 0;
}

static const char *const pname[NP] = {
	"tcp4", "udp4", "icmp4", "tcp6", "udp6", "ipip", "arp", "frag4",
};

static void test_match_table(void **state)
{
	/* expected: one character per packet in enum order, 1 = match */
	static const struct { const char *filter, *want; } c[] = {
		{ "", "11111111" },
		{ "proto tcp", "10010000" },
		{ "proto udp", "01001001" },
		{ "proto tcp,udp", "11011001" },
		{ "proto icmp", "00100000" },
		{ "proto 4", "00000100" },	/* outer header only */
		{ "src 192.0.2.0/24", "10000000" },
		{ "src 192.0.2.1/32", "10000000" },
		{ "src 192.0.2.1", "10000000" },
		{ "src 192.0.2.2/32", "00000000" },
		{ "src 0.0.0.0/0", "11100101" },	/* every IPv4, no IPv6 */
		{ "src ::/0", "00011000" },		/* every IPv6, no IPv4 */
		{ "dst 10.16.0.0/12", "01100001" },	/* 10.16-10.31 */
		{ "dst 10.32.0.0/12", "00000000" },
		{ "src 10.0.0.0/12", "01100101" },	/* 10.0-10.15 */
		{ "src 10.0.0.0/8 dst 10.0.0.0/30", "00000100" },
		{ "src 2001:db8::1/128", "00010000" },
		{ "src 2001:db8::/32", "00011000" },
		{ "dst 2001:db8::/33", "00010000" },
		{ "dst 2001:db8:8000::/33", "00000000" },
		{ "dst 2001:db8:1::/48", "00010000" },
		{ "dst fe80::/10", "00001000" },
		{ "dst fec0::/10", "00000000" },
		{ "src ::ffff:192.0.2.1/128", "00000000" },	/* not IPv4 */
		{ "src 192.0.2.0/24 src 2001:db8::/32", "10011000" },
		{ "dport 80", "10000000" },
		{ "dport 53", "01000000" },		/* not the fragment */
		{ "dport 1-100", "11000000" },
		{ "dport 1-65535", "11011000" },	/* nothing without ports */
		{ "sport 443", "00010000" },
		{ "sport 1000-1000", "10000000" },
		{ "sport 500-600 dport 547", "00001000" },
		{ "proto udp src 10.0.0.0/8 dport 53", "01000000" },
		{ "proto tcp dport 80 src 10.0.0.0/8", "00000000" },
	};
	size_t i;
	int j;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct itm_interest in;

		must_parse(&in, c[i].filter);
		for (j = 0; j < NP; j++) {
			bool m = itm_interest_match(&in, &pk[j], NULL, NULL);

			if (m != (c[i].want[j] == '1'))
				fail_msg("\"%s\" on %s: %s, expected %s",
					 c[i].filter, pname[j],
					 m ? "match" : "no match",
					 m ? "no match" : "match");
		}
	}
}

static void test_match_interfaces(void **state)
{
	struct itm_interest in;

	must_parse(&in, "iif eth0");
	assert_true(itm_interest_match(&in, &pk[P_TCP4], "eth0", NULL));
	assert_true(itm_interest_match(&in, &pk[P_TCP4], "eth0", "eth1"));
	assert_false(itm_interest_match(&in, &pk[P_TCP4], "eth1", "eth0"));
	assert_false(itm_interest_match(&in, &pk[P_TCP4], "eth00", NULL));
	assert_false(itm_interest_match(&in, &pk[P_TCP4], NULL, NULL));
	must_parse(&in, "oif wan0 iif lan0");
	assert_true(itm_interest_match(&in, &pk[P_ARP], "lan0", "wan0"));
	assert_false(itm_interest_match(&in, &pk[P_ARP], "wan0", "lan0"));
	assert_false(itm_interest_match(&in, &pk[P_ARP], "lan0", NULL));
	/* no interface clause: any, known or not */
	must_parse(&in, "proto tcp");
	assert_true(itm_interest_match(&in, &pk[P_TCP4], "x", "y"));
	assert_true(itm_interest_match(&in, &pk[P_TCP4], NULL, NULL));
}

/* The message says 1..65535: port 0 may not start a range either. Packets
 * without ports report port 0, so a range from 0 would match ICMP. */
static void test_port_range_from_zero_refused(void **state)
{
	static const char *const bad[] = { "dport 0-10", "sport 0-65535" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct itm_interest in;
		struct itm_err err;
		int rc;

		memset(&in, 0, sizeof(in));
		rc = parse_line(&in, bad[i], &err);
		if (rc != -EINVAL)
			fail_msg("\"%s\" accepted (rc %d, lo %u hi %u)%s", bad[i],
				 rc, in.sport_lo | in.dport_lo,
				 in.sport_hi | in.dport_hi,
				 itm_interest_match(&in, &pk[P_ICMP4], NULL,
						    NULL) ?
				 " and it matches an ICMP packet" : "");
	}
}

/* ---- text form ---- */

static void test_format(void **state)
{
	static const struct { const char *filter, *text; } c[] = {
		{ "", "" },
		{ "proto tcp,udp", " proto 6,17" },
		{ "proto udp,tcp,0,255", " proto 0,6,17,255" },
		{ "src 10.0.0.0/8", " src 10.0.0.0/8" },
		{ "src 192.0.2.1", " src 192.0.2.1/32" },
		{ "dst 2001:db8::/32 dst ::/0", " dst 2001:db8::/32 dst ::/0" },
		{ "sport 80", " sport 80-80" },
		{ "dport 1000-2000", " dport 1000-2000" },
		{ "oif eth1 iif eth0", " iif eth0 oif eth1" },
		{ "iif eth0 dport 53 sport 1-2 dst 10.0.0.1 src 2001:db8::1 proto icmp",
		  " proto 1 src 2001:db8::1/128 dst 10.0.0.1/32 sport 1-2 dport 53-53 iif eth0" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct itm_interest in, again;
		char buf[256];

		must_parse(&in, c[i].filter);
		memset(buf, 'X', sizeof(buf));
		itm_interest_format(&in, buf, sizeof(buf));
		if (strcmp(buf, c[i].text))
			fail_msg("\"%s\" formats as \"%s\", expected \"%s\"",
				 c[i].filter, buf, c[i].text);
		/* and reads back as the same filter */
		must_parse(&again, buf);
		assert_memory_equal(&again, &in, sizeof(in));
	}
}

static void test_format_short_buffer(void **state)
{
	struct itm_interest in;
	char buf[16];

	must_parse(&in, "proto tcp,udp src 10.0.0.0/8 dst 10.0.0.0/8 "
		   "sport 1-2 dport 3-4 iif eth0 oif eth1");
	memset(buf, 'X', sizeof(buf));
	itm_interest_format(&in, buf, 10);
	assert_string_equal(buf, " proto 6,");
	assert_int_equal(buf[10], 'X');
	memset(buf, 'X', sizeof(buf));
	itm_interest_format(&in, buf, 1);
	assert_string_equal(buf, "");
	assert_int_equal(buf[1], 'X');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_protos),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_port_range_from_zero_refused),
		cmocka_unit_test(test_empty_proto_list_refused),
		cmocka_unit_test(test_parse_error_keeps_filter),
		cmocka_unit_test(test_parse_prefixes),
		cmocka_unit_test(test_parse_ports_and_ifaces),
		cmocka_unit_test(test_match_table),
		cmocka_unit_test(test_match_interfaces),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_short_buffer),
	};

	return cmocka_run_group_tests(tests, setup_packets, NULL);
}
