// SPDX-License-Identifier: GPL-2.0-only
/*
 * itmtun's framing (frame.h): a 4-byte header before each packet, and the
 * reader's checks, made before a byte of the packet is used.
 */
#include <errno.h>
#include <stdbool.h>

#include "frame.h"

int frame_header(uint8_t hdr[FRAME_HDR], size_t len)
{
	if (len < FRAME_PKT_MIN || len > FRAME_PKT_MAX)
		return -EMSGSIZE;
	hdr[0] = FRAME_MAGIC;
	hdr[1] = FRAME_VERSION;
	hdr[2] = (uint8_t)(len >> 8);
	hdr[3] = (uint8_t)len;
	return 0;
}

static unsigned be16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* Whether @p holds one whole IP packet: the header's own length agrees. */
static bool whole_ip(const uint8_t *p, size_t len, const char **why)
{
	unsigned ver = p[0] >> 4;

	if (ver == 4) {
		if ((p[0] & 0x0f) < 5 || (size_t)(p[0] & 0x0f) * 4 > len) {
			*why = "IPv4 header length out of the frame";
			return false;
		}
		if (be16(p + 2) != len) {
			*why = "IPv4 total length differs from the frame's";
			return false;
		}
		return true;
	}
	if (ver == 6) {
		if (len < 40 || be16(p + 4) + 40u != len) {
			*why = "IPv6 payload length differs from the frame's";
			return false;
		}
		return true;
	}
	*why = "neither IPv4 nor IPv6";
	return false;
}

int frame_parse(const uint8_t *buf, size_t len, const uint8_t **pkt,
		size_t *pkt_len, const char **why)
{
	size_t n;

	*why = NULL;
	if (len >= 2 && (buf[0] != FRAME_MAGIC || buf[1] != FRAME_VERSION)) {
		*why = buf[0] != FRAME_MAGIC ? "bad magic" : "unknown version";
		return -EPROTO;
	}
	if (len < FRAME_HDR)
		return 0;
	n = be16(buf + 2);
	if (n < FRAME_PKT_MIN) {
		*why = "packet length below 20";
		return -EMSGSIZE;
	}
	if (len < FRAME_HDR + n)
		return 0;
	if (!whole_ip(buf + FRAME_HDR, n, why))
		return -EINVAL;
	*pkt = buf + FRAME_HDR;
	*pkt_len = n;
	return (int)(FRAME_HDR + n);
}
