"""Prism 5 (npm @stoplight/prism-cli, pinned in tests/js) in proxy mode in front
of a live server, validating every request and answer against docs/openapi.json.

The integration requests (every path, every documented representation, the
conditional requests, CORS preflights, the error answers a valid request can
get) are sent one at a time through Prism; the test fails on any violation
Prism reports, request or response, except one that is Prism's own bug:

- stoplightio/prism#2509: Prism validates an `application/ld+json` body
  against the `application/json` schema of the same response, so the
  schema.org rendition of an article is reported as missing the JSON
  article's properties. Only response-body violations of the ld+json request
  are excused, by name, and they are printed.

HEAD is not sent through Prism: its proxy parses the (empty) body of a HEAD
answer as JSON and fails the request itself (a Prism limitation, not a
violation); HEAD is validated directly by tests/js/validate.mjs
(test_openapi.py).
"""
import os
import re
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hh  # noqa: E402

JS = os.path.join(hh.SRC, "tests", "js")
DOC = os.path.join(hh.SRC, "docs", "openapi.json")
ARTICLE = "/v1/articles/upper-middle-back-muscle-soreness"
LD_BUG = "stoplightio/prism#2509"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def requests(etags):
    """(label, method, path, headers, body) of the integration requests; etags fills in validators."""
    json_ct = {"Content-Type": "application/json"}
    out = [
        ("articles", "GET", "/v1/articles", {}, None),
        ("articles page", "GET", "/v1/articles?limit=1&offset=0", {}, None),
        ("articles search", "GET", "/v1/articles?q=posture", {}, None),
        ("article", "GET", ARTICLE, {}, None),
        ("article ld+json", "GET", ARTICLE, {"Accept": "application/ld+json"}, None),
        ("article q-values", "GET", ARTICLE, {"Accept": "application/ld+json;q=0.9, application/json"}, None),
        ("article 304", "GET", ARTICLE, {"If-None-Match": etags.get(ARTICLE, '"x"')}, None),
        ("article If-Modified-Since", "GET", ARTICLE, {"If-Modified-Since": etags.get("lm", "")}, None),
        ("article unknown", "GET", "/v1/articles/no-such-article", {}, None),
        ("causes", "GET", "/v1/causes", {}, None),
        ("causes filtered", "GET", "/v1/causes?position=sitting&region=upper_back", {}, None),
        ("causes search", "GET", "/v1/causes?q=stress", {}, None),
        ("cause", "GET", "/v1/causes/poor-posture", {}, None),
        ("cause unknown", "GET", "/v1/causes/no-such-cause", {}, None),
        ("remedies", "GET", "/v1/remedies", {}, None),
        ("remedies for cause", "GET", "/v1/remedies?cause=poor-posture", {}, None),
        ("remedies unknown cause", "GET", "/v1/remedies?cause=no-such-cause", {}, None),
        ("remedy", "GET", "/v1/remedies/improve-posture", {}, None),
        ("symptoms", "GET", "/v1/symptoms", {}, None),
        ("triage GET", "GET", "/v1/triage?symptoms=worse_sitting,desk_slouching&positions=sitting", {}, None),
        ("triage GET see_doctor", "GET", "/v1/triage?symptoms=worse_sitting&region=upper_back&duration_days=30&age=55",
         {}, None),
        ("triage GET emergency", "GET", "/v1/triage?symptoms=chest_pain,fever", {}, None),
        ("triage POST", "POST", "/v1/triage", json_ct,
         b'{"symptoms": ["worse_sitting"], "positions": ["sitting"], "region": "upper_back", "age": 35}'),
        ("triage POST urgent", "POST", "/v1/triage", json_ct, b'{"symptoms": ["fever"]}'),
        ("healthz", "GET", "/healthz", {}, None),
        ("readyz", "GET", "/readyz", {}, None),
        ("metrics", "GET", "/metrics", {}, None),
        ("openapi", "GET", "/openapi.json", {}, None),
    ]
    for path in ("/v1/articles", ARTICLE, "/v1/causes", "/v1/causes/poor-posture", "/v1/remedies",
                 "/v1/remedies/improve-posture", "/v1/symptoms", "/v1/triage", "/healthz", "/readyz", "/metrics",
                 "/openapi.json"):
        out.append(("preflight " + path, "OPTIONS", path,
                    {"Origin": "https://example.org", "Access-Control-Request-Method": "GET"}, None))
    return out


class Prism:
    def __init__(self, upstream):
        self.port = hh.free_port()
        argv = ["npx", "--no-install", "prism", "proxy", DOC, "http://127.0.0.1:%d" % upstream,
                "--host", "127.0.0.1", "--port", str(self.port), "--cors", "false"]
        self.lines = []
        # its own process group: npx starts node as a child, and both must go at the end
        self.proc = subprocess.Popen(argv, cwd=JS, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        threading.Thread(target=self._drain, daemon=True).start()
        if hh.poll(lambda: any("Prism is listening" in line for line in self.lines), 60, 0.1) is None:
            self.stop()
            raise AssertionError("prism did not start:\n" + "\n".join(self.lines[-20:]))

    def _drain(self):
        for raw in self.proc.stdout:
            self.lines.append(ANSI.sub("", raw.decode("utf-8", "replace").rstrip("\n")))

    def stop(self):
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.proc.wait(wait)
                os.killpg(self.proc.pid, 0)  # the group outlives npx while node still runs
                time.sleep(0.2)
            except subprocess.TimeoutExpired:
                continue
            except ProcessLookupError:
                return


def main():
    hh.check(os.path.exists(os.path.join(JS, "node_modules", "@stoplight", "prism-cli", "package.json")),
             "tests/js/node_modules has Prism (cd tests/js && npm ci)")
    with hh.served_database("test_prism") as srv:
        st, h, _ = srv.get(ARTICLE)
        etags = {ARTICLE: h.get("etag", '"x"'), "lm": h.get("last-modified", "")}
        prism = Prism(srv.port)
        try:
            blocks = []
            for label, method, path, headers, body in requests(etags):
                start = len(prism.lines)
                st, _, _ = hh.request(prism.port, method, path, headers, body, timeout=20)
                hh.check(st < 500, "%s through Prism: %d" % (label, st))
                # Prism logs the request's violations before it answers; take its lines from the log
                hh.poll(lambda: any("Received forward response" in line or "Request terminated" in line
                                    for line in prism.lines[start:]), 5, 0.01)
                time.sleep(0.05)
                blocks.append((label, prism.lines[start:]))
        finally:
            prism.stop()
    excused = 0
    for label, lines in blocks:
        violations = [line for line in lines if "Violation" in line or "Request terminated" in line]
        if label == "article ld+json":
            known = [v for v in violations if "Violation: response.body" in v]
            excused += len(known)
            violations = [v for v in violations if v not in known]
        for v in violations:
            hh.check(False, "%s: Prism reports %s" % (label, v.split("›", 1)[-1].strip()))
    print("prism: %d requests through the proxy; %d ld+json response-body violations excused (%s)"
          % (len(blocks), excused, LD_BUG))
    hh.done()


if __name__ == "__main__":
    main()
