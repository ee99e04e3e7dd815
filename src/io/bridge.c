// SPDX-License-Identifier: GPL-2.0-only
/*
 * The AF_PACKET bridge backend: a bump in the wire between two interfaces
 * that carry no IP address. Every frame arriving on one port runs the
 * forward path (pre-routing, forward, post-routing) and enters the egress
 * discipline of its direction; what the discipline lets go is sent out of
 * the other port. So the queue a shaper or an AQM works on is ours, not
 * the kernel's.
 *
 *   backend bridge IF1 IF2 [rate RATE] [rate2 RATE]
 *
 * Two directions, two roots. IF1 -> IF2 leaves through the engine's root
 * (the one `qdisc` commands and `itm qdisc show` act on); IF2 -> IF1
 * leaves through a twin tree built from the same qdisc and class commands
 * (itm/twin.h). A run-time change through the control socket or the file
 * system runs on the twin too; a reload (SIGHUP) rebuilds both.
 *
 * Pacing. `rate` is the link rate of IF1 -> IF2, `rate2` of IF2 -> IF1
 * (default: rate); 0 sends as fast as the socket takes frames. The
 * discipline sees a link of that rate: a frame is dequeued only when the
 * previous one has left, next = previous + bytes * 8 / rate, counting the
 * Ethernet frame from its destination address on (no preamble, no FCS).
 * Lateness of up to 1 ms is caught up, so timer slack does not lower the
 * rate. Without a rate the interface's own queue fills instead of ours.
 *
 * Sockets. Per port: AF_PACKET SOCK_RAW bound with ETH_P_ALL, promiscuous
 * (a membership, so the kernel drops it with the socket), our own
 * transmissions ignored (PACKET_IGNORE_OUTGOING), a TPACKET_V3 receive
 * ring of 64 blocks of 256 KiB, retired after at most 1 ms. Frames carry a
 * virtio-net header (PACKET_VNET_HDR) both ways: a GSO frame (GRO on the
 * port, TSO of a local veth peer) arrives whole with its segment size and
 * is handed back to the kernel to segment on the way out, and a frame with
 * a partial checksum leaves with the kernel completing it. Transmission is
 * one sendmsg() per frame (see doc/bridge.md for why, and the figures).
 *
 * MTU. A frame longer than the other port's MTU and not GSO is refused by
 * the kernel (EMSGSIZE) and counted in `errors`; a GSO frame is segmented
 * to the gso_size it came with. A frame longer than a ring block (256 KiB)
 * is counted in `truncated` and not forwarded. VLAN tags, which the kernel
 * strips into the ring's metadata, are put back in place before the
 * pipeline sees the frame.
 *
 * A port taken down keeps its socket and is looked at once a second until
 * it is up again; one deleted meanwhile is closed, and reopened when an
 * interface of that name exists again (a recreated veth or tap, a
 * replugged NIC); frames for a deleted port are counted in `errors`.
 *
 * At close every held packet is sent, never dropped; the rings are
 * unmapped and the sockets closed, which ends promiscuous mode.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "itm/bytes.h"
#include "itm/cmd.h"
#include "br.h"

#define BR_RX_BLOCKS 8u			/* blocks per readable event */
#define BR_PACE_SLACK_NS 1000000u	/* lateness caught up */
#define BR_RETRY_NS 50000u		/* socket full: try again after */
#define BR_CLOSE_WAIT_MS 200		/* at close, per full socket */
#define BR_VLAN_HLEN 4u
#define BR_REOPEN_NS 1000000000u	/* a gone port: how often to look */

