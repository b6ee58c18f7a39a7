/*
 * test_triage.c - the triage engine against the real content files:
 * clinical vignettes (tests/data/triage/vignettes.txt), properties over
 * random inputs, and request validation for both parsers.
 *
 * Runs from the source tree (ctest sets WORKING_DIRECTORY), so "content"
 * and "tests/data" are relative paths.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "check.h"
#include "fixture.h"
#include "healthhub/loader.h"
#include "healthhub/render.h"
#include "healthhub/snapshot.h" /* hh_openapi_json, the served document */
#include "healthhub/triage.h"

/* The vignette files: the first review's, then the second's (new flags; rules on numbers, routes and floors). */
static const char *const vignette_files[] = {"tests/data/triage/vignettes.txt", "tests/data/triage/vignettes-flags.txt",
					     "tests/data/triage/vignettes-rules.txt"};
#define MAX_PARAMS 16

/* ------------------------------------------------------------ helpers */

static int has_error(const struct hh_field_errors *e, const char *field, const char *needle)
{
	for (size_t i = 0; i < e->n; i++)
		if (strcmp(e->v[i].field, field) == 0 && strstr(e->v[i].message, needle) != NULL)
			return 1;
	return 0;
}

static void print_errors(const char *what, const struct hh_field_errors *e)
{
	for (size_t i = 0; i < e->n; i++)
		fprintf(stderr, "  %s: %s: %s\n", what, e->v[i].field, e->v[i].message);
}

/* Splits s in place at each sep; returns the count. Empty pieces are kept. */
static size_t split(char *s, char sep, char **out, size_t max)
{
	size_t n = 0;
	char *p = s;
	while (n < max) {
		out[n++] = p;
		p = strchr(p, sep);
		if (p == NULL)
			break;
		*p++ = '\0';
	}
	return n;
}

/* "a=1&b=2" (no percent-encoding in these tests) through the query parser. */
static int get_query(const struct hh_content *c, const char *query, struct hh_triage_input *in,
		     struct hh_field_errors *errs)
{
	char buf[4096];
	char *pairs[MAX_PARAMS];
	const char *keys[MAX_PARAMS], *values[MAX_PARAMS];
	size_t n = 0;
	snprintf(buf, sizeof(buf), "%s", query);
	if (buf[0] != '\0')
		n = split(buf, '&', pairs, MAX_PARAMS);
	for (size_t i = 0; i < n; i++) {
		char *eq = strchr(pairs[i], '=');
		keys[i] = pairs[i];
		values[i] = eq == NULL ? NULL : eq + 1;
		if (eq != NULL)
			*eq = '\0';
	}
	return hh_triage_parse_query(c, keys, values, n, in, errs);
}

static int post_json(const struct hh_content *c, const char *body, size_t len, struct hh_triage_input *in,
		     enum hh_error_kind *kind, struct hh_field_errors *errs)
{
	memset(errs, 0, sizeof(*errs));
	*kind = HH_E__COUNT;
	return hh_triage_parse_json(c, body, len, in, kind, errs);
}

static char *answer(const struct hh_content *c, const struct hh_triage_input *in, size_t *len)
{
	struct hh_triage_result r;
	hh_triage_eval(c, in, &r);
	return hh_render_triage(c, &r, len);
}

/* Is code among the input's symptoms? */
static int input_has(const struct hh_triage_input *in, const char *code)
{
	for (size_t i = 0; i < in->n_symptoms; i++)
		if (strcmp(in->symptoms[i]->code, code) == 0)
			return 1;
	return 0;
}

/* A number inside an inclusive range as the policy page states it: never met by a number not given. */
static int oracle_in(const struct hh_range *r, long long v)
{
	return !r->given || (v >= 0 && r->min <= v && v <= r->max);
}

/*
 * The combination's condition as docs/clinical-policy.md states it: all of
 * all_of, one of any_of, and the numbers within the ranges. Route rules
 * raise nothing, so they are not "fired" here.
 */
static int oracle_fires(const struct hh_combination *k, const struct hh_triage_input *in)
{
	size_t all = 0, any = 0;
	if (k->route != NULL)
		return 0;
	for (size_t i = 0; i < k->all_of.n; i++)
		all += input_has(in, k->all_of.v[i]);
	for (size_t i = 0; i < k->any_of.n; i++)
		any += input_has(in, k->any_of.v[i]);
	return all == k->all_of.n && (k->any_of.n == 0 || any > 0) && oracle_in(&k->age, in->age) &&
	       oracle_in(&k->duration_days, in->duration_days);
}

static size_t fired_combinations(const struct hh_content *c, const struct hh_triage_input *in)
{
	size_t n = 0;
	for (size_t i = 0; i < c->policy.n_combinations; i++)
		n += oracle_fires(&c->policy.combinations[i], in);
	return n;
}

/* Combinations on red flags alone are listed in red_flags; those on numbers too, in rules. */
static size_t fired_code_combinations(const struct hh_content *c, const struct hh_triage_input *in)
{
	size_t n = 0;
	for (size_t i = 0; i < c->policy.n_combinations; i++) {
		const struct hh_combination *k = &c->policy.combinations[i];
		n += !k->age.given && !k->duration_days.given && oracle_fires(k, in);
	}
	return n;
}

/* Is y answered "I don't know" where it applies (its ages, when the age is given)? */
static int oracle_unknown_counts(const struct hh_triage_input *in, const struct hh_symptom *y)
{
	for (size_t i = 0; i < in->n_unknown; i++)
		if (in->unknown[i] == y)
			return !y->ages.given || in->age < 0 || (in->age >= y->ages.min && in->age <= y->ages.max);
	return 0;
}

/* A rule as the policy page states it: its number within bounds, or an unknown red flag at its level or above. */
static int oracle_rule_fires(const struct hh_content *c, const struct hh_rule *r, const struct hh_triage_input *in)
{
	if (r->kind == HH_RULE_NUMBER) {
		long long v = r->field == HH_RULE_AGE ? in->age : in->duration_days;
		return v >= 0 && v >= r->min && v <= r->max;
	}
	for (size_t i = 0; i < c->n_symptoms; i++)
		if (c->symptoms[i].category == HH_CATEGORY_RED_FLAG && c->symptoms[i].level >= r->unknown_level &&
		    oracle_unknown_counts(in, &c->symptoms[i]))
			return 1;
	return 0;
}

/* ------------------------------------------------------------ vignettes */

struct tally {
	const char *file;
	int cases, exact, under, over, bad_top, bad_line, bad_rule;
};

/* The render must carry every field API.md names, and one entry per red flag and fired combination. */
static void check_render_shape(const struct hh_content *c, const struct hh_triage_input *in, int lineno)
{
	size_t len = 0, flags = 0;
	char *s = answer(c, in, &len);
	json_t *j = s ? json_loads(s, 0, NULL) : NULL;
	static const char *const keys[] = {"level",  "red_flags",  "likely_causes",  "remedies",
					   "advice", "disclaimer", "ruleset_version"};
	for (size_t i = 0; i < HH_ARRAY_LEN(keys); i++)
		if (json_object_get(j, keys[i]) == NULL)
			fprintf(stderr, "line %d: answer has no \"%s\"\n", lineno, keys[i]);
	for (size_t i = 0; i < in->n_symptoms; i++)
		flags += in->symptoms[i]->category == HH_CATEGORY_RED_FLAG;
	flags += fired_code_combinations(c, in);
	CHECK(j != NULL && json_array_size(json_object_get(j, "red_flags")) == flags);
	/* rules: the fired rules, the combinations on numbers, and the route rule if one fired */
	size_t rules = fired_combinations(c, in) - fired_code_combinations(c, in);
	struct hh_triage_result r;
	hh_triage_eval(c, in, &r);
	for (size_t i = 0; i < c->policy.n_rules; i++)
		rules += oracle_rule_fires(c, &c->policy.rules[i], in);
	rules += r.route != NULL;
	CHECK(j != NULL && json_array_size(json_object_get(j, "rules")) == rules);
	CHECK(json_array_size(json_object_get(j, "likely_causes")) <= 3);
	CHECK(json_array_size(json_object_get(j, "remedies")) <= 5);
	json_decref(j);
	free(s);
}

static void check_top(const struct hh_triage_result *r, const char *top, int lineno, struct tally *t)
{
	const char *got = r->n_causes ? r->causes[0].cause->slug : "none";
	if (top == NULL || strcmp(top, got) == 0)
		return;
	t->bad_top++;
	fprintf(stderr, "%s:%d: top cause %s, expected %s\n", t->file, lineno, got, top);
}

