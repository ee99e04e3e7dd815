// SPDX-License-Identifier: GPL-2.0-only
/*
 * Commands, from a table: each has a name, a handler, and its grammar as
 * usage text that `help` prints. Handlers validate everything before they
 * change the engine, so a failing command leaves it as it was.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "itm/backend.h"
#include "itm/cmd.h"
#include "itm/json.h"
#include "itm/modload.h"
#include "itm/qtree.h"
#include "itm/units.h"

struct cmd_def {
	const char *name;
	int (*fn)(struct itm_cmd_ctx *c, int argc, char **argv,
		  struct itm_err *err);
	const char *usage;
};

static const struct cmd_def cmd_table[];
static const struct cmd_def *cmd_find(const char *name);

int itm_cmd_split(char *line, char **argv, int max)
{
	int n = 0;
	char *s = line;

	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			s++;
		if (!*s || *s == '#')
			break;
		if (n == max)
			return -E2BIG;
		argv[n++] = s;
		while (*s && *s != ' ' && *s != '\t' && *s != '\r' &&
		       *s != '\n')
			s++;
		if (!*s)
			break;
		*s++ = '\0';
	}
	return n;
}

/* "CMD help [KIND]" or "CMD ... help" */
static bool is_help(int argc, char **argv)
{
	return (argc > 1 && strcmp(argv[1], "help") == 0) ||
	       (argc > 0 && strcmp(argv[argc - 1], "help") == 0);
}

/* NAME VALUE pairs from argv[1]: whether argv[i]'s name came before. */
static bool pair_given(char **argv, int i)
{
	int j;

	for (j = 1; j < i; j += 2) {
		if (!strcmp(argv[j], argv[i]))
			return true;
	}
	return false;
}

/* What `module add` and `module load` take before the module's own words. */
struct module_opts {
	const char *label;
	enum itm_hook hook;	/* the first hook named */
	unsigned hooks;		/* all named, 0 if none */
	int64_t prio;
	int next;		/* index of the first interest or parameter */
};

/* [label L] [hook H] [prio N] from argv[1]; argv[0] is the kind or file. */
static int module_opts_parse(struct module_opts *o, int argc, char **argv,
			     struct itm_err *err)
{
	int i = 1;

	for (; i + 1 < argc; i += 2) {
		if ((!strcmp(argv[i], "label") || !strcmp(argv[i], "hook") ||
		     !strcmp(argv[i], "prio")) && pair_given(argv, i))
			return itm_err_tok(err, argv[i], EINVAL,
					   "%s given twice", argv[i]);
		if (!strcmp(argv[i], "label")) {
			o->label = argv[i + 1];
		} else if (!strcmp(argv[i], "hook")) {
			if (itm_hooks_parse(argv[i + 1], &o->hook, &o->hooks) < 0)
				return itm_err_tok(err, argv[i + 1], EINVAL,
						   "unknown hook \"%s\" (HOOK[,HOOK]..., each once, of pre-routing, local-in, forward, local-out, post-routing)",
						   argv[i + 1]);
		} else if (!strcmp(argv[i], "prio")) {
			char *end;

			o->prio = strtoll(argv[i + 1], &end, 10);
			if (*end || !*argv[i + 1] || o->prio < -1000 ||
			    o->prio > 1000)
				return itm_err_tok(err, argv[i + 1], ERANGE,
						   "prio must be in [-1000..1000]");
		} else {
			break;
		}
	}
	o->next = i;
	return 0;
}

/* The hooks after the first of `hook H,H...` (a module registers at one) */
static void module_more_hooks(struct itm_engine *e, const char *label,
			      unsigned hooks)
{
	struct itm_mod *m = itm_engine_mod_find(e, label);

	if (m && hooks)
		itm_engine_mod_set_hooks(e, m, hooks);
}

