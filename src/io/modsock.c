// SPDX-License-Identifier: GPL-2.0-only
/*
 * The module socket: where libitm processes register (doc/libitm.md).
 *
 * A Unix SOCK_SEQPACKET socket, mode 0600, whose peers are checked like the
 * control socket's: only root and itmd's own user. One registration per
 * connection: REGISTER in, REPLY out with the memfd (sized, then sealed so
 * the process cannot shrink it under itmd) and two eventfds. The socket then
 * stays open only to tell each side when the other is gone.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "itm/remote.h"
#include "lib/ring.h"
#include "lib/wire.h"

#define MODSOCK_TIMEOUT_MS 200

int itm_modsock_open(struct itm_modsock *ms, const char *path,
		     struct itm_err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	ms->fd = -1;
	ms->wake_fd = -1;
	if (strlen(path) >= sizeof(sa.sun_path))
		return itm_err_tok(err, path, ENAMETOOLONG,
				   "module socket path too long");
	strcpy(sa.sun_path, path);
	snprintf(ms->path, sizeof(ms->path), "%s", path);
	ms->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK,
			0);
	if (ms->fd < 0)
		return itm_err_set(err, errno, "socket: %s", strerror(errno));
	unlink(path);
	if (bind(ms->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(path, 0600) < 0 || listen(ms->fd, 16) < 0) {
		int e = errno;

		close(ms->fd);
		ms->fd = -1;
		return itm_err_set(err, e, "module socket %s: %s", path,
				   strerror(e));
	}
	ms->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (ms->wake_fd < 0) {
		int e = errno;

		itm_modsock_close(ms);
		return itm_err_set(err, e, "eventfd: %s", strerror(e));
	}
	return 0;
}

void itm_modsock_close(struct itm_modsock *ms)
{
	if (ms->wake_fd >= 0)
		close(ms->wake_fd);
	ms->wake_fd = -1;
	if (ms->fd < 0)
		return;
	close(ms->fd);
	unlink(ms->path);
	ms->fd = -1;
}

static void modsock_reply(int fd, const struct itm_wire_reply *rep,
			  const int *fds, int n_fds)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(3 * sizeof(int))];
	} c;
	struct iovec iov = { (void *)rep, sizeof(*rep) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;

	if (n_fds) {
		memset(&c, 0, sizeof(c));
		mh.msg_control = c.buf;
		mh.msg_controllen = CMSG_SPACE((size_t)n_fds * sizeof(int));
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN((size_t)n_fds * sizeof(int));
		memcpy(CMSG_DATA(cm), fds, (size_t)n_fds * sizeof(int));
	}
	sendmsg(fd, &mh, MSG_NOSIGNAL);
}

static void modsock_refuse(int fd, int code, const char *msg)
{
	struct itm_wire_reply rep = {
		.magic = ITM_WIRE_MAGIC, .version = ITM_WIRE_VERSION,
		.type = ITM_WIRE_REPLY, .status = -code,
	};

	snprintf(rep.msg, sizeof(rep.msg), "%.*s", (int)sizeof(rep.msg) - 1, msg);
	modsock_reply(fd, &rep, NULL, 0);
}

/* The sealed memfd with both rings initialised, mapped at c->shm. */
static int modsock_rings(const struct itm_wire_layout *l,
			 struct itm_remote_conn *c, int *memfd)
{
	int fd = memfd_create("itm-module", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	struct itm_ring ring;	/* the proxy takes its own handles */

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, l->size) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0)
		goto err_close;
	c->shm = mmap(NULL, l->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (c->shm == MAP_FAILED) {
		c->shm = NULL;
		goto err_close;
	}
	c->shm_size = l->size;
	itm_ring_init(&ring, (uint8_t *)c->shm + l->req_off, l->n_slots,
		      l->req_slot);
	itm_ring_init(&ring, (uint8_t *)c->shm + l->rsp_off, l->n_slots,
		      l->rsp_slot);
	*memfd = fd;
	return 0;
err_close:
	close(fd);
	return -errno;
}

static int modsock_recv(int fd, struct itm_wire_reg *reg, char *msg,
			size_t msg_len)
{
	uint8_t buf[sizeof(*reg) + 1];
	ssize_t n = recv(fd, buf, sizeof(buf), 0);

	if (n < 0) {
		snprintf(msg, msg_len, "no registration: %s", strerror(errno));
		return -errno;
	}
	return itm_wire_reg_decode(buf, (size_t)n, reg, msg, msg_len);
}

