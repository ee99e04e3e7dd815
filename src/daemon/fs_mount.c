// SPDX-License-Identifier: GPL-2.0-only
/*
 * The FUSE session of itmd's file system (see fs.h): mount, serve from the
 * daemon's own epoll loop, unmount. No FUSE thread and no FUSE signal
 * handler: when the session's fd is readable the loop calls
 * fuse_session_receive_buf and fuse_session_process_buf, so every
 * operation runs between two packet batches, on the engine's one thread,
 * without locks. The daemon never touches its own mount point once it is
 * mounted: a request it waited for would be one only it can answer.
 */
#define FUSE_USE_VERSION 34
#include <errno.h>
#include <fuse_lowlevel.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fs_ops.h"

extern char **environ;

static void fs_on_readable(void *ctx)
{
	struct itm_fs *fs = ctx;
	int r = fuse_session_receive_buf(fs->se, fs->buf);

	if (r == -EINTR || r == -EAGAIN)
		return;
	if (r <= 0) {
		/* unmounted under us (umount, fusermount3 -u) */
		itm_live_log("warning", "fs: %s: unmounted (%s); not serving it",
			     fs->mnt, r ? strerror(-r) : "end of session");
		itm_live_unwatch(fs->live, fs->fd);
		fs->fd = -1;
		return;
	}
	fuse_session_process_buf(fs->se, fs->buf);
}

/* fusermount3 -u -z DIR: how a user without CAP_SYS_ADMIN detaches. */
static int fs_fusermount_detach(const char *dir)
{
	char *argv[] = { "fusermount3", "-u", "-z", (char *)dir, NULL };
	pid_t pid;
	int st;

	if (posix_spawnp(&pid, "fusermount3", NULL, NULL, argv, environ))
		return -ENOENT;
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		return -EIO;
	return 0;
}

/* A killed itmd leaves its mount behind, answering ENOTCONN: detach it,
 * then make the directory if it is missing. */
static int fs_prepare_dir(const char *dir, struct itm_err *err)
{
	struct stat st;

	if (stat(dir, &st) < 0 && errno == ENOTCONN) {
		if (umount2(dir, MNT_DETACH) < 0 && fs_fusermount_detach(dir) < 0)
			return itm_err_set(err, ENOTCONN,
					   "%s: a dead mount that cannot be detached", dir);
		itm_live_log("info", "fs: %s: detached a stale mount", dir);
	}
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return itm_err_set(err, errno, "%s: %s", dir, strerror(errno));
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return itm_err_set(err, ENOTDIR, "%s: not a directory", dir);
	return 0;
}

/* default_permissions: the kernel checks modes and owners; allow_other
 * (root only: others need user_allow_other in /etc/fuse.conf) lets every
 * user see the tree, which the modes then protect. */
static struct fuse_session *fs_session(struct itm_fs *fs)
{
	char opts[] = "default_permissions,fsname=itm,subtype=itm,allow_other";
	char *argv[] = { "itmd", "-o", opts, NULL };
	struct fuse_args args = FUSE_ARGS_INIT(3, argv);
	struct fuse_session *se;

	if (geteuid() != 0)
		*strrchr(opts, ',') = '\0';
	se = fuse_session_new(&args, &itm_fs_ops, sizeof(itm_fs_ops), fs);
	fuse_opt_free_args(&args);
	return se;
}

static int fs_start(struct itm_fs *fs, const char *dir, struct itm_err *err)
{
	int r = fs_prepare_dir(dir, err);

	if (r < 0)
		return r;
	fs->se = fs_session(fs);
	if (!fs->se)
		return itm_err_set(err, EINVAL, "fs: cannot start a FUSE session");
	if (fuse_session_mount(fs->se, dir) != 0) {
		fuse_session_destroy(fs->se);
		fs->se = NULL;
		return itm_err_set(err, EIO, "fs: cannot mount on %s (is /dev/fuse there?)",
				   dir);
	}
	fs->fd = fuse_session_fd(fs->se);
	r = itm_live_watch(fs->live, fs->fd, fs_on_readable, fs, err);
	return r < 0 ? r : fs_attach_open(fs, err);
}

int itm_fs_open(struct itm_fs **out, struct itm_live *lv, const char *dir,
		const char *ifname, struct itm_err *err)
{
	struct itm_fs *fs = calloc(1, sizeof(*fs));
	int r;

	if (!fs || !(fs->buf = calloc(1, sizeof(struct fuse_buf)))) {
		free(fs);
		return itm_err_set(err, ENOMEM, "out of memory");
	}
	fs->live = lv;
	fs->fd = -1;
	fs->timerfd = -1;
	fs->t0 = time(NULL);
	snprintf(fs->mnt, sizeof(fs->mnt), "%s", dir);
	snprintf(fs->ifname, sizeof(fs->ifname), "%s", ifname);
	fs_tree_init(&fs->tree, geteuid(), getegid());
	r = fs_start(fs, dir, err);
	if (r < 0) {
		itm_fs_close(fs);
		return r;
	}
	itm_live_log("info", "fs: mounted on %s (network/%s, modules)", dir, ifname);
	*out = fs;
	return 0;
}

void itm_fs_close(struct itm_fs *fs)
{
	unsigned i;

	if (!fs)
		return;
	fs_attach_close(fs);	/* processes and sockets back where they were */
	if (fs->fd >= 0)
		itm_live_unwatch(fs->live, fs->fd);
	if (fs->se) {
		fuse_session_unmount(fs->se);
		fuse_session_destroy(fs->se);
		itm_live_log("info", "fs: unmounted %s", fs->mnt);
	}
	free(((struct fuse_buf *)fs->buf)->mem);
	free(fs->buf);
	for (i = 0; i < FS_LABELS_MAX; i++)
		free(fs->ctl_out[i]);
	free(fs);
}
