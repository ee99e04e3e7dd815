#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# itmtun end to end: two sites joined by an elastic tunnel of TCP
# connections between their edges, across a core whose itmd shapes the
# link toward edge B with `tbf rate 20mbit` and a pfifo. No kernel tunnel,
# no netem: the tunnel exists only in itmtun, slowness only in itmd.
#
#   A a0 10.61.1.2 -- 10.61.1.1 EA 10.61.2.1 -- 10.61.2.2 C 10.61.3.2 -- 10.61.3.1 EB 10.61.4.1 -- 10.61.4.2 B
#   X x0 10.61.5.2 -- 10.61.5.1 C: the cross traffic's source (forwarded
#   by C as the tunnel is: a sender on C itself would be held back by its
#   own socket's share of NFQUEUE's queue)
#   (IPv6 fd61:N::, the same N); itmd on EA and EB (NFQUEUE), an itmtun on
#   each edge for the other site's prefixes; itmd on C shapes C -> EB
#
# Checks:
#   - bad options are named;
#   - ping (IPv4, IPv6) and TCP from A to B cross the tunnel: C sees no
#     packet between the sites, only the tunnel's connections; itmd counts
#     the tunnelled packets as taken, not dropped;
#   - with 16 TCP flows from X to EB sharing the bottleneck, 16 UDP flows
#     from A to B (16 Mbit/s offered) get about 20 * n / (n + 16) Mbit/s:
#     with n fixed at 1 clearly less than with the controller on (target
#     10 Mbit/s), which gets close to the target and logs each change of n;
#   - EA's egress closes a connection that sends no frames (counted,
#     logged) and refuses one from another address than the peer's;
#   - EB's connections to EA come back after EA's itmtun restarts;
#   - both restarted with IPv6 addresses: the tunnel runs over IPv6;
#   - everything is removed afterwards.
# Root only; 77 (skip) without it or a tool.
#   run_etun.sh ITM ITMD ITMTUN WORKDIR
set -u
itm=$1 itmd=$2 itmtun=$3 work=$4
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

need_root "network namespaces, iptables, TUN devices"
need ip iptables ip6tables iperf3 ethtool ping tcpdump ss
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
modprobe -q nfnetlink_queue 2>/dev/null || true

fresh_work "$work"
# bad options: each named with what was expected, nothing started
bad_opt() {	# WHAT ARGS...: itmtun refuses ARGS naming WHAT
	local what=$1 err
	shift
	err=$("$itmtun" "$@" 2>&1) && fail "itmtun ran with $*"
	echo "$err" | grep -qF -- "$what" || fail "itmtun $*: said \"$err\", not \"$what\""
}
base=(-s "$work/none.mod" -p 10.61.3.1 -l 10.61.2.1)
bad_opt '-r "10.61.4.0/33": an IPv4 or IPv6 address or prefix' "${base[@]}" -r 10.61.4.0/33
bad_opt '-t "10mbps": a rate such as 10mbit' "${base[@]}" -r 10.61.4.0/24 -t 10mbps
bad_opt '-N "65": a number, 1..64' "${base[@]}" -r 10.61.4.0/24 -N 65
bad_opt '-n 4 is above -N 2' "${base[@]}" -r 10.61.4.0/24 -n 4 -N 2
bad_opt '-i "1s": a number, 100..60000' "${base[@]}" -r 10.61.4.0/24 -i 1s
bad_opt '-p "edge-b": an IPv4 or IPv6 address' -s x -r 10.61.4.0/24 -p edge-b -l 10.61.2.1
bad_opt '-r "10.5.0.0/16": one prefix too many (at most 4)' "${base[@]}" \
	-r 10.1.0.0/16 -r 10.2.0.0/16 -r 10.3.0.0/16 -r 10.4.0.0/16 -r 10.5.0.0/16

net=et$$	# its own namespaces
A=$net-a EA=$net-ea C=$net-c EB=$net-eb B=$net-b X=$net-x

cleanup_extra() {	# once lib.sh stopped itmd, itmtun and iperf3
	local ns
	for ns in $A $EA $C $EB $B $X; do
		ip netns del "$ns" 2>/dev/null
	done
}


# ---- the five namespaces --------------------------------------------------
for ns in $A $EA $C $EB $B $X; do
	ip netns add "$ns" || die "netns add $ns"
	in_ns "$ns" ip link set lo up
	in_ns "$ns" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
