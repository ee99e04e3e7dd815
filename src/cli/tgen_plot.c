// SPDX-License-Identifier: GPL-2.0-only
/*
 * tgen --plot: two panels drawn by gnuplot: the FCT CDF of each size
 * bucket on a log time axis (buckets span four decades), and mean and p99
 * FCT per bucket as bars. The data goes inline as datablocks, so no
 * temporary files are left behind.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "tgen.h"
#include "gnuplot.h"

static void plot_cdf_data(FILE *g, const struct tgen_run *r, double *ms)
{
	struct tgen_stats st;
	int b;
	size_t i;

	for (b = 0; b < TGEN_N_BUCKETS; b++) {
		tgen_bucket_stats(r, (enum tgen_bucket)b, ms, &st);
		fprintf(g, "$%s << EOD\n", tgen_bucket_name((enum tgen_bucket)b));
		for (i = 0; i < st.count; i++)
			fprintf(g, "%.6f %.6f\n", ms[i],
				(double)(i + 1) / (double)st.count);
		if (!st.count)	/* an empty bucket still needs a datablock */
			fprintf(g, "NaN NaN\n");
		fprintf(g, "EOD\n");
	}
}

/* Returns how many flows completed in all. */
static uint64_t plot_bar_data(FILE *g, const struct tgen_run *r, double *ms)
{
	struct tgen_stats st;
	uint64_t all = 0;
	int b;

	fprintf(g, "$bars << EOD\n");
	for (b = 0; b < TGEN_N_BUCKETS; b++) {
		tgen_bucket_stats(r, (enum tgen_bucket)b, ms, &st);
		fprintf(g, "\"%s\\n(n=%llu)\" %.6f %.6f\n",
			tgen_bucket_name((enum tgen_bucket)b),
			(unsigned long long)st.count, st.mean_ms, st.p99_ms);
		if (b == TGEN_ALL)
			all = st.count;
	}
	fprintf(g, "EOD\n");
	return all;
}

/* With no completed flow gnuplot has nothing to autoscale on and fails:
 * fixed ranges and a note give the empty figure instead. Text is not
 * "enhanced", so a file name's _ or ^ is printed, not a subscript. */
static void plot_script(FILE *g, const struct tgen_run *r, const char *path,
			bool empty)
{
	char title[4200];

	snprintf(title, sizeof(title), "itm tgen: %s, load %g, %llu flows, "
		 "seed %llu", r->o->cdf_path, r->o->load,
		 (unsigned long long)r->n_flows,
		 (unsigned long long)r->o->seed);
	fputs("set terminal pngcairo size 1200,500 font 'Sans,10' noenhanced\n"
	      "set output ", g);
	gp_quote(g, path);
	fputs("\nset multiplot layout 1,2 title ", g);
	gp_quote(g, title);
	fputc('\n', g);
	if (empty)
		fprintf(g, "set label 1 'no flow completed' at graph 0.5, "
			"graph 0.5 center\nset xrange [0.1:1000]\n");
	fprintf(g, "set title 'FCT distribution per flow size'\n"
		"set logscale x\nset grid\nset key bottom right\n"
		"set xlabel 'flow completion time (ms, log scale)'\n"
		"set ylabel 'fraction of flows'\nset yrange [0:1]\n"
		"plot $small with steps lw 2 title 'small (0,100KB]', "
		"$medium with steps lw 2 title 'medium (100KB,10MB]', "
		"$large with steps lw 2 title 'large >10MB', "
		"$all with steps lw 1 dt 2 lc 'black' title 'all flows'\n");
	fprintf(g, "set title 'Mean and 99th percentile FCT'\n"
		"unset logscale x\nset logscale y\nset grid ytics\n"
		"set key top left reverse Left\nset bmargin 5\n"
		"set xlabel 'flow size bucket' offset 0,-1\n"
		"set ylabel 'flow completion time (ms, log scale)'\n"
		"set xrange [*:*]\nset yrange [%s]\n"
		"set style data histograms\n"
		"set style histogram clustered gap 1\n"
		"set style fill solid 0.8 border -1\n"
		"plot $bars using 2:xtic(1) title 'mean', "
		"'' using 3 title 'p99'\nunset multiplot\n",
		empty ? "0.1:1000" : "*:*");
}

int tgen_plot(const struct tgen_run *r, const char *path)
{
	double *ms = malloc((r->n_flows + 1) * sizeof(*ms));
	FILE *g;
	int st;

	if (!ms)
		return -ENOMEM;
	g = popen("gnuplot", "w");
	if (!g) {
		fprintf(stderr, "itm tgen: --plot: cannot run gnuplot: %s\n",
			strerror(errno));
		free(ms);
		return -errno;
	}
	plot_cdf_data(g, r, ms);
	plot_script(g, r, path, plot_bar_data(g, r, ms) == 0);
	free(ms);
	st = pclose(g);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "itm tgen: --plot %s: gnuplot failed (is "
			"gnuplot-nox installed?)\n", path);
		return -EIO;
	}
	return 0;
}
