#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# One behavioural scenario: generate a trace, replay it through a discipline
# on a 10 Mbit/s link, and check per-flow figures (analyze) and drop causes
# (itm replay --json). Figures are printed; exit 1 on any failed check.
#   run_behav.sh SCENARIO ITM GEN_TRACE ANALYZE WORKDIR
# Scenarios (reference: PIE/FQ-PIE behavioural cases 12-14):
#   pie-overload, fq_pie-overload  one 20 Mbit/s CBR into 10 Mbit/s: after 2 s
#       drop 50 % +- 5 %, mean sojourn 7.5..30 ms (0.5..2 x target), no limit drops
#   fq_pie-fair    four 5 Mbit/s CBR: 2.5 Mbit/s +- 5 % each; a sparse flow
#       (100 B / 20 ms) is never dropped and waits at most 2 MTU times + its own
#   pie-burst, fq_pie-burst   a burst after idle: no early drop in its first
#       150 ms; with a short limit only limit drops
#   fifo-contrast  the same traffic through pfifo limit 1000: standing queue
#   tbf-fq_pie     the four CBR flows and the sparse one shaped to 9 Mbit/s
#       by tbf with fq_pie under it: 2.25 Mbit/s +- 5 % each, the queue
#       held near target, the sparse flow never dropped
#   fq_pie-tunnel  four flows in one IPIP tunnel: one queue with the default
#       keys (the sparse inner flow queues behind the others), separate
#       queues with the tunnel keys (the sparse inner flow is protected)
#   vif-netnice    netnice's sample case: VIF 3 shaped to 4 Mbit/s and shared
#       50/50 by two file transfers (VIF 1, 2), a 3 Mbit/s stream in VIF 4
#       first by priority, the browser's VIF 5 shaped to 2 Mbit/s; all but
#       the stream overloaded: each at its share +- 1 %, the stream unharmed
#   vif-borrow     guarantees, borrowing by weight and ceil: A (2 Mbit/s,
#       ceil 4, weight 3), B (2 Mbit/s, weight 1), C (no guarantee, weight
#       2), all overloaded: A at its ceil 4, B 2 + 4/3, C 8/3 (+- 1 %);
#       once A stops, B 2 + 8/3 and C 16/3
set -eu
sc=$1 itm=$2 gen=$3 ana=$4 work=$5/$sc
rm -rf "$work"
mkdir -p "$work"
fails=0

# 1500-B frames at 10 Mbit/s take 1.2 ms, a 100-B one 0.08 ms: the sparse
# flow's bound is two MTU serialisation times plus its own, 2.48 ms.
SPARSE_MAX_MS=2.48
TUPLE="src=10.0.0.1:1001,dst=10.0.1.1:5001"

trace() {	# NAME FLOW...
	local name=$1
	shift
	"$gen" --seed 7 "$work/$name.pcap" "$@" >/dev/null
}

trace_overload() {
	trace overload "id=1,kind=cbr,rate=20mbit,size=1500,start=0s,stop=20s,$TUPLE"
}

trace_fair() {
	local f=() i
	for i in 1 2 3 4; do
		f+=("id=$i,kind=cbr,rate=5mbit,size=1500,start=${i}ms,stop=20s,src=10.0.0.$i:100$i,dst=10.0.1.1:5001")
	done
	trace fair "${f[@]}" "id=5,kind=sparse,every=20ms,size=100,start=500ms,stop=20s,src=10.0.0.5:1005,dst=10.0.1.1:5001"
}

# flow 1 overloads the queue for 3 s, the link idles 5 s, then flow 2 (the
# same 5-tuple) sends 467 packets at 40 Mbit/s: 140 ms of arrivals
trace_burst() {
	trace burst "id=1,kind=cbr,rate=20mbit,size=1500,start=0s,stop=3s,$TUPLE" \
		"id=2,kind=burst,rate=40mbit,count=467,size=1500,start=8s,$TUPLE"
	trace burst-only "id=2,kind=burst,rate=40mbit,count=467,size=1500,start=1s,$TUPLE"
}

# trace_vif NAME FLOW...: CBR flows "id:rate[:stop]" from 10.0.0.id, which
# the flow module maps to class 1:id
trace_vif() {
	local name=$1 f=() a
	shift
	for a in "$@"; do
		IFS=: read -r id rate stop <<< "$a"
		f+=("id=$id,kind=cbr,rate=$rate,size=1500,start=${id}ms,stop=${stop:-20s},src=10.0.0.$id:100$id,dst=10.0.1.1:5001")
	done
	trace "$name" "${f[@]}"
}

