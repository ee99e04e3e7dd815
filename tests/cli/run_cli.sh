#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The itm command line as a user meets it: help, error messages that name
# file, line and token, exit codes, and bad input refused without a crash.
set -u
itm=$1 work=$2
mkdir -p "$work"
fails=0

# expect RC PATTERN -- CMD...: run CMD, check its exit code and that its
# output (stdout and stderr) matches the extended regular expression.
expect() {
	local rc=$1 pat=$2 out got
	shift 3
	out=$("$@" 2>&1)
	got=$?
	if [ "$got" != "$rc" ] || ! grep -Eq -- "$pat" <<< "$out"; then
		echo "FAIL: $* -> rc $got (want $rc), output:"
		sed 's/^/    /' <<< "$out" | head -20
		echo "  wanted /$pat/"
		fails=$((fails + 1))
	fi
}

conf=$work/ok.conf
printf 'module add sizeaware hook forward threshold 5\nqdisc add root pfifo limit 10\n' > "$conf"
printf 'module add sizeaware\nqdisc add root pfifoo limit 10\n' > "$work/badkind.conf"
printf '# comment\n\nset sizeaware.threshold 5\n' > "$work/nomod.conf"
printf 'qdisc add root pfifo limit 0\n' > "$work/range.conf"
printf 'link rate 10furlongs\n' > "$work/unit.conf"
printf 'module add sizeaware threshold -1\n' > "$work/neg.conf"
printf 'qdisc add root pfifo limit 100\nqdisc change root pfifo limit 10 limit 100\n' > "$work/twice.conf"
printf 'qdisc add root fq_pie ecn noecn\n' > "$work/twice-bool.conf"
printf 'flows limit 64 idle 1s limit 128\n' > "$work/twice-flows.conf"
printf 'link rate 10mbit overhead 24 rate 20mbit\n' > "$work/twice-link.conf"
printf 'module add sizeaware hook forward threshold 3 hook local-in\n' > "$work/twice-param.conf"
printf 'module add sizeaware label a hook forward label b\n' > "$work/twice-label.conf"
printf 'module add sizeaware threshold 3 proto tcp threshold 5\n' > "$work/twice-split.conf"
printf 'qdisc add root handle 1: prio\nqdisc add parent 1:1 root pfifo\n' > "$work/twice-place.conf"
printf 'qdisc add root handle 1: drr\nclass add parent 1: classid 1:3 classid 1:4 drr\n' > "$work/twice-classid.conf"
printf 'not a pcap file at all, just text\n' > "$work/text.pcap"
head -c 100 "$(dirname "$0")/../golden/sizeaware/in.pcap" > "$work/cut.pcap"
# a pcap header of link type 147 (a private one, no name in libpcap)
printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\0\0\0\0\0\0\0\0\xff\xff\0\0\x93\0\0\0' > "$work/user0.pcap"

