// SPDX-License-Identifier: GPL-2.0-only
/*
 * The NFQUEUE backend: netfilter hands itmd the packets its rules select
 * (nfq_rules.c), itmd answers each with a verdict. A packet queued at a
 * hook runs that hook's module chain; at post-routing it then enters the
 * root discipline and its verdict (accept, with the rewritten bytes if a
 * module changed them) is sent when the discipline lets it leave, so a
 * shaper or an AQM works on the kernel's own queue of held packets.
 *
 * Transport: libmnl and libnetfilter_queue's message helpers. The queue is
 * configured to copy whole packets, to hand over GSO packets unsegmented,
 * and to fail open when it is full; the rules use --queue-bypass, so with
 * no itmd traffic flows unmanaged. Datagrams are read in bursts with
 * recvmmsg and the verdicts of a burst go out together in one sendmsg.
 * Queue setup is nfq_link.c's; the rules are nfq_rules.c's.
 *
 * At close every held packet is accepted, never dropped: the engine's
 * queue is flushed through a release path, then the rules and the queue
 * binding are removed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "itm/live.h"
#include "itm/qtree.h"
#include "nfq_link.h"
#include "nfq_rules.h"

#define NFQ_BURST 32
#define NFQ_BUF (65536 + 4096)		/* one GSO packet and its headers */
#define NFQ_BATCH (256 * 1024)
_Static_assert(NFQ_BATCH + NFQ_BUF < NFQ_LINK_SNDBUF / 2,
	       "a batch of verdicts must fit the netlink send buffer");
#define NFQ_HEADERS 512		/* copied when nothing rewrites packets: the
				 * parser's headers, tunnels and options */
#define NQ_PEND_MAX 256

struct nq_pkt {
	struct itm_pkt p;
	uint32_t id;
	uint8_t data[];
};

enum nq_release { NFQ_DROP, NFQ_ACCEPT, NFQ_MOVE };

struct nq {
	char dev[ITM_ATTR_IFNAME_LEN];
	uint32_t port, queue, maxlen;
	struct nfq_link link;
	struct nfq_rules rules;
	unsigned hooks;
	bool gso_whole;			/* GSO packets reach us unsegmented */
	bool copy_whole;		/* whole packets, not NFQ_HEADERS bytes */
	struct itm_live *live;
	uint32_t pend[NQ_PEND_MAX];	/* plain accepts not sent yet */
	uint32_t npend;
	enum nq_release release;	/* what a drop callback does */
	struct itm_engine *move_to;	/* NFQ_MOVE: the new engine */
	uint8_t *rx;			/* NFQ_BURST x NFQ_BUF */
	char *batch_buf;
	struct mnl_nlmsg_batch *batch;
	uint64_t received, accepted, dropped, modified, released, gso, errors;
	uint64_t batched;		/* accepts sent as part of a batch */
	uint64_t unsent;		/* rewrites of header-only copies not sent */
	uint64_t split;			/* batches refused whole, sent one by one */
};

static const struct itm_attr nq_attrs[] = {
	{ .name = "dev", .type = ITM_ATTR_IFNAME, .off = offsetof(struct nq, dev),
	  .help = "only packets through this interface; any = all" },
	{ .name = "port", .type = ITM_ATTR_U32, .off = offsetof(struct nq, port),
	  .max = 65535, .help = "only TCP/UDP with this source or destination port; 0 = all" },
	{ .name = "queue", .type = ITM_ATTR_U32, .off = offsetof(struct nq, queue),
	  .max = 65535, .help = "NFQUEUE number; 0 = the first free from 1000" },
	{ .name = "maxlen", .type = ITM_ATTR_U32, .off = offsetof(struct nq, maxlen),
	  .min = 16, .max = 1u << 20, .def = 4096,
	  .help = "packets the kernel holds for us before failing open" },
	ITM_ATTR_END,
};

static int nq_parse(void *priv, int argc, char **argv, struct itm_err *err)
{
	int n;

	itm_attr_defaults(nq_attrs, priv);
	n = itm_attr_parse_args(nq_attrs, priv, argc, argv, true, err);
	if (n >= 0 && n < argc)
		return itm_err_tok(err, argv[n], EINVAL,
				   "backend nfqueue: what is \"%s\"?", argv[n]);
	return n < 0 ? n : 0;
}

