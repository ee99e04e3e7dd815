// SPDX-License-Identifier: GPL-2.0-only
/*
 * flow: the flow classifier, as tc's flow filter (cls_flow) with the tunnel
 * keys of Dan Siemon's patch.
 *
 * Each packet gets a class: baseclass plus a value computed from its keys.
 *   hash mode: a keyed hash of the chosen keys, modulo divisor; the key is
 *              drawn at start and again every `perturb` (0 = never; a bare
 *              number is seconds, as tc's, where other times are microseconds).
 *   map mode:  one key, ((key & and | or) ^ xor) >> rshift, plus addend,
 *              modulo divisor (0 = none).
 * The class minor is (baseclass minor + value) & 0xffff, as in the kernel.
 *
 * The keys (names and values) come from itm/flowkeys.h: with outer keys
 * only, all flows of a tunnel are one flow; add the tunnel keys and they
 * separate, while plain traffic still classifies by its outer keys.
 *
 * Differences from tc: keys are hashed with SipHash-1-3 rather than jhash;
 * map ops apply in the fixed order and, or, xor, rshift, addend, not in the
 * order typed; addend takes a number, not an address.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "itm/engine.h"
#include "itm/flowkeys.h"
#include "itm/mod.h"
#include "itm/units.h"

static const char *const flow_mode_names[] = { "hash", "map", NULL };

enum { FLOW_HASH, FLOW_MAP };

struct flow_count {
	uint64_t pkts, bytes;
};

struct flow {
	uint32_t mode;
	uint32_t keys;		/* hash mode: bit set of enum itm_flow_key_id */
	uint32_t key;		/* map mode: one enum itm_flow_key_id */
	uint32_t divisor;
	uint64_t perturb_ns;
	uint32_t baseclass;
	uint32_t and_mask, or_mask, xor_mask, rshift;
	int32_t addend;
	struct itm_siphash_key hkey;
	struct flow_count *count;	/* per class minor */
	uint64_t rekey_ns;	/* when the hash key was last drawn */
};

#define FLOW_ATTR(n, t, field, lo, hi, d, ...) \
	{ .name = n, .type = t, .off = offsetof(struct flow, field), \
	  .min = lo, .max = hi, .def = d, .flags = ITM_ATTR_WRITABLE, __VA_ARGS__ }

static const struct itm_attr flow_attrs[] = {
	FLOW_ATTR("mode", ITM_ATTR_ENUM, mode, 0, 0, FLOW_HASH,
		  .names = flow_mode_names, .help = "hash several keys or map one"),
	FLOW_ATTR("keys", ITM_ATTR_FLAGS, keys, 0, 0,
		  ITM_FLOW_KEYS_5TUPLE, .names = itm_flow_key_names,
		  .help = "hash mode: keys hashed"),
	FLOW_ATTR("key", ITM_ATTR_ENUM, key, 0, 0, ITM_FK_SRC,
		  .names = itm_flow_key_names, .help = "map mode: the key mapped"),
	FLOW_ATTR("divisor", ITM_ATTR_U32, divisor, 0, 65536, 0,
		  .unit = "classes", .help = "result modulo this; 0 = none"),
	{ .name = "perturb", .type = ITM_ATTR_TIME,
	  .off = offsetof(struct flow, perturb_ns),
	  .max = UINT64_C(86400) * ITM_NSEC_PER_SEC,
	  .flags = ITM_ATTR_WRITABLE | ITM_ATTR_SECONDS, .unit = "time",
	  .help = "hash mode: new hash key this often (a bare number is "
		  "seconds, as in tc); 0 = never" },
	FLOW_ATTR("baseclass", ITM_ATTR_HANDLE, baseclass, 0, 0, 0x10001,
		  .help = "class of value 0"),
	FLOW_ATTR("and", ITM_ATTR_U32, and_mask, 0, UINT32_MAX, UINT32_MAX,
		  .help = "map mode"),
	FLOW_ATTR("or", ITM_ATTR_U32, or_mask, 0, UINT32_MAX, 0,
		  .help = "map mode"),
	FLOW_ATTR("xor", ITM_ATTR_U32, xor_mask, 0, UINT32_MAX, 0,
		  .help = "map mode"),
	FLOW_ATTR("rshift", ITM_ATTR_U32, rshift, 0, 31, 0, .help = "map mode"),
	FLOW_ATTR("addend", ITM_ATTR_S32, addend, (uint64_t)(int64_t)INT32_MIN,
		  INT32_MAX, 0, .help = "map mode"),
	ITM_ATTR_END,
};

static uint32_t flow_hash(const struct flow *f, const struct itm_pkt *p)
{
	uint32_t vals[ITM_FK_MAX];
	unsigned n = itm_flow_key_values(p, f->keys, vals);

	return (uint32_t)itm_siphash13(vals, n * sizeof(vals[0]), &f->hkey);
}

static uint32_t flow_map(const struct flow *f, const struct itm_pkt *p)
{
	uint32_t v = itm_flow_key_value(p, f->key);

	v = ((v & f->and_mask) | f->or_mask) ^ f->xor_mask;
	return (v >> f->rshift) + (uint32_t)f->addend;
}

