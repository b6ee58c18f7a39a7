/*
 * triage.h - the triage engine: request validation and rule evaluation into
 * a plain result struct, as pure functions over a struct hh_content (no I/O,
 * no database, no JSON output: render.h writes the answer), so the same
 * code answers GET and POST and runs in unit tests and fuzzers.
 *
 * The rules are content (content/triage/symptoms.json and policy.json); docs/clinical-policy.md
 * explains them. In short:
 *   - the level is the highest level of any reported red flag, fired
 *     rule (on age, duration_days, or an "I don't know" to an emergency
 *     sign) or fired combination rule, self_care when none fires (a
 *     combination can only raise it);
 *   - a route rule raises nothing: at its level, its route replaces the
 *     advice (pregnant with an urgent sign: the maternity route);
 *   - a red flag with ages is, outside them, not asked and any answer but
 *     yes counts as no;
 *   - patterns (and positions, which stand for the worse_sitting,
 *     worse_standing and worse_lying_down patterns) only rank causes;
 *   - a cause's score is the mean of its weights over the matched patterns,
 *     divided by 100 (0..1); causes are ordered by score, then slug;
 *   - at urgent and emergency levels no causes or self-care remedies are
 *     listed: the only advice is to get help.
 *
 * Every pointer in the input and result is borrowed from the content, which
 * must outlive them.
 */
#ifndef HEALTHHUB_TRIAGE_H
#define HEALTHHUB_TRIAGE_H

#include <stddef.h>

#include "healthhub/common.h"
#include "healthhub/content.h"
#include "healthhub/error.h"
#include "healthhub/interview.h"

#define HH_TRIAGE_MAX_SYMPTOMS 64 /* codes per list (symptoms, absent, unknown); more is a 422 */
#define HH_TRIAGE_MAX_RULES 16    /* fired rules reported (all still count for the level) */
#define HH_TRIAGE_MAX_COMBINATIONS \
	32 /* combination rules in a policy (the loader's bound), so every one that fires is listed */
#define HH_TRIAGE_MAX_CAUSES 16   /* upper bound on policy.max_causes */
#define HH_TRIAGE_MAX_REMEDIES 16 /* upper bound on policy.max_remedies */
#define HH_TRIAGE_MAX_DEPTH 8     /* JSON nesting accepted before parsing (2 is needed) */
#define HH_TRIAGE_KEY_MAX 80      /* a key buffer this size always holds the digest form */

/*
 * The largest age and duration_days a request may give (both from 0). A
 * policy rule tests one of these numbers, so the loader holds its min and
 * max to the same range: a rule no request can reach is refused.
 */
#define HH_TRIAGE_AGE_MAX 130
#define HH_TRIAGE_DURATION_DAYS_MAX 36500

/*
 * A request: what the person answered yes (symptoms), no (absent) and
 * "I don't know" (unknown) to. A code is in at most one of the three lists;
 * a code in none was not asked (API.md "Guided interview").
 */
struct hh_triage_input {
	const struct hh_symptom *symptoms[HH_TRIAGE_MAX_SYMPTOMS]; /* borrowed; no duplicates */
	size_t n_symptoms;
	const struct hh_symptom *absent[HH_TRIAGE_MAX_SYMPTOMS]; /* answered no; borrowed */
	size_t n_absent;
	const struct hh_symptom *unknown[HH_TRIAGE_MAX_SYMPTOMS]; /* answered "I don't know"; borrowed */
	size_t n_unknown;
	unsigned positions;      /* enum hh_position bits */
	unsigned region;         /* one enum hh_region bit or 0 */
	long long duration_days; /* -1 when absent */
	long long age;           /* -1 when absent */
};

struct hh_triage_cause {
	const struct hh_cause *cause;                /* borrowed */
	double score;                                /* 0..1 */
	const char *matched[HH_TRIAGE_MAX_SYMPTOMS]; /* pattern codes, content order */
	size_t n_matched;
};

