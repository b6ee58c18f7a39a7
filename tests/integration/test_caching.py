"""HTTP caching integration tests: ETags, revalidation, gzip, HEAD, triage
caching, invalidation on a content change, and answers from memory while the
database is paused.
"""
import gzip
import json
import os
import re
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hh import (PrivateCluster, Server, check, copy_content, done, edit_json, migrate, poll,  # noqa: E402
                served_database, stopped, timed)

ARTICLE = "/v1/articles/upper-middle-back-muscle-soreness"
CONTENT_PATHS = (
    "/v1/articles", "/v1/articles?limit=1", "/v1/articles?q=posture", ARTICLE,
    "/v1/causes", "/v1/causes?position=sitting", "/v1/causes?region=middle_back",
    "/v1/causes?position=lying_down&region=upper_back", "/v1/causes?q=stress",
    "/v1/causes/poor-posture", "/v1/causes/injury",
    "/v1/remedies", "/v1/remedies?cause=poor-posture", "/v1/remedies/improve-posture",
    "/v1/symptoms",
)
STRONG_ETAG = re.compile(r'^"[\x21\x23-\x7e]+"$')
TRIAGE_BODY = {"symptoms": ["worse_sitting", "desk_slouching"], "positions": ["sitting"], "region": "upper_back",
               "duration_days": 3, "age": 35}


def etag_of(h):
    return h.get("etag", "")


def directives(cache_control):
    """{"max-age": "300", "public": None, ...}"""
    out = {}
    for part in cache_control.split(","):
        part = part.strip()
        if part:
            k, _, v = part.partition("=")
            out[k.strip().lower()] = v.strip() or None
    return out


def vary_names(h):
    return [v.strip().lower() for v in h.get("vary", "").split(",") if v.strip()]


# ------------------------------------------------------------------ ETags

def test_etags_and_headers(s):
    for path in CONTENT_PATHS:
        st, h, b = s.get(path)
        if not check(st == 200, "GET %s: %d %r" % (path, st, b[:200])):
            continue
        check(STRONG_ETAG.match(etag_of(h)) is not None, "%s: strong ETag, got %r" % (path, h.get("etag")))
        cc = directives(h.get("cache-control", ""))
        check("public" in cc, "%s: Cache-Control public: %r" % (path, h.get("cache-control")))
        for d in ("max-age", "stale-while-revalidate", "stale-if-error"):
            check(cc.get(d) is not None and cc[d].isdigit(), "%s: Cache-Control %s=N: %r" % (path, d, h.get("cache-control")))
        check("no-store" not in cc and "private" not in cc, "%s: cacheable: %r" % (path, h.get("cache-control")))
        check("accept-encoding" in vary_names(h), "%s: Vary: Accept-Encoding, got %r" % (path, h.get("vary")))


def test_two_instances(url, s1):
    with Server(url) as s2:
        # conditional first requests: the fresh instance's misses (searches) revalidate too
        for path in CONTENT_PATHS:
            want = s1.get(path)[1]
            st, h, b = s2.get(path, {"If-None-Match": etag_of(want)})
            check(st == 304 and b == b"" and etag_of(h) == etag_of(want),
                  "%s: first request on a fresh instance revalidates: %d" % (path, st))
        for path in CONTENT_PATHS:
            for enc in ({}, {"Accept-Encoding": "gzip"}):
                a, b = s1.get(path, enc), s2.get(path, enc)
                check(a[0] == b[0] == 200, "%s %r: statuses %d / %d" % (path, enc, a[0], b[0]))
                check(etag_of(a[1]) == etag_of(b[1]) and etag_of(a[1]),
                      "%s %r: ETags differ between instances: %r / %r" % (path, enc, a[1].get("etag"), b[1].get("etag")))
                body_a = gzip.decompress(a[2]) if a[1].get("content-encoding") == "gzip" else a[2]
                body_b = gzip.decompress(b[2]) if b[1].get("content-encoding") == "gzip" else b[2]
                check(body_a == body_b, "%s %r: bodies differ between instances" % (path, enc))
        st, h, _ = s2.get(ARTICLE, {"If-None-Match": etag_of(s1.get(ARTICLE)[1])})
        check(st == 304, "an ETag from one instance revalidates on the other: %d" % st)


# ------------------------------------------------------------ revalidation

