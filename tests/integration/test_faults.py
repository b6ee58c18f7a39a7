"""Fault integration tests: the database stopped or hung, slow and greedy
clients, and a graceful shutdown under load.

Each database fault runs on a private cluster that this test starts in a
temporary folder (the shared ctest cluster is never stopped or paused), with
a short statement timeout and reload interval so that every bound is quick.
Measured figures are printed with a "measured:" prefix.
"""
import http.client
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hh import (PrivateCluster, Server, app_connections, check, done, is_problem, migrate, poll,  # noqa: E402
                stopped, timed)

ARTICLE = "/v1/articles/upper-middle-back-muscle-soreness"
TRIAGE_BODY = {"symptoms": ["worse_sitting", "desk_slouching"], "positions": ["sitting"], "region": "upper_back",
               "duration_days": 3, "age": 35}
TRIAGE_GET = "/v1/triage?symptoms=worse_sitting,desk_slouching&positions=sitting&region=upper_back"
CACHED = [("GET", ARTICLE, None), ("GET", "/v1/causes?position=sitting", None),
          ("GET", "/v1/causes?region=middle_back", None), ("GET", "/v1/remedies", None),
          ("GET", "/v1/remedies?cause=poor-posture", None), ("GET", "/v1/symptoms", None),
          ("GET", TRIAGE_GET, None), ("POST", "/v1/triage", TRIAGE_BODY)]
WARM_SEARCH = "/v1/articles?q=posture"
FAST_FLAGS = ["--statement-timeout-ms", "500", "--reload-interval-ms", "200"]
STATEMENT_TIMEOUT_S = 0.5
CONNECT_TIMEOUT_S = 5.0  # db.c: connect_timeout
# What "never waits for the database" can tell apart: a request that waited would take at least
# the statement timeout (hung database) or fail (stopped one). The bound sits below the deadline,
# not at a scheduler's 200 ms: the parallel suite on 2 cores delays a cached answer that much.
NO_DB_WAIT_S = 0.8 * STATEMENT_TIMEOUT_S
TRIES = 3
LEAKS = ("ERROR", "SELECT", "could not connect", "/tmp", "libpq")

_search_seq = [0]


def measured(what, value):
    print("measured: %s: %s" % (what, value), flush=True)


def fmt(secs):
    return "never" if secs is None else "%.2f" % secs


def uncached_search():
    """A search target no earlier request has asked for (no cache holds it); it finds what "muscles" finds."""
    _search_seq[0] += 1
    return "/v1/causes?q=muscles+or+stiffness%dzx" % (_search_seq[0] + os.getpid() * 1000)


def search_slugs(s, what):
    """(status, [slug...], total) of a fresh uncached search."""
    st, secs, _, b = timed(s, "GET", uncached_search())
    no_leak(b, what)
    if st != 200:
        return st, None, None, secs
    body = json.loads(b)
    return st, [i["slug"] for i in body["items"]], body["total"], secs


def no_leak(body, what):
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    bad = [w for w in LEAKS if w in text]
    return check(not bad, "%s: the answer leaks %r: %r" % (what, bad, text[:300]))


# ------------------------------------------------------------------ helpers

def warm(s):
    for method, path, body in CACHED + [("GET", WARM_SEARCH, None)]:
        st, _, _, b = timed(s, method, path, body)
        check(st == 200, "warming %s %s: %d %r" % (method, path, st, b[:200]))


def tries(attempt, bound):
    """Runs attempt() -> (status, seconds, ...) until one is a 200 within bound, at most TRIES times;
    returns every result. A request that waited for the database would be slow every time; a busy
    scheduler that delays one (0.85 s seen at load average 13 on 2 cores) does not delay three in a row."""
    out = []
    for _ in range(TRIES):
        out.append(attempt())
        if out[-1][0] != 200 or out[-1][1] <= bound:
            break
    return out


