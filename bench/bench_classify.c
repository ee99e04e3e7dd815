// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-packet cost of the classification and marking modules, through the
 * engine's hook chain as the pipeline calls them:
 *   flow (outer keys)   hash of the outer 5-tuple, plain IPv4 TCP packets
 *   flow (tunnel keys)  outer + tunnel keys, IPv4-in-IPv4 TCP packets
 *   pias                flow-table lookup, sequence accounting, DSCP rewrite
 * at 1k and 1M flows, flows visited in a shuffled order so that the flow
 * table is not walked in cache-friendly order. Each packet is written into
 * one hot buffer and parsed, as a receive path would hand it over; the same
 * loop with no module is the baseline, and the module's cost is the
 * difference. Prints ns per packet.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "itm/cmd.h"

#define PKT_LEN 94	/* Ethernet + IPv4 + IPv4 + TCP */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, v); }

/* Flow i's packet: plain or inside an IPIP tunnel, TCP with flags. */
static void build(uint8_t *d, uint32_t i, int tunnel, uint8_t flags, uint32_t seq)
{
	uint8_t *ip = d + 14, *tcp;

	memset(d, 0, PKT_LEN);
	put16(d + 12, 0x0800);
	ip[0] = 0x45;
	ip[8] = 64;
	put32(ip + 12, 0xc0000200u);	/* 192.0.2.0 */
	put32(ip + 16, 0xc6336400u);	/* 198.51.100.0 */
	if (tunnel) {
		ip[9] = 4;
		put16(ip + 2, 80);
		ip += 20;
		ip[0] = 0x45;
		ip[8] = 64;
		put32(ip + 12, 0x0a000000u | (i >> 16));
		put32(ip + 16, 0x0b000000u);
	}
	ip[9] = 6;
	put16(ip + 2, 40 + (tunnel ? 0 : 20));
	if (!tunnel) {
		put32(ip + 12, 0x0a000000u | (i >> 16));
		put16(ip + 2, 60);
	}
	tcp = ip + 20;
	put16(tcp, (uint16_t)i);
	put16(tcp + 2, 443);
	put32(tcp + 4, seq);
	tcp[12] = 5 << 4;
	tcp[13] = flags;
}

struct bench {
	struct itm_engine *e;
	struct itm_pkt *pkts;
	uint8_t *data;
	uint32_t *order;
	uint32_t n;
	int tunnel;
};

static int bench_setup(struct bench *b, const char *conf, uint32_t n, int tunnel)
{
	char msg[256];
	struct itm_err err;
	uint32_t i;

	if (itm_config_load_buf("bench", conf, strlen(conf), &b->e, msg,
				sizeof(msg)) < 0 ||
	    itm_engine_start(b->e, 1, &err) < 0) {
		fprintf(stderr, "%s\n", msg);
		return -1;
	}
	b->n = n;
	b->tunnel = tunnel;
	b->pkts = calloc(n, sizeof(*b->pkts));
	b->data = malloc((size_t)n * PKT_LEN);
	b->order = malloc((size_t)n * sizeof(*b->order));
	for (i = 0; i < n; i++) {
		struct itm_pkt *p = &b->pkts[i];

		p->data = b->data + (size_t)i * PKT_LEN;
		build(p->data, i, tunnel, 0x02, 1000);	/* SYN opens the flow */
		p->caplen = p->wirelen = tunnel ? 94 : 74;
		p->link = ITM_LINK_ETHERNET;
		itm_pkt_parse(p);
		itm_engine_run_hook(b->e, ITM_HOOK_POST_ROUTING, p, 2);
		build(p->data, i, tunnel, 0x10, 1001);	/* then data-less ACKs */
		itm_pkt_parse(p);
		b->order[i] = i;
	}
	srand(1);
	for (i = n - 1; i > 0; i--) {
		uint32_t j = (uint32_t)rand() % (i + 1), t = b->order[i];

		b->order[i] = b->order[j];
		b->order[j] = t;
	}
	return 0;
}

static double bench_run(struct bench *b)
{
	uint64_t t0, t1, done = 0, now = 3;
	uint8_t hot[PKT_LEN];
	struct itm_pkt p;

	t0 = now_ns();
	do {
		for (uint32_t k = 0; k < b->n; k++) {
			build(hot, b->order[k], b->tunnel, 0x10, 1001);
			memset(&p, 0, sizeof(p));
			p.data = hot;
			p.caplen = p.wirelen = b->tunnel ? 94 : 74;
			p.link = ITM_LINK_ETHERNET;
			p.ts_ns = now;
			itm_pkt_parse(&p);
			itm_engine_run_hook(b->e, ITM_HOOK_POST_ROUTING, &p, now);
		}
		done += b->n;
		now++;
		t1 = now_ns();
	} while (t1 - t0 < 500000000ull);
	return (double)(t1 - t0) / (double)done;
}

static void bench_free(struct bench *b)
{
	itm_engine_destroy(b->e);
	free(b->pkts);
	free(b->data);
	free(b->order);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name, *conf;
		int tunnel;
	} cases[] = {
		{ "flow outer keys", "module add flow divisor 1024\n", 0 },
		{ "flow tunnel keys", "module add flow divisor 1024 keys src,dst,proto,"
		  "proto-src,proto-dst,tunnel-src,tunnel-dst,tunnel-proto,"
		  "tunnel-proto-src,tunnel-proto-dst\n", 1 },
		{ "pias", "flows limit 2000000\nmodule add pias\n", 0 },
	};
	uint32_t sizes[] = { 1000, 1000000 };
	int quick = argc > 1 && !strcmp(argv[1], "--quick");
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof(set), &set);
	printf("ns per packet through the post-routing hook, one core;"
	       " module = total - baseline (write, parse, empty chain)\n");
	for (size_t s = 0; s < (quick ? 1u : 2u); s++) {
		double base[2];
		struct bench b;

		for (int t = 0; t < 2; t++) {
			if (bench_setup(&b, "", sizes[s], t) < 0)
				return 1;
			base[t] = bench_run(&b);
			bench_free(&b);
		}
		printf("flows=%-8u baseline           %6.1f ns/pkt (tunnelled %.1f)\n",
		       sizes[s], base[0], base[1]);
		for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
			double total;

			if (bench_setup(&b, cases[c].conf, sizes[s], cases[c].tunnel) < 0)
				return 1;
			total = bench_run(&b);
			printf("flows=%-8u %-18s %6.1f ns/pkt total, module %6.1f\n",
			       sizes[s], cases[c].name, total,
			       total - base[cases[c].tunnel]);
			bench_free(&b);
		}
	}
	return 0;
}
