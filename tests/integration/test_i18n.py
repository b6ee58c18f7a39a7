"""Countries and languages over HTTP (issue 15): every red flag names the right country's
services, in English and Spanish; no English left in Spanish answers; negotiation; cache
keys per language and country; Spanish search; the deployment's default country; the
loader refusing a broken Spanish file."""
import json
import os
import re
import shutil
import urllib.parse

import hh

# What a person in one country must never be told to do (content/README-i18n.md).
FORBIDDEN = {
    "US": re.compile(r"999|NHS|A&E|\bGP\b|\b111\b|physiotherap|nice\.org\.uk", re.I),
    "GB": re.compile(r"911|emergency room|urgent care|sala de emergencias", re.I),
}
NUMBER = {"GB": "999", "US": "911"}
LANGS = ("en", "es")
ARTICLE = "upper-middle-back-muscle-soreness"


SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def texts(x):
    """The texts a person reads: without citations (source, references: the clinical pages a
    rule comes from, which stay the same for every reader) and without slugs."""
    if isinstance(x, dict):
        return {k: texts(v) for k, v in x.items() if k not in ("source", "references", "citation", "id")}
    if isinstance(x, list):
        return [texts(v) for v in x if not (isinstance(v, str) and SLUG.match(v))]
    return x


def shown(x):
    """What a person reads or follows: the texts and the citations (a US reader must not be
    sent to an NHS page that says "call 999"), without ids, slugs and the ruleset_version (a hex
    digest may well contain "999")."""
    if isinstance(x, dict):
        return {k: shown(v) for k, v in x.items() if k not in ("id", "ruleset_version")}
    if isinstance(x, list):
        return [shown(v) for v in x if not (isinstance(v, str) and SLUG.match(v))]
    return x


def triage(s, query, headers=None):
    st, h, b = s.get("/v1/triage?" + query, headers)
    hh.check(st == 200, "GET /v1/triage?%s: %d %r" % (query, st, b[:200]))
    return h, (json.loads(b) if st == 200 else {})


def red_flags(s):
    d = s.get_json("/v1/symptoms")
    return [(i["code"], i["level"]) for i in d["items"] if i["category"] == "red_flag"]


def test_red_flags(s):
    """Every red flag, in every country and language: the right number, no other country's services."""
    flags = red_flags(s)
    hh.check(len(flags) >= 30, "at least 30 red flags: %d" % len(flags))
    for country in ("GB", "US"):
        for lang in LANGS:
            for code, level in flags:
                h, d = triage(s, "symptoms=%s&country=%s&lang=%s" % (code, country, lang))
                text = json.dumps(shown(d), ensure_ascii=False)
                tag = "%s %s %s" % (country, lang, code)
                hh.check(d.get("country") == country, "%s: country %r" % (tag, d.get("country")))
                hh.check(d.get("emergency_number") == NUMBER[country], "%s: emergency_number %r"
                         % (tag, d.get("emergency_number")))
                hh.check(h.get("content-language") == lang, "%s: Content-Language %r" % (tag, h.get("content-language")))
                bad = FORBIDDEN[country].search(text)
                hh.check(bad is None, "%s names another country's service %r: %s" % (tag, bad and bad.group(0), text[:300]))
                hh.check("{" not in text.replace('{"', "").replace("{}", ""), "%s: a placeholder left: %s" % (tag, text[:300]))
                flag = [f for f in d.get("red_flags", []) if f["code"] == code]
                if level == "emergency" and flag:
                    hh.check(NUMBER[country] in flag[0]["message"], "%s: the emergency message names %s: %r"
                             % (tag, NUMBER[country], flag[0]["message"]))
                if lang == "es":
                    hh.check(d.get("translation_review") == "pending", "%s: translation_review pending" % tag)
    # combinations say it too
    for country in ("GB", "US"):
        for lang in LANGS:
            h, d = triage(s, "symptoms=fever,immunosuppressed&country=%s&lang=%s" % (country, lang))
            combo = [f for f in d.get("red_flags", []) if f["code"] == "fever_with_infection_risk"]
            hh.check(bool(combo) and NUMBER[country] in combo[0]["message"],
                     "%s %s: the combination names %s: %r" % (country, lang, NUMBER[country], combo))


