// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cost of a queueing discipline per packet (one enqueue plus one dequeue),
 * one core, for pfifo, pie and fq_pie with 1, 1k and 64k active flows, then
 * the whole forward path (parse, flow table, modules, fq_pie root) through
 * the engine API, without pcap I/O. Kinds not built are reported and
 * skipped. With DPDK, rte_pie runs the same arrivals (bench_overload.c).
 *
 * Pattern: packets are prebuilt 64-byte IPv4/UDP frames, packet k belongs
 * to flow k mod F, and they are offered in that order, so flows interleave
 * round-robin. Each round enqueues a batch of BATCH packets and then
 * dequeues until the discipline is empty, so the queue swings between 0
 * and BATCH packets (mean occupancy BATCH / 2) and every packet is queued
 * once per round. The clock handed to the discipline advances 1 us per
 * operation: sojourns stay below target / 2, so PIE never drops and the
 * figure is the pure path cost. Each figure is the best of RUNS runs of
 * at least RUN_NS each, against CLOCK_MONOTONIC.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_qdisc.h"
#include "itm/cmd.h"

#define BATCH 256
#define PKT_LEN 64
#define ROUNDS_PER_CHECK 16
#define TARGET_FQ_PIE_NS 60.0
#define TARGET_PIPELINE_MPPS 5.0

struct pktset {
	struct itm_pkt *p;
	uint8_t *data;
	uint32_t n;
};

struct runcfg {
	int runs;
	uint64_t run_ns;
};

static uint64_t drops;

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, v); }

void bench_frame(uint8_t *d, uint32_t n, uint32_t i, bool tcp)
{
	uint8_t *ip = d + 14, *l4 = ip + 20;

	memset(d, 0, n);
	put16(d + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, n - 14);
	ip[8] = 64;
	ip[9] = tcp ? 6 : 17;
	put32(ip + 12, 0x0a000000u | (i >> 16));
	put32(ip + 16, 0xc6336401u);
	put16(l4, 1024 + (i & 0xffff));
	put16(l4 + 2, 5001);
	if (tcp) {
		put32(l4 + 4, 1000);
		l4[12] = 5 << 4;
		l4[13] = 0x10;	/* ACK */
	} else {
		put16(l4 + 4, n - 34);
	}
}

static int pktset_make(struct pktset *s, uint32_t flows, bool tcp)
{
	s->n = flows > BATCH ? flows : BATCH;
	s->p = calloc(s->n, sizeof(*s->p));
	s->data = malloc((size_t)s->n * PKT_LEN);
	if (!s->p || !s->data)
		return -1;
	for (uint32_t k = 0; k < s->n; k++) {
		struct itm_pkt *p = &s->p[k];

		p->data = s->data + (size_t)k * PKT_LEN;
		bench_frame(p->data, PKT_LEN, k % flows, tcp);
		p->caplen = p->wirelen = PKT_LEN;
		p->link = ITM_LINK_ETHERNET;
		itm_pkt_parse(p);
	}
	return 0;
}

static void pktset_free(struct pktset *s)
{
	free(s->p);
	free(s->data);
}

static void count_drop(void *ctx, struct itm_pkt *p, enum itm_drop_cause c)
{
	drops++;
}

