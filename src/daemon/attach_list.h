/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The uids and cgroups attached to VIFs (attach_list.c), pure: what a
 * write to a VIF's `uids` or `cgroups` file means, and the list of what
 * is attached. Every socket of an attached uid, every socket created in
 * (or below) an attached cgroup v2, is classified into the VIF by one
 * rule in itmd's chain (attach_cg.c):
 *
 *   -m owner --uid-owner UID -j CLASSIFY --set-class MAJ:MIN
 *   -m cgroup --path PATH -j CLASSIFY --set-class MAJ:MIN
 *
 * CLASSIFY does not end the chain, so the last matching rule wins; the
 * chain is kept in the order uid rules, cgroup rules (shallow paths
 * first), process rules, so that a process attachment overrides its
 * cgroup's, a cgroup's its uid's, and a nested cgroup its parent's.
 */
#ifndef ITM_DAEMON_ATTACH_LIST_H
#define ITM_DAEMON_ATTACH_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "attach_tab.h"

#define ATL_MAX 1024

enum atl_kind {
	ATL_UID = 1,
	ATL_CG,
};

struct atl {
	enum atl_kind kind;
	uint32_t minor;		/* the VIF */
	uint32_t prio;		/* its packets' skb->priority: MAJ:MIN */
	uid_t uid;		/* ATL_UID */
	/* ATL_CG: below the cgroup v2 mount, no leading slash */
	char path[ATT_CG_LEN];
};

struct atl_tab {
	struct atl *a;
	unsigned n, cap;
};

/* A write: "+ENTRY" or "ENTRY" attaches, "-ENTRY" detaches. */
struct atl_req {
	bool add;
	struct atl e;		/* kind and uid or path; minor is the caller's */
};

/*
 * A uid: decimal 0..4294967294 (not (uid_t)-1, "nobody" of setuid calls),
 * or a user name the system knows. -EINVAL otherwise.
 */
int atl_parse_uid(const char *text, uid_t *uid);
/*
 * A cgroup v2 path below the mount, "/user.slice/x" or "user.slice/x"
 * (one slash at the end is dropped), stored without the leading slash.
 * -EINVAL for the root itself, an empty, "." or ".." component, a path
 * too long, or one in itm/ (itmd's own cgroups of attached processes).
 */
int atl_parse_cg(const char *text, char *path, size_t len);
/* The path names a directory of the cgroup v2 mounted at mnt. */
bool atl_cg_exists(const char *mnt, const char *path);
/* A cleaned write (fs_value_clean) to the list of kind: -EINVAL if bad. */
int atl_parse(enum atl_kind kind, const char *text, struct atl_req *req);
/* An entry as the file lists it: "1000", "/user.slice/x". */
void atl_format(const struct atl *e, char *buf, size_t len);

void atl_tab_init(struct atl_tab *t);
void atl_tab_fini(struct atl_tab *t);
/* The entry of that uid or path, on any VIF (they are unique). */
struct atl *atl_find(const struct atl_tab *t, const struct atl *key);
/* A copy of e; NULL when full or out of memory. */
struct atl *atl_add(struct atl_tab *t, const struct atl *e);
/* Entries move: a pointer from atl_find is stale after atl_del. */
void atl_del(struct atl_tab *t, struct atl *e);
/* Entries of a VIF, of one kind or (0) of both. */
unsigned atl_count_minor(const struct atl_tab *t, uint32_t minor,
			 enum atl_kind kind);
/* The idx-th entry of a VIF's list of kind, in the order of the file
 * (uids ascending, paths sorted); NULL past the end. */
const struct atl *atl_at(const struct atl_tab *t, uint32_t minor,
			 enum atl_kind kind, unsigned idx);
/* The 1-based position in itmd's chain (after its first rule, the
 * attached sockets' RETURN) where e's rule goes, e not yet in t: uid
 * rules first, then cgroup rules by depth, deeper ones later. */
unsigned atl_rule_pos(const struct atl_tab *t, const struct atl *e);
unsigned atl_cg_depth(const char *path);

#endif
