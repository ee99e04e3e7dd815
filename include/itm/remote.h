/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Modules in their own process (libitm): the proxy module that stands for
 * one in the engine's chains, and the socket they register on.
 *
 * The proxy is an ordinary module (struct itm_mod_ops) with a label, a hook
 * and a priority, so it is ordered with the in-process modules. For each
 * packet that passes its interest filter it writes a request into a shared
 * ring. Unless the module only observes, the packet then waits for the
 * verdict at most `deadline` (a parameter, 10 ms by default, settable at
 * run time as LABEL.deadline): on the forward path it is held (ITM_HELD)
 * and its chain resumes when the verdict comes, so itmd goes on with other
 * packets; on a single live hook (NFQUEUE), whose caller needs the answer
 * now, the proxy waits for it. A module that misses the deadline, exits or breaks the
 * protocol is unregistered on the spot: disabled in the chains, its
 * connection closed, the packet and all later ones continuing unchanged
 * (fail-open), each counted. doc/libitm.md has the whole story.
 */
#ifndef ITM_REMOTE_H
#define ITM_REMOTE_H

#include <stdbool.h>
#include <sys/types.h>

#include "itm/engine.h"

extern const struct itm_mod_ops itm_mod_remote;

#define ITM_MODULE_SOCKET_DEFAULT "/run/itm/modules.sock"

struct itm_modsock {
	int fd;
	int wake_fd;	/* eventfd the processes write when verdicts wait:
			 * watch it and call itm_engine_settle(e, now, false) */
	char path[108];
};

/* Listen for module processes at path (mode 0600, stale socket replaced). */
int itm_modsock_open(struct itm_modsock *ms, const char *path,
		     struct itm_err *err);
void itm_modsock_close(struct itm_modsock *ms);
/*
 * Take one registration from the socket (blocking up to 200 ms for its
 * message), register its proxy in e and answer. *out is the new module.
 * A refused registration is answered with the reason and returns -errno.
 */
int itm_modsock_accept(struct itm_modsock *ms, struct itm_engine *e,
		       struct itm_mod **out, struct itm_err *err);

/* The proxy's side of a registration, handed over by itm_modsock_accept. */
struct itm_remote_conn {
	int sock, req_efd, rsp_efd;
	void *shm;
	size_t shm_size;
	pid_t pid;
	uid_t uid;
};
struct itm_wire_reg;
/* Takes ownership of c's descriptors and mapping when it succeeds. */
int itm_remote_attach(struct itm_mod *m, const struct itm_wire_reg *reg,
		      struct itm_remote_conn *c, struct itm_err *err);

bool itm_mod_is_remote(const struct itm_mod *m);
/* Unregistered: it failed or left; the entry stays for its counters. A
 * process that exits while idle is noticed by the proxy's 100 ms timer. */
bool itm_remote_gone(const struct itm_mod *m);
/* Gone, or its process has just exited (its socket closed): then it is
 * unregistered now rather than by the next look of the timer, e.g. when
 * its next life registers under the same label. */
bool itm_remote_exited(struct itm_mod *m);
/* The deadline (ns): a gone entry's lives on in its label's next
 * registration, so that what the operator set survives a reconnection. */
uint64_t itm_remote_deadline(const struct itm_mod *m);
void itm_remote_set_deadline(struct itm_mod *m, uint64_t ns);

#endif
