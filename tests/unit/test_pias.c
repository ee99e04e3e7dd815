// SPDX-License-Identifier: GPL-2.0-only
/*
 * PIAS tagging: thresholds, sequence accounting (retransmissions, 32-bit
 * wrap), flow lifecycle, aging with the consecutive-timeout gap test that
 * pias4 got wrong, message detection, ECN handling, filters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "itm/cmd.h"
#include "pktbuild.h"
#include "testutil.h"

#define MS 1000000ull

static struct itm_engine *engine(const char *conf)
{
	return test_engine(conf, TEST_START);
}

/* 3 priorities: DSCP 46 to 1000 bytes, 26 to 3000, 8 beyond */
static const char *conf3 = "module add pias prio_num 3 prio_thresh_0 1000 "
	"prio_thresh_1 3000 prio_dscp_0 46 prio_dscp_1 26 prio_dscp_2 8 "
	"rto_min 10ms timeout_thresh 2 timeout_seq_gap 2000\n";

/* One TCP segment (at most 1900 bytes of payload: the builder's buffer
 * holds 2048) client->server (dir 0) or back (dir 1) at t through hook h;
 * returns the TOS it leaves with. */
static int seg_at(struct itm_engine *e, enum itm_hook h, int dir, uint8_t flags,
		  uint32_t seq, uint32_t ack, uint32_t len, uint64_t t,
		  uint8_t tos)
{
	struct itm_pkt p;
	struct pb b;
	uint32_t o;

	pb_init(&b);
	pb_eth(&b, 0x0800);
	pb_ipv4(&b, tos, 6, dir ? "198.51.100.1" : "192.0.2.1",
		dir ? "192.0.2.1" : "198.51.100.1", 0);
	o = pb_tcp(&b, dir ? 80 : 4000, dir ? 4000 : 80, flags, len);
	b.d[o + 4] = (uint8_t)(seq >> 24); b.d[o + 5] = (uint8_t)(seq >> 16);
	b.d[o + 6] = (uint8_t)(seq >> 8); b.d[o + 7] = (uint8_t)seq;
	b.d[o + 8] = (uint8_t)(ack >> 24); b.d[o + 9] = (uint8_t)(ack >> 16);
	b.d[o + 10] = (uint8_t)(ack >> 8); b.d[o + 11] = (uint8_t)ack;
	pb_finish(&b, &p);
	p.ts_ns = t;
	itm_engine_timers(e, t);
	itm_engine_run_hook(e, h, &p, t);
	return p.v.outer.tos;
}

/* The same at post-routing, where a router sees both directions. */
static int seg(struct itm_engine *e, int dir, uint8_t flags, uint32_t seq,
	       uint32_t ack, uint32_t len, uint64_t t, uint8_t tos)
{
	return seg_at(e, ITM_HOOK_POST_ROUTING, dir, flags, seq, ack, len, t, tos);
}

#define DSCP(tos) ((tos) >> 2)

static void test_thresholds_and_retransmission(void **state)
{
	struct itm_engine *e = engine(conf3);
	uint32_t s = 100;

	assert_int_equal(DSCP(seg(e, 0, ITM_TCP_SYN, s, 0, 0, 1, 0)), 46);
	s++;
	assert_int_equal(DSCP(seg(e, 0, ITM_TCP_ACK, s, 1, 500, 2, 0)), 46);
	assert_int_equal(DSCP(seg(e, 0, ITM_TCP_ACK, s + 500, 1, 500, 3, 0)), 46);
	/* 1000 sent: at the threshold still priority 0; a resend adds nothing */
	assert_int_equal(DSCP(seg(e, 0, ITM_TCP_ACK, s, 1, 500, 4, 0)), 46);
	assert_int_equal(DSCP(seg(e, 0, ITM_TCP_ACK, s + 1000, 1, 1, 5, 0)), 26);
	assert_int_equal(DSCP(seg(e, 0, ITM_TCP_ACK, s + 1001, 1, 999, 6, 0)), 26);
	assert_int_equal(DSCP(seg(e, 0, ITM_TCP_ACK, s + 2000, 1, 1000, 7, 0)), 26);
	assert_int_equal(DSCP(seg(e, 0, ITM_TCP_ACK, s + 3000, 1, 1, 8, 0)), 8);
	itm_engine_destroy(e);
}

