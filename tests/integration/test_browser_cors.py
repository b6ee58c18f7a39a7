"""CORS as browsers and plain HTTP clients see it.

Plain HTTP: the preflight answer, "*" mode, allow-list mode (reflect an allowed
Origin with Vary: Origin, say nothing to others) and CORS switched off.

Browser: examples/cors-demo is served by python3 -m http.server on its own
origin and driven in Debian's headless Chromium by tests/js/browser-cors.mjs,
against one server with the default "*", one whose allow-list holds the page's
origin (both must work) and one whose allow-list leaves it out (the browser
must refuse the answers and the page must show an error).

Needs /usr/bin/chromium (Debian package chromium) and Node.js with npm.
"""
import contextlib
import http.client
import os
import re
import shutil
import subprocess
import sys
import threading

import hh

JS_DIR = os.path.join(hh.SRC, "tests", "js")
CHROMIUM = os.environ.get("HH_CHROMIUM", "/usr/bin/chromium")
ARTICLE = "/v1/articles/upper-middle-back-muscle-soreness"
OTHER = "https://other.example"


def header_list(headers, name):
    return [v.strip().lower() for v in headers.get(name, "").split(",") if v.strip()]


def vary_of(srv, path, headers):
    """Every Vary value of a GET, however many Vary lines the server sends."""
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
    try:
        conn.request("GET", path, headers=headers)
        r = conn.getresponse()
        r.read()
        return [v.strip().lower() for line in (r.msg.get_all("Vary") or []) for v in line.split(",")]
    finally:
        conn.close()


