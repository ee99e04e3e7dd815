// SPDX-License-Identifier: GPL-2.0-only
/*
 * One port of the AF_PACKET bridge: a raw packet socket bound to the
 * interface with ETH_P_ALL, virtio-net headers (GSO frames pass whole),
 * a TPACKET_V3 receive ring of BR_BLOCK_NR blocks retired after 1 ms,
 * our own transmissions ignored, promiscuous membership (dropped with the
 * socket at close). br_port_walk reads the ready blocks in order;
 * br_port_error reads the error a port going down leaves on its socket.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "br_port.h"

#define BR_FRAME_SIZE 2048u		/* nominal: V3 packs frames */
#define BR_BLOCK_TOV_MS 1u		/* a block is retired after 1 ms */

void br_port_stats(struct br_port *pt)
{
	struct tpacket_stats_v3 st;
	socklen_t len = sizeof(st);

	/* reading resets the kernel's counters */
	if (getsockopt(pt->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0)
		pt->ring_drops += st.tp_drops;
}

static int br_sockopt(struct br_port *pt, int level, int name, const void *v,
		      socklen_t len, const char *what, struct itm_err *err)
{
	if (setsockopt(pt->fd, level, name, v, len) == 0)
		return 0;
	return itm_err_set(err, errno, "bridge: %s: %s: %s", pt->name, what,
			   strerror(errno));
}

int br_port_open(struct br_port *pt, struct itm_err *err)
{
	struct tpacket_req3 req = {
		.tp_block_size = BR_BLOCK_SIZE,
		.tp_block_nr = BR_BLOCK_NR,
		.tp_frame_size = BR_FRAME_SIZE,
		.tp_frame_nr = BR_BLOCK_SIZE / BR_FRAME_SIZE * BR_BLOCK_NR,
		.tp_retire_blk_tov = BR_BLOCK_TOV_MS,
	};
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = htons(ETH_P_ALL) };
	struct packet_mreq mr = { .mr_type = PACKET_MR_PROMISC };
	int one = 1, v3 = TPACKET_V3, r;

	pt->block = 0;		/* a new ring fills from its first block */
	pt->ifindex = if_nametoindex(pt->name);
	if (!pt->ifindex)
		return itm_err_set(err, ENODEV, "bridge: no interface %s", pt->name);
	/* protocol 0: nothing arrives before the ring is there and bound */
	pt->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (pt->fd < 0)
		return itm_err_set(err, errno, "bridge: packet socket: %s",
				   strerror(errno));
	r = br_sockopt(pt, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one),
		       "virtio-net header", err);
	if (r == 0)
		r = br_sockopt(pt, SOL_PACKET, PACKET_VERSION, &v3, sizeof(v3),
			       "TPACKET_V3", err);
	if (r == 0)
		r = br_sockopt(pt, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req),
			       "receive ring", err);
	if (r < 0)
		return r;
	pt->ring = mmap(NULL, (size_t)BR_BLOCK_SIZE * BR_BLOCK_NR,
			PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED, pt->fd, 0);
	if (pt->ring == MAP_FAILED)
		pt->ring = mmap(NULL, (size_t)BR_BLOCK_SIZE * BR_BLOCK_NR,
				PROT_READ | PROT_WRITE, MAP_SHARED, pt->fd, 0);
	if (pt->ring == MAP_FAILED) {
		pt->ring = NULL;
		return itm_err_set(err, errno, "bridge: %s: mmap: %s", pt->name,
				   strerror(errno));
	}
	r = br_sockopt(pt, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one),
		       "ignore outgoing", err);
	sll.sll_ifindex = (int)pt->ifindex;
	if (r == 0 && bind(pt->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		r = itm_err_set(err, errno, "bridge: bind %s: %s", pt->name,
				strerror(errno));
	mr.mr_ifindex = (int)pt->ifindex;
	if (r == 0)
		r = br_sockopt(pt, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
			       sizeof(mr), "promiscuous", err);
	return r;
}

void br_port_close(struct itm_live *lv, struct br_port *pt)
{
	if (pt->fd < 0)
		return;
	br_port_stats(pt);
	itm_live_unwatch(lv, pt->fd);
	if (pt->ring)
		munmap(pt->ring, (size_t)BR_BLOCK_SIZE * BR_BLOCK_NR);
	pt->ring = NULL;
	close(pt->fd);		/* the promiscuous membership goes with it */
	pt->fd = -1;
}

unsigned br_port_walk(struct br_port *pt, unsigned max_blocks,
		      br_frame_fn *fn, void *ctx)
{
	bool losing = false;
	unsigned n;

	for (n = 0; n < max_blocks; n++) {
		struct tpacket_block_desc *bd =
			(void *)(pt->ring + (size_t)pt->block * BR_BLOCK_SIZE);
		const uint8_t *h;
		uint32_t k;

		if (!(__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) &
		      TP_STATUS_USER))
			break;
		h = (const uint8_t *)bd + bd->hdr.bh1.offset_to_first_pkt;
		for (k = 0; k < bd->hdr.bh1.num_pkts; k++) {
			const struct tpacket3_hdr *th = (const void *)h;

			losing |= th->tp_status & TP_STATUS_LOSING;
			fn(ctx, th);
			h += th->tp_next_offset;
		}
		__atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL,
				 __ATOMIC_RELEASE);
		pt->block = (pt->block + 1) % BR_BLOCK_NR;
	}
	if (losing)
		br_port_stats(pt);
	return n;
}

