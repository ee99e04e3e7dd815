// SPDX-License-Identifier: GPL-2.0-only
/*
 * Drop behaviour under a 2x overload, ours against DPDK's rte_pie on the
 * same arrivals: one flow of 1500-byte frames arrives every 600 us
 * (20 Mbit/s) at a queue that serves one packet every 1200 us (10 Mbit/s),
 * for 20 s of simulated time. Figures cover arrivals after the first 2 s:
 * drop fraction, early (AQM) and tail (limit) drops, the largest and the
 * mean queue length seen by arrivals, and the mean sojourn.
 *
 * rte_pie gates a FIFO exactly as rte_sched drives it: rte_pie_enqueue
 * with the queue length before the arrival, and on each departure qlen and
 * qlen_bytes decremented by the caller, then rte_pie_dequeue. Its time is
 * in TSC cycles (rte_get_tsc_hz() after an EAL init without hugepages or
 * devices); our simulated nanoseconds are converted. Parameters match
 * pie's: qdelay_ref 15 ms, update interval 15 ms, max burst 150 ms, tail
 * drop threshold 1000 packets (pie's limit).
 *
 * With DPDK the cost of rte_pie per packet is measured as well, in the
 * batch pattern of bench_qdisc.c, with a one-flow FIFO of 64-byte frames.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_qdisc.h"

#ifdef ITM_HAVE_DPDK
/* rte_pie is still marked experimental in DPDK 22.11 */
#define ALLOW_EXPERIMENTAL_API
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_pie.h>
#include <rte_version.h>
#endif

#define OV_PKT 1500
#define OV_ARRIVAL_NS 600000ull
#define OV_SERVICE_NS 1200000ull
#define OV_END_NS 20000000000ull
#define OV_WARMUP_NS 2000000000ull
#define OV_POOL 16384

struct ov_res {
	uint64_t arrivals, early, tail, other, maxq, qsum;
	uint64_t sojourn_sum, departures;
};

struct ov_sim {
	struct itm_pkt pool[OV_POOL], *free;
	uint8_t frame[OV_PKT];
	struct ov_res res;
	bool counting;		/* past warm-up */
};

static void ov_put(struct ov_sim *s, struct itm_pkt *p)
{
	p->next = s->free;
	s->free = p;
}

static void ov_drop(void *ctx, struct itm_pkt *p, enum itm_drop_cause c)
{
	struct ov_sim *s = ctx;

	if (s->counting) {
		if (c == ITM_DROP_AQM)
			s->res.early++;
		else if (c == ITM_DROP_LIMIT)
			s->res.tail++;
		else
			s->res.other++;
	}
	ov_put(s, p);
}

static void ov_init(struct ov_sim *s)
{
	memset(s, 0, sizeof(*s));
	bench_frame(s->frame, OV_PKT, 1, false);
	for (int i = 0; i < OV_POOL; i++) {
		struct itm_pkt *p = &s->pool[i];

		p->data = s->frame;
		p->caplen = p->wirelen = OV_PKT;
		p->link = ITM_LINK_ETHERNET;
		itm_pkt_parse(p);
		ov_put(s, p);
	}
}

static void ov_arrive(struct ov_sim *s, struct itm_qdisc *q, uint64_t t)
{
	struct itm_pkt *p = s->free;

	s->counting = t >= OV_WARMUP_NS;
	if (!p) {	/* the pool outgrew every limit used here */
		s->res.other++;
		return;
	}
	s->free = p->next;
	p->ts_ns = t;
	itm_qdisc_enqueue(q, p, t);
	if (!s->counting)
		return;
	s->res.arrivals++;
	s->res.qsum += q->stats.qlen;
	if (q->stats.qlen > s->res.maxq)
		s->res.maxq = q->stats.qlen;
}

static void ov_serve(struct ov_sim *s, struct itm_qdisc *q, uint64_t t)
{
	struct itm_pkt *p = itm_qdisc_dequeue(q, t);

	if (!p)
		return;
	if (p->ts_ns >= OV_WARMUP_NS) {
		s->res.sojourn_sum += t - p->enq_ns;
		s->res.departures++;
	}
	ov_put(s, p);
}

