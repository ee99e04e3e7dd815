/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Flow keys, as tc's flow filter names them, read from a parsed packet.
 * Shared by the flow classifier and the flow-queueing disciplines, so that
 * "keys src,dst,proto-dst" means the same thing everywhere.
 *
 * Keys are 32-bit values. Addresses: IPv4 as a number, IPv6 as the XOR of
 * its four words. proto, proto-src and proto-dst are the outer header's; a
 * tunnel's inner header gives the tunnel-* keys. A key the packet lacks
 * reads as 0.
 */
#ifndef ITM_FLOWKEYS_H
#define ITM_FLOWKEYS_H

#include <stdint.h>

#include "itm/pkt.h"

enum itm_flow_key_id {
	ITM_FK_SRC, ITM_FK_DST, ITM_FK_PROTO, ITM_FK_PROTO_SRC,
	ITM_FK_PROTO_DST, ITM_FK_IIF, ITM_FK_PRIORITY, ITM_FK_MARK,
	ITM_FK_VLAN_TAG, ITM_FK_TUNNEL_SRC, ITM_FK_TUNNEL_DST,
	ITM_FK_TUNNEL_PROTO, ITM_FK_TUNNEL_PROTO_SRC, ITM_FK_TUNNEL_PROTO_DST,
	ITM_FK_MAX,
};

/* The classic 5-tuple: addresses, protocol, ports. */
#define ITM_FLOW_KEYS_5TUPLE \
	(1u << ITM_FK_SRC | 1u << ITM_FK_DST | 1u << ITM_FK_PROTO | \
	 1u << ITM_FK_PROTO_SRC | 1u << ITM_FK_PROTO_DST)

/* Names in enum order, NULL-terminated: an attribute's names[]. */
extern const char *const itm_flow_key_names[];

uint32_t itm_flow_key_value(const struct itm_pkt *p, unsigned key);

/* The values of the keys in the bit set `keys`, in key order (as the
 * kernel hashes them), into vals[ITM_FK_MAX]; returns how many. */
unsigned itm_flow_key_values(const struct itm_pkt *p, uint32_t keys,
			     uint32_t *vals);

#endif
