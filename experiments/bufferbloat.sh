#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Bufferbloat: four bulk TCP uploads through an uplink shaped to 20 Mbit/s
# by itmd (NFQUEUE backend, tbf on the server-facing port; cubic, Linux's
# default congestion control, whatever the kernel's default), with latency
# probes (itm probe: ICMP and UDP in three DSCP classes) before, during and
# after the load. Run twice: the shaper's queue a FIFO of 1000 packets (the
# standing queue of a home router), then fq_pie. Writes report.md, the
# probes' JSON and their plots under results/bufferbloat (or --out DIR).
#   experiments/bufferbloat.sh [--quick] [--out DIR] [--build DIR]
# --quick is the reduced form CI runs: shorter, and it asserts the
# direction and rough size of the effect (exit 1 if not seen).
set -u
EXP=bufferbloat
. "$(dirname "$0")/lib.sh"
exp_init "$@"

rate=20mbit flows=4
if [ "$exp_quick" = 1 ]; then
	dur=12s start=2s secs=8s
else
	dur=30s start=5s secs=20s
fi
shaper="qdisc add root handle 1: tbf rate $rate burst 32kb latency 50ms"

# run NAME LEAF: one configuration, its probe report in NAME.json
run() {
	exp_say "$1: itmd with tbf rate $rate, $2 under it; $flows uploads for $secs of $dur"
	exp_bed_up
	exp_servers
	exp_itmd "$1" "backend nfqueue dev s0" "$shaper" "qdisc add parent 1:1 handle 2: $2"
	ip netns exec "$exp_c" "$exp_itm" probe 10.77.2.2 --interval 20ms \
		--duration "$dur" --load "$flows" --load-cc cubic --load-start "$start" --load-secs "$secs" \
		--json --plot "$exp_out/$1.png" --samples "$exp_out/$1.csv" >"$exp_out/$1.json" 2>"$exp_out/$1.err" ||
		{ cat "$exp_out/$1.err" >&2; exp_die "$1: itm probe failed"; }
	exp_itmd_stop "$1"
	exp_say "$1: done"
}

# worst NAME PHASE FIELD: the largest FIELD over the streams
worst() {
	jq -r --arg p "$2" --arg f "$3" '[.streams[][$p][$f]] | max' "$exp_out/$1.json"
}

run fifo "pfifo limit 1000"
run fq_pie "fq_pie"

declare -A idle load med gput
for c in fifo fq_pie; do
	idle[$c]=$(worst $c idle p99_ms)
	load[$c]=$(worst $c load p99_ms)
	med[$c]=$(worst $c load p50_ms)
	gput[$c]=$(exp_load_mbit "$exp_out/$c.json")
done

exp_compare_cdf "$exp_out/compare.png" \
	"RTT under load, $flows cubic uploads through tbf $rate: FIFO 1000 against fq_pie" \
	"pfifo limit 1000" "$exp_out/fifo.csv" fq_pie "$exp_out/fq_pie.csv"

table() {
	printf '| queue under tbf %s | idle p99 | load p50 | load p99 | p99 added | uploads goodput |\n' "$rate"
	printf '|---|---|---|---|---|---|\n'
	local c
	for c in fifo fq_pie; do
		printf '| %s | %s ms | %s ms | %s ms | %s ms | %s Mbit/s |\n' \
			"$([ $c = fifo ] && echo "pfifo limit 1000" || echo fq_pie)" \
			"$(exp_fmt "${idle[$c]}" 2)" "$(exp_fmt "${med[$c]}" 1)" \
			"$(exp_fmt "${load[$c]}" 1)" \
			"$(exp_fmt "$(awk -v a="${load[$c]}" -v b="${idle[$c]}" 'BEGIN { print a - b }')" 1)" \
			"$(exp_fmt "${gput[$c]}" 2)"
	done
}

{
	echo "# Bufferbloat: FIFO against fq_pie under a 20 Mbit/s shaper"
	echo
	echo "$flows TCP uploads (iperf3, cubic) client -> server for $secs of a $dur probe run,"
	echo "through itmd at the bottleneck (\`backend nfqueue dev s0\`, \`$shaper\`)."
	echo "Latency: \`itm probe\` every 20 ms on six streams (ICMP and UDP, EF, BE, CS1);"
	echo "the figures are the worst stream's. $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r)."
	echo
	table
	echo
	echo "Targets (issue 6): fq_pie p99 under load at most 5 ms above idle p99;"
	echo "fq_pie goodput at least 95 % of FIFO's."
	echo
	echo "![RTT under load, FIFO against fq_pie](compare.png)"
	echo
	echo "![FIFO latency](fifo.png) ![fq_pie latency](fq_pie.png)"
	echo
	echo "![FIFO CDF](fifo-cdf.png) ![fq_pie CDF](fq_pie-cdf.png)"
} >"$exp_out/report.md"

echo
table
echo
echo "report: $exp_out/report.md"
echo "plots:  $exp_out/compare.png $exp_out/fifo.png $exp_out/fq_pie.png (and -cdf.png)"

if [ "$exp_quick" = 1 ]; then
	exp_check "FIFO keeps a standing queue: load p99 >= 100 ms" "${load[fifo]} >= 100"
	exp_check "fq_pie load p99 <= idle p99 + 15 ms" "${load[fq_pie]} <= ${idle[fq_pie]} + 15"
	exp_check "fq_pie goodput >= 90 % of FIFO's" "${gput[fq_pie]} >= 0.9 * ${gput[fifo]}"
	exp_check "both loads ran (goodput > 10 Mbit/s)" "${gput[fifo]} > 10 && ${gput[fq_pie]} > 10"
	[ "$exp_fails" = 0 ] || exit 1
fi
exit 0
