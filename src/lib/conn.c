// SPDX-License-Identifier: GPL-2.0-only
/*
 * libitm's side of registration: connect to itmd's module socket, send one
 * REGISTER, receive the REPLY with the memfd and the two eventfds, map the
 * rings. Closing the socket is how itmd learns that a registration ended.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "libitm_int.h"

struct libitm_state libitm_g = {
	.reg = { [0 ... LIBITM_HOOKS - 1] = { .sock = -1, .req_efd = -1,
					      .rsp_efd = -1 } },
};

uint64_t libitm_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int libitm_init(int bufsize, uint8_t mode)
{
	if (mode > LIBITM_OBSERVE)
		return -EINVAL;
	if (mode == LIBITM_PACKET &&
	    (bufsize < 1 || bufsize > LIBITM_BUFSIZE_MAX))
		return -EINVAL;
	libitm_g.mode = mode;
	libitm_g.bufsize = mode == LIBITM_PACKET ? (uint16_t)bufsize : 0;
	libitm_g.inited = true;
	libitm_g.stop = 0;
	return 0;
}

static void reg_interest(struct itm_wire_interest *w,
			 const struct libitm_interest *in)
{
	int i;

	memcpy(w->protos, in->protos, sizeof(w->protos));
	w->n_src = in->n_src;
	w->n_dst = in->n_dst;
	for (i = 0; i < LIBITM_PREFIXES; i++) {
		w->src[i].family = in->src[i].family;
		w->src[i].len = in->src[i].len;
		memcpy(w->src[i].addr, in->src[i].addr, 16);
		w->dst[i].family = in->dst[i].family;
		w->dst[i].len = in->dst[i].len;
		memcpy(w->dst[i].addr, in->dst[i].addr, 16);
	}
	w->n_sports = in->n_sports;
	w->n_dports = in->n_dports;
	memcpy(w->sports, in->sports, sizeof(w->sports));
	memcpy(w->dports, in->dports, sizeof(w->dports));
	memcpy(w->iif, in->indev, sizeof(w->iif));
	memcpy(w->oif, in->outdev, sizeof(w->oif));
}

static int reg_build(struct itm_wire_reg *m, int where,
		     const struct libitm_info *info)
{
	memset(m, 0, sizeof(*m));
	if (!info->label || strlen(info->label) >= sizeof(m->label))
		return -EINVAL;
	m->magic = ITM_WIRE_MAGIC;
	m->version = ITM_WIRE_VERSION;
	m->type = ITM_WIRE_REGISTER;
	m->hook = (uint8_t)where;
	m->mode = libitm_g.mode;
	m->bufsize = libitm_g.bufsize;
	m->prio = info->prio;
	strcpy(m->label, info->label);
	reg_interest(&m->in, &info->interest);
	return 0;
}

static int reg_connect(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *path = getenv("ITM_MODULE_SOCKET");
	int fd;

	if (!path || !*path)
		path = LIBITM_DEFAULT_SOCKET;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

/* Descriptors of a reply that is not what was asked for. */
static void reg_close_fds(struct cmsghdr *cm)
{
	size_t n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int), i;
	int fd;

	for (i = 0; i < n; i++) {
		memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(fd));
		close(fd);
	}
}

/* The REPLY and its three descriptors. */
static int reg_recv(struct libitm_reg *r, struct itm_wire_reply *rep)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(3 * sizeof(int))];
	} c;
	struct iovec iov = { rep, sizeof(*rep) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = c.buf,
			     .msg_controllen = sizeof(c.buf) };
	struct cmsghdr *cm;
	int fds[3];
	ssize_t n = recvmsg(r->sock, &mh, MSG_CMSG_CLOEXEC);

	if (n < 0)
		return -errno;
	if (n != sizeof(*rep) || rep->magic != ITM_WIRE_MAGIC ||
	    rep->type != ITM_WIRE_REPLY)
		return -EPROTO;
	if (rep->status < 0)
		return rep->status;
	cm = CMSG_FIRSTHDR(&mh);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -EPROTO;
	if (cm->cmsg_len != CMSG_LEN(sizeof(fds))) {
		reg_close_fds(cm);
		return -EPROTO;
	}
	memcpy(fds, CMSG_DATA(cm), sizeof(fds));
	r->req_efd = fds[1];
	r->rsp_efd = fds[2];
	r->shm_size = rep->shm_size;
	r->shm = mmap(NULL, rep->shm_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      fds[0], 0);
	close(fds[0]);
	if (r->shm == MAP_FAILED) {
		r->shm = NULL;
		return -errno;
	}
	return 0;
}

/* The rings must be the ones this registration asked for. */
static int reg_map(struct libitm_reg *r, const struct itm_wire_reg *m,
		   const struct itm_wire_reply *rep)
{
	struct itm_wire_layout l;

	if (itm_wire_layout(m, &l) < 0 || l.size != rep->shm_size ||
	    l.req_off != rep->req_off || l.rsp_off != rep->rsp_off)
		return -EPROTO;
	if (itm_ring_attach(&r->req, (uint8_t *)r->shm + l.req_off, l.n_slots,
			    l.req_slot) < 0 ||
	    itm_ring_attach(&r->rsp, (uint8_t *)r->shm + l.rsp_off, l.n_slots,
			    l.rsp_slot) < 0)
		return -EPROTO;
	return 0;
}

int libitm_register(int where, struct libitm_info *info)
{
	struct itm_wire_reg m;
	struct itm_wire_reply rep = { 0 };
	struct libitm_reg *r;
	ssize_t sent;
	int ret;

	if (!libitm_g.inited || !info || where < 0 || where >= LIBITM_HOOKS)
		return -EINVAL;
	r = &libitm_g.reg[where];
	if (r->used)
		return -EEXIST;
	ret = reg_build(&m, where, info);
	if (ret < 0)
		return ret;
	r->sock = reg_connect();
	if (r->sock < 0) {
		ret = r->sock;
		r->sock = -1;
		return ret;
	}
	sent = send(r->sock, &m, sizeof(m), MSG_NOSIGNAL);
	if (sent < 0)
		ret = -errno;
	else
		ret = sent == sizeof(m) ? reg_recv(r, &rep) : -EIO;
	if (ret == 0)
		ret = reg_map(r, &m, &rep);
	if (ret < 0) {
		if (rep.status < 0)
			fprintf(stderr, "libitm: %s: %.*s\n", info->label,
				(int)sizeof(rep.msg), rep.msg);
		libitm_reg_close(r);
		return ret;
	}
	r->info = info;
	r->used = true;
	if (rep.flags & ITM_WIRE_TRACE_TIME && !libitm_g.trace_time) {
		libitm_g.trace_time = true;
		libitm_g.timer_next_ns = 0;	/* starts with the trace */
	}
	return 0;
}

void libitm_reg_close(struct libitm_reg *r)
{
	if (r->shm)
		munmap(r->shm, r->shm_size);
	if (r->sock >= 0)
		close(r->sock);
	if (r->req_efd >= 0)
		close(r->req_efd);
	if (r->rsp_efd >= 0)
		close(r->rsp_efd);
	*r = (struct libitm_reg){ .sock = -1, .req_efd = -1, .rsp_efd = -1 };
}

int libitm_unregister(int where)
{
	struct libitm_reg *r;

	if (where < 0 || where >= LIBITM_HOOKS || !libitm_g.reg[where].used)
		return -ENOENT;
	r = &libitm_g.reg[where];
	/* from a callback the rings are in use: the run loop closes it */
	if (libitm_g.running)
		r->closing = true;
	else
		libitm_reg_close(r);
	return 0;
}
