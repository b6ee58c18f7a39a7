/*
 * test_interview.c - the guided interview (interview.h) against the real
 * content: vignettes run one screen at a time (tests/data/triage/
 * interview.txt), properties over many random answer sets, and the
 * loader's checks of triage/interview.json.
 *
 * Prints the figures the issue asks for: vignette cases, exact level,
 * under-triage, required questions (mean and max), and the property counts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "check.h"
#include "healthhub/loader.h"
#include "healthhub/triage.h"

/* The first review's interview vignettes, then the second's (routes, ages, the "each" screen). */
static const char *const vignette_files[] = {"tests/data/triage/interview.txt",
					     "tests/data/triage/interview-rules.txt"};
#define MAX_SCREENS 20 /* a run that needs more is a failure, not a hang */

static struct hh_content *load_dir(const char *dir, struct hh_diags *diags)
{
	struct hh_content *c = NULL;
	struct hh_content_files files = {0};
	if (hh_loader_read_dir(dir, &c, &files, diags) < 0)
		c = NULL;
	hh_content_files_free(&files);
	return c;
}

/* ------------------------------------------------------------ people */

enum truth { T_NO, T_YES, T_UNKNOWN };

/* What a person would answer to every question: one truth per symptom, and two numbers. */
struct person {
	enum truth t[128]; /* by index in c->symptoms */
	long long age, days;
};

static size_t index_of(const struct hh_content *c, const struct hh_symptom *y)
{
	return (size_t)(y - c->symptoms);
}

static void add(const struct hh_symptom **v, size_t *n, const struct hh_symptom *y)
{
	for (size_t i = 0; i < *n; i++)
		if (v[i] == y)
			return;
	if (*n < HH_TRIAGE_MAX_SYMPTOMS)
		v[(*n)++] = y;
}

static void answer_one(const struct hh_content *c, const struct person *p, const struct hh_symptom *y,
		       struct hh_triage_input *in)
{
	enum truth t = p->t[index_of(c, y)];
	if (t == T_YES)
		add(in->symptoms, &in->n_symptoms, y);
	else if (t == T_NO)
		add(in->absent, &in->n_absent, y);
	else
		add(in->unknown, &in->n_unknown, y);
}

static void empty_input(struct hh_triage_input *in)
{
	memset(in, 0, sizeof(*in));
	in->age = -1;
	in->duration_days = -1;
}

/* Everything the person would say, in one request. */
static void all_at_once(const struct hh_content *c, const struct person *p, struct hh_triage_input *in)
{
	empty_input(in);
	for (size_t i = 0; i < c->n_symptoms; i++)
		answer_one(c, p, &c->symptoms[i], in);
	in->age = p->age;
	in->duration_days = p->days;
}

/*
 * An app following next_question until it is NULL or optional; returns
 * the required screens shown (MAX_SCREENS + 1 when it never ends).
 */
static int one_by_one(const struct hh_content *c, const struct person *p, struct hh_triage_input *in,
		      struct hh_triage_result *r)
{
	empty_input(in);
	for (int screens = 0; screens <= MAX_SCREENS; screens++) {
		hh_triage_eval(c, in, r);
		const struct hh_interview_result *iv = &r->interview;
		if (iv->next == NULL || !iv->next_required)
			return screens;
		if (iv->next->type == HH_QUESTION_INTEGER) {
			if (iv->next->field == HH_RULE_AGE)
				in->age = p->age;
			else
				in->duration_days = p->days;
			continue;
		}
		for (size_t k = 0; k < iv->n_items; k++)
			answer_one(c, p, hh_content_symptom(c, iv->items[k]->code), in);
	}
	return MAX_SCREENS + 1;
}

/* ------------------------------------------------------------ random */

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static size_t below(size_t n)
{
	return (size_t)(rng() % n);
}

