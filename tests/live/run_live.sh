#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# One end-to-end case on real traffic: a test bed of three network
# namespaces (tools/testbed.sh), itmd in the middle one, iperf3 and ping
# between the outer two. Each case builds its own test bed under a unique
# name and removes it on exit, failed or not. Needs root; exit 77 (skip)
# without it or without a tool.
#   run_live.sh CASE ITM ITMD WORKDIR
# Cases (issue 5, "Done when"):
#   marks     sizeaware marks short flows' packets Minimize-Delay (TOS 0x10):
#             seen on the server's interface, IPv4 and IPv6, every IPv4 header
#             checksum valid; with offloads off every TCP checksum too; ping
#             through itmd
#   marks-gso PIAS marks every packet, GSO packets included: all marked on
#             the server's interface, every TCP checksum valid
#   queues    queues 2 spread dev: two queues and threads, data and ACKs
#             apart; every packet marked with valid checksums, no verdict
#             lost at full speed, both queues used, tbf 20mbit holds, a
#             clean stop under load
#   libitm    a module process (examples/libitm/sizeaware) marks short
#             flows through NFQUEUE, its packets held for their verdicts;
#             killed under load, traffic goes on and it is unregistered,
#             its hook no longer queued
#   drops     tbf 5mbit as root: goodput 3.5..5.5 Mbit/s, drops counted at
#             the root (qdisc show -s, text and JSON), GSO packets segmented
#             by the kernel under the shaper
#   failopen  itmd killed (SIGKILL) under load: traffic goes on unmanaged
#   restart   itmd killed (SIGKILL) and started again with another device,
#             hook set and queue: the killed run's jumps and chain are
#             gone, the new run's rules are in place and see the packets
#   teardown  SIGTERM removes the rules (IPv4, IPv6), the queue binding and
#             the socket; the test bed leaves no namespace behind
#   reload    the copy range follows run-time module changes; SIGHUP with
#             two modules applies them; a bad file keeps them and logs
#             FILE:LINE
#   devices   modules' iif/oif clauses match the devices NFQUEUE names by
#             index, at forward and at post-routing
#   perm      another uid is refused, by mode 0600 and, with the socket
#             opened to all, by the daemon's peer credential check
#   modload   a module built outside the tree ($ITM_MODULES/dscpmark.so)
#             loaded through the control socket by a relative path marks
#             pings; module list shows its file and counters; a missing
#             file is refused by name; unloaded, itmd closes the file;
#             SIGTERM while a module ($ITM_HOLDFINI) that gives packets
#             back only in its fini holds pings: itmd exits 0
set -u
case_=$1 itm=$2 itmd=$3 work=$4/$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

need_root "network namespaces, iptables"
need ip iptables ip6tables iptables-save ip6tables-save iperf3 ethtool ping ss
[ -x "$itmd" ] || skip "itmd not built ($itmd)"
modprobe -q nfnetlink_queue 2>/dev/null || true

fresh_work "$work"
# unique per run: namespace names are global
tb=itl_$(printf %s "${case_:0:5}" | tr -c "a-zA-Z0-9_.\n" _)_$$
C=$tb-client I=$tb-itm S=$tb-server
sock=$work/itmd.sock
conf=$work/itmd.conf
itmd_pid=""
pub=""

cleanup_extra() {
	[ -z "$itmd_pid" ] || kill -9 "$itmd_pid" 2>/dev/null
	[ -z "$pub" ] || rm -rf "$pub"
}

bed_up() {	# testbed options
	"$testbed" up --name "$tb" "$@" || { echo "FAIL: testbed up $*"; exit 1; }
}

# start_itmd [NS]: itmd -c $conf -S $sock in NS (the itm namespace),
# stderr in itmd.err; returns when the control socket answers (5 s at most)
start_itmd() {
	ip netns exec "${1:-$I}" "$itmd" -c "$conf" -S "$sock" 2>"$work/itmd.err" &
	itmd_pid=$!
	local end=$((SECONDS + 5))
	while [ $SECONDS -lt $end ]; do
		if [ -S "$sock" ] && "$itm" -S "$sock" module list >/dev/null 2>&1; then
			return 0
		fi
		kill -0 "$itmd_pid" 2>/dev/null || break
		sleep 0.1
	done
	echo "FAIL: itmd did not come up; its log:"
	sed 's/^/  /' "$work/itmd.err"
	exit 1
}

# stop_itmd SIGNAL: signal itmd and wait for it (5 s); its status in itmd_rc
stop_itmd() {
	local end=$((SECONDS + 5))
	kill -"$1" "$itmd_pid"
	while kill -0 "$itmd_pid" 2>/dev/null && [ $SECONDS -lt $end ]; do
		sleep 0.1
	done
	if kill -0 "$itmd_pid" 2>/dev/null; then
		itmd_rc=timeout
		kill -9 "$itmd_pid"
	fi
	local rc=0
	wait "$itmd_pid" || rc=$?
	[ "${itmd_rc:-}" = timeout ] || itmd_rc=$rc
	itmd_pid=""
}

# stop_under_load: SIGTERM to itmd 1 s into a 3 s transfer; itmd must exit
# 0 and the transfer complete (the packets it held are released)
stop_under_load() {
	local client rc=0
	iperf_server
	ip netns exec "$C" iperf3 -c 10.77.2.2 -t 3 >"$work/iperf-stop.txt" 2>&1 &
	client=$!
	bg_pids="$bg_pids $client"
	sleep 1
	stop_itmd TERM
	check "itmd exits 0 on SIGTERM under load" [ "$itmd_rc" = 0 ]
	wait "$client" || rc=$?
	check "the transfer survives the stop" [ "$rc" = 0 ]
}

