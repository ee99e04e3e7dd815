// SPDX-License-Identifier: GPL-2.0-only
/* itm probe's command line: every value checked, every error naming the
 * option and the value. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "itm/units.h"
#include "probe.h"

#define MS UINT64_C(1000000)
#define SEC ITM_NSEC_PER_SEC
#define MAX_SAMPLES_PER_STREAM 1000000

const char probe_usage[] =
	"usage: itm probe TARGET [--streams SPEC,...] [--interval 10ms] [--duration 10s]\n"
	"                 [--load N] [--load-start 2s] [--load-secs 6s] [--load-port 5201]\n"
	"                 [--load-cc ALGO]\n"
	"                 [--udp-port 7777] [--plot FILE.png|FILE.svg] [--samples FILE.csv] [--json]\n"
	"       itm probe echo-server [--port 7777] [--bind ADDR]\n"
	"  SPEC := icmp:CLASS | udp:CLASS   CLASS := be | df | le | cs0..cs7 | af11..af43 | va | ef | 0..63\n"
	"  default streams: icmp:ef,icmp:be,icmp:cs1,udp:ef,udp:be,udp:cs1\n"
	"  --load N runs `iperf3 -c TARGET -P N` (an iperf3 server must run there)\n";

static const char default_streams[] = "icmp:ef,icmp:be,icmp:cs1,udp:ef,udp:be,udp:cs1";

enum {
	OPT_STREAMS = 1, OPT_INTERVAL, OPT_DURATION, OPT_LOAD, OPT_LOAD_START,
	OPT_LOAD_SECS, OPT_LOAD_PORT, OPT_LOAD_CC, OPT_UDP_PORT, OPT_PLOT, OPT_SAMPLES, OPT_JSON,
};

static const struct option long_opts[] = {
	{ "streams", required_argument, NULL, OPT_STREAMS },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "load", required_argument, NULL, OPT_LOAD },
	{ "load-start", required_argument, NULL, OPT_LOAD_START },
	{ "load-secs", required_argument, NULL, OPT_LOAD_SECS },
	{ "load-port", required_argument, NULL, OPT_LOAD_PORT },
	{ "load-cc", required_argument, NULL, OPT_LOAD_CC },
	{ "udp-port", required_argument, NULL, OPT_UDP_PORT },
	{ "plot", required_argument, NULL, OPT_PLOT },
	{ "samples", required_argument, NULL, OPT_SAMPLES },
	{ "json", no_argument, NULL, OPT_JSON },
	{ NULL, 0, NULL, 0 },
};

static int bad(char *msg, size_t len, const char *opt, const char *val,
	       const char *why)
{
	snprintf(msg, len, "--%s \"%s\": %s", opt, val, why);
	return -EINVAL;
}

static int parse_streams(struct probe_opts *o, const char *list, char *msg,
			 size_t len)
{
	char buf[512], *tok, *save = NULL;

	if (strlen(list) >= sizeof(buf))
		return bad(msg, len, "streams", list, "too long");
	strcpy(buf, list);
	o->n_streams = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (o->n_streams == PROBE_MAX_STREAMS)
			return bad(msg, len, "streams", list, "at most 16 streams");
		if (probe_spec_parse(tok, &o->streams[o->n_streams]) < 0) {
			snprintf(msg, len, "--streams: \"%s\" is not PROTO:CLASS "
				 "(PROTO icmp or udp, CLASS a DSCP name or 0..63)", tok);
			return -EINVAL;
		}
		o->n_streams++;
	}
	if (!o->n_streams)
		return bad(msg, len, "streams", list, "no stream");
	return 0;
}

static int parse_port(const char *opt, const char *val, uint16_t *port,
		      char *msg, size_t len)
{
	uint64_t v;

	if (itm_parse_u64(val, &v) < 0 || v == 0 || v > 65535)
		return bad(msg, len, opt, val, "not a port (1..65535)");
	*port = (uint16_t)v;
	return 0;
}

static int parse_time(const char *opt, const char *val, uint64_t *ns,
		      char *msg, size_t len)
{
	if (itm_parse_time(val, ns) < 0)
		return bad(msg, len, opt, val, "not a time (e.g. 10ms, 2s)");
	return 0;
}

static int parse_one(struct probe_opts *o, int c, const char *val,
		     bool *load_ns_given, char *msg, size_t len)
{
	uint64_t v;

	switch (c) {
	case OPT_STREAMS: return parse_streams(o, val, msg, len);
	case OPT_INTERVAL: return parse_time("interval", val, &o->interval_ns, msg, len);
	case OPT_DURATION: return parse_time("duration", val, &o->duration_ns, msg, len);
	case OPT_LOAD_START: return parse_time("load-start", val, &o->load_start_ns, msg, len);
	case OPT_LOAD_SECS:
		*load_ns_given = true;
		return parse_time("load-secs", val, &o->load_ns, msg, len);
	case OPT_LOAD:
		if (itm_parse_u64(val, &v) < 0 || v < 1 || v > 128)
			return bad(msg, len, "load", val, "not a flow count (1..128)");
		o->load_flows = (unsigned)v;
		return 0;
	case OPT_LOAD_PORT: return parse_port("load-port", val, &o->load_port, msg, len);
	case OPT_LOAD_CC:
		if (!*val || strlen(val) >= 16 || strspn(val, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(val))
			return bad(msg, len, "load-cc", val, "not a congestion control name (e.g. cubic)");
		o->load_cc = val;
		return 0;
	case OPT_UDP_PORT: return parse_port("udp-port", val, &o->udp_port, msg, len);
	case OPT_PLOT: o->plot = val; return 0;
	case OPT_SAMPLES: o->samples = val; return 0;
	case OPT_JSON: o->json = true; return 0;
	}
	snprintf(msg, len, "unknown option\n%s", probe_usage);
	return -EINVAL;
}

static bool plot_ext_ok(const char *path)
{
	const char *dot = strrchr(path, '.');

	return dot && (!strcmp(dot, ".png") || !strcmp(dot, ".svg"));
}

/* Relations between values, once all are known. iperf3 runs whole seconds,
 * so the load period is a whole number of seconds. */