expect 0 'itm replay -c CONF' -- "$itm" help
expect 0 'qdisc add\|replace root\|parent MAJOR:MINOR' -- "$itm" qdisc help
expect 0 'limit +packets in \[1p\.\.2147483647p\], default 1000p' -- "$itm" qdisc help
expect 0 'threshold +packets in \[0\.\.4294967295\], default 20' -- "$itm" module help
expect 0 'itm parse \[--json\] FILE' -- "$itm" parse help
expect 0 '\[--load-cc ALGO\]' -- "$itm" probe help
expect 0 '\[--module "PROGRAM \[ARGS\]"\]' -- "$itm" replay help
expect 2 'unknown command "frobnicate"' -- "$itm" frobnicate
expect 0 'qdisc pfifo 1: root limit 10p' -- "$itm" check -c "$conf"
expect 0 'qdisc pfifo 1: root limit 10p' -- "$itm" check --config "$conf"
expect 1 'badkind.conf:2: "pfifoo": unknown qdisc "pfifoo" \(known: pfifo bfifo' -- "$itm" check -c "$work/badkind.conf"
expect 1 'nomod.conf:3: "sizeaware.threshold": no module "sizeaware"' -- "$itm" check -c "$work/nomod.conf"
expect 1 'range.conf:1: "0": limit must be in \[1p\.\.' -- "$itm" check -c "$work/range.conf"
expect 1 'unit.conf:1: "10furlongs": link rate' -- "$itm" check -c "$work/unit.conf"
expect 1 'neg.conf:1: "-1": threshold' -- "$itm" check -c "$work/neg.conf"
# an option given twice is a typo's twin: refused, not the last one taken
expect 1 'twice.conf:2: "limit": limit given twice' -- "$itm" check -c "$work/twice.conf"
expect 1 'twice-bool.conf:1: "noecn": ecn given twice' -- "$itm" check -c "$work/twice-bool.conf"
expect 1 'twice-flows.conf:1: "limit": flows limit given twice' -- "$itm" check -c "$work/twice-flows.conf"
expect 1 'twice-link.conf:1: "rate": link rate given twice' -- "$itm" check -c "$work/twice-link.conf"
expect 1 'twice-param.conf:1: "hook": sizeaware: "hook" goes once, before the interest and the parameters' -- "$itm" check -c "$work/twice-param.conf"
expect 1 'twice-label.conf:1: "label": label given twice' -- "$itm" check -c "$work/twice-label.conf"
expect 1 'twice-split.conf:1: "threshold": threshold given twice' -- "$itm" check -c "$work/twice-split.conf"
expect 1 'twice-place.conf:2: "root": root or parent given twice' -- "$itm" check -c "$work/twice-place.conf"
expect 1 'twice-classid.conf:2: "classid": classid given twice' -- "$itm" check -c "$work/twice-classid.conf"
expect 1 'missing.conf: No such file' -- "$itm" check -c "$work/missing.conf"
expect 1 'text.pcap: unknown file format' -- "$itm" parse "$work/text.pcap"
expect 1 'cut.pcap: after record [0-9]+: truncated' -- "$itm" parse "$work/cut.pcap"
expect 1 'cut.pcap' -- "$itm" replay -c "$conf" "$work/cut.pcap" -w "$work/cut-out.pcap"
expect 1 'user0.pcap: link type 147 is not supported' -- "$itm" replay -c "$conf" "$work/user0.pcap"
expect 2 'usage: itm replay' -- "$itm" replay "$work/cut.pcap"
expect 2 '"fast".*rate' -- "$itm" replay -c "$conf" --rate fast "$work/cut.pcap"
expect 1 'badkind.conf:2' -- "$itm" replay -c "$work/badkind.conf" "$work/cut.pcap"
nine=()
for i in 1 2 3 4 5 6 7 8 9; do nine+=(-e 'qdisc show'); done
expect 2 'at most 8 -e commands' -- "$itm" replay -c "$conf" "${nine[@]}" "$work/cut.pcap"
expect 0 '"src":"192.0.2.1","dst":"198.51.100.1","proto":6,"proto-src":40001' -- "$itm" parse --json "$(dirname "$0")/../golden/sizeaware/in.pcap"
expect 0 '"drops":\{"module":0,"limit":0' -- "$itm" replay --json -c "$conf" "$(dirname "$0")/../golden/sizeaware/in.pcap"
cp "$(dirname "$0")/../../data/cdf/web-search.txt" "$work/q\"uote.cdf"
expect 0 '"cdf":"[^,]*q\\"uote\.cdf","load":0\.5,' -- "$itm" pias thresholds --cdf "$work/q\"uote.cdf" --load 0.5 --queues 3 --json
expect 2 '\-\-load "1\.5": must be a number in \(0, 1\)' -- "$itm" pias thresholds --cdf "$work/q\"uote.cdf" --load 1.5 --queues 3
expect 2 '\-\-queues "9": must be an integer in \[2, 8\]' -- "$itm" pias thresholds --cdf "$work/q\"uote.cdf" --load 0.5 --queues 9

# fq_pie as tc-fq_pie(8): a flow whose queue empties leaves the lists at
# the dequeue that finds nothing (Linux dequeues until then), so on an
# unlimited link every packet arrives as a new flow and an idle qdisc shows
# empty lists
printf 'qdisc add root fq_pie\n' > "$work/fq_pie.conf"
expect 0 '^  new_flow_count 60 new_flows_len 0 old_flows_len 0 memory_used 0' -- \
	"$itm" replay -c "$work/fq_pie.conf" "$(dirname "$0")/../golden/pias/in.pcap"
