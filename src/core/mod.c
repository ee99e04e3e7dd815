// SPDX-License-Identifier: GPL-2.0-only
/* The module registry, hook names and flow keys shared by modules. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "itm/mod.h"

#define ITM_MOD(id) extern const struct itm_mod_ops itm_mod_##id;
#include "mod/modules.def"
#undef ITM_MOD

static const struct itm_mod_ops *const mod_list[] = {
#define ITM_MOD(id) &itm_mod_##id,
#include "mod/modules.def"
#undef ITM_MOD
	NULL,
};

static const char *const hook_names[ITM_HOOK_MAX] = {
	[ITM_HOOK_PRE_ROUTING] = "pre-routing",
	[ITM_HOOK_LOCAL_IN] = "local-in",
	[ITM_HOOK_FORWARD] = "forward",
	[ITM_HOOK_LOCAL_OUT] = "local-out",
	[ITM_HOOK_POST_ROUTING] = "post-routing",
};

const char *itm_hook_name(enum itm_hook h)
{
	return h < ITM_HOOK_MAX ? hook_names[h] : "?";
}

int itm_hook_parse(const char *s, enum itm_hook *h)
{
	int i;

	for (i = 0; i < ITM_HOOK_MAX; i++) {
		if (strcmp(s, hook_names[i]) == 0) {
			*h = (enum itm_hook)i;
			return 0;
		}
	}
	return -EINVAL;
}

int itm_hooks_parse(const char *s, enum itm_hook *first, unsigned *set)
{
	char name[32];
	enum itm_hook h;
	size_t n;

	*set = 0;
	do {
		n = strcspn(s, ",");
		if (n >= sizeof(name))
			return -EINVAL;
		memcpy(name, s, n);
		name[n] = '\0';
		if (itm_hook_parse(name, &h) < 0 || *set & 1u << h)
			return -EINVAL;
		if (!*set)
			*first = h;
		*set |= 1u << h;
		s += n;
	} while (*s++ == ',');
	return 0;
}

char *itm_hooks_text(unsigned set, char *buf, size_t len)
{
	size_t o = 0;
	int h;

	buf[0] = '\0';
	for (h = 0; h < ITM_HOOK_MAX && o < len; h++) {
		if (set & 1u << h)
			o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? "," : "",
					      hook_names[h]);
	}
	return buf;
}

void itm_hooks_print_json(FILE *f, unsigned set)
{
	const char *sep = "";
	int h;

	fputc('[', f);
	for (h = 0; h < ITM_HOOK_MAX; h++) {
		if (set & 1u << h) {
			fprintf(f, "%s\"%s\"", sep, hook_names[h]);
			sep = ",";
		}
	}
	fputc(']', f);
}

const struct itm_mod_ops *const *itm_mod_all(void)
{
	return mod_list;
}

const struct itm_mod_ops *itm_mod_find(const char *id)
{
	const struct itm_mod_ops *const *o;

	for (o = mod_list; *o; o++) {
		if (strcmp((*o)->id, id) == 0)
			return *o;
	}
	return NULL;
}

bool itm_flow_key_from_l3(struct itm_flow_key *k, const struct itm_l3 *l3)
{
	memset(k, 0, sizeof(*k));
	if (!itm_l3_has(l3, ITM_HAVE_IP))
		return false;
	k->family = l3->family;
	memcpy(k->src, l3->src, l3->family == 4 ? 4 : 16);
	memcpy(k->dst, l3->dst, l3->family == 4 ? 4 : 16);
	if (itm_l3_has(l3, ITM_HAVE_PROTO))
		k->proto = l3->proto;
	if (itm_l3_has(l3, ITM_HAVE_PORTS)) {
		k->sport = l3->sport;
		k->dport = l3->dport;
	}
	return true;
}

void itm_flow_key_reverse(struct itm_flow_key *k)
{
	uint8_t a[16];
	uint16_t port = k->sport;

	memcpy(a, k->src, 16);
	memcpy(k->src, k->dst, 16);
	memcpy(k->dst, a, 16);
	k->sport = k->dport;
	k->dport = port;
}

void itm_flow_print(FILE *f, const struct itm_flow *fl, bool json)
{
	const struct itm_flow_key *k = &fl->key;
	int af = k->family == 4 ? AF_INET : AF_INET6;
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];

	inet_ntop(af, k->src, s, sizeof(s));
	inet_ntop(af, k->dst, d, sizeof(d));
	if (json)
		fprintf(f, "{\"src\":\"%s\",\"dst\":\"%s\",\"proto\":%u,"
			"\"proto-src\":%u,\"proto-dst\":%u,\"created_ns\":%" PRIu64
			",\"last_ns\":%" PRIu64 "}", s, d, k->proto, k->sport,
			k->dport, fl->created_ns, fl->last_ns);
	else
		fprintf(f, "proto %u %s.%u > %s.%u created %" PRIu64
			"ns last %" PRIu64 "ns\n", k->proto, s, k->sport, d,
			k->dport, fl->created_ns, fl->last_ns);
}