/* Mostly no, sometimes yes, now and then "I don't know"; combination parts more often, so they meet. */
static void random_person(const struct hh_content *c, struct person *p)
{
	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < c->n_symptoms; i++) {
		size_t r = below(100);
		p->t[i] = r < 6 ? T_YES : r < 9 ? T_UNKNOWN : T_NO;
	}
	for (size_t i = 0; i < c->policy.n_combinations && below(4) == 0; i++) {
		const struct hh_combination *k = &c->policy.combinations[below(c->policy.n_combinations)];
		for (size_t j = 0; j < k->all_of.n; j++)
			p->t[index_of(c, hh_content_symptom(c, k->all_of.v[j]))] = T_YES;
		if (k->any_of.n > 0)
			p->t[index_of(c, hh_content_symptom(c, k->any_of.v[below(k->any_of.n)]))] =
				below(3) == 0 ? T_UNKNOWN : T_YES;
	}
	p->age = below(4) == 0 ? (long long)below(131) : 20 + (long long)below(30);
	p->days = below(4) == 0 ? (long long)below(400) : (long long)below(28);
	/* nobody has a sign outside the ages it applies to (a pregnancy at 70) */
	for (size_t i = 0; i < c->n_symptoms; i++)
		if (!hh_triage_flag_applies(&c->symptoms[i], p->age))
			p->t[i] = T_NO;
}

/* A random partial answer set: each symptom yes, no, unknown or not asked; numbers given or not. */
static void random_answers(const struct hh_content *c, struct hh_triage_input *in)
{
	struct person p;
	random_person(c, &p);
	empty_input(in);
	size_t asked = below(101);
	/* A quarter are nearly all no and nearly all asked: the sets where self_care could be complete. */
	int near_done = below(4) == 0;
	if (near_done) {
		for (size_t i = 0; i < c->n_symptoms; i++)
			p.t[i] = below(100) < 2 ? (enum truth)(1 + below(2)) : T_NO;
		asked = 92 + below(9);
	}
	for (size_t i = 0; i < c->n_symptoms; i++)
		if (below(100) < asked)
			answer_one(c, &p, &c->symptoms[i], in);
	if (near_done || below(2))
		in->age = p.age;
	if (near_done || below(2))
		in->duration_days = p.days;
}

static int in_list(const struct hh_symptom *const *v, size_t n, const struct hh_symptom *y)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == y)
			return 1;
	return 0;
}

static int answered(const struct hh_triage_input *in, const struct hh_symptom *y)
{
	return in_list(in->symptoms, in->n_symptoms, y) || in_list(in->absent, in->n_absent, y) ||
	       in_list(in->unknown, in->n_unknown, y);
}

static int listed(const struct hh_interview_result *iv, const char *code)
{
	for (size_t i = 0; i < iv->n_unanswered; i++)
		if (strcmp(iv->unanswered[i], code) == 0)
			return 1;
	return 0;
}

/* ------------------------------------------------------------ properties */

/* complete + self_care: every red flag answered no, both numbers known and firing no rule. */
static int safe_self_care(const struct hh_content *c, const struct hh_triage_input *in)
{
	if (in->age < 0 || in->duration_days < 0)
		return 0;
	/* a red flag outside its ages counts as answered no (API.md) */
	for (size_t i = 0; i < c->n_symptoms; i++)
		if (c->symptoms[i].category == HH_CATEGORY_RED_FLAG &&
		    !in_list(in->absent, in->n_absent, &c->symptoms[i]) &&
		    hh_triage_flag_applies(&c->symptoms[i], in->age))
			return 0;
	for (size_t i = 0; i < c->policy.n_rules; i++) {
		const struct hh_rule *r = &c->policy.rules[i];
		long long v = r->field == HH_RULE_AGE ? in->age : in->duration_days;
		if (r->kind == HH_RULE_NUMBER && v >= r->min && v <= r->max)
			return 0;
	}
	return 1;
}

