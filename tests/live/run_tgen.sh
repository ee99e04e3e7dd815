#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# itm tgen end to end on real TCP: a route-mode test bed (the kernel
# forwards, no itmd), the tgen server in the server namespace, the client
# in the client namespace with the web-search CDF. Checks, in each mode
# (persistent over IPv4, new connection per flow over IPv6): every flow
# completed with exactly the bytes it asked for, the buckets sum to the
# count, FCTs are positive, and the server's data packets carry the asked
# DSCP (46) on the client's wire; --pias: the two PIAS DSCPs (7, then 6);
# a garbage request closes only its connection, with the reason logged.
# Needs root; exit 77 (skip) without it or without a tool.
#   run_tgen.sh ITM WORKDIR
set -u
itm=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
cdf=$here/../../data/cdf/web-search.txt
py=/usr/bin/python3

need_root "network namespaces"
need ip tcpdump ss timeout $py

fresh_work "$work"
tb=itg_$$	# unique per run: namespace names are global
C=$tb-client S=$tb-server
srv_pid="" cap_pid=""

cleanup_extra() {
	[ -z "$cap_pid" ] || kill -9 "$cap_pid" 2>/dev/null
	[ -z "$srv_pid" ] || kill -9 "$srv_pid" 2>/dev/null
}

"$testbed" up --name "$tb" --mode route || { echo "FAIL: testbed up"; exit 1; }

ip netns exec "$S" "$itm" tgen server --port 5050 2>"$work/server.log" &
srv_pid=$!
end=$((SECONDS + 10))
until ip netns exec "$S" ss -ltnH 'sport = :5050' | grep -q .; do
	[ $SECONDS -lt $end ] || { echo "FAIL: tgen server did not listen"; cat "$work/server.log"; exit 1; }
	sleep 0.1
done

# capture_start FILE: the client's eth0, headers only
capture_start() {
	ip netns exec "$C" tcpdump -i eth0 -s 128 -U -w "$1" tcp 2>"$1.log" &
	cap_pid=$!
	local end=$((SECONDS + 10))
	while ! grep -q "listening on" "$1.log" 2>/dev/null; do
		[ $SECONDS -lt $end ] || { echo "FAIL: tcpdump did not start"; cat "$1.log"; exit 1; }
		sleep 0.1
	done
}

capture_stop() {
	sleep 0.3	# let the last packets reach the file
	kill -INT "$cap_pid" 2>/dev/null
	wait "$cap_pid" 2>/dev/null
	cap_pid=""
}

# count FILE FILTER: packets of the capture that match
count() {
	tcpdump -r "$1" -nn "$2" 2>/dev/null | wc -l
}

# client NAME SERVER ARGS...: one client run, JSON to NAME.json, log NAME.csv
client() {
	local name=$1 server=$2
	shift 2
	ip netns exec "$C" "$itm" tgen client "$server" --cdf "$cdf" \
		--rate 100mbit --seed 3 --json --log "$work/$name.csv" "$@" \
		>"$work/$name.json" 2>"$work/$name.err" \
		|| fail "$name: client exited $? ($(head -c 300 "$work/$name.err"))"
	echo "== $name"
	cat "$work/$name.json"
}

# check_report NAME FLOWS: the JSON report and the per-flow log agree with a clean run
check_report() {
	$py - "$work/$1.json" "$work/$1.csv" "$2" <<'PY' || fail "$1: report check"
import csv, json, sys
rep = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2])))
want = int(sys.argv[3])
errs = []
if rep["flows"] != want or len(rows) != want:
    errs.append(f"{rep['flows']} flows, {len(rows)} log rows, want {want}")
if rep["timed_out"] or rep["failed"]:
    errs.append(f"{rep['timed_out']} timed out, {rep['failed']} failed")
b = {x["bucket"]: x for x in rep["buckets"]}
parts = b["small"]["count"] + b["medium"]["count"] + b["large"]["count"]
if parts != b["all"]["count"] or parts != want:
    errs.append(f"buckets sum to {parts}, all {b['all']['count']}")