static void test_sequence_wrap(void **state)
{
	struct itm_engine *e = engine(conf3);
	uint32_t s = 0xfffffc00u;	/* 1024 before the wrap */

	seg(e, 0, ITM_TCP_SYN, s, 0, 0, 1, 0);
	s++;
	assert_int_equal(DSCP(seg(e, 0, ITM_TCP_ACK, s, 1, 900, 2, 0)), 46);
	/* this one crosses 2^32: counted, 1800 sent */
	assert_int_equal(DSCP(seg(e, 0, ITM_TCP_ACK, s + 900, 1, 900, 3, 0)), 26);
	/* an old segment from before the wrap is a retransmission */
	assert_int_equal(DSCP(seg(e, 0, ITM_TCP_ACK, s, 1, 900, 4, 0)), 26);
	assert_int_equal(DSCP(seg(e, 0, ITM_TCP_ACK, s + 1800, 1, 1201, 5, 0)), 8);
	itm_engine_destroy(e);
}

static void test_lifecycle(void **state)
{
	struct itm_engine *e = engine(conf3);
	char *argv[] = { "module", "ctl", "pias", "print" };
	struct itm_cmd_ctx c = { .eng = e };
	struct itm_err err;
	char *buf = NULL;
	size_t len = 0;

	/* data of a flow never opened: counted from there (1500 bytes) */
	assert_int_equal(DSCP(seg(e, 0, ITM_TCP_ACK, 5, 1, 1500, 1, 0)), 26);
	/* a SYN starts the flow afresh, a retransmitted one changes nothing */
	assert_int_equal(DSCP(seg(e, 0, ITM_TCP_SYN, 10, 0, 0, 2, 0)), 46);
	seg(e, 0, ITM_TCP_SYN, 10, 0, 0, 2, 0);
	seg(e, 1, ITM_TCP_SYN | ITM_TCP_ACK, 70, 11, 0, 3, 0);
	seg(e, 0, ITM_TCP_ACK, 11, 71, 1500, 4, 0);
	/* FIN: tagged with the bytes sent, then the flow is gone */
	assert_int_equal(DSCP(seg(e, 0, ITM_TCP_FIN | ITM_TCP_ACK, 1511, 71, 0, 5, 0)), 26);
	c.out = open_memstream(&buf, &len);
	assert_int_equal(itm_cmd_run(&c, 4, argv, &err), 0);
	fclose(c.out);
	assert_string_equal(buf,
		"PIAS: current flow table\n"
		"PIAS: flowlist 0\n"
		"PIAS: flow record from 198.51.100.1:80 to 192.0.2.1:4000, "
		"bytes_sent=0, seq=70, ACK=71\n"
		"PIAS: there are 1 flows in total\n");
	free(buf);
	argv[3] = "clear";
	assert_int_equal(itm_cmd_run(&c, 4, argv, &err), 0);
	argv[3] = "dump";
	assert_int_equal(itm_cmd_run(&c, 4, argv, &err), -EINVAL);
	itm_engine_destroy(e);
}

/* Client sent 3000 bytes, the server acknowledged 1000 of them. */
static void aging_setup(struct itm_engine *e)
{
	seg(e, 0, ITM_TCP_SYN, 0, 0, 0, 1, 0);
	seg(e, 1, ITM_TCP_SYN | ITM_TCP_ACK, 500, 1, 0, 2, 0);
	seg(e, 0, ITM_TCP_ACK, 1, 501, 1500, 3 * MS, 0);
	seg(e, 0, ITM_TCP_ACK, 1501, 501, 1500, 3 * MS, 0);
	seg(e, 1, ITM_TCP_ACK, 501, 1001, 0, 4 * MS, 0);
}

static void test_aging_consecutive_timeouts(void **state)
{
	struct itm_engine *e = engine(conf3);

	aging_setup(e);
	/* two late retransmissions 1000 bytes apart: consecutive, aged */
	assert_int_equal(DSCP(seg(e, 0, ITM_TCP_ACK, 1001, 501, 1000, 20 * MS, 0)), 26);
	assert_int_equal(DSCP(seg(e, 0, ITM_TCP_ACK, 2001, 501, 1000, 40 * MS, 0)), 46);
	itm_engine_destroy(e);
}

static void test_aging_gap_test_fixed(void **state)
{
	/* pias4 overwrote the previous timeout's sequence before the test, so
	 * these two timeouts 2500 bytes apart would have aged the flow */
	struct itm_engine *e = engine(conf3);

	aging_setup(e);
	seg(e, 0, ITM_TCP_ACK, 1, 501, 500, 20 * MS, 0);
	assert_int_equal(DSCP(seg(e, 0, ITM_TCP_ACK, 2501, 501, 500, 40 * MS, 0)), 26);
	/* an early retransmission (before rto_min) is no timeout at all */
	assert_int_equal(DSCP(seg(e, 0, ITM_TCP_ACK, 2501, 501, 500, 41 * MS, 0)), 26);
	itm_engine_destroy(e);
}

