# SPDX-License-Identifier: GPL-2.0-only
# Shared steps of the file-system live cases (run_fs.sh, run_attach.sh,
# run_sample.sh), sourced. The case sets before sourcing:
#   NAME (its name, for the copied log), ITMD, TESTBED, WORK, LOGDIR, TB,
#   C, S (namespaces), MNT; it may define fs_cleanup_extra.
PID=
# what a case removes itself on exit (it may define its own after sourcing)
fs_cleanup_extra() { :; }

fail() {
	echo "FAIL: $*"
	[ -f "$WORK/itmd.log" ] && tail -25 "$WORK/itmd.log"
	exit 1
}
skip() { echo "SKIP: $*"; exit 77; }

# fs_need TOOL...: root, FUSE and the tools, or skip
fs_need() {
	local t
	[ "$(id -u)" = 0 ] || skip "not root"
	[ -c /dev/fuse ] || skip "no /dev/fuse"
	for t in "$@"; do
		command -v "$t" >/dev/null || skip "no $t"
	done
	chmod 755 "$WORK"
	mkdir -p "$LOGDIR"
}

# itmd stopped (a child is waited for; a spawned one is given time), the
# mount, the namespaces' processes and the test bed gone, the log kept
fs_cleanup() {
	if [ -n "$PID" ] && kill "$PID" 2>/dev/null; then
		wait "$PID" 2>/dev/null || sleep 0.5
	fi
	mountpoint -q "$MNT" 2>/dev/null && umount -l "$MNT"
	for n in $C $S; do
		for p in $(ip netns pids "$n" 2>/dev/null); do kill "$p" 2>/dev/null; done
	done
	"$TESTBED" down --name "$TB" >/dev/null 2>&1
	fs_cleanup_extra
	cp "$WORK/itmd.log" "$LOGDIR/itmd-$NAME.log" 2>/dev/null
	rm -rf "$WORK"
}

# fs_bed_up MODE: the test bed, offloads off, cleaned up on exit
fs_bed_up() {
	trap fs_cleanup EXIT
	trap 'exit 1' INT TERM
	"$TESTBED" up --name "$TB" --mode "$1" --offloads off >/dev/null 2>&1 ||
		skip "no test bed (namespaces)"
}

inc() { nsenter --net=/run/netns/$C "$@"; }
ins() { nsenter --net=/run/netns/$S "$@"; }

# spawn NAME SCRIPT: a shell in the client's namespace running SCRIPT; its
# own pid (nsenter may fork) in $NAME once it runs
spawn() {
	rm -f "$WORK/$1.pid"
	inc sh -c "echo \$\$ > $WORK/$1.pid.tmp; mv $WORK/$1.pid.tmp $WORK/$1.pid; $2" &
	for _ in $(seq 50); do [ -f "$WORK/$1.pid" ] && break; sleep 0.05; done
	eval "$1=\$(cat $WORK/$1.pid)"
}

# fs_wait_mount: true once itmd's file system is on $MNT (2 s at most)
fs_wait_mount() {
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		mountpoint -q "$MNT" && return 0
		sleep 0.2
	done
	return 1
}
