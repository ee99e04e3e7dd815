// SPDX-License-Identifier: GPL-2.0-only
/*
 * modload.c and `module load|unload`: modules from shared objects through
 * the command layer, counters, enable and disable, the object closed with
 * its last module, every bad file refused by name with the engine as it
 * was, a configuration that fails on a load applying nothing, and a module
 * unloaded while it holds packets giving them back first.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "itm/cmd.h"
#include "itm/modload.h"
#include "pktbuild.h"
#include "testutil.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define DSCPMARK MODULES_DIR "/dscpmark.so"
#define TESTMOD(name) TESTMOD_DIR "/testmod_" name ".so"

static char tmpdir[64];
static unsigned n_freed;

static void note_free(void *ctx, struct itm_pkt *p)
{
	n_freed++;
}

/* Run one command line against e; its output, if any, into out. */
static int run(struct itm_engine *e, char **out, const char *line,
	       struct itm_err *err)
{
	char buf[1024], *argv[ITM_CMD_ARGS_MAX];
	size_t len = 0;
	struct itm_cmd_ctx c = { .eng = e };
	int argc, r;

	if (out)
		c.out = open_memstream(out, &len);
	snprintf(buf, sizeof(buf), "%s", line);
	argc = itm_cmd_split(buf, argv, ITM_CMD_ARGS_MAX);
	assert_true(argc >= 0);
	memset(err, 0, sizeof(*err));
	r = itm_cmd_run(&c, argc, argv, err);
	if (out)
		fclose(c.out);
	return r;
}

static void must_run(struct itm_engine *e, const char *line)
{
	struct itm_err err;

	if (run(e, NULL, line, &err) < 0)
		fail_msg("%s: %s", line, err.msg);
}

/* `module list` (text, or JSON): the caller frees it. */
static char *list(struct itm_engine *e, bool json)
{
	struct itm_err err;
	char *out = NULL;

	assert_int_equal(run(e, &out, json ? "module list --json" :
			     "module list", &err), 0);
	return out;
}

static void udp_packet(struct pb *b, struct itm_pkt *p, uint8_t tos)
{
	pb_init(b);
	pb_eth(b, 0x0800);
	pb_ipv4(b, tos, 17, "192.0.2.1", "198.51.100.1", 0);
	pb_udp(b, 5004, 5004, 100);
	pb_finish(b, p);
}

/* One packet forwarded into the root FIFO and out: its TOS byte. */
static uint8_t forward_tos(struct itm_engine *e, uint8_t tos)
{
	struct itm_pkt p, *q;
	struct pb b;

	udp_packet(&b, &p, tos);
	itm_engine_forward(e, &p, 1);
	q = itm_qdisc_dequeue(e->root, 2);
	assert_ptr_equal(q, &p);
	assert_int_equal(itm_csum_verify(q), 0);
	return q->v.outer.tos;
}

