/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The file tree's nodes (fs_tree.c). An inode number says what it names
 * (a kind and two indices: a VIF's minor and file, a module's label slot
 * and parameter), so the tree keeps no per-inode state and the kernel's
 * lookup and forget counts need no bookkeeping. What the engine does not
 * hold lives here: VIF owners (chown) and the module label slots.
 */
#ifndef ITM_DAEMON_FS_TREE_H
#define ITM_DAEMON_FS_TREE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

enum fs_kind {
	FS_ROOT = 1,		/* the mount point; inode 1 (FUSE's root) */
	FS_NETWORK,		/* network/ */
	FS_MODULES,		/* modules/ */
	FS_VIF,			/* network/IF/[MINOR/...]: b is the minor */
	FS_VIF_FILE,		/* a in enum fs_vif_file or an attribute index */
	FS_MOD,			/* modules/LABEL: b is the label slot */
	FS_MOD_FILE,		/* a is a parameter index or FS_MOD_CTL */
	FS_PROCS,		/* procs/ */
	FS_PROC,		/* procs/PID: a is the pid */
	FS_PROC_LINK,		/* procs/PID/IF: the process's VIF */
	FS_SOCKETS,		/* procs/PID/sockets */
	FS_SOCK,		/* procs/PID/sockets/FD: b is the fd */
	FS_SOCK_LINK,		/* procs/PID/sockets/FD/IF: the socket's VIF */
};

/* VIF files beyond the attribute table's: a is the attribute's index. */
enum fs_vif_file {
	FS_VF_QDISC = 0x100,	/* a leaf's discipline */
	FS_VF_STAT,		/* counters, read-only */
	FS_VF_UIDS,		/* attached uids (attach_list.h) */
	FS_VF_CGROUPS,		/* attached cgroups */
};
#define FS_MOD_CTL 0x100	/* the module's `module ctl` file */

struct fs_node {
	enum fs_kind kind;
	uint32_t a, b;
};

uint64_t fs_ino(enum fs_kind kind, uint32_t a, uint32_t b);
/* false for a number no node ever had */
bool fs_node_of(uint64_t ino, struct fs_node *n);

#define FS_OWNERS_MAX 4096
#define FS_LABELS_MAX 256
#define FS_LABEL_LEN 32

struct fs_owner {
	uint32_t minor;
	uid_t uid;
	gid_t gid;
};

struct fs_tree {
	struct fs_owner owner[FS_OWNERS_MAX];	/* explicit, by chown */
	uint32_t n_owners;
	uid_t uid;				/* the daemon's: the default */
	gid_t gid;
	/* a module's slot is kept for the daemon's life, so an inode keeps
	 * naming the same label across reloads and deletions */
	char label[FS_LABELS_MAX][FS_LABEL_LEN];
	uint32_t n_labels;
};

void fs_tree_init(struct fs_tree *t, uid_t uid, gid_t gid);
/* The explicit owner of a VIF, false if it inherits its parent's. */
bool fs_tree_owner(const struct fs_tree *t, uint32_t minor, uid_t *uid,
		   gid_t *gid);
int fs_tree_chown(struct fs_tree *t, uint32_t minor, uid_t uid, gid_t gid);
/* A deleted VIF's owner goes, so a new one of that minor inherits. */
void fs_tree_forget(struct fs_tree *t, uint32_t minor);
/* The slot of a label, allocated on first sight; -ENOSPC when full. */
int fs_tree_label_slot(struct fs_tree *t, const char *label);
const char *fs_tree_label(const struct fs_tree *t, uint32_t slot);

#endif
