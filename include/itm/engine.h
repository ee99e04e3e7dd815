/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The engine: one configured pipeline. It holds the registered modules and
 * their hook chains, the shared flow table, the root queueing discipline and
 * the drop counters. Backends (pcap replay, later NFQUEUE and AF_PACKET)
 * feed it packets and time; the command grammar configures it.
 *
 * A configuration is applied by building a new engine from it and swapping
 * it in only when every command succeeded, so nothing is half-applied.
 */
#ifndef ITM_ENGINE_H
#define ITM_ENGINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "itm/err.h"
#include "itm/flowtab.h"
#include "itm/ifname.h"
#include "itm/mod.h"
#include "itm/qdisc.h"
#include "itm/units.h"

#define ITM_FLOWS_DEFAULT_LIMIT 65536
#define ITM_FLOWS_DEFAULT_IDLE_NS (60 * ITM_NSEC_PER_SEC)
#define ITM_MODS_MAX 64

/* Called for every packet the pipeline drops, after it was counted. */
typedef void itm_pkt_free_fn(void *ctx, struct itm_pkt *p);
/* A live backend's: a packet a module held at a single hook goes on now. */
typedef void itm_pkt_pass_fn(void *ctx, struct itm_pkt *p);

struct itm_engine {
	struct itm_mod *mods;		/* registration order */
	uint32_t n_mods, next_seq;
	struct itm_mod *chain[ITM_HOOK_MAX][ITM_MODS_MAX];
	uint32_t chain_len[ITM_HOOK_MAX];
	size_t flow_state_size;
	uint32_t flow_limit;
	uint64_t flow_idle_ns;
	uint64_t flow_sweep_ns;		/* next step of the idle flows' sweep */
	size_t flow_sweep_left;		/* entries the sweep has yet to see */
	struct itm_flowtab *flows;	/* created by itm_engine_start */
	struct itm_qdisc *root;
	uint64_t link_rate_bps;		/* 0 = unlimited */
	uint32_t link_overhead;		/* bytes added per packet for rate */
	uint64_t drops[ITM_DROP_CAUSE_MAX];
	uint64_t taken;			/* packets modules took (ITM_TAKEN) */
	uint64_t csum_fixed;		/* checksums rewritten after changes */
	itm_pkt_free_fn *free_fn;
	void *free_ctx;
	itm_pkt_pass_fn *pass_fn;	/* set: modules may hold at a hook */
	void *pass_ctx;
	uint64_t now;			/* latest time the engine was given */
	uint64_t rand_seed;		/* with seeded: keys derive from it */
	uint64_t rand_count;
	bool seeded;			/* replay: reproducible "random" keys */
	bool root_set;		/* a root qdisc was configured */
	char backend[256];	/* "ID ARGS..." of the backend line, for itmd */
	/* the qdisc and class commands that built the tree, one per line, so
	 * a backend with a second egress (the bridge) can build its twin */
	char *qdisc_cmds;
	size_t qdisc_cmds_len;
	bool qdisc_cmds_lost;	/* too long to keep: no twin can be built */
	bool started;
	bool may_hold;		/* the running path can resume held packets */
	bool destroying;	/* held packets cannot go on: they are freed */
	uint64_t held;		/* packets modules hold (ITM_HELD) */
	/* a module stopped by itself (a module process gone): the live
	 * backend's settings follow at the next itm_live_service */
	bool mods_changed;
	struct itm_ifnames ifnames;	/* for modules' device clauses */
};

int itm_engine_create(struct itm_engine **out, struct itm_err *err);
void itm_engine_destroy(struct itm_engine *e);
void itm_engine_set_free(struct itm_engine *e, itm_pkt_free_fn *fn, void *ctx);
/* A live backend that can answer a packet later (NFQUEUE: verdicts by id)
 * lets modules hold packets at its hooks: a held one comes back through
 * fn when its chain let it go, the root discipline, or the drop callback. */
void itm_engine_set_pass(struct itm_engine *e, itm_pkt_pass_fn *fn, void *ctx);

/* Module registration: argv holds interest clauses and parameters. */
int itm_engine_mod_add(struct itm_engine *e, const char *kind,
		       const char *label, enum itm_hook hook, int prio,
		       int argc, char **argv, struct itm_err *err);
/* The same for a module kind that is not built in (tests, loaded modules). */
int itm_engine_mod_register(struct itm_engine *e,
			    const struct itm_mod_ops *ops, const char *label,
			    enum itm_hook hook, int prio, int argc, char **argv,
			    struct itm_err *err);
/* Run m at every hook of `set` too (bit h for hook h), besides its own. */
void itm_engine_mod_set_hooks(struct itm_engine *e, struct itm_mod *m,
			      unsigned set);
struct itm_mod *itm_engine_mod_find(struct itm_engine *e, const char *label);
int itm_engine_mod_del(struct itm_engine *e, const char *label,
		       struct itm_err *err);
