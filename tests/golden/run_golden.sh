#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Golden replay test: run one case directory and compare with what it expects.
#   CASE/cmd           itm arguments; @OUT@ is the output pcap, @EXAMPLES@
#                      the built libitm examples ($ITM_EXAMPLES), @CONF@
#                      CASE/conf with @MODULES@ in it replaced by the built
#                      loadable modules' directory ($ITM_MODULES), which
#                      the output then shows as @MODULES@ again
#   CASE/expect.txt    itm's standard output
#   CASE/expect.fields tshark's view of the output pcap (times, addresses, TOS)
#   CASE/expect.sha256 the output pcap's digest: same input, same bytes
#   CASE/fields        optional: more tshark fields for expect.fields
# With UPDATE=1 the expectations are rewritten from this run instead.
# Every output pcap must also pass tshark's IP/TCP/UDP checksum validation.
set -eu
itm=$1 case=$2 work=$3
name=$(basename "$case")
out="$work/$name.out.pcap"
mkdir -p "$work"
command -v tshark >/dev/null || { echo "tshark missing: skip"; exit 77; }

# the cmd file is shell words: quotes group, as on a command line
eval "args=( $(< "$case/cmd") )"
modules=@MODULES@
[ -n "${ITM_MODULES:-}" ] && modules=$(realpath "$ITM_MODULES")
for i in "${!args[@]}"; do
	args[$i]=${args[$i]//@OUT@/$out}
	args[$i]=${args[$i]//@EXAMPLES@/${ITM_EXAMPLES:-}}
	args[$i]=${args[$i]//@CONF@/$work/$name.conf}
done
[ -f "$case/conf" ] && sed "s|@MODULES@|$modules|g" "$case/conf" > "$work/$name.conf"
(cd "$case" && "$itm" "${args[@]}") | sed "s|$modules|@MODULES@|g" \
	> "$work/$name.txt"

extra=()
if [ -f "$case/fields" ]; then
	for f in $(< "$case/fields"); do extra+=(-e "$f"); done
fi
fields() {
	tshark -n -r "$1" -T fields -E separator=' ' -E occurrence=a \
		-o ip.defragment:FALSE \
		-e frame.time_epoch -e frame.len -e ip.src -e ipv6.src \
		-e tcp.srcport -e udp.srcport -e tcp.flags -e ip.dsfield \
		-e ipv6.tclass ${extra[@]+"${extra[@]}"}
}
fields "$out" > "$work/$name.fields"
sha256sum < "$out" | cut -d' ' -f1 > "$work/$name.sha256"

bad=$(tshark -n -r "$out" -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE \
	-o udp.check_checksum:TRUE \
	-Y 'ip.checksum.status == "Bad" || tcp.checksum.status == "Bad" || udp.checksum.status == "Bad"' \
	| wc -l)
if [ "$bad" != 0 ]; then
	echo "$name: $bad packets with bad checksums in the output"
	exit 1
fi

if [ "${UPDATE:-0}" = 1 ]; then
	cp "$work/$name.txt" "$case/expect.txt"
	cp "$work/$name.fields" "$case/expect.fields"
	cp "$work/$name.sha256" "$case/expect.sha256"
	echo "$name: expectations updated"
	exit 0
fi
rc=0
for f in txt fields sha256; do
	exp="$case/expect.$f"
	if ! diff -u "$exp" "$work/$name.$f" > "$work/$name.$f.diff"; then
		echo "$name: output differs from $exp:"
		head -40 "$work/$name.$f.diff"
		rc=1
	fi
done
[ $rc = 0 ] && echo "$name: ok"
exit $rc
