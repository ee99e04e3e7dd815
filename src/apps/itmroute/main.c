// SPDX-License-Identifier: GPL-2.0-only
/*
 * itmroute -s ITMD_MODSOCKET -t TOPOLOGY [-n SELF] [-i PROBE_MS] [-v]
 *
 * The overlay routing application of the itmBench paper (section 7) as a
 * libitm process: see doc/itmroute.md. It registers at local-out and
 * pre-routing of the itmd listening on ITMD_MODSOCKET, probes every path
 * to every destination node, and sends each packet the fastest way. When
 * itmd goes away (reload, restart, a missed deadline) it registers again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <itm/libitm.h>

#include "itmroute.h"
#include "modloop.h"

#define TIMER_MS 10		/* how often the probe socket is served */

struct itmroute itmroute;

struct route *itmroute_route_to(int node)
{
	int i;

	for (i = 0; i < itmroute.n_routes; i++) {
		if (itmroute.route[i].node == node)
			return &itmroute.route[i];
	}
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: itmroute -s ITMD_MODSOCKET -t TOPOLOGY [-n SELF] "
		"[-i PROBE_MS] [-v]\n"
		"  -s  itmd's module socket (itmd -M)\n"
		"  -t  the overlay's topology file (doc/itmroute.md)\n"
		"  -n  this node's name (else the file's self line)\n"
		"  -i  probe interval in ms (200)\n"
		"  -v  log every path's estimate each second\n"
		"SIGUSR1 prints the counters; SIGINT and SIGTERM stop.\n");
}

/* One route per node that ends a destination prefix, this one excepted. */
static void routes_init(void)
{
	const struct topo *t = &itmroute.topo;
	int i;

	for (i = 0; i < t->n_dests; i++) {
		int node = t->dest[i].node;

		if (node == t->self || itmroute_route_to(node))
			continue;
		route_init(&itmroute.route[itmroute.n_routes++], t, node);
	}
}

static void on_timer(unsigned long now_ms)
{
	static uint64_t next_verbose;
	uint64_t now;

	(void)now_ms;
	prober_tick();
	now = prober_now_ns();
	if (modloop_take_dump())
		report_counters();
	if (itmroute.verbose && now >= next_verbose) {
		next_verbose = now + 1000000000ull;
		report_counters();
	}
	if (modloop_quit())
		libitm_stop();
}

static int parse_args(int argc, char **argv, const char **sock,
		      const char **topo, const char **self)
{
	char *end;
	long ms;
	int c;

	while ((c = getopt(argc, argv, "s:t:n:i:vh")) != -1) {
		switch (c) {
		case 's': *sock = optarg; break;
		case 't': *topo = optarg; break;
		case 'n': *self = optarg; break;
		case 'v': itmroute.verbose = true; break;
		case 'i':
			ms = strtol(optarg, &end, 10);
			if (end == optarg || *end || ms < 10 || ms > 60000) {
				fprintf(stderr, "itmroute: -i \"%s\": a number of "
					"ms, 10..60000\n", optarg);
				return -1;
			}
			itmroute.interval_ns = (uint64_t)ms * 1000000u;
			break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (!*sock || !*topo || optind != argc) {
		usage(stderr);
		return -1;
	}
	return 0;
}

static const struct modloop loop = {
	.name = "itmroute", .bufsize = ITMROUTE_BUFSIZE,
	.register_hooks = hooks_register, .timer = on_timer,
	.timer_ms = TIMER_MS,
};

int main(int argc, char **argv)
{
	const char *sock = NULL, *topo = NULL, *self = NULL;
	char err[256];
	int r;

	itmroute.interval_ns = 200000000ull;
	path_cfg_default(&itmroute.cfg);
	if (parse_args(argc, argv, &sock, &topo, &self) < 0)
		return 2;
	if (topo_load(&itmroute.topo, topo, self, err, sizeof(err)) < 0) {
		fprintf(stderr, "itmroute: %s\n", err);
		return 2;
	}
	routes_init();
	r = prober_open();
	if (r < 0) {
		fprintf(stderr, "itmroute: probe socket: %s\n", strerror(-r));
		return 1;
	}
	setenv("ITM_MODULE_SOCKET", sock, 1);
	modloop_signals_init();
	r = modloop_run(&loop);
	report_counters();
	if (r < 0)
		fprintf(stderr, "itmroute: %s\n", strerror(-r));
	return r < 0;
}
