// SPDX-License-Identifier: GPL-2.0-only
/*
 * Modules in their own process, end to end: an engine with a module socket,
 * a forked child registering through libitm, packets through the forward
 * path. A pass-through module sees exactly the interested packets; a
 * marking module's changes reach the output and the next module; a module
 * that crashes, hangs or leaves is unregistered and every packet still
 * leaves, counted. Both ways of waiting are covered: held packets resumed
 * on the forward path (settled at once as replay does, or woken by the
 * eventfd as itmd is), and the single live hook that waits in place. No
 * assertion depends on how long anything took.
 */
#include <inttypes.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "itm/libitm.h"
#include "itm/remote.h"
#include "lib/wire.h"
#include "pktbuild.h"
#include "testutil.h"

/* ---- the child's side: a libitm process ---- */

static unsigned child_seen, child_port_sum, child_stop_at;
static enum { ACT_PASS, ACT_MARK, ACT_CRASH, ACT_HANG, ACT_RESIZE,
	      ACT_LEAVE, ACT_TIMER } child_act;
static unsigned long child_ticks, child_tick_ms;
static bool rig_replay;	/* the engine a replay's: trace time */

static void child_tick(unsigned long ms)
{
	child_ticks++;
	child_tick_ms = ms;
}

static uint32_t child_classify(struct libitm_pkt *p)
{
	child_seen++;
	child_port_sum += p->dport;
	if (p->seq == child_stop_at && child_act == ACT_CRASH)
		_exit(3);
	if (p->seq == child_stop_at && child_act == ACT_HANG)
		for (;;)
			pause();
	if (child_act == ACT_LEAVE && p->seq == child_stop_at)
		libitm_unregister(LIBITM_FORWARD);
	return child_act == ACT_MARK || child_act == ACT_RESIZE ||
	       child_act == ACT_TIMER ? 1 : 0;
}

/* dport 1: 8 bytes more, 2: 4 fewer, 3: 40 more (beyond the headroom) */
static int child_resize(struct libitm_pkt *p)
{
	static const int delta[] = { 0, 8, -4, 40 };

	if (p->dport > 3)
		return LIBITM_ACCEPT;
	p->caplen = (uint32_t)((int)p->caplen + delta[p->dport]);
	memset(p->data + p->caplen - 4, 0xee, 4);
	libitm_packet_altered();
	return LIBITM_ACCEPT;
}

static int child_process(struct libitm_pkt *p, uint32_t cls)
{
	if (child_act == ACT_RESIZE)
		return child_resize(p);
	if (child_act == ACT_TIMER) {	/* what the timer did so far */
		p->mark = (uint32_t)(child_ticks * 100000 + child_tick_ms);
		return LIBITM_ACCEPT;
	}
	if (p->dport == 9)
		return LIBITM_DROP;
	if (p->dport == 8)
		return LIBITM_TAKEN;	/* carried away, as a tunnel does */
	p->mark = 7;
	p->data[14 + 1] = 0x10;	/* IPv4 TOS after the Ethernet header */
	libitm_packet_altered();
	return LIBITM_ACCEPT;
}

static void child_main(int out, uint8_t mode, const int *ports, int n)
{
	static const int udp[] = { 17 };
	struct libitm_info info = {
		.label = "ext", .prio = 0, .classify = child_classify,
		.process = child_process,
	};
	char line[64];
	int r;

	libitm_init_interest(&info);
	libitm_set_protocols(&info, udp, 1);
	if (n)
		libitm_set_dst_ports(&info, ports, n);
	if (libitm_init(128, mode) < 0 ||
	    libitm_register(LIBITM_FORWARD, &info) < 0)
		_exit(2);
	if (child_act == ACT_TIMER && libitm_register_timer(child_tick, 10) < 0)
		_exit(2);
	r = libitm_run();
	snprintf(line, sizeof(line), "%u %u %d\n", child_seen, child_port_sum,
		 r);
	if (write(out, line, strlen(line)) < 0)
		_exit(4);
	_exit(0);
}

/* ---- the engine's side ---- */

struct rig {
	char dir[64], path[128];
	struct itm_modsock ms;
	struct itm_engine *e;
	struct itm_mod *m;
	pid_t pid;
	int pipe[2];
};

