// SPDX-License-Identifier: GPL-2.0-only
/*
 * Command-grammar fuzzer for itmd's control socket: each line of the input
 * is split and run as the socket's commands are, through itm_cmd_run_line
 * against a started engine with a tree of every discipline kind and every
 * module (the socket's own refusals, a NUL byte, `link`, `backend`, are
 * tested in test_ctl, not here). A command either runs,
 * or is refused with a reason and leaves the engine exactly as it was: the
 * whole state as `qdisc show`, `class show`, `module list`, `flows` and
 * `link` print it is the same before and after a refusal.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itm/cmd.h"
#include "itm/qtree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char conf[] =
	"module add sizeaware hook forward threshold 3\n"
	"module add dscp hook pre-routing\n"
	"module add flow label m mode map key tunnel-dst and 0xff addend -3\n"
	"module add pias prio_num 3 prio_thresh_0 1000 prio_thresh_1 4000\n"
	"qdisc add root handle 1: tbf rate 8mbit burst 4kb limit 64kb\n"
	"qdisc add parent 1:1 handle 2: prio\n"
	"qdisc add parent 2:1 handle 3: fq_pie limit 32 flows 16 ecn\n"
	"qdisc add parent 2:2 handle 4: drr\n"
	"class add parent 4: classid 4:1 drr quantum 300\n"
	"qdisc add parent 2:3 handle 5: vif bandwidth 6mbit mode pq default 5:3\n"
	"class add parent 5: classid 5:3 vif bandwidth 2mbit ceil 3mbit priority 1\n"
	"class add parent 5:3 classid 5:1 vif bandwidth 1mbit mode shaping\n"
	"qdisc add parent 5:1 handle 6: pie limit 16 target 1ms\n"
	"link rate 10mbit\n"
	"flows limit 64 idle 1s\n";

/* Every piece of state a command can change, as text. */
static char *state_of(struct itm_engine *e, size_t *len)
{
	static const char *const shows[] = {
		"qdisc show -s", "class show -s", "module list",
		"flows show", "backend show",
	};
	struct itm_cmd_ctx cc = { .eng = e };
	struct itm_err err;
	char line[64], *text = NULL;
	size_t i;

	cc.out = open_memstream(&text, len);
	if (!cc.out)
		abort();
	for (i = 0; i < sizeof(shows) / sizeof(shows[0]); i++) {
		snprintf(line, sizeof(line), "%s", shows[i]);
		itm_cmd_run_line(&cc, line, &err);
	}
	itm_engine_print_modules(e, cc.out, true);
	fprintf(cc.out, "link %llu %u flows %u %llu root %d backend %s\n",
		(unsigned long long)e->link_rate_bps, e->link_overhead,
		e->flow_limit, (unsigned long long)e->flow_idle_ns,
		e->root_set, e->backend);
	for (i = 0; i < ITM_HOOK_MAX; i++)
		fprintf(cc.out, "chain %zu: %u\n", i, e->chain_len[i]);
	/* what a second egress (the bridge) would build its twin from */
	fprintf(cc.out, "tree commands%s:\n%.*s", e->qdisc_cmds_lost ?
		" (lost)" : "", (int)e->qdisc_cmds_len,
		e->qdisc_cmds ? e->qdisc_cmds : "");
	fclose(cc.out);
	return text;
}

/* A file name a command would open on the machine: not for a fuzzer. */
static bool opens_files(char *const *argv, int argc)
{
	return argc > 1 && !strcmp(argv[0], "module") &&
	       !strcmp(argv[1], "load");
}

static void run_line(struct itm_engine *e, char *line, FILE *null)
{
	struct itm_cmd_ctx cc = { .eng = e, .out = null };
	char *argv[ITM_CMD_ARGS_MAX], copy[ITM_CMD_LINE_MAX];
	struct itm_err err = { { 0 }, { 0 } };
	size_t before_len, after_len;
	char *before, *after;
	int argc, r;

	snprintf(copy, sizeof(copy), "%s", line);
	argc = itm_cmd_split(copy, argv, ITM_CMD_ARGS_MAX);
	if (argc <= 0 || opens_files(argv, argc))
		return;
	before = state_of(e, &before_len);
	r = itm_cmd_run_line(&cc, line, &err);
	after = state_of(e, &after_len);
	if (r < 0 && !err.msg[0]) {
		fprintf(stderr, "refused without a reason: %s\n", copy);
		abort();
	}
	if (r < 0 && (before_len != after_len || memcmp(before, after, before_len))) {
		fprintf(stderr, "refused, yet changed the engine:\n--- before\n%s"
			"--- after\n%s--- message: %s\n", before, after, err.msg);
		abort();
	}
	free(before);
	free(after);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[ITM_CMD_LINE_MAX], msg[256];
	struct itm_engine *e = NULL;
	struct itm_err err;
	size_t pos = 0;
	FILE *null;

	if (size > 16384 || memchr(data, '\0', size))
		return 0;
	if (itm_config_load_buf("fuzz", conf, sizeof(conf) - 1, &e, msg,
				sizeof(msg)) < 0) {
		fprintf(stderr, "fuzz_ctl: its own configuration fails: %s\n", msg);
		abort();
	}
	null = fopen("/dev/null", "w");
	if (null && itm_engine_start(e, 1, &err) == 0) {
		while (pos < size) {
			const uint8_t *nl = memchr(data + pos, '\n', size - pos);
			size_t n = nl ? (size_t)(nl - (data + pos)) : size - pos;

			if (n < sizeof(line)) {
				memcpy(line, data + pos, n);
				line[n] = '\0';
				run_line(e, line, null);
			}
			pos += n + 1;
		}
	}
	if (null)
		fclose(null);
	itm_engine_destroy(e);
	return 0;
}
