// SPDX-License-Identifier: GPL-2.0-only
/*
 * itmtun -s ITMD_MODSOCKET -r REMOTE_PREFIX -p PEER -l LOCAL [options]
 *
 * An elastic bandwidth tunnel, the itmBench paper's third example
 * application (section 8; Guirguis et al., ISCC 2004), as a libitm
 * process: see doc/itmtun.md. One runs on each edge. The ingress side
 * takes the packets to the remote site at itmd's forward hook and carries
 * them over n TCP connections to the peer; the egress side (a thread)
 * takes the peer's connections and injects their packets into a TUN
 * device; the controller moves n so that the tunnel holds its target.
 * When itmd goes away (reload, restart, a missed deadline) it registers
 * again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <itm/libitm.h>

#include "itmtun.h"
#include "modloop.h"

#define TIMER_MS 1		/* how often the connections are served */

struct itmtun itmtun;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Each interval: the rate the peer acknowledged, and n for the next. */
static void control(uint64_t now)
{
	uint64_t elapsed = now - itmtun.next_ctl_ns + itmtun.interval_ns;
	bool demand;
	uint64_t bytes = pool_measure(&itmtun.pool, &demand);
	int n = itmtun.pool.n, next;

	itmtun.next_ctl_ns = now + itmtun.interval_ns;
	itmtun.rate_bps = ctl_rate_bps(bytes, elapsed);
	if (itmtun.verbose)
		report_interval(itmtun.rate_bps, demand);
	next = ctl_step(&itmtun.ctl, itmtun.rate_bps, demand);
	if (next == n)
		return;
	report_change(n, next, itmtun.rate_bps, demand);
	itmtun.changes++;
	pool_resize(&itmtun.pool, next);
}

static void on_timer(unsigned long now_ms)
{
	uint64_t now = now_ns();

	(void)now_ms;
	pool_tick(&itmtun.pool, now);
	if (now >= itmtun.next_ctl_ns)
		control(now);
	if (modloop_take_dump())
		report_counters();
	if (modloop_quit())
		libitm_stop();
}

static void on_waiting(void)
{
	pool_tick(&itmtun.pool, now_ns());
}

static const struct modloop loop = {
	.name = "itmtun", .bufsize = ITMTUN_BUFSIZE,
	.register_hooks = hooks_register, .timer = on_timer,
	.timer_ms = TIMER_MS, .waiting = on_waiting,
};

int main(int argc, char **argv)
{
	const char *sock = NULL;
	int r;

	if (options_parse(argc, argv, &sock) < 0)
		return 2;
	itmtun.tun_fd = tun_open(itmtun.tun_name, itmtun.tun_dev,
				 sizeof(itmtun.tun_dev));
	if (itmtun.tun_fd < 0) {
		fprintf(stderr, "itmtun: TUN device %s: %s\n", itmtun.tun_name,
			strerror(-itmtun.tun_fd));
		return 1;
	}
	r = egress_start();
	if (r < 0) {
		fprintf(stderr, "itmtun: listen: %s\n", strerror(-r));
		return 1;
	}
	itmtun.ctl.n = itmtun.ctl.cfg.min;
	pool_init(&itmtun.pool, &itmtun.peer, &itmtun.local, itmtun.peer_len,
		  itmtun.qmax, itmtun.ctl.n);
	itmtun.next_ctl_ns = now_ns() + itmtun.interval_ns;
	setenv("ITM_MODULE_SOCKET", sock, 1);
	modloop_signals_init();
	r = modloop_run(&loop);
	egress_stop();
	report_counters();
	pool_close(&itmtun.pool);
	close(itmtun.tun_fd);
	if (r < 0)
		fprintf(stderr, "itmtun: %s\n", strerror(-r));
	return r < 0;
}
