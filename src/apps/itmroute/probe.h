/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The probe protocol between itmroute instances, version 1: one UDP
 * datagram each way, 32 bytes, big-endian:
 *
 *   0  'I' 'R'     magic
 *   2  version     1
 *   3  type        1 probe, 2 acknowledgement
 *   4  seq         the prober's number for this path
 *   8  origin      the prober's overlay address
 *  12  target      the node probed (the destination)
 *  16  via         the relay the probe goes through; 0.0.0.0 = direct
 *  20  hold_us     acknowledgement: how long the target held the probe
 *  24  sent_ns     the prober's send time, echoed
 *
 * The target turns a probe into an acknowledgement (same fields, type 2,
 * hold_us filled) and sends it back along the same path. Longer datagrams
 * are accepted (later fields would follow); anything else is refused.
 */
#ifndef ITMROUTE_PROBE_H
#define ITMROUTE_PROBE_H

#include <stddef.h>
#include <stdint.h>

#define PROBE_LEN 32
#define PROBE_VERSION 1

enum probe_type {
	PROBE_REQ = 1,
	PROBE_ACK = 2,
};

/* Addresses in network order, as they are in packets; the rest host order. */
struct probe_msg {
	uint8_t type;
	uint32_t seq;
	uint32_t origin, target, via;
	uint32_t hold_us;
	uint64_t sent_ns;
};

void probe_encode(const struct probe_msg *m, uint8_t buf[PROBE_LEN]);
/* 0, or -EINVAL (short, magic, type), -EPROTONOSUPPORT (version). */
int probe_decode(struct probe_msg *m, const uint8_t *buf, size_t len);

#endif
