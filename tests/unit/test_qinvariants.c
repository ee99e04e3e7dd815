// SPDX-License-Identifier: GPL-2.0-only
/*
 * Property tests over whole trees of disciplines: random enqueues (sizes,
 * flows, classes, some naming no class), dequeues at advancing times,
 * option changes and resets, with the counters checked after every step.
 * At every discipline of the tree:
 *   - qlen and backlog add up to what its classes' children hold (plus the
 *     packet a parent peeked and holds for it), and are 0 together;
 *   - a fifo, pie or fq_pie never holds more than its limit;
 * and at the root: qlen and backlog are exactly the packets handed in and
 *   neither sent nor dropped, drops are the packets given back, and no
 *   packet leaves twice.
 * The random sequence is a fixed xorshift, so a failure repeats.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "qtest.h"

#define STEPS 20000
#define POOL 512

struct inv {
	struct qt *t;
	bool held[POOL];
	uint64_t held_pkts, held_bytes, freed, rnd;
};

static uint64_t inv_rand(struct inv *v)
{
	v->rnd ^= v->rnd << 13;
	v->rnd ^= v->rnd >> 7;
	v->rnd ^= v->rnd << 17;
	return v->rnd;
}

static void inv_release(struct inv *v, struct itm_pkt *p)
{
	int i = (int)(p - v->t->pkt);

	assert_true(i >= 0 && i < POOL);
	assert_true(v->held[i]);
	v->held[i] = false;
	v->held_pkts--;
	v->held_bytes -= p->caplen;
}

static void inv_free(void *ctx, struct itm_pkt *p)
{
	struct inv *v = ctx;

	inv_release(v, p);
	v->freed++;
}

static uint64_t inv_limit(const struct itm_qdisc *q)
{
	const struct itm_attr *a = itm_attr_find(q->ops->attrs, "limit");

	return itm_attr_load(a, q->priv);
}

static int inv_check_one(struct itm_qdisc *q, void *arg)
{
	const struct itm_class_ops *cl = q->ops->cl;
	const char *id = q->ops->id;
	uint64_t qlen = q->peeked ? 1 : 0;
	uint64_t bytes = q->peeked ? itm_pkt_len(q->peeked) : 0;
	uint32_t m;

	(void)arg;
	assert_true(q->stats.qlen <= POOL);
	assert_true(q->stats.backlog_bytes <= (uint64_t)POOL * 1500);
	assert_int_equal(q->stats.qlen == 0, q->stats.backlog_bytes == 0);
	if (!strcmp(id, "bfifo"))
		assert_true(q->stats.backlog_bytes <= inv_limit(q));
	else if (!strcmp(id, "pfifo") || !strcmp(id, "pfifo_head_drop") ||
		 !strcmp(id, "pie") || !strcmp(id, "fq_pie"))
		assert_true(q->stats.qlen <= inv_limit(q));
	if (!cl)
		return 0;
	for (m = cl->next(q, 0); m; m = cl->next(q, m)) {
		struct itm_qdisc **slot = cl->leaf(q, m);

		if (slot && *slot) {
			qlen += (*slot)->stats.qlen;
			bytes += (*slot)->stats.backlog_bytes;
		}
	}
	assert_int_equal(q->stats.qlen, qlen);
	assert_int_equal(q->stats.backlog_bytes, bytes);
	return 0;
}

static void inv_check(struct inv *v)
{
	struct itm_engine *e = v->t->e;
	uint64_t drops = 0;
	int c;

	for (c = 0; c < ITM_DROP_CAUSE_MAX; c++)
		drops += e->drops[c];
	assert_int_equal(e->root->stats.qlen, v->held_pkts);
	assert_int_equal(e->root->stats.backlog_bytes, v->held_bytes);
	assert_int_equal(e->root->stats.drops, v->freed);
	assert_int_equal(drops, v->freed);
	itm_qtree_walk(e->root, inv_check_one, NULL);
}

/* A tree, the class minors its packets may name (0: none, 9: no such
 * class), and commands to try on it (with '?': it may be refused). */
struct inv_case {
	const char *conf;
	uint32_t minors[6];
	const char *change[4];
};

static void inv_run(const struct inv_case *k, uint64_t seed)
{
	struct inv v = { .rnd = seed };
	uint64_t now = 1000;
	int step, nmin = 0, nchg = 0;

	v.t = qt_new(k->conf);
	itm_engine_set_free(v.t->e, inv_free, &v);
	while (nmin < 6 && (nmin == 0 || k->minors[nmin]))
		nmin++;
	while (nchg < 4 && k->change[nchg])
		nchg++;
	for (step = 0; step < STEPS; step++) {
		uint64_t r = inv_rand(&v), op = r % 100;

		now += (r >> 8) % 200000;
		if (op < 55) {
			int i = (int)((r >> 24) % POOL);
			uint32_t len = 64 + (uint32_t)((r >> 33) % 1437);
			struct itm_pkt *p;

			if (v.held[i])
				continue;
			p = qt_pkt(v.t, i, len, (uint16_t)(r >> 44) % 6,
				   (uint8_t)((r >> 50) % 4 * 0x40 + (r >> 58) % 4));
			p->classid = 0x10000 | k->minors[(r >> 52) % nmin];
			v.held[i] = true;
			v.held_pkts++;
			v.held_bytes += len;
			qt_enq(v.t, p, now);
		} else if (op < 97) {
			struct itm_pkt *p = qt_deq(v.t, now);

			if (p)
				inv_release(&v, p);
		} else if (op < 99 && nchg) {
			const char *c = k->change[(r >> 24) % nchg];
			struct itm_err err;

			if (*c == '?')	/* may be refused */
				qt_cmd(v.t, c + 1, &err);
			else
				qt_must(v.t, c);
		} else {
			itm_qdisc_reset(v.t->e->root);
		}
		inv_check(&v);
	}
	itm_qdisc_reset(v.t->e->root);
	inv_check(&v);
	assert_int_equal(v.held_pkts, 0);
	qt_del(v.t);
}