static void test_load_list_unload(void **state)
{
	struct itm_engine *e = test_engine("", TEST_START);
	struct itm_mod *m;
	struct itm_err err;
	char *text;

	must_run(e, "module load " DSCPMARK " label ef proto udp dscp 10");
	assert_int_equal(itm_modload_count(), 1);
	m = itm_engine_mod_find(e, "ef");
	assert_non_null(m);
	assert_int_equal(forward_tos(e, 0x01), 10 << 2 | 0x01);
	assert_int_equal(m->stats.modified, 1);

	text = list(e, false);
	assert_non_null(strstr(text, "module ef kind dscpmark file /"));
	assert_non_null(strstr(text, "/dscpmark.so hook forward prio 0 enabled proto 17"));
	assert_non_null(strstr(text, "seen 1 interested 1 classified 1 accepted 0 dropped 0 modified 1"));
	assert_non_null(strstr(text, "order forward: ef\n"));
	free(text);
	text = list(e, true);
	assert_non_null(strstr(text, "\"kind\":\"dscpmark\",\"file\":\"/"));
	assert_non_null(strstr(text, "dscpmark.so\",\"hook\":\"forward\""));
	free(text);

	must_run(e, "module disable ef");
	assert_int_equal(forward_tos(e, 0), 0);
	assert_int_equal(m->stats.seen, 1);
	must_run(e, "module enable ef");
	must_run(e, "set ef.dscp 46");
	assert_int_equal(forward_tos(e, 0), 46 << 2);

	/* a second module from the same file: one object, two references */
	must_run(e, "module load " DSCPMARK " label af prio -1 dscp 12");
	assert_int_equal(itm_modload_count(), 1);
	text = list(e, false);
	assert_non_null(strstr(text, "order forward: af ef\n"));
	free(text);
	assert_int_equal(forward_tos(e, 0), 46 << 2);	/* ef runs last */

	assert_int_equal(run(e, NULL, "module unload sizeaware", &err), -ENOENT);
	must_run(e, "module unload ef");
	assert_int_equal(itm_modload_count(), 1);
	assert_null(itm_engine_mod_find(e, "ef"));
	must_run(e, "module del af");		/* del closes it too */
	assert_int_equal(itm_modload_count(), 0);
	assert_int_equal(run(e, NULL, "module unload ef", &err), -ENOENT);
	itm_engine_destroy(e);
}

/* A module written in C++ loads and runs like one in C. */
static void test_cxx_module(void **state)
{
#ifndef TESTMOD_CXX
	skip();		/* built without a C++ compiler */
#else
	struct itm_engine *e = test_engine("", TEST_START);
	char *text;

	must_run(e, "module load " TESTMOD("cxx") " label af41 proto udp");
	assert_int_equal(forward_tos(e, 0x02), 34 << 2 | 0x02);
	must_run(e, "set af41.dscp 10");
	assert_int_equal(forward_tos(e, 0), 10 << 2);
	text = list(e, false);
	assert_non_null(strstr(text, "module af41 kind cxxmark file /"));
	free(text);
	must_run(e, "module unload af41");
	assert_int_equal(itm_modload_count(), 0);
	itm_engine_destroy(e);
#endif
}

static void test_unload_builtin_refused(void **state)
{
	struct itm_engine *e = test_engine("module add sizeaware\n", 0);
	struct itm_err err;

	assert_int_equal(run(e, NULL, "module unload sizeaware", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "built in: use module del"));
	assert_non_null(itm_engine_mod_find(e, "sizeaware"));
	itm_engine_destroy(e);
}

/* Copy the example to tmpdir/SUB/dscpmark.so, SUB and file with these
 * modes; the path in buf. */
