// SPDX-License-Identifier: GPL-2.0-only
/*
 * Sample accounting and the report. Percentiles are nearest-rank on the
 * sorted RTTs of the answered probes: no interpolation, so every figure
 * printed is a delay some probe really saw. Lost probes are not in the
 * percentiles; they are the loss. A probe belongs to the load phase when it
 * was sent while iperf3 ran.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "itm/units.h"
#include "probe.h"

uint64_t probe_percentile(const uint64_t *sorted, size_t n, unsigned pct)
{
	size_t rank = ((size_t)pct * n + 99) / 100;	/* ceil(pct/100 * n) */

	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return sorted[rank - 1];
}

enum probe_phase probe_phase_of(const struct probe_window *w, uint64_t t_ns)
{
	if (w->ran && t_ns >= w->begin_ns && t_ns < w->end_ns)
		return PROBE_LOAD;
	return PROBE_IDLE;
}

void probe_expire(struct probe_stream *s, uint64_t now_ns)
{
	uint32_t i;

	for (i = 0; i < s->n_sent; i++) {
		struct probe_sample *p = &s->samples[i];

		if (p->state == PROBE_PENDING && now_ns >= p->send_ns + PROBE_TIMEOUT_NS)
			p->state = PROBE_LOST;
	}
}

void probe_answer(struct probe_stream *s, uint32_t seq, uint64_t now_ns)
{
	struct probe_sample *p;

	if (seq >= s->n_sent) {
		s->malformed++;		/* a sequence we never sent */
		return;
	}
	p = &s->samples[seq];
	if (p->state != PROBE_PENDING)
		return;		/* a duplicate, or already given up */
	if (now_ns - p->send_ns >= PROBE_TIMEOUT_NS) {
		p->state = PROBE_LOST;
		return;
	}
	p->rtt_ns = now_ns - p->send_ns;
	p->state = PROBE_ANSWERED;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

int probe_summarize(const struct probe_stream *s, const struct probe_window *w,
		    enum probe_phase phase, struct probe_summary *out)
{
	uint64_t *rtt = malloc((s->n_sent ? s->n_sent : 1) * sizeof(*rtt));
	uint32_t i;

	if (!rtt)
		return -ENOMEM;
	*out = (struct probe_summary){ 0 };
	for (i = 0; i < s->n_sent; i++) {
		const struct probe_sample *p = &s->samples[i];

		if (probe_phase_of(w, p->send_ns) != phase)
			continue;
		out->sent++;
		if (p->state == PROBE_ANSWERED)
			rtt[out->received++] = p->rtt_ns;
	}
	out->lost = out->sent - out->received;
	out->loss_pct = out->sent ? 100.0 * out->lost / out->sent : 0;
	if (out->received) {
		qsort(rtt, out->received, sizeof(*rtt), cmp_u64);
		out->p50_ns = probe_percentile(rtt, out->received, 50);
		out->p90_ns = probe_percentile(rtt, out->received, 90);
		out->p99_ns = probe_percentile(rtt, out->received, 99);
		out->max_ns = rtt[out->received - 1];
	}
	free(rtt);
	return 0;
}

static const char *const phase_names[] = { "idle", "load" };

static void text_row(FILE *f, const char *name, enum probe_phase ph,
		     const struct probe_summary *m)
{
	fprintf(f, "%-12s %-5s %6" PRIu32 " %6" PRIu32 " %6.2f", name,
		phase_names[ph], m->sent, m->received, m->loss_pct);
	if (m->received)
		fprintf(f, " %9.3f %9.3f %9.3f %9.3f\n", m->p50_ns / 1e6,
			m->p90_ns / 1e6, m->p99_ns / 1e6, m->max_ns / 1e6);
	else
		fprintf(f, " %9s %9s %9s %9s\n", "-", "-", "-", "-");
}

static void text_load(FILE *f, const struct probe_report *r)
{
	char a[32], b[32];

	if (!r->opts->load_flows)
		return;
	fprintf(f, "load: %u TCP flow%s (iperf3)", r->load.flows,
		r->load.flows == 1 ? "" : "s");
	if (r->load.ok)
		fprintf(f, " from %s to %s: %.1f Mbit/s received\n",
			itm_fmt_time(a, sizeof(a), r->window.begin_ns),
			itm_fmt_time(b, sizeof(b), r->window.end_ns), r->load.bps / 1e6);
	else
		fprintf(f, " FAILED: %s; all samples are counted idle\n", r->load.error);
}

int probe_report_text(FILE *f, const struct probe_report *r)
{
	struct probe_summary m;
	char a[32], b[32];
	unsigned i, ph;

	fprintf(f, "itm probe %s: %u stream%s, one probe every %s for %s\n",
		r->opts->target, r->n_streams, r->n_streams == 1 ? "" : "s",
		itm_fmt_time(a, sizeof(a), r->opts->interval_ns),
		itm_fmt_time(b, sizeof(b), r->opts->duration_ns));
	fprintf(f, "%-12s %-5s %6s %6s %6s %9s %9s %9s %9s\n", "stream", "phase",
		"sent", "rcvd", "loss%", "p50 ms", "p90 ms", "p99 ms", "max ms");
	for (i = 0; i < r->n_streams; i++) {
		for (ph = PROBE_IDLE; ph <= PROBE_LOAD; ph++) {
			if (ph == PROBE_LOAD && !r->window.ran)
				continue;
			if (probe_summarize(&r->streams[i], &r->window, ph, &m) < 0)
				return -ENOMEM;
			text_row(f, r->streams[i].name, ph, &m);
		}
		if (r->streams[i].malformed)
			fprintf(f, "%-12s %" PRIu64 " malformed or foreign replies ignored\n",
				r->streams[i].name, r->streams[i].malformed);
		if (r->streams[i].unreachable)
			fprintf(f, "%-12s %" PRIu64 " port unreachable: no itm probe "
				"echo-server on %s port %u?\n", r->streams[i].name,
				r->streams[i].unreachable, r->opts->target,
				r->opts->udp_port);
	}
	text_load(f, r);
	return 0;
}

static void json_summary(FILE *f, const struct probe_summary *m)
{
	fprintf(f, "{\"sent\":%" PRIu32 ",\"received\":%" PRIu32 ",\"lost\":%"
		PRIu32 ",\"loss_pct\":%.3f", m->sent, m->received, m->lost, m->loss_pct);
	if (m->received)
		fprintf(f, ",\"p50_ms\":%.6f,\"p90_ms\":%.6f,\"p99_ms\":%.6f,\"max_ms\":%.6f}",
			m->p50_ns / 1e6, m->p90_ns / 1e6, m->p99_ns / 1e6, m->max_ns / 1e6);
	else
		fprintf(f, ",\"p50_ms\":null,\"p90_ms\":null,\"p99_ms\":null,\"max_ms\":null}");
}

/* The error text comes from iperf3: escape what JSON needs escaped. */
static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void json_load(FILE *f, const struct probe_report *r)
{
	if (!r->opts->load_flows) {
		fprintf(f, "\"load\":null");
		return;
	}
	fprintf(f, "\"load\":{\"flows\":%u,\"start_s\":%.6f,\"end_s\":%.6f,\"ok\":%s,",
		r->load.flows, r->window.begin_ns / 1e9, r->window.end_ns / 1e9,
		r->load.ok ? "true" : "false");
	if (r->load.ok) {
		fprintf(f, "\"bits_per_second\":%.0f,\"error\":null}", r->load.bps);
		return;
	}
	fprintf(f, "\"bits_per_second\":null,\"error\":");
	json_string(f, r->load.error);
	fputc('}', f);
}

int probe_report_json(FILE *f, const struct probe_report *r)
{
	struct probe_summary m;
	unsigned i, ph;

	fprintf(f, "{\"target\":");
	json_string(f, r->opts->target);
	fprintf(f, ",\"interval_ms\":%.3f,\"duration_s\":%.3f,",
		r->opts->interval_ns / 1e6, r->opts->duration_ns / 1e9);
	json_load(f, r);
	fprintf(f, ",\"streams\":[");
	for (i = 0; i < r->n_streams; i++) {
		const struct probe_stream *s = &r->streams[i];

		fprintf(f, "%s{\"name\":\"%s\",\"proto\":\"%s\",\"dscp\":%u,"
			"\"socket\":\"%s\",\"malformed\":%" PRIu64
			",\"unreachable\":%" PRIu64, i ? "," : "",
			s->name, s->spec.proto == PROBE_ICMP ? "icmp" : "udp",
			s->spec.dscp, s->raw ? "raw" : "datagram", s->malformed,
			s->unreachable);
		for (ph = PROBE_IDLE; ph <= PROBE_LOAD; ph++) {
			if (probe_summarize(s, &r->window, ph, &m) < 0)
				return -ENOMEM;
			fprintf(f, ",\"%s\":", phase_names[ph]);
			json_summary(f, &m);
		}
		fputc('}', f);
	}
	fprintf(f, "]}\n");
	return 0;
}

int probe_samples_csv(FILE *f, const struct probe_report *r)
{
	unsigned i;
	uint32_t q;

	fprintf(f, "stream,proto,dscp,seq,send_s,phase,rtt_ms\n");
	for (i = 0; i < r->n_streams; i++) {
		const struct probe_stream *s = &r->streams[i];

		for (q = 0; q < s->n_sent; q++) {
			const struct probe_sample *p = &s->samples[q];

			fprintf(f, "%s,%s,%u,%" PRIu32 ",%.6f,%s,", s->name,
				s->spec.proto == PROBE_ICMP ? "icmp" : "udp",
				s->spec.dscp, q, p->send_ns / 1e9,
				phase_names[probe_phase_of(&r->window, p->send_ns)]);
			if (p->state == PROBE_ANSWERED)
				fprintf(f, "%.6f\n", p->rtt_ns / 1e6);
			else
				fprintf(f, "lost\n");
		}
	}
	return ferror(f) ? -EIO : 0;
}
