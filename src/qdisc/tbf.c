// SPDX-License-Identifier: GPL-2.0-only
/*
 * tbf: the token bucket filter, as Linux's sch_tbf. A shaper: packets leave
 * at `rate` on average, with bursts of up to `burst` bytes at line speed.
 * Tokens are kept as time, as the kernel does: the bucket holds at most
 * burst * 8 / rate ns of credit, refilled by the time that passes; a packet
 * of L bytes costs (L + overhead) * 8 / rate. When the head packet costs
 * more than the bucket holds, nothing leaves and the tree is told when it
 * will (overlimits counts these refusals, as in tc).
 *
 * Packets wait in one child discipline, class 1 (tc shows it as MAJOR:1):
 * by default a bfifo of `limit` bytes, or `latency` worth of bytes at
 * `rate` plus the burst, as tc computes it. Any discipline can be put there
 * instead ("qdisc add parent 1:1 fq_pie"): this is how "shape just below
 * the uplink and fair-queue under it" is written.
 *
 * A packet larger than the burst (a GSO packet on live traffic, which the
 * kernel holds whole, so it cannot be cut as Linux's tbf segments it) is
 * not dropped: it leaves when the bucket is full and leaves the bucket in
 * debt by the difference, so the average rate still holds.
 *
 * Not supported: peakrate and mtu (the second bucket).
 */
#include <inttypes.h>
#include <string.h>

#include "itm/qdisc.h"
#include "itm/units.h"

struct tbf {
	uint64_t rate_bps;
	uint64_t burst;		/* bytes */
	uint64_t limit;		/* bytes, for the default child */
	uint64_t latency_ns;	/* or: limit from the latency */
	uint32_t overhead;	/* bytes added to each packet's size */
	int64_t tokens;		/* ns of credit */
	uint64_t t_c;		/* when tokens were last counted */
	bool started;
	struct itm_qdisc *child;
};

#define TBF_QUEUE_MAX (UINT64_C(1) << 40)	/* bytes, as bfifo's limit */

#define TBF_ATTR(n, t, field, lo, hi, u, h) \
	{ .name = n, .type = t, .off = offsetof(struct tbf, field), \
	  .min = lo, .max = hi, .flags = ITM_ATTR_WRITABLE | ITM_ATTR_OMIT_ZERO, \
	  .unit = u, .help = h }

static const struct itm_attr tbf_attrs[] = {
	TBF_ATTR("rate", ITM_ATTR_RATE, rate_bps, 0, UINT64_C(1) << 40,
		 "bit/s", "average rate (required)"),
	TBF_ATTR("burst", ITM_ATTR_SIZE, burst, 0, UINT64_C(1) << 32,
		 "bytes", "bucket size (required)"),
	TBF_ATTR("limit", ITM_ATTR_SIZE, limit, 0, TBF_QUEUE_MAX,
		 "bytes", "queue length (or latency)"),
	TBF_ATTR("latency", ITM_ATTR_TIME, latency_ns, 0,
		 UINT64_C(60) * ITM_NSEC_PER_SEC, "time",
		 "longest wait at rate (or limit)"),
	TBF_ATTR("overhead", ITM_ATTR_U32, overhead, 0, 4096, "bytes",
		 "added to each packet's size"),
	ITM_ATTR_END,
};

static int64_t tbf_cost_ns(const struct tbf *t, uint64_t bytes)
{
	unsigned __int128 bits = (unsigned __int128)(bytes + t->overhead) * 8;

	return (int64_t)(bits * ITM_NSEC_PER_SEC / t->rate_bps);
}

static uint64_t tbf_queue_bytes(const struct tbf *t)
{
	if (t->limit)
		return t->limit;
	return (uint64_t)((unsigned __int128)t->rate_bps * t->latency_ns /
			  (8 * ITM_NSEC_PER_SEC)) + t->burst;
}

static int tbf_check(const struct tbf *t, struct itm_err *err)
{
	if (!t->rate_bps || !t->burst)
		return itm_err_set(err, EINVAL, "tbf: rate and burst are required");
	if (t->rate_bps < 8)
		return itm_err_set(err, ERANGE, "tbf: rate must be at least 8bit");
	if (t->limit && t->latency_ns)
		return itm_err_set(err, EINVAL,
				   "tbf: give limit or latency, not both (set the other to 0)");
	if (!t->limit && !t->latency_ns)
		return itm_err_set(err, EINVAL, "tbf: limit or latency is required");
	if (tbf_queue_bytes(t) > TBF_QUEUE_MAX)
		return itm_err_tok(err, "latency", ERANGE,
				   "tbf: rate x latency + burst is %" PRIu64
				   "b, above the largest limit %" PRIu64
				   "b: give a shorter latency or a limit",
				   tbf_queue_bytes(t), TBF_QUEUE_MAX);
	return 0;
}

