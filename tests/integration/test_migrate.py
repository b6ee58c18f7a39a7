"""`healthhub migrate` and `migrate status` against a real PostgreSQL.

Covers: first load, the no-op second run, a content change (version bump,
NOTIFY, per-entity versions kept for unchanged entities), --dry-run,
refusals that leave the database as it was (edited migration, broken SQL,
invalid content), status output, two concurrent migrates, and merging the
second-article fixture.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hh import (CONTENT, MIGRATIONS, SECOND, BIN, check, copy_content, done, edit_json,  # noqa: E402
                have_second_article, merge_second_article, migrate, migrated_database, new_database, psql, run)


def sha256_file(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def content_files(folder):
    """Relative paths of the content files, as migrate records them."""
    out = []
    for sub in ("articles", "causes", "remedies", "triage", "countries",
                "es/articles", "es/causes", "es/remedies", "es/triage"):
        d = os.path.join(folder, sub)
        if os.path.isdir(d):
            out += ["%s/%s" % (sub, n) for n in sorted(os.listdir(d)) if n.endswith(".json")]
    return sorted(out)


def snapshot(url):
    """Everything a failed migrate must leave untouched."""
    return psql(url, """
        SELECT (SELECT version FROM content_state),
               (SELECT count(*) FROM articles), (SELECT count(*) FROM causes),
               (SELECT count(*) FROM remedies), (SELECT count(*) FROM symptoms),
               (SELECT count(*) FROM triage_rules), (SELECT count(*) FROM schema_migrations),
               (SELECT string_agg(path || '=' || checksum, ',' ORDER BY path) FROM content_files),
               (SELECT string_agg(slug || ':' || checksum || ':' || version, ',' ORDER BY slug) FROM causes)""")


def status(url, content=CONTENT, migrations=MIGRATIONS):
    return run("migrate", "status", "--database-url", url, "--migrations", migrations, "--content", content)


def status_line(out, state, name):
    """Does status print name with this state (its first word)?"""
    return any(l.split()[:1] == [state] and (" %s" % name) in l for l in out.splitlines())


def copy_migrations():
    d = tempfile.mkdtemp(prefix="hh-migrations-")
    shutil.rmtree(d)
    shutil.copytree(MIGRATIONS, d)
    return d


# ------------------------------------------------------------- first load

def test_first_load_and_noop():
    url = new_database("migrate_first")
    r = migrate(url)
    check("applied migration 0001_schema.sql" in r.stdout, "first run names the migration: %r" % r.stdout)
    check("loaded content version 1 (" in r.stdout, "first run loads version 1: %r" % r.stdout)
    n_causes = len(os.listdir(os.path.join(CONTENT, "causes")))
    check("%d causes" % n_causes in r.stdout, "counts causes: %r" % r.stdout)

    want = sha256_file(os.path.join(MIGRATIONS, "0001_schema.sql"))
    got = psql(url, "SELECT checksum FROM schema_migrations WHERE name = '0001_schema.sql'")
    check(got == want, "recorded migration checksum %r, file %r" % (got, want))

    rows = psql(url, "SELECT path || ' ' || checksum FROM content_files ORDER BY path").splitlines()
    files = content_files(CONTENT)
    check([l.split()[0] for l in rows] == files, "content_files %r vs %r" % (rows, files))
    for line in rows:
        path, sum_ = line.split()
        check(sum_ == sha256_file(os.path.join(CONTENT, path)), "checksum of %s" % path)

    check(psql(url, "SELECT count(*) FROM articles") == str(len(os.listdir(os.path.join(CONTENT, "articles")))),
          "articles loaded")
    check(psql(url, "SELECT bool_and(search <> '') FROM articles") == "t", "article search vectors filled")
    hit = psql(url, "SELECT slug FROM articles WHERE search @@ websearch_to_tsquery('english', 'upper back pain')")
    check("upper-middle-back-muscle-soreness" in hit, "full-text search finds the article: %r" % hit)

    before = snapshot(url)
    r = migrate(url)
    check("up to date (content version 1)" in r.stdout, "second run is a no-op: %r" % r.stdout)
    check("applied" not in r.stdout, "second run applies nothing: %r" % r.stdout)
    check(snapshot(url) == before, "second run changed nothing")

    s = status(url)
    check(s.returncode == 0, "status exit %d: %s" % (s.returncode, s.stderr))
    check("applied" in s.stdout and want in s.stdout and "0001_schema.sql" in s.stdout,
          "status lists the migration with its checksum: %r" % s.stdout)
    for path in files:
        line = [l for l in s.stdout.splitlines() if l.endswith(" " + path)]
        check(len(line) == 1 and "applied" in line[0] and sha256_file(os.path.join(CONTENT, path)) in line[0],
              "status lists %s as applied with its checksum: %r" % (path, line))
    check("content version: 1" in s.stdout, "status shows the version: %r" % s.stdout)
    return url


# ----------------------------------------------------- change, NOTIFY, dry run

def listen(url):
    """A psql session that is LISTENing when this returns."""
    p = subprocess.Popen(["psql", "-X", "-q", "-At", url], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    p.stdin.write("LISTEN healthhub_content;\nSELECT 'listening';\n")
    p.stdin.flush()
    line = p.stdout.readline()
    check(line.strip() == "listening", "psql LISTEN session: %r" % line)
    return p


def test_change(url):
    d = copy_content()
    edit_json(os.path.join(d, "causes", "poor-posture.json"),
              lambda c: c.update(summary=c["summary"] + " Changed by the migrate test."))

    def drop_last_rule(p):
        p["rules"] = p["rules"][:-1]
    with open(os.path.join(d, "triage", "policy.json")) as f:
        dropped = json.load(f)["rules"][-1]["code"]
    edit_json(os.path.join(d, "triage", "policy.json"), drop_last_rule)

    def drop_citation(k):  # a country's citation of a removed rule is refused: it goes too
        k["citations"]["triage"].pop(dropped)
    for cc in os.listdir(os.path.join(d, "countries")):
        with open(os.path.join(d, "countries", cc)) as f:
            cites = json.load(f).get("citations", {}).get("triage", {})
        if dropped in cites:
            edit_json(os.path.join(d, "countries", cc), drop_citation)

    s = status(url, content=d)
    check(status_line(s.stdout, "changed", "causes/poor-posture.json"),
          "status marks an edited file changed: %r" % s.stdout)

    before = snapshot(url)
    old = psql(url, "SELECT slug || ' ' || version || ' ' || updated_at FROM causes ORDER BY slug").splitlines()
    r = migrate(url, "--dry-run", content=d)
    check("cause changed: poor-posture" in r.stdout, "dry run reports the changed cause: %r" % r.stdout)
    check("rule removed: %s" % dropped in r.stdout, "dry run reports the removed rule: %r" % r.stdout)
    check("nothing was written" in r.stdout, "dry run says so: %r" % r.stdout)
    check(snapshot(url) == before, "dry run wrote nothing")

    lis = listen(url)
    r = migrate(url, content=d)
    out, _ = lis.communicate("SELECT 'after';\n", timeout=30)
    check("loaded content version 2" in r.stdout, "changed content loads version 2: %r" % r.stdout)
    check('"healthhub_content" with payload "2"' in out, "NOTIFY with the new version: %r" % out)
    check(psql(url, "SELECT version FROM content_state") == "2", "content_state.version is 2")
    check(psql(url, "SELECT count(*) FROM triage_rules WHERE code = '%s'" % dropped) == "0", "rule removed")

    new = psql(url, "SELECT slug || ' ' || version || ' ' || updated_at FROM causes ORDER BY slug").splitlines()
    for o, n in zip(old, new):
        slug = o.split()[0]
        if slug == "poor-posture":
            check(n.split()[1] == "2" and n != o, "changed cause bumps version and updated_at: %r -> %r" % (o, n))
        else:
            check(n == o, "unchanged cause keeps version and updated_at: %r -> %r" % (o, n))
    return d


# ---------------------------------------------------------------- refusals

def refused(url, r, before, *words):
    check(r.returncode == 1, "refused with exit 1, got %d: %s" % (r.returncode, r.stdout))
    for w in words:
        check(w in r.stderr, "refusal names %r: %r" % (w, r.stderr))
    check(snapshot(url) == before, "refusal left the database as it was (%s)" % (words,))


def test_edited_migration(url, content):
    m = copy_migrations()
    with open(os.path.join(m, "0001_schema.sql"), "a") as f:
        f.write("-- an innocent-looking edit\n")
    d = copy_content()  # differs from what is loaded, so a run would write
    before = snapshot(url)
    r = migrate(url, content=d, migrations=m, check=False)
    refused(url, r, before, "migration 0001_schema.sql was changed after it was applied", "checksum",
            "recorded")
    s = status(url, content=content, migrations=m)
    check(status_line(s.stdout, "changed!", "0001_schema.sql"), "status flags the edited migration: %r" % s.stdout)


def test_broken_migration(url, content):
    m = copy_migrations()
    with open(os.path.join(m, "0002_broken.sql"), "w") as f:
        f.write("-- a comment\nCREATE TABLE ok_so_far (id int);\nCREATE TABLE oops (id int,,);\n")
    before = snapshot(url)
    r = migrate(url, content=content, migrations=m, check=False)
    refused(url, r, before, "0002_broken.sql:3")
    check(psql(url, "SELECT to_regclass('ok_so_far') IS NULL") == "t", "first statement rolled back too")

    s = status(url, content=content, migrations=m)
    check(status_line(s.stdout, "pending", "0002_broken.sql"),
          "status lists the pending migration: %r" % s.stdout)

    with open(os.path.join(m, "0002_broken.sql"), "w") as f:
        f.write("COMMENT ON TABLE articles IS 'one per content file';\n")
    r = migrate(url, content=content, migrations=m)
    check("applied migration 0002_broken.sql" in r.stdout, "a fixed migration applies: %r" % r.stdout)
    check("content unchanged" in r.stdout, "content untouched by a schema-only run: %r" % r.stdout)


def test_invalid_content(url):
    before = snapshot(url)
    d = copy_content()
    with open(os.path.join(d, "causes", "injury.json"), "a") as f:
        f.write("\n{ not json")
    r = migrate(url, content=d, check=False)
    refused(url, r, before, "causes/injury.json", "not touched")

    d = copy_content()
    edit_json(os.path.join(d, "causes", "muscle-strain.json"),
              lambda c: c["remedies"].append("no-such-remedy"))
    r = migrate(url, content=d, check=False)
    refused(url, r, before, "causes/muscle-strain.json", "remedies", "no-such-remedy")


# ------------------------------------------------------- concurrency, merge

def test_concurrent_first_runs():
    url = new_database("migrate_concurrent")
    argv = [BIN, "migrate", "--database-url", url, "--migrations", MIGRATIONS, "--content", CONTENT]
    procs = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outs = [p.communicate(timeout=120) + (p.returncode,) for p in procs]
    for out, err, code in outs:
        check(code == 0, "concurrent migrate exit %d: %s" % (code, err))
    applied = sum("applied migration 0001_schema.sql" in o for o, _, _ in outs)
    check(applied == 1, "exactly one concurrent run applies the schema: %r" % outs)
    check(psql(url, "SELECT version FROM content_state") == "1", "concurrent runs load content once")


def test_second_article():
    if not have_second_article():
        return
    url = migrated_database("migrate_second_article")
    d = copy_content()
    merge_second_article(d)
    dry = migrate(url, "--dry-run", content=d)
    for name in os.listdir(os.path.join(SECOND, "articles")):
        check("article added: %s" % name[:-5] in dry.stdout, "dry run adds %s: %r" % (name, dry.stdout))
    r = migrate(url, content=d)
    check("loaded content version 2" in r.stdout, "merged content loads: %r" % r.stdout)
    check(psql(url, "SELECT count(*) FROM articles") == "2", "two articles after the merge")
    n_sections = len(json.load(open(os.path.join(SECOND, "articles", "neck-stiffness.json")))["sections"])
    check(psql(url, "SELECT count(*) FROM article_sections WHERE article_slug = 'neck-stiffness'")
          == str(n_sections), "the new article's sections are stored")

    # Back to the original folder: the added entities go, and status saw them as removed first.
    s = status(url)
    check(status_line(s.stdout, "removed", "articles/neck-stiffness.json"), "status marks a deleted file removed: %r" % s.stdout)
    r = migrate(url)
    check("article removed: neck-stiffness" in r.stdout, "removal reported: %r" % r.stdout)
    check(psql(url, "SELECT count(*) FROM articles") == "1", "one article after removing the merge")
    check(psql(url, "SELECT count(*) FROM article_sections WHERE article_slug = 'neck-stiffness'") == "0",
          "removed article's rows cascade away")


def test_unreachable_database():
    r = run("migrate", "status", "--database-url", "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2",
            "--migrations", MIGRATIONS, "--content", CONTENT)
    check(r.returncode == 1, "status on an unreachable database exits 1, got %d" % r.returncode)
    check("cannot connect" in r.stderr, "says it cannot connect: %r" % r.stderr)


if __name__ == "__main__":
    url = test_first_load_and_noop()
    changed = test_change(url)
    test_edited_migration(url, changed)
    test_broken_migration(url, changed)
    test_invalid_content(url)
    test_concurrent_first_runs()
    test_second_article()
    test_unreachable_database()
    done()
