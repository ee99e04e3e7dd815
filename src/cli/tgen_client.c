// SPDX-License-Identifier: GPL-2.0-only
/*
 * itm tgen client: Poisson arrivals on an absolute monotonic schedule, so
 * a late flow does not shift the ones after it and connection setup never
 * delays an arrival (TrafficGenerator's arrivals waited for a free
 * connection). Sizes come from the CDF and the server from the same seeded
 * generator: one seed, one workload.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "itm/units.h"
#include "tgen_client.h"

static struct tgen_flow *flow_new(struct cl *cl)
{
	struct tgen_run *r = &cl->run;

	if (r->n_flows == cl->flows_cap) {
		uint64_t cap = cl->flows_cap ? cl->flows_cap * 2 : 1024;
		struct tgen_flow *n = realloc(r->flows, cap * sizeof(*n));

		if (!n)
			return NULL;
		r->flows = n;
		cl->flows_cap = cap;
	}
	memset(&r->flows[r->n_flows], 0, sizeof(r->flows[0]));
	r->flows[r->n_flows].id = r->n_flows;
	return &r->flows[r->n_flows++];
}

static struct cl_conn *idle_conn(struct cl *cl, unsigned server)
{
	size_t i;

	for (i = 0; i < cl->n_conns; i++) {
		struct cl_conn *c = cl->conns[i];

		if (c->server == server && c->state == CL_IDLE)
			return c;
	}
	return NULL;
}

/* One arrival: draw its size and server, send it or open a connection. */
static int flow_launch(struct cl *cl, uint64_t now)
{
	struct tgen_flow *f = flow_new(cl);
	uint64_t idx;
	struct cl_conn *c;
	double q;

	if (!f)
		return -ENOMEM;
	idx = f->id;
	q = tgen_rng_uniform(&cl->rng);
	f->size_bytes = (uint64_t)llround(itm_cdf_quantile(cl->cdf, q));
	if (f->size_bytes == 0)
		f->size_bytes = 1;	/* a flow has at least one byte */
	f->server = (unsigned)(tgen_rng_next(&cl->rng) % cl->o->n_servers);
	f->start_ns = now - cl->t0_ns;
	cl->outstanding++;
	c = cl->o->mode == TGEN_MODE_PERSISTENT ? idle_conn(cl, f->server) : NULL;
	if (c) {
		f->conn = c->id;
		cl_conn_request(cl, c, idx);
		return 0;
	}
	if (cl->o->mode == TGEN_MODE_PERSISTENT)
		cl->run.extra_conns++;
	c = cl_conn_open(cl, f->server, idx);
	if (!c) {
		f = &cl->run.flows[idx];
		f->failed = true;
		cl->outstanding--;
		return 0;
	}
	cl->run.flows[idx].conn = c->id;
	return 0;
}

static bool arrivals_left(const struct cl *cl)
{
	if (cl->o->flows)
		return cl->run.n_flows < cl->o->flows;
	return cl->next_arrival_ns < cl->end_ns;
}

static int launch_due(struct cl *cl, uint64_t now)
{
	while (!cl->arrivals_done && cl->next_arrival_ns <= now) {
		if (flow_launch(cl, now) < 0)
			return -ENOMEM;
		cl->next_arrival_ns += (uint64_t)llround(
			tgen_rng_exp(&cl->rng, cl->gap_mean_ns));
		cl->arrivals_done = !arrivals_left(cl);
	}
	return 0;
}

/* Cut flows that ran past --timeout; they leave the pool with their
 * connection, since the rest of their bytes may still arrive. */
static void cut_late(struct cl *cl, uint64_t now)
{
	size_t i = 0;

	while (i < cl->n_conns) {
		struct cl_conn *c = cl->conns[i];
		const struct tgen_flow *f;

		if (c->flow == CL_NO_FLOW) {
			i++;
			continue;
		}
		f = &cl->run.flows[c->flow];
		if (now - cl->t0_ns - f->start_ns < cl->o->timeout_ns) {
			i++;
			continue;
		}
		cl_flow_end(cl, c, true, false);	/* drops c from conns */
	}
}

static void progress(struct cl *cl, uint64_t now, uint64_t *last)
{
	if (!isatty(STDERR_FILENO) || now - *last < 1000000000u)
		return;
	*last = now;
	fprintf(stderr, "\ritm tgen: %.0f s, %" PRIu64 " flows started, %"
		PRIu64 " running ", (double)(now - cl->t0_ns) / 1e9,
		cl->run.n_flows, cl->outstanding);
}

static int wait_events(struct cl *cl, uint64_t now)
{
	struct epoll_event ev[64];
	/* wake for the next arrival, and at least every 100 ms for timeouts */
	uint64_t wait = 100000000u;
	struct timespec ts;
	int i, n;

	if (!cl->arrivals_done && cl->next_arrival_ns <= now)
		wait = 0;
	else if (!cl->arrivals_done && cl->next_arrival_ns - now < wait)
		wait = cl->next_arrival_ns - now;
	ts.tv_sec = (time_t)(wait / 1000000000u);
	ts.tv_nsec = (long)(wait % 1000000000u);
	n = epoll_pwait2(cl->ep, ev, 64, &ts, NULL);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (i = 0; i < n; i++)
		cl_conn_event(cl, ev[i].data.ptr, ev[i].events);
	return 0;
}

