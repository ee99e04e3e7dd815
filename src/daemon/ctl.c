// SPDX-License-Identifier: GPL-2.0-only
/*
 * itmd's control socket: a Unix stream socket (mode 0600, in a directory
 * made 0755 if missing) taking one command line of the configuration
 * grammar per connection, as `itm -S SOCKET COMMAND...` sends it. The peer's
 * credentials are checked first: only root and the daemon's own user may
 * talk to it, whatever the file's mode. The reply is the command's output
 * followed by one status line: "itm-status 0" or "itm-status -ERRNO MESSAGE".
 *
 * A command is checked whole before it changes anything (the grammar's
 * rule), so a bad value keeps the old one and the reply says why. The
 * command line must arrive, and the reply leave, within CTL_TIMEOUT_MS
 * each, however the client spreads its bytes, so a stuck or slow client
 * cannot hold the packet path for long; a line too long is refused, not
 * run cut short.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"
#include "itm/cmd.h"

#define CTL_TIMEOUT_MS 200
#define CTL_LINE_MAX 4096

static bool ctl_peer_allowed(int fd, struct ucred *cr)
{
	socklen_t len = sizeof(*cr);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, cr, &len) < 0)
		return false;
	return cr->uid == 0 || cr->uid == geteuid();
}

/* The time left until DEADLINE (itm_live_now) as the socket's timeout
 * OPT (SO_RCVTIMEO, SO_SNDTIMEO): one budget for a whole line or reply, not
 * one per call, or a client sending a byte at a time holds the loop for as
 * long as it likes. False when none is left (a zero timeout is none). */
static bool ctl_time_left(int fd, int opt, uint64_t deadline)
{
	uint64_t now = itm_live_now(), us;
	struct timeval tv;

	if (now >= deadline || (us = (deadline - now) / 1000) == 0)
		return false;
	tv.tv_sec = (time_t)(us / 1000000);
	tv.tv_usec = (suseconds_t)(us % 1000000);
	return setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof(tv)) == 0;
}

static uint64_t ctl_deadline(void)
{
	return itm_live_now() + (uint64_t)CTL_TIMEOUT_MS * 1000000;
}

/* One line, newline cut off: its length, 0 at once at end of file,
 * -ETIMEDOUT past the budget, -E2BIG when it does not fit in LEN - 1
 * bytes, -EILSEQ when it holds a NUL (it is not run cut short). */
static ssize_t ctl_read_line(int fd, char *buf, size_t len)
{
	uint64_t deadline = ctl_deadline();
	size_t o = 0;
	char *nl;

	while (!memchr(buf, '\n', o)) {
		ssize_t n;

		if (o + 1 == len)
			return -E2BIG;
		if (!ctl_time_left(fd, SO_RCVTIMEO, deadline))
			return -ETIMEDOUT;
		n = read(fd, buf + o, len - 1 - o);
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		if (n == 0)
			break;
		o += (size_t)n;
	}
	buf[o] = '\0';
	nl = memchr(buf, '\n', o);
	/* a NUL would cut the line short, the rest unrun and unsaid */
	if (memchr(buf, '\0', nl ? (size_t)(nl - buf) : o))
		return -EILSEQ;
	buf[strcspn(buf, "\n")] = '\0';
	return (ssize_t)o;
}

