// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reading and writing the file system's files (see fs.h). Files report
 * size 0 and are opened with direct_io, so reads are not cut at a cached
 * size. A read returns the text the file had when it was opened; a write
 * is applied at once, so `echo` gets the engine's refusal as its write
 * error, and the old value stays.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fs_ops.h"

/* An open file: the text at open, and what was written so far. */
struct fs_handle {
	char *rd;
	size_t rd_len;
	char wr[FS_VALUE_MAX];
	size_t wr_len;
};

/* The text a file shows now. */
static int fs_snapshot(struct itm_fs *fs, const struct fs_obj *o,
		       struct fs_handle *h)
{
	FILE *f;
	int r;

	if (o->n.kind == FS_MOD_FILE && o->n.a == FS_MOD_CTL) {
		h->rd_len = fs->ctl_len[o->n.b];
		h->rd = malloc(h->rd_len + 1);
		if (h->rd && h->rd_len)
			memcpy(h->rd, fs->ctl_out[o->n.b], h->rd_len);
		return h->rd ? 0 : -ENOMEM;
	}
	f = open_memstream(&h->rd, &h->rd_len);
	if (!f)
		return -ENOMEM;
	if (fs_list_file(o))
		r = fs_list_read(fs, o->n.b, o->n.a, f);
	else if (o->n.kind == FS_VIF_FILE)
		r = fs_vif_read(o->q, o->n.b, o->n.a, f);
	else
		r = fs_mod_read(o->m, o->n.a, f);
	fclose(f);
	return r;
}

void fs_file_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct itm_fs *fs = fs_of(req);
	int acc = fi->flags & O_ACCMODE, r;
	struct fs_handle *h = NULL;
	struct fs_obj o;

	r = fs_obj_get(fs, ino, &o);
	if (r == 0 && !fs_obj_is_file(&o))
		r = -EISDIR;
	if (r == 0 && acc != O_RDONLY && !fs_obj_writable(&o))
		r = -EACCES;	/* root too: the kernel lets root past 0444 */
	if (r == 0 && !(h = calloc(1, sizeof(*h))))
		r = -ENOMEM;
	if (r == 0 && acc != O_WRONLY)
		r = fs_snapshot(fs, &o, h);
	if (r < 0) {
		if (h)
			free(h->rd);
		free(h);
		fuse_reply_err(req, -r);
		return;
	}
	fi->fh = (uintptr_t)h;
	fi->direct_io = 1;
	fuse_reply_open(req, fi);
}

void fs_file_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct fs_handle *h = (struct fs_handle *)(uintptr_t)fi->fh;

	if (!h->rd || off < 0 || (size_t)off >= h->rd_len) {
		fuse_reply_buf(req, NULL, 0);
		return;
	}
	if (size > h->rd_len - (size_t)off)
		size = h->rd_len - (size_t)off;
	fuse_reply_buf(req, h->rd + off, size);
}

/* The ctl file keeps the operation's output for the next read. */
static int fs_ctl_run(struct itm_fs *fs, uint32_t slot, struct fs_cmd *c)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	int r;

	if (!f)
		return -ENOMEM;
	r = fs_exec(fs, c, f);
	fclose(f);
	if (r < 0) {
		free(out);
		return r;
	}
	free(fs->ctl_out[slot]);
	fs->ctl_out[slot] = out;
	fs->ctl_len[slot] = len;
	return 0;
}

static int fs_apply(struct itm_fs *fs, const struct fs_obj *o,
		    const struct fs_handle *h)
{
	struct fs_cmd c;
	int r;

	if (o->n.kind == FS_VIF_FILE)
		r = fs_vif_write_cmd(o->q, o->n.b, o->n.a, h->wr, h->wr_len, &c);
	else
		r = fs_mod_write_cmd(o->m, o->n.a, h->wr, h->wr_len, &c);
	if (r < 0) {
		int len = (int)h->wr_len - (h->wr_len && h->wr[h->wr_len - 1] == '\n');

		if (o->n.kind == FS_VIF_FILE && o->n.a == FS_VF_QDISC)
			itm_live_log("warning", "fs: \"%.*s\" refused: not KIND [OPTIONS] "
				     "of a discipline (itm qdisc help)", len, h->wr);
		else
			itm_live_log("warning", "fs: \"%.*s\" refused: not one value "
				     "(one word, no control characters)", len, h->wr);
		return r;
	}
	if (o->n.kind == FS_MOD_FILE && o->n.a == FS_MOD_CTL)
		return fs_ctl_run(fs, o->n.b, &c);
	return fs_exec(fs, &c, NULL);
}

void fs_file_write(fuse_req_t req, fuse_ino_t ino, const char *buf,
		     size_t size, off_t off, struct fuse_file_info *fi)
{
	struct itm_fs *fs = fs_of(req);
	struct fs_handle *h = (struct fs_handle *)(uintptr_t)fi->fh;
	struct fs_obj o;
	int r = fs_obj_get(fs, ino, &o);

	/* a list file takes each write(2) as one entry, wherever it lands */
	if (r == 0 && fs_list_file(&o)) {
		r = size < FS_VALUE_MAX ?
		    fs_list_write(fs, fuse_req_ctx(req)->uid, &o, buf, size) :
		    -EFBIG;
		if (r < 0)
			fuse_reply_err(req, -r);
		else
			fuse_reply_write(req, size);
		return;
	}
	if (r == 0 && (off < 0 || size >= sizeof(h->wr) ||
		       (size_t)off > sizeof(h->wr) - 1 - size))
		r = -EFBIG;
	if (r == 0) {
		memcpy(h->wr + off, buf, size);
		if ((size_t)off + size > h->wr_len)
			h->wr_len = (size_t)off + size;
		r = fs_apply(fs, &o, h);
	}
	if (r < 0)
		fuse_reply_err(req, r == -EFBIG ? EFBIG : fs_errno_write(r));
	else
		fuse_reply_write(req, size);
}

void fs_file_release(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct fs_handle *h = (struct fs_handle *)(uintptr_t)fi->fh;

	free(h->rd);
	free(h);
	fuse_reply_err(req, 0);
}