/* complete means final: no way of answering what is left (yes to all of it, numbers anywhere) raises it. */
static int complete_is_final(const struct hh_content *c, const struct hh_triage_input *in, enum hh_level level)
{
	static const long long probes[] = {0, 4, 5, 15, 16, 19, 20, 49, 50, 64, 65, 130, 7, 8, 27, 28, 36500};
	for (size_t a = 0; a < sizeof(probes) / sizeof(probes[0]); a++) {
		struct hh_triage_input worst = *in;
		worst.age = in->age >= 0 ? in->age : probes[a];
		worst.duration_days = in->duration_days >= 0 ? in->duration_days : probes[a];
		/* a yes to everything not answered no (a sign outside its ages is answered no) */
		for (size_t i = 0; i < c->n_symptoms; i++)
			if (!in_list(in->symptoms, in->n_symptoms, &c->symptoms[i]) &&
			    !in_list(in->absent, in->n_absent, &c->symptoms[i]) &&
			    hh_triage_flag_applies(&c->symptoms[i], in->age))
				add(worst.symptoms, &worst.n_symptoms, &c->symptoms[i]);
		if (hh_triage_level(c, &worst) > level)
			return 0;
	}
	return 1;
}

struct tally {
	int complete, complete_self_care, with_unknown; /* how often each case was met: the checks are not vacuous */
	int unsafe, not_final, unknown_as_no, not_uncertain, no_raised, yes_lowered, unknown_moved;
};

static void check_answer_set(const struct hh_content *c, const struct hh_triage_input *in, struct tally *t)
{
	struct hh_triage_result r, r2;
	hh_triage_eval(c, in, &r);
	const struct hh_interview_result *iv = &r.interview;
	t->complete += iv->complete;
	t->complete_self_care += iv->complete && r.level == HH_LEVEL_SELF_CARE;
	t->with_unknown += in->n_unknown > 0;
	if (iv->complete && r.level == HH_LEVEL_SELF_CARE)
		t->unsafe += !safe_self_care(c, in);
	if (iv->complete)
		t->not_final += !complete_is_final(c, in, r.level);
	/* An unknown red flag whose own level is above the answer's is open, and uncertain. */
	for (size_t i = 0; i < in->n_unknown; i++) {
		const struct hh_symptom *y = in->unknown[i];
		/* (outside its ages a red flag counts as answered no, whatever the answer) */
		if (y->category != HH_CATEGORY_RED_FLAG || y->level <= r.level || !hh_triage_flag_applies(y, in->age))
			continue;
		t->unknown_as_no += iv->complete || !listed(iv, y->code);
		int found = 0;
		for (size_t k = 0; k < iv->n_uncertain; k++)
			found |= strcmp(iv->uncertain[k].code, y->code) == 0 && iv->uncertain[k].level >= y->level;
		t->not_uncertain += !found;
	}
	/* One more answer to a question not yet answered: no, yes, or "I don't know". */
	const struct hh_symptom *y = &c->symptoms[below(c->n_symptoms)];
	if (answered(in, y))
		return;
	struct hh_triage_input more = *in;
	add(more.absent, &more.n_absent, y);
	hh_triage_eval(c, &more, &r2);
	t->no_raised += r2.level > r.level;
	more = *in;
	add(more.symptoms, &more.n_symptoms, y);
	hh_triage_eval(c, &more, &r2);
	t->yes_lowered += r2.level < r.level;
	enum hh_level yes = r2.level;
	more = *in;
	add(more.unknown, &more.n_unknown, y);
	hh_triage_eval(c, &more, &r2);
	/* never lowers the level, never gives more than a yes, never completes what was open */
	t->unknown_moved += r2.level < r.level || r2.level > yes || (r2.interview.complete && !iv->complete);
}

