// SPDX-License-Identifier: GPL-2.0-only
/*
 * fq_pie.c, included so that the tests can read flow state (deficits,
 * lists): defaults and the man page's configuration line, flows fixed at
 * creation, limit, memory accounting and enforcement, ECN marking with a
 * valid checksum, the ns-3 DRR deficit trace, 5-tuple and tunnel-key
 * separation, priority and classid override, statistics invariants,
 * change with trim, reset.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "qdirect.h"

#include "itm/engine.h"
#include "pktbuild.h"
#include "testutil.h"
#include "qdisc/fq_pie.c"

#define MS UINT64_C(1000000)
#define NPKT 512

static struct pb bufs[NPKT];
static struct itm_pkt pkts[NPKT];
static uint32_t drops_by[ITM_DROP_CAUSE_MAX];
static struct itm_pkt *last_drop;

static void count_drop(void *ctx, struct itm_pkt *p, enum itm_drop_cause c)
{
	drops_by[c]++;
	last_drop = p;
}

static struct itm_qdisc *make(const char *spec)
{
	char buf[256], *argv[32];
	struct itm_qdisc *q = NULL;
	struct itm_err err;

	snprintf(buf, sizeof(buf), "%s", spec);
	if (itm_qdisc_create(&q, qd_split(buf, argv), argv, count_drop, NULL,
			     &err) != 0)
		fail_msg("%s: %s", spec, err.msg);
	q->hash_key = (struct itm_siphash_key){ 0x1234, 0x5678 };
	memset(drops_by, 0, sizeof(drops_by));
	return q;
}

static struct fq_pie *FQ(struct itm_qdisc *q)
{
	return itm_qdisc_priv(q);
}

/* A bare packet of len bytes in bucket minor-1 (classid 1:minor). */
static struct itm_pkt *cls_pkt(int i, uint32_t len, uint32_t minor)
{
	memset(&pkts[i], 0, sizeof(pkts[i]));
	pkts[i].caplen = pkts[i].wirelen = len;
	pkts[i].classid = 0x10000 | minor;
	return &pkts[i];
}

/* Ethernet + IPv4 + UDP/TCP, payload bytes after the L4 header. */
static struct itm_pkt *ip_pkt(int i, uint8_t tos, uint8_t proto,
			      const char *src, const char *dst, uint16_t sp,
			      uint16_t dp, uint32_t payload)
{
	struct pb *b = &bufs[i];

	pb_init(b);
	pb_eth(b, 0x0800);
	pb_ipv4(b, tos, proto, src, dst, 0);
	if (proto == 6)
		pb_tcp(b, sp, dp, ITM_TCP_ACK, payload);
	else
		pb_udp(b, sp, dp, payload);
	pb_finish(b, &pkts[i]);
	return &pkts[i];
}

/* IPv4 in IPv4 (or in GRE) carrying UDP sp -> dp. */
static struct itm_pkt *tun_pkt(int i, bool gre, uint16_t sp, uint16_t dp)
{
	struct pb *b = &bufs[i];

	pb_init(b);
	pb_eth(b, 0x0800);
	pb_ipv4(b, 0, gre ? 47 : 4, "192.0.2.1", "192.0.2.2", 0);
	if (gre)
		pb_gre(b, 0, 0x0800);
	pb_ipv4(b, 0, 17, "10.0.0.1", "10.0.0.2", 0);
	pb_udp(b, sp, dp, 64);
	pb_finish(b, &pkts[i]);
	return &pkts[i];
}

static uint32_t nonempty_flows(struct itm_qdisc *q)
{
	struct fq_pie *f = FQ(q);
	uint32_t i, n = 0;

	for (i = 0; i < f->flows; i++)
		n += f->flow[i].q.len != 0;
	return n;
}

static uint32_t flow_of(struct itm_qdisc *q, int i)
{
	return fq_pie_classify(q, FQ(q), &pkts[i]);
}

/* ---- tests ---- */

