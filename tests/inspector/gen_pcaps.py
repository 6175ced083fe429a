#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write the test and benchmark captures (stdlib only, no downloads).

gen_pcaps.py OUTDIR            the small test captures
gen_pcaps.py --bench FILE N    a mixed-traffic capture of about N flows
"""
import base64
import hashlib
import os
import random
import struct
import sys

LINK_ETH, LINK_RAW = 1, 101


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip4(src, dst, proto, payload, ident=1):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0, 64, proto, 0,
                      bytes(map(int, src.split("."))), bytes(map(int, dst.split("."))))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def ip6(src, dst, proto, payload):
    import ipaddress
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), proto, 64,
                       ipaddress.IPv6Address(src).packed, ipaddress.IPv6Address(dst).packed) + payload


def tcp(sport, dport, seq, ack, flags, data=b""):
    fl = sum(v for k, v in dict(F=1, S=2, R=4, P=8, A=16).items() if k in flags)
    return struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                       5 << 4, fl, 65535, 0, 0) + data


def udp(sport, dport, data):
    return struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data


def frag4(pkt, cuts, ident):
    """The IPv4 packet pkt (20-byte header) as fragments: its payload cut at
    the offsets cuts (multiples of 8), each with identification ident."""
    hdr, pay = pkt[:20], pkt[20:]
    edges = [0] + list(cuts) + [len(pay)]
    out = []
    for a, b in zip(edges, edges[1:]):
        fo = (a // 8) | (0x2000 if b < len(pay) else 0)
        h = hdr[:2] + struct.pack("!HHH", 20 + b - a, ident, fo) + hdr[8:10] + b"\0\0" + hdr[12:]
        out.append(h[:10] + struct.pack("!H", csum(h)) + h[12:] + pay[a:b])
    return out


def frag6(pkt, cuts, ident, hbh=False):
    """The same for IPv6 (no extension header in pkt): a fragment header,
    after a hop-by-hop header (PadN) if hbh."""
    hdr, pay, nh = pkt[:40], pkt[40:], pkt[6]
    edges = [0] + list(cuts) + [len(pay)]
    out = []
    for a, b in zip(edges, edges[1:]):
        fh = struct.pack("!BBHI", nh, 0, a | (1 if b < len(pay) else 0), ident)
        ext = (struct.pack("!BB6s", 44, 0, b"\x01\x04\0\0\0\0") if hbh else b"") + fh
        body = ext + pay[a:b]
        out.append(hdr[:4] + struct.pack("!HB", len(body), 0 if hbh else 44) + hdr[7:] + body)
    return out


class Pcap:
    def __init__(self, path, link=LINK_RAW):
        self.f = open(path, "wb")
        self.link = link
        self.t = 1700000000.0
        self.f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, link))

    def add(self, pkt):
        if self.link == LINK_ETH:
            et = 0x86DD if pkt[0] >> 4 == 6 else 0x0800
            pkt = b"\x02\0\0\0\0\x01\x02\0\0\0\0\x02" + struct.pack("!H", et) + pkt
        self.t += 0.001
        sec = int(self.t)
        self.f.write(struct.pack("<IIII", sec, int((self.t - sec) * 1e6), len(pkt), len(pkt)))
        self.f.write(pkt)

    def close(self):
        self.f.close()


class TcpFlow:
    """A TCP connection written as packets: handshake, data both ways, close."""

    def __init__(self, pc, cli, srv, cport, sport, v6=False):
        self.pc, self.cli, self.srv, self.cport, self.sport, self.v6 = pc, cli, srv, cport, sport, v6
        self.cseq, self.sseq = 1000, 50000

    def _ip(self, src, dst, seg):
        return ip6(src, dst, 6, seg) if self.v6 else ip4(src, dst, 6, seg)

    def c(self, flags, data=b"", seq=None):
        s = self.cseq if seq is None else seq
        self.pc.add(self._ip(self.cli, self.srv, tcp(self.cport, self.sport, s, self.sseq, flags, data)))
        if seq is None:
            self.cseq += len(data) + (1 if "S" in flags or "F" in flags else 0)

    def c_frags(self, data, split, ident, reverse=False, hbh=False):
        """Client data in one segment sent as IP fragments, its TCP payload
        cut near byte split (the cut falls on 8 bytes of the IP payload)."""
        seg = tcp(self.cport, self.sport, self.cseq, self.sseq, "PA", data)
        pkt = self._ip(self.cli, self.srv, seg)
        cut = (20 + split) // 8 * 8
        frags = frag6(pkt, [cut], ident, hbh) if self.v6 else frag4(pkt, [cut], ident)
        for fr in (reversed(frags) if reverse else frags):
            self.pc.add(fr)
        self.cseq += len(data)

    def s(self, flags, data=b""):
        self.pc.add(self._ip(self.srv, self.cli, tcp(self.sport, self.cport, self.sseq, self.cseq, flags, data)))
        self.sseq += len(data) + (1 if "S" in flags or "F" in flags else 0)

    def open(self):
        self.c("S")
        self.s("SA")
        self.c("A")

    def close(self):
        self.c("FA")
        self.s("FA")
        self.c("A")

    def send(self, data, mss=1400):
        for i in range(0, len(data), mss):
            self.c("PA", data[i:i + mss])

    def reply(self, data, mss=1400):
        for i in range(0, len(data), mss):
            self.s("PA", data[i:i + mss])


def dns_query(name, qid=0x1234, qtype=1):
    q = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + q + struct.pack("!HH", qtype, 1)


def client_hello(sni):
    name = sni.encode()
    sni_ext = struct.pack("!HBH", len(name) + 3, 0, len(name)) + name
    exts = struct.pack("!HH", 0, len(sni_ext)) + sni_ext
    body = (b"\x03\x03" + bytes(32) + b"\x00" + struct.pack("!H", 2) + b"\x13\x01" + b"\x01\x00" +
            struct.pack("!H", len(exts)) + exts)
    hs = b"\x01" + struct.pack("!I", len(body))[1:] + body
    return b"\x16\x03\x01" + struct.pack("!H", len(hs)) + hs


# A self-signed test certificate (openssl req -x509, P-256, C=US, O=Example
# Org, CN=evil.example), the one tests/fuzz/mkseeds-fuzz_packet.py uses.
def _read_test_cert():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data",
                        "test-cert.hex")
    with open(path) as f:
        return bytes.fromhex(f.read())


TEST_CERT = _read_test_cert()


def u24(n):
    return struct.pack("!I", n)[1:]


def grease(v):
    return v & 0x0F0F == 0x0A0A and v >> 12 == (v >> 4) & 0xF


def tls_ext(etype, body):
    return struct.pack("!HH", etype, len(body)) + body


def browser_hello(sni):
    """A ClientHello with GREASE values, as browsers send; returns it, its
    JA3 string and its JA4, worked out here from the same lists."""
    suites = [0x3A3A, 0x1301, 0x1302, 0xC02B, 0xC02F, 0x009C]
    groups = [0x8A8A, 29, 23, 24]
    formats = [0]
    name = sni.encode()
    exts = [
        (0xDADA, b""),
        (0, struct.pack("!HBH", len(name) + 3, 0, len(name)) + name),
        (23, b""),
        (65281, b"\0"),
        (10, struct.pack("!H", 2 * len(groups)) + b"".join(struct.pack("!H", g) for g in groups)),
        (11, bytes([len(formats)] + formats)),
        (35, b""),
        (16, b"\x00\x03\x02h2"),
        (43, b"\x04\x7a\x7a\x03\x04"),
        (0x1A1A, b"\0"),
    ]
    ext_bytes = b"".join(tls_ext(t, b) for t, b in exts)
    body = (b"\x03\x03" + bytes(range(32)) + b"\x00" + struct.pack("!H", 2 * len(suites)) +
            b"".join(struct.pack("!H", c) for c in suites) + b"\x01\x00" +
            struct.pack("!H", len(ext_bytes)) + ext_bytes)
    hs = b"\x01" + u24(len(body)) + body
    ja3 = ",".join([
        "771",
        "-".join(str(c) for c in suites if not grease(c)),
        "-".join(str(t) for t, _ in exts if not grease(t)),
        "-".join(str(g) for g in groups if not grease(g)),
        "-".join(str(f) for f in formats),
    ])
    # JA4 (as Suricata 7): version 1.3 from supported_versions, SNI, the
    # counts, ALPN "h2", sorted ciphers, sorted extensions less SNI and ALPN
    ciphers = sorted(c for c in suites if not grease(c))
    types = [t for t, _ in exts if not grease(t)]
    h12 = lambda v: hashlib.sha256(v.encode()).hexdigest()[:12]
    ja4 = "t13d%02d%02dh2_%s_%s" % (
        len(ciphers), len(types), h12(",".join("%04x" % c for c in ciphers)),
        h12(",".join("%04x" % t for t in sorted(t for t in types if t not in (0, 16))) + "_"))
    return b"\x16\x03\x01" + struct.pack("!H", len(hs)) + hs, ja3, ja4


def server_flight(cert):
    """ServerHello (renegotiation_info, ec_point_formats), Certificate,
    ServerHelloDone in one record; and its JA3S string."""
    exts = tls_ext(65281, b"\0") + tls_ext(11, b"\x01\x00")
    hello = b"\x03\x03" + b"\x22" * 32 + b"\x00" + b"\xc0\x2f" + b"\x00" + struct.pack("!H", len(exts)) + exts
    chain = u24(len(cert)) + cert
    hs = (b"\x02" + u24(len(hello)) + hello + b"\x0b" + u24(len(chain) + 3) + u24(len(chain)) + chain +
          b"\x0e\x00\x00\x00")
    return b"\x16\x03\x03" + struct.pack("!H", len(hs)) + hs, "771,49199,65281-11"


def http_get(path, host, ua="snet-test/1.0", extra=b""):
    return (b"GET " + path.encode() + b" HTTP/1.1\r\nHost: " + host.encode() + b"\r\nUser-Agent: " +
            ua.encode() + b"\r\nAccept: */*\r\n" + extra + b"\r\n")


WMI_IFACE = "00000143-0000-0000-c000-000000000046"   # IRemUnknown2, ET's WMI rule
NDR_SYNTAX = "8a885d04-1ceb-11c9-9fe8-08002b104860"


def dce_uuid(text, le=True):
    """A UUID as DCERPC puts it on the wire: its first three fields in the PDU's byte order."""
    b = bytes.fromhex(text.replace("-", ""))
    if not le:
        return b
    return b[3::-1] + b[5:3:-1] + b[7:5:-1] + b[8:]


