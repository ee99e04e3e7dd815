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
 * recvmmsg and the verdicts of a burst go out together in one sendmsg,
 * after the engine's lock is released (nfq_out.c).
 *
 * `queues N` binds N consecutive queues and spreads packets over them
 * (nfq_rules.c: by flow, CPU or output device), each read by its own
 * thread: the kernel's work for an accepted packet (forwarding it, and on
 * a local path the receiver's TCP) runs inside the sendmsg of its verdict,
 * so it runs on as many CPUs as there are busy queues. The engine itself
 * runs under one lock (itm_live_lock); a packet's verdict goes out by its
 * own queue's socket whichever thread decides it. With one queue (the
 * default) itmd's loop reads it and there is no thread.
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
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "itm/live.h"
#include "itm/qtree.h"
#include "nfq_link.h"
#include "nfq_out.h"
#include "nfq_rules.h"

#define NFQ_BURST 32
#define NFQ_BUF (65536 + 4096)		/* one GSO packet and its headers */
#define NFQ_HEADERS 512		/* copied when nothing rewrites packets: the
				 * parser's headers, tunnels and options */
#define NQ_QUEUES_MAX 8
#define NQ_READ_TIMEOUT_MS 100	/* a reader thread looks at `stop` */

struct nq_pkt {
	struct itm_pkt p;
	uint32_t id;
	uint8_t qi;			/* index of its queue in nq.qs */
	uint8_t data[];
};

enum nq_release { NFQ_DROP, NFQ_ACCEPT, NFQ_MOVE };

/* One queue: its netlink socket, its verdicts, its reader. */
struct nq_queue {
	struct nfq_link link;
	struct nfq_out out;
	uint8_t *rx;			/* NFQ_BURST x NFQ_BUF */
	struct itm_backend *b;
	uint8_t qi;
	uint64_t received;		/* packets read from this queue */
	bool out_ready;			/* out initialised */
	bool thread_on;
	pthread_t thread;
};

struct nq {
	char dev[ITM_ATTR_IFNAME_LEN];
	uint32_t port, queue, maxlen, nqueues, spread;
	struct nq_queue qs[NQ_QUEUES_MAX];
	struct nfq_rules rules;
	unsigned hooks;
	bool gso_whole;			/* GSO packets reach us unsegmented */
	bool copy_whole;		/* whole packets, not NFQ_HEADERS bytes */
	bool threads;			/* a reader thread per queue */
	bool stop;			/* the readers end (atomic) */
	struct itm_live *live;
	enum nq_release release;	/* what a drop callback does */
	struct itm_engine *move_to;	/* NFQ_MOVE: the new engine */
	uint64_t received, accepted, dropped, modified, released, gso, errors;
	uint64_t unsent;		/* rewrites of header-only copies not sent */
};

static const char *const nq_spread_names[] = { "flow", "cpu", "dev", NULL };

