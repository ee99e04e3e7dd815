// SPDX-License-Identifier: GPL-2.0-only
/* itm probe: payload encoding and rejection, stream names, options,
 * percentiles, loss accounting, the idle/load split, iperf3's JSON. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/probe.h"

static void test_wire_roundtrip(void **state)
{
	struct probe_wire w = { .stream = 0x0102, .seq = 0x03040506,
				.send_ns = 0x0708090a0b0c0d0eull }, r;
	static const uint8_t want[PROBE_WIRE_LEN] = {
		'I', 'T', 'M', 'P', 1, 0, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
		0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,
	};
	uint8_t buf[PROBE_WIRE_LEN + 8] = { 0 };

	probe_wire_encode(buf, &w);
	assert_memory_equal(buf, want, sizeof(want));	/* network order */
	assert_int_equal(probe_wire_decode(buf, PROBE_WIRE_LEN, &r), 0);
	assert_int_equal(r.stream, w.stream);
	assert_int_equal(r.seq, w.seq);
	assert_true(r.send_ns == w.send_ns);
	/* padding after the header is allowed */
	assert_int_equal(probe_wire_decode(buf, sizeof(buf), &r), 0);
}

static void test_wire_rejects(void **state)
{
	struct probe_wire w = { 1, 2, 3 }, r;
	uint8_t buf[PROBE_WIRE_LEN], bad[PROBE_WIRE_LEN];
	size_t n;

	probe_wire_encode(buf, &w);
	for (n = 0; n < PROBE_WIRE_LEN; n++)
		assert_int_equal(probe_wire_decode(buf, n, &r), -EINVAL);
	memcpy(bad, buf, sizeof(bad));
	bad[3] = 'Q';				/* foreign magic */
	assert_int_equal(probe_wire_decode(bad, sizeof(bad), &r), -EINVAL);
	memcpy(bad, buf, sizeof(bad));
	bad[4] = 2;				/* a later version */
	assert_int_equal(probe_wire_decode(bad, sizeof(bad), &r), -EPROTONOSUPPORT);
	memcpy(bad, buf, sizeof(bad));
	bad[5] = 1;				/* reserved must be 0 */
	assert_int_equal(probe_wire_decode(bad, sizeof(bad), &r), -EINVAL);
}

static void test_spec(void **state)
{
	static const struct { const char *in; int proto, dscp; const char *name; } ok[] = {
		{ "icmp:ef", PROBE_ICMP, 46, "icmp:ef" },
		{ "udp:be", PROBE_UDP, 0, "udp:be" },
		{ "udp:cs0", PROBE_UDP, 0, "udp:be" },
		{ "icmp:cs1", PROBE_ICMP, 8, "icmp:cs1" },
		{ "udp:af41", PROBE_UDP, 34, "udp:af41" },
		{ "udp:63", PROBE_UDP, 63, "udp:63" },
		{ "icmp:46", PROBE_ICMP, 46, "icmp:ef" },
	};
	static const char *const bad[] = {
		"icmp", "icmp:", "udp:64", "tcp:ef", ":ef", "udp:eff", "udp:-1", "",
	};
	struct probe_spec s;
	char name[32];
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(probe_spec_parse(ok[i].in, &s), 0);
		assert_int_equal(s.proto, ok[i].proto);
		assert_int_equal(s.dscp, ok[i].dscp);
		assert_string_equal(probe_spec_name(name, sizeof(name), &s), ok[i].name);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(probe_spec_parse(bad[i], &s), -EINVAL);
}

static int parse(struct probe_opts *o, char *msg, const char *args)
{
	char buf[512], *argv[32], *save = NULL, *tok;
	int argc = 0;

	strcpy(buf, args);
	argv[argc++] = "probe";
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	msg[0] = '\0';
	return probe_opts_parse(argc, argv, o, msg, 256);
}

