#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Writes the input traces of the golden replay cases, deterministically.

sizeaware/in.pcap: interleaved TCP flows of 5, 25 and 40 data segments
(IPv4, one of them starting with TOS 0x01 so ECN bits must survive), one
IPv6 TCP flow of 30 segments, one TCP flow inside an IPv4-in-IPv4 tunnel,
and a UDP stream the module must leave alone. Every flow ends with FIN.

Run: /usr/bin/python3 tests/golden/gen_inputs.py tests/golden
"""
import sys

from scapy.all import IP, IPv6, TCP, UDP, Ether, Raw, wrpcap

T0 = 1_700_000_000


def tcp_flow(ip, sport, dport, segs, t, step, tos=0):
    """(time, packet) pairs: SYN, data segments, FIN."""
    out = []
    seq = 1000
    mk = lambda flags, payload=b"": (
        Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
        / ip
        / TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=1, window=65535)
        / Raw(payload)
    )
    out.append((t, mk("S")))
    for i in range(segs):
        t += step
        seq += 1 if i == 0 else 500
        out.append((t, mk("A", bytes([i % 256]) * 500)))
    t += step
    seq += 500
    out.append((t, mk("FA")))
    return out


def sizeaware_trace():
    pkts = []
    pkts += tcp_flow(IP(src="192.0.2.1", dst="198.51.100.1"), 40001, 80, 5, T0, 0.010)
    pkts += tcp_flow(IP(src="192.0.2.2", dst="198.51.100.1", tos=0x01), 40002, 80, 25, T0 + 0.003, 0.004)
    pkts += tcp_flow(IP(src="192.0.2.3", dst="198.51.100.2"), 40003, 443, 40, T0 + 0.005, 0.002)
    pkts += tcp_flow(IPv6(src="2001:db8::1", dst="2001:db8::2"), 40004, 443, 30, T0 + 0.007, 0.003)
    pkts += tcp_flow(IP(src="203.0.113.1", dst="203.0.113.2") / IP(src="10.0.0.1", dst="10.0.0.2"),
                     40005, 22, 22, T0 + 0.009, 0.005)
    for i in range(20):
        udp = (Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
               / IP(src="192.0.2.9", dst="198.51.100.9", tos=0xb8)
               / UDP(sport=5004, dport=5004) / Raw(b"v" * 160))
        pkts.append((T0 + 0.001 + i * 0.02, udp))
    return finish(pkts)


def tunnel_keys_trace():
    """The blog's setup: a home network's flows carried to the ISP router in
    an IPv4-in-IPv4 and an IPv6-in-IPv4 tunnel, beside the router's own
    plain traffic."""
    pkts = []
    ipip = IP(src="203.0.113.1", dst="203.0.113.2")
    for i in range(4):
        inner = IP(src="10.0.0.%d" % (i + 1), dst="198.51.100.7")
        pkts += tcp_flow(ipip / inner, 50000 + i, 443, 6, T0 + i * 0.001, 0.01)
    for i in range(2):
        inner = IPv6(src="2001:db8:1::%d" % (i + 1), dst="2001:db8:2::7")
        pkts += tcp_flow(ipip.copy() / inner, 51000 + i, 80, 6, T0 + 0.005 + i * 0.001, 0.01)
    for i in range(2):
        pkts += tcp_flow(IP(src="203.0.113.2", dst="192.0.2.%d" % (i + 50)),
                         52000 + i, 22, 6, T0 + 0.007 + i * 0.001, 0.01)
    return finish(pkts)


def seg(ip, sport, dport, flags, seq, ack, payload=b""):
    return (Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / ip
            / TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack,
                  window=65535) / Raw(payload))


def pias_conversation(cip, sip, cport, t, nseg, tos, end="F", retransmit=None):
    """A client sending nseg 1000-byte segments to a server that ACKs every
    second one; segment `retransmit` is sent again (late) after the next."""
    c = lambda: cip.copy()
    s = lambda: sip.copy()
    out = [(t, seg(c(), cport, 80, "S", 1000, 0)),
           (t + 0.001, seg(s(), 80, cport, "SA", 5000, 1001)),
           (t + 0.002, seg(c(), cport, 80, "A", 1001, 5001))]
    t += 0.003
    for i in range(nseg):
        out.append((t, seg(c(), cport, 80, "A", 1001 + i * 1000, 5001, bytes([i]) * 1000)))
        t += 0.001
        if i % 2 == 1:
            out.append((t, seg(s(), 80, cport, "A", 5001, 1001 + (i + 1) * 1000)))
            t += 0.001
        if retransmit is not None and i == retransmit + 1:
            out.append((t, seg(c(), cport, 80, "A", 1001 + retransmit * 1000, 5001,
                                bytes([retransmit]) * 1000)))
            t += 0.001
    if end:
        out.append((t, seg(c(), cport, 80, end + "A", 1001 + nseg * 1000, 5001)))
    return out


def pias_trace():
    """PIAS golden input: an ECT(0) IPv4 flow of 14 segments with one
    retransmission, an IPv6 flow of 8, a flow reset by RST, and a flow
    that goes silent and must expire (the config's idle timeout is 1 s)."""
    pkts = []
    pkts += pias_conversation(IP(src="192.0.2.10", dst="198.51.100.10", tos=0x02),
                              IP(src="198.51.100.10", dst="192.0.2.10"),
                              33000, T0, 14, 0x02, retransmit=3)
    pkts += pias_conversation(IPv6(src="2001:db8::10", dst="2001:db8::20"),
                              IPv6(src="2001:db8::20", dst="2001:db8::10"),
                              33001, T0 + 0.0005, 8, 0)
    pkts += pias_conversation(IP(src="192.0.2.11", dst="198.51.100.10"),
                              IP(src="198.51.100.10", dst="192.0.2.11"),
                              33002, T0 + 0.05, 3, 0, end="R")
    pkts += pias_conversation(IP(src="192.0.2.12", dst="198.51.100.10"),
                              IP(src="198.51.100.10", dst="192.0.2.12"),
                              33003, T0 + 0.06, 2, 0, end=None)
    # two seconds later a new flow opens: the silent one has expired
    pkts += pias_conversation(IP(src="192.0.2.13", dst="198.51.100.10"),
                              IP(src="198.51.100.10", dst="192.0.2.13"),
                              33004, T0 + 2.5, 1, 0, end=None)
    return finish(pkts)


def ipip_trace():
    """ipip golden input, as seen by the tunnel end 192.0.2.1 whose peer is
    198.51.100.1: a TCP flow (DF, ECT(0), AF41) and an IPv6 UDP flow to
    matched prefixes, to be encapsulated; plain UDP elsewhere, left alone;
    tunnel packets from the peer to decapsulate, one with CE outside an
    ECT(0) packet (inner becomes CE) and one with CE outside a not-ECT
    packet (dropped); a 1500-byte DF packet (too big with the 20-byte
    header) and a 1500-byte one without DF (encapsulated whole); an outer
    fragment to us (bad)."""
    eth = lambda: Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
    pkts = tcp_flow(IP(src="10.0.0.1", dst="10.1.0.5", tos=0x8a, flags="DF", ttl=50),
                    40100, 80, 4, T0, 0.002)
    for i in range(3):
        pkts.append((T0 + 0.0005 + i * 0.003,
                     eth() / IPv6(src="2001:db8::1", dst="2001:db8:1::5", tc=0xb8)
                     / UDP(sport=5000, dport=5001) / Raw(b"6" * 80)))
        pkts.append((T0 + 0.001 + i * 0.003,
                     eth() / IP(src="10.0.0.1", dst="10.9.0.9") / UDP(sport=53, dport=53)
                     / Raw(b"p" * 40)))
    outer = lambda tos: IP(src="198.51.100.1", dst="192.0.2.1", tos=tos, id=7)
    back = IP(src="10.1.0.5", dst="10.0.0.1", tos=0x8a, ttl=60)
    for i, (otos, itos) in enumerate([(0x02, 0x02), (0x03, 0x02), (0x03, 0x00), (0x00, 0x00)]):
        inner = back.copy()
        inner.tos = 0x88 | itos
        pkts.append((T0 + 0.02 + i * 0.001, eth() / outer(otos) / inner
                     / TCP(sport=80, dport=40100, flags="A", seq=1, ack=1000 + i)))
    big = lambda df: eth() / IP(src="10.0.0.1", dst="10.1.0.6", flags="DF" if df else 0) \
        / UDP(sport=7, dport=7) / Raw(b"B" * (1500 - 28))
    pkts.append((T0 + 0.03, big(True)))
    pkts.append((T0 + 0.031, big(False)))
    frag = eth() / IP(src="198.51.100.1", dst="192.0.2.1", proto=4, flags="MF", id=9) \
        / Raw(bytes(IP(src="10.1.0.5", dst="10.0.0.1") / UDP() / Raw(b"f" * 40))[:32])
    pkts.append((T0 + 0.032, frag))
    return finish(pkts)


def finish(pkts):
    pkts.sort(key=lambda tp: tp[0])
    out = []
    for t, p in pkts:
        p = p.__class__(bytes(p))  # fix lengths and checksums
        p.time = round(t, 6)
        out.append(p)
    return out


def main():
    base = sys.argv[1] if len(sys.argv) > 1 else "tests/golden"
    wrpcap(base + "/sizeaware/in.pcap", sizeaware_trace())
    wrpcap(base + "/flow-tunnel-keys/in.pcap", tunnel_keys_trace())
    wrpcap(base + "/pias/in.pcap", pias_trace())
    wrpcap(base + "/ipip/in.pcap", ipip_trace())


if __name__ == "__main__":
    main()
