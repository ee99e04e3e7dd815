#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# itm's main job on its built-in default: replay the bundled example trace
# through the bundled configuration, print tc-style statistics and write the
# annotated output trace (departure times, DSCP/TOS marks, valid checksums).
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh run
[ -f build/build.ninja ] || meson setup build --buildtype=release -Dtests=disabled >/dev/null
ninja -C build src/cli/itm >/dev/null
out=${1:-example-out.pcap}
build/src/cli/itm replay -c examples/default.conf examples/example.pcap -w "$out"
echo "annotated trace written to $out"
