// SPDX-License-Identifier: GPL-2.0-only
/*
 * itmtun's framing (src/apps/itmtun/frame.c): the header's bytes, frames
 * read back one after another from a stream, partial input, and every
 * refusal with its reason.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "frame.h"

/* A framed IPv4 (@ver 4) or IPv6 packet of @len bytes into @buf. */
static size_t framed(uint8_t *buf, int ver, size_t len)
{
	uint8_t *p = buf + FRAME_HDR;

	assert_int_equal(frame_header(buf, len), 0);
	memset(p, 0xab, len);
	if (ver == 4) {
		p[0] = 0x45;
		p[2] = (uint8_t)(len >> 8);
		p[3] = (uint8_t)len;
	} else {
		p[0] = 0x60;
		p[4] = (uint8_t)((len - 40) >> 8);
		p[5] = (uint8_t)(len - 40);
	}
	return FRAME_HDR + len;
}

static void test_header_bytes(void **state)
{
	uint8_t h[FRAME_HDR];

	(void)state;
	assert_int_equal(frame_header(h, 1500), 0);
	assert_int_equal(h[0], 0xe7);
	assert_int_equal(h[1], 1);
	assert_int_equal(h[2], 0x05);
	assert_int_equal(h[3], 0xdc);
	assert_int_equal(frame_header(h, 19), -EMSGSIZE);
	assert_int_equal(frame_header(h, 65536), -EMSGSIZE);
	assert_int_equal(frame_header(h, 65535), 0);
}

static void test_stream_of_frames(void **state)
{
	static uint8_t buf[4096];
	const uint8_t *pkt;
	const char *why;
	size_t a, b, len;

	(void)state;
	a = framed(buf, 4, 60);
	b = framed(buf + a, 6, 1280);
	assert_int_equal(frame_parse(buf, a + b, &pkt, &len, &why), (int)a);
	assert_ptr_equal(pkt, buf + FRAME_HDR);
	assert_int_equal(len, 60);
	assert_int_equal(frame_parse(buf + a, b, &pkt, &len, &why), (int)b);
	assert_int_equal(len, 1280);
	assert_int_equal(pkt[0] >> 4, 6);
}

static void test_partial_needs_more(void **state)
{
	static uint8_t buf[2048];
	const uint8_t *pkt;
	const char *why;
	size_t n = framed(buf, 4, 1500), len, i;

	(void)state;
	for (i = 0; i < n; i += 97)
		assert_int_equal(frame_parse(buf, i, &pkt, &len, &why), 0);
	assert_int_equal(frame_parse(buf, n - 1, &pkt, &len, &why), 0);
	assert_int_equal(frame_parse(buf, n, &pkt, &len, &why), (int)n);
}

static void refused(uint8_t *buf, size_t n, int err, const char *reason)
{
	const uint8_t *pkt;
	const char *why = NULL;
	size_t len;

	assert_int_equal(frame_parse(buf, n, &pkt, &len, &why), err);
	assert_non_null(why);
	assert_string_equal(why, reason);
}

static void test_refusals(void **state)
{
	static uint8_t buf[256];
	size_t n;

	(void)state;
	n = framed(buf, 4, 40);
	buf[0] = 0x45;				/* a packet without its header */
	refused(buf, 2, -EPROTO, "bad magic");	/* known after two bytes */
	n = framed(buf, 4, 40);
	buf[1] = 2;
	refused(buf, n, -EPROTO, "unknown version");
	n = framed(buf, 4, 40);
	buf[3] = 19;				/* the length below a header */
	refused(buf, 4, -EMSGSIZE, "packet length below 20");
	n = framed(buf, 4, 40);
	buf[FRAME_HDR + 3] = 41;		/* the IPv4 length disagrees */
	refused(buf, n, -EINVAL, "IPv4 total length differs from the frame's");
	n = framed(buf, 4, 40);
	buf[FRAME_HDR] = 0x4f;			/* IHL 60 bytes in 40 */
	refused(buf, n, -EINVAL, "IPv4 header length out of the frame");
	n = framed(buf, 6, 48);
	buf[FRAME_HDR + 5] = 0;			/* IPv6 payload length 0 */
	refused(buf, n, -EINVAL, "IPv6 payload length differs from the frame's");
	n = framed(buf, 4, 40);
	buf[FRAME_HDR] = 0x55;
	refused(buf, n, -EINVAL, "neither IPv4 nor IPv6");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_bytes),
		cmocka_unit_test(test_stream_of_frames),
		cmocka_unit_test(test_partial_needs_more),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
