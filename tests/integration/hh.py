"""Shared helpers for HealthHub integration tests.

Each test gets its own database in the throwaway cluster that ctest starts
(fixture `pg`), runs the real `healthhub` binary and talks real HTTP.
"""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

BIN = os.environ.get("HH_BIN", "build/healthhub")
SRC = os.environ.get("HH_SOURCE_DIR", os.getcwd())
PGDIR = os.environ.get("HH_TEST_PG", "build/testpg")
CONTENT = os.path.join(SRC, "content")
MIGRATIONS = os.path.join(SRC, "migrations")

_failures = []


def admin_url():
    out = subprocess.run([os.path.join(SRC, "scripts/pgcluster"), "url", PGDIR],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


def db_url(name):
    return re.sub(r"/postgres\?", "/%s?" % name, admin_url())


def psql(url, sql, check=True):
    """Runs SQL with psql; returns stdout (tuples only, unaligned)."""
    out = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
                         capture_output=True, text=True)
    if check and out.returncode != 0:
        raise RuntimeError("psql failed: %s" % out.stderr)
    return out.stdout.strip()


def new_database(name):
    """A fresh, empty database named after the test; returns its URL."""
    name = re.sub(r"[^a-z0-9_]", "_", name.lower())
    admin = admin_url()
    psql(admin, "DROP DATABASE IF EXISTS %s WITH (FORCE)" % name)
    psql(admin, "CREATE DATABASE %s" % name)
    return db_url(name)


def run(*args, env=None, timeout=120):
    """Runs the healthhub binary; returns CompletedProcess (text)."""
    e = dict(os.environ)
    e.pop("DATABASE_URL", None)
    if env:
        e.update(env)
    return subprocess.run([BIN] + list(args), capture_output=True, text=True, env=e, timeout=timeout)


def migrate(url, *args, content=CONTENT, migrations=MIGRATIONS, check=True):
    argv = ["migrate"] + list(args) + ["--database-url", url, "--migrations", migrations]
    if content is not None:
        argv += ["--content", content]
    r = run(*argv)
    if check and r.returncode != 0:
        raise AssertionError("migrate failed (%d):\n%s\n%s" % (r.returncode, r.stdout, r.stderr))
    return r


def copy_content(dst=None):
    """A private, editable copy of content/; returns its path."""
    d = dst or tempfile.mkdtemp(prefix="hh-content-")
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(CONTENT, d)
    return d


class Server:
    """Runs `healthhub serve` on a free port; use as a context manager."""

    def __init__(self, url, *args, env=None, ready=True):
        self.url, self.args, self.env, self.wait_ready = url, list(args), env or {}, ready
        self.proc = None
        self.port = None
        self.lines = []
        self._listening = threading.Event()

    def start(self):
        e = dict(os.environ)
        e.pop("DATABASE_URL", None)
        e.update(self.env)
        argv = [BIN, "serve", "--host", "127.0.0.1", "--port", "0", "--database-url", self.url] + self.args
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=e)
        threading.Thread(target=self._drain, daemon=True).start()
        if not self._listening.wait(20):
            self.stop(expect_code=None)
            raise AssertionError("server did not start:\n" + "\n".join(self.lines[-30:]))
        if self.wait_ready:
            self.wait_for(lambda: self.get("/readyz")[0] == 200, 20, "readyz 200")
        return self

    def _drain(self):
        for raw in self.proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self.lines.append(line)
            if self.port is None:
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue
                if rec.get("msg") == "listening":
                    self.port = int(rec["port"])
                    self._listening.set()

    def wait_for(self, pred, seconds, what):
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                if pred():
                    return
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.02)
        raise AssertionError("timed out waiting for " + what + "\n" + "\n".join(self.lines[-30:]))

    def request(self, method, path, headers=None, body=None, timeout=10):
        return request(self.port, method, path, headers, body, timeout)

    def get(self, path, headers=None):
        return self.request("GET", path, headers)

    def get_json(self, path, headers=None, status=200):
        st, h, b = self.get(path, headers)
        check(st == status, "GET %s: status %d, wanted %d: %r" % (path, st, status, b[:300]))
        return json.loads(b)

    def stop(self, sig=signal.SIGTERM, expect_code=0, timeout=15):
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
            raise AssertionError("server did not stop within %ds" % timeout)
        if expect_code is not None:
            check(code == expect_code, "server exit code %r, wanted %r" % (code, expect_code))
        return code

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop(expect_code=None if exc[0] else 0)


def request(port, method, path, headers=None, body=None, timeout=10):
    """One HTTP request; returns (status, headers with lower-case names, body bytes)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            headers = dict(headers or {})
            headers.setdefault("Content-Type", "application/json")
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        data = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data
    finally:
        conn.close()


def raw_request(port, data, timeout=5):
    """Sends raw bytes and returns whatever the server answers before closing."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        chunks = []
        while True:
            try:
                c = s.recv(65536)
            except socket.timeout:
                break
            if not c:
                break
            chunks.append(c)
        return b"".join(chunks)
    finally:
        s.close()


def check(cond, msg):
    """Records a failure and goes on, so one run reports every broken case."""
    if not cond:
        _failures.append(msg)
        print("FAIL: " + msg, file=sys.stderr)
    return cond


def is_problem(status, headers, body, want_status, field=None):
    """Asserts an RFC 9457 problem with the wanted status (and a named field)."""
    ok = check(status == want_status, "status %d, wanted %d: %r" % (status, want_status, body[:300]))
    ct = headers.get("content-type", "")
    ok &= check(ct.startswith("application/problem+json"), "content-type %r is not problem+json" % ct)
    try:
        p = json.loads(body)
    except ValueError:
        return check(False, "problem body is not JSON: %r" % body[:200])
    for k in ("type", "title", "status", "detail"):
        ok &= check(k in p, "problem lacks %s: %r" % (k, p))
    ok &= check(p.get("status") == want_status, "problem status %r" % p.get("status"))
    if field is not None:
        fields = [e.get("field") for e in p.get("errors", [])]
        text = json.dumps(p)
        ok &= check(field in fields or field in text, "problem does not name %r: %r" % (field, p))
    return ok


def done():
    """Exit status for the test script."""
    if _failures:
        print("%d failed" % len(_failures), file=sys.stderr)
        sys.exit(1)
    print("all checks passed")
    sys.exit(0)
