/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Flow-size distributions and PIAS's demotion thresholds.
 *
 * A CDF file holds "SIZE PROBABILITY" lines (bytes, cumulative), '#'
 * comments and blank lines; sizes and probabilities never decrease, the
 * probabilities lie in [0, 1] and the last is 1. Between points the
 * distribution is linear, as PIAS's TrafficGenerator samples it.
 */
#ifndef ITM_CDF_H
#define ITM_CDF_H

#include <stddef.h>
#include <stdint.h>

#define ITM_CDF_MAX_POINTS 1024

struct itm_cdf {
	size_t n;
	double size[ITM_CDF_MAX_POINTS];
	double prob[ITM_CDF_MAX_POINTS];
};

/* Parse a CDF from text; msg gets "NAME:LINE: reason" on error. */
int itm_cdf_parse(struct itm_cdf *c, const char *name, const char *text,
		  char *msg, size_t len);
int itm_cdf_load(struct itm_cdf *c, const char *path, char *msg, size_t len);

/* The smallest size s with F(s) >= q, interpolated; q in [0, 1]. */
double itm_cdf_quantile(const struct itm_cdf *c, double q);
/* The mean size of the piecewise-linear distribution: the first point's
 * probability is a mass at its size, each segment is uniform. */
double itm_cdf_mean(const struct itm_cdf *c);

/*
 * PIAS thresholds for k queues at load rho (0 < rho < 1), NSDI'15's closed
 * form: theta_l = 1 - rho * (theta_1 + ... + theta_{l-1}), which is
 * (1 - rho)^(l-1), normalised to sum 1; alpha_j = F^-1(theta_1 + ... +
 * theta_j) for j = 1..k-1. out gets k-1 values in bytes, rounded.
 */
int itm_pias_thresholds(const struct itm_cdf *c, double rho, unsigned k,
			uint64_t *out);
/* The equal-split heuristic: alpha_j = F^-1(j / k). */
int itm_pias_thresholds_equal(const struct itm_cdf *c, unsigned k,
			      uint64_t *out);

#endif
