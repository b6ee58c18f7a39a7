/*
 * loader_checks.c - the loader's checks that need every file at once:
 * codes unique across symptoms, rules and combinations, every link to an
 * existing file, combinations' parts, the interview's screens. loader.c runs
 * them once every file is read.
 */
#include "loader_internal.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------ whole-folder checks */

/* Combination codes share the name space too: an answer lists them in red_flags. */
static void check_duplicate_combination(struct loader *L, const char *code, const char *path, size_t before)
{
	const struct hh_policy *p = &L->c->policy;
	for (size_t i = 0; i < before && i < p->n_combinations; i++)
		if (p->combinations[i].code != NULL && strcmp(p->combinations[i].code, code) == 0) {
			hh_field_fail(&L->policy->f, path,
				      "duplicate code \"%s\" (combinations[%zu] in %s has it already)", code, i,
				      POLICY_PATH);
			return;
		}
}

static void check_duplicate_code(struct loader *L, struct src *s, const char *code, const char *path,
				 size_t before_symptom, size_t before_rule)
{
	const struct hh_content *c = L->c;
	for (size_t i = 0; i < before_symptom && i < c->n_symptoms; i++)
		if (c->symptoms[i].code != NULL && strcmp(c->symptoms[i].code, code) == 0) {
			hh_field_fail(&s->f, path, "duplicate code \"%s\" (symptoms[%zu] in %s has it already)", code,
				      i, SYMPTOMS_PATH);
			return;
		}
	for (size_t i = 0; i < before_rule && i < c->policy.n_rules; i++)
		if (c->policy.rules[i].code != NULL && strcmp(c->policy.rules[i].code, code) == 0) {
			hh_field_fail(&s->f, path, "duplicate code \"%s\" (rules[%zu] in %s has it already)", code, i,
				      POLICY_PATH);
			return;
		}
}

/* Symptom and rule codes share one name space: a triage answer names either. */
void hh_loader_check_codes(struct loader *L)
{
	char path[HH_FIELD_PATH_LEN];
	const struct hh_content *c = L->c;
	for (size_t i = 0; L->symptoms != NULL && i < c->n_symptoms; i++) {
		if (c->symptoms[i].code == NULL)
			continue;
		hh_field_path_fit(path, snprintf(path, sizeof(path), "symptoms[%zu].code", i));
		check_duplicate_code(L, L->symptoms, c->symptoms[i].code, path, i, 0);
	}
	for (size_t i = 0; L->policy != NULL && i < c->policy.n_rules; i++) {
		if (c->policy.rules[i].code == NULL)
			continue;
		hh_field_path_fit(path, snprintf(path, sizeof(path), "rules[%zu].code", i));
		check_duplicate_code(L, L->policy, c->policy.rules[i].code, path, c->n_symptoms, i);
	}
	for (size_t i = 0; L->policy != NULL && i < c->policy.n_combinations; i++) {
		const char *code = c->policy.combinations[i].code;
		if (code == NULL)
			continue;
		hh_field_path_fit(path, snprintf(path, sizeof(path), "combinations[%zu].code", i));
		check_duplicate_code(L, L->policy, code, path, c->n_symptoms, c->policy.n_rules);
		check_duplicate_combination(L, code, path, i);
	}
}

/* ------------------------------------------------------------ combinations */

/* The symptom with code, skipping slots that failed to parse (NULL code); NULL if none. */
static const struct hh_symptom *find_symptom(const struct hh_content *c, const char *code)
{
	for (size_t i = 0; i < c->n_symptoms; i++)
		if (c->symptoms[i].code != NULL && strcmp(c->symptoms[i].code, code) == 0)
			return &c->symptoms[i];
	return NULL;
}