/* The hooks where an enabled module runs: bit h (what a live backend must
 * see). */
unsigned itm_engine_running_hooks(const struct itm_engine *e);
int itm_engine_mod_enable(struct itm_engine *e, const char *label, bool on,
			  struct itm_err *err);

/* "label.param": run-time parameter access through the schema. */
int itm_engine_param_set(struct itm_engine *e, const char *name,
			 const char *value, struct itm_err *err);
int itm_engine_param_get(struct itm_engine *e, const char *name, char *buf,
			 size_t len, struct itm_err *err);

/* The discipline tree's commands, tc's grammar after the verb:
 *   qdisc add|replace root|parent H [handle H] KIND [OPTIONS]
 *   qdisc change root|parent H|handle H KIND OPTIONS
 *   qdisc del root|parent H|handle H
 *   class add parent H classid H KIND [OPTIONS]
 *   class change|del classid H [KIND OPTIONS]  */
int itm_engine_qdisc_add(struct itm_engine *e, int argc, char **argv,
			 bool replace, struct itm_err *err);
int itm_engine_qdisc_change(struct itm_engine *e, int argc, char **argv,
			    struct itm_err *err);
int itm_engine_qdisc_del(struct itm_engine *e, int argc, char **argv,
			 struct itm_err *err);
int itm_engine_class_cmd(struct itm_engine *e, const char *verb, int argc,
			 char **argv, struct itm_err *err);
/* Keep a successful qdisc or class command (argv[0] is "qdisc" or
 * "class") in e->qdisc_cmds. */
void itm_engine_qdisc_record(struct itm_engine *e, int argc, char **argv);
/* Give every discipline under q the engine's (seeded) hash key. */
void itm_engine_key_qdiscs(struct itm_engine *e, struct itm_qdisc *q);
/* Counts a drop by cause and frees the packet: every discipline's drop_fn. */
void itm_engine_drop(void *ctx, struct itm_pkt *p, enum itm_drop_cause c);

/* Create the flow table and arm timers; call once configuration is done. */
int itm_engine_start(struct itm_engine *e, uint64_t now, struct itm_err *err);

/* Run one hook's chain. On ITM_DROP or ITM_TAKEN the packet is still the
 * caller's. */
enum itm_verdict itm_engine_run_hook(struct itm_engine *e, enum itm_hook h,
				     struct itm_pkt *p, uint64_t now);

/* The forward path: pre-routing, forward, post-routing, then the root
 * discipline. Takes ownership of p. */
void itm_engine_forward(struct itm_engine *e, struct itm_pkt *p, uint64_t now);
/* The same path ending in another root discipline whose drops come back to
 * e (a second egress: itm/twin.h). */
void itm_engine_forward_to(struct itm_engine *e, struct itm_qdisc *root,
			   struct itm_pkt *p, uint64_t now);

/* Live backends: a packet the kernel queued at hook h. Runs that hook's
 * chain; at post-routing the packet then enters the root discipline. */
enum itm_fate {
	ITM_FATE_DROPPED,	/* refused or taken by a module (ITM_PKT_TAKEN
				 * set): already given to the drop callback */
	ITM_FATE_QUEUED,	/* in the root discipline: leaves by dequeue */
	ITM_FATE_PASS,		/* let it go on now (bytes may have changed) */
	ITM_FATE_HELD,		/* a module holds it (only with a pass callback):
				 * it comes back by one of the three ways */
};
enum itm_fate itm_engine_hook(struct itm_engine *e, enum itm_hook h,
				     struct itm_pkt *p, uint64_t now);

/*
 * A packet a module held (ITM_HELD) comes back with the module's verdict:
 * the rest of its chain runs, then the rest of the forward path and the
 * root discipline it was heading to. Takes ownership of p. From a module's
 * fini while the engine is destroyed, p goes to the free callback instead.
 */
void itm_engine_resume(struct itm_engine *e, struct itm_pkt *p,
		       enum itm_verdict v, uint64_t now);
/* Give held packets back: those resolved by now, or (wait) all of them,
 * each module waiting at most its deadline. Replay waits after every
 * packet, so its output does not depend on timing. */
void itm_engine_settle(struct itm_engine *e, uint64_t now, bool wait);

/* Periodic work due by `now`: module timers, flow expiry. Returns the time
 * of the next timer or flow sweep, or UINT64_MAX. */
uint64_t itm_engine_timers(struct itm_engine *e, uint64_t now);

/*
 * A key for a module's keyed hash: random per call live, derived from
 * rand_seed in a deterministic replay, so that the same input gives the same
 * output bytes. Returns 0 or -errno.
 */
int itm_engine_random_key(struct itm_engine *e, struct itm_siphash_key *k);

void itm_engine_print_modules(struct itm_engine *e, FILE *f, bool json);
/* The chains as packets meet them, for `module list`: one line per hook
 * in use, "order HOOK: LABEL...". */
void itm_engine_print_order(struct itm_engine *e, FILE *f);

#endif
