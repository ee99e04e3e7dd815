/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The module protocol between itmd and a libitm process, version 2
 * (doc/libitm.md describes it for other implementations).
 *
 * Registration travels over a Unix SOCK_SEQPACKET socket: one REGISTER
 * message, one REPLY carrying three descriptors (SCM_RIGHTS): the sealed
 * memfd holding both rings, the eventfd that wakes the module, and the
 * eventfd that wakes itmd. Both ends are on one host, so integers are in
 * host byte order. Afterwards the socket only tells each side that the
 * other went away.
 *
 * The memfd holds two rings (ring.h): requests (itmd -> module), one
 * struct itm_wire_pkt per slot followed in packet mode by up to bufsize
 * bytes of the packet; and verdicts (module -> itmd), one struct
 * itm_wire_verdict per slot, followed in packet mode by the altered bytes.
 */
#ifndef ITM_LIB_WIRE_H
#define ITM_LIB_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define ITM_WIRE_MAGIC 0x524d5449u	/* "ITMR" */
#define ITM_WIRE_VERSION 2
#define ITM_WIRE_LABEL_MAX 32
#define ITM_WIRE_IFNAME_MAX 16
#define ITM_WIRE_PREFIXES 4
#define ITM_WIRE_PORTS 8
#define ITM_WIRE_SLOTS_MAX 65536u
#define ITM_WIRE_SHM_MAX (64u << 20)	/* bytes of rings per registration */
#define ITM_WIRE_BUFSIZE_MAX 65535u
#define ITM_WIRE_HOOKS 5		/* pre-routing .. post-routing */

enum itm_wire_type {
	ITM_WIRE_REGISTER = 1,
	ITM_WIRE_REPLY = 2,
};

/* What crosses: the paper's bufsize/mode option, plus observe. */
enum itm_wire_mode {
	ITM_WIRE_META = 0,	/* metadata in, verdict out */
	ITM_WIRE_PACKET = 1,	/* metadata and bytes in, verdict (+bytes) out */
	ITM_WIRE_OBSERVE = 2,	/* metadata in, no verdict: itmd never waits */
};

struct itm_wire_prefix {
	uint8_t family;		/* 4 or 6 */
	uint8_t len;		/* prefix length in bits */
	uint8_t pad[2];
	uint8_t addr[16];	/* IPv4 in the first 4 bytes */
};

struct itm_wire_interest {
	uint8_t protos[32];	/* bitmap of IP protocols; all zero = any */
	uint8_t n_src, n_dst, n_sports, n_dports;
	struct itm_wire_prefix src[ITM_WIRE_PREFIXES];
	struct itm_wire_prefix dst[ITM_WIRE_PREFIXES];
	uint16_t sports[ITM_WIRE_PORTS], dports[ITM_WIRE_PORTS];
	char iif[ITM_WIRE_IFNAME_MAX], oif[ITM_WIRE_IFNAME_MAX];
};

struct itm_wire_reg {
	uint32_t magic;
	uint16_t version;
	uint16_t type;		/* ITM_WIRE_REGISTER */
	uint8_t hook;		/* enum itm_hook */
	uint8_t mode;		/* enum itm_wire_mode */
	uint16_t bufsize;	/* packet mode: bytes of each packet sent */
	int32_t prio;		/* lower runs first at the hook */
	uint32_t n_slots;	/* ring size wanted, 0 = itmd's default */
	char label[ITM_WIRE_LABEL_MAX];
	struct itm_wire_interest in;
};

enum itm_wire_reply_flag {
	/* time is the packets' own (a replay of a trace): the process's
	 * timers follow the requests' ts_ns, not its clock */
	ITM_WIRE_TRACE_TIME = 1u << 0,
};

struct itm_wire_reply {
	uint32_t magic;
	uint16_t version;
	uint16_t type;		/* ITM_WIRE_REPLY */
	int32_t status;		/* 0 or -errno; no descriptors unless 0 */
	uint32_t shm_size;
	uint32_t req_off, rsp_off;	/* ring offsets in the memfd */
	char msg[128];		/* why, when status < 0 */
	uint32_t flags;		/* enum itm_wire_reply_flag */
};

/* One request slot's header. */
struct itm_wire_pkt {
	uint64_t seq;		/* per registration, from 1 */
	uint64_t ts_ns;
	uint32_t wirelen;
	uint32_t caplen;	/* bytes following (packet mode), <= bufsize */
	uint32_t full_len;	/* bytes itmd holds; > caplen: truncated copy */
	uint32_t iif, oif, mark, classid;
	uint16_t link;		/* pcap LINKTYPE of the bytes */
	uint8_t hook, family, proto, tos, tcp_flags, pad;
	uint16_t sport, dport;
	uint8_t src[16], dst[16];
};

enum itm_wire_verdict_code {
	ITM_WIRE_ACCEPT = 0,
	ITM_WIRE_DROP = 1,
	ITM_WIRE_TAKEN = 2,	/* the process carried the packet away */
};

enum itm_wire_verdict_flag {
	ITM_WIRE_ALTERED = 1u << 0,	/* caplen bytes follow: the new packet */
};

/* One verdict slot's header. */
struct itm_wire_verdict {
	uint64_t seq;		/* the request it answers */
	uint32_t cls;		/* what classify returned */
	uint32_t mark, classid;	/* the packet's, possibly changed */
	uint32_t caplen;	/* with ITM_WIRE_ALTERED */
	uint8_t verdict;	/* enum itm_wire_verdict_code */
	uint8_t flags;		/* enum itm_wire_verdict_flag */
	uint8_t pad[6];
};

struct itm_wire_layout {
	uint32_t n_slots;
	uint32_t req_slot, rsp_slot;	/* bytes per slot */
	uint32_t req_off, rsp_off, size;
};

/* Check a REGISTER message from a module process; 0 or -errno and msg. */
int itm_wire_reg_decode(const void *buf, size_t len, struct itm_wire_reg *out,
			char *msg, size_t msg_len);
/* Ring sizes for a checked registration; 0 or -E2BIG. */
int itm_wire_layout(const struct itm_wire_reg *reg,
		    struct itm_wire_layout *out);

#endif
