/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers for discipline tests that go through the engine and its command
 * grammar (include after cmocka.h): an engine whose dropped packets are
 * counted by cause, command lines run against it with their output kept,
 * and packets made to measure.
 */
#ifndef ITM_TESTS_QTEST_H
#define ITM_TESTS_QTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itm/cmd.h"
#include "itm/engine.h"
#include "itm/qtree.h"
#include "pktbuild.h"
#include "testutil.h"

#define QT_PKTS 4096

struct qt {
	struct itm_engine *e;
	uint64_t freed;
	char *out;
	size_t out_len;
	struct itm_pkt pkt[QT_PKTS];
	uint8_t data[QT_PKTS][128];
};

static void qt_free(void *ctx, struct itm_pkt *p)
{
	struct qt *t = ctx;

	(void)p;
	t->freed++;
}

static inline struct qt *qt_new(const char *conf)
{
	struct qt *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->e = test_engine(conf, 0);
	itm_engine_set_free(t->e, qt_free, t);
	return t;
}

static inline void qt_del(struct qt *t)
{
	itm_engine_destroy(t->e);
	free(t->out);
	free(t);
}

/* Run one command line; its output is in t->out. */
static inline int qt_cmd(struct qt *t, const char *line, struct itm_err *err)
{
	struct itm_cmd_ctx c = { .eng = t->e };
	char buf[512], *argv[ITM_CMD_ARGS_MAX];
	int argc, r;

	free(t->out);
	t->out = NULL;
	c.out = open_memstream(&t->out, &t->out_len);
	assert_non_null(c.out);
	snprintf(buf, sizeof(buf), "%s", line);
	argc = itm_cmd_split(buf, argv, ITM_CMD_ARGS_MAX);
	assert_true(argc >= 0);
	memset(err, 0, sizeof(*err));
	r = itm_cmd_run(&c, argc, argv, err);
	fclose(c.out);
	return r;
}

static inline void qt_must(struct qt *t, const char *line)
{
	struct itm_err err;

	if (qt_cmd(t, line, &err) != 0)
		fail_msg("\"%s\": %s", line, err.msg);
}

/* Packet i: an IPv4/UDP packet of `len` bytes from port sport, with tos. */
static inline struct itm_pkt *qt_pkt(struct qt *t, int i, uint32_t len,
				     uint16_t sport, uint8_t tos)
{
	struct itm_pkt *p = &t->pkt[i];
	struct pb b;

	pb_init(&b);
	pb_eth(&b, 0x0800);
	pb_ipv4(&b, tos, 17, "10.0.0.1", "10.0.0.2", 0);
	pb_udp(&b, sport, 9, 0);
	pb_finish(&b, p);
	assert_true(b.len <= sizeof(t->data[i]));
	memcpy(t->data[i], b.d, b.len);
	p->data = t->data[i];
	p->caplen = p->wirelen = len;	/* the size the queues see */
	p->seq = (uint64_t)i;
	return p;
}

static inline void qt_enq(struct qt *t, struct itm_pkt *p, uint64_t now)
{
	itm_qdisc_enqueue(t->e->root, p, now);
}

static inline struct itm_pkt *qt_deq(struct qt *t, uint64_t now)
{
	return itm_qdisc_dequeue(t->e->root, now);
}

#endif
