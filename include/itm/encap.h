/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * IP-in-IP encapsulation (RFC 2003, 6in4 as RFC 4213, IPv6 outer as RFC
 * 2473) on a packet in place, with RFC 6040's ECN rules (normal mode).
 * The ipip module is the configuration around these; an out-of-process
 * router can call them the same way.
 *
 * Both work on the packet's first IP header (p->v.outer, parsed), leave the
 * link-layer header first (fixing its EtherType when the family changes),
 * write a complete outer header (IPv4 header checksum included) and leave
 * the view stale: re-parse after them.
 */
#ifndef ITM_ENCAP_H
#define ITM_ENCAP_H

#include <stdint.h>

#include "itm/pkt.h"
#include "itm/prefix.h"

enum itm_encap_df {
	ITM_DF_INHERIT,		/* the inner IPv4's DF; set for IPv6 inside */
	ITM_DF_SET,
	ITM_DF_CLEAR,
};

struct itm_encap_cfg {
	struct itm_prefix local, peer;	/* one family: the outer header's */
	uint32_t ttl;		/* outer TTL / hop limit; 0 = the inner's */
	int32_t dscp;		/* outer DSCP; -1 = the inner's (RFC 2003) */
	enum itm_encap_df df;
};

/* Bytes an outer header of this family adds. */
static inline uint32_t itm_encap_hlen(uint8_t family)
{
	return family == 6 ? 40 : 20;
}

/* The length of an IP packet by its own header (not by the capture). */
uint32_t itm_ip_len(const struct itm_pkt *p, const struct itm_l3 *l3);
/* Whether an IP packet may not be fragmented on the way: IPv4 DF, IPv6. */
bool itm_ip_dont_frag(const struct itm_pkt *p, const struct itm_l3 *l3);

/*
 * Put an outer header in front of the packet's IP header; id is the IPv4
 * identification to use. 0, -EINVAL (no IP header, or a link type that
 * cannot carry the outer family), -EMSGSIZE (the result would pass 65535
 * bytes), -ENOBUFS (no headroom).
 */
int itm_encap(struct itm_pkt *p, const struct itm_encap_cfg *c, uint16_t id);

/*
 * RFC 6040 decapsulation of the ECN field (figure 4): the inner's new ECN
 * codepoint, or -1 when the packet must be dropped (CE outside, not-ECT
 * inside).
 */
int itm_ecn_decap(uint8_t outer_ecn, uint8_t inner_ecn);

/*
 * Take the outer header off a tunnel packet (p->v.tunnel IPIP, SIT, 4IN6 or
 * 6IN6 with an inner header parsed), applying the ECN rules to the inner.
 * 0, -EINVAL (malformed: an outer fragment, an inner header missing or
 * longer than the outer's payload), -EPROTO (the ECN rules drop it).
 */
int itm_decap(struct itm_pkt *p);

#endif
