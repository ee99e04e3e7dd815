// SPDX-License-Identifier: GPL-2.0-only
/*
 * Packets in, for the NFQUEUE backend: a queue's datagrams read in bursts
 * (recvmmsg), each packet message parsed (our own attribute parser, for
 * NFQA_PRIORITY), copied and run through its hook's chain. With one queue
 * itmd's loop reads it and holds the engine's lock already; with several,
 * each has a thread that blocks on its socket and takes the lock for a
 * burst, and the unlock sends what the burst decided (nfq_out.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "itm/engine.h"
#include "nfq.h"

/* A reader thread is woken to stop (nfq_link_wake); should that fail, it
 * still looks at `stop` this often. */
#define NQ_READ_TIMEOUT_MS 1000

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
	const struct nfqnl_msg_packet_hdr *ph;
	struct nq_pkt *np;
	unsigned hook;

	if (nq_parse_attrs(nlh, a) < 0 || !a[NFQA_PACKET_HDR] || !a[NFQA_PAYLOAD] ||
	    mnl_attr_get_payload_len(a[NFQA_PACKET_HDR]) < sizeof(*ph)) {
		q->errors++;
		itm_live_log_limited(&q->log_msg, "warning", "nfqueue: queue %u: "
				     "a message without a packet header or payload, "
				     "ignored", nqq->link.qnum);
		return MNL_CB_OK;
	}
	ph = mnl_attr_get_payload(a[NFQA_PACKET_HDR]);
	hook = ph->hook;
	np = nq_packet(q, a, nqq->qi, now);
	nqq->received++;
	if (!np) {	/* no memory: the packet goes on unmanaged */
		q->errors++;
		nfq_out_accept(&nqq->out, ntohl(ph->packet_id), false);
		itm_live_log_limited(&q->log_nomem, "warning", "nfqueue: queue %u: "
				     "no memory for a packet: accepted unmanaged",
				     nqq->link.qnum);
		return MNL_CB_OK;
	}
	if (hook >= ITM_HOOK_MAX)
		hook = ITM_HOOK_POST_ROUTING;
	if (itm_engine_hook(b->live->e, (enum itm_hook)hook, &np->p, now) ==
	    ITM_FATE_PASS)
		nfq_verdict(q, np, NF_ACCEPT);
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

/* Under the engine's lock. (No ENOBUFS: the socket has NETLINK_NO_ENOBUFS,
 * and packets it could not take went on unmanaged, F_FAIL_OPEN.) */
static void nq_read_failed(struct nq_queue *nqq, int r)
{
	struct nq *q = itm_backend_priv(nqq->b);

	q->errors++;
	itm_live_log_limited(&q->log_rx, "warning", "nfqueue: queue %u: "
			     "receive: %s", nqq->link.qnum, strerror(-r));
}

/* Under the engine's lock: run the burst, then what it let go. */
static void nq_run(struct nq_queue *nqq, struct mmsghdr *msg, int n)
{
	struct nq *q = itm_backend_priv(nqq->b);
	int i;

	for (i = 0; i < n; i++) {
		if (mnl_cb_run(nqq->rx + (size_t)i * NFQ_BUF, msg[i].msg_len, 0,
			       nqq->link.portid, nq_cb, nqq) < 0) {
			q->errors++;	/* a netlink error: counted, not fatal */
			itm_live_log_limited(&q->log_msg, "warning", "nfqueue: "
					     "queue %u: netlink: %s", nqq->link.qnum,
					     strerror(errno));
		}
	}
}

/* One queue read by itmd's loop, which holds the engine's lock. */
void nfq_readable(void *ctx)
{
	struct nq_queue *nqq = ctx;
	struct nq *q = itm_backend_priv(nqq->b);
	struct mmsghdr msg[NFQ_BURST];
	int n = nq_read(nqq, msg, MSG_DONTWAIT);

	if (n < 0 && n != -EAGAIN && n != -EINTR)
		nq_read_failed(nqq, n);
	nq_run(nqq, msg, n);
	nfq_pending(q);
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
			nq_read_failed(nqq, n);
		nq_run(nqq, msg, n);
		itm_live_service(lv);
		nfq_pending(q);
		itm_live_unlock(lv);
	}
	return NULL;
}

int nfq_queue_open(struct nq_queue *nqq, struct itm_backend *b, uint8_t qi,
		   struct itm_err *err)
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
int nfq_queue_thread(struct nq_queue *nqq, struct itm_err *err)
{
	struct timeval tv = { .tv_sec = NQ_READ_TIMEOUT_MS / 1000,
			      .tv_usec = NQ_READ_TIMEOUT_MS % 1000 * 1000 };
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

void nfq_threads_stop(struct nq *q)
{
	uint32_t i;

	__atomic_store_n(&q->stop, true, __ATOMIC_RELEASE);
	for (i = 0; i < q->nqueues; i++) {
		if (q->qs[i].thread_on)
			nfq_link_wake(&q->qs[i].link);
	}
	for (i = 0; i < q->nqueues; i++) {
		if (q->qs[i].thread_on)
			pthread_join(q->qs[i].thread, NULL);
		q->qs[i].thread_on = false;
	}
}
