// SPDX-License-Identifier: GPL-2.0-only
/*
 * sizeaware as a module in its own process: the itmBench paper's qos_mod
 * (section 5), written against libitm instead of the in-process API
 * (src/mod/sizeaware.c), with the same behaviour and the same output.
 *
 * Each TCP flow (one per direction: addresses, ports) is counted; while it
 * has sent at most THRESHOLD packets, or when the packet carries FIN, it is
 * SHORT and gets the Minimize-Delay TOS bit (0x10); past that it is LONG
 * and the bit is cleared. ECN and the other TOS bits stay; IPv6 traffic
 * class is treated the same way. itmd fixes the checksums after the change.
 *
 *   sizeaware [THRESHOLD]        (20 by default; ITM_MODULE_SOCKET names
 *                                 itmd's module socket)
 *
 * The flow table is a small open-addressing hash table that grows; a
 * production module would expire idle flows from a libitm timer.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <itm/libitm.h>

#define SHORT 1
#define LONG 2
#define TOS_LOWDELAY 0x10
#define TCP_FIN 0x01

struct flow {
	uint8_t used, family;
	uint16_t sport, dport;
	uint8_t src[16], dst[16];
	uint64_t pkts;
};

static struct flow *flows;
static size_t n_flows, cap_flows;
static uint64_t threshold = 20;

static uint64_t flow_hash(const struct libitm_pkt *p)
{
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */
	size_t i;

	for (i = 0; i < 16; i++)
		h = (h ^ p->src[i]) * 1099511628211ull;
	for (i = 0; i < 16; i++)
		h = (h ^ p->dst[i]) * 1099511628211ull;
	h = (h ^ p->sport) * 1099511628211ull;
	return (h ^ p->dport) * 1099511628211ull;
}

static bool flow_is(const struct flow *f, const struct libitm_pkt *p)
{
	return f->family == p->family && f->sport == p->sport &&
	       f->dport == p->dport && !memcmp(f->src, p->src, 16) &&
	       !memcmp(f->dst, p->dst, 16);
}

static struct flow *flow_slot(struct flow *tab, size_t cap,
			      const struct libitm_pkt *p)
{
	size_t i = (size_t)flow_hash(p) & (cap - 1);

	while (tab[i].used && !flow_is(&tab[i], p))
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

/* Double the table when it is half full. */
static int flows_grow(void)
{
	size_t cap = cap_flows ? 2 * cap_flows : 1024, i;
	struct flow *tab = calloc(cap, sizeof(*tab));

	if (!tab)
		return -ENOMEM;
	for (i = 0; i < cap_flows; i++) {
		if (!flows[i].used)
			continue;
		struct libitm_pkt k = { .family = flows[i].family,
					.sport = flows[i].sport,
					.dport = flows[i].dport };

		memcpy(k.src, flows[i].src, 16);
		memcpy(k.dst, flows[i].dst, 16);
		*flow_slot(tab, cap, &k) = flows[i];
	}
	free(flows);
	flows = tab;
	cap_flows = cap;
	return 0;
}

static struct flow *flow_get(const struct libitm_pkt *p)
{
	struct flow *f;

	if (2 * (n_flows + 1) > cap_flows && flows_grow() < 0)
		return NULL;
	f = flow_slot(flows, cap_flows, p);
	if (!f->used) {
		*f = (struct flow){ .used = 1, .family = p->family,
				    .sport = p->sport, .dport = p->dport };
		memcpy(f->src, p->src, 16);
		memcpy(f->dst, p->dst, 16);
		n_flows++;
	}
	return f;
}

static uint32_t sa_classify(struct libitm_pkt *p)
{
	struct flow *f;

	if (p->proto != 6 || !p->family)
		return 0;
	f = flow_get(p);
	if (!f)
		return 0;
	f->pkts++;
	if (f->pkts <= threshold || (p->tcp_flags & TCP_FIN))
		return SHORT;
	return LONG;
}

/* Where the IP header starts in p->data, or -1. */
static long ip_offset(const struct libitm_pkt *p)
{
	long off = 0;

	if (p->link == LIBITM_LINK_ETHERNET) {	/* VLAN tags skipped */
		off = 14;
		while (off + 4 <= (long)p->caplen &&
		       p->data[off - 2] == 0x81 && p->data[off - 1] == 0x00)
			off += 4;
	} else if (p->link != LIBITM_LINK_RAW && p->link != LIBITM_LINK_IPV4 &&
		   p->link != LIBITM_LINK_IPV6) {
		return -1;
	}
	return off + 2 <= (long)p->caplen ? off : -1;
}

static int sa_process(struct libitm_pkt *p, uint32_t cls)
{
	uint8_t want = cls == SHORT ? p->tos | TOS_LOWDELAY
				    : p->tos & (uint8_t)~TOS_LOWDELAY;
	long off = ip_offset(p);
	uint8_t *ip;

	if (want == p->tos || off < 0)
		return LIBITM_ACCEPT;
	ip = p->data + off;
	if (p->family == 4) {
		ip[1] = want;
	} else {		/* traffic class: low nibble of byte 0, high of 1 */
		ip[0] = (uint8_t)((ip[0] & 0xf0) | (want >> 4));
		ip[1] = (uint8_t)((ip[1] & 0x0f) | (uint8_t)(want << 4));
	}
	p->tos = want;
	libitm_packet_altered();
	return LIBITM_ACCEPT;
}

int main(int argc, char **argv)
{
	static const int tcp[] = { 6 };
	struct libitm_info info = {
		.label = "sizeaware",
		.classify = sa_classify,
		.process = sa_process,
	};
	unsigned long t = 20;
	int r;

	if (argc > 2 || (argc == 2 && sscanf(argv[1], "%lu", &t) != 1)) {
		fprintf(stderr, "usage: sizeaware [THRESHOLD]\n");
		return 2;
	}
	threshold = t;
	libitm_init_interest(&info);
	libitm_set_protocols(&info, tcp, 1);
	/* headers are all it rewrites: 128 bytes hold any IP header chain */
	r = libitm_init(128, LIBITM_PACKET);
	if (r == 0)
		r = libitm_register(LIBITM_FORWARD, &info);
	if (r < 0) {
		fprintf(stderr, "sizeaware: cannot register: %s\n", strerror(-r));
		return 1;
	}
	r = libitm_run();
	free(flows);
	return r < 0 && r != -ECONNRESET ? 1 : 0;
}
