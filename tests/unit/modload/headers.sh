#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The installed module headers are enough: build a module with only them
# (as pkg-config --cflags itm-module gives them), warnings as errors, and
# check it exports the loader's symbol unmangled and asks the loading
# binary for nothing but functions those headers declare. A .c file is
# built as C17, a .cc file as C++20 (g++'s -Wextra would name every member
# a designated initializer leaves zero: that warning is off).
#   headers.sh COMPILER MODULE.c|MODULE.cc HEADER...
set -eu
cc=$1 src=$2
shift 2
case $src in
*.cc) std="-std=c++20 -Wno-missing-field-initializers" ;;
*) std=-std=c17 ;;
esac
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/itm"
cp "$@" "$dir/itm/"
# shellcheck disable=SC2086 # $std is two words for C++
$cc $std -Wall -Wextra -Werror -shared -fPIC -I"$dir" "$src" \
	-o "$dir/mod.so"
nm -D --defined-only "$dir/mod.so" | grep -q ' itm_module$'
for sym in $(nm -D --undefined-only "$dir/mod.so" | awk '$2 ~ /^itm_/ {print $2}'); do
	grep -q "\\<$sym(" "$dir"/itm/*.h || {
		echo "$sym: not declared in the module headers"
		exit 1
	}
done
echo "module headers ($src): ok"
