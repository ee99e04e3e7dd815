// SPDX-License-Identifier: GPL-2.0-only
/*
 * Flow table throughput on one pinned core: fill a table of N flows with N
 * random keys (max_flows = N, so it ends full), then look up random existing
 * keys one at a time and in bursts of 32. Built with DPDK, the same keys go
 * through rte_hash too, for a yardstick.
 *
 * Every figure is the mean over runs totalling at least MIN_SECONDS. The
 * lookup keys are a shuffled copy of the inserted ones, read in sequence:
 * a packet's key is in cache when it is looked up, so only the table's own
 * misses should count. Each table is filled once untimed first, so that
 * page faults of its lazily committed memory are not charged to inserts.
 */
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "itm/flowtab.h"

#ifdef ITM_HAVE_DPDK
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#endif

#define MIN_SECONDS 0.5
#define BURST 32

struct bench_res {
	double insert, lookup, burst;	/* Mops/s */
	double bytes_per_flow;
};

/* One table implementation under test. */
struct bench_ops {
	const char *name;
	void *(*create)(uint32_t n);
	void (*destroy)(void *t);
	void (*clear)(void *t);
	void (*insert)(void *t, const struct itm_flow_key *k, size_t n);
	size_t (*lookup)(void *t, const struct itm_flow_key *k, size_t n);
	size_t (*burst)(void *t, const struct itm_flow_key *k, size_t n);
	size_t (*bytes)(void *t);
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t rnd_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

/* Random IPv6 five-tuples; the index in the source keeps them distinct. */
static uint8_t key_family = 6;	/* --ipv4: keys as IPv4 flows make them */

static void make_keys(struct itm_flow_key *k, size_t n, uint64_t seed)
{
	uint64_t r[4];
	size_t i;

	memset(k, 0, n * sizeof(*k));
	for (i = 0; i < n; i++) {
		for (int j = 0; j < 4; j++)
			r[j] = rnd_next(&seed);
		memcpy(k[i].src, &r[0], 8);
		memcpy(k[i].src + 8, &i, 4);
		memcpy(k[i].dst, &r[1], 8);
		memcpy(k[i].dst + 8, &r[2], 8);
		k[i].sport = (uint16_t)r[3];
		k[i].dport = (uint16_t)(r[3] >> 16);
		k[i].proto = (r[3] >> 32) & 1 ? 6 : 17;
		k[i].family = key_family;
		if (key_family == 4) {	/* IPv4 keys are zero past 4 bytes */
			memset(k[i].src + 4, 0, 12);
			memset(k[i].dst + 4, 0, 12);
			memcpy(k[i].src, &i, 4);
		}
	}
}

static void shuffle_copy(struct itm_flow_key *dst,
			 const struct itm_flow_key *src, size_t n, uint64_t s)
{
	size_t i, j;

	memcpy(dst, src, n * sizeof(*dst));
	for (i = n - 1; i > 0; i--) {
		struct itm_flow_key t = dst[i];

		j = (size_t)(rnd_next(&s) % (i + 1));
		dst[i] = dst[j];
		dst[j] = t;
	}
}

/* Repeat fills of an emptied table until MIN_SECONDS of inserting. */
static double time_inserts(const struct bench_ops *o, void *t,
			   const struct itm_flow_key *keys, size_t n)
{
	double spent = 0, t0;
	size_t done = 0;

	o->insert(t, keys, n);	/* untimed: fault the memory in */
	do {
		o->clear(t);
		t0 = now_s();
		o->insert(t, keys, n);
		spent += now_s() - t0;
		done += n;
	} while (spent < MIN_SECONDS);
	return (double)done / spent / 1e6;
}

static double time_lookups(const struct bench_ops *o, void *t,
			   size_t (*fn)(void *, const struct itm_flow_key *,
					size_t),
			   const struct itm_flow_key *q, size_t n)
{
	size_t chunk = n < 65536 ? n : 65536, done = 0, off = 0, hits = 0;
	double t0 = now_s(), spent;

	do {
		size_t m = n - off < chunk ? n - off : chunk;

		hits += fn(t, q + off, m);
		done += m;
		off = off + m == n ? 0 : off + m;
		spent = now_s() - t0;
	} while (spent < MIN_SECONDS);
	if (hits != done) {
		fprintf(stderr, "%s: %zu of %zu lookups missed\n", o->name,
			done - hits, done);
		exit(1);
	}
	return (double)done / spent / 1e6;
}

static void run_ops(const struct bench_ops *o, const struct itm_flow_key *keys,
		    const struct itm_flow_key *q, uint32_t n,
		    struct bench_res *r)
{
	void *t = o->create(n);

