// SPDX-License-Identifier: GPL-2.0-only
/*
 * itmroute's IP-IP (src/apps/itmroute/ipip.c): the outer header RFC 2003
 * and RFC 6040 ask for, valid checksums outside and inside, the inner
 * packet back byte for byte, the ECN rules of decapsulation, and refusals.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ipip.h"

#define CAP 256
#define PAYLOAD 13

static const uint8_t src[4] = { 192, 0, 2, 1 }, dst[4] = { 198, 51, 100, 7 };
static const uint8_t self[4] = { 10, 99, 0, 1 }, relay[4] = { 10, 99, 0, 3 };

static uint32_t addr(const uint8_t a[4])
{
	uint32_t v;

	memcpy(&v, a, 4);
	return v;
}

/* The UDP checksum over the pseudo header: 0 when valid. */
static uint16_t udp_check(const uint8_t *ip)
{
	uint8_t buf[CAP];
	size_t ihl = (size_t)(ip[0] & 15) * 4;
	size_t ulen = (size_t)(ip[2] << 8 | ip[3]) - ihl;

	memcpy(buf, ip + 12, 8);
	buf[8] = 0;
	buf[9] = 17;
	buf[10] = (uint8_t)(ulen >> 8);
	buf[11] = (uint8_t)ulen;
	memcpy(buf + 12, ip + ihl, ulen);
	return ipip_csum(buf, 12 + ulen);
}

/* An IPv4 UDP packet with TOS @tos, DF as told; returns its length. */
static size_t build(uint8_t *p, uint8_t tos, int df)
{
	size_t len = 20 + 8 + PAYLOAD, i;
	uint16_t c;

	memset(p, 0, CAP);
	p[0] = 0x45;
	p[1] = tos;
	p[3] = (uint8_t)len;
	p[4] = 0x12;
	p[5] = 0x34;
	p[6] = df ? 0x40 : 0;
	p[8] = 61;
	p[9] = 17;
	memcpy(p + 12, src, 4);
	memcpy(p + 16, dst, 4);
	c = ipip_csum(p, 20);
	p[10] = (uint8_t)(c >> 8);
	p[11] = (uint8_t)c;
	p[20] = 0x04;		/* ports 1234 -> 53 */
	p[21] = 0xd2;
	p[23] = 53;
	p[25] = 8 + PAYLOAD;
	for (i = 0; i < PAYLOAD; i++)
		p[28 + i] = (uint8_t)(i * 7);
	c = udp_check(p);
	p[26] = (uint8_t)(c >> 8);
	p[27] = (uint8_t)c;
	assert_int_equal(udp_check(p), 0);
	return len;
}

static void test_encap_header(void **state)
{
	uint8_t p[CAP], orig[CAP];
	size_t len = build(p, 0xb9, 1);	/* DSCP 46, ECT(1) */
	int n;

	memcpy(orig, p, CAP);
	n = ipip_encap(p, len, CAP, addr(self), addr(relay), 0x0101);
	assert_int_equal(n, (int)len + 20);
	assert_int_equal(p[0], 0x45);
	assert_int_equal(p[1], 0xb9);		/* TOS and ECN copied */
	assert_int_equal(p[2] << 8 | p[3], n);
	assert_int_equal(p[4] << 8 | p[5], 0x0101);
	assert_int_equal(p[6], 0x40);		/* DF copied */
	assert_int_equal(p[7], 0);
	assert_int_equal(p[8], IPIP_TTL);
	assert_int_equal(p[9], 4);
	assert_memory_equal(p + 12, self, 4);
	assert_memory_equal(p + 16, relay, 4);
	assert_int_equal(ipip_csum(p, 20), 0);	/* the outer checksum */
	/* the inner packet untouched: TTL, checksums and all */
	assert_memory_equal(p + 20, orig, len);
	assert_int_equal(ipip_csum(p + 20, 20), 0);
	assert_int_equal(udp_check(p + 20), 0);
	/* without DF inside, none outside */
	len = build(p, 0, 0);
	assert_int_equal(ipip_encap(p, len, CAP, addr(self), addr(relay), 1),
			 (int)len + 20);
	assert_int_equal(p[6], 0);
}

