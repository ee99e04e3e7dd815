/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The itmBench module API.
 *
 * A module is registered at one hook with an interest filter and up to five
 * callbacks, called for each interesting packet in this order:
 *
 *   cls = classify(m, p)       the packet's class; 0 = none
 *   log(m, p, cls)             record what was seen
 *   v = process(m, p, cls)     act; skipped when cls == 0 (as in the paper)
 *   class_update(m, p, cls)    update class state from what was logged
 *   ctl_update(m, now)         adapt controller parameters
 *
 * `process` returns ITM_ACCEPT, ITM_DROP or ITM_MODIFIED (headers changed:
 * the framework re-parses the packet and fixes IPv4 and L4 checksums), or
 * ITM_TAKEN (the module carried the packet away itself: it leaves the
 * path like a drop but is counted as taken).
 * A module whose answer comes later (one in its own process) may return
 * ITM_HELD when the engine allows it (itm_mod_may_hold): it keeps the
 * packet, as a queueing discipline would, and gives it back with
 * itm_engine_resume(), which runs the rest of the chain.
 * `timer` runs every timer_ns of the clock in use (trace or monotonic time):
 * ops->timer_ns, or what the instance set with itm_mod_set_timer (a
 * period from a parameter; ops->timer_ns 0 then means none until set).
 *
 * Each module kind is one file in src/mod/ ending in one
 * `const struct itm_mod_ops itm_mod_<id>`, one line in src/mod/modules.def
 * and its name in src/mod/meson.build.
 * Its parameters are attributes in its private area, so `set <label>.<name>`
 * and `get` work for all of them without module code.
 *
 * A module built outside the tree is a shared object that `module load
 * FILE.so` brings into itmd or itm replay (doc/modules.md). It is written
 * the same way and ends in ITM_MOD_EXPORT(its ops), which defines the one
 * symbol the loader looks for: the ABI version and the layouts it was built
 * with, checked before anything else in the file is used.
 */
#ifndef ITM_MOD_H
#define ITM_MOD_H

#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "itm/attr.h"
#include "itm/err.h"
#include "itm/flowtab.h"
#include "itm/pkt.h"
#include "itm/prefix.h"