static void ov_print(const char *name, const struct ov_res *r)
{
	double n = r->arrivals ? (double)r->arrivals : 1;

	printf("  %-8s drop %5.1f%% (early %5.1f%%, tail %5.1f%%, other %llu)"
	       " queue max %4llu mean %7.1f pkts, sojourn mean %7.1f ms\n", name,
	       100.0 * (double)(r->early + r->tail + r->other) / n,
	       100.0 * (double)r->early / n, 100.0 * (double)r->tail / n,
	       (unsigned long long)r->other, (unsigned long long)r->maxq,
	       (double)r->qsum / n, r->departures ?
	       (double)r->sojourn_sum / (double)r->departures / 1e6 : 0.0);
}

/* The same arrival and service instants for every contestant. */
static void ov_ours(const char *spec)
{
	struct ov_sim *s = malloc(sizeof(*s));
	struct itm_qdisc *q;
	uint64_t ta = 0, ts = OV_SERVICE_NS;

	if (!s)
		exit(1);
	ov_init(s);
	q = bench_qdisc_new(spec, ov_drop, s);
	if (!q) {
		printf("  %-8s not built\n", spec);
		free(s);
		return;
	}
	while (ta < OV_END_NS) {
		if (ta <= ts) {
			ov_arrive(s, q, ta);
			ta += OV_ARRIVAL_NS;
		} else {
			ov_serve(s, q, ts);
			ts += OV_SERVICE_NS;
		}
	}
	ov_print(spec, &s->res);
	itm_qdisc_destroy(q);
	free(s);
}

#ifdef ITM_HAVE_DPDK
static uint64_t tsc_hz;

static uint64_t cycles(uint64_t ns)
{
	return (uint64_t)((unsigned __int128)ns * tsc_hz / 1000000000u);
}

