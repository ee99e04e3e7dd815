/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Live backends: where itmd's packets come from and go to. A backend is one
 * file under src/io/ ending in one `const struct itm_backend_ops
 * itm_backend_<id>`, one line in src/io/backends.def and its name in
 * src/io/meson.build. The configuration
 * names it with one line, `backend ID [ARGS]`, checked when the file is
 * read (so `itm check` catches a bad one) and acted on by itmd.
 *
 * A backend owns the packets it hands to the engine: the engine gives them
 * back through the drop callback (the packet is refused) or through the
 * root discipline's dequeue (it leaves), and at close the backend releases
 * every packet still held, to the wire (fail open), never losing one.
 */
#ifndef ITM_BACKEND_H
#define ITM_BACKEND_H

#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "itm/err.h"

struct itm_live;
struct itm_backend;
struct itm_engine;

#define ITM_BACKEND_ARGS_MAX 16

struct itm_backend_ops {
	const char *id;
	const char *usage;	/* "backend nfqueue [dev IF] [port N] ..." */
	size_t priv_size;
	/* check the words after the id and keep them in priv; no side effect */
	int (*parse)(void *priv, int argc, char **argv, struct itm_err *err);
	/* install: open sockets, add rules, register with the loop */
	int (*open)(struct itm_backend *b, struct itm_err *err);
	/* live->e was replaced by a reload: take over the packets old holds
	 * (then the caller destroys old) */
	void (*rebind)(struct itm_backend *b, struct itm_engine *old);
	/* optional: a command changed live->e at run time (a module or a
	 * discipline added): re-derive what the backend takes from it */
	void (*changed)(struct itm_backend *b);
	/* send what the root discipline lets go now; arm the next wake-up */
	void (*kick)(struct itm_backend *b, uint64_t now);
	/* optional: when kick has work next (a shaper's or the backend's own
	 * pacing deadline), UINT64_MAX for never; without it the loop wakes
	 * at the root discipline's wake_ns while it holds packets */
	uint64_t (*deadline)(struct itm_backend *b);
	/* optional: after the engine's lock is released, send what was
	 * decided under it (the expensive system calls, outside the lock) */
	void (*flush)(struct itm_backend *b);
	/* release every held packet, remove everything installed */
	void (*close)(struct itm_backend *b);
	/* optional: the root of the tree whose packets leave by device dev,
	 * NULL if none (a backend with an egress per interface) */
	struct itm_qdisc *(*egress)(const struct itm_backend *b, const char *dev);
	/* optional: what runs and its counters, for SIGUSR1's log and
	 * `itm backend show -s`: text lines each indented two spaces, or
	 * one JSON object */
	void (*dump)(const struct itm_backend *b, FILE *f, bool json);
};

struct itm_backend {
	const struct itm_backend_ops *ops;
	struct itm_live *live;
	alignas(16) uint8_t priv[];
};

static inline void *itm_backend_priv(struct itm_backend *b)
{
	return b->priv;
}

const struct itm_backend_ops *itm_backend_find(const char *id);

/* Validate "ID ARGS..." without opening anything; err names the token. */
int itm_backend_check(int argc, char **argv, struct itm_err *err);

/* Parse "ID ARGS..." into a new backend bound to live (not opened). */
int itm_backend_create(struct itm_backend **out, struct itm_live *live,
		       int argc, char **argv, struct itm_err *err);
void itm_backend_destroy(struct itm_backend *b);

#endif