static void rig_start(struct rig *g, int act, uint8_t mode, const int *ports,
		      int n)
{
	struct pollfd pf;
	struct itm_err err;

	assert_non_null(test_mkdtemp(g->dir, sizeof(g->dir), "itm-remote"));
	snprintf(g->path, sizeof(g->path), "%s/m.sock", g->dir);
	assert_int_equal(itm_modsock_open(&g->ms, g->path, &err), 0);
	setenv("ITM_MODULE_SOCKET", g->path, 1);
	g->e = test_engine("", TEST_START | (rig_replay ? TEST_SEEDED : 0));
	assert_int_equal(pipe(g->pipe), 0);
	child_act = act;
	g->pid = fork();
	assert_true(g->pid >= 0);
	if (g->pid == 0) {
		close(g->pipe[0]);
		child_main(g->pipe[1], mode, ports, n);
	}
	close(g->pipe[1]);
	pf = (struct pollfd){ .fd = g->ms.fd, .events = POLLIN };
	assert_int_equal(poll(&pf, 1, 20000), 1);
	assert_int_equal(itm_modsock_accept(&g->ms, g->e, &g->m, &err), 0);
	assert_true(itm_mod_is_remote(g->m));
	/* a loaded machine must not turn a slow answer into a missed deadline;
	 * the tests of the deadline itself set their own */
	assert_int_equal(itm_engine_param_set(g->e, "ext.deadline", "10s", &err),
			 0);
}

#define RIG_HEADROOM 16

static void pkt_free(struct itm_pkt *p)
{
	free(p->data - p->headroom);
	free(p);
}

/* A UDP (or TCP) packet with RIG_HEADROOM free bytes in front. */
static struct itm_pkt *pkt_new(uint8_t proto, uint16_t sport, uint16_t dport)
{
	struct itm_pkt *p = calloc(1, sizeof(*p));
	struct pb *b = calloc(1, sizeof(*b));

	pb_init(b);
	pb_eth(b, 0x0800);
	pb_ipv4(b, 0, proto, "192.0.2.1", "192.0.2.2", 0);
	if (proto == 6)
		pb_tcp(b, sport, dport, ITM_TCP_ACK, 20);
	else
		pb_udp(b, sport, dport, 20);
	pb_finish(b, p);
	p->data = (uint8_t *)malloc(RIG_HEADROOM + b->len) + RIG_HEADROOM;
	p->headroom = RIG_HEADROOM;
	memcpy(p->data, b->d, b->len);
	itm_pkt_parse(p);
	free(b);
	return p;
}

/* One packet at time ts through the forward path, waiting for any module
 * process; the packet on its way out, or NULL when it was dropped. */
static struct itm_pkt *rig_send_at(struct rig *g, uint8_t proto,
				   uint16_t dport, uint64_t ts)
{
	struct itm_pkt *p = pkt_new(proto, 1000, dport), *out;

	p->ts_ns = ts;
	itm_engine_forward(g->e, p, ts);
	itm_engine_settle(g->e, ts, true);
	assert_int_equal(g->e->held, 0);
	out = itm_qdisc_dequeue(g->e->root, ts);
	if (out != p) {		/* dropped: no free_fn, the packet is ours */
		pkt_free(p);
		return NULL;
	}
	return p;
}

static struct itm_pkt *rig_send(struct rig *g, uint8_t proto, uint16_t dport)
{
	return rig_send_at(g, proto, dport, 0);
}

/* The child registers again (after its last life ended, pipe closed): a
 * new process, accepted under the same label. */
static void rig_next_life(struct rig *g)
{
	struct pollfd pf;
	struct itm_err err;

	assert_int_equal(pipe(g->pipe), 0);
	g->pid = fork();
	assert_true(g->pid >= 0);
	if (g->pid == 0) {
		close(g->pipe[0]);
		child_main(g->pipe[1], LIBITM_META, NULL, 0);
	}
	close(g->pipe[1]);
	pf = (struct pollfd){ .fd = g->ms.fd, .events = POLLIN };
	assert_int_equal(poll(&pf, 1, 20000), 1);
	if (itm_modsock_accept(&g->ms, g->e, &g->m, &err) < 0)
		fail_msg("registration refused: %s", err.msg);
	assert_false(itm_remote_gone(g->m));
}

/* The child killed and the rig taken down without waiting for a report. */
static void rig_kill(struct rig *g)
{
	kill(g->pid, SIGKILL);
	assert_int_equal(waitpid(g->pid, NULL, 0), g->pid);
	close(g->pipe[0]);
	itm_engine_destroy(g->e);
	itm_modsock_close(&g->ms);
	rmdir(g->dir);
}