done
# link NS1 IF1 NS2 IF2 N: 10.61.N.1 on the first, .2 on the second
link() {
	local ns ifc h
	veth "$1" "$2" "$3" "$4"
	for x in "$1 $2 1" "$3 $4 2"; do
		read -r ns ifc h <<<"$x"
		in_ns "$ns" ip addr add "10.61.$5.$h/24" dev "$ifc"
		in_ns "$ns" ip -6 addr add "fd61:$5::$h/64" dev "$ifc" nodad
	done
}
link $EA e0 $A a0 1
link $EA e1 $C c0 2
link $EB e1 $C c1 3
link $EB e0 $B b0 4
link $C c2 $X x0 5
route() {	# NS PREFIX_N VIA_N VIA_HOST: 10.61.N/24 and fd61:N::/64
	in_ns "$1" ip route add "10.61.$2.0/24" via "10.61.$3.$4"
	in_ns "$1" ip -6 route add "fd61:$2::/64" via "fd61:$3::$4"
}
in_ns $A ip route add default via 10.61.1.1
in_ns $A ip -6 route add default via fd61:1::1
in_ns $B ip route add default via 10.61.4.1
in_ns $B ip -6 route add default via fd61:4::1
in_ns $X ip route add default via 10.61.5.1
# natively each site's packets would cross C: the kernel routes them to
# the forward hook, where itmtun takes them
route $EA 3 2 2; route $EA 4 2 2
route $EB 1 3 2; route $EB 2 3 2; route $EB 5 3 2
route $C 1 2 1; route $C 4 3 1

# ---- itmd: the bottleneck on C, the edges' hooks -----------------------------
start_itmd() {	# NS NAME CONF
	printf '%s\n' "$3" >"$work/$2.conf"
	ip netns exec "$1" "$itmd" -c "$work/$2.conf" -S "$work/$2.sock" -M "$work/$2.mod" \
		2>"$work/$2.err" &
	bg_pids="$bg_pids $!"
	wait_until 10 "$itm" -S "$work/$2.sock" module list >/dev/null 2>&1 ||
		die "itmd $2 did not come up"
}
start_itmd $C c 'backend nfqueue dev c1
qdisc add root handle 1: tbf rate 20mbit burst 32kb latency 50ms
qdisc add parent 1:1 handle 2: pfifo limit 200'
start_itmd $EA ea 'backend nfqueue dev e1'
start_itmd $EB eb 'backend nfqueue dev e1'

# registered NAME: itmd NAME has a live itmtun registration (an entry of a
# process that is gone says "state gone, ...")
registered() {
	"$itm" -S "$work/$1.sock" module list 2>/dev/null |
		awk '$1 == "module" { m = $2 } m == "itmtun" && / state connected/ { ok = 1 }
			END { exit !ok }'
}
# start_tun NAME NS PEER LOCAL REMOTE_N [OPTION...]: itmtun on an edge
start_tun() {
	local name=$1 ns=$2 peer=$3 local=$4 remote=$5
	shift 5
	# a restart is proven only once the last process's entry is seen gone
	wait_until 5 eval '! registered "$name"' ||
		die "itmd $name still has the last itmtun registered"
	ip netns exec "$ns" "$itmtun" -s "$work/$name.mod" -p "$peer" -l "$local" \
		-r "10.61.$remote.0/24" -r "fd61:$remote::/64" "$@" \
		2>>"$work/tun-$name.log" &
	bg_pids="$bg_pids $!"
	eval "tun_$name=$!"
	wait_until 10 registered "$name" || die "itmtun $name did not register"
	# a loaded 2-core machine may stall a process longer than 10 ms
	"$itm" -S "$work/$name.sock" set itmtun.deadline 2s >/dev/null ||
		fail "set itmtun.deadline on $name"
}
start_tun ea $EA 10.61.3.1 10.61.2.1 4 -n 1 -N 1
start_tun eb $EB 10.61.2.1 10.61.3.1 1 -n 1 -N 1