static void test_answer_sets(const struct hh_content *c)
{
	struct tally t = {0};
	const int rounds = CHECK_ROUNDS(20000);
	for (int i = 0; i < rounds; i++) {
		struct hh_triage_input in;
		random_answers(c, &in);
		check_answer_set(c, &in, &t);
	}
	printf("interview properties: %d random answer sets (%d complete, %d complete self_care, %d with an "
	       "unknown): %d unsafe self_care, %d complete but not final, "
	       "%d unknown taken as no, %d unknown not uncertain, %d raised by a no, %d lowered by a yes, "
	       "%d moved by an unknown\n",
	       rounds, t.complete, t.complete_self_care, t.with_unknown, t.unsafe, t.not_final, t.unknown_as_no,
	       t.not_uncertain, t.no_raised, t.yes_lowered, t.unknown_moved);
	CHECK(t.complete > rounds / 20 && t.complete_self_care > rounds / 100 && t.with_unknown > rounds / 3);
	CHECK(t.unsafe == 0);
	CHECK(t.not_final == 0);
	CHECK(t.unknown_as_no == 0);
	CHECK(t.not_uncertain == 0);
	CHECK(t.no_raised == 0);
	CHECK(t.yes_lowered == 0);
	CHECK(t.unknown_moved == 0);
}

/*
 * One question at a time in a random order: any open code (or number) not
 * yet answered, until none is left. Returns the number of answers given.
 */
static int any_order(const struct hh_content *c, const struct person *p, struct hh_triage_input *in,
		     struct hh_triage_result *r)
{
	empty_input(in);
	for (int steps = 0; steps < 200; steps++) {
		const char *open[HH_INTERVIEW_MAX_CODES];
		size_t n = 0;
		hh_triage_eval(c, in, r);
		for (size_t i = 0; i < r->interview.n_unanswered; i++) {
			const char *code = r->interview.unanswered[i];
			const struct hh_symptom *y = hh_content_symptom(c, code);
			if (y == NULL || !answered(in, y))
				open[n++] = code;
		}
		if (n == 0)
			return steps;
		const char *code = open[below(n)];
		if (strcmp(code, "age") == 0)
			in->age = p->age;
		else if (strcmp(code, "duration_days") == 0)
			in->duration_days = p->days;
		else
			answer_one(c, p, hh_content_symptom(c, code), in);
	}
	return 200;
}

static int same_outcome(const struct hh_triage_result *a, const struct hh_triage_result *b)
{
	if (a->level != b->level || a->interview.complete != b->interview.complete ||
	    a->interview.n_uncertain != b->interview.n_uncertain || a->route != b->route)
		return 0;
	for (size_t i = 0; i < a->interview.n_uncertain; i++)
		if (strcmp(a->interview.uncertain[i].code, b->interview.uncertain[i].code) != 0 ||
		    a->interview.uncertain[i].level != b->interview.uncertain[i].level)
			return 0;
	return 1;
}

static void test_people(const struct hh_content *c)
{
	const int rounds = CHECK_ROUNDS(20000);
	int differ = 0, order_differs = 0, too_many = 0, max_screens = 0, unsafe = 0, self_care = 0;
	long total = 0;
	for (int i = 0; i < rounds; i++) {
		struct person p;
		struct hh_triage_input in, once, any;
		struct hh_triage_result r, ro, ra;
		random_person(c, &p);
		int screens = one_by_one(c, &p, &in, &r);
		all_at_once(c, &p, &once);
		hh_triage_eval(c, &once, &ro);
		differ += !same_outcome(&r, &ro);
		any_order(c, &p, &any, &ra);
		order_differs += !same_outcome(&ra, &ro);
		too_many += screens > 6;
		max_screens = screens > max_screens ? screens : max_screens;
		total += screens;
		if (r.interview.complete && r.level == HH_LEVEL_SELF_CARE) {
			self_care++;
			unsafe += !safe_self_care(c, &in);
		}
	}
	printf("interview people: %d random people (%d complete self_care): %d one-by-one differs from all at once, %d "
	       "random order "
	       "differs, %d unsafe self_care, required screens mean %.2f max %d, %d over 6\n",
	       rounds, self_care, differ, order_differs, unsafe, (double)total / rounds, max_screens, too_many);
	CHECK(self_care > 0);
	CHECK(differ == 0);
	CHECK(order_differs == 0);
	CHECK(unsafe == 0);
	CHECK(too_many == 0);
}

