// SPDX-License-Identifier: GPL-2.0-only
/*
 * A packet grows at the front into the headroom its backend left, and
 * shrinks at the front, so that an encapsulation or a decapsulation is a
 * move of the few header bytes before the change, never of the payload and
 * never a new allocation on the packet path.
 */
#include <errno.h>
#include <string.h>

#include "itm/pkt.h"

uint8_t *itm_pkt_push(struct itm_pkt *p, uint32_t len)
{
	if (len > p->headroom)
		return NULL;
	p->data -= len;
	p->headroom -= len;
	p->caplen += len;
	p->wirelen += len;
	return p->data;
}

int itm_pkt_pull(struct itm_pkt *p, uint32_t len)
{
	if (len > p->caplen)
		return -EINVAL;
	p->data += len;
	p->headroom += len;
	p->caplen -= len;
	/* a truncated capture keeps what it lacked of the original */
	p->wirelen = p->wirelen - len < p->caplen ? p->caplen : p->wirelen - len;
	return 0;
}

uint8_t *itm_pkt_insert(struct itm_pkt *p, uint32_t off, uint32_t len)
{
	if (off > p->caplen || !itm_pkt_push(p, len))
		return NULL;
	memmove(p->data, p->data + len, off);
	return p->data + off;
}

int itm_pkt_remove(struct itm_pkt *p, uint32_t off, uint32_t len)
{
	if (off > p->caplen || len > p->caplen - off)
		return -EINVAL;
	memmove(p->data + len, p->data, off);
	return itm_pkt_pull(p, len);
}
