// SPDX-License-Identifier: GPL-2.0-only
/*
 * The egress side of itmtun, in a thread of its own: it listens, takes
 * connections from the peer edge's address only, reads frames (untrusted:
 * frame_parse checks each) and injects each packet into the TUN device.
 * A connection whose stream breaks is closed (a byte stream cannot find
 * its next frame again), counted in bad_frames, and logged once.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frame.h"
#include "itmtun.h"

#define EGRESS_CONNS 128	/* the peer opens at most CTL_MAX */
#define EGRESS_BUF (FRAME_HDR + FRAME_PKT_MAX)

struct in_conn {
	int fd;
	size_t len;
	uint8_t *buf;
};

static struct {
	int lfd;
	struct in_conn c[EGRESS_CONNS];
	int n;
	pthread_t thread;
	int stop;		/* atomic */
} eg = { .lfd = -1 };

#define COUNT(field, v) __atomic_add_fetch(&itmtun.out.field, (v), __ATOMIC_RELAXED)

static bool same_addr(const struct sockaddr_storage *a,
		      const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		       &((const struct sockaddr_in6 *)b)->sin6_addr, 16);
}

static void egress_accept(void)
{
	struct sockaddr_storage from;
	socklen_t len = sizeof(from);
	int fd = accept4(eg.lfd, (struct sockaddr *)&from, &len,
			 SOCK_NONBLOCK | SOCK_CLOEXEC);
	uint8_t *buf;

	if (fd < 0)
		return;
	if (!same_addr(&from, &itmtun.peer) || eg.n == EGRESS_CONNS ||
	    !(buf = malloc(EGRESS_BUF))) {
		COUNT(refused, 1);
		close(fd);
		return;
	}
	pool_sock_dead_peer(fd);	/* a peer gone without a FIN frees its slot */
	eg.c[eg.n++] = (struct in_conn){ .fd = fd, .buf = buf };
	COUNT(accepted, 1);
}

static void conn_drop(int i)
{
	close(eg.c[i].fd);
	free(eg.c[i].buf);
	eg.c[i] = eg.c[--eg.n];
}

/* Inject the whole frames in @c's buffer; false when the stream broke. */
static bool conn_frames(struct in_conn *c)
{
	const uint8_t *pkt;
	const char *why;
	size_t off = 0, len;
	int n;

	while ((n = frame_parse(c->buf + off, c->len - off, &pkt, &len, &why)) > 0) {
		COUNT(frames, 1);
		COUNT(bytes, len);
		if (write(itmtun.tun_fd, pkt, len) == (ssize_t)len)
			COUNT(injected, 1);
		else
			COUNT(tun_errors, 1);
		off += (size_t)n;
	}
	if (n < 0) {
		COUNT(bad_frames, 1);
		fprintf(stderr, "itmtun: a tunnel connection sent a bad frame "
			"(%s): closed\n", why);
		return false;
	}
	c->len -= off;
	memmove(c->buf, c->buf + off, c->len);
	return true;
}

/* Read what came; false when the connection ends. */
static bool conn_read(struct in_conn *c)
{
	ssize_t r = read(c->fd, c->buf + c->len, EGRESS_BUF - c->len);

	if (r < 0)
		return errno == EAGAIN || errno == EINTR;
	if (r == 0)
		return false;
	c->len += (size_t)r;
	return conn_frames(c);
}

static void *egress_main(void *arg)
{
	struct pollfd pf[1 + EGRESS_CONNS];
	int i, n;

	(void)arg;
	while (!__atomic_load_n(&eg.stop, __ATOMIC_RELAXED)) {
		pf[0] = (struct pollfd){ .fd = eg.lfd, .events = POLLIN };
		for (i = 0; i < eg.n; i++)
			pf[1 + i] = (struct pollfd){ .fd = eg.c[i].fd, .events = POLLIN };
		n = eg.n;
		if (poll(pf, (nfds_t)(1 + n), 100) <= 0)
			continue;
		for (i = n - 1; i >= 0; i--) {
			if (pf[1 + i].revents && !conn_read(&eg.c[i]))
				conn_drop(i);
		}
		if (pf[0].revents & POLLIN)
			egress_accept();
	}
	while (eg.n)
		conn_drop(eg.n - 1);
	return NULL;
}

static int egress_listen(void)
{
	int one = 1, fd;

	fd = socket(itmtun.local.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, IPPROTO_TCP);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&itmtun.local, itmtun.local_len) < 0 ||
	    listen(fd, 64) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

int egress_start(void)
{
	sigset_t all, old;
	int r;

	eg.lfd = egress_listen();
	if (eg.lfd < 0)
		return eg.lfd;
	/* signals are the main thread's: its poll in libitm_run wakes */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	r = -pthread_create(&eg.thread, NULL, egress_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r < 0) {
		close(eg.lfd);
		eg.lfd = -1;
	}
	return r;
}

void egress_stop(void)
{
	if (eg.lfd < 0)
		return;
	__atomic_store_n(&eg.stop, 1, __ATOMIC_RELAXED);
	pthread_join(eg.thread, NULL);
	close(eg.lfd);
	eg.lfd = -1;
}
