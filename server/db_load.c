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
#include "healthhub/loader.h"

static const char changed_sql[] =
	"SELECT d.name, d.lang, d.version, d.body::text,\n"
	" to_char(v.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')\n"
	" FROM documents AS d JOIN content_versions AS v ON v.version = d.version\n"
	" JOIN (SELECT name, lang, max(version) AS v FROM documents WHERE version > $1::bigint AND version <= "
	"$2::bigint\n"
	"  GROUP BY name, lang\n"
	"  UNION SELECT name, lang, max(version) FROM documents WHERE version <= $2::bigint\n"
	"  AND NOT (lang = 'en' AND kind IN ('article', 'cause', 'remedy')) GROUP BY name, lang) AS m\n"
	" ON d.name = m.name AND d.lang = m.lang AND d.version = m.v\n"
	" ORDER BY d.name COLLATE \"C\", d.lang COLLATE \"C\"";

struct load {
	struct db_ctx db;
	struct hh_docs docs;  /* what was read; body NULL: removed */
	char (*when)[24];     /* per docs.v[i]: when its version was made */
	struct hh_content *c; /* being built */
	struct hh_db_load_counts *counts;
};

static int read_docs(struct load *l, long long since, long long version)
{
	char s[24], v[24];
	snprintf(s, sizeof(s), "%lld", since);
	snprintf(v, sizeof(v), "%lld", version);
	const char *params[] = {s, v};
	PGresult *r = hh_db_exec(&l->db, changed_sql, 2, params, PGRES_TUPLES_OK, NULL);
	if (r == NULL)
		return l->db.rc;
	size_t n = (size_t)PQntuples(r);
	l->docs.v = xcalloc(n + 1, sizeof(*l->docs.v));
	l->when = xcalloc(n + 1, sizeof(*l->when));
	for (size_t i = 0; i < n; i++) {
		struct hh_doc *d = &l->docs.v[l->docs.n++];
		d->name = xstrdup(PQgetvalue(r, (int)i, 0));
		snprintf(d->lang, sizeof(d->lang), "%s", PQgetvalue(r, (int)i, 1));
		d->version = hh_db_int(r, (int)i, 2);
		d->body = PQgetisnull(r, (int)i, 3) ? NULL : xstrdup(PQgetvalue(r, (int)i, 3));
		snprintf(l->when[i], sizeof(l->when[i]), "%s", PQgetvalue(r, (int)i, 4));
	}
	PQclear(r);
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

/* An article's version and updated_at: the content version that introduced its document. */
static void stamp_articles(struct load *l)
{
	for (size_t i = 0; i < l->c->n_articles; i++) {
		struct hh_article *a = &l->c->articles[i];
		char name[256];
		snprintf(name, sizeof(name), "article/%s", a->slug);
		const struct hh_doc *d = hh_docs_find(&l->docs, name, "en");
		if (d == NULL)
			continue;
		a->version = d->version;
		a->updated_at = hh_content_strdup(l->c, l->when[d - l->docs.v]);
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
	stamp_articles(l);
	l->counts->articles = l->c->n_articles;
	l->counts->causes = l->c->n_causes;
	l->counts->remedies = l->c->n_remedies;
	for (size_t i = 0; i < l->docs.n; i++)
		l->counts->removed += l->docs.v[i].body == NULL && strcmp(l->docs.v[i].lang, "en") == 0;
	if (old != NULL)
		merge_old(l, old);
	return 0;
}

int hh_db_load_since(struct hh_db *db, const struct hh_content *old, struct hh_content **out,
		     struct hh_db_load_counts *counts, char *err, size_t errlen)
{
	struct load l = {.db = {.db = db, .err = err, .errlen = errlen}, .counts = counts};
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
	free(l.when);
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
