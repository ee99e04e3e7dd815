// SPDX-License-Identifier: GPL-2.0-only
/*
 * The replay loop is a two-event simulation: the next arrival from the file
 * and the next moment the link is free. An arrival is processed first when
 * both fall at the same instant, as a packet arriving to an idle link may
 * leave at once. A packet's departure time is when its last bit has left:
 * start of transmission plus (bytes + overhead) * 8 / rate. A shaping
 * discipline may hold packets back: then the next try is at the time it
 * named (the root's wake_ns), or at the next arrival, whichever is first.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "itm/pcapio.h"
#include "itm/qtree.h"
#include "itm/replay.h"
#include "itm/units.h"

struct replay {
	struct itm_engine *e;
	struct itm_pcap_out out;
	bool writing;
	uint64_t now;		/* engine time, never decreasing */
	uint64_t link_free;	/* when the link can start the next packet */
	uint64_t throttled;	/* the root holds packets back until then */
	struct itm_replay_stats *st;
	FILE *progress;		/* a terminal to show progress on, or NULL */
	uint64_t shown_ns;	/* when progress was last shown (or began) */
	bool shown;
	uint64_t in_size;	/* the trace's bytes, 0 if unknown (a pipe) */
};

#define REPLAY_PROGRESS_EVERY 4096	/* packets between looks at the clock */

static uint64_t wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * ITM_NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

static void progress_start(struct replay *r, struct itm_pcap_in *in)
{
	FILE *f = pcap_file(in->pc);
	struct stat sb;

	r->shown_ns = wall_ns();
	if (f && fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode))
		r->in_size = (uint64_t)sb.st_size;
}

/* Once a second: packets read so far and how far into the trace. */
static void progress_show(struct replay *r, struct itm_pcap_in *in)
{
	FILE *f = pcap_file(in->pc);
	uint64_t now = wall_ns();
	off_t at;

	if (now - r->shown_ns < ITM_NSEC_PER_SEC)
		return;
	r->shown_ns = now;
	r->shown = true;
	fprintf(r->progress, "\ritm replay: %" PRIu64 " packets", r->st->in_pkts);
	at = f ? ftello(f) : -1;
	if (r->in_size && at >= 0)
		fprintf(r->progress, ", %.0f %% of %s",
			100.0 * (double)at / (double)r->in_size, in->path);
	fflush(r->progress);
}

static void replay_free(void *ctx, struct itm_pkt *p)
{
	itm_pkt_free(p);
}

/* In 128 bits: a wire length near 2^32 times 8e9 does not fit in 64. */
static uint64_t tx_time_ns(const struct itm_engine *e, const struct itm_pkt *p)
{
	unsigned __int128 bits = ((unsigned __int128)itm_pkt_len(p) +
				  e->link_overhead) * 8;

	if (!e->link_rate_bps)
		return 0;
	return (uint64_t)((bits * ITM_NSEC_PER_SEC + e->link_rate_bps - 1) /
			  e->link_rate_bps);
}

static void replay_depart(struct replay *r, struct itm_pkt *p)
{
	uint64_t start = r->now > r->link_free ? r->now : r->link_free;
	uint64_t done = start + tx_time_ns(r->e, p);
	uint64_t delay = done - p->ts_ns;

	r->link_free = done;
	r->st->out_pkts++;
	r->st->out_bytes += itm_pkt_len(p);
	r->st->last_ns = done;
	r->st->delay_sum_ns += delay;
	if (delay > r->st->delay_max_ns)
		r->st->delay_max_ns = delay;
	if (r->writing)
		itm_pcap_write(&r->out, p, done);
	itm_pkt_free(p);
}

/* Send what the link can send before `until` (UINT64_MAX: drain). */
static void replay_drain(struct replay *r, uint64_t until)
{
	struct itm_qdisc *root = r->e->root;

	while (root->stats.qlen) {
		uint64_t t = r->link_free > r->throttled ? r->link_free : r->throttled;
		struct itm_pkt *p;

		if (t >= until && until != UINT64_MAX)
			break;
		if (t > r->now)
			r->now = t;
		itm_engine_timers(r->e, r->now);
		p = itm_qdisc_dequeue(root, r->now);
		if (p) {
			r->throttled = 0;
			replay_depart(r, p);
			itm_qdisc_dequeued(root, r->now);
		} else if (root->wake_ns > r->now && root->wake_ns != UINT64_MAX) {
			r->throttled = root->wake_ns;
		} else {
			break;	/* nothing will ever come out: leave it queued */
		}
	}
}

