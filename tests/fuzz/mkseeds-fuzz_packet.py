#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""mkseeds-fuzz_packet.py DIR: seeds for fuzz_packet (its input: packets,
each a 2-byte big-endian length and the IPv4 packet).  Random bytes rarely
make a whole TCP handshake and then a TLS server flight, so the server
certificate parser (OpenSSL's X.509 reader behind tls.cert_*) and the
hellos' JA3/JA3S would barely be reached; these flows start the fuzzer
there.  Generated, never fetched:
the certificate is a self-signed test one (openssl req -x509, P-256,
CN=evil.example)."""
import os
import struct
import sys

CERT = bytes.fromhex(
    "308201ca3082016fa0030201020214161a96d9c9362758c732d31469753f27a1a8b1e6300a06"
    "082a8648ce3d040302303a310b300906035504061302555331143012060355040a0c0b457861"
    "6d706c65204f72673115301306035504030c0c6576696c2e6578616d706c65301e170d323631"
    "3132373038313830355a170d3336313132343038313830355a303a310b300906035504061302"
    "555331143012060355040a0c0b4578616d706c65204f72673115301306035504030c0c657669"
    "6c2e6578616d706c653059301306072a8648ce3d020106082a8648ce3d030107034200049862"
    "6f554f6c2c456399ca82772a7407e70a731a774ca5906224e8c35f11e101cff9c566a5fcf709"
    "3ce196247ce2936d835f11d2731ce12746c13595369e39dda3533051301d0603551d0e041604"
    "1401f20e319aabb2ccb33ecc17cf6d25967057eaad301f0603551d2304183016801401f20e31"
    "9aabb2ccb33ecc17cf6d25967057eaad300f0603551d130101ff040530030101ff300a06082a"
    "8648ce3d0403020349003046022100c2f2b165cabb191e3584b16c1799910667e7c512063963"
    "a0f7a19eb6d00227d7022100be0120719b78517ddabb1209c34968e9c848d494770db822430e"
    "e9faf3c2a712"
)

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


def client_hello(browser=False):
    """A bare ClientHello, or one as browsers send (GREASE values, groups,
    point formats, versions) whose JA3 parsing the fuzzer starts from."""
    if not browser:
        body = b"\x03\x03" + b"\x11" * 32 + b"\x00" + b"\x00\x02\x00\x2f" + b"\x01\x00"
    else:
        exts = (ext(0x0A0A, b"") + ext(0, b"\x00\x0f\x00\x00\x0cevil.example") +
                ext(10, b"\x00\x06\x2a\x2a\x00\x1d\x00\x17") + ext(11, b"\x02\x00\x01") +
                ext(43, b"\x04\x3a\x3a\x03\x04") + ext(16, b"\x00\x03\x02h2"))
        body = (b"\x03\x03" + b"\x11" * 32 + b"\x00" + b"\x00\x06\x1a\x1a\x13\x01\xc0\x2f" +
                b"\x01\x00" + struct.pack("!H", len(exts)) + exts)
    hs = b"\x01" + u24(len(body)) + body
    return b"\x16\x03\x01" + struct.pack("!H", len(hs)) + hs


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


def flow(split, browser=False, chain=1, tls13=False):
    cs, ss = 1000, 5000
    ch, sf = client_hello(browser), server_flight(chain, tls13)
    pkts = [tcp(CLI, SRV, 40000, 443, cs, 0, 0x02),
            tcp(SRV, CLI, 443, 40000, ss, cs + 1, 0x12),
            tcp(CLI, SRV, 40000, 443, cs + 1, ss + 1, 0x10),
            tcp(CLI, SRV, 40000, 443, cs + 1, ss + 1, 0x18, ch)]
    off = 0
    for part in (sf[:split], sf[split:]):
        pkts.append(tcp(SRV, CLI, 443, 40000, ss + 1 + off, cs + 1 + len(ch), 0x18, part))
        off += len(part)
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


if __name__ == "__main__":
    main()
