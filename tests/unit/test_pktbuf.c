// SPDX-License-Identifier: GPL-2.0-only
/*
 * core/pktbuf.c: a packet grows into its headroom and shrinks at the
 * front: lengths and headroom follow, the bytes before the change move to
 * the front, the rest never moves, and a refused change changes nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "itm/pkt.h"

#define ROOM 16

static uint8_t buf[ROOM + 64];

/* A 40-byte packet "0123..." after ROOM bytes of headroom. */
static struct itm_pkt fresh(void)
{
	struct itm_pkt p;
	int i;

	memset(&p, 0, sizeof(p));
	memset(buf, 0xee, sizeof(buf));
	for (i = 0; i < 40; i++)
		buf[ROOM + i] = (uint8_t)i;
	p.data = buf + ROOM;
	p.headroom = ROOM;
	p.caplen = p.wirelen = 40;
	return p;
}

static void test_push_pull(void **state)
{
	struct itm_pkt p = fresh();

	(void)state;
	assert_ptr_equal(itm_pkt_push(&p, 6), buf + ROOM - 6);
	assert_int_equal(p.headroom, ROOM - 6);
	assert_int_equal(p.caplen, 46);
	assert_int_equal(p.wirelen, 46);
	assert_int_equal(itm_pkt_pull(&p, 10), 0);
	assert_ptr_equal(p.data, buf + ROOM + 4);
	assert_int_equal(p.headroom, ROOM + 4);
	assert_int_equal(p.caplen, 36);
	assert_int_equal(p.wirelen, 36);
	assert_int_equal(p.data[0], 4);
}

static void test_refusals_change_nothing(void **state)
{
	struct itm_pkt p = fresh(), before = p;

	(void)state;
	assert_null(itm_pkt_push(&p, ROOM + 1));
	assert_int_equal(itm_pkt_pull(&p, 41), -EINVAL);
	assert_null(itm_pkt_insert(&p, 14, ROOM + 1));
	assert_null(itm_pkt_insert(&p, 41, 4));
	assert_int_equal(itm_pkt_remove(&p, 30, 11), -EINVAL);
	assert_int_equal(itm_pkt_remove(&p, 41, 0), -EINVAL);
	assert_memory_equal(&p, &before, sizeof(p));
	assert_int_equal(buf[ROOM - 1], 0xee);
	assert_int_equal(buf[ROOM + 39], 39);
}

/* An outer header opened after a 14-byte link header and closed again:
 * the link header moves, the rest of the packet stays where it was. */
static void test_insert_remove_round_trip(void **state)
{
	struct itm_pkt p = fresh();
	uint8_t *gap;
	int i;

	(void)state;
	gap = itm_pkt_insert(&p, 14, 8);
	assert_ptr_equal(gap, buf + ROOM + 6);
	memset(gap, 0xaa, 8);
	assert_int_equal(p.caplen, 48);
	for (i = 0; i < 14; i++)
		assert_int_equal(p.data[i], i);
	assert_int_equal(p.data[14], 0xaa);
	assert_int_equal(p.data[22], 14);
	assert_ptr_equal(p.data + 22, buf + ROOM + 14);	/* payload unmoved */
	assert_int_equal(itm_pkt_remove(&p, 14, 8), 0);
	assert_int_equal(p.caplen, 40);
	assert_int_equal(p.headroom, ROOM);
	for (i = 0; i < 40; i++)
		assert_int_equal(p.data[i], i);
}

/* A short capture keeps the bytes it lacked: pulling headers off leaves
 * the wire length above the capture by as much as before. */
static void test_truncated_capture(void **state)
{
	struct itm_pkt p = fresh();

	(void)state;
	p.wirelen = 1500;
	assert_int_equal(itm_pkt_pull(&p, 20), 0);
	assert_int_equal(p.caplen, 20);
	assert_int_equal(p.wirelen, 1480);
	assert_int_equal(itm_pkt_remove(&p, 0, 20), 0);
	assert_int_equal(p.caplen, 0);
	assert_int_equal(p.wirelen, 1460);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_push_pull),
		cmocka_unit_test(test_refusals_change_nothing),
		cmocka_unit_test(test_insert_remove_round_trip),
		cmocka_unit_test(test_truncated_capture),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
