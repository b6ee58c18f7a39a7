"""A library, not a page (issue 12), on a generated library of a few hundred articles.

Covers: a one-article change appends one document and one content version,
and updates or deletes nothing (PostgreSQL's own statistics) and the servers read only it and share every other prebuilt
answer (the reload's log line); deleting an article, a cause and a remedy
removes them from every list, filter and search; paging and its RFC 8288
Link headers at every boundary on articles, causes and remedies; bad paging
input is a 400 naming the parameter; RSS does not climb across 20 reloads.
The library comes from bench/scale's generator, so the test and the
benchmark load the same kind of content.
"""
import datetime
import email.utils
import importlib.machinery
import importlib.util
import json
import os
import re
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hh import SRC, Server, check, done, edit_json, is_problem, migrate, new_database, poll, psql  # noqa: E402

N = 300  # articles; N/4 causes, N/8 remedies


def bench_module():
    path = os.path.join(SRC, "bench", "scale")
    loader = importlib.machinery.SourceFileLoader("bench_scale", path)
    spec = importlib.util.spec_from_loader("bench_scale", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def links(headers):
    """{rel: target} from a Link header."""
    out = {}
    for part in headers.get("link", "").split(","):
        m = re.match(r'\s*<([^>]*)>\s*;\s*rel="(\w+)"', part)
        if m:
            out[m.group(2)] = m.group(1)
    return out


def page(s, path):
    st, h, b = s.get(path)
    for _ in range(10):  # a search is a 503 while the instance thinks the database is away (a loaded machine)
        if st != 503 or "q=" not in path:
            break
        time.sleep(0.5)
        st, h, b = s.get(path)
    check(st == 200, "GET %s: %d %r" % (path, st, b[:200]))
    return json.loads(b) if st == 200 else {"items": [], "total": -1}, links(h)


def all_items(s, path, limit=100):
    """Every item of a list, walked through its next links."""
    sep = "&" if "?" in path else "?"
    url, items, seen = "%s%slimit=%d" % (path, sep, limit), [], 0
    while url is not None and seen < 1000:
        doc, ln = page(s, url)
        items += doc.get("items", [])
        url, seen = ln.get("next"), seen + 1
    return items


def slugs(items):
    return [i["slug"] for i in items]


def stats(url):
    rows = psql(url, "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables")
    return {r.split("|")[0]: tuple(int(x) for x in r.split("|")[1:]) for r in rows.splitlines()}


def delta(before, after):
    return {t: tuple(a - b for a, b in zip(after[t], before.get(t, (0, 0, 0)))) for t in after}


def last_load(server):
    for line in reversed(server.lines):
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if rec.get("msg") == "content loaded":
            return rec
    return {}


def wait_version(servers, version, seconds=20):
    for s in servers:
        ok = poll(lambda: str(last_load(s).get("version")) == str(version), seconds)
        check(ok is not None, "server reloaded version %s" % version)


def content_version(url):
    return int(psql(url, "SELECT max(version) FROM content_versions"))


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


# ------------------------------------------------------------------ paging

def check_boundaries(s, path, total):
    """first, last, past the end, limit 1 and the maximum, following the links given."""
    sep = "&" if "?" in path else "?"
    doc, ln = page(s, "%s%slimit=1" % (path, sep))
    check(doc["total"] == total and len(doc["items"]) == min(1, total), "%s limit=1: %r" % (path, doc["total"]))
    check("prev" not in ln, "%s first page has no prev: %r" % (path, ln))
    check(("next" in ln) == (total > 1), "%s limit=1 next iff more: %r" % (path, ln))
    if total > 1:
        nxt, _ = page(s, ln["next"])
        check(len(nxt["items"]) == 1 and nxt["items"][0] != doc["items"][0], "%s next page differs" % path)
        check("limit=1&offset=1" in ln["next"], "%s next spells limit and offset: %r" % (path, ln["next"]))
    doc, ln = page(s, "%s%slimit=100" % (path, sep))
    check(len(doc["items"]) == min(100, total), "%s limit=100 holds %d" % (path, len(doc["items"])))
    check(("next" in ln) == (total > 100), "%s limit=100 next iff more than 100: %r" % (path, ln))
    last = (total - 1) // 7 * 7
    doc, ln = page(s, "%s%slimit=7&offset=%d" % (path, sep, last))
    check(len(doc["items"]) == total - last and "next" not in ln, "%s last page: no next" % path)
    check(total <= 7 or "offset=%d" % (last - 7) in ln.get("prev", ""), "%s last page prev: %r" % (path, ln))
    doc, ln = page(s, "%s%slimit=7&offset=%d" % (path, sep, total + 50))
    check(doc["items"] == [] and doc["total"] == total, "%s past the end: empty page, total kept" % path)
    check("next" not in ln and "offset=%d" % last in ln.get("prev", ""),
          "%s past the end points back to the last page: %r" % (path, ln))
    walked = all_items(s, path, limit=9)
    check(len(walked) == total and len(set(slugs(walked))) == total, "%s walked by next links: %d of %d"
          % (path, len(walked), total))


def test_paging(s, n_articles, n_causes, n_remedies, a_cause):
    doc, ln = page(s, "/v1/articles")
    check(len(doc["items"]) == 20 and doc["total"] == n_articles, "articles default page is 20 of all")
    check(ln.get("next", "").endswith("limit=20&offset=20") and "prev" not in ln, "articles first links %r" % ln)
    doc, ln = page(s, "/v1/causes")
    check(len(doc["items"]) == n_causes <= 100 and ln == {}, "causes default: all %d, no links" % n_causes)
    check_boundaries(s, "/v1/articles", n_articles)
    check_boundaries(s, "/v1/causes", n_causes)
    check_boundaries(s, "/v1/remedies", n_remedies)
    sitting = len(all_items(s, "/v1/causes?position=sitting"))
    check_boundaries(s, "/v1/causes?position=sitting", sitting)
    _, ln = page(s, "/v1/causes?position=sitting&limit=1")
    check("position=sitting" in ln.get("next", ""), "filters stay in the links: %r" % ln)
    by_cause = len(all_items(s, "/v1/remedies?cause=" + a_cause))
    check_boundaries(s, "/v1/remedies?cause=" + a_cause, by_cause)
    for path in ("/v1/articles", "/v1/causes", "/v1/remedies"):
        for query, field in (("limit=0", "limit"), ("limit=101", "limit"), ("limit=x", "limit"),
                             ("offset=-1", "offset"), ("offset=100001", "offset"), ("offset=9999999999", "offset")):
            st, h, b = s.get("%s?%s" % (path, query))
            check(is_problem(st, h, b, 400, field), "%s?%s is a 400 naming %s: %d %r" % (path, query, field, st, b[:200]))


def http_date(rfc3339):
    t = datetime.datetime.strptime(rfc3339, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    return email.utils.format_datetime(t, usegmt=True)


def check_page_meta(s, path, list_key, dated):
    """A page built on demand says what it shows, as the prebuilt first pages do (issue 13), and so does its 304."""
    st, h, b = s.get(path)
    check(st == 200, "GET %s: %d" % (path, st))
    items = json.loads(b)["items"] if st == 200 else []
    want = " ".join([list_key] + ["%s/%s" % (list_key[:-1] if list_key != "remedies" else "remedy", i["slug"])
                                  for i in items])
    check(h.get("surrogate-key") == want, "%s: Surrogate-Key is the list and its page: %r" % (path, h.get("surrogate-key")))
    if dated:
        newest = max(s.get_json("/v1/articles/" + i["slug"])["updated_at"] for i in items)
        check(h.get("last-modified") == http_date(newest), "%s: Last-Modified is the page's newest: %r, want %r"
              % (path, h.get("last-modified"), http_date(newest)))
    st2, h2, _ = s.get(path, {"If-None-Match": h.get("etag", "")})
    check(st2 == 304, "%s: 304 on its ETag: %d" % (path, st2))
    for name in ("etag", "cache-control", "vary", "surrogate-key", "last-modified", "link"):
        check(h2.get(name) == h.get(name), "%s: the 304 carries the 200's %s: %r vs %r" % (path, name, h2.get(name),
                                                                                      h.get(name)))
    check("x-request-id" not in h and "x-request-id" not in h2, "%s: no X-Request-Id on a cacheable answer" % path)
    if dated:
        st3, _, _ = s.get(path, {"If-Modified-Since": h.get("last-modified", "")})
        check(st3 == 304, "%s: If-Modified-Since its Last-Modified is a 304: %d" % (path, st3))


def test_page_meta(s):
    check_page_meta(s, "/v1/articles?limit=20&offset=40", "articles", True)
    check_page_meta(s, "/v1/causes?limit=5&offset=5", "causes", False)
    check_page_meta(s, "/v1/remedies?limit=3&offset=3", "remedies", False)
    # an article answer built lazily (its slot empty until now) and ld+json built on demand
    slug = "article-00150"
    for accept in ("application/json", "application/ld+json"):
        st, h, _ = s.get("/v1/articles/" + slug, {"Accept": accept})
        keys = h.get("surrogate-key", "").split(" ")
        check(st == 200 and keys[0] == "article/" + slug and any(k.startswith("cause/") for k in keys),
              "%s (%s): own key first, then its causes: %r" % (slug, accept, keys[:3]))
        check(h.get("last-modified", "") != "", "%s (%s): Last-Modified" % (slug, accept))


# ------------------------------------------------------------ one change

def change_summary(folder, slug, text):
    edit_json(os.path.join(folder, "articles", slug + ".json"), lambda a: a.update(summary=text))


def test_one_change(url, folder, servers, n_articles, n_causes, n_remedies):
    slug = "article-00100"
    time.sleep(0.6)  # statistics of the first load flushed
    for s in servers:  # the shared count below assumes every article slot was built (slow under ASan)
        warmed = poll(lambda: any('"content warmed"' in line for line in s.lines), 120, 0.1)
        check(warmed is not None, "the warm-up finished")
    before = stats(url)
    change_summary(folder, slug, "A summary changed by test_scale.")
    r = migrate(url, content=folder)
    check("article changed: %s" % slug in r.stdout and "1 changed" in r.stdout, "migrate reports one change: %r"
          % r.stdout[-300:])
    wait_version(servers, content_version(url))
    d = {}
    for _ in range(50):  # stats reach shared memory when the migrate's backend exits
        d = delta(before, stats(url))
        if d.get("documents", (0, 0, 0))[0] >= 1:
            break
        time.sleep(0.1)
    check(d.get("documents") == (1, 0, 0), "one document appended, nothing updated or deleted: %r"
          % (d.get("documents"),))
    check(d.get("content_versions") == (1, 0, 0), "one content version: %r" % (d.get("content_versions"),))
    written = sum(sum(v) for v in d.values())
    check(written <= 3, "a one-article change writes %d rows (bounded by the change): %r" % (written, d))
    for s in servers:
        rec = last_load(s)
        check(rec.get("read", "").startswith("changes articles=1 causes=0 remedies=0 removed=0"),
              "the reload read only the changed article: %r" % rec.get("read"))
        # items (ld+json is not prebuilt), then the lists the article is not on: 12 cause filters, all
        # remedies and one per cause, the first article page (article-00100 is not on it), openapi, symptoms
        shared = (n_articles - 1) + n_causes + n_remedies + 12 + 1 + n_causes + 1 + 2
        check(int(rec.get("shared", 0)) == shared, "every unchanged item answer shared: %r of %d"
              % (rec.get("shared"), shared))
        doc = s.get_json("/v1/articles/" + slug)
        check(doc.get("summary") == "A summary changed by test_scale.", "the change is served")


# ------------------------------------------------------------ deletion

def remove_everywhere(folder, kind, slug):
    """Deletes kind/slug.json and every link to it (articles, causes)."""
    os.remove(os.path.join(folder, kind, slug + ".json"))
    key = "causes" if kind == "causes" else "remedies"
    for sub in ("articles", "causes"):
        for name in os.listdir(os.path.join(folder, sub)):
            path = os.path.join(folder, sub, name)
            with open(path) as f:
                doc = json.load(f)
            if slug in doc.get(key, []):
                edit_json(path, lambda d: d.update({key: [x for x in d[key] if x != slug]}))


def test_deletion(url, folder, servers):
    s = servers[0]
    article = "article-00007"
    adoc = s.get_json("/v1/articles/" + article)
    cause = next(c for c in s.get_json("/v1/articles/article-00008")["causes"] if c["slug"].startswith("cause-"))
    remedy = next(r for r in all_items(s, "/v1/remedies") if r["slug"].startswith("remedy-") and r["causes"])
    os.remove(os.path.join(folder, "articles", article + ".json"))
    remove_everywhere(folder, "causes", cause["slug"])
    remove_everywhere(folder, "remedies", remedy["slug"])
    r = migrate(url, content=folder, check=False)
    if not check(r.returncode == 0, "migrate of the deletions: %s" % r.stderr[-500:]):
        return
    wait_version(servers, content_version(url))
    for srv in servers:
        check(srv.get("/v1/articles/" + article)[0] == 404, "deleted article is a 404")
        check(article not in slugs(all_items(srv, "/v1/articles")), "deleted article in no article page")
        hits = all_items(srv, "/v1/articles?q=" + adoc["title"].replace(" ", "+"))
        check(article not in slugs(hits), "deleted article in no search")
        check(srv.get("/v1/causes/" + cause["slug"])[0] == 404, "deleted cause is a 404")
        for q in ("", "?position=standing", "?position=sitting", "?position=lying_down", "?region=upper_back",
                  "?region=middle_back", "?q=" + cause["name"].split()[0]):
            check(cause["slug"] not in slugs(all_items(srv, "/v1/causes" + q)), "deleted cause not in /v1/causes" + q)
        check(srv.get("/v1/remedies/" + remedy["slug"])[0] == 404, "deleted remedy is a 404")
        check(remedy["slug"] not in slugs(all_items(srv, "/v1/remedies")), "deleted remedy not in /v1/remedies")
        for c in remedy["causes"]:
            if c != cause["slug"]:
                check(remedy["slug"] not in slugs(all_items(srv, "/v1/remedies?cause=" + c)),
                      "deleted remedy not in /v1/remedies?cause=" + c)
                check(remedy["slug"] not in srv.get_json("/v1/causes/" + c)["remedies"], "nor in cause " + c)
        st, _, _ = srv.get("/v1/remedies?cause=" + cause["slug"])
        check(st == 422, "deleted cause is no longer a remedy filter: %d" % st)
    rec = last_load(s)
    check(rec.get("read", "").startswith("changes") and "removed=3" in rec.get("read", ""),
          "the reload read the removals only: %r" % rec.get("read"))


# ------------------------------------------------------------ memory

def test_rss_flat(url, folder, servers):
    s = servers[0]
    samples = []
    for i in range(20):
        change_summary(folder, "article-00200", "Reloaded %d times." % i)
        migrate(url, content=folder)
        wait_version([s], content_version(url))
        samples.append(rss_kib(s.proc.pid))
    base, end = samples[4], samples[-1]
    check(end <= base * 1.10 + 2048, "RSS does not climb across 20 reloads: %r KiB" % samples)


def main():
    bench = bench_module()
    tmp = tempfile.mkdtemp(prefix="hh-scale-test-")
    folder = os.path.join(tmp, "content")
    try:
        bench.generate(folder, N)
        n_causes = len(os.listdir(os.path.join(folder, "causes")))
        n_remedies = len(os.listdir(os.path.join(folder, "remedies")))
        url = new_database("scale")
        migrate(url, content=folder)
        with Server(url) as a, Server(url) as b:
            test_paging(a, N, n_causes, n_remedies, "cause-00003")
            test_page_meta(b)
            test_one_change(url, folder, [a, b], N, n_causes, n_remedies)
            test_deletion(url, folder, [a, b])
            test_rss_flat(url, folder, [a, b])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    done()


if __name__ == "__main__":
    main()
