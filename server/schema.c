/*
 * schema.c - the content formats (content/README.md), one checker per file
 * kind, written in terms of fields.h so every problem in a file is
 * reported, not just the first.
 */
#include "healthhub/schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "healthhub/hash.h"
#include "healthhub/i18n.h"
#include "healthhub/triage.h" /* the bounds of a rule's numbers */

/* ------------------------------------------------------------ files */

/* Nesting deeper than max: the format needs 4 levels, a fuzzer finds 2000. */
static int too_deep(json_t *v, int depth)
{
	if (depth > HH_SCHEMA_MAX_DEPTH)
		return 1;
	if (json_is_object(v)) {
		for (void *it = json_object_iter(v); it != NULL; it = json_object_iter_next(v, it))
			if (too_deep(json_object_iter_value(it), depth + 1))
				return 1;
	} else if (json_is_array(v)) {
		for (size_t i = 0; i < json_array_size(v); i++)
			if (too_deep(json_array_get(v, i), depth + 1))
				return 1;
	}
	return 0;
}

/* The entity checksum (hh_sha256_json) of obj at path, in the content's arena. */
static const char *entity_checksum(struct hh_field_src *s, json_t *obj, const char *path)
{
	char hex[65];
	if (path[0] == '\0' && s->checksum != NULL) /* a stored document: its checksum is this one */
		return hh_content_strdup(s->c, s->checksum);
	if (hh_sha256_json(obj, hex) < 0) {
		hh_field_fail(s, path, "cannot serialise the JSON (out of memory?)");
		return NULL;
	}
	return hh_content_strdup(s->c, hex);
}

json_t *hh_schema_load(struct hh_field_src *s)
{
	json_error_t err;
	json_t *root = json_loadb(s->buf, s->len, JSON_REJECT_DUPLICATES, &err);
	if (root == NULL) {
		hh_field_fail_at(s, err.line > 0 ? err.line : 0, err.column > 0 ? err.column : 0, "invalid JSON: %s",
				 err.text);
		return NULL;
	}
	if (!json_is_object(root))
		hh_field_fail(s, "", "the file must hold one JSON object, not %s", hh_field_type_name(root));
	else if (too_deep(root, 1))
		hh_field_fail(s, "", "JSON is nested more than %d levels deep", HH_SCHEMA_MAX_DEPTH);
	else
		return root;
	json_decref(root);
	return NULL;
}

/* ------------------------------------------------------------ entities */

/* The slug, which must also be the file's name. */
static const char *entity_slug(struct hh_field_src *s, json_t *obj)
{
	char shown[HH_FIELD_SHORT_LEN];
	const char *slug = hh_field_value_member(s, obj, "", "slug", HH_FIELD_REQUIRED, hh_field_slug);
	if (slug == NULL)
		return NULL;
	const char *slash = strrchr(s->rel, '/');
	const char *base = slash ? slash + 1 : s->rel;
	size_t n = strlen(slug);
	if (strncmp(base, slug, n) != 0 || strcmp(base + n, ".json") != 0)
		hh_field_fail(s, "slug", "slug \"%s\" does not match the file name %s (it must be %s.json)",
			      hh_field_shorten(slug, shown), base, slug);
	return slug;
}

static const char *const section_keys[] = {"id", "heading", "body", NULL};

static void check_section(struct hh_field_src *s, json_t *v, const char *path, struct hh_section *out)
{
	if (!json_is_object(v)) {
		hh_field_wrong_type(s, path, "an object", v);
		return;
	}
	hh_field_keys(s, v, path, section_keys);
	out->id = hh_field_value_member(s, v, path, "id", HH_FIELD_REQUIRED, hh_field_slug);
	out->heading = hh_field_text_member(s, v, path, "heading");
	out->body = hh_field_text_member(s, v, path, "body");
}

/* Section ids are anchors in the rendered page, so unique within it. */
static void check_section_id(struct hh_field_src *s, const struct hh_article *a, size_t i, const char *path)
{
	char field[HH_FIELD_PATH_LEN];
	const char *id = a->sections[i].id;
	for (size_t k = 0; id != NULL && k < i; k++)
		if (a->sections[k].id != NULL && strcmp(a->sections[k].id, id) == 0) {
			hh_field_join_key(field, path, "id");
			hh_field_fail(s, field, "section id \"%s\" is used twice", id);
			return;
		}
}

static void sections_member(struct hh_field_src *s, json_t *obj, struct hh_article *a)
{
	char item[HH_FIELD_PATH_LEN];
	json_t *arr = hh_field_array_member(s, obj, "", "sections", HH_FIELD_REQUIRED | HH_FIELD_NONEMPTY);
	if (arr == NULL)
		return;
	a->n_sections = json_array_size(arr);
	a->sections = hh_content_alloc(s->c, a->n_sections * sizeof(*a->sections));
	for (size_t i = 0; i < a->n_sections; i++) {
		hh_field_join_index(item, "sections", i);
		check_section(s, json_array_get(arr, i), item, &a->sections[i]);
		check_section_id(s, a, i, item);
	}
}

