/*
 * citations.c - what a country's answers cite (API.md "Country and
 * language": an answer for a country cites that country's sources where
 * the content has them).
 *
 * The content's own sources are the guidelines its rules come from (NHS,
 * NICE). A country whose readers must not be sent to them (a US reader to an
 * NHS page that says "call 999") lists in its file, under "citations", the
 * page that supports each rule there:
 *
 *   "citations": {
 *     "triage":   {"chest_pain": {"title": "...", "url": "https://..."}, "no_clear_cause": null},
 *     "articles": {"upper-middle-back-muscle-soreness": [{"title": "...", "url": "https://..."}]},
 *     "causes":   {...}, "remedies": {...}
 *   }
 *
 * With "citations", that country's answers cite only what it lists: a code
 * or slug left out, or null, cites nothing (the red flag's source is null),
 * never the other country's page. The resolution happens once per variant
 * (hh_i18n_variant), so answers stay prebuilt. The country file is stored
 * whole (0005_i18n.sql), so this needs no table of its own.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "healthhub/diags.h"
#include "healthhub/fields.h"
#include "healthhub/i18n.h"

static const char *const kind_names[] = {"triage", "articles", "causes", "remedies", NULL};

static int cmp_citation(const void *a, const void *b)
{
	const struct hh_citation *x = a, *y = b;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* One value: {title, url}, null (triage), or [{title, url}...] (entities). */
static void parse_one(struct hh_field_src *s, json_t *v, const char *path, struct hh_citation *ct)
{
	char item[HH_FIELD_PATH_LEN];
	if (json_is_null(v))
		return; /* cites nothing here */
	if (ct->kind == HH_CITE_TRIAGE) {
		ct->refs.v = hh_content_alloc(s->c, 2 * sizeof(*ct->refs.v));
		ct->refs.n = 1;
		hh_field_reference(s, v, path, &ct->refs.v[0]);
		return;
	}
	if (!json_is_array(v) || json_array_size(v) > HH_FIELD_MAX_ITEMS) {
		hh_field_wrong_type(s, path, "an array of {title, url}", v);
		return;
	}
	ct->refs.n = json_array_size(v);
	ct->refs.v = hh_content_alloc(s->c, (ct->refs.n + 1) * sizeof(*ct->refs.v));
	for (size_t i = 0; i < ct->refs.n; i++) {
		hh_field_join_index(item, path, i);
		hh_field_reference(s, json_array_get(v, i), item, &ct->refs.v[i]);
	}
}

void hh_i18n_parse_citations(struct hh_field_src *s, json_t *obj, struct hh_country *k)
{
	char path[HH_FIELD_PATH_LEN], item[HH_FIELD_PATH_LEN];
	json_t *all = hh_field_member(s, obj, "", "citations", HH_FIELD_OPTIONAL);
	if (all == NULL)
		return;
	if (!json_is_object(all)) {
		hh_field_wrong_type(s, "citations", "an object", all);
		return;
	}
	hh_field_keys(s, all, "citations", kind_names);
	size_t n = 0;
	for (int kind = 0; kind_names[kind] != NULL; kind++) {
		json_t *m = json_object_get(all, kind_names[kind]);
		n += json_is_object(m) ? json_object_size(m) : 0;
	}
	k->has_citations = 1;
	k->citations = hh_content_alloc(s->c, (n + 1) * sizeof(*k->citations));
	for (int kind = 0; kind_names[kind] != NULL; kind++) {
		hh_field_join_key(path, "citations", kind_names[kind]);
		json_t *m = json_object_get(all, kind_names[kind]);
		if (m == NULL)
			continue;
		if (!json_is_object(m)) {
			hh_field_wrong_type(s, path, "an object", m);
			continue;
		}
		const char *key;
		json_t *v;
		json_object_foreach(m, key, v)
		{
			struct hh_citation *ct = &k->citations[k->n_citations++];
			ct->kind = (enum hh_citation_kind)kind;
			ct->key = hh_content_strdup(s->c, key);
			hh_field_join_key(item, path, key);
			parse_one(s, v, item, ct);
		}
	}
	qsort(k->citations, k->n_citations, sizeof(*k->citations), cmp_citation);
}