static void test_opts_defaults(void **state)
{
	struct probe_opts o;
	char msg[256];

	assert_int_equal(parse(&o, msg, "10.0.0.1"), 0);
	assert_string_equal(o.target, "10.0.0.1");
	assert_int_equal(o.n_streams, 6);
	assert_int_equal(o.streams[0].proto, PROBE_ICMP);
	assert_int_equal(o.streams[0].dscp, 46);
	assert_int_equal(o.streams[5].proto, PROBE_UDP);
	assert_int_equal(o.streams[5].dscp, 8);
	assert_true(o.interval_ns == 10000000 && o.duration_ns == 10000000000ull);
	assert_int_equal(o.load_flows, 0);
	assert_int_equal(o.udp_port, 7777);
	assert_int_equal(o.load_port, 5201);
	assert_null(o.load_cc);

	assert_int_equal(parse(&o, msg, "--streams udp:ef,icmp:7 --interval 20ms "
			       "--duration 3s --load 2 --load-start 1s --load-cc cubic "
			       "--json fd77:2::2"), 0);
	assert_string_equal(o.load_cc, "cubic");
	assert_int_equal(o.n_streams, 2);
	assert_true(o.interval_ns == 20000000 && o.duration_ns == 3000000000ull);
	/* the default 6 s of load shrinks to the whole seconds left */
	assert_true(o.load_ns == 2000000000ull);
	assert_true(o.json);
}

static void test_opts_errors(void **state)
{
	static const struct { const char *args, *needle; } cases[] = {
		{ "--interval abc x", "--interval \"abc\"" },
		{ "--duration 1y x", "--duration \"1y\"" },
		{ "--load 0 x", "--load \"0\"" },
		{ "--load many x", "--load \"many\"" },
		{ "--udp-port 70000 x", "--udp-port \"70000\"" },
		{ "--load-port 0 x", "--load-port \"0\"" },
		{ "--load-cc cu-bic x", "--load-cc \"cu-bic\"" },
		{ "--streams udp:ef,tcp:be x", "\"tcp:be\"" },
		{ "--plot out.jpg x", "--plot \"out.jpg\"" },
		{ "--interval 50us x", "--interval" },
		{ "--interval 2s --duration 1s x", "--duration" },
		{ "--load 1 --load-secs 1500ms x", "--load-secs \"1.5s\"" },
		{ "--load 1 --load-start 10s x", "--load-start" },
		{ "--load 1 --load-start 5s --load-secs 6s x", "outlast" },
		{ "--bogus x", "--bogus" },
		{ "", "no TARGET" },
		{ "a b", "\"b\"" },
	};
	struct probe_opts o;
	char msg[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse(&o, msg, cases[i].args), -EINVAL);
		if (!strstr(msg, cases[i].needle))
			fail_msg("\"%s\": message \"%s\" lacks \"%s\"", cases[i].args,
				 msg, cases[i].needle);
	}
}

static void test_percentile(void **state)
{
	uint64_t v[100];
	size_t i;

	for (i = 0; i < 100; i++)
		v[i] = i + 1;
	assert_int_equal(probe_percentile(v, 10, 50), 5);
	assert_int_equal(probe_percentile(v, 10, 90), 9);
	assert_int_equal(probe_percentile(v, 10, 99), 10);	/* ceil(9.9) */
	assert_int_equal(probe_percentile(v, 100, 99), 99);
	assert_int_equal(probe_percentile(v, 3, 50), 2);	/* ceil(1.5) */
	assert_int_equal(probe_percentile(v, 1, 50), 1);
	assert_int_equal(probe_percentile(v, 1, 99), 1);
	assert_int_equal(probe_percentile(v, 7, 100), 7);
}

#define MS 1000000ull

/* A stream with n probes sent 10 ms apart, all pending. */
static struct probe_stream *stream(uint32_t n)
{
	struct probe_stream *s = calloc(1, sizeof(*s));
	uint32_t i;

	s->samples = calloc(n, sizeof(*s->samples));
	s->n_max = s->n_sent = n;
	for (i = 0; i < n; i++)
		s->samples[i].send_ns = i * 10 * MS;
	return s;
}

static void stream_free(struct probe_stream *s)
{
	free(s->samples);
	free(s);
}

