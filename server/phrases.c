/*
 * phrases.c - the phrases file of one language (phrases.h): its checks and
 * its compiled form.
 *
 *   {"codes": {"fever": {"phrases": ["fever", "high temperature"], "partial": [], "opposite": []}, ...},
 *    "regions": {"upper_back": ["upper back", "between * shoulder blades"], ...},
 *    "countries": {"GB": {"codes": {"sweating_sick_dizzy": {"phrases": ["feeling sick"]}}}}}
 */
#include "healthhub/phrases.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "healthhub/hash.h"
#include "healthhub/textparse.h"

/*
 * The phrases seen so far, for the duplicate checks: an open-addressing
 * table keyed by "CC|words" ("|words" for every country) and by "*|words"
 * (in any country), each with the code or region that first gave it.
 */
struct seen {
	char *key; /* owned; NULL: a free slot */
	const char *owner;
};

struct seen_table {
	struct seen *v;
	size_t cap, n; /* cap a power of two */
};

static size_t key_hash(const char *k)
{
	size_t h = 2166136261u;
	for (; *k != '\0'; k++)
		h = (h ^ (unsigned char)*k) * 16777619u;
	return h;
}

static struct seen *seen_slot(const struct seen_table *t, const char *key)
{
	size_t i = key_hash(key) & (t->cap - 1);
	while (t->v[i].key != NULL && strcmp(t->v[i].key, key) != 0)
		i = (i + 1) & (t->cap - 1);
	return &t->v[i];
}

static const char *seen_get(const struct seen_table *t, const char *key)
{
	return t->cap > 0 ? seen_slot(t, key)->owner : NULL;
}

static void seen_put(struct seen_table *t, const char *key, const char *owner)
{
	if (2 * (t->n + 1) > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256; /* the build's scratch: mapped from 64 KiB up (common.h) */
		struct seen_table g = {hh_scratch_alloc(cap * sizeof(*g.v)), cap, 0};
		for (size_t i = 0; i < t->cap; i++)
			if (t->v[i].key != NULL) {
				*seen_slot(&g, t->v[i].key) = t->v[i];
				g.n++;
			}
		hh_scratch_free(t->v, t->cap * sizeof(*t->v));
		*t = g;
	}
	struct seen *e = seen_slot(t, key);
	if (e->key == NULL) {
		*e = (struct seen){xstrdup(key), owner};
		t->n++;
	}
}

static void seen_free(struct seen_table *t)
{
	for (size_t i = 0; i < t->cap; i++)
		free(t->v[i].key);
	hh_scratch_free(t->v, t->cap * sizeof(*t->v));
}

struct build {
	struct hh_field_src *s;
	enum hh_lang lang;
	struct hh_content *c;
	struct hh_phrase *v;
	size_t n, cap;
	struct hh_concept **concepts; /* each in c's arena */
	size_t n_concepts, cap_concepts;
	struct hh_concept_word *cw; /* concept index into concepts until compiled */
	size_t n_cw, cap_cw;
	struct seen_table seen;
	struct hh_code_parts *parts; /* words in the content's arena */
	size_t n_parts, cap_parts;
	int bad;
	int stored;       /* hh_phrases_schema */
	size_t n_dropped; /* stored: what this binary's word checks refused, left out */
};

/*
 * A check against this binary's negation and hedging words failed (stem:
 * that stem begins one; NULL: the words are only such words): refused, or
 * for a stored file left out.
 */
static void word_check_fail(struct build *b, const char *path, const char *stem, const char *only_what)
{
	if (b->stored) {
		b->n_dropped++;
		return;
	}
	if (stem != NULL)
		hh_field_fail(b->s, path, "has a stem \"%s*\" that begins a negation or hedging word", stem);
	else
		hh_field_fail(b->s, path, "%s", only_what);
	b->bad = 1;
}

static void fail(struct build *b, const char *path, const char *fmt, ...) HH_PRINTF(3, 4);

