// SPDX-License-Identifier: GPL-2.0-only
/*
 * Random draws for tgen: xoshiro256** seeded through splitmix64 (Vigna),
 * small, fast and reproducible on every platform, unlike rand(3).
 */
#include <math.h>

#include "tgen.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

void tgen_rng_seed(struct tgen_rng *r, uint64_t seed)
{
	unsigned i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t tgen_rng_next(struct tgen_rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

double tgen_rng_uniform(struct tgen_rng *r)
{
	return (double)(tgen_rng_next(r) >> 11) * 0x1.0p-53;
}

/* u < 1, so log1p(-u) is finite: no log(0) (TrafficGenerator's PR #29). */
double tgen_rng_exp(struct tgen_rng *r, double mean)
{
	return -mean * log1p(-tgen_rng_uniform(r));
}

double tgen_interarrival_ns(double mean_bytes, double rho, uint64_t rate_bps)
{
	return mean_bytes * 8.0 / (rho * (double)rate_bps) * 1e9;
}
