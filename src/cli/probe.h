/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * itm probe: concurrent latency streams (ICMP echo and UDP to our own echo
 * server), each with its own DSCP, at a fixed interval, while optional
 * iperf3 load runs. Files: probe_wire.c (payload, stream names),
 * probe_opts.c (command line), probe_sock.c (sockets), probe_load.c
 * (iperf3), probe_stats.c (summaries, report, CSV), probe_plot.c
 * (gnuplot), probe_echo.c (the echo server), probe_cmd.c (the loop).
 */
#ifndef ITM_CLI_PROBE_H
#define ITM_CLI_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#define PROBE_MAX_STREAMS 16
#define PROBE_TIMEOUT_NS UINT64_C(1000000000)	/* unanswered: lost */

/* probe_wire.c: the UDP (and ICMP echo data) payload, network byte order:
 *   magic u32 "ITMP" | version u8 | reserved u8 (0) | stream u16 |
 *   seq u32 | send time u64 (monotonic ns of the sender)
 * Longer datagrams are accepted (padding after the header). */
#define PROBE_MAGIC 0x49544d50u
#define PROBE_VERSION 1
#define PROBE_WIRE_LEN 20

struct probe_wire {
	uint16_t stream;
	uint32_t seq;
	uint64_t send_ns;
};

void probe_wire_encode(uint8_t *buf, const struct probe_wire *w);
/* 0, or -EINVAL for a short, foreign or malformed datagram, or
 * -EPROTONOSUPPORT for another version. */
int probe_wire_decode(const uint8_t *buf, size_t len, struct probe_wire *w);

enum probe_proto { PROBE_ICMP, PROBE_UDP };

struct probe_spec {
	enum probe_proto proto;
	uint8_t dscp;
};

/* "icmp:ef", "udp:be", "udp:10": 0 or -EINVAL. CLASS is a DSCP name
 * (be and cs0 are 0) or a number 0..63. */
int probe_spec_parse(const char *s, struct probe_spec *spec);
/* "icmp:ef"; a code point without a name is printed as its number. */
char *probe_spec_name(char *buf, size_t len, const struct probe_spec *spec);

/* probe_opts.c */
struct probe_opts {
	const char *target;
	struct probe_spec streams[PROBE_MAX_STREAMS];
	unsigned n_streams;
	uint64_t interval_ns, duration_ns;
	unsigned load_flows;
	uint64_t load_start_ns, load_ns;
	uint16_t load_port, udp_port;
	const char *plot, *samples;
	const char *load_cc;	/* iperf3 -C: the load's congestion control */
	bool json;
};

/* Parses argv (argv[0] is "probe"); 0, or -EINVAL with the reason, naming
 * the option and value, in msg. */
int probe_opts_parse(int argc, char **argv, struct probe_opts *o,
		     char *msg, size_t len);
extern const char probe_usage[];

/* One probe and its fate. Times are ns since the probe started. */
enum probe_state { PROBE_PENDING, PROBE_ANSWERED, PROBE_LOST };

struct probe_sample {
	uint64_t send_ns;
	uint64_t rtt_ns;
	uint8_t state;
};

struct probe_stream {
	struct probe_spec spec;
	char name[24];
	int fd;
	bool raw;		/* raw ICMP socket: replies filtered by ident */
	uint16_t ident;
	struct probe_sample *samples;	/* indexed by sequence number */
	uint32_t n_max, n_sent;
	uint64_t malformed;	/* replies that were not ours or not valid */
	uint64_t unreachable;	/* UDP: port unreachable, no echo server */
};

/* The load period: samples sent within [begin, end) are "load". */
struct probe_window {
	bool ran;
	uint64_t begin_ns, end_ns;
};

enum probe_phase { PROBE_IDLE, PROBE_LOAD };

/* probe_stats.c */
struct probe_summary {
	uint32_t sent, received, lost;
	double loss_pct;
	uint64_t p50_ns, p90_ns, p99_ns, max_ns;	/* valid if received */
};

/* Nearest rank: the smallest sample with at least pct % of the samples at
 * or below it, sorted[ceil(pct / 100 * n) - 1]; n must be > 0. */
uint64_t probe_percentile(const uint64_t *sorted, size_t n, unsigned pct);
enum probe_phase probe_phase_of(const struct probe_window *w, uint64_t t_ns);
/* Marks pending samples sent before now - timeout as lost. */
void probe_expire(struct probe_stream *s, uint64_t now_ns);
/* A reply to sequence seq received at now: answered, or lost if late. */
void probe_answer(struct probe_stream *s, uint32_t seq, uint64_t now_ns);
/* 0, or -ENOMEM. Pending samples count as lost. */
int probe_summarize(const struct probe_stream *s, const struct probe_window *w,
		    enum probe_phase phase, struct probe_summary *out);

struct probe_load_result {
	unsigned flows;
	bool ok;
	double bps;		/* iperf3's sum_received bits_per_second */
	char error[256];
};

struct probe_report {
	const struct probe_opts *opts;
	struct probe_stream *streams;
	unsigned n_streams;
	struct probe_window window;
	struct probe_load_result load;
};

int probe_report_text(FILE *f, const struct probe_report *r);
int probe_report_json(FILE *f, const struct probe_report *r);
int probe_samples_csv(FILE *f, const struct probe_report *r);

/* probe_sock.c: target resolution and one socket per stream. */
struct probe_target {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	int family;
};

int probe_target_resolve(const char *name, struct probe_target *t,
			 char *msg, size_t len);
int probe_sock_open(struct probe_stream *s, const struct probe_target *t,
		    uint16_t udp_port, unsigned index, char *msg, size_t len);
/* Sends sequence seq now; 0 or -errno. Here and in probe_sock_recv an
 * ICMP port unreachable (ECONNREFUSED on the UDP socket) is counted. */
int probe_sock_send(struct probe_stream *s, unsigned index, uint32_t seq,
		    uint64_t mono_ns, const struct probe_target *t);
/* Reads one reply: 1 with *seq set, 0 for nothing of ours, -errno. */
int probe_sock_recv(struct probe_stream *s, unsigned index, uint32_t *seq);

/* probe_load.c: iperf3 -c TARGET -P N -t SECS --json as a child. */
struct probe_load {
	int pid;
	bool running;
	int status;		/* waitpid's, once it has exited */
	int out_fd, err_fd;
};

int probe_load_start(struct probe_load *l, const struct probe_opts *o,
		     char *msg, size_t len);
/* Has it exited? 1 yes (reaped), 0 no. */
int probe_load_poll(struct probe_load *l);
/* Stops it if still running, reaps it and reads its JSON into res. */
void probe_load_finish(struct probe_load *l, struct probe_load_result *res);
/* Pure: sum_received bits_per_second, or the error, from iperf3's JSON. */
int probe_load_parse(const char *json, struct probe_load_result *res);

/* probe_plot.c: PATH (latency over time) and PATH-cdf (CDF), .png or
 * .svg, by gnuplot. 0, or -errno with msg. */
int probe_plot(const char *path, const struct probe_report *r,
	       char *msg, size_t len);

/* probe_echo.c */
int probe_echo_main(int argc, char **argv);

#endif
