// SPDX-License-Identifier: GPL-2.0-only
/*
 * itmtun's connection pool (src/apps/itmtun/pool.c) against a listener on
 * the loopback: flows keep their connection, buckets move as little as n
 * changes allow, a full buffer drops and says so (demand), what the peer
 * reads is framed, and a connection the peer closes comes back after
 * the backoff.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "frame.h"
#include "pool.h"

#define MS 1000000ull

static struct pool pool;
static int lfd, peer[CTL_MAX], n_peer;
static uint64_t clock_ns = 1000 * MS;

static void listener(struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *a = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	*len = sizeof(*a);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_true(lfd >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)ss, *len), 0);
	assert_int_equal(listen(lfd, 64), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)ss, len), 0);
}

/* Tick (1 ms of pool time each) and accept until @up connections are up. */
static void settle(int up)
{
	int i, fd;

	for (i = 0; i < 2000 && pool_up(&pool) != up; i++) {
		clock_ns += MS;
		pool_tick(&pool, clock_ns);
		while ((fd = accept(lfd, NULL, NULL)) >= 0)
			peer[n_peer++] = fd;
		usleep(200);
	}
	assert_int_equal(pool_up(&pool), up);
}

/* Connections from @local (127.0.0.1 when NULL) to a new listener. */
static void start(const char *local)
{
	struct sockaddr_storage ss, from;
	socklen_t len;

	n_peer = 0;
	listener(&ss, &len);
	from = ss;
	((struct sockaddr_in *)&from)->sin_port = htons(7090);	/* not used */
	if (local)
		inet_pton(AF_INET, local, &((struct sockaddr_in *)&from)->sin_addr);
	pool_init(&pool, &ss, &from, len, FRAME_HDR + FRAME_PKT_MAX, 2);
	settle(2);
}

static int setup(void **state)
{
	(void)state;
	start(NULL);
	return 0;
}

/* The peer takes connections only from -p: they leave from -l, not from
 * the address the kernel would choose (127.0.0.1 here). */
static int setup_other_local(void **state)
{
	(void)state;
	start("127.0.0.2");
	return 0;
}

static void test_connects_from_local(void **state)
{
	struct sockaddr_in a;
	socklen_t len;
	int i;

	(void)state;
	assert_int_equal(n_peer, 2);
	for (i = 0; i < n_peer; i++) {
		len = sizeof(a);
		assert_int_equal(getpeername(peer[i], (struct sockaddr *)&a, &len), 0);
		assert_int_equal(ntohl(a.sin_addr.s_addr), 0x7f000002);
		assert_int_not_equal(ntohs(a.sin_port), 7090);
	}
}

static int teardown(void **state)
{
	int i;

	(void)state;
	pool_close(&pool);
	for (i = 0; i < n_peer; i++)
		close(peer[i]);
	close(lfd);
	return 0;
}

/* A 100-byte IPv4 packet */
static const uint8_t *packet(void)
{
	static uint8_t p[100] = { 0x45, 0, 0, 100 };

	return p;
}

static void send_buckets(uint32_t from, uint32_t to)
{
	uint32_t k;

	for (k = from; k < to; k++)
		assert_int_equal(pool_send(&pool, k, packet(), 100), 0);
}

static void test_buckets_spread_and_stay(void **state)
{
	uint8_t first[8];
	uint32_t k;

	(void)state;
	send_buckets(0, 8);
	assert_int_equal(pool.c[0].flows, 4);
	assert_int_equal(pool.c[1].flows, 4);
	for (k = 0; k < 8; k++)
		first[k] = pool.flow[k].conn;
	send_buckets(0, 8);			/* again: nothing moves */
	for (k = 0; k < 8; k++)
		assert_int_equal(pool.flow[k].conn, first[k]);
	assert_int_equal(pool.st.moves, 0);
	assert_int_equal(pool.st.pkts, 16);
}

static int sockopt(int fd, int level, int name)
{
	int v = -1;
	socklen_t len = sizeof(v);

	assert_int_equal(getsockopt(fd, level, name, &v, &len), 0);
	return v;
}