static void fail(struct build *b, const char *path, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	hh_field_fail(b->s, path, "%s", msg);
	b->bad = 1;
}

/* The same words under two names in one country (a shared phrase counts in every country). */
static int duplicate(struct build *b, const char *path, const char *words, const char *country, const char *owner)
{
	char key[HH_PHRASE_MAX_CHARS * 2 + 8], any[HH_PHRASE_MAX_CHARS * 2 + 8], shared[HH_PHRASE_MAX_CHARS * 2 + 8];
	snprintf(key, sizeof(key), "%s|%s", country ? country : "", words);
	snprintf(any, sizeof(any), "*|%s", words);
	snprintf(shared, sizeof(shared), "|%s", words);
	const char *clash = country == NULL ? seen_get(&b->seen, any) : seen_get(&b->seen, key);
	if (clash == NULL && country != NULL)
		clash = seen_get(&b->seen, shared);
	if (clash != NULL) {
		if (strcmp(clash, owner) == 0)
			fail(b, path, "is given twice for %s", owner);
		else
			fail(b, path, "also names %s: a phrase names one thing", clash);
		return 1;
	}
	seen_put(&b->seen, key, owner);
	seen_put(&b->seen, any, owner);
	return 0;
}

/* Checks the words of one phrase; 0 when it may be kept. */
static int check_words(struct build *b, const char *path, char words[][32], int n)
{
	if (n < 0)
		return fail(b, path, "has more than %s words, or a word too long", "8"), -1;
	if (n == 0)
		return fail(b, path, "has no words%s", ""), -1;
	if (strcmp(words[0], "*") == 0 || strcmp(words[n - 1], "*") == 0)
		return fail(b, path, "may not start or end with a gap (\"*\")%s", ""), -1;
	int only_triggers = 1;
	for (int i = 0; i < n; i++) {
		size_t len = strlen(words[i]);
		if (i > 0 && strcmp(words[i], "*") == 0 && strcmp(words[i - 1], "*") == 0)
			return fail(b, path, "has two gaps in a row%s", ""), -1;
		if (len > 1 && words[i][len - 1] == '*') {
			words[i][len - 1] = '\0';
			if (len - 1 < 3)
				return fail(b, path, "has a stem \"%s*\" shorter than 3 letters", words[i]), -1;
			if (hh_textparse_is_trigger_word(b->lang, words[i], 1))
				return word_check_fail(b, path, words[i], NULL), -1;
			words[i][len - 1] = '*';
		}
		if (strcmp(words[i], "*") != 0 && !hh_textparse_is_trigger_word(b->lang, words[i], 0))
			only_triggers = 0;
	}
	if (only_triggers)
		return word_check_fail(b, path, NULL, "is made of negation or hedging words only"), -1;
	return 0;
}

static void add_phrase(struct build *b, const char *path, json_t *v, enum hh_phrase_target target, const char *name,
		       int partial, const char *country)
{
	const char *text = json_string_value(v);
	if (!json_is_string(v) || text == NULL)
		return fail(b, path, "must be a string%s", "");
	if (strlen(text) > HH_PHRASE_MAX_CHARS)
		return fail(b, path, "is longer than %s bytes", "80");
	char words[HH_PHRASE_MAX_WORDS][32];
	int n = hh_textparse_phrase_words(b->lang, text, words, HH_PHRASE_MAX_WORDS);
	if (check_words(b, path, words, n) < 0)
		return;
	char joined[HH_PHRASE_MAX_CHARS * 2] = "";
	for (int i = 0; i < n; i++) {
		size_t k = strlen(joined);
		snprintf(joined + k, sizeof(joined) - k, "%s%s", i ? " " : "", words[i]);
	}
	if (duplicate(b, path, joined, country, name))
		return;
	if (b->n == b->cap) {
		size_t was = b->cap;
		b->cap = b->cap ? b->cap * 2 : 128;
		b->v = hh_scratch_resize(b->v, was * sizeof(*b->v), b->cap * sizeof(*b->v));
	}
	struct hh_phrase *p = &b->v[b->n++];
	memset(p, 0, sizeof(*p));
	p->target = target;
	p->name = hh_content_strdup(b->c, name);
	p->partial = partial == 1;
	p->opposite = partial == 2;
	p->country = country != NULL ? hh_content_strdup(b->c, country) : NULL;
	p->n_words = (size_t)n;
	p->words = hh_content_alloc(b->c, (size_t)n * sizeof(*p->words));
	p->stem = hh_content_alloc(b->c, (size_t)n);
	for (int i = 0; i < n; i++) {
		size_t len = strlen(words[i]);
		p->stem[i] = len > 1 && words[i][len - 1] == '*';
		p->words[i] = hh_content_strndup(b->c, words[i], p->stem[i] ? len - 1 : len);
	}
}

