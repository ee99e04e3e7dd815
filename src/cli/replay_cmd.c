// SPDX-License-Identifier: GPL-2.0-only
/* itm replay and itm check: run a configuration over a capture file. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "replay_mod.h"
#include "itm/cmd.h"
#include "itm/qtree.h"
#include "itm/replay.h"
#include "itm/units.h"

static int load_config(const char *path, struct itm_engine **e)
{
	char msg[512];

	if (itm_config_load_file(path, e, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "itm: %s\n", msg);
		return -1;
	}
	return 0;
}

static const struct option replay_opts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "write", required_argument, NULL, 'w' },
	{ "rate", required_argument, NULL, 'r' },
	{ "overhead", required_argument, NULL, 'o' },
	{ "json", no_argument, NULL, 'j' },
	{ "exec", required_argument, NULL, 'e' },
	{ "module", required_argument, NULL, 'm' },
	{ NULL, 0, NULL, 0 },
};

#define REPLAY_EXEC_MAX 8

struct replay_args {
	const char *conf, *in, *out;
	const char *rate, *overhead;
	const char *exec[REPLAY_EXEC_MAX];	/* commands run after the replay */
	int n_exec;
	const char *mods[REPLAY_MODS_MAX];	/* libitm processes to start */
	int n_mods;
	bool json;
};

static int replay_too_many(const char *what, int max)
{
	fprintf(stderr, "itm replay: at most %d %s\n", max, what);
	return -1;
}

static int replay_parse_args(int argc, char **argv, struct replay_args *a)
{
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:w:e:", replay_opts, NULL)) != -1) {
		switch (c) {
		case 'c': a->conf = optarg; break;
		case 'w': a->out = optarg; break;
		case 'r': a->rate = optarg; break;
		case 'o': a->overhead = optarg; break;
		case 'j': a->json = true; break;
		case 'e':
			if (a->n_exec == REPLAY_EXEC_MAX)
				return replay_too_many("-e commands",
						       REPLAY_EXEC_MAX);
			a->exec[a->n_exec++] = optarg;
			break;
		case 'm':
			if (a->n_mods == REPLAY_MODS_MAX)
				return replay_too_many("--module processes",
						       REPLAY_MODS_MAX);
			a->mods[a->n_mods++] = optarg;
			break;
		default: return -1;
		}
	}
	if (optind != argc - 1 || !a->conf) {
		fprintf(stderr, "usage: itm replay -c CONF IN.pcap [-w OUT.pcap] "
			"[--rate RATE] [--overhead BYTES] [--json] [-e COMMAND]...\n"
			"       [--module \"PROGRAM [ARGS]\"]...   (libitm processes)\n");
		return -1;
	}
	a->in = argv[optind];
	return 0;
}

/* --rate and --overhead override the configuration's "link" line. */
static int replay_link(struct itm_engine *e, const struct replay_args *a)
{
	struct itm_cmd_ctx c = { .eng = e };
	char *argv[5] = { "link" };
	struct itm_err err;
	int argc = 1;

	if (a->rate) {
		argv[argc++] = "rate";
		argv[argc++] = (char *)a->rate;
	}
	if (a->overhead) {
		argv[argc++] = "overhead";
		argv[argc++] = (char *)a->overhead;
	}
	if (argc == 1 || itm_cmd_run(&c, argc, argv, &err) == 0)
		return 0;
	fprintf(stderr, "itm replay: %s%s%s%s\n", err.tok[0] ? "\"" : "",
		err.tok, err.tok[0] ? "\": " : "", err.msg);
	return -1;
}

/* -e COMMAND: grammar commands run on the engine as the replay left it,
 * e.g. "module ctl pias print" or "flows show". */
static int replay_exec(struct itm_engine *e, const struct replay_args *a)
{
	char line[ITM_CMD_LINE_MAX], *argv[ITM_CMD_ARGS_MAX];
	struct itm_cmd_ctx c = { .eng = e, .out = stdout };
	struct itm_err err;
	int i, n;

	for (i = 0; i < a->n_exec; i++) {
		snprintf(line, sizeof(line), "%s", a->exec[i]);
		n = itm_cmd_split(line, argv, ITM_CMD_ARGS_MAX);
		c.json = false;
		if (n < 0 || itm_cmd_run(&c, n, argv, &err) < 0) {
			fprintf(stderr, "itm replay: -e \"%s\": %s\n", a->exec[i],
				n < 0 ? "too many words" : err.msg);
			return -1;
		}
	}
	return 0;
}

int replay_main(int argc, char **argv)
{
	struct replay_args a = { 0 };
	struct replay_mods rm;
	struct itm_replay_stats st;
	struct itm_engine *e;
	char msg[512];
	int r;

	if (replay_parse_args(argc, argv, &a) < 0)
		return 2;
	if (load_config(a.conf, &e) < 0)
		return 1;
	if (replay_link(e, &a) < 0) {
		itm_engine_destroy(e);
		return 2;
	}
	if (replay_mods_start(&rm, e, a.mods, a.n_mods) < 0) {
		itm_engine_destroy(e);
		replay_mods_stop(&rm, true);
		return 1;
	}
	r = itm_replay_run(e, a.in, a.out, isatty(STDERR_FILENO) ? stderr : NULL,
			   &st, msg, sizeof(msg));
	if (r < 0)
		fprintf(stderr, "itm replay: %s\n", msg);
	if (st.in_pkts || r == 0)
		itm_replay_print(stdout, e, &st, a.json);
	if (r == 0 && replay_exec(e, &a) < 0)
		r = -EINVAL;
	itm_engine_destroy(e);
	replay_mods_stop(&rm, false);
	return r < 0 ? 1 : 0;
}

int check_main(int argc, char **argv)
{
	struct itm_engine *e;

	if (argc != 3 || (strcmp(argv[1], "-c") && strcmp(argv[1], "--config"))) {
		fprintf(stderr, "usage: itm check -c|--config CONF\n");
		return 2;
	}
	if (load_config(argv[2], &e) < 0)
		return 1;
	itm_qtree_print(e->root, stdout, false, false);
	itm_engine_print_modules(e, stdout, false);
	itm_engine_destroy(e);
	return 0;
}
