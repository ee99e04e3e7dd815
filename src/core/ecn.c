// SPDX-License-Identifier: GPL-2.0-only
/*
 * CE marking for disciplines: set both ECN bits of the outer header of an
 * ECT(0) or ECT(1) packet. IPv4 carries a header checksum; the one 16-bit
 * word that changed is folded in, as RFC 1624's HC' = ~(~HC + ~m + m').
 */
#include "itm/ecn.h"

static void ipv4_csum_replace(uint8_t *h, uint16_t old, uint16_t now)
{
	uint32_t sum = (uint16_t)~(h[10] << 8 | h[11]);

	sum += (uint16_t)~old;
	sum += now;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	h[10] = (uint8_t)(sum >> 8);
	h[11] = (uint8_t)sum;
}

bool itm_pkt_set_ce(struct itm_pkt *p)
{
	struct itm_l3 *l3 = &p->v.outer;
	uint8_t *h = p->data + l3->off;
	uint16_t old;

	if (!itm_l3_has(l3, ITM_HAVE_IP) || itm_l3_ecn(l3) == ITM_ECN_NOT_ECT)
		return false;
	if (itm_l3_ecn(l3) == ITM_ECN_CE)
		return true;
	if (l3->family == 4 && (uint64_t)l3->off + 20 > p->caplen)
		return false;
	old = (uint16_t)(h[0] << 8 | h[1]);
	itm_l3_set_tos(p, l3, l3->tos | ITM_ECN_CE);
	if (l3->family == 4)
		ipv4_csum_replace(h, old, (uint16_t)(h[0] << 8 | h[1]));
	return true;
}
