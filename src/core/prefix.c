// SPDX-License-Identifier: GPL-2.0-only
/* Addresses and prefixes: parsing, matching and printing. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "itm/prefix.h"
#include "itm/units.h"

/* 10.1.2.3/8 is 10.0.0.0/8, as iptables takes it: what is shown is what
 * matches. */
static void clear_host_bits(struct itm_prefix *pf)
{
	unsigned full = pf->len / 8, rest = pf->len % 8;

	if (full == sizeof(pf->addr))
		return;
	pf->addr[full] &= (uint8_t)(0xff00 >> rest);
	memset(pf->addr + full + 1, 0, sizeof(pf->addr) - full - 1);
}

int itm_prefix_parse(struct itm_prefix *pf, const char *s, struct itm_err *err)
{
	char buf[64], *slash;
	uint64_t len;
	int maxlen;

	if (strlen(s) >= sizeof(buf))
		goto bad;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	memset(pf, 0, sizeof(*pf));
	if (inet_pton(AF_INET, buf, pf->addr) == 1) {
		pf->family = 4;
		maxlen = 32;
	} else if (inet_pton(AF_INET6, buf, pf->addr) == 1) {
		pf->family = 6;
		maxlen = 128;
	} else {
		goto bad;
	}
	len = (uint64_t)maxlen;
	if (slash && (itm_parse_u64(slash + 1, &len) < 0 || len > (uint64_t)maxlen))
		goto bad;
	pf->len = (uint8_t)len;
	clear_host_bits(pf);
	return 0;
bad:
	return itm_err_tok(err, s, EINVAL,
			   "\"%s\" is not an address or prefix (ADDR[/LEN])", s);
}

bool itm_prefix_match(const struct itm_prefix *pf, uint8_t family,
		      const uint8_t *addr)
{
	unsigned full = pf->len / 8, rest = pf->len % 8;

	if (pf->family != family || memcmp(pf->addr, addr, full) != 0)
		return false;
	if (!rest)
		return true;
	return ((pf->addr[full] ^ addr[full]) & (0xff00 >> rest)) == 0;
}

void itm_addr_format(const struct itm_prefix *pf, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (!pf->family) {
		snprintf(buf, len, "any");
		return;
	}
	inet_ntop(pf->family == 4 ? AF_INET : AF_INET6, pf->addr, a, sizeof(a));
	snprintf(buf, len, "%s", a);
}

void itm_prefix_format(const struct itm_prefix *pf, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN + 8];

	itm_addr_format(pf, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, pf->len);
}

int itm_prefixes_parse(struct itm_prefixes *l, const char *s,
		       struct itm_err *err)
{
	struct itm_prefixes tmp = { 0 };
	char one[64];

	if (!strcmp(s, "any") || !*s) {
		*l = tmp;
		return 0;
	}
	while (*s) {
		size_t n = strcspn(s, ",");

		if (tmp.n == ITM_PREFIXES_MAX)
			return itm_err_tok(err, s, E2BIG, "at most %d prefixes",
					   ITM_PREFIXES_MAX);
		if (n == 0 || n >= sizeof(one))
			return itm_err_tok(err, s, EINVAL,
					   "\"%s\" is not a list of prefixes", s);
		memcpy(one, s, n);
		one[n] = '\0';
		if (itm_prefix_parse(&tmp.pf[tmp.n++], one, err) < 0)
			return -EINVAL;
		s += n;
		if (*s == ',' && *++s == '\0')
			return itm_err_tok(err, s, EINVAL, "a prefix after the comma");
	}
	*l = tmp;
	return 0;
}

bool itm_prefixes_match(const struct itm_prefixes *l, uint8_t family,
			const uint8_t *addr)
{
	uint32_t i;

	for (i = 0; i < l->n; i++) {
		if (itm_prefix_match(&l->pf[i], family, addr))
			return true;
	}
	return false;
}

void itm_prefixes_format(const struct itm_prefixes *l, char *buf, size_t len)
{
	size_t o = 0;
	uint32_t i;

	snprintf(buf, len, "any");
	for (i = 0; i < l->n && o < len; i++) {
		char one[INET6_ADDRSTRLEN + 8];

		itm_prefix_format(&l->pf[i], one, sizeof(one));
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? "," : "", one);
	}
}
