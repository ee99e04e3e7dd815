// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd.c and config.c: splitting lines into words, running commands against
 * an engine, loading a configuration all-or-nothing with errors that name
 * the file, the line and the token, and the help text.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "itm/cmd.h"
#include "testutil.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define SENTINEL ((struct itm_engine *)(uintptr_t)0x5e17e1)

/* ---- itm_cmd_split ---- */

static void test_split(void **state)
{
	static const struct {
		const char *line;
		int n;
		const char *words[6];
	} c[] = {
		{ "a b  c", 3, { "a", "b", "c" } },
		{ "\tmodule\tadd  x\r\n", 3, { "module", "add", "x" } },
		{ "  qdisc show -s  ", 3, { "qdisc", "show", "-s" } },
		{ "", 0, { NULL } },
		{ "   \t  ", 0, { NULL } },
		{ "# a comment", 0, { NULL } },
		{ "   # indented comment", 0, { NULL } },
		{ "link rate 10mbit # the uplink", 3, { "link", "rate", "10mbit" } },
		{ "link rate 10mbit #", 3, { "link", "rate", "10mbit" } },
		{ "a#b c", 2, { "a#b", "c" } },		/* # inside a word */
		{ "x\r", 1, { "x" } },
		{ "one", 1, { "one" } },
	};
	size_t i;
	int j;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		char buf[128], *argv[8];
		int n;

		snprintf(buf, sizeof(buf), "%s", c[i].line);
		n = itm_cmd_split(buf, argv, 8);
		if (n != c[i].n)
			fail_msg("split \"%s\": %d words, expected %d", c[i].line,
				 n, c[i].n);
		for (j = 0; j < n; j++)
			assert_string_equal(argv[j], c[i].words[j]);
	}
}

static void test_split_e2big(void **state)
{
	char buf[64], *argv[4];

	snprintf(buf, sizeof(buf), "a b c");
	assert_int_equal(itm_cmd_split(buf, argv, 3), 3);
	snprintf(buf, sizeof(buf), "a b c   ");
	assert_int_equal(itm_cmd_split(buf, argv, 3), 3);
	snprintf(buf, sizeof(buf), "a b c # d e");
	assert_int_equal(itm_cmd_split(buf, argv, 3), 3);
	snprintf(buf, sizeof(buf), "a b c d");
	assert_int_equal(itm_cmd_split(buf, argv, 3), -E2BIG);
	snprintf(buf, sizeof(buf), "a");
	assert_int_equal(itm_cmd_split(buf, argv, 0), -E2BIG);
	snprintf(buf, sizeof(buf), "  # only");
	assert_int_equal(itm_cmd_split(buf, argv, 0), 0);
}

/* ---- helpers ---- */

static int load(const char *text, struct itm_engine **e, char *msg,
		size_t len)
{
	msg[0] = '\0';
	return itm_config_load_buf("t.conf", text, strlen(text), e, msg, len);
}

static struct itm_engine *must_load(const char *text)
{
	struct itm_engine *e = SENTINEL;
	char msg[512];

	if (load(text, &e, msg, sizeof(msg)) != 0)
		fail_msg("config refused: %s", msg);
	assert_ptr_not_equal(e, SENTINEL);
	assert_non_null(e);
	return e;
}

struct out {
	char *buf;
	size_t len;
	FILE *f;
};

static void out_open(struct out *o)
{
	o->buf = NULL;
	o->len = 0;
	o->f = open_memstream(&o->buf, &o->len);
	assert_non_null(o->f);
}

static const char *out_text(struct out *o)
{
	fflush(o->f);
	return o->buf;
}

static void out_close(struct out *o)
{
	fclose(o->f);
	free(o->buf);
}

/* Run one command line against e, output to o. */
static int run(struct itm_engine *e, struct out *o, const char *line,
	       struct itm_err *err)
{
	struct itm_cmd_ctx c = { .eng = e, .out = o ? o->f : NULL };
	char buf[512], *argv[ITM_CMD_ARGS_MAX];
	int argc;

	snprintf(buf, sizeof(buf), "%s", line);
	argc = itm_cmd_split(buf, argv, ITM_CMD_ARGS_MAX);
	assert_true(argc >= 0);
	memset(err, 0, sizeof(*err));
	return itm_cmd_run(&c, argc, argv, err);
}

static const char *root_text(struct itm_engine *e)
{
	static char buf[256];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	assert_non_null(f);
	itm_qdisc_print(e->root, f, false, false);
	fclose(f);
	return buf;
}

/* ---- loading a configuration ---- */

