// SPDX-License-Identifier: GPL-2.0-only
/*
 * The verdicts of one NFQUEUE queue (src/io/nfq_out.c), without a kernel:
 * what is put is read back from the buffer, and what is sent is read from
 * the other end of a socket pair. Checked: a batch verdict for the highest
 * id (serial arithmetic), plain verdicts when a batch may not be used, a
 * batch never covering the id being put, the order of messages, rewritten
 * packets' bytes, datagrams of at most 256 KB plus one message, and a
 * socket that refuses everything (counted, no crash).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <arpa/inet.h>
#include <cmocka.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "io/nfq_out.h"
#include "testutil.h"

struct msg {
	int type;		/* NFQNL_MSG_VERDICT or _BATCH */
	uint32_t id, verdict, payload;
};

static int attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(a, NFQA_MAX) > 0)
		tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

/* The messages in buf, at most max; their count. */
static int msgs_read(const uint8_t *buf, size_t len, struct msg *out, int max)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int rest = (int)len, n = 0;

	for (; mnl_nlmsg_ok(nlh, rest) && n < max; nlh = mnl_nlmsg_next(nlh, &rest)) {
		const struct nlattr *tb[NFQA_MAX + 1] = { 0 };
		const struct nfqnl_msg_verdict_hdr *vh;

		assert_true(mnl_attr_parse(nlh, sizeof(struct nfgenmsg), attr_cb, tb) >= 0);
		assert_non_null(tb[NFQA_VERDICT_HDR]);
		vh = mnl_attr_get_payload(tb[NFQA_VERDICT_HDR]);
		out[n].type = nlh->nlmsg_type & 0xff;
		out[n].id = ntohl(vh->id);
		out[n].verdict = ntohl(vh->verdict);
		out[n].payload = tb[NFQA_PAYLOAD] ? mnl_attr_get_payload_len(tb[NFQA_PAYLOAD]) : 0;
		n++;
	}
	return n;
}

static int fill_read(struct nfq_out *o, struct msg *out, int max)
{
	return msgs_read(o->fill.data, o->fill.len, out, max);
}

static void out_open(struct nfq_out *o, struct mnl_socket *nl)
{
	struct itm_err err;

	assert_int_equal(nfq_out_init(o, nl, 1000, &err), 0);
}

static void test_batch_for_highest_id(void **state)
{
	struct nfq_out o;
	struct msg m[4];

	out_open(&o, NULL);
	/* ids wrap: 1 comes after 0xffffffff */
	nfq_out_accept(&o, 0xfffffffeu, true);
	nfq_out_accept(&o, 1, true);
	nfq_out_accept(&o, 0xffffffffu, true);
	nfq_out_pending(&o, true);
	assert_int_equal(fill_read(&o, m, 4), 1);
	assert_int_equal(m[0].type, NFQNL_MSG_VERDICT_BATCH);
	assert_int_equal(m[0].id, 1);
	assert_int_equal(m[0].verdict, NF_ACCEPT);
	assert_int_equal(o.batched, 3);
	assert_int_equal(o.npend, 0);
	nfq_out_fini(&o);
}

static void test_no_batch_one_each(void **state)
{
	struct nfq_out o;
	struct msg m[4];

	out_open(&o, NULL);
	nfq_out_accept(&o, 7, true);
	nfq_out_accept(&o, 5, true);
	nfq_out_pending(&o, false);
	assert_int_equal(fill_read(&o, m, 4), 2);
	assert_int_equal(m[0].type, NFQNL_MSG_VERDICT);
	assert_int_equal(m[0].id, 7);
	assert_int_equal(m[1].id, 5);
	assert_int_equal(o.batched, 0);
	nfq_out_fini(&o);
}

/* A drop for 5 with accepts for 3 and 7 waiting: a batch for 7 would
 * accept 5, so the accepts go one by one, then the drop. */
static void test_batch_never_covers_the_put(void **state)
{
	struct nfq_out o;
	struct msg m[4];

	out_open(&o, NULL);
	nfq_out_accept(&o, 3, true);
	nfq_out_accept(&o, 7, true);
	nfq_out_put(&o, 5, NF_DROP, NULL, true);
	assert_int_equal(fill_read(&o, m, 4), 3);
	assert_int_equal(m[0].type, NFQNL_MSG_VERDICT);
	assert_int_equal(m[0].id, 3);
	assert_int_equal(m[1].id, 7);
	assert_int_equal(m[2].id, 5);
	assert_int_equal(m[2].verdict, NF_DROP);
	nfq_out_fini(&o);
	/* all lower: one batch, then the drop */
	out_open(&o, NULL);
	nfq_out_accept(&o, 3, true);
	nfq_out_accept(&o, 4, true);
	nfq_out_put(&o, 5, NF_DROP, NULL, true);
	assert_int_equal(fill_read(&o, m, 4), 2);
	assert_int_equal(m[0].type, NFQNL_MSG_VERDICT_BATCH);
	assert_int_equal(m[0].id, 4);
	assert_int_equal(m[1].id, 5);
	nfq_out_fini(&o);
}

