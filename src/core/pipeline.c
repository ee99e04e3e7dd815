// SPDX-License-Identifier: GPL-2.0-only
/*
 * The packet path: hook chains in order, checksum repair after changes,
 * hand-off to the root discipline, and periodic work. No allocation, no
 * logging: everything that happens is a counter.
 */
#include "itm/csum.h"
#include "itm/engine.h"

#define ITM_TIMER_CATCHUP 64	/* runs owed before a timer skips ahead */

static enum itm_verdict mod_run(struct itm_mod *m, struct itm_pkt *p,
				uint64_t now)
{
	const struct itm_mod_ops *o = m->ops;
	enum itm_verdict v = ITM_ACCEPT;
	uint32_t cls = o->classify ? o->classify(m, p) : 0;

	if (cls)
		m->stats.classified++;
	if (o->log)
		o->log(m, p, cls);
	if (cls && o->process)
		v = o->process(m, p, cls);
	if (o->class_update)
		o->class_update(m, p, cls);
	if (o->ctl_update)
		o->ctl_update(m, now);
	return v;
}

/* Whether module m comes after the one at (prio, seq) in chain order. */
static bool chain_after(const struct itm_mod *m, int32_t prio, uint32_t seq)
{
	return m->prio > prio || (m->prio == prio && m->seq > seq);
}

/* The module's interest clauses match the packet; device names are looked
 * up only for a module that names devices. */
static bool mod_wants(struct itm_engine *e, const struct itm_mod *m,
		      const struct itm_pkt *p)
{
	const struct itm_interest *in = &m->interest;
	const char *iif = NULL, *oif = NULL;

	if (in->iif[0])
		iif = itm_ifname(&e->ifnames, p->iif, e->now);
	if (in->oif[0])
		oif = itm_ifname(&e->ifnames, p->oif, e->now);
	return itm_interest_match(in, p, iif, oif);
}

/* The packet leaves the path here: refused, or taken by the module. */
static bool verdict_ends(enum itm_verdict v)
{
	return v == ITM_DROP || v == ITM_TAKEN;
}

/* A module's counter for its verdict (not ITM_HELD). */
static void mod_count_verdict(struct itm_mod *m, enum itm_verdict v)
{
	switch (v) {
	case ITM_DROP: m->stats.dropped++; break;
	case ITM_TAKEN: m->stats.taken++; break;
	case ITM_MODIFIED: m->stats.modified++; break;
	default: m->stats.accepted++; break;
	}
}

/*
 * Run chain h from index `from`. A module that holds the packet leaves its
 * place in it: chain order (prio, seq) rather than an index, because the
 * chain may change before the packet comes back.
 */
static enum itm_verdict chain_run(struct itm_engine *e, enum itm_hook h,
				  struct itm_pkt *p, uint64_t now,
				  uint32_t from)
{
	enum itm_verdict result = ITM_ACCEPT;
	uint32_t i;

	p->hook = (uint8_t)h;
	for (i = from; i < e->chain_len[h]; i++) {
		struct itm_mod *m = e->chain[h][i];
		enum itm_verdict v;

		if (!m->enabled)
			continue;
		m->stats.seen++;
		if (!mod_wants(e, m, p))
			continue;
		m->stats.interested++;
		v = mod_run(m, p, now);
		if (v == ITM_HELD) {
			p->resume_hook = (uint8_t)h;
			p->resume_prio = m->prio;
			p->resume_seq = m->seq;
			e->held++;
			return ITM_HELD;
		}
		mod_count_verdict(m, v);
		if (verdict_ends(v))
			return v;
		if (v == ITM_MODIFIED) {
			/* the next module must see the packet as it is now */
			itm_pkt_parse(p);
			p->flags |= ITM_PKT_MODIFIED;
			result = ITM_MODIFIED;
		}
	}
	return result;
}

enum itm_verdict itm_engine_run_hook(struct itm_engine *e, enum itm_hook h,
				     struct itm_pkt *p, uint64_t now)
{
	return chain_run(e, h, p, now, 0);
}

void itm_engine_forward(struct itm_engine *e, struct itm_pkt *p, uint64_t now)
{
	itm_engine_forward_to(e, e->root, p, now);
}

static const enum itm_hook forward_path[] = {
	ITM_HOOK_PRE_ROUTING, ITM_HOOK_FORWARD, ITM_HOOK_POST_ROUTING,
};
#define FORWARD_STEPS (sizeof(forward_path) / sizeof(forward_path[0]))