def dce_pdu(ptype, flags, call_id, body, auth_len=0):
    """A little-endian connection-oriented DCERPC PDU (version 5.0)."""
    return struct.pack("<BBBB4sHHI", 5, 0, ptype, flags, b"\x10\0\0\0", 16 + len(body), auth_len,
                       call_id) + body


def dce_bind(call_id, contexts, ptype=11):
    """BIND (or ALTER_CONTEXT, 14): contexts is [(ctx_id, uuid, major, minor)]."""
    body = struct.pack("<HHIB3x", 5840, 5840, 0, len(contexts))
    for ctx, uuid, major, minor in contexts:
        body += struct.pack("<HBx", ctx, 1) + dce_uuid(uuid) + struct.pack("<HH", major, minor)
        body += dce_uuid(NDR_SYNTAX) + struct.pack("<I", 2)
    return dce_pdu(ptype, 3, call_id, body)


def dce_bind_ack(call_id, results, port=b"49154\0", ptype=12):
    body = struct.pack("<HHIH", 5840, 5840, 0x5a5a, len(port)) + port
    body += b"\0" * ((4 - (16 + len(body)) % 4) % 4)
    body += struct.pack("<B3x", len(results))
    for r in results:
        body += struct.pack("<HH", r, 0) + (dce_uuid(NDR_SYNTAX) + struct.pack("<I", 2) if r == 0
                                             else bytes(20))
    return dce_pdu(ptype, 3, call_id, body)


