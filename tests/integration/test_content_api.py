"""Content API integration tests: every content endpoint, filter and error
status of docs/API.md, against the real server and a real database.
"""
import http.client
import json
import os
import re
import shutil
import sys
import time
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hh import (SECOND, Server, check, copy_content, done, have_second_article, is_problem,  # noqa: E402
                merge_second_article, migrate, new_database, served_database)

ARTICLE = "upper-middle-back-muscle-soreness"
CAUSES = {"muscle-strain", "poor-posture", "muscle-imbalance", "inactivity", "stress-tension", "injury",
          "repetitive-movements", "underlying-conditions"}
REMEDIES = {"improve-posture", "exercise", "heat-therapy", "stay-active", "consult-professional"}
POSITIONS = ("standing", "sitting", "lying_down")
REGIONS = ("upper_back", "middle_back")
LEVELS = ("emergency", "urgent", "see_doctor")
LEAKS = ("SELECT", "ERROR:", "/work", ".c:", "Traceback", "PQ", "libpq")
SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def problem(resp, want_status, field=None, what=""):
    """An RFC 9457 problem with the status (naming field), and no leaked internals."""
    st, h, b = resp
    ok = is_problem(st, h, b, want_status, field)
    text = b.decode("utf-8", "replace")
    for leak in LEAKS:
        ok &= check(leak not in text, "%s: problem leaks %r: %r" % (what, leak, text[:300]))
    if not ok:
        print("  ^ in %s" % what, file=sys.stderr)
    return ok


def get(s, path, headers=None):
    """Like s.get, but a connection closed without an answer is (-1, {}, reason)."""
    try:
        return s.get(path, headers)
    except (OSError, http.client.HTTPException) as e:
        return -1, {}, ("no response: %r" % e).encode()


def slugs(items):
    return [i.get("slug") for i in items]


def has_fields(obj, fields, what):
    missing = [f for f in fields if f not in obj]
    return check(not missing, "%s lacks %r: %r" % (what, missing, sorted(obj)))


# ----------------------------------------------------------------- articles

def test_article_list(s):
    st, h, b = s.get("/v1/articles")
    check(st == 200, "GET /v1/articles: %d" % st)
    check(h.get("content-type", "").startswith("application/json"), "articles content-type %r" % h.get("content-type"))
    doc = json.loads(b)
    check(doc.get("total") == 1 and len(doc.get("items", [])) == 1, "one article: %r" % doc)
    for item in doc.get("items", []):
        has_fields(item, ("slug", "title", "summary", "updated_at"), "article list item")
        check(TIME_RE.match(str(item.get("updated_at"))) is not None, "updated_at is a timestamp: %r" % item)
    check(slugs(doc["items"]) == [ARTICLE], "the first article is listed: %r" % slugs(doc["items"]))

    for limit in (1, 20, 100):
        d = s.get_json("/v1/articles?limit=%d" % limit)
        check(slugs(d["items"]) == [ARTICLE] and d["total"] == 1, "limit=%d: %r" % (limit, d))
    d = s.get_json("/v1/articles?offset=0")
    check(slugs(d["items"]) == [ARTICLE] and d["total"] == 1, "offset=0: %r" % d)
    d = s.get_json("/v1/articles?offset=1")
    check(d["items"] == [] and d["total"] == 1, "offset past the end: empty page, same total: %r" % d)
    d = s.get_json("/v1/articles?limit=1&offset=1")
    check(d["items"] == [] and d["total"] == 1, "limit=1&offset=1: %r" % d)


