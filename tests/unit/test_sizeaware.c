// SPDX-License-Identifier: GPL-2.0-only
/*
 * sizeaware (the paper's qos_mod): SHORT while a flow has sent at most
 * `threshold` packets or on FIN, LONG after; the Minimize-Delay bit follows,
 * ECN and the other TOS bits stay, checksums stay valid.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "itm/cmd.h"
#include "pktbuild.h"
#include "testutil.h"

static struct itm_engine *engine(const char *conf)
{
	return test_engine(conf, TEST_START);
}

/* Send one packet through the forward path at time ts and return its TOS
 * on exit. */
static int send_pkt_at(struct itm_engine *e, uint64_t ts, int v6, uint8_t tos,
		       uint8_t proto, uint16_t sport, uint8_t flags)
{
	struct itm_pkt *p = calloc(1, sizeof(*p)), *out;
	struct pb *b = calloc(1, sizeof(*b));
	int r;

	pb_init(b);
	if (v6) {
		pb_eth(b, 0x86dd);
		pb_ipv6(b, tos, proto, "2001:db8::1", "2001:db8::2");
	} else {
		pb_eth(b, 0x0800);
		pb_ipv4(b, tos, proto, "192.0.2.1", "192.0.2.2", 0);
	}
	if (proto == 6)
		pb_tcp(b, sport, 80, flags, 50);
	else
		pb_udp(b, sport, 53, 50);
	pb_finish(b, p);
	p->ts_ns = ts;
	itm_engine_forward(e, p, ts);
	out = itm_qdisc_dequeue(e->root, ts);
	assert_ptr_equal(out, p);
	assert_int_equal(itm_csum_verify(p), 0);
	r = p->v.outer.tos;
	free(b);
	free(p);
	return r;
}

static int send_pkt(struct itm_engine *e, int v6, uint8_t tos, uint8_t proto,
		    uint16_t sport, uint8_t flags)
{
	return send_pkt_at(e, 0, v6, tos, proto, sport, flags);
}

static void test_short_then_long(void **state)
{
	struct itm_engine *e = engine("module add sizeaware threshold 3\n");
	int i;

	for (i = 1; i <= 3; i++)
		assert_int_equal(send_pkt(e, 0, 0x00, 6, 1000, ITM_TCP_ACK), 0x10);
	for (i = 4; i <= 6; i++)
		assert_int_equal(send_pkt(e, 0, 0x10, 6, 1000, ITM_TCP_ACK), 0x00);
	/* a FIN is always SHORT */
	assert_int_equal(send_pkt(e, 0, 0x00, 6, 1000, ITM_TCP_FIN | ITM_TCP_ACK),
			 0x10);
	/* another flow starts SHORT */
	assert_int_equal(send_pkt(e, 0, 0x00, 6, 1001, ITM_TCP_SYN), 0x10);
	itm_engine_destroy(e);
}

/* Flows go after their idle timeout when no packet comes to sweep them (a
 * daemon gone quiet): while the table holds flows, the engine's timers ask
 * to be run again, and an empty table asks for nothing. More flows than
 * one sweep's step of 256. */
static void test_flows_expire_without_traffic(void **state)
{
	struct itm_engine *e = engine("flows idle 2s\nmodule add sizeaware\n");
	uint64_t t = ITM_NSEC_PER_SEC, next;
	int i, wakes = 0;

	for (i = 0; i < 600; i++)
		send_pkt_at(e, ITM_NSEC_PER_SEC, 0, 0, 6, (uint16_t)(1000 + i),
			    ITM_TCP_ACK);
	assert_int_equal(itm_flowtab_count(e->flows), 600);
	while ((next = itm_engine_timers(e, t)) != UINT64_MAX) {
		assert_true(next > t);
		t = next;
		assert_true(++wakes <= 10);
	}
	assert_int_equal(itm_flowtab_count(e->flows), 0);
	/* gone within the idle time and one sweep period (1 s) of the last
	 * packet */
	assert_true(t <= 4 * ITM_NSEC_PER_SEC);
	assert_true(itm_engine_timers(e, t + 60 * ITM_NSEC_PER_SEC) == UINT64_MAX);
	itm_engine_destroy(e);
}

