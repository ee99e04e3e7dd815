/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * itmtun's framing: each packet crosses a tunnel connection (a TCP byte
 * stream) behind a 4-byte header, magic 0xe7, version 1 and the packet's
 * length (big-endian, 20..65535). The reader trusts nothing: frame_parse
 * checks the header and that the bytes are one whole IPv4 or IPv6 packet
 * (tests/fuzz/fuzz_tun_frame.c). No sockets here: the unit tests and the
 * fuzz target link it alone.
 */
#ifndef ITMTUN_FRAME_H
#define ITMTUN_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define FRAME_HDR 4
#define FRAME_MAGIC 0xe7
#define FRAME_VERSION 1
#define FRAME_PKT_MIN 20	/* an IPv4 header */
#define FRAME_PKT_MAX 65535

/* The header for a packet of @len bytes; -EMSGSIZE out of 20..65535. */
int frame_header(uint8_t hdr[FRAME_HDR], size_t len);

/*
 * The first frame of @buf (@len bytes read so far): its total length
 * (header and packet) with *pkt, *pkt_len the packet; 0 when more bytes
 * are needed; a negative errno when the stream is broken, *why saying how
 * (-EPROTO a bad magic or version, -EMSGSIZE a length out of range,
 * -EINVAL bytes that are not one whole IPv4 or IPv6 packet).
 */
int frame_parse(const uint8_t *buf, size_t len, const uint8_t **pkt,
		size_t *pkt_len, const char **why);

#endif