static void tally_level(enum hh_level got, enum hh_level want, int lineno, struct tally *t)
{
	if (got == want) {
		t->exact++;
		return;
	}
	if (got < want)
		t->under++;
	else
		t->over++;
	fprintf(stderr, "%s:%d: %s-triaged: got %s, expected %s\n", t->file, lineno, got < want ? "UNDER" : "over",
		hh_level_name(got), hh_level_name(want));
}

/* rule=CODE: the answer's rules list CODE (a rule on numbers, a floor, or a route rule). */
static void check_rule_listed(const struct hh_content *c, const struct hh_triage_input *in, const char *code,
			      int lineno, struct tally *t)
{
	size_t len = 0;
	if (code == NULL)
		return;
	char *s = answer(c, in, &len);
	json_t *j = s ? json_loads(s, 0, NULL) : NULL;
	size_t i;
	json_t *item;
	int found = 0;
	json_array_foreach(json_object_get(j, "rules"), i, item)
	{
		found |= strcmp(json_string_value(json_object_get(item, "code")), code) == 0;
	}
	if (!found) {
		t->bad_rule++;
		fprintf(stderr, "%s:%d: rules do not list %s: %s\n", t->file, lineno, code, s ? s : "(null)");
	}
	json_decref(j);
	free(s);
}

/* route=CODE: that route rule fired and its route is the advice; route=none: none fired. */
static void check_route(const struct hh_triage_result *r, const char *code, int lineno, struct tally *t)
{
	const char *got = r->route != NULL ? r->route->code : "none";
	if (code == NULL || strcmp(code, got) == 0)
		return;
	t->bad_rule++;
	fprintf(stderr, "%s:%d: route %s, expected %s\n", t->file, lineno, got, code);
}

/* One line: LEVEL [top=X] [rule=CODE] [route=CODE|none] [k=v ...] [# comment]. */
static void run_vignette(const struct hh_content *c, char *line, int lineno, struct tally *t)
{
	char *tok[MAX_PARAMS + 2];
	const char *keys[MAX_PARAMS], *values[MAX_PARAMS], *top = NULL, *rule = NULL, *route = NULL;
	size_t ntok = 0, n = 0;
	enum hh_level want;
	struct hh_triage_input in;
	struct hh_triage_result r;
	struct hh_field_errors errs = {0};

	line[strcspn(line, "#\r\n")] = '\0';
	for (char *p = line; *p != '\0' && ntok < HH_ARRAY_LEN(tok);) {
		p += strspn(p, " \t");
		if (*p == '\0')
			break;
		tok[ntok++] = p;
		p += strcspn(p, " \t");
		if (*p != '\0')
			*p++ = '\0';
	}
	if (ntok == 0)
		return;
	t->cases++;
	for (size_t i = 1; i < ntok; i++) {
		char *eq = strchr(tok[i], '=');
		if (eq == NULL)
			continue;
		*eq = '\0';
		if (strcmp(tok[i], "top") == 0) {
			top = eq + 1;
		} else if (strcmp(tok[i], "rule") == 0) {
			rule = eq + 1;
		} else if (strcmp(tok[i], "route") == 0) {
			route = eq + 1;
		} else {
			keys[n] = tok[i];
			values[n++] = eq + 1;
		}
	}
	if (hh_level_parse(tok[0], &want) < 0 || hh_triage_parse_query(c, keys, values, n, &in, &errs) < 0) {
		t->bad_line++;
		fprintf(stderr, "%s:%d: bad vignette line\n", t->file, lineno);
		print_errors("vignette", &errs);
		return;
	}
	hh_triage_eval(c, &in, &r);
	tally_level(r.level, want, lineno, t);
	check_top(&r, top, lineno, t);
	check_rule_listed(c, &in, rule, lineno, t);
	check_route(&r, route, lineno, t);
	check_render_shape(c, &in, lineno);
}

static void test_vignette_file(const struct hh_content *c, const char *path, struct tally *t)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	int lineno = 0;
	CHECK(f != NULL);
	if (f == NULL)
		return;
	t->file = path;
	while (fgets(line, sizeof(line), f) != NULL)
		run_vignette(c, line, ++lineno, t);
	fclose(f);
}

static void test_vignettes(const struct hh_content *c)
{
	struct tally t = {0};
	for (size_t i = 0; i < HH_ARRAY_LEN(vignette_files); i++) {
		struct tally one = {0};
		test_vignette_file(c, vignette_files[i], &one);
		printf("vignettes %s: %d cases, %d exact, %d under-triaged, %d over-triaged\n", vignette_files[i],
		       one.cases, one.exact, one.under, one.over);
		t.cases += one.cases;
		t.exact += one.exact;
		t.under += one.under;
		t.over += one.over;
		t.bad_top += one.bad_top;
		t.bad_line += one.bad_line;
		t.bad_rule += one.bad_rule;
	}
	printf("vignettes: %d cases, %d exact, %d under-triaged, %d over-triaged, %d rule or route wrong\n", t.cases,
	       t.exact, t.under, t.over, t.bad_rule);
	CHECK(t.cases >= 60);
	CHECK(t.under == 0);
	CHECK(t.exact == t.cases);
	CHECK(t.bad_top == 0);
	CHECK(t.bad_line == 0);
	CHECK(t.bad_rule == 0);
}

/* ------------------------------------------------------------ properties */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

/* xorshift64*: deterministic, so a failure reproduces. */
static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static size_t rng_below(size_t n)
{
	return (size_t)(rng() % n);
}

/* Is y in any of the three answer lists? */
static int input_answers(const struct hh_triage_input *in, const struct hh_symptom *y)
{
	for (size_t i = 0; i < in->n_symptoms; i++)
		if (in->symptoms[i] == y)
			return 1;
	for (size_t i = 0; i < in->n_absent; i++)
		if (in->absent[i] == y)
			return 1;
	for (size_t i = 0; i < in->n_unknown; i++)
		if (in->unknown[i] == y)
			return 1;
	return 0;
}

/* Some yes answers, and now and then a red flag answered no or "I don't know", so the floor fires too. */
static void random_input(const struct hh_content *c, struct hh_triage_input *in)
{
	size_t want = rng_below(8);
	memset(in, 0, sizeof(*in));
	for (size_t k = 0; k < want; k++) {
		const struct hh_symptom *y = &c->symptoms[rng_below(c->n_symptoms)];
		if (!input_answers(in, y))
			in->symptoms[in->n_symptoms++] = y;
	}
	for (size_t i = 0; i < c->n_symptoms; i++) {
		const struct hh_symptom *y = &c->symptoms[i];
		size_t r = rng_below(40);
		if (y->category != HH_CATEGORY_RED_FLAG || input_answers(in, y) || r > 5)
			continue;
		if (r == 0)
			in->unknown[in->n_unknown++] = y;
		else
			in->absent[in->n_absent++] = y;
	}
	in->positions = (unsigned)rng_below(8);
	in->region = (unsigned)rng_below(3) == 2 ? 0 : 1u << rng_below(2);
	in->duration_days = rng_below(3) == 0 ? -1 : (long long)rng_below(60);
	in->age = rng_below(3) == 0 ? -1 : (long long)rng_below(131);
}

/* The level computed the simple way, as the policy page states it. */
static enum hh_level oracle_level(const struct hh_content *c, const struct hh_triage_input *in)
{
	enum hh_level l = HH_LEVEL_SELF_CARE;
	for (size_t i = 0; i < in->n_symptoms; i++)
		if (in->symptoms[i]->category == HH_CATEGORY_RED_FLAG && in->symptoms[i]->level > l)
			l = in->symptoms[i]->level;
	for (size_t i = 0; i < c->policy.n_rules; i++) {
		const struct hh_rule *r = &c->policy.rules[i];
		if (oracle_rule_fires(c, r, in) && r->level > l)
			l = r->level;
	}
	for (size_t i = 0; i < c->policy.n_combinations; i++) {
		const struct hh_combination *k = &c->policy.combinations[i];
		if (oracle_fires(k, in) && k->level > l)
			l = k->level;
	}
	return l;
}

/* A symptom of the category not yet answered in the input, or NULL. */
static const struct hh_symptom *pick_new(const struct hh_content *c, const struct hh_triage_input *in,
					 enum hh_category cat)
{
	for (int tries = 0; tries < 100; tries++) {
		const struct hh_symptom *y = &c->symptoms[rng_below(c->n_symptoms)];
		if (y->category == cat && !input_answers(in, y))
			return y;
	}
	return NULL;
}

static enum hh_level level_with(const struct hh_content *c, struct hh_triage_input in, const struct hh_symptom *y)
{
	struct hh_triage_result r;
	in.symptoms[in.n_symptoms++] = y;
	hh_triage_eval(c, &in, &r);
	return r.level;
}

/* The level with y answered no (absent) or "I don't know" (unknown) as well. */
static enum hh_level level_answered(const struct hh_content *c, struct hh_triage_input in, const struct hh_symptom *y,
				    int unknown)
{
	if (unknown)
		in.unknown[in.n_unknown++] = y;
	else
		in.absent[in.n_absent++] = y;
	return hh_triage_level(c, &in);
}

