// SPDX-License-Identifier: GPL-2.0-only
/*
 * sizeaware: the itmBench paper's qos_mod (section 5).
 *
 * Short flows first: each TCP flow's packets are counted in the shared flow
 * table, one entry per direction as in the paper (source and destination
 * address and port). While a flow has sent at most `threshold` packets, or
 * when the packet carries FIN, the flow is SHORT and the packet gets the
 * Minimize-Delay TOS bit (0x10); past the threshold it is LONG and the bit is
 * cleared, so a class-based core router can favour short transfers. The
 * rewrite keeps the ECN bits and the other TOS bits; IPv6 traffic class is
 * treated the same way. Packets of other protocols are not classified.
 */
#include "itm/mod.h"

#define SIZEAWARE_SHORT 1
#define SIZEAWARE_LONG 2
#define TOS_LOWDELAY 0x10

struct sizeaware {
	uint32_t threshold;
};

struct sizeaware_flow {
	uint64_t pkts;
};

static const struct itm_attr sizeaware_attrs[] = {
	{ .name = "threshold", .type = ITM_ATTR_U32,
	  .off = offsetof(struct sizeaware, threshold), .min = 0,
	  .max = UINT32_MAX, .def = 20, .flags = ITM_ATTR_WRITABLE,
	  .unit = "packets",
	  .help = "a flow is SHORT while it has sent at most this many packets" },
	ITM_ATTR_END,
};

static uint32_t sizeaware_classify(struct itm_mod *m, struct itm_pkt *p)
{
	const struct sizeaware *sa = itm_mod_priv(m);
	const struct itm_l3 *l3 = &p->v.outer;
	struct sizeaware_flow *st;
	struct itm_flow_key key;
	struct itm_flow *f;
	bool created;

	if (!itm_l3_has(l3, ITM_HAVE_PROTO) || l3->proto != 6 ||
	    !itm_flow_key_from_l3(&key, l3))
		return 0;
	f = itm_flowtab_get(itm_mod_flowtab(m), &key, p->ts_ns, &created);
	if (!f)
		return 0;
	st = itm_mod_flow_state(m, f);
	st->pkts++;
	if (st->pkts <= sa->threshold ||
	    (itm_l3_has(l3, ITM_HAVE_L4) && l3->tcp_flags & ITM_TCP_FIN))
		return SIZEAWARE_SHORT;
	return SIZEAWARE_LONG;
}

static enum itm_verdict sizeaware_process(struct itm_mod *m, struct itm_pkt *p,
					  uint32_t cls)
{
	uint8_t tos = p->v.outer.tos, want;

	want = cls == SIZEAWARE_SHORT ? tos | TOS_LOWDELAY
				      : tos & (uint8_t)~TOS_LOWDELAY;
	if (want == tos)
		return ITM_ACCEPT;
	itm_l3_set_tos(p, &p->v.outer, want);
	return ITM_MODIFIED;
}

const struct itm_mod_ops itm_mod_sizeaware = {
	.id = "sizeaware",
	.help = "mark SHORT TCP flows Minimize-Delay, clear it on LONG ones (qos_mod)",
	.priv_size = sizeof(struct sizeaware),
	.flow_state_size = sizeof(struct sizeaware_flow),
	.attrs = sizeaware_attrs,
	.default_hook = ITM_HOOK_FORWARD,
	.classify = sizeaware_classify,
	.process = sizeaware_process,
};
