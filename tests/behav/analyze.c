// SPDX-License-Identifier: GPL-2.0-only
/*
 * analyze: per-flow figures of an `itm replay -w` run, from its input and
 * output pcaps (output timestamps are departure times). Packets are matched
 * by the (flow id, sequence) tag gen_trace put in their payload.
 *
 *   analyze IN.pcap OUT.pcap [--from S] [--to S] [--json]
 *           [--check FLOW:METRIC:MIN:MAX]...
 *
 * The window [from, to) (seconds of trace time, default the whole run)
 * selects packets by arrival for sent, delivered, drop and the sojourn
 * figures, and by departure for throughput. Metrics: sent, delivered,
 * drop (fraction), tput_mbit, mean_ms, p99_ms, max_ms. Each check prints
 * its figure and ok or FAIL; any FAIL makes the exit status 1.
 */
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "behav.h"

#define MAX_FLOWS 256
#define MAX_CHECKS 32
#define NO_TIME UINT64_MAX

struct rec {
	uint64_t arr, dep;
	uint32_t len;
};

struct aflow {
	struct rec *r;
	uint32_t n, cap;
	int seen;
};

struct figures {
	uint64_t sent, delivered;
	double drop, tput_mbit, mean_ms, p99_ms, max_ms;
};

struct opts {
	const char *in, *out;
	double from, to;
	int json, n_checks;
	const char *checks[MAX_CHECKS];
};

static struct aflow flows[MAX_FLOWS];
static uint64_t unmatched, duplicates, last_ts;

/* The tag of a gen_trace packet: Ethernet, IPv4 [, IPv4], UDP, tag. */
static int find_tag(const uint8_t *d, uint32_t len, uint32_t *id, uint32_t *seq)
{
	uint32_t off = BEHAV_ETH_LEN;

	if (len < off + BEHAV_IP_LEN || d[12] != 0x08 || d[13] != 0x00)
		return -1;
	for (int depth = 0; depth < 2; depth++) {
		uint32_t ihl = (uint32_t)(d[off] & 0x0f) * 4;
		uint8_t proto = d[off + 9];

		if (ihl < BEHAV_IP_LEN || len < off + ihl + BEHAV_IP_LEN)
			return -1;
		off += ihl;
		if (proto == 17)
			break;
		if (proto != 4)
			return -1;
	}
	off += BEHAV_UDP_LEN;
	if (len < off + BEHAV_TAG_LEN || memcmp(d + off, BEHAV_MAGIC, 4))
		return -1;
	*id = behav_get32(d + off + 4);
	*seq = behav_get32(d + off + 8);
	return *id < MAX_FLOWS ? 0 : -1;
}

static struct rec *flow_rec(uint32_t id, uint32_t seq)
{
	struct aflow *f = &flows[id];

	if (seq >= f->cap) {
		uint32_t cap = f->cap ? f->cap : 1024;
		struct rec *r;

		while (cap <= seq)
			cap *= 2;
		r = realloc(f->r, cap * sizeof(*r));
		if (!r)
			return NULL;
		for (uint32_t i = f->cap; i < cap; i++)
			r[i] = (struct rec){ NO_TIME, NO_TIME, 0 };
		f->r = r;
		f->cap = cap;
	}
	if (seq >= f->n)
		f->n = seq + 1;
	f->seen = 1;
	return &f->r[seq];
}

static void note(int output, uint32_t id, uint32_t seq, uint64_t t, uint32_t len)
{
	struct rec *r = output ? (id < MAX_FLOWS && seq < flows[id].n ?
				  &flows[id].r[seq] : NULL) : flow_rec(id, seq);

	if (!r || (output && r->arr == NO_TIME)) {
		unmatched++;
		return;
	}
	if ((output ? r->dep : r->arr) != NO_TIME) {
		duplicates++;
		return;
	}
	if (output) {
		r->dep = t;
	} else {
		r->arr = t;
		r->len = len;
	}
}

static int read_pcap(const char *path, int output)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline_with_tstamp_precision(path,
			PCAP_TSTAMP_PRECISION_NANO, errbuf);
	struct pcap_pkthdr *h;
	const u_char *d;

	if (!pc) {
		fprintf(stderr, "analyze: %s\n", errbuf);
		return -1;
	}
	while (pcap_next_ex(pc, &h, &d) == 1) {
		uint64_t t = (uint64_t)h->ts.tv_sec * 1000000000ull +
			     (uint64_t)h->ts.tv_usec;
		uint32_t id, seq;

		if (t > last_ts)
			last_ts = t;
		if (find_tag(d, h->caplen, &id, &seq) < 0)
			unmatched++;
		else
			note(output, id, seq, t, h->len);
	}
	pcap_close(pc);
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void sojourn_figures(struct figures *g, uint64_t *soj, uint64_t n)
{
	double sum = 0;

	if (!n)
		return;
	qsort(soj, n, sizeof(*soj), cmp_u64);
	for (uint64_t i = 0; i < n; i++)
		sum += (double)soj[i];
	g->mean_ms = sum / (double)n / 1e6;
	g->p99_ms = (double)soj[(n * 99 + 99) / 100 - 1] / 1e6;
	g->max_ms = (double)soj[n - 1] / 1e6;
}

static void flow_figures(const struct aflow *f, uint64_t from, uint64_t to,
			 struct figures *g)
{
	uint64_t *soj = malloc((f->n + 1) * sizeof(*soj)), bits = 0;

