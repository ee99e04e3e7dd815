// SPDX-License-Identifier: GPL-2.0-only
/*
 * One socket per stream, so each stream's TOS / traffic class is a socket
 * option (ECN bits 0). ICMP echo uses the unprivileged ICMP datagram socket
 * where net.ipv4.ping_group_range allows it (the kernel then owns the echo
 * identifier and hands each socket only its own replies), else a raw socket
 * (root), which sees every echo reply: those are filtered by identifier.
 * Every payload carries the stream id and a 32-bit sequence number, so the
 * 16-bit ICMP sequence never has to be unwrapped.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "probe.h"

#define ICMP_HDR_LEN 8

int probe_target_resolve(const char *name, struct probe_target *t,
			 char *msg, size_t len)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *ai;
	int rc = getaddrinfo(name, NULL, &hints, &ai);

	if (rc) {
		snprintf(msg, len, "target \"%s\": %s", name, gai_strerror(rc));
		return -EINVAL;
	}
	memcpy(&t->addr, ai->ai_addr, ai->ai_addrlen);
	t->addrlen = ai->ai_addrlen;
	t->family = ai->ai_family;
	freeaddrinfo(ai);
	return 0;
}

static int set_tos(int fd, int family, uint8_t dscp)
{
	int tos = dscp << 2;	/* ECN bits stay 0: not-ECT */

	if (family == AF_INET)
		return setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
	return setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos));
}

static int open_icmp(struct probe_stream *s, const struct probe_target *t)
{
	int proto = t->family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	int fd = socket(t->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);

	s->raw = false;
	if (fd < 0 && (errno == EACCES || errno == EPERM)) {
		fd = socket(t->family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
		s->raw = true;
	}
	return fd;
}

static int open_udp(const struct probe_target *t, uint16_t port)
{
	struct sockaddr_storage ss = t->addr;
	int fd = socket(t->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return fd;
	if (t->family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(port);
	if (connect(fd, (struct sockaddr *)&ss, t->addrlen) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int probe_sock_open(struct probe_stream *s, const struct probe_target *t,
		    uint16_t udp_port, unsigned index, char *msg, size_t len)
{
	s->fd = s->spec.proto == PROBE_ICMP ? open_icmp(s, t) : open_udp(t, udp_port);
	if (s->fd < 0 || set_tos(s->fd, t->family, s->spec.dscp) < 0) {
		int err = errno;

		snprintf(msg, len, "stream %s: %s socket: %s%s", s->name,
			 s->spec.proto == PROBE_ICMP ? "ICMP" : "UDP", strerror(err),
			 err == EPERM || err == EACCES ?
			 " (ICMP needs net.ipv4.ping_group_range or root)" : "");
		if (s->fd >= 0)
			close(s->fd);
		s->fd = -1;
		return -err;
	}
	/* raw sockets: an identifier of our own per stream */
	s->ident = (uint16_t)(getpid() * PROBE_MAX_STREAMS + index);
	return 0;
}

static uint16_t inet_csum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* An echo request; the kernel fills the identifier and checksum of a
 * datagram socket, and the ICMPv6 checksum of a raw one. */
static size_t build_echo(uint8_t *buf, const struct probe_stream *s, int family,
			 const struct probe_wire *w)
{
	uint16_t csum;

	memset(buf, 0, ICMP_HDR_LEN);
	buf[0] = family == AF_INET ? ICMP_ECHO : ICMP6_ECHO_REQUEST;
	buf[4] = (uint8_t)(s->ident >> 8);
	buf[5] = (uint8_t)s->ident;
	buf[6] = (uint8_t)(w->seq >> 8);
	buf[7] = (uint8_t)w->seq;
	probe_wire_encode(buf + ICMP_HDR_LEN, w);
	if (family == AF_INET && s->raw) {
		csum = inet_csum(buf, ICMP_HDR_LEN + PROBE_WIRE_LEN);
		buf[2] = (uint8_t)(csum >> 8);
		buf[3] = (uint8_t)csum;
	}
	return ICMP_HDR_LEN + PROBE_WIRE_LEN;
}

int probe_sock_send(struct probe_stream *s, unsigned index, uint32_t seq,
		    uint64_t mono_ns, const struct probe_target *t)
{
	struct probe_wire w = { .stream = (uint16_t)index, .seq = seq, .send_ns = mono_ns };
	uint8_t buf[ICMP_HDR_LEN + PROBE_WIRE_LEN];
	ssize_t n;

	if (s->spec.proto == PROBE_UDP) {
		probe_wire_encode(buf, &w);
		n = send(s->fd, buf, PROBE_WIRE_LEN, 0);
	} else {
		size_t len = build_echo(buf, s, t->family, &w);

		n = sendto(s->fd, buf, len, 0, (const struct sockaddr *)&t->addr,
			   t->addrlen);
	}
	if (n < 0 && errno == ECONNREFUSED)
		s->unreachable++;
	return n < 0 ? -errno : 0;
}

/* The ICMP message of a reply: a raw IPv4 socket passes the IP header. */
static const uint8_t *icmp_message(const struct probe_stream *s, int family,
				   const uint8_t *buf, size_t *n)
{
	size_t ihl;

	if (family != AF_INET || !s->raw)
		return buf;
	if (*n < 20 || (buf[0] >> 4) != 4 || (ihl = (size_t)(buf[0] & 0xf) * 4) < 20 || ihl > *n)
		return NULL;
	*n -= ihl;
	return buf + ihl;
}

static int parse_echo_reply(struct probe_stream *s, int family,
			    const uint8_t *buf, size_t n, struct probe_wire *w)
{
	uint8_t reply = family == AF_INET ? ICMP_ECHOREPLY : ICMP6_ECHO_REPLY;
	const uint8_t *m = icmp_message(s, family, buf, &n);

	if (!m || n < ICMP_HDR_LEN || m[0] != reply)
		return 0;	/* another ICMP message: not a reply at all */
	if (s->raw && (uint16_t)(m[4] << 8 | m[5]) != s->ident)
		return 0;	/* another socket's echo */
	return probe_wire_decode(m + ICMP_HDR_LEN, n - ICMP_HDR_LEN, w) < 0 ? -1 : 1;
}

int probe_sock_recv(struct probe_stream *s, unsigned index, uint32_t *seq)
{
	struct sockaddr_storage from;
	socklen_t fromlen = sizeof(from);
	struct probe_wire w;
	uint8_t buf[2048];
	ssize_t n;
	int rc;

	n = recvfrom(s->fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fromlen);
	if (n < 0 && errno == ECONNREFUSED)
		s->unreachable++;
	if (n < 0)
		return -errno;
	if (s->spec.proto == PROBE_UDP)
		rc = probe_wire_decode(buf, (size_t)n, &w) < 0 ? -1 : 1;
	else
		rc = parse_echo_reply(s, from.ss_family, buf, (size_t)n, &w);
	if (rc == 1 && w.stream != index)
		rc = -1;
	if (rc < 0)
		s->malformed++;
	if (rc <= 0)
		return 0;
	*seq = w.seq;
	return 1;
}
