/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Addresses and prefixes, IPv4 or IPv6, as interest filters and module
 * parameters (attribute types ITM_ATTR_ADDR and ITM_ATTR_PREFIXES) use them.
 */
#ifndef ITM_PREFIX_H
#define ITM_PREFIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "itm/err.h"

#ifdef __cplusplus
extern "C" {
#endif

struct itm_prefix {
	uint8_t family;		/* 4 or 6; 0 = none (an unset address) */
	uint8_t len;		/* prefix length in bits */
	uint8_t addr[16];
};

#define ITM_PREFIXES_MAX 8

/* A list of prefixes; empty means "any". */
struct itm_prefixes {
	uint32_t n;
	struct itm_prefix pf[ITM_PREFIXES_MAX];
};

/* "ADDR[/LEN]" (LEN: the full length if absent); the address bits past
 * LEN are cleared, as iptables does. err quotes s. */
int itm_prefix_parse(struct itm_prefix *pf, const char *s, struct itm_err *err);
bool itm_prefix_match(const struct itm_prefix *pf, uint8_t family,
		      const uint8_t *addr);
/* "ADDR/LEN"; itm_addr_format: the address alone, "any" when unset. */
void itm_prefix_format(const struct itm_prefix *pf, char *buf, size_t len);
void itm_addr_format(const struct itm_prefix *pf, char *buf, size_t len);

/* "P[,P]..." or "any" (empty). */
int itm_prefixes_parse(struct itm_prefixes *l, const char *s,
		       struct itm_err *err);
/* Whether one of the prefixes holds addr; false for an empty list. */
bool itm_prefixes_match(const struct itm_prefixes *l, uint8_t family,
			const uint8_t *addr);
void itm_prefixes_format(const struct itm_prefixes *l, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif
