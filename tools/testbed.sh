#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A three-namespace test bed for itmd: client, itm and server joined by veth
# links, for users and for the live tests (tests/live/).
#
#   tools/testbed.sh up [--name N] [--mode route|bridge] [--kernel-bridge]
#                       [--offloads on|off] [--csum on|off]
#   tools/testbed.sh down [--name N]
#   tools/testbed.sh exec NAMESPACE CMD...        (ip netns exec)
#
# Namespaces N-client, N-itm, N-server (N defaults to itmtb). The client's and
# the server's interface is eth0; in N-itm the end facing the client is c0,
# the one facing the server s0.
#   route:  client 10.77.1.2/24 fd77:1::2/64 -- c0 10.77.1.1 fd77:1::1 (itm,
#           forwarding IPv4 and IPv6) s0 10.77.2.1 fd77:2::1 -- server
#           10.77.2.2/24 fd77:2::2/64; client and server route via itm.
#   bridge: client 10.77.0.2/24 fd77::2/64, server 10.77.0.3/24 fd77::3/64;
#           c0 and s0 are up without addresses, for itmd's bridge backend, or
#           in a Linux bridge br0 with --kernel-bridge (the baseline).
# --offloads off turns GSO, TSO and GRO off on every veth end. Checksum
# offload stays on: forwarding works either way. --csum off also turns tx and
# rx checksum offload off, so that every packet on the wire carries a full
# TCP checksum (a locally sent packet otherwise crosses veth with a partial one).
# IPv6 duplicate address detection is off, so addresses are usable at once;
# "up" returns when the client pings the server (in bridge mode without a
# kernel bridge nothing forwards yet, so it only waits for the links).
set -eu

name=itmtb mode=route offloads=on csum=on kbridge=0

die() {
	echo "testbed: $*" >&2
	exit 1
}

# run STEP CMD...: run CMD, and on failure say which step and command failed
run() {
	local step=$1 out
	shift
	if ! out=$("$@" 2>&1); then
		echo "testbed: $step failed: $*" >&2
		[ -z "$out" ] || echo "$out" >&2
		exit 1
	fi
}

in_ns() {	# STEP NS CMD...
	local step=$1 ns=$2
	shift 2
	run "$step" ip netns exec "$ns" "$@"
}

has_ns() {
	ip netns list | awk '{print $1}' | grep -qx "$1"
}

parse_opts() {
	while [ $# -gt 0 ]; do
		case $1 in
		--name) [ $# -ge 2 ] || die "--name needs a value"; name=$2; shift ;;
		--mode) [ $# -ge 2 ] || die "--mode needs a value"; mode=$2; shift ;;
		--offloads) [ $# -ge 2 ] || die "--offloads needs a value"; offloads=$2; shift ;;
		--csum) [ $# -ge 2 ] || die "--csum needs a value"; csum=$2; shift ;;
		--kernel-bridge) kbridge=1 ;;
		*) die "unknown option \"$1\"" ;;
		esac
		shift
	done
	case $mode in route|bridge) ;; *) die "--mode must be route or bridge, not \"$mode\"" ;; esac
	case $offloads in on|off) ;; *) die "--offloads must be on or off, not \"$offloads\"" ;; esac
	case $csum in on|off) ;; *) die "--csum must be on or off, not \"$csum\"" ;; esac
	[ "$kbridge" = 0 ] || [ "$mode" = bridge ] || die "--kernel-bridge needs --mode bridge"
	[[ $name =~ ^[A-Za-z0-9_.]{1,20}$ ]] || die "--name \"$name\": letters, digits, _ and . only, at most 20"
}

down() {
	local ns
	for ns in "$name-client" "$name-itm" "$name-server"; do
		if has_ns "$ns"; then
			run "delete namespace $ns" ip netns del "$ns"
		fi
	done
}

# wait_ping NS ADDR: up to 10 s for one echo reply
wait_ping() {
	local end=$((SECONDS + 10)) out
	while [ $SECONDS -lt $end ]; do
		if out=$(ip netns exec "$1" ping -c 1 -W 1 -n "$2" 2>&1); then
			return 0
		fi
		sleep 0.1
	done
	echo "$out" >&2
	die "up: no ping reply from $2 in namespace $1 after 10 s"
}

