// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ingress side's TCP connections to the peer edge (pool.h): connect
 * with backoff, frame and write packets without blocking, keep what the
 * socket refused in a bounded buffer, and measure what the peer
 * acknowledged (bytes written minus SIOCOUTQ).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "frame.h"
#include "pool.h"

#define BACKOFF_MIN_NS 100000000ull	/* 100 ms, doubling */
#define BACKOFF_MAX_NS 5000000000ull	/* to 5 s */
#define NOTSENT_LOWAT (64 * 1024)	/* unsent bytes a socket takes */
#define KEEPALIVE_IDLE_S 3		/* then a probe every INTVL_S, */
#define KEEPALIVE_INTVL_S 1		/* CNT unanswered: the peer is gone */
#define KEEPALIVE_CNT 3

static const char *const drop_names[POOL_DROP_MAX] = {
	[POOL_DROP_QUEUE] = "queue_full",
	[POOL_DROP_NO_CONN] = "no_conn",
	[POOL_DROP_CONN_LOST] = "conn_lost",
};

const char *pool_drop_name(enum pool_drop d)
{
	return d < POOL_DROP_MAX ? drop_names[d] : "unknown";
}

void pool_init(struct pool *p, const struct sockaddr_storage *peer,
	       const struct sockaddr_storage *local, socklen_t len,
	       size_t qmax, int n)
{
	int i;

	memset(p, 0, sizeof(*p));
	p->peer = *peer;
	p->local = *local;
	if (local->ss_family == AF_INET)
		((struct sockaddr_in *)&p->local)->sin_port = 0;
	else
		((struct sockaddr_in6 *)&p->local)->sin6_port = 0;
	p->peer_len = len;
	p->qmax = qmax;
	p->n = n;
	for (i = 0; i < CTL_MAX; i++)
		p->c[i].fd = -1;
}

/* What the peer acknowledged on @c since the last look. */
static uint64_t conn_acked(struct conn *c)
{
	uint64_t acked, delta;
	int outq = 0;

	if (c->fd < 0 || !c->up || ioctl(c->fd, SIOCOUTQ, &outq) < 0)
		return 0;
	acked = c->written - (uint64_t)outq;
	if (acked < c->acked_seen)
		return 0;
	delta = acked - c->acked_seen;
	c->acked_seen = acked;
	return delta;
}

/* Close @c; with @failed, connect again after a backoff. */
static void conn_close(struct pool *p, struct conn *c, bool failed,
		       uint64_t now_ns)
{
	p->acked += conn_acked(c);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	if (failed && c->up)
		p->st.conn_lost++;
	if (failed)
		p->st.lost_bytes += c->len;	/* buffered, never sent */
	c->up = false;
	c->len = 0;
	c->written = c->acked_seen = 0;
	c->flows = 0;
	c->epoch++;
	if (!failed) {
		c->backoff_ns = 0;
		c->retry_ns = 0;
		return;
	}
	c->backoff_ns = c->backoff_ns ? c->backoff_ns * 2 : BACKOFF_MIN_NS;
	if (c->backoff_ns > BACKOFF_MAX_NS)
		c->backoff_ns = BACKOFF_MAX_NS;
	c->retry_ns = now_ns + c->backoff_ns;
}

