/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libitm: an itm traffic-control module in its own process.
 *
 * The itmBench paper's user-space API (section 6.2), under the paper's
 * names. A process fills a struct libitm_info with up to five callbacks and
 * an interest filter, registers it at a hook of the running itmd, and calls
 * libitm_run(); libitm then calls the callbacks for every packet that
 * matches the filter, in the order of an in-process module:
 *
 *   cls = classify(p)        the packet's class; 0 = none
 *   log(p, cls)
 *   v = process(p, cls)      skipped when cls == 0; LIBITM_ACCEPT/DROP/TAKEN
 *   class_update(p, cls)
 *   ctl_update(now_ns)
 *
 * and hands the verdict back to itmd, with the packet's mark and class as
 * the callbacks left them and, in packet mode after libitm_packet_altered(),
 * the new bytes. The packet then continues to the next module at the hook.
 *
 * The process is isolated from itmd: if it crashes, stops answering for
 * longer than itmd's deadline, or exits, itmd unregisters it and its packets
 * go on unchanged. doc/libitm.md describes the protocol underneath.
 *
 * The library is single-threaded (one module process, one loop); functions
 * return 0 or a negative errno unless said otherwise.
 */
#ifndef ITM_LIBITM_H
#define ITM_LIBITM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Where a module sits: itm's hooks, the netfilter ones. */
enum libitm_hook {
	LIBITM_PRE_ROUTING,
	LIBITM_LOCAL_IN,
	LIBITM_FORWARD,
	LIBITM_LOCAL_OUT,
	LIBITM_POST_ROUTING,
};

/* What crosses the process boundary (libitm_init's mode). */
enum libitm_mode {
	LIBITM_META = 0,	/* flow keys, lengths, mark, class; verdicts */
	LIBITM_PACKET = 1,	/* the same plus the first bufsize bytes */
	LIBITM_OBSERVE = 2,	/* metadata only, no verdicts: itmd never
				 * waits, verdicts and changes are ignored */
};

enum libitm_verdict {
	LIBITM_ACCEPT = 0,
	LIBITM_DROP = 1,
	LIBITM_TAKEN = 2,	/* the process carried the packet away (sent it
				 * through a tunnel of its own): it goes no
				 * further, counted by itmd as taken, not
				 * dropped */
};

#define LIBITM_LABEL_MAX 32
#define LIBITM_IFNAME_MAX 16
#define LIBITM_PREFIXES 4
#define LIBITM_PORTS 8
#define LIBITM_BUFSIZE_MAX 65535

/* struct libitm_pkt's @link: where @data starts (pcap LINKTYPE numbers) */
#define LIBITM_LINK_ETHERNET 1	/* an Ethernet header, maybe VLAN tags */
#define LIBITM_LINK_RAW 101	/* an IP header, either version */
#define LIBITM_LINK_IPV4 228	/* an IPv4 header */
#define LIBITM_LINK_IPV6 229	/* an IPv6 header */

/**
 * struct libitm_pkt - one packet as a callback sees it
 * @seq: the packet's number in this registration, from 1
 * @ts_ns: its arrival time (trace time in a replay, monotonic live)
 * @hook: the hook it was caught at (enum libitm_hook)
 * @family: 4 or 6; 0 when the packet is not IP
 * @proto: IP protocol after extension headers
 * @tos: IPv4 TOS or IPv6 traffic class
 * @tcp_flags: TCP flags, 0 unless TCP
 * @sport: source port, host order (0 without ports)
 * @dport: destination port, host order
 * @src: source address (IPv4 in the first four bytes)
 * @dst: destination address
 * @len: the packet's length on the wire
 * @iif: input interface index, 0 when unknown
 * @oif: output interface index, 0 when unknown
 * @link: pcap LINKTYPE of @data, a LIBITM_LINK_* value: Ethernet (the
 *        AF_PACKET bridge backend, a trace), raw IP of either version
 *        (NFQUEUE), or raw IPv4 or IPv6 (a trace)
 * @mark: the packet mark; a callback may change it
 * @classid: the class the discipline tree reads; a callback may change it
 * @caplen: bytes at @data (packet mode); a callback may shorten it, or
 *          lengthen it up to bufsize, before libitm_packet_altered()
 * @full_len: bytes itmd holds; more than @caplen when bufsize cut the copy
 *            (then only changes that keep @caplen are taken back)
 * @data: the packet from its link header on (NULL in metadata modes)
 */
struct libitm_pkt {
	uint64_t seq;
	uint64_t ts_ns;
	uint8_t hook, family, proto, tos, tcp_flags;
	uint16_t sport, dport;
	uint8_t src[16], dst[16];
	uint32_t len, iif, oif;
	uint16_t link;
	uint32_t mark, classid;
	uint32_t caplen, full_len;
	uint8_t *data;
};

/**
 * struct libitm_interest - which packets are sent to the process
 *
 * Filled by libitm_init_interest() (everything) and narrowed by the
 * libitm_set_*() calls; itmd applies it before the packet crosses, so a
 * narrow filter is the cheapest optimisation there is.
 */
struct libitm_interest {
	uint8_t protos[32];	/* bitmap; all zero = any */
	uint8_t n_src, n_dst, n_sports, n_dports;
	struct {
		uint8_t family, len;
		uint8_t addr[16];
	} src[LIBITM_PREFIXES], dst[LIBITM_PREFIXES];
	uint16_t sports[LIBITM_PORTS], dports[LIBITM_PORTS];
	char indev[LIBITM_IFNAME_MAX], outdev[LIBITM_IFNAME_MAX];
};