/* module add KIND [label L] [hook H[,H]...] [prio N] [INTEREST | PARAM VALUE]... */
static int cmd_module_add(struct itm_cmd_ctx *c, int argc, char **argv,
			  struct itm_err *err)
{
	const struct itm_mod_ops *ops;
	struct module_opts o = { .hook = ITM_HOOK_FORWARD };
	int r;

	if (argc < 1)
		return itm_err_set(err, EINVAL, "module add: KIND missing");
	ops = itm_mod_find(argv[0]);
	if (ops)
		o.hook = ops->default_hook;
	r = module_opts_parse(&o, argc, argv, err);
	if (r == 0)
		r = itm_engine_mod_add(c->eng, argv[0], o.label, o.hook,
				       (int)o.prio, argc - o.next, argv + o.next,
				       err);
	if (r == 0)
		module_more_hooks(c->eng, o.label ? o.label : argv[0], o.hooks);
	return r;
}

/* module load FILE [label L] [hook H[,H]...] [prio N] [INTEREST | PARAM VALUE]...
 * The new module holds the reference the open took; a failure drops it. */
static int cmd_module_load(struct itm_cmd_ctx *c, int argc, char **argv,
			   struct itm_err *err)
{
	const struct itm_mod_ops *ops;
	struct module_opts o = { 0 };
	int r;

	if (argc < 1)
		return itm_err_set(err, EINVAL, "module load: FILE missing");
	r = itm_modload_open(argv[0], &ops, err);
	if (r < 0)
		return r;
	o.hook = ops->default_hook;
	r = module_opts_parse(&o, argc, argv, err);
	if (r == 0)
		r = itm_engine_mod_register(c->eng, ops, o.label, o.hook,
					    (int)o.prio, argc - o.next,
					    argv + o.next, err);
	if (r < 0)
		itm_modload_put(ops);
	else
		module_more_hooks(c->eng, o.label ? o.label : ops->id, o.hooks);
	return r;
}

/* module unload LABEL: del, for a module that came from a file */
static int cmd_module_unload(struct itm_cmd_ctx *c, const char *label,
			     struct itm_err *err)
{
	struct itm_mod *m = itm_engine_mod_find(c->eng, label);

	if (m && !itm_modload_file(m->ops))
		return itm_err_tok(err, label, EINVAL,
				   "module %s is built in: use module del", label);
	return itm_engine_mod_del(c->eng, label, err);
}

static void module_help_one(FILE *f, const struct itm_mod_ops *o)
{
	fprintf(f, " %s (default hook %s): %s\n", o->id,
		itm_hook_name(o->default_hook), o->help);
	itm_attr_print_help(f, o->attrs);
}

static void module_help(FILE *f)
{
	const struct itm_mod_ops *const *o;

	fprintf(f, "Modules:\n");
	for (o = itm_mod_all(); *o; o++)
		module_help_one(f, *o);
}

/* module ctl LABEL OP: an operation the module offers on its state */
static int module_ctl(struct itm_cmd_ctx *c, int argc, char **argv,
		      struct itm_err *err)
{
	struct itm_mod *m;

	if (argc != 4)
		return itm_err_set(err, EINVAL, "usage: module ctl LABEL OPERATION");
	m = itm_engine_mod_find(c->eng, argv[2]);
	if (!m)
		return itm_err_tok(err, argv[2], ENOENT, "no module \"%s\"",
				   argv[2]);
	if (!m->ops->ctl)
		return itm_err_tok(err, argv[2], EOPNOTSUPP,
				   "module %s has no operations", argv[2]);
	return m->ops->ctl(m, argv[3], c->out, c->json, err);
}

static int cmd_module(struct itm_cmd_ctx *c, int argc, char **argv,
		      struct itm_err *err)
{
	const char *sub = argc > 1 ? argv[1] : "list";

