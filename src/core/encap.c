// SPDX-License-Identifier: GPL-2.0-only
/*
 * IP-in-IP in place. Encapsulation pushes an outer header into the
 * headroom, moving only the link-layer header; decapsulation moves the
 * link-layer header over the outer one. The inner packet's bytes are never
 * touched, except its ECN field on the way out of a tunnel (RFC 6040) and
 * then its IPv4 header checksum with it.
 *
 * Outer header fields (RFC 2003 section 3.1, RFC 6040 section 4.1):
 *  - TOS / traffic class: DSCP copied from the inner (or configured), ECN
 *    copied from the inner in full, CE included (normal mode);
 *  - TTL: configured, or the inner's ("inherit"); the inner TTL is not
 *    changed here: the forwarding decrement belongs to the router (the
 *    kernel does it before the forward hook), not to the tunnel;
 *  - DF: copied from the inner IPv4, set for IPv6 inside, or configured;
 *  - identification: the caller's counter; header checksum computed.
 */
#include <errno.h>
#include <string.h>

#include "itm/csum.h"
#include "itm/encap.h"
#include "itm/bytes.h"

#define ETH_P_IPV4 0x0800
#define ETH_P_IPV6 0x86dd
#define IPV4_DF 0x4000

uint32_t itm_ip_len(const struct itm_pkt *p, const struct itm_l3 *l3)
{
	const uint8_t *h = p->data + l3->off;
	uint32_t plen;

	if (l3->family == 4)
		return itm_get16(h + 2);
	plen = itm_get16(h + 4);
	return plen ? 40 + plen : l3->end - l3->off;	/* jumbo: what we have */
}

bool itm_ip_dont_frag(const struct itm_pkt *p, const struct itm_l3 *l3)
{
	return l3->family == 6 || (itm_get16(p->data + l3->off + 6) & IPV4_DF);
}

/*
 * Where the link layer names the network protocol: 2 bytes before the IP
 * header for Ethernet (after any VLAN tags) and Linux cooked v1, at the
 * start for cooked v2. Returns false if the link cannot say `family`.
 */
static bool set_ethertype(struct itm_pkt *p, uint32_t ip_off, uint8_t family)
{
	uint16_t type = family == 4 ? ETH_P_IPV4 : ETH_P_IPV6;

	switch (p->link) {
	case ITM_LINK_RAW:
		return true;
	case ITM_LINK_NULL:	/* AF_INET6 is 10, 24, 28 or 30 by system: */
	case ITM_LINK_LOOP:	/* keep the family the header names */
		return ip_off >= 4 && p->data[ip_off] >> 4 == family;
	case ITM_LINK_IPV4:
		return family == 4;
	case ITM_LINK_IPV6:
		return family == 6;
	case ITM_LINK_LINUX_SLL2:
		itm_put16(p->data, type);
		return true;
	default:
		if (ip_off < 2)
			return false;
		itm_put16(p->data + ip_off - 2, type);
		return true;
	}
}

static uint8_t encap_tos(const struct itm_encap_cfg *c, uint8_t inner_tos)
{
	uint8_t dscp = c->dscp < 0 ? inner_tos >> 2 : (uint8_t)c->dscp;

	return (uint8_t)(dscp << 2 | (inner_tos & 3));
}

static void put_outer4(uint8_t *h, const struct itm_encap_cfg *c,
		       const struct itm_l3 *in, uint32_t tot, uint16_t id,
		       bool df)
{
	memset(h, 0, 20);
	h[0] = 0x45;
	h[1] = encap_tos(c, in->tos);
	itm_put16(h + 2, (uint16_t)tot);
	itm_put16(h + 4, id);
	itm_put16(h + 6, df ? IPV4_DF : 0);
	h[8] = (uint8_t)(c->ttl ? c->ttl : in->ttl);
	h[9] = in->family == 4 ? 4 : 41;
	memcpy(h + 12, c->local.addr, 4);
	memcpy(h + 16, c->peer.addr, 4);
	itm_put16(h + 10, itm_csum_fold(itm_csum_partial(h, 20, 0)));
}

