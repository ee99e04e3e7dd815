// SPDX-License-Identifier: GPL-2.0-only
/*
 * The NFQUEUE backend: netfilter hands itmd the packets its rules select
 * (nfq_rules.c), itmd answers each with a verdict. A packet queued at a
 * hook runs that hook's module chain; at post-routing it then enters the
 * root discipline and its verdict (accept, with the rewritten bytes if a
 * module changed them) is sent when the discipline lets it leave, so a
 * shaper or an AQM works on the kernel's own queue of held packets.
 *
 * Transport: libmnl and libnetfilter_queue's message helpers. The queue is
 * configured to copy whole packets, to hand over GSO packets unsegmented,
 * and to fail open when it is full; the rules use --queue-bypass, so with
 * no itmd traffic flows unmanaged. Datagrams are read in bursts with
 * recvmmsg and the verdicts of a burst go out together in one sendmsg,
 * after the engine's lock is released (nfq_out.c).
 *
 * `queues N` binds N consecutive queues and spreads packets over them
 * (nfq_rules.c: by flow, CPU or output device), each read by its own
 * thread: the kernel's work for an accepted packet (forwarding it, and on
 * a local path the receiver's TCP) runs inside the sendmsg of its verdict,
 * so it runs on as many CPUs as there are busy queues. The engine itself
 * runs under one lock (itm_live_lock); a packet's verdict goes out by its
 * own queue's socket whichever thread decides it. With one queue (the
 * default) itmd's loop reads it and there is no thread.
 * Queue setup is nfq_link.c's, the rules nfq_rules.c's, reading nfq_in.c's.
 *
 * At close every held packet is accepted, never dropped: the engine's
 * queue is flushed through a release path, then the rules and the queue
 * binding are removed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "itm/live.h"
#include "itm/qtree.h"
#include "nfq.h"

const char *const nfq_spread_names[] = { "flow", "cpu", "dev", NULL };

static const struct itm_attr nq_attrs[] = {
	{ .name = "dev", .type = ITM_ATTR_IFNAME, .off = offsetof(struct nq, dev),
	  .help = "only packets through this interface; any = all" },
	{ .name = "port", .type = ITM_ATTR_U32, .off = offsetof(struct nq, port),
	  .max = 65535, .help = "only TCP/UDP with this source or destination port; 0 = all" },
	{ .name = "queue", .type = ITM_ATTR_U32, .off = offsetof(struct nq, queue),
	  .max = 65535, .help = "(first) NFQUEUE number; 0 = the first free from 1000" },
	{ .name = "queues", .type = ITM_ATTR_U32, .off = offsetof(struct nq, nqueues),
	  .min = 1, .max = NQ_QUEUES_MAX, .def = 1,
	  .help = "queues, each read by its own thread (1: read by itmd's loop)" },
	{ .name = "spread", .type = ITM_ATTR_ENUM, .off = offsetof(struct nq, spread),
	  .names = nfq_spread_names, .def = NFQ_SPREAD_FLOW,
	  .help = "how packets spread over the queues: flow (hash of the addresses, "
		  "both directions together), cpu (the CPU that queues them), "
		  "dev (the device they leave by)" },
	{ .name = "maxlen", .type = ITM_ATTR_U32, .off = offsetof(struct nq, maxlen),
	  .min = 16, .max = 1u << 20, .def = 4096,
	  .help = "packets the kernel holds for us, per queue, before failing open" },
	ITM_ATTR_END,
};

static int nq_parse(void *priv, int argc, char **argv, struct itm_err *err)
{
	int n;

	itm_attr_defaults(nq_attrs, priv);
	n = itm_attr_parse_args(nq_attrs, priv, argc, argv, true, err);
	if (n >= 0 && n < argc)
		return itm_err_tok(err, argv[n], EINVAL,
				   "backend nfqueue: what is \"%s\"?", argv[n]);
	return n < 0 ? n : 0;
}

/* ---- verdicts ---- */

/* A batch verdict may cover every lower id of a queue only while the engine
 * holds none of its packets (none in the discipline, none with a module).
 * Called under the engine's lock. */
static bool nq_may_batch(const struct nq *q)
{
	const struct itm_engine *e = q->live->e;

	return !e->root->stats.qlen && !e->held;
}

/* Under the engine's lock: the verdicts decided are put out. */
void nfq_pending(struct nq *q)
{
	bool may_batch = nq_may_batch(q);
	uint32_t i;

	for (i = 0; i < q->nqueues; i++)
		nfq_out_pending(&q->qs[i].out, may_batch);
}

/* The backend's flush: with the engine's lock released, send. */
static void nq_flush(struct itm_backend *b)
{
	struct nq *q = itm_backend_priv(b);
	uint32_t i;

	for (i = 0; i < q->nqueues; i++) {
		if (q->qs[i].out_ready)
			nfq_out_send(&q->qs[i].out);
	}
}

