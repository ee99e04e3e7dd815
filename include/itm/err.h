/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Extended error reports for control-path calls, in the spirit of netlink's
 * extack: the callee says what was wrong and which token it was, the caller
 * decides where it came from (file and line, socket, command line).
 */
#ifndef ITM_ERR_H
#define ITM_ERR_H

#include <errno.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ITM_ERR_MSG_MAX 256
#define ITM_ERR_TOK_MAX 64

struct itm_err {
	char msg[ITM_ERR_MSG_MAX];
	char tok[ITM_ERR_TOK_MAX];	/* offending token, "" if none */
};

/* Record a message (printf format) and return -code, so callers can write
 * `return itm_err_set(err, EINVAL, "...")`. err may be NULL. */
int itm_err_set(struct itm_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Same, naming the token the message is about. */
int itm_err_tok(struct itm_err *err, const char *tok, int code,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

void itm_err_clear(struct itm_err *err);

#ifdef __cplusplus
}
#endif

#endif
