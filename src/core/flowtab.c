// SPDX-License-Identifier: GPL-2.0-only
/*
 * The shared flow table.
 *
 * Eviction policy: when all max_flows entries are in use, inserting a flow
 * evicts one, approximately the least recently used. A clock hand walks the
 * slab in order; each eviction samples the next 8 entries (all live, since
 * eviction happens only when every entry is) and evicts the one with the
 * oldest last_ns, the first sampled on ties. Exact LRU would relink a list
 * on every hit, two more cache lines written per packet; sampling costs
 * nothing until the table is full. A victim already idle-expired counts as
 * an expiration, so `evictions` only counts flows the limit pushed out.
 *
 * Entries sit in one slab allocated at create, with a free list: memory is
 * bounded and entry pointers stable. The index is linear probing over
 * 64-bit slots, sig << 32 | (entry + 1), 0 = empty: eight per cache line,
 * and the 32-bit signature rejects foreign slots without touching their
 * entries. The home slot comes from the signature too, so backward-shift
 * deletion finds each slot's home from the slot alone. At most half the
 * slots are used, keeping probes short, and without tombstones churn never
 * slows lookups down.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "itm/flowtab.h"

static_assert(offsetof(struct itm_flow_key, sport) == 32 &&
	      offsetof(struct itm_flow_key, pad) == 38, "IPv4 hash layout");

#define FLOWTAB_SAMPLE 8
#define FLOWTAB_BURST 32
#define FLOWTAB_NONE UINT32_MAX		/* end of the free list; no slot */
#define FLOWTAB_LIVE (UINT32_MAX - 1)	/* `next` of an entry in use */

/* What callers see is `flow`; the header in front is ours. */
struct flowtab_ent {
	uint32_t sig;		/* finds the entry's slot without rehashing */
	uint32_t next;		/* FLOWTAB_LIVE or the next free entry */
	struct itm_flow flow;
};
static_assert(sizeof(struct flowtab_ent) == 64, "stateless entry = 1 line");

struct itm_flowtab {
	uint64_t *slots;
	uint8_t *slab;
	size_t stride;		/* bytes per entry, state included */
	size_t map_len;
	uint64_t idle_ns;
	uint32_t mask;		/* slots - 1 */
	uint32_t max_flows, state_size, count;
	uint32_t used;		/* entries [0, used) have been handed out */
	uint32_t free_head;
	uint32_t hand;		/* eviction clock */
	uint32_t sweep;		/* expiry cursor */
	struct itm_siphash_key seed;
	uint64_t misses;	/* lookups = hits + misses: a hit bumps one */
	struct itm_flowtab_stats st;
};

static size_t flowtab_stride(uint32_t state_size)
{
	return (sizeof(struct flowtab_ent) + state_size + 7) & ~(size_t)7;
}

/* At least 16 slots, so that the slab after them starts on a cache line:
 * an entry without state then fills exactly one. */
static uint32_t flowtab_nslots(uint32_t max_flows)
{
	uint32_t n = 16;

	while (n < 2 * (uint64_t)max_flows)
		n <<= 1;
	return n;
}

/* Slots then slab in one mapping; 0 if it does not fit in a size_t. */
static size_t flowtab_map_len(const struct itm_flowtab_cfg *cfg)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), slab, len;
	size_t slots = (size_t)flowtab_nslots(cfg->max_flows) * 8;

	if (__builtin_mul_overflow(flowtab_stride(cfg->state_size),
				   (size_t)cfg->max_flows, &slab) ||
	    __builtin_add_overflow(slots, slab + page - 1, &len))
		return 0;
	return len & ~(page - 1);
}

static inline struct flowtab_ent *flowtab_ent(const struct itm_flowtab *tab,
					      uint32_t idx)
{
	return (struct flowtab_ent *)(tab->slab + idx * tab->stride);
}

static inline __attribute__((always_inline))
uint32_t flowtab_sig(const struct itm_flowtab *tab,
		     const struct itm_flow_key *key)
{
	uint8_t v4[16];

	/* An IPv4 key is zero but for 16 bytes: hash just those, 6 SipHash
	 * rounds instead of 9. The family byte is among them and the length
	 * enters the hash, so IPv4 and IPv6 keys cannot be made to collide. */
	if (key->family == 4) {
		memcpy(v4, key->src, 4);
		memcpy(v4 + 4, key->dst, 4);
		memcpy(v4 + 8, &key->sport, 8);
		return (uint32_t)(itm_siphash13_16(v4, &tab->seed) >> 32);
	}
	return (uint32_t)(itm_siphash13_40(key, &tab->seed) >> 32);
}