	if (is_help(argc, argv)) {
		if (c->out)
			module_help(c->out);
		return 0;
	}
	if (!strcmp(sub, "add"))
		return cmd_module_add(c, argc - 2, argv + 2, err);
	if (!strcmp(sub, "load"))
		return cmd_module_load(c, argc - 2, argv + 2, err);
	if (!strcmp(sub, "list") || !strcmp(sub, "show")) {
		if (c->out)
			itm_engine_print_modules(c->eng, c->out, c->json);
		if (c->out && c->json)
			fputc('\n', c->out);
		else if (c->out)
			itm_engine_print_order(c->eng, c->out);
		return 0;
	}
	if (!strcmp(sub, "ctl"))
		return module_ctl(c, argc, argv, err);
	if (argc != 3)
		return itm_err_tok(err, sub, EINVAL,
				   "usage: module add|load|del|unload|enable|disable|ctl|list ...");
	if (!strcmp(sub, "unload"))
		return cmd_module_unload(c, argv[2], err);
	if (!strcmp(sub, "del"))
		return itm_engine_mod_del(c->eng, argv[2], err);
	if (!strcmp(sub, "enable") || !strcmp(sub, "disable"))
		return itm_engine_mod_enable(c->eng, argv[2],
					     !strcmp(sub, "enable"), err);
	return itm_err_tok(err, sub, EINVAL, "module: what is \"%s\"?", sub);
}

static int cmd_set(struct itm_cmd_ctx *c, int argc, char **argv,
		   struct itm_err *err)
{
	if (argc != 3)
		return itm_err_set(err, EINVAL, "usage: set MODULE.PARAMETER VALUE");
	return itm_engine_param_set(c->eng, argv[1], argv[2], err);
}

static int cmd_get(struct itm_cmd_ctx *c, int argc, char **argv,
		   struct itm_err *err)
{
	char buf[64];
	int r;

	if (argc != 2)
		return itm_err_set(err, EINVAL, "usage: get MODULE.PARAMETER");
	r = itm_engine_param_get(c->eng, argv[1], buf, sizeof(buf), err);
	if (r == 0 && c->out)
		fprintf(c->out, "%s %s\n", argv[1], buf);
	return r;
}

static void qdisc_help(FILE *f, const char *kind)
{
	const struct itm_qdisc_ops *const *o;

	for (o = itm_qdisc_all(); *o; o++) {
		if (kind && strcmp(kind, (*o)->id) != 0)
			continue;
		fprintf(f, " %s\n", (*o)->id);
		itm_attr_print_help(f, (*o)->attrs);
		if ((*o)->cl && (*o)->cl->attrs) {
			fprintf(f, " %s classes (class add|change ... %s)\n",
				(*o)->id, (*o)->id);
			itm_attr_print_help(f, (*o)->cl->attrs);
		}
	}
}

static int qdisc_help_cmd(struct itm_cmd_ctx *c, int argc, char **argv,
			  struct itm_err *err)
{
	const char *kind = NULL;
	int i;

	for (i = 1; i < argc; i++) {
		if (itm_qdisc_find(argv[i]))
			kind = argv[i];
	}
	if (argc == 3 && !strcmp(argv[1], "help") && !kind)
		return itm_err_tok(err, argv[2], ENOENT, "unknown qdisc \"%s\"",
				   argv[2]);
	if (c->out)
		qdisc_help(c->out, kind);
	return 0;
}

/* `qdisc show` and `class show`: [-s] [--json] [dev IF]; the tree shown
 * is the engine's, or the one leaving by IF where the backend has one per
 * interface (the bridge). */
static int show_opts(struct itm_cmd_ctx *c, int argc, char **argv,
		     const char *what, bool *stats, struct itm_qdisc **root,
		     struct itm_err *err)
{
	int i;

