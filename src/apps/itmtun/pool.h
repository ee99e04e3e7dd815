/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * itmtun's pool of TCP connections to the peer edge: the ingress side.
 * Slots 0..n-1 carry packets. Flows are hashed into buckets and a bucket
 * keeps its connection, so a flow's packets stay in order; a bucket moves
 * when its connection goes (n shrank, or it failed), and at any time to
 * even out the load when another connection carries two buckets fewer
 * (counted in moves); its next packets may then overtake those still
 * queued on the old connection. A bucket idle for FLOW_IDLE_NS is
 * forgotten at the next pool_measure.
 * Each connection has a bounded buffer for the bytes its socket did not
 * take; a packet that does not fit is dropped, counted by cause.
 */
#ifndef ITMTUN_POOL_H
#define ITMTUN_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "ctl.h"

#define POOL_USER_TIMEOUT_MS 10000	/* unacknowledged data: the peer is gone */
#define POOL_FLOWS 4096		/* flow buckets */
#define FLOW_IDLE_NS 2000000000ull	/* a bucket without packets: forgotten */

enum pool_drop {
	POOL_DROP_QUEUE,	/* the connection's buffer was full */
	POOL_DROP_NO_CONN,	/* no connection up */
	POOL_DROP_CONN_LOST,	/* its connection failed while sending */
	POOL_DROP_MAX,
};

struct conn {
	int fd;			/* -1: none */
	bool up;		/* connected */
	uint64_t retry_ns;	/* when to connect again */
	uint64_t backoff_ns;
	uint8_t *buf;		/* bytes the socket did not take yet */
	size_t len;
	uint64_t written;	/* bytes given to the socket */
	uint64_t acked_seen;	/* written - unacknowledged, last measured */
	uint32_t flows;		/* buckets on it */
	uint32_t epoch;		/* +1 at each close: its buckets are void */
	bool blocked;		/* the socket refused bytes this interval */
};

struct pool_flow {
	uint64_t last_ns;	/* its last packet */
	uint32_t epoch;		/* its connection's when it was counted there */
	uint8_t conn;
	bool used;
};

struct pool_stats {
	uint64_t pkts, bytes;		/* framed and given to a connection */
	uint64_t drops[POOL_DROP_MAX];
	uint64_t connects, connect_fails;
	uint64_t moves;			/* buckets moved to another connection */
	uint64_t conn_lost;		/* connections that failed once up */
	uint64_t lost_bytes;		/* what they had buffered: discarded */
};

struct pool {
	struct sockaddr_storage peer;
	struct sockaddr_storage local;	/* bound before connect, port 0 */
	socklen_t peer_len;		/* and local's: the same family */
	size_t qmax;			/* buffer bytes per connection */
	int n;				/* connections in use */
	struct conn c[CTL_MAX];
	struct pool_flow flow[POOL_FLOWS];
	uint64_t acked;			/* bytes acknowledged, all connections */
	bool demand;			/* packets waited since the last measure */
	uint64_t drops_seen;
	uint64_t now;			/* the last tick's time */
	struct pool_stats st;
};

/* Connections from @local (any port) to @peer, both @len bytes long. */
void pool_init(struct pool *p, const struct sockaddr_storage *peer,
	       const struct sockaddr_storage *local, socklen_t len,
	       size_t qmax, int n);
/* Frame and send a packet of flow @key; 0 or -ENOBUFS etc. (counted). */
int pool_send(struct pool *p, uint32_t key, const uint8_t *pkt, size_t len);
/* Connect what is missing, flush buffers, notice closed connections. */
void pool_tick(struct pool *p, uint64_t now_ns);
/* Bytes acknowledged since the last call; *demand: packets waited. */
uint64_t pool_measure(struct pool *p, bool *demand);
/* Use n connections from now on: buckets move as little as they can. */
void pool_resize(struct pool *p, int n);
int pool_up(const struct pool *p);
/*
 * Notice a peer that vanished without a FIN (both sides use it): data
 * unacknowledged for POOL_USER_TIMEOUT_MS, or an idle connection whose
 * keepalive probes go unanswered (3 s idle, then 3 probes 1 s apart),
 * fails the socket.
 */
void pool_sock_dead_peer(int fd);
void pool_close(struct pool *p);
const char *pool_drop_name(enum pool_drop d);

#endif
