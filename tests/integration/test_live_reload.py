"""Live content reload: a running server picks content changes up by itself.

Covers: NOTIFY propagation to two instances (timed; the target is under 1 s),
the polling fallback when no notification is sent, a failed rebuild that
keeps the last good snapshot, a database restart (LISTEN again, then
reload), and a second article becoming visible in /v1/articles.
migrate's own output (status, --dry-run) is covered by test_migrate.py.
"""
import json
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hh import (CAUSE, SECOND, PrivateCluster, Server, cause_state, check, copy_content, done,  # noqa: E402
                have_second_article, merge_second_article, migrate, migrated_database, psql, publish_and_wait, report,
                set_cause_summary, wait_all)

# Long enough that only a notification can deliver a change within a second.
NO_POLLING = ["--reload-interval-ms", "60000"]
TARGET_S = 1.0


def sql_change(url, summary, notify=False):
    """Appends a version of a cause by hand, as a script or an operator might."""
    psql(url, "BEGIN;"
              " INSERT INTO content_versions (version, author, action)"
              "  SELECT max(version) + 1, 'a script', 'migrate' FROM content_versions;"
              " INSERT INTO documents (version, name, lang, kind, checksum, body)"
              "  SELECT (SELECT max(version) FROM content_versions), name, lang, kind,"
              "   encode(sha256(convert_to(b::text, 'UTF8')), 'hex'), b::json FROM"
              "   (SELECT name, lang, kind, jsonb_set(body::jsonb, '{summary}', to_jsonb('%s'::text)) AS b FROM documents"
              "    WHERE name = 'cause/%s' AND lang = 'en' ORDER BY version DESC LIMIT 1) AS x;%s COMMIT"
         % (summary, CAUSE, " SELECT pg_notify('healthhub_content', max(version)::text) FROM content_versions;"
            if notify else ""))


# ---------------------------------------------------------- NOTIFY, two servers

def test_notify_two_instances():
    url = migrated_database("live_notify")
    d = copy_content()
    since_return = [[], []]
    with Server(url, *NO_POLLING) as a, Server(url, *NO_POLLING) as b:
        servers = [a, b]
        for i in range(5):
            summary = "Live reload change %d at %.6f." % (i, time.time())
            set_cause_summary(d, summary)
            old = [cause_state(s)[1] for s in servers]
            check(all(old), "both servers serve %s with an ETag before change %d" % (CAUSE, i))
            started = time.monotonic()
            migrate(url, content=d)
            t0 = time.monotonic()
            times = wait_all(servers, summary, old, t0, 5.0)
            for k, t in enumerate(times):
                if check(t is not None, "server %d did not serve change %d within 5 s" % (k, i)):
                    check(t < TARGET_S, "server %d served change %d after %.3f s (target < %.1f s)"
                          % (k, i, t, TARGET_S))
                    since_return[k].append(t)
            print("change %d: migrate took %.0f ms; served %s ms after it returned"
                  % (i, (t0 - started) * 1000, ["%.1f" % (t * 1000) if t is not None else "-" for t in times]))
            # The old ETag must not revalidate the new body.
            st, _, _ = a.get("/v1/causes/" + CAUSE, {"If-None-Match": old[0]})
            check(st == 200, "old ETag after change %d gives %d, wanted 200" % (i, st))
    for k in range(2):
        if since_return[k]:
            report("NOTIFY propagation, instance %d, migrate return -> new ETag served" % k, since_return[k])
    shutil.rmtree(d, ignore_errors=True)


# ------------------------------------------------------------ polling fallback

def test_polling_fallback():
    url = migrated_database("live_fallback")
    times = []
    with Server(url, "--reload-interval-ms", "200") as s:
        for i in range(3):
            summary = "Changed by SQL without a notification, %d." % i
            old = cause_state(s)[1]
            sql_change(url, summary, notify=False)
            t0 = time.monotonic()
            t = wait_all([s], summary, [old], t0, 5.0)[0]
            if check(t is not None, "fallback: change %d not served within 5 s" % i):
                check(t < TARGET_S, "fallback: change %d served after %.3f s (interval 200 ms)" % (i, t))
                times.append(t)
    if times:
        report("polling fallback (interval 200 ms, no NOTIFY) -> new ETag served", times)


# ------------------------------------------------------- failed rebuild

READER = "hh_live_reader"


def reader_url(url):
    """url, connecting as a least-privilege role that may only read the tables."""
    psql(url, "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '%s') THEN"
              " CREATE ROLE %s LOGIN; END IF; END $$" % (READER, READER))
    psql(url, "GRANT SELECT ON ALL TABLES IN SCHEMA public TO %s" % READER)
    return url.replace("//postgres@", "//%s@" % READER, 1)


