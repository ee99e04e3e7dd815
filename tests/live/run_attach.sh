#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Processes and sockets attached to VIFs through itmd's procs/ tree, on the
# routed test bed (tools/testbed.sh --mode route): itmd runs in the client
# namespace with `backend nfqueue dev eth0`, so it shapes what the client's
# own applications send, and the applications run there too (nsenter
# --net: the host's mount and cgroup trees stay visible).
# netnice's sample case: VIF 3 capped at 4 Mbit/s, VIFs 1 and 2 under it.
# - two iperf3 clients attached with ln -s, one directly, one through the
#   shell that starts it (a child follows its parent), share ~2/2 Mbit/s;
# - a socket attached alone (by its fd) gets VIF 3's 4 Mbit/s;
# - readlink, the procs/ listing, rm detaching (the process back in its
#   cgroup), rmdir of a VIF in use refused (EBUSY), a non-owner refused,
#   a process or a socket of another network namespace refused (EXDEV),
#   and a process that eth0's itmd attached refused by the itmd of lo
#   (EBUSY);
# - a uid (VIF 3/1) and a cgroup (VIF 3/2) attached through the VIFs' uids
#   and cgroups files share VIF 3; detached, the uid is unshaped again;
#   bad writes refused with the lists kept;
# - at exit no cgroup is left under itm/ and no itm-a rule.
#
#   run_attach.sh ITM ITMD TESTBED [WORKDIR]     (root; exit 77 = skipped)
set -u
ITM=$1
ITMD=$2
TESTBED=$3
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d /tmp/itm-attach.XXXXXX)
LOGDIR=${4:-$WORK}
TB=itmat$$
C=$TB-client; S=$TB-server
MNT=$WORK/mnt
NAME=attach
NOBODY="setpriv --reuid 65534 --regid 65534 --clear-groups"
CG=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)

. "$HERE/fs_lib.sh"
fs_need ip iperf3 nsenter setpriv mountpoint awk iptables python3
[ -n "$CG" ] || skip "no cgroup v2 mount"
fs_cleanup_extra() {
	[ -n "${PID2:-}" ] && kill "$PID2" 2>/dev/null && sleep 0.5
	mountpoint -q "$WORK/mnt2" 2>/dev/null && umount -l "$WORK/mnt2"
	[ -n "${GC:-}" ] && rmdir "$CG/$GC" 2>/dev/null
}
fs_bed_up route

printf '%s\n' "backend nfqueue dev eth0" \
	"qdisc add root handle 1: vif default 1:a" \
	"class add parent 1: classid 1:a vif" > "$WORK/itmd.conf"
spawn PID "exec $ITMD -c $WORK/itmd.conf -S $WORK/ctl.sock -m $MNT >>$WORK/itmd.log 2>&1"
fs_wait_mount || fail "itmd did not mount $MNT"
V=$MNT/network/eth0
mkdir "$V/3" "$V/3/1" "$V/3/2" || fail "mkdir of VIFs"
echo 4mbit > "$V/3/bandwidth" && echo shaping > "$V/3/mode" || fail "write VIF 3"

echo "== permissions, readlink, rm, busy rmdir"
spawn SL "exec sleep 30"
prev=$(grep '^0::' /proc/$SL/cgroup)
$NOBODY ln -s ../../network/eth0/3/1 "$MNT/procs/$SL/eth0" 2>/dev/null &&
	fail "nobody attached root's process"
spawn NB "exec $NOBODY sleep 30"
sleep 0.2
err=$($NOBODY ln -s ../../network/eth0/3/1 "$MNT/procs/$NB/eth0" 2>&1) &&
	fail "nobody attached to root's VIF"
echo "$err" | grep -q "Permission denied" || fail "non-owner: $err (expected EACCES)"
kill $NB
ln -s ../../network/eth0/3/9 "$MNT/procs/$SL/eth0" 2>/dev/null &&
	fail "attached to a VIF that does not exist"
# this script runs in the host's namespace, whose packets itmd never sees
sleep 30 &
HS=$!
err=$(ln -s ../../network/eth0/3/1 "$MNT/procs/$HS/eth0" 2>&1) &&
	fail "attached a process of another network namespace"
echo "$err" | grep -q "cross-device" || fail "other namespace: $err (expected EXDEV)"
kill $HS
# a socket counts by its own namespace: this one is the host's (fd 7)
bash -c 'exec 7<>/dev/udp/127.0.0.1/9; exec sleep 30' &
HU=$!
sleep 0.2
err=$(ln -s ../../../../network/eth0/3/1 "$MNT/procs/$HU/sockets/7/eth0" 2>&1) &&
	fail "attached a socket of another network namespace"
