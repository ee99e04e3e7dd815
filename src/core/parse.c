// SPDX-License-Identifier: GPL-2.0-only
/*
 * Packet parser: link layer, VLAN/QinQ, IPv4/IPv6 with options and extension
 * headers, the ports of TCP-like protocols, and one level of tunnel (IPIP,
 * 6in4, 4in6, 6in6, GRE v0).
 *
 * Principles:
 *  - Every read is checked against an end offset that never exceeds the
 *    captured length; an IP header also bounds its payload by its own length
 *    field, so Ethernet padding is not taken for payload.
 *  - A header that is short or malformed sets no `have` bit, and nothing
 *    after it is parsed: keys are absent, never guessed.
 *  - Fragments carry no ports (all zero, the first fragment included), so a
 *    datagram's fragments stay in one flow. Protocols without ports report 0.
 *  - Tunnels are entered only from an unfragmented outer header.
 */
#include <string.h>

#include "itm/pkt.h"
#include "itm/bytes.h"

#define ETH_P_IPV4 0x0800
#define ETH_P_IPV6 0x86dd
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88a8

#define IP6_MAX_EXT 16	/* the kernel's dissector stops at 15 */

static bool parse_l3(const uint8_t *d, uint32_t off, uint32_t end,
		     unsigned family, struct itm_l3 *l3);

/* Length of the L4 header we need before its ports can be believed. */
static uint32_t ports_min_len(uint8_t proto)
{
	switch (proto) {
	case 6:   return 20;	/* TCP, then data offset is checked */
	case 17:  return 8;	/* UDP */
	case 136: return 8;	/* UDP-Lite */
	case 132: return 12;	/* SCTP common header */
	case 33:  return 12;	/* DCCP generic header, short seq */
	default:  return 0;	/* no ports */
	}
}

static void parse_l4(const uint8_t *d, struct itm_l3 *l3)
{
	uint32_t need = ports_min_len(l3->proto);
	uint32_t off = l3->l4_off;

	if (l3->flags & ITM_L3_FRAG || need == 0) {
		l3->sport = l3->dport = 0;
		l3->have |= ITM_HAVE_PORTS;
		if (!(l3->flags & ITM_L3_FRAG) && off <= l3->end)
			l3->have |= ITM_HAVE_L4;
		return;
	}
	if (l3->end - off < need)
		return;
	if (l3->proto == 6) {
		uint32_t doff = (uint32_t)(d[off + 12] >> 4) * 4;

		if (doff < 20 || l3->end - off < doff)
			return;
		l3->tcp_flags = d[off + 13];
	}
	l3->sport = itm_get16(d + off);
	l3->dport = itm_get16(d + off + 2);
	l3->have |= ITM_HAVE_PORTS | ITM_HAVE_L4;
}

static bool parse_ipv4(const uint8_t *d, uint32_t off, uint32_t end,
		       struct itm_l3 *l3)
{
	uint32_t ihl, tot;
	uint16_t frag;

	if (end - off < 20 || d[off] >> 4 != 4)
		return false;
	ihl = (uint32_t)(d[off] & 0x0f) * 4;
	tot = itm_get16(d + off + 2);
	if (ihl < 20 || tot < ihl || end - off < ihl)
		return false;
	l3->family = 4;
	l3->off = off;
	l3->end = end - off > tot ? off + tot : end;
	l3->tos = d[off + 1];
	l3->ttl = d[off + 8];
	l3->proto = d[off + 9];
	memcpy(l3->src, d + off + 12, 4);
	memcpy(l3->dst, d + off + 16, 4);
	frag = itm_get16(d + off + 6);
	if (frag & 0x3fff) {		/* MF or offset */
		l3->flags |= ITM_L3_FRAG;
		if (!(frag & 0x1fff))
			l3->flags |= ITM_L3_FIRST_FRAG;
	}
	l3->l4_off = off + ihl;
	l3->have = ITM_HAVE_IP | ITM_HAVE_PROTO;
	return true;
}