def check_304(s, path, inm, want, headers=None, what=""):
    """If-None-Match inm must give 304 with the 200's validators and no body."""
    hdrs = dict(headers or {})
    hdrs["If-None-Match"] = inm
    st, h, b = s.get(path, hdrs)
    label = "%s If-None-Match %r %s" % (path, inm, what)
    if not check(st == 304, "%s: status %d, wanted 304" % (label, st)):
        return
    check(b == b"", "%s: 304 has a body: %r" % (label, b[:100]))
    for k in ("etag", "cache-control", "vary"):
        check(h.get(k) == want.get(k), "%s: 304 %s %r, the 200 has %r" % (label, k, h.get(k), want.get(k)))
    # KNOWN: a 304 carries Content-Length: 0 (the integrator is fixing it); not asserted yet.


def test_revalidation(s):
    for path in CONTENT_PATHS:
        st, want, _ = s.get(path)
        tag = etag_of(want)
        if not check(st == 200 and tag, "%s: 200 with an ETag" % path):
            continue
        check_304(s, path, tag, want)
        check_304(s, path, "W/" + tag, want, what="(weak form)")
        check_304(s, path, '"a", %s, "b"' % tag, want, what="(in a list)")
        check_304(s, path, '"a",%s' % tag, want, what="(list, no space)")
        check_304(s, path, "*", want, what="(star)")
        for miss in ('"a", "b"', '"nope"', 'W/"nope"', tag[:-2] + '"'):
            st, h, b = s.get(path, {"If-None-Match": miss})
            check(st == 200 and len(b) > 0, "%s If-None-Match %r: 200 with a body, got %d" % (path, miss, st))
    # the JSON-LD article is another representation, with its own validator
    st, ld, _ = s.get(ARTICLE, {"Accept": "application/ld+json"})
    st2, js, _ = s.get(ARTICLE)
    check(st == st2 == 200 and STRONG_ETAG.match(etag_of(ld)) and etag_of(ld) != etag_of(js),
          "ld+json ETag %r differs from the JSON ETag %r" % (ld.get("etag"), js.get("etag")))
    check_304(s, ARTICLE, etag_of(ld), ld, {"Accept": "application/ld+json"}, "(ld+json)")
    st, _, _ = s.get(ARTICLE, {"Accept": "application/ld+json", "If-None-Match": etag_of(js)})
    check(st == 200, "the JSON ETag does not revalidate the ld+json article: %d" % st)
    # revalidation of the gzip representation uses the gzip ETag
    st, gz, _ = s.get(ARTICLE, {"Accept-Encoding": "gzip"})
    check_304(s, ARTICLE, etag_of(gz), gz, {"Accept-Encoding": "gzip"}, "(gzip)")


# -------------------------------------------------------------------- gzip

def test_gzip(s):
    for path in (ARTICLE, "/v1/causes", "/v1/remedies", "/v1/causes/poor-posture", "/v1/causes?q=stress",
                 "/v1/articles?q=posture", "/v1/symptoms"):
        st, plain_h, plain = s.get(path)
        st_gz, gz_h, gz_body = s.get(path, {"Accept-Encoding": "gzip"})
        if not check(st == st_gz == 200, "%s: statuses %d / %d" % (path, st, st_gz)):
            continue
        check(plain_h.get("content-encoding") is None, "%s: identity has no Content-Encoding" % path)
        if len(plain) < 1024:
            continue  # small bodies may stay uncompressed
        if not check(gz_h.get("content-encoding") == "gzip", "%s: Content-Encoding gzip, got %r" %
                     (path, gz_h.get("content-encoding"))):
            continue
        try:
            unzipped = gzip.decompress(gz_body)
        except OSError as e:
            check(False, "%s: gzip body does not decompress: %s" % (path, e))
            continue
        check(unzipped == plain, "%s: gunzip(body) equals the identity body" % path)
        check(len(gz_body) < len(plain), "%s: gzip is smaller" % path)
        check(etag_of(gz_h) and etag_of(gz_h) != etag_of(plain_h), "%s: gzip ETag %r differs from identity %r" %
              (path, gz_h.get("etag"), plain_h.get("etag")))
        check(STRONG_ETAG.match(etag_of(gz_h)) is not None, "%s: gzip ETag is strong" % path)
        check(gz_h.get("content-type") == plain_h.get("content-type"), "%s: same Content-Type gzipped" % path)
        check("accept-encoding" in vary_names(gz_h), "%s: gzip says Vary: Accept-Encoding" % path)
        for ae in ("gzip, deflate, br", "br;q=1.0, gzip;q=0.8", "deflate,gzip"):
            st, h, _ = s.get(path, {"Accept-Encoding": ae})
            check(h.get("content-encoding") == "gzip", "%s: Accept-Encoding %r gives gzip" % (path, ae))
        for ae in ("gzip;q=0", "identity", "br", "x-gzip-not"):
            st, h, b = s.get(path, {"Accept-Encoding": ae})
            check(st == 200 and h.get("content-encoding") is None and b == plain,
                  "%s: Accept-Encoding %r gives identity, got %r" % (path, ae, h.get("content-encoding")))
        # the identity ETag does not validate the gzip representation
        st, _, _ = s.get(path, {"Accept-Encoding": "gzip", "If-None-Match": etag_of(plain_h)})
        check(st == 200, "%s: identity ETag does not revalidate gzip: %d" % (path, st))


