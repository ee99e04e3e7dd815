/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One packet and its parsed view.
 *
 * The view is filled by itm_pkt_parse() from the captured bytes only: every
 * field comes with a bit in `have` saying it was read from the wire. A
 * truncated or malformed header clears its bit and all bits after it, so a
 * reader never sees a value that is not in the packet.
 */
#ifndef ITM_PKT_H
#define ITM_PKT_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Link types we parse (pcap LINKTYPE_ values). */
enum itm_link {
	ITM_LINK_NULL = 0,		/* BSD loopback: 4-byte family, host order */
	ITM_LINK_ETHERNET = 1,
	ITM_LINK_RAW = 101,		/* IPv4 or IPv6, by version nibble */
	ITM_LINK_LOOP = 108,		/* OpenBSD loopback: the same, network order */
	ITM_LINK_LINUX_SLL = 113,
	ITM_LINK_IPV4 = 228,
	ITM_LINK_IPV6 = 229,
	ITM_LINK_LINUX_SLL2 = 276,
};

/* What one IP header and what follows it told us. */
enum itm_l3_have {
	ITM_HAVE_IP = 1u << 0,		/* family, src, dst, tos, ttl */
	ITM_HAVE_PROTO = 1u << 1,	/* upper-layer protocol known */
	ITM_HAVE_PORTS = 1u << 2,	/* sport/dport valid (0 if none) */
	ITM_HAVE_L4 = 1u << 3,		/* whole L4 header captured */
};

enum itm_l3_flag {
	ITM_L3_FRAG = 1u << 0,		/* any fragment, first included */
	ITM_L3_FIRST_FRAG = 1u << 1,
};

enum itm_tunnel {
	ITM_TUNNEL_NONE = 0,
	ITM_TUNNEL_IPIP,		/* IPv4 in IPv4, proto 4 */
	ITM_TUNNEL_SIT,			/* IPv6 in IPv4, proto 41 */
	ITM_TUNNEL_4IN6,		/* IPv4 in IPv6, next header 4 */
	ITM_TUNNEL_6IN6,		/* IPv6 in IPv6, next header 41 */
	ITM_TUNNEL_GRE,			/* GRE v0 carrying IPv4 or IPv6 */
};

struct itm_l3 {
	uint8_t have;		/* enum itm_l3_have */
	uint8_t flags;		/* enum itm_l3_flag */
	uint8_t family;		/* 4 or 6 */
	uint8_t proto;		/* upper-layer protocol after ext headers */
	uint8_t tos;		/* IPv4 TOS / IPv6 traffic class */
	uint8_t ttl;		/* TTL / hop limit */
	uint8_t tcp_flags;	/* valid with ITM_HAVE_L4 and proto TCP */
	uint8_t pad;
	uint16_t sport, dport;	/* host order */
	uint32_t off;		/* offset of the IP header */
	uint32_t l4_off;	/* offset of the upper-layer header */
	uint32_t end;		/* end of the IP packet, within the capture */
	uint8_t src[16], dst[16];	/* IPv4 in the first 4 bytes */
};

struct itm_pkt_view {
	uint16_t ethertype;	/* of the network header, 0 if none */
	uint8_t n_vlan;
	uint8_t tunnel;		/* enum itm_tunnel */
	uint16_t vlan_tci[2];	/* outermost first */
	uint32_t gre_off;	/* offset of the GRE header, if any */
	struct itm_l3 outer;
	struct itm_l3 inner;	/* valid when tunnel != NONE */
};

enum itm_pkt_flag {
	ITM_PKT_MODIFIED = 1u << 0,	/* headers changed: fix checksums */
	ITM_PKT_CSUM_PARTIAL = 1u << 1,	/* L4 checksum left to the NIC (GSO):
					 * only IP header checksums are ours */
	ITM_PKT_ONE_HOOK = 1u << 2,	/* held at a live hook: resumes there
					 * only (itm_engine_hook) */
	ITM_PKT_TAKEN = 1u << 3,	/* a module took it (ITM_TAKEN): the
					 * backend counts it apart from drops */
};

