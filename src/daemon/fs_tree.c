// SPDX-License-Identifier: GPL-2.0-only
/*
 * Inode numbers and the little state the file tree keeps (fs_tree.h).
 * An inode is kind << 48 | a << 16 | b; the root is FUSE's inode 1.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fs_tree.h"

uint64_t fs_ino(enum fs_kind kind, uint32_t a, uint32_t b)
{
	if (kind == FS_ROOT)
		return 1;
	return (uint64_t)kind << 48 | (uint64_t)a << 16 | (b & 0xffffu);
}

bool fs_node_of(uint64_t ino, struct fs_node *n)
{
	if (ino == 1) {
		*n = (struct fs_node){ .kind = FS_ROOT };
		return true;
	}
	n->kind = (enum fs_kind)(ino >> 48);
	n->a = (uint32_t)(ino >> 16);
	n->b = (uint32_t)(ino & 0xffffu);
	return n->kind > FS_ROOT && n->kind <= FS_SOCK_LINK;
}

void fs_tree_init(struct fs_tree *t, uid_t uid, gid_t gid)
{
	memset(t, 0, sizeof(*t));
	t->uid = uid;
	t->gid = gid;
}

static struct fs_owner *fs_tree_find(const struct fs_tree *t, uint32_t minor)
{
	uint32_t i;

	for (i = 0; i < t->n_owners; i++) {
		if (t->owner[i].minor == minor)
			return (struct fs_owner *)&t->owner[i];
	}
	return NULL;
}

bool fs_tree_owner(const struct fs_tree *t, uint32_t minor, uid_t *uid,
		   gid_t *gid)
{
	const struct fs_owner *o = fs_tree_find(t, minor);

	if (!o)
		return false;
	*uid = o->uid;
	*gid = o->gid;
	return true;
}

int fs_tree_chown(struct fs_tree *t, uint32_t minor, uid_t uid, gid_t gid)
{
	struct fs_owner *o = fs_tree_find(t, minor);

	if (!o) {
		if (t->n_owners == FS_OWNERS_MAX)
			return -ENOSPC;
		o = &t->owner[t->n_owners++];
		o->minor = minor;
	}
	o->uid = uid;
	o->gid = gid;
	return 0;
}

void fs_tree_forget(struct fs_tree *t, uint32_t minor)
{
	struct fs_owner *o = fs_tree_find(t, minor);

	if (o)
		*o = t->owner[--t->n_owners];
}

int fs_tree_label_slot(struct fs_tree *t, const char *label)
{
	uint32_t i;

	if (strlen(label) >= FS_LABEL_LEN)
		return -ENAMETOOLONG;
	for (i = 0; i < t->n_labels; i++) {
		if (!strcmp(t->label[i], label))
			return (int)i;
	}
	if (t->n_labels == FS_LABELS_MAX)
		return -ENOSPC;
	snprintf(t->label[t->n_labels], FS_LABEL_LEN, "%s", label);
	return (int)t->n_labels++;
}

const char *fs_tree_label(const struct fs_tree *t, uint32_t slot)
{
	return slot < t->n_labels ? t->label[slot] : NULL;
}