# iperf_server: iperf3 -s -1 in the server namespace, ready to accept
iperf_server() {
	ip netns exec "$S" iperf3 -s -1 >"$work/iperf-server.log" 2>&1 &
	bg_pids="$bg_pids $!"
	local end=$((SECONDS + 5))
	while [ $SECONDS -lt $end ]; do
		ip netns exec "$S" ss -ltnH 'sport = :5201' | grep -q . && return 0
		sleep 0.05
	done
	echo "FAIL: iperf3 server did not listen"
	exit 1
}

# iperf_client OUT ADDR ARGS...: a transfer client->server in Mbit/s; the
# report in OUT, exit status returned
iperf_client() {
	local out=$1 addr=$2
	shift 2
	iperf_server
	ip netns exec "$C" iperf3 -c "$addr" -f m -i 1 "$@" >"$out" 2>&1
}

# receiver Mbit/s of an iperf3 report
iperf_goodput() {
	awk '/receiver$/ { for (i = 1; i <= NF; i++) if ($i == "Mbits/sec") print $(i - 1) }' "$1"
}

# capture_start FILE SNAPLEN FILTER: tcpdump on the server's eth0
capture_start() {
	ip netns exec "$S" tcpdump -i eth0 -s "$2" -U -w "$1" "$3" 2>"$1.log" &
	cap_pid=$!
	bg_pids="$bg_pids $cap_pid"
	local end=$((SECONDS + 5))
	while ! grep -q "listening on" "$1.log" 2>/dev/null; do
		[ $SECONDS -lt $end ] || { echo "FAIL: tcpdump did not start"; cat "$1.log"; exit 1; }
		sleep 0.05
	done
}

capture_stop() {
	sleep 0.2
	kill -INT "$cap_pid" 2>/dev/null
	wait "$cap_pid" 2>/dev/null
}

# fields FILE: one line per packet, read once with checksums checked:
# ip.src dscp4 ip-checksum-status ipv6.src dscp6 tcp-checksum-status ("-" empty)
fields() {
	tshark -r "$1" -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE \
		-T fields -E occurrence=f -E separator=/t -e ip.src -e ip.dsfield.dscp \
		-e ip.checksum.status -e ipv6.src -e ipv6.tclass.dscp \
		-e tcp.checksum.status 2>/dev/null |
		awk -F '\t' -v OFS=' ' '{ for (i = 1; i <= 6; i++) if ($i == "") $i = "-"; print }'
}

# count FIELDS AWK-CONDITION: lines of a fields file matching the condition
count() {
	awk "$2 { n++ } END { print n + 0 }" "$1"
}

ping_ok() {	# ADDR
	ip netns exec "$C" ping -c 3 -i 0.2 -W 1 -n -q "$1" >/dev/null 2>&1
}

# marks_run OFFLOADS: one test bed, itmd with sizeaware, IPv4 and IPv6 transfers
marks_run() {
	local off=$1 cap=$work/marks-$1 snap=160 rate=""
	# with offloads off, checksum offload goes too: a locally sent packet
	# otherwise crosses veth with a partial TCP checksum, "bad" in any
	# capture, kernel forwarding included
	if [ "$off" = on ]; then
		bed_up --mode route
	else
		bed_up --mode route --offloads off --csum off
	fi
	printf 'backend nfqueue\nmodule add sizeaware hook post-routing threshold 5\n' >"$conf"
	start_itmd
	# full packets when TCP checksums are checked: limit the rate to keep
	# the capture small
	[ "$off" = on ] || { snap=0 rate="-b 50m"; }
	capture_start "$cap.pcap" $snap "tcp and dst port 5201"
	# shellcheck disable=SC2086
	iperf_client "$cap-v4.txt" 10.77.2.2 -t 2 $rate || fail "offloads $off: iperf3 IPv4: $(tail -1 "$cap-v4.txt")"
	# shellcheck disable=SC2086
	iperf_client "$cap-v6.txt" fd77:2::2 -t 1 $rate || fail "offloads $off: iperf3 IPv6: $(tail -1 "$cap-v6.txt")"
	capture_stop
	check "offloads $off: ping 10.77.2.2 through itmd" ping_ok 10.77.2.2
	check "offloads $off: ping fd77:2::2 through itmd" ping_ok fd77:2::2

	local v4 m4 bad4 good4 v6 m6 mgood mbad tcp badtcp f=$cap.fields
	fields "$cap.pcap" >"$f"
	v4=$(count "$f" '$1 != "-"')
	m4=$(count "$f" '$1 != "-" && $2 == 4')
	good4=$(count "$f" '$1 != "-" && $3 == 1')
	bad4=$(count "$f" '$1 != "-" && $3 != 1')
	v6=$(count "$f" '$4 != "-"')
	m6=$(count "$f" '$4 != "-" && $5 == 4')
	# a packet itmd rewrote carries a full TCP checksum (the kernel no
	# longer completes a mangled one); status 0 bad, 1 good, 2 unverified
	mgood=$(count "$f" '($2 == 4 || $5 == 4) && $6 == 1')
	mbad=$(count "$f" '($2 == 4 || $5 == 4) && $6 == 0')
	echo "offloads $off: IPv4 $v4 packets, $m4 with TOS 0x10, IPv4 checksums $good4 good $bad4 not; IPv6 $v6 packets, $m6 with traffic class 0x10"
	check "offloads $off: IPv4 packets captured" [ "$v4" -gt 100 ]
	check "offloads $off: IPv4 short-flow packets marked TOS 0x10" [ "$m4" -ge 5 ]
	check "offloads $off: the long flow unmarked (marked < 10 %)" [ $((m4 * 10)) -lt "$v4" ]
	check "offloads $off: every IPv4 header checksum valid" [ "$bad4" = 0 -a "$good4" = "$v4" ]
	check "offloads $off: IPv6 packets marked traffic class 0x10" [ "$m6" -ge 5 ]
	echo "offloads $off: marked packets with a TCP checksum checked: $mgood valid, $mbad not"
	check "offloads $off: marked packets carry valid TCP checksums" [ "$mbad" = 0 -a "$mgood" -ge 4 ]
	if [ "$off" = off ]; then
		tcp=$(count "$f" '$6 != "-"')
		badtcp=$(count "$f" '$6 != "-" && $6 != 1')
		echo "offloads off: TCP $tcp packets, checksum not valid on $badtcp"
		check "offloads off: every TCP checksum valid" [ "$badtcp" = 0 ]
	fi
	stop_itmd TERM
	"$testbed" down --name "$tb" >/dev/null
}

