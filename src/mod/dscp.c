// SPDX-License-Identifier: GPL-2.0-only
/*
 * dscp: give each packet a priority (0..7, 7 most urgent) from its DSCP
 * through a 64-entry map, for the strict-priority discipline and for any
 * module or classifier that reads p->priority (the flow classifier's
 * `priority` key). Only the 6 DSCP bits are read, so ECN marks never move a
 * packet between priorities. The default map is RFC 8325's, ordered (see
 * itm/dscp.h): EF and CS5-CS7 high, CS1 and LE low, unknown code points best
 * effort. Every entry is a parameter named after its code point (`dscp.ef`,
 * `dscp.af41`, `dscp.dscp3` for unnamed ones), writable at run time.
 */
#include <inttypes.h>

#include "itm/dscp.h"
#include "itm/mod.h"

struct dscp {
	uint32_t prio[ITM_DSCP_COUNT];
	uint64_t count[ITM_PRIO_MAX + 1];	/* packets per priority given */
};

#define DSCP_ATTR(n, cp, d) \
	{ .name = n, .type = ITM_ATTR_U32, \
	  .off = offsetof(struct dscp, prio) + (cp) * sizeof(uint32_t), \
	  .min = 0, .max = ITM_PRIO_MAX, .def = d, .flags = ITM_ATTR_WRITABLE, \
	  .unit = "priority" }

/* Defaults equal itm_dscp_default_prio(); test_dscp checks every entry. */
static const struct itm_attr dscp_attrs[] = {
	DSCP_ATTR("df", 0, 1),
	DSCP_ATTR("le", 1, 0),
	DSCP_ATTR("dscp2", 2, 1),
	DSCP_ATTR("dscp3", 3, 1),
	DSCP_ATTR("dscp4", 4, 1),
	DSCP_ATTR("dscp5", 5, 1),
	DSCP_ATTR("dscp6", 6, 1),
	DSCP_ATTR("dscp7", 7, 1),
	DSCP_ATTR("cs1", 8, 0),
	DSCP_ATTR("dscp9", 9, 1),
	DSCP_ATTR("af11", 10, 1),
	DSCP_ATTR("dscp11", 11, 1),
	DSCP_ATTR("af12", 12, 1),
	DSCP_ATTR("dscp13", 13, 1),
	DSCP_ATTR("af13", 14, 1),
	DSCP_ATTR("dscp15", 15, 1),
	DSCP_ATTR("cs2", 16, 1),
	DSCP_ATTR("dscp17", 17, 1),
	DSCP_ATTR("af21", 18, 2),
	DSCP_ATTR("dscp19", 19, 1),
	DSCP_ATTR("af22", 20, 2),
	DSCP_ATTR("dscp21", 21, 1),
	DSCP_ATTR("af23", 22, 2),
	DSCP_ATTR("dscp23", 23, 1),
	DSCP_ATTR("cs3", 24, 3),
	DSCP_ATTR("dscp25", 25, 1),
	DSCP_ATTR("af31", 26, 3),
	DSCP_ATTR("dscp27", 27, 1),
	DSCP_ATTR("af32", 28, 3),
	DSCP_ATTR("dscp29", 29, 1),
	DSCP_ATTR("af33", 30, 3),
	DSCP_ATTR("dscp31", 31, 1),
	DSCP_ATTR("cs4", 32, 3),
	DSCP_ATTR("dscp33", 33, 1),
	DSCP_ATTR("af41", 34, 3),
	DSCP_ATTR("dscp35", 35, 1),
	DSCP_ATTR("af42", 36, 3),
	DSCP_ATTR("dscp37", 37, 1),
	DSCP_ATTR("af43", 38, 3),
	DSCP_ATTR("dscp39", 39, 1),
	DSCP_ATTR("cs5", 40, 5),
	DSCP_ATTR("dscp41", 41, 1),
	DSCP_ATTR("dscp42", 42, 1),
	DSCP_ATTR("dscp43", 43, 1),
	DSCP_ATTR("va", 44, 6),
	DSCP_ATTR("dscp45", 45, 1),
	DSCP_ATTR("ef", 46, 6),
	DSCP_ATTR("dscp47", 47, 1),
	DSCP_ATTR("cs6", 48, 7),
	DSCP_ATTR("dscp49", 49, 1),
	DSCP_ATTR("dscp50", 50, 1),
	DSCP_ATTR("dscp51", 51, 1),
	DSCP_ATTR("dscp52", 52, 1),
	DSCP_ATTR("dscp53", 53, 1),
	DSCP_ATTR("dscp54", 54, 1),
	DSCP_ATTR("dscp55", 55, 1),
	DSCP_ATTR("cs7", 56, 7),
	DSCP_ATTR("dscp57", 57, 1),
	DSCP_ATTR("dscp58", 58, 1),
	DSCP_ATTR("dscp59", 59, 1),
	DSCP_ATTR("dscp60", 60, 1),
	DSCP_ATTR("dscp61", 61, 1),
	DSCP_ATTR("dscp62", 62, 1),
	DSCP_ATTR("dscp63", 63, 1),
	ITM_ATTR_END,
};

static uint32_t dscp_classify(struct itm_mod *m, struct itm_pkt *p)
{
	const struct dscp *d = itm_mod_priv(m);

	if (!itm_l3_has(&p->v.outer, ITM_HAVE_IP))
		return 0;
	return d->prio[itm_l3_dscp(&p->v.outer)] + 1;
}

static enum itm_verdict dscp_process(struct itm_mod *m, struct itm_pkt *p,
				     uint32_t cls)
{
	struct dscp *d = itm_mod_priv(m);

	p->priority = cls - 1;
	d->count[cls - 1]++;
	return ITM_ACCEPT;
}

static void dscp_dump(struct itm_mod *m, FILE *f, bool json)
{
	const struct dscp *d = itm_mod_priv(m);
	int i;

	fputs(json ? "{\"priorities\":[" : "  packets per priority:", f);
	for (i = 0; i <= ITM_PRIO_MAX; i++)
		fprintf(f, json ? "%s%" PRIu64 : "%s %" PRIu64,
			json && i ? "," : "", d->count[i]);
	fputs(json ? "]}" : "\n", f);
}

const struct itm_mod_ops itm_mod_dscp = {
	.id = "dscp",
	.help = "priority 0..7 from the DSCP (ECN ignored), RFC 8325 defaults",
	.priv_size = sizeof(struct dscp),
	.attrs = dscp_attrs,
	.default_hook = ITM_HOOK_POST_ROUTING,
	.classify = dscp_classify,
	.process = dscp_process,
	.dump = dscp_dump,
};