/* A module refused the packet (ITM_DROP) or took it (ITM_TAKEN): counted
 * and given back to the backend. */
static void engine_end_by_module(struct itm_engine *e, struct itm_pkt *p,
				 enum itm_verdict v)
{
	if (v == ITM_TAKEN) {
		e->taken++;
		p->flags |= ITM_PKT_TAKEN;
	} else {
		e->drops[ITM_DROP_MODULE]++;
	}
	if (e->free_fn)
		e->free_fn(e->free_ctx, p);
}

/* The forward path from hook step `step`, chain index `from` on. */
static void forward_from(struct itm_engine *e, struct itm_qdisc *root,
			 struct itm_pkt *p, uint64_t now, size_t step,
			 uint32_t from)
{
	bool outer = e->may_hold;	/* a resume may run inside a chain */
	enum itm_verdict v = ITM_ACCEPT;

	e->may_hold = true;
	for (; step < FORWARD_STEPS; step++, from = 0) {
		v = chain_run(e, forward_path[step], p, now, from);
		if (v == ITM_HELD || verdict_ends(v))
			break;
	}
	e->may_hold = outer;
	if (v == ITM_HELD) {
		p->resume_root = root;
		return;
	}
	if (verdict_ends(v)) {
		engine_end_by_module(e, p, v);
		return;
	}
	if (p->flags & ITM_PKT_MODIFIED)
		e->csum_fixed += (uint64_t)itm_csum_fix(p);
	itm_qdisc_enqueue(root, p, now);
}

void itm_engine_forward_to(struct itm_engine *e, struct itm_qdisc *root,
			   struct itm_pkt *p, uint64_t now)
{
	forward_from(e, root, p, now, 0, 0);
}

/* What becomes of a packet once the chain of hook h is done with it. */
static enum itm_fate hook_fate(struct itm_engine *e, enum itm_hook h,
			       struct itm_pkt *p, enum itm_verdict v, uint64_t now)
{
	if (v == ITM_HELD) {
		p->flags |= ITM_PKT_ONE_HOOK;
		return ITM_FATE_HELD;
	}
	if (verdict_ends(v)) {
		engine_end_by_module(e, p, v);
		return ITM_FATE_DROPPED;
	}
	if (p->flags & ITM_PKT_MODIFIED)
		e->csum_fixed += (uint64_t)itm_csum_fix(p);
	if (h != ITM_HOOK_POST_ROUTING)
		return ITM_FATE_PASS;
	itm_qdisc_enqueue(e->root, p, now);
	return ITM_FATE_QUEUED;
}

/* The hook's chain from index `from`; modules may hold the packet when
 * the backend can answer later (a pass callback). */
static enum itm_fate hook_from(struct itm_engine *e, enum itm_hook h,
			       struct itm_pkt *p, uint64_t now, uint32_t from)
{
	bool outer = e->may_hold;
	enum itm_verdict v;

	e->may_hold = e->pass_fn != NULL;
	v = chain_run(e, h, p, now, from);
	e->may_hold = outer;
	return hook_fate(e, h, p, v, now);
}

enum itm_fate itm_engine_hook(struct itm_engine *e, enum itm_hook h,
			      struct itm_pkt *p, uint64_t now)
{
	return hook_from(e, h, p, now, 0);
}

/* The holder's verdict, counted as the chain would have counted it. */
static bool resume_verdict(struct itm_engine *e, struct itm_pkt *p,
			   enum itm_verdict v)
{
	enum itm_hook h = (enum itm_hook)p->resume_hook;
	uint32_t i;

	for (i = 0; i < e->chain_len[h]; i++) {
		struct itm_mod *m = e->chain[h][i];

		if (m->prio == p->resume_prio && m->seq == p->resume_seq)
			mod_count_verdict(m, v);
	}
	if (v == ITM_MODIFIED) {
		itm_pkt_parse(p);
		p->flags |= ITM_PKT_MODIFIED;
	}
	return !verdict_ends(v);
}

void itm_engine_resume(struct itm_engine *e, struct itm_pkt *p,
		       enum itm_verdict v, uint64_t now)
{
	enum itm_hook h = (enum itm_hook)p->resume_hook;
	size_t step = 0;
	uint32_t from = 0;

