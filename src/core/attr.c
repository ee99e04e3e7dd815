// SPDX-License-Identifier: GPL-2.0-only
/*
 * The attribute schema engine. All-or-nothing: arguments are parsed and range
 * checked into a list first, and stored only when every one is valid.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "itm/attr.h"
#include "itm/json.h"
#include "itm/prefix.h"
#include "itm/units.h"

#define ATTR_ARGS_MAX 64

const struct itm_attr *itm_attr_find(const struct itm_attr *tab,
				     const char *name)
{
	for (; tab && tab->name; tab++) {
		if (strcmp(tab->name, name) == 0)
			return tab;
	}
	return NULL;
}

/* Text already checked by attr_parse_value; NULL (the default) clears. A
 * value that is the storage itself (a load stored back) changes nothing. */
static void attr_store_addr(const struct itm_attr *a, uint8_t *p,
			    const char *s)
{
	struct itm_err err;

	if (s == (const char *)p)
		return;
	if (a->type == ITM_ATTR_ADDR) {
		memset(p, 0, sizeof(struct itm_prefix));
		if (s && strcmp(s, "any"))
			itm_prefix_parse((struct itm_prefix *)p, s, &err);
	} else {
		memset(p, 0, sizeof(struct itm_prefixes));
		if (s)
			itm_prefixes_parse((struct itm_prefixes *)p, s, &err);
	}
}

void itm_attr_store(const struct itm_attr *a, void *base, uint64_t val)
{
	uint8_t *p = (uint8_t *)base + a->off;

	switch (a->type) {
	case ITM_ATTR_U32:
	case ITM_ATTR_PKTS:
	case ITM_ATTR_S32:
	case ITM_ATTR_ENUM:
	case ITM_ATTR_FLAGS:
	case ITM_ATTR_HANDLE: {
		uint32_t v = (uint32_t)val;

		memcpy(p, &v, sizeof(v));
		break;
	}
	case ITM_ATTR_BOOL: {
		bool v = val != 0;

		memcpy(p, &v, sizeof(v));
		break;
	}
	case ITM_ATTR_IFNAME: {
		const char *s = (const char *)(uintptr_t)val;

		if (!s || !strcmp(s, "any"))
			s = "";
		if (s != (const char *)p)
			snprintf((char *)p, ITM_ATTR_IFNAME_LEN, "%s", s);
		break;
	}
	case ITM_ATTR_ADDR:
	case ITM_ATTR_PREFIXES:
		attr_store_addr(a, p, (const char *)(uintptr_t)val);
		break;
	default:
		memcpy(p, &val, sizeof(val));
		break;
	}
}

uint64_t itm_attr_load(const struct itm_attr *a, const void *base)
{
	const uint8_t *p = (const uint8_t *)base + a->off;

	switch (a->type) {
	case ITM_ATTR_S32: {
		int32_t v;

		memcpy(&v, p, sizeof(v));
		return (uint64_t)(int64_t)v;
	}
	case ITM_ATTR_U32:
	case ITM_ATTR_PKTS:
	case ITM_ATTR_ENUM:
	case ITM_ATTR_FLAGS:
	case ITM_ATTR_HANDLE: {
		uint32_t v;

		memcpy(&v, p, sizeof(v));
		return v;
	}
	case ITM_ATTR_BOOL: {
		bool v;

		memcpy(&v, p, sizeof(v));
		return v;
	}
	case ITM_ATTR_IFNAME:
	case ITM_ATTR_ADDR:
	case ITM_ATTR_PREFIXES:
		return (uint64_t)(uintptr_t)p;
	default: {
		uint64_t v;

		memcpy(&v, p, sizeof(v));
		return v;
	}
	}
}

void itm_attr_defaults(const struct itm_attr *tab, void *base)
{
	for (; tab && tab->name; tab++)
		itm_attr_store(tab, base, tab->def);
}

static int attr_parse_s32(const char *text, uint64_t *val)
{
	uint64_t v;
	int r;

	if (*text == '-') {
		r = itm_parse_u64(text + 1, &v);
		if (r < 0 || v > (uint64_t)INT32_MAX + 1)
			return -EINVAL;
		*val = (uint64_t)-(int64_t)v;
		return 0;
	}
	r = itm_parse_u64(text, &v);
	if (r < 0 || v > INT32_MAX)
		return -EINVAL;
	*val = v;
	return 0;
}