	*stats = false;
	*root = c->eng->root;
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "-s")) {
			*stats = true;
		} else if (!strcmp(argv[i], "dev") && i + 1 < argc) {
			i++;
			*root = c->egress ? c->egress(c->egress_arg, argv[i]) : NULL;
			if (!*root)
				return itm_err_tok(err, argv[i], ENODEV,
						   "%s show dev %s: no tree leaves by it "
						   "(with the bridge: one of its ports)",
						   what, argv[i]);
		} else if (strcmp(argv[i], "--json")) {
			return itm_err_tok(err, argv[i], EINVAL,
					   "%s show: what is \"%s\"?", what, argv[i]);
		}
	}
	return 0;
}

static int cmd_qdisc(struct itm_cmd_ctx *c, int argc, char **argv,
		     struct itm_err *err)
{
	struct itm_qdisc *root;
	bool stats;
	const char *sub = argc > 1 ? argv[1] : "show";
	int r = 1;

	if (is_help(argc, argv))
		return qdisc_help_cmd(c, argc, argv, err);
	if (!strcmp(sub, "add") || !strcmp(sub, "replace"))
		r = itm_engine_qdisc_add(c->eng, argc - 2, argv + 2,
					 !strcmp(sub, "replace"), err);
	else if (!strcmp(sub, "change"))
		r = itm_engine_qdisc_change(c->eng, argc - 2, argv + 2, err);
	else if (!strcmp(sub, "del") || !strcmp(sub, "delete"))
		r = itm_engine_qdisc_del(c->eng, argc - 2, argv + 2, err);
	if (r == 0)
		itm_engine_qdisc_record(c->eng, argc, argv);
	if (r <= 0)
		return r;
	if (strcmp(sub, "show") != 0)
		return itm_err_tok(err, sub, EINVAL, "qdisc: what is \"%s\"?", sub);
	r = show_opts(c, argc, argv, "qdisc", &stats, &root, err);
	if (r == 0 && c->out) {
		itm_qtree_print(root, c->out, stats, c->json);
		if (c->json)
			fputc('\n', c->out);
	}
	return r;
}

static int cmd_class(struct itm_cmd_ctx *c, int argc, char **argv,
		     struct itm_err *err)
{
	const char *sub = argc > 1 ? argv[1] : "show";
	struct itm_qdisc *root;
	bool stats;
	int r;

	if (strcmp(sub, "show") != 0) {
		r = itm_engine_class_cmd(c->eng, sub, argc - 2, argv + 2, err);
		if (r == 0)
			itm_engine_qdisc_record(c->eng, argc, argv);
		return r;
	}
	r = show_opts(c, argc, argv, "class", &stats, &root, err);
	if (r == 0 && c->out) {
		itm_qtree_print_classes(root, c->out, stats, c->json);
		if (c->json)
			fputc('\n', c->out);
	}
	return r;
}

struct flows_show_ctx {
	FILE *out;
	bool json;
	const char *sep;
};

static int flows_show_one(struct itm_flow *fl, void *arg)
{
	struct flows_show_ctx *s = arg;

	fputs(s->sep, s->out);
	itm_flow_print(s->out, fl, s->json);
	s->sep = s->json ? "," : "";
	return 0;
}

static int flows_show(struct itm_cmd_ctx *c)
{
	struct flows_show_ctx s = { .out = c->out, .json = c->json, .sep = "" };

	if (!c->out)
		return 0;
	if (c->json)
		fputc('[', c->out);
	if (c->eng->flows)
		itm_flowtab_foreach(c->eng->flows, flows_show_one, &s);
	if (c->json)
		fputs("]\n", c->out);
	return 0;
}

/* flows limit N idle TIME: the shared flow table, before it is created. */
static int cmd_flows(struct itm_cmd_ctx *c, int argc, char **argv,
		     struct itm_err *err)
{
	uint64_t limit = c->eng->flow_limit, idle = c->eng->flow_idle_ns;
	int i;

