// SPDX-License-Identifier: GPL-2.0-only
/*
 * What itmd reads when it clears the rules a killed itmd left
 * (src/io/nfq_stale.c): the text of /proc/net/netfilter/nfnetlink_queue,
 * then, after a NUL byte, the output of `iptables -t mangle -S`, line by
 * line as clear_tool takes it. A jump line is deleted only by its own
 * words, to a chain itm-qN, and never from such a chain.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/ipt.h"
#include "io/nfq_rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define WORDS (ITM_IPT_ARGS_MAX - 1)

static void jump(char *line, const char *proc)
{
	const char *argv[WORDS + 1];
	char *copy = strdup(line);
	int n, i;

	if (!copy)
		return;
	n = nfq_stale_jump(line, "itm-q3", proc, argv, WORDS);
	if (n > 0) {
		if (n < 4 || n > WORDS || strcmp(argv[0], "-D") || argv[n] ||
		    strcmp(argv[n - 2], "-j") || strncmp(argv[n - 1], "itm-q", 5) ||
		    nfq_stale_chain(argv[1], "itm-q3", proc))
			abort();
		for (i = 1; i < n; i++) {
			if (!argv[i][0] || !strstr(copy, argv[i]))
				abort();
		}
	}
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *proc, *rules, *line, *save;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	proc = text;
	rules = memchr(text, '\0', size) ? text + strlen(text) + 1 : text + size;
	if (rules > text + size)
		rules = text + size;
	for (line = strtok_r(rules, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "-N ", 3))
			nfq_stale_chain(line + 3, "itm-q3", proc);
		else
			jump(line, proc);
	}
	free(text);
	return 0;
}
