"""A language that covers part of the library, over HTTP (API.md "Country and language").

An untranslated article, cause or remedy asked for in Spanish (?lang=es or Accept-Language)
is the English one, English throughout (its red flags and the names of its links too), and
says so: `Content-Language: en` and `"lang": "en"`, on the 200 and on the 304, in JSON and
ld+json (`inLanguage` en-GB). Its ETag is its own (not the English answer's, whose bytes
differ by `lang`), and it still says `Vary: Accept-Language`, so a shared cache keeps it
apart. An answer that mixes (a Spanish list, search, triage answer or article) is
`Content-Language: es`, the language of the answer, and each item in English carries
`"lang": "en"` ("List items carry `lang` where it differs from the answer's").
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hh  # noqa: E402
from hh import check  # noqa: E402

ARTICLE = "upper-middle-back-muscle-soreness"  # translated; links the untranslated cause injury
NEW = "neck-stiffness"  # the second-article fixture: English only, with its causes and remedies


def get(s, path, headers=None):
    st, h, b = s.get(path, headers)
    check(st == 200, "GET %s %r: %d %r" % (path, headers, st, b[:200]))
    return h, (json.loads(b) if st == 200 else {})


def untranslated(s, path, lang_headers):
    """The answer of an untranslated entity asked for in Spanish: the English one, said so."""
    en_h, en = get(s, path)
    h, d = get(s, *lang_headers)
    tag = str(lang_headers)
    check(h.get("content-language") == "en", "%s: Content-Language en, got %r" % (tag, h.get("content-language")))
    check(d.get("lang") == "en", "%s: \"lang\": \"en\" in the body, got %r" % (tag, d.get("lang")))
    check({k: v for k, v in d.items() if k != "lang"} == en, "%s: the English answer, English throughout" % tag)
    check("accept-language" in h.get("vary", "").lower(), "%s: Vary names Accept-Language: %r" % (tag, h.get("vary")))
    check(h.get("etag") and h.get("etag") != en_h.get("etag"), "%s: an ETag of its own: %r vs English %r"
          % (tag, h.get("etag"), en_h.get("etag")))
    check("lang/es" in h.get("surrogate-key", "").split(), "%s: a purge of lang/es reaches it: %r"
          % (tag, h.get("surrogate-key")))
    st, h304, _ = s.get(lang_headers[0], dict(lang_headers[1] if len(lang_headers) > 1 else {},
                                              **{"If-None-Match": h.get("etag", "")}))
    check(st == 304 and h304.get("content-language") == "en", "%s: the 304 says en too: %d %r"
          % (tag, st, h304.get("content-language")))
    return d


def test_items(s):
    for path in ("/v1/articles/" + NEW, "/v1/causes/injury", "/v1/causes/phone-neck", "/v1/remedies/neck-stretches"):
        untranslated(s, path, (path + "?lang=es",))
        untranslated(s, path, (path, {"Accept-Language": "es-MX,es;q=0.9"}))
    # another country: the English of that country
    h, d = get(s, "/v1/articles/%s?lang=es&country=US" % NEW)
    _, en_us = get(s, "/v1/articles/%s?country=US" % NEW)
    check(h.get("content-language") == "en" and d.get("lang") == "en"
          and d["when_to_get_help"] == en_us["when_to_get_help"],
          "es, US: the US English, its red flags too: %r" % h.get("content-language"))
    # the red flags of an untranslated article are the English ones, not the Spanish triage texts
    _, es = get(s, "/v1/articles/%s?lang=es" % ARTICLE)
    _, new_es = get(s, "/v1/articles/%s?lang=es" % NEW)
    check(new_es["when_to_get_help"] != es["when_to_get_help"], "an English article in a Spanish request has"
          " English red flags, not the Spanish ones")
    # ld+json
    st, h, b = s.get("/v1/articles/%s?lang=es" % NEW, {"Accept": "application/ld+json"})
    ld = json.loads(b) if st == 200 else {}
    check(st == 200 and h.get("content-language") == "en" and ld.get("inLanguage") == "en-GB",
          "ld+json of an untranslated article: en, inLanguage en-GB: %d %r %r"
          % (st, h.get("content-language"), ld.get("inLanguage")))
    st, h, b = s.get("/v1/articles/%s?lang=es" % ARTICLE, {"Accept": "application/ld+json"})
    check(st == 200 and h.get("content-language") == "es" and json.loads(b).get("inLanguage") == "es-GB",
          "ld+json of a translated article: es")


def test_mixed(s):
    """Answers that mix say the answer's language; the English items say theirs."""
    h, d = get(s, "/v1/articles/%s?lang=es" % ARTICLE)
    check(h.get("content-language") == "es" and "lang" not in d, "a translated article is es")
    links = {x["slug"]: x for x in d["causes"]}
    check(links.get("injury", {}).get("lang") == "en" and "lang" not in links.get("poor-posture", {"lang": 1}),
          "its link to the untranslated cause says lang en, the others none: %r" % d["causes"])
    for path in ("/v1/articles?lang=es", "/v1/causes?lang=es", "/v1/remedies?lang=es", "/v1/remedies?cause=phone-neck&lang=es",
                 "/v1/articles?q=neck&lang=es", "/v1/articles?q=espalda&lang=es", "/v1/causes?q=posture&lang=es"):
        h, d = get(s, path)
        check(h.get("content-language") == "es", "%s: a Spanish answer, Content-Language es: %r"
              % (path, h.get("content-language")))
        for i in d.get("items", []):
            english = i["slug"] in (NEW, "injury", "phone-neck", "awkward-sleeping-position", "neck-stretches",
                                    "pillow-support")
            check(i.get("lang") == ("en" if english else None), "%s: item %s lang %r" % (path, i["slug"], i.get("lang")))
    h, d = get(s, "/v1/triage?symptoms=previous_injury,worse_sitting&lang=es")
    check(h.get("content-language") == "es", "triage in Spanish: es")
    causes = {c["slug"]: c for c in d.get("likely_causes", [])}
    check(causes.get("injury", {}).get("lang") == "en", "an untranslated likely cause says lang en: %r" % causes)
    check(all("lang" not in c for k, c in causes.items() if k != "injury"), "translated likely causes say none")
    check(all(r.get("lang") is None for r in d.get("remedies", [])), "the remedies are translated: none says lang")
    h, d = get(s, "/v1/triage?symptoms=previous_injury")
    check(all("lang" not in c for c in d.get("likely_causes", [])), "an English triage answer has no lang")