static void ctl_write_all(int fd, const char *s, size_t len, uint64_t deadline)
{
	while (len && ctl_time_left(fd, SO_SNDTIMEO, deadline)) {
		ssize_t n = write(fd, s, len);

		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

static void ctl_status(int fd, int r, const char *msg, uint64_t deadline)
{
	char status[ITM_ERR_MSG_MAX + 32];

	if (r < 0)
		snprintf(status, sizeof(status), "itm-status %d %s\n", r, msg);
	else
		snprintf(status, sizeof(status), "itm-status 0\n");
	ctl_write_all(fd, status, strlen(status), deadline);
}

static void ctl_backend_stats(void *arg, FILE *f, bool json)
{
	const struct itm_backend *b = arg;

	if (b->ops->dump)
		b->ops->dump(b, f, json);
	else if (json)
		fputs("{}", f);
}

static struct itm_qdisc *ctl_egress(void *arg, const char *dev)
{
	const struct itm_backend *b = arg;

	return b->ops->egress ? b->ops->egress(b, dev) : NULL;
}

int itm_ctl_exec(struct itm_live *lv, int argc, char **argv, FILE *out,
		 struct itm_err *err)
{
	struct itm_cmd_ctx cc = {
		.eng = lv->e, .out = out,
		.backend_stats = lv->backend ? ctl_backend_stats : NULL,
		.backend_arg = lv->backend,
		.egress = lv->backend ? ctl_egress : NULL,
		.egress_arg = lv->backend,
	};
	int r;

	if (argc > 0 && !strcmp(argv[0], "backend") && argc > 1 &&
	    strcmp(argv[1], "show"))
		return itm_err_set(err, EBUSY,
				   "the backend is fixed while itmd runs: edit the file and restart");
	/* accepted, it would change nothing: say so instead */
	if (argc > 0 && !strcmp(argv[0], "link"))
		return itm_err_set(err, EOPNOTSUPP,
				   "link rate is the output link of a replay: itmd sends at the interface's pace (shape with a tbf or vif root)");
	r = itm_cmd_run(&cc, argc, argv, err);
	if (r < 0)
		return r;
	if (lv->backend && lv->backend->ops->changed)
		lv->backend->ops->changed(lv->backend);
	return r;
}

/* Run one line against the live engine; the reply goes to fd. */
static void ctl_run(struct itm_ctl *c, int fd, char *line)
{
	char *argv[ITM_CMD_ARGS_MAX], *out = NULL;
	struct itm_err err = { 0 };
	size_t out_len = 0;
	int argc = itm_cmd_split(line, argv, ITM_CMD_ARGS_MAX), r;
	FILE *f = open_memstream(&out, &out_len);
	uint64_t deadline;

	if (!f)
		r = itm_err_set(&err, ENOMEM, "out of memory");
	else if (argc < 0)
		r = itm_err_set(&err, E2BIG, "too many words");
	else
		r = itm_ctl_exec(c->live, argc, argv, f, &err);
	if (f)
		fclose(f);
	deadline = ctl_deadline();
	if (out)
		ctl_write_all(fd, out, out_len, deadline);
	free(out);
	ctl_status(fd, r, err.msg, deadline);
	c->commands++;
}

/* A line that could not be read whole: say why, run nothing. */
static void ctl_unread(int fd, ssize_t r)
{
	char msg[96];

	if (r == -E2BIG)
		snprintf(msg, sizeof(msg), "command line longer than %d bytes",
			 CTL_LINE_MAX - 1);
	else if (r == -ETIMEDOUT)
		snprintf(msg, sizeof(msg), "command line not received within %d ms",
			 CTL_TIMEOUT_MS);
	else if (r == -EILSEQ)
		snprintf(msg, sizeof(msg), "command line holds a NUL byte");
	else
		return;
	itm_live_log("warning", "control: %s", msg);
	ctl_status(fd, (int)r, msg, ctl_deadline());
}

static void ctl_accept(void *ctx)
{
	struct itm_ctl *c = ctx;
	char line[CTL_LINE_MAX];
	struct ucred cr;
	ssize_t r;
	int fd = accept4(c->fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	if (!ctl_peer_allowed(fd, &cr)) {
		static const char no[] = "permission denied: "
					 "only root or itmd's user may control it";

		itm_live_log("warning", "control: refused pid %d uid %u",
			     (int)cr.pid, (unsigned)cr.uid);
		ctl_status(fd, -EACCES, no, ctl_deadline());
		c->refused++;
	} else if ((r = ctl_read_line(fd, line, sizeof(line))) > 0) {
		ctl_run(c, fd, line);
	} else {
		ctl_unread(fd, r);
	}
	close(fd);
}

static bool ctl_in_use(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool used = fd >= 0 && connect(fd, (const struct sockaddr *)sa,
				       sizeof(*sa)) == 0;

	if (fd >= 0)
		close(fd);
	return used;
}

static int ctl_bind(struct itm_ctl *c, struct itm_err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[sizeof(sa.sun_path)], *slash;

	if (strlen(c->path) >= sizeof(sa.sun_path))
		return itm_err_set(err, ENAMETOOLONG, "control socket path too long");
	snprintf(dir, sizeof(dir), "%s", c->path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return itm_err_set(err, errno, "%s: %s", dir, strerror(errno));
	}
	memcpy(sa.sun_path, c->path, strlen(c->path) + 1);
	if (ctl_in_use(&sa))
		return itm_err_set(err, EADDRINUSE, "%s: another itmd listens there",
				   c->path);
	unlink(c->path);	/* left by a killed itmd: nobody answers on it */
	if (bind(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(c->path, 0600) < 0 || listen(c->fd, 16) < 0)
		return itm_err_set(err, errno, "%s: %s", c->path, strerror(errno));
	return 0;
}

int itm_ctl_open(struct itm_ctl *c, struct itm_live *lv, const char *path,
		 struct itm_err *err)
{
	int r;

	memset(c, 0, sizeof(*c));
	c->live = lv;
	snprintf(c->path, sizeof(c->path), "%s", path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return itm_err_set(err, errno, "socket: %s", strerror(errno));
	r = ctl_bind(c, err);
	if (r == 0)
		r = itm_live_watch(lv, c->fd, ctl_accept, c, err);
	if (r < 0) {
		close(c->fd);
		c->fd = -1;
	}
	return r;
}

void itm_ctl_close(struct itm_ctl *c)
{
	if (c->fd < 0)
		return;
	itm_live_unwatch(c->live, c->fd);
	close(c->fd);
	unlink(c->path);
	c->fd = -1;
}