case_marks() {
	need tshark tcpdump
	marks_run on
	marks_run off
}

# GSO packets rewritten: PIAS marks every packet of the transfers, and
# with offloads on most reach itmd as GSO packets; s0 computes checksums in
# software (tx off) and the server does not merge (gro off), so the capture
# shows each segment as it left, full checksum included
case_marks_gso() {
	need tshark tcpdump
	local cap=$work/gso f=$work/gso.fields all m46 m10 bad gso
	bed_up --mode route
	ip netns exec "$I" ethtool -K s0 tx off >/dev/null
	ip netns exec "$S" ethtool -K eth0 gro off >/dev/null
	printf 'backend nfqueue\nmodule add pias hook post-routing prio_num 2 prio_thresh_0 102400 prio_dscp_0 46 prio_dscp_1 10\n' >"$conf"
	start_itmd
	capture_start "$cap.pcap" 0 "tcp and dst port 5201"
	iperf_client "$cap.txt" 10.77.2.2 -t 2 -b 100m || fail "iperf3: $(tail -1 "$cap.txt")"
	capture_stop
	kill -USR1 "$itmd_pid"
	wait_until 3 grep -q " gso [0-9]" "$work/itmd.err"
	gso=$(grep -o " gso [0-9]*" "$work/itmd.err" | tail -1 | cut -d' ' -f3)
	fields "$cap.pcap" >"$f"
	all=$(count "$f" '$1 != "-"')
	m46=$(count "$f" '$1 != "-" && $2 == 46')
	m10=$(count "$f" '$1 != "-" && $2 == 10')
	bad=$(count "$f" '$1 != "-" && $6 != 1')
	echo "itmd saw ${gso:-?} GSO packets; server: $all TCP packets, $m46 DSCP 46, $m10 DSCP 10, TCP checksum not valid on $bad"
	check "GSO packets reached itmd" [ "${gso:-0}" -gt 0 ]
	check "every packet marked (DSCP 46 then 10)" [ "$((m46 + m10))" = "$all" -a "$m10" -gt 0 ]
	check "every TCP checksum valid" [ "$bad" = 0 -a "$all" -gt 100 ]
	# at full speed the verdicts carrying rewritten GSO packets fill
	# batches of hundreds of KB: none may be refused and lost
	iperf_client "$cap-full.txt" 10.77.2.2 -t 2 || fail "iperf3 at full speed: $(tail -1 "$cap-full.txt")"
	local errs dumps
	dumps=$(grep -c " errors [0-9]" "$work/itmd.err")
	kill -USR1 "$itmd_pid"
	wait_until 3 [ "$(grep -c " errors [0-9]" "$work/itmd.err")" -gt "$dumps" ]
	errs=$(grep -o " errors [0-9]*" "$work/itmd.err" | tail -1 | cut -d' ' -f3)
	echo "full speed: $(iperf_goodput "$cap-full.txt") Mbit/s; backend errors ${errs:-?}"
	check "no verdict lost at full speed (backend errors 0)" [ "${errs:-1}" = 0 ]
}

