// SPDX-License-Identifier: GPL-2.0-only
/*
 * The engine runs packets through hook chains and into the root discipline.
 * Chains are arrays rebuilt on every registration change, so the packet path
 * walks a flat list with no locking and no allocation.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "itm/csum.h"
#include "itm/engine.h"
#include "itm/json.h"
#include "itm/modload.h"
#include "itm/remote.h"

void itm_engine_drop(void *ctx, struct itm_pkt *p, enum itm_drop_cause c)
{
	struct itm_engine *e = ctx;

	e->drops[c]++;
	if (e->free_fn)
		e->free_fn(e->free_ctx, p);
}

int itm_engine_create(struct itm_engine **out, struct itm_err *err)
{
	struct itm_engine *e = calloc(1, sizeof(*e));
	char *args[] = { "pfifo" };
	int r;

	if (!e)
		return itm_err_set(err, ENOMEM, "out of memory");
	e->flow_limit = ITM_FLOWS_DEFAULT_LIMIT;
	e->flow_idle_ns = ITM_FLOWS_DEFAULT_IDLE_NS;
	/* like a fresh Linux interface: a 1000-packet FIFO until told otherwise */
	r = itm_qdisc_create(&e->root, 1, args, itm_engine_drop, e, err);
	if (r < 0) {
		free(e);
		return r;
	}
	*out = e;
	return 0;
}

void itm_engine_set_free(struct itm_engine *e, itm_pkt_free_fn *fn, void *ctx)
{
	e->free_fn = fn;
	e->free_ctx = ctx;
}

void itm_engine_set_pass(struct itm_engine *e, itm_pkt_pass_fn *fn, void *ctx)
{
	e->pass_fn = fn;
	e->pass_ctx = ctx;
}

/* After fini the kind may go too: the last module of a loaded file
 * closes it, so nothing of the module may be used after this. */
static void mod_free(struct itm_mod *m)
{
	const struct itm_mod_ops *ops = m->ops;

	if (ops->fini)
		ops->fini(m);
	free(m);
	itm_modload_put(ops);
}

void itm_engine_destroy(struct itm_engine *e)
{
	struct itm_mod *m, *next;

	if (!e)
		return;
	e->destroying = true;
	itm_qdisc_destroy(e->root);
	for (m = e->mods; m; m = next) {
		next = m->next;
		mod_free(m);
	}
	itm_flowtab_destroy(e->flows);
	free(e->qdisc_cmds);
	free(e);
}

int itm_engine_random_key(struct itm_engine *e, struct itm_siphash_key *k)
{
	static const struct itm_siphash_key fixed = { 0x6974, 0x6d };
	uint64_t in[2];

	if (!e->seeded)
		return itm_siphash_key_random(k);
	in[0] = e->rand_seed;
	in[1] = e->rand_count++;
	k->k0 = itm_siphash24(in, sizeof(in), &fixed);
	in[1] = e->rand_count++;
	k->k1 = itm_siphash24(in, sizeof(in), &fixed);
	return 0;
}

struct itm_flowtab *itm_mod_flowtab(const struct itm_mod *m)
{
	return m->eng->flows;
}

bool itm_mod_may_hold(const struct itm_mod *m)
{
	return m->eng->may_hold;
}

/* The next timer run, one period from now (0: none). */
static void mod_arm_timer(struct itm_mod *m, uint64_t now)
{
	m->next_timer_ns = m->timer_ns ? now + m->timer_ns : 0;
}

void itm_mod_set_timer(struct itm_mod *m, uint64_t period_ns)
{
	m->timer_ns = m->ops->timer ? period_ns : 0;
	if (m->eng->started)	/* else the start arms it */
		mod_arm_timer(m, m->eng->now);
}

/* Chains ordered by priority, then registration: a stable insertion. */
static void engine_rebuild_chains(struct itm_engine *e)
{
	struct itm_mod *m;
	int h;

	memset(e->chain_len, 0, sizeof(e->chain_len));
	for (m = e->mods; m; m = m->next) {
		for (h = 0; h < ITM_HOOK_MAX; h++) {
			struct itm_mod **c = e->chain[h];
			uint32_t i;

			if (!(m->hooks & 1u << h))
				continue;
			i = e->chain_len[h]++;
			while (i > 0 && c[i - 1]->prio > m->prio) {
				c[i] = c[i - 1];
				i--;
			}
			c[i] = m;
		}
	}
}

