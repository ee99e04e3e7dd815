/* SPDX-License-Identifier: GPL-2.0-only */
/* The NFQUEUE backend's netfilter rules (see nfq_rules.c). */
#ifndef ITM_IO_NFQ_RULES_H
#define ITM_IO_NFQ_RULES_H

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>

#include "itm/engine.h"

/* How packets spread over several queues (xt_NFQUEUE): by a hash of the
 * addresses (both directions of a conversation on one queue), by the CPU
 * that queues them, or by the device they leave by. */
enum nfq_spread { NFQ_SPREAD_FLOW, NFQ_SPREAD_CPU, NFQ_SPREAD_DEV };

struct nfq_rules {
	char dev[16];
	char port[8];
	char chain[32];
	uint32_t first, count;	/* queues first .. first + count - 1 */
	enum nfq_spread spread;
	unsigned hooks[2];	/* jumps installed, IPv4 and IPv6 */
	bool installed[2];
	bool legacy;		/* the iptables-legacy tools */
};

void nfq_rules_init(struct nfq_rules *r, const char *dev, uint32_t port,
		    uint32_t first, uint32_t count, enum nfq_spread spread);
int nfq_rules_install(struct nfq_rules *r, unsigned hooks, struct itm_err *err);
int nfq_rules_set_hooks(struct nfq_rules *r, unsigned hooks,
			struct itm_err *err);
void nfq_rules_remove(struct nfq_rules *r);
unsigned nfq_rules_hooks(const struct itm_engine *e);

/* What a killed itmd left (nfq_stale.c): the chain named as ours and
 * every chain itm-qN whose queue N nobody binds, with the jumps to them,
 * whatever their options; in the nft tables and the legacy ones. */
void nfq_rules_clear_stale(const struct nfq_rules *r);
/* Its parts: PROC is the text of /proc/net/netfilter/nfnetlink_queue. */
bool nfq_queue_listed(const char *proc, uint32_t n);
bool nfq_stale_chain(const char *chain, const char *ours, const char *proc);
/* LINE of `iptables -S` (split in place) as the words of the -D command
 * that deletes it, when it jumps to a stale chain: their count, else 0. */
int nfq_stale_jump(char *line, const char *ours, const char *proc,
		   const char **argv, int max);

#endif
