// SPDX-License-Identifier: GPL-2.0-only
/*
 * Offline replay: departure times at the link rate (exact, in trace time),
 * drops by cause, output bytes deterministic, broken input reported.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "itm/cmd.h"
#include "itm/pcapio.h"
#include "itm/replay.h"
#include "pktbuild.h"
#include "testutil.h"

static char dir[64];

static int setup(void **state)
{
	return test_mkdtemp(dir, sizeof(dir), "itm-replay") ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static void path(char *buf, const char *name)
{
	snprintf(buf, 128, "%s/%s", dir, name);
}

/* n TCP packets of 1000 bytes of one flow, `gap_ns` apart from t=1s. */
static void write_input(const char *file, int n, uint64_t gap_ns)
{
	struct itm_pcap_out out;
	struct itm_pkt p;
	char msg[256];
	struct pb b;
	int i;

	assert_int_equal(itm_pcap_create(&out, file, DLT_EN10MB, msg,
					 sizeof(msg)), 0);
	for (i = 0; i < n; i++) {
		pb_init(&b);
		pb_eth(&b, 0x0800);
		pb_ipv4(&b, 0, 6, "192.0.2.1", "192.0.2.2", 0);
		pb_tcp(&b, 4000, 80, ITM_TCP_ACK, 1000 - 14 - 20 - 20);
		pb_finish(&b, &p);
		itm_pcap_write(&out, &p, ITM_NSEC_PER_SEC + (uint64_t)i * gap_ns);
	}
	assert_int_equal(itm_pcap_finish(&out, msg, sizeof(msg)), 0);
}

static struct itm_engine *engine(const char *conf)
{
	return test_engine(conf, 0);
}

static void read_times(const char *file, uint64_t *ts, int n)
{
	struct itm_pcap_in in;
	struct itm_pkt *p;
	char msg[256];
	int i = 0;

	assert_int_equal(itm_pcap_open(&in, file, msg, sizeof(msg)), 0);
	while (itm_pcap_next(&in, &p, msg, sizeof(msg)) == 1) {
		assert_true(i < n);
		ts[i++] = p->ts_ns;
		itm_pkt_free(p);
	}
	assert_int_equal(i, n);
	itm_pcap_close(&in);
}

static void test_link_rate(void **state)
{
	char in[128], out[128], msg[256];
	struct itm_replay_stats st;
	struct itm_engine *e;
	uint64_t ts[5];
	int i;

	path(in, "rate-in.pcap");
	path(out, "rate-out.pcap");
	write_input(in, 5, 0);	/* a burst of 5 at t = 1 s */
	e = engine("link rate 8mbit\n");	/* 1000 bytes = 1 ms */
	assert_int_equal(itm_replay_run(e, in, out, NULL, &st, msg, sizeof(msg)), 0);
	read_times(out, ts, 5);
	for (i = 0; i < 5; i++)
		assert_int_equal(ts[i], ITM_NSEC_PER_SEC + (uint64_t)(i + 1) * 1000000);
	assert_int_equal(st.out_pkts, 5);
	assert_int_equal(st.delay_max_ns, 5000000);
	itm_engine_destroy(e);
}

static void test_overhead(void **state)
{
	char in[128], out[128], msg[256];
	struct itm_replay_stats st;
	struct itm_engine *e;
	uint64_t ts[2];

	path(in, "ovh-in.pcap");
	path(out, "ovh-out.pcap");
	write_input(in, 2, 0);
	e = engine("link rate 8mbit overhead 24\n");	/* 1024 bytes each */
	assert_int_equal(itm_replay_run(e, in, out, NULL, &st, msg, sizeof(msg)), 0);
	read_times(out, ts, 2);
	assert_int_equal(ts[0], ITM_NSEC_PER_SEC + 1024000);
	assert_int_equal(ts[1], ITM_NSEC_PER_SEC + 2048000);
	itm_engine_destroy(e);
}

/* A record's wire length may be anything up to 2^32-1 (a corrupt or
 * synthetic capture): its time on the link must not wrap in 64 bits. */
static void test_huge_wire_length(void **state)
{
	char in[128], out[128], msg[256];
	struct itm_replay_stats st;
	struct itm_pcap_out w;
	struct itm_engine *e;
	struct itm_pkt p;
	struct pb b;
	uint64_t ts[1];

	path(in, "huge-in.pcap");
	path(out, "huge-out.pcap");
	assert_int_equal(itm_pcap_create(&w, in, DLT_EN10MB, msg, sizeof(msg)), 0);
	pb_init(&b);
	pb_eth(&b, 0x0800);
	pb_ipv4(&b, 0, 17, "192.0.2.1", "192.0.2.2", 0);
	pb_udp(&b, 4000, 80, 100);
	pb_finish(&b, &p);
	p.wirelen = UINT32_MAX;
	itm_pcap_write(&w, &p, ITM_NSEC_PER_SEC);
	assert_int_equal(itm_pcap_finish(&w, msg, sizeof(msg)), 0);
	e = engine("link rate 1gbit\n");	/* 1 ns per bit */
	assert_int_equal(itm_replay_run(e, in, out, NULL, &st, msg, sizeof(msg)), 0);
	read_times(out, ts, 1);
	assert_true(ts[0] == ITM_NSEC_PER_SEC + UINT64_C(8) * UINT32_MAX);
	itm_engine_destroy(e);
}

