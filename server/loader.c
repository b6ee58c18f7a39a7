/*
 * loader.c - reads and validates a content folder (content/README.md) into a
 * struct hh_content: the orchestration of the modules that do the work.
 *
 *   walk.c     which files count and how they are read (and refused);
 *   schema.c   each file's format, field by field (with fields.c);
 *   jsonpos.c  the line of a JSON path, for diagnostics;
 *   diags.c    the "file:line: field: message" list;
 *   here       the run itself, and the checks that need every file at once.
 *
 * Every problem becomes one diagnostic and checking goes on, so an editor
 * sees all their mistakes in one run. Cross-references are checked once
 * every file is read, against the file names present in each folder (so a
 * cause whose file exists but has a typo inside does not also make every
 * link to it fail). Slugs are unique because each must equal its file's
 * name, and names in one folder are unique; codes are checked across
 * symptoms and rules.
 */
#include "healthhub/loader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "healthhub/fields.h"
#include "healthhub/hash.h"
#include "healthhub/i18n.h"
#include "healthhub/schema.h"
#include "healthhub/walk.h"

enum kind { KIND_ARTICLE, KIND_CAUSE, KIND_REMEDY, KIND_SYMPTOMS, KIND_POLICY, KIND_INTERVIEW, KIND_COUNTRY };
#define ENTITY_KINDS 3 /* articles, causes, remedies: one file per entity */

static const char *const kind_dir[ENTITY_KINDS] = {"articles", "causes", "remedies"};
static const char *const kind_noun[ENTITY_KINDS] = {"article", "cause", "remedy"};
#define SYMPTOMS_PATH "triage/symptoms.json"
#define POLICY_PATH "triage/policy.json"
#define INTERVIEW_PATH "triage/interview.json"       /* optional: without it, no guided questions */
#define COMBINATIONS_PATH "triage/combinations.json" /* a language version's combination messages */
#define COUNTRIES_DIR "countries"

/* One file being checked. */
struct src {
	struct hh_field_src f; /* what the checks see; its pointers are rel, buf and the loader's */
	char *rel;             /* relative path, e.g. "causes/x.json"; owned */
	char *buf;             /* raw bytes, NUL-terminated; owned */
	enum kind kind;
	int has_entity; /* an article/cause/remedy slot was filled */
	size_t index;   /* that slot in L->c */
};

struct loader {
	const char *dir;        /* content folder; NULL for check_file */
	struct hh_content *c;   /* being filled; owned until handed out */
	struct hh_diags *diags; /* borrowed */
	size_t errors;          /* every problem found, shown or not */
	struct src **srcs;      /* every file parsed, in reading order */
	size_t n_srcs;
	struct src *symptoms, *policy, *interview; /* the triage files, if read */
	struct hh_walk_names names[ENTITY_KINDS];  /* which entity files exist */
	struct hh_content_files files;             /* raw checksums, for migrate */
	/* Language versions and countries (issue 15). */
	const char *prefix;             /* "" for English, "es/" for a language version */
	const struct hh_i18n_doc *docs; /* read from these instead of dir (db_load.c); borrowed */
	size_t n_docs;
	json_t *combinations;    /* a language version's triage/combinations.json array; owned */
	struct hh_content *keep; /* where raw i18n files are kept (the English content); borrowed */
};

void hh_content_files_free(struct hh_content_files *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i].path);
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

/* A problem with a file as a whole (unreadable, missing): line 0, no field. */
static void loader_fail(struct loader *L, const char *file, const char *fmt, ...) HH_PRINTF(3, 4);

static void loader_fail(struct loader *L, const char *file, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	hh_diags_vadd(L->diags, file, 0, 0, "", fmt, ap);
	va_end(ap);
	L->errors++;
}

/* ------------------------------------------------------------ one file */

/* Fills the next entity slot; the caller sized the arrays for every file. */
static void parse_entity(struct src *s, json_t *obj, struct hh_content *c)
{
	s->has_entity = 1;
	if (s->kind == KIND_ARTICLE) {
		s->index = c->n_articles++;
		hh_schema_article(&s->f, obj, &c->articles[s->index]);
	} else if (s->kind == KIND_CAUSE) {
		s->index = c->n_causes++;
		hh_schema_cause(&s->f, obj, &c->causes[s->index]);
	} else {
		s->index = c->n_remedies++;
		hh_schema_remedy(&s->f, obj, &c->remedies[s->index]);
	}
}