/* The red flag a part names, or NULL (reported: unknown, or a pattern, which raises no level). */
static const struct hh_symptom *part_flag(struct loader *L, const char *code, const char *path)
{
	const struct hh_symptom *y = find_symptom(L->c, code);
	char shown[HH_FIELD_SHORT_LEN];
	hh_field_shorten(code, shown);
	if (y == NULL)
		hh_field_fail(&L->policy->f, path, "unknown red flag \"%s\" (no such code in %s)", shown,
			      SYMPTOMS_PATH);
	else if (y->category != HH_CATEGORY_RED_FLAG)
		hh_field_fail(&L->policy->f, path, "\"%s\" is a pattern, not a red flag (patterns raise no level)",
			      shown);
	else
		return y;
	return NULL;
}

/*
 * A combination must be able to raise the level above what its parts give
 * alone, or it adds nothing: its level must be above every all_of part's,
 * and above at least one any_of part's (the others may already be as
 * urgent: the rule still fires for them and lists its message).
 */
static void check_combination(struct loader *L, size_t idx, const struct hh_combination *k)
{
	char path[HH_FIELD_PATH_LEN], level[HH_FIELD_PATH_LEN];
	/*
	 * self_care is refused by the schema (or the level was missing): judged
	 * there, not here. A route rule raises nothing, so it adds a route, not a level.
	 */
	int judged = k->level != HH_LEVEL_SELF_CARE && k->route == NULL;
	int any_raises = k->any_of.n == 0 || !judged;
	hh_field_path_fit(level, snprintf(level, sizeof(level), "combinations[%zu].level", idx));
	for (size_t i = 0; i < k->all_of.n; i++) {
		hh_field_path_fit(path, snprintf(path, sizeof(path), "combinations[%zu].all_of[%zu]", idx, i));
		const struct hh_symptom *y = k->all_of.v[i] ? part_flag(L, k->all_of.v[i], path) : NULL;
		if (judged && y != NULL && y->level >= k->level)
			hh_field_fail(&L->policy->f, level,
				      "%s adds nothing: all_of[%zu] \"%s\" is already %s on its own (make it higher)",
				      hh_level_name(k->level), i, y->code, hh_level_name(y->level));
	}
	for (size_t i = 0; i < k->any_of.n; i++) {
		hh_field_path_fit(path, snprintf(path, sizeof(path), "combinations[%zu].any_of[%zu]", idx, i));
		const struct hh_symptom *y = k->any_of.v[i] ? part_flag(L, k->any_of.v[i], path) : NULL;
		any_raises |= y == NULL || y->level < k->level; /* an unknown part is reported above */
	}
	if (!any_raises)
		hh_field_fail(&L->policy->f, level,
			      "%s adds nothing: every code in any_of is already %s or higher on its own",
			      hh_level_name(k->level), hh_level_name(k->level));
}

/* Only once symptoms.json read cleanly do we know every red flag there is. */
void hh_loader_check_combinations(struct loader *L)
{
	const struct hh_policy *p = &L->c->policy;
	if (L->policy == NULL || L->symptoms == NULL || L->symptoms->f.errors > 0)
		return;
	for (size_t i = 0; i < p->n_combinations; i++)
		if (p->combinations[i].code != NULL)
			check_combination(L, i, &p->combinations[i]);
}

static void check_links(struct loader *L, struct src *s, const char *key, const struct hh_strv *v, enum kind target)
{
	char path[HH_FIELD_PATH_LEN], shown[HH_FIELD_SHORT_LEN];
	for (size_t i = 0; i < v->n; i++) {
		if (v->v[i] == NULL || hh_walk_names_has(&L->names[target], v->v[i]))
			continue;
		hh_field_join_index(path, key, i);
		hh_field_shorten(v->v[i], shown);
		hh_field_fail(&s->f, path, "unknown %s \"%s\" (no file %s/%s.json)", kind_noun[target], shown,
			      kind_dir[target], shown);
	}
}

