// SPDX-License-Identifier: GPL-2.0-only
/* Flow-size CDFs and PIAS threshold derivation (see itm/cdf.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itm/cdf.h"
#include "itm/file.h"

#define CDF_SIZE_MAX 9007199254740992.0	/* 2^53 */

static int cdf_line(struct itm_cdf *c, const char *line, const char **why)
{
	double s, p;
	char extra;

	if (sscanf(line, "%lf %lf %c", &s, &p, &extra) != 2) {
		*why = "expected \"SIZE PROBABILITY\"";
		return -EINVAL;
	}
	/* sizes stay exact in a double and their quantiles fit a uint64_t */
	if (!(s >= 0 && s <= CDF_SIZE_MAX) || !(p >= 0 && p <= 1)) {
		*why = "size must be in [0, 2^53] bytes and probability in [0, 1]";
		return -EINVAL;
	}
	if (c->n && (s < c->size[c->n - 1] || p < c->prob[c->n - 1])) {
		*why = "sizes and probabilities must not decrease";
		return -EINVAL;
	}
	if (c->n == ITM_CDF_MAX_POINTS) {
		*why = "too many points";
		return -E2BIG;
	}
	c->size[c->n] = s;
	c->prob[c->n++] = p;
	return 0;
}

int itm_cdf_parse(struct itm_cdf *c, const char *name, const char *text,
		  char *msg, size_t len)
{
	const char *why = NULL, *s = text;
	unsigned lineno = 0;
	char line[256];
	int r;

	c->n = 0;
	while (*s) {
		size_t n = strcspn(s, "\n");

		lineno++;
		if (n >= sizeof(line)) {
			snprintf(msg, len, "%s:%u: line too long", name, lineno);
			return -EINVAL;
		}
		memcpy(line, s, n);
		line[n] = '\0';
		s += n + (s[n] == '\n');
		line[strcspn(line, "#")] = '\0';
		if (line[strspn(line, " \t\r")] == '\0')
			continue;
		r = cdf_line(c, line, &why);
		if (r < 0) {
			snprintf(msg, len, "%s:%u: %s", name, lineno, why);
			return r;
		}
	}
	if (c->n < 2 || c->prob[c->n - 1] != 1.0) {
		snprintf(msg, len, "%s: needs at least two points, the last with "
			 "probability 1", name);
		return -EINVAL;
	}
	return 0;
}

int itm_cdf_load(struct itm_cdf *c, const char *path, char *msg, size_t len)
{
	char *buf;
	size_t n;
	int r = itm_file_read(path, 1 << 20, &buf, &n, msg, len);

	if (r < 0)
		return r;
	if (strlen(buf) != n) {
		snprintf(msg, len, "%s: holds a NUL byte", path);
		r = -EINVAL;
	} else {
		r = itm_cdf_parse(c, path, buf, msg, len);
	}
	free(buf);
	return r;
}

double itm_cdf_quantile(const struct itm_cdf *c, double q)
{
	size_t i;

	if (q <= c->prob[0])
		return c->size[0];
	for (i = 1; i < c->n; i++) {
		if (c->prob[i] >= q) {
			double dp = c->prob[i] - c->prob[i - 1];

			return c->size[i - 1] + (q - c->prob[i - 1]) / dp *
			       (c->size[i] - c->size[i - 1]);
		}
	}
	return c->size[c->n - 1];
}

double itm_cdf_mean(const struct itm_cdf *c)
{
	double m = c->prob[0] * c->size[0];
	size_t i;

	for (i = 1; i < c->n; i++)
		m += (c->prob[i] - c->prob[i - 1]) *
		     (c->size[i] + c->size[i - 1]) / 2;
	return m;
}

int itm_pias_thresholds(const struct itm_cdf *c, double rho, unsigned k,
			uint64_t *out)
{
	double theta = 1, total = 0, sum = 0;
	unsigned j;

	if (k < 2 || k > 8 || !(rho > 0 && rho < 1))
		return -EINVAL;
	for (j = 0; j < k; j++, theta *= 1 - rho)
		total += theta;
	theta = 1;
	for (j = 0; j + 1 < k; j++, theta *= 1 - rho) {
		sum += theta;
		out[j] = (uint64_t)llround(itm_cdf_quantile(c, sum / total));
	}
	return 0;
}

int itm_pias_thresholds_equal(const struct itm_cdf *c, unsigned k,
			      uint64_t *out)
{
	unsigned j;

	if (k < 2 || k > 8)
		return -EINVAL;
	for (j = 1; j < k; j++)
		out[j - 1] = (uint64_t)llround(itm_cdf_quantile(c, (double)j / k));
	return 0;
}
