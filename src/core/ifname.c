// SPDX-License-Identifier: GPL-2.0-only
/*
 * Device names by index, cached per slot (index modulo the table) for
 * ITM_IFNAME_TTL_NS: one lookup per device a second, not one per packet.
 */
#include <net/if.h>
#include <stddef.h>

#include "itm/ifname.h"

const char *itm_ifname(struct itm_ifnames *c, uint32_t index, uint64_t now_ns)
{
	struct itm_ifname_slot *s;

	if (index == 0)
		return NULL;
	s = &c->slot[index % ITM_IFNAMES_CACHED];
	/* unsigned: a clock gone back looks old too */
	if (s->index != index || now_ns - s->at_ns >= ITM_IFNAME_TTL_NS) {
		s->index = index;
		s->at_ns = now_ns;
		if (!if_indextoname(index, s->name))
			s->name[0] = '\0';
	}
	return s->name[0] ? s->name : NULL;
}
