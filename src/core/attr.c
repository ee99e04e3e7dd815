// SPDX-License-Identifier: GPL-2.0-only
/*
 * The attribute schema engine. All-or-nothing: arguments are parsed and range
 * checked into a list first, and stored only when every one is valid.
 */
#include <inttypes.h>
#include <string.h>

#include "itm/attr.h"
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

void itm_attr_store(const struct itm_attr *a, void *base, uint64_t val)
{
	uint8_t *p = (uint8_t *)base + a->off;

	switch (a->type) {
	case ITM_ATTR_U32:
	case ITM_ATTR_PKTS: {
		uint32_t v = (uint32_t)val;

		memcpy(p, &v, sizeof(v));
		break;
	}
	case ITM_ATTR_BOOL: {
		bool v = val != 0;

		memcpy(p, &v, sizeof(v));
		break;
	}
	default:
		memcpy(p, &val, sizeof(val));
		break;
	}
}

uint64_t itm_attr_load(const struct itm_attr *a, const void *base)
{
	const uint8_t *p = (const uint8_t *)base + a->off;

	switch (a->type) {
	case ITM_ATTR_U32:
	case ITM_ATTR_PKTS: {
		uint32_t v;

		memcpy(&v, p, sizeof(v));
		return v;
	}
	case ITM_ATTR_BOOL: {
		bool v;

		memcpy(&v, p, sizeof(v));
		return v;
	}
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

static int attr_parse_value(const struct itm_attr *a, const char *text,
			    uint64_t *val)
{
	size_t n;

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
		return itm_parse_time(text, val);
	case ITM_ATTR_SIZE:
		return itm_parse_size(text, val);
	case ITM_ATTR_RATE:
		return itm_parse_rate(text, val);
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
	default: return "a number";
	}
}

static void attr_fmt_value(const struct itm_attr *a, uint64_t v, char *buf,
			   size_t len)
{
	switch (a->type) {
	case ITM_ATTR_BOOL: snprintf(buf, len, "%s", v ? "on" : "off"); break;
	case ITM_ATTR_PKTS: snprintf(buf, len, "%" PRIu64 "p", v); break;
	case ITM_ATTR_TIME: itm_fmt_time(buf, len, v); break;
	case ITM_ATTR_SIZE: itm_fmt_size(buf, len, v); break;
	case ITM_ATTR_RATE: itm_fmt_rate(buf, len, v); break;
	default: snprintf(buf, len, "%" PRIu64, v); break;
	}
}

int itm_attr_parse(const struct itm_attr *a, const char *text, uint64_t *val,
		   struct itm_err *err)
{
	char lo[32], hi[32];
	uint64_t v;

	if (attr_parse_value(a, text, &v) < 0)
		return itm_err_tok(err, text, EINVAL,
				   "%s: \"%s\" is not %s", a->name, text,
				   attr_type_hint(a));
	if (a->type == ITM_ATTR_U32 || a->type == ITM_ATTR_PKTS) {
		if (v > UINT32_MAX)
			v = UINT64_MAX;	/* fails the range check below */
	}
	if (a->type != ITM_ATTR_BOOL && (v < a->min || v > a->max)) {
		attr_fmt_value(a, a->min, lo, sizeof(lo));
		attr_fmt_value(a, a->max, hi, sizeof(hi));
		return itm_err_tok(err, text, ERANGE,
				   "%s must be in [%s..%s]", a->name, lo, hi);
	}
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
	attr_fmt_value(a, itm_attr_load(a, base), buf, len);
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

int itm_attr_parse_args(const struct itm_attr *tab, void *base, int argc,
			char **argv, bool creating, struct itm_err *err)
{
	struct attr_pending pend[ATTR_ARGS_MAX];
	int i = 0, n = 0, r;

	while (i < argc && n < ATTR_ARGS_MAX) {
		const struct itm_attr *a = itm_attr_find(tab, argv[i]);
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
		pend[n].a = a;
		pend[n++].v = v;
	}
	for (r = 0; r < n; r++)
		itm_attr_store(pend[r].a, base, pend[r].v);
	return i;
}

void itm_attr_print(FILE *f, const struct itm_attr *tab, const void *base)
{
	char buf[64];
	const char *sep = "";

	for (; tab && tab->name; tab++) {
		itm_attr_format(tab, base, buf, sizeof(buf));
		if (tab->type == ITM_ATTR_BOOL)
			fprintf(f, "%s%s%s", sep,
				itm_attr_load(tab, base) ? "" : "no", tab->name);
		else
			fprintf(f, "%s%s %s", sep, tab->name, buf);
		sep = " ";
	}
}

void itm_attr_print_json(FILE *f, const struct itm_attr *tab,
			 const void *base)
{
	const char *sep = "";

	for (; tab && tab->name; tab++) {
		uint64_t v = itm_attr_load(tab, base);

		if (tab->type == ITM_ATTR_BOOL)
			fprintf(f, "%s\"%s\":%s", sep, tab->name,
				v ? "true" : "false");
		else
			fprintf(f, "%s\"%s\":%" PRIu64, sep, tab->name, v);
		sep = ",";
	}
}

void itm_attr_print_help(FILE *f, const struct itm_attr *tab)
{
	char lo[32], hi[32], def[32];

	for (; tab && tab->name; tab++) {
		attr_fmt_value(tab, tab->def, def, sizeof(def));
		if (tab->type == ITM_ATTR_BOOL) {
			fprintf(f, "  %-22s on|off, default %s%s. %s\n",
				tab->name, def,
				tab->flags & ITM_ATTR_WRITABLE ? "" : ", fixed",
				tab->help ? tab->help : "");
			continue;
		}
		attr_fmt_value(tab, tab->min, lo, sizeof(lo));
		attr_fmt_value(tab, tab->max, hi, sizeof(hi));
		fprintf(f, "  %-22s %s in [%s..%s], default %s%s. %s\n",
			tab->name, tab->unit ? tab->unit : "", lo, hi, def,
			tab->flags & ITM_ATTR_WRITABLE ? "" : ", fixed",
			tab->help ? tab->help : "");
	}
}