/* A route rule that fired: at its own level, its codes reported, and the level is what it would be without it. */
static int route_sound(const struct hh_content *c, const struct hh_triage_input *in, const struct hh_triage_result *r)
{
	struct hh_content plain = *c; /* shallow: the same content without its route rules */
	struct hh_combination kept[HH_TRIAGE_MAX_COMBINATIONS];
	size_t n = 0;
	for (size_t i = 0; i < c->policy.n_combinations; i++)
		if (c->policy.combinations[i].route == NULL)
			kept[n++] = c->policy.combinations[i];
	plain.policy.combinations = kept;
	plain.policy.n_combinations = n;
	if (hh_triage_level(&plain, in) != r->level)
		return 0;
	if (r->route == NULL)
		return 1;
	struct hh_combination codes = *r->route;
	codes.route = NULL;
	return r->route->level == r->level && oracle_fires(&codes, in);
}

static void shuffle(struct hh_triage_input *in)
{
	for (size_t i = in->n_symptoms; i > 1; i--) {
		size_t j = rng_below(i);
		const struct hh_symptom *tmp = in->symptoms[i - 1];
		in->symptoms[i - 1] = in->symptoms[j];
		in->symptoms[j] = tmp;
	}
}

/* Same answer bytes and same cache key whatever the order of the symptoms. */
static int order_independent(const struct hh_content *c, const struct hh_triage_input *in)
{
	struct hh_triage_input sh = *in;
	char k1[HH_TRIAGE_KEY_MAX], k2[HH_TRIAGE_KEY_MAX];
	size_t l1 = 0, l2 = 0;
	shuffle(&sh);
	char *a = answer(c, in, &l1);
	char *b = answer(c, &sh, &l2);
	hh_triage_input_key(in, k1, sizeof(k1));
	hh_triage_input_key(&sh, k2, sizeof(k2));
	int ok = a != NULL && b != NULL && l1 == l2 && memcmp(a, b, l1) == 0 && strcmp(k1, k2) == 0;
	free(a);
	free(b);
	return ok;
}

/*
 * The answer is written without jansson; it must be the very bytes jansson
 * would write for the same value (compact, precision 4, insertion order).
 */
static int same_as_jansson(const struct hh_content *c, const struct hh_triage_input *in)
{
	size_t len = 0;
	char *s = answer(c, in, &len);
	json_error_t err;
	json_t *j = s ? json_loadb(s, len, JSON_REJECT_DUPLICATES, &err) : NULL;
	char *again = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(4)) : NULL;
	int same = again != NULL && strcmp(again, s) == 0;
	if (!same)
		fprintf(stderr, "answer differs from jansson's bytes:\n%s\n%s\n", s ? s : "(null)",
			again ? again : "(null)");
	free(again);
	json_decref(j);
	free(s);
	return same;
}

static void test_properties(const struct hh_content *c)
{
	int bad_oracle = 0, lowered = 0, below_flag = 0, pattern_moved = 0, order = 0, bytes = 0;
	int no_raised = 0, unknown_low = 0, unknown_high = 0, route_bad = 0, routes = 0, floors = 0;
	const int rounds = CHECK_ROUNDS(5000);
	for (int i = 0; i < rounds; i++) {
		struct hh_triage_input in;
		struct hh_triage_result r;
		random_input(c, &in);
		hh_triage_eval(c, &in, &r);
		bad_oracle += r.level != oracle_level(c, &in);
		routes += r.route != NULL;
		for (size_t k = 0; k < r.n_rules; k++)
			floors += r.rules[k]->kind == HH_RULE_UNKNOWN_FLOOR;
		route_bad += !route_sound(c, &in, &r);
		const struct hh_symptom *flag = pick_new(c, &in, HH_CATEGORY_RED_FLAG);
		if (flag != NULL) {
			enum hh_level yes = level_with(c, in, flag);
			enum hh_level no = level_answered(c, in, flag, 0);
			enum hh_level unknown = level_answered(c, in, flag, 1);
			lowered += yes < r.level;
			below_flag += yes < flag->level;
			no_raised += no > r.level;
			/* an unknown is never a no, and never more than a yes */
			unknown_low += unknown < no;
			unknown_high += unknown > yes;
		}
		const struct hh_symptom *pat = pick_new(c, &in, HH_CATEGORY_PATTERN);
		if (pat != NULL)
			pattern_moved += level_with(c, in, pat) != r.level;
		order += !order_independent(c, &in);
		bytes += !same_as_jansson(c, &in);
	}
	printf("properties: %d random inputs (%d with a floor rule, %d with a route): %d oracle, %d lowered by a yes, "
	       "%d below flag, %d raised by a no, %d unknown below no, %d unknown above yes, %d route unsound, "
	       "%d pattern moved, %d order, %d not jansson's bytes\n",
	       rounds, floors, routes, bad_oracle, lowered, below_flag, no_raised, unknown_low, unknown_high, route_bad,
	       pattern_moved, order, bytes);
	CHECK(bytes == 0);
	CHECK(bad_oracle == 0);
	CHECK(lowered == 0);
	CHECK(below_flag == 0);
	CHECK(no_raised == 0);
	CHECK(unknown_low == 0);
	CHECK(unknown_high == 0);
	CHECK(route_bad == 0);
	CHECK(floors > rounds / 50);
	CHECK(pattern_moved == 0);
	CHECK(order == 0);
}

/* ------------------------------------------------------------ the interview's fields */

/* Random yes/no/unknown answers over every code, so next_question, uncertain and unanswered all vary. */
static void random_answer_lists(const struct hh_content *c, struct hh_triage_input *in)
{
	random_input(c, in);
	size_t asked = rng_below(101);
	for (size_t i = 0; i < c->n_symptoms; i++) {
		const struct hh_symptom *y = &c->symptoms[i];
		if (input_answers(in, y) || rng_below(100) >= asked)
			continue;
		if (rng_below(5) == 0 && in->n_unknown < HH_TRIAGE_MAX_SYMPTOMS)
			in->unknown[in->n_unknown++] = y;
		else if (in->n_absent < HH_TRIAGE_MAX_SYMPTOMS)
			in->absent[in->n_absent++] = y;
	}
}

static void shuffle_list(const struct hh_symptom **v, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = rng_below(i);
		const struct hh_symptom *tmp = v[i - 1];
		v[i - 1] = v[j];
		v[j] = tmp;
	}
}

/* The render proof (same_as_jansson) and order independence, over the new fields too. */
static void test_interview_properties(const struct hh_content *c)
{
	int bytes = 0, order = 0, next = 0, uncertain = 0;
	const int rounds = CHECK_ROUNDS(5000);
	for (int i = 0; i < rounds; i++) {
		struct hh_triage_input in, sh;
		struct hh_triage_result r;
		char k1[HH_TRIAGE_KEY_MAX], k2[HH_TRIAGE_KEY_MAX];
		size_t l1 = 0, l2 = 0;
		random_answer_lists(c, &in);
		hh_triage_eval(c, &in, &r);
		next += r.interview.next != NULL;
		uncertain += r.interview.n_uncertain > 0;
		bytes += !same_as_jansson(c, &in);
		sh = in;
		shuffle(&sh);
		shuffle_list(sh.absent, sh.n_absent);
		shuffle_list(sh.unknown, sh.n_unknown);
		char *a = answer(c, &in, &l1), *b = answer(c, &sh, &l2);
		hh_triage_input_key(&in, k1, sizeof(k1));
		hh_triage_input_key(&sh, k2, sizeof(k2));
		order += !(a != NULL && b != NULL && l1 == l2 && memcmp(a, b, l1) == 0 && strcmp(k1, k2) == 0);
		free(a);
		free(b);
	}
	printf("interview fields: %d random answer sets (%d with a next_question, %d with uncertain): %d not "
	       "jansson's bytes, %d order\n",
	       rounds, next, uncertain, bytes, order);
	CHECK(next > rounds / 4 && uncertain > rounds / 20);
	CHECK(bytes == 0);
	CHECK(order == 0);
}

/* ------------------------------------------------------------ combinations */

static void add_code(const struct hh_content *c, struct hh_triage_input *in, const char *code)
{
	const struct hh_symptom *y = hh_content_symptom(c, code);
	if (y != NULL && !input_has(in, code) && in->n_symptoms < HH_TRIAGE_MAX_SYMPTOMS)
		in->symptoms[in->n_symptoms++] = y;
}

