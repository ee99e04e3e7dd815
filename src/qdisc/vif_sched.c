// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VIF scheduler's arithmetic: token buckets kept in ns of transmission
 * time, the choice of the leaf that sends next, the charge of a sent packet
 * to every VIF on its path, and the departure-rate estimator.
 *
 * A bucket allows a send while its credit is not negative, and the packet
 * then takes its whole cost, possibly into debt (as HTB does): a backlogged
 * VIF therefore leaves at exactly its rate over time, whatever the packet
 * sizes, and the next send time is simply when the debt is paid. A bucket
 * holds at most one 1600-byte frame plus 1 ms at its rate, tc's default
 * burst for HTB, so an idle VIF cannot save up more than that.
 *
 * Fair queueing is start-time fair queueing (Goyal, Vin and Cheng, 1996):
 * a child's start tag is the later of its last finish tag and its parent's
 * virtual time, a sent packet of L bytes moves the finish tag by
 * L * 65536 / weight, and the child with the smallest start tag goes
 * first. Two children that stay backlogged differ in bytes/weight by at
 * most one packet each: on a long run shares follow the weights exactly.
 * Tags are kept per service phase, so spare bandwidth at each level is
 * shared by weight independently of what was sent on guarantees.
 */
#include "vif.h"

#include "itm/units.h"

#define VIF_BURST_BYTES 1600
#define VIF_BURST_NS (ITM_NSEC_PER_SEC / 1000)
#define VIF_EST_NS (ITM_NSEC_PER_SEC / 4)	/* sample interval */
#define VIF_EST_IDLE 64	/* samples after which an idle rate is 0 */

static int64_t bucket_cost_ns(uint64_t rate_bps, uint64_t bytes)
{
	unsigned __int128 bits = (unsigned __int128)bytes * 8;

	return (int64_t)(bits * ITM_NSEC_PER_SEC / rate_bps);
}

static int64_t bucket_depth_ns(uint64_t rate_bps)
{
	return bucket_cost_ns(rate_bps, VIF_BURST_BYTES) + (int64_t)VIF_BURST_NS;
}

/* Credit at `now`: what was left plus the time since, up to the depth. */
static int64_t bucket_avail(const struct vif_bucket *b, uint64_t now)
{
	int64_t depth = bucket_depth_ns(b->rate_bps);
	uint64_t el = now > b->t_c ? now - b->t_c : 0;

	if (b->tokens >= depth || el >= (uint64_t)(depth - b->tokens))
		return depth;
	return b->tokens + (int64_t)el;
}

/* Count the time up to `now`, and the packet if `charge`. */
static void bucket_use(struct vif_bucket *b, uint64_t bytes, uint64_t now,
		       bool charge)
{
	if (!b->rate_bps)
		return;
	b->tokens = bucket_avail(b, now);
	if (charge)
		b->tokens -= bucket_cost_ns(b->rate_bps, bytes);
	b->t_c = now;
}

static void bucket_arm(struct vif_bucket *b, uint64_t rate_bps, uint64_t now)
{
	if (b->rate_bps == rate_bps)
		return;
	b->rate_bps = rate_bps;
	b->tokens = rate_bps ? bucket_depth_ns(rate_bps) : 0;
	b->t_c = now;
}

/* A guarantee for wfq and pq VIFs with a bandwidth; a cap from a shaping
 * VIF's bandwidth, from ceil, and at the root (which has nobody to borrow
 * from) from its bandwidth in every mode. */
void vif_node_arm(struct vif_node *n, uint64_t now)
{
	const struct vif_opts *o = &n->opts;
	bool guaranteed = o->mode == VIF_WFQ || o->mode == VIF_PQ;
	uint64_t cap;

	if (!n->parent)
		cap = o->bandwidth_bps;
	else
		cap = o->mode == VIF_SHAPING ? o->bandwidth_bps : o->ceil_bps;
	bucket_arm(&n->rate, n->parent && guaranteed ? o->bandwidth_bps : 0, now);
	bucket_arm(&n->cap, cap, now);
}

static bool vif_capped(const struct vif_node *n, uint64_t now)
{
	return n->cap.rate_bps && bucket_avail(&n->cap, now) < 0;
}

/* The phase in which n lends its own rate: 0 for a leaf, then the deeper
 * the sooner, the root last. */
static int vif_own_phase(const struct vif_node *n)
{
	if (!n->parent)
		return VIF_PHASE_ROOT;
	return n->child ? VIF_PHASE_ROOT - (int)n->depth : 0;
}

/* Wrap-safe tag order, as TCP sequence numbers. */
static uint64_t tag_later(uint64_t a, uint64_t b)
{
	return (int64_t)(a - b) > 0 ? a : b;
}

static uint64_t vif_start_tag(const struct vif_node *parent,
			      const struct vif_node *c, int phase)
{
	return tag_later(c->finish[phase], parent->vtime[phase]);
}

