// SPDX-License-Identifier: GPL-2.0-only
#include "gnuplot.h"

void gp_quote(FILE *g, const char *s)
{
	fputc('\'', g);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', g);
		fputc(*s, g);
	}
	fputc('\'', g);
}
