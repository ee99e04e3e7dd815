/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the file system's operations share (fs.c: nodes, directories and
 * attributes; fs_file.c: reading and writing files).
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

void fs_file_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void fs_file_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		  struct fuse_file_info *fi);
void fs_file_write(fuse_req_t req, fuse_ino_t ino, const char *buf,
		   size_t size, off_t off, struct fuse_file_info *fi);
void fs_file_release(fuse_req_t req, fuse_ino_t ino,
		     struct fuse_file_info *fi);

#endif
