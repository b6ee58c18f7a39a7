"""Triage over HTTP: the vocabulary, safety, every 4xx, and GET/POST agreement."""
import json
import os
import shutil

import hh

# The contract's codes and levels (API.md, "The symptom codes").
CONTRACT = {
    "emergency": ["chest_pain", "breathing_difficulty", "pain_spreading_arm_jaw", "sudden_tearing_pain",
                  "bladder_bowel_control_loss", "saddle_numbness", "leg_weakness_numbness", "major_trauma",
                  "coughing_blood", "fainting", "sweating_sick_dizzy"],
    "urgent": ["fever", "unexplained_weight_loss", "cancer_history", "night_pain", "worse_coughing_sneezing",
               "back_swelling_deformity", "osteoporosis_or_steroids", "immunosuppressed", "iv_drug_use",
               "pain_breathing_in", "abdominal_pain_vomiting", "yellow_skin_eyes", "pain_or_blood_peeing",
               "one_sided_rash", "arm_weakness"],
    "see_doctor": ["getting_worse", "stops_daily_activities", "arm_numbness_tingling", "known_spine_condition",
                   "widespread_pain_fatigue", "uneven_shoulders", "pregnant", "recent_spine_procedure"],
    "self_care": ["worse_sitting", "worse_standing", "worse_lying_down", "desk_slouching",
                  "after_lifting_or_exercise", "sudden_movement", "repetitive_tasks", "long_periods_still",
                  "stiff_improves_moving", "stress_tension", "weak_core", "previous_injury"],
}
RANK = {"self_care": 0, "see_doctor": 1, "urgent": 2, "emergency": 3}


def post(s, body, ctype="application/json"):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return s.request("POST", "/v1/triage", {"Content-Type": ctype}, data)


def answer(s, body):
    st, h, b = post(s, body)
    hh.check(st == 200, "POST %r: %d %r" % (body, st, b[:200]))
    return json.loads(b) if st == 200 else {}


def test_vocabulary(s):
    d = s.get_json("/v1/symptoms")
    items = {i["code"]: i for i in d.get("items", [])}
    hh.check(bool(d.get("ruleset_version")), "symptoms carry ruleset_version")
    for level, codes in CONTRACT.items():
        for code in codes:
            item = items.get(code)
            if not hh.check(item is not None, "contract code %s is in /v1/symptoms" % code):
                continue
            hh.check(item["level"] == level, "%s has level %s, wanted %s" % (code, item["level"], level))
            hh.check(item["category"] == ("pattern" if level == "self_care" else "red_flag"), "%s category" % code)
            hh.check(len(item.get("question", "")) > 5, "%s has a question" % code)
    # a red flag for some ages only says so (stored and read back by the server)
    hh.check(items.get("pregnant", {}).get("ages") == {"min": 12, "max": 55}, "pregnant has ages 12-55: %r"
             % items.get("pregnant", {}).get("ages"))
    hh.check("ages" not in items.get("fever", {}), "fever applies at every age")


def test_second_review_rules(s):
    """The rule kinds of the second clinical review, through the database and the server."""
    d = answer(s, {"symptoms": ["minor_fall_or_knock"], "age": 70})
    hh.check(d.get("level") == "urgent" and [r["code"] for r in d.get("rules", [])][:1] == ["minor_fall_older_age"],
             "a small fall at 70: urgent, the rule on age listed first: %r" % d.get("rules"))
    d = answer(s, {"symptoms": ["minor_fall_or_knock"], "age": 64})
    hh.check(d.get("level") == "see_doctor", "a small fall at 64: see_doctor: %r" % d.get("level"))
    d = answer(s, {"symptoms": ["getting_worse"], "age": 65})
    hh.check(d.get("level") == "see_doctor" and "duration_days" in d.get("unanswered", []),
             "65 and getting worse, days not given: the rule waits, days asked: %r" % d.get("unanswered"))
    d = answer(s, {"symptoms": ["getting_worse"], "age": 65, "duration_days": 7})
    hh.check(d.get("level") == "urgent", "65, getting worse, 7 days: urgent: %r" % d.get("level"))
    d = answer(s, {"symptoms": ["fever", "arm_weakness"]})
    hh.check(d.get("level") == "emergency" and d.get("red_flags", [{}])[0].get("code") == "fever_with_weakness",
             "fever with arm weakness: emergency: %r" % d.get("red_flags", [{}])[0])
    us = s.get_json("/v1/triage?symptoms=fever,pregnant&country=US")
    hh.check(us.get("level") == "urgent" and "911" in us.get("advice", "") and "999" not in us.get("advice", ""),
             "the US maternity route names 911, not 999: %r" % us.get("advice"))
    es = s.get_json("/v1/triage?symptoms=fever,pregnant&lang=es")
    hh.check(es.get("level") == "urgent" and "matrona" in es.get("advice", ""),
             "the Spanish maternity route: %r" % es.get("advice"))


