// SPDX-License-Identifier: GPL-2.0-only
/*
 * The discipline registry and the generic half of every discipline: option
 * parsing from the schema, queue-length and backlog accounting, drops by
 * cause, and tc-style printing. Disciplines only decide which packet.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "itm/qdisc.h"

#define ITM_QDISC(id) extern const struct itm_qdisc_ops itm_qdisc_##id;
#include "qdisc/qdiscs.def"
#undef ITM_QDISC

static const struct itm_qdisc_ops *const qdisc_list[] = {
#define ITM_QDISC(id) &itm_qdisc_##id,
#include "qdisc/qdiscs.def"
#undef ITM_QDISC
	NULL,
};

static const char *const drop_cause_names[ITM_DROP_CAUSE_MAX] = {
	[ITM_DROP_MODULE] = "module",
	[ITM_DROP_LIMIT] = "limit",
	[ITM_DROP_MEMORY] = "memory",
	[ITM_DROP_AQM] = "aqm",
	[ITM_DROP_FLUSH] = "flush",
	[ITM_DROP_CLASS] = "class",
	[ITM_DROP_BLOCK] = "block",
};

const char *itm_drop_cause_name(enum itm_drop_cause c)
{
	return c < ITM_DROP_CAUSE_MAX ? drop_cause_names[c] : "unknown";
}

const struct itm_qdisc_ops *const *itm_qdisc_all(void)
{
	return qdisc_list;
}

const struct itm_qdisc_ops *itm_qdisc_find(const char *id)
{
	const struct itm_qdisc_ops *const *o;

	for (o = qdisc_list; *o; o++) {
		if (strcmp((*o)->id, id) == 0)
			return *o;
	}
	return NULL;
}

static int qdisc_unknown_kind(const char *kind, struct itm_err *err)
{
	char known[160] = "";
	const struct itm_qdisc_ops *const *o;

	for (o = qdisc_list; *o; o++) {
		strncat(known, " ", sizeof(known) - strlen(known) - 1);
		strncat(known, (*o)->id, sizeof(known) - strlen(known) - 1);
	}
	return itm_err_tok(err, kind, ENOENT,
			   "unknown qdisc \"%s\" (known:%s)", kind, known);
}

int itm_qdisc_create(struct itm_qdisc **out, int argc, char **argv,
		     itm_qdisc_drop_fn *drop_fn, void *drop_ctx,
		     struct itm_err *err)
{
	const struct itm_qdisc_ops *ops;
	struct itm_qdisc *q;
	int n, r;

	if (argc < 1)
		return itm_err_set(err, EINVAL, "qdisc kind missing");
	ops = itm_qdisc_find(argv[0]);
	if (!ops)
		return qdisc_unknown_kind(argv[0], err);
	q = calloc(1, sizeof(*q) + ops->priv_size);
	if (!q)
		return itm_err_set(err, ENOMEM, "out of memory");
	q->ops = ops;
	q->handle = 0x10000;
	q->parent = ITM_H_ROOT;
	q->wake_ns = UINT64_MAX;
	q->drop_fn = drop_fn;
	q->drop_ctx = drop_ctx;
	r = itm_siphash_key_random(&q->hash_key);
	if (r < 0) {
		free(q);
		return itm_err_set(err, -r, "no random key");
	}
	itm_attr_defaults(ops->attrs, q->priv);
	n = itm_attr_parse_args(ops->attrs, q->priv, argc - 1, argv + 1, true,
				err);
	if (n >= 0 && n < argc - 1)
		n = itm_err_tok(err, argv[1 + n], EINVAL,
				"%s: what is \"%s\"?", ops->id, argv[1 + n]);
	r = n < 0 ? n : (ops->init ? ops->init(q, err) : 0);
	if (r < 0) {
		/* like Linux, destroy undoes a half-done init */
		if (n >= 0 && ops->destroy)
			ops->destroy(q);
		free(q);
		return r;
	}
	*out = q;
	return 0;
}

void itm_qdisc_opts_save(const struct itm_attr *tab, const void *base,
			 uint64_t *vals)
{
	const struct itm_attr *a;
	int i = 0;

	for (a = tab; a && a->name && i < ITM_QDISC_OPTS_MAX; a++)
		vals[i++] = itm_attr_load(a, base);
}