	memset(g, 0, sizeof(*g));
	for (uint32_t i = 0; i < f->n; i++) {
		const struct rec *r = &f->r[i];

		if (r->dep != NO_TIME && r->dep >= from && r->dep < to)
			bits += (uint64_t)r->len * 8;
		if (r->arr == NO_TIME || r->arr < from || r->arr >= to)
			continue;
		g->sent++;
		if (r->dep != NO_TIME && soj)
			soj[g->delivered++] = r->dep - r->arr;
	}
	g->drop = g->sent ? 1.0 - (double)g->delivered / (double)g->sent : 0;
	g->tput_mbit = to > from ? (double)bits * 1e3 / (double)(to - from) : 0;
	sojourn_figures(g, soj, g->delivered);
	free(soj);
}

static double metric(const struct figures *g, const char *name, int *ok)
{
	*ok = 1;
	if (!strcmp(name, "sent")) return (double)g->sent;
	if (!strcmp(name, "delivered")) return (double)g->delivered;
	if (!strcmp(name, "drop")) return g->drop;
	if (!strcmp(name, "tput_mbit")) return g->tput_mbit;
	if (!strcmp(name, "mean_ms")) return g->mean_ms;
	if (!strcmp(name, "p99_ms")) return g->p99_ms;
	if (!strcmp(name, "max_ms")) return g->max_ms;
	*ok = 0;
	return 0;
}

static void print_text(uint32_t id, const struct figures *g)
{
	printf("flow %3" PRIu32 ": sent %7" PRIu64 " delivered %7" PRIu64
	       " drop %6.2f%% tput %7.3f Mbit/s sojourn mean %8.3f p99 %8.3f"
	       " max %8.3f ms\n", id, g->sent, g->delivered, g->drop * 100,
	       g->tput_mbit, g->mean_ms, g->p99_ms, g->max_ms);
}

static void print_json(uint32_t id, const struct figures *g, int first)
{
	printf("%s{\"id\":%" PRIu32 ",\"sent\":%" PRIu64 ",\"delivered\":%"
	       PRIu64 ",\"drop\":%.6f,\"tput_mbit\":%.6f,\"mean_ms\":%.6f,"
	       "\"p99_ms\":%.6f,\"max_ms\":%.6f}", first ? "" : ",", id,
	       g->sent, g->delivered, g->drop, g->tput_mbit, g->mean_ms,
	       g->p99_ms, g->max_ms);
}

/* "FLOW:METRIC:MIN:MAX" against the flow's figures; 0 ok, 1 fail. */
static int run_check(const char *spec, const struct figures *all)
{
	char name[32];
	unsigned id;
	double lo, hi, v;
	int known;

	if (sscanf(spec, "%u:%31[a-z0-9_]:%lf:%lf", &id, name, &lo, &hi) != 4 ||
	    id >= MAX_FLOWS || !flows[id].seen) {
		printf("check %s: bad check or unknown flow: FAIL\n", spec);
		return 1;
	}
	v = metric(&all[id], name, &known);
	if (!known) {
		printf("check %s: unknown metric: FAIL\n", spec);
		return 1;
	}
	printf("check flow %u %s = %.4f in [%g, %g]: %s\n", id, name, v, lo, hi,
	       v >= lo && v <= hi ? "ok" : "FAIL");
	return !(v >= lo && v <= hi);
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	int pos = 0;

	*o = (struct opts){ .from = 0, .to = -1 };
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			o->json = 1;
		else if (!strcmp(argv[i], "--from") && i + 1 < argc)
			o->from = atof(argv[++i]);
		else if (!strcmp(argv[i], "--to") && i + 1 < argc)
			o->to = atof(argv[++i]);
		else if (!strcmp(argv[i], "--check") && i + 1 < argc &&
			 o->n_checks < MAX_CHECKS)
			o->checks[o->n_checks++] = argv[++i];
		else if (pos < 2 && argv[i][0] != '-')
			*(pos++ ? &o->out : &o->in) = argv[i];
		else
			return -1;
	}
	return pos == 2 ? 0 : -1;
}

int main(int argc, char **argv)
{
	static struct figures fig[MAX_FLOWS];
	uint64_t from, to;
	struct opts o;
	int fails = 0, first = 1;

	if (parse_opts(argc, argv, &o) < 0) {
		fprintf(stderr, "usage: analyze IN.pcap OUT.pcap [--from S] [--to S]"
			" [--json] [--check FLOW:METRIC:MIN:MAX]...\n");
		return 2;
	}
	if (read_pcap(o.in, 0) < 0 || read_pcap(o.out, 1) < 0)
		return 2;
	from = (uint64_t)(o.from * 1e9);
	to = o.to < 0 ? last_ts + 1 : (uint64_t)(o.to * 1e9);
	if (o.json)
		printf("{\"from\":%.6f,\"to\":%.6f,\"unmatched\":%" PRIu64
		       ",\"duplicates\":%" PRIu64 ",\"flows\":[", o.from, o.to,
		       unmatched, duplicates);
	for (uint32_t id = 0; id < MAX_FLOWS; id++) {
		if (!flows[id].seen)
			continue;
		flow_figures(&flows[id], from, to, &fig[id]);
		if (o.json)
			print_json(id, &fig[id], first);
		else
			print_text(id, &fig[id]);
		first = 0;
	}
	if (o.json)
		printf("]}\n");
	else if (unmatched || duplicates)
		printf("unmatched %" PRIu64 " duplicates %" PRIu64 "\n",
		       unmatched, duplicates);
	for (int i = 0; i < o.n_checks; i++)
		fails += run_check(o.checks[i], fig);
	for (uint32_t id = 0; id < MAX_FLOWS; id++)
		free(flows[id].r);
	return fails || duplicates ? 1 : 0;
}