struct itm_qdisc *bench_qdisc_new(const char *spec, itm_qdisc_drop_fn *drop_fn,
				  void *ctx)
{
	char buf[256], *argv[32], *save = NULL, *w;
	struct itm_qdisc *q;
	struct itm_err err;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", spec);
	for (w = strtok_r(buf, " ", &save); w && argc < 32; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	if (itm_qdisc_create(&q, argc, argv, drop_fn, ctx, &err) < 0)
		return NULL;
	return q;
}

/* One timed run of the batch pattern; ns per packet. */
static double qdisc_run(struct itm_qdisc *q, const struct pktset *s,
			uint64_t run_ns, uint64_t *now)
{
	uint64_t t0 = bench_now_ns(), t1, done = 0;
	uint32_t k = 0;

	do {
		for (int r = 0; r < ROUNDS_PER_CHECK; r++) {
			for (int j = 0; j < BATCH; j++) {
				itm_qdisc_enqueue(q, &s->p[k], *now += 1000);
				k = k + 1 == s->n ? 0 : k + 1;
			}
			while (itm_qdisc_dequeue(q, *now += 1000))
				;
		}
		done += ROUNDS_PER_CHECK * BATCH;
		t1 = bench_now_ns();
	} while (t1 - t0 < run_ns);
	return (double)(t1 - t0) / (double)done;
}

static double qdisc_best(const char *spec, const struct pktset *s,
			 const struct runcfg *rc)
{
	struct itm_qdisc *q = bench_qdisc_new(spec, count_drop, NULL);
	double best = 1e30;
	uint64_t now = 1;

	if (!q)
		return -1;
	for (int i = 0; i < rc->runs; i++) {
		double ns = qdisc_run(q, s, rc->run_ns, &now);

		best = ns < best ? ns : best;
	}
	itm_qdisc_destroy(q);
	return best;
}

static void bench_qdiscs(const struct runcfg *rc)
{
	static const char *const specs[] = {
		"pfifo", "pie", "fq_pie", "fq_pie flows 65536",
	};
	static const uint32_t nflows[] = { 1, 1024, 65536 };

	printf("enqueue+dequeue, 64-byte IPv4/UDP, batches of %d, best of %d\n",
	       BATCH, rc->runs);
	for (size_t f = 0; f < sizeof(nflows) / sizeof(nflows[0]); f++) {
		struct pktset s;

		if (pktset_make(&s, nflows[f], false) < 0)
			exit(1);
		for (size_t k = 0; k < sizeof(specs) / sizeof(specs[0]); k++) {
			double ns;

			drops = 0;
			ns = qdisc_best(specs[k], &s, rc);
			if (ns < 0) {
				printf("  flows=%-6u %-20s not built\n", nflows[f], specs[k]);
				continue;
			}
			printf("  flows=%-6u %-20s %7.1f ns/pkt %7.2f Mpkt/s drops %llu",
			       nflows[f], specs[k], ns, 1e3 / ns,
			       (unsigned long long)drops);
			if (!strcmp(specs[k], "fq_pie") && nflows[f] == 1024)
				printf("  (target <= %.0f ns: %s)", TARGET_FQ_PIE_NS,
				       BENCH_CHECK(ns <= TARGET_FQ_PIE_NS));
			printf("\n");
		}
		pktset_free(&s);
	}
}

static void pipeline_free(void *ctx, struct itm_pkt *p)
{
	drops++;
}

/* Parse each packet, run the forward path into the root, drain. */
static double pipeline_run(struct itm_engine *e, const struct pktset *s,
			   uint64_t run_ns, uint64_t *now)
{
	uint64_t t0 = bench_now_ns(), t1, done = 0;
	uint32_t k = 0;

	do {
		for (int r = 0; r < ROUNDS_PER_CHECK; r++) {
			for (int j = 0; j < BATCH; j++) {
				struct itm_pkt *p = &s->p[k];

				p->flags = 0;
				itm_pkt_parse(p);
				itm_engine_forward(e, p, *now += 1000);
				k = k + 1 == s->n ? 0 : k + 1;
			}
			while (itm_qdisc_dequeue(e->root, *now += 1000))
				;
			itm_engine_timers(e, *now);
		}
		done += ROUNDS_PER_CHECK * BATCH;
		t1 = bench_now_ns();
	} while (t1 - t0 < run_ns);
	return (double)(t1 - t0) / (double)done;
}

static int pipeline_engine(struct itm_engine **e, const char *root)
{
	char conf[512], msg[256];
	struct itm_err err;

	snprintf(conf, sizeof(conf), "flows limit 131072\n"
		 "module add flow divisor 1024\n"
		 "module add sizeaware hook forward\n"
		 "qdisc add root %s\n", root);
	if (itm_config_load_buf("bench", conf, strlen(conf), e, msg,
				sizeof(msg)) < 0) {
		fprintf(stderr, "%s\n", msg);
		return -1;
	}
	itm_engine_set_free(*e, pipeline_free, NULL);
	if (itm_engine_start(*e, 1, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		itm_engine_destroy(*e);
		return -1;
	}
	return 0;
}

static void bench_pipeline(const struct runcfg *rc)
{
	const char *root = itm_qdisc_find("fq_pie") ? "fq_pie" : "pfifo";
	static const uint32_t nflows[] = { 1024, 65536 };

	printf("pipeline: parse + flow table + modules flow, sizeaware + %s root,"
	       " 64-byte IPv4/TCP%s\n", root,
	       strcmp(root, "fq_pie") ? " (fq_pie not built: pfifo instead)" : "");
	for (size_t f = 0; f < sizeof(nflows) / sizeof(nflows[0]); f++) {
		struct itm_engine *e;
		struct pktset s;
		uint64_t now = 2;
		double best = 1e30;

		if (pktset_make(&s, nflows[f], true) < 0 || pipeline_engine(&e, root) < 0)
			exit(1);
		drops = 0;
		for (int i = 0; i < rc->runs; i++) {
			double ns = pipeline_run(e, &s, rc->run_ns, &now);

			best = ns < best ? ns : best;
		}
		printf("  flows=%-6u %7.1f ns/pkt %6.2f Mpkt/s drops %llu"
		       "  (target >= %.0f Mpkt/s: %s)\n", nflows[f], best,
		       1e3 / best, (unsigned long long)drops, TARGET_PIPELINE_MPPS,
		       BENCH_CHECK(1e3 / best >= TARGET_PIPELINE_MPPS));
		itm_engine_destroy(e);
		pktset_free(&s);
	}
}

static int pin_cpu(void)
{
	cpu_set_t set;
	int cpu;

	if (sched_getaffinity(0, sizeof(set), &set))
		return -1;
	for (cpu = 0; cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &set); cpu++)
		;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -1 : cpu;
}

int main(int argc, char **argv)
{
	bool quick = argc > 1 && !strcmp(argv[1], "--quick");
	struct runcfg rc = { quick ? 2 : 5, quick ? 50000000ull : 300000000ull };
	int cpu = pin_cpu();

	if (cpu < 0)
		perror("sched_setaffinity");
	printf("bench_qdisc%s: pinned to cpu %d\n", quick ? " --quick" : "", cpu);
	bench_qdiscs(&rc);
	bench_pipeline(&rc);
	bench_overload(quick, cpu);
	return 0;
}
