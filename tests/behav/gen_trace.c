// SPDX-License-Identifier: GPL-2.0-only
/*
 * gen_trace: write a pcap of synthetic UDP flows for the behavioural tests.
 *
 *   gen_trace [--seed N] OUT.pcap FLOW...
 *   FLOW := key=value,key=value...
 *     id=N           flow id carried in every payload (default: position)
 *     kind=K         cbr | poisson | burst | sparse (default cbr)
 *     rate=R         cbr/poisson mean rate, burst spacing (tc units: 20mbit)
 *     size=B         Ethernet frame length in bytes (default 1500, >= 60)
 *     start=T stop=T first departure and end (tc units: 2s, 150ms)
 *     count=N        burst: packets sent back to back at `rate` from start
 *     every=T        sparse: one packet each T (default 20ms)
 *     src=A:P dst=A:P  IPv4 address and UDP port
 *     ect=1          ECT(0) in the (inner) IP header
 *     tunnel=A>B     wrap in IPv4-in-IPv4 from A to B
 *
 * Packets of all flows are merged by time (ties: flow order, then sequence)
 * and written with nanosecond timestamps. Poisson gaps come from a seeded
 * generator, so a spec and a seed always give the same bytes.
 */
#include <arpa/inet.h>
#include <math.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "behav.h"
#include "itm/units.h"

enum kind { K_CBR, K_POISSON, K_BURST, K_SPARSE };

struct flow {
	uint32_t id, size, count;
	enum kind kind;
	uint64_t rate, start, stop, every;
	uint32_t src, dst, tsrc, tdst;
	uint16_t sport, dport;
	int ect, tunnel;
};

struct gpkt {
	uint64_t t;
	uint32_t flow, seq;
};

struct trace {
	struct gpkt *p;
	size_t n, cap;
	uint64_t rng;
};

static int parse_addr(const char *s, uint32_t *a, uint16_t *port)
{
	char buf[64], *colon;
	struct in_addr in;

	snprintf(buf, sizeof(buf), "%s", s);
	colon = strchr(buf, ':');
	if (colon) {
		*colon = '\0';
		*port = (uint16_t)strtoul(colon + 1, NULL, 10);
	}
	if (inet_pton(AF_INET, buf, &in) != 1)
		return -1;
	*a = ntohl(in.s_addr);
	return 0;
}

static int parse_tunnel(struct flow *f, const char *s)
{
	char buf[64], *gt;
	uint16_t unused = 0;

	snprintf(buf, sizeof(buf), "%s", s);
	gt = strchr(buf, '>');
	if (!gt)
		return -1;
	*gt = '\0';
	f->tunnel = 1;
	return parse_addr(buf, &f->tsrc, &unused) < 0 ||
	       parse_addr(gt + 1, &f->tdst, &unused) < 0 ? -1 : 0;
}

static int parse_kind(struct flow *f, const char *v)
{
	static const char *const names[] = { "cbr", "poisson", "burst", "sparse" };

	for (int k = 0; k < 4; k++) {
		if (!strcmp(v, names[k])) {
			f->kind = (enum kind)k;
			return 0;
		}
	}
	return -1;
}

static int parse_num(const char *v, uint32_t *out)
{
	uint64_t x;

	if (itm_parse_u64(v, &x) < 0 || x > UINT32_MAX)
		return -1;
	*out = (uint32_t)x;
	return 0;
}