/* One entry of a concept's group or a code's part ("numb*", "cant feel") into w: its words, stemmed. 0, or -1. */
static int read_group_word(struct build *b, const char *path, json_t *v, struct hh_concept_word *w)
{
	const char *text = json_string_value(v);
	if (!json_is_string(v) || text == NULL)
		return fail(b, path, "must be a string%s", ""), -1;
	if (strlen(text) > HH_PHRASE_MAX_CHARS)
		return fail(b, path, "is longer than %s bytes", "80"), -1;
	char words[HH_CONCEPT_MAX_WORDS][32];
	int n = hh_textparse_phrase_words(b->lang, text, words, HH_CONCEPT_MAX_WORDS);
	if (n < 0)
		return fail(b, path, "has more than %s words, or a word too long", "4"), -1;
	if (n == 0)
		return fail(b, path, "has no words%s", ""), -1;
	int only_triggers = 1;
	for (int i = 0; i < n; i++) {
		size_t len = strlen(words[i]);
		if (strcmp(words[i], "*") == 0)
			return fail(b, path, "may not hold a gap (\"*\"): a concept's groups stand apart already%s",
				    ""),
			       -1;
		if (words[i][len - 1] == '*') {
			words[i][len - 1] = '\0';
			if (len - 1 < 3)
				return fail(b, path, "has a stem \"%s*\" shorter than 3 letters", words[i]), -1;
			if (hh_textparse_is_trigger_word(b->lang, words[i], 1))
				return word_check_fail(b, path, words[i], NULL), -1;
			words[i][len - 1] = '*';
		}
		if (!hh_textparse_is_trigger_word(b->lang, words[i], 0))
			only_triggers = 0;
	}
	if (only_triggers)
		return word_check_fail(b, path, NULL,
				       "is a negation or hedging word: it would read a denial as the symptom"),
		       -1;
	memset(w, 0, sizeof(*w));
	w->n_words = (size_t)n;
	w->words = hh_content_alloc(b->c, (size_t)n * sizeof(*w->words));
	w->pfx = hh_content_alloc(b->c, (size_t)n);
	for (int i = 0; i < n; i++) {
		size_t len = strlen(words[i]);
		char stem[32];
		w->pfx[i] = words[i][len - 1] == '*';
		if (w->pfx[i])
			words[i][len - 1] = '\0';
		else
			hh_textparse_stem(b->lang, words[i], stem);
		w->words[i] = hh_content_strdup(b->c, w->pfx[i] ? words[i] : stem);
	}
	return 0;
}