static void check_pattern_links(struct loader *L, struct src *s)
{
	char path[HH_FIELD_PATH_LEN], shown[HH_FIELD_SHORT_LEN];
	const struct hh_content *c = L->c;
	for (size_t i = 0; i < c->n_symptoms; i++) {
		const struct hh_symptom *y = &c->symptoms[i];
		for (size_t k = 0; k < y->n_weights; k++) {
			if (hh_walk_names_has(&L->names[KIND_CAUSE], y->weights[k].cause))
				continue;
			hh_field_path_fit(
				path, snprintf(path, sizeof(path), "symptoms[%zu].causes.%s", i, y->weights[k].cause));
			hh_field_shorten(y->weights[k].cause, shown);
			hh_field_fail(&s->f, path, "unknown cause \"%s\" (no file causes/%s.json)", shown, shown);
		}
	}
}

static int remedy_is_linked(const struct hh_content *c, const char *slug)
{
	for (size_t i = 0; i < c->n_causes; i++)
		for (size_t k = 0; k < c->causes[i].remedies.n; k++)
			if (c->causes[i].remedies.v[k] != NULL && strcmp(c->causes[i].remedies.v[k], slug) == 0)
				return 1;
	return 0;
}

/* Only when every cause file read cleanly do we know all the links there are. */
static int causes_complete(const struct loader *L)
{
	if (L->c->n_causes != L->names[KIND_CAUSE].n)
		return 0;
	for (size_t i = 0; i < L->n_srcs; i++)
		if (L->srcs[i]->kind == KIND_CAUSE && L->srcs[i]->f.errors > 0)
			return 0;
	return 1;
}

static void check_orphan_remedies(struct loader *L)
{
	for (size_t i = 0; i < L->n_srcs; i++) {
		struct src *s = L->srcs[i];
		const char *slug = s->has_entity && s->kind == KIND_REMEDY ? L->c->remedies[s->index].slug : NULL;
		if (slug != NULL && !remedy_is_linked(L->c, slug))
			hh_field_fail(&s->f, "slug",
				      "remedy \"%s\" is not linked from any cause (list it in a cause's remedies)",
				      slug);
	}
}

void hh_loader_check_references(struct loader *L)
{
	const struct hh_content *c = L->c;
	int complete = causes_complete(L);
	for (size_t i = 0; i < L->n_srcs; i++) {
		struct src *s = L->srcs[i];
		if (s->has_entity && s->kind == KIND_ARTICLE) {
			check_links(L, s, "causes", &c->articles[s->index].causes, KIND_CAUSE);
			check_links(L, s, "remedies", &c->articles[s->index].remedies, KIND_REMEDY);
		} else if (s->has_entity && s->kind == KIND_CAUSE) {
			check_links(L, s, "remedies", &c->causes[s->index].remedies, KIND_REMEDY);
		} else if (s->kind == KIND_SYMPTOMS) {
			check_pattern_links(L, s);
		}
	}
	if (complete)
		check_orphan_remedies(L);
}

/* ------------------------------------------------------------ interview */

/*
 * The asking order API.md gives: emergency flags, urgent flags, the
 * numbers, see_doctor flags, then the optional patterns; age may come
 * first (it decides which questions apply). A file that asks a less urgent
 * screen first is refused rather than re-ordered, so the file reads in the
 * order people are asked.
 */
static int question_rank(const struct hh_question *q)
{
	if (q->type == HH_QUESTION_INTEGER)
		return 2;
	if (q->covers == HH_QUESTION_PATTERNS)
		return 4;
	return q->covers == HH_LEVEL_EMERGENCY ? 0 : q->covers == HH_LEVEL_URGENT ? 1 : 3;
}

static int may_come_first(const struct hh_question *q)
{
	return q->type == HH_QUESTION_INTEGER && q->field == HH_RULE_AGE;
}