static void test_defaults_and_config_line(void **state)
{
	struct itm_qdisc *q = make("fq_pie");
	struct fq_pie *f = FQ(q);

	assert_int_equal(f->limit, 10240);
	assert_int_equal(f->flows, 1024);
	assert_true(f->params.target_ns == 15 * MS && f->params.tupdate_ns == 15 * MS);
	assert_int_equal(f->params.alpha, 2);
	assert_int_equal(f->params.beta, 20);
	assert_true(f->quantum == 1514);
	assert_true(f->memory_limit == 32u << 20);
	assert_int_equal(f->ecn_prob, 10);
	assert_false(f->params.ecn || f->params.bytemode || f->params.dq_rate_estimator);
	assert_int_equal(f->keys, ITM_FLOW_KEYS_5TUPLE);
	assert_string_equal(qd_show(q, false, false),
			    "qdisc fq_pie 1: root limit 10240p flows 1024 "
			    "target 15.0ms tupdate 15.0ms alpha 2 beta 20 "
			    "quantum 1514b memory_limit 32Mb ecn_prob 10\n");
	assert_string_equal(qd_show(q, true, false) +
			    strlen("qdisc fq_pie 1: root limit 10240p flows 1024 "
				   "target 15.0ms tupdate 15.0ms alpha 2 beta 20 "
				   "quantum 1514b memory_limit 32Mb ecn_prob 10\n"),
			    " Sent 0 bytes 0 pkt (dropped 0, overlimits 0 requeues 0)\n"
			    " backlog 0b 0p requeues 0\n"
			    "  pkts_in 0 overlimit 0 overmemory 0 dropped 0 ecn_mark 0\n"
			    "  new_flow_count 0 new_flows_len 0 old_flows_len 0 memory_used 0\n");
	itm_qdisc_destroy(q);
	q = make("fq_pie dq_rate_estimator ecn keys src,dst,tunnel-src");
	assert_string_equal(qd_show(q, false, false),
			    "qdisc fq_pie 1: root limit 10240p flows 1024 "
			    "target 15.0ms tupdate 15.0ms alpha 2 beta 20 "
			    "quantum 1514b memory_limit 32Mb ecn_prob 10 ecn "
			    "dq_rate_estimator keys src,dst,tunnel-src\n");
	assert_non_null(strstr(qd_show(q, true, true),
			       "\"ecn\":true,\"bytemode\":false,"
			       "\"dq_rate_estimator\":true"));
	itm_qdisc_destroy(q);
	q = make("fq_pie limit 100p flows 65536 target 5ms tupdate 10ms alpha 32 "
		 "beta 0 quantum 300 memory_limit 4mb ecn_prob 99 bytemode");
	assert_string_equal(qd_show(q, false, false),
			    "qdisc fq_pie 1: root limit 100p flows 65536 "
			    "target 5.0ms tupdate 10.0ms alpha 32 beta 0 "
			    "quantum 300b memory_limit 4Mb ecn_prob 99 bytemode\n");
	itm_qdisc_destroy(q);
}

static void test_option_errors(void **state)
{
	static const char *const bad[] = {
		"fq_pie flows 0", "fq_pie flows 65537", "fq_pie alpha 33",
		"fq_pie beta 33", "fq_pie ecn_prob 100", "fq_pie quantum 0",
		"fq_pie quantum 1048577", "fq_pie limit 0", "fq_pie keys foo",
	};
	char buf[256], *argv[32];
	struct itm_qdisc *q;
	struct itm_err err;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(buf, sizeof(buf), "%s", bad[i]);
		q = NULL;
		if (itm_qdisc_create(&q, qd_split(buf, argv), argv, count_drop,
				     NULL, &err) == 0)
			fail_msg("\"%s\" accepted", bad[i]);
		assert_null(q);
	}
}

static void test_flows_fixed(void **state)
{
	struct itm_qdisc *q = make("fq_pie flows 16");
	struct itm_err err;

	assert_int_equal(qd_change(q, "limit 5 flows 32", &err), -EPERM);
	assert_string_equal(err.msg, "flows is fixed at creation");
	assert_int_equal(FQ(q)->flows, 16);
	assert_int_equal(FQ(q)->limit, 10240);	/* all or nothing */
	assert_int_equal(qd_change(q, "limit 5 target 20ms", &err), 0);
	assert_int_equal(FQ(q)->limit, 5);
	assert_true(FQ(q)->params.target_ns == 20 * MS);
	itm_qdisc_destroy(q);
}

