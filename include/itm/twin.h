/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A second discipline tree that follows the engine's: the egress of a
 * second direction (the bridge's IF2 -> IF1). It is built by the qdisc and
 * class commands that built the engine's root (e->qdisc_cmds), and kept in
 * step by running, on it, each command the engine records afterwards (a
 * change through the control socket or the file system), as it ran there.
 * Its drops are counted by the engine and handed to its free callback.
 */
#ifndef ITM_TWIN_H
#define ITM_TWIN_H

#include <stdbool.h>
#include <stddef.h>

#include "itm/engine.h"
#include "itm/err.h"

struct itm_twin {
	struct itm_qdisc *root;
	bool root_set;		/* a root discipline was configured */
	bool stopped;		/* the engine's commands were too many to keep */
	size_t applied;		/* bytes of e->qdisc_cmds run on the twin */
};

/* Build t from every command e recorded; t is untouched on error. */
int itm_twin_build(struct itm_engine *e, struct itm_twin *t,
		   struct itm_err *err);

/* Run on t the commands e recorded since; 0 if there were none. A command
 * the twin refuses changes nothing there, the others still run, and the
 * first refusal is returned; once e stops keeping its commands, -E2BIG is
 * returned once and t follows no more. */
int itm_twin_follow(struct itm_engine *e, struct itm_twin *t,
		    struct itm_err *err);

/* t drops into e from now on (e replaced the engine it was built for). */
void itm_twin_adopt(struct itm_engine *e, struct itm_twin *t);

#endif
