"""Hostile input: every case in tests/data/hostile/ against a real server.

Each case is one raw request (tests/data/hostile/README.md is the file
format) sent on its own connection. The answer must be the status the case
expects, as a problem+json body when the body is ours; never a 5xx, never a
dropped connection. After the suite the server must still be alive and the
content it serves must be exactly what it served before.
"""
import glob
import json
import os
import re
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hh import SRC, check, done, psql, raw_request, served_database  # noqa: E402

CASES = os.path.join(SRC, "tests", "data", "hostile")
MACRO = re.compile(rb"\{\{(.*?)\}\}")
BODY_KINDS = ("problem", "json", "libmicrohttpd", "none", "any")


class Case:
    """One NAME.http file, parsed: directives, then the bytes to send."""

    def __init__(self, path):
        self.name = os.path.basename(path)[:-len(".http")]
        self.expect, self.body, self.contains, self.absent = [], "problem", [], []
        with open(path, "rb") as f:
            lines = f.read().split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()  # the file's final newline is not part of the request
        while lines and lines[0].startswith(b"#"):
            self._directive(lines.pop(0)[1:].decode("utf-8").strip())
        if not self.expect:
            raise ValueError("%s: no '# expect:' line" % self.name)
        if self.body not in BODY_KINDS:
            raise ValueError("%s: '# body: %s' is not one of %s" % (self.name, self.body, BODY_KINDS))
        self.data = self._assemble(lines)

    def _directive(self, text):
        key, _, value = text.partition(":")
        key, value = key.strip(), value.strip()
        if key == "expect":
            # "closed": the only acceptable outcome is the connection closed with no answer
            # (libmicrohttpd 0.9.75 does this for byte streams that are not HTTP at all)
            self.expect = [v if v == "closed" else int(v) for v in value.replace("|", " ").split()]
        elif key == "body":
            self.body = value
        elif key == "contains":
            self.contains.append(value.encode())
        elif key == "absent":
            self.absent.append(value.encode())
        # anything else is a comment

    def _assemble(self, lines):
        if b"" in lines:
            cut = lines.index(b"")
            head, body, has_body = lines[:cut], b"\n".join(lines[cut + 1:]), True
        else:
            head, body, has_body = lines, b"", False
        body = expand(body, None)
        out = b"".join(expand(line, len(body)) + b"\r\n" for line in head)
        if has_body:
            out += b"\r\n" + body
        return out


def expand(text, length):
    """Replaces the {{...}} macros of the case format (README.md)."""
    def one(m):
        word, _, arg = m.group(1).partition(b" ")
        if word == b"hex":
            return bytes.fromhex(arg.decode())
        if word == b"repeat":
            count, _, unit = arg.partition(b" ")
            return unit * int(count)
        if word == b"crlf":
            return b"\r\n"
        if word == b"sp":
            return b" "
        if word == b"length" and length is not None:
            return str(length).encode()
        raise ValueError("unknown macro {{%s}}" % m.group(1).decode())
    return MACRO.sub(one, text)


def parse_response(raw):
    """(status, lower-case headers, body) of the first response, or None."""
    head, sep, body = raw.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    m = re.match(rb"HTTP/1\.[01] (\d{3})", lines[0]) if sep else None
    if m is None:
        return None
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        headers[k.strip().lower().decode("latin-1")] = v.strip().decode("latin-1")
    return int(m.group(1)), headers, body


def send(port, data):
    """hh.raw_request, or when that fails mid-way, a sender that keeps what came back.

    A server may answer (413, 431) and close before it has read everything
    we send; the close then resets our socket, and raw_request raises on the
    send or shutdown although the answer is already in our receive buffer.
    """
    try:
        return raw_request(port, data, timeout=10), None
    except OSError as e:
        first = e
    chunks = []
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        for step in (lambda: s.sendall(data), lambda: s.shutdown(socket.SHUT_WR)):
            try:
                step()
            except OSError:
                break
        while True:
            try:
                c = s.recv(65536)
            except OSError as e:
                return b"".join(chunks), e
            if not c:
                return b"".join(chunks), first
            chunks.append(c)
    finally:
        s.close()


def check_problem(where, status, body):
    try:
        p = json.loads(body)
    except ValueError:
        return check(False, "%s: problem body is not JSON: %r" % (where, body[:200]))
    ok = check(isinstance(p, dict) and all(k in p for k in ("type", "title", "status", "detail")),
               "%s: problem lacks type, title, status or detail: %r" % (where, body[:200]))
    return ok and check(p["status"] == status, "%s: problem status %r in a %d" % (where, p["status"], status))


def run_case(server, case):
    raw, err = send(server.port, case.data)
    resp = parse_response(raw)
    where = "%s (sent %d bytes)" % (case.name, len(case.data))
    if resp is None:
        alive = server.proc.poll() is None
        if "closed" in case.expect and not raw:
            return check(alive, "%s: the server died" % where)
        return check(False, "%s: no HTTP answer (%s; %r; server %s)"
                     % (where, err or "connection closed", raw[:120], "alive" if alive else "DIED"))
    status, headers, body = resp
    ok = check(status in case.expect, "%s: status %d, wanted %s: %r" % (where, status, case.expect, body[:200]))
    ok &= check(status < 500, "%s: a 5xx answer" % where)
    ctype = headers.get("content-type", "")
    if case.body == "problem":
        ok &= check(ctype.startswith("application/problem+json"), "%s: content-type %r, wanted problem+json"
                    % (where, ctype))
        ok &= check_problem(where, status, body)
    elif case.body == "json":
        ok &= check(ctype.startswith("application/json"), "%s: content-type %r, wanted JSON" % (where, ctype))
    elif case.body == "none":
        ok &= check(body == b"", "%s: a body where none belongs: %r" % (where, body[:200]))
    for text in case.contains:
        ok &= check(text in body, "%s: body does not contain %r: %r" % (where, text, body[:300]))
    for text in case.absent:
        ok &= check(text not in body, "%s: body contains %r: %r" % (where, text, body[:300]))
    return ok


def content_state(server, url):
    st, h, body = server.get("/v1/causes")
    check(st == 200, "GET /v1/causes: status %d" % st)
    return body, h.get("etag"), psql(url, "SELECT count(*) FROM documents")


def main():
    paths = sorted(glob.glob(os.path.join(CASES, "*.http")))
    check(len(paths) >= 40, "only %d hostile cases in %s" % (len(paths), CASES))
    cases = [Case(p) for p in paths]
    with served_database("test_hostile") as server:
        url = server.url
        before = content_state(server, url)
        passed = 0
        for case in cases:
            started = time.time()
            ok = run_case(server, case)
            passed += bool(ok)
            print("%-4s %-40s %.2fs" % ("ok" if ok else "FAIL", case.name, time.time() - started), flush=True)
        print("%d of %d hostile cases answered as expected" % (passed, len(cases)))
        check(server.proc.poll() is None, "the server died during the suite")
        st, _, _ = server.get("/healthz")
        check(st == 200, "GET /healthz after the suite: %d" % st)
        after = content_state(server, url)
        check(after[0] == before[0], "GET /v1/causes bytes changed during the suite")
        check(after[1] == before[1], "GET /v1/causes ETag %r became %r" % (before[1], after[1]))
        check(after[2] == before[2], "causes count %s became %s" % (before[2], after[2]))
    done()


if __name__ == "__main__":
    main()
