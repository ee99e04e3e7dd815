// SPDX-License-Identifier: GPL-2.0-only
/*
 * What itmroute tells: a log line when a destination's path changes, and
 * every counter on SIGUSR1 and at exit, one `key value` pair after
 * another so that scripts can pick them out (doc/itmroute.md).
 */
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "itmroute.h"

const char *report_path_name(const struct route *r, int i)
{
	static char buf[TOPO_NAME_MAX + 8];
	int relay = r->path[i].relay;

	if (relay == PATH_DIRECT)
		return "direct";
	snprintf(buf, sizeof(buf), "via-%s", itmroute.topo.node[relay].name);
	return buf;
}

static double ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

static void stamp(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(stderr, "%lld.%03ld ", (long long)ts.tv_sec,
		ts.tv_nsec / 1000000);
}

void report_switch(const struct route *r, int from)
{
	const struct topo *t = &itmroute.topo;
	int i;

	stamp();
	fprintf(stderr, "itmroute %s: to %s: %s", t->node[t->self].name,
		t->node[r->node].name, report_path_name(r, from));
	fprintf(stderr, " -> %s (rtt", report_path_name(r, r->cur));
	for (i = 0; i < r->n_paths; i++)
		fprintf(stderr, " %s %.3f ms", report_path_name(r, i),
			ms(r->path[i].srtt_ns));
	fprintf(stderr, ")\n");
}

static void report_path(const struct route *r, int i, uint64_t now)
{
	const struct path *p = &r->path[i];

	fprintf(stderr, "  path %s: rtt_ms %.3f %s sent %" PRIu64 " acked %"
		PRIu64 " lost %" PRIu64 " stray %" PRIu64 " packets %" PRIu64 "\n",
		report_path_name(r, i), ms(p->srtt_ns),
		path_down(p, &itmroute.cfg, now) ? "down" : "up",
		p->sent, p->acked, p->lost, p->stray, p->pkts);
}

void report_counters(void)
{
	const struct itmroute_stats *s = &itmroute.st;
	const struct topo *t = &itmroute.topo;
	uint64_t now = prober_now_ns();
	int i, j;

	fprintf(stderr, "itmroute %s: encapsulated %" PRIu64 " decapsulated %"
		PRIu64 " direct %" PRIu64 " too_big %" PRIu64 " not_ipv4 %"
		PRIu64 " decap_bad %" PRIu64 " ce_drop %" PRIu64
		" probes_answered %" PRIu64 " probes_bad %" PRIu64 "\n",
		t->node[t->self].name, s->encapsulated, s->decapsulated,
		s->direct, s->too_big, s->not_ipv4, s->decap_bad,
		s->decap_ce_drop, s->probes_answered, s->probes_bad);
	for (i = 0; i < itmroute.n_routes; i++) {
		const struct route *r = &itmroute.route[i];

		fprintf(stderr, " route %s: choice %s switches %" PRIu64 "\n",
			t->node[r->node].name, report_path_name(r, r->cur),
			r->switches);
		for (j = 0; j < r->n_paths; j++)
			report_path(r, j, now);
	}
}
