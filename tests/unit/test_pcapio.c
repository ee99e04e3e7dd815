// SPDX-License-Identifier: GPL-2.0-only
/*
 * pcapio.c: writing and reading capture files. Nanosecond timestamps survive
 * a round trip exactly, caplen and wirelen are kept, the link type is mapped
 * and packets come back parsed; a truncated file and a file that is not a
 * capture fail with messages that name the file.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "itm/pcapio.h"
#include "pktbuild.h"
#include "testutil.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define PCAP_FILE_HDR 24
#define PCAP_REC_HDR 16

struct tmp {
	char dir[64];
	char path[4][128];
	int n;
};

static const char *tmp_file(struct tmp *t, const char *name)
{
	char *dst;

	assert_true(t->n < 4);
	dst = t->path[t->n++];
	strcpy(dst, t->dir);
	strcat(dst, "/");
	strncat(dst, name, sizeof(t->path[0]) - strlen(dst) - 1);
	return dst;
}

static int setup_tmp(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	if (!test_mkdtemp(t->dir, sizeof(t->dir), "itm-test-pcapio")) {
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

static int teardown_tmp(void **state)
{
	struct tmp *t = *state;
	int i;

	for (i = 0; i < t->n; i++)
		unlink(t->path[i]);
	rmdir(t->dir);
	free(t);
	return 0;
}

static void tcp4(struct pb *b, struct itm_pkt *p, uint16_t sport,
		 uint32_t payload)
{
	pb_init(b);
	pb_eth(b, 0x0800);
	pb_ipv4(b, 0x10, 6, "192.0.2.1", "198.51.100.7", 0);
	pb_tcp(b, sport, 80, ITM_TCP_ACK, payload);
	pb_finish(b, p);
}

static long file_size(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return (long)st.st_size;
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void test_round_trip(void **state)
{
	static const uint64_t ts[] = {
		UINT64_C(1700000000123456789),	/* every nanosecond digit */
		UINT64_C(1700000000999999999),	/* the last ns of a second */
		UINT64_C(1700000001000000000),	/* a whole second */
		1,				/* the epoch, plus one */
	};
	struct tmp *t = *state;
	const char *path = tmp_file(t, "rt.pcap");
	struct itm_pcap_out out;
	struct itm_pcap_in in;
	struct itm_pkt pkt, *r;
	char msg[256] = "";
	struct pb b;
	size_t i;
	uint32_t full;

	assert_int_equal(itm_pcap_create(&out, path, DLT_EN10MB, msg,
					 sizeof(msg)), 0);
	for (i = 0; i < ARRAY_SIZE(ts); i++) {
		tcp4(&b, &pkt, (uint16_t)(1000 + i), 100 * (uint32_t)i);
		if (i == 2) {		/* a snapped capture: 54 of the bytes */
			pkt.caplen = 54;
			pkt.wirelen = b.len;
		}
		itm_pcap_write(&out, &pkt, ts[i]);
	}
	assert_true(out.count == ARRAY_SIZE(ts));
	assert_int_equal(itm_pcap_finish(&out, msg, sizeof(msg)), 0);
	assert_null(out.d);
	assert_int_equal(itm_pcap_finish(&out, msg, sizeof(msg)), 0);

	assert_int_equal(itm_pcap_open(&in, path, msg, sizeof(msg)), 0);
	assert_int_equal(in.dlt, DLT_EN10MB);
	assert_int_equal(in.link, ITM_LINK_ETHERNET);
	for (i = 0; i < ARRAY_SIZE(ts); i++) {
		r = NULL;
		assert_int_equal(itm_pcap_next(&in, &r, msg, sizeof(msg)), 1);
		assert_non_null(r);
		if (r->ts_ns != ts[i])
			fail_msg("record %zu: ts %llu, expected %llu", i,
				 (unsigned long long)r->ts_ns,
				 (unsigned long long)ts[i]);
		full = 14 + 20 + 20 + 100 * (uint32_t)i;
		assert_int_equal(r->wirelen, full);
		assert_int_equal(r->caplen, i == 2 ? 54 : full);
		assert_int_equal(r->link, ITM_LINK_ETHERNET);
		/* parsed on the way in */
		assert_true(itm_l3_has(&r->v.outer, ITM_HAVE_IP | ITM_HAVE_PORTS));
		assert_int_equal(r->v.outer.family, 4);
		assert_int_equal(r->v.outer.proto, 6);
		assert_int_equal(r->v.outer.tos, 0x10);
		assert_int_equal(r->v.outer.sport, 1000 + i);
		assert_int_equal(r->v.outer.dport, 80);
		assert_int_equal(r->v.outer.src[0], 192);
		assert_int_equal(r->v.outer.dst[3], 7);
		/* the bytes themselves, with their own copy */
		tcp4(&b, &pkt, (uint16_t)(1000 + i), 100 * (uint32_t)i);
		assert_memory_equal(r->data, b.d, r->caplen);
		assert_ptr_not_equal(r->data, b.d);
		itm_pkt_free(r);
	}
	assert_true(in.count == ARRAY_SIZE(ts));
	r = (struct itm_pkt *)(uintptr_t)0x1;
	assert_int_equal(itm_pcap_next(&in, &r, msg, sizeof(msg)), 0);
	assert_int_equal(itm_pcap_next(&in, &r, msg, sizeof(msg)), 0);
	itm_pcap_close(&in);
	assert_null(in.pc);
	itm_pcap_close(&in);
}

