#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Install the Debian packages itm needs, only those missing.
#   scripts/deps.sh run    to build and run itm
#   scripts/deps.sh test   also what the tests, fuzzers and benchmarks need
set -eu
run_pkgs="gcc meson ninja-build pkg-config libpcap-dev libnetfilter-queue-dev libmnl-dev iptables gnuplot-nox libfuse3-dev fuse3"
test_pkgs="libcmocka-dev clang libclang-rt-14-dev tshark python3-scapy iproute2 iperf3 ethtool iputils-ping tcpdump util-linux"

want="$run_pkgs"
[ "${1:-run}" = test ] && want="$want $test_pkgs"

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