# registration trouble: while itmd cannot be reached, one line (then one
# every 10 s), not one every 200 ms; a label already taken ends itmtun at
# once, saying why (its own port and TUN device: EA's itmtun runs)
other_tun() {	# LOG SECONDS SOCK: a second itmtun on EA for SECONDS at most
	in_ns $EA timeout -s INT "$2" "$itmtun" -s "$3" -p 10.61.3.1 -l 10.61.2.1 \
		-P 7191 -d tf-other -r 10.61.4.0/24 >"$work/$1" 2>&1
}
other_tun tun-down.log 1.5 "$work/none.mod"
n=$(grep -c "register" "$work/tun-down.log")
check "itmd unreachable: one registration line in 1.5 s, not one each 200 ms ($n)" [ "$n" = 1 ]
other_tun tun-dup.log 5 "$work/ea.mod"
st=$?
check "the label taken: itmtun gave up at once (status $st)" [ "$st" != 124 -a "$st" != 0 ]
check "the label taken: itmtun said it gives up" grep -q "giving up" "$work/tun-dup.log"

# counters NAME: a fresh copy of itmtun NAME's counters (SIGUSR1) in tun-NAME.snap
counters() {
	local pid log=$work/tun-$1.log n0
	eval "pid=\$tun_$1"
	n0=$(grep -c '^ egress: ' "$log")
	kill -USR1 "$pid"
	wait_until 5 eval '[ "$(grep -c "^ egress: " "$log")" -gt "$n0" ]' ||
		fail "itmtun $1 printed no counters"
	grep -E '^(itmtun: connections [0-9]+ up| ingress:| egress:)' "$log" | tail -3 >"$work/tun-$1.snap"
}
value() {	# NAME SIDE KEY: one counter of the last snapshot (SIDE itmtun:, ingress:, egress:)
	awk -v s="$2" -v k="$3" '$1 == s { for (i = 2; i < NF; i++) if ($i == k) v = $(i + 1) }
		END { print v + 0 }' "$work/tun-$1.snap"
}
tunnel_up() { counters "$1"; [ "$(value "$1" itmtun: up)" -ge 1 ]; }
wait_until 10 tunnel_up ea || die "EA's tunnel connection did not come up"
wait_until 10 tunnel_up eb || die "EB's tunnel connection did not come up"
# a peer gone without a FIN is noticed: keepalive on both ends (idle here)
keepalive() { in_ns "$1" ss -tnoH state established "( $2 = :7090 )" | grep -q 'timer:(keepalive'; }
check "EA's egress connection has keepalive" wait_until 5 keepalive $EA sport
check "EB's ingress connection has keepalive" wait_until 5 keepalive $EB dport

# ---- 1. ping and TCP through the tunnel -----------------------------------
ip netns exec $C tcpdump -i c0 -n -U -w "$work/c.pcap" 2>"$work/tcpdump.log" &
cap=$!
bg_pids="$bg_pids $cap"
wait_until 5 grep -q "listening on" "$work/tcpdump.log" || die "tcpdump did not start"
counters ea; p0=$(value ea ingress: packets)
counters eb; i0=$(value eb egress: injected)
check "ping A -> B (IPv4) through the tunnel" in_ns $A ping -c 5 -i 0.2 -W 2 -q 10.61.4.2
check "ping A -> B (IPv6) through the tunnel" in_ns $A ping -6 -c 5 -i 0.2 -W 2 -q fd61:4::2
ip netns exec $B iperf3 -s -1 -p 5201 >"$work/iperf-s1.log" 2>&1 &
bg_pids="$bg_pids $!"
listening() { in_ns "$1" ss -ltnH "sport = :$2" | grep -q .; }
wait_until 5 listening $B 5201 || die "iperf3 server on B"
check "TCP A -> B through the tunnel" \
	timeout 20 ip netns exec $A iperf3 -c 10.61.4.2 -p 5201 -t 2 -f m >"$work/iperf1.log" 2>&1