/* Whether child a (best phase pa) goes before child b of n: the earlier
 * phase, then in pq mode the lower priority, then the smaller start tag;
 * on a tie the lower minor, which comes first in the list. */
static bool vif_before(const struct vif_node *n, const struct vif_node *a,
		       int pa, const struct vif_node *b, int pb)
{
	uint64_t ta, tb;

	if (pa != pb)
		return pa < pb;
	if (n->opts.mode == VIF_PQ && a->opts.priority != b->opts.priority)
		return a->opts.priority < b->opts.priority;
	ta = vif_start_tag(n, a, pa);
	tb = vif_start_tag(n, b, pb);
	return (int64_t)(ta - tb) < 0;
}

/* The leaf of n's subtree that sends next and its phase; `lender` is the
 * phase of the nearest ancestor with credit on its guarantee. */
static struct vif_node *vif_pick_in(struct vif_node *n, int lender,
				    uint64_t now, int *phase)
{
	struct vif_node *c, *best = NULL, *best_child = NULL;
	int ph, best_ph = VIF_PHASES;

	if (n->opts.mode == VIF_BLOCK || vif_capped(n, now))
		return NULL;
	if (n->rate.rate_bps && bucket_avail(&n->rate, now) >= 0)
		lender = vif_own_phase(n);
	if (!n->child) {
		if (!n->leaf || !itm_qdisc_peek(n->leaf, now))
			return NULL;
		*phase = lender;
		return n;
	}
	for (c = n->child; c; c = c->sibling) {
		struct vif_node *l = vif_pick_in(c, lender, now, &ph);

		if (l && (!best || vif_before(n, c, ph, best_child, best_ph))) {
			best = l;
			best_child = c;
			best_ph = ph;
		}
	}
	*phase = best_ph;
	return best;
}

struct vif_node *vif_pick(struct vif_node *root, uint64_t now, int *phase)
{
	return vif_pick_in(root, VIF_PHASE_ROOT, now, phase);
}

static void vif_est_roll(struct vif_est *e, uint64_t now)
{
	unsigned n = 0;

	while (now - e->t >= VIF_EST_NS) {
		uint64_t sample = (uint64_t)((unsigned __int128)e->bytes * 8 *
					     ITM_NSEC_PER_SEC / VIF_EST_NS);

		if (++n > VIF_EST_IDLE) {
			e->rate_bps = 0;
			e->t = now - (now - e->t) % VIF_EST_NS;
			break;
		}
		e->rate_bps = (e->rate_bps * 3 + sample) / 4;
		e->bytes = 0;
		e->t += VIF_EST_NS;
	}
}

static void vif_est_add(struct vif_est *e, uint64_t bytes, uint64_t now)
{
	if (!e->t)
		e->t = now ? now : 1;
	if (now > e->t)
		vif_est_roll(e, now);
	e->bytes += bytes;
}

/* The estimate as it stands at `now`, for statistics. */
uint64_t vif_est_rate(const struct vif_est *e, uint64_t now)
{
	struct vif_est x = *e;

	if (x.t && now > x.t)
		vif_est_roll(&x, now);
	return x.rate_bps;
}

/* A packet of n's child c was sent in `phase`: c's finish tag moves by
 * bytes/weight from its start tag, which becomes n's virtual time. */
static void vif_fq_charge(struct vif_node *n, struct vif_node *c, int phase,
			  uint32_t bytes)
{
	uint64_t start = vif_start_tag(n, c, phase);

	n->vtime[phase] = start;
	c->finish[phase] = start + ((uint64_t)bytes << 16) / c->opts.weight;
}

/* Every VIF on the path pays its cap; the lender and those above it pay
 * their guarantee too, while borrowers below it only count the time (as
 * HTB charges). */
void vif_charge(struct vif_node *leaf, int phase, uint32_t bytes,
		uint64_t now)
{
	struct vif_node *n;

	for (n = leaf; n; n = n->parent) {
		bucket_use(&n->cap, bytes, now, true);
		bucket_use(&n->rate, bytes, now, vif_own_phase(n) >= phase);
		if (n->parent)
			vif_fq_charge(n->parent, n, phase, bytes);
		n->sent_pkts++;
		n->sent_bytes += bytes;
		vif_est_add(&n->est, bytes, now);
	}
}

/* When the earliest capped VIF may send again; UINT64_MAX if none is. A
 * capped VIF without packets may wake the tree for nothing, which costs a
 * dequeue and keeps this walk simple. */
uint64_t vif_next_send(const struct vif_node *n, uint64_t now)
{
	uint64_t when = UINT64_MAX, w;
	const struct vif_node *c;

	if (n->cap.rate_bps) {
		int64_t a = bucket_avail(&n->cap, now);

		if (a < 0)
			when = now + (uint64_t)-a;
	}
	for (c = n->child; c; c = c->sibling) {
		w = vif_next_send(c, now);
		if (w < when)
			when = w;
	}
	return when;
}
