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
 * n for the next interval. With demand (packets waited) and B below the
 * band, n moves up toward ceil(target / (B / n)), the count at which the
 * per-connection share B / n carries the target (at least one more,
 * everything when nothing was delivered); above the band, down toward it
 * (at least one fewer). Each move is at most @step, n stays within
 * [min, max]; without demand n stays (a quiet tunnel says nothing of its
 * share).
 */
int ctl_next(const struct ctl_cfg *c, int n, uint64_t rate_bps, bool demand);

#endif
