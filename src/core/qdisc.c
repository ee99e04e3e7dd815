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
		free(q);
		return r;
	}
	*out = q;
	return 0;
}

#define QDISC_ATTRS_MAX 64

/* Only the options are saved and restored, never the queue state. */
static void qdisc_attrs_save(const struct itm_qdisc *q, uint64_t *vals)
{
	const struct itm_attr *a;
	int i = 0;

	for (a = q->ops->attrs; a && a->name && i < QDISC_ATTRS_MAX; a++)
		vals[i++] = itm_attr_load(a, q->priv);
}

static void qdisc_attrs_restore(struct itm_qdisc *q, const uint64_t *vals)
{
	const struct itm_attr *a;
	int i = 0;

	for (a = q->ops->attrs; a && a->name && i < QDISC_ATTRS_MAX; a++)
		itm_attr_store(a, q->priv, vals[i++]);
}

/* A change callback validates before it touches the queue: if it fails,
 * the queue is as it was and the old options come back. */
int itm_qdisc_change(struct itm_qdisc *q, int argc, char **argv,
		     struct itm_err *err)
{
	const struct itm_qdisc_ops *ops = q->ops;
	uint64_t saved[QDISC_ATTRS_MAX];
	int n, r;

	qdisc_attrs_save(q, saved);
	n = itm_attr_parse_args(ops->attrs, q->priv, argc, argv, false, err);
	if (n >= 0 && n < argc)
		n = itm_err_tok(err, argv[n], EINVAL, "%s: what is \"%s\"?",
				ops->id, argv[n]);
	r = n < 0 ? n : (ops->change ? ops->change(q, err) : 0);
	if (r < 0)
		qdisc_attrs_restore(q, saved);
	return r;
}

void itm_qdisc_destroy(struct itm_qdisc *q)
{
	if (!q)
		return;
	if (q->ops->reset)
		q->ops->reset(q);
	if (q->ops->destroy)
		q->ops->destroy(q);
	free(q);
}

void itm_qdisc_enqueue(struct itm_qdisc *q, struct itm_pkt *p, uint64_t now)
{
	p->enq_ns = now;
	q->stats.qlen++;
	q->stats.backlog_bytes += p->caplen;
	q->ops->enqueue(q, p, now);
}

struct itm_pkt *itm_qdisc_dequeue(struct itm_qdisc *q, uint64_t now)
{
	struct itm_pkt *p = q->ops->dequeue(q, now);

	if (p) {
		q->stats.qlen--;
		q->stats.backlog_bytes -= p->caplen;
		q->stats.packets++;
		q->stats.bytes += p->caplen;
	}
	return p;
}

void itm_qdisc_drop(struct itm_qdisc *q, struct itm_pkt *p,
		    enum itm_drop_cause cause)
{
	q->stats.qlen--;
	q->stats.backlog_bytes -= p->caplen;
	q->stats.drops++;
	q->drop_fn(q->drop_ctx, p, cause);
}

static void qdisc_print_json(const struct itm_qdisc *q, FILE *f, bool stats)
{
	const struct itm_qstats *s = &q->stats;

	fprintf(f, "{\"kind\":\"%s\",\"handle\":\"%x:\",\"root\":true,"
		"\"options\":{", q->ops->id, q->handle >> 16);
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

void itm_qdisc_print(const struct itm_qdisc *q, FILE *f, bool stats, bool json)
{
	const struct itm_qstats *s = &q->stats;

	if (json) {
		qdisc_print_json(q, f, stats);
		return;
	}
	fprintf(f, "qdisc %s %x: root ", q->ops->id, q->handle >> 16);
	itm_attr_print(f, q->ops->attrs, q->priv);
	fputc('\n', f);
	if (!stats)
		return;
	fprintf(f, " Sent %" PRIu64 " bytes %" PRIu64 " pkt (dropped %" PRIu64
		", overlimits %" PRIu64 " requeues %" PRIu64 ")\n",
		s->bytes, s->packets, s->drops, s->overlimits, s->requeues);
	fprintf(f, " backlog %" PRIu64 "b %" PRIu32 "p requeues %" PRIu64 "\n",
		s->backlog_bytes, s->qlen, s->requeues);
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
	q->bytes += p->caplen;
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
	q->bytes -= p->caplen;
	p->next = NULL;
	return p;
}
