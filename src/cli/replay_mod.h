/* SPDX-License-Identifier: GPL-2.0-only */
/* itm replay --module: libitm processes for a replay (replay_mod.c). */
#ifndef ITM_CLI_REPLAY_MOD_H
#define ITM_CLI_REPLAY_MOD_H

#include <stdbool.h>
#include <sys/types.h>

#include "itm/remote.h"

#define REPLAY_MODS_MAX 4

struct replay_mods {
	char dir[64];
	struct itm_modsock ms;
	pid_t pids[REPLAY_MODS_MAX];
	int n;
};

/* Start each command and register its module in e; 0 or -errno. */
int replay_mods_start(struct replay_mods *rm, struct itm_engine *e,
		      const char *const *cmds, int n);
/* Wait for the processes (after the engine was destroyed), or stop them. */
void replay_mods_stop(struct replay_mods *rm, bool kill_them);

#endif