static inline bool flowtab_expired(const struct itm_flowtab *tab,
				   const struct flowtab_ent *e, uint64_t now)
{
	return tab->idle_ns && now > e->flow.last_ns &&
	       now - e->flow.last_ns > tab->idle_ns;
}

/* The slot holding key, or FLOWTAB_NONE. */
static inline __attribute__((always_inline))
uint32_t flowtab_find(const struct itm_flowtab *tab,
		      const struct itm_flow_key *key, uint32_t sig)
{
	uint32_t pos = sig & tab->mask;
	uint64_t s;

	while ((s = tab->slots[pos])) {
		if ((uint32_t)(s >> 32) == sig &&
		    !memcmp(&flowtab_ent(tab, (uint32_t)s - 1)->flow.key, key,
			    sizeof(*key)))
			return pos;
		pos = (pos + 1) & tab->mask;
	}
	return FLOWTAB_NONE;
}

/* Empty slot pos and pull later members of its cluster back over the hole
 * when that keeps them reachable from their home slot (backward shift). */
static void flowtab_unlink(struct itm_flowtab *tab, uint32_t pos)
{
	uint32_t next = pos, home;
	uint64_t s;

	for (;;) {
		next = (next + 1) & tab->mask;
		s = tab->slots[next];
		if (!s)
			break;
		home = (uint32_t)(s >> 32) & tab->mask;
		if (((next - home) & tab->mask) >= ((next - pos) & tab->mask)) {
			tab->slots[pos] = s;
			pos = next;
		}
	}
	tab->slots[pos] = 0;
}

/* Remove the entry that slot pos points to. */
static void flowtab_release(struct itm_flowtab *tab, uint32_t pos)
{
	uint32_t idx = (uint32_t)tab->slots[pos] - 1;

	flowtab_unlink(tab, pos);
	flowtab_ent(tab, idx)->next = tab->free_head;
	tab->free_head = idx;
	tab->count--;
}

static void flowtab_remove(struct itm_flowtab *tab, uint32_t idx)
{
	uint32_t pos = flowtab_ent(tab, idx)->sig & tab->mask;

	while ((uint32_t)tab->slots[pos] != idx + 1)
		pos = (pos + 1) & tab->mask;
	flowtab_release(tab, pos);
}

static void flowtab_evict(struct itm_flowtab *tab, uint64_t now)
{
	uint32_t n = tab->max_flows < FLOWTAB_SAMPLE ? tab->max_flows
						     : FLOWTAB_SAMPLE;
	uint32_t victim = tab->hand, idx;

	while (n--) {
		idx = tab->hand;
		tab->hand = idx + 1 == tab->max_flows ? 0 : idx + 1;
		if (flowtab_ent(tab, idx)->flow.last_ns <
		    flowtab_ent(tab, victim)->flow.last_ns)
			victim = idx;
	}
	if (flowtab_expired(tab, flowtab_ent(tab, victim), now))
		tab->st.expirations++;
	else
		tab->st.evictions++;
	flowtab_remove(tab, victim);
}

static uint32_t flowtab_alloc(struct itm_flowtab *tab, uint64_t now)
{
	uint32_t idx;

	if (tab->free_head == FLOWTAB_NONE) {
		if (tab->used < tab->max_flows)
			return tab->used++;
		flowtab_evict(tab, now);
	}
	idx = tab->free_head;
	tab->free_head = flowtab_ent(tab, idx)->next;
	return idx;
}

static struct itm_flow *flowtab_insert(struct itm_flowtab *tab,
				       const struct itm_flow_key *key,
				       uint32_t sig, uint64_t now)
{
	uint32_t idx = flowtab_alloc(tab, now), pos = sig & tab->mask;
	struct flowtab_ent *e = flowtab_ent(tab, idx);

	while (tab->slots[pos])
		pos = (pos + 1) & tab->mask;
	tab->slots[pos] = (uint64_t)sig << 32 | (idx + 1);
	e->sig = sig;
	e->next = FLOWTAB_LIVE;
	e->flow.key = *key;
	e->flow.created_ns = now;
	e->flow.last_ns = now;
	memset(e->flow.state, 0, tab->state_size);
	tab->count++;
	tab->st.inserts++;
	return &e->flow;
}

