"""Content history end to end: `history`, `show`, `diff` and `rollback` against two running
servers behind real Varnish (xkey), as test_cdn.py runs it.

A wrong correction is migrated, seen through the cache, found in the history (author,
message, what changed), compared field by field with the version before, and rolled back
in one step: the rollback is a new version (the history keeps the wrong one), the servers
serve the restored text through the cache within 2 s (a rollback purges like any change),
the content folder holds the restored file (the next migrate has nothing to re-apply), and
/metrics says the version served.
"""
import json
import os
import re
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hh  # noqa: E402
import test_cdn as cdn  # noqa: E402

TARGET_S = 2.0


def cli(url, *args):
    r = hh.run(*args, "--database-url", url)
    hh.check(r.returncode == 0, "healthhub %s exit %d: %s" % (" ".join(args), r.returncode, r.stderr))
    return r.stdout


def served_through(v, text, limit=10.0):
    """Seconds until the article, its ld+json and the lists show text through Varnish (None: never)."""
    t0 = time.monotonic()
    worst = 0.0
    for path, headers in cdn.views():
        t = hh.poll(lambda: cdn.shows(v, path, headers, text), limit, 0.01)
        if t is None:
            return None
        worst = max(worst, time.monotonic() - t0)
    return worst


def article_summary(folder):
    with open(os.path.join(folder, "articles", cdn.ARTICLE_SLUG + ".json")) as f:
        return json.load(f)["summary"]


def test_history_and_rollback(v, servers, url, d):
    name = "article/" + cdn.ARTICLE_SLUG
    good = article_summary(d)
    for path, headers in cdn.views():
        v.get(path, headers)
        st, h, _ = v.get(path, headers)
        hh.check(st == 200 and cdn.hit(h), "warm: %s is a cache hit" % path)

    wrong = "A wrong correction at %.6f." % time.time()
    cdn.set_article_summary(d, wrong)
    hh.migrate(url, "--author", "Ed Itor", "--message", "shorter summary", content=d)
    t = served_through(v, wrong)
    hh.check(t is not None, "the wrong correction is served through the cache")

    hist = json.loads(cli(url, "history", "--json"))
    hh.check([x["version"] for x in hist] == [2, 1], "two versions, newest first: %r" % hist)
    hh.check(hist[0]["author"] == "Ed Itor" and hist[0]["message"] == "shorter summary"
             and hist[0]["changed"] == name, "version 2 says who, why and what: %r" % hist[0])
    one = json.loads(cli(url, "history", name, "--json", "--limit", "1"))
    hh.check(len(one) == 1 and one[0]["version"] == 2, "the article's newest version: %r" % one)
    cause_hist = json.loads(cli(url, "history", "cause/poor-posture", "--json"))
    hh.check([x["version"] for x in cause_hist] == [1], "an unchanged entity has one version: %r" % cause_hist)

    shown = json.loads(cli(url, "show", name + "@1"))
    hh.check(shown["summary"] == good, "show @1 is the text before the change")
    hh.check(json.loads(cli(url, "show", name))["summary"] == wrong, "show without a version is the newest")
    made = hh.psql(url, "SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
                        " FROM content_versions WHERE version = 1")
    hh.check(json.loads(cli(url, "show", "%s@%s" % (name, made)))["summary"] == good,
             "show @DATE is what was served then")
    es = json.loads(cli(url, "show", name, "--lang", "es"))
    hh.check(es["summary"] not in (good, wrong) and es.get("translation_review"), "--lang es shows the translation")

    diff = cli(url, "diff", "1", "2")
    hh.check(diff.startswith(name + ": changed") and "summary: " in diff and "A wrong correction" in diff,
             "diff names the document and the field: %r" % diff)
    hh.check(cli(url, "diff", "1", "2", "cause/poor-posture").startswith("no difference"), "diff of one entity")

    out = cli(url, "rollback", name, "--to", "1", "--content", d, "--author", "Dr Clin", "--message", "undo")
    hh.check("loaded content version 3" in out, "the rollback is version 3: %r" % out)
    t = served_through(v, good)
    if hh.check(t is not None, "the restored text is served through the cache after the rollback"):
        hh.check(t < TARGET_S, "rollback served through the cache after %.3f s (target < %.0f s)" % (t, TARGET_S))
        print("rollback served through Varnish by both instances after %.0f ms" % (t * 1000))
    for path, headers in cdn.views():
        hh.check(not cdn.shows(v, path, headers, wrong), "no old copy left in the cache: %s" % path)

    hist = json.loads(cli(url, "history", name, "--json"))
    hh.check([x["version"] for x in hist] == [3, 2, 1], "history never loses a version: %r" % hist)
    hh.check(hist[0]["action"] == "rollback" and hist[0]["author"] == "Dr Clin" and "back to version 1" in
             hist[0]["message"], "the rollback is recorded as such: %r" % hist[0])
    hh.check(article_summary(d) == good, "the content folder holds the restored article")
    r = hh.migrate(url, content=d)
    hh.check("up to date (content version 3)" in r.stdout, "the next migrate re-applies nothing: %r" % r.stdout)
    for s in servers:
        m = s.get("/metrics")[2].decode()
        ver = re.search(r"^healthhub_content_version (\d+)", m, re.M)
        hh.check(ver is not None and ver.group(1) == "3", "/metrics says version 3 is served: %r"
                 % (ver.group(0) if ver else None))

    # a rollback that would make invalid content is refused like a migrate, and changes nothing
    before = hh.psql(url, "SELECT max(version) FROM content_versions")
    r = hh.run("rollback", "remedy/heat-therapy", "--to", "1", "--content", d, "--database-url", url)
    hh.check(r.returncode == 0 and "up to date" in r.stdout, "a rollback to the same text is a no-op: %r" % r.stdout)
    hh.check(hh.psql(url, "SELECT max(version) FROM content_versions") == before, "no version for a no-op")
    r = hh.run("rollback", "--database-url", url)
    hh.check(r.returncode == 2 and "--to" in r.stderr, "rollback without --to is a usage error: %r" % r.stderr)


def main():
    if shutil.which("varnishd") is None:
        hh.check(False, "varnishd is not installed (scripts/test installs Debian's varnish and varnish-modules)")
        hh.done()
    url = hh.migrated_database("test_history")
    d = hh.copy_content(languages=True)
    vport = hh.free_port()
    common = ["--purge-url", "http://127.0.0.1:%d/" % vport, "--max-age", "60", "--stale-while-revalidate", "0"]
    a, b = hh.Server(url, *common), hh.Server(url, *common)
    try:
        a.start()
        b.start()
        v = cdn.Varnish(cdn.derive_vcl([a.port, b.port]))
        v.port = vport
        with v:
            test_history_and_rollback(v, [a, b], url, d)
    finally:
        a.stop(expect_code=None)
        b.stop(expect_code=None)
    shutil.rmtree(d, ignore_errors=True)
    hh.done()


if __name__ == "__main__":
    main()