static void put_outer6(uint8_t *h, const struct itm_encap_cfg *c,
		       const struct itm_l3 *in, uint32_t plen)
{
	uint8_t tc = encap_tos(c, in->tos);

	memset(h, 0, 40);
	h[0] = (uint8_t)(0x60 | tc >> 4);
	h[1] = (uint8_t)(tc << 4);
	itm_put16(h + 4, (uint16_t)plen);
	h[6] = in->family == 4 ? 4 : 41;
	h[7] = (uint8_t)(c->ttl ? c->ttl : in->ttl);
	memcpy(h + 8, c->local.addr, 16);
	memcpy(h + 24, c->peer.addr, 16);
}

static bool encap_df(const struct itm_encap_cfg *c, const struct itm_pkt *p,
		     const struct itm_l3 *in)
{
	if (c->df != ITM_DF_INHERIT)
		return c->df == ITM_DF_SET;
	return itm_ip_dont_frag(p, in);
}

int itm_encap(struct itm_pkt *p, const struct itm_encap_cfg *c, uint16_t id)
{
	struct itm_l3 in = p->v.outer;	/* the IP header that goes inside */
	uint32_t hlen = itm_encap_hlen(c->local.family), len;
	bool df;
	uint8_t *h;

	if (!itm_l3_has(&in, ITM_HAVE_IP) || c->local.family != c->peer.family)
		return -EINVAL;
	len = itm_ip_len(p, &in);
	if (len + hlen > 65535)
		return -EMSGSIZE;
	if (hlen > p->headroom)
		return -ENOBUFS;
	if (!set_ethertype(p, in.off, c->local.family))
		return -EINVAL;
	df = encap_df(c, p, &in);
	h = itm_pkt_insert(p, in.off, hlen);
	if (c->local.family == 4)
		put_outer4(h, c, &in, len + hlen, id, df);
	else
		put_outer6(h, c, &in, len);
	return 0;
}

int itm_ecn_decap(uint8_t outer, uint8_t inner)
{
	if (outer == 3)			/* CE */
		return inner == 0 ? -1 : 3;
	if (outer == 1 && inner == 2)	/* ECT(1) outside, ECT(0) inside */
		return 1;
	return inner;
}

/* The inner header's new ECN bits, with the IPv4 header checksum. */
static void decap_set_ecn(struct itm_pkt *p, struct itm_l3 *in, uint8_t ecn)
{
	uint8_t *h = p->data + in->off;
	uint32_t ihl;

	if (itm_l3_ecn(in) == ecn)
		return;
	itm_l3_set_tos(p, in, (uint8_t)((in->tos & 0xfc) | ecn));
	if (in->family != 4)
		return;
	ihl = (uint32_t)(h[0] & 0x0f) * 4;
	itm_put16(h + 10, 0);
	itm_put16(h + 10, itm_csum_fold(itm_csum_partial(h, ihl, 0)));
}

/* The outer header's payload by its length field, not by the capture. */
static uint32_t outer_payload(const struct itm_pkt *p, const struct itm_l3 *o)
{
	uint32_t len = itm_ip_len(p, o), hdr = o->l4_off - o->off;

	return len > hdr ? len - hdr : 0;
}

int itm_decap(struct itm_pkt *p)
{
	struct itm_l3 *o = &p->v.outer, *in = &p->v.inner;
	int ecn;

	if (o->flags & ITM_L3_FRAG || !itm_l3_has(in, ITM_HAVE_IP) ||
	    (p->v.tunnel != ITM_TUNNEL_IPIP && p->v.tunnel != ITM_TUNNEL_SIT &&
	     p->v.tunnel != ITM_TUNNEL_4IN6 && p->v.tunnel != ITM_TUNNEL_6IN6) ||
	    in->off != o->l4_off || itm_ip_len(p, in) > outer_payload(p, o))
		return -EINVAL;
	ecn = itm_ecn_decap(itm_l3_ecn(o), itm_l3_ecn(in));
	if (ecn < 0)
		return -EPROTO;
	if (!set_ethertype(p, o->off, in->family))
		return -EINVAL;
	decap_set_ecn(p, in, (uint8_t)ecn);
	return itm_pkt_remove(p, o->off, in->off - o->off);
}
