// SPDX-License-Identifier: GPL-2.0-only
/*
 * itmtun's frame parser fuzzer: the bytes on a tunnel connection are
 * untrusted. The input is read as the egress side reads a stream: frame
 * after frame until one is incomplete or refused. A frame taken lies
 * inside the input, holds one IPv4 or IPv6 packet whose own length is the
 * frame's, and its header is the one frame_header writes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *pkt;
	const char *why;
	uint8_t hdr[FRAME_HDR];
	size_t off = 0, len;
	int n;

	while ((n = frame_parse(data + off, size - off, &pkt, &len, &why)) > 0) {
		if ((size_t)n > size - off || pkt != data + off + FRAME_HDR ||
		    len + FRAME_HDR != (size_t)n || len < FRAME_PKT_MIN)
			abort();
		if ((pkt[0] >> 4) != 4 && (pkt[0] >> 4) != 6)
			abort();
		if (frame_header(hdr, len) < 0 || memcmp(hdr, data + off, FRAME_HDR))
			abort();
		off += (size_t)n;
	}
	if (n < 0 && !why)
		abort();		/* a refusal always says why */
	return 0;
}