static void review_dates(struct hh_field_src *s, json_t *obj, struct hh_article *a)
{
	a->reviewed_at = hh_field_value_member(s, obj, "", "reviewed_at", HH_FIELD_REQUIRED, hh_field_date);
	a->next_review_due = hh_field_value_member(s, obj, "", "next_review_due", HH_FIELD_REQUIRED, hh_field_date);
	/* YYYY-MM-DD compares as text. */
	if (a->reviewed_at != NULL && a->next_review_due != NULL && strcmp(a->next_review_due, a->reviewed_at) <= 0)
		hh_field_fail(s, "next_review_due", "%s must be after reviewed_at (%s)", a->next_review_due,
			      a->reviewed_at);
}

static const char *const article_keys[] = {
	"slug",   "title",    "summary",    "alternate_names", "positions",       "regions", "sections",
	"causes", "remedies", "references", "reviewed_at",     "next_review_due", NULL,
};

void hh_schema_article(struct hh_field_src *s, json_t *obj, struct hh_article *a)
{
	hh_field_keys(s, obj, "", article_keys);
	a->slug = entity_slug(s, obj);
	a->title = hh_field_text_member(s, obj, "", "title");
	a->summary = hh_field_text_member(s, obj, "", "summary");
	hh_field_strv_member(s, obj, "", "alternate_names", HH_FIELD_REQUIRED | HH_FIELD_UNIQUE, hh_field_text,
			     &a->alternate_names);
	a->positions = hh_field_bits_member(s, obj, "positions", &hh_field_positions);
	a->regions = hh_field_bits_member(s, obj, "regions", &hh_field_regions);
	sections_member(s, obj, a);
	hh_field_strv_member(s, obj, "", "causes", HH_FIELD_REQUIRED | HH_FIELD_NONEMPTY | HH_FIELD_UNIQUE,
			     hh_field_slug, &a->causes);
	hh_field_strv_member(s, obj, "", "remedies", HH_FIELD_REQUIRED | HH_FIELD_NONEMPTY | HH_FIELD_UNIQUE,
			     hh_field_slug, &a->remedies);
	hh_field_references_member(s, obj, HH_FIELD_REQUIRED, &a->references);
	review_dates(s, obj, a);
	a->checksum = entity_checksum(s, obj, "");
}

static const char *const cause_keys[] = {
	"slug",    "name",     "summary",       "description", "positions",
	"regions", "remedies", "see_doctor_if", "references",  NULL,
};

void hh_schema_cause(struct hh_field_src *s, json_t *obj, struct hh_cause *c)
{
	hh_field_keys(s, obj, "", cause_keys);
	c->slug = entity_slug(s, obj);
	c->name = hh_field_text_member(s, obj, "", "name");
	c->summary = hh_field_text_member(s, obj, "", "summary");
	c->description = hh_field_text_member(s, obj, "", "description");
	c->positions = hh_field_bits_member(s, obj, "positions", &hh_field_positions);
	c->regions = hh_field_bits_member(s, obj, "regions", &hh_field_regions);
	hh_field_strv_member(s, obj, "", "remedies", HH_FIELD_REQUIRED | HH_FIELD_UNIQUE, hh_field_slug, &c->remedies);
	/* Required so that "no advice" is a decision, written as null. */
	json_t *v = hh_field_member(s, obj, "", "see_doctor_if", HH_FIELD_REQUIRED);
	if (v != NULL && !json_is_null(v))
		c->see_doctor_if = hh_field_text(s, v, "see_doctor_if");
	hh_field_references_member(s, obj, HH_FIELD_OPTIONAL, &c->references);
	c->checksum = entity_checksum(s, obj, "");
}

static const char *const remedy_keys[] = {
	"slug", "name", "summary", "description", "steps", "references", NULL,
};

void hh_schema_remedy(struct hh_field_src *s, json_t *obj, struct hh_remedy *r)
{
	hh_field_keys(s, obj, "", remedy_keys);
	r->slug = entity_slug(s, obj);
	r->name = hh_field_text_member(s, obj, "", "name");
	r->summary = hh_field_text_member(s, obj, "", "summary");
	r->description = hh_field_text_member(s, obj, "", "description");
	hh_field_strv_member(s, obj, "", "steps", HH_FIELD_REQUIRED | HH_FIELD_NONEMPTY, hh_field_text, &r->steps);
	hh_field_references_member(s, obj, HH_FIELD_OPTIONAL, &r->references);
	r->checksum = entity_checksum(s, obj, "");
}

/* ------------------------------------------------------------ triage */

static const char *const range_keys[] = {"min", "max", NULL};

/*
 * An optional inclusive range of a request number: {"min": N, "max": M},
 * both within the request's bounds for that number (0..hi), min <= max.
 */
