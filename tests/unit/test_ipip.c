// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ipip module and core/encap.c: outer header fields (length, checksum,
 * TTL, TOS with RFC 6040 ECN, DF, identification), 6in4 and an IPv6 outer
 * header, decapsulation to the very bytes of the inner packet, round trips,
 * the MTU rule, malformed tunnel packets, packets that are not ours; and
 * the in-place resizing of core/pktbuf.c under them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "itm/encap.h"
#include "itm/engine.h"
#include "itm/pcapio.h"
#include "pktbuild.h"
#include "testutil.h"

#define LOCAL "192.0.2.1"
#define PEER "198.51.100.1"
#define CONF "module add ipip hook forward local " LOCAL " peer " PEER

static const uint8_t local4[4] = { 192, 0, 2, 1 }, peer4[4] = { 198, 51, 100, 1 };

/* A packet with headroom (as every backend makes them) holding b's bytes. */
static struct itm_pkt *pkt_of(const struct pb *b)
{
	struct itm_pkt *p = itm_pkt_new(b->d, b->len, b->len, ITM_LINK_ETHERNET, 0);

	assert_non_null(p);
	return p;
}

/* Ethernet, IPv4 (tos, DF, ttl 50) to dst, UDP with `payload` bytes. */
static void inner4(struct pb *b, uint8_t tos, bool df, const char *dst,
		   uint32_t payload)
{
	struct itm_pkt tmp;
	uint32_t ip;

	pb_init(b);
	pb_eth(b, 0x0800);
	ip = pb_ipv4(b, tos, 17, "10.0.0.1", dst, 0);
	b->d[ip + 8] = 50;
	pb_put16(b->d + ip + 4, 0x1234);
	if (df)
		pb_ipv4_frag(b, ip, 0, 0), b->d[ip + 6] |= 0x40;
	pb_udp(b, 1000, 2000, payload);
	memset(b->d + b->len - payload, 0xab, payload);
	pb_finish(b, &tmp);
}

static void inner6(struct pb *b, uint8_t tclass, const char *dst,
		   uint32_t payload)
{
	struct itm_pkt tmp;

	pb_init(b);
	pb_eth(b, 0x86dd);
	pb_ipv6(b, tclass, 17, "2001:db8::1", dst);
	pb_udp(b, 1000, 2000, payload);
	pb_finish(b, &tmp);
}

/* Outer IPv4 from src to dst around an inner IPv4 UDP packet. */
static void tunnel4(struct pb *b, uint8_t otos, const char *src,
		    const char *dst, uint8_t itos, int opts)
{
	struct itm_pkt tmp;

	pb_init(b);
	pb_eth(b, 0x0800);
	pb_ipv4(b, otos, 4, src, dst, opts);
	pb_ipv4(b, itos, 17, "10.0.0.1", "10.1.0.5", 0);
	pb_udp(b, 1000, 2000, 64);
	pb_finish(b, &tmp);
}

static enum itm_verdict run(struct itm_engine *e, struct itm_pkt *p)
{
	return itm_engine_run_hook(e, ITM_HOOK_FORWARD, p, 0);
}

