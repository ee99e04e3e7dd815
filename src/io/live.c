// SPDX-License-Identifier: GPL-2.0-only
/*
 * itmd's event loop (see include/itm/live.h). The loop runs the engine
 * under lv->lock: a batch of packets from the backend, a control command,
 * a reload all happen between two epoll_wait calls, and a backend's own
 * reader threads (NFQUEUE with several queues) take the same lock for
 * their packets. Between two sleeps the backend's flush sends, with the
 * lock released, what the engine decided.
 * After every wake-up the loop runs the engine's timers, lets the backend
 * send what the root discipline releases, and arms the timerfd for the
 * earliest of the next module timer and the discipline's wake_ns.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "itm/live.h"

uint64_t itm_live_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * ITM_NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

void itm_live_log(const char *level, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "itmd: %s: ", level);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

bool itm_live_log_due(struct itm_live_loglimit *l, uint64_t now,
		      uint64_t *held)
{
	uint64_t next = __atomic_load_n(&l->next_ns, __ATOMIC_RELAXED);

	if (now < next || !__atomic_compare_exchange_n(&l->next_ns, &next,
			now + ITM_LIVE_LOG_EVERY_NS, false, __ATOMIC_RELAXED,
			__ATOMIC_RELAXED)) {
		__atomic_add_fetch(&l->held, 1, __ATOMIC_RELAXED);
		return false;
	}
	*held = __atomic_exchange_n(&l->held, 0, __ATOMIC_RELAXED);
	return true;
}

void itm_live_log_limited(struct itm_live_loglimit *l, const char *level,
			  const char *fmt, ...)
{
	char line[256];
	uint64_t held;
	va_list ap;

	if (!itm_live_log_due(l, itm_live_now(), &held))
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (held)
		itm_live_log(level, "%s (%" PRIu64 " more since the last "
			     "such line)", line, held);
	else
		itm_live_log(level, "%s", line);
}

static void live_timer_fired(void *ctx)
{
	struct itm_live *lv = ctx;
	uint64_t n;

	if (read(lv->timerfd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		itm_live_log("warning", "timerfd: %s", strerror(errno));
	lv->armed = UINT64_MAX;
}

int itm_live_init(struct itm_live *lv, struct itm_err *err)
{
	memset(lv, 0, sizeof(*lv));
	lv->armed = UINT64_MAX;	/* a new timerfd is off */
	if (pthread_mutex_init(&lv->lock, NULL))
		return itm_err_set(err, ENOMEM, "cannot create the engine's lock");
	lv->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (lv->epfd < 0)
		return itm_err_set(err, errno, "epoll: %s", strerror(errno));
	lv->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (lv->timerfd < 0) {
		close(lv->epfd);
		pthread_mutex_destroy(&lv->lock);
		return itm_err_set(err, errno, "timerfd: %s", strerror(errno));
	}
	return itm_live_watch(lv, lv->timerfd, live_timer_fired, lv, err);
}

void itm_live_fini(struct itm_live *lv)
{
	close(lv->timerfd);
	close(lv->epfd);
	pthread_mutex_destroy(&lv->lock);
}

void itm_live_lock(struct itm_live *lv)
{
	pthread_mutex_lock(&lv->lock);
}

void itm_live_unlock(struct itm_live *lv)
{
	pthread_mutex_unlock(&lv->lock);
	if (lv->backend && lv->backend->ops->flush)
		lv->backend->ops->flush(lv->backend);
}

int itm_live_watch(struct itm_live *lv, int fd, itm_live_fn *fn, void *ctx,
		   struct itm_err *err)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int i;

	for (i = 0; i < ITM_LIVE_WATCH_MAX && lv->watch[i].fn; i++)
		;
	if (i == ITM_LIVE_WATCH_MAX)
		return itm_err_set(err, ENOSPC, "too many watched descriptors");
	ev.data.u32 = (uint32_t)i;
	if (epoll_ctl(lv->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return itm_err_set(err, errno, "epoll_ctl: %s", strerror(errno));
	lv->watch[i] = (struct itm_live_watch){ .fd = fd, .fn = fn, .ctx = ctx };
	return 0;
}

void itm_live_unwatch(struct itm_live *lv, int fd)
{
	int i;

	for (i = 0; i < ITM_LIVE_WATCH_MAX; i++) {
		if (lv->watch[i].fn && lv->watch[i].fd == fd) {
			epoll_ctl(lv->epfd, EPOLL_CTL_DEL, fd, NULL);
			lv->watch[i].fn = NULL;
		}
	}
}

static void live_arm(struct itm_live *lv, uint64_t when)
{
	struct itimerspec its = { 0 };

	if (when == lv->armed)
		return;
	if (when != UINT64_MAX) {
		its.it_value.tv_sec = (time_t)(when / ITM_NSEC_PER_SEC);
		its.it_value.tv_nsec = (long)(when % ITM_NSEC_PER_SEC);
		if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
			its.it_value.tv_nsec = 1;
	}
	timerfd_settime(lv->timerfd, TFD_TIMER_ABSTIME, &its, NULL);
	lv->armed = when;
}

void itm_live_service(struct itm_live *lv)
{
	uint64_t now = itm_live_now();
	uint64_t next = itm_engine_timers(lv->e, now);
	uint64_t wake;

	if (lv->e->mods_changed) {
		lv->e->mods_changed = false;
		if (lv->backend->ops->changed)
			lv->backend->ops->changed(lv->backend);
	}
	lv->backend->ops->kick(lv->backend, now);
	if (lv->backend->ops->deadline)
		wake = lv->backend->ops->deadline(lv->backend);
	else
		wake = lv->e->root->stats.qlen ? lv->e->root->wake_ns : UINT64_MAX;
	if (wake < next)
		next = wake;
	live_arm(lv, next);
}

int itm_live_run(struct itm_live *lv)
{
	struct epoll_event ev[16];

	itm_live_lock(lv);
	itm_live_service(lv);
	itm_live_unlock(lv);
	while (!lv->stop) {
		int i, n = epoll_wait(lv->epfd, ev, 16, -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			itm_live_log("error", "epoll_wait: %s", strerror(errno));
			return -errno;
		}
		itm_live_lock(lv);
		for (i = 0; i < n; i++) {
			struct itm_live_watch *w = &lv->watch[ev[i].data.u32];

			if (w->fn)
				w->fn(w->ctx);
		}
		itm_live_service(lv);
		itm_live_unlock(lv);
	}
	return 0;
}
