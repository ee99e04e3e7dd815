// SPDX-License-Identifier: GPL-2.0-only
/*
 * The flow classifier: key values (absent keys read 0), map arithmetic,
 * class numbering, the blog's tunnel-key separation, perturbation and
 * reproducible keys in replay.
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
	return test_engine(conf, TEST_START | TEST_SEEDED);
}

static uint32_t classify(struct itm_engine *e, struct itm_pkt *p)
{
	p->classid = 0;
	itm_engine_run_hook(e, ITM_HOOK_POST_ROUTING, p, 0);
	return p->classid;
}

static void tunnel_pkt(struct pb *b, struct itm_pkt *p, int inner, int tunnel)
{
	char a[32];

	pb_init(b);
	pb_eth(b, 0x0800);
	snprintf(a, sizeof(a), "10.0.0.%d", inner);
	if (tunnel) {
		pb_ipv4(b, 0, 4, "203.0.113.1", "203.0.113.2", 0);
		pb_ipv4(b, 0, 6, a, "198.51.100.1", 0);
	} else {
		pb_ipv4(b, 0, 6, a, "198.51.100.1", 0);
	}
	pb_tcp(b, (uint16_t)(1000 + inner), 443, ITM_TCP_ACK, 0);
	pb_finish(b, p);
}

static int distinct(const uint32_t *c, int n)
{
	int i, j, d = 0;

	for (i = 0; i < n; i++) {
		for (j = 0; j < i && c[j] != c[i]; j++)
			;
		d += j == i;
	}
	return d;
}

static void test_tunnel_keys_separate_flows(void **state)
{
	struct itm_engine *outer = engine(
		"module add flow keys src,dst,proto,proto-src,proto-dst\n");
	struct itm_engine *inner = engine(
		"module add flow keys src,dst,proto,proto-src,proto-dst,"
		"tunnel-src,tunnel-dst,tunnel-proto,tunnel-proto-src,tunnel-proto-dst\n");
	uint32_t co[8], ci[8];
	struct itm_pkt p;
	struct pb b;
	int i;

	for (i = 0; i < 8; i++) {	/* 6 tunnelled flows, 2 plain */
		tunnel_pkt(&b, &p, i + 1, i < 6);
		co[i] = classify(outer, &p);
		ci[i] = classify(inner, &p);
		assert_int_equal(co[i] >> 16, 1);
	}
	/* outer keys: the tunnel is one flow; the plain flows stay apart */
	assert_int_equal(distinct(co, 6), 1);
	assert_int_equal(distinct(co, 8), 3);
	/* with the tunnel keys every flow is its own */
	assert_int_equal(distinct(ci, 8), 8);
	itm_engine_destroy(outer);
	itm_engine_destroy(inner);
}

static void test_plain_traffic_unchanged_by_tunnel_keys(void **state)
{
	/* map mode on tunnel-src: plain packets read 0 and get the baseclass */
	struct itm_engine *e = engine(
		"module add flow mode map key tunnel-src and 0xff baseclass 5:10\n");
	struct itm_pkt p;
	struct pb b;

	tunnel_pkt(&b, &p, 7, 0);
	assert_int_equal(classify(e, &p), 0x50010);
	tunnel_pkt(&b, &p, 7, 1);
	assert_int_equal(classify(e, &p), 0x50017);
	itm_engine_destroy(e);
}

static void test_map_arithmetic(void **state)
{
	/* 10.0.0.9: ((0x0a000009 & 0xffff) | 0x100) ^ 0x3 = 0x10a, >> 1 = 0x85,
	 * + (-5) = 0x80, % 100 = 28, minor 1 + 28 = 0x1d */
	struct itm_engine *e = engine(
		"module add flow mode map key src and 0xffff or 0x100 xor 3 "
		"rshift 1 addend -5 divisor 100\n");
	struct itm_pkt p;
	struct pb b;

	tunnel_pkt(&b, &p, 9, 0);
	assert_int_equal(classify(e, &p), 0x1001d);
	itm_engine_destroy(e);
}

static void test_ipv6_and_missing_keys(void **state)
{
	struct itm_engine *e = engine("module add flow mode map key dst\n");
	struct itm_engine *ports = engine("module add flow mode map key proto-src\n");
	struct itm_pkt p;
	struct pb b;

	pb_init(&b);
	pb_eth(&b, 0x86dd);
	pb_ipv6(&b, 0, 58, "2001:db8::1", "0:1:0:2:0:4:0:8");
	pb_icmp(&b, 128);
	pb_finish(&b, &p);
	/* the words are 0:1, 0:2, 0:4, 0:8: XOR 0xf, minor 1 + 0xf */
	assert_int_equal(classify(e, &p), 0x10010);
	/* ICMP has no ports: proto-src reads 0 */
	assert_int_equal(classify(ports, &p), 0x10001);
	p.caplen = 10;		/* no IP at all: every header key reads 0 */
	itm_pkt_parse(&p);
	assert_int_equal(classify(e, &p), 0x10001);
	itm_engine_destroy(e);
	itm_engine_destroy(ports);
}

