/*
 * render_triage.c - the triage answer's JSON (API.md "The answer").
 *
 * Unlike the content bodies (render.c), which are built once per snapshot,
 * a triage answer is built per request, so it has its own serialiser: a
 * direct writer into one buffer, with no jansson tree in between.
 */
#include "healthhub/render.h"

#include <stdlib.h>
#include <string.h>

#include "healthhub/strbuf.h"

/*
 * The answer is written straight into one buffer rather than built as a
 * jansson tree and dumped: triage POST is computed per request, and the tree
 * cost three times the rest of the request. The bytes are exactly what
 * json_dumps(JSON_COMPACT | JSON_REAL_PRECISION(4)) would give (the unit
 * test re-dumps answers through jansson to prove it): strings go through
 * the tree's one escaper, hh_strbuf_append_json_str, which writes jansson's bytes.
 */
/* "key": with the separator before it unless first. */
/* "review":{state, approved_at, role}: the ruleset's sign-off (hh_render_review's shape). */
static void out_review(struct hh_strbuf *o, const struct hh_review *r)
{
	int approved = r->state != NULL && strcmp(r->state, "approved") == 0;
	hh_strbuf_puts(o, ",\"review\":{\"state\":");
	hh_strbuf_append_json_str(o, approved ? "approved" : "pending");
	hh_strbuf_puts(o, ",\"approved_at\":");
	hh_strbuf_append_json_str(o, approved ? r->approved_at : NULL);
	hh_strbuf_puts(o, ",\"role\":");
	hh_strbuf_append_json_str(o, approved ? r->role : NULL);
	hh_strbuf_puts(o, "}");
}

static void out_key(struct hh_strbuf *o, const char *key, int first)
{
	if (!first)
		hh_strbuf_puts(o, ",");
	hh_strbuf_append_json_str(o, key);
	hh_strbuf_puts(o, ":");
}

/* A real as jansson prints it with precision 4: %.4g, and ".0" when that looks like an integer. */
static void out_real(struct hh_strbuf *o, double v)
{
	size_t at = o->len;
	hh_strbuf_appendf(o, "%.4g", v);
	if (strpbrk(o->s + at, ".e") == NULL)
		hh_strbuf_puts(o, ".0");
}

static void out_flag(struct hh_strbuf *o, const char *code, enum hh_level level, const char *message,
		     const struct hh_reference *src)
{
	out_key(o, "code", 1);
	hh_strbuf_append_json_str(o, code);
	out_key(o, "level", 0);
	hh_strbuf_append_json_str(o, hh_level_name(level));
	out_key(o, "message", 0);
	hh_strbuf_append_json_str(o, message);
	out_key(o, "source", 0);
	if (src->url == NULL) {
		hh_strbuf_puts(o, "null"); /* this country cites nothing for it (citations.c) */
		return;
	}
	hh_strbuf_puts(o, "{");
	out_key(o, "title", 1);
	hh_strbuf_append_json_str(o, src->title);
	out_key(o, "url", 0);
	hh_strbuf_append_json_str(o, src->url);
	hh_strbuf_puts(o, "}");
}

/* A combination that tests a number is a rule on numbers: the answer lists it under rules. */
static int tests_numbers(const struct hh_combination *k)
{
	return k->age.given || k->duration_days.given;
}

/*
 * red_flags: the reported red flags and the combinations of codes alone
 * that fired, in one list, most urgent first. Both come sorted (level desc,
 * then code); they are merged with a combination first at equal level,
 * since its message says why the flags after it matter more together.
 */
static void out_red_flags(struct hh_strbuf *o, const struct hh_triage_result *r)
{
	const struct hh_combination *cb[HH_TRIAGE_MAX_COMBINATIONS];
	size_t n = 0, i = 0, k = 0;
	for (size_t j = 0; j < r->n_combinations; j++)
		if (!tests_numbers(r->combinations[j]))
			cb[n++] = r->combinations[j];
	out_key(o, "red_flags", 0);
	hh_strbuf_puts(o, "[");
	while (i < r->n_red_flags || k < n) {
		hh_strbuf_puts(o, i + k ? ",{" : "{");
		if (k < n && (i == r->n_red_flags || cb[k]->level >= r->red_flags[i]->level)) {
			out_flag(o, cb[k]->code, cb[k]->level, cb[k]->message, &cb[k]->source);
			k++;
		} else {
			const struct hh_symptom *y = r->red_flags[i++];
			out_flag(o, y->code, y->level, y->message, &y->source);
		}
		hh_strbuf_puts(o, "}");
	}
	hh_strbuf_puts(o, "]");
}

