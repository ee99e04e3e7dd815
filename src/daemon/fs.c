// SPDX-License-Identifier: GPL-2.0-only
/*
 * The file system's operations (see fs.h). Inodes name what they show
 * (fs_tree.h), so every request first checks that its node still exists
 * in the live engine: a VIF deleted through the control socket or a
 * reload is gone from the tree at once. No attribute or entry is
 * cached: values change under the kernel's feet. Reading and writing
 * files is fs_file.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "fs_ops.h"

static int fs_obj_vif(struct itm_fs *fs, struct fs_obj *o)
{
	o->q = fs_vif_root(fs->live->e);
	if (!o->q || !fs_vif_exists(o->q, o->n.b))
		return -ENOENT;
	if (o->n.kind == FS_VIF_FILE && !fs_vif_file_name(o->q, o->n.b, o->n.a))
		return -ENOENT;
	return 0;
}

static int fs_obj_mod(struct itm_fs *fs, struct fs_obj *o)
{
	const char *label = fs_tree_label(&fs->tree, o->n.b);

	o->m = label ? itm_engine_mod_find(fs->live->e, label) : NULL;
	if (!o->m)
		return -ENOENT;
	if (o->n.kind == FS_MOD_FILE && !fs_mod_file_name(o->m, o->n.a))
		return -ENOENT;
	return 0;
}

int fs_obj_get(struct itm_fs *fs, fuse_ino_t ino, struct fs_obj *o)
{
	memset(o, 0, sizeof(*o));
	if (!fs_node_of(ino, &o->n))
		return -ENOENT;
	switch (o->n.kind) {
	case FS_VIF:
	case FS_VIF_FILE:
		return fs_obj_vif(fs, o);
	case FS_MOD:
	case FS_MOD_FILE:
		return fs_obj_mod(fs, o);
	case FS_ROOT:
	case FS_NETWORK:
	case FS_MODULES:
		return 0;
	default:
		return fs_attach_obj(fs, o);
	}
}

void fs_vif_owner(struct itm_fs *fs, struct itm_qdisc *q, uint32_t minor,
		  struct stat *st)
{
	for (;;) {
		if (fs_tree_owner(&fs->tree, minor, &st->st_uid, &st->st_gid))
			return;
		if (!minor)
			break;
		minor = fs_vif_parent(q, minor);
	}
	st->st_uid = fs->tree.uid;
	st->st_gid = fs->tree.gid;
}

bool fs_obj_writable(const struct fs_obj *o)
{
	if (o->n.kind == FS_VIF_FILE)
		return fs_vif_file_writable(o->n.a);
	return o->n.kind == FS_MOD_FILE && fs_mod_file_writable(o->m, o->n.a);
}

bool fs_obj_is_file(const struct fs_obj *o)
{
	return o->n.kind == FS_VIF_FILE || o->n.kind == FS_MOD_FILE;
}

static void fs_obj_attr(struct itm_fs *fs, fuse_ino_t ino,
			const struct fs_obj *o, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = ino;
	st->st_uid = fs->tree.uid;
	st->st_gid = fs->tree.gid;
	st->st_atime = st->st_mtime = st->st_ctime = fs->t0;
	if (o->n.kind >= FS_PROCS) {
		fs_attach_attr(fs, o, st);
		return;
	}
	if (o->q)
		fs_vif_owner(fs, o->q, o->n.b, st);
	if (fs_obj_is_file(o)) {
		st->st_mode = S_IFREG | (fs_obj_writable(o) ? 0644 : 0444);
		st->st_nlink = 1;
	} else {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
	}
}

void fs_reply_entry(fuse_req_t req, fuse_ino_t ino)
{
	struct itm_fs *fs = fs_of(req);
	struct fuse_entry_param e = { .ino = ino };
	struct fs_obj o;
	int r = fs_obj_get(fs, ino, &o);

	if (r < 0) {
		fuse_reply_err(req, -r);
		return;
	}
	fs_obj_attr(fs, ino, &o, &e.attr);
	fuse_reply_entry(req, &e);
}

/* The child of a VIF directory called name, 0 if none. */
static fuse_ino_t fs_vif_lookup(struct itm_qdisc *q, uint32_t minor,
				const char *name)
{
	uint32_t file, child;

	if (fs_vif_file_find(q, minor, name, &file) == 0)
		return fs_ino(FS_VIF_FILE, file, minor);
	if (fs_name_minor(name, &child) == 0 && fs_vif_exists(q, child) &&
	    fs_vif_parent(q, child) == minor)
		return fs_ino(FS_VIF, 0, child);
	return 0;
}