/* ------------------------------------------------------------ vignettes */

struct vtally {
	int cases, exact, under, over, complete_wrong, route_wrong, too_many, max_screens;
	long screens;
};

/* yes=a,b or unknown=a,b: sets each code's truth; 0, or -1 for an unknown code. */
static int set_truths(const struct hh_content *c, struct person *p, char *list, enum truth t)
{
	for (char *code = list; code != NULL && *code != '\0';) {
		char *comma = strchr(code, ',');
		if (comma != NULL)
			*comma = '\0';
		const struct hh_symptom *y = hh_content_symptom(c, code);
		if (y == NULL)
			return -1;
		p->t[index_of(c, y)] = t;
		code = comma != NULL ? comma + 1 : NULL;
	}
	return 0;
}

static int parse_token(const struct hh_content *c, struct person *p, char *tok, int *want_complete, const char **route)
{
	if (strncmp(tok, "route=", 6) == 0) {
		*route = tok + 6;
		return 0;
	}
	if (strcmp(tok, "complete") == 0 || strcmp(tok, "incomplete") == 0) {
		*want_complete = strcmp(tok, "complete") == 0;
		return 0;
	}
	if (strncmp(tok, "yes=", 4) == 0)
		return set_truths(c, p, tok + 4, T_YES);
	if (strncmp(tok, "unknown=", 8) == 0)
		return set_truths(c, p, tok + 8, T_UNKNOWN);
	if (strncmp(tok, "age=", 4) == 0)
		return hh_parse_int(tok + 4, 0, HH_TRIAGE_AGE_MAX, &p->age);
	if (strncmp(tok, "days=", 5) == 0)
		return hh_parse_int(tok + 5, 0, HH_TRIAGE_DURATION_DAYS_MAX, &p->days);
	return -1;
}

/* Splits s in place at runs of blanks; returns the count. */
static size_t tokens(char *s, char **out, size_t max)
{
	size_t n = 0;
	for (;;) {
		s += strspn(s, " \t");
		if (*s == '\0' || n == max)
			return n;
		out[n++] = s;
		s += strcspn(s, " \t");
		if (*s == '\0')
			return n;
		*s++ = '\0';
	}
}

static void run_vignette(const struct hh_content *c, const char *file, char *line, int lineno, struct vtally *t)
{
	struct person p = {.age = 35, .days = 7};
	const char *route = NULL;
	enum hh_level want;
	int want_complete = -1, bad = 0;
	char *toks[16];
	size_t n = tokens(line, toks, 16);
	if (n == 0 || hh_level_parse(toks[0], &want) < 0) {
		fprintf(stderr, "%s:%d: bad level\n", file, lineno);
		CHECK(0);
		return;
	}
	for (size_t i = 1; i < n; i++)
		bad |= parse_token(c, &p, toks[i], &want_complete, &route) < 0;
	CHECK(!bad && want_complete >= 0);
	struct hh_triage_input in;
	struct hh_triage_result r;
	int screens = one_by_one(c, &p, &in, &r);
	t->cases++;
	t->exact += r.level == want;
	t->under += r.level < want;
	t->over += r.level > want;
	t->complete_wrong += r.interview.complete != want_complete;
	const char *got_route = r.route != NULL ? r.route->code : "none";
	int route_wrong = route != NULL && strcmp(route, got_route) != 0;
	t->route_wrong += route_wrong;
	t->too_many += screens > 6;
	t->screens += screens;
	t->max_screens = screens > t->max_screens ? screens : t->max_screens;
	if (r.level != want || r.interview.complete != want_complete || screens > 6 || route_wrong)
		fprintf(stderr, "%s:%d: got %s %s route %s after %d screens\n", file, lineno, hh_level_name(r.level),
			r.interview.complete ? "complete" : "incomplete", got_route, screens);
}

