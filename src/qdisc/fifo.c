// SPDX-License-Identifier: GPL-2.0-only
/*
 * First-in first-out, as Linux's sch_fifo: pfifo bounds the queue in
 * packets, bfifo in bytes (both tail drop), pfifo_head_drop in packets
 * dropping the oldest packet to make room, which keeps the freshest data.
 * Defaults are those of a 1000-packet txqueuelen and 1514-byte frames.
 *
 * A packet a parent peeked (tbf, drr, vif look at the head before taking
 * it) has left our list but is still ours: the limits are on the
 * discipline's counters (q->stats, which hold it and, during enqueue, the
 * arriving packet), as Linux's sch->q.qlen and backlog, and it is the
 * oldest packet.
 */
#include "itm/qdisc.h"

struct fifo {
	uint32_t limit_pkts;
	uint64_t limit_bytes;
	struct itm_pktq q;
};

static const struct itm_attr pfifo_attrs[] = {
	{ .name = "limit", .type = ITM_ATTR_PKTS,
	  .off = offsetof(struct fifo, limit_pkts), .min = 1,
	  .max = 0x7fffffff, .def = 1000, .flags = ITM_ATTR_WRITABLE,
	  .unit = "packets", .help = "queue length" },
	ITM_ATTR_END,
};

static const struct itm_attr bfifo_attrs[] = {
	{ .name = "limit", .type = ITM_ATTR_SIZE,
	  .off = offsetof(struct fifo, limit_bytes), .min = 1,
	  .max = 1ull << 40, .def = 1000 * 1514, .flags = ITM_ATTR_WRITABLE,
	  .unit = "bytes", .help = "queue length" },
	ITM_ATTR_END,
};

/* Drop the oldest packet: the peeked one if there is one. */
static void fifo_drop_head(struct itm_qdisc *q, struct fifo *f)
{
	struct itm_pkt *p = q->peeked;

	if (p)
		q->peeked = NULL;
	else
		p = itm_pktq_pop(&f->q);
	itm_qdisc_drop(q, p, ITM_DROP_LIMIT);
}

static void fifo_trim(struct itm_qdisc *q, bool bytes)
{
	struct fifo *f = itm_qdisc_priv(q);

	while (q->stats.qlen && (bytes ? q->stats.backlog_bytes > f->limit_bytes
				       : q->stats.qlen > f->limit_pkts))
		fifo_drop_head(q, f);
}

static void pfifo_enqueue(struct itm_qdisc *q, struct itm_pkt *p, uint64_t now)
{
	struct fifo *f = itm_qdisc_priv(q);

	if (q->stats.qlen > f->limit_pkts) {
		itm_qdisc_drop(q, p, ITM_DROP_LIMIT);
		return;
	}
	itm_pktq_push(&f->q, p);
}

static void bfifo_enqueue(struct itm_qdisc *q, struct itm_pkt *p, uint64_t now)
{
	struct fifo *f = itm_qdisc_priv(q);

	if (q->stats.backlog_bytes > f->limit_bytes) {
		itm_qdisc_drop(q, p, ITM_DROP_LIMIT);
		return;
	}
	itm_pktq_push(&f->q, p);
}

static void head_drop_enqueue(struct itm_qdisc *q, struct itm_pkt *p,
			      uint64_t now)
{
	struct fifo *f = itm_qdisc_priv(q);

	if (q->stats.qlen > f->limit_pkts)
		fifo_drop_head(q, f);
	itm_pktq_push(&f->q, p);
}

static struct itm_pkt *fifo_dequeue(struct itm_qdisc *q, uint64_t now)
{
	return itm_pktq_pop(&((struct fifo *)itm_qdisc_priv(q))->q);
}

static void fifo_reset(struct itm_qdisc *q)
{
	struct fifo *f = itm_qdisc_priv(q);

	while (f->q.len)
		itm_qdisc_drop(q, itm_pktq_pop(&f->q), ITM_DROP_FLUSH);
}

static int pfifo_change(struct itm_qdisc *q, struct itm_err *err)
{
	fifo_trim(q, false);
	return 0;
}

static int bfifo_change(struct itm_qdisc *q, struct itm_err *err)
{
	fifo_trim(q, true);
	return 0;
}

const struct itm_qdisc_ops itm_qdisc_pfifo = {
	.id = "pfifo",
	.priv_size = sizeof(struct fifo),
	.attrs = pfifo_attrs,
	.change = pfifo_change,
	.reset = fifo_reset,
	.enqueue = pfifo_enqueue,
	.dequeue = fifo_dequeue,
};

const struct itm_qdisc_ops itm_qdisc_bfifo = {
	.id = "bfifo",
	.priv_size = sizeof(struct fifo),
	.attrs = bfifo_attrs,
	.change = bfifo_change,
	.reset = fifo_reset,
	.enqueue = bfifo_enqueue,
	.dequeue = fifo_dequeue,
};

const struct itm_qdisc_ops itm_qdisc_pfifo_head_drop = {
	.id = "pfifo_head_drop",
	.priv_size = sizeof(struct fifo),
	.attrs = pfifo_attrs,
	.change = pfifo_change,
	.reset = fifo_reset,
	.enqueue = head_drop_enqueue,
	.dequeue = fifo_dequeue,
};
