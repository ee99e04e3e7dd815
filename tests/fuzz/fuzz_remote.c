// SPDX-License-Identifier: GPL-2.0-only
/*
 * What a registered libitm process writes after its registration, as itmd
 * reads it: verdict slots (header and new bytes) and the ring indexes of
 * the shared memory, which the process may set to anything. The proxy
 * (src/mod/remote.c) either applies a verdict whose every field it checked,
 * or fails open and unregisters the module; it never reads or writes past
 * the rings or the packet.
 *
 * The first byte picks the mode and bufsize; then each event is one byte
 * and its data: a verdict slot followed by a packet crossing, the verdict
 * ring's head or the request ring's tail set to four bytes, or a packet
 * that crosses with no verdict waiting (the deadline fails it).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "itm/pcapio.h"
#include "itm/remote.h"
#include "lib/ring.h"
#include "lib/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
	const uint8_t *p;
	size_t left;
};

static size_t take(struct input *in, void *to, size_t n)
{
	n = n < in->left ? n : in->left;
	memcpy(to, in->p, n);
	in->p += n;
	in->left -= n;
	return n;
}

static void reg_from(uint8_t pick, struct itm_wire_reg *reg)
{
	static const uint16_t bufsizes[] = { 16, 64, 1500 };

	*reg = (struct itm_wire_reg){
		.magic = ITM_WIRE_MAGIC, .version = ITM_WIRE_VERSION,
		.type = ITM_WIRE_REGISTER, .hook = 2, .mode = pick % 3,
		.bufsize = bufsizes[(pick / 3) % 3], .n_slots = 4,
		.label = "fz",
	};
}

/* An IPv4 UDP packet of len bytes (at least 28). */
static struct itm_pkt *packet(uint32_t len)
{
	uint8_t b[2048] = { 0x45, 0, (uint8_t)(len >> 8), (uint8_t)len,
			    0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1,
			    10, 0, 0, 2, 0x30, 0x39, 0x00, 0x35,
			    (uint8_t)((len - 20) >> 8), (uint8_t)(len - 20) };

	return itm_pkt_new(b, len, len, ITM_LINK_IPV4, 1000);
}

static void cross(struct itm_mod *m, uint8_t op)
{
	struct itm_pkt *p = packet(28 + (uint32_t)(op * 37u) % 1400u);
	uint32_t cls;

	if (!p)
		return;
	cls = m->ops->classify(m, p);
	if (cls)
		m->ops->process(m, p, cls);
	itm_pkt_free(p);
}

/* The process answers the next request: header and bytes from the input,
 * the sequence number the one due unless the input flips it. */
static void answer(struct itm_ring *req, struct itm_ring *rsp,
		   struct input *in)
{
	struct itm_wire_verdict v;
	uint32_t head = atomic_load(&rsp->shm->head), flip = 0;
	uint8_t *slot = itm_ring_slot(rsp, head);

	memset(&v, 0, sizeof(v));
	take(in, &v, sizeof(v));
	take(in, &flip, 1);
	v.seq = atomic_load(&req->shm->head) + 1 + (flip & 3);
	memcpy(slot, &v, sizeof(v));
	take(in, slot + sizeof(v), rsp->slot_size - sizeof(v));
	atomic_store(&rsp->shm->head, head + 1);
}

static void events(struct itm_mod *m, struct itm_ring *req,
		   struct itm_ring *rsp, struct input *in)
{
	uint8_t op;
	uint32_t idx;

	while (take(in, &op, 1)) {
		switch (op % 4) {
		case 0:
			answer(req, rsp, in);
			cross(m, op / 4);
			break;
		case 1:
			idx = 0;
			take(in, &idx, 4);
			atomic_store(&rsp->shm->head, idx);
			break;
		case 2:
			idx = 0;
			take(in, &idx, 4);
			atomic_store(&req->shm->tail, idx);
			break;
		default:
			if (op == 3)	/* rare: it waits out the deadline */
				cross(m, op);
			break;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct itm_remote_conn c = { .sock = -1 };
	struct input in = { data + 1, size ? size - 1 : 0 };
	struct itm_ring req, rsp;
	struct itm_wire_layout l;
	struct itm_wire_reg reg;
	struct itm_engine *e;
	struct itm_err err;
	struct itm_mod *m;
	uint8_t *ours;
	FILE *null;
	int fd;

	if (size < 1 || itm_engine_create(&e, &err) < 0)
		return 0;
	reg_from(data[0], &reg);
	if (itm_engine_mod_register(e, &itm_mod_remote, reg.label, 2, 0, 0,
				    NULL, &err) < 0 ||
	    itm_engine_param_set(e, "fz.deadline", "100us", &err) < 0 ||
	    itm_engine_start(e, 1, &err) < 0 || itm_wire_layout(&reg, &l) < 0)
		abort();
	m = itm_engine_mod_find(e, reg.label);
	/* two mappings of one memfd, as across the two processes: the
	 * proxy unmaps its own when it lets the module go */
	fd = memfd_create("fuzz-remote", 0);
	if (fd < 0 || ftruncate(fd, l.size) < 0)
		abort();
	c.shm = mmap(NULL, l.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ours = mmap(NULL, l.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (c.shm == MAP_FAILED || ours == MAP_FAILED)
		abort();
	c.shm_size = l.size;
	c.req_efd = eventfd(0, EFD_NONBLOCK);
	c.rsp_efd = eventfd(0, EFD_NONBLOCK);
	itm_ring_init(&req, ours + l.req_off, l.n_slots, l.req_slot);
	itm_ring_init(&rsp, ours + l.rsp_off, l.n_slots, l.rsp_slot);
	if (itm_remote_attach(m, &reg, &c, &err) < 0)
		abort();
	events(m, &req, &rsp, &in);
	null = fopen("/dev/null", "w");
	if (null) {
		m->ops->dump(m, null, false);
		m->ops->dump(m, null, true);
		fclose(null);
	}
	itm_engine_destroy(e);
	munmap(ours, l.size);
	return 0;
}
