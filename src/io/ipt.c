// SPDX-License-Identifier: GPL-2.0-only
/*
 * iptables as a program: posix_spawn, output to /dev/null (or read back
 * through a memory file), wait. Quiet, because a rule that is already gone
 * is an expected failure at cleanup.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io/ipt.h"

extern char **environ;

static const char *ipt_tool(int family, bool legacy)
{
	if (family == 4)
		return legacy ? "iptables-legacy" : "iptables";
	return legacy ? "ip6tables-legacy" : "ip6tables";
}

/* The tool with ARGS, its standard output to out_fd (-1: /dev/null). */
static int ipt_spawn(int family, bool legacy, const char *const *args, int out_fd)
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
	if (out_fd < 0)
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	else
		posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	r = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r)
		return -r;
	if (waitpid(pid, &st, 0) < 0)
		return -errno;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -EIO;
}

int itm_ipt_mangle(int family, bool legacy, const char *const *args)
{
	return ipt_spawn(family, legacy, args, -1);
}

static int ipt_slurp(int fd, char **out)
{
	struct stat st;
	char *buf;

	if (fstat(fd, &st) < 0)
		return -errno;
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return -ENOMEM;
	if (pread(fd, buf, (size_t)st.st_size, 0) != st.st_size) {
		free(buf);
		return -EIO;
	}
	buf[st.st_size] = '\0';
	*out = buf;
	return 0;
}

int itm_ipt_mangle_read(int family, bool legacy, const char *const *args,
			char **out)
{
	int fd = memfd_create("itm-ipt", MFD_CLOEXEC), r;

	*out = NULL;
	if (fd < 0)
		return -errno;
	r = ipt_spawn(family, legacy, args, fd);
	if (r == 0)
		r = ipt_slurp(fd, out);
	close(fd);
	return r;
}