def test_safety(s):
    patterns = CONTRACT["self_care"]
    for level in ("emergency", "urgent", "see_doctor"):
        for code in CONTRACT[level]:
            # a red flag hidden among every pattern still wins
            d = answer(s, {"symptoms": patterns[:6] + [code] + patterns[6:], "positions": ["sitting"],
                           "duration_days": 2, "age": 30})
            hh.check(d.get("level") == level, "%s among patterns: level %r, wanted %s" % (code, d.get("level"), level))
            flags = [f["code"] for f in d.get("red_flags", [])]
            hh.check(code in flags, "%s listed in red_flags: %r" % (code, flags))
            hh.check(bool(d.get("disclaimer")) and bool(d.get("advice")), "%s: disclaimer and advice" % code)
    d = answer(s, {"symptoms": ["worse_sitting", "desk_slouching"], "positions": ["sitting"], "region": "upper_back"})
    hh.check(d.get("level") == "self_care", "patterns alone are self care: %r" % d.get("level"))
    hh.check(d.get("likely_causes", [{}])[0].get("slug") == "poor-posture", "top cause: %r" % d.get("likely_causes"))
    scores = [c["score"] for c in d.get("likely_causes", [])]
    hh.check(scores == sorted(scores, reverse=True), "likely_causes ordered by score: %r" % scores)
    hh.check(any(r["slug"] == "improve-posture" for r in d.get("remedies", [])), "remedies: %r" % d.get("remedies"))
    for body, want in (({"symptoms": [], "duration_days": 27}, "self_care"),
                       ({"symptoms": [], "duration_days": 28}, "see_doctor"),
                       ({"symptoms": [], "age": 15}, "see_doctor"),
                       ({"symptoms": [], "age": 16}, "see_doctor"), ({"symptoms": [], "age": 19}, "see_doctor"), ({"symptoms": [], "age": 20}, "self_care"),
                       ({"symptoms": [], "age": 49}, "self_care"), ({"symptoms": [], "age": 50}, "see_doctor")):
        hh.check(answer(s, body).get("level") == want, "%r: wanted %s" % (body, want))


def test_agreement(s):
    cases = [
        ({"symptoms": ["worse_sitting", "desk_slouching"], "positions": ["sitting", "standing"],
          "region": "upper_back", "duration_days": 5, "age": 35},
         "symptoms=desk_slouching,worse_sitting&positions=standing,sitting&region=upper_back&duration_days=5&age=35"),
        ({"symptoms": ["fever", "stress_tension"]}, "symptoms=stress_tension,fever"),
        ({"symptoms": []}, "symptoms="),
    ]
    for body, query in cases:
        st, h, b = post(s, body)
        st2, h2, b2 = s.get("/v1/triage?" + query)
        hh.check(st == 200 and st2 == 200, "both answer 200: %d %d" % (st, st2))
        hh.check(b == b2, "GET and POST give the same bytes for %r:\n%r\n%r" % (body, b[:120], b2[:120]))
        hh.check(h.get("cache-control") == "no-store", "POST is no-store: %r" % h.get("cache-control"))
        hh.check("max-age" in h2.get("cache-control", "") and h2.get("etag"), "GET is cacheable: %r" % h2)


