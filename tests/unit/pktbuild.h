/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Building packets byte by byte for unit tests. Each builder appends one
 * header at b->len and returns its offset; lengths and checksums are filled
 * by pb_finish(), so tests state only what they are about.
 */
#ifndef ITM_TESTS_PKTBUILD_H
#define ITM_TESTS_PKTBUILD_H

#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "itm/csum.h"
#include "itm/pkt.h"

struct pb {
	uint8_t d[2048];
	uint32_t len;
	int ip_off[2];		/* outer, inner IP header offsets (-1 none) */
	int l4_off[2];
	uint8_t l4_proto[2];
	int n_ip;
};

static inline void pb_init(struct pb *b)
{
	memset(b, 0, sizeof(*b));
	b->ip_off[0] = b->ip_off[1] = b->l4_off[0] = b->l4_off[1] = -1;
}

static inline void pb_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline uint32_t pb_eth(struct pb *b, uint16_t type)
{
	uint32_t o = b->len;

	memset(b->d + o, 0, 12);
	b->d[o + 0] = 0x02; b->d[o + 11] = 0x01; b->d[o + 5] = 0x02;
	pb_put16(b->d + o + 12, type);
	b->len += 14;
	return o;
}

static inline uint32_t pb_vlan(struct pb *b, uint16_t tci, uint16_t type)
{
	uint32_t o = b->len;

	pb_put16(b->d + o, tci);
	pb_put16(b->d + o + 2, type);
	b->len += 4;
	return o;
}

/* IPv4 with tos, protocol, addresses "a.b.c.d"; opt_words of NOP options. */
static inline uint32_t pb_ipv4(struct pb *b, uint8_t tos, uint8_t proto,
			       const char *src, const char *dst, int opt_words)
{
	uint32_t o = b->len, ihl = 5 + (uint32_t)opt_words;

	memset(b->d + o, 0, ihl * 4);
	b->d[o] = (uint8_t)(0x40 | ihl);
	b->d[o + 1] = tos;
	b->d[o + 8] = 64;
	b->d[o + 9] = proto;
	inet_pton(AF_INET, src, b->d + o + 12);
	inet_pton(AF_INET, dst, b->d + o + 16);
	memset(b->d + o + 20, 1, (size_t)opt_words * 4);	/* NOPs */
	b->len += ihl * 4;
	b->ip_off[b->n_ip] = (int)o;
	b->l4_proto[b->n_ip++] = proto;
	return o;
}

static inline void pb_ipv4_frag(struct pb *b, uint32_t ip, int mf,
				uint16_t offset8)
{
	pb_put16(b->d + ip + 6, (uint16_t)((mf ? 0x2000 : 0) | offset8));
}

static inline uint32_t pb_ipv6(struct pb *b, uint8_t tclass, uint8_t nh,
			       const char *src, const char *dst)
{
	uint32_t o = b->len;

	memset(b->d + o, 0, 40);
	b->d[o] = (uint8_t)(0x60 | tclass >> 4);
	b->d[o + 1] = (uint8_t)(tclass << 4);
	b->d[o + 6] = nh;
	b->d[o + 7] = 64;
	inet_pton(AF_INET6, src, b->d + o + 8);
	inet_pton(AF_INET6, dst, b->d + o + 24);
	b->len += 40;
	b->ip_off[b->n_ip] = (int)o;
	b->l4_proto[b->n_ip++] = nh;
	return o;
}

/* A generic IPv6 extension header of (len8 + 1) * 8 bytes. */
static inline uint32_t pb_ext6(struct pb *b, uint8_t nh, uint8_t len8)
{
	uint32_t o = b->len;

	memset(b->d + o, 0, ((uint32_t)len8 + 1) * 8);
	b->d[o] = nh;
	b->d[o + 1] = len8;
	b->len += ((uint32_t)len8 + 1) * 8;
	return o;
}

static inline uint32_t pb_frag6(struct pb *b, uint8_t nh, uint16_t off8,
				int mf)
{
	uint32_t o = b->len;

	memset(b->d + o, 0, 8);
	b->d[o] = nh;
	pb_put16(b->d + o + 2, (uint16_t)(off8 << 3 | (mf ? 1 : 0)));
	b->len += 8;
	return o;
}

static inline uint32_t pb_tcp(struct pb *b, uint16_t sp, uint16_t dp,
			      uint8_t flags, uint32_t payload)
{
	uint32_t o = b->len;

	if (o + 20 + payload > sizeof(b->d))
		abort();	/* a test asked for more than the buffer */
	memset(b->d + o, 0, 20 + payload);
	pb_put16(b->d + o, sp);
	pb_put16(b->d + o + 2, dp);
	b->d[o + 12] = 5 << 4;
	b->d[o + 13] = flags;
	pb_put16(b->d + o + 14, 65535);
	b->len += 20 + payload;
	b->l4_off[b->n_ip - 1] = (int)o;
	return o;
}

static inline uint32_t pb_udp(struct pb *b, uint16_t sp, uint16_t dp,
			      uint32_t payload)
{
	uint32_t o = b->len;

	if (o + 8 + payload > sizeof(b->d))
		abort();	/* a test asked for more than the buffer */
	memset(b->d + o, 0, 8 + payload);
	pb_put16(b->d + o, sp);
	pb_put16(b->d + o + 2, dp);
	b->len += 8 + payload;
	b->l4_off[b->n_ip - 1] = (int)o;
	return o;
}

static inline uint32_t pb_icmp(struct pb *b, uint8_t type)
{
	uint32_t o = b->len;

	memset(b->d + o, 0, 8);
	b->d[o] = type;
	b->len += 8;
	b->l4_off[b->n_ip - 1] = (int)o;
	return o;
}

static inline uint32_t pb_gre(struct pb *b, uint16_t flags, uint16_t proto)
{
	uint32_t o = b->len, n = 4;

	n += (flags & 0x8000) ? 4 : 0;
	n += (flags & 0x2000) ? 4 : 0;
	n += (flags & 0x1000) ? 4 : 0;
	memset(b->d + o, 0, n);
	pb_put16(b->d + o, flags);
	pb_put16(b->d + o + 2, proto);
	b->len += n;
	return o;
}

/* Fill IP lengths (inner first) and all checksums. */
static inline void pb_finish(struct pb *b, struct itm_pkt *p)
{
	int i;

	for (i = b->n_ip - 1; i >= 0; i--) {
		uint8_t *h = b->d + b->ip_off[i];

		if ((h[0] >> 4) == 4)
			pb_put16(h + 2, (uint16_t)(b->len - (uint32_t)b->ip_off[i]));
		else
			pb_put16(h + 4, (uint16_t)(b->len - (uint32_t)b->ip_off[i] - 40));
		if (b->l4_off[i] >= 0 && b->l4_proto[i] == 17)
			pb_put16(b->d + b->l4_off[i] + 4,
				 (uint16_t)(b->len - (uint32_t)b->l4_off[i]));
	}
	memset(p, 0, sizeof(*p));
	p->data = b->d;
	p->caplen = p->wirelen = b->len;
	p->link = ITM_LINK_ETHERNET;
	itm_pkt_parse(p);
	itm_csum_fix(p);
}

#endif
