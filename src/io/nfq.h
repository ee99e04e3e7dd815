/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The NFQUEUE backend's insides, shared by nfqueue.c (the backend: its
 * configuration, verdicts, open, close) and nfq_in.c (packets in: reading
 * a queue, in itmd's loop or in the queue's own thread).
 */
#ifndef ITM_IO_NFQ_H
#define ITM_IO_NFQ_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "itm/backend.h"
#include "itm/live.h"
#include "nfq_link.h"
#include "nfq_out.h"
#include "nfq_rules.h"

#define NFQ_BURST 32
#define NFQ_BUF (65536 + 4096)		/* one GSO packet and its headers */
/* Copied when nothing rewrites packets: two IPv6 headers and a TCP header
 * with every option (140 bytes: a tunnelled flow's inner ports) and room
 * for an extension header. Each copied byte was last written by the CPU
 * that queued the packet, so the copy misses the cache: 192 bytes instead
 * of 512 gave ~4 % more goodput with offloads off, on average over six
 * alternating runs (less than the runs' own spread). */
#define NFQ_HEADERS 192
#define NQ_QUEUES_MAX 8

struct nq_pkt {
	struct itm_pkt p;
	uint32_t id;
	uint8_t qi;			/* index of its queue in nq.qs */
	uint8_t data[];
};

enum nq_release { NFQ_DROP, NFQ_ACCEPT, NFQ_MOVE };

/* One queue: its netlink socket, its verdicts, its reader. */
struct nq_queue {
	struct nfq_link link;
	struct nfq_out out;
	uint8_t *rx;			/* NFQ_BURST x NFQ_BUF */
	struct itm_backend *b;
	uint8_t qi;
	uint64_t received;		/* packets read from this queue */
	bool out_ready;			/* out initialised */
	bool thread_on;
	pthread_t thread;
};

struct nq {
	char dev[ITM_ATTR_IFNAME_LEN];
	uint32_t port, queue, maxlen, nqueues, spread;
	struct nq_queue qs[NQ_QUEUES_MAX];
	struct nfq_rules rules;
	unsigned hooks;
	bool gso_whole;			/* GSO packets reach us unsegmented */
	bool copy_whole;		/* whole packets, not NFQ_HEADERS bytes */
	bool threads;			/* a reader thread per queue */
	bool stop;			/* the readers end (atomic) */
	struct itm_live *live;
	enum nq_release release;	/* what a drop callback does */
	struct itm_engine *move_to;	/* NFQ_MOVE: the new engine */
	uint64_t received, accepted, dropped, modified, released, gso, errors;
	uint64_t unsent;		/* rewrites of header-only copies not sent */
	uint64_t taken;			/* a module took them (ITM_TAKEN): NF_DROP */
	/* errors are counted above and logged, limited, by kind */
	struct itm_live_loglimit log_msg, log_nomem, log_rx;
};

extern const char *const nfq_spread_names[];	/* by enum nfq_spread */

/* nfq_stats.c: the backend's dump (text lines or a JSON object) */
void nfq_dump(const struct itm_backend *b, FILE *f, bool json);

/* Under the engine's lock: a packet's verdict (frees it), and the waiting
 * accepts of every queue put out (nfqueue.c). */
void nfq_verdict(struct nq *q, struct nq_pkt *np, int verdict);
void nfq_pending(struct nq *q);

/* nfq_in.c: a queue's buffers; its reader, itmd's loop (nfq_readable, a
 * watch callback) or a thread; the threads stopped and joined. */
int nfq_queue_open(struct nq_queue *nqq, struct itm_backend *b, uint8_t qi,
		   struct itm_err *err);
void nfq_readable(void *ctx);
int nfq_queue_thread(struct nq_queue *nqq, struct itm_err *err);
void nfq_threads_stop(struct nq *q);

#endif
