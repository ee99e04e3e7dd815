// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interest filters: which packets a module wants to see. Matching reads the
 * outer header only, as the netfilter hooks would; a module that cares about
 * tunnelled traffic looks at p->v.inner itself.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itm/mod.h"
#include "itm/units.h"

static const struct { const char *name; uint8_t proto; } proto_names[] = {
	{ "icmp", 1 }, { "ipip", 4 }, { "tcp", 6 }, { "udp", 17 },
	{ "ipv6", 41 }, { "gre", 47 }, { "esp", 50 }, { "ah", 51 },
	{ "icmpv6", 58 }, { "sctp", 132 }, { "udplite", 136 },
};

static int proto_parse(const char *s, uint8_t *out)
{
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(proto_names) / sizeof(proto_names[0]); i++) {
		if (strcmp(s, proto_names[i].name) == 0) {
			*out = proto_names[i].proto;
			return 0;
		}
	}
	if (itm_parse_u64(s, &v) < 0 || v > 255)
		return -EINVAL;
	*out = (uint8_t)v;
	return 0;
}

static int protos_parse(uint8_t *bitmap, const char *list, struct itm_err *err)
{
	char buf[256], *save = NULL, *tok;
	uint8_t bits[32] = { 0 };
	uint8_t p;

	if (strlen(list) >= sizeof(buf))
		return itm_err_tok(err, list, EINVAL, "protocol list too long");
	strcpy(buf, list);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (proto_parse(tok, &p) < 0)
			return itm_err_tok(err, tok, EINVAL,
					   "unknown protocol \"%s\"", tok);
		bits[p / 8] |= (uint8_t)(1u << (p % 8));
	}
	if (!memcmp(bits, (uint8_t[32]){ 0 }, sizeof(bits)))
		return itm_err_tok(err, list, EINVAL,
				   "empty protocol list (e.g. proto tcp,udp)");
	memcpy(bitmap, bits, sizeof(bits));
	return 0;
}

static int range_parse(const char *s, uint16_t *lo, uint16_t *hi,
		       struct itm_err *err)
{
	char buf[32], *dash;
	uint64_t a, b;

	if (strlen(s) >= sizeof(buf))
		goto bad;
	strcpy(buf, s);
	dash = strchr(buf, '-');
	if (dash)
		*dash = '\0';
	if (itm_parse_u64(buf, &a) < 0 || a > 65535)
		goto bad;
	b = a;
	if (dash && (itm_parse_u64(dash + 1, &b) < 0 || b > 65535 || b < a))
		goto bad;
	if (a == 0)	/* port 0 is what port-less packets report */
		goto bad;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
bad:
	return itm_err_tok(err, s, EINVAL,
			   "\"%s\" is not a port range (PORT or LO-HI, 1..65535)",
			   s);
}

static int ifname_parse(char *dst, const char *s, struct itm_err *err)
{
	if (!*s || strlen(s) >= ITM_IFNAME_MAX)
		return itm_err_tok(err, s, EINVAL,
				   "\"%s\" is not an interface name", s);
	strcpy(dst, s);
	return 0;
}

static int interest_add_prefix(struct itm_prefix *tab, uint8_t *n,
			       const char *s, struct itm_err *err)
{
	if (*n >= ITM_INTEREST_PREFIXES)
		return itm_err_tok(err, s, E2BIG, "at most %d prefixes each",
				   ITM_INTEREST_PREFIXES);
	if (itm_prefix_parse(&tab[*n], s, err) < 0)
		return -EINVAL;
	(*n)++;
	return 0;
}

static bool protos_any(const uint8_t *bits)
{
	static const uint8_t zero[32];

	return memcmp(bits, zero, sizeof(zero)) == 0;
}

/* proto, sport, dport, iif and oif are one clause each (src and dst add
 * up): a second one would silently replace the first. */
static int interest_twice(const struct itm_interest *in, const char *k,
			  struct itm_err *err)
{
	if (!strcmp(k, "proto") && !protos_any(in->protos))
		return itm_err_tok(err, k, EINVAL,
				   "proto given twice: give one list (proto tcp,udp)");
	if ((!strcmp(k, "sport") && in->sport_hi) ||
	    (!strcmp(k, "dport") && in->dport_hi))
		return itm_err_tok(err, k, EINVAL, "%s given twice: a module "
				   "takes one port range (PORT or LO-HI)", k);
	if ((!strcmp(k, "iif") && in->iif[0]) || (!strcmp(k, "oif") && in->oif[0]))
		return itm_err_tok(err, k, EINVAL,
				   "%s given twice: a module takes one device", k);
	return 0;
}