def test_article_search(s):
    for word in ("posture", "thoracic", "Posture", "upper back pain"):
        d = s.get_json("/v1/articles?q=" + quote(word))
        check(slugs(d.get("items", [])) == [ARTICLE] and d.get("total") == 1, "q=%r finds the article: %r" % (word, d))
        for item in d.get("items", []):
            has_fields(item, ("slug", "title", "summary", "updated_at"), "search hit")
    d = s.get_json("/v1/articles?q=xyzzy")
    check(d.get("items") == [] and d.get("total") == 0, "q=xyzzy finds nothing: %r" % d)
    d = s.get_json("/v1/articles?q=posture&limit=1&offset=0")
    check(slugs(d.get("items", [])) == [ARTICLE], "search with limit/offset: %r" % d)
    d = s.get_json("/v1/articles?q=posture&offset=1")
    check(d.get("items") == [] and d.get("total") == 1, "search offset past the end keeps total: %r" % d)
    # Text that is not UTF-8 is a bad parameter, not a database outage.
    # (refused while decoding, before anything reaches PostgreSQL)
    for bad in ("%ff", "posture%ff", "%c3%28"):
        problem(get(s, "/v1/articles?q=" + bad), 400, "q", "/v1/articles?q=" + bad)
        problem(get(s, "/v1/causes?q=" + bad), 400, "q", "/v1/causes?q=" + bad)
    # SQL-ish text is just text to search for
    d = s.get_json("/v1/articles?q=" + quote("posture' OR '1'='1"))
    check(isinstance(d.get("items"), list), "quote in q is searched safely: %r" % d)


def test_article_list_errors(s):
    cases = [("limit=abc", "limit"), ("limit=0", "limit"), ("limit=101", "limit"), ("limit=-1", "limit"),
             ("limit=1.5", "limit"), ("limit=", "limit"), ("offset=-1", "offset"), ("offset=x", "offset"),
             ("color=blue", "color"), ("limit=1&limit=2", "limit"), ("q=a&q=b", "q"),
             ("position=sitting", "position")]
    for query, field in cases:
        problem(s.get("/v1/articles?" + query), 400, field, "/v1/articles?" + query)
    # a parameter name that is not UTF-8 is still reported, not silently dropped
    resp = get(s, "/v1/articles?%ff=1")
    if problem(resp, 400, None, "/v1/articles?%ff=1"):
        check(len(json.loads(resp[2]).get("errors", [])) > 0, "?%%ff=1: errors names the bad parameter: %r" % resp[2])


def test_article(s):
    st, h, b = s.get("/v1/articles/" + ARTICLE)
    check(st == 200, "GET article: %d" % st)
    check(h.get("content-type", "").startswith("application/json"), "article content-type %r" % h.get("content-type"))
    a = json.loads(b)
    has_fields(a, ("slug", "title", "summary", "alternate_names", "sections", "causes", "remedies",
                   "when_to_get_help", "positions", "regions", "references", "reviewed_at", "next_review_due",
                   "updated_at", "version"), "article")
    check(a.get("slug") == ARTICLE, "article slug %r" % a.get("slug"))
    for k in ("alternate_names", "sections", "causes", "remedies", "positions", "regions", "references"):
        check(isinstance(a.get(k), list), "article %s is a list" % k)
    check(len(a.get("sections", [])) > 0, "article has sections")
    for sec in a.get("sections", []):
        has_fields(sec, ("heading", "body"), "article section")
    check(isinstance(a.get("version"), int) and a.get("version") >= 1, "article version %r" % a.get("version"))
    check(DATE_RE.match(str(a.get("reviewed_at"))) is not None, "reviewed_at %r" % a.get("reviewed_at"))
    check(DATE_RE.match(str(a.get("next_review_due"))) is not None, "next_review_due %r" % a.get("next_review_due"))
    check(str(a.get("next_review_due")) > str(a.get("reviewed_at")), "review due after reviewed")
    check(TIME_RE.match(str(a.get("updated_at"))) is not None, "updated_at %r" % a.get("updated_at"))
    check(set(a.get("positions", [])) <= set(POSITIONS), "article positions %r" % a.get("positions"))
    check(set(a.get("regions", [])) <= set(REGIONS), "article regions %r" % a.get("regions"))
    cause_slugs = {c.get("slug") if isinstance(c, dict) else c for c in a.get("causes", [])}
    remedy_slugs = {r.get("slug") if isinstance(r, dict) else r for r in a.get("remedies", [])}
    check(CAUSES <= cause_slugs, "article causes lack %r" % (CAUSES - cause_slugs))
    check(REMEDIES <= remedy_slugs, "article remedies lack %r" % (REMEDIES - remedy_slugs))
    check_when_to_get_help(s, a.get("when_to_get_help"))

    # the list entry and the article agree
    listed = s.get_json("/v1/articles")["items"][0]
    for k in ("slug", "title", "summary", "updated_at"):
        check(listed.get(k) == a.get(k), "list and article disagree on %s" % k)