VIF_MAP="module add flow mode map key src and 255 addend -1 baseclass 1:1"

trace_tunnel() {
	local f=() i
	for i in 1 2 3; do
		f+=("id=$i,kind=cbr,rate=5mbit,size=1500,start=${i}ms,stop=10s,src=10.0.0.$i:100$i,dst=10.0.1.1:5001,tunnel=192.0.2.1>192.0.2.2")
	done
	trace tunnel "${f[@]}" "id=4,kind=sparse,every=20ms,size=100,start=500ms,stop=10s,src=10.0.0.4:1004,dst=10.0.1.1:5001,tunnel=192.0.2.1>192.0.2.2"
}

# replay NAME TRACE QDISC...: the run's JSON in NAME.json, output NAME.out.pcap
replay() {
	local name=$1 in=$2
	shift 2
	echo "qdisc add root $*" > "$work/$name.conf"
	replay_conf "$name" "$in" "$*"
}

# replay_conf NAME TRACE TITLE: as replay, with NAME.conf already written
replay_conf() {
	local name=$1 in=$2
	echo "== $name: $3 on $in"
	if ! "$itm" replay -c "$work/$name.conf" "$work/$in.pcap" \
		-w "$work/$name.out.pcap" --rate 10mbit --json > "$work/$name.json"; then
		echo "$name: itm replay failed"
		fails=$((fails + 1))
		return 1
	fi
	grep -o '"drops":{[^}]*}' "$work/$name.json" | sed 's/^/   /'
}

# drops NAME CAUSE MIN MAX: drops of one cause from the replay's JSON
drops() {
	local n
	n=$(grep -o '"drops":{[^}]*}' "$work/$1.json" | grep -o "\"$2\":[0-9]*" | cut -d: -f2)
	if [ -n "$n" ] && [ "$n" -ge "$3" ] && [ "$n" -le "$4" ]; then
		echo "check $1 $2 drops = $n in [$3, $4]: ok"
	else
		echo "check $1 $2 drops = ${n:-?} in [$3, $4]: FAIL"
		fails=$((fails + 1))
	fi
}

# analyze NAME TRACE ARGS...: per-flow figures and checks
analyze() {
	local name=$1 in=$2
	shift 2
	"$ana" "$work/$in.pcap" "$work/$name.out.pcap" "$@" || fails=$((fails + 1))
}

overload() {	# KIND OPTIONS...
	trace_overload
	replay "$1" overload "$@" || return 0
	analyze "$1" overload --from 2 --to 20 --check 1:drop:0.45:0.55 \
		--check 1:mean_ms:7.5:30
	drops "$1" limit 0 0
	drops "$1" aqm 1 1000000000
}

burst() {	# KIND OPTIONS...
	trace_burst
	replay "$1" burst "$@" || return 0
	analyze "$1" burst --from 8 --to 8.15 --check 2:drop:0:0
	replay "$1-limit" burst-only "$@" limit 100 || return 0
	analyze "$1-limit" burst-only
	drops "$1-limit" aqm 0 0
	drops "$1-limit" limit 1 1000000000
}

case $sc in
fifo-contrast)
	trace_overload
	trace_fair
	replay fifo-overload overload pfifo limit 1000
	analyze fifo-overload overload --from 2 --to 20 --check 1:mean_ms:200:2000
	replay fifo-fair fair pfifo limit 1000
	analyze fifo-fair fair --from 2 --to 20 --check 5:mean_ms:200:2000
	;;
pie-overload)
	overload pie limit 1000 target 15ms tupdate 15ms alpha 2 beta 20
	;;
fq_pie-overload)
	overload fq_pie limit 10240 flows 1024 target 15ms tupdate 15ms
	;;
fq_pie-fair)
	trace_fair
	replay fq_pie-fair fair fq_pie || exit 1
	analyze fq_pie-fair fair --from 2 --to 20 \
		--check 1:tput_mbit:2.375:2.625 --check 2:tput_mbit:2.375:2.625 \
		--check 3:tput_mbit:2.375:2.625 --check 4:tput_mbit:2.375:2.625 \
		--check 5:drop:0:0 --check 5:max_ms:0:$SPARSE_MAX_MS
	;;
