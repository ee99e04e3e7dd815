// SPDX-License-Identifier: GPL-2.0-only
/*
 * ipip: an IP-in-IP tunnel endpoint inside itm (RFC 2003; IPv6 inside as
 * 6in4, RFC 4213; an IPv6 outer header as RFC 2473), for kernels without
 * an ipip device and for routers that pick the tunnel per packet.
 *
 *   module add ipip [hook H] local ADDR peer ADDR [match PREFIX[,...]]
 *                   [ttl N|inherit] [tos N|inherit] [df inherit|set|clear]
 *                   [mtu N] [encap on|off] [decap on|off]
 *
 * Per packet, in this order:
 *  - decapsulate: protocol 4 or 41 from `peer` to `local` loses its outer
 *    header (RFC 6040 for ECN: CE outside a not-ECT inner packet drops it,
 *    counted in ecn_drop). An outer fragment, or an inner header that is
 *    missing, cut short or longer than the outer payload is dropped and
 *    counted in bad: itm does not reassemble.
 *  - encapsulate: an IP packet to a `match` prefix (every packet the
 *    interest filter passes when match is any) gets an outer header from
 *    `local` to `peer` (encap.c has the field rules). Not encapsulated,
 *    because they would nest or loop: packets already tunnelled from local
 *    to peer and packets addressed to the peer itself.
 *  - MTU (RFC 2003 section 5.1): when the inner packet plus the outer
 *    header passes `mtu`, an inner packet that may not be fragmented (IPv4
 *    DF, any IPv6) is dropped and counted in too_big. itm cannot send the
 *    ICMP "fragmentation needed" / "packet too big" back: a module cannot
 *    create packets. Others are encapsulated whole and counted in
 *    fragmentable: the kernel fragments them on the way out (NFQUEUE), a
 *    replay writes them whole, the bridge's send fails (counted there).
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "itm/encap.h"
#include "itm/mod.h"

#define IPIP_DECAP 1
#define IPIP_ENCAP 2

struct ipip_stats {
	uint64_t encapsulated, decapsulated, too_big, bad, ecn_drop;
	uint64_t fragmentable, errors;
};

struct ipip {
	struct itm_prefix local, peer;
	struct itm_prefixes match;
	uint32_t ttl, df, mtu;
	int32_t tos;
	bool encap, decap;
	uint16_t id;		/* next outer IPv4 identification */
	struct ipip_stats st;
};

static const char *const ipip_inherit[] = { "inherit", NULL };
static const char *const ipip_df_names[] = { "inherit", "set", "clear", NULL };

static const struct itm_attr ipip_attrs[] = {
	{ .name = "local", .type = ITM_ATTR_ADDR, .off = offsetof(struct ipip, local),
	  .flags = ITM_ATTR_FIXED,
	  .help = "this end's address: outer source, decapsulated destination" },
	{ .name = "peer", .type = ITM_ATTR_ADDR, .off = offsetof(struct ipip, peer),
	  .flags = ITM_ATTR_FIXED,
	  .help = "the other end: outer destination, accepted outer source" },
	{ .name = "match", .type = ITM_ATTR_PREFIXES, .off = offsetof(struct ipip, match),
	  .flags = ITM_ATTR_WRITABLE,
	  .help = "destinations to encapsulate; any = all the interest filter passes" },
	{ .name = "ttl", .type = ITM_ATTR_U32, .off = offsetof(struct ipip, ttl),
	  .min = 0, .max = 255, .def = 64, .flags = ITM_ATTR_WRITABLE,
	  .names = ipip_inherit, .help = "outer TTL / hop limit; inherit = the inner's" },
	{ .name = "tos", .type = ITM_ATTR_S32, .off = offsetof(struct ipip, tos),
	  .min = (uint64_t)-1, .max = 255, .def = (uint64_t)-1,
	  .flags = ITM_ATTR_WRITABLE, .names = ipip_inherit,
	  .help = "outer DSCP as a TOS byte (ECN always from the inner); inherit = the inner's" },
	{ .name = "df", .type = ITM_ATTR_ENUM, .off = offsetof(struct ipip, df),
	  .def = ITM_DF_INHERIT, .flags = ITM_ATTR_WRITABLE, .names = ipip_df_names,
	  .help = "outer IPv4 Don't Fragment: the inner's (IPv6 inside: set), set or clear" },
	{ .name = "mtu", .type = ITM_ATTR_U32, .off = offsetof(struct ipip, mtu),
	  .min = 68, .max = 65535, .def = 1500, .flags = ITM_ATTR_WRITABLE,
	  .unit = "bytes", .help = "largest outer packet; larger ones follow the DF rules" },
	{ .name = "encap", .type = ITM_ATTR_BOOL, .off = offsetof(struct ipip, encap),
	  .def = 1, .flags = ITM_ATTR_WRITABLE, .help = "encapsulate matching packets" },
	{ .name = "decap", .type = ITM_ATTR_BOOL, .off = offsetof(struct ipip, decap),
	  .def = 1, .flags = ITM_ATTR_WRITABLE, .help = "decapsulate packets from peer to local" },
	ITM_ATTR_END,
};

