// SPDX-License-Identifier: GPL-2.0-only
/*
 * dscpmark: a module built outside the tree, loaded at run time.
 *
 * Every packet the interest filter passes gets the DSCP `dscp` (default
 * 46, Expedited Forwarding); its ECN bits are kept. Build it as a
 * researcher would, against the installed headers:
 *
 *   cc -shared -fPIC $(pkg-config --cflags itm-module) dscpmark.c \
 *      -o dscpmark.so
 *
 * and load it, here for a voice flow:
 *
 *   itm module load ./dscpmark.so label voice proto udp dport 5004 dscp 46
 *
 * It calls one core function, itm_l3_set_tos, which the loading binary
 * provides; the framework fixes the IPv4 header checksum after
 * ITM_MODIFIED. See doc/modules.md.
 */
#include <stddef.h>

#include "itm/mod.h"

#define DSCPMARK_MARKED 1

struct dscpmark {
	uint32_t dscp;
};

static const struct itm_attr dscpmark_attrs[] = {
	{ .name = "dscp", .type = ITM_ATTR_U32,
	  .off = offsetof(struct dscpmark, dscp), .min = 0, .max = 63,
	  .def = 46, .flags = ITM_ATTR_WRITABLE,
	  .help = "DSCP given to every packet the interest filter passes" },
	ITM_ATTR_END,
};

static uint32_t dscpmark_classify(struct itm_mod *m, struct itm_pkt *p)
{
	(void)m;
	return itm_l3_has(&p->v.outer, ITM_HAVE_IP) ? DSCPMARK_MARKED : 0;
}

static enum itm_verdict dscpmark_process(struct itm_mod *m, struct itm_pkt *p,
					 uint32_t cls)
{
	const struct dscpmark *dm = itm_mod_priv(m);
	uint8_t tos = p->v.outer.tos;
	uint8_t want = (uint8_t)(dm->dscp << 2 | itm_l3_ecn(&p->v.outer));

	(void)cls;
	if (want == tos)
		return ITM_ACCEPT;
	itm_l3_set_tos(p, &p->v.outer, want);
	return ITM_MODIFIED;
}

static const struct itm_mod_ops dscpmark_ops = {
	.id = "dscpmark",
	.help = "set the DSCP of every interesting packet, keeping ECN (loadable example)",
	.priv_size = sizeof(struct dscpmark),
	.attrs = dscpmark_attrs,
	.default_hook = ITM_HOOK_FORWARD,
	.classify = dscpmark_classify,
	.process = dscpmark_process,
};

ITM_MOD_EXPORT(dscpmark_ops);
