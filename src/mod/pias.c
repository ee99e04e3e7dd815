// SPDX-License-Identifier: GPL-2.0-only
/*
 * pias: PIAS packet tagging (Practical Information-Agnostic flow
 * Scheduling), after HKUST-SING's pias4 kernel module, with its known
 * defects fixed.
 *
 * Each TCP flow (one direction, by the packet's 5-tuple) counts the bytes it
 * has sent by sequence-number advance: a segment adds its payload only when
 * its last byte is newer than any sent before (RFC 1982 serial arithmetic,
 * so the 32-bit wrap is exact), so retransmissions add nothing. A packet of
 * a flow that has sent at most prio_thresh_i bytes gets prio_dscp_i for the
 * first such i; above all thresholds it gets the last priority's DSCP. The
 * DSCP is rewritten keeping the ECN bits (`ect` also sets ECT(0) on
 * not-ECT packets, as pias4 did for its switch); -1 leaves a priority's
 * packets unmarked. IPv4 and IPv6.
 *
 * A flow is created by a SYN and removed by FIN or RST, and, unlike pias4,
 * also by the shared table's idle expiry, so the table cannot leak. A data
 * segment of a flow not in the table (never seen opening, or expired after
 * a pause) starts an entry counted from it, so it is demoted again like a
 * new message (pias4 kept such a flow on top to its end); its pure ACKs,
 * FIN and RST get the highest priority, as in pias4.
 *
 * ACKs travelling the other way advance the flow's last ACK: on a router
 * they cross the same hook; an end host sees them arrive, so pias runs
 * there at post-routing,local-in, where arriving packets (pre-routing,
 * local-in) only advance ACKs, never create flows or get a mark. With
 * `enable_aging`, a retransmission sent rto_min or more after the flow's
 * previous packet while data is unacknowledged counts as a timeout;
 * timeout_thresh consecutive timeouts (each within timeout_seq_gap bytes of
 * the previous one: pias4 overwrote the previous sequence before comparing,
 * so every timeout counted as consecutive) send the flow back to the top.
 * With `message`, a persistent connection starts a new message when it sends
 * new data after idle_time with everything acknowledged (pias4 watched
 * tcp_sendmsg for "nothing unsent"; on the wire, "nothing unacknowledged" is
 * what can be seen), and the new message starts at the top again.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <inttypes.h>
#include <string.h>

#include "itm/mod.h"
#include "itm/units.h"
#include "itm/bytes.h"

#define PIAS_PRIO_MAX 8

struct pias {
	uint32_t prio_num;
	int32_t prio_dscp[PIAS_PRIO_MAX];
	uint64_t prio_thresh[PIAS_PRIO_MAX - 1];
	uint32_t port;
	char dev[ITM_ATTR_IFNAME_LEN];
	char dev_resolved[ITM_ATTR_IFNAME_LEN];	/* dev when dev_index was found */
	uint32_t dev_index;
	bool ect, enable_aging, message;
	uint64_t idle_time_ns, rto_min_ns;
	uint32_t timeout_thresh, timeout_seq_gap;
	uint64_t tagged, created, removed, timeouts, agings, messages;
};

struct pias_flow {
	uint64_t bytes_sent;
	uint64_t last_send_ns;
	uint32_t last_seq, last_ack, last_timeout_seq, syn_seq;
	uint32_t timeouts, messages;
	bool valid, have_ack, have_timeout, have_syn;
};

