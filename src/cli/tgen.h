/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * itm tgen: a flow-completion-time generator in the manner of PIAS's
 * TrafficGenerator. A client asks servers for flows of sizes drawn from a
 * CDF, with Poisson arrivals for a target load, and reports completion
 * times per size bucket. Declarations shared by the tgen_*.c files.
 */
#ifndef ITM_CLI_TGEN_H
#define ITM_CLI_TGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * The request, 32 bytes in network byte order:
 *   0 magic u32 "ITGN"   4 version u16   6 flags u16   8 flow id u64
 *  16 size u64 (bytes the server answers with)   24 dscp u8
 *  25 low dscp u8 (PIAS: after the threshold)    26 reserved u16, zero
 *  28 PIAS threshold u32 (bytes sent at dscp before demotion)
 * Unknown flags or a non-zero reserved field are errors, so a later
 * version can give them meaning without old servers misreading them.
 */
#define TGEN_MAGIC 0x4954474eu
#define TGEN_VERSION 1
#define TGEN_HDR_LEN 32
#define TGEN_F_DSCP 0x1u	/* the server sets dscp on its socket */
#define TGEN_F_PIAS 0x2u	/* ... and low_dscp after pias_thresh bytes */
#define TGEN_FLAGS_KNOWN (TGEN_F_DSCP | TGEN_F_PIAS)
/* Far above any CDF we ship; stops a stray request from pinning a server. */
#define TGEN_MAX_SIZE (UINT64_C(1) << 40)

struct tgen_req {
	uint16_t flags;
	uint64_t flow_id;
	uint64_t size_bytes;
	uint8_t dscp, low_dscp;
	uint32_t pias_thresh_bytes;
};

/* tgen_proto.c */
void tgen_req_encode(const struct tgen_req *r, uint8_t out[TGEN_HDR_LEN]);
/* 0, or -EINVAL with why set to a static reason. */
int tgen_req_decode(const uint8_t *buf, size_t len, struct tgen_req *r,
		    const char **why);

/* tgen_gen.c: xoshiro256**, reproducible from one seed. */
struct tgen_rng {
	uint64_t s[4];
};

void tgen_rng_seed(struct tgen_rng *r, uint64_t seed);
uint64_t tgen_rng_next(struct tgen_rng *r);
double tgen_rng_uniform(struct tgen_rng *r);	/* [0, 1) */
double tgen_rng_exp(struct tgen_rng *r, double mean);
/* Mean inter-arrival (ns) for flows of mean_bytes at load rho of rate_bps. */
double tgen_interarrival_ns(double mean_bytes, double rho, uint64_t rate_bps);

/* tgen_opts.c */
enum tgen_mode { TGEN_MODE_PERSISTENT, TGEN_MODE_NEW };

#define TGEN_MAX_SERVERS 64
#define TGEN_DEFAULT_PORT 5050
#define TGEN_PIAS_THRESH 102400	/* PIAS's 2-queue prio_thresh_0 */
#define TGEN_PIAS_HIGH_DSCP 7	/* itm's pias prio_dscp_0 and _1 */
#define TGEN_PIAS_LOW_DSCP 6

struct tgen_client_opts {
	char *servers[TGEN_MAX_SERVERS];
	unsigned n_servers;
	char *server_list;	/* owns the strings servers[] points into */
	const char *cdf_path, *log_path, *plot_path;
	double load;
	uint64_t rate_bps;
	uint64_t flows;		/* 0: run for duration_ns */
	uint64_t duration_ns;
	uint64_t timeout_ns;	/* a flow not done by then is cut */
	enum tgen_mode mode;
	unsigned conns;
	int dscp;		/* -1: not set */
	bool pias;
	uint64_t seed;
	uint16_t port;
	bool json;
};

struct tgen_server_opts {
	const char *bind_addr;	/* NULL: every address, IPv4 and IPv6 */
	uint16_t port;
};

/* 0, or -EINVAL with a message naming the bad value in msg. */
int tgen_client_parse(int argc, char **argv, struct tgen_client_opts *o,
		      char *msg, size_t len);
void tgen_client_opts_free(struct tgen_client_opts *o);
int tgen_server_parse(int argc, char **argv, struct tgen_server_opts *o,
		      char *msg, size_t len);
extern const char tgen_usage[];

/* tgen_report.c */
struct tgen_flow {
	uint64_t id;
	unsigned server, conn;
	uint64_t size_bytes, rx_bytes;
	uint64_t start_ns;	/* since the run's start */
	uint64_t fct_ns;	/* 0 until done */
	uint32_t retrans, ooo;	/* TCP_INFO deltas over the flow */
	bool done, timed_out, failed;
};

enum tgen_bucket { TGEN_SMALL, TGEN_MEDIUM, TGEN_LARGE, TGEN_ALL,
		   TGEN_N_BUCKETS };
#define TGEN_SMALL_MAX 100000ull	/* (0, 100 KB] */
#define TGEN_MEDIUM_MAX 10000000ull	/* (100 KB, 10 MB] */

struct tgen_stats {
	uint64_t count;
	double mean_ms, p50_ms, p99_ms;
};

struct tgen_run {
	const struct tgen_client_opts *o;
	struct tgen_flow *flows;
	uint64_t n_flows;
	uint64_t elapsed_ns;
	uint64_t rx_bytes;
	uint64_t extra_conns;	/* persistent mode: opened because all busy */
	double mean_size_bytes;
};

enum tgen_bucket tgen_bucket_of(uint64_t size_bytes);
const char *tgen_bucket_name(enum tgen_bucket b);
/* Nearest rank: the smallest value with at least p % of values <= it. */
double tgen_percentile(const double *sorted, size_t n, double p);
/* Completed flows of bucket b; fct_ms (n_flows long) is scratch. */
void tgen_bucket_stats(const struct tgen_run *r, enum tgen_bucket b,
		       double *fct_ms, struct tgen_stats *st);
int tgen_report(const struct tgen_run *r, bool json);
/* Writes the per-flow CSV to f and closes it; path names it in errors. */
int tgen_log_write(const struct tgen_run *r, FILE *f, const char *path);

/* tgen_plot.c */
int tgen_plot(const struct tgen_run *r, const char *path);

/* tgen_server.c, tgen_client.c */
int tgen_server_run(const struct tgen_server_opts *o);
int tgen_client_run(const struct tgen_client_opts *o);

#endif