static void range_member(struct hh_field_src *s, json_t *obj, const char *path, const char *key, long long hi,
			 struct hh_range *out)
{
	char field[HH_FIELD_PATH_LEN];
	json_t *v = hh_field_member(s, obj, path, key, HH_FIELD_OPTIONAL);
	if (v == NULL)
		return;
	hh_field_join_key(field, path, key);
	if (!json_is_object(v)) {
		hh_field_wrong_type(s, field, "an object {\"min\": N, \"max\": M}", v);
		return;
	}
	hh_field_keys(s, v, field, range_keys);
	int have_min = hh_field_int_member(s, v, field, "min", 0, hi, &out->min) == 0;
	int have_max = hh_field_int_member(s, v, field, "max", 0, hi, &out->max) == 0;
	if (have_min && have_max && out->min > out->max)
		hh_field_fail(s, field, "min (%lld) must not be greater than max (%lld)", out->min, out->max);
	else
		out->given = have_min && have_max;
}

static void check_weight(struct hh_field_src *s, const char *slug, json_t *v, const char *path, struct hh_symptom *y)
{
	char shown[HH_FIELD_SHORT_LEN];
	if (!hh_is_slug(slug)) {
		hh_field_fail(s, path, "\"%s\" is not a valid cause slug", hh_field_shorten(slug, shown));
		return;
	}
	struct hh_weight *w = &y->weights[y->n_weights++];
	w->cause = hh_content_strdup(s->c, slug);
	if (!json_is_integer(v))
		hh_field_wrong_type(s, path, "an integer weight from 1 to 100", v);
	else if (json_integer_value(v) < 1 || json_integer_value(v) > 100)
		hh_field_fail(s, path, "weight must be from 1 to 100, not %" JSON_INTEGER_FORMAT,
			      json_integer_value(v));
	else
		w->weight = (int)json_integer_value(v);
}

/* A pattern's causes: {"cause-slug": weight, ...}, in file order. */
static void weights_member(struct hh_field_src *s, json_t *obj, const char *path, struct hh_symptom *y)
{
	char field[HH_FIELD_PATH_LEN], item[HH_FIELD_PATH_LEN];
	json_t *w = hh_field_member(s, obj, path, "causes", HH_FIELD_REQUIRED);
	if (w == NULL)
		return;
	hh_field_join_key(field, path, "causes");
	if (!json_is_object(w)) {
		hh_field_wrong_type(s, field, "an object of cause slugs and weights", w);
		return;
	}
	size_t n = json_object_size(w);
	if (n == 0 || n > HH_FIELD_MAX_ITEMS) {
		hh_field_fail(s, field, "must name from 1 to %d causes", HH_FIELD_MAX_ITEMS);
		return;
	}
	y->weights = hh_content_alloc(s->c, n * sizeof(*y->weights));
	for (void *it = json_object_iter(w); it != NULL; it = json_object_iter_next(w, it)) {
		hh_field_join_key(item, field, json_object_iter_key(it));
		check_weight(s, json_object_iter_key(it), json_object_iter_value(it), item, y);
	}
}

static void parse_red_flag(struct hh_field_src *s, json_t *obj, const char *path, struct hh_symptom *y)
{
	hh_field_level_member(s, obj, path, 0, &y->level);
	y->message = hh_field_text_member(s, obj, path, "message");
	hh_field_source_member(s, obj, path, HH_FIELD_REQUIRED, &y->source);
	hh_field_forbid(s, obj, path, "causes", "a red flag has no causes (only patterns point at causes)");
	range_member(s, obj, path, "ages", HH_TRIAGE_AGE_MAX, &y->ages);
}

static void parse_pattern(struct hh_field_src *s, json_t *obj, const char *path, struct hh_symptom *y)
{
	y->level = HH_LEVEL_SELF_CARE;
	hh_field_forbid(s, obj, path, "level", "a pattern has no level (it is always self_care)");
	hh_field_forbid(s, obj, path, "message", "a pattern has no message");
	hh_field_forbid(s, obj, path, "ages", "a pattern is asked at every age (only red flags have ages)");
	hh_field_source_member(s, obj, path, HH_FIELD_OPTIONAL, &y->source);
	weights_member(s, obj, path, y);
}

static const char *const symptom_keys[] = {
	"code", "question", "category", "level", "message", "source", "causes", "ages", NULL,
};

static int category_member(struct hh_field_src *s, json_t *obj, const char *path, enum hh_category *out) HH_MUSTCHECK;

static int category_member(struct hh_field_src *s, json_t *obj, const char *path, enum hh_category *out)
{
	char field[HH_FIELD_PATH_LEN], shown[HH_FIELD_SHORT_LEN];
	json_t *v = hh_field_member(s, obj, path, "category", HH_FIELD_REQUIRED);
	if (v == NULL)
		return -1;
	hh_field_join_key(field, path, "category");
	if (!json_is_string(v)) {
		hh_field_wrong_type(s, field, "a string", v);
		return -1;
	}
	if (hh_category_parse(json_string_value(v), out) < 0) {
		hh_field_fail(s, field, "unknown category \"%s\" (expected red_flag or pattern)",
			      hh_field_shorten(json_string_value(v), shown));
		return -1;
	}
	return 0;
}

