/*
 * db_load.c - the content read back from its documents
 * (migrations/0010_documents.sql) for the reloader, through the same loader
 * and schema that `healthhub migrate` checked the files with.
 *
 * A server at version S reads, in one REPEATABLE READ snapshot, the
 * documents introduced after S (the English articles, causes and remedies
 * that changed, or were removed) and the few shared ones in full (triage,
 * countries, translations); every other entity is copied from the content
 * it already has. Bodies are fetched for the newest document of each
 * entity only, so a long history costs nothing here.
 */
#include "db_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "healthhub/diags.h"
#include "healthhub/docstore.h"
#include "healthhub/i18n.h"
#include "healthhub/loader.h"

/*
 * $1 the version the server has (-1: none), $2 the newest, $3 serve only
 * signed-off texts. Per entity to read (its document changed, or its
 * sign-off, or a shared one): the newest document, or under $3 the newest
 * that is signed off or a removal (no row: never signed off, not served),
 * with its sign-off when it has one.
 */
static const char changed_sql[] =
	"WITH st AS (SELECT DISTINCT ON (name, lang, checksum) name, lang, checksum, action, role,\n"
	"  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS at\n"
	"  FROM signoffs WHERE made_in <= $2::bigint ORDER BY name, lang, checksum, id DESC),\n"
	" ok AS (SELECT * FROM st WHERE action = 'approve'),\n"
	/* each entity to read, with its newest version: changed since $1, shared, or its sign-off changed */
	" changed AS (SELECT name, lang, max(version) AS newest FROM documents\n"
	"   WHERE version > $1::bigint AND version <= $2::bigint GROUP BY name, lang\n"
	"  UNION SELECT name, lang, max(version) FROM documents WHERE version <= $2::bigint\n"
	"   AND NOT (lang = 'en' AND kind IN ('article', 'cause', 'remedy')) GROUP BY name, lang\n"
	"  UNION SELECT s.name, s.lang, (SELECT max(d.version) FROM documents AS d WHERE d.name = s.name\n"
	"   AND d.lang = s.lang AND d.version <= $2::bigint) FROM signoffs AS s\n"
	"   WHERE s.made_in > $1::bigint AND s.made_in <= $2::bigint),\n"
	/* which version is served: the newest, or under $3 the newest signed off or removed (CASE: only then) */
	" pick AS (SELECT c.name, c.lang, CASE WHEN $3::boolean THEN (SELECT max(d.version) FROM documents AS d\n"
	"   WHERE d.name = c.name AND d.lang = c.lang AND d.version <= $2::bigint AND (d.body IS NULL OR EXISTS\n"
	"    (SELECT 1 FROM ok WHERE ok.name = d.name AND ok.lang = d.lang AND ok.checksum = d.checksum)))\n"
	"   ELSE c.newest END AS v FROM changed AS c)\n"
	"SELECT p.name, p.lang, coalesce(d.version, 0), d.body::text,\n"
	" to_char(v.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), ok.at, ok.role,\n"
	" coalesce(d.checksum, ''),\n"
	/* a translation of another English version than the one served is stale */
	" CASE WHEN p.lang = 'en' THEN false ELSE d.translates IS DISTINCT FROM (SELECT max(e.version)\n"
	"  FROM documents AS e WHERE e.name = p.name AND e.lang = 'en' AND e.version <= $2::bigint\n"
	"  AND (NOT $3::boolean OR e.body IS NULL OR EXISTS (SELECT 1 FROM ok WHERE ok.name = e.name\n"
	"   AND ok.lang = 'en' AND ok.checksum = e.checksum))) END\n"
	" FROM pick AS p LEFT JOIN documents AS d ON d.name = p.name AND d.lang = p.lang AND d.version = p.v\n"
	" LEFT JOIN content_versions AS v ON v.version = d.version\n"
	" LEFT JOIN ok ON ok.name = d.name AND ok.lang = d.lang AND ok.checksum = d.checksum";

/* What the database says of one document read: when its version was made, its sign-off. */
struct doc_state {
	char when[24];
	char approved_at[24]; /* "" when not signed off */
	char role[64];
};

struct load {
	struct db_ctx db;
	struct hh_docs docs;     /* what was read; body NULL: removed */
	struct doc_state *state; /* per docs.v[i] */
	int require_approval;    /* serve only signed-off texts */
	struct hh_content *c;    /* being built */
	struct hh_db_load_counts *counts;
};

/*
 * Sorted here, not by the query: PostgreSQL would sort whole rows, bodies
 * included (on disk at 5,000 articles); this sorts pointers.
 */
static const struct hh_doc *sort_base;

