// SPDX-License-Identifier: GPL-2.0-only
/*
 * itmd: the configured pipeline on live traffic.
 *
 *   itmd -c CONF [-S SOCKET] [-m DIR] [-M MODSOCKET]
 *
 * Reads CONF (the grammar of `itm help`, plus one `backend` line), opens the
 * backend, serves the control socket and runs until SIGTERM or SIGINT; then
 * it releases every held packet and removes everything it installed.
 * SIGHUP re-reads CONF: a file that fails keeps the running configuration
 * and the error is logged with FILE:LINE; a good one replaces it whole, the
 * held packets moving to the new root discipline (flow state starts
 * afresh; modules in their own process are disconnected and register
 * again). SIGUSR1 writes the statistics to the log. Logs go to stderr, so
 * the journal takes them under systemd. With -m, the file system of fs.h
 * is mounted on DIR while itmd runs, and unmounted when it stops or fails
 * to start. With -M, libitm module processes register on MODSOCKET.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "ctl.h"
#include "fs.h"
#include "fs_cmd.h"
#include "itm/cmd.h"
#include "itm/qtree.h"
#include "itm/remote.h"

struct itmd {
	const char *conf;
	const char *mount;	/* -m: where the file system goes, or NULL */
	struct itm_live live;
	struct itm_ctl ctl;
	struct itm_fs *fs;
	struct itm_modsock ms;
	int sigfd;
};

static int load(const char *path, struct itm_engine **e)
{
	char msg[512];
	int r = itm_config_load_file(path, e, msg, sizeof(msg));

	if (r < 0)
		itm_live_log("error", "%s", msg);
	else if (!*(*e)->backend) {
		itm_live_log("error", "%s: no backend line (e.g. backend nfqueue)", path);
		itm_engine_destroy(*e);
		r = -EINVAL;
	} else if ((*e)->link_rate_bps) {
		itm_live_log("warning", "%s: link rate is for replays: itmd sends at the interface's pace",
			     path);
	}
	return r;
}

static void stats(struct itmd *d)
{
	struct itm_backend *b = d->live.backend;

	itm_qtree_print(d->live.e->root, stderr, true, false);
	itm_engine_print_modules(d->live.e, stderr, false);
	fprintf(stderr, "backend %s\n", d->live.e->backend);
	if (b->ops->dump)
		b->ops->dump(b, stderr, false);
}

static void reload(struct itmd *d)
{
	struct itm_engine *e, *old = d->live.e;
	struct itm_err err;

	if (load(d->conf, &e) < 0) {
		itm_live_log("error", "reload failed: keeping the running configuration");
		return;
	}
	if (strcmp(e->backend, old->backend)) {
		itm_live_log("error", "reload: the backend line changed (\"%s\"): "
			     "restart itmd for that; keeping the running configuration",
			     e->backend);
		itm_engine_destroy(e);
		return;
	}
	if (itm_engine_start(e, itm_live_now(), &err) < 0) {
		itm_live_log("error", "reload: %s; keeping the running configuration",
			     err.msg);
		itm_engine_destroy(e);
		return;
	}
	/* packets modules in their own process hold reach the old root
	 * (waiting at most their deadlines), which rebind moves over */
	itm_engine_settle(old, itm_live_now(), true);
	d->live.e = e;
	d->live.backend->ops->rebind(d->live.backend, old);
	itm_engine_destroy(old);
	itm_live_log("info", "reloaded %s", d->conf);
}

/* A libitm process registers: its proxy joins the running engine. */
static void on_module(void *ctx)
{
	struct itmd *d = ctx;
	struct itm_err err;
	struct itm_mod *m;
	int r = itm_modsock_accept(&d->ms, d->live.e, &m, &err);

	if (r < 0) {
		if (r != -EAGAIN)
			itm_live_log("error", "%s", err.msg);
		return;
	}
	itm_live_log("info", "module %s registered at %s", m->label,
		     itm_hook_name(m->hook));
	if (d->live.backend && d->live.backend->ops->changed)
		d->live.backend->ops->changed(d->live.backend);
}

/* Verdicts of held packets came back: their chains go on. */
static void on_verdicts(void *ctx)
{
	struct itmd *d = ctx;
	eventfd_t v;

	eventfd_read(d->ms.wake_fd, &v);
	itm_engine_settle(d->live.e, itm_live_now(), false);
}

static void on_signal(void *ctx)
{
	struct itmd *d = ctx;
	struct signalfd_siginfo si;

	while (read(d->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			reload(d);
		else if (si.ssi_signo == SIGUSR1)
			stats(d);
		else
			d->live.stop = true;
	}
}

static int watch_signals(struct itmd *d, struct itm_err *err)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	d->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (d->sigfd < 0)
		return itm_err_set(err, errno, "signalfd: %s", strerror(errno));
	return itm_live_watch(&d->live, d->sigfd, on_signal, d, err);
}

