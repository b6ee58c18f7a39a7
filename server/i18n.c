/*
 * i18n.c - resolves content texts for a language and a country.
 *
 * A text names a care service through a {placeholder} only; the country
 * file says what it is called there, per language. Resolution happens once
 * per (language, country) when a snapshot is built (hh_i18n_variant), never
 * per request, so the hot path serves prebuilt bytes as before.
 */
#include "healthhub/i18n.h"

#include <stdlib.h>
#include <string.h>

#include "healthhub/strbuf.h"

static const struct {
	const char *code, *folder, *stemmer;
} langs[HH_LANG_COUNT] = {
#define LANG_ROW(id, code, folder, stemmer, name) [id] = {code, folder, stemmer},
	HH_LANGS(LANG_ROW)
#undef LANG_ROW
};

const char *hh_lang_name(enum hh_lang l)
{
	return langs[(unsigned)l < HH_LANG_COUNT ? l : HH_LANG_EN].code;
}

const char *hh_lang_folder(enum hh_lang l)
{
	return langs[(unsigned)l < HH_LANG_COUNT ? l : HH_LANG_EN].folder;
}

const char *hh_lang_stemmer(enum hh_lang l)
{
	return langs[(unsigned)l < HH_LANG_COUNT ? l : HH_LANG_EN].stemmer;
}

size_t hh_lang_of_path(const char *path, enum hh_lang *l)
{
	for (int k = 0; k < HH_LANG_COUNT; k++) {
		size_t n = strlen(langs[k].folder);
		if (n > 0 && strncmp(path, langs[k].folder, n) == 0) {
			*l = (enum hh_lang)k;
			return n;
		}
	}
	*l = HH_LANG_EN;
	return 0;
}

int hh_lang_parse(const char *s, enum hh_lang *out)
{
	for (int l = 0; s != NULL && l < HH_LANG_COUNT; l++)
		if (strcmp(s, langs[l].code) == 0) {
			*out = (enum hh_lang)l;
			return 0;
		}
	return -1;
}

const struct hh_country *hh_i18n_country(const struct hh_content *c, const char *code)
{
	for (size_t i = 0; code != NULL && i < c->n_countries; i++)
		if (strcmp(c->countries[i].code, code) == 0)
			return &c->countries[i];
	return NULL;
}

const char *hh_i18n_term(const struct hh_country *k, enum hh_lang lang, const char *key, size_t key_len)
{
	for (size_t i = 0; k != NULL && i < k->keys.n; i++)
		if (strlen(k->keys.v[i]) == key_len && memcmp(k->keys.v[i], key, key_len) == 0)
			return k->values[lang] != NULL ? k->values[lang][i] : NULL;
	return NULL;
}

static int key_known(const struct hh_strv *keys, const char *key, size_t len)
{
	for (size_t i = 0; i < keys->n; i++)
		if (strlen(keys->v[i]) == len && memcmp(keys->v[i], key, len) == 0)
			return 1;
	return 0;
}

static void copy_bad(const char *s, size_t len, char *bad, size_t cap)
{
	if (cap == 0)
		return;
	size_t n = len < cap - 1 ? len : cap - 1;
	memcpy(bad, s, n);
	bad[n] = '\0';
}

int hh_i18n_check(const char *text, const struct hh_strv *keys, char *bad, size_t cap)
{
	for (const char *p = text; p != NULL && *p != '\0'; p++) {
		if (*p == '}') {
			copy_bad(p, 1, bad, cap);
			return -1;
		}
		if (*p != '{')
			continue;
		const char *end = strpbrk(p + 1, "{}");
		if (end == NULL || *end != '}') {
			copy_bad(p, end != NULL ? (size_t)(end - p) : strlen(p), bad, cap);
			return -1;
		}
		if (!key_known(keys, p + 1, (size_t)(end - p - 1))) {
			copy_bad(p, (size_t)(end - p + 1), bad, cap);
			return -1;
		}
		p = end;
	}
	return 0;
}