def dce_request(call_id, ctx, opnum, stub, obj=None, flags=3):
    body = struct.pack("<IHH", len(stub), ctx, opnum)
    if obj:
        flags |= 0x80
        body += dce_uuid(obj)
    return dce_pdu(0, flags, call_id, body + stub)


def dce_response(call_id, ctx, stub, flags=3):
    return dce_pdu(2, flags, call_id, struct.pack("<IHBx", len(stub), ctx, 0) + stub)


def write_tests(out):
    os.makedirs(out, exist_ok=True)
    # http.pcap: a GET with its response, then a POST whose body is split
    pc = Pcap(os.path.join(out, "http.pcap"), LINK_ETH)
    f = TcpFlow(pc, "10.0.0.1", "93.184.216.34", 40000, 80)
    f.open()
    f.send(http_get("/admin/../index.php?id=1%27", "Example.COM:8080", "EvilBot/6.6"))
    body = b"<html>" + b"x" * 3000 + b"SECRET-PAYLOAD</html>"
    f.reply(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    post = b"user=alice&password=hunter2&token=" + b"A" * 2000
    f.send(b"POST /login HTTP/1.1\r\nHost: example.com\r\nContent-Length: %d\r\n"
           b"Cookie: session=abc123\r\n\r\n" % len(post) + post, mss=700)
    f.reply(b"HTTP/1.1 302 Found\r\nLocation: /\r\nContent-Length: 0\r\n\r\n")
    f.close()
    pc.close()
    # stream.pcap: raw TCP; a pattern across two segments, sent out of order
    pc = Pcap(os.path.join(out, "stream.pcap"))
    f = TcpFlow(pc, "10.0.0.2", "198.51.100.7", 40001, 4444)
    f.open()
    a, b, c = b"hello, this is a long line and then MALW", b"ARE-SIGNATURE is here ", b"and more"
    base = f.cseq
    f.c("PA", b, seq=base + len(a))      # out of order first
    f.c("PA", a, seq=base)
    f.c("PA", c, seq=base + len(a) + len(b))
    f.cseq = base + len(a) + len(b) + len(c)
    f.c("PA", b"after-drop data")
    f.close()
    pc.close()
    # dns.pcap, tls.pcap, icmp.pcap, ipv6.pcap
    pc = Pcap(os.path.join(out, "dns.pcap"))
    pc.add(ip4("10.0.0.3", "10.0.0.53", 17, udp(5353, 53, dns_query("evil.example.com"))))
    pc.add(ip4("10.0.0.3", "10.0.0.53", 17, udp(5354, 53, dns_query("good.example.org", 7, 28))))
    pc.close()
    # dns-tcp.pcap: two queries over TCP, the second split across segments
    pc = Pcap(os.path.join(out, "dns-tcp.pcap"))
    f = TcpFlow(pc, "10.0.0.3", "10.0.0.53", 40053, 53)
    f.open()
    q1, q2 = dns_query("good.example.org", 5), dns_query("evil.example.com", 6)
    f.send(struct.pack("!H", len(q1)) + q1 + struct.pack("!H", len(q2)) + q2[:10])
    f.send(q2[10:])
    f.close()
    pc.close()
    pc = Pcap(os.path.join(out, "tls.pcap"))
    f = TcpFlow(pc, "10.0.0.4", "203.0.113.9", 40002, 443)
    f.open()
    hello = client_hello("coin-hive.com")
    f.send(hello[:60])
    f.send(hello[60:])
    f.close()
    pc.close()
    # tls-cert.pcap: a TLS 1.2 handshake with the server's certificate; the
    # rules that find it by fingerprint and JA3, and the values expected in
    # EVE, computed here (hashlib) from the bytes sent
    pc = Pcap(os.path.join(out, "tls-cert.pcap"), LINK_ETH)
    f = TcpFlow(pc, "10.0.0.7", "198.51.100.44", 40004, 443)
    f.open()
    hello, ja3, ja4 = browser_hello("evil.example")
    f.send(hello)
    flight, ja3s = server_flight(TEST_CERT)
    f.reply(flight, mss=300)
    f.close()
    pc.close()
    fp = ":".join("%02x" % b for b in hashlib.sha1(TEST_CERT).digest())
    ja3_md5 = hashlib.md5(ja3.encode()).hexdigest()
    ja3s_md5 = hashlib.md5(ja3s.encode()).hexdigest()
    with open(os.path.join(out, "tls-cert.rules"), "w") as r:
        r.write('alert tls any any -> any any (msg:"T SSLBL fingerprint"; tls_cert_fingerprint; '
                'content:"%s"; sid:9100005; rev:1;)\n' % fp.upper())
        r.write('alert tls any any -> any any (msg:"T JA3"; ja3.hash; content:"%s"; '
                'sid:9100006; rev:1;)\n' % ja3_md5)
        r.write('alert tls any any -> any any (msg:"T JA3S"; ja3s.hash; content:"%s"; '
                'sid:9100007; rev:1;)\n' % ja3s_md5)
        r.write('alert tls any any -> any any (msg:"T JA4"; ja4.hash; content:"%s"; '
                'sid:9100008; rev:1;)\n' % ja4)
    with open(os.path.join(out, "tls-cert.expect"), "w") as e:
        e.write("fingerprint=%s\nja3=%s\nja3_string=%s\nja3s=%s\nja3s_string=%s\nja4=%s\n" %
                (fp, ja3_md5, ja3, ja3s_md5, ja3s, ja4))
    pc = Pcap(os.path.join(out, "icmp.pcap"))
    pc.add(ip4("10.0.0.5", "10.0.0.6", 1, struct.pack("!BBHHH", 8, 0, 0, 1, 1) + b"PINGDATA"))
    pc.close()
    # dcerpc.pcap: DCOM on a dynamic port: bind IRemUnknown2 (accepted) and
    # a second interface (rejected), then RemQueryInterface on the object
    # (an IPID) in two segments, and its response
    pc = Pcap(os.path.join(out, "dcerpc.pcap"), LINK_ETH)
    f = TcpFlow(pc, "10.0.0.7", "10.0.0.8", 49800, 49154)
    f.open()
    f.send(dce_bind(2, [(0, WMI_IFACE, 0, 0), (1, "99fcfec4-5260-101b-bbcb-00aa0021347a", 0, 0)]))
    f.reply(dce_bind_ack(2, [0, 2]))
    orpcthis = struct.pack("<HHII", 5, 7, 0, 0) + bytes(16) + struct.pack("<I", 0)
    req = dce_request(3, 0, 3, orpcthis + struct.pack("<IHH", 1, 1, 0) + b"\x11" * 16,
                      obj="0000a401-2a60-0000-9d2f-8b1c3a56e7d1")
    f.send(req, mss=40)
    f.reply(dce_response(3, 0, struct.pack("<HHII", 5, 7, 0, 0) + bytes(12)))
    f.close()
    pc.close()
    # smtp.pcap: a mail from outside to a server in HOME_NET, its PostScript
    # attachment (base64, 76 columns, across segments) carrying what ET's
    # Ghostscript setpattern rule (sid 2026090) looks for; the text part and
    # the headers name it too, and must not count
    pc = Pcap(os.path.join(out, "smtp.pcap"), LINK_ETH)
    f = TcpFlow(pc, "203.0.113.25", "10.0.0.25", 40500, 25)
    f.open()
    ps = (b"%!PS-Adobe-3.0\n<< /PaintType 1 /PatternType 1 /TilingType 1\n"
          b"   /BBox [0 0 1 1] /XStep 16#7fffffff /YStep 1 /PaintProc { pop } >>\n"
          b"<< 16#41414141 >> setpattern\nshowpage\n") + b"% padding\n" * 40
    b64 = base64.b64encode(ps)
    b64 = b"\r\n".join(b64[i:i + 76] for i in range(0, len(b64), 76))
    f.reply(b"220 mx.example.com ESMTP Postfix\r\n")
    f.send(b"EHLO mail.attacker.example\r\n")
    f.reply(b"250-mx.example.com\r\n250-SIZE 10240000\r\n250 8BITMIME\r\n")
    f.send(b"MAIL FROM:<eve@attacker.example> SIZE=2048\r\n")
    f.reply(b"250 2.1.0 Ok\r\n")
    f.send(b"RCPT TO:<bob@example.com>\r\n")
    f.reply(b"250 2.1.5 Ok\r\n")
    f.send(b"DATA\r\n")
    f.reply(b"354 End data with <CR><LF>.<CR><LF>\r\n")
    f.send(b"From: Eve <eve@attacker.example>\r\nTo: Bob <bob@example.com>\r\n"
           b"Subject: invoice\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: multipart/mixed; boundary=\"----=_Part_0\"\r\n\r\n"
           b"------=_Part_0\r\nContent-Type: text/plain\r\n\r\n"
           b"Please print the attached invoice.ps (16#1 >> setpattern).\r\n"
           b"..dot-stuffed line\r\n"
           b"------=_Part_0\r\nContent-Type: application/postscript; name=\"invoice.ps\"\r\n"
           b"Content-Transfer-Encoding: base64\r\n"
           b"Content-Disposition: attachment; filename=\"invoice.ps\"\r\n\r\n" + b64 +
           b"\r\n------=_Part_0--\r\n.\r\n", mss=300)
    f.reply(b"250 2.0.0 Ok: queued as 4F2A1\r\n")
    # a second message, text only: its body is not a file
    f.send(b"MAIL FROM:<eve@attacker.example>\r\nRCPT TO:<carol@example.com>\r\nDATA\r\n")
    f.reply(b"250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go ahead\r\n")
    f.send(b"Subject: again\r\n\r\n<< 16#41414141 >> setpattern\r\n.\r\n")
    f.reply(b"250 2.0.0 Ok: queued as 4F2A2\r\n")
    f.send(b"QUIT\r\n")
    f.reply(b"221 2.0.0 Bye\r\n")
    f.close()
    pc.close()
    # frag.pcap: what the demo rules look for, split across IP fragments:
    # an HTTP user agent (IPv4, the last fragment first), an IPv6 URI (a
    # fragment header after a hop-by-hop header) and a DNS query (UDP)
    pc = Pcap(os.path.join(out, "frag.pcap"), LINK_ETH)
    f = TcpFlow(pc, "10.0.0.5", "93.184.216.34", 40010, 80)
    f.open()
    req = http_get("/", "example.com", "EvilBot/6.6")
    f.c_frags(req, req.index(b"EvilBot") + 3, 0x1001, reverse=True)
    f.close()
    f = TcpFlow(pc, "2001:db8::1", "2001:db8::80", 40011, 80, v6=True)
    f.open()
    req = http_get("/v6/secret.cgi", "v6.example")
    f.c_frags(req, req.index(b"secret") + 2, 0x2002, hbh=True)
    f.close()
    for fr in frag4(ip4("10.0.0.3", "10.0.0.53", 17, udp(5355, 53, dns_query("evil.example.com"))),
                    [24], 0x3003):
        pc.add(fr)
    pc.close()
    # split.pcap: what the demo rules look for, written to slip past a
    # probe of the first segment: an HTTP request whose "G" goes alone, a
    # ClientHello in 3-byte records whose record type goes alone
    pc = Pcap(os.path.join(out, "split.pcap"), LINK_ETH)
    f = TcpFlow(pc, "10.0.0.6", "93.184.216.34", 40020, 80)
    f.open()
    req = http_get("/", "example.com", "EvilBot/6.6")
    f.send(req[:1])
    f.send(req[1:])
    f.close()
    f = TcpFlow(pc, "10.0.0.6", "203.0.113.9", 40021, 443)
    f.open()
    hs = client_hello("coin-hive.com")[5:]
    recs = b"".join(b"\x16\x03\x01" + struct.pack("!H", len(hs[i:i + 3])) + hs[i:i + 3]
                    for i in range(0, len(hs), 3))
    f.send(recs[:1])
    f.send(recs[1:])
    f.close()
    pc.close()
    pc = Pcap(os.path.join(out, "ipv6.pcap"), LINK_ETH)
    f = TcpFlow(pc, "2001:db8::1", "2001:db8::80", 40003, 80, v6=True)
    f.open()
    f.send(http_get("/v6/secret.cgi", "v6.example"))
    f.close()
    pc.close()


def write_bench(path, nflows, seed=1):
    rnd = random.Random(seed)
    pc = Pcap(path)
    words = [b"index", b"api", b"v1", b"images", b"static", b"user", b"search", b"login",
             b"cart", b"news", b"video", b"data", b"json", b"js", b"css"]
    for i in range(nflows):
        cli = "10.%d.%d.%d" % (1 + i % 200, (i // 200) % 250, 1 + i % 250)
        kind = i % 10
        if kind < 6:      # HTTP request + response
            f = TcpFlow(pc, cli, "93.184.%d.%d" % (i % 250, 1 + i % 200), 20000 + i % 40000, 80)
            f.open()
            path = "/" + "/".join(rnd.choice(words).decode() for _ in range(3)) + "?q=%d" % rnd.randrange(10**6)
            f.send(http_get(path, "www.site%d.com" % (i % 97),
                            "Mozilla/5.0 (X11; Linux x86_64) Firefox/%d.0" % (60 + i % 40)))
            body = bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(500, 6000)))
            f.reply(b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                    b"Content-Length: %d\r\n\r\n" % len(body) + body)
            f.close()
        elif kind < 8:    # DNS
            pc.add(ip4(cli, "10.0.0.53", 17, udp(30000 + i % 30000, 53,
                       dns_query("host%d.example%d.net" % (i, i % 13), i & 0xFFFF))))
        elif kind < 9:    # TLS client hello
            f = TcpFlow(pc, cli, "198.51.100.%d" % (1 + i % 200), 20000 + i % 40000, 443)
            f.open()
            f.send(client_hello("cdn%d.example.com" % i))
            f.reply(bytes(rnd.getrandbits(8) for _ in range(3000)))
            f.close()
        else:             # bulk TCP
            f = TcpFlow(pc, cli, "203.0.113.%d" % (1 + i % 200), 20000 + i % 40000, 9000)
            f.open()
            f.send(bytes(rnd.getrandbits(8) for _ in range(64 * 1024)))
            f.close()
    pc.close()


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--bench":
        write_bench(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 2:
        write_tests(sys.argv[1])
    else:
        sys.exit(__doc__)
