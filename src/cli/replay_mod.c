// SPDX-License-Identifier: GPL-2.0-only
/*
 * itm replay --module CMD: try a libitm module on a trace, without root.
 * The replay opens a module socket in a private directory, starts CMD
 * (through /bin/sh -c, so it may carry arguments) with ITM_MODULE_SOCKET
 * naming it, and waits for the process to register before the first
 * packet. The replay then waits for every verdict (itm_engine_settle), so
 * the output does not depend on how fast the process answers; to keep it
 * so on a loaded machine, the module's deadline becomes
 * REPLAY_MOD_DEADLINE (a hung process still fails open, later). When the
 * engine goes away the registration closes and the process exits.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "replay_mod.h"

#define REPLAY_MOD_WAIT_MS 10000
#define REPLAY_MOD_DEADLINE "10s"

static int replay_mod_spawn(struct replay_mods *rm, const char *cmd)
{
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		setenv("ITM_MODULE_SOCKET", rm->ms.path, 1);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	rm->pids[rm->n++] = pid;
	return 0;
}

/* The process must register within REPLAY_MOD_WAIT_MS, or exit saying why. */
static int replay_mod_accept(struct replay_mods *rm, struct itm_engine *e,
			     const char *cmd)
{
	struct pollfd pf = { .fd = rm->ms.fd, .events = POLLIN };
	char name[ITM_LABEL_MAX + 16];
	struct itm_err err;
	struct itm_mod *m;
	int n = poll(&pf, 1, REPLAY_MOD_WAIT_MS);

	if (n <= 0) {
		fprintf(stderr, "itm replay: --module \"%s\" did not register\n",
			cmd);
		return -ETIMEDOUT;
	}
	if (itm_modsock_accept(&rm->ms, e, &m, &err) < 0) {
		fprintf(stderr, "itm replay: --module \"%s\": %s\n", cmd,
			err.msg);
		return -EINVAL;
	}
	snprintf(name, sizeof(name), "%s.deadline", m->label);
	return itm_engine_param_set(e, name, REPLAY_MOD_DEADLINE, &err);
}

int replay_mods_start(struct replay_mods *rm, struct itm_engine *e,
		      const char *const *cmds, int n)
{
	struct itm_err err;
	char path[sizeof(rm->dir) + 16];
	int i, r = 0;

	rm->n = 0;
	rm->ms.fd = rm->ms.wake_fd = -1;
	if (!n)
		return 0;
	snprintf(rm->dir, sizeof(rm->dir), "/tmp/itm-replay-XXXXXX");
	if (!mkdtemp(rm->dir))
		return -errno;
	snprintf(path, sizeof(path), "%s/modules.sock", rm->dir);
	if (itm_modsock_open(&rm->ms, path, &err) < 0) {
		fprintf(stderr, "itm replay: %s\n", err.msg);
		rmdir(rm->dir);
		return -EINVAL;
	}
	for (i = 0; i < n && r == 0; i++) {
		r = replay_mod_spawn(rm, cmds[i]);
		if (r == 0)
			r = replay_mod_accept(rm, e, cmds[i]);
	}
	return r;
}

/* After the engine is gone: the processes saw their registrations close. */
void replay_mods_stop(struct replay_mods *rm, bool kill_them)
{
	int i;

	if (rm->ms.fd < 0)
		return;
	for (i = 0; i < rm->n; i++) {
		if (kill_them)
			kill(rm->pids[i], SIGTERM);
		waitpid(rm->pids[i], NULL, 0);
	}
	itm_modsock_close(&rm->ms);
	rmdir(rm->dir);
}
