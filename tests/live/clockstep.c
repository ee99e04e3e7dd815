// SPDX-License-Identifier: GPL-2.0-only
/*
 * LD_PRELOAD for run_itmroute.sh: the wall clock steps back an hour
 * ITM_CLOCKSTEP_AFTER seconds after the process first reads it, as an NTP
 * step or `date -s` would. Only CLOCK_REALTIME read through clock_gettime
 * moves; the kernel's stamps and the monotonic clock do not.
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>

int clock_gettime(clockid_t id, struct timespec *ts)
{
	static int (*next)(clockid_t, struct timespec *);
	static time_t first;
	const char *after = getenv("ITM_CLOCKSTEP_AFTER");
	int r;

	if (!next)
		next = (int (*)(clockid_t, struct timespec *))
		       dlsym(RTLD_NEXT, "clock_gettime");
	r = next(id, ts);
	if (r || id != CLOCK_REALTIME || !after)
		return r;
	if (!first)
		first = ts->tv_sec;
	if (ts->tv_sec - first >= atol(after))
		ts->tv_sec -= 3600;
	return 0;
}