/* A random input holding some, all or none of one combination's parts, so the rules really fire. */
static void random_combination_input(const struct hh_content *c, struct hh_triage_input *in)
{
	random_input(c, in);
	const struct hh_combination *k = &c->policy.combinations[rng_below(c->policy.n_combinations)];
	for (size_t i = 0; i < k->all_of.n; i++)
		if (rng_below(4) != 0)
			add_code(c, in, k->all_of.v[i]);
	for (size_t i = 0; i < k->any_of.n; i++)
		if (rng_below(3) == 0)
			add_code(c, in, k->any_of.v[i]);
	/* inside the ranges half the time, on a bound now and then */
	if (k->age.given && rng_below(2) == 0)
		in->age = rng_below(4) == 0 ? (rng_below(2) ? k->age.min : k->age.max)
					    : k->age.min + (long long)rng_below((size_t)(k->age.max - k->age.min + 1));
	if (k->duration_days.given && rng_below(2) == 0)
		in->duration_days = k->duration_days.min +
				    (long long)rng_below((size_t)(k->duration_days.max - k->duration_days.min + 1));
	shuffle(in);
}

/* Random patterns only (no red flag), no age or duration: nothing else raises the level. */
static void random_patterns(const struct hh_content *c, struct hh_triage_input *in)
{
	memset(in, 0, sizeof(*in));
	in->age = in->duration_days = -1;
	in->positions = (unsigned)rng_below(8);
	for (size_t n = rng_below(4); n > 0; n--) {
		const struct hh_symptom *y = pick_new(c, in, HH_CATEGORY_PATTERN);
		if (y != NULL)
			in->symptoms[in->n_symptoms++] = y;
	}
}

/* One part of k (all_of and any_of counted as one list), with random patterns around it. */
static const struct hh_symptom *part_alone(const struct hh_content *c, const struct hh_combination *k,
					   struct hh_triage_input *in)
{
	size_t n = k->all_of.n + k->any_of.n, i = rng_below(n);
	const char *code = i < k->all_of.n ? k->all_of.v[i] : k->any_of.v[i - k->all_of.n];
	random_patterns(c, in);
	add_code(c, in, code);
	shuffle(in);
	return hh_content_symptom(c, code);
}

/*
 * Over random inputs: the level with the combinations is never below the
 * level without them (the same content with none); the combinations listed
 * are exactly those whose condition holds; and a part alone, among
 * patterns, keeps its own level and fires nothing.
 */
static void test_combination_properties(const struct hh_content *c)
{
	struct hh_content plain = *c; /* shallow: the same content without its combinations */
	int lowered = 0, listed = 0, fired = 0, part_moved = 0, other = 0;
	const int rounds = CHECK_ROUNDS(5000);
	plain.policy.n_combinations = 0;
	CHECK(c->policy.n_combinations >= 2);
	for (int i = 0; i < rounds && c->policy.n_combinations > 0; i++) {
		struct hh_triage_input in;
		struct hh_triage_result with, without;
		random_combination_input(c, &in);
		hh_triage_eval(c, &in, &with);
		hh_triage_eval(&plain, &in, &without);
		lowered += with.level < without.level;
		listed += with.n_combinations != fired_combinations(c, &in);
		for (size_t k = 0; k < with.n_combinations; k++)
			listed += !oracle_fires(with.combinations[k], &in);
		fired += with.n_combinations > 0;
		other += !order_independent(c, &in) + !same_as_jansson(c, &in);
		const struct hh_combination *k = &c->policy.combinations[rng_below(c->policy.n_combinations)];
		const struct hh_symptom *part = part_alone(c, k, &in);
		hh_triage_eval(c, &in, &with);
		part_moved += part == NULL || with.level != part->level || with.n_combinations != 0;
	}
	printf("combinations: %d random inputs, %d fired some, %d lowered, %d listed wrongly, %d part moved, "
	       "%d order or not jansson's bytes\n",
	       rounds, fired, lowered, listed, part_moved, other);
	CHECK(other == 0);
	CHECK(fired > rounds / 10);
	CHECK(lowered == 0);
	CHECK(listed == 0);
	CHECK(part_moved == 0);
}

/* Level and red_flags entry of a single input, through the renderer. */
static void check_combination_answer(const struct hh_content *c, const struct hh_triage_input *in,
				     const struct hh_combination *k, int want_fired)
{
	struct hh_triage_result r;
	size_t len = 0;
	hh_triage_eval(c, in, &r);
	char *s = hh_render_triage(c, &r, &len);
	char *entry = xasprintf("{\"code\":\"%s\",\"level\":\"%s\",\"message\":", k->code, hh_level_name(k->level));
	int listed = s != NULL && strstr(s, entry) != NULL;
	CHECK(listed == want_fired);
	if (want_fired)
		CHECK(r.level == k->level && r.n_combinations >= 1 && r.combinations[0] == k);
	if (listed != want_fired)
		fprintf(stderr, "combination %s: listed %d, expected %d: %s\n", k->code, listed, want_fired, s);
	free(entry);
	free(s);
}

/* The request's numbers inside k's ranges (at a bound, by side: 0 min, 1 max), or not given. */
static void set_numbers(struct hh_triage_input *in, const struct hh_combination *k, int side)
{
	in->age = !k->age.given ? -1 : side ? k->age.max : k->age.min;
	in->duration_days = !k->duration_days.given ? -1 : side ? k->duration_days.max : k->duration_days.min;
}

/* k's codes: all of all_of, and any_of[a] when a is in range. */
static void set_codes(const struct hh_content *c, struct hh_triage_input *in, const struct hh_combination *k, size_t a)
{
	in->n_symptoms = 0;
	for (size_t p = 0; p < k->all_of.n; p++)
		add_code(c, in, k->all_of.v[p]);
	if (a < k->any_of.n)
		add_code(c, in, k->any_of.v[a]);
}

/* Just outside one range (the other numbers inside): 0 when that side is the request's own bound. */
static int set_outside(struct hh_triage_input *in, const struct hh_combination *k, int which, int side)
{
	const struct hh_range *r = which == 0 ? &k->age : &k->duration_days;
	long long hi = hh_triage_field_max(which == 0 ? HH_RULE_AGE : HH_RULE_DURATION_DAYS);
	long long v = side ? r->max + 1 : r->min - 1;
	if (!r->given || v < 0 || v > hi)
		return 0;
	set_numbers(in, k, 0);
	if (which == 0)
		in->age = v;
	else
		in->duration_days = v;
	return 1;
}

/*
 * Every combination by hand: each code alone keeps its own level; all_of
 * with each any_of, with the numbers on either bound of their ranges,
 * fires; the numbers just outside a range, or not given, do not.
 */
static void test_combination_parts(const struct hh_content *c)
{
	for (size_t i = 0; i < c->policy.n_combinations; i++) {
		const struct hh_combination *k = &c->policy.combinations[i];
		struct hh_triage_input in = {.duration_days = -1, .age = -1};
		struct hh_triage_result r;
		if (k->route != NULL)
			continue; /* test_route_rules */
		for (size_t p = 0; p < k->all_of.n + k->any_of.n; p++) {
			const char *code = p < k->all_of.n ? k->all_of.v[p] : k->any_of.v[p - k->all_of.n];
			in.n_symptoms = 0;
			in.age = in.duration_days = -1;
			add_code(c, &in, code);
			hh_triage_eval(c, &in, &r);
			CHECK(in.n_symptoms == 1 && r.level == in.symptoms[0]->level && r.n_combinations == 0);
			check_combination_answer(c, &in, k, 0);
		}
		size_t choices = k->any_of.n > 0 ? k->any_of.n : 1;
		for (size_t a = 0; a < choices; a++) {
			set_codes(c, &in, k, a);
			for (int side = 0; side < 2; side++) {
				set_numbers(&in, k, side);
				check_combination_answer(c, &in, k, 1);
			}
			for (int which = 0; which < 2; which++)
				for (int side = 0; side < 2; side++)
					if (set_outside(&in, k, which, side))
						check_combination_answer(c, &in, k, 0);
			if (k->age.given || k->duration_days.given) {
				in.age = in.duration_days = -1; /* never met by a number not given */
				check_combination_answer(c, &in, k, 0);
			}
			if (k->any_of.n > 0) {
				set_codes(c, &in, k, k->any_of.n); /* all_of without any_of */
				set_numbers(&in, k, 0);
				check_combination_answer(c, &in, k, 0);
			}
		}
	}
}

/*
 * Route rules change the advice, never the level: at their level with
 * their codes they fire and their route is the advice; below or above it,
 * or without their codes, the level's advice stands.
 */
