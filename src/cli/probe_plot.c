// SPDX-License-Identifier: GPL-2.0-only
/*
 * The probe's plots, drawn by gnuplot from inline data blocks (no temporary
 * files): RTT over time per stream on a log axis, since idle and loaded
 * delays differ by orders of magnitude, with the load period shaded; and
 * the CDF of each stream's RTT in PATH-cdf.EXT.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "probe.h"
#include "gnuplot.h"

static void gp_terminal(FILE *g, const char *path)
{
	const char *dot = strrchr(path, '.');

	if (dot && !strcmp(dot, ".svg"))
		fprintf(g, "set terminal svg size 1200,700 dynamic font 'sans,12'\n");
	else
		fprintf(g, "set terminal pngcairo size 1200,700 font 'sans,11'\n");
	fprintf(g, "set output ");
	gp_quote(g, path);
	fprintf(g, "\n");
}

static void gp_title(FILE *g, bool cdf, const struct probe_report *r)
{
	fprintf(g, "set title \"itm probe %s: %s, one probe per stream every %.1f ms",
		r->opts->target, cdf ? "CDF of RTT" : "RTT over time",
		r->opts->interval_ns / 1e6);
	if (r->window.ran) {
		fprintf(g, "\\n%s", cdf ? "idle and load samples together; load: " :
			"shaded: load, ");
		if (r->load.ok)
			fprintf(g, "%u TCP flows, %.1f Mbit/s", r->load.flows,
				r->load.bps / 1e6);
		else
			fprintf(g, "iperf3 failed");
	}
	fprintf(g, "\"\n");
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* One data block per stream: time and RTT, or RTT and cumulative fraction.
 * Returns how many answered samples the stream has. */
static uint32_t gp_block(FILE *g, unsigned i, const struct probe_stream *s, bool cdf)
{
	uint64_t *rtt = malloc((s->n_sent ? s->n_sent : 1) * sizeof(*rtt));
	uint32_t q, n = 0;

	fprintf(g, "$s%u << EOD\n", i);
	for (q = 0; q < s->n_sent && rtt; q++) {
		const struct probe_sample *p = &s->samples[q];

		if (p->state != PROBE_ANSWERED)
			continue;
		rtt[n++] = p->rtt_ns;
		if (!cdf)
			fprintf(g, "%.6f %.6f\n", p->send_ns / 1e9, p->rtt_ns / 1e6);
	}
	if (cdf && rtt) {
		qsort(rtt, n, sizeof(*rtt), cmp_u64);
		for (q = 0; q < n; q++)
			fprintf(g, "%.6f %.6f\n", rtt[q] / 1e6, (q + 1.0) / n);
	}
	fprintf(g, "EOD\n");
	free(rtt);
	return n;
}

static void gp_plot_cmd(FILE *g, const struct probe_report *r, const uint32_t *n,
			bool cdf)
{
	const char *sep = "plot ";
	unsigned i;

	for (i = 0; i < r->n_streams; i++) {
		const struct probe_stream *s = &r->streams[i];
		uint32_t lost = 0, q;
		double loss_pct;

		if (!n[i])
			continue;
		for (q = 0; q < s->n_sent; q++)
			lost += s->samples[q].state != PROBE_ANSWERED;
		loss_pct = s->n_sent ? 100.0 * lost / s->n_sent : 0;
		if (cdf)
			fprintf(g, "%s$s%u using 1:2 with steps lw 2 title '%s'", sep, i, s->name);
		else
			fprintf(g, "%s$s%u using 1:2 with points pt %d ps 0.6 title '%s (loss %.1f%%)'",
				sep, i, s->spec.proto == PROBE_ICMP ? 7 : 5, s->name, loss_pct);
		sep = ", \\\n     ";
	}
	fprintf(g, "\n");
}

static int gp_draw(const char *path, const struct probe_report *r, bool cdf,
		   char *msg, size_t len)
{
	uint32_t n[PROBE_MAX_STREAMS], total = 0;
	FILE *g = popen("gnuplot", "w");
	unsigned i;
	int status;

	if (!g) {
		snprintf(msg, len, "cannot run gnuplot: %s", strerror(errno));
		return -errno;
	}
	gp_terminal(g, path);
	gp_title(g, cdf, r);
	fprintf(g, "set grid\nset key outside right top\nset logscale %s\n",
		cdf ? "x" : "y");
	if (cdf)
		fprintf(g, "set xlabel 'RTT (ms, log scale)'\nset ylabel 'fraction of probes'\n"
			"set yrange [0:1]\n");
	else
		fprintf(g, "set xlabel 'time since start (s)'\nset ylabel 'RTT (ms, log scale)'\n"
			"set xrange [0:%.3f]\n", r->opts->duration_ns / 1e9);
	if (!cdf && r->window.ran)
		fprintf(g, "set object 1 rect from %.6f, graph 0 to %.6f, graph 1 behind "
			"fillcolor rgb '#ffd9a0' fillstyle solid 0.6 noborder\n",
			r->window.begin_ns / 1e9, r->window.end_ns / 1e9);
	for (i = 0; i < r->n_streams; i++)
		total += n[i] = gp_block(g, i, &r->streams[i], cdf);
	if (total)
		gp_plot_cmd(g, r, n, cdf);
	status = pclose(g);
	if (!total) {
		snprintf(msg, len, "no probe was answered: nothing to plot");
		return -ENODATA;
	}
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(msg, len, "gnuplot failed writing %s (is gnuplot installed?)", path);
		return -EIO;
	}
	return 0;
}

int probe_plot(const char *path, const struct probe_report *r,
	       char *msg, size_t len)
{
	const char *dot = strrchr(path, '.');
	size_t stem = dot ? (size_t)(dot - path) : strlen(path);
	char cdf_path[4096];
	int rc;

	if (stem + 8 + strlen(path + stem) > sizeof(cdf_path)) {
		snprintf(msg, len, "%s: path too long", path);
		return -ENAMETOOLONG;
	}
	snprintf(cdf_path, sizeof(cdf_path), "%.*s-cdf%s", (int)stem, path, path + stem);
	rc = gp_draw(path, r, false, msg, len);
	return rc < 0 ? rc : gp_draw(cdf_path, r, true, msg, len);
}
