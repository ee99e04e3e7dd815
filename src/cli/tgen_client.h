/* SPDX-License-Identifier: GPL-2.0-only */
/* The tgen client's state, shared by tgen_client.c (schedule, loop) and
 * tgen_conn.c (one connection's life). */
#ifndef ITM_CLI_TGEN_CLIENT_H
#define ITM_CLI_TGEN_CLIENT_H

#include <stdio.h>

#include "itm/cdf.h"
#include "tgen.h"
#include "tgen_net.h"

#define CL_NO_FLOW UINT64_MAX

enum cl_state { CL_CONNECTING, CL_IDLE, CL_BUSY };

struct cl_conn {
	int fd;
	unsigned server, id;
	enum cl_state state;
	uint64_t flow;		/* index into run.flows, or CL_NO_FLOW */
	uint8_t req[TGEN_HDR_LEN];
	size_t req_off;
	uint32_t retrans0, ooo0;
};

struct cl {
	const struct tgen_client_opts *o;
	struct tgen_addr addr[TGEN_MAX_SERVERS];
	struct itm_cdf *cdf;
	struct tgen_rng rng;
	int ep;
	struct tgen_run run;
	uint64_t flows_cap, outstanding;
	uint64_t t0_ns, next_arrival_ns, end_ns;	/* absolute */
	double gap_mean_ns;
	bool arrivals_done;
	FILE *log;		/* --log, opened before the run */
	struct cl_conn **conns;
	size_t n_conns, conns_cap;
	unsigned next_conn_id;
	uint8_t buf[1 << 18];	/* receive scratch */
};

/* tgen_conn.c */
struct cl_conn *cl_conn_open(struct cl *cl, unsigned server, uint64_t flow);
void cl_conn_drop(struct cl *cl, struct cl_conn *c);
void cl_conn_request(struct cl *cl, struct cl_conn *c, uint64_t flow);
void cl_conn_event(struct cl *cl, struct cl_conn *c, uint32_t ev);
/* Ends c's flow: done, or cut for a timeout or an error. */
void cl_flow_end(struct cl *cl, struct cl_conn *c, bool timed_out,
		 bool failed);

#endif