/* A language version's review state, taken out of root so the English schema checks the rest. */
static const char *take_review(struct src *s, json_t *root)
{
	json_t *v = json_object_get(root, "translation_review");
	const char *val = json_is_string(v) ? json_string_value(v) : NULL;
	const char *out = NULL;
	if (v == NULL)
		hh_field_fail(&s->f, "translation_review",
			      "missing (\"pending\" until a qualified reviewer signs the translation off, then "
			      "\"reviewed\")");
	else if (val == NULL || (strcmp(val, "pending") != 0 && strcmp(val, "reviewed") != 0))
		hh_field_fail(&s->f, "translation_review", "must be \"pending\" or \"reviewed\"");
	else
		out = strcmp(val, "pending") == 0 ? "pending" : "reviewed";
	json_object_del(root, "translation_review");
	return out;
}

/* Entities carry their own state; the triage files share one (pending if any is). */
static void set_review(struct src *s, struct hh_content *c, const char *review)
{
	if (s->has_entity && s->kind == KIND_ARTICLE)
		c->articles[s->index].translation_review = review;
	else if (s->has_entity && s->kind == KIND_CAUSE)
		c->causes[s->index].translation_review = review;
	else if (s->has_entity && s->kind == KIND_REMEDY)
		c->remedies[s->index].translation_review = review;
	else if (c->translation_review == NULL || strcmp(review, "pending") == 0)
		c->translation_review = review;
}

static void check_src(struct loader *L, struct src *s, struct hh_content *c)
{
	json_t *root = hh_schema_load(&s->f);
	if (root == NULL)
		return;
	const char *review = L->prefix != NULL && L->prefix[0] != '\0' ? take_review(s, root) : NULL;
	if (s->kind == KIND_POLICY && L->combinations != NULL)
		json_object_set(root, "combinations", L->combinations);
	if (s->kind == KIND_SYMPTOMS)
		hh_schema_symptoms(&s->f, root);
	else if (s->kind == KIND_POLICY)
		hh_schema_policy(&s->f, root, &c->policy);
	else if (s->kind == KIND_INTERVIEW)
		hh_schema_interview(&s->f, root);
	else if (s->kind == KIND_COUNTRY)
		hh_schema_country(&s->f, root, &c->countries[c->n_countries++]);
	else
		parse_entity(s, root, c);
	if (review != NULL)
		set_review(s, c, review);
	json_decref(root);
}

/* A new src holding a copy of the bytes, registered with the loader. */
static struct src *src_new(struct loader *L, const char *rel, enum kind kind, const char *buf, size_t len)
{
	struct src *s = xcalloc(1, sizeof(*s));
	s->rel = xstrdup(rel);
	s->kind = kind;
	s->buf = xmalloc(len + 1);
	if (len > 0)
		memcpy(s->buf, buf, len);
	s->buf[len] = '\0';
	s->f = (struct hh_field_src){
		.rel = s->rel,
		.buf = s->buf,
		.len = len,
		.c = L->c,
		.diags = L->diags,
		.total = &L->errors,
	};
	L->srcs = xrealloc(L->srcs, (L->n_srcs + 1) * sizeof(*L->srcs));
	L->srcs[L->n_srcs++] = s;
	if (kind == KIND_SYMPTOMS)
		L->symptoms = s;
	else if (kind == KIND_POLICY)
		L->policy = s;
	else if (kind == KIND_INTERVIEW)
		L->interview = s;
	return s;
}

static void src_free(struct src *s)
{
	hh_field_src_free(&s->f);
	free(s->buf);
	free(s->rel);
	free(s);
}

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
static void check_codes(struct loader *L)
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
	/* self_care is refused by the schema (or the level was missing): judged there, not here. */
	int judged = k->level != HH_LEVEL_SELF_CARE;
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
static void check_combinations(struct loader *L)
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

static void check_references(struct loader *L)
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
 * numbers, see_doctor flags, then the optional patterns. A file that asks
 * a less urgent screen first is refused rather than re-ordered, so the file
 * reads in the order people are asked.
 */