static int ipip_init(struct itm_mod *m, struct itm_err *err)
{
	const struct ipip *t = itm_mod_priv(m);

	m->needs |= ITM_MOD_NEED_SEGMENTS;	/* it puts an outer header on */
	if (!t->local.family || !t->peer.family)
		return itm_err_set(err, EINVAL, "ipip: local ADDR and peer ADDR are required");
	if (t->local.family != t->peer.family)
		return itm_err_set(err, EINVAL,
				   "ipip: local and peer must both be IPv4 or both IPv6");
	return 0;
}

static bool addr_is(const struct itm_l3 *l3, const uint8_t *addr,
		    const struct itm_prefix *pf)
{
	return l3->family == pf->family &&
	       !memcmp(addr, pf->addr, pf->family == 4 ? 4 : 16);
}

/* Protocol 4 or 41 from src to dst (a fragment too: it has no inner view). */
static bool is_tunnel(const struct itm_l3 *l3, const struct itm_prefix *src,
		      const struct itm_prefix *dst)
{
	return itm_l3_has(l3, ITM_HAVE_PROTO) && (l3->proto == 4 || l3->proto == 41) &&
	       addr_is(l3, l3->src, src) && addr_is(l3, l3->dst, dst);
}

static uint32_t ipip_classify(struct itm_mod *m, struct itm_pkt *p)
{
	const struct ipip *t = itm_mod_priv(m);
	const struct itm_l3 *l3 = &p->v.outer;

	if (!itm_l3_has(l3, ITM_HAVE_IP))
		return 0;
	if (is_tunnel(l3, &t->peer, &t->local))
		return t->decap ? IPIP_DECAP : 0;
	if (!t->encap || is_tunnel(l3, &t->local, &t->peer) ||
	    addr_is(l3, l3->dst, &t->peer))
		return 0;
	if (t->match.n && !itm_prefixes_match(&t->match, l3->family, l3->dst))
		return 0;
	return IPIP_ENCAP;
}

static enum itm_verdict ipip_decap(struct ipip *t, struct itm_pkt *p)
{
	int r = itm_decap(p);

	if (r == 0) {
		t->st.decapsulated++;
		return ITM_MODIFIED;
	}
	if (r == -EPROTO)
		t->st.ecn_drop++;
	else
		t->st.bad++;
	return ITM_DROP;
}

static enum itm_verdict ipip_encap(struct ipip *t, struct itm_pkt *p)
{
	const struct itm_l3 *in = &p->v.outer;
	struct itm_encap_cfg c = {
		.local = t->local, .peer = t->peer, .ttl = t->ttl,
		.dscp = t->tos < 0 ? -1 : t->tos >> 2,
		.df = (enum itm_encap_df)t->df,
	};
	int r;

	if (itm_ip_len(p, in) + itm_encap_hlen(t->local.family) > t->mtu) {
		if (itm_ip_dont_frag(p, in)) {
			t->st.too_big++;
			return ITM_DROP;
		}
		t->st.fragmentable++;
	}
	r = itm_encap(p, &c, t->id);
	if (r == 0) {
		t->id++;
		t->st.encapsulated++;
		return ITM_MODIFIED;
	}
	if (r == -EMSGSIZE)
		t->st.too_big++;
	else
		t->st.errors++;		/* no headroom, or a link without the family */
	return ITM_DROP;		/* never leak a packet meant for the tunnel */
}

static enum itm_verdict ipip_process(struct itm_mod *m, struct itm_pkt *p,
				     uint32_t cls)
{
	struct ipip *t = itm_mod_priv(m);

	return cls == IPIP_DECAP ? ipip_decap(t, p) : ipip_encap(t, p);
}

static void ipip_dump(struct itm_mod *m, FILE *f, bool json)
{
	const struct ipip_stats *s = &((const struct ipip *)itm_mod_priv(m))->st;

	fprintf(f, json ? "{\"encapsulated\":%" PRIu64 ",\"decapsulated\":%" PRIu64
		",\"too_big\":%" PRIu64 ",\"bad\":%" PRIu64 ",\"ecn_drop\":%" PRIu64
		",\"fragmentable\":%" PRIu64 ",\"errors\":%" PRIu64 "}"
		: "  encapsulated %" PRIu64 " decapsulated %" PRIu64 " too_big %" PRIu64
		" bad %" PRIu64 " ecn_drop %" PRIu64 " fragmentable %" PRIu64
		" errors %" PRIu64 "\n", s->encapsulated, s->decapsulated, s->too_big,
		s->bad, s->ecn_drop, s->fragmentable, s->errors);
}

const struct itm_mod_ops itm_mod_ipip = {
	.id = "ipip",
	.help = "IP-in-IP tunnel endpoint: encapsulate toward peer, decapsulate from it (RFC 2003, 6in4)",
	.priv_size = sizeof(struct ipip),
	.attrs = ipip_attrs,
	.default_hook = ITM_HOOK_POST_ROUTING,
	.init = ipip_init,
	.classify = ipip_classify,
	.process = ipip_process,
	.dump = ipip_dump,
};
