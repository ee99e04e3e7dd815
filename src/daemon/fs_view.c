// SPDX-License-Identifier: GPL-2.0-only
/*
 * The engine as the file tree sees it (fs_view.h). A VIF directory holds
 * one file per attribute of its table (the root VIF: the discipline's
 * options; a class: the class options), `qdisc` on a leaf (its discipline
 * as the grammar takes it, so what is read can be written back) and
 * `stat`. A module directory holds one file per parameter and, when the
 * module has operations, its ctl file.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fs_tree.h"
#include "fs_view.h"

struct itm_qdisc *fs_vif_root(struct itm_engine *e)
{
	struct itm_qdisc *q = e->root;

	return q && !strcmp(q->ops->id, "vif") && q->ops->cl ? q : NULL;
}

bool fs_vif_exists(struct itm_qdisc *q, uint32_t minor)
{
	return !minor || (minor <= 0xffff && q->ops->cl->opts(q, minor));
}

uint32_t fs_vif_parent(struct itm_qdisc *q, uint32_t minor)
{
	return q->ops->cl->parent ? q->ops->cl->parent(q, minor) : 0;
}

uint32_t fs_vif_prio(const struct itm_qdisc *q, uint32_t minor)
{
	return minor ? q->handle | minor : 0;
}

const char *fs_vif_lost(struct itm_qdisc *q, uint32_t minor, uint32_t prio)
{
	if (!q || !fs_vif_exists(q, minor))
		return "its VIF is gone";
	if (fs_vif_prio(q, minor) != prio)
		return "its VIF's class id changed";
	return NULL;
}

uint32_t fs_vif_child_next(struct itm_qdisc *q, uint32_t parent,
			   uint32_t after)
{
	uint32_t m = after;

	while ((m = q->ops->cl->next(q, m)) != 0) {
		if (fs_vif_parent(q, m) == parent)
			return m;
	}
	return 0;
}

static const struct itm_attr *fs_vif_attrs(struct itm_qdisc *q, uint32_t minor,
					   void **base)
{
	if (!minor) {
		*base = itm_qdisc_priv(q);
		return q->ops->attrs;
	}
	*base = q->ops->cl->opts(q, minor);
	return q->ops->cl->attrs;
}

static unsigned fs_attr_count(const struct itm_attr *tab)
{
	unsigned n = 0;

	while (tab && tab[n].name)
		n++;
	return n;
}

static struct itm_qdisc *fs_vif_leaf(struct itm_qdisc *q, uint32_t minor)
{
	struct itm_qdisc **slot = minor ? q->ops->cl->leaf(q, minor) : NULL;

	return slot ? *slot : NULL;
}

int fs_vif_file_at(struct itm_qdisc *q, uint32_t minor, unsigned i,
		   uint32_t *file)
{
	void *base;
	unsigned n = fs_attr_count(fs_vif_attrs(q, minor, &base));

	if (i < n) {
		*file = i;
		return 0;
	}
	i -= n;
	if (fs_vif_leaf(q, minor)) {
		if (i == 0) {
			*file = FS_VF_QDISC;
			return 0;
		}
		i--;
	}
	/* stat, then the lists of attached uids and cgroups */
	if (i > FS_VF_CGROUPS - FS_VF_STAT)
		return -ENOENT;
	*file = FS_VF_STAT + i;
	return 0;
}

const char *fs_vif_file_name(struct itm_qdisc *q, uint32_t minor,
			     uint32_t file)
{
	void *base;
	const struct itm_attr *tab = fs_vif_attrs(q, minor, &base);

	if (file == FS_VF_QDISC)
		return fs_vif_leaf(q, minor) ? "qdisc" : NULL;
	if (file == FS_VF_STAT)
		return "stat";
	if (file == FS_VF_UIDS)
		return "uids";
	if (file == FS_VF_CGROUPS)
		return "cgroups";
	return file < fs_attr_count(tab) ? tab[file].name : NULL;
}

int fs_vif_file_find(struct itm_qdisc *q, uint32_t minor, const char *name,
		     uint32_t *file)
{
	unsigned i;

	for (i = 0; fs_vif_file_at(q, minor, i, file) == 0; i++) {
		if (!strcmp(fs_vif_file_name(q, minor, *file), name))
			return 0;
	}
	return -ENOENT;
}

bool fs_vif_file_writable(uint32_t file)
{
	return file != FS_VF_STAT;
}

/* The departure rate a discipline or class prints as a JSON member. */
static uint64_t fs_rate_of(void (*dump)(FILE *f, const void *arg),
			   const void *arg)
{
	char *text = NULL, *at;
	size_t len = 0;
	uint64_t rate = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return 0;
	dump(f, arg);
	fclose(f);
	at = text ? strstr(text, "\"rate\":") : NULL;
	if (at)
		rate = strtoull(at + 7, NULL, 10);
	free(text);
	return rate;
}

struct fs_stat_arg {
	struct itm_qdisc *q;
	uint32_t minor;
};

