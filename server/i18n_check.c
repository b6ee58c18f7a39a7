/*
 * i18n_check.c - the loader's checks that need every country and language
 * file at once: the same term keys in every country, a language
 * version's non-text fields equal to English's, and every {placeholder} a
 * known term. Each problem names the file and field, as loader.c does.
 */
#include <stdio.h>
#include <string.h>

#include "healthhub/diags.h"
#include "healthhub/i18n.h"

#define FAIL(file, field, ...)                                       \
	do {                                                         \
		hh_diags_add(d, (file), 0, 0, (field), __VA_ARGS__); \
		(*errors)++;                                         \
	} while (0)

void hh_i18n_check_countries(const struct hh_content *c, struct hh_diags *d, size_t *errors)
{
	char file[96];
	for (size_t i = 0; i < c->n_countries; i++) {
		const struct hh_country *k = &c->countries[i];
		snprintf(file, sizeof(file), "countries/%s.json", k->code ? k->code : "?");
		if (i > 0 && !hh_strv_same(&k->keys, &c->countries[0].keys))
			FAIL(file, "terms",
			     "has other term keys than countries/%s.json (every country has the same keys)",
			     c->countries[0].code ? c->countries[0].code : "?");
		for (int l = 0; l < HH_LANG_COUNT; l++) {
			const char *t = hh_i18n_term(k, (enum hh_lang)l, "emergency_number", 16);
			if (t == NULL || !hh_str_same(t, k->emergency_number))
				FAIL(file, "emergency_number", "must equal terms.%s.emergency_number",
				     hh_lang_name((enum hh_lang)l));
		}
	}
}

/* ------------------------------------------------------------ a language against English */

struct cmp {
	const char *prefix;
	struct hh_diags *d;
	size_t *errors;
	char file[160];
};

static void differs(struct cmp *x, const char *field, const char *what)
{
	struct hh_diags *d = x->d;
	size_t *errors = x->errors;
	FAIL(x->file, field, "differs from the English file (%s): only texts are translated", what);
}

static void cmp_articles(struct cmp *x, const struct hh_content *en, const struct hh_content *tr)
{
	char field[96];
	for (size_t i = 0; i < en->n_articles; i++) {
		const struct hh_article *a = &en->articles[i];
		snprintf(x->file, sizeof(x->file), "%sarticles/%s.json", x->prefix, a->slug);
		const struct hh_article *b = NULL;
		for (size_t k = 0; k < tr->n_articles && b == NULL; k++)
			b = strcmp(tr->articles[k].slug, a->slug) == 0 ? &tr->articles[k] : NULL;
		if (b == NULL)
			continue; /* a language may cover part of the library: served in English */
		if (a->positions != b->positions || a->regions != b->regions)
			differs(x, "positions", "positions or regions");
		if (!hh_strv_same(&a->causes, &b->causes) || !hh_strv_same(&a->remedies, &b->remedies))
			differs(x, "causes", "causes or remedies");
		if (!hh_str_same(a->reviewed_at, b->reviewed_at) ||
		    !hh_str_same(a->next_review_due, b->next_review_due))
			differs(x, "reviewed_at", "review dates");
		if (a->n_sections != b->n_sections) {
			differs(x, "sections", "number of sections");
			continue;
		}
		for (size_t k = 0; k < a->n_sections; k++)
			if (!hh_str_same(a->sections[k].id, b->sections[k].id)) {
				snprintf(field, sizeof(field), "sections[%zu].id", k);
				differs(x, field, "section id");
			}
	}
}

static void cmp_causes(struct cmp *x, const struct hh_content *en, const struct hh_content *tr)
{
	for (size_t i = 0; i < en->n_causes; i++) {
		const struct hh_cause *a = &en->causes[i];
		snprintf(x->file, sizeof(x->file), "%scauses/%s.json", x->prefix, a->slug);
		const struct hh_cause *b = NULL;
		for (size_t k = 0; k < tr->n_causes && b == NULL; k++)
			b = strcmp(tr->causes[k].slug, a->slug) == 0 ? &tr->causes[k] : NULL;
		if (b == NULL)
			continue; /* a language may cover part of the library: served in English */
		if (a->positions != b->positions || a->regions != b->regions)
			differs(x, "positions", "positions or regions");
		if (!hh_strv_same(&a->remedies, &b->remedies))
			differs(x, "remedies", "remedies");
		if ((a->see_doctor_if == NULL) != (b->see_doctor_if == NULL))
			differs(x, "see_doctor_if", "null in one language only");
	}
}