/*
 * Bytes every backend leaves free before a packet's data, so that a module
 * can put a header in front (an outer IPv4 or IPv6 header for a tunnel)
 * without copying the packet: room for an IPv6 header and an Ethernet
 * header with two VLAN tags.
 */
#define ITM_PKT_HEADROOM 64

struct itm_pkt {
	uint8_t *data;
	uint32_t caplen;	/* bytes we have */
	uint32_t wirelen;	/* bytes the packet had on the wire */
	uint16_t link;		/* enum itm_link */
	uint16_t flags;		/* enum itm_pkt_flag */
	uint32_t headroom;	/* free bytes before data, ours to grow into */
	uint32_t iif, oif;	/* interface indexes, 0 = unknown */
	uint32_t mark;
	uint32_t priority;
	uint32_t classid;	/* set by classifiers, read by qdiscs */
	uint64_t ts_ns;		/* arrival time */
	uint64_t enq_ns;	/* time it entered the egress queue */
	uint64_t seq;		/* arrival order, for stable output */
	struct itm_pkt *next;	/* queue linkage, owned by whoever holds it */
	/* where a packet held by a module (ITM_HELD) resumes: after the module
	 * of (resume_prio, resume_seq) at resume_hook, then into resume_root */
	struct itm_qdisc *resume_root;
	int32_t resume_prio;
	uint32_t resume_seq;
	uint8_t resume_hook;
	uint8_t hook;		/* the hook whose chain runs it now */
	struct itm_pkt_view v;
};

/* The bytes a packet occupies on a link and in a queue: its length, even
 * when only its first bytes are here (a trace cut by its snaplen, the
 * NFQUEUE backend's header-only copy). */
static inline uint32_t itm_pkt_len(const struct itm_pkt *p)
{
	return p->wirelen > p->caplen ? p->wirelen : p->caplen;
}

/* Parse p->data[0..caplen) according to p->link into p->v. */
void itm_pkt_parse(struct itm_pkt *p);

/*
 * Growing and shrinking a packet in place (pktbuf.c). Lengths (caplen and
 * wirelen) follow; the parsed view does not: the caller re-parses, or
 * returns ITM_MODIFIED and the engine does.
 *
 * push/pull move the start of the data into or out of the headroom.
 * insert opens len bytes at offset off, moving the off bytes before it to
 * the front (the link-layer header stays first), and returns the gap;
 * remove closes len bytes at off the same way. Both fail, changing
 * nothing, when the headroom is short or the range is not in the packet.
 */
uint8_t *itm_pkt_push(struct itm_pkt *p, uint32_t len);
int itm_pkt_pull(struct itm_pkt *p, uint32_t len);
uint8_t *itm_pkt_insert(struct itm_pkt *p, uint32_t off, uint32_t len);
int itm_pkt_remove(struct itm_pkt *p, uint32_t off, uint32_t len);

/* Rewrite the TOS / traffic class byte of one parsed IP header (the view is
 * updated; checksums are the framework's job after ITM_MODIFIED). */
void itm_l3_set_tos(struct itm_pkt *p, struct itm_l3 *l3, uint8_t tos);

static inline bool itm_l3_has(const struct itm_l3 *l3, unsigned bits)
{
	return (l3->have & bits) == bits;
}

static inline uint8_t itm_l3_dscp(const struct itm_l3 *l3)
{
	return l3->tos >> 2;
}

static inline uint8_t itm_l3_ecn(const struct itm_l3 *l3)
{
	return l3->tos & 3;
}

#define ITM_TCP_FIN 0x01
#define ITM_TCP_SYN 0x02
#define ITM_TCP_RST 0x04
#define ITM_TCP_PSH 0x08
#define ITM_TCP_ACK 0x10

#ifdef __cplusplus
}
#endif

#endif