#ifdef __cplusplus
extern "C" {
#endif

enum itm_hook {
	ITM_HOOK_PRE_ROUTING,
	ITM_HOOK_LOCAL_IN,
	ITM_HOOK_FORWARD,
	ITM_HOOK_LOCAL_OUT,
	ITM_HOOK_POST_ROUTING,
	ITM_HOOK_MAX,
};

enum itm_verdict {
	ITM_ACCEPT,
	ITM_DROP,
	ITM_MODIFIED,
	ITM_HELD,	/* the module keeps it: see itm_engine_resume */
	ITM_TAKEN,	/* the module took it off the path (a tunnel sent it
			 * elsewhere): it goes no further, counted as taken,
			 * not as a drop; the kernel's verdict is a drop */
};

const char *itm_hook_name(enum itm_hook h);
int itm_hook_parse(const char *s, enum itm_hook *h);
/* "post-routing,local-in": the first hook named and the set (bit h for
 * hook h); -EINVAL for an unknown or repeated name. */
int itm_hooks_parse(const char *s, enum itm_hook *first, unsigned *set);
/* A set of hooks as "forward,post-routing", in hook order. */
#define ITM_HOOKS_TEXT 64
char *itm_hooks_text(unsigned set, char *buf, size_t len);
/* The same as a JSON array of names: ["forward","post-routing"]. */
void itm_hooks_print_json(FILE *f, unsigned set);

#define ITM_IFNAME_MAX 16
#define ITM_INTEREST_PREFIXES 4

/* Which packets a module sees; an empty field matches everything. */
struct itm_interest {
	uint8_t protos[32];	/* bitmap of IP protocols; all zero = any */
	struct itm_prefix src[ITM_INTEREST_PREFIXES], dst[ITM_INTEREST_PREFIXES];
	uint8_t n_src, n_dst;
	uint16_t sport_lo, sport_hi, dport_lo, dport_hi;	/* hi 0 = any */
	char iif[ITM_IFNAME_MAX], oif[ITM_IFNAME_MAX];
};

struct itm_mod;

struct itm_mod_ops {
	const char *id;
	const char *help;		/* one line for `module help` */
	size_t priv_size;		/* parameters and state */
	size_t flow_state_size;		/* bytes of per-flow state it needs */
	const struct itm_attr *attrs;	/* parameters, stored in priv */
	enum itm_hook default_hook;
	int (*init)(struct itm_mod *m, struct itm_err *err);
	/* the engine starts: draw keys (itm_engine_random_key), arm state */
	int (*start)(struct itm_mod *m, uint64_t now_ns, struct itm_err *err);
	void (*fini)(struct itm_mod *m);
	uint32_t (*classify)(struct itm_mod *m, struct itm_pkt *p);
	void (*log)(struct itm_mod *m, struct itm_pkt *p, uint32_t cls);
	enum itm_verdict (*process)(struct itm_mod *m, struct itm_pkt *p,
				    uint32_t cls);
	void (*class_update)(struct itm_mod *m, struct itm_pkt *p,
			     uint32_t cls);
	void (*ctl_update)(struct itm_mod *m, uint64_t now_ns);
	/* optional: an operation on the module's state, `module ctl LABEL OP` */
	int (*ctl)(struct itm_mod *m, const char *op, FILE *out, bool json,
		   struct itm_err *err);
	/* the file that takes ctl's operations in itmd's file system
	 * (modules/LABEL/NAME: "table" for a flow table); NULL: "ctl" */
	const char *ctl_file;
	/* optional: state worth showing, after the parameters: text lines
	 * indented by two spaces, each ending in a newline; JSON one value,
	 * an object (`module list --json` puts it after "state":) */
	void (*dump)(struct itm_mod *m, FILE *f, bool json);
	/* with ITM_HELD: give back what is held, resolved by now; with
	 * wait, every held packet, waiting at most the module's deadline */
	void (*settle)(struct itm_mod *m, uint64_t now_ns, bool wait);
	uint64_t timer_ns;		/* 0 = no timer, or set by init */
	void (*timer)(struct itm_mod *m, uint64_t now_ns);
};

struct itm_mod_stats {
	uint64_t seen;		/* packets offered at the hook */
	uint64_t interested;	/* passed the interest filter */
	uint64_t classified;	/* classify returned non-zero */
	uint64_t accepted, dropped, modified;
	uint64_t taken;		/* ITM_TAKEN: carried away by the module */
	uint64_t timer_runs;
	uint64_t timer_skips;	/* runs not made after a long gap */
};

#define ITM_LABEL_MAX 32

struct itm_engine;

/* What a module instance needs of a live backend, set by its init (or,
 * for a module process, at registration). */
enum itm_mod_need {
	/* it lengthens packets (an outer header): a GSO packet of up to 64 KB
	 * could not take it, so GSO packets must come segmented */
	ITM_MOD_NEED_SEGMENTS = 1u << 0,
};

struct itm_mod {
	const struct itm_mod_ops *ops;
	struct itm_engine *eng;
	char label[ITM_LABEL_MAX];
	enum itm_hook hook;	/* the first hook it was registered at */
	unsigned hooks;		/* every hook whose chain runs it: bit h */
	int prio;		/* lower runs first; ties by registration */
	uint32_t seq;		/* registration order */
	bool enabled;
	uint8_t needs;		/* enum itm_mod_need */
	struct itm_interest interest;
	size_t flow_state_off;	/* offset of this module's per-flow state */
	uint64_t next_timer_ns;
	uint64_t timer_ns;	/* the period now: ops->timer_ns unless set */
	struct itm_mod_stats stats;
	struct itm_mod *next;	/* registration list */
	alignas(16) uint8_t priv[];
};

static inline void *itm_mod_priv(struct itm_mod *m)
{
	return m->priv;
}

/* This module's per-flow state inside a shared flow-table entry. */
static inline void *itm_mod_flow_state(const struct itm_mod *m,
				       struct itm_flow *f)
{
	return f->state + m->flow_state_off;
}

/* This instance's timer period, e.g. from a parameter: from init, a
 * callback or the timer itself; 0 stops the timer. The next run is one
 * period from the clock's now. For ops with a timer (else nothing). */
void itm_mod_set_timer(struct itm_mod *m, uint64_t period_ns);

/* The shared flow table (NULL until the engine starts). */
struct itm_flowtab *itm_mod_flowtab(const struct itm_mod *m);
/* Whether process may return ITM_HELD for the packet at hand: only on the
 * forward path, whose caller need not wait for the packet. */
bool itm_mod_may_hold(const struct itm_mod *m);

/* Flow key of a packet's outer (or inner) 5-tuple; false without IP. */
bool itm_flow_key_from_l3(struct itm_flow_key *k, const struct itm_l3 *l3);
void itm_flow_key_reverse(struct itm_flow_key *k);
/* One line of `flows show`, or a JSON object. */
void itm_flow_print(FILE *f, const struct itm_flow *fl, bool json);

/*
 * The module ABI: this header and the ones it includes (attr.h, err.h,
 * flowtab.h, pkt.h, prefix.h, siphash.h) and the functions they declare,
 * which itmd and itm export to loaded objects. Any change to a structure
 * here, or to such a function, bumps ITM_MOD_ABI; the sizes recorded next
 * to it catch a change made without the bump.
 */
#define ITM_MOD_ABI 4
#define ITM_MOD_EXPORT_SYMBOL "itm_module"

struct itm_mod_export {
	uint32_t abi;		/* ITM_MOD_ABI the object was built with */
	uint32_t ops_size;	/* sizeof(struct itm_mod_ops) */
	uint32_t mod_size;	/* sizeof(struct itm_mod) */
	uint32_t pkt_size;	/* sizeof(struct itm_pkt) */
	const struct itm_mod_ops *ops;
};

/* The last line of a loadable module: ITM_MOD_EXPORT(mymod_ops); */
#define ITM_MOD_EXPORT(ops_var)						\
	extern const struct itm_mod_export itm_module			\
		__attribute__((visibility("default")));			\
	const struct itm_mod_export itm_module = {			\
		.abi = ITM_MOD_ABI,					\
		.ops_size = sizeof(struct itm_mod_ops),			\
		.mod_size = sizeof(struct itm_mod),			\
		.pkt_size = sizeof(struct itm_pkt),			\
		.ops = &(ops_var),					\
	}

const struct itm_mod_ops *itm_mod_find(const char *id);
const struct itm_mod_ops *const *itm_mod_all(void);

bool itm_interest_match(const struct itm_interest *in, const struct itm_pkt *p,
			const char *iif, const char *oif);
/* Parse one interest clause at argv (e.g. "proto tcp,udp", "src 10/8").
 * Returns tokens consumed, 0 if argv[0] is not an interest keyword. */
int itm_interest_parse(struct itm_interest *in, int argc, char **argv,
		       struct itm_err *err);
void itm_interest_format(const struct itm_interest *in, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif
