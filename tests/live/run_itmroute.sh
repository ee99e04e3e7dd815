#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# itmroute end to end: an overlay of three nodes A (source), B (destination)
# and C (relay), each with its itmd (NFQUEUE) and its itmroute (libitm), and
# a router S on the direct path A - S - B whose itmd shapes S -> B with
# `tbf rate 2mbit`. No kernel tunnel, no netem: IP-IP exists only in
# itmroute, slowness only in itmd.
#
#   A to-s 10.88.1.2 -- 10.88.1.1 S 10.88.2.1 -- 10.88.2.2 to-s B
#   A to-c 10.88.3.2 -- 10.88.3.1 C 10.88.4.1 -- 10.88.4.2 to-c B
#   overlay addresses on lo: A 10.99.0.1, B 10.99.0.2, C 10.99.0.3
#
# Checks:
#   - idle: A's route to B stays direct; pings to 10.99.0.2 go direct;
#   - a bulk UDP flow from S to B (3 Mbit/s) keeps the shaper's queue full: A's probes on
#     the direct path see hundreds of ms, A moves to "via C", pings and an
#     iperf3 to 10.99.0.2 cross C inside protocol 4 (tcpdump on C) and are
#     fast, while a ping to B's link address (not in the overlay) is slow;
#   - the flow stops: A goes back to direct;
#   - itmd's proxy modules counted what crossed (sent, verdicts, altered);
#   - C, whose wall clock steps back an hour, probes on.
# Root only; 77 (skip) without it or a tool.
#   run_itmroute.sh ITM ITMD ITMROUTE WORKDIR
set -u
itm=$1 itmd=$2 itmroute=$3 work=$4
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

need_root "network namespaces, iptables"
need ip iptables ip6tables iperf3 ethtool ping tcpdump ss
modprobe -q nfnetlink_queue 2>/dev/null || true

fresh_work "$work"
# -i takes a bare number of milliseconds: "100ms" or "1s" is refused
for i in 100ms 1s 5 ""; do
	err=$("$itmroute" -s "$work/none.mod" -t "$work/none.topo" -i "$i" 2>&1) &&
		fail "itmroute ran with -i \"$i\""
	echo "$err" | grep -q -- "-i \"$i\": a number of ms" || fail "-i \"$i\": $err"
done
net=irt$$	# its own namespaces, no test bed
A=$net-a B=$net-b C=$net-c S=$net-s

cleanup_extra() {	# once lib.sh stopped itmd and itmroute
	local ns
	for ns in $A $B $C $S; do
		ip netns del "$ns" 2>/dev/null
	done
}

now() { date +%s.%N; }

# ---- the four namespaces -------------------------------------------------
for ns in $A $B $C $S; do
	ip netns add "$ns" || die "netns add $ns"
	in_ns "$ns" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0
	in_ns "$ns" ip link set lo up
done
# link NS1 IF1 ADDR1 NS2 IF2 ADDR2 (/24 each), offloads and rp_filter off
link() {
	veth "$1" "$2" "$4" "$5"
	in_ns "$1" ip addr add "$3/24" dev "$2"
	in_ns "$4" ip addr add "$6/24" dev "$5"
}
link $A to-s 10.88.1.2 $S to-a 10.88.1.1
link $S to-b 10.88.2.1 $B to-s 10.88.2.2
link $A to-c 10.88.3.2 $C to-a 10.88.3.1
link $C to-b 10.88.4.1 $B to-c 10.88.4.2
in_ns $A ip addr add 10.99.0.1/32 dev lo
in_ns $B ip addr add 10.99.0.2/32 dev lo
in_ns $C ip addr add 10.99.0.3/32 dev lo
# Natively A and B reach each other through S. The routes between overlay
# addresses carry MTU 1480 (and ask the peer for MSS 1440): a packet
# itmroute encapsulates is 20 bytes longer and must still fit 1500.
in_ns $A ip route add 10.99.0.2 via 10.88.1.1 src 10.99.0.1 mtu 1480 advmss 1440
in_ns $A ip route add 10.99.0.3 via 10.88.3.1 src 10.99.0.1
in_ns $A ip route add 10.88.2.0/24 via 10.88.1.1
in_ns $B ip route add 10.99.0.1 via 10.88.2.1 src 10.99.0.2 mtu 1480 advmss 1440
in_ns $B ip route add 10.99.0.3 via 10.88.4.1 src 10.99.0.2
in_ns $B ip route add 10.88.1.0/24 via 10.88.2.1
in_ns $C ip route add 10.99.0.1 via 10.88.3.2 src 10.99.0.3
in_ns $C ip route add 10.99.0.2 via 10.88.4.2 src 10.99.0.3
in_ns $S ip route add 10.99.0.1 via 10.88.1.2
in_ns $S ip route add 10.99.0.2 via 10.88.2.2
in_ns $A ping -c 1 -W 2 -q 10.99.0.2 >/dev/null || die "A cannot reach B natively"
in_ns $A ping -c 1 -W 2 -q 10.99.0.3 >/dev/null || die "A cannot reach C natively"

