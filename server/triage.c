/*
 * triage.c - request validation and rule evaluation.
 *
 * Pure: content and request bytes in, a plain result struct out (render.c
 * and render_triage.c write the JSON). Both parsers funnel every field
 * through the same take_* validators, so a GET and a POST with the same
 * input are refused with the same field errors or evaluated to the same
 * result. docs/clinical-policy.md explains the rules.
 */
#include "healthhub/triage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "healthhub/hash.h"
#include "healthhub/strbuf.h"

/* ------------------------------------------------------------ input */

/* A position stands for the pattern that says "worse in this position". */
static const struct {
	unsigned bit;
	const char *pattern;
} position_patterns[] = {
	{HH_POS_STANDING, "worse_standing"},
	{HH_POS_SITTING, "worse_sitting"},
	{HH_POS_LYING_DOWN, "worse_lying_down"},
};

static void input_init(struct hh_triage_input *in)
{
	memset(in, 0, sizeof(*in));
	in->duration_days = -1;
	in->age = -1;
}

static size_t err_count(const struct hh_field_errors *errs)
{
	return errs->n + errs->dropped;
}

static int has_symptom(const struct hh_triage_input *in, const struct hh_symptom *y)
{
	for (size_t i = 0; i < in->n_symptoms; i++)
		if (in->symptoms[i] == y)
			return 1;
	return 0;
}

/* The three answer lists (API.md "Guided interview"), in the order they are parsed and reported. */
enum answer_list { LIST_SYMPTOMS, LIST_ABSENT, LIST_UNKNOWN, LIST_COUNT };
static const char *const list_names[LIST_COUNT] = {"symptoms", "absent", "unknown"};

static const struct hh_symptom **list_slots(struct hh_triage_input *in, enum answer_list l, size_t **n)
{
	*n = l == LIST_SYMPTOMS ? &in->n_symptoms : l == LIST_ABSENT ? &in->n_absent : &in->n_unknown;
	return l == LIST_SYMPTOMS ? in->symptoms : l == LIST_ABSENT ? in->absent : in->unknown;
}

/* The list y is already in, or LIST_COUNT. */
static enum answer_list list_of(struct hh_triage_input *in, const struct hh_symptom *y)
{
	for (int l = 0; l < LIST_COUNT; l++) {
		size_t *n;
		const struct hh_symptom **v = list_slots(in, (enum answer_list)l, &n);
		for (size_t i = 0; i < *n; i++)
			if (v[i] == y)
				return (enum answer_list)l;
	}
	return LIST_COUNT;
}

/*
 * Names the code back only when it has the shape of a code: anything else
 * could be long, or cut mid-character into invalid UTF-8 by the fixed-size
 * message buffer. A code already answered (in this list or another) is
 * refused: yes and no to the same question is not something to guess over.
 */
static void take_code(const struct hh_content *c, struct hh_triage_input *in, enum answer_list l, const char *code,
		      size_t idx, struct hh_field_errors *errs)
{
	char field[32];
	size_t *n;
	const struct hh_symptom **v = list_slots(in, l, &n);
	snprintf(field, sizeof(field), "%s[%zu]", list_names[l], idx);
	if (!hh_is_code(code)) {
		hh_field_errors_add(errs, field,
				    "unknown symptom code: codes are lower-case snake_case, like \"chest_pain\"");
		return;
	}
	const struct hh_symptom *y = hh_content_symptom(c, code);
	if (y == NULL) {
		hh_field_errors_add(errs, field, "unknown symptom code \"%s\"", code);
		return;
	}
	enum answer_list was = list_of(in, y);
	if (was == l) {
		hh_field_errors_add(errs, field, "duplicate symptom code \"%s\"", code);
		return;
	}
	if (was != LIST_COUNT) {
		hh_field_errors_add(errs, field, "\"%s\" is in %s too: give each code in one list only", code,
				    list_names[was]);
		return;
	}
	if (*n < HH_TRIAGE_MAX_SYMPTOMS)
		v[(*n)++] = y;
}