static void test_route_rules(const struct hh_content *c)
{
	int tested = 0, fired = 0, stood = 0;
	for (size_t i = 0; i < c->policy.n_combinations; i++) {
		const struct hh_combination *k = &c->policy.combinations[i];
		if (k->route == NULL)
			continue;
		tested++;
		/* the rule's codes with each red flag in turn: below, at and above the rule's level */
		for (size_t f = 0; f < c->n_symptoms; f++) {
			const struct hh_symptom *y = &c->symptoms[f];
			struct hh_triage_input in = {.duration_days = -1, .age = 30};
			struct hh_triage_result r;
			size_t len = 0;
			set_codes(c, &in, k, 0);
			if (y->category != HH_CATEGORY_RED_FLAG || input_has(&in, y->code))
				continue;
			add_code(c, &in, y->code);
			hh_triage_eval(c, &in, &r);
			/* the level is what it would be without route rules; the route fires at its level only */
			CHECK(route_sound(c, &in, &r));
			CHECK((r.route == k) == (r.level == k->level));
			fired += r.route == k;
			stood += r.route == NULL;
			char *s = hh_render_triage(c, &r, &len);
			json_t *j = s ? json_loads(s, 0, NULL) : NULL;
			const char *advice = json_string_value(json_object_get(j, "advice"));
			CHECK(advice != NULL);
			if (advice != NULL)
				CHECK_STR(advice, r.route == k ? k->route : c->policy.advice[r.level]);
			json_decref(j);
			free(s);
		}
	}
	CHECK(tested >= 1 && fired > 0 && stood > 0);
}

/* An "I don't know" to an emergency sign: at least urgent, listed in rules, and still uncertain and open. */
static void test_unknown_floor(const struct hh_content *c)
{
	int floors = 0;
	for (size_t i = 0; i < c->n_symptoms; i++) {
		const struct hh_symptom *y = &c->symptoms[i];
		struct hh_triage_input in = {.duration_days = 7, .age = 35};
		struct hh_triage_result r;
		if (y->category != HH_CATEGORY_RED_FLAG)
			continue;
		in.unknown[in.n_unknown++] = y;
		hh_triage_eval(c, &in, &r);
		int fired = 0;
		for (size_t k = 0; k < r.n_rules; k++)
			fired |= r.rules[k]->kind == HH_RULE_UNKNOWN_FLOOR;
		if (y->level == HH_LEVEL_EMERGENCY && hh_triage_flag_applies(y, in.age)) {
			floors++;
			CHECK(r.level == HH_LEVEL_URGENT && fired);
			CHECK(!r.interview.complete && r.interview.n_uncertain == 1);
			CHECK(r.interview.n_uncertain == 1 && r.interview.uncertain[0].level == HH_LEVEL_EMERGENCY &&
			      strcmp(r.interview.uncertain[0].code, y->code) == 0);
		} else {
			CHECK(r.level == HH_LEVEL_SELF_CARE && !fired);
		}
		/* a yes is still more than an unknown, and a no is less */
		in.n_unknown = 0;
		in.symptoms[in.n_symptoms++] = y;
		CHECK(hh_triage_level(c, &in) >= r.level);
	}
	CHECK(floors >= 11);
}

/* ------------------------------------------------------------ engine details */

static void test_single_patterns_unambiguous(const struct hh_content *c)
{
	for (size_t i = 0; i < c->n_symptoms; i++) {
		const struct hh_symptom *y = &c->symptoms[i];
		struct hh_triage_input in = {.symptoms = {y}, .n_symptoms = 1, .duration_days = -1, .age = -1};
		struct hh_triage_result r;
		if (y->category != HH_CATEGORY_PATTERN)
			continue;
		hh_triage_eval(c, &in, &r);
		CHECK(r.level == HH_LEVEL_SELF_CARE);
		CHECK(r.n_causes >= 1);
		if (r.n_causes >= 2 && r.causes[0].score <= r.causes[1].score)
			fprintf(stderr, "pattern %s has a tie at the top\n", y->code);
		CHECK(r.n_causes < 2 || r.causes[0].score > r.causes[1].score);
		CHECK(r.n_remedies >= 1 && r.n_remedies <= 5);
	}
}

static void test_render_example(const struct hh_content *c)
{
	struct hh_triage_input in;
	struct hh_field_errors errs = {0};
	size_t len = 0;
	CHECK(get_query(c, "symptoms=desk_slouching,worse_sitting&age=30", &in, &errs) == 0);
	char *s = answer(c, &in, &len);
	CHECK(s != NULL && strlen(s) == len);
	CHECK(s != NULL && strncmp(s, "{\"level\":\"self_care\",\"red_flags\":[],", 36) == 0);
	CHECK(s != NULL && strstr(s, "\"likely_causes\":[{\"slug\":\"poor-posture\",\"name\":") != NULL);
	CHECK(s != NULL && strstr(s, "\"score\":0.9,\"matched\":[\"worse_sitting\",\"desk_slouching\"]") != NULL);
	free(s);

	/* Emergency: the flag with its source, no causes, no self-care remedies. */
	CHECK(get_query(c, "symptoms=desk_slouching,fever,chest_pain", &in, &errs) == 0);
	s = answer(c, &in, &len);
	CHECK(s != NULL &&
	      strstr(s, "\"red_flags\":[{\"code\":\"chest_pain\",\"level\":\"emergency\",\"message\":") != NULL);
	CHECK(s != NULL && strstr(s, "},{\"code\":\"fever\",\"level\":\"urgent\"") != NULL);
	CHECK(s != NULL && strstr(s, "\"likely_causes\":[],\"remedies\":[]") != NULL);
	CHECK(s != NULL && strstr(s, "\"url\":\"https://www.nhs.uk/conditions/heart-attack/\"") != NULL);
	free(s);

	/* A combination that fired comes first in red_flags, then its parts, most urgent first. */
	CHECK(get_query(c, "symptoms=arm_numbness_tingling,worse_sitting,cancer_history", &in, &errs) == 0);
	s = answer(c, &in, &len);
	const char *first = "{\"level\":\"emergency\",\"red_flags\":[{\"code\":\"cancer_with_limb_nerve_symptoms\","
			    "\"level\":\"emergency\",\"message\":\"Call your cancer team";
	CHECK(s != NULL && strncmp(s, first, strlen(first)) == 0);
	CHECK(s != NULL &&
	      strstr(s, "\"url\":\"https://www.nice.org.uk/guidance/ng234\"}},{\"code\":\"cancer_history\","
			"\"level\":\"urgent\"") != NULL);
	CHECK(s != NULL && strstr(s, "},{\"code\":\"arm_numbness_tingling\",\"level\":\"see_doctor\"") != NULL);
	CHECK(s != NULL && strstr(s, "\"likely_causes\":[],\"remedies\":[]") != NULL);
	free(s);

	/* Fired rules are reported with their source. */
	CHECK(get_query(c, "symptoms=&age=50&duration_days=28", &in, &errs) == 0);
	s = answer(c, &in, &len);
	CHECK(s != NULL && strstr(s, "\"rules\":[{\"code\":\"age_50_or_over\",\"level\":\"see_doctor\"") != NULL);
	CHECK(s != NULL && strstr(s, "{\"code\":\"duration_28_days_or_more\"") != NULL);
	free(s);
}

static void test_input_key(const struct hh_content *c)
{
	struct hh_triage_input a, b;
	struct hh_field_errors errs = {0};
	char ka[HH_TRIAGE_KEY_MAX], kb[HH_TRIAGE_KEY_MAX], tiny[8];
	CHECK(get_query(c, "symptoms=fever,worse_sitting&positions=sitting,standing&age=30", &a, &errs) == 0);
	CHECK(get_query(c, "age=30&positions=standing,sitting&symptoms=worse_sitting,fever", &b, &errs) == 0);
	hh_triage_input_key(&a, ka, sizeof(ka));
	hh_triage_input_key(&b, kb, sizeof(kb));
	CHECK_STR(ka, "s=fever,worse_sitting;p=3;r=0;d=-1;a=30");
	CHECK_STR(ka, kb);
	b.age = 31;
	hh_triage_input_key(&b, kb, sizeof(kb));
	CHECK(strcmp(ka, kb) != 0);

	/* Every code at once does not fit: the digest form does, and still differs by input. */
	struct hh_triage_input all = {.duration_days = -1, .age = -1};
	for (size_t i = 0; i < c->n_symptoms; i++)
		all.symptoms[all.n_symptoms++] = &c->symptoms[i];
	hh_triage_input_key(&all, ka, sizeof(ka));
	CHECK(strncmp(ka, "sha256:", 7) == 0 && strlen(ka) == 71);
	all.age = 40;
	hh_triage_input_key(&all, kb, sizeof(kb));
	CHECK(strcmp(ka, kb) != 0);
	hh_triage_input_key(&all, tiny, sizeof(tiny));
	CHECK(strlen(tiny) == sizeof(tiny) - 1);

	/* absent and unknown are keyed, sorted; a symptoms-only key is what it always was. */
	CHECK(get_query(c, "symptoms=fever&absent=iv_drug_use,chest_pain&unknown=immunosuppressed", &a, &errs) == 0);
	CHECK(get_query(c, "unknown=immunosuppressed&absent=chest_pain,iv_drug_use&symptoms=fever", &b, &errs) == 0);
	hh_triage_input_key(&a, ka, sizeof(ka));
	hh_triage_input_key(&b, kb, sizeof(kb));
	CHECK_STR(ka, "s=fever;n=chest_pain,iv_drug_use;u=immunosuppressed;p=0;r=0;d=-1;a=-1");
	CHECK_STR(ka, kb);
	CHECK(get_query(c, "symptoms=fever&absent=iv_drug_use,chest_pain,immunosuppressed", &b, &errs) == 0);
	hh_triage_input_key(&b, kb, sizeof(kb));
	CHECK(strcmp(ka, kb) != 0); /* "I don't know" and "no" are different answers */
}

