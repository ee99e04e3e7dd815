// SPDX-License-Identifier: GPL-2.0-only
/* Socket helpers shared by the tgen client and server. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <linux/tcp.h>

#include "tgen_net.h"

uint64_t tgen_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Split HOST, HOST:PORT, [V6]:PORT or a bare IPv6 address. */
static int split_host(const char *spec, char *host, size_t hlen,
		      const char **port)
{
	const char *colon = strrchr(spec, ':');
	size_t n;

	*port = NULL;
	if (spec[0] == '[') {
		const char *close = strchr(spec, ']');

		if (!close || (close[1] && close[1] != ':'))
			return -EINVAL;
		n = (size_t)(close - spec - 1);
		*port = close[1] ? close + 2 : NULL;
		spec++;
	} else if (colon && colon == strchr(spec, ':')) {
		n = (size_t)(colon - spec);	/* one colon: HOST:PORT */
		*port = colon + 1;
	} else {
		n = strlen(spec);
	}
	if (n == 0 || n >= hlen)
		return -EINVAL;
	memcpy(host, spec, n);
	host[n] = '\0';
	return 0;
}

int tgen_resolve(const char *spec, uint16_t port, struct tgen_addr *a,
		 char *msg, size_t len)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICSERV }, *res;
	char host[256], portbuf[8];
	const char *p;
	int r;

	if (split_host(spec, host, sizeof(host), &p) < 0) {
		snprintf(msg, len, "server \"%s\": expected HOST, HOST:PORT or "
			 "[IPV6]:PORT", spec);
		return -EINVAL;
	}
	snprintf(portbuf, sizeof(portbuf), "%u", port);
	r = getaddrinfo(host, p && *p ? p : portbuf, &hints, &res);
	if (r) {
		snprintf(msg, len, "server \"%s\": %s", spec, gai_strerror(r));
		return -EINVAL;
	}
	memcpy(&a->ss, res->ai_addr, res->ai_addrlen);
	a->len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

const char *tgen_addr_str(const struct sockaddr_storage *ss, char *buf,
			  size_t len)
{
	char host[INET6_ADDRSTRLEN], port[8];

	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
	bool mapped = ss->ss_family == AF_INET6 &&
		      IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr);

	if (getnameinfo((const struct sockaddr *)ss, sizeof(*ss), host,
			sizeof(host), port, sizeof(port),
			NI_NUMERICHOST | NI_NUMERICSERV))
		snprintf(buf, len, "?");
	else if (mapped)	/* an IPv4 client of the dual-stack socket */
		snprintf(buf, len, "%s:%s", host + strlen("::ffff:"), port);
	else if (ss->ss_family == AF_INET6)
		snprintf(buf, len, "[%s]:%s", host, port);
	else
		snprintf(buf, len, "%s:%s", host, port);
	return buf;
}

int tgen_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ? -errno : 0;
}

/*
 * TOS/traffic class for the socket's later packets. An IPv6 socket may
 * carry IPv4-mapped traffic, which takes IP_TOS, so it gets both.
 */
int tgen_set_dscp(int fd, int family, unsigned dscp)
{
	int tos = (int)(dscp << 2);

	if (family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos)) < 0)
		return -errno;
	if (setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos)) < 0 &&
	    family == AF_INET)
		return -errno;
	return 0;
}

int tgen_tcp_counters(int fd, uint32_t *retrans, uint32_t *ooo)
{
	struct tcp_info ti;
	socklen_t n = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &n) < 0)
		return -errno;
	*retrans = ti.tcpi_total_retrans;
	/* absent on kernels before 5.4: n stops short and it stays 0 */
	*ooo = ti.tcpi_rcv_ooopack;
	return 0;
}
