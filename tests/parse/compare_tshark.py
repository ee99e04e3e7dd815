#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Check `itm parse --json` against what tshark decodes in the same captures.

usage:
  /usr/bin/python3 compare_tshark.py ITM_BINARY CAPTURE...   itm vs tshark
  /usr/bin/python3 compare_tshark.py --ref CAPTURE...        ref_parse.py vs tshark
  /usr/bin/python3 compare_tshark.py --selftest [CAPTURE...] the check can fail

For every packet, the 12 keys itm prints (see KEYS) are derived from
tshark's decode (tshark -T json -x: the layers in order, their fields, and
the position and captured length of every header) by the itm rules, then
compared key by key. Mismatches are printed as
  FILE frame N: KEY: itm VALUE, expected VALUE
and the exit status is 1; success prints "ok N packets in M files".

tshark decodes more than itm and is lenient where itm is strict, so the
rules are applied on top of tshark's decode rather than taking every
layer it shows. Where tshark and the rules part ways, the rule wins and
the spot is marked "tshark:" in a comment below.
"""
import concurrent.futures
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile

KEYS = ['src', 'dst', 'proto', 'proto-src', 'proto-dst',
        'tunnel-src', 'tunnel-dst', 'tunnel-proto', 'tunnel-proto-src',
        'tunnel-proto-dst', 'dscp', 'ecn']

TSHARK_ARGS = [
    '-n',                                   # no name resolution: raw addresses
    '-T', 'json', '-x',                     # -x adds [hex, pos, len, ...] per item
    # Fragments are judged one by one, as itm sees them.
    '-o', 'ip.defragment:FALSE',
    '-o', 'ipv6.defragment:FALSE',
    # IPv4 total length 0 is malformed by the rules (a total length smaller
    # than the header); tshark would otherwise take it for a TSO capture.
    '-o', 'ip.tso_support:FALSE',
    # IPv6 payload length 0 runs to the captured end by the rules; that is
    # tshark's "TSO support" for IPv6 (without it the packet is malformed).
    '-o', 'ipv6.tso_support:TRUE',
    # No checksum verdicts, no TCP analysis: only the headers matter, and
    # nothing should change with the order or contents of other packets.
    '-o', 'ip.check_checksum:FALSE',
    '-o', 'tcp.check_checksum:FALSE',
    '-o', 'udp.check_checksum:FALSE',
    '-o', 'dccp.check_checksum:FALSE',
    '-o', 'udplite.check_checksum:FALSE',
    '-o', 'tcp.analyze_sequence_numbers:FALSE',
    '-o', 'tcp.calculate_timestamps:FALSE',
    '-o', 'udp.calculate_timestamps:FALSE',
    # Ports are read from the L4 header itself, never from a heuristic
    # guess at the payload.
    '-o', 'tcp.try_heuristic_first:FALSE',
    '-o', 'udp.try_heuristic_first:FALSE',
]

TAG_LAYERS = ('vlan', 'ieee8021ad')
MAX_VLAN_TAGS = 2
LINK_LAYERS = ('eth', 'raw', 'sll', 'null')
IPV6_EXT_LAYERS = {0: 'ipv6.hopopts', 43: 'ipv6.routing', 60: 'ipv6.dstopts',
                   44: 'ipv6.fraghdr', 51: 'ah'}
# L4 layer name, its port fields, and the bytes itm needs before ports.
PORT_LAYERS = {6: ('tcp', 'tcp', 20), 17: ('udp', 'udp', 8),
               136: ('udplite', 'udp', 8), 132: ('sctp', 'sctp', 12),
               33: ('dccp', 'dccp', 12)}


# --------------------------------------------------------------------------
# tshark's decode as a list of header nodes

class Node:
    """One header as tshark decoded it.

    fields: first value of every field of the header (nested subtrees
    flattened), caplen: bytes of the header tshark had (its item length,
    which tshark cuts at the end of the capture and at the end of the
    enclosing IP packet)."""

    def __init__(self, name, value, raw):
        self.name = name
        self.fields = {}
        if isinstance(value, list):
            _flatten(value, self.fields)
        self.caplen = raw[2] if raw else 0

    def get(self, key):
        """A field as a number (tshark prints decimal or 0x-hex), or None."""
        v = self.fields.get(key)
        if v is None:
            return None
        try:
            return int(v, 0)
        except ValueError:
            return int(v, 10)           # decimal with a leading zero

    def __repr__(self):
        return '<%s caplen=%d>' % (self.name, self.caplen)


def _flatten(pairs, out, skip=()):
    for k, v in pairs:
        if k.endswith('_raw') or k in skip:
            continue
        if isinstance(v, list) and v and isinstance(v[0], tuple):
            _flatten(v, out, skip)
        else:
            out.setdefault(k, v)


def header_nodes(layers):
    """Top-level layers in order; an IPv6 layer is followed by its
    extension headers, which tshark nests inside it."""
    nodes, raw = [], {}
    for name, value in layers:
        if name.endswith('_raw'):
            raw[name[:-4]] = value
            continue
        if name.startswith('_ws'):
            continue                    # "[Malformed Packet]" and the like
        node = Node(name, value, raw.pop(name, None))
        nodes.append(node)
        if name == 'ipv6' and isinstance(value, list):
            node.fields = {}
            _flatten(value, node.fields, skip=set(IPV6_EXT_LAYERS.values()))
            nodes.extend(_ext_nodes(value))
    return nodes


def _ext_nodes(pairs):
    raw, nodes = {}, []
    for k, v in pairs:
        if k.endswith('_raw'):
            raw[k[:-4]] = v
        elif k in IPV6_EXT_LAYERS.values():
            nodes.append(Node(k, v, raw.get(k)))
    return nodes


def run_tshark(path):
    """Header nodes of every packet of a capture."""
    env = dict(os.environ)
    # A private, empty configuration: personal preferences, decode-as
    # rules or disabled protocols must not change what we expect.
    with tempfile.TemporaryDirectory() as conf:
        env['WIRESHARK_CONFIG_DIR'] = conf
        r = subprocess.run(['tshark', '-r', path] + TSHARK_ARGS, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise RuntimeError('tshark failed on %s: %s' % (path, r.stderr.strip()))
    packets = json.loads(r.stdout or '[]', object_pairs_hook=lambda pairs: pairs)
    return [header_nodes(dict(dict(p)['_source'])['layers']) for p in packets]


# --------------------------------------------------------------------------
# The itm rules applied to tshark's nodes

class L3:
    def __init__(self, src, dst, proto, frag, tclass):
        self.src, self.dst, self.proto, self.frag = src, dst, proto, frag
        self.dscp = tclass[0] if tclass else None
        self.ecn = tclass[1] if tclass else None
        self.sport = self.dport = None


def _addr(text, family):
    # tshark prints RFC 5952 text; pass it through inet_ntop anyway, the
    # contract's form, so the two can only differ in value.
    return socket.inet_ntop(family, socket.inet_pton(family, text))


def ipv4(node):
    """(L3, nodes used) of an IPv4 node, or (None, 0) if truncated/malformed."""
    g = node.get
    vals = [g('ip.version'), g('ip.hdr_len'), g('ip.len'), g('ip.flags.mf'),
            g('ip.frag_offset'), g('ip.proto'), g('ip.dsfield.dscp'), g('ip.dsfield.ecn')]
    src, dst = node.fields.get('ip.src'), node.fields.get('ip.dst')
    if None in vals or src is None or dst is None:
        return None, 0
    version, hlen, tot, mf, foff, proto, dscp, ecn = vals
    # tshark: an IPv4 header with a bad version is decoded on as IPv6, and
    # an IPv4 header that runs past the capture still shows its first fields.
    if version != 4 or hlen < 20 or tot < hlen or node.caplen < hlen:
        return None, 0
    return L3(_addr(src, socket.AF_INET), _addr(dst, socket.AF_INET), proto,
              bool(mf or foff), (dscp, ecn)), 1


def ipv6(nodes, i):
    """(L3, nodes used) of an IPv6 node and its extension headers."""
    node = nodes[i]
    g = node.get
    vals = [g('ipv6.version'), g('ipv6.nxt'), g('ipv6.tclass.dscp'), g('ipv6.tclass.ecn')]
    src, dst = node.fields.get('ipv6.src'), node.fields.get('ipv6.dst')
    if None in vals or src is None or dst is None or vals[0] != 6 or node.caplen < 40:
        return None, 0
    l3 = L3(_addr(src, socket.AF_INET6), _addr(dst, socket.AF_INET6), None, False,
            (vals[2], vals[3]))
    nh, used = vals[1], 1
    while nh in IPV6_EXT_LAYERS:
        ext = nodes[i + used] if i + used < len(nodes) else None
        if ext is None or ext.name != IPV6_EXT_LAYERS[nh]:
            return l3, used             # tshark stopped here: header cut
        nxt, need, later_frag = _ext_header(ext)
        if nxt is None or ext.caplen < need:
            return l3, used + 1
        used += 1
        nh = nxt
        if ext.name == 'ipv6.fraghdr':
            l3.frag = True
            if later_frag:
                # tshark shows a later fragment's data as data; its protocol
                # is the fragment header's next header.
                break
    l3.proto = nh
    return l3, used


def _ext_header(ext):
    """(next header, header length, later fragment) of an extension node."""
    if ext.name == 'ah':
        length = ext.get('ah.length')
        return ext.get('ah.next_header'), (length + 2) * 4 if length is not None else 1 << 30, False
    if ext.name == 'ipv6.fraghdr':
        off = ext.get('ipv6.fraghdr.offset')
        return ext.get('ipv6.fraghdr.nxt'), 8, bool(off)
    length = ext.get(ext.name + '.len')
    return ext.get(ext.name + '.nxt'), (length + 1) * 8 if length is not None else 1 << 30, False


def ip_node(nodes, i, want=None):
    """Parse the IP node at nodes[i] ('ip' or 'ipv6'; want restricts it)."""
    if i >= len(nodes) or nodes[i].name not in ('ip', 'ipv6'):
        return None, 0
    if want and nodes[i].name != want:
        return None, 0
    if nodes[i].name == 'ip':
        return ipv4(nodes[i])
    return ipv6(nodes, i)


def l4_ports(l3, nodes, i):
    """Set the ports of l3 from the L4 node at nodes[i]."""
    if l3.proto is None:
        return
    if l3.frag or l3.proto not in PORT_LAYERS:
        # tshark: it decodes the L4 header of a first fragment; the rules
        # give every fragment 0 ports so that all fragments of a datagram
        # stay in one flow.
        l3.sport = l3.dport = 0
        return
    layer, prefix, need = PORT_LAYERS[l3.proto]
    if i >= len(nodes) or nodes[i].name != layer:
        return
    node = nodes[i]
    sport, dport = node.get(prefix + '.srcport'), node.get(prefix + '.dstport')
    if l3.proto == 6:
        # tshark: it still shows the ports of a TCP header whose data
        # offset is below 5 or whose options are cut; the rules do not.
        hlen = node.get('tcp.hdr_len')
        if hlen is None or hlen < 20:
            return
        need = hlen
    if sport is None or dport is None or node.caplen < need:
        return
    l3.sport, l3.dport = sport, dport


def link(nodes):
    """Index of the outer IP node, or None for non-IP frames."""
    i = 1 if nodes and nodes[0].name == 'frame' else 0
    if i < len(nodes) and nodes[i].name in LINK_LAYERS:
        if nodes[i].name == 'eth' and 'eth.type' not in nodes[i].fields:
            return None                 # 802.3 length field, or cut
        i += 1
    tags = 0
    while i < len(nodes) and nodes[i].name in TAG_LAYERS:
        tags, i = tags + 1, i + 1
    # tshark: it walks any number of tags; the rules stop after two.
    if tags > MAX_VLAN_TAGS:
        return None
    # tshark: it also finds IP behind MPLS, PPPoE and the like; for the
    # rules any ethertype but IPv4/IPv6 (after the tags) is not IP.
    return i if i < len(nodes) and nodes[i].name in ('ip', 'ipv6') else None


def gre(nodes, i):
    """Index of the IP node a GRE node at nodes[i] carries, and its name."""
    if i >= len(nodes) or nodes[i].name != 'gre':
        return None, None
    node = nodes[i]
    g = node.get
    flags = [g('gre.flags.checksum'), g('gre.flags.routing'), g('gre.flags.key'),
             g('gre.flags.sequence_number'), g('gre.flags.version'), g('gre.proto')]
    if None in flags:
        return None, None
    csum, routing, key, seq, version, ptype = flags
    # tshark: it decodes GRE v1 (PPTP) and source-routed GRE on into their
    # payload; the rules only enter plain GRE v0.
    if version != 0 or routing:
        return None, None
    want = {0x0800: 'ip', 0x86dd: 'ipv6'}.get(ptype)
    if want is None or node.caplen < 4 + 4 * (csum + key + seq):
        return None, None
    return i + 1, want


def tunnel(outer, nodes, i):
    """Inner L3 of a tunnel whose first node is nodes[i], or None."""
    if outer.frag or outer.proto not in (4, 41, 47):
        # tshark: it decodes the inner header of a first fragment of a
        # tunnel packet; the rules do not enter tunnels of fragments.
        return None
    if outer.proto == 47:
        i, want = gre(nodes, i)
        if i is None:
            return None
    else:
        # tshark: protocol 4 carrying IPv6 is decoded as IPv6 after a bad
        # IPv4 version; the node must be the announced version.
        want = 'ip' if outer.proto == 4 else 'ipv6'
    inner, used = ip_node(nodes, i, want)
    if inner is not None:
        l4_ports(inner, nodes, i + used)
    return inner


def expected(nodes):
    """The 12 keys of one packet, from tshark's nodes."""
    out = dict.fromkeys(KEYS)
    i = link(nodes)
    if i is None:
        return out
    outer, used = ip_node(nodes, i)
    if outer is None:
        return out
    i += used
    l4_ports(outer, nodes, i)
    out.update({'src': outer.src, 'dst': outer.dst, 'proto': outer.proto,
                'proto-src': outer.sport, 'proto-dst': outer.dport,
                'dscp': outer.dscp, 'ecn': outer.ecn})
    inner = tunnel(outer, nodes, i)
    if inner is not None:
        out.update({'tunnel-src': inner.src, 'tunnel-dst': inner.dst,
                    'tunnel-proto': inner.proto, 'tunnel-proto-src': inner.sport,
                    'tunnel-proto-dst': inner.dport})
    return out