struct hh_triage_result {
	enum hh_level level;
	const struct hh_symptom *red_flags[HH_TRIAGE_MAX_SYMPTOMS]; /* level desc, then code */
	size_t n_red_flags;
	const struct hh_rule *rules[HH_TRIAGE_MAX_RULES]; /* fired number and floor rules, level desc, then code */
	size_t n_rules;
	const struct hh_combination *route; /* the route rule that fired (its route is the advice), or NULL */
	/* fired combination rules, level desc, then code; the answer lists them in red_flags */
	const struct hh_combination *combinations[HH_TRIAGE_MAX_COMBINATIONS];
	size_t n_combinations;
	struct hh_triage_cause causes[HH_TRIAGE_MAX_CAUSES]; /* score desc, then slug */
	size_t n_causes;
	const struct hh_remedy *remedies[HH_TRIAGE_MAX_REMEDIES]; /* de-duplicated, in order */
	size_t n_remedies;
	struct hh_interview_result interview; /* complete, unanswered, uncertain, next_question */
};

/*
 * Parses and validates a POST body. Returns 0 and fills *in, or -1 with
 * *kind set: HH_E_MALFORMED_JSON when the bytes are not JSON (syntax,
 * invalid UTF-8, NUL, duplicate keys, nesting deeper than
 * HH_TRIAGE_MAX_DEPTH, integers too big for jansson), or HH_E_VALIDATION
 * with errs listing every offending field (non-object body, unknown field,
 * missing symptoms, wrong type, out of range, unknown or duplicate code,
 * position or region, too many symptoms). errs is appended to, not reset.
 */
int hh_triage_parse_json(const struct hh_content *c, const char *body, size_t len, struct hh_triage_input *in,
			 enum hh_error_kind *kind, struct hh_field_errors *errs) HH_MUSTCHECK;

/*
 * The same fields as query parameters, already percent-decoded (borrowed
 * arrays of n keys and values). Lists are comma-separated; "symptoms=" is
 * the empty list. Missing symptoms, a repeated or unknown parameter, and
 * everything parse_json refuses as a validation error are refused here with
 * the same field names and messages. Returns 0, or -1 (always a 422).
 */
int hh_triage_parse_query(const struct hh_content *c, const char *const *keys, const char *const *values, size_t n,
			  struct hh_triage_input *in, struct hh_field_errors *errs) HH_MUSTCHECK;

/* HH_TRIAGE_AGE_MAX or HH_TRIAGE_DURATION_DAYS_MAX, for the field a rule tests. */
long long hh_triage_field_max(enum hh_rule_field field);

/*
 * The level alone: the highest level of any reported red flag, fired
 * number rule or fired combination. hh_triage_eval's level; the interview
 * asks it of hypothetical answers ("what if this were a yes?").
 */
enum hh_level hh_triage_level(const struct hh_content *c, const struct hh_triage_input *in);

/*
 * Whether k fires on in (every all_of, one any_of when it has any, age and
 * duration_days within its ranges; a range is never met by a number not
 * given). For a route rule, the codes alone: hh_triage_eval adds the level.
 */
int hh_triage_combination_fires(const struct hh_combination *k, const struct hh_triage_input *in);

/* Whether red flag y applies at age (-1: not given, so it may): outside its ages it counts as no. */
int hh_triage_flag_applies(const struct hh_symptom *y, long long age);

/* Whether pattern y counts as reported: in symptoms, or stood for by one of the positions. */
int hh_triage_pattern_reported(const struct hh_triage_input *in, const struct hh_symptom *y);

/* Applies the rules and the interview (interview.h). Never fails; *out is overwritten. */
void hh_triage_eval(const struct hh_content *c, const struct hh_triage_input *in, struct hh_triage_result *out);

/*
 * Writes a canonical form of the input into buf (always NUL-terminated):
 * "s=CODE,CODE;p=BITS;r=BIT;d=DAYS;a=AGE" with codes sorted, and when
 * absent or unknown are not empty ";n=CODE,...;u=CODE,..." after s=, so a
 * symptoms-only request keeps its key. Inputs that
 * mean the same thing get the same key. When that does not fit in buflen,
 * writes "sha256:" and the digest of it instead (fits HH_TRIAGE_KEY_MAX), so
 * a short buffer never makes two inputs collide. The key does not include
 * the ruleset version: callers that cache add it.
 */
void hh_triage_input_key(const struct hh_triage_input *in, char *buf, size_t buflen);

#endif