# and under prio, which dequeues every band as Linux's prio does
printf 'qdisc add root handle 1: prio priomap 1,1,1,1,1,1,1,1\nqdisc add parent 1:2 fq_pie\n' \
	> "$work/prio_fq_pie.conf"
expect 0 '^  new_flow_count 60 new_flows_len 0 old_flows_len 0 memory_used 0' -- \
	"$itm" replay -c "$work/prio_fq_pie.conf" "$(dirname "$0")/../golden/pias/in.pcap"

# flow's perturb as tc-flow(8): a bare number is seconds (Siemon's script
# has perturb 60), a unit still works
printf 'module add flow keys src,dst perturb 60\n' > "$work/perturb.conf"
expect 0 'perturb 60\.0s ' -- "$itm" check -c "$work/perturb.conf"
printf 'module add flow keys src,dst perturb 500ms\n' > "$work/perturb.conf"
expect 0 'perturb 500\.0ms ' -- "$itm" check -c "$work/perturb.conf"

# an output file that cannot be written is refused before the run
expect 2 'itm tgen: --log [^ ]*/nodir/x\.csv: No such file or directory' -- \
	"$itm" tgen client 127.0.0.1:1 --cdf "$(dirname "$0")/../../data/cdf/web-search.txt" \
	--load 0.5 --rate 1gbit --flows 1 --log "$work/nodir/x.csv"

# itm tgen against a server that never answers: a listener whose accept
# queue (of one) is full, so the kernel drops every further SYN
cdf=$(dirname "$0")/../../data/cdf/web-search.txt
if command -v python3 >/dev/null; then
	# a port file of an earlier run would be read before the new one is
	# written: connection refused instead of silence
	rm -f "$work/silent.port"
	python3 -c '
import socket, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(0)
c = socket.create_connection(s.getsockname())
print(s.getsockname()[1], flush=True)
time.sleep(120)' >"$work/silent.port" &
	silent=$!
	for i in $(seq 50); do
		[ -s "$work/silent.port" ] && break
		sleep 0.1
	done
	port=$(cat "$work/silent.port")
	# timeout: a hang (the kernel's two minutes of SYN retries) is a failure
	expect 1 'connect to 127\.0\.0\.1:[0-9]+: no answer within --timeout 500' -- \
		timeout 20 "$itm" tgen client "127.0.0.1:$port" --cdf "$cdf" --load 0.5 \
		--rate 1gbit --flows 1 --conns 1 --timeout 500ms
	# every flow timed out: a result (exit 0), and still a plot
	if command -v gnuplot >/dev/null; then
		rm -f "$work/none.png"
		expect 0 '2 flows \(new connection per flow, seed 1\), 2 timed out' -- \
			timeout 20 "$itm" tgen client "127.0.0.1:$port" --cdf "$cdf" --load 0.5 \
			--rate 1gbit --flows 2 --mode new --timeout 300ms --plot "$work/none.png" \
			--log "$work/none.csv"
		expect 0 'P +N +G' -- od -An -c -N4 "$work/none.png"
		expect 0 '^1,127\.0\.0\.1:[0-9]+,1,[0-9]+,0,[0-9]+,[0-9.]+,[0-9]+,[0-9]+,1,0$' -- cat "$work/none.csv"
		# quotes in the plot's and the CDF's names (the title shows the CDF)
		cp "$cdf" "$work/it's_web.txt"
		rm -f "$work/it's.png"
		expect 0 '1 timed out' -- timeout 20 "$itm" tgen client "127.0.0.1:$port" \
			--cdf "$work/it's_web.txt" --load 0.5 --rate 1gbit --flows 1 --mode new \
			--timeout 100ms --plot "$work/it's.png"
		expect 0 'P +N +G' -- od -An -c -N4 "$work/it's.png"
	fi
	kill "$silent"
	wait "$silent" 2>/dev/null
else
	echo "SKIP: itm tgen against a silent server (no python3)"
fi

if [ $fails -gt 0 ]; then
	echo "$fails CLI checks failed"
	exit 1
fi
echo "CLI checks ok"
