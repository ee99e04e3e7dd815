#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Write examples/example.pcap, the trace of the README's default run.

usage: /usr/bin/python3 examples/gen_example.py [OUTPUT]

About 3 seconds seen on a router's uplink (Ethernet, microsecond pcap),
all addresses from the documentation ranges:
  - two long TCP bulk downloads (198.51.100.10:443 -> 192.0.2.10 and
    198.51.100.11:80 -> 192.0.2.11, the second ECN-capable with DSCP AF11):
    handshake, 1448-byte segments with timestamps, an ACK every two
    segments, FIN at the end;
  - 40 short HTTP-like request/response flows (192.0.2.100-.119 to
    198.51.100.80-.83), a few segments each, then FIN;
  - a VoIP-like RTP stream both ways, 200-byte IP packets every 20 ms,
    DSCP EF (192.0.2.20 <-> 198.51.100.20, UDP 16384);
  - ICMP echo every 100 ms (192.0.2.30 -> 198.51.100.30) and its replies;
  - an IPv4-in-IPv4 tunnel (203.0.113.1 <-> 203.0.113.2) carrying an
    interactive TCP session and a transfer (192.0.2.50 <-> 198.51.100.50);
  - a GRE tunnel with key (203.0.113.5 <-> 203.0.113.6) carrying a UDP
    telemetry stream and a short TCP flow (192.0.2.60 <-> 198.51.100.60);
  - IPv6 TCP flows (2001:db8:1::/64 clients, 2001:db8:2::/64 servers): a
    few short ones and a medium transfer.
The capture point is next to the clients: a client's packet is followed
by the server's answer one round trip later, a server's data segment is
ACKed by the client a few microseconds later.

