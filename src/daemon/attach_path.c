// SPDX-License-Identifier: GPL-2.0-only
/*
 * Names and link targets of the procs/ tree (attach_path.h). Strict on
 * purpose: a target is the one spelling readlink gives back (or its
 * absolute form), so what `ls -l` shows is what was linked.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "attach_path.h"
#include "fs_cmd.h"

static int attp_decimal(const char *name, unsigned long max,
			unsigned long *v)
{
	size_t i, n = strlen(name);

	if (n == 0 || n > 10 || (name[0] == '0' && n > 1))
		return -EINVAL;
	*v = 0;
	for (i = 0; i < n; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -EINVAL;
		*v = *v * 10 + (unsigned long)(name[i] - '0');
	}
	return *v > max ? -EINVAL : 0;
}

int attp_pid(const char *name, pid_t *pid)
{
	unsigned long v;

	/* the kernel's pid_max is at most 2^22 */
	if (attp_decimal(name, 4194304, &v) < 0 || v == 0)
		return -EINVAL;
	*pid = (pid_t)v;
	return 0;
}

int attp_fd(const char *name, int *fd)
{
	unsigned long v;

	if (attp_decimal(name, 0xffff, &v) < 0)
		return -EINVAL;
	*fd = (int)v;
	return 0;
}

/* Past the part that leads to the mount: depth "../" or MNT "/". */
static const char *attp_strip(const char *t, const char *mnt, unsigned depth)
{
	size_t n = strlen(mnt);
	unsigned i;

	if (t[0] == '/') {
		while (n > 1 && mnt[n - 1] == '/')
			n--;
		return !strncmp(t, mnt, n) && t[n] == '/' ? t + n + 1 : NULL;
	}
	for (i = 0; i < depth; i++, t += 3) {
		if (strncmp(t, "../", 3))
			return NULL;
	}
	return t;
}

/* The next component of *p into buf: 1, or 0 at the end, or -EINVAL for
 * an empty or too long one. A trailing slash ends the path as well. */
static int attp_next(const char **p, char *buf, size_t len)
{
	const char *end = strchr(*p, '/');
	size_t n = end ? (size_t)(end - *p) : strlen(*p);

	if (!**p)
		return 0;
	if (n == 0 || n >= len)
		return -EINVAL;
	memcpy(buf, *p, n);
	buf[n] = '\0';
	*p += n;
	if (**p == '/')
		(*p)++;
	return 1;
}

int attp_target(const char *target, const char *mnt, unsigned depth,
		const char *ifname, uint32_t *minors, unsigned max)
{
	const char *p = attp_strip(target, mnt, depth);
	char word[256];
	unsigned n = 0;
	int r;

	if (!p)
		return target[0] == '/' ? -ENOENT : -EINVAL;
	if (attp_next(&p, word, sizeof(word)) != 1 || strcmp(word, "network"))
		return -ENOENT;
	if ((r = attp_next(&p, word, sizeof(word))) != 1)
		return r < 0 ? r : -EINVAL;
	if (strcmp(word, ifname))
		return -ENOENT;
	minors[n++] = 0;
	while ((r = attp_next(&p, word, sizeof(word))) == 1) {
		if (n == max || fs_name_minor(word, &minors[n]) < 0)
			return -EINVAL;
		n++;
	}
	return r < 0 ? r : (int)n;
}

int attp_format(char *buf, size_t len, unsigned depth, const char *ifname,
		const uint32_t *minors, unsigned n)
{
	size_t used = 0;
	unsigned i;

	for (i = 0; i < depth && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "../");
	if (used < len)
		used += (size_t)snprintf(buf + used, len - used, "network/%s",
					 ifname);
	for (i = 1; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "/%x",
					 (unsigned)minors[i]);
	return used < len ? 0 : -ENAMETOOLONG;
}

bool attp_cg_other_if(const char *cg, const char *ifname)
{
	size_t n = strlen(ifname);

	if (strncmp(cg, "/itm/", 5))
		return false;
	cg += 5;
	return strncmp(cg, ifname, n) || (cg[n] != '/' && cg[n] != '\0');
}
