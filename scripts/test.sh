#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build itm with AddressSanitizer and UBSan and run every test: unit tests,
# the tshark cross-check of the parser, golden replays, behavioural replays,
# the live end-to-end cases and the experiments in their reduced form (root,
# network namespaces) and a check that they left nothing installed, and a
# short run of each libFuzzer target over its corpus. Ends with
# "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
scripts/deps.sh test || exit 1
fuzz_secs=${FUZZ_SECONDS:-20}
build=build-test
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

[ -f $build/build.ninja ] || meson setup $build -Dtests=enabled -Db_sanitize=address,undefined \
	-Db_lundef=false --buildtype=debug >/dev/null || exit 1
ninja -C $build || exit 1
left_before=$(tests/live/leftovers.sh)
meson test -C $build --print-errorlogs --num-processes 2 --no-rebuild \
	--suite unit --suite golden --suite behav --suite live --suite experiments
meson_rc=$?
left=$(comm -13 <(echo "$left_before") <(tests/live/leftovers.sh) | grep .)

read -r ok fail skip < <(/usr/bin/python3 - "$build/meson-logs/testlog.json" <<'PY'
import json, sys
ok = fail = skip = 0
for line in open(sys.argv[1]):
    r = json.loads(line)["result"]
    if r in ("OK", "EXPECTEDFAIL"):
        ok += 1
    elif r == "SKIP":
        skip += 1
    else:
        fail += 1
print(ok, fail, skip)
PY
)

# The live tests remove what they install: namespaces, rules, cgroups, mounts.
if [ "$(id -u)" != 0 ]; then
	skip=$((skip + 1))
elif [ -n "$left" ]; then
	echo "left behind by the tests: FAILED"
	echo "$left" | sed 's/^/  /'
	fail=$((fail + 1))
else
	echo "nothing left behind by the tests (namespaces, rules, cgroups, mounts): ok"
	ok=$((ok + 1))
fi

# An optimised build warns about things a debug build does not see.
if { [ -f build-release/build.ninja ] || meson setup build-release \
	--buildtype=release -Dtests=enabled >/dev/null; } && ninja -C build-release >/dev/null; then
	echo "release build (-O3, warnings as errors): ok"
	ok=$((ok + 1))
else
	echo "release build (-O3, warnings as errors): FAILED"
	fail=$((fail + 1))
fi

# Fuzz smoke: each target over its corpus for a few seconds, clang-built.
fuzz_build=build-fuzz
fuzz_targets="parse config pcap probe tgen fs modreg route_probe ctl remote attach nfq_stale cdf tun_frame"
if CC=clang CXX=clang++ meson setup $fuzz_build -Dfuzz=true -Db_sanitize=address,undefined \
	-Db_lundef=false --buildtype=debugoptimized >/dev/null 2>&1 || [ -f $fuzz_build/build.ninja ]; then
	ninja -C $fuzz_build >/dev/null || { echo "fuzz build failed"; fail=$((fail + 1)); }
	for t in $fuzz_targets; do
		mkdir -p "$fuzz_build/corpus-$t"
		if "$fuzz_build/tests/fuzz/fuzz_$t" -max_total_time="$fuzz_secs" -timeout=10 \
			-print_final_stats=1 -artifact_prefix="$fuzz_build/" \
			"$fuzz_build/corpus-$t" "tests/fuzz/corpus/$t" \
			> "$fuzz_build/fuzz_$t.log" 2>&1; then
			echo "fuzz_$t: $(grep -o 'stat::number_of_executed_units: [0-9]*' "$fuzz_build/fuzz_$t.log" | cut -d' ' -f2) runs, no finding"
			ok=$((ok + 1))
		else
			echo "fuzz_$t: FAILED, see $fuzz_build/fuzz_$t.log"
			tail -30 "$fuzz_build/fuzz_$t.log"
			fail=$((fail + 1))
		fi
	done
else
	echo "fuzz targets skipped: clang with libFuzzer not usable"
	skip=$((skip + $(wc -w <<< "$fuzz_targets")))
fi

[ "$meson_rc" = 0 ] || [ "$fail" -gt 0 ] || fail=$((fail + 1))
if [ "$skip" -gt 0 ]; then
	echo "$ok passed, $fail failed, $skip skipped"
else
	echo "$ok passed, $fail failed"
fi
[ "$fail" = 0 ]