/* One entry of a concept's group. */
static void add_concept_word(struct build *b, const char *path, json_t *v, size_t concept, unsigned group)
{
	if (b->n_cw == b->cap_cw) {
		size_t was = b->cap_cw;
		b->cap_cw = b->cap_cw ? b->cap_cw * 2 : 256;
		b->cw = hh_scratch_resize(b->cw, was * sizeof(*b->cw), b->cap_cw * sizeof(*b->cw));
	}
	struct hh_concept_word *w = &b->cw[b->n_cw];
	if (read_group_word(b, path, v, w) < 0)
		return;
	w->concept = (const struct hh_concept *)(uintptr_t)(concept + 1);
	w->group = group;
	/*
	 * The same stem twice in one group is an inflection listed for the
	 * reader's sake ("hurts", "hurting"): kept once. In two groups of one
	 * concept it would let one word stand for both: refused.
	 */
	for (size_t k = 0; k < b->n_cw; k++) {
		const struct hh_concept_word *o = &b->cw[k];
		int same = o->concept == w->concept && o->n_words == w->n_words;
		for (size_t i = 0; same && i < w->n_words; i++)
			same = o->pfx[i] == w->pfx[i] && strcmp(o->words[i], w->words[i]) == 0;
		if (same && o->group != w->group)
			return fail(b, path, "is in two groups of this concept (as \"%s\")", w->words[0]);
		if (same)
			return;
	}
	b->n_cw++;
}

/* "concepts": [[[group words], [group words], ...], ...] */
static void add_concepts(struct build *b, const char *path, json_t *arr, const char *name, const char *country,
			 int hint)
{
	if (!json_is_array(arr))
		return fail(b, path, "must be a list of concepts, each a list of groups of words%s", "");
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		char p[HH_FIELD_PATH_LEN];
		hh_field_join_index(p, path, i);
		if (!json_is_array(v) || json_array_size(v) < 2 || json_array_size(v) > HH_CONCEPT_MAX_GROUPS) {
			fail(b, p, "must be a list of 2 to %s groups of words", "4");
			continue;
		}
		if (b->n_concepts == b->cap_concepts) {
			size_t was = b->cap_concepts;
			b->cap_concepts = b->cap_concepts ? b->cap_concepts * 2 : 64;
			b->concepts = hh_scratch_resize(b->concepts, was * sizeof(*b->concepts),
							b->cap_concepts * sizeof(*b->concepts));
		}
		size_t ci = b->n_concepts++;
		struct hh_concept *k = hh_content_alloc(b->c, sizeof(*k));
		memset(k, 0, sizeof(*k));
		k->head.target = HH_PHRASE_CODE;
		k->head.name = hh_content_strdup(b->c, name);
		k->head.country = country != NULL ? hh_content_strdup(b->c, country) : NULL;
		k->head.hint = hint;
		k->n_groups = (unsigned)json_array_size(v);
		b->concepts[ci] = k;
		size_t g;
		json_t *group;
		json_array_foreach(v, g, group)
		{
			char q[HH_FIELD_PATH_LEN];
			hh_field_join_index(q, p, g);
			if (!json_is_array(group) || json_array_size(group) == 0) {
				fail(b, q, "must be a list of words, not empty%s", "");
				continue;
			}
			size_t e;
			json_t *word;
			json_array_foreach(group, e, word)
			{
				char r[HH_FIELD_PATH_LEN];
				hh_field_join_index(r, q, e);
				add_concept_word(b, r, word, ci, (unsigned)g);
			}
		}
	}
}

