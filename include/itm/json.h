/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * JSON text for `--json`. Numbers and our own words print as they are;
 * text that comes from outside (interface names, configuration lines) goes
 * through itm_json_str, which quotes it and escapes what JSON requires.
 */
#ifndef ITM_JSON_H
#define ITM_JSON_H

#include <stdio.h>

/* s as a JSON string, quotes included; NULL prints null. */
void itm_json_str(FILE *f, const char *s);

#endif
