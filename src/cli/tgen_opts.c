// SPDX-License-Identifier: GPL-2.0-only
/* itm tgen's options: every check here, with the bad value in the message,
 * so the run code sees only valid settings. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itm/units.h"
#include "tgen.h"

const char tgen_usage[] =
	"usage: itm tgen server [--port 5050] [--bind ADDR]\n"
	"       itm tgen client SERVER[,SERVER...] --cdf FILE --load RHO --rate RATE\n"
	"                [--flows N | --duration TIME] [--mode persistent|new] [--conns K]\n"
	"                [--dscp N | --pias] [--seed S] [--port 5050] [--timeout TIME]\n"
	"                [--log FILE.csv] [--json] [--plot FILE.png]\n"
	"  SERVER is HOST, HOST:PORT or [IPV6]:PORT; RHO in (0, 1]; RATE as tc (100mbit)\n";

enum {
	OPT_CDF = 256, OPT_LOAD, OPT_RATE, OPT_FLOWS, OPT_DURATION, OPT_MODE,
	OPT_CONNS, OPT_DSCP, OPT_PIAS, OPT_SEED, OPT_PORT, OPT_TIMEOUT,
	OPT_LOG, OPT_JSON, OPT_PLOT, OPT_BIND,
};

static const struct option client_opts[] = {
	{ "cdf", required_argument, NULL, OPT_CDF },
	{ "load", required_argument, NULL, OPT_LOAD },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "flows", required_argument, NULL, OPT_FLOWS },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "mode", required_argument, NULL, OPT_MODE },
	{ "conns", required_argument, NULL, OPT_CONNS },
	{ "dscp", required_argument, NULL, OPT_DSCP },
	{ "pias", no_argument, NULL, OPT_PIAS },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "plot", required_argument, NULL, OPT_PLOT },
	{ NULL, 0, NULL, 0 },
};

static const struct option server_opts[] = {
	{ "port", required_argument, NULL, OPT_PORT },
	{ "bind", required_argument, NULL, OPT_BIND },
	{ NULL, 0, NULL, 0 },
};

static int bad(char *msg, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad(char *msg, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* A decimal integer in [lo, hi]. */
static int parse_range(const char *name, const char *s, uint64_t lo,
		       uint64_t hi, uint64_t *out, char *msg, size_t len)
{
	if (itm_parse_u64(s, out) < 0 || *out < lo || *out > hi)
		return bad(msg, len, "--%s \"%s\": must be an integer in "
			   "[%" PRIu64 ", %" PRIu64 "]", name, s, lo, hi);
	return 0;
}

static int parse_load(const char *s, double *load, char *msg, size_t len)
{
	char *end;

	*load = strtod(s, &end);
	if (end == s || *end || !(*load > 0 && *load <= 1))
		return bad(msg, len, "--load \"%s\": must be a number in (0, 1]",
			   s);
	return 0;
}