static void test_loss_accounting(void **state)
{
	struct probe_window none = { 0 };
	struct probe_stream *s = stream(5);
	struct probe_summary m;

	probe_answer(s, 0, 3 * MS);			/* 3 ms */
	probe_answer(s, 0, 4 * MS);			/* duplicate: ignored */
	probe_answer(s, 1, 10 * MS + 7 * MS);		/* 7 ms */
	probe_answer(s, 2, 20 * MS + 1000 * MS);	/* 1 s late: lost */
	probe_answer(s, 9, 50 * MS);			/* never sent */
	assert_int_equal(s->malformed, 1);
	probe_expire(s, 30 * MS + 999 * MS);		/* 3 not yet 1 s old */
	assert_int_equal(s->samples[3].state, PROBE_PENDING);
	probe_expire(s, 40 * MS + 1000 * MS);		/* now 3 and 4 are */
	assert_int_equal(s->samples[3].state, PROBE_LOST);
	assert_int_equal(s->samples[4].state, PROBE_LOST);
	assert_int_equal(probe_summarize(s, &none, PROBE_IDLE, &m), 0);
	assert_int_equal(m.sent, 5);
	assert_int_equal(m.received, 2);
	assert_int_equal(m.lost, 3);
	assert_true(m.loss_pct > 59.99 && m.loss_pct < 60.01);
	assert_true(m.p50_ns == 3 * MS && m.max_ns == 7 * MS && m.p99_ns == 7 * MS);
	assert_int_equal(probe_summarize(s, &none, PROBE_LOAD, &m), 0);
	assert_int_equal(m.sent, 0);
	stream_free(s);
}

static void test_idle_load_split(void **state)
{
	/* sent at 0, 10, ..., 90 ms; load from 20 ms up to, not incl., 60 ms */
	struct probe_window w = { .ran = true, .begin_ns = 20 * MS, .end_ns = 60 * MS };
	struct probe_stream *s = stream(10);
	struct probe_summary idle, load;
	uint32_t i;

	for (i = 0; i < 10; i++) {
		bool in_load = i >= 2 && i < 6;

		if (i != 3)	/* one probe lost under load */
			probe_answer(s, i, i * 10 * MS + (in_load ? 100 : 1) * MS);
	}
	probe_expire(s, UINT64_MAX / 2);
	assert_int_equal(probe_phase_of(&w, 20 * MS - 1), PROBE_IDLE);
	assert_int_equal(probe_phase_of(&w, 20 * MS), PROBE_LOAD);
	assert_int_equal(probe_phase_of(&w, 60 * MS), PROBE_IDLE);
	assert_int_equal(probe_summarize(s, &w, PROBE_IDLE, &idle), 0);
	assert_int_equal(probe_summarize(s, &w, PROBE_LOAD, &load), 0);
	assert_int_equal(idle.sent, 6);
	assert_int_equal(idle.lost, 0);
	assert_true(idle.max_ns == 1 * MS);
	assert_int_equal(load.sent, 4);
	assert_int_equal(load.received, 3);
	assert_true(load.loss_pct > 24.99 && load.loss_pct < 25.01);
	assert_true(load.p50_ns == 100 * MS);
	w.ran = false;		/* no load: everything is idle */
	assert_int_equal(probe_summarize(s, &w, PROBE_IDLE, &idle), 0);
	assert_int_equal(idle.sent, 10);
	stream_free(s);
}

static void test_load_json(void **state)
{
	static const char ok[] =
		"{\"start\":{},\"end\":{\"streams\":[{\"receiver\":{\"bits_per_second\":1}}],"
		"\"sum_sent\":{\"bits_per_second\":\t9.5e8},"
		"\"sum_received\":{\"seconds\":1.0,\"bytes\":117,\"bits_per_second\":\t9.25e8}}}";
	static const char err[] =
		"{\"start\":{},\"error\":\t\"unable to connect to server: Connection refused\"}";
	struct probe_load_result r;

	assert_int_equal(probe_load_parse(ok, &r), 0);
	assert_true(r.ok);
	assert_true(r.bps == 9.25e8);	/* the receiver's, not the sender's */
	assert_int_equal(probe_load_parse(err, &r), -EIO);
	assert_false(r.ok);
	assert_string_equal(r.error, "unable to connect to server: Connection refused");
	assert_int_equal(probe_load_parse("{\"end\":{}}", &r), -EIO);
	assert_non_null(strstr(r.error, "sum_received"));
	assert_int_equal(probe_load_parse(NULL, &r), -EIO);
	assert_int_equal(probe_load_parse("{\"sum_received\":{\"bits_per_second\":x}}", &r), -EIO);
}

