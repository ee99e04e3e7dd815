#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# itm's main job on its built-in default: the live demo. As root it installs
# what is missing, builds, and runs the experiments on real Linux TCP in
# network namespaces it creates and removes (experiments/): four uploads
# through a 20 Mbit/s uplink shaped by itmd, FIFO against fq_pie, and the
# same traffic inside an IP-IP tunnel with outer keys against tunnel keys;
# it ends with their before/after tables and the paths of the plots.
# Without root (or without network namespaces) it says why and runs the
# offline job instead: the bundled trace replayed through the bundled
# configuration, tc-style statistics, an annotated output trace.
#   scripts/run-default.sh [--offline]
set -euo pipefail
cd "$(dirname "$0")/.."

offline() {
	scripts/deps.sh run
	[ -f build/build.ninja ] || meson setup build --buildtype=release -Dtests=disabled >/dev/null
	ninja -C build src/cli/itm >/dev/null
	build/src/cli/itm replay -c examples/default.conf examples/example.pcap -w example-out.pcap
	echo "annotated trace written to example-out.pcap"
}

why=""
if [ "${1:-}" = --offline ]; then
	why="asked for"
elif [ "$(id -u)" != 0 ]; then
	why="the live demo needs root (network namespaces, iptables)"
elif ! ip netns add itm-probe-$$ 2>/dev/null; then
	why="network namespaces are not available here"
else
	ip netns del itm-probe-$$
fi
if [ -n "$why" ]; then
	echo "itm: offline replay ($why)"
	offline
	exit 0
fi

scripts/deps.sh live
echo "itm: building"
[ -f build/build.ninja ] || meson setup build --buildtype=release -Dtests=disabled >/dev/null
ninja -C build src/cli/itm src/daemon/itmd >/dev/null
summary=""
mkdir -p results
for e in bufferbloat tunnel-keys; do
	[ -x "experiments/$e.sh" ] || continue
	echo
	echo "itm: experiment $e (experiments/$e.sh)"
	experiments/$e.sh --build build --out "results/$e" | tee "results/$e.log"
	summary="$summary results/$e/report.md"
done
echo
echo "itm: done. Reports:$summary"