static void check_list_count(enum answer_list l, size_t total, struct hh_field_errors *errs)
{
	if (total > HH_TRIAGE_MAX_SYMPTOMS)
		hh_field_errors_add(errs, list_names[l], "must list at most %d symptom codes", HH_TRIAGE_MAX_SYMPTOMS);
}

static void take_position(struct hh_triage_input *in, const char *name, size_t idx, struct hh_field_errors *errs)
{
	char field[32];
	unsigned bit;
	snprintf(field, sizeof(field), "positions[%zu]", idx);
	if (hh_position_parse(name, &bit) < 0) {
		hh_field_errors_add(errs, field, "unknown position: use standing, sitting or lying_down");
		return;
	}
	if (in->positions & bit) {
		hh_field_errors_add(errs, field, "duplicate position \"%s\"", name);
		return;
	}
	in->positions |= bit;
}

static void take_region(struct hh_triage_input *in, const char *name, struct hh_field_errors *errs)
{
	unsigned bit;
	if (hh_region_parse(name, &bit) < 0) {
		hh_field_errors_add(errs, "region", "unknown region: use upper_back or middle_back");
		return;
	}
	in->region = bit;
}

long long hh_triage_field_max(enum hh_rule_field field)
{
	return field == HH_RULE_AGE ? HH_TRIAGE_AGE_MAX : HH_TRIAGE_DURATION_DAYS_MAX;
}

/* field is "age" or "duration_days", the request's names for the two numbers. */
static long long number_max(const char *field)
{
	return hh_triage_field_max(strcmp(field, "age") == 0 ? HH_RULE_AGE : HH_RULE_DURATION_DAYS);
}

/* One message for every way a number can be wrong, so clients need one fix. */
static void bad_number(const char *field, struct hh_field_errors *errs)
{
	hh_field_errors_add(errs, field, "must be a whole number from 0 to %lld", number_max(field));
}

static void take_number(struct hh_triage_input *in, const char *field, long long v, struct hh_field_errors *errs)
{
	if (v < 0 || v > number_max(field)) {
		bad_number(field, errs);
		return;
	}
	if (strcmp(field, "age") == 0)
		in->age = v;
	else
		in->duration_days = v;
}

/*
 * A field name is echoed back only when it is short printable ASCII: a
 * client's bytes could be invalid UTF-8 or be cut mid-character.
 */
static void unknown_field(const char *key, const char *what, struct hh_field_errors *errs)
{
	size_t n = strlen(key);
	int plain = n > 0 && n <= 64;
	for (size_t i = 0; plain && i < n; i++)
		plain = key[i] > 0x20 && key[i] < 0x7f;
	hh_field_errors_add(errs, plain ? key : "(unnamed)", "%s", what);
}

/* ------------------------------------------------------------ JSON body */

static const char *const known_fields[] = {"symptoms", "absent",        "unknown", "positions",
					   "region",   "duration_days", "age"};

static int is_known_field(const char *key)
{
	for (size_t i = 0; i < HH_ARRAY_LEN(known_fields); i++)
		if (strcmp(key, known_fields[i]) == 0)
			return 1;
	return 0;
}

/*
 * Refuses deep nesting before jansson recurses into it (its own limit is
 * 2048). Only brackets outside strings count.
 */
static int depth_ok(const char *s, size_t n)
{
	int depth = 0, in_str = 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (in_str && ch == '\\')
			i++; /* skip the escaped character, which may be a quote */
		else if (ch == '"')
			in_str = !in_str;
		else if (!in_str && (ch == '[' || ch == '{'))
			depth++;
		else if (!in_str && (ch == ']' || ch == '}'))
			depth--;
		if (depth > HH_TRIAGE_MAX_DEPTH)
			return 0;
	}
	return 1;
}