def cited(x, out):
    """Every {title, url} (or null source) cited anywhere in an answer."""
    if isinstance(x, dict):
        for k, v in x.items():
            if k in ("source", "references", "citation"):
                for ref in (v if isinstance(v, list) else [v]):
                    out.append(ref)
            else:
                cited(v, out)
    elif isinstance(x, list):
        for v in x:
            cited(v, out)
    return out


def test_citations(s):
    """Sources per country (API.md "Country and language"): a US answer cites US pages (or, where
    none supports the rule, nothing, never an NHS or NICE page); GB keeps the NHS/NICE sources."""
    causes = [c["slug"] for c in s.get_json("/v1/causes")["items"]]
    remedies = [r["slug"] for r in s.get_json("/v1/remedies")["items"]]
    paths = ["/v1/symptoms", "/v1/articles/" + ARTICLE] + ["/v1/causes/" + c for c in causes] + \
        ["/v1/remedies/" + r for r in remedies]
    uk = re.compile(r"nhs\.uk|nice\.org\.uk")
    for lang in LANGS:
        for path in paths:
            us = cited(s.get_json("%s?country=US&lang=%s" % (path, lang)), [])
            bad = [r for r in us if r is not None and uk.search(r.get("url", "") or r.get("@id", ""))]
            hh.check(not bad, "%s (US %s) cites a UK page: %r" % (path, lang, bad[:2]))
            for country in ("GB", "US"):  # every text and citation of articles, causes, remedies
                text = json.dumps(shown(s.get_json("%s?country=%s&lang=%s" % (path, country, lang))), ensure_ascii=False)
                bad = FORBIDDEN[country].search(text)
                hh.check(bad is None, "%s (%s %s) names another country's service %r" % (path, country, lang,
                                                                                       bad and bad.group(0)))
        st, h, b = s.get("/v1/articles/%s?country=US&lang=%s" % (ARTICLE, lang), {"Accept": "application/ld+json"})
        hh.check(st == 200 and not uk.search(b.decode()), "ld+json (US %s) cites no UK page" % lang)
        gb = s.get_json("/v1/symptoms?country=GB&lang=" + lang)
        us = s.get_json("/v1/symptoms?country=US&lang=" + lang)
        gbs = [i for i in gb["items"] if i["category"] == "red_flag"]
        hh.check(all(i["source"] and uk.search(i["source"]["url"]) for i in gbs), "GB cites NHS/NICE for every red flag")
        usl = {i["code"]: i["source"] for i in us["items"] if i["category"] == "red_flag"}
        hh.check(usl["chest_pain"]["url"].startswith("https://medlineplus.gov/"), "US chest_pain cites MedlinePlus: %r"
                 % usl["chest_pain"])
        hh.check(usl["no_clear_cause"] is None, "US no_clear_cause cites nothing (no US page supports it): %r"
                 % usl["no_clear_cause"])
        hh.check(gb["ruleset_version"] != us["ruleset_version"], "the citations are part of the ruleset_version")
        # the same in a triage answer and in the article's "when to get help"
        h, d = triage(s, "symptoms=no_clear_cause,chest_pain&country=US&lang=" + lang)
        src = {f["code"]: f["source"] for f in d.get("red_flags", [])}
        hh.check(src.get("no_clear_cause", 0) is None and "medlineplus" in (src.get("chest_pain") or {}).get("url", ""),
                 "US triage answer: %r" % src)
        help_ = s.get_json("/v1/articles/%s?country=US&lang=%s" % (ARTICLE, lang))["when_to_get_help"]
        urgent = {i["code"]: i["source"] for i in help_["urgent"]}
        hh.check(urgent.get("no_clear_cause", 0) is None, "US article: no_clear_cause cites nothing: %r"
                 % urgent.get("no_clear_cause"))