static void test_raw_ipv6_link(void **state)
{
	struct tmp *t = *state;
	const char *path = tmp_file(t, "raw.pcap");
	struct itm_pcap_out out;
	struct itm_pcap_in in;
	struct itm_pkt pkt, *r = NULL;
	char msg[256] = "";
	struct pb b;

	/* a raw IPv6 packet, no link header */
	pb_init(&b);
	pb_ipv6(&b, 0xb8, 17, "2001:db8::1", "2001:db8::2");
	pb_udp(&b, 4000, 53, 12);
	pb_finish(&b, &pkt);
	pkt.link = ITM_LINK_RAW;
	assert_int_equal(itm_pcap_create(&out, path, DLT_RAW, msg, sizeof(msg)),
			 0);
	itm_pcap_write(&out, &pkt, UINT64_C(42000000007));
	assert_int_equal(itm_pcap_finish(&out, msg, sizeof(msg)), 0);
	assert_int_equal(file_size(path), PCAP_FILE_HDR + PCAP_REC_HDR + 40 + 8 + 12);

	assert_int_equal(itm_pcap_open(&in, path, msg, sizeof(msg)), 0);
	assert_int_equal(in.link, ITM_LINK_RAW);
	assert_int_equal(itm_pcap_next(&in, &r, msg, sizeof(msg)), 1);
	assert_true(r->ts_ns == UINT64_C(42000000007));
	assert_int_equal(r->link, ITM_LINK_RAW);
	assert_int_equal(r->v.outer.family, 6);
	assert_int_equal(r->v.outer.proto, 17);
	assert_int_equal(r->v.outer.tos, 0xb8);
	assert_int_equal(r->v.outer.dport, 53);
	itm_pkt_free(r);
	itm_pcap_close(&in);
}

