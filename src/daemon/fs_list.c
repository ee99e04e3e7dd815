// SPDX-License-Identifier: GPL-2.0-only
/*
 * A VIF's `uids` and `cgroups` files (see attach_list.h): read, the
 * attached entries one per line; written, one entry per write(2):
 *
 *   echo +1000 > network/eth0/3/uids          attach uid 1000
 *   echo -1000 > network/eth0/3/uids          detach it
 *   echo +/user.slice/x > network/eth0/3/cgroups
 *
 * The file's owner is the VIF's, so the kernel (default_permissions) lets
 * only that user and root write. As for processes, a user may attach only
 * what is its own: its uid, a cgroup directory it owns (a delegated one).
 * An entry ends with its detach, its VIF and itmd.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "fs_ops.h"

bool fs_list_file(const struct fs_obj *o)
{
	return o->n.kind == FS_VIF_FILE &&
	       (o->n.a == FS_VF_UIDS || o->n.a == FS_VF_CGROUPS);
}

static enum atl_kind fs_list_kind(uint32_t file)
{
	return file == FS_VF_UIDS ? ATL_UID : ATL_CG;
}

int fs_list_read(struct itm_fs *fs, uint32_t minor, uint32_t file, FILE *f)
{
	const struct atl *e;
	char text[ATT_CG_LEN + 2];
	unsigned i;

	for (i = 0; (e = atl_at(&fs->lists, minor, fs_list_kind(file), i)); i++) {
		atl_format(e, text, sizeof(text));
		fprintf(f, "%s\n", text);
	}
	return 0;
}

/* "fs: uid 1000 attached to VIF 3", with why in parentheses if given */
static void fs_list_log(const struct atl *e, const char *what, const char *why)
{
	char text[ATT_CG_LEN + 2];

	atl_format(e, text, sizeof(text));
	itm_live_log("info", "fs: %s %s %s VIF %x%s%s%s", e->kind == ATL_UID ?
		     "uid" : "cgroup", text, what, (unsigned)e->minor,
		     why ? " (" : "", why ? why : "", why ? ")" : "");
}

static void fs_list_drop(struct itm_fs *fs, struct atl *e, const char *why)
{
	attach_list_rule(&fs->sys, false, e, 0, NULL);
	fs_list_log(e, "detached from", why);
	atl_del(&fs->lists, e);
}

/* A user attaches only its own uid, or a cgroup directory it owns. */
static int fs_list_may(struct itm_fs *fs, uid_t caller, const struct atl *e)
{
	char full[PATH_MAX + ATT_CG_LEN];
	struct stat st;

	if (caller == 0)
		return 0;
	if (e->kind == ATL_UID)
		return e->uid == caller ? 0 : -EPERM;
	snprintf(full, sizeof(full), "%s/%s", fs->sys.cg_mnt, e->path);
	return stat(full, &st) == 0 && st.st_uid == caller ? 0 : -EPERM;
}

static int fs_list_add(struct itm_fs *fs, uid_t caller, struct atl *e)
{
	struct itm_err err = { 0 };
	unsigned pos;
	int r;

	if (atl_find(&fs->lists, e))
		return -EEXIST;	/* here or on another VIF */
	if (!fs->sys_ok)
		return -EOPNOTSUPP;
	if (e->kind == ATL_CG && !atl_cg_exists(fs->sys.cg_mnt, e->path))
		return -ENOTDIR;	/* told apart in the log, EINVAL to the writer */
	if ((r = fs_list_may(fs, caller, e)) < 0)
		return r;
	if (fs->lists.n == ATL_MAX)
		return -ENOSPC;
	pos = atl_rule_pos(&fs->lists, e);
	r = attach_list_rule(&fs->sys, true, e, pos, &err);
	if (r == 0 && !atl_add(&fs->lists, e)) {
		attach_list_rule(&fs->sys, false, e, 0, NULL);
		r = -ENOMEM;
	}
	if (r < 0 && err.msg[0])
		itm_live_log("warning", "fs: %s", err.msg);
	return r;
}

static const char *fs_list_why(int r)
{
	switch (r) {
	case -EEXIST:
		return "already attached";
	case -ENOENT:
		return "not attached to this VIF";
	case -EPERM:
		return "not the writer's own";
	case -EOPNOTSUPP:
		return "no cgroup v2 mount";
	case -ENOTDIR:
		return "no such cgroup";
	default:
		return strerror(-r);
	}
}

int fs_list_write(struct itm_fs *fs, uid_t caller, const struct fs_obj *o,
		  const char *buf, size_t len)
{
	char text[FS_VALUE_MAX];
	struct atl_req req;
	struct atl *cur;
	int r = fs_value_clean(buf, len, o->n.a == FS_VF_UIDS, text,
			       sizeof(text));

	if (r == 0)
		r = atl_parse(fs_list_kind(o->n.a), text, &req);
	if (r < 0) {
		const char *nl = memchr(buf, '\n', len);

		itm_live_log("warning", "fs: \"%.*s\" refused: not %s",
			     (int)(nl ? (size_t)(nl - buf) : len), buf,
			     o->n.a == FS_VF_UIDS ? "[+|-]UID or [+|-]USER" :
			     "[+|-]PATH below the cgroup v2 mount");
		return -EINVAL;
	}
	req.e.minor = o->n.b;
	req.e.prio = fs_vif_prio(o->q, o->n.b);
	cur = atl_find(&fs->lists, &req.e);
	if (req.add)
		r = fs_list_add(fs, caller, &req.e);
	else
		r = cur && cur->minor == o->n.b ? 0 : -ENOENT;
	if (r == 0 && !req.add)
		fs_list_drop(fs, cur, "written");
	else if (r == 0)
		fs_list_log(&req.e, "attached to", NULL);
	else
		itm_live_log("warning", "fs: \"%s\" to VIF %x refused: %s", text,
			     (unsigned)o->n.b, fs_list_why(r));
	return r == -ENOTDIR || r == -EIO ? -EINVAL : r;
}

void fs_list_sweep(struct itm_fs *fs, struct itm_qdisc *q)
{
	unsigned i = fs->lists.n;

	while (i--) {
		struct atl *e = &fs->lists.a[i];
		const char *why = fs_vif_lost(q, e->minor, e->prio);

		if (why)
			fs_list_drop(fs, e, why);
	}
}

void fs_list_close(struct itm_fs *fs)
{
	while (fs->lists.n)
		fs_list_drop(fs, &fs->lists.a[fs->lists.n - 1], "itmd stops");
	atl_tab_fini(&fs->lists);
}