def check_cached(s, what, bound):
    """Every cached answer (and the warmed search) is 200, within bound seconds (the fastest of TRIES)."""
    worst = 0.0
    for method, path, body in CACHED + [("GET", WARM_SEARCH, None)]:
        got = tries(lambda: timed(s, method, path, body), bound)
        st, secs, _, b = got[-1]
        worst = max(worst, secs)
        if len(got) > 1:
            measured("%s: %s %s slow then fast (s)" % (what, method, path), [round(g[1], 3) for g in got])
        check(all(g[0] == 200 for g in got) and secs <= bound,
              "%s: %s %s answered %r (wanted 200 within %.1f s, fastest of %d): %r" %
              (what, method, path, [(g[0], round(g[1], 3)) for g in got], bound, TRIES, b[:200]))
        for g in got:
            no_leak(g[3], "%s: %s %s" % (what, method, path))
    return worst


def check_search_answers(s, what, bound, before):
    """Search is answered from memory: an uncached search is 200 within bound seconds (the fastest of
    TRIES, each a new query), with the hits (before: (slugs, total)) it had while the database was up."""
    got = tries(lambda: (lambda r: (r[0], r[3], r[1], r[2]))(search_slugs(s, what)), bound)
    st, secs, slugs, total = got[-1]
    if len(got) > 1:
        measured("%s: uncached search slow then fast (s)" % what, [round(g[1], 3) for g in got])
    check(all(g[0] == 200 for g in got) and secs <= bound,
          "%s: uncached search answered %r, wanted 200 within %.1f s (fastest of %d)" %
          (what, [(g[0], round(g[1], 3)) for g in got], bound, TRIES))
    for g in got:
        check((g[2], g[3]) == before, "%s: the same hits as with the database up: %r, then %r" %
              (what, before, (g[2], g[3])))
    return secs


def readyz(s):
    """(status, parsed body or {}) of one /readyz."""
    st, _, _, b = timed(s, "GET", "/readyz", timeout=2)
    no_leak(b, "/readyz %d" % st)
    try:
        return st, json.loads(b)
    except ValueError:
        return st, {}


def readyz_of(s):
    """(status, database state) of one /readyz."""
    st, body = readyz(s)
    return st, body.get("database")


def db_up_gauge(s):
    """The value of healthhub_db_up in /metrics, or None."""
    st, _, _, b = timed(s, "GET", "/metrics", timeout=2)
    for line in b.decode("utf-8", "replace").splitlines():
        if line.startswith("healthhub_db_up "):
            return line.split()[1]
    return None


class ReadyzWatch:
    """Polls /readyz in the background from t0 until it reports the database down, so a slow
    request elsewhere cannot delay the reading; records every status seen on the way."""

    def __init__(self, s, t0, seconds=8.0):
        self.s, self.t0, self.seconds = s, t0, seconds
        self.at = None
        self.statuses = set()
        self.body = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while time.monotonic() - self.t0 < self.seconds:
            st, body = readyz(self.s)
            self.statuses.add(st)
            if body.get("database") == "down":
                self.at = time.monotonic() - self.t0
                self.body = body
                return
            time.sleep(0.05)

    def result(self):
        self.thread.join(self.seconds + 3)
        return self.at


def concurrent_searches(s, n):
    """n uncached searches at once; [(status, seconds, body)]."""
    out = [None] * n
    paths = [uncached_search() for _ in range(n)]

    def one(i):
        st, secs, _, b = timed(s, "GET", paths[i], timeout=60)
        out[i] = (st, secs, b)

    threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(70)
    return [x if x is not None else (-1, 70.0, b"") for x in out]


