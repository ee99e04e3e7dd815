#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# itmd's file system on the bridge test bed (tools/testbed.sh --mode bridge):
# itmd bridges c0 and s0 with a vif root and mounts its tree (-m) in a
# temporary directory. It runs with only the network namespace of the itm
# node (nsenter --net), not `ip netns exec`, whose private mount namespace
# would hide the mount from everyone else.
# Checks: mkdir of child VIFs, values written and read back, the grammar
# showing them, a bad write refused with the old value kept and the reason
# logged, rmdir of a VIF with children refused (ENOTEMPTY) and of an empty
# one done, another user reading but not writing, chown giving a VIF and its
# children to a user who may then configure them and create VIFs, `stat`
# counting the packets of a ping, a module parameter written and read by
# `itm get`, pias's table operation, a clean unmount on SIGTERM, and a
# stale mount of a killed itmd detached at the next start.
# Then netnice's sample case with real TCP (iperf3, cubic, offloads off):
# VIF 3 capped at 4 Mbit/s, shared by VIF 1 and VIF 2 (weights 1:1), VIF 5
# capped at 2 Mbit/s, all built with mkdir and echo; each flow's goodput
# within 5 % of its share (wire rate x 1448/1514).
#
#   run_fs.sh ITM ITMD TESTBED [WORKDIR]     (root; exit 77 = skipped)
set -u
ITM=$1
ITMD=$2
TESTBED=$3
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d /tmp/itm-fs.XXXXXX)
LOGDIR=${4:-$WORK}
TB=itmfs$$
C=$TB-client; I=$TB-itm; S=$TB-server
MNT=$WORK/mnt
NAME=fs
NOBODY="setpriv --reuid 65534 --regid 65534 --clear-groups"

. "$HERE/fs_lib.sh"
fs_need ip iperf3 ping nsenter setpriv mountpoint awk
fs_bed_up bridge

# start CONF_LINES...: itmd on a fresh configuration, the tree on $MNT
start() {
	printf '%s\n' "$@" > "$WORK/itmd.conf"
	nsenter --net=/run/netns/$I "$ITMD" -c "$WORK/itmd.conf" \
		-S "$WORK/ctl.sock" -m "$MNT" >>"$WORK/itmd.log" 2>&1 &
	PID=$!
	fs_wait_mount || fail "itmd did not mount $MNT: $*"
}

stop() {
	kill -TERM $PID
	wait $PID
	rc=$?
	PID=
	[ $rc = 0 ] || fail "itmd exited with $rc"
}

itm() { "$ITM" -S "$WORK/ctl.sock" "$@"; }
# expect FILE TEXT: the file reads TEXT
expect() {
	got=$(cat "$1") || fail "cannot read $1"
	[ "$got" = "$2" ] || fail "$1 reads \"$got\", expected \"$2\""
}
stat_of() { awk -v k="$2" '$1 == k { print $2 }' "$1/stat"; }

echo "== the tree"
# 1:a is in the configuration, so the server-to-client direction (a twin
# of the tree, which follows every change made here) has a queue
start "backend bridge c0 s0" "qdisc add root handle 1: vif mode pq" \
	"class add parent 1: classid 1:a vif" "module add pias"
V=$MNT/network/s0
[ -d "$V" ] || fail "no $V"
mkdir "$V/3" "$V/3/1" "$V/3/2" "$V/4" || fail "mkdir of VIFs"
echo 4mbit > "$V/3/bandwidth" || fail "write bandwidth"
echo shaping > "$V/3/mode" || fail "write mode"
echo 3 > "$V/3/2/weight" || fail "write weight"
echo "bfifo limit 30kb" > "$V/3/2/qdisc" || fail "write qdisc"
expect "$V/3/bandwidth" 4Mbit
expect "$V/3/mode" shaping
expect "$V/3/2/weight" 3
expect "$V/3/2/qdisc" "bfifo limit 30Kb"
expect "$V/mode" pq
# the server-to-client direction's twin (leaving by c0) took every change
itm class show dev c0 >"$WORK/twin.txt" || fail "itm class show dev c0"
for want in "class vif 1:3 parent 1: bandwidth 4Mbit mode shaping" \
	"class vif 1:2 parent 1:3 .*weight 3" "class vif 1:4 parent 1: "; do
	grep -q "^$want" "$WORK/twin.txt" || fail "the twin lacks \"$want\": $(cat "$WORK/twin.txt")"
done
itm qdisc show dev c0 | grep -q "^qdisc bfifo .* parent 1:2 limit 30Kb" ||
	fail "the twin's 1:2 has no bfifo: $(itm qdisc show dev c0)"
itm class show | grep -q "class vif 1:3 parent 1: bandwidth 4Mbit mode shaping" ||
	fail "class show does not show 1:3: $(itm class show)"
echo "mkdir, write, read back: ok"

echo "== refusals"
echo 5furlongs > "$V/3/bandwidth" 2>/dev/null && fail "a bad bandwidth was taken"
expect "$V/3/bandwidth" 4Mbit
grep -q 'refused: bandwidth: "5furlongs" is not a rate' "$WORK/itmd.log" ||
	fail "the reason is not in the log"
