"""POST /v1/triage/parse (API.md "Free text") against a real server and database.

What it reads is a valid triage request (POST /v1/triage accepts it as it is); bad bodies are
400, 413, 415 or 422 as the contract says; the language comes from the body, then ?lang=, then
Accept-Language; words differ by country; and the text never shows in the server's log (access
lines, errors), in /metrics, or in any answer but its own."""
import json

import hh

PARSE = "/v1/triage/parse"
SECRET = "Zebraquux"  # a word no log line could hold by chance
JSON = {"Content-Type": "application/json"}


def post(s, body, path=PARSE, headers=None):
    h = dict(JSON)
    h.update(headers or {})
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return s.request("POST", path, h, data)


def parsed(s, body, path=PARSE, headers=None):
    st, h, b = post(s, body, path, headers)
    hh.check(st == 200, "parse (%d bytes): %d %r" % (len(json.dumps(body)), st, b[:300]))
    hh.check(h.get("cache-control") == "no-store", "parse answers are never cached: %r" % h.get("cache-control"))
    return json.loads(b), h


def test_reads_and_triage_accepts(s):
    text = ("%s here, 45 y/o, dull ache between my shoulder blades for 2 wks, worse at my desk, "
            "no fever but my legs feel a bit numb" % SECRET)
    a, h = parsed(s, {"text": text})
    req = a["request"]
    hh.check(req.get("age") == 45 and req.get("duration_days") == 14, "numbers: %r" % req)
    hh.check(req.get("region") == "upper_back" and req.get("positions") == ["sitting"], "where: %r" % req)
    hh.check("leg_weakness_numbness" in req["symptoms"] and "worse_sitting" in req["symptoms"], "codes: %r" % req)
    hh.check("fever" not in req.get("absent", []), "a denied red flag is never absent: %r" % req)
    fever = [m for m in a["mentions"] if m.get("code") == "fever"]
    hh.check(fever and fever[0]["status"] == "denied", "the denial is a mention: %r" % a["mentions"])
    for m in a["mentions"]:
        hh.check(text[m["start"]:m["end"]] == m["text"], "offsets are code points: %r" % m)
    # accents, emoji and mentions that overlap (a duration inside a code's words): each
    # mention's text is where its offsets say, however many bytes the code points before take
    es = ("Tengo 68 años 😟 y desde hace dos semanas me duele la espalda, ¿fiebre? no. "
          "Me cuesta orinar y noto los genitales dormidos; ayer me caí en la ducha 🚿, "
          "dolor muy fuerte de repente entre los omóplatos")
    b, _ = parsed(s, {"text": es, "lang": "es"})
    hh.check(len(b["mentions"]) >= 5, "the Spanish text is read: %r" % b["mentions"])
    for m in b["mentions"]:
        hh.check(es[m["start"]:m["end"]] == m["text"], "offsets are code points past emoji: %r" % m)
    hh.check(a["lang"] == "en" and h.get("content-language") == "en", "English by default")
    st, h2, b = post(s, req, "/v1/triage")
    hh.check(st == 200, "/v1/triage takes the request as it is: %d %r" % (st, b[:300]))
    hh.check(json.loads(b)["ruleset_version"] == a["ruleset_version"], "one ruleset version for both")
    hh.check(json.loads(b)["level"] == "emergency", "numb legs are an emergency")
    # hedged and nothing at all
    a, _ = parsed(s, {"text": "maybe a temperature? not sure"})
    hh.check(a["request"].get("unknown") == ["fever"], "a hedge is unknown: %r" % a["request"])
    a, _ = parsed(s, {"text": "hello 👋 <b>how are you</b>"})
    hh.check(a["request"] == {"symptoms": []} and a["mentions"] == [], "nothing codeable: %r" % a)
    st, _, b = post(s, a["request"], "/v1/triage")
    hh.check(st == 200, "an empty request is valid too: %d" % st)