def test_safety_net(s):
    """Every level's advice names the emergency number, in every country and language (H7)."""
    for country in ("GB", "US"):
        for lang in LANGS:
            for query, level in (("symptoms=&age=30&duration_days=3", "self_care"),
                                 ("symptoms=getting_worse", "see_doctor"),
                                 ("symptoms=fever", "urgent"), ("symptoms=chest_pain", "emergency")):
                h, d = triage(s, "%s&country=%s&lang=%s" % (query, country, lang))
                tag = "%s %s %s" % (country, lang, level)
                hh.check(d.get("level") == level, "%s: level %r" % (tag, d.get("level")))
                hh.check(NUMBER[country] in d.get("advice", ""), "%s: the advice names %s: %r"
                         % (tag, NUMBER[country], d.get("advice")))
            h, d = triage(s, "symptoms=getting_worse&country=%s&lang=%s" % (country, lang))
            if country == "US":
                hh.check("insurance" in d["advice"] or "seguro" in d["advice"],
                         "%s %s: the see_doctor safety net is more than a nurse line: %r" % (country, lang, d["advice"]))
            h, d = triage(s, "symptoms=pain_breathing_in&country=%s&lang=%s" % (country, lang))
            msg = d["red_flags"][0]["message"] if d.get("red_flags") else ""
            if country == "US":
                hh.check("urgent care" not in msg and ("emergency room" in msg or "sala de emergencias" in msg),
                         "US %s: a possible clot goes to the doctor or the ER, not urgent care first: %r" % (lang, msg))


def strings(x, out):
    """Every string in a JSON document, but slugs, codes, URLs and dates."""
    if isinstance(x, dict):
        for k, v in x.items():
            if k not in ("slug", "code", "url", "reviewed_at", "next_review_due", "updated_at",
                         "ruleset_version", "translation_review", "level", "category"):
                strings(v, out)
    elif isinstance(x, list):
        for v in x:
            strings(v, out)
    elif isinstance(x, str):
        out.add(x)
    return out


def english_left(s, path):
    """Long strings of the Spanish answer that are identical in the English one (references aside)."""
    en = texts(s.get_json(path + ("&" if "?" in path else "?") + "lang=en"))
    es = texts(s.get_json(path + ("&" if "?" in path else "?") + "lang=es"))
    same = {t for t in strings(es, set()) & strings(en, set()) if len(t) >= 20}
    return es, same


def test_no_english_left(s):
    paths = ["/v1/articles/" + ARTICLE, "/v1/articles", "/v1/causes", "/v1/remedies", "/v1/symptoms"]
    causes = [c["slug"] for c in s.get_json("/v1/causes")["items"]]
    remedies = [r["slug"] for r in s.get_json("/v1/remedies")["items"]]
    paths += ["/v1/causes/" + c for c in causes] + ["/v1/remedies/" + r for r in remedies]
    for path in paths:
        for country in ("GB", "US"):
            es, same = english_left(s, path + "?country=" + country)
            hh.check(not same, "%s (%s): English left in the Spanish answer: %r" % (path, country, sorted(same)[:3]))
        st, h, _ = s.get(path + "?lang=es")
        hh.check(h.get("content-language") == "es", "%s?lang=es: Content-Language %r" % (path, h.get("content-language")))
    art = s.get_json("/v1/articles/%s?lang=es" % ARTICLE)
    hh.check(art.get("translation_review") == "pending", "the Spanish article says its review is pending")
    hh.check("translation_review" not in s.get_json("/v1/articles/" + ARTICLE), "English has no translation_review")
    st, h, b = s.get("/v1/articles/%s?lang=es&country=US" % ARTICLE, {"Accept": "application/ld+json"})
    ld = json.loads(b) if st == 200 else {}
    hh.check(ld.get("inLanguage") == "es-US", "ld+json inLanguage es-US: %r" % ld.get("inLanguage"))
    ld = s.get_json("/v1/articles/" + ARTICLE, {"Accept": "application/ld+json"})
    hh.check(ld.get("inLanguage") == "en-GB", "the default ld+json stays en-GB: %r" % ld.get("inLanguage"))