/* A microsecond capture (the classic format) reads as nanoseconds. */
static void test_microsecond_file(void **state)
{
	struct tmp *t = *state;
	const char *path = tmp_file(t, "usec.pcap");
	struct pcap_pkthdr h = { .ts = { 1700000000, 123456 } };
	struct itm_pcap_in in;
	struct itm_pkt pkt, *r = NULL;
	pcap_dumper_t *d;
	pcap_t *pc;
	char msg[256];
	struct pb b;

	tcp4(&b, &pkt, 5, 0);
	pc = pcap_open_dead(DLT_EN10MB, 65535);
	assert_non_null(pc);
	d = pcap_dump_open(pc, path);
	assert_non_null(d);
	h.caplen = h.len = b.len;
	pcap_dump((u_char *)d, &h, b.d);
	pcap_dump_close(d);
	pcap_close(pc);

	assert_int_equal(itm_pcap_open(&in, path, msg, sizeof(msg)), 0);
	assert_int_equal(itm_pcap_next(&in, &r, msg, sizeof(msg)), 1);
	assert_true(r->ts_ns == UINT64_C(1700000000123456000));
	itm_pkt_free(r);
	itm_pcap_close(&in);
}

static void test_truncated_record(void **state)
{
	struct tmp *t = *state;
	const char *path = tmp_file(t, "cut.pcap");
	struct itm_pcap_out out;
	struct itm_pcap_in in;
	struct itm_pkt pkt, *r;
	char msg[512];
	struct pb b;
	long whole;
	int rc;

	assert_int_equal(itm_pcap_create(&out, path, DLT_EN10MB, msg,
					 sizeof(msg)), 0);
	tcp4(&b, &pkt, 1, 200);
	itm_pcap_write(&out, &pkt, 1000);
	itm_pcap_write(&out, &pkt, 2000);
	assert_int_equal(itm_pcap_finish(&out, msg, sizeof(msg)), 0);
	whole = file_size(path);
	assert_int_equal(whole, PCAP_FILE_HDR + 2 * (PCAP_REC_HDR + (long)b.len));

	/* cut in the middle of the second record's data */
	assert_int_equal(truncate(path, whole - (long)b.len / 2), 0);
	assert_int_equal(itm_pcap_open(&in, path, msg, sizeof(msg)), 0);
	assert_int_equal(itm_pcap_next(&in, &r, msg, sizeof(msg)), 1);
	itm_pkt_free(r);
	r = NULL;
	msg[0] = '\0';
	rc = itm_pcap_next(&in, &r, msg, sizeof(msg));
	assert_true(rc < 0);
	assert_null(r);
	if (strncmp(msg, path, strlen(path)) != 0 || strlen(msg) <= strlen(path) + 2)
		fail_msg("message does not name the file: \"%s\"", msg);
	assert_non_null(strstr(msg, "record 1"));
	itm_pcap_close(&in);

	/* cut in the middle of the second record's header */
	assert_int_equal(truncate(path, PCAP_FILE_HDR + PCAP_REC_HDR +
				  (long)b.len + 8), 0);
	assert_int_equal(itm_pcap_open(&in, path, msg, sizeof(msg)), 0);
	assert_int_equal(itm_pcap_next(&in, &r, msg, sizeof(msg)), 1);
	itm_pkt_free(r);
	msg[0] = '\0';
	rc = itm_pcap_next(&in, &r, msg, sizeof(msg));
	assert_true(rc < 0);
	if (strncmp(msg, path, strlen(path)) != 0)
		fail_msg("message does not name the file: \"%s\"", msg);
	itm_pcap_close(&in);

	/* cut right after the file header: an empty capture, not an error */
	assert_int_equal(truncate(path, PCAP_FILE_HDR), 0);
	assert_int_equal(itm_pcap_open(&in, path, msg, sizeof(msg)), 0);
	assert_int_equal(itm_pcap_next(&in, &r, msg, sizeof(msg)), 0);
	itm_pcap_close(&in);
}