tbf-fq_pie)
	trace_fair
	printf 'qdisc add root handle 1: tbf rate 9mbit burst 3kb latency 50ms\nqdisc add parent 1:1 handle 10: fq_pie\n' \
		> "$work/tbf-fq_pie.conf"
	replay_conf tbf-fq_pie fair "tbf 9mbit, fq_pie under it" || exit 1
	# at 9 Mbit/s a 1500-B frame takes 1.33 ms: two of them, the sparse
	# packet's own 0.09 ms, and a frame the link may be sending (1.2 ms)
	analyze tbf-fq_pie fair --from 2 --to 20 \
		--check 1:tput_mbit:2.1375:2.3625 --check 2:tput_mbit:2.1375:2.3625 \
		--check 3:tput_mbit:2.1375:2.3625 --check 4:tput_mbit:2.1375:2.3625 \
		--check 1:mean_ms:7.5:30 --check 4:mean_ms:7.5:30 \
		--check 5:drop:0:0 --check 5:max_ms:0:3.96
	drops tbf-fq_pie limit 0 0
	;;
pie-burst)
	burst pie
	;;
fq_pie-burst)
	burst fq_pie
	;;
fq_pie-tunnel)
	trace_tunnel
	replay tunnel-outer tunnel fq_pie || exit 1
	analyze tunnel-outer tunnel --from 2 --to 10 --check 4:mean_ms:5:1000 \
		--check 4:drop:0.1:1
	replay tunnel-inner tunnel fq_pie keys src,dst,proto,proto-src,proto-dst,tunnel-src,tunnel-dst,tunnel-proto,tunnel-proto-src,tunnel-proto-dst || exit 1
	analyze tunnel-inner tunnel --from 2 --to 10 --check 4:drop:0:0 \
		--check 4:max_ms:0:$SPARSE_MAX_MS
	;;
vif-netnice)
	trace_vif netnice 1:5mbit 2:5mbit 4:3mbit 5:5mbit
	cat > "$work/vif-netnice.conf" <<-EOF
	qdisc add root handle 1: vif mode pq
	class add parent 1: classid 1:3 vif bandwidth 4mbit mode shaping priority 1
	class add parent 1:3 classid 1:1 vif weight 1
	class add parent 1:3 classid 1:2 vif weight 1
	class add parent 1: classid 1:4 vif priority 0
	class add parent 1: classid 1:5 vif bandwidth 2mbit mode shaping priority 1
	$VIF_MAP
	EOF
	replay_conf vif-netnice netnice "vif tree of netnice's sample case" || exit 1
	analyze vif-netnice netnice --from 2 --to 20 \
		--check 1:tput_mbit:1.98:2.02 --check 2:tput_mbit:1.98:2.02 \
		--check 4:tput_mbit:2.97:3.03 --check 4:drop:0:0 \
		--check 4:max_ms:0:2.5 --check 5:tput_mbit:1.98:2.02
	drops vif-netnice limit 1 1000000000
	drops vif-netnice class 0 0
	;;
vif-borrow)
	trace_vif borrow 1:8mbit:10s 2:8mbit 3:8mbit
	cat > "$work/vif-borrow.conf" <<-EOF
	qdisc add root handle 1: vif
	class add parent 1: classid 1:1 vif bandwidth 2mbit ceil 4mbit weight 3
	class add parent 1: classid 1:2 vif bandwidth 2mbit weight 1
	class add parent 1: classid 1:3 vif weight 2
	$VIF_MAP
	EOF
	replay_conf vif-borrow borrow "vif guarantees, ceil and weights" || exit 1
	analyze vif-borrow borrow --from 2 --to 10 \
		--check 1:tput_mbit:3.96:4.04 --check 2:tput_mbit:3.30:3.367 \
		--check 3:tput_mbit:2.64:2.693
	# A's queue drains at its ceil until about 13 s
	analyze vif-borrow borrow --from 14 --to 20 \
		--check 2:tput_mbit:4.62:4.713 --check 3:tput_mbit:5.28:5.387
	;;
*)
	echo "unknown scenario $sc"
	exit 2
	;;
esac
[ "$fails" = 0 ] && echo "$sc: ok" || echo "$sc: $fails failed"
[ "$fails" = 0 ]
