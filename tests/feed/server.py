#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A small HTTP server on loopback for the snet-update tests.

Serves files under --root with ETag and Last-Modified, answering 304 to a
matching If-None-Match or If-Modified-Since; logs one line per request
("METHOD PATH STATUS BYTES inm=0|1 ims=0|1") to --log.  Odd replies by path
prefix, each followed by the real file path:

  /stall/F        headers and 100 bytes of F, then nothing for 60 s
  /drip/F         F at 4 bytes a second: never stalled, always too slow
  /chunked/F      F in chunked encoding, without Content-Length
  /status/N/F     an empty reply with status N
  /to-file/F      302 to file:///etc/passwd (a redirect that must be refused)
  /redirect/F     302 to /F

A request in absolute form (GET http://HOST/F, as a client sends to an HTTP
proxy) is served as /F: the server stands in for a forward proxy and the
origin behind it, and logs the absolute form, so a test can tell that the
request went through "the proxy".

Only the standard library; binds 127.0.0.1 on a free port written to
--port-file.  With --tls CERT KEY it speaks https.
"""
import argparse
import email.utils
import hashlib
import http.server
import os
import ssl
import sys
import threading
import time


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet on stderr; we keep our own log
        pass

    def record(self, status, nbytes):
        inm = int("If-None-Match" in self.headers)
        ims = int("If-Modified-Since" in self.headers)
        with self.server.log_lock:
            self.server.log.write("%s %s %d %d inm=%d ims=%d\n" % (
                self.command, self.path, status, nbytes, inm, ims))
            self.server.log.flush()

    def local(self, rel):
        root = self.server.root
        path = os.path.realpath(os.path.join(root, rel.lstrip("/")))
        if not path.startswith(root + os.sep) or not os.path.isfile(path):
            return None
        return path

    def reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.record(status, len(body))

    def do_GET(self):
        p = self.path.split("?", 1)[0]
        if p.startswith("http://"):
            p = "/" + p[len("http://"):].partition("/")[2]
        if p.startswith("/status/"):
            code = int(p.split("/")[2])
            return self.reply(code)
        if p.startswith("/to-file/"):
            return self.reply(302, headers=[("Location", "file:///etc/passwd")])
        if p.startswith("/redirect/"):
            return self.reply(302, headers=[("Location", p[len("/redirect"):])])
        mode = None
        for m in ("stall", "chunked", "drip"):
            if p.startswith("/%s/" % m):
                mode, p = m, p[len(m) + 1:]
        path = self.local(p)
        if not path:
            return self.reply(404, b"not found\n")
        with open(path, "rb") as f:
            data = f.read()
        mtime = os.stat(path).st_mtime
        etag = '"%s"' % hashlib.sha256(data).hexdigest()[:16]
        lastmod = email.utils.formatdate(mtime, usegmt=True)
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        fresh = False
        if inm is not None:
            fresh = etag in [t.strip() for t in inm.split(",")]
        elif ims is not None:
            try:
                fresh = int(mtime) <= email.utils.parsedate_to_datetime(ims).timestamp()
            except (TypeError, ValueError):
                fresh = False
        if fresh and mode is None:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            self.record(304, 0)
            return
        if mode == "stall":
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[:100])
            self.wfile.flush()
            self.record(200, 100)
            self.server.stop.wait(60)
            return
        if mode == "drip":
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            sent = 0
            try:
                while sent < len(data) and not self.server.stop.wait(0.25):
                    self.wfile.write(data[sent:sent + 1])
                    self.wfile.flush()
                    sent += 1
            except OSError:
                pass
            self.record(200, sent)
            return
        if mode == "chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(0, len(data), 4096):
                c = data[i:i + 4096]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(c), c))
            self.wfile.write(b"0\r\n\r\n")
            self.record(200, len(data))
            return
        self.reply(200, data, [("ETag", etag), ("Last-Modified", lastmod),
                               ("Content-Type", "application/octet-stream")])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    a = ap.parse_args()
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if a.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.tls[0], a.tls[1])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    srv.daemon_threads = True
    srv.root = os.path.realpath(a.root)
    srv.log = open(a.log, "a")
    srv.log_lock = threading.Lock()
    srv.stop = threading.Event()
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, a.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        srv.stop.set()


if __name__ == "__main__":
    sys.exit(main())
