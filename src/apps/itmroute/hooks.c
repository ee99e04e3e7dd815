// SPDX-License-Identifier: GPL-2.0-only
/*
 * The packet side of itmroute: two libitm registrations in packet mode.
 *
 *  - local-out: packets this host sends to an overlay destination. Each
 *    goes the way its destination's route chose: untouched (direct), or
 *    inside an outer header to the relay; the kernel re-routes a packet
 *    whose destination changed at local-out, so it leaves toward the
 *    relay. itmroute's own probes and acknowledgements say their path
 *    themselves (the `via` field) and go that way whatever the choice.
 *  - pre-routing: IP-IP packets to this node's address are decapsulated;
 *    routing, after this hook, forwards the inner packet natively.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <itm/libitm.h>

#include "ipip.h"
#include "itmroute.h"
#include "probe.h"

#define PROTO_UDP 17
#define PROTO_IPIP 4
#define CLS_OURS 1

static struct libitm_info out_info, in_info;

static bool raw_ipv4(const struct libitm_pkt *p)
{
	return p->family == 4 && p->data && p->caplen >= 20 &&
	       (p->link == LIBITM_LINK_RAW || p->link == LIBITM_LINK_IPV4);
}

static uint32_t addr_of(const uint8_t a[16])
{
	uint32_t v;

	memcpy(&v, a, 4);
	return v;
}

/* A probe of ours leaving: the relay it names (PATH_DIRECT for none). */
static int probe_relay(const struct libitm_pkt *p, bool *is_probe)
{
	const struct topo *t = &itmroute.topo;
	size_t ihl = (size_t)(p->data[0] & 0x0f) * 4;
	struct probe_msg m;

	*is_probe = false;
	if (p->proto != PROTO_UDP || p->sport != t->port ||
	    addr_of(p->src) != t->node[t->self].addr ||
	    p->caplen < ihl + 8 ||
	    probe_decode(&m, p->data + ihl + 8, p->caplen - ihl - 8) < 0)
		return PATH_DIRECT;
	*is_probe = true;
	if (!m.via)
		return PATH_DIRECT;
	return topo_node_by_addr(t, m.via);
}

/* The path the route to a data packet's destination chose, or NULL. */
static struct path *data_path(const struct libitm_pkt *p)
{
	int node = topo_route_node(&itmroute.topo, addr_of(p->dst));
	struct route *r = node >= 0 ? itmroute_route_to(node) : NULL;

	return r ? &r->path[r->cur] : NULL;
}

/* Put the outer header to @relay on; false when the packet cannot take it. */
static bool encap_to(struct libitm_pkt *p, int relay)
{
	const struct topo *t = &itmroute.topo;
	int n;

	if (p->caplen != p->full_len) {
		itmroute.st.too_big++;	/* cut copy (a GSO packet): as is */
		return false;
	}
	n = ipip_encap(p->data, p->caplen, ITMROUTE_BUFSIZE,
		       t->node[t->self].addr, t->node[relay].addr,
		       itmroute.ip_id++);
	if (n < 0) {
		itmroute.st.too_big += n == -EMSGSIZE;
		itmroute.st.not_ipv4 += n != -EMSGSIZE;
		return false;
	}
	p->caplen = (uint32_t)n;
	libitm_packet_altered();
	itmroute.st.encapsulated++;
	return true;
}

static uint32_t out_classify(struct libitm_pkt *p)
{
	return raw_ipv4(p) ? CLS_OURS : 0;
}

/*
 * A probe goes the way it names; a data packet the way its route chose,
 * counted on that path, or in `direct` when it stays untouched (chosen
 * so, or unable to take the outer header).
 */
static int out_process(struct libitm_pkt *p, uint32_t cls)
{
	struct path *path = NULL;
	bool is_probe, sent;
	int relay = probe_relay(p, &is_probe);

	if (!is_probe) {
		path = data_path(p);
		relay = path ? path->relay : PATH_DIRECT;
	}
	sent = relay != PATH_DIRECT && relay != itmroute.topo.self &&
	       encap_to(p, relay);
	if (path && (sent || relay == PATH_DIRECT))
		path->pkts++;
	if (!is_probe && !sent)
		itmroute.st.direct++;
	return LIBITM_ACCEPT;
}

static uint32_t in_classify(struct libitm_pkt *p)
{
	const struct topo *t = &itmroute.topo;

	return raw_ipv4(p) && p->proto == PROTO_IPIP &&
	       addr_of(p->dst) == t->node[t->self].addr ? CLS_OURS : 0;
}

static int in_process(struct libitm_pkt *p, uint32_t cls)
{
	int n;

	if (p->caplen != p->full_len) {
		itmroute.st.decap_bad++;
		return LIBITM_ACCEPT;
	}
	n = ipip_decap(p->data, p->caplen);
	if (n == -EPROTO) {
		itmroute.st.decap_ce_drop++;
		return LIBITM_DROP;
	}
	if (n < 0) {
		itmroute.st.decap_bad++;
		return LIBITM_ACCEPT;
	}
	p->caplen = (uint32_t)n;
	libitm_packet_altered();
	itmroute.st.decapsulated++;
	return LIBITM_ACCEPT;
}

static void addr_str(uint32_t a, unsigned len, char *buf, size_t n)
{
	char s[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a, s, sizeof(s));
	snprintf(buf, n, "%s/%u", s, len);
}

/*
 * Local-out sees only packets to the overlay: the destination prefixes,
 * and the other nodes (probes and acknowledgements). libitm holds four
 * prefixes; with more, the filter goes and out_process sorts.
 */
static void out_interest(void)
{
	const struct topo *t = &itmroute.topo;
	char bufs[2 * TOPO_NODES][24];
	const char *list[2 * TOPO_NODES];
	int n = 0, i;

	for (i = 0; i < t->n_dests; i++) {
		if (t->dest[i].node == t->self)
			continue;
		addr_str(t->dest[i].net, t->dest[i].len, bufs[n], sizeof(bufs[n]));
		list[n] = bufs[n];
		n++;
	}
	for (i = 0; i < t->n_nodes && n < 2 * TOPO_NODES; i++) {
		if (i == t->self || topo_dest_for(t, t->node[i].addr))
			continue;
		addr_str(t->node[i].addr, 32, bufs[n], sizeof(bufs[n]));
		list[n] = bufs[n];
		n++;
	}
	libitm_init_interest(&out_info);
	if (n <= LIBITM_PREFIXES)
		libitm_set_daddr(&out_info, list, n);
}

static void in_interest(void)
{
	const struct topo *t = &itmroute.topo;
	static const int ipip[] = { PROTO_IPIP };
	char self[24];
	const char *list[] = { self };

	addr_str(t->node[t->self].addr, 32, self, sizeof(self));
	libitm_init_interest(&in_info);
	libitm_set_protocols(&in_info, ipip, 1);
	libitm_set_daddr(&in_info, list, 1);
}

int hooks_register(void)
{
	int r;

	out_info = (struct libitm_info){ .label = "itmroute-out", .prio = 0,
		.classify = out_classify, .process = out_process };
	in_info = (struct libitm_info){ .label = "itmroute-in", .prio = 0,
		.classify = in_classify, .process = in_process };
	out_interest();
	in_interest();
	r = libitm_register(LIBITM_LOCAL_OUT, &out_info);
	if (r < 0)
		return r;
	r = libitm_register(LIBITM_PRE_ROUTING, &in_info);
	if (r < 0)
		libitm_unregister(LIBITM_LOCAL_OUT);
	return r;
}
