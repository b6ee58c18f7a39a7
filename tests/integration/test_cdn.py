"""Behind a shared cache (issue 13): real Varnish 7.1 with xkey, running the
shipped docker/varnish/default.vcl in front of two HealthHub instances.

Covers, each against the finding it answers:
- purge on change: after `healthhub migrate` returns, a changed article, its
  ld+json and every list that shows it (the first page, a search) are served
  new through the cache within 2 s (min/median/max over 10 changes printed);
- the race: a cache that refetched from an instance still on the old version
  (its database link held) is purged again when that instance swaps;
- a request id sent by one client never reaches another through the cache;
- with both instances stopped, cached answers keep flowing past max-age;
- a purge from an address outside the ACL is refused, and purges nothing;
- bad input: PURGE to the service itself is 405; a malformed Accept or
  If-Modified-Since is ignored (never a 5xx), through the cache and direct;
- failed purges are retried, counted in /metrics and never slow serving;
- --admin-port: /metrics, /healthz, /readyz there only.

The shipped VCL is the operator's one-backend file; the test derives its
two-backend VCL from it by substitution (ports, a round-robin director,
a faster probe), and runs its own varnishd as a child on loopback.
"""
import http.client
import json
import os
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hh  # noqa: E402

VCL = os.path.join(hh.SRC, "docker", "varnish", "default.vcl")
ARTICLE_SLUG = "upper-middle-back-muscle-soreness"
ARTICLE = "/v1/articles/" + ARTICLE_SLUG
LISTS = ["/v1/articles", "/v1/articles?q=back"]
LD = {"Accept": "application/ld+json"}
MAX_AGE = "2"
TARGET_S = 2.0


# ------------------------------------------------------------------ Varnish

def derive_vcl(ports, probe_interval="1s"):
    """The shipped VCL with its one backend replaced by one per port behind a round-robin director."""
    with open(VCL) as f:
        text = f.read()
    m = re.search(r"backend healthhub \{.*?\n\}\n", text, re.S)
    hh.check(m is not None, "the shipped VCL has a `backend healthhub { ... }` block")
    block = m.group(0)
    hh.check('.host = "127.0.0.1";' in block and '.port = "8080";' in block,
             "the shipped backend names 127.0.0.1:8080 for the operator to edit")
    backends = ""
    for i, port in enumerate(ports):
        b = block.replace("backend healthhub", "backend healthhub%d" % i)
        b = b.replace('.port = "8080";', '.port = "%d";' % port)
        b = re.sub(r"\.interval = [^;]+;", ".interval = %s;" % probe_interval, b)
        backends += b
    director = "import directors;\n" + backends + "sub vcl_init {\n    new hhs = directors.round_robin();\n"
    director += "".join("    hhs.add_backend(healthhub%d);\n" % i for i in range(len(ports))) + "}\n"
    director += "sub vcl_recv {\n    set req.backend_hint = hhs.backend();\n}\n"
    return text.replace(block, director)


class Varnish:
    """varnishd -F as a child process on a free loopback port, with its own work folder."""

    def __init__(self, vcl_text):
        self.dir = tempfile.mkdtemp(prefix="hh-varnish-")
        self.vcl = os.path.join(self.dir, "test.vcl")
        with open(self.vcl, "w") as f:
            f.write(vcl_text)
        self.port = hh.free_port()
        self.proc = None
        self.lines = []

    def start(self):
        argv = ["varnishd", "-F", "-n", os.path.join(self.dir, "n"), "-a", "127.0.0.1:%d" % self.port,
                "-T", "127.0.0.1:0", "-f", self.vcl, "-s", "malloc,64m", "-j", "none",
                "-p", "default_grace=0", "-p", "thread_pools=1", "-p", "thread_pool_min=5"]
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        threading.Thread(target=self._drain, daemon=True).start()
        ok = hh.poll(lambda: self.request("GET", "/v1/symptoms")[0] == 200, 30, 0.1)
        if ok is None:
            self.stop()
            raise AssertionError("varnish did not serve through to HealthHub:\n" + "\n".join(self.lines[-30:]))
        return self

    def _drain(self):
        for raw in self.proc.stdout:
            self.lines.append(raw.decode("utf-8", "replace").rstrip("\n"))

    def request(self, method, path, headers=None, body=None, source=None, timeout=10):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout,
                                          source_address=(source, 0) if source else None)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            conn.close()

    def get(self, path, headers=None):
        return self.request("GET", path, headers)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def hit(h):
    """Did Varnish answer from its cache? (X-Varnish holds two ids on a hit.)"""
    return len(h.get("x-varnish", "").split()) == 2