echo "$err" | grep -q "cross-device" || fail "other namespace's socket: $err (expected EXDEV)"
kill $HU
ln -s ../../network/eth0/3/1 "$MNT/procs/$SL/eth0" || fail "ln -s of a process"
[ "$(readlink "$MNT/procs/$SL/eth0")" = ../../network/eth0/3/1 ] ||
	fail "readlink: $(readlink "$MNT/procs/$SL/eth0")"
ls "$MNT/procs" | grep -qx "$SL" || fail "procs/ does not list $SL"
grep -q "^0::/itm/eth0/1/$SL\$" /proc/$SL/cgroup ||
	fail "not in its cgroup: $(grep '^0::' /proc/$SL/cgroup)"
err=$(rmdir "$V/3/1" 2>&1) && fail "rmdir of a VIF in use"
echo "$err" | grep -q "busy" || fail "rmdir: $err (expected EBUSY)"
rm "$MNT/procs/$SL/eth0" || fail "rm of the link"
[ "$(grep '^0::' /proc/$SL/cgroup)" = "$prev" ] || fail "not back in $prev"
[ -e "$MNT/procs/$SL/eth0" ] && fail "the link is still there"
kill $SL
echo "non-owner refused, readlink, rm and busy rmdir: ok"

# goodput PORT -> bit/s of an iperf3 flow on the server's side
ins iperf3 -s -D -p 5301 >/dev/null 2>&1
ins iperf3 -s -D -p 5302 >/dev/null 2>&1
sleep 0.3
echo "== two processes in VIFs 1 and 2 (one through its shell)"
# the shells wait for "go"; P1's iperf3 is its child, and follows it
GO="while [ ! -e $WORK/go ]; do sleep 0.05; done"
spawn P1 "$GO; iperf3 -C cubic -c 10.77.2.2 -p 5301 -t 12 -O 2 -J > $WORK/i1.json; true"
spawn P2 "$GO; exec iperf3 -C cubic -c 10.77.2.2 -p 5302 -t 12 -O 2 -J > $WORK/i2.json"
ln -s ../../network/eth0/3/1 "$MNT/procs/$P1/eth0" || fail "ln -s $P1"
ln -s "$MNT/network/eth0/3/2" "$MNT/procs/$P2/eth0" || fail "ln -s $P2 (absolute)"
touch "$WORK/go"
while kill -0 $P1 2>/dev/null || kill -0 $P2 2>/dev/null; do sleep 0.2; done
rate() {
	python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"]))' "$1" 2>/dev/null || echo 0
}
want=$((2000000 * 1448 / 1514))
for f in 1 2; do
	got=$(rate "$WORK/i$f.json")
	echo "VIF $f: $got bit/s, expected $want"
	[ "$got" -ge $((want * 93 / 100)) ] && [ "$got" -le $((want * 107 / 100)) ] ||
		fail "VIF $f: $got not within 7 % of $want"
done
sleep 1.5
[ -z "$(ls "$MNT/procs")" ] || fail "exited processes still listed: $(ls "$MNT/procs")"

echo "== one socket in VIF 3/1, alone"
ins python3 "$HERE/attach_flow.py" sink 5303 10 > "$WORK/sink" &
SK=$!
sleep 0.3
inc python3 "$HERE/attach_flow.py" send 10.77.2.2 5303 10 "$WORK/fd" &
for _ in $(seq 50); do [ -f "$WORK/fd" ] && break; sleep 0.1; done
read -r sp sfd < "$WORK/fd" || fail "the sender did not start"
ln -s ../../../../network/eth0/3/1 "$MNT/procs/$sp/sockets/$sfd/eth0" ||
	fail "ln -s of socket $sfd"
[ "$(readlink "$MNT/procs/$sp/sockets/$sfd/eth0")" = ../../../../network/eth0/3/1 ] ||
	fail "socket readlink"
wait $SK
got=$(cat "$WORK/sink")
want=$((4000000 * 1448 / 1514))
echo "socket in VIF 1: $got bit/s, expected $want"
[ "$got" -ge $((want * 93 / 100)) ] && [ "$got" -le $((want * 107 / 100)) ] ||
	fail "socket: $got not within 7 % of $want"

