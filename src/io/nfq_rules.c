// SPDX-License-Identifier: GPL-2.0-only
/*
 * The netfilter rules that send packets to itmd's queue, installed with
 * iptables and ip6tables (the nft backend or the legacy one, whichever the
 * system's iptables is: this kernel family has the NFQUEUE target but not
 * always nftables' queue expression). Everything lives in the mangle table:
 * one chain of our own, "itm-qN" for (first) queue N, holding the port
 * filter and the NFQUEUE target with --queue-bypass (no listener: packets
 * pass) and, for several queues, how packets spread over them, and
 * one jump from each built-in chain a hook needs, limited to the device.
 * Removal deletes exactly those jumps and the chain; what a killed run
 * left is found by listing (nfq_stale.c).
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "io/ipt.h"
#include "nfq_rules.h"

static const char *const builtin[ITM_HOOK_MAX] = {
	[ITM_HOOK_PRE_ROUTING] = "PREROUTING",
	[ITM_HOOK_LOCAL_IN] = "INPUT",
	[ITM_HOOK_FORWARD] = "FORWARD",
	[ITM_HOOK_LOCAL_OUT] = "OUTPUT",
	[ITM_HOOK_POST_ROUTING] = "POSTROUTING",
};

/* iptables -w -t mangle OP CHAIN [-i|-o DEV] -j itm-qN */
static int jump(const struct nfq_rules *r, int family, const char *op,
		enum itm_hook h)
{
	bool in = h == ITM_HOOK_PRE_ROUTING || h == ITM_HOOK_LOCAL_IN;
	const char *args[8];
	int n = 0;

	args[n++] = op;
	args[n++] = builtin[h];
	if (r->dev[0]) {
		args[n++] = in ? "-i" : "-o";
		args[n++] = r->dev;
	}
	args[n++] = "-j";
	args[n++] = r->chain;
	args[n] = NULL;
	return itm_ipt_mangle(family, r->legacy, args);
}

/* iptables -w -t mangle -A itm-qN [-p P -m multiport --ports N] [-o DEV]
 *   -j NFQUEUE --queue-num Q | --queue-balance A:B [--queue-cpu-fanout] */
static int target(const struct nfq_rules *r, int family, const char *proto,
		  const char *odev, const char *queue)
{
	const char *args[20];
	int n = 0;

	args[n++] = "-A";
	args[n++] = r->chain;
	if (proto) {
		args[n++] = "-p";
		args[n++] = proto;
		args[n++] = "-m";
		args[n++] = "multiport";
		args[n++] = "--ports";
		args[n++] = r->port;
	}
	if (odev) {
		args[n++] = "-o";
		args[n++] = odev;
	}
	args[n++] = "-j";
	args[n++] = "NFQUEUE";
	args[n++] = strchr(queue, ':') ? "--queue-balance" : "--queue-num";
	args[n++] = queue;
	if (r->spread == NFQ_SPREAD_CPU && strchr(queue, ':'))
		args[n++] = "--queue-cpu-fanout";
	args[n++] = "--queue-bypass";
	args[n] = NULL;
	return itm_ipt_mangle(family, r->legacy, args);
}

/* Spread by device: the packets leaving by the k-th interface (lo left
 * out) go to queue first + k % count, all others (new interfaces, the
 * input hooks, which have no output device) to the first. */
static int targets_dev(const struct nfq_rules *r, int family, const char *proto)
{
	struct if_nameindex *ifs = if_nameindex(), *i;
	char queue[12];
	unsigned k = 0;
	int rc = 0;

	for (i = ifs; i && i->if_index && rc == 0; i++) {
		if (!strcmp(i->if_name, "lo"))
			continue;
		snprintf(queue, sizeof(queue), "%u", r->first + k++ % r->count);
		rc = target(r, family, proto, i->if_name, queue);
	}
	if (ifs)
		if_freenameindex(ifs);
	snprintf(queue, sizeof(queue), "%u", r->first);
	return rc < 0 ? rc : target(r, family, proto, NULL, queue);
}

static int targets(const struct nfq_rules *r, int family, const char *proto)
{
	char queue[24];

	if (r->count > 1 && r->spread == NFQ_SPREAD_DEV)
		return targets_dev(r, family, proto);
	if (r->count > 1)
		snprintf(queue, sizeof(queue), "%u:%u", r->first, r->first + r->count - 1);
	else
		snprintf(queue, sizeof(queue), "%u", r->first);
	return target(r, family, proto, NULL, queue);
}

