// SPDX-License-Identifier: GPL-2.0-only
/*
 * The shared-memory ring: empty, full, wrap-around of the free-running
 * indexes, batches, the sleep/wake handshake, indexes a broken peer wrote,
 * and a geometry the peer changed, which the handles never read back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/ring.h"

#define SLOTS 8
#define SLOT 16

static struct itm_ring ring;

static struct itm_ring *ring_new(void)
{
	void *mem = aligned_alloc(ITM_RING_CACHELINE,
				  itm_ring_bytes(SLOTS, SLOT));

	assert_non_null(mem);
	assert_int_equal(itm_ring_init(&ring, mem, SLOTS, SLOT), 0);
	return &ring;
}

static void ring_free(struct itm_ring *r)
{
	free(r->shm);
}

static void put(struct itm_ring *r, uint32_t n, uint32_t first)
{
	uint32_t at, i;

	assert_true(itm_ring_reserve(r, &at) >= (int)n);
	for (i = 0; i < n; i++)
		*(uint32_t *)itm_ring_slot(r, at + i) = first + i;
	itm_ring_commit(r, n);
}

static void get(struct itm_ring *r, uint32_t n, uint32_t first)
{
	uint32_t at, i;

	assert_int_equal(itm_ring_peek(r, &at), (int)n);
	for (i = 0; i < n; i++)
		assert_int_equal(*(uint32_t *)itm_ring_slot(r, at + i),
				 first + i);
	itm_ring_release(r, n);
}

static void test_init_checks(void **state)
{
	struct itm_ring *r = ring_new(), other;
	void *mem = r->shm;

	assert_int_equal(itm_ring_init(&other, mem, 6, SLOT), -EINVAL);
	assert_int_equal(itm_ring_init(&other, mem, 0, SLOT), -EINVAL);
	assert_int_equal(itm_ring_init(&other, mem, SLOTS, 12), -EINVAL);
	assert_int_equal(itm_ring_attach(&other, mem, SLOTS, SLOT), 0);
	assert_int_equal(itm_ring_attach(&other, mem, SLOTS * 2, SLOT),
			 -EPROTO);
	ring_free(r);
}

/* A peer rewrites the geometry in shared memory: slots stay in bounds. */
static void test_geometry_is_private(void **state)
{
	struct itm_ring *r = ring_new();
	uint8_t *first = itm_ring_slot(r, 0);

	r->shm->n_slots = 1u << 30;
	r->shm->slot_size = 1u << 20;
	assert_ptr_equal(itm_ring_slot(r, SLOTS), first);
	assert_ptr_equal(itm_ring_slot(r, SLOTS - 1),
			 first + (SLOTS - 1) * SLOT);
	ring_free(r);
}

static void test_empty_and_full(void **state)
{
	struct itm_ring *r = ring_new();
	uint32_t at;

	assert_int_equal(itm_ring_peek(r, &at), 0);
	assert_int_equal(itm_ring_reserve(r, &at), SLOTS);
	put(r, SLOTS, 100);
	assert_int_equal(itm_ring_reserve(r, &at), 0);
	get(r, SLOTS, 100);
	assert_int_equal(itm_ring_peek(r, &at), 0);
	ring_free(r);
}

/* Indexes near UINT32_MAX: the count stays right across the wrap. */
static void test_wrap(void **state)
{
	struct itm_ring *r = ring_new();
	uint32_t i, at;

	atomic_store(&r->shm->head, UINT32_MAX - 3);
	atomic_store(&r->shm->tail, UINT32_MAX - 3);
	for (i = 0; i < 20; i++) {
		put(r, 5, i * 10);
		get(r, 5, i * 10);
	}
	assert_true(atomic_load(&r->shm->head) < 100);
	assert_int_equal(itm_ring_reserve(r, &at), SLOTS);
	ring_free(r);
}

static void test_batches(void **state)
{
	struct itm_ring *r = ring_new();
	uint32_t at;

	put(r, 3, 0);
	put(r, 4, 3);
	assert_int_equal(itm_ring_reserve(r, &at), 1);
	get(r, 7, 0);
	put(r, 8, 50);		/* spans the end of the slot array */
	get(r, 8, 50);
	ring_free(r);
}

static void test_corrupt_indexes(void **state)
{
	struct itm_ring *r = ring_new();
	uint32_t at;

	atomic_store(&r->shm->tail, 1000);	/* consumer claims to be ahead */
	assert_int_equal(itm_ring_reserve(r, &at), -EPROTO);
	atomic_store(&r->shm->tail, 0);
	atomic_store(&r->shm->head, SLOTS + 1);	/* producer claims too many */
	assert_int_equal(itm_ring_peek(r, &at), -EPROTO);
	ring_free(r);
}

static void test_sleep_handshake(void **state)
{
	struct itm_ring *r = ring_new();

	assert_false(itm_ring_needs_wake(r));
	assert_int_equal(itm_ring_prepare_sleep(r), 0);	/* empty: sleep */
	put(r, 1, 7);
	assert_true(itm_ring_needs_wake(r));
	itm_ring_awake(r);
	assert_false(itm_ring_needs_wake(r));
	/* something is there: do not sleep, and no wake-up needed */
	assert_int_equal(itm_ring_prepare_sleep(r), 1);
	assert_false(itm_ring_needs_wake(r));
	ring_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_checks),
		cmocka_unit_test(test_geometry_is_private),
		cmocka_unit_test(test_empty_and_full),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_batches),
		cmocka_unit_test(test_corrupt_indexes),
		cmocka_unit_test(test_sleep_handshake),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
