// SPDX-License-Identifier: GPL-2.0-only
/*
 * itm probe echo-server: returns each valid probe datagram unchanged, with
 * the TOS / traffic class it arrived with, so the reply travels in the
 * request's class as an ICMP echo reply does. Anything that is not a probe
 * is dropped and counted: an open UDP port must not reflect arbitrary
 * traffic. Runs until SIGINT or SIGTERM, then prints its counters.
 */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "itm/units.h"
#include "probe.h"

static volatile sig_atomic_t echo_stop;

static void on_signal(int sig)
{
	echo_stop = sig;
}

static const struct option echo_opts[] = {
	{ "port", required_argument, NULL, 'p' },
	{ "bind", required_argument, NULL, 'b' },
	{ NULL, 0, NULL, 0 },
};

/* The wildcard address is IPv6 with IPv4 mapped in, so one socket serves both. */
static int echo_socket(const char *bind_addr, const char *port, char *msg, size_t len)
{
	struct addrinfo hints = { .ai_family = bind_addr ? AF_UNSPEC : AF_INET6,
				  .ai_socktype = SOCK_DGRAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICSERV }, *ai;
	int fd, rc, off = 0, on = 1;

	rc = getaddrinfo(bind_addr, port, &hints, &ai);
	if (rc) {
		snprintf(msg, len, "--bind \"%s\": %s", bind_addr ? bind_addr : "::",
			 gai_strerror(rc));
		return -1;
	}
	fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && ai->ai_family == AF_INET6) {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVTCLASS, &on, sizeof(on));
	}
	if (fd >= 0)
		setsockopt(fd, IPPROTO_IP, IP_RECVTOS, &on, sizeof(on));
	if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		snprintf(msg, len, "UDP port %s: %s", port, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

/* The received TOS / traffic class goes back as the reply's. */
static socklen_t mirror_tos(struct msghdr *in, char *ctl, size_t ctl_len)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(in); c; c = CMSG_NXTHDR(in, c)) {
		bool v4 = c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TOS;
		bool v6 = c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_TCLASS;
		struct cmsghdr *o = (struct cmsghdr *)ctl;
		int tc = 0;

		if (!v4 && !v6)
			continue;
		if (v4)
			tc = *(unsigned char *)CMSG_DATA(c);
		else
			memcpy(&tc, CMSG_DATA(c), sizeof(tc));
		if (ctl_len < CMSG_SPACE(sizeof(int)))
			return 0;
		o->cmsg_level = c->cmsg_level;
		o->cmsg_type = c->cmsg_type;
		o->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(o), &tc, sizeof(tc));
		return CMSG_SPACE(sizeof(int));
	}
	return 0;
}

static void echo_one(int fd, unsigned long long *echoed, unsigned long long *bad)
{
	uint8_t buf[2048];
	char ctl_in[128], ctl_out[CMSG_SPACE(sizeof(int))];
	struct sockaddr_storage peer;
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr m = { .msg_name = &peer, .msg_namelen = sizeof(peer),
			    .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = ctl_in, .msg_controllen = sizeof(ctl_in) };
	struct probe_wire w;
	ssize_t n = recvmsg(fd, &m, 0);

	if (n < 0)
		return;
	if ((m.msg_flags & MSG_TRUNC) || probe_wire_decode(buf, (size_t)n, &w) < 0) {
		(*bad)++;
		return;
	}
	iov.iov_len = (size_t)n;
	m.msg_controllen = mirror_tos(&m, ctl_out, sizeof(ctl_out));
	m.msg_control = m.msg_controllen ? ctl_out : NULL;
	if (sendmsg(fd, &m, 0) < 0 && m.msg_control) {
		m.msg_control = NULL;	/* a kernel without TOS on send: plain echo */
		m.msg_controllen = 0;
		if (sendmsg(fd, &m, 0) < 0)
			return;
	}
	(*echoed)++;
}

int probe_echo_main(int argc, char **argv)
{
	const char *port = "7777", *bind_addr = NULL;
	unsigned long long echoed = 0, bad = 0;
	struct sigaction sa = { .sa_handler = on_signal };
	uint64_t v;
	char msg[256];
	int c, fd;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", echo_opts, NULL)) != -1) {
		if (c == 'p' && (itm_parse_u64(optarg, &v) < 0 || v == 0 || v > 65535)) {
			fprintf(stderr, "itm probe echo-server: --port \"%s\": not a port (1..65535)\n",
				optarg);
			return 2;
		}
		if (c == 'p')
			port = optarg;
		else if (c == 'b')
			bind_addr = optarg;
		else {
			fputs(probe_usage, stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fputs(probe_usage, stderr);
		return 2;
	}
	fd = echo_socket(bind_addr, port, msg, sizeof(msg));
	if (fd < 0) {
		fprintf(stderr, "itm probe echo-server: %s\n", msg);
		return 1;
	}
	sigaction(SIGINT, &sa, NULL);	/* no SA_RESTART: recvmsg returns */
	sigaction(SIGTERM, &sa, NULL);
	fprintf(stderr, "itm probe echo-server: listening on UDP port %s\n", port);
	while (!echo_stop)
		echo_one(fd, &echoed, &bad);
	fprintf(stderr, "itm probe echo-server: %llu echoed, %llu malformed ignored\n",
		echoed, bad);
	close(fd);
	return 0;
}
