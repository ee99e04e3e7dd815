#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The ipip module on live traffic, with no kernel tunnel device: a route-mode
# test bed (tools/testbed.sh) where the server has an overlay address,
# 192.168.77.2, that the itm namespace reaches only through an IP-in-IP
# tunnel 10.77.2.1 <-> 10.77.2.2 made by two itmd, one in the itm namespace
# and one in the server namespace (NFQUEUE: encapsulation at post-routing,
# decapsulation at pre-routing). Checks:
#   - with only the first itmd, ping to the overlay fails: the server's
#     kernel gets protocol 4 and has nothing to decapsulate with;
#   - with both, ping works, and the server's interface sees the ICMP
#     only inside protocol 4 packets (tcpdump), outer headers 10.77.2.1 <->
#     10.77.2.2 with valid checksums;
#   - a TCP transfer (iperf3, MTU 1480 at the client, offloads on) runs through
#     the tunnel: ipip lengthens packets, so itmd has the kernel segment GSO
#     packets before queueing (none is too big); both itmd count
#     encapsulated and decapsulated packets.
# Root only; 77 (skip) without it or a tool.
#   run_ipip.sh ITM ITMD WORKDIR
set -u
itm=$1 itmd=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

need_root "network namespaces, iptables"
need ip iptables ip6tables iperf3 ethtool ping tcpdump tshark ss
modprobe -q nfnetlink_queue 2>/dev/null || true

fresh_work "$work"
tb=itl_ipip_$$
C=$tb-client I=$tb-itm S=$tb-server

# start_itmd NS NAME CONF: itmd in NS, socket $work/NAME.sock, ready
start_itmd() {
	local ns=$1 name=$2 end=$((SECONDS + 5))
	printf '%s\n' "$3" >"$work/$name.conf"
	ip netns exec "$ns" "$itmd" -c "$work/$name.conf" -S "$work/$name.sock" \
		2>"$work/$name.err" &
	bg_pids="$bg_pids $!"
	while [ $SECONDS -lt $end ]; do
		"$itm" -S "$work/$name.sock" module list >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "FAIL: itmd $name did not come up:"
	cat "$work/$name.err"
	exit 1
}

# counter NAME LABEL KEY: one ipip counter of a running itmd
counter() {
	"$itm" -S "$work/$1.sock" module list |
		awk -v l="$2" -v k="$3" '$1 == "module" { m = $2 }
			m == l { for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }' | tail -1
}

ping_overlay() {
	ip netns exec "$C" ping -c 3 -i 0.2 -W 1 -n -q 192.168.77.2 >/dev/null 2>&1
}

"$testbed" up --name "$tb" --mode route >/dev/null ||
	{ echo "FAIL: testbed up"; exit 1; }
# the overlay address, reached from the itm namespace through the tunnel
ip netns exec "$S" ip addr add 192.168.77.2/32 dev lo
# The kernel checks a packet against its route's MTU after itmd added the
# outer header, so the MTU is lowered before the encapsulating hop (the
# client's route), and a host that encapsulates its own TCP asks for smaller
# segments instead (advmss on the server's route back).
ip netns exec "$I" ip route add 192.168.77.0/24 via 10.77.2.2
ip netns exec "$C" ip route add 192.168.77.0/24 via 10.77.1.1 mtu 1480
ip netns exec "$S" ip route add 10.77.1.0/24 via 10.77.2.1 advmss 1440

tunnel() {	# LOCAL PEER MATCH
	printf 'backend nfqueue\n'
	printf 'module add ipip label tx hook post-routing local %s peer %s match %s decap off\n' "$1" "$2" "$3"
	printf 'module add ipip label rx hook pre-routing local %s peer %s encap off\n' "$1" "$2"
}
start_itmd "$I" near "$(tunnel 10.77.2.1 10.77.2.2 192.168.77.0/24)"
if ping_overlay; then
	fail "without the far end, the overlay is unreachable"
else
	echo "ok: without the far end, the overlay is unreachable"
fi
check "packets to the overlay were encapsulated" [ "$(counter near tx encapsulated)" -ge 3 ]

start_itmd "$S" far "$(tunnel 10.77.2.2 10.77.2.1 10.77.1.0/24)"
ip netns exec "$S" tcpdump -i eth0 -s 0 -U -w "$work/wire.pcap" 'ip' 2>"$work/tcpdump.log" &
cap=$!
bg_pids="$bg_pids $cap"
end=$((SECONDS + 5))
until grep -q "listening on" "$work/tcpdump.log" 2>/dev/null; do
	[ $SECONDS -lt $end ] || { echo "FAIL: tcpdump did not start"; exit 1; }
	sleep 0.05
done
check "ping 192.168.77.2 through the tunnel" ping_overlay
ip netns exec "$S" iperf3 -s -1 >"$work/iperf-server.log" 2>&1 &
bg_pids="$bg_pids $!"
end=$((SECONDS + 5))
until ip netns exec "$S" ss -ltnH 'sport = :5201' | grep -q .; do
	[ $SECONDS -lt $end ] || { echo "FAIL: iperf3 server"; exit 1; }
	sleep 0.05
done
check "TCP through the tunnel (iperf3 -n 2M)" \
	timeout 20 ip netns exec "$C" iperf3 -c 192.168.77.2 -n 2M -f m >"$work/iperf.txt" 2>&1
sleep 0.2
kill -INT "$cap" 2>/dev/null
wait "$cap" 2>/dev/null

f=$work/wire.fields
tshark -r "$work/wire.pcap" -o ip.check_checksum:TRUE -T fields -E occurrence=a \
	-E separator=' ' -e ip.proto -e ip.src -e ip.checksum.status 2>/dev/null >"$f"
plain=$(awk '$1 !~ /^4,/ && $2 ~ /192\.168\.77|10\.77\.1\./ { n++ } END { print n + 0 }' "$f")
tunnelled=$(awk '$1 ~ /^4,/ { n++ } END { print n + 0 }' "$f")
icmp=$(awk '$1 == "4,1" { n++ } END { print n + 0 }' "$f")
badsum=$(awk '$3 ~ /0/ { n++ } END { print n + 0 }' "$f")
echo "on the server's wire: $tunnelled in protocol 4 ($icmp ICMP inside), $plain overlay packets in clear, $badsum with a bad IPv4 checksum"
check "overlay traffic crosses the wire only inside protocol 4" [ "$tunnelled" -ge 20 -a "$plain" = 0 ]
check "the pings crossed in the tunnel, both ways" [ "$icmp" -ge 6 ]
check "every IPv4 header checksum valid, outer and inner" [ "$badsum" = 0 ]
for n in near far; do
	"$itm" -S "$work/$n.sock" module list >"$work/$n.modules"
	e=$(counter $n tx encapsulated) d=$(counter $n rx decapsulated)
	echo "itmd $n: encapsulated $e decapsulated $d, too_big $(counter $n tx too_big)"
	check "itmd $n encapsulated and decapsulated" [ "$e" -ge 10 -a "$d" -ge 10 ]
done
finish ipip "$work/iperf.txt" "$work/near.err" "$work/far.err" "$work/near.modules" \
	"$work/far.modules"