static const char good_conf[] =
	"# itm test configuration\n"
	"\n"
	"module add sizeaware hook forward\n"
	"set sizeaware.threshold 30\n"
	"qdisc add root pfifo limit 100\n"
	"flows limit 1000 idle 30s\n"
	"link rate 10mbit overhead 24\n";

static void test_config_valid(void **state)
{
	struct itm_engine *e = must_load(good_conf);
	struct itm_err err;
	char buf[64];
	struct itm_mod *m;

	assert_string_equal(e->root->ops->id, "pfifo");
	assert_true(e->root_set);
	assert_string_equal(root_text(e), "qdisc pfifo 1: root limit 100p\n");
	assert_int_equal(itm_engine_param_get(e, "sizeaware.threshold", buf,
					      sizeof(buf), &err), 0);
	assert_string_equal(buf, "30");
	assert_int_equal(e->flow_limit, 1000);
	assert_true(e->flow_idle_ns == UINT64_C(30000000000));
	assert_true(e->link_rate_bps == UINT64_C(10000000));
	assert_int_equal(e->link_overhead, 24);
	assert_int_equal(e->n_mods, 1);
	m = itm_engine_mod_find(e, "sizeaware");
	assert_non_null(m);
	assert_string_equal(m->ops->id, "sizeaware");
	assert_int_equal(m->hook, ITM_HOOK_FORWARD);
	assert_true(m->enabled);
	assert_int_equal(e->chain_len[ITM_HOOK_FORWARD], 1);
	assert_false(e->started);
	itm_engine_destroy(e);
}

static void test_config_defaults_and_forms(void **state)
{
	struct itm_engine *e;
	struct itm_err err;
	char buf[64];
	struct itm_mod *m;

	/* empty: a default engine (1000-packet pfifo, default flow table) */
	e = must_load("");
	assert_string_equal(root_text(e), "qdisc pfifo 1: root limit 1000p\n");
	assert_false(e->root_set);
	assert_int_equal(e->flow_limit, ITM_FLOWS_DEFAULT_LIMIT);
	assert_true(e->flow_idle_ns == ITM_FLOWS_DEFAULT_IDLE_NS);
	assert_true(e->link_rate_bps == 0);
	assert_int_equal(e->n_mods, 0);
	itm_engine_destroy(e);

	/* CRLF, tabs, comments, no final newline */
	e = must_load("module add sizeaware label sa hook pre-routing prio -5 "
		      "proto tcp threshold 7 # trailing comment\r\n"
		      "\t# only a comment\r\n"
		      "qdisc\tadd\troot bfifo limit 64kb\r\n"
		      "link rate 1gbit");
	m = itm_engine_mod_find(e, "sa");
	assert_non_null(m);
	assert_int_equal(m->hook, ITM_HOOK_PRE_ROUTING);
	assert_int_equal(m->prio, -5);
	assert_true(m->interest.protos[0] & (1u << 6));
	assert_int_equal(itm_engine_param_get(e, "sa.threshold", buf,
					      sizeof(buf), &err), 0);
	assert_string_equal(buf, "7");
	assert_string_equal(root_text(e), "qdisc bfifo 1: root limit 64Kb\n");
	assert_true(e->link_rate_bps == UINT64_C(1000000000));
	itm_engine_destroy(e);

	/* replace after add; change the same kind; link unlimited */
	e = must_load("qdisc add root pfifo limit 100\n"
		      "qdisc replace root bfifo limit 10kb\n"
		      "qdisc change root bfifo limit 20kb\n"
		      "link rate 10mbit\n"
		      "link rate unlimited overhead 0\n"
		      "link overhead 1kb\n");
	assert_int_equal(e->link_overhead, 1024);
	assert_string_equal(e->root->ops->id, "bfifo");
	assert_string_equal(root_text(e), "qdisc bfifo 1: root limit 20Kb\n");
	assert_true(e->link_rate_bps == 0);
	itm_engine_destroy(e);

	/* module del / enable / disable */
	e = must_load("module add sizeaware label a\n"
		      "module add sizeaware label b hook post-routing\n"
		      "module add sizeaware label c\n"
		      "module disable a\n"
		      "module del c\n"
		      "module disable b\n"
		      "module enable b\n");
	assert_int_equal(e->n_mods, 2);
	assert_false(itm_engine_mod_find(e, "a")->enabled);
	assert_true(itm_engine_mod_find(e, "b")->enabled);
	assert_null(itm_engine_mod_find(e, "c"));
	assert_int_equal(e->chain_len[ITM_HOOK_FORWARD], 1);
	assert_int_equal(e->chain_len[ITM_HOOK_POST_ROUTING], 1);
	itm_engine_destroy(e);
}

