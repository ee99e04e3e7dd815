#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# PIAS: a many-to-one web-search workload (itm tgen, flow sizes from the
# DCTCP paper's CDF, Poisson arrivals) at 60 % and 80 % of a bottleneck
# shaped by itmd (NFQUEUE backend on the client-facing port, tbf), with a
# drop-tail FIFO under the shaper against PIAS: senders tag the first
# 100 KB of every flow DSCP 7 and the rest DSCP 6 (itm tgen --pias), and
# the bottleneck serves them in two strict-priority bands, each a FIFO.
# Four tgen servers (four addresses in the server namespace) send, one
# client receives; same seed, same flows for both schemes. Writes
# report.md, each run's JSON, per-flow CSV and plots, and a comparison plot
# under results/pias (or --out DIR).
#   experiments/pias.sh [--quick] [--out DIR] [--build DIR]
# --quick is the reduced form CI runs: one load (0.6), fewer flows, and it
# asserts the direction and rough size of the effect (exit 1 if not seen).
set -u
EXP=pias
. "$(dirname "$0")/lib.sh"
exp_init "$@"
# absolute, as the client runs from the top of the tree
exp_out=$(cd "$exp_out" && pwd) exp_itm=$(realpath "$exp_itm")

rate=100mbit seed=6 nsrv=4 buf=100
cdf=data/cdf/web-search.txt	# relative to the top: the plots' titles name it
if [ "$exp_quick" = 1 ]; then
	loads="0.6" flows=120 timeout=30s
else
	loads="0.6 0.8" flows=800 timeout=60s
fi
schemes="fifo pias"
shaper="qdisc add root handle 1: tbf rate $rate burst 32kb latency 50ms"
servers=""
for i in $(seq "$nsrv"); do
	servers="$servers${servers:+,}10.77.2.$((i + 1))"
done

# config SCHEME: itmd's configuration, one command a line
config() {
	case $1 in
	fifo)
		echo "$shaper"
		echo "qdisc add parent 1:1 handle 2: pfifo limit $buf"
		;;
	pias)
		# DSCP 7 (first 100 KB) is priority 7, DSCP 6 priority 6;
		# rank 7 goes to band 1:1 (served first), every other to 1:2
		echo "module add dscp dscp7 7 dscp6 6"
		echo "$shaper"
		echo "qdisc add parent 1:1 handle 2: prio bands 2 rank priority priomap 1,1,1,1,1,1,1,0"
		echo "qdisc add parent 2:1 handle 21: pfifo limit $buf"
		echo "qdisc add parent 2:2 handle 22: pfifo limit $buf"
		;;
	esac
}

# tgen servers on the server side, one per address, listening
start_servers() {
	local i a
	for i in $(seq 2 "$nsrv"); do
		ip netns exec "$exp_s" ip addr add "10.77.2.$((i + 1))/24" dev eth0 ||
			exp_die "cannot add a server address"
	done
	for i in $(seq "$nsrv"); do
		a=10.77.2.$((i + 1))
		exp_bg "$exp_s" "$exp_itm" tgen server --bind "$a" 2>"$exp_out/server-$a.log"
	done
	for i in $(seq 50); do
		[ "$(ip netns exec "$exp_s" ss -ltnH 'sport = :5050' | wc -l)" -ge "$nsrv" ] && return 0
		sleep 0.1
	done
	exp_die "tgen servers did not start"
}

# run SCHEME LOAD: one configuration at one load, its report in NAME.json
run() {
	local name=$1-$2 pias=""
	[ "$1" = pias ] && pias=--pias
	exp_say "$name: $flows web-search flows at $2 of $rate from $nsrv servers, $1 under tbf"
	exp_bed_up
	start_servers
	local lines=()
	mapfile -t lines < <(config "$1")
	exp_itmd "$name" "backend nfqueue dev c0" "${lines[@]}"
	(cd "$exp_top" && ip netns exec "$exp_c" "$exp_itm" tgen client "$servers" --cdf "$cdf" --load "$2" \
		--rate "$rate" --flows "$flows" --seed "$seed" --timeout "$timeout" $pias \
		--log "$exp_out/$name.csv" --json --plot "$exp_out/$name.png" \
		>"$exp_out/$name.json" 2>"$exp_out/$name.err") ||
		{ cat "$exp_out/$name.err" >&2; exp_die "$name: itm tgen client failed"; }
	exp_itmd_stop "$name"
	local p
	for p in $exp_pids; do
		exp_stop "$p"
	done
	exp_pids=""
	exp_say "$name: done, $(jq -r '"\(.flows) flows, \(.timed_out) timed out, load \(.load_achieved)"' \
		"$exp_out/$name.json")"
}

for l in $loads; do
	for s in $schemes; do
		run "$s" "$l"
	done
done