static void parse_symptom(struct hh_field_src *s, json_t *obj, const char *path, struct hh_symptom *y)
{
	if (!json_is_object(obj)) {
		hh_field_wrong_type(s, path, "an object", obj);
		return;
	}
	hh_field_keys(s, obj, path, symptom_keys);
	y->checksum = entity_checksum(s, obj, path);
	y->code = hh_field_value_member(s, obj, path, "code", HH_FIELD_REQUIRED, hh_field_code);
	y->question = hh_field_text_member(s, obj, path, "question");
	if (category_member(s, obj, path, &y->category) < 0)
		return;
	if (y->category == HH_CATEGORY_RED_FLAG)
		parse_red_flag(s, obj, path, y);
	else
		parse_pattern(s, obj, path, y);
}

static const char *const symptoms_keys[] = {"symptoms", NULL};

void hh_schema_symptoms(struct hh_field_src *s, json_t *obj)
{
	char item[HH_FIELD_PATH_LEN];
	struct hh_content *c = s->c;
	hh_field_keys(s, obj, "", symptoms_keys);
	json_t *arr = hh_field_array_member(s, obj, "", "symptoms", HH_FIELD_REQUIRED | HH_FIELD_NONEMPTY);
	if (arr == NULL)
		return;
	c->n_symptoms = json_array_size(arr);
	c->symptoms = hh_content_alloc(c, c->n_symptoms * sizeof(*c->symptoms));
	for (size_t i = 0; i < c->n_symptoms; i++) {
		hh_field_join_index(item, "symptoms", i);
		parse_symptom(s, json_array_get(arr, i), item, &c->symptoms[i]);
	}
}

static int rule_field_member(struct hh_field_src *s, json_t *obj, const char *path,
			     enum hh_rule_field *out) HH_MUSTCHECK;

static int rule_field_member(struct hh_field_src *s, json_t *obj, const char *path, enum hh_rule_field *out)
{
	char field[HH_FIELD_PATH_LEN], shown[HH_FIELD_SHORT_LEN];
	json_t *v = hh_field_member(s, obj, path, "field", HH_FIELD_REQUIRED);
	if (v == NULL)
		return -1;
	hh_field_join_key(field, path, "field");
	if (!json_is_string(v)) {
		hh_field_wrong_type(s, field, "a string", v);
		return -1;
	}
	if (hh_rule_field_parse(json_string_value(v), out) < 0) {
		hh_field_fail(s, field, "unknown field \"%s\" (expected age or duration_days)",
			      hh_field_shorten(json_string_value(v), shown));
		return -1;
	}
	return 0;
}

static const char *const rule_keys[] = {
	"code", "field", "min", "max", "unknown", "level", "message", "source", NULL,
};

/*
 * A floor rule: {"unknown": LEVEL, "level": ...}. Its level must be below
 * the unknown level: "I don't know" never counts as much as a yes.
 */
static void parse_floor_rule(struct hh_field_src *s, json_t *obj, const char *path, struct hh_rule *r)
{
	char field[HH_FIELD_PATH_LEN];
	static const char *const number_only[] = {"field", "min", "max"};
	r->kind = HH_RULE_UNKNOWN_FLOOR;
	for (size_t i = 0; i < HH_ARRAY_LEN(number_only); i++)
		hh_field_forbid(s, obj, path, number_only[i],
				"a rule on \"unknown\" answers tests no number (give either unknown or field)");
	const char *u = hh_field_value_member(s, obj, path, "unknown", HH_FIELD_REQUIRED, hh_field_code);
	hh_field_join_key(field, path, "unknown");
	if (u != NULL && (hh_level_parse(u, &r->unknown_level) < 0 || r->unknown_level == HH_LEVEL_SELF_CARE)) {
		r->unknown_level = HH_LEVEL_SELF_CARE;
		hh_field_fail(s, field,
			      "must be emergency, urgent or see_doctor: the level of the red flags it is for");
	}
	hh_field_level_member(s, obj, path, 0, &r->level);
	if (r->unknown_level != HH_LEVEL_SELF_CARE && r->level >= r->unknown_level)
		hh_field_fail(s, field, "a rule on \"I don't know\" must give less than a yes: %s is not below %s",
			      hh_level_name(r->level), hh_level_name(r->unknown_level));
}

