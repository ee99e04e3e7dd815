// SPDX-License-Identifier: GPL-2.0-only
/*
 * The verdicts of one NFQUEUE queue (see nfq_out.h). Messages are built in
 * `fill`, a growable buffer, so a burst of rewritten 64 KB GSO packets
 * never runs out of room while the engine's lock is held. The sender swaps
 * `fill` for `out` and sends `out` in datagrams of at most NFQ_OUT_DGRAM
 * bytes (the send buffer is far larger, nfq_link.h); should the socket
 * refuse one whole, its verdicts go one at a time: a verdict lost would
 * leave its packet in the kernel's queue and stall its flow.
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <stdlib.h>
#include <string.h>

#include "nfq_link.h"
#include "nfq_out.h"

#define NFQ_OUT_DGRAM (256 * 1024)
#define NFQ_OUT_MSG_MAX 512	/* a verdict message less the packet */
_Static_assert(NFQ_OUT_DGRAM + 65536 + NFQ_OUT_MSG_MAX < NFQ_LINK_SNDBUF / 2,
	       "a datagram of verdicts must fit the netlink send buffer");

int nfq_out_init(struct nfq_out *o, struct mnl_socket *nl, uint32_t qnum,
		 struct itm_err *err)
{
	memset(o, 0, sizeof(*o));
	o->nl = nl;
	o->qnum = qnum;
	if (pthread_mutex_init(&o->fill_lock, NULL) ||
	    pthread_mutex_init(&o->send_lock, NULL))
		return itm_err_set(err, ENOMEM, "nfqueue: cannot create a lock");
	return 0;
}

void nfq_out_fini(struct nfq_out *o)
{
	pthread_mutex_destroy(&o->fill_lock);
	pthread_mutex_destroy(&o->send_lock);
	free(o->fill.data);
	free(o->out.data);
	o->fill = o->out = (struct nfq_msgs){ 0 };
}

/* Room for one more message of `payload` bytes; false without memory. */
static bool msgs_room(struct nfq_msgs *m, size_t payload)
{
	size_t need = m->len + NFQ_OUT_MSG_MAX + MNL_ALIGN(payload);
	size_t cap = m->cap ? m->cap : 64 * 1024;
	uint8_t *d;

	if (need <= m->cap)
		return true;
	while (cap < need)
		cap *= 2;
	d = realloc(m->data, cap);
	if (!d)
		return false;
	m->data = d;
	m->cap = cap;
	return true;
}

static void msg_put(struct nfq_out *o, uint32_t id, int verdict, int type,
		    const struct itm_pkt *p)
{
	struct nlmsghdr *nlh;

	pthread_mutex_lock(&o->fill_lock);
	if (!msgs_room(&o->fill, p ? p->caplen : 0)) {
		/* no memory: the packet stays queued until itmd exits (the
		 * kernel then accepts it); counted, not lost silently */
		__atomic_add_fetch(&o->errors, 1, __ATOMIC_RELAXED);
		pthread_mutex_unlock(&o->fill_lock);
		itm_live_log_limited(&o->log_room, "warning", "nfqueue: queue %u: "
				     "no memory for a verdict: the packet waits "
				     "until itmd exits", o->qnum);
		return;
	}
	nlh = nfq_nlmsg_put((char *)o->fill.data + o->fill.len, type, (int)o->qnum);
	nfq_nlmsg_verdict_put(nlh, (int)id, verdict);
	/* the kernel takes the payload at its length: a packet a module grew
	 * (an outer header) or shrank leaves with the new length */
	if (p)
		nfq_nlmsg_verdict_put_pkt(nlh, p->data, p->caplen);
	o->fill.len += MNL_ALIGN(nlh->nlmsg_len);
	pthread_mutex_unlock(&o->fill_lock);
}

void nfq_out_pending(struct nfq_out *o, bool may_batch)
{
	uint32_t i, max;

	if (!o->npend)
		return;
	if (!may_batch) {
		for (i = 0; i < o->npend; i++)
			msg_put(o, o->pend[i], NF_ACCEPT, NFQNL_MSG_VERDICT, NULL);
	} else {
		/* ids wrap: later is by serial arithmetic, as the kernel's */
		for (max = o->pend[0], i = 1; i < o->npend; i++)
			max = (int32_t)(o->pend[i] - max) > 0 ? o->pend[i] : max;
		msg_put(o, max, NF_ACCEPT, NFQNL_MSG_VERDICT_BATCH, NULL);
		o->batched += o->npend;
	}
	o->npend = 0;
}

void nfq_out_accept(struct nfq_out *o, uint32_t id, bool may_batch)
{
	if (o->npend == NFQ_OUT_PEND_MAX)
		nfq_out_pending(o, may_batch);
	o->pend[o->npend++] = id;
}

void nfq_out_put(struct nfq_out *o, uint32_t id, int verdict,
		 const struct itm_pkt *p, bool may_batch)
{
	uint32_t i;

	/* a batch verdict must not cover id: only if every waiting id is
	 * lower (serial arithmetic) */
	for (i = 0; may_batch && i < o->npend; i++)
		may_batch = (int32_t)(id - o->pend[i]) > 0;
	nfq_out_pending(o, may_batch);
	msg_put(o, id, verdict, NFQNL_MSG_VERDICT, p);
}

/* One datagram of whole messages from *at, at most NFQ_OUT_DGRAM bytes
 * unless a single message is larger; its length. */
static size_t dgram_len(const uint8_t *at, size_t rest)
{
	size_t len = 0;

	while (len < rest) {
		size_t one = MNL_ALIGN(((const struct nlmsghdr *)(at + len))->nlmsg_len);

		if (len && len + one > NFQ_OUT_DGRAM)
			break;
		len += one;
	}
	return len;
}

static void dgram_send(struct nfq_out *o, uint8_t *at, size_t len)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)at;
	int rest = (int)len;

	if (mnl_socket_sendto(o->nl, at, len) >= 0)
		return;
	__atomic_add_fetch(&o->split, 1, __ATOMIC_RELAXED);
	for (; mnl_nlmsg_ok(nlh, rest); nlh = mnl_nlmsg_next(nlh, &rest)) {
		if (mnl_socket_sendto(o->nl, nlh, nlh->nlmsg_len) < 0) {
			__atomic_add_fetch(&o->errors, 1, __ATOMIC_RELAXED);
			itm_live_log_limited(&o->log_send, "warning", "nfqueue: "
					     "queue %u: a verdict refused: %s",
					     o->qnum, strerror(errno));
		}
	}
}

static bool fill_empty(struct nfq_out *o)
{
	bool empty;

	pthread_mutex_lock(&o->fill_lock);
	empty = o->fill.len == 0;
	pthread_mutex_unlock(&o->fill_lock);
	return empty;
}

void nfq_out_send(struct nfq_out *o)
{
	struct nfq_msgs m;
	size_t at, len;

	/* a thread sending already takes what is added meanwhile: it looks
	 * again after it lets go of send_lock */
	while (!fill_empty(o) && pthread_mutex_trylock(&o->send_lock) == 0) {
		pthread_mutex_lock(&o->fill_lock);
		m = o->fill;
		o->fill = o->out;
		o->fill.len = 0;
		pthread_mutex_unlock(&o->fill_lock);
		for (at = 0; at < m.len; at += len) {
			len = dgram_len(m.data + at, m.len - at);
			dgram_send(o, m.data + at, len);
		}
		m.len = 0;
		o->out = m;
		pthread_mutex_unlock(&o->send_lock);
	}
}