# --------------------------------------------------------------------------
# Comparison

def check_line(line, want):
    """Differences between one JSON line and the expected keys: a list of
    (key, got, expected)."""
    try:
        got = json.loads(line, object_pairs_hook=lambda pairs: pairs)
    except ValueError as e:
        return [('<json>', line.strip(), 'a JSON object (%s)' % e)]
    if not isinstance(got, list):
        return [('<json>', line.strip(), 'a JSON object')]
    keys = [k for k, _ in got]
    if keys != KEYS:
        return [('<keys>', keys, KEYS)]
    diffs = []
    for k, v in got:
        # bool is an int in Python; JSON true/false is never right here.
        if v != want[k] or type(v) is not type(want[k]):
            diffs.append((k, v, want[k]))
    return diffs


def compare(path, lines, wants, who, out=sys.stdout):
    """Report lines that differ from the expectations; return the count."""
    bad = 0
    for n, want in enumerate(wants, 1):
        if n > len(lines):
            out.write('%s frame %d: %s printed no line (%d lines for %d packets)\n'
                      % (path, n, who, len(lines), len(wants)))
            return bad + 1
        for key, got, exp in check_line(lines[n - 1], want):
            out.write('%s frame %d: %s: %s %s, expected %s\n'
                      % (path, n, key, who, json.dumps(got), json.dumps(exp)))
            bad += 1
    if len(lines) > len(wants):
        out.write('%s: %s printed %d lines for %d packets\n' % (path, who, len(lines), len(wants)))
        bad += 1
    return bad