# fig NAME BUCKET FIELD: a figure of a run's report
fig() {
	jq -r --arg b "$2" --arg f "$3" '.buckets[] | select(.bucket == $b) | .[$f]' \
		"$exp_out/$1.json"
}

# gain FIFO PIAS: how much lower PIAS is, in % of FIFO (negative: worse)
gain() {
	awk -v f="$1" -v p="$2" 'BEGIN { if (f > 0) printf "%.1f", 100 * (f - p) / f; else print "n/a" }'
}

# top NAME: the PIAS top band's packets sent and dropped
top() {
	awk '/^qdisc pfifo 21:/ { getline; gsub(/[(,]/, " ");
		for (i = 1; i <= NF; i++) if ($i == "dropped") d = $(i + 1);
		printf "%d packets sent, %d dropped", $4, d }' "$exp_out/$1.stats"
}

# drops NAME: packets the bottleneck dropped, and their share of those it sent
drops() {
	awk '/^ Sent/ { gsub(/[(,]/, " "); for (i = 1; i <= NF; i++) if ($i == "dropped") d = $(i + 1);
		printf "%d (%.1f %%)", d, 100 * d / ($4 + d); exit }' "$exp_out/$1.stats"
}

table() {
	printf '| load | scheme | small mean | small p99 | medium mean | large mean | all mean | flows (small/medium/large) | timed out | bottleneck drops |\n'
	printf '|---|---|---|---|---|---|---|---|---|---|\n'
	local l s n
	for l in $loads; do
		for s in $schemes; do
			n=$s-$l
			printf '| %s | %s | %s ms | %s ms | %s ms | %s ms | %s ms | %s/%s/%s | %s | %s |\n' \
				"$l" "$s" \
				"$(exp_fmt "$(fig "$n" small mean_ms)" 2)" "$(exp_fmt "$(fig "$n" small p99_ms)" 2)" \
				"$(exp_fmt "$(fig "$n" medium mean_ms)" 1)" "$(exp_fmt "$(fig "$n" large mean_ms)" 0)" \
				"$(exp_fmt "$(fig "$n" all mean_ms)" 1)" \
				"$(fig "$n" small count)" "$(fig "$n" medium count)" "$(fig "$n" large count)" \
				"$(jq -r .timed_out "$exp_out/$n.json")" "$(drops "$n")"
		done
		printf '| %s | PIAS lower by | %s %% | %s %% | %s %% | %s %% | %s %% | | | |\n' "$l" \
			"$(gain "$(fig "fifo-$l" small mean_ms)" "$(fig "pias-$l" small mean_ms)")" \
			"$(gain "$(fig "fifo-$l" small p99_ms)" "$(fig "pias-$l" small p99_ms)")" \
			"$(gain "$(fig "fifo-$l" medium mean_ms)" "$(fig "pias-$l" medium mean_ms)")" \
			"$(gain "$(fig "fifo-$l" large mean_ms)" "$(fig "pias-$l" large mean_ms)")" \
			"$(gain "$(fig "fifo-$l" all mean_ms)" "$(fig "pias-$l" all mean_ms)")"
	done
}

# ratio LOAD BUCKET FIELD: PIAS's figure over FIFO's (0 for an empty bucket)
ratio() {
	awk -v f="$(fig "fifo-$1" "$2" "$3")" -v p="$(fig "pias-$1" "$2" "$3")" \
		'BEGIN { print (f > 0) ? p / f : 0 }'
}

# compare.png: the small flows' FCT CDF per load and scheme (from the
# per-flow logs), and mean FCT per bucket relative to FIFO
plot() {
	local l s cdfs="" sep="" dt=0 colour
	for l in $loads; do
		dt=$((dt + 1))
		for s in $schemes; do
			[ "$s" = fifo ] && colour='#d62728' || colour='#1f77b4'
			awk -F, 'NR > 1 && $10 == 0 && $11 == 0 && $4 <= 100000 { print $7 / 1000 }' \
				"$exp_out/$s-$l.csv" | sort -g |
				awk '{ v[NR] = $1 } END { for (i = 1; i <= NR; i++) print v[i], i / NR }' \
				>"$exp_out/.cdf-$s-$l"
			cdfs="$cdfs$sep'$exp_out/.cdf-$s-$l' using 1:2 with steps lw 2 dt $dt lc rgb '$colour' title '$s, load $l'"
			sep=", "
		done
		printf '"load %s" %s %s %s %s\n' "$l" "$(ratio "$l" small mean_ms)" \
			"$(ratio "$l" small p99_ms)" "$(ratio "$l" medium mean_ms)" "$(ratio "$l" large mean_ms)"
	done >"$exp_out/.bars"
	gnuplot <<-EOF || exp_die "gnuplot failed"
		set terminal pngcairo size 1200,500 font 'Sans,10'
		set output '$exp_out/compare.png'
		set multiplot layout 1,2 title "Web search through $rate (tbf), drop-tail FIFO vs PIAS (2 bands), $nsrv senders to 1 receiver"
		set title 'Small flows (0,100KB]: FCT CDF'
		set logscale x
		set xlabel 'flow completion time (ms, log scale)'
		set ylabel 'fraction of small flows'
		set yrange [0:1]
		set key bottom right
		set grid
		plot $cdfs
		unset logscale x
		set title 'PIAS FCT relative to FIFO (below 1: PIAS faster)'
		set xlabel ''
		set ylabel 'PIAS FCT / FIFO FCT'
		set yrange [0:*]
		set style data histograms
		set style histogram clustered gap 1
		set style fill solid 0.8 border -1
		set key top left Left reverse samplen 2 opaque
		set offsets 0, 0, 0.25, 0
		set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2
		plot '$exp_out/.bars' using 2:xtic(1) title 'small mean', \
			'' using 3 title 'small p99', '' using 4 title 'medium mean', \
			'' using 5 title 'large mean'
		unset multiplot
	EOF
	rm -f "$exp_out"/.cdf-* "$exp_out/.bars"
}
plot

