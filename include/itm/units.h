/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tc-compatible value syntax. Internally time is u64 nanoseconds, sizes are
 * u64 bytes and rates u64 bits per second; text is converted once, here.
 *
 *   time: 15ms, 1.5s, 250us, 100ns; a bare number is microseconds (as tc)
 *   size: 1514, 1514b, 32kb/32k, 32mb/32m, 1gb/1g (powers of 1024),
 *         8kbit, 1mbit, 1gbit (bits, powers of 1024, as tc)
 *   rate: 100mbit, 1gbit, 500kbit (SI), 1mibit (IEC), 12mbps/12MBps (bytes);
 *         a bare number is bit/s (as tc)
 * Suffixes are case-insensitive, as in tc.
 */
#ifndef ITM_UNITS_H
#define ITM_UNITS_H

#include <stddef.h>
#include <stdint.h>

#define ITM_NSEC_PER_SEC UINT64_C(1000000000)
#define ITM_NSEC_PER_MSEC UINT64_C(1000000)

int itm_parse_u64(const char *s, uint64_t *out);	/* plain decimal or 0x */
int itm_parse_time(const char *s, uint64_t *ns);
/* As itm_parse_time, but a bare number is seconds (tc's perturb). */
int itm_parse_time_secs(const char *s, uint64_t *ns);
int itm_parse_size(const char *s, uint64_t *bytes);
int itm_parse_rate(const char *s, uint64_t *bps);

/* Formatting in tc's style ("15.0ms", "32Mb", "100Mbit"); returns buf. */
char *itm_fmt_time(char *buf, size_t len, uint64_t ns);
char *itm_fmt_size(char *buf, size_t len, uint64_t bytes);
char *itm_fmt_rate(char *buf, size_t len, uint64_t bps);

#endif
