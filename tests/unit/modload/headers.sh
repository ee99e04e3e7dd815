#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The installed module headers are enough: build the example module with
# only them (as pkg-config --cflags itm-module gives them), warnings as
# errors, and check it asks the loading binary for nothing but functions
# those headers declare.
#   headers.sh CC EXAMPLE.c HEADER...
set -eu
cc=$1 src=$2
shift 2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/itm"
cp "$@" "$dir/itm/"
$cc -std=c17 -Wall -Wextra -Werror -shared -fPIC -I"$dir" "$src" \
	-o "$dir/mod.so"
nm -D --defined-only "$dir/mod.so" | grep -q ' itm_module$'
for sym in $(nm -D --undefined-only "$dir/mod.so" | awk '$2 ~ /^itm_/ {print $2}'); do
	grep -q "\\<$sym(" "$dir"/itm/*.h || {
		echo "$sym: not declared in the module headers"
		exit 1
	}
done
echo "module headers: ok"
