/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers shared by the unit tests (include after cmocka.h). */
#ifndef ITM_TESTS_TESTUTIL_H
#define ITM_TESTS_TESTUTIL_H

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "itm/cmd.h"

enum {
	TEST_START = 1,		/* start the engine (flow table, keys) */
	TEST_SEEDED = 2,	/* reproducible keys, as a replay has */
};

/* An engine built from configuration text that must be valid. */
static inline struct itm_engine *test_engine(const char *conf, unsigned flags)
{
	struct itm_engine *e;
	struct itm_err err;
	char msg[256];

	assert_int_equal(itm_config_load_buf("t", conf, strlen(conf), &e, msg,
					     sizeof(msg)), 0);
	e->seeded = (flags & TEST_SEEDED) != 0;
	if (flags & TEST_START)
		assert_int_equal(itm_engine_start(e, 0, &err), 0);
	return e;
}

/* A new directory /tmp/PREFIX-?????? (mkdtemp); NULL on failure. */
static inline char *test_mkdtemp(char *buf, size_t len, const char *prefix)
{
	int n = snprintf(buf, len, "/tmp/%s-", prefix);

	if (n < 0 || (size_t)n + 7 > len)
		return NULL;
	memset(buf + n, 'X', 6);	/* the template mkdtemp fills in */
	buf[n + 6] = '\0';
	return mkdtemp(buf);
}

/* How many file descriptors this process has open. */
static inline int test_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n - 3;	/* ".", ".." and the listing's own */
}

/* Standard error from test_stderr_start to test_stderr_stop, which
 * returns it in a buffer reused by the next capture. */
struct test_stderr {
	int saved;
	FILE *f;
};

static inline struct test_stderr test_stderr_start(void)
{
	struct test_stderr c = { dup(2), tmpfile() };

	assert_true(c.saved >= 0);
	assert_non_null(c.f);
	fflush(stderr);
	assert_true(dup2(fileno(c.f), 2) == 2);
	return c;
}

static inline char *test_stderr_stop(struct test_stderr c)
{
	static char out[4096];
	size_t n;

	fflush(stderr);
	assert_true(dup2(c.saved, 2) == 2);
	close(c.saved);
	rewind(c.f);
	n = fread(out, 1, sizeof(out) - 1, c.f);
	out[n] = '\0';
	fclose(c.f);
	return out;
}

struct itm_backend;
typedef void test_dump_fn(const struct itm_backend *b, FILE *f, bool json);

/* What a backend's dump printed, in a buffer reused by the next call. */
static inline char *test_dump(test_dump_fn *fn, const struct itm_backend *b,
			      bool json)
{
	static char out[4096];
	FILE *f = fmemopen(out, sizeof(out), "w");

	assert_non_null(f);
	fn(b, f, json);
	fclose(f);
	return out;
}

#endif