	if (argc == 2 && !strcmp(argv[1], "clear")) {
		if (c->eng->flows)
			itm_flowtab_clear(c->eng->flows);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "show"))
		return flows_show(c);
	if (c->eng->started)
		return itm_err_tok(err, argv[0], EBUSY,
				   "the flow table is sized at start");
	for (i = 1; i + 1 < argc; i += 2) {
		if (pair_given(argv, i))
			return itm_err_tok(err, argv[i], EINVAL,
					   "flows %s given twice", argv[i]);
		if (!strcmp(argv[i], "limit")) {
			if (itm_parse_u64(argv[i + 1], &limit) < 0 ||
			    limit < 1 || limit > (1u << 28))
				return itm_err_tok(err, argv[i + 1], ERANGE,
						   "flows limit must be in [1..268435456]");
		} else if (!strcmp(argv[i], "idle")) {
			if (itm_parse_time(argv[i + 1], &idle) < 0)
				return itm_err_tok(err, argv[i + 1], EINVAL,
						   "flows idle: \"%s\" is not a time",
						   argv[i + 1]);
		} else {
			break;
		}
	}
	if (i != argc || argc == 1)
		return itm_err_tok(err, i < argc ? argv[i] : argv[0], EINVAL,
				   "usage: flows limit N idle TIME | flows show | flows clear");
	c->eng->flow_limit = (uint32_t)limit;
	c->eng->flow_idle_ns = idle;
	return 0;
}

/* backend [show [-s]]: the configured line; with -s in itmd, what runs
 * and its counters ("stats" in JSON) */
static int backend_show(struct itm_cmd_ctx *c, int argc, char **argv,
			struct itm_err *err)
{
	const char *line = *c->eng->backend ? c->eng->backend : NULL;
	bool stats = argc == 3;

	if (argc > 3 || (stats && strcmp(argv[2], "-s")))
		return itm_err_tok(err, argv[argc - 1], EINVAL,
				   "backend show [-s]: what is \"%s\"?",
				   argv[argc - 1]);
	if (!c->out)
		return 0;
	stats = stats && c->backend_stats;
	if (!c->json) {
		fprintf(c->out, "backend %s\n", line ? line : "none (replay)");
		if (stats)
			c->backend_stats(c->backend_arg, c->out, false);
		return 0;
	}
	fputs("{\"backend\":", c->out);
	itm_json_str(c->out, line);
	if (stats) {
		fputs(",\"stats\":", c->out);
		c->backend_stats(c->backend_arg, c->out, true);
	}
	fputs("}\n", c->out);
	return 0;
}

/* "backend ID ARGS": checked here, acted on by itmd (replay ignores it). */
static int cmd_backend(struct itm_cmd_ctx *c, int argc, char **argv,
		       struct itm_err *err)
{
	size_t o = 0;
	int i, r;

	if (argc < 2 || !strcmp(argv[1], "show"))
		return backend_show(c, argc, argv, err);
	r = itm_backend_check(argc - 1, argv + 1, err);
	if (r < 0)
		return r;
	for (i = 1; i < argc; i++) {
		int n = snprintf(c->eng->backend + o, sizeof(c->eng->backend) - o,
				 "%s%s", i > 1 ? " " : "", argv[i]);

		if (n < 0 || (size_t)n >= sizeof(c->eng->backend) - o)
			return itm_err_set(err, E2BIG, "backend line too long");
		o += (size_t)n;
	}
	return 0;
}

/* link rate RATE [overhead BYTES]: the virtual output link of a replay. */
static int cmd_link(struct itm_cmd_ctx *c, int argc, char **argv,
		    struct itm_err *err)
{
	uint64_t rate = c->eng->link_rate_bps, ovh = c->eng->link_overhead;
	int i;