# Two queues, a reader thread each, spread by output device: the data
# (out by s0) and the ACKs (out by c0) take different queues. Every packet
# marked (PIAS), none lost at full speed, a shaper whose verdicts the loop's
# timer sends for both queues, and a clean stop under load.
case_queues() {
	need tshark tcpdump
	local cap=$work/queues f=$work/queues.fields all marked bad q r4 errs
	bed_up --mode route
	ip netns exec "$I" ethtool -K s0 tx off >/dev/null
	ip netns exec "$S" ethtool -K eth0 gro off >/dev/null
	printf 'backend nfqueue queues 2 spread dev
module add pias hook post-routing prio_num 2 prio_thresh_0 102400 prio_dscp_0 46 prio_dscp_1 10
' >"$conf"
	start_itmd
	q=$(queue_bound)
	echo "$q queues bound; rules:"
	ip netns exec "$I" iptables-save -t mangle | grep NFQUEUE | sed 's/^/  /'
	check "two queues bound" [ "$q" = 2 ]
	check "packets leaving by s0 and by c0 go to different queues" \
		[ "$(ip netns exec "$I" iptables-save -t mangle | grep -E -- '-o (s0|c0) ' | grep -o 'queue-num [0-9]*' | sort -u | wc -l)" = 2 ]
	capture_start "$cap.pcap" 0 "tcp and dst port 5201"
	iperf_client "$cap.txt" 10.77.2.2 -t 2 -b 100m || fail "iperf3: $(tail -1 "$cap.txt")"
	capture_stop
	fields "$cap.pcap" >"$f"
	all=$(count "$f" '$1 != "-"')
	marked=$(count "$f" '$1 != "-" && ($2 == 46 || $2 == 10)')
	bad=$(count "$f" '$1 != "-" && $6 != 1')
	echo "server: $all TCP packets, $marked marked, TCP checksum not valid on $bad"
	check "every packet marked" [ "$marked" = "$all" -a "$all" -gt 100 ]
	check "every TCP checksum valid" [ "$bad" = 0 ]
	iperf_client "$cap-full.txt" 10.77.2.2 -t 2 || fail "iperf3 at full speed: $(tail -1 "$cap-full.txt")"
	# the counters through the control socket (SIGUSR1 logs the same)
	"$itm" -S "$sock" backend show -s >"$work/backend.txt" || fail "itm backend show -s"
	sed 's/^/  /' "$work/backend.txt"
	errs=$(grep -o " errors [0-9]*" "$work/backend.txt" | cut -d' ' -f3)
	echo "full speed: $(iperf_goodput "$cap-full.txt") Mbit/s; backend errors ${errs:-?}"
	check "no verdict lost at full speed (backend errors 0)" [ "${errs:-1}" = 0 ]
	check "both queues read packets" \
		[ "$(grep -c 'queue [0-9]* received [1-9]' "$work/backend.txt")" = 2 ]
	"$itm" -S "$sock" backend show -s --json >"$work/backend.json" || fail "itm backend show -s --json"
	check "backend show -s --json: the line, both queues, the same counters" python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
s = j["stats"]
assert j["backend"].startswith("nfqueue") and s["queues"] == 2, j
assert len(s["per_queue"]) == 2 and all(q["received"] > 0 for q in s["per_queue"]), s
assert s["counters"]["errors"] == 0 and s["counters"]["received"] >= sum(q["received"] for q in s["per_queue"]), s
assert s["hooks"] == ["post-routing"], s
' "$work/backend.json"
	# a shaper: its verdicts leave from whichever thread dequeues
	"$itm" -S "$sock" qdisc add root tbf rate 20mbit burst 20kb limit 60kb ||
		fail "qdisc add root tbf at run time"
	iperf_client "$cap-tbf.txt" 10.77.2.2 -t 3 || fail "iperf3 through tbf: $(tail -1 "$cap-tbf.txt")"
	local g
	g=$(iperf_goodput "$cap-tbf.txt")
	echo "through tbf 20mbit: $g Mbit/s"
	check "tbf 20mbit holds with two queues (17..20.5 Mbit/s)" \
		awk -v g="$g" 'BEGIN { exit !(g >= 17 && g <= 20.5) }'
	stop_under_load
	r4=$(itm_rules iptables-save) q=$(queue_bound)
	check "no rule and no queue left" [ "$r4" = 0 -a "$q" = 0 ]
}

# A module in its own process (libitm: examples/libitm/sizeaware) on the
# NFQUEUE backend: itmd holds each packet it hands over and answers the
# kernel when the process does, going on with other packets meanwhile.
# Short flows are marked on the wire, the proxy's counters show the
# crossings, and killing the process under load leaves traffic flowing.
# postrouting_pkts: the packets the IPv4 post-routing jump to itmd's chain
# counted (iptables-save -c)
postrouting_pkts() {
	ip netns exec "$I" iptables-save -c -t mangle |
		sed -n 's/^\[\([0-9]*\):[0-9]*\] -A POSTROUTING -j itm-q.*/\1/p' | head -1
}

