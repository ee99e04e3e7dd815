/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The packets of the behavioural traces: Ethernet, IPv4 (optionally inside
 * one IPv4-in-IPv4 tunnel), UDP, and a payload that names the packet:
 *
 *   offset 0  "ITMB"        magic
 *   offset 4  flow id       u32, big endian
 *   offset 8  sequence      u32, big endian, 0, 1, 2 ... per flow
 *
 * gen_trace writes them, analyze finds them again in itm's output.
 */
#ifndef BEHAV_H
#define BEHAV_H

#include <stdint.h>

#define BEHAV_MAGIC "ITMB"
#define BEHAV_TAG_LEN 12
#define BEHAV_ETH_LEN 14
#define BEHAV_IP_LEN 20
#define BEHAV_UDP_LEN 8

static inline uint32_t behav_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void behav_put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void behav_put32(uint8_t *p, uint32_t v)
{
	behav_put16(p, v >> 16);
	behav_put16(p + 2, v);
}

#endif