/* ------------------------------------------------------------ checks */

static int triage_code_known(const struct hh_content *c, const char *code)
{
	for (size_t i = 0; i < c->n_symptoms; i++)
		if (c->symptoms[i].category == HH_CATEGORY_RED_FLAG && strcmp(c->symptoms[i].code, code) == 0)
			return 1;
	for (size_t i = 0; i < c->policy.n_rules; i++)
		if (strcmp(c->policy.rules[i].code, code) == 0)
			return 1;
	for (size_t i = 0; i < c->policy.n_combinations; i++)
		if (strcmp(c->policy.combinations[i].code, code) == 0)
			return 1;
	return 0;
}

static int entity_known(const struct hh_content *c, enum hh_citation_kind kind, const char *slug)
{
	switch (kind) {
	case HH_CITE_ARTICLE: return hh_content_article(c, slug) != NULL;
	case HH_CITE_CAUSE: return hh_content_cause(c, slug) != NULL;
	case HH_CITE_REMEDY: return hh_content_remedy(c, slug) != NULL;
	case HH_CITE_TRIAGE: return triage_code_known(c, slug);
	}
	return 0;
}

void hh_i18n_check_citations(const struct hh_content *c, struct hh_diags *d, size_t *errors)
{
	char file[96], field[160];
	for (size_t i = 0; i < c->n_countries; i++) {
		const struct hh_country *k = &c->countries[i];
		snprintf(file, sizeof(file), "countries/%s.json", k->code ? k->code : "?");
		for (size_t j = 0; j < k->n_citations; j++) {
			const struct hh_citation *ct = &k->citations[j];
			if (ct->key == NULL || entity_known(c, ct->kind, ct->key))
				continue;
			snprintf(field, sizeof(field), "citations.%s.%s", kind_names[ct->kind], ct->key);
			hh_diags_add(d, file, 0, 0, field, "%s",
				     ct->kind == HH_CITE_TRIAGE ? "is not a red flag, rule or combination code"
								: "names no such entity (a slug of its folder)");
			(*errors)++;
		}
	}
}

/* ------------------------------------------------------------ a variant */

static const struct hh_citation *find(const struct hh_country *k, enum hh_citation_kind kind, const char *key)
{
	struct hh_citation probe = {.kind = kind, .key = key};
	return key != NULL ? bsearch(&probe, k->citations, k->n_citations, sizeof(*k->citations), cmp_citation) : NULL;
}

static struct hh_reference cite_one(const struct hh_country *k, const char *code)
{
	const struct hh_citation *ct = find(k, HH_CITE_TRIAGE, code);
	struct hh_reference none = {0};
	return ct != NULL && ct->refs.n == 1 ? ct->refs.v[0] : none;
}

static struct hh_reference_list cite_list(const struct hh_country *k, enum hh_citation_kind kind, const char *slug)
{
	const struct hh_citation *ct = find(k, kind, slug);
	struct hh_reference_list none = {.v = NULL, .n = 0};
	return ct != NULL ? ct->refs : none;
}

void hh_i18n_apply_citations(struct hh_content *v, const struct hh_country *k)
{
	if (k == NULL || !k->has_citations)
		return;
	for (size_t i = 0; i < v->n_symptoms; i++)
		if (v->symptoms[i].category == HH_CATEGORY_RED_FLAG)
			v->symptoms[i].source = cite_one(k, v->symptoms[i].code);
	for (size_t i = 0; i < v->policy.n_rules; i++)
		v->policy.rules[i].source = cite_one(k, v->policy.rules[i].code);
	for (size_t i = 0; i < v->policy.n_combinations; i++)
		v->policy.combinations[i].source = cite_one(k, v->policy.combinations[i].code);
	for (size_t i = 0; i < v->n_articles; i++)
		v->articles[i].references = cite_list(k, HH_CITE_ARTICLE, v->articles[i].slug);
	for (size_t i = 0; i < v->n_causes; i++)
		v->causes[i].references = cite_list(k, HH_CITE_CAUSE, v->causes[i].slug);
	for (size_t i = 0; i < v->n_remedies; i++)
		v->remedies[i].references = cite_list(k, HH_CITE_REMEDY, v->remedies[i].slug);
}