static void test_unlimited_keeps_times(void **state)
{
	char in[128], out[128], msg[256];
	struct itm_replay_stats st;
	struct itm_engine *e;
	uint64_t ts[3];

	path(in, "unl-in.pcap");
	path(out, "unl-out.pcap");
	write_input(in, 3, 12345);
	e = engine("");
	assert_int_equal(itm_replay_run(e, in, out, NULL, &st, msg, sizeof(msg)), 0);
	read_times(out, ts, 3);
	assert_int_equal(ts[2], ITM_NSEC_PER_SEC + 2 * 12345);
	assert_int_equal(st.delay_max_ns, 0);
	itm_engine_destroy(e);
}

static void test_drops_by_cause(void **state)
{
	char in[128], msg[256];
	struct itm_replay_stats st;
	struct itm_engine *e;

	path(in, "drop-in.pcap");
	write_input(in, 10, 0);
	e = engine("qdisc add root pfifo limit 3\nlink rate 1mbit\n");
	assert_int_equal(itm_replay_run(e, in, NULL, NULL, &st, msg, sizeof(msg)), 0);
	/* one leaves the queue at once, three wait, six are dropped */
	assert_int_equal(e->drops[ITM_DROP_LIMIT], 6);
	assert_int_equal(e->root->stats.drops, 6);
	assert_int_equal(st.out_pkts, 4);
	assert_int_equal(st.in_pkts, 10);
	itm_engine_destroy(e);
}

/* A module that carries every packet away itself, as a tunnel does. */
static uint32_t take_classify(struct itm_mod *m, struct itm_pkt *p)
{
	return 1;
}

static enum itm_verdict take_process(struct itm_mod *m, struct itm_pkt *p,
				     uint32_t cls)
{
	return ITM_TAKEN;
}

static const struct itm_mod_ops take_ops = {
	.id = "take", .classify = take_classify, .process = take_process,
};

/* Taken packets are neither sent nor drops: the summary says where they went. */
static void test_taken_in_summary(void **state)
{
	char in[128], msg[256], text[1024];
	struct itm_replay_stats st;
	struct itm_engine *e;
	struct itm_err err;
	FILE *f;

	path(in, "take-in.pcap");
	write_input(in, 10, 0);
	e = engine("qdisc add root pfifo limit 100\n");
	assert_int_equal(itm_engine_mod_register(e, &take_ops, "tun",
						 ITM_HOOK_FORWARD, 0, 0, NULL,
						 &err), 0);
	assert_int_equal(itm_replay_run(e, in, NULL, NULL, &st, msg, sizeof(msg)), 0);
	assert_int_equal(e->taken, 10);
	assert_int_equal(e->drops[ITM_DROP_MODULE], 0);
	assert_int_equal(st.out_pkts, 0);
	f = fmemopen(text, sizeof(text), "w");
	itm_replay_print(f, e, &st, false);
	fclose(f);
	assert_non_null(strstr(text, "dropped 0 ("));
	assert_non_null(strstr(text, "), taken 10\n"));
	assert_non_null(strstr(text, "dropped 0 modified 0 taken 10\n"));
	f = fmemopen(text, sizeof(text), "w");
	itm_replay_print(f, e, &st, true);
	fclose(f);
	assert_non_null(strstr(text, ",\"taken\":10,\"drops\":{"));
	itm_engine_destroy(e);
}

static void slurp(const char *file, char **buf, long *len)
{
	FILE *f = fopen(file, "rb");

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	*len = ftell(f);
	rewind(f);
	*buf = malloc((size_t)*len);
	assert_int_equal(fread(*buf, 1, (size_t)*len, f), (size_t)*len);
	fclose(f);
}

static void test_deterministic(void **state)
{
	char in[128], o1[128], o2[128], msg[256], *a, *b;
	const char *conf = "module add sizeaware threshold 2\nlink rate 3mbit\n";
	struct itm_replay_stats st;
	struct itm_engine *e;
	long la, lb;

	path(in, "det-in.pcap");
	path(o1, "det-1.pcap");
	path(o2, "det-2.pcap");
	write_input(in, 20, 777);
	e = engine(conf);
	assert_int_equal(itm_replay_run(e, in, o1, NULL, &st, msg, sizeof(msg)), 0);
	itm_engine_destroy(e);
	e = engine(conf);
	assert_int_equal(itm_replay_run(e, in, o2, NULL, &st, msg, sizeof(msg)), 0);
	itm_engine_destroy(e);
	slurp(o1, &a, &la);
	slurp(o2, &b, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, (size_t)la);
	free(a);
	free(b);
}

