/* SPDX-License-Identifier: GPL-2.0-only */
/* The NFQUEUE backend's netfilter rules (see nfq_rules.c). */
#ifndef ITM_IO_NFQ_RULES_H
#define ITM_IO_NFQ_RULES_H

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>

#include "itm/engine.h"

struct nfq_rules {
	char dev[16];
	char port[8];
	char queue[8];
	char chain[32];
	unsigned hooks[2];	/* jumps installed, IPv4 and IPv6 */
	bool installed[2];
	bool legacy;		/* the iptables-legacy tools */
};

void nfq_rules_init(struct nfq_rules *r, const char *dev, uint32_t port,
		    uint32_t queue);
int nfq_rules_install(struct nfq_rules *r, unsigned hooks, struct itm_err *err);
void nfq_rules_remove(struct nfq_rules *r);
unsigned nfq_rules_hooks(const struct itm_engine *e);

#endif
