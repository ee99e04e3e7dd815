/* SPDX-License-Identifier: GPL-2.0-only */
/* Reading small text files (configurations, CDFs) whole. */
#ifndef ITM_FILE_H
#define ITM_FILE_H

#include <stddef.h>

/*
 * Read path into a malloc'ed, NUL-terminated buffer of *len bytes (the file
 * may itself hold NUL bytes: callers that parse text check). A file larger
 * than max bytes is refused. Returns 0 or -errno with msg naming the file.
 */
int itm_file_read(const char *path, size_t max, char **buf, size_t *len,
		  char *msg, size_t msglen);

#endif
