/*
 * content.c - the content model's arena, derived fields and lookups.
 */
#include "healthhub/content.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "healthhub/hash.h"
#include "healthhub/phrases.h"

/* ---------------------------------------------------------------- arena */

struct hh_arena_block {
	struct hh_arena_block *next;
	size_t used, size;
	max_align_t data[]; /* size bytes */
};

struct hh_arena {
	struct hh_arena_block *head;
};

#define ARENA_BLOCK 16384

struct hh_content *hh_content_new(void)
{
	struct hh_content *c = xcalloc(1, sizeof(*c));
	c->arena = xcalloc(1, sizeof(*c->arena));
	return c;
}

void hh_content_free(struct hh_content *c)
{
	if (c == NULL)
		return;
	for (int l = 0; l < HH_LANG_COUNT; l++)
		hh_content_free(c->translations[l]);
	struct hh_arena_block *b = c->arena->head;
	while (b != NULL) {
		struct hh_arena_block *next = b->next;
		hh_scratch_free(b, sizeof(*b) + b->size);
		b = next;
	}
	free(c->arena);
	free(c);
}

/* n bytes of c's arena, not cleared (what the caller writes whole at once). */
static void *arena_take(struct hh_content *c, size_t n)
{
	size_t need = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	struct hh_arena_block *b = c->arena->head;
	if (b == NULL || b->size - b->used < need) {
		size_t size = need > ARENA_BLOCK ? need : ARENA_BLOCK;
		/* a big one (a phrasebook's table) is mapped on its own: freed at the next reload, a
		 * malloc'd one would raise glibc's mmap threshold (common.h) */
		b = sizeof(*b) + size >= HH_SCRATCH_MAP_MIN ? hh_scratch_alloc(sizeof(*b) + size)
							    : xmalloc(sizeof(*b) + size);
		b->used = 0;
		b->size = size;
		b->next = c->arena->head;
		c->arena->head = b;
	}
	void *p = (char *)b->data + b->used;
	b->used += need;
	return p;
}

void *hh_content_alloc(struct hh_content *c, size_t n)
{
	void *p = arena_take(c, n);
	memset(p, 0, n);
	return p;
}

