/* SPDX-License-Identifier: GPL-2.0-only */
/* What the plotting commands (probe, tgen) write into gnuplot scripts. */
#ifndef ITM_CLI_GNUPLOT_H
#define ITM_CLI_GNUPLOT_H

#include <stdio.h>

/* s as a gnuplot single-quoted string: '' stands for a quote, nothing else
 * is special, so any file name passes whole. */
void gp_quote(FILE *g, const char *s);

#endif
