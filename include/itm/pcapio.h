/* SPDX-License-Identifier: GPL-2.0-only */
/* Reading and writing capture files (pcap and pcapng) through libpcap. */
#ifndef ITM_PCAPIO_H
#define ITM_PCAPIO_H

#include <pcap/pcap.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include "itm/pkt.h"

struct itm_pcap_in {
	pcap_t *pc;
	const char *path;
	uint16_t link;		/* enum itm_link, if known */
	bool known;		/* a link type the parser knows */
	int dlt;
	uint64_t count;		/* records read so far */
};

/* Open for reading with nanosecond timestamps. msg gets the reason. */
int itm_pcap_open(struct itm_pcap_in *in, const char *path, char *msg,
		  size_t len);
/*
 * Read the next record into a new packet (malloc'ed with its data inline,
 * parsed). Returns 1 and *out, 0 at the end, or -errno with msg naming the
 * file, the record and libpcap's reason.
 */
int itm_pcap_next(struct itm_pcap_in *in, struct itm_pkt **out, char *msg,
		  size_t len);
void itm_pcap_close(struct itm_pcap_in *in);

/* Map a libpcap DLT to the link type the parser knows, or -1. */
int itm_pcap_link(int dlt);

/* Make a packet holding a copy of data after ITM_PKT_HEADROOM free bytes,
 * parsed. NULL on ENOMEM. */
struct itm_pkt *itm_pkt_new(const uint8_t *data, uint32_t caplen,
			    uint32_t wirelen, uint16_t link, uint64_t ts_ns);
void itm_pkt_free(struct itm_pkt *p);

struct itm_pcap_out {
	pcap_t *pc;
	pcap_dumper_t *d;
	uint64_t count;
};

int itm_pcap_create(struct itm_pcap_out *out, const char *path, int dlt,
		    char *msg, size_t len);
/* Write p with timestamp ts_ns. */
void itm_pcap_write(struct itm_pcap_out *out, const struct itm_pkt *p,
		    uint64_t ts_ns);
int itm_pcap_finish(struct itm_pcap_out *out, char *msg, size_t len);

#endif
