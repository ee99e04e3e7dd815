// SPDX-License-Identifier: GPL-2.0-only
/*
 * RFC 2003 encapsulation and decapsulation, with RFC 6040's ECN rules:
 *  - outer TOS: the inner TOS, ECN included (RFC 6040 normal mode);
 *  - outer TTL: 64; the inner TTL is left alone (itmroute encapsulates
 *    its host's own packets, at local-out: nothing was forwarded yet);
 *  - outer DF: copied from the inner header (RFC 2003 3.1);
 *  - decapsulation: outer CE makes the inner CE, or drops a not-ECT inner
 *    packet; outer ECT(1) over inner ECT(0) gives ECT(1); the inner header
 *    checksum is then recomputed. Fragmented outer packets are refused.
 */
#include <errno.h>
#include <string.h>

#include "ipip.h"

#define IP_DF 0x4000
#define IP_MF 0x2000
#define IP_OFFMASK 0x1fff
#define IPPROTO_IPIP_ 4

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

uint16_t ipip_csum(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The IPv4 packet's total length when @buf holds a whole one, else 0. */
static size_t ip4_len(const uint8_t *buf, size_t len)
{
	size_t ihl, tot;

	if (len < 20 || buf[0] >> 4 != 4)
		return 0;
	ihl = (size_t)(buf[0] & 0x0f) * 4;
	tot = get16(buf + 2);
	if (ihl < 20 || tot < ihl || tot > len)
		return 0;
	return tot;
}

static void ip4_fix_csum(uint8_t *h)
{
	put16(h + 10, 0);
	put16(h + 10, ipip_csum(h, (size_t)(h[0] & 0x0f) * 4));
}

int ipip_encap(uint8_t *buf, size_t len, size_t cap, uint32_t src,
	       uint32_t dst, uint16_t id)
{
	size_t tot = ip4_len(buf, len);
	uint8_t *h = buf;

	if (!tot)
		return -EINVAL;
	if (tot + IPIP_HLEN > cap || tot + IPIP_HLEN > 65535)
		return -EMSGSIZE;
	memmove(buf + IPIP_HLEN, buf, tot);
	memset(h, 0, IPIP_HLEN);
	h[0] = 0x45;
	h[1] = buf[IPIP_HLEN + 1];
	put16(h + 2, (uint16_t)(tot + IPIP_HLEN));
	put16(h + 4, id);
	put16(h + 6, get16(buf + IPIP_HLEN + 6) & IP_DF);
	h[8] = IPIP_TTL;
	h[9] = IPPROTO_IPIP_;
	memcpy(h + 12, &src, 4);
	memcpy(h + 16, &dst, 4);
	ip4_fix_csum(h);
	return (int)(tot + IPIP_HLEN);
}

/* RFC 6040 section 4.2: the inner ECN field after decapsulation, or -1. */
static int ecn_decap(uint8_t outer, uint8_t inner)
{
	if (outer == 3)
		return inner == 0 ? -1 : 3;
	if (outer == 1 && inner == 2)
		return 1;
	return inner;
}

int ipip_decap(uint8_t *buf, size_t len)
{
	size_t tot = ip4_len(buf, len), ohl, in_tot;
	uint8_t *in;
	int ecn;

	if (!tot || buf[9] != IPPROTO_IPIP_ ||
	    get16(buf + 6) & (IP_MF | IP_OFFMASK))
		return -EINVAL;
	ohl = (size_t)(buf[0] & 0x0f) * 4;
	in = buf + ohl;
	in_tot = ip4_len(in, tot - ohl);
	if (!in_tot)
		return -EINVAL;
	ecn = ecn_decap(buf[1] & 3, in[1] & 3);
	if (ecn < 0)
		return -EPROTO;
	if ((in[1] & 3) != ecn) {
		in[1] = (uint8_t)((in[1] & 0xfc) | ecn);
		ip4_fix_csum(in);
	}
	memmove(buf, in, in_tot);
	return (int)in_tot;
}