char *hh_i18n_resolve(const char *text, const struct hh_country *k, enum hh_lang lang)
{
	if (text == NULL)
		return NULL;
	struct hh_strbuf out;
	hh_strbuf_init(&out, strlen(text) + 1);
	const char *p = text;
	while (*p != '\0') {
		const char *open = strchr(p, '{');
		const char *close = open != NULL ? strchr(open, '}') : NULL;
		if (open == NULL || close == NULL) {
			hh_strbuf_puts(&out, p);
			break;
		}
		hh_strbuf_append(&out, p, (size_t)(open - p));
		const char *term = hh_i18n_term(k, lang, open + 1, (size_t)(close - open - 1));
		if (term != NULL)
			hh_strbuf_puts(&out, term);
		else
			hh_strbuf_append(&out, open, (size_t)(close - open + 1));
		p = close + 1;
	}
	return hh_strbuf_steal(&out, NULL);
}

/* ------------------------------------------------------------ variants */

struct variant {
	struct hh_content *out; /* being filled */
	const struct hh_country *k;
	enum hh_lang lang;     /* the terms texts are resolved with (English for an untranslated entity) */
	enum hh_lang out_lang; /* the variant's language */
};

/* text resolved, in the variant's arena. */
static const char *T(struct variant *v, const char *text)
{
	if (text == NULL || strchr(text, '{') == NULL)
		return text; /* borrowed from base: nothing to resolve */
	char *s = hh_i18n_resolve(text, v->k, v->lang);
	const char *r = hh_content_strdup(v->out, s);
	free(s);
	return r;
}

static struct hh_strv strv_resolved(struct variant *v, const struct hh_strv *in)
{
	struct hh_strv o = {.v = hh_content_alloc(v->out, (in->n + 1) * sizeof(char *)), .n = in->n};
	for (size_t i = 0; i < in->n; i++)
		o.v[i] = T(v, in->v[i]);
	return o;
}

static void *dup_array(struct variant *v, const void *src, size_t n, size_t size)
{
	void *d = hh_content_alloc(v->out, (n + 1) * size);
	if (n > 0)
		memcpy(d, src, n * size);
	return d;
}

/* What the database says of an article (its version and time) is the English row's: a translation has none. */
static void article_state(struct hh_article *a, const struct hh_content *base)
{
	const struct hh_article *en = hh_content_article(base, a->slug);
	if (en != NULL) {
		a->updated_at = en->updated_at;
		a->version = en->version;
	}
}

/*
 * A translation may cover part of the library: src's entities, then each
 * English one it lacks, in English (lang "en"). n, the array, and how many of
 * base's were added; the caller's arrays are re-sorted by hh_content_finish.
 */
#define WITH_ENGLISH(out, n_out, field, count, type, find)                                    \
	do {                                                                                  \
		size_t n_ = src->count;                                                       \
		type *v_ = hh_content_alloc(o, (src->count + base->count + 1) * sizeof(*v_)); \
		if (src->count > 0)                                                           \
			memcpy(v_, src->field, src->count * sizeof(*v_));                     \
		for (size_t i_ = 0; src != base && i_ < base->count; i_++)                    \
			if (find(src, base->field[i_].slug) == NULL) {                        \
				v_[n_] = base->field[i_];                                     \
				v_[n_++].lang = "en";                                         \
			}                                                                     \
		out = v_;                                                                     \
		n_out = n_;                                                                   \
	} while (0)

static void variant_articles(struct variant *v, const struct hh_content *src, const struct hh_content *base)
{
	struct hh_content *o = v->out;
	WITH_ENGLISH(o->articles, o->n_articles, articles, n_articles, struct hh_article, hh_content_article);
	for (size_t i = 0; i < o->n_articles; i++) {
		struct hh_article *a = &o->articles[i];
		if (src != base)
			article_state(a, base);
		v->lang = a->lang != NULL ? HH_LANG_EN : v->out_lang; /* an untranslated one reads in English */
		a->title = T(v, a->title);
		a->summary = T(v, a->summary);
		a->alternate_names = strv_resolved(v, &a->alternate_names);
		a->sections = dup_array(v, a->sections, a->n_sections, sizeof(*a->sections));
		for (size_t k = 0; k < a->n_sections; k++) {
			a->sections[k].heading = T(v, a->sections[k].heading);
			a->sections[k].body = T(v, a->sections[k].body);
		}
	}
}

