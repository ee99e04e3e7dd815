# SPDX-License-Identifier: GPL-2.0-only
# Shared steps of the experiments (sourced): a test bed of three namespaces
# (tools/testbed.sh), itmd at the bottleneck in the middle one, servers in
# the server namespace, itm probe / itm tgen from the client namespace, and
# a report written under the output directory. Everything started is
# stopped and the test bed removed on exit, failed or not.
#
# An experiment sets EXP (its name), sources this file, calls exp_init "$@"
# and then uses the exp_* functions. Options every experiment takes:
#   --quick       the reduced form (shorter, fewer flows) that CI runs
#   --out DIR     where the report and plots go (default results/EXP)
#   --build DIR   the build with src/cli/itm and src/daemon/itmd

exp_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
exp_testbed=$exp_top/tools/testbed.sh
exp_pids=""
exp_quick=0

exp_die() {
	echo "$EXP: $*" >&2
	exit 1
}

# exp_say TEXT: a progress line with the time since the start
exp_say() {
	printf '[%3ds] %s\n' "$SECONDS" "$*"
}

exp_cleanup() {
	local p
	for p in $exp_pids; do
		kill "$p" 2>/dev/null
	done
	sleep 0.2
	for p in $exp_pids; do
		kill -9 "$p" 2>/dev/null
	done
	wait 2>/dev/null
	"$exp_testbed" down --name "$exp_tb" >/dev/null 2>&1
}

exp_init() {
	local build=""
	exp_out=$exp_top/results/$EXP
	while [ $# -gt 0 ]; do
		case $1 in
		--quick) exp_quick=1 ;;
		--out) exp_out=$2; shift ;;
		--build) build=$2; shift ;;
		*) exp_die "what is \"$1\"? (options: --quick, --out DIR, --build DIR)" ;;
		esac
		shift
	done
	if [ -z "$build" ]; then
		for build in "$exp_top/build-release" "$exp_top/build" "$exp_top/build-test"; do
			[ -x "$build/src/daemon/itmd" ] && break
		done
	fi
	exp_itm=$build/src/cli/itm exp_itmd=$build/src/daemon/itmd
	[ -x "$exp_itm" ] && [ -x "$exp_itmd" ] || exp_die "itm and itmd not built in $build"
	[ "$(id -u)" = 0 ] || exp_die "needs root (network namespaces, iptables)"
	local t
	for t in ip iptables iperf3 jq; do
		command -v $t >/dev/null || exp_die "$t not found (scripts/deps.sh run installs it)"
	done
	mkdir -p "$exp_out" || exp_die "cannot create $exp_out"
	exp_tb=ix$$
	exp_c=$exp_tb-client exp_i=$exp_tb-itm exp_s=$exp_tb-server
	exp_sock=$exp_out/itmd.sock
	trap exp_cleanup EXIT
	trap 'exit 130' INT TERM
}

# exp_bg NS CMD...: start CMD in NS, its pid in $exp_last
exp_bg() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@" &
	exp_last=$!
	exp_pids="$exp_pids $exp_last"
}