/* Walk the IPv6 extension headers; false if one is cut short. */
static bool ipv6_walk_ext(const uint8_t *d, struct itm_l3 *l3)
{
	uint32_t off = l3->l4_off;
	uint8_t nh = l3->proto;
	int n;

	for (n = 0; n < IP6_MAX_EXT; n++) {
		uint32_t len;

		switch (nh) {
		case 0: case 43: case 60:	/* hop-by-hop, routing, dst opts */
			if (l3->end - off < 8)
				return false;
			len = ((uint32_t)d[off + 1] + 1) * 8;
			break;
		case 51:			/* AH */
			if (l3->end - off < 8)
				return false;
			len = ((uint32_t)d[off + 1] + 2) * 4;
			break;
		case 44:			/* fragment */
			if (l3->end - off < 8)
				return false;
			l3->flags |= ITM_L3_FRAG;
			if (itm_get16(d + off + 2) & 0xfff8) {
				/* a later fragment carries payload, not headers */
				l3->proto = d[off];
				l3->l4_off = off + 8;
				return true;
			}
			/* the first may still hold extension headers */
			l3->flags |= ITM_L3_FIRST_FRAG;
			len = 8;
			break;
		default:
			l3->proto = nh;
			l3->l4_off = off;
			return true;
		}
		if (l3->end - off < len)
			return false;
		nh = d[off];
		off += len;
	}
	return false;			/* too many: treat as malformed */
}

static bool parse_ipv6(const uint8_t *d, uint32_t off, uint32_t end,
		       struct itm_l3 *l3)
{
	uint32_t plen;

	if (end - off < 40 || d[off] >> 4 != 6)
		return false;
	plen = itm_get16(d + off + 4);
	l3->family = 6;
	l3->off = off;
	/* payload length 0 is a jumbogram (or a TSO capture): use what we have */
	l3->end = plen && end - off - 40 > plen ? off + 40 + plen : end;
	l3->tos = (uint8_t)(((d[off] & 0x0f) << 4) | (d[off + 1] >> 4));
	l3->ttl = d[off + 7];
	memcpy(l3->src, d + off + 8, 16);
	memcpy(l3->dst, d + off + 24, 16);
	l3->have = ITM_HAVE_IP;
	l3->proto = d[off + 6];
	l3->l4_off = off + 40;
	if (!ipv6_walk_ext(d, l3)) {
		l3->proto = 0;
		return true;		/* addresses stand, the rest is absent */
	}
	l3->have |= ITM_HAVE_PROTO;
	return true;
}

/* Parse one IP header and its L4 ports. family 0 = by version nibble. */
static bool parse_l3(const uint8_t *d, uint32_t off, uint32_t end,
		     unsigned family, struct itm_l3 *l3)
{
	bool ok;

	memset(l3, 0, sizeof(*l3));
	if (off >= end)
		return false;
	if (family == 0)
		family = d[off] >> 4;
	if (family == 4)
		ok = parse_ipv4(d, off, end, l3);
	else if (family == 6)
		ok = parse_ipv6(d, off, end, l3);
	else
		return false;
	if (ok && itm_l3_has(l3, ITM_HAVE_PROTO))
		parse_l4(d, l3);
	return ok;
}

/* GRE v0 without routing; returns the inner family or 0. */
static unsigned parse_gre(const uint8_t *d, struct itm_l3 *outer,
			  uint32_t *inner_off)
{
	uint32_t off = outer->l4_off, len = 4;
	uint16_t flags, proto;

	if (outer->end - off < 4)
		return 0;
	flags = itm_get16(d + off);
	proto = itm_get16(d + off + 2);
	if (flags & 0x4007)		/* routing bit or a version other than 0 */
		return 0;
	len += (flags & 0x8000) ? 4 : 0;	/* checksum + reserved */
	len += (flags & 0x2000) ? 4 : 0;	/* key */
	len += (flags & 0x1000) ? 4 : 0;	/* sequence */
	if (outer->end - off < len)
		return 0;
	*inner_off = off + len;
	if (proto == ETH_P_IPV4)
		return 4;
	if (proto == ETH_P_IPV6)
		return 6;
	return 0;
}