static int parse_kv(struct flow *f, const char *k, const char *v)
{
	if (!strcmp(k, "id"))
		return parse_num(v, &f->id);
	if (!strcmp(k, "kind"))
		return parse_kind(f, v);
	if (!strcmp(k, "rate"))
		return itm_parse_rate(v, &f->rate);
	if (!strcmp(k, "size"))
		return parse_num(v, &f->size);
	if (!strcmp(k, "count"))
		return parse_num(v, &f->count);
	if (!strcmp(k, "start"))
		return itm_parse_time(v, &f->start);
	if (!strcmp(k, "stop"))
		return itm_parse_time(v, &f->stop);
	if (!strcmp(k, "every"))
		return itm_parse_time(v, &f->every);
	if (!strcmp(k, "src"))
		return parse_addr(v, &f->src, &f->sport);
	if (!strcmp(k, "dst"))
		return parse_addr(v, &f->dst, &f->dport);
	if (!strcmp(k, "ect")) {
		f->ect = atoi(v);
		return 0;
	}
	if (!strcmp(k, "tunnel"))
		return parse_tunnel(f, v);
	return -1;
}

static int parse_flow(struct flow *f, const char *spec, uint32_t pos)
{
	char buf[512], *save = NULL, *tok;

	*f = (struct flow){ .id = pos, .size = 1500, .kind = K_CBR,
			    .every = 20 * ITM_NSEC_PER_SEC / 1000,
			    .stop = UINT64_MAX, .src = 0x0a000001,
			    .dst = 0x0a000101, .sport = (uint16_t)(1000 + pos),
			    .dport = 5001 };
	snprintf(buf, sizeof(buf), "%s", spec);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq || (*eq = '\0', parse_kv(f, tok, eq + 1) < 0)) {
			fprintf(stderr, "gen_trace: bad flow item \"%s\" in %s\n",
				tok, spec);
			return -1;
		}
	}
	if (f->size < 60 || f->size > 9000 ||
	    ((f->kind == K_CBR || f->kind == K_POISSON || f->kind == K_BURST) &&
	     !f->rate) || (f->stop == UINT64_MAX && f->kind != K_BURST)) {
		fprintf(stderr, "gen_trace: %s: needs rate, stop, 60 <= size <= 9000\n",
			spec);
		return -1;
	}
	return 0;
}

/* splitmix64: small, seedable, good enough for exponential gaps */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double rng_exp(uint64_t *s)
{
	double u = ((double)(rng_next(s) >> 11) + 0.5) / 9007199254740992.0;

	return -log(u);
}

static int trace_add(struct trace *t, uint64_t when, uint32_t flow, uint32_t seq)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 4096;
		struct gpkt *p = realloc(t->p, cap * sizeof(*p));

		if (!p)
			return -1;
		t->p = p;
		t->cap = cap;
	}
	t->p[t->n++] = (struct gpkt){ when, flow, seq };
	return 0;
}

/* Gap before the next packet of f, in ns. */
static uint64_t flow_gap(const struct flow *f, uint64_t *rng)
{
	double mean;

	if (f->kind == K_SPARSE)
		return f->every;
	mean = (double)f->size * 8.0 * 1e9 / (double)f->rate;
	if (f->kind == K_POISSON)
		return (uint64_t)(mean * rng_exp(rng));
	return (uint64_t)(mean + 0.5);
}

static int flow_times(struct trace *t, const struct flow *f, uint32_t idx)
{
	uint64_t when = f->start;
	uint32_t seq = 0;

	while (f->kind == K_BURST ? seq < f->count : when < f->stop) {
		if (trace_add(t, when, idx, seq++) < 0)
			return -1;
		when += flow_gap(f, &t->rng);
	}
	return 0;
}