void nfq_verdict(struct nq *q, struct nq_pkt *np, int verdict)
{
	struct nfq_out *out = &q->qs[np->qi].out;
	bool modified = np->p.flags & ITM_PKT_MODIFIED;

	if (modified && np->p.caplen < np->p.wirelen) {
		/* copied before a run-time change asked for whole packets:
		 * its headers alone would cut it, so it leaves unchanged */
		q->unsent++;
		modified = false;
	}
	if (verdict == NF_ACCEPT) {
		q->accepted++;
		q->modified += modified;
	} else if (np->p.flags & ITM_PKT_TAKEN) {
		q->taken++;
	} else {
		q->dropped++;
	}
	if (verdict == NF_ACCEPT && !modified)
		nfq_out_accept(out, np->id, nq_may_batch(q));
	else
		nfq_out_put(out, np->id, verdict,
			    verdict == NF_ACCEPT && modified ? &np->p : NULL,
			    nq_may_batch(q));
	free(np);
}

/* The engine's drop callback: a refused packet, or one being released. */
static void nq_engine_drop(void *ctx, struct itm_pkt *p)
{
	struct itm_backend *b = ctx;
	struct nq *q = itm_backend_priv(b);
	struct nq_pkt *np = (struct nq_pkt *)p;

	switch (q->release) {
	case NFQ_MOVE:
		itm_qdisc_enqueue(q->move_to->root, p, itm_live_now());
		break;
	case NFQ_ACCEPT:
		q->released++;
		nfq_verdict(q, np, NF_ACCEPT);
		break;
	default:
		nfq_verdict(q, np, NF_DROP);
	}
}

/* The engine's pass callback: a packet a module held at a hook (a module
 * process answered) goes on. */
static void nq_engine_pass(void *ctx, struct itm_pkt *p)
{
	nfq_verdict(itm_backend_priv(ctx), (struct nq_pkt *)p, NF_ACCEPT);
}

/* ---- open, kick, close ---- */

static void nq_close(struct itm_backend *b);

/* GSO packets come whole unless a discipline of the tree shapes (a 64 KB
 * packet would then leave in one burst and overflow a small queue as one
 * loss of 40 segments, where the kernel's segments queue one by one) or a
 * module lengthens packets (an outer header on 64 KB cannot leave). */
static void nq_set_gso(struct nq *q, bool whole)
{
	uint32_t i;
	int r;

	if (whole == q->gso_whole)
		return;
	for (i = 0, r = 0; i < q->nqueues && r == 0; i++)
		r = nfq_link_gso(&q->qs[i].link, whole);
	if (r < 0) {
		itm_live_log("error", "nfqueue: setting GSO handover: %s", strerror(-r));
		return;
	}
	q->gso_whole = whole;
	itm_live_log("info", "nfqueue: GSO packets %s", whole ? "handed over whole" :
		     "segmented by the kernel (a shaper in the tree, or a module that "
		     "lengthens packets)");
}

/* Whole packets only when something may rewrite them (a module, an ECN
 * marking discipline): a rewritten packet must go back whole, and copying
 * 64 KB GSO packets out of the kernel costs more than all the rest. */
static void nq_set_copy(struct nq *q, bool whole)
{
	uint32_t i;
	int r;

	if (whole == q->copy_whole)
		return;
	for (i = 0, r = 0; i < q->nqueues && r == 0; i++)
		r = nfq_link_copy(&q->qs[i].link, whole ? 0xffff : NFQ_HEADERS);
	if (r < 0) {
		itm_live_log("error", "nfqueue: setting the copy range: %s", strerror(-r));
		return;
	}
	q->copy_whole = whole;
	itm_live_log("info", "nfqueue: copying %s", whole ? "whole packets" :
		     "headers only (no module, no discipline rewrites packets)");
}

/* Some enabled module instance lengthens packets (ITM_MOD_NEED_SEGMENTS). */
static bool nq_mods_need_segments(const struct itm_engine *e)
{
	const struct itm_mod *m;

	for (m = e->mods; m; m = m->next) {
		if (m->enabled && m->needs & ITM_MOD_NEED_SEGMENTS)
			return true;
	}
	return false;
}

/* Derive the queue's settings and rules from the engine's configuration:
 * at open, after a reload and after a command changed it at run time. */
static void nq_configure(struct itm_backend *b)
{
	struct nq *q = itm_backend_priv(b);
	struct itm_engine *e = b->live->e;
	unsigned needs = itm_qtree_needs(e->root);
	unsigned hooks = nfq_rules_hooks(e);
	struct itm_err err;

	nq_set_gso(q, !(needs & ITM_QNEED_SEGMENTS) && !nq_mods_need_segments(e));
	nq_set_copy(q, (needs & ITM_QNEED_WHOLE) || itm_engine_running_hooks(e) != 0);
	if (hooks != q->hooks) {
		if (nfq_rules_set_hooks(&q->rules, hooks, &err) < 0) {
			/* what is in place: the next change tries again */
			itm_live_log("error", "%s", err.msg);
			q->hooks = q->rules.hooks[0] & q->rules.hooks[1];
			return;
		}
		q->hooks = hooks;
	}
}

