#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# What the live tests could leave on the machine, one line each, sorted:
# network namespaces, itm's netfilter rules and chains in this namespace,
# cgroups named itm*, and FUSE mounts. scripts/test.sh takes this list
# before and after the tests: a line that appeared is a test that did not
# clean up after itself.
{
	ip netns list 2>/dev/null | awk '{ print "netns " $1 }'
	for save in iptables-save ip6tables-save; do
		command -v $save >/dev/null &&
			$save 2>/dev/null | grep -i 'itm' | sed "s/^/$save: /" | sed 's/\[[0-9]*:[0-9]*\] //'
	done
	find /sys/fs/cgroup -maxdepth 4 -type d -name 'itm*' 2>/dev/null | sed 's/^/cgroup /'
	awk '$3 ~ /^fuse/ { print "mount " $2 " " $3 }' /proc/mounts
} | sort