static int rte_setup(int cpu, struct rte_pie_config *cfg, struct rte_pie *pie)
{
	char lcore[16];
	char *argv[] = {
		"bench_qdisc", "-l", lcore, "-m", "64", "--no-huge", "--no-pci",
		"--no-shconf", "--no-telemetry", "--log-level=error", NULL,
	};

	snprintf(lcore, sizeof(lcore), "%d", cpu < 0 ? 0 : cpu);
	if (!tsc_hz) {
		if (rte_eal_init((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv) < 0) {
			printf("  rte_pie skipped: rte_eal_init failed: %s\n",
			       rte_strerror(rte_errno));
			return -1;
		}
		tsc_hz = rte_get_tsc_hz();
	}
	if (rte_pie_config_init(cfg, 15, 15, 150, 1000) ||
	    rte_pie_rt_data_init(pie)) {
		printf("  rte_pie skipped: configuration refused\n");
		return -1;
	}
	return 0;
}

/* A FIFO of arrival times only: rte_pie decides, we count. */
struct rte_fifo {
	uint64_t t[OV_POOL];
	uint32_t head, len;
};

static void rte_arrive(struct rte_fifo *f, struct rte_pie_config *cfg,
		       struct rte_pie *pie, uint64_t t, struct ov_res *r)
{
	int v = rte_pie_enqueue(cfg, pie, f->len, OV_PKT, cycles(t));

	if (v == 0 && f->len < OV_POOL)
		f->t[(f->head + f->len++) % OV_POOL] = t;
	if (t < OV_WARMUP_NS)
		return;
	r->arrivals++;
	r->early += v == 2;
	r->tail += v == 1;
	r->qsum += f->len;
	if (f->len > r->maxq)
		r->maxq = f->len;
}

static void rte_serve(struct rte_fifo *f, struct rte_pie *pie, uint64_t t,
		      struct ov_res *r)
{
	uint64_t arr;

	if (!f->len)
		return;
	arr = f->t[f->head];
	f->head = (f->head + 1) % OV_POOL;
	f->len--;
	pie->qlen--;
	pie->qlen_bytes -= OV_PKT;
	rte_pie_dequeue(pie, OV_PKT, cycles(t));
	if (arr >= OV_WARMUP_NS) {
		r->sojourn_sum += t - arr;
		r->departures++;
	}
}

static void ov_rte(int cpu)
{
	struct rte_pie_config cfg;
	struct rte_pie pie;
	struct rte_fifo *f = calloc(1, sizeof(*f));
	struct ov_res r = { 0 };
	uint64_t ta = 0, ts = OV_SERVICE_NS;

	if (!f || rte_setup(cpu, &cfg, &pie) < 0) {
		free(f);
		return;
	}
	while (ta < OV_END_NS) {
		if (ta <= ts) {
			rte_arrive(f, &cfg, &pie, ta, &r);
			ta += OV_ARRIVAL_NS;
		} else {
			rte_serve(f, &pie, ts, &r);
			ts += OV_SERVICE_NS;
		}
	}
	ov_print("rte_pie", &r);
	printf("           rte_pie end state: drop_prob %.3f burst_allowance %u"
	       " cycles (%.0f ms) active %u\n", pie.drop_prob,
	       pie.burst_allowance, (double)pie.burst_allowance * 1e3 /
	       (double)tsc_hz, pie.active);
	free(f);
}

/* rte_pie's cost in bench_qdisc's batch pattern: 256 64-byte frames. */
static double rte_cost_run(struct rte_pie_config *cfg, struct rte_pie *pie,
			   struct itm_pkt *pk, uint64_t run_ns)
{
	uint64_t t0 = bench_now_ns(), t1, done = 0, now = 1;
	struct itm_pktq q = { 0 };

	do {
		for (int r = 0; r < 16; r++) {
			struct itm_pkt *p;

			for (int j = 0; j < 256; j++) {
				now += cycles(1000);
				if (!rte_pie_enqueue(cfg, pie, q.len, 64, now))
					itm_pktq_push(&q, &pk[j]);
			}
			while ((p = itm_pktq_pop(&q))) {
				now += cycles(1000);
				pie->qlen--;
				pie->qlen_bytes -= p->caplen;
				rte_pie_dequeue(pie, p->caplen, now);
			}
		}
		done += 16 * 256;
		t1 = bench_now_ns();
	} while (t1 - t0 < run_ns);
	return (double)(t1 - t0) / (double)done;
}

static void rte_cost(int cpu, bool quick)
{
	static uint8_t data[256][64];
	static struct itm_pkt pk[256];
	struct rte_pie_config cfg;
	struct rte_pie pie;
	double best = 1e30;

	if (rte_setup(cpu, &cfg, &pie) < 0)
		return;
	for (int j = 0; j < 256; j++) {
		bench_frame(data[j], 64, 0, false);
		pk[j].data = data[j];
		pk[j].caplen = pk[j].wirelen = 64;
	}
	for (int i = 0; i < (quick ? 2 : 5); i++) {
		double ns = rte_cost_run(&cfg, &pie, pk, quick ? 50000000 : 300000000);

		best = ns < best ? ns : best;
	}
	printf("  rte_pie enqueue+dequeue (FIFO it gates, 1 flow, batches of 256):"
	       " %.1f ns/pkt %.2f Mpkt/s; compare pie at flows=1 above\n",
	       best, 1e3 / best);
}
#endif

void bench_overload(bool quick, int cpu)
{
#ifdef ITM_HAVE_DPDK
	printf("%s: rte_pie on the same arrivals (TSC time)\n", rte_version());
	rte_cost(cpu, quick);
#else
	printf("rte_pie comparison skipped: libdpdk-dev is not installed"
	       " (or -Ddpdk=disabled)\n");
#endif
	printf("2x overload: 1500-B frames every 600 us into a queue served every"
	       " 1200 us, 20 s; after the first 2 s\n");
	ov_ours("pfifo");
	ov_ours("pie");
	ov_ours("fq_pie");
#ifdef ITM_HAVE_DPDK
	ov_rte(cpu);
	if (tsc_hz)
		rte_eal_cleanup();
#endif
}
