#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The AF_PACKET bridge on live traffic: client and server namespaces on one
# subnet, joined through a third namespace where itmd bridges its two veth
# ports (no IP on them). Checks ping both ways (IPv4, IPv6), a TCP transfer
# with the offloads on (GSO frames through the bridge), then with offloads
# off and `rate 20mbit`: goodput within 3 % of 20 Mbit/s x 1448/1514, and
# ping under that load low with fq_pie (p99 < 60 ms; measured 30), high with
# a 1000-packet pfifo (> 150 ms; measured 776). A port taken down for 2 s:
# itmd logs it and waits, rather than spinning on the socket's error (less
# than a quarter of the 2 s in CPU time), and forwards again once it is up;
# deleted and made again, it is taken again within about a second.
# Then SIGTERM: itmd stops cleanly and the namespaces go. TCP is cubic
# (iperf3 -C): BBR keeps a bottleneck queue short by itself, so the
# difference between an AQM and a long FIFO would not show.
#
#   run_bridge.sh ITMD [WORKDIR [ITM]]      (root; exit 77 = skipped)
set -u
ITMD=$1
WORK=${2:-$(mktemp -d)}
ITM=${3:-$(dirname "$ITMD")/../cli/itm}
TAG=itmbr$$
C=$TAG-cli; I=$TAG-itm; S=$TAG-srv
PID=

fail() {
	echo "FAIL: $*"
	[ -n "$PID" ] && kill -USR1 "$PID" 2>/dev/null && sleep 0.3
	[ -f "$WORK/itmd.log" ] && tail -25 "$WORK/itmd.log"
	exit 1
}
skip() { echo "SKIP: $*"; exit 77; }

[ "$(id -u)" = 0 ] || skip "not root"
for t in ip iperf3 ping ethtool awk; do
	command -v $t >/dev/null || skip "no $t"
done
mkdir -p "$WORK"

cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	for n in $C $I $S; do
		# what this script started in its namespaces (iperf3 servers)
		for p in $(ip netns pids $n 2>/dev/null); do kill "$p" 2>/dev/null; done
		ip netns del $n 2>/dev/null
	done
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ip netns add $C && ip netns add $I && ip netns add $S || skip "no namespaces"
ip -n $I link add c0 type veth peer name eth0 netns $C || fail "veth"
ip -n $I link add s0 type veth peer name eth0 netns $S || fail "veth"
for p in c0 s0; do
	ip netns exec $I sysctl -qw net.ipv6.conf.$p.disable_ipv6=1
	ip -n $I link set $p up
done
ip -n $C addr add 10.77.0.1/24 dev eth0
ip -n $S addr add 10.77.0.2/24 dev eth0
ip -n $C addr add fd77::1/64 dev eth0 nodad
ip -n $S addr add fd77::2/64 dev eth0 nodad
for n in $C $S; do ip -n $n link set eth0 up; ip -n $n link set lo up; done

# CPU time itmd has used, in clock ticks (utime + stime)
cpu_ticks() { awk '{ print $14 + $15 }' /proc/$PID/stat; }

# start CONF_LINES...: itmd on a fresh configuration
start() {
	printf '%s\n' "$@" > "$WORK/itmd.conf"
	ip netns exec $I "$ITMD" -c "$WORK/itmd.conf" -S "$WORK/ctl.sock" \
		>>"$WORK/itmd.log" 2>&1 &
	PID=$!
	sleep 0.5
	kill -0 $PID 2>/dev/null || fail "itmd did not start: $*"
}

stop() {
	kill -USR1 $PID		# the counters, into the log
	sleep 0.2
	kill -TERM $PID
	wait $PID
	rc=$?
	PID=
	[ $rc = 0 ] || fail "itmd exited with $rc"
	grep -q "itmd: info: stopped" "$WORK/itmd.log" || fail "itmd did not stop cleanly"
}