def check_ready_db_down(s, watch, what):
    """Issue 17: a database outage alone leaves the instance ready; /readyz and /metrics say the database is down."""
    t_down = watch.result()
    check(t_down is not None and t_down <= 4.0, "%s: /readyz reports database down within ~4 s, took %s s" %
          (what, fmt(t_down)))
    check(watch.statuses == {200}, "%s: /readyz stays 200 while the database goes down: saw %r" %
          (what, sorted(watch.statuses)))
    st, body = readyz(s)
    check(st == 200 and body.get("status") == "ready" and body.get("database") == "down",
          "%s: /readyz 200 {status: ready, database: down}: %d %r" % (what, st, body))
    check(isinstance(body.get("content_version"), int) and body["content_version"] > 0,
          "%s: /readyz names the content version served: %r" % (what, body))
    gauge = db_up_gauge(s)
    check(gauge == "0", "%s: healthhub_db_up 0 in /metrics, got %r" % (what, gauge))
    measured("%s: /readyz reports database down after" % what, "%s s (statuses seen: %r, body %r)" %
             (fmt(t_down), sorted(watch.statuses), body))


def recover(s, what, t0):
    """After the database is back: readyz reports it up and an uncached search 200, within 5 s of t0."""
    readyz = poll(lambda: readyz_of(s) == (200, "up"), 10)
    t_ready = time.monotonic() - t0
    failures = []

    def search_ok():
        st, _, _, b = timed(s, "GET", uncached_search(), timeout=10)
        no_leak(b, "%s: uncached search while recovering" % what)
        if st != 200:
            failures.append(st)
        return st == 200

    searched = poll(search_ok, 10, step=0.05)
    t_search = time.monotonic() - t0
    check(readyz is not None and t_ready <= 5.0, "%s: /readyz 200 within 5 s, took %.2f s" % (what, t_ready))
    check(searched is not None and t_search <= 5.0,
          "%s: an uncached search 200 within 5 s, took %.2f s (non-200 seen: %r)" % (what, t_search, failures))
    measured("%s: recovery, /readyz 200 after" % what, "%.2f s" % t_ready)
    measured("%s: recovery, uncached search 200 after" % what, "%.2f s (non-200 before it: %r)" % (t_search, failures))


# ------------------------------------------------------- database stopped

def test_database_stopped(cluster):
    with Server(cluster.url(), *FAST_FLAGS) as s:
        warm(s)
        st, slugs, total, _ = search_slugs(s, "database up")
        check(st == 200 and slugs and total >= 3, "a search of causes finds several: %d %r" % (st, slugs))
        before = (slugs, total)
        t_stop = time.monotonic()
        cluster.stop()
        watch = ReadyzWatch(s, t_stop)
        measured("database stopped: pg_ctl stop took", "%.2f s" % (time.monotonic() - t_stop))
        secs = check_search_answers(s, "database stopped (just now)", NO_DB_WAIT_S, before)
        measured("database stopped: first uncached search answered in", "%.3f s" % secs)
        worst = check_cached(s, "database stopped", NO_DB_WAIT_S)
        check_ready_db_down(s, watch, "database stopped")
        secs = check_search_answers(s, "database stopped (known down)", NO_DB_WAIT_S, before)
        measured("database stopped, known down: uncached search answered in", "%.3f s" % secs)
        worst = max(worst, check_cached(s, "database stopped (known down)", NO_DB_WAIT_S))
        measured("database stopped: slowest cached answer", "%.3f s" % worst)
        st, _, _, _ = timed(s, "GET", "/healthz")
        check(st == 200, "database stopped: /healthz still 200, got %d" % st)
        time.sleep(1.0)  # let the reloader back off to a longer wait before the restart
        cluster.restart()
        recover(s, "database stopped", time.monotonic())
        check_cached(s, "database restarted", NO_DB_WAIT_S)


# ---------------------------------------------------------- database hung