static void test_vignette_file(const struct hh_content *c, const char *path, struct vtally *t)
{
	char line[1024];
	int lineno = 0;
	FILE *f = fopen(path, "r");
	CHECK(f != NULL);
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		char *hash = strchr(line, '#');
		if (hash != NULL)
			*hash = '\0';
		line[strcspn(line, "\r\n")] = '\0';
		if (strspn(line, " \t") == strlen(line))
			continue;
		run_vignette(c, path, line, lineno, t);
	}
	fclose(f);
}

static void test_vignettes(const struct hh_content *c)
{
	struct vtally t = {0};
	for (size_t i = 0; i < sizeof(vignette_files) / sizeof(vignette_files[0]); i++)
		test_vignette_file(c, vignette_files[i], &t);
	printf("interview vignettes: %d cases, %d exact level, %d under-triaged, %d over-triaged, %d completeness "
	       "wrong, %d route wrong, required questions mean %.2f max %d (limit 6)\n",
	       t.cases, t.exact, t.under, t.over, t.complete_wrong, t.route_wrong,
	       t.cases ? (double)t.screens / t.cases : 0.0, t.max_screens);
	CHECK(t.cases >= 30);
	CHECK(t.exact == t.cases);
	CHECK(t.under == 0);
	CHECK(t.complete_wrong == 0);
	CHECK(t.route_wrong == 0);
	CHECK(t.too_many == 0);
}

/* ------------------------------------------------------------ the content checks */

static char tmpdir[] = "/tmp/hh-interview-XXXXXX";