	for (i = 1; i + 1 < argc; i += 2) {
		if (pair_given(argv, i))
			return itm_err_tok(err, argv[i], EINVAL,
					   "link %s given twice", argv[i]);
		if (!strcmp(argv[i], "rate")) {
			if (!strcmp(argv[i + 1], "unlimited"))
				rate = 0;
			else if (itm_parse_rate(argv[i + 1], &rate) < 0 || !rate)
				return itm_err_tok(err, argv[i + 1], EINVAL,
						   "link rate: \"%s\" is not a rate such as 100mbit",
						   argv[i + 1]);
		} else if (!strcmp(argv[i], "overhead")) {
			if (itm_parse_size(argv[i + 1], &ovh) < 0)
				return itm_err_tok(err, argv[i + 1], EINVAL,
						   "link overhead: \"%s\" is not a size such as 24 or 24b",
						   argv[i + 1]);
			if (ovh > 1024)
				return itm_err_tok(err, argv[i + 1], ERANGE,
						   "link overhead must be in [0..1024] bytes");
		} else {
			break;
		}
	}
	if (i != argc || argc == 1)
		return itm_err_tok(err, i < argc ? argv[i] : argv[0], EINVAL,
				   "usage: link rate RATE|unlimited [overhead BYTES]");
	c->eng->link_rate_bps = rate;
	c->eng->link_overhead = (uint32_t)ovh;
	return 0;
}

static int cmd_help(struct itm_cmd_ctx *c, int argc, char **argv,
		    struct itm_err *err)
{
	if (argc > 1 && !cmd_find(argv[1]))
		return itm_err_tok(err, argv[1], ENOENT, "no command \"%s\"",
				   argv[1]);
	if (c->out)
		itm_cmd_help(c->out, argc > 1 ? argv[1] : NULL);
	return 0;
}

static const struct cmd_def cmd_table[] = {
	{ "module", cmd_module,
	  "module add KIND [label LABEL] [hook HOOK[,HOOK]...] [prio N] [INTEREST]... [PARAM VALUE]...\n"
	  "module load FILE.so [label LABEL] [hook HOOK[,HOOK]...] [prio N] [INTEREST]... [PARAM VALUE]...\n"
	  "  (a module built outside the tree, doc/modules.md; into itmd: root's power)\n"
	  "module del|unload|enable|disable LABEL   (unload: a loaded one, closes its file)\n"
	  "module ctl LABEL OPERATION [--json]   e.g. pias: print, clear\n"
	  "module list [--json]\n"
	  "  HOOK := pre-routing | local-in | forward | local-out | post-routing\n"
	  "  (several: the module runs in the chain of each; e.g. pias on an end host\n"
	  "  at post-routing,local-in to see its flows' ACKs)\n"
	  "  INTEREST := proto LIST | src PREFIX | dst PREFIX | sport P[-P] | dport P[-P]\n"
	  "              | iif DEV | oif DEV     (LIST := tcp,udp,icmp,... or numbers)\n"
	  "  src and dst may repeat (any of up to 4 each); the others come once.\n"
	  "  DEV: the device a packet came in by or leaves by, in itmd (a trace knows\n"
	  "  none; no oif before routing): a clause on an unknown device never matches.\n"
	  "  Chains run in registration order; a lower prio runs earlier." },
	{ "set", cmd_set, "set MODULE.PARAMETER VALUE" },
	{ "backend", cmd_backend,
	  "backend nfqueue [dev IF] [port N] [queue N] [queues N] [spread flow|cpu|dev]\n"
	  "                [maxlen N]   (itmd)\n"
	  "backend bridge IF1 IF2 [rate RATE] [rate2 RATE]   (itmd)\n"
	  "backend [show [-s] [--json]]   (-s: a running itmd's state and counters)" },
	{ "get", cmd_get, "get MODULE.PARAMETER" },
	{ "qdisc", cmd_qdisc,
	  "qdisc add|replace root|parent MAJOR:MINOR [handle MAJOR:] KIND [OPTIONS]\n"
	  "qdisc change root|parent MAJOR:MINOR|handle MAJOR: KIND OPTIONS\n"
	  "qdisc del root|parent MAJOR:MINOR|handle MAJOR:\n"
	  "qdisc show [-s] [--json] [dev IF]   (dev: the bridge's tree leaving by IF)\n"
	  "qdisc help [KIND]" },
	{ "class", cmd_class,
	  "class add parent MAJOR:[MINOR] classid MAJOR:MINOR KIND [OPTIONS]\n"
	  "  (a class as parent: vif only, VIFs nest up to 8 deep)\n"
	  "class change classid MAJOR:MINOR KIND OPTIONS\n"
	  "class del classid MAJOR:MINOR\n"
	  "class show [-s] [--json] [dev IF]" },
	{ "flows", cmd_flows,
	  "flows limit N idle TIME    size of the shared flow table and idle expiry\n"
	  "flows show [--json]\n"
	  "flows clear" },
	{ "link", cmd_link,
	  "link rate RATE|unlimited [overhead BYTES]    output link of a replay" },
	{ "help", cmd_help, "help [COMMAND]" },
	{ NULL, NULL, NULL },
};

