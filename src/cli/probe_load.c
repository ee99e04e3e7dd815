// SPDX-License-Identifier: GPL-2.0-only
/*
 * The load: iperf3 as a child, its output in memory files rather than
 * pipes, so a long JSON document can never block it while the probe loop
 * is busy. The throughput is the receiver's (sum_received), what crossed
 * the path, not what the sender queued.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe.h"

extern char **environ;

int probe_load_start(struct probe_load *l, const struct probe_opts *o,
		     char *msg, size_t len)
{
	char flows[16], secs[32], port[16];
	char *argv[] = { "iperf3", "-c", (char *)o->target, "-p", port, "-P", flows,
			 "-t", secs, "--json", NULL, NULL, NULL };
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int rc;

	snprintf(flows, sizeof(flows), "%u", o->load_flows);
	snprintf(secs, sizeof(secs), "%llu", (unsigned long long)(o->load_ns / 1000000000u));
	snprintf(port, sizeof(port), "%u", o->load_port);
	if (o->load_cc) {	/* per socket: root may pick any the kernel has */
		argv[10] = "-C";
		argv[11] = (char *)o->load_cc;
	}
	l->running = false;
	l->out_fd = memfd_create("iperf3-out", MFD_CLOEXEC);
	l->err_fd = memfd_create("iperf3-err", MFD_CLOEXEC);
	if (l->out_fd < 0 || l->err_fd < 0) {
		rc = errno;
		snprintf(msg, len, "iperf3: memfd_create: %s", strerror(rc));
		goto err_close;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, l->out_fd, 1);
	posix_spawn_file_actions_adddup2(&fa, l->err_fd, 2);
	rc = posix_spawnp(&pid, "iperf3", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc) {
		snprintf(msg, len, "iperf3 could not be started: %s%s", strerror(rc),
			 rc == ENOENT ? " (install iperf3)" : "");
		goto err_close;
	}
	l->pid = pid;
	l->running = true;
	return 0;

err_close:
	if (l->out_fd >= 0)
		close(l->out_fd);
	if (l->err_fd >= 0)
		close(l->err_fd);
	return -rc;
}

int probe_load_poll(struct probe_load *l)
{
	if (!l->running)
		return 1;
	if (waitpid(l->pid, &l->status, WNOHANG) != l->pid)
		return 0;
	l->running = false;
	return 1;
}

/* The whole of a memory file as a string; NULL if empty or unreadable. */
static char *slurp(int fd)
{
	off_t size = lseek(fd, 0, SEEK_END);
	char *s;

	if (size <= 0 || size > (64 << 20) || !(s = malloc((size_t)size + 1)))
		return NULL;
	if (pread(fd, s, (size_t)size, 0) != size) {
		free(s);
		return NULL;
	}
	s[size] = '\0';
	return s;
}

/* The string value of "key" after p, unescaped only as far as \" and \\. */
static void json_string_after(const char *p, char *out, size_t len)
{
	size_t n = 0;

	p = strchr(p, ':');
	p = p ? strchr(p, '"') : NULL;
	for (p = p ? p + 1 : ""; *p && *p != '"' && n + 1 < len; p++) {
		if (*p == '\\' && p[1])
			p++;
		out[n++] = *p;
	}
	out[n] = '\0';
}

int probe_load_parse(const char *json, struct probe_load_result *res)
{
	const char *p = json ? strstr(json, "\"error\"") : NULL;
	char *end;

	res->ok = false;
	if (p) {
		json_string_after(p + 7, res->error, sizeof(res->error));
		return -EIO;
	}
	p = json ? strstr(json, "\"sum_received\"") : NULL;
	p = p ? strstr(p, "\"bits_per_second\"") : NULL;
	p = p ? strchr(p, ':') : NULL;
	if (!p) {
		snprintf(res->error, sizeof(res->error),
			 "no sum_received bits_per_second in iperf3's output");
		return -EIO;
	}
	res->bps = strtod(p + 1, &end);
	if (end == p + 1 || res->bps < 0) {
		snprintf(res->error, sizeof(res->error), "iperf3's throughput is not a number");
		return -EIO;
	}
	res->ok = true;
	return 0;
}

static void explain_failure(struct probe_load *l, int status,
			    struct probe_load_result *res)
{
	char *err = slurp(l->err_fd);
	char *nl = err ? strchr(err, '\n') : NULL;

	if (nl)
		*nl = '\0';
	if (err && *err)
		snprintf(res->error, sizeof(res->error), "iperf3: %s", err);
	else if (WIFEXITED(status))
		snprintf(res->error, sizeof(res->error),
			 "iperf3 exited with status %d and no result", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(res->error, sizeof(res->error), "iperf3 killed by signal %d",
			 WTERMSIG(status));
	free(err);
}

void probe_load_finish(struct probe_load *l, struct probe_load_result *res)
{
	char *out;

	if (l->running) {	/* it outlived the probe: stop it */
		kill(l->pid, SIGTERM);
		waitpid(l->pid, &l->status, 0);
		l->running = false;
	}
	out = slurp(l->out_fd);
	if (probe_load_parse(out, res) < 0 && !out)
		explain_failure(l, l->status, res);
	free(out);
	close(l->out_fd);
	close(l->err_fd);
}