int itm_interest_parse(struct itm_interest *in, int argc, char **argv,
		       struct itm_err *err)
{
	const char *k = argv[0];
	int r;

	if (strcmp(k, "proto") && strcmp(k, "src") && strcmp(k, "dst") &&
	    strcmp(k, "sport") && strcmp(k, "dport") && strcmp(k, "iif") &&
	    strcmp(k, "oif"))
		return 0;
	if (argc < 2)
		return itm_err_tok(err, k, EINVAL, "%s needs a value", k);
	if (interest_twice(in, k, err) < 0)
		return -EINVAL;
	if (!strcmp(k, "proto"))
		r = protos_parse(in->protos, argv[1], err);
	else if (!strcmp(k, "src"))
		r = interest_add_prefix(in->src, &in->n_src, argv[1], err);
	else if (!strcmp(k, "dst"))
		r = interest_add_prefix(in->dst, &in->n_dst, argv[1], err);
	else if (!strcmp(k, "sport"))
		r = range_parse(argv[1], &in->sport_lo, &in->sport_hi, err);
	else if (!strcmp(k, "dport"))
		r = range_parse(argv[1], &in->dport_lo, &in->dport_hi, err);
	else if (!strcmp(k, "iif"))
		r = ifname_parse(in->iif, argv[1], err);
	else
		r = ifname_parse(in->oif, argv[1], err);
	return r < 0 ? r : 2;
}

static bool prefixes_match(const struct itm_prefix *tab, uint8_t n,
			   uint8_t family, const uint8_t *addr)
{
	uint8_t i;

	if (n == 0)
		return true;
	for (i = 0; i < n; i++) {
		if (itm_prefix_match(&tab[i], family, addr))
			return true;
	}
	return false;
}

static bool port_match(uint16_t lo, uint16_t hi, const struct itm_l3 *l3,
		       uint16_t port)
{
	if (hi == 0)
		return true;
	return itm_l3_has(l3, ITM_HAVE_PORTS) && port >= lo && port <= hi;
}

static bool name_match(const char *want, const char *have)
{
	return !want[0] || (have && strcmp(want, have) == 0);
}

bool itm_interest_match(const struct itm_interest *in, const struct itm_pkt *p,
			const char *iif, const char *oif)
{
	const struct itm_l3 *l3 = &p->v.outer;

	if (!name_match(in->iif, iif) || !name_match(in->oif, oif))
		return false;
	if (!protos_any(in->protos) &&
	    (!itm_l3_has(l3, ITM_HAVE_PROTO) ||
	     !(in->protos[l3->proto / 8] & (1u << (l3->proto % 8)))))
		return false;
	if ((in->n_src || in->n_dst) && !itm_l3_has(l3, ITM_HAVE_IP))
		return false;
	if (!prefixes_match(in->src, in->n_src, l3->family, l3->src) ||
	    !prefixes_match(in->dst, in->n_dst, l3->family, l3->dst))
		return false;
	return port_match(in->sport_lo, in->sport_hi, l3, l3->sport) &&
	       port_match(in->dport_lo, in->dport_hi, l3, l3->dport);
}

void itm_interest_format(const struct itm_interest *in, char *buf, size_t len)
{
	size_t o = 0;
	char tmp[64];
	unsigned i;

	buf[0] = '\0';
#define PUT(...) do { if (o < len) o += (size_t)snprintf(buf + o, len - o, __VA_ARGS__); } while (0)
	if (!protos_any(in->protos)) {
		const char *sep = " proto ";

		for (i = 0; i < 256; i++) {
			if (in->protos[i / 8] & (1u << (i % 8))) {
				PUT("%s%u", sep, i);
				sep = ",";
			}
		}
	}
	for (i = 0; i < in->n_src; i++) {
		itm_prefix_format(&in->src[i], tmp, sizeof(tmp));
		PUT(" src %s", tmp);
	}
	for (i = 0; i < in->n_dst; i++) {
		itm_prefix_format(&in->dst[i], tmp, sizeof(tmp));
		PUT(" dst %s", tmp);
	}
	if (in->sport_hi)
		PUT(" sport %u-%u", in->sport_lo, in->sport_hi);
	if (in->dport_hi)
		PUT(" dport %u-%u", in->dport_lo, in->dport_hi);
	if (in->iif[0])
		PUT(" iif %s", in->iif);
	if (in->oif[0])
		PUT(" oif %s", in->oif);
#undef PUT
}
