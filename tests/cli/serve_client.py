#!/usr/bin/env python3
"""serve_client.py -- clients that misbehave, for the fault tests of klarbrev serve (tests/cli/test_serve_*.sh).

Each subcommand prints one JSON object on stdout:
  upload-abort PORT TOKEN            headers for a 1 MB /check, 1000 bytes of it, then the connection is dropped
  download-abort PORT TOKEN FILE     POST /check?annotate=1 with FILE, reads 200 bytes of the answer, drops it
  slow PORT TOKEN SECONDS            sends a /check request one byte a second; how long until the server cut it
  many PORT TOKEN N FILE             N connections at once, each POST /check with FILE; the statuses counted
  chunked PORT TOKEN BYTES           a chunked POST /check of BYTES bytes; the status, or "closed"
"""
import json
import resource
import selectors
import socket
import sys
import time


def connect(port):
    s = socket.create_connection(("127.0.0.1", int(port)), timeout=30)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def head(path, token, length, extra=""):
    return ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\n%s\r\n"
            % (path, token, length, extra)).encode()


def status_of(data):
    line = data.split(b"\r\n", 1)[0].split()
    return int(line[1]) if len(line) > 1 and line[1].isdigit() else None


def upload_abort(port, token):
    s = connect(port)
    s.sendall(head("/check", token, 1 << 20, "Content-Type: text/plain\r\n") + b"a" * 1000)
    time.sleep(0.2)
    s.close()
    return {"sent": 1000}


def download_abort(port, token, path):
    body = open(path, "rb").read()
    s = connect(port)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.sendall(head("/check?annotate=1", token, len(body)) + body)
    got = s.recv(200)
    # a reset rather than an orderly close: the server finds out while it writes
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    s.close()
    return {"status": status_of(got), "read": len(got)}


def slow(port, token, seconds):
    req = head("/check", token, 40, "Content-Type: text/plain\r\n") + b"Vi har behandlet din ans\xc3\xb8gning i dag. "
    s = connect(port)
    t0 = time.monotonic()
    sent = 0
    try:
        for b in req:
            s.sendall(bytes([b]))
            sent += 1
            time.sleep(1)
            if time.monotonic() - t0 > float(seconds):
                return {"cut": False, "after": round(time.monotonic() - t0, 1), "sent": sent}
    except OSError:
        return {"cut": True, "after": round(time.monotonic() - t0, 1), "sent": sent}
    # all sent: the server answered in time
    data = s.recv(100)
    return {"cut": False, "after": round(time.monotonic() - t0, 1), "sent": sent, "status": status_of(data)}


def many(port, token, n, path):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, int(n) + 64)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    body = open(path, "rb").read()
    req = head("/check", token, len(body), "Content-Type: text/plain\r\n") + body
    sel = selectors.DefaultSelector()
    counts = {}
    conns = []
    for _ in range(int(n)):
        try:
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", int(port)))
            conns.append(s)
            sel.register(s, selectors.EVENT_WRITE, {"out": req, "in": b""})
        except OSError as e:
            counts["connect:" + e.__class__.__name__] = counts.get("connect:" + e.__class__.__name__, 0) + 1
    deadline = time.monotonic() + 180
    open_ = len(conns)
    while open_ and time.monotonic() < deadline:
        for key, ev in sel.select(timeout=1):
            s, st = key.fileobj, key.data
            try:
                if ev & selectors.EVENT_WRITE and st["out"]:
                    k = s.send(st["out"])
                    st["out"] = st["out"][k:]
                    if not st["out"]:
                        sel.modify(s, selectors.EVENT_READ, st)
                    continue
                chunk = s.recv(65536)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError as e:
                chunk = None
                name = "error:" + e.__class__.__name__
                counts[name] = counts.get(name, 0) + 1
            done = chunk is None or chunk == b""
            if chunk:
                st["in"] += chunk
                hdr, sep, rest = st["in"].partition(b"\r\n\r\n")
                if sep:
                    length = 0
                    for line in hdr.split(b"\r\n")[1:]:
                        k, _, v = line.partition(b":")
                        if k.strip().lower() == b"content-length":
                            length = int(v)
                    done = len(rest) >= length
            if done:
                if chunk is not None:
                    code = status_of(st["in"])
                    name = str(code) if code else "closed"
                    counts[name] = counts.get(name, 0) + 1
                    if code == 503 and b"\r\nretry-after:" in st["in"].partition(b"\r\n\r\n")[0].lower():
                        counts["503-retry-after"] = counts.get("503-retry-after", 0) + 1
                sel.unregister(s)
                s.close()
                open_ -= 1
    for key in list(sel.get_map().values()):
        counts["unanswered"] = counts.get("unanswered", 0) + 1
        key.fileobj.close()
    return counts


def chunked(port, token, nbytes):
    s = connect(port)
    s.sendall(("POST /check HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\nContent-Type: text/plain\r\n"
               "Transfer-Encoding: chunked\r\n\r\n" % token).encode())
    piece = b"a" * 65536
    left = int(nbytes)
    try:
        while left > 0:
            k = min(left, len(piece))
            s.sendall(b"%x\r\n" % k + piece[:k] + b"\r\n")
            left -= k
        s.sendall(b"0\r\n\r\n")
        data = s.recv(200)
    except OSError:
        return {"status": "closed"}
    code = status_of(data)
    return {"status": code if code else "closed"}


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    out = {"upload-abort": upload_abort, "download-abort": download_abort, "slow": slow, "many": many,
           "chunked": chunked}[cmd](*args)
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main()
