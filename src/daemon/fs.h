/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * itmd's file system (netnice's file API), mounted with `itmd -m DIR`:
 *
 *   DIR/network/IF/            the root VIF (a `vif` root discipline)
 *   DIR/network/IF/3/1/        VIFs: mkdir, rmdir; one file per parameter
 *   DIR/network/IF/3/uids      users attached to a VIF (also `cgroups`)
 *   DIR/modules/LABEL/NAME     a module's parameters; its ctl file
 *   DIR/procs/PID/IF           a process attached to a VIF (a symlink)
 *   DIR/procs/PID/sockets/FD/IF    one socket attached to a VIF
 *
 * FUSE's low-level API served from itmd's own event loop (fs_mount.c: the
 * session, the mount and its fd on the loop; fs.c: the operations).
 * Every change is a grammar command run on the live engine, checked as the
 * control socket's are; access control is the kernel's, on the owners and
 * modes the tree reports (default_permissions).
 */
#ifndef ITM_DAEMON_FS_H
#define ITM_DAEMON_FS_H

#include <limits.h>
#include <time.h>

#include "attach.h"
#include "fs_tree.h"
#include "itm/live.h"

#define FS_IFNAME_MAX 64

struct fuse_session;
struct fuse_lowlevel_ops;

struct itm_fs {
	struct itm_live *live;
	struct fuse_session *se;
	void *buf;		/* struct fuse_buf, owned by fs_mount.c */
	int fd;			/* the session's, watched by the loop */
	char mnt[PATH_MAX];
	char ifname[FS_IFNAME_MAX];	/* the root VIF's directory name */
	time_t t0;		/* every node's times */
	struct fs_tree tree;
	/* the last output of each module's ctl file, by label slot */
	char *ctl_out[FS_LABELS_MAX];
	size_t ctl_len[FS_LABELS_MAX];
	/* attachments (fs_attach.c) and how they reach packets (attach.c) */
	struct att_tab atts;
	struct atl_tab lists;	/* uids and cgroups of VIFs (fs_list.c) */
	struct attach_sys sys;
	bool sys_ok;		/* cgroup v2 found: processes may attach */
	int timerfd;		/* the periodic check for exited processes */
};

extern const struct fuse_lowlevel_ops itm_fs_ops;

/* Mount at dir (made if missing; a dead mount left by a killed itmd is
 * detached first) and serve from lv's loop. */
int itm_fs_open(struct itm_fs **out, struct itm_live *lv, const char *dir,
		const char *ifname, struct itm_err *err);
/* Unmount and free; NULL is fine. */
void itm_fs_close(struct itm_fs *fs);

#endif
