/* SPDX-License-Identifier: GPL-2.0-only */
/* Socket helpers for itm tgen (tgen_net.c). */
#ifndef ITM_CLI_TGEN_NET_H
#define ITM_CLI_TGEN_NET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct tgen_addr {
	struct sockaddr_storage ss;
	socklen_t len;
};

uint64_t tgen_now_ns(void);	/* CLOCK_MONOTONIC */
/* HOST, HOST:PORT, [V6]:PORT or a bare IPv6 address; port if none given. */
int tgen_resolve(const char *spec, uint16_t port, struct tgen_addr *a,
		 char *msg, size_t len);
const char *tgen_addr_str(const struct sockaddr_storage *ss, char *buf,
			  size_t len);
int tgen_nonblock(int fd);
int tgen_set_dscp(int fd, int family, unsigned dscp);
/* tcpi_total_retrans and tcpi_rcv_ooopack of a TCP socket. */
int tgen_tcp_counters(int fd, uint32_t *retrans, uint32_t *ooo);

#endif