	if (!t) {
		fprintf(stderr, "%s: cannot create a table of %u\n", o->name,
			n);
		exit(1);
	}
	r->insert = time_inserts(o, t, keys, n);
	r->lookup = time_lookups(o, t, o->lookup, q, n);
	r->burst = time_lookups(o, t, o->burst, q, n);
	r->bytes_per_flow = (double)o->bytes(t) / n;
	o->destroy(t);
}

/* --- itm_flowtab --- */

static void *ft_create(uint32_t n)
{
	struct itm_flowtab_cfg cfg = { .max_flows = n };
	struct itm_flowtab *t;

	return itm_flowtab_create(&t, &cfg) ? NULL : t;
}

static void ft_destroy(void *t)
{
	itm_flowtab_destroy(t);
}

static void ft_clear(void *t)
{
	itm_flowtab_clear(t);
}

static void ft_insert(void *t, const struct itm_flow_key *k, size_t n)
{
	for (size_t i = 0; i < n; i++)
		itm_flowtab_get(t, &k[i], 1, NULL);
}

static size_t ft_lookup(void *t, const struct itm_flow_key *k, size_t n)
{
	size_t hits = 0;

	for (size_t i = 0; i < n; i++)
		hits += itm_flowtab_lookup(t, &k[i], 2) != NULL;
	return hits;
}

static size_t ft_burst(void *t, const struct itm_flow_key *k, size_t n)
{
	struct itm_flow *out[BURST];
	size_t hits = 0, i;

	for (i = 0; i + BURST <= n; i += BURST)
		hits += itm_flowtab_lookup_burst(t, k + i, BURST, 2, out);
	return hits + itm_flowtab_lookup_burst(t, k + i, (unsigned)(n - i), 2,
					       out);
}

static size_t ft_bytes(void *t)
{
	struct itm_flowtab_stats s;

	itm_flowtab_stats(t, &s);
	return s.bytes;
}

static const struct bench_ops ft_ops = {
	"itm_flowtab", ft_create, ft_destroy, ft_clear, ft_insert, ft_lookup,
	ft_burst, ft_bytes,
};

/* --- DPDK rte_hash --- */

#ifdef ITM_HAVE_DPDK
static void *rte_create(uint32_t n)
{
	static unsigned id;
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters p = {
		.name = name,
		.entries = n,
		.key_len = sizeof(struct itm_flow_key),
		.hash_func = rte_hash_crc,
		.socket_id = 0,
		/* Guarantees room for all n keys, like max_flows does. */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};

	snprintf(name, sizeof(name), "bench%u", id++);
	return rte_hash_create(&p);
}

static void rte_destroy(void *t)
{
	rte_hash_free(t);
}

static void rte_clear(void *t)
{
	rte_hash_reset(t);
}

static void rte_insert(void *t, const struct itm_flow_key *k, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (rte_hash_add_key(t, &k[i]) < 0) {
			fprintf(stderr, "rte_hash_add_key failed at %zu\n", i);
			exit(1);
		}
	}
}

static size_t rte_lookup(void *t, const struct itm_flow_key *k, size_t n)
{
	size_t hits = 0;

	for (size_t i = 0; i < n; i++)
		hits += rte_hash_lookup(t, &k[i]) >= 0;
	return hits;
}

static size_t rte_burst(void *t, const struct itm_flow_key *k, size_t n)
{
	const void *kp[BURST];
	int32_t pos[BURST];
	size_t hits = 0, i, j, m;

	for (i = 0; i < n; i += m) {
		m = n - i < BURST ? n - i : BURST;
		for (j = 0; j < m; j++)
			kp[j] = &k[i + j];
		rte_hash_lookup_bulk(t, kp, (uint32_t)m, pos);
		for (j = 0; j < m; j++)
			hits += pos[j] >= 0;
	}
	return hits;
}

/* rte_hash does not report its footprint. */
static size_t rte_bytes(void *t)
{
	return 0;
}

static const struct bench_ops rte_ops = {
	"rte_hash", rte_create, rte_destroy, rte_clear, rte_insert, rte_lookup,
	rte_burst, rte_bytes,
};

/* No hugepages, no devices, no files: just the allocator rte_hash needs,
 * sized for the largest table, on the core we are pinned to. */
