// SPDX-License-Identifier: GPL-2.0-only
/*
 * itmtun's command line: every value is checked here, and a bad one is
 * named with what was expected, before anything is opened.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <itm/libitm.h>

#include "frame.h"
#include "itmtun.h"

#define PORT_DEFAULT 7090

static void usage(FILE *f)
{
	fprintf(f, "usage: itmtun -s ITMD_MODSOCKET -r REMOTE_PREFIX [-r ...] "
		"-p PEER -l LOCAL [-P PORT] [-d TUNDEV] [-t TARGET] [-n MIN] "
		"[-N MAX] [-i INTERVAL_MS] [-q BYTES] [-v]\n"
		"  -s  itmd's module socket (itmd -M)\n"
		"  -r  the remote site's prefix: its packets go through the tunnel (up to 4)\n"
		"  -p  the peer edge's address: connections go there, and come only from there\n"
		"  -l  this edge's address: listened on, and connections leave from it\n"
		"  -P  the TCP port, both ends (%d)\n"
		"  -d  the TUN device the peer's packets are injected into (itmtun0)\n"
		"  -t  target rate, e.g. 10mbit (0: no controller, n stays at MIN)\n"
		"  -n  fewest connections (1)   -N  most connections (16, at most %d)\n"
		"  -i  controller interval in ms (1000)\n"
		"  -q  bytes each connection buffers beyond its socket (131072)\n"
		"  -v  log every interval's rate\n"
		"SIGUSR1 prints the counters; SIGINT and SIGTERM stop.\n",
		PORT_DEFAULT, CTL_MAX);
}

static int bad(const char *opt, const char *arg, const char *what)
{
	fprintf(stderr, "itmtun: %s \"%s\": %s\n", opt, arg, what);
	return -1;
}

/* A whole number in [lo, hi]. */
static int number(const char *opt, const char *arg, long lo, long hi, long *v)
{
	char *end, what[64];

	*v = strtol(arg, &end, 10);
	if (end == arg || *end || *v < lo || *v > hi) {
		snprintf(what, sizeof(what), "a number, %ld..%ld", lo, hi);
		return bad(opt, arg, what);
	}
	return 0;
}

/* "10mbit", "500kbit", "1gbit", "2000000bit" or "0". */
static int rate(const char *arg, uint64_t *bps)
{
	static const struct { const char *unit; double mul; } units[] = {
		{ "bit", 1 }, { "kbit", 1e3 }, { "mbit", 1e6 }, { "gbit", 1e9 },
	};
	char *end;
	double v = strtod(arg, &end);
	size_t i;

	if (end != arg && !*end && v == 0) {
		*bps = 0;
		return 0;
	}
	for (i = 0; end != arg && i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcasecmp(end, units[i].unit) || !(v > 0) || v * units[i].mul > 1e12)
			continue;
		*bps = (uint64_t)(v * units[i].mul);
		if (*bps)
			return 0;
	}
	return bad("-t", arg, "a rate such as 10mbit, 500kbit, 1gbit, or 0");
}

static int address(const char *opt, const char *arg, struct sockaddr_storage *ss,
		   socklen_t *len)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, arg, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		*len = sizeof(*a4);
		return 0;
	}
	if (inet_pton(AF_INET6, arg, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		*len = sizeof(*a6);
		return 0;
	}
	return bad(opt, arg, "an IPv4 or IPv6 address");
}

static int prefix(const char *arg)
{
	struct libitm_info probe;

	if (itmtun.n_remote == ITMTUN_PREFIXES)
		return bad("-r", arg, "one prefix too many (at most 4)");
	libitm_init_interest(&probe);
	if (libitm_set_daddr(&probe, &arg, 1) < 0)
		return bad("-r", arg, "an IPv4 or IPv6 address or prefix");
	itmtun.remote[itmtun.n_remote++] = arg;
	return 0;
}

static void set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

static int option(int c, const char *arg, const char **sock, long *port)
{
	long v;

	switch (c) {
	case 's': *sock = arg; return 0;
	case 'r': return prefix(arg);
	case 'p': return address("-p", arg, &itmtun.peer, &itmtun.peer_len);
	case 'l': return address("-l", arg, &itmtun.local, &itmtun.local_len);
	case 'P': return number("-P", arg, 1, 65535, port);
	case 'd':
		if (!*arg || strlen(arg) > 15 || strchr(arg, '/'))
			return bad("-d", arg, "a device name of 1..15 characters");
		itmtun.tun_name = arg;
		return 0;
	case 't': return rate(arg, &itmtun.ctl.cfg.target_bps);
	case 'n': if (number("-n", arg, 1, CTL_MAX, &v) < 0) return -1;
		itmtun.ctl.cfg.min = (int)v; return 0;
	case 'N': if (number("-N", arg, 1, CTL_MAX, &v) < 0) return -1;
		itmtun.ctl.cfg.max = (int)v; return 0;
	case 'i': if (number("-i", arg, 100, 60000, &v) < 0) return -1;
		itmtun.interval_ns = (uint64_t)v * 1000000u; return 0;
	case 'q': if (number("-q", arg, FRAME_HDR + FRAME_PKT_MAX, 64 << 20, &v) < 0)
			return -1;
		itmtun.qmax = (size_t)v; return 0;
	case 'v': itmtun.verbose = true; return 0;
	case 'h': usage(stdout); exit(0);
	default: usage(stderr); return -1;
	}
}

int options_parse(int argc, char **argv, const char **sock)
{
	long port = PORT_DEFAULT;
	int c;

	itmtun.tun_name = "itmtun0";
	itmtun.interval_ns = 1000000000ull;
	itmtun.qmax = 131072;
	ctl_cfg_default(&itmtun.ctl.cfg);
	while ((c = getopt(argc, argv, "s:r:p:l:P:d:t:n:N:i:q:vh")) != -1) {
		if (option(c, optarg, sock, &port) < 0)
			return -1;
	}
	if (!*sock || !itmtun.n_remote || !itmtun.peer_len || !itmtun.local_len ||
	    optind != argc) {
		usage(stderr);
		return -1;
	}
	if (itmtun.ctl.cfg.min > itmtun.ctl.cfg.max) {
		fprintf(stderr, "itmtun: -n %d is above -N %d\n", itmtun.ctl.cfg.min,
			itmtun.ctl.cfg.max);
		return -1;
	}
	if (itmtun.peer.ss_family != itmtun.local.ss_family) {
		fprintf(stderr, "itmtun: -p and -l are of different families\n");
		return -1;
	}
	set_port(&itmtun.peer, (uint16_t)port);
	set_port(&itmtun.local, (uint16_t)port);
	return 0;
}