def test_database_hung(cluster):
    with Server(cluster.url(), *FAST_FLAGS) as s:
        warm(s)
        st, slugs, total, _ = search_slugs(s, "database up")
        before = (slugs, total)
        t_hang = time.monotonic()
        pids = cluster.pause()
        try:
            check(len(pids) > 1 and poll(lambda: all(stopped(p) for p in pids), 2.0) is not None,
                  "every postgres process of the private cluster is stopped: %r" % pids)
            watch = ReadyzWatch(s, t_hang)
            worst = check_cached(s, "database hung", NO_DB_WAIT_S)
            # searches never wait for the database: the burst is answered from memory at once, hang known or not
            bound = 1.0
            burst = concurrent_searches(s, 8)
            for st, secs, b in burst:
                no_leak(b, "database hung: concurrent uncached search")
            measured("database hung: 8 concurrent uncached searches answered (status, s)",
                     [(st, round(secs, 2)) for st, secs, _ in burst])
            check(all(st == 200 and secs <= bound for st, secs, _ in burst),
                  "database hung: each of 8 concurrent uncached searches is a 200 within %.1f s: %r" %
                  (bound, [(st, round(secs, 2)) for st, secs, _ in burst]))
            check_ready_db_down(s, watch, "database hung")
            secs = check_search_answers(s, "database hung (known down)", NO_DB_WAIT_S, before)
            measured("database hung, known down: uncached search answered in", "%.3f s" % secs)
            for _ in range(3):
                worst = max(worst, check_cached(s, "database hung", NO_DB_WAIT_S))
            measured("database hung: slowest cached answer", "%.3f s" % worst)
        finally:
            cluster.resume()
        recover(s, "database hung", time.monotonic())


# ------------------------------------- started while the database is down

def test_started_database_down(cluster):
    """No content yet: not ready (503) until the first content load, then ready without a restart."""
    cluster.stop()
    with Server(cluster.url(), *FAST_FLAGS, ready=False) as s:
        time.sleep(0.6)  # the reloader has tried (and failed) a few times
        seen = []
        for _ in range(3):
            st, body = readyz(s)
            seen.append((st, body))
            time.sleep(0.1)
        check(all(st == 503 and body.get("status") == "not ready" and body.get("database") == "down" and
                  body.get("content_version") == 0 for st, body in seen),
              "started with the database down: /readyz 503 {not ready, database down, content_version 0}: %r" % seen)
        st, _, _ = s.get("/healthz")
        check(st == 200, "started with the database down: /healthz 200, got %d" % st)
        st, _, h, b = timed(s, "GET", ARTICLE)
        is_problem(st, h, b, 503)  # content is not loaded yet
        measured("started with the database down: /readyz", seen[-1])
        t0 = time.monotonic()
        cluster.restart()
        ready = poll(lambda: readyz(s)[0] == 200, 10, step=0.05)
        t_ready = time.monotonic() - t0
        check(ready is not None, "started with the database down: /readyz 200 after the first content load")
        st, body = readyz(s)
        check(st == 200 and body.get("status") == "ready" and body.get("content_version", 0) > 0,
              "after the first content load: /readyz 200 ready with a content version: %d %r" % (st, body))
        check(timed(s, "GET", ARTICLE)[0] == 200, "after the first content load: content 200")
        measured("started with the database down: /readyz 200 after the database came back", "%.2f s" % t_ready)


# ------------------------------------------------------------ slow clients

def half_open_connections(port, n):
    """n connections that each send part of a request and then hold it."""
    socks = []
    for i in range(n):
        c = socket.create_connection(("127.0.0.1", port), timeout=5)
        if i % 2 == 0:
            c.sendall(b"GET /v1/articles/upper-mid")  # half a request line
        else:
            c.sendall(b"GET /v1/symptoms HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n")  # no final CRLF
        socks.append(c)
    return socks


def wait_closed(socks, seconds):
    """Seconds (from now) at which each socket was closed by the peer; None for still open."""
    t0 = time.monotonic()
    closed = {}
    for c in socks:
        c.setblocking(False)
    while len(closed) < len(socks) and time.monotonic() - t0 < seconds:
        open_socks = [c for c in socks if c not in closed]
        ready, _, _ = select.select(open_socks, [], [], 0.05)
        for c in ready:
            try:
                data = c.recv(65536)
            except (ConnectionResetError, BrokenPipeError):
                data = b""
            except BlockingIOError:
                continue
            if data == b"":
                closed[c] = time.monotonic() - t0
    return [closed.get(c) for c in socks]