# ---- itmd everywhere, itmroute on the overlay nodes -----------------------
# start_itmd NS NAME CONF: itmd in NS, sockets $work/NAME.{sock,mod}
start_itmd() {
	printf '%s\n' "$3" >"$work/$2.conf"
	ip netns exec "$1" "$itmd" -c "$work/$2.conf" -S "$work/$2.sock" -M "$work/$2.mod" \
		2>"$work/$2.err" &
	bg_pids="$bg_pids $!"
	wait_until 10 "$itm" -S "$work/$2.sock" module list >/dev/null 2>&1 ||
		die "itmd $2 did not come up"
}
start_itmd $S s 'backend nfqueue dev to-b
qdisc add root tbf rate 2mbit burst 10kb latency 300ms'
# A and B send TCP to each other. Linux builds GSO packets for TCP whatever
# the device offers, and NFQUEUE hands them over whole unless the queue
# lacks F_GSO: itmd clears it while a module process takes whole packets
# (packet mode, a buffer of at least 1280 bytes), as itmroute does, so
# each segment can take the outer header (a GSO packet cannot: itmroute
# would leave it direct and count it as too_big).
start_itmd $A a 'backend nfqueue'
start_itmd $B b 'backend nfqueue'
start_itmd $C c 'backend nfqueue'

cat >"$work/overlay.topo" <<'EOF'
# the test overlay: every node reads this file (itmroute -n NAME)
node A 10.99.0.1
node B 10.99.0.2
node C 10.99.0.3
link A C
link C B
link A B
dest 10.99.0.1/32 A
dest 10.99.0.2/32 B
EOF
registered() { "$itm" -S "$work/$1.sock" module list 2>/dev/null | grep -q "itmroute-in"; }
# C's wall clock steps back an hour 3 s after it starts (tests/live/
# clockstep.c; ASan would want to come first), as NTP may step it
step=()
[ -n "${ITM_CLOCKSTEP:-}" ] && step=(env LD_PRELOAD="$ITM_CLOCKSTEP" ITM_CLOCKSTEP_AFTER=3
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0")
for n in a b c; do
	pre=()
	[ $n = c ] && pre=("${step[@]}")
	ip netns exec $net-$n "${pre[@]}" "$itmroute" -s "$work/$n.mod" -t "$work/overlay.topo" \
		-n "${n^^}" -i 100 2>"$work/route-$n.log" &
	bg_pids="$bg_pids $!"
	eval "route_$n=$!"
	wait_until 10 registered $n || die "itmroute $n did not register"
	# a loaded 2-core machine may stall a process longer than 10 ms
	for l in itmroute-out itmroute-in; do
		"$itm" -S "$work/$n.sock" set "$l.deadline" 2s >/dev/null ||
			fail "set $l.deadline on $n"
	done
done

# counters N: a fresh copy of itmroute N's counters (SIGUSR1) in route-N.snap
counters() {
	local pid log=$work/route-$1.log n0
	eval "pid=\$route_$1"
	n0=$(grep -c ': encapsulated ' "$log")
	kill -USR1 "$pid"
	wait_until 5 eval '[ "$(grep -c ": encapsulated " "$log")" -gt "$n0" ]' ||
		fail "itmroute $1 printed no counters"
	sleep 0.05
	awk '/^itmroute [A-Za-z0-9_-]+: encapsulated / { d = ""; on = 1 }
		on && /^(itmroute| route|  path)/ { d = d $0 "\n"; next }
		{ on = 0 }
		END { printf "%s", d }' "$log" >"$work/route-$1.snap"
}
# value N KEY [ROUTE PATH]: one counter from the last snapshot of N
value() {
	if [ $# = 2 ]; then
		awk -v k="$2" '$1 == "itmroute" { for (i = 1; i < NF; i++) if ($i == k) v = $(i + 1) }
			END { print v + 0 }' "$work/route-$1.snap"
	else
		awk -v k="$2" -v r="$3" -v p="$4" '$1 == "route" { cur = $2 }
			$1 == "path" && cur == r ":" && $2 == p ":" {
				for (i = 1; i < NF; i++) if ($i == k) v = $(i + 1) }
			END { print v + 0 }' "$work/route-$1.snap"
	fi
}
choice() {	# N DEST: the path N chose for DEST
	counters "$1"
	awk -v r="$2:" '$1 == "route" && $2 == r { c = $4 } END { print c }' "$work/route-$1.snap"
}
switched() {	# N FROM TO: the log says N moved from FROM to TO for B
	grep -q "itmroute ${1^^}: to B: $2 -> $3 " "$work/route-$1.log"
}
switch_time() {	# N FROM TO: when (the log's time stamp)
	grep "itmroute ${1^^}: to B: $2 -> $3 " "$work/route-$1.log" | tail -1 | cut -d' ' -f1
}
ping_rtt() {	# NS DEST: average ping RTT in ms over 10 pings, or "lost"
	in_ns "$1" ping -c 10 -i 0.1 -W 2 -n -q "$2" 2>/dev/null |
		awk -F/ '/^rtt/ { print $5; ok = 1 } END { if (!ok) print "lost" }'
}
faster() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "lost" && (b == "lost" || a * 5 < b)) }'; }

