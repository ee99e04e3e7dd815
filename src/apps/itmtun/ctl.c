// SPDX-License-Identifier: GPL-2.0-only
/*
 * itmtun's controller (ctl.h): how many TCP connections the tunnel needs
 * for its target, from the rate they delivered.
 */
#include "ctl.h"

void ctl_cfg_default(struct ctl_cfg *c)
{
	*c = (struct ctl_cfg){ .target_bps = 0, .min = 1, .max = 16,
			       .step = 2, .band_pct = 10 };
}

static int clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* ceil(target * n / rate): connections at the measured share each */
static int wanted(const struct ctl_cfg *c, int n, uint64_t rate_bps)
{
	uint64_t w;

	if (!rate_bps)
		return c->max;
	w = (c->target_bps * (uint64_t)n + rate_bps - 1) / rate_bps;
	return w > (uint64_t)c->max ? c->max : (int)w;
}

int ctl_next(const struct ctl_cfg *c, int n, uint64_t rate_bps, bool demand)
{
	uint64_t lo = c->target_bps / 100 * (100 - c->band_pct);
	uint64_t hi = c->target_bps / 100 * (100 + c->band_pct);
	int w;

	n = clamp(n, c->min, c->max);
	if (!c->target_bps || (rate_bps >= lo && rate_bps <= hi) ||
	    (rate_bps < lo && !demand))
		return n;
	w = wanted(c, n, rate_bps);
	if (rate_bps < lo) {
		w = clamp(w, n + 1, n + c->step);
		return clamp(w, c->min, c->max);
	}
	/* above: down to the count, if one fewer still carries the target at
	 * this share (the share grows as connections go: no overshoot) */
	w = clamp(w, n - c->step, n);
	return clamp(w, c->min, c->max);
}

int ctl_step(struct ctl *c, uint64_t rate_bps, bool demand)
{
	int next;

	if (c->settling) {
		c->settling = false;
		return c->n;
	}
	next = ctl_next(&c->cfg, c->n, rate_bps, demand);
	c->settling = next != c->n;
	c->n = next;
	return next;
}

uint64_t ctl_rate_bps(uint64_t bytes, uint64_t elapsed_ns)
{
	__extension__ unsigned __int128 bps =
		(unsigned __int128)bytes * 8000000000u / (elapsed_ns ? elapsed_ns : 1);

	return bps > UINT64_MAX ? UINT64_MAX : (uint64_t)bps;
}
