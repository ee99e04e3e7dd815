// SPDX-License-Identifier: GPL-2.0-only
/*
 * The libitm applications' signals and registration loop (modloop.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <itm/libitm.h>

#include "modloop.h"

#define RETRY_NS 200000000L		/* between attempts */
#define LOG_EVERY_NS 10000000000ull	/* one line while it fails */

static volatile sig_atomic_t quit, dump;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		dump = 1;
	else
		quit = 1;
}

void modloop_signals_init(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

bool modloop_quit(void)
{
	return quit;
}

bool modloop_take_dump(void)
{
	if (!dump)
		return false;
	dump = 0;
	return true;
}

bool modloop_permanent(int err)
{
	switch (-err) {
	case EEXIST:		/* the label is another live module's */
	case EPERM:		/* not root nor itmd's user */
	case EACCES:
	case EINVAL:		/* itmd refused what was asked */
	case E2BIG:
	case EPROTO:		/* not itmd's module socket, or another version */
	case ENAMETOOLONG:
	case ENOTSOCK:
		return true;
	default:
		return false;
	}
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Failed attempts since the last success, and when the last line went. */
struct attempts {
	unsigned long n;
	uint64_t log_ns;
};

/* Log attempt @a->n's failure @r: the first, then one line each 10 s. */
static void attempt_failed(const struct modloop *l, struct attempts *a, int r)
{
	const char *sock = getenv("ITM_MODULE_SOCKET");
	uint64_t now = mono_ns();

	a->n++;
	if (a->n == 1) {
		fprintf(stderr, "%s: register with %s: %s; trying again every "
			"200 ms\n", l->name, sock, strerror(-r));
	} else if (now - a->log_ns >= LOG_EVERY_NS) {
		fprintf(stderr, "%s: register with %s: %s (%lu attempts in all)\n",
			l->name, sock, strerror(-r), a->n);
	} else {
		return;
	}
	a->log_ns = now;
}

/* Register once: 0, or a negative errno (a permanent one is logged). */
static int attempt(const struct modloop *l, struct attempts *a)
{
	int r;

	libitm_init(l->bufsize, LIBITM_PACKET);
	r = l->register_hooks();
	if (r == 0) {
		if (a->n)
			fprintf(stderr, "%s: registered after %lu failed "
				"attempts\n", l->name, a->n);
		*a = (struct attempts){ 0 };
		return 0;
	}
	if (modloop_permanent(r)) {
		fprintf(stderr, "%s: register with %s: %s; giving up: trying "
			"again would not help\n", l->name,
			getenv("ITM_MODULE_SOCKET"), strerror(-r));
		return r;
	}
	attempt_failed(l, a, r);
	return r;
}

int modloop_run(const struct modloop *l)
{
	struct timespec pause = { .tv_nsec = RETRY_NS };
	struct attempts a = { 0 };
	int r;

	while (!quit) {
		r = attempt(l, &a);
		if (r < 0 && modloop_permanent(r))
			return r;
		if (r < 0) {
			nanosleep(&pause, NULL);
			if (l->waiting)
				l->waiting();
			continue;
		}
		libitm_register_timer(l->timer, l->timer_ms);
		r = libitm_run();
		if (r != -ECONNRESET)
			return r;
		fprintf(stderr, "%s: itmd closed the registration; registering "
			"again\n", l->name);
	}
	return 0;
}