exp_stop() {	# PID
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# exp_bed_up [testbed options]: a fresh route-mode test bed
exp_bed_up() {
	"$exp_testbed" down --name "$exp_tb" >/dev/null 2>&1
	"$exp_testbed" up --name "$exp_tb" --mode route "$@" >/dev/null ||
		exp_die "testbed up failed"
}

# exp_servers [ADDR]: iperf3 and the probe's UDP echo in the server
# namespace, on every address or only on ADDR
exp_servers() {
	local bind=()
	[ $# -eq 0 ] || bind=(--bind "$1")
	exp_bg "$exp_s" iperf3 -s ${1:+-B "$1"} >/dev/null 2>&1
	exp_bg "$exp_s" "$exp_itm" probe echo-server "${bind[@]}" >/dev/null 2>&1
	local i
	for i in $(seq 50); do
		ip netns exec "$exp_s" ss -ltnH 'sport = :5201' | grep -q . &&
			ip netns exec "$exp_s" ss -lunH 'sport = :7777' | grep -q . &&
			return 0
		sleep 0.1
	done
	exp_die "iperf3 server or the probe's echo server did not start"
}

# exp_itmd_in NS SOCKET NAME LINE...: itmd in namespace NS with these
# configuration lines (saved as NAME.conf) and control socket SOCKET; returns
# when the socket answers, the daemon's pid in $exp_last
exp_itmd_in() {
	local ns=$1 sock=$2 name=$3 l i
	shift 3
	: >"$exp_out/$name.conf"
	for l in "$@"; do
		echo "$l" >>"$exp_out/$name.conf"
	done
	exp_bg "$ns" "$exp_itmd" -c "$exp_out/$name.conf" -S "$sock" \
		2>"$exp_out/$name.itmd.log"
	for i in $(seq 50); do
		"$exp_itm" -S "$sock" qdisc show >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	cat "$exp_out/$name.itmd.log" >&2
	exp_die "itmd did not start with $name.conf"
}

# exp_itmd NAME LINE...: the bottleneck's itmd, in the itm namespace
exp_itmd() {
	exp_itmd_in "$exp_i" "$exp_sock" "$@"
	exp_itmd_pid=$exp_last
}

# exp_itmd_stop NAME: the statistics into NAME.stats, then SIGTERM
exp_itmd_stop() {
	"$exp_itm" -S "$exp_sock" qdisc show -s >"$exp_out/$1.stats" 2>&1
	exp_stop "$exp_itmd_pid"
}

# jq on a probe report: exp_stat FILE STREAM PHASE FIELD
exp_stat() {
	jq -r --arg s "$2" --arg p "$3" --arg f "$4" \
		'.streams[] | select(.name == $s) | .[$p][$f]' "$1"
}

# the load's received throughput in Mbit/s
exp_load_mbit() {
	jq -r 'if .load.ok then .load.bits_per_second / 1e6 else 0 end' "$1"
}

# exp_fmt NUMBER [DECIMALS]
exp_fmt() {
	awk -v v="$1" -v d="${2:-1}" 'BEGIN { printf "%.*f", d, v }'
}

# exp_check TEXT AWK-CONDITION: a CI assertion on figures; counts failures
exp_fails=0
exp_check() {
	if awk "BEGIN { exit !($2) }"; then
		echo "ok: $1"
	else
		echo "FAIL: $1 ($2)"
		exp_fails=$((exp_fails + 1))
	fi
}

# exp_compare_cdf PNG TITLE LABEL CSV [LABEL CSV]...: one plot of the RTT
# CDF under load (every stream's answered probes of the load phase, from
# itm probe --samples) of each run, the before/after picture
exp_compare_cdf() {
	local png=$1 title=$2 plot="" i=0 data
	shift 2
	while [ $# -ge 2 ]; do
		data=$exp_out/.cdf-$i.dat
		awk -F, 'NR > 1 && $6 == "load" && $7 != "lost" { print $7 }' "$2" |
			sort -g | awk '{ v[NR] = $1 } END { for (i = 1; i <= NR; i++) print v[i], i / NR }' >"$data"
		plot="$plot${plot:+, }'$data' using 1:2 with lines lw 2 title '$1'"
		i=$((i + 1))
		shift 2
	done
	gnuplot <<-GP || exp_die "gnuplot failed on $png"
		set terminal pngcairo size 1000,600 font ",11" noenhanced
		set output '$png'
		set title "$title"
		set xlabel 'RTT under load (ms, log scale)'
		set ylabel 'fraction of probes'
		set logscale x
		set grid
		set key bottom right
		set yrange [0:1]
		plot $plot
	GP
	rm -f "$exp_out"/.cdf-*.dat
}
