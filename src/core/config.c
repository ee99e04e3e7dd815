// SPDX-License-Identifier: GPL-2.0-only
/*
 * Configuration files: a batch of commands run against a new engine. The
 * engine is handed over only if every line succeeded, so a bad file applies
 * nothing and the caller keeps what it had.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itm/cmd.h"
#include "itm/file.h"

#define CONFIG_MAX_BYTES (1u << 20)

static void config_msg(char *msg, size_t len, const char *name, unsigned line,
		       const struct itm_err *err)
{
	if (err->tok[0])
		snprintf(msg, len, "%s:%u: \"%s\": %s", name, line, err->tok,
			 err->msg);
	else
		snprintf(msg, len, "%s:%u: %s", name, line, err->msg);
}

static bool is_comment(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i < n && s[i] == '#';
}

int itm_config_load_buf(const char *name, const char *buf, size_t len,
			struct itm_engine **out, char *msg, size_t msglen)
{
	struct itm_cmd_ctx c = { .out = NULL };
	char line[ITM_CMD_LINE_MAX];
	struct itm_err err = { { 0 }, { 0 } };
	unsigned lineno = 0;
	size_t pos = 0;
	int r;

	r = itm_engine_create(&c.eng, &err);
	if (r < 0) {
		config_msg(msg, msglen, name, 0, &err);
		return r;
	}
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;

		lineno++;
		if (is_comment(buf + pos, n)) {	/* of any length */
			pos += n + 1;
			continue;
		}
		if (n >= sizeof(line) || memchr(buf + pos, '\0', n)) {
			if (n >= sizeof(line))
				r = itm_err_set(&err, EINVAL,
						"line longer than %d bytes",
						(int)sizeof(line) - 1);
			else
				r = itm_err_set(&err, EINVAL,
						"line holds a NUL byte");
			break;
		}
		memcpy(line, buf + pos, n);
		line[n] = '\0';
		pos += n + 1;
		r = itm_cmd_run_line(&c, line, &err);
		if (r < 0)
			break;
	}
	if (r < 0) {
		config_msg(msg, msglen, name, lineno, &err);
		itm_engine_destroy(c.eng);
		return r;
	}
	*out = c.eng;
	return 0;
}

int itm_config_load_file(const char *path, struct itm_engine **out,
			 char *msg, size_t msglen)
{
	char *buf;
	size_t n;
	int r = itm_file_read(path, CONFIG_MAX_BYTES, &buf, &n, msg, msglen);

	if (r < 0)
		return r;
	r = itm_config_load_buf(path, buf, n, out, msg, msglen);
	free(buf);
	return r;
}