static void parse_tunnel(const uint8_t *d, struct itm_pkt_view *v)
{
	struct itm_l3 *o = &v->outer;
	uint32_t inner_off = o->l4_off;
	unsigned family;
	uint8_t kind;

	if (!itm_l3_has(o, ITM_HAVE_PROTO) || o->flags & ITM_L3_FRAG)
		return;
	switch (o->proto) {
	case 4:
		family = 4;
		kind = o->family == 4 ? ITM_TUNNEL_IPIP : ITM_TUNNEL_4IN6;
		break;
	case 41:
		family = 6;
		kind = o->family == 4 ? ITM_TUNNEL_SIT : ITM_TUNNEL_6IN6;
		break;
	case 47:
		family = parse_gre(d, o, &inner_off);
		kind = ITM_TUNNEL_GRE;
		v->gre_off = o->l4_off;
		break;
	default:
		return;
	}
	if (family == 0)
		return;
	v->tunnel = kind;
	parse_l3(d, inner_off, o->end, family, &v->inner);
}

/* Link layer: returns the offset of the network header, 0 family = by nibble. */
static bool parse_l2(const struct itm_pkt *p, struct itm_pkt_view *v,
		     uint32_t *off)
{
	const uint8_t *d = p->data;
	uint32_t len = p->caplen, o;
	uint16_t type;

	switch (p->link) {
	case ITM_LINK_RAW:
	case ITM_LINK_IPV4:
	case ITM_LINK_IPV6:
		*off = 0;
		return true;
	case ITM_LINK_NULL:	/* the family's number differs by system: */
	case ITM_LINK_LOOP:	/* the IP version nibble tells */
		*off = 4;
		return len >= 4;
	case ITM_LINK_LINUX_SLL:
		if (len < 16)
			return false;
		type = itm_get16(d + 14);
		o = 16;
		break;
	case ITM_LINK_LINUX_SLL2:
		if (len < 20)
			return false;
		type = itm_get16(d);
		o = 20;
		break;
	case ITM_LINK_ETHERNET:
		if (len < 14)
			return false;
		type = itm_get16(d + 12);
		o = 14;
		break;
	default:
		return false;
	}
	while ((type == ETH_P_8021Q || type == ETH_P_8021AD) && v->n_vlan < 2) {
		if (len - o < 4)
			return false;
		v->vlan_tci[v->n_vlan++] = itm_get16(d + o);
		type = itm_get16(d + o + 2);
		o += 4;
	}
	v->ethertype = type;
	*off = o;
	return type == ETH_P_IPV4 || type == ETH_P_IPV6;
}

void itm_pkt_parse(struct itm_pkt *p)
{
	struct itm_pkt_view *v = &p->v;
	unsigned family = 0;
	uint32_t off;

	memset(v, 0, sizeof(*v));
	if (!p->data || !parse_l2(p, v, &off))
		return;
	if (v->ethertype == ETH_P_IPV4 || p->link == ITM_LINK_IPV4)
		family = 4;
	else if (v->ethertype == ETH_P_IPV6 || p->link == ITM_LINK_IPV6)
		family = 6;
	if (!parse_l3(p->data, off, p->caplen, family, &v->outer))
		return;
	parse_tunnel(p->data, v);
}

void itm_l3_set_tos(struct itm_pkt *p, struct itm_l3 *l3, uint8_t tos)
{
	uint8_t *h = p->data + l3->off;

	if (!itm_l3_has(l3, ITM_HAVE_IP))
		return;
	if (l3->family == 4) {
		h[1] = tos;
	} else {
		h[0] = (uint8_t)((h[0] & 0xf0) | (tos >> 4));
		h[1] = (uint8_t)((h[1] & 0x0f) | (uint8_t)(tos << 4));
	}
	l3->tos = tos;
}