case_libitm() {
	need tshark tcpdump
	local proc=${ITM_SIZEAWARE_PROCESS:-} cap=$work/libitm f=$work/libitm.fields
	local msock=$work/mod.sock m4 v4 bad list pid rc=0
	[ -x "$proc" ] || skip "the libitm example is not built (ITM_SIZEAWARE_PROCESS)"
	bed_up --mode route
	printf 'backend nfqueue\n' >"$conf"
	ip netns exec "$I" "$itmd" -c "$conf" -S "$sock" -M "$msock" 2>"$work/itmd.err" &
	itmd_pid=$!
	wait_until 5 [ -S "$msock" ] || fail "itmd -M did not create its module socket"
	ITM_MODULE_SOCKET=$msock "$proc" 5 2>"$work/proc.err" &
	pid=$!
	bg_pids="$bg_pids $pid"
	wait_until 5 modules_listed sizeaware || fail "the module process did not register: $(cat "$work/proc.err")"
	# a loaded CI machine (sanitizers, two cores) must not turn a slow
	# answer into a missed deadline of the default 10 ms
	"$itm" -S "$sock" set sizeaware.deadline 1s || fail "set sizeaware.deadline"
	capture_start "$cap.pcap" 160 "tcp and dst port 5201"
	iperf_client "$cap.txt" 10.77.2.2 -t 2 || fail "iperf3 through the module process: $(tail -1 "$cap.txt")"
	capture_stop
	fields "$cap.pcap" >"$f"
	v4=$(count "$f" '$1 != "-"')
	m4=$(count "$f" '$1 != "-" && $2 == 4')
	bad=$(count "$f" '$1 != "-" && $3 != 1')
	list=$("$itm" -S "$sock" module list)
	echo "$list" | sed 's/^/  /'
	echo "server: $v4 packets, $m4 with TOS 0x10, IPv4 checksum not valid on $bad; $(iperf_goodput "$cap.txt") Mbit/s"
	check "short-flow packets marked by the process" [ "$m4" -ge 5 ]
	check "the long flow unmarked (marked < 10 %)" [ $((m4 * 10)) -lt "$v4" ]
	check "every IPv4 header checksum valid" [ "$bad" = 0 -a "$v4" -gt 100 ]
	check "packets crossed and were held for their verdicts (sent, held > 0)" \
		bash -c 'grep -Eq "sent [1-9][0-9]* verdicts [1-9][0-9]* altered [1-9][0-9]* held [1-9]" <<<"$1"' _ "$list"
	check "no verdict missed its deadline" bash -c '! grep -Eq "failopen deadline [1-9]" <<<"$1"' _ "$list"
	# the process dies under load: its packets go on, itmd unregisters it
	iperf_client "$work/iperf-kill.txt" 10.77.2.2 -t 3 &
	local client=$!
	bg_pids="$bg_pids $client"
	sleep 1.5
	kill -9 "$pid"
	wait "$client" || rc=$?
	# nothing runs at forward any more: that hook is no longer queued,
	# without a command to itmd to notice
	check "the forward hook's jump is gone with the process" \
		wait_until 2 bash -c '! ip netns exec "$1" iptables-save -t mangle | grep -q -- "-A FORWARD -j itm"' _ "$I"
	list=$("$itm" -S "$sock" module list)
	echo "killed 1.5 s into a 3 s transfer: $(iperf_goodput "$work/iperf-kill.txt") Mbit/s"
	echo "$list" | sed 's/^/  /'
	check "the transfer survives the process's death" [ "$rc" = 0 ]
	check "the process is unregistered (state gone)" bash -c 'grep -Eq "state gone" <<<"$1"' _ "$list"
	check "ping through itmd after the process died" ping_ok 10.77.2.2
	check "backend show: hooks post-routing, copy headers" \
		bash -c '"$1" -S "$2" backend show -s | grep -q "hooks post-routing gso .* copy headers"' _ "$itm" "$sock"
	# a module at forward added and removed: that jump comes and goes, the
	# post-routing one stays (deleted and added again it would count from
	# 0, and for that moment packets would pass unshaped)
	local post
	post=$(postrouting_pkts)
	"$itm" -S "$sock" module add dscp hook forward || fail "module add dscp hook forward"
	"$itm" -S "$sock" module del dscp || fail "module del dscp"
	echo "post-routing jump: $post packets before forward came and went, $(postrouting_pkts) after"
	check "the post-routing jump kept through hook changes" \
		[ "${post:-0}" -gt 0 -a "$(postrouting_pkts)" -ge "${post:-1}" ]
	stop_itmd TERM
	check "itmd exits 0" [ "$itmd_rc" = 0 ]
}

case_drops() {
	bed_up --mode route
	printf 'backend nfqueue\nqdisc add root tbf rate 5mbit burst 10kb limit 30kb\n' >"$conf"
	start_itmd
	iperf_client "$work/iperf.txt" 10.77.2.2 -t 3 || fail "iperf3: $(tail -1 "$work/iperf.txt")"
	local g json text drops
	g=$(iperf_goodput "$work/iperf.txt")
	echo "goodput ${g:-none} Mbit/s through tbf rate 5mbit"
	check "goodput between 3.5 and 5.5 Mbit/s" awk -v g="${g:-0}" 'BEGIN { exit !(g > 3.5 && g < 5.5) }'
	json=$("$itm" -S "$sock" qdisc show -s --json) || fail "itm qdisc show -s --json"
	text=$("$itm" -S "$sock" qdisc show -s) || fail "itm qdisc show -s"
	echo "$text" | sed 's/^/  /'
	# the root's object: one qdisc object per line, then its drops
	drops=$(echo "$json" | sed 's/},{"kind"/}\n{"kind"/g' | grep '"root":true' |
		grep -o '"drops":[0-9]*' | tail -1 | cut -d: -f2)
	echo "root drops (JSON): ${drops:-none}"
	check "drops counted at the root (JSON)" [ "${drops:-0}" -gt 0 ]
	check "text: qdisc tbf line" grep -q "^qdisc tbf .*root" <<<"$text"
	check "text: Sent line with dropped > 0" grep -Eq "Sent [0-9]+ bytes [0-9]+ pkt \(dropped [1-9]" <<<"$text"
	check "under a shaper the kernel segments GSO packets" \
		grep -q "GSO packets segmented by the kernel" "$work/itmd.err"
	stop_itmd TERM
	check "itmd exits 0 on SIGTERM" [ "$itmd_rc" = 0 ]
}