/* ---- verdicts ---- */

static void nq_send(struct nq *q);

static void nq_put(struct nq *q, uint32_t id, int verdict, int type,
		   const struct itm_pkt *p)
{
	struct nlmsghdr *nlh;

	nlh = nfq_nlmsg_put(mnl_nlmsg_batch_current(q->batch), type, q->link.qnum);
	nfq_nlmsg_verdict_put(nlh, (int)id, verdict);
	/* the kernel takes the payload at its length: a packet a module grew
	 * (an outer header) or shrank leaves with the new length */
	if (p)
		nfq_nlmsg_verdict_put_pkt(nlh, p->data, p->caplen);
	if (!mnl_nlmsg_batch_next(q->batch))
		nq_send(q);
}

/*
 * Plain accepts wait in q->pend. If itmd then holds no packet, one batch
 * verdict for the highest id accepts them all: every lower id still in the
 * kernel's queue is one of them, as ids rise in arrival order and each
 * packet read was either answered already or is pending. Otherwise each
 * gets its own verdict.
 */
static void nq_pending(struct nq *q)
{
	uint32_t i, max;

	if (!q->npend)
		return;
	if (q->live->e->root->stats.qlen) {
		for (i = 0; i < q->npend; i++)
			nq_put(q, q->pend[i], NF_ACCEPT, NFQNL_MSG_VERDICT, NULL);
	} else {
		/* ids wrap: later is by serial arithmetic, as the kernel's */
		for (max = q->pend[0], i = 1; i < q->npend; i++)
			max = (int32_t)(q->pend[i] - max) > 0 ? q->pend[i] : max;
		nq_put(q, max, NF_ACCEPT, NFQNL_MSG_VERDICT_BATCH, NULL);
		q->batched += q->npend;
	}
	q->npend = 0;
}

/* One sendmsg for the batch. Should the socket refuse it whole (a send
 * buffer smaller than asked for), each verdict goes alone: a verdict lost
 * leaves its packet in the kernel's queue and stalls its flow. */
static void nq_send(struct nq *q)
{
	size_t len = mnl_nlmsg_batch_size(q->batch);
	struct nlmsghdr *nlh = mnl_nlmsg_batch_head(q->batch);
	int rest = (int)len;

	if (len && mnl_socket_sendto(q->link.nl, nlh, len) < 0) {
		q->split++;
		for (; mnl_nlmsg_ok(nlh, rest); nlh = mnl_nlmsg_next(nlh, &rest)) {
			if (mnl_socket_sendto(q->link.nl, nlh, nlh->nlmsg_len) < 0)
				q->errors++;
		}
	}
	mnl_nlmsg_batch_reset(q->batch);
}

static void nq_flush(struct nq *q)
{
	nq_pending(q);
	nq_send(q);
}

static void nq_verdict(struct nq *q, struct nq_pkt *np, int verdict)
{
	bool modified = np->p.flags & ITM_PKT_MODIFIED;

	if (modified && np->p.caplen < np->p.wirelen) {
		/* copied before a run-time change asked for whole packets:
		 * its headers alone would cut it, so it leaves unchanged */
		q->unsent++;
		modified = false;
	}
	if (verdict == NF_ACCEPT) {
		q->accepted++;
		q->modified += modified;
	} else {
		q->dropped++;
	}
	if (verdict == NF_ACCEPT && !modified && q->npend < NQ_PEND_MAX) {
		q->pend[q->npend++] = np->id;
	} else {
		nq_pending(q);	/* lower ids first: a batch must not cover it */
		nq_put(q, np->id, verdict, NFQNL_MSG_VERDICT,
		       verdict == NF_ACCEPT && modified ? &np->p : NULL);
	}
	free(np);
}

/* The engine's drop callback: a refused packet, or one being released. */
static void nq_engine_drop(void *ctx, struct itm_pkt *p)
{
	struct itm_backend *b = ctx;
	struct nq *q = itm_backend_priv(b);
	struct nq_pkt *np = (struct nq_pkt *)p;

	switch (q->release) {
	case NFQ_MOVE:
		itm_qdisc_enqueue(q->move_to->root, p, itm_live_now());
		break;
	case NFQ_ACCEPT:
		q->released++;
		nq_verdict(q, np, NF_ACCEPT);
		break;
	default:
		nq_verdict(q, np, NF_DROP);
	}
}

