// SPDX-License-Identifier: GPL-2.0-only
/*
 * The rules a killed itmd left in table mangle: its chain "itm-qN" and
 * the jumps to it, which carry the options of that run (-i/-o DEV, the
 * hooks it needed), not those of the run that starts now. Such a chain is
 * the one named as ours, or one whose queue N no process in this network
 * namespace binds (/proc/net/netfilter/nfnetlink_queue): a running itmd
 * binds its queues before it installs its rules. Left in place, a jump of
 * an older chain comes first and its --queue-bypass accepts every packet
 * before our jump is reached.
 *
 * The jumps are found in `iptables -S`, whatever their options, and
 * deleted by their own words; then the chains are flushed and deleted. The
 * nft tools are asked and, where the legacy mangle table exists (an older
 * run fell back to it), the legacy ones too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/ipt.h"
#include "itm/cmd.h"
#include "itm/file.h"
#include "nfq_rules.h"

#define NFQ_PROC_QUEUES "/proc/net/netfilter/nfnetlink_queue"
#define STALE_WORDS (ITM_IPT_ARGS_MAX - 1)

/* Queue N is in the text of /proc/net/netfilter/nfnetlink_queue: one line
 * per bound queue, its number first. */
bool nfq_queue_listed(const char *proc, uint32_t n)
{
	const char *l = proc;
	unsigned q;

	while (l && *l) {
		if (sscanf(l, "%u", &q) == 1 && q == n)
			return true;
		l = strchr(l, '\n');
		if (l)
			l++;
	}
	return false;
}

bool nfq_stale_chain(const char *chain, const char *ours, const char *proc)
{
	char *end;
	unsigned long n;

	if (strncmp(chain, "itm-q", 5) || chain[5] < '0' || chain[5] > '9')
		return false;
	n = strtoul(chain + 5, &end, 10);
	if (*end || n > UINT32_MAX)
		return false;
	return !strcmp(chain, ours) || !nfq_queue_listed(proc, (uint32_t)n);
}

int nfq_stale_jump(char *line, const char *ours, const char *proc,
		   const char **argv, int max)
{
	char *w[STALE_WORDS];
	/* quotes are a comment's: none of our rules has one */
	int n = strchr(line, '"') ? -1 : itm_cmd_split(line, w, STALE_WORDS), i;

	if (n < 4 || n > max || strcmp(w[0], "-A") || strcmp(w[n - 2], "-j") ||
	    !nfq_stale_chain(w[n - 1], ours, proc) ||
	    nfq_stale_chain(w[1], ours, proc))
		return 0;
	argv[0] = "-D";
	for (i = 1; i < n; i++)
		argv[i] = w[i];
	argv[n] = NULL;
	return n;
}

/* A small text file whole (NULL if it cannot be read). */
static char *read_text(const char *path)
{
	char *text, msg[128];
	size_t len;

	return itm_file_read(path, 1u << 16, &text, &len, msg, sizeof(msg)) < 0 ?
	       NULL : text;
}

/* Delete the jumps to stale chains, then flush and delete those chains,
 * from one listing: the -N lines come first, the jumps after them. */
static void clear_tool(int family, bool legacy, const char *ours,
		       const char *proc)
{
	static const char *const list[] = { "-S", NULL };
	const char *argv[STALE_WORDS + 1], *stale[64];
	char *text, *line, *save;
	size_t n = 0, i;

	if (itm_ipt_mangle_read(family, legacy, list, &text) < 0)
		return;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "-N ", 3)) {
			if (nfq_stale_chain(line + 3, ours, proc) &&
			    n < sizeof(stale) / sizeof(stale[0]))
				stale[n++] = line + 3;
		} else if (nfq_stale_jump(line, ours, proc, argv, STALE_WORDS) > 0) {
			itm_ipt_mangle(family, legacy, argv);
		}
	}
	for (i = 0; i < n; i++) {
		argv[0] = "-F", argv[1] = stale[i], argv[2] = NULL;
		itm_ipt_mangle(family, legacy, argv);
		argv[0] = "-X";
		itm_ipt_mangle(family, legacy, argv);
	}
	free(text);
}

/* The legacy table exists: an older run used the legacy tools. */
static bool legacy_mangle(int family)
{
	char *names = read_text(family == 4 ? "/proc/net/ip_tables_names" :
				"/proc/net/ip6_tables_names");
	bool has = false;
	char *t, *save;

	for (t = names ? strtok_r(names, "\n", &save) : NULL; t && !has;
	     t = strtok_r(NULL, "\n", &save))
		has = !strcmp(t, "mangle");
	free(names);
	return has;
}

void nfq_rules_clear_stale(const struct nfq_rules *r)
{
	static const int families[] = { 4, 6 };
	char *proc = read_text(NFQ_PROC_QUEUES);
	size_t i;

	for (i = 0; i < 2; i++) {
		clear_tool(families[i], false, r->chain, proc ? proc : "");
		if (legacy_mangle(families[i]))
			clear_tool(families[i], true, r->chain, proc ? proc : "");
	}
	free(proc);
}