static void parse_rule(struct hh_field_src *s, json_t *obj, const char *path, struct hh_rule *r)
{
	char field[HH_FIELD_PATH_LEN];
	if (!json_is_object(obj)) {
		hh_field_wrong_type(s, path, "an object", obj);
		return;
	}
	hh_field_keys(s, obj, path, rule_keys);
	r->checksum = entity_checksum(s, obj, path);
	r->code = hh_field_value_member(s, obj, path, "code", HH_FIELD_REQUIRED, hh_field_code);
	if (json_object_get(obj, "unknown") != NULL) {
		parse_floor_rule(s, obj, path, r);
		r->message = hh_field_text_member(s, obj, path, "message");
		hh_field_source_member(s, obj, path, HH_FIELD_REQUIRED, &r->source);
		return;
	}
	int have_field = rule_field_member(s, obj, path, &r->field) == 0;
	/* The same bounds the triage request accepts for the field. */
	long long hi = hh_triage_field_max(have_field ? r->field : HH_RULE_DURATION_DAYS);
	int have_min = hh_field_int_member(s, obj, path, "min", 0, hi, &r->min) == 0;
	int have_max = hh_field_int_member(s, obj, path, "max", 0, hi, &r->max) == 0;
	if (have_min && have_max && r->min > r->max) {
		hh_field_join_key(field, path, "min");
		hh_field_fail(s, field, "min (%lld) must not be greater than max (%lld)", r->min, r->max);
	}
	hh_field_level_member(s, obj, path, 1, &r->level);
	r->message = hh_field_text_member(s, obj, path, "message");
	hh_field_source_member(s, obj, path, HH_FIELD_REQUIRED, &r->source);
}

/* ------------------------------------------------------------ combinations */

static const char *const combination_keys[] = {
	"code", "all_of", "any_of", "age", "duration_days", "level", "route", "message", "source", NULL,
};

/* all_of or any_of: optional, but never an empty list (it would read as a condition). 0, or -1 if empty. */
static int combination_list(struct hh_field_src *s, json_t *obj, const char *path, const char *key, struct hh_strv *out)
{
	char field[HH_FIELD_PATH_LEN];
	json_t *v = json_object_get(obj, key);
	if (v != NULL && json_is_array(v) && json_array_size(v) == 0) {
		hh_field_join_key(field, path, key);
		hh_field_fail(s, field, "must not be empty (leave %s out when the rule has no such condition)", key);
		return -1;
	}
	hh_field_strv_member(s, obj, path, key, HH_FIELD_OPTIONAL | HH_FIELD_UNIQUE, hh_field_code, out);
	return 0;
}

/*
 * A code in both lists, or too few conditions to be a combination: the rule
 * is not what it says. The count is not judged after an empty list was
 * refused. A rule that raises the level needs a code and one more
 * condition (a code, or a range on age or duration_days); a route rule
 * needs a code, and tests no number (its level is where it applies).
 */
static void combination_shape(struct hh_field_src *s, json_t *obj, const char *path, const struct hh_combination *k,
			      int lists_ok)
{
	char field[HH_FIELD_PATH_LEN];
	size_t codes = k->all_of.n + (k->any_of.n > 0);
	/* a range written counts even when it was refused: that is reported at the range */
	size_t ranges = (json_object_get(obj, "age") != NULL) + (json_object_get(obj, "duration_days") != NULL);
	for (size_t i = 0; i < k->any_of.n; i++)
		for (size_t j = 0; k->any_of.v[i] != NULL && j < k->all_of.n; j++)
			if (k->all_of.v[j] != NULL && strcmp(k->all_of.v[j], k->any_of.v[i]) == 0) {
				hh_field_path_fit(field, snprintf(field, sizeof(field), "%s.any_of[%zu]", path, i));
				hh_field_fail(s, field, "\"%s\" is in all_of too (list it once)", k->any_of.v[i]);
			}
	if (!lists_ok)
		return;
	hh_field_join_key(field, path, k->all_of.n > 0 ? "all_of" : "any_of");
	if (codes == 0)
		hh_field_fail(s, field, "a combination needs at least one red flag (all_of or any_of)");
	else if (k->route != NULL && ranges > 0)
		hh_field_fail(s, path, "a route rule tests codes only (leave out age and duration_days)");
	/* Fewer than two conditions would only restate one red flag's level. */
	else if (k->route == NULL && codes + ranges < 2)
		hh_field_fail(s, field,
			      "a combination needs at least two conditions together (all_of with two or more "
			      "codes, or all_of and any_of, or codes and a range on age or duration_days)");
}

static void parse_combination(struct hh_field_src *s, json_t *obj, const char *path, struct hh_combination *k)
{
	if (!json_is_object(obj)) {
		hh_field_wrong_type(s, path, "an object", obj);
		return;
	}
	hh_field_keys(s, obj, path, combination_keys);
	k->checksum = entity_checksum(s, obj, path);
	k->code = hh_field_value_member(s, obj, path, "code", HH_FIELD_REQUIRED, hh_field_code);
	int all_ok = combination_list(s, obj, path, "all_of", &k->all_of) == 0;
	int any_ok = combination_list(s, obj, path, "any_of", &k->any_of) == 0;
	range_member(s, obj, path, "age", HH_TRIAGE_AGE_MAX, &k->age);
	range_member(s, obj, path, "duration_days", HH_TRIAGE_DURATION_DAYS_MAX, &k->duration_days);
	if (json_object_get(obj, "route") != NULL)
		k->route = hh_field_text_member(s, obj, path, "route");
	combination_shape(s, obj, path, k, all_ok && any_ok);
	hh_field_level_member(s, obj, path, 0, &k->level);
	k->message = hh_field_text_member(s, obj, path, "message");
	hh_field_source_member(s, obj, path, HH_FIELD_REQUIRED, &k->source);
}

