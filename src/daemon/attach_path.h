/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The names and link targets of the procs/ tree (attach_path.c), pure:
 *
 *   procs/PID/IF                  -> ../../network/IF/3/1
 *   procs/PID/sockets/FD/IF       -> ../../../../network/IF/3/1
 *
 * The kernel does not look at a symlink's target, so itmd parses it: the
 * relative form above (depth "../" up to the mount) or the absolute
 * MNT/network/IF/..., naming a VIF by its path of minors from the root.
 */
#ifndef ITM_DAEMON_ATTACH_PATH_H
#define ITM_DAEMON_ATTACH_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* procs/PID and procs/PID/sockets/FD */
#define ATTP_DEPTH_PROC 2
#define ATTP_DEPTH_SOCK 4
/* a VIF tree is at most 8 deep below its root */
#define ATTP_MINORS_MAX 9

/* A process's directory name: decimal, no sign or leading zero, > 0. */
int attp_pid(const char *name, pid_t *pid);
/* A socket's directory name: its fd, decimal, 0..65535. */
int attp_fd(const char *name, int *fd);

/* The minors a target names, top down, the root VIF (0) first:
 * "../../network/eth0/3/1" -> {0, 3, 1}. Returns how many, or -EINVAL
 * (a malformed path, "." or "..", an empty component) or -ENOENT (another
 * interface's tree, a path outside the mount). */
int attp_target(const char *target, const char *mnt, unsigned depth,
		const char *ifname, uint32_t *minors, unsigned max);
/* The relative target of a link depth levels below the mount, for the VIF
 * whose path of minors is minors[0..n) (minors[0] is the root, 0). */
int attp_format(char *buf, size_t len, unsigned depth, const char *ifname,
		const uint32_t *minors, unsigned n);
/* A process's cgroup v2 path ("/itm/eth1/3/42", from /proc/PID/cgroup)
 * says the itmd of another interface than ifname attached it: a process
 * is in one cgroup, so it can be attached by one interface at a time. */
bool attp_cg_other_if(const char *cg, const char *ifname);

#endif