/* One entry of rules: a number or floor rule, a combination on numbers, or the route rule. */
struct rule_entry {
	const char *code;
	enum hh_level level;
	const char *message;
	const struct hh_reference *source;
};

static int cmp_entry(const void *a, const void *b)
{
	const struct rule_entry *x = a, *y = b;
	if (x->level != y->level)
		return x->level > y->level ? -1 : 1;
	return strcmp(x->code, y->code);
}

/* rules: every fired rule that is not about red flags alone, most urgent first, then by code. */
static void out_rules(struct hh_strbuf *o, const struct hh_triage_result *r)
{
	struct rule_entry v[HH_TRIAGE_MAX_RULES + HH_TRIAGE_MAX_COMBINATIONS + 1];
	size_t n = 0;
	for (size_t i = 0; i < r->n_rules; i++)
		v[n++] = (struct rule_entry){r->rules[i]->code, r->rules[i]->level, r->rules[i]->message,
					     &r->rules[i]->source};
	for (size_t i = 0; i < r->n_combinations; i++)
		if (tests_numbers(r->combinations[i]))
			v[n++] = (struct rule_entry){r->combinations[i]->code, r->combinations[i]->level,
						     r->combinations[i]->message, &r->combinations[i]->source};
	if (r->route != NULL)
		v[n++] = (struct rule_entry){r->route->code, r->route->level, r->route->message, &r->route->source};
	qsort(v, n, sizeof(v[0]), cmp_entry);
	out_key(o, "rules", 0);
	hh_strbuf_puts(o, "[");
	for (size_t i = 0; i < n; i++) {
		hh_strbuf_puts(o, i ? ",{" : "{");
		out_flag(o, v[i].code, v[i].level, v[i].message, v[i].source);
		hh_strbuf_puts(o, "}");
	}
	hh_strbuf_puts(o, "]");
}

static void out_flags(struct hh_strbuf *o, const struct hh_triage_result *r)
{
	out_red_flags(o, r);
	out_rules(o, r);
}

/* "lang" of an item whose language differs from the answer's (an untranslated cause or remedy), else nothing. */
static void out_lang(struct hh_strbuf *o, const char *lang)
{
	if (lang == NULL)
		return;
	out_key(o, "lang", 0);
	hh_strbuf_append_json_str(o, lang);
}

static void out_causes(struct hh_strbuf *o, const struct hh_triage_result *r)
{
	out_key(o, "likely_causes", 0);
	hh_strbuf_puts(o, "[");
	for (size_t i = 0; i < r->n_causes; i++) {
		const struct hh_triage_cause *tc = &r->causes[i];
		hh_strbuf_puts(o, i ? ",{" : "{");
		out_key(o, "slug", 1);
		hh_strbuf_append_json_str(o, tc->cause->slug);
		out_key(o, "name", 0);
		hh_strbuf_append_json_str(o, tc->cause->name);
		out_key(o, "score", 0);
		out_real(o, tc->score);
		out_key(o, "matched", 0);
		hh_strbuf_puts(o, "[");
		for (size_t k = 0; k < tc->n_matched; k++) {
			if (k)
				hh_strbuf_puts(o, ",");
			hh_strbuf_append_json_str(o, tc->matched[k]);
		}
		hh_strbuf_puts(o, "]");
		out_lang(o, tc->cause->lang);
		hh_strbuf_puts(o, "}");
	}
	hh_strbuf_puts(o, "]");
}

static void out_remedies(struct hh_strbuf *o, const struct hh_triage_result *r)
{
	out_key(o, "remedies", 0);
	hh_strbuf_puts(o, "[");
	for (size_t i = 0; i < r->n_remedies; i++) {
		const struct hh_remedy *rem = r->remedies[i];
		hh_strbuf_puts(o, i ? ",{" : "{");
		out_key(o, "slug", 1);
		hh_strbuf_append_json_str(o, rem->slug);
		out_key(o, "name", 0);
		hh_strbuf_append_json_str(o, rem->name);
		out_key(o, "summary", 0);
		hh_strbuf_append_json_str(o, rem->summary);
		out_lang(o, rem->lang);
		hh_strbuf_puts(o, "}");
	}
	hh_strbuf_puts(o, "]");
}

/* ---- the guided interview (API.md "Guided interview") */

static void out_int(struct hh_strbuf *o, long long v)
{
	hh_strbuf_appendf(o, "%lld", v);
}

