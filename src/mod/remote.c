// SPDX-License-Identifier: GPL-2.0-only
/*
 * remote: the proxy for a module running in its own process (libitm).
 *
 * Principles:
 * - The proxy sits in the chains like any module; the engine has already
 *   applied the coarse interest filter (ports as a range), the proxy checks
 *   the exact port lists, and only then does the packet cross.
 * - Requests go out one ring slot each; the wake-up (an eventfd write) is
 *   paid only when the process sleeps, so a busy process costs no system
 *   call per packet.
 * - Inline modes wait for the one verdict in flight: a short spin (a busy
 *   process answers within microseconds), then ppoll on the verdict eventfd
 *   and the socket until `deadline`. Observe mode never waits.
 * - Fail-open: whatever goes wrong (deadline, exit, garbage) the packet
 *   continues unchanged, the cause is counted, and the module is
 *   unregistered at once: disabled in the chains, connection closed. Its
 *   entry stays so that `module list` shows what happened; `module del`
 *   removes it.
 * - Nothing the process writes is trusted: ring indexes, sequence numbers
 *   and lengths are checked before use, and the shared memory is sealed
 *   against shrinking (no SIGBUS in itmd).
 */
#include <inttypes.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "itm/remote.h"
#include "lib/ring.h"
#include "lib/wire.h"

#define REMOTE_SPINS 4000	/* empty looks at the ring before sleeping */
#define REMOTE_YIELD 64		/* looks between yields of the CPU */
#define REMOTE_WHOLE_PACKETS 1280	/* bufsize that asks for whole packets */
/* the timer: held packets' deadlines; an idle process's exit */
#define REMOTE_TICK_NS (5 * ITM_NSEC_PER_SEC / 1000)
#define REMOTE_IDLE_NS (100 * ITM_NSEC_PER_SEC / 1000)

enum remote_cause {
	REMOTE_DEADLINE,	/* no verdict within the deadline */
	REMOTE_EXITED,		/* the socket closed: crash or exit */
	REMOTE_PROTOCOL,	/* bad index, sequence or length */
	REMOTE_CAUSES,
};

static const char *const remote_cause_names[REMOTE_CAUSES] = {
	"deadline", "exited", "protocol",
};

struct remote_stats {
	uint64_t sent;		/* requests that crossed */
	uint64_t verdicts;	/* answers applied */
	uint64_t altered;	/* answers with new bytes */
	uint64_t filtered;	/* port lists refused them: did not cross */
	uint64_t ring_full;	/* could not cross: passed unchanged */
	uint64_t bad_bytes;	/* new bytes that did not fit: ignored */
	uint64_t held;		/* held, the chain resuming on the verdict */
	uint64_t failopen[REMOTE_CAUSES];	/* in flight when it failed */
	uint64_t after_gone;	/* offered after unregistration */
};

struct remote {
	uint64_t deadline_ns;	/* attribute: first in the private area */
	struct itm_remote_conn c;
	pid_t pid;		/* kept for `module list` after it is gone */
	struct itm_ring req, rsp;	/* handles: geometry kept here */
	uint8_t mode;
	uint16_t bufsize;
	bool gone;
	enum remote_cause why;
	uint64_t seq;
	enum itm_verdict verdict;	/* from classify, for process */
	/* packets held for their verdicts, in request order (a FIFO) */
	struct itm_pkt **held;
	uint64_t *held_due;	/* monotonic time each one's deadline ends */
	uint32_t held_cap, held_head, n_held;
	unsigned timer_runs;
	uint8_t n_sports, n_dports;
	uint16_t sports[ITM_WIRE_PORTS], dports[ITM_WIRE_PORTS];
	struct remote_stats st;
};

static const struct itm_attr remote_attrs[] = {
	{ .name = "deadline", .type = ITM_ATTR_TIME,
	  .off = offsetof(struct remote, deadline_ns), .min = 100000,
	  .max = 10000000000ull, .def = 10000000,
	  .flags = ITM_ATTR_WRITABLE,
	  .help = "longest wait for a verdict before failing open and unregistering" },
	ITM_ATTR_END,
};

static const char *const remote_mode_names[] = { "meta", "packet", "observe" };

static uint64_t remote_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * ITM_NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