/* Unregister from the engine's side and collect the child's report. */
static void rig_stop(struct rig *g, unsigned *seen, unsigned *sum, int *rc,
		     int *status)
{
	char line[64] = "";
	ssize_t n;

	itm_engine_mod_del(g->e, "ext", NULL);
	n = read(g->pipe[0], line, sizeof(line) - 1);
	*seen = *sum = 0;
	*rc = 1;
	if (n > 0)
		sscanf(line, "%u %u %d", seen, sum, rc);
	close(g->pipe[0]);
	assert_int_equal(waitpid(g->pid, status, 0), g->pid);
	itm_engine_destroy(g->e);
	itm_modsock_close(&g->ms);
	rmdir(g->dir);
}

static char *dump(struct rig *g)
{
	static char buf[4096];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	itm_engine_print_modules(g->e, f, false);
	itm_engine_print_order(g->e, f);
	fclose(f);
	return buf;
}

static void test_pass_through_sees_interest(void **state)
{
	static const int ports[] = { 53, 5353 };
	unsigned seen, sum, i, want_seen = 0, want_sum = 0;
	struct rig g;
	int rc, status;

	rig_start(&g, ACT_PASS, LIBITM_META, ports, 2);
	for (i = 0; i < 30; i++) {
		uint16_t port = (uint16_t[]){ 53, 5353, 99, 80 }[i % 4];
		uint8_t proto = i % 5 == 0 ? 6 : 17;
		struct itm_pkt *p = rig_send(&g, proto, port);

		assert_non_null(p);
		if (proto == 17 && (port == 53 || port == 5353)) {
			want_seen++;
			want_sum += port;
		}
		pkt_free(p);
	}
	assert_non_null(strstr(dump(&g), "state connected"));
	rig_stop(&g, &seen, &sum, &rc, &status);
	assert_int_equal(seen, want_seen);
	assert_int_equal(sum, want_sum);
	assert_int_equal(rc, -ECONNRESET);	/* itmd closed the registration */
}

/* An in-process module after the remote one, at the same hook. */
static uint8_t next_tos;
static uint32_t next_mark;

static uint32_t next_classify(struct itm_mod *m, struct itm_pkt *p)
{
	next_tos = p->v.outer.tos;
	next_mark = p->mark;
	return 0;
}

static const struct itm_mod_ops next_ops = {
	.id = "next", .classify = next_classify,
};

/* In a replay a process's timer runs by the packets' times, not by its
 * clock: the same calls whatever the machine's speed. Each packet's mark
 * is ticks * 100000 + the last tick's ms. A 10 ms timer: its grid starts
 * at the first packet (1000 ms); 1025 ms finds the 1010 and 1020 ticks
 * run; after a gap of 97 periods it runs once, at 2000 ms. */
static void test_replay_timer_by_trace(void **state)
{
	static const uint64_t ms[] = { 1000, 1005, 1025, 2000 };
	static const uint32_t want[] = { 0, 0, 201020, 302000 };
	unsigned seen, sum, i;
	struct itm_pkt *p;
	struct rig g;
	int rc, status;

	rig_replay = true;
	rig_start(&g, ACT_TIMER, LIBITM_META, NULL, 0);
	rig_replay = false;
	for (i = 0; i < 4; i++) {
		p = rig_send_at(&g, 17, 53, ms[i] * 1000000);
		assert_non_null(p);
		if (p->mark != want[i])
			fail_msg("packet at %" PRIu64 " ms: mark %u, expected %u",
				 ms[i], p->mark, want[i]);
		pkt_free(p);
	}
	rig_stop(&g, &seen, &sum, &rc, &status);
	assert_int_equal(seen, 4);
}