static int br_parse(void *priv, int argc, char **argv, struct itm_err *err)
{
	struct br *q = priv;
	int i;

	q->port[0].fd = q->port[1].fd = -1;
	if (argc < 2)
		return itm_err_set(err, EINVAL, "backend bridge IF1 IF2: two interfaces");
	for (i = 0; i < 2; i++) {
		if (!argv[i][0] || strlen(argv[i]) >= ITM_ATTR_IFNAME_LEN ||
		    strchr(argv[i], '/'))
			return itm_err_tok(err, argv[i], EINVAL,
					   "\"%s\" is not an interface name", argv[i]);
		snprintf(q->port[i].name, sizeof(q->port[i].name), "%s", argv[i]);
	}
	if (!strcmp(argv[0], argv[1]))
		return itm_err_tok(err, argv[1], EINVAL,
				   "bridge: two different interfaces");
	for (i = 2; i < argc; i += 2) {
		uint64_t *dst;

		if (!strcmp(argv[i], "rate"))
			dst = &q->rate;
		else if (!strcmp(argv[i], "rate2"))
			dst = &q->rate2;
		else
			return itm_err_tok(err, argv[i], EINVAL,
					   "backend bridge: what is \"%s\"?", argv[i]);
		if (i + 1 >= argc)
			return itm_err_tok(err, argv[i], EINVAL, "%s needs a value",
					   argv[i]);
		if (strcmp(argv[i + 1], "0") &&
		    (itm_parse_rate(argv[i + 1], dst) < 0 || !*dst))
			return itm_err_tok(err, argv[i + 1], EINVAL,
					   "%s: \"%s\" is not a rate such as 100mbit (0: none)",
					   argv[i], argv[i + 1]);
		if (!strcmp(argv[i + 1], "0"))
			*dst = 0;
		q->rate2_set |= dst == &q->rate2;
	}
	return 0;
}

/* ---- packets out ---- */

/*
 * A module grew or shrank the frame (a tunnel header in or out): the link
 * carries the new length, and a checksum left to the kernel starts at the
 * L4 header of the innermost IP header, where it started before (only the
 * headers in front of it changed). A GSO frame cannot be segmented through
 * a header the kernel does not know of: the send fails and is counted.
 */
static void br_resized(struct br_pkt *bp)
{
	const struct itm_pkt_view *v = &bp->p.v;
	const struct itm_l3 *l3 = v->tunnel ? &v->inner : &v->outer;
	int64_t delta = (int64_t)bp->p.caplen - bp->len;

	if (!delta)
		return;
	bp->pace_bytes = (uint32_t)((int64_t)bp->pace_bytes + delta);
	bp->len = bp->p.caplen;
	if (bp->vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM && itm_l3_has(l3, ITM_HAVE_PROTO))
		bp->vh.csum_start = htole16((uint16_t)l3->l4_off);
	if (bp->vh.hdr_len)
		bp->vh.hdr_len = htole16((uint16_t)(le16toh(bp->vh.hdr_len) + delta));
}

static int br_send(struct br *q, struct br_pkt *bp)
{
	struct iovec iov[2] = {
		{ .iov_base = &bp->vh, .iov_len = sizeof(bp->vh) },
		{ .iov_base = bp->p.data, .iov_len = bp->p.caplen },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };

	br_resized(bp);
	if (sendmsg(q->port[!bp->dir].fd, &mh, MSG_DONTWAIT) < 0)
		return -errno;
	return 0;
}

static void br_sent(struct br *q, struct br_pkt *bp, int r)
{
	struct br_dir *d = &q->dir[bp->dir];

	if (r < 0) {
		d->errors++;
		itm_live_log_limited(&d->log_send, "warning", "bridge: sending "
				     "on %s: %s", q->port[!bp->dir].name,
				     strerror(-r));
	} else {
		d->sent++;
		d->sent_bytes += bp->p.caplen;
	}
	free(bp);
}

/* At close: a full socket is waited for, briefly, rather than lose the
 * frame. */
static void br_send_release(struct br *q, struct br_pkt *bp)
{
	struct br_dir *d = &q->dir[bp->dir];
	struct pollfd pfd = { .fd = q->port[!bp->dir].fd, .events = POLLOUT };
	int r = br_send(q, bp);

	if ((r == -EAGAIN || r == -ENOBUFS) && poll(&pfd, 1, BR_CLOSE_WAIT_MS) >= 0)
		r = br_send(q, bp);
	d->released++;
	br_sent(q, bp, r);
}

/* The engine's free callback: a refused packet, or one being released or
 * moved to a new engine. */
static void br_engine_free(void *ctx, struct itm_pkt *p)
{
	struct br *q = itm_backend_priv(ctx);
	struct br_pkt *bp = (struct br_pkt *)p;

	switch (q->release) {
	case BR_MOVE:
		itm_qdisc_enqueue(bp->dir ? q->move_rev : q->move_to->root, p,
				  itm_live_now());
		break;
	case BR_SEND:
		br_send_release(q, bp);
		break;
	default:
		if (p->flags & ITM_PKT_TAKEN)
			q->dir[bp->dir].taken++;
		else
			q->dir[bp->dir].dropped++;
		free(bp);
	}
}