# API.md, "The symptom codes": combinations are rules too, listed in red_flags when they fire.
COMBINATIONS = {
    "cancer_with_limb_nerve_symptoms": (["cancer_history"],
                                        ["arm_numbness_tingling", "arm_weakness", "leg_weakness_numbness"]),
    "fever_with_infection_risk": (["fever"], ["immunosuppressed", "iv_drug_use", "recent_spine_procedure"]),
}


def test_combinations(s):
    level_of = {c: lv for lv, codes in CONTRACT.items() for c in codes}
    for combo, (all_of, any_of) in COMBINATIONS.items():
        for part in any_of:
            symptoms = ["desk_slouching"] + all_of + [part]
            query = "symptoms=%s&positions=sitting&age=40" % ",".join(reversed(symptoms))
            st, h, b = post(s, {"symptoms": symptoms, "positions": ["sitting"], "age": 40})
            st2, h2, b2 = s.get("/v1/triage?" + query)
            hh.check(st == 200 and st2 == 200, "%s: both answer 200: %d %d" % (combo, st, st2))
            hh.check(b == b2, "%s: GET and POST agree:\n%r\n%r" % (combo, b[:160], b2[:160]))
            d = json.loads(b) if st == 200 else {}
            hh.check(d.get("level") == "emergency", "%s + %s: level %r" % (combo, part, d.get("level")))
            flags = d.get("red_flags", [])
            first = flags[0] if flags else {}
            hh.check(first.get("code") == combo and first.get("level") == "emergency",
                     "%s listed first in red_flags: %r" % (combo, [f.get("code") for f in flags]))
            hh.check(len(first.get("message", "")) > 40 and first.get("source", {}).get("url", "").startswith("https://"),
                     "%s has its own message and source: %r" % (combo, first))
            hh.check({f.get("code") for f in flags} == {combo, part} | set(all_of),
                     "red_flags lists the combination and its parts: %r" % [f.get("code") for f in flags])
            hh.check(d.get("likely_causes") == [] and d.get("remedies") == [], "%s: no self-care at emergency" % combo)
        # the article's "when to get help" is built from the same rules, combinations included
        help_ = s.get_json("/v1/articles/upper-middle-back-muscle-soreness").get("when_to_get_help", {})
        listed = [i for i in help_.get("emergency", []) if i.get("code") == combo]
        hh.check(len(listed) == 1 and listed[0].get("message") == first.get("message"),
                 "when_to_get_help.emergency lists %s with the answer's message: %r" % (combo, listed))
        # each part alone keeps its own level, and nothing fires
        for part in all_of + any_of:
            d = answer(s, {"symptoms": [part, "worse_sitting"]})
            hh.check(d.get("level") == level_of[part], "%s alone: %r, wanted %s" % (part, d.get("level"), level_of[part]))
            hh.check([f.get("code") for f in d.get("red_flags", [])] == [part], "%s alone fires nothing else" % part)