/* symptoms is required (it may be empty); absent and unknown are optional. */
static void json_codes(const struct hh_content *c, json_t *v, enum answer_list l, struct hh_triage_input *in,
		       struct hh_field_errors *errs)
{
	size_t i;
	json_t *el;
	if (v == NULL) {
		if (l == LIST_SYMPTOMS)
			hh_field_errors_add(errs, "symptoms", "is required (it may be an empty list)");
		return;
	}
	if (!json_is_array(v)) {
		hh_field_errors_add(errs, list_names[l], "must be a list of symptom codes");
		return;
	}
	/* The count first: past HH_MAX_FIELD_ERRORS later errors are only counted. */
	check_list_count(l, json_array_size(v), errs);
	json_array_foreach(v, i, el)
	{
		char field[32];
		snprintf(field, sizeof(field), "%s[%zu]", list_names[l], i);
		if (!json_is_string(el))
			hh_field_errors_add(errs, field, "must be a symptom code (a string)");
		else
			take_code(c, in, l, json_string_value(el), i, errs);
	}
}

static void json_positions(json_t *v, struct hh_triage_input *in, struct hh_field_errors *errs)
{
	size_t i;
	json_t *el;
	if (v == NULL)
		return;
	if (!json_is_array(v)) {
		hh_field_errors_add(errs, "positions", "must be a list of positions");
		return;
	}
	json_array_foreach(v, i, el)
	{
		char field[32];
		snprintf(field, sizeof(field), "positions[%zu]", i);
		if (!json_is_string(el))
			hh_field_errors_add(errs, field, "unknown position: use standing, sitting or lying_down");
		else
			take_position(in, json_string_value(el), i, errs);
	}
}

static void json_region(json_t *v, struct hh_triage_input *in, struct hh_field_errors *errs)
{
	if (v == NULL)
		return;
	if (!json_is_string(v))
		hh_field_errors_add(errs, "region", "unknown region: use upper_back or middle_back");
	else
		take_region(in, json_string_value(v), errs);
}

/* 12.5, 1e3, "12", true and null are all refused: integers only. */
static void json_number(json_t *v, const char *field, struct hh_triage_input *in, struct hh_field_errors *errs)
{
	if (v == NULL)
		return;
	if (!json_is_integer(v))
		bad_number(field, errs);
	else
		take_number(in, field, json_integer_value(v), errs);
}

static void json_fields(const struct hh_content *c, json_t *root, struct hh_triage_input *in,
			struct hh_field_errors *errs)
{
	const char *key;
	json_t *v;
	for (int l = 0; l < LIST_COUNT; l++)
		json_codes(c, json_object_get(root, list_names[l]), (enum answer_list)l, in, errs);
	json_positions(json_object_get(root, "positions"), in, errs);
	json_region(json_object_get(root, "region"), in, errs);
	json_number(json_object_get(root, "duration_days"), "duration_days", in, errs);
	json_number(json_object_get(root, "age"), "age", in, errs);
	json_object_foreach(root, key, v)
	{
		if (!is_known_field(key))
			unknown_field(key, "unknown field", errs);
	}
}

int hh_triage_parse_json(const struct hh_content *c, const char *body, size_t len, struct hh_triage_input *in,
			 enum hh_error_kind *kind, struct hh_field_errors *errs)
{
	json_error_t jerr;
	json_t *root = NULL;
	size_t before = err_count(errs);
	int rc = -1;

	input_init(in);
	*kind = HH_E_MALFORMED_JSON;
	if (!depth_ok(body, len))
		goto out;
	/* DECODE_ANY: a bare scalar is JSON, so it is a 422 like any non-object. */
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (root == NULL)
		goto out;
	*kind = HH_E_VALIDATION;
	if (!json_is_object(root)) {
		hh_field_errors_add(errs, "body", "must be a JSON object");
		goto out;
	}
	json_fields(c, root, in, errs);
	rc = err_count(errs) == before ? 0 : -1;
out:
	json_decref(root);
	return rc;
}

