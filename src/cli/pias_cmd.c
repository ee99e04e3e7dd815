// SPDX-License-Identifier: GPL-2.0-only
/* itm pias thresholds: PIAS demotion thresholds from a flow-size CDF. */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "itm/cdf.h"
#include "itm/json.h"

static const char pias_usage[] =
	"usage: itm pias thresholds --cdf FILE --load RHO --queues K [--json]\n"
	"  RHO in (0, 1), K in 2..8; prints NSDI'15's closed-form thresholds\n"
	"  and the equal-split heuristic, and a ready `module add pias` line\n";

static const struct option pias_opts[] = {
	{ "cdf", required_argument, NULL, 'c' },
	{ "load", required_argument, NULL, 'l' },
	{ "queues", required_argument, NULL, 'q' },
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 },
};

static void print_list(const uint64_t *v, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		printf("%s%" PRIu64, i ? "," : "", v[i]);
}

static void print_result(const char *cdf, double rho, unsigned k,
			 const uint64_t *cf, const uint64_t *eq, bool json)
{
	unsigned i;

	if (json) {
		fputs("{\"cdf\":", stdout);
		itm_json_str(stdout, cdf);	/* a path: any byte but NUL */
		printf(",\"load\":%g,\"queues\":%u,\"closed_form\":[", rho, k);
		print_list(cf, k - 1);
		printf("],\"equal_split\":[");
		print_list(eq, k - 1);
		printf("]}\n");
		return;
	}
	printf("PIAS thresholds for %s at load %g with %u queues (bytes sent)\n",
	       cdf, rho, k);
	printf("%-10s %14s %14s\n", "demotion", "closed-form", "equal-split");
	for (i = 0; i + 1 < k; i++)
		printf("%u -> %-5u %14" PRIu64 " %14" PRIu64 "\n", i, i + 1,
		       cf[i], eq[i]);
	printf("module add pias prio_num %u", k);
	for (i = 0; i + 1 < k; i++)
		printf(" prio_thresh_%u %" PRIu64, i, cf[i]);
	printf("\n");
}

static int pias_bad(const char *opt, const char *val, const char *want)
{
	fprintf(stderr, "itm pias: --%s \"%s\": must be %s\n", opt, val, want);
	return 2;
}

int pias_main(int argc, char **argv)
{
	const char *cdf_path = NULL;
	uint64_t cf[8], eq[8];
	double rho = -1;
	unsigned long k = 0;
	struct itm_cdf *cdf;
	bool json = false;
	char msg[512], *end;
	int c;

	if (argc < 2 || strcmp(argv[1], "thresholds") != 0) {
		fputs(pias_usage, stderr);
		return 2;
	}
	optind = 2;
	while ((c = getopt_long(argc, argv, "", pias_opts, NULL)) != -1) {
		switch (c) {
		case 'c': cdf_path = optarg; break;
		case 'l':
			rho = strtod(optarg, &end);
			if (end == optarg || *end || !(rho > 0 && rho < 1))
				return pias_bad("load", optarg,
						"a number in (0, 1)");
			break;
		case 'q':
			k = strtoul(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end || k < 2 || k > 8)
				return pias_bad("queues", optarg,
						"an integer in [2, 8]");
			break;
		case 'j': json = true; break;
		default: fputs(pias_usage, stderr); return 2;
		}
	}
	if (!cdf_path || rho < 0 || !k || optind != argc) {
		fputs(pias_usage, stderr);
		return 2;
	}
	cdf = malloc(sizeof(*cdf));
	if (!cdf || itm_cdf_load(cdf, cdf_path, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "itm pias: %s\n", cdf ? msg : "out of memory");
		free(cdf);
		return 1;
	}
	itm_pias_thresholds(cdf, rho, (unsigned)k, cf);
	itm_pias_thresholds_equal(cdf, (unsigned)k, eq);
	print_result(cdf_path, rho, (unsigned)k, cf, eq, json);
	free(cdf);
	return 0;
}
