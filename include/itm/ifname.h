/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Interface names for the indexes packets carry. A module's device clauses
 * (`iif`, `oif`) name devices; packets carry indexes (NFQUEUE's indev and
 * outdev, the bridge's ports), so the engine looks the names up in the
 * namespace it runs in and keeps them a second, since a device can be
 * renamed or its index reused.
 */
#ifndef ITM_IFNAME_H
#define ITM_IFNAME_H

#include <net/if.h>
#include <stdint.h>

#define ITM_IFNAMES_CACHED 16
#define ITM_IFNAME_TTL_NS 1000000000ull

struct itm_ifname_slot {
	uint32_t index;			/* 0: empty */
	uint64_t at_ns;			/* when looked up */
	char name[IF_NAMESIZE];		/* "": no such device */
};

struct itm_ifnames {
	struct itm_ifname_slot slot[ITM_IFNAMES_CACHED];
};

/* The name of device `index` at time `now_ns`, or NULL: index 0 (unknown,
 * as in a trace) or no such device. */
const char *itm_ifname(struct itm_ifnames *c, uint32_t index, uint64_t now_ns);

#endif
