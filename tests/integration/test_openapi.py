#!/usr/bin/env python3
"""The OpenAPI document against the real server, and /metrics against Prometheus.

(a) `redocly lint` passes on docs/openapi.json (tests/js/redocly.yaml);
(b) tests/js/validate.mjs finds every real answer, errors included, valid
    against the schema the document declares for it;
(c) GET /openapi.json serves the same document as docs/openapi.json;
(d) `promtool check metrics` accepts /metrics after some traffic, and the
    metrics operators rely on are there.

Needs node, npm and npx (Debian: nodejs, npm) and promtool (Debian: prometheus).
"""
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hh  # noqa: E402

JS = os.path.join(hh.SRC, "tests", "js")
DOC = os.path.join(hh.SRC, "docs", "openapi.json")


def need(tool, package):
    if shutil.which(tool) is None:
        print("FAIL: %s is not installed: install the Debian package %s" % (tool, package), file=sys.stderr)
        sys.exit(1)


def sh(argv, cwd=JS, timeout=300):
    """Runs a command, echoing its output; returns (exit code, stdout)."""
    env = dict(os.environ)
    # Redocly would otherwise phone home (telemetry, update checks); tests stay offline.
    env.update(REDOCLY_TELEMETRY="off", REDOCLY_SUPPRESS_UPDATE_NOTICE="true")
    r = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)
    sys.stdout.write(r.stdout)
    sys.stderr.write(r.stderr)
    return r.returncode, r.stdout


def node_modules():
    """Installs the pinned tools from package-lock.json when any is missing."""
    with open(os.path.join(JS, "package.json"), encoding="utf-8") as f:
        deps = json.load(f).get("devDependencies", {})
    if all(os.path.exists(os.path.join(JS, "node_modules", d, "package.json")) for d in deps):
        return
    code, _ = sh(["npm", "ci", "--no-audit", "--no-fund"], timeout=600)
    if code != 0:
        print("FAIL: npm ci failed in tests/js", file=sys.stderr)
        sys.exit(1)


def lint():
    code, _ = sh(["npx", "--no-install", "redocly", "lint", "--config", os.path.join(JS, "redocly.yaml"), DOC])
    hh.check(code == 0, "redocly lint docs/openapi.json failed (exit %d)" % code)


def validate(srv):
    code, _ = sh(["node", os.path.join(JS, "validate.mjs"), "http://127.0.0.1:%d" % srv.port, DOC])
    hh.check(code == 0, "validate.mjs found answers that disagree with docs/openapi.json (exit %d)" % code)


def served_document(srv):
    st, h, body = srv.get("/openapi.json")
    hh.check(st == 200, "GET /openapi.json: status %d" % st)
    with open(DOC, encoding="utf-8") as f:
        want = json.load(f)
    try:
        got = json.loads(body)
    except ValueError:
        hh.check(False, "GET /openapi.json is not JSON")
        return
    hh.check(got == want, "GET /openapi.json differs from docs/openapi.json (rebuild after editing it)")


def traffic(srv):
    """A little of everything, so the counters and histograms have samples."""
    for path in ("/v1/articles", "/v1/causes", "/v1/causes?q=posture", "/v1/causes?q=posture",
                 "/v1/remedies", "/v1/symptoms", "/v1/triage?symptoms=worse_sitting",
                 "/v1/triage?symptoms=worse_sitting", "/v1/articles/no-such-article", "/nowhere"):
        srv.get(path)
    srv.request("POST", "/v1/triage", body={"symptoms": ["fever"]})
    srv.request("DELETE", "/v1/causes")


# name -> (type, labels every sample must carry)
WANTED = {
    "healthhub_http_requests_total": ("counter", {"route", "method", "status"}),
    "healthhub_http_request_duration_seconds": ("histogram", {"route"}),
    "healthhub_cache_requests_total": ("counter", {"route", "outcome"}),
    "healthhub_content_version": ("gauge", set()),
    "healthhub_content_last_reload_timestamp_seconds": ("gauge", set()),
    "healthhub_db_errors_total": ("counter", set()),
    "healthhub_db_reconnects_total": ("counter", set()),
    "healthhub_process_resident_memory_bytes": ("gauge", set()),
    "healthhub_cdn_purges_total": ("counter", {"result"}),
    "healthhub_cdn_purge_queue": ("gauge", set()),
}

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text):
    """Returns ({name: type}, [(name, labels dict, value)])."""
    types, samples = {}, []
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(None, 3)
            types[name] = kind
        elif line and not line.startswith("#"):
            m = SAMPLE.match(line)
            if hh.check(m is not None, "unparsable metrics line: %r" % line):
                samples.append((m.group(1), dict(LABEL.findall(m.group(2) or "")), float(m.group(3))))
    return types, samples


