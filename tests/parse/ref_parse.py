#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Reference implementation of the itm parser rules, straight from the bytes.

usage: /usr/bin/python3 ref_parse.py CAPTURE...

Prints, like `itm parse --json`, one JSON object per packet with the 12
keys of the itm contract. It exists to cross-check the expectations that
compare_tshark.py derives from tshark (compare_tshark.py --ref): two
independent readings of the rules must agree before either is trusted
to judge the C parser. It reads pcap and pcapng itself (standard library
only) so that it shares no code with tshark, scapy or itm.

The rules, in short:
  - L2: Ethernet with up to two 802.1Q/802.1ad tags, RAW (101, 228, 229),
    Linux cooked SLL (113) and SLL2 (276). Anything but IPv4/IPv6: all null.
  - src/dst/proto/dscp/ecn from the outer IP header; IPv6 walks HBH,
    routing, destination options, fragment and AH to the upper protocol.
  - Ports for TCP/UDP/UDP-Lite/SCTP/DCCP; 0 for other protocols and for
    every fragment; null if the L4 header is not all there.
  - One level of tunnel (4, 41, GRE v0 without routing carrying IPv4/IPv6)
    from an unfragmented outer header: tunnel-* from the inner header.
  - A truncated or malformed header yields null from that header on.
"""
import json
import socket
import struct
import sys

KEYS = ['src', 'dst', 'proto', 'proto-src', 'proto-dst',
        'tunnel-src', 'tunnel-dst', 'tunnel-proto', 'tunnel-proto-src',
        'tunnel-proto-dst', 'dscp', 'ecn']

ETH_IPV4, ETH_IPV6 = 0x0800, 0x86dd
VLAN_TYPES = (0x8100, 0x88a8)
MAX_VLAN_TAGS = 2

IPV6_EXT = (0, 43, 60, 44, 51)          # HBH, routing, dest opts, fragment, AH
TUNNEL_PROTOS = (4, 41, 47)

# Bytes of L4 header needed before its ports are believed.
PORT_HDR_LEN = {6: 20, 17: 8, 136: 8, 132: 12, 33: 12}


# --------------------------------------------------------------------------
# Capture files

def read_capture(path):
    """Yield (linktype, captured bytes) of every record of a pcap/pcapng file."""
    with open(path, 'rb') as f:
        data = f.read()
    magic = data[:4]
    if magic == b'\x0a\x0d\x0d\x0a':
        yield from _read_pcapng(data)
    else:
        yield from _read_pcap(data)


def _read_pcap(data):
    magics = {b'\xd4\xc3\xb2\xa1': '<', b'\x4d\x3c\xb2\xa1': '<',
              b'\xa1\xb2\xc3\xd4': '>', b'\xa1\xb2\x3c\x4d': '>'}
    endian = magics.get(data[:4])
    if endian is None:
        raise ValueError('not a pcap or pcapng file')
    linktype = struct.unpack_from(endian + 'I', data, 20)[0] & 0x0fffffff
    off = 24
    while off + 16 <= len(data):
        _, _, caplen, _ = struct.unpack_from(endian + 'IIII', data, off)
        off += 16
        yield linktype, data[off:off + caplen]
        off += caplen


def _read_pcapng(data):
    off, endian, links = 0, '<', []
    while off + 12 <= len(data):
        btype = struct.unpack_from(endian + 'I', data, off)[0]
        if btype == 0x0a0d0d0a:                         # section header
            endian = '<' if data[off + 8:off + 12] == b'\x4d\x3c\x2b\x1a' else '>'
            links = []
        blen = struct.unpack_from(endian + 'I', data, off + 4)[0]
        body = data[off + 8:off + blen - 4]
        if btype == 1:                                  # interface description
            links.append(struct.unpack_from(endian + 'H', body, 0)[0])
        elif btype == 6:                                # enhanced packet
            ifc, _, _, caplen, _ = struct.unpack_from(endian + 'IIIII', body, 0)
            yield links[ifc], body[20:20 + caplen]
        elif btype == 3:                                # simple packet
            wirelen = struct.unpack_from(endian + 'I', body, 0)[0]
            yield links[0], body[4:4 + min(wirelen, len(body) - 4)]
        off += blen


# --------------------------------------------------------------------------
# Link layer: find the IP packet

def link_payload(linktype, d):
    """Return (ethertype or IP version, offset of the IP header) or None."""
    if linktype == 1:
        return _ethernet(d)
    if linktype in (101, 228, 229):
        if not d:
            return None
        version = d[0] >> 4
        if linktype == 228 and version != 4 or linktype == 229 and version != 6:
            return None
        return {4: ETH_IPV4, 6: ETH_IPV6}.get(version), 0
    if linktype in (0, 108):            # BSD loopback: the version decides
        if len(d) < 5:
            return None
        return {4: ETH_IPV4, 6: ETH_IPV6}.get(d[4] >> 4), 4
    if linktype == 113 and len(d) >= 16:
        return struct.unpack_from('!H', d, 14)[0], 16
    if linktype == 276 and len(d) >= 20:
        return struct.unpack_from('!H', d, 0)[0], 20
    return None


def _ethernet(d):
    if len(d) < 14:
        return None
    etype, off = struct.unpack_from('!H', d, 12)[0], 14
    for _ in range(MAX_VLAN_TAGS):
        if etype not in VLAN_TYPES:
            break
        if len(d) < off + 4:
            return None
        etype, off = struct.unpack_from('!H', d, off + 2)[0], off + 4
    return etype, off


# --------------------------------------------------------------------------
# IP headers

class L3:
    """What one IP header (and the L4 header after it) gives."""

    def __init__(self):
        self.src = self.dst = self.proto = None
        self.sport = self.dport = None
        self.tos = None
        self.frag = False
        self.l4 = None          # offset of the upper-layer header
        self.end = None         # end of the IP packet's bytes


def parse_ipv4(d, off, end):
    """IPv4 header at d[off:end] or None if short or malformed."""
    if end - off < 20 or d[off] >> 4 != 4:
        return None
    ihl = (d[off] & 15) * 4
    total = struct.unpack_from('!H', d, off + 2)[0]
    if ihl < 20 or end - off < ihl or total < ihl:
        return None
    l3 = L3()
    l3.tos = d[off + 1]
    flags_frag = struct.unpack_from('!H', d, off + 6)[0]
    l3.frag = bool(flags_frag & 0x2000) or (flags_frag & 0x1fff) != 0
    l3.proto = d[off + 9]
    l3.src = socket.inet_ntop(socket.AF_INET, d[off + 12:off + 16])
    l3.dst = socket.inet_ntop(socket.AF_INET, d[off + 16:off + 20])
    l3.end = min(end, off + total)
    l3.l4 = off + ihl
    return l3


def parse_ipv6(d, off, end):
    """IPv6 header and extension headers; proto None if an ext header is cut."""
    if end - off < 40 or d[off] >> 4 != 6:
        return None
    l3 = L3()
    l3.tos = (struct.unpack_from('!I', d, off)[0] >> 20) & 0xff
    plen = struct.unpack_from('!H', d, off + 4)[0]
    l3.src = socket.inet_ntop(socket.AF_INET6, d[off + 8:off + 24])
    l3.dst = socket.inet_ntop(socket.AF_INET6, d[off + 24:off + 40])
    # Payload length 0 is a jumbogram: its length is in a HBH option we do
    # not read; the packet runs to the end of what we have.
    l3.end = end if plen == 0 else min(end, off + 40 + plen)
    nh, pos = d[off + 6], off + 40
    while nh in IPV6_EXT:
        if nh == 44:
            hlen = 8
        elif nh == 51:
            hlen = (d[pos + 1] + 2) * 4 if l3.end - pos >= 2 else None
        else:
            hlen = (d[pos + 1] + 1) * 8 if l3.end - pos >= 2 else None
        if hlen is None or l3.end - pos < hlen:
            return l3                        # ext header cut: proto unknown
        if nh == 44:
            l3.frag = True
            offset = struct.unpack_from('!H', d, pos + 2)[0] >> 3
            if offset:
                # A later fragment: what follows is not a header. Its
                # protocol is the fragment header's next header.
                nh, pos = d[pos], pos + hlen
                break
        nh, pos = d[pos], pos + hlen
    l3.proto = nh
    l3.l4 = pos
    return l3


def parse_ip(d, ethertype, off, end):
    if ethertype == ETH_IPV4:
        return parse_ipv4(d, off, end)
    if ethertype == ETH_IPV6:
        return parse_ipv6(d, off, end)
    return None


def ports(d, l3):
    """Set sport/dport: 0 for fragments and portless protocols, None if cut."""
    if l3.proto is None:
        return
    need = PORT_HDR_LEN.get(l3.proto)
    if l3.frag or need is None:
        l3.sport = l3.dport = 0
        return
    off, avail = l3.l4, l3.end - l3.l4
    if avail < need:
        return
    if l3.proto == 6:
        doff = (d[off + 12] >> 4) * 4
        if doff < 20 or avail < doff:
            return
    l3.sport, l3.dport = struct.unpack_from('!HH', d, off)


def gre_payload(d, off, end):
    """(inner ethertype, offset) of a GRE v0 packet to enter, else None."""
    if end - off < 4:
        return None
    flags, ptype = struct.unpack_from('!HH', d, off)
    if flags & 0x0007 or flags & 0x4000:        # version != 0, routing bit
        return None
    if ptype not in (ETH_IPV4, ETH_IPV6):
        return None
    hlen = 4 + 4 * sum(1 for bit in (0x8000, 0x2000, 0x1000) if flags & bit)
    if end - off < hlen:
        return None
    return ptype, off + hlen


def tunnel_inner(d, outer):
    """The inner L3 of a tunnel packet, or None."""
    if outer.frag or outer.proto not in TUNNEL_PROTOS:
        return None
    if outer.proto == 4:
        inner = parse_ipv4(d, outer.l4, outer.end)
    elif outer.proto == 41:
        inner = parse_ipv6(d, outer.l4, outer.end)
    else:
        gre = gre_payload(d, outer.l4, outer.end)
        inner = parse_ip(d, gre[0], gre[1], outer.end) if gre else None
    if inner is not None:
        ports(d, inner)
    return inner


# --------------------------------------------------------------------------

def parse(linktype, d):
    """The 12 keys of one packet."""
    out = dict.fromkeys(KEYS)
    link = link_payload(linktype, d)
    if link is None:
        return out
    outer = parse_ip(d, link[0], link[1], len(d))
    if outer is None:
        return out
    ports(d, outer)
    out.update({'src': outer.src, 'dst': outer.dst, 'proto': outer.proto,
                'proto-src': outer.sport, 'proto-dst': outer.dport,
                'dscp': outer.tos >> 2, 'ecn': outer.tos & 3})
    inner = tunnel_inner(d, outer)
    if inner is not None:
        out.update({'tunnel-src': inner.src, 'tunnel-dst': inner.dst,
                    'tunnel-proto': inner.proto, 'tunnel-proto-src': inner.sport,
                    'tunnel-proto-dst': inner.dport})
    return out


def parse_file(path):
    return [parse(linktype, d) for linktype, d in read_capture(path)]


def main(argv):
    if len(argv) < 2:
        sys.stderr.write('usage: ref_parse.py CAPTURE...\n')
        return 2
    for path in argv[1:]:
        for keys in parse_file(path):
            print(json.dumps(keys, separators=(',', ':')))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