static int dpdk_init(int cpu, uint32_t max_n)
{
	char lcore[32], mem[32];
	char *argv[] = {
		"bench_flowtab", "-l", lcore, "-m", mem, "--no-huge",
		"--no-pci", "--no-shconf", "--no-telemetry",
		"--log-level=error", NULL,
	};

	snprintf(lcore, sizeof(lcore), "%d", cpu);
	/* ~150 bytes per key of rte_hash with its extendable table. */
	snprintf(mem, sizeof(mem), "%" PRIu64,
		 (uint64_t)max_n * 200 / (1 << 20) + 256);
	return rte_eal_init((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv);
}
#endif

static int pin_cpu(void)
{
	cpu_set_t set;
	int cpu;

	if (sched_getaffinity(0, sizeof(set), &set))
		return -1;
	for (cpu = 0; cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &set); cpu++)
		;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return -1;
	return cpu;
}

static void bench_size(uint32_t n, bool dpdk)
{
	struct itm_flow_key *keys = malloc(n * sizeof(*keys));
	struct itm_flow_key *q = malloc(n * sizeof(*q));
	struct bench_res our, rte;

	if (!keys || !q) {
		fprintf(stderr, "out of memory for %u keys\n", n);
		exit(1);
	}
	make_keys(keys, n, 0x9e3779b97f4a7c15ULL ^ n);
	shuffle_copy(q, keys, n, n);
	run_ops(&ft_ops, keys, q, n, &our);
	printf("flows=%u insert=%.2f Mops/s lookup=%.2f Mops/s burst=%.2f "
	       "Mops/s bytes/flow=%.1f\n", n, our.insert, our.lookup,
	       our.burst, our.bytes_per_flow);
#ifdef ITM_HAVE_DPDK
	if (dpdk) {
		run_ops(&rte_ops, keys, q, n, &rte);
		printf("  rte_hash: insert=%.2f lookup=%.2f burst=%.2f Mops/s;"
		       " our/rte insert=%.2f lookup=%.2f burst=%.2f\n",
		       rte.insert, rte.lookup, rte.burst,
		       our.insert / rte.insert, our.lookup / rte.lookup,
		       our.burst / rte.burst);
	}
#else
	(void)rte;
	(void)dpdk;
#endif
	fflush(stdout);
	free(keys);
	free(q);
}

static int usage(void)
{
	fprintf(stderr, "usage: bench_flowtab [--ipv4] [--quick | --flows N]\n");
	return 2;
}

int main(int argc, char **argv)
{
	static const uint32_t all[] = { 1000, 100000, 1000000, 10000000 };
	uint32_t sizes[4], max_n = 0;
	size_t nsizes = 4, i;
	bool dpdk = false;
	int cpu;

	memcpy(sizes, all, sizeof(all));
	for (i = 1; i < (size_t)argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			nsizes = 2;
		} else if (!strcmp(argv[i], "--ipv4")) {
			key_family = 4;
		} else if (!strcmp(argv[i], "--flows") &&
			   i + 1 < (size_t)argc) {
			char *end;
			unsigned long v = strtoul(argv[++i], &end, 10);

			if (*end || !v || v > ITM_FLOWTAB_MAX_FLOWS)
				return usage();
			sizes[0] = (uint32_t)v;
			nsizes = 1;
		} else {
			return usage();
		}
	}
	cpu = pin_cpu();
	if (cpu < 0)
		perror("sched_setaffinity");
	for (i = 0; i < nsizes; i++)
		max_n = sizes[i] > max_n ? sizes[i] : max_n;
#ifdef ITM_HAVE_DPDK
	dpdk = dpdk_init(cpu < 0 ? 0 : cpu, max_n) >= 0;
	if (!dpdk)
		printf("DPDK comparison skipped: rte_eal_init failed: %s\n",
		       rte_strerror(rte_errno));
#else
	(void)max_n;
	printf("DPDK comparison skipped: libdpdk-dev is not installed"
	       " (or -Ddpdk=disabled)\n");
#endif
	printf("pinned to cpu %d; lookups of random existing IPv%u keys, burst %d\n",
	       cpu, key_family, BURST);
	for (i = 0; i < nsizes; i++)
		bench_size(sizes[i], dpdk);
#ifdef ITM_HAVE_DPDK
	if (dpdk)
		rte_eal_cleanup();
#endif
	return 0;
}