static fuse_ino_t fs_child(struct itm_fs *fs, const struct fs_obj *o,
			   const char *name)
{
	struct itm_engine *e = fs->live->e;
	uint32_t file;
	int slot;

	switch (o->n.kind) {
	case FS_ROOT:
		return !strcmp(name, "network") ? fs_ino(FS_NETWORK, 0, 0) :
		       !strcmp(name, "modules") ? fs_ino(FS_MODULES, 0, 0) :
		       !strcmp(name, "procs") ? fs_ino(FS_PROCS, 0, 0) : 0;
	case FS_NETWORK:
		return fs_vif_root(e) && !strcmp(name, fs->ifname) ?
		       fs_ino(FS_VIF, 0, 0) : 0;
	case FS_VIF:
		return fs_vif_lookup(o->q, o->n.b, name);
	case FS_MODULES:
		slot = itm_engine_mod_find(e, name) ?
		       fs_tree_label_slot(&fs->tree, name) : -ENOENT;
		return slot < 0 ? 0 : fs_ino(FS_MOD, 0, (uint32_t)slot);
	case FS_MOD:
		return fs_mod_file_find(o->m, name, &file) ? 0 :
		       fs_ino(FS_MOD_FILE, file, o->n.b);
	default:
		return fs_attach_child(fs, o, name);
	}
}

static void fs_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct itm_fs *fs = fs_of(req);
	struct fs_obj o;
	fuse_ino_t ino = fs_obj_get(fs, parent, &o) ? 0 : fs_child(fs, &o, name);

	if (!ino)
		fuse_reply_err(req, ENOENT);
	else
		fs_reply_entry(req, ino);
}

static void fs_getattr(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct itm_fs *fs = fs_of(req);
	struct stat st;
	struct fs_obj o;
	int r = fs_obj_get(fs, ino, &o);

	if (r < 0) {
		fuse_reply_err(req, -r);
		return;
	}
	fs_obj_attr(fs, ino, &o, &st);
	fuse_reply_attr(req, &st, 0);
}

/* chown of a VIF directory; truncation of a file (`echo v > f` may come
 * as one); times are accepted and not kept. */
static int fs_setattr_apply(struct itm_fs *fs, fuse_ino_t ino,
			    const struct fs_obj *o, const struct stat *attr,
			    int to_set)
{
	struct stat cur;

	if (to_set & FUSE_SET_ATTR_MODE)
		return -EPERM;
	if ((to_set & FUSE_SET_ATTR_SIZE) &&
	    (!fs_obj_is_file(o) || attr->st_size != 0))
		return -EINVAL;
	if (!(to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)))
		return 0;
	if (o->n.kind != FS_VIF)
		return -EPERM;
	fs_obj_attr(fs, ino, o, &cur);
	return fs_tree_chown(&fs->tree, o->n.b,
			     to_set & FUSE_SET_ATTR_UID ? attr->st_uid : cur.st_uid,
			     to_set & FUSE_SET_ATTR_GID ? attr->st_gid : cur.st_gid);
}

static void fs_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
		       int to_set, struct fuse_file_info *fi)
{
	struct itm_fs *fs = fs_of(req);
	struct stat st;
	struct fs_obj o;
	int r = fs_obj_get(fs, ino, &o);

	if (r == 0)
		r = fs_setattr_apply(fs, ino, &o, attr, to_set);
	if (r < 0) {
		fuse_reply_err(req, -r);
		return;
	}
	fs_obj_attr(fs, ino, &o, &st);
	fuse_reply_attr(req, &st, 0);
}

/* Run a command on the live engine; a refusal goes to the log. */
int fs_exec(struct itm_fs *fs, struct fs_cmd *c, FILE *out)
{
	char line[512];
	struct itm_err err = { 0 };
	int r;

	fs_cmd_line(c, line, sizeof(line));
	r = itm_ctl_exec(fs->live, c->argc, c->argv, out, &err);
	if (r < 0)
		itm_live_log("warning", "fs: \"%s\" refused: %s", line, err.msg);
	return r;
}

static void fs_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
		     mode_t mode)
{
	struct itm_fs *fs = fs_of(req);
	struct fs_cmd c;
	struct fs_obj o;
	uint32_t minor;
	int r = fs_obj_get(fs, parent, &o);

	if (r == 0 && o.n.kind != FS_VIF)
		r = -EPERM;
	else if (r == 0 && fs_name_minor(name, &minor) < 0)
		r = -EINVAL;	/* a VIF is named by its class minor, in hex */
	else if (r == 0 && fs_vif_exists(o.q, minor))
		r = -EEXIST;
	if (r == 0)
		r = fs_cmd_mkdir(&c, o.q->handle, o.n.b, minor);
	if (r == 0)
		r = fs_exec(fs, &c, NULL);
	if (r < 0) {
		fuse_reply_err(req, r == -ERANGE || r == -E2BIG ? EINVAL : -r);
		return;
	}
	fs_tree_forget(&fs->tree, minor);	/* a stale owner of that minor */
	fs_reply_entry(req, fs_ino(FS_VIF, 0, minor));
}

