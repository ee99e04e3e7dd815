/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The tree of queueing disciplines under one root, addressed as tc does:
 * a discipline by its handle "MAJOR:", a class by "MAJOR:MINOR", the top by
 * "root". The engine's commands (`qdisc add parent 1:1 ...`, `class add
 * classid 1:1 ...`) are built on these.
 */
#ifndef ITM_QTREE_H
#define ITM_QTREE_H

#include "itm/qdisc.h"

/* "root", "1:" or "1:a" (hex) into a handle. */
int itm_handle_parse(const char *text, uint32_t *h, struct itm_err *err);

typedef int itm_qtree_fn(struct itm_qdisc *q, void *arg);
int itm_qtree_walk(struct itm_qdisc *q, itm_qtree_fn *fn, void *arg);

/* What the disciplines of the tree need together: enum itm_qdisc_need. */
unsigned itm_qtree_needs(struct itm_qdisc *root);

/* The discipline whose handle has the major of `handle`, or NULL. */
struct itm_qdisc *itm_qtree_find(struct itm_qdisc *root, uint32_t handle);
/* The slot a discipline hanging from `parent` lives in: rootp for
 * ITM_H_ROOT, else the leaf slot of that class, *owner set to its
 * discipline. -errno with err set when there is no such class. */
int itm_qtree_slot(struct itm_qdisc **rootp, uint32_t parent,
		   struct itm_qdisc ***slot, struct itm_qdisc **owner,
		   struct itm_err *err);
/* An unused handle for a discipline created without one; 0 if none. */
uint32_t itm_qtree_free_handle(struct itm_qdisc *root);

/* Give q its handle, and its classes' children their parent. */
void itm_qtree_set_handle(struct itm_qdisc *q, uint32_t handle);

/* `qdisc show` and `class show` of the whole tree (JSON: an array). */
void itm_qtree_print(struct itm_qdisc *root, FILE *f, bool stats, bool json);
void itm_qtree_print_classes(struct itm_qdisc *root, FILE *f, bool stats,
			     bool json);

#endif