static int attr_name_index(const char *const *names, const char *s,
			   size_t len)
{
	int i;

	for (i = 0; names && names[i]; i++) {
		if (strlen(names[i]) == len && !strncmp(names[i], s, len))
			return i;
	}
	return -1;
}

static int attr_parse_enum(const char *const *names, const char *text,
			   uint64_t *val)
{
	int i = attr_name_index(names, text, strlen(text));

	if (i < 0)
		return -EINVAL;
	*val = (uint64_t)i;
	return 0;
}

/* "a,b,c": every name known, none twice, at least one */
static int attr_parse_flags(const char *const *names, const char *text,
			    uint64_t *val)
{
	uint64_t bits = 0;
	const char *s = text;

	while (*s) {
		size_t n = strcspn(s, ",");
		int i = attr_name_index(names, s, n);

		if (i < 0 || i >= 32 || bits & (1ull << i))
			return -EINVAL;
		bits |= 1ull << i;
		s += n;
		if (*s == ',' && *++s == '\0')
			return -EINVAL;
	}
	if (!bits)
		return -EINVAL;
	*val = bits;
	return 0;
}

/* tc's "[MAJOR:]MINOR" in hex; major defaults to 1, as the root's 1: */
/* MAJOR:MINOR or MINOR (major 1), in hex; and "0" or "0:0" (none) where
 * that is the default, so that what is printed can be written back. */
static int attr_parse_handle(const struct itm_attr *a, const char *text,
			     uint64_t *val)
{
	unsigned long major = 1, minor;
	const char *colon = strchr(text, ':');
	char *end;

	if (a->def == 0 && (!strcmp(text, "0") || !strcmp(text, "0:0"))) {
		*val = 0;
		return 0;
	}
	if (colon) {
		if (!isxdigit((unsigned char)*text))
			return -EINVAL;
		major = strtoul(text, &end, 16);
		if (end != colon || major > 0xffff)
			return -EINVAL;
		text = colon + 1;
	}
	if (!isxdigit((unsigned char)*text))
		return -EINVAL;
	minor = strtoul(text, &end, 16);
	if (*end || minor > 0xffff || minor == 0 || major == 0)
		return -EINVAL;
	*val = (uint64_t)(major << 16 | minor);
	return 0;
}

static int attr_parse_map(const struct itm_attr *a, const char *text,
			  uint64_t *val)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < ITM_ATTR_MAP_LEN; i++) {
		char *end;
		unsigned long e;

		if (*text < '0' || *text > '9')
			return -EINVAL;
		e = strtoul(text, &end, 10);
		if (e > a->max || e > 15 || *end != (i + 1 < ITM_ATTR_MAP_LEN ? ',' : 0))
			return -EINVAL;
		v |= (uint64_t)e << (4 * i);
		text = end + 1;
	}
	*val = v;
	return 0;
}

/* A number with a word for its minimum ("ttl inherit" = 0): names[0]. */
static const char *attr_min_word(const struct itm_attr *a)
{
	if (a->type != ITM_ATTR_U32 && a->type != ITM_ATTR_S32)
		return NULL;
	return a->names ? a->names[0] : NULL;
}

/* One address (no /LEN) or "any"; the value is the text, stored later. */
static int attr_parse_addr(const struct itm_attr *a, const char *text,
			   uint64_t *val)
{
	struct itm_prefixes l;
	struct itm_prefix pf;
	struct itm_err err;

	if (a->type == ITM_ATTR_PREFIXES) {
		if (itm_prefixes_parse(&l, text, &err) < 0)
			return -EINVAL;
	} else if (strcmp(text, "any")) {
		if (strchr(text, '/') || itm_prefix_parse(&pf, text, &err) < 0)
			return -EINVAL;
	}
	*val = (uint64_t)(uintptr_t)text;
	return 0;
}

