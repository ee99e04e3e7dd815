// SPDX-License-Identifier: GPL-2.0-only
/*
 * Flow-size CDF fuzzer: the file a user gives `itm pias thresholds --cdf`
 * and `itm tgen client --cdf` (often one copied from a paper). Any text
 * is either refused with a reason, or gives a CDF whose quantiles, mean
 * and PIAS thresholds stay between its smallest and largest size and do
 * not decrease.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "itm/cdf.h"

/* The equal split is the quantile at j/k, rounded: nothing lost. */
static void check_equal_split(const struct itm_cdf *c, const uint64_t *t,
			      unsigned k)
{
	unsigned j;

	for (j = 1; j < k; j++) {
		double q = itm_cdf_quantile(c, (double)j / k);

		if (fabs((double)t[j - 1] - q) > 1 + q * 1e-12)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_thresholds(const struct itm_cdf *c, const uint64_t *t,
			     unsigned k)
{
	unsigned j;

	for (j = 0; j + 1 < k; j++) {
		if ((double)t[j] < c->size[0] - 1 ||
		    (double)t[j] > c->size[c->n - 1] + 1 ||
		    (j && t[j] < t[j - 1]))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct itm_cdf c;
	uint64_t t[8];
	char *text, msg[256] = "";
	double m;
	unsigned k;

	if (size > 65536)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (itm_cdf_parse(&c, "fuzz", text, msg, sizeof(msg)) < 0) {
		free(text);
		if (!msg[0])
			abort();
		return 0;
	}
	free(text);
	m = itm_cdf_mean(&c);
	/* a sum of products: allow its rounding */
	if (!(m >= c.size[0] * c.prob[0] * (1 - 1e-12) &&
	      m <= c.size[c.n - 1] * (1 + 1e-12)))
		abort();
	for (k = 2; k <= 8; k++) {
		if (itm_pias_thresholds(&c, 0.5, k, t) < 0)
			abort();
		check_thresholds(&c, t, k);
		if (itm_pias_thresholds_equal(&c, k, t) < 0)
			abort();
		check_thresholds(&c, t, k);
		check_equal_split(&c, t, k);
	}
	return 0;
}