def family(name, types):
    """The metric family a sample belongs to (histogram series have suffixes)."""
    for suffix in ("_bucket", "_sum", "_count"):
        base = name[: -len(suffix)] if name.endswith(suffix) else None
        if base and types.get(base) == "histogram":
            return base
    return name


def check_metrics(srv):
    traffic(srv)
    st, h, body = srv.get("/metrics")
    hh.check(st == 200, "GET /metrics: status %d" % st)
    hh.check(h.get("content-type", "").startswith("text/plain; version=0.0.4"),
             "metrics content type %r" % h.get("content-type"))
    r = subprocess.run(["promtool", "check", "metrics"], input=body.decode("utf-8"), capture_output=True,
                       text=True, timeout=60)
    hh.check(r.returncode == 0, "promtool check metrics: %s%s" % (r.stdout, r.stderr))
    types, samples = parse_metrics(body.decode("utf-8"))
    by_family = {}
    for name, labels, value in samples:
        by_family.setdefault(family(name, types), []).append((name, labels, value))
    for name, (kind, labels) in WANTED.items():
        if not hh.check(types.get(name) == kind, "metric %s: type %r, wanted %s" % (name, types.get(name), kind)):
            continue
        got = by_family.get(name, [])
        hh.check(got, "metric %s has no samples" % name)
        for sname, slabels, _ in got:
            hh.check(labels <= set(slabels), "%s lacks labels %s" % (sname, labels - set(slabels)))

    def value(name, **labels):
        return sum(v for n, lab, v in samples if n == name and all(lab.get(k) == x for k, x in labels.items()))

    hh.check(value("healthhub_http_requests_total", route="/v1/causes", method="GET", status="200") >= 1,
             "no GET /v1/causes 200 counted")
    hh.check(value("healthhub_http_requests_total", route="/v1/causes", method="OTHER", status="405") >= 1,
             "the DELETE /v1/causes 405 is not counted")
    hh.check(value("healthhub_http_requests_total", route="unmatched", status="404") >= 1,
             "the unknown path is not counted under route=\"unmatched\"")
    hh.check(value("healthhub_http_request_duration_seconds_count", route="/v1/triage") >= 3,
             "triage latency not observed")
    hh.check(value("healthhub_cache_requests_total", outcome="hit") >= 1, "no cache hit counted")
    hh.check(value("healthhub_cache_requests_total", outcome="miss") >= 1, "no cache miss counted")
    hh.check(value("healthhub_content_version") >= 1, "content version not reported")
    hh.check(value("healthhub_content_last_reload_timestamp_seconds") > 1.5e9, "last reload time not reported")
    hh.check(value("healthhub_process_resident_memory_bytes") > 1 << 20, "RSS not reported")


def document_says_what_it_does():
    """Issue 13: tools driven by the document (Dredd, Prism) need HEAD and OPTIONS declared, an
    example for every path parameter, and the headers the service really sends."""
    with open(DOC, encoding="utf-8") as f:
        doc = json.load(f)
    comp = doc["components"]

    def deref(node):
        while "$ref" in node:
            kind, name = node["$ref"].split("/")[-2:]
            node = comp[kind][name]
        return node

    for path, item in doc["paths"].items():
        hh.check("options" in item, "%s declares OPTIONS (every path answers it)" % path)
        if "get" in item:
            hh.check("head" in item, "%s declares HEAD (every GET answers it)" % path)
        for op in [item] + [item[m] for m in ("get", "head", "post", "options") if m in item]:
            for p in op.get("parameters", []):
                p = deref(p)
                if p["in"] == "path":
                    hh.check("example" in p or "examples" in p, "%s: path parameter %s has an example"
                             % (path, p["name"]))
        ok = item.get("get", {}).get("responses", {}).get("200", {})
        headers = deref(ok).get("headers", {}) if ok else {}
        if "ETag" in headers:
            hh.check("Surrogate-Key" in headers and "X-Request-Id" not in headers,
                     "%s: a cacheable 200 declares Surrogate-Key and no X-Request-Id" % path)
            vary = deref(headers["Vary"])["schema"].get("enum", [])
            hh.check(any(v.endswith("Origin") for v in vary) and any("Origin" not in v for v in vary),
                     "%s: Vary declared for both CORS modes: %r" % (path, vary))


def main():
    document_says_what_it_does()
    need("node", "nodejs")
    need("npm", "npm (or a Node.js that bundles it)")
    need("npx", "npm (or a Node.js that bundles it)")
    need("promtool", "prometheus")
    node_modules()
    lint()
    with hh.served_database("test_openapi") as srv:
        served_document(srv)
        validate(srv)
        check_metrics(srv)
    hh.done()


if __name__ == "__main__":
    main()
