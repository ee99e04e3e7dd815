/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Queueing disciplines. Each discipline is one file under src/qdisc/ ending
 * in one `const struct itm_qdisc_ops itm_qdisc_<id>`, one line in
 * src/qdisc/qdiscs.def and its name in src/qdisc/meson.build. Its options are attributes stored in its private
 * area, so parsing, validation and printing come from the schema.
 *
 * A discipline owns every packet handed to enqueue: it either keeps it or
 * gives it back through itm_qdisc_drop(), which counts the drop by cause and
 * returns the packet to whoever created the qdisc. Time comes from the
 * caller (`now`, ns), so the same code runs on trace time and live time.
 *
 * Disciplines form a tree as in Linux: a classful discipline (tbf, prio,
 * drr) has classes MAJOR:MINOR, each holding one child discipline that it
 * enqueues to and dequeues from through itm_qdisc_enqueue/dequeue/peek, so
 * every level keeps its own counters. A drop anywhere is counted at the
 * dropping discipline and at every ancestor, and lowers their backlog, as
 * Linux's qdisc_tree_reduce_backlog. A discipline that holds packets but may
 * not send yet (a shaper) returns NULL from dequeue after telling the tree,
 * through itm_qdisc_watchdog(), when it can send again; the backend reads
 * that from the root's wake_ns.
 */
#ifndef ITM_QDISC_H
#define ITM_QDISC_H

#include <stdalign.h>
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
	ITM_DROP_CLASS,		/* no class for the packet */
	ITM_DROP_BLOCK,		/* a class that drops by policy (vif block) */
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

#define ITM_H_MAJ(h) ((h) & 0xffff0000u)
#define ITM_H_MIN(h) ((h) & 0x0000ffffu)
#define ITM_H_ROOT 0xffffffffu

/* What classful disciplines add to the ops table. */
struct itm_class_ops {
	/* the slot holding the child of class `minor`, NULL if no such class */
	struct itm_qdisc **(*leaf)(struct itm_qdisc *q, uint32_t minor);
	/* the next class after `minor` (0: the first), 0 when none is left */
	uint32_t (*next)(const struct itm_qdisc *q, uint32_t minor);
	/* options of a class, for `class add|change`; NULL: none */
	const struct itm_attr *attrs;
	size_t opts_size;
	/* where class `minor` keeps its options, NULL if no such class */
	void *(*opts)(struct itm_qdisc *q, uint32_t minor);
	/* optional: create class `minor` with options parsed into `opts` */
	int (*add)(struct itm_qdisc *q, uint32_t minor, const void *opts,
		   struct itm_err *err);
	/* optional: options of an existing class changed (validated here) */
	int (*change)(struct itm_qdisc *q, uint32_t minor, struct itm_err *err);
	/* optional: a new default child for class `minor` (`qdisc del`);
	 * without it, a 1000-packet pfifo */
	struct itm_qdisc *(*dflt)(struct itm_qdisc *q, uint32_t minor,
				  struct itm_err *err);
	/* optional: remove class `minor`, whose child has been flushed */
	int (*del)(struct itm_qdisc *q, uint32_t minor, struct itm_err *err);
	/* optional: refuse to delete class `minor` (before anything is
	 * flushed), e.g. while it has child classes or packets */
	int (*may_del)(struct itm_qdisc *q, uint32_t minor, struct itm_err *err);
	/* optional, hierarchical disciplines: classes hang from classes of the
	 * same discipline ("class add parent 1:3 classid 1:1"). Used instead
	 * of add; `parent` is the minor of the parent class, 0 for the
	 * discipline itself. A class with child classes holds no child
	 * discipline: its leaf slot is empty. */
	int (*add_nested)(struct itm_qdisc *q, uint32_t parent, uint32_t minor,
			  const void *opts, struct itm_err *err);
	/* optional: the class that class `minor` hangs from, 0: the discipline */
	uint32_t (*parent)(const struct itm_qdisc *q, uint32_t minor);
	/* optional: the class's own counters, shown instead of its child's */
	void (*stats)(const struct itm_qdisc *q, uint32_t minor,
		      struct itm_qstats *s);
	/* optional: class statistics after the child's, text or JSON members */
	void (*dump_stats)(const struct itm_qdisc *q, uint32_t minor, FILE *f,
			   bool json);
};