/* ------------------------------------------------------------ query */

/*
 * Calls take(elem, idx) for each comma-separated element of s; "" is the
 * empty list. Elements are copied so the validators see NUL-terminated
 * strings; one too long to be any code is passed as a string that is not
 * one, so it is reported like any other unknown value.
 */
static void split_list(const char *s, void (*take)(void *ctx, const char *elem, size_t idx), void *ctx)
{
	size_t idx = 0;
	if (*s == '\0')
		return;
	for (;;) {
		char elem[72];
		size_t n = strcspn(s, ",");
		if (n < sizeof(elem))
			snprintf(elem, sizeof(elem), "%.*s", (int)n, s);
		else
			snprintf(elem, sizeof(elem), "%s", "!");
		take(ctx, elem, idx++);
		if (s[n] == '\0')
			return;
		s += n + 1;
	}
}

static size_t list_length(const char *s)
{
	size_t n = *s != '\0';
	for (; *s != '\0'; s++)
		n += *s == ',';
	return n;
}

struct query_ctx {
	const struct hh_content *c;
	struct hh_triage_input *in;
	struct hh_field_errors *errs;
};

static void query_symptom(void *ctx, const char *elem, size_t idx)
{
	struct query_ctx *q = ctx;
	take_code(q->c, q->in, LIST_SYMPTOMS, elem, idx, q->errs);
}

static void query_absent(void *ctx, const char *elem, size_t idx)
{
	struct query_ctx *q = ctx;
	take_code(q->c, q->in, LIST_ABSENT, elem, idx, q->errs);
}

static void query_unknown(void *ctx, const char *elem, size_t idx)
{
	struct query_ctx *q = ctx;
	take_code(q->c, q->in, LIST_UNKNOWN, elem, idx, q->errs);
}

static void query_position(void *ctx, const char *elem, size_t idx)
{
	struct query_ctx *q = ctx;
	take_position(q->in, elem, idx, q->errs);
}

/*
 * The text form of a JSON integer: optional '-', then "0" or digits without
 * a leading zero. Returns 0 and *out (saturated past the bounds), or -1.
 */
static int parse_json_integer_text(const char *s, long long *out)
{
	int neg = *s == '-';
	const char *p = s + neg;
	long long v = 0;
	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] != '\0'))
		return -1;
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		if (v < 1000000)
			v = v * 10 + (*p - '0');
	}
	*out = neg ? -v : v;
	return 0;
}

static void query_number(const char *field, const char *value, struct hh_triage_input *in, struct hh_field_errors *errs)
{
	long long v;
	if (parse_json_integer_text(value, &v) < 0)
		bad_number(field, errs);
	else
		take_number(in, field, v, errs);
}

/* A parameter given without "=" (value NULL) counts as empty. */
static void query_field(struct query_ctx *q, const char *key, const char *value)
{
	if (value == NULL)
		value = "";
	if (strcmp(key, "symptoms") == 0) {
		check_list_count(LIST_SYMPTOMS, list_length(value), q->errs);
		split_list(value, query_symptom, q);
	} else if (strcmp(key, "absent") == 0) {
		check_list_count(LIST_ABSENT, list_length(value), q->errs);
		split_list(value, query_absent, q);
	} else if (strcmp(key, "unknown") == 0) {
		check_list_count(LIST_UNKNOWN, list_length(value), q->errs);
		split_list(value, query_unknown, q);
	} else if (strcmp(key, "positions") == 0) {
		split_list(value, query_position, q);
	} else if (strcmp(key, "region") == 0) {
		take_region(q->in, value, q->errs);
	} else {
		query_number(key, value, q->in, q->errs);
	}
}

/* Index of the first parameter named key, or n. */
static size_t find_key(const char *const *keys, size_t n, const char *key)
{
	size_t i = 0;
	while (i < n && strcmp(keys[i], key) != 0)
		i++;
	return i;
}