{
	echo "# PIAS: drop-tail FIFO against PIAS tagging and strict priority"
	echo
	echo "Web-search flow sizes (\`data/cdf/web-search.txt\`), Poisson arrivals, $flows flows"
	echo "per run (seed $seed, the same flows for both schemes), from $nsrv \`itm tgen server\`s"
	echo "(four addresses in the server namespace) to one \`itm tgen client\`, persistent"
	echo "connections, cubic. The bottleneck is itmd on the client-facing port"
	echo "(\`backend nfqueue dev c0\`, \`$shaper\`):"
	echo
	echo "- FIFO: \`pfifo limit $buf\` under the tbf;"
	echo "- PIAS: the servers tag each flow's first 100 KB DSCP 7 and the rest DSCP 6"
	echo "  (\`itm tgen client --pias\`), itmd's \`dscp\` module maps them to priorities 7"
	echo "  and 6, and \`prio bands 2 rank priority priomap 1,1,1,1,1,1,1,0\` serves"
	echo "  them in strict order, each band a \`pfifo limit $buf\`."
	echo
	echo "Why tgen's tagging and not the \`pias\` module on the senders: tgen knows where"
	echo "each message (flow) starts on a persistent connection, so its two-level"
	echo "tagging is exact; the module would have to guess message starts from idle"
	echo "gaps with everything acknowledged, and on an end host its post-routing hook"
	echo "never sees the incoming ACKs."
	echo
	echo "FCT in ms, from the request's send to the last byte received; p99 is nearest"
	echo "rank (with fewer than 100 small flows, their maximum). Bottleneck drops: the"
	echo "tbf's \`dropped\` count and its share of the packets offered."
	echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r), $(nproc) cores."
	echo
	table
	echo
	for l in $loads; do
		echo "PIAS's top band (DSCP 7, the first 100 KB of every flow) at load $l: $(top "pias-$l")."
	done
	echo
	echo "Targets (issue 6): small-flow mean FCT at least 40 % lower than FIFO at 60 %"
	echo "load, p99 lower too; large-flow mean FCT no more than 20 % worse."
	echo
	echo "![comparison](compare.png)"
	echo
	for l in $loads; do
		echo "![FIFO, load $l](fifo-$l.png) ![PIAS, load $l](pias-$l.png)"
		echo
	done
} >"$exp_out/report.md"

echo
table
echo
echo "report: $exp_out/report.md"
echo "plots:  $exp_out/compare.png $(for l in $loads; do printf '%s ' "$exp_out/fifo-$l.png" "$exp_out/pias-$l.png"; done)"

if [ "$exp_quick" = 1 ]; then
	l=${loads%% *}
	for s in $schemes; do
		exp_check "$s: every flow completed" \
			"$(jq -r '.timed_out + .failed' "$exp_out/$s-$l.json") == 0 && $(fig "$s-$l" all count) == $flows"
	done
	exp_check "PIAS small-flow mean FCT >= 20 % below FIFO's" \
		"$(fig "pias-$l" small mean_ms) <= 0.8 * $(fig "fifo-$l" small mean_ms)"
	exp_check "PIAS small-flow p99 FCT below FIFO's" \
		"$(fig "pias-$l" small p99_ms) < $(fig "fifo-$l" small p99_ms)"
	exp_check "load reached: achieved >= 0.4 in both" \
		"$(jq -r .load_achieved "$exp_out/fifo-$l.json") >= 0.4 && $(jq -r .load_achieved "$exp_out/pias-$l.json") >= 0.4"
	[ "$exp_fails" = 0 ] || exit 1
fi
exit 0
