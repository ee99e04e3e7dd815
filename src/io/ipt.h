/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The iptables tools, run as programs: itmd installs its own rules (the
 * NFQUEUE chain, the attachment chain) in table mangle and removes them.
 */
#ifndef ITM_IO_IPT_H
#define ITM_IO_IPT_H

#include <stdbool.h>

#define ITM_IPT_ARGS_MAX 20

/* iptables (family 4) or ip6tables (6), or their -legacy twins,
 * `-w -t mangle ARGS...` with ARGS NULL-terminated, output discarded;
 * 0 when it exited 0, -EIO when it failed, -errno when it did not run. */
int itm_ipt_mangle(int family, bool legacy, const char *const *args);
/* The same, its standard output in *out (malloc'd, NUL-terminated; NULL
 * when it failed). */
int itm_ipt_mangle_read(int family, bool legacy, const char *const *args,
			char **out);

#endif