echo 0 > "$V/3/weight" 2>/dev/null && fail "weight 0 was taken"
expect "$V/3/weight" 1
err=$(rmdir "$V/3" 2>&1) && fail "rmdir of a VIF with children"
echo "$err" | grep -q "not empty" || fail "rmdir: $err (expected ENOTEMPTY)"
rmdir "$V/4" || fail "rmdir of an empty VIF"
[ -e "$V/4" ] && fail "4 still there"
itm class show | grep -q "1:4" && fail "class 1:4 still in the engine"
sh -c "echo x > $V/3/stat" 2>/dev/null && fail "stat was writable"
echo "bad value, busy rmdir, read-only stat: refused"

echo "== owners"
[ "$($NOBODY cat "$V/3/bandwidth")" = 4Mbit ] || fail "nobody cannot read"
$NOBODY sh -c "echo 1mbit > $V/3/bandwidth" 2>/dev/null && fail "nobody wrote"
$NOBODY mkdir "$V/3/5" 2>/dev/null && fail "nobody made a VIF"
expect "$V/3/bandwidth" 4Mbit
chown 65534:65534 "$V/3" || fail "chown"
[ "$(stat -c %u "$V/3/1/weight")" = 65534 ] || fail "children do not inherit the owner"
$NOBODY sh -c "echo 2 > $V/3/1/weight && mkdir $V/3/1/6 && rmdir $V/3/1/6" ||
	fail "the owner cannot configure the VIF"
expect "$V/3/1/weight" 2
$NOBODY sh -c "echo wfq > $V/mode" 2>/dev/null && fail "nobody wrote the root VIF"
echo 1 > "$V/3/1/weight"
echo "non-owner refused, owner allowed: ok"

echo "== stat and modules"
ip netns exec $C ping -c 10 -i 0.1 -W 2 10.77.0.3 >/dev/null || fail "ping"
p=$(stat_of "$V/3/1" packets)
[ "${p:-0}" -ge 10 ] || fail "3/1 stat counts $p packets: $(cat "$V/3/1/stat")"
p=$(stat_of "$V" packets)
[ "${p:-0}" -ge 10 ] || fail "root stat counts $p packets"
echo "ping counted: $(tr '\n' ' ' < "$V/3/1/stat")"
echo 51200 > "$MNT/modules/pias/prio_thresh_0" || fail "module write"
itm get pias.prio_thresh_0 | grep -q "pias.prio_thresh_0 51200" || fail "itm get"
expect "$MNT/modules/pias/prio_thresh_0" 51200
echo print > "$MNT/modules/pias/table" || fail "table print"
grep -q "PIAS: current flow table" "$MNT/modules/pias/table" || fail "table output"
echo "module parameter and table: ok"

echo "== SIGTERM, then a stale mount"
stop
mountpoint -q "$MNT" && fail "still mounted after SIGTERM"
grep -q "fs: unmounted $MNT" "$WORK/itmd.log" || fail "no unmount in the log"
start "backend bridge c0 s0" "qdisc add root handle 1: vif"
kill -KILL $PID; wait $PID 2>/dev/null; PID=
start "backend bridge c0 s0" "qdisc add root handle 1: vif"
grep -q "detached a stale mount" "$WORK/itmd.log" || fail "stale mount not detached"
stop
echo "clean unmount, stale mount recovered: ok"

echo "== netnice's sample case with TCP"
for a in 11 12 14 15; do ip -n $C addr add 10.77.0.$a/24 dev eth0; done
# the source address's last byte names the VIF: .11 -> 1:1, .12 -> 1:2 ...;
# the server's ACKs (.3) name no VIF and go to the first, 1:3
start "backend bridge c0 s0" "qdisc add root handle 1: vif mode pq" \
	"class add parent 1: classid 1:a vif" \
	"module add flow mode map key src and 255 addend -11 baseclass 1:1"
mkdir "$V/3" "$V/3/1" "$V/3/2" "$V/4" "$V/5" || fail "mkdir"
for f in 3/bandwidth:4mbit 3/mode:shaping 3/priority:1 5/bandwidth:2mbit \
	 5/mode:shaping 5/priority:1; do
	echo "${f#*:}" > "$V/${f%%:*}" || fail "write $f"
done
# goodput SRC PORT: an iperf3 flow from 10.77.0.SRC for 12 s (2 s omitted)
goodput() {
	ip netns exec $S iperf3 -s -1 -p $2 >/dev/null 2>&1 &
	sleep 0.3
	ip netns exec $C iperf3 -C cubic -c 10.77.0.3 -B 10.77.0.$1 -p $2 \
		-t 12 -O 2 -J > "$WORK/iperf-$1.json" 2>&1
	/usr/bin/python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"]))' \
		"$WORK/iperf-$1.json" 2>/dev/null || echo 0
}
goodput 11 5211 > "$WORK/g11" & g1=$!
goodput 12 5212 > "$WORK/g12" & g2=$!
goodput 15 5215 > "$WORK/g15" & g3=$!
wait $g1 $g2 $g3
stop
for f in 11:2000000 12:2000000 15:2000000; do
	got=$(cat "$WORK/g${f%%:*}")
	want=$((${f#*:} * 1448 / 1514))
	echo "VIF from .${f%%:*}: $got bit/s, expected $want"
	[ "$got" -ge $((want * 95 / 100)) ] && [ "$got" -le $((want * 105 / 100)) ] ||
		fail "goodput $got not within 5 % of $want"
done
echo "PASS"