# ---- 1. idle: direct ----------------------------------------------------
probed() { counters a; [ "$(value a acked B direct)" -ge 5 ] && [ "$(value a acked B via-C)" -ge 5 ]; }
wait_until 15 probed || fail "A's probes to B are acknowledged on both paths"
sleep 1
idle_rtt=$(ping_rtt $A 10.99.0.2)
counters a
d0=$(value a packets B direct) v0=$(value a packets B via-C)
echo "idle: A -> B ping ${idle_rtt} ms; A's estimates: direct $(value a rtt_ms B direct) ms, via C $(value a rtt_ms B via-C) ms"
check "idle: A's route to B is direct" [ "$(choice a B)" = direct ]
check "idle: the pings went direct ($d0 direct, $v0 via C)" [ "$d0" -ge 10 -a "$v0" = 0 ]

# ---- 2. the direct path loaded: via C -----------------------------------
ip netns exec $B iperf3 -s -p 5201 >"$work/iperf-load-server.log" 2>&1 &
bg_pids="$bg_pids $!"
ip netns exec $B iperf3 -s -p 5202 >"$work/iperf-server.log" 2>&1 &
bg_pids="$bg_pids $!"
listening() { in_ns $B ss -ltnH "sport = :$1" | grep -q .; }
wait_until 5 listening 5201 && wait_until 5 listening 5202 || die "iperf3 servers"
t_load=$(now)
ip netns exec $S iperf3 -c 10.88.2.2 -p 5201 -u -b 3M -t 60 --forceflush >"$work/iperf-load.log" 2>&1 &
load=$!
bg_pids="$bg_pids $load"
if wait_until 20 switched a direct via-C; then
	echo "ok: A moved to via C $(awk -v a="$(switch_time a direct via-C)" -v b="$t_load" 'BEGIN { printf "%.1f", a - b }') s after the load started"
	grep "itmroute A: to B: direct -> via-C" "$work/route-a.log" | tail -1
else
	fail "A moved its route to B to via C under load"
fi
ip netns exec $C tcpdump -i to-a -n -U -w "$work/c.pcap" 'ip proto 4' 2>"$work/tcpdump.log" &
cap=$!
bg_pids="$bg_pids $cap"
wait_until 5 grep -q "listening on" "$work/tcpdump.log" || die "tcpdump did not start"
counters a
d1=$(value a packets B direct) v1=$(value a packets B via-C)
loaded_rtt=$(ping_rtt $A 10.99.0.2)
native_rtt=$(ping_rtt $A 10.88.2.2)
timeout 20 ip netns exec $A iperf3 -c 10.99.0.2 -p 5202 -t 3 -f m >"$work/iperf.log" 2>&1 ||
	fail "iperf3 A -> 10.99.0.2 during the load"
