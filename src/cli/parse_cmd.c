// SPDX-License-Identifier: GPL-2.0-only
/* itm parse: print the parsed keys of every packet of a capture file. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "itm/pcapio.h"
#include "itm/units.h"

static void addr_str(const struct itm_l3 *l3, const uint8_t *a, char *buf,
		     size_t len)
{
	inet_ntop(l3->family == 4 ? AF_INET : AF_INET6, a, buf, (socklen_t)len);
}

/* "src":..,"dst":..,"proto":..,"proto-src":..,"proto-dst":.. of one header */
static void json_l3(FILE *f, const struct itm_l3 *l3, const char *prefix)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];

	if (itm_l3_has(l3, ITM_HAVE_IP)) {
		addr_str(l3, l3->src, s, sizeof(s));
		addr_str(l3, l3->dst, d, sizeof(d));
		fprintf(f, "\"%ssrc\":\"%s\",\"%sdst\":\"%s\",", prefix, s,
			prefix, d);
	} else {
		fprintf(f, "\"%ssrc\":null,\"%sdst\":null,", prefix, prefix);
	}
	if (itm_l3_has(l3, ITM_HAVE_PROTO))
		fprintf(f, "\"%sproto\":%u,", prefix, l3->proto);
	else
		fprintf(f, "\"%sproto\":null,", prefix);
	if (itm_l3_has(l3, ITM_HAVE_PORTS))
		fprintf(f, "\"%sproto-src\":%u,\"%sproto-dst\":%u", prefix,
			l3->sport, prefix, l3->dport);
	else
		fprintf(f, "\"%sproto-src\":null,\"%sproto-dst\":null", prefix,
			prefix);
}

static void print_json(FILE *f, const struct itm_pkt *p)
{
	const struct itm_l3 *o = &p->v.outer;
	struct itm_l3 none = { 0 };

	fputc('{', f);
	json_l3(f, o, "");
	fputc(',', f);
	json_l3(f, p->v.tunnel ? &p->v.inner : &none, "tunnel-");
	if (itm_l3_has(o, ITM_HAVE_IP))
		fprintf(f, ",\"dscp\":%u,\"ecn\":%u}\n", itm_l3_dscp(o),
			itm_l3_ecn(o));
	else
		fputs(",\"dscp\":null,\"ecn\":null}\n", f);
}

static const char *tunnel_name(uint8_t t)
{
	static const char *const names[] = { "", "ipip", "sit", "4in6",
					     "6in6", "gre" };

	return t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

static void text_l3(FILE *f, const struct itm_l3 *l3)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];

	if (!itm_l3_has(l3, ITM_HAVE_IP)) {
		fputs(" -", f);
		return;
	}
	addr_str(l3, l3->src, s, sizeof(s));
	addr_str(l3, l3->dst, d, sizeof(d));
	if (itm_l3_has(l3, ITM_HAVE_PORTS))
		fprintf(f, " %s.%u > %s.%u", s, l3->sport, d, l3->dport);
	else
		fprintf(f, " %s > %s", s, d);
	if (itm_l3_has(l3, ITM_HAVE_PROTO))
		fprintf(f, " proto %u", l3->proto);
	else
		fputs(" proto -", f);
	if (l3->flags & ITM_L3_FRAG)
		fputs(" frag", f);
}

static void print_text(FILE *f, const struct itm_pkt *p, uint64_t n)
{
	const struct itm_l3 *o = &p->v.outer;

	fprintf(f, "%" PRIu64 " %" PRIu64 ".%09" PRIu64, n,
		p->ts_ns / ITM_NSEC_PER_SEC, p->ts_ns % ITM_NSEC_PER_SEC);
	if (!itm_l3_has(o, ITM_HAVE_IP)) {
		fprintf(f, " ethertype 0x%04x len %u\n", p->v.ethertype,
			p->wirelen);
		return;
	}
	fprintf(f, " ipv%u", o->family);
	text_l3(f, o);
	fprintf(f, " dscp %u ecn %u", itm_l3_dscp(o), itm_l3_ecn(o));
	if (p->v.tunnel) {
		fprintf(f, " tunnel %s", tunnel_name(p->v.tunnel));
		text_l3(f, &p->v.inner);
	}
	fprintf(f, " len %u\n", p->wirelen);
}

int parse_main(int argc, char **argv)
{
	struct itm_pcap_in in;
	struct itm_pkt *p;
	const char *path = NULL;
	bool json = false;
	char msg[512];
	int i, r;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!path && argv[i][0] != '-')
			path = argv[i];
		else {
			fprintf(stderr, "itm parse: what is \"%s\"?\n", argv[i]);
			return 2;
		}
	}
	if (!path) {
		fprintf(stderr, "usage: itm parse [--json] FILE\n");
		return 2;
	}
	if (itm_pcap_open(&in, path, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "itm parse: %s\n", msg);
		return 1;
	}
	if (!in.known)
		fprintf(stderr, "itm parse: %s: link type %d not supported; "
			"packets show no keys\n", path, in.dlt);
	while ((r = itm_pcap_next(&in, &p, msg, sizeof(msg))) == 1) {
		if (json)
			print_json(stdout, p);
		else
			print_text(stdout, p, in.count);
		itm_pkt_free(p);
	}
	itm_pcap_close(&in);
	if (r < 0) {
		fprintf(stderr, "itm parse: %s\n", msg);
		return 1;
	}
	return 0;
}
