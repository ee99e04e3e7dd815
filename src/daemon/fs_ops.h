/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the file system's operations share (fs.c: nodes, directories and
 * attributes; fs_file.c: reading and writing files; fs_attach.c: procs/,
 * processes and sockets attached to VIFs by symlinks).
 */
#ifndef ITM_DAEMON_FS_OPS_H
#define ITM_DAEMON_FS_OPS_H

#define FUSE_USE_VERSION 34
#include <fuse_lowlevel.h>
#include <stdbool.h>
#include <stdio.h>

#include "fs.h"
#include "fs_cmd.h"
#include "fs_view.h"

/* A node of the tree with what it refers to in the live engine. */
struct fs_obj {
	struct fs_node n;
	struct itm_qdisc *q;	/* VIF nodes: the root discipline */
	struct itm_mod *m;	/* module nodes */
};

static inline struct itm_fs *fs_of(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

/* The node of ino, checked against the live engine: -ENOENT if gone. */
int fs_obj_get(struct itm_fs *fs, fuse_ino_t ino, struct fs_obj *o);
bool fs_obj_writable(const struct fs_obj *o);
bool fs_obj_is_file(const struct fs_obj *o);
/* Run a command on the live engine; a refusal goes to the log. */
int fs_exec(struct itm_fs *fs, struct fs_cmd *c, FILE *out);

/* A VIF's owner: its own (chown), else its nearest ancestor's, else the
 * daemon's; in st_uid and st_gid. */
void fs_vif_owner(struct itm_fs *fs, struct itm_qdisc *q, uint32_t minor,
		  struct stat *st);
void fs_reply_entry(fuse_req_t req, fuse_ino_t ino);

void fs_file_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void fs_file_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		  struct fuse_file_info *fi);
void fs_file_write(fuse_req_t req, fuse_ino_t ino, const char *buf,
		   size_t size, off_t off, struct fuse_file_info *fi);
void fs_file_release(fuse_req_t req, fuse_ino_t ino,
		     struct fuse_file_info *fi);

/* procs/ (fs_attach.c): its nodes' checks, attributes and entries */
int fs_attach_open(struct itm_fs *fs, struct itm_err *err);
void fs_attach_close(struct itm_fs *fs);
int fs_attach_obj(struct itm_fs *fs, struct fs_obj *o);
void fs_attach_attr(struct itm_fs *fs, const struct fs_obj *o, struct stat *st);
fuse_ino_t fs_attach_child(struct itm_fs *fs, const struct fs_obj *o,
			   const char *name);
bool fs_attach_dir_entry(struct itm_fs *fs, const struct fs_obj *o,
			 unsigned idx, char *name, size_t len);
/* A VIF with attachments cannot be removed. */
bool fs_attach_busy(struct itm_fs *fs, uint32_t minor);
/* A VIF's uids and cgroups files (fs_list.c) */
bool fs_list_file(const struct fs_obj *o);
int fs_list_read(struct itm_fs *fs, uint32_t minor, uint32_t file, FILE *f);
/* One write(2): one entry attached or detached; -EINVAL for bad text,
 * -EEXIST, -ENOENT, -EPERM as doc/fs.md says. */
int fs_list_write(struct itm_fs *fs, uid_t caller, const struct fs_obj *o,
		  const char *buf, size_t len);
/* Entries whose VIF is gone (q NULL: all) end. */
void fs_list_sweep(struct itm_fs *fs, struct itm_qdisc *q);
void fs_list_close(struct itm_fs *fs);
void fs_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
		const char *name);
void fs_readlink(fuse_req_t req, fuse_ino_t ino);
void fs_unlink(fuse_req_t req, fuse_ino_t parent, const char *name);

#endif