/**
 * struct libitm_info - one registration: label, order, callbacks, filter
 * @label: the module's name in `itm module list` (letters, digits, - _)
 * @prio: order at the hook among all modules; lower runs first
 * @classify: returns the packet's class, 0 for none (NULL: always 0)
 * @log: records what was seen
 * @process: acts on a classified packet; returns enum libitm_verdict
 * @class_update: updates class state from what was logged
 * @ctl_update: adapts controller parameters; @now_ns is the packet's time
 * @interest: the filter (libitm_init_interest, libitm_set_*)
 */
struct libitm_info {
	const char *label;
	int prio;
	uint32_t (*classify)(struct libitm_pkt *p);
	void (*log)(struct libitm_pkt *p, uint32_t cls);
	int (*process)(struct libitm_pkt *p, uint32_t cls);
	void (*class_update)(struct libitm_pkt *p, uint32_t cls);
	void (*ctl_update)(uint64_t now_ns);
	struct libitm_interest interest;
};

/**
 * libitm_init() - set up the library
 * @bufsize: in LIBITM_PACKET mode, the most bytes of each packet sent
 *           (1..65535); ignored otherwise
 * @mode: enum libitm_mode
 *
 * The socket is $ITM_MODULE_SOCKET, or /run/itm/modules.sock.
 * Return: 0, or -EINVAL for a bad bufsize or mode.
 */
int libitm_init(int bufsize, uint8_t mode);

/**
 * libitm_register() - register a module at a hook of the running itmd
 * @where: enum libitm_hook; one registration per hook and process
 * @info: callbacks and filter; must stay valid until unregistered
 *
 * Return: 0, or a negative errno (itmd's reason is printed on stderr).
 */
int libitm_register(int where, struct libitm_info *info);

/**
 * libitm_unregister() - leave a hook; its packets no longer come here
 * @where: the hook given to libitm_register()
 */
int libitm_unregister(int where);

/**
 * libitm_register_timer() - call @fn every @timeout_ms from libitm_run()
 * @fn: called with the time in milliseconds: the monotonic clock's, or in
 *      a replay (itm replay --module) the trace's
 * @timeout_ms: the period, at least 1
 *
 * The call comes from the run loop, between packets, never from a signal
 * handler: @fn may use any function. One timer per process; another call
 * replaces it, a NULL @fn removes it. In a replay the timer follows the
 * packets' timestamps (the grid starts at the first packet, and @fn runs
 * before the first packet at or past each period's end), so the same trace
 * gives the same calls, however fast the machine.
 */
int libitm_register_timer(void (*fn)(unsigned long), int timeout_ms);

/**
 * libitm_run() - receive packets and call the callbacks until stopped
 *
 * SIGINT and SIGTERM stop it; so does libitm_stop() from a callback or a
 * timer, and so does unregistering the last hook. Every registration is
 * then removed.
 * Return: 0 when stopped, -ECONNRESET when itmd went away, or -errno.
 */
int libitm_run(void);

/**
 * libitm_stop() - stop libitm_run() and unregister everything
 *
 * Safe in a callback, a timer and a signal handler; outside libitm_run()
 * (an error path in main, say) it unregisters at once.
 */
void libitm_stop(void);

/**
 * libitm_packet_altered() - the current packet's bytes were changed
 *
 * Call it from a callback after writing to p->data (packet mode): the new
 * bytes go back to itmd, which re-parses the packet, fixes its checksums
 * and passes it to the next module at the hook.
 */
void libitm_packet_altered(void);

/**
 * libitm_init_interest() - make @info's filter match every packet
 */
void libitm_init_interest(struct libitm_info *info);

/**
 * libitm_set_protocols() - only these IP protocols (6 TCP, 17 UDP, ...)
 * Return: 0, or -EINVAL for a number outside 0..255.
 */
int libitm_set_protocols(struct libitm_info *info, const int *protos, int n);

/**
 * libitm_set_saddr() - only these source addresses or prefixes
 * @addrs: "10.0.0.1", "10.1.0.0/16", "2001:db8::/32"; at most 4
 */
int libitm_set_saddr(struct libitm_info *info, const char *const *addrs,
		     int n);
/** libitm_set_daddr() - only these destination addresses or prefixes */
int libitm_set_daddr(struct libitm_info *info, const char *const *addrs,
		     int n);

/**
 * libitm_set_src_ports() - only these source ports (1..65535, at most 8)
 */
int libitm_set_src_ports(struct libitm_info *info, const int *ports, int n);
/** libitm_set_dst_ports() - only these destination ports */
int libitm_set_dst_ports(struct libitm_info *info, const int *ports, int n);

/**
 * libitm_set_indev() - only packets that came in on this device
 * @devs: interface names; one (itm's filters hold one device per side)
 * Return: 0, -E2BIG for more than one, -EINVAL for a bad name.
 */
int libitm_set_indev(struct libitm_info *info, const char *const *devs, int n);
/** libitm_set_outdev() - only packets leaving through this device */
int libitm_set_outdev(struct libitm_info *info, const char *const *devs,
		      int n);

#ifdef __cplusplus
}
#endif

#endif