/* Lookup proper, shared by every entry point so they agree on expiry. */
static inline __attribute__((always_inline))
struct itm_flow *flowtab_hit(struct itm_flowtab *tab,
			     const struct itm_flow_key *key, uint32_t sig,
			     uint64_t now)
{
	uint32_t pos = flowtab_find(tab, key, sig);
	struct flowtab_ent *e;

	if (pos == FLOWTAB_NONE) {
		tab->misses++;
		return NULL;
	}
	e = flowtab_ent(tab, (uint32_t)tab->slots[pos] - 1);
	/* Replayed captures can step back in time; a flow stays as fresh as
	 * the newest packet it has seen. */
	if (now > e->flow.last_ns) {
		if (flowtab_expired(tab, e, now)) {
			flowtab_release(tab, pos);
			tab->st.expirations++;
			tab->misses++;
			return NULL;
		}
		e->flow.last_ns = now;
	}
	tab->st.hits++;
	return &e->flow;
}

int itm_flowtab_create(struct itm_flowtab **out,
		       const struct itm_flowtab_cfg *cfg)
{
	struct itm_flowtab *tab;
	size_t len;
	void *mem;
	int r = -ENOMEM;

	*out = NULL;
	if (!cfg->max_flows || cfg->max_flows > ITM_FLOWTAB_MAX_FLOWS)
		return -EINVAL;
	len = flowtab_map_len(cfg);
	tab = len ? calloc(1, sizeof(*tab)) : NULL;
	if (!tab)
		return -ENOMEM;
	if (cfg->seed)
		tab->seed = *cfg->seed;
	else if ((r = itm_siphash_key_random(&tab->seed)) < 0)
		goto fail;
	/* mmap rather than malloc: zeroed, page-aligned, lazily committed. */
	mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		r = -errno;
		goto fail;
	}
	/* Two random accesses per lookup into up to gigabytes: huge pages
	 * save most of the TLB misses. Only a hint, so failure is fine. */
	(void)madvise(mem, len, MADV_HUGEPAGE);
	tab->map_len = len;
	tab->slots = mem;
	tab->mask = flowtab_nslots(cfg->max_flows) - 1;
	tab->slab = (uint8_t *)(tab->slots + tab->mask + 1);
	tab->stride = flowtab_stride(cfg->state_size);
	tab->idle_ns = cfg->idle_timeout_ns;
	tab->max_flows = cfg->max_flows;
	tab->state_size = cfg->state_size;
	tab->free_head = FLOWTAB_NONE;
	*out = tab;
	return 0;
fail:
	free(tab);
	return r;
}

void itm_flowtab_destroy(struct itm_flowtab *tab)
{
	if (!tab)
		return;
	munmap(tab->slots, tab->map_len);
	free(tab);
}

struct itm_flow *itm_flowtab_lookup(struct itm_flowtab *tab,
				    const struct itm_flow_key *key,
				    uint64_t now_ns)
{
	return flowtab_hit(tab, key, flowtab_sig(tab, key), now_ns);
}

struct itm_flow *itm_flowtab_get(struct itm_flowtab *tab,
				 const struct itm_flow_key *key,
				 uint64_t now_ns, bool *created)
{
	uint32_t sig = flowtab_sig(tab, key);
	struct itm_flow *f = flowtab_hit(tab, key, sig, now_ns);

	if (created)
		*created = !f;
	return f ? f : flowtab_insert(tab, key, sig, now_ns);
}

/* Warm the entry the key most likely lives in: the first one whose
 * signature matches, if the slot line is already on its way. */
static void flowtab_prefetch_ent(const struct itm_flowtab *tab, uint32_t sig)
{
	uint32_t pos = sig & tab->mask;
	uint64_t s;

	while ((s = tab->slots[pos]) && (uint32_t)(s >> 32) != sig)
		pos = (pos + 1) & tab->mask;
	if (s)
		__builtin_prefetch(flowtab_ent(tab, (uint32_t)s - 1), 1);
}

/* One burst of at most FLOWTAB_BURST keys, in three passes so that the
 * slot and entry misses of all keys are in flight together. */