/* A peer that vanishes without a FIN is noticed: keepalive probes and a
 * limit on unacknowledged data close the connection. */
static void test_dead_peer_detected(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		int fd = pool.c[i].fd;

		assert_int_equal(sockopt(fd, SOL_SOCKET, SO_KEEPALIVE), 1);
		assert_int_equal(sockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT),
				 POOL_USER_TIMEOUT_MS);
		assert_true(sockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE) *
			    1000 < POOL_USER_TIMEOUT_MS);
	}
}

static void test_grow_moves_few(void **state)
{
	uint32_t k;
	int i;

	(void)state;
	send_buckets(0, 12);			/* 6 and 6 */
	pool_resize(&pool, 4);
	settle(4);
	send_buckets(0, 12);
	for (i = 0; i < 4; i++)
		assert_int_equal(pool.c[i].flows, 3);
	/* 6 + 6 -> 3 + 3 + 3 + 3: six buckets moved, no more */
	assert_int_equal(pool.st.moves, 6);
	send_buckets(0, 12);
	assert_int_equal(pool.st.moves, 6);
	for (k = 0; k < 12; k++)
		assert_true(pool.flow[k].conn < 4);
}

static void test_shrink_moves_the_closed_ones(void **state)
{
	uint8_t before[12];
	uint32_t k;

	(void)state;
	pool_resize(&pool, 3);
	settle(3);
	send_buckets(0, 12);			/* 4 on each */
	for (k = 0; k < 12; k++)
		before[k] = pool.flow[k].conn;
	pool_resize(&pool, 2);
	send_buckets(0, 12);
	for (k = 0; k < 12; k++) {
		if (before[k] < 2)
			assert_int_equal(pool.flow[k].conn, before[k]);
		else
			assert_true(pool.flow[k].conn < 2);
	}
	assert_int_equal(pool.c[0].flows + pool.c[1].flows, 12);
	assert_int_equal(pool.st.moves, 0);	/* moves counts rebalancing only */
	clock_ns += MS;
	pool_tick(&pool, clock_ns);		/* drained: closed */
	assert_int_equal(pool.c[2].fd, -1);
}

/* Rebalancing is not only for n growing: buckets moved off a failed
 * connection (not counted in moves) even out onto it when it is back. */
static void test_rebalance_when_a_conn_returns(void **state)
{
	int i;

	(void)state;
	send_buckets(0, 8);			/* 4 and 4 */
	close(peer[0]);
	peer[0] = -1;
	for (i = 0; i < 200 && pool_up(&pool) == 2; i++) {
		clock_ns += MS;
		pool_tick(&pool, clock_ns);
		usleep(200);
	}
	assert_int_equal(pool_up(&pool), 1);
	send_buckets(0, 8);			/* all on connection 1 */
	assert_int_equal(pool.c[1].flows, 8);
	assert_int_equal(pool.st.moves, 0);
	clock_ns += 100 * MS;			/* the backoff */
	settle(2);
	send_buckets(0, 8);
	assert_int_equal(pool.c[0].flows, 4);
	assert_int_equal(pool.c[1].flows, 4);
	assert_int_equal(pool.st.moves, 4);
}

/* What the peer reads from its connection @i: whole frames, counted; the
 * start of the next one stays for the next call. */
static int peer_frames(int i)
{
	static uint8_t buf[2][1 << 20];
	static size_t len[2];
	const uint8_t *pkt;
	const char *why;
	size_t plen, off = 0;
	ssize_t r;
	int n, frames = 0;

	while ((r = recv(peer[i], buf[i] + len[i], sizeof(buf[i]) - len[i],
			 MSG_DONTWAIT)) > 0)
		len[i] += (size_t)r;
	while ((n = frame_parse(buf[i] + off, len[i] - off, &pkt, &plen, &why)) > 0) {
		assert_int_equal(plen, 100);
		off += (size_t)n;
		frames++;
	}
	assert_int_equal(n, 0);
	len[i] -= off;
	memmove(buf[i], buf[i] + off, len[i]);
	return frames;
}