def lang_of(s, path, headers):
    st, h, b = s.get(path, headers)
    hh.check(st == 200, "GET %s %r: %d" % (path, headers, st))
    return h.get("content-language"), h


def test_negotiation(s):
    path = "/v1/causes/poor-posture"
    cases = [
        ({}, "en"),
        ({"Accept-Language": "es"}, "es"),
        ({"Accept-Language": "es-MX"}, "es"),
        ({"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}, "es"),
        ({"Accept-Language": "fr-CH, fr;q=0.9, es;q=0.5"}, "es"),
        ({"Accept-Language": "es;q=0.4, en;q=0.8"}, "en"),
        ({"Accept-Language": "*"}, "en"),
        ({"Accept-Language": "es;q=0, *"}, "en"),
        ({"Accept-Language": "fr"}, "en"),
        ({"Accept-Language": "de-DE"}, "en"),
    ]
    for headers, want in cases:
        got, h = lang_of(s, path, headers)
        hh.check(got == want, "%r: Content-Language %r, wanted %r" % (headers, got, want))
        hh.check("accept-language" in h.get("vary", "").lower(), "%r: Vary names Accept-Language: %r"
                 % (headers, h.get("vary")))
    got, _ = lang_of(s, path + "?lang=en", {"Accept-Language": "es"})
    hh.check(got == "en", "lang=en wins over Accept-Language: es (%r)" % got)
    got, _ = lang_of(s, path + "?lang=es", {"Accept-Language": "en"})
    hh.check(got == "es", "lang=es wins over Accept-Language: en (%r)" % got)
    es = s.get_json(path, {"Accept-Language": "es-MX"})
    hh.check(es == s.get_json(path + "?lang=es"), "es-MX is served the es text")
    # refusals name the parameter: 400 on content, 422 in triage
    for p, field in (("/v1/articles/%s?lang=fr" % ARTICLE, "lang"), ("/v1/causes?country=ZZ", "country"),
                     ("/v1/symptoms?country=XX", "country"), ("/v1/remedies/exercise?lang=EN", "lang")):
        st, h, b = s.get(p)
        errs = json.loads(b).get("errors", []) if b else []
        hh.check(st == 400 and any(e["field"] == field for e in errs), "%s: 400 naming %s: %d %r" % (p, field, st, b[:200]))
    for q, field in (("symptoms=fever&country=ZZ", "country"), ("symptoms=fever&lang=de", "lang")):
        st, h, b = s.get("/v1/triage?" + q)
        errs = json.loads(b).get("errors", []) if b else []
        hh.check(st == 422 and any(e["field"] == field for e in errs), "triage %s: 422 naming %s: %d %r" % (q, field, st, b[:200]))
    st, h, b = s.request("POST", "/v1/triage?country=ZZ", {"Content-Type": "application/json"}, b'{"symptoms":[]}')
    hh.check(st == 422, "POST triage with an unknown country: 422, got %d" % st)
    st, h, b = s.request("POST", "/v1/triage?country=US", {"Content-Type": "application/json", "Accept-Language": "es"},
                         b'{"symptoms":["chest_pain"]}')
    d = json.loads(b) if st == 200 else {}
    hh.check(st == 200 and d.get("emergency_number") == "911" and h.get("content-language") == "es",
             "POST triage in es for the US: %d %r %r" % (st, h.get("content-language"), d.get("emergency_number")))


def test_cache_keys(s):
    """ETags and surrogate keys differ per language and country; a 304 only for the same one."""
    path = "/v1/causes/poor-posture"
    seen = {}
    for q in ("", "?country=US", "?lang=es", "?lang=es&country=US"):
        st, h, _ = s.get(path + q)
        seen[q] = h
        hh.check(st == 200 and h.get("etag"), "%s%s: ETag" % (path, q))
    etags = [h.get("etag") for h in seen.values()]
    hh.check(len(set(etags)) == 4, "four ETags for four languages and countries: %r" % etags)
    st, _, _ = s.get(path + "?lang=es", {"If-None-Match": seen["?lang=es"]["etag"]})
    hh.check(st == 304, "es with its own ETag: 304, got %d" % st)
    st, _, _ = s.get(path + "?lang=es", {"If-None-Match": seen[""]["etag"]})
    hh.check(st == 200, "es with the English ETag: 200, got %d" % st)
    sk = seen["?lang=es&country=US"].get("surrogate-key", "")
    hh.check("lang/es" in sk.split() and "country/US" in sk.split() and "cause/poor-posture" in sk.split(),
             "a variant's Surrogate-Key names its language and country: %r" % sk)
    hh.check("lang/" not in seen[""].get("surrogate-key", ""), "the default keys are unchanged: %r"
             % seen[""].get("surrogate-key"))
    # a search kept in the LRU is kept per language
    a = s.get_json("/v1/causes?q=posture")
    b = s.get_json("/v1/causes?q=posture&country=US")
    hh.check(a.get("total") == b.get("total"), "the same search in two countries finds the same causes")


def test_search(s):
    q = urllib.parse.quote("dolor de espalda")
    d = s.get_json("/v1/articles?q=%s&lang=es" % q)
    slugs = [i["slug"] for i in d.get("items", [])]
    hh.check(ARTICLE in slugs, "Spanish search \"dolor de espalda\" finds the article: %r" % d)
    d = s.get_json("/v1/articles?q=%s&lang=es" % urllib.parse.quote("espalda"))
    hh.check(d.get("total", 0) >= 1 and d["items"][0]["title"] != s.get_json("/v1/articles")["items"][0]["title"],
             "a Spanish search answers with Spanish titles: %r" % d)
    d = s.get_json("/v1/causes?q=%s&lang=es" % urllib.parse.quote("postura"))
    hh.check("poor-posture" in [i["slug"] for i in d.get("items", [])], "Spanish cause search: %r" % d)
    d = s.get_json("/v1/articles?q=posture")
    hh.check(d.get("total", 0) >= 1, "English search unchanged: %r" % d)


def test_default_country(url):
    for args, env in ((["--country", "US"], None), ([], {"HH_COUNTRY": "US"})):
        with hh.Server(url, *args, env=env) as s:
            h, d = triage(s, "symptoms=chest_pain")
            hh.check(d.get("country") == "US" and d.get("emergency_number") == "911",
                     "%r %r: the deployment's default is the US: %r" % (args, env, d.get("country")))
            hh.check(FORBIDDEN["US"].search(json.dumps(texts(d))) is None, "a US default names no GB service")
            h, d = triage(s, "symptoms=chest_pain&country=GB")
            hh.check(d.get("emergency_number") == "999", "?country=GB still answers for GB")
    r = hh.run("serve", "--country", "gb", "--port", "0", "--database-url", url, timeout=20)
    hh.check(r.returncode != 0 and "country" in r.stdout + r.stderr, "--country gb is refused at start: %r"
             % (r.stdout + r.stderr)[-300:])


def next_question(s, country, lang):
    """The first screen after age of a triage answer with nothing else answered (the emergency signs)."""
    st, h, b = s.request("POST", "/v1/triage?country=%s&lang=%s" % (country, lang),
                         {"Content-Type": "application/json"}, b'{"symptoms":[],"age":30}')
    hh.check(st == 200, "POST triage %s %s: %d %r" % (country, lang, st, b[:200]))
    d = json.loads(b) if st == 200 else {}
    return h, d.get("next_question") or {}


def screen_texts(q):
    return [q.get("text")] + [i.get("text") for i in q.get("items", [])]


def test_interview(s):
    """The interview screens are translated: a Spanish answer's next_question has no English text."""
    for country in ("GB", "US"):
        _, en = next_question(s, country, "en")
        h, es = next_question(s, country, "es")
        hh.check(en.get("id") == "emergency_signs" and len(en.get("items", [])) >= 10,
                 "%s: the first screen in English: %r" % (country, en))
        hh.check(h.get("content-language") == "es", "%s: Content-Language %r" % (country, h.get("content-language")))
        hh.check(es.get("id") == en.get("id") and [i.get("code") for i in es.get("items", [])]
                 == [i.get("code") for i in en.get("items", [])], "%s: the same screen and codes in Spanish" % country)
        same = set(filter(None, screen_texts(es))) & set(filter(None, screen_texts(en)))
        hh.check(not same and all(screen_texts(es)), "%s: English left in the Spanish screen: %r" % (country, same))
        hh.check("¿" in es.get("text", ""), "%s: the Spanish question: %r" % (country, es.get("text")))


def test_loader_refuses(url):
    folder = hh.copy_content(languages=True)
    try:
        path = os.path.join(folder, "es", "causes", "poor-posture.json")
        hh.edit_json(path, lambda d: d.pop("description"))
        r = hh.migrate(url, content=folder, check=False)
        hh.check(r.returncode != 0 and "es/causes/poor-posture.json" in r.stderr and "description" in r.stderr,
                 "migrate refuses a Spanish file without a field, naming file and field: %r" % r.stderr[-300:])
        shutil.rmtree(folder)
        folder = hh.copy_content(languages=True)
        os.rename(os.path.join(folder, "es", "remedies", "exercise.json"),
                  os.path.join(folder, "es", "remedies", "exercises.json"))
        r = hh.migrate(url, content=folder, check=False)
        hh.check(r.returncode != 0 and "es/remedies/exercise" in r.stderr, "a Spanish slug mismatch is refused: %r"
                 % r.stderr[-300:])
        shutil.rmtree(folder)
        folder = hh.copy_content(languages=True)
        hh.edit_json(os.path.join(folder, "triage", "policy.json"),
                     lambda d: d["advice"].update(urgent="Call {emergencyy_number}."))
        r = hh.migrate(url, content=folder, check=False)
        hh.check(r.returncode != 0 and "triage/policy.json" in r.stderr and "{emergencyy_number}" in r.stderr,
                 "an unknown placeholder is refused, naming it: %r" % r.stderr[-300:])
        shutil.rmtree(folder)
        folder = hh.copy_content(languages=True)
        hh.edit_json(os.path.join(folder, "es", "triage", "interview.json"),
                     lambda d: d["questions"][1]["items"][0].pop("text"))
        r = hh.migrate(url, content=folder, check=False)
        hh.check(r.returncode != 0 and "es/triage/interview.json" in r.stderr
                 and "questions[1].items[0].text" in r.stderr,
                 "a Spanish screen item without its text is refused, naming file and field: %r" % r.stderr[-300:])
        shutil.rmtree(folder)
        folder = hh.copy_content(languages=True)
        hh.edit_json(os.path.join(folder, "es", "triage", "interview.json"),
                     lambda d: d["questions"][2].update(max=120))
        r = hh.migrate(url, content=folder, check=False)
        hh.check(r.returncode != 0 and "es/triage/interview.json" in r.stderr and "questions[2]" in r.stderr,
                 "a Spanish screen with other bounds is refused: %r" % r.stderr[-300:])
        shutil.rmtree(folder)
        folder = hh.copy_content(languages=True)
        os.remove(os.path.join(folder, "es", "triage", "interview.json"))
        r = hh.migrate(url, content=folder, check=False)
        hh.check(r.returncode != 0 and "es/triage/interview.json" in r.stderr,
                 "a Spanish version without its interview screens is refused: %r" % r.stderr[-300:])
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_reload(s):
    """A country's term or a Spanish text changed by migrate reaches the running server, and
    only where it belongs (each variant shares with its own previous answers only)."""
    folder = hh.copy_content(languages=True)
    try:
        hh.edit_json(os.path.join(folder, "countries", "US.json"),
                     lambda d: d["terms"]["en"].update(emergency_department="the ER"))
        hh.edit_json(os.path.join(folder, "es", "causes", "poor-posture.json"),
                     lambda d: d.update(summary=d["summary"] + " Cambiado por la prueba."))
        hh.edit_json(os.path.join(folder, "es", "triage", "interview.json"),
                     lambda d: d["questions"][1].update(text="¿Tiene ahora alguna de estas cosas?"))
        gb_before = s.get_json("/v1/triage?symptoms=chest_pain,major_trauma&country=GB")
        hh.migrate(s.url, content=folder)
        s.wait_for(lambda: "the ER" in json.dumps(s.get_json("/v1/triage?symptoms=major_trauma&country=US")), 20,
                   "the US term change served")
        s.wait_for(lambda: "Cambiado" in s.get_json("/v1/causes/poor-posture?lang=es")["summary"], 20,
                   "the Spanish change served")
        hh.check("Cambiado" in s.get_json("/v1/causes/poor-posture?lang=es&country=US")["summary"],
                 "the Spanish change is served for the US too")
        hh.check("Cambiado" not in s.get_json("/v1/causes/poor-posture")["summary"], "English unchanged")
        for country in ("GB", "US"):
            s.wait_for(lambda: next_question(s, country, "es")[1].get("text") == "¿Tiene ahora alguna de estas cosas?",
                       20, "the Spanish screen change served for %s" % country)
        hh.check(next_question(s, "GB", "en")[1].get("text", "").startswith("Do you have any of these?"),
                 "the English screen unchanged by a Spanish one")
        gb = s.get_json("/v1/triage?symptoms=chest_pain,major_trauma&country=GB")
        hh.check(gb.get("red_flags") == gb_before.get("red_flags"), "GB answers unchanged by a US term")
        hh.check("the ER" not in json.dumps(s.get_json("/v1/triage?symptoms=major_trauma&country=US&lang=es")),
                 "the English term does not leak into Spanish")
        # entities an incremental reload kept from the previous content still resolve per country
        for country in ("US", "GB"):
            for path in ("/v1/causes/injury", "/v1/remedies/consult-professional", "/v1/articles/" + ARTICLE):
                text = json.dumps(texts(s.get_json("%s?country=%s" % (path, country))), ensure_ascii=False)
                bad = FORBIDDEN[country].search(text)
                hh.check(bad is None and "{" not in text.replace('{"', "").replace("{}", ""),
                         "after a reload %s for %s names %r" % (path, country, bad and bad.group(0)))
        hh.check("the ER" in s.get_json("/v1/causes/injury?country=US")["see_doctor_if"],
                 "a kept cause shows the changed US term: %r" % s.get_json("/v1/causes/injury?country=US")["see_doctor_if"])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        hh.migrate(s.url)


def test_storage(url):
    def current(where):
        return ("SELECT count(*) FROM (SELECT DISTINCT ON (name, lang) body FROM documents WHERE %s"
                " ORDER BY name, lang, version DESC) AS d WHERE body IS NOT NULL" % where)
    rows = hh.psql(url, "SELECT name || ' ' || (body->>'emergency_number') FROM documents"
                        " WHERE kind = 'country' ORDER BY name").splitlines()
    hh.check(rows == ["country/GB 999", "country/US 911"], "countries stored as documents: %r" % rows)
    n = int(hh.psql(url, current("lang = 'es' AND kind <> 'triage' AND body->>'translation_review' = 'pending'")))
    hh.check(n >= 14, "the Spanish entities are stored, pending review: %d" % n)
    n = int(hh.psql(url, current("lang = 'es' AND kind = 'triage'"
                                 " AND body->'interview.json'->>'translation_review' = 'pending'")))
    hh.check(n == 1, "the Spanish interview screens are stored with the ruleset, pending review: %d" % n)
    terms = hh.psql(url, "SELECT count(*) FROM documents AS d, json_each(d.body->'terms') AS t"
                         " WHERE d.kind = 'country'")
    hh.check(int(terms) > 0, "every country's terms are in its document: %s" % terms)


def main():
    with hh.served_database("test_i18n") as s:
        test_storage(s.url)
        test_red_flags(s)
        test_citations(s)
        test_safety_net(s)
        test_no_english_left(s)
        test_negotiation(s)
        test_interview(s)
        test_cache_keys(s)
        test_search(s)
        test_loader_refuses(s.url)
        test_reload(s)
        hh.check(s.get("/healthz")[0] == 200, "alive")
    test_default_country(hh.migrated_database("test_i18n_default"))
    hh.done()


if __name__ == "__main__":
    main()
