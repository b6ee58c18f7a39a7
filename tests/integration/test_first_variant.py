"""The first request of another language or country: every variant is made with
the snapshot on the reloader, before it is published, and each of its answers is built on
its own first request. So the first requests of a variant, many at once, are each answered
correctly (built once: every reader of a path gets the same bytes), while /healthz keeps
being answered on every connection, and nothing else fails. Timing is bench/scale's job
(first-variant latency and a reader's worst wait); this asserts the behaviour."""
import http.client
import json
import re
import threading

import hh

ARTICLE = "upper-middle-back-muscle-soreness"
# every kind of answer a variant keeps, asked for the first time by many readers at once
PATHS = ["/v1/articles/%s" % ARTICLE, "/v1/articles", "/v1/causes", "/v1/causes?position=sitting",
         "/v1/causes/poor-posture", "/v1/remedies", "/v1/remedies?cause=poor-posture",
         "/v1/remedies/heat-therapy", "/v1/symptoms", "/openapi.json"]
READERS = 6  # concurrent first requests of each path
PROBES = 3   # connections asking /healthz meanwhile


def with_locale(path, lang, country):
    return "%s%slang=%s&country=%s" % (path, "&" if "?" in path else "?", lang, country)


def test_variants_made_before_requests(s):
    """The reload made every other (language, country) before any request: GB es, US en, US es."""
    s.wait_for(lambda: any('"content loaded"' in l for l in s.lines), 10, "the content loaded line")
    loaded = [json.loads(l) for l in s.lines if '"content loaded"' in l]
    hh.check(loaded and loaded[0].get("variants") == 3,
             "the first load made 3 variants: %r" % (loaded[:1],))


def probe(s, stop, out):
    """Asks /healthz on one keep-alive connection until stop; records each status."""
    conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=20)
    try:
        while not stop.is_set():
            conn.request("GET", "/healthz")
            r = conn.getresponse()
            r.read()
            out.append(r.status)
    except OSError as e:
        out.append(repr(e))
    finally:
        conn.close()


def first_requests(s, lang, country):
    """Every path of (lang, country), asked by READERS threads at once; /healthz asked meanwhile."""
    start = threading.Barrier(READERS * len(PATHS))
    answers = {p: [] for p in PATHS}

    def read(path):
        start.wait(timeout=20)
        answers[path].append(s.get(with_locale(path, lang, country)))

    stop, probes = threading.Event(), [[] for _ in range(PROBES)]
    probers = [threading.Thread(target=probe, args=(s, stop, probes[i])) for i in range(PROBES)]
    readers = [threading.Thread(target=read, args=(p,)) for p in PATHS for _ in range(READERS)]
    for t in probers + readers:
        t.start()
    for t in readers:
        t.join(60)
    stop.set()
    for t in probers:
        t.join(30)
    for i, got in enumerate(probes):
        hh.check(got and all(x == 200 for x in got),
                 "/healthz on connection %d while %s-%s was first asked: %r" % (i, lang, country, got[:10]))
    return answers


def test_first_requests(s, lang, country, number, other):
    tag = "%s-%s" % (lang, country)
    answers = first_requests(s, lang, country)
    for path, got in answers.items():
        hh.check(len(got) == READERS, "%s %s: %d answers of %d" % (tag, path, len(got), READERS))
        etags = {h.get("etag") for _, h, _ in got}
        bodies = {b for _, _, b in got}
        for st, h, b in got:
            hh.check(st == 200, "%s %s: %d %r" % (tag, path, st, b[:200]))
            hh.check(h.get("content-language") == lang, "%s %s: Content-Language %r" % (tag, path, h.get("content-language")))
            hh.check(re.search(r'\.%s(-gz)?"$' % tag, h.get("etag", "")) is not None,
                     "%s %s: the ETag names the variant: %r" % (tag, path, h.get("etag")))
            hh.check("country/%s" % country in h.get("surrogate-key", ""),
                     "%s %s: Surrogate-Key %r" % (tag, path, h.get("surrogate-key")))
        hh.check(len(etags) == 1 and len(bodies) == 1, "%s %s: one answer for every reader: %r" % (tag, path, etags))
    article = answers["/v1/articles/%s" % ARTICLE][0][2].decode()
    hh.check(number in article and other not in article,
             "%s: the article's help names %s, never %s" % (tag, number, other))
    # the answers kept: asked again, the same bytes (a hit), and the default is untouched
    st, h, b = s.get(with_locale("/v1/causes/poor-posture", lang, country))
    hh.check(st == 200 and h.get("etag") in {x[1].get("etag") for x in answers["/v1/causes/poor-posture"]},
             "%s: the cause asked again is the kept answer: %r" % (tag, h.get("etag")))
    st, h, b = s.get("/v1/articles/%s" % ARTICLE)
    hh.check(st == 200 and "999" in b.decode() and h.get("content-language") == "en",
             "the default (GB, en) article after %s: %d %r" % (tag, st, h.get("content-language")))


def main():
    with hh.served_database("test_first_variant") as s:
        test_variants_made_before_requests(s)
        test_first_requests(s, "en", "US", "911", "999")
        test_first_requests(s, "es", "US", "911", "999")
        test_first_requests(s, "es", "GB", "999", "911")
        hh.check(s.get("/healthz")[0] == 200, "alive")
    hh.done()


if __name__ == "__main__":
    main()