def test_failed_rebuild_keeps_last_good():
    url = migrated_database("live_failed")
    d = copy_content()
    with Server(reader_url(url), "--reload-interval-ms", "200") as s:
        st, good_etag, good = cause_state(s)
        check(st == 200 and good_etag, "serves %s before the failure" % CAUSE)
        # A realistic breakage: the server's role loses read access to a table
        # (a grant forgotten in a later migration), then content changes.
        psql(url, "REVOKE SELECT ON documents FROM %s" % READER)
        set_cause_summary(d, "Written while the server could not read causes.")
        migrate(url, content=d)
        n0 = len(s.lines)
        t0 = time.monotonic()
        bad = 0
        while time.monotonic() - t0 < 1.5:
            st, etag, got = cause_state(s)
            if st != 200 or etag != good_etag or got != good:
                bad += 1
            time.sleep(0.05)
        check(bad == 0, "while the reload fails, %d answers were not the last good content" % bad)
        fails = [l for l in s.lines[n0:] if "content reload failed" in l]
        check(len(fails) >= 1, "no 'content reload failed' log line:\n" + "\n".join(s.lines[-10:]))
        if fails:
            rec = json.loads(fails[0])
            check(rec.get("level") == "error", "reload failure logged at level %r" % rec.get("level"))
            print("reload failure logged: %s" % fails[0])
        rate = len(fails) / 1.5
        print("'content reload failed' lines while broken: %d in 1.5 s (%.0f/s)" % (len(fails), rate))
        # a failing reload is retried with a doubling wait, never in a reconnect loop
        check(rate <= 10, "a failing reload is retried %.0f times a second (log and connection flood)" % rate)

        st, h, b = s.get("/readyz")
        print("readyz while the reload fails: %d" % st)

        psql(url, "GRANT SELECT ON documents TO %s" % READER)
        t0 = time.monotonic()
        t = wait_all([s], "Written while the server could not read causes.", [good_etag], t0, 5.0)[0]
        if check(t is not None, "the fixed content was not served within 5 s of the GRANT"):
            print("after the fix (GRANT, no version bump) served within %.0f ms" % (t * 1000))
    shutil.rmtree(d, ignore_errors=True)


# ---------------------------------------------------------- database restart

def test_database_restart():
    d = copy_content()
    try:
        with PrivateCluster(prefix="hh-live-pg-") as cluster:
            psql(cluster.url(), "CREATE DATABASE live_restart")
            url = cluster.url("live_restart")
            migrate(url)
            with Server(url, *NO_POLLING) as server:
                restart_and_publish(cluster, server, url, d)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def restart_and_publish(cluster, server, url, d):
    """Restarts the server's database, then publishes two changes: the second only a renewed LISTEN delivers."""
    st, etag, _ = cause_state(server)
    check(st == 200, "serves before the restart")

    cluster.stop()
    st, etag2, _ = cause_state(server)
    check(st == 200 and etag2 == etag, "keeps serving while the database is down (%d)" % st)
    time.sleep(0.5)
    cluster.restart()

    # Right after the restart: picked up by the reload after reconnecting
    # or by the notification, whichever comes first.
    t = publish_and_wait([server], url, d, "Changed right after the database restart.", [etag], 10.0)[0]
    if check(t is not None, "change right after the restart not served within 10 s"):
        print("database restart: change made right after it served %.0f ms after migrate returned" % (t * 1000))
        check(t < 5.0, "change after the restart took %.1f s" % t)

    # With polling off, only a fresh LISTEN can deliver this one quickly.
    old = cause_state(server)[1]
    t = publish_and_wait([server], url, d, "Second change after the restart.", [old], 5.0)[0]
    if check(t is not None, "notification after the restart not delivered within 5 s (LISTEN not renewed?)"):
        print("database restart: next NOTIFY served within %.1f ms" % (t * 1000))
        check(t < TARGET_S, "notification after the restart took %.3f s" % t)


# ------------------------------------------------------------ second article

def article_total(server):
    return server.get_json("/v1/articles").get("total")


def test_second_article_live():
    if not have_second_article():
        return
    url = migrated_database("live_second_article")
    d = copy_content()
    slugs = [n[:-5] for n in os.listdir(os.path.join(SECOND, "articles")) if n.endswith(".json")]
    with Server(url) as s:
        check(article_total(s) == 1, "one article before the merge")
        for slug in slugs:
            check(s.get("/v1/articles/" + slug)[0] == 404, "%s is 404 before the merge" % slug)
        merge_second_article(d)
        migrate(url, content=d)
        t0 = time.monotonic()
        s.wait_for(lambda: article_total(s) == 2, 5, "/v1/articles total 2")
        print("second article listed %.0f ms after migrate returned" % ((time.monotonic() - t0) * 1000))
        items = [i["slug"] for i in s.get_json("/v1/articles")["items"]]
        for slug in slugs:
            check(slug in items, "%s listed: %r" % (slug, items))
            check(s.get("/v1/articles/" + slug)[0] == 200, "%s served after the merge" % slug)
    shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    test_notify_two_instances()
    test_polling_fallback()
    test_failed_rebuild_keeps_last_good()
    test_database_restart()
    test_second_article_live()
    done()