static int parse_servers(struct tgen_client_opts *o, const char *list,
			 char *msg, size_t len)
{
	char *save = NULL, *tok;

	free(o->server_list);
	o->server_list = strdup(list);
	if (!o->server_list)
		return bad(msg, len, "out of memory");
	o->n_servers = 0;
	for (tok = strtok_r(o->server_list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (o->n_servers == TGEN_MAX_SERVERS)
			return bad(msg, len, "\"%s\": at most %d servers", list,
				   TGEN_MAX_SERVERS);
		o->servers[o->n_servers++] = tok;
	}
	if (!o->n_servers)
		return bad(msg, len, "\"%s\": no server named", list);
	return 0;
}

static void client_defaults(struct tgen_client_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->load = -1;
	o->mode = TGEN_MODE_PERSISTENT;
	o->conns = 5;		/* TrafficGenerator's per-server pool */
	o->dscp = -1;
	o->seed = 1;
	o->port = TGEN_DEFAULT_PORT;
	o->timeout_ns = 60 * ITM_NSEC_PER_SEC;
}

static int client_mode(const char *s, struct tgen_client_opts *o, char *msg,
		       size_t len)
{
	if (!strcmp(s, "persistent"))
		o->mode = TGEN_MODE_PERSISTENT;
	else if (!strcmp(s, "new"))
		o->mode = TGEN_MODE_NEW;
	else
		return bad(msg, len, "--mode \"%s\": must be persistent or new",
			   s);
	return 0;
}

static int client_time(const char *name, const char *s, uint64_t *ns,
		       char *msg, size_t len)
{
	if (itm_parse_time(s, ns) < 0 || *ns == 0)
		return bad(msg, len, "--%s \"%s\": must be a time above 0, "
			   "as 10s or 500ms", name, s);
	return 0;
}

static int client_opt(int c, const char *arg, struct tgen_client_opts *o,
		      char *msg, size_t len)
{
	uint64_t v;
	int r = 0;

	switch (c) {
	case OPT_CDF: o->cdf_path = arg; break;
	case OPT_LOAD: return parse_load(arg, &o->load, msg, len);
	case OPT_RATE:
		if (itm_parse_rate(arg, &o->rate_bps) < 0 || !o->rate_bps)
			return bad(msg, len, "--rate \"%s\": must be a rate "
				   "above 0, as 100mbit or 1gbit", arg);
		break;
	case OPT_FLOWS:
		return parse_range("flows", arg, 1, UINT64_C(100000000),
				   &o->flows, msg, len);
	case OPT_DURATION:
		return client_time("duration", arg, &o->duration_ns, msg, len);
	case OPT_TIMEOUT:
		return client_time("timeout", arg, &o->timeout_ns, msg, len);
	case OPT_MODE: return client_mode(arg, o, msg, len);
	case OPT_CONNS:
		r = parse_range("conns", arg, 1, 1024, &v, msg, len);
		o->conns = (unsigned)v;
		break;
	case OPT_DSCP:
		r = parse_range("dscp", arg, 0, 63, &v, msg, len);
		o->dscp = (int)v;
		break;
	case OPT_PIAS: o->pias = true; break;
	case OPT_SEED: return parse_range("seed", arg, 0, UINT64_MAX, &o->seed,
					  msg, len);
	case OPT_PORT:
		r = parse_range("port", arg, 1, 65535, &v, msg, len);
		o->port = (uint16_t)v;
		break;
	case OPT_LOG: o->log_path = arg; break;
	case OPT_JSON: o->json = true; break;
	case OPT_PLOT: o->plot_path = arg; break;
	default: return bad(msg, len, "unknown option");
	}
	return r;
}

static int client_check(struct tgen_client_opts *o, char *msg, size_t len)
{
	if (!o->cdf_path)
		return bad(msg, len, "--cdf FILE is required");
	if (o->load < 0)
		return bad(msg, len, "--load RHO is required");
	if (!o->rate_bps)
		return bad(msg, len, "--rate RATE is required");
	if (o->flows && o->duration_ns)
		return bad(msg, len, "--flows and --duration exclude each other");
	if (o->dscp >= 0 && o->pias)
		return bad(msg, len, "--dscp and --pias exclude each other");
	if (!o->flows && !o->duration_ns)
		o->flows = 1000;
	return 0;
}

/* argv[0] is "client". */
int tgen_client_parse(int argc, char **argv, struct tgen_client_opts *o,
		      char *msg, size_t len)
{
	int c, r;

	client_defaults(o);
	optind = 0;	/* glibc: start afresh, tests parse many times */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", client_opts, NULL)) != -1) {
		if (c == '?')
			return bad(msg, len, "unknown option or missing value: "
				   "\"%s\"", argv[optind - 1]);
		r = client_opt(c, optarg, o, msg, len);
		if (r < 0)
			return r;
	}
	if (optind != argc - 1)
		return bad(msg, len, optind == argc ? "no SERVER given" :
			   "one SERVER[,SERVER...] list expected");
	r = parse_servers(o, argv[optind], msg, len);
	return r < 0 ? r : client_check(o, msg, len);
}

void tgen_client_opts_free(struct tgen_client_opts *o)
{
	free(o->server_list);
	o->server_list = NULL;
	o->n_servers = 0;
}

/* argv[0] is "server". */
int tgen_server_parse(int argc, char **argv, struct tgen_server_opts *o,
		      char *msg, size_t len)
{
	uint64_t v;
	int c;

	memset(o, 0, sizeof(*o));
	o->port = TGEN_DEFAULT_PORT;
	optind = 0;	/* glibc: start afresh, tests parse many times */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", server_opts, NULL)) != -1) {
		if (c == OPT_BIND) {
			o->bind_addr = optarg;
		} else if (c == OPT_PORT) {
			if (parse_range("port", optarg, 1, 65535, &v, msg, len))
				return -EINVAL;
			o->port = (uint16_t)v;
		} else {
			return bad(msg, len, "unknown option or missing value: "
				   "\"%s\"", argv[optind - 1]);
		}
	}
	if (optind != argc)
		return bad(msg, len, "unexpected argument \"%s\"", argv[optind]);
	return 0;
}