static void modsock_timeouts(int fd)
{
	struct timeval tv = { 0, MODSOCK_TIMEOUT_MS * 1000 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* Rings, eventfds and the proxy for one checked registration. */
static int modsock_register(struct itm_modsock *ms, struct itm_engine *e,
			    int fd,
			    const struct itm_wire_reg *reg,
			    const struct ucred *cr, struct itm_mod **out,
			    struct itm_err *err)
{
	struct itm_remote_conn c = { .sock = fd, .req_efd = -1, .rsp_efd = -1,
				     .pid = cr->pid, .uid = cr->uid };
	struct itm_wire_reply rep = {
		.magic = ITM_WIRE_MAGIC, .version = ITM_WIRE_VERSION,
		.type = ITM_WIRE_REPLY,
	};
	struct itm_wire_layout l;
	int fds[3] = { -1, -1, -1 }, r;
	uint64_t deadline = 0;

	if (itm_wire_layout(reg, &l) < 0)
		return itm_err_set(err, E2BIG, "rings over %u bytes",
				   ITM_WIRE_SHM_MAX);
	/* a gone module's entry gives its label and its deadline to the
	 * process's next life, also when its exit is not yet noticed */
	*out = itm_engine_mod_find(e, reg->label);
	if (*out && itm_mod_is_remote(*out) && itm_remote_exited(*out)) {
		deadline = itm_remote_deadline(*out);
		itm_engine_mod_del(e, reg->label, NULL);
	}
	r = itm_engine_mod_register(e, &itm_mod_remote, reg->label,
				    (enum itm_hook)reg->hook, reg->prio, 0,
				    NULL, err);
	if (r < 0)
		return r;
	*out = itm_engine_mod_find(e, reg->label);
	if (deadline)
		itm_remote_set_deadline(*out, deadline);
	c.req_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	/* one eventfd wakes itmd for every process's verdicts */
	c.rsp_efd = fcntl(ms->wake_fd, F_DUPFD_CLOEXEC, 0);
	r = c.req_efd < 0 || c.rsp_efd < 0 ? -errno : modsock_rings(&l, &c, &fds[0]);
	if (r == 0)
		r = itm_remote_attach(*out, reg, &c, err);
	else
		itm_err_set(err, -r, "rings: %s", strerror(-r));
	if (r < 0) {
		if (c.req_efd >= 0)
			close(c.req_efd);
		if (c.rsp_efd >= 0)
			close(c.rsp_efd);
		if (fds[0] >= 0)
			close(fds[0]);
		if (c.shm)
			munmap(c.shm, c.shm_size);
		itm_engine_mod_del(e, reg->label, NULL);
		return r;
	}
	rep.shm_size = l.size;
	rep.req_off = l.req_off;
	rep.rsp_off = l.rsp_off;
	/* a replay (reproducible keys) runs on the trace's clock */
	rep.flags = e->seeded ? ITM_WIRE_TRACE_TIME : 0;
	fds[1] = c.req_efd;
	fds[2] = c.rsp_efd;
	modsock_reply(fd, &rep, fds, 3);
	close(fds[0]);
	return 0;
}

int itm_modsock_accept(struct itm_modsock *ms, struct itm_engine *e,
		       struct itm_mod **out, struct itm_err *err)
{
	socklen_t len = sizeof(struct ucred);
	struct itm_wire_reg reg;
	struct ucred cr;
	char msg[128] = "";
	int fd = accept4(ms->fd, NULL, NULL, SOCK_CLOEXEC), r;

	if (fd < 0)
		return itm_err_set(err, errno, "accept: %s", strerror(errno));
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0 ||
	    (cr.uid != 0 && cr.uid != geteuid())) {
		modsock_refuse(fd, EPERM, "only root and itmd's user may register");
		close(fd);
		return itm_err_set(err, EPERM, "module socket: refused uid %u",
				   (unsigned)cr.uid);
	}
	modsock_timeouts(fd);
	r = modsock_recv(fd, &reg, msg, sizeof(msg));
	if (r == 0)
		r = modsock_register(ms, e, fd, &reg, &cr, out, err);
	else
		itm_err_set(err, -r, "module registration: %s", msg);
	if (r < 0) {
		modsock_refuse(fd, -r, msg[0] ? msg : err->msg);
		close(fd);
	}
	return r;
}
