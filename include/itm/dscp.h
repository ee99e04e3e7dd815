/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * DSCP names and the DSCP-to-priority map. A priority is a rank 0..7, 7 the
 * most urgent, taken from the 6-bit DSCP alone: the ECN bits never change a
 * packet's priority (pfifo_fast's old ip_tos2prio let ECT(0) demote
 * best-effort traffic to the bulk band).
 */
#ifndef ITM_DSCP_H
#define ITM_DSCP_H

#include <stdint.h>

#define ITM_DSCP_COUNT 64
#define ITM_PRIO_MAX 7

/* The standard name of a code point ("ef", "af41", "cs1", "le", "df"), or
 * NULL for one without a name. */
const char *itm_dscp_name(uint8_t dscp);
/* A name or a number 0..63; returns 0 or -EINVAL. */
int itm_dscp_parse(const char *s, uint8_t *dscp);

/*
 * The default rank of a code point, after RFC 8325's DSCP-to-user-priority
 * mapping turned into an order (802.1D's BK sits below BE):
 *   7 CS6 CS7 (network control)     3 CS3 CS4 AF3x AF4x (video)
 *   6 EF VA (voice)                 2 AF2x (low-latency data)
 *   5 CS5 (signalling)              1 DF CS2 AF1x, unnamed (best effort)
 *   4 -                             0 CS1 LE (lower effort)
 */
uint8_t itm_dscp_default_prio(uint8_t dscp);

#endif