static void query_shape(const char *const *keys, size_t n, struct hh_field_errors *errs)
{
	for (size_t i = 0; i < n; i++) {
		if (!is_known_field(keys[i]))
			unknown_field(keys[i], "unknown parameter", errs);
		else if (find_key(keys, n, keys[i]) < i)
			hh_field_errors_add(errs, keys[i],
					    "repeated parameter: give it once (lists are comma-separated)");
	}
}

int hh_triage_parse_query(const struct hh_content *c, const char *const *keys, const char *const *values, size_t n,
			  struct hh_triage_input *in, struct hh_field_errors *errs)
{
	struct query_ctx q = {c, in, errs};
	size_t before = err_count(errs);

	input_init(in);
	/* Known fields first, in the same order as the JSON parser reports them. */
	for (size_t f = 0; f < HH_ARRAY_LEN(known_fields); f++) {
		size_t i = find_key(keys, n, known_fields[f]);
		if (i < n)
			query_field(&q, keys[i], values[i]);
		else if (f == 0)
			hh_field_errors_add(errs, "symptoms", "is required (it may be an empty list)");
	}
	query_shape(keys, n, errs);
	return err_count(errs) == before ? 0 : -1;
}

/* ------------------------------------------------------------ evaluation */

static int cmp_flag(const void *a, const void *b)
{
	const struct hh_symptom *x = *(const struct hh_symptom *const *)a;
	const struct hh_symptom *y = *(const struct hh_symptom *const *)b;
	if (x->level != y->level)
		return x->level > y->level ? -1 : 1;
	return strcmp(x->code, y->code);
}

static int cmp_rule(const void *a, const void *b)
{
	const struct hh_rule *x = *(const struct hh_rule *const *)a;
	const struct hh_rule *y = *(const struct hh_rule *const *)b;
	if (x->level != y->level)
		return x->level > y->level ? -1 : 1;
	return strcmp(x->code, y->code);
}

static enum hh_level max_level(enum hh_level a, enum hh_level b)
{
	return a > b ? a : b;
}

static void eval_red_flags(const struct hh_triage_input *in, struct hh_triage_result *out)
{
	for (size_t i = 0; i < in->n_symptoms; i++) {
		const struct hh_symptom *y = in->symptoms[i];
		if (y->category != HH_CATEGORY_RED_FLAG)
			continue;
		out->red_flags[out->n_red_flags++] = y;
		out->level = max_level(out->level, y->level);
	}
	if (out->n_red_flags > 1)
		qsort(out->red_flags, out->n_red_flags, sizeof(out->red_flags[0]), cmp_flag);
}

/*
 * Whether red flag y applies at the request's age: a flag with ages is
 * not asked outside them, and an answer other than yes counts as no there
 * (API.md: "outside it, it is not asked and counts as answered no").
 */
int hh_triage_flag_applies(const struct hh_symptom *y, long long age)
{
	return !y->ages.given || age < 0 || (age >= y->ages.min && age <= y->ages.max);
}

/* A floor fires on an "I don't know" to a red flag at its unknown level or above, at the person's age. */
static int floor_fires(const struct hh_rule *r, const struct hh_triage_input *in)
{
	for (size_t i = 0; i < in->n_unknown; i++) {
		const struct hh_symptom *y = in->unknown[i];
		if (y->category == HH_CATEGORY_RED_FLAG && y->level >= r->unknown_level &&
		    hh_triage_flag_applies(y, in->age))
			return 1;
	}
	return 0;
}

/* Whether rule r fires on in: its number within [min, max], or a floor's unknown red flag. */
static int rule_fires(const struct hh_rule *r, const struct hh_triage_input *in)
{
	if (r->kind == HH_RULE_UNKNOWN_FLOOR)
		return floor_fires(r, in);
	long long v = r->field == HH_RULE_AGE ? in->age : in->duration_days;
	return v >= 0 && v >= r->min && v <= r->max;
}