def check_when_to_get_help(s, help_):
    if not check(isinstance(help_, dict), "when_to_get_help is an object: %r" % help_):
        return
    check(set(help_) >= set(LEVELS), "when_to_get_help groups %r" % sorted(help_))
    for level in LEVELS:
        items = help_.get(level, [])
        check(isinstance(items, list) and len(items) > 0, "when_to_get_help.%s is a non-empty list" % level)
        for it in items if isinstance(items, list) else []:
            check(isinstance(it, dict) and it.get("code") and isinstance(it.get("message"), str)
                  and it["message"].strip(), "%s entry has code and text: %r" % (level, it))
    by_level = {lv: {i.get("code") for i in help_.get(lv, []) if isinstance(i, dict)} for lv in LEVELS}
    for code, level in (("chest_pain", "emergency"), ("saddle_numbness", "emergency"), ("fever", "urgent"),
                        ("night_pain", "urgent"), ("getting_worse", "see_doctor")):
        check(code in by_level[level], "when_to_get_help.%s has %s" % (level, code))
    # built from the same rules as triage: every red flag, at its own level
    st, _, b = s.get("/v1/symptoms")
    if check(st == 200, "GET /v1/symptoms: %d" % st):
        for sym in json.loads(b)["items"]:
            if sym.get("category") == "red_flag":
                check(sym["code"] in by_level.get(sym["level"], set()),
                      "red flag %s (%s) is in when_to_get_help.%s" % (sym["code"], sym["level"], sym["level"]))


def test_article_ldjson(s):
    path = "/v1/articles/" + ARTICLE
    for accept in ("application/ld+json", "application/ld+json, application/json;q=0.5"):
        st, h, b = s.get(path, {"Accept": accept})
        check(st == 200, "ld+json article: %d" % st)
        check(h.get("content-type", "").startswith("application/ld+json"),
              "Accept %r gives application/ld+json, got %r" % (accept, h.get("content-type")))
        doc = json.loads(b)
        check(doc.get("@type") == "MedicalWebPage", "@type %r" % doc.get("@type"))
        check("schema.org" in str(doc.get("@context")), "@context %r" % doc.get("@context"))
        check("accept" in [v.strip().lower() for v in h.get("vary", "").split(",")],
              "ld+json negotiation says Vary: Accept: %r" % h.get("vary"))
    st, h, b = s.get(path, {"Accept": "application/json"})
    check(st == 200 and h.get("content-type", "").startswith("application/json") and b"@type" not in b,
          "Accept: application/json gives the plain article")


# ------------------------------------------------------------------- causes

def cause_details(s):
    """slug -> the /v1/causes/{slug} object, for every listed cause."""
    out = {}
    for slug in slugs(s.get_json("/v1/causes")["items"]):
        out[slug] = s.get_json("/v1/causes/" + slug)
    return out


def test_causes(s):
    doc = s.get_json("/v1/causes")
    items = doc.get("items", [])
    check(doc.get("total") == len(items) == 8, "8 causes: total %r, %d items" % (doc.get("total"), len(items)))
    check(set(slugs(items)) == CAUSES, "cause slugs %r" % sorted(slugs(items)))
    details = cause_details(s)
    for slug, c in details.items():
        has_fields(c, ("slug", "name", "summary", "description", "positions", "regions", "remedies", "see_doctor_if"),
                   "cause " + slug)
        check(c.get("slug") == slug, "cause %s has slug %r" % (slug, c.get("slug")))
        check(all(isinstance(r, str) and SLUG_RE.match(r) for r in c.get("remedies", [])),
              "cause %s remedies are slugs: %r" % (slug, c.get("remedies")))
        check(c.get("see_doctor_if") is None or (isinstance(c["see_doctor_if"], str) and c["see_doctor_if"].strip()),
              "cause %s see_doctor_if is text or null: %r" % (slug, c.get("see_doctor_if")))
        check(set(c.get("positions", [])) <= set(POSITIONS), "cause %s positions %r" % (slug, c.get("positions")))
        check(set(c.get("regions", [])) <= set(REGIONS), "cause %s regions %r" % (slug, c.get("regions")))
    check(any(c.get("see_doctor_if") is None for c in details.values()), "some cause has see_doctor_if null")
    check(any(isinstance(c.get("see_doctor_if"), str) for c in details.values()), "some cause has see_doctor_if text")
    for item in items:
        d = details.get(item.get("slug"), {})
        for k in ("name", "summary"):
            check(item.get(k) == d.get(k), "cause list and detail disagree on %s.%s" % (item.get("slug"), k))
    return details