case_failopen() {
	bed_up --mode route
	printf 'backend nfqueue\nmodule add sizeaware hook post-routing\n' >"$conf"
	start_itmd
	iperf_server
	ip netns exec "$C" iperf3 -c 10.77.2.2 -f m -i 1 -t 6 >"$work/iperf.txt" 2>&1 &
	local client=$!
	bg_pids="$bg_pids $client"
	sleep 2
	local seen
	seen=$("$itm" -S "$sock" module list | grep -o 'seen [0-9]*' | head -1)
	echo "itmd before the kill: ${seen:-no answer}"
	kill -9 "$itmd_pid"
	wait "$itmd_pid" 2>/dev/null
	itmd_pid=""
	echo "itmd killed (SIGKILL) after 2 s"
	local rc=0
	wait "$client" || rc=$?
	sed 's/^/  /' "$work/iperf.txt"
	check "iperf3 completed" [ "$rc" = 0 ]
	check "itmd had seen traffic" [ "${seen#seen }" -gt 0 ]
	# intervals 4-5 and 5-6: Mbit/s each
	local late
	late=$(awk '/sec/ && !/sender|receiver/ { split($3, t, "-"); if (t[1] + 0 >= 4) for (i = 1; i <= NF; i++) if ($i == "Mbits/sec") print $(i - 1) }' "$work/iperf.txt")
	echo "last intervals: $(echo $late) Mbit/s"
	check "two last 1-s intervals present" [ "$(echo "$late" | grep -c .)" -ge 2 ]
	check "each last interval above 1 Mbit/s" awk 'NF && $1 <= 1 { bad = 1 } END { exit bad }' <<<"$late"
	check "ping 10.77.2.2 after itmd died" ping_ok 10.77.2.2
	check "ping fd77:2::2 after itmd died" ping_ok fd77:2::2
}

not() {
	! "$@"
}

itm_rules() {	# FAMILY-save: our lines in table mangle
	ip netns exec "$I" "$1" -t mangle | grep -c 'itm' || true
}

queue_bound() {
	ip netns exec "$I" cat /proc/net/netfilter/nfnetlink_queue 2>/dev/null | grep -c . || true
}

kill_itmd() {	# SIGKILL: nothing is removed
	kill -9 "$itmd_pid"
	wait "$itmd_pid" 2>/dev/null
	itmd_pid=""
}

seen_pings() {	# the module saw the 3 echo requests and their replies
	local seen
	ping_ok 10.77.2.2 || return 1
	seen=$("$itm" -S "$sock" module list | grep -o 'seen [0-9]*' | head -1)
	echo "  module: $seen"
	[ "${seen#seen }" -ge 6 ]
}

# rules of table mangle naming itm, nft and legacy tools, IPv4 and IPv6
all_rules() {
	local t
	for t in iptables-save ip6tables-save iptables-legacy-save ip6tables-legacy-save; do
		ip netns exec "$I" "$t" -t mangle 2>/dev/null | grep itm | sed "s/^/$t: /"
	done
}

# A killed itmd leaves its chain and jumps; the next one, configured
# otherwise, must find them whatever their device and hooks (a jump it
# cannot delete keeps the chain, and -N fails), and a chain of another
# queue that nobody binds must not pass the packets before our jump.
case_restart() {
	command -v iptables-legacy-save >/dev/null || skip "iptables-legacy-save not found"
	bed_up --mode route
	printf '%s\n' "backend nfqueue dev s0 queue 1000" \
		"module add sizeaware hook forward" >"$conf"
	start_itmd
	echo "first run, then SIGKILL:"
	all_rules | sed 's/^/  /'
	kill_itmd
	printf '%s\n' "backend nfqueue" "module add sizeaware hook post-routing" >"$conf"
	start_itmd
	echo "restarted with no dev, post-routing only:"
	all_rules | sed 's/^/  /'
	check "the killed run's jumps (-o s0, FORWARD) are gone" \
		not grep -Eq -- '-o s0|FORWARD' <<<"$(all_rules)"
	check "the new rules are in place, in the system's tools" \
		[ "$(all_rules | grep -c '^ip6\?tables-save: -A POSTROUTING -j itm-q1000$')" = 2 ]
	check "nothing in the legacy tables" not grep -q legacy <<<"$(all_rules)"
	check "the restarted itmd sees the pings" seen_pings
	kill_itmd
	printf '%s\n' "backend nfqueue queue 1005" "module add sizeaware hook post-routing" >"$conf"
	start_itmd
	echo "restarted on queue 1005:"
	all_rules | sed 's/^/  /'
	check "the unbound chain itm-q1000 is gone" not grep -q itm-q1000 <<<"$(all_rules)"
	check "the itmd on queue 1005 sees the pings" seen_pings
	stop_itmd TERM
	check "no rule left after SIGTERM" [ -z "$(all_rules)" ]
}

case_teardown() {
	bed_up --mode route
	printf 'backend nfqueue\nmodule add sizeaware hook post-routing\nqdisc add root tbf rate 5mbit burst 10kb limit 30kb\n' >"$conf"
	start_itmd
	local r4 r6 q
	r4=$(itm_rules iptables-save) r6=$(itm_rules ip6tables-save) q=$(queue_bound)
	echo "running: $r4 IPv4 and $r6 IPv6 lines naming itm in table mangle, $q queue(s) bound"
	ip netns exec "$I" iptables-save -t mangle | grep itm | sed 's/^/  /'
	check "IPv4 rules installed" [ "$r4" -gt 0 ]
	check "IPv6 rules installed" [ "$r6" -gt 0 ]
	check "a queue bound" [ "$q" -gt 0 ]
	# packets held by tbf at the moment of SIGTERM are released
	stop_under_load
	r4=$(itm_rules iptables-save) r6=$(itm_rules ip6tables-save) q=$(queue_bound)
	echo "stopped: $r4 IPv4 and $r6 IPv6 lines naming itm, $q queue(s) bound"
	check "no IPv4 rule or chain left" [ "$r4" = 0 ]
	check "no IPv6 rule or chain left" [ "$r6" = 0 ]
	check "no NFQUEUE queue bound" [ "$q" = 0 ]
	check "control socket removed" [ ! -e "$sock" ]
	"$testbed" down --name "$tb" >/dev/null || fail "testbed down"
	local left
	left=$(ip netns list | grep -c "^$tb-" || true)
	check "no namespace of the test bed left" [ "$left" = 0 ]
}

