// SPDX-License-Identifier: GPL-2.0-only
/*
 * The procs/ tree: attaching processes and sockets to VIFs with symlinks
 * (see fs.h, attach.h).
 *
 *   ln -s ../../network/eth0/3 procs/1234/eth0            process 1234
 *   ln -s ../../../../network/eth0/5 procs/1234/sockets/7/eth0   its fd 7
 *
 * procs/PID exists for every process (so that a link can be made in it)
 * and is listed once something of it is attached; it belongs to the
 * process's user, so the kernel (default_permissions) lets only that user
 * and root link or unlink in it. The symlink operation checks the rest:
 * the caller owns the VIF and may act on the process (as ptrace would).
 * An attachment ends with rm, with its process, with its socket, or with
 * its VIF: checked on every access to procs/ and once a second.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "attach_path.h"
#include "fs_ops.h"

static const char *fs_att_what(const struct att *a, char *buf, size_t len)
{
	if (a->kind == ATT_PROC)
		snprintf(buf, len, "process %d", (int)a->pid);
	else
		snprintf(buf, len, "socket %d of process %d", a->fd, (int)a->pid);
	return buf;
}

static void fs_att_drop(struct itm_fs *fs, struct att *a, const char *why)
{
	char what[64];
	bool last = att_count_minor(&fs->atts, a->minor, ATT_PROC) == 1;

	if (a->kind == ATT_PROC)
		detach_proc(&fs->sys, a, a->prio, last);
	else
		detach_sock(a);
	if (a->pidfd >= 0)
		close(a->pidfd);
	itm_live_log("info", "fs: %s detached from VIF %x (%s)",
		     fs_att_what(a, what, sizeof(what)), (unsigned)a->minor, why);
	att_del(&fs->atts, a);
}

/* Attachments whose process exited, whose socket was closed or whose VIF
 * was deleted (control socket, reload) end. So do those whose VIF a
 * reload gave another class id (a new root handle): their rule or socket
 * still names the old one, which the vif discipline sends to `default`. */
static void fs_att_sweep(struct itm_fs *fs)
{
	struct itm_qdisc *q = fs_vif_root(fs->live->e);
	unsigned i = fs->atts.n;

	fs_list_sweep(fs, q);

	while (i--) {
		struct att *a = &fs->atts.a[i];
		const char *why = fs_vif_lost(q, a->minor, a->prio);

		if (why)
			fs_att_drop(fs, a, why);
		else if (!attach_alive(a))
			fs_att_drop(fs, a, a->kind == ATT_PROC ? "exited" : "closed");
	}
}

static void fs_att_tick(void *ctx)
{
	struct itm_fs *fs = ctx;
	uint64_t n;

	if (read(fs->timerfd, &n, sizeof(n)) == sizeof(n))
		fs_att_sweep(fs);
}

int fs_attach_open(struct itm_fs *fs, struct itm_err *err)
{
	struct itimerspec every = { { 1, 0 }, { 1, 0 } };
	struct itm_err why;

	att_tab_init(&fs->atts);
	atl_tab_init(&fs->lists);
	fs->sys_ok = attach_sys_init(&fs->sys, fs->ifname, &why) == 0;
	if (!fs->sys_ok)
		itm_live_log("warning", "fs: %s; processes cannot be attached", why.msg);
	fs->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (fs->timerfd < 0 || timerfd_settime(fs->timerfd, 0, &every, NULL) < 0)
		return itm_err_set(err, errno, "timerfd: %s", strerror(errno));
	return itm_live_watch(fs->live, fs->timerfd, fs_att_tick, fs, err);
}

void fs_attach_close(struct itm_fs *fs)
{
	while (fs->atts.n)
		fs_att_drop(fs, &fs->atts.a[fs->atts.n - 1], "itmd stops");
	fs_list_close(fs);
	if (fs->sys_ok)
		attach_sys_fini(&fs->sys);
	fs->sys_ok = false;
	att_tab_fini(&fs->atts);
	if (fs->timerfd >= 0) {
		itm_live_unwatch(fs->live, fs->timerfd);
		close(fs->timerfd);
	}
	fs->timerfd = -1;
}

bool fs_attach_busy(struct itm_fs *fs, uint32_t minor)
{
	fs_att_sweep(fs);
	return att_count_minor(&fs->atts, minor, 0) != 0 ||
	       atl_count_minor(&fs->lists, minor, 0) != 0;
}

static struct att *fs_att_of(struct itm_fs *fs, const struct fs_obj *o)
{
	if (o->n.kind == FS_PROC_LINK || o->n.kind == FS_PROC)
		return att_find(&fs->atts, ATT_PROC, (pid_t)o->n.a, -1);
	return att_find(&fs->atts, ATT_SOCK, (pid_t)o->n.a, (int)o->n.b);
}

