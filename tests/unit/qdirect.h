/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers for tests that drive one discipline directly, without an engine
 * (include after cmocka.h): split a spec into words, change options, and
 * print as `qdisc show` does.
 */
#ifndef ITM_TESTS_QDIRECT_H
#define ITM_TESTS_QDIRECT_H

#include <stdio.h>
#include <string.h>

#include "itm/qdisc.h"

/* Split a line into words in place; returns how many. */
static inline int qd_split(char *line, char **argv)
{
	char *save = NULL, *t;
	int n = 0;

	for (t = strtok_r(line, " ", &save); t; t = strtok_r(NULL, " ", &save))
		argv[n++] = t;
	return n;
}

static inline int qd_change(struct itm_qdisc *q, const char *spec,
			    struct itm_err *err)
{
	char buf[256], *argv[32];

	snprintf(buf, sizeof(buf), "%s", spec);
	memset(err, 0, sizeof(*err));
	return itm_qdisc_change(q, qd_split(buf, argv), argv, err);
}

/* `qdisc show [-s] [--json]` of q alone, in a static buffer. */
static inline char *qd_show(const struct itm_qdisc *q, bool stats, bool json)
{
	static char out[2048];
	FILE *f = fmemopen(out, sizeof(out), "w");

	assert_non_null(f);
	itm_qdisc_print(q, f, stats, json);
	fclose(f);
	return out;
}

#endif