# iperf3 client to server for SECONDS; prints received bit/s
goodput() {
	ip netns exec $S iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
	sleep 0.3
	ip netns exec $C iperf3 -C cubic -c 10.77.0.2 -p 5201 -t "$1" -O 2 -J > "$WORK/iperf.json" 2>&1
	python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"]))' \
		"$WORK/iperf.json" 2>/dev/null || echo 0
}

# p99 of ping RTTs (ms) while a transfer runs
loaded_p99() {
	ip netns exec $S iperf3 -s -1 -p 5202 >/dev/null 2>&1 &
	sleep 0.3
	ip netns exec $C iperf3 -C cubic -c 10.77.0.2 -p 5202 -t 14 >/dev/null 2>&1 &
	ip=$!
	sleep 4
	ip netns exec $C ping -i 0.05 -c 160 10.77.0.2 > "$WORK/ping.txt" 2>&1
	wait $ip
	python3 -c '
import re,sys
r=sorted(float(m) for m in re.findall(r"time=([0-9.]+)", open(sys.argv[1]).read()))
print("%.1f" % r[int(len(r)*0.99)-1] if len(r) > 50 else "9999")' "$WORK/ping.txt"
}

offloads() {
	for n in $C $S; do ip netns exec $n ethtool -K eth0 gso $1 tso $1 gro $1 >/dev/null 2>&1; done
	for p in c0 s0; do ip netns exec $I ethtool -K $p gso $1 tso $1 gro $1 >/dev/null 2>&1; done
}

echo "== fq_pie, no rate, offloads on"
start "backend bridge c0 s0" "qdisc add root fq_pie"
ip netns exec $C ping -c 3 -i 0.2 -W 2 10.77.0.2 >/dev/null || fail "ping IPv4 client->server"
ip netns exec $S ping -c 3 -i 0.2 -W 2 10.77.0.1 >/dev/null || fail "ping IPv4 server->client"
ip netns exec $C ping -c 3 -i 0.2 -W 2 fd77::2 >/dev/null || fail "ping IPv6 client->server"
ip netns exec $S ping -c 3 -i 0.2 -W 2 fd77::1 >/dev/null || fail "ping IPv6 server->client"
bps=$(goodput 4)
echo "TCP through the bridge, offloads on: $bps bit/s"
[ "$bps" -gt 100000000 ] || fail "TCP goodput $bps bit/s"
# the counters of both directions through the control socket
"$ITM" -S "$WORK/ctl.sock" backend show -s --json >"$WORK/backend.json" ||
	fail "itm backend show -s --json"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))["stats"]["directions"]
assert [(x["from"], x["to"]) for x in d] == [("c0", "s0"), ("s0", "c0")], d
for x in d:
    c = x["counters"]
    assert x["rate"] == 0 and c["received"] > 0 and c["sent"] > 0 and c["errors"] == 0, x
    assert x["root"]["kind"] == "fq_pie", x
' "$WORK/backend.json" || fail "backend show -s --json: $(cat "$WORK/backend.json")"
# a run-time change reaches both directions' trees
"$ITM" -S "$WORK/ctl.sock" qdisc replace root pfifo limit 500 || fail "qdisc replace at run time"
"$ITM" -S "$WORK/ctl.sock" backend show -s --json >"$WORK/backend.json" || fail "itm backend show -s --json"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))["stats"]["directions"]
assert [x["root"]["kind"] for x in d] == ["pfifo", "pfifo"], d
' "$WORK/backend.json" || fail "the change did not reach both directions: $(cat "$WORK/backend.json")"
ip netns exec $C ping -c 2 -i 0.2 -W 2 10.77.0.2 >/dev/null || fail "ping after the change"
echo "qdisc replace at run time: both directions now pfifo"
# each direction's tree by the port it leaves by: the replies left by c0
for dev in c0 s0; do
	"$ITM" -S "$WORK/ctl.sock" qdisc show -s dev $dev >"$WORK/show-$dev.txt" ||
		fail "qdisc show -s dev $dev"
	sed "s/^/  dev $dev: /" "$WORK/show-$dev.txt"
	grep -q "^qdisc pfifo .* limit 500p" "$WORK/show-$dev.txt" || fail "dev $dev: not the new pfifo"
	grep -Eq "Sent [1-9][0-9]* bytes [1-9][0-9]* pkt" "$WORK/show-$dev.txt" || fail "dev $dev: nothing sent"
