// SPDX-License-Identifier: GPL-2.0-only
/*
 * libitm's interest setters: each replaces one field of the filter, and a
 * bad entry leaves the field as it was.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "itm/libitm.h"

void libitm_init_interest(struct libitm_info *info)
{
	memset(&info->interest, 0, sizeof(info->interest));
}

int libitm_set_protocols(struct libitm_info *info, const int *protos, int n)
{
	uint8_t bits[32] = { 0 };
	int i;

	if (n < 0 || (n && !protos))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (protos[i] < 0 || protos[i] > 255)
			return -EINVAL;
		bits[protos[i] / 8] |= (uint8_t)(1u << (protos[i] % 8));
	}
	memcpy(info->interest.protos, bits, sizeof(bits));
	return 0;
}

/* "ADDR" or "ADDR/LEN", IPv4 or IPv6. */
static int prefix_parse(const char *s, uint8_t *family, uint8_t *len,
			uint8_t addr[16])
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	long bits;

	if (!s || strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, buf, addr) == 1)
		*family = 4;
	else if (inet_pton(AF_INET6, buf, addr) == 1)
		*family = 6;
	else
		return -EINVAL;
	bits = *family == 4 ? 32 : 128;
	if (slash) {
		long max = bits;

		bits = strtol(slash + 1, &end, 10);
		if (!slash[1] || *end || bits < 0 || bits > max)
			return -EINVAL;
	}
	*len = (uint8_t)bits;
	return 0;
}

static int addrs_set(struct libitm_info *info, bool dst,
		     const char *const *addrs, int n)
{
	struct libitm_interest in = info->interest;
	int i, r;

	if (n < 0 || n > LIBITM_PREFIXES || (n && !addrs))
		return n > LIBITM_PREFIXES ? -E2BIG : -EINVAL;
	for (i = 0; i < n; i++) {
		r = dst ? prefix_parse(addrs[i], &in.dst[i].family,
				       &in.dst[i].len, in.dst[i].addr) :
			  prefix_parse(addrs[i], &in.src[i].family,
				       &in.src[i].len, in.src[i].addr);
		if (r < 0)
			return r;
	}
	if (dst)
		in.n_dst = (uint8_t)n;
	else
		in.n_src = (uint8_t)n;
	info->interest = in;
	return 0;
}

int libitm_set_saddr(struct libitm_info *info, const char *const *addrs,
		     int n)
{
	return addrs_set(info, false, addrs, n);
}

int libitm_set_daddr(struct libitm_info *info, const char *const *addrs,
		     int n)
{
	return addrs_set(info, true, addrs, n);
}

static int ports_set(uint16_t *out, uint8_t *count, const int *ports, int n)
{
	int i;

	if (n < 0 || n > LIBITM_PORTS || (n && !ports))
		return n > LIBITM_PORTS ? -E2BIG : -EINVAL;
	for (i = 0; i < n; i++) {
		if (ports[i] < 1 || ports[i] > 65535)
			return -EINVAL;
	}
	for (i = 0; i < n; i++)
		out[i] = (uint16_t)ports[i];
	*count = (uint8_t)n;
	return 0;
}

int libitm_set_src_ports(struct libitm_info *info, const int *ports, int n)
{
	return ports_set(info->interest.sports, &info->interest.n_sports,
			 ports, n);
}

int libitm_set_dst_ports(struct libitm_info *info, const int *ports, int n)
{
	return ports_set(info->interest.dports, &info->interest.n_dports,
			 ports, n);
}

static int dev_set(char *out, const char *const *devs, int n)
{
	if (n < 0 || (n && !devs))
		return -EINVAL;
	if (n > 1)
		return -E2BIG;
	if (n == 0) {
		out[0] = '\0';
		return 0;
	}
	if (!devs[0] || !*devs[0] || strlen(devs[0]) >= LIBITM_IFNAME_MAX)
		return -EINVAL;
	strcpy(out, devs[0]);
	return 0;
}

int libitm_set_indev(struct libitm_info *info, const char *const *devs, int n)
{
	return dev_set(info->interest.indev, devs, n);
}

int libitm_set_outdev(struct libitm_info *info, const char *const *devs,
		      int n)
{
	return dev_set(info->interest.outdev, devs, n);
}