static void conn_start(struct pool *p, struct conn *c, uint64_t now_ns)
{
	int one = 1, lowat = NOTSENT_LOWAT;

	if (!c->buf) {
		c->buf = malloc(p->qmax);
		if (!c->buf)
			return;
	}
	c->fd = socket(p->peer.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
		       SOCK_CLOEXEC, IPPROTO_TCP);
	if (c->fd < 0) {
		conn_close(p, c, true, now_ns);
		return;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(c->fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &lowat, sizeof(lowat));
	pool_sock_dead_peer(c->fd);
	/* from -l: the peer takes connections only from there */
	if (bind(c->fd, (const struct sockaddr *)&p->local, p->peer_len) < 0 ||
	    (connect(c->fd, (const struct sockaddr *)&p->peer, p->peer_len) < 0 &&
	     errno != EINPROGRESS)) {
		p->st.connect_fails++;
		conn_close(p, c, true, now_ns);
	}
}

/* A connecting socket is done: up, or failed. */
static void conn_connected(struct pool *p, struct conn *c, uint64_t now_ns)
{
	int err = 0;
	socklen_t len = sizeof(err);

	getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
	if (err) {
		p->st.connect_fails++;
		conn_close(p, c, true, now_ns);
		return;
	}
	c->up = true;
	c->backoff_ns = 0;
	p->st.connects++;
}

/* Send what @c buffered; false when the connection failed. */
static bool conn_flush(struct pool *p, struct conn *c, uint64_t now_ns)
{
	ssize_t w;

	if (!c->len)
		return true;
	w = send(c->fd, c->buf, c->len, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
		c->blocked = true;
		return true;
	}
	if (w < 0) {
		conn_close(p, c, true, now_ns);
		return false;
	}
	c->written += (uint64_t)w;
	c->len -= (size_t)w;
	memmove(c->buf, c->buf + w, c->len);
	c->blocked |= c->len > 0;
	return true;
}

/* The peer never sends: a readable connection was closed or reset. */
static void conn_check(struct pool *p, struct conn *c, short revents,
		       uint64_t now_ns)
{
	char b[64];

	if (!c->up) {
		if (revents & (POLLOUT | POLLERR | POLLHUP))
			conn_connected(p, c, now_ns);
		return;
	}
	if (revents & (POLLERR | POLLHUP) ||
	    (revents & POLLIN && recv(c->fd, b, sizeof(b), MSG_DONTWAIT) <= 0)) {
		conn_close(p, c, true, now_ns);
		return;
	}
	conn_flush(p, c, now_ns);
}

void pool_tick(struct pool *p, uint64_t now_ns)
{
	struct pollfd pf[CTL_MAX];
	int idx[CTL_MAX], n = 0, i;

	p->now = now_ns;
	for (i = 0; i < CTL_MAX; i++) {
		struct conn *c = &p->c[i];

		if (i >= p->n && c->fd >= 0 && !c->len)
			conn_close(p, c, false, now_ns);	/* drained */
		if (i < p->n && c->fd < 0 && now_ns >= c->retry_ns)
			conn_start(p, c, now_ns);
		if (c->fd < 0)
			continue;
		pf[n] = (struct pollfd){ .fd = c->fd,
			.events = c->up ? POLLIN : POLLOUT };
		idx[n++] = i;
	}
	if (n && poll(pf, (nfds_t)n, 0) < 0)
		return;
	for (i = 0; i < n; i++)
		conn_check(p, &p->c[idx[i]], pf[i].revents, now_ns);
}

static bool usable(const struct pool *p, int i)
{
	return i < p->n && p->c[i].up;
}

/* Whether bucket @f is counted in its connection's flows. */
static bool counted(const struct pool *p, const struct pool_flow *f)
{
	return f->used && f->epoch == p->c[f->conn].epoch;
}

static void bucket_drop(struct pool *p, struct pool_flow *f)
{
	if (counted(p, f))
		p->c[f->conn].flows--;
	f->used = false;
}

static int least_used(const struct pool *p)
{
	int i, best = -1;

	for (i = 0; i < p->n; i++) {
		if (usable(p, i) && (best < 0 || p->c[i].flows < p->c[best].flows))
			best = i;
	}
	return best;
}

/* The connection of flow @key: its bucket's, or the least used one. */
static int flow_conn(struct pool *p, uint32_t key)
{
	struct pool_flow *f = &p->flow[key % POOL_FLOWS];
	int best = least_used(p);
	bool stays = counted(p, f) && usable(p, f->conn);

	if (best < 0)
		return -1;
	if (stays && p->c[f->conn].flows <= p->c[best].flows + 1) {
		f->last_ns = p->now;
		return f->conn;
	}
	p->st.moves += stays;
	bucket_drop(p, f);
	*f = (struct pool_flow){ .last_ns = p->now, .epoch = p->c[best].epoch,
				 .conn = (uint8_t)best, .used = true };
	p->c[best].flows++;
	return best;
}

/* Forget the buckets that had no packet for FLOW_IDLE_NS. */
static void buckets_expire(struct pool *p)
{
	size_t i;

	for (i = 0; i < POOL_FLOWS; i++) {
		struct pool_flow *f = &p->flow[i];

		if (f->used && f->last_ns + FLOW_IDLE_NS < p->now)
			bucket_drop(p, f);
	}
}

/* Write header and packet; what the socket refuses goes to the buffer. */
static int conn_write(struct pool *p, struct conn *c, const uint8_t *hdr,
		      const uint8_t *pkt, size_t len)
{
	struct iovec iov[2] = {
		{ .iov_base = (void *)hdr, .iov_len = FRAME_HDR },
		{ .iov_base = (void *)pkt, .iov_len = len },
	};
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = 2 };
	size_t total = FRAME_HDR + len, done = 0;
	ssize_t w;

	if (c->len + total > p->qmax && c->len)
		return -ENOBUFS;
	if (!c->len) {
		w = sendmsg(c->fd, &m, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && errno != EAGAIN && errno != EINTR)
			return -ECONNRESET;
		done = w > 0 ? (size_t)w : 0;
		c->written += done;
	}
	if (done == total)
		return 0;
	c->blocked = true;
	if (done < FRAME_HDR)
		memcpy(c->buf + c->len, hdr + done, FRAME_HDR - done);
	c->len += done < FRAME_HDR ? FRAME_HDR - done : 0;
	done = done > FRAME_HDR ? done - FRAME_HDR : 0;
	memcpy(c->buf + c->len, pkt + done, len - done);
	c->len += len - done;
	return 0;
}