/* A counter of the first module's dump line ("too_big 1 ..."). */
static uint64_t counter(struct itm_engine *e, const char *name)
{
	char *buf = NULL, key[64], *at;
	unsigned long long v = ~0ull;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	itm_engine_print_modules(e, f, false);
	fclose(f);
	snprintf(key, sizeof(key), " %s ", name);
	at = strstr(buf, key);
	assert_non_null(at);
	assert_int_equal(sscanf(at + strlen(key), "%llu", &v), 1);
	free(buf);
	return v;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void test_pktbuf(void **state)
{
	uint8_t bytes[40];
	struct itm_pkt *p;
	uint8_t *gap;
	int i;

	(void)state;
	for (i = 0; i < 40; i++)
		bytes[i] = (uint8_t)i;
	p = itm_pkt_new(bytes, 40, 100, ITM_LINK_ETHERNET, 0);
	assert_int_equal(p->headroom, ITM_PKT_HEADROOM);
	gap = itm_pkt_insert(p, 14, 20);
	assert_ptr_equal(gap, p->data + 14);
	assert_int_equal(p->caplen, 60);
	assert_int_equal(p->wirelen, 120);
	assert_int_equal(p->headroom, ITM_PKT_HEADROOM - 20);
	assert_memory_equal(p->data, bytes, 14);		/* L2 stays first */
	assert_memory_equal(p->data + 34, bytes + 14, 26);	/* the rest after */
	assert_int_equal(itm_pkt_remove(p, 14, 20), 0);
	assert_int_equal(p->caplen, 40);
	assert_int_equal(p->wirelen, 100);
	assert_memory_equal(p->data, bytes, 40);
	assert_null(itm_pkt_insert(p, 41, 4));			/* past the end */
	assert_null(itm_pkt_push(p, ITM_PKT_HEADROOM + 1));	/* no room */
	assert_int_equal(itm_pkt_remove(p, 30, 11), -EINVAL);
	assert_int_equal(p->caplen, 40);
	assert_int_equal(itm_pkt_pull(p, 40), 0);
	assert_int_equal(p->caplen, 0);
	assert_int_equal(p->wirelen, 60);
	itm_pkt_free(p);
}

static void test_encap_fields(void **state)
{
	struct itm_engine *e = test_engine(CONF "\n", TEST_START);
	struct pb b;
	struct itm_pkt *p;
	uint8_t *o;
	int i;

	(void)state;
	inner4(&b, 0xb9, true, "10.1.0.5", 100);
	for (i = 0; i < 2; i++) {
		p = pkt_of(&b);
		assert_int_equal(run(e, p), ITM_MODIFIED);
		o = p->data + 14;
		assert_int_equal(p->caplen, b.len + 20);
		assert_int_equal(rd16(p->data + 12), 0x0800);
		assert_memory_equal(p->data, b.d, 12);		/* MACs kept */
		assert_int_equal(o[0], 0x45);
		assert_int_equal(o[1], 0xb9);		/* DSCP and ECN copied */
		assert_int_equal(rd16(o + 2), b.len - 14 + 20);
		assert_int_equal(rd16(o + 4), i);	/* identification counts */
		assert_int_equal(rd16(o + 6), 0x4000);	/* DF copied */
		assert_int_equal(o[8], 64);
		assert_int_equal(o[9], 4);
		assert_memory_equal(o + 12, local4, 4);
		assert_memory_equal(o + 16, peer4, 4);
		assert_int_equal(itm_csum_fold(itm_csum_partial(o, 20, 0)), 0);
		assert_memory_equal(o + 20, b.d + 14, b.len - 14);	/* inner intact */
		assert_int_equal(p->v.tunnel, ITM_TUNNEL_IPIP);	/* re-parsed */
		assert_int_equal(itm_csum_verify(p), 0);
		itm_pkt_free(p);
	}
	assert_int_equal(counter(e, "encapsulated"), 2);
	itm_engine_destroy(e);
}

/* One encapsulation with extra options; returns the outer header bytes. */
static void encap_with(const char *opts, const struct pb *b, uint8_t *out)
{
	char conf[256];
	struct itm_engine *e;
	struct itm_pkt *p;

	snprintf(conf, sizeof(conf), CONF " %s\n", opts);
	e = test_engine(conf, TEST_START);
	p = pkt_of(b);
	assert_int_equal(run(e, p), ITM_MODIFIED);
	memcpy(out, p->data + 14, 20);
	assert_int_equal(itm_csum_verify(p), 0);
	itm_pkt_free(p);
	itm_engine_destroy(e);
}

static void test_encap_options(void **state)
{
	struct pb df, nodf;
	uint8_t o[20];

	(void)state;
	inner4(&df, 0x03, true, "10.1.0.5", 20);	/* CE inside */
	inner4(&nodf, 0x02, false, "10.1.0.5", 20);
	encap_with("ttl inherit", &df, o);
	assert_int_equal(o[8], 50);
	encap_with("ttl 9 tos 0x20", &df, o);
	assert_int_equal(o[8], 9);
	assert_int_equal(o[1], 0x23);		/* DSCP configured, CE copied */
	encap_with("tos 0x23", &nodf, o);
	assert_int_equal(o[1], 0x22);		/* configured ECN bits ignored */
	encap_with("", &nodf, o);
	assert_int_equal(rd16(o + 6), 0);	/* DF inherited: clear */
	encap_with("df set", &nodf, o);
	assert_int_equal(rd16(o + 6), 0x4000);
	encap_with("df clear", &df, o);
	assert_int_equal(rd16(o + 6), 0);
}

static void test_encap_6in4(void **state)
{
	struct itm_engine *e = test_engine(CONF "\n", TEST_START);
	struct pb b;
	struct itm_pkt *p;
	uint8_t *o;

	(void)state;
	inner6(&b, 0x2a, "2001:db8:1::5", 50);
	p = pkt_of(&b);
	assert_int_equal(run(e, p), ITM_MODIFIED);
	o = p->data + 14;
	assert_int_equal(rd16(p->data + 12), 0x0800);	/* EtherType follows */
	assert_int_equal(o[1], 0x2a);
	assert_int_equal(o[9], 41);
	assert_int_equal(rd16(o + 2), b.len - 14 + 20);
	assert_int_equal(rd16(o + 6), 0x4000);	/* IPv6 inside: DF */
	assert_int_equal(p->v.tunnel, ITM_TUNNEL_SIT);
	assert_memory_equal(o + 20, b.d + 14, b.len - 14);
	assert_int_equal(itm_csum_verify(p), 0);
	itm_pkt_free(p);
	itm_engine_destroy(e);
}

static void test_encap_ipv6_outer(void **state)
{
	struct itm_engine *e = test_engine("module add ipip hook forward "
					   "local 2001:db8:ff::1 peer 2001:db8:ff::2 ttl 33\n",
					   TEST_START);
	struct pb b;
	struct itm_pkt *p;
	uint8_t *o;

	(void)state;
	inner4(&b, 0xb8, true, "10.1.0.5", 30);
	p = pkt_of(&b);
	assert_int_equal(run(e, p), ITM_MODIFIED);
	o = p->data + 14;
	assert_int_equal(rd16(p->data + 12), 0x86dd);
	assert_int_equal(o[0] >> 4, 6);
	assert_int_equal((o[0] & 0x0f) << 4 | o[1] >> 4, 0xb8);
	assert_int_equal(rd16(o + 4), b.len - 14);	/* payload: the inner */
	assert_int_equal(o[6], 4);
	assert_int_equal(o[7], 33);
	assert_int_equal(p->v.tunnel, ITM_TUNNEL_4IN6);
	assert_memory_equal(o + 40, b.d + 14, b.len - 14);
	itm_pkt_free(p);
	itm_engine_destroy(e);
}

static void test_encap_raw_link(void **state)
{
	struct itm_engine *e = test_engine(CONF "\n", TEST_START);
	struct pb b;
	struct itm_pkt *p;

	(void)state;
	inner4(&b, 0, true, "10.1.0.5", 10);
	p = itm_pkt_new(b.d + 14, b.len - 14, b.len - 14, ITM_LINK_RAW, 0);
	assert_int_equal(run(e, p), ITM_MODIFIED);
	assert_int_equal(p->data[0], 0x45);
	assert_int_equal(p->data[9], 4);
	assert_memory_equal(p->data + 20, b.d + 14, b.len - 14);
	itm_pkt_free(p);
	itm_engine_destroy(e);
}

/* BSD loopback: the 4-byte family stays first; an outer header of the
 * other family is refused (AF_INET6's number differs by system), so the
 * packet is dropped and counted, not sent with a header that lies. */
static void test_encap_bsd_loopback(void **state)
{
	struct itm_engine *e4 = test_engine(CONF "\n", TEST_START);
	struct itm_engine *e6 = test_engine("module add ipip hook forward "
					    "local 2001:db8:ff::1 peer 2001:db8:ff::2\n",
					    TEST_START);
	uint8_t bytes[sizeof(((struct pb *)0)->d)];
	struct itm_pkt *p;
	struct pb b;

	(void)state;
	inner4(&b, 0, true, "10.1.0.5", 10);
	memcpy(bytes, "\x02\0\0\0", 4);		/* AF_INET, little-endian */
	memcpy(bytes + 4, b.d + 14, b.len - 14);
	p = itm_pkt_new(bytes, b.len - 10, b.len - 10, ITM_LINK_NULL, 0);
	assert_int_equal(run(e4, p), ITM_MODIFIED);
	assert_memory_equal(p->data, "\x02\0\0\0", 4);
	assert_int_equal(p->data[4], 0x45);
	assert_int_equal(p->data[4 + 9], 4);
	assert_memory_equal(p->data + 24, b.d + 14, b.len - 14);
	assert_int_equal(p->v.tunnel, ITM_TUNNEL_IPIP);
	itm_pkt_free(p);
	p = itm_pkt_new(bytes, b.len - 10, b.len - 10, ITM_LINK_LOOP, 0);
	assert_int_equal(run(e6, p), ITM_DROP);
	assert_memory_equal(p->data + 4, b.d + 14, b.len - 14);
	assert_int_equal(counter(e6, "errors"), 1);
	itm_pkt_free(p);
	itm_engine_destroy(e4);
	itm_engine_destroy(e6);
}

static void test_decap(void **state)
{
	struct itm_engine *e = test_engine("module add ipip hook forward local "
					   PEER " peer " LOCAL "\n", TEST_START);
	struct pb t, in;
	struct itm_pkt *p, tmp;
	int opts;

	(void)state;
	pb_init(&in);
	pb_eth(&in, 0x0800);
	pb_ipv4(&in, 0x02, 17, "10.0.0.1", "10.1.0.5", 0);
	pb_udp(&in, 1000, 2000, 64);
	pb_finish(&in, &tmp);
	for (opts = 0; opts < 2; opts++) {	/* outer IPv4 options go too */
		tunnel4(&t, 0x00, LOCAL, PEER, 0x02, opts);
		p = pkt_of(&t);
		assert_int_equal(run(e, p), ITM_MODIFIED);
		assert_int_equal(p->caplen, in.len);
		assert_memory_equal(p->data, in.d, in.len);
		assert_int_equal(p->v.tunnel, ITM_TUNNEL_NONE);
		itm_pkt_free(p);
	}
	assert_int_equal(counter(e, "decapsulated"), 2);
	itm_engine_destroy(e);
}

static void test_round_trip(void **state)
{
	struct itm_engine *e = test_engine(
		"module add ipip label a hook forward local " LOCAL " peer " PEER "\n"
		"module add ipip label b hook post-routing local " PEER " peer " LOCAL
		" encap off\n", TEST_START);
	struct pb b4, b6;
	struct itm_pkt *p;

	(void)state;
	inner4(&b4, 0xb9, true, "10.1.0.5", 300);
	inner6(&b6, 0x2a, "2001:db8:1::5", 300);
	p = pkt_of(&b4);
	assert_int_equal(run(e, p), ITM_MODIFIED);
	assert_int_equal(itm_engine_run_hook(e, ITM_HOOK_POST_ROUTING, p, 0),
			 ITM_MODIFIED);
	assert_int_equal(p->caplen, b4.len);
	assert_memory_equal(p->data, b4.d, b4.len);
	itm_pkt_free(p);
	p = pkt_of(&b6);
	assert_int_equal(run(e, p), ITM_MODIFIED);
	assert_int_equal(itm_engine_run_hook(e, ITM_HOOK_POST_ROUTING, p, 0),
			 ITM_MODIFIED);
	assert_int_equal(p->caplen, b6.len);
	assert_memory_equal(p->data, b6.d, b6.len);
	itm_pkt_free(p);
	itm_engine_destroy(e);
}

static void test_too_big(void **state)
{
	struct itm_engine *e = test_engine(CONF "\n", TEST_START);
	struct pb b;
	struct itm_pkt *p;

	(void)state;
	inner4(&b, 0, true, "10.1.0.5", 1480 - 28);	/* 1480: fits exactly */
	p = pkt_of(&b);
	assert_int_equal(run(e, p), ITM_MODIFIED);
	itm_pkt_free(p);
	inner4(&b, 0, true, "10.1.0.5", 1481 - 28);
	p = pkt_of(&b);
	assert_int_equal(run(e, p), ITM_DROP);
	assert_int_equal(p->caplen, b.len);		/* untouched */
	itm_pkt_free(p);
	inner6(&b, 0, "2001:db8:1::5", 1481 - 48);
	p = pkt_of(&b);
	assert_int_equal(run(e, p), ITM_DROP);
	itm_pkt_free(p);
	assert_int_equal(counter(e, "too_big"), 2);
	inner4(&b, 0, false, "10.1.0.5", 1481 - 28);	/* may fragment */
	p = pkt_of(&b);
	assert_int_equal(run(e, p), ITM_MODIFIED);
	assert_int_equal(rd16(p->data + 14 + 6), 0);
	itm_pkt_free(p);
	assert_int_equal(counter(e, "fragmentable"), 1);
	assert_int_equal(counter(e, "encapsulated"), 2);
	itm_engine_destroy(e);
}

static void test_ecn_decap_table(void **state)
{
	/* RFC 6040 figure 4: rows inner Not-ECT, ECT(0), ECT(1), CE;
	 * columns outer Not-ECT, ECT(0), ECT(1), CE; -1 = drop */
	static const int want[4][4] = {
		{ 0, 0, 0, -1 },
		{ 2, 2, 1, 3 },
		{ 1, 1, 1, 3 },
		{ 3, 3, 3, 3 },
	};
	static const int row[4] = { 0, 2, 1, 3 }, col[4] = { 0, 2, 1, 3 };
	int i, j;

	(void)state;
	for (i = 0; i < 4; i++)
		for (j = 0; j < 4; j++)
			assert_int_equal(itm_ecn_decap((uint8_t)col[j], (uint8_t)row[i]),
					 want[i][j]);
}

static void test_ecn_decap_module(void **state)
{
	struct itm_engine *e = test_engine("module add ipip hook forward local "
					   PEER " peer " LOCAL "\n", TEST_START);
	struct pb t;
	struct itm_pkt *p;

	(void)state;
	tunnel4(&t, 0x03, LOCAL, PEER, 0xa2, 0);	/* CE over ECT(0) */
	p = pkt_of(&t);
	assert_int_equal(run(e, p), ITM_MODIFIED);
	assert_int_equal(p->data[15], 0xa3);		/* DSCP kept, CE */
	assert_int_equal(itm_csum_fold(itm_csum_partial(p->data + 14, 20, 0)), 0);
	itm_pkt_free(p);
	tunnel4(&t, 0x03, LOCAL, PEER, 0xa0, 0);	/* CE over not-ECT */
	p = pkt_of(&t);
	assert_int_equal(run(e, p), ITM_DROP);
	itm_pkt_free(p);
	assert_int_equal(counter(e, "ecn_drop"), 1);
	itm_engine_destroy(e);
}

/* Tunnel packets to us that cannot be taken apart: dropped, counted bad. */
static void test_malformed(void **state)
{
	struct itm_engine *e = test_engine("module add ipip hook forward local "
					   PEER " peer " LOCAL "\n", TEST_START);
	struct itm_pkt *p, tmp;
	struct pb b;
	uint32_t ip;

	(void)state;
	pb_init(&b);				/* 10 bytes inside: short */
	pb_eth(&b, 0x0800);
	pb_ipv4(&b, 0, 4, LOCAL, PEER, 0);
	b.len += 10;
	pb_finish(&b, &tmp);
	p = pkt_of(&b);
	assert_int_equal(run(e, p), ITM_DROP);
	itm_pkt_free(p);
	tunnel4(&b, 0, LOCAL, PEER, 0, 0);	/* IHL 6 points into the inner */
	b.d[14] = 0x46;
	pb_put16(b.d + 24, 0);
	pb_put16(b.d + 24, itm_csum_fold(itm_csum_partial(b.d + 14, 24, 0)));
	p = pkt_of(&b);
	assert_int_equal(run(e, p), ITM_DROP);
	itm_pkt_free(p);
	tunnel4(&b, 0, LOCAL, PEER, 0, 0);	/* an outer fragment */
	pb_ipv4_frag(&b, 14, 1, 0);
	p = pkt_of(&b);
	assert_int_equal(run(e, p), ITM_DROP);
	itm_pkt_free(p);
	tunnel4(&b, 0, LOCAL, PEER, 0, 0);	/* inner longer than the outer */
	ip = 34;
	pb_put16(b.d + ip + 2, (uint16_t)(rd16(b.d + ip + 2) + 8));
	p = pkt_of(&b);
	assert_int_equal(run(e, p), ITM_DROP);
	itm_pkt_free(p);
	assert_int_equal(counter(e, "bad"), 4);
	tunnel4(&b, 0, LOCAL, PEER, 0, 0);	/* IHL 4: not IP at all */
	b.d[14] = 0x44;
	p = pkt_of(&b);
	assert_int_equal(run(e, p), ITM_ACCEPT);
	assert_memory_equal(p->data, b.d, b.len);
	itm_pkt_free(p);
	assert_int_equal(counter(e, "bad"), 4);
	itm_engine_destroy(e);
}

/* Not ours: left byte for byte as they came. */
static void test_untouched(void **state)
{
	struct itm_engine *e = test_engine(CONF " match 10.1.0.0/16\n", TEST_START);
	struct pb b;
	struct itm_pkt *p;
	int i;

	(void)state;
	for (i = 0; i < 5; i++) {
		if (i == 0)
			tunnel4(&b, 0, PEER, "203.0.113.9", 0, 0);	/* to another */
		else if (i == 1)
			tunnel4(&b, 0, "203.0.113.9", LOCAL, 0, 0);	/* not from peer */
		else if (i == 2)
			inner4(&b, 0, true, "10.2.0.1", 20);	/* outside match */
		else if (i == 3)
			inner4(&b, 0, true, PEER, 20);		/* to the peer itself */
		else
			tunnel4(&b, 0, LOCAL, PEER, 0, 0);	/* already tunnelled */
		if (i == 3) {
			itm_engine_destroy(e);
			e = test_engine(CONF "\n", TEST_START);	/* match any */
		}
		p = pkt_of(&b);
		assert_int_equal(run(e, p), ITM_ACCEPT);
		assert_int_equal(p->caplen, b.len);
		assert_memory_equal(p->data, b.d, b.len);
		itm_pkt_free(p);
	}
	itm_engine_destroy(e);
}

/* Without headroom nothing is written and the packet does not leak out
 * unencapsulated. */
static void test_no_headroom(void **state)
{
	struct itm_engine *e = test_engine(CONF "\n", TEST_START);
	struct itm_pkt p;
	struct pb b;

	(void)state;
	inner4(&b, 0, true, "10.1.0.5", 20);
	pb_finish(&b, &p);
	assert_int_equal(run(e, &p), ITM_DROP);
	assert_int_equal(p.caplen, b.len);
	assert_int_equal(counter(e, "errors"), 1);
	itm_engine_destroy(e);
}

static void load_fails(const char *conf, const char *why)
{
	struct itm_engine *e = NULL;
	char msg[256];

	assert_int_not_equal(itm_config_load_buf("t", conf, strlen(conf), &e, msg,
						 sizeof(msg)), 0);
	if (!strstr(msg, why))
		fail_msg("\"%s\" lacks \"%s\"", msg, why);
}

static void test_config(void **state)
{
	struct itm_engine *e;
	struct itm_err err;
	char buf[128];

	(void)state;
	load_fails("module add ipip local 192.0.2.1\n", "required");
	load_fails("module add ipip local 192.0.2.1 peer 2001:db8::1\n", "both IPv6");
	load_fails("module add ipip local 192.0.2.0/24 peer 192.0.2.9\n", "192.0.2.0/24");
	load_fails(CONF " match 10.0.0.0/33\n", "10.0.0.0/33");
	load_fails(CONF " ttl 256\n", "256");
	e = test_engine(CONF " match 10.0.0.0/8,2001:db8::/32\n", TEST_START);
	assert_int_equal(itm_engine_param_get(e, "ipip.match", buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, "10.0.0.0/8,2001:db8::/32");
	assert_int_equal(itm_engine_param_set(e, "ipip.ttl", "inherit", &err), 0);
	assert_int_equal(itm_engine_param_get(e, "ipip.ttl", buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, "inherit");
	assert_int_equal(itm_engine_param_set(e, "ipip.match", "any", &err), 0);
	assert_int_equal(itm_engine_param_get(e, "ipip.match", buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, "any");
	assert_int_equal(itm_engine_param_set(e, "ipip.local", "192.0.2.7", &err), -EPERM);
	assert_int_equal(itm_engine_param_set(e, "ipip.mtu", "40", &err), -ERANGE);
	itm_engine_destroy(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pktbuf),
		cmocka_unit_test(test_encap_fields),
		cmocka_unit_test(test_encap_options),
		cmocka_unit_test(test_encap_6in4),
		cmocka_unit_test(test_encap_ipv6_outer),
		cmocka_unit_test(test_encap_raw_link),
		cmocka_unit_test(test_encap_bsd_loopback),
		cmocka_unit_test(test_decap),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_ecn_decap_table),
		cmocka_unit_test(test_ecn_decap_module),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_untouched),
		cmocka_unit_test(test_no_headroom),
		cmocka_unit_test(test_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