/* Optional: a policy without combinations has none. */
static void combinations_member(struct hh_field_src *s, json_t *obj, struct hh_policy *p)
{
	char item[HH_FIELD_PATH_LEN];
	json_t *arr = hh_field_array_member(s, obj, "", "combinations", HH_FIELD_OPTIONAL);
	if (arr == NULL)
		return;
	if (json_array_size(arr) > HH_TRIAGE_MAX_COMBINATIONS) {
		/* Bounded so an answer can always list every combination that fired. */
		hh_field_fail(s, "combinations", "has %zu rules; at most %d are allowed", json_array_size(arr),
			      HH_TRIAGE_MAX_COMBINATIONS);
		return;
	}
	p->n_combinations = json_array_size(arr);
	p->combinations = hh_content_alloc(s->c, (p->n_combinations + 1) * sizeof(*p->combinations));
	for (size_t i = 0; i < p->n_combinations; i++) {
		hh_field_join_index(item, "combinations", i);
		parse_combination(s, json_array_get(arr, i), item, &p->combinations[i]);
	}
}

/* ------------------------------------------------------------ policy */

static const char *const level_keys[] = {"self_care", "see_doctor", "urgent", "emergency", NULL};

static void advice_member(struct hh_field_src *s, json_t *obj, struct hh_policy *p)
{
	json_t *v = hh_field_member(s, obj, "", "advice", HH_FIELD_REQUIRED);
	if (v == NULL)
		return;
	if (!json_is_object(v)) {
		hh_field_wrong_type(s, "advice", "an object", v);
		return;
	}
	hh_field_keys(s, v, "advice", level_keys);
	for (int l = 0; l < HH_LEVEL_COUNT; l++)
		p->advice[l] = hh_field_text_member(s, v, "advice", hh_level_name((enum hh_level)l));
}

static void rules_member(struct hh_field_src *s, json_t *obj, struct hh_policy *p)
{
	char item[HH_FIELD_PATH_LEN];
	json_t *arr = hh_field_array_member(s, obj, "", "rules", HH_FIELD_REQUIRED);
	if (arr == NULL)
		return;
	p->n_rules = json_array_size(arr);
	p->rules = hh_content_alloc(s->c, (p->n_rules + 1) * sizeof(*p->rules));
	for (size_t i = 0; i < p->n_rules; i++) {
		hh_field_join_index(item, "rules", i);
		parse_rule(s, json_array_get(arr, i), item, &p->rules[i]);
	}
}

static const char *const policy_keys[] = {
	"disclaimer", "advice", "rules", "combinations", "max_causes", "max_remedies", NULL,
};

/* The policy row is the file without its rules and combinations (they are rows of their own). */
static const char *policy_checksum(struct hh_field_src *s, json_t *obj)
{
	json_t *row = json_copy(obj); /* shallow: the members are shared, not copied */
	if (row == NULL) {
		hh_field_fail(s, "", "cannot copy the JSON (out of memory?)");
		return NULL;
	}
	(void)json_object_del(row, "rules");        /* -1 when absent, reported elsewhere */
	(void)json_object_del(row, "combinations"); /* -1 when absent: optional */
	const char *sum = entity_checksum(s, row, "");
	json_decref(row);
	return sum;
}

void hh_schema_policy(struct hh_field_src *s, json_t *obj, struct hh_policy *p)
{
	long long n;
	hh_field_keys(s, obj, "", policy_keys);
	p->disclaimer = hh_field_text_member(s, obj, "", "disclaimer");
	advice_member(s, obj, p);
	rules_member(s, obj, p);
	combinations_member(s, obj, p);
	if (hh_field_int_member(s, obj, "", "max_causes", 1, 10, &n) == 0)
		p->max_causes = (int)n;
	if (hh_field_int_member(s, obj, "", "max_remedies", 1, 10, &n) == 0)
		p->max_remedies = (int)n;
	p->checksum = policy_checksum(s, obj);
}

/* ------------------------------------------------------------ interview */

#define HH_SCHEMA_MAX_QUESTIONS 16 /* screens in an interview; 6 are asked today */

static const char *const interview_keys[] = {"questions", NULL};
static const char *const multiple_keys[] = {"id", "type", "text", "covers", "items", NULL};
static const char *const integer_keys[] = {"id", "type", "text", "field", "min", "max", NULL};
static const char *const item_keys[] = {"code", "text", NULL};