/* The queues, their rules, and their readers: threads if several. */
static int nq_open_queues(struct itm_backend *b, struct itm_err *err)
{
	struct nq *q = itm_backend_priv(b);
	struct nfq_link links[NQ_QUEUES_MAX] = { 0 };
	uint32_t i;
	int r;

	r = nfq_links_open(links, q->nqueues, q->queue, q->maxlen, err);
	if (r < 0)
		return r;
	for (i = 0; i < q->nqueues; i++)
		q->qs[i].link = links[i];
	for (i = 0; i < q->nqueues && r == 0; i++)
		r = nfq_queue_open(&q->qs[i], b, (uint8_t)i, err);
	if (r < 0)
		return r;
	q->gso_whole = q->copy_whole = true;	/* as nfq_link_open sets */
	nfq_rules_init(&q->rules, q->dev, q->port, q->qs[0].link.qnum, q->nqueues,
		       (enum nfq_spread)q->spread);
	q->hooks = nfq_rules_hooks(b->live->e);
	r = nfq_rules_install(&q->rules, q->hooks, err);
	if (r == 0)
		nq_configure(b);
	q->threads = q->nqueues > 1;
	for (i = 0; i < q->nqueues && r == 0; i++) {
		r = q->threads ? nfq_queue_thread(&q->qs[i], err) :
		    itm_live_watch(b->live, mnl_socket_get_fd(q->qs[i].link.nl),
				   nfq_readable, &q->qs[i], err);
	}
	return r;
}

static int nq_open(struct itm_backend *b, struct itm_err *err)
{
	struct nq *q = itm_backend_priv(b);
	char hooks[ITM_HOOKS_TEXT];
	int r;

	q->live = b->live;
	itm_engine_set_free(b->live->e, nq_engine_drop, b);
	itm_engine_set_pass(b->live->e, nq_engine_pass, b);
	r = nq_open_queues(b, err);
	if (r < 0) {
		nq_close(b);
		return r;
	}
	itm_live_log("info", "nfqueue: queue %u%s%s, chain %s, hooks %s%s%s, port %u",
		     q->qs[0].link.qnum, q->nqueues > 1 ? " and on, spread " : "",
		     q->nqueues > 1 ? nfq_spread_names[q->spread] : "", q->rules.chain,
		     itm_hooks_text(q->hooks, hooks, sizeof(hooks)),
		     q->dev[0] ? ", dev " : "", q->dev, q->port);
	return 0;
}

static void nq_kick(struct itm_backend *b, uint64_t now)
{
	struct nq *q = itm_backend_priv(b);
	struct itm_qdisc *root = b->live->e->root;
	struct itm_pkt *p;

	while (root->stats.qlen && (p = itm_qdisc_dequeue(root, now)) != NULL) {
		itm_qdisc_dequeued(root, now);
		nfq_verdict(q, (struct nq_pkt *)p, NF_ACCEPT);
	}
	nfq_pending(q);
}

/* The engine was replaced: the packets the old one held move to the new
 * one's root; the rules follow the hooks the new configuration uses. */
static void nq_rebind(struct itm_backend *b, struct itm_engine *old)
{
	struct nq *q = itm_backend_priv(b);

	itm_engine_set_free(b->live->e, nq_engine_drop, b);
	itm_engine_set_pass(b->live->e, nq_engine_pass, b);
	q->release = NFQ_MOVE;
	q->move_to = b->live->e;
	itm_qdisc_reset(old->root);
	q->release = NFQ_DROP;
	nq_configure(b);
}

/* Readers stopped first (they take the engine's lock, which the caller
 * does not hold), then every held packet accepted, then the rules and the
 * queues removed. */
static void nq_close(struct itm_backend *b)
{
	struct nq *q = itm_backend_priv(b);
	uint32_t i;

	nfq_threads_stop(q);
	if (b->live->e && q->qs[0].out_ready) {
		q->release = NFQ_ACCEPT;
		itm_qdisc_reset(b->live->e->root);	/* accepted, not lost */
		q->release = NFQ_DROP;
		nfq_pending(q);
		nq_flush(b);
	}
	if (q->rules.chain[0])
		nfq_rules_remove(&q->rules);
	for (i = 0; i < q->nqueues; i++) {
		struct nq_queue *nqq = &q->qs[i];

		if (nqq->link.nl && !q->threads)
			itm_live_unwatch(b->live, mnl_socket_get_fd(nqq->link.nl));
		nfq_link_close(&nqq->link);
		if (nqq->out_ready)
			nfq_out_fini(&nqq->out);
		nqq->out_ready = false;
		free(nqq->rx);
		nqq->rx = NULL;
	}
	if (q->released)
		itm_live_log("info", "nfqueue: released %" PRIu64 " held packets", q->released);
}

const struct itm_backend_ops itm_backend_nfqueue = {
	.id = "nfqueue",
	.usage = "backend nfqueue [dev IF] [port N] [queue N] [queues N] "
		 "[spread flow|cpu|dev] [maxlen N]",
	.priv_size = sizeof(struct nq),
	.parse = nq_parse,
	.open = nq_open,
	.rebind = nq_rebind,
	.changed = nq_configure,
	.kick = nq_kick,
	.flush = nq_flush,
	.close = nq_close,
	.dump = nfq_dump,
};