	e->held--;
	if (e->destroying) {
		/* its chains and root are going: back to the backend */
		if (e->free_fn)
			e->free_fn(e->free_ctx, p);
		return;
	}
	if (now > e->now)
		e->now = now;
	if (!resume_verdict(e, p, v)) {
		engine_end_by_module(e, p, v);
		return;
	}
	while (from < e->chain_len[h] &&
	       !chain_after(e->chain[h][from], p->resume_prio, p->resume_seq))
		from++;
	if (p->flags & ITM_PKT_ONE_HOOK) {
		p->flags &= (uint16_t)~ITM_PKT_ONE_HOOK;
		if (hook_from(e, h, p, now, from) == ITM_FATE_PASS)
			e->pass_fn(e->pass_ctx, p);
		return;
	}
	while (step < FORWARD_STEPS && forward_path[step] != h)
		step++;
	forward_from(e, p->resume_root, p, now, step, from);
}

void itm_engine_settle(struct itm_engine *e, uint64_t now, bool wait)
{
	/* a packet given back may be held again further on: go round, at
	 * most once per module and hook it can meet */
	unsigned rounds = ITM_MODS_MAX * FORWARD_STEPS;
	struct itm_mod *m;

	do {
		for (m = e->mods; m && e->held; m = m->next) {
			if (m->ops->settle)
				m->ops->settle(m, now, wait);
		}
	} while (wait && e->held && --rounds);
}

/*
 * Run a module's timer for every period that ended by `now`. After a long
 * gap (a trace that jumps ahead, a stopped process) the missed runs are not
 * caught up one by one: the timer runs once and resumes on its grid. Times
 * near the end of the clock stop the timer rather than wrap.
 */
static void mod_run_timer(struct itm_mod *m, uint64_t now)
{
	uint64_t step = m->timer_ns;
	uint64_t missed = (now - m->next_timer_ns) / step;

	if (missed >= ITM_TIMER_CATCHUP) {
		m->stats.timer_skips += missed;
		m->next_timer_ns += missed * step;	/* still <= now */
	}
	/* the next run is set before this one, which may set another
	 * period (itm_mod_set_timer): then that one holds */
	while (m->next_timer_ns && m->next_timer_ns <= now) {
		uint64_t at = m->next_timer_ns;
		bool last = at > UINT64_MAX - step;

		m->next_timer_ns = last ? UINT64_MAX : at + step;
		if (m->enabled) {
			m->ops->timer(m, at);
			m->stats.timer_runs++;
		}
		if (last)
			return;
	}
}

/* Entries a step of the whole sweep examines, 1 ms apart: a big table
 * never holds the engine (and every queue's reader) for long. */
#define FLOW_SWEEP_STEP 4096

/*
 * Idle flows go a few at a time as packets come, and in a whole sweep
 * every quarter of the idle timeout (1 s at least), so that they also go
 * when no packet comes; the whole sweep runs in steps. While the table
 * holds flows, the next step or sweep is the time to be woken; an empty
 * table wakes nobody.
 */
static uint64_t engine_expire_flows(struct itm_engine *e, uint64_t now)
{
	uint64_t period = e->flow_idle_ns / 4;
	size_t n;

	if (!e->flows || !e->flow_idle_ns)
		return UINT64_MAX;
	if (now < e->flow_sweep_ns) {
		itm_flowtab_expire(e->flows, now, 256);
	} else {
		if (!e->flow_sweep_left)
			e->flow_sweep_left = itm_flowtab_slots(e->flows);
		n = e->flow_sweep_left < FLOW_SWEEP_STEP ? e->flow_sweep_left
							  : FLOW_SWEEP_STEP;
		itm_flowtab_expire(e->flows, now, n);
		e->flow_sweep_left -= n;
		e->flow_sweep_ns = now + (e->flow_sweep_left ? ITM_NSEC_PER_MSEC :
					  period > ITM_NSEC_PER_SEC ? period :
					  ITM_NSEC_PER_SEC);
	}
	return itm_flowtab_count(e->flows) ? e->flow_sweep_ns : UINT64_MAX;
}

uint64_t itm_engine_timers(struct itm_engine *e, uint64_t now)
{
	uint64_t next = UINT64_MAX, sweep;
	struct itm_mod *m;

	if (now > e->now)
		e->now = now;
	for (m = e->mods; m; m = m->next) {
		if (!m->next_timer_ns)
			continue;
		if (m->next_timer_ns <= now)
			mod_run_timer(m, now);
		if (m->next_timer_ns && m->next_timer_ns < next)	/* 0: stopped */
			next = m->next_timer_ns;
	}
	sweep = engine_expire_flows(e, now);
	return sweep < next ? sweep : next;
}
