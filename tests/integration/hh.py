"""Shared helpers for HealthHub integration tests.

Each test gets its own database in the throwaway cluster that ctest starts
(fixture `pg`), runs the real `healthhub` binary and talks real HTTP. Tests
that stop, restart or pause the database run a PrivateCluster instead: the
shared cluster is never stopped or paused.
"""
import contextlib
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
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
PGCLUSTER = os.path.join(SRC, "scripts", "pgcluster")
SECOND = os.path.join(SRC, "tests", "data", "second-article")
CAUSE = "poor-posture"

_failures = []


def admin_url():
    out = subprocess.run([os.path.join(SRC, "scripts/pgcluster"), "url", PGDIR],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


def with_dbname(url, name):
    """url (a pgcluster admin URL, database postgres) naming database name instead."""
    return re.sub(r"/postgres\?", "/%s?" % name, url, count=1)


def db_url(name):
    return with_dbname(admin_url(), name)


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


def migrated_database(name):
    """new_database(name) with the migrations and content/ loaded; returns its URL."""
    url = new_database(name)
    migrate(url)
    return url


@contextlib.contextmanager
def served_database(name, *args, **kwargs):
    """A migrated_database(name) and a Server on it (server.url is the database)."""
    with Server(migrated_database(name), *args, **kwargs) as server:
        yield server


def app_connections(url, condition=None):
    """How many connections the healthhub server holds on url's cluster (and meet condition, SQL)."""
    where = "application_name = 'healthhub'" + (" AND " + condition if condition else "")
    return int(psql(url, "SELECT count(*) FROM pg_stat_activity WHERE " + where))


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


def copy_content(dst=None, languages=False):
    """A private, editable copy of content/; returns its path.

    Without languages, the copy is English only (with the countries): a test
    that adds or edits English files then need not also write their Spanish
    versions, which the loader requires for every English file once es/ is
    there. test_i18n.py copies with languages=True."""
    d = dst or tempfile.mkdtemp(prefix="hh-content-")
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(CONTENT, d, ignore=None if languages else shutil.ignore_patterns("es"))
    return d


def have_second_article():
    """Is the tests/data/second-article fixture there? Says the test is skipped when not."""
    if os.path.isdir(SECOND):
        return True
    print("skip: %s does not exist yet" % SECOND)
    return False


def merge_second_article(folder):
    """Adds the tests/data/second-article fixture (an article, its causes and remedies) to a content folder."""
    shutil.copytree(SECOND, folder, dirs_exist_ok=True)


def edit_json(path, fn):
    """Rewrites a JSON file with fn applied to its document (fn changes it in place)."""
    with open(path) as f:
        doc = json.load(f)
    fn(doc)
    with open(path, "w") as f:
        json.dump(doc, f, indent=2)


def set_cause_summary(folder, text, slug=CAUSE):
    """Gives a cause in a content folder a new summary, the change the live reload tests publish."""
    edit_json(os.path.join(folder, "causes", slug + ".json"), lambda doc: doc.update(summary=text))


# ------------------------------------------------------------ waiting, timing

def poll(pred, seconds, step=0.02):
    """Seconds until pred() was true, or None when it never was within the bound.
    A connection error in pred counts as not yet."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < seconds:
        try:
            if pred():
                return time.monotonic() - t0
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(step)
    return None


def timed(server, method, path, body=None, timeout=20):
    """One request: (status, seconds, headers, body); status -1 with the error as body when no answer came."""
    t0 = time.monotonic()
    try:
        st, h, b = server.request(method, path, body=body, timeout=timeout)
    except (OSError, http.client.HTTPException) as e:
        st, h, b = -1, {}, repr(e).encode()
    return st, time.monotonic() - t0, h, b


def cause_state(server, slug=CAUSE):
    """(status, ETag, summary) of one cause as the server serves it now."""
    st, h, b = server.get("/v1/causes/" + slug)
    summary = json.loads(b).get("summary") if st == 200 else None
    return st, h.get("etag"), summary


def wait_served(server, summary, old_etag, t0, limit_s, out, key):
    """Polls every 10 ms until the server serves summary under a new ETag; out[key] = seconds since t0,
    or None when not within limit_s."""
    while time.monotonic() < t0 + limit_s:
        try:
            st, etag, got = cause_state(server)
        except OSError:
            st, etag, got = None, None, None
        if st == 200 and got == summary and etag != old_etag:
            out[key] = time.monotonic() - t0
            return
        time.sleep(0.01)
    out[key] = None


def wait_all(servers, summary, old_etags, t0, limit_s):
    """Waits for every server in parallel; returns their times (None: not within limit_s)."""
    out = {}
    threads = [threading.Thread(target=wait_served, args=(s, summary, old_etags[i], t0, limit_s, out, i))
               for i, s in enumerate(servers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [out.get(i) for i in range(len(servers))]


def publish_and_wait(servers, url, folder, summary, old_etags, limit_s):
    """Sets the cause's summary in folder, migrates url with it and waits for every server
    (wait_all, timed from migrate's return)."""
    set_cause_summary(folder, summary)
    migrate(url, content=folder)
    return wait_all(servers, summary, old_etags, time.monotonic(), limit_s)


def report(what, times):
    """Prints min, median and max of times (seconds) in milliseconds."""
    ms = sorted(t * 1000 for t in times)
    print("%s: min %.1f ms, median %.1f ms, max %.1f ms (n=%d)"
          % (what, ms[0], statistics.median(ms), ms[-1], len(ms)))


# ----------------------------------------------------------- private cluster

def free_port():
    """A free loopback port below the kernel's ephemeral range (and below 32768), proven
    free by binding to it: a port inside that range can be taken by any outgoing
    connection between our check and the postmaster's bind."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            high = min(32768, int(f.read().split()[0]))
    except (OSError, ValueError, IndexError):
        high = 32768
    low = 20000 if high > 21024 else 1024
    for _ in range(200):
        port = random.randrange(low, high)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            sock.close()
    raise AssertionError("no free port below %d" % high)


def signal_all(pids, sig):
    """Sends sig to every pid that still exists."""
    for pid in pids:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def stopped(pid):
    """Is the process stopped by a signal (state T in /proc/PID/stat)?"""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "T"
    except OSError:
        return True  # gone: it answers nothing either


class PrivateCluster:
    """A PostgreSQL cluster of one test's own (scripts/pgcluster), in a temporary folder
    or the given one, for tests that stop, restart or pause the database. As a context
    manager it starts on entry and is resumed, stopped and removed on exit."""

    def __init__(self, prefix="hh-pg-", folder=None):
        self.dir = folder or tempfile.mkdtemp(prefix=prefix)
        self.port = None
        self.paused = []
        self._admin = None

    def start(self, port=None, attempts=5):
        """Starts the cluster (initdb on first use) on port, or on a free_port(); returns the admin URL.
        A failed start is retried: on another free port, or after a pause when port was given."""
        for attempt in range(attempts):
            p = port or free_port()
            out = subprocess.run([PGCLUSTER, "start", self.dir, str(p)], capture_output=True, text=True,
                                 timeout=120)
            if out.returncode == 0:
                self.port, self._admin = p, out.stdout.strip().splitlines()[-1]
                return self._admin
            print("pgcluster start %s on port %d failed (attempt %d): %s" % (self.dir, p, attempt + 1, out.stderr),
                  file=sys.stderr)
            if port:
                time.sleep(0.5)
        raise AssertionError("private cluster does not start: %s" % out.stderr)

    def restart(self):
        """Starts it again on the port it had, so that URLs given out stay valid."""
        return self.start(self.port)

    def stop(self):
        """Fast shutdown; nothing happens when it is not running."""
        subprocess.run([PGCLUSTER, "stop", self.dir], capture_output=True, timeout=120)

    def running(self):
        return os.path.exists(os.path.join(self.dir, "data", "postmaster.pid"))

    def url(self, dbname="postgres"):
        """The URL of database dbname in this cluster (started at least once)."""
        return with_dbname(self._admin, dbname)

    def pids(self):
        """The postmaster's PID, then its children's."""
        with open(os.path.join(self.dir, "data", "postmaster.pid")) as f:
            master = int(f.readline().strip())
        out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True)
        return [master] + [int(p) for p in out.stdout.split()]

    def pause(self):
        """SIGSTOPs the postmaster first (no new children), then every child; returns the PIDs."""
        self.paused = self.pids()
        signal_all(self.paused[:1], signal.SIGSTOP)
        self.paused = self.pids()
        signal_all(self.paused, signal.SIGSTOP)
        return self.paused

    def resume(self):
        """SIGCONTs what pause() stopped."""
        signal_all(self.paused, signal.SIGCONT)
        self.paused = []

    def close(self):
        """Resumes, stops and removes it."""
        self.resume()
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()


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
        if poll(pred, seconds) is not None:
            return
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
            if code != expect_code:
                time.sleep(0.2)  # the reader thread takes the last lines (a sanitizer's report)
                print("\n".join(self.lines[-60:]), file=sys.stderr)
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
