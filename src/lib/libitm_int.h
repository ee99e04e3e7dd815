/* SPDX-License-Identifier: GPL-2.0-only */
/* libitm's state, shared by its files and hidden from applications. */
#ifndef ITM_LIB_LIBITM_INT_H
#define ITM_LIB_LIBITM_INT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "itm/libitm.h"
#include "ring.h"
#include "wire.h"

#define LIBITM_HOOKS ITM_WIRE_HOOKS
#define LIBITM_DEFAULT_SOCKET "/run/itm/modules.sock"

/* One registration: a hook, its connection and its two rings. */
struct libitm_reg {
	bool used;
	bool closing;	/* unregistered from a callback: closed after the pass */
	struct libitm_info *info;
	int sock, req_efd, rsp_efd;
	void *shm;
	size_t shm_size;
	struct itm_ring req, rsp;	/* handles: geometry kept here */
};

struct libitm_state {
	bool inited, running, altered;
	volatile sig_atomic_t stop;
	uint8_t mode;
	uint16_t bufsize;
	struct libitm_reg reg[LIBITM_HOOKS];
	void (*timer_fn)(unsigned long);
	uint64_t timer_period_ns, timer_next_ns;	/* next 0: at the first
							 * packet (trace time) */
	bool trace_time;	/* a replay: time is the packets' ts_ns */
};

extern struct libitm_state libitm_g;

void libitm_reg_close(struct libitm_reg *r);
uint64_t libitm_now_ns(void);

#endif