/* A full pend list goes out before the next accept joins it. */
static void test_pend_overflow(void **state)
{
	struct nfq_out o;
	struct msg m[4];
	uint32_t i;

	out_open(&o, NULL);
	for (i = 1; i <= NFQ_OUT_PEND_MAX + 1; i++)
		nfq_out_accept(&o, i, true);
	assert_int_equal(o.npend, 1);
	assert_int_equal(fill_read(&o, m, 4), 1);
	assert_int_equal(m[0].id, NFQ_OUT_PEND_MAX);
	nfq_out_fini(&o);
}

static struct itm_pkt *pkt_of(uint32_t len)
{
	struct itm_pkt *p = calloc(1, sizeof(*p));

	p->data = calloc(1, len);
	p->caplen = p->wirelen = len;
	return p;
}

/*
 * Ten rewritten 60000-byte packets and some accepts: the buffer grows while
 * they are put, and the send splits them into datagrams of at most 256 KB
 * plus one message, in order, every verdict there once.
 */
static void test_send_in_datagrams(void **state)
{
	static uint8_t buf[1 << 20];
	struct mnl_socket *nl;
	struct itm_pkt *p = pkt_of(60000);
	struct nfq_out o;
	struct msg m[64];
	int sv[2], size = 8 << 20, got = 0, dgrams = 0, i;
	ssize_t n;

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	nl = mnl_socket_fdopen(sv[0]);
	assert_non_null(nl);
	out_open(&o, nl);
	for (i = 0; i < 10; i++) {
		nfq_out_accept(&o, (uint32_t)(2 * i + 1), false);
		nfq_out_put(&o, (uint32_t)(2 * i + 2), NF_ACCEPT, p, false);
	}
	assert_true(o.fill.len > 600000);
	nfq_out_send(&o);
	assert_int_equal(o.fill.len, 0);
	while ((n = recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		int k = msgs_read(buf, (size_t)n, m + got, 64 - got);

		assert_true(n <= 256 * 1024 + 61000);
		for (i = got; i < got + k; i++) {
			assert_int_equal(m[i].id, (uint32_t)(i + 1));
			assert_int_equal(m[i].payload, m[i].id % 2 ? 0 : 60000);
		}
		got += k;
		dgrams++;
	}
	assert_int_equal(got, 20);
	assert_true(dgrams >= 3);
	assert_int_equal(o.split, 0);
	assert_int_equal(o.errors, 0);
	nfq_out_fini(&o);
	mnl_socket_close(nl);
	close(sv[1]);
	free(p->data);
	free(p);
}

/* A socket that takes nothing: each datagram is tried whole, then verdict
 * by verdict, and all of it counted; the buffer is empty after. */
static void test_refused_counted(void **state)
{
	struct test_stderr cap;
	struct mnl_socket *nl;
	char *log;
	struct nfq_out o;
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	close(sv[1]);
	nl = mnl_socket_fdopen(sv[0]);
	out_open(&o, nl);
	nfq_out_put(&o, 1, NF_DROP, NULL, false);
	nfq_out_put(&o, 2, NF_DROP, NULL, false);
	cap = test_stderr_start();
	nfq_out_send(&o);
	log = test_stderr_stop(cap);
	assert_int_equal(o.split, 1);
	assert_int_equal(o.errors, 2);
	/* one line for both, naming the queue and the error */
	assert_string_equal(log, "itmd: warning: nfqueue: queue 1000: a verdict "
			    "refused: Broken pipe\n");
	assert_int_equal(o.fill.len, 0);
	nfq_out_fini(&o);
	mnl_socket_close(nl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batch_for_highest_id),
		cmocka_unit_test(test_no_batch_one_each),
		cmocka_unit_test(test_batch_never_covers_the_put),
		cmocka_unit_test(test_pend_overflow),
		cmocka_unit_test(test_send_in_datagrams),
		cmocka_unit_test(test_refused_counted),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