#define PIAS_DSCP(i, d) \
	{ .name = "prio_dscp_" #i, .type = ITM_ATTR_S32, \
	  .off = offsetof(struct pias, prio_dscp) + (i) * sizeof(int32_t), \
	  .min = (uint64_t)(int64_t)-1, .max = 63, .def = d, \
	  .flags = ITM_ATTR_WRITABLE, .unit = "dscp", \
	  .help = "DSCP of priority " #i " (-1: leave unmarked)" }
#define PIAS_THRESH(i, d) \
	{ .name = "prio_thresh_" #i, .type = ITM_ATTR_U64, \
	  .off = offsetof(struct pias, prio_thresh) + (i) * sizeof(uint64_t), \
	  .min = 0, .max = UINT64_MAX, .def = d, .flags = ITM_ATTR_WRITABLE, \
	  .unit = "bytes", .help = "demote past this many bytes sent" }
#define PIAS_ATTR(n, t, f, lo, hi, d, u, h) \
	{ .name = n, .type = t, .off = offsetof(struct pias, f), .min = lo, \
	  .max = hi, .def = d, .flags = ITM_ATTR_WRITABLE, .unit = u, .help = h }

/* Defaults: 8 priorities, DSCP 7..0, the web-search thresholds at 0.8 load
 * of pias4's 8-queue settings (in 1460-byte packets: 909 1329 1648 1960 2143
 * 2337 2484). pias4's shipped 2-queue setup: prio_num 2 prio_thresh_0
 * 102400 prio_dscp_0 0 prio_dscp_1 -1. */
static const struct itm_attr pias_attrs[] = {
	PIAS_ATTR("prio_num", ITM_ATTR_U32, prio_num, 1, PIAS_PRIO_MAX, 8,
		  "priorities", "how many priorities are used"),
	PIAS_DSCP(0, 7),
	PIAS_DSCP(1, 6),
	PIAS_DSCP(2, 5),
	PIAS_DSCP(3, 4),
	PIAS_DSCP(4, 3),
	PIAS_DSCP(5, 2),
	PIAS_DSCP(6, 1),
	PIAS_DSCP(7, 0),
	PIAS_THRESH(0, 1327140),
	PIAS_THRESH(1, 1940340),
	PIAS_THRESH(2, 2406080),
	PIAS_THRESH(3, 2861600),
	PIAS_THRESH(4, 3128780),
	PIAS_THRESH(5, 3412020),
	PIAS_THRESH(6, 3626640),
	PIAS_ATTR("port", ITM_ATTR_U32, port, 0, 65535, 0, "port",
		  "only flows with this source or destination port (0 = all)"),
	{ .name = "dev", .type = ITM_ATTR_IFNAME, .off = offsetof(struct pias, dev),
	  .flags = ITM_ATTR_WRITABLE,
	  .help = "only packets entering or leaving this interface (any = all)" },
	{ .name = "ect", .type = ITM_ATTR_BOOL, .off = offsetof(struct pias, ect),
	  .flags = ITM_ATTR_WRITABLE, .help = "set ECT(0) on not-ECT tagged packets" },
	{ .name = "enable_aging", .type = ITM_ATTR_BOOL,
	  .off = offsetof(struct pias, enable_aging), .def = 1,
	  .flags = ITM_ATTR_WRITABLE, .help = "timeouts send a flow back up" },
	{ .name = "message", .type = ITM_ATTR_BOOL,
	  .off = offsetof(struct pias, message), .def = 0,
	  .flags = ITM_ATTR_WRITABLE, .help = "detect messages on persistent connections" },
	PIAS_ATTR("idle_time", ITM_ATTR_TIME, idle_time_ns, 0,
		  UINT64_C(3600) * ITM_NSEC_PER_SEC, 500000, "time",
		  "gap that starts a new message"),
	PIAS_ATTR("rto_min", ITM_ATTR_TIME, rto_min_ns, 0,
		  UINT64_C(3600) * ITM_NSEC_PER_SEC, 9000000, "time",
		  "a retransmission this late is a timeout"),
	PIAS_ATTR("timeout_thresh", ITM_ATTR_U32, timeout_thresh, 1, 1000, 3,
		  "timeouts", "consecutive timeouts before aging"),
	PIAS_ATTR("timeout_seq_gap", ITM_ATTR_U32, timeout_seq_gap, 0,
		  UINT32_MAX, 4344, "bytes", "timeouts this close are consecutive"),
	ITM_ATTR_END,
};

/* a is after b in sequence space (RFC 1982) */
static bool seq_after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

/* TCP payload length from the length fields, so a short capture still
 * counts what was sent. */
static uint32_t tcp_payload(const struct itm_pkt *p, const struct itm_l3 *l3)
{
	const uint8_t *h = p->data + l3->off, *t = p->data + l3->l4_off;
	uint32_t ip_len, hdrs = (l3->l4_off - l3->off) + (uint32_t)(t[12] >> 4) * 4;

	if (l3->family == 4)
		ip_len = (uint32_t)(h[2] << 8 | h[3]);
	else
		ip_len = 40 + (uint32_t)(h[4] << 8 | h[5]);
	return ip_len > hdrs ? ip_len - hdrs : 0;
}

static unsigned pias_prio(const struct pias *pi, uint64_t bytes)
{
	unsigned i;

	for (i = 0; i + 1 < pi->prio_num; i++) {
		if (bytes <= pi->prio_thresh[i])
			return i;
	}
	return pi->prio_num - 1;
}

static struct pias_flow *pias_state(struct itm_mod *m,
				    const struct itm_flow_key *k, uint64_t now,
				    bool create)
{
	struct itm_flowtab *t = itm_mod_flowtab(m);
	struct itm_flow *f = create ? itm_flowtab_get(t, k, now, NULL)
				    : itm_flowtab_lookup(t, k, now);

	return f ? itm_mod_flow_state(m, f) : NULL;
}

/* The other direction's ACK tells what our flow has had acknowledged. */
static void pias_note_ack(struct itm_mod *m, const struct itm_pkt *p,
			  const struct itm_flow_key *k)
{
	const struct itm_l3 *l3 = &p->v.outer;
	struct itm_flow_key rk = *k;
	struct pias_flow *r;
	uint32_t ack;

	if (!(l3->tcp_flags & ITM_TCP_ACK))
		return;
	itm_flow_key_reverse(&rk);
	r = pias_state(m, &rk, p->ts_ns, false);
	if (!r || !r->valid)
		return;
	ack = itm_get32(p->data + l3->l4_off + 8);
	if (!r->have_ack || seq_after(ack, r->last_ack)) {
		r->last_ack = ack;
		r->have_ack = true;
	}
}

static void pias_timeout(struct pias *pi, struct pias_flow *f, uint32_t seq)
{
	/* |seq - last| <= gap, in sequence space */
	uint32_t diff = seq - f->last_timeout_seq;
	bool near = f->have_timeout &&
		    (diff <= pi->timeout_seq_gap || -diff <= pi->timeout_seq_gap);

	pi->timeouts++;
	f->timeouts = near ? f->timeouts + 1 : 1;
	f->last_timeout_seq = seq;	/* after the gap test: pias4's bug */
	f->have_timeout = true;
	if (f->timeouts >= pi->timeout_thresh) {
		f->timeouts = 0;
		if (pi->enable_aging) {
			f->bytes_sent = 0;
			pi->agings++;
		}
	}
}

/* Account for one outgoing segment of a known flow. */
static void pias_account(struct pias *pi, struct pias_flow *f,
			 const struct itm_pkt *p, uint32_t seq, uint32_t len)
{
	uint32_t end = seq + len - 1;
	/* everything sent is acknowledged: the ACK is one past last_seq */
	bool idle_acked = f->have_ack && !seq_after(f->last_seq, f->last_ack - 1);

	if (len && seq_after(end, f->last_seq)) {
		if (pi->message && idle_acked &&
		    p->ts_ns - f->last_send_ns > pi->idle_time_ns) {
			f->bytes_sent = 0;
			f->messages++;
			pi->messages++;
		}
		f->bytes_sent += len;
		f->last_seq = end;
	} else if (len && f->have_ack && seq_after(f->last_seq, f->last_ack - 1) &&
		   p->ts_ns - f->last_send_ns >= pi->rto_min_ns) {
		pias_timeout(pi, f, seq);
	}
	f->last_send_ns = p->ts_ns;
}

/* The seed's filters: a device (in or out) and a port (source or
 * destination). A device is looked up when its name changes; one that does
 * not exist matches nothing, as do packets from a trace, which have none. */
static bool pias_filter_ok(struct pias *pi, const struct itm_pkt *p)
{
	const struct itm_l3 *l3 = &p->v.outer;

	if (pi->port && l3->sport != pi->port && l3->dport != pi->port)
		return false;
	if (!pi->dev[0])
		return true;
	if (strcmp(pi->dev, pi->dev_resolved)) {
		pi->dev_index = if_nametoindex(pi->dev);
		memcpy(pi->dev_resolved, pi->dev, sizeof(pi->dev));
	}
	return pi->dev_index && (p->iif == pi->dev_index || p->oif == pi->dev_index);
}

/* Whether a packet of a flow not in the table starts an entry: a SYN opens
 * one; a data segment without FIN or RST starts one counted from there, for
 * a flow the table forgot (idle expiry) or that began before us. pias4
 * gave such flows the highest priority to their end. */
static bool pias_starts(uint8_t fl, uint32_t len)
{
	return fl & ITM_TCP_SYN || (len && !(fl & (ITM_TCP_FIN | ITM_TCP_RST)));
}

static void pias_start(struct pias *pi, struct pias_flow *f,
		       const struct itm_pkt *p, uint32_t last_seq)
{
	memset(f, 0, sizeof(*f));
	f->valid = true;
	f->last_seq = last_seq;
	f->last_send_ns = p->ts_ns;
	pi->created++;
}

/* The class is the priority + 1: 0 means "not a PIAS packet". */
static uint32_t pias_classify(struct itm_mod *m, struct itm_pkt *p)
{
	struct pias *pi = itm_mod_priv(m);
	const struct itm_l3 *l3 = &p->v.outer;
	uint32_t seq, len;
	struct itm_flow_key k;
	struct pias_flow *f;
	uint64_t bytes = 0;
	uint8_t fl;

	if (!itm_l3_has(l3, ITM_HAVE_L4) || l3->proto != 6 ||
	    l3->flags & ITM_L3_FRAG || !pias_filter_ok(pi, p) ||
	    !itm_flow_key_from_l3(&k, l3))
		return 0;
	pias_note_ack(m, p, &k);
	if (p->hook == ITM_HOOK_PRE_ROUTING || p->hook == ITM_HOOK_LOCAL_IN)
		return 0;	/* arriving: it only acknowledges our flows */
	fl = l3->tcp_flags;
	seq = itm_get32(p->data + l3->l4_off + 4);
	len = tcp_payload(p, l3);
	f = pias_state(m, &k, p->ts_ns, pias_starts(fl, len));
	if (f && fl & ITM_TCP_SYN && !(f->valid && f->have_syn && f->syn_seq == seq)) {
		pias_start(pi, f, p, seq);	/* the SYN takes one number */
		f->have_syn = true;
		f->syn_seq = seq;
		return 1;
	}
	if (f && !f->valid && pias_starts(fl, len))
		pias_start(pi, f, p, seq - 1);	/* counted from this segment */
	if (!f || !f->valid)
		return 1;		/* unknown flow: highest priority */
	pias_account(pi, f, p, seq, len);
	bytes = f->bytes_sent;
	if (fl & (ITM_TCP_FIN | ITM_TCP_RST)) {
		f->valid = false;
		pi->removed++;
	}
	return pias_prio(pi, bytes) + 1;
}

static enum itm_verdict pias_process(struct itm_mod *m, struct itm_pkt *p,
				     uint32_t cls)
{
	struct pias *pi = itm_mod_priv(m);
	int32_t dscp = pi->prio_dscp[cls - 1];
	uint8_t ecn = itm_l3_ecn(&p->v.outer), tos;

	if (dscp < 0)
		return ITM_ACCEPT;
	if (pi->ect && ecn == 0)
		ecn = 2;		/* ECT(0) */
	tos = (uint8_t)(dscp << 2 | ecn);
	pi->tagged++;
	if (tos == p->v.outer.tos)
		return ITM_ACCEPT;
	itm_l3_set_tos(p, &p->v.outer, tos);
	return ITM_MODIFIED;
}

struct pias_print {
	struct itm_mod *m;
	FILE *out;
	bool json;
	uint32_t n;
};

static int pias_print_flow(struct itm_flow *fl, void *arg)
{
	struct pias_print *pp = arg;
	const struct pias_flow *f = itm_mod_flow_state(pp->m, fl);
	const struct itm_flow_key *k = &fl->key;
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	int af = k->family == 4 ? AF_INET : AF_INET6;

	if (!f->valid)
		return 0;
	inet_ntop(af, k->src, s, sizeof(s));
	inet_ntop(af, k->dst, d, sizeof(d));
	if (pp->json)
		fprintf(pp->out, "%s{\"src\":\"%s\",\"sport\":%u,\"dst\":\"%s\","
			"\"dport\":%u,\"bytes_sent\":%" PRIu64 ",\"seq\":%u,"
			"\"ack\":%u,\"messages\":%u}", pp->n ? "," : "", s,
			k->sport, d, k->dport, f->bytes_sent, f->last_seq,
			f->last_ack, f->messages);
	else
		fprintf(pp->out, "PIAS: flowlist %u\nPIAS: flow record from "
			"%s:%u to %s:%u, bytes_sent=%" PRIu64 ", seq=%u, ACK=%u\n",
			pp->n, s, k->sport, d, k->dport, f->bytes_sent,
			f->last_seq, f->last_ack);
	pp->n++;
	return 0;
}

static int pias_clear_flow(struct itm_flow *fl, void *arg)
{
	struct pias_flow *f = itm_mod_flow_state(arg, fl);

	f->valid = false;
	return 0;
}

/* The seed's table operations: print (in its log format) and clear. */
static int pias_ctl(struct itm_mod *m, const char *op, FILE *out, bool json,
		    struct itm_err *err)
{
	struct pias_print pp = { .m = m, .out = out, .json = json };
	struct itm_flowtab *t = itm_mod_flowtab(m);

	if (!strcmp(op, "clear")) {
		if (t)
			itm_flowtab_foreach(t, pias_clear_flow, m);
		return 0;
	}
	if (strcmp(op, "print"))
		return itm_err_tok(err, op, EINVAL,
				   "pias: unrecognized flow table operation (print, clear)");
	if (!out)
		return 0;
	fputs(json ? "{\"flows\":[" : "PIAS: current flow table\n", out);
	if (t)
		itm_flowtab_foreach(t, pias_print_flow, &pp);
	if (json)
		fprintf(out, "],\"total\":%u}\n", pp.n);
	else
		fprintf(out, "PIAS: there are %u flows in total\n", pp.n);
	return 0;
}

static void pias_dump(struct itm_mod *m, FILE *f, bool json)
{
	const struct pias *pi = itm_mod_priv(m);

	fprintf(f, json ? "{\"tagged\":%" PRIu64 ",\"created\":%" PRIu64
		",\"removed\":%" PRIu64 ",\"timeouts\":%" PRIu64 ",\"agings\":%"
		PRIu64 ",\"messages\":%" PRIu64 "}" :
		"  tagged %" PRIu64 " created %" PRIu64 " removed %" PRIu64
		" timeouts %" PRIu64 " agings %" PRIu64 " messages %" PRIu64 "\n",
		pi->tagged, pi->created, pi->removed, pi->timeouts, pi->agings,
		pi->messages);
}

const struct itm_mod_ops itm_mod_pias = {
	.id = "pias",
	.help = "PIAS: DSCP by bytes sent, demoted at each threshold",
	.priv_size = sizeof(struct pias),
	.flow_state_size = sizeof(struct pias_flow),
	.attrs = pias_attrs,
	.default_hook = ITM_HOOK_POST_ROUTING,
	.classify = pias_classify,
	.process = pias_process,
	.ctl = pias_ctl,
	.ctl_file = "table",
	.dump = pias_dump,
};
