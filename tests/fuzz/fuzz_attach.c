// SPDX-License-Identifier: GPL-2.0-only
/*
 * What a local user writes under a VIF's procs/, uids and cgroups files
 * (doc/fs.md): a file name taken as a pid or a descriptor, a link target
 * naming a VIF, a uid or a cgroup path. The first byte picks the parser;
 * the rest is the text. What a parser accepts must print back to a text
 * that parses to the same thing, and a cgroup path must stay below the
 * mount and outside itmd's own cgroups.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/attach_list.h"
#include "daemon/attach_path.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void number(const char *text, bool pid)
{
	char again[32];
	pid_t p;
	int fd;

	if (pid ? attp_pid(text, &p) < 0 : attp_fd(text, &fd) < 0)
		return;
	snprintf(again, sizeof(again), "%d", pid ? (int)p : fd);
	if (strcmp(again, text))
		abort();
}

static void target(const char *text, unsigned depth)
{
	uint32_t minors[ATTP_MINORS_MAX], back[ATTP_MINORS_MAX];
	char buf[512];
	int n = attp_target(text, "/sys/fs/cgroup/", depth, "fz0", minors,
			    ATTP_MINORS_MAX);

	if (n <= 0)
		return;
	if (n > ATTP_MINORS_MAX || minors[0] != 0 ||
	    attp_format(buf, sizeof(buf), depth, "fz0", minors, (unsigned)n) < 0 ||
	    attp_target(buf, "/sys/fs/cgroup", depth, "fz0", back,
			ATTP_MINORS_MAX) != n ||
	    memcmp(minors, back, (size_t)n * sizeof(minors[0])))
		abort();
}

/* Below the mount, by plain names, outside itmd's own "itm" subtree. */
static bool cg_below(const char *path)
{
	const char *p = path;

	if (!strcmp(path, "itm") || !strncmp(path, "itm/", 4))
		return false;
	for (;;) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && !strncmp(p, "..", 2)))
			return false;
		if (!p[n])
			return true;
		p += n + 1;
	}
}

static void entry(const char *text, enum atl_kind kind)
{
	struct atl_req req, again;
	char buf[ATT_CG_LEN + 32];

	/* a name asks the system's user database: digits only here */
	if (kind == ATL_UID && !(text[text[0] == '+' || text[0] == '-'] >= '0' &&
				 text[text[0] == '+' || text[0] == '-'] <= '9'))
		return;
	if (atl_parse(kind, text, &req) < 0)
		return;
	if (kind == ATL_CG && !cg_below(req.e.path))
		abort();
	atl_format(&req.e, buf, sizeof(buf));
	if (atl_parse(kind, buf, &again) < 0 || !again.add ||
	    memcmp(&req.e, &again.e, sizeof(req.e)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (size < 1 || size > 4096)
		return 0;
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	switch (data[0] % 6) {
	case 0: number(text, true); break;
	case 1: number(text, false); break;
	case 2: target(text, ATTP_DEPTH_PROC); break;
	case 3: target(text, ATTP_DEPTH_SOCK); break;
	case 4: entry(text, ATL_UID); break;
	default: entry(text, ATL_CG); break;
	}
	attp_cg_other_if(text, "fz0");
	free(text);
	return 0;
}
