/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * itmtun's controller, a pure function (doc/itmtun.md): each interval it
 * is given the tunnel's delivered rate B over its n connections and
 * whether packets waited for the tunnel, and returns the number of
 * connections for the next interval.
 */
#ifndef ITMTUN_CTL_H
#define ITMTUN_CTL_H

#include <stdbool.h>
#include <stdint.h>

#define CTL_MAX 64		/* connections, at most */

struct ctl_cfg {
	uint64_t target_bps;	/* 0: no controller, n stays at min */
	int min, max;		/* 1 <= min <= max <= CTL_MAX */
	int step;		/* most connections opened or closed at once */
	unsigned band_pct;	/* no change within target +- band_pct % */
};

void ctl_cfg_default(struct ctl_cfg *c);

/*
 * n for the next interval. Below the band, with demand (packets waited),
 * n moves up toward ceil(target / (B / n)), the count at which the
 * per-connection share B / n carries the target (at least one more; by
 * the step when nothing was delivered); below it without demand n stays
 * (the users sent less than the tunnel could carry: that says nothing of
 * its share). Above the band n moves down toward the same count, demand or
 * not, the tunnel taking more than its target from the cross traffic; but
 * only when that count is below n, i.e. n - 1 connections at the share
 * B / n would still carry the target (a share rises as connections go:
 * shrinking on less would overshoot below). Each move is at most @step,
 * n stays within [min, max].
 */
int ctl_next(const struct ctl_cfg *c, int n, uint64_t rate_bps, bool demand);

/* The controller's state between intervals. */
struct ctl {
	struct ctl_cfg cfg;
	int n;
	bool settling;	/* n just changed: the next interval only measures */
};

/*
 * One interval's decision: ctl_next, except in the interval right after a
 * change, whose rate mixes new connections still in slow start with the
 * flows that moved: it is measured, not acted on. Returns the new n.
 */
int ctl_step(struct ctl *c, uint64_t rate_bps, bool demand);

/*
 * The rate in bit/s of @bytes over @elapsed_ns (0 counts as 1 ns), for
 * any interval and byte count (-i 60000 at 1 Gbit/s is 7.5 GB): no
 * overflow, UINT64_MAX at most.
 */
uint64_t ctl_rate_bps(uint64_t bytes, uint64_t elapsed_ns);

#endif