static int cmp_index(const void *a, const void *b)
{
	const struct hh_doc *x = &sort_base[*(const size_t *)a], *y = &sort_base[*(const size_t *)b];
	int c = strcmp(x->name, y->name);
	return c != 0 ? c : strcmp(x->lang, y->lang);
}

static void sort_docs(struct load *l)
{
	size_t n = l->docs.n, *idx = xcalloc(n + 1, sizeof(*idx));
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	sort_base = l->docs.v; /* the reloader is one thread */
	qsort(idx, n, sizeof(*idx), cmp_index);
	struct hh_doc *docs = xcalloc(n + 1, sizeof(*docs));
	struct doc_state *state = xcalloc(n + 1, sizeof(*state));
	for (size_t i = 0; i < n; i++) {
		docs[i] = l->docs.v[idx[i]];
		state[i] = l->state[idx[i]];
	}
	free(l->docs.v);
	free(l->state);
	free(idx);
	l->docs.v = docs;
	l->state = state;
}

static int read_docs(struct load *l, long long since, long long version)
{
	char s[24], v[24];
	snprintf(s, sizeof(s), "%lld", since);
	snprintf(v, sizeof(v), "%lld", version);
	const char *params[] = {s, v, l->require_approval ? "t" : "f"};
	PGresult *r = hh_db_exec(&l->db, changed_sql, 3, params, PGRES_TUPLES_OK, NULL);
	if (r == NULL)
		return l->db.rc;
	size_t n = (size_t)PQntuples(r);
	l->docs.v = xcalloc(n + 1, sizeof(*l->docs.v));
	l->state = xcalloc(n + 1, sizeof(*l->state));
	for (size_t i = 0; i < n; i++) {
		struct hh_doc *d = &l->docs.v[l->docs.n++];
		d->name = xstrdup(PQgetvalue(r, (int)i, 0));
		snprintf(d->lang, sizeof(d->lang), "%s", PQgetvalue(r, (int)i, 1));
		d->version = hh_db_int(r, (int)i, 2);
		d->body = PQgetisnull(r, (int)i, 3) ? NULL : xstrdup(PQgetvalue(r, (int)i, 3));
		snprintf(d->checksum, sizeof(d->checksum), "%s", PQgetvalue(r, (int)i, 7));
		if (strcmp(d->lang, "en") != 0 && d->body != NULL && strcmp(PQgetvalue(r, (int)i, 8), "t") == 0) {
			free(d->body); /* stale: it translates another English text than the one served */
			d->body = NULL;
		}
		struct doc_state *st = &l->state[i];
		snprintf(st->when, sizeof(st->when), "%s", PQgetvalue(r, (int)i, 4));
		snprintf(st->approved_at, sizeof(st->approved_at), "%s", PQgetvalue(r, (int)i, 5));
		snprintf(st->role, sizeof(st->role), "%s", PQgetvalue(r, (int)i, 6));
	}
	PQclear(r);
	sort_docs(l);
	return 0;
}

/* The loader over the documents read (not finished: the caller merges first). */
static int parse_docs(struct load *l)
{
	struct hh_doc_files files = {0};
	struct hh_diags diags = {0};
	if (hh_docs_to_files(&l->docs, 0, &files) < 0) {
		hh_db_set_err(&l->db, "documents", "a document is not JSON");
		return -1;
	}
	struct hh_i18n_doc *view = hh_doc_files_view(&files);
	int rc = hh_loader_read_docs(view, files.n, &l->c, &diags);
	if (rc < 0) {
		const struct hh_diag *d0 = diags.n > 0 ? &diags.v[0] : NULL;
		char msg[512];
		snprintf(msg, sizeof(msg), "%s: %s", d0 != NULL ? d0->file : "?", d0 != NULL ? d0->message : "invalid");
		hh_db_set_err(&l->db, "documents", msg);
	}
	hh_diags_free(&diags);
	free(view);
	hh_doc_files_free(&files);
	return rc;
}

/* The state of the document name read in lang, or NULL. */
static const struct doc_state *state_of(const struct load *l, const char *kind, const char *slug, const char *lang)
{
	char name[256];
	snprintf(name, sizeof(name), "%s%s%s", kind, slug != NULL ? "/" : "", slug != NULL ? slug : "");
	const struct hh_doc *d = hh_docs_find(&l->docs, name, lang);
	return d != NULL ? &l->state[d - l->docs.v] : NULL;
}

static void set_review(struct hh_content *c, struct hh_review *r, const struct doc_state *st)
{
	int approved = st != NULL && st->approved_at[0] != '\0';
	r->state = approved ? "approved" : "pending";
	r->approved_at = approved ? hh_content_strdup(c, st->approved_at) : NULL;
	r->role = approved ? hh_content_strdup(c, st->role) : NULL;
}

/*
 * What the documents say besides their fields: each text's sign-off, and an
 * article's version and updated_at (the content version that introduced
 * its document), in English and in each translation read.
 */
