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
void nfq_rules_remove(struct nfq_rules *r);
unsigned nfq_rules_hooks(const struct itm_engine *e);

#endif
