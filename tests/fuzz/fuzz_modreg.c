// SPDX-License-Identifier: GPL-2.0-only
/*
 * Module registration fuzzer: the first message a libitm process sends is
 * untrusted. Any bytes are either refused with a reason, or decode to a
 * registration whose every field is in range, whose rings can be laid out
 * or are refused as too big, and whose label and device names are
 * terminated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ring.h"
#include "lib/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_prefixes(const struct itm_wire_prefix *p, unsigned n)
{
	unsigned i;

	if (n > ITM_WIRE_PREFIXES)
		abort();
	for (i = 0; i < n; i++) {
		if (p[i].len > (p[i].family == 4 ? 32 : 128) ||
		    (p[i].family != 4 && p[i].family != 6))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct itm_wire_layout l;
	struct itm_wire_reg r;
	char msg[128] = "";

	if (itm_wire_reg_decode(data, size, &r, msg, sizeof(msg)) < 0) {
		if (!msg[0])
			abort();
		return 0;
	}
	if (r.hook >= ITM_WIRE_HOOKS || r.mode > ITM_WIRE_OBSERVE ||
	    !memchr(r.label, '\0', sizeof(r.label)) || !r.label[0] ||
	    !memchr(r.in.iif, '\0', sizeof(r.in.iif)) ||
	    !memchr(r.in.oif, '\0', sizeof(r.in.oif)) ||
	    r.in.n_sports > ITM_WIRE_PORTS || r.in.n_dports > ITM_WIRE_PORTS)
		abort();
	check_prefixes(r.in.src, r.in.n_src);
	check_prefixes(r.in.dst, r.in.n_dst);
	if (itm_wire_layout(&r, &l) == 0 &&
	    (l.size > ITM_WIRE_SHM_MAX + 128 || l.n_slots == 0 ||
	     (l.n_slots & (l.n_slots - 1)) ||
	     l.rsp_off < itm_ring_bytes(l.n_slots, l.req_slot)))
		abort();
	return 0;
}