static void test_config_errors(void **state)
{
	static const struct {
		const char *text;
		int rc;
		const char *msg;
	} c[] = {
		{ "module add sizeaware\n"
		  "# fine so far\n"
		  "qdisc add root fq_codel limit 5\n", -ENOENT,
		  "t.conf:3: \"fq_codel\": unknown qdisc \"fq_codel\" (known: pfifo bfifo pfifo_head_drop" },
		{ "flows limit 1000 idle 30parsecs\n", -EINVAL,
		  "t.conf:1: \"30parsecs\": flows idle: \"30parsecs\" is not a time" },
		{ "\nlink rate 10mbyte\n", -EINVAL,
		  "t.conf:2: \"10mbyte\": link rate: \"10mbyte\" is not a rate such as 100mbit" },
		{ "qdisc add root bfifo limit 10xb\n", -EINVAL,
		  "t.conf:1: \"10xb\": limit: \"10xb\" is not a size such as 1514b or 32mb" },
		{ "qdisc add root pfifo limit 0\n", -ERANGE,
		  "t.conf:1: \"0\": limit must be in [1p..2147483647p]" },
		{ "qdisc add root pfifo limit 10 flows 3\n", -EINVAL,
		  "t.conf:1: \"flows\": pfifo: what is \"flows\"?" },
		{ "module add nosuch\n", -ENOENT,
		  "t.conf:1: \"nosuch\": unknown module \"nosuch\" (known: sizeaware" },
		{ "module add sizeaware\nmodule add sizeaware\n", -EEXIST,
		  "t.conf:2: \"sizeaware\": a module labelled \"sizeaware\" exists" },
		{ "module add sizeaware label x\nmodule add sizeaware label x\n",
		  -EEXIST, "t.conf:2: \"x\": a module labelled \"x\" exists" },
		{ "module add sizeaware label bad.label\n", -EINVAL,
		  "t.conf:1: \"bad.label\": label may hold letters, digits, - and _" },
		{ "module add sizeaware hook nowhere\n", -EINVAL,
		  "t.conf:1: \"nowhere\": unknown hook \"nowhere\" (HOOK[,HOOK]..., each once, of pre-routing, local-in, forward, local-out, post-routing)" },
		{ "module add sizeaware hook forward,forward\n", -EINVAL,
		  "t.conf:1: \"forward,forward\": unknown hook \"forward,forward\" (HOOK[,HOOK]..., each once, of pre-routing, local-in, forward, local-out, post-routing)" },
		{ "module add sizeaware hook forward,\n", -EINVAL,
		  "t.conf:1: \"forward,\": unknown hook \"forward,\" (HOOK[,HOOK]..., each once, of pre-routing, local-in, forward, local-out, post-routing)" },
		{ "module add sizeaware prio 5000\n", -ERANGE,
		  "t.conf:1: \"5000\": prio must be in [-1000..1000]" },
		{ "module add sizeaware threshold 20 colour blue\n", -EINVAL,
		  "t.conf:1: \"colour\": sizeaware: what is \"colour\"?" },
		{ "module add sizeaware dport 0\n", -EINVAL,
		  "t.conf:1: \"0\": \"0\" is not a port range (PORT or LO-HI, 1..65535)" },
		{ "module add sizeaware\nset sizeaware.nope 3\n", -ENOENT,
		  "t.conf:2: \"sizeaware.nope\": module sizeaware has no parameter \"nope\"" },
		{ "set nosuch.threshold 3\n", -ENOENT,
		  "t.conf:1: \"nosuch.threshold\": no module \"nosuch\"" },
		{ "module add sizeaware\nset sizeaware.threshold lots\n", -EINVAL,
		  "t.conf:2: \"lots\": threshold: \"lots\" is not a number" },
		{ "set threshold 3\n", -EINVAL,
		  "t.conf:1: \"threshold\": \"threshold\" is not MODULE.PARAMETER" },
		{ "set a.b\n", -EINVAL,
		  "t.conf:1: usage: set MODULE.PARAMETER VALUE" },
		{ "qdisc add root pfifo limit 100\nqdisc add root bfifo\n", -EEXIST,
		  "t.conf:2: \"add\": a root qdisc exists: use replace or change" },
		{ "qdisc add root pfifo\nqdisc change root bfifo limit 5\n", -EINVAL,
		  "t.conf:2: \"bfifo\": root qdisc is pfifo, not bfifo: use replace" },
		{ "qdisc add dev0 pfifo\n", -EINVAL,
		  "t.conf:1: \"dev0\": say where: root or parent MAJOR:MINOR" },
		{ "qdisc destroy root\n", -EINVAL,
		  "t.conf:1: \"destroy\": qdisc: what is \"destroy\"?" },
		{ "module del ghost\n", -ENOENT,
		  "t.conf:1: \"ghost\": no module \"ghost\"" },
		{ "module enable ghost\n", -ENOENT,
		  "t.conf:1: \"ghost\": no module \"ghost\"" },
		{ "module frob x\n", -EINVAL,
		  "t.conf:1: \"frob\": module: what is \"frob\"?" },
		{ "module del\n", -EINVAL,
		  "t.conf:1: \"del\": usage: module add|load|del|unload|enable|disable|" },
		{ "flows limit 0\n", -ERANGE,
		  "t.conf:1: \"0\": flows limit must be in [1..268435456]" },
		{ "flows\n", -EINVAL,
		  "t.conf:1: \"flows\": usage: flows limit N idle TIME | flows show | flows clear" },
		{ "flows limit 10 idle\n", -EINVAL,
		  "t.conf:1: \"idle\": usage: flows limit N idle TIME | flows show | flows clear" },
		{ "link overhead 2000\n", -ERANGE,
		  "t.conf:1: \"2000\": link overhead must be in [0..1024] bytes" },
		{ "link overhead 2kb\n", -ERANGE,
		  "t.conf:1: \"2kb\": link overhead must be in [0..1024] bytes" },
		{ "link overhead 24x\n", -EINVAL,
		  "t.conf:1: \"24x\": link overhead: \"24x\" is not a size such as 24 or 24b" },
		{ "link rate 0\n", -EINVAL,
		  "t.conf:1: \"0\": link rate: \"0\" is not a rate such as 100mbit" },
		{ "\n\n\n\nfrobnicate now\n", -ENOENT,
		  "t.conf:5: \"frobnicate\": unknown command \"frobnicate\" (try help)" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct itm_engine *e = SENTINEL;
		char msg[512];
		int rc = load(c[i].text, &e, msg, sizeof(msg));

		/* a message may go on past what is expected (lists of
		 * known names grow with every module) */
		if (rc != c[i].rc || strncmp(msg, c[i].msg, strlen(c[i].msg)) ||
		    e != SENTINEL)
			fail_msg("config %zu: rc %d msg '%s'%s; expected rc %d msg '%s'",
				 i, rc, msg, e != SENTINEL ? " (*out written)" : "",
				 c[i].rc, c[i].msg);
	}
}

static void test_config_bad_bytes(void **state)
{
	static const char nul[] = "module add sizeaware\nlink rate\0 10mbit\n";
	struct itm_engine *e = SENTINEL;
	char msg[256], *text;
	size_t n;
	int rc;

	/* a NUL byte inside a line */
	rc = itm_config_load_buf("nul.conf", nul, sizeof(nul) - 1, &e, msg,
				 sizeof(msg));
	assert_int_equal(rc, -EINVAL);
	assert_ptr_equal(e, SENTINEL);
	assert_int_equal(strncmp(msg, "nul.conf:2: line holds a NUL byte",
				 strlen("nul.conf:2: line holds a NUL byte")), 0);

	/* the longest line that fits, and one byte more */
	n = ITM_CMD_LINE_MAX - 1;
	text = malloc(n + 64);
	assert_non_null(text);
	memset(text, ' ', n);
	memcpy(text, "link rate 1mbit", 15);
	text[n] = '\n';
	e = SENTINEL;
	rc = itm_config_load_buf("long.conf", text, n + 1, &e, msg, sizeof(msg));
	assert_int_equal(rc, 0);
	assert_true(e->link_rate_bps == 1000000);
	itm_engine_destroy(e);

	memcpy(text, "link rate 1mbit\n", 16);
	memset(text + 16, 'x', n + 1);
	text[16 + n + 1] = '\n';
	e = SENTINEL;
	rc = itm_config_load_buf("long.conf", text, 16 + n + 2, &e, msg,
				 sizeof(msg));
	assert_int_equal(rc, -EINVAL);
	assert_ptr_equal(e, SENTINEL);
	assert_string_equal(msg, "long.conf:2: line longer than 4095 bytes");

	/* a comment may be as long as it likes */
	memcpy(text + 16, "  # ", 4);
	rc = itm_config_load_buf("long.conf", text, 16 + n + 2, &e, msg,
				 sizeof(msg));
	assert_int_equal(rc, 0);
	assert_true(e->link_rate_bps == 1000000);
	itm_engine_destroy(e);
	free(text);

	/* more words than a command may have */
	{
		char line[4 * (ITM_CMD_ARGS_MAX + 2)] = "link";

		for (n = 0; n < ITM_CMD_ARGS_MAX; n++)
			strcat(line, " x");
		e = SENTINEL;
		rc = itm_config_load_buf("many.conf", line, strlen(line), &e,
					 msg, sizeof(msg));
		assert_int_equal(rc, -E2BIG);
		assert_ptr_equal(e, SENTINEL);
		assert_string_equal(msg, "many.conf:1: more than 64 words on a line");
	}

	/* a short message buffer is cut, not overrun */
	{
		char small[12];

		memset(small, 'X', sizeof(small));
		e = SENTINEL;
		rc = itm_config_load_buf("t.conf", "bogus\n", 6, &e, small, 8);
		assert_int_equal(rc, -ENOENT);
		assert_string_equal(small, "t.conf:");
		assert_int_equal(small[8], 'X');
	}
}

/* The NUL message should say only that: "(4095)" is the line limit, a
 * number unrelated to a NUL byte. */
static void test_config_nul_message(void **state)
{
	static const char nul[] = "\0\n";
	struct itm_engine *e = SENTINEL;
	char msg[256];

	assert_int_equal(itm_config_load_buf("n.conf", nul, 2, &e, msg,
					     sizeof(msg)), -EINVAL);
	assert_string_equal(msg, "n.conf:1: line holds a NUL byte");
}

static void test_config_file(void **state)
{
	char dir[64], path[96], msg[256];
	struct itm_engine *e = SENTINEL;
	FILE *f;

	assert_non_null(test_mkdtemp(dir, sizeof(dir), "itm-test-cmd"));
	snprintf(path, sizeof(path), "%s/a.conf", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(good_conf, f);
	fputs("qdisc add root bfifo\n", f);
	fclose(f);
	assert_int_equal(itm_config_load_file(path, &e, msg, sizeof(msg)),
			 -EEXIST);
	assert_ptr_equal(e, SENTINEL);
	{
		char want[256];

		snprintf(want, sizeof(want),
			 "%s:8: \"add\": a root qdisc exists: use replace or change",
			 path);
		assert_string_equal(msg, want);
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(good_conf, f);
	fclose(f);
	assert_int_equal(itm_config_load_file(path, &e, msg, sizeof(msg)), 0);
	assert_true(e->link_rate_bps == UINT64_C(10000000));
	itm_engine_destroy(e);
	unlink(path);
	e = SENTINEL;
	assert_int_equal(itm_config_load_file(path, &e, msg, sizeof(msg)),
			 -ENOENT);
	assert_ptr_equal(e, SENTINEL);
	assert_int_equal(strncmp(msg, path, strlen(path)), 0);
	assert_non_null(strstr(msg, "No such file"));
	rmdir(dir);
}

/* ---- running commands ---- */

static void test_get_and_set(void **state)
{
	struct itm_engine *e = must_load(good_conf);
	struct itm_err err;
	struct out o;

	out_open(&o);
	assert_int_equal(run(e, &o, "get sizeaware.threshold", &err), 0);
	assert_string_equal(out_text(&o), "sizeaware.threshold 30\n");
	assert_int_equal(run(e, &o, "set sizeaware.threshold 45", &err), 0);
	assert_int_equal(run(e, &o, "get sizeaware.threshold", &err), 0);
	assert_string_equal(out_text(&o), "sizeaware.threshold 30\n"
			    "sizeaware.threshold 45\n");
	/* errors print nothing */
	assert_int_equal(run(e, &o, "get sizeaware.nope", &err), -ENOENT);
	assert_string_equal(err.tok, "sizeaware.nope");
	assert_int_equal(run(e, &o, "get", &err), -EINVAL);
	assert_string_equal(err.msg, "usage: get MODULE.PARAMETER");
	assert_int_equal(run(e, &o, "set sizeaware.threshold -1", &err),
			 -EINVAL);
	assert_int_equal(run(e, &o, "get sizeaware.threshold", &err), 0);
	assert_string_equal(out_text(&o), "sizeaware.threshold 30\n"
			    "sizeaware.threshold 45\n"
			    "sizeaware.threshold 45\n");
	/* an empty line is no command */
	assert_int_equal(run(e, &o, "   # nothing", &err), 0);
	/* no output stream: still runs */
	assert_int_equal(run(e, NULL, "get sizeaware.threshold", &err), 0);
	out_close(&o);
	itm_engine_destroy(e);
}

static void test_qdisc_show(void **state)
{
	struct itm_engine *e = must_load("qdisc add root pfifo limit 100\n");
	struct itm_err err;
	struct out o;

	out_open(&o);
	assert_int_equal(run(e, &o, "qdisc show", &err), 0);
	assert_string_equal(out_text(&o), "qdisc pfifo 1: root limit 100p\n");
	out_close(&o);

	out_open(&o);
	assert_int_equal(run(e, &o, "qdisc show -s", &err), 0);
	assert_string_equal(out_text(&o),
		"qdisc pfifo 1: root limit 100p\n"
		" Sent 0 bytes 0 pkt (dropped 0, overlimits 0 requeues 0)\n"
		" backlog 0b 0p requeues 0\n");
	out_close(&o);

	out_open(&o);
	assert_int_equal(run(e, &o, "qdisc show --json", &err), 0);
	assert_string_equal(out_text(&o),
		"[{\"kind\":\"pfifo\",\"handle\":\"1:\",\"root\":true,"
		"\"options\":{\"limit\":100}}]\n");
	out_close(&o);

	out_open(&o);
	assert_int_equal(run(e, &o, "qdisc show -x", &err), -EINVAL);
	assert_string_equal(err.tok, "-x");
	assert_string_equal(out_text(&o), "");
	out_close(&o);
	itm_engine_destroy(e);
}

/* backend: a configuration's line is kept and shown; outside itmd nothing
 * runs, so -s adds nothing; JSON has null for no backend; a bad line and
 * a stray word are refused by name. */
static void test_backend_line(void **state)
{
	struct itm_engine *e = must_load("link rate unlimited\n");
	struct itm_err err;
	struct out o;

	(void)state;
	out_open(&o);
	assert_int_equal(run(e, &o, "backend show -s", &err), 0);
	assert_int_equal(run(e, &o, "backend show --json", &err), 0);
	assert_int_equal(run(e, &o, "backend nfqueue dev s0", &err), 0);
	assert_int_equal(run(e, &o, "backend", &err), 0);
	assert_int_equal(run(e, &o, "backend show -s --json", &err), 0);
	assert_string_equal(out_text(&o),
			    "backend none (replay)\n{\"backend\":null}\n"
			    "backend nfqueue dev s0\n{\"backend\":\"nfqueue dev s0\"}\n");
	assert_int_equal(run(e, &o, "backend show -s -s", &err), -EINVAL);
	assert_string_equal(err.tok, "-s");
	assert_int_equal(run(e, &o, "backend nfqueue dev", &err), -EINVAL);
	assert_string_equal(e->backend, "nfqueue dev s0");
	out_close(&o);
	itm_engine_destroy(e);
}

static struct itm_qdisc *other_root;

static struct itm_qdisc *egress_s1(void *arg, const char *dev)
{
	(void)arg;
	return !strcmp(dev, "s1") ? other_root : NULL;
}

/* `qdisc show dev IF` and `class show dev IF` show the tree leaving by IF
 * where the backend names one (the bridge), and refuse a device it does
 * not know, or any device where nothing names trees by device. */
static void test_show_dev(void **state)
{
	struct itm_engine *e = must_load("qdisc add root pfifo limit 100\n");
	struct itm_engine *o = must_load("qdisc add root handle 2: tbf rate 1mbit burst 10kb limit 20kb\n");
	struct itm_cmd_ctx c = { .eng = e, .egress = egress_s1 };
	char line[64], *argv[8];
	struct itm_err err;
	struct out out;
	int argc;

	(void)state;
	out_open(&out);
	assert_int_equal(run(e, &out, "qdisc show dev s1", &err), -ENODEV);
	assert_string_equal(err.tok, "s1");
	assert_string_equal(err.msg, "qdisc show dev s1: no tree leaves by it "
			    "(with the bridge: one of its ports)");
	other_root = o->root;
	c.out = out.f;
	snprintf(line, sizeof(line), "qdisc show dev s1");
	argc = itm_cmd_split(line, argv, 8);
	assert_int_equal(itm_cmd_run(&c, argc, argv, &err), 0);
	snprintf(line, sizeof(line), "class show -s dev s0");
	argc = itm_cmd_split(line, argv, 8);
	assert_int_equal(itm_cmd_run(&c, argc, argv, &err), -ENODEV);
	snprintf(line, sizeof(line), "qdisc show");
	argc = itm_cmd_split(line, argv, 8);
	assert_int_equal(itm_cmd_run(&c, argc, argv, &err), 0);
	assert_string_equal(out_text(&out), "qdisc tbf 2: root rate 1Mbit burst 10Kb limit 20Kb\n"
			    "qdisc bfifo 0: parent 2:1 limit 20Kb\n"
			    "qdisc pfifo 1: root limit 100p\n");
	out_close(&out);
	itm_engine_destroy(o);
	itm_engine_destroy(e);
}

static void test_module_commands(void **state)
{
	struct itm_engine *e = must_load("");
	struct itm_err err;
	struct out o;

	out_open(&o);
	assert_int_equal(run(e, &o, "module add sizeaware label sa dport 80",
			     &err), 0);
	assert_int_equal(run(e, &o, "module disable sa", &err), 0);
	assert_false(itm_engine_mod_find(e, "sa")->enabled);
	assert_int_equal(run(e, &o, "module enable sa", &err), 0);
	assert_true(itm_engine_mod_find(e, "sa")->enabled);
	assert_int_equal(run(e, &o, "module list", &err), 0);
	assert_non_null(strstr(out_text(&o), "module sa kind sizeaware hook forward prio 0 enabled dport 80-80\n"));
	/* several hooks: the first named is its own, it runs in every chain */
	assert_int_equal(run(e, &o, "module add pias hook post-routing,local-in", &err), 0);
	assert_int_equal(itm_engine_mod_find(e, "pias")->hook, ITM_HOOK_POST_ROUTING);
	assert_int_equal(e->chain_len[ITM_HOOK_LOCAL_IN], 1);
	assert_int_equal(e->chain_len[ITM_HOOK_POST_ROUTING], 1);
	assert_int_equal(run(e, &o, "module list --json", &err), 0);
	assert_non_null(strstr(out_text(&o), "\"kind\":\"pias\",\"hook\":\"local-in,post-routing\","));
	assert_int_equal(run(e, &o, "module del pias", &err), 0);
	assert_int_equal(e->chain_len[ITM_HOOK_LOCAL_IN], 0);
	assert_int_equal(run(e, &o, "module enable", &err), -EINVAL);
	assert_string_equal(err.tok, "enable");
	assert_int_equal(run(e, &o, "module del sa", &err), 0);
	assert_null(itm_engine_mod_find(e, "sa"));
	assert_int_equal(e->n_mods, 0);
	assert_int_equal(run(e, &o, "module del sa", &err), -ENOENT);
	assert_string_equal(err.msg, "no module \"sa\"");
	assert_int_equal(run(e, &o, "module add", &err), -EINVAL);
	assert_string_equal(err.msg, "module add: KIND missing");
	out_close(&o);
	itm_engine_destroy(e);
}

static void test_unknown_command(void **state)
{
	struct itm_engine *e = must_load("");
	struct itm_err err;

	assert_int_equal(run(e, NULL, "frobnicate 1 2", &err), -ENOENT);
	assert_string_equal(err.tok, "frobnicate");
	assert_string_equal(err.msg, "unknown command \"frobnicate\" (try help)");
	assert_int_equal(run(e, NULL, "Module list", &err), -ENOENT);
	assert_string_equal(err.tok, "Module");
	{
		struct out o;

		out_open(&o);
		assert_int_equal(run(e, &o, "help nosuch", &err), -ENOENT);
		assert_string_equal(err.tok, "nosuch");
		assert_string_equal(err.msg, "no command \"nosuch\"");
		out_close(&o);
	}
	itm_engine_destroy(e);
}

/* ---- help ---- */

static void test_help_all(void **state)
{
	static const char *const mention[] = {
		"module add KIND", "module load FILE.so [label LABEL]",
		"module del|unload|enable|disable LABEL",
		"module list", "set MODULE.PARAMETER VALUE",
		"get MODULE.PARAMETER", "qdisc add|replace root|parent MAJOR:MINOR",
		"qdisc change root|parent MAJOR:MINOR|handle MAJOR: KIND", "qdisc show", "qdisc help",
		"flows limit N idle TIME", "flows show", "flows clear",
		"link rate RATE|unlimited", "help [COMMAND]",
	};
	struct out o;
	size_t i;

	out_open(&o);
	assert_int_equal(itm_cmd_help(o.f, NULL), 0);
	for (i = 0; i < ARRAY_SIZE(mention); i++) {
		if (!strstr(out_text(&o), mention[i]))
			fail_msg("help lacks \"%s\":\n%s", mention[i],
				 out_text(&o));
	}
	out_close(&o);
	out_open(&o);
	assert_int_equal(itm_cmd_help(o.f, "nosuch"), -ENOENT);
	assert_string_equal(out_text(&o), "");
	out_close(&o);
}

static void test_help_qdisc(void **state)
{
	static const char *const mention[] = {
		"qdisc add|replace root|parent MAJOR:MINOR",
		"\n pfifo\n  limit ",
		"\n bfifo\n  limit ",
		"\n pfifo_head_drop\n  limit ",
		"packets in [1p..2147483647p], default 1000p",
		"bytes in [1b..1048576Mb], default 1514000b",
	};
	struct out o;
	size_t i;

	out_open(&o);
	assert_int_equal(itm_cmd_help(o.f, "qdisc"), 0);
	for (i = 0; i < ARRAY_SIZE(mention); i++) {
		if (!strstr(out_text(&o), mention[i]))
			fail_msg("qdisc help lacks \"%s\":\n%s", mention[i],
				 out_text(&o));
	}
	/* nothing about other commands */
	assert_null(strstr(out_text(&o), "flows limit"));
	out_close(&o);

	out_open(&o);
	assert_int_equal(itm_cmd_help(o.f, "module"), 0);
	assert_non_null(strstr(out_text(&o), "module add KIND"));
	assert_non_null(strstr(out_text(&o), " sizeaware (default hook forward)"));
	assert_non_null(strstr(out_text(&o), "threshold"));
	out_close(&o);
}

static void test_help_commands(void **state)
{
	struct itm_engine *e = must_load("");
	struct itm_err err;
	struct out o;

	out_open(&o);
	assert_int_equal(run(e, &o, "help qdisc", &err), 0);
	assert_non_null(strstr(out_text(&o), " bfifo\n"));
	out_close(&o);

	out_open(&o);
	assert_int_equal(run(e, &o, "qdisc help", &err), 0);
	assert_non_null(strstr(out_text(&o), " pfifo\n"));
	assert_non_null(strstr(out_text(&o), " bfifo\n"));
	out_close(&o);

	out_open(&o);
	assert_int_equal(run(e, &o, "help", &err), 0);
	assert_non_null(strstr(out_text(&o), "help [COMMAND]"));
	out_close(&o);
	itm_engine_destroy(e);
}

/* cmd.c's own usage text: "qdisc help [KIND]". */
static void test_qdisc_help_kind(void **state)
{
	struct itm_engine *e = must_load("");
	struct itm_err err;
	struct out o;
	int rc;

	bool bfifo, range, pfifo;

	out_open(&o);
	rc = run(e, &o, "qdisc help bfifo", &err);
	bfifo = strstr(out_text(&o), " bfifo\n") != NULL;
	range = strstr(out_text(&o), "[1b..1048576Mb]") != NULL;
	pfifo = strstr(out_text(&o), " pfifo\n") != NULL;
	out_close(&o);
	itm_engine_destroy(e);
	if (rc != 0)
		fail_msg("\"qdisc help bfifo\": rc %d \"%s\": %s", rc, err.tok,
			 err.msg);
	assert_true(bfifo);
	assert_true(range);
	assert_false(pfifo);
}

/* `itm module help pias` and `itm qdisc help tbf`: one kind's help only */
static void test_help_kind_modules(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	assert_int_equal(itm_cmd_help_kind(f, "module", "pias"), 0);
	assert_int_equal(itm_cmd_help_kind(f, "module", "nosuch"), -ENOENT);
	assert_int_equal(itm_cmd_help_kind(f, "flows", "pias"), -ENOENT);
	fclose(f);
	assert_non_null(strstr(buf, " pias (default hook"));
	assert_non_null(strstr(buf, "prio_thresh_0"));
	assert_null(strstr(buf, " sizeaware ("));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_split_e2big),
		cmocka_unit_test(test_config_valid),
		cmocka_unit_test(test_config_defaults_and_forms),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_config_bad_bytes),
		cmocka_unit_test(test_config_nul_message),
		cmocka_unit_test(test_config_file),
		cmocka_unit_test(test_get_and_set),
		cmocka_unit_test(test_qdisc_show),
		cmocka_unit_test(test_module_commands),
		cmocka_unit_test(test_unknown_command),
		cmocka_unit_test(test_help_all),
		cmocka_unit_test(test_help_qdisc),
		cmocka_unit_test(test_backend_line),
		cmocka_unit_test(test_show_dev),
		cmocka_unit_test(test_help_commands),
		cmocka_unit_test(test_qdisc_help_kind),
		cmocka_unit_test(test_help_kind_modules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