# -------------------------------------------------------------------- HEAD

def test_head(s):
    for path in CONTENT_PATHS + ("/healthz", "/readyz"):
        st, gh, gb = s.get(path)
        st_h, hh_, hb = s.request("HEAD", path)
        check(st_h == st, "HEAD %s: %d, GET %d" % (path, st_h, st))
        check(hb == b"", "HEAD %s has a body: %r" % (path, hb[:80]))
        for k in ("etag", "cache-control", "vary", "content-type"):
            check(hh_.get(k) == gh.get(k), "HEAD %s: %s %r, GET %r" % (path, k, hh_.get(k), gh.get(k)))
        if "content-length" in hh_:
            check(hh_["content-length"] == str(len(gb)), "HEAD %s: Content-Length %r, GET body %d bytes" %
                  (path, hh_["content-length"], len(gb)))
    # HEAD of a search nobody asked for yet (answered by a database worker)
    st_h, h, hb = s.request("HEAD", "/v1/articles?q=shoulder")
    st, gh, gb = s.get("/v1/articles?q=shoulder")
    check(st_h == st == 200 and hb == b"" and h.get("etag") == gh.get("etag"),
          "HEAD of an uncached search: %d, body %r" % (st_h, hb[:80]))
    st, h, b = s.request("HEAD", ARTICLE, {"If-None-Match": etag_of(s.get(ARTICLE)[1])})
    check(st == 304 and b == b"", "conditional HEAD: 304, got %d" % st)


# ------------------------------------------------------------------ triage

def test_triage_caching(s):
    st, h, b = s.request("POST", "/v1/triage", body=TRIAGE_BODY)
    check(st == 200, "POST /v1/triage: %d %r" % (st, b[:200]))
    check("no-store" in directives(h.get("cache-control", "")), "triage POST Cache-Control no-store: %r" %
          h.get("cache-control"))

    q1 = "/v1/triage?symptoms=worse_sitting,desk_slouching&positions=sitting&region=upper_back&duration_days=3&age=35"
    q2 = "/v1/triage?age=35&symptoms=desk_slouching,worse_sitting&region=upper_back&positions=sitting&duration_days=3"
    st1, h1, b1 = s.get(q1)
    st2, h2, b2 = s.get(q2)
    check(st1 == st2 == 200, "triage GET: %d / %d" % (st1, st2))
    check(STRONG_ETAG.match(etag_of(h1)) is not None, "triage GET has a strong ETag: %r" % h1.get("etag"))
    cc = directives(h1.get("cache-control", ""))
    check("public" in cc and "max-age" in cc and "no-store" not in cc, "triage GET is cacheable: %r" %
          h1.get("cache-control"))
    check(etag_of(h1) == etag_of(h2), "same input, different order, same ETag: %r / %r" % (h1.get("etag"), h2.get("etag")))
    check(b1 == b2, "same input, different order, same bytes")
    check(json.loads(b1) == json.loads(b), "triage GET and POST agree on the same input")
    check_304(s, q2, etag_of(h1), h1, what="(triage)")
    check_304(s, q1, "W/" + etag_of(h1), h1, what="(triage, weak)")

    a = s.get("/v1/triage?symptoms=worse_sitting,desk_slouching")
    b_ = s.get("/v1/triage?symptoms=desk_slouching,worse_sitting")
    check(a[0] == b_[0] == 200 and etag_of(a[1]) == etag_of(b_[1]) and etag_of(a[1]),
          "symptoms=a,b and b,a share an ETag: %r / %r" % (a[1].get("etag"), b_[1].get("etag")))
    c = s.get("/v1/triage?symptoms=fever")
    check(c[0] == 200 and etag_of(c[1]) != etag_of(a[1]), "different input, different ETag")
    st, h, _ = s.get("/v1/triage?symptoms=fever", {"If-None-Match": etag_of(a[1])})
    check(st == 200, "another input's ETag does not revalidate: %d" % st)


# ------------------------------------------------------------ invalidation

