// SPDX-License-Identifier: GPL-2.0-only
/*
 * itmroute's probe decoder fuzzer: every datagram on the probe port is
 * untrusted. Any bytes are either refused, or decode to a probe or an
 * acknowledgement that encodes back to the same first 32 bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t again[PROBE_LEN];
	struct probe_msg m;

	if (probe_decode(&m, data, size) < 0)
		return 0;
	if (size < PROBE_LEN || (m.type != PROBE_REQ && m.type != PROBE_ACK))
		abort();
	probe_encode(&m, again);
	if (memcmp(again, data, PROBE_LEN))
		abort();
	return 0;
}
