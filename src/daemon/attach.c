// SPDX-License-Identifier: GPL-2.0-only
/*
 * Socket attachment and the checks on processes (see attach.h). A socket
 * is reached through its process: pidfd_getfd duplicates it (the same
 * open file, so socket options set on the duplicate are the socket's),
 * the options are set and the duplicate closed. The socket is known by
 * its inode, since the process may close the fd and reuse the number.
 */
#include <errno.h>
#include <linux/sockios.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "attach.h"

static int pidfd_open_(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static int pidfd_getfd_(int pidfd, int fd)
{
	return (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
}

int attach_proc_exists(pid_t pid)
{
	char path[32];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	return stat(path, &st) == 0 ? 0 : -ENOENT;
}

/* 0 if the namespace `its` describes is itmd's (or there is no way to
 * tell), -EXDEV if another */
static int netns_mine(const struct stat *its)
{
	struct stat mine;

	if (stat("/proc/self/ns/net", &mine) < 0)
		return 0;	/* no way to tell: let it be */
	return mine.st_dev == its->st_dev && mine.st_ino == its->st_ino ? 0 : -EXDEV;
}

int attach_proc_netns(pid_t pid)
{
	char path[64];
	struct stat its;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	if (stat(path, &its) < 0)
		return -ENOENT;
	return netns_mine(&its);
}

/* netns_mine for socket s's own namespace, which SIOCGSKNS hands over
 * as a descriptor (0 when the kernel cannot say) */
static int sock_netns(int s)
{
	int ns = ioctl(s, SIOCGSKNS), r = 0;
	struct stat its;

	if (ns < 0)
		return 0;
	if (fstat(ns, &its) == 0)
		r = netns_mine(&its);
	close(ns);
	return r;
}

/* The inode of the socket fd of pid names, 0 if it names none. */
static uint64_t sock_ino(pid_t pid, int fd)
{
	char path[64], link[64];
	unsigned long long ino;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return 0;
	link[n] = '\0';
	return sscanf(link, "socket:[%llu]", &ino) == 1 ? ino : 0;
}

int attach_sock_exists(pid_t pid, int fd)
{
	if (attach_proc_exists(pid) < 0)
		return -ENOENT;
	return sock_ino(pid, fd) ? 0 : -ENOTSOCK;
}

/* The Uid: line of /proc/PID/status: real, effective, saved, fs. */
static int proc_uids(pid_t pid, uid_t uid[4])
{
	char path[64], line[256];
	unsigned u[4];
	FILE *f;
	int r = -ENOENT, i;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	while (f && r < 0 && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Uid: %u %u %u %u", &u[0], &u[1], &u[2], &u[3]) != 4)
			continue;
		for (i = 0; i < 4; i++)
			uid[i] = (uid_t)u[i];
		r = 0;
	}
	if (f)
		fclose(f);
	return r;
}

uid_t attach_proc_uid(pid_t pid)
{
	uid_t u[4];

	return proc_uids(pid, u) == 0 ? u[0] : 0;
}

bool attach_may(pid_t pid, uid_t uid)
{
	uid_t u[4];

	if (uid == 0)
		return true;
	return proc_uids(pid, u) == 0 && u[0] == uid && u[1] == uid &&
	       u[2] == uid;
}

/* The socket's options: saved first when attaching (save), then set;
 * when detaching, only if the fd still names the attached socket. */
static int sock_opts(struct att *a, uint32_t prio, uint32_t mark, bool save)
{
	int s = pidfd_getfd_(a->pidfd, a->fd), r = 0;
	socklen_t len = sizeof(uint32_t);
	struct stat st;

	if (s < 0)
		return -errno;
	if (fstat(s, &st) < 0 || !S_ISSOCK(st.st_mode) ||
	    (!save && (uint64_t)st.st_ino != a->sock_ino))
		r = -ENOTSOCK;	/* the fd was closed, its number reused */
	if (r == 0 && save)
		r = sock_netns(s);	/* elsewhere, its packets miss our rules */
	if (r == 0 && save) {
		a->sock_ino = (uint64_t)st.st_ino;
		if (getsockopt(s, SOL_SOCKET, SO_PRIORITY, &a->old_prio, &len) < 0 ||
		    getsockopt(s, SOL_SOCKET, SO_MARK, &a->old_mark, &len) < 0)
			r = -errno;
		mark |= a->old_mark;
	}
	if (r == 0 && (setsockopt(s, SOL_SOCKET, SO_PRIORITY, &prio, sizeof(prio)) < 0 ||
		       setsockopt(s, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) < 0))
		r = -errno;
	close(s);
	return r;
}

int attach_sock(struct att *a, uint32_t prio, struct itm_err *err)
{
	int r = sock_opts(a, prio, ATTACH_SOCK_MARK, true);

	if (r == -EXDEV)
		return itm_err_set(err, EXDEV, "attach: socket %d of %d is in "
				   "another network namespace than itmd: its "
				   "packets never meet itmd's rules", a->fd,
				   (int)a->pid);
	if (r < 0)
		return itm_err_set(err, -r, "attach: socket %d of %d: %s", a->fd,
				   (int)a->pid, strerror(-r));
	return 0;
}

void detach_sock(const struct att *a)
{
	struct att copy = *a;

	sock_opts(&copy, a->old_prio, a->old_mark, false);
}

int attach_pidfd(struct att *a)
{
	a->pidfd = pidfd_open_(a->pid);
	return a->pidfd < 0 ? -errno : 0;
}

bool attach_alive(const struct att *a)
{
	struct pollfd p = { .fd = a->pidfd, .events = POLLIN };

	/* a pidfd polls readable once its process has exited */
	if (a->pidfd < 0 || poll(&p, 1, 0) != 0)
		return false;
	return a->kind == ATT_PROC || sock_ino(a->pid, a->fd) == a->sock_ino;
}