static void test_open_errors(void **state)
{
	static const char text[] = "this is not a capture file, just text\n";
	struct tmp *t = *state;
	const char *junk = tmp_file(t, "junk.pcap");
	const char *empty = tmp_file(t, "empty.pcap");
	const char *missing = tmp_file(t, "missing.pcap");
	struct itm_pcap_in in;
	char msg[512];
	size_t i;
	const char *const paths[] = { junk, empty, missing };

	write_file(junk, text, sizeof(text) - 1);
	write_file(empty, "", 0);
	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		msg[0] = '\0';
		assert_true(itm_pcap_open(&in, paths[i], msg, sizeof(msg)) < 0);
		assert_null(in.pc);
		/* "PATH: reason", with a reason */
		if (strncmp(msg, paths[i], strlen(paths[i])) != 0 ||
		    strncmp(msg + strlen(paths[i]), ": ", 2) != 0 ||
		    strlen(msg) < strlen(paths[i]) + 4)
			fail_msg("open \"%s\": message \"%s\"", paths[i], msg);
	}
}

static void test_create_error(void **state)
{
	struct tmp *t = *state;
	struct itm_pcap_out out;
	char path[256], msg[512] = "";

	snprintf(path, sizeof(path), "%s/no/such/dir/x.pcap", t->dir);
	assert_true(itm_pcap_create(&out, path, DLT_EN10MB, msg,
				    sizeof(msg)) < 0);
	assert_null(out.pc);
	assert_null(out.d);
	assert_true(strlen(msg) > 0);
	assert_non_null(strstr(msg, path));
	/* finishing a writer that never opened is harmless */
	assert_int_equal(itm_pcap_finish(&out, msg, sizeof(msg)), 0);
}