echo "== a uid in VIF 3/1 and a cgroup in VIF 3/2"
U=65534
GC=itmt$$
mkdir "$CG/$GC" || fail "mkdir of cgroup $GC"
echo +$U > "$V/3/1/uids" || fail "echo +$U > uids"
echo "+/$GC" > "$V/3/2/cgroups" || fail "echo +/$GC > cgroups"
[ "$(cat "$V/3/1/uids")" = $U ] || fail "uids lists: $(cat "$V/3/1/uids")"
[ "$(cat "$V/3/2/cgroups")" = "/$GC" ] || fail "cgroups lists: $(cat "$V/3/2/cgroups")"
rules=$(inc iptables-save -t mangle)
# iptables-nft prints the class as 0001:0001, iptables-legacy as 1:1
echo "$rules" | grep -Eq -- "--uid-owner $U -j CLASSIFY --set-class 0*1:0*1\$" ||
	fail "no uid rule: $rules"
echo "$rules" | grep -Eq -- "--path $GC -j CLASSIFY --set-class 0*1:0*2\$" ||
	fail "no cgroup rule: $rules"
# wr TEXT FILE: coreutils' echo, whose error names the errno (dash's says
# "I/O error" for every failed write)
wr() { env echo "$1" > "$2"; }
# refused: no such user, a uid on a second VIF, .., no such cgroup, a
# non-owner, rmdir of a VIF in use; the lists as they were
for w in +no-such-user-itm +-1 +4294967295; do
	echo "$w" > "$V/3/1/uids" 2>/dev/null && fail "uids took $w"
done
err=$(wr +$U "$V/3/2/uids" 2>&1) && fail "uid $U on two VIFs"
echo "$err" | grep -q "File exists" || fail "second VIF: $err (expected EEXIST)"
for w in "+/$GC/../$GC" +/no-such-cgroup-itm +/itm/eth0; do
	err=$(wr "$w" "$V/3/2/cgroups" 2>&1) && fail "cgroups took $w"
	echo "$err" | grep -q "Invalid argument" || fail "$w: $err (expected EINVAL)"
done
err=$($NOBODY sh -c "echo +$U > $V/3/1/uids" 2>&1) && fail "nobody wrote root's VIF"
# (the shell's open fails, with its errno)
echo "$err" | grep -q "Permission denied" || fail "non-owner: $err (expected EACCES)"
err=$(rmdir "$V/3/1" 2>&1) && fail "rmdir of a VIF with a uid"
echo "$err" | grep -q "busy" || fail "rmdir: $err (expected EBUSY)"
[ "$(cat "$V/3/1/uids")" = $U ] && [ "$(cat "$V/3/2/uids")" = "" ] &&
	[ "$(cat "$V/3/2/cgroups")" = "/$GC" ] || fail "a refused write changed the lists"
echo "refused writes, lists kept: ok"
rm -f "$WORK/go"
# the uid's iperf3 uses reno: unprivileged, it may only pick a congestion
# control of net.ipv4.tcp_allowed_congestion_control, where reno always is
GO="while [ ! -e $WORK/go ]; do sleep 0.05; done"
spawn P1 "$GO; exec $NOBODY iperf3 -C reno -c 10.77.2.2 -p 5301 -t 6 -O 1 -J > $WORK/u1.json"
spawn P2 "echo \$\$ > $CG/$GC/cgroup.procs; $GO; exec iperf3 -C cubic -c 10.77.2.2 -p 5302 -t 6 -O 1 -J > $WORK/g2.json"
touch "$WORK/go"
while kill -0 $P1 2>/dev/null || kill -0 $P2 2>/dev/null; do sleep 0.2; done
want=$((2000000 * 1448 / 1514))
for f in u1 g2; do
	got=$(rate "$WORK/$f.json")
	echo "$f: $got bit/s, expected $want"
	[ "$got" -ge $((want * 93 / 100)) ] && [ "$got" -le $((want * 107 / 100)) ] ||
		fail "$f: $got not within 7 % of $want"
done
echo -$U > "$V/3/1/uids" || fail "echo -$U > uids"
[ -z "$(cat "$V/3/1/uids")" ] || fail "uid still listed: $(cat "$V/3/1/uids")"
inc iptables-save -t mangle | grep -q -- "--uid-owner" && fail "uid rule left after -$U"
inc $NOBODY iperf3 -C reno -c 10.77.2.2 -p 5301 -t 2 -J > "$WORK/u0.json"
got=$(rate "$WORK/u0.json")
echo "uid $U detached: $got bit/s, expected well above VIF 3's 4 Mbit/s"
[ "$got" -ge 12000000 ] || fail "detached uid still shaped: $got"

