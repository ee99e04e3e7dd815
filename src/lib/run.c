// SPDX-License-Identifier: GPL-2.0-only
/*
 * libitm_run: take requests off each registration's ring in batches, call
 * the callbacks, put verdicts on the other ring, and wake itmd only when it
 * sleeps. When there is nothing to do the loop spins a little (a busy itmd
 * sends again within microseconds, and a system call costs more), then
 * sleeps in poll() on the eventfds, the sockets (itmd going away) and the
 * timer.
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "libitm_int.h"

#define RUN_SPINS 20000		/* empty passes before sleeping */
#define RUN_YIELD 64		/* passes between yields of the CPU */
#define RUN_TIMER_CATCHUP 64	/* trace time: runs owed before skipping */

void libitm_packet_altered(void)
{
	libitm_g.altered = true;
}

int libitm_register_timer(void (*fn)(unsigned long), int timeout_ms)
{
	if (fn && timeout_ms < 1)
		return -EINVAL;
	libitm_g.timer_fn = fn;
	libitm_g.timer_period_ns = fn ? (uint64_t)timeout_ms * 1000000u : 0;
	libitm_g.timer_next_ns = fn && !libitm_g.trace_time ?
				 libitm_now_ns() + libitm_g.timer_period_ns : 0;
	return 0;
}

/*
 * In a replay the timer runs by the trace's time, before the first packet
 * at or past each period's end, as in-process timers do: deterministic.
 * The grid starts at the first packet; after a gap of more than
 * RUN_TIMER_CATCHUP periods it runs once and resumes on its grid.
 */
static void trace_timer(uint64_t ts)
{
	uint64_t step = libitm_g.timer_period_ns, missed;

	if (!libitm_g.timer_fn)
		return;
	if (!libitm_g.timer_next_ns)
		libitm_g.timer_next_ns = ts + step;
	if (ts < libitm_g.timer_next_ns)
		return;
	missed = (ts - libitm_g.timer_next_ns) / step;
	if (missed > RUN_TIMER_CATCHUP)
		libitm_g.timer_next_ns += missed * step;
	while (libitm_g.timer_fn && libitm_g.timer_next_ns <= ts) {
		uint64_t at = libitm_g.timer_next_ns;

		libitm_g.timer_next_ns += step;
		libitm_g.timer_fn((unsigned long)(at / 1000000u));
	}
}

static void pkt_from_wire(struct libitm_pkt *p, const struct itm_wire_pkt *w,
			  uint8_t *data)
{
	*p = (struct libitm_pkt){
		.seq = w->seq, .ts_ns = w->ts_ns, .hook = w->hook,
		.family = w->family, .proto = w->proto, .tos = w->tos,
		.tcp_flags = w->tcp_flags, .sport = w->sport,
		.dport = w->dport, .len = w->wirelen, .iif = w->iif,
		.oif = w->oif, .link = w->link, .mark = w->mark,
		.classid = w->classid, .full_len = w->full_len,
	};
	memcpy(p->src, w->src, 16);
	memcpy(p->dst, w->dst, 16);
	if (libitm_g.mode == LIBITM_PACKET) {
		p->data = data;
		p->caplen = w->caplen < libitm_g.bufsize ? w->caplen :
							   libitm_g.bufsize;
	}
}

/* The callbacks in the in-process order; returns the verdict code. */
static uint8_t pkt_run(const struct libitm_info *in, struct libitm_pkt *p,
		       uint32_t *cls)
{
	int v = LIBITM_ACCEPT;

	libitm_g.altered = false;
	*cls = in->classify ? in->classify(p) : 0;
	if (in->log)
		in->log(p, *cls);
	if (*cls && in->process)
		v = in->process(p, *cls);
	if (in->class_update)
		in->class_update(p, *cls);
	if (in->ctl_update)
		in->ctl_update(p->ts_ns);
	if (v == LIBITM_DROP)
		return ITM_WIRE_DROP;
	return v == LIBITM_TAKEN ? ITM_WIRE_TAKEN : ITM_WIRE_ACCEPT;
}

static void pkt_serve(struct libitm_reg *r, uint32_t at, uint32_t vat)
{
	struct itm_wire_pkt *w = itm_ring_slot(&r->req, at);
	struct itm_wire_verdict *v;
	struct libitm_pkt p;
	uint32_t cls;
	uint8_t code;

	pkt_from_wire(&p, w, (uint8_t *)(w + 1));
	if (libitm_g.trace_time)
		trace_timer(p.ts_ns);
	code = pkt_run(r->info, &p, &cls);
	if (libitm_g.mode == LIBITM_OBSERVE)
		return;
	v = itm_ring_slot(&r->rsp, vat);
	*v = (struct itm_wire_verdict){ .seq = p.seq, .cls = cls,
		.mark = p.mark, .classid = p.classid, .verdict = code };
	if (libitm_g.altered && p.data && p.caplen <= libitm_g.bufsize) {
		memcpy(v + 1, p.data, p.caplen);
		v->caplen = p.caplen;
		v->flags = ITM_WIRE_ALTERED;
	}
}

