/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Queueing disciplines. Each discipline is one file under src/qdisc/ ending
 * in one `const struct itm_qdisc_ops itm_qdisc_<id>` and one line in
 * src/qdisc/qdiscs.def. Its options are attributes stored in its private
 * area, so parsing, validation and printing come from the schema.
 *
 * A discipline owns every packet handed to enqueue: it either keeps it or
 * gives it back through itm_qdisc_drop(), which counts the drop by cause and
 * returns the packet to whoever created the qdisc. Time comes from the
 * caller (`now`, ns), so the same code runs on trace time and live time.
 */
#ifndef ITM_QDISC_H
#define ITM_QDISC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "itm/attr.h"
#include "itm/err.h"
#include "itm/pkt.h"
#include "itm/siphash.h"

enum itm_drop_cause {
	ITM_DROP_MODULE,	/* a module's verdict */
	ITM_DROP_LIMIT,		/* queue limit (tc: dropped + overlimit) */
	ITM_DROP_MEMORY,	/* memory limit */
	ITM_DROP_AQM,		/* active queue management */
	ITM_DROP_FLUSH,		/* queue reset or replaced */
	ITM_DROP_CAUSE_MAX,
};

const char *itm_drop_cause_name(enum itm_drop_cause c);

struct itm_qstats {
	uint64_t bytes, packets;	/* sent */
	uint64_t drops, overlimits, requeues;
	uint64_t backlog_bytes;
	uint32_t qlen;
};

struct itm_qdisc;

typedef void itm_qdisc_drop_fn(void *ctx, struct itm_pkt *p,
			       enum itm_drop_cause cause);

struct itm_qdisc_ops {
	const char *id;
	size_t priv_size;
	const struct itm_attr *attrs;	/* options, stored in priv */
	/* check option combinations and set up state; options are set */
	int (*init)(struct itm_qdisc *q, struct itm_err *err);
	/* options changed at run time; may trim the queue */
	int (*change)(struct itm_qdisc *q, struct itm_err *err);
	void (*reset)(struct itm_qdisc *q);	/* drop everything queued */
	void (*destroy)(struct itm_qdisc *q);	/* optional */
	void (*enqueue)(struct itm_qdisc *q, struct itm_pkt *p, uint64_t now);
	struct itm_pkt *(*dequeue)(struct itm_qdisc *q, uint64_t now);
	/* optional: extra statistics, text after the standard lines */
	void (*dump_xstats)(const struct itm_qdisc *q, FILE *f, bool json);
};

struct itm_qdisc {
	const struct itm_qdisc_ops *ops;
	struct itm_qstats stats;
	uint32_t handle;
	itm_qdisc_drop_fn *drop_fn;
	void *drop_ctx;
	/* for hashing and random draws: random at creation, replaced by the
	 * engine's (reproducible in a replay) when it starts or adds the
	 * qdisc; read it at each use, never copy it at init */
	struct itm_siphash_key hash_key;
	_Alignas(16) uint8_t priv[];
};

static inline void *itm_qdisc_priv(struct itm_qdisc *q)
{
	return q->priv;
}

static inline const void *itm_qdisc_priv_const(const struct itm_qdisc *q)
{
	return q->priv;
}

const struct itm_qdisc_ops *itm_qdisc_find(const char *id);
/* NULL-terminated list of all disciplines, for help. */
const struct itm_qdisc_ops *const *itm_qdisc_all(void);

/* Create from "KIND opt val ..." tokens; all-or-nothing. */
int itm_qdisc_create(struct itm_qdisc **out, int argc, char **argv,
		     itm_qdisc_drop_fn *drop_fn, void *drop_ctx,
		     struct itm_err *err);
/* Change options of a live discipline from "opt val ..." tokens. */
int itm_qdisc_change(struct itm_qdisc *q, int argc, char **argv,
		     struct itm_err *err);
void itm_qdisc_destroy(struct itm_qdisc *q);

void itm_qdisc_enqueue(struct itm_qdisc *q, struct itm_pkt *p, uint64_t now);
struct itm_pkt *itm_qdisc_dequeue(struct itm_qdisc *q, uint64_t now);

/* For disciplines: account for and hand back a packet they drop. */
void itm_qdisc_drop(struct itm_qdisc *q, struct itm_pkt *p,
		    enum itm_drop_cause cause);

/* tc's "qdisc show [-s]" lines, or a JSON object. */
void itm_qdisc_print(const struct itm_qdisc *q, FILE *f, bool stats, bool json);

/* A simple FIFO of packets linked through pkt->next, for disciplines. */
struct itm_pktq {
	struct itm_pkt *head, *tail;
	uint32_t len;
	uint64_t bytes;
};

void itm_pktq_push(struct itm_pktq *q, struct itm_pkt *p);
struct itm_pkt *itm_pktq_pop(struct itm_pktq *q);

#endif