up() {
	local c=$name-client i=$name-itm s=$name-server ns dev
	for ns in "$c" "$i" "$s"; do
		has_ns "$ns" && die "up: namespace $ns exists (run: $0 down --name $name)"
	done
	for ns in "$c" "$i" "$s"; do
		run "create namespace $ns" ip netns add "$ns"
		in_ns "loopback up in $ns" "$ns" ip link set lo up
		# no DAD on any interface created from here on, link-local included
		in_ns "IPv6 DAD off in $ns" "$ns" sysctl -qw net.ipv6.conf.default.accept_dad=0 \
			net.ipv6.conf.all.accept_dad=0
	done
	run "veth client-itm" ip link add c0 netns "$i" type veth peer name eth0 netns "$c"
	run "veth itm-server" ip link add s0 netns "$i" type veth peer name eth0 netns "$s"

	if [ "$mode" = route ]; then
		in_ns "forwarding on in $i" "$i" sysctl -qw net.ipv4.ip_forward=1 \
			net.ipv6.conf.all.forwarding=1
		in_ns "address client" "$c" ip addr add 10.77.1.2/24 dev eth0
		in_ns "address client" "$c" ip -6 addr add fd77:1::2/64 dev eth0 nodad
		in_ns "address itm c0" "$i" ip addr add 10.77.1.1/24 dev c0
		in_ns "address itm c0" "$i" ip -6 addr add fd77:1::1/64 dev c0 nodad
		in_ns "address itm s0" "$i" ip addr add 10.77.2.1/24 dev s0
		in_ns "address itm s0" "$i" ip -6 addr add fd77:2::1/64 dev s0 nodad
		in_ns "address server" "$s" ip addr add 10.77.2.2/24 dev eth0
		in_ns "address server" "$s" ip -6 addr add fd77:2::2/64 dev eth0 nodad
	else
		in_ns "address client" "$c" ip addr add 10.77.0.2/24 dev eth0
		in_ns "address client" "$c" ip -6 addr add fd77::2/64 dev eth0 nodad
		in_ns "address server" "$s" ip addr add 10.77.0.3/24 dev eth0
		in_ns "address server" "$s" ip -6 addr add fd77::3/64 dev eth0 nodad
		# a bridged port must not answer for itself or route
		in_ns "IPv6 off on c0, s0" "$i" sysctl -qw net.ipv6.conf.c0.disable_ipv6=1 \
			net.ipv6.conf.s0.disable_ipv6=1
	fi
	for ns in "$c" "$s"; do
		in_ns "link up in $ns" "$ns" ip link set eth0 up
	done
	in_ns "link up c0" "$i" ip link set c0 up
	in_ns "link up s0" "$i" ip link set s0 up
	if [ "$mode" = route ]; then
		in_ns "default route client" "$c" ip route add default via 10.77.1.1
		in_ns "default route client" "$c" ip -6 route add default via fd77:1::1
		in_ns "default route server" "$s" ip route add default via 10.77.2.1
		in_ns "default route server" "$s" ip -6 route add default via fd77:2::1
	elif [ "$kbridge" = 1 ]; then
		in_ns "kernel bridge br0" "$i" ip link add br0 type bridge
		in_ns "bridge port c0" "$i" ip link set c0 master br0
		in_ns "bridge port s0" "$i" ip link set s0 master br0
		in_ns "bridge up" "$i" ip link set br0 up
	fi

	local feat="gso off tso off gro off"
	[ "$csum" = on ] || feat="$feat tx off rx off"
	if [ "$offloads" = off ] || [ "$csum" = off ]; then
		[ "$offloads" = off ] || feat="tx off rx off"
		for dev in "$c eth0" "$i c0" "$i s0" "$s eth0"; do
			set -- $dev
			# shellcheck disable=SC2086
			in_ns "ethtool -K $2 in $1" "$1" ethtool -K "$2" $feat
		done
	fi

	local srv=10.77.2.2 srv6=fd77:2::2
	[ "$mode" = route ] || srv=10.77.0.3 srv6=fd77::3
	if [ "$mode" = route ] || [ "$kbridge" = 1 ]; then
		wait_ping "$c" "$srv"
		wait_ping "$c" "$srv6"
	fi
	local what="offloads $offloads"
	[ "$csum" = on ] || what="$what, checksum offload off"
	[ "$offloads" = on ] || [ "$csum" = off ] || what="$what (gso tso gro; checksum offload on)"
	[ "$kbridge" = 0 ] || what="$what, kernel bridge br0"
	echo "testbed $name up: $mode mode, $c eth0 -- $i c0|s0 -- $s eth0, $what"
	echo "testbed $name: client $( [ "$mode" = route ] && echo 10.77.1.2 fd77:1::2 || echo 10.77.0.2 fd77::2), server $srv $srv6"
}

[ $# -ge 1 ] || die "usage: $0 up|down|exec ..."
cmd=$1
shift
case $cmd in
up)
	parse_opts "$@"
	[ "$(id -u)" = 0 ] || die "up: needs root"
	up
	;;
down)
	parse_opts "$@"
	down
	echo "testbed $name down"
	;;
exec)
	[ $# -ge 2 ] || die "usage: $0 exec NAMESPACE CMD..."
	exec ip netns exec "$@"
	;;
*)
	die "unknown command \"$cmd\" (up, down, exec)"
	;;
esac
