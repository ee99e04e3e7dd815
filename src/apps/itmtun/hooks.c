// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ingress side's libitm registration: packet mode at the forward hook,
 * interest the remote site's prefixes. Each whole IPv4 or IPv6 packet is
 * framed onto the connection its flow keeps (pool.c) and taken off the
 * kernel's path (LIBITM_TAKEN: itmd counts it as taken, not dropped); a
 * packet the tunnel cannot take is dropped, counted by cause. What itmd
 * does not give itmtun in time (its deadline, a full ring, while itmtun is
 * not registered) goes on natively: itmd fails open.
 */
#include <stdio.h>
#include <string.h>

#include <itm/libitm.h>

#include "itmtun.h"


static struct libitm_info info;

/* FNV-1a over the flow's keys: its packets keep one connection. */
static uint32_t flow_key(const struct libitm_pkt *p)
{
	uint8_t k[16 + 16 + 1 + 2 + 2];
	uint32_t h = 2166136261u;
	size_t i;

	memcpy(k, p->src, 16);
	memcpy(k + 16, p->dst, 16);
	k[32] = p->proto;
	memcpy(k + 33, &p->sport, 2);
	memcpy(k + 35, &p->dport, 2);
	for (i = 0; i < sizeof(k); i++)
		h = (h ^ k[i]) * 16777619u;
	return h;
}

static bool raw_ip(const struct libitm_pkt *p)
{
	unsigned ver;

	if (!p->data || !p->caplen || (p->link != LIBITM_LINK_RAW &&
	    p->link != LIBITM_LINK_IPV4 && p->link != LIBITM_LINK_IPV6))
		return false;
	ver = p->data[0] >> 4;
	return ver == 4 || ver == 6;
}

static uint32_t tun_classify(struct libitm_pkt *p)
{
	(void)p;
	return 1;	/* the interest filter chose: every packet goes */
}

static int tun_process(struct libitm_pkt *p, uint32_t cls)
{
	(void)cls;
	if (p->caplen != p->full_len) {
		itmtun.in.cut++;
		return LIBITM_DROP;
	}
	if (!raw_ip(p)) {
		itmtun.in.not_ip++;
		return LIBITM_DROP;
	}
	if (pool_send(&itmtun.pool, flow_key(p), p->data, p->caplen) < 0)
		return LIBITM_DROP;
	return LIBITM_TAKEN;
}

int hooks_register(void)
{
	int r;

	info = (struct libitm_info){ .label = "itmtun", .prio = 0,
		.classify = tun_classify, .process = tun_process };
	libitm_init_interest(&info);
	r = libitm_set_daddr(&info, itmtun.remote, itmtun.n_remote);
	if (r < 0)
		return r;
	return libitm_register(LIBITM_FORWARD, &info);
}
