/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VIF scheduler's tree, shared by vif.c (the discipline, its classes,
 * their grammar and statistics) and vif_sched.c (token buckets, the choice
 * of the leaf that sends next, and the rate estimator). See vif.c for the
 * principles.
 */
#ifndef ITM_QDISC_VIF_H
#define ITM_QDISC_VIF_H

#include <stdbool.h>
#include <stdint.h>

#include "itm/qdisc.h"

/* Classes nest at most this deep below the root VIF (HTB's limit). */
#define VIF_DEPTH_MAX 8
/*
 * Service phases, served in order: 0, a leaf sending on its own guaranteed
 * rate; 1..8, a leaf borrowing from an ancestor with a rate at depth 8..1
 * (the nearest lender first, as HTB's levels); 9, a leaf using the root's
 * spare capacity.
 */
#define VIF_PHASES (VIF_DEPTH_MAX + 2)
#define VIF_PHASE_ROOT (VIF_PHASES - 1)

enum vif_mode { VIF_SHAPING, VIF_WFQ, VIF_PQ, VIF_BLOCK };

/* The options of one VIF, as `class add` and `qdisc add` set them. */
struct vif_opts {
	uint64_t bandwidth_bps;	/* 0: unlimited */
	uint64_t ceil_bps;	/* 0: no cap beyond the parent's */
	uint32_t mode;		/* enum vif_mode */
	uint32_t weight;
	uint32_t priority;	/* 0 served first */
};

/* A token bucket in ns of transmission time at `rate_bps` (0: none). */
struct vif_bucket {
	uint64_t rate_bps;
	int64_t tokens;		/* ns of credit; negative: debt */
	uint64_t t_c;		/* when tokens were last counted */
};

/* The departure rate: an EWMA of 250 ms samples with weight 1/4. */
struct vif_est {
	uint64_t rate_bps;
	uint64_t bytes;		/* in the current sample */
	uint64_t t;		/* start of the current sample, 0: unstarted */
};

struct vif_node {
	struct vif_opts opts;
	uint32_t minor;		/* 0: the root VIF, the discipline itself */
	uint32_t depth;		/* 0: the root VIF */
	struct vif_node *parent, *child, *sibling;	/* children by minor */
	struct itm_qdisc *leaf;	/* the queue of a leaf VIF, NULL inside */
	struct vif_bucket rate;	/* guarantee: wfq and pq VIFs with bandwidth */
	struct vif_bucket cap;	/* cap: shaping bandwidth, ceil, root bandwidth */
	/* fair queueing: finish tags of this VIF, virtual time of its
	 * children, per phase */
	uint64_t finish[VIF_PHASES];
	uint64_t vtime[VIF_PHASES];
	uint64_t enq_pkts, enq_bytes, sent_pkts, sent_bytes;
	struct vif_est est;
};

#define VIF_PAGE 256
#define VIF_RATE_MAX (UINT64_C(1) << 40)

struct vif {
	struct vif_node root;	/* the discipline's own options live here */
	uint32_t dflt;		/* class for unclassified packets */
	struct vif_node **page[65536 / VIF_PAGE];
	uint32_t n_classes;
	uint64_t now;		/* latest time seen, for statistics */
};

/* vif.c */
extern const char *const vif_mode_names[];
struct vif_node *vif_find(const struct vif *v, uint32_t minor);
int vif_check(const struct vif_opts *o, struct itm_err *err);
void vif_flush(struct vif_node *n);
void vif_backlog(const struct vif_node *n, struct itm_qstats *s);

/* vif_class.c */
extern const struct itm_class_ops vif_class_ops;

/* vif_sched.c */
void vif_node_arm(struct vif_node *n, uint64_t now);
struct vif_node *vif_pick(struct vif_node *root, uint64_t now, int *phase);
void vif_charge(struct vif_node *leaf, int phase, uint32_t bytes,
		uint64_t now);
uint64_t vif_next_send(const struct vif_node *root, uint64_t now);
uint64_t vif_est_rate(const struct vif_est *e, uint64_t now);

#endif