static int group_has(json_t *groups, const char *level, const char *code)
{
	size_t i;
	json_t *item;
	json_array_foreach(json_object_get(groups, level), i, item)
	{
		if (strcmp(json_string_value(json_object_get(item, "code")), code) == 0)
			return json_object_get(json_object_get(item, "source"), "url") != NULL;
	}
	return 0;
}

static void test_vocabulary(const struct hh_content *c)
{
	json_t *help = hh_render_when_to_get_help(c);
	json_t *sy = hh_render_symptoms(c);
	size_t flags = 0;
	CHECK(help != NULL && sy != NULL);
	for (size_t i = 0; i < c->n_symptoms; i++) {
		const struct hh_symptom *y = &c->symptoms[i];
		if (y->category != HH_CATEGORY_RED_FLAG)
			continue;
		flags++;
		CHECK(group_has(help, hh_level_name(y->level), y->code));
	}
	for (size_t i = 0; i < c->policy.n_rules; i++)
		CHECK(group_has(help, hh_level_name(c->policy.rules[i].level), c->policy.rules[i].code));
	/* Combinations are listed at their own level, from the same rules triage applies. */
	for (size_t i = 0; i < c->policy.n_combinations; i++)
		CHECK(group_has(help, hh_level_name(c->policy.combinations[i].level), c->policy.combinations[i].code));
	/* each level's group: its red flags, rules and combinations, nothing else */
	for (int l = HH_LEVEL_SEE_DOCTOR; l <= HH_LEVEL_EMERGENCY; l++) {
		size_t want = 0;
		for (size_t i = 0; i < c->n_symptoms; i++)
			want += c->symptoms[i].category == HH_CATEGORY_RED_FLAG && (int)c->symptoms[i].level == l;
		for (size_t i = 0; i < c->policy.n_rules; i++)
			want += (int)c->policy.rules[i].level == l;
		for (size_t i = 0; i < c->policy.n_combinations; i++)
			want += (int)c->policy.combinations[i].level == l;
		CHECK(json_array_size(json_object_get(help, hh_level_name((enum hh_level)l))) == want);
	}
	CHECK(c->policy.n_combinations >= 6);
	CHECK(flags >= 46);
	CHECK(c->n_symptoms >= 58);
	CHECK(json_array_size(json_object_get(sy, "items")) == c->n_symptoms);
	/* ages, where a red flag has them, as the request's numbers */
	for (size_t i = 0; i < c->n_symptoms; i++) {
		json_t *ages = json_object_get(json_array_get(json_object_get(sy, "items"), i), "ages");
		CHECK((ages != NULL) == c->symptoms[i].ages.given);
		if (ages != NULL)
			CHECK(json_integer_value(json_object_get(ages, "min")) == c->symptoms[i].ages.min &&
			      json_integer_value(json_object_get(ages, "max")) == c->symptoms[i].ages.max);
	}
	CHECK(json_is_string(json_object_get(sy, "ruleset_version")));
	json_t *first = json_array_get(json_object_get(sy, "items"), 0);
	CHECK_STR(json_string_value(json_object_get(first, "level")), "emergency");
	CHECK_STR(json_string_value(json_object_get(first, "category")), "red_flag");
	json_decref(help);
	json_decref(sy);
}

/* ------------------------------------------------------------ validation: POST */

/* Expects a 422 naming field with a message containing needle. */
static void post_422(const struct hh_content *c, const char *body, const char *field, const char *needle)
{
	struct hh_triage_input in;
	struct hh_field_errors errs;
	enum hh_error_kind kind;
	int rc = post_json(c, body, strlen(body), &in, &kind, &errs);
	CHECK(rc == -1 && kind == HH_E_VALIDATION);
	if (!has_error(&errs, field, needle)) {
		fprintf(stderr, "body %s: no error %s ~ %s\n", body, field, needle);
		print_errors("got", &errs);
		CHECK(0);
	}
}

static void post_400(const struct hh_content *c, const char *body, size_t len)
{
	struct hh_triage_input in;
	struct hh_field_errors errs;
	enum hh_error_kind kind;
	int rc = post_json(c, body, len, &in, &kind, &errs);
	CHECK(rc == -1 && kind == HH_E_MALFORMED_JSON);
	if (rc != -1 || kind != HH_E_MALFORMED_JSON)
		fprintf(stderr, "expected malformed: %.*s\n", (int)len, body);
}

static void post_ok(const struct hh_content *c, const char *body)
{
	struct hh_triage_input in;
	struct hh_field_errors errs;
	enum hh_error_kind kind;
	int rc = post_json(c, body, strlen(body), &in, &kind, &errs);
	CHECK(rc == 0 && errs.n == 0);
	if (rc != 0) {
		fprintf(stderr, "expected ok: %s\n", body);
		print_errors("got", &errs);
	}
}

static void test_post_validation(const struct hh_content *c)
{
	post_ok(c, "{\"symptoms\":[]}");
	post_ok(c,
		"{\"symptoms\":[\"fever\"],\"positions\":[],\"region\":\"upper_back\",\"duration_days\":0,\"age\":0}");
	post_ok(c, "{\"age\":130,\"duration_days\":36500,\"symptoms\":[\"worse_sitting\"],\"positions\":[\"lying_"
		   "down\"]}");

	/* Unknown codes are named; a typo in a red flag is a 422, never a lower answer. */
	post_422(c, "{\"symptoms\":[\"fever\",\"desk_slouching\",\"chest_pian\"]}", "symptoms[2]",
		 "unknown symptom code \"chest_pian\"");
	post_422(c, "{\"symptoms\":[\"Chest_Pain\"]}", "symptoms[0]", "unknown symptom code");
	post_422(c, "{\"symptoms\":[\"\"]}", "symptoms[0]", "unknown symptom code");
	post_422(c, "{\"symptoms\":[\"fever\",\"fever\"]}", "symptoms[1]", "duplicate");
	/* Out of range, wrong types, fractions, strings for numbers. */
	post_422(c, "{\"symptoms\":[],\"age\":131}", "age", "0 to 130");
	post_422(c, "{\"symptoms\":[],\"age\":-1}", "age", "0 to 130");
	post_422(c, "{\"symptoms\":[],\"duration_days\":36501}", "duration_days", "0 to 36500");
	post_422(c, "{\"symptoms\":[],\"duration_days\":12.5}", "duration_days", "whole number");
	post_422(c, "{\"symptoms\":[],\"duration_days\":1e3}", "duration_days", "whole number");
	post_422(c, "{\"symptoms\":[],\"age\":\"12\"}", "age", "whole number");
	post_422(c, "{\"symptoms\":[],\"age\":true}", "age", "whole number");
	post_422(c, "{\"symptoms\":[],\"age\":null}", "age", "whole number");
	post_422(c, "{\"symptoms\":[],\"age\":12.0}", "age", "whole number");
	post_422(c, "{\"symptoms\":\"fever\"}", "symptoms", "list");
	post_422(c, "{\"symptoms\":null}", "symptoms", "list");
	post_422(c, "{\"symptoms\":[1]}", "symptoms[0]", "string");
	post_422(c, "{\"symptoms\":[[\"fever\"]]}", "symptoms[0]", "string");
	post_422(c, "{\"symptoms\":[],\"positions\":\"sitting\"}", "positions", "list");
	post_422(c, "{\"symptoms\":[],\"positions\":[\"upside_down\"]}", "positions[0]", "unknown position");
	post_422(c, "{\"symptoms\":[],\"positions\":[\"sitting\",\"sitting\"]}", "positions[1]", "duplicate");
	post_422(c, "{\"symptoms\":[],\"region\":\"lower_back\"}", "region", "unknown region");
	post_422(c, "{\"symptoms\":[],\"region\":[\"upper_back\"]}", "region", "unknown region");
	/* Shape: missing symptoms, unknown field, not an object. */
	post_422(c, "{}", "symptoms", "required");
	post_422(c, "{\"age\":30}", "symptoms", "required");
	post_422(c, "{\"symptoms\":[],\"sympton\":[]}", "sympton", "unknown field");
	post_422(c, "{\"symptoms\":[],\"\\u00e9t\\u00e9\":1}", "(unnamed)", "unknown field");
	post_422(c, "[]", "body", "object");
	post_422(c, "\"fever\"", "body", "object");
	post_422(c, "42", "body", "object");
	post_422(c, "null", "body", "object");
	/* Brackets inside strings are not nesting. */
	post_422(c, "{\"symptoms\":[\"[[[[[[[[[[[[{{{{{{{{\"]}", "symptoms[0]", "unknown symptom code");
}