void itm_qdisc_opts_restore(const struct itm_attr *tab, void *base,
			    const uint64_t *vals)
{
	const struct itm_attr *a;
	int i = 0;

	for (a = tab; a && a->name && i < ITM_QDISC_OPTS_MAX; a++)
		itm_attr_store(a, base, vals[i++]);
}

/* A change callback validates before it touches the queue: if it fails,
 * the queue is as it was and the old options come back. */
int itm_qdisc_change(struct itm_qdisc *q, int argc, char **argv,
		     struct itm_err *err)
{
	const struct itm_qdisc_ops *ops = q->ops;
	uint64_t saved[ITM_QDISC_OPTS_MAX];
	int n, r;

	itm_qdisc_opts_save(ops->attrs, q->priv, saved);
	n = itm_attr_parse_args(ops->attrs, q->priv, argc, argv, false, err);
	if (n >= 0 && n < argc)
		n = itm_err_tok(err, argv[n], EINVAL, "%s: what is \"%s\"?",
				ops->id, argv[n]);
	r = n < 0 ? n : (ops->change ? ops->change(q, err) : 0);
	if (r < 0)
		itm_qdisc_opts_restore(ops->attrs, q->priv, saved);
	return r;
}

void itm_qdisc_reset(struct itm_qdisc *q)
{
	struct itm_pkt *p = q->peeked;

	if (p) {
		q->peeked = NULL;
		itm_qdisc_drop(q, p, ITM_DROP_FLUSH);
	}
	if (q->ops->reset)
		q->ops->reset(q);
}

/* Children are destroyed by their parent's destroy callback. */
void itm_qdisc_destroy(struct itm_qdisc *q)
{
	if (!q)
		return;
	itm_qdisc_reset(q);
	if (q->ops->destroy)
		q->ops->destroy(q);
	free(q);
}

void itm_qdisc_enqueue(struct itm_qdisc *q, struct itm_pkt *p, uint64_t now)
{
	p->enq_ns = now;
	q->stats.qlen++;
	q->stats.backlog_bytes += itm_pkt_len(p);
	q->ops->enqueue(q, p, now);
}

struct itm_pkt *itm_qdisc_dequeue(struct itm_qdisc *q, uint64_t now)
{
	struct itm_pkt *p = q->peeked;

	if (p)
		q->peeked = NULL;
	else {
		if (!q->up)
			q->wake_ns = UINT64_MAX;
		p = q->ops->dequeue(q, now);
	}
	if (p) {
		q->stats.qlen--;
		q->stats.backlog_bytes -= itm_pkt_len(p);
		q->stats.packets++;
		q->stats.bytes += itm_pkt_len(p);
	}
	return p;
}

void itm_qdisc_dequeued(struct itm_qdisc *root, uint64_t now)
{
	if (!root->stats.qlen)
		(void)itm_qdisc_dequeue(root, now);
}

struct itm_pkt *itm_qdisc_peek(struct itm_qdisc *q, uint64_t now)
{
	if (!q->peeked) {
		if (!q->up)
			q->wake_ns = UINT64_MAX;
		q->peeked = q->ops->dequeue(q, now);
	}
	return q->peeked;
}

void itm_qdisc_drop(struct itm_qdisc *q, struct itm_pkt *p,
		    enum itm_drop_cause cause)
{
	struct itm_qdisc *x;

	for (x = q; x; x = x->up) {
		x->stats.qlen--;
		x->stats.backlog_bytes -= itm_pkt_len(p);
		x->stats.drops++;
	}
	q->drop_fn(q->drop_ctx, p, cause);
}

void itm_qdisc_watchdog(struct itm_qdisc *q, uint64_t when)
{
	while (q->up)
		q = q->up;
	if (when < q->wake_ns)
		q->wake_ns = when;
}

struct itm_qdisc *itm_qdisc_create_default(struct itm_qdisc *up,
					   uint32_t parent, bool bytes,
					   uint64_t limit, struct itm_err *err)
{
	char num[24], kind[8], lim[8];
	char *argv[] = { kind, lim, num };
	struct itm_qdisc *q;

	snprintf(kind, sizeof(kind), "%s", bytes ? "bfifo" : "pfifo");
	snprintf(lim, sizeof(lim), "limit");
	snprintf(num, sizeof(num), "%" PRIu64 "%s", limit ? limit : 1,
		 bytes ? "b" : "");
	if (itm_qdisc_create(&q, 3, argv, up->drop_fn, up->drop_ctx, err) < 0)
		return NULL;
	q->handle = 0;
	q->parent = ITM_H_MAJ(up->handle) | ITM_H_MIN(parent);
	q->up = up;
	return q;
}