/* "emergency", "urgent", "see_doctor" or "pattern": what a multiple question's items are. */
static void covers_member(struct hh_field_src *s, json_t *obj, const char *path, struct hh_question *q)
{
	char field[HH_FIELD_PATH_LEN], shown[HH_FIELD_SHORT_LEN];
	enum hh_level level;
	const char *v = hh_field_value_member(s, obj, path, "covers", HH_FIELD_REQUIRED, hh_field_code);
	if (v == NULL)
		return;
	if (strcmp(v, "pattern") == 0) {
		q->covers = HH_QUESTION_PATTERNS;
		return;
	}
	if (hh_level_parse(v, &level) == 0 && level != HH_LEVEL_SELF_CARE) {
		q->covers = (int)level;
		return;
	}
	hh_field_join_key(field, path, "covers");
	hh_field_fail(s, field, "unknown \"%s\" (expected emergency, urgent, see_doctor or pattern)",
		      hh_field_shorten(v, shown));
}

static void parse_items(struct hh_field_src *s, json_t *obj, const char *path, struct hh_question *q)
{
	char item[HH_FIELD_PATH_LEN], field[HH_FIELD_PATH_LEN];
	json_t *arr = hh_field_array_member(s, obj, path, "items", HH_FIELD_REQUIRED | HH_FIELD_NONEMPTY);
	if (arr == NULL)
		return;
	hh_field_join_key(field, path, "items");
	if (json_array_size(arr) > HH_TRIAGE_MAX_SYMPTOMS) {
		hh_field_fail(s, field, "has %zu items; at most %d are allowed", json_array_size(arr),
			      HH_TRIAGE_MAX_SYMPTOMS);
		return;
	}
	q->n_items = json_array_size(arr);
	q->items = hh_content_alloc(s->c, (q->n_items + 1) * sizeof(*q->items));
	for (size_t i = 0; i < q->n_items; i++) {
		json_t *it = json_array_get(arr, i);
		hh_field_join_index(item, field, i);
		if (!json_is_object(it)) {
			hh_field_wrong_type(s, item, "an object", it);
			continue;
		}
		hh_field_keys(s, it, item, item_keys);
		q->items[i].code = hh_field_value_member(s, it, item, "code", HH_FIELD_REQUIRED, hh_field_code);
		q->items[i].text = hh_field_text_member(s, it, item, "text");
	}
}

/*
 * The bounds are the request's (API.md): written in the content so an app
 * can show them, checked here so the two never disagree.
 */
static void parse_integer_question(struct hh_field_src *s, json_t *obj, const char *path, struct hh_question *q)
{
	char field[HH_FIELD_PATH_LEN];
	hh_field_keys(s, obj, path, integer_keys);
	if (rule_field_member(s, obj, path, &q->field) < 0)
		return;
	long long hi = hh_triage_field_max(q->field);
	if (hh_field_int_member(s, obj, path, "min", 0, hi, &q->min) == 0 && q->min != 0) {
		hh_field_join_key(field, path, "min");
		hh_field_fail(s, field, "must be 0, the least the request accepts");
	}
	if (hh_field_int_member(s, obj, path, "max", 0, hi, &q->max) == 0 && q->max != hi) {
		hh_field_join_key(field, path, "max");
		hh_field_fail(s, field, "must be %lld, the most the request accepts for %s", hi,
			      hh_rule_field_name(q->field));
	}
}

static void parse_question(struct hh_field_src *s, json_t *obj, const char *path, struct hh_question *q)
{
	char field[HH_FIELD_PATH_LEN];
	if (!json_is_object(obj)) {
		hh_field_wrong_type(s, path, "an object", obj);
		return;
	}
	q->checksum = entity_checksum(s, obj, path);
	q->id = hh_field_value_member(s, obj, path, "id", HH_FIELD_REQUIRED, hh_field_code);
	q->text = hh_field_text_member(s, obj, path, "text");
	const char *type = hh_field_value_member(s, obj, path, "type", HH_FIELD_REQUIRED, hh_field_code);
	if (type == NULL)
		return;
	if (hh_question_type_parse(type, &q->type) < 0) {
		hh_field_join_key(field, path, "type");
		hh_field_fail(s, field, "unknown question type (expected each, multiple or integer)");
	} else if (q->type == HH_QUESTION_INTEGER) {
		parse_integer_question(s, obj, path, q);
	} else {
		hh_field_keys(s, obj, path, multiple_keys);
		covers_member(s, obj, path, q);
		parse_items(s, obj, path, q);
	}
}

void hh_schema_interview(struct hh_field_src *s, json_t *obj)
{
	char item[HH_FIELD_PATH_LEN];
	struct hh_content *c = s->c;
	hh_field_keys(s, obj, "", interview_keys);
	json_t *arr = hh_field_array_member(s, obj, "", "questions", HH_FIELD_REQUIRED | HH_FIELD_NONEMPTY);
	if (arr == NULL)
		return;
	if (json_array_size(arr) > HH_SCHEMA_MAX_QUESTIONS) {
		hh_field_fail(s, "questions", "has %zu questions; at most %d are allowed", json_array_size(arr),
			      HH_SCHEMA_MAX_QUESTIONS);
		return;
	}
	c->n_questions = json_array_size(arr);
	c->questions = hh_content_alloc(c, (c->n_questions + 1) * sizeof(*c->questions));
	for (size_t i = 0; i < c->n_questions; i++) {
		hh_field_join_index(item, "questions", i);
		parse_question(s, json_array_get(arr, i), item, &c->questions[i]);
	}
}

