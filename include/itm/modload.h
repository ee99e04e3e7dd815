/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Module kinds loaded from shared objects (`module load FILE.so`). Each
 * file is opened once and counted: every module registered from it holds
 * one reference, and the object is closed when the last one goes, whether
 * by `module unload`, `module del` or the engine's end.
 */
#ifndef ITM_MODLOAD_H
#define ITM_MODLOAD_H

#include "itm/err.h"
#include "itm/mod.h"

/*
 * Open FILE (a path: at least one '/', no library search), check it (owner,
 * permissions, export symbol, ABI, kind name) and take one reference to its
 * module kind. On failure nothing stays open and err names file and reason.
 */
int itm_modload_open(const char *file, const struct itm_mod_ops **ops,
		     struct itm_err *err);
/* Drop one reference to a loaded kind; built-in ops are ignored. */
void itm_modload_put(const struct itm_mod_ops *ops);
/* The file a kind was loaded from (its real path), NULL if built in. */
const char *itm_modload_file(const struct itm_mod_ops *ops);
/* A loaded kind by id, for `module help` and clash checks; NULL if none. */
const struct itm_mod_ops *itm_modload_find(const char *id);
/* Objects open now (tests check that unloading closed them). */
unsigned itm_modload_count(void);

#endif
