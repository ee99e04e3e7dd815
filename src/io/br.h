/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The AF_PACKET bridge's insides, shared by bridge.c (the backend: frames
 * in, the pipeline, pacing and frames out, open, reload, close) and
 * br_stats.c (what it shows of itself). See bridge.c for the principles.
 */
#ifndef ITM_IO_BR_H
#define ITM_IO_BR_H

#include <linux/virtio_net.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "itm/backend.h"
#include "itm/live.h"
#include "itm/twin.h"
#include "br_port.h"

struct br_pkt {
	struct itm_pkt p;
	struct virtio_net_hdr vh;
	uint32_t pace_bytes;		/* what the link carries for it */
	uint32_t len;			/* caplen that vh and pace_bytes match */
	uint8_t dir;			/* 0: IF1 -> IF2, 1: IF2 -> IF1 */
	uint8_t data[];			/* ITM_PKT_HEADROOM, then the frame */
};

/* One direction: in on port[i], out of port[!i]. */
struct br_dir {
	uint64_t rate_bps, next_ns, wake_ns;
	struct br_pkt *held;		/* dequeued, the socket was full */
	uint64_t received, sent, sent_bytes, dropped, released, truncated;
	uint64_t errors, retries, gso;
	uint64_t taken;			/* a module took them (ITM_TAKEN) */
	struct itm_live_loglimit log_send, log_nomem;	/* errors' lines */
};

enum br_release { BR_DROP, BR_SEND, BR_MOVE };

struct br {
	struct br_port port[2];
	struct br_dir dir[2];
	uint64_t rate, rate2;
	bool rate2_set;
	struct itm_live *live;
	struct itm_twin twin;		/* the IF2 -> IF1 root */
	enum br_release release;	/* what the free callback does */
	struct itm_engine *move_to;	/* BR_MOVE: the new engine ... */
	struct itm_qdisc *move_rev;	/* ... and its IF2 -> IF1 root */
	uint64_t seq;
	uint64_t reopen_ns;		/* a gone port: the next look for it */
};

/* The root whose packets leave in direction dir (0: IF1 -> IF2). */
static inline struct itm_qdisc *br_root(const struct br *q, int dir)
{
	return dir ? q->twin.root : q->live->e->root;
}

/* br_stats.c: the backend's dump (text lines or a JSON object), and the
 * tree leaving by a port (`qdisc show dev IF`) */
void br_dump(const struct itm_backend *b, FILE *f, bool json);
struct itm_qdisc *br_egress(const struct itm_backend *b, const char *dev);

#endif