static void test_marking_reaches_output(void **state)
{
	struct itm_err err;
	struct itm_pkt *p;
	unsigned seen, sum;
	struct rig g;
	int rc, status;

	rig_start(&g, ACT_MARK, LIBITM_PACKET, NULL, 0);
	assert_int_equal(itm_engine_mod_register(g.e, &next_ops, "next",
						 ITM_HOOK_FORWARD, 5, 0, NULL,
						 &err), 0);
	p = rig_send(&g, 17, 53);
	assert_non_null(p);
	assert_int_equal(p->mark, 7);
	assert_int_equal(p->v.outer.tos, 0x10);
	assert_int_equal(itm_csum_verify(p), 0);
	assert_int_equal(next_tos, 0x10);
	assert_int_equal(next_mark, 7);
	pkt_free(p);
	assert_null(rig_send(&g, 17, 9));	/* the module's drop */
	assert_int_equal(g.e->drops[ITM_DROP_MODULE], 1);
	/* taken: gone from the path, counted apart from the drops */
	assert_null(rig_send(&g, 17, 8));
	assert_int_equal(g.e->drops[ITM_DROP_MODULE], 1);
	assert_int_equal(g.e->taken, 1);
	assert_non_null(strstr(dump(&g), "sent 3 verdicts 3 altered 1 held 3"));
	assert_non_null(strstr(dump(&g), "dropped 1 modified 1 taken 1\n"));
	assert_non_null(strstr(dump(&g), "order forward: ext next\n"));
	rig_stop(&g, &seen, &sum, &rc, &status);
	assert_int_equal(seen, 3);
}

static void test_crash_fails_open(void **state)
{
	unsigned seen, sum, i;
	struct rig g;
	int rc, status;

	child_stop_at = 3;
	rig_start(&g, ACT_CRASH, LIBITM_META, NULL, 0);
	for (i = 0; i < 10; i++) {
		struct itm_pkt *p = rig_send(&g, 17, 53);

		assert_non_null(p);
		pkt_free(p);
	}
	assert_false(g.m->enabled);
	assert_true(itm_remote_gone(g.m));
	assert_non_null(strstr(dump(&g), "state gone, exited"));
	assert_non_null(strstr(dump(&g), "failopen deadline 0 exited 1"));
	assert_int_equal(g.m->stats.interested, 3);
	rig_stop(&g, &seen, &sum, &rc, &status);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 3);
}

static void test_hang_meets_deadline(void **state)
{
	unsigned seen, sum, i;
	struct rig g;
	int rc, status;

	child_stop_at = 2;
	rig_start(&g, ACT_HANG, LIBITM_META, NULL, 0);
	assert_int_equal(itm_engine_param_set(g.e, "ext.deadline", "1s", NULL),
			 0);
	for (i = 0; i < 10; i++) {
		struct itm_pkt *p = rig_send(&g, 17, 53);

		assert_non_null(p);
		pkt_free(p);
	}
	kill(g.pid, SIGKILL);
	if (!itm_remote_gone(g.m))
		fprintf(stderr, "%s", dump(&g));
	assert_true(itm_remote_gone(g.m));
	assert_non_null(strstr(dump(&g), "failopen deadline 1 exited 0"));
	assert_int_equal(g.m->stats.interested, 2);
	rig_stop(&g, &seen, &sum, &rc, &status);
	assert_true(WIFSIGNALED(status));
}

static void test_observe_never_waits(void **state)
{
	unsigned seen, sum, i;
	struct rig g;
	int rc, status;

	rig_start(&g, ACT_PASS, LIBITM_OBSERVE, NULL, 0);
	for (i = 0; i < 100; i++) {
		struct itm_pkt *p = rig_send(&g, 17, 53);

		assert_non_null(p);
		pkt_free(p);
	}
	assert_non_null(strstr(dump(&g), "sent 100 verdicts 0"));
	rig_stop(&g, &seen, &sum, &rc, &status);
	assert_int_equal(seen, 100);
}

/* The forward path holds packets: many in flight, back in order. */
static void test_held_batch_in_order(void **state)
{
	struct itm_pkt *in[40], *out;
	unsigned seen, sum, i;
	struct rig g;
	int rc, status;

	rig_start(&g, ACT_MARK, LIBITM_PACKET, NULL, 0);
	for (i = 0; i < 40; i++) {
		in[i] = pkt_new(17, (uint16_t)(1000 + i), 53);
		itm_engine_forward(g.e, in[i], 0);
	}
	assert_true(g.e->held > 0);
	itm_engine_settle(g.e, 0, true);
	assert_int_equal(g.e->held, 0);
	for (i = 0; i < 40; i++) {
		out = itm_qdisc_dequeue(g.e->root, 0);
		assert_ptr_equal(out, in[i]);
		assert_int_equal(out->mark, 7);
		assert_int_equal(out->v.outer.sport, 1000 + i);
		pkt_free(out);
	}
	assert_non_null(strstr(dump(&g), "sent 40 verdicts 40 altered 40 held 40"));
	rig_stop(&g, &seen, &sum, &rc, &status);
	assert_int_equal(seen, 40);
}