def expect_filtered(details, position=None, region=None):
    return {slug for slug, c in details.items()
            if (position is None or position in c.get("positions", []))
            and (region is None or region in c.get("regions", []))}


def test_cause_filters(s, details):
    combos = [(p, None) for p in POSITIONS] + [(None, r) for r in REGIONS] + [(p, r) for p in POSITIONS for r in REGIONS]
    for pos, reg in combos:
        params = "&".join(x for x in ("position=" + pos if pos else "", "region=" + reg if reg else "") if x)
        d = s.get_json("/v1/causes?" + params)
        want = expect_filtered(details, pos, reg)
        got = slugs(d.get("items", []))
        check(set(got) == want and len(got) == len(want), "?%s: got %r, wanted %r" % (params, sorted(got), sorted(want)))
        check(d.get("total") == len(want), "?%s: total %r, wanted %d" % (params, d.get("total"), len(want)))
    # the filters discriminate with this content (else the checks above prove little)
    check(expect_filtered(details, "lying_down") != set(details), "lying_down filter excludes some cause")
    check(expect_filtered(details, None, "middle_back") != set(details), "middle_back filter excludes some cause")

    d = s.get_json("/v1/causes?q=stress")
    check("stress-tension" in slugs(d.get("items", [])), "q=stress finds stress-tension: %r" % slugs(d.get("items", [])))
    d = s.get_json("/v1/causes?q=xyzzy")
    check(d.get("items") == [] and d.get("total") == 0, "causes q=xyzzy finds nothing: %r" % d)
    d = s.get_json("/v1/causes?q=stress&position=standing")
    check("stress-tension" not in slugs(d.get("items", [])),
          "q=stress&position=standing leaves out stress-tension (not a standing cause): %r" % slugs(d.get("items", [])))
    d = s.get_json("/v1/causes?q=stress&position=sitting")
    check("stress-tension" in slugs(d.get("items", [])), "q=stress&position=sitting finds stress-tension")

    for query, field in (("position=upside_down", "position"), ("position=Standing", "position"),
                         ("region=lower_back", "region"), ("region=", "region"), ("colour=red", "colour"),
                         ("region=upper_back&region=middle_back", "region"), ("limit=101", "limit"),
                         ("offset=-1", "offset"), ("offset=100001", "offset")):
        problem(s.get("/v1/causes?" + query), 400, field, "/v1/causes?" + query)


# ----------------------------------------------------------------- remedies

def test_remedies(s, causes):
    doc = s.get_json("/v1/remedies")
    items = doc.get("items", [])
    check(doc.get("total") == len(items) == 5, "5 remedies: total %r, %d items" % (doc.get("total"), len(items)))
    check(set(slugs(items)) == REMEDIES, "remedy slugs %r" % sorted(slugs(items)))
    details = {}
    for slug in slugs(items):
        r = s.get_json("/v1/remedies/" + slug)
        details[slug] = r
        has_fields(r, ("slug", "name", "summary", "description", "steps", "causes"), "remedy " + slug)
        check(r.get("slug") == slug, "remedy %s has slug %r" % (slug, r.get("slug")))
        check(isinstance(r.get("steps"), list) and len(r["steps"]) > 0 and all(isinstance(x, str) and x.strip()
                                                                                for x in r["steps"]),
              "remedy %s has non-empty steps" % slug)
        check(all(isinstance(c, str) and SLUG_RE.match(c) for c in r.get("causes", [])),
              "remedy %s causes are slugs: %r" % (slug, r.get("causes")))
    # one link, seen from both ends
    for cslug, c in causes.items():
        for rslug, r in details.items():
            check((rslug in c.get("remedies", [])) == (cslug in r.get("causes", [])),
                  "cause %s / remedy %s link is one-sided" % (cslug, rslug))

    d = s.get_json("/v1/remedies?cause=poor-posture")
    got = slugs(d.get("items", []))
    check("improve-posture" in got, "?cause=poor-posture gives improve-posture: %r" % got)
    for cslug, c in causes.items():
        d = s.get_json("/v1/remedies?cause=" + cslug)
        got = slugs(d.get("items", []))
        check(set(got) == set(c.get("remedies", [])) and d.get("total") == len(got),
              "?cause=%s: %r, wanted %r" % (cslug, got, c.get("remedies")))

    problem(s.get("/v1/remedies?cause=unknown-slug"), 422, "cause", "?cause=unknown-slug")
    for query, field in (("cause=BAD_SLUG", "cause"), ("cause=", "cause"), ("cause=a&cause=b", "cause"),
                         ("position=sitting", "position")):
        problem(s.get("/v1/remedies?" + query), 400, field, "/v1/remedies?" + query)


