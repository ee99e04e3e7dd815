// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checksums of a packet a module changed. Modules change bytes freely and
 * return "modified"; the framework then recomputes what covers those bytes,
 * from scratch, because it cannot know which field moved. Recomputing is only
 * possible over bytes we hold: a truncated capture keeps its old checksums.
 */
#include <string.h>

#include "itm/csum.h"
#include "itm/bytes.h"

uint32_t itm_csum_partial(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;
	uint64_t s = sum;

	while (len >= 2) {
		s += (uint32_t)(p[0] << 8 | p[1]);
		p += 2;
		len -= 2;
	}
	if (len)
		s += (uint32_t)p[0] << 8;
	while (s >> 32)
		s = (s & 0xffffffff) + (s >> 32);
	return (uint32_t)s;
}

uint16_t itm_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t pseudo_sum(const struct itm_l3 *l3, uint32_t l4_len)
{
	size_t alen = l3->family == 4 ? 4 : 16;
	uint32_t s = 0;

	s = itm_csum_partial(l3->src, alen, s);
	s = itm_csum_partial(l3->dst, alen, s);
	s += l3->proto;
	s += l4_len & 0xffff;
	s += l4_len >> 16;
	return s;
}

/* Offset of the checksum field in the L4 header, or 0 when there is none. */
static uint32_t l4_csum_field(uint8_t proto, uint8_t family)
{
	switch (proto) {
	case 6:  return 16;
	case 17: return 6;
	case 1:  return family == 4 ? 2 : 0;
	case 58: return family == 6 ? 2 : 0;
	default: return 0;
	}
}

/* The whole IP packet must be captured for an L4 sum over it. */
static bool l3_complete(const struct itm_pkt *p, const struct itm_l3 *l3)
{
	const uint8_t *d = p->data;
	uint32_t want;

	if (l3->family == 4)
		want = (uint32_t)(d[l3->off + 2] << 8 | d[l3->off + 3]);
	else
		want = 40 + (uint32_t)(d[l3->off + 4] << 8 | d[l3->off + 5]);
	return l3->end - l3->off == want;
}

static int fix_l4(struct itm_pkt *p, const struct itm_l3 *l3, bool write)
{
	uint32_t field = l4_csum_field(l3->proto, l3->family);
	uint32_t len = l3->end - l3->l4_off, s;
	uint8_t *c;
	uint16_t sum;

	if (!field || !itm_l3_has(l3, ITM_HAVE_L4) || l3->flags & ITM_L3_FRAG ||
	    len < field + 2 || !l3_complete(p, l3))
		return 0;
	c = p->data + l3->l4_off + field;
	/* an IPv4 UDP checksum of zero means "none" and stays so */
	if (l3->proto == 17 && l3->family == 4 && c[0] == 0 && c[1] == 0)
		return 0;
	s = l3->proto == 1 ? 0 : pseudo_sum(l3, len);
	if (!write)
		return itm_csum_fold(itm_csum_partial(p->data + l3->l4_off,
						      len, s)) == 0 ? 0 : -1;
	c[0] = c[1] = 0;
	sum = itm_csum_fold(itm_csum_partial(p->data + l3->l4_off, len, s));
	if (l3->proto == 17 && sum == 0)
		sum = 0xffff;
	itm_put16(c, sum);
	return 1;
}

static int fix_ipv4(struct itm_pkt *p, const struct itm_l3 *l3, bool write)
{
	uint8_t *h = p->data + l3->off;
	uint32_t ihl = (uint32_t)(h[0] & 0x0f) * 4;

	if (l3->family != 4 || !itm_l3_has(l3, ITM_HAVE_IP))
		return 0;
	if (!write)
		return itm_csum_fold(itm_csum_partial(h, ihl, 0)) == 0 ? 0 : -1;
	h[10] = h[11] = 0;
	itm_put16(h + 10, itm_csum_fold(itm_csum_partial(h, ihl, 0)));
	return 1;
}

static int fix_gre(struct itm_pkt *p, bool write)
{
	const struct itm_l3 *o = &p->v.outer;
	uint8_t *g = p->data + p->v.gre_off;
	uint32_t len = o->end - p->v.gre_off;

	if (p->v.tunnel != ITM_TUNNEL_GRE || !(g[0] & 0x80) || !l3_complete(p, o))
		return 0;
	if (!write)
		return itm_csum_fold(itm_csum_partial(g, len, 0)) == 0 ? 0 : -1;
	g[4] = g[5] = 0;
	itm_put16(g + 4, itm_csum_fold(itm_csum_partial(g, len, 0)));
	return 1;
}

static int csum_walk(struct itm_pkt *p, bool write)
{
	int r, n = 0, bad = 0;

	if (p->flags & ITM_PKT_CSUM_PARTIAL) {
		/* the L4 field holds the pseudo-header sum the NIC completes */
		if (p->v.tunnel)
			n += fix_ipv4(p, &p->v.inner, write) > 0;
		return n + (fix_ipv4(p, &p->v.outer, write) > 0);
	}
	if (p->v.tunnel) {
		r = fix_l4(p, &p->v.inner, write);
		n += r > 0; bad |= r < 0;
		r = fix_ipv4(p, &p->v.inner, write);
		n += r > 0; bad |= r < 0;
		r = fix_gre(p, write);
		n += r > 0; bad |= r < 0;
	}
	r = fix_l4(p, &p->v.outer, write);
	n += r > 0; bad |= r < 0;
	r = fix_ipv4(p, &p->v.outer, write);
	n += r > 0; bad |= r < 0;
	return write ? n : -bad;
}

int itm_csum_fix(struct itm_pkt *p)
{
	return csum_walk(p, true);
}

int itm_csum_verify(const struct itm_pkt *p)
{
	return csum_walk((struct itm_pkt *)p, false);
}