Deterministic: a fixed random seed, fixed start time and integer
microsecond timestamps, so the file is byte-identical on every run.
Checksums are computed by scapy.
"""
import os
import random
import struct
import sys

from scapy.all import GRE, ICMP, IP, TCP, UDP, Ether, IPv6, Raw, conf

conf.verb = 0

START_US = 1700000000 * 1000000     # 2023-11-14 22:13:20 UTC
DURATION_US = 3000000
SEED = 20231114

MAC_INSIDE = '02:00:00:00:00:01'    # client side of the router
MAC_OUTSIDE = '02:00:00:00:00:02'   # upstream
ETH_MTU = 1500
TS_OPT_LEN = 12                     # NOP NOP timestamps
WIRE_GAP_US = 13                    # a 1514-byte frame at 1 Gbit/s


class Trace:
    """Packets with their timestamps; written in timestamp order."""

    def __init__(self):
        self.pkts = []

    def add(self, t_us, frame):
        # The insertion number breaks ties so that equal timestamps keep
        # the order in which a flow produced them.
        self.pkts.append((t_us, len(self.pkts), bytes(frame)))

    def write(self, path):
        with open(path, 'wb') as f:
            f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
            for t, _, data in sorted(self.pkts):
                t += START_US
                f.write(struct.pack('<IIII', t // 1000000, t % 1000000, len(data), len(data)))
                f.write(data)
        return len(self.pkts)


class Host:
    """An address and the IPv4 identification counter of its stack."""

    def __init__(self, addr, inside):
        self.addr = addr
        self.inside = inside          # on the client side of the router
        self.v6 = ':' in addr
        self.ip_id = sum(map(ord, addr)) * 97 % 65536

    def next_id(self):
        self.ip_id = (self.ip_id + 1) % 65536
        return self.ip_id


def ip_hdr(src, dst, tos=0, proto=None):
    if src.v6:
        hdr = IPv6(src=src.addr, dst=dst.addr, tc=tos, hlim=64 if src.inside else 57)
        if proto is not None:
            hdr.nh = proto
        return hdr
    hdr = IP(src=src.addr, dst=dst.addr, tos=tos, id=src.next_id(), flags='DF',
             ttl=64 if src.inside else 55)
    if proto is not None:
        hdr.proto = proto
    return hdr


def frame(src, l3):
    """Ethernet frame of a packet sent by src (its side sets the MACs)."""
    if src.inside:
        return Ether(src=MAC_INSIDE, dst=MAC_OUTSIDE) / l3
    return Ether(src=MAC_OUTSIDE, dst=MAC_INSIDE) / l3


class Tunnel:
    """Wraps inner packets in IPv4-in-IPv4 or GRE between two endpoints."""

    def __init__(self, inside, outside, gre_key=None):
        self.inside, self.outside, self.gre_key = inside, outside, gre_key

    @property
    def overhead(self):
        return 20 + (0 if self.gre_key is None else 8)

    def wrap(self, src, inner):
        a, b = (self.inside, self.outside) if src.inside else (self.outside, self.inside)
        if self.gre_key is None:
            return ip_hdr(a, b, proto=4) / inner
        return ip_hdr(a, b) / GRE(key_present=1, key=self.gre_key, proto=0x0800) / inner


def payload(rng, n):
    """n bytes that look like compressed content (no long runs)."""
    return bytes(rng.getrandbits(8) for _ in range(n))


class TcpConn:
    """One TCP connection as seen at the capture point.

    rtt_us: round trip time between capture point and server.
    The client is inside; packets are built with consistent sequence and
    acknowledgement numbers and TCP timestamps."""

    ACK_DELAY_US = 30               # the client answers right away

    def __init__(self, trace, rng, cli, srv, cport, sport, rtt_us, tos=0, tunnel=None):
        self.trace, self.rng = trace, rng
        self.cli, self.srv = cli, srv
        self.cport, self.sport = cport, sport
        self.rtt, self.tos, self.tunnel = rtt_us, tos, tunnel
        self.seq = {cli: rng.getrandbits(32), srv: rng.getrandbits(32)}
        self.ts = {cli: rng.getrandbits(24), srv: rng.getrandbits(24)}
        self.last_ts = {cli: 0, srv: 0}
        l3 = 40 if cli.v6 else 20
        self.mss = ETH_MTU - l3 - 20 - (tunnel.overhead if tunnel else 0)

    def peer(self, h):
        return self.srv if h is self.cli else self.cli

    def send(self, t, src, flags, data=b'', syn_opts=False):
        dst = self.peer(src)
        tsval = self.ts[src] + t // 1000
        opts = [('NOP', None), ('NOP', None), ('Timestamp', (tsval, self.last_ts[src]))]
        if syn_opts:
            opts = [('MSS', self.mss), ('SAckOK', b''), ('Timestamp', (tsval, self.last_ts[src])),
                    ('NOP', None), ('WScale', 7)]
        self.last_ts[dst] = tsval
        ack = self.seq[dst] if 'A' in flags else 0
        sport, dport = (self.cport, self.sport) if src is self.cli else (self.sport, self.cport)
        seg = TCP(sport=sport, dport=dport, seq=self.seq[src], ack=ack, flags=flags,
                  window=502 if 'S' not in flags else 64240, options=opts)
        pkt = ip_hdr(src, dst, self.tos) / seg
        if data:
            pkt = pkt / Raw(data)
        if self.tunnel:
            pkt = self.tunnel.wrap(src, pkt)
        self.trace.add(t, frame(src, pkt))
        self.seq[src] = (self.seq[src] + len(data) + ('S' in flags) + ('F' in flags)) % (1 << 32)

    def delay_to(self, src):
        """Time from a packet of src at the capture point to the answer."""
        return self.ACK_DELAY_US if src is self.srv else self.rtt

    def open(self, t):
        self.send(t, self.cli, 'S', syn_opts=True)
        t += self.rtt
        self.send(t, self.srv, 'SA', syn_opts=True)
        t += self.ACK_DELAY_US
        self.send(t, self.cli, 'A')
        return t

    def transfer(self, t, src, data, burst, burst_gap_us, ack_every=2):
        """src sends data in full segments, in bursts of `burst` segments
        back to back (at 1 Gbit/s) every burst_gap_us, as a sender whose
        window opens once per round trip does; the other side ACKs every
        ack_every segments and the last one. Returns the last ACK's time."""
        dst = self.peer(src)
        size = self.mss - TS_OPT_LEN
        nseg = (len(data) + size - 1) // size
        for i in range(nseg):
            ts = t + (i // burst) * burst_gap_us + (i % burst) * WIRE_GAP_US
            self.send(ts, src, 'PA' if i == nseg - 1 else 'A', data[i * size:(i + 1) * size])
            if (i + 1) % ack_every == 0 or i == nseg - 1:
                self.send(ts + self.delay_to(src), dst, 'A')
        return ts + self.delay_to(src)

    def exchange(self, t, req, resp, burst=10, burst_gap_us=None):
        """Client request, server response (in segments), client ACKs. By
        default the response goes in initial windows of 10, one per RTT."""
        self.send(t, self.cli, 'PA', req)
        t += self.rtt
        return self.transfer(t, self.srv, resp, burst, burst_gap_us or self.rtt)

    def close(self, t):
        self.send(t, self.cli, 'FA')
        t += self.rtt
        self.send(t, self.srv, 'FA')
        t += self.ACK_DELAY_US
        self.send(t, self.cli, 'A')
        return t


def tls_records(rng, n):
    """n bytes of TLS application data records (what port 443 carries)."""
    out = b''
    while len(out) < n:
        body = min(16384, n - len(out) - 5)
        out += struct.pack('!BHH', 23, 0x0303, body) + payload(rng, body)
    return out


def request(rng, port, host, path):
    if port == 443:
        return tls_records(rng, 60 + 4 * len(path) + len(host))
    return ('GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: itm-example/1\r\n'
            'Accept: */*\r\n\r\n' % (path, host)).encode()


def response(rng, port, n):
    """n bytes of HTTP response (header and body) or TLS records."""
    if port == 443:
        return tls_records(rng, n)
    head = ('HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n'
            'Content-Length: %d\r\n\r\n')
    # The body's length is n minus a header that holds that length.
    for digits in range(1, 12):
        body = n - (len(head) - 2 + digits)
        if len(str(body)) == digits:
            return (head % body).encode() + payload(rng, body)
    raise ValueError(n)


# --------------------------------------------------------------------------
# Traffic

def bulk_flows(trace, rng):
    # Two downloads, the second starting later: bursts of 4 segments every
    # 20 ms (2.3 Mbit/s, 2.1 s) and of 3 every 18 ms (1.9 Mbit/s, 1.8 s).
    for cli, srv, sport, start, nseg, burst, gap, tos in [
            ('192.0.2.10', '198.51.100.10', 443, 50000, 420, 4, 20000, 0x00),
            ('192.0.2.11', '198.51.100.11', 80, 600000, 300, 3, 18000, 0x2a)]:
        c = TcpConn(trace, rng, Host(cli, True), Host(srv, False), 50000 + rng.randrange(10000),
                    sport, rtt_us=18000, tos=tos)
        t = c.open(start)
        req = request(rng, sport, 'files.example.com', '/big.iso')
        t = c.exchange(t + 200, req, response(rng, sport, nseg * 1448), burst, gap)
        c.close(t + 1000)


def short_flows(trace, rng, count=40):
    servers = ['198.51.100.%d' % i for i in range(80, 84)]
    for i in range(count):
        cli = Host('192.0.2.%d' % (100 + i % 20), True)
        srv = Host(rng.choice(servers), False)
        port = rng.choice([80, 443])
        c = TcpConn(trace, rng, cli, srv, 40000 + rng.randrange(20000), port,
                    rtt_us=rng.randrange(5000, 40000))
        t = c.open(rng.randrange(0, 2600000))
        for _ in range(rng.randrange(1, 3)):
            req = request(rng, port, 'www.example.com', '/obj/%d' % rng.randrange(1000))
            resp = response(rng, port, rng.randrange(300, 6000))
            t = c.exchange(t + rng.randrange(100, 2000), req, resp)
        c.close(t + rng.randrange(1000, 20000))


def voip_stream(trace, rng):
    # RTP (G.711, 160 bytes per 20 ms) both ways: 20 + 8 + 12 + 160 = 200 bytes.
    a, b = Host('192.0.2.20', True), Host('198.51.100.20', False)
    ssrc = {a: rng.getrandbits(32), b: rng.getrandbits(32)}
    offset = {a: 100000, b: 100000 + 7300}
    for src, dst in ((a, b), (b, a)):
        seq, ts = rng.getrandbits(16), rng.getrandbits(32)
        t = offset[src]
        while t < DURATION_US - 100000:
            rtp = struct.pack('!BBHII', 0x80, 0, seq, ts, ssrc[src]) + payload(rng, 160)
            jitter = rng.randrange(0, 400)
            trace.add(t + jitter, frame(src, ip_hdr(src, dst, tos=0xb8) /
                                        UDP(sport=16384, dport=16384) / Raw(rtp)))
            seq, ts, t = (seq + 1) % 65536, (ts + 160) % (1 << 32), t + 20000


def pings(trace, rng):
    a, b = Host('192.0.2.30', True), Host('198.51.100.30', False)
    ident = rng.getrandbits(16)
    data = bytes(range(0x10, 0x10 + 48)) + b'\0' * 8
    for seq in range(1, DURATION_US // 100000):
        t = seq * 100000
        trace.add(t, frame(a, ip_hdr(a, b) / ICMP(type=8, id=ident, seq=seq) / Raw(data)))
        trace.add(t + 12000 + rng.randrange(0, 500),
                  frame(b, ip_hdr(b, a) / ICMP(type=0, id=ident, seq=seq) / Raw(data)))


def ipip_tunnel(trace, rng):
    tun = Tunnel(Host('203.0.113.1', True), Host('203.0.113.2', False))
    cli, srv = Host('192.0.2.50', True), Host('198.51.100.50', False)
    ssh = TcpConn(trace, rng, cli, srv, 51000, 22, rtt_us=25000, tunnel=tun)
    t = ssh.open(200000)
    for _ in range(25):                 # keystrokes and echoes
        t = ssh.exchange(t + rng.randrange(20000, 90000), payload(rng, 36), payload(rng, 36))
    ssh.close(t + 5000)
    scp = TcpConn(trace, rng, cli, srv, 51001, 22, rtt_us=25000, tunnel=tun)
    t = scp.open(900000)
    t = scp.transfer(t + 200, cli, payload(rng, 60 * 1400), 2, 25000)
    scp.close(t + 1000)


def gre_tunnel(trace, rng):
    tun = Tunnel(Host('203.0.113.5', True), Host('203.0.113.6', False), gre_key=1001)
    a, b = Host('192.0.2.60', True), Host('198.51.100.60', False)
    t = 30000
    while t < DURATION_US - 50000:      # telemetry, one 300-byte datagram per 50 ms
        inner = ip_hdr(a, b, tos=0x20) / UDP(sport=40500, dport=4739) / Raw(payload(rng, 272))
        trace.add(t, frame(a, tun.wrap(a, inner)))
        t += 50000
    c = TcpConn(trace, rng, a, b, 52000, 443, rtt_us=30000, tunnel=tun)
    t = c.open(1500000)
    t = c.exchange(t + 300, request(rng, 443, 'api.example.net', '/v1/status'),
                   response(rng, 443, 9000))
    c.close(t + 2000)


def ipv6_flows(trace, rng):
    srv = Host('2001:db8:2::80', False)
    for i in range(6):
        cli = Host('2001:db8:1::%x' % (0x100 + i), True)
        c = TcpConn(trace, rng, cli, srv, 45000 + i, 443, rtt_us=rng.randrange(8000, 30000))
        t = c.open(rng.randrange(100000, 2500000))
        req = request(rng, 443, 'www.example.org', '/index.html')
        t = c.exchange(t + 500, req, response(rng, 443, rng.randrange(2000, 12000)))
        c.close(t + 3000)
    c = TcpConn(trace, rng, Host('2001:db8:1::200', True), Host('2001:db8:2::443', False),
                46000, 443, rtt_us=15000, tos=0x02)
    t = c.open(400000)
    t = c.exchange(t + 300, request(rng, 443, 'www.example.org', '/video.mp4'),
                   response(rng, 443, 80 * 1428), 4, 15000)
    c.close(t + 1000)


def main(argv):
    out = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                     'example.pcap')
    rng = random.Random(SEED)
    trace = Trace()
    # Each generator draws from the one seeded stream in a fixed order.
    for gen in (bulk_flows, short_flows, voip_stream, pings, ipip_tunnel, gre_tunnel, ipv6_flows):
        gen(trace, rng)
    n = trace.write(out)
    print('%s: %d packets, %d bytes' % (out, n, os.path.getsize(out)))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