static int run_loop(struct cl *cl)
{
	uint64_t now = tgen_now_ns(), last = now;
	int r;

	cl->t0_ns = now;
	cl->next_arrival_ns = now;
	cl->end_ns = now + cl->o->duration_ns;
	cl->arrivals_done = false;
	while (!cl->arrivals_done || cl->outstanding) {
		if (launch_due(cl, now) < 0)
			return -ENOMEM;
		r = wait_events(cl, now);
		if (r < 0)
			return r;
		now = tgen_now_ns();
		cut_late(cl, now);
		progress(cl, now, &last);
	}
	if (isatty(STDERR_FILENO))
		fputc('\n', stderr);
	cl->run.elapsed_ns = now - cl->t0_ns;
	return 0;
}

/* Names the pool connections still connecting; true if there are any. */
static bool pools_connecting(const struct cl *cl, bool say)
{
	char t[32];
	bool any = false;
	size_t i;

	for (i = 0; i < cl->n_conns; i++) {
		if (cl->conns[i]->state != CL_CONNECTING)
			continue;
		any = true;
		if (say)
			fprintf(stderr, "itm tgen: connect to %s: no answer "
				"within --timeout %s\n",
				cl->o->servers[cl->conns[i]->server],
				itm_fmt_time(t, sizeof(t), cl->o->timeout_ns));
	}
	return any;
}

/*
 * Persistent mode: the pools are up before the clock starts. A server
 * that never answers a SYN would hold us for the kernel's retries (about
 * two minutes), so a connection gets --timeout, as a flow does.
 */
static int open_pools(struct cl *cl)
{
	uint64_t deadline;
	unsigned s, k;

	for (s = 0; s < cl->o->n_servers; s++)
		for (k = 0; k < cl->o->conns; k++)
			if (!cl_conn_open(cl, s, CL_NO_FLOW))
				return -errno;
	cl->arrivals_done = true;	/* none yet: wait for the sockets only */
	deadline = tgen_now_ns() + cl->o->timeout_ns;
	while (pools_connecting(cl, false)) {
		uint64_t now = tgen_now_ns();

		if (now >= deadline) {
			pools_connecting(cl, true);
			return -ETIMEDOUT;
		}
		if (wait_events(cl, now) < 0)
			return -EIO;
	}
	if (cl->n_conns < (size_t)cl->o->n_servers * cl->o->conns)
		return -ECONNREFUSED;
	return 0;
}

static int cl_setup(struct cl *cl, const struct tgen_client_opts *o)
{
	char msg[512];
	unsigned i;

	cl->o = o;
	cl->run.o = o;
	cl->ep = -1;
	cl->cdf = malloc(sizeof(*cl->cdf));
	if (!cl->cdf)
		return -ENOMEM;
	if (itm_cdf_load(cl->cdf, o->cdf_path, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "itm tgen: --cdf %s\n", msg);
		return -EINVAL;
	}
	for (i = 0; i < o->n_servers; i++) {
		if (tgen_resolve(o->servers[i], o->port, &cl->addr[i], msg,
				 sizeof(msg)) < 0) {
			fprintf(stderr, "itm tgen: %s\n", msg);
			return -EINVAL;
		}
	}
	/* a path that cannot be written fails now, not after the run */
	if (o->log_path && !(cl->log = fopen(o->log_path, "w"))) {
		fprintf(stderr, "itm tgen: --log %s: %s\n", o->log_path,
			strerror(errno));
		return -EINVAL;
	}
	cl->run.mean_size_bytes = itm_cdf_mean(cl->cdf);
	cl->gap_mean_ns = tgen_interarrival_ns(cl->run.mean_size_bytes, o->load,
					       o->rate_bps);
	tgen_rng_seed(&cl->rng, o->seed);
	cl->ep = epoll_create1(EPOLL_CLOEXEC);
	return cl->ep < 0 ? -errno : 0;
}

static void cl_free(struct cl *cl)
{
	while (cl->n_conns)
		cl_conn_drop(cl, cl->conns[0]);
	free(cl->conns);
	free(cl->run.flows);
	free(cl->cdf);
	if (cl->log)
		fclose(cl->log);
	if (cl->ep >= 0)
		close(cl->ep);
	free(cl);
}

/* The report first: a log or plot that fails does not lose it. */
static int cl_output(struct cl *cl)
{
	const struct tgen_client_opts *o = cl->o;
	uint64_t i, failed = 0;
	int rc = 0;

	if (tgen_report(&cl->run, o->json) < 0)
		return 1;
	if (cl->log) {
		if (tgen_log_write(&cl->run, cl->log, o->log_path) < 0)
			rc = 1;
		cl->log = NULL;	/* closed */
	}
	if (o->plot_path && tgen_plot(&cl->run, o->plot_path) < 0)
		rc = 1;
	/* a broken flow is a broken measurement; a timeout is a result */
	for (i = 0; i < cl->run.n_flows; i++)
		failed += cl->run.flows[i].failed;
	if (failed)
		fprintf(stderr, "itm tgen: %" PRIu64 " of %" PRIu64 " flows "
			"failed (connection refused or broken)\n", failed,
			cl->run.n_flows);
	return failed ? 1 : rc;
}

int tgen_client_run(const struct tgen_client_opts *o)
{
	struct cl *cl = calloc(1, sizeof(*cl));
	int r, rc = 1;

	if (!cl)
		return 1;
	r = cl_setup(cl, o);
	if (r == -EINVAL)
		rc = 2;
	if (r < 0)
		goto out;
	if (o->mode == TGEN_MODE_PERSISTENT && open_pools(cl) < 0) {
		fprintf(stderr, "itm tgen: could not open %u connections to "
			"each server\n", o->conns);
		goto out;
	}
	r = run_loop(cl);
	if (r < 0) {
		fprintf(stderr, "itm tgen: %s\n", strerror(-r));
		goto out;
	}
	rc = cl_output(cl);
out:
	cl_free(cl);
	return rc;
}
