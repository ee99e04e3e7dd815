/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A single-producer, single-consumer ring of fixed-size slots in memory
 * shared by two processes (itmd and one module process).
 *
 * Principles:
 * - head is written only by the producer, tail only by the consumer; each
 *   sits on its own cache line so the two sides do not false-share.
 * - Indexes run freely (uint32_t, wrapping); the slot is index & mask, so
 *   full is head - tail == n and empty is head == tail.
 * - Release on publish, acquire on observe: a slot's bytes are visible to
 *   the other side before the index that hands it over.
 * - Batches: reserve/peek return how many slots are ready, and one
 *   commit/release hands them all over with one store.
 * - The other process is not trusted: an index pair that claims more than
 *   n slots is reported as -EPROTO instead of being used, and the ring's
 *   geometry (slot count and size) is each side's own copy in a private
 *   handle, never read back from the shared memory, where the other side
 *   could change it to point slots outside the mapping.
 * - Wake-ups: a consumer about to sleep sets `sleeping`, fences, and looks
 *   once more; a producer that published fences and reads `sleeping`, and
 *   only then pays for a system call (an eventfd write). The two fences
 *   make a missed wake-up impossible (a Dekker pattern).
 */
#ifndef ITM_LIB_RING_H
#define ITM_LIB_RING_H

#include <errno.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define ITM_RING_CACHELINE 64

/* The part in shared memory. */
struct itm_ring_shm {
	alignas(ITM_RING_CACHELINE) _Atomic uint32_t head;
	alignas(ITM_RING_CACHELINE) _Atomic uint32_t tail;
	alignas(ITM_RING_CACHELINE) _Atomic uint32_t sleeping;
	uint32_t n_slots;	/* as created: for the other side to check */
	uint32_t slot_size;
	alignas(ITM_RING_CACHELINE) uint8_t slots[];
};

/* One side's handle: where the ring is, and its geometry as agreed. */
struct itm_ring {
	struct itm_ring_shm *shm;
	uint32_t n_slots;	/* a power of two */
	uint32_t slot_size;	/* bytes, a multiple of 8 */
};

/* Bytes a ring of n slots of slot_size bytes occupies. */
static inline size_t itm_ring_bytes(uint32_t n_slots, uint32_t slot_size)
{
	return sizeof(struct itm_ring_shm) + (size_t)n_slots * slot_size;
}

static inline int itm_ring_geometry_ok(uint32_t n_slots, uint32_t slot_size)
{
	return n_slots && !(n_slots & (n_slots - 1)) && !(slot_size % 8);
}

/* The creating side: lay the ring out in mem and take a handle on it. */
static inline int itm_ring_init(struct itm_ring *r, void *mem,
				uint32_t n_slots, uint32_t slot_size)
{
	struct itm_ring_shm *s = mem;

	if (!itm_ring_geometry_ok(n_slots, slot_size))
		return -EINVAL;
	atomic_init(&s->head, 0);
	atomic_init(&s->tail, 0);
	atomic_init(&s->sleeping, 0);
	s->n_slots = n_slots;
	s->slot_size = slot_size;
	*r = (struct itm_ring){ s, n_slots, slot_size };
	return 0;
}

/* The other side: a handle with the geometry it expects, checked once
 * against what the creator wrote; -EPROTO if they differ. */
static inline int itm_ring_attach(struct itm_ring *r, void *mem,
				  uint32_t n_slots, uint32_t slot_size)
{
	struct itm_ring_shm *s = mem;

	if (!itm_ring_geometry_ok(n_slots, slot_size) ||
	    s->n_slots != n_slots || s->slot_size != slot_size)
		return -EPROTO;
	*r = (struct itm_ring){ s, n_slots, slot_size };
	return 0;
}

static inline void *itm_ring_slot(const struct itm_ring *r, uint32_t idx)
{
	return r->shm->slots + (size_t)(idx & (r->n_slots - 1)) * r->slot_size;
}

/* Producer: free slots from index *at on (at most n_slots), or -EPROTO. */
static inline int itm_ring_reserve(struct itm_ring *r, uint32_t *at)
{
	uint32_t head = atomic_load_explicit(&r->shm->head,
					     memory_order_relaxed);
	uint32_t tail = atomic_load_explicit(&r->shm->tail,
					     memory_order_acquire);
	uint32_t used = head - tail;

	*at = head;
	if (used > r->n_slots)
		return -EPROTO;
	return (int)(r->n_slots - used);
}

/* Producer: hand n filled slots to the consumer. */
static inline void itm_ring_commit(struct itm_ring *r, uint32_t n)
{
	uint32_t head = atomic_load_explicit(&r->shm->head,
					     memory_order_relaxed);

	atomic_store_explicit(&r->shm->head, head + n, memory_order_release);
}

/* Consumer: ready slots from index *at on, or -EPROTO. */
static inline int itm_ring_peek(struct itm_ring *r, uint32_t *at)
{
	uint32_t tail = atomic_load_explicit(&r->shm->tail,
					     memory_order_relaxed);
	uint32_t head = atomic_load_explicit(&r->shm->head,
					     memory_order_acquire);
	uint32_t ready = head - tail;

	*at = tail;
	if (ready > r->n_slots)
		return -EPROTO;
	return (int)ready;
}

/* Consumer: give n read slots back to the producer. */
static inline void itm_ring_release(struct itm_ring *r, uint32_t n)
{
	uint32_t tail = atomic_load_explicit(&r->shm->tail,
					     memory_order_relaxed);

	atomic_store_explicit(&r->shm->tail, tail + n, memory_order_release);
}

/* Consumer, before sleeping: 1 if slots arrived meanwhile (do not sleep). */
static inline int itm_ring_prepare_sleep(struct itm_ring *r)
{
	uint32_t at;

	atomic_store_explicit(&r->shm->sleeping, 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_seq_cst);
	if (itm_ring_peek(r, &at) != 0) {
		atomic_store_explicit(&r->shm->sleeping, 0,
				      memory_order_relaxed);
		return 1;
	}
	return 0;
}

static inline void itm_ring_awake(struct itm_ring *r)
{
	atomic_store_explicit(&r->shm->sleeping, 0, memory_order_relaxed);
}

/* Producer, after a commit: whether the consumer needs a wake-up. */
static inline int itm_ring_needs_wake(struct itm_ring *r)
{
	atomic_thread_fence(memory_order_seq_cst);
	return atomic_load_explicit(&r->shm->sleeping,
				    memory_order_relaxed) != 0;
}

#endif
