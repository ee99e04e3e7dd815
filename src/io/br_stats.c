// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the bridge shows of itself (SIGUSR1's log, `itm backend show -s
 * [--json]`): per direction its rate, its root's kind, queue and drops,
 * and its counters, as one table prints them; and which tree leaves by a
 * port, for `qdisc show dev IF`.
 */
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include "itm/attr.h"
#include "itm/json.h"
#include "itm/units.h"
#include "br.h"

/* The tree leaving by dev: IF1 -> IF2's leaves by IF2, the twin by IF1. */
struct itm_qdisc *br_egress(const struct itm_backend *b, const char *dev)
{
	const struct br *q = (const struct br *)b->priv;
	int i;

	for (i = 0; i < 2; i++) {
		if (!strcmp(dev, q->port[i].name))
			return br_root(q, !i);
	}
	return NULL;
}

/* A direction's counters as `backend show -s` prints them */
struct br_counts {
	uint64_t received, sent, bytes, dropped, taken, released, gso, truncated;
	uint64_t errors, retries, ring_drops;
};

#define BR_COUNT(n) { .name = #n, .type = ITM_ATTR_U64, \
		      .off = offsetof(struct br_counts, n), .max = UINT64_MAX }
static const struct itm_attr br_count_attrs[] = {
	BR_COUNT(received), BR_COUNT(sent), BR_COUNT(bytes), BR_COUNT(dropped),
	BR_COUNT(taken), BR_COUNT(released), BR_COUNT(gso), BR_COUNT(truncated),
	BR_COUNT(errors), BR_COUNT(retries), BR_COUNT(ring_drops),
	ITM_ATTR_END,
};

static void br_dump_dir(const struct br *q, int i, FILE *f, bool json)
{
	const struct br_dir *d = &q->dir[i];
	const struct itm_qdisc *root = br_root(q, i);
	const struct itm_qstats *rs = &root->stats;
	struct br_counts c = {
		.received = d->received, .sent = d->sent, .bytes = d->sent_bytes,
		.dropped = d->dropped, .taken = d->taken, .released = d->released, .gso = d->gso,
		.truncated = d->truncated, .errors = d->errors,
		.retries = d->retries, .ring_drops = q->port[i].ring_drops,
	};
	char rate[32];

	if (json) {
		fputs("{\"from\":", f);
		itm_json_str(f, q->port[i].name);
		fputs(",\"to\":", f);
		itm_json_str(f, q->port[!i].name);
		fprintf(f, ",\"rate\":%" PRIu64 ",\"root\":{\"kind\":\"%s\",\"qlen\":%u,"
			"\"backlog\":%" PRIu64 ",\"drops\":%" PRIu64 "},\"counters\":{",
			d->rate_bps, root->ops->id, rs->qlen, rs->backlog_bytes, rs->drops);
		itm_attr_print_json(f, br_count_attrs, &c);
		fputs("}}", f);
		return;
	}
	fprintf(f, "  %s>%s rate %s root %s qlen %u backlog %" PRIu64 " drops %" PRIu64 "\n    ",
		q->port[i].name, q->port[!i].name,
		d->rate_bps ? itm_fmt_rate(rate, sizeof(rate), d->rate_bps) : "none",
		root->ops->id, rs->qlen, rs->backlog_bytes, rs->drops);
	itm_attr_print(f, br_count_attrs, &c);
	fputc('\n', f);
}

void br_dump(const struct itm_backend *b, FILE *f, bool json)
{
	const struct br *q = (const struct br *)b->priv;

	fputs(json ? "{\"directions\":[" : "", f);
	br_dump_dir(q, 0, f, json);
	fputs(json ? "," : "", f);
	br_dump_dir(q, 1, f, json);
	fputs(json ? "]}" : "", f);
}
