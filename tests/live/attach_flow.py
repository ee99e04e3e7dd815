#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
# One TCP flow whose socket the live attach test attaches by its fd.
#   attach_flow.py sink PORT SECONDS   prints the goodput in bit/s, measured
#                                      after the first 2 s of data
#   attach_flow.py send HOST PORT SECONDS FDFILE
#                                      connects, writes "PID FD" to FDFILE,
#                                      waits 1.5 s (to be attached), sends
import os
import socket
import sys
import time


def sink(port, seconds):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", port))
    ls.listen(1)
    c, _ = ls.accept()
    start = None
    total = 0
    while True:
        b = c.recv(65536)
        now = time.monotonic()
        if not b:
            break
        if start is None:
            start = now + 2.0
        elif now >= start:
            total += len(b)
            end = now
        if start and now - start > seconds - 2:
            break
    print(int(total * 8 / max(end - start, 1e-3)) if total else 0)


def send(host, port, seconds, fdfile):
    s = socket.create_connection((host, port))
    with open(fdfile + ".tmp", "w") as f:
        f.write("%d %d\n" % (os.getpid(), s.fileno()))
    os.rename(fdfile + ".tmp", fdfile)
    time.sleep(1.5)
    buf = b"x" * 65536
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        s.send(buf)
    s.close()


if sys.argv[1] == "sink":
    sink(int(sys.argv[2]), float(sys.argv[3]))
else:
    send(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5])