/* absent and unknown (API.md "Guided interview"): the same rules as symptoms, and one list per code. */
static void test_answer_lists(const struct hh_content *c)
{
	struct hh_triage_input in;
	struct hh_field_errors errs;
	enum hh_error_kind kind;
	const char *body = "{\"symptoms\":[\"fever\"],\"absent\":[\"chest_pain\"],\"unknown\":[\"iv_drug_use\"]}";
	CHECK(post_json(c, body, strlen(body), &in, &kind, &errs) == 0);
	CHECK(in.n_symptoms == 1 && in.n_absent == 1 && in.n_unknown == 1);
	CHECK_STR(in.absent[0]->code, "chest_pain");
	CHECK_STR(in.unknown[0]->code, "iv_drug_use");
	post_ok(c, "{\"symptoms\":[],\"absent\":[],\"unknown\":[]}");
	post_422(c, "{\"symptoms\":[\"fever\"],\"absent\":[\"fever\"]}", "absent[0]", "\"fever\" is in symptoms too");
	post_422(c, "{\"symptoms\":[],\"absent\":[\"fever\"],\"unknown\":[\"fever\"]}", "unknown[0]",
		 "\"fever\" is in absent too");
	post_422(c, "{\"symptoms\":[],\"unknown\":[\"fever\",\"fever\"]}", "unknown[1]", "duplicate");
	post_422(c, "{\"symptoms\":[],\"absent\":\"fever\"}", "absent", "list");
	post_422(c, "{\"symptoms\":[],\"unknown\":{}}", "unknown", "list");
	post_422(c, "{\"symptoms\":[],\"absent\":[\"chest_pian\"]}", "absent[0]",
		 "unknown symptom code \"chest_pian\"");
	post_422(c, "{\"symptoms\":[],\"unknown\":[3]}", "unknown[0]", "string");
	post_422(c, "{\"absent\":[]}", "symptoms", "required");
	/* every offending field at once */
	body = "{\"symptoms\":[\"fever\"],\"absent\":[\"fever\",\"nope\"],\"unknown\":\"x\",\"age\":200}";
	CHECK(post_json(c, body, strlen(body), &in, &kind, &errs) == -1 && errs.n == 4);
	CHECK(has_error(&errs, "absent[0]", "symptoms too") && has_error(&errs, "absent[1]", "nope"));
	CHECK(has_error(&errs, "unknown", "list") && has_error(&errs, "age", "0 to 130"));
	/* GET: comma-separated, the same messages */
	errs = (struct hh_field_errors){0};
	CHECK(get_query(c, "symptoms=fever&absent=chest_pain,saddle_numbness&unknown=", &in, &errs) == 0);
	CHECK(in.n_absent == 2 && in.n_unknown == 0);
	errs = (struct hh_field_errors){0};
	CHECK(get_query(c, "symptoms=&absent=fever&unknown=fever", &in, &errs) == -1);
	CHECK(has_error(&errs, "unknown[0]", "\"fever\" is in absent too"));
	errs = (struct hh_field_errors){0};
	CHECK(get_query(c, "symptoms=&absent=&absent=fever", &in, &errs) == -1 &&
	      has_error(&errs, "absent", "repeated"));
}

static void test_post_every_error_listed(const struct hh_content *c)
{
	const char *body = "{\"symptoms\":[\"fever\",\"chest_pian\"],\"positions\":[\"upside\"],\"region\":\"neck\","
			   "\"duration_days\":-4,\"age\":12.5,\"colour\":\"red\"}";
	struct hh_triage_input in;
	struct hh_field_errors errs;
	enum hh_error_kind kind;
	CHECK(post_json(c, body, strlen(body), &in, &kind, &errs) == -1);
	CHECK(kind == HH_E_VALIDATION);
	CHECK(errs.n == 6);
	CHECK(has_error(&errs, "symptoms[1]", "chest_pian"));
	CHECK(has_error(&errs, "positions[0]", "unknown position"));
	CHECK(has_error(&errs, "region", "unknown region"));
	CHECK(has_error(&errs, "duration_days", "0 to 36500"));
	CHECK(has_error(&errs, "age", "0 to 130"));
	CHECK(has_error(&errs, "colour", "unknown field"));
}

static void test_post_too_many(const struct hh_content *c)
{
	char body[8192];
	size_t used = (size_t)snprintf(body, sizeof(body), "{\"symptoms\":[");
	for (int i = 0; i < HH_TRIAGE_MAX_SYMPTOMS + 1; i++)
		used += (size_t)snprintf(body + used, sizeof(body) - used, "%s\"x%d\"", i ? "," : "", i);
	snprintf(body + used, sizeof(body) - used, "]}");
	post_422(c, body, "symptoms", "at most 64");
}

static void test_post_malformed(const struct hh_content *c)
{
	static const char nul_raw[] = "{\"symptoms\":[\"fever\"]}\0";
	static const char nul_in_string[] = "{\"symptoms\":[\"fe\0ver\"]}";
	char deep[256];
	size_t n = 0;

	post_400(c, "", 0);
	post_400(c, "{\"symptoms\":[}", 14);
	post_400(c, "{\"symptoms\":[]", 14);
	post_400(c, "{symptoms:[]}", 13);
	post_400(c, "{\"symptoms\":[]} {}", 18);
	post_400(c, "{\"symptoms\":[\"\xff\"]}", 19);
	post_400(c, "{\"symptoms\":[\"\\u0000\"]}", 23);
	post_400(c, nul_raw, sizeof(nul_raw) - 1);
	post_400(c, nul_in_string, sizeof(nul_in_string) - 1);
	post_400(c, "{\"symptoms\":[],\"symptoms\":[\"fever\"]}", 36);
	post_400(c, "{\"symptoms\":[],\"age\":99999999999999999999999}", 45);
	/* Nesting past HH_TRIAGE_MAX_DEPTH is refused before jansson recurses. */
	n += (size_t)snprintf(deep, sizeof(deep), "{\"symptoms\":");
	for (int i = 0; i < HH_TRIAGE_MAX_DEPTH; i++)
		deep[n++] = '[';
	for (int i = 0; i < HH_TRIAGE_MAX_DEPTH; i++)
		deep[n++] = ']';
	deep[n++] = '}';
	post_400(c, deep, n);
}

/* ------------------------------------------------------------ validation: GET */

static void get_422(const struct hh_content *c, const char *query, const char *field, const char *needle)
{
	struct hh_triage_input in;
	struct hh_field_errors errs = {0};
	CHECK(get_query(c, query, &in, &errs) == -1);
	if (!has_error(&errs, field, needle)) {
		fprintf(stderr, "query %s: no error %s ~ %s\n", query, field, needle);
		print_errors("got", &errs);
		CHECK(0);
	}
}

static void get_ok(const struct hh_content *c, const char *query)
{
	struct hh_triage_input in;
	struct hh_field_errors errs = {0};
	CHECK(get_query(c, query, &in, &errs) == 0);
	if (errs.n != 0) {
		fprintf(stderr, "expected ok: %s\n", query);
		print_errors("got", &errs);
	}
}

