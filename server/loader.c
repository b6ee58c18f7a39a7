/*
 * loader.c - reads and validates a content folder (content/README.md) into a
 * struct hh_content: the orchestration of the modules that do the work.
 *
 *   walk.c     which files count and how they are read (and refused);
 *   schema.c   each file's format, field by field (with fields.c);
 *   jsonpos.c  the line of a JSON path, for diagnostics;
 *   diags.c    the "file:line: field: message" list;
 *   loader_checks.c  the checks that need every file at once;
 *   here       the run itself.
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
#include "healthhub/phrases.h"
#include "healthhub/schema.h"
#include "healthhub/walk.h"

#include "loader_internal.h"

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

static const char *keep_doc(struct loader *L, const char *rel, const char *buf, size_t len, const char *known_sum);

/* The file's canonical text, kept for migrate (L->keep); its checksum (in the arena), or NULL. */
static const char *keep_canonical(struct loader *L, const char *rel, const json_t *root)
{
	if (L->keep == NULL)
		return NULL;
	char *canon = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	const char *sum = canon != NULL ? keep_doc(L, rel, canon, strlen(canon), NULL) : NULL;
	free(canon);
	return sum;
}

static void check_src(struct loader *L, struct src *s, struct hh_content *c)
{
	json_t *root = hh_schema_load(&s->f);
	if (root == NULL)
		return;
	const char *sum = keep_canonical(L, s->rel, root);
	/* an English entity's checksum is its canonical text's: the schema need not serialise it again */
	if (sum != NULL && s->f.checksum == NULL && (L->prefix == NULL || L->prefix[0] == '\0') &&
	    s->kind < ENTITY_KINDS)
		s->f.checksum = sum;
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
	L->srcs = hh_grow(L->srcs, L->n_srcs, sizeof(*L->srcs));
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
	f->v = hh_grow(f->v, f->n, sizeof(*f->v));
	f->v[f->n].path = xstrdup(rel);
	hh_sha256_hex(buf, len, f->v[f->n].checksum);
	f->n++;
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct hh_content_file *)a)->path, ((const struct hh_content_file *)b)->path);
}

static int cmp_doc_path(const void *key, const void *doc)
{
	return strcmp(key, ((const struct hh_i18n_doc *)doc)->path);
}

/* The document file rel (docs mode: L->docs sorted by path), or NULL. */
static const struct hh_i18n_doc *doc_find(const struct loader *L, const char *rel)
{
	return L->n_docs > 0 ? bsearch(rel, L->docs, L->n_docs, sizeof(*L->docs), cmp_doc_path) : NULL;
}

/* The known file rel (L->known sorted by path), or NULL. */
static const struct hh_i18n_doc *known_find(const struct loader *L, const char *rel)
{
	return bsearch(rel, L->known, L->n_known, sizeof(*L->known), cmp_doc_path);
}

/* The bytes of a document file (docs mode), copied as hh_walk_read would. */
static int doc_read(const struct loader *L, const char *rel, char **buf, size_t *len, char **why)
{
	const struct hh_i18n_doc *d = doc_find(L, rel);
	if (d != NULL) {
		*len = strlen(d->body);
		*buf = xstrndup(d->body, *len);
		return 0;
	}
	*why = xasprintf("is missing");
	return -1;
}

/*
 * Every file read from a folder is kept as its canonical JSON (compact, keys
 * sorted) with that text's sha256: migrate stores them as documents
 * (docstore.h) without parsing them again. A known file (buf NULL) is kept
 * as its document's checksum, known_sum, alone.
 */
static const char *keep_doc(struct loader *L, const char *rel, const char *buf, size_t len, const char *known_sum)
{
	struct hh_content *k = L->keep;
	if (k == NULL)
		return NULL;
	struct hh_i18n_doc *v = k->docs;
	if ((k->n_docs & (k->n_docs - 1)) == 0) { /* 0, 1, 2, 4...: doubled, so keeping n files costs O(n) */
		v = hh_content_alloc(k, (k->n_docs * 2 + 1) * sizeof(*v));
		if (k->n_docs > 0)
			memcpy(v, k->docs, k->n_docs * sizeof(*v));
	}
	char sum[65];
	if (buf != NULL)
		hh_sha256_hex(buf, len, sum);
	else /* a known file: its document by checksum alone */
		snprintf(sum, sizeof(sum), "%s", known_sum);
	v[k->n_docs] =
		(struct hh_i18n_doc){hh_content_strdup(k, rel), buf != NULL ? hh_content_strndup(k, buf, len) : NULL,
				     hh_content_strdup(k, sum)};
	k->docs = v;
	return k->docs[k->n_docs++].checksum;
}

