/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The attachments itmd holds (attach_tab.c), pure bookkeeping: which
 * process or socket is attached to which VIF, and what to restore when it
 * is detached. The system side (cgroups, socket options, rules) is
 * attach.c's.
 */
#ifndef ITM_DAEMON_ATTACH_TAB_H
#define ITM_DAEMON_ATTACH_TAB_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define ATT_MAX 4096
#define ATT_CG_LEN 256

enum att_kind {
	ATT_PROC = 1,		/* a process and its future children */
	ATT_SOCK,		/* one socket of a process */
};

struct att {
	enum att_kind kind;
	pid_t pid;
	int fd;			/* ATT_SOCK: the socket's fd in pid */
	uint32_t minor;		/* the VIF */
	uint32_t prio;		/* its packets' skb->priority: MAJ:MIN */
	int pidfd;		/* readable once pid has exited */
	uint64_t sock_ino;	/* ATT_SOCK: which socket fd named */
	uint32_t old_prio;	/* ATT_SOCK: SO_PRIORITY and SO_MARK before */
	uint32_t old_mark;
	char prev_cg[ATT_CG_LEN];	/* ATT_PROC: the cgroup it came from */
};

struct att_tab {
	struct att *a;
	unsigned n, cap;
};

void att_tab_init(struct att_tab *t);
void att_tab_fini(struct att_tab *t);
/* The attachment of a process (kind ATT_PROC, fd ignored) or a socket. */
struct att *att_find(const struct att_tab *t, enum att_kind kind, pid_t pid,
		     int fd);
/* A new zeroed entry with its key set; NULL when full or out of memory. */
struct att *att_add(struct att_tab *t, enum att_kind kind, pid_t pid, int fd,
		    uint32_t minor);
/* Entries move: a pointer from att_find is stale after att_del. */
void att_del(struct att_tab *t, struct att *a);
/* Attachments to a VIF, of one kind or (0) of both. */
unsigned att_count_minor(const struct att_tab *t, uint32_t minor,
			 enum att_kind kind);
/* The smallest attached pid above after (0: none), for listing procs/. */
pid_t att_pid_next(const struct att_tab *t, pid_t after);
/* The smallest attached fd of pid above after (-1: from the first). */
int att_fd_next(const struct att_tab *t, pid_t pid, int after);
bool att_pid_known(const struct att_tab *t, pid_t pid);

#endif