def search_es(s, q):
    _, d = get(s, "/v1/articles?q=%s&lang=es" % q)
    return d, {i["slug"]: i for i in d.get("items", [])}


def test_search_untranslated(s, url, d):
    """A Spanish search finds an untranslated article by its English words and shows it in English;
    once translated, by its Spanish words; a stale translation is served, and found, in English."""
    page, items = search_es(s, "stiffness")
    check(NEW in items and items[NEW].get("lang") == "en", "es search finds the untranslated article by an"
          " English word, lang en: %r" % page)
    check(page.get("total") == len(page.get("items", [])) >= 1, "total counts it: %r" % page)
    _, d_c = get(s, "/v1/causes?q=sleeping&lang=es")
    check(d_c.get("items") and all(i.get("lang") == "en" for i in d_c["items"])
          and "awkward-sleeping-position" in [i["slug"] for i in d_c["items"]],
          "es search finds an untranslated cause by an English word: %r" % d_c)
    es = os.path.join(d, "es", "articles", NEW + ".json")
    with open(os.path.join(d, "articles", NEW + ".json")) as f:
        doc = json.load(f)
    doc.update(title="Rigidez de cuello", summary="Un cuello rígido (tortícolis) es frecuente.",
               alternate_names=["cuello rígido"], translation_review="pending")
    with open(es, "w") as f:
        json.dump(doc, f, indent=2)
    hh.migrate(url, content=d)
    s.wait_for(lambda: NEW in search_es(s, "torticolis")[1], 20, "the translation found by a Spanish word")
    page, items = search_es(s, "torticolis")
    check("lang" not in items[NEW] and page.get("total") == 1, "translated: no lang, total 1: %r" % page)
    # the English changes: the translation is stale, served (and so found) in English again
    hh.edit_json(os.path.join(d, "articles", NEW + ".json"), lambda a: a.update(title="Neck stiffness (stiff neck)"))
    hh.migrate(url, content=d)
    s.wait_for(lambda: NEW not in search_es(s, "torticolis")[1], 20, "a stale translation no longer found")
    page, items = search_es(s, "stiffness")
    check(items.get(NEW, {}).get("lang") == "en", "stale: found by its English words, lang en: %r" % page)
    os.remove(es)  # the rest of the test sees the library as before
    hh.migrate(url, content=d)


def test_history_and_pending(url, d):
    """`history` and `pending` list translations apart from the English texts."""
    hh.edit_json(os.path.join(d, "causes", "inactivity.json"), lambda c: c.update(summary="An English edit."))
    hh.edit_json(os.path.join(d, "es", "causes", "poor-posture.json"), lambda c: c.update(summary="Una edicion."))
    hh.migrate(url, content=d)
    r = hh.run("history", "--json", "--limit", "1", "--database-url", url)
    top = json.loads(r.stdout)[0] if r.returncode == 0 else {}
    check(top.get("changed") == "cause/inactivity" and top.get("translations") == "cause/poor-posture (es)",
          "history: the English change and the translation apart: %r" % top)
    r = hh.run("history", "--limit", "1", "--database-url", url)
    check("    changed: cause/inactivity\n    translations: cause/poor-posture (es)\n" in r.stdout,
          "history's text lists translations on a line of their own: %r" % r.stdout)
    r = hh.run("pending", "--database-url", url)
    head, _, tail = r.stdout.partition("translations:\n")
    check(head.startswith("content:\n") and "cause/inactivity@" in head and " --lang " not in head,
          "pending: the English texts first: %r" % head[:300])
    check("  cause/poor-posture@" in tail and all(l.endswith(" --lang es") for l in tail.splitlines()),
          "pending: then the translations, each with its --lang: %r" % tail[:300])


def main():
    if not hh.have_second_article():
        return
    url = hh.new_database("i18n_partial")
    d = hh.copy_content(languages=True)
    hh.merge_second_article(d)
    os.remove(os.path.join(d, "es", "causes", "injury.json"))
    hh.migrate(url, content=d)
    with hh.Server(url) as s:
        test_items(s)
        test_mixed(s)
        test_search_untranslated(s, url, d)
    test_history_and_pending(url, d)
    hh.done()


if __name__ == "__main__":
    main()