/* A fresh copy of the content with interview.json changed by edit (NULL: removed). */
static struct hh_content *load_edited(void (*edit)(json_t *root), struct hh_diags *diags)
{
	char cmd[256], path[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s/content && cp -r content %s/content", tmpdir, tmpdir);
	CHECK(system(cmd) == 0);
	snprintf(path, sizeof(path), "%s/content/triage/interview.json", tmpdir);
	if (edit == NULL) {
		CHECK(unlink(path) == 0);
	} else {
		json_t *root = json_load_file(path, 0, NULL);
		CHECK(root != NULL);
		edit(root);
		CHECK(json_dump_file(root, path, JSON_INDENT(2)) == 0);
		json_decref(root);
	}
	snprintf(path, sizeof(path), "%s/content", tmpdir);
	return load_dir(path, diags);
}

static json_t *question(json_t *root, size_t i)
{
	return json_array_get(json_object_get(root, "questions"), i);
}

static void drop_fever(json_t *root)
{
	CHECK(json_array_remove(json_object_get(question(root, 2), "items"), 0) == 0); /* fever */
}

static void typo_key(json_t *root)
{
	json_t *q = question(root, 1);
	CHECK(json_object_set(q, "covres", json_object_get(q, "covers")) == 0);
	CHECK(json_object_del(q, "covers") == 0);
}

static void wrong_level(json_t *root)
{
	json_t *item = json_array_get(json_object_get(question(root, 1), "items"), 0); /* chest_pain */
	CHECK(json_array_append(json_object_get(question(root, 2), "items"), item) == 0);
	CHECK(json_array_remove(json_object_get(question(root, 1), "items"), 0) == 0);
}

static void narrow_bounds(json_t *root)
{
	CHECK(json_object_set_new(question(root, 0), "max", json_integer(120)) == 0);
}

/* The urgent screen before the emergency one. */
static void swap_order(json_t *root)
{
	json_t *qs = json_object_get(root, "questions");
	json_t *first = json_incref(json_array_get(qs, 1));
	CHECK(json_array_remove(qs, 1) == 0 && json_array_insert_new(qs, 2, first) == 0);
}

/* Age after the duration (allowed anywhere before the see_doctor screen, but not after it). */
static void age_late(json_t *root)
{
	json_t *qs = json_object_get(root, "questions");
	json_t *age = json_incref(json_array_get(qs, 0));
	CHECK(json_array_remove(qs, 0) == 0 && json_array_insert_new(qs, 4, age) == 0);
}

/* The emergency screen as a checklist: an unticked item would become a no. */
static void emergency_checklist(json_t *root)
{
	CHECK(json_object_set_new(question(root, 1), "type", json_string("multiple")) == 0);
}

static void unknown_code(json_t *root)
{
	json_t *item = json_array_get(json_object_get(question(root, 1), "items"), 0);
	CHECK(json_object_set_new(item, "code", json_string("chest_pian")) == 0);
}

static void twice(json_t *root)
{
	json_t *fever = json_array_get(json_object_get(question(root, 2), "items"), 0);
	CHECK(json_array_append(json_object_get(question(root, 2), "items"), fever) == 0);
}

static int has_diag(const struct hh_diags *d, const char *needle)
{
	for (size_t i = 0; i < d->n; i++)
		if (strstr(d->v[i].message, needle) != NULL && strcmp(d->v[i].file, "triage/interview.json") == 0)
			return 1;
	hh_diags_print(d, stderr);
	return 0;
}

static void test_content_checks(void)
{
	static const struct {
		void (*edit)(json_t *root);
		const char *needle;
	} cases[] = {
		{drop_fever, "\"fever\" is on no question"},
		{typo_key, "did you mean \"covers\""},
		{wrong_level, "\"chest_pain\" is emergency; this question covers urgent"},
		{narrow_bounds, "must be 130"},
		{swap_order, "asked too late"},
		{age_late, "asked too late"},
		{emergency_checklist, "the emergency signs are asked one by one: use \"each\""},
		{unknown_code, "unknown symptom code \"chest_pian\""},
		{twice, "\"fever\" is on 2 questions"},
	};
	CHECK(mkdtemp(tmpdir) != NULL);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hh_diags diags = {0};
		struct hh_content *c = load_edited(cases[i].edit, &diags);
		CHECK(c == NULL);
		CHECK(has_diag(&diags, cases[i].needle));
		hh_content_free(c);
		hh_diags_free(&diags);
	}
	/* Without interview.json: valid, no questions, and still never complete with nothing answered. */
	struct hh_diags diags = {0};
	struct hh_content *c = load_edited(NULL, &diags);
	CHECK(c != NULL && c->n_questions == 0);
	if (c != NULL) {
		struct hh_triage_input in;
		struct hh_triage_result r;
		empty_input(&in);
		hh_triage_eval(c, &in, &r);
		CHECK(!r.interview.complete && r.interview.next == NULL && r.interview.n_unanswered > 0);
	}
	hh_content_free(c);
	hh_diags_free(&diags);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	CHECK(system(cmd) == 0);
}

/* The content's interview: the order and the screen texts API.md describes. */
static void test_content(const struct hh_content *c)
{
	static const char *const ids[] = {"age",      "emergency_signs",  "urgent_signs",
					  "duration", "see_doctor_signs", "patterns"};
	CHECK(c->n_questions == sizeof(ids) / sizeof(ids[0]));
	for (size_t i = 0; i < c->n_questions && i < sizeof(ids) / sizeof(ids[0]); i++)
		CHECK_STR(c->questions[i].id, ids[i]);
	/* age first: it decides which questions apply; the emergency signs one by one */
	CHECK(c->questions[0].type == HH_QUESTION_INTEGER && c->questions[0].max == HH_TRIAGE_AGE_MAX);
	CHECK(c->questions[1].type == HH_QUESTION_EACH && c->questions[1].covers == HH_LEVEL_EMERGENCY);
	CHECK(c->questions[3].field == HH_RULE_DURATION_DAYS && c->questions[3].max == HH_TRIAGE_DURATION_DAYS_MAX);
	for (size_t i = 0; i < c->n_questions; i++)
		for (size_t k = 0; k < c->questions[i].n_items; k++)
			CHECK(strlen(c->questions[i].items[k].text) <= (c->questions[i].covers == HH_LEVEL_EMERGENCY
										? 170u
										: 110u)); /* a line or two on a phone */
}