static const struct itm_attr nq_attrs[] = {
	{ .name = "dev", .type = ITM_ATTR_IFNAME, .off = offsetof(struct nq, dev),
	  .help = "only packets through this interface; any = all" },
	{ .name = "port", .type = ITM_ATTR_U32, .off = offsetof(struct nq, port),
	  .max = 65535, .help = "only TCP/UDP with this source or destination port; 0 = all" },
	{ .name = "queue", .type = ITM_ATTR_U32, .off = offsetof(struct nq, queue),
	  .max = 65535, .help = "(first) NFQUEUE number; 0 = the first free from 1000" },
	{ .name = "queues", .type = ITM_ATTR_U32, .off = offsetof(struct nq, nqueues),
	  .min = 1, .max = NQ_QUEUES_MAX, .def = 1,
	  .help = "queues, each read by its own thread (1: read by itmd's loop)" },
	{ .name = "spread", .type = ITM_ATTR_ENUM, .off = offsetof(struct nq, spread),
	  .names = nq_spread_names, .def = NFQ_SPREAD_FLOW,
	  .help = "how packets spread over the queues: flow (hash of the addresses, "
		  "both directions together), cpu (the CPU that queues them), "
		  "dev (the device they leave by)" },
	{ .name = "maxlen", .type = ITM_ATTR_U32, .off = offsetof(struct nq, maxlen),
	  .min = 16, .max = 1u << 20, .def = 4096,
	  .help = "packets the kernel holds for us, per queue, before failing open" },
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

/* A batch verdict may cover every lower id of a queue only while the engine
 * holds none of its packets (none in the discipline, none with a module).
 * Called under the engine's lock. */
static bool nq_may_batch(const struct nq *q)
{
	const struct itm_engine *e = q->live->e;

	return !e->root->stats.qlen && !e->held;
}

/* Under the engine's lock: the verdicts decided are put out. */
static void nq_pending(struct nq *q)
{
	bool may_batch = nq_may_batch(q);
	uint32_t i;

	for (i = 0; i < q->nqueues; i++)
		nfq_out_pending(&q->qs[i].out, may_batch);
}

/* The backend's flush: with the engine's lock released, send. */
static void nq_flush(struct itm_backend *b)
{
	struct nq *q = itm_backend_priv(b);
	uint32_t i;

	for (i = 0; i < q->nqueues; i++) {
		if (q->qs[i].out_ready)
			nfq_out_send(&q->qs[i].out);
	}
}

static void nq_verdict(struct nq *q, struct nq_pkt *np, int verdict)
{
	struct nfq_out *out = &q->qs[np->qi].out;
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
	if (verdict == NF_ACCEPT && !modified)
		nfq_out_accept(out, np->id, nq_may_batch(q));
	else
		nfq_out_put(out, np->id, verdict,
			    verdict == NF_ACCEPT && modified ? &np->p : NULL,
			    nq_may_batch(q));
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

/* The engine's pass callback: a packet a module held at a hook (a module
 * process answered) goes on. */
static void nq_engine_pass(void *ctx, struct itm_pkt *p)
{
	nq_verdict(itm_backend_priv(ctx), (struct nq_pkt *)p, NF_ACCEPT);
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

static struct nq_pkt *nq_packet(struct nq *q, struct nlattr **a, uint8_t qi,
				uint64_t now)
{
	const struct nfqnl_msg_packet_hdr *ph = mnl_attr_get_payload(a[NFQA_PACKET_HDR]);
	uint32_t len = mnl_attr_get_payload_len(a[NFQA_PAYLOAD]);
	uint32_t info = attr_u32(a, NFQA_SKB_INFO);
	struct nq_pkt *np = malloc(sizeof(*np) + ITM_PKT_HEADROOM + len);

	if (!np)
		return NULL;
	memset(&np->p, 0, sizeof(np->p));
	np->id = ntohl(ph->packet_id);
	np->qi = qi;
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
	struct nq_queue *nqq = data;
	struct itm_backend *b = nqq->b;
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
	np = nq_packet(q, a, nqq->qi, now);
	nqq->received++;
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

/* Read a burst of datagrams into nqq->rx: their count, or -errno. */
static int nq_read(struct nq_queue *nqq, struct mmsghdr *msg, int flags)
{
	struct iovec iov[NFQ_BURST];
	int i, n;

	for (i = 0; i < NFQ_BURST; i++) {
		iov[i] = (struct iovec){ nqq->rx + (size_t)i * NFQ_BUF, NFQ_BUF };
		msg[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &iov[i],
							.msg_iovlen = 1 } };
	}
	n = recvmmsg(mnl_socket_get_fd(nqq->link.nl), msg, NFQ_BURST, flags, NULL);
	return n < 0 ? -errno : n;
}

/* Under the engine's lock: run the burst, then what it let go. */
static void nq_run(struct nq_queue *nqq, struct mmsghdr *msg, int n)
{
	struct nq *q = itm_backend_priv(nqq->b);
	int i;

	for (i = 0; i < n; i++) {
		if (mnl_cb_run(nqq->rx + (size_t)i * NFQ_BUF, msg[i].msg_len, 0,
			       nqq->link.portid, nq_cb, nqq) < 0)
			q->errors++;	/* a netlink error: counted, not fatal */
	}
}

/* One queue read by itmd's loop, which holds the engine's lock. */
static void nq_readable(void *ctx)
{
	struct nq_queue *nqq = ctx;
	struct nq *q = itm_backend_priv(nqq->b);
	struct mmsghdr msg[NFQ_BURST];
	int n = nq_read(nqq, msg, MSG_DONTWAIT);

	if (n < 0 && n != -EAGAIN && n != -EINTR)
		q->errors++;
	nq_run(nqq, msg, n);
	nq_pending(q);
}

/*
 * A queue's reader thread: blocking reads (a timeout to look at `stop`),
 * the engine under its lock, and the verdicts sent after (the unlock
 * flushes). What the kernel does for an accepted packet runs inside that
 * send, so with a thread per queue it runs on as many CPUs.
 */
static void *nq_reader(void *arg)
{
	struct nq_queue *nqq = arg;
	struct nq *q = itm_backend_priv(nqq->b);
	struct itm_live *lv = q->live;
	struct mmsghdr msg[NFQ_BURST];
	int n;

	while (!__atomic_load_n(&q->stop, __ATOMIC_ACQUIRE)) {
		n = nq_read(nqq, msg, MSG_WAITFORONE);
		if (n == 0 || n == -EAGAIN || n == -EINTR)
			continue;
		itm_live_lock(lv);
		if (n < 0)
			q->errors++;
		nq_run(nqq, msg, n);
		itm_live_service(lv);
		nq_pending(q);
		itm_live_unlock(lv);
	}
	return NULL;
}

/* ---- open, kick, close ---- */

static int nq_queue_open(struct nq_queue *nqq, struct itm_backend *b,
			 uint8_t qi, struct itm_err *err)
{
	nqq->b = b;
	nqq->qi = qi;
	nqq->rx = malloc((size_t)NFQ_BURST * NFQ_BUF);
	if (!nqq->rx)
		return itm_err_set(err, ENOMEM, "out of memory");
	if (nfq_out_init(&nqq->out, nqq->link.nl, nqq->link.qnum, err) < 0)
		return -ENOMEM;
	nqq->out_ready = true;
	return 0;
}

/* Blocking reads with a timeout, then the thread. */
static int nq_queue_thread(struct nq_queue *nqq, struct itm_err *err)
{
	struct timeval tv = { .tv_usec = NQ_READ_TIMEOUT_MS * 1000 };
	int fd = mnl_socket_get_fd(nqq->link.nl);
	int r;

	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		return itm_err_set(err, errno, "nfqueue: queue %u: %s",
				   nqq->link.qnum, strerror(errno));
	r = pthread_create(&nqq->thread, NULL, nq_reader, nqq);
	if (r)
		return itm_err_set(err, r, "nfqueue: reader thread: %s", strerror(r));
	nqq->thread_on = true;
	return 0;
}

static void nq_threads_stop(struct nq *q)
{
	uint32_t i;

	__atomic_store_n(&q->stop, true, __ATOMIC_RELEASE);
	for (i = 0; i < q->nqueues; i++) {
		if (q->qs[i].thread_on)
			pthread_join(q->qs[i].thread, NULL);
		q->qs[i].thread_on = false;
	}
}

static void nq_close(struct itm_backend *b);

/* GSO packets come whole unless a discipline of the tree shapes: a 64 KB
 * packet would then leave in one burst and overflow a small queue as one
 * loss of 40 segments, where the kernel's segments queue one by one. */
static void nq_set_gso(struct nq *q, bool whole)
{
	int r;

	uint32_t i;

	if (whole == q->gso_whole)
		return;
	for (i = 0, r = 0; i < q->nqueues && r == 0; i++)
		r = nfq_link_gso(&q->qs[i].link, whole);
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

	uint32_t i;

	if (whole == q->copy_whole)
		return;
	for (i = 0, r = 0; i < q->nqueues && r == 0; i++)
		r = nfq_link_copy(&q->qs[i].link, whole ? 0xffff : NFQ_HEADERS);
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

/* The queues, their rules, and their readers: threads if several. */
static int nq_open_queues(struct itm_backend *b, struct itm_err *err)
{
	struct nq *q = itm_backend_priv(b);
	struct nfq_link links[NQ_QUEUES_MAX] = { 0 };
	uint32_t i;
	int r;

	r = nfq_links_open(links, q->nqueues, q->queue, q->maxlen, err);
	if (r < 0)
		return r;
	for (i = 0; i < q->nqueues; i++)
		q->qs[i].link = links[i];
	for (i = 0; i < q->nqueues && r == 0; i++)
		r = nq_queue_open(&q->qs[i], b, (uint8_t)i, err);
	if (r < 0)
		return r;
	q->gso_whole = q->copy_whole = true;	/* as nfq_link_open sets */
	nfq_rules_init(&q->rules, q->dev, q->port, q->qs[0].link.qnum, q->nqueues,
		       (enum nfq_spread)q->spread);
	q->hooks = nfq_rules_hooks(b->live->e);
	r = nfq_rules_install(&q->rules, q->hooks, err);
	if (r == 0)
		nq_configure(b);
	q->threads = q->nqueues > 1;
	for (i = 0; i < q->nqueues && r == 0; i++) {
		r = q->threads ? nq_queue_thread(&q->qs[i], err) :
		    itm_live_watch(b->live, mnl_socket_get_fd(q->qs[i].link.nl),
				   nq_readable, &q->qs[i], err);
	}
	return r;
}

static int nq_open(struct itm_backend *b, struct itm_err *err)
{
	struct nq *q = itm_backend_priv(b);
	int r;

	q->live = b->live;
	itm_engine_set_free(b->live->e, nq_engine_drop, b);
	itm_engine_set_pass(b->live->e, nq_engine_pass, b);
	r = nq_open_queues(b, err);
	if (r < 0) {
		nq_close(b);
		return r;
	}
	itm_live_log("info", "nfqueue: queue %u%s%s, chain %s, hooks 0x%x%s%s, port %u",
		     q->qs[0].link.qnum, q->nqueues > 1 ? " and on, spread " : "",
		     q->nqueues > 1 ? nq_spread_names[q->spread] : "", q->rules.chain,
		     q->hooks, q->dev[0] ? ", dev " : "", q->dev, q->port);
	return 0;
}

static void nq_kick(struct itm_backend *b, uint64_t now)
{
	struct nq *q = itm_backend_priv(b);
	struct itm_qdisc *root = b->live->e->root;
	struct itm_pkt *p;

	while (root->stats.qlen && (p = itm_qdisc_dequeue(root, now)) != NULL)
		nq_verdict(q, (struct nq_pkt *)p, NF_ACCEPT);
	nq_pending(q);
}

/* The engine was replaced: the packets the old one held move to the new
 * one's root; the rules follow the hooks the new configuration uses. */
static void nq_rebind(struct itm_backend *b, struct itm_engine *old)
{
	struct nq *q = itm_backend_priv(b);

	itm_engine_set_free(b->live->e, nq_engine_drop, b);
	itm_engine_set_pass(b->live->e, nq_engine_pass, b);
	q->release = NFQ_MOVE;
	q->move_to = b->live->e;
	itm_qdisc_reset(old->root);
	q->release = NFQ_DROP;
	nq_configure(b);
}

/* Readers stopped first (they take the engine's lock, which the caller
 * does not hold), then every held packet accepted, then the rules and the
 * queues removed. */
static void nq_close(struct itm_backend *b)
{
	struct nq *q = itm_backend_priv(b);
	uint32_t i;

	nq_threads_stop(q);
	if (b->live->e && q->qs[0].out_ready) {
		q->release = NFQ_ACCEPT;
		itm_qdisc_reset(b->live->e->root);	/* accepted, not lost */
		q->release = NFQ_DROP;
		nq_pending(q);
		nq_flush(b);
	}
	if (q->rules.chain[0])
		nfq_rules_remove(&q->rules);
	for (i = 0; i < q->nqueues; i++) {
		struct nq_queue *nqq = &q->qs[i];

		if (nqq->link.nl && !q->threads)
			itm_live_unwatch(b->live, mnl_socket_get_fd(nqq->link.nl));
		nfq_link_close(&nqq->link);
		if (nqq->out_ready)
			nfq_out_fini(&nqq->out);
		nqq->out_ready = false;
		free(nqq->rx);
		nqq->rx = NULL;
	}
	if (q->released)
		itm_live_log("info", "nfqueue: released %" PRIu64 " held packets", q->released);
}

static void nq_dump(const struct itm_backend *b, FILE *f)
{
	const struct nq *q = (const struct nq *)b->priv;
	uint64_t batched = 0, split = 0, errors = q->errors;
	uint32_t i;

	for (i = 0; i < q->nqueues; i++) {
		const struct nfq_out *o = &q->qs[i].out;

		batched += o->batched;
		split += __atomic_load_n(&o->split, __ATOMIC_RELAXED);
		errors += __atomic_load_n(&o->errors, __ATOMIC_RELAXED);
	}
	fprintf(f, "backend nfqueue queue %u", q->qs[0].link.qnum);
	if (q->nqueues > 1)
		fprintf(f, " queues %u spread %s", q->nqueues, nq_spread_names[q->spread]);
	fprintf(f, " chain %s hooks 0x%x gso %s copy %s\n"
		"  received %" PRIu64 " accepted %" PRIu64 " dropped %" PRIu64
		" modified %" PRIu64 " gso %" PRIu64 " released %" PRIu64
		" batched %" PRIu64 " unsent %" PRIu64 " split %" PRIu64
		" errors %" PRIu64 "\n",
		q->rules.chain, q->hooks,
		q->gso_whole ? "whole" : "segmented",
		q->copy_whole ? "whole" : "headers", q->received, q->accepted,
		q->dropped, q->modified, q->gso, q->released, batched,
		q->unsent, split, errors);
	for (i = 0; q->nqueues > 1 && i < q->nqueues; i++)
		fprintf(f, "  queue %u received %" PRIu64 "\n", q->qs[i].link.qnum,
			q->qs[i].received);
}

const struct itm_backend_ops itm_backend_nfqueue = {
	.id = "nfqueue",
	.usage = "backend nfqueue [dev IF] [port N] [queue N] [queues N] "
		 "[spread flow|cpu|dev] [maxlen N]",
	.priv_size = sizeof(struct nq),
	.parse = nq_parse,
	.open = nq_open,
	.rebind = nq_rebind,
	.changed = nq_configure,
	.kick = nq_kick,
	.flush = nq_flush,
	.close = nq_close,
	.dump = nq_dump,
};