static void test_round_trip(void **state)
{
	uint8_t p[CAP], orig[CAP];
	size_t len = build(p, 0x02, 1);
	int n;

	memcpy(orig, p, CAP);
	n = ipip_encap(p, len, CAP, addr(self), addr(relay), 7);
	assert_int_equal(ipip_decap(p, (size_t)n), (int)len);
	assert_memory_equal(p, orig, len);
	/* bytes past the outer length (padding) are not the packet's */
	n = ipip_encap(p, len, CAP, addr(self), addr(relay), 7);
	assert_int_equal(ipip_decap(p, (size_t)n + 6), (int)len);
	assert_memory_equal(p, orig, len);
}

/* RFC 6040 section 4.2's table, with the inner checksum kept valid. */
static void test_decap_ecn(void **state)
{
	static const struct { uint8_t outer, inner; int want; } t[] = {
		{ 0, 0, 0 }, { 0, 2, 2 }, { 2, 2, 2 }, { 1, 2, 1 }, { 1, 1, 1 },
		{ 2, 1, 1 }, { 3, 2, 3 }, { 3, 1, 3 }, { 3, 3, 3 }, { 3, 0, -1 },
	};
	uint8_t p[CAP];
	size_t i, len;
	int n;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		len = build(p, (uint8_t)(0x20 | t[i].inner), 0);
		n = ipip_encap(p, len, CAP, addr(self), addr(relay), 1);
		p[1] = (uint8_t)((p[1] & 0xfc) | t[i].outer);
		n = ipip_decap(p, (size_t)n);
		if (t[i].want < 0) {
			assert_int_equal(n, -EPROTO);
			continue;
		}
		assert_int_equal(n, (int)len);
		assert_int_equal(p[1], 0x20 | t[i].want);
		assert_int_equal(ipip_csum(p, 20), 0);
	}
}

static void test_refused(void **state)
{
	uint8_t p[CAP];
	size_t len = build(p, 0, 0);
	int n;

	/* encapsulation: no room, a short copy, not IPv4 */
	assert_int_equal(ipip_encap(p, len, len + 19, addr(self), addr(relay), 1),
			 -EMSGSIZE);
	assert_int_equal(ipip_encap(p, len - 1, CAP, addr(self), addr(relay), 1),
			 -EINVAL);
	p[0] = 0x65;
	assert_int_equal(ipip_encap(p, len, CAP, addr(self), addr(relay), 1),
			 -EINVAL);
	p[0] = 0x44;		/* IHL 16 bytes */
	assert_int_equal(ipip_encap(p, len, CAP, addr(self), addr(relay), 1),
			 -EINVAL);
	/* decapsulation: not protocol 4, a fragment, an inner packet longer
	 * than the outer one's payload, a cut capture */
	assert_int_equal(ipip_decap(p, len), -EINVAL);
	len = build(p, 0, 0);
	assert_int_equal(ipip_decap(p, len), -EINVAL);
	n = ipip_encap(p, len, CAP, addr(self), addr(relay), 1);
	p[6] = 0x20;		/* MF */
	assert_int_equal(ipip_decap(p, (size_t)n), -EINVAL);
	p[6] = 0;
	p[7] = 1;		/* offset 8 */
	assert_int_equal(ipip_decap(p, (size_t)n), -EINVAL);
	p[7] = 0;
	p[23]++;		/* inner total length one too many */
	assert_int_equal(ipip_decap(p, (size_t)n), -EINVAL);
	p[23]--;
	assert_int_equal(ipip_decap(p, (size_t)n - 1), -EINVAL);
	assert_int_equal(ipip_decap(p, 19), -EINVAL);
	assert_int_equal(ipip_decap(p, (size_t)n), (int)len);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encap_header),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_decap_ecn),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