int pool_send(struct pool *p, uint32_t key, const uint8_t *pkt, size_t len)
{
	uint8_t hdr[FRAME_HDR];
	int i = flow_conn(p, key), r;

	if (frame_header(hdr, len) < 0)
		return -EMSGSIZE;
	if (i < 0) {
		p->st.drops[POOL_DROP_NO_CONN]++;
		return -ENOTCONN;
	}
	r = conn_write(p, &p->c[i], hdr, pkt, len);
	if (r == -ENOBUFS) {
		p->st.drops[POOL_DROP_QUEUE]++;
		return r;
	}
	if (r < 0) {
		p->st.drops[POOL_DROP_CONN_LOST]++;
		conn_close(p, &p->c[i], true, p->now);
		return r;
	}
	p->st.pkts++;
	p->st.bytes += len;
	return 0;
}

uint64_t pool_measure(struct pool *p, bool *demand)
{
	uint64_t acked = p->acked, drops = p->st.drops[POOL_DROP_QUEUE];
	int i;

	buckets_expire(p);
	*demand = drops != p->drops_seen;
	p->drops_seen = drops;
	p->acked = 0;
	for (i = 0; i < CTL_MAX; i++) {
		acked += conn_acked(&p->c[i]);
		*demand |= p->c[i].blocked;
		p->c[i].blocked = false;
	}
	return acked;
}

void pool_resize(struct pool *p, int n)
{
	p->n = n;
}

int pool_up(const struct pool *p)
{
	int i, n = 0;

	for (i = 0; i < p->n; i++)
		n += p->c[i].up;
	return n;
}

void pool_close(struct pool *p)
{
	int i;

	for (i = 0; i < CTL_MAX; i++) {
		if (p->c[i].fd >= 0)
			close(p->c[i].fd);
		free(p->c[i].buf);
		p->c[i].fd = -1;
		p->c[i].buf = NULL;
	}
}

void pool_sock_dead_peer(int fd)
{
	int one = 1, idle = KEEPALIVE_IDLE_S, intvl = KEEPALIVE_INTVL_S,
	    cnt = KEEPALIVE_CNT, user = POOL_USER_TIMEOUT_MS;

	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
	setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user, sizeof(user));
}