def test_errors(s):
    # 422, naming every offending field
    st, h, b = post(s, {"symptoms": ["chest_pian", "fever", 7], "age": 200, "duration_days": 1.5,
                        "region": "lower_back", "positions": ["sleeping"], "colour": "red"})
    hh.is_problem(st, h, b, 422)
    fields = {e["field"] for e in json.loads(b).get("errors", [])} if st == 422 else set()
    for f in ("symptoms[0]", "symptoms[2]", "age", "duration_days", "region", "positions[0]", "colour"):
        hh.check(f in fields, "422 names %s: %r" % (f, fields))
    hh.check("chest_pian" in b.decode(), "the typo is quoted back: %r" % b[:300])
    hh.is_problem(*post(s, {}), 422, "symptoms")
    hh.is_problem(*post(s, [1, 2]), 422)
    hh.is_problem(*post(s, {"symptoms": ["fever"] * 65}), 422)
    hh.is_problem(*post(s, {"symptoms": [], "age": "40"}), 422, "age")
    # 400: not well-formed, or duplicate keys
    hh.is_problem(*post(s, b'{"symptoms": ['), 400)
    hh.is_problem(*post(s, b'{"symptoms": [], "symptoms": ["chest_pain"]}'), 400)
    hh.is_problem(*post(s, b'{"symptoms": ["\xff"]}'), 400)
    hh.is_problem(*post(s, b''), 400)
    # 415: not JSON
    hh.is_problem(*post(s, b'symptoms=fever', "application/x-www-form-urlencoded"), 415)
    hh.is_problem(*s.request("POST", "/v1/triage", {}, b'{"symptoms": []}'), 415)
    # 413: over 16 KiB, by Content-Length and chunked
    big = json.dumps({"symptoms": [], "pad": "x" * 17000}).encode()
    hh.is_problem(*post(s, big), 413)
    raw = (b"POST /v1/triage HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
           b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
    for i in range(20):
        raw += b"400\r\n" + b" " * 1024 + b"\r\n"
    raw += b"0\r\n\r\n"
    resp = hh.raw_request(s.port, raw)
    hh.check(resp.startswith(b"HTTP/1.1 413"), "chunked body over the limit: %r" % resp[:60])
    # GET: the same validation as POST
    hh.is_problem(*s.get("/v1/triage?symptoms=chest_pian"), 422, "symptoms[0]")
    hh.is_problem(*s.get("/v1/triage?age=40"), 422, "symptoms")
    hh.is_problem(*s.get("/v1/triage?symptoms=fever&symptoms=chest_pain"), 422)
    hh.is_problem(*s.request("PUT", "/v1/triage", {"Content-Type": "application/json"}, b"{}"), 405)


# API.md, "Guided interview": absent and unknown answers, and what is still worth asking.
def run_interview(s, has, age=30, days=5, limit=12):
    """Answers next_question until there is none, as an app would; returns (answer, required screens)."""
    body = {"symptoms": [], "absent": [], "unknown": []}
    required = 0
    for _ in range(limit):
        d = answer(s, body)
        q = d.get("next_question")
        if q is None or not q.get("required"):
            return d, required
        required += 1
        hh.check(d.get("complete") is False, "a required question only while incomplete: %r" % q.get("id"))
        if q["type"] == "integer":
            body[q["field"]] = age if q["field"] == "age" else days
            hh.check(q["min"] == 0 and q["max"] in (130, 36500), "integer bounds: %r" % q)
            continue
        for item in q["items"]:
            hh.check(item.get("text") and item.get("code"), "an item has a code and a text: %r" % item)
            body["symptoms" if item["code"] in has else "absent"].append(item["code"])
    hh.check(False, "the interview ended within %d screens" % limit)
    return {}, required


def test_interview(s):
    vocab = s.get_json("/v1/symptoms").get("items", [])
    flags = {lv: [i["code"] for i in vocab if i["level"] == lv and i["category"] == "red_flag"]
             for lv in ("emergency", "urgent", "see_doctor")}
    # symptoms alone: nothing else is taken as answered
    d = answer(s, {"symptoms": []})
    hh.check(d.get("level") == "self_care" and d.get("complete") is False, "nothing asked is not complete: %r" % d.get("complete"))
    q = d.get("next_question") or {}
    # age first: it decides which questions apply (a child under 5, the ages of pregnancy)
    hh.check(q.get("id") == "age" and q.get("type") == "integer" and q.get("required") is True,
             "age comes first: %r" % q)
    q = answer(s, {"symptoms": [], "age": 30}).get("next_question") or {}
    hh.check(q.get("id") == "emergency_signs" and q.get("type") == "each" and q.get("required") is True,
             "then the emergency signs, each answered yes, no or I don't know: %r" % q)
    hh.check(q.get("text", "").startswith("Do you have any of these?"), "the screen text: %r" % q.get("text"))
    hh.check([i["code"] for i in q.get("items", [])] == flags["emergency"], "every emergency sign on it, in order")
    hh.check(set(d.get("unanswered", [])) >= set(CONTRACT["emergency"] + CONTRACT["urgent"]) | {"age", "duration_days"},
             "unanswered lists the flags and numbers: %r" % d.get("unanswered"))
    hh.check(d.get("uncertain") == [], "nothing uncertain yet")
    # one screen of saddle numbness: emergency, complete, nothing more to ask
    d = answer(s, {"symptoms": ["saddle_numbness"], "absent": [c for c in flags["emergency"] if c != "saddle_numbness"]})
    hh.check(d.get("level") == "emergency" and d.get("complete") is True and d.get("next_question") is None,
             "saddle numbness: emergency and complete: %r" % {k: d.get(k) for k in ("level", "complete", "unanswered")})
    # a desk worker answering no to everything: complete self_care within 6 screens, then optional patterns
    d, n = run_interview(s, set())
    hh.check(d.get("level") == "self_care" and d.get("complete") is True and n <= 6,
             "all no: complete self_care after %d screens: %r" % (n, d.get("level")))
    q = d.get("next_question") or {}
    hh.check(q.get("id") == "patterns" and q.get("required") is False, "patterns are optional after: %r" % q.get("id"))
    # fever yes makes its infection-risk partners emergency questions (H-09), even at see_doctor level
    d, n = run_interview(s, {"fever"})
    hh.check(d.get("level") == "urgent" and d.get("complete") is True and n <= 6, "fever: urgent, complete, %d screens" % n)
    d = answer(s, {"symptoms": ["fever"], "absent": flags["emergency"] + [c for c in flags["urgent"] if c != "fever"]})
    # ... and pregnancy, which would change the care route at urgent (the maternity route)
    hh.check(d.get("complete") is False and d.get("unanswered") == ["recent_spine_procedure", "pregnant"],
             "fever leaves recent_spine_procedure and pregnant open: %r" % d.get("unanswered"))
    hh.check([i["code"] for i in (d.get("next_question") or {}).get("items", [])] == ["pregnant", "recent_spine_procedure"],
             "and asks them: %r" % d.get("next_question"))
    d = answer(s, {"symptoms": ["fever", "pregnant"], "absent": flags["emergency"] + [c for c in flags["urgent"] if c != "fever"]
                   + ["recent_spine_procedure"], "age": 30})
    hh.check(d.get("level") == "urgent" and d.get("complete") is True
             and any(r.get("code") == "pregnant_with_urgent_sign" for r in d.get("rules", []))
             and "maternity unit" in d.get("advice", ""),
             "pregnant with fever: urgent, the maternity route: %r" % {k: d.get(k) for k in ("level", "advice", "rules")})
    # "I don't know" is never a no: incomplete, listed in uncertain with what to do
    body = {"symptoms": [], "absent": [c for c in flags["emergency"] if c != "chest_pain"] + flags["urgent"]
            + flags["see_doctor"], "unknown": ["chest_pain"], "age": 30, "duration_days": 3}
    d = answer(s, body)
    # at least urgent (speak to someone now), and still open
    hh.check(d.get("level") == "urgent" and d.get("complete") is False and d.get("unanswered") == ["chest_pain"],
             "unknown chest pain: urgent, and it stays open: %r" % {k: d.get(k) for k in ("level", "unanswered")})
    hh.check([r.get("code") for r in d.get("rules", [])] == ["unsure_of_emergency_sign"],
             "the floor is listed in rules: %r" % d.get("rules"))
    u = d.get("uncertain", [])
    hh.check(len(u) == 1 and u[0].get("code") == "chest_pain" and u[0].get("level") == "emergency"
             and "999" in u[0].get("message", ""), "uncertain says what to do: %r" % u)
    hh.check(d.get("next_question") is None, "an unknown is not asked again: %r" % d.get("next_question"))
    # GET and POST agree; the order of codes does not matter to the answer or its cache key
    st, h, b = post(s, body)
    query = ("symptoms=&absent=%s&unknown=chest_pain&age=30&duration_days=3" % ",".join(reversed(body["absent"])))
    st2, h2, b2 = s.get("/v1/triage?" + query)
    hh.check(st == 200 and st2 == 200 and b == b2, "GET and POST with absent/unknown agree:\n%r\n%r" % (b[:120], b2[:120]))
    st3, h3, b3 = s.get("/v1/triage?" + query.replace("absent=%s" % ",".join(reversed(body["absent"])),
                                                           "absent=%s" % ",".join(body["absent"])))
    hh.check(b3 == b2 and h3.get("etag") == h2.get("etag"), "code order does not change the GET answer or ETag")
    st4, h4, b4 = s.get("/v1/triage?symptoms=&age=30&duration_days=3")
    hh.check(h4.get("etag") != h2.get("etag"), "absent/unknown are part of the cache key")
    # the 422s: a code in two lists, a list that is not a list, an unknown code in any list, out-of-range numbers
    st, h, b = post(s, {"symptoms": ["fever"], "absent": ["fever", "chest_pian"], "unknown": "chest_pain", "age": 131})
    hh.is_problem(st, h, b, 422)
    errs = {e["field"]: e["message"] for e in json.loads(b).get("errors", [])} if st == 422 else {}
    for f in ("absent[0]", "absent[1]", "unknown", "age"):
        hh.check(f in errs, "422 names %s: %r" % (f, errs))
    hh.check("fever" in errs.get("absent[0]", ""), "the code in two lists is named: %r" % errs.get("absent[0]"))
    hh.is_problem(*post(s, {"symptoms": [], "unknown": ["chest_pain", "chest_pain"]}), 422, "unknown[1]")
    hh.is_problem(*post(s, {"symptoms": [], "absent": [], "unknown": ["nope"]}), 422, "unknown[0]")
    hh.is_problem(*s.get("/v1/triage?symptoms=fever&unknown=fever"), 422, "unknown[0]")
    hh.is_problem(*s.get("/v1/triage?symptoms=&absent=x_y"), 422, "absent[0]")
    hh.is_problem(*s.get("/v1/triage?symptoms=&duration_days=36501"), 422, "duration_days")


def test_interview_content(s):
    """interview.json goes through migrate like every rule: planned, stored, served live, versioned."""
    folder = hh.copy_content()
    try:
        before = answer(s, {"symptoms": []})
        path = os.path.join(folder, "triage", "interview.json")
        hh.edit_json(path, lambda doc: doc["questions"][1].update(text="Do you have any of these now?"))
        r = hh.migrate(s.url, "--dry-run", content=folder)
        hh.check("triage changed: triage" in r.stdout and "interview.json.questions[1].text: " in r.stdout
                 and "these now?" in r.stdout, "dry run shows the question's changed text: %r" % r.stdout[-400:])
        hh.migrate(s.url, content=folder)
        ok = hh.poll(lambda: answer(s, {"symptoms": [], "age": 30}).get("next_question", {}).get("text")
                     == "Do you have any of these now?", 10)
        hh.check(ok, "the new screen text is served after migrate")
        after = answer(s, {"symptoms": []})
        hh.check(after.get("ruleset_version") != before.get("ruleset_version"), "the interview is part of ruleset_version")
        # a red flag on no screen is refused, with the file and field, and nothing changes
        hh.edit_json(path, lambda doc: doc["questions"][2]["items"].pop(0))
        r = hh.migrate(s.url, content=folder, check=False)
        hh.check(r.returncode != 0 and "triage/interview.json" in r.stderr and '"fever" is on no question' in r.stderr,
                 "migrate refuses a red flag on no screen: %r" % r.stderr[-400:])
        hh.check(answer(s, {"symptoms": []}).get("ruleset_version") == after.get("ruleset_version"),
                 "a refused migrate changes nothing")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        hh.migrate(s.url)


def main():
    with hh.served_database("test_triage_api") as s:
        test_vocabulary(s)
        test_second_review_rules(s)
        test_safety(s)
        test_agreement(s)
        test_combinations(s)
        test_errors(s)
        test_interview(s)
        test_interview_content(s)
        hh.check(s.get("/healthz")[0] == 200, "alive after the errors")
    hh.done()


if __name__ == "__main__":
    main()