/* {"id","type","text","required", then items, or field, min and max}: the question object. */
static void out_question(struct hh_strbuf *o, const struct hh_interview_result *iv)
{
	const struct hh_question *q = iv->next;
	hh_strbuf_puts(o, "{");
	out_key(o, "id", 1);
	hh_strbuf_append_json_str(o, q->id);
	out_key(o, "type", 0);
	hh_strbuf_append_json_str(o, hh_question_type_name(q->type));
	out_key(o, "text", 0);
	hh_strbuf_append_json_str(o, q->text);
	out_key(o, "required", 0);
	hh_strbuf_puts(o, iv->next_required ? "true" : "false");
	if (q->type == HH_QUESTION_INTEGER) {
		out_key(o, "field", 0);
		hh_strbuf_append_json_str(o, hh_rule_field_name(q->field));
		out_key(o, "min", 0);
		out_int(o, q->min);
		out_key(o, "max", 0);
		out_int(o, q->max);
	} else {
		out_key(o, "items", 0);
		hh_strbuf_puts(o, "[");
		for (size_t i = 0; i < iv->n_items; i++) {
			hh_strbuf_puts(o, i ? ",{" : "{");
			out_key(o, "code", 1);
			hh_strbuf_append_json_str(o, iv->items[i]->code);
			out_key(o, "text", 0);
			hh_strbuf_append_json_str(o, iv->items[i]->text);
			hh_strbuf_puts(o, "}");
		}
		hh_strbuf_puts(o, "]");
	}
	hh_strbuf_puts(o, "}");
}

static void out_interview(struct hh_strbuf *o, const struct hh_interview_result *iv)
{
	out_key(o, "complete", 0);
	hh_strbuf_puts(o, iv->complete ? "true" : "false");
	out_key(o, "unanswered", 0);
	hh_strbuf_puts(o, "[");
	for (size_t i = 0; i < iv->n_unanswered; i++) {
		if (i)
			hh_strbuf_puts(o, ",");
		hh_strbuf_append_json_str(o, iv->unanswered[i]);
	}
	hh_strbuf_puts(o, "]");
	out_key(o, "uncertain", 0);
	hh_strbuf_puts(o, "[");
	for (size_t i = 0; i < iv->n_uncertain; i++) {
		hh_strbuf_puts(o, i ? ",{" : "{");
		out_key(o, "code", 1);
		hh_strbuf_append_json_str(o, iv->uncertain[i].code);
		out_key(o, "level", 0);
		hh_strbuf_append_json_str(o, hh_level_name(iv->uncertain[i].level));
		out_key(o, "message", 0);
		hh_strbuf_append_json_str(o, iv->uncertain[i].message);
		hh_strbuf_puts(o, "}");
	}
	hh_strbuf_puts(o, "]");
	out_key(o, "next_question", 0);
	if (iv->next == NULL)
		hh_strbuf_puts(o, "null");
	else
		out_question(o, iv);
}

char *hh_render_triage(const struct hh_content *c, const struct hh_triage_result *r, size_t *len)
{
	struct hh_strbuf o;
	hh_strbuf_init(&o, 2048);
	hh_strbuf_puts(&o, "{");
	out_key(&o, "level", 1);
	hh_strbuf_append_json_str(&o, hh_level_name(r->level));
	out_flags(&o, r);
	out_causes(&o, r);
	out_remedies(&o, r);
	out_key(&o, "advice", 0);
	/* a route rule's route replaces the level's advice (the level itself is unchanged) */
	hh_strbuf_append_json_str(&o, r->route != NULL ? r->route->route : c->policy.advice[r->level]);
	out_key(&o, "disclaimer", 0);
	hh_strbuf_append_json_str(&o, c->policy.disclaimer);
	out_key(&o, "ruleset_version", 0);
	hh_strbuf_append_json_str(&o, c->ruleset_version);
	/* After the fields clients already read, so their bytes and positions do not move. */
	out_interview(&o, &r->interview);
	if (c->country != NULL) {
		/* which country's services the advice names, and the number a call button dials */
		out_key(&o, "country", 0);
		hh_strbuf_append_json_str(&o, c->country->code);
		out_key(&o, "emergency_number", 0);
		hh_strbuf_append_json_str(&o, c->country->emergency_number);
	}
	if (c->translation_review != NULL) {
		out_key(&o, "translation_review", 0);
		hh_strbuf_append_json_str(&o, c->translation_review);
	}
	out_review(&o, &c->triage_review);
	hh_strbuf_puts(&o, "}");
	return hh_strbuf_steal(&o, len);
}
