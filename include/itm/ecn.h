/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Congestion Experienced marking (RFC 3168) by queueing disciplines, which
 * run after the engine's checksum pass and so fix the IPv4 header checksum
 * themselves, incrementally (RFC 1624).
 */
#ifndef ITM_ECN_H
#define ITM_ECN_H

#include <stdbool.h>

#include "itm/pkt.h"

#define ITM_ECN_NOT_ECT 0
#define ITM_ECN_ECT1 1
#define ITM_ECN_ECT0 2
#define ITM_ECN_CE 3

/* Mark the outer header CE if it is ECN-capable (CE already counts);
 * false for a not-ECT or non-IP packet, which is left alone. */
bool itm_pkt_set_ce(struct itm_pkt *p);

#endif
