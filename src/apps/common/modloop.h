/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the libitm applications (itmroute, itmtun) share: their signals
 * (SIGUSR1 asks for the counters; SIGINT and SIGTERM stop) and the loop
 * that registers with itmd and runs until stopped, registering again when
 * itmd goes (reload, restart, a missed deadline).
 */
#ifndef APPS_MODLOOP_H
#define APPS_MODLOOP_H

#include <stdbool.h>

struct modloop {
	const char *name;		/* the program, in its log lines */
	int bufsize;			/* libitm_init's, in packet mode */
	int (*register_hooks)(void);	/* 0 or a negative errno */
	void (*timer)(unsigned long now_ms);
	int timer_ms;
	void (*waiting)(void);		/* between attempts; NULL: nothing */
};

/* Catch SIGUSR1, SIGINT and SIGTERM. */
void modloop_signals_init(void);
/* SIGINT or SIGTERM came. */
bool modloop_quit(void);
/* SIGUSR1 came since the last call. */
bool modloop_take_dump(void);

/*
 * Whether a registration that failed with @err (a negative errno) would
 * fail again however often it is tried: the label taken, not permitted,
 * refused as invalid, not itmd's protocol. Not: itmd not there yet.
 */
bool modloop_permanent(int err);

/*
 * Register and run until stopped (0) or a failure that trying again
 * cannot mend (its negative errno). While itmd cannot be reached it tries
 * every 200 ms, logging the first failure and then at most one line every
 * 10 s with the attempts since.
 */
int modloop_run(const struct modloop *l);

#endif
