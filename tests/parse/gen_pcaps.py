#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Write one small capture file per case of the itm packet parser.

usage: /usr/bin/python3 gen_pcaps.py OUTDIR

Every file holds a few packets of one case (plain IPv4/IPv6, options,
extension headers, fragments, VLAN tags, tunnels, DSCP/ECN, non-IP,
truncated and malformed headers, other link types and file formats).
The output is byte-identical from run to run: addresses, ports, IDs and
sequence numbers are fixed, timestamps are fixed, and the capture files
are written here with struct rather than by a library whose defaults
(timestamps of "now", pcapng options naming the writer) could change.

Truncation is real: a record's captured length is smaller than its
original length, as a capture with a snap length would write it.
"""
import os
import socket
import struct
import sys

from scapy.all import (ARP, GRE, ICMP, IP, SCTP, TCP, UDP, Ether, ICMPv6EchoReply,
                       ICMPv6EchoRequest, IPOption_Router_Alert, IPOption_RR, IPv6,
                       IPv6ExtHdrDestOpt, IPv6ExtHdrFragment, IPv6ExtHdrHopByHop,
                       IPv6ExtHdrRouting, IPv6ExtHdrSegmentRouting, Jumbo, Raw,
                       SCTPChunkData, conf)
from scapy.layers.l2 import Dot1AD, Dot1Q
from scapy.utils import checksum

conf.verb = 0

LINKTYPE_NULL = 0
LINKTYPE_ETHERNET = 1
LINKTYPE_LOOP = 108
LINKTYPE_RAW = 101
LINKTYPE_LINUX_SLL = 113
LINKTYPE_IPV4 = 228
LINKTYPE_IPV6 = 229
LINKTYPE_LINUX_SLL2 = 276

# Fixed capture time of the first packet of every file (2023-11-14 22:13:20 UTC).
BASE_SEC = 1700000000

# Hosts. IPv4 and IPv6 documentation ranges; the tunnel endpoints differ from
# the inner hosts so a mix-up between outer and inner header shows.
A4, B4 = '192.0.2.1', '198.51.100.2'
TA4, TB4 = '203.0.113.10', '203.0.113.20'          # tunnel endpoints
A6, B6 = '2001:db8::1', '2001:db8:1::2'
TA6, TB6 = '2001:db8:ffff::a', '2001:db8:ffff::14'  # tunnel endpoints
MAC_A, MAC_B = '02:00:00:00:00:01', '02:00:00:00:00:02'

PAYLOAD = bytes(range(64)) * 4          # 256 deterministic payload bytes
E = 14                                  # Ethernet header length


class Rec:
    """One capture record: the packet as sent and how much was captured."""

    def __init__(self, data, caplen=None):
        self.wire = bytes(data)
        self.caplen = len(self.wire) if caplen is None else caplen
        assert 0 <= self.caplen <= len(self.wire)

    @property
    def captured(self):
        return self.wire[:self.caplen]


def ether():
    return Ether(src=MAC_A, dst=MAC_B)


def eth(l3):
    """Ethernet frame around an L3 packet (scapy sets the type from l3)."""
    return ether() / l3


def eth_raw(ethertype, payload):
    """Ethernet frame with an arbitrary type and payload bytes."""
    return bytes(Ether(src=MAC_A, dst=MAC_B, type=ethertype)) + bytes(payload)


def cut(pkt, caplen):
    """Record of pkt as captured with only caplen bytes."""
    return Rec(bytes(pkt), caplen)


def l4_bytes(ip_pkt):
    """Upper-layer bytes (with their checksum computed) of an IP packet."""
    raw = bytes(ip_pkt)
    if raw[0] >> 4 == 4:
        return raw[(raw[0] & 15) * 4:]
    return raw[40:]                     # only used on IPv6 without ext headers


def set_ipv4_field(frame, off, fmt, value):
    """Overwrite bytes at frame[off:] (inside the IPv4 header of an Ethernet
    frame) and recompute the header checksum, so that only the intended
    field is odd."""
    b = bytearray(bytes(frame))
    struct.pack_into(fmt, b, off, value)
    ihl = max((b[E] & 15) * 4, 20)
    struct.pack_into('!H', b, E + 10, 0)
    struct.pack_into('!H', b, E + 10, checksum(bytes(b[E:E + ihl])))
    return bytes(b)


def pseudo_header(proto, src, dst, length, v6=False):
    """IPv4/IPv6 pseudo-header of the L4 checksums."""
    fam = socket.AF_INET6 if v6 else socket.AF_INET
    s, d = socket.inet_pton(fam, src), socket.inet_pton(fam, dst)
    if v6:
        return s + d + struct.pack('!IxxxB', length, proto)
    return s + d + struct.pack('!xBH', proto, length)


def dccp(src, dst, sport, dport, v6=False, short_seq=False):
    """DCCP-Data packet: 48-bit sequence number (16-byte header) or, with
    short_seq, 24-bit (X=0, the 12-byte generic header)."""
    data = b'dccp-data'
    if short_seq:
        hdr = bytearray(struct.pack('!HHBBHB', sport, dport, 3, 0, 0, 2 << 1))
        hdr += (1000).to_bytes(3, 'big')
    else:
        hdr = bytearray(struct.pack('!HHBBHBB', sport, dport, 4, 0, 0, (2 << 1) | 1, 0))
        hdr += (1000).to_bytes(6, 'big')
    seg = bytes(hdr) + data
    struct.pack_into('!H', hdr, 6, checksum(pseudo_header(33, src, dst, len(seg), v6) + seg))
    return bytes(hdr) + data


def udplite(src, dst, sport, dport, v6=False):
    """UDP-Lite datagram with checksum coverage 8 (the header only).

    The pseudo-header still carries the full length (RFC 3828 3.1)."""
    data = b'udplite'
    hdr = bytearray(struct.pack('!HHHH', sport, dport, 8, 0))
    pseudo = pseudo_header(136, src, dst, len(hdr) + len(data), v6)
    struct.pack_into('!H', hdr, 6, checksum(pseudo + bytes(hdr)) or 0xffff)
    return bytes(hdr) + data


def ah(nh):
    """IPsec AH header with a 12-byte ICV (24 bytes)."""
    return struct.pack('!BBHII', nh, 4, 0, 0x1000, 1) + bytes(range(12))


def tcp(sport=40000, dport=80, **kw):
    kw.setdefault('seq', 1000)
    kw.setdefault('flags', 'S')
    kw.setdefault('window', 65535)
    return TCP(sport=sport, dport=dport, **kw)


def ip4(src=A4, dst=B4, **kw):
    kw.setdefault('id', 0x1234)
    kw.setdefault('ttl', 64)
    return IP(src=src, dst=dst, **kw)


def ip6(src=A6, dst=B6, **kw):
    kw.setdefault('hlim', 64)
    return IPv6(src=src, dst=dst, **kw)


def ip4_fragments(src, dst, proto, l4, sizes, ident=0x4242, tos=0):
    """IPv4 fragments of the datagram whose upper-layer bytes are l4.

    sizes are the payload sizes of every fragment but the last (multiples
    of 8); the last fragment takes the rest."""
    frags, off = [], 0
    for size in sizes + [len(l4)]:
        chunk = l4[off:off + size]
        last = off + len(chunk) >= len(l4)
        frags.append(ip4(src, dst, id=ident, proto=proto, tos=tos,
                         flags=0 if last else 'MF', frag=off // 8) / Raw(chunk))
        off += len(chunk)
        if last:
            break
    return frags


def ip6_fragments(src, dst, nh, l4, sizes, ident=0x5151, tc=0):
    """IPv6 fragments (fragment header right after the fixed header)."""
    frags, off = [], 0
    for size in sizes + [len(l4)]:
        chunk = l4[off:off + size]
        last = off + len(chunk) >= len(l4)
        frags.append(ip6(src, dst, tc=tc) /
                     IPv6ExtHdrFragment(nh=nh, offset=off // 8, m=0 if last else 1, id=ident) /
                     Raw(chunk))
        off += len(chunk)
        if last:
            break
    return frags


# --------------------------------------------------------------------------
# Cases. Each returns a list of packets (scapy packets, bytes or Rec).
# The @case decorator registers a function under its file name (with the
# link type and file format), so the functions themselves are all "_".

CASES = {}


def case(name, linktype=LINKTYPE_ETHERNET, fmt='pcap'):
    def register(fn):
        assert name not in CASES, name
        CASES[name] = (fn, linktype, fmt)
        return fn
    return register


# ---- plain IPv4 / IPv6

@case('ipv4-tcp')
def _():
    return [eth(ip4() / tcp()),
            eth(ip4(B4, A4) / tcp(80, 40000, flags='SA', ack=1001)),
            eth(ip4() / tcp(flags='PA', seq=1001, ack=1) / Raw(PAYLOAD[:100])),
            eth(ip4() / tcp(40001, 443, options=[('MSS', 1460), ('SAckOK', b''), ('WScale', 7),
                                                  ('NOP', None)]))]


@case('ipv4-udp')
def _():
    return [eth(ip4() / UDP(sport=5353, dport=53) / Raw(b'query')),
            eth(ip4(B4, A4) / UDP(sport=53, dport=5353) / Raw(b'answer')),
            eth(ip4() / UDP(sport=0, dport=0))]


@case('ipv4-icmp')
def _():
    return [eth(ip4() / ICMP(type=8, id=7, seq=1) / Raw(PAYLOAD[:56])),
            eth(ip4(B4, A4) / ICMP(type=0, id=7, seq=1) / Raw(PAYLOAD[:56])),
            eth(ip4() / ICMP(type=3, code=3) / ip4(B4, A4) / UDP(sport=53, dport=5353))]


@case('ipv4-sctp-dccp-udplite')
def _():
    return [eth(ip4() / SCTP(sport=2905, dport=2906, tag=1) / SCTPChunkData(data=b'x' * 8)),
            eth(ip4(proto=33) / Raw(dccp(A4, B4, 5001, 5002))),
            eth(ip4(proto=33) / Raw(dccp(A4, B4, 5003, 5004, short_seq=True))),
            eth(ip4(proto=136) / Raw(udplite(A4, B4, 6001, 6002)))]


@case('ipv4-other-protos')
def _():
    # IGMP, OSPF, an unassigned number, AH and ESP: no ports, proto-src 0.
    # IPv4 reports the protocol field as is; AH is not walked over (only
    # IPv6 walks extension headers), so proto stays 51.
    return [eth(ip4(proto=2, dst='224.0.0.1', ttl=1) / Raw(b'\x11\x64\xee\x9b\x00\x00\x00\x00')),
            eth(ip4(proto=89) / Raw(PAYLOAD[:40])),
            eth(ip4(proto=253) / Raw(PAYLOAD[:20])),
            eth(ip4(proto=51) / Raw(ah(6) + l4_bytes(ip4() / tcp()))),
            eth(ip4(proto=50) / Raw(struct.pack('!II', 0x2000, 1) + PAYLOAD[:32]))]


@case('ipv4-options')
def _():
    ra = [IPOption_Router_Alert()]                        # IHL 6
    rr = [IPOption_RR(routers=['192.0.2.%d' % i for i in range(1, 10)])]  # IHL 15
    return [eth(ip4(options=ra) / UDP(sport=1000, dport=2000) / Raw(b'ra')),
            eth(ip4(options=rr) / tcp(40001, 443)),
            eth(ip4(options=rr, proto=1) / ICMP(id=1, seq=1))]


@case('ipv4-no-l4')
def _():
    # Bare IPv4 headers, nothing after them: ports unknown for protocols
    # with ports, 0 for the others, no tunnel for 4 and 47.
    return [eth(ip4(proto=p)) for p in (6, 17, 132, 1, 4, 47)]


@case('ipv4-padding')
def _():
    # Short IPv4 packets padded to the 60-byte Ethernet minimum. The padding
    # is not part of the IP packet; the third one's total length stops inside
    # the UDP header even though padding bytes follow (ports unknown).
    p1 = bytes(eth(ip4() / UDP(sport=7, dport=7))) + b'\xaa' * 18
    p2 = bytes(eth(ip4() / tcp(flags='A'))) + b'\x00' * 6
    udp = bytes(eth(ip4() / UDP(sport=7, dport=7) / Raw(b'abcd'))) + b'\x00' * 14
    bad = set_ipv4_field(udp, E + 2, '!H', 20 + 4)     # total length: 4 bytes of UDP
    return [p1, p2, bad]


@case('ipv6-tcp')
def _():
    return [eth(ip6() / tcp()),
            eth(ip6(B6, A6) / tcp(80, 40000, flags='SA', ack=1001)),
            eth(ip6() / tcp(flags='PA', seq=1001, ack=1) / Raw(PAYLOAD[:200]))]


@case('ipv6-udp')
def _():
    return [eth(ip6() / UDP(sport=5353, dport=53) / Raw(b'query')),
            eth(ip6(B6, A6) / UDP(sport=53, dport=5353) / Raw(b'answer'))]


@case('ipv6-icmpv6')
def _():
    return [eth(ip6() / ICMPv6EchoRequest(id=9, seq=1, data=PAYLOAD[:32])),
            eth(ip6(B6, A6) / ICMPv6EchoReply(id=9, seq=1, data=PAYLOAD[:32]))]


@case('ipv6-sctp-dccp-udplite')
def _():
    return [eth(ip6() / SCTP(sport=2905, dport=2906, tag=1) / SCTPChunkData(data=b'x' * 8)),
            eth(ip6(nh=33) / Raw(dccp(A6, B6, 5001, 5002, v6=True))),
            eth(ip6(nh=136) / Raw(udplite(A6, B6, 6001, 6002, v6=True)))]


@case('ipv6-addr-forms')
def _():
    # Text forms: longest zero run compressed (first one on a tie), a single
    # zero group kept, IPv4-mapped and loopback/unspecified forms.
    pairs = [('2001:db8:0:0:1:0:0:1', '2001:db8:0:1:0:0:0:1'),
             ('2001:db8:0:1:1:1:1:1', '2001:db8::'),
             ('::ffff:192.0.2.1', '::1'),
             ('fe80::200:ff:fe00:1', 'ff02::1:ff00:2'),
             ('::', '2001:DB8:AAAA:BBBB:CCCC:DDDD:EEEE:FFFF'),
             # IPv4-compatible and IPv4-translated: glibc's inet_ntop
             # prints the first with a dotted quad, the second in hex.
             ('::c000:201', '::ffff:0:c000:201')]
    return [eth(ip6(s, d) / UDP(sport=1, dport=2)) for s, d in pairs]


@case('ipv6-padding')
def _():
    # Payload length 8 (bare UDP) in a frame padded past the IPv6 packet.
    return [bytes(eth(ip6() / UDP(sport=7, dport=7))) + b'\xbb' * 12]


# ---- IPv6 extension headers

@case('ipv6-ext-hbh')
def _():
    return [eth(ip6() / IPv6ExtHdrHopByHop() / tcp()),
            eth(ip6() / IPv6ExtHdrHopByHop() / UDP(sport=1, dport=2))]


@case('ipv6-ext-routing')
def _():
    # Type 0 (deprecated source route), type 2 (mobile IPv6), type 4 (SRv6).
    rt0 = IPv6ExtHdrRouting(type=0, segleft=1, addresses=['2001:db8::99'])
    rt2 = IPv6ExtHdrRouting(type=2, segleft=1, addresses=['2001:db8::98'])
    srh = IPv6ExtHdrSegmentRouting(addresses=['2001:db8::97', '2001:db8::96'], segleft=1, lastentry=1)
    return [eth(ip6() / rt0 / tcp()),
            eth(ip6() / rt2 / UDP(sport=3, dport=4)),
            eth(ip6() / srh / UDP(sport=5, dport=6))]


@case('ipv6-ext-dstopts')
def _():
    return [eth(ip6() / IPv6ExtHdrDestOpt() / tcp(40002, 22))]


@case('ipv6-ext-chain')
def _():
    return [eth(ip6() / IPv6ExtHdrHopByHop() / IPv6ExtHdrDestOpt() /
                IPv6ExtHdrRouting(type=0, segleft=1, addresses=['2001:db8::99']) / tcp(40003, 443)),
            eth(ip6() / IPv6ExtHdrHopByHop() / IPv6ExtHdrDestOpt() /
                IPv6ExtHdrRouting(type=0, segleft=1, addresses=['2001:db8::99']) /
                IPv6ExtHdrDestOpt() / UDP(sport=7, dport=8))]


@case('ipv6-ext-ah')
def _():
    # AH is walked over like an extension header: proto is what follows it.
    return [eth(ip6(nh=51) / Raw(ah(6) + l4_bytes(ip6() / tcp(40004, 80)))),
            eth(ip6() / IPv6ExtHdrHopByHop(nh=51) /
                Raw(ah(17) + l4_bytes(ip6() / UDP(sport=9, dport=10)))),
            eth(ip6(nh=51) / Raw(ah(60) + bytes(IPv6ExtHdrDestOpt(nh=6)) +
                                 l4_bytes(ip6() / tcp(40005, 80))))]


@case('ipv6-ext-long-chain')
def _():
    # 15 extension headers (HBH, then 14 destination options) before UDP.
    pkt = ip6() / IPv6ExtHdrHopByHop()
    for _ in range(14):
        pkt = pkt / IPv6ExtHdrDestOpt()
    return [eth(pkt / UDP(sport=15, dport=15))]


@case('ipv6-ext-nonext')
def _():
    # Next header 59 (no next header) after a destination options header.
    return [eth(ip6() / IPv6ExtHdrDestOpt(nh=59))]


@case('ipv6-jumbo')
def _():
    # Payload length 0: the packet runs to the captured end. A real
    # jumbogram (RFC 2675: Jumbo Payload option, UDP length 0) of 70000
    # bytes captured with a small snap length, and a packet with payload
    # length 0 and no hop-by-hop header, as captured on Linux from a
    # segmentation offload that has not filled the field in.
    jlen = 70000
    jumbo = bytearray(bytes(eth(ip6() / IPv6ExtHdrHopByHop(options=[Jumbo(jumboplen=jlen)]) /
                                UDP(sport=11, dport=12, len=0, chksum=0) / Raw(b'jumb'))))
    struct.pack_into('!H', jumbo, E + 4, 0)
    gso = bytearray(bytes(eth(ip6() / tcp(40005, 443, flags='A') / Raw(PAYLOAD[:64]))))
    struct.pack_into('!H', gso, E + 4, 0)
    return [Rec(bytes(jumbo) + bytes(E + 40 + jlen - len(jumbo)), len(jumbo)), bytes(gso)]


# ---- fragments

def _tcp_datagram():
    return l4_bytes(ip4() / tcp(40010, 80, flags='PA') / Raw(PAYLOAD[:120]))


def _udp_datagram():
    return l4_bytes(ip4() / UDP(sport=40011, dport=53) / Raw(PAYLOAD[:120]))


@case('ipv4-frag-tcp')
def _():
    # first (MF), middle (MF, offset > 0), last (offset > 0).
    return [eth(f) for f in ip4_fragments(A4, B4, 6, _tcp_datagram(), [48, 48])]


@case('ipv4-frag-udp')
def _():
    return [eth(f) for f in ip4_fragments(A4, B4, 17, _udp_datagram(), [64, 32], ident=0x4343)]


@case('ipv4-frag-tiny-first')
def _():
    # A first fragment carrying only 8 bytes of TCP: ports are 0 anyway.
    return [eth(f) for f in ip4_fragments(A4, B4, 6, _tcp_datagram(), [8], ident=0x4444)]


@case('ipv6-frag')
def _():
    tcp6 = l4_bytes(ip6() / tcp(40012, 80, flags='PA') / Raw(PAYLOAD[:120]))
    udp6 = l4_bytes(ip6() / UDP(sport=40013, dport=53) / Raw(PAYLOAD[:100]))
    return ([eth(f) for f in ip6_fragments(A6, B6, 6, tcp6, [64])] +
            [eth(f) for f in ip6_fragments(A6, B6, 17, udp6, [56, 32], ident=0x5252)])


@case('ipv6-frag-atomic')
def _():
    # Fragment header with offset 0 and M=0 (RFC 6946): still a fragment.
    return [eth(ip6() / IPv6ExtHdrFragment(nh=17, id=0x5353) / UDP(sport=13, dport=14) / Raw(b'atomic'))]


@case('ipv6-frag-after-hbh')
def _():
    udp6 = l4_bytes(ip6() / UDP(sport=40014, dport=53) / Raw(PAYLOAD[:80]))
    hbh = IPv6ExtHdrHopByHop()
    return [eth(ip6() / hbh / IPv6ExtHdrFragment(nh=17, m=1, id=0x5454) / Raw(udp6[:48])),
            eth(ip6() / hbh / IPv6ExtHdrFragment(nh=17, offset=6, id=0x5454) / Raw(udp6[48:]))]


@case('ipv6-frag-ext-after-frag')
def _():
    # Destination options after the fragment header (in the fragmentable
    # part). The first fragment is walked through to UDP; a later
    # fragment's bytes are not headers, its protocol is the fragment
    # header's next header (60).
    dst_udp = bytes(IPv6ExtHdrDestOpt(nh=17)) + l4_bytes(ip6() / UDP(sport=40015, dport=53) /
                                                         Raw(PAYLOAD[:72]))
    return [eth(ip6() / IPv6ExtHdrFragment(nh=60, m=1, id=0x5555) / Raw(dst_udp[:48])),
            eth(ip6() / IPv6ExtHdrFragment(nh=60, offset=6, id=0x5555) / Raw(dst_udp[48:]))]


# ---- VLAN tags

@case('vlan-8021q')
def _():
    return [ether() / Dot1Q(vlan=100, prio=5) / ip4() / tcp(),
            ether() / Dot1Q(vlan=100) / ip6() / UDP(sport=1, dport=2),
            ether() / Dot1Q(vlan=100) / ARP(psrc=A4, pdst=B4)]


@case('vlan-qinq-88a8')
def _():
    return [ether() / Dot1AD(vlan=10) / Dot1Q(vlan=20) / ip4() / tcp(40020, 443),
            ether() / Dot1AD(vlan=10) / Dot1Q(vlan=20) / ip6() / tcp(40021, 443),
            # the other order, which the rules accept as well
            ether() / Dot1Q(vlan=20) / Dot1AD(vlan=10) / ip4() / UDP(sport=3, dport=4),
            ether() / Dot1AD(vlan=10) / Dot1AD(vlan=11) / ip4() / UDP(sport=5, dport=6)]


@case('vlan-double-8100')
def _():
    return [ether() / Dot1Q(vlan=30) / Dot1Q(vlan=40) / ip4() / UDP(sport=5, dport=6),
            ether() / Dot1Q(vlan=30) / Dot1Q(vlan=40) / ip6() / ICMPv6EchoRequest()]


@case('vlan-triple')
def _():
    # A third tag is more than the parser walks: no IP found, all null.
    return [ether() / Dot1AD(vlan=1) / Dot1Q(vlan=2) / Dot1Q(vlan=3) / ip4() / UDP()]


# ---- tunnels

@case('tunnel-ipip')
def _():
    return [eth(ip4(TA4, TB4) / ip4() / tcp(40030, 80)),
            eth(ip4(TA4, TB4) / ip4() / UDP(sport=40031, dport=53)),
            eth(ip4(TA4, TB4) / ip4() / ICMP(id=3, seq=3))]


@case('tunnel-6in4')
def _():
    return [eth(ip4(TA4, TB4) / ip6() / tcp(40032, 80)),
            eth(ip4(TA4, TB4) / ip6() / IPv6ExtHdrHopByHop() / UDP(sport=40033, dport=53))]


@case('tunnel-4in6')
def _():
    return [eth(ip6(TA6, TB6) / ip4() / tcp(40034, 80)),
            eth(ip6(TA6, TB6) / IPv6ExtHdrDestOpt() / ip4() / UDP(sport=40035, dport=53))]


@case('tunnel-6in6')
def _():
    return [eth(ip6(TA6, TB6) / ip6() / tcp(40036, 80)),
            eth(ip6(TA6, TB6) / ip6() / ICMPv6EchoRequest())]


@case('tunnel-gre-ipv4')
def _():
    inner = ip4() / tcp(40040, 80)
    return [eth(ip4(TA4, TB4) / GRE(proto=0x0800) / inner),
            eth(ip4(TA4, TB4) / GRE(proto=0x0800, key_present=1, key=0x01020304) / inner),
            eth(ip4(TA4, TB4) / GRE(proto=0x0800, chksum_present=1) / inner),
            eth(ip4(TA4, TB4) / GRE(proto=0x0800, seqnum_present=1, sequence_number=77) / inner),
            eth(ip4(TA4, TB4) / GRE(proto=0x0800, chksum_present=1, key_present=1, key=5,
                                     seqnum_present=1, sequence_number=78) /
                ip4() / UDP(sport=40041, dport=53))]


@case('tunnel-gre-ipv6')
def _():
    inner = ip6() / UDP(sport=40042, dport=53)
    return [eth(ip4(TA4, TB4) / GRE(proto=0x86dd) / inner),
            eth(ip4(TA4, TB4) / GRE(proto=0x86dd, key_present=1, key=9) / inner),
            eth(ip6(TA6, TB6) / GRE(proto=0x86dd, chksum_present=1, seqnum_present=1,
                                     sequence_number=1) / ip6() / tcp(40043, 80)),
            eth(ip6(TA6, TB6) / GRE(proto=0x0800) / ip4() / tcp(40044, 80))]


@case('tunnel-gre-other-payload')
def _():
    # Transparent Ethernet bridging and MPLS in GRE: no tunnel keys.
    return [eth(ip4(TA4, TB4) / GRE(proto=0x6558) / ether() / ip4() / UDP()),
            eth(ip4(TA4, TB4) / GRE(proto=0x8847) / Raw(b'\x00\x01\x01\x40') / ip4() / UDP())]


@case('tunnel-nested')
def _():
    # Only one level is parsed: the inner header's protocol is 4, 0 ports.
    return [eth(ip4(TA4, TB4) / ip4('192.0.2.50', '192.0.2.60') / ip4() / tcp()),
            eth(ip4(TA4, TB4) / GRE(proto=0x0800) / ip4('192.0.2.50', '192.0.2.60') /
                GRE(proto=0x0800) / ip4() / tcp())]


@case('tunnel-outer-len')
def _():
    # The outer header's length bounds the inner packet even though more
    # bytes follow in the frame: cut inside the inner TCP header, and
    # inside the inner IPv4 header.
    return [set_ipv4_field(eth(ip4(TA4, TB4) / ip4() / tcp(40045, 80)), E + 2, '!H', 20 + 20 + 12),
            set_ipv4_field(eth(ip4(TA4, TB4) / GRE(proto=0x0800) / ip4() / tcp(40046, 80)),
                           E + 2, '!H', 20 + 4 + 16)]


@case('tunnel-outer-frag')
def _():
    # Fragmented outer headers: no tunnel is entered, proto 4/41/47, ports 0.
    inner = l4_bytes(ip4(TA4, TB4) / ip4() / tcp(40050, 80) / Raw(PAYLOAD[:64]))
    gre = l4_bytes(ip4(TA4, TB4) / GRE(proto=0x0800) / ip4() / UDP(sport=40051, dport=53) /
                   Raw(PAYLOAD[:64]))
    six = l4_bytes(ip6(TA6, TB6) / ip6() / tcp(40052, 80) / Raw(PAYLOAD[:64]))
    return ([eth(f) for f in ip4_fragments(TA4, TB4, 4, inner, [48], ident=0x6001)] +
            [eth(f) for f in ip4_fragments(TA4, TB4, 47, gre, [48], ident=0x6002)] +
            [eth(f) for f in ip6_fragments(TA6, TB6, 41, six, [64], ident=0x6003)])


@case('tunnel-inner-frag')
def _():
    # The inner packet is a fragment: tunnel ports 0, first fragment too.
    tcp4 = _tcp_datagram()
    udp6 = l4_bytes(ip6() / UDP(sport=40053, dport=53) / Raw(PAYLOAD[:80]))
    return ([eth(ip4(TA4, TB4) / f) for f in ip4_fragments(A4, B4, 6, tcp4, [48], ident=0x7001)] +
            [eth(ip4(TA4, TB4) / GRE(proto=0x86dd) / f)
             for f in ip6_fragments(A6, B6, 17, udp6, [48], ident=0x7002)])


# ---- DSCP / ECN

@case('dscp-ecn')
def _():
    return [eth(ip4(tos=0xb8) / UDP(sport=16384, dport=16385)),      # EF
            eth(ip4(tos=0x02) / tcp()),                               # ECT(0)
            eth(ip4(tos=0x03) / tcp()),                               # CE
            eth(ip4(tos=0x29) / ICMP()),                              # AF11 + ECT(1)
            eth(ip4(tos=0xff) / UDP()),
            eth(ip6(tc=(0x2e << 2) | 1) / UDP(sport=16384, dport=16385)),
            eth(ip6(tc=0x03) / tcp()),
            eth(ip6(tc=0xc0) / ICMPv6EchoRequest()),
            # The outer header's classes are reported, not the inner one's.
            eth(ip4(TA4, TB4, tos=0x88) / ip4(tos=0xb8) / UDP()),
            eth(ip6(TA6, TB6, tc=0x28) / ip6(tc=0xb9) / UDP())]


# ---- non-IP

@case('non-ip')
def _():
    return [Ether(src=MAC_A, dst='ff:ff:ff:ff:ff:ff') / ARP(psrc=A4, pdst=B4),
            ether() / ARP(op=2, psrc=B4, pdst=A4),
            eth_raw(0x88cc, b'\x02\x07\x04' + b'\x02' * 6 + b'\x00\x00'),   # LLDP
            # IEEE 802.3 length field with LLC/SNAP, not an ethertype
            eth_raw(0x0026, b'\x42\x42\x03' + b'\x00' * 35),
            # MPLS carrying IPv4: not walked, all null
            eth_raw(0x8847, b'\x00\x01\x01\x40' + bytes(ip4() / UDP()))]


# ---- truncated captures (caplen < original length)


@case('trunc-eth')
def _():
    return [cut(eth(ip4() / tcp()), 10), cut(eth(ip4() / tcp()), 13)]


@case('trunc-vlan')
def _():
    p = ether() / Dot1Q(vlan=5) / ip4() / tcp()
    q = ether() / Dot1AD(vlan=5) / Dot1Q(vlan=6) / ip4() / tcp()
    return [cut(p, E + 2), cut(q, E + 4 + 3)]


@case('trunc-ipv4-hdr')
def _():
    p = eth(ip4() / tcp())
    return [cut(p, E + 1), cut(p, E + 12), cut(p, E + 19)]


@case('trunc-ipv4-options')
def _():
    rr = [IPOption_RR(routers=['192.0.2.%d' % i for i in range(1, 10)])]
    p = eth(ip4(options=rr) / tcp())
    return [cut(p, E + 22), cut(p, E + 59)]


@case('trunc-tcp')
def _():
    p = eth(ip4() / tcp())
    opt = eth(ip4() / tcp(options=[('MSS', 1460), ('SAckOK', b''), ('WScale', 7), ('NOP', None)]))
    return [cut(p, E + 20 + 10), cut(p, E + 20 + 19), cut(p, E + 20 + 2),
            cut(opt, E + 20 + 24)]        # data offset 8, only 24 bytes captured


@case('trunc-udp')
def _():
    p = eth(ip4() / UDP(sport=1, dport=2) / Raw(b'data'))
    q = eth(ip6() / UDP(sport=1, dport=2) / Raw(b'data'))
    return [cut(p, E + 20 + 5), cut(q, E + 40 + 7)]


@case('trunc-l4-other')
def _():
    # SCTP, DCCP, UDP-Lite cut below the bytes the parser asks for.
    return [cut(eth(ip4() / SCTP(sport=1, dport=2) / SCTPChunkData(data=b'x')), E + 20 + 10),
            cut(eth(ip4(proto=33) / Raw(dccp(A4, B4, 5001, 5002))), E + 20 + 8),
            cut(eth(ip4(proto=136) / Raw(udplite(A4, B4, 6001, 6002))), E + 20 + 6)]


@case('trunc-exact')
def _():
    # Captures that end exactly where the parser's need ends (ports found)
    # and one byte before (ports unknown).
    sctp = eth(ip4() / SCTP(sport=1, dport=2) / SCTPChunkData(data=b'x'))
    dccp4 = eth(ip4(proto=33) / Raw(dccp(A4, B4, 5001, 5002)))
    ulite = eth(ip4(proto=136) / Raw(udplite(A4, B4, 6001, 6002)))
    return [cut(eth(ip4() / tcp(flags='PA') / Raw(b'data')), E + 20 + 20),
            cut(eth(ip4() / UDP(sport=3, dport=4) / Raw(b'data')), E + 20 + 8),
            cut(sctp, E + 20 + 12), cut(sctp, E + 20 + 11),
            cut(dccp4, E + 20 + 12), cut(dccp4, E + 20 + 11),
            cut(ulite, E + 20 + 8), cut(ulite, E + 20 + 7),
            cut(eth(ip4() / ICMP()), E + 20),                 # no ICMP bytes: ports 0
            cut(eth(ip6() / ICMPv6EchoRequest()), E + 40),
            cut(eth(ip6() / tcp()), E + 40),                  # no TCP bytes: unknown
            cut(eth(ip4(options=[IPOption_Router_Alert()]) / UDP()), E + 24)]


@case('trunc-ipv6-hdr')
def _():
    p = eth(ip6() / tcp())
    return [cut(p, E + 30), cut(p, E + 39), cut(p, E + 3)]


@case('trunc-ipv6-ext')
def _():
    p = eth(ip6() / IPv6ExtHdrHopByHop() / tcp())
    r = eth(ip6() / IPv6ExtHdrRouting(type=0, segleft=1, addresses=['2001:db8::99']) / UDP())
    f = eth(ip6() / IPv6ExtHdrFragment(nh=17, m=1, id=1) / Raw(PAYLOAD[:16]))
    return [cut(p, E + 40 + 4), cut(p, E + 40 + 1), cut(r, E + 40 + 20), cut(f, E + 40 + 6)]


@case('trunc-tunnel-inner')
def _():
    return [cut(eth(ip4(TA4, TB4) / ip4() / tcp()), E + 20 + 10),         # inside inner IPv4
            cut(eth(ip4(TA4, TB4) / ip6() / tcp()), E + 20 + 30),         # inside inner IPv6
            cut(eth(ip4(TA4, TB4) / ip4() / tcp()), E + 20 + 20 + 10),    # inside inner TCP
            cut(eth(ip6(TA6, TB6) / ip6() / IPv6ExtHdrHopByHop() / tcp()),
                E + 40 + 40 + 5)]                                         # inside inner ext hdr


@case('trunc-gre')
def _():
    p = eth(ip4(TA4, TB4) / GRE(proto=0x0800) / ip4() / tcp())
    k = eth(ip4(TA4, TB4) / GRE(proto=0x0800, key_present=1, seqnum_present=1, key=1) / ip4() / tcp())
    return [cut(p, E + 20 + 2),             # inside the GRE base header
            cut(k, E + 20 + 4 + 6),         # inside the optional fields
            cut(p, E + 20 + 4 + 8)]         # GRE complete, inside the inner IPv4


# ---- malformed headers (fully captured)

@case('malformed-ipv4-ihl3')
def _():
    p = bytearray(bytes(eth(ip4() / tcp())))
    p[E] = 0x43
    return [bytes(p)]


@case('malformed-ipv4-totlen')
def _():
    ra = eth(ip4(options=[IPOption_Router_Alert()]) / UDP())
    return [set_ipv4_field(eth(ip4() / tcp()), E + 2, '!H', 16),  # less than the 20-byte header
            set_ipv4_field(ra, E + 2, '!H', 20),                  # fixed part only, IHL is 6
            set_ipv4_field(eth(ip4() / tcp()), E + 2, '!H', 0)]   # 0, as IPv4 BIG TCP shows it


@case('malformed-ipv4-version')
def _():
    # Ethertype IPv4 but the version field says 6, and the other way round.
    p = bytearray(bytes(eth(ip4() / tcp())))
    p[E] = 0x65
    q = bytearray(bytes(eth(ip6() / tcp())))
    q[E] = (q[E] & 0x0f) | 0x40
    return [bytes(p), bytes(q)]


@case('malformed-ipv6-plen')
def _():
    big = bytearray(bytes(eth(ip6() / UDP(sport=21, dport=22) / Raw(b'abcd'))))
    struct.pack_into('!H', big, E + 4, 1000)      # runs past the frame: bounded by caplen
    small = bytearray(bytes(eth(ip6() / tcp(40060, 80))))
    struct.pack_into('!H', small, E + 4, 12)      # ends inside the TCP header
    ext = bytearray(bytes(eth(ip6() / IPv6ExtHdrHopByHop() / UDP(sport=23, dport=24))))
    struct.pack_into('!H', ext, E + 4, 4)         # ends inside the hop-by-hop header
    return [bytes(big), bytes(small), bytes(ext)]


@case('malformed-tcp-doff')
def _():
    p = bytearray(bytes(eth(ip4() / tcp())))
    p[E + 20 + 12] = 0x40                         # data offset 4
    q = bytearray(bytes(eth(ip6() / tcp())))
    q[E + 40 + 12] = 0x00                         # data offset 0
    return [bytes(p), bytes(q)]


@case('malformed-ipv6-extlen')
def _():
    # Header extension lengths that run past the packet.
    p = bytearray(bytes(eth(ip6() / IPv6ExtHdrHopByHop() / tcp())))
    p[E + 40 + 1] = 255
    q = bytearray(bytes(eth(ip6() / IPv6ExtHdrHopByHop() / IPv6ExtHdrDestOpt() / UDP())))
    q[E + 40 + 8 + 1] = 3
    return [bytes(p), bytes(q)]


@case('malformed-gre')
def _():
    # GRE version 1 (PPTP enhanced GRE, even when it says IPv4) and GRE with
    # the routing bit: no tunnel is entered.
    pptp = struct.pack('!HHHHI', 0x3001, 0x880b, 4, 0x1234, 1) + b'\xff\x03\x00\x21'
    v1ip = struct.pack('!HHHH', 0x2001, 0x0800, 40, 0x1234) + bytes(ip4() / tcp())
    sre = struct.pack('!HBB', 0x0800, 0, 4) + bytes([192, 0, 2, 99]) + b'\x00' * 4
    routing = struct.pack('!HHHH', 0x4000, 0x0800, 0, 0) + sre + bytes(ip4() / tcp())
    # The routing bit with an IPv4 header right after the 4-byte base
    # header: a parser that skipped the routing bit would find a tunnel.
    bare_r = struct.pack('!HH', 0x4000, 0x0800) + bytes(ip4() / tcp())
    return [eth(ip4(TA4, TB4, proto=47) / Raw(pptp)),
            eth(ip4(TA4, TB4, proto=47) / Raw(v1ip)),
            eth(ip4(TA4, TB4, proto=47) / Raw(routing)),
            eth(ip4(TA4, TB4, proto=47) / Raw(bare_r))]


@case('malformed-tunnel-inner')
def _():
    # Protocol 4 announcing IPv4 but carrying IPv6, and 41 carrying IPv4.
    return [eth(ip4(TA4, TB4, proto=4) / ip6() / tcp()),
            eth(ip4(TA4, TB4, proto=41) / ip4() / tcp())]


# ---- other link types and file formats

MIXED = [lambda: ip4() / tcp(40070, 80),
         lambda: ip6() / UDP(sport=40071, dport=53),
         lambda: ip4(TA4, TB4) / GRE(proto=0x86dd) / ip6() / tcp(40072, 80),
         lambda: ip4(tos=0xb8) / ICMP()]


@case('linktype-raw', linktype=LINKTYPE_RAW)
def _():
    return [m() for m in MIXED] + [cut(ip4() / tcp(), 20 + 10)]


@case('linktype-ipv4', linktype=LINKTYPE_IPV4)
def _():
    return [ip4() / tcp(40073, 80), ip4(TA4, TB4) / ip4() / UDP(sport=40074, dport=53)]


@case('linktype-ipv6', linktype=LINKTYPE_IPV6)
def _():
    return [ip6() / tcp(40075, 80), ip6(TA6, TB6) / ip4() / UDP(sport=40076, dport=53)]


SLL_ADDR = bytes.fromhex('020000000001') + b'\0\0'      # link address, padded to 8


def sll(l3, proto):
    """Linux cooked header (16 bytes): outgoing, Ethernet, 6-byte address."""
    return struct.pack('!HHH8sH', 4, 1, 6, SLL_ADDR, proto) + bytes(l3)


def sll2(l3, proto):
    """Linux cooked v2 header (20 bytes): protocol first, ifindex 2."""
    return struct.pack('!HHIHBB8s', proto, 0, 2, 1, 4, 6, SLL_ADDR) + bytes(l3)


@case('linktype-sll', linktype=LINKTYPE_LINUX_SLL)
def _():
    return [sll(ip4() / tcp(40077, 80), 0x0800), sll(ip6() / UDP(sport=1, dport=2), 0x86dd),
            sll(ARP(psrc=A4, pdst=B4), 0x0806)]


@case('linktype-sll2', linktype=LINKTYPE_LINUX_SLL2)
def _():
    return [sll2(ip4() / tcp(40078, 80), 0x0800), sll2(ip6() / UDP(sport=1, dport=2), 0x86dd)]


def bsd_null(l3, family):
    """BSD loopback header: the address family, little-endian as written
    on x86 (AF_INET 2; AF_INET6 30 on macOS, 28 FreeBSD, 24 NetBSD/OpenBSD)."""
    return struct.pack('<I', family) + bytes(l3)


@case('linktype-null', linktype=LINKTYPE_NULL)
def _():
    return [bsd_null(ip4() / tcp(40079, 80), 2), bsd_null(ip6() / UDP(sport=1, dport=2), 30),
            bsd_null(ip6() / tcp(40080, 443), 28), cut(bsd_null(ip4() / tcp(), 2), 3)]


@case('linktype-loop', linktype=LINKTYPE_LOOP)
def _():
    return [struct.pack('!I', 2) + bytes(ip4(TA4, TB4) / ip4() / UDP(sport=40081, dport=53)),
            struct.pack('!I', 24) + bytes(ip6() / tcp(40082, 80))]


@case('format-pcapng', fmt='pcapng')
def _():
    return [eth(m()) for m in MIXED] + [cut(eth(ip6() / tcp()), E + 40 + 4)]


@case('format-pcap-nsec', fmt='pcap-nsec')
def _():
    return [eth(m()) for m in MIXED]


@case('format-pcap-bigendian', fmt='pcap-be')
def _():
    return [eth(m()) for m in MIXED]


# --------------------------------------------------------------------------
# Writers

def timestamps(n):
    """Fixed timestamps: 1 ms apart, with a sub-microsecond part for nsec."""
    return [(BASE_SEC + i // 1000, (i % 1000) * 1000000 + 123) for i in range(n)]


def write_pcap(path, linktype, recs, nsec=False, endian='<'):
    magic = 0xa1b23c4d if nsec else 0xa1b2c3d4
    with open(path, 'wb') as f:
        f.write(struct.pack(endian + 'IHHiIII', magic, 2, 4, 0, 0, 65535, linktype))
        for rec, (sec, ns) in zip(recs, timestamps(len(recs))):
            frac = ns if nsec else ns // 1000
            f.write(struct.pack(endian + 'IIII', sec, frac, rec.caplen, len(rec.wire)))
            f.write(rec.captured)


def pcapng_block(btype, body):
    body += b'\0' * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack('<II', btype, n) + body + struct.pack('<I', n)


def write_pcapng(path, linktype, recs):
    """Section header, one interface (ns resolution), enhanced packet blocks."""
    shb = struct.pack('<IHHq', 0x1a2b3c4d, 1, 0, -1)
    tsresol = struct.pack('<HHB3x', 9, 1, 9) + struct.pack('<HH', 0, 0)
    idb = struct.pack('<HHI', linktype, 0, 65535) + tsresol
    with open(path, 'wb') as f:
        f.write(pcapng_block(0x0a0d0d0a, shb))
        f.write(pcapng_block(1, idb))
        for rec, (sec, ns) in zip(recs, timestamps(len(recs))):
            t = sec * 1000000000 + ns
            epb = struct.pack('<IIIII', 0, t >> 32, t & 0xffffffff, rec.caplen, len(rec.wire))
            f.write(pcapng_block(6, epb + rec.captured))


def as_rec(p):
    return p if isinstance(p, Rec) else Rec(bytes(p))


def main(argv):
    if len(argv) != 2:
        sys.stderr.write('usage: gen_pcaps.py OUTDIR\n')
        return 2
    outdir = argv[1]
    os.makedirs(outdir, exist_ok=True)
    for name, (fn, linktype, fmt) in CASES.items():
        recs = [as_rec(p) for p in fn()]
        if fmt == 'pcapng':
            write_pcapng(os.path.join(outdir, name + '.pcapng'), linktype, recs)
        else:
            write_pcap(os.path.join(outdir, name + '.pcap'), linktype, recs,
                       nsec=(fmt == 'pcap-nsec'), endian='>' if fmt == 'pcap-be' else '<')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
