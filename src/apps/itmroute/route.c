// SPDX-License-Identifier: GPL-2.0-only
/* RTT estimates per path and the choice rule with hysteresis (route.h). */
#include <errno.h>
#include <string.h>

#include "route.h"

#define EWMA_SHIFT 2		/* gain 1/4 */

void path_cfg_default(struct path_cfg *c)
{
	*c = (struct path_cfg){
		.timeout_ns = 1000000000ull,
		.down_ns = 3000000000ull,
		.hold_ns = 1000000000ull,
		.better_pct = 20,
		.relay_margin_ns = 2000000ull,
	};
}

void route_init(struct route *r, const struct topo *t, int node)
{
	int i;

	memset(r, 0, sizeof(*r));
	r->node = node;
	r->cand = -1;
	r->path[r->n_paths++].relay = PATH_DIRECT;
	for (i = 0; i < t->n_nodes; i++) {
		if (i != node && topo_linked(t, t->self, i))
			r->path[r->n_paths++].relay = i;
	}
}

static void path_sample(struct path *p, uint64_t rtt_ns)
{
	if (!p->srtt_ns) {
		p->srtt_ns = rtt_ns ? rtt_ns : 1;
		return;
	}
	if (rtt_ns >= p->srtt_ns)
		p->srtt_ns += (rtt_ns - p->srtt_ns) >> EWMA_SHIFT;
	else
		p->srtt_ns -= (p->srtt_ns - rtt_ns) >> EWMA_SHIFT;
	if (!p->srtt_ns)
		p->srtt_ns = 1;
}

/* A lost probe counts, and weighs in the RTT as the timeout. */
static void path_lost(struct path *p, const struct path_cfg *c)
{
	p->lost++;
	path_sample(p, c->timeout_ns);
}

uint32_t path_probe_sent(struct path *p, const struct path_cfg *c,
			 uint64_t now)
{
	struct path_probe *slot = &p->out[0];
	int i;

	for (i = 0; i < PATH_WINDOW; i++) {
		if (!p->out[i].seq) {
			slot = &p->out[i];
			break;
		}
		if (p->out[i].sent_ns < slot->sent_ns)
			slot = &p->out[i];
	}
	if (slot->seq) {
		/* the window is full: its oldest is lost, as one that timed
		 * out (with short intervals, eight probes leave within the
		 * timeout, and losses would otherwise never reach the RTT) */
		path_lost(p, c);
	}
	if (!++p->next_seq)
		p->next_seq = 1;
	*slot = (struct path_probe){ .seq = p->next_seq, .sent_ns = now };
	if (!p->first_ns)
		p->first_ns = now;
	p->sent++;
	return p->next_seq;
}

int path_probe_acked(struct path *p, const struct path_cfg *c, uint32_t seq,
		     uint64_t sent_ns, uint64_t rtt_ns, uint64_t now)
{
	int i;

	for (i = 0; i < PATH_WINDOW; i++) {
		if (seq && p->out[i].seq == seq && p->out[i].sent_ns == sent_ns)
			break;
	}
	if (i == PATH_WINDOW) {
		p->stray++;	/* late, duplicated or not ours */
		return -ENOENT;
	}
	p->out[i].seq = 0;
	p->acked++;
	p->last_ack_ns = now;
	path_sample(p, rtt_ns < c->timeout_ns ? rtt_ns : c->timeout_ns);
	return 0;
}

void path_expire(struct path *p, const struct path_cfg *c, uint64_t now)
{
	int i;

	for (i = 0; i < PATH_WINDOW; i++) {
		if (p->out[i].seq && now > p->out[i].sent_ns &&
		    now - p->out[i].sent_ns >= c->timeout_ns) {
			p->out[i].seq = 0;
			path_lost(p, c);
		}
	}
}

bool path_down(const struct path *p, const struct path_cfg *c, uint64_t now)
{
	uint64_t since = p->last_ack_ns ? p->last_ack_ns : p->first_ns;

	return since && now > since && now - since >= c->down_ns;
}

static bool path_usable(const struct path *p, const struct path_cfg *c,
			uint64_t now)
{
	return p->last_ack_ns && !path_down(p, c, now);
}

static uint64_t path_cost(const struct path *p, const struct path_cfg *c)
{
	if (p->relay == PATH_DIRECT)
		return p->srtt_ns;
	return p->srtt_ns + p->srtt_ns * c->better_pct / 100 + c->relay_margin_ns;
}

/* The usable path of lowest cost (the lowest index on ties), or -1. */
static int route_best(const struct route *r, const struct path_cfg *c,
		      uint64_t now)
{
	int best = -1, i;

	for (i = 0; i < r->n_paths; i++) {
		if (!path_usable(&r->path[i], c, now))
			continue;
		if (best < 0 || path_cost(&r->path[i], c) <
				path_cost(&r->path[best], c))
			best = i;
	}
	return best;
}

static bool route_switch(struct route *r, int to)
{
	r->cand = -1;
	if (to == r->cur)
		return false;
	r->cur = to;
	r->switches++;
	return true;
}

/* Is @best better than the current path by the margin the rule asks? */
static bool clearly_better(const struct route *r, const struct path_cfg *c,
			   int best)
{
	uint64_t b = path_cost(&r->path[best], c);
	uint64_t cur = path_cost(&r->path[r->cur], c);

	return best != r->cur && b * (100 + c->better_pct) < cur * 100;
}

bool route_choose(struct route *r, const struct path_cfg *c, uint64_t now)
{
	int best = route_best(r, c, now);

	if (best < 0)
		return route_switch(r, 0);
	if (path_down(&r->path[r->cur], c, now))
		return route_switch(r, best);
	if (!path_usable(&r->path[r->cur], c, now) || !clearly_better(r, c, best)) {
		r->cand = -1;
		return false;
	}
	if (r->cand != best) {
		r->cand = best;
		r->cand_since = now;
	}
	if (now < r->cand_since + c->hold_ns)
		return false;
	return route_switch(r, best);
}
