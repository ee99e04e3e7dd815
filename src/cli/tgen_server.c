// SPDX-License-Identifier: GPL-2.0-only
/*
 * itm tgen server: answers each request with exactly the bytes it asks
 * for, at the DSCP it asks for. One thread, non-blocking sockets, epoll;
 * a connection with a bad header is closed with the reason logged and the
 * others go on. With the PIAS flag the flow's first pias_thresh bytes go
 * out at dscp and the rest at low_dscp: the switch waits until the kernel
 * has sent every byte of the first part (TCP_NOTSENT_LOWAT 1 makes EPOLLOUT
 * mean exactly that), because the TOS is read when a segment leaves, not
 * when it is written.
 */
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include <linux/sockios.h>

#include "tgen.h"
#include "tgen_net.h"

struct srv_conn {
	int fd, family;
	uint8_t hdr[TGEN_HDR_LEN];
	size_t hdr_len;
	struct tgen_req req;
	uint64_t sent, left;	/* of the current flow */
	bool high;		/* PIAS: still in the first part */
	char peer[64];
	struct srv_conn *prev, *next;	/* every open connection, for exit */
	struct srv *srv;
};

struct srv {
	int ep, lfd, sfd;
	struct srv_conn *conns_head;
	uint64_t conns, flows, bytes, rejected;
};

static uint8_t zeros[65536];

static void conn_close(struct srv_conn *c, const char *why)
{
	if (why)
		fprintf(stderr, "itm tgen: %s: %s, closing\n", c->peer, why);
	if (c->prev)
		c->prev->next = c->next;
	else
		c->srv->conns_head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	close(c->fd);
	free(c);
}

static int conn_watch(struct srv *s, struct srv_conn *c, uint32_t ev)
{
	struct epoll_event e = { .events = ev, .data.ptr = c };

	return epoll_ctl(s->ep, EPOLL_CTL_MOD, c->fd, &e);
}

static void set_lowat(struct srv_conn *c, int bytes)
{
	/* 0 gives the socket back the sysctl's default */
	setsockopt(c->fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &bytes, sizeof(bytes));
}

static void flow_begin(struct srv *s, struct srv_conn *c)
{
	c->sent = 0;
	c->left = c->req.size_bytes;
	c->high = (c->req.flags & TGEN_F_PIAS) &&
		  c->req.pias_thresh_bytes < c->req.size_bytes;
	if (c->req.flags & TGEN_F_DSCP)
		tgen_set_dscp(c->fd, c->family, c->req.dscp);
	if (c->high)
		set_lowat(c, 1);
	c->hdr_len = 0;
}

/* PIAS: at the threshold, demote once the first part has left. */
static bool pias_demote(struct srv_conn *c)
{
	int unsent = 0;

	if (ioctl(c->fd, SIOCOUTQNSD, &unsent) < 0 || unsent > 0)
		return false;
	tgen_set_dscp(c->fd, c->family, c->req.low_dscp);
	set_lowat(c, 0);
	c->high = false;
	return true;
}

static size_t chunk_len(const struct srv_conn *c)
{
	uint64_t n = c->left < sizeof(zeros) ? c->left : sizeof(zeros);

	if (c->high && c->req.pias_thresh_bytes - c->sent < n)
		n = c->req.pias_thresh_bytes - c->sent;
	return (size_t)n;
}

/* -1: close the connection; 0: wait for EPOLLOUT; 1: flow done. */
static int flow_send(struct srv *s, struct srv_conn *c)
{
	while (c->left) {
		size_t n = chunk_len(c);
		ssize_t w;

		if (n == 0 && !pias_demote(c))
			return 0;
		if (n == 0)
			continue;
		w = send(c->fd, zeros, n, MSG_NOSIGNAL);
		if (w < 0)
			return errno == EAGAIN ? 0 : -1;
		c->sent += (uint64_t)w;
		c->left -= (uint64_t)w;
		s->bytes += (uint64_t)w;
	}
	if (c->req.flags & TGEN_F_PIAS)
		set_lowat(c, 0);
	s->flows++;
	return 1;
}

/* -1: closed; 0: need more bytes; 1: a request is ready. */
static int hdr_read(struct srv *s, struct srv_conn *c)
{
	const char *why;
	ssize_t n = recv(c->fd, c->hdr + c->hdr_len,
			 TGEN_HDR_LEN - c->hdr_len, 0);

	if (n < 0 && errno == EAGAIN)
		return 0;
	if (n <= 0) {
		conn_close(c, n < 0 ? strerror(errno) : c->hdr_len ?
			   "connection ended inside a header" : NULL);
		return -1;
	}
	c->hdr_len += (size_t)n;
	if (c->hdr_len < TGEN_HDR_LEN)
		return 0;
	if (tgen_req_decode(c->hdr, c->hdr_len, &c->req, &why) < 0) {
		s->rejected++;
		conn_close(c, why);
		return -1;
	}
	return 1;
}