static uint64_t br_pace_ns(uint64_t bytes, uint64_t rate_bps)
{
	return bytes * 8 * ITM_NSEC_PER_SEC / rate_bps;
}

static void br_kick_dir(struct br *q, int i, uint64_t now)
{
	struct br_dir *d = &q->dir[i];
	struct itm_qdisc *root = br_root(q, i);

	d->wake_ns = UINT64_MAX;
	if (d->rate_bps && d->next_ns + BR_PACE_SLACK_NS < now)
		d->next_ns = now;	/* idle: no credit beyond the slack */
	for (;;) {
		struct br_pkt *bp = d->held;
		int r;

		if (d->rate_bps && d->next_ns > now) {
			if (bp || root->stats.qlen)
				d->wake_ns = d->next_ns;
			return;
		}
		if (!bp) {
			if (!root->stats.qlen)
				return;
			bp = (struct br_pkt *)itm_qdisc_dequeue(root, now);
			if (!bp) {
				d->wake_ns = root->wake_ns;	/* a shaper waits */
				return;
			}
			itm_qdisc_dequeued(root, now);
		}
		r = br_send(q, bp);
		if (r == -EAGAIN || r == -ENOBUFS) {
			d->held = bp;
			d->retries++;
			d->wake_ns = now + BR_RETRY_NS;
			return;
		}
		d->held = NULL;
		if (d->rate_bps)
			d->next_ns += br_pace_ns(bp->pace_bytes, d->rate_bps);
		br_sent(q, bp, r);
	}
}

static void br_look_for_ports(struct itm_backend *b, uint64_t now);

static bool br_ports_out(const struct br *q)
{
	return q->port[0].down || q->port[0].gone || q->port[1].down ||
	       q->port[1].gone;
}

static void br_kick(struct itm_backend *b, uint64_t now)
{
	struct br *q = itm_backend_priv(b);

	br_kick_dir(q, 0, now);
	br_kick_dir(q, 1, now);
	br_look_for_ports(b, now);
}

static uint64_t br_deadline(struct itm_backend *b)
{
	struct br *q = itm_backend_priv(b);
	uint64_t t = q->dir[0].wake_ns < q->dir[1].wake_ns ? q->dir[0].wake_ns :
		     q->dir[1].wake_ns;

	if (br_ports_out(q) && q->reopen_ns < t)
		t = q->reopen_ns;
	return t;
}

/* ---- packets in ---- */

/* Bytes on the link: a GSO frame leaves as segments, each with the
 * headers again. */
static uint32_t br_wire_bytes(const struct br_pkt *bp)
{
	uint32_t len = bp->p.caplen, seg = le16toh(bp->vh.gso_size);
	uint32_t hdr = le16toh(bp->vh.csum_start), segs;
	uint8_t type = bp->vh.gso_type & (uint8_t)~VIRTIO_NET_HDR_GSO_ECN;

	if (type == VIRTIO_NET_HDR_GSO_NONE || !seg)
		return len;
	if (type == VIRTIO_NET_HDR_GSO_TCPV4 || type == VIRTIO_NET_HDR_GSO_TCPV6)
		hdr += hdr + 12 < len ? (uint32_t)(bp->p.data[hdr + 12] >> 4) * 4 : 0;
	else
		hdr += 8;
	if (hdr >= len)
		return len;
	segs = (len - hdr + seg - 1) / seg;
	return len + (segs - 1) * hdr;
}

