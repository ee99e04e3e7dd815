// SPDX-License-Identifier: GPL-2.0-only
/*
 * itm probe: the loop. Each stream sends at absolute deadlines, start +
 * offset + k * interval on the monotonic clock, so a late wake-up never
 * shifts later probes (no drift); the streams' offsets are spread over one
 * interval so they do not leave in a burst. One ppoll waits for replies and
 * the next deadline. After the last probe the loop waits until every probe
 * is answered or 1 s old, and until the load has ended.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "itm/units.h"
#include "probe.h"

#define ITM_NSEC ITM_NSEC_PER_SEC
#define LOAD_GRACE_NS (3 * ITM_NSEC)

struct probe_run {
	const struct probe_opts *o;
	struct probe_target target;
	struct probe_stream streams[PROBE_MAX_STREAMS];
	uint64_t offset_ns[PROBE_MAX_STREAMS];
	uint64_t start;			/* monotonic ns */
	struct probe_load load;
	bool load_started;
	struct probe_window window;
	struct probe_load_result load_res;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * ITM_NSEC + (uint64_t)ts.tv_nsec;
}

static int streams_open(struct probe_run *r, char *msg, size_t len)
{
	const struct probe_opts *o = r->o;
	unsigned i;

	for (i = 0; i < o->n_streams; i++) {
		struct probe_stream *s = &r->streams[i];

		s->spec = o->streams[i];
		probe_spec_name(s->name, sizeof(s->name), &s->spec);
		r->offset_ns[i] = o->interval_ns * i / o->n_streams;
		s->n_max = (uint32_t)((o->duration_ns - r->offset_ns[i] - 1) / o->interval_ns + 1);
		s->samples = calloc(s->n_max, sizeof(*s->samples));
		if (!s->samples) {
			snprintf(msg, len, "out of memory");
			return -ENOMEM;
		}
		if (probe_sock_open(s, &r->target, o->udp_port, i, msg, len) < 0)
			return -EIO;
	}
	return 0;
}

static void streams_close(struct probe_run *r)
{
	unsigned i;

	for (i = 0; i < r->o->n_streams; i++) {
		if (r->streams[i].fd >= 0)
			close(r->streams[i].fd);
		free(r->streams[i].samples);
	}
}

static uint64_t next_send(const struct probe_run *r, unsigned i)
{
	const struct probe_stream *s = &r->streams[i];

	if (s->n_sent == s->n_max)
		return UINT64_MAX;
	return r->start + r->offset_ns[i] + (uint64_t)s->n_sent * r->o->interval_ns;
}

static void send_due(struct probe_run *r, uint64_t now)
{
	unsigned i;

	for (i = 0; i < r->o->n_streams; i++) {
		struct probe_stream *s = &r->streams[i];

		while (next_send(r, i) <= now) {
			struct probe_sample *p = &s->samples[s->n_sent];
			uint64_t t = mono_ns();

			p->send_ns = t - r->start;
			p->state = probe_sock_send(s, i, s->n_sent, t, &r->target) < 0 ?
				   PROBE_LOST : PROBE_PENDING;
			s->n_sent++;
		}
	}
}

static void recv_ready(struct probe_run *r, const struct pollfd *pfd)
{
	unsigned i;
	uint32_t seq;
	int rc;

	for (i = 0; i < r->o->n_streams; i++) {
		if (!(pfd[i].revents & (POLLIN | POLLERR)))
			continue;
		/* until EAGAIN, or an error such as an ICMP port unreachable
		 * on the connected UDP socket: poll wakes us for what is left */
		while ((rc = probe_sock_recv(&r->streams[i], i, &seq)) >= 0) {
			if (rc == 1)
				probe_answer(&r->streams[i], seq, mono_ns() - r->start);
		}
	}
}

static void load_step(struct probe_run *r, uint64_t now)
{
	char msg[256];

	if (!r->o->load_flows)
		return;
	if (!r->load_started && now >= r->start + r->o->load_start_ns) {
		r->load_started = true;
		r->window.ran = true;
		r->window.begin_ns = now - r->start;
		r->window.end_ns = UINT64_MAX;
		if (probe_load_start(&r->load, r->o, msg, sizeof(msg)) < 0) {
			snprintf(r->load_res.error, sizeof(r->load_res.error), "%s", msg);
			r->window.end_ns = r->window.begin_ns;
		}
	} else if (r->load.running && probe_load_poll(&r->load)) {
		r->window.end_ns = now - r->start;
	}
}

static bool any_pending(const struct probe_run *r)
{
	unsigned i;
	uint32_t q;

	for (i = 0; i < r->o->n_streams; i++) {
		for (q = 0; q < r->streams[i].n_sent; q++) {
			if (r->streams[i].samples[q].state == PROBE_PENDING)
				return true;
		}
	}
	return false;
}