static int attr_parse_value(const struct itm_attr *a, const char *text,
			    uint64_t *val)
{
	size_t n;

	if (attr_min_word(a) && !strcmp(text, attr_min_word(a))) {
		*val = a->min;
		return 0;
	}
	switch (a->type) {
	case ITM_ATTR_BOOL:
		if (!strcmp(text, "on") || !strcmp(text, "1") ||
		    !strcmp(text, "yes") || !strcmp(text, "true")) {
			*val = 1;
			return 0;
		}
		if (!strcmp(text, "off") || !strcmp(text, "0") ||
		    !strcmp(text, "no") || !strcmp(text, "false")) {
			*val = 0;
			return 0;
		}
		return -EINVAL;
	case ITM_ATTR_PKTS:
		n = strlen(text);
		if (n > 1 && text[n - 1] == 'p') {
			char tmp[32];

			if (n >= sizeof(tmp))
				return -EINVAL;
			memcpy(tmp, text, n - 1);
			tmp[n - 1] = '\0';
			return itm_parse_u64(tmp, val);
		}
		return itm_parse_u64(text, val);
	case ITM_ATTR_TIME:
		return a->flags & ITM_ATTR_SECONDS ? itm_parse_time_secs(text, val)
						   : itm_parse_time(text, val);
	case ITM_ATTR_SIZE:
		return itm_parse_size(text, val);
	case ITM_ATTR_RATE:
		return itm_parse_rate(text, val);
	case ITM_ATTR_S32:
		return attr_parse_s32(text, val);
	case ITM_ATTR_ENUM:
		return attr_parse_enum(a->names, text, val);
	case ITM_ATTR_FLAGS:
		return attr_parse_flags(a->names, text, val);
	case ITM_ATTR_HANDLE:
		return attr_parse_handle(a, text, val);
	case ITM_ATTR_MAP:
		return attr_parse_map(a, text, val);
	case ITM_ATTR_ADDR:
	case ITM_ATTR_PREFIXES:
		return attr_parse_addr(a, text, val);
	case ITM_ATTR_IFNAME:
		if (!*text || strlen(text) >= ITM_ATTR_IFNAME_LEN ||
		    strspn(text, "abcdefghijklmnopqrstuvwxyz"
			   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@") != strlen(text))
			return -EINVAL;
		*val = (uint64_t)(uintptr_t)text;
		return 0;
	default:
		return itm_parse_u64(text, val);
	}
}

static const char *attr_type_hint(const struct itm_attr *a)
{
	switch (a->type) {
	case ITM_ATTR_BOOL: return "on or off";
	case ITM_ATTR_TIME: return "a time such as 15ms";
	case ITM_ATTR_SIZE: return "a size such as 1514b or 32mb";
	case ITM_ATTR_RATE: return "a rate such as 100mbit";
	case ITM_ATTR_S32: return "a signed number";
	case ITM_ATTR_ENUM: return "one of the names listed in help";
	case ITM_ATTR_FLAGS: return "a comma-separated list of the names in help";
	case ITM_ATTR_HANDLE:
		return a->def ? "a class MAJOR:MINOR in hex, minor not 0" :
		       "a class MAJOR:MINOR in hex, minor not 0, or 0 for none";
	case ITM_ATTR_IFNAME: return "an interface name or any";
	case ITM_ATTR_MAP: return "8 numbers separated by commas, each within range";
	case ITM_ATTR_ADDR: return "an IPv4 or IPv6 address, or any";
	case ITM_ATTR_PREFIXES: return "prefixes ADDR[/LEN][,...], at most 8, or any";
	default: return "a number";
	}
}

static void attr_fmt_flags(const char *const *names, uint64_t v, char *buf,
			   size_t len)
{
	size_t o = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; names[i] && o < len; i++) {
		if (v & (1ull << i))
			o += (size_t)snprintf(buf + o, len - o, "%s%s",
					      o ? "," : "", names[i]);
	}
}

static void attr_fmt_value(const struct itm_attr *a, uint64_t v, char *buf,
			   size_t len)
{
	if (attr_min_word(a) && v == a->min) {
		snprintf(buf, len, "%s", attr_min_word(a));
		return;
	}
	switch (a->type) {
	case ITM_ATTR_BOOL: snprintf(buf, len, "%s", v ? "on" : "off"); break;
	case ITM_ATTR_PKTS: snprintf(buf, len, "%" PRIu64 "p", v); break;
	case ITM_ATTR_TIME: itm_fmt_time(buf, len, v); break;
	case ITM_ATTR_SIZE: itm_fmt_size(buf, len, v); break;
	case ITM_ATTR_RATE: itm_fmt_rate(buf, len, v); break;
	case ITM_ATTR_S32: snprintf(buf, len, "%" PRId64, (int64_t)v); break;
	case ITM_ATTR_ENUM: snprintf(buf, len, "%s", a->names[v]); break;
	case ITM_ATTR_FLAGS: attr_fmt_flags(a->names, v, buf, len); break;
	case ITM_ATTR_HANDLE:
		snprintf(buf, len, "%x:%x", (unsigned)(v >> 16),
			 (unsigned)(v & 0xffff));
		break;
	case ITM_ATTR_IFNAME: {
		const char *s = (const char *)(uintptr_t)v;

		snprintf(buf, len, "%s", s && *s ? s : "any");
		break;
	}
	case ITM_ATTR_ADDR: {
		static const struct itm_prefix none;
		const struct itm_prefix *pf = (const void *)(uintptr_t)v;

		itm_addr_format(pf ? pf : &none, buf, len);
		break;
	}
	case ITM_ATTR_PREFIXES: {
		static const struct itm_prefixes none;
		const struct itm_prefixes *l = (const void *)(uintptr_t)v;

		itm_prefixes_format(l ? l : &none, buf, len);
		break;
	}
	case ITM_ATTR_MAP: {
		size_t o = 0;
		unsigned i;

		for (i = 0; i < ITM_ATTR_MAP_LEN && o < len; i++)
			o += (size_t)snprintf(buf + o, len - o, "%s%u", i ? "," : "",
					      (unsigned)(v >> (4 * i)) & 15);
		break;
	}
	default: snprintf(buf, len, "%" PRIu64, v); break;
	}
}

/* A value as the user may type it back: tc's form, which rounds ("4295.0s"
 * for 2^32-1 us, "1Mb" for 1 MiB + 1000 bytes), unless it would then read
 * back as another value; then exactly. A quoted bound that is refused,
 * or a value shown (qdisc show, a file read) that changes when written
 * back, would mislead. */
static void attr_fmt_exact(const struct itm_attr *a, uint64_t v, char *buf,
			   size_t len)
{
	uint64_t back;

	attr_fmt_value(a, v, buf, len);
	if (attr_parse_value(a, buf, &back) == 0 && back == v)
		return;
	switch (a->type) {
	case ITM_ATTR_TIME:
		if (v % 1000)
			snprintf(buf, len, "%" PRIu64 "ns", v);
		else
			snprintf(buf, len, "%" PRIu64 "us", v / 1000);
		break;
	case ITM_ATTR_SIZE: snprintf(buf, len, "%" PRIu64 "b", v); break;
	case ITM_ATTR_RATE: snprintf(buf, len, "%" PRIu64 "bit", v); break;
	default: break;
	}
}

static int attr_range_err(const struct itm_attr *a, const char *text,
			  struct itm_err *err)
{
	char lo[32], hi[32];

	attr_fmt_exact(a, a->min, lo, sizeof(lo));
	attr_fmt_exact(a, a->max, hi, sizeof(hi));
	return itm_err_tok(err, text, ERANGE, "%s must be in [%s..%s]",
			   a->name, lo, hi);
}

static bool attr_out_of_range(const struct itm_attr *a, uint64_t v)
{
	switch (a->type) {
	case ITM_ATTR_BOOL:
	case ITM_ATTR_ENUM:
	case ITM_ATTR_FLAGS:
	case ITM_ATTR_HANDLE:
	case ITM_ATTR_IFNAME:
	case ITM_ATTR_MAP:
	case ITM_ATTR_ADDR:
	case ITM_ATTR_PREFIXES:
		return false;	/* the names and the syntax are the range */
	case ITM_ATTR_S32:
		return (int64_t)v < (int64_t)a->min || (int64_t)v > (int64_t)a->max;
	default:
		return v < a->min || v > a->max;
	}
}

int itm_attr_parse(const struct itm_attr *a, const char *text, uint64_t *val,
		   struct itm_err *err)
{
	uint64_t v;
	int r = attr_parse_value(a, text, &v);

	if (r == -ERANGE)	/* a number too big to hold: out of any range */
		return attr_range_err(a, text, err);
	if (r < 0)
		return itm_err_tok(err, text, EINVAL,
				   "%s: \"%s\" is not %s", a->name, text,
				   attr_type_hint(a));
	if (a->type == ITM_ATTR_U32 || a->type == ITM_ATTR_PKTS) {
		if (v > UINT32_MAX)
			v = UINT64_MAX;	/* fails the range check below */
	}
	if (attr_out_of_range(a, v))
		return attr_range_err(a, text, err);
	*val = v;
	return 0;
}

int itm_attr_set(const struct itm_attr *a, void *base, const char *text,
		 struct itm_err *err)
{
	uint64_t v;
	int r = itm_attr_parse(a, text, &v, err);

	if (r == 0)
		itm_attr_store(a, base, v);
	return r;
}

char *itm_attr_format(const struct itm_attr *a, const void *base, char *buf,
		      size_t len)
{
	attr_fmt_exact(a, itm_attr_load(a, base), buf, len);
	return buf;
}

/* "noecn" / "no_ecn" name the boolean "ecn" cleared. */
static const struct itm_attr *attr_find_negated(const struct itm_attr *tab,
						const char *tok)
{
	const struct itm_attr *a;

	if (strncmp(tok, "no", 2) != 0)
		return NULL;
	tok += 2;
	if (*tok == '_')
		tok++;
	a = itm_attr_find(tab, tok);
	return a && a->type == ITM_ATTR_BOOL ? a : NULL;
}

struct attr_pending {
	const struct itm_attr *a;
	uint64_t v;
};

static bool attr_pending_has(const struct attr_pending *pend, int n,
			     const struct itm_attr *a)
{
	int i;

	for (i = 0; i < n; i++) {
		if (pend[i].a == a)
			return true;
	}
	return false;
}

/* Bit of a in the mask of names given, 0 past the 64th entry. */
static uint64_t attr_bit(const struct itm_attr *tab, const struct itm_attr *a)
{
	return a - tab < 64 ? UINT64_C(1) << (a - tab) : 0;
}

int itm_attr_parse_args(const struct itm_attr *tab, void *base, int argc,
			char **argv, bool creating, struct itm_err *err)
{
	uint64_t given = 0;

	return itm_attr_parse_args_given(tab, base, argc, argv, creating,
					 &given, err);
}

int itm_attr_parse_args_given(const struct itm_attr *tab, void *base,
			      int argc, char **argv, bool creating,
			      uint64_t *given, struct itm_err *err)
{
	struct attr_pending pend[ATTR_ARGS_MAX];
	int i = 0, n = 0, r;

	while (i < argc && n < ATTR_ARGS_MAX) {
		const struct itm_attr *a = itm_attr_find(tab, argv[i]);
		const char *word = argv[i];
		uint64_t v = 1;

		if (!a) {
			a = attr_find_negated(tab, argv[i]);
			if (!a)
				break;
			v = 0;
			i++;
		} else if (a->type == ITM_ATTR_BOOL) {
			/* "ecn" alone, or "ecn on|off" */
			i++;
			if (i < argc && attr_parse_value(a, argv[i], &v) == 0)
				i++;
		} else {
			if (i + 1 >= argc)
				return itm_err_tok(err, argv[i], EINVAL,
						   "%s needs a value (%s)",
						   a->name, attr_type_hint(a));
			r = itm_attr_parse(a, argv[i + 1], &v, err);
			if (r < 0)
				return r;
			i += 2;
		}
		if (!creating && (a->flags & ITM_ATTR_FIXED))
			return itm_err_tok(err, a->name, EPERM,
					   "%s is fixed at creation", a->name);
		/* a typo's twin would otherwise win silently */
		if (attr_pending_has(pend, n, a) || (*given & attr_bit(tab, a)))
			return itm_err_tok(err, word, EINVAL,
					   "%s given twice", a->name);
		pend[n].a = a;
		pend[n++].v = v;
	}
	for (r = 0; r < n; r++) {
		itm_attr_store(pend[r].a, base, pend[r].v);
		*given |= attr_bit(tab, pend[r].a);
	}
	return i;
}

void itm_attr_print(FILE *f, const struct itm_attr *tab, const void *base)
{
	char buf[512];
	const char *sep = "";

	for (; tab && tab->name; tab++) {
		uint64_t v = itm_attr_load(tab, base);

		if ((tab->flags & ITM_ATTR_OMIT_ZERO) && !v)
			continue;
		if ((tab->flags & ITM_ATTR_NONDEFAULT) && v == tab->def)
			continue;
		if ((tab->flags & ITM_ATTR_TC_FLAG) && tab->type == ITM_ATTR_BOOL) {
			if (v)
				fprintf(f, "%s%s", sep, tab->name);
			sep = v ? " " : sep;
			continue;
		}
		itm_attr_format(tab, base, buf, sizeof(buf));
		if (tab->type == ITM_ATTR_BOOL)
			fprintf(f, "%s%s%s", sep,
				itm_attr_load(tab, base) ? "" : "no", tab->name);
		else
			fprintf(f, "%s%s %s", sep, tab->name, buf);
		sep = " ";
	}
}

/* Printed as a JSON string: words, handles, maps, names and addresses. */
static bool attr_json_text(const struct itm_attr *a)
{
	return (a->names && !attr_min_word(a)) || a->type == ITM_ATTR_HANDLE ||
	       a->type == ITM_ATTR_IFNAME || a->type == ITM_ATTR_MAP ||
	       a->type == ITM_ATTR_ADDR || a->type == ITM_ATTR_PREFIXES;
}

void itm_attr_print_json(FILE *f, const struct itm_attr *tab,
			 const void *base)
{
	const char *sep = "";
	char buf[512];

	for (; tab && tab->name; tab++) {
		uint64_t v = itm_attr_load(tab, base);

		fprintf(f, "%s\"%s\":", sep, tab->name);
		if (tab->type == ITM_ATTR_BOOL)
			fputs(v ? "true" : "false", f);
		else if (tab->type == ITM_ATTR_S32)
			fprintf(f, "%" PRId64, (int64_t)v);
		else if (attr_json_text(tab))
			itm_json_str(f, itm_attr_format(tab, base, buf, sizeof(buf)));
		else
			fprintf(f, "%" PRIu64, v);
		sep = ",";
	}
}

/* What values an attribute takes, for help: "bytes in [1b..1024Mb]". */
static void attr_help_range(const struct itm_attr *a, char *buf, size_t len)
{
	char lo[32], hi[32];
	size_t o;

	if (a->type == ITM_ATTR_BOOL) {
		snprintf(buf, len, "on|off");
	} else if (attr_min_word(a)) {
		attr_fmt_exact(a, a->min + 1, lo, sizeof(lo));
		attr_fmt_exact(a, a->max, hi, sizeof(hi));
		snprintf(buf, len, "%s or %s%sin [%s..%s]", attr_min_word(a),
			 a->unit ? a->unit : "", a->unit ? " " : "", lo, hi);
	} else if (a->names) {
		const char *const *n;

		o = (size_t)snprintf(buf, len, "%s of",
				     a->type == ITM_ATTR_FLAGS ? "any" : "one");
		for (n = a->names; *n && o < len; n++)
			o += (size_t)snprintf(buf + o, len - o, " %s", *n);
	} else if (a->type == ITM_ATTR_HANDLE) {
		snprintf(buf, len, "class MAJOR:MINOR");
	} else if (a->type == ITM_ATTR_IFNAME) {
		snprintf(buf, len, "interface name or any");
	} else if (a->type == ITM_ATTR_ADDR || a->type == ITM_ATTR_PREFIXES) {
		snprintf(buf, len, "%s", attr_type_hint(a));
	} else if (a->type == ITM_ATTR_MAP) {
		snprintf(buf, len, "%d numbers a,b,... each in [0..%" PRIu64 "]",
			 ITM_ATTR_MAP_LEN, a->max);
	} else {
		attr_fmt_exact(a, a->min, lo, sizeof(lo));
		attr_fmt_exact(a, a->max, hi, sizeof(hi));
		snprintf(buf, len, "%s%sin [%s..%s]", a->unit ? a->unit : "",
			 a->unit ? " " : "", lo, hi);
	}
}

void itm_attr_print_help(FILE *f, const struct itm_attr *tab)
{
	char range[512], def[256];

	for (; tab && tab->name; tab++) {
		attr_fmt_exact(tab, tab->def, def, sizeof(def));
		attr_help_range(tab, range, sizeof(range));
		fprintf(f, "  %-22s %s, default %s%s. %s\n", tab->name, range, def,
			tab->flags & ITM_ATTR_WRITABLE ? "" : ", fixed",
			tab->help ? tab->help : "");
	}
}
