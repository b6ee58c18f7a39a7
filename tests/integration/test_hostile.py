"""Hostile input: every case in tests/data/hostile/ against a real server.

Each case is one raw request (tests/data/hostile/README.md is the file
format) sent on its own connection. The answer must be the status the case
expects, as a problem+json body when the body is ours; never a 5xx (but a
501 a case expects), never a dropped connection. A case that says how many
answers it wants (`# answers: N`) carries a pipelined request after its
body and is sent without half-closing: the server must answer N requests
and close the connection itself. After the suite the server must still be
alive and the content it serves must be exactly what it served before.
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
        self.answers = None  # `# answers: N`: pipelined, the server closes after N answers
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
        elif key == "answers":
            self.answers = int(value)
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


def send_pipelined(port, data, timeout=5.0):
    """Sends data and reads without half-closing our side, so only the server can end the
    connection: (bytes, how it ended: "closed", "reset" or "still open", seconds)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    t0 = time.monotonic()
    chunks, how = [], "closed"
    try:
        try:
            s.sendall(data)
        except OSError:
            pass  # answered and closed before reading it all: what came back still counts
        while True:
            try:
                c = s.recv(65536)
            except socket.timeout:
                how = "still open"
                break
            except OSError:
                how = "reset"
                break
            if not c:
                break
            chunks.append(c)
    finally:
        s.close()
    return b"".join(chunks), how, time.monotonic() - t0


def split_responses(raw):
    """[(status, headers, body)] of the responses in raw, framed by Content-Length, and the
    bytes left over that are not a response."""
    out = []
    while raw.startswith(b"HTTP/"):
        resp = parse_response(raw)
        if resp is None:
            break
        status, headers, rest = resp
        n = int(headers.get("content-length", "0") or 0)
        out.append((status, headers, rest[:n]))
        raw = rest[n:]
    return out, raw


def run_pipelined(server, case):
    """A `# answers: N` case: exactly N answers, then the server closes; the first as expected."""
    raw, how, secs = send_pipelined(server.port, case.data)
    where = "%s (pipelined, %d bytes)" % (case.name, len(case.data))
    answers, left = split_responses(raw)
    ok = check(how == "closed", "%s: the server did not close the connection (%s after %.1f s), %d answers: %r"
               % (where, how, secs, len(answers), raw[:200]))
    ok &= check(secs < 2.0, "%s: answered and closed after %.2f s, wanted at once" % (where, secs))
    # libmicrohttpd 0.9.75 writes the header block of its own error answers twice (its
    # parse_connection_headers error path is followed by the normal reply path): the first
    # answer's body then swallows part of it, and the rest of its HTML is left over.
    if case.body != "libmicrohttpd":
        ok &= check(left == b"", "%s: bytes after the answers: %r" % (where, left[:200]))
    ok &= check(len(answers) == case.answers, "%s: %d answers, wanted %d (statuses %r)"
                % (where, len(answers), case.answers, [a[0] for a in answers]))
    if not answers:
        return False
    status, headers, _ = answers[0]
    if status >= 400:
        ok &= check(headers.get("connection", "").lower() == "close",
                    "%s: a %d on a connection that closes says Connection: close: %r" % (where, status, headers))
    if case.answers > 1:
        ok &= check(all(a[0] == 200 for a in answers[1:]), "%s: the pipelined requests are answered 200: %r"
                    % (where, [a[0] for a in answers]))
    return ok


def check_lingering_close(server):
    """After an answer that closes the connection, the server keeps reading (and discarding)
    what the client still sends for a while (listen.h, lingering close) instead of resetting
    the connection, which could destroy the answer before the client reads it."""
    s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    try:
        s.sendall(b"POST /v1/triage HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n")
        raw = b""
        try:
            while True:
                c = s.recv(65536)
                if not c:
                    break
                raw += c
        except OSError as e:
            check(False, "lingering close: reading the answer to a framing error: %r after %r" % (e, raw[:100]))
            return
        check(raw.startswith(b"HTTP/1.1 400"), "lingering close: the framing error is answered 400: %r" % raw[:100])
        sent, err = 0, None
        for _ in range(6):
            try:
                s.sendall(b"x" * 1024)
                sent += 1
            except OSError as e:
                err = e
                break
            time.sleep(0.05)
        check(err is None, "lingering close: after the answer and EOF the client may still send for a while "
              "without a reset: %d KiB sent, then %r" % (sent, err))
        print("lingering close: %d KiB sent after the answer without a reset" % sent)
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
    if case.answers is not None and not run_pipelined(server, case):
        return False
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
    ok &= check(status < 500 or (status == 501 and 501 in case.expect), "%s: a 5xx answer" % where)
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
        check_lingering_close(server)
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
