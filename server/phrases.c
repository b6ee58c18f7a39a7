/*
 * phrases.c - the phrases file of one language (phrases.h): its checks and
 * its compiled form.
 *
 *   {"codes": {"fever": {"phrases": ["fever", "high temperature"], "partial": []}, ...},
 *    "regions": {"upper_back": ["upper back", "between * shoulder blades"], ...},
 *    "countries": {"GB": {"codes": {"sweating_sick_dizzy": {"phrases": ["feeling sick"]}}}}}
 */
#include "healthhub/phrases.h"

#include <stdarg.h>
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
		struct seen_table g = {xcalloc(t->cap ? t->cap * 2 : 256, sizeof(*g.v)), t->cap ? t->cap * 2 : 256, 0};
		for (size_t i = 0; i < t->cap; i++)
			if (t->v[i].key != NULL) {
				*seen_slot(&g, t->v[i].key) = t->v[i];
				g.n++;
			}
		free(t->v);
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
	free(t->v);
}

struct build {
	struct hh_field_src *s;
	enum hh_lang lang;
	struct hh_content *c;
	struct hh_phrase *v;
	size_t n, cap;
	struct seen_table seen;
	int bad;
};

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
				return fail(b, path, "has a stem \"%s*\" that begins a negation or hedging word",
					    words[i]),
				       -1;
			words[i][len - 1] = '*';
		}
		if (strcmp(words[i], "*") != 0 && !hh_textparse_is_trigger_word(b->lang, words[i], 0))
			only_triggers = 0;
	}
	if (only_triggers)
		return fail(b, path, "is made of negation or hedging words only%s", ""), -1;
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
		b->cap = b->cap ? b->cap * 2 : 128;
		b->v = xrealloc(b->v, b->cap * sizeof(*b->v));
	}
	struct hh_phrase *p = &b->v[b->n++];
	p->target = target;
	p->name = hh_content_strdup(b->c, name);
	p->partial = partial;
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
			fail(b, p, "must be an object with \"phrases\" and \"partial\"%s", "");
			continue;
		}
		hh_field_keys(b->s, v, p, (const char *const[]){"phrases", "partial", NULL});
		const char *const lists[] = {"phrases", "partial"};
		for (int k = 0; k < 2; k++) {
			json_t *arr = json_object_get(v, lists[k]);
			char q[HH_FIELD_PATH_LEN];
			hh_field_join_key(q, p, lists[k]);
			if (arr != NULL)
				add_list(b, q, arr, HH_PHRASE_CODE, code, k == 1, country);
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
	book->stem_first = hh_content_alloc(b->c, (b->n + 1) * sizeof(*book->stem_first));
	for (size_t i = 0; i < b->n; i++)
		if (book->v[i].stem[0])
			book->stem_first[book->n_stem_first++] = &book->v[i];
	return book;
}

struct hh_phrasebook *hh_phrases_schema(struct hh_field_src *s, json_t *root, enum hh_lang lang, struct hh_content *c)
{
	struct build b = {.s = s, .lang = lang, .c = c};
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
	seen_free(&b.seen);
	free(b.v);
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
		snprintf(num, sizeof(num), "%d/%d/%zu", (int)p->target, p->partial, p->n_words);
		hash_str(h, num);
		hash_str(h, p->name);
		hash_str(h, p->country);
		for (size_t k = 0; k < p->n_words; k++) {
			hash_str(h, p->words[k]);
			hash_str(h, p->stem[k] ? "*" : "");
		}
	}
}