static void test_limit(void **state)
{
	struct itm_qdisc *q = make("fq_pie limit 4");
	struct fq_pie *f = FQ(q);
	int i;

	for (i = 0; i < 4; i++)
		itm_qdisc_enqueue(q, cls_pkt(i, 100, 1 + (uint32_t)(i & 1)), 0);
	itm_qdisc_enqueue(q, cls_pkt(4, 100, 3), 0);
	assert_ptr_equal(last_drop, &pkts[4]);
	assert_int_equal(drops_by[ITM_DROP_LIMIT], 1);
	assert_int_equal(f->overlimit, 1);
	assert_int_equal(f->dropped, 1);
	assert_int_equal(f->pkts_in, 4);
	assert_true(q->stats.drops == 1 && q->stats.qlen == 4);
	assert_int_equal(f->flow[0].q.len, 2);
	assert_int_equal(f->flow[1].q.len, 2);
	assert_int_equal(f->flow[2].q.len, 0);
	assert_int_equal(f->flow[2].list, FQP_NONE);
	itm_qdisc_destroy(q);
}

static void test_memory(void **state)
{
	struct itm_qdisc *q = make("fq_pie memory_limit 3000b");
	struct fq_pie *f = FQ(q);
	uint64_t t = sizeof(struct itm_pkt) + 100;
	uint32_t fit = (uint32_t)(3000 / t), i;

	assert_true(fit >= 2 && fit < 20);
	for (i = 0; i < fit; i++)
		itm_qdisc_enqueue(q, cls_pkt((int)i, 100, 1 + i % 3), 0);
	assert_true(f->memory_used == fit * t);
	itm_qdisc_enqueue(q, cls_pkt((int)fit, 100, 5), 0);
	assert_ptr_equal(last_drop, &pkts[fit]);
	assert_int_equal(drops_by[ITM_DROP_MEMORY], 1);
	assert_int_equal(f->overmemory, 1);
	assert_int_equal(f->dropped, 1);
	assert_int_equal(f->overlimit, 0);
	assert_true(f->memory_used == fit * t);
	/* room again after one leaves */
	assert_non_null(itm_qdisc_dequeue(q, 1 * MS));
	assert_true(f->memory_used == (fit - 1) * t);
	itm_qdisc_enqueue(q, cls_pkt((int)fit + 1, 100, 5), 2 * MS);
	assert_true(f->memory_used == fit * t);
	while (itm_qdisc_dequeue(q, 3 * MS))
		;
	assert_true(f->memory_used == 0);
	assert_true(strstr(qd_show(q, true, false), "memory_used 0\n") != NULL);
	/* reset zeroes it too */
	itm_qdisc_enqueue(q, cls_pkt(0, 100, 1), 4 * MS);
	assert_true(f->memory_used == t);
	fq_pie_reset(q);
	assert_true(f->memory_used == 0);
	assert_int_equal(f->qlen, 0);
	assert_int_equal(drops_by[ITM_DROP_FLUSH], 1);
	assert_int_equal(f->new_flows.len + f->old_flows.len, 0);
	assert_null(itm_qdisc_dequeue(q, 5 * MS));
	itm_qdisc_destroy(q);
}