static void conn_event(struct srv *s, struct srv_conn *c, uint32_t ev)
{
	int r;

	if (c->left == 0) {
		r = hdr_read(s, c);
		if (r <= 0)
			return;
		flow_begin(s, c);
	}
	r = flow_send(s, c);
	if (r < 0) {
		conn_close(c, strerror(errno));
		return;
	}
	if (conn_watch(s, c, r ? EPOLLIN : EPOLLOUT) < 0)
		conn_close(c, strerror(errno));
}

static void srv_accept(struct srv *s)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct srv_conn *c;
	int fd;

	while ((fd = accept4(s->lfd, (struct sockaddr *)&ss, &len,
			     SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		struct epoll_event e = { .events = EPOLLIN };

		c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->fd = fd;
		c->family = ss.ss_family;
		c->srv = s;
		c->next = s->conns_head;
		if (c->next)
			c->next->prev = c;
		s->conns_head = c;
		tgen_addr_str(&ss, c->peer, sizeof(c->peer));
		e.data.ptr = c;
		if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &e) < 0)
			conn_close(c, strerror(errno));
		else
			s->conns++;
		len = sizeof(ss);
	}
}

static int srv_listen_addr(const struct tgen_server_opts *o,
			   struct tgen_addr *a)
{
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a->ss;
	char msg[256];

	if (o->bind_addr) {
		if (tgen_resolve(o->bind_addr, o->port, a, msg, sizeof(msg)) < 0) {
			fprintf(stderr, "itm tgen: --bind %s\n", msg);
			return -EINVAL;
		}
		return 0;
	}
	memset(a, 0, sizeof(*a));
	in6->sin6_family = AF_INET6;
	in6->sin6_addr = in6addr_any;
	in6->sin6_port = htons(o->port);
	a->len = sizeof(*in6);
	return 0;
}

static int srv_listen(const struct tgen_server_opts *o)
{
	struct tgen_addr a;
	int fd, one = 1, zero = 0;
	char buf[80];

	if (srv_listen_addr(o, &a) < 0)
		return -EINVAL;
	fd = socket(a.ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (a.ss.ss_family == AF_INET6)	/* [::] takes IPv4 too */
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (bind(fd, (struct sockaddr *)&a.ss, a.len) < 0 ||
	    listen(fd, 1024) < 0) {
		fprintf(stderr, "itm tgen: listen on %s: %s\n",
			tgen_addr_str(&a.ss, buf, sizeof(buf)), strerror(errno));
		close(fd);
		return -EADDRINUSE;
	}
	fprintf(stderr, "itm tgen: serving on %s\n",
		tgen_addr_str(&a.ss, buf, sizeof(buf)));
	return fd;
}

static int srv_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	return signalfd(-1, &set, SFD_CLOEXEC);
}

static int srv_add(int ep, int fd, void *tag)
{
	struct epoll_event e = { .events = EPOLLIN, .data.ptr = tag };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
}

static void srv_loop(struct srv *s)
{
	struct epoll_event ev[64];
	int i, n;

	for (;;) {
		n = epoll_wait(s->ep, ev, 64, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return;
		for (i = 0; i < n; i++) {
			if (ev[i].data.ptr == &s->sfd)
				return;
			if (ev[i].data.ptr == &s->lfd)
				srv_accept(s);
			else
				conn_event(s, ev[i].data.ptr, ev[i].events);
		}
	}
}

int tgen_server_run(const struct tgen_server_opts *o)
{
	struct srv s = { .ep = -1, .lfd = -1, .sfd = -1 };
	int rc = 1;

	s.lfd = srv_listen(o);
	if (s.lfd < 0)
		return s.lfd == -EINVAL ? 2 : 1;
	s.sfd = srv_signals();
	s.ep = epoll_create1(EPOLL_CLOEXEC);
	if (s.sfd < 0 || s.ep < 0 || srv_add(s.ep, s.lfd, &s.lfd) < 0 ||
	    srv_add(s.ep, s.sfd, &s.sfd) < 0) {
		perror("itm tgen: server setup");
		goto out;
	}
	srv_loop(&s);
	fprintf(stderr, "itm tgen: %" PRIu64 " connections, %" PRIu64
		" flows, %" PRIu64 " bytes sent, %" PRIu64 " bad requests\n",
		s.conns, s.flows, s.bytes, s.rejected);
	rc = 0;
	while (s.conns_head)
		conn_close(s.conns_head, NULL);
out:
	if (s.ep >= 0)
		close(s.ep);
	if (s.sfd >= 0)
		close(s.sfd);
	close(s.lfd);
	return rc;
}
