/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fields in network byte order, read and written a byte at a time: packet
 * and wire headers sit at any alignment, and this is what the compiler
 * turns into one load and a byte swap.
 */
#ifndef ITM_BYTES_H
#define ITM_BYTES_H

#include <stdint.h>

static inline uint16_t itm_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t itm_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void itm_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Any width up to 8 bytes, for wire formats of our own. */
static inline uint64_t itm_get_be(const uint8_t *p, unsigned bytes)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < bytes; i++)
		v = v << 8 | p[i];
	return v;
}

static inline void itm_put_be(uint8_t *p, uint64_t v, unsigned bytes)
{
	while (bytes--) {
		p[bytes] = (uint8_t)v;
		v >>= 8;
	}
}

#endif