/* ns-3 FqPie test 3: quantum 90, 120-byte packets, every deficit. */
static void test_drr_deficit_trace(void **state)
{
	struct itm_qdisc *q = make("fq_pie quantum 90");
	struct fq_pie *f = FQ(q);
	struct fq_pie_flow *a = &f->flow[0], *b = &f->flow[1];
	uint64_t now = 0;

#define DEFICITS(da, la, db, lb) do { \
		assert_int_equal(a->deficit, da); \
		assert_int_equal(a->list, la); \
		assert_int_equal(b->deficit, db); \
		assert_int_equal(b->list, lb); \
	} while (0)
	itm_qdisc_enqueue(q, cls_pkt(0, 120, 1), now);
	assert_int_equal(a->deficit, 90);
	assert_int_equal(a->list, FQP_NEW);
	assert_ptr_equal(itm_qdisc_dequeue(q, now), &pkts[0]);
	assert_int_equal(a->deficit, -30);
	itm_qdisc_enqueue(q, cls_pkt(1, 120, 1), now);
	itm_qdisc_enqueue(q, cls_pkt(2, 120, 1), now);
	itm_qdisc_enqueue(q, cls_pkt(3, 120, 2), now);
	itm_qdisc_enqueue(q, cls_pkt(4, 120, 2), now);
	DEFICITS(-30, FQP_NEW, 90, FQP_NEW);
	assert_ptr_equal(itm_qdisc_dequeue(q, now), &pkts[3]);
	DEFICITS(60, FQP_OLD, -30, FQP_NEW);
	assert_ptr_equal(itm_qdisc_dequeue(q, now), &pkts[1]);
	DEFICITS(-60, FQP_OLD, 60, FQP_OLD);
	assert_ptr_equal(itm_qdisc_dequeue(q, now), &pkts[4]);
	DEFICITS(30, FQP_OLD, -60, FQP_OLD);
	assert_ptr_equal(itm_qdisc_dequeue(q, now), &pkts[2]);
	DEFICITS(-90, FQP_OLD, 30, FQP_OLD);
	assert_null(itm_qdisc_dequeue(q, now));
	DEFICITS(90, FQP_NONE, 30, FQP_NONE);
	assert_int_equal(f->new_flow_count, 2);
	assert_int_equal(f->new_flows.len + f->old_flows.len, 0);
#undef DEFICITS
	itm_qdisc_destroy(q);
}

/* A backend dequeues once more after the last packet, as Linux's
 * qdisc_run: the emptied flow leaves the lists with its deficit, and its
 * next packet counts as a new flow with a fresh quantum. */
static void test_drained_flows_leave_lists(void **state)
{
	struct itm_qdisc *q = make("fq_pie quantum 90");
	struct fq_pie *f = FQ(q);
	struct fq_pie_flow *a = &f->flow[0];

	itm_qdisc_enqueue(q, cls_pkt(0, 120, 1), 0);
	itm_qdisc_enqueue(q, cls_pkt(1, 60, 1), 0);
	assert_ptr_equal(itm_qdisc_dequeue(q, 0), &pkts[0]);
	itm_qdisc_dequeued(q, 0);	/* not the last: nothing happens */
	assert_int_equal(a->list, FQP_NEW);
	assert_ptr_equal(itm_qdisc_dequeue(q, 0), &pkts[1]);
	assert_int_equal(a->deficit, -30 + 90 - 60);
	itm_qdisc_dequeued(q, 0);
	assert_int_equal(a->list, FQP_NONE);
	assert_int_equal(f->new_flows.len + f->old_flows.len, 0);
	itm_qdisc_enqueue(q, cls_pkt(2, 120, 1), MS);
	assert_int_equal(a->list, FQP_NEW);
	assert_int_equal(a->deficit, 90);
	assert_int_equal(f->new_flow_count, 2);
	itm_qdisc_destroy(q);
}

/* ns-3 FqPie tests 4 and 5: 3,1,1,2 packets in four queues. */
static void check_five_tuple(uint8_t proto)
{
	struct itm_qdisc *q = make("fq_pie limit 10");
	struct fq_pie *f = FQ(q);
	int i;

	for (i = 0; i < 3; i++)
		ip_pkt(i, 0, proto, "10.10.1.1", "10.10.1.2", 7, 27, 100);
	ip_pkt(3, 0, proto, "10.10.1.1", "10.10.1.2", 8, 27, 100);
	ip_pkt(4, 0, proto, "10.10.1.1", "10.10.1.2", 7, 28, 100);
	ip_pkt(5, 0, proto, "10.10.1.1", "10.10.1.7", 7, 27, 100);
	ip_pkt(6, 0, proto, "10.10.1.1", "10.10.1.7", 7, 27, 100);
	for (i = 0; i < 7; i++)
		itm_qdisc_enqueue(q, &pkts[i], 0);
	assert_int_equal(nonempty_flows(q), 4);
	assert_int_equal(f->flow[flow_of(q, 0)].q.len, 3);
	assert_int_equal(f->flow[flow_of(q, 3)].q.len, 1);
	assert_int_equal(f->flow[flow_of(q, 4)].q.len, 1);
	assert_int_equal(f->flow[flow_of(q, 5)].q.len, 2);
	assert_int_equal(f->new_flows.len, 4);
	assert_int_equal(f->new_flow_count, 4);
	itm_qdisc_destroy(q);
}