void itm_engine_mod_set_hooks(struct itm_engine *e, struct itm_mod *m,
			      unsigned set)
{
	m->hooks = set | 1u << m->hook;
	engine_rebuild_chains(e);
}

struct itm_mod *itm_engine_mod_find(struct itm_engine *e, const char *label)
{
	struct itm_mod *m;

	for (m = e->mods; m; m = m->next) {
		if (strcmp(m->label, label) == 0)
			return m;
	}
	return NULL;
}

static int mod_unknown_kind(const char *kind, struct itm_err *err)
{
	char known[160] = "";
	const struct itm_mod_ops *const *o;

	for (o = itm_mod_all(); *o; o++) {
		strncat(known, " ", sizeof(known) - strlen(known) - 1);
		strncat(known, (*o)->id, sizeof(known) - strlen(known) - 1);
	}
	return itm_err_tok(err, kind, ENOENT,
			   "unknown module \"%s\" (known:%s)", kind, known);
}

/* The words module add takes right after the kind. */
static bool mod_placement_word(const char *w)
{
	return !strcmp(w, "label") || !strcmp(w, "hook") || !strcmp(w, "prio");
}

/* Interest clauses and parameters in any order, all-or-nothing. */
static int mod_parse_args(struct itm_mod *m, int argc, char **argv,
			  struct itm_err *err)
{
	uint64_t given = 0;
	int i = 0, n;

	while (i < argc) {
		n = itm_interest_parse(&m->interest, argc - i, argv + i, err);
		if (n == 0)
			n = itm_attr_parse_args_given(m->ops->attrs, m->priv,
						      argc - i, argv + i, true,
						      &given, err);
		if (n < 0)
			return n;
		if (n == 0 && mod_placement_word(argv[i]))
			return itm_err_tok(err, argv[i], EINVAL, "%s: \"%s\" goes "
					   "once, before the interest and the "
					   "parameters (KIND [label L] [hook H] "
					   "[prio P] ...)", m->ops->id, argv[i]);
		if (n == 0)
			return itm_err_tok(err, argv[i], EINVAL,
					   "%s: what is \"%s\"?", m->ops->id,
					   argv[i]);
		i += n;
	}
	return 0;
}

static int mod_check_label(struct itm_engine *e, const char *label,
			   struct itm_err *err)
{
	const char *c;