sleep 0.3
kill -INT "$cap" 2>/dev/null
wait "$cap" 2>/dev/null
counters ea; p1=$(value ea ingress: packets)
counters eb; i1=$(value eb egress: injected)
between=$(tcpdump -r "$work/c.pcap" -n 'net 10.61.1.0/24 or net 10.61.4.0/24 or net fd61:1::/64 or net fd61:4::/64' 2>/dev/null | wc -l)
carried=$(tcpdump -r "$work/c.pcap" -n 'tcp port 7090' 2>/dev/null | wc -l)
echo "tunnel: EA took $((p1 - p0)) packets, EB injected $((i1 - i0)); C saw $carried tunnel segments, $between packets between the sites"
check "EA's itmtun took the pings and the transfer" [ $((p1 - p0)) -ge 100 ]
check "EB's itmtun injected them" [ $((i1 - i0)) -ge 100 ]
check "C saw no packet between the sites outside the tunnel" [ "$between" = 0 ]
check "C saw the tunnel's connections" [ "$carried" -ge 100 ]
"$itm" -S "$work/ea.sock" module list >"$work/ea.modules"
"$itm" -S "$work/ea.sock" backend show -s >"$work/ea.backend"
taken=$(awk '$1 == "module" { m = $2 } m == "itmtun" { for (i = 1; i < NF; i++) if ($i == "taken") print $(i + 1) }' "$work/ea.modules" | tail -1)
dropped=$(awk '$1 == "module" { m = $2 } m == "itmtun" { for (i = 1; i < NF; i++) if ($i == "dropped") print $(i + 1) }' "$work/ea.modules" | tail -1)
btaken=$(awk '{ for (i = 1; i < NF; i++) if ($i == "taken") print $(i + 1) }' "$work/ea.backend" | tail -1)
echo "itmd EA: module itmtun taken ${taken:-?} dropped ${dropped:-?}; backend taken ${btaken:-?}"
check "itmd EA counts the tunnelled packets as taken" [ "${taken:-0}" -ge 100 -a "${btaken:-0}" -ge 100 ]
# itmd counts as dropped exactly what itmtun dropped itself (a full buffer
# while iperf3 fills the one connection, say), nothing else
counters ea
own=$(($(value ea ingress: queue_full) + $(value ea ingress: no_conn) + $(value ea ingress: conn_lost) + $(value ea ingress: cut) + $(value ea ingress: not_ip)))
check "itmd EA counts as dropped only what itmtun dropped (${dropped:-?} = $own)" [ "${dropped:-x}" = "$own" ]

# ---- 1b. the egress trusts nothing -------------------------------------------
# bytes that are no frame, from the peer's address: that connection is
# closed and counted; a connection from another address is refused
counters ea
b0=$(value ea egress: bad_frames) r0=$(value ea egress: refused)
in_ns $EB timeout 5 bash -c 'printf "GET / HTTP/1.0\r\n\r\n" >/dev/tcp/10.61.2.1/7090' ||
	fail "connect from EB's address to EA's listener"
in_ns $C timeout 5 bash -c 'printf "x" >/dev/tcp/10.61.2.1/7090' 2>/dev/null
sleep 0.5
counters ea
echo "egress EA: bad_frames $b0 -> $(value ea egress: bad_frames), refused $r0 -> $(value ea egress: refused)"
check "a stream of no frames is closed and counted" [ "$(value ea egress: bad_frames)" = $((b0 + 1)) ]
check "the bad frame is logged with its reason" grep -q "bad frame (bad magic): closed" "$work/tun-ea.log"
check "a connection from another address is refused" [ "$(value ea egress: refused)" = $((r0 + 1)) ]
check "ping A -> B still passes" in_ns $A ping -c 2 -i 0.2 -W 2 -q 10.61.4.2