static void remote_close(struct remote *r)
{
	if (r->c.shm)
		munmap(r->c.shm, r->c.shm_size);
	if (r->c.sock >= 0)
		close(r->c.sock);
	if (r->c.req_efd >= 0)
		close(r->c.req_efd);
	if (r->c.rsp_efd >= 0)
		close(r->c.rsp_efd);
	r->c = (struct itm_remote_conn){ .sock = -1, .req_efd = -1,
					 .rsp_efd = -1 };
	r->req = r->rsp = (struct itm_ring){ 0 };
}

static struct itm_pkt *held_pop(struct remote *r)
{
	struct itm_pkt *p = r->held[r->held_head];

	r->held_head = (r->held_head + 1) % r->held_cap;
	r->n_held--;
	return p;
}

/* Every held packet goes on unchanged (or, as the engine goes away, back
 * to its backend), counted under why. */
static void remote_release(struct itm_mod *m, enum remote_cause why)
{
	struct remote *r = itm_mod_priv(m);

	while (r->n_held) {
		r->st.failopen[why]++;
		itm_engine_resume(m->eng, held_pop(r), ITM_ACCEPT, m->eng->now);
	}
}

/* Unregister: out of the chains for good, the connection closed, what it
 * held sent on. */
static void remote_fail(struct itm_mod *m, enum remote_cause why)
{
	struct remote *r = itm_mod_priv(m);

	if (r->gone)
		return;
	r->gone = true;
	r->why = why;
	m->enabled = false;
	m->eng->mods_changed = true;	/* its hook need not be queued */
	itm_mod_set_timer(m, 0);	/* nothing to look at any more */
	remote_close(r);
	remote_release(m, why);
}

static bool port_listed(const uint16_t *list, uint8_t n, uint16_t port)
{
	uint8_t i;

	if (!n)
		return true;
	for (i = 0; i < n; i++) {
		if (list[i] == port)
			return true;
	}
	return false;
}

static void remote_fill(struct remote *r, struct itm_wire_pkt *w,
			const struct itm_pkt *p, enum itm_hook hook)
{
	const struct itm_l3 *l3 = &p->v.outer;

	*w = (struct itm_wire_pkt){
		.seq = ++r->seq, .ts_ns = p->ts_ns, .wirelen = itm_pkt_len(p),
		.full_len = p->caplen, .iif = p->iif, .oif = p->oif,
		.mark = p->mark, .classid = p->classid, .link = p->link,
		.hook = (uint8_t)hook, .tos = l3->tos,
		.tcp_flags = l3->tcp_flags,
	};
	if (itm_l3_has(l3, ITM_HAVE_IP)) {
		w->family = l3->family;
		memcpy(w->src, l3->src, 16);
		memcpy(w->dst, l3->dst, 16);
	}
	if (itm_l3_has(l3, ITM_HAVE_PROTO))
		w->proto = l3->proto;
	if (itm_l3_has(l3, ITM_HAVE_PORTS)) {
		w->sport = l3->sport;
		w->dport = l3->dport;
	}
	if (r->mode == ITM_WIRE_PACKET) {
		w->caplen = p->caplen < r->bufsize ? p->caplen : r->bufsize;
		memcpy(w + 1, p->data, w->caplen);
	}
}

/* Put p on the request ring: 0, -ENOSPC (full) or -EPROTO. */
static int remote_send(struct itm_mod *m, struct remote *r,
		       const struct itm_pkt *p)
{
	uint32_t at;
	int room = itm_ring_reserve(&r->req, &at);

	if (room < 0)
		return room;
	if (room == 0)
		return -ENOSPC;
	remote_fill(r, itm_ring_slot(&r->req, at), p, m->hook);
	itm_ring_commit(&r->req, 1);
	r->st.sent++;
	if (itm_ring_needs_wake(&r->req))
		eventfd_write(r->c.req_efd, 1);
	return 0;
}

/* New bytes from the process: same length, shorter, or longer into the
 * headroom; a truncated copy only at its own length. */
static bool remote_take_bytes(struct remote *r, struct itm_pkt *p,
			      const struct itm_wire_verdict *v,
			      const uint8_t *bytes)
{
	uint32_t sent = p->caplen < r->bufsize ? p->caplen : r->bufsize;
	uint32_t len = v->caplen;

	if (len > r->bufsize || (sent < p->caplen && len != sent))
		return false;
	if (sent < p->caplen) {		/* the head changed, the rest stays */
		memcpy(p->data, bytes, len);
		return true;
	}
	if (len > p->caplen && !itm_pkt_push(p, len - p->caplen))
		return false;
	if (len < p->caplen) {
		uint32_t cut = p->caplen - len;

		p->wirelen = p->wirelen > cut ? p->wirelen - cut : len;
		p->caplen = len;
	}
	memcpy(p->data, bytes, len);
	return true;
}