def test_invalidation(url, s):
    triage = "/v1/triage?symptoms=worse_sitting,desk_slouching"
    paths = ("/v1/causes/poor-posture", "/v1/causes", "/v1/causes?position=sitting", "/v1/causes?q=posture", ARTICLE,
             "/v1/remedies/improve-posture", "/v1/remedies?cause=poor-posture", triage)
    before = {p: s.get(p) for p in paths}
    check("improve-posture" in before[triage][2].decode(), "the triage answer lists improve-posture")
    d = copy_content()
    marker = "Changed by the caching test %d." % os.getpid()
    edit_json(os.path.join(d, "causes", "poor-posture.json"), lambda c: c.update(summary=c["summary"] + " " + marker))
    edit_json(os.path.join(d, "remedies", "improve-posture.json"),
              lambda r: r.update(summary=r["summary"] + " " + marker))
    migrate(url, content=d)
    t0 = time.time()
    shutil.rmtree(d, ignore_errors=True)

    def fresh():
        st, h, b = s.get("/v1/causes/poor-posture")
        return st == 200 and marker.encode() in b

    ok = poll(fresh, 2.0) is not None
    check(ok, "new summary served within 2 s of migrate (waited %.2f s)" % (time.time() - t0))
    if not ok:
        return
    for p in paths:
        st, h, b = s.get(p)
        old_st, old_h, old_b = before[p]
        check(st == 200 and marker.encode() in b, "%s serves the new summary" % p)
        check(etag_of(h) and etag_of(h) != etag_of(old_h), "%s has a new ETag: %r (was %r)" % (p, h.get("etag"),
                                                                                              old_h.get("etag")))
        st, _, _ = s.get(p, {"If-None-Match": etag_of(old_h)})
        check(st == 200, "%s: the old ETag no longer revalidates: %d" % (p, st))
    # untouched resources keep their validators
    st, h, _ = s.get("/v1/remedies/heat-therapy")
    check(st == 200, "unrelated remedy still served")
    # back to the original content for the rest of the run
    migrate(url)
    poll(lambda: marker.encode() not in s.get("/v1/causes/poor-posture")[2], 5.0)


# ------------------------------------------------------------ paused database

def test_paused_database():
    cluster = PrivateCluster(prefix="hh-paused-pg-")
    try:
        try:
            url = cluster.start()
        except AssertionError:
            url = None
        if not check(url is not None, "the private cluster starts"):
            return
        migrate(url)
        with Server(url) as s:
            warm = [("GET", ARTICLE, None), ("GET", "/v1/causes?position=sitting", None),
                    ("POST", "/v1/triage", TRIAGE_BODY), ("GET", "/v1/articles?q=posture", None),
                    ("GET", "/v1/causes?q=stress", None)]
            for method, path, body in warm:
                st, _, _, b = timed(s, method, path, body, timeout=2)
                check(st == 200, "warming %s %s: %d %r" % (method, path, st, b[:200]))
            pids = cluster.pause()
            try:
                check(len(pids) > 1 and poll(lambda: all(stopped(p) for p in pids), 2.0) is not None,
                      "every postgres process of the private cluster is stopped: %r" % pids)
                for _ in range(2):
                    for method, path, body in warm:
                        st, secs, _, b = timed(s, method, path, body, timeout=2)
                        check(st == 200 and secs <= 0.5, "database paused: %s %s answered %d in %.3f s" %
                              (method, path, st, secs))
                st, secs, _, _ = timed(s, "GET", "/healthz", timeout=2)
                check(st == 200 and secs <= 0.5, "database paused: /healthz %d in %.3f s" % (st, secs))
                # a hung database is reported, but the instance stays ready: what is in memory is still served
                def db_reported_down():
                    st, _, _, b = timed(s, "GET", "/readyz", timeout=2)
                    return st == 200 and b'"database":"down"' in b
                check(poll(db_reported_down, 10.0) is not None,
                      "readyz 200 reporting the database down while it is paused")
                for method, path, body in warm:
                    st, secs, _, b = timed(s, method, path, body, timeout=2)
                    check(st == 200 and secs <= 0.5, "database paused, not ready: %s %s answered %d in %.3f s" %
                          (method, path, st, secs))
            finally:
                cluster.resume()
            s.wait_for(lambda: b'"database":"up"' in s.get("/readyz")[2], 5, "readyz reports the database up within 5 s of SIGCONT")
            st, _, _, _ = timed(s, "GET", "/v1/articles?q=thoracic", timeout=2)
            check(st == 200, "an uncached search works again after SIGCONT: %d" % st)
    finally:
        cluster.close()


if __name__ == "__main__":
    with served_database("caching") as srv:
        test_etags_and_headers(srv)
        test_two_instances(srv.url, srv)
        test_revalidation(srv)
        test_gzip(srv)
        test_head(srv)
        test_triage_caching(srv)
        test_invalidation(srv.url, srv)
    test_paused_database()
    done()