static void test_five_tuple_separation(void **state)
{
	check_five_tuple(6);
	check_five_tuple(17);
}

static void test_tunnel_keys(void **state)
{
	struct itm_qdisc *q;
	int gre;

	for (gre = 0; gre < 2; gre++) {
		tun_pkt(0, gre, 1000, 80);
		tun_pkt(1, gre, 2000, 80);
		assert_int_equal(pkts[0].v.tunnel,
				 gre ? ITM_TUNNEL_GRE : ITM_TUNNEL_IPIP);
		q = make("fq_pie");
		assert_int_equal(flow_of(q, 0), flow_of(q, 1));
		itm_qdisc_destroy(q);
		q = make("fq_pie keys src,dst,proto,tunnel-src,tunnel-dst,"
			 "tunnel-proto,tunnel-proto-src,tunnel-proto-dst");
		assert_int_not_equal(flow_of(q, 0), flow_of(q, 1));
		itm_qdisc_enqueue(q, &pkts[0], 0);
		itm_qdisc_enqueue(q, &pkts[1], 0);
		assert_int_equal(nonempty_flows(q), 2);
		itm_qdisc_destroy(q);
	}
}

static void test_class_override(void **state)
{
	struct itm_qdisc *q = make("fq_pie flows 8");
	uint32_t hashed;

	cls_pkt(0, 100, 5);
	assert_int_equal(flow_of(q, 0), 4);
	cls_pkt(0, 100, 8);
	assert_int_equal(flow_of(q, 0), 7);
	/* out of range or another major: hashed like classid 0 */
	cls_pkt(1, 100, 0);
	pkts[1].classid = 0;
	hashed = flow_of(q, 1);
	cls_pkt(0, 100, 9);
	assert_int_equal(flow_of(q, 0), hashed);
	cls_pkt(0, 100, 0);
	assert_int_equal(flow_of(q, 0), hashed);
	cls_pkt(0, 100, 5);
	pkts[0].classid = 0x20005;
	assert_int_equal(flow_of(q, 0), hashed);
	/* the priority names a bucket before the class, as skb->priority */
	cls_pkt(0, 100, 5);
	pkts[0].priority = 0x10002;
	assert_int_equal(flow_of(q, 0), 1);
	pkts[0].classid = 0;
	assert_int_equal(flow_of(q, 0), 1);
	/* a priority naming no bucket leaves the class in charge */
	cls_pkt(0, 100, 5);
	pkts[0].priority = 0x10009;
	assert_int_equal(flow_of(q, 0), 4);
	itm_qdisc_destroy(q);
}

/* Congest one flow until PIE acts: 20 packets at 0, dequeues at 300 ms
 * and 450 ms (the burst allowance gone, prob near 0.37). */
static struct itm_qdisc *congested(const char *spec, uint8_t tos)
{
	struct itm_qdisc *q = make(spec);
	int i;

	for (i = 0; i < 20; i++)
		itm_qdisc_enqueue(q, ip_pkt(i, tos, 17, "10.0.0.1", "10.0.0.2",
					    1, 2, 972), 0);
	assert_non_null(itm_qdisc_dequeue(q, 300 * MS));
	assert_non_null(itm_qdisc_dequeue(q, 450 * MS));
	return q;
}

/* arrivals until the first AQM drop or mark */
static int arrivals_until_aqm(struct itm_qdisc *q, uint8_t tos, int *marked)
{
	struct fq_pie *f = FQ(q);
	uint32_t marks = f->ecn_mark, drops = f->dropped;
	int i;

	for (i = 20; i < 60; i++) {
		itm_qdisc_enqueue(q, ip_pkt(i, tos, 17, "10.0.0.1", "10.0.0.2",
					    1, 2, 972), 450 * MS);
		if (f->ecn_mark != marks || f->dropped != drops) {
			*marked = f->ecn_mark != marks ? i : -1;
			return i - 19;
		}
	}
	return 0;
}