static int tbf_init(struct itm_qdisc *q, struct itm_err *err)
{
	struct tbf *t = itm_qdisc_priv(q);
	int r = tbf_check(t, err);

	if (r < 0)
		return r;
	t->child = itm_qdisc_create_default(q, 1, true, tbf_queue_bytes(t), err);
	if (!t->child)
		return -ENOMEM;
	t->tokens = tbf_cost_ns(t, t->burst);
	return 0;
}

/* Options are set and checked; a new limit goes to a default child (a
 * shorter one drops from its head), a full bucket at the new size. */
static int tbf_change(struct itm_qdisc *q, struct itm_err *err)
{
	struct tbf *t = itm_qdisc_priv(q);
	int r = tbf_check(t, err);

	if (r < 0)
		return r;
	if (t->child->ops == itm_qdisc_find("bfifo") && !t->child->handle) {
		char num[32], lim[] = "limit";
		char *argv[] = { lim, num };

		snprintf(num, sizeof(num), "%" PRIu64 "b", tbf_queue_bytes(t));
		r = itm_qdisc_change(t->child, 2, argv, err);
		if (r < 0)
			return r;
	}
	t->tokens = tbf_cost_ns(t, t->burst);
	return 0;
}

static void tbf_enqueue(struct itm_qdisc *q, struct itm_pkt *p, uint64_t now)
{
	struct tbf *t = itm_qdisc_priv(q);

	if (!t->started) {
		t->t_c = now;
		t->started = true;
	}
	itm_qdisc_enqueue(t->child, p, now);
}

static struct itm_pkt *tbf_dequeue(struct itm_qdisc *q, uint64_t now)
{
	struct tbf *t = itm_qdisc_priv(q);
	struct itm_pkt *p = itm_qdisc_peek(t->child, now);
	int64_t bucket = tbf_cost_ns(t, t->burst), toks, cost, need;
	uint64_t elapsed;

	if (!p)
		return NULL;
	/* credit grows with time up to a full bucket (tokens may be in debt) */
	elapsed = now - t->t_c;
	toks = elapsed >= (uint64_t)(bucket - t->tokens) ? bucket
						       : t->tokens + (int64_t)elapsed;
	cost = tbf_cost_ns(t, itm_pkt_len(p));
	need = cost < bucket ? cost : bucket;
	if (toks >= need) {
		t->t_c = now;
		t->tokens = toks - cost;
		return itm_qdisc_dequeue(t->child, now);
	}
	itm_qdisc_watchdog(q, now + (uint64_t)(need - toks));
	q->stats.overlimits++;
	return NULL;
}

static void tbf_reset(struct itm_qdisc *q)
{
	struct tbf *t = itm_qdisc_priv(q);

	if (t->child)
		itm_qdisc_reset(t->child);
	t->tokens = tbf_cost_ns(t, t->burst);
	t->started = false;
}

static void tbf_destroy(struct itm_qdisc *q)
{
	struct tbf *t = itm_qdisc_priv(q);

	itm_qdisc_destroy(t->child);
}

static struct itm_qdisc **tbf_leaf(struct itm_qdisc *q, uint32_t minor)
{
	struct tbf *t = itm_qdisc_priv(q);

	return minor == 1 ? &t->child : NULL;
}

static uint32_t tbf_next(const struct itm_qdisc *q, uint32_t minor)
{
	return minor < 1 ? 1 : 0;
}

static struct itm_qdisc *tbf_dflt(struct itm_qdisc *q, uint32_t minor,
				  struct itm_err *err)
{
	return itm_qdisc_create_default(q, minor, true,
					tbf_queue_bytes(itm_qdisc_priv(q)), err);
}

static const struct itm_class_ops tbf_class_ops = {
	.leaf = tbf_leaf,
	.next = tbf_next,
	.dflt = tbf_dflt,
};

const struct itm_qdisc_ops itm_qdisc_tbf = {
	.id = "tbf",
	.priv_size = sizeof(struct tbf),
	.attrs = tbf_attrs,
	.needs = ITM_QNEED_SEGMENTS,
	.init = tbf_init,
	.change = tbf_change,
	.reset = tbf_reset,
	.destroy = tbf_destroy,
	.enqueue = tbf_enqueue,
	.dequeue = tbf_dequeue,
	.cl = &tbf_class_ops,
};