done
"$ITM" -S "$WORK/ctl.sock" qdisc show dev lo >/dev/null 2>&1 && fail "qdisc show dev lo: not refused"
# a port down: the socket's error is read once, not polled for 2 s
t0=$(cpu_ticks)
ip -n $I link set s0 down
sleep 2
t1=$(cpu_ticks)
ip -n $I link set s0 up
hz=$(getconf CLK_TCK)
echo "itmd's CPU time while s0 was down for 2 s: $((t1 - t0)) ticks of 1/$hz s"
[ $((t1 - t0)) -lt $((hz / 2)) ] || fail "itmd spun while s0 was down ($((t1 - t0)) ticks)"
grep -q "bridge: s0: Network is down" "$WORK/itmd.log" || fail "no log line for s0 down"
ip netns exec $C ping -c 3 -i 0.2 -W 2 10.77.0.2 >/dev/null || fail "ping after s0 came up again"
# a port deleted and made again (a recreated veth): itmd waits without
# spinning, then takes the new interface of that name
t0=$(cpu_ticks)
ip -n $I link del s0
sleep 1.5
t1=$(cpu_ticks)
echo "itmd's CPU time while s0 was gone for 1.5 s: $((t1 - t0)) ticks of 1/$hz s"
[ $((t1 - t0)) -lt $((hz / 2)) ] || fail "itmd spun while s0 was gone ($((t1 - t0)) ticks)"
grep -q "bridge: s0: the interface is gone" "$WORK/itmd.log" || fail "no log line for s0 gone"
ip -n $I link add s0 type veth peer name eth0 netns $S || fail "veth again"
ip netns exec $I sysctl -qw net.ipv6.conf.s0.disable_ipv6=1
ip -n $I link set s0 up
ip -n $S addr add 10.77.0.2/24 dev eth0
ip -n $S link set eth0 up
sleep 1.5
grep -q "bridge: s0 is back" "$WORK/itmd.log" || fail "s0 not taken again"
ip -n $C neigh flush dev eth0	# the server's new eth0 has a new address
ip netns exec $C ping -c 3 -i 0.2 -W 2 10.77.0.2 >/dev/null || fail "ping after s0 was made again"
stop

offloads off
want=$((20000000 * 1448 / 1514))

# the 3 % check on a queue that is never empty: a TCP sender keeps a
# 1000-packet FIFO full, so goodput is the paced rate alone (an AQM's
# drops make a single flow's goodput depend on TCP's recovery too)
echo "== pfifo limit 1000, rate 20mbit, offloads off"
start "backend bridge c0 s0 rate 20mbit" "qdisc add root pfifo limit 1000"
bps=$(goodput 8)
echo "goodput $bps bit/s, expected $want"
# the issue's figure: within 3 % (bench/bench_live.sh measures 99.4-100 %
# at 10 and 100 Mbit/s, pfifo and fq_pie)
[ "$bps" -ge $((want * 97 / 100)) ] && [ "$bps" -le $((want * 103 / 100)) ] ||
	fail "goodput $bps not within 3 % of $want"
p99=$(loaded_p99)
echo "ping p99 under load with pfifo: $p99 ms"
awk -v v="$p99" 'BEGIN { exit !(v > 150) }' || fail "pfifo p99 $p99 ms"
stop

echo "== fq_pie, rate 20mbit, offloads off"
start "backend bridge c0 s0 rate 20mbit" "qdisc add root fq_pie"
p99=$(loaded_p99)
echo "ping p99 under load with fq_pie: $p99 ms"
awk -v v="$p99" 'BEGIN { exit !(v < 60) }' || fail "fq_pie p99 $p99 ms"
bps=$(goodput 8)
echo "goodput with fq_pie $bps bit/s (for information)"
stop
grep -q "bridge: c0 <-> s0" "$WORK/itmd.log" || fail "no bridge line in the log"
echo "PASS"