int fs_attach_obj(struct itm_fs *fs, struct fs_obj *o)
{
	fs_att_sweep(fs);
	o->q = NULL;
	switch (o->n.kind) {
	case FS_PROC:
	case FS_SOCKETS:
		return attach_proc_exists((pid_t)o->n.a);
	case FS_SOCK:
		return attach_sock_exists((pid_t)o->n.a, (int)o->n.b) ? -ENOENT : 0;
	case FS_PROC_LINK:
	case FS_SOCK_LINK:
		return fs_att_of(fs, o) ? 0 : -ENOENT;
	default:
		return 0;
	}
}

void fs_attach_attr(struct itm_fs *fs, const struct fs_obj *o, struct stat *st)
{
	if (o->n.kind != FS_PROCS) {
		st->st_uid = attach_proc_uid((pid_t)o->n.a);
		st->st_gid = st->st_uid == fs->tree.uid ? fs->tree.gid : 0;
	}
	if (o->n.kind == FS_PROC_LINK || o->n.kind == FS_SOCK_LINK) {
		st->st_mode = S_IFLNK | 0777;
		st->st_nlink = 1;
		st->st_size = 1;	/* readlink is asked, the size is not used */
	} else {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
	}
}

fuse_ino_t fs_attach_child(struct itm_fs *fs, const struct fs_obj *o,
			   const char *name)
{
	uint32_t pid = o->n.a;
	pid_t p;
	int fd;

	switch (o->n.kind) {
	case FS_PROCS:
		return attp_pid(name, &p) || attach_proc_exists(p) ? 0 :
		       fs_ino(FS_PROC, (uint32_t)p, 0);
	case FS_PROC:
		if (!strcmp(name, "sockets"))
			return fs_ino(FS_SOCKETS, pid, 0);
		return !strcmp(name, fs->ifname) &&
		       att_find(&fs->atts, ATT_PROC, (pid_t)pid, -1) ?
		       fs_ino(FS_PROC_LINK, pid, 0) : 0;
	case FS_SOCKETS:
		return attp_fd(name, &fd) || attach_sock_exists((pid_t)pid, fd) ?
		       0 : fs_ino(FS_SOCK, pid, (uint32_t)fd);
	case FS_SOCK:
		return !strcmp(name, fs->ifname) &&
		       att_find(&fs->atts, ATT_SOCK, (pid_t)pid, (int)o->n.b) ?
		       fs_ino(FS_SOCK_LINK, pid, o->n.b) : 0;
	default:
		return 0;
	}
}

/* procs/ lists attached processes, procs/PID its link and sockets/,
 * sockets/ the attached sockets, sockets/FD its link. */
bool fs_attach_dir_entry(struct itm_fs *fs, const struct fs_obj *o,
			 unsigned idx, char *name, size_t len)
{
	pid_t pid = (pid_t)o->n.a, p = 0;
	int fd = -1;

	switch (o->n.kind) {
	case FS_PROCS:
		do {
			p = att_pid_next(&fs->atts, p);
		} while (p && idx--);
		return p && snprintf(name, len, "%d", (int)p) > 0;
	case FS_PROC:
		if (att_find(&fs->atts, ATT_PROC, pid, -1) && idx-- == 0)
			return snprintf(name, len, "%s", fs->ifname) > 0;
		return idx == 0 && snprintf(name, len, "sockets") > 0;
	case FS_SOCKETS:
		do {
			fd = att_fd_next(&fs->atts, pid, fd);
		} while (fd >= 0 && idx--);
		return fd >= 0 && snprintf(name, len, "%d", fd) > 0;
	case FS_SOCK:
		return idx == 0 && fs_att_of(fs, o) &&
		       snprintf(name, len, "%s", fs->ifname) > 0;
	default:
		return false;
	}
}

/* The VIF a link's target names, checked against the tree: each minor a
 * child of the one before. */
static int fs_att_target(struct itm_fs *fs, struct itm_qdisc *q,
			 const char *link, unsigned depth, uint32_t *minor)
{
	uint32_t m[ATTP_MINORS_MAX];
	int i, n = attp_target(link, fs->mnt, depth, fs->ifname, m,
			       ATTP_MINORS_MAX);

	if (n < 0)
		return n;
	for (i = 1; i < n; i++) {
		if (!fs_vif_exists(q, m[i]) || fs_vif_parent(q, m[i]) != m[i - 1])
			return -ENOENT;
	}
	*minor = m[n - 1];
	return 0;
}

/* The caller owns the VIF and may act on the process. */
static int fs_att_allowed(struct itm_fs *fs, fuse_req_t req,
			  struct itm_qdisc *q, uint32_t minor, pid_t pid)
{
	uid_t uid = fuse_req_ctx(req)->uid;
	struct stat st;

	fs_vif_owner(fs, q, minor, &st);
	if (uid != 0 && uid != st.st_uid)
		return -EACCES;
	return attach_may(pid, uid) ? 0 : -EPERM;
}