/* A big table is swept in steps of at most 4096 entries, 1 ms apart. */
static void test_flow_sweep_in_steps(void **state)
{
	struct itm_engine *e = engine("flows idle 2s\nmodule add sizeaware\n");
	uint64_t t = 4 * ITM_NSEC_PER_SEC, next;
	uint32_t before;
	int i, steps = 0;

	for (i = 0; i < 10000; i++)
		send_pkt_at(e, ITM_NSEC_PER_SEC, 0, 0, 6, (uint16_t)(1000 + i),
			    ITM_TCP_ACK);
	assert_int_equal(itm_flowtab_count(e->flows), 10000);
	e->flow_sweep_ns = t;	/* a whole sweep due now, all idle */
	do {
		before = itm_flowtab_count(e->flows);
		next = itm_engine_timers(e, t);
		assert_true(before - itm_flowtab_count(e->flows) <= 4096);
		steps++;
		if (next != UINT64_MAX) {
			assert_true(next == t + ITM_NSEC_PER_MSEC);
			t = next;
		}
	} while (next != UINT64_MAX);
	assert_int_equal(steps, 3);
	assert_int_equal(itm_flowtab_count(e->flows), 0);
	itm_engine_destroy(e);
}

static void test_keeps_ecn_and_other_bits(void **state)
{
	struct itm_engine *e = engine("module add sizeaware threshold 1\n");

	assert_int_equal(send_pkt(e, 0, 0xa3, 6, 7, 0), 0xb3);
	assert_int_equal(send_pkt(e, 0, 0xb3, 6, 7, 0), 0xa3);
	itm_engine_destroy(e);
}

static void test_ipv6(void **state)
{
	struct itm_engine *e = engine("module add sizeaware threshold 1\n");

	assert_int_equal(send_pkt(e, 1, 0x01, 6, 9, 0), 0x11);
	assert_int_equal(send_pkt(e, 1, 0x11, 6, 9, 0), 0x01);
	itm_engine_destroy(e);
}

static void test_udp_untouched(void **state)
{
	struct itm_engine *e = engine("module add sizeaware threshold 0\n");
	struct itm_mod *m = itm_engine_mod_find(e, "sizeaware");

	assert_int_equal(send_pkt(e, 0, 0x10, 17, 9, 0), 0x10);
	assert_int_equal(m->stats.classified, 0);
	itm_engine_destroy(e);
}

static void test_threshold_at_run_time(void **state)
{
	struct itm_engine *e = engine("module add sizeaware threshold 1\n");
	struct itm_err err;

	assert_int_equal(send_pkt(e, 0, 0, 6, 5, 0), 0x10);
	assert_int_equal(send_pkt(e, 0, 0, 6, 5, 0), 0x00);
	assert_int_equal(itm_engine_param_set(e, "sizeaware.threshold", "10",
					      &err), 0);
	assert_int_equal(send_pkt(e, 0, 0, 6, 5, 0), 0x10);
	itm_engine_destroy(e);
}

static void test_default_threshold(void **state)
{
	struct itm_engine *e = engine("module add sizeaware\n");
	char buf[16];
	struct itm_err err;

	assert_int_equal(itm_engine_param_get(e, "sizeaware.threshold", buf,
					      sizeof(buf), &err), 0);
	assert_string_equal(buf, "20");
	itm_engine_destroy(e);
}

static void test_flows_show(void **state)
{
	struct itm_engine *e = engine("module add sizeaware threshold 1\n");
	char *argv[] = { "flows", "show", "--json" }, *buf = NULL;
	struct itm_cmd_ctx c = { .eng = e };
	struct itm_err err;
	size_t len = 0;

	send_pkt(e, 0, 0, 6, 4242, 0);
	send_pkt(e, 1, 0, 6, 4343, 0);
	c.out = open_memstream(&buf, &len);
	assert_int_equal(itm_cmd_run(&c, 3, argv, &err), 0);
	fclose(c.out);
	assert_non_null(strstr(buf, "\"src\":\"192.0.2.1\",\"dst\":\"192.0.2.2\","
			       "\"proto\":6,\"proto-src\":4242,\"proto-dst\":80"));
	assert_non_null(strstr(buf, "\"src\":\"2001:db8::1\""));
	assert_int_equal(buf[0], '[');
	free(buf);
	itm_engine_destroy(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_then_long),
		cmocka_unit_test(test_flows_expire_without_traffic),
		cmocka_unit_test(test_flow_sweep_in_steps),
		cmocka_unit_test(test_keeps_ecn_and_other_bits),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_udp_untouched),
		cmocka_unit_test(test_threshold_at_run_time),
		cmocka_unit_test(test_default_threshold),
		cmocka_unit_test(test_flows_show),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
