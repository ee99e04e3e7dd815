// SPDX-License-Identifier: GPL-2.0-only
/*
 * The probe protocol's encoder and decoder (probe.h). The decoder reads
 * untrusted bytes: it checks the length first and every field it keeps.
 */
#include <errno.h>
#include <string.h>

#include "probe.h"

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

void probe_encode(const struct probe_msg *m, uint8_t buf[PROBE_LEN])
{
	buf[0] = 'I';
	buf[1] = 'R';
	buf[2] = PROBE_VERSION;
	buf[3] = m->type;
	put32(buf + 4, m->seq);
	memcpy(buf + 8, &m->origin, 4);
	memcpy(buf + 12, &m->target, 4);
	memcpy(buf + 16, &m->via, 4);
	put32(buf + 20, m->hold_us);
	put32(buf + 24, (uint32_t)(m->sent_ns >> 32));
	put32(buf + 28, (uint32_t)m->sent_ns);
}

int probe_decode(struct probe_msg *m, const uint8_t *buf, size_t len)
{
	if (len < 4 || buf[0] != 'I' || buf[1] != 'R')
		return -EINVAL;
	if (buf[2] != PROBE_VERSION)
		return -EPROTONOSUPPORT;
	if (len < PROBE_LEN || (buf[3] != PROBE_REQ && buf[3] != PROBE_ACK))
		return -EINVAL;
	m->type = buf[3];
	m->seq = get32(buf + 4);
	memcpy(&m->origin, buf + 8, 4);
	memcpy(&m->target, buf + 12, 4);
	memcpy(&m->via, buf + 16, 4);
	m->hold_us = get32(buf + 20);
	m->sent_ns = (uint64_t)get32(buf + 24) << 32 | get32(buf + 28);
	return 0;
}
