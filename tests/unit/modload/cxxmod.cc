// SPDX-License-Identifier: GPL-2.0-only
/*
 * A module written in C++ against the installed module headers: they
 * declare C linkage and standard alignment, so a C++20 file (designated
 * initializers in declaration order) builds into a module the loader
 * takes. It marks every IP packet with the DSCP `dscp` (default 34, AF41),
 * keeping ECN, from a small class of its own.
 */
#include <cstddef>
#include <cstdint>

#include "itm/mod.h"

namespace {

struct cxxmark {
	uint32_t dscp;

	uint8_t tos_for(const struct itm_l3 &l3) const
	{
		return static_cast<uint8_t>(dscp << 2 | itm_l3_ecn(&l3));
	}
};

const struct itm_attr cxxmark_attrs[] = {
	{ .name = "dscp", .type = ITM_ATTR_U32,
	  .off = offsetof(struct cxxmark, dscp), .min = 0, .max = 63,
	  .def = 34, .flags = ITM_ATTR_WRITABLE,
	  .help = "DSCP given to every IP packet" },
	ITM_ATTR_END,
};

uint32_t cxxmark_classify(struct itm_mod *, struct itm_pkt *p)
{
	return itm_l3_has(&p->v.outer, ITM_HAVE_IP) ? 1 : 0;
}

enum itm_verdict cxxmark_process(struct itm_mod *m, struct itm_pkt *p,
				 uint32_t)
{
	const auto *cm = static_cast<const cxxmark *>(itm_mod_priv(m));
	uint8_t want = cm->tos_for(p->v.outer);

	if (want == p->v.outer.tos)
		return ITM_ACCEPT;
	itm_l3_set_tos(p, &p->v.outer, want);
	return ITM_MODIFIED;
}

const struct itm_mod_ops cxxmark_ops = {
	.id = "cxxmark",
	.help = "set the DSCP of every IP packet (a module written in C++)",
	.priv_size = sizeof(struct cxxmark),
	.attrs = cxxmark_attrs,
	.default_hook = ITM_HOOK_FORWARD,
	.classify = cxxmark_classify,
	.process = cxxmark_process,
};

}

ITM_MOD_EXPORT(cxxmark_ops);
