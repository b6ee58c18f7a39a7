"""Rate limiting, security headers on every answer, request ids, configurable limits."""
import json

import hh

SECURITY = {"x-content-type-options": "nosniff", "referrer-policy": "no-referrer"}
ARTICLE = "/v1/articles/upper-middle-back-muscle-soreness"
TRIAGE = json.dumps({"symptoms": ["worse_sitting"]}).encode()


def secure(resp, what):
    st, h, b = resp
    for k, v in SECURITY.items():
        hh.check(h.get(k) == v, "%s (%d): %s is %r" % (what, st, k, h.get(k)))
    hh.check("frame-ancestors 'none'" in h.get("content-security-policy", ""),
             "%s (%d): CSP %r" % (what, st, h.get("content-security-policy")))
    return resp


def test_rate_limit(url):
    with hh.Server(url, "--rate-limit", "2", "--rate-burst", "3") as s:
        statuses = [s.get("/v1/causes")[0] for _ in range(3)]
        hh.check(statuses == [200, 200, 200], "the burst passes: %r" % statuses)
        st, h, b = secure(s.get("/v1/causes"), "429")
        hh.is_problem(st, h, b, 429)
        ra = h.get("retry-after", "")
        hh.check(ra.isdigit() and int(ra) >= 1, "429 has Retry-After: %r" % ra)
        # probes are never limited
        hh.check(all(s.get("/healthz")[0] == 200 for _ in range(10)), "healthz is exempt")
        hh.check(s.get("/readyz")[0] == 200, "readyz is exempt")
        # X-Forwarded-For is not believed from an untrusted peer
        st = s.get("/v1/causes", {"X-Forwarded-For": "203.0.113.9"})[0]
        hh.check(st == 429, "a forged X-Forwarded-For does not buy a new bucket: %d" % st)
    with hh.Server(url, "--rate-limit", "2", "--rate-burst", "2", "--trusted-proxies", "127.0.0.1") as s:
        a = [s.get("/v1/causes", {"X-Forwarded-For": "198.51.100.1"})[0] for _ in range(3)]
        b = [s.get("/v1/causes", {"X-Forwarded-For": "198.51.100.2"})[0] for _ in range(2)]
        hh.check(a == [200, 200, 429], "behind a trusted proxy, each client has its bucket: %r" % a)
        hh.check(b == [200, 200], "another client behind the proxy is not limited by the first: %r" % b)
    with hh.Server(url) as s:
        hh.check(all(s.get("/v1/causes")[0] == 200 for _ in range(200)), "off by default")


def test_headers_and_ids(url):
    with hh.Server(url, "--max-body-bytes", "1024") as s:
        st, h, b = secure(s.get(ARTICLE), "cached 200")
        etag = h.get("etag")
        hh.check("x-request-id" not in h, "a cacheable answer carries no request id: %r" % h.get("x-request-id"))
        st2, h2, b2 = s.get(ARTICLE)
        hh.check(b2 == b and h2.get("etag") == etag, "the same bytes and ETag for everyone")
        st, h, b = secure(s.get(ARTICLE, {"If-None-Match": etag}), "304")
        hh.check("x-request-id" not in h, "a 304 of a cacheable answer carries no request id")
        # issue 13: a client's id would be stored by a shared cache and served to the next clients
        st, h, b = secure(s.get(ARTICLE, {"X-Request-Id": "alice-session-1"}), "200 with a client id")
        hh.check("x-request-id" not in h, "a client's id is never on a cacheable answer: %r" % h.get("x-request-id"))
        st, h, b = secure(s.get("/v1/triage?symptoms=worse_sitting", {"X-Request-Id": "alice-2"}), "triage GET")
        hh.check(st == 200 and "x-request-id" not in h, "nor on a cacheable triage GET: %r" % h.get("x-request-id"))
        st, h, b = secure(s.get("/v1/causes/no-such", {"X-Request-Id": "app-42.req"}), "404 with a client id")
        hh.check(h.get("x-request-id") == "app-42.req" and json.loads(b).get("request_id") == "app-42.req",
                 "a problem echoes the client's id in the header and the body: %r" % h.get("x-request-id"))
        st, h, b = secure(s.get("/v1/causes/no-such"), "404")
        rid = h.get("x-request-id")
        hh.check(bool(rid) and json.loads(b).get("request_id") == rid,
                 "a problem names its generated id in the header and the body: %r" % rid)
        st, h, b = secure(s.get("/v1/causes/no-such", {"X-Request-Id": "bad id\twith spaces"}), "404 with a bad id")
        hh.check(" " not in h.get("x-request-id", ""), "an id with spaces is not echoed: %r" % h.get("x-request-id"))
        for what, resp in (("405", s.request("DELETE", "/v1/causes")),
                           ("triage POST", s.request("POST", "/v1/triage", {"Content-Type": "application/json"},
                                                     TRIAGE)),
                           ("healthz", s.get("/healthz")), ("metrics", s.get("/metrics")),
                           ("preflight", s.request("OPTIONS", "/v1/triage",
                                                   {"Origin": "http://x.test", "Access-Control-Request-Method": "POST"}))):
            st, h, b = secure(resp, what)
            hh.check(bool(h.get("x-request-id")), "%s (made for one request) carries X-Request-Id" % what)
            hh.check("public" not in h.get("cache-control", ""), "%s is not shared-cacheable: %r"
                     % (what, h.get("cache-control")))
        big = json.dumps({"symptoms": [], "pad": "x" * 2000}).encode()
        st, h, b = secure(s.request("POST", "/v1/triage", {"Content-Type": "application/json"}, big), "413")
        hh.is_problem(st, h, b, 413)
        hh.check("1024" in json.loads(b).get("detail", ""), "413 says the configured limit: %r" % b)


def test_echo_off(url):
    with hh.Server(url, "--echo-request-id", "0") as s:
        st, h, b = s.get(ARTICLE, {"X-Request-Id": "app-7"})
        hh.check(st == 200 and "x-request-id" not in h, "--echo-request-id 0: a prebuilt answer as it is")
        st, h, b = s.get("/v1/causes/no-such", {"X-Request-Id": "app-7"})
        hh.check("x-request-id" not in h, "--echo-request-id 0: no X-Request-Id header at all")
        hh.check(json.loads(b).get("request_id") == "app-7", "the problem body still names the id")


def main():
    url = hh.new_database("test_limits")
    hh.migrate(url)
    test_rate_limit(url)
    test_headers_and_ids(url)
    test_echo_off(url)
    hh.done()


if __name__ == "__main__":
    main()
