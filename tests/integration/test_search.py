"""Search from memory (server/search.c): the same top 5 as PostgreSQL's ranking for the
committed queries (bench/search-queries.txt), snippets (plain text, code-point marks on the
matched words, resolved for the country), Spanish stemming, malformed queries never a 5xx."""
import json
import os
import urllib.parse

import hh

QUERIES = os.path.join(hh.SRC, "bench", "search-queries.txt")

# The ranking before the index: what server/db.c ran (websearch_to_tsquery, ts_rank_cd, ties by slug),
# over the vectors 0001_schema.sql derived, here derived from the current documents.
CURRENT = ("(SELECT DISTINCT ON (name) split_part(name, '/', 2) AS slug, body::jsonb AS b FROM documents"
           " WHERE kind = '%s' AND lang = 'en' ORDER BY name, version DESC)")
VECTOR = {
    "articles": "setweight(to_tsvector('english', b->>'title'), 'A') || setweight(to_tsvector('english',"
                " coalesce((SELECT string_agg(x, ' ') FROM jsonb_array_elements_text(b->'alternate_names') AS x),"
                " '')), 'A') || setweight(to_tsvector('english', b->>'summary'), 'B') ||"
                " setweight(to_tsvector('english', coalesce((SELECT string_agg((s->>'heading') || ' ' ||"
                " (s->>'body'), ' ') FROM jsonb_array_elements(b->'sections') AS s), '')), 'C')",
    "causes": "setweight(to_tsvector('english', b->>'name'), 'A') || setweight(to_tsvector('english',"
              " b->>'summary'), 'B') || setweight(to_tsvector('english', b->>'description'), 'C')",
}
PG = {kind: "WITH v AS (SELECT slug, " + VECTOR[kind] + " AS search FROM " + CURRENT % kind[:-1]
            + " AS d WHERE b IS NOT NULL)"
            " SELECT slug FROM v, websearch_to_tsquery('english', %s) AS q WHERE search @@ q"
            " ORDER BY ts_rank_cd(search, q) DESC, slug COLLATE \"C\" LIMIT 5"
      for kind in ("articles", "causes")}


def literal(s):
    return "'" + s.replace("'", "''") + "'"


def queries():
    with open(QUERIES, encoding="utf-8") as f:
        return [ln.strip() for ln in f if ln.strip() and not ln.startswith("#")]


def test_same_top5(s):
    differ = []
    for q in queries():
        for kind in ("articles", "causes"):
            want = [x for x in hh.psql(s.url, PG[kind] % literal(q)).splitlines() if x]
            got = s.get_json("/v1/%s?q=%s&limit=5" % (kind, urllib.parse.quote(q)))
            slugs = [i["slug"] for i in got["items"]]
            # the same five; their order may differ where ts_rank_cd tied (one mention each, then by
            # slug) and BM25 does not (it weighs how often and in how short a text)
            if sorted(slugs) != sorted(want):
                differ.append((kind, q, want, slugs))
    hh.check(not differ, "top 5 as PostgreSQL ranked them: %r" % differ)


def code_point_slice(text, a, b):
    return text[a:b]  # Python strings index code points


def check_snippet(hit, words, what):
    sn = hit.get("snippet")
    hh.check(isinstance(sn, dict) and isinstance(sn.get("text"), str) and sn["text"],
             "%s: a snippet with text: %r" % (what, hit))
    if not isinstance(sn, dict):
        return
    text = sn["text"]
    hh.check("<" not in text and ">" not in text and "\n" not in text, "%s: plain text: %r" % (what, text))
    hh.check(sn["marks"], "%s: marks: %r" % (what, sn))
    last = 0
    for a, b in sn["marks"]:
        hh.check(last <= a < b <= len(text), "%s: marks in order, inside the text: %r" % (what, sn))
        word = code_point_slice(text, a, b).lower()
        hh.check(any(word.startswith(w) for w in words), "%s: mark %r on a matched word: %r" % (what, word, words))
        last = b


def test_snippets(s):
    d = s.get_json("/v1/articles?q=shoulder+blades")
    hh.check(d["total"] == 1 and len(d["items"]) == 1, "one article: %r" % d)
    check_snippet(d["items"][0], ["shoulder", "blade"], "article snippet")
    d = s.get_json("/v1/causes?q=slouching")
    check_snippet(d["items"][0], ["slouch"], "cause snippet")
    hh.check(d["items"][0]["snippet"]["text"].startswith("Slouching"), "from the summary: %r" % d["items"][0])
    # resolved for the country: placeholders never show, the country's services do
    for country, want, never in (("GB", "GP", "{"), ("US", "doctor", "{")):
        d = s.get_json("/v1/causes?q=doctor&country=%s&limit=50" % country)
        texts = " ".join(i["snippet"]["text"] for i in d["items"])
        hh.check(never not in texts, "%s: no placeholder in snippets: %r" % (country, texts))
    # Spanish: "dolores" finds "dolor", marks on the Spanish words, accents counted as one code point
    d = s.get_json("/v1/causes?q=dolores&lang=es")
    hh.check(d["total"] >= 5, "Spanish stemming: dolores finds dolor: %r" % d["total"])
    for hit in d["items"]:
        check_snippet(hit, ["dolor"], "Spanish snippet")
    d = s.get_json("/v1/articles?q=%s&lang=es" % urllib.parse.quote("dolores de espalda"))
    hh.check(d["total"] == 1, "Spanish article: %r" % d)
    d2 = s.get_json("/v1/articles?q=%s&lang=es" % urllib.parse.quote("músculos"))
    d3 = s.get_json("/v1/articles?q=%s&lang=es" % urllib.parse.quote("musculos"))
    hh.check(d2["total"] == d3["total"] == 1, "accents folded: %r %r" % (d2["total"], d3["total"]))
    # no snippet outside search
    d = s.get_json("/v1/causes")
    hh.check(all("snippet" not in i for i in d["items"]), "a plain list has no snippets")


def test_malformed(s):
    for q in ['"', '""', 'NEAR(a b)', 'a* OR ^b', 'col:x', '-', 'or', 'and or not', '(((', '\\', "'", 'a"b"c',
              'back -', '"unclosed phrase', '-"back pain"', 'x' * 200]:
        st, _, b = s.get("/v1/articles?q=%s" % urllib.parse.quote(q))
        hh.check(st == 200, "q=%r: 200, got %d %r" % (q, st, b[:200]))
        if st == 200:
            d = json.loads(b)
            hh.check(d["total"] == len(d["items"]) or d["total"] > len(d["items"]), "q=%r: a list" % q)
    # exclusions work; exclusion alone matches nothing (there is no "everything but")
    d = s.get_json("/v1/causes?q=back+-posture&limit=50")
    hh.check(d["total"] > 0 and "poor-posture" not in [i["slug"] for i in d["items"]], "-posture: %r" % d)
    hh.check(s.get_json("/v1/causes?q=-posture")["total"] == 0, "exclusion alone: nothing")


def main():
    with hh.served_database("test_search") as s:
        test_same_top5(s)
        test_snippets(s)
        test_malformed(s)
    hh.done()


if __name__ == "__main__":
    main()