static void test_ecn(void **state)
{
	struct itm_qdisc *q;
	struct fq_pie_flow *fl;
	uint32_t in;
	int marked, n;

	/* ECT(0), ecn, prob (0.37) <= ecn_prob 99 %: CE and queued */
	q = congested("fq_pie ecn ecn_prob 99", 0x02);
	fl = &FQ(q)->flow[flow_of(q, 0)];
	assert_true(fl->vars.prob > PIE_MAX_PROB / 3 &&
		    fl->vars.prob < PIE_MAX_PROB / 2);
	in = FQ(q)->pkts_in;
	n = arrivals_until_aqm(q, 0x02, &marked);
	assert_true(n >= 3 && n <= 23);	/* ceil(0.85/p) .. ceil(8.5/p) */
	assert_true(marked > 0);
	assert_int_equal(FQ(q)->ecn_mark, 1);
	assert_int_equal(FQ(q)->dropped, 0);
	assert_int_equal(FQ(q)->pkts_in, in + (uint32_t)n);
	assert_int_equal(itm_l3_ecn(&pkts[marked].v.outer), 3);
	assert_int_equal(bufs[marked].d[15], 0x03);
	assert_int_equal(itm_csum_verify(&pkts[marked]), 0);
	assert_ptr_equal(fl->q.tail, &pkts[marked]);
	assert_true(fl->vars.accu_prob == 0);	/* cleared after a mark */
	itm_qdisc_destroy(q);
	/* Not-ECT: dropped */
	q = congested("fq_pie ecn ecn_prob 99", 0x00);
	n = arrivals_until_aqm(q, 0x00, &marked);
	assert_true(n >= 3 && n <= 23 && marked == -1);
	assert_int_equal(drops_by[ITM_DROP_AQM], 1);
	assert_int_equal(FQ(q)->ecn_mark, 0);
	itm_qdisc_destroy(q);
	/* prob above ecn_prob (10 %): ECT dropped too */
	q = congested("fq_pie ecn", 0x02);
	n = arrivals_until_aqm(q, 0x02, &marked);
	assert_true(n >= 3 && n <= 23 && marked == -1);
	assert_int_equal(drops_by[ITM_DROP_AQM], 1);
	assert_int_equal(itm_l3_ecn(&pkts[19 + n].v.outer), 2);
	itm_qdisc_destroy(q);
	/* ecn off: dropped */
	q = congested("fq_pie ecn_prob 99", 0x02);
	n = arrivals_until_aqm(q, 0x02, &marked);
	assert_true(n >= 3 && n <= 23 && marked == -1);
	itm_qdisc_destroy(q);
}

/* Many flows, overload, a slow link: the counters stay consistent. */
struct heap_pkt {
	struct itm_pkt p;
	struct pb b;
};

static void free_drop(void *ctx, struct itm_pkt *p, enum itm_drop_cause c)
{
	drops_by[c]++;
	free(p);
}

static void check_invariants(struct itm_qdisc *q, uint64_t sent)
{
	struct fq_pie *f = FQ(q);
	uint64_t mem = 0;
	uint32_t i;

	assert_true(f->pkts_in == sent + f->qlen);
	assert_int_equal(f->qlen, q->stats.qlen);
	assert_int_equal(f->overlimit, drops_by[ITM_DROP_LIMIT]);
	assert_int_equal(f->overmemory, drops_by[ITM_DROP_MEMORY]);
	assert_int_equal(f->dropped, f->overlimit + f->overmemory +
			 drops_by[ITM_DROP_AQM]);
	assert_true(q->stats.drops == f->dropped);
	assert_true(f->new_flows.len + f->old_flows.len >= nonempty_flows(q));
	for (i = 0; i < f->flows; i++) {
		const struct itm_pkt *p;

		for (p = f->flow[i].q.head; p; p = p->next)
			mem += fq_pie_truesize(p);
	}
	assert_true(f->memory_used == mem);
	assert_true(f->memory_used <= f->memory_limit);
}