def check_preflight(srv, origin, want_allow_origin):
    st, h, body = srv.request("OPTIONS", "/v1/triage", {
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    tag = "preflight from %s: " % origin
    hh.check(st == 204, tag + "status %d, wanted 204" % st)
    hh.check(body == b"", tag + "body %r, wanted none" % body[:100])
    hh.check(h.get("access-control-allow-origin") == want_allow_origin,
             tag + "Allow-Origin %r, wanted %r" % (h.get("access-control-allow-origin"), want_allow_origin))
    hh.check("post" in header_list(h, "access-control-allow-methods"),
             tag + "Allow-Methods %r lacks POST" % h.get("access-control-allow-methods"))
    hh.check("content-type" in header_list(h, "access-control-allow-headers"),
             tag + "Allow-Headers %r lacks Content-Type" % h.get("access-control-allow-headers"))
    hh.check(re.fullmatch(r"[0-9]+", h.get("access-control-max-age", "")) is not None,
             tag + "Max-Age %r is not a number of seconds" % h.get("access-control-max-age"))
    return h


def check_any_origin(srv):
    """Default "*": every response says any origin may read it."""
    h = check_preflight(srv, "http://page.example", "*")
    hh.check(h.get("access-control-max-age") == "600", "default Max-Age %r, wanted 600" % h.get("access-control-max-age"))
    for method, path, body in (("GET", ARTICLE, None), ("GET", "/healthz", None), ("GET", "/v1/nope", None),
                               ("POST", "/v1/triage", {"symptoms": ["worse_sitting"]})):
        st, h, _ = srv.request(method, path, {"Origin": "http://page.example"}, body)
        tag = "* mode, %s %s (%d): " % (method, path, st)
        hh.check(h.get("access-control-allow-origin") == "*", tag + "Allow-Origin %r" % h.get("access-control-allow-origin"))
        hh.check("etag" in header_list(h, "access-control-expose-headers"),
                 tag + "Expose-Headers %r lacks ETag" % h.get("access-control-expose-headers"))
        hh.check("access-control-allow-credentials" not in h, tag + "must not allow credentials with *")


def check_allow_list(srv, allowed):
    """Allow-list: reflect a listed Origin with Vary: Origin, say nothing to others."""
    check_preflight(srv, allowed, allowed)
    st, h, _ = srv.request("OPTIONS", "/v1/triage", {"Origin": OTHER, "Access-Control-Request-Method": "POST"})
    hh.check("access-control-allow-origin" not in h, "allow-list preflight from %s got Allow-Origin %r"
             % (OTHER, h.get("access-control-allow-origin")))
    for method, path, body in (("GET", ARTICLE, None), ("POST", "/v1/triage", {"symptoms": []}),
                               ("GET", "/v1/nope", None)):
        for origin, want in ((allowed, allowed), (OTHER, None), (None, None)):
            headers = {"Origin": origin} if origin else {}
            st, h, _ = srv.request(method, path, headers, body)
            tag = "allow-list, %s %s from %s (%d): " % (method, path, origin, st)
            hh.check(h.get("access-control-allow-origin") == want,
                     tag + "Allow-Origin %r, wanted %r" % (h.get("access-control-allow-origin"), want))
            # even without an Origin: a cache that stored that answer
            # (no Allow-Origin) must not hand it to a page's fetch later
            vary = vary_of(srv, path, headers) if method == "GET" else header_list(h, "vary")
            hh.check("origin" in vary, tag + "Vary %r lacks Origin" % vary)
            if want:
                hh.check("etag" in header_list(h, "access-control-expose-headers"),
                         tag + "Expose-Headers %r" % h.get("access-control-expose-headers"))
    # a revalidation keeps its CORS headers, or the browser drops the cached body
    _, h, _ = srv.get(ARTICLE, {"Origin": allowed})
    st, h304, _ = srv.get(ARTICLE, {"Origin": allowed, "If-None-Match": h.get("etag", "")})
    hh.check(st == 304 and h304.get("access-control-allow-origin") == allowed,
             "allow-list: 304 (%d) Allow-Origin %r, wanted %r" % (st, h304.get("access-control-allow-origin"), allowed))


def check_cors_off(srv):
    st, h, _ = srv.get(ARTICLE, {"Origin": "http://page.example"})
    hh.check(st == 200 and "access-control-allow-origin" not in h,
             "CORS off: GET got Allow-Origin %r" % h.get("access-control-allow-origin"))
    st, h, _ = srv.request("OPTIONS", "/v1/triage", {"Origin": "http://page.example",
                                                     "Access-Control-Request-Method": "POST"})
    hh.check("access-control-allow-origin" not in h and "access-control-allow-methods" not in h,
             "CORS off: preflight (%d) still answers CORS headers: %r" % (st, h))


@contextlib.contextmanager
def static_server(root):
    """python3 -m http.server on a free loopback port; yields its origin."""
    proc = subprocess.Popen([sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
                             "--directory", root], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    port = []
    seen = threading.Event()

    def drain():
        for line in proc.stdout:
            m = re.search(r"port (\d+)", line)
            if m and not port:
                port.append(int(m.group(1)))
                seen.set()

    threading.Thread(target=drain, daemon=True).start()
    try:
        if not seen.wait(15):
            raise AssertionError("the static server did not start")
        yield "http://127.0.0.1:%d" % port[0]
    finally:
        proc.terminate()
        proc.wait(10)


def node_ready():
    """Checks the browser tool chain; returns an error message or None."""
    if not os.path.exists(CHROMIUM):
        return ("%s is missing: install Debian's chromium package (apt-get install chromium) "
                "to run the browser CORS test" % CHROMIUM)
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "node and npm are missing: install Node.js (apt-get install nodejs npm)"
    if not os.path.isdir(os.path.join(JS_DIR, "node_modules", "playwright-core")):
        r = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=JS_DIR, capture_output=True,
                           text=True, timeout=600)
        if r.returncode != 0:
            return "npm ci in tests/js failed (%d):\n%s\n%s" % (r.returncode, r.stdout[-2000:], r.stderr[-2000:])
    return None


def run_browser(page, allowed, blocked):
    problem = node_ready()
    if not hh.check(problem is None, "browser test cannot run: %s" % problem):
        return
    argv = ["node", os.path.join(JS_DIR, "browser-cors.mjs"), "--page", page + "/cors-demo/index.html"]
    for api in allowed:
        argv += ["--allowed", api]
    for api in blocked:
        argv += ["--blocked", api]
    if os.environ.get("HH_SCREENSHOTS"):
        argv += ["--screenshots", os.environ["HH_SCREENSHOTS"]]
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=240)
    except subprocess.TimeoutExpired as e:
        hh.check(False, "browser-cors.mjs timed out:\n%s" % (e.stdout or ""))
        return
    print(r.stdout, end="")
    print(r.stderr, end="", file=sys.stderr)
    hh.check(r.returncode == 0, "browser-cors.mjs exited %d (see its output above)" % r.returncode)


def main():
    url = hh.migrated_database("test_browser_cors")
    quiet = ["--access-log=0"]
    with static_server(os.path.join(hh.SRC, "examples")) as page, contextlib.ExitStack() as stack:
        # the page's origin differs from every API's: same host, other port
        any_origin = stack.enter_context(hh.Server(url, *quiet))
        listed = stack.enter_context(hh.Server(url, "--cors-origins", "https://site.example, " + page, *quiet))
        unlisted = stack.enter_context(hh.Server(url, "--cors-origins", "https://site.example," + OTHER, *quiet))
        off = stack.enter_context(hh.Server(url, "--cors-origins=", *quiet))
        check_any_origin(any_origin)
        check_allow_list(listed, page)
        check_cors_off(off)
        api = lambda s: "http://127.0.0.1:%d" % s.port
        run_browser(page, [api(any_origin), api(listed)], [api(unlisted)])
    hh.done()


if __name__ == "__main__":
    main()