static void test_report_json(void **state)
{
	struct probe_opts o;
	struct probe_stream *s = stream(4);
	struct probe_report r = { .opts = &o, .n_streams = 1,
				  .window = { true, 20 * MS, 40 * MS },
				  .load = { .flows = 2, .ok = true, .bps = 5e6 } };
	char msg[256], *buf = NULL;
	size_t len = 0;
	FILE *f;

	assert_int_equal(parse(&o, msg, "--load 2 --streams udp:ef 192.0.2.1"), 0);
	s->spec = o.streams[0];
	strcpy(s->name, "udp:ef");
	probe_answer(s, 0, 2 * MS);
	probe_answer(s, 2, 20 * MS + 50 * MS);
	probe_expire(s, UINT64_MAX / 2);
	r.streams = s;
	f = open_memstream(&buf, &len);
	assert_int_equal(probe_report_json(f, &r), 0);
	fclose(f);
	assert_non_null(strstr(buf, "\"load\":{\"flows\":2,\"start_s\":0.020000,\"end_s\":0.040000,"
			       "\"ok\":true,\"bits_per_second\":5000000,\"error\":null}"));
	assert_non_null(strstr(buf, "\"idle\":{\"sent\":2,\"received\":1,\"lost\":1,"
			       "\"loss_pct\":50.000,\"p50_ms\":2.000000"));
	assert_non_null(strstr(buf, "\"load\":{\"sent\":2,\"received\":1,\"lost\":1,"
			       "\"loss_pct\":50.000,\"p50_ms\":50.000000"));
	free(buf);
	stream_free(s);
}

/* A UDP port nothing listens on: bound once, then closed. */
static uint16_t closed_udp_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

/* No echo server: the port unreachable is counted and reported, not
 * just a 100 % loss that looks like the network's. */
static void test_port_unreachable(void **state)
{
	struct probe_stream *s = stream(1);
	struct probe_report r = { .n_streams = 1 };
	struct probe_target t;
	struct probe_opts o;
	char msg[256], args[128], want[128], *buf = NULL;
	uint16_t port = closed_udp_port();
	struct pollfd pfd;
	size_t len = 0;
	uint32_t seq;
	FILE *f;

	snprintf(args, sizeof(args), "--streams udp:ef --udp-port %u 127.0.0.1", port);
	assert_int_equal(parse(&o, msg, args), 0);
	o.target = "127.0.0.1";	/* parse's argv strings are gone */
	assert_int_equal(probe_target_resolve(o.target, &t, msg, sizeof(msg)), 0);
	s->spec = o.streams[0];
	s->n_sent = 0;
	strcpy(s->name, "udp:ef");
	assert_int_equal(probe_sock_open(s, &t, port, 0, msg, sizeof(msg)), 0);
	assert_int_equal(probe_sock_send(s, 0, 0, 1, &t), 0);
	s->n_sent = 1;
	pfd = (struct pollfd){ .fd = s->fd, .events = POLLIN };
	assert_int_equal(poll(&pfd, 1, 5000), 1);
	assert_int_equal(probe_sock_recv(s, 0, &seq), -ECONNREFUSED);
	assert_int_equal(s->unreachable, 1);
	probe_expire(s, UINT64_MAX / 2);
	r.opts = &o;
	r.streams = s;
	f = open_memstream(&buf, &len);
	assert_int_equal(probe_report_text(f, &r), 0);
	assert_int_equal(probe_report_json(f, &r), 0);
	fclose(f);
	snprintf(want, sizeof(want), "udp:ef       1 port unreachable: no itm probe "
		 "echo-server on 127.0.0.1 port %u?", port);
	if (!strstr(buf, want))
		fail_msg("report lacks \"%s\":\n%s", want, buf);
	assert_non_null(strstr(buf, "\"malformed\":0,\"unreachable\":1,"));
	free(buf);
	close(s->fd);
	stream_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wire_roundtrip),
		cmocka_unit_test(test_wire_rejects),
		cmocka_unit_test(test_spec),
		cmocka_unit_test(test_opts_defaults),
		cmocka_unit_test(test_opts_errors),
		cmocka_unit_test(test_percentile),
		cmocka_unit_test(test_loss_accounting),
		cmocka_unit_test(test_idle_load_split),
		cmocka_unit_test(test_load_json),
		cmocka_unit_test(test_report_json),
		cmocka_unit_test(test_port_unreachable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
