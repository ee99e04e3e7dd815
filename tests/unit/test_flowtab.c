// SPDX-License-Identifier: GPL-2.0-only
/*
 * The shared flow table: insert, lookup, delete, per-flow state, eviction by
 * sampled LRU, exact idle expiry by sweep and by lookup, the sweep budget,
 * clear, foreach order, burst lookups, backward-shift deletion under churn
 * against a reference model, seeds, stats and bad configurations.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "itm/flowtab.h"

static const struct itm_siphash_key seed_a = { 0x0123456789abcdefULL, 42 };
static const struct itm_siphash_key seed_b = { 7, 0xfedcba9876543210ULL };

static struct itm_flow_key key_of(uint32_t i)
{
	struct itm_flow_key k;

	memset(&k, 0, sizeof(k));
	k.family = 4;
	k.proto = 6;
	k.src[0] = 10;
	k.src[1] = (uint8_t)(i >> 16);
	k.src[2] = (uint8_t)(i >> 8);
	k.src[3] = (uint8_t)i;
	k.dst[0] = 192;
	k.dst[3] = 1;
	k.sport = (uint16_t)(1024 + (i & 0x3ff));
	k.dport = 443;
	return k;
}

static struct itm_flowtab *tab_new(uint32_t max_flows, uint64_t idle,
				   uint32_t state_size)
{
	struct itm_flowtab_cfg cfg = {
		.max_flows = max_flows,
		.idle_timeout_ns = idle,
		.state_size = state_size,
		.seed = &seed_a,
	};
	struct itm_flowtab *t;

	assert_int_equal(itm_flowtab_create(&t, &cfg), 0);
	assert_non_null(t);
	return t;
}

static struct itm_flow *get(struct itm_flowtab *t, uint32_t i, uint64_t now,
			    bool want_created)
{
	struct itm_flow_key k = key_of(i);
	bool created = !want_created;
	struct itm_flow *f = itm_flowtab_get(t, &k, now, &created);

	assert_non_null(f);
	assert_int_equal(created, want_created);
	assert_memory_equal(&f->key, &k, sizeof(k));
	return f;
}

static struct itm_flow *lookup(struct itm_flowtab *t, uint32_t i,
			       uint64_t now)
{
	struct itm_flow_key k = key_of(i);

	return itm_flowtab_lookup(t, &k, now);
}

/* The counters always account for every entry. */
static void check_stats(struct itm_flowtab *t)
{
	struct itm_flowtab_stats s;

	itm_flowtab_stats(t, &s);
	assert_int_equal(s.count, itm_flowtab_count(t));
	assert_int_equal(s.inserts - s.deletes - s.evictions - s.expirations,
			 s.count);
	assert_true(s.hits <= s.lookups);
	assert_true(s.count <= s.max_flows);
}

static void test_create_invalid(void **state)
{
	static const struct {
		uint32_t max_flows, state_size;
		int ret;
	} cases[] = {
		{ 0, 0, -EINVAL },
		{ ITM_FLOWTAB_MAX_FLOWS + 1, 0, -EINVAL },
		{ UINT32_MAX, 0, -EINVAL },
		/* 2^60 bytes: more than any address space */
		{ ITM_FLOWTAB_MAX_FLOWS, UINT32_MAX, -ENOMEM },
		{ 1, 0, 0 },
		{ 1000, 3, 0 },
	};
	static char junk;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct itm_flowtab_cfg cfg = {
			.max_flows = cases[i].max_flows,
			.state_size = cases[i].state_size,
		};
		struct itm_flowtab *t = (struct itm_flowtab *)&junk;

		assert_int_equal(itm_flowtab_create(&t, &cfg), cases[i].ret);
		if (cases[i].ret) {
			assert_null(t);
			if (cases[i].ret == -EINVAL)
				assert_int_equal(
					itm_flowtab_bytes_per_flow(&cfg), 0);
		}
		itm_flowtab_destroy(t);
	}
}

