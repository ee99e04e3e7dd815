/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The command grammar shared by the CLI, configuration files and (later)
 * the daemon's control socket. A configuration file is a batch of commands,
 * one per line, `#` starting a comment. Loading a file builds a new engine
 * and returns it only if every line succeeded.
 */
#ifndef ITM_CMD_H
#define ITM_CMD_H

#include <stdbool.h>
#include <stdio.h>

#include "itm/engine.h"
#include "itm/err.h"

#define ITM_CMD_ARGS_MAX 64
#define ITM_CMD_LINE_MAX 4096

struct itm_cmd_ctx {
	struct itm_engine *eng;
	FILE *out;		/* where show/get/help print */
	bool json;		/* --json given */
	/* `backend show -s`: the running backend's state and counters (itmd's
	 * control socket sets it; elsewhere nothing runs) */
	void (*backend_stats)(void *arg, FILE *f, bool json);
	void *backend_arg;
	/* `qdisc|class show dev IF`: the tree leaving by IF, NULL if none
	 * (set where the backend has a tree per interface: the bridge) */
	struct itm_qdisc *(*egress)(void *arg, const char *dev);
	void *egress_arg;
};

/* Split a line into tokens in place; returns the count or -E2BIG. */
int itm_cmd_split(char *line, char **argv, int max);

/* Run one command (argv[0] is the command word). */
int itm_cmd_run(struct itm_cmd_ctx *c, int argc, char **argv,
		struct itm_err *err);
/* Split one line of a batch (split in place) and run it, as text output. */
int itm_cmd_run_line(struct itm_cmd_ctx *c, char *line, struct itm_err *err);

/*
 * Build an engine from configuration text. On error returns -errno and
 * writes "NAME:LINE: message" into msg; *out is untouched.
 */
int itm_config_load_buf(const char *name, const char *buf, size_t len,
			struct itm_engine **out, char *msg, size_t msglen);
int itm_config_load_file(const char *path, struct itm_engine **out,
			 char *msg, size_t msglen);

/* Help for one kind of a command: `itm qdisc help fq_pie`. */
int itm_cmd_help_kind(FILE *f, const char *cmd, const char *kind);
/* Grammar help: all commands, or the one named (-ENOENT if none; with f
 * NULL, only that test). */
int itm_cmd_help(FILE *f, const char *cmd);

#endif
