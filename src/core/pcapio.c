// SPDX-License-Identifier: GPL-2.0-only
/*
 * Capture files through libpcap, which reads pcap and pcapng and validates
 * record headers. Timestamps are kept in nanoseconds from end to end, so a
 * replay keeps the input's precision and its output is exact.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "itm/pcapio.h"
#include "itm/units.h"

#define ITM_PCAP_MAX_SEC INT64_C(9223372035)

int itm_pcap_link(int dlt)
{
	switch (dlt) {
	case DLT_NULL: return ITM_LINK_NULL;
	case DLT_LOOP: return ITM_LINK_LOOP;
	case DLT_EN10MB: return ITM_LINK_ETHERNET;
	case DLT_RAW: return ITM_LINK_RAW;
	case DLT_IPV4: return ITM_LINK_IPV4;
	case DLT_IPV6: return ITM_LINK_IPV6;
	case DLT_LINUX_SLL: return ITM_LINK_LINUX_SLL;
#ifdef DLT_LINUX_SLL2
	case DLT_LINUX_SLL2: return ITM_LINK_LINUX_SLL2;
#endif
	default: return -1;
	}
}

int itm_pcap_open(struct itm_pcap_in *in, const char *path, char *msg,
		  size_t len)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	int link;

	memset(in, 0, sizeof(*in));
	in->pc = pcap_open_offline_with_tstamp_precision(path,
				PCAP_TSTAMP_PRECISION_NANO, ebuf);
	if (!in->pc) {
		snprintf(msg, len, "%s: %s", path, ebuf);
		return -EINVAL;
	}
	in->path = path;
	in->dlt = pcap_datalink(in->pc);
	link = itm_pcap_link(in->dlt);
	in->known = link >= 0;
	in->link = in->known ? (uint16_t)link : UINT16_MAX;
	return 0;
}

struct itm_pkt *itm_pkt_new(const uint8_t *data, uint32_t caplen,
			    uint32_t wirelen, uint16_t link, uint64_t ts_ns)
{
	struct itm_pkt *p = calloc(1, sizeof(*p) + ITM_PKT_HEADROOM + caplen);

	if (!p)
		return NULL;
	p->data = (uint8_t *)(p + 1) + ITM_PKT_HEADROOM;
	p->headroom = ITM_PKT_HEADROOM;
	memcpy(p->data, data, caplen);
	p->caplen = caplen;
	p->wirelen = wirelen < caplen ? caplen : wirelen;
	p->link = link;
	p->ts_ns = ts_ns;
	itm_pkt_parse(p);
	return p;
}

void itm_pkt_free(struct itm_pkt *p)
{
	free(p);
}

int itm_pcap_next(struct itm_pcap_in *in, struct itm_pkt **out, char *msg,
		  size_t len)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t ts;
	int r = pcap_next_ex(in->pc, &h, &data);

	if (r == PCAP_ERROR_BREAK)
		return 0;
	if (r != 1) {
		snprintf(msg, len, "%s: after record %llu: %s", in->path,
			 (unsigned long long)in->count, pcap_geterr(in->pc));
		return -EINVAL;
	}
	in->count++;
	/* time is u64 ns: keep to before 2262 (2^63 ns), leaving headroom
	 * for the link and timers to add to it without wrapping */
	if (h->ts.tv_sec < 0 || h->ts.tv_sec > ITM_PCAP_MAX_SEC ||
	    h->ts.tv_usec < 0 || h->ts.tv_usec >= 1000000000) {
		snprintf(msg, len, "%s: record %llu: timestamp out of range",
			 in->path, (unsigned long long)in->count);
		return -EINVAL;
	}
	ts = (uint64_t)h->ts.tv_sec * ITM_NSEC_PER_SEC + (uint64_t)h->ts.tv_usec;
	*out = itm_pkt_new(data, h->caplen, h->len, in->link, ts);
	if (!*out) {
		snprintf(msg, len, "out of memory");
		return -ENOMEM;
	}
	return 1;
}

void itm_pcap_close(struct itm_pcap_in *in)
{
	if (in->pc)
		pcap_close(in->pc);
	in->pc = NULL;
}

int itm_pcap_create(struct itm_pcap_out *out, const char *path, int dlt,
		    char *msg, size_t len)
{
	memset(out, 0, sizeof(*out));
	out->pc = pcap_open_dead_with_tstamp_precision(dlt, 262144,
					PCAP_TSTAMP_PRECISION_NANO);
	if (!out->pc) {
		snprintf(msg, len, "%s: cannot create a pcap writer", path);
		return -ENOMEM;
	}
	out->d = pcap_dump_open(out->pc, path);
	if (!out->d) {
		snprintf(msg, len, "%s", pcap_geterr(out->pc));
		pcap_close(out->pc);
		out->pc = NULL;
		return -EIO;
	}
	return 0;
}

void itm_pcap_write(struct itm_pcap_out *out, const struct itm_pkt *p,
		    uint64_t ts_ns)
{
	struct pcap_pkthdr h = {
		.ts.tv_sec = (time_t)(ts_ns / ITM_NSEC_PER_SEC),
		.ts.tv_usec = (suseconds_t)(ts_ns % ITM_NSEC_PER_SEC),
		.caplen = p->caplen,
		.len = p->wirelen,
	};

	pcap_dump((u_char *)out->d, &h, p->data);
	out->count++;
}

int itm_pcap_finish(struct itm_pcap_out *out, char *msg, size_t len)
{
	int r = 0;

	if (!out->d)
		return 0;
	if (pcap_dump_flush(out->d) < 0) {
		snprintf(msg, len, "writing the output pcap failed");
		r = -EIO;
	}
	pcap_dump_close(out->d);
	pcap_close(out->pc);
	out->d = NULL;
	out->pc = NULL;
	return r;
}