modules_listed() {	# NAME...: every NAME in module list
	local l m
	l=$("$itm" -S "$sock" module list 2>/dev/null) || return 1
	for m in "$@"; do
		grep -q "^module $m " <<<"$l" || return 1
	done
}

copying() {	# WHAT TEST: itmd's last copy-range line says WHAT, and the
		# range the kernel copies to the queue passes TEST (awk: "== 192";
		# whole packets: the kernel clamps 65535 to 65531)
	grep "nfqueue: copying" "$work/itmd.err" | tail -1 | grep -q "$1" &&
		ip netns exec "$I" awk "\$5 $2 { ok = 1 } END { exit !ok }" \
			/proc/net/netfilter/nfnetlink_queue
}

case_reload() {
	bed_up --mode route
	# nothing rewrites packets: only their headers are copied; a module
	# added at run time needs whole packets, its removal not any more
	printf 'backend nfqueue\n' >"$conf"
	start_itmd
	check "accept-all: headers only" wait_until 3 copying "headers only" "== 192"
	"$itm" -S "$sock" module add dscp hook post-routing || fail "module add at run time"
	check "a module added at run time: whole packets" wait_until 3 copying "whole packets" "> 65000"
	"$itm" -S "$sock" module del dscp || fail "module del at run time"
	check "and removed: headers only again" wait_until 3 copying "headers only" "== 192"
	printf 'backend nfqueue\nmodule add sizeaware hook post-routing\n' >"$conf"
	kill -HUP "$itmd_pid"
	check "one module after SIGHUP" wait_until 3 modules_listed sizeaware
	check "SIGHUP with a module: whole packets" copying "whole packets" "> 65000"
	printf 'backend nfqueue\nmodule add sizeaware hook post-routing\nmodule add dscp hook post-routing\n' >"$conf"
	kill -HUP "$itmd_pid"
	check "SIGHUP: both modules listed" wait_until 3 modules_listed sizeaware dscp
	printf 'backend nfqueue\nmodule add sizeaware hook post-routing\nmodule add nosuchmodule\n' >"$conf"
	kill -HUP "$itmd_pid"
	check "bad file: itmd logs $conf:3:" wait_until 3 grep -q "$conf:3:" "$work/itmd.err"
	grep "$conf:" "$work/itmd.err" | sed 's/^/  /'
	check "bad file: both modules still listed" modules_listed sizeaware dscp
	check "itmd still running" kill -0 "$itmd_pid"
	check "ping through itmd after the reloads" ping_ok 10.77.2.2
}

interested() {	# LABEL: the module's "interested" count
	"$itm" -S "$sock" module list |
		awk -v l="$1" '$1 == "module" { m = ($2 == l) } m && /interested/ {
			for (i = 1; i < NF; i++) if ($i == "interested") print $(i + 1) }'
}

# Device clauses name the devices NFQUEUE gives by index: a module with
# `oif s0` takes the echo requests, one with `iif s0` the replies, at
# forward and at post-routing alike (a forwarded packet keeps its input
# device there).
case_devices() {
	bed_up --mode route
	printf '%s\n' "backend nfqueue" \
		"module add sizeaware label out hook forward proto icmp oif s0" \
		"module add sizeaware label in hook forward proto icmp iif s0" \
		"module add sizeaware label post hook post-routing proto icmp oif c0" \
		"module add sizeaware label postin hook post-routing proto icmp iif c0" >"$conf"
	start_itmd
	ip netns exec "$C" ping -c 3 -i 0.2 -W 1 -n -q 10.77.2.2 >/dev/null || fail "ping through itmd"
	local out in post postin
	out=$(interested out) in=$(interested in) post=$(interested post) postin=$(interested postin)
	echo "interested: oif s0 $out, iif s0 $in (forward); oif c0 $post, iif c0 $postin (post-routing)"
	check "forward, oif s0: the 3 echo requests" [ "$out" = 3 ]
	check "forward, iif s0: the 3 echo replies" [ "$in" = 3 ]
	check "post-routing, oif c0: the 3 echo replies" [ "$post" = 3 ]
	check "post-routing, iif c0: the 3 echo requests" [ "$postin" = 3 ]
}

# PIAS on an end host: itmd in the client namespace, pias at post-routing
# and local-in. The server's ACKs arrive at local-in, so on one persistent
# connection six 50 KB messages 100 ms apart, each acknowledged before the
# next, are told apart (5 new messages); at post-routing alone no ACK is
# seen and none is.
pias_host_messages() {	# HOOKS: the messages pias found, in $found
	printf '%s\n' "backend nfqueue dev eth0" \
		"module add pias hook $1 prio_num 2 prio_thresh_0 20000 message on idle_time 10ms" >"$conf"
	start_itmd "$C"
	ip netns exec "$S" python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 7000)); s.listen(1); c, _ = s.accept()
