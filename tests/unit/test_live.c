// SPDX-License-Identifier: GPL-2.0-only
/*
 * live.c, itmd's loop: a watched descriptor's callback runs, the backend is
 * kicked after every wake-up, the timerfd is armed at the root discipline's
 * wake_ns when it holds packets (a shaper) and the kick then releases them,
 * and unwatch stops callbacks.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cmocka.h>

#include "itm/live.h"
#include "testutil.h"

struct fake {
	struct itm_live *lv;
	int kicks, reads, pipe[2];
	uint64_t sent;
};

static struct fake fk;

static void fake_kick(struct itm_backend *b, uint64_t now)
{
	struct itm_pkt *p;

	fk.kicks++;
	while ((p = itm_qdisc_dequeue(fk.lv->e->root, now)) != NULL) {
		fk.sent++;
		free(p);
	}
	if (fk.sent == 3)
		fk.lv->stop = true;
}

static const struct itm_backend_ops fake_ops = { .id = "fake", .kick = fake_kick };

static void on_pipe(void *ctx)
{
	char c;

	assert_int_equal(read(fk.pipe[0], &c, 1), 1);
	fk.reads++;
}

static void test_loop_and_wakeup(void **state)
{
	static struct itm_backend b = { .ops = &fake_ops };
	struct itm_live lv;
	struct itm_err err;
	uint64_t t0;
	int i;

	(void)state;
	assert_int_equal(itm_live_init(&lv, &err), 0);
	/* 1 Mbit/s, 1000-byte bucket: 3 packets of 1000 B take 16 ms */
	lv.e = test_engine("qdisc add root tbf rate 1mbit burst 1000 limit 10kb\n",
			   TEST_START);
	lv.backend = &b;
	fk = (struct fake){ .lv = &lv };
	assert_int_equal(pipe(fk.pipe), 0);
	assert_int_equal(itm_live_watch(&lv, fk.pipe[0], on_pipe, NULL, &err), 0);
	assert_int_equal(write(fk.pipe[1], "x", 1), 1);
	t0 = itm_live_now();
	for (i = 0; i < 3; i++) {
		struct itm_pkt *p = calloc(1, sizeof(*p));

		p->caplen = 1000;
		itm_qdisc_enqueue(lv.e->root, p, t0);
	}
	assert_int_equal(itm_live_run(&lv), 0);
	assert_int_equal(fk.reads, 1);
	assert_int_equal(fk.sent, 3);
	assert_true(itm_live_now() - t0 >= 16 * 1000000ull);
	assert_true(fk.kicks >= 3);	/* the start, the pipe, the timer(s) */
	itm_live_unwatch(&lv, fk.pipe[0]);
	for (i = 0; i < ITM_LIVE_WATCH_MAX; i++)
		assert_false(lv.watch[i].fn && lv.watch[i].fd == fk.pipe[0]);
	close(fk.pipe[0]);
	close(fk.pipe[1]);
	itm_engine_destroy(lv.e);
	itm_live_fini(&lv);
}

/* A wake-up that leaves the next deadline as it was makes no timerfd call
 * (one per packet burst before): a mark set behind the loop's back stays.
 * Nothing pending leaves the timer off. */
static void test_timer_set_only_on_change(void **state)
{
	static struct itm_backend b = { .ops = &fake_ops };
	struct itimerspec mark = { .it_value = { .tv_sec = 3600 } }, now;
	struct itm_live lv;
	struct itm_err err;

	(void)state;
	assert_int_equal(itm_live_init(&lv, &err), 0);
	lv.e = test_engine("", TEST_START);
	lv.backend = &b;
	fk = (struct fake){ .lv = &lv };
	itm_live_service(&lv);
	assert_int_equal(timerfd_gettime(lv.timerfd, &now), 0);
	assert_true(now.it_value.tv_sec == 0 && now.it_value.tv_nsec == 0);
	assert_int_equal(timerfd_settime(lv.timerfd, 0, &mark, NULL), 0);
	itm_live_service(&lv);
	itm_live_service(&lv);
	assert_int_equal(timerfd_gettime(lv.timerfd, &now), 0);
	assert_true(now.it_value.tv_sec > 3000);
	itm_engine_destroy(lv.e);
	itm_live_fini(&lv);
}

/* An error on the packet path: the first logged, then one line per
 * ITM_LIVE_LOG_EVERY_NS saying how many came between. */
static void test_log_limited(void **state)
{
	struct itm_live_loglimit l = { 0 };
	uint64_t t = 5 * ITM_NSEC_PER_SEC, held = 99;
	struct test_stderr cap;
	char *out;
	int i;

	(void)state;
	assert_true(itm_live_log_due(&l, t, &held));
	assert_int_equal(held, 0);
	for (i = 0; i < 3; i++)
		assert_false(itm_live_log_due(&l, t + ITM_LIVE_LOG_EVERY_NS - 1, &held));
	assert_true(itm_live_log_due(&l, t + ITM_LIVE_LOG_EVERY_NS, &held));
	assert_int_equal(held, 3);
	assert_false(itm_live_log_due(&l, t + ITM_LIVE_LOG_EVERY_NS + 1, &held));

	/* by the monotonic clock: the first line, then the count with the next */
	memset(&l, 0, sizeof(l));
	cap = test_stderr_start();
	for (i = 0; i < 4; i++)
		itm_live_log_limited(&l, "warning", "x: %d", i);
	l.next_ns = 0;	/* as if the period had passed */
	itm_live_log_limited(&l, "warning", "x: %d", 4);
	out = test_stderr_stop(cap);
	assert_string_equal(out, "itmd: warning: x: 0\n"
			    "itmd: warning: x: 4 (3 more since the last such line)\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loop_and_wakeup),
		cmocka_unit_test(test_timer_set_only_on_change),
		cmocka_unit_test(test_log_limited),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
