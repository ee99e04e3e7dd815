// SPDX-License-Identifier: GPL-2.0-only
/*
 * Configuration grammar fuzzer: any text either builds an engine or gives an
 * error message, and a built engine shows and tears down cleanly.
 */
#include <stdint.h>
#include <stdio.h>

#include "itm/cmd.h"
#include "itm/qtree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct itm_engine *e = NULL;
	char msg[512];
	FILE *null;

	if (itm_config_load_buf("fuzz", (const char *)data, size, &e, msg,
				sizeof(msg)) < 0)
		return 0;
	null = fopen("/dev/null", "w");
	if (null) {
		itm_qtree_print(e->root, null, true, false);
		itm_qtree_print(e->root, null, true, true);
		itm_qtree_print_classes(e->root, null, true, false);
		itm_qtree_print_classes(e->root, null, true, true);
		itm_engine_print_modules(e, null, true);
		fclose(null);
	}
	itm_engine_destroy(e);
	return 0;
}
