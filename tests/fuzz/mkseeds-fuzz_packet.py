#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""mkseeds-fuzz_packet.py DIR: seeds for fuzz_packet (its input: packets,
each a 2-byte big-endian length and the IP packet).  Random bytes rarely
make a whole TCP handshake and then a TLS server flight, so the server
certificate parser (OpenSSL's X.509 reader behind tls.cert_*) and the
hellos' JA3/JA3S would barely be reached; these flows start the fuzzer
there, DCERPC flows (bind, bind_ack, fragmented requests, responses,
in both byte orders) start it in dcerpc.c, ICMP messages with long
headers in decode.c, and SMTP sessions with MIME
messages (base64 and quoted-printable attachments, nested multiparts,
PIPELINING, BDAT, STARTTLS) in smtp.c, base64 text for base64_decode, SSH KEXINITs, DNS over TCP (length-prefixed
queries and responses, split and joined) in dns.c, and IP fragments (IPv4
and IPv6, out of order, overlapping, duplicated, past the limits) in
defrag.c.  Packets are IPv4 or IPv6.  Generated, never fetched:
the certificate is a self-signed test one (openssl req -x509, P-256,
CN=evil.example)."""
import os
import struct
import zlib
import sys

# the certificate gen_pcaps.py uses too
def _read_test_cert():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data",
                        "test-cert.hex")
    with open(path) as f:
        return bytes.fromhex(f.read())


CERT = _read_test_cert()

CLI, SRV = bytes([10, 0, 0, 1]), bytes([192, 0, 2, 1])


def tcp(src, dst, sport, dport, seq, ack, flags, data=b""):
    th = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(th) + len(data), 1, 0x4000,
                     64, 6, 0, src, dst)
    return ip + th + data


def u24(n):
    return struct.pack("!I", n)[1:]


def ext(etype, body):
    return struct.pack("!HH", etype, len(body)) + body


def client_hello(browser=False, records=0):
    """A bare ClientHello, or one as browsers send (GREASE values, groups,
    point formats, versions) whose JA3 parsing the fuzzer starts from;
    with records, its handshake message split over records that long."""
    if not browser:
        body = b"\x03\x03" + b"\x11" * 32 + b"\x00" + b"\x00\x02\x00\x2f" + b"\x01\x00"
    else:
        exts = (ext(0x0A0A, b"") + ext(0, b"\x00\x0f\x00\x00\x0cevil.example") +
                ext(10, b"\x00\x06\x2a\x2a\x00\x1d\x00\x17") + ext(11, b"\x02\x00\x01") +
                ext(43, b"\x04\x3a\x3a\x03\x04") + ext(16, b"\x00\x03\x02h2"))
        body = (b"\x03\x03" + b"\x11" * 32 + b"\x00" + b"\x00\x06\x1a\x1a\x13\x01\xc0\x2f" +
                b"\x01\x00" + struct.pack("!H", len(exts)) + exts)
    hs = b"\x01" + u24(len(body)) + body
    size = records or len(hs)
    return b"".join(b"\x16\x03\x01" + struct.pack("!H", len(hs[i:i + size])) + hs[i:i + size]
                    for i in range(0, len(hs), size))


def server_flight(chain=1, tls13=False):
    """ServerHello (its extensions for JA3S), then a chain of certificates,
    or TLS 1.3's ServerHello alone."""
    if tls13:
        exts = ext(43, b"\x03\x04") + ext(51, b"\x00\x1d\x00\x00")
    else:
        exts = ext(65281, b"\x00") + ext(11, b"\x01\x00")
    hello = (b"\x03\x03" + b"\x22" * 32 + b"\x00" + b"\x00\x2f" + b"\x00" +
             struct.pack("!H", len(exts)) + exts)
    hs = b"\x02" + u24(len(hello)) + hello
    if not tls13:
        certs = b"".join(u24(len(CERT)) + CERT for _ in range(chain))
        hs += b"\x0b" + u24(len(certs) + 3) + u24(len(certs)) + certs + b"\x0e\x00\x00\x00"
    return b"\x16\x03\x03" + struct.pack("!H", len(hs)) + hs


def flow(split, browser=False, chain=1, tls13=False, records=0):
    cs, ss = 1000, 5000
    ch, sf = client_hello(browser, records), server_flight(chain, tls13)
    pkts = [tcp(CLI, SRV, 40000, 443, cs, 0, 0x02),
            tcp(SRV, CLI, 443, 40000, ss, cs + 1, 0x12),
            tcp(CLI, SRV, 40000, 443, cs + 1, ss + 1, 0x10),
            tcp(CLI, SRV, 40000, 443, cs + 1, ss + 1, 0x18, ch)]
    off = 0
    for part in (sf[:split], sf[split:]):
        pkts.append(tcp(SRV, CLI, 443, 40000, ss + 1 + off, cs + 1 + len(ch), 0x18, part))
        off += len(part)
    return b"".join(struct.pack("!H", len(p)) + p for p in pkts)


WMI = "00000143-0000-0000-c000-000000000046"
NDR = "8a885d04-1ceb-11c9-9fe8-08002b104860"


def uuid(text, le):
    b = bytes.fromhex(text.replace("-", ""))
    return b[3::-1] + b[5:3:-1] + b[7:5:-1] + b[8:] if le else b


def pdu(le, ptype, flags, call_id, body, auth=b""):
    e = "<" if le else ">"
    return (struct.pack(e + "BBBB4sHHI", 5, 0, ptype, flags, b"\x10\0\0\0" if le else bytes(4),
                        16 + len(body) + len(auth), max(len(auth) - 8, 0), call_id) + body + auth)


def dce_flow(le, seg):
    """bind (two contexts), bind_ack (one accepted), a request in three
    fragments (object UUID on the first, an auth trailer on the last) and a
    response; the request's bytes cut into seg-byte segments"""
    e = "<" if le else ">"
    ctxs = b"".join(struct.pack(e + "HBx", i, 1) + uuid(u, le) + struct.pack(e + "HH", 0, 0) +
                    uuid(NDR, le) + struct.pack(e + "I", 2)
                    for i, u in enumerate((WMI, "99fcfec4-5260-101b-bbcb-00aa0021347a")))
    bind = pdu(le, 11, 3, 1, struct.pack(e + "HHIB3x", 4280, 4280, 0, 2) + ctxs)
    ack = pdu(le, 12, 3, 1, struct.pack(e + "HHIH", 4280, 4280, 7, 4) + b"135\0" + b"\0\0" +
              struct.pack(e + "B3x", 2) + struct.pack(e + "HH", 0, 0) + uuid(NDR, le) +
              struct.pack(e + "I", 2) + struct.pack(e + "HH", 2, 2) + bytes(20))
    req = pdu(le, 0, 0x81, 2, struct.pack(e + "IHH", 9, 0, 3) + uuid(WMI, le) + b"AAAA\x00\x07")
    req += pdu(le, 0, 0, 2, struct.pack(e + "IHH", 9, 0, 3) + b"BBB")
    req += pdu(le, 0, 2, 2, struct.pack(e + "IHH", 9, 0, 3) + b"CC\0\0",
               auth=struct.pack(e + "BBBBI", 10, 2, 2, 0, 0) + bytes(16))
    resp = pdu(le, 2, 3, 2, struct.pack(e + "IHBx", 4, 0, 0) + b"RRRR")
    cs, ss = 1001, 5001
    pkts = [tcp(CLI, SRV, 40001, 135, cs - 1, 0, 0x02), tcp(SRV, CLI, 135, 40001, ss - 1, cs, 0x12),
            tcp(CLI, SRV, 40001, 135, cs, ss, 0x10), tcp(CLI, SRV, 40001, 135, cs, ss, 0x18, bind)]
    cs += len(bind)
    pkts.append(tcp(SRV, CLI, 135, 40001, ss, cs, 0x18, ack))
    ss += len(ack)
    for i in range(0, len(req), seg):
        pkts.append(tcp(CLI, SRV, 40001, 135, cs, ss, 0x18, req[i:i + seg]))
        cs += len(req[i:i + seg])
    pkts.append(tcp(SRV, CLI, 135, 40001, ss, cs, 0x18, resp))
    return b"".join(struct.pack("!H", len(p)) + p for p in pkts)


MIME = (b"From: a <a@b>\r\nTo: c@d, e@f\r\nContent-Type: multipart/mixed; boundary=\"O\"\r\n\r\n"
        b"pre\r\n--O\r\nContent-Type: multipart/alternative; boundary=I\r\n\r\n"
        b"--I\r\nContent-Type: text/plain\r\n\r\nhi\r\n..dot\r\n--I\r\n"
        b"Content-Type: text/x-ps; name=\"q.ps\"\r\nContent-Transfer-Encoding: quoted-printable"
        b"\r\n\r\nPPS =3E=3E set=\r\npattern\r\n--O\r\n"
        b"Content-Disposition: attachment;\r\n filename=\"b.bin\"\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nQQNBQkNQUFM=\r\n--O\r\n"
        b"Content-Type: message/rfc822\r\n\r\nContent-Type: multipart/mixed; boundary=F\r\n\r\n"
        b"--F\r\nContent-Disposition: attachment; filename=f\r\n\r\nPS\r\n--O--\r\n")


def smtp_flow(seg, pipelining=False, extra=b""):
    """a session: greeting, EHLO, a message with MIME parts (cut into
    seg-byte segments), then extra client commands"""
    cs, ss = 1001, 5001
    pkts = [tcp(CLI, SRV, 40002, 25, cs - 1, 0, 0x02), tcp(SRV, CLI, 25, 40002, ss - 1, cs, 0x12),
            tcp(CLI, SRV, 40002, 25, cs, ss, 0x10)]

    def srv(d):
        nonlocal ss
        pkts.append(tcp(SRV, CLI, 25, 40002, ss, cs, 0x18, d))
        ss += len(d)

    def cli(d):
        nonlocal cs
        for i in range(0, len(d), seg):
            pkts.append(tcp(CLI, SRV, 40002, 25, cs, ss, 0x18, d[i:i + seg]))
            cs += len(d[i:i + seg])
    srv(b"220 mx ESMTP\r\n")
    cli(b"EHLO x\r\n")
    srv(b"250-mx\r\n250-PIPELINING\r\n250 OK\r\n" if pipelining else b"250 mx\r\n")
    if pipelining:
        cli(b"MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n" + MIME + b"\r\n.\r\n")
        srv(b"250 a\r\n250 b\r\n354 c\r\n250 d\r\n")
    else:
        cli(b"MAIL FROM:<a@b> SIZE=9\r\n")
        srv(b"250 a\r\n")
        cli(b"RCPT TO:<c@d>\r\n")
        srv(b"250 b\r\n")
        cli(b"DATA\r\n")
        srv(b"354 c\r\n")
        cli(MIME + b"\r\n.\r\n")
        srv(b"250 d\r\n")
    if extra:
        cli(extra)
        srv(b"250 e\r\n220 f\r\n")
        cli(b"\x16\x03\x01\x00\x05hello")
    return b"".join(struct.pack("!H", len(p)) + p for p in pkts)


def dns_msg(name, qid, response=False):
    q = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    return (struct.pack("!HHHHHH", qid, 0x8180 if response else 0x0100, 1, 0, 0, 0) + q +
            struct.pack("!HH", 1, 1))


def dns_tcp_flow(seg):
    """queries on port 53, each after its 2-byte length, three in one
    stream cut into seg-byte segments, and the server's responses"""
    cs, ss = 1001, 5001
    pkts = [tcp(CLI, SRV, 40053, 53, cs - 1, 0, 0x02), tcp(SRV, CLI, 53, 40053, ss - 1, cs, 0x12),
            tcp(CLI, SRV, 40053, 53, cs, ss, 0x10)]
    names = ("evil.example", "a.b.c.example.org", "x" * 63 + ".example")
    req = b"".join(struct.pack("!H", len(m)) + m for m in
                   (dns_msg(n, i + 1) for i, n in enumerate(names)))
    for i in range(0, len(req), seg):
        pkts.append(tcp(CLI, SRV, 40053, 53, cs, ss, 0x18, req[i:i + seg]))
        cs += len(req[i:i + seg])
    resp = b"".join(struct.pack("!H", len(m)) + m for m in
                    (dns_msg(n, i + 1, True) for i, n in enumerate(names)))
    pkts.append(tcp(SRV, CLI, 53, 40053, ss, cs, 0x18, resp))
    return b"".join(struct.pack("!H", len(p)) + p for p in pkts)


class Conn:
    """a TCP connection from CLI: its handshake, then segments of at most
    seg bytes each way; packets() in fuzz_packet's input format"""

    def __init__(self, cport, port, cs, ss, seg):
        self.cport, self.port, self.cs, self.ss, self.seg = cport, port, cs, ss, seg
        self.pkts = [tcp(CLI, SRV, cport, port, cs - 1, 0, 0x02),
                     tcp(SRV, CLI, port, cport, ss - 1, cs, 0x12),
                     tcp(CLI, SRV, cport, port, cs, ss, 0x10)]

    def send(self, d, server=False):
        for i in range(0, len(d), self.seg):
            part = d[i:i + self.seg]
            if server:
                self.pkts.append(tcp(SRV, CLI, self.port, self.cport, self.ss, self.cs, 0x18, part))
                self.ss += len(part)
            else:
                self.pkts.append(tcp(CLI, SRV, self.cport, self.port, self.cs, self.ss, 0x18, part))
                self.cs += len(part)

    def packets(self):
        return b"".join(struct.pack("!H", len(p)) + p for p in self.pkts)


def http_flow(seg):
    """an HTTP/1.1 connection on port 80 in seg-byte segments both ways: a
    chunked POST after a 100 Continue, a raw-deflate response, a chunked
    gzip one, a HEAD and its body-less answer, then a body to the close"""
    c = Conn(40080, 80, 1001, 5001, seg)
    send = c.send
    raw = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated = raw.compress(b"zzzy " * 40) + raw.flush()
    gz = zlib.compressobj(9, zlib.DEFLATED, 31)
    gzipped = gz.compress(b"zzy " * 50) + gz.flush()
    half = len(gzipped) // 2
    send(b"POST /x HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n"
         b"Transfer-Encoding: chunked\r\n\r\n", False)
    send(b"HTTP/1.1 100 Continue\r\n\r\n", True)
    send(b"3;e=1\r\na\x05b\r\n0\r\nT: 1\r\n\r\nGET /x HTTP/1.1\r\nHost: h\r\n\r\n"
         b"HEAD /x HTTP/1.1\r\n\r\nGET /c HTTP/1.0\r\n\r\n", False)
    send(b"HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nContent-Length: %d\r\n\r\n"
         % len(deflated) + deflated, True)
    send(b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"
         + b"%x\r\n" % half + gzipped[:half] + b"\r\n%x\r\n" % (len(gzipped) - half)
         + gzipped[half:] + b"\r\n0\r\n\r\n", True)
    send(b"HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n", True)
    send(b"HTTP/1.0 200 OK\r\n\r\nzzzy until the close", True)
    c.pkts.append(tcp(SRV, CLI, 80, 40080, c.ss, c.cs, 0x11))
    return c.packets()


def base64_flow(seg):
    """base64 text after "K" and in a URI's "q=", for base64_decode: a TCP
    stream on port 7000 and an HTTP request, in seg-byte segments"""
    import base64
    c = Conn(40070, 7000, 1001, 5001, seg)
    c.send(b"K" + base64.b64encode(b"evil\x05iiil " * 3) + b"!K" +
           base64.b64encode(b"\x01ev") + b"=K==" + b"\n")
    h = Conn(40081, 80, 2001, 6001, seg)
    h.send(b"GET /s?q=" + base64.b64encode(b"../../etc/passwd") + b" HTTP/1.1\r\nHost: h\r\n\r\n")
    return c.packets() + h.packets()


def ssh_flow(seg):
    """SSH on port 22: both banners, then each side's KEXINIT, in seg-byte
    segments (the client's banner and KEXINIT in one write)"""
    lists = [b"curve25519-sha256,ext-info-c", b"ssh-ed25519", b"aes128-ctr", b"aes128-ctr",
             b"hmac-sha2-256", b"hmac-sha2-256", b"none", b"none", b"", b""]
    body = bytes([20]) + b"\xc0" * 16 + b"".join(struct.pack("!I", len(x)) + x for x in lists)
    body += b"\0" + b"\0" * 4
    pad = 8 - (len(body) + 5) % 8 + 4
    kex = struct.pack("!IB", len(body) + pad + 1, pad) + body + b"\0" * pad
    c = Conn(40022, 22, 3001, 7001, seg)
    c.send(b"SSH-2.0-OpenSSH_9.6\r\n", server=True)
    c.send(b"SSH-2.0-Go\r\n" + kex)
    c.send(kex, server=True)
    return c.packets()


def frag4(pkt, pieces, ident):
    """IPv4 fragments of pkt: pieces are (offset, length, more) of its
    payload, in the order sent; an offset past the payload gives zeros"""
    hdr, pay = pkt[:20], pkt[20:] + bytes(66000)
    out = []
    for off, n, more in pieces:
        h = hdr[:2] + struct.pack("!HHH", 20 + n, ident, (off // 8) | (0x2000 if more else 0))
        out.append(h + hdr[8:] + pay[off:off + n])
    return out


def frag6(pkt, pieces, ident, hbh=False):
    """the same for IPv6, a fragment header after a hop-by-hop one if hbh"""
    hdr, pay, nh = pkt[:40], pkt[40:], pkt[6]
    out = []
    for off, n, more in pieces:
        ext = ((b"\x2c\x00\x01\x04\x00\x00\x00\x00" if hbh else b"") +
               struct.pack("!BBHI", nh, 0, off | more, ident))
        body = ext + pay[off:off + n]
        out.append(hdr[:4] + struct.pack("!HB", len(body), 0 if hbh else 44) + hdr[7:] + body)
    return out


V6CLI = bytes.fromhex("20010db8000000000000000000000001")
V6SRV = bytes.fromhex("20010db8000000000000000000000002")


def ip6_tcp(src, dst, sport, dport, seq, ack, flags, data=b"", ext=b"", nh=6):
    th = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0)
    body = ext + th + data
    return struct.pack("!IHBB16s16s", 6 << 28, len(body), nh if ext else 6, 64, src, dst) + body


def frag_flows():
    """seeds of fragments: name -> the input"""
    cs, ss = 1001, 5001
    hs = [tcp(CLI, SRV, 40080, 80, cs - 1, 0, 0x02), tcp(SRV, CLI, 80, 40080, ss - 1, cs, 0x12),
          tcp(CLI, SRV, 40080, 80, cs, ss, 0x10)]
    req = b"GET /x HTTP/1.1\r\nHost: e\r\nUser-Agent: GOSTOP!ABMZ\r\n\r\n"
    seg = tcp(CLI, SRV, 40080, 80, cs, ss, 0x18, req)
    plen = len(seg) - 20
    tail = plen - 48
    seeds = {
        # the last fragment first, then the first, then the middle
        "frag-tcp-ooo": hs + frag4(seg, [(48, tail, 0), (0, 24, 1), (24, 24, 1)], 7),
        # a conflicting overlap, a duplicate, then the rest
        "frag-tcp-overlap": hs + frag4(seg, [(0, 32, 1), (0, 32, 1)], 8) +
        frag4(seg[:20] + bytes(len(seg) - 20), [(16, 16, 1)], 8) +
        frag4(seg, [(32, plen - 32, 0)], 8),
    }
    dns = dns_msg("evil.example", 9)
    udp = struct.pack("!HHHH", 40053, 53, 8 + len(dns), 0) + dns
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0, CLI, SRV) + udp
    seeds["frag-udp-dns"] = frag4(ip, [(0, 16, 1), (16, len(udp) - 16, 0)], 9)
    # IPv6: a handshake, data after a hop-by-hop header, destination
    # options cut by the first fragment
    hs6 = [ip6_tcp(V6CLI, V6SRV, 40443, 80, cs - 1, 0, 0x02),
           ip6_tcp(V6SRV, V6CLI, 80, 40443, ss - 1, cs, 0x12),
           ip6_tcp(V6CLI, V6SRV, 40443, 80, cs, ss, 0x10)]
    d6 = ip6_tcp(V6CLI, V6SRV, 40443, 80, cs, ss, 0x18, req)
    p6 = len(d6) - 40
    opts = ip6_tcp(V6CLI, V6SRV, 40443, 80, cs + len(req), ss, 0x18, b"GO STOP!",
                   ext=b"\x06\x01\x01\x0c" + bytes(12), nh=60)
    seeds["frag-ipv6"] = (hs6 + frag6(d6, [(0, 32, 1), (32, p6 - 32, 0)], 0x10203, hbh=True) +
                          frag6(opts, [(0, 8, 1), (8, len(opts) - 48, 0)], 0x10204))
    # the limits: 300 small fragments, an offset past 65535, a length not a
    # multiple of 8, an empty fragment, a fragment header cut short; and
    # datagrams of 1400 bytes held past the fuzzer's memory cap
    many = frag4(ip, [(i * 8, 8, 1) for i in range(300)], 10)
    big = frag4(ip, [(65528, 16, 0)], 11)
    odd = frag4(ip, [(0, 12, 1), (8, 0, 1)], 12)
    cut = d6[:4] + struct.pack("!HB", 4, 44) + d6[7:40] + b"\x06\x00\x00\x01"
    seeds["frag-limits"] = many + big + odd + [cut]
    seeds["frag-memcap"] = [p for i in range(8) for p in frag4(ip, [(0, 1400, 1)], 100 + i)]
    return {k: b"".join(struct.pack("!H", len(p)) + p for p in v) for k, v in seeds.items()}


def icmp_packets():
    """ICMPv4 messages whose header is more than 8 bytes (timestamps, a
    router advertisement's addresses), cut short too, and ICMPv6 echoes"""
    def icmp4(body):
        return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(body), 1, 0, 64, 1, 0,
                           CLI, SRV) + body

    def icmp6(body):
        return struct.pack("!IHBB16s16s", 6 << 28, len(body), 58, 64, V6CLI, V6SRV) + body
    pkts = [icmp4(b"\x08\x00\x00\x00\xab\xcd\x00\x01ping"),
            icmp4(b"\x0d\x00\x00\x00\x00\x01\x00\x01" + bytes(12) + b"tail"),
            icmp4(b"\x0d\x00\x00\x00\x00\x01\x00\x01" + bytes(8)),
            icmp4(b"\x09\x00\x00\x00\x02\x02\x07\x08" + bytes(16)),
            icmp4(b"\x09\x00\x00\x00\xff\xff\x07\x08" + bytes(16)),
            icmp4(b"\x08\x00\x00"),
            icmp6(b"\x80\x00\x00\x00\xab\xcd\x00\x01ping"),
            icmp6(b"\x81\x00\x00\x00\xab")]
    return b"".join(struct.pack("!H", len(p)) + p for p in pkts)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for split in (60, 300):
        with open(os.path.join(out, "tls-cert-%d" % split), "wb") as f:
            f.write(flow(split))
    # JA3 and JA3S, a chain of certificates, TLS 1.3
    with open(os.path.join(out, "tls-ja3-chain"), "wb") as f:
        f.write(flow(100, browser=True, chain=2))
    with open(os.path.join(out, "tls-ja3-tls13"), "wb") as f:
        f.write(flow(40, browser=True, tls13=True))
    # a ClientHello over several records
    with open(os.path.join(out, "tls-hello-records-7"), "wb") as f:
        f.write(flow(60, browser=True, records=7))
    for le, seg in ((True, 1000), (False, 7), (True, 23)):
        with open(os.path.join(out, "dcerpc-%s-%d" % ("le" if le else "be", seg)), "wb") as f:
            f.write(dce_flow(le, seg))
    for name, seg, pipe, extra in (("smtp-1400", 1400, False, b""), ("smtp-pipe-9", 9, True, b""),
                                   ("smtp-bdat-tls", 300, False,
                                    b"BDAT 5 LAST\r\nABCDESTARTTLS\r\n")):
        with open(os.path.join(out, name), "wb") as f:
            f.write(smtp_flow(seg, pipe, extra))
    for seg in (1400, 5):
        with open(os.path.join(out, "http-framing-%d" % seg), "wb") as f:
            f.write(http_flow(seg))
    # 2: the length alone, held until the message says DNS
    for seg in (1400, 14, 33, 2):
        with open(os.path.join(out, "dns-tcp-%d" % seg), "wb") as f:
            f.write(dns_tcp_flow(seg))
    for seg in (1400, 6):
        with open(os.path.join(out, "base64-%d" % seg), "wb") as f:
            f.write(base64_flow(seg))
        with open(os.path.join(out, "ssh-kexinit-%d" % seg), "wb") as f:
            f.write(ssh_flow(seg))
    with open(os.path.join(out, "icmp-headers"), "wb") as f:
        f.write(icmp_packets())
    for name, data in frag_flows().items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