static const char *copy_example(char *buf, size_t len, const char *sub,
				mode_t dir_mode, mode_t mode)
{
	char data[1 << 16];
	ssize_t n;
	int in, out, w;

	w = snprintf(buf, len, "%s/%s/dscpmark.so", tmpdir, sub);
	assert_true(w > 0 && (size_t)w < len);
	*strrchr(buf, '/') = '\0';
	mkdir(buf, 0700);
	assert_int_equal(chmod(buf, dir_mode), 0);
	buf[strlen(buf)] = '/';
	in = open(DSCPMARK, O_RDONLY);
	out = open(buf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(in >= 0 && out >= 0);
	while ((n = read(in, data, sizeof(data))) > 0)
		assert_int_equal(write(out, data, (size_t)n), n);
	close(in);
	close(out);
	assert_int_equal(chmod(buf, mode), 0);
	return buf;
}

/* A file name JSON must escape: "file" stays one valid string. */
static void test_list_json_escapes_file(void **state)
{
	struct itm_engine *e = test_engine("", 0);
	char path[128], line[256], *text;

	copy_example(path, sizeof(path), "q\"uote\\d", 0755, 0755);
	snprintf(line, sizeof(line), "module load %s label q", path);
	must_run(e, line);
	text = list(e, true);
	assert_non_null(strstr(text, "/q\\\"uote\\\\d/dscpmark.so\",\"hook\""));
	free(text);
	itm_engine_destroy(e);
	assert_int_equal(itm_modload_count(), 0);
}

static const char *text_file(char *buf, size_t len)
{
	FILE *f;

	snprintf(buf, len, "%s/notelf.so", tmpdir);
	f = fopen(buf, "w");
	assert_non_null(f);
	fputs("not an ELF object, but long enough to hold an ELF header: the\n"
	      "loader reads its first 64 bytes before it says no\n", f);
	fclose(f);
	return buf;
}

struct bad_case {
	const char *file;	/* NULL: the example; "" when skipped */
	const char *args;
	int code;
	const char *msg;	/* in the error message */
};

/* The engine before and after a refused line: same list, same objects. */
static void check_bad(struct itm_engine *e, const struct bad_case *c)
{
	char line[512], *before = list(e, false), *after;
	unsigned open_before = itm_modload_count();
	struct itm_err err;
	int r;

	snprintf(line, sizeof(line), "module load %s%s", c->file ? c->file :
		 DSCPMARK, c->args ? c->args : "");
	r = run(e, NULL, line, &err);
	if (r != -c->code || !strstr(err.msg, c->msg))
		fail_msg("%s: %d \"%s\", expected %d \"%s\"", line, r, err.msg,
			 -c->code, c->msg);
	after = list(e, false);
	assert_string_equal(before, after);
	assert_int_equal(itm_modload_count(), open_before);
	free(before);
	free(after);
}

static void test_bad_loads(void **state)
{
	struct itm_engine *e = test_engine("module add sizeaware\n", TEST_START);
	char notelf[128], loose[128], shared_dir[128], foreign[128];
	bool root = geteuid() == 0;
	const struct bad_case c[] = {
		{ "./nothere.so", NULL, ENOENT, "./nothere.so: No such file" },
		{ "dscpmark.so", NULL, EINVAL, "give a path, e.g. ./dscpmark.so" },
		{ tmpdir, NULL, EINVAL, "not a regular file" },
		{ text_file(notelf, sizeof(notelf)), NULL, ENOEXEC,
		  "invalid ELF header" },
		{ TESTMOD("nosym"), NULL, ENOENT, "no symbol itm_module" },
		{ TESTMOD("abi"), NULL, EPROTO, "built for module ABI 99, this itm takes 4" },
		{ TESTMOD("sizes"), NULL, EPROTO, "struct sizes differ" },
		{ TESTMOD("builtin"), NULL, EEXIST, "kind \"sizeaware\" is a built-in module's" },
		{ TESTMOD("undef"), NULL, ENOEXEC, "undefined symbol: itm_no_such_function" },
		{ TESTMOD("initfail"), NULL, EINVAL, "testmod: init refused" },
		{ TESTMOD("hook"), NULL, EINVAL, "default_hook 40 is no hook" },
		{ TESTMOD("timer"), NULL, EINVAL, "timer_ns without timer" },
		{ NULL, " label ef", EEXIST, "a module labelled \"ef\" exists" },
		{ NULL, " label 'x'", EINVAL, "label may hold" },
		{ NULL, " hook nowhere", EINVAL, "unknown hook" },
		{ NULL, " prio 5000", ERANGE, "prio must be" },
		{ NULL, " label x dscp 64", ERANGE, "dscp" },
		{ NULL, " label x colour blue", EINVAL, "what is \"colour\"" },
		{ copy_example(loose, sizeof(loose), "loose", 0700, 0666), NULL,
		  EPERM, "writable by group or others" },
		{ copy_example(shared_dir, sizeof(shared_dir), "shared", 0777, 0755),
		  NULL, EPERM, "writable by group or others" },
		{ root ? copy_example(foreign, sizeof(foreign), "foreign", 0755, 0755)
		       : "", NULL, EPERM, "owned by another user" },
	};
	size_t i;

	must_run(e, "module load " DSCPMARK " label ef");
	if (root)
		assert_int_equal(chown(foreign, 4242, 4242), 0);
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		if (c[i].file && !*c[i].file)
			continue;	/* not root: cannot give a file away */
		check_bad(e, &c[i]);
	}
	itm_engine_destroy(e);
	assert_int_equal(itm_modload_count(), 0);
}

