// SPDX-License-Identifier: GPL-2.0-only
/*
 * Packet parser fuzzer. The first byte picks the link type; the rest is the
 * captured frame, copied to a buffer of exactly its size so that any read
 * past the capture is a sanitizer report. Checksum repair and flow keys run
 * on the parsed view too, as a modified packet would take them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "itm/csum.h"
#include "itm/mod.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint16_t links[] = {
	ITM_LINK_ETHERNET, ITM_LINK_RAW, ITM_LINK_LINUX_SLL, ITM_LINK_IPV4,
	ITM_LINK_IPV6, ITM_LINK_LINUX_SLL2, ITM_LINK_NULL, ITM_LINK_LOOP,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct itm_flow_key k;
	struct itm_pkt p;
	uint8_t *buf;

	if (size < 1 || size > 65536)
		return 0;
	buf = malloc(size - 1 ? size - 1 : 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	memset(&p, 0, sizeof(p));
	p.data = buf;
	p.caplen = p.wirelen = (uint32_t)(size - 1);
	p.link = links[data[0] % (sizeof(links) / sizeof(links[0]))];
	itm_pkt_parse(&p);
	itm_flow_key_from_l3(&k, &p.v.outer);
	itm_flow_key_from_l3(&k, &p.v.inner);
	itm_csum_verify(&p);
	itm_l3_set_tos(&p, &p.v.outer, 0xff);
	itm_csum_fix(&p);
	itm_pkt_parse(&p);
	free(buf);
	return 0;
}