/* ------------------------------------------------------------ countries */

static const char *const country_keys[] = {"code", "name", "emergency_number", "terms", "sources", "citations", NULL};

/* ISO 3166-1 alpha-2, upper case, and the file's name. */
static const char *country_code(struct hh_field_src *s, json_t *obj)
{
	json_t *v = hh_field_member(s, obj, "", "code", HH_FIELD_REQUIRED);
	const char *code = json_is_string(v) ? json_string_value(v) : NULL;
	if (v == NULL)
		return NULL;
	if (code == NULL || strlen(code) != 2 || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z') {
		hh_field_fail(s, "code", "must be an ISO 3166-1 alpha-2 code in upper case (\"GB\", \"US\")");
		return NULL;
	}
	const char *slash = strrchr(s->rel, '/');
	const char *base = slash ? slash + 1 : s->rel;
	if (strncmp(base, code, 2) != 0 || strcmp(base + 2, ".json") != 0)
		hh_field_fail(s, "code", "code \"%s\" does not match the file name %s (it must be %s.json)", code, base,
			      code);
	return hh_content_strdup(s->c, code);
}

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* terms.LANG: {key: text}; the keys of the first language set the order every language follows. */
static void country_terms(struct hh_field_src *s, json_t *terms, enum hh_lang l, struct hh_country *k)
{
	char path[HH_FIELD_PATH_LEN];
	hh_field_join_key(path, "terms", hh_lang_name(l));
	json_t *obj = hh_field_member(s, terms, "terms", hh_lang_name(l), HH_FIELD_REQUIRED);
	if (obj == NULL)
		return;
	if (!json_is_object(obj)) {
		hh_field_wrong_type(s, path, "object", obj);
		return;
	}
	if (k->keys.v == NULL) {
		k->keys.n = json_object_size(obj);
		k->keys.v = hh_content_alloc(s->c, (k->keys.n + 1) * sizeof(char *));
		size_t i = 0;
		const char *key;
		json_t *val;
		json_object_foreach(obj, key, val) k->keys.v[i++] = hh_content_strdup(s->c, key);
		qsort(k->keys.v, k->keys.n, sizeof(char *), cmp_cstr);
	}
	k->values[l] = hh_content_alloc(s->c, (k->keys.n + 1) * sizeof(char *));
	for (size_t i = 0; i < k->keys.n; i++) {
		const char *t = hh_field_text_member(s, obj, path, k->keys.v[i]);
		if (t != NULL && strpbrk(t, "{}") != NULL)
			hh_field_fail(s, path, "%s: a term holds no { or } (no nested placeholders)", k->keys.v[i]);
		k->values[l][i] = t != NULL ? t : "";
	}
	const char *key;
	json_t *val;
	json_object_foreach(obj, key, val) if (bsearch(&key, k->keys.v, k->keys.n, sizeof(char *), cmp_cstr) == NULL)
		hh_field_fail(s, path, "%s: not a term of terms.%s (every language has the same keys)", key,
			      hh_lang_name(HH_LANG_EN));
}

void hh_schema_country(struct hh_field_src *s, json_t *obj, struct hh_country *k)
{
	char path[HH_FIELD_PATH_LEN];
	hh_field_keys(s, obj, "", country_keys);
	k->code = country_code(s, obj);
	k->emergency_number = hh_field_text_member(s, obj, "", "emergency_number");
	json_t *name = hh_field_member(s, obj, "", "name", HH_FIELD_REQUIRED);
	json_t *terms = hh_field_member(s, obj, "", "terms", HH_FIELD_REQUIRED);
	for (int l = 0; l < HH_LANG_COUNT; l++) {
		if (json_is_object(name))
			k->name[l] = hh_field_text_member(s, name, "name", hh_lang_name((enum hh_lang)l));
		if (json_is_object(terms))
			country_terms(s, terms, (enum hh_lang)l, k);
	}
	json_t *src = hh_field_array_member(s, obj, "", "sources", HH_FIELD_REQUIRED);
	k->sources.n = src != NULL ? json_array_size(src) : 0;
	k->sources.v = hh_content_alloc(s->c, (k->sources.n + 1) * sizeof(*k->sources.v));
	for (size_t i = 0; i < k->sources.n; i++) {
		hh_field_join_index(path, "sources", i);
		hh_field_reference(s, json_array_get(src, i), path, &k->sources.v[i]);
	}
	hh_i18n_parse_citations(s, obj, k);
	char hex[65];
	hh_sha256_hex(s->buf, s->len, hex);
	k->checksum = hh_content_strdup(s->c, hex);
}
