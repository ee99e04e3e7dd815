// SPDX-License-Identifier: GPL-2.0-only
/*
 * One client connection: connect, send a request, count the answer's bytes.
 * A connection that breaks ends its flow as failed and leaves the pool;
 * persistent mode opens another when it next needs one.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "tgen_client.h"

static int conn_watch(struct cl *cl, struct cl_conn *c, int op, uint32_t ev)
{
	struct epoll_event e = { .events = ev, .data.ptr = c };

	return epoll_ctl(cl->ep, op, c->fd, &e);
}

static int conn_add(struct cl *cl, struct cl_conn *c)
{
	struct cl_conn **n;

	if (cl->n_conns == cl->conns_cap) {
		size_t cap = cl->conns_cap ? cl->conns_cap * 2 : 16;

		n = realloc(cl->conns, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		cl->conns = n;
		cl->conns_cap = cap;
	}
	cl->conns[cl->n_conns++] = c;
	return 0;
}

static int conn_socket(struct cl *cl, unsigned server)
{
	const struct tgen_addr *a = &cl->addr[server];
	int one = 1, fd;

	fd = socket(a->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0)
		return -errno;
	/* the request is one small write that must not wait for an ACK */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (cl->o->dscp >= 0)	/* requests and ACKs in the same class */
		tgen_set_dscp(fd, a->ss.ss_family, (unsigned)cl->o->dscp);
	if (connect(fd, (const struct sockaddr *)&a->ss, a->len) < 0 &&
	    errno != EINPROGRESS) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

struct cl_conn *cl_conn_open(struct cl *cl, unsigned server, uint64_t flow)
{
	struct cl_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->server = server;
	c->id = cl->next_conn_id++;
	c->state = CL_CONNECTING;
	c->flow = flow;
	c->fd = conn_socket(cl, server);
	if (c->fd < 0) {
		free(c);
		return NULL;
	}
	if (conn_watch(cl, c, EPOLL_CTL_ADD, EPOLLOUT) < 0 ||
	    conn_add(cl, c) < 0) {
		close(c->fd);
		free(c);
		return NULL;
	}
	return c;
}

void cl_conn_drop(struct cl *cl, struct cl_conn *c)
{
	size_t i;

	for (i = 0; i < cl->n_conns; i++) {
		if (cl->conns[i] == c) {
			cl->conns[i] = cl->conns[--cl->n_conns];
			break;
		}
	}
	close(c->fd);
	free(c);
}

void cl_flow_end(struct cl *cl, struct cl_conn *c, bool timed_out,
		 bool failed)
{
	struct tgen_flow *f = &cl->run.flows[c->flow];
	uint32_t retrans = c->retrans0, ooo = c->ooo0;

	tgen_tcp_counters(c->fd, &retrans, &ooo);
	f->fct_ns = tgen_now_ns() - cl->t0_ns - f->start_ns;
	f->retrans = retrans - c->retrans0;
	f->ooo = ooo - c->ooo0;
	f->timed_out = timed_out;
	f->failed = failed;
	f->done = !timed_out && !failed;
	cl->outstanding--;
	c->flow = CL_NO_FLOW;
	if (!f->done || cl->o->mode == TGEN_MODE_NEW) {
		cl_conn_drop(cl, c);
		return;
	}
	c->state = CL_IDLE;
	conn_watch(cl, c, EPOLL_CTL_MOD, EPOLLIN);
}

static void conn_send(struct cl *cl, struct cl_conn *c)
{
	ssize_t n = send(c->fd, c->req + c->req_off, TGEN_HDR_LEN - c->req_off,
			 MSG_NOSIGNAL);

	if (n < 0 && errno != EAGAIN) {
		cl_flow_end(cl, c, false, true);
		return;
	}
	if (n > 0)
		c->req_off += (size_t)n;
	conn_watch(cl, c, EPOLL_CTL_MOD,
		   c->req_off < TGEN_HDR_LEN ? EPOLLIN | EPOLLOUT : EPOLLIN);
}

void cl_conn_request(struct cl *cl, struct cl_conn *c, uint64_t flow)
{
	const struct tgen_client_opts *o = cl->o;
	const struct tgen_flow *f = &cl->run.flows[flow];
	struct tgen_req r = { .flow_id = f->id, .size_bytes = f->size_bytes };

	if (o->dscp >= 0) {
		r.flags = TGEN_F_DSCP;
		r.dscp = (uint8_t)o->dscp;
	} else if (o->pias) {
		r.flags = TGEN_F_DSCP | TGEN_F_PIAS;
		r.dscp = TGEN_PIAS_HIGH_DSCP;
		r.low_dscp = TGEN_PIAS_LOW_DSCP;
		r.pias_thresh_bytes = TGEN_PIAS_THRESH;
	}
	tgen_req_encode(&r, c->req);
	c->req_off = 0;
	c->flow = flow;
	c->state = CL_BUSY;
	tgen_tcp_counters(c->fd, &c->retrans0, &c->ooo0);
	conn_send(cl, c);
}

static void conn_connected(struct cl *cl, struct cl_conn *c)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err) {
		if (c->flow != CL_NO_FLOW) {
			cl_flow_end(cl, c, false, true);
			return;
		}
		fprintf(stderr, "itm tgen: connect to %s: %s\n",
			cl->o->servers[c->server], strerror(err ? err : errno));
		cl_conn_drop(cl, c);
		return;
	}
	if (c->flow != CL_NO_FLOW) {
		cl_conn_request(cl, c, c->flow);
		return;
	}
	c->state = CL_IDLE;
	conn_watch(cl, c, EPOLL_CTL_MOD, EPOLLIN);
}

/* Counts the answer; more bytes than asked for is a broken server. */
static void conn_recv(struct cl *cl, struct cl_conn *c)
{
	struct tgen_flow *f = &cl->run.flows[c->flow];
	ssize_t n;

	while ((n = recv(c->fd, cl->buf, sizeof(cl->buf), 0)) > 0) {
		f->rx_bytes += (uint64_t)n;
		cl->run.rx_bytes += (uint64_t)n;
	}
	if (f->rx_bytes == f->size_bytes)
		cl_flow_end(cl, c, false, false);
	else if (f->rx_bytes > f->size_bytes || n == 0 ||
		 (n < 0 && errno != EAGAIN))
		cl_flow_end(cl, c, false, true);
}

void cl_conn_event(struct cl *cl, struct cl_conn *c, uint32_t ev)
{
	if (c->state == CL_CONNECTING) {
		conn_connected(cl, c);
	} else if (c->state == CL_IDLE) {
		/* an idle connection only hears the server close it */
		cl_conn_drop(cl, c);
	} else if ((ev & EPOLLOUT) && c->req_off < TGEN_HDR_LEN) {
		conn_send(cl, c);
	} else {
		conn_recv(cl, c);
	}
}