/* Every fired rule counts for the level, even past what the result can list. */
static void eval_rules(const struct hh_content *c, const struct hh_triage_input *in, struct hh_triage_result *out)
{
	for (size_t i = 0; i < c->policy.n_rules; i++) {
		const struct hh_rule *r = &c->policy.rules[i];
		if (!rule_fires(r, in))
			continue;
		out->level = max_level(out->level, r->level);
		if (out->n_rules < HH_TRIAGE_MAX_RULES)
			out->rules[out->n_rules++] = r;
	}
	if (out->n_rules > 1)
		qsort(out->rules, out->n_rules, sizeof(out->rules[0]), cmp_rule);
}

/* Combinations name red flags by code: the content's symptoms may be re-ordered, codes stay. */
static int code_reported(const struct hh_triage_input *in, const char *code)
{
	for (size_t i = 0; i < in->n_symptoms; i++)
		if (strcmp(in->symptoms[i]->code, code) == 0)
			return 1;
	return 0;
}

/*
 * Every code of all_of, one of any_of when it has any, and the numbers
 * within the ranges (a range is never met by a number not given). A rule
 * with no codes never fires. A route rule's level is checked by its caller.
 */
int hh_triage_combination_fires(const struct hh_combination *k, const struct hh_triage_input *in)
{
	if (k->all_of.n == 0 && k->any_of.n == 0)
		return 0;
	if (!hh_range_holds(&k->age, in->age) || !hh_range_holds(&k->duration_days, in->duration_days))
		return 0;
	for (size_t i = 0; i < k->all_of.n; i++)
		if (!code_reported(in, k->all_of.v[i]))
			return 0;
	for (size_t i = 0; i < k->any_of.n; i++)
		if (code_reported(in, k->any_of.v[i]))
			return 1;
	return k->any_of.n == 0;
}

static int cmp_combination(const void *a, const void *b)
{
	const struct hh_combination *x = *(const struct hh_combination *const *)a;
	const struct hh_combination *y = *(const struct hh_combination *const *)b;
	if (x->level != y->level)
		return x->level > y->level ? -1 : 1;
	return strcmp(x->code, y->code);
}

/*
 * After the red flags and the rules: max_level() means a combination can
 * only raise the level. The loader bounds the policy to
 * HH_TRIAGE_MAX_COMBINATIONS rules, so every one that fires is listed.
 * Route rules raise nothing: route_at picks one once the level is known.
 */
static void eval_combinations(const struct hh_content *c, const struct hh_triage_input *in,
			      struct hh_triage_result *out)
{
	for (size_t i = 0; i < c->policy.n_combinations; i++) {
		const struct hh_combination *k = &c->policy.combinations[i];
		if (k->route != NULL || !hh_triage_combination_fires(k, in))
			continue;
		out->level = max_level(out->level, k->level);
		if (out->n_combinations < HH_TRIAGE_MAX_COMBINATIONS)
			out->combinations[out->n_combinations++] = k;
	}
	if (out->n_combinations > 1)
		qsort(out->combinations, out->n_combinations, sizeof(out->combinations[0]), cmp_combination);
}

/* The first route rule, in content order, that fires at level; NULL if none. */
static const struct hh_combination *route_at(const struct hh_content *c, const struct hh_triage_input *in,
					     enum hh_level level)
{
	for (size_t i = 0; i < c->policy.n_combinations; i++) {
		const struct hh_combination *k = &c->policy.combinations[i];
		if (k->route != NULL && k->level == level && hh_triage_combination_fires(k, in))
			return k;
	}
	return NULL;
}

/* Reported patterns plus the patterns the positions stand for. */
int hh_triage_pattern_reported(const struct hh_triage_input *in, const struct hh_symptom *y)
{
	if (y->category != HH_CATEGORY_PATTERN)
		return 0;
	if (has_symptom(in, y))
		return 1;
	for (size_t i = 0; i < HH_ARRAY_LEN(position_patterns); i++)
		if ((in->positions & position_patterns[i].bit) && strcmp(y->code, position_patterns[i].pattern) == 0)
			return 1;
	return 0;
}

