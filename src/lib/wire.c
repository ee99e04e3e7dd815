// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checking what a module process sends (it is not trusted: a bad message
 * is refused with a reason, never half-used) and sizing the rings.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ring.h"
#include "wire.h"

#define WIRE_SLOTS_META 1024u
#define WIRE_SLOTS_PACKET 256u

__attribute__((format(printf, 4, 5)))
static int wire_fail(char *msg, size_t len, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
	return -code;
}

static bool wire_str_ok(const char *s, size_t max)
{
	return memchr(s, '\0', max) != NULL;
}

static bool wire_label_ok(const char *s)
{
	const char *c;

	if (!wire_str_ok(s, ITM_WIRE_LABEL_MAX) || !*s)
		return false;
	for (c = s; *c; c++) {
		if (!(*c == '_' || *c == '-' || (*c >= '0' && *c <= '9') ||
		      (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')))
			return false;
	}
	return true;
}

static bool wire_prefixes_ok(const struct itm_wire_prefix *p, unsigned n)
{
	unsigned i;

	if (n > ITM_WIRE_PREFIXES)
		return false;
	for (i = 0; i < n; i++) {
		if (p[i].family == 4 && p[i].len <= 32)
			continue;
		if (p[i].family == 6 && p[i].len <= 128)
			continue;
		return false;
	}
	return true;
}

static int wire_interest_check(const struct itm_wire_interest *in, char *msg,
			       size_t len)
{
	if (!wire_prefixes_ok(in->src, in->n_src) ||
	    !wire_prefixes_ok(in->dst, in->n_dst))
		return wire_fail(msg, len, EINVAL,
				 "bad address prefix (at most %d, IPv4 /0-32, IPv6 /0-128)",
				 ITM_WIRE_PREFIXES);
	if (in->n_sports > ITM_WIRE_PORTS || in->n_dports > ITM_WIRE_PORTS)
		return wire_fail(msg, len, EINVAL, "at most %d ports per side",
				 ITM_WIRE_PORTS);
	if (!wire_str_ok(in->iif, sizeof(in->iif)) ||
	    !wire_str_ok(in->oif, sizeof(in->oif)))
		return wire_fail(msg, len, EINVAL, "device name not terminated");
	return 0;
}

int itm_wire_reg_decode(const void *buf, size_t len, struct itm_wire_reg *out,
			char *msg, size_t msg_len)
{
	struct itm_wire_reg r;

	if (len != sizeof(r))
		return wire_fail(msg, msg_len, EPROTO,
				 "registration of %zu bytes, want %zu", len,
				 sizeof(r));
	memcpy(&r, buf, sizeof(r));
	if (r.magic != ITM_WIRE_MAGIC || r.type != ITM_WIRE_REGISTER)
		return wire_fail(msg, msg_len, EPROTO, "not a registration");
	if (r.version != ITM_WIRE_VERSION)
		return wire_fail(msg, msg_len, EPROTONOSUPPORT,
				 "protocol version %u, itmd speaks %u",
				 r.version, ITM_WIRE_VERSION);
	if (r.hook >= ITM_WIRE_HOOKS)
		return wire_fail(msg, msg_len, EINVAL, "no hook %u", r.hook);
	if (r.mode > ITM_WIRE_OBSERVE)
		return wire_fail(msg, msg_len, EINVAL, "no mode %u", r.mode);
	if (r.mode == ITM_WIRE_PACKET && r.bufsize == 0)
		return wire_fail(msg, msg_len, EINVAL,
				 "packet mode needs a bufsize of 1..%u",
				 ITM_WIRE_BUFSIZE_MAX);
	if (r.n_slots && (r.n_slots > ITM_WIRE_SLOTS_MAX ||
			  (r.n_slots & (r.n_slots - 1))))
		return wire_fail(msg, msg_len, EINVAL,
				 "ring slots must be a power of two up to %u",
				 ITM_WIRE_SLOTS_MAX);
	if (!wire_label_ok(r.label))
		return wire_fail(msg, msg_len, EINVAL,
				 "label must be 1..%d letters, digits, - or _",
				 ITM_WIRE_LABEL_MAX - 1);
	if (wire_interest_check(&r.in, msg, msg_len) < 0)
		return -EINVAL;
	*out = r;
	return 0;
}

static uint32_t wire_align(uint64_t n)
{
	return (uint32_t)((n + 63) & ~(uint64_t)63);
}

int itm_wire_layout(const struct itm_wire_reg *reg,
		    struct itm_wire_layout *out)
{
	bool packet = reg->mode == ITM_WIRE_PACKET;
	uint32_t data = packet ? (reg->bufsize + 7u) & ~7u : 0;
	uint64_t req, rsp, n;

	n = reg->n_slots ? reg->n_slots :
	    packet ? WIRE_SLOTS_PACKET : WIRE_SLOTS_META;
	out->n_slots = (uint32_t)n;
	out->req_slot = (uint32_t)(sizeof(struct itm_wire_pkt) + data);
	out->rsp_slot = (uint32_t)(sizeof(struct itm_wire_verdict) + data);
	req = itm_ring_bytes((uint32_t)n, out->req_slot);
	rsp = itm_ring_bytes((uint32_t)n, out->rsp_slot);
	if (req + rsp > ITM_WIRE_SHM_MAX)
		return -E2BIG;
	out->req_off = 0;
	out->rsp_off = wire_align(req);
	out->size = wire_align(out->rsp_off + rsp);
	return 0;
}