static void read_src(struct loader *L, const char *name, enum kind kind)
{
	char *buf = NULL, *why = NULL;
	size_t len = 0;
	char *rel = xasprintf("%s%s", L->prefix != NULL ? L->prefix : "", name);
	const struct hh_i18n_doc *known = L->n_known > 0 && kind < ENTITY_KINDS ? known_find(L, rel) : NULL;
	if (known != NULL) { /* checked before and unchanged: listed (its links hold), kept, not read */
		(void)keep_doc(L, rel, NULL, 0, known->checksum);
		L->skipped++;
		free(rel);
		return;
	}
	int rc = L->docs != NULL ? doc_read(L, rel, &buf, &len, &why) : hh_walk_read(L->dir, rel, &buf, &len, &why);
	if (rc < 0) {
		loader_fail(L, rel, "%s", why);
		free(why);
		free(rel);
		return;
	}
	if (L->docs == NULL) /* a folder's files: their checksums are migrate's (documents have theirs) */
		files_add(&L->files, rel, buf, len);
	struct src *s = src_new(L, rel, kind, buf, len);
	/* an English entity's document: its checksum is the entity's (a translation's drops translation_review) */
	const struct hh_i18n_doc *doc =
		L->docs != NULL && (L->prefix == NULL || L->prefix[0] == '\0') && kind < ENTITY_KINDS ? doc_find(L, rel)
												      : NULL;
	s->f.checksum = doc != NULL ? doc->checksum : NULL;
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
		out->v = hh_grow(out->v, out->n, sizeof(*out->v));
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
	if (L->docs != NULL) {
		if (doc_find(L, INTERVIEW_PATH) != NULL)
			read_src(L, INTERVIEW_PATH, KIND_INTERVIEW);
		return;
	}
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
	struct src *s = src_new(T, rel, KIND_POLICY, buf, len);
	T->policy = NULL; /* registered for its diagnostics only */
	json_t *root = hh_schema_load(&s->f);
	if (root != NULL) {
		keep_canonical(T, rel, root);
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

/*
 * A language version's interview screens: required when English has an
 * interview, so a folder cannot ship Spanish answers with English screens.
 * From the database (docs mode) a missing one is tolerated: a server newer
 * than its last migrate then shows the English screens, as before this file
 * existed, instead of refusing every translation; migrate adds it.
 */
static void read_lang_interview(struct loader *L, struct loader *T)
{
	if (L->c->n_questions == 0 && L->interview == NULL)
		return;
	if (T->docs != NULL) {
		char *rel = xasprintf("%s%s", T->prefix, INTERVIEW_PATH);
		int present = doc_find(T, rel) != NULL;
		free(rel);
		if (!present)
			return;
	}
	read_src(T, INTERVIEW_PATH, KIND_INTERVIEW);
}

static void merge_files(struct loader *L, struct loader *T)
{
	for (size_t i = 0; i < T->files.n; i++) {
		L->files.v = hh_grow(L->files.v, L->files.n, sizeof(*L->files.v));
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
	T.keep = L->keep;
	T.known = L->known;
	T.n_known = L->n_known;
	read_lang_combinations(&T);
	for (int k = 0; k < ENTITY_KINDS; k++)
		read_entity_dir(&T, (enum kind)k);
	char *policy = xasprintf("%s%s", prefix, POLICY_PATH);
	if (L->docs == NULL || doc_find(L, policy) != NULL) { /* documents: the ruleset may not be signed off */
		read_src(&T, SYMPTOMS_PATH, KIND_SYMPTOMS);
		read_src(&T, POLICY_PATH, KIND_POLICY);
		read_lang_interview(L, &T);
	}
	free(policy);
	report_dropped(&T);
	L->errors += T.errors;
	L->skipped += T.skipped;
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

/*
 * A language's triage/phrases.json (optional: without it free text reads
 * numbers only), checked against the symptom codes and countries, kept
 * whole like the language files so that the server reads it back.
 */
static void read_phrases(struct loader *L, enum hh_lang lang)
{
	char *buf = NULL, *why = NULL;
	size_t len = 0;
	char *rel = lang == HH_LANG_EN ? xstrdup(PHRASES_PATH) : xasprintf("%s/%s", hh_lang_name(lang), PHRASES_PATH);
	int present = 1;
	if (L->docs == NULL) {
		struct stat st;
		char *path = xasprintf("%s/%s", L->dir, rel);
		present = stat(path, &st) == 0;
		free(path);
	}
	int rc = !present          ? -1
		 : L->docs != NULL ? doc_read(L, rel, &buf, &len, &why)
				   : hh_walk_read(L->dir, rel, &buf, &len, &why);
	if (rc < 0) {
		if (present && L->docs == NULL)
			loader_fail(L, rel, "%s", why);
		free(why);
		free(rel);
		return;
	}
	files_add(&L->files, rel, buf, len);
	(void)keep_doc(L, rel, buf, len, NULL);
	struct src *s = src_new(L, rel, KIND_PHRASES, buf, len);
	json_t *root = hh_schema_load(&s->f);
	if (root != NULL) {
		L->c->phrases[lang] = hh_phrases_schema(&s->f, root, lang, L->c, L->docs != NULL);
		json_decref(root);
	}
	free(buf);
	free(rel);
}

/* Countries, then every language folder present, then every text's placeholders. */
static void read_i18n(struct loader *L)
{
	read_countries(L);
	for (int l = 0; l < HH_LANG_COUNT; l++)
		if (l != HH_LANG_EN && language_present(L, (enum hh_lang)l))
			read_language(L, (enum hh_lang)l);
	for (int l = 0; l < HH_LANG_COUNT; l++)
		if (l == HH_LANG_EN || language_present(L, (enum hh_lang)l))
			read_phrases(L, (enum hh_lang)l);
	if (L->docs == NULL) {
		hh_i18n_check_placeholders(L->c, L->diags, &L->errors);
		/* a country cites entities by slug: with files skipped, the caller vouches that none went */
		if (L->skipped == 0)
			hh_i18n_check_citations(L->c, L->diags, &L->errors);
	}
}

/* ------------------------------------------------------------ the folder */

static void read_folder(struct loader *L)
{
	struct stat st;
	if (L->docs == NULL && (stat(L->dir, &st) < 0 || !S_ISDIR(st.st_mode))) {
		loader_fail(L, L->dir, "is not a readable content folder");
		return;
	}
	for (int k = 0; k < ENTITY_KINDS; k++)
		read_entity_dir(L, (enum kind)k);
	/* documents without the ruleset: never signed off under --require-approval (triage answers 503) */
	if (L->docs == NULL || doc_find(L, POLICY_PATH) != NULL) {
		read_src(L, SYMPTOMS_PATH, KIND_SYMPTOMS);
		read_src(L, POLICY_PATH, KIND_POLICY);
		read_interview(L);
	}
	/* documents were checked whole by the migrate that stored them; a reload reads only some */
	if (L->docs == NULL) {
		hh_loader_check_codes(L);
		hh_loader_check_references(L);
		hh_loader_check_combinations(L);
		hh_loader_check_interview(L);
	}
	read_i18n(L);
}

/* The run shared by a folder and documents: *out unfinished (the caller finishes it), files sorted. */
static int read_all(struct loader *L, struct hh_content **out, struct hh_content_files *files)
{
	*out = NULL;
	read_folder(L);
	report_dropped(L);
	if (L->errors > 0) {
		loader_free(L);
		return -1;
	}
	*out = L->c;
	L->c = NULL;
	if (L->files.n > 1)
		qsort(L->files.v, L->files.n, sizeof(*L->files.v), cmp_file);
	if (files != NULL) {
		*files = L->files;
		L->files.v = NULL;
		L->files.n = 0;
	}
	loader_free(L);
	return 0;
}

int hh_loader_read_dir(const char *dir, struct hh_content **out, struct hh_content_files *files, struct hh_diags *diags)
{
	return hh_loader_read_dir_known(dir, NULL, 0, out, files, diags);
}

int hh_loader_read_dir_known(const char *dir, const struct hh_i18n_doc *known, size_t n_known, struct hh_content **out,
			     struct hh_content_files *files, struct hh_diags *diags)
{
	struct loader L;
	files->v = NULL;
	files->n = 0;
	loader_init(&L, dir, diags);
	L.keep = L.c;
	L.known = known;
	L.n_known = n_known;
	if (read_all(&L, out, files) < 0)
		return -1;
	hh_content_finish(*out);
	return 0;
}

int hh_loader_read_docs(const struct hh_i18n_doc *docs, size_t n, struct hh_content **out, struct hh_diags *diags)
{
	struct loader L;
	loader_init(&L, NULL, diags);
	L.docs = docs;
	L.n_docs = n;
	return read_all(&L, out, NULL);
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
	enum hh_lang l;
	size_t n = hh_lang_of_path(rel, &l);
	if (n > 0)
		L->prefix = hh_lang_folder(l);
	return rel + n;
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
	if (strcmp(rest, PHRASES_PATH) == 0) {
		/* alone, without the symptoms: every check but the codes' existence */
		struct src *s = src_new(L, relpath, KIND_PHRASES, buf, len);
		json_t *root = hh_schema_load(&s->f);
		if (root != NULL) {
			enum hh_lang l;
			(void)hh_lang_of_path(relpath, &l);
			(void)hh_phrases_schema(&s->f, root, l, L->c, 0);
		}
		json_decref(root);
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
		hh_loader_check_codes(&L);
	}
	report_dropped(&L);
	int rc = L.errors > 0 ? -1 : 0;
	loader_free(&L);
	return rc;
}