static int question_rank(const struct hh_question *q)
{
	if (q->type == HH_QUESTION_INTEGER)
		return 2;
	if (q->covers == HH_QUESTION_PATTERNS)
		return 4;
	return q->covers == HH_LEVEL_EMERGENCY ? 0 : q->covers == HH_LEVEL_URGENT ? 1 : 3;
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
			      "asked too late: the order is emergency, urgent, age and duration_days, see_doctor, "
			      "then pattern");
	}
	*rank = r > *rank ? r : *rank;
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
static void check_interview(struct loader *L)
{
	int rank = 0;
	if (L->interview == NULL || L->interview->f.errors > 0 || L->symptoms == NULL || L->symptoms->f.errors > 0)
		return;
	for (size_t i = 0; i < L->c->n_questions; i++)
		check_question(L, i, &rank);
	check_coverage(L);
}

/* Files past the per-file cap are summed up in one line each. */
static void report_dropped(struct loader *L)
{
	for (size_t i = 0; i < L->n_srcs; i++) {
		const struct src *s = L->srcs[i];
		if (s->f.errors > s->f.shown)
			hh_diags_add(L->diags, s->rel, 0, 0, "", "%zu more problems not shown",
				     s->f.errors - s->f.shown);
	}
}

static void files_add(struct hh_content_files *f, const char *rel, const char *buf, size_t len)
{
	f->v = xrealloc(f->v, (f->n + 1) * sizeof(*f->v));
	f->v[f->n].path = xstrdup(rel);
	hh_sha256_hex(buf, len, f->v[f->n].checksum);
	f->n++;
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct hh_content_file *)a)->path, ((const struct hh_content_file *)b)->path);
}

/* The bytes of a kept file (docs mode), copied as hh_walk_read would. */
static int doc_read(const struct loader *L, const char *rel, char **buf, size_t *len, char **why)
{
	for (size_t i = 0; i < L->n_docs; i++)
		if (strcmp(L->docs[i].path, rel) == 0) {
			*len = strlen(L->docs[i].body);
			*buf = xstrndup(L->docs[i].body, *len);
			return 0;
		}
	*why = xasprintf("is missing");
	return -1;
}

/* Language and country files are kept whole: migrate stores them, db_load reads them back. */
static void keep_doc(struct loader *L, const char *rel, const char *buf, size_t len)
{
	struct hh_content *k = L->keep;
	if (k == NULL)
		return;
	struct hh_i18n_doc *v = hh_content_alloc(k, (k->n_docs + 1) * sizeof(*v));
	if (k->n_docs > 0)
		memcpy(v, k->docs, k->n_docs * sizeof(*v));
	char sum[65];
	hh_sha256_hex(buf, len, sum);
	v[k->n_docs] = (struct hh_i18n_doc){hh_content_strdup(k, rel), hh_content_strndup(k, buf, len),
					    hh_content_strdup(k, sum)};
	k->docs = v;
	k->n_docs++;
}

static void read_src(struct loader *L, const char *name, enum kind kind)
{
	char *buf = NULL, *why = NULL;
	size_t len = 0;
	char *rel = xasprintf("%s%s", L->prefix != NULL ? L->prefix : "", name);
	int rc = L->docs != NULL ? doc_read(L, rel, &buf, &len, &why) : hh_walk_read(L->dir, rel, &buf, &len, &why);
	if (rc < 0) {
		loader_fail(L, rel, "%s", why);
		free(why);
		free(rel);
		return;
	}
	files_add(&L->files, rel, buf, len);
	if ((L->prefix != NULL && L->prefix[0] != '\0') || kind == KIND_COUNTRY)
		keep_doc(L, rel, buf, len);
	struct src *s = src_new(L, rel, kind, buf, len);
	free(buf);
	free(rel);
	check_src(L, s, L->c);
}

/* The stems of the kept files under sub/ (docs mode), sorted as hh_walk_list sorts. */
static void docs_list(const struct loader *L, const char *sub, struct hh_walk_names *out)
{
	size_t n = strlen(sub);
	for (size_t i = 0; i < L->n_docs; i++) {
		const char *p = L->docs[i].path;
		if (strncmp(p, sub, n) != 0 || p[n] != '/' || strchr(p + n + 1, '/') != NULL)
			continue;
		char *stem = hh_walk_stem(p + n + 1);
		if (stem == NULL)
			continue;
		out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
		out->v[out->n++] = stem;
	}
}

/* Lists sub (relative to the prefix) from the folder or the kept files. */
static int list_names(struct loader *L, const char *sub, struct hh_walk_names *out, char **why)
{
	char *full = xasprintf("%s%s", L->prefix != NULL ? L->prefix : "", sub);
	int rc = 0;
	if (L->docs != NULL)
		docs_list(L, full, out);
	else
		rc = hh_walk_list(L->dir, full, out, why);
	free(full);
	return rc;
}

