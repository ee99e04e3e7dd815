// SPDX-License-Identifier: GPL-2.0-only
/*
 * Units as tc spells them. Numbers go through strtod so "1.5ms" works, but the
 * result is checked to be finite, non-negative and representable before it is
 * rounded: a value that does not fit is an error, never a wrapped number.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "itm/units.h"

struct unit_suffix {
	const char *name;
	double scale;
};

static const struct unit_suffix time_units[] = {
	{ "s", 1e9 }, { "sec", 1e9 }, { "secs", 1e9 },
	{ "ms", 1e6 }, { "msec", 1e6 }, { "msecs", 1e6 },
	{ "us", 1e3 }, { "usec", 1e3 }, { "usecs", 1e3 },
	{ "ns", 1 }, { "nsec", 1 }, { "nsecs", 1 },
	{ "", 1e3 },	/* bare number: microseconds, as tc */
	{ NULL, 0 },
};

static const struct unit_suffix size_units[] = {
	{ "", 1 }, { "b", 1 },
	{ "k", 1024. }, { "kb", 1024. },
	{ "m", 1048576. }, { "mb", 1048576. },
	{ "g", 1073741824. }, { "gb", 1073741824. },
	{ "kbit", 1024. / 8 }, { "mbit", 1048576. / 8 },
	{ "gbit", 1073741824. / 8 },
	{ NULL, 0 },
};

static const struct unit_suffix rate_units[] = {
	{ "", 1 }, { "bit", 1 },
	{ "kibit", 1024. }, { "kbit", 1e3 },
	{ "mibit", 1048576. }, { "mbit", 1e6 },
	{ "gibit", 1073741824. }, { "gbit", 1e9 },
	{ "tibit", 1099511627776. }, { "tbit", 1e12 },
	{ "bps", 8 }, { "kibps", 8. * 1024 }, { "kbps", 8e3 },
	{ "mibps", 8. * 1048576 }, { "mbps", 8e6 },
	{ "gibps", 8. * 1073741824 }, { "gbps", 8e9 },
	{ NULL, 0 },
};

/* A number must start with a digit: strto* would skip white space and
 * accept a sign, and "-1" would wrap to a huge value. */
static bool starts_with_digit(const char *s)
{
	return s && *s >= '0' && *s <= '9';
}

int itm_parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	int base = 10;
	char *end;

	if (!starts_with_digit(s))
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!isxdigit((unsigned char)*s))
			return -EINVAL;
	}
	errno = 0;
	v = strtoull(s, &end, base);	/* a leading 0 is not octal */
	if (*end)
		return -EINVAL;
	if (errno == ERANGE)
		return -ERANGE;
	*out = v;
	return 0;
}

/* bare: the scale of a number without unit, 0 for the table's */
static int units_parse(const char *s, const struct unit_suffix *tab,
		       double bare, uint64_t *out)
{
	const struct unit_suffix *u;
	double v;
	char *end;

	if (!starts_with_digit(s) && !(s && s[0] == '.'))
		return -EINVAL;
	v = strtod(s, &end);
	if (end == s || !isfinite(v) || v < 0)
		return -EINVAL;
	/* "0x10" and "1e3" parse as numbers; a unit must follow the digits */
	for (u = tab; u->name; u++) {
		if (strcasecmp(end, u->name) == 0)
			break;
	}
	if (!u->name)
		return -EINVAL;
	v = round(v * (!u->name[0] && bare ? bare : u->scale));
	if (v >= 18446744073709551615.0)
		return -ERANGE;
	*out = (uint64_t)v;
	return 0;
}

int itm_parse_time(const char *s, uint64_t *ns)
{
	return units_parse(s, time_units, 0, ns);
}

int itm_parse_time_secs(const char *s, uint64_t *ns)
{
	return units_parse(s, time_units, 1e9, ns);
}

int itm_parse_size(const char *s, uint64_t *bytes)
{
	return units_parse(s, size_units, 0, bytes);
}

int itm_parse_rate(const char *s, uint64_t *bps)
{
	return units_parse(s, rate_units, 0, bps);
}

char *itm_fmt_time(char *buf, size_t len, uint64_t ns)
{
	if (ns >= ITM_NSEC_PER_SEC)
		snprintf(buf, len, "%.1fs", ns / 1e9);
	else if (ns >= 1000000ull)
		snprintf(buf, len, "%.1fms", ns / 1e6);
	else if (ns % 1000 == 0)
		snprintf(buf, len, "%lluus", (unsigned long long)(ns / 1000));
	else if (ns >= 1000)
		snprintf(buf, len, "%.1fus", ns / 1e3);
	else
		snprintf(buf, len, "%lluns", (unsigned long long)ns);
	return buf;
}

/* As tc: Mb when within 1 KiB of a whole MiB, Kb when within 16 bytes of a
 * whole KiB, else bytes. */
char *itm_fmt_size(char *buf, size_t len, uint64_t bytes)
{
	double b = (double)bytes;

	if (bytes >= 1048576 && fabs(1048576 * rint(b / 1048576) - b) < 1024)
		snprintf(buf, len, "%.0fMb", rint(b / 1048576));
	else if (bytes >= 1024 && fabs(1024 * rint(b / 1024) - b) < 16)
		snprintf(buf, len, "%.0fKb", rint(b / 1024));
	else
		snprintf(buf, len, "%llub", (unsigned long long)bytes);
	return buf;
}

char *itm_fmt_rate(char *buf, size_t len, uint64_t bps)
{
	static const char *prefix[] = { "", "K", "M", "G", "T" };
	double v = (double)bps;
	size_t i;

	for (i = 0; i < 4; i++) {
		if (v < 1000 || (fmod(v, 1000) != 0 && v < 1e6))
			break;
		v /= 1000;
	}
	snprintf(buf, len, "%.0f%sbit", v, prefix[i]);
	return buf;
}
