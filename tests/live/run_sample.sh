#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# netnice's whole sample case, built with mkdir, echo and ln only, and
# checked with real TCP all at once. itmd runs in the client namespace of
# the routed test bed (tools/testbed.sh --mode route) with `backend nfqueue
# dev eth0`, the applications there too (nsenter --net), as in
# run_attach.sh.
#
#   eth0 (root VIF, pq, no cap of its own: the link's)
#     4  the browser's streaming   priority 0, wfq, 2 Mbit/s guaranteed
#     3  the file system, capped   priority 1, shaping 4 Mbit/s
#       1  p1                      wfq, weight 1
#       2  p2                      wfq, weight 1
#     5  the browser's other TCP   priority 1, shaping 1 Mbit/s
#     a  the rest (default)        priority 7
#
# For 8 s at the same time: two greedy iperf3 (p1, p2) attached with ln -s
# to VIFs 1 and 2, a streaming iperf3 at 1.5 Mbit/s attached by its socket
# to VIF 4 (one segment per write, as a paced streaming server sends), and
# a greedy iperf3 (the browser) attached to VIF 5.
# - VIFs 1 and 2 each get half of VIF 3 (goodput 1.913 Mbit/s) within 7 %;
# - VIF 5 gets its cap (goodput 0.956 Mbit/s) within 7 %;
# - the stream gets its 1.5 Mbit/s within 3 % with at most a handful of
#   retransmits;
# - each VIF's stat file counts packets.
#
# ROOTBW=10mbit caps the root as well; the shares hold (measured 1.96,
# 1.93, 0.964 and 1.500 Mbit/s). With iperf3's default 128 KB writes the
# stream comes in bursts of 88 packets every 0.7 s, and each takes the
# whole capped root for ~106 ms (priority 0, no ceil: it may borrow up to
# the root's cap), time the shaped VIFs do not bank: they then get ~85 %
# of their caps (measured 1.66-1.72 and 0.85 Mbit/s; test_vif's
# test_burst_takes_capped_root gives the same on a fake clock). A `ceil`
# on VIF 4 bounds its bursts and the caps hold again.
#
#   run_sample.sh ITM ITMD TESTBED [WORKDIR]     (root; exit 77 = skipped)
set -u
ITMD=$2
TESTBED=$3
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d /tmp/itm-sample.XXXXXX)
LOGDIR=${4:-$WORK}
TB=itmsm$$
C=$TB-client; S=$TB-server
MNT=$WORK/mnt
NAME=sample
CG=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
T=8          # seconds of traffic measured
STREAM=1500000
MAXRETR=5    # the stream's retransmits allowed

. "$HERE/fs_lib.sh"
fs_need ip iperf3 nsenter mountpoint awk iptables python3
[ -n "$CG" ] || skip "no cgroup v2 mount"
fs_bed_up route

# the configuration only has the default VIF a; the rest is made below
printf '%s\n' "backend nfqueue dev eth0" \
	"qdisc add root handle 1: vif default 1:a" \
	"class add parent 1: classid 1:a vif" > "$WORK/itmd.conf"
spawn PID "exec $ITMD -c $WORK/itmd.conf -S $WORK/ctl.sock -m $MNT >>$WORK/itmd.log 2>&1"
fs_wait_mount || fail "itmd did not mount $MNT"

echo "== the sample case by mkdir and echo"
V=$MNT/network/eth0
# w VALUE FILE
w() { echo "$1" > "$2" || fail "echo $1 > ${2#$MNT/}"; }
w ${ROOTBW:-0} "$V/bandwidth"
w ${ROOTMODE:-pq} "$V/mode"
mkdir "$V/4" "$V/3" "$V/3/1" "$V/3/2" "$V/5" || fail "mkdir of the VIFs"
w 2mbit "$V/4/bandwidth"
w 0 "$V/4/priority"
w 4mbit "$V/3/bandwidth"
w shaping "$V/3/mode"
w 1 "$V/3/priority"
w 1 "$V/3/1/weight"
w 1 "$V/3/2/weight"
w 1mbit "$V/5/bandwidth"
w shaping "$V/5/mode"
w 1 "$V/5/priority"
w 7 "$V/a/priority"
for f in "mode ${ROOTMODE:-pq}" "4/priority 0" "4/bandwidth 2Mbit" \
	"3/mode shaping" "3/bandwidth 4Mbit" "3/1/mode wfq" "3/2/mode wfq" \
	"5/mode shaping" "5/bandwidth 1Mbit"; do
	set -- $f
	[ "$(cat "$V/$1")" = "$2" ] || fail "$1 reads $(cat "$V/$1"), expected $2"
done
echo "tree built and read back: ok"

ins iperf3 -s -D -p 5301 >/dev/null 2>&1
ins iperf3 -s -D -p 5302 >/dev/null 2>&1
ins iperf3 -s -D -p 5304 >/dev/null 2>&1
ins iperf3 -s -D -p 5305 >/dev/null 2>&1
sleep 0.3