/* Sizes the entity array for every file, so parse_entity never grows it. */
static void alloc_slots(struct hh_content *c, enum kind k, size_t n)
{
	if (k == KIND_COUNTRY)
		c->countries = hh_content_alloc(c, (n + 1) * sizeof(*c->countries));
	else if (k == KIND_ARTICLE)
		c->articles = hh_content_alloc(c, (n + 1) * sizeof(*c->articles));
	else if (k == KIND_CAUSE)
		c->causes = hh_content_alloc(c, (n + 1) * sizeof(*c->causes));
	else
		c->remedies = hh_content_alloc(c, (n + 1) * sizeof(*c->remedies));
}

static void read_entity_dir(struct loader *L, enum kind k)
{
	char *why = NULL;
	const struct hh_walk_names *nm = &L->names[k];
	if (list_names(L, kind_dir[k], &L->names[k], &why) < 0) {
		loader_fail(L, kind_dir[k], "%s", why);
		free(why);
	}
	alloc_slots(L->c, k, nm->n);
	for (size_t i = 0; i < nm->n; i++) {
		char *rel = xasprintf("%s/%s.json", kind_dir[k], nm->v[i]);
		read_src(L, rel, k);
		free(rel);
	}
}

static void loader_init(struct loader *L, const char *dir, struct hh_diags *diags)
{
	memset(L, 0, sizeof(*L));
	L->dir = dir;
	L->diags = diags;
	L->c = hh_content_new();
}

static void loader_free(struct loader *L)
{
	for (size_t i = 0; i < L->n_srcs; i++)
		src_free(L->srcs[i]);
	free(L->srcs);
	for (int k = 0; k < ENTITY_KINDS; k++)
		hh_walk_names_free(&L->names[k]);
	hh_content_files_free(&L->files);
	hh_content_free(L->c);
	json_decref(L->combinations);
}

/* interview.json is optional: a folder without it has no guided questions (content/README.md). */
static void read_interview(struct loader *L)
{
	struct stat st;
	char *path = xasprintf("%s/%s", L->dir, INTERVIEW_PATH);
	int present = stat(path, &st) == 0;
	free(path);
	if (present)
		read_src(L, INTERVIEW_PATH, KIND_INTERVIEW);
}

/* ------------------------------------------------------------ countries and languages */

static int cmp_country(const void *a, const void *b)
{
	const struct hh_country *x = a, *y = b;
	return strcmp(x->code ? x->code : "", y->code ? y->code : "");
}

/* countries/CC.json, one per country; every country must have the first one's term keys. */
static void read_countries(struct loader *L)
{
	struct hh_walk_names names = {0};
	char *why = NULL;
	if (L->docs == NULL) {
		struct stat st;
		char *path = xasprintf("%s/%s", L->dir, COUNTRIES_DIR);
		int present = stat(path, &st) == 0;
		free(path);
		if (!present)
			return; /* no countries: texts may hold no placeholder (checked below) */
	}
	if (list_names(L, COUNTRIES_DIR, &names, &why) < 0) {
		loader_fail(L, COUNTRIES_DIR, "%s", why);
		free(why);
	}
	alloc_slots(L->c, KIND_COUNTRY, names.n);
	for (size_t i = 0; i < names.n; i++) {
		char *rel = xasprintf("%s/%s.json", COUNTRIES_DIR, names.v[i]);
		read_src(L, rel, KIND_COUNTRY);
		free(rel);
	}
	hh_walk_names_free(&names);
	if (L->c->n_countries > 1)
		qsort(L->c->countries, L->c->n_countries, sizeof(*L->c->countries), cmp_country);
	hh_i18n_check_countries(L->c, L->diags, &L->errors);
}

/* A language version's combination messages: its own file, merged into its policy before the schema. */
static void read_lang_combinations(struct loader *T)
{
	char *buf = NULL, *why = NULL;
	size_t len = 0;
	char *rel = xasprintf("%s%s", T->prefix, COMBINATIONS_PATH);
	int rc = T->docs != NULL ? doc_read(T, rel, &buf, &len, &why) : hh_walk_read(T->dir, rel, &buf, &len, &why);
	if (rc < 0) {
		free(why); /* optional: a policy without combinations is judged against English below */
		free(rel);
		return;
	}
	files_add(&T->files, rel, buf, len);
	keep_doc(T, rel, buf, len);
	struct src *s = src_new(T, rel, KIND_POLICY, buf, len);
	T->policy = NULL; /* registered for its diagnostics only */
	json_t *root = hh_schema_load(&s->f);
	if (root != NULL) {
		const char *review = take_review(s, root);
		hh_field_keys(&s->f, root, "", (const char *const[]){"combinations", NULL});
		json_t *arr = json_object_get(root, "combinations");
		T->combinations = json_is_array(arr) ? json_incref(arr) : NULL;
		if (review != NULL && strcmp(review, "pending") == 0)
			T->c->translation_review = review;
		json_decref(root);
	}
	free(buf);
	free(rel);
}