static int fs_att_make(struct itm_fs *fs, enum att_kind kind, pid_t pid,
		       int fd, uint32_t minor, struct itm_qdisc *q)
{
	struct att *a = att_add(&fs->atts, kind, pid, fd, minor);
	struct itm_err err = { 0 };
	char what[64];
	int r;

	if (!a)
		return -ENOSPC;
	a->prio = fs_vif_prio(q, minor);
	r = attach_pidfd(a);
	if (r == 0 && kind == ATT_PROC)
		r = fs->sys_ok ? attach_proc(&fs->sys, a, a->prio,
					     att_count_minor(&fs->atts, minor,
							     ATT_PROC) == 1, &err) :
		    itm_err_set(&err, EOPNOTSUPP, "no cgroup v2 mount");
	else if (r == 0)
		r = attach_sock(a, a->prio, &err);
	if (r < 0) {
		itm_live_log("warning", "fs: attaching %s to VIF %x: %s",
			     fs_att_what(a, what, sizeof(what)), (unsigned)minor,
			     err.msg[0] ? err.msg : strerror(-r));
		if (a->pidfd >= 0)
			close(a->pidfd);
		att_del(&fs->atts, a);
		return r;
	}
	itm_live_log("info", "fs: %s attached to VIF %x (priority %x:%x)",
		     fs_att_what(a, what, sizeof(what)), (unsigned)minor,
		     a->prio >> 16, a->prio & 0xffffu);
	return 0;
}

static int fs_att_link(fuse_req_t req, struct itm_fs *fs,
		       const struct fs_obj *o, const char *link,
		       const char *name)
{
	struct itm_qdisc *q = fs_vif_root(fs->live->e);
	enum att_kind kind = o->n.kind == FS_PROC ? ATT_PROC : ATT_SOCK;
	pid_t pid = (pid_t)o->n.a;
	uint32_t minor;
	int r;

	if (o->n.kind != FS_PROC && o->n.kind != FS_SOCK)
		return -EPERM;
	if (strcmp(name, fs->ifname))
		return -EINVAL;	/* a link is named after the interface */
	if (!q)
		return -ENOENT;
	r = fs_att_target(fs, q, link, kind == ATT_PROC ? ATTP_DEPTH_PROC :
			  ATTP_DEPTH_SOCK, &minor);
	if (r == 0)
		r = fs_att_allowed(fs, req, q, minor, pid);
	if (r == 0 && att_find(&fs->atts, kind, pid, (int)o->n.b))
		r = -EEXIST;
	/* the cgroup rule is in itmd's namespace: another's packets miss it */
	if (r == 0 && kind == ATT_PROC && (r = attach_proc_netns(pid)) == -EXDEV)
		itm_live_log("warning", "fs: process %d is in another network "
			     "namespace than itmd: not attached", (int)pid);
	if (r == 0)
		r = fs_att_make(fs, kind, pid, (int)o->n.b, minor, q);
	return r;
}

void fs_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
		const char *name)
{
	struct itm_fs *fs = fs_of(req);
	struct fs_obj o;
	int r = fs_obj_get(fs, parent, &o);

	if (r == 0)
		r = fs_att_link(req, fs, &o, link, name);
	if (r < 0)
		fuse_reply_err(req, -r);
	else
		fs_reply_entry(req, fs_ino(o.n.kind == FS_PROC ? FS_PROC_LINK :
					   FS_SOCK_LINK, o.n.a, o.n.b));
}

void fs_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct itm_fs *fs = fs_of(req);
	struct itm_qdisc *q = fs_vif_root(fs->live->e);
	uint32_t m[ATTP_MINORS_MAX], chain[ATTP_MINORS_MAX], x;
	unsigned n = 0, i;
	char text[PATH_MAX];
	struct fs_obj o;
	struct att *a = NULL;

	if (fs_obj_get(fs, ino, &o) == 0 &&
	    (o.n.kind == FS_PROC_LINK || o.n.kind == FS_SOCK_LINK))
		a = fs_att_of(fs, &o);
	if (!a || !q) {
		fuse_reply_err(req, a ? ENOENT : EINVAL);
		return;
	}
	for (x = a->minor; x && n < ATTP_MINORS_MAX - 1; x = fs_vif_parent(q, x))
		chain[n++] = x;
	m[0] = 0;
	for (i = 0; i < n; i++)
		m[i + 1] = chain[n - 1 - i];
	if (attp_format(text, sizeof(text), o.n.kind == FS_PROC_LINK ?
			ATTP_DEPTH_PROC : ATTP_DEPTH_SOCK, fs->ifname, m, n + 1) < 0)
		fuse_reply_err(req, ENAMETOOLONG);
	else
		fuse_reply_readlink(req, text);
}

void fs_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct itm_fs *fs = fs_of(req);
	struct fs_obj o;
	struct att *a = NULL;
	int r = fs_obj_get(fs, parent, &o);

	if (r == 0 && o.n.kind != FS_PROC && o.n.kind != FS_SOCK)
		r = -EPERM;	/* VIF and module files are not removed */
	if (r == 0 && (strcmp(name, fs->ifname) || !(a = fs_att_of(fs, &o))))
		r = -ENOENT;
	if (r == 0 && !attach_may(a->pid, fuse_req_ctx(req)->uid))
		r = -EPERM;
	if (r == 0)
		fs_att_drop(fs, a, "unlinked");
	fuse_reply_err(req, -r);
}
