#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""mkseeds-fuzz_feed_files.py DIR: the binary seeds of fuzz_feed_files
(tarballs, selector byte 'a'), made here rather than committed."""
import io
import os
import sys
import tarfile


def tarball(entries, mode="w:gz"):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as t:
        for name, data in entries:
            info = tarfile.TarInfo(name)
            if data is None:
                info.type = tarfile.DIRTYPE
                t.addfile(info)
            else:
                info.size = len(data)
                t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rule = b'alert tcp any any -> any any (msg:"x"; content:"abc"; sid:1; rev:1;)\n'
    cls = b"config classification: trojan-activity,A Network Trojan was detected,1\n"
    seeds = {
        "et-layout": tarball([("rules", None), ("rules/emerging-x.rules", rule),
                              ("rules/classification.config", cls),
                              ("rules/README", b"not wanted\n")]),
        "plain-tar": tarball([("a.rules", rule)], mode="w"),
        "traversal": tarball([("../evil.rules", rule)]),
    }
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(b"a" + data)


if __name__ == "__main__":
    main()