static void test_meta_keys(void **state)
{
	struct itm_engine *v = engine("module add flow mode map key vlan-tag\n");
	struct itm_engine *m = engine("module add flow mode map key mark\n");
	struct itm_pkt p;
	struct pb b;

	pb_init(&b);
	pb_eth(&b, 0x8100);
	pb_vlan(&b, 0x2000 | 42, 0x0800);	/* PCP 1, VID 42 */
	pb_ipv4(&b, 0, 17, "192.0.2.1", "192.0.2.2", 0);
	pb_udp(&b, 1, 2, 0);
	pb_finish(&b, &p);
	assert_int_equal(classify(v, &p), 0x10001 + 42);
	p.mark = 7;
	assert_int_equal(classify(m, &p), 0x10008);
	itm_engine_destroy(v);
	itm_engine_destroy(m);
}

static void test_perturb_and_reproducible(void **state)
{
	const char *conf = "module add flow divisor 1024 perturb 10s\n";
	struct itm_engine *a = engine(conf), *b2 = engine(conf);
	uint32_t before[16], after[16];
	struct itm_pkt p;
	struct pb b;
	int i, moved = 0;

	for (i = 0; i < 16; i++) {
		tunnel_pkt(&b, &p, i + 1, 0);
		before[i] = classify(a, &p);
		assert_int_equal(classify(b2, &p), before[i]);	/* same seed */
		assert_true((before[i] & 0xffff) >= 1 && (before[i] & 0xffff) <= 1024);
	}
	itm_engine_timers(a, UINT64_C(5) * ITM_NSEC_PER_SEC);
	for (i = 0; i < 16; i++) {
		tunnel_pkt(&b, &p, i + 1, 0);
		assert_int_equal(classify(a, &p), before[i]);	/* not yet */
	}
	itm_engine_timers(a, UINT64_C(11) * ITM_NSEC_PER_SEC);
	for (i = 0; i < 16; i++) {
		tunnel_pkt(&b, &p, i + 1, 0);
		after[i] = classify(a, &p);
		moved += after[i] != before[i];
	}
	assert_true(moved >= 8);	/* a new key moves most flows */
	itm_engine_destroy(a);
	itm_engine_destroy(b2);
}

static void test_bad_configuration(void **state)
{
	static const char *const bad[] = {
		"module add flow keys src,bogus\n",
		"module add flow keys src,src\n",
		"module add flow keys ,\n",
		"module add flow mode tree\n",
		"module add flow baseclass 1:0\n",
		"module add flow rshift 32\n",
		"module add flow addend -2147483649\n",
		"module add flow divisor 65537\n",
	};
	struct itm_engine *e;
	char msg[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		print_message("%s", bad[i]);
		assert_true(itm_config_load_buf("t", bad[i], strlen(bad[i]), &e,
						msg, sizeof(msg)) < 0);
		assert_non_null(strstr(msg, "t:1: \""));
	}
}

/* A parameter of the other mode would be ignored: refused by name, while
 * the mode's own parameters and the default of another pass. */
static void test_other_mode_parameter_refused(void **state)
{
	static const char *const bad[][2] = {
		{ "module add flow mode map key dst keys dst\n", "\"keys\" belongs to mode hash" },
		{ "module add flow mode map perturb 10\n", "\"perturb\" belongs to mode hash" },
		{ "module add flow keys dst rshift 3\n", "\"rshift\" belongs to mode map" },
		{ "module add flow key dst\n", "\"key\" belongs to mode map" },
		{ "module add flow addend -1\n", "\"addend\" belongs to mode map" },
	};
	struct itm_engine *e;
	char msg[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		print_message("%s", bad[i][0]);
		assert_true(itm_config_load_buf("t", bad[i][0], strlen(bad[i][0]),
						&e, msg, sizeof(msg)) < 0);
		assert_non_null(strstr(msg, bad[i][1]));
	}
	e = engine("module add flow mode map key dst and 0xff divisor 4\n"
		   "module add flow label h keys dst perturb 10 divisor 4\n");
	/* at run time both sets stay writable: the other mode is prepared */
	assert_int_equal(itm_engine_param_set(e, "flow.keys", "src", NULL), 0);
	assert_int_equal(itm_engine_param_set(e, "h.rshift", "2", NULL), 0);
	itm_engine_destroy(e);
}

static void test_class_counts_shown(void **state)
{
	struct itm_engine *e = engine("module add flow mode map key proto\n");
	char *buf = NULL;
	size_t len = 0;
	struct itm_pkt p;
	struct pb b;
	FILE *f;

	tunnel_pkt(&b, &p, 1, 1);
	classify(e, &p);
	classify(e, &p);
	f = open_memstream(&buf, &len);
	itm_engine_print_modules(e, f, true);
	fclose(f);
	assert_non_null(strstr(buf, "\"classes\":[{\"class\":\"1:5\",\"packets\":2,"));
	free(buf);
	itm_engine_destroy(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tunnel_keys_separate_flows),
		cmocka_unit_test(test_plain_traffic_unchanged_by_tunnel_keys),
		cmocka_unit_test(test_map_arithmetic),
		cmocka_unit_test(test_ipv6_and_missing_keys),
		cmocka_unit_test(test_meta_keys),
		cmocka_unit_test(test_perturb_and_reproducible),
		cmocka_unit_test(test_bad_configuration),
		cmocka_unit_test(test_other_mode_parameter_refused),
		cmocka_unit_test(test_class_counts_shown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
