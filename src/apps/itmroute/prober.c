// SPDX-License-Identifier: GPL-2.0-only
/*
 * The probe side of itmroute: one UDP socket on this node's overlay
 * address and the topology's port, served from libitm's timer.
 *
 * Every interval, each path to each destination node gets a probe addressed
 * to that node; the local-out hook sends it through the relay it names.
 * The destination's itmroute answers along the same path, so a probe
 * through relay R measures self -> R -> destination -> R -> self.
 *
 * Times are the kernel's receive timestamps (SO_TIMESTAMPNS): the timer's
 * period does not add to what is measured, and the answering side
 * subtracts the time it held the probe (hold_us). Everything else runs by
 * the monotonic clock, a stamp (real-time) becoming the monotonic time it
 * was that long ago: a step of the wall clock (NTP, date) would otherwise
 * stop the probes (back) or take every path down (forward).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "itmroute.h"
#include "probe.h"

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t prober_now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

int prober_open(void)
{
	const struct topo *t = &itmroute.topo;
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(t->port),
				 .sin_addr.s_addr = t->node[t->self].addr };
	int one = 1, fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK |
				 SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	itmroute.sock = fd;
	return 0;
}

static void send_msg(const struct probe_msg *m, uint32_t to)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(itmroute.topo.port),
				 .sin_addr.s_addr = to };
	uint8_t buf[PROBE_LEN];

	probe_encode(m, buf);
	sendto(itmroute.sock, buf, sizeof(buf), 0, (struct sockaddr *)&a,
	       sizeof(a));
}

static void probe_path(const struct route *r, struct path *p, uint64_t now)
{
	const struct topo *t = &itmroute.topo;
	struct probe_msg m = {
		.type = PROBE_REQ,
		.origin = t->node[t->self].addr,
		.target = t->node[r->node].addr,
		.via = p->relay == PATH_DIRECT ? 0 : t->node[p->relay].addr,
		.sent_ns = now,
	};

	m.seq = path_probe_sent(p, &itmroute.cfg, now);
	send_msg(&m, m.target);
}

static void answer(struct probe_msg *m, uint32_t from, uint64_t rx_ns,
		   uint64_t now)
{
	const struct topo *t = &itmroute.topo;

	if (m->target != t->node[t->self].addr || m->origin != from) {
		itmroute.st.probes_bad++;
		return;
	}
	m->type = PROBE_ACK;
	m->hold_us = now > rx_ns ? (uint32_t)((now - rx_ns) / 1000) : 0;
	send_msg(m, from);
	itmroute.st.probes_answered++;
}

static struct path *route_path_via(struct route *r, uint32_t via)
{
	int relay = via ? topo_node_by_addr(&itmroute.topo, via) : PATH_DIRECT;
	int i;

	if (via && relay < 0)
		return NULL;
	for (i = 0; i < r->n_paths; i++) {
		if (r->path[i].relay == relay)
			return &r->path[i];
	}
	return NULL;
}

static void acked(const struct probe_msg *m, uint64_t rx_ns, uint64_t now)
{
	const struct topo *t = &itmroute.topo;
	int node = topo_node_by_addr(t, m->target);
	struct route *r = node >= 0 ? itmroute_route_to(node) : NULL;
	struct path *p = r ? route_path_via(r, m->via) : NULL;
	uint64_t held = (uint64_t)m->hold_us * 1000, rtt;

	if (!p || m->origin != t->node[t->self].addr) {
		itmroute.st.probes_bad++;
		return;
	}
	rtt = rx_ns > m->sent_ns + held ? rx_ns - m->sent_ns - held : 0;
	path_probe_acked(p, &itmroute.cfg, m->seq, m->sent_ns, rtt, now);
}

/* The datagram's arrival on the monotonic clock: now less the age its
 * stamp gives by the real-time clock; now without one, or when the wall
 * clock stepped back since it came. */
static uint64_t rx_time(struct msghdr *mh, uint64_t now)
{
	struct cmsghdr *c;
	struct timespec ts;
	uint64_t stamp, real;

	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
			real = clock_ns(CLOCK_REALTIME);
			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			stamp = (uint64_t)ts.tv_sec * 1000000000ull +
				(uint64_t)ts.tv_nsec;
			return real > stamp && real - stamp < now ?
			       now - (real - stamp) : now;
		}
	}
	return now;
}

/* Read every waiting datagram; false when there is none left. */
static bool receive_one(void)
{
	uint8_t buf[256], ctl[CMSG_SPACE(sizeof(struct timespec))];
	struct sockaddr_in from;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from),
			     .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	ssize_t n = recvmsg(itmroute.sock, &mh, 0);
	uint64_t now, rx_ns;
	struct probe_msg m;

	if (n < 0)
		return errno == EINTR;
	now = prober_now_ns();
	rx_ns = rx_time(&mh, now);
	if (probe_decode(&m, buf, (size_t)n) < 0) {
		itmroute.st.probes_bad++;
		return true;
	}
	if (m.type == PROBE_REQ)
		answer(&m, from.sin_addr.s_addr, rx_ns, now);
	else
		acked(&m, rx_ns, now);
	return true;
}

static void probe_all(uint64_t now)
{
	int i, j;

	for (i = 0; i < itmroute.n_routes; i++) {
		struct route *r = &itmroute.route[i];

		for (j = 0; j < r->n_paths; j++) {
			path_expire(&r->path[j], &itmroute.cfg, now);
			probe_path(r, &r->path[j], now);
		}
	}
}

void prober_tick(void)
{
	uint64_t now;
	int i;

	while (receive_one())
		;
	now = prober_now_ns();	/* not before the acknowledgements read */
	if (now >= itmroute.next_probe_ns) {
		probe_all(now);
		itmroute.next_probe_ns = now + itmroute.interval_ns;
	}
	for (i = 0; i < itmroute.n_routes; i++) {
		struct route *r = &itmroute.route[i];
		int from = r->cur;

		if (route_choose(r, &itmroute.cfg, now))
			report_switch(r, from);
	}
}