static int open_backend(struct itmd *d, struct itm_err *err)
{
	char line[sizeof(d->live.e->backend)], *argv[ITM_BACKEND_ARGS_MAX + 1];
	int argc, r;

	snprintf(line, sizeof(line), "%s", d->live.e->backend);
	argc = itm_cmd_split(line, argv, ITM_BACKEND_ARGS_MAX + 1);
	r = argc < 0 ? itm_err_set(err, E2BIG, "backend line too long") :
	    itm_backend_create(&d->live.backend, &d->live, argc, argv, err);
	if (r == 0)
		r = itm_engine_start(d->live.e, itm_live_now(), err);
	if (r == 0)
		r = d->live.backend->ops->open(d->live.backend, err);
	return r;
}

static int open_fs(struct itmd *d, struct itm_err *err)
{
	char name[FS_IFNAME_MAX];

	if (!d->mount)
		return 0;
	fs_root_name(d->live.e->backend, name, sizeof(name));
	return itm_fs_open(&d->fs, &d->live, d->mount, name, err);
}

static int open_modsock(struct itmd *d, const char *path,
			struct itm_err *err)
{
	int r;

	if (!path)
		return 0;	/* no -M: no module processes */
	r = itm_modsock_open(&d->ms, path, err);

	if (r == 0)
		r = itm_live_watch(&d->live, d->ms.fd, on_module, d, err);
	return r < 0 ? r : itm_live_watch(&d->live, d->ms.wake_fd, on_verdicts,
					  d, err);
}

static int run(struct itmd *d, const char *sock, const char *modsock)
{
	struct itm_err err;
	int r = itm_live_init(&d->live, &err);
	bool opened;

	if (r == 0 && load(d->conf, &d->live.e) < 0) {
		itm_live_fini(&d->live);
		return 1;
	}
	if (r == 0)
		r = watch_signals(d, &err);
	if (r == 0)
		r = itm_ctl_open(&d->ctl, &d->live, sock, &err);
	if (r == 0)
		r = open_modsock(d, modsock, &err);
	/* a backend's reader threads run the engine from open on */
	itm_live_lock(&d->live);
	if (r == 0)
		r = open_backend(d, &err);
	opened = r == 0;
	if (r == 0)
		r = open_fs(d, &err);
	itm_live_unlock(&d->live);
	if (r == 0) {
		itm_live_log("info", "running %s, control socket %s", d->conf, sock);
		r = itm_live_run(&d->live);
		/* held packets too leave before the backend lets go of all:
		 * those settled, then what the modules give back as they go
		 * (a module without settle, in its fini) */
		itm_live_lock(&d->live);
		itm_engine_settle(d->live.e, itm_live_now(), true);
		while (d->live.e->mods)
			itm_engine_mod_del(d->live.e, d->live.e->mods->label, &err);
		itm_live_unlock(&d->live);
	} else {
		itm_live_log("error", "%s", err.msg);
	}
	itm_fs_close(d->fs);	/* unmounted first: no request may wait on us */
	if (opened)
		d->live.backend->ops->close(d->live.backend);
	itm_ctl_close(&d->ctl);
	itm_modsock_close(&d->ms);
	itm_backend_destroy(d->live.backend);
	itm_engine_destroy(d->live.e);
	itm_live_fini(&d->live);
	itm_live_log("info", "stopped");
	return r < 0 ? 1 : 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: itmd -c CONF [-S SOCKET] [-m DIR] [-M MODSOCKET]\n"
		"  runs CONF's pipeline on live traffic (a `backend` line says how);\n"
		"  -m DIR mounts the file system of VIFs and modules on DIR;\n"
		"  SIGHUP reloads, SIGUSR1 logs statistics, SIGTERM/SIGINT stop.\n"
		"  -M MODSOCKET listens for libitm module processes (theirs: %s);\n"
		"  control socket: %s unless -S\n",
		ITM_MODULE_SOCKET_DEFAULT, ITM_CTL_DEFAULT_PATH);
}

int main(int argc, char **argv)
{
	struct itmd d = { .sigfd = -1, .ctl = { .fd = -1 },
			  .ms = { .fd = -1, .wake_fd = -1 } };
	const char *sock = ITM_CTL_DEFAULT_PATH;
	const char *modsock = NULL;	/* module processes: only with -M */
	int c;

	while ((c = getopt(argc, argv, "c:S:m:M:h")) != -1) {
		switch (c) {
		case 'c': d.conf = optarg; break;
		case 'm': d.mount = optarg; break;
		case 'S': sock = optarg; break;
		case 'M': modsock = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!d.conf || optind != argc) {
		usage(stderr);
		return 2;
	}
	setvbuf(stderr, NULL, _IOLBF, 0);
	return run(&d, sock, modsock);
}
