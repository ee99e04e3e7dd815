/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The verdicts of one NFQUEUE queue on their way to the kernel (nfq_out.c).
 *
 * Verdicts are decided under the engine's lock, by whichever thread holds
 * it, and appended here in that order; they are sent after the lock is
 * released, because sending is where the kernel does the expensive part
 * (an accepted packet continues its path inside the sendmsg). One thread
 * at a time sends a queue's verdicts, oldest first, so a queue's verdicts
 * reach the kernel in the order they were decided.
 */
#ifndef ITM_IO_NFQ_OUT_H
#define ITM_IO_NFQ_OUT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "itm/err.h"
#include "itm/live.h"
#include "itm/pkt.h"

struct mnl_socket;

#define NFQ_OUT_PEND_MAX 256

struct nfq_msgs {
	uint8_t *data;
	size_t len, cap;
};

struct nfq_out {
	struct mnl_socket *nl;
	uint32_t qnum;
	pthread_mutex_t fill_lock;	/* fill: appends and the swap */
	pthread_mutex_t send_lock;	/* one sender at a time */
	struct nfq_msgs fill, out;
	uint32_t pend[NFQ_OUT_PEND_MAX];	/* plain accepts not put yet */
	uint32_t npend;
	uint64_t batched;		/* accepts sent as part of a batch */
	uint64_t split;			/* datagrams refused whole (atomic) */
	uint64_t errors;		/* verdicts the kernel refused (atomic) */
	struct itm_live_loglimit log_room, log_send;	/* errors' lines */
};

int nfq_out_init(struct nfq_out *o, struct mnl_socket *nl, uint32_t qnum,
		 struct itm_err *err);
void nfq_out_fini(struct nfq_out *o);

/*
 * Under the engine's lock. Plain accepts wait in pend (nfq_out_accept) and
 * become one batch verdict for the highest id if, when they are put out,
 * the caller says no lower id of the queue is undecided (`may_batch`:
 * the engine holds none of its packets), otherwise one verdict each.
 * nfq_out_put puts them out first, then its own verdict for id (with p,
 * the packet's new bytes): a batch must not cover id.
 */
void nfq_out_accept(struct nfq_out *o, uint32_t id, bool may_batch);
void nfq_out_put(struct nfq_out *o, uint32_t id, int verdict,
		 const struct itm_pkt *p, bool may_batch);
void nfq_out_pending(struct nfq_out *o, bool may_batch);

/* Outside the engine's lock: send what was decided. If another thread is
 * sending this queue's verdicts, it sends these too. */
void nfq_out_send(struct nfq_out *o);

#endif