static void test_stats_invariants(void **state)
{
	char spec[] = "fq_pie limit 100 flows 64 memory_limit 100kb";
	struct itm_qdisc *q = NULL;
	struct itm_err err;
	char *argv[16];
	uint64_t now = 0, sent = 0;
	struct itm_pkt *p;
	uint32_t k, i;

	assert_int_equal(itm_qdisc_create(&q, qd_split(spec, argv), argv,
					  free_drop, NULL, &err), 0);
	q->hash_key = (struct itm_siphash_key){ 3, 4 };
	memset(drops_by, 0, sizeof(drops_by));
	for (k = 0; k < 4000; k++) {
		now += 1 * MS;
		for (i = 0; i < 3; i++) {
			struct heap_pkt *h = malloc(sizeof(*h));
			char dst[32];

			assert_non_null(h);
			snprintf(dst, sizeof(dst), "10.0.%u.%u", (k + i) % 7,
				 (k * 3 + i) % 5);
			pb_init(&h->b);
			pb_eth(&h->b, 0x0800);
			pb_ipv4(&h->b, 0, 17, "10.1.1.1", dst, 0);
			pb_udp(&h->b, 1, 2, k < 2000 ? 60 : 1400);
			pb_finish(&h->b, &h->p);
			itm_qdisc_enqueue(q, &h->p, now);
		}
		p = itm_qdisc_dequeue(q, now);
		if (p) {
			sent++;
			free(p);
		}
		if (k % 100 == 99)
			check_invariants(q, sent);
	}
	assert_true(drops_by[ITM_DROP_LIMIT] > 0);
	assert_true(drops_by[ITM_DROP_MEMORY] > 0);
	assert_true(drops_by[ITM_DROP_AQM] > 0);
	itm_qdisc_destroy(q);	/* flush drops free the rest */
}

static void test_change_trims_fattest(void **state)
{
	struct itm_qdisc *q = make("fq_pie");
	struct fq_pie *f = FQ(q);
	uint64_t t = sizeof(struct itm_pkt);
	struct itm_err err;

	itm_qdisc_enqueue(q, cls_pkt(0, 100, 1), 0);
	itm_qdisc_enqueue(q, cls_pkt(1, 100, 1), 0);
	itm_qdisc_enqueue(q, cls_pkt(2, 100, 1), 0);
	itm_qdisc_enqueue(q, cls_pkt(3, 500, 2), 0);
	assert_int_equal(qd_change(q, "limit 2", &err), 0);
	/* bucket 1 (500 b) is the fattest, then bucket 0 (300 b) */
	assert_int_equal(drops_by[ITM_DROP_LIMIT], 2);
	assert_int_equal(f->flow[1].q.len, 0);
	assert_int_equal(f->flow[0].q.len, 2);
	assert_ptr_equal(f->flow[0].q.head, &pkts[1]);
	assert_true(f->memory_used == 2 * (t + 100));
	assert_true(q->stats.qlen == 2 && q->stats.backlog_bytes == 200);
	assert_ptr_equal(itm_qdisc_dequeue(q, 1 * MS), &pkts[1]);
	assert_ptr_equal(itm_qdisc_dequeue(q, 1 * MS), &pkts[2]);
	assert_null(itm_qdisc_dequeue(q, 1 * MS));
	assert_int_equal(f->dropped, 0);	/* trims are generic drops */
	assert_true(q->stats.drops == 2);
	itm_qdisc_destroy(q);
}

/* The engine gives the root qdisc its key at start: the same in every
 * seeded (replay) run, so hashing and random drops are reproducible. */
static void test_engine_seeds_key(void **state)
{
	struct itm_engine *e1 = test_engine("qdisc add root fq_pie\n",
					    TEST_START | TEST_SEEDED);
	struct itm_engine *e2 = test_engine("qdisc add root fq_pie\n",
					    TEST_START | TEST_SEEDED);

	assert_true(e1->root->hash_key.k0 == e2->root->hash_key.k0);
	assert_true(e1->root->hash_key.k1 == e2->root->hash_key.k1);
	assert_true(e1->root->hash_key.k0 != e1->root->hash_key.k1);
	itm_engine_destroy(e1);
	itm_engine_destroy(e2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_and_config_line),
		cmocka_unit_test(test_option_errors),
		cmocka_unit_test(test_flows_fixed),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_memory),
		cmocka_unit_test(test_drr_deficit_trace),
		cmocka_unit_test(test_drained_flows_leave_lists),
		cmocka_unit_test(test_five_tuple_separation),
		cmocka_unit_test(test_tunnel_keys),
		cmocka_unit_test(test_class_override),
		cmocka_unit_test(test_ecn),
		cmocka_unit_test(test_stats_invariants),
		cmocka_unit_test(test_change_trims_fattest),
		cmocka_unit_test(test_engine_seeds_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
