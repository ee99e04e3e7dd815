// SPDX-License-Identifier: GPL-2.0-only
/*
 * The table of attachments (attach_tab.h): a plain array, searched
 * linearly. There are as many entries as a user made by hand, and every
 * lookup runs on the event loop between packet batches.
 */
#include <stdlib.h>
#include <string.h>

#include "attach_tab.h"

void att_tab_init(struct att_tab *t)
{
	memset(t, 0, sizeof(*t));
}

void att_tab_fini(struct att_tab *t)
{
	free(t->a);
	memset(t, 0, sizeof(*t));
}

struct att *att_find(const struct att_tab *t, enum att_kind kind, pid_t pid,
		     int fd)
{
	unsigned i;

	for (i = 0; i < t->n; i++) {
		struct att *a = &t->a[i];

		if (a->kind == kind && a->pid == pid &&
		    (kind == ATT_PROC || a->fd == fd))
			return a;
	}
	return NULL;
}

struct att *att_add(struct att_tab *t, enum att_kind kind, pid_t pid, int fd,
		    uint32_t minor)
{
	struct att *a;

	if (t->n == t->cap) {
		unsigned cap = t->cap ? t->cap * 2 : 16;

		if (cap > ATT_MAX || !(a = realloc(t->a, cap * sizeof(*a))))
			return NULL;
		t->a = a;
		t->cap = cap;
	}
	a = &t->a[t->n++];
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	a->pid = pid;
	a->fd = kind == ATT_SOCK ? fd : -1;
	a->minor = minor;
	a->pidfd = -1;
	return a;
}

void att_del(struct att_tab *t, struct att *a)
{
	*a = t->a[--t->n];
}

unsigned att_count_minor(const struct att_tab *t, uint32_t minor,
			 enum att_kind kind)
{
	unsigned i, n = 0;

	for (i = 0; i < t->n; i++)
		n += t->a[i].minor == minor && (!kind || t->a[i].kind == kind);
	return n;
}

pid_t att_pid_next(const struct att_tab *t, pid_t after)
{
	pid_t best = 0;
	unsigned i;

	for (i = 0; i < t->n; i++) {
		pid_t p = t->a[i].pid;

		if (p > after && (!best || p < best))
			best = p;
	}
	return best;
}

int att_fd_next(const struct att_tab *t, pid_t pid, int after)
{
	int best = -1;
	unsigned i;

	for (i = 0; i < t->n; i++) {
		const struct att *a = &t->a[i];

		if (a->kind == ATT_SOCK && a->pid == pid && a->fd > after &&
		    (best < 0 || a->fd < best))
			best = a->fd;
	}
	return best;
}

bool att_pid_known(const struct att_tab *t, pid_t pid)
{
	return att_pid_next(t, pid - 1) == pid;
}