/* "parts": [[part words], [part words], ...] of one code (every country alike). */
static void add_parts(struct build *b, const char *path, json_t *arr, const char *code, const char *country)
{
	if (country != NULL)
		return fail(b, path, "belongs to the code in every country, not to one country%s", "");
	if (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > HH_PARTS_MAX)
		return fail(b, path, "must be a list of 1 to %d parts, each a list of words", HH_PARTS_MAX);
	size_t total = 0, i;
	json_t *part;
	json_array_foreach(arr, i, part) total += json_is_array(part) ? json_array_size(part) : 0;
	if (b->n_parts == b->cap_parts) {
		size_t was = b->cap_parts;
		b->cap_parts = b->cap_parts ? b->cap_parts * 2 : 16;
		b->parts = hh_scratch_resize(b->parts, was * sizeof(*b->parts), b->cap_parts * sizeof(*b->parts));
	}
	struct hh_code_parts *cp = &b->parts[b->n_parts++];
	cp->code = hh_content_strdup(b->c, code);
	cp->n_parts = (unsigned)json_array_size(arr);
	cp->words = hh_content_alloc(b->c, (total + 1) * sizeof(*cp->words));
	cp->n_words = 0;
	json_array_foreach(arr, i, part)
	{
		char p[HH_FIELD_PATH_LEN];
		hh_field_join_index(p, path, i);
		if (!json_is_array(part) || json_array_size(part) == 0) {
			fail(b, p, "must be a list of words, not empty%s", "");
			continue;
		}
		size_t e;
		json_t *word;
		json_array_foreach(part, e, word)
		{
			char q[HH_FIELD_PATH_LEN];
			hh_field_join_index(q, p, e);
			struct hh_concept_word *w = &cp->words[cp->n_words];
			if (read_group_word(b, q, word, w) == 0) {
				w->group = (unsigned)i;
				cp->n_words++;
			}
		}
	}
}

static void add_list(struct build *b, const char *path, json_t *arr, enum hh_phrase_target target, const char *name,
		     int partial, const char *country)
{
	if (!json_is_array(arr))
		return fail(b, path, "must be a list of phrases%s", "");
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		char p[HH_FIELD_PATH_LEN];
		hh_field_join_index(p, path, i);
		add_phrase(b, p, v, target, name, partial, country);
	}
}

static void add_codes(struct build *b, const char *path, json_t *codes, const char *country)
{
	if (!json_is_object(codes))
		return fail(b, path, "must be an object of codes%s", "");
	const char *code;
	json_t *v;
	json_object_foreach(codes, code, v)
	{
		char p[HH_FIELD_PATH_LEN];
		hh_field_join_key(p, path, code);
		if (b->c->n_symptoms > 0 && hh_content_symptom(b->c, code) == NULL) {
			fail(b, p, "is not a symptom code (%s)", "triage/symptoms.json");
			continue;
		}
		if (!json_is_object(v)) {
			fail(b, p,
			     "must be an object with \"phrases\", \"partial\", \"opposite\", \"concepts\", \"hints\", "
			     "\"parts\"%s",
			     "");
			continue;
		}
		hh_field_keys(
			b->s, v, p,
			(const char *const[]){"phrases", "partial", "opposite", "concepts", "hints", "parts", NULL});
		/* a phrase's kind: 0 names the code, 1 part of it (partial), 2 its opposite */
		const char *const lists[] = {"phrases", "partial", "opposite"};
		for (int k = 0; k < 3; k++) {
			json_t *arr = json_object_get(v, lists[k]);
			char q[HH_FIELD_PATH_LEN];
			hh_field_join_key(q, p, lists[k]);
			if (arr != NULL)
				add_list(b, q, arr, HH_PHRASE_CODE, code, k, country);
		}
		json_t *concepts = json_object_get(v, "concepts");
		if (concepts != NULL) {
			char q[HH_FIELD_PATH_LEN];
			hh_field_join_key(q, p, "concepts");
			add_concepts(b, q, concepts, code, country, 0);
		}
		/* "hints": a red flag's words near a word of trouble ("my waterworks are playing up"), asked */
		json_t *hints = json_object_get(v, "hints");
		if (hints != NULL) {
			char q[HH_FIELD_PATH_LEN];
			hh_field_join_key(q, p, "hints");
			const struct hh_symptom *y = hh_content_symptom(b->c, code);
			if (y != NULL && y->category != HH_CATEGORY_RED_FLAG)
				fail(b, q, "belongs to red flags only: a hint is asked, and %s is a pattern", code);
			else
				add_concepts(b, q, hints, code, country, 1);
		}
		json_t *parts = json_object_get(v, "parts");
		if (parts != NULL) {
			char q[HH_FIELD_PATH_LEN];
			hh_field_join_key(q, p, "parts");
			add_parts(b, q, parts, code, country);
		}
	}
}