static void merge_files(struct loader *L, struct loader *T)
{
	for (size_t i = 0; i < T->files.n; i++) {
		L->files.v = xrealloc(L->files.v, (L->files.n + 1) * sizeof(*L->files.v));
		L->files.v[L->files.n++] = T->files.v[i];
	}
	free(T->files.v);
	T->files.v = NULL;
	T->files.n = 0;
}

/* LANG/: the same tree as English, every text translated, every other field the same. */
static void read_language(struct loader *L, enum hh_lang lang)
{
	struct loader T;
	char *prefix = xasprintf("%s/", hh_lang_name(lang));
	loader_init(&T, L->dir, L->diags);
	T.prefix = prefix;
	T.docs = L->docs;
	T.n_docs = L->n_docs;
	T.keep = L->c;
	read_lang_combinations(&T);
	for (int k = 0; k < ENTITY_KINDS; k++)
		read_entity_dir(&T, (enum kind)k);
	read_src(&T, SYMPTOMS_PATH, KIND_SYMPTOMS);
	read_src(&T, POLICY_PATH, KIND_POLICY);
	report_dropped(&T);
	L->errors += T.errors;
	if (T.errors == 0 && L->docs == NULL)
		hh_i18n_compare(L->c, T.c, prefix, L->diags, &L->errors);
	if (T.errors == 0) {
		hh_content_finish(T.c);
		L->c->translations[lang] = T.c;
		T.c = NULL;
	}
	merge_files(L, &T);
	loader_free(&T);
	free(prefix);
}

static int language_present(const struct loader *L, enum hh_lang lang)
{
	char *prefix = xasprintf("%s/", hh_lang_name(lang));
	int present = 0;
	for (size_t i = 0; L->docs != NULL && i < L->n_docs && !present; i++)
		present = strncmp(L->docs[i].path, prefix, strlen(prefix)) == 0;
	if (L->docs == NULL) {
		struct stat st;
		char *path = xasprintf("%s/%s", L->dir, prefix);
		present = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
		free(path);
	}
	free(prefix);
	return present;
}

/* Countries, then every language folder present, then every text's placeholders. */
static void read_i18n(struct loader *L)
{
	read_countries(L);
	for (int l = 0; l < HH_LANG_COUNT; l++)
		if (l != HH_LANG_EN && language_present(L, (enum hh_lang)l))
			read_language(L, (enum hh_lang)l);
	if (L->docs == NULL)
		hh_i18n_check_placeholders(L->c, L->diags, &L->errors);
}

int hh_loader_read_i18n(struct hh_content *base, const struct hh_i18n_doc *docs, size_t n, struct hh_diags *diags)
{
	struct loader L;
	loader_init(&L, NULL, diags);
	hh_content_free(L.c);
	L.c = base; /* filled in place: countries, translations */
	L.docs = docs;
	L.n_docs = n;
	L.keep = NULL;
	read_i18n(&L);
	report_dropped(&L);
	L.c = NULL;
	int rc = L.errors > 0 ? -1 : 0;
	loader_free(&L);
	return rc;
}

/* ------------------------------------------------------------ the folder */