# ---- 2. cross traffic: n fixed at 1, then the controller ----------------------
# rate LOG SKIP: the mean of a receiving iperf3's [SUM] lines of whole
# seconds from SKIP s on
rate() {
	awk -v skip="$2" '$1 == "[SUM]" && $3 == "sec" && !/receiver|sender/ {
			split($2, t, "-")
			if (t[1] + 0 >= skip && t[2] - t[1] > 0.9) { s += $6; n++ } }
		END { printf "%.2f\n", n ? s / n : 0 }' "$1"
}
# tunnel_rate PORT SECONDS SKIP: 16 fresh cross flows X -> EB, and 16 UDP
# flows of 1 Mbit/s A -> B through the tunnel (a demand above the target
# that does not back off itself, unlike TCP over TCP: the tunnel's rate is
# the tunnel's alone): got, the Mbit/s B received after SKIP s, and
# cross, what the cross flows got in all
tunnel_rate() {
	local cross_pid xport=$(($1 + 100))
	# a server of its own: one still busy with the last test refuses
	ip netns exec $EB iperf3 -s -1 -p $xport -f m --forceflush \
		>"$work/iperf-s$xport.log" 2>&1 &
	bg_pids="$bg_pids $!"
	wait_until 5 listening $EB $xport || die "iperf3 cross server on EB"
	ip netns exec $X iperf3 -c 10.61.3.1 -p $xport -P 16 -t $(($2 + 10)) \
		>"$work/iperf-cross$1.log" 2>&1 &
	cross_pid=$!
	bg_pids="$bg_pids $cross_pid"
	ip netns exec $B iperf3 -s -1 -p "$1" -f m --forceflush >"$work/iperf-s$1.log" 2>&1 &
	bg_pids="$bg_pids $!"
	wait_until 5 listening $B "$1" || die "iperf3 server on B port $1"
	sleep 1
	timeout $(($2 + 15)) ip netns exec $A iperf3 -c 10.61.4.2 -p "$1" -u -b 1M -P 16 -t "$2" \
		>"$work/iperf-c$1.log" 2>&1 || fail "iperf3 A -> B port $1"
	sleep 0.5
	got=$(rate "$work/iperf-s$1.log" "$3")
	kill -INT "$cross_pid" 2>/dev/null
	wait "$cross_pid" 2>/dev/null
	cross=$(rate "$work/iperf-s$xport.log" "$3")
}
tunnel_rate 5202 8 3
fixed=$got
echo "n fixed at 1: A -> B ${fixed} Mbit/s beside 16 cross flows (${cross:-?} Mbit/s; a fair share of 1 in 17: 1.2)"

kill -TERM "$tun_ea" 2>/dev/null
wait "$tun_ea" 2>/dev/null
start_tun ea $EA 10.61.3.1 10.61.2.1 4 -t 10mbit -n 1 -N 16 -v
wait_until 10 tunnel_up ea || die "EA's tunnel did not come up again"
tunnel_rate 5203 14 7
elastic=$got
counters ea
echo "controller, target 10 Mbit/s: A -> B ${elastic} Mbit/s beside the cross flows (${cross:-?} Mbit/s), $(value ea itmtun: connections) connections at the end"
grep "itmtun: connections .* -> " "$work/tun-ea.log" | sed 's/^/  /'
check "the controller opened connections and logged each change" \
	grep -q "itmtun: connections 1 -> " "$work/tun-ea.log"
check "controller on: close to the target (>= 7.5 Mbit/s)" \
	awk -v r="$elastic" 'BEGIN { exit !(r >= 7.5) }'
check "n fixed at 1: clearly less (< 5 Mbit/s)" awk -v r="$fixed" 'BEGIN { exit !(r < 5) }'
check "controller on: at least twice n fixed at 1" \
	awk -v a="$elastic" -v b="$fixed" 'BEGIN { exit !(a >= 2 * b) }'

# ---- 3. EB connected again after EA's restart --------------------------------
counters eb
check "EB's connection came back after EA restarted (connects $(value eb ingress: connects))" \
	[ "$(value eb ingress: connects)" -ge 2 -a "$(value eb itmtun: up)" -ge 1 ]
check "ping A -> B after the restart" in_ns $A ping -c 3 -i 0.2 -W 2 -q 10.61.4.2

# ---- 4. the tunnel's connections over IPv6 -----------------------------------
for n in ea eb; do
	eval "kill -TERM \$tun_$n"
	eval "wait \$tun_$n" 2>/dev/null
done
start_tun ea $EA fd61:3::1 fd61:2::1 4
start_tun eb $EB fd61:2::1 fd61:3::1 1
wait_until 10 tunnel_up ea && wait_until 10 tunnel_up eb || fail "the tunnel over IPv6 came up"
counters ea; p0=$(value ea ingress: packets)
check "ping A -> B (IPv4) through a tunnel over IPv6" in_ns $A ping -c 3 -i 0.2 -W 2 -q 10.61.4.2
check "ping A -> B (IPv6) through a tunnel over IPv6" in_ns $A ping -6 -c 3 -i 0.2 -W 2 -q fd61:4::2
counters ea
check "EA's itmtun took them ($(($(value ea ingress: packets) - p0)))" \
	[ $(($(value ea ingress: packets) - p0)) -ge 6 ]

for n in ea eb; do
	counters $n
	echo "--- itmtun ${n^^}"
	cat "$work/tun-$n.snap"
done
finish etun "$work"/*.err "$work"/tun-*.log "$work"/*.modules "$work"/iperf-c*.log
