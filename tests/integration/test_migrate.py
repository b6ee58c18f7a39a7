"""`healthhub migrate` and `migrate status` against a real PostgreSQL.

Covers: first load (one document per entity), the no-op second run, a
content change (a new content version with author and message, only the
changed documents appended, NOTIFY), --dry-run with its field-level diff,
refusals that leave the database as it was (edited migration, broken SQL,
invalid content), status output, two concurrent migrates, merging the
second-article fixture, history that cannot be rewritten (UPDATE, DELETE,
TRUNCATE refused), and the upgrade of a database made by the previous
release (its content and version kept; the history starts there).
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hh  # noqa: E402
from hh import (CONTENT, MIGRATIONS, SECOND, BIN, check, copy_content, done, edit_json,  # noqa: E402
                have_second_article, merge_second_article, migrate, migrated_database, new_database, psql, run)


def sha256_file(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def documents(folder):
    """The documents a folder holds, as migrate names them: (name, lang)."""
    out = set()
    kinds = {"articles": "article", "causes": "cause", "remedies": "remedy", "countries": "country"}
    for lang, prefix in (("en", ""), ("es", "es/")):
        for sub, kind in kinds.items():
            d = os.path.join(folder, prefix + sub)
            if os.path.isdir(d):
                out |= {("%s/%s" % (kind, n[:-5]), lang) for n in os.listdir(d) if n.endswith(".json")}
        if os.path.isdir(os.path.join(folder, prefix + "triage")):
            out.add(("triage", lang))
    return sorted(out)


def snapshot(url):
    """Everything a failed migrate must leave untouched."""
    return psql(url, """
        SELECT (SELECT max(version) FROM content_versions), (SELECT count(*) FROM content_versions),
               (SELECT count(*) FROM documents), (SELECT count(*) FROM schema_migrations),
               (SELECT string_agg(name || '/' || lang || '=' || coalesce(checksum, '-') || '@' || version, ','
                                  ORDER BY name, lang, version) FROM documents)""")


def current(url, name, lang="en"):
    """The newest document of an entity: version, checksum, body."""
    row = psql(url, "SELECT version || ' ' || coalesce(checksum, '-') || ' ' || coalesce(body::text, 'null')"
                    " FROM documents WHERE name = '%s' AND lang = '%s' ORDER BY version DESC LIMIT 1" % (name, lang))
    v, sum_, body = row.split(" ", 2)
    return int(v), sum_, json.loads(body)


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

    rows = psql(url, "SELECT name || ' ' || lang FROM documents ORDER BY name, lang").splitlines()
    docs = documents(CONTENT)
    check(sorted(tuple(l.split()) for l in rows) == docs, "one document per entity: %r vs %r" % (rows, docs))
    check(psql(url, "SELECT count(DISTINCT version) FROM documents") == "1", "every document in version 1")
    v, sum_, body = current(url, "cause/poor-posture")
    with open(os.path.join(CONTENT, "causes", "poor-posture.json")) as f:
        check(body == json.load(f), "the stored document is the file's JSON")
    canon = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    check(sum_ == hashlib.sha256(canon.encode()).hexdigest(), "checksum of the canonical JSON")
    author = psql(url, "SELECT author || ' ' || action || ' ' || db_role FROM content_versions WHERE version = 1")
    check("@" in author.split()[0] and " migrate " in author, "default author is user@host: %r" % author)

    check(psql(url, "SELECT count(*) FROM pg_attribute WHERE atttypid = 'tsvector'::regtype AND attnum > 0"
                    " AND attrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace)") == "0",
          "no search vectors: search is answered from memory")

    before = snapshot(url)
    r = migrate(url)
    check("up to date (content version 1)" in r.stdout, "second run is a no-op: %r" % r.stdout)
    check("applied" not in r.stdout, "second run applies nothing: %r" % r.stdout)
    check(snapshot(url) == before, "second run changed nothing")

    s = status(url)
    check(s.returncode == 0, "status exit %d: %s" % (s.returncode, s.stderr))
    check("applied" in s.stdout and want in s.stdout and "0001_schema.sql" in s.stdout,
          "status lists the migration with its checksum: %r" % s.stdout)
    for name, lang in docs:
        key = name.split("/", 1)[-1] if lang == "en" else "%s %s" % (lang, name)
        line = [l for l in s.stdout.splitlines() if l.split()[2:] == key.split()]
        check(len(line) == 1 and "applied" in line[0], "status lists %s as applied: %r" % (key, line))
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
    edited = ["cause/poor-posture", "triage"]
    for cc in os.listdir(os.path.join(d, "countries")):
        with open(os.path.join(d, "countries", cc)) as f:
            cites = json.load(f).get("citations", {}).get("triage", {})
        if dropped in cites:
            edit_json(os.path.join(d, "countries", cc), drop_citation)
            edited.append("country/" + cc[:-len(".json")])

    s = status(url, content=d)
    check(status_line(s.stdout, "changed", "poor-posture"), "status marks an edited document changed: %r" % s.stdout)

    before = snapshot(url)
    r = migrate(url, "--dry-run", content=d)
    check("cause changed: poor-posture" in r.stdout, "dry run reports the changed cause: %r" % r.stdout)
    check("triage changed: triage" in r.stdout, "dry run reports the changed ruleset: %r" % r.stdout)
    check("summary: " in r.stdout and "Changed by the migrate test." in r.stdout,
          "dry run shows the changed field and its new text: %r" % r.stdout)
    check("policy.json.rules[" in r.stdout and "-> (none)" in r.stdout,
          "dry run shows the removed rule field by field: %r" % r.stdout)
    check("nothing was written" in r.stdout, "dry run says so: %r" % r.stdout)
    check(snapshot(url) == before, "dry run wrote nothing")

    lis = listen(url)
    r = migrate(url, "--author", "Dr Test", "--message", "drop the last rule", content=d)
    out, _ = lis.communicate("SELECT 'after';\n", timeout=30)
    check("loaded content version 2" in r.stdout, "changed content loads version 2: %r" % r.stdout)
    check('"healthhub_content" with payload "2"' in out, "NOTIFY with the new version: %r" % out)
    check(psql(url, "SELECT author || '|' || message FROM content_versions WHERE version = 2")
          == "Dr Test|drop the last rule", "author and message recorded")
    changed = psql(url, "SELECT string_agg(name, ',' ORDER BY name) FROM documents WHERE version = 2 AND lang = 'en'")
    check(changed == ",".join(sorted(edited)), "only the changed documents are appended: %r (edited %r)"
          % (changed, sorted(edited)))
    # the copy is English only: its translations are removed, as documents of their own
    check(psql(url, "SELECT bool_and(body IS NULL) FROM documents WHERE version = 2 AND lang = 'es'") == "t",
          "the translations the folder no longer has are recorded as removed")
    _, _, policy = current(url, "triage")
    check(dropped not in [x["code"] for x in policy["policy.json"]["rules"]], "rule removed")
    check(current(url, "cause/inactivity")[0] == 1, "an unchanged cause keeps the version that introduced it")
    check(psql(url, "SELECT count(*) FROM documents WHERE name = 'cause/poor-posture' AND lang = 'en'") == "2",
          "the old version is kept")
    return d


def test_append_only(url):
    before = snapshot(url)
    for sql in ("UPDATE documents SET body = '{}' WHERE version = 1",
                "DELETE FROM documents WHERE version = 1",
                "TRUNCATE documents CASCADE",
                "UPDATE content_versions SET author = 'someone else'",
                "DELETE FROM content_versions WHERE version = 1"):
        r = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
                           capture_output=True, text=True)
        check(r.returncode != 0 and "append-only" in r.stderr, "%s is refused: %r" % (sql, r.stderr))
    check(snapshot(url) == before, "history untouched")


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
        f.write("COMMENT ON TABLE documents IS 'one per entity and version';\n")
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
    check(psql(url, "SELECT max(version) FROM content_versions") == "1", "concurrent runs load content once")


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
    check(psql(url, "SELECT count(*) FROM (SELECT DISTINCT ON (name) body FROM documents WHERE kind = 'article'"
                    " AND lang = 'en' ORDER BY name, version DESC) AS x WHERE body IS NOT NULL") == "2",
          "two articles after the merge")
    with open(os.path.join(SECOND, "articles", "neck-stiffness.json")) as f:
        check(current(url, "article/neck-stiffness")[2] == json.load(f), "the new article's document is stored")

    # Back to the original folder: the added entities go, and status saw them as removed first.
    s = status(url)
    check(status_line(s.stdout, "removed", "neck-stiffness"), "status marks a deleted file removed: %r" % s.stdout)
    r = migrate(url)
    check("article removed: neck-stiffness" in r.stdout, "removal reported: %r" % r.stdout)
    check(psql(url, "SELECT count(*) FROM (SELECT DISTINCT ON (name) body FROM documents WHERE kind = 'article'"
                    " AND lang = 'en' ORDER BY name, version DESC) AS x WHERE body IS NOT NULL") == "1",
          "one article after removing the merge")
    check(psql(url, "SELECT count(*) FROM documents WHERE name = 'article/neck-stiffness' AND body IS NULL") == "1",
          "the removal is a version of its own; the article's past stays")


def test_unreachable_database():
    r = run("migrate", "status", "--database-url", "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2",
            "--migrations", MIGRATIONS, "--content", CONTENT)
    check(r.returncode == 1, "status on an unreachable database exits 1, got %d" % r.returncode)
    check("cannot connect" in r.stderr, "says it cannot connect: %r" % r.stderr)


PREVIOUS_BIN = os.environ.get("HH_PREVIOUS_BIN", "")  # a build of the release before documents


def previous_migrations():
    """The migrations of that release: these, up to the documents."""
    d = copy_migrations()
    for name in os.listdir(d):
        if name >= "0010":
            os.remove(os.path.join(d, name))
    return d


def test_upgrade():
    """A database made by the previous release keeps its content and version; the history starts there."""
    if not os.access(PREVIOUS_BIN, os.X_OK):
        print("SKIP test_upgrade: set HH_PREVIOUS_BIN to a healthhub built before 0010_documents.sql")
        return
    url = new_database("migrate_upgrade")
    d = copy_content()
    edit_json(os.path.join(d, "causes", "poor-posture.json"), lambda c: c.update(summary="Served before."))
    for folder in (CONTENT, d):
        r = subprocess.run([PREVIOUS_BIN, "migrate", "--database-url", url, "--migrations", previous_migrations(),
                            "--content", folder], capture_output=True, text=True, timeout=120)
        check(r.returncode == 0, "previous release migrates: %s" % r.stderr)
    check(psql(url, "SELECT version FROM content_state") == "2", "the previous release served version 2")
    r = migrate(url, content=d)
    check("applied migration 0010_documents.sql" in r.stdout, "the upgrade applies: %r" % r.stdout)
    check("history starts at content version 2" in r.stdout, "says where the history starts: %r" % r.stdout)
    check("content unchanged (content version 2)" in r.stdout, "nothing else to write: %r" % r.stdout)
    check(psql(url, "SELECT string_agg(version || action, ',') FROM content_versions") == "2upgrade",
          "one version, the upgrade")
    check(sorted(tuple(l.split()) for l in psql(url, "SELECT name || ' ' || lang FROM documents").splitlines())
          == documents(d), "every entity kept as a document")
    check(current(url, "cause/poor-posture")[2]["summary"] == "Served before.", "the content served is kept")
    check(psql(url, "SELECT to_regclass('causes') IS NULL AND to_regclass('legacy_files') IS NULL") == "t",
          "the relational tables are gone")
    r = migrate(url)
    check("loaded content version 3" in r.stdout and "cause changed: poor-posture" in r.stdout,
          "the next change is version 3: %r" % r.stdout)


def test_partial_spanish():
    """A language may cover part of the library: an untranslated cause is served in English, said so."""
    url = new_database("migrate_partial")
    d = copy_content(languages=True)
    os.remove(os.path.join(d, "es", "causes", "injury.json"))
    r = migrate(url, content=d)
    check("loaded content version 1" in r.stdout, "a partial translation migrates: %r" % (r.stdout + r.stderr))
    with hh.Server(url) as s:
        st, _, b = s.get("/v1/causes/injury?lang=es")
        c = json.loads(b)
        check(st == 200 and c.get("lang") == "en" and c["name"] == "Injury or an old back problem",
              "the untranslated cause is served in English, lang en: %r" % c.get("name"))
        st, _, b = s.get("/v1/causes?lang=es")
        items = {i["slug"]: i for i in json.loads(b)["items"]}
        check("injury" in items and items["injury"].get("lang") == "en", "the list keeps it, lang en")
        check("lang" not in items["poor-posture"] and items["poor-posture"]["name"] != "Poor posture",
              "translated items are Spanish, without lang")
        # a translation names the English version it translates: an English correction is served in
        # English (never behind an old translation) until the translation is brought up to date
        edit_json(os.path.join(d, "causes", "poor-posture.json"), lambda c: c.update(summary="A correction."))
        migrate(url, content=d)
        hh.poll(lambda: json.loads(s.get("/v1/causes/poor-posture?lang=es")[2]).get("summary") == "A correction.", 5)
        c = json.loads(s.get("/v1/causes/poor-posture?lang=es")[2])
        check(c.get("summary") == "A correction." and c.get("lang") == "en",
              "a stale translation gives way to the English: %r" % c.get("summary"))
        edit_json(os.path.join(d, "es", "causes", "poor-posture.json"), lambda c: c.update(summary="Una correccion."))
        migrate(url, content=d)
        hh.poll(lambda: json.loads(s.get("/v1/causes/poor-posture?lang=es")[2]).get("summary") == "Una correccion.", 5)
        c = json.loads(s.get("/v1/causes/poor-posture?lang=es")[2])
        check(c.get("summary") == "Una correccion." and "lang" not in c, "the updated translation is served: %r"
              % c.get("summary"))
    os.remove(os.path.join(d, "causes", "muscle-strain.json"))  # the English goes: so must the translation
    r = migrate(url, content=d, check=False)
    check(r.returncode == 1 and "es/causes/muscle-strain.json" in r.stderr, "a translation without its English"
          " is refused: %r" % r.stderr)


def test_known_files():
    """A file checked before and unchanged is not read again (file_checks), yet every change that reaches
    it is still refused with its file and field: a removal, a cause's links, an article's."""
    url = new_database("migrate_known")
    d = copy_content(languages=True)
    migrate(url, content=d)
    art = "articles/upper-middle-back-muscle-soreness.json"
    check(int(psql(url, "SELECT count(*) FROM file_checks WHERE path = '%s'" % art)) == 1,
          "the first run remembers the article file it checked")
    for p in (art, "es/" + art):
        edit_json(os.path.join(d, p), lambda a: a.update(summary=a["summary"] + " (edited)"))
    r = migrate(url, content=d)
    check("0 added, 2 changed" in r.stdout, "the article and its translation change: %r" % r.stdout)
    with open(os.path.join(d, "es", art)) as f:
        check(current(url, "article/upper-middle-back-muscle-soreness", "es")[2] == json.load(f),
              "the translation's document is the file's")
    check(int(psql(url, "SELECT count(*) FROM file_checks WHERE path = '%s'" % art)) == 2,
          "the edited file is remembered too")
    before = snapshot(url)
    saved = {}
    for p in ("remedies/improve-posture.json", "es/remedies/improve-posture.json"):  # linked by poor-posture only
        with open(os.path.join(d, p)) as f:
            saved[p] = f.read()
        os.remove(os.path.join(d, p))
    refused(url, migrate(url, content=d, check=False), before, "causes/poor-posture.json", "remedies",
            "improve-posture")
    for p, text in saved.items():
        with open(os.path.join(d, p), "w") as f:
            f.write(text)
    for p in ("causes/poor-posture.json", "es/causes/poor-posture.json"):
        edit_json(os.path.join(d, p), lambda c: c.update(remedies=[x for x in c["remedies"] if x != "improve-posture"]))
    refused(url, migrate(url, content=d, check=False), before, "remedies/improve-posture.json", "slug",
            "not linked from any cause")
    d = copy_content(languages=True)
    edit_json(os.path.join(d, art), lambda a: a["causes"].__setitem__(0, "no-such-cause"))
    refused(url, migrate(url, content=d, check=False), before, art, "causes[0]", "no-such-cause")


def test_known_file_changed_meanwhile():
    """A file skipped as known (file_checks) whose document another migrate changes while this one waits
    for the lock is not written as a removal: the run is refused whole and the other run's document stays."""
    url = new_database("migrate_known_race")
    d = copy_content(languages=True)
    migrate(url, content=d)
    for p in ("remedies/heat-therapy.json", "es/remedies/heat-therapy.json"):  # something else to write
        edit_json(os.path.join(d, p), lambda a: a.update(summary=a["summary"] + " (edited)"))
    known = "remedy/exercise"  # unchanged on disk: skipped as known
    holder = subprocess.Popen(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    holder.stdin.write("BEGIN;\nSELECT pg_advisory_xact_lock(4848210101);\n")
    holder.stdin.flush()
    locks = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND %s granted"
    check(hh.poll(lambda: psql(url, locks % "") == "1", 10) is not None, "the test holds migrate's lock")
    argv = [BIN, "migrate", "--database-url", url, "--migrations", MIGRATIONS, "--content", d]
    run_a = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    waiting = hh.poll(lambda: psql(url, locks % "NOT") == "1", 30)
    # what another migrate commits meanwhile: a new version of the known file's entity
    holder.stdin.write("""WITH v AS (INSERT INTO content_versions (version, author, message, action)
 SELECT max(version) + 1, 'other', 'meanwhile', 'migrate' FROM content_versions RETURNING version)
INSERT INTO documents (version, name, lang, kind, checksum, body)
 SELECT v.version, d.name, d.lang, d.kind, repeat('a', 64),
        jsonb_set(d.body::jsonb, '{summary}', '"Changed meanwhile."')::json
 FROM v, documents AS d WHERE d.name = '%s' AND d.lang = 'en' ORDER BY d.version DESC LIMIT 1;
COMMIT;
""" % known)
    holder.stdin.close()
    holder.wait(timeout=30)
    out, err = run_a.communicate(timeout=120)
    check(waiting is not None, "migrate waited for the lock after reading what it knew")
    check(holder.returncode == 0, "the concurrent change committed: %s" % holder.stderr.read())
    check(run_a.returncode != 0 and "changed in the database while this migrate ran" in err,
          "the waiting migrate is refused (exit %d): %s%s" % (run_a.returncode, out, err))
    v, sum_, body = current(url, known)
    check(sum_ == "a" * 64 and body is not None and body["summary"] == "Changed meanwhile.",
          "the other run's document stays the newest, not a removal: %r %r" % (sum_, body))
    check(not current(url, "remedy/heat-therapy")[2]["summary"].endswith("(edited)"),
          "nothing of the refused run is written")
    r = migrate(url, content=d)
    check(current(url, known)[2] is not None and "changed" in r.stdout,
          "run again, it reads the file anew and writes it back: %r" % r.stdout)


if __name__ == "__main__":
    url = test_first_load_and_noop()
    changed = test_change(url)
    test_append_only(url)
    test_edited_migration(url, changed)
    test_broken_migration(url, changed)
    test_invalid_content(url)
    test_concurrent_first_runs()
    test_second_article()
    test_unreachable_database()
    test_upgrade()
    test_partial_spanish()
    test_known_files()
    test_known_file_changed_meanwhile()
    done()