/* What a discipline needs of the packets a live backend hands it. */
enum itm_qdisc_need {
	/* segments, not GSO packets: a shaper, whose queue limit and timing
	 * a 64 KB packet would defeat (Linux's tbf segments them too) */
	ITM_QNEED_SEGMENTS = 1u << 0,
	/* the whole packet, not its headers: it may rewrite it (ECN marks),
	 * and a rewritten packet goes back whole */
	ITM_QNEED_WHOLE = 1u << 1,
};

struct itm_qdisc_ops {
	const char *id;
	size_t priv_size;
	const struct itm_attr *attrs;	/* options, stored in priv */
	unsigned needs;			/* enum itm_qdisc_need, what a backend owes it */
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
	const struct itm_class_ops *cl;	/* classful disciplines only */
};

struct itm_qdisc {
	const struct itm_qdisc_ops *ops;
	struct itm_qstats stats;
	uint32_t handle;	/* MAJOR:0; 0 for a default child */
	uint32_t parent;	/* class it hangs from, ITM_H_ROOT at the top */
	struct itm_qdisc *up;	/* the discipline owning that class */
	struct itm_pkt *peeked;	/* dequeued by a peek, not yet handed out */
	uint64_t wake_ns;	/* root: when a throttled child can send */
	itm_qdisc_drop_fn *drop_fn;
	void *drop_ctx;
	/* for hashing and random draws: random at creation, replaced by the
	 * engine's (reproducible in a replay) when it starts or adds the
	 * qdisc; read it at each use, never copy it at init */
	struct itm_siphash_key hash_key;
	alignas(16) uint8_t priv[];
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
/* Only options are saved and restored, never queue state. */
#define ITM_QDISC_OPTS_MAX 64
void itm_qdisc_opts_save(const struct itm_attr *tab, const void *base,
			 uint64_t *vals);
void itm_qdisc_opts_restore(const struct itm_attr *tab, void *base,
			    const uint64_t *vals);
/* Drop everything queued (cause flush), the peeked packet included. */
void itm_qdisc_reset(struct itm_qdisc *q);

void itm_qdisc_enqueue(struct itm_qdisc *q, struct itm_pkt *p, uint64_t now);
struct itm_pkt *itm_qdisc_dequeue(struct itm_qdisc *q, uint64_t now);
/* The packet the next dequeue returns, kept until then (for shapers). */
struct itm_pkt *itm_qdisc_peek(struct itm_qdisc *q, uint64_t now);
/* For backends, after a dequeue from the root: if that was its last
 * packet, dequeue once more, as Linux's qdisc_run dequeues until the
 * discipline gives nothing. That dequeue lets a discipline tidy up (fq_pie
 * takes its emptied flows off its lists, so their next packets are new). */
void itm_qdisc_dequeued(struct itm_qdisc *root, uint64_t now);

/* For disciplines: account for and hand back a packet they drop. */
void itm_qdisc_drop(struct itm_qdisc *q, struct itm_pkt *p,
		    enum itm_drop_cause cause);
/* For shapers: nothing can leave before `when`; the root keeps the
 * earliest such time of one dequeue in wake_ns (UINT64_MAX: none). */
void itm_qdisc_watchdog(struct itm_qdisc *q, uint64_t when);

/* Create the default child of a new class: pfifo with `limit` packets, or
 * bfifo with `limit` bytes, hanging from class `parent` of `up`. */
struct itm_qdisc *itm_qdisc_create_default(struct itm_qdisc *up,
					   uint32_t parent, bool bytes,
					   uint64_t limit, struct itm_err *err);
/* Put `child` into `slot` (class `minor` of q), flushing and destroying
 * what was there. */
void itm_qdisc_graft(struct itm_qdisc *q, uint32_t minor,
		     struct itm_qdisc **slot, struct itm_qdisc *child);

/* tc's "qdisc show [-s]" lines of one discipline, or a JSON object. */
void itm_qdisc_print(const struct itm_qdisc *q, FILE *f, bool stats, bool json);
void itm_qstats_print(const struct itm_qstats *s, FILE *f);
/* "MAJOR:MINOR" as tc prints it ("1:", "1:a", "root") */
char *itm_qdisc_fmt_handle(char *buf, size_t len, uint32_t h);

/* A simple FIFO of packets linked through pkt->next, for disciplines. */
struct itm_pktq {
	struct itm_pkt *head, *tail;
	uint32_t len;
	uint64_t bytes;
};

void itm_pktq_push(struct itm_pktq *q, struct itm_pkt *p);
struct itm_pkt *itm_pktq_pop(struct itm_pktq *q);

#endif
