// SPDX-License-Identifier: GPL-2.0-only
/*
 * What itmtun tells (doc/itmtun.md): a log line at each change of n (and,
 * with -v, each interval), and every counter on SIGUSR1 and at exit as
 * `key value` pairs that scripts can pick out.
 */
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "itmtun.h"

static void stamp(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(stderr, "%lld.%03ld ", (long long)ts.tv_sec,
		ts.tv_nsec / 1000000);
}

static double mbit(uint64_t bps)
{
	return (double)bps / 1e6;
}

void report_change(int from, int to, uint64_t rate_bps, bool demand)
{
	stamp();
	fprintf(stderr, "itmtun: connections %d -> %d (rate %.2f Mbit/s, "
		"target %.2f Mbit/s%s)\n", from, to, mbit(rate_bps),
		mbit(itmtun.ctl.cfg.target_bps), demand ? ", packets waited" : "");
}

void report_interval(uint64_t rate_bps, bool demand)
{
	stamp();
	fprintf(stderr, "itmtun: rate %.2f Mbit/s connections %d up %d%s\n",
		mbit(rate_bps), itmtun.pool.n, pool_up(&itmtun.pool),
		demand ? " demand" : "");
}

static uint64_t out(const uint64_t *v)
{
	return __atomic_load_n(v, __ATOMIC_RELAXED);
}

void report_counters(void)
{
	const struct pool_stats *p = &itmtun.pool.st;
	const struct egress_stats *e = &itmtun.out;
	int d;

	fprintf(stderr, "itmtun: connections %d up %d target_bps %" PRIu64
		" rate_bps %" PRIu64 " changes %" PRIu64 "\n", itmtun.pool.n,
		pool_up(&itmtun.pool), itmtun.ctl.cfg.target_bps, itmtun.rate_bps,
		itmtun.changes);
	fprintf(stderr, " ingress: packets %" PRIu64 " bytes %" PRIu64,
		p->pkts, p->bytes);
	for (d = 0; d < POOL_DROP_MAX; d++)
		fprintf(stderr, " %s %" PRIu64, pool_drop_name((enum pool_drop)d),
			p->drops[d]);
	fprintf(stderr, " cut %" PRIu64 " not_ip %" PRIu64 " connects %" PRIu64
		" connect_fails %" PRIu64 " lost %" PRIu64 " lost_bytes %" PRIu64
		" moves %" PRIu64 "\n", itmtun.in.cut, itmtun.in.not_ip,
		p->connects, p->connect_fails, p->conn_lost, p->lost_bytes,
		p->moves);
	fprintf(stderr, " egress: accepted %" PRIu64 " refused %" PRIu64
		" frames %" PRIu64 " bytes %" PRIu64 " injected %" PRIu64
		" bad_frames %" PRIu64 " tun_errors %" PRIu64 "\n",
		out(&e->accepted), out(&e->refused), out(&e->frames),
		out(&e->bytes), out(&e->injected), out(&e->bad_frames),
		out(&e->tun_errors));
}
