// SPDX-License-Identifier: GPL-2.0-only
/*
 * nfq_naive: the yardstick of bench/bench_live.sh. A deliberately naive
 * NFQUEUE loop with the classic libnetfilter_queue API: whole packets are
 * copied to user space, one recv() per packet and one verdict per packet,
 * NF_ACCEPT for all, default socket buffer. It does set the GSO flag (GSO
 * packets are queued whole, as any current NFQUEUE program does): without
 * it the kernel segments every GSO packet before queueing, and the loop
 * reaches about 450 Mbit/s here, 4 % of kernel forwarding, with overruns.
 *
 *   nfq_naive QUEUE      runs until SIGINT or SIGTERM
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = sig;
}

static int accept_one(struct nfq_q_handle *qh, struct nfgenmsg *msg,
		      struct nfq_data *nfa, void *data)
{
	struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
	unsigned long *count = data;

	(*count)++;
	return nfq_set_verdict(qh, ph ? ntohl(ph->packet_id) : 0, NF_ACCEPT, 0, NULL);
}

int main(int argc, char **argv)
{
	static char buf[65536 + 4096] __attribute__((aligned));
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned long count = 0, lost = 0;
	struct nfq_q_handle *qh;
	struct nfq_handle *h;
	int fd, n;

	if (argc != 2) {
		fprintf(stderr, "usage: nfq_naive QUEUE\n");
		return 2;
	}
	h = nfq_open();
	if (!h) {
		perror("nfq_naive: nfq_open");
		return 1;
	}
	qh = nfq_create_queue(h, (uint16_t)atoi(argv[1]), accept_one, &count);
	if (!qh) {
		perror("nfq_naive: nfq_create_queue");
		goto err_close;
	}
	if (nfq_set_mode(qh, NFQNL_COPY_PACKET, 0xffff) < 0) {
		perror("nfq_naive: nfq_set_mode");
		goto err_destroy;
	}
	if (nfq_set_queue_flags(qh, NFQA_CFG_F_GSO, NFQA_CFG_F_GSO) < 0) {
		perror("nfq_naive: nfq_set_queue_flags");
		goto err_destroy;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fprintf(stderr, "nfq_naive: queue %s\n", argv[1]);
	fd = nfq_fd(h);
	while (!stop) {
		n = (int)recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == ENOBUFS) {	/* the queue overran the socket */
				lost++;
				continue;
			}
			if (errno == EINTR)
				continue;
			perror("nfq_naive: recv");
			break;
		}
		nfq_handle_packet(h, buf, n);
	}
	fprintf(stderr, "nfq_naive: %lu packets accepted, %lu socket overruns\n",
		count, lost);
	nfq_destroy_queue(qh);
	nfq_close(h);
	return 0;

err_destroy:
	nfq_destroy_queue(qh);
err_close:
	nfq_close(h);
	return 1;
}
