/* SPDX-License-Identifier: GPL-2.0-only */
/* itmd's control socket (see ctl.c). */
#ifndef ITM_DAEMON_CTL_H
#define ITM_DAEMON_CTL_H

#include <stdint.h>
#include <stdio.h>

#include "itm/live.h"

#define ITM_CTL_DEFAULT_PATH "/run/itm/itmd.sock"

struct itm_ctl {
	struct itm_live *live;
	int fd;
	char path[108];
	uint64_t commands, refused;
};

int itm_ctl_open(struct itm_ctl *c, struct itm_live *lv, const char *path,
		 struct itm_err *err);
void itm_ctl_close(struct itm_ctl *c);

/*
 * Run one grammar command on the live engine, as the control socket does
 * (the backend line stays fixed; the backend hears of the change): also
 * the file system's way in. Output goes to out (may be NULL).
 */
int itm_ctl_exec(struct itm_live *lv, int argc, char **argv, FILE *out,
		 struct itm_err *err);

#endif
