/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * IPv4 in IPv4 (RFC 2003) on a raw IP packet in a buffer: itmroute's own
 * small copy, because itm's (src/core/encap.c) works on itmd's internal
 * packet structure and itmroute links only libitm and libc.
 */
#ifndef ITMROUTE_IPIP_H
#define ITMROUTE_IPIP_H

#include <stddef.h>
#include <stdint.h>

#define IPIP_HLEN 20
#define IPIP_TTL 64

/* The Internet checksum of @len bytes, folded and complemented. */
uint16_t ipip_csum(const void *buf, size_t len);

/*
 * Put an outer header (@src -> @dst, network order) in front of the IPv4
 * packet of @len bytes at @buf, which has room for @cap. Returns the new
 * length, or -EINVAL (not a whole IPv4 packet), -EMSGSIZE (would exceed
 * @cap or 65535 bytes).
 */
int ipip_encap(uint8_t *buf, size_t len, size_t cap, uint32_t src,
	       uint32_t dst, uint16_t id);

/*
 * Remove the outer header of the IP-IP packet of @len bytes at @buf.
 * Returns the inner packet's length, -EINVAL (not IPv4 in IPv4, a fragment,
 * lengths that disagree) or -EPROTO (CE outside, not ECN-capable inside:
 * RFC 6040 says drop).
 */
int ipip_decap(uint8_t *buf, size_t len);

#endif