def itm_lines(binary, path):
    try:
        r = subprocess.run([binary, 'parse', '--json', path], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    except OSError as e:
        print('%s: cannot run itm: %s' % (path, e))
        return []
    if r.returncode != 0:
        print('%s: itm exited %d: %s' % (path, r.returncode, r.stderr.strip()))
    return [line for line in r.stdout.splitlines() if line.strip()]


def ref_lines(path):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import ref_parse
    return [json.dumps(k) for k in ref_parse.parse_file(path)]


_EXPECTED = {}


def expectations(path):
    """The keys of every packet of a capture by tshark and the rules
    (cached: the driver checks ref_parse.py and itm against the same)."""
    if path not in _EXPECTED:
        _EXPECTED[path] = [expected(nodes) for nodes in run_tshark(path)]
    return _EXPECTED[path]


def run(paths, source, who):
    bad = packets = 0
    # One tshark per file, several at a time: most of the time is tshark's.
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        list(pool.map(expectations, paths))
    for path in paths:
        wants = expectations(path)
        packets += len(wants)
        bad += compare(path, source(path), wants, who)
    if bad:
        print('FAIL %d mismatches in %d packets in %d files' % (bad, packets, len(paths)))
        return 1
    print('ok %d packets in %d files' % (packets, len(paths)))
    return 0


# --------------------------------------------------------------------------
# Self-test: the comparator must be able to fail.

def selftest(paths):
    want = dict(zip(KEYS, ['192.0.2.1', '198.51.100.2', 6, 40000, 80,
                           None, None, None, None, None, 46, 0]))
    good = json.dumps(want)
    assert check_line(good, want) == [], 'a right line was reported'
    wrong = [json.dumps(dict(want, **{'proto-dst': 81})),        # wrong value
             json.dumps(dict(want, **{'tunnel-src': '0.0.0.0'})), # value for a null
             json.dumps(dict(want, dscp=None)),                   # null for a value
             json.dumps(dict(want, proto='6')),                   # wrong JSON type
             json.dumps(dict(want, ecn=False)),                   # bool is not 0
             json.dumps({k: want[k] for k in reversed(KEYS)}),    # key order
             json.dumps(dict(want, extra=1)),                     # extra key
             good[:-1]]                                           # not JSON
    for line in wrong:
        assert check_line(line, want), 'no mismatch reported for ' + line
    # Lines missing or in excess are mismatches too; the report names the
    # file, the frame, the key and both values.
    report = io.StringIO()
    assert compare('f.pcap', [good], [want, want], 'itm', report) == 1
    assert compare('f.pcap', [good, good], [want], 'itm', report) == 1
    assert compare('f.pcap', [json.dumps(dict(want, proto=17))], [want], 'itm', report) == 1
    assert 'f.pcap frame 1: proto: itm 17, expected 6' in report.getvalue(), report.getvalue()
    # On real captures: tshark's expectations, printed back, pass; one
    # value changed in the last packet fails.
    for path in paths:
        wants = expectations(path)
        lines = [json.dumps(w) for w in wants]
        assert compare(path, lines, wants, 'selftest') == 0
        if wants:
            lines[-1] = json.dumps(dict(wants[-1], src='203.0.113.99'))
            assert compare(path, lines, wants, 'selftest', io.StringIO()) == 1
    print('selftest ok: the comparator reports wrong lines')
    return 0


def main(argv):
    args = argv[1:]
    if shutil.which('tshark') is None:
        sys.stderr.write('compare_tshark.py: tshark not found\n')
        return 2
    if args and args[0] == '--selftest':
        return selftest(args[1:])
    if args and args[0] == '--ref' and len(args) > 1:
        return run(args[1:], ref_lines, 'ref')
    if len(args) < 2:
        sys.stderr.write(__doc__.split('\n\n')[1] + '\n')
        return 2
    binary = args[0]
    return run(args[1:], lambda p: itm_lines(binary, p), 'itm')


if __name__ == '__main__':
    sys.exit(main(sys.argv))
