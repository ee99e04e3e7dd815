#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# itm probe end to end, on a test bed in route mode (the kernel forwards, no
# itmd): the echo server and iperf3 -s in the server namespace, the probe in
# the client's for 3 s at 20 ms with 2 iperf3 flows from 1 s to 2 s (IPv4,
# raw ICMP sockets as root), then 1 s over IPv6 with ICMP datagram sockets
# (ping_group_range opened in the client namespace). Checked: every stream
# has samples in both phases, no idle loss, idle RTTs in (0, 100) ms, the
# load's throughput above 0, each stream's DSCP (ECN 0) on the wire at the
# server, the samples file and both plots. Root only; 77 (skip) without it
# or without a tool.
#   run_probe.sh ITM WORKDIR
set -u
itm=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../live/lib.sh"
py=/usr/bin/python3

need_root "network namespaces"
need ip iperf3 tcpdump gnuplot $py

fresh_work "$work"
tb=itp_$$	# namespace names are global: unique per run
C=$tb-client S=$tb-server

# in_server_bg LOG READY-TEXT CMD...: start CMD in the server namespace and
# wait (5 s at most) until its log says READY-TEXT
in_server_bg() {
	local log=$1 ready=$2 end=$((SECONDS + 5))
	shift 2
	ip netns exec "$S" "$@" >"$log" 2>&1 &
	bg_pids="$bg_pids $!"
	until grep -q "$ready" "$log"; do
		[ $SECONDS -lt $end ] || { echo "FAIL: not ready: $*"; cat "$log"; exit 1; }
		sleep 0.05
	done
}

"$testbed" up --name "$tb" --mode route || { echo "FAIL: testbed up"; exit 1; }
in_server_bg "$work/tcpdump.log" "listening on" \
	tcpdump -i eth0 -n -U --immediate-mode -B 4096 -w "$work/server.pcap" 'udp port 7777 or icmp or icmp6'
tcpdump_pid=${bg_pids##* }
in_server_bg "$work/echo.log" "listening" "$itm" probe echo-server --port 7777
in_server_bg "$work/iperf.log" "listening" iperf3 -s -1 -p 5201 --forceflush

ip netns exec "$C" "$itm" probe 10.77.2.2 --interval 20ms --duration 3s \
	--load 2 --load-start 1s --load-secs 1s --json \
	--samples "$work/samples.csv" --plot "$work/probe.png" \
	>"$work/probe4.json" 2>"$work/probe4.err"
check "IPv4 probe exits 0" [ $? = 0 ]
ip netns exec "$C" sysctl -qw net.ipv4.ping_group_range="0 0"
ip netns exec "$C" "$itm" probe fd77:2::2 --interval 20ms --duration 1s --json \
	>"$work/probe6.json" 2>"$work/probe6.err"
check "IPv6 probe exits 0" [ $? = 0 ]
sleep 0.2	# the last packets reach the capture (immediate mode: no ring block waits)
kill -INT "$tcpdump_pid"
wait "$tcpdump_pid" 2>/dev/null

# report_ok FILE PHASES: every stream has samples in each phase, no idle
# loss, idle RTTs in (0, 100) ms, and with "idle load" a load throughput
report_ok() {
	$py - "$@" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
phases = sys.argv[2:]
ok = len(r["streams"]) == 6
for s in r["streams"]:
    for ph in phases:
        if s[ph]["received"] == 0:
            print(s["name"], ph, "no samples"); ok = False
    i = s["idle"]
    if i["lost"] != 0:
        print(s["name"], "idle loss", i["lost"]); ok = False
    if i["received"] and not (0 < i["p50_ms"] <= i["max_ms"] < 100):
        print(s["name"], "idle RTT out of (0, 100) ms:", i); ok = False
if "load" in phases:
    l = r["load"]
    if not (l and l["ok"] and l["bits_per_second"] > 0):
        print("load:", l); ok = False
    else:
        print("load: %.1f Mbit/s" % (l["bits_per_second"] / 1e6))
sys.exit(0 if ok else 1)
PY
}
check "IPv4 report: samples idle and under load, no idle loss, RTTs, throughput" \
	report_ok "$work/probe4.json" idle load
check "IPv6 report: samples, no loss, RTTs" report_ok "$work/probe6.json" idle
# icmp_socket KIND FILE: the ICMP streams used KIND sockets
icmp_socket() {
	$py -c 'import json,sys
r = json.load(open(sys.argv[2]))
k = {s["socket"] for s in r["streams"] if s["proto"] == "icmp"}
sys.exit(0 if k == {sys.argv[1]} else 1)' "$@"
}
check "IPv4 ICMP over raw sockets (root, ping_group_range closed)" \
	icmp_socket raw "$work/probe4.json"
check "IPv6 ICMP over datagram sockets (ping_group_range open)" \
	icmp_socket datagram "$work/probe6.json"

# sent FILE STREAM: probes sent by a stream, from the JSON report
sent() {
	$py -c 'import json,sys
r = json.load(open(sys.argv[1]))
s = [s for s in r["streams"] if s["name"] == sys.argv[2]][0]
print(s["idle"]["sent"] + s["load"]["sent"])' "$1" "$2"
}
# on_wire FILTER: how many captured packets match
on_wire() {
	tcpdump -r "$work/server.pcap" -n "$1" 2>/dev/null | wc -l
}
at_least() {	# GOT WANT: GOT >= WANT > 0
	[ "$2" -gt 0 ] && [ "$1" -ge "$2" ]
}
# every request of each stream carries its DSCP and ECN 0 at the server
for cls in ef:184 be:0 cs1:32; do
	name=${cls%%:*} tos=${cls##*:}
	v4="dst host 10.77.2.2 and ip[1] == $tos"
	v6="dst host fd77:2::2 and (ip6[0:2] >> 4) & 0xff == $tos"
	for f in "icmp:$name|$v4 and icmp[icmptype] == icmp-echo|probe4" \
		 "udp:$name|$v4 and udp dst port 7777|probe4" \
		 "icmp:$name|$v6 and ip6[6] == 58 and ip6[40] == 128|probe6" \
		 "udp:$name|$v6 and udp dst port 7777|probe6"; do
		IFS='|' read -r stream filter report <<<"$f"
		want=$(sent "$work/$report.json" "$stream")
		got=$(on_wire "$filter")
		check "$report $stream: $got of $want requests with TOS $tos on the wire" \
			at_least "$got" "$want"
	done
done

rows=$(($(wc -l <"$work/samples.csv") - 1))
total=0
for s in icmp:ef icmp:be icmp:cs1 udp:ef udp:be udp:cs1; do
	total=$((total + $(sent "$work/probe4.json" "$s")))
done
check "samples file: $rows rows, one per probe ($total)" [ "$rows" = "$total" ]
for p in probe.png probe-cdf.png; do
	check "plot $p is a PNG" [ "$(head -c 4 "$work/$p" | tail -c 3)" = PNG ]
done

finish probe "$work/probe4.err" "$work/probe6.err" "$work/echo.log" "$work/iperf.log"