static void test_insert_lookup_delete(void **state)
{
	struct itm_flowtab *t = tab_new(100, 0, 0);
	struct itm_flow_key k = key_of(7);
	struct itm_flow *f = get(t, 7, 10, true);

	assert_int_equal(f->created_ns, 10);
	assert_int_equal(f->last_ns, 10);
	assert_ptr_equal(get(t, 7, 20, false), f);
	assert_int_equal(f->created_ns, 10);
	assert_ptr_equal(lookup(t, 7, 30), f);
	assert_int_equal(f->last_ns, 30);
	/* Time stepping back leaves last_ns alone. */
	assert_ptr_equal(lookup(t, 7, 25), f);
	assert_int_equal(f->last_ns, 30);
	assert_null(lookup(t, 8, 30));
	assert_int_equal(itm_flowtab_count(t), 1);

	k.family = 6;	/* every byte of the key counts */
	assert_null(itm_flowtab_lookup(t, &k, 30));
	assert_int_equal(itm_flowtab_del(t, &k), -ENOENT);
	k = key_of(7);
	assert_int_equal(itm_flowtab_del(t, &k), 0);
	assert_int_equal(itm_flowtab_del(t, &k), -ENOENT);
	assert_null(lookup(t, 7, 40));
	assert_int_equal(itm_flowtab_count(t), 0);

	f = get(t, 9, 50, true);
	itm_flowtab_del_flow(t, f);
	assert_null(lookup(t, 9, 50));
	check_stats(t);
	itm_flowtab_destroy(t);
}

static void test_state_zeroed_and_kept(void **state)
{
	static const uint32_t sizes[] = { 1, 5, 24, 100 };
	size_t s;
	uint32_t i;

	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		struct itm_flowtab *t = tab_new(8, 0, sizes[s]);
		struct itm_flow *f[8];

		for (i = 0; i < 8; i++) {
			f[i] = get(t, i, 1, true);
			assert_int_equal((uintptr_t)f[i]->state % 8, 0);
			for (uint32_t b = 0; b < sizes[s]; b++)
				assert_int_equal(f[i]->state[b], 0);
			memset(f[i]->state, 0xa0 + (int)i, sizes[s]);
		}
		for (i = 0; i < 8; i++) {
			assert_ptr_equal(lookup(t, i, 2), f[i]);
			assert_int_equal(f[i]->state[sizes[s] - 1], 0xa0 + i);
		}
		/* A reused (dirty) entry starts zeroed again. */
		itm_flowtab_del_flow(t, f[3]);
		f[3] = get(t, 100, 3, true);
		for (uint32_t b = 0; b < sizes[s]; b++)
			assert_int_equal(f[3]->state[b], 0);
		itm_flowtab_destroy(t);
	}
}

static void test_evict_oldest_of_sample(void **state)
{
	struct itm_flowtab *t = tab_new(16, 0, 0);
	struct itm_flowtab_stats s;
	uint32_t i;

	for (i = 0; i < 16; i++)
		get(t, i, 100 + i, true);
	/* The hand samples entries 0..7: make key 3 the stalest of them. */
	for (i = 0; i < 8; i++) {
		if (i != 3)
			assert_non_null(lookup(t, i, 1000));
	}
	get(t, 16, 1500, true);
	assert_int_equal(itm_flowtab_count(t), 16);
	assert_null(lookup(t, 3, 1500));
	itm_flowtab_stats(t, &s);
	assert_int_equal(s.evictions, 1);
	assert_int_equal(s.inserts, 17);
	assert_int_equal(s.count, 16);

	/* Next sample is 8..15, last seen 108..115; refresh 8 so 9 goes. */
	assert_non_null(lookup(t, 8, 2000));
	get(t, 17, 2000, true);
	assert_null(lookup(t, 9, 2000));
	for (i = 10; i < 16; i++)
		assert_non_null(lookup(t, i, 2000));

	/* Back to 0..7: all seen at 1000 but key 16 (entry 3, at 1500);
	 * the tie goes to the first sampled, key 0. */
	get(t, 18, 2500, true);
	assert_null(lookup(t, 0, 2500));
	for (i = 1; i < 8; i++) {
		if (i != 3)
			assert_non_null(lookup(t, i, 2500));
	}
	assert_non_null(lookup(t, 16, 2500));
	itm_flowtab_stats(t, &s);
	assert_int_equal(s.evictions, 3);
	assert_int_equal(s.count, 16);
	check_stats(t);
	itm_flowtab_destroy(t);
}