static void test_message_detection(void **state)
{
	struct itm_engine *e = engine("module add pias prio_num 2 prio_thresh_0 1000 "
				      "prio_dscp_0 46 prio_dscp_1 0 message on "
				      "idle_time 5ms\n");

	seg(e, 0, ITM_TCP_SYN, 0, 0, 0, 1, 0);
	seg(e, 1, ITM_TCP_SYN | ITM_TCP_ACK, 500, 1, 0, 2, 0);
	assert_int_equal(DSCP(seg(e, 0, ITM_TCP_ACK, 1, 501, 1500, 3, 0)), 0);
	/* idle but unacknowledged: the same message goes on */
	assert_int_equal(DSCP(seg(e, 0, ITM_TCP_ACK, 1501, 501, 10, 10 * MS, 0)), 0);
	seg(e, 1, ITM_TCP_ACK, 501, 1511, 0, 11 * MS, 0);
	/* all acknowledged and 5 ms idle: a new message, back on top */
	assert_int_equal(DSCP(seg(e, 0, ITM_TCP_ACK, 1511, 501, 100, 20 * MS, 0)), 46);
	itm_engine_destroy(e);
}

/* An end host (the client): its segments leave by post-routing, the
 * server's arrive by local-in. At post-routing alone pias never sees the
 * ACKs and a message never ends; registered at both, the arriving ACK
 * counts, and arriving packets are neither marked nor made flows. */
static void end_host_exchange(struct itm_engine *e, int *first, int *after_idle,
			      int *arriving)
{
	const enum itm_hook in = ITM_HOOK_LOCAL_IN, out = ITM_HOOK_POST_ROUTING;

	seg_at(e, out, 0, ITM_TCP_SYN, 0, 0, 0, 1, 0);
	*arriving = seg_at(e, in, 1, ITM_TCP_SYN | ITM_TCP_ACK, 500, 1, 0, 2, 0);
	*first = DSCP(seg_at(e, out, 0, ITM_TCP_ACK, 1, 501, 1500, 3, 0));
	*arriving |= seg_at(e, in, 1, ITM_TCP_ACK, 501, 1501, 300, 4, 0);
	*arriving |= seg_at(e, in, 1, ITM_TCP_ACK, 801, 1501, 0, 11 * MS, 0);
	*after_idle = DSCP(seg_at(e, out, 0, ITM_TCP_ACK, 1501, 801, 100, 20 * MS, 0));
}

static void test_end_host(void **state)
{
	const char *opts = "prio_num 2 prio_thresh_0 1000 prio_dscp_0 46 "
			   "prio_dscp_1 0 message on idle_time 5ms\n";
	char conf[256];
	struct itm_engine *e;
	int first, after_idle, arriving;
	struct itm_mod *m;

	(void)state;
	snprintf(conf, sizeof(conf), "module add pias %s", opts);
	e = engine(conf);
	end_host_exchange(e, &first, &after_idle, &arriving);
	assert_int_equal(first, 0);
	assert_int_equal(after_idle, 0);	/* no ACK seen: same message */
	itm_engine_destroy(e);

	snprintf(conf, sizeof(conf), "module add pias hook post-routing,local-in %s", opts);
	e = engine(conf);
	m = itm_engine_mod_find(e, "pias");
	assert_int_equal(m->hooks, 1u << ITM_HOOK_POST_ROUTING | 1u << ITM_HOOK_LOCAL_IN);
	end_host_exchange(e, &first, &after_idle, &arriving);
	assert_int_equal(first, 0);
	assert_int_equal(after_idle, 46);	/* acknowledged and idle: new message */
	assert_int_equal(arriving, 0);		/* nothing arriving was marked */
	itm_engine_destroy(e);
}

/* A long flow that pauses longer than the flow table's idle time loses its
 * entry; when it sends again it is counted from there, as a new message,
 * and demoted again past the thresholds: not on top for the rest of its
 * life, as pias4's rule for flows it never saw open would put it. */