/* New bytes: longer into the headroom, shorter; too long is ignored. */
static void test_length_changes(void **state)
{
	unsigned seen, sum;
	struct itm_pkt *p;
	struct rig g;
	uint32_t len;
	int rc, status;

	rig_start(&g, ACT_RESIZE, LIBITM_PACKET, NULL, 0);
	p = rig_send(&g, 17, 1);
	len = p->caplen;
	assert_int_equal(p->headroom, RIG_HEADROOM - 8);
	assert_int_equal(p->data[len - 1], 0xee);
	pkt_free(p);
	p = rig_send(&g, 17, 2);
	assert_int_equal(p->caplen, len - 12);
	assert_int_equal(p->data[p->caplen - 1], 0xee);
	pkt_free(p);
	p = rig_send(&g, 17, 3);
	assert_int_equal(p->caplen, len - 8);	/* unchanged */
	assert_int_not_equal(p->data[p->caplen - 1], 0xee);
	pkt_free(p);
	assert_non_null(strstr(dump(&g), "altered 2 held 3 filtered 0 ring_full 0 bad_bytes 1"));
	rig_stop(&g, &seen, &sum, &rc, &status);
	assert_int_equal(seen, 3);
}

/* A process that leaves from a callback: its later packets go on. */
static void test_unregister_in_callback(void **state)
{
	unsigned seen, sum, i;
	struct rig g;
	int rc, status;

	child_stop_at = 2;
	rig_start(&g, ACT_LEAVE, LIBITM_META, NULL, 0);
	for (i = 0; i < 5; i++) {
		struct itm_pkt *p = rig_send(&g, 17, 53);

		assert_non_null(p);
		pkt_free(p);
	}
	assert_true(itm_remote_gone(g.m));
	assert_non_null(strstr(dump(&g), "sent 3 verdicts 2"));
	assert_non_null(strstr(dump(&g), "failopen deadline 0 exited 1"));
	rig_stop(&g, &seen, &sum, &rc, &status);
	assert_int_equal(seen, 2);
	assert_int_equal(rc, 0);	/* libitm_run: nothing left registered */
}

/* Settle as itmd's loop does: woken by the module socket's eventfd. */
static void settle_woken(struct rig *g)
{
	unsigned rounds = 0;

	while (g->e->held && rounds++ < 1000) {
		struct pollfd pf = { .fd = g->ms.wake_fd, .events = POLLIN };
		eventfd_t v;

		if (poll(&pf, 1, 5000) == 1)
			eventfd_read(g->ms.wake_fd, &v);
		itm_engine_settle(g->e, 0, false);
	}
}

/* Live, with the process silent: trace time drives the proxy's timer,
 * which fails it at its deadline (the process's, live); the time reached. */
static uint64_t settle_by_timer(struct rig *g)
{
	unsigned rounds = 0;
	uint64_t t = 0;

	while (g->e->held && rounds++ < 5000) {
		t += 5 * ITM_NSEC_PER_SEC / 1000;
		itm_engine_timers(g->e, t);
		usleep(1000);
	}
	return t;
}

/* Live, itmd does not wait: the verdicts wake it through the module
 * socket's eventfd and it settles what is there, as itmd's loop does. */
static void test_live_wakeups(void **state)
{
	struct itm_pkt *in[10], *out;
	unsigned seen, sum, i;
	struct rig g;
	int rc, status;

	rig_start(&g, ACT_MARK, LIBITM_PACKET, NULL, 0);
	for (i = 0; i < 10; i++) {
		in[i] = pkt_new(17, 1000, 53);
		itm_engine_forward(g.e, in[i], 0);
	}
	settle_woken(&g);
	assert_int_equal(g.e->held, 0);
	for (i = 0; i < 10; i++) {
		out = itm_qdisc_dequeue(g.e->root, 0);
		assert_ptr_equal(out, in[i]);
		assert_int_equal(out->mark, 7);
		pkt_free(out);
	}
	assert_false(itm_remote_gone(g.m));
	rig_stop(&g, &seen, &sum, &rc, &status);
	assert_int_equal(seen, 10);
}