/* strings are copied whole: a reload copies every unchanged entity's, so they are not cleared first */
const char *hh_content_strndup(struct hh_content *c, const char *s, size_t n)
{
	char *p = arena_take(c, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

const char *hh_content_strdup(struct hh_content *c, const char *s)
{
	return s == NULL ? NULL : hh_content_strndup(c, s, strlen(s));
}

/* ---------------------------------------------------------------- names */

static const char *const level_names[HH_LEVEL_COUNT] = {"self_care", "see_doctor", "urgent", "emergency"};
static const char *const position_names[HH_POSITION_COUNT] = {"standing", "sitting", "lying_down"};
static const char *const region_names[HH_REGION_COUNT] = {"upper_back", "middle_back"};

static int parse_name(const char *s, const char *const *names, int n)
{
	if (s == NULL)
		return -1;
	for (int i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

const char *hh_level_name(enum hh_level l)
{
	return (unsigned)l < HH_LEVEL_COUNT ? level_names[l] : "unknown";
}

int hh_level_parse(const char *s, enum hh_level *out)
{
	int i = parse_name(s, level_names, HH_LEVEL_COUNT);
	if (i < 0)
		return -1;
	*out = (enum hh_level)i;
	return 0;
}

const char *hh_category_name(enum hh_category c)
{
	return c == HH_CATEGORY_RED_FLAG ? "red_flag" : "pattern";
}

int hh_category_parse(const char *s, enum hh_category *out)
{
	static const char *const names[] = {"red_flag", "pattern"};
	int i = parse_name(s, names, 2);
	if (i < 0)
		return -1;
	*out = (enum hh_category)i;
	return 0;
}

static int bit_index(unsigned bit)
{
	return bit == 0 || (bit & (bit - 1)) ? -1 : __builtin_ctz(bit);
}

const char *hh_position_name(unsigned bit)
{
	int i = bit_index(bit);
	return i >= 0 && i < HH_POSITION_COUNT ? position_names[i] : "unknown";
}

int hh_position_parse(const char *s, unsigned *bit)
{
	int i = parse_name(s, position_names, HH_POSITION_COUNT);
	if (i < 0)
		return -1;
	*bit = 1u << i;
	return 0;
}

const char *hh_region_name(unsigned bit)
{
	int i = bit_index(bit);
	return i >= 0 && i < HH_REGION_COUNT ? region_names[i] : "unknown";
}

int hh_region_parse(const char *s, unsigned *bit)
{
	int i = parse_name(s, region_names, HH_REGION_COUNT);
	if (i < 0)
		return -1;
	*bit = 1u << i;
	return 0;
}

const char *hh_rule_field_name(enum hh_rule_field f)
{
	return f == HH_RULE_AGE ? "age" : "duration_days";
}

static const char *const question_type_names[] = {"multiple", "integer", "each"};

const char *hh_question_type_name(enum hh_question_type t)
{
	return (size_t)t < HH_ARRAY_LEN(question_type_names) ? question_type_names[t] : "unknown";
}

int hh_question_type_parse(const char *s, enum hh_question_type *out)
{
	int i = parse_name(s, question_type_names, (int)HH_ARRAY_LEN(question_type_names));
	if (i < 0)
		return -1;
	*out = (enum hh_question_type)i;
	return 0;
}

int hh_range_holds(const struct hh_range *r, long long v)
{
	return !r->given || (v >= 0 && v >= r->min && v <= r->max);
}

int hh_rule_field_parse(const char *s, enum hh_rule_field *out)
{
	static const char *const names[] = {"age", "duration_days"};
	int i = parse_name(s, names, 2);
	if (i < 0)
		return -1;
	*out = (enum hh_rule_field)i;
	return 0;
}

static int word_format(const char *s, char sep)
{
	if (s == NULL)
		return 0;
	size_t n = strlen(s);
	if (n == 0 || n > 64 || s[0] == sep || s[n - 1] == sep)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		int ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == sep;
		if (!ok || (ch == sep && s[i + 1] == sep))
			return 0;
	}
	return 1;
}

int hh_is_slug(const char *s)
{
	return word_format(s, '-');
}

int hh_is_code(const char *s)
{
	return word_format(s, '_');
}

/* ---------------------------------------------------------------- finish */

static int cmp_article(const void *a, const void *b)
{
	return strcmp(((const struct hh_article *)a)->slug, ((const struct hh_article *)b)->slug);
}

static int cmp_cause(const void *a, const void *b)
{
	return strcmp(((const struct hh_cause *)a)->slug, ((const struct hh_cause *)b)->slug);
}

static int cmp_remedy(const void *a, const void *b)
{
	return strcmp(((const struct hh_remedy *)a)->slug, ((const struct hh_remedy *)b)->slug);
}

/* remedy->causes is derived, so the link is declared once (on the cause). */
static int named_before(const struct hh_strv *v, size_t k)
{
	for (size_t j = 0; j < k; j++)
		if (strcmp(v->v[j], v->v[k]) == 0)
			return 1;
	return 0;
}

static void derive_remedy_causes(struct hh_content *c)
{
	/*
	 * Each cause's remedies are looked up (the remedies are sorted by now):
	 * linear in the links. Comparing every remedy with every cause's list
	 * was 4.7 million strcmp per content at 5,000 articles, and a content
	 * is finished for every language and country at every reload.
	 */
	size_t *count = xcalloc(c->n_remedies + 1, sizeof(*count));
	for (int pass = 0; pass < 2; pass++) {
		for (size_t r = 0; pass == 1 && r < c->n_remedies; r++) {
			/* counted first: a list sized for every cause, per remedy, was megabytes at 5,000 articles */
			c->remedies[r].causes.v = hh_content_alloc(c, (count[r] + 1) * sizeof(char *));
			c->remedies[r].causes.n = 0;
		}
		for (size_t i = 0; i < c->n_causes; i++) {
			const struct hh_cause *cause = &c->causes[i];
			for (size_t k = 0; k < cause->remedies.n; k++) {
				const struct hh_remedy *found = hh_content_remedy(c, cause->remedies.v[k]);
				if (found == NULL || named_before(&cause->remedies, k))
					continue;
				struct hh_remedy *rem = &c->remedies[found - c->remedies];
				if (pass == 0)
					count[rem - c->remedies]++;
				else
					rem->causes.v[rem->causes.n++] = cause->slug;
			}
		}
	}
	free(count);
}

/* Red flags first, most urgent level first; patterns last; stable within. */
static void order_symptoms(struct hh_content *c)
{
	struct hh_symptom *sorted = hh_content_alloc(c, (c->n_symptoms + 1) * sizeof(*sorted));
	size_t k = 0;
	for (int level = HH_LEVEL_EMERGENCY; level >= HH_LEVEL_SELF_CARE; level--)
		for (size_t i = 0; i < c->n_symptoms; i++)
			if (c->symptoms[i].category == HH_CATEGORY_RED_FLAG && (int)c->symptoms[i].level == level)
				sorted[k++] = c->symptoms[i];
	for (size_t i = 0; i < c->n_symptoms; i++)
		if (c->symptoms[i].category == HH_CATEGORY_PATTERN)
			sorted[k++] = c->symptoms[i];
	c->symptoms = sorted;
	c->n_symptoms = k;
}

static void hash_ref(struct hh_sha256 *s, const struct hh_reference *r)
{
	hh_sha256_str(s, r->title);
	hh_sha256_str(s, r->url);
}

static void hash_int(struct hh_sha256 *s, long long v)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%lld", v);
	hh_sha256_update(s, buf, (size_t)n + 1);
}

/* A list with its length first, so moving a code between all_of and any_of changes the digest. */
static void hash_strv(struct hh_sha256 *s, const struct hh_strv *v)
{
	hash_int(s, (long long)v->n);
	for (size_t i = 0; i < v->n; i++)
		hh_sha256_str(s, v->v[i]);
}

static void hash_range(struct hh_sha256 *s, const struct hh_range *r)
{
	hash_int(s, r->given);
	hash_int(s, r->given ? r->min : 0);
	hash_int(s, r->given ? r->max : 0);
}

static void hash_combinations(struct hh_sha256 *s, const struct hh_policy *p)
{
	hash_int(s, (long long)p->n_combinations);
	for (size_t i = 0; i < p->n_combinations; i++) {
		const struct hh_combination *k = &p->combinations[i];
		hh_sha256_str(s, k->code);
		hash_strv(s, &k->all_of);
		hash_strv(s, &k->any_of);
		hash_range(s, &k->age);
		hash_range(s, &k->duration_days);
		hash_int(s, k->level);
		hh_sha256_str(s, k->route);
		hh_sha256_str(s, k->message);
		hash_ref(s, &k->source);
	}
}

/* The interview decides what is asked, so it is part of the ruleset too. */
static void hash_questions(struct hh_sha256 *s, const struct hh_content *c)
{
	hash_int(s, (long long)c->n_questions);
	for (size_t i = 0; i < c->n_questions; i++) {
		const struct hh_question *q = &c->questions[i];
		hh_sha256_str(s, q->id);
		hash_int(s, q->type);
		hh_sha256_str(s, q->text);
		hash_int(s, q->covers);
		hash_int(s, q->field);
		hash_int(s, q->min);
		hash_int(s, q->max);
		hash_int(s, (long long)q->n_items);
		for (size_t k = 0; k < q->n_items; k++) {
			hh_sha256_str(s, q->items[k].code);
			hh_sha256_str(s, q->items[k].text);
		}
	}
}

/* The ruleset version names every input the triage engine reads. */
static void compute_ruleset_version(struct hh_content *c)
{
	struct hh_sha256 s;
	hh_sha256_init(&s);
	for (size_t i = 0; i < c->n_symptoms; i++) {
		const struct hh_symptom *y = &c->symptoms[i];
		hh_sha256_str(&s, y->code);
		hh_sha256_str(&s, y->question);
		hash_int(&s, y->category);
		hash_int(&s, y->level);
		hh_sha256_str(&s, y->message);
		hash_ref(&s, &y->source);
		hash_range(&s, &y->ages);
		for (size_t k = 0; k < y->n_weights; k++) {
			hh_sha256_str(&s, y->weights[k].cause);
			hash_int(&s, y->weights[k].weight);
		}
	}
	const struct hh_policy *p = &c->policy;
	hh_sha256_str(&s, p->disclaimer);
	for (int l = 0; l < HH_LEVEL_COUNT; l++)
		hh_sha256_str(&s, p->advice[l]);
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct hh_rule *r = &p->rules[i];
		hh_sha256_str(&s, r->code);
		hash_int(&s, r->kind);
		hash_int(&s, r->unknown_level);
		hash_int(&s, r->field);
		hash_int(&s, r->min);
		hash_int(&s, r->max);
		hash_int(&s, r->level);
		hh_sha256_str(&s, r->message);
		hash_ref(&s, &r->source);
	}
	hash_combinations(&s, p);
	hash_questions(&s, c);
	for (int l = 0; l < HH_LANG_COUNT; l++)
		hh_phrases_hash(&s, c->phrases[l]); /* what free text reads into a request */
	hash_int(&s, p->max_causes);
	hash_int(&s, p->max_remedies);
	/* every triage answer says the ruleset's sign-off */
	hh_sha256_str(&s, c->triage_review.state);
	hh_sha256_str(&s, c->triage_review.approved_at);
	hh_sha256_str(&s, c->triage_review.role);
	/* Cause names and remedies shape the answer too. */
	for (size_t i = 0; i < c->n_causes; i++) {
		hh_sha256_str(&s, c->causes[i].slug);
		hh_sha256_str(&s, c->causes[i].name);
		for (size_t k = 0; k < c->causes[i].remedies.n; k++)
			hh_sha256_str(&s, c->causes[i].remedies.v[k]);
	}
	for (size_t i = 0; i < c->n_remedies; i++) {
		hh_sha256_str(&s, c->remedies[i].slug);
		hh_sha256_str(&s, c->remedies[i].name);
		hh_sha256_str(&s, c->remedies[i].summary);
	}
	char hex[65];
	hh_sha256_final_hex(&s, hex);
	c->ruleset_version = hh_content_strndup(c, hex, 16);
}

void hh_content_finish(struct hh_content *c)
{
	/* qsort/bsearch must not see NULL, even with a zero count. */
	if (c->n_articles > 1)
		qsort(c->articles, c->n_articles, sizeof(*c->articles), cmp_article);
	if (c->n_causes > 1)
		qsort(c->causes, c->n_causes, sizeof(*c->causes), cmp_cause);
	if (c->n_remedies > 1)
		qsort(c->remedies, c->n_remedies, sizeof(*c->remedies), cmp_remedy);
	derive_remedy_causes(c);
	order_symptoms(c);
	/* After the symptoms settle: the interview looks items up per request, so once here. */
	for (size_t i = 0; i < c->n_questions; i++)
		for (size_t k = 0; k < c->questions[i].n_items; k++)
			c->questions[i].items[k].symptom = hh_content_symptom(c, c->questions[i].items[k].code);
	compute_ruleset_version(c);
}

static int unapproved(const struct hh_review *r)
{
	return r->state == NULL || strcmp(r->state, "approved") != 0;
}

size_t hh_content_unapproved(const struct hh_content *c)
{
	size_t n = c->n_symptoms > 0 && unapproved(&c->triage_review);
	for (size_t i = 0; i < c->n_articles; i++)
		n += unapproved(&c->articles[i].review);
	for (size_t i = 0; i < c->n_causes; i++)
		n += unapproved(&c->causes[i].review);
	for (size_t i = 0; i < c->n_remedies; i++)
		n += unapproved(&c->remedies[i].review);
	return n;
}

/* --------------------------------------------------------------- lookup */

const struct hh_article *hh_content_article(const struct hh_content *c, const char *slug)
{
	struct hh_article key = {.slug = slug};
	if (c->n_articles == 0 || slug == NULL)
		return NULL;
	return bsearch(&key, c->articles, c->n_articles, sizeof(key), cmp_article);
}

const struct hh_cause *hh_content_cause(const struct hh_content *c, const char *slug)
{
	struct hh_cause key = {.slug = slug};
	if (c->n_causes == 0 || slug == NULL)
		return NULL;
	return bsearch(&key, c->causes, c->n_causes, sizeof(key), cmp_cause);
}

const struct hh_remedy *hh_content_remedy(const struct hh_content *c, const char *slug)
{
	struct hh_remedy key = {.slug = slug};
	if (c->n_remedies == 0 || slug == NULL)
		return NULL;
	return bsearch(&key, c->remedies, c->n_remedies, sizeof(key), cmp_remedy);
}

const struct hh_symptom *hh_content_symptom(const struct hh_content *c, const char *code)
{
	for (size_t i = 0; i < c->n_symptoms; i++)
		if (strcmp(c->symptoms[i].code, code) == 0)
			return &c->symptoms[i];
	return NULL;
}

/* ----------------------------------------------------------------- copies */

/*
 * Deep copies into c's arena, for a reload that reads only what changed:
 * the unchanged entities of the previous content are copied (a memcpy per
 * string, far cheaper than reading and parsing them again from the
 * database), so each content still owns every byte it points to.
 */
static void copy_strv(struct hh_content *c, struct hh_strv *dst, const struct hh_strv *src)
{
	dst->v = hh_content_alloc(c, (src->n + 1) * sizeof(*dst->v));
	dst->n = src->n;
	for (size_t i = 0; i < src->n; i++)
		dst->v[i] = hh_content_strdup(c, src->v[i]);
}

static void copy_refs(struct hh_content *c, struct hh_reference_list *dst, const struct hh_reference_list *src)
{
	dst->v = hh_content_alloc(c, (src->n + 1) * sizeof(*dst->v));
	dst->n = src->n;
	for (size_t i = 0; i < src->n; i++) {
		dst->v[i].title = hh_content_strdup(c, src->v[i].title);
		dst->v[i].url = hh_content_strdup(c, src->v[i].url);
	}
}

static void copy_review(struct hh_content *c, struct hh_review *dst, const struct hh_review *src)
{
	dst->state = hh_content_strdup(c, src->state);
	dst->approved_at = hh_content_strdup(c, src->approved_at);
	dst->role = hh_content_strdup(c, src->role);
}

void hh_content_copy_article(struct hh_content *c, struct hh_article *dst, const struct hh_article *src)
{
	*dst = *src;
	dst->slug = hh_content_strdup(c, src->slug);
	dst->title = hh_content_strdup(c, src->title);
	dst->summary = hh_content_strdup(c, src->summary);
	copy_strv(c, &dst->alternate_names, &src->alternate_names);
	dst->sections = hh_content_alloc(c, (src->n_sections + 1) * sizeof(*dst->sections));
	for (size_t i = 0; i < src->n_sections; i++) {
		dst->sections[i].id = hh_content_strdup(c, src->sections[i].id);
		dst->sections[i].heading = hh_content_strdup(c, src->sections[i].heading);
		dst->sections[i].body = hh_content_strdup(c, src->sections[i].body);
	}
	copy_strv(c, &dst->causes, &src->causes);
	copy_strv(c, &dst->remedies, &src->remedies);
	copy_refs(c, &dst->references, &src->references);
	dst->reviewed_at = hh_content_strdup(c, src->reviewed_at);
	dst->next_review_due = hh_content_strdup(c, src->next_review_due);
	dst->updated_at = hh_content_strdup(c, src->updated_at);
	dst->checksum = hh_content_strdup(c, src->checksum);
	copy_review(c, &dst->review, &src->review);
	dst->copied = 1;
}

void hh_content_copy_cause(struct hh_content *c, struct hh_cause *dst, const struct hh_cause *src)
{
	*dst = *src;
	dst->slug = hh_content_strdup(c, src->slug);
	dst->name = hh_content_strdup(c, src->name);
	dst->summary = hh_content_strdup(c, src->summary);
	dst->description = hh_content_strdup(c, src->description);
	copy_strv(c, &dst->remedies, &src->remedies);
	dst->see_doctor_if = hh_content_strdup(c, src->see_doctor_if);
	copy_refs(c, &dst->references, &src->references);
	dst->checksum = hh_content_strdup(c, src->checksum);
	copy_review(c, &dst->review, &src->review);
	dst->copied = 1;
}

void hh_content_copy_remedy(struct hh_content *c, struct hh_remedy *dst, const struct hh_remedy *src)
{
	*dst = *src;
	dst->slug = hh_content_strdup(c, src->slug);
	dst->name = hh_content_strdup(c, src->name);
	dst->summary = hh_content_strdup(c, src->summary);
	dst->description = hh_content_strdup(c, src->description);
	copy_strv(c, &dst->steps, &src->steps);
	dst->causes = (struct hh_strv){0}; /* derived again by hh_content_finish() */
	copy_refs(c, &dst->references, &src->references);
	dst->checksum = hh_content_strdup(c, src->checksum);
	copy_review(c, &dst->review, &src->review);
	dst->copied = 1;
}

int hh_str_same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

int hh_strv_same(const struct hh_strv *a, const struct hh_strv *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (!hh_str_same(a->v[i], b->v[i]))
			return 0;
	return 1;
}