static int check_opts(struct probe_opts *o, bool load_ns_given, char *msg,
		      size_t len)
{
	char a[32];

	if (o->interval_ns < 100000)
		return bad(msg, len, "interval", itm_fmt_time(a, sizeof(a), o->interval_ns),
			   "below the shortest interval, 100us");
	if (o->duration_ns < o->interval_ns)
		return bad(msg, len, "duration", itm_fmt_time(a, sizeof(a), o->duration_ns),
			   "shorter than the interval");
	if (o->duration_ns / o->interval_ns >= MAX_SAMPLES_PER_STREAM)
		return bad(msg, len, "duration", itm_fmt_time(a, sizeof(a), o->duration_ns),
			   "more than 1000000 probes per stream at this interval");
	if (o->plot && !plot_ext_ok(o->plot))
		return bad(msg, len, "plot", o->plot, "must end in .png or .svg");
	if (!o->load_flows)
		return 0;
	if (o->load_start_ns >= o->duration_ns)
		return bad(msg, len, "load-start", itm_fmt_time(a, sizeof(a), o->load_start_ns),
			   "not within the duration");
	if (!load_ns_given) {
		uint64_t room = (o->duration_ns - o->load_start_ns) / SEC * SEC;

		o->load_ns = room < o->load_ns ? room : o->load_ns;
	}
	itm_fmt_time(a, sizeof(a), o->load_ns);
	if (o->load_ns < SEC || o->load_ns % SEC)
		return bad(msg, len, "load-secs", a,
			   "iperf3 runs whole seconds: 1s or more, a whole number");
	if (o->load_start_ns + o->load_ns > o->duration_ns)
		return bad(msg, len, "load-secs", a, "the load would outlast --duration");
	return 0;
}

static void set_defaults(struct probe_opts *o)
{
	char dummy[8];

	memset(o, 0, sizeof(*o));
	parse_streams(o, default_streams, dummy, sizeof(dummy));
	o->interval_ns = 10 * MS;
	o->duration_ns = 10 * SEC;
	o->load_start_ns = 2 * SEC;
	o->load_ns = 6 * SEC;
	o->load_port = 5201;
	o->udp_port = 7777;
}

int probe_opts_parse(int argc, char **argv, struct probe_opts *o,
		     char *msg, size_t len)
{
	bool load_ns_given = false;
	int c, err;

	set_defaults(o);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
		if (c == '?') {
			snprintf(msg, len, "unknown option or missing value: \"%s\"",
				 argv[optind - 1]);
			return -EINVAL;
		}
		err = parse_one(o, c, optarg, &load_ns_given, msg, len);
		if (err < 0)
			return err;
	}
	if (optind != argc - 1) {
		snprintf(msg, len, optind == argc ? "no TARGET given" :
			 "one TARGET only, not \"%s\"", argv[argc - 1]);
		return -EINVAL;
	}
	o->target = argv[optind];
	return check_opts(o, load_ns_given, msg, len);
}