static void test_link_map(void **state)
{
	static const struct { int dlt; int link; } c[] = {
		{ DLT_EN10MB, ITM_LINK_ETHERNET },
		{ DLT_RAW, ITM_LINK_RAW },
		{ DLT_IPV4, ITM_LINK_IPV4 },
		{ DLT_IPV6, ITM_LINK_IPV6 },
		{ DLT_LINUX_SLL, ITM_LINK_LINUX_SLL },
#ifdef DLT_LINUX_SLL2
		{ DLT_LINUX_SLL2, ITM_LINK_LINUX_SLL2 },
#endif
		{ DLT_NULL, ITM_LINK_NULL },
		{ DLT_LOOP, ITM_LINK_LOOP },
		{ DLT_IEEE802_11, -1 },
		{ DLT_PPP, -1 },
		{ -1, -1 },
		{ 100000, -1 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		if (itm_pcap_link(c[i].dlt) != c[i].link)
			fail_msg("itm_pcap_link(%d) = %d, expected %d", c[i].dlt,
				 itm_pcap_link(c[i].dlt), c[i].link);
	}
	/* and the numbers are pcap's LINKTYPE_ values */
	assert_int_equal(ITM_LINK_NULL, 0);
	assert_int_equal(ITM_LINK_ETHERNET, 1);
	assert_int_equal(ITM_LINK_LOOP, 108);
	assert_int_equal(ITM_LINK_RAW, 101);
	assert_int_equal(ITM_LINK_LINUX_SLL, 113);
	assert_int_equal(ITM_LINK_IPV4, 228);
	assert_int_equal(ITM_LINK_IPV6, 229);
	assert_int_equal(ITM_LINK_LINUX_SLL2, 276);
}

/* A file of a link type we do not parse still reads, unparsed. */
static void test_unsupported_link(void **state)
{
	struct tmp *t = *state;
	const char *path = tmp_file(t, "ppp.pcap");
	struct itm_pcap_out out;
	struct itm_pcap_in in;
	struct itm_pkt pkt, *r = NULL;
	uint8_t data[48] = { 2, 0, 0, 0, 0x45 };
	char msg[256];

	memset(&pkt, 0, sizeof(pkt));
	pkt.data = data;
	pkt.caplen = pkt.wirelen = sizeof(data);
	assert_int_equal(itm_pcap_create(&out, path, DLT_PPP, msg, sizeof(msg)),
			 0);
	itm_pcap_write(&out, &pkt, 5);
	assert_int_equal(itm_pcap_finish(&out, msg, sizeof(msg)), 0);
	assert_int_equal(itm_pcap_open(&in, path, msg, sizeof(msg)), 0);
	assert_int_equal(in.dlt, DLT_PPP);
	assert_false(in.known);
	assert_int_equal(itm_pcap_next(&in, &r, msg, sizeof(msg)), 1);
	assert_int_equal(r->caplen, sizeof(data));
	assert_int_equal(r->v.outer.have, 0);
	assert_int_equal(r->v.ethertype, 0);
	itm_pkt_free(r);
	itm_pcap_close(&in);
}

/* A BSD loopback capture (macOS lo0) reads with its keys. */
static void test_bsd_loopback_file(void **state)
{
	struct tmp *t = *state;
	const char *path = tmp_file(t, "null.pcap");
	struct itm_pcap_out out;
	struct itm_pcap_in in;
	struct itm_pkt pkt, *r = NULL;
	uint8_t data[4 + 28] = { 2, 0, 0, 0, 0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17,
				 0, 0, 127, 0, 0, 1, 127, 0, 0, 1, 0x13, 0x88,
				 0x00, 0x35, 0, 8, 0, 0 };
	char msg[256];

	memset(&pkt, 0, sizeof(pkt));
	pkt.data = data;
	pkt.caplen = pkt.wirelen = sizeof(data);
	assert_int_equal(itm_pcap_create(&out, path, DLT_NULL, msg, sizeof(msg)), 0);
	itm_pcap_write(&out, &pkt, 5);
	assert_int_equal(itm_pcap_finish(&out, msg, sizeof(msg)), 0);
	assert_int_equal(itm_pcap_open(&in, path, msg, sizeof(msg)), 0);
	assert_true(in.known);
	assert_int_equal(in.link, ITM_LINK_NULL);
	assert_int_equal(itm_pcap_next(&in, &r, msg, sizeof(msg)), 1);
	assert_int_equal(r->v.outer.family, 4);
	assert_int_equal(r->v.outer.sport, 5000);
	assert_int_equal(r->v.outer.dport, 53);
	itm_pkt_free(r);
	itm_pcap_close(&in);
}

static void test_pkt_new(void **state)
{
	static const uint8_t bytes[60] = { 0 };
	struct itm_pkt *p;

	p = itm_pkt_new(bytes, 60, 1514, ITM_LINK_ETHERNET, 77);
	assert_non_null(p);
	assert_int_equal(p->caplen, 60);
	assert_int_equal(p->wirelen, 1514);
	assert_true(p->ts_ns == 77);
	assert_memory_equal(p->data, bytes, 60);
	itm_pkt_free(p);
	/* a wire length below the capture is raised to it */
	p = itm_pkt_new(bytes, 60, 10, ITM_LINK_ETHERNET, 0);
	assert_int_equal(p->wirelen, 60);
	itm_pkt_free(p);
	p = itm_pkt_new(bytes, 0, 0, ITM_LINK_ETHERNET, 0);
	assert_non_null(p);
	assert_int_equal(p->caplen, 0);
	itm_pkt_free(p);
	itm_pkt_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup_tmp,
						teardown_tmp),
		cmocka_unit_test_setup_teardown(test_raw_ipv6_link, setup_tmp,
						teardown_tmp),
		cmocka_unit_test_setup_teardown(test_microsecond_file, setup_tmp,
						teardown_tmp),
		cmocka_unit_test_setup_teardown(test_truncated_record, setup_tmp,
						teardown_tmp),
		cmocka_unit_test_setup_teardown(test_open_errors, setup_tmp,
						teardown_tmp),
		cmocka_unit_test_setup_teardown(test_create_error, setup_tmp,
						teardown_tmp),
		cmocka_unit_test(test_link_map),
		cmocka_unit_test_setup_teardown(test_unsupported_link, setup_tmp,
						teardown_tmp),
		cmocka_unit_test_setup_teardown(test_bsd_loopback_file, setup_tmp,
						teardown_tmp),
		cmocka_unit_test(test_pkt_new),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