# ------------------------------------------------------------- 404 / 405

def test_not_found(s):
    for path in ("/v1/articles/no-such-article", "/v1/causes/no-such-cause", "/v1/remedies/no-such-remedy",
                 "/v1/causes/Poor-Posture", "/v1/causes/poor_posture", "/v1/causes/poor-posture/",
                 "/v1/causes/..%2F..%2Fetc", "/v1/causes/%27%3B%20DROP", "/v1/causes/%27%3B%20DROP%20TABLE%20causes",
                 "/v1/remedies/..%2F..%2F..%2Fetc%2Fpasswd", "/v1/articles/" + "a" * 300,
                 "/v1/causes/poor-posture%00", "/nope", "/v1", "/v1/", "/v2/articles", "/v1/articles/",
                 "/v1/causes/poor-posture/extra", "/V1/ARTICLES", "/v1/causes/caf%C3%A9"):
        st, h, b = get(s, path)
        if path.endswith("%00"):
            # a NUL can be refused as a bad target (400) or not found (404): never a 200 or 5xx
            check(st in (400, 404), "%s: %d" % (path, st))
            problem((st, h, b), st, None, path)
            continue
        problem((st, h, b), 404, None, path)
    # a path that does not decode to UTF-8 is a bad request that names the path
    for path in ("/nope%ff", "/v1/causes/%ff", "/v1/articles/%c3%28"):
        problem(get(s, path), 400, "path", path)


def test_methods(s):
    problem(s.request("DELETE", "/nope"), 404, None, "DELETE on an unknown path")
    paths = ("/v1/articles", "/v1/articles/" + ARTICLE, "/v1/causes", "/v1/causes/poor-posture", "/v1/remedies",
             "/v1/remedies/improve-posture", "/healthz", "/readyz")
    for path in paths:
        for method in ("DELETE", "PUT", "POST", "PATCH"):
            body = b"{}" if method in ("PUT", "POST", "PATCH") else None
            headers = {"Content-Type": "application/json"} if body else {}
            st, h, b = s.request(method, path, headers, body)
            problem((st, h, b), 405, None, "%s %s" % (method, path))
            allow = [m.strip() for m in h.get("allow", "").split(",") if m.strip()]
            check("GET" in allow and method not in allow, "%s %s: Allow %r" % (method, path, h.get("allow")))


# -------------------------------------------------------------- readiness

def test_health(s):
    st, _, _ = s.get("/healthz")
    check(st == 200, "/healthz: %d" % st)
    st, _, b = s.get("/readyz")
    check(st == 200, "/readyz when migrated: %d %r" % (st, b))


def test_empty_database():
    url = new_database("content_api_empty")
    with Server(url, ready=False) as s:
        st, _, _ = s.get("/healthz")
        check(st == 200, "/healthz without content: %d" % st)
        time.sleep(0.5)  # let the reloader look at the database at least once
        for _ in range(3):
            st, _, b = s.get("/readyz")
            check(st == 503, "/readyz without content: %d %r" % (st, b))
            time.sleep(0.2)
        for path in ("/v1/articles", "/v1/articles/" + ARTICLE, "/v1/causes", "/v1/causes/poor-posture",
                     "/v1/causes?position=sitting", "/v1/remedies", "/v1/remedies/improve-posture",
                     "/v1/articles?q=posture"):
            problem(s.get(path), 503, None, "without content: " + path)
        # content loaded while serving: ready without a restart
        migrate(url)
        s.wait_for(lambda: s.get("/readyz")[0] == 200, 10, "readyz 200 after migrate")
        d = s.get_json("/v1/articles")
        check(slugs(d.get("items", [])) == [ARTICLE], "content served after migrate: %r" % d)