static void test_idle_expired_flow_demoted_again(void **state)
{
	char conf[512];
	struct itm_engine *e;
	uint64_t t = 3 * ITM_NSEC_PER_SEC;
	uint32_t s = 1;

	snprintf(conf, sizeof(conf), "flows limit 100 idle 1s\n%s", conf3);
	e = engine(conf);
	seg(e, 0, ITM_TCP_SYN, 0, 0, 0, 1, 0);
	for (; s < 4000; s += 1000)
		seg(e, 0, ITM_TCP_ACK, s, 1, 1000, 2, 0);
	assert_int_equal(DSCP(seg(e, 0, ITM_TCP_ACK, s, 1, 1000, 3, 0)), 8);
	s += 1000;
	/* 3 s of silence: expired; the next 1000 bytes go on top again */
	assert_int_equal(DSCP(seg(e, 0, ITM_TCP_ACK, s, 1, 1000, t, 0)), 46);
	s += 1000;
	assert_int_equal(DSCP(seg(e, 0, ITM_TCP_ACK, s, 1, 1000, t + 1, 0)), 26);
	s += 1000;
	assert_int_equal(DSCP(seg(e, 0, ITM_TCP_ACK, s, 1, 1000, t + 2, 0)), 26);
	s += 1000;
	assert_int_equal(DSCP(seg(e, 0, ITM_TCP_ACK, s, 1, 1000, t + 3, 0)), 8);
	/* pure ACKs and the FIN of a flow not in the table make no entry */
	assert_int_equal(DSCP(seg(e, 1, ITM_TCP_ACK, 9, s, 0, t + 4, 0)), 46);
	assert_int_equal(DSCP(seg(e, 1, ITM_TCP_FIN | ITM_TCP_ACK, 9, s, 0, t + 5, 0)), 46);
	assert_int_equal(itm_flowtab_count(itm_mod_flowtab(itm_engine_mod_find(e, "pias"))), 1);
	itm_engine_destroy(e);
}

static void test_ecn_and_unmarked(void **state)
{
	struct itm_engine *e = engine("module add pias prio_num 2 prio_thresh_0 100 "
				      "prio_dscp_0 46 prio_dscp_1 -1\n");
	struct itm_engine *ect = engine("module add pias ect\n");

	assert_int_equal(seg(e, 0, ITM_TCP_SYN, 0, 0, 0, 1, 0x03), 46 << 2 | 3);
	/* past the threshold, priority 1 is left unmarked */
	assert_int_equal(seg(e, 0, ITM_TCP_ACK, 1, 1, 200, 2, 0x05), 0x05);
	assert_int_equal(seg(ect, 0, ITM_TCP_SYN, 0, 0, 0, 1, 0), 7 << 2 | 2);
	assert_int_equal(seg(ect, 0, ITM_TCP_ACK, 1, 1, 10, 2, 1), 7 << 2 | 1);
	itm_engine_destroy(e);
	itm_engine_destroy(ect);
}

static void test_port_filter(void **state)
{
	struct itm_engine *e = engine("module add pias port 5001\n");

	assert_int_equal(seg(e, 0, ITM_TCP_SYN, 0, 0, 0, 1, 0), 0);	/* port 80 */
	itm_engine_destroy(e);
	e = engine("module add pias port 80\n");
	assert_int_equal(seg(e, 0, ITM_TCP_SYN, 0, 0, 0, 1, 0), 7 << 2);
	itm_engine_destroy(e);
}

static void test_dev_filter(void **state)
{
	struct itm_engine *e = engine("module add pias dev lo\n");
	struct itm_err err;
	char buf[32];
	struct itm_pkt p;
	struct pb b;

	pb_init(&b);
	pb_eth(&b, 0x0800);
	pb_ipv4(&b, 0, 6, "192.0.2.1", "192.0.2.2", 0);
	pb_tcp(&b, 1, 2, ITM_TCP_SYN, 0);
	pb_finish(&b, &p);
	itm_engine_run_hook(e, ITM_HOOK_POST_ROUTING, &p, 1);
	assert_int_equal(p.v.outer.tos, 0);	/* no device: not ours */
	p.oif = 1;				/* the loopback's index */
	itm_engine_run_hook(e, ITM_HOOK_POST_ROUTING, &p, 1);
	assert_int_equal(p.v.outer.tos, 7 << 2);
	assert_int_equal(itm_engine_param_get(e, "pias.dev", buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, "lo");
	assert_int_equal(itm_engine_param_set(e, "pias.dev", "any", &err), 0);
	assert_int_equal(itm_engine_param_get(e, "pias.dev", buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, "any");
	assert_int_equal(itm_engine_param_set(e, "pias.dev", "a/b", &err), -EINVAL);
	assert_int_equal(itm_engine_param_set(e, "pias.dev",
					      "sixteen-chars-xx", &err), -EINVAL);
	assert_int_equal(itm_engine_param_get(e, "pias.dev", buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, "any");
	itm_engine_destroy(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_thresholds_and_retransmission),
		cmocka_unit_test(test_sequence_wrap),
		cmocka_unit_test(test_lifecycle),
		cmocka_unit_test(test_aging_consecutive_timeouts),
		cmocka_unit_test(test_aging_gap_test_fixed),
		cmocka_unit_test(test_message_detection),
		cmocka_unit_test(test_end_host),
		cmocka_unit_test(test_idle_expired_flow_demoted_again),
		cmocka_unit_test(test_ecn_and_unmarked),
		cmocka_unit_test(test_port_filter),
		cmocka_unit_test(test_dev_filter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
