/* SPDX-License-Identifier: GPL-2.0-only */
/* One port of the AF_PACKET bridge: socket and receive ring (br_port.c). */
#ifndef ITM_IO_BR_PORT_H
#define ITM_IO_BR_PORT_H

#include <linux/if_packet.h>
#include <stdbool.h>
#include <stdint.h>

#include "itm/attr.h"
#include "itm/live.h"

#define BR_BLOCK_SIZE (256u * 1024)	/* holds a 64 KiB GSO frame */
#define BR_BLOCK_NR 64u

struct br_port {
	char name[ITM_ATTR_IFNAME_LEN];
	unsigned ifindex;
	int fd;
	uint8_t *ring;
	unsigned block;			/* the next block to read */
	uint64_t ring_drops;		/* tp_drops of PACKET_STATISTICS */
	bool down;			/* went down, not seen up since */
	bool gone;			/* the interface was deleted */
};

typedef void br_frame_fn(void *ctx, const struct tpacket3_hdr *th);

int br_port_open(struct br_port *pt, struct itm_err *err);
/* Open and watch with fn(ctx); closed again on failure. */
int br_port_start(struct itm_live *lv, struct br_port *pt, itm_live_fn *fn,
		  void *ctx, struct itm_err *err);
void br_port_close(struct itm_live *lv, struct br_port *pt);
/* Add the kernel's drop count (reading resets it) to ring_drops. */
void br_port_stats(struct br_port *pt);
/* Call fn for every frame of up to max_blocks ready blocks, in order;
 * the number of blocks read. */
unsigned br_port_walk(struct br_port *pt, unsigned max_blocks,
		      br_frame_fn *fn, void *ctx);
/* The socket's pending error (ENETDOWN: the port went down), read, so
 * cleared, and logged; sets down. 0 if none. */
int br_port_error(struct br_port *pt);
/* For a port down or gone, now and then: down and deleted (its name gone,
 * or another interface's now) makes it gone, its socket closed; gone and
 * an interface of its name there again, a new socket and ring on that,
 * watched with fn(ctx); down and up again, down cleared. 0, or -errno
 * with err set when the reopening failed (the port stays gone). */
int br_port_check(struct itm_live *lv, struct br_port *pt, itm_live_fn *fn,
		  void *ctx, struct itm_err *err);

#endif