static void replay_arrive(struct replay *r, struct itm_pkt *p)
{
	/* capture files may step back in time; the engine's clock may not */
	if (p->ts_ns > r->now)
		r->now = p->ts_ns;
	p->ts_ns = r->now;
	if (!r->st->in_pkts)
		r->st->first_ns = r->now;
	p->seq = r->st->in_pkts++;
	r->st->in_bytes += itm_pkt_len(p);
	if (!itm_l3_has(&p->v.outer, ITM_HAVE_IP))
		r->st->unparsed++;
	itm_engine_timers(r->e, r->now);
	itm_engine_forward(r->e, p, r->now);
	/* a module in its own process holds the packet: the output must not
	 * depend on how fast it answers, so wait for it here */
	itm_engine_settle(r->e, r->now, true);
	r->throttled = 0;	/* the new packet may be sendable at once */
}

/* The output would truncate the trace while it is read (tcpdump -r x -w x). */
static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int itm_replay_run(struct itm_engine *e, const char *in_path,
		   const char *out_path, FILE *progress,
		   struct itm_replay_stats *st, char *msg, size_t len)
{
	struct replay r = { .e = e, .st = st, .progress = progress };
	struct itm_pcap_in in;
	struct itm_err err;
	struct itm_pkt *p;
	int ret;

	memset(st, 0, sizeof(*st));
	ret = itm_pcap_open(&in, in_path, msg, len);
	if (ret < 0)
		return ret;
	if (!in.known) {
		const char *name = pcap_datalink_val_to_name(in.dlt);

		snprintf(msg, len, "%s: link type %d%s%s%s is not supported (Ethernet, raw IP, Linux cooked, BSD loopback)",
			 in_path, in.dlt, name ? " (" : "", name ? name : "",
			 name ? ")" : "");
		itm_pcap_close(&in);
		return -ENOTSUP;
	}
	if (out_path && same_file(in_path, out_path)) {
		snprintf(msg, len, "%s: the output is the input %s", out_path,
			 in_path);
		ret = -EINVAL;
		goto out_close;
	}
	if (out_path) {
		ret = itm_pcap_create(&r.out, out_path, in.dlt, msg, len);
		if (ret < 0)
			goto out_close;
		r.writing = true;
	}
	itm_engine_set_free(e, replay_free, &r);
	e->seeded = true;	/* same input, same output: no random keys */
	ret = itm_engine_start(e, 0, &err);
	if (ret < 0) {
		snprintf(msg, len, "%s", err.msg);
		goto out_finish;
	}
	if (progress)
		progress_start(&r, &in);
	while ((ret = itm_pcap_next(&in, &p, msg, len)) == 1) {
		replay_drain(&r, p->ts_ns > r.now ? p->ts_ns : r.now);
		replay_arrive(&r, p);
		if (progress && in.count % REPLAY_PROGRESS_EVERY == 0)
			progress_show(&r, &in);
	}
	replay_drain(&r, UINT64_MAX);	/* after an error too: nothing lost */
	if (r.shown)
		fputs("\r\033[K", progress);	/* the line the results replace */
out_finish:
	if (r.writing) {
		int w = itm_pcap_finish(&r.out, ret < 0 ? NULL : msg,
					ret < 0 ? 0 : len);

		if (ret >= 0)
			ret = w;
	}
out_close:
	itm_pcap_close(&in);
	return ret < 0 ? ret : 0;
}

static void print_drops_json(FILE *f, const struct itm_engine *e)
{
	int c;

	fputc('{', f);
	for (c = 0; c < ITM_DROP_CAUSE_MAX; c++)
		fprintf(f, "%s\"%s\":%" PRIu64, c ? "," : "",
			itm_drop_cause_name((enum itm_drop_cause)c), e->drops[c]);
	fputc('}', f);
}