void itm_qdisc_graft(struct itm_qdisc *q, uint32_t minor,
		     struct itm_qdisc **slot, struct itm_qdisc *child)
{
	itm_qdisc_destroy(*slot);	/* its packets go as "flush" */
	child->parent = ITM_H_MAJ(q->handle) | ITM_H_MIN(minor);
	child->up = q;
	child->drop_fn = q->drop_fn;
	child->drop_ctx = q->drop_ctx;
	*slot = child;
}

char *itm_qdisc_fmt_handle(char *buf, size_t len, uint32_t h)
{
	if (h == ITM_H_ROOT)
		snprintf(buf, len, "root");
	else if (ITM_H_MIN(h))
		snprintf(buf, len, "%x:%x", h >> 16, ITM_H_MIN(h));
	else
		snprintf(buf, len, "%x:", h >> 16);
	return buf;
}

static void qdisc_print_json(const struct itm_qdisc *q, FILE *f, bool stats)
{
	const struct itm_qstats *s = &q->stats;
	char h[16], par[16];

	fprintf(f, "{\"kind\":\"%s\",\"handle\":\"%s\",", q->ops->id,
		itm_qdisc_fmt_handle(h, sizeof(h), q->handle));
	if (q->parent == ITM_H_ROOT)
		fputs("\"root\":true,", f);
	else
		fprintf(f, "\"parent\":\"%s\",",
			itm_qdisc_fmt_handle(par, sizeof(par), q->parent));
	fputs("\"options\":{", f);
	itm_attr_print_json(f, q->ops->attrs, q->priv);
	fputc('}', f);
	if (stats) {
		fprintf(f, ",\"bytes\":%" PRIu64 ",\"packets\":%" PRIu64
			",\"drops\":%" PRIu64 ",\"overlimits\":%" PRIu64
			",\"requeues\":%" PRIu64 ",\"backlog\":%" PRIu64
			",\"qlen\":%" PRIu32, s->bytes, s->packets, s->drops,
			s->overlimits, s->requeues, s->backlog_bytes, s->qlen);
		if (q->ops->dump_xstats)
			q->ops->dump_xstats(q, f, true);
	}
	fputc('}', f);
}

/* tc's " Sent ..." and " backlog ..." lines. */
void itm_qstats_print(const struct itm_qstats *s, FILE *f)
{
	fprintf(f, " Sent %" PRIu64 " bytes %" PRIu64 " pkt (dropped %" PRIu64
		", overlimits %" PRIu64 " requeues %" PRIu64 ")\n",
		s->bytes, s->packets, s->drops, s->overlimits, s->requeues);
	fprintf(f, " backlog %" PRIu64 "b %" PRIu32 "p requeues %" PRIu64 "\n",
		s->backlog_bytes, s->qlen, s->requeues);
}

void itm_qdisc_print(const struct itm_qdisc *q, FILE *f, bool stats, bool json)
{
	char h[16], par[16];

	if (json) {
		qdisc_print_json(q, f, stats);
		return;
	}
	fprintf(f, "qdisc %s %s ", q->ops->id,
		itm_qdisc_fmt_handle(h, sizeof(h), q->handle));
	if (q->parent == ITM_H_ROOT)
		fputs("root ", f);
	else
		fprintf(f, "parent %s ",
			itm_qdisc_fmt_handle(par, sizeof(par), q->parent));
	itm_attr_print(f, q->ops->attrs, q->priv);
	fputc('\n', f);
	if (!stats)
		return;
	itm_qstats_print(&q->stats, f);
	if (q->ops->dump_xstats)
		q->ops->dump_xstats(q, f, false);
}

void itm_pktq_push(struct itm_pktq *q, struct itm_pkt *p)
{
	p->next = NULL;
	if (q->tail)
		q->tail->next = p;
	else
		q->head = p;
	q->tail = p;
	q->len++;
	q->bytes += itm_pkt_len(p);
}

struct itm_pkt *itm_pktq_pop(struct itm_pktq *q)
{
	struct itm_pkt *p = q->head;

	if (!p)
		return NULL;
	q->head = p->next;
	if (!q->head)
		q->tail = NULL;
	q->len--;
	q->bytes -= itm_pkt_len(p);
	p->next = NULL;
	return p;
}
