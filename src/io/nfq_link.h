/* SPDX-License-Identifier: GPL-2.0-only */
/* The NFQUEUE backend's netlink socket and queue binding (nfq_link.c). */
#ifndef ITM_IO_NFQ_LINK_H
#define ITM_IO_NFQ_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include "itm/err.h"

struct mnl_socket;

/* The send buffer asked for: well above a batch of verdicts (nfqueue.c). */
#define NFQ_LINK_SNDBUF (4 << 20)

struct nfq_link {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t qnum;		/* bound queue, 0 = none */
};

/* Open, bind queue (0: the first free from 1000) and configure it. */
int nfq_link_open(struct nfq_link *l, uint32_t queue, uint32_t maxlen,
		  struct itm_err *err);
/* count links bound to the queues queue .. queue + count - 1 (queue 0:
 * the first such run of free queues from 1000); all or none open. */
int nfq_links_open(struct nfq_link *l, unsigned count, uint32_t queue,
		   uint32_t maxlen, struct itm_err *err);
void nfq_link_close(struct nfq_link *l);
/* Wake a reader blocked on the socket: an acknowledged configuration
 * message that changes nothing; its answer arrives at once. 0 or -errno. */
int nfq_link_wake(struct nfq_link *l);
/* Hand GSO packets over whole (true) or have the kernel segment them
 * before queueing (false); 0 or -errno. */
int nfq_link_gso(struct nfq_link *l, bool gso);
/* Copy the first `range` bytes of each packet (0xffff: whole packets). */
int nfq_link_copy(struct nfq_link *l, uint32_t range);

#endif