static void add_regions(struct build *b, json_t *regions)
{
	if (!json_is_object(regions))
		return fail(b, "regions", "must be an object of regions%s", "");
	const char *name;
	json_t *v;
	json_object_foreach(regions, name, v)
	{
		char p[HH_FIELD_PATH_LEN];
		unsigned bit;
		hh_field_join_key(p, "regions", name);
		if (hh_region_parse(name, &bit) < 0)
			fail(b, p, "is not a region (%s)", "upper_back, middle_back");
		else
			add_list(b, p, v, HH_PHRASE_REGION, name, 0, NULL);
	}
}

static int known_country(const struct hh_content *c, const char *cc)
{
	if (strlen(cc) != 2 || cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' || cc[1] > 'Z')
		return 0;
	for (size_t i = 0; i < c->n_countries; i++)
		if (strcmp(c->countries[i].code, cc) == 0)
			return 1;
	return c->n_countries == 0;
}

static void add_countries(struct build *b, json_t *countries)
{
	if (!json_is_object(countries))
		return fail(b, "countries", "must be an object of countries%s", "");
	const char *cc;
	json_t *v;
	json_object_foreach(countries, cc, v)
	{
		char p[HH_FIELD_PATH_LEN], q[HH_FIELD_PATH_LEN];
		hh_field_join_key(p, "countries", cc);
		if (!known_country(b->c, cc)) {
			fail(b, p, "is not a country of the content (%s)", "countries/");
			continue;
		}
		if (!json_is_object(v)) {
			fail(b, p, "must be an object with \"codes\"%s", "");
			continue;
		}
		hh_field_keys(b->s, v, p, (const char *const[]){"codes", NULL});
		hh_field_join_key(q, p, "codes");
		if (json_object_get(v, "codes") != NULL)
			add_codes(b, q, json_object_get(v, "codes"), cc);
	}
}

static int cmp_phrase(const void *a, const void *b)
{
	const struct hh_phrase *x = a, *y = b;
	int c = strcmp(x->words[0], y->words[0]);
	if (c != 0)
		return c;
	return x->n_words > y->n_words ? -1 : x->n_words < y->n_words;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_cw(const void *a, const void *b)
{
	const struct hh_concept_word *x = a, *y = b;
	int c = strcmp(x->words[0], y->words[0]);
	return c != 0 ? c : x->n_words > y->n_words ? -1 : x->n_words < y->n_words;
}

static void compile_concepts(struct build *b, struct hh_phrasebook *book)
{
	book->n_concepts = b->n_concepts;
	book->concepts = hh_content_alloc(b->c, (b->n_concepts + 1) * sizeof(*book->concepts));
	for (size_t i = 0; i < b->n_concepts; i++)
		book->concepts[i] = *b->concepts[i];
	size_t n_pfx = 0;
	for (size_t i = 0; i < b->n_cw; i++)
		n_pfx += b->cw[i].pfx[0];
	book->cw_stem = hh_content_alloc(b->c, (b->n_cw - n_pfx + 1) * sizeof(*book->cw_stem));
	book->cw_pfx = hh_content_alloc(b->c, (n_pfx + 1) * sizeof(*book->cw_pfx));
	for (size_t i = 0; i < b->n_cw; i++) {
		struct hh_concept_word w = b->cw[i];
		w.concept = &book->concepts[(uintptr_t)w.concept - 1];
		if (w.pfx[0])
			book->cw_pfx[book->n_cw_pfx++] = w;
		else
			book->cw_stem[book->n_cw_stem++] = w;
		const unsigned char *f = (const unsigned char *)w.words[0];
		unsigned pair = (unsigned)f[0] << 8 | f[1];
		book->cw_pair[pair >> 3] |= (unsigned char)(1u << (pair & 7));
	}
	if (book->n_cw_stem > 1)
		qsort(book->cw_stem, book->n_cw_stem, sizeof(*book->cw_stem), cmp_cw);
	if (book->n_cw_pfx > 1)
		qsort(book->cw_pfx, book->n_cw_pfx, sizeof(*book->cw_pfx), cmp_cw);
}

static struct hh_phrasebook *compile(struct build *b)
{
	struct hh_phrasebook *book = hh_content_alloc(b->c, sizeof(*book));
	memset(book, 0, sizeof(*book));
	book->lang = b->lang;
	book->n = b->n;
	book->v = hh_content_alloc(b->c, (b->n + 1) * sizeof(*book->v));
	if (b->n > 0)
		memcpy(book->v, b->v, b->n * sizeof(*book->v));
	if (b->n > 1)
		qsort(book->v, b->n, sizeof(*book->v), cmp_phrase);
	size_t words = 0;
	for (size_t i = 0; i < b->n; i++)
		words += b->v[i].n_words;
	const char **vocab = hh_content_alloc(b->c, (words + 1) * sizeof(*vocab));
	size_t n = 0;
	for (size_t i = 0; i < b->n; i++)
		for (size_t k = 0; k < b->v[i].n_words; k++)
			if (!b->v[i].stem[k] && strcmp(b->v[i].words[k], "*") != 0)
				vocab[n++] = b->v[i].words[k];
	if (n > 1)
		qsort(vocab, n, sizeof(*vocab), cmp_str);
	size_t u = 0;
	for (size_t i = 0; i < n; i++)
		if (u == 0 || strcmp(vocab[u - 1], vocab[i]) != 0)
			vocab[u++] = vocab[i];
	book->vocab = vocab;
	book->n_vocab = u;
	const char **vocab_stem = hh_content_alloc(b->c, (words + 1) * sizeof(*vocab_stem));
	n = 0;
	for (size_t i = 0; i < b->n; i++)
		for (size_t k = 0; k < b->v[i].n_words; k++)
			if (b->v[i].stem[k])
				vocab_stem[n++] = b->v[i].words[k];
	if (n > 1)
		qsort(vocab_stem, n, sizeof(*vocab_stem), cmp_str);
	u = 0;
	for (size_t i = 0; i < n; i++)
		if (u == 0 || strcmp(vocab_stem[u - 1], vocab_stem[i]) != 0)
			vocab_stem[u++] = vocab_stem[i];
	book->vocab_stem = vocab_stem;
	book->n_vocab_stem = u;
	book->stem_first = hh_content_alloc(b->c, (b->n + 1) * sizeof(*book->stem_first));
	for (size_t i = 0; i < b->n; i++)
		if (book->v[i].stem[0])
			book->stem_first[book->n_stem_first++] = &book->v[i];
	compile_concepts(b, book);
	book->parts = hh_content_alloc(b->c, (b->n_parts + 1) * sizeof(*book->parts));
	if (b->n_parts > 0)
		memcpy(book->parts, b->parts, b->n_parts * sizeof(*book->parts));
	book->n_parts = b->n_parts;
	return book;
}

const struct hh_code_parts *hh_phrases_parts(const struct hh_phrasebook *book, const char *code)
{
	for (size_t i = 0; book != NULL && i < book->n_parts; i++)
		if (strcmp(book->parts[i].code, code) == 0)
			return &book->parts[i];
	return NULL;
}

struct hh_phrasebook *hh_phrases_schema(struct hh_field_src *s, json_t *root, enum hh_lang lang, struct hh_content *c,
					int stored)
{
	struct build b = {.s = s, .lang = lang, .c = c, .stored = stored};
	if (!json_is_object(root)) {
		hh_field_wrong_type(s, "", "an object", root);
		return NULL;
	}
	hh_field_keys(s, root, "", (const char *const[]){"codes", "regions", "countries", "translation_review", NULL});
	if (json_object_get(root, "codes") != NULL)
		add_codes(&b, "codes", json_object_get(root, "codes"), NULL);
	else
		fail(&b, "codes", "is missing%s", "");
	if (json_object_get(root, "regions") != NULL)
		add_regions(&b, json_object_get(root, "regions"));
	if (json_object_get(root, "countries") != NULL)
		add_countries(&b, json_object_get(root, "countries"));
	struct hh_phrasebook *book = b.bad || s->errors > 0 ? NULL : compile(&b);
	if (book != NULL)
		book->n_dropped = b.n_dropped;
	seen_free(&b.seen);
	hh_scratch_free(b.v, b.cap * sizeof(*b.v)); /* the build's scratch: mapped from 64 KiB up (common.h) */
	hh_scratch_free(b.concepts, b.cap_concepts * sizeof(*b.concepts));
	hh_scratch_free(b.cw, b.cap_cw * sizeof(*b.cw));
	hh_scratch_free(b.parts, b.cap_parts * sizeof(*b.parts));
	return book;
}

static void hash_str(struct hh_sha256 *h, const char *s)
{
	hh_sha256_str(h, s != NULL ? s : "");
}

void hh_phrases_hash(struct hh_sha256 *h, const struct hh_phrasebook *book)
{
	char num[32];
	if (book == NULL) {
		hash_str(h, "no phrases");
		return;
	}
	snprintf(num, sizeof(num), "%d/%zu", (int)book->lang, book->n);
	hash_str(h, num);
	for (size_t i = 0; i < book->n; i++) {
		const struct hh_phrase *p = &book->v[i];
		snprintf(num, sizeof(num), "%d/%d/%d/%zu", (int)p->target, p->partial, p->opposite, p->n_words);
		hash_str(h, num);
		hash_str(h, p->name);
		hash_str(h, p->country);
		for (size_t k = 0; k < p->n_words; k++) {
			hash_str(h, p->words[k]);
			hash_str(h, p->stem[k] ? "*" : "");
		}
	}
	snprintf(num, sizeof(num), "concepts %zu/%zu/%zu", book->n_concepts, book->n_cw_stem, book->n_cw_pfx);
	hash_str(h, num);
	for (size_t i = 0; i < book->n_concepts; i++) {
		snprintf(num, sizeof(num), "%u/%d", book->concepts[i].n_groups, book->concepts[i].head.hint);
		hash_str(h, num);
		hash_str(h, book->concepts[i].head.name);
		hash_str(h, book->concepts[i].head.country);
	}
	snprintf(num, sizeof(num), "parts %zu", book->n_parts);
	hash_str(h, num);
	for (size_t i = 0; i < book->n_parts; i++) {
		const struct hh_code_parts *cp = &book->parts[i];
		snprintf(num, sizeof(num), "%u/%zu", cp->n_parts, cp->n_words);
		hash_str(h, num);
		hash_str(h, cp->code);
		for (size_t k = 0; k < cp->n_words; k++) {
			snprintf(num, sizeof(num), "%u/%zu", cp->words[k].group, cp->words[k].n_words);
			hash_str(h, num);
			for (size_t j = 0; j < cp->words[k].n_words; j++) {
				hash_str(h, cp->words[k].words[j]);
				hash_str(h, cp->words[k].pfx[j] ? "*" : "");
			}
		}
	}
	const struct hh_concept_word *lists[2] = {book->cw_stem, book->cw_pfx};
	size_t counts[2] = {book->n_cw_stem, book->n_cw_pfx};
	for (int l = 0; l < 2; l++)
		for (size_t i = 0; i < counts[l]; i++) {
			const struct hh_concept_word *w = &lists[l][i];
			snprintf(num, sizeof(num), "%td/%u/%zu", w->concept - book->concepts, w->group, w->n_words);
			hash_str(h, num);
			for (size_t k = 0; k < w->n_words; k++) {
				hash_str(h, w->words[k]);
				hash_str(h, w->pfx[k] ? "*" : "");
			}
		}
}
