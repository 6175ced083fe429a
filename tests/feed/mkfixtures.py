#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Generate the snet-update test fixtures (nothing binary is committed).

mkfixtures.py ET_DIR OUT: under OUT/www (what the test server serves):

  et/<case>/emerging.rules.tar.gz(.md5)  Emerging Threats layout: rules/*.rules,
        rules/classification.config, rules/emerging-deleted.rules and files
        that are not rules; <case> is good, good2 (one rule changed), and the
        bad ones: corrupt, wrongsum, truncated, notgzip, traversal, absolute,
        symlink, hardlink, device, bomb, errors, unsupported, dupname
  plain/local.rules(.sha256)             a plain rules file for local changes
  plain/flowbits.rules(.sha256)          the ET rule that sets ET.http.javaclient
                                         and three ET rules that check it
and OUT/feed-rules/{v1,v2}: folders that the tests publish as our signed feed.
The rule files come from ET_DIR (the vendored ET Open snapshot).
"""
import gzip
import hashlib
import io
import os
import sys
import tarfile

ET_FILES = ["emerging-icmp.rules", "emerging-dns.rules"]


class Zeros(io.RawIOBase):
    """size zero bytes, read without holding them in memory"""

    def __init__(self, size):
        self.left = size

    def readable(self):
        return True

    def readinto(self, b):
        n = min(len(b), self.left)
        b[:n] = bytes(n)
        self.left -= n
        return n


def tgz(entries):
    """entries: (name, kind, payload) -> .tar.gz bytes.
    kind: file (payload bytes), dir, zeros (payload size), symlink/hardlink
    (payload target), chr (device)."""
    raw = io.BytesIO()
    with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        with tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for name, kind, payload in entries:
                ti = tarfile.TarInfo(name)
                ti.mtime = 1600000000
                ti.mode = 0o644
                fileobj = None
                if kind == "file":
                    ti.size = len(payload)
                    fileobj = io.BytesIO(payload)
                elif kind == "zeros":
                    ti.size = payload
                    fileobj = io.BufferedReader(Zeros(payload))
                elif kind == "dir":
                    ti.type = tarfile.DIRTYPE
                    ti.mode = 0o755
                elif kind == "symlink":
                    ti.type = tarfile.SYMTYPE
                    ti.linkname = payload
                elif kind == "hardlink":
                    ti.type = tarfile.LNKTYPE
                    ti.linkname = payload
                elif kind == "chr":
                    ti.type = tarfile.CHRTYPE
                    ti.devmajor, ti.devminor = 1, 3
                tar.addfile(ti, fileobj)
    return raw.getvalue()


def put(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def et_case(www, case, data, md5_of=None):
    d = os.path.join(www, "et", case)
    put(os.path.join(d, "emerging.rules.tar.gz"), data)
    digest = hashlib.md5(data if md5_of is None else md5_of).hexdigest()
    put(os.path.join(d, "emerging.rules.tar.gz.md5"), (digest + "\n").encode())


def main():
    et, out = sys.argv[1], sys.argv[2]
    www = os.path.join(out, "www")
    files = {n: open(os.path.join(et, n), "rb").read() for n in ET_FILES}
    classification = open(os.path.join(et, "classification.config"), "rb").read()
    # a rule file that would fail the test-compile if it were not ignored
    deleted = b"".join(b"alert tcp any any -> any any (msg:\"deleted %d\"; nosuchkeyword; sid:%d;)\n"
                       % (i, 9000000 + i) for i in range(50))
    base = [("rules", "dir", None)]
    base += [("rules/" + n, "file", files[n]) for n in ET_FILES]
    base += [("rules/classification.config", "file", classification),
             ("rules/emerging-deleted.rules", "file", deleted),
             ("rules/sid-msg.map", "file", b"2100387 || GPL ICMP\n"),
             ("rules/LICENSE", "file", b"see each rules file\n")]
    good = tgz(base)
    et_case(www, "good", good)
    # the next version upstream: one rule's rev and message changed
    icmp2 = files["emerging-icmp.rules"].replace(
        b'msg:"GPL ICMP Address Mask Reply undefined code"',
        b'msg:"GPL ICMP Address Mask Reply undefined code v2"', 1)
    assert icmp2 != files["emerging-icmp.rules"]
    et_case(www, "good2", tgz([e if e[0] != "rules/emerging-icmp.rules"
                               else (e[0], "file", icmp2) for e in base]))

    # a transfer that went wrong: bytes changed after the .md5 was made
    corrupt = bytearray(good)
    for i in range(len(corrupt) // 2, len(corrupt) // 2 + 64):
        corrupt[i] ^= 0x5A
    et_case(www, "corrupt", bytes(corrupt), md5_of=good)
    et_case(www, "wrongsum", good, md5_of=b"another tarball")
    et_case(www, "truncated", good[:len(good) // 2])
    et_case(www, "notgzip", b"<html><body>Moved to a new mirror</body></html>\n")
    icmp = [("rules/emerging-icmp.rules", "file", files["emerging-icmp.rules"]),
            ("rules/classification.config", "file", classification)]
    et_case(www, "traversal", tgz(icmp + [("rules/../../evil.rules", "file", b"x\n")]))
    et_case(www, "absolute", tgz(icmp + [("/tmp/snet-evil.rules", "file", b"x\n")]))
    et_case(www, "symlink", tgz(icmp + [("rules/evil.rules", "symlink", "/etc/passwd")]))
    et_case(www, "hardlink", tgz(icmp + [("rules/evil.rules", "hardlink",
                                          "rules/emerging-icmp.rules")]))
    et_case(www, "device", tgz(icmp + [("rules/evil.rules", "chr", None)]))
    # 300 MiB of zeros: a few hundred KiB compressed, past the default 256 MiB
    et_case(www, "bomb", tgz(icmp + [("rules/bomb.rules", "zeros", 300 << 20)]))
    broken = b"".join(b"alert tcp any any -> any any (msg:\"broken %d\"; content:\"|zz|\"; sid:%d;)\n"
                      % (i, 8000000 + i) for i in range(20))
    et_case(www, "errors", tgz(icmp + [("rules/broken.rules", "file", broken)]))
    # rules for a protocol the engine does not support: no error, but most do not load
    foreign = b"".join(b"alert imap any any -> any any (msg:\"imap %d\"; content:\"LOGIN\"; sid:%d;)\n"
                       % (i, 8100000 + i) for i in range(40))
    et_case(www, "unsupported", tgz(icmp + [("rules/imap.rules", "file", foreign)]))
    et_case(www, "dupname", tgz(icmp + [("other/emerging-icmp.rules", "file", b"\n")]))

    # local rules for the local-changes tests
    local = (
        b"# local rules for the snet-update tests\n"
        b"alert tcp $HOME_NET any -> $EXTERNAL_NET 80 (msg:\"LOCAL one\"; content:\"one\"; sid:1000001; rev:1;)\n"
        b"alert tcp $HOME_NET any -> $EXTERNAL_NET 80 (msg:\"LOCAL two\"; content:\"two\"; sid:1000002; rev:1;)\n"
        b"#alert tcp $HOME_NET any -> $EXTERNAL_NET any (msg:\"LOCAL three off\"; content:\"three\"; sid:1000003; rev:1;)\n"
        b"alert udp $HOME_NET any -> any 53 (msg:\"LOCAL four heartbleed\"; content:\"four\"; sid:1000004; rev:2;)\n"
        b"alert tcp $HOME_NET any -> $EXTERNAL_NET 443 (msg:\"LOCAL five\"; content:\"five\"; sid:1000005; rev:1;)\n")
    put(os.path.join(www, "plain", "local.rules"), local)
    put(os.path.join(www, "plain", "local.rules.sha256"),
        ("%s  local.rules\n" % hashlib.sha256(local).hexdigest()).encode())

    # flowbit dependencies: real ET rules, the setter first
    lines = []
    for name in sorted(os.listdir(et)):
        if name.endswith(".rules"):
            with open(os.path.join(et, name), "rb") as f:
                lines += [l for l in f if not l.startswith(b"#")]
    setter = [l for l in lines if b"flowbits:set,ET.http.javaclient;" in l]
    checkers = [l for l in lines if b"flowbits:isset,ET.http.javaclient;" in l]
    assert len(setter) == 1 and len(checkers) >= 3
    fb = b"".join(setter + checkers[:3])
    put(os.path.join(www, "plain", "flowbits.rules"), fb)
    put(os.path.join(www, "plain", "flowbits.rules.sha256"),
        ("%s  flowbits.rules\n" % hashlib.sha256(fb).hexdigest()).encode())

    # folders to publish as our feed; v2 adds a rule
    for v, extra in (("v1", b""), ("v2", b"alert tcp any any -> any 8080 (msg:\"FEED v2\"; content:\"v2\"; sid:1100002; rev:1;)\n")):
        d = os.path.join(out, "feed-rules", v)
        put(os.path.join(d, "snet-base.rules"),
            b"# snet feed test rules\n"
            b"alert tcp any any -> any 80 (msg:\"FEED base\"; content:\"base\"; classtype:misc-activity; sid:1100001; rev:1;)\n"
            + extra)
        put(os.path.join(d, "emerging-icmp.rules"), files["emerging-icmp.rules"])
        put(os.path.join(d, "classification.config"), classification)


if __name__ == "__main__":
    main()