/* -w naming the input (itself or through a link) would truncate the
 * trace while it is read: refused before anything is opened for writing. */
static void test_output_is_input(void **state)
{
	char in[128], ln[128], msg[256];
	struct itm_replay_stats st;
	struct itm_engine *e;
	uint64_t ts[4];

	path(in, "same-in.pcap");
	path(ln, "same-link.pcap");
	write_input(in, 4, 1000);
	assert_int_equal(symlink("same-in.pcap", ln), 0);
	e = engine("link rate 8mbit\n");
	assert_int_equal(itm_replay_run(e, in, in, NULL, &st, msg, sizeof(msg)), -EINVAL);
	assert_non_null(strstr(msg, "is the input"));
	assert_int_equal(itm_replay_run(e, in, ln, NULL, &st, msg, sizeof(msg)), -EINVAL);
	assert_non_null(strstr(msg, "is the input"));
	itm_engine_destroy(e);
	read_times(in, ts, 4);	/* the trace is whole */
	assert_int_equal(ts[3], ITM_NSEC_PER_SEC + 3000);
}

static void test_broken_pcap(void **state)
{
	char in[128], msg[256];
	struct itm_replay_stats st;
	struct itm_engine *e;

	path(in, "broken.pcap");
	write_input(in, 3, 1000);
	assert_int_equal(truncate(in, 24 + 2 * (16 + 1000) + 7), 0);
	e = engine("");
	assert_true(itm_replay_run(e, in, NULL, NULL, &st, msg, sizeof(msg)) < 0);
	assert_non_null(strstr(msg, "broken.pcap"));
	assert_int_equal(st.in_pkts, 2);	/* what came before is kept */
	assert_int_equal(st.out_pkts, 2);
	itm_engine_destroy(e);

	e = engine("");
	assert_true(itm_replay_run(e, "/nonexistent.pcap", NULL, NULL, &st, msg,
				   sizeof(msg)) < 0);
	assert_non_null(strstr(msg, "/nonexistent.pcap"));
	itm_engine_destroy(e);
}

static void put32le(FILE *f, uint32_t v)
{
	assert_int_equal(fwrite(&v, 4, 1, f), 1);	/* host is little-endian */
}

/* pcapng carries 64-bit timestamps: a record in the year 2603 must be
 * refused, not wrap the nanosecond clock (a hang the fuzzer found). */
static void test_timestamp_out_of_range(void **state)
{
	static const uint8_t frame[60] = { [12] = 0x08, [13] = 0x00, [14] = 0x45 };
	uint64_t us = UINT64_C(20000000000) * 1000000;	/* 2e10 s */
	char in[128], msg[256];
	struct itm_replay_stats st;
	struct itm_engine *e;
	FILE *f;

	path(in, "far-future.pcapng");
	f = fopen(in, "wb");
	assert_non_null(f);
	/* section header: type, length, byte-order magic, 1.0, length -1 */
	put32le(f, 0x0a0d0d0a); put32le(f, 28); put32le(f, 0x1a2b3c4d);
	put32le(f, 1); put32le(f, 0xffffffff); put32le(f, 0xffffffff);
	put32le(f, 28);
	/* interface: Ethernet, snaplen 65535, microsecond resolution */
	put32le(f, 1); put32le(f, 20); put32le(f, 1); put32le(f, 65535);
	put32le(f, 20);
	/* enhanced packet */
	put32le(f, 6); put32le(f, 32 + 60); put32le(f, 0);
	put32le(f, (uint32_t)(us >> 32)); put32le(f, (uint32_t)us);
	put32le(f, 60); put32le(f, 60);
	assert_int_equal(fwrite(frame, 1, 60, f), 60);
	put32le(f, 32 + 60);
	fclose(f);
	e = engine("module add flow\n");
	assert_true(itm_replay_run(e, in, NULL, NULL, &st, msg, sizeof(msg)) < 0);
	assert_non_null(strstr(msg, "record 1: timestamp out of range"));
	itm_engine_destroy(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_rate),
		cmocka_unit_test(test_overhead),
		cmocka_unit_test(test_huge_wire_length),
		cmocka_unit_test(test_unlimited_keeps_times),
		cmocka_unit_test(test_drops_by_cause),
		cmocka_unit_test(test_taken_in_summary),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_output_is_input),
		cmocka_unit_test(test_broken_pcap),
		cmocka_unit_test(test_timestamp_out_of_range),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