static int chain_op(const struct nfq_rules *r, int family, const char *op)
{
	const char *args[] = { op, r->chain, NULL };

	return itm_ipt_mangle(family, r->legacy, args);
}

static const int families[] = { 4, 6 };	/* r->hooks[i], r->installed[i] */

/* The jumps of family i for the hooks that have none yet; the hook of a
 * jump that failed to go in stays out of r->hooks[i]. */
static int jumps_add(struct nfq_rules *r, int i, unsigned hooks)
{
	int h;

	for (h = 0; h < ITM_HOOK_MAX; h++) {
		if (!(hooks & ~r->hooks[i] & 1u << h))
			continue;
		if (jump(r, families[i], "-A", (enum itm_hook)h) < 0)
			return -EIO;
		r->hooks[i] |= 1u << h;
	}
	return 0;
}

static int family_install(struct nfq_rules *r, int i, unsigned hooks)
{
	int family = families[i];

	if (chain_op(r, family, "-N") < 0)
		return -EIO;
	if (!strcmp(r->port, "0")) {
		if (targets(r, family, NULL) < 0)
			return -EIO;
	} else if (targets(r, family, "tcp") < 0 || targets(r, family, "udp") < 0) {
		return -EIO;
	}
	return jumps_add(r, i, hooks);
}

void nfq_rules_init(struct nfq_rules *r, const char *dev, uint32_t port,
		    uint32_t first, uint32_t count, enum nfq_spread spread)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->dev, sizeof(r->dev), "%s", dev);
	snprintf(r->port, sizeof(r->port), "%u", port);
	snprintf(r->chain, sizeof(r->chain), "itm-q%u", first);
	r->first = first;
	r->count = count;
	r->spread = spread;
}

static int install_all(struct nfq_rules *r, unsigned hooks)
{
	int i;

	for (i = 0; i < 2; i++) {
		r->installed[i] = true;
		if (family_install(r, i, hooks) < 0) {
			nfq_rules_remove(r);
			return -EIO;
		}
	}
	return 0;
}

/* iptables as the system has it (nft or legacy); if that cannot queue,
 * the legacy tools, where the kernel has x_tables but not nft's queue. */
int nfq_rules_install(struct nfq_rules *r, unsigned hooks, struct itm_err *err)
{
	nfq_rules_clear_stale(r);	/* left by a killed run, nft and legacy */
	r->legacy = false;
	if (install_all(r, hooks) == 0)
		return 0;
	r->legacy = true;
	if (install_all(r, hooks) == 0)
		return 0;
	r->legacy = false;
	return itm_err_set(err, EIO,
			   "iptables/ip6tables (nft or legacy): could not install the NFQUEUE rules of chain %s in table mangle",
			   r->chain);
}

/*
 * Another set of hooks at run time (a module added, disabled or gone):
 * the chain stays, the new jumps are added before the old ones go, so a
 * hook in both sets is never left unqueued (not even for the moment a
 * remove and install would take).
 */
int nfq_rules_set_hooks(struct nfq_rules *r, unsigned hooks,
			struct itm_err *err)
{
	int i, h;

	for (i = 0; i < 2; i++) {
		if (jumps_add(r, i, hooks) < 0)
			return itm_err_set(err, EIO, "ip%stables: could not add "
					   "every jump to chain %s (hooks %#x wanted, "
					   "%#x there)", i ? "6" : "", r->chain,
					   hooks, r->hooks[i]);
	}
	for (i = 0; i < 2; i++) {
		for (h = 0; h < ITM_HOOK_MAX; h++) {
			if (!(r->hooks[i] & ~hooks & 1u << h))
				continue;
			while (jump(r, families[i], "-D", (enum itm_hook)h) == 0)
				;
			r->hooks[i] &= ~(1u << h);
		}
	}
	return 0;
}

/* Removes the jumps and the chain as this run installs them. */
void nfq_rules_remove(struct nfq_rules *r)
{
	int i, h;

	for (i = 0; i < 2; i++) {
		for (h = 0; h < ITM_HOOK_MAX; h++) {
			while (jump(r, families[i], "-D", (enum itm_hook)h) == 0)
				;
		}
		chain_op(r, families[i], "-F");
		chain_op(r, families[i], "-X");
		r->hooks[i] = 0;
		r->installed[i] = false;
	}
}

/* The hooks a configuration needs: the egress hook always (the root
 * discipline is there), any other only if a module runs on it. */
unsigned nfq_rules_hooks(const struct itm_engine *e)
{
	return 1u << ITM_HOOK_POST_ROUTING | itm_engine_running_hooks(e);
}