static struct br_pkt *br_frame(struct br *q, int i,
			       const struct tpacket3_hdr *h, uint64_t now)
{
	const uint8_t *mac = (const uint8_t *)h + h->tp_mac;
	bool vlan = h->tp_status & TP_STATUS_VLAN_VALID;
	uint32_t len = h->tp_snaplen;
	struct br_pkt *bp;
	uint8_t *d;

	if (len < h->tp_len || len < ETH_HLEN) {
		q->dir[i].truncated++;
		return NULL;
	}
	bp = malloc(sizeof(*bp) + ITM_PKT_HEADROOM + len + (vlan ? BR_VLAN_HLEN : 0));
	if (!bp) {
		q->dir[i].errors++;
		itm_live_log_limited(&q->dir[i].log_nomem, "warning", "bridge: "
				     "no memory for a frame from %s: dropped",
				     q->port[i].name);
		return NULL;
	}
	memset(bp, 0, sizeof(*bp));
	d = bp->data + ITM_PKT_HEADROOM;
	memcpy(&bp->vh, mac - sizeof(bp->vh), sizeof(bp->vh));
	if (vlan) {
		uint16_t tpid = h->tp_status & TP_STATUS_VLAN_TPID_VALID ?
				h->hv1.tp_vlan_tpid : ETH_P_8021Q;

		memcpy(d, mac, 2 * ETH_ALEN);
		itm_put16(d + 2 * ETH_ALEN, tpid);
		itm_put16(d + 2 * ETH_ALEN + 2, (uint16_t)h->hv1.tp_vlan_tci);
		memcpy(d + 2 * ETH_ALEN + BR_VLAN_HLEN, mac + 2 * ETH_ALEN,
		       len - 2 * ETH_ALEN);
		len += BR_VLAN_HLEN;
		if (bp->vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
			bp->vh.csum_start = htole16((uint16_t)(le16toh(bp->vh.csum_start) +
							       BR_VLAN_HLEN));
		if (bp->vh.hdr_len)
			bp->vh.hdr_len = htole16((uint16_t)(le16toh(bp->vh.hdr_len) +
							    BR_VLAN_HLEN));
	} else {
		memcpy(d, mac, len);
	}
	bp->dir = (uint8_t)i;
	bp->p.data = d;
	bp->p.headroom = ITM_PKT_HEADROOM;
	bp->p.caplen = len;
	bp->len = len;
	bp->p.link = ITM_LINK_ETHERNET;
	bp->p.iif = q->port[i].ifindex;
	bp->p.oif = q->port[!i].ifindex;
	bp->p.ts_ns = now;
	bp->p.seq = q->seq++;
	if (bp->vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
		bp->p.flags |= ITM_PKT_CSUM_PARTIAL;
	q->dir[i].gso += bp->vh.gso_type != VIRTIO_NET_HDR_GSO_NONE;
	bp->pace_bytes = br_wire_bytes(bp);
	bp->p.wirelen = bp->pace_bytes;
	itm_pkt_parse(&bp->p);
	return bp;
}

struct br_rx {
	struct br *q;
	int i;
	uint64_t now;
};

static void br_rx_frame(void *ctx, const struct tpacket3_hdr *th)
{
	struct br_rx *rx = ctx;
	struct br_pkt *bp = br_frame(rx->q, rx->i, th, rx->now);

	rx->q->dir[rx->i].received++;
	if (bp)
		itm_engine_forward_to(rx->q->live->e, br_root(rx->q, rx->i),
				      &bp->p, rx->now);
}

static void br_readable(struct br *q, int i)
{
	struct br_rx rx = { .q = q, .i = i, .now = itm_live_now() };

	/* readable without a block: the port's error (it went down) */
	if (!br_port_walk(&q->port[i], BR_RX_BLOCKS, br_rx_frame, &rx) &&
	    br_port_error(&q->port[i]))
		q->reopen_ns = rx.now + BR_REOPEN_NS;
}

static void br_readable0(void *ctx)
{
	br_readable(itm_backend_priv(ctx), 0);
}

static void br_readable1(void *ctx)
{
	br_readable(itm_backend_priv(ctx), 1);
}

/* A port down or deleted, once a second: is it gone, back, up again? */
static void br_look_for_ports(struct itm_backend *b, uint64_t now)
{
	struct br *q = itm_backend_priv(b);
	struct itm_err err;
	int i;

	if (!br_ports_out(q) || now < q->reopen_ns)
		return;
	q->reopen_ns = now + BR_REOPEN_NS;
	for (i = 0; i < 2; i++) {
		if ((q->port[i].down || q->port[i].gone) &&
		    br_port_check(b->live, &q->port[i],
				  i ? br_readable1 : br_readable0, b, &err) < 0)
			itm_live_log("warning", "%s; trying again", err.msg);
	}
}

/* ---- open, rebind, close ---- */

/* The IF2 -> IF1 root: a twin of e's tree that follows its run-time
 * changes, or a plain pfifo if the twin cannot be built (logged). */
static int br_twin(struct itm_engine *e, struct itm_twin *t,
		   struct itm_err *err)
{
	char *pfifo[] = { "pfifo" };

	if (itm_twin_build(e, t, err) == 0)
		return 0;
	itm_live_log("warning", "bridge: IF2->IF1 gets a pfifo: %s", err->msg);
	*t = (struct itm_twin){ .stopped = true, .applied = e->qdisc_cmds_len };
	return itm_qdisc_create(&t->root, 1, pfifo, itm_engine_drop, e, err);
}

static void br_close(struct itm_backend *b);

static int br_open(struct itm_backend *b, struct itm_err *err)
{
	struct br *q = itm_backend_priv(b);
	char r1[32], r2[32];
	int i, r;

	q->live = b->live;
	q->dir[0].rate_bps = q->rate;
	q->dir[1].rate_bps = q->rate2_set ? q->rate2 : q->rate;
	q->dir[0].wake_ns = q->dir[1].wake_ns = UINT64_MAX;
	itm_engine_set_free(b->live->e, br_engine_free, b);
	r = br_twin(b->live->e, &q->twin, err);
	for (i = 0; r == 0 && i < 2; i++)
		r = br_port_start(b->live, &q->port[i],
				  i ? br_readable1 : br_readable0, b, err);
	if (r < 0) {
		br_close(b);
		return r;
	}
	itm_live_log("info", "bridge: %s <-> %s, rate %s / %s, root %s / %s",
		     q->port[0].name, q->port[1].name,
		     q->dir[0].rate_bps ? itm_fmt_rate(r1, sizeof(r1), q->dir[0].rate_bps) : "none",
		     q->dir[1].rate_bps ? itm_fmt_rate(r2, sizeof(r2), q->dir[1].rate_bps) : "none",
		     b->live->e->root->ops->id, q->twin.root->ops->id);
	return 0;
}

/* A run-time change of the IF1 -> IF2 tree (control socket, file system)
 * reaches the IF2 -> IF1 twin. */
static void br_changed(struct itm_backend *b)
{
	struct br *q = itm_backend_priv(b);
	struct itm_err err = { { 0 }, { 0 } };

	if (itm_twin_follow(b->live->e, &q->twin, &err) < 0)
		itm_live_log("error", "bridge: IF2->IF1 did not follow: %s%s%s%s",
			     err.tok[0] ? "\"" : "", err.tok, err.tok[0] ? "\": " : "",
			     err.msg);
}

/* The engine was replaced: held packets move to the new roots, the
 * IF2 -> IF1 one rebuilt from the new configuration. */
static void br_rebind(struct itm_backend *b, struct itm_engine *old)
{
	struct br *q = itm_backend_priv(b);
	struct itm_twin twin;
	struct itm_err err;
	bool built;

	itm_engine_set_free(b->live->e, br_engine_free, b);
	built = br_twin(b->live->e, &twin, &err) == 0;
	if (!built) {
		itm_live_log("error", "bridge: reload: %s; IF2->IF1 keeps its root",
			     err.msg);
		itm_twin_adopt(b->live->e, &q->twin);
	}
	q->release = BR_MOVE;
	q->move_to = b->live->e;
	q->move_rev = built ? twin.root : q->twin.root;
	itm_qdisc_reset(old->root);
	if (built) {
		itm_qdisc_reset(q->twin.root);
		itm_qdisc_destroy(q->twin.root);
		q->twin = twin;
	}
	q->release = BR_DROP;
}

static void br_close(struct itm_backend *b)
{
	struct br *q = itm_backend_priv(b);
	uint64_t released = q->dir[0].released + q->dir[1].released;
	int i;

	q->release = BR_SEND;
	for (i = 0; i < 2; i++) {
		if (q->dir[i].held)
			br_send_release(q, q->dir[i].held);
		q->dir[i].held = NULL;
	}
	if (b->live->e)
		itm_qdisc_reset(b->live->e->root);	/* sent, not lost */
	if (q->twin.root)
		itm_qdisc_reset(q->twin.root);
	q->release = BR_DROP;
	itm_qdisc_destroy(q->twin.root);
	q->twin.root = NULL;
	for (i = 0; i < 2; i++)
		br_port_close(b->live, &q->port[i]);
	released = q->dir[0].released + q->dir[1].released - released;
	if (released)
		itm_live_log("info", "bridge: released %" PRIu64 " held packets",
			     released);
}

const struct itm_backend_ops itm_backend_bridge = {
	.id = "bridge",
	.usage = "backend bridge IF1 IF2 [rate RATE] [rate2 RATE]",
	.priv_size = sizeof(struct br),
	.parse = br_parse,
	.open = br_open,
	.rebind = br_rebind,
	.changed = br_changed,
	.egress = br_egress,
	.kick = br_kick,
	.deadline = br_deadline,
	.close = br_close,
	.dump = br_dump,
};