static void cmp_remedies(struct cmp *x, const struct hh_content *en, const struct hh_content *tr)
{
	for (size_t i = 0; i < en->n_remedies; i++) {
		const struct hh_remedy *a = &en->remedies[i];
		snprintf(x->file, sizeof(x->file), "%sremedies/%s.json", x->prefix, a->slug);
		const struct hh_remedy *b = NULL;
		for (size_t k = 0; k < tr->n_remedies && b == NULL; k++)
			b = strcmp(tr->remedies[k].slug, a->slug) == 0 ? &tr->remedies[k] : NULL;
		if (b != NULL && a->steps.n != b->steps.n) /* none: served in English */
			differs(x, "steps", "number of steps");
	}
}

/* Slugs only in the translation: a renamed or misspelt file. */
static void cmp_extra(struct cmp *x, const struct hh_content *en, const struct hh_content *tr)
{
	for (size_t i = 0; i < tr->n_articles; i++)
		if (hh_content_article(en, tr->articles[i].slug) == NULL) {
			snprintf(x->file, sizeof(x->file), "%sarticles/%s.json", x->prefix, tr->articles[i].slug);
			differs(x, "slug", "no English article has this slug");
		}
	for (size_t i = 0; i < tr->n_causes; i++)
		if (hh_content_cause(en, tr->causes[i].slug) == NULL) {
			snprintf(x->file, sizeof(x->file), "%scauses/%s.json", x->prefix, tr->causes[i].slug);
			differs(x, "slug", "no English cause has this slug");
		}
	for (size_t i = 0; i < tr->n_remedies; i++)
		if (hh_content_remedy(en, tr->remedies[i].slug) == NULL) {
			snprintf(x->file, sizeof(x->file), "%sremedies/%s.json", x->prefix, tr->remedies[i].slug);
			differs(x, "slug", "no English remedy has this slug");
		}
}

static int range_same(const struct hh_range *a, const struct hh_range *b)
{
	return a->given == b->given && (!a->given || (a->min == b->min && a->max == b->max));
}

static void cmp_symptoms(struct cmp *x, const struct hh_content *en, const struct hh_content *tr)
{
	char field[96];
	snprintf(x->file, sizeof(x->file), "%striage/symptoms.json", x->prefix);
	if (en->n_symptoms != tr->n_symptoms) {
		differs(x, "symptoms", "number of symptoms");
		return;
	}
	for (size_t i = 0; i < en->n_symptoms; i++) {
		const struct hh_symptom *a = &en->symptoms[i], *b = &tr->symptoms[i];
		snprintf(field, sizeof(field), "symptoms[%zu]", i);
		if (!hh_str_same(a->code, b->code))
			differs(x, field, "code");
		else if (a->category != b->category || a->level != b->level || a->n_weights != b->n_weights)
			differs(x, field, "category, level or causes");
		else if (!range_same(&a->ages, &b->ages))
			differs(x, field, "ages");
	}
}