def set_article_summary(folder, text):
    hh.edit_json(os.path.join(folder, "articles", ARTICLE_SLUG + ".json"), lambda doc: doc.update(summary=text))


def shows(v, path, headers, text):
    st, h, b = v.get(path, headers)
    return st == 200 and text in b.decode("utf-8", "replace")


def views():
    """Everything that shows the article: the article, its ld+json, and the lists."""
    return [(ARTICLE, None), (ARTICLE, LD)] + [(p, None) for p in LISTS]


# ---------------------------------------------------------------- pausable DB link

class HeldLink:
    """A TCP relay to PostgreSQL that can hold every byte: the instance behind it keeps
    serving what it has but sees no notification and reads no new content until released."""

    def __init__(self, target_port):
        self.target = target_port
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.open = threading.Event()
        self.open.set()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            u = socket.create_connection(("127.0.0.1", self.target))
            for a, b in ((c, u), (u, c)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, a, b):
        try:
            while True:
                data = a.recv(65536)
                if not data:
                    break
                self.open.wait()
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def hold(self):
        self.open.clear()

    def release(self):
        self.open.set()


def via(url, port):
    """url (a pgcluster URL) through a relay on port."""
    return re.sub(r"port=\d+", "port=%d" % port, url) if "port=" in url else re.sub(r":(\d+)/", ":%d/" % port, url)


def db_port(url):
    m = re.search(r"port=(\d+)", url) or re.search(r":(\d+)/", url)
    return int(m.group(1))


# ---------------------------------------------------------------------- tests

def test_propagation(v, servers, url, d):
    """10 changes: the article, its ld+json and the lists are new through the cache within 2 s."""
    for path, headers in views():
        v.get(path, headers)
        st, h, _ = v.get(path, headers)
        hh.check(st == 200 and hit(h), "warm: %s %s is a cache hit (%r)" % (path, headers, h.get("x-varnish")))
    stop = threading.Event()

    def hammer():
        # clients keep asking both instances (round robin) during every swap: the race happens for real
        while not stop.is_set():
            for path, headers in views():
                try:
                    v.get(path, headers)
                except (OSError, http.client.HTTPException):
                    pass

    load = threading.Thread(target=hammer, daemon=True)
    load.start()
    times = []
    try:
        for i in range(10):
            summary = "Corrected guidance %d at %.6f." % (i, time.time())
            set_article_summary(d, summary)
            hh.migrate(url, content=d)
            t0 = time.monotonic()
            worst = 0.0
            for path, headers in views():
                t = hh.poll(lambda: shows(v, path, headers, summary), 10, 0.01)
                if hh.check(t is not None, "change %d: %s %s never served new through the cache" % (i, path, headers)):
                    worst = max(worst, time.monotonic() - t0)
            hh.check(worst < TARGET_S, "change %d: served new through the cache after %.3f s (target < %.0f s)"
                     % (i, worst, TARGET_S))
            times.append(worst)
            # and it stays new: nothing old is refetched into the cache afterwards
            time.sleep(0.3)
            for path, headers in views():
                hh.check(shows(v, path, headers, summary), "change %d: %s %s went back to old" % (i, path, headers))
    finally:
        stop.set()
        load.join(10)
    print("propagation through Varnish after migrate returned (10 changes): min %.0f ms, median %.0f ms, max %.0f ms"
          % (min(times) * 1000, statistics.median(times) * 1000, max(times) * 1000))
    for s in servers:
        m = s.get("/metrics")[2].decode()
        ok = re.search(r'healthhub_cdn_purges_total\{result="ok"\} (\d+)', m)
        hh.check(ok is not None and int(ok.group(1)) >= 10, "each instance purged after each change: %r"
                 % (ok.group(0) if ok else None))