/* Matched patterns in content order, so the answer ignores input order. */
static size_t matched_patterns(const struct hh_content *c, const struct hh_triage_input *in,
			       const struct hh_symptom **v)
{
	size_t n = 0;
	for (size_t i = 0; i < c->n_symptoms && n < HH_TRIAGE_MAX_SYMPTOMS; i++)
		if (hh_triage_pattern_reported(in, &c->symptoms[i]))
			v[n++] = &c->symptoms[i];
	return n;
}

static int pattern_weight(const struct hh_symptom *y, const char *cause)
{
	for (size_t k = 0; k < y->n_weights; k++)
		if (strcmp(y->weights[k].cause, cause) == 0)
			return y->weights[k].weight;
	return 0;
}

/* The mean weight over all matched patterns, so one strong pattern is not outvoted by many faint ones. */
static int score_cause(const struct hh_cause *cause, const struct hh_symptom **pats, size_t n,
		       struct hh_triage_cause *tc)
{
	int sum = 0;
	memset(tc, 0, sizeof(*tc));
	tc->cause = cause;
	for (size_t i = 0; i < n; i++) {
		int w = pattern_weight(pats[i], cause->slug);
		if (w <= 0)
			continue;
		sum += w;
		tc->matched[tc->n_matched++] = pats[i]->code;
	}
	tc->score = (double)sum / (100.0 * (double)n);
	return sum;
}

static int ranks_before(const struct hh_triage_cause *a, const struct hh_triage_cause *b)
{
	if (a->score != b->score)
		return a->score > b->score;
	return strcmp(a->cause->slug, b->cause->slug) < 0;
}

/* Keeps the best `limit` causes in order: insertion into a short array. */
static void insert_cause(struct hh_triage_result *out, const struct hh_triage_cause *tc, size_t limit)
{
	size_t pos = out->n_causes;
	while (pos > 0 && ranks_before(tc, &out->causes[pos - 1]))
		pos--;
	if (pos >= limit)
		return;
	size_t last = out->n_causes < limit ? out->n_causes : limit - 1;
	memmove(&out->causes[pos + 1], &out->causes[pos], (last - pos) * sizeof(out->causes[0]));
	out->causes[pos] = *tc;
	if (out->n_causes < limit)
		out->n_causes++;
}

static size_t policy_limit(int v, size_t cap)
{
	return v <= 0 ? 0 : (size_t)v < cap ? (size_t)v : cap;
}

static void eval_causes(const struct hh_content *c, const struct hh_triage_input *in, struct hh_triage_result *out)
{
	const struct hh_symptom *pats[HH_TRIAGE_MAX_SYMPTOMS];
	size_t n = matched_patterns(c, in, pats);
	size_t limit = policy_limit(c->policy.max_causes, HH_TRIAGE_MAX_CAUSES);
	struct hh_triage_cause tc;
	if (n == 0 || limit == 0)
		return;
	for (size_t i = 0; i < c->n_causes; i++)
		if (score_cause(&c->causes[i], pats, n, &tc) > 0)
			insert_cause(out, &tc, limit);
}

static int has_remedy(const struct hh_triage_result *out, const struct hh_remedy *rem)
{
	for (size_t i = 0; i < out->n_remedies; i++)
		if (out->remedies[i] == rem)
			return 1;
	return 0;
}

static void eval_remedies(const struct hh_content *c, struct hh_triage_result *out)
{
	size_t limit = policy_limit(c->policy.max_remedies, HH_TRIAGE_MAX_REMEDIES);
	for (size_t i = 0; i < out->n_causes; i++) {
		const struct hh_strv *links = &out->causes[i].cause->remedies;
		for (size_t k = 0; k < links->n && out->n_remedies < limit; k++) {
			const struct hh_remedy *rem = hh_content_remedy(c, links->v[k]);
			if (rem != NULL && !has_remedy(out, rem))
				out->remedies[out->n_remedies++] = rem;
		}
	}
}