while c.recv(65536): pass' &
	bg_pids="$bg_pids $!"
	sleep 0.3
	ip netns exec "$C" python3 -c '
import socket, time
s = socket.create_connection(("10.77.2.2", 7000))
for i in range(6):
    s.sendall(b"x" * 50000); time.sleep(0.1)
s.close()' || fail "the client's messages"
	sleep 0.3
	"$itm" -S "$sock" module list >"$work/pias-$1.txt"
	stop_itmd TERM
	found=$(grep -o "messages [0-9]*" "$work/pias-$1.txt" | cut -d' ' -f2)
}

case_pias_host() {
	local one two found
	bed_up --mode route --offloads off
	pias_host_messages post-routing
	one=$found
	pias_host_messages post-routing,local-in
	two=$found
	echo "messages found: at post-routing $one, at post-routing,local-in $two"
	check "at post-routing alone no ACK is seen, no message found" [ "$one" = 0 ]
	check "at post-routing,local-in the 5 new messages are found" [ "$two" = 5 ]
	check "pias runs in both chains" grep -q "order local-in: pias" "$work/pias-post-routing,local-in.txt"
}

case_perm() {
	need setpriv
	# a directory and a copy of itm that uid 65534 can reach, wherever the
	# build tree is
	local out rc
	pub=$(mktemp -d /tmp/itm-perm.XXXXXX)
	chmod 755 "$pub"
	cp "$itm" "$pub/itm"
	chmod 755 "$pub/itm"
	sock=$pub/itmd.sock
	bed_up --mode route
	printf 'backend nfqueue\n' >"$conf"
	start_itmd
	echo "socket: $(stat -c '%A %U' "$sock")"
	check "socket mode 0600, owner root" [ "$(stat -c '%a %u' "$sock")" = "600 0" ]
	check "root is served" "$pub/itm" -S "$sock" qdisc show
	rc=0
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$pub/itm" -S "$sock" qdisc show 2>&1) || rc=$?
	echo "uid 65534, mode 0600: exit $rc: $out"
	check "uid 65534 refused (mode 0600)" [ "$rc" != 0 ]
	check "the message says permission" grep -qi "permission" <<<"$out"
	chmod 666 "$sock"
	rc=0
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$pub/itm" -S "$sock" qdisc show 2>&1) || rc=$?
	echo "uid 65534, mode 0666: exit $rc: $out"
	check "uid 65534 refused by the peer credential check (mode 0666)" [ "$rc" != 0 ]
	check "the message says permission" grep -qi "permission" <<<"$out"
	check "itmd logged the refusal" grep -q "refused" "$work/itmd.err"
	check "root still served" "$pub/itm" -S "$sock" qdisc show
}

maps_module() {	# itmd has the example module mapped
	grep -q dscpmark.so "/proc/$itmd_pid/maps"
}

case_modload() {
	local mods=${ITM_MODULES:-} list out
	[ -f "$mods/dscpmark.so" ] || skip "dscpmark.so not built (ITM_MODULES)"
	mods=$(realpath "$mods")
	bed_up --mode route
	printf 'backend nfqueue\n' >"$conf"
	start_itmd
	check "module load ./dscpmark.so from its directory" \
		sh -c 'cd "$1" && "$2" -S "$3" module load ./dscpmark.so label mark hook post-routing proto icmp dscp 10' \
		_ "$mods" "$itm" "$sock"
	check "ping through the loaded module" ping_ok 10.77.2.2
	list=$("$itm" -S "$sock" module list)
	echo "$list" | sed 's/^/  /'
	check "module list names the file" grep -q \
		"^module mark kind dscpmark file $mods/dscpmark.so hook post-routing" <<<"$list"
	check "it rewrote the pings" grep -Eq "interested [1-9][0-9]* .* modified [1-9]" <<<"$list"
	check "itmd maps the file" maps_module
	out=$("$itm" -S "$sock" module load /nonexistent/x.so 2>&1)
	echo "missing file: $out"
	check "a missing file is refused by name" grep -q "/nonexistent/x.so: No such file" <<<"$out"
	check "module unload mark" "$itm" -S "$sock" module unload mark
	check "unloaded: not listed" not modules_listed mark
	check "unloaded: itmd closed the file" not maps_module
	check "ping after the unload" ping_ok 10.77.2.2
	if [ ! -f "${ITM_HOLDFINI:-}" ]; then
		echo "holdfini.so not built (ITM_HOLDFINI): its checks skipped"
		return
	fi
	check "module load holdfini.so" "$itm" -S "$sock" module load \
		"$ITM_HOLDFINI" label hold proto icmp
	ip netns exec "$C" ping -c 3 -i 0.2 -W 1 10.77.2.2 >/dev/null 2>&1
	check "holdfini held the pings" grep -Eq "interested [1-9][0-9]* classified [1-9][0-9]* accepted 0 " \
		<<<"$("$itm" -S "$sock" module list)"
	stop_itmd TERM
	check "itmd exits 0 on SIGTERM while holdfini holds packets" [ "$itmd_rc" = 0 ]
}

case $case_ in
marks|drops|failopen|restart|teardown|reload|devices|perm|modload) "case_$case_" ;;
pias-host) case_pias_host ;;
marks-gso) case_marks_gso ;;
queues) case_queues ;;
libitm) case_libitm ;;
*) echo "unknown case \"$case_\""; exit 1 ;;
esac
finish "$case_" "$work/itmd.err"