	if (!*label || strlen(label) >= ITM_LABEL_MAX)
		return itm_err_tok(err, label, EINVAL,
				   "label must be 1..%d characters",
				   ITM_LABEL_MAX - 1);
	for (c = label; *c; c++) {
		if (!(*c == '_' || *c == '-' || (*c >= '0' && *c <= '9') ||
		      (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')))
			return itm_err_tok(err, label, EINVAL,
					   "label may hold letters, digits, - and _");
	}
	if (itm_engine_mod_find(e, label))
		return itm_err_tok(err, label, EEXIST,
				   "a module labelled \"%s\" exists", label);
	if (e->n_mods >= ITM_MODS_MAX)
		return itm_err_set(err, ENOSPC, "at most %d modules",
				   ITM_MODS_MAX);
	return 0;
}

static void engine_link_mod(struct itm_engine *e, struct itm_mod *m)
{
	struct itm_mod **tail = &e->mods;

	while (*tail)
		tail = &(*tail)->next;
	*tail = m;
	e->n_mods++;
	m->flow_state_off = e->flow_state_size;
	e->flow_state_size += (m->ops->flow_state_size + 7) & ~(size_t)7;
	engine_rebuild_chains(e);
}

int itm_engine_mod_register(struct itm_engine *e,
			    const struct itm_mod_ops *ops, const char *label,
			    enum itm_hook hook, int prio, int argc, char **argv,
			    struct itm_err *err)
{
	struct itm_mod *m;
	int r;

	if (e->started && ops->flow_state_size)
		return itm_err_tok(err, ops->id, EBUSY,
				   "%s keeps per-flow state: add it in the configuration",
				   ops->id);
	r = mod_check_label(e, label ? label : ops->id, err);
	if (r < 0)
		return r;
	m = calloc(1, sizeof(*m) + ops->priv_size);
	if (!m)
		return itm_err_set(err, ENOMEM, "out of memory");
	m->ops = ops;
	m->eng = e;
	snprintf(m->label, sizeof(m->label), "%s", label ? label : ops->id);
	m->hook = hook;
	m->hooks = 1u << hook;
	m->prio = prio;
	m->seq = e->next_seq++;
	m->enabled = true;
	m->timer_ns = ops->timer ? ops->timer_ns : 0;
	itm_attr_defaults(ops->attrs, m->priv);
	r = mod_parse_args(m, argc, argv, err);
	if (r == 0 && ops->init)
		r = ops->init(m, err);
	if (r == 0 && e->started) {
		mod_arm_timer(m, e->now);
		if (ops->start)
			r = ops->start(m, e->now, err);
		if (r < 0 && ops->fini)
			ops->fini(m);
	}
	if (r < 0) {
		free(m);
		return r;
	}
	engine_link_mod(e, m);
	return 0;
}

int itm_engine_mod_add(struct itm_engine *e, const char *kind,
		       const char *label, enum itm_hook hook, int prio,
		       int argc, char **argv, struct itm_err *err)
{
	const struct itm_mod_ops *ops = itm_mod_find(kind);

	if (!ops)
		return mod_unknown_kind(kind, err);
	return itm_engine_mod_register(e, ops, label, hook, prio, argc, argv,
				       err);
}

int itm_engine_mod_del(struct itm_engine *e, const char *label,
		       struct itm_err *err)
{
	struct itm_mod **pp, *m;

	for (pp = &e->mods; (m = *pp); pp = &m->next) {
		if (strcmp(m->label, label) == 0)
			break;
	}
	if (!m)
		return itm_err_tok(err, label, ENOENT, "no module \"%s\"", label);
	*pp = m->next;
	e->n_mods--;
	engine_rebuild_chains(e);
	mod_free(m);	/* its per-flow bytes stay reserved until restart */
	return 0;
}

unsigned itm_engine_running_hooks(const struct itm_engine *e)
{
	const struct itm_mod *m;
	unsigned hooks = 0;

	for (m = e->mods; m; m = m->next) {
		if (m->enabled)
			hooks |= m->hooks;
	}
	return hooks;
}

int itm_engine_mod_enable(struct itm_engine *e, const char *label, bool on,
			  struct itm_err *err)
{
	struct itm_mod *m = itm_engine_mod_find(e, label);

	if (!m)
		return itm_err_tok(err, label, ENOENT, "no module \"%s\"", label);
	/* enabled, its hook would be queued for a process that cannot answer */
	if (on && itm_mod_is_remote(m) && itm_remote_gone(m))
		return itm_err_tok(err, label, ENOTCONN, "module \"%s\": its process "
				   "is gone; start it again (it registers under "
				   "its label) or module del it", label);
	m->enabled = on;
	return 0;
}

/* "label.param" -> module and attribute. */
static int engine_param_find(struct itm_engine *e, const char *name,
			     struct itm_mod **mp, const struct itm_attr **ap,
			     struct itm_err *err)
{
	char label[ITM_LABEL_MAX];
	const char *dot = strchr(name, '.');
	size_t n = dot ? (size_t)(dot - name) : 0;

	if (!dot || n == 0 || n >= sizeof(label))
		return itm_err_tok(err, name, EINVAL,
				   "\"%s\" is not MODULE.PARAMETER", name);
	memcpy(label, name, n);
	label[n] = '\0';
	*mp = itm_engine_mod_find(e, label);
	if (!*mp)
		return itm_err_tok(err, name, ENOENT, "no module \"%s\"", label);
	*ap = itm_attr_find((*mp)->ops->attrs, dot + 1);
	if (!*ap)
		return itm_err_tok(err, name, ENOENT,
				   "module %s has no parameter \"%s\"", label,
				   dot + 1);
	return 0;
}

int itm_engine_param_set(struct itm_engine *e, const char *name,
			 const char *value, struct itm_err *err)
{
	const struct itm_attr *a = NULL;
	struct itm_mod *m = NULL;
	int r = engine_param_find(e, name, &m, &a, err);

	if (r < 0)
		return r;
	if (e->started && !(a->flags & ITM_ATTR_WRITABLE))
		return itm_err_tok(err, name, EPERM,
				   "%s is fixed while running", name);
	return itm_attr_set(a, m->priv, value, err);
}

int itm_engine_param_get(struct itm_engine *e, const char *name, char *buf,
			 size_t len, struct itm_err *err)
{
	const struct itm_attr *a = NULL;
	struct itm_mod *m = NULL;
	int r = engine_param_find(e, name, &m, &a, err);

	if (r < 0)
		return r;
	itm_attr_format(a, m->priv, buf, len);
	return 0;
}

int itm_engine_start(struct itm_engine *e, uint64_t now, struct itm_err *err)
{
	struct itm_flowtab_cfg cfg = {
		.max_flows = e->flow_limit,
		.idle_timeout_ns = e->flow_idle_ns,
		.state_size = (uint32_t)e->flow_state_size,
	};
	struct itm_mod *m;
	int r;

	if (e->started)
		return 0;
	e->now = now;
	r = itm_flowtab_create(&e->flows, &cfg);
	if (r < 0)
		return itm_err_set(err, -r, "cannot create flow table of %u flows",
				   e->flow_limit);
	for (m = e->mods; m; m = m->next) {
		mod_arm_timer(m, now);
		r = m->ops->start ? m->ops->start(m, now, err) : 0;
		if (r < 0) {
			itm_flowtab_destroy(e->flows);
			e->flows = NULL;
			return r;
		}
	}
	/* after the modules, so that their keys do not depend on it */
	itm_engine_key_qdiscs(e, e->root);
	e->started = true;
	return 0;
}

void itm_engine_print_order(struct itm_engine *e, FILE *f)
{
	uint32_t h, i;

	for (h = 0; h < ITM_HOOK_MAX; h++) {
		if (!e->chain_len[h])
			continue;
		fprintf(f, "order %s:", itm_hook_name((enum itm_hook)h));
		for (i = 0; i < e->chain_len[h]; i++)
			fprintf(f, " %s", e->chain[h][i]->label);
		fputc('\n', f);
	}
}

void itm_engine_print_modules(struct itm_engine *e, FILE *f, bool json)
{
	const char *sep = "";
	struct itm_mod *m;
	const char *file;
	char in[256], hooks[ITM_HOOKS_TEXT];

	if (json)
		fputc('[', f);
	for (m = e->mods; m; m = m->next) {
		const struct itm_mod_stats *s = &m->stats;

		itm_interest_format(&m->interest, in, sizeof(in));
		itm_hooks_text(m->hooks, hooks, sizeof(hooks));
		file = itm_modload_file(m->ops);
		if (json) {
			fprintf(f, "%s{\"label\":\"%s\",\"kind\":\"%s\",", sep,
				m->label, m->ops->id);
			if (file) {
				fputs("\"file\":", f);
				itm_json_str(f, file);
				fputc(',', f);
			}
			fprintf(f, "\"hook\":\"%s\",\"prio\":%d,\"enabled\":%s,"
				"\"params\":{", hooks, m->prio,
				m->enabled ? "true" : "false");
			itm_attr_print_json(f, m->ops->attrs, m->priv);
			fprintf(f, "},\"seen\":%" PRIu64 ",\"interested\":%" PRIu64
				",\"classified\":%" PRIu64 ",\"accepted\":%" PRIu64
				",\"dropped\":%" PRIu64 ",\"modified\":%" PRIu64
				",\"taken\":%" PRIu64,
				s->seen, s->interested, s->classified,
				s->accepted, s->dropped, s->modified, s->taken);
			if (m->ops->dump) {
				fputs(",\"state\":", f);
				m->ops->dump(m, f, true);
			}
			fputc('}', f);
			sep = ",";
			continue;
		}
		fprintf(f, "module %s kind %s%s%s hook %s prio %d %s%s\n  ",
			m->label, m->ops->id, file ? " file " : "",
			file ? file : "", hooks, m->prio,
			m->enabled ? "enabled" : "disabled", in);
		itm_attr_print(f, m->ops->attrs, m->priv);
		fprintf(f, "\n  seen %" PRIu64 " interested %" PRIu64
			" classified %" PRIu64 " accepted %" PRIu64
			" dropped %" PRIu64 " modified %" PRIu64,
			s->seen, s->interested, s->classified, s->accepted,
			s->dropped, s->modified);
		if (s->taken)	/* only modules that carry packets away */
			fprintf(f, " taken %" PRIu64, s->taken);
		fputc('\n', f);
		if (m->ops->dump)
			m->ops->dump(m, f, false);
	}
	if (json)
		fputc(']', f);
}
