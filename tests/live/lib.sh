# SPDX-License-Identifier: GPL-2.0-only
# Shared steps of the live test scripts that count their checks (run_live.sh,
# run_ipip.sh, run_itmroute.sh, run_etun.sh, run_tgen.sh,
# tests/probe/run_probe.sh), sourced: skipping, checks, dying with the logs'
# tails, running in a namespace, waiting for a condition, a fresh work
# directory, and on exit a cleanup
# that stops what the script started in the background (bg_pids: SIGTERM,
# then SIGKILL), runs its cleanup_extra (if it defines one) and takes its
# test bed ($tb, if set) down. The fs cases have fs_lib.sh.
testbed=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/tools/testbed.sh
bg_pids="" fails=0 tb=""

skip() {
	echo "SKIP: $*"
	exit 77
}

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# check DESCRIPTION CMD...: "ok" or a failure counted, on CMD's status
check() {
	local what=$1
	shift
	if "$@"; then echo "ok: $what"; else fail "$what"; fi
}

# need TOOL...: every TOOL on the PATH, or skip
need() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || skip "$t not found"
	done
}

# need_root WHY: root, or skip
need_root() {
	[ "$(id -u)" = 0 ] || skip "needs root ($1)"
}

# die MSG: a failure that ends the script, with the tails of $work's logs
die() {
	echo "FAIL: $*"
	for f in "$work"/*.log "$work"/*.err; do
		[ -s "$f" ] && { echo "--- $f"; tail -20 "$f"; }
	done
	exit 1
}

in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# wait_until SECONDS CMD...: true once CMD is, false when time is up
wait_until() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.1
	done
}

# veth NS1 IF1 NS2 IF2: a veth pair between two namespaces, both ends up,
# offloads and reverse-path filtering off (addresses are the caller's)
veth() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" || die "veth $2"
	local ns ifc ns_ifc
	for ns_ifc in "$1 $2" "$3 $4"; do
		read -r ns ifc <<<"$ns_ifc"
		in_ns "$ns" ethtool -K "$ifc" gso off tso off gro off tx off >/dev/null 2>&1
		in_ns "$ns" sysctl -qw "net.ipv4.conf.$ifc.rp_filter=0"
		in_ns "$ns" ip link set "$ifc" up
	done
}

fresh_work() {	# DIR: empty
	rm -rf "$1"
	mkdir -p "$1"
}

# finish NAME [FILE...]: all passed, or the count, the FILEs' tails, exit 1
finish() {
	local name=$1 f
	shift
	if [ "$fails" -gt 0 ]; then
		echo "$name: $fails check(s) failed; logs:"
		for f in "$@"; do
			[ -s "$f" ] && { echo "--- $f"; tail -30 "$f"; }
		done
		exit 1
	fi
	echo "$name: all checks passed"
	exit 0
}

live_cleanup() {
	local p
	if [ -n "$bg_pids" ]; then
		for p in $bg_pids; do
			kill "$p" 2>/dev/null
		done
		sleep 0.2
		for p in $bg_pids; do
			kill -9 "$p" 2>/dev/null
		done
	fi
	declare -F cleanup_extra >/dev/null && cleanup_extra
	wait 2>/dev/null
	[ -z "$tb" ] || "$testbed" down --name "$tb" >/dev/null 2>&1 ||
		echo "cleanup: testbed down --name $tb failed"
}
trap live_cleanup EXIT
