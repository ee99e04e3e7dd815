// SPDX-License-Identifier: GPL-2.0-only
/* DSCP names (RFC 2474, 2597, 3246, 5865, 8622) and the default ranks. */
#include <errno.h>
#include <string.h>

#include "itm/dscp.h"
#include "itm/units.h"

static const struct { const char *name; uint8_t dscp, prio; } dscp_table[] = {
	{ "df", 0, 1 }, { "le", 1, 0 },
	{ "cs1", 8, 0 }, { "af11", 10, 1 }, { "af12", 12, 1 }, { "af13", 14, 1 },
	{ "cs2", 16, 1 }, { "af21", 18, 2 }, { "af22", 20, 2 }, { "af23", 22, 2 },
	{ "cs3", 24, 3 }, { "af31", 26, 3 }, { "af32", 28, 3 }, { "af33", 30, 3 },
	{ "cs4", 32, 3 }, { "af41", 34, 3 }, { "af42", 36, 3 }, { "af43", 38, 3 },
	{ "cs5", 40, 5 }, { "va", 44, 6 }, { "ef", 46, 6 },
	{ "cs6", 48, 7 }, { "cs7", 56, 7 },
};

#define DSCP_NAMED (sizeof(dscp_table) / sizeof(dscp_table[0]))

const char *itm_dscp_name(uint8_t dscp)
{
	size_t i;

	for (i = 0; i < DSCP_NAMED; i++) {
		if (dscp_table[i].dscp == dscp)
			return dscp_table[i].name;
	}
	return NULL;
}

int itm_dscp_parse(const char *s, uint8_t *dscp)
{
	uint64_t v;
	size_t i;

	for (i = 0; i < DSCP_NAMED; i++) {
		if (!strcmp(s, dscp_table[i].name)) {
			*dscp = dscp_table[i].dscp;
			return 0;
		}
	}
	if (itm_parse_u64(s, &v) < 0 || v >= ITM_DSCP_COUNT)
		return -EINVAL;
	*dscp = (uint8_t)v;
	return 0;
}

uint8_t itm_dscp_default_prio(uint8_t dscp)
{
	size_t i;

	for (i = 0; i < DSCP_NAMED; i++) {
		if (dscp_table[i].dscp == dscp)
			return dscp_table[i].prio;
	}
	return 1;	/* an unknown code point is best effort (RFC 2474) */
}