/* Fewer entries than the sample size; an idle victim is an expiration. */
static void test_evict_small_table(void **state)
{
	struct itm_flowtab *t = tab_new(3, 1000, 0);
	struct itm_flowtab_stats s;
	uint32_t i;

	for (i = 0; i < 50; i++) {
		get(t, i, 10 + i, true);
		assert_true(itm_flowtab_count(t) <= 3);
		if (i >= 3)
			assert_null(lookup(t, i - 3, 10 + i));
	}
	itm_flowtab_stats(t, &s);
	assert_int_equal(s.evictions, 47);
	get(t, 1000, 5000, true);
	itm_flowtab_stats(t, &s);
	assert_int_equal(s.evictions, 47);
	assert_int_equal(s.expirations, 1);
	check_stats(t);
	itm_flowtab_destroy(t);
}

static void test_expire_sweep_exact(void **state)
{
	struct itm_flowtab *t = tab_new(100, 100, 0);
	struct itm_flowtab_stats s;

	get(t, 1, 0, true);
	get(t, 2, 50, true);
	assert_int_equal(itm_flowtab_expire(t, 100, 1000), 0);
	assert_int_equal(itm_flowtab_expire(t, 101, 1000), 1);
	assert_null(lookup(t, 1, 101));
	assert_non_null(lookup(t, 2, 101));
	assert_int_equal(itm_flowtab_expire(t, 201, 1000), 0);
	assert_int_equal(itm_flowtab_expire(t, 202, 1000), 1);
	assert_int_equal(itm_flowtab_count(t), 0);
	itm_flowtab_stats(t, &s);
	assert_int_equal(s.expirations, 2);
	check_stats(t);
	itm_flowtab_destroy(t);
}

static void test_expire_by_lookup(void **state)
{
	struct itm_flowtab *t = tab_new(100, 100, 8);
	struct itm_flow_key k = key_of(1);
	struct itm_flow *f, *out[2];
	struct itm_flowtab_stats s;

	f = get(t, 1, 0, true);
	f->state[0] = 7;
	assert_ptr_equal(lookup(t, 1, 100), f);	/* idle exactly 100: alive */
	assert_null(lookup(t, 1, 201));
	assert_int_equal(itm_flowtab_count(t), 0);

	f = get(t, 1, 300, true);
	f->state[0] = 7;
	f = get(t, 1, 401, true);		/* stale: a new flow */
	assert_int_equal(f->created_ns, 401);
	assert_int_equal(f->state[0], 0);

	get(t, 2, 401, true);
	assert_int_equal(itm_flowtab_lookup_burst(t, &k, 1, 502, out), 0);
	assert_null(out[0]);
	assert_int_equal(itm_flowtab_count(t), 1);
	itm_flowtab_stats(t, &s);
	assert_int_equal(s.expirations, 3);
	/* The sweep does not count the one lookup already removed. */
	assert_int_equal(itm_flowtab_expire(t, 502, 100), 1);
	check_stats(t);
	itm_flowtab_destroy(t);
}

static void test_expire_budget(void **state)
{
	struct itm_flowtab *t = tab_new(100, 10, 0);
	size_t total = 0, r;
	uint32_t i;

	/* Even entries idle, odd ones fresh. */
	for (i = 0; i < 100; i++)
		get(t, i, i % 2 ? 1000 : 0, true);
	assert_int_equal(itm_flowtab_expire(t, 1000, 0), 0);
	assert_int_equal(itm_flowtab_expire(t, 1000, 10), 5);
	assert_int_equal(itm_flowtab_count(t), 95);
	for (i = 0; i < 9; i++) {
		r = itm_flowtab_expire(t, 1000, 10);
		assert_true(r <= 5);
		total += r;
	}
	assert_int_equal(total, 45);
	assert_int_equal(itm_flowtab_count(t), 50);
	/* A huge budget looks at each entry once. */
	assert_int_equal(itm_flowtab_expire(t, 1011, SIZE_MAX), 50);
	check_stats(t);
	itm_flowtab_destroy(t);

	t = tab_new(100, 0, 0);		/* no idle timeout */
	get(t, 1, 0, true);
	assert_int_equal(itm_flowtab_expire(t, UINT64_MAX, 100), 0);
	assert_non_null(lookup(t, 1, UINT64_MAX));
	itm_flowtab_destroy(t);
}

static void test_clear(void **state)
{
	struct itm_flowtab *t = tab_new(64, 0, 0);
	struct itm_flowtab_stats s;
	uint32_t i;

	for (i = 0; i < 64; i++)
		get(t, i, 1, true);
	itm_flowtab_clear(t);
	assert_int_equal(itm_flowtab_count(t), 0);
	for (i = 0; i < 64; i++)
		assert_null(lookup(t, i, 2));
	for (i = 0; i < 64; i++)
		get(t, i + 1000, 3, true);
	itm_flowtab_stats(t, &s);
	assert_int_equal(s.evictions, 0);
	assert_int_equal(s.deletes, 64);
	check_stats(t);
	itm_flowtab_destroy(t);
}

