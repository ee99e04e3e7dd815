#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Meson driver: generate the parser captures, then compare itm with tshark.

usage: /usr/bin/python3 run_tshark_check.py ITM_BINARY BUILD_DIR

Steps, each of which must pass:
  1. the comparator's self-test (it can report a wrong line),
  2. the tshark-derived expectations agree with ref_parse.py, an
     independent reading of the rules (otherwise the oracle itself is
     off, e.g. with another tshark version, and a failure in step 3
     would say nothing about itm),
  3. itm agrees with the expectations on every generated capture and on
     examples/example.pcap.
Exit 77 (skipped) when tshark or scapy for /usr/bin/python3 is missing.
"""
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLE = os.path.join(HERE, '..', '..', 'examples', 'example.pcap')
SKIP = 77


def main(argv):
    if len(argv) != 3:
        sys.stderr.write('usage: run_tshark_check.py ITM_BINARY BUILD_DIR\n')
        return 2
    itm, build_dir = argv[1], argv[2]
    if shutil.which('tshark') is None:
        print('skip: tshark not found (apt-get install tshark)')
        return SKIP
    try:
        import scapy.all  # noqa: F401  (gen_pcaps needs it)
    except ImportError:
        print('skip: %s cannot import scapy (apt-get install python3-scapy)' % sys.executable)
        return SKIP
    sys.path.insert(0, HERE)
    import compare_tshark
    import gen_pcaps

    outdir = os.path.join(build_dir, 'pcaps')
    shutil.rmtree(outdir, ignore_errors=True)      # no stale cases
    if gen_pcaps.main(['gen_pcaps.py', outdir]) != 0:
        return 1
    pcaps = sorted(os.path.join(outdir, f) for f in os.listdir(outdir))
    if os.path.exists(EXAMPLE):
        pcaps.append(os.path.normpath(EXAMPLE))
    checks = [['--selftest', pcaps[0]], ['--ref'] + pcaps, [itm] + pcaps]
    for args in checks:
        print('== compare_tshark.py %s' % args[0])
        sys.stdout.flush()
        if compare_tshark.main(['compare_tshark.py'] + args) != 0:
            return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