def test_language_and_country(s):
    es = "tengo 68 años, %s, no tengo fiebre pero me duele el pecho desde hace quince días" % SECRET
    a, h = parsed(s, {"text": es, "lang": "es"}, PARSE + "?lang=en")
    hh.check(a["lang"] == "es" and h.get("content-language") == "es", "the body's lang wins: %r" % a["lang"])
    hh.check(a["request"].get("age") == 68 and a["request"].get("duration_days") == 15, "%r" % a["request"])
    hh.check("chest_pain" in a["request"]["symptoms"], "%r" % a["request"])
    a, _ = parsed(s, {"text": es}, PARSE + "?lang=es")
    hh.check(a["lang"] == "es", "then ?lang=")
    a, _ = parsed(s, {"text": es}, headers={"Accept-Language": "es-MX,es;q=0.9"})
    hh.check(a["lang"] == "es", "then Accept-Language")
    sick = {"text": "I've been feeling sick since the pain started"}
    gb, _ = parsed(s, sick, PARSE + "?country=GB")
    us, _ = parsed(s, sick, PARSE + "?country=US")
    hh.check("sweating_sick_dizzy" in gb["request"]["symptoms"], "GB: feeling sick is nausea: %r" % gb["request"])
    hh.check("sweating_sick_dizzy" not in us["request"]["symptoms"], "US: it is illness: %r" % us["request"])
    hh.check(gb.get("country") == "GB" and us.get("country") == "US", "the answer names its country")


def test_bad_bodies(s):
    def problem(resp, status, field=None):
        st, h, b = resp
        hh.is_problem(st, h, b, status)
        if field is not None:
            fields = [e.get("field") for e in json.loads(b).get("errors", [])]
            hh.check(field in fields, "%d names %s: %r" % (status, field, fields))
        hh.check(SECRET.lower() not in b.decode("utf-8", "replace").lower(), "no problem quotes the text")
    problem(post(s, {"text": "é" * 4001}), 413)
    problem(post(s, {"text": SECRET + " " + "x" * 70000}), 413)
    a, _ = parsed(s, {"text": "🙂" * 3980 + " chest pain"})  # 48 KB of body (\\ud83d...): over the default limit, under this one
    hh.check("chest_pain" in a["request"]["symptoms"], "a long text is read to its end")
    problem(post(s, {"text": 42}), 422, "text")
    problem(post(s, {"text": None}), 422, "text")
    problem(post(s, {"lang": "en"}), 422, "text")
    problem(post(s, {"text": SECRET, "lang": "fr"}), 422, "lang")
    problem(post(s, {"text": SECRET, "symptoms": []}), 422, "symptoms")
    problem(post(s, {"text": SECRET}, PARSE + "?lang=fr"), 422, "lang")
    problem(post(s, {"text": SECRET}, PARSE + "?country=ZZ"), 422, "country")
    problem(post(s, [SECRET]), 422, "body")
    problem(post(s, ('{"text": "%s' % SECRET).encode()), 400)
    problem(post(s, ('{"text": "%s", "text": "x"}' % SECRET).encode()), 400)
    problem(post(s, ('text=%s' % SECRET).encode(), headers={"Content-Type": "text/plain"}), 415)
    st, h, _ = s.request("GET", PARSE)
    hh.check(st == 405 and "POST" in h.get("allow", ""), "GET is 405 with Allow: %d %r" % (st, h.get("allow")))


def main():
    url = hh.new_database("test_triage_parse")
    hh.migrate(url)
    with hh.Server(url) as s:
        test_reads_and_triage_accepts(s)
        test_language_and_country(s)
        test_bad_bodies(s)
        st, _, metrics = s.get("/metrics")
        hh.check(st == 200 and SECRET.lower() not in metrics.decode().lower(), "no metric label holds the text")
        hh.check(b"/v1/triage/parse" in metrics, "the route is counted")
        lines = list(s.lines)
    hh.check(any("/v1/triage/parse" in l for l in lines), "parse requests are logged (by route)")
    leaked = [l for l in lines if SECRET.lower() in l.lower() or "shoulder blades" in l]
    hh.check(not leaked, "the text is never logged: %r" % leaked[:3])
    hh.done()


if __name__ == "__main__":
    main()