goodput=$(awk '/receiver/ { print $7 }' "$work/iperf.log")
load_rate=$(awk '/sec/ && !/receiver|sender/ { r = $7 } END { print r + 0 }' "$work/iperf-load.log")
sleep 0.3
kill -INT "$cap" 2>/dev/null
wait "$cap" 2>/dev/null
counters a
d2=$(value a packets B direct) v2=$(value a packets B via-C)
echo "loaded: A -> B (overlay) ping ${loaded_rtt} ms, A -> B's link address (native, through S) ${native_rtt} ms"
echo "loaded: A's estimates: direct $(value a rtt_ms B direct) ms, via C $(value a rtt_ms B via-C) ms; S -> B load ${load_rate} Mbit/s"
echo "loaded: iperf3 A -> 10.99.0.2 ${goodput:-?} Mbit/s; A's packets to B: $((d2 - d1)) direct, $((v2 - v1)) via C"
check "loaded: the overlay ping is much faster than the native one" faster "$loaded_rtt" "$native_rtt"
check "loaded: A's packets to B went via C" [ $((v2 - v1)) -ge 100 -a $((d2 - d1)) -le 2 ]
check "loaded: TCP through the overlay beats the 2 Mbit/s direct path" \
	awk -v g="${goodput:-0}" 'BEGIN { exit !(g > 5) }'
inner=$(tcpdump -r "$work/c.pcap" -n 2>/dev/null | grep -c "IP 10.99.0.1 > 10.99.0.3: IP 10.99.0.1 > 10.99.0.2: ICMP echo request")
tunnelled=$(tcpdump -r "$work/c.pcap" -n 2>/dev/null | grep -cE "IP 10\.99\.0\.1 > 10\.99\.0\.3: IP 10\.99\.0\.1(\.[0-9]+)? > 10\.99\.0\.2")
echo "loaded: C's wire from A: $tunnelled protocol-4 packets to B inside, $inner of them pings"
check "loaded: C saw the pings inside protocol 4" [ "$inner" -ge 10 ]
check "loaded: C saw the TCP transfer inside protocol 4" [ "$tunnelled" -ge 100 ]
counters c
echo "loaded: C decapsulated $(value c decapsulated)"
check "loaded: C decapsulated" [ "$(value c decapsulated)" -ge 100 ]

# ---- 3. the load stops: direct again ------------------------------------
kill -TERM "$load" 2>/dev/null
wait "$load" 2>/dev/null
t_stop=$(now)
if wait_until 30 switched a via-C direct; then
	echo "ok: A moved back to direct $(awk -v a="$(switch_time a via-C direct)" -v b="$t_stop" 'BEGIN { printf "%.1f", a - b }') s after the load stopped"
	grep "itmroute A: to B: via-C -> direct" "$work/route-a.log" | tail -1
else
	fail "A moved its route to B back to direct"
fi
counters a
d3=$(value a packets B direct) v3=$(value a packets B via-C)
after_rtt=$(ping_rtt $A 10.99.0.2)
counters a
d4=$(value a packets B direct) v4=$(value a packets B via-C)
echo "recovered: A -> B ping ${after_rtt} ms; A's packets to B: $((d4 - d3)) direct, $((v4 - v3)) via C"
check "recovered: the pings went direct" [ $((d4 - d3)) -ge 10 -a $((v4 - v3)) = 0 ]

# ---- 4. itmd's side: the proxy modules ----------------------------------
# module_counter N LABEL KEY, from one snapshot of N's module list, so that
# the counters of a module agree with each other
module_counter() {
	awk -v l="$2" -v k="$3" '$1 == "module" { m = $2 }
		m == l { for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }' "$work/$1.modules" | tail -1
}
for n in a c; do
	"$itm" -S "$work/$n.sock" module list >"$work/$n.modules"
done
for k in sent verdicts altered; do
	v=$(module_counter a itmroute-out $k)
	check "itmd A's itmroute-out: $k ${v:-?}" [ "${v:-0}" -gt 0 ]
	v=$(module_counter c itmroute-in $k)
	check "itmd C's itmroute-in: $k ${v:-?}" [ "${v:-0}" -gt 0 ]
done

# ---- 5. C's wall clock stepped back: it probes on -----------------------
if [ ${#step[@]} -gt 0 ]; then
	counters c
	s1=$(value c sent B direct) k1=$(value c acked B direct)
	sleep 1
	counters c
	s2=$(value c sent B direct) k2=$(value c acked B direct)
	check "C probes B after its clock stepped back (sent $s1, then $s2)" [ "$s2" -ge $((s1 + 5)) ]
	check "C's probes to B are answered (acked $k1, then $k2)" [ "$k2" -ge $((k1 + 5)) ]
fi

for n in a b c; do
	counters $n
	echo "--- itmroute ${n^^}"
	cat "$work/route-$n.snap"
done
finish itmroute "$work"/*.err "$work"/route-*.log "$work"/*.modules "$work/iperf.log"