/* Everything answered no but code (left unasked) and the yes codes; age as given, 7 days. */
static void all_no_but(const struct hh_content *c, struct hh_triage_input *in, const char *open, const char *yes,
		       long long age)
{
	empty_input(in);
	in->age = age;
	in->duration_days = 7;
	for (size_t i = 0; i < c->n_symptoms; i++) {
		const struct hh_symptom *y = &c->symptoms[i];
		if (y->category != HH_CATEGORY_RED_FLAG || strcmp(y->code, open) == 0)
			continue;
		if (strstr(yes, y->code) != NULL)
			add(in->symptoms, &in->n_symptoms, y);
		else
			add(in->absent, &in->n_absent, y);
	}
}

/*
 * A question that could change the route is required even at the level the
 * answer already has; outside its ages it is not asked and counts as no.
 */
static void test_route_question(const struct hh_content *c)
{
	struct hh_triage_input in;
	struct hh_triage_result r;
	const struct hh_symptom *pregnant = hh_content_symptom(c, "pregnant");
	CHECK(pregnant != NULL && pregnant->ages.given && pregnant->ages.min == 12 && pregnant->ages.max == 55);
	/* 30, fever: urgent, and pregnancy is still asked, required, on the see_doctor screen */
	all_no_but(c, &in, "pregnant", "fever", 30);
	hh_triage_eval(c, &in, &r);
	CHECK(r.level == HH_LEVEL_URGENT && !r.interview.complete && r.interview.next_required);
	CHECK(r.interview.n_unanswered == 1 && strcmp(r.interview.unanswered[0], "pregnant") == 0);
	CHECK(r.interview.next != NULL && r.interview.n_items == 1 &&
	      strcmp(r.interview.items[0]->code, "pregnant") == 0);
	/* the same at 70, or at 11: not asked, complete */
	for (int k = 0; k < 2; k++) {
		all_no_but(c, &in, "pregnant", "fever", k == 0 ? 70 : 11);
		hh_triage_eval(c, &in, &r);
		CHECK(r.level == HH_LEVEL_URGENT && r.interview.complete && r.interview.next == NULL &&
		      r.route == NULL);
	}
	/* age not given (nothing on it could raise urgent): pregnancy might apply, so it is asked */
	all_no_but(c, &in, "pregnant", "fever", -1);
	hh_triage_eval(c, &in, &r);
	CHECK(!r.interview.complete && r.interview.n_items == 1 && strcmp(r.interview.items[0]->code, "pregnant") == 0);
	/* at emergency the route cannot apply: not asked */
	all_no_but(c, &in, "pregnant", "fever,chest_pain", 30);
	hh_triage_eval(c, &in, &r);
	CHECK(r.level == HH_LEVEL_EMERGENCY && r.interview.complete && r.route == NULL);
	/* answered yes at urgent: the route fires, the level stays */
	all_no_but(c, &in, "", "fever,pregnant", 30);
	hh_triage_eval(c, &in, &r);
	CHECK(r.level == HH_LEVEL_URGENT && r.interview.complete && r.route != NULL &&
	      strcmp(r.route->code, "pregnant_with_urgent_sign") == 0);
}

int main(void)
{
	struct hh_diags diags = {0};
	struct hh_content *c = load_dir("content", &diags);
	if (c == NULL)
		hh_diags_print(&diags, stderr);
	hh_diags_free(&diags);
	CHECK(c != NULL);
	if (c == NULL)
		return check_done();
	test_content(c);
	test_vignettes(c);
	test_route_question(c);
	test_answer_sets(c);
	test_people(c);
	test_content_checks();
	hh_content_free(c);
	return check_done();
}