/* An item's code must be a symptom of what its question covers. */
static void check_item(struct loader *L, const struct hh_question *q, const char *code, const char *path)
{
	char shown[HH_FIELD_SHORT_LEN];
	const struct hh_symptom *y = find_symptom(L->c, code);
	hh_field_shorten(code, shown);
	if (y == NULL) {
		hh_field_fail(&L->interview->f, path, "unknown symptom code \"%s\" (no such code in %s)", shown,
			      SYMPTOMS_PATH);
		return;
	}
	int want = y->category == HH_CATEGORY_PATTERN ? HH_QUESTION_PATTERNS : (int)y->level;
	if (q->covers != want)
		hh_field_fail(&L->interview->f, path, "\"%s\" is %s; this question covers %s", shown,
			      want == HH_QUESTION_PATTERNS ? "a pattern" : hh_level_name(y->level),
			      q->covers == HH_QUESTION_PATTERNS ? "patterns" : hh_level_name((enum hh_level)q->covers));
}

/* How many items, over every question, name code. */
static size_t code_uses(const struct hh_content *c, const char *code)
{
	size_t n = 0;
	for (size_t i = 0; i < c->n_questions; i++)
		for (size_t k = 0; k < c->questions[i].n_items; k++)
			n += c->questions[i].items[k].code != NULL && strcmp(c->questions[i].items[k].code, code) == 0;
	return n;
}

static void check_question(struct loader *L, size_t idx, int *rank)
{
	char path[HH_FIELD_PATH_LEN];
	const struct hh_question *q = &L->c->questions[idx];
	int r = question_rank(q);
	if (r < *rank) {
		hh_field_path_fit(path, snprintf(path, sizeof(path), "questions[%zu]", idx));
		hh_field_fail(&L->interview->f, path,
			      "asked too late: the order is (age,) emergency, urgent, age and duration_days, "
			      "see_doctor, then pattern");
	}
	if (!may_come_first(q))
		*rank = r > *rank ? r : *rank;
	/* Nothing may become a no by being left unticked on the emergency screen (API.md). */
	if (q->type == HH_QUESTION_MULTIPLE && q->covers == HH_LEVEL_EMERGENCY) {
		hh_field_path_fit(path, snprintf(path, sizeof(path), "questions[%zu].type", idx));
		hh_field_fail(&L->interview->f, path,
			      "the emergency signs are asked one by one: use \"each\" (yes, no or \"I don't "
			      "know\" for every item)");
	}
	for (size_t i = 0; i < idx; i++)
		if (q->id != NULL && L->c->questions[i].id != NULL && strcmp(q->id, L->c->questions[i].id) == 0) {
			hh_field_path_fit(path, snprintf(path, sizeof(path), "questions[%zu].id", idx));
			hh_field_fail(&L->interview->f, path, "duplicate id \"%s\" (questions[%zu])", q->id, i);
		}
	for (size_t k = 0; k < q->n_items; k++) {
		if (q->items[k].code == NULL)
			continue;
		hh_field_path_fit(path, snprintf(path, sizeof(path), "questions[%zu].items[%zu].code", idx, k));
		check_item(L, q, q->items[k].code, path);
	}
}

/* Every red flag and every pattern on exactly one question: none unasked, none asked twice. */
static void check_coverage(struct loader *L)
{
	const struct hh_content *c = L->c;
	for (size_t i = 0; i < c->n_symptoms; i++) {
		const char *code = c->symptoms[i].code;
		size_t n = code != NULL ? code_uses(c, code) : 1;
		if (n == 0)
			hh_field_fail(&L->interview->f, "questions",
				      "\"%s\" is on no question (add it to the one "
				      "that covers %s)",
				      code,
				      c->symptoms[i].category == HH_CATEGORY_PATTERN
					      ? "pattern"
					      : hh_level_name(c->symptoms[i].level));
		else if (n > 1)
			hh_field_fail(&L->interview->f, "questions", "\"%s\" is on %zu questions (list it once)", code,
				      n);
	}
}

/* Only once symptoms.json read cleanly do we know every code there is. */
void hh_loader_check_interview(struct loader *L)
{
	int rank = 0;
	if (L->interview == NULL || L->interview->f.errors > 0 || L->symptoms == NULL || L->symptoms->f.errors > 0)
		return;
	for (size_t i = 0; i < L->c->n_questions; i++)
		check_question(L, i, &rank);
	check_coverage(L);
}