static const struct inv_case cases[] = {
	{ "qdisc add root handle 1: pfifo limit 20\n", { 0 },
	  { "qdisc change root pfifo limit 5", "qdisc change root pfifo limit 40" } },
	{ "qdisc add root handle 1: bfifo limit 20000\n", { 0 },
	  { "qdisc change root bfifo limit 4000", "qdisc change root bfifo limit 30000" } },
	{ "qdisc add root handle 1: pfifo_head_drop limit 10\n", { 0 },
	  { "qdisc change root pfifo_head_drop limit 3" } },
	{ "qdisc add root handle 1: tbf rate 20mbit burst 3000 limit 12000\n", { 0 },
	  { "qdisc change root tbf rate 5mbit burst 3000 limit 4000",
	    "qdisc change root tbf rate 50mbit burst 10000 limit 20000" } },
	{ "qdisc add root handle 1: tbf rate 20mbit burst 3000 limit 12000\n"
	  "qdisc add parent 1:1 handle 2: pfifo limit 6\n", { 0 },
	  { "qdisc change handle 2: pfifo limit 2" } },
	{ "qdisc add root handle 1: tbf rate 20mbit burst 3000 limit 12000\n"
	  "qdisc add parent 1:1 handle 2: pie limit 12\n", { 0 },
	  { "qdisc change handle 2: pie limit 4" } },
	{ "qdisc add root handle 1: tbf rate 20mbit burst 3000 limit 12000\n"
	  "qdisc add parent 1:1 handle 2: fq_pie limit 12 flows 4\n", { 0 },
	  { "qdisc change handle 2: fq_pie limit 4" } },
	{ "qdisc add root handle 1: pie limit 15 target 1ms tupdate 2ms\n", { 0 },
	  { "qdisc change root pie limit 5", "qdisc change root pie ecn" } },
	{ "qdisc add root handle 1: fq_pie limit 15 flows 8 memory_limit 8000 "
	  "target 1ms tupdate 2ms\n", { 0, 3, 9 },
	  { "qdisc change root fq_pie limit 5", "qdisc change root fq_pie limit 30" } },
	{ "qdisc add root handle 1: prio\n"
	  "qdisc add parent 1:2 handle 2: pfifo limit 5\n"
	  "qdisc add parent 1:3 handle 3: tbf rate 10mbit burst 2000 limit 6000\n",
	  { 1, 2, 3, 9 }, { "qdisc change handle 2: pfifo limit 2" } },
	{ "qdisc add root handle 1: drr\n"
	  "class add parent 1: classid 1:1 drr quantum 500\n"
	  "class add parent 1: classid 1:2 drr quantum 3000\n"
	  "class add parent 1: classid 1:3 drr\n"
	  "qdisc add parent 1:2 handle 2: pfifo limit 4\n"
	  "qdisc add parent 1:3 handle 3: tbf rate 10mbit burst 2000 limit 6000\n",
	  { 1, 2, 3, 9 },
	  { "?class change classid 1:1 drr quantum 100",
	    "qdisc replace parent 1:2 handle 2: pfifo_head_drop limit 3",
	    "?class del classid 1:1", "?class add parent 1: classid 1:1 drr" } },
	{ "qdisc add root handle 1: vif bandwidth 30mbit mode pq\n"
	  "class add parent 1: classid 1:1 vif bandwidth 8mbit mode shaping\n"
	  "class add parent 1:1 classid 1:2 vif weight 1\n"
	  "class add parent 1:1 classid 1:3 vif weight 3\n"
	  "class add parent 1: classid 1:4 vif bandwidth 4mbit ceil 12mbit priority 1\n"
	  "class add parent 1: classid 1:5 vif mode block\n"
	  "qdisc add parent 1:4 handle 4: pie limit 6\n"
	  "qdisc add parent 1:2 handle 2: pfifo limit 3\n",
	  { 0, 1, 2, 3, 4, 5 },
	  { "class change classid 1:4 vif bandwidth 1mbit ceil 2mbit priority 1",
	    "?class change classid 1:3 vif weight 1",
	    "?class del classid 1:3",
	    "?class add parent 1:1 classid 1:3 vif weight 3" } },
};

static void test_invariants(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("case %zu: %.50s\n", i, cases[i].conf);
		inv_run(&cases[i], 0x9e3779b97f4a7c15ull + i);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_invariants),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
