// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "itm/err.h"

__attribute__((format(printf, 2, 0)))
static void err_vformat(struct itm_err *err, const char *fmt, va_list ap)
{
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

int itm_err_set(struct itm_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->tok[0] = '\0';
		va_start(ap, fmt);
		err_vformat(err, fmt, ap);
		va_end(ap);
	}
	return -code;
}

int itm_err_tok(struct itm_err *err, const char *tok, int code,
		const char *fmt, ...)
{
	va_list ap;

	if (err) {
		snprintf(err->tok, sizeof(err->tok), "%s", tok ? tok : "");
		va_start(ap, fmt);
		err_vformat(err, fmt, ap);
		va_end(ap);
	}
	return -code;
}

void itm_err_clear(struct itm_err *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}