echo "== p1, p2, the stream and the browser at once, ${T} s"
# the shells wait for "go"; each is attached before it starts its iperf3.
# The stream's shell stays unattached: its iperf3's data socket is attached
# by its fd once connected (the control connection stays in VIF a).
GO="while [ ! -e $WORK/go ]; do sleep 0.05; done"
IP="iperf3 -C cubic -c 10.77.2.2 -t $T -O 1 -J"
spawn P1 "$GO; exec $IP -p 5301 > $WORK/p1.json"
spawn P2 "$GO; exec $IP -p 5302 > $WORK/p2.json"
spawn P4 "$GO; exec $IP -p 5304 -b $STREAM -l 1448 > $WORK/p4.json"
spawn P5 "$GO; exec $IP -p 5305 > $WORK/p5.json"
ln -s ../../network/eth0/3/1 "$MNT/procs/$P1/eth0" || fail "ln -s $P1"
ln -s ../../network/eth0/3/2 "$MNT/procs/$P2/eth0" || fail "ln -s $P2"
ln -s ../../network/eth0/5 "$MNT/procs/$P5/eth0" || fail "ln -s $P5"
touch "$WORK/go"
# the stream's data socket: the newest TCP socket fd of its iperf3, once it
# has two (control and data)
sfd=
for _ in $(seq 60); do
	n=0
	for l in /proc/$P4/fd/*; do
		case $(readlink "$l" 2>/dev/null) in
		socket:*) n=$((n + 1)); f=${l##*/}
			[ -z "$sfd" ] || [ "$f" -gt "$sfd" ] && sfd=$f ;;
		esac
	done
	[ $n -ge 2 ] && break
	sfd=
	sleep 0.05
done
[ -n "$sfd" ] || fail "the stream's data socket did not appear"
ln -s ../../../../network/eth0/4 "$MNT/procs/$P4/sockets/$sfd/eth0" ||
	fail "ln -s of the stream's socket $sfd"
[ "$(readlink "$MNT/procs/$P4/sockets/$sfd/eth0")" = ../../../../network/eth0/4 ] ||
	fail "socket readlink"
sleep 3
stats() {
	for v in 3/1 3/2 4 5; do
		printf '%s ' "$v"; awk '{ printf "%s %s  ", $1, $2 } END { print "" }' "$V/$v/stat"
	done
}
stats > "$WORK/stat-mid"
while kill -0 $P1 2>/dev/null || kill -0 $P2 2>/dev/null ||
	kill -0 $P4 2>/dev/null || kill -0 $P5 2>/dev/null; do sleep 0.2; done
echo "stat, mid-run:"
cat "$WORK/stat-mid"

# field FILE PYEXPR: a value of an iperf3 JSON result (j is the document)
field() {
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(int('"$2"'))' "$1" 2>/dev/null || echo -1
}
rate() { field "$1" 'j["end"]["sum_received"]["bits_per_second"]'; }
# within GOT WANT PERCENT
within() { [ "$1" -ge $(($2 * (100 - $3) / 100)) ] && [ "$1" -le $(($2 * (100 + $3) / 100)) ]; }
bad=0
want=$((2000000 * 1448 / 1514))
for f in 1 2; do
	got=$(rate "$WORK/p$f.json")
	echo "p$f in VIF 3/$f: $got bit/s, expected $want (half of VIF 3)"
	within "$got" $want 7 || { echo "FAIL: VIF 3/$f: $got not within 7 % of $want"; bad=1; }
done
want=$((1000000 * 1448 / 1514))
got=$(rate "$WORK/p5.json")
echo "browser in VIF 5: $got bit/s, expected $want (its cap)"
within "$got" $want 7 || { echo "FAIL: VIF 5: $got not within 7 % of $want"; bad=1; }
got=$(rate "$WORK/p4.json")
retr=$(field "$WORK/p4.json" 'j["end"]["sum_sent"]["retransmits"]')
echo "stream in VIF 4: $got bit/s, expected $STREAM; $retr retransmits"
within "$got" $STREAM 3 || { echo "FAIL: stream: $got not within 3 % of $STREAM"; bad=1; }
[ "$retr" -ge 0 ] && [ "$retr" -le $MAXRETR ] ||
	{ echo "FAIL: stream: $retr retransmits (at most $MAXRETR)"; bad=1; }
[ $bad = 0 ] || fail "rates"

echo "== stat files"
stats
for v in 3/1 3/2 4 5; do
	p=$(awk '$1 == "packets" { print $2 }' "$V/$v/stat")
	# 8 s at the smallest share, 0.956 Mbit/s, is some 600 full packets
	[ "${p:-0}" -ge 500 ] || fail "VIF $v's stat counts ${p:-no} packets"
done
echo "every VIF counted packets: ok"

kill -TERM $PID
for _ in $(seq 50); do kill -0 $PID 2>/dev/null || break; sleep 0.1; done
kill -0 $PID 2>/dev/null && fail "itmd did not stop"
PID=
grep -q "itmd: info: stopped" "$WORK/itmd.log" || fail "itmd did not stop cleanly"
[ -e "$CG/itm/eth0" ] && fail "cgroups left: $(find "$CG/itm")"
inc iptables-save -t mangle | grep -q itm && fail "rules left: $(inc iptables-save -t mangle | grep itm)"
echo "no cgroup, no rule left: ok"
echo "PASS"
