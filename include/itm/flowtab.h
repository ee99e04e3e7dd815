/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one bounded table of per-flow state that all modules share: each flow
 * gets a single entry whose state area the engine carves into per-module
 * slices, so a packet costs one lookup however many modules keep flow state.
 *
 * Memory is bounded and allocated once, at create: max_flows entries and an
 * index of at least twice as many slots (the kernel commits pages as they are
 * first used). The index is keyed with SipHash-1-3 under a random per-table
 * key, so remote senders cannot aim flows at one chain.
 *
 * Full table: inserting a new flow evicts one, so itm_flowtab_get never
 * fails. The policy is approximate LRU: a clock hand walks the entries in
 * slab order, samples the next 8 live ones and evicts the one seen least
 * recently (oldest last_ns; on ties the first sampled).
 *
 * Idle expiry is exact: an entry idle longer than idle_timeout_ns
 * (now - last_ns > idle_timeout_ns) is gone for lookups even if the
 * incremental sweep (itm_flowtab_expire) has not reached it yet. Times are
 * nanoseconds of whatever clock the caller uses throughout (capture
 * timestamps when replaying).
 *
 * Entry pointers stay valid until that entry is deleted, evicted, expired or
 * the table cleared; any itm_flowtab_get that inserts may evict. Not thread
 * safe: one table per thread, or external locking.
 */
#ifndef ITM_FLOWTAB_H
#define ITM_FLOWTAB_H

#include <assert.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "itm/siphash.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Callers zero the whole key (padding and unused address bytes included):
 * it is hashed and compared as 40 raw bytes. */
struct itm_flow_key {
	uint8_t src[16];
	uint8_t dst[16];
	uint16_t sport, dport;	/* host order */
	uint8_t proto;
	uint8_t family;		/* 4 or 6; IPv4 addresses in bytes 0-3 */
	uint8_t pad[2];
};
static_assert(sizeof(struct itm_flow_key) == 40, "flow key is 40 bytes");

struct itm_flow {
	struct itm_flow_key key;
	uint64_t created_ns, last_ns;
	alignas(8) uint8_t state[];	/* zeroed on insert */
};

#define ITM_FLOWTAB_MAX_FLOWS (1u << 28)

struct itm_flowtab_cfg {
	uint32_t max_flows;		/* 1 .. ITM_FLOWTAB_MAX_FLOWS */
	uint64_t idle_timeout_ns;	/* 0 = never */
	uint32_t state_size;		/* bytes of per-flow module state */
	const struct itm_siphash_key *seed;	/* NULL = random per table */
};

/* inserts - deletes - evictions - expirations == count at all times. */
struct itm_flowtab_stats {
	uint64_t lookups, hits, inserts, deletes, evictions, expirations;
	uint32_t count, max_flows;
	size_t bytes;			/* all memory the table allocated */
};

struct itm_flowtab;

/* Returns 0 or -errno: -EINVAL for a bad max_flows, -ENOMEM, or the error
 * of getrandom(2). */
int itm_flowtab_create(struct itm_flowtab **out,
		       const struct itm_flowtab_cfg *cfg);
void itm_flowtab_destroy(struct itm_flowtab *tab);

/* Lookups at now_ns refresh last_ns (it never moves backwards). */
struct itm_flow *itm_flowtab_lookup(struct itm_flowtab *tab,
				    const struct itm_flow_key *key,
				    uint64_t now_ns);
/* Lookup or insert; *created (may be NULL) tells which. Never NULL. An
 * idle-expired entry counts as absent: a fresh one, zeroed, replaces it. */
struct itm_flow *itm_flowtab_get(struct itm_flowtab *tab,
				 const struct itm_flow_key *key,
				 uint64_t now_ns, bool *created);
/* Look up n keys at once, overlapping their cache misses; out[i] is NULL for
 * a miss. Same result as n calls of itm_flowtab_lookup. Returns the hits. */
unsigned itm_flowtab_lookup_burst(struct itm_flowtab *tab,
				  const struct itm_flow_key *keys, unsigned n,
				  uint64_t now_ns, struct itm_flow **out);

/* Returns 0 or -ENOENT. */
int itm_flowtab_del(struct itm_flowtab *tab, const struct itm_flow_key *key);
void itm_flowtab_del_flow(struct itm_flowtab *tab, struct itm_flow *flow);
void itm_flowtab_clear(struct itm_flowtab *tab);

/* Examine at most budget entries, continuing where the last call stopped,
 * and remove those idle longer than idle_timeout_ns. Returns how many. */
size_t itm_flowtab_expire(struct itm_flowtab *tab, uint64_t now_ns,
			  size_t budget);
/* The entries a whole sweep examines (every slot ever used). */
size_t itm_flowtab_slots(const struct itm_flowtab *tab);

uint32_t itm_flowtab_count(const struct itm_flowtab *tab);

/* Visit live entries in slab order, which depends on the history of inserts
 * and deletes only, never on the hash key. Stops when cb returns non-zero.
 * cb may delete the flow it is given (itm_flowtab_del_flow), nothing else. */
void itm_flowtab_foreach(struct itm_flowtab *tab,
			 int (*cb)(struct itm_flow *flow, void *arg),
			 void *arg);

void itm_flowtab_stats(const struct itm_flowtab *tab,
		       struct itm_flowtab_stats *st);

/* Memory a table of cfg costs per flow of max_flows, index included. */
size_t itm_flowtab_bytes_per_flow(const struct itm_flowtab_cfg *cfg);

#ifdef __cplusplus
}
#endif

#endif