static void fs_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct itm_fs *fs = fs_of(req);
	struct fs_cmd c;
	struct fs_obj o;
	uint32_t minor = 0;
	int r = fs_obj_get(fs, parent, &o);

	if (r == 0 && o.n.kind != FS_VIF)
		r = -EPERM;
	else if (r == 0 && (fs_name_minor(name, &minor) < 0 ||
			    !fs_vif_exists(o.q, minor) ||
			    fs_vif_parent(o.q, minor) != o.n.b))
		r = -ENOENT;
	else if (r == 0 && fs_vif_child_next(o.q, minor, 0))
		r = -ENOTEMPTY;
	else if (r == 0 && fs_attach_busy(fs, minor))
		r = -EBUSY;	/* processes or sockets are attached to it */
	if (r == 0)
		r = fs_cmd_rmdir(&c, o.q->handle, minor);
	if (r == 0)
		r = -fs_errno_rmdir(fs_exec(fs, &c, NULL));
	if (r == 0)
		fs_tree_forget(&fs->tree, minor);
	fuse_reply_err(req, -r);
}

static void fs_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
		     mode_t mode, dev_t rdev)
{
	fuse_reply_err(req, EPERM);
}


/* A VIF directory lists its files, then its child VIFs. */
static bool fs_vif_dir_entry(struct itm_qdisc *q, uint32_t minor, unsigned idx,
			     char *name, size_t len)
{
	uint32_t file, child = 0;
	unsigned n_files = 0;

	while (fs_vif_file_at(q, minor, n_files, &file) == 0)
		n_files++;
	if (idx < n_files) {
		fs_vif_file_at(q, minor, idx, &file);
		snprintf(name, len, "%s", fs_vif_file_name(q, minor, file));
		return true;
	}
	idx -= n_files;
	do {
		child = fs_vif_child_next(q, minor, child);
		if (!child)
			return false;
	} while (idx--);
	fs_minor_name(child, name, len);
	return true;
}

/* The idx-th entry of a directory ("." and ".." first); false past the
 * end. */
static bool fs_dir_entry(struct itm_fs *fs, fuse_ino_t ino,
			 const struct fs_obj *o, unsigned idx, char *name,
			 size_t len, fuse_ino_t *child)
{
	static const char *const top[] = { "network", "modules", "procs" };
	struct itm_mod *m;
	uint32_t file;

	if (idx < 2) {
		snprintf(name, len, "%s", idx ? ".." : ".");
		*child = ino;
		return true;
	}
	idx -= 2;
	switch (o->n.kind) {
	case FS_ROOT:
		if (idx >= 3)
			return false;
		snprintf(name, len, "%s", top[idx]);
		break;
	case FS_NETWORK:
		if (idx || !fs_vif_root(fs->live->e))
			return false;
		snprintf(name, len, "%s", fs->ifname);
		break;
	case FS_VIF:
		if (!fs_vif_dir_entry(o->q, o->n.b, idx, name, len))
			return false;
		break;
	case FS_MODULES:
		m = fs_mod_at(fs->live->e, idx);
		if (!m)
			return false;
		snprintf(name, len, "%s", m->label);
		break;
	case FS_MOD:
		if (fs_mod_file_at(o->m, idx, &file) < 0)
			return false;
		snprintf(name, len, "%s", fs_mod_file_name(o->m, file));
		break;
	default:
		if (!fs_attach_dir_entry(fs, o, idx, name, len))
			return false;
	}
	*child = fs_child(fs, o, name);
	return *child != 0;
}

static void fs_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	struct itm_fs *fs = fs_of(req);
	char name[256], *buf;
	size_t used = 0;
	struct fs_obj o, co;
	fuse_ino_t child;
	unsigned idx;
	int r = fs_obj_get(fs, ino, &o);

	if (r == 0 && fs_obj_is_file(&o))
		r = -ENOTDIR;
	buf = r == 0 ? malloc(size) : NULL;
	if (r < 0 || !buf) {
		fuse_reply_err(req, r < 0 ? -r : ENOMEM);
		return;
	}
	for (idx = (unsigned)off;
	     fs_dir_entry(fs, ino, &o, idx, name, sizeof(name), &child); idx++) {
		struct stat st = { .st_ino = child };
		size_t need;

		if (fs_obj_get(fs, child, &co) == 0)
			fs_obj_attr(fs, child, &co, &st);
		st.st_ino = child;
		need = fuse_add_direntry(req, buf + used, size - used, name, &st,
					 (off_t)idx + 1);
		if (need > size - used)
			break;
		used += need;
	}
	fuse_reply_buf(req, buf, used);
	free(buf);
}

const struct fuse_lowlevel_ops itm_fs_ops = {
	.lookup = fs_lookup,
	.getattr = fs_getattr,
	.setattr = fs_setattr,
	.mknod = fs_mknod,
	.mkdir = fs_mkdir,
	.unlink = fs_unlink,
	.symlink = fs_symlink,
	.readlink = fs_readlink,
	.rmdir = fs_rmdir,
	.open = fs_file_open,
	.read = fs_file_read,
	.write = fs_file_write,
	.release = fs_file_release,
	.readdir = fs_readdir,
};
