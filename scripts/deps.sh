#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Install the Debian packages itm needs, only those missing.
#   scripts/deps.sh run    to build and run itm
#   scripts/deps.sh live   also what the live demo and experiments need
#   scripts/deps.sh test   also what the tests, fuzzers and benchmarks need
set -eu
run_pkgs="gcc meson ninja-build pkg-config libpcap-dev libnetfilter-queue-dev libmnl-dev iptables gnuplot-nox libfuse3-dev fuse3"
live_pkgs="iproute2 iperf3 jq"
test_pkgs="libcmocka-dev g++ clang libclang-rt-14-dev tshark python3-scapy ethtool iputils-ping tcpdump util-linux"

case ${1:-run} in
run) want="$run_pkgs" ;;
live) want="$run_pkgs $live_pkgs" ;;
test) want="$run_pkgs $live_pkgs $test_pkgs" ;;
*) echo "usage: scripts/deps.sh run|live|test" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
		|| missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "itm: missing packages:$missing (run as root to install them)" >&2
	exit 1
fi
echo "itm: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# tshark asks whether non-root users may capture: answer no, non-interactively
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get install -y -q --no-install-recommends $missing
