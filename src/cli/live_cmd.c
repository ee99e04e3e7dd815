// SPDX-License-Identifier: GPL-2.0-only
/*
 * `itm [-S SOCKET] COMMAND...`: one command of the configuration grammar
 * sent to a running itmd over its control socket (see src/daemon/ctl.c).
 * The daemon's output goes to stdout; its last line, "itm-status CODE
 * [MESSAGE]", becomes the exit status (0, or 1 with MESSAGE on stderr).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli.h"

#define LIVE_DEFAULT_SOCKET "/run/itm/itmd.sock"

static int live_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "itm: %s: path too long\n", path);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return fd;
	fprintf(stderr, "itm: cannot reach itmd at %s: %s%s\n", path,
		strerror(errno), errno == EACCES ?
		" (the control socket is for root and itmd's user)" :
		errno == ENOENT || errno == ECONNREFUSED ?
		" (is itmd running? -S names another socket)" : "");
	if (fd >= 0)
		close(fd);
	return -1;
}

static int live_send(int fd, int argc, char **argv)
{
	char line[4096];
	size_t o = 0;
	int i;

	for (i = 0; i < argc; i++) {
		int n = snprintf(line + o, sizeof(line) - o, "%s%s",
				 i ? " " : "", argv[i]);

		if (n < 0 || (size_t)n >= sizeof(line) - o - 1) {
			fprintf(stderr, "itm: command too long\n");
			return -1;
		}
		o += (size_t)n;
	}
	line[o++] = '\n';
	/* a refusing daemon answers and closes without reading: no SIGPIPE,
	 * and its answer is still there to read */
	if (send(fd, line, o, MSG_NOSIGNAL) != (ssize_t)o && errno != EPIPE &&
	    errno != ECONNRESET) {
		fprintf(stderr, "itm: sending to itmd: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* Print the reply but its status line; return the exit status. */
static int live_reply(FILE *in)
{
	char *line = NULL, *prev = NULL;
	size_t cap = 0;
	int rc = 1;

	while (getline(&line, &cap, in) >= 0) {
		if (prev)
			fputs(prev, stdout);
		free(prev);
		prev = strdup(line);
	}
	if (prev && !strncmp(prev, "itm-status ", 11)) {
		char *msg = strchr(prev + 11, ' ');

		rc = atoi(prev + 11) == 0 ? 0 : 1;
		if (rc)
			fprintf(stderr, "itm: %s", msg ? msg + 1 : "failed\n");
	} else {
		fprintf(stderr, "itm: itmd closed the connection without an answer\n");
	}
	free(prev);
	free(line);
	return rc;
}

/* `module load ./x.so` names a file where the user is, not where itmd
 * runs: send its absolute path (a file not found is itmd's to report). */
static void live_load_path(int argc, char **argv)
{
	static char path[PATH_MAX];	/* argv outlives this call */

	if (argc > 2 && !strcmp(argv[0], "module") &&
	    !strcmp(argv[1], "load") && strchr(argv[2], '/') &&
	    argv[2][0] != '/' && realpath(argv[2], path))
		argv[2] = path;
}

int live_main(const char *sock, int argc, char **argv)
{
	FILE *in;
	int fd = live_connect(sock ? sock : LIVE_DEFAULT_SOCKET);

	live_load_path(argc, argv);

	if (fd < 0)
		return 1;
	if (live_send(fd, argc, argv) < 0) {
		close(fd);
		return 1;
	}
	shutdown(fd, SHUT_WR);
	in = fdopen(fd, "r");
	if (!in) {
		close(fd);
		return 1;
	}
	fd = live_reply(in);
	fclose(in);
	return fd;
}