def test_race(url, d, pg_port):
    """Instance B's database link is held: A swaps and purges, the cache refetches the old answer
    from B, and B's own purge after its swap removes it."""
    link = HeldLink(pg_port)
    a_port, b_port = hh.free_port(), hh.free_port()
    # Varnish sees only B, so every refetch after A's purge is from the instance still on the old version.
    vcl = derive_vcl([b_port])
    v = Varnish(vcl)
    purge = "http://127.0.0.1:%d/" % v.port
    with hh.Server(url, "--purge-url", purge, "--max-age", "60", "--reload-interval-ms", "60000",
                   "--port", str(a_port)) as a, \
            hh.Server(via(url, link.port), "--purge-url", purge, "--max-age", "60", "--port", str(b_port)) as b:
        with v:
            summary = "Race change at %.6f." % time.time()
            old = v.get(ARTICLE)[2]
            link.hold()
            set_article_summary(d, summary)
            hh.migrate(url, content=d)
            hh.check(hh.poll(lambda: summary.encode() in a.get(ARTICLE)[2], 5) is not None, "A swapped")
            n_ok = lambda s: int(re.search(r'purges_total\{result="ok"\} (\d+)', s.get("/metrics")[2].decode()).group(1))  # noqa: E731
            # A's purge and its repeat half a second later are both done: what the cache fetches now stays
            hh.check(hh.poll(lambda: n_ok(a) >= 2, 5) is not None, "A purged after its swap, and again")
            st, h, body = v.get(ARTICLE)
            hh.check(st == 200 and summary.encode() not in body and body == old,
                     "the cache refetched the old answer from B, still on the old version")
            st, h, body = v.get(ARTICLE)
            hh.check(hit(h) and summary.encode() not in body, "and holds it")
            link.release()
            t0 = time.monotonic()
            t = hh.poll(lambda: shows(v, ARTICLE, None, summary), 10, 0.01)
            hh.check(t is not None and t < TARGET_S, "B's purge after its own swap replaced it: %s s"
                     % ("%.3f" % t if t is not None else "never"))
            print("race: B swapped and purged; the cache served new %.0f ms after B's link was released"
                  % ((time.monotonic() - t0) * 1000))


def test_request_ids(v):
    """One client's X-Request-Id never reaches another, on a miss or a hit."""
    for path, headers in views() + [("/v1/causes/poor-posture", None), ("/v1/triage?symptoms=worse_sitting", None)]:
        v.request("PURGE", "/", {"xkey-purge": "article/" + ARTICLE_SLUG + " articles causes cause/poor-posture triage"})
        h1 = dict(headers or {}, **{"X-Request-Id": "alice-session-7f3a"})
        st, h, b = v.get(path, h1)
        hh.check(st == 200 and "alice" not in json.dumps(h) and b"alice" not in b,
                 "%s: alice's own answer stores nothing of her id" % path)
        for other in ({}, {"X-Request-Id": "bob-1"}):
            st, h, b = v.get(path, dict(headers or {}, **other))
            hh.check(hit(h), "%s is a hit for the next client" % path)
            hh.check("alice" not in json.dumps(h) and b"alice" not in b and "x-request-id" not in h,
                     "%s: the next client (%r) sees no id of alice's: %r" % (path, other, h.get("x-request-id")))
    # a problem is no-store, so it may name the id: each client gets its own
    st, h, b = v.get("/v1/causes/no-such", {"X-Request-Id": "alice-404"})
    st2, h2, b2 = v.get("/v1/causes/no-such", {"X-Request-Id": "bob-404"})
    hh.check(st == 404 and st2 == 404 and b"alice" not in b2 and h2.get("x-request-id") == "bob-404",
             "a 404 is never shared: %r" % h2.get("x-request-id"))