static unsigned flowtab_burst(struct itm_flowtab *tab,
			      const struct itm_flow_key *keys, unsigned n,
			      uint64_t now, struct itm_flow **out)
{
	uint32_t sig[FLOWTAB_BURST];
	unsigned i, hits = 0;

	for (i = 0; i < n; i++) {
		sig[i] = flowtab_sig(tab, &keys[i]);
		__builtin_prefetch(&tab->slots[sig[i] & tab->mask]);
	}
	for (i = 0; i < n; i++)
		flowtab_prefetch_ent(tab, sig[i]);
	for (i = 0; i < n; i++) {
		out[i] = flowtab_hit(tab, &keys[i], sig[i], now);
		hits += out[i] != NULL;
	}
	return hits;
}

unsigned itm_flowtab_lookup_burst(struct itm_flowtab *tab,
				  const struct itm_flow_key *keys, unsigned n,
				  uint64_t now_ns, struct itm_flow **out)
{
	unsigned done = 0, hits = 0, m;

	while (done < n) {
		m = n - done < FLOWTAB_BURST ? n - done : FLOWTAB_BURST;
		hits += flowtab_burst(tab, keys + done, m, now_ns, out + done);
		done += m;
	}
	return hits;
}

int itm_flowtab_del(struct itm_flowtab *tab, const struct itm_flow_key *key)
{
	uint32_t pos = flowtab_find(tab, key, flowtab_sig(tab, key));

	if (pos == FLOWTAB_NONE)
		return -ENOENT;
	flowtab_release(tab, pos);
	tab->st.deletes++;
	return 0;
}

void itm_flowtab_del_flow(struct itm_flowtab *tab, struct itm_flow *flow)
{
	uint8_t *e = (uint8_t *)flow - offsetof(struct flowtab_ent, flow);

	flowtab_remove(tab, (uint32_t)((size_t)(e - tab->slab) / tab->stride));
	tab->st.deletes++;
}

void itm_flowtab_clear(struct itm_flowtab *tab)
{
	memset(tab->slots, 0, ((size_t)tab->mask + 1) * sizeof(*tab->slots));
	tab->st.deletes += tab->count;
	tab->count = 0;
	tab->used = 0;
	tab->free_head = FLOWTAB_NONE;
	tab->hand = 0;
	tab->sweep = 0;
}

size_t itm_flowtab_expire(struct itm_flowtab *tab, uint64_t now_ns,
			  size_t budget)
{
	size_t n = budget < tab->used ? budget : tab->used, removed = 0;
	struct flowtab_ent *e;
	uint32_t idx;

	if (!tab->idle_ns)
		return 0;
	while (n--) {
		idx = tab->sweep;
		tab->sweep = idx + 1 >= tab->used ? 0 : idx + 1;
		e = flowtab_ent(tab, idx);
		if (e->next == FLOWTAB_LIVE &&
		    flowtab_expired(tab, e, now_ns)) {
			flowtab_remove(tab, idx);
			tab->st.expirations++;
			removed++;
		}
	}
	return removed;
}

size_t itm_flowtab_slots(const struct itm_flowtab *tab)
{
	return tab->used;
}

uint32_t itm_flowtab_count(const struct itm_flowtab *tab)
{
	return tab->count;
}

void itm_flowtab_foreach(struct itm_flowtab *tab,
			 int (*cb)(struct itm_flow *flow, void *arg), void *arg)
{
	struct flowtab_ent *e;
	uint32_t idx;

	for (idx = 0; idx < tab->used; idx++) {
		e = flowtab_ent(tab, idx);
		if (e->next == FLOWTAB_LIVE && cb(&e->flow, arg))
			return;
	}
}

void itm_flowtab_stats(const struct itm_flowtab *tab,
		       struct itm_flowtab_stats *st)
{
	*st = tab->st;
	st->lookups = tab->st.hits + tab->misses;
	st->count = tab->count;
	st->max_flows = tab->max_flows;
	st->bytes = sizeof(*tab) + tab->map_len;
}

size_t itm_flowtab_bytes_per_flow(const struct itm_flowtab_cfg *cfg)
{
	size_t len;

	if (!cfg->max_flows || cfg->max_flows > ITM_FLOWTAB_MAX_FLOWS)
		return 0;
	len = flowtab_map_len(cfg) + sizeof(struct itm_flowtab);
	return (len + cfg->max_flows - 1) / cfg->max_flows;
}
