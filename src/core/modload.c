// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loading module kinds from shared objects (include/itm/modload.h).
 *
 * Every check that can be made without running the file's code comes
 * first: a path (no library search), a regular file and a directory that
 * only root or this process's user can change. dlopen then runs the file's
 * initialisers, RTLD_NOW resolves every symbol it needs from the binary or
 * fails, and the export record's ABI version and layouts are compared
 * before its ops are touched. A file is opened once however many modules
 * come from it; the last one to go closes it.
 */
#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "itm/modload.h"

struct modfile {
	char path[PATH_MAX];
	void *handle;
	const struct itm_mod_ops *ops;
	unsigned refs;
	struct modfile *next;
};

static struct modfile *modfiles;

static struct modfile *modfile_by_ops(const struct itm_mod_ops *ops)
{
	struct modfile *f;

	for (f = modfiles; f; f = f->next) {
		if (f->ops == ops)
			return f;
	}
	return NULL;
}

static struct modfile *modfile_by_path(const char *path)
{
	struct modfile *f;

	for (f = modfiles; f; f = f->next) {
		if (!strcmp(f->path, path))
			return f;
	}
	return NULL;
}

/* Whether someone other than root or us could change what st describes. */
static const char *modload_unsafe(const struct stat *st, bool dir)
{
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return "owned by another user";
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) &&
	    !(dir && (st->st_mode & S_ISVTX)))
		return "writable by group or others";
	return NULL;
}

static int modload_check_file(const char *path, struct itm_err *err)
{
	char dir[PATH_MAX];
	const char *why;
	struct stat st;

	if (stat(path, &st) < 0)
		return itm_err_tok(err, path, errno, "%s: %s", path,
				   strerror(errno));
	if (!S_ISREG(st.st_mode))
		return itm_err_tok(err, path, EINVAL, "%s: not a regular file",
				   path);
	why = modload_unsafe(&st, false);
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	if (!why && stat(*dir ? dir : "/", &st) == 0)
		why = modload_unsafe(&st, true);
	if (why)
		return itm_err_tok(err, path, EPERM,
				   "%s: refused, it or its directory is %s",
				   path, why);
	return 0;
}

static bool modload_id_ok(const char *id)
{
	size_t n = id ? strlen(id) : 0;

	if (n == 0 || n >= ITM_LABEL_MAX)
		return false;
	return strspn(id, "abcdefghijklmnopqrstuvwxyz"
			  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}

static int modload_check_export(const char *path,
				const struct itm_mod_export *x,
				struct itm_err *err)
{
	const struct modfile *f;

	if (x->abi != ITM_MOD_ABI)
		return itm_err_tok(err, path, EPROTO,
				   "%s: built for module ABI %u, this itm takes %u: rebuild it against these headers",
				   path, x->abi, ITM_MOD_ABI);
	if (x->ops_size != sizeof(struct itm_mod_ops) ||
	    x->mod_size != sizeof(struct itm_mod) ||
	    x->pkt_size != sizeof(struct itm_pkt))
		return itm_err_tok(err, path, EPROTO,
				   "%s: built with other module headers (struct sizes differ): rebuild it against these",
				   path);
	if (!x->ops || !modload_id_ok(x->ops->id))
		return itm_err_tok(err, path, EINVAL,
				   "%s: its ops have no valid id (1..%d letters, digits, - or _)",
				   path, ITM_LABEL_MAX - 1);
	if ((unsigned)x->ops->default_hook >= ITM_HOOK_MAX)
		return itm_err_tok(err, path, EINVAL,
				   "%s: its ops' default_hook %u is no hook (0..%d)",
				   path, (unsigned)x->ops->default_hook,
				   ITM_HOOK_MAX - 1);
	if (x->ops->timer_ns && !x->ops->timer)	/* a period it could not use */
		return itm_err_tok(err, path, EINVAL,
				   "%s: its ops give timer_ns without timer",
				   path);
	if (itm_mod_find(x->ops->id))
		return itm_err_tok(err, path, EEXIST,
				   "%s: kind \"%s\" is a built-in module's",
				   path, x->ops->id);
	for (f = modfiles; f; f = f->next) {
		if (!strcmp(f->ops->id, x->ops->id))
			return itm_err_tok(err, path, EEXIST,
					   "%s: kind \"%s\" is already loaded from %s",
					   path, x->ops->id, f->path);
	}
	return 0;
}

/* dlopen and check a file not open yet; on success it is in the list. */
static int modload_open_new(const char *path, struct itm_err *err)
{
	const struct itm_mod_export *x;
	struct modfile *f;
	void *h;
	int r;

	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return itm_err_tok(err, path, ENOEXEC, "cannot load: %s",
				   dlerror());
	x = dlsym(h, ITM_MOD_EXPORT_SYMBOL);
	if (!x) {
		r = itm_err_tok(err, path, ENOENT,
				"%s: no symbol %s (end the module with ITM_MOD_EXPORT(ops))",
				path, ITM_MOD_EXPORT_SYMBOL);
		goto err_close;
	}
	r = modload_check_export(path, x, err);
	if (r < 0)
		goto err_close;
	f = calloc(1, sizeof(*f));
	if (!f) {
		r = itm_err_set(err, ENOMEM, "out of memory");
		goto err_close;
	}
	snprintf(f->path, sizeof(f->path), "%s", path);
	f->handle = h;
	f->ops = x->ops;
	f->next = modfiles;
	modfiles = f;
	return 0;

err_close:
	dlclose(h);
	return r;
}

int itm_modload_open(const char *file, const struct itm_mod_ops **ops,
		     struct itm_err *err)
{
	char path[PATH_MAX];
	struct modfile *f;
	int r;

	if (!strchr(file, '/'))
		return itm_err_tok(err, file, EINVAL,
				   "module load: give a path, e.g. ./%s", file);
	if (!realpath(file, path))
		return itm_err_tok(err, file, errno, "%s: %s", file,
				   strerror(errno));
	f = modfile_by_path(path);
	if (!f) {
		r = modload_check_file(path, err);
		if (r == 0)
			r = modload_open_new(path, err);
		if (r < 0)
			return r;
		f = modfiles;
	}
	f->refs++;
	*ops = f->ops;
	return 0;
}

void itm_modload_put(const struct itm_mod_ops *ops)
{
	struct modfile **pp, *f = modfile_by_ops(ops);

	if (!f || --f->refs)
		return;
	for (pp = &modfiles; *pp != f; pp = &(*pp)->next)
		;
	*pp = f->next;
	dlclose(f->handle);
	free(f);
}

const char *itm_modload_file(const struct itm_mod_ops *ops)
{
	const struct modfile *f = modfile_by_ops(ops);

	return f ? f->path : NULL;
}

const struct itm_mod_ops *itm_modload_find(const char *id)
{
	const struct modfile *f;

	for (f = modfiles; f; f = f->next) {
		if (!strcmp(f->ops->id, id))
			return f->ops;
	}
	return NULL;
}

unsigned itm_modload_count(void)
{
	const struct modfile *f;
	unsigned n = 0;

	for (f = modfiles; f; f = f->next)
		n++;
	return n;
}