/* Apply one verdict; returns the class the process gave. */
static uint32_t remote_apply(struct remote *r, struct itm_pkt *p,
			     const struct itm_wire_verdict *v,
			     const uint8_t *bytes)
{
	r->st.verdicts++;
	p->mark = v->mark;
	p->classid = v->classid;
	if (v->verdict == ITM_WIRE_DROP)
		r->verdict = ITM_DROP;
	else if (v->verdict == ITM_WIRE_TAKEN)
		r->verdict = ITM_TAKEN;
	if ((v->flags & ITM_WIRE_ALTERED) && r->mode == ITM_WIRE_PACKET) {
		if (remote_take_bytes(r, p, v, bytes)) {
			r->st.altered++;
			if (r->verdict == ITM_ACCEPT)
				r->verdict = ITM_MODIFIED;
		} else {
			r->st.bad_bytes++;
		}
	}
	/* process() must run to hand the engine a drop or a change */
	if (!v->cls && r->verdict != ITM_ACCEPT)
		return 1;
	return v->cls;
}

/*
 * Sleep until the verdict eventfd, the socket or the deadline. The eventfd
 * is the module socket's, shared by all processes: reading it here may
 * take another proxy's wake-up, which its next settle or 5 ms timer makes
 * good; this proxy looks at its own ring whatever woke it.
 */
static int remote_sleep(struct remote *r, uint64_t deadline)
{
	struct pollfd pf[2] = {
		{ .fd = r->c.rsp_efd, .events = POLLIN },
		{ .fd = r->c.sock, .events = POLLIN },
	};
	uint64_t now = remote_now(), left;
	struct timespec ts;
	eventfd_t val;
	uint32_t at;

	if (now >= deadline)
		return -ETIMEDOUT;
	left = deadline - now;
	ts.tv_sec = (time_t)(left / ITM_NSEC_PER_SEC);
	ts.tv_nsec = (long)(left % ITM_NSEC_PER_SEC);
	if (itm_ring_prepare_sleep(&r->rsp))
		return 0;
	ppoll(pf, 2, &ts, NULL);
	itm_ring_awake(&r->rsp);
	if (pf[0].revents & POLLIN)
		eventfd_read(r->c.rsp_efd, &val);
	/* a process may answer, then leave: take the answer first */
	if (pf[1].revents && itm_ring_peek(&r->rsp, &at) == 0)
		return -ECONNRESET;
	return 0;
}

/*
 * The verdict for request seq, if it has come: 1 and the packet changed as
 * the process said (r->verdict and *cls set), 0 if not yet, -1 if the
 * process broke the protocol.
 */
static int remote_take(struct remote *r, struct itm_pkt *p, uint64_t seq,
		       uint32_t *cls)
{
	const struct itm_wire_verdict *v;
	struct itm_wire_verdict copy;
	uint32_t at;
	int n = itm_ring_peek(&r->rsp, &at);

	if (n <= 0)
		return n < 0 ? -1 : 0;
	v = itm_ring_slot(&r->rsp, at);
	/* one copy of the header: the process cannot change it under us */
	copy = *v;
	if (copy.seq != seq || copy.verdict > ITM_WIRE_TAKEN ||
	    (copy.flags & ITM_WIRE_ALTERED && copy.caplen > r->bufsize))
		return -1;
	r->verdict = ITM_ACCEPT;
	*cls = remote_apply(r, p, &copy, (const uint8_t *)(v + 1));
	itm_ring_release(&r->rsp, 1);
	return 1;
}

/*
 * Wait for the verdict of request seq until the monotonic time due: a
 * spin first (a busy process answers within microseconds), then sleeps.
 * Returns the class, or -1 and *why.
 */
static int64_t remote_wait(struct remote *r, struct itm_pkt *p, uint64_t seq,
			   uint64_t due, enum remote_cause *why)
{
	unsigned spins = 0;
	uint32_t cls;
	int n, s;

	for (;;) {
		n = remote_take(r, p, seq, &cls);
		if (n > 0)
			return cls;
		if (n < 0) {
			*why = REMOTE_PROTOCOL;
			return -1;
		}
		/* the process may share our CPU: let it run now and then */
		if (++spins % REMOTE_YIELD == 0)
			sched_yield();
		if (spins < REMOTE_SPINS)
			continue;
		s = remote_sleep(r, due);
		if (s < 0) {
			*why = s == -ETIMEDOUT ? REMOTE_DEADLINE : REMOTE_EXITED;
			return -1;
		}
	}
}

