/* SPDX-License-Identifier: GPL-2.0-only */
/* bench_qdisc's parts: cost loops (bench_qdisc.c) and the 2x overload
 * drop-behaviour comparison with DPDK's rte_pie (bench_overload.c). */
#ifndef BENCH_QDISC_H
#define BENCH_QDISC_H

#include <stdbool.h>
#include <stdint.h>

#include "itm/qdisc.h"

#define BENCH_CHECK(ok) ((ok) ? "meets" : "MISSES")

/* Make a qdisc from "KIND opt val ..." (a string of words); NULL if the
 * kind is not built. Drops go to drop_fn. */
struct itm_qdisc *bench_qdisc_new(const char *spec, itm_qdisc_drop_fn *drop_fn,
				  void *ctx);

/* Frame of n bytes: Ethernet, IPv4, UDP (TCP with tcp) from flow i. */
void bench_frame(uint8_t *d, uint32_t n, uint32_t i, bool tcp);

uint64_t bench_now_ns(void);

/* 2x overload: ours (pie, fq_pie) and, with dpdk, rte_pie on the same
 * arrivals; prints drop fraction and queue lengths. cpu: for DPDK EAL. */
void bench_overload(bool quick, int cpu);

#endif