static void variant_entities(struct variant *v, const struct hh_content *src, const struct hh_content *base)
{
	struct hh_content *o = v->out;
	WITH_ENGLISH(o->causes, o->n_causes, causes, n_causes, struct hh_cause, hh_content_cause);
	for (size_t i = 0; i < o->n_causes; i++) {
		struct hh_cause *c = &o->causes[i];
		v->lang = c->lang != NULL ? HH_LANG_EN : v->out_lang;
		c->name = T(v, c->name);
		c->summary = T(v, c->summary);
		c->description = T(v, c->description);
		c->see_doctor_if = T(v, c->see_doctor_if);
	}
	WITH_ENGLISH(o->remedies, o->n_remedies, remedies, n_remedies, struct hh_remedy, hh_content_remedy);
	for (size_t i = 0; i < o->n_remedies; i++) {
		struct hh_remedy *r = &o->remedies[i];
		v->lang = r->lang != NULL ? HH_LANG_EN : v->out_lang;
		r->name = T(v, r->name);
		r->summary = T(v, r->summary);
		r->description = T(v, r->description);
		r->steps = strv_resolved(v, &r->steps);
	}
}

static void variant_triage(struct variant *v, const struct hh_content *src)
{
	struct hh_content *o = v->out;
	o->symptoms = dup_array(v, src->symptoms, src->n_symptoms, sizeof(*o->symptoms));
	o->n_symptoms = src->n_symptoms;
	for (size_t i = 0; i < o->n_symptoms; i++) {
		o->symptoms[i].question = T(v, o->symptoms[i].question);
		o->symptoms[i].message = T(v, o->symptoms[i].message);
	}
	struct hh_policy *p = &o->policy;
	*p = src->policy;
	p->disclaimer = T(v, p->disclaimer);
	for (int l = 0; l < HH_LEVEL_COUNT; l++)
		p->advice[l] = T(v, p->advice[l]);
	p->rules = dup_array(v, src->policy.rules, p->n_rules, sizeof(*p->rules));
	for (size_t i = 0; i < p->n_rules; i++)
		p->rules[i].message = T(v, p->rules[i].message);
	p->combinations = dup_array(v, src->policy.combinations, p->n_combinations, sizeof(*p->combinations));
	for (size_t i = 0; i < p->n_combinations; i++) {
		p->combinations[i].message = T(v, p->combinations[i].message);
		p->combinations[i].route = T(v, p->combinations[i].route);
	}
}

/* The interview: the translation's when it has one, else the base's (English). */
static void variant_questions(struct variant *v, const struct hh_content *src)
{
	struct hh_content *o = v->out;
	o->questions = dup_array(v, src->questions, src->n_questions, sizeof(*o->questions));
	o->n_questions = src->n_questions;
	for (size_t i = 0; i < o->n_questions; i++) {
		struct hh_question *q = &o->questions[i];
		q->text = T(v, q->text);
		q->items = dup_array(v, q->items, q->n_items, sizeof(*q->items));
		for (size_t k = 0; k < q->n_items; k++)
			q->items[k].text = T(v, q->items[k].text); /* .symptom re-pointed by finish */
	}
}

struct hh_content *hh_i18n_variant(const struct hh_content *base, enum hh_lang lang, const struct hh_country *k)
{
	const struct hh_content *tr = lang != HH_LANG_EN ? base->translations[lang] : NULL;
	const struct hh_content *src = tr != NULL ? tr : base;
	struct variant v = {.out = hh_content_new(), .k = k, .lang = lang, .out_lang = lang};
	variant_articles(&v, src, base);
	variant_entities(&v, src, base);
	v.lang = lang;
	variant_triage(&v, src->n_symptoms > 0 ? src : base); /* a translation's ruleset may not be served */
	variant_questions(&v, src->n_questions > 0 ? src : base);
	v.out->version = base->version;
	v.out->countries = base->countries;
	memcpy(v.out->phrases, base->phrases, sizeof(v.out->phrases));
	v.out->n_countries = base->n_countries;
	v.out->translation_review = src->translation_review;
	v.out->triage_review = (src->n_symptoms > 0 ? src : base)->triage_review;
	v.out->lang = lang;
	v.out->country = k;
	hh_i18n_apply_citations(v.out, k);
	hh_content_finish(v.out);
	return v.out;
}