static int gpkt_cmp(const void *a, const void *b)
{
	const struct gpkt *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	if (x->flow != y->flow)
		return x->flow < y->flow ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void put_ipv4(uint8_t *ip, uint32_t len, uint8_t tos, uint8_t proto,
		     uint32_t src, uint32_t dst)
{
	uint32_t sum = 0;

	memset(ip, 0, BEHAV_IP_LEN);
	ip[0] = 0x45;
	ip[1] = tos;
	behav_put16(ip + 2, len);
	ip[6] = 0x40;	/* DF */
	ip[8] = 64;
	ip[9] = proto;
	behav_put32(ip + 12, src);
	behav_put32(ip + 16, dst);
	for (int i = 0; i < BEHAV_IP_LEN; i += 2)
		sum += (uint32_t)ip[i] << 8 | ip[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	behav_put16(ip + 10, ~sum & 0xffff);
}

/* Ethernet, [outer IPv4,] IPv4, UDP (checksum 0: none), tag; zero padding. */
static void build(uint8_t *d, const struct flow *f, uint32_t seq)
{
	uint32_t ip_len = f->size - BEHAV_ETH_LEN;
	uint8_t tos = f->ect ? 0x02 : 0x00, *ip = d + BEHAV_ETH_LEN, *udp;

	memset(d, 0, f->size);
	memcpy(d, "\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00", BEHAV_ETH_LEN);
	if (f->tunnel) {
		put_ipv4(ip, ip_len, tos, 4, f->tsrc, f->tdst);
		ip += BEHAV_IP_LEN;
		ip_len -= BEHAV_IP_LEN;
	}
	put_ipv4(ip, ip_len, tos, 17, f->src, f->dst);
	udp = ip + BEHAV_IP_LEN;
	behav_put16(udp, f->sport);
	behav_put16(udp + 2, f->dport);
	behav_put16(udp + 4, ip_len - BEHAV_IP_LEN);
	memcpy(udp + BEHAV_UDP_LEN, BEHAV_MAGIC, 4);
	behav_put32(udp + BEHAV_UDP_LEN + 4, f->id);
	behav_put32(udp + BEHAV_UDP_LEN + 8, seq);
}

static int write_pcap(const char *path, const struct trace *t,
		      const struct flow *flows)
{
	pcap_t *pc = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 65535,
							  PCAP_TSTAMP_PRECISION_NANO);
	pcap_dumper_t *d = pc ? pcap_dump_open(pc, path) : NULL;
	uint8_t buf[9000];

	if (!d) {
		fprintf(stderr, "gen_trace: %s: %s\n", path,
			pc ? pcap_geterr(pc) : "pcap_open_dead failed");
		if (pc)
			pcap_close(pc);
		return -1;
	}
	for (size_t i = 0; i < t->n; i++) {
		const struct flow *f = &flows[t->p[i].flow];
		struct pcap_pkthdr h = {
			.ts = { .tv_sec = (time_t)(t->p[i].t / ITM_NSEC_PER_SEC),
				.tv_usec = (suseconds_t)(t->p[i].t % ITM_NSEC_PER_SEC) },
			.caplen = f->size, .len = f->size,
		};

		build(buf, f, t->p[i].seq);
		pcap_dump((u_char *)d, &h, buf);
	}
	pcap_dump_close(d);
	pcap_close(pc);
	return 0;
}

int main(int argc, char **argv)
{
	struct trace t = { .rng = 1 };
	struct flow *flows;
	int a = 1, nflows, rc = 0;

	if (argc > 2 && !strcmp(argv[1], "--seed")) {
		t.rng = strtoull(argv[2], NULL, 0);
		a = 3;
	}
	if (argc - a < 2) {
		fprintf(stderr, "usage: gen_trace [--seed N] OUT.pcap FLOW...\n");
		return 2;
	}
	nflows = argc - a - 1;
	flows = calloc((size_t)nflows, sizeof(*flows));
	for (int i = 0; flows && i < nflows && !rc; i++)
		rc = parse_flow(&flows[i], argv[a + 1 + i], (uint32_t)i) < 0 ||
		     flow_times(&t, &flows[i], (uint32_t)i) < 0;
	if (!flows || rc) {
		free(flows);
		free(t.p);
		return 2;
	}
	qsort(t.p, t.n, sizeof(*t.p), gpkt_cmp);
	rc = write_pcap(argv[a], &t, flows) < 0;
	printf("gen_trace: %zu packets, %d flows -> %s\n", t.n, nflows, argv[a]);
	free(flows);
	free(t.p);
	return rc;
}