/* Live, a hung process is found by the proxy's timer: packets go on. */
static void test_live_deadline_by_timer(void **state)
{
	unsigned seen, sum;
	struct itm_pkt *p;
	struct rig g;
	uint64_t t;
	int rc, status;

	child_stop_at = 1;
	rig_start(&g, ACT_HANG, LIBITM_META, NULL, 0);
	assert_int_equal(itm_engine_param_set(g.e, "ext.deadline", "10ms", NULL),
			 0);
	p = pkt_new(17, 1000, 53);
	itm_engine_forward(g.e, p, 0);
	assert_int_equal(g.e->held, 1);
	t = settle_by_timer(&g);
	assert_int_equal(g.e->held, 0);
	assert_ptr_equal(itm_qdisc_dequeue(g.e->root, t), p);
	pkt_free(p);
	assert_non_null(strstr(dump(&g), "failopen deadline 1"));
	kill(g.pid, SIGKILL);
	rig_stop(&g, &seen, &sum, &rc, &status);
}

/* A hook whose backend cannot answer later (no pass callback) does not
 * hold: the proxy waits for the verdict, and a hung process costs one
 * deadline. */
static void test_single_hook_waits(void **state)
{
	struct itm_pkt *p;
	unsigned seen, sum, i;
	struct rig g;
	int rc, status;

	child_stop_at = 2;
	rig_start(&g, ACT_HANG, LIBITM_META, NULL, 0);
	assert_int_equal(itm_engine_param_set(g.e, "ext.deadline", "1s", NULL),
			 0);
	for (i = 0; i < 4; i++) {
		p = pkt_new(17, 1000, 53);
		assert_int_equal(itm_engine_hook(g.e, ITM_HOOK_FORWARD, p, 0),
				 ITM_FATE_PASS);
		pkt_free(p);
	}
	assert_int_equal(g.e->held, 0);
	assert_non_null(strstr(dump(&g), "sent 2 verdicts 1 altered 0 held 0"));
	assert_non_null(strstr(dump(&g), "failopen deadline 1 exited 0"));
	kill(g.pid, SIGKILL);
	rig_stop(&g, &seen, &sum, &rc, &status);
}

/* The same hook path applies a marking module's changes on the spot. */
static void test_single_hook_marks(void **state)
{
	struct itm_pkt *p;
	unsigned seen, sum;
	struct rig g;
	int rc, status;

	rig_start(&g, ACT_MARK, LIBITM_PACKET, NULL, 0);
	p = pkt_new(17, 1000, 53);
	assert_int_equal(itm_engine_hook(g.e, ITM_HOOK_FORWARD, p, 0),
			 ITM_FATE_PASS);
	assert_int_equal(p->mark, 7);
	assert_int_equal(p->v.outer.tos, 0x10);
	assert_int_equal(itm_csum_verify(p), 0);
	pkt_free(p);
	p = pkt_new(17, 1000, 9);
	assert_int_equal(itm_engine_hook(g.e, ITM_HOOK_FORWARD, p, 0),
			 ITM_FATE_DROPPED);
	pkt_free(p);
	rig_stop(&g, &seen, &sum, &rc, &status);
	assert_int_equal(seen, 2);
}

/* A backend that answers later (NFQUEUE: verdicts by id) collects what
 * comes back through its pass and drop callbacks. */
struct backend_seen {
	struct itm_pkt *passed[8], *dropped[8];
	unsigned n_passed, n_dropped;
};

static void seen_pass(void *ctx, struct itm_pkt *p)
{
	struct backend_seen *b = ctx;

	b->passed[b->n_passed++ % 8] = p;
}

static void seen_drop(void *ctx, struct itm_pkt *p)
{
	struct backend_seen *b = ctx;

	b->dropped[b->n_dropped++ % 8] = p;
}

/* With a pass callback the hook does not wait: the packet is held, itmd
 * goes on, and the process's answer sends it on (or drops it), with the
 * changes made. */
static void test_single_hook_holds(void **state)
{
	struct backend_seen b = { 0 };
	struct itm_pkt *p, *q;
	unsigned seen, sum;
	struct rig g;
	int rc, status;

	rig_start(&g, ACT_MARK, LIBITM_PACKET, NULL, 0);
	itm_engine_set_pass(g.e, seen_pass, &b);
	itm_engine_set_free(g.e, seen_drop, &b);
	p = pkt_new(17, 1000, 53);
	q = pkt_new(17, 1000, 9);
	assert_int_equal(itm_engine_hook(g.e, ITM_HOOK_FORWARD, p, 0), ITM_FATE_HELD);
	assert_int_equal(itm_engine_hook(g.e, ITM_HOOK_FORWARD, q, 0), ITM_FATE_HELD);
	assert_int_equal(g.e->held, 2);
	settle_woken(&g);
	assert_int_equal(g.e->held, 0);
	assert_int_equal(b.n_passed, 1);
	assert_ptr_equal(b.passed[0], p);
	assert_int_equal(p->mark, 7);
	assert_int_equal(p->v.outer.tos, 0x10);
	assert_int_equal(itm_csum_verify(p), 0);
	assert_int_equal(b.n_dropped, 1);
	assert_ptr_equal(b.dropped[0], q);
	pkt_free(p);
	pkt_free(q);
	assert_non_null(strstr(dump(&g), "sent 2 verdicts 2 altered 1 held 2"));
	rig_stop(&g, &seen, &sum, &rc, &status);
	assert_int_equal(seen, 2);
}

