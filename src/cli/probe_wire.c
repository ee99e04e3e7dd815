// SPDX-License-Identifier: GPL-2.0-only
/*
 * The probe payload and stream names. The payload is read from the network,
 * so the decoder trusts nothing: length, magic, version and the reserved
 * byte are checked before any field is used.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "itm/dscp.h"
#include "probe.h"
#include "itm/bytes.h"

void probe_wire_encode(uint8_t *buf, const struct probe_wire *w)
{
	itm_put_be(buf, PROBE_MAGIC, 4);
	buf[4] = PROBE_VERSION;
	buf[5] = 0;
	itm_put_be(buf + 6, w->stream, 2);
	itm_put_be(buf + 8, w->seq, 4);
	itm_put_be(buf + 12, w->send_ns, 8);
}

int probe_wire_decode(const uint8_t *buf, size_t len, struct probe_wire *w)
{
	if (len < PROBE_WIRE_LEN || itm_get_be(buf, 4) != PROBE_MAGIC)
		return -EINVAL;
	if (buf[4] != PROBE_VERSION)
		return -EPROTONOSUPPORT;
	if (buf[5] != 0)
		return -EINVAL;
	w->stream = (uint16_t)itm_get_be(buf + 6, 2);
	w->seq = (uint32_t)itm_get_be(buf + 8, 4);
	w->send_ns = itm_get_be(buf + 12, 8);
	return 0;
}

static const struct { const char *name; enum probe_proto proto; } protos[] = {
	{ "icmp", PROBE_ICMP }, { "udp", PROBE_UDP },
};

int probe_spec_parse(const char *s, struct probe_spec *spec)
{
	const char *colon = strchr(s, ':');
	size_t i, n;

	if (!colon)
		return -EINVAL;
	n = (size_t)(colon - s);
	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		if (strlen(protos[i].name) == n && !strncmp(s, protos[i].name, n))
			break;
	}
	if (i == sizeof(protos) / sizeof(protos[0]))
		return -EINVAL;
	spec->proto = protos[i].proto;
	/* be and cs0 are what users call DSCP 0; itm_dscp_parse knows df */
	if (!strcmp(colon + 1, "be") || !strcmp(colon + 1, "cs0")) {
		spec->dscp = 0;
		return 0;
	}
	return itm_dscp_parse(colon + 1, &spec->dscp);
}

char *probe_spec_name(char *buf, size_t len, const struct probe_spec *spec)
{
	const char *proto = spec->proto == PROBE_ICMP ? "icmp" : "udp";
	const char *cls = spec->dscp == 0 ? "be" : itm_dscp_name(spec->dscp);

	if (cls)
		snprintf(buf, len, "%s:%s", proto, cls);
	else
		snprintf(buf, len, "%s:%u", proto, spec->dscp);
	return buf;
}
