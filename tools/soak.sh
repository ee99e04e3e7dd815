#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A soak run of itmd on the test bed (tools/testbed.sh): churn for a few
# minutes, then silence, while itmd's resources are sampled. Not a test:
# it prints the samples and a summary, for a person to read.
#
#   tools/soak.sh BUILDDIR [--backend nfqueue|bridge] [--queues N]
#                 [--minutes M] [--name N] [--idle-s S]
#
# During the churn: many short TCP connections (itm tgen --mode new), UDP
# (iperf3 -u), pings, IPv4 and IPv6; SIGHUP every few seconds with two
# alternating configurations and a bad one between; control-socket
# commands in a loop; a libitm module process (BUILDDIR's
# examples/libitm/sizeaware) started and killed; the FUSE tree read and
# written; processes in itmd's namespace attached to a VIF and exiting.
# Every 10 s: itmd's RSS, fds, threads, the flow count and the backend's
# counters. After the churn, S seconds of silence (default 45, past the
# flow table's 20 s idle timeout here): itmd's CPU time must not grow and the
# flow table must be empty. With an ASan build, the leak report is in the
# log after SIGTERM.
set -u
build=${1:?usage: $0 BUILDDIR [--backend nfqueue|bridge] [--queues N] [--minutes M] [--name N] [--idle-s S]}
shift
backend=nfqueue queues=1 minutes=3 name=sk idle_s=45
while [ $# -gt 0 ]; do
	case $1 in
	--backend) backend=$2; shift ;;
	--queues) queues=$2; shift ;;
	--minutes) minutes=$2; shift ;;
	--name) name=$2; shift ;;
	--idle-s) idle_s=$2; shift ;;
	*) echo "soak: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