def test_slow_clients(cluster):
    with Server(cluster.url(), "--connection-timeout", "3") as s:
        t_open = time.monotonic()
        socks = half_open_connections(s.port, 300)
        try:
            slowest, bad = 0.0, 0
            for i in range(50):
                st, secs, _, b = timed(s, "GET", ARTICLE if i % 2 else "/v1/causes?position=sitting", timeout=5)
                slowest = max(slowest, secs)
                if not check(st == 200 and secs <= 0.5, "300 slow clients open: request %d answered %d in %.3f s"
                             % (i, st, secs)):
                    bad += 1
            measured("300 half-open connections: slowest of 50 normal requests", "%.3f s" % slowest)
            elapsed = time.monotonic() - t_open
            times = wait_closed(socks, 10.0)
            closed = [elapsed + t for t in times if t is not None]
            check(len(closed) == len(socks), "half-open connections closed by the server: %d of %d within %.1f s"
                  % (len(closed), len(socks), elapsed + 10.0))
            if closed:
                first, last = min(closed), max(closed)
                check(first >= 2.0 and last <= 6.0, "--connection-timeout 3: closed between %.2f and %.2f s "
                      "after opening, wanted about 3 s" % (first, last))
                measured("--connection-timeout 3: half-open connections closed after", "%.2f..%.2f s" % (first, last))
        finally:
            for c in socks:
                c.close()


def test_per_ip_limit(cluster):
    with Server(cluster.url(), "--per-ip-limit", "20") as s:
        time.sleep(0.2)  # readiness probes' connections are gone
        socks = [socket.create_connection(("127.0.0.1", s.port), timeout=5) for _ in range(20)]
        try:
            time.sleep(0.2)
            extra = socket.create_connection(("127.0.0.1", s.port), timeout=5)
            t = wait_closed([extra], 2.0)[0]
            extra.close()
            check(t is not None, "--per-ip-limit 20: the 21st connection is closed by the server")
            if t is not None:
                measured("--per-ip-limit 20: 21st connection closed after", "%.3f s" % t)
            still = wait_closed(socks, 0.3)
            check(all(x is None for x in still), "--per-ip-limit 20: the first 20 stay open (%d closed)" %
                  sum(x is not None for x in still))
            served = 0
            for c in socks:
                c.setblocking(True)
                c.settimeout(5)
                c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                try:
                    served += c.recv(65536).startswith(b"HTTP/1.1 200")
                except OSError:
                    pass
            check(served == 20, "--per-ip-limit 20: each of the first 20 is still served (%d were)" % served)
        finally:
            for c in socks:
                c.close()
        st = poll(lambda: s.get("/healthz")[0] == 200, 3)
        check(st is not None, "--per-ip-limit 20: a new connection is served once the others closed")


# ------------------------------------------------------- graceful shutdown

