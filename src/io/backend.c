// SPDX-License-Identifier: GPL-2.0-only
/*
 * The backend registry, and the `backend` line: checked against the
 * backend's own parser when a configuration is read, kept as text in the
 * engine, and parsed again by itmd when it opens the backend.
 */
#include <stdlib.h>
#include <string.h>

#include "itm/backend.h"

#define ITM_BACKEND(id) extern const struct itm_backend_ops itm_backend_##id;
#include "io/backends.def"
#undef ITM_BACKEND

static const struct itm_backend_ops *const backend_list[] = {
#define ITM_BACKEND(id) &itm_backend_##id,
#include "io/backends.def"
#undef ITM_BACKEND
	NULL,
};

const struct itm_backend_ops *itm_backend_find(const char *id)
{
	const struct itm_backend_ops *const *o;

	for (o = backend_list; *o; o++) {
		if (!strcmp((*o)->id, id))
			return *o;
	}
	return NULL;
}

static int backend_unknown(const char *id, struct itm_err *err)
{
	char known[128] = "";
	const struct itm_backend_ops *const *o;

	for (o = backend_list; *o; o++) {
		strncat(known, " ", sizeof(known) - strlen(known) - 1);
		strncat(known, (*o)->id, sizeof(known) - strlen(known) - 1);
	}
	return itm_err_tok(err, id, ENOENT, "unknown backend \"%s\" (known:%s)",
			   id, known);
}

int itm_backend_create(struct itm_backend **out, struct itm_live *live,
		       int argc, char **argv, struct itm_err *err)
{
	const struct itm_backend_ops *ops;
	struct itm_backend *b;
	int r;

	if (argc < 1)
		return itm_err_set(err, EINVAL, "backend: which? (nfqueue)");
	ops = itm_backend_find(argv[0]);
	if (!ops)
		return backend_unknown(argv[0], err);
	b = calloc(1, sizeof(*b) + ops->priv_size);
	if (!b)
		return itm_err_set(err, ENOMEM, "out of memory");
	b->ops = ops;
	b->live = live;
	r = ops->parse(b->priv, argc - 1, argv + 1, err);
	if (r < 0) {
		free(b);
		return r;
	}
	*out = b;
	return 0;
}

int itm_backend_check(int argc, char **argv, struct itm_err *err)
{
	struct itm_backend *b;
	int r = itm_backend_create(&b, NULL, argc, argv, err);

	if (r == 0)
		itm_backend_destroy(b);
	return r;
}

void itm_backend_destroy(struct itm_backend *b)
{
	free(b);
}