/* A configuration is all or nothing: a bad load fails the file, and the
 * objects its good lines opened are closed with the engine it built. */
static void test_config_aborts(void **state)
{
	static const char conf[] =
		"module add sizeaware\n"
		"module load " DSCPMARK " label ef\n"
		"module load " TESTMOD("abi") "\n"
		"qdisc add root pfifo limit 10\n";
	struct itm_engine *e = NULL;
	char msg[512];

	assert_int_equal(itm_config_load_buf("t.conf", conf, strlen(conf), &e,
					     msg, sizeof(msg)), -EPROTO);
	assert_null(e);
	assert_non_null(strstr(msg, "t.conf:3: "));
	assert_non_null(strstr(msg, "testmod_abi.so: built for module ABI 99"));
	assert_int_equal(itm_modload_count(), 0);

	e = test_engine("module load " DSCPMARK " label ef\n", 0);
	assert_int_equal(itm_modload_count(), 1);
	itm_engine_destroy(e);
	assert_int_equal(itm_modload_count(), 0);
}

/* A module unloaded while it holds packets gives them back first; one
 * that holds them as the engine ends hands them to the backend. */
static void test_unload_holding(void **state)
{
	struct itm_engine *e = test_engine("", TEST_START);
	struct itm_pkt p[3];
	struct pb b[3];
	unsigned i;

	itm_engine_set_free(e, note_free, NULL);
	must_run(e, "module load " TESTMOD("hold") " label h");
	for (i = 0; i < 3; i++) {
		udp_packet(&b[i], &p[i], 0);
		itm_engine_forward(e, &p[i], 1);
	}
	assert_int_equal(e->held, 3);
	assert_int_equal(e->root->stats.qlen, 0);
	must_run(e, "module unload h");
	assert_int_equal(itm_modload_count(), 0);
	assert_int_equal(e->held, 0);
	assert_int_equal(e->root->stats.qlen, 3);
	for (i = 0; i < 3; i++)
		assert_ptr_equal(itm_qdisc_dequeue(e->root, 2), &p[i]);

	n_freed = 0;
	must_run(e, "module load " TESTMOD("hold") " label h");
	for (i = 0; i < 2; i++)
		itm_engine_forward(e, &p[i], 3);
	assert_int_equal(e->held, 2);
	itm_engine_destroy(e);
	assert_int_equal(n_freed, 2);
	assert_int_equal(itm_modload_count(), 0);
}

/*
 * ABI 4's layouts on LP64 (2: a module's set of hooks, a packet's hook;
 * 4: the taken verdict and its counter). A change to one of these structures changes
 * what a loaded module sees: bump ITM_MOD_ABI (include/itm/mod.h) and
 * write the new sizes here.
 */
static void test_abi_layout(void **state)
{
	if (sizeof(void *) != 8)
		skip();
	assert_int_equal(ITM_MOD_ABI, 4);
	assert_int_equal(sizeof(struct itm_mod_ops), 160);
	assert_int_equal(sizeof(struct itm_mod), 400);
	assert_int_equal(sizeof(struct itm_pkt), 224);
	assert_int_equal(sizeof(struct itm_l3), 56);
	assert_int_equal(sizeof(struct itm_attr), 80);
	assert_int_equal(sizeof(struct itm_flow), 56);
	assert_int_equal(sizeof(struct itm_interest), 218);
}

static int setup(void **state)
{
	return test_mkdtemp(tmpdir, sizeof(tmpdir), "itm-modload") ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_list_unload),
		cmocka_unit_test(test_cxx_module),
		cmocka_unit_test(test_unload_builtin_refused),
		cmocka_unit_test(test_bad_loads),
		cmocka_unit_test(test_list_json_escapes_file),
		cmocka_unit_test(test_config_aborts),
		cmocka_unit_test(test_unload_holding),
		cmocka_unit_test(test_abi_layout),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
