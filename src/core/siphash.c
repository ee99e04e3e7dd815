// SPDX-License-Identifier: GPL-2.0-only
/*
 * SipHash over arbitrary lengths. The message is read as little-endian 64-bit
 * words whatever the host, so hashes are the same everywhere and match the
 * reference vectors; the last block carries the length in its top byte, which
 * keeps messages that differ only by trailing zeros apart.
 */
#include <errno.h>
#include <sys/random.h>

#include "itm/siphash.h"

static uint64_t siphash_tail(const uint8_t *p, size_t len)
{
	uint64_t b = (uint64_t)len << 56;
	size_t i;

	for (i = 0; i < (len & 7); i++)
		b |= (uint64_t)p[i] << (8 * i);
	return b;
}

static inline uint64_t siphash_cd(const void *data, size_t len,
				  const struct itm_siphash_key *k,
				  unsigned crounds, unsigned drounds)
{
	const uint8_t *p = data;
	const uint8_t *end = p + (len & ~(size_t)7);
	struct itm_sip_state s;

	itm_sip_init(&s, k);
	for (; p != end; p += 8)
		itm_sip_block(&s, itm_sip_load64(p), crounds);
	itm_sip_block(&s, siphash_tail(p, len), crounds);
	return itm_sip_final(&s, drounds);
}

uint64_t itm_siphash13(const void *data, size_t len,
		       const struct itm_siphash_key *k)
{
	return siphash_cd(data, len, k, 1, 3);
}

uint64_t itm_siphash24(const void *data, size_t len,
		       const struct itm_siphash_key *k)
{
	return siphash_cd(data, len, k, 2, 4);
}

int itm_siphash_key_random(struct itm_siphash_key *k)
{
	uint8_t *p = (uint8_t *)k;
	size_t got = 0;

	/* Blocks only until the pool is first seeded, which is what a key that
	 * must be unpredictable needs; short reads are possible on signals. */
	while (got < sizeof(*k)) {
		ssize_t r = getrandom(p + got, sizeof(*k) - got, 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		got += (size_t)r;
	}
	return 0;
}