/* Hold p until its verdict comes (settle); false if there is no room. */
static bool remote_hold(struct remote *r, struct itm_pkt *p)
{
	uint32_t tail;

	if (r->n_held == r->held_cap)
		return false;
	tail = (r->held_head + r->n_held) % r->held_cap;
	r->held[tail] = p;
	r->held_due[tail] = remote_now() + r->deadline_ns;
	r->n_held++;
	r->st.held++;
	return true;
}

/*
 * Without waiting: 1 if the oldest held packet's verdict is in, 0 if not
 * (the process is then asked to wake itmd through the module socket's
 * eventfd when it answers), -1 and *why if the module failed.
 */
static int remote_poll(struct remote *r, uint64_t seq, enum remote_cause *why)
{
	uint32_t cls;
	int n;

	for (;;) {
		n = remote_take(r, r->held[r->held_head], seq, &cls);
		if (n != 0) {
			*why = REMOTE_PROTOCOL;
			return n;
		}
		if (remote_now() > r->held_due[r->held_head]) {
			*why = REMOTE_DEADLINE;
			return -1;
		}
		if (!itm_ring_prepare_sleep(&r->rsp))
			return 0;	/* still nothing: the wake-up is armed */
	}
}

/*
 * Give back held packets whose verdicts came, in request order: with wait,
 * every one, waiting for each until its deadline; without, only what is
 * there, a missed deadline failing the module.
 */
static void remote_settle(struct itm_mod *m, uint64_t now, bool wait)
{
	struct remote *r = itm_mod_priv(m);
	enum remote_cause why;
	uint64_t seq;
	int64_t n;

	if (r->gone || !r->n_held)
		return;
	itm_ring_awake(&r->rsp);
	while (r->n_held) {
		seq = r->seq - r->n_held + 1;
		n = wait ? remote_wait(r, r->held[r->held_head], seq,
				       r->held_due[r->held_head], &why) :
			   remote_poll(r, seq, &why);
		if (n < 0) {
			remote_fail(m, why);
			return;
		}
		if (!wait && n == 0)
			return;
		itm_engine_resume(m->eng, held_pop(r), r->verdict, now);
	}
}

/* The packet crosses: 0, or -1 when it cannot (counted) and goes on. */
static int remote_cross(struct itm_mod *m, struct remote *r,
			const struct itm_pkt *p, bool hold)
{
	int s;

	if (hold && r->n_held == r->held_cap) {
		r->st.ring_full++;
		return -1;
	}
	s = remote_send(m, r, p);
	if (s == -ENOSPC)
		r->st.ring_full++;
	if (s == -EPROTO) {
		r->st.failopen[REMOTE_PROTOCOL]++;
		remote_fail(m, REMOTE_PROTOCOL);
	}
	return s < 0 ? -1 : 0;
}

/* Without a path that can resume the packet (a live hook): wait for it. */
static uint32_t remote_inline(struct itm_mod *m, struct remote *r,
			      struct itm_pkt *p)
{
	enum remote_cause why;
	int64_t got;

	got = remote_wait(r, p, r->seq, remote_now() + r->deadline_ns, &why);
	if (got >= 0)
		return (uint32_t)got;
	r->st.failopen[why]++;
	remote_fail(m, why);
	return 0;
}

static uint32_t remote_classify(struct itm_mod *m, struct itm_pkt *p)
{
	struct remote *r = itm_mod_priv(m);
	const struct itm_l3 *l3 = &p->v.outer;
	bool hold = r->mode != ITM_WIRE_OBSERVE && itm_mod_may_hold(m);

	r->verdict = ITM_ACCEPT;
	if (r->gone) {
		r->st.after_gone++;
		return 0;
	}
	if (!port_listed(r->sports, r->n_sports, l3->sport) ||
	    !port_listed(r->dports, r->n_dports, l3->dport)) {
		r->st.filtered++;
		return 0;
	}
	/* verdicts come in request order: older held ones first */
	if (!hold && r->n_held)
		remote_settle(m, m->eng->now, true);
	if (r->gone || remote_cross(m, r, p, hold) < 0 ||
	    r->mode == ITM_WIRE_OBSERVE)
		return 0;
	if (!hold)
		return remote_inline(m, r, p);
	remote_hold(r, p);
	if (m->timer_ns != REMOTE_TICK_NS)
		itm_mod_set_timer(m, REMOTE_TICK_NS);
	r->verdict = ITM_HELD;
	return 1;
}