/* One batch of one registration: packets served, or -EPROTO. */
static int reg_serve(struct libitm_reg *r)
{
	bool observe = libitm_g.mode == LIBITM_OBSERVE;
	uint32_t at, vat = 0, i;
	int n = itm_ring_peek(&r->req, &at), room;

	if (n <= 0)
		return n;
	if (!observe) {
		room = itm_ring_reserve(&r->rsp, &vat);
		if (room < 0)
			return room;
		n = n < room ? n : room;
	}
	for (i = 0; i < (uint32_t)n && !libitm_g.stop && !r->closing; i++)
		pkt_serve(r, at + i, vat + i);
	itm_ring_release(&r->req, i);
	if (!observe && i) {
		itm_ring_commit(&r->rsp, i);
		if (itm_ring_needs_wake(&r->rsp))
			eventfd_write(r->rsp_efd, 1);
	}
	return (int)i;
}

static void run_timer(void)
{
	uint64_t now;

	if (!libitm_g.timer_fn || libitm_g.trace_time)
		return;
	now = libitm_now_ns();
	if (now < libitm_g.timer_next_ns)
		return;
	libitm_g.timer_fn((unsigned long)(now / 1000000u));
	libitm_g.timer_next_ns = now + libitm_g.timer_period_ns;
}

static int run_timeout_ms(void)
{
	uint64_t now;

	if (!libitm_g.timer_fn || libitm_g.trace_time)
		return -1;
	now = libitm_now_ns();
	if (now >= libitm_g.timer_next_ns)
		return 0;
	return (int)((libitm_g.timer_next_ns - now + 999999u) / 1000000u);
}

/*
 * Sleep until a request, itmd going away, the timer or a signal. itmd
 * going away sets *gone: the loop still serves what is on the rings.
 */
static int run_sleep(bool *gone)
{
	struct pollfd pf[2 * LIBITM_HOOKS];
	int n = 0, i;

	for (i = 0; i < LIBITM_HOOKS; i++) {
		struct libitm_reg *r = &libitm_g.reg[i];

		if (!r->used)
			continue;
		if (itm_ring_prepare_sleep(&r->req))
			return 0;
		pf[n++] = (struct pollfd){ .fd = r->req_efd, .events = POLLIN };
		pf[n++] = (struct pollfd){ .fd = r->sock, .events = POLLIN };
	}
	if (poll(pf, (nfds_t)n, run_timeout_ms()) < 0 && errno != EINTR)
		return -errno;
	for (i = 0; i < n; i++) {
		eventfd_t v;

		if ((i & 1) && pf[i].revents)
			*gone = true;	/* itmd sends nothing else */
		if (pf[i].revents & POLLIN)
			eventfd_read(pf[i].fd, &v);
	}
	for (i = 0; i < LIBITM_HOOKS; i++) {
		if (libitm_g.reg[i].used)
			itm_ring_awake(&libitm_g.reg[i].req);
	}
	return 0;
}

/* One pass over every registration: packets served, or -errno. */
static int run_pass(void)
{
	int total = 0, i, n;

	for (i = 0; i < LIBITM_HOOKS; i++) {
		struct libitm_reg *r = &libitm_g.reg[i];

		if (!r->used)
			continue;
		n = reg_serve(r);
		if (r->closing)
			libitm_reg_close(r);
		if (n < 0)
			return n;
		total += n;
	}
	return total;
}

static void on_signal(int sig)
{
	(void)sig;
	libitm_g.stop = 1;
}

static bool run_registered(void)
{
	int i;

	for (i = 0; i < LIBITM_HOOKS; i++) {
		if (libitm_g.reg[i].used)
			return true;
	}
	return false;
}

/* Until stopped, or nothing is left registered. */
static int run_loop(void)
{
	bool gone = false;
	unsigned idle = 0;
	int n = 0;

	while (!libitm_g.stop && run_registered()) {
		run_timer();
		n = run_pass();
		if (n < 0)
			return n;
		if (n > 0) {
			idle = 0;
			continue;
		}
		if (gone)
			return -ECONNRESET;
		/* itmd may share our CPU: let it run now and then */
		if (++idle % RUN_YIELD == 0)
			sched_yield();
		if (idle < RUN_SPINS)
			continue;
		idle = 0;
		n = run_sleep(&gone);
		if (n < 0)
			return n;
	}
	return 0;
}

int libitm_run(void)
{
	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
	int r, i;

	if (!libitm_g.inited)
		return -EINVAL;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	libitm_g.running = true;
	r = run_loop();
	libitm_g.running = false;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	for (i = 0; i < LIBITM_HOOKS; i++) {
		if (libitm_g.reg[i].used)
			libitm_reg_close(&libitm_g.reg[i]);
	}
	return r;
}

void libitm_stop(void)
{
	int i;

	libitm_g.stop = 1;
	if (libitm_g.running)
		return;
	for (i = 0; i < LIBITM_HOOKS; i++) {
		if (libitm_g.reg[i].used)
			libitm_reg_close(&libitm_g.reg[i]);
	}
}
