/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * How an attachment reaches the packets (attach.c). Every packet names its
 * VIF by skb->priority = the VIF's class id (MAJ:MIN), which the NFQUEUE
 * backend reads (NFQA_PRIORITY) and the vif discipline classifies by:
 *
 * - a process: moved into its own cgroup v2, IF/MINOR/PID under itmd's
 *   "itm" directory, which its children inherit; one iptables rule per VIF
 *   in itmd's mangle chain itm-a-IF, jumped to first from OUTPUT,
 *   `-m cgroup --path itm/IF/MINOR -j CLASSIFY --set-class MAJ:MIN`
 *   (the match covers every cgroup below the VIF's);
 * - a socket: a duplicate from pidfd_getfd gets SO_PRIORITY = MAJ:MIN and
 *   the bit ATTACH_SOCK_MARK in SO_MARK, so the chain's first rule
 *   (RETURN on that bit) leaves it to the socket's own VIF even inside an
 *   attached process. The duplicate is closed at once: holding it would
 *   keep the socket open after its process closed it.
 */
#ifndef ITM_DAEMON_ATTACH_H
#define ITM_DAEMON_ATTACH_H

#include <limits.h>
#include <stdbool.h>

#include "attach_list.h"
#include "attach_tab.h"
#include "itm/err.h"

#define ATTACH_SOCK_MARK 0x10000000u

struct attach_sys {
	char cg_mnt[PATH_MAX];	/* the cgroup v2 mount */
	char cg_rel[128];	/* itm/IF: below the mount */
	char chain[32];		/* itm-a-IF */
	bool chain_on;		/* the chain and its jumps are installed */
	bool legacy;		/* the iptables-legacy tools */
};

/* Find cgroup v2, remove what a killed itmd of this interface left. */
int attach_sys_init(struct attach_sys *s, const char *ifname,
		    struct itm_err *err);
/* Remove the chain and the (then empty) cgroups. */
void attach_sys_fini(struct attach_sys *s);

/* a->pid into a new cgroup of VIF a->minor; the VIF's rule, classifying
 * as prio, is installed with its first process (first). */
int attach_proc(struct attach_sys *s, struct att *a, uint32_t prio,
		bool first, struct itm_err *err);
/* Everything in the attachment's cgroup back to a->prev_cg; the VIF's
 * rule goes when last is true (no other process attached to it). */
void detach_proc(struct attach_sys *s, const struct att *a, uint32_t prio,
		 bool last);
/* The CLASSIFY rule of an attached uid or cgroup (attach_list.h): inserted
 * at pos in the chain (installed with the first rule), or deleted. */
int attach_list_rule(struct attach_sys *s, bool add, const struct atl *e,
		     unsigned pos, struct itm_err *err);
/* a->pidfd for a->pid: the handle every later step goes through */
int attach_pidfd(struct att *a);
int attach_sock(struct att *a, uint32_t prio, struct itm_err *err);
void detach_sock(const struct att *a);
/* false once a->pid has exited or a->fd no longer names a->sock_ino */
bool attach_alive(const struct att *a);
/* the process's uid allows uid to act on it (as ptrace: real, effective
 * and saved uid), or uid is root */
bool attach_may(pid_t pid, uid_t uid);
/* -ENOENT: no such process; -ENOTSOCK: fd is not one of its sockets */
int attach_proc_exists(pid_t pid);
int attach_sock_exists(pid_t pid, int fd);
/* -EXDEV: pid is in another network namespace than itmd, whose rules its
 * packets never cross; -ENOENT: no such process */
int attach_proc_netns(pid_t pid);
uid_t attach_proc_uid(pid_t pid);

#endif