static enum itm_verdict remote_process(struct itm_mod *m, struct itm_pkt *p,
				       uint32_t cls)
{
	return ((struct remote *)itm_mod_priv(m))->verdict;
}

/*
 * Live, a held packet's deadline is checked here, every 5 ms while packets
 * are held, and a process that exits is noticed: its socket becomes
 * readable (it sends nothing after registering), looked at every 100 ms.
 * With nothing held the timer runs only every 100 ms, so an idle itmd
 * sleeps.
 */
static void remote_timer(struct itm_mod *m, uint64_t now_ns)
{
	struct remote *r = itm_mod_priv(m);

	if (r->gone)
		return;
	remote_settle(m, now_ns, false);
	if (r->n_held && ++r->timer_runs % 20)
		return;
	if (!itm_remote_exited(m) && !r->n_held)
		itm_mod_set_timer(m, REMOTE_IDLE_NS);
}

static int remote_init(struct itm_mod *m, struct itm_err *err)
{
	struct remote *r = itm_mod_priv(m);

	r->c = (struct itm_remote_conn){ .sock = -1, .req_efd = -1,
					 .rsp_efd = -1 };
	r->gone = true;		/* until attached */
	r->why = REMOTE_EXITED;
	return 0;
}

static void remote_fini(struct itm_mod *m)
{
	struct remote *r = itm_mod_priv(m);

	remote_close(r);
	remote_release(m, REMOTE_EXITED);
	free(r->held);
	free(r->held_due);
}

static void remote_dump(struct itm_mod *m, FILE *f, bool json)
{
	struct remote *r = itm_mod_priv(m);
	const struct remote_stats *s = &r->st;
	const char *state = r->gone ? remote_cause_names[r->why] : "connected";

	if (json) {
		fprintf(f, "{\"pid\":%d,\"mode\":\"%s\",\"state\":\"%s\","
			"\"sent\":%" PRIu64 ",\"verdicts\":%" PRIu64
			",\"altered\":%" PRIu64 ",\"held\":%" PRIu64
			",\"filtered\":%" PRIu64
			",\"ring_full\":%" PRIu64 ",\"bad_bytes\":%" PRIu64
			",\"failopen_deadline\":%" PRIu64
			",\"failopen_exited\":%" PRIu64
			",\"failopen_protocol\":%" PRIu64
			",\"after_gone\":%" PRIu64 "}", (int)r->pid,
			remote_mode_names[r->mode], state, s->sent,
			s->verdicts, s->altered, s->held, s->filtered, s->ring_full,
			s->bad_bytes, s->failopen[0], s->failopen[1],
			s->failopen[2], s->after_gone);
		return;
	}
	/* no pid in text: replay output stays the same from run to run */
	fprintf(f, "  mode %s state %s%s\n"
		"  sent %" PRIu64 " verdicts %" PRIu64 " altered %" PRIu64
		" held %" PRIu64 " filtered %" PRIu64 " ring_full %" PRIu64 " bad_bytes %" PRIu64
		"\n  failopen deadline %" PRIu64 " exited %" PRIu64
		" protocol %" PRIu64 " after_gone %" PRIu64 "\n",
		remote_mode_names[r->mode], r->gone ? "gone, " : "", state, s->sent, s->verdicts,
		s->altered, s->held, s->filtered, s->ring_full, s->bad_bytes,
		s->failopen[0], s->failopen[1], s->failopen[2], s->after_gone);
}