static void fs_dump_rate(FILE *f, const void *arg)
{
	const struct fs_stat_arg *s = arg;

	if (s->minor && s->q->ops->cl->dump_stats)
		s->q->ops->cl->dump_stats(s->q, s->minor, f, true);
	else if (!s->minor && s->q->ops->dump_xstats)
		s->q->ops->dump_xstats(s->q, f, true);
}

static int fs_vif_stat(struct itm_qdisc *q, uint32_t minor, FILE *f)
{
	struct fs_stat_arg arg = { q, minor };
	struct itm_qstats s = q->stats;

	if (minor && q->ops->cl->stats)
		q->ops->cl->stats(q, minor, &s);
	fprintf(f, "bytes %" PRIu64 "\npackets %" PRIu64 "\ndrops %" PRIu64
		"\nbacklog_bytes %" PRIu64 "\nbacklog_packets %" PRIu32
		"\nrate_bps %" PRIu64 "\n", s.bytes, s.packets, s.drops,
		s.backlog_bytes, s.qlen, fs_rate_of(fs_dump_rate, &arg));
	return 0;
}

int fs_vif_read(struct itm_qdisc *q, uint32_t minor, uint32_t file, FILE *f)
{
	struct itm_qdisc *leaf = fs_vif_leaf(q, minor);
	void *base;
	const struct itm_attr *tab = fs_vif_attrs(q, minor, &base);
	char buf[512];

	if (file == FS_VF_STAT)
		return fs_vif_stat(q, minor, f);
	if (file == FS_VF_QDISC) {
		if (!leaf)
			return -ENOENT;
		fputs(leaf->ops->id, f);
		if (leaf->ops->attrs && leaf->ops->attrs->name)
			fputc(' ', f);
		itm_attr_print(f, leaf->ops->attrs, itm_qdisc_priv(leaf));
		fputc('\n', f);
		return 0;
	}
	if (file >= fs_attr_count(tab) || !base)
		return -ENOENT;
	fprintf(f, "%s\n", itm_attr_format(&tab[file], base, buf, sizeof(buf)));
	return 0;
}

int fs_vif_write_cmd(struct itm_qdisc *q, uint32_t minor, uint32_t file,
		     const char *buf, size_t len, struct fs_cmd *c)
{
	char value[FS_VALUE_MAX];
	const char *name = fs_vif_file_name(q, minor, file);
	int r;

	if (!name || !fs_vif_file_writable(file))
		return -EACCES;
	r = fs_value_clean(buf, len, file != FS_VF_QDISC, value, sizeof(value));
	if (r < 0)
		return r;
	if (file == FS_VF_QDISC)
		return fs_cmd_vif_qdisc(c, q->handle, minor, value);
	return fs_cmd_vif_set(c, q->handle, minor, name, value);
}

struct itm_mod *fs_mod_at(struct itm_engine *e, unsigned i)
{
	struct itm_mod *m = e->mods;

	while (m && i--)
		m = m->next;
	return m;
}

int fs_mod_file_at(const struct itm_mod *m, unsigned i, uint32_t *file)
{
	unsigned n = fs_attr_count(m->ops->attrs);

	if (i < n)
		*file = i;
	else if (i == n && m->ops->ctl)
		*file = FS_MOD_CTL;
	else
		return -ENOENT;
	return 0;
}

const char *fs_mod_file_name(const struct itm_mod *m, uint32_t file)
{
	if (file == FS_MOD_CTL)
		return !m->ops->ctl ? NULL : m->ops->ctl_file ? m->ops->ctl_file : "ctl";
	return file < fs_attr_count(m->ops->attrs) ? m->ops->attrs[file].name : NULL;
}

int fs_mod_file_find(const struct itm_mod *m, const char *name,
		     uint32_t *file)
{
	unsigned i;

	for (i = 0; fs_mod_file_at(m, i, file) == 0; i++) {
		if (!strcmp(fs_mod_file_name(m, *file), name))
			return 0;
	}
	return -ENOENT;
}

bool fs_mod_file_writable(const struct itm_mod *m, uint32_t file)
{
	if (file == FS_MOD_CTL)
		return true;
	return file < fs_attr_count(m->ops->attrs) &&
	       (m->ops->attrs[file].flags & ITM_ATTR_WRITABLE);
}

int fs_mod_read(struct itm_mod *m, uint32_t file, FILE *f)
{
	char buf[512];

	if (file >= fs_attr_count(m->ops->attrs))
		return -ENOENT;
	fprintf(f, "%s\n", itm_attr_format(&m->ops->attrs[file], m->priv, buf,
					   sizeof(buf)));
	return 0;
}

int fs_mod_write_cmd(const struct itm_mod *m, uint32_t file, const char *buf,
		     size_t len, struct fs_cmd *c)
{
	char value[FS_VALUE_MAX];
	const char *name = fs_mod_file_name(m, file);
	int r;

	if (!name || !fs_mod_file_writable(m, file))
		return -EACCES;
	r = fs_value_clean(buf, len, file != FS_MOD_CTL, value, sizeof(value));
	if (r < 0)
		return r;
	if (file == FS_MOD_CTL)
		return fs_cmd_mod_ctl(c, m->label, value);
	return fs_cmd_mod_set(c, m->label, name, value);
}