/* Held at a hook, a hung process is found by the proxy's timer: the
 * packet goes on unchanged through the pass callback. */
static void test_single_hook_hang_fails_open(void **state)
{
	struct backend_seen b = { 0 };
	unsigned seen, sum;
	struct itm_pkt *p;
	struct rig g;
	int rc, status;

	child_stop_at = 1;
	rig_start(&g, ACT_HANG, LIBITM_META, NULL, 0);
	itm_engine_set_pass(g.e, seen_pass, &b);
	assert_int_equal(itm_engine_param_set(g.e, "ext.deadline", "10ms", NULL), 0);
	p = pkt_new(17, 1000, 53);
	assert_int_equal(itm_engine_hook(g.e, ITM_HOOK_FORWARD, p, 0), ITM_FATE_HELD);
	settle_by_timer(&g);
	assert_int_equal(g.e->held, 0);
	assert_int_equal(b.n_passed, 1);
	assert_ptr_equal(b.passed[0], p);
	assert_int_equal(p->mark, 0);
	pkt_free(p);
	assert_non_null(strstr(dump(&g), "failopen deadline 1"));
	kill(g.pid, SIGKILL);
	rig_stop(&g, &seen, &sum, &rc, &status);
}

/* A malformed registration is refused with the reason, nothing added. */
static void test_bad_registration_refused(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct itm_wire_reply rep = { 0 };
	char dir[64], path[128];
	struct itm_modsock ms;
	struct itm_engine *e = test_engine("", TEST_START);
	struct itm_err err;
	struct itm_mod *m;
	int fd;

	assert_non_null(test_mkdtemp(dir, sizeof(dir), "itm-remote"));
	snprintf(path, sizeof(path), "%s/m.sock", dir);
	assert_int_equal(itm_modsock_open(&ms, path, &err), 0);
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	strcpy(sa.sun_path, path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(send(fd, "hello", 5, 0), 5);
	assert_int_equal(itm_modsock_accept(&ms, e, &m, &err), -EPROTO);
	assert_int_equal(recv(fd, &rep, sizeof(rep), 0), sizeof(rep));
	assert_int_equal(rep.status, -EPROTO);
	assert_non_null(strstr(rep.msg, "registration of 5 bytes"));
	assert_int_equal(e->n_mods, 0);
	close(fd);
	itm_engine_destroy(e);
	itm_modsock_close(&ms);
	rmdir(dir);
}

/* A process that dies between packets is noticed by the proxy's timer. */
static void test_idle_exit_noticed(void **state)
{
	struct itm_err err;
	struct rig g;
	uint64_t t;
	int status;

	rig_start(&g, ACT_PASS, LIBITM_META, NULL, 0);
	kill(g.pid, SIGKILL);
	assert_int_equal(waitpid(g.pid, &status, 0), g.pid);
	assert_false(itm_remote_gone(g.m));
	/* the socket is looked at within 100 ms */
	for (t = 1; t <= 20; t++)
		itm_engine_timers(g.e, t * 5 * ITM_NSEC_PER_SEC / 1000);
	assert_true(itm_remote_gone(g.m));
	assert_false(g.m->enabled);
	/* a gone entry wakes nobody any more, and the backend is told that
	 * its hook need not be queued */
	assert_true(itm_engine_timers(g.e, ITM_NSEC_PER_SEC) == UINT64_MAX);
	assert_true(g.e->mods_changed);
	assert_int_equal(itm_engine_running_hooks(g.e), 0);
	/* enabling it again would queue its hook for nobody: refused */
	memset(&err, 0, sizeof(err));
	assert_int_equal(itm_engine_mod_enable(g.e, g.m->label, true, &err),
			 -ENOTCONN);
	assert_non_null(strstr(err.msg, "its process is gone"));
	assert_false(g.m->enabled);
	assert_int_equal(itm_engine_running_hooks(g.e), 0);
	close(g.pipe[0]);
	itm_engine_destroy(g.e);
	itm_modsock_close(&g.ms);
	rmdir(g.dir);
}

/* An idle process costs itmd a look at its socket every 100 ms, not a
 * wake-up every 5 ms; a held packet brings the 5 ms deadline check back,
 * until nothing is held. */
static void test_idle_timer_slow(void **state)
{
	const uint64_t ms = ITM_NSEC_PER_SEC / 1000;
	unsigned seen, sum;
	struct itm_pkt *p;
	struct rig g;
	uint64_t t, next;
	int rc, status;

	rig_start(&g, ACT_PASS, LIBITM_META, NULL, 0);
	next = itm_engine_timers(g.e, 5 * ms);
	assert_true(next >= 105 * ms);
	assert_true(itm_engine_timers(g.e, 50 * ms) == next);
	p = pkt_new(17, 1000, 53);
	itm_engine_forward(g.e, p, 60 * ms);
	assert_int_equal(g.e->held, 1);
	assert_true(itm_engine_timers(g.e, 60 * ms) == 65 * ms);
	/* the verdict comes: nothing held, slow again */
	for (t = 65 * ms; g.e->held && t < 10000 * ms; t += 5 * ms) {
		next = itm_engine_timers(g.e, t);
		usleep(1000);
	}
	assert_int_equal(g.e->held, 0);
	assert_true(next >= t - 5 * ms + 100 * ms);
	assert_ptr_equal(itm_qdisc_dequeue(g.e->root, t), p);
	pkt_free(p);
	rig_stop(&g, &seen, &sum, &rc, &status);
}

/* A process that comes back after its entry went keeps the deadline the
 * operator set (rig_start sets 10 s) instead of the 10 ms default. */
static void test_next_life_keeps_deadline(void **state)
{
	struct rig g;
	uint64_t t;
	int status;

	rig_start(&g, ACT_PASS, LIBITM_META, NULL, 0);
	kill(g.pid, SIGKILL);
	assert_int_equal(waitpid(g.pid, &status, 0), g.pid);
	for (t = 1; t <= 20 && !itm_remote_gone(g.m); t++)
		itm_engine_timers(g.e, t * 5 * ITM_NSEC_PER_SEC / 1000);
	assert_true(itm_remote_gone(g.m));
	close(g.pipe[0]);
	rig_next_life(&g);
	assert_true(itm_remote_deadline(g.m) == 10 * ITM_NSEC_PER_SEC);
	rig_kill(&g);
}

/* A process restarted at once after a crash (a supervisor's restart), before
 * any timer looked at the old connection, takes its label back: the old
 * process is gone, so its entry is, rather than the new one refused as a
 * duplicate. Over and over, with nothing left open behind. */
static void test_next_life_at_once(void **state)
{
	struct rig g;
	int i, fds;

	rig_start(&g, ACT_PASS, LIBITM_META, NULL, 0);
	fds = test_count_fds();
	for (i = 0; i < 20; i++) {
		kill(g.pid, SIGKILL);
		assert_int_equal(waitpid(g.pid, NULL, 0), g.pid);
		close(g.pipe[0]);
		rig_next_life(&g);
		assert_int_equal(test_count_fds(), fds);
	}
	assert_non_null(strstr(dump(&g), "state connected"));
	rig_kill(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pass_through_sees_interest),
		cmocka_unit_test(test_marking_reaches_output),
		cmocka_unit_test(test_replay_timer_by_trace),
		cmocka_unit_test(test_crash_fails_open),
		cmocka_unit_test(test_hang_meets_deadline),
		cmocka_unit_test(test_observe_never_waits),
		cmocka_unit_test(test_idle_exit_noticed),
		cmocka_unit_test(test_idle_timer_slow),
		cmocka_unit_test(test_next_life_keeps_deadline),
		cmocka_unit_test(test_next_life_at_once),
		cmocka_unit_test(test_held_batch_in_order),
		cmocka_unit_test(test_single_hook_holds),
		cmocka_unit_test(test_single_hook_hang_fails_open),
		cmocka_unit_test(test_length_changes),
		cmocka_unit_test(test_unregister_in_callback),
		cmocka_unit_test(test_live_wakeups),
		cmocka_unit_test(test_live_deadline_by_timer),
		cmocka_unit_test(test_single_hook_waits),
		cmocka_unit_test(test_single_hook_marks),
		cmocka_unit_test(test_bad_registration_refused),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
