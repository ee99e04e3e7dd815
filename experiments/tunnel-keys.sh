#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Tunnel keys (the flow-classifier blog's figure 2): the bufferbloat
# experiment's four bulk TCP uploads and latency probes, carried inside an
# IP-in-IP tunnel across an uplink shaped to 20 Mbit/s with fq_pie under the
# shaper. With fq_pie hashing the outer 5-tuple only, every tunnelled flow
# lands in one bucket and the probes wait behind the uploads; with the
# tunnel-* keys added, each inner flow gets its own bucket and the probes
# stay near their idle latency.
#
# Topology: the blog's, on the three-namespace test bed (tools/testbed.sh,
# route mode). The router in the middle tunnels the client's traffic to the
# server's overlay address and shapes the uplink it leaves on, in one itmd;
# the server is the tunnel's far end. No kernel tunnel device: both ends are
# itm's ipip module (NFQUEUE: encapsulation at post-routing, decapsulation
# at pre-routing).
#
#   client             router (itm namespace)                   server
#   eth0 10.77.1.2 --- c0 10.77.1.1 | s0 10.77.2.1 ============ eth0 10.77.2.2
#                      itmd, backend nfqueue dev s0:            192.168.77.2 (lo, overlay)
#                      ipip encap at post-routing, then         itmd: ipip decap at
#                      tbf 20mbit + fq_pie keys ...;            pre-routing, encap of the
#                      ipip decap at pre-routing                replies at post-routing
#
# On s0 the bulk and the probes are one outer flow, 10.77.2.1 -> 10.77.2.2
# protocol 4; only the tunnel-* keys see the inner flows. The tunnel starts
# at the router, not the client, because a host's own TCP reaches
# post-routing as GSO packets (Linux builds them whatever the device's
# offloads), which the ipip module cannot encapsulate (too_big); forwarded
# packets with GRO off are single segments. iperf3 and the probe's echo
# server listen on the overlay address only.
#
# Writes report.md, the probes' JSON and their plots under
# results/tunnel-keys (or --out DIR).
#   experiments/tunnel-keys.sh [--quick] [--out DIR] [--build DIR]
# --quick is the reduced form CI runs: shorter, and it asserts the
# direction and rough size of the effect (exit 1 if not seen).
set -u
EXP=tunnel-keys
. "$(dirname "$0")/lib.sh"
exp_init "$@"

rate=20mbit flows=4
if [ "$exp_quick" = 1 ]; then
	dur=12s start=2s secs=8s
else
	dur=30s start=5s secs=20s
fi
shaper="qdisc add root handle 1: tbf rate $rate burst 32kb latency 50ms"
outer=src,dst,proto,proto-src,proto-dst
inner=tunnel-src,tunnel-dst,tunnel-proto,tunnel-proto-src,tunnel-proto-dst
router=10.77.2.1 server=10.77.2.2	# the tunnel's ends (test bed addresses)
overlay=192.168.77.2 overlay_net=192.168.77.0/24	# reached only through it

# ipip LOCAL PEER MATCH: the configuration lines of one tunnel end,
# encapsulating what leaves for MATCH, decapsulating what comes from PEER
ipip() {
	printf '%s\n' \
		"module add ipip label tx hook post-routing local $1 peer $2 match $3 decap off" \
		"module add ipip label rx hook pre-routing local $1 peer $2 encap off"
}

# tunnel_bed: the test bed, the overlay address and its routes, and the
# server's end of the tunnel
tunnel_bed() {
	# GSO, TSO and GRO off: an aggregate would be larger than the tunnel's
	# MTU and cannot be segmented through an outer header the kernel did
	# not build. Checksum offload off too, so what itmd rewrites is whole.
	exp_bed_up --offloads off --csum off
	ip netns exec "$exp_s" ip addr add "$overlay/32" dev lo
	ip netns exec "$exp_i" ip route add "$overlay_net" via "$server"
	# The kernel checks a packet against its route's MTU after itmd added
	# the outer header, so the MTU is lowered before the router (the
	# client's route), and the server, which encapsulates its own TCP,
	# asks the client for segments that fit (advmss).
	ip netns exec "$exp_c" ip route add "$overlay_net" via 10.77.1.1 mtu 1480
	ip netns exec "$exp_s" ip route add 10.77.1.0/24 via "$router" src "$overlay" advmss 1440
	local conf
	mapfile -t conf < <(ipip "$server" "$router" 10.77.1.0/24)
	exp_itmd_in "$exp_s" "$exp_out/far.sock" far "backend nfqueue dev eth0" "${conf[@]}"
	far_pid=$exp_last
}

# ipip_count SOCKET LABEL COUNTER: one ipip counter of a running itmd
ipip_count() {
	"$exp_itm" -S "$1" module list |
		awk -v l="$2" -v k="$3" '$1 == "module" { m = $2 }
			m == l { for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }' | tail -1
}

