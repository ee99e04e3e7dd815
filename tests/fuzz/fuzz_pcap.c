// SPDX-License-Identifier: GPL-2.0-only
/*
 * Capture-file fuzzer: the input is a pcap or pcapng file, replayed through
 * a pipeline with every module (sizeaware and pias rewrite headers, flow
 * and dscp classify, pias reads sequence numbers) into a shaped FIFO,
 * writing an output file, exactly as `itm replay` does.
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "itm/cmd.h"
#include "itm/replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char conf[] =
	"module add sizeaware hook forward threshold 3\n"
	"module add dscp hook pre-routing\n"
	"module add flow keys src,proto-dst,priority,vlan-tag,tunnel-src,tunnel-proto-src divisor 64\n"
	"module add flow label m mode map key tunnel-dst and 0xff addend -3\n"
	"module add pias prio_num 3 prio_thresh_0 1000 prio_thresh_1 4000 message on ect\n"
	"qdisc add root pfifo limit 16\n"
	"link rate 10mbit\n"
	"flows limit 64 idle 1s\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[64], msg[512];
	struct itm_replay_stats st;
	struct itm_engine *e;
	int fd;

	fd = memfd_create("fuzz-pcap", 0);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size)
		goto out;
	if (itm_config_load_buf("fuzz", conf, sizeof(conf) - 1, &e, msg,
				sizeof(msg)) < 0)
		goto out;
	snprintf(in, sizeof(in), "/proc/self/fd/%d", fd);
	itm_replay_run(e, in, "/dev/null", &st, msg, sizeof(msg));
	itm_engine_destroy(e);
out:
	close(fd);
	return 0;
}
