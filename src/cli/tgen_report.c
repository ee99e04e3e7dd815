// SPDX-License-Identifier: GPL-2.0-only
/*
 * tgen's results: FCT statistics per size bucket (the PIAS papers'
 * (0,100KB], (100KB,10MB], >10MB, in SI units as the CDF files are), as
 * text or JSON, and the per-flow CSV log.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itm/units.h"
#include "tgen.h"

static const char *const bucket_names[TGEN_N_BUCKETS] = {
	[TGEN_SMALL] = "small", [TGEN_MEDIUM] = "medium",
	[TGEN_LARGE] = "large", [TGEN_ALL] = "all",
};

static const char *const bucket_ranges[TGEN_N_BUCKETS] = {
	[TGEN_SMALL] = "(0,100KB]", [TGEN_MEDIUM] = "(100KB,10MB]",
	[TGEN_LARGE] = ">10MB", [TGEN_ALL] = "all",
};

enum tgen_bucket tgen_bucket_of(uint64_t size_bytes)
{
	if (size_bytes <= TGEN_SMALL_MAX)
		return TGEN_SMALL;
	if (size_bytes <= TGEN_MEDIUM_MAX)
		return TGEN_MEDIUM;
	return TGEN_LARGE;
}

const char *tgen_bucket_name(enum tgen_bucket b)
{
	return b < TGEN_N_BUCKETS ? bucket_names[b] : "?";
}

double tgen_percentile(const double *sorted, size_t n, double p)
{
	size_t rank;

	if (n == 0)
		return 0;
	rank = (size_t)ceil(p / 100.0 * (double)n);
	if (rank < 1)
		rank = 1;
	return sorted[(rank > n ? n : rank) - 1];
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void tgen_bucket_stats(const struct tgen_run *r, enum tgen_bucket b,
		       double *fct_ms, struct tgen_stats *st)
{
	double sum = 0;
	size_t n = 0;
	uint64_t i;

	for (i = 0; i < r->n_flows; i++) {
		const struct tgen_flow *f = &r->flows[i];

		if (!f->done || (b != TGEN_ALL &&
				 tgen_bucket_of(f->size_bytes) != b))
			continue;
		fct_ms[n] = (double)f->fct_ns / 1e6;
		sum += fct_ms[n++];
	}
	qsort(fct_ms, n, sizeof(*fct_ms), cmp_double);
	st->count = n;
	st->mean_ms = n ? sum / (double)n : 0;
	st->p50_ms = tgen_percentile(fct_ms, n, 50);
	st->p99_ms = tgen_percentile(fct_ms, n, 99);
}

struct run_totals {
	uint64_t timed_out, failed;
	double achieved_load, elapsed_s;
};

static void run_totals(const struct tgen_run *r, struct run_totals *t)
{
	uint64_t i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < r->n_flows; i++) {
		t->timed_out += r->flows[i].timed_out;
		t->failed += r->flows[i].failed;
	}
	t->elapsed_s = (double)r->elapsed_ns / 1e9;
	if (r->elapsed_ns)
		t->achieved_load = (double)r->rx_bytes * 8 / t->elapsed_s /
				   (double)r->o->rate_bps;
}

static void report_json(const struct tgen_run *r, const struct run_totals *t,
			const struct tgen_stats *st)
{
	const struct tgen_client_opts *o = r->o;
	int b;

	printf("{\"mode\":\"%s\",\"seed\":%" PRIu64 ",\"flows\":%" PRIu64
	       ",\"timed_out\":%" PRIu64 ",\"failed\":%" PRIu64
	       ",\"extra_conns\":%" PRIu64 ",\"elapsed_s\":%.3f"
	       ",\"rx_bytes\":%" PRIu64 ",\"rate_bps\":%" PRIu64
	       ",\"mean_size_bytes\":%.0f,\"load_target\":%g"
	       ",\"load_achieved\":%.4f,\"buckets\":[",
	       o->mode == TGEN_MODE_NEW ? "new" : "persistent", o->seed,
	       r->n_flows, t->timed_out, t->failed, r->extra_conns,
	       t->elapsed_s, r->rx_bytes, o->rate_bps, r->mean_size_bytes,
	       o->load, t->achieved_load);
	for (b = 0; b < TGEN_N_BUCKETS; b++)
		printf("%s{\"bucket\":\"%s\",\"range\":\"%s\",\"count\":%"
		       PRIu64 ",\"mean_ms\":%.3f,\"p50_ms\":%.3f,"
		       "\"p99_ms\":%.3f}", b ? "," : "", bucket_names[b],
		       bucket_ranges[b], st[b].count, st[b].mean_ms,
		       st[b].p50_ms, st[b].p99_ms);
	printf("]}\n");
}

static void report_text(const struct tgen_run *r, const struct run_totals *t,
			const struct tgen_stats *st)
{
	const struct tgen_client_opts *o = r->o;
	char rate[32];
	int b;

	printf("tgen: %" PRIu64 " flows (%s, seed %" PRIu64 "), %" PRIu64
	       " timed out, %" PRIu64 " failed, %" PRIu64
	       " extra connections, %.2f s\n", r->n_flows,
	       o->mode == TGEN_MODE_NEW ? "new connection per flow" :
	       "persistent", o->seed, t->timed_out, t->failed,
	       r->extra_conns, t->elapsed_s);
	printf("load: target %g, achieved %.3f of %s (mean flow %.0f B)\n",
	       o->load, t->achieved_load,
	       itm_fmt_rate(rate, sizeof(rate), o->rate_bps),
	       r->mean_size_bytes);
	printf("%-7s %-13s %7s %12s %12s %12s\n", "bucket", "size", "count",
	       "mean ms", "p50 ms", "p99 ms");
	for (b = 0; b < TGEN_N_BUCKETS; b++)
		printf("%-7s %-13s %7" PRIu64 " %12.3f %12.3f %12.3f\n",
		       bucket_names[b], bucket_ranges[b], st[b].count,
		       st[b].mean_ms, st[b].p50_ms, st[b].p99_ms);
}

int tgen_report(const struct tgen_run *r, bool json)
{
	struct tgen_stats st[TGEN_N_BUCKETS];
	struct run_totals t;
	double *scratch = malloc((r->n_flows + 1) * sizeof(*scratch));
	int b;

	if (!scratch)
		return -ENOMEM;
	for (b = 0; b < TGEN_N_BUCKETS; b++)
		tgen_bucket_stats(r, (enum tgen_bucket)b, scratch, &st[b]);
	free(scratch);
	run_totals(r, &t);
	if (json)
		report_json(r, &t, st);
	else
		report_text(r, &t, st);
	return 0;
}

int tgen_log_write(const struct tgen_run *r, FILE *f, const char *path)
{
	uint64_t i;

	fprintf(f, "id,server,conn,size,bytes,start_ns,fct_us,retrans,ooo,"
		"timed_out,failed\n");
	for (i = 0; i < r->n_flows; i++) {
		const struct tgen_flow *x = &r->flows[i];

		fprintf(f, "%" PRIu64 ",%s,%u,%" PRIu64 ",%" PRIu64 ",%" PRIu64
			",%.3f,%u,%u,%d,%d\n", x->id, r->o->servers[x->server],
			x->conn, x->size_bytes, x->rx_bytes, x->start_ns,
			(double)x->fct_ns / 1e3, x->retrans, x->ooo,
			x->timed_out, x->failed);
	}
	if (fclose(f)) {
		fprintf(stderr, "itm tgen: --log %s: %s\n", path, strerror(errno));
		return -EIO;
	}
	return 0;
}