static void print_flows_json(FILE *f, struct itm_flowtab *t)
{
	struct itm_flowtab_stats s;

	itm_flowtab_stats(t, &s);
	fprintf(f, "{\"count\":%" PRIu32 ",\"limit\":%" PRIu32
		",\"inserts\":%" PRIu64 ",\"evictions\":%" PRIu64
		",\"expirations\":%" PRIu64 "}", s.count, s.max_flows,
		s.inserts, s.evictions, s.expirations);
}

static void replay_print_json(FILE *f, struct itm_engine *e,
			      const struct itm_replay_stats *st)
{
	fprintf(f, "{\"in\":{\"packets\":%" PRIu64 ",\"bytes\":%" PRIu64
		",\"unparsed\":%" PRIu64 "},\"out\":{\"packets\":%" PRIu64
		",\"bytes\":%" PRIu64 "},\"link\":{\"rate\":%" PRIu64
		",\"overhead\":%" PRIu32 "},\"delay\":{\"mean_ns\":%" PRIu64
		",\"max_ns\":%" PRIu64 "},\"checksums_fixed\":%" PRIu64
		",\"taken\":%" PRIu64 ",\"drops\":", st->in_pkts, st->in_bytes,
		st->unparsed, st->out_pkts, st->out_bytes, e->link_rate_bps,
		e->link_overhead,
		st->out_pkts ? st->delay_sum_ns / st->out_pkts : 0,
		st->delay_max_ns, e->csum_fixed, e->taken);
	print_drops_json(f, e);
	fputs(",\"qdisc\":", f);
	itm_qtree_print(e->root, f, true, true);
	fputs(",\"modules\":", f);
	itm_engine_print_modules(e, f, true);
	if (e->flows) {
		fputs(",\"flows\":", f);
		print_flows_json(f, e->flows);
	}
	fputs("}\n", f);
}

void itm_replay_print(FILE *f, struct itm_engine *e,
		      const struct itm_replay_stats *st, bool json)
{
	char rate[32], t1[32], t2[32], t3[32];
	uint64_t total = 0;
	int c;

	if (json) {
		replay_print_json(f, e, st);
		return;
	}
	for (c = 0; c < ITM_DROP_CAUSE_MAX; c++)
		total += e->drops[c];
	fprintf(f, "replay: in %" PRIu64 " pkt %" PRIu64 " bytes, out %" PRIu64
		" pkt %" PRIu64 " bytes, dropped %" PRIu64 " (", st->in_pkts,
		st->in_bytes, st->out_pkts, st->out_bytes, total);
	for (c = 0; c < ITM_DROP_CAUSE_MAX; c++)
		fprintf(f, "%s%s %" PRIu64, c ? ", " : "",
			itm_drop_cause_name((enum itm_drop_cause)c), e->drops[c]);
	fputc(')', f);
	if (e->taken)	/* carried away by a module (ITM_TAKEN): not drops */
		fprintf(f, ", taken %" PRIu64, e->taken);
	fprintf(f, "\n link %s overhead %" PRIu32 "b, trace time %s,"
		" delay mean %s max %s, checksums fixed %" PRIu64 "\n",
		e->link_rate_bps ? itm_fmt_rate(rate, sizeof(rate), e->link_rate_bps)
				 : "unlimited",
		e->link_overhead,
		itm_fmt_time(t1, sizeof(t1), st->last_ns > st->first_ns ?
			     st->last_ns - st->first_ns : 0),
		itm_fmt_time(t2, sizeof(t2), st->out_pkts ?
			     st->delay_sum_ns / st->out_pkts : 0),
		itm_fmt_time(t3, sizeof(t3), st->delay_max_ns), e->csum_fixed);
	if (st->unparsed)
		fprintf(f, " %" PRIu64 " packets had no readable IP header\n",
			st->unparsed);
	itm_qtree_print(e->root, f, true, false);
	itm_engine_print_modules(e, f, false);
	if (e->flows) {
		struct itm_flowtab_stats s;

		itm_flowtab_stats(e->flows, &s);
		fprintf(f, "flows %" PRIu32 " of %" PRIu32 " inserts %" PRIu64
			" evictions %" PRIu64 " expirations %" PRIu64 "\n",
			s.count, s.max_flows, s.inserts, s.evictions,
			s.expirations);
	}
}
