// SPDX-License-Identifier: GPL-2.0-only
/*
 * tgen request decoder fuzzer: any bytes are either rejected with a reason
 * or decode to a request that encodes back to exactly the same header.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/tgen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t again[TGEN_HDR_LEN];
	struct tgen_req r;
	const char *why;

	if (tgen_req_decode(data, size, &r, &why) < 0) {
		if (!why)
			abort();
		return 0;
	}
	if (why || r.size_bytes == 0 || r.size_bytes > TGEN_MAX_SIZE ||
	    r.dscp > 63 || r.low_dscp > 63)
		abort();
	tgen_req_encode(&r, again);
	if (memcmp(again, data, TGEN_HDR_LEN) != 0)
		abort();
	return 0;
}
