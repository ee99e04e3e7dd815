/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the file tree shows of the live engine (fs_view.c): the VIFs of a
 * `vif` root discipline and the modules, their files, and the text of
 * each file. Reads go through the attribute tables, so a file reads as the
 * grammar prints the value; writes are turned into commands (fs_cmd.h).
 */
#ifndef ITM_DAEMON_FS_VIEW_H
#define ITM_DAEMON_FS_VIEW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "fs_cmd.h"
#include "itm/engine.h"

/* The root discipline if it is a vif, else NULL: no network/ entry. */
struct itm_qdisc *fs_vif_root(struct itm_engine *e);
/* minor 0 is the root VIF, the discipline itself */
bool fs_vif_exists(struct itm_qdisc *q, uint32_t minor);
uint32_t fs_vif_parent(struct itm_qdisc *q, uint32_t minor);
/* The skb->priority that names VIF minor: MAJ:MIN, 0 for the root (whose
 * packets go to its `default`). A reload may change MAJ. */
uint32_t fs_vif_prio(const struct itm_qdisc *q, uint32_t minor);
/* Why something attached to VIF minor with class id prio must end (its
 * VIF is gone, or a reload gave it another class id), or NULL; q may be
 * NULL (no vif root). */
const char *fs_vif_lost(struct itm_qdisc *q, uint32_t minor, uint32_t prio);
/* The child VIF of parent after `after` in minor order (0: the first);
 * 0 when there is none. */
uint32_t fs_vif_child_next(struct itm_qdisc *q, uint32_t parent,
			   uint32_t after);
/* The i-th file of a VIF: its id (FS_VIF_FILE's a), -ENOENT past the end. */
int fs_vif_file_at(struct itm_qdisc *q, uint32_t minor, unsigned i,
		   uint32_t *file);
const char *fs_vif_file_name(struct itm_qdisc *q, uint32_t minor,
			     uint32_t file);
int fs_vif_file_find(struct itm_qdisc *q, uint32_t minor, const char *name,
		     uint32_t *file);
bool fs_vif_file_writable(uint32_t file);
int fs_vif_read(struct itm_qdisc *q, uint32_t minor, uint32_t file, FILE *f);
/* The command a write of buf means: -EINVAL for text no value can be. */
int fs_vif_write_cmd(struct itm_qdisc *q, uint32_t minor, uint32_t file,
		     const char *buf, size_t len, struct fs_cmd *c);

/* The i-th module (registration order), NULL past the end. */
struct itm_mod *fs_mod_at(struct itm_engine *e, unsigned i);
int fs_mod_file_at(const struct itm_mod *m, unsigned i, uint32_t *file);
const char *fs_mod_file_name(const struct itm_mod *m, uint32_t file);
int fs_mod_file_find(const struct itm_mod *m, const char *name,
		     uint32_t *file);
bool fs_mod_file_writable(const struct itm_mod *m, uint32_t file);
/* A parameter's value; the ctl file's text is the caller's. */
int fs_mod_read(struct itm_mod *m, uint32_t file, FILE *f);
int fs_mod_write_cmd(const struct itm_mod *m, uint32_t file, const char *buf,
		     size_t len, struct fs_cmd *c);

#endif