echo "== a second interface's itmd"
# the itmd of lo in the same namespace: a process attached by eth0's is in
# eth0's cgroup, and moving it would leave eth0's attachment without effect
spawn SB "exec sleep 30"
ln -s ../../network/eth0/3/1 "$MNT/procs/$SB/eth0" || fail "ln -s to eth0's VIF"
printf '%s\n' "backend nfqueue dev lo queue 1001" \
	"qdisc add root handle 1: vif default 1:a" \
	"class add parent 1: classid 1:a vif" > "$WORK/lo.conf"
mkdir "$WORK/mnt2"
spawn PID2 "exec $ITMD -c $WORK/lo.conf -S $WORK/lo.sock -m $WORK/mnt2 >>$WORK/itmd-lo.log 2>&1"
for _ in $(seq 20); do mountpoint -q "$WORK/mnt2" && break; sleep 0.2; done
mountpoint -q "$WORK/mnt2" || fail "the itmd of lo did not mount"
err=$(ln -s ../../network/lo "$WORK/mnt2/procs/$SB/lo" 2>&1) &&
	fail "attached by the itmds of eth0 and lo"
echo "$err" | grep -q "busy" || fail "second interface: $err (expected EBUSY)"
grep -q "^0::/itm/eth0/1/$SB\$" /proc/$SB/cgroup ||
	fail "moved out of eth0's cgroup: $(grep '^0::' /proc/$SB/cgroup)"
kill $PID2
for _ in $(seq 50); do kill -0 $PID2 2>/dev/null || break; sleep 0.1; done
PID2=
rm "$MNT/procs/$SB/eth0" || fail "rm of the link to eth0's VIF"
kill $SB
echo "a process attached by one interface at a time: ok"

echo "== reload with a new root handle"
# VIFs 3, 3/1 and 3/2 stay, as 2:3, 2:1 and 2:2: what was attached to them
# still names 1:N, which the vif discipline would send to 2:a, so it ends
spawn SR "exec sleep 30"
prev=$(grep '^0::' /proc/$SR/cgroup)
ln -s ../../network/eth0/3/1 "$MNT/procs/$SR/eth0" || fail "ln -s before the reload"
printf '%s\n' "backend nfqueue dev eth0" \
	"qdisc add root handle 2: vif default 2:a" \
	"class add parent 2: classid 2:a vif" \
	"class add parent 2: classid 2:3 vif bandwidth 4mbit mode shaping" \
	"class add parent 2:3 classid 2:1 vif" \
	"class add parent 2:3 classid 2:2 vif" > "$WORK/itmd.conf"
kill -HUP $PID
for _ in $(seq 50); do grep -q "reloaded" "$WORK/itmd.log" && break; sleep 0.1; done
grep -q "reloaded" "$WORK/itmd.log" || fail "itmd did not reload"
[ -e "$MNT/procs/$SR/eth0" ] && fail "still attached to 1:1: $(readlink "$MNT/procs/$SR/eth0")"
[ "$(grep '^0::' /proc/$SR/cgroup)" = "$prev" ] || fail "$SR not back in $prev"
[ -z "$(cat "$V/3/2/cgroups")" ] || fail "cgroup still listed for 1:2: $(cat "$V/3/2/cgroups")"
inc iptables-save -t mangle | grep -Eq -- "--set-class 0*1:" &&
	fail "rules of 1: left: $(inc iptables-save -t mangle | grep CLASSIFY)"
grep -q "process $SR detached from VIF 1 (its VIF's class id changed)" "$WORK/itmd.log" ||
	fail "no log of the detachment"
kill $SR
echo "reload with a new root handle ends the attachments: ok"

echo "== exit"
echo +$U > "$V/3/1/uids" || fail "attach uid before exit"
spawn SL "exec sleep 30"
ln -s ../../network/eth0/3/2 "$MNT/procs/$SL/eth0" || fail "ln -s before exit"
kill -TERM $PID
for _ in $(seq 50); do kill -0 $PID 2>/dev/null || break; sleep 0.1; done
kill -0 $PID 2>/dev/null && fail "itmd did not stop"
PID=
grep -q "itmd: info: stopped" "$WORK/itmd.log" || fail "itmd did not stop cleanly"
grep -q "^0::/itm" /proc/$SL/cgroup && fail "$SL left in an itm cgroup"
kill $SL
[ -e "$CG/itm/eth0" ] && fail "cgroups left: $(find "$CG/itm")"
grep -q "uid $U detached from VIF 1 (itmd stops)" "$WORK/itmd.log" || fail "uid not detached at exit"
inc iptables-save -t mangle | grep -q itm && fail "rules left: $(inc iptables-save -t mangle | grep itm)"
echo "no cgroup, no rule left: ok"
echo "PASS"