build=$(cd "$build" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
itm=$build/src/cli/itm itmd=$build/src/daemon/itmd
modbin=$build/examples/libitm/sizeaware
testbed=$here/tools/testbed.sh
work=$(mktemp -d /tmp/itm-soak.XXXXXX)
C=$name-client I=$name-itm S=$name-server
sock=$work/ctl.sock msock=$work/mod.sock mnt=$work/mnt
pids=""

cleanup() {
	local p
	for p in $pids; do kill "$p" 2>/dev/null; done
	[ -n "${ipid:-}" ] && kill "$ipid" 2>/dev/null && sleep 1
	mountpoint -q "$mnt" 2>/dev/null && umount -l "$mnt"
	for n in $C $S $I; do
		for p in $(ip netns pids "$n" 2>/dev/null); do kill "$p" 2>/dev/null; done
	done
	wait 2>/dev/null
	"$testbed" down --name "$name" >/dev/null 2>&1
	echo "soak: log and samples in $work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

inns() { ip netns exec "$@"; }
ctl() { inns "$I" "$itm" -S "$sock" "$@"; }

if [ "$backend" = bridge ]; then
	mode=bridge srv=10.77.0.3 srv6=fd77::3 dev=s0
	bline="backend bridge c0 s0"
else
	mode=route srv=10.77.2.2 srv6=fd77:2::2 dev=egress
	bline="backend nfqueue queues $queues"
fi
"$testbed" up --name "$name" --mode "$mode" >/dev/null || exit 1

# two good configurations and a bad one, swapped in before each SIGHUP
conf_a() {
	printf '%s\n' "$bline" "flows limit 65536 idle 20s" \
		"module add pias" "module add flow" \
		"qdisc add root handle 1: vif default 1:a" \
		"class add parent 1: classid 1:a vif" \
		"class add parent 1: classid 1:b vif bandwidth 50mbit mode shaping"
}
conf_b() {
	printf '%s\n' "$bline" "flows limit 65536 idle 20s" \
		"module add pias port 5050" "module add dscp" \
		"qdisc add root handle 1: vif default 1:a mode wfq" \
		"class add parent 1: classid 1:a vif weight 2" \
		"class add parent 1: classid 1:c vif weight 1"
}
conf_bad() { conf_a; echo "class add parent 1: classid 1:d vif bandwidth 5furlongs"; }
conf_a > "$work/itmd.conf"

nsenter --net="/run/netns/$I" "$itmd" -c "$work/itmd.conf" -S "$sock" -M "$msock" -m "$mnt" \
	>"$work/itmd.log" 2>&1 &
ipid=$!
for _ in $(seq 50); do [ -S "$sock" ] && mountpoint -q "$mnt" && break; sleep 0.1; done
[ -S "$sock" ] || { echo "soak: itmd did not start"; cat "$work/itmd.log"; exit 1; }

# the loops, each in the background until $work/stop exists
loop() { while [ ! -e "$work/stop" ]; do "$@"; done; }
bg() { loop "$@" >>"$work/loops.log" 2>&1 & pids="$pids $!"; }

inns "$S" "$itm" tgen server >"$work/tgen-server.log" 2>&1 & pids="$pids $!"
inns "$S" iperf3 -s -p 5201 >/dev/null 2>&1 & pids="$pids $!"
inns "$S" iperf3 -s -p 5202 >/dev/null 2>&1 & pids="$pids $!"
sleep 0.5
tgen() {
	inns "$C" "$itm" tgen client "$1" --cdf "$here/data/cdf/web-search.txt" \
		--load 0.3 --rate 50mbit --mode new --duration 20s --seed $RANDOM \
		--timeout 10s | head -1
}
bg tgen "$srv"
bg tgen "$srv6"
bg inns "$C" iperf3 -c "$srv" -p 5201 -u -b 5m -t 10 -P 4
bg inns "$C" iperf3 -c "$srv6" -p 5202 -t 3 -P 8
bg inns "$C" ping -q -i 0.05 -c 200 "$srv"
bg inns "$C" ping -q -i 0.05 -c 200 "$srv6"
reload() {
	sleep 4; conf_b > "$work/itmd.conf"; kill -HUP "$ipid"
	sleep 4; conf_bad > "$work/itmd.conf"; kill -HUP "$ipid"
	sleep 4; conf_a > "$work/itmd.conf"; kill -HUP "$ipid"
	sleep 4; kill -HUP "$ipid"
}
bg reload
cmds() {
	ctl qdisc show -s --json >/dev/null
	ctl flows show | wc -l
	ctl backend show -s --json >/dev/null
	ctl set pias.prio_thresh_0 $((RANDOM + 1000))
	ctl module disable pias
	ctl module enable pias
	ctl module list >/dev/null
	ctl get bogus.param
	sleep 0.2
}
bg cmds
modproc() {
	ITM_MODULE_SOCKET=$msock nsenter --net="/run/netns/$I" "$modbin" & local m=$!
	sleep $((RANDOM % 3 + 1))
	kill -$(( RANDOM % 2 ? 9 : 15 )) "$m"
	wait "$m"
}
bg modproc
fsrw() {
	local v=$mnt/network/$dev
	cat "$v"/stat "$v"/*/stat "$mnt"/modules/*/* >/dev/null 2>&1
	mkdir "$v/e" 2>/dev/null && echo 3mbit > "$v/e/bandwidth" && rmdir "$v/e"
	echo 51200 > "$mnt/modules/pias/prio_thresh_0"
	echo print > "$mnt/modules/pias/table" 2>/dev/null
	sleep 0.1
}
bg fsrw
attach() {
	nsenter --net="/run/netns/$I" sleep 1 & local p=$!
	sleep 0.1
	ln -s "../../network/$dev/a" "$mnt/procs/$p/$dev" 2>/dev/null
	wait "$p"
}
bg attach

sample() {	# PHASE
	local st flows cnt
	st=$(awk '/^VmRSS|^Threads/ {printf "%s %s ", $1, $2}' /proc/$ipid/status)
	flows=$(ctl flows show 2>/dev/null | wc -l)
	cnt=$(ctl backend show -s 2>/dev/null | tr '\n' ' ' | cut -c1-400)
	echo "$(date +%T) $1 $st fds $(find /proc/$ipid/fd -mindepth 1 | wc -l) cpu_ticks $(awk '{print $14 + $15}' /proc/$ipid/stat) flows $flows | $cnt"
}
end=$((SECONDS + minutes * 60))
while [ $SECONDS -lt $end ]; do
	kill -0 "$ipid" 2>/dev/null || { echo "soak: itmd died"; break; }
	sample churn | tee -a "$work/samples"
	sleep 10
done
touch "$work/stop"
for p in $pids; do kill "$p" 2>/dev/null; done
# shellcheck disable=SC2086
wait $pids 2>/dev/null
pids=""
# the loops' last children too, the module process and attached sleepers
for n in $C $S $I; do
	for p in $(ip netns pids "$n"); do
		[ "$p" = "$ipid" ] || kill "$p" 2>/dev/null
	done
done
sleep 1
end=$((SECONDS + idle_s))
while [ $SECONDS -lt $end ]; do
	sample idle | tee -a "$work/samples"
	sleep 15
done
kill "$ipid"
wait "$ipid"
echo "soak: itmd exit $?"
unset ipid
# the idle phase: CPU ticks (1/100 s) and flows at its first and last sample
awk '$2 == "idle" { for (i = 3; i < NF; i++) { if ($i == "cpu_ticks") c = $(i + 1);
	if ($i == "flows") f = $(i + 1) }; if (!n++) { c0 = c; f0 = f } }
	END { printf "soak: idle: cpu ticks %d -> %d, flows %d -> %d\n", c0, c, f0, f }' "$work/samples"
echo "soak: sanitizer reports: $(grep -c "ERROR: LeakSanitizer\|runtime error" "$work/itmd.log")"
echo "soak: log lines by kind:"
sed 's/[0-9][0-9]*/N/g' "$work/itmd.log" | sort | uniq -c | sort -rn | head -20