static void remote_interest(struct itm_interest *in, struct remote *r,
			    const struct itm_wire_interest *w)
{
	unsigned i;

	memcpy(in->protos, w->protos, sizeof(in->protos));
	for (i = 0; i < w->n_src; i++) {
		in->src[i].family = w->src[i].family;
		in->src[i].len = w->src[i].len;
		memcpy(in->src[i].addr, w->src[i].addr, 16);
	}
	for (i = 0; i < w->n_dst; i++) {
		in->dst[i].family = w->dst[i].family;
		in->dst[i].len = w->dst[i].len;
		memcpy(in->dst[i].addr, w->dst[i].addr, 16);
	}
	in->n_src = w->n_src;
	in->n_dst = w->n_dst;
	/* the engine filters on the span, the proxy on the list */
	for (i = 0; i < w->n_sports; i++) {
		if (!in->sport_hi || w->sports[i] < in->sport_lo)
			in->sport_lo = w->sports[i];
		if (w->sports[i] > in->sport_hi)
			in->sport_hi = w->sports[i];
	}
	for (i = 0; i < w->n_dports; i++) {
		if (!in->dport_hi || w->dports[i] < in->dport_lo)
			in->dport_lo = w->dports[i];
		if (w->dports[i] > in->dport_hi)
			in->dport_hi = w->dports[i];
	}
	r->n_sports = w->n_sports;
	r->n_dports = w->n_dports;
	memcpy(r->sports, w->sports, sizeof(r->sports));
	memcpy(r->dports, w->dports, sizeof(r->dports));
	memcpy(in->iif, w->iif, sizeof(in->iif));
	memcpy(in->oif, w->oif, sizeof(in->oif));
}

int itm_remote_attach(struct itm_mod *m, const struct itm_wire_reg *reg,
		      struct itm_remote_conn *c, struct itm_err *err)
{
	struct remote *r = itm_mod_priv(m);
	struct itm_wire_layout l;

	if (m->ops != &itm_mod_remote || itm_wire_layout(reg, &l) < 0 ||
	    c->shm_size != l.size)
		return itm_err_set(err, EINVAL, "not a remote module's rings");
	r->held_cap = 2 * l.n_slots;	/* both rings full */
	r->held = calloc(r->held_cap, sizeof(*r->held));
	r->held_due = calloc(r->held_cap, sizeof(*r->held_due));
	if (!r->held || !r->held_due) {
		free(r->held);
		free(r->held_due);
		r->held = NULL;
		r->held_due = NULL;
		return itm_err_set(err, ENOMEM, "out of memory");
	}
	r->c = *c;
	r->pid = c->pid;
	/* the geometry is ours, from the layout: never read back */
	itm_ring_attach(&r->req, (uint8_t *)c->shm + l.req_off, l.n_slots,
			l.req_slot);
	itm_ring_attach(&r->rsp, (uint8_t *)c->shm + l.rsp_off, l.n_slots,
			l.rsp_slot);
	r->mode = reg->mode;
	r->bufsize = reg->bufsize;
	/* a process that asks for whole packets (a buffer of at least the
	 * smallest IPv6 MTU) may grow them, and a 64 KB GSO packet would not
	 * fit its buffer anyway: it gets them segmented */
	if (r->mode == ITM_WIRE_PACKET && r->bufsize >= REMOTE_WHOLE_PACKETS)
		m->needs |= ITM_MOD_NEED_SEGMENTS;
	remote_interest(&m->interest, r, &reg->in);
	r->gone = false;
	return 0;
}

bool itm_mod_is_remote(const struct itm_mod *m)
{
	return m->ops == &itm_mod_remote;
}

bool itm_remote_gone(const struct itm_mod *m)
{
	return ((const struct remote *)(const void *)m->priv)->gone;
}

bool itm_remote_exited(struct itm_mod *m)
{
	struct remote *r = itm_mod_priv(m);
	struct pollfd pf = { .fd = r->c.sock, .events = POLLIN };

	if (!r->gone && poll(&pf, 1, 0) > 0)
		remote_fail(m, REMOTE_EXITED);
	return r->gone;
}

uint64_t itm_remote_deadline(const struct itm_mod *m)
{
	return ((const struct remote *)(const void *)m->priv)->deadline_ns;
}

void itm_remote_set_deadline(struct itm_mod *m, uint64_t ns)
{
	((struct remote *)(void *)m->priv)->deadline_ns = ns;
}


const struct itm_mod_ops itm_mod_remote = {
	.id = "remote",
	.help = "a module in its own process, registered through libitm",
	.priv_size = sizeof(struct remote),
	.attrs = remote_attrs,
	.default_hook = ITM_HOOK_FORWARD,
	.init = remote_init,
	.fini = remote_fini,
	.classify = remote_classify,
	.process = remote_process,
	.dump = remote_dump,
	.settle = remote_settle,
	.timer_ns = REMOTE_TICK_NS,
	.timer = remote_timer,
};