/* The class, never 0: a baseclass minor is at least 1. */
static uint32_t flow_classify(struct itm_mod *m, struct itm_pkt *p)
{
	const struct flow *f = itm_mod_priv(m);
	uint32_t v = f->mode == FLOW_HASH ? flow_hash(f, p) : flow_map(f, p);
	uint32_t minor;

	if (f->divisor)
		v %= f->divisor;
	minor = (f->baseclass + v) & 0xffff;
	return (f->baseclass & 0xffff0000u) | minor;
}

static enum itm_verdict flow_process(struct itm_mod *m, struct itm_pkt *p,
				     uint32_t cls)
{
	p->classid = cls;
	return ITM_ACCEPT;
}

/* Count per class: what `module list` shows of the classifier's work. */
static void flow_class_update(struct itm_mod *m, struct itm_pkt *p,
			      uint32_t cls)
{
	struct flow *f = itm_mod_priv(m);

	f->count[cls & 0xffff].pkts++;
	f->count[cls & 0xffff].bytes += itm_pkt_len(p);
}

static void flow_dump(struct itm_mod *m, FILE *out, bool json)
{
	const struct flow *f = itm_mod_priv(m);
	const char *sep = "";
	uint32_t i, major = f->baseclass >> 16;

	fputs(json ? "{\"classes\":[" : "  classes:", out);
	for (i = 0; i <= 0xffff; i++) {
		if (!f->count[i].pkts)
			continue;
		if (json)
			fprintf(out, "%s{\"class\":\"%x:%x\",\"packets\":%" PRIu64
				",\"bytes\":%" PRIu64 "}", sep, major, i,
				f->count[i].pkts, f->count[i].bytes);
		else
			fprintf(out, " %x:%x %" PRIu64 "p", major, i,
				f->count[i].pkts);
		sep = ",";
	}
	fputs(json ? "]}" : "\n", out);
}

/* The other mode's parameters, which this mode would ignore. */
static const char *const flow_hash_only[] = { "keys", "perturb", NULL };
static const char *const flow_map_only[] = {
	"key", "and", "or", "xor", "rshift", "addend", NULL
};

/* The first of names whose value is not its default, or NULL */
static const char *flow_first_set(const struct flow *f,
				  const char *const *names)
{
	for (; *names; names++) {
		const struct itm_attr *a = itm_attr_find(flow_attrs, *names);

		if (itm_attr_load(a, f) != a->def)
			return *names;
	}
	return NULL;
}

/* A parameter of the other mode is refused when the module is added, as
 * tc's grammar has no place for it ("flow map key src keys dst" is an
 * error there). At run time both sets stay writable, so that `set` can
 * prepare the other mode before `mode` switches to it. */
static int flow_init(struct itm_mod *m, struct itm_err *err)
{
	struct flow *f = itm_mod_priv(m);
	bool hash = f->mode == FLOW_HASH;
	const char *w = flow_first_set(f, hash ? flow_map_only : flow_hash_only);

	if (w)
		return itm_err_set(err, EINVAL, "flow: \"%s\" belongs to mode %s, "
				   "and this module is in mode %s", w,
				   hash ? "map" : "hash", hash ? "hash" : "map");
	f->count = calloc(0x10000, sizeof(*f->count));
	if (!f->count)
		return itm_err_set(err, ENOMEM, "flow: out of memory");
	return 0;
}

static void flow_fini(struct itm_mod *m)
{
	free(((struct flow *)itm_mod_priv(m))->count);
}

static int flow_start(struct itm_mod *m, uint64_t now, struct itm_err *err)
{
	struct flow *f = itm_mod_priv(m);
	int r = itm_engine_random_key(m->eng, &f->hkey);

	f->rekey_ns = now;
	return r < 0 ? itm_err_set(err, -r, "flow: no random key") : 0;
}

/* A one-second tick re-keys when `perturb` has passed, so a changed
 * perturb takes effect without re-arming a timer. */
static void flow_timer(struct itm_mod *m, uint64_t now)
{
	struct flow *f = itm_mod_priv(m);

	if (f->mode != FLOW_HASH || !f->perturb_ns ||
	    now - f->rekey_ns < f->perturb_ns)
		return;
	itm_engine_random_key(m->eng, &f->hkey);
	f->rekey_ns = now;
}

const struct itm_mod_ops itm_mod_flow = {
	.id = "flow",
	.help = "classify by tc flow keys, tunnel keys included (hash or map)",
	.priv_size = sizeof(struct flow),
	.attrs = flow_attrs,
	.default_hook = ITM_HOOK_POST_ROUTING,
	.init = flow_init,
	.fini = flow_fini,
	.class_update = flow_class_update,
	.dump = flow_dump,
	.start = flow_start,
	.classify = flow_classify,
	.process = flow_process,
	.timer_ns = ITM_NSEC_PER_SEC,
	.timer = flow_timer,
};
