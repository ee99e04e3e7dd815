/* SPDX-License-Identifier: GPL-2.0-only */
/* Internet checksums (RFC 1071) and the fix-up of a modified packet. */
#ifndef ITM_CSUM_H
#define ITM_CSUM_H

#include <stddef.h>
#include <stdint.h>

#include "itm/pkt.h"

/* One's-complement sum of len bytes folded into 32 bits, no final invert. */
uint32_t itm_csum_partial(const void *data, size_t len, uint32_t sum);
uint16_t itm_csum_fold(uint32_t sum);

/*
 * Recompute every checksum of the parsed headers that the capture holds
 * completely: inner then outer IPv4 header, TCP/UDP/ICMP/ICMPv6 (pseudo
 * header included) of unfragmented packets, GRE with the C bit. A checksum
 * whose data is not all captured is left as it was. Returns how many were
 * rewritten.
 */
int itm_csum_fix(struct itm_pkt *p);

/* Whether every checksum that could be checked is correct (for tests). */
int itm_csum_verify(const struct itm_pkt *p);

#endif