class Load:
    """Keep-alive GET loops and slow POSTs; records every outcome."""

    def __init__(self, port):
        self.port = port
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.ok = 0
        self.statuses = {}
        self.errors = {}  # kind -> count
        self.error_at = []  # seconds after SIGTERM
        self.slow_posts = []
        self.t_term = None
        self.after_term = 0  # responses answered after SIGTERM
        self.closing = 0     # of those, how many said Connection: close

    def record(self, kind):
        with self.lock:
            self.errors[kind] = self.errors.get(kind, 0) + 1
            if self.t_term is not None:
                self.error_at.append(round(time.monotonic() - self.t_term, 3))

    def getter(self, n):
        paths = [ARTICLE, "/v1/causes?position=sitting", TRIAGE_GET, "/v1/symptoms", WARM_SEARCH]
        conn = None
        i = n
        deadline = time.monotonic() + 15
        while not self.stop.is_set() and time.monotonic() < deadline:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                try:
                    conn.connect()
                except ConnectionRefusedError:
                    return  # the server stopped listening: this client is done
            i += 1
            try:
                conn.request("GET", paths[i % len(paths)])
            except OSError:
                self.record("send failed (not sent)")
                conn.close()
                conn = None
                continue
            try:
                r = conn.getresponse()
                body = r.read()
            except http.client.RemoteDisconnected:
                self.record("closed before any response byte (request already sent)")
            except http.client.IncompleteRead:
                self.record("cut mid-response")
            except (OSError, http.client.HTTPException) as e:
                self.record("error after send: %s" % type(e).__name__)
            else:
                with self.lock:
                    self.statuses[r.status] = self.statuses.get(r.status, 0) + 1
                    self.ok += r.status == 200 and len(body) > 0
                    if self.t_term is not None:
                        self.after_term += 1
                        self.closing += r.will_close
                if not r.will_close:
                    continue
            conn.close()
            conn = None
        if conn:
            conn.close()

    def slow_post(self):
        body = json.dumps(TRIAGE_BODY).encode()
        c = socket.create_connection(("127.0.0.1", self.port), timeout=15)
        result = "no answer"
        try:
            c.sendall(b"POST /v1/triage HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Connection: close\r\nContent-Length: %d\r\n\r\n" % len(body))
            step = max(1, len(body) // 10)
            for i in range(0, len(body), step):
                c.sendall(body[i:i + step])
                time.sleep(0.1)
            data = b""
            while True:
                chunk = c.recv(65536)
                if not chunk:
                    break
                data += chunk
            head, _, payload = data.partition(b"\r\n\r\n")
            result = head.split(b"\r\n")[0].decode("latin-1") if head else "closed with no answer"
            if head.startswith(b"HTTP/1.1 200") and b'"level"' not in payload:
                result += " (incomplete body)"
        except OSError as e:
            result = "error: %s" % type(e).__name__
        finally:
            c.close()
        with self.lock:
            self.slow_posts.append(result)


def test_graceful_shutdown(cluster):
    s = Server(cluster.url()).start()
    try:
        pid = s.proc.pid
        warm(s)
        children_before = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
        check(app_connections(cluster.url()) > 0, "the server holds database connections before the shutdown")
        load = Load(s.port)
        getters = [threading.Thread(target=load.getter, args=(i,), daemon=True) for i in range(8)]
        for t in getters:
            t.start()
        probe = http.client.HTTPConnection("127.0.0.1", s.port, timeout=5)
        probe.request("GET", "/readyz")
        r = probe.getresponse()
        r.read()
        check(r.status == 200, "readyz 200 before SIGTERM, got %d" % r.status)
        time.sleep(1.0)
        posts = [threading.Thread(target=load.slow_post, daemon=True) for _ in range(3)]
        for t in posts:
            t.start()
        time.sleep(0.3)  # the POST bodies are half sent
        t_term = load.t_term = time.monotonic()
        s.proc.send_signal(signal.SIGTERM)
        readyz = []
        closing_503 = None  # did the 503 (the server is draining) say Connection: close?
        while s.proc.poll() is None and time.monotonic() - t_term < 2.0 and 503 not in readyz:
            try:
                probe.request("GET", "/readyz")
                r = probe.getresponse()
                r.read()
                readyz.append(r.status)
                if r.status == 503:
                    closing_503 = r.will_close
            except (OSError, http.client.HTTPException) as e:
                readyz.append(type(e).__name__)
                break
            time.sleep(0.02)
        probe.close()
        measured("graceful shutdown: /readyz on a kept-alive connection after SIGTERM", readyz[-3:])
        check(503 in readyz or not any(x == 200 for x in readyz[1:]),
              "after SIGTERM /readyz flips to 503 on a kept-alive connection: %r" % readyz[-5:])
        check(closing_503 is not False, "an answer made while draining (/readyz 503) says Connection: close")
        try:
            code = s.proc.wait(15)
        except subprocess.TimeoutExpired:
            code = None
        t_exit = time.monotonic() - t_term
        load.stop.set()
        for t in getters + posts:
            t.join(20)
        measured("graceful shutdown: exit after SIGTERM", "%.2f s (code %r)" % (t_exit, code))
        measured("graceful shutdown: load outcomes", "200 with body: %d, statuses %r, errors %r" %
                 (load.ok, load.statuses, load.errors))
        measured("graceful shutdown: slow POSTs", load.slow_posts)
        measured("graceful shutdown: keep-alive answers after SIGTERM", "%d, of which %d said Connection: close"
                 % (load.after_term, load.closing))
        measured("graceful shutdown: errors at (s after SIGTERM)", load.error_at)
        check(code == 0 and t_exit <= 10.0, "exit 0 within 10 s of SIGTERM: code %r after %.2f s" % (code, t_exit))
        check(load.ok > 100, "the load ran (%d answers)" % load.ok)
        check(set(load.statuses) <= {200}, "in-flight keep-alive requests are answered 200: %r" % load.statuses)
        cut = {k: v for k, v in load.errors.items() if not k.startswith("closed before any response byte")}
        check(not cut, "no response is cut off or reset once it has begun: %r" % cut)
        # Every answer made while draining says Connection: close, so each kept-alive client sends at most one
        # more request, which is answered; the drain closes a kept-alive connection only after no request has
        # begun or ended for a second, and new connections are refused without resetting queued ones (serve.c).
        lost = load.errors.get("closed before any response byte (request already sent)", 0)
        check(lost == 0, "no request already sent on a kept-alive connection is dropped unanswered at shutdown: "
              "%d were (at %r s after SIGTERM)" % (lost, load.error_at))
        check(len(load.slow_posts) == 3 and all(p.startswith("HTTP/1.1 200") and "incomplete" not in p
                                                for p in load.slow_posts),
              "slow POSTs under way at SIGTERM complete with 200: %r" % load.slow_posts)
        try:
            socket.create_connection(("127.0.0.1", s.port), timeout=2).close()
            check(False, "the port is closed after exit")
        except ConnectionRefusedError:
            pass
        left = [p for p in children_before if os.path.exists("/proc/%s" % p)]
        check(not left, "no child process left behind: %r" % left)
        gone = poll(lambda: app_connections(cluster.url()) == 0, 5, step=0.1)
        check(gone is not None, "pg_stat_activity has no 'healthhub' connection within 5 s of exit: %d" %
              app_connections(cluster.url()))
        if gone is not None:
            measured("graceful shutdown: healthhub database connections gone after exit", "%.2f s" % gone)
    finally:
        if s.proc.poll() is None:
            s.proc.kill()
            s.proc.wait()


def main():
    tests = (test_database_stopped, test_database_hung, test_started_database_down, test_slow_clients,
             test_per_ip_limit, test_graceful_shutdown)
    if len(sys.argv) > 1:  # only the scenarios named (scripts/soak-faults --only)
        tests = [t for t in tests if t.__name__ in sys.argv[1:]]
        check(len(tests) == len(sys.argv) - 1, "unknown scenario in %r" % sys.argv[1:])
    with PrivateCluster(prefix="hh-faults-pg-") as cluster:
        migrate(cluster.url())
        for test in tests:
            print("== %s" % test.__name__, flush=True)
            try:
                test(cluster)
            except AssertionError as e:
                check(False, "%s: %s" % (test.__name__, e))
            cluster.resume()
            if not cluster.running():
                cluster.restart()  # a failed scenario may have left it stopped
    done()


if __name__ == "__main__":
    main()