/* The interface went down (or away): the kernel sets the socket's error,
 * ENETDOWN, and epoll reports the socket until it is read, which would
 * spin the loop for as long as the port stays down. Reading it clears it.
 * Frames flow again when the port is up. A deletion comes after the down
 * and tells the socket nothing more: br_port_check finds it. */
int br_port_error(struct br_port *pt)
{
	socklen_t len = sizeof(int);
	int e = 0;

	if (getsockopt(pt->fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0 || !e)
		return 0;
	pt->down = true;
	itm_live_log("warning", "bridge: %s: %s", pt->name, strerror(e));
	return e;
}

static bool port_up(const struct br_port *pt)
{
	struct ifreq ifr = { 0 };

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", pt->name);
	return ioctl(pt->fd, SIOCGIFFLAGS, &ifr) == 0 && ifr.ifr_flags & IFF_UP;
}

int br_port_start(struct itm_live *lv, struct br_port *pt, itm_live_fn *fn,
		  void *ctx, struct itm_err *err)
{
	int r = br_port_open(pt, err);

	if (r == 0)
		r = itm_live_watch(lv, pt->fd, fn, ctx, err);
	if (r < 0)
		br_port_close(lv, pt);
	return r;
}

static int port_reopen(struct itm_live *lv, struct br_port *pt,
		       itm_live_fn *fn, void *ctx, struct itm_err *err)
{
	int r = br_port_start(lv, pt, fn, ctx, err);

	if (r < 0)
		return r;
	pt->gone = pt->down = false;
	itm_live_log("info", "bridge: %s is back (ifindex %u)", pt->name,
		     pt->ifindex);
	return 0;
}

int br_port_check(struct itm_live *lv, struct br_port *pt, itm_live_fn *fn,
		  void *ctx, struct itm_err *err)
{
	unsigned ifindex = if_nametoindex(pt->name);

	if (!pt->gone && ifindex == pt->ifindex) {
		pt->down = !port_up(pt);
		return 0;
	}
	if (!pt->gone) {
		br_port_close(lv, pt);	/* bound to an interface that is no more */
		pt->gone = true;
		itm_live_log("error", "bridge: %s: the interface is gone: frames "
			     "for it are lost (errors) until one of that name is back",
			     pt->name);
	}
	return ifindex ? port_reopen(lv, pt, fn, ctx, err) : 0;
}