def test_bad_input(v, s):
    """PURGE to the service is 405; malformed Accept and If-Modified-Since are ignored; the ACL holds."""
    st, h, b = s.request("PURGE", ARTICLE, {"xkey-purge": "articles"})
    hh.is_problem(st, h, b, 405)
    hh.check("GET" in h.get("allow", ""), "405 names what is allowed: %r" % h.get("allow"))
    for target in (s, v):
        for accept in ("garbage", ";;;,,,", "application/ld+json;q=abc", "*/json", "application/ld+json;q=0",
                       "text/html", "application/ld+json;q=0.9, application/json", "a/b;q=0.5;q=0.7, c"):
            st, h, b = target.get(ARTICLE, {"Accept": accept})
            hh.check(st == 200 and h.get("content-type", "").startswith("application/json"),
                     "Accept %r: JSON, not an error or ld+json (%d %r)" % (accept, st, h.get("content-type")))
        for accept in ("application/LD+JSON", "application/json;q=0.5, application/ld+json", "application/*;q=0.1, "
                       "application/ld+json;q=0.2"):
            st, h, b = target.get(ARTICLE, {"Accept": accept})
            hh.check(st == 200 and h.get("content-type", "").startswith("application/ld+json"),
                     "Accept %r: ld+json (%d %r)" % (accept, st, h.get("content-type")))
        st = target.get(ARTICLE, {"Accept": "\x7f"})[0]
        hh.check(st < 500, "an Accept with a control character: %d, never a 5xx" % st)
        for ims in ("yesterday", "Sun, 06 Nov 1994 08:49:37", "", "99999999999999999999"):
            st, h, b = target.get(ARTICLE, {"If-Modified-Since": ims})
            hh.check(st == 200 and b, "If-Modified-Since %r is ignored: %d" % (ims, st))
    # one object per representation: common Accept strings share the JSON or the ld+json object
    for base, others in (("application/json", ["application/json, text/plain, */*", "*/*", "text/html,*/*;q=0.8"]),
                         ("application/ld+json", [" application/ld+json "])):
        v.get(ARTICLE, {"Accept": base})
        for accept in others:
            st, h, _ = v.get(ARTICLE, {"Accept": accept})
            hh.check(st == 200 and hit(h), "Accept %r shares the %s object (X-Varnish %r)"
                     % (accept, base, h.get("x-varnish")))
    # direct: Last-Modified from updated_at; If-Modified-Since only without If-None-Match
    st, h, b = s.get(ARTICLE)
    lm = h.get("last-modified")
    hh.check(bool(lm) and lm.endswith(" GMT"), "an article carries Last-Modified: %r" % lm)
    hh.check(s.get(ARTICLE, {"If-Modified-Since": lm})[0] == 304, "If-Modified-Since its date: 304")
    hh.check(s.get(ARTICLE, {"If-Modified-Since": "Sun, 06 Nov 1994 08:49:37 GMT"})[0] == 200, "an older date: 200")
    hh.check(s.get(ARTICLE, {"If-Modified-Since": lm, "If-None-Match": '"other"'})[0] == 200,
             "If-None-Match decides when present (RFC 9110 13.2.2)")
    keys = h.get("surrogate-key", "").split()
    hh.check(keys[:1] == ["article/" + ARTICLE_SLUG] and "cause/poor-posture" in keys,
             "Surrogate-Key names the article and what it shows: %r" % keys)
    hh.check(s.get("/v1/causes")[1].get("surrogate-key", "").split()[:1] == ["causes"], "a list names itself first")
    # the ACL: a purge from 127.0.0.2 is refused and purges nothing
    v.get(ARTICLE)
    st, h, _ = v.get(ARTICLE)
    hh.check(hit(h), "cached before the refused purge")
    st, h, b = v.request("PURGE", "/", {"xkey-purge": "article/" + ARTICLE_SLUG}, source="127.0.0.2")
    hh.check(st == 403, "PURGE from outside the ACL: %d" % st)
    st, h, _ = v.get(ARTICLE)
    hh.check(hit(h), "the refused purge purged nothing")
    st, h, b = v.request("PURGE", "/", {"xkey-purge": "article/" + ARTICLE_SLUG})
    hh.check(st == 200, "PURGE from the ACL: %d %r" % (st, b[:80]))
    st, h, _ = v.get(ARTICLE)
    hh.check(not hit(h), "the allowed purge purged it")


def test_outage(v, servers):
    """Both instances stopped: cached answers keep flowing past max-age (grace, probe)."""
    # the last change's purges (and their repeat half a second later) are done before the cache is warmed
    def queue_empty(s):
        return re.search(r"healthhub_cdn_purge_queue 0\b", s.get("/metrics")[2].decode()) is not None
    for s in servers:
        hh.check(hh.poll(lambda: queue_empty(s), 10, 0.05) is not None, "purges settled before the outage")
    bodies = {}
    for path, headers in views():
        st, _, b = v.get(path, headers)
        bodies[(path, str(headers))] = b
    for s in servers:
        s.stop()
    t0 = time.monotonic()
    time.sleep(float(MAX_AGE) + 2.5)  # past max-age, and the probe (1 s in the test) has marked both sick
    served = 0
    while time.monotonic() - t0 < float(MAX_AGE) * 3 + 3:
        for path, headers in views():
            st, h, b = v.get(path, headers)
            hh.check(st == 200 and b == bodies[(path, str(headers))],
                     "origin down: %s %s still served from the cache (%d)" % (path, headers, st))
            age = int(h.get("age", "0"))
            hh.check(age > int(MAX_AGE), "and past max-age (Age %d)" % age)
            served += 1
        time.sleep(0.5)
    print("origin down: %d answers served from the cache over %.1f s, all past max-age %s s"
          % (served, time.monotonic() - t0, MAX_AGE))