# run NAME KEYS: one configuration, its probe report in NAME.json
run() {
	exp_say "$1: tunnel through tbf rate $rate, fq_pie keys $2; $flows uploads for $secs of $dur"
	tunnel_bed
	exp_servers "$overlay"
	local conf
	mapfile -t conf < <(ipip "$router" "$server" "$overlay_net")
	exp_itmd "$1" "backend nfqueue dev s0" "${conf[@]}" \
		"$shaper" "qdisc add parent 1:1 handle 2: fq_pie keys $2"
	ip netns exec "$exp_c" "$exp_itm" probe "$overlay" --interval 20ms \
		--duration "$dur" --load "$flows" --load-cc cubic --load-start "$start" --load-secs "$secs" \
		--json --plot "$exp_out/$1.png" >"$exp_out/$1.json" 2>"$exp_out/$1.err" ||
		{ cat "$exp_out/$1.err" >&2; exp_die "$1: itm probe failed"; }
	"$exp_itm" -S "$exp_sock" module list >"$exp_out/$1.router.modules" 2>&1
	"$exp_itm" -S "$exp_out/far.sock" module list >"$exp_out/$1.far.modules" 2>&1
	encap[$1]=$(ipip_count "$exp_sock" tx encapsulated)
	toobig[$1]=$(ipip_count "$exp_sock" tx too_big)
	decap[$1]=$(ipip_count "$exp_out/far.sock" rx decapsulated)
	exp_itmd_stop "$1"
	exp_stop "$far_pid"
	exp_say "$1: done (router encapsulated ${encap[$1]}, too big ${toobig[$1]}; server decapsulated ${decap[$1]})"
}

# worst NAME PHASE FIELD: the largest FIELD over the streams
worst() {
	jq -r --arg p "$2" --arg f "$3" '[.streams[][$p][$f]] | max' "$exp_out/$1.json"
}

declare -A encap decap toobig
run outer "$outer"
run tunnel "$outer,$inner"

declare -A idle load med gput
for c in outer tunnel; do
	idle[$c]=$(worst $c idle p99_ms)
	load[$c]=$(worst $c load p99_ms)
	med[$c]=$(worst $c load p50_ms)
	gput[$c]=$(exp_load_mbit "$exp_out/$c.json")
done

table() {
	printf '| fq_pie keys (under tbf %s) | idle p99 | load p50 | load p99 | p99 added | uploads goodput |\n' "$rate"
	printf '|---|---|---|---|---|---|\n'
	local c
	for c in outer tunnel; do
		printf '| %s | %s ms | %s ms | %s ms | %s ms | %s Mbit/s |\n' \
			"$([ $c = outer ] && echo "outer 5-tuple" || echo "outer + tunnel-*")" \
			"$(exp_fmt "${idle[$c]}" 2)" "$(exp_fmt "${med[$c]}" 1)" \
			"$(exp_fmt "${load[$c]}" 1)" \
			"$(exp_fmt "$(awk -v a="${load[$c]}" -v b="${idle[$c]}" 'BEGIN { print a - b }')" 1)" \
			"$(exp_fmt "${gput[$c]}" 2)"
	done
}

{
	echo "# Tunnel keys: fq_pie on outer keys against outer + tunnel keys"
	echo
	echo "$flows TCP uploads (iperf3, cubic) and latency probes from the client to the server's"
	echo "overlay address $overlay, for $secs of a $dur probe run. The router between them"
	echo "carries that traffic in an IP-in-IP tunnel $router <-> $server (itmd's \`ipip\`"
	echo "module at both ends) and shapes the uplink the tunnel leaves on, as the blog's"
	echo "home router: itmd with \`backend nfqueue dev s0\`, encapsulation at post-routing,"
	echo "then \`$shaper\` with fq_pie under it, hashing:"
	echo
	echo "- outer: \`keys $outer\` — one bucket for the whole tunnel;"
	echo "- tunnel: \`keys $outer,$inner\` — a bucket per inner flow."
	echo
	echo "Latency: \`itm probe\` every 20 ms on six streams (ICMP and UDP, EF, BE, CS1);"
	echo "the figures are the worst stream's. $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r)."
	echo
	table
	echo
	echo "Targets (issue 6): with tunnel keys, probe p99 under load at most 5 ms above"
	echo "idle p99; with outer keys only, about the bulk flows' queueing delay (fq_pie's"
	echo "target is 15 ms)."
	echo
	echo "![outer keys latency](outer.png) ![tunnel keys latency](tunnel.png)"
	echo
	echo "![outer keys CDF](outer-cdf.png) ![tunnel keys CDF](tunnel-cdf.png)"
} >"$exp_out/report.md"

echo
table
echo
echo "report: $exp_out/report.md"
echo "plots:  $exp_out/outer.png $exp_out/tunnel.png (and -cdf.png)"

if [ "$exp_quick" = 1 ]; then
	exp_check "the tunnel carried the load (each end > 1000 packets)" \
		"${encap[outer]} > 1000 && ${decap[outer]} > 1000 && ${encap[tunnel]} > 1000 && ${decap[tunnel]} > 1000"
	exp_check "outer keys: probes queue behind the uploads (load p99 > 8 ms)" "${load[outer]} > 8"
	exp_check "outer keys load p99 > 2 x tunnel keys load p99" "${load[outer]} > 2 * ${load[tunnel]}"
	exp_check "tunnel keys load p99 <= idle p99 + 15 ms" "${load[tunnel]} <= ${idle[tunnel]} + 15"
	exp_check "both loads ran (goodput > 10 Mbit/s)" "${gput[outer]} > 10 && ${gput[tunnel]} > 10"
	[ "$exp_fails" = 0 ] || exit 1
fi
exit 0
