// SPDX-License-Identifier: GPL-2.0-only
/*
 * Probe payload fuzzer: any datagram reaching the echo server or the probe
 * goes through probe_wire_decode. What it accepts must re-encode to the same
 * header bytes (no field silently dropped or misread).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1), again[PROBE_WIRE_LEN];
	struct probe_wire w;

	if (!copy)
		return 0;
	memcpy(copy, data, size);	/* exact length: ASan sees any overread */
	if (probe_wire_decode(copy, size, &w) == 0) {
		probe_wire_encode(again, &w);
		if (memcmp(again, copy, PROBE_WIRE_LEN) != 0)
			abort();
	}
	free(copy);
	return 0;
}