/* ---- packets in ---- */

static uint32_t attr_u32(struct nlattr **a, int type)
{
	return a[type] && mnl_attr_get_payload_len(a[type]) >= sizeof(uint32_t) ?
	       ntohl(mnl_attr_get_u32(a[type])) : 0;
}

static int nq_attr(const struct nlattr *attr, void *data)
{
	const struct nlattr **a = data;

	if (mnl_attr_type_valid(attr, NFQA_MAX) > 0)
		a[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

/* The packet message's attributes. Not nfq_nlmsg_parse: that stops at the
 * attributes libnetfilter_queue's own copy of the header knows, which
 * (1.0.5) ends before NFQA_PRIORITY. */
static int nq_parse_attrs(const struct nlmsghdr *nlh, struct nlattr **a)
{
	return mnl_attr_parse(nlh, sizeof(struct nfgenmsg), nq_attr, a);
}

static struct nq_pkt *nq_packet(struct nq *q, struct nlattr **a, uint64_t now)
{
	const struct nfqnl_msg_packet_hdr *ph = mnl_attr_get_payload(a[NFQA_PACKET_HDR]);
	uint32_t len = mnl_attr_get_payload_len(a[NFQA_PAYLOAD]);
	uint32_t info = attr_u32(a, NFQA_SKB_INFO);
	struct nq_pkt *np = malloc(sizeof(*np) + ITM_PKT_HEADROOM + len);

	if (!np)
		return NULL;
	memset(&np->p, 0, sizeof(np->p));
	np->id = ntohl(ph->packet_id);
	np->p.data = np->data + ITM_PKT_HEADROOM;
	np->p.headroom = ITM_PKT_HEADROOM;
	memcpy(np->p.data, mnl_attr_get_payload(a[NFQA_PAYLOAD]), len);
	np->p.caplen = len;
	np->p.wirelen = attr_u32(a, NFQA_CAP_LEN) ? attr_u32(a, NFQA_CAP_LEN) : len;
	np->p.link = ITM_LINK_RAW;
	np->p.iif = attr_u32(a, NFQA_IFINDEX_INDEV);
	np->p.oif = attr_u32(a, NFQA_IFINDEX_OUTDEV);
	np->p.mark = attr_u32(a, NFQA_MARK);
	/* skb->priority (SO_PRIORITY, CLASSIFY): a class id the classful
	 * disciplines take, as Linux's own do; processes and sockets attached
	 * to a VIF are classified this way (see src/daemon/attach.h) */
	np->p.priority = attr_u32(a, NFQA_PRIORITY);
	np->p.ts_ns = now;
	np->p.seq = q->received++;
	/* No ITM_PKT_CSUM_PARTIAL even when the kernel says CSUMNOTREADY:
	 * it takes a rewritten packet as CHECKSUM_NONE and completes nothing,
	 * so a packet a module changed must leave with its full L4 checksum.
	 * For a GSO packet that is right too: software segmentation re-seeds
	 * the TCP checksum of a packet that is not CHECKSUM_PARTIAL. */
	q->gso += (info & NFQA_SKB_GSO) != 0;
	itm_pkt_parse(&np->p);
	return np;
}

static int nq_cb(const struct nlmsghdr *nlh, void *data)
{
	struct itm_backend *b = data;
	struct nq *q = itm_backend_priv(b);
	struct nlattr *a[NFQA_MAX + 1] = { 0 };
	uint64_t now = itm_live_now();
	struct nq_pkt *np;
	unsigned hook;

	if (nq_parse_attrs(nlh, a) < 0 || !a[NFQA_PACKET_HDR] || !a[NFQA_PAYLOAD]) {
		q->errors++;
		return MNL_CB_OK;
	}
	hook = ((const struct nfqnl_msg_packet_hdr *)
		mnl_attr_get_payload(a[NFQA_PACKET_HDR]))->hook;
	np = nq_packet(q, a, now);
	if (!np) {
		q->errors++;	/* no memory: the kernel fails open on a full queue */
		return MNL_CB_OK;
	}
	if (hook >= ITM_HOOK_MAX)
		hook = ITM_HOOK_POST_ROUTING;
	if (itm_engine_hook(b->live->e, (enum itm_hook)hook, &np->p, now) ==
	    ITM_FATE_PASS)
		nq_verdict(q, np, NF_ACCEPT);
	return MNL_CB_OK;
}

static void nq_readable(void *ctx)
{
	struct itm_backend *b = ctx;
	struct nq *q = itm_backend_priv(b);
	struct mmsghdr msg[NFQ_BURST];
	struct iovec iov[NFQ_BURST];
	int i, n;

	for (i = 0; i < NFQ_BURST; i++) {
		iov[i] = (struct iovec){ q->rx + (size_t)i * NFQ_BUF, NFQ_BUF };
		msg[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &iov[i],
							.msg_iovlen = 1 } };
	}
	n = recvmmsg(mnl_socket_get_fd(q->link.nl), msg, NFQ_BURST, MSG_DONTWAIT, NULL);
	if (n < 0 && errno != EAGAIN && errno != EINTR)
		q->errors++;
	for (i = 0; i < n; i++) {
		if (mnl_cb_run(iov[i].iov_base, msg[i].msg_len, 0, q->link.portid,
			       nq_cb, b) < 0)
			q->errors++;	/* a netlink error: counted, not fatal */
	}
	nq_flush(q);
}

/* ---- open, kick, close ---- */

static int nq_buffers(struct nq *q, struct itm_err *err)
{
	q->rx = malloc((size_t)NFQ_BURST * NFQ_BUF);
	q->batch_buf = malloc(2 * NFQ_BATCH);
	q->batch = q->batch_buf ? mnl_nlmsg_batch_start(q->batch_buf, NFQ_BATCH) : NULL;
	if (!q->rx || !q->batch)
		return itm_err_set(err, ENOMEM, "out of memory");
	return 0;
}

static void nq_close(struct itm_backend *b);

/* GSO packets come whole unless a discipline of the tree shapes: a 64 KB
 * packet would then leave in one burst and overflow a small queue as one
 * loss of 40 segments, where the kernel's segments queue one by one. */
static void nq_set_gso(struct nq *q, bool whole)
{
	int r;

	if (whole == q->gso_whole)
		return;
	r = nfq_link_gso(&q->link, whole);
	if (r < 0) {
		itm_live_log("error", "nfqueue: setting GSO handover: %s", strerror(-r));
		return;
	}
	q->gso_whole = whole;
	itm_live_log("info", "nfqueue: GSO packets %s", whole ? "handed over whole" :
		     "segmented by the kernel (a shaper in the tree)");
}

/* Whole packets only when something may rewrite them (a module, an ECN
 * marking discipline): a rewritten packet must go back whole, and copying
 * 64 KB GSO packets out of the kernel costs more than all the rest. */
static void nq_set_copy(struct nq *q, bool whole)
{
	int r;

	if (whole == q->copy_whole)
		return;
	r = nfq_link_copy(&q->link, whole ? 0xffff : NFQ_HEADERS);
	if (r < 0) {
		itm_live_log("error", "nfqueue: setting the copy range: %s", strerror(-r));
		return;
	}
	q->copy_whole = whole;
	itm_live_log("info", "nfqueue: copying %s", whole ? "whole packets" :
		     "headers only (no module, no discipline rewrites packets)");
}

static bool nq_has_modules(const struct itm_engine *e)
{
	int h;

	for (h = 0; h < ITM_HOOK_MAX; h++) {
		if (e->chain_len[h])
			return true;
	}
	return false;
}

/* Derive the queue's settings and rules from the engine's configuration:
 * at open, after a reload and after a command changed it at run time. */
static void nq_configure(struct itm_backend *b)
{
	struct nq *q = itm_backend_priv(b);
	struct itm_engine *e = b->live->e;
	unsigned needs = itm_qtree_needs(e->root);
	unsigned hooks = nfq_rules_hooks(e);
	struct itm_err err;

	nq_set_gso(q, !(needs & ITM_QNEED_SEGMENTS));
	nq_set_copy(q, (needs & ITM_QNEED_WHOLE) || nq_has_modules(e));
	if (hooks != q->hooks) {
		nfq_rules_remove(&q->rules);
		if (nfq_rules_install(&q->rules, hooks, &err) < 0)
			itm_live_log("error", "%s", err.msg);
		q->hooks = hooks;
	}
}

static int nq_open(struct itm_backend *b, struct itm_err *err)
{
	struct nq *q = itm_backend_priv(b);
	int r;

	q->live = b->live;
	itm_engine_set_free(b->live->e, nq_engine_drop, b);
	r = nq_buffers(q, err);
	if (r == 0)
		r = nfq_link_open(&q->link, q->queue, q->maxlen, err);
	if (r == 0) {
		q->gso_whole = q->copy_whole = true;	/* as nfq_link_open sets */
		nfq_rules_init(&q->rules, q->dev, q->port, q->link.qnum);
		q->hooks = nfq_rules_hooks(b->live->e);
		r = nfq_rules_install(&q->rules, q->hooks, err);
	}
	if (r == 0)
		nq_configure(b);
	if (r == 0)
		r = itm_live_watch(b->live, mnl_socket_get_fd(q->link.nl), nq_readable,
				   b, err);
	if (r < 0) {
		nq_close(b);
		return r;
	}
	itm_live_log("info", "nfqueue: queue %u, chain %s, hooks 0x%x%s%s, port %u",
		     q->link.qnum, q->rules.chain, q->hooks, q->dev[0] ? ", dev " : "",
		     q->dev, q->port);
	return 0;
}

static void nq_kick(struct itm_backend *b, uint64_t now)
{
	struct nq *q = itm_backend_priv(b);
	struct itm_qdisc *root = b->live->e->root;
	struct itm_pkt *p;

	while (root->stats.qlen && (p = itm_qdisc_dequeue(root, now)) != NULL)
		nq_verdict(q, (struct nq_pkt *)p, NF_ACCEPT);
	nq_flush(q);
}

/* The engine was replaced: the packets the old one held move to the new
 * one's root; the rules follow the hooks the new configuration uses. */
static void nq_rebind(struct itm_backend *b, struct itm_engine *old)
{
	struct nq *q = itm_backend_priv(b);

	itm_engine_set_free(b->live->e, nq_engine_drop, b);
	q->release = NFQ_MOVE;
	q->move_to = b->live->e;
	itm_qdisc_reset(old->root);
	q->release = NFQ_DROP;
	nq_configure(b);
}

static void nq_close(struct itm_backend *b)
{
	struct nq *q = itm_backend_priv(b);

	if (b->live->e && q->batch) {
		q->release = NFQ_ACCEPT;
		itm_qdisc_reset(b->live->e->root);	/* accepted, not lost */
		q->release = NFQ_DROP;
	}
	if (q->link.nl) {
		nq_flush(q);
		itm_live_unwatch(b->live, mnl_socket_get_fd(q->link.nl));
		nfq_rules_remove(&q->rules);
		nfq_link_close(&q->link);
	}
	if (q->batch)
		mnl_nlmsg_batch_stop(q->batch);
	free(q->rx);
	free(q->batch_buf);
	q->rx = NULL;
	q->batch = NULL;
	q->batch_buf = NULL;
	if (q->released)
		itm_live_log("info", "nfqueue: released %" PRIu64 " held packets", q->released);
}

static void nq_dump(const struct itm_backend *b, FILE *f)
{
	const struct nq *q = (const struct nq *)b->priv;

	fprintf(f, "backend nfqueue queue %u chain %s hooks 0x%x gso %s copy %s\n"
		"  received %" PRIu64 " accepted %" PRIu64 " dropped %" PRIu64
		" modified %" PRIu64 " gso %" PRIu64 " released %" PRIu64
		" batched %" PRIu64 " unsent %" PRIu64 " split %" PRIu64
		" errors %" PRIu64 "\n",
		q->link.qnum, q->rules.chain, q->hooks,
		q->gso_whole ? "whole" : "segmented",
		q->copy_whole ? "whole" : "headers", q->received, q->accepted,
		q->dropped, q->modified, q->gso, q->released, q->batched,
		q->unsent, q->split, q->errors);
}

const struct itm_backend_ops itm_backend_nfqueue = {
	.id = "nfqueue",
	.usage = "backend nfqueue [dev IF] [port N] [queue N] [maxlen N]",
	.priv_size = sizeof(struct nq),
	.parse = nq_parse,
	.open = nq_open,
	.rebind = nq_rebind,
	.changed = nq_configure,
	.kick = nq_kick,
	.close = nq_close,
	.dump = nq_dump,
};