struct visit {
	uint32_t ids[64];
	unsigned n, stop_after;
	struct itm_flowtab *del_from;
};

static int visit_cb(struct itm_flow *f, void *arg)
{
	struct visit *v = arg;

	v->ids[v->n++] = (uint32_t)f->key.src[2] << 8 | f->key.src[3];
	if (v->del_from)
		itm_flowtab_del_flow(v->del_from, f);
	return v->stop_after && v->n == v->stop_after;
}

static void foreach_history(const struct itm_siphash_key *seed,
			    struct visit *v)
{
	struct itm_flowtab_cfg cfg = { .max_flows = 64, .seed = seed };
	struct itm_flow_key k;
	struct itm_flowtab *t;
	uint32_t i;

	assert_int_equal(itm_flowtab_create(&t, &cfg), 0);
	for (i = 0; i < 10; i++)
		get(t, i, 1, true);
	k = key_of(3);
	assert_int_equal(itm_flowtab_del(t, &k), 0);
	k = key_of(7);
	assert_int_equal(itm_flowtab_del(t, &k), 0);
	get(t, 42, 2, true);
	memset(v, 0, sizeof(*v));
	itm_flowtab_foreach(t, visit_cb, v);
	itm_flowtab_destroy(t);
}

static void test_foreach_order(void **state)
{
	static const uint32_t want[] = { 0, 1, 2, 4, 5, 6, 42, 8, 9 };
	struct visit a, b;
	struct itm_flowtab *t;
	uint32_t i;

	foreach_history(&seed_a, &a);
	assert_int_equal(a.n, 9);
	assert_memory_equal(a.ids, want, sizeof(want));
	foreach_history(&seed_b, &b);	/* the hash key plays no part */
	assert_int_equal(b.n, a.n);
	assert_memory_equal(b.ids, a.ids, sizeof(want));
	foreach_history(NULL, &b);
	assert_memory_equal(b.ids, a.ids, sizeof(want));

	t = tab_new(64, 0, 0);
	for (i = 0; i < 10; i++)
		get(t, i, 1, true);
	memset(&a, 0, sizeof(a));
	a.stop_after = 3;
	itm_flowtab_foreach(t, visit_cb, &a);
	assert_int_equal(a.n, 3);
	memset(&a, 0, sizeof(a));
	a.del_from = t;		/* deleting the visited flow is allowed */
	itm_flowtab_foreach(t, visit_cb, &a);
	assert_int_equal(a.n, 10);
	assert_int_equal(itm_flowtab_count(t), 0);
	check_stats(t);
	itm_flowtab_destroy(t);
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void test_burst_equals_single(void **state)
{
	enum { N = 1000, Q = 3 * N + 77 };
	static const unsigned lens[] = { 0, 1, 13, 31, 32, 33, 64, 100, Q };
	static struct itm_flow_key keys[Q];
	static struct itm_flow *out[Q + 1];
	struct itm_flowtab *t = tab_new(N, 0, 0);
	uint64_t rnd = 1;
	unsigned i, l, hits, want;

	for (i = 0; i < N; i++)
		get(t, i * 2, 1, true);
	for (i = 0; i < Q; i++)	/* hits, misses and repeats */
		keys[i] = key_of((uint32_t)(xorshift(&rnd) % (3 * N)));
	for (l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
		out[lens[l]] = (struct itm_flow *)out;	/* must stay put */
		hits = itm_flowtab_lookup_burst(t, keys, lens[l], 2, out);
		want = 0;
		for (i = 0; i < lens[l]; i++) {
			struct itm_flow *f = itm_flowtab_lookup(t, &keys[i], 2);

			assert_ptr_equal(out[i], f);
			want += f != NULL;
		}
		assert_int_equal(hits, want);
		assert_ptr_equal(out[lens[l]], out);
	}
	assert_true(want > Q / 4 && want < Q / 2);
	itm_flowtab_destroy(t);
}

/*
 * Random inserts and deletes at up to the maximum load (half the slots)
 * against a plain array: backward shift must keep every key reachable and
 * never resurrect or lose one. The state carries the key id to catch an
 * index slot pointing at the wrong entry.
 */
static void churn(uint32_t max, uint32_t space, uint32_t ops)
{
	static struct itm_flow *model[2048];
	struct itm_flowtab *t = tab_new(max, 0, sizeof(uint32_t));
	uint64_t rnd = 12345;
	uint32_t live = 0, i, op;

	assert_true(space <= 2048);
	memset(model, 0, sizeof(model));
	for (op = 0; op < ops; op++) {
		uint32_t id = (uint32_t)(xorshift(&rnd) % space);
		struct itm_flow_key k = key_of(id);
		struct itm_flow *f = itm_flowtab_lookup(t, &k, op);

		assert_ptr_equal(f, model[id]);
		if (f) {
			assert_memory_equal(f->state, &id, sizeof(id));
			if (xorshift(&rnd) & 1)
				assert_int_equal(itm_flowtab_del(t, &k), 0);
			else
				itm_flowtab_del_flow(t, f);
			model[id] = NULL;
			live--;
		} else if (live < max) {
			model[id] = get(t, id, op, true);
			memcpy(model[id]->state, &id, sizeof(id));
			live++;
		}
		if (op % 1009 == 0) {
			for (i = 0; i < space; i++)
				assert_ptr_equal(lookup(t, i, op), model[i]);
		}
		assert_int_equal(itm_flowtab_count(t), live);
	}
	check_stats(t);
	itm_flowtab_destroy(t);
}

static void test_churn_vs_model(void **state)
{
	/* Mostly at the cap: half the slots full, long clusters. */
	churn(512, 1100, 300000);
	/* 32 slots: clusters wrap around the end of the index. */
	churn(16, 40, 100000);
	churn(1, 3, 1000);
}

static void test_seeds(void **state)
{
	const struct itm_siphash_key *seeds[] = { &seed_a, &seed_b, NULL };
	size_t s;
	uint32_t i;

	for (s = 0; s < 3; s++) {
		struct itm_flowtab_cfg cfg = {
			.max_flows = 1000,
			.seed = seeds[s],
		};
		struct itm_flowtab *t;

		assert_int_equal(itm_flowtab_create(&t, &cfg), 0);
		for (i = 0; i < 1000; i++)
			get(t, i, 1, true);
		for (i = 0; i < 1000; i++)
			assert_non_null(lookup(t, i, 2));
		assert_null(lookup(t, 5000, 2));
		itm_flowtab_destroy(t);
	}
}

static void test_stats(void **state)
{
	struct itm_flowtab_cfg cfg = { .max_flows = 1000, .state_size = 16 };
	struct itm_flowtab *t;
	struct itm_flowtab_stats s;
	uint32_t i;

	assert_int_equal(itm_flowtab_create(&t, &cfg), 0);
	for (i = 0; i < 10; i++)
		get(t, i, 1, true);
	for (i = 0; i < 20; i++)
		lookup(t, i, 2);
	itm_flowtab_stats(t, &s);
	/* 10 misses by get, then 20 lookups */
	assert_int_equal(s.lookups, 30);
	assert_int_equal(s.hits, 10);
	assert_int_equal(s.inserts, 10);
	assert_int_equal(s.count, 10);
	assert_int_equal(s.max_flows, 1000);
	/* Entries and at least 2 slots of 8 bytes per flow. */
	assert_true(s.bytes >= 1000 * (sizeof(struct itm_flow) + 16 + 16));
	assert_int_equal(itm_flowtab_bytes_per_flow(&cfg),
			 (s.bytes + 999) / 1000);
	itm_flowtab_destroy(t);
	itm_flowtab_destroy(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_invalid),
		cmocka_unit_test(test_insert_lookup_delete),
		cmocka_unit_test(test_state_zeroed_and_kept),
		cmocka_unit_test(test_evict_oldest_of_sample),
		cmocka_unit_test(test_evict_small_table),
		cmocka_unit_test(test_expire_sweep_exact),
		cmocka_unit_test(test_expire_by_lookup),
		cmocka_unit_test(test_expire_budget),
		cmocka_unit_test(test_clear),
		cmocka_unit_test(test_foreach_order),
		cmocka_unit_test(test_burst_equals_single),
		cmocka_unit_test(test_churn_vs_model),
		cmocka_unit_test(test_seeds),
		cmocka_unit_test(test_stats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