static void test_get_validation(const struct hh_content *c)
{
	struct hh_triage_input in;
	struct hh_field_errors errs = {0};

	get_ok(c, "symptoms=");
	get_ok(c, "symptoms");
	get_ok(c, "symptoms=fever,chest_pain&positions=sitting,standing&region=middle_back&duration_days=0&age=130");
	CHECK(get_query(c, "symptoms=&positions=", &in, &errs) == 0 && in.n_symptoms == 0 && in.positions == 0);
	CHECK(in.age == -1 && in.duration_days == -1 && in.region == 0);

	get_422(c, "", "symptoms", "required");
	get_422(c, "age=30", "symptoms", "required");
	get_422(c, "symptoms=fever,chest_pian", "symptoms[1]", "unknown symptom code \"chest_pian\"");
	get_422(c, "symptoms=fever,,chest_pain", "symptoms[1]", "unknown symptom code");
	get_422(c, "symptoms=fever,", "symptoms[1]", "unknown symptom code");
	get_422(c, "symptoms=fever,fever", "symptoms[1]", "duplicate");
	get_422(c, "symptoms=&symptoms=fever", "symptoms", "repeated");
	get_422(c, "symptoms=&age=3&age=4", "age", "repeated");
	get_422(c, "symptoms=&limit=3", "limit", "unknown parameter");
	get_422(c, "symptoms=&age=12.5", "age", "whole number");
	get_422(c, "symptoms=&age=1e3", "age", "whole number");
	get_422(c, "symptoms=&age=+5", "age", "whole number");
	get_422(c, "symptoms=&age=007", "age", "whole number");
	get_422(c, "symptoms=&age=", "age", "whole number");
	get_422(c, "symptoms=&age", "age", "whole number");
	get_422(c, "symptoms=&age=abc", "age", "whole number");
	get_422(c, "symptoms=&age=-1", "age", "0 to 130");
	get_422(c, "symptoms=&age=131", "age", "0 to 130");
	get_422(c, "symptoms=&age=99999999999999999999999", "age", "0 to 130");
	get_422(c, "symptoms=&duration_days=36501", "duration_days", "0 to 36500");
	get_422(c, "symptoms=&positions=sitting,sitting", "positions[1]", "duplicate");
	get_422(c, "symptoms=&positions=sitting,", "positions[1]", "unknown position");
	get_422(c, "symptoms=&region=", "region", "unknown region");
	get_422(c, "symptoms=&region=upper_back,middle_back", "region", "unknown region");

	/* Too many: 65 entries (duplicates too, but the count is named). */
	char q[2048];
	size_t used = (size_t)snprintf(q, sizeof(q), "symptoms=");
	for (int i = 0; i < HH_TRIAGE_MAX_SYMPTOMS + 1; i++)
		used += (size_t)snprintf(q + used, sizeof(q) - used, "%sx%d", i ? "," : "", i);
	get_422(c, q, "symptoms", "at most 64");
}

/* ------------------------------------------------------------ GET == POST */

static const struct {
	const char *json, *query;
} same_inputs[] = {
	{"{\"symptoms\":[]}", "symptoms="},
	{"{\"symptoms\":[\"desk_slouching\",\"worse_sitting\"],\"age\":30}",
	 "symptoms=desk_slouching,worse_sitting&age=30"},
	{"{\"age\":50,\"symptoms\":[\"fever\",\"weak_core\"]}", "symptoms=weak_core,fever&age=50"},
	{"{\"symptoms\":[\"chest_pain\",\"getting_worse\"],\"duration_days\":40,\"region\":\"upper_back\"}",
	 "region=upper_back&duration_days=40&symptoms=getting_worse,chest_pain"},
	{"{\"symptoms\":[\"stress_tension\"],\"positions\":[\"lying_down\",\"sitting\"]}",
	 "positions=sitting,lying_down&symptoms=stress_tension"},
	{"{\"symptoms\":[\"uneven_shoulders\",\"previous_injury\"],\"age\":19,\"duration_days\":27}",
	 "symptoms=previous_injury,uneven_shoulders&age=19&duration_days=27"},
	{"{\"symptoms\":[\"chest_pian\"],\"age\":12.5,\"region\":\"neck\"}",
	 "symptoms=chest_pian&age=12.5&region=neck"},
	{"{\"symptoms\":[\"fever\",\"fever\"],\"positions\":[\"up\"],\"duration_days\":-1}",
	 "symptoms=fever,fever&positions=up&duration_days=-1"},
	/* the guided interview's lists: answers, and the same 422s */
	{"{\"symptoms\":[\"fever\"],\"absent\":[\"chest_pain\",\"iv_drug_use\"],\"unknown\":[\"immunosuppressed\"]}",
	 "unknown=immunosuppressed&absent=iv_drug_use,chest_pain&symptoms=fever"},
	{"{\"symptoms\":[],\"absent\":[],\"unknown\":[]}", "symptoms=&absent=&unknown="},
	{"{\"symptoms\":[\"fever\"],\"absent\":[\"fever\",\"chest_pian\"],\"unknown\":[\"x\",\"fever\"]}",
	 "symptoms=fever&absent=fever,chest_pian&unknown=x,fever"},
};

static int same_errors(const struct hh_field_errors *a, const struct hh_field_errors *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i].field, b->v[i].field) != 0 || strcmp(a->v[i].message, b->v[i].message) != 0)
			return 0;
	return 1;
}

static void test_get_post_agree(const struct hh_content *c)
{
	for (size_t i = 0; i < HH_ARRAY_LEN(same_inputs); i++) {
		struct hh_triage_input pin, gin;
		struct hh_field_errors perr, gerr = {0};
		enum hh_error_kind kind;
		const char *body = same_inputs[i].json;
		int prc = post_json(c, body, strlen(body), &pin, &kind, &perr);
		int grc = get_query(c, same_inputs[i].query, &gin, &gerr);
		CHECK(prc == grc);
		CHECK(same_errors(&perr, &gerr));
		if (prc != 0 || grc != 0)
			continue;
		size_t pl = 0, gl = 0;
		char *p = answer(c, &pin, &pl), *g = answer(c, &gin, &gl);
		char pk[HH_TRIAGE_KEY_MAX], gk[HH_TRIAGE_KEY_MAX];
		CHECK(p != NULL && g != NULL && pl == gl && memcmp(p, g, pl) == 0);
		hh_triage_input_key(&pin, pk, sizeof(pk));
		hh_triage_input_key(&gin, gk, sizeof(gk));
		CHECK_STR(pk, gk);
		free(p);
		free(g);
	}
}

/* ------------------------------------------------------------ bounds in the OpenAPI document */

/* Checks schema (an integer schema for age or duration_days) against the engine's bound. */
static int check_bound(const char *name, json_t *schema)
{
	long long want = strcmp(name, "age") == 0 ? HH_TRIAGE_AGE_MAX : HH_TRIAGE_DURATION_DAYS_MAX;
	json_t *min = json_object_get(schema, "minimum"), *max = json_object_get(schema, "maximum");
	CHECK(json_integer_value(min) == 0 && json_is_integer(min));
	CHECK(json_integer_value(max) == want && json_is_integer(max));
	if (json_integer_value(max) != want)
		fprintf(stderr, "openapi.json: %s maximum %lld, the engine accepts up to %lld\n", name,
			(long long)json_integer_value(max), want);
	return 1;
}

static int is_bounded(const char *name)
{
	return strcmp(name, "age") == 0 || strcmp(name, "duration_days") == 0;
}

/* Every query parameter and body property named age or duration_days, at any depth. */
static int walk_bounds(json_t *v)
{
	int found = 0;
	const char *key;
	json_t *sub;
	size_t i;
	if (json_is_array(v)) {
		json_array_foreach(v, i, sub)
		{
			found += walk_bounds(sub);
		}
		return found;
	}
	if (!json_is_object(v))
		return 0;
	json_t *name = json_object_get(v, "name"), *schema = json_object_get(v, "schema");
	if (json_is_string(name) && is_bounded(json_string_value(name)) && json_is_object(schema))
		found += check_bound(json_string_value(name), schema);
	json_t *props = json_object_get(v, "properties");
	json_object_foreach(props, key, sub)
	{
		if (is_bounded(key) && json_is_object(sub))
			found += check_bound(key, sub);
	}
	json_object_foreach(v, key, sub)
	{
		found += walk_bounds(sub);
	}
	return found;
}

/*
 * The published contract states the same bounds the engine enforces
 * (HH_TRIAGE_AGE_MAX, HH_TRIAGE_DURATION_DAYS_MAX): the GET parameters and
 * the POST body, two places each.
 */
static void test_openapi_bounds(void)
{
	json_error_t err;
	json_t *doc = json_loadb(hh_openapi_json, hh_openapi_json_len, 0, &err);
	CHECK(doc != NULL);
	int found = walk_bounds(doc);
	CHECK(found >= 4);
	if (found < 4)
		fprintf(stderr, "openapi.json: %d age/duration_days schemas, at least 4 expected\n", found);
	json_decref(doc);
}

int main(void)
{
	struct hh_content *c = fixture_content("content");
	CHECK(c != NULL);
	if (c == NULL)
		return check_done();
	test_vignettes(c);
	test_properties(c);
	test_combination_properties(c);
	test_combination_parts(c);
	test_route_rules(c);
	test_unknown_floor(c);
	test_single_patterns_unambiguous(c);
	test_render_example(c);
	test_input_key(c);
	test_vocabulary(c);
	test_post_validation(c);
	test_post_every_error_listed(c);
	test_answer_lists(c);
	test_post_too_many(c);
	test_interview_properties(c);
	test_post_malformed(c);
	test_get_validation(c);
	test_get_post_agree(c);
	test_openapi_bounds();
	hh_content_free(c);
	return check_done();
}