static void read_folder(struct loader *L)
{
	struct stat st;
	if (stat(L->dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		loader_fail(L, L->dir, "is not a readable content folder");
		return;
	}
	for (int k = 0; k < ENTITY_KINDS; k++)
		read_entity_dir(L, (enum kind)k);
	read_src(L, SYMPTOMS_PATH, KIND_SYMPTOMS);
	read_src(L, POLICY_PATH, KIND_POLICY);
	read_interview(L);
	check_codes(L);
	check_references(L);
	check_combinations(L);
	check_interview(L);
	L->keep = L->c;
	read_i18n(L);
}

int hh_loader_read_dir(const char *dir, struct hh_content **out, struct hh_content_files *files, struct hh_diags *diags)
{
	struct loader L;
	*out = NULL;
	files->v = NULL;
	files->n = 0;
	loader_init(&L, dir, diags);
	read_folder(&L);
	report_dropped(&L);
	if (L.errors > 0) {
		loader_free(&L);
		return -1;
	}
	hh_content_finish(L.c);
	*out = L.c;
	L.c = NULL;
	if (L.files.n > 1)
		qsort(L.files.v, L.files.n, sizeof(*L.files.v), cmp_file);
	*files = L.files;
	L.files.v = NULL;
	L.files.n = 0;
	loader_free(&L);
	return 0;
}

/* ------------------------------------------------------------ one file alone */

/* The kind of file a relative path names, as read_dir would read it. */
static int kind_of(const char *rel, enum kind *out) HH_MUSTCHECK;

static int kind_of(const char *rel, enum kind *out)
{
	if (strcmp(rel, SYMPTOMS_PATH) == 0 || strcmp(rel, POLICY_PATH) == 0 || strcmp(rel, INTERVIEW_PATH) == 0) {
		*out = strcmp(rel, SYMPTOMS_PATH) == 0 ? KIND_SYMPTOMS
		       : strcmp(rel, POLICY_PATH) == 0 ? KIND_POLICY
						       : KIND_INTERVIEW;
		return 0;
	}
	for (int k = 0; k < ENTITY_KINDS; k++) {
		size_t n = strlen(kind_dir[k]);
		if (strncmp(rel, kind_dir[k], n) != 0 || rel[n] != '/' || strchr(rel + n + 1, '/') != NULL)
			continue;
		char *stem = hh_walk_stem(rel + n + 1);
		int ok = stem != NULL;
		free(stem);
		if (!ok)
			return -1;
		*out = (enum kind)k;
		return 0;
	}
	return -1;
}

/* "es/causes/x.json" -> L->prefix "es/", returns "causes/x.json"; English paths unchanged. */
static const char *lang_rest(struct loader *L, const char *rel)
{
	static const char *const prefixes[HH_LANG_COUNT] = {"", "es/"}; /* the folders of hh_lang_name */
	for (int l = 1; l < HH_LANG_COUNT; l++)
		if (strncmp(rel, prefixes[l], strlen(prefixes[l])) == 0) {
			L->prefix = prefixes[l];
			return rel + strlen(prefixes[l]);
		}
	return rel;
}

/* countries/CC.json, or a language's combinations file: kinds read_dir reads by their own rules. */
static int check_special(struct loader *L, const char *relpath, const char *rest, const char *buf, size_t len)
{
	if (strncmp(relpath, COUNTRIES_DIR "/", sizeof(COUNTRIES_DIR)) == 0 &&
	    strchr(relpath + sizeof(COUNTRIES_DIR), '/') == NULL) {
		alloc_slots(L->c, KIND_COUNTRY, 1);
		check_src(L, src_new(L, relpath, KIND_COUNTRY, buf, len), L->c);
		return 1;
	}
	if (L->prefix != NULL && strcmp(rest, COMBINATIONS_PATH) == 0) {
		struct hh_i18n_doc doc = {relpath, NULL, NULL};
		char *copy = xstrndup(buf, len);
		doc.body = copy;
		L->docs = &doc;
		L->n_docs = 1;
		read_lang_combinations(L);
		L->docs = NULL;
		L->n_docs = 0;
		free(copy);
		return 1;
	}
	return 0;
}

int hh_loader_check_file(const char *relpath, const char *buf, size_t len, struct hh_diags *diags)
{
	struct loader L;
	enum kind kind;
	loader_init(&L, NULL, diags);
	const char *rest = lang_rest(&L, relpath);
	if (len > HH_WALK_MAX_FILE)
		loader_fail(&L, relpath, "is %zu bytes; the limit is %d", len, HH_WALK_MAX_FILE);
	else if (check_special(&L, relpath, rest, buf, len))
		;
	else if (kind_of(rest, &kind) < 0)
		loader_fail(&L, relpath, "is not a content file path (articles/, causes/, remedies/ or triage/)");
	else {
		if (kind < ENTITY_KINDS)
			alloc_slots(L.c, kind, 1);
		check_src(&L, src_new(&L, relpath, kind, buf, len), L.c);
		check_codes(&L);
	}
	report_dropped(&L);
	int rc = L.errors > 0 ? -1 : 0;
	loader_free(&L);
	return rc;
}