# ---------------------------------------------------------- second article

def test_second_article():
    if not have_second_article():
        return
    d = copy_content()
    merge_second_article(d)
    with open(os.path.join(SECOND, "articles", "neck-stiffness.json")) as f:
        second = json.load(f)
    new_causes = {n[:-5] for n in os.listdir(os.path.join(SECOND, "causes"))}
    new_remedies = {n[:-5] for n in os.listdir(os.path.join(SECOND, "remedies"))}
    url = new_database("content_api_second")
    migrate(url, content=d)
    shutil.rmtree(d, ignore_errors=True)
    with Server(url) as s:
        doc = s.get_json("/v1/articles")
        check(doc.get("total") == 2 and set(slugs(doc.get("items", []))) == {ARTICLE, second["slug"]},
              "two articles: %r" % doc)
        one = s.get_json("/v1/articles?limit=1")
        two = s.get_json("/v1/articles?limit=1&offset=1")
        check(one.get("total") == 2 and two.get("total") == 2, "paged totals are 2")
        check(len(one.get("items", [])) == 1 and len(two.get("items", [])) == 1
              and slugs(one["items"]) != slugs(two["items"]), "limit=1 pages differ: %r %r" % (one, two))
        check(s.get_json("/v1/articles?offset=2").get("items") == [], "offset=2 is past the end")

        a = s.get_json("/v1/articles/" + second["slug"])
        check(a.get("title") == second["title"], "second article title %r" % a.get("title"))
        got_c = {c.get("slug") if isinstance(c, dict) else c for c in a.get("causes", [])}
        got_r = {r.get("slug") if isinstance(r, dict) else r for r in a.get("remedies", [])}
        check(got_c == set(second["causes"]), "second article causes %r" % got_c)
        check(got_r == set(second["remedies"]), "second article remedies %r" % got_r)
        check(len(a.get("sections", [])) == len(second["sections"]), "second article sections")
        check_when_to_get_help(s, a.get("when_to_get_help"))

        causes = s.get_json("/v1/causes")
        check(set(slugs(causes["items"])) == CAUSES | new_causes and causes["total"] == len(CAUSES | new_causes),
              "causes after the merge: %r" % sorted(slugs(causes["items"])))
        for slug in new_causes:
            c = s.get_json("/v1/causes/" + slug)
            check(c.get("slug") == slug, "new cause %s served" % slug)
            rem = s.get_json("/v1/remedies?cause=" + slug)
            check(set(slugs(rem["items"])) == set(c.get("remedies", [])), "remedies of new cause %s" % slug)
        remedies = s.get_json("/v1/remedies")
        check(set(slugs(remedies["items"])) == REMEDIES | new_remedies, "remedies after the merge: %r"
              % sorted(slugs(remedies["items"])))
        for slug in new_remedies:
            r = s.get_json("/v1/remedies/" + slug)
            check(r.get("slug") == slug and len(r.get("steps", [])) > 0, "new remedy %s served" % slug)
        hit = s.get_json("/v1/articles?q=neck")
        check(second["slug"] in slugs(hit.get("items", [])), "search finds the second article: %r" % hit)
        hit = s.get_json("/v1/articles?q=thoracic")
        check(slugs(hit.get("items", [])) == [ARTICLE], "q=thoracic still finds only the first: %r" % hit)


if __name__ == "__main__":
    with served_database("content_api") as srv:
        test_health(srv)
        test_article_list(srv)
        test_article_search(srv)
        test_article_list_errors(srv)
        test_article(srv)
        test_article_ldjson(srv)
        cause_map = test_causes(srv)
        test_cause_filters(srv, cause_map)
        test_remedies(srv, cause_map)
        test_not_found(srv)
        test_methods(srv)
    test_empty_database()
    test_second_article()
    done()
