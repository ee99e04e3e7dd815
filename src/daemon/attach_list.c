// SPDX-License-Identifier: GPL-2.0-only
/*
 * The uids and cgroups attached to VIFs (attach_list.h): parsing of what
 * is written, and a plain array searched linearly, as attach_tab.c, since
 * its entries are made by hand.
 */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "attach_list.h"

int atl_parse_uid(const char *text, uid_t *uid)
{
	struct passwd *pw;
	unsigned long long v;
	char *end;

	if (*text >= '0' && *text <= '9') {
		errno = 0;
		v = strtoull(text, &end, 10);
		if (errno || *end || v >= 0xffffffffull ||
		    (text[0] == '0' && text[1]))
			return -EINVAL;
		*uid = (uid_t)v;
		return 0;
	}
	pw = getpwnam(text);
	if (!pw)
		return -EINVAL;
	*uid = pw->pw_uid;
	return 0;
}

/* Each component is a plain name: not empty, not "." or "..". */
static bool atl_cg_plain(const char *p)
{
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += n;
		if (*p == '/')
			p++;
		if (*p == '\0' && p[-1] == '/')
			return false;	/* "a//" after the one dropped slash */
	}
	return true;
}

int atl_parse_cg(const char *text, char *path, size_t len)
{
	size_t n;

	if (*text == '/')
		text++;
	n = strlen(text);
	if (n && text[n - 1] == '/')
		n--;
	if (n == 0 || n >= len)
		return -EINVAL;
	memcpy(path, text, n);
	path[n] = '\0';
	if (!atl_cg_plain(path))
		return -EINVAL;
	/* itmd's own cgroups come and go with its process attachments */
	if (!strcmp(path, "itm") || !strncmp(path, "itm/", 4))
		return -EINVAL;
	return 0;
}

bool atl_cg_exists(const char *mnt, const char *path)
{
	char full[PATH_MAX];
	struct stat st;

	if ((size_t)snprintf(full, sizeof(full), "%s/%s", mnt, path) >=
	    sizeof(full))
		return false;
	return stat(full, &st) == 0 && S_ISDIR(st.st_mode);
}

int atl_parse(enum atl_kind kind, const char *text, struct atl_req *req)
{
	memset(req, 0, sizeof(*req));
	req->add = *text != '-';
	if (*text == '+' || *text == '-')
		text++;
	req->e.kind = kind;
	if (kind == ATL_UID)
		return atl_parse_uid(text, &req->e.uid);
	if (kind == ATL_CG)
		return atl_parse_cg(text, req->e.path, sizeof(req->e.path));
	return -EINVAL;
}

void atl_format(const struct atl *e, char *buf, size_t len)
{
	if (e->kind == ATL_UID)
		snprintf(buf, len, "%u", (unsigned)e->uid);
	else
		snprintf(buf, len, "/%s", e->path);
}

void atl_tab_init(struct atl_tab *t)
{
	memset(t, 0, sizeof(*t));
}

void atl_tab_fini(struct atl_tab *t)
{
	free(t->a);
	memset(t, 0, sizeof(*t));
}

static bool atl_same(const struct atl *a, const struct atl *b)
{
	if (a->kind != b->kind)
		return false;
	return a->kind == ATL_UID ? a->uid == b->uid : !strcmp(a->path, b->path);
}

struct atl *atl_find(const struct atl_tab *t, const struct atl *key)
{
	unsigned i;

	for (i = 0; i < t->n; i++) {
		if (atl_same(&t->a[i], key))
			return &t->a[i];
	}
	return NULL;
}

struct atl *atl_add(struct atl_tab *t, const struct atl *e)
{
	struct atl *a;

	if (t->n == t->cap) {
		unsigned cap = t->cap ? t->cap * 2 : 16;

		if (cap > ATL_MAX || !(a = realloc(t->a, cap * sizeof(*a))))
			return NULL;
		t->a = a;
		t->cap = cap;
	}
	a = &t->a[t->n++];
	*a = *e;
	return a;
}

void atl_del(struct atl_tab *t, struct atl *e)
{
	*e = t->a[--t->n];
}

unsigned atl_count_minor(const struct atl_tab *t, uint32_t minor,
			 enum atl_kind kind)
{
	unsigned i, n = 0;

	for (i = 0; i < t->n; i++)
		n += t->a[i].minor == minor && (!kind || t->a[i].kind == kind);
	return n;
}

/* The order of a list: by uid, by path. */
static int atl_cmp(const struct atl *a, const struct atl *b)
{
	if (a->kind == ATL_UID)
		return (a->uid > b->uid) - (a->uid < b->uid);
	return strcmp(a->path, b->path);
}

const struct atl *atl_at(const struct atl_tab *t, uint32_t minor,
			 enum atl_kind kind, unsigned idx)
{
	const struct atl *prev = NULL, *best;
	unsigned i;

	do {
		best = NULL;
		for (i = 0; i < t->n; i++) {
			const struct atl *a = &t->a[i];

			if (a->minor != minor || a->kind != kind ||
			    (prev && atl_cmp(a, prev) <= 0))
				continue;
			if (!best || atl_cmp(a, best) < 0)
				best = a;
		}
		prev = best;
	} while (best && idx--);
	return best;
}

unsigned atl_cg_depth(const char *path)
{
	unsigned n = 1;

	while ((path = strchr(path, '/')) != NULL) {
		path++;
		n++;
	}
	return n;
}

unsigned atl_rule_pos(const struct atl_tab *t, const struct atl *e)
{
	unsigned i, pos = 2;	/* after the sockets' RETURN */
	unsigned depth = e->kind == ATL_CG ? atl_cg_depth(e->path) : 0;

	if (e->kind == ATL_UID)
		return pos;
	for (i = 0; i < t->n; i++) {
		const struct atl *a = &t->a[i];

		pos += a->kind == ATL_UID ||
		       atl_cg_depth(a->path) <= depth;
	}
	return pos;
}
