// SPDX-License-Identifier: GPL-2.0-only
/*
 * The control socket (src/daemon/ctl.c) driven in-process: a command's
 * output and status line, a refused command leaving the engine as it was,
 * the backend fixed while running and its counters shown, the replay's
 * link refused, a line with a NUL, too long
 * or too slow refused without running it, a stale socket
 * file replaced and a live one refused, and (as root) another uid refused by the file mode and, with
 * the mode opened, by the peer-credential check.
 */
#include <errno.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon/ctl.h"
#include "testutil.h"

struct fixture {
	char dir[64], path[128];
	struct itm_live lv;
	struct itm_ctl ctl;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct itm_err err;

	assert_non_null(f);
	assert_non_null(test_mkdtemp(f->dir, sizeof(f->dir), "itm-test-ctl"));
	snprintf(f->path, sizeof(f->path), "%s/run/itmd.sock", f->dir);
	assert_int_equal(itm_live_init(&f->lv, &err), 0);
	f->lv.e = test_engine("qdisc add root pfifo limit 50\n", 0);
	if (itm_ctl_open(&f->ctl, &f->lv, f->path, &err) != 0)
		fail_msg("ctl open: %s", err.msg);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[160];

	itm_ctl_close(&f->ctl);
	itm_engine_destroy(f->lv.e);
	itm_live_fini(&f->lv);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static int client(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

/* Let the daemon side accept and answer, as its loop would. */
static void serve(struct fixture *f)
{
	int i;

	for (i = 0; i < ITM_LIVE_WATCH_MAX; i++) {
		if (f->lv.watch[i].fn && f->lv.watch[i].fd == f->ctl.fd)
			f->lv.watch[i].fn(f->lv.watch[i].ctx);
	}
}

static char *reply_of(int fd)
{
	static char buf[8192];
	size_t o = 0;
	ssize_t n;

	while ((n = read(fd, buf + o, sizeof(buf) - 1 - o)) > 0)
		o += (size_t)n;
	buf[o] = '\0';
	close(fd);
	return buf;
}

static char *ask(struct fixture *f, const char *line)
{
	int fd = client(f->path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, line, strlen(line)), (ssize_t)strlen(line));
	shutdown(fd, SHUT_WR);
	serve(f);
	return reply_of(fd);
}

static void test_commands(void **state)
{
	struct fixture *f = *state;
	struct stat st;

	assert_int_equal(stat(f->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_string_equal(ask(f, "qdisc show\n"),
			    "qdisc pfifo 1: root limit 50p\nitm-status 0\n");
	assert_string_equal(ask(f, "qdisc change root pfifo limit 0\n"),
			    "itm-status -34 limit must be in [1p..2147483647p]\n");
	assert_string_equal(ask(f, "qdisc show\n"),
			    "qdisc pfifo 1: root limit 50p\nitm-status 0\n");
	assert_string_equal(ask(f, "qdisc change root pfifo limit 70\n"), "itm-status 0\n");
	assert_string_equal(ask(f, "qdisc show\n"),
			    "qdisc pfifo 1: root limit 70p\nitm-status 0\n");
	assert_string_equal(ask(f, "backend nfqueue\n"),
			    "itm-status -16 the backend is fixed while itmd runs: "
			    "edit the file and restart\n");
	assert_string_equal(ask(f, "frobnicate\n"),
			    "itm-status -2 unknown command \"frobnicate\" (try help)\n");
	/* the replay's virtual link: itmd sends at the interface's pace, so
	 * a rate set here would be accepted and do nothing */
	assert_string_equal(ask(f, "link rate 1mbit\n"),
			    "itm-status -95 link rate is the output link of a replay: "
			    "itmd sends at the interface's pace (shape with a tbf or vif root)\n");
	assert_int_equal(f->lv.e->link_rate_bps, 0);
	assert_int_equal(f->ctl.commands, 8);
}

static void fake_dump(const struct itm_backend *b, FILE *f, bool json)
{
	(void)b;
	fputs(json ? "{\"received\":7}" : "  received 7\n", f);
}

/* `backend show -s` adds the running backend's state and counters, as
 * text or inside the JSON object; a stray word after show is refused by
 * name; without a running backend -s shows the line alone. */
static void test_backend_show(void **state)
{
	static const struct itm_backend_ops fake = { .id = "fake", .dump = fake_dump };
	struct itm_backend b = { .ops = &fake };
	struct fixture *f = *state;

	snprintf(f->lv.e->backend, sizeof(f->lv.e->backend), "fake");
	f->lv.backend = &b;
	assert_string_equal(ask(f, "backend show\n"), "backend fake\nitm-status 0\n");
	assert_string_equal(ask(f, "backend show -s\n"),
			    "backend fake\n  received 7\nitm-status 0\n");
	assert_string_equal(ask(f, "backend show --json\n"),
			    "{\"backend\":\"fake\"}\nitm-status 0\n");
	assert_string_equal(ask(f, "backend show -s --json\n"),
			    "{\"backend\":\"fake\",\"stats\":{\"received\":7}}\n"
			    "itm-status 0\n");
	assert_string_equal(ask(f, "backend show -x\n"),
			    "itm-status -22 backend show [-s]: what is \"-x\"?\n");
	f->lv.backend = NULL;
	assert_string_equal(ask(f, "backend show -s\n"), "backend fake\nitm-status 0\n");
}

static void test_stale_and_busy(void **state)
{
	struct fixture *f = *state;
	struct itm_ctl other;
	struct itm_err err;

	/* a second daemon on the same path is refused: this one answers */
	assert_int_equal(itm_ctl_open(&other, &f->lv, f->path, &err), -EADDRINUSE);
	assert_non_null(strstr(err.msg, "another itmd listens there"));
	/* a file left by a killed daemon is replaced */
	itm_ctl_close(&f->ctl);
	assert_int_equal(mknod(f->path, S_IFSOCK | 0600, 0), 0);
	assert_int_equal(itm_ctl_open(&f->ctl, &f->lv, f->path, &err), 0);
	assert_string_equal(ask(f, "qdisc show\n"),
			    "qdisc pfifo 1: root limit 50p\nitm-status 0\n");
}

/* A line longer than the buffer is refused whole, not run cut short
 * (here: a valid change followed by a bad word); the longest that fits
 * still runs. */
static void test_long_line(void **state)
{
	struct fixture *f = *state;
	char line[5100];

	snprintf(line, sizeof(line), "qdisc change root pfifo limit 70%*s bogus\n",
		 5000, "");
	assert_string_equal(ask(f, line),
			    "itm-status -7 command line longer than 4095 bytes\n");
	snprintf(line, sizeof(line), "qdisc show%*s\n", 4094 - 10, "");
	assert_int_equal(strlen(line), 4095);
	assert_string_equal(ask(f, line),
			    "qdisc pfifo 1: root limit 50p\nitm-status 0\n");
	assert_int_equal(f->ctl.commands, 1);
}

/* A NUL inside the line is refused, not taken as its end with the rest
 * dropped: "qdisc show" ran and "qdisc del root" vanished. */
static void test_nul_in_line(void **state)
{
	static const char line[] = "qdisc show\0qdisc del root\n";
	struct fixture *f = *state;
	int fd = client(f->path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, line, sizeof(line) - 1), (ssize_t)sizeof(line) - 1);
	shutdown(fd, SHUT_WR);
	serve(f);
	assert_string_equal(reply_of(fd),
			    "itm-status -84 command line holds a NUL byte\n");
	assert_int_equal(f->ctl.commands, 0);
}

/* A client sending its line a byte at a time, each byte well within the
 * timeout but the whole not: the child drips "qdisc change ... 70" at
 * 50 ms a byte, 1.6 s in all, and must be told it was too slow. */
static int slow_client(const char *path)
{
	static const char line[] = "qdisc change root pfifo limit 70\n";
	const char *want = "itm-status -110 command line not received within 200 ms\n";
	char buf[256] = "";
	size_t i;
	ssize_t n;
	int fd = client(path);

	if (fd < 0)
		return 2;
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < sizeof(line) - 1; i++) {
		if (write(fd, line + i, 1) != 1)
			break;		/* the daemon gave up and closed */
		usleep(50000);
	}
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	return strcmp(buf, want) ? 3 : 0;
}

static void test_slow_client(void **state)
{
	struct fixture *f = *state;
	pid_t pid = fork();
	int st;

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(slow_client(f->path));
	serve(f);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_int_equal(f->ctl.commands, 0);
	assert_string_equal(ask(f, "qdisc show\n"),
			    "qdisc pfifo 1: root limit 50p\nitm-status 0\n");
}

/* As root: a child with another uid tries; 0: refused as expected. */
static int other_uid_try(const char *path)
{
	char buf[256] = "";
	ssize_t n;
	int fd;

	if (setgid(65534) < 0 || setuid(65534) < 0)
		return 2;
	fd = client(path);
	if (fd == -EACCES)
		return 0;		/* the file mode said no */
	if (fd < 0)
		return 3;
	/* the daemon may refuse and close before this write: no SIGPIPE */
	signal(SIGPIPE, SIG_IGN);
	if (write(fd, "qdisc show\n", 11) < 0 && errno != EPIPE && errno != ECONNRESET)
		return 4;
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	return strncmp(buf, "itm-status -13 permission denied", 32) ? 5 : 0;
}

static void expect_refused(struct fixture *f, uint64_t refused)
{
	pid_t pid = fork();
	int st;

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(other_uid_try(f->path));
	if (refused)
		serve(f);	/* the connection gets through: answer it */
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_int_equal(f->ctl.refused, refused);
}

static void test_other_uid(void **state)
{
	struct fixture *f = *state;

	if (geteuid() != 0)
		skip();
	assert_int_equal(chmod(f->dir, 0755), 0);
	expect_refused(f, 0);			/* mode 0600 */
	assert_int_equal(chmod(f->path, 0666), 0);
	expect_refused(f, 1);			/* peer credentials */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_commands, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backend_show, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_and_busy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nul_in_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slow_client, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_uid, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