static void test_full_buffer_drops_and_is_demand(void **state)
{
	uint64_t acked;
	bool demand;
	int i, frames = 0, sent = 0;

	(void)state;
	assert_int_equal(pool_measure(&pool, &demand), 0);
	assert_false(demand);
	/* nobody reads: the socket fills, then the buffer */
	for (i = 0; i < 200000 && !pool.st.drops[POOL_DROP_QUEUE]; i++)
		sent += pool_send(&pool, 1, packet(), 100) == 0;
	assert_true(pool.st.drops[POOL_DROP_QUEUE] > 0);
	assert_int_equal(pool_send(&pool, 1, packet(), 100), -ENOBUFS);
	acked = pool_measure(&pool, &demand);	/* what went out so far */
	assert_true(demand);
	/* the peer reads; the buffer goes out; every frame whole */
	for (i = 0; i < 2000 && frames < sent; i++) {
		frames += peer_frames(0) + peer_frames(1);
		clock_ns += MS;
		pool_tick(&pool, clock_ns);
	}
	assert_int_equal(frames, sent);
	for (i = 0; i < 100 && acked < (uint64_t)sent * 104; i++) {
		usleep(1000);
		acked += pool_measure(&pool, &demand);
	}
	assert_int_equal(acked, (uint64_t)sent * (FRAME_HDR + 100));
}

static void test_measure_counts_acked(void **state)
{
	bool demand;
	uint64_t acked = 0;
	int i;

	(void)state;
	send_buckets(0, 10);
	for (i = 0; i < 100 && acked < 10 * (FRAME_HDR + 100); i++) {
		usleep(1000);
		acked += pool_measure(&pool, &demand);
	}
	assert_int_equal(acked, 10 * (FRAME_HDR + 100));
	assert_false(demand);
}

/* The peer closes both connections: ticks until the pool sees none up. */
static void peer_gone(void)
{
	int i;

	close(peer[0]);
	close(peer[1]);
	n_peer = 0;
	for (i = 0; i < 200 && pool_up(&pool); i++) {
		clock_ns += MS;
		pool_tick(&pool, clock_ns);
		usleep(200);
	}
	assert_int_equal(pool_up(&pool), 0);
}

static void test_peer_gone_backoff(void **state)
{
	uint64_t closed_at;

	(void)state;
	send_buckets(0, 4);
	peer_gone();
	assert_int_equal(pool.st.conn_lost, 2);
	closed_at = clock_ns;
	assert_int_equal(pool_send(&pool, 0, packet(), 100), -ENOTCONN);
	assert_int_equal(pool.st.drops[POOL_DROP_NO_CONN], 1);
	/* 100 ms of backoff before the first attempt */
	clock_ns += 50 * MS;
	pool_tick(&pool, clock_ns);
	assert_int_equal(pool.c[0].fd, -1);
	assert_int_equal(pool.c[0].retry_ns, closed_at + 100 * MS);
	clock_ns = closed_at + 100 * MS;
	settle(2);
	assert_int_equal(pool.st.connects, 4);
	send_buckets(0, 4);
}

/* The bytes buffered on a connection that fails are lost: counted. */
static void test_failed_conn_counts_lost_bytes(void **state)
{
	size_t buffered;
	int i;

	(void)state;
	for (i = 0; i < 200000 && !pool.st.drops[POOL_DROP_QUEUE]; i++)
		pool_send(&pool, 1, packet(), 100);
	buffered = pool.c[0].len + pool.c[1].len;
	assert_true(buffered > 0);
	assert_int_equal(pool.st.lost_bytes, 0);
	peer_gone();		/* unread data: a reset */
	assert_int_equal(pool.st.lost_bytes, buffered);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_buckets_spread_and_stay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connects_from_local, setup_other_local, teardown),
		cmocka_unit_test_setup_teardown(test_dead_peer_detected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_grow_moves_few, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shrink_moves_the_closed_ones, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rebalance_when_a_conn_returns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_buffer_drops_and_is_demand, setup, teardown),
		cmocka_unit_test_setup_teardown(test_measure_counts_acked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_gone_backoff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_conn_counts_lost_bytes, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