for x in rep["buckets"]:
    if x["count"] and not (0 < x["p50_ms"] <= x["p99_ms"] and x["mean_ms"] > 0):
        errs.append(f"bucket {x['bucket']}: {x}")
for r in rows:
    if r["bytes"] != r["size"] or float(r["fct_us"]) <= 0 or r["timed_out"] != "0":
        errs.append(f"flow {r}")
if not rep["load_achieved"] > 0:
    errs.append("no load")
for e in errs:
    print("  " + e)
sys.exit(1 if errs else 0)
PY
}

# data packets from the server: longer than any ACK or SYN
v4data="src host 10.77.2.2 and greater 300"
v6data="src host fd77:2::2 and greater 300"

capture_start "$work/persistent.pcap"
client persistent 10.77.2.2 --load 0.3 --flows 20 --mode persistent --dscp 46
capture_stop
check_report persistent 20
n46=$(count "$work/persistent.pcap" "$v4data and ip[1] & 0xfc == 184")
nother=$(count "$work/persistent.pcap" "$v4data and ip[1] & 0xfc != 184")
echo "persistent: $n46 data packets at DSCP 46, $nother at others"
[ "$n46" -gt 0 ] && [ "$nother" = 0 ] || fail "persistent: DSCP 46 on $n46 data packets, other on $nother"

capture_start "$work/new.pcap"
client new "[fd77:2::2]" --load 0.3 --flows 20 --mode new --dscp 46
capture_stop
check_report new 20
# traffic class is bits 4..11 of the first 16-bit word, DSCP its top six
n46=$(count "$work/new.pcap" "$v6data and ip6[0:2] & 0x0fc0 == 0x0b80")
nother=$(count "$work/new.pcap" "$v6data and ip6[0:2] & 0x0fc0 != 0x0b80")
echo "new: $n46 data packets at DSCP 46, $nother at others"
[ "$n46" -gt 0 ] && [ "$nother" = 0 ] || fail "new: DSCP 46 on $n46 data packets, other on $nother"

capture_start "$work/pias.pcap"
client pias 10.77.2.2 --load 1 --flows 8 --pias
capture_stop
check_report pias 8
n7=$(count "$work/pias.pcap" "$v4data and ip[1] & 0xfc == 28")
n6=$(count "$work/pias.pcap" "$v4data and ip[1] & 0xfc == 24")
nother=$(count "$work/pias.pcap" "$v4data and ip[1] & 0xfc != 28 and ip[1] & 0xfc != 24")
echo "pias: $n7 data packets at DSCP 7, $n6 at DSCP 6, $nother at others"
[ "$n7" -gt 0 ] && [ "$n6" -gt 0 ] && [ "$nother" = 0 ] || fail "pias: DSCP 7/6/other $n7/$n6/$nother"

# garbage (longer than a header) closes that connection only; the server
# goes on serving. The close may come as a reset (unread bytes): only a hang
# (timeout's 124) is a failure.
ip netns exec "$C" timeout 5 bash -c 'exec 3<>/dev/tcp/10.77.2.2/5050;
	printf "GET / HTTP/1.1\r\nHost: tgen.example\r\n\r\n" >&3
	cat <&3 >/dev/null 2>&1; exit 0'
[ $? = 0 ] || fail "garbage request: the server did not close the connection"
grep -q "bad magic, closing" "$work/server.log" || fail "server log lacks the bad-magic reason"
client after 10.77.2.2 --load 1 --flows 3
check_report after 3

kill -TERM "$srv_pid"
wait "$srv_pid"
rc=$?
srv_pid=""
[ "$rc" = 0 ] || fail "server exited $rc on SIGTERM"
echo "== server log"
cat "$work/server.log"
grep -qE "AddressSanitizer|runtime error|LeakSanitizer" "$work/server.log" "$work"/*.err \
	&& fail "sanitizer report"
finish tgen "$work"/*.err
