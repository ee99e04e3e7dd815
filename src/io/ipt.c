// SPDX-License-Identifier: GPL-2.0-only
/*
 * iptables as a program: posix_spawn, output to /dev/null, wait. Quiet,
 * because a rule that is already gone is an expected failure at cleanup.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include "io/ipt.h"

extern char **environ;

static const char *ipt_tool(int family, bool legacy)
{
	if (family == 4)
		return legacy ? "iptables-legacy" : "iptables";
	return legacy ? "ip6tables-legacy" : "ip6tables";
}

int itm_ipt_mangle(int family, bool legacy, const char *const *args)
{
	char *argv[ITM_IPT_ARGS_MAX + 5];
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int n = 0, st, r;

	argv[n++] = (char *)ipt_tool(family, legacy);
	argv[n++] = "-w";
	argv[n++] = "-t";
	argv[n++] = "mangle";
	while (*args) {
		if (n == ITM_IPT_ARGS_MAX + 4)
			return -E2BIG;
		argv[n++] = (char *)*args++;
	}
	argv[n] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	r = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r)
		return -r;
	if (waitpid(pid, &st, 0) < 0)
		return -errno;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -EIO;
}
