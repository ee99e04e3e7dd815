// SPDX-License-Identifier: GPL-2.0-only
/*
 * Flow key extraction (see include/itm/flowkeys.h). A key the packet lacks
 * reads as 0, never as something unrelated to the packet (the kernel folds
 * socket and route pointers in): so with outer keys only, all flows of a
 * tunnel are one flow; add the tunnel keys and they separate, while plain
 * traffic (tunnel keys all 0) still classifies by its outer keys.
 */
#include <string.h>

#include "itm/flowkeys.h"

const char *const itm_flow_key_names[] = {
	"src", "dst", "proto", "proto-src", "proto-dst", "iif", "priority",
	"mark", "vlan-tag", "tunnel-src", "tunnel-dst", "tunnel-proto",
	"tunnel-proto-src", "tunnel-proto-dst", NULL,
};

static uint32_t addr_key(const struct itm_l3 *l3, const uint8_t *a)
{
	uint32_t w[4];

	if (!itm_l3_has(l3, ITM_HAVE_IP))
		return 0;
	memcpy(w, a, sizeof(w));
	if (l3->family == 4)
		return __builtin_bswap32(w[0]);
	return __builtin_bswap32(w[0] ^ w[1] ^ w[2] ^ w[3]);
}

/* which: 0 src, 1 dst, 2 proto, 3 proto-src, 4 proto-dst */
static uint32_t l3_key(const struct itm_l3 *l3, int which)
{
	switch (which) {
	case 0: return addr_key(l3, l3->src);
	case 1: return addr_key(l3, l3->dst);
	case 2: return itm_l3_has(l3, ITM_HAVE_PROTO) ? l3->proto : 0;
	case 3: return itm_l3_has(l3, ITM_HAVE_PORTS) ? l3->sport : 0;
	default: return itm_l3_has(l3, ITM_HAVE_PORTS) ? l3->dport : 0;
	}
}

uint32_t itm_flow_key_value(const struct itm_pkt *p, unsigned key)
{
	static const struct itm_l3 none;
	const struct itm_l3 *in = p->v.tunnel ? &p->v.inner : &none;

	switch (key) {
	case ITM_FK_IIF: return p->iif;
	case ITM_FK_PRIORITY: return p->priority;
	case ITM_FK_MARK: return p->mark;
	case ITM_FK_VLAN_TAG:
		return p->v.n_vlan ? p->v.vlan_tci[0] & 0x0fff : 0;
	default:
		if (key >= ITM_FK_TUNNEL_SRC)
			return l3_key(in, (int)(key - ITM_FK_TUNNEL_SRC));
		return l3_key(&p->v.outer, (int)key);
	}
}

/* The five keys of one header selected by the low bits of mask, in key
 * order, tested once each: this runs for every packet fq_pie hashes. */
static unsigned l3_keys(const struct itm_l3 *l3, uint32_t mask, uint32_t *vals)
{
	bool proto = itm_l3_has(l3, ITM_HAVE_PROTO);
	bool ports = itm_l3_has(l3, ITM_HAVE_PORTS);
	unsigned n = 0;

	if (mask & 1)
		vals[n++] = addr_key(l3, l3->src);
	if (mask & 2)
		vals[n++] = addr_key(l3, l3->dst);
	if (mask & 4)
		vals[n++] = proto ? l3->proto : 0;
	if (mask & 8)
		vals[n++] = ports ? l3->sport : 0;
	if (mask & 16)
		vals[n++] = ports ? l3->dport : 0;
	return n;
}

#define FK_L3_MASK 0x1fu
#define FK_MID_MASK (0xfu << ITM_FK_IIF)

unsigned itm_flow_key_values(const struct itm_pkt *p, uint32_t keys,
			     uint32_t *vals)
{
	static const struct itm_l3 none;
	unsigned k, n = l3_keys(&p->v.outer, keys & FK_L3_MASK, vals);
	uint32_t tun = (keys >> ITM_FK_TUNNEL_SRC) & FK_L3_MASK;

	for (k = ITM_FK_IIF; (keys & FK_MID_MASK) && k < ITM_FK_TUNNEL_SRC; k++) {
		if (keys & (1u << k))
			vals[n++] = itm_flow_key_value(p, k);
	}
	if (tun)
		n += l3_keys(p->v.tunnel ? &p->v.inner : &none, tun, vals + n);
	return n;
}