static void cmp_policy(struct cmp *x, const struct hh_content *en, const struct hh_content *tr)
{
	char field[96];
	const struct hh_policy *a = &en->policy, *b = &tr->policy;
	snprintf(x->file, sizeof(x->file), "%striage/policy.json", x->prefix);
	if (a->max_causes != b->max_causes || a->max_remedies != b->max_remedies)
		differs(x, "max_causes", "max_causes or max_remedies");
	if (a->n_rules != b->n_rules)
		differs(x, "rules", "number of rules");
	for (size_t i = 0; i < a->n_rules && i < b->n_rules; i++) {
		const struct hh_rule *p = &a->rules[i], *q = &b->rules[i];
		snprintf(field, sizeof(field), "rules[%zu]", i);
		if (!hh_str_same(p->code, q->code) || p->kind != q->kind || p->field != q->field || p->min != q->min ||
		    p->max != q->max || p->unknown_level != q->unknown_level || p->level != q->level)
			differs(x, field, "code, field, unknown, bounds or level");
	}
	snprintf(x->file, sizeof(x->file), "%striage/combinations.json", x->prefix);
	if (a->n_combinations != b->n_combinations)
		differs(x, "combinations", "number of combination rules");
	for (size_t i = 0; i < a->n_combinations && i < b->n_combinations; i++) {
		const struct hh_combination *p = &a->combinations[i], *q = &b->combinations[i];
		snprintf(field, sizeof(field), "combinations[%zu]", i);
		if (!hh_str_same(p->code, q->code) || p->level != q->level || !hh_strv_same(&p->all_of, &q->all_of) ||
		    !hh_strv_same(&p->any_of, &q->any_of) || !range_same(&p->age, &q->age) ||
		    !range_same(&p->duration_days, &q->duration_days) || (p->route == NULL) != (q->route == NULL))
			differs(x, field, "code, level, all_of, any_of, age, duration_days or whether it has a route");
	}
}

/* The interview: same screens in the same order, same item codes; only the texts differ. */
static void cmp_interview(struct cmp *x, const struct hh_content *en, const struct hh_content *tr)
{
	char field[96];
	snprintf(x->file, sizeof(x->file), "%striage/interview.json", x->prefix);
	if (en->n_questions != tr->n_questions) {
		differs(x, "questions", "number of questions");
		return;
	}
	for (size_t i = 0; i < en->n_questions; i++) {
		const struct hh_question *a = &en->questions[i], *b = &tr->questions[i];
		snprintf(field, sizeof(field), "questions[%zu]", i);
		if (!hh_str_same(a->id, b->id) || a->type != b->type || a->covers != b->covers ||
		    a->field != b->field || a->min != b->min || a->max != b->max || a->n_items != b->n_items) {
			differs(x, field, "id, type, covers, field, min, max or number of items");
			continue;
		}
		for (size_t k = 0; k < a->n_items; k++)
			if (!hh_str_same(a->items[k].code, b->items[k].code)) {
				snprintf(field, sizeof(field), "questions[%zu].items[%zu].code", i, k);
				differs(x, field, "code");
			}
	}
}

void hh_i18n_compare(const struct hh_content *en, const struct hh_content *tr, const char *prefix, struct hh_diags *d,
		     size_t *errors)
{
	struct cmp x = {.prefix = prefix, .d = d, .errors = errors};
	cmp_articles(&x, en, tr);
	cmp_causes(&x, en, tr);
	cmp_remedies(&x, en, tr);
	cmp_extra(&x, en, tr);
	cmp_symptoms(&x, en, tr);
	cmp_policy(&x, en, tr);
	cmp_interview(&x, en, tr);
}

/* ------------------------------------------------------------ placeholders */

struct ph {
	const struct hh_strv *keys;
	struct hh_diags *d;
	size_t *errors;
	char file[160];
};

static void ph_text(struct ph *x, const char *field, const char *text)
{
	char bad[64];
	struct hh_diags *d = x->d;
	size_t *errors = x->errors;
	if (text != NULL && hh_i18n_check(text, x->keys, bad, sizeof(bad)) < 0)
		FAIL(x->file, field, "unknown placeholder %s (the term keys are those of countries/*.json)", bad);
}

static void ph_strv(struct ph *x, const char *name, const struct hh_strv *v)
{
	char field[96];
	for (size_t i = 0; i < v->n; i++) {
		snprintf(field, sizeof(field), "%s[%zu]", name, i);
		ph_text(x, field, v->v[i]);
	}
}