def test_purge_failures(url):
    """A cache that never answers and one that refuses: retried, counted, and serving never waits."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts into the backlog, never answers: each attempt waits for its timeouts
    closed = hh.free_port()
    purge = "http://127.0.0.1:%d/,http://localhost:%d/" % (silent.getsockname()[1], closed)
    d = hh.copy_content()
    with hh.Server(url, "--purge-url", purge, "--purge-queue", "1") as s:
        set_article_summary(d, "Failing purge change %.6f." % time.time())
        hh.migrate(url, content=d)
        hh.check(hh.poll(lambda: b"Failing purge" in s.get(ARTICLE)[2], 5) is not None, "the change is served")
        worst = 0.0
        t_end = time.monotonic() + 3
        while time.monotonic() < t_end:
            t = time.monotonic()
            st = s.get(ARTICLE)[0]
            worst = max(worst, time.monotonic() - t)
            hh.check(st == 200, "served while purges fail")
        hh.check(worst < 0.5, "no request waited for a purge: slowest %.0f ms" % (worst * 1000))
        m = s.get("/metrics")[2].decode()
        err = int(re.search(r'healthhub_cdn_purges_total\{result="error"\} (\d+)', m).group(1))
        hh.check(err >= 3, "failed attempts are counted and retried with backoff: %d" % err)
        hh.check(any("purge failed; will retry" in line for line in s.lines), "and logged")
        # each URL's queue holds one batch, still being retried: the next change's batches are dropped and counted
        set_article_summary(d, "Dropped purge change %.6f." % time.time())
        hh.migrate(url, content=d)
        hh.check(hh.poll(lambda: b"Dropped purge" in s.get(ARTICLE)[2], 5) is not None, "the next change is served")
        m = s.get("/metrics")[2].decode()
        dropped = int(re.search(r'healthhub_cdn_purges_total\{result="dropped"\} (\d+)', m).group(1))
        hh.check(dropped >= 1, "a full purge queue drops and counts: %d" % dropped)
        print("failing purges: %d failed attempts counted in 3 s, %d batches dropped; slowest request %.1f ms"
              % (err, dropped, worst * 1000))
    silent.close()
    r = hh.run("serve", "--purge-url", "https://cdn.example/purge", "--database-url", url, "--port", "0")
    hh.check(r.returncode != 0 and "purge" in (r.stdout + r.stderr), "an https:// purge URL is refused at start")


def test_admin_port(url):
    admin = hh.free_port()
    with hh.Server(url, "--admin-port", str(admin), ready=False) as s:
        hh.check(hh.poll(lambda: hh.request(admin, "GET", "/readyz")[0] == 200, 20) is not None, "readyz on admin")
        for path in ("/metrics", "/healthz", "/readyz"):
            hh.check(hh.request(admin, "GET", path)[0] == 200, "%s on the admin port" % path)
            st, h, b = s.get(path)
            hh.check(st == 404, "%s is 404 on the public port: %d" % (path, st))
        hh.check(s.get(ARTICLE)[0] == 200, "content on the public port")
        hh.check(hh.request(admin, "GET", ARTICLE)[0] == 404, "no content on the admin port")


def test_s_maxage(url):
    with hh.Server(url, "--s-maxage", "3600", "--max-age", "60") as s:
        cc = s.get(ARTICLE)[1].get("cache-control", "")
        hh.check("max-age=60" in cc and "s-maxage=3600" in cc, "--s-maxage apart from --max-age: %r" % cc)
    with hh.Server(url) as s:
        cc = s.get(ARTICLE)[1].get("cache-control", "")
        hh.check("s-maxage" not in cc, "no s-maxage by default: %r" % cc)


def main():
    if shutil.which("varnishd") is None:
        hh.check(False, "varnishd is not installed (scripts/test installs Debian's varnish and varnish-modules)")
        hh.done()
    url = hh.migrated_database("test_cdn")
    d = hh.copy_content()
    test_admin_port(url)
    test_s_maxage(url)
    test_purge_failures(url)
    test_race(url, d, db_port(url))
    vport = hh.free_port()
    purge = "http://127.0.0.1:%d/" % vport
    common = ["--purge-url", purge, "--max-age", MAX_AGE, "--stale-while-revalidate", "0"]
    a, b = hh.Server(url, *common), hh.Server(url, *common)
    try:
        a.start()
        b.start()
        v = Varnish(derive_vcl([a.port, b.port]))
        v.port = vport
        with v:
            test_bad_input(v, a)
            test_request_ids(v)
            test_propagation(v, [a, b], url, d)
            test_outage(v, [a, b])
    finally:
        a.stop(expect_code=None)
        b.stop(expect_code=None)
    hh.done()


if __name__ == "__main__":
    main()
