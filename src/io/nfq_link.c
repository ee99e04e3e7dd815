// SPDX-License-Identifier: GPL-2.0-only
/*
 * The NFQUEUE backend's netlink link: a non-blocking NETLINK_NETFILTER
 * socket bound to one queue (the first free from 1000 up, unless one is
 * given), configured to copy whole packets, to hand over GSO packets
 * unsegmented unless told otherwise (nfq_link_gso), and to fail open when maxlen packets wait; a 16 MiB receive
 * buffer and no ENOBUFS reports (the kernel's own counters show losses).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <string.h>
#include <sys/socket.h>

#include "nfq_link.h"

#define NFQ_QUEUE_FIRST 1000
#define NQ_CTRL_BUF 8192	/* a configuration message and its answer */

static int link_config(struct nfq_link *l, uint32_t qnum, uint8_t cmd)
{
	char buf[NQ_CTRL_BUF];
	struct nlmsghdr *nlh = nfq_nlmsg_put(buf, NFQNL_MSG_CONFIG, qnum);
	ssize_t n;

	nlh->nlmsg_flags |= NLM_F_ACK;
	nfq_nlmsg_cfg_put_cmd(nlh, AF_UNSPEC, cmd);
	if (mnl_socket_sendto(l->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	/* netlink answers within sendmsg: the ACK (or error) is queued now */
	n = mnl_socket_recvfrom(l->nl, buf, sizeof(buf));
	if (n < 0)
		return -errno;
	return mnl_cb_run(buf, (size_t)n, 0, l->portid, NULL, NULL) < 0 ? -errno : 0;
}

/* A refusal to bind means the queue is taken (ours or another process's). */
static bool bind_refused(int r)
{
	return r == -EBUSY || r == -EPERM;
}

static int link_bind(struct nfq_link *l, uint32_t queue, struct itm_err *err)
{
	uint32_t n = queue ? queue : NFQ_QUEUE_FIRST;
	uint32_t last = queue ? queue : 65535;

	for (; n <= last; n++) {
		int r = link_config(l, n, NFQNL_CFG_CMD_BIND);

		if (r == 0) {
			l->qnum = n;
			return 0;
		}
		if (queue || !bind_refused(r))
			return itm_err_set(err, -r, "nfqueue: cannot bind queue %u: %s",
					   n, strerror(-r));
	}
	return itm_err_set(err, EBUSY, "nfqueue: no free queue from %u up",
			   NFQ_QUEUE_FIRST);
}

/* Set the queue's flags under mask; with ack, the kernel queues its
 * answer to the socket within the send. */
static int link_flags(struct nfq_link *l, uint32_t flags, uint32_t mask,
		      bool ack)
{
	char buf[NQ_CTRL_BUF];
	struct nlmsghdr *nlh = nfq_nlmsg_put(buf, NFQNL_MSG_CONFIG, l->qnum);

	if (ack)
		nlh->nlmsg_flags |= NLM_F_ACK;
	mnl_attr_put_u32(nlh, NFQA_CFG_FLAGS, htonl(flags));
	mnl_attr_put_u32(nlh, NFQA_CFG_MASK, htonl(mask));
	return mnl_socket_sendto(l->nl, nlh, nlh->nlmsg_len) < 0 ? -errno : 0;
}

int nfq_link_wake(struct nfq_link *l)
{
	return link_flags(l, 0, 0, true);	/* changes no flag */
}

int nfq_link_gso(struct nfq_link *l, bool gso)
{
	return link_flags(l, gso ? NFQA_CFG_F_GSO : 0, NFQA_CFG_F_GSO, false);
}

int nfq_link_copy(struct nfq_link *l, uint32_t range)
{
	char buf[NQ_CTRL_BUF];
	struct nlmsghdr *nlh = nfq_nlmsg_put(buf, NFQNL_MSG_CONFIG, l->qnum);

	nfq_nlmsg_cfg_put_params(nlh, NFQNL_COPY_PACKET, range);
	return mnl_socket_sendto(l->nl, nlh, nlh->nlmsg_len) < 0 ? -errno : 0;
}

static int link_params(struct nfq_link *l, uint32_t maxlen)
{
	char buf[NQ_CTRL_BUF];
	struct nlmsghdr *nlh = nfq_nlmsg_put(buf, NFQNL_MSG_CONFIG, l->qnum);
	uint32_t flags = NFQA_CFG_F_GSO | NFQA_CFG_F_FAIL_OPEN;
	int one = 1, size = 16 << 20;

	nfq_nlmsg_cfg_put_params(nlh, NFQNL_COPY_PACKET, 0xffff);
	nfq_nlmsg_cfg_put_qmaxlen(nlh, maxlen);
	mnl_attr_put_u32(nlh, NFQA_CFG_FLAGS, htonl(flags));
	mnl_attr_put_u32(nlh, NFQA_CFG_MASK, htonl(flags));
	if (mnl_socket_sendto(l->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	mnl_socket_setsockopt(l->nl, NETLINK_NO_ENOBUFS, &one, sizeof(one));
	if (setsockopt(mnl_socket_get_fd(l->nl), SOL_SOCKET, SO_RCVBUFFORCE,
		       &size, sizeof(size)) < 0)
		setsockopt(mnl_socket_get_fd(l->nl), SOL_SOCKET, SO_RCVBUF,
			   &size, sizeof(size));
	/* a batch of verdicts is one datagram, and with rewritten GSO packets
	 * in it hundreds of KB: netlink refuses a datagram larger than the
	 * send buffer (EMSGSIZE), which by default is about 208 KB */
	size = NFQ_LINK_SNDBUF;
	if (setsockopt(mnl_socket_get_fd(l->nl), SOL_SOCKET, SO_SNDBUFFORCE,
		       &size, sizeof(size)) < 0)
		setsockopt(mnl_socket_get_fd(l->nl), SOL_SOCKET, SO_SNDBUF,
			   &size, sizeof(size));
	return 0;
}

int nfq_link_open(struct nfq_link *l, uint32_t queue, uint32_t maxlen,
		  struct itm_err *err)
{
	int r;

	l->nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (!l->nl || mnl_socket_bind(l->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return itm_err_set(err, errno, "nfqueue: netlink socket: %s",
				   strerror(errno));
	l->portid = mnl_socket_get_portid(l->nl);
	r = link_bind(l, queue, err);
	if (r == 0 && (r = link_params(l, maxlen)) < 0)
		itm_err_set(err, -r, "nfqueue: queue %u: %s", l->qnum, strerror(-r));
	return r;
}

int nfq_links_open(struct nfq_link *l, unsigned count, uint32_t queue,
		   uint32_t maxlen, struct itm_err *err)
{
	uint32_t first = queue ? queue : NFQ_QUEUE_FIRST;
	unsigned i, j;
	int r = 0;

	while (first + count - 1 <= 65535) {
		for (i = 0; i < count; i++) {
			r = nfq_link_open(&l[i], first + i, maxlen, err);
			if (r < 0)
				break;
		}
		if (i == count)
			return 0;
		for (j = 0; j <= i; j++)
			nfq_link_close(&l[j]);
		if (queue || !bind_refused(r))
			return r;
		first += i + 1;	/* past the queue that is taken */
	}
	return itm_err_set(err, EBUSY, "nfqueue: no %u free queues from %u up",
			   count, NFQ_QUEUE_FIRST);
}

void nfq_link_close(struct nfq_link *l)
{
	if (!l->nl)
		return;
	if (l->qnum)
		link_config(l, l->qnum, NFQNL_CFG_CMD_UNBIND);
	mnl_socket_close(l->nl);
	l->nl = NULL;
	l->qnum = 0;
}
