// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the NFQUEUE backend shows of itself (SIGUSR1's log, `itm backend
 * show -s [--json]`): its queues, chain, hooks and copy mode, and its
 * counters, summed over the queues, as one table prints them.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>

#include "itm/attr.h"
#include "nfq.h"

/* The counters `backend show -s` prints, summed over the queues. */
struct nq_counts {
	uint64_t received, accepted, dropped, taken, modified, gso, released;
	uint64_t batched, unsent, split, errors;
};

#define NQ_COUNT(n) { .name = #n, .type = ITM_ATTR_U64, \
		      .off = offsetof(struct nq_counts, n), .max = UINT64_MAX }
static const struct itm_attr nq_count_attrs[] = {
	NQ_COUNT(received), NQ_COUNT(accepted), NQ_COUNT(dropped),
	NQ_COUNT(taken), NQ_COUNT(modified), NQ_COUNT(gso), NQ_COUNT(released),
	NQ_COUNT(batched), NQ_COUNT(unsent), NQ_COUNT(split), NQ_COUNT(errors),
	ITM_ATTR_END,
};

static struct nq_counts nq_counts(const struct nq *q)
{
	struct nq_counts c = {
		.received = q->received, .accepted = q->accepted,
		.dropped = q->dropped, .taken = q->taken, .modified = q->modified, .gso = q->gso,
		.released = q->released, .unsent = q->unsent, .errors = q->errors,
	};
	uint32_t i;

	for (i = 0; i < q->nqueues; i++) {
		const struct nfq_out *o = &q->qs[i].out;

		c.batched += o->batched;
		c.split += __atomic_load_n(&o->split, __ATOMIC_RELAXED);
		c.errors += __atomic_load_n(&o->errors, __ATOMIC_RELAXED);
	}
	return c;
}

static void nq_dump_text(const struct nq *q, const struct nq_counts *c, FILE *f)
{
	char hooks[ITM_HOOKS_TEXT];
	uint32_t i;

	fprintf(f, "  queue %u", q->qs[0].link.qnum);
	if (q->nqueues > 1)
		fprintf(f, " queues %u spread %s", q->nqueues, nfq_spread_names[q->spread]);
	fprintf(f, " chain %s hooks %s gso %s copy %s\n  ", q->rules.chain,
		itm_hooks_text(q->hooks, hooks, sizeof(hooks)),
		q->gso_whole ? "whole" : "segmented", q->copy_whole ? "whole" : "headers");
	itm_attr_print(f, nq_count_attrs, c);
	fputc('\n', f);
	for (i = 0; q->nqueues > 1 && i < q->nqueues; i++)
		fprintf(f, "  queue %u received %" PRIu64 "\n", q->qs[i].link.qnum,
			q->qs[i].received);
}

static void nq_dump_json(const struct nq *q, const struct nq_counts *c, FILE *f)
{
	uint32_t i;

	fprintf(f, "{\"queue\":%u,\"queues\":%u,\"spread\":\"%s\",\"chain\":\"%s\","
		"\"hooks\":", q->qs[0].link.qnum, q->nqueues,
		nfq_spread_names[q->spread], q->rules.chain);
	itm_hooks_print_json(f, q->hooks);
	fprintf(f, ",\"gso\":\"%s\",\"copy\":\"%s\",\"counters\":{",
		q->gso_whole ? "whole" : "segmented", q->copy_whole ? "whole" : "headers");
	itm_attr_print_json(f, nq_count_attrs, c);
	fputs("},\"per_queue\":[", f);
	for (i = 0; i < q->nqueues; i++)
		fprintf(f, "%s{\"queue\":%u,\"received\":%" PRIu64 "}", i ? "," : "",
			q->qs[i].link.qnum, q->qs[i].received);
	fputs("]}", f);
}

void nfq_dump(const struct itm_backend *b, FILE *f, bool json)
{
	const struct nq *q = (const struct nq *)b->priv;
	struct nq_counts c = nq_counts(q);

	if (json)
		nq_dump_json(q, &c, f);
	else
		nq_dump_text(q, &c, f);
}
