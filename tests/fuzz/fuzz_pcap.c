// SPDX-License-Identifier: GPL-2.0-only
/*
 * Capture-file fuzzer: the input is a pcap or pcapng file, replayed through
 * a pipeline with every module (sizeaware and pias rewrite headers, flow
 * and dscp classify, pias reads sequence numbers) into a tree of every
 * discipline kind (a shaper over strict bands holding fq_pie, drr with a
 * missing class, and a vif tree with nested, capped and blocked VIFs whose
 * deepest leaf holds pie in rate mode), writing an output file, exactly as
 * `itm replay` does.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "itm/cmd.h"
#include "itm/replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char conf[] =
	"module add sizeaware hook forward threshold 3\n"
	"module add dscp hook pre-routing\n"
	"module add flow label m mode map key tunnel-dst and 0xff addend -3\n"
	"module add flow keys src,proto-dst,priority,vlan-tag,tunnel-src,tunnel-proto-src divisor 3 baseclass 4:1\n"
	"module add pias prio_num 3 prio_thresh_0 1000 prio_thresh_1 4000 message on ect\n"
	"qdisc add root handle 1: tbf rate 8mbit burst 4kb limit 64kb\n"
	"qdisc add parent 1:1 handle 2: prio rank priority\n"
	"class change classid 2:2 prio ecn_thresh 3kb\n"
	"qdisc add parent 2:1 handle 3: fq_pie limit 32 flows 16 ecn memory_limit 20kb keys src,tunnel-src\n"
	"qdisc add parent 2:2 handle 4: drr\n"
	"class add parent 4: classid 4:1 drr quantum 300\n"
	"class add parent 4: classid 4:2 drr\n"
	"qdisc add parent 2:3 handle 5: vif bandwidth 6mbit mode pq default 5:3\n"
	"class add parent 5: classid 5:3 vif bandwidth 2mbit ceil 3mbit priority 1\n"
	"class add parent 5:3 classid 5:1 vif bandwidth 1mbit mode shaping weight 3\n"
	"class add parent 5:1 classid 5:2 vif weight 2\n"
	"class add parent 5: classid 5:4 vif mode block\n"
	"qdisc add parent 5:2 handle 6: pie limit 16 target 1ms tupdate 2ms dq_rate_estimator bytemode ecn\n"
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
				sizeof(msg)) < 0) {
		fprintf(stderr, "fuzz_pcap: its own configuration fails: %s\n", msg);
		abort();
	}
	snprintf(in, sizeof(in), "/proc/self/fd/%d", fd);
	itm_replay_run(e, in, "/dev/null", NULL, &st, msg, sizeof(msg));
	itm_engine_destroy(e);
out:
	close(fd);
	return 0;
}
