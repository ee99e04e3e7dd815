/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The live event loop of itmd: one thread (and a backend's reader threads,
 * under the engine's lock), epoll over the backend's
 * sockets, the control socket and signals, and one timerfd for the earliest
 * of the engine's timers and the root discipline's wake-up. Time is
 * CLOCK_MONOTONIC in ns, the engine's `now`.
 */
#ifndef ITM_LIVE_H
#define ITM_LIVE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "itm/backend.h"
#include "itm/engine.h"

#define ITM_LIVE_WATCH_MAX 32

typedef void itm_live_fn(void *ctx);

struct itm_live_watch {
	int fd;
	itm_live_fn *fn;
	void *ctx;
};

struct itm_live {
	struct itm_engine *e;		/* the running configuration */
	struct itm_backend *backend;
	int epfd, timerfd;
	uint64_t armed;			/* when the timerfd fires, UINT64_MAX = off */
	bool stop;
	pthread_mutex_t lock;		/* the engine's: see itm_live_lock */
	struct itm_live_watch watch[ITM_LIVE_WATCH_MAX];
};

uint64_t itm_live_now(void);

int itm_live_init(struct itm_live *lv, struct itm_err *err);
void itm_live_fini(struct itm_live *lv);

/* The engine's lock. The loop holds it while it runs watch callbacks and
 * the service; a backend's own threads take it to run the engine.
 * Unlocking calls the backend's flush (outside the lock). */
void itm_live_lock(struct itm_live *lv);
void itm_live_unlock(struct itm_live *lv);
/* Call fn(ctx) whenever fd is readable. */
int itm_live_watch(struct itm_live *lv, int fd, itm_live_fn *fn, void *ctx,
		   struct itm_err *err);
void itm_live_unwatch(struct itm_live *lv, int fd);

/* Run until lv->stop: events, then engine timers and the backend's kick,
 * then sleep until the next event or deadline. */
int itm_live_run(struct itm_live *lv);

/* After packets were queued or time passed: timers, kick, re-arm. */
void itm_live_service(struct itm_live *lv);

/* A line on stderr (the journal under systemd), with a level word. */
void itm_live_log(const char *level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * For an error that may come with every packet (a refused verdict, a
 * receive the kernel could not fill): the first is logged, then at most
 * one line every ITM_LIVE_LOG_EVERY_NS, which says how many came between.
 * One limiter per kind of error; safe from several threads.
 */
#define ITM_LIVE_LOG_EVERY_NS (10 * ITM_NSEC_PER_SEC)

struct itm_live_loglimit {
	uint64_t next_ns;	/* no line before this */
	uint64_t held;		/* errors since the last line */
};

/* Whether a line is due now; if so, *held is how many were not logged. */
bool itm_live_log_due(struct itm_live_loglimit *l, uint64_t now,
		      uint64_t *held);
void itm_live_log_limited(struct itm_live_loglimit *l, const char *level,
			  const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
