// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itm/file.h"

int itm_file_read(const char *path, size_t max, char **buf, size_t *len,
		  char *msg, size_t msglen)
{
	FILE *f = fopen(path, "r");
	size_t n;
	char *b;
	int r = 0;

	if (!f) {
		r = -errno;
		snprintf(msg, msglen, "%s: %s", path, strerror(errno));
		return r;
	}
	b = malloc(max + 2);
	if (!b) {
		snprintf(msg, msglen, "%s: out of memory", path);
		fclose(f);
		return -ENOMEM;
	}
	n = fread(b, 1, max + 1, f);
	if (ferror(f) || n > max) {
		snprintf(msg, msglen, "%s: %s", path, ferror(f) ? "read error" :
			 "too large");
		free(b);
		r = -EINVAL;
	} else {
		b[n] = '\0';
		*buf = b;
		*len = n;
	}
	fclose(f);
	return r;
}