/* The earliest thing to do: a send, the load's start, or a check. */
static uint64_t next_deadline(const struct probe_run *r, uint64_t now)
{
	uint64_t t = now + 50000000;	/* recheck the load and the end often */
	unsigned i;

	for (i = 0; i < r->o->n_streams; i++) {
		uint64_t n = next_send(r, i);

		t = n < t ? n : t;
	}
	if (r->o->load_flows && !r->load_started && r->start + r->o->load_start_ns < t)
		t = r->start + r->o->load_start_ns;
	return t;
}

static bool finished(const struct probe_run *r, uint64_t now)
{
	uint64_t sends_end = r->start + r->o->duration_ns;

	if (now < sends_end)
		return false;
	if (r->load.running && now < sends_end + LOAD_GRACE_NS)
		return false;
	return now >= sends_end + PROBE_TIMEOUT_NS || !any_pending(r);
}

static void run_loop(struct probe_run *r)
{
	struct pollfd pfd[PROBE_MAX_STREAMS];
	uint64_t now;
	unsigned i;

	for (i = 0; i < r->o->n_streams; i++)
		pfd[i] = (struct pollfd){ .fd = r->streams[i].fd, .events = POLLIN };
	r->start = mono_ns();
	for (now = r->start; !finished(r, now); now = mono_ns()) {
		uint64_t wait = next_deadline(r, now);
		struct timespec ts = { 0, 0 };

		if (wait > now) {
			ts.tv_sec = (time_t)((wait - now) / ITM_NSEC);
			ts.tv_nsec = (long)((wait - now) % ITM_NSEC);
		}
		if (ppoll(pfd, r->o->n_streams, &ts, NULL) > 0)
			recv_ready(r, pfd);
		now = mono_ns();
		send_due(r, now);
		load_step(r, now);
	}
}

static void load_wrap_up(struct probe_run *r)
{
	uint64_t now = mono_ns() - r->start;

	r->load_res.flows = r->o->load_flows;
	if (!r->load_started || r->window.end_ns == r->window.begin_ns) {
		r->window.ran = false;	/* never ran: the error is already set */
		return;
	}
	if (r->window.end_ns == UINT64_MAX)
		r->window.end_ns = now;
	probe_load_finish(&r->load, &r->load_res);
	/* no measured load, no load phase: every sample is reported idle */
	if (!r->load_res.ok)
		r->window.ran = false;
}

static int write_outputs(struct probe_run *r)
{
	struct probe_report rep = {
		.opts = r->o, .streams = r->streams, .n_streams = r->o->n_streams,
		.window = r->window, .load = r->load_res,
	};
	char msg[512];
	int rc = 0;
	FILE *f;

	if (r->o->samples) {
		f = fopen(r->o->samples, "w");
		if (!f || probe_samples_csv(f, &rep) < 0 || fclose(f) != 0) {
			fprintf(stderr, "itm probe: --samples %s: %s\n", r->o->samples,
				strerror(errno));
			rc = 1;
		}
	}
	if (r->o->plot && probe_plot(r->o->plot, &rep, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "itm probe: --plot: %s\n", msg);
		rc = 1;
	}
	if (r->o->json)
		probe_report_json(stdout, &rep);
	else
		probe_report_text(stdout, &rep);
	if (r->o->load_flows && !r->load_res.ok) {
		fprintf(stderr, "itm probe: the load failed: %s\n", r->load_res.error);
		rc = 1;
	}
	return rc;
}

int probe_main(int argc, char **argv)
{
	struct probe_run *r;
	struct probe_opts o;
	char msg[512];
	unsigned i;
	int rc;

	if (argc >= 2 && !strcmp(argv[1], "echo-server"))
		return probe_echo_main(argc - 1, argv + 1);
	if (probe_opts_parse(argc, argv, &o, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "itm probe: %s\n", msg);
		return 2;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return 1;
	r->o = &o;
	for (i = 0; i < PROBE_MAX_STREAMS; i++)
		r->streams[i].fd = -1;
	if (probe_target_resolve(o.target, &r->target, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "itm probe: %s\n", msg);
		free(r);
		return 2;
	}
	rc = streams_open(r, msg, sizeof(msg));
	if (rc < 0) {
		fprintf(stderr, "itm probe: %s\n", msg);
		rc = 1;
		goto out;
	}
	run_loop(r);
	load_wrap_up(r);
	for (i = 0; i < o.n_streams; i++)
		probe_expire(&r->streams[i], UINT64_MAX / 2);
	rc = write_outputs(r);
out:
	streams_close(r);
	free(r);
	return rc;
}