static void stamp(struct load *l)
{
	for (int k = 0; k < HH_LANG_COUNT; k++) {
		struct hh_content *c = k == HH_LANG_EN ? l->c : l->c->translations[k];
		const char *lang = hh_lang_name((enum hh_lang)k);
		if (c == NULL)
			continue;
		for (size_t i = 0; i < c->n_articles; i++) {
			struct hh_article *a = &c->articles[i];
			const struct doc_state *st = state_of(l, "article", a->slug, lang);
			set_review(c, &a->review, st);
			if (st != NULL && k == HH_LANG_EN) {
				a->version = l->docs.v[st - l->state].version;
				a->updated_at = hh_content_strdup(c, st->when);
			}
		}
		for (size_t i = 0; i < c->n_causes; i++)
			set_review(c, &c->causes[i].review, state_of(l, "cause", c->causes[i].slug, lang));
		for (size_t i = 0; i < c->n_remedies; i++)
			set_review(c, &c->remedies[i].review, state_of(l, "remedy", c->remedies[i].slug, lang));
		set_review(c, &c->triage_review, state_of(l, "triage", NULL, lang));
	}
}

/* ---------------------------------------------------------------- merge */

/* Was kind/slug read (changed or removed) by this load? Then old's copy is stale. */
static int was_read(const struct load *l, const char *kind, const char *slug)
{
	char name[256];
	snprintf(name, sizeof(name), "%s/%s", kind, slug);
	return hh_docs_find(&l->docs, name, "en") != NULL;
}

/* The entities read plus every other entity of old, copied (their documents did not change). */
#define KEEP(field, count, type, kind, copy)                                             \
	do {                                                                             \
		struct hh_content *c = l->c;                                             \
		type *v = hh_content_alloc(c, (c->count + old->count + 1) * sizeof(*v)); \
		size_t n = c->count;                                                     \
		memcpy(v, c->field, n * sizeof(*v));                                     \
		for (size_t i = 0; i < old->count; i++)                                  \
			if (!was_read(l, kind, old->field[i].slug))                      \
				copy(c, &v[n++], &old->field[i]);                        \
		l->counts->kept += n - c->count;                                         \
		c->field = v;                                                            \
		c->count = n;                                                            \
	} while (0)

static void merge_old(struct load *l, const struct hh_content *old)
{
	KEEP(articles, n_articles, struct hh_article, "article", hh_content_copy_article);
	KEEP(causes, n_causes, struct hh_cause, "cause", hh_content_copy_cause);
	KEEP(remedies, n_remedies, struct hh_remedy, "remedy", hh_content_copy_remedy);
}

/* ---------------------------------------------------------------- load */

static int load_all(struct load *l, const struct hh_content *old)
{
	int64_t version = 0;
	int rc = hh_db_content_version(l->db.db, &version, l->db.err, l->db.errlen);
	if (rc < 0)
		return rc;
	/* an old content newer than the database (restored, re-created): read it all */
	if (old == NULL || old->version > version)
		old = NULL;
	l->counts->full = old == NULL;
	rc = read_docs(l, old != NULL ? (long long)old->version : -1, (long long)version);
	if (rc == 0)
		rc = parse_docs(l);
	if (rc < 0)
		return rc;
	l->c->version = version;
	stamp(l);
	l->counts->articles = l->c->n_articles;
	l->counts->causes = l->c->n_causes;
	l->counts->remedies = l->c->n_remedies;
	for (size_t i = 0; i < l->docs.n; i++)
		l->counts->removed += l->docs.v[i].body == NULL && strcmp(l->docs.v[i].lang, "en") == 0;
	if (old != NULL)
		merge_old(l, old);
	return 0;
}

enum hh_status hh_db_load_since(struct hh_db *db, const struct hh_content *old, int require_approval,
				struct hh_content **out, struct hh_db_load_counts *counts, char *err, size_t errlen)
{
	struct load l = {
		.db = {.db = db, .err = err, .errlen = errlen}, .counts = counts, .require_approval = require_approval};
	memset(counts, 0, sizeof(*counts));
	*out = NULL;
	/* One snapshot: a migrate committing mid-read must not mix versions. */
	int rc = hh_db_command(&l.db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL);
	if (rc < 0)
		return rc;
	rc = load_all(&l, old);
	if (rc == 0)
		rc = hh_db_command(&l.db, "COMMIT", 0, NULL);
	hh_docs_free(&l.docs);
	free(l.state);
	if (rc < 0) {
		/* Best effort: the error that matters is already in err. */
		hh_db_rollback_quietly(&l.db);
		hh_content_free(l.c);
		return rc;
	}
	hh_content_finish(l.c);
	*out = l.c;
	return 0;
}