static const struct cmd_def *cmd_find(const char *name)
{
	const struct cmd_def *d;

	for (d = cmd_table; d->name; d++) {
		if (strcmp(d->name, name) == 0)
			return d;
	}
	return NULL;
}

int itm_cmd_help(FILE *f, const char *cmd)
{
	const struct cmd_def *d;

	if (cmd) {
		d = cmd_find(cmd);
		if (!d)
			return -ENOENT;
		if (!f)
			return 0;	/* only: is it a command? */
		fprintf(f, "%s\n", d->usage);
		if (!strcmp(cmd, "qdisc"))
			qdisc_help(f, NULL);
		if (!strcmp(cmd, "module"))
			module_help(f);
		return 0;
	}
	fprintf(f, "Commands (the same in configuration files, one per line):\n");
	for (d = cmd_table; d->name; d++)
		fprintf(f, "%s\n", d->usage);
	fprintf(f, "Units: time 15ms 1s 250us (bare: us); size 1514b 32kb 32mb; "
		"rate 100mbit 1gbit 12mbps (bare: bit/s).\n");
	return 0;
}

int itm_cmd_help_kind(FILE *f, const char *cmd, const char *kind)
{
	const struct itm_mod_ops *m;

	if (!strcmp(cmd, "qdisc") && itm_qdisc_find(kind)) {
		qdisc_help(f, kind);
		return 0;
	}
	m = itm_mod_find(kind);
	if (!m)
		m = itm_modload_find(kind);
	if (!strcmp(cmd, "module") && m) {
		module_help_one(f, m);
		return 0;
	}
	return -ENOENT;
}

int itm_cmd_run_line(struct itm_cmd_ctx *c, char *line, struct itm_err *err)
{
	char *argv[ITM_CMD_ARGS_MAX];
	int argc = itm_cmd_split(line, argv, ITM_CMD_ARGS_MAX);

	if (argc < 0)
		return itm_err_set(err, E2BIG, "more than %d words on a line",
				   ITM_CMD_ARGS_MAX);
	c->json = false;
	return itm_cmd_run(c, argc, argv, err);
}

int itm_cmd_run(struct itm_cmd_ctx *c, int argc, char **argv,
		struct itm_err *err)
{
	const struct cmd_def *d;
	int i, n = 0;

	if (argc < 1)
		return 0;
	d = cmd_find(argv[0]);
	if (!d)
		return itm_err_tok(err, argv[0], ENOENT,
				   "unknown command \"%s\" (try help)", argv[0]);
	/* --json anywhere is an output option, not an argument */
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0 && d->fn != cmd_qdisc)
			c->json = true;
		else
			argv[n++] = argv[i];
	}
	if (d->fn == cmd_qdisc) {
		for (i = 0; i < n; i++)
			c->json |= strcmp(argv[i], "--json") == 0;
	}
	return d->fn(c, n, argv, err);
}
