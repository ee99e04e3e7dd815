/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Parameters declared once. A module or queueing discipline lists its
 * parameters in a table of struct itm_attr; that table alone drives parsing
 * (units, ranges), validation, printing as text and JSON, run-time get/set by
 * name, and later the file tree. Values live in the owner's struct at `off`.
 */
#ifndef ITM_ATTR_H
#define ITM_ATTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "itm/err.h"

#ifdef __cplusplus
extern "C" {
#endif

enum itm_attr_type {
	ITM_ATTR_U32,		/* uint32_t, plain number */
	ITM_ATTR_U64,		/* uint64_t, plain number */
	ITM_ATTR_PKTS,		/* uint32_t packets, printed "1000p" */
	ITM_ATTR_BOOL,		/* bool: `name` sets, `no_name` or `name off` clears */
	ITM_ATTR_TIME,		/* uint64_t nanoseconds */
	ITM_ATTR_SIZE,		/* uint64_t bytes */
	ITM_ATTR_RATE,		/* uint64_t bit/s */
	ITM_ATTR_S32,		/* int32_t; min/max hold int64_t values */
	ITM_ATTR_ENUM,		/* uint32_t index into names[] */
	ITM_ATTR_FLAGS,		/* uint32_t bit set of names[], "a,b,c" */
	ITM_ATTR_HANDLE,	/* uint32_t tc handle "MAJOR:MINOR", hex */
	ITM_ATTR_IFNAME,	/* char[ITM_ATTR_IFNAME_LEN], "" = any; its
				 * uint64_t value is a pointer to the text */
	ITM_ATTR_MAP,		/* uint64_t: 8 entries of 4 bits, entry i in
				 * bits 4i..4i+3, "2,1,1,1,1,1,0,0", each
				 * entry at most max */
	ITM_ATTR_ADDR,		/* struct itm_prefix, one IPv4 or IPv6 address,
				 * "any" = unset (family 0); like IFNAME, its
				 * uint64_t value is a pointer to the text */
	ITM_ATTR_PREFIXES,	/* struct itm_prefixes, "10.0.0.0/8,2001:db8::/32",
				 * "any" = empty; value as ADDR */
};

enum itm_attr_flag {
	ITM_ATTR_WRITABLE = 1u << 0,	/* may change at run time */
	ITM_ATTR_FIXED = 1u << 1,	/* set only at creation */
	/* text output: a boolean prints its bare name when on, nothing when
	 * off (tc's "ecn" / "bytemode" style) */
	ITM_ATTR_TC_FLAG = 1u << 2,
	/* text output: printed only when not the default */
	ITM_ATTR_NONDEFAULT = 1u << 3,
	ITM_ATTR_OMIT_ZERO = 1u << 4,	/* text output leaves it out when 0 */
	/* TIME: a bare number is seconds, as tc's perturb, not microseconds */
	ITM_ATTR_SECONDS = 1u << 5,
};

struct itm_attr {
	const char *name;
	enum itm_attr_type type;
	size_t off;
	uint64_t min, max, def;
	unsigned flags;
	const char *unit;	/* for help text: "packets", "ns", ... */
	const char *const *names;	/* ENUM and FLAGS: NULL-terminated */
	const char *help;
};

#define ITM_ATTR_END { .name = NULL }
#define ITM_ATTR_IFNAME_LEN 16
#define ITM_ATTR_MAP_LEN 8

const struct itm_attr *itm_attr_find(const struct itm_attr *tab,
				     const char *name);

/* Fill every attribute of base with its default. */
void itm_attr_defaults(const struct itm_attr *tab, void *base);

/* Parse text into a value, checking the range; nothing is stored. */
int itm_attr_parse(const struct itm_attr *a, const char *text, uint64_t *val,
		   struct itm_err *err);
void itm_attr_store(const struct itm_attr *a, void *base, uint64_t val);
uint64_t itm_attr_load(const struct itm_attr *a, const void *base);

/* Parse text and store it; on error base is unchanged. */
int itm_attr_set(const struct itm_attr *a, void *base, const char *text,
		 struct itm_err *err);

/* "15.0ms", "1000p", "32Mb", "100Mbit", "on"... */
char *itm_attr_format(const struct itm_attr *a, const void *base, char *buf,
		      size_t len);

/*
 * Consume "NAME VALUE" pairs (and bare boolean names / no_NAME) from argv
 * into base, all or nothing. Returns the number of tokens consumed, or
 * -errno with err naming the token. `creating` allows FIXED attributes.
 */
int itm_attr_parse_args(const struct itm_attr *tab, void *base, int argc,
			char **argv, bool creating, struct itm_err *err);
/* The same over several runs of one command (options between other
 * words): *given holds the names earlier runs took, and a name given
 * again is refused. Start it at 0. */
int itm_attr_parse_args_given(const struct itm_attr *tab, void *base,
			      int argc, char **argv, bool creating,
			      uint64_t *given, struct itm_err *err);

/* Print "name value name value" (text) in table order. */
void itm_attr_print(FILE *f, const struct itm_attr *tab, const void *base);
/* Print "\"name\":value,..." (JSON members, numbers in base units). */
void itm_attr_print_json(FILE *f, const struct itm_attr *tab,
			 const void *base);
/* One line per attribute for `help`: name, unit, range, default. */
void itm_attr_print_help(FILE *f, const struct itm_attr *tab);

#ifdef __cplusplus
}
#endif

#endif