static void ph_entities(struct ph *x, const struct hh_content *c, const char *prefix)
{
	char field[96];
	for (size_t i = 0; i < c->n_articles; i++) {
		const struct hh_article *a = &c->articles[i];
		snprintf(x->file, sizeof(x->file), "%sarticles/%s.json", prefix, a->slug);
		ph_text(x, "title", a->title);
		ph_text(x, "summary", a->summary);
		ph_strv(x, "alternate_names", &a->alternate_names);
		for (size_t k = 0; k < a->n_sections; k++) {
			snprintf(field, sizeof(field), "sections[%zu].heading", k);
			ph_text(x, field, a->sections[k].heading);
			snprintf(field, sizeof(field), "sections[%zu].body", k);
			ph_text(x, field, a->sections[k].body);
		}
	}
	for (size_t i = 0; i < c->n_causes; i++) {
		const struct hh_cause *k = &c->causes[i];
		snprintf(x->file, sizeof(x->file), "%scauses/%s.json", prefix, k->slug);
		ph_text(x, "name", k->name);
		ph_text(x, "summary", k->summary);
		ph_text(x, "description", k->description);
		ph_text(x, "see_doctor_if", k->see_doctor_if);
	}
	for (size_t i = 0; i < c->n_remedies; i++) {
		const struct hh_remedy *r = &c->remedies[i];
		snprintf(x->file, sizeof(x->file), "%sremedies/%s.json", prefix, r->slug);
		ph_text(x, "name", r->name);
		ph_text(x, "summary", r->summary);
		ph_text(x, "description", r->description);
		ph_strv(x, "steps", &r->steps);
	}
}

static void ph_triage(struct ph *x, const struct hh_content *c, const char *prefix)
{
	char field[96];
	snprintf(x->file, sizeof(x->file), "%striage/symptoms.json", prefix);
	for (size_t i = 0; i < c->n_symptoms; i++) {
		snprintf(field, sizeof(field), "symptoms[%zu].question", i);
		ph_text(x, field, c->symptoms[i].question);
		snprintf(field, sizeof(field), "symptoms[%zu].message", i);
		ph_text(x, field, c->symptoms[i].message);
	}
	snprintf(x->file, sizeof(x->file), "%striage/policy.json", prefix);
	ph_text(x, "disclaimer", c->policy.disclaimer);
	for (int l = 0; l < HH_LEVEL_COUNT; l++) {
		snprintf(field, sizeof(field), "advice.%s", hh_level_name((enum hh_level)l));
		ph_text(x, field, c->policy.advice[l]);
	}
	for (size_t i = 0; i < c->policy.n_rules; i++) {
		snprintf(field, sizeof(field), "rules[%zu].message", i);
		ph_text(x, field, c->policy.rules[i].message);
	}
	for (size_t i = 0; i < c->policy.n_combinations; i++) {
		snprintf(field, sizeof(field), "combinations[%zu].message", i);
		ph_text(x, field, c->policy.combinations[i].message);
		if (c->policy.combinations[i].route != NULL) {
			snprintf(field, sizeof(field), "combinations[%zu].route", i);
			ph_text(x, field, c->policy.combinations[i].route);
		}
	}
	snprintf(x->file, sizeof(x->file), "%striage/interview.json", prefix);
	for (size_t i = 0; i < c->n_questions; i++) {
		snprintf(field, sizeof(field), "questions[%zu].text", i);
		ph_text(x, field, c->questions[i].text);
		for (size_t k = 0; k < c->questions[i].n_items; k++) {
			snprintf(field, sizeof(field), "questions[%zu].items[%zu].text", i, k);
			ph_text(x, field, c->questions[i].items[k].text);
		}
	}
}

void hh_i18n_check_placeholders(const struct hh_content *c, struct hh_diags *d, size_t *errors)
{
	static const struct hh_strv none = {0};
	struct ph x = {.keys = c->n_countries > 0 ? &c->countries[0].keys : &none, .d = d, .errors = errors};
	ph_entities(&x, c, "");
	ph_triage(&x, c, "");
	for (int l = 0; l < HH_LANG_COUNT; l++) {
		if (c->translations[l] == NULL)
			continue;
		ph_entities(&x, c->translations[l], hh_lang_folder((enum hh_lang)l));
		ph_triage(&x, c->translations[l], hh_lang_folder((enum hh_lang)l));
	}
}
