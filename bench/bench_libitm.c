// SPDX-License-Identifier: GPL-2.0-only
/*
 * The cost of the process boundary: packets per second through the
 * engine's forward path with one pass-through module (classify returns 0,
 * so the packet goes on unchanged), measured
 *   none          no module: the path itself
 *   in-process    the module in the engine's chain
 *   libitm meta   the same module in its own process, metadata mode, the
 *                 proxy waiting for each verdict
 *   libitm observe  metadata mode without verdicts: the proxy never waits;
 *                 what the process cannot take passes unseen (counted)
 * The packets are UDP over IPv4, parsed once. They go in bursts of BURST,
 * as a backend reads them: each burst is forwarded (a remote module holds
 * its packets), settled (the verdicts come back and the chains resume) and
 * taken off the root FIFO again. The module process is forked from here
 * and registers through libitm like any other.
 *
 *   bench_libitm [--quick]
 */
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "itm/cmd.h"
#include "itm/libitm.h"
#include "itm/remote.h"

#define PKT_LEN 60
#define BURST 32

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void build(uint8_t *d, struct itm_pkt *p)
{
	static const uint8_t hdr[] = {
		0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6, 0x08, 0x00,
		0x45, 0, 0, 46, 0, 0, 0, 0, 64, 17, 0, 0,
		192, 0, 2, 1, 192, 0, 2, 2,
		0x03, 0xe8, 0x00, 0x35, 0, 26, 0, 0,
	};

	memset(d, 0, PKT_LEN);
	memcpy(d, hdr, sizeof(hdr));
	memset(p, 0, sizeof(*p));
	p->data = d;
	p->caplen = p->wirelen = PKT_LEN;
	p->link = ITM_LINK_ETHERNET;
	itm_pkt_parse(p);
}

static uint32_t pass_classify(struct itm_mod *m, struct itm_pkt *p)
{
	return 0;
}

static const struct itm_mod_ops pass_ops = {
	.id = "pass", .classify = pass_classify,
};

static uint32_t child_classify(struct libitm_pkt *p)
{
	return 0;
}

static void child_main(uint8_t mode)
{
	struct libitm_info info = { .label = "pass",
				    .classify = child_classify };

	libitm_init_interest(&info);
	if (libitm_init(0, mode) < 0 ||
	    libitm_register(LIBITM_FORWARD, &info) < 0)
		_exit(2);
	libitm_run();
	_exit(0);
}

/* Forward n packets in bursts; returns packets per second. */
static double run(struct itm_engine *e, uint64_t n)
{
	static uint8_t d[BURST][PKT_LEN];
	static struct itm_pkt p[BURST];
	uint64_t i, t0;
	unsigned j;

	for (j = 0; j < BURST; j++)
		build(d[j], &p[j]);
	t0 = now_ns();
	for (i = 0; i < n; i += BURST) {
		for (j = 0; j < BURST; j++)
			itm_engine_forward(e, &p[j], 0);
		itm_engine_settle(e, 0, true);
		for (j = 0; j < BURST; j++) {
			if (itm_qdisc_dequeue(e->root, 0) != &p[j]) {
				fprintf(stderr, "bench_libitm: a packet did not come out\n");
				exit(1);
			}
		}
	}
	return (double)i * 1e9 / (double)(now_ns() - t0);
}

static struct itm_engine *engine(void)
{
	struct itm_engine *e;
	struct itm_err err;
	char msg[256];

	if (itm_config_load_buf("bench", "", 0, &e, msg, sizeof(msg)) < 0 ||
	    itm_engine_start(e, 0, &err) < 0) {
		fprintf(stderr, "bench_libitm: engine: %s\n", msg);
		exit(1);
	}
	return e;
}

/* How many packets crossed, and how many passed unseen (ring full). */
static void crossed(struct itm_engine *e, uint64_t *sent, uint64_t *full)
{
	char buf[4096] = "", *at;
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");

	*sent = *full = 0;
	if (!f)
		return;
	itm_engine_print_modules(e, f, false);
	fclose(f);
	at = strstr(buf, " sent ");
	if (at)
		sscanf(at, " sent %" SCNu64, sent);
	at = strstr(buf, " ring_full ");
	if (at)
		sscanf(at, " ring_full %" SCNu64, full);
}

static double remote(uint8_t mode, uint64_t n, uint64_t *sent, uint64_t *full)
{
	struct itm_modsock ms;
	struct itm_engine *e = engine();
	char dir[] = "/tmp/itm-bench-XXXXXX", path[64];
	struct pollfd pf;
	struct itm_err err;
	struct itm_mod *m;
	pid_t pid;
	double pps;

	if (!mkdtemp(dir))
		exit(1);
	snprintf(path, sizeof(path), "%s/m.sock", dir);
	if (itm_modsock_open(&ms, path, &err) < 0) {
		fprintf(stderr, "bench_libitm: %s\n", err.msg);
		exit(1);
	}
	setenv("ITM_MODULE_SOCKET", path, 1);
	pid = fork();
	if (pid == 0)
		child_main(mode);
	pf = (struct pollfd){ .fd = ms.fd, .events = POLLIN };
	if (poll(&pf, 1, 10000) != 1 ||
	    itm_modsock_accept(&ms, e, &m, &err) < 0) {
		fprintf(stderr, "bench_libitm: no registration: %s\n", err.msg);
		exit(1);
	}
	itm_engine_param_set(e, "pass.deadline", "10s", &err);
	run(e, n / 10);		/* warm-up: both sides spinning */
	pps = run(e, n);
	crossed(e, sent, full);
	if (itm_remote_gone(m))
		fprintf(stderr, "bench_libitm: the module failed during the run\n");
	itm_engine_destroy(e);		/* closes the registration */
	waitpid(pid, NULL, 0);
	itm_modsock_close(&ms);
	rmdir(dir);
	return pps;
}

int main(int argc, char **argv)
{
	int quick = argc > 1 && !strcmp(argv[1], "--quick");
	uint64_t n = quick ? 200000 : 2000000;
	struct itm_engine *e = engine();
	struct itm_err err;
	double base, inproc, pps;
	uint64_t sent, full;

	signal(SIGPIPE, SIG_IGN);
	base = run(e, n);
	itm_engine_mod_register(e, &pass_ops, "pass", ITM_HOOK_FORWARD, 0, 0,
				NULL, &err);
	inproc = run(e, n);
	itm_engine_destroy(e);
	printf("pass-through module, %llu UDP packets in bursts of %d, "
	       "forward path + FIFO\n", (unsigned long long)n, BURST);
	printf("  %-16s %8.2f Mpps\n", "none", base / 1e6);
	printf("  %-16s %8.2f Mpps\n", "in-process", inproc / 1e6);
	pps = remote(LIBITM_META, n, &sent, &full);
	printf("  %-16s %8.2f Mpps\n", "libitm meta", pps / 1e6);
	pps = remote(LIBITM_OBSERVE, n, &sent, &full);
	/* observe never waits: what the process could not take passed unseen */
	printf("  %-16s %8.2f Mpps  (%.2f Mpps of them seen by the process, "
	       "the rest passed: ring full)\n", "libitm observe", pps / 1e6,
	       pps / 1e6 * (double)sent / (double)(sent + full ? sent + full : 1));
	return 0;
}