/* The same three steps as hh_triage_eval, level only: no lists are filled or sorted. */
enum hh_level hh_triage_level(const struct hh_content *c, const struct hh_triage_input *in)
{
	enum hh_level level = HH_LEVEL_SELF_CARE;
	for (size_t i = 0; i < in->n_symptoms; i++)
		if (in->symptoms[i]->category == HH_CATEGORY_RED_FLAG)
			level = max_level(level, in->symptoms[i]->level);
	for (size_t i = 0; i < c->policy.n_rules; i++)
		if (rule_fires(&c->policy.rules[i], in))
			level = max_level(level, c->policy.rules[i].level);
	for (size_t i = 0; i < c->policy.n_combinations; i++) {
		const struct hh_combination *k = &c->policy.combinations[i];
		if (k->route == NULL && hh_triage_combination_fires(k, in))
			level = max_level(level, k->level);
	}
	return level;
}

void hh_triage_eval(const struct hh_content *c, const struct hh_triage_input *in, struct hh_triage_result *out)
{
	memset(out, 0, sizeof(*out));
	out->level = HH_LEVEL_SELF_CARE;
	eval_red_flags(in, out);
	eval_rules(c, in, out);
	eval_combinations(c, in, out);
	out->route = route_at(c, in, out->level);
	/*
	 * Absent answers never change the level, and unknown ones only through a
	 * floor rule: they decide what is still worth asking.
	 */
	hh_interview_eval(c, in, out->level, &out->interview);
	/* At urgent and emergency a likely muscle cause would be false comfort. */
	if (out->level >= HH_LEVEL_URGENT)
		return;
	eval_causes(c, in, out);
	eval_remedies(c, out);
}

/* ------------------------------------------------------------ cache key */

static int cmp_code(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Appends "PREFIX" and the sorted codes of v; the key has room for every list at its longest. */
static void key_codes(struct hh_strbuf *key, const char *prefix, const struct hh_symptom *const *v, size_t n)
{
	const char *codes[HH_TRIAGE_MAX_SYMPTOMS];
	n = n < HH_TRIAGE_MAX_SYMPTOMS ? n : HH_TRIAGE_MAX_SYMPTOMS;
	for (size_t i = 0; i < n; i++)
		codes[i] = v[i]->code;
	if (n > 1)
		qsort(codes, n, sizeof(codes[0]), cmp_code);
	hh_strbuf_puts(key, prefix);
	for (size_t i = 0; i < n; i++)
		hh_strbuf_appendf(key, "%s%s", i ? "," : "", codes[i]);
}

void hh_triage_input_key(const struct hh_triage_input *in, char *buf, size_t buflen)
{
	/* Room for every code of the three lists at its longest (64) plus a comma, and the numbers. */
	char key[LIST_COUNT * HH_TRIAGE_MAX_SYMPTOMS * 65 + 128];
	struct hh_strbuf b;

	if (buflen == 0)
		return;
	hh_strbuf_wrap(&b, key, sizeof(key), 0);
	key_codes(&b, "s=", in->symptoms, in->n_symptoms);
	/* Only when given, so a symptoms-only request keeps the key it always had. */
	if (in->n_absent > 0)
		key_codes(&b, ";n=", in->absent, in->n_absent);
	if (in->n_unknown > 0)
		key_codes(&b, ";u=", in->unknown, in->n_unknown);
	hh_strbuf_appendf(&b, ";p=%u;r=%u;d=%lld;a=%lld", in->positions, in->region, in->duration_days, in->age);
	if (strlen(key) < buflen) {
		snprintf(buf, buflen, "%s", key);
		return;
	}
	char hex[65];
	hh_sha256_hex(key, strlen(key), hex);
	snprintf(buf, buflen, "sha256:%s", hex);
}
