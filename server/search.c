/*
 * search.c - the search index (see search.h): building a generation,
 * queries, snippets.
 *
 * Tables: a0/a1 articles in English/Spanish, c0/c1 causes; each a
 * contentless FTS5 table of three columns, t (title, alternate names;
 * cause name), s (summary), b (sections; cause description), so BM25 can
 * weigh them as PostgreSQL's setweight A, B and C did. The texts live in
 * the content: the index keeps only its postings and, per table, which slug
 * each rowid is (slugs[rowid - 1]) and which rowid each entity of the
 * content it was built from has (rowid_of[i], in the content's order), so the
 * next generation can take out exactly the rows that changed. A Spanish
 * table holds every entity as Spanish answers show it: its translation,
 * else its English text (lang_content).
 */
#include "healthhub/search.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "healthhub/i18n.h"
#include "healthhub/log.h"
#include "healthhub/strbuf.h"
#include "search_internal.h"

#define N_TABLES (2 * HH_LANG_COUNT) /* kind * HH_LANG_COUNT + lang */
static const char *const table_names[N_TABLES] = {"a0", "a1", "c0", "c1"};
_Static_assert(N_TABLES == 4, "one table per kind and language (HH_LANGS): name each in table_names");

struct ix_table {
	char **slugs;      /* slugs[rowid - 1] (owned), NULL where a row was taken out */
	size_t n_slugs;    /* rows ever given (the next rowid is n_slugs + 1) */
	int64_t *rowid_of; /* rowid of the built-from content's entity i */
	size_t n_rowid;    /* that content's entity count */
	int indexed;       /* 0: the language had no translation (queries go to English) */
	uint32_t *doclen;  /* doclen[rowid]: tokens of the row (all columns), 0 for none */
	size_t n_doclen;
	uint32_t **segs; /* articles: segs[rowid], where its texts' tokens start (article_segs); NULL: unknown */
	size_t n_segs;
	uint32_t *entity_of; /* entity_of[rowid]: its index in the built-from content, UINT32_MAX for none */
	double avgdl;        /* mean tokens per row */
};

/* A reader: one thread at a time. */
struct ix_conn {
	struct ix_conn *next;
	sqlite3 *db;
	sqlite3_stmt *match[N_TABLES];
	struct hh_stemmer *stem[HH_LANG_COUNT];
	struct scored *best; /* the ranking heap's array (struct top), kept between queries */
	size_t best_cap;
	struct where *where; /* where each of its hits' terms are (struct query) */
	size_t where_cap;
	struct df_slot *df; /* rows per term of this generation (DF_SLOTS) */
};

struct hh_search {
	char uri[96];   /* file:/hh-search-<pid>-<n>?vfs=memdb */
	sqlite3 *owner; /* the writer while building; then a read-only connection that keeps the database alive */
	struct ix_table tables[N_TABLES];
	size_t bytes;
	pthread_mutex_t lock; /* guards idle */
	struct ix_conn *idle;
};

static atomic_uint_fast64_t generation_counter;

#define FTS_HASHSIZE (64 << 20)

static int table_of(enum hh_search_kind kind, enum hh_lang lang)
{
	return (kind == HH_SEARCH_CAUSES ? HH_LANG_COUNT : 0) + (int)lang;
}

/* ================================================================ texts */

/* Appends s to b, a space before it unless b is empty; nothing for an empty s. */
static void sb_add(struct hh_strbuf *b, const char *s)
{
	if (s == NULL || *s == '\0')
		return;
	if (b->len > 0)
		hh_strbuf_puts(b, " ");
	hh_strbuf_puts(b, s);
}

/* The three column texts of an entity (into f[0..2], reset first). */
struct entity_text {
	struct hh_strbuf f[3]; /* zeroed until first used */
};

static size_t entity_count(const struct hh_content *c, int kind)
{
	if (c == NULL)
		return 0;
	return kind == HH_SEARCH_CAUSES ? c->n_causes : c->n_articles;
}

static const char *entity_slug(const struct hh_content *c, int kind, size_t i)
{
	return kind == HH_SEARCH_CAUSES ? c->causes[i].slug : c->articles[i].slug;
}

static void entity_text(const struct hh_content *c, int kind, size_t i, struct entity_text *t)
{
	for (int k = 0; k < 3; k++) {
		if (t->f[k].s == NULL)
			hh_strbuf_init(&t->f[k], 256);
		else
			hh_strbuf_truncate(&t->f[k], 0);
	}
	if (kind == HH_SEARCH_CAUSES) {
		const struct hh_cause *x = &c->causes[i];
		sb_add(&t->f[0], x->name);
		sb_add(&t->f[1], x->summary);
		sb_add(&t->f[2], x->description);
		return;
	}
	const struct hh_article *a = &c->articles[i];
	sb_add(&t->f[0], a->title);
	for (size_t k = 0; k < a->alternate_names.n; k++)
		sb_add(&t->f[0], a->alternate_names.v[k]);
	sb_add(&t->f[1], a->summary);
	for (size_t k = 0; k < a->n_sections; k++) {
		sb_add(&t->f[2], a->sections[k].heading);
		sb_add(&t->f[2], a->sections[k].body);
	}
}

static void entity_text_free(struct entity_text *t)
{
	for (int k = 0; k < 3; k++)
		hh_strbuf_free(&t->f[k]);
}

static int texts_same(const struct entity_text *a, const struct entity_text *b)
{
	for (int k = 0; k < 3; k++)
		if (a->f[k].len != b->f[k].len || (a->f[k].len > 0 && memcmp(a->f[k].s, b->f[k].s, a->f[k].len) != 0))
			return 0;
	return 1;
}

/* The tokens of text s as the index counts them (its terms; stop words are none). */
static uint32_t count_tokens(struct hh_stemmer *st, const char *s)
{
	if (s == NULL)
		return 0;
	size_t pos = 0, len = strlen(s);
	struct hh_word w;
	uint32_t n = 0;
	while (hh_word_next(s, len, &pos, &w))
		n += hh_is_term(st, s, w);
	return n;
}

/*
 * Where an article's texts lie in its row, in tokens, so a query can tell
 * which snippet text holds its terms (hit_where): [0] the title's tokens
 * (column t: title, then alternate names), [1] the sections n, then for
 * section i the token its heading starts at [2 + 2i] and its body [3 + 2i]
 * (column b: headings and bodies in turn).
 */
static uint32_t *article_segs(struct hh_stemmer *st, const struct hh_article *a)
{
	uint32_t *v = xmalloc((2 + 2 * a->n_sections) * sizeof(*v)), at = 0;
	v[0] = count_tokens(st, a->title);
	v[1] = (uint32_t)a->n_sections;
	for (size_t k = 0; k < a->n_sections; k++) {
		v[2 + 2 * k] = at;
		at += count_tokens(st, a->sections[k].heading);
		v[3 + 2 * k] = at;
		at += count_tokens(st, a->sections[k].body);
	}
	return v;
}

static uint32_t *segs_copy(const uint32_t *v)
{
	if (v == NULL)
		return NULL;
	size_t n = 2 + 2 * (size_t)v[1];
	uint32_t *c = xmalloc(n * sizeof(*c));
	memcpy(c, v, n * sizeof(*c));
	return c;
}

/*
 * The segments of table t's rows (articles only): carried over from ot for
 * rows whose texts did not change, made for the others (fresh[i]: entity i
 * of c was (re)indexed).
 */
static void table_segs(int k, struct ix_table *t, const struct ix_table *ot, const struct hh_content *c,
		       const unsigned char *fresh)
{
	if (k >= 2 || c == NULL)
		return;
	t->n_segs = t->n_slugs + 1;
	t->segs = xcalloc(t->n_segs, sizeof(*t->segs));
	struct hh_stemmer *st = hh_stemmer_new((k & 1) ? HH_LANG_ES : HH_LANG_EN, HH_STEM_CACHE);
	for (size_t i = 0; st != NULL && i < t->n_rowid; i++) {
		size_t rowid = (size_t)t->rowid_of[i];
		if (rowid == 0 || rowid >= t->n_segs)
			continue;
		if (!fresh[i] && ot != NULL && rowid < ot->n_segs)
			t->segs[rowid] = segs_copy(ot->segs[rowid]);
		else
			t->segs[rowid] = article_segs(st, &c->articles[i]);
	}
	hh_stemmer_free(st);
}

/* ================================================================ build */

static int exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		hh_error("search index", "sql", sql, "error", msg ? msg : sqlite3_errstr(rc), NULL);
	sqlite3_free(msg);
	return rc == SQLITE_OK ? 0 : -1;
}

static sqlite3 *open_db(const char *uri, int readonly)
{
	sqlite3 *db = NULL;
	int flags = SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX |
		    (readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
	if (sqlite3_open_v2(uri, &db, flags, NULL) != SQLITE_OK ||
	    hh_tokenizer_register(db, readonly ? HH_STEM_CACHE : HH_STEM_CACHE_BUILD) != SQLITE_OK) {
		hh_error("search index: opening the database failed", "error", db ? sqlite3_errmsg(db) : "no memory",
			 NULL);
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

/* Writes one row: insert (del 0) or the 'delete' of a contentless table (del 1), with its texts. */
static int write_row(sqlite3_stmt *st, int64_t rowid, const struct entity_text *t)
{
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, rowid);
	for (int k = 0; k < 3; k++)
		sqlite3_bind_text(st, 2 + k, t->f[k].s ? t->f[k].s : "", (int)t->f[k].len, SQLITE_STATIC);
	return sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
}

static int64_t new_rowid(struct ix_table *t, const char *slug)
{
	t->slugs = xrealloc(t->slugs, (t->n_slugs + 1) * sizeof(*t->slugs));
	t->slugs[t->n_slugs++] = xstrdup(slug);
	return (int64_t)t->n_slugs;
}

/*
 * Brings table k of the new generation from old content oc (with its
 * rowids in ot; oc NULL: empty) to content c: rows whose texts changed are
 * deleted with their old texts and inserted again, new ones inserted, gone
 * ones deleted. Both contents are sorted by slug.
 */
static int update_table(sqlite3 *db, int k, struct ix_table *t, const struct ix_table *ot, const struct hh_content *oc,
			const struct hh_content *c, struct hh_search_stats *stats)
{
	int kind = k >= 2 ? HH_SEARCH_CAUSES : HH_SEARCH_ARTICLES;
	char sql[160];
	sqlite3_stmt *ins = NULL, *del = NULL;
	snprintf(sql, sizeof(sql), "INSERT INTO %s(rowid, t, s, b) VALUES (?1, ?2, ?3, ?4)", table_names[k]);
	int rc = sqlite3_prepare_v2(db, sql, -1, &ins, NULL);
	snprintf(sql, sizeof(sql), "INSERT INTO %s(%s, rowid, t, s, b) VALUES ('delete', ?1, ?2, ?3, ?4)",
		 table_names[k], table_names[k]);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, sql, -1, &del, NULL);
	if (rc != SQLITE_OK) {
		hh_error("search index: preparing failed", "error", sqlite3_errmsg(db), NULL);
		sqlite3_finalize(ins);
		sqlite3_finalize(del);
		return -1;
	}
	/* the slugs carry over; rows taken out leave a hole */
	t->n_slugs = ot ? ot->n_slugs : 0;
	t->slugs = xcalloc(t->n_slugs + 1, sizeof(*t->slugs));
	for (size_t i = 0; ot && i < ot->n_slugs; i++)
		t->slugs[i] = ot->slugs[i] ? xstrdup(ot->slugs[i]) : NULL;
	size_t n = entity_count(c, kind), on = ot && oc ? entity_count(oc, kind) : 0;
	t->n_rowid = n;
	t->rowid_of = xcalloc(n + 1, sizeof(*t->rowid_of));
	t->indexed = c != NULL;
	struct entity_text nt = {0}, otx = {0};
	unsigned char *fresh = xcalloc(n + 1, 1); /* entity i was (re)indexed */
	int failed = 0;
	size_t i = 0, j = 0;
	while (!failed && (i < n || j < on)) {
		int cmp = i >= n ? 1 : j >= on ? -1 : strcmp(entity_slug(c, kind, i), entity_slug(oc, kind, j));
		if (cmp > 0) { /* gone */
			int64_t rowid = ot->rowid_of[j];
			entity_text(oc, kind, j, &otx);
			failed = write_row(del, rowid, &otx) < 0;
			free(t->slugs[rowid - 1]);
			t->slugs[rowid - 1] = NULL;
			stats->removed++;
			j++;
			continue;
		}
		entity_text(c, kind, i, &nt);
		if (cmp < 0) { /* new */
			t->rowid_of[i] = new_rowid(t, entity_slug(c, kind, i));
			failed = write_row(ins, t->rowid_of[i], &nt) < 0;
			fresh[i] = 1;
			stats->added++;
			i++;
			continue;
		}
		int64_t rowid = ot->rowid_of[j];
		t->rowid_of[i] = rowid;
		entity_text(oc, kind, j, &otx);
		if (!texts_same(&nt, &otx)) {
			failed = write_row(del, rowid, &otx) < 0 || write_row(ins, rowid, &nt) < 0;
			fresh[i] = 1;
			stats->removed++;
			stats->added++;
		}
		i++;
		j++;
	}
	if (failed)
		hh_error("search index: writing failed", "error", sqlite3_errmsg(db), NULL);
	else
		table_segs(k, t, ot, c, fresh);
	t->entity_of = xmalloc((t->n_slugs + 1) * sizeof(*t->entity_of));
	memset(t->entity_of, 0xFF, (t->n_slugs + 1) * sizeof(*t->entity_of));
	for (size_t e = 0; e < t->n_rowid; e++)
		if ((size_t)t->rowid_of[e] <= t->n_slugs)
			t->entity_of[t->rowid_of[e]] = (uint32_t)e;
	free(fresh);
	entity_text_free(&nt);
	entity_text_free(&otx);
	sqlite3_finalize(ins);
	sqlite3_finalize(del);
	return failed ? -1 : 0;
}

/* An FTS5 varint (SQLite's: 7 bits a byte, high bit set on all but the last), at most 5 bytes read. */
static size_t get_varint32(const unsigned char *p, size_t n, uint32_t *v)
{
	uint32_t x = 0;
	for (size_t i = 0; i < n && i < 5; i++) {
		x = (x << 7) | (p[i] & 0x7F);
		if (!(p[i] & 0x80)) {
			*v = x;
			return i + 1;
		}
	}
	*v = x;
	return n < 5 ? n : 5;
}

/*
 * Every row's length in tokens, from FTS5's own %_docsize table, so ranking
 * (rank_function) reads it from an array instead of a lookup per row.
 */
static int read_doclen(sqlite3 *db, int k, struct ix_table *t)
{
	char sql[96];
	snprintf(sql, sizeof(sql), "SELECT id, sz FROM %s_docsize", table_names[k]);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		hh_error("search index: reading lengths failed", "error", sqlite3_errmsg(db), NULL);
		return -1;
	}
	t->n_doclen = t->n_slugs + 1;
	t->doclen = xcalloc(t->n_doclen, sizeof(*t->doclen));
	double total = 0, rows = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite3_int64 id = sqlite3_column_int64(st, 0);
		const unsigned char *p = sqlite3_column_blob(st, 1);
		size_t n = (size_t)sqlite3_column_bytes(st, 1), at = 0;
		uint32_t len = 0, v;
		while (p != NULL && at < n) {
			at += get_varint32(p + at, n - at, &v);
			len += v;
		}
		if (id >= 1 && (size_t)id < t->n_doclen)
			t->doclen[id] = len;
		total += len;
		rows++;
	}
	sqlite3_finalize(st);
	t->avgdl = rows > 0 && total > 0 ? total / rows : 1.0;
	return rc == SQLITE_DONE ? 0 : -1;
}

#define SLUG_AT(p, at) (*(const char *const *)((p) + (at)))

/* tr's entities (size bytes each, slug at byte at), then each of en's that tr lacks; both and the result by slug. */
static void *with_english(const char *tr, size_t ntr, const char *en, size_t nen, size_t size, size_t at, size_t *n)
{
	char *v = xmalloc((ntr + nen + 1) * size);
	size_t i = 0, j = 0, m = 0;
	while (i < ntr || j < nen) {
		int cmp = i >= ntr ? 1 : j >= nen ? -1 : strcmp(SLUG_AT(tr + i * size, at), SLUG_AT(en + j * size, at));
		memcpy(v + m++ * size, cmp <= 0 ? tr + i * size : en + j * size, size);
		i += cmp <= 0;
		j += cmp >= 0;
	}
	*n = m;
	return v;
}

/*
 * What table k indexes of content c: English, c; another language, every
 * entity as that language's answers serve it (hh_i18n_variant): its
 * translation, else the English entity, so a search in the language finds
 * an untranslated one by its English words (tokenised as the language's
 * queries are) and shows it as the list does, in English. A stale
 * translation (of an English text that has changed since) is not loaded
 * (db_load.c), so its entity is indexed by the English text it is served
 * in. NULL when the language has no translation at all: its queries go to
 * the English table. The merged arrays go into *view (view_free).
 */
static const struct hh_content *lang_content(const struct hh_content *c, int k, struct hh_content *view)
{
	memset(view, 0, sizeof(*view));
	if (c == NULL || k % HH_LANG_COUNT == HH_LANG_EN)
		return c;
	const struct hh_content *tr = c->translations[k % HH_LANG_COUNT];
	if (tr == NULL)
		return NULL;
	if (k >= HH_LANG_COUNT)
		view->causes =
			with_english((const char *)tr->causes, tr->n_causes, (const char *)c->causes, c->n_causes,
				     sizeof(*c->causes), offsetof(struct hh_cause, slug), &view->n_causes);
	else
		view->articles = with_english((const char *)tr->articles, tr->n_articles, (const char *)c->articles,
					      c->n_articles, sizeof(*c->articles), offsetof(struct hh_article, slug),
					      &view->n_articles);
	return view;
}

static void view_free(struct hh_content *view)
{
	free(view->articles);
	free(view->causes);
}

static size_t db_bytes(sqlite3 *db)
{
	sqlite3_int64 n = 0;
	unsigned char *p = sqlite3_serialize(db, "main", &n, SQLITE_SERIALIZE_NOCOPY);
	if (p != NULL)
		return (size_t)n;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size", -1, &st,
			       NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return (size_t)n;
}

struct hh_search *hh_search_build(const struct hh_content *content, const struct hh_search *old,
				  const struct hh_content *old_content, struct hh_search_stats *stats)
{
	struct hh_search_stats dummy;
	if (stats == NULL)
		stats = &dummy;
	memset(stats, 0, sizeof(*stats));
	uint64_t t0 = hh_now_ns();
	if (old != NULL && old_content == NULL)
		old = NULL;
	struct hh_search *ix = xcalloc(1, sizeof(*ix));
	pthread_mutex_init(&ix->lock, NULL);
	snprintf(ix->uri, sizeof(ix->uri), "file:/hh-search-%ld-%llu?vfs=memdb", (long)getpid(),
		 (unsigned long long)atomic_fetch_add(&generation_counter, 1));
	ix->owner = open_db(ix->uri, 0);
	if (ix->owner == NULL)
		goto fail;
	/*
	 * The database is this process's memory: no journal, no sync. Pages of
	 * 16 KiB: each reload copies the last generation page by page
	 * (sqlite3_backup), and at 5,000 articles of a 20,000-word vocabulary
	 * 4 KiB pages made that copy two to three times slower for the same
	 * bytes (and a memdb copy needs the same page size at both ends).
	 */
	if (exec(ix->owner, "PRAGMA page_size=16384; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF") < 0)
		goto fail;
	if (old != NULL) {
		sqlite3_backup *b = sqlite3_backup_init(ix->owner, "main", old->owner, "main");
		int rc = b ? sqlite3_backup_step(b, -1) : SQLITE_ERROR;
		sqlite3_backup_finish(b);
		if (rc != SQLITE_DONE) {
			hh_error("search index: copying the last generation failed", "error", sqlite3_errmsg(ix->owner),
				 NULL);
			goto fail;
		}
	} else {
		for (int k = 0; k < N_TABLES; k++) {
			char sql[320];
			/*
			 * hashsize: the terms FTS5 gathers in memory before it writes a
			 * segment (1 MB by default). A whole library in one go then
			 * makes one segment instead of dozens to merge: measured at
			 * 5,000 articles of a 20,000-word vocabulary, 2.4 s -> 0.7 s. It
			 * is the build's memory only (freed at COMMIT; at most that
			 * per table, about 40 MB in all for that library), and a
			 * setting of the table, so the next generations keep it.
			 */
			snprintf(sql, sizeof(sql),
				 "CREATE VIRTUAL TABLE %s USING fts5(t, s, b, content='', tokenize='hh %s');"
				 "INSERT INTO %s(%s, rank) VALUES('hashsize', %d)",
				 table_names[k], hh_lang_name((enum hh_lang)(k % HH_LANG_COUNT)), table_names[k],
				 table_names[k], FTS_HASHSIZE);
			if (exec(ix->owner, sql) < 0)
				goto fail;
		}
	}
	stats->full = old == NULL;
	stats->copy_ms = (double)(hh_now_ns() - t0) / 1e6;
	if (exec(ix->owner, "BEGIN") < 0)
		goto fail;
	for (int k = 0; k < N_TABLES; k++) {
		struct hh_content ov, nv;
		const struct hh_content *oc = lang_content(old ? old_content : NULL, k, &ov);
		int rc = update_table(ix->owner, k, &ix->tables[k], old ? &old->tables[k] : NULL, oc,
				      lang_content(content, k, &nv), stats);
		view_free(&ov);
		view_free(&nv);
		if (rc < 0)
			goto fail;
	}
	if (exec(ix->owner, "COMMIT") < 0)
		goto fail;
	for (int k = 0; k < N_TABLES; k++)
		if (read_doclen(ix->owner, k, &ix->tables[k]) < 0)
			goto fail;
	/*
	 * The writer's tokenizers hold large term caches (HH_STEM_CACHE_BUILD):
	 * a read-only connection that never opens the tables keeps the
	 * database alive instead, and the writer goes with its caches.
	 */
	sqlite3 *keeper = open_db(ix->uri, 1);
	if (keeper == NULL)
		goto fail;
	if (sqlite3_close(ix->owner) != SQLITE_OK) { /* a statement left open would keep it and its caches */
		hh_error("search index: closing the writer failed", "error", sqlite3_errmsg(ix->owner), NULL);
		sqlite3_close_v2(ix->owner);
	}
	ix->owner = keeper;
	ix->bytes = db_bytes(ix->owner);
	stats->bytes = ix->bytes;
	stats->ms = (double)(hh_now_ns() - t0) / 1e6;
	return ix;
fail:
	hh_search_free(ix);
	return NULL;
}

static void conn_free(struct ix_conn *cn)
{
	for (int k = 0; k < N_TABLES; k++)
		sqlite3_finalize(cn->match[k]);
	sqlite3_close(cn->db);
	for (int l = 0; l < HH_LANG_COUNT; l++)
		hh_stemmer_free(cn->stem[l]);
	free(cn->best);
	free(cn->where);
	free(cn->df);
	free(cn);
}

void hh_search_free(struct hh_search *ix)
{
	if (ix == NULL)
		return;
	for (struct ix_conn *cn = ix->idle, *next; cn != NULL; cn = next) {
		next = cn->next;
		conn_free(cn);
	}
	sqlite3_close(ix->owner); /* the last connection: the memdb goes with it */
	for (int k = 0; k < N_TABLES; k++) {
		for (size_t i = 0; i < ix->tables[k].n_slugs; i++)
			free(ix->tables[k].slugs[i]);
		free(ix->tables[k].slugs);
		free(ix->tables[k].rowid_of);
		free(ix->tables[k].doclen);
		for (size_t i = 0; i < ix->tables[k].n_segs; i++)
			free(ix->tables[k].segs[i]);
		free(ix->tables[k].segs);
		free(ix->tables[k].entity_of);
	}
	pthread_mutex_destroy(&ix->lock);
	free(ix);
}

size_t hh_search_bytes(const struct hh_search *ix)
{
	return ix ? ix->bytes : 0;
}

/* ========================================================== connections */

static void rank_function(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int argc,
			  sqlite3_value **argv);

static struct ix_conn *conn_take(struct hh_search *ix)
{
	pthread_mutex_lock(&ix->lock);
	struct ix_conn *cn = ix->idle;
	if (cn != NULL)
		ix->idle = cn->next;
	pthread_mutex_unlock(&ix->lock);
	if (cn != NULL)
		return cn;
	cn = xcalloc(1, sizeof(*cn));
	cn->db = open_db(ix->uri, 1);
	for (int l = 0; cn->db != NULL && l < HH_LANG_COUNT; l++)
		cn->stem[l] = hh_stemmer_new((enum hh_lang)l, HH_STEM_CACHE);
	fts5_api *api = cn->db != NULL ? hh_fts5_api(cn->db) : NULL;
	if (api == NULL || api->xCreateFunction(api, "hh_rank", ix, rank_function, NULL) != SQLITE_OK) {
		conn_free(cn);
		return NULL;
	}
	/* pages are read in place from the shared memory, not copied into a cache per connection */
	if (cn->db == NULL || cn->stem[HH_LANG_COUNT - 1] == NULL ||
	    exec(cn->db, "PRAGMA mmap_size=4294967296; PRAGMA cache_size=-2048") < 0) {
		conn_free(cn);
		return NULL;
	}
	return cn;
}

static void conn_give(struct hh_search *ix, struct ix_conn *cn)
{
	pthread_mutex_lock(&ix->lock);
	cn->next = ix->idle;
	ix->idle = cn;
	pthread_mutex_unlock(&ix->lock);
}

/* ================================================================ query */

#define MAX_TERMS 32

#define MAX_ITEMS 64

/*
 * The query's required terms (what snippets mark) and its FTS5 phrases in
 * the order the expression names them (FTS5 numbers them so): phrase[p] is
 * the term a required one-term phrase is, else -1 (excluded, several
 * terms, past MAX_TERMS); multi is set when a required phrase has more
 * than one term.
 */
struct terms {
	char v[MAX_TERMS][HH_TERM_MAX + 1];
	size_t n;
	int phrase[MAX_ITEMS];
	int n_phrases;
	int multi;
};

/* Adds term (once): its index, or -1 when MAX_TERMS are taken. */
static int terms_add(struct terms *t, const char *term)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->v[i], term) == 0)
			return (int)i;
	if (t->n >= MAX_TERMS)
		return -1;
	snprintf(t->v[t->n], sizeof(t->v[0]), "%s", term);
	return (int)t->n++;
}

/* Back to len bytes, keeping whether an append was refused (a refused term refuses the whole expression). */
static void out_undo(struct hh_strbuf *o, size_t len)
{
	int failed = o->failed;
	hh_strbuf_truncate(o, len);
	o->failed = failed;
}

/*
 * One item of the query (a word or a quoted phrase, [s, e) of q) as an FTS5
 * string: its words, space-separated, in double quotes (a word holds no
 * quote, so nothing inside is syntax). Adds its phrase to t (when t), and
 * its terms unless it is excluded (neg). Returns 0 when it has no
 * searchable term (stop words, punctuation).
 */
static int item_expr(struct hh_stemmer *st, const char *q, size_t s, size_t e, struct hh_strbuf *o, struct terms *t,
		     int neg)
{
	size_t pos = s;
	struct hh_word w;
	char term[HH_TERM_MAX + 1];
	int terms = 0, index = -1;
	while (hh_word_next(q, e, &pos, &w))
		if (hh_term(st, q, w, term) > 0) {
			terms++;
			if (t != NULL && !neg)
				index = terms_add(t, term);
		}
	if (terms == 0)
		return 0;
	if (t != NULL && t->n_phrases < MAX_ITEMS) {
		t->phrase[t->n_phrases++] = neg || terms > 1 ? -1 : index;
		t->multi |= !neg && terms > 1;
	}
	hh_strbuf_puts(o, "\"");
	pos = s;
	int first = 1;
	while (hh_word_next(q, e, &pos, &w)) {
		if (!first)
			hh_strbuf_puts(o, " ");
		hh_strbuf_append(o, q + w.start, w.end - w.start);
		first = 0;
	}
	hh_strbuf_puts(o, "\"");
	return 1;
}

/* A parsed item: [s, e) of the query, excluded or not. */
struct item {
	size_t s, e;
	int neg, or_;
};

static size_t parse_items(const char *q, struct item *items)
{
	size_t n = 0, len = strlen(q), i = 0;
	while (i < len && n < MAX_ITEMS) {
		while (i < len && (q[i] == ' ' || q[i] == '\t' || q[i] == '\n' || q[i] == '\r'))
			i++;
		if (i >= len)
			break;
		struct item it = {0};
		if (q[i] == '-' && i + 1 < len && q[i + 1] != ' ') {
			it.neg = 1;
			i++;
		}
		if (q[i] == '"') {
			size_t close = i + 1;
			while (close < len && q[close] != '"')
				close++;
			it.s = i + 1;
			it.e = close;
			i = close < len ? close + 1 : len;
		} else {
			it.s = i;
			while (i < len && q[i] != ' ' && q[i] != '\t' && q[i] != '\n' && q[i] != '\r' && q[i] != '"')
				i++;
			it.e = i;
			it.or_ = !it.neg && it.e - it.s == 2 && (q[it.s] | 32) == 'o' && (q[it.s + 1] | 32) == 'r';
		}
		items[n++] = it;
	}
	return n;
}

/*
 * q as an FTS5 expression into o: ( a AND b NOT c ) OR ( d ): or-groups of
 * required items, each group less its excluded ones; a group with nothing
 * required is left out (FTS5 has no "everything but"). Adds the required
 * terms to t. Returns how many groups it wrote.
 */
static int expression(struct hh_stemmer *st, const char *q, struct hh_strbuf *o, struct terms *t)
{
	struct item items[MAX_ITEMS];
	size_t n = parse_items(q, items);
	int groups = 0;
	size_t g = 0;
	while (g < n) {
		size_t end = g;
		while (end < n && !items[end].or_)
			end++;
		/* the group [g, end): required items first, then the excluded */
		size_t mark = o->len;
		if (groups > 0)
			hh_strbuf_puts(o, " OR ");
		hh_strbuf_puts(o, "(");
		int pos = 0;
		for (size_t i = g; i < end; i++) {
			if (items[i].neg)
				continue;
			size_t before = o->len;
			if (pos > 0)
				hh_strbuf_puts(o, " AND ");
			if (item_expr(st, q, items[i].s, items[i].e, o, t, 0))
				pos++;
			else
				out_undo(o, before);
		}
		for (size_t i = g; pos > 0 && i < end; i++) {
			if (!items[i].neg)
				continue;
			size_t before = o->len;
			hh_strbuf_puts(o, " NOT ");
			if (!item_expr(st, q, items[i].s, items[i].e, o, t, 1))
				out_undo(o, before);
		}
		hh_strbuf_puts(o, ")");
		if (pos > 0)
			groups++;
		else
			out_undo(o, mark);
		g = end + 1;
	}
	return groups;
}

int hh_search_expression(const char *q, enum hh_lang lang, char *buf, size_t cap)
{
	struct hh_stemmer *st = hh_stemmer_new(lang, HH_STEM_CACHE);
	if (st == NULL || cap == 0) {
		hh_stemmer_free(st);
		return -1;
	}
	struct hh_strbuf o;
	hh_strbuf_wrap(&o, buf, cap, 0);
	int groups = expression(st, q, &o, NULL);
	hh_stemmer_free(st);
	if (o.failed)
		return -1;
	return groups > 0 ? (int)o.len : 0;
}

/* ============================================================= snippets */

#define SNIPPET_WORDS 24 /* words a snippet shows */
#define SNIPPET_BEFORE 4 /* words shown before the first match */

struct word_hit {
	uint32_t start, end; /* the word's bytes (a text is far shorter than 4 GiB) */
	int term;            /* index in terms, or -1 */
};

static char ascii_lower(unsigned char c)
{
	return (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
}

/* ASCII letters and digits, as hh_word_next reads them */
static int ascii_word(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z');
}

/* The bit of an ASCII letter or digit (lower case) in a pair mask. */
static uint64_t pair_bit(unsigned char c)
{
	return c >= '0' && c <= '9' ? 1ull << (c - '0') : c >= 'a' && c <= 'z' ? 1ull << (10 + c - 'a') : 0;
}

/*
 * The terms' first two letters as masks (Snowball's English and Spanish
 * stemmers never change them): pair[a] has the bit of b for every term
 * starting "ab" (every bit for a one-letter term "a"), first[a] is set for
 * every term starting with a. Built once a query; may_match reads them.
 */
struct prefilter {
	uint64_t pair[128];
	unsigned char first[128];
};

static void prefilter_make(const struct terms *t, struct prefilter *pf)
{
	memset(pf, 0, sizeof(*pf));
	for (size_t i = 0; i < t->n; i++) {
		unsigned char a = (unsigned char)t->v[i][0], b = (unsigned char)t->v[i][1];
		if (a >= 128)
			continue;
		pf->first[a] = 1;
		pf->pair[a] |= b == '\0' ? ~0ull : pair_bit(b);
	}
}

/*
 * Whether word w of text may have one of the terms, from its first two
 * letters: most words are then never stemmed. Non-ASCII starts fall back
 * to the first letter (accents are taken off after stemming).
 */
static int may_match(const char *text, struct hh_word w, const struct terms *t, const struct prefilter *pf)
{
	const unsigned char *s = (const unsigned char *)text + w.start;
	if (w.end - w.start >= 2 && s[0] < 0x80 && s[1] < 0x80)
		return (pf->pair[(unsigned char)ascii_lower(s[0])] & pair_bit((unsigned char)ascii_lower(s[1]))) != 0;
	char f = hh_term_first(text, w);
	if (f == '\0')
		return 1;
	if ((unsigned char)f < 128)
		return pf->first[(unsigned char)f];
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i][0] == f)
			return 1;
	return 0;
}

/*
 * The words of text, each with the term it matches; into *v (grown).
 * Returns the count. The words are hh_word_next's: ASCII runs are read
 * here, anything else by hh_word_next itself.
 */
static size_t scan(struct hh_stemmer *st, const struct terms *t, const struct prefilter *pf, const char *text,
		   struct word_hit **v, size_t *cap)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t n = 0, pos = 0, len = strlen(text);
	struct hh_word w;
	char term[HH_TERM_MAX + 1];
	while (pos < len) {
		unsigned char c = s[pos];
		if (c < 0x80 && !ascii_word(c)) {
			pos++;
			continue;
		}
		size_t e = pos;
		while (e < len && s[e] < 0x80 && ascii_word(s[e]))
			e++;
		if (e > pos && (e == len || s[e] < 0x80)) { /* an ASCII word */
			w.start = pos;
			w.end = e;
			pos = e;
		} else if (!hh_word_next(text, len, &pos, &w)) {
			break;
		}
		if (n == *cap) {
			*cap = *cap ? *cap * 2 : 256;
			*v = xrealloc(*v, *cap * sizeof(**v));
		}
		struct word_hit *h = &(*v)[n++];
		h->start = (uint32_t)w.start;
		h->end = (uint32_t)w.end;
		h->term = -1;
		if (may_match(text, w, t, pf) && hh_term(st, text, w, term) > 0)
			for (size_t i = 0; i < t->n; i++)
				if (strcmp(term, t->v[i]) == 0) {
					h->term = (int)i;
					break;
				}
	}
	return n;
}

static int distinct(const struct word_hit *v, size_t from, size_t to)
{
	uint32_t seen = 0;
	int n = 0;
	for (size_t i = from; i < to; i++)
		if (v[i].term >= 0 && !(seen & (1u << v[i].term))) {
			seen |= 1u << v[i].term;
			n++;
		}
	return n;
}

static size_t code_points(const char *s, size_t n)
{
	size_t cp = 0;
	for (size_t i = 0; i < n; i++)
		cp += ((unsigned char)s[i] & 0xC0) != 0x80;
	return cp;
}

/* The snippet of the best window of text (v: its n words): {"text","marks"}. */
static json_t *cut(const char *text, const struct word_hit *v, size_t n)
{
	size_t best = 0;
	int best_score = -1;
	for (size_t i = 0; i < n; i++) {
		if (v[i].term < 0)
			continue;
		size_t from = i > SNIPPET_BEFORE ? i - SNIPPET_BEFORE : 0;
		int score = distinct(v, from, from + SNIPPET_WORDS < n ? from + SNIPPET_WORDS : n);
		if (score > best_score) {
			best_score = score;
			best = from;
		}
	}
	size_t to = best + SNIPPET_WORDS < n ? best + SNIPPET_WORDS : n;
	size_t s = best > 0 ? v[best].start : 0;
	size_t e = to < n ? v[to - 1].end : strlen(text);
	static const char ellipsis[] = "\xe2\x80\xa6"; /* U+2026 */
	size_t len = (best > 0 ? 4 : 0) + (e - s) + (to < n ? 4 : 0);
	char *buf = xmalloc(len + 1);
	size_t o = 0;
	if (best > 0) {
		memcpy(buf, ellipsis, 3);
		buf[3] = ' ';
		o = 4;
	}
	for (size_t i = s; i < e; i++)
		buf[o++] = text[i] == '\n' || text[i] == '\r' || text[i] == '\t' ? ' ' : text[i];
	if (to < n) {
		buf[o++] = ' ';
		memcpy(buf + o, ellipsis, 3);
		o += 3;
	}
	buf[o] = '\0';
	json_t *marks = json_array();
	size_t base = best > 0 ? 2 : 0, at = s, cp = base;
	for (size_t i = best; i < to; i++) {
		if (v[i].term < 0)
			continue;
		cp += code_points(text + at, v[i].start - at);
		size_t wl = code_points(text + v[i].start, v[i].end - v[i].start);
		json_array_append_new(marks, json_pack("[II]", (json_int_t)cp, (json_int_t)(cp + wl)));
		cp += wl;
		at = v[i].end;
	}
	json_t *j = json_pack("{s:s%,s:o}", "text", buf, o, "marks", marks);
	free(buf);
	return j;
}

#define SNIPPET_SCAN 120 /* words read at most once a text with a match is found */

/*
 * Where a hit's query terms are, per text of entity_snippet (summary, the
 * sections' bodies, title; a cause's summary, description, name), as the
 * index saw them (hit_where), so a snippet reads one text instead of
 * every text up to a match.
 */
#define SNIPPET_TEXTS 64
struct where {
	int known;                   /* 0: not known (the query has a phrase of several words...) */
	uint32_t n_sections;         /* an article's sections, as indexed */
	uint32_t has[SNIPPET_TEXTS]; /* bit i: the text holds terms.v[i] */
};

/*
 * The snippet of an entity: from the first of its texts with the most
 * matched terms (texts[0] is shown when none matches: the summary). With
 * wh known, that text is the one the index names (and checked when read);
 * otherwise the search reads the texts in turn and stops at one with every
 * term, or once a match is found and SNIPPET_SCAN words were read: a
 * results page costs a bounded time.
 */
static json_t *snippet(struct hh_stemmer *st, const struct terms *t, const struct prefilter *pf,
		       const char *const *texts, size_t n_texts, const struct where *wh)
{
	if (wh != NULL && wh->known && t->n > 0) {
		/* the index says which text holds the most terms: read that one only */
		size_t at = 0;
		int most = 0;
		for (size_t i = 0; i < n_texts && i < SNIPPET_TEXTS; i++)
			if (texts[i] != NULL && __builtin_popcount(wh->has[i]) > most) {
				most = __builtin_popcount(wh->has[i]);
				at = i;
			}
		const char *text = texts[at] ? texts[at] : "";
		struct word_hit *words = NULL;
		size_t words_cap = 0, n = scan(st, t, pf, text, &words, &words_cap);
		json_t *j = distinct(words, 0, n) == most ? cut(text, words, n) : NULL;
		free(words);
		if (j != NULL)
			return j;
		/* the text shown is not the one indexed (a variant's resolved placeholders): read them in turn */
	}
	struct word_hit *v = NULL, *kept = NULL; /* the words of the text being read, of the best one */
	size_t cap = 0, kept_cap = 0, kept_n = 0, best = 0, read = 0;
	int best_score = 0;
	for (size_t i = 0; i < n_texts && t->n > 0; i++) {
		if (texts[i] == NULL)
			continue;
		size_t n = scan(st, t, pf, texts[i], &v, &cap);
		read += n;
		int score = distinct(v, 0, n);
		if (score > best_score) {
			best_score = score;
			best = i;
			struct word_hit *swap = kept; /* keep these words; read the next text into the old buffer */
			size_t swap_cap = kept_cap;
			kept = v;
			kept_cap = cap;
			kept_n = n;
			v = swap;
			cap = swap_cap;
			if ((size_t)score == t->n)
				break;
		}
		if (best_score > 0 && read >= SNIPPET_SCAN)
			break;
	}
	const char *text = texts[best] ? texts[best] : "";
	if (best_score == 0) /* nothing matched: the first text, unmarked */
		kept_n = scan(st, t, pf, text, &kept, &kept_cap);
	json_t *j = cut(text, kept, kept_n);
	free(v);
	free(kept);
	return j;
}

/*
 * The article or cause of row rowid in shown: the one at the index the row
 * had in the content indexed when shown has the same slug there (a variant
 * keeps its base's order), else looked up by slug.
 */
static size_t shown_index(const struct ix_table *tab, uint32_t rowid)
{
	return rowid <= tab->n_slugs && tab->entity_of != NULL ? tab->entity_of[rowid] : SIZE_MAX;
}

static const struct hh_article *shown_article(const struct hh_content *shown, const struct ix_table *tab,
					      uint32_t rowid, const char *slug)
{
	size_t i = shown_index(tab, rowid);
	if (i < shown->n_articles && strcmp(shown->articles[i].slug, slug) == 0)
		return &shown->articles[i];
	return hh_content_article(shown, slug);
}

static const struct hh_cause *shown_cause(const struct hh_content *shown, const struct ix_table *tab, uint32_t rowid,
					  const char *slug)
{
	size_t i = shown_index(tab, rowid);
	if (i < shown->n_causes && strcmp(shown->causes[i].slug, slug) == 0)
		return &shown->causes[i];
	return hh_content_cause(shown, slug);
}

static json_t *entity_snippet(struct hh_stemmer *st, const struct terms *t, const struct prefilter *pf,
			      const struct hh_content *shown, enum hh_search_kind kind, const struct ix_table *tab,
			      uint32_t rowid, const char *slug, const struct where *wh)
{
	const char *texts[64];
	size_t n = 0;
	if (kind == HH_SEARCH_CAUSES) {
		const struct hh_cause *c = shown_cause(shown, tab, rowid, slug);
		if (c == NULL)
			return NULL;
		texts[n++] = c->summary;
		texts[n++] = c->description;
		texts[n++] = c->name;
	} else {
		const struct hh_article *a = shown_article(shown, tab, rowid, slug);
		if (a == NULL)
			return NULL;
		if (wh != NULL && wh->n_sections != a->n_sections)
			wh = NULL; /* not the article indexed */
		texts[n++] = a->summary;
		for (size_t i = 0; i < a->n_sections && n < 62; i++)
			texts[n++] = a->sections[i].body;
		texts[n++] = a->title;
	}
	return snippet(st, t, pf, texts, n, wh);
}

/* ========================================================= run a query */

struct scored {
	double score; /* bm25: lower is better */
	const char *slug;
	size_t slot;    /* its struct where in query.where */
	uint32_t rowid; /* its row */
};

static int cmp_scored(const void *a, const void *b)
{
	const struct scored *x = a, *y = b;
	if (x->score != y->score)
		return x->score < y->score ? -1 : 1;
	return strcmp(x->slug, y->slug);
}

/*
 * The best k hits seen so far: a heap with the worst of them on top, so a
 * query ranks its matches in O(matches log k) instead of sorting them all
 * (k is offset + limit; a query of common words matches most articles).
 */
struct top {
	struct scored *v; /* the connection's, kept between queries */
	size_t n, k, cap;
};

static void top_sift_down(struct top *h, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, worst = i;
		if (l < h->n && cmp_scored(&h->v[l], &h->v[worst]) > 0)
			worst = l;
		if (r < h->n && cmp_scored(&h->v[r], &h->v[worst]) > 0)
			worst = r;
		if (worst == i)
			return;
		struct scored x = h->v[i];
		h->v[i] = h->v[worst];
		h->v[worst] = x;
		i = worst;
	}
}

#define NO_SLOT SIZE_MAX

/* Offers a hit: the slot it takes (0 .. k - 1, the one of the hit it pushes out), or NO_SLOT. */
static size_t top_add(struct top *h, double score, const char *slug, uint32_t rowid)
{
	struct scored x = {score, slug, h->n, rowid};
	if (h->n < h->k) {
		if (h->n == h->cap) {
			h->cap = h->cap ? h->cap * 2 : 256;
			h->v = xrealloc(h->v, h->cap * sizeof(*h->v));
		}
		size_t i = h->n++;
		while (i > 0 && cmp_scored(&h->v[(i - 1) / 2], &x) < 0) {
			h->v[i] = h->v[(i - 1) / 2];
			i = (i - 1) / 2;
		}
		h->v[i] = x;
		return x.slot;
	}
	if (h->k == 0 || cmp_scored(&x, &h->v[0]) >= 0)
		return NO_SLOT;
	x.slot = h->v[0].slot;
	h->v[0] = x;
	top_sift_down(h, 0);
	return x.slot;
}

static int cause_passes(const struct hh_content *shown, const struct ix_table *tab, uint32_t rowid, const char *slug,
			unsigned positions, unsigned regions)
{
	if (positions == 0 && regions == 0)
		return 1;
	const struct hh_cause *c = shown_cause(shown, tab, rowid, slug);
	return c != NULL && (positions == 0 || (c->positions & positions)) && (regions == 0 || (c->regions & regions));
}

/* A query under way: what hh_rank reads and fills, row by row. */
struct query {
	const struct ix_table *tab;
	enum hh_search_kind kind;
	const struct hh_content *shown;
	unsigned positions, regions;
	const struct terms *t;
	struct top best;
	struct where *where; /* per slot of best (the connection's, kept between queries) */
	size_t where_cap;
	struct df_slot *df; /* the connection's rows per term (DF_SLOTS) */
	long long total;    /* the rows that pass */
};

/* Which of entity_snippet's texts hold the query's terms in the current row (see struct where). */
static void hit_where(const Fts5ExtensionApi *api, Fts5Context *fts, const struct query *q, sqlite3_int64 rowid,
		      struct where *w)
{
	w->known = 0;
	const struct terms *t = q->t;
	if (t->multi || api->xPhraseCount(fts) != t->n_phrases)
		return;
	const uint32_t *seg = NULL;
	uint32_t n_sec = 0, title_at = 2;
	if (q->kind == HH_SEARCH_ARTICLES) {
		seg = rowid >= 0 && (size_t)rowid < q->tab->n_segs ? q->tab->segs[rowid] : NULL;
		if (seg == NULL)
			return;
		n_sec = seg[1];
		title_at = 1 + (n_sec < SNIPPET_TEXTS - 3 ? n_sec : SNIPPET_TEXTS - 3);
	}
	memset(w->has, 0, sizeof(w->has));
	w->n_sections = n_sec;
	for (int p = 0; p < t->n_phrases; p++) {
		if (t->phrase[p] < 0)
			continue;
		uint32_t bit = 1u << t->phrase[p];
		Fts5PhraseIter it;
		int col = -1, off = 0;
		uint32_t sec = 0;
		for (api->xPhraseFirst(fts, p, &it, &col, &off); col >= 0; api->xPhraseNext(fts, &it, &col, &off)) {
			uint32_t text = SNIPPET_TEXTS, o = (uint32_t)off;
			if (col == 1) /* s: the summary */
				text = 0;
			else if (seg == NULL) /* a cause: t name, b description */
				text = col == 0 ? 2 : col == 2 ? 1 : SNIPPET_TEXTS;
			else if (col == 0) /* t: the title, then alternate names */
				text = o < seg[0] ? title_at : SNIPPET_TEXTS;
			else if (col == 2 && n_sec > 0) { /* b: heading, body of each section */
				while (sec + 1 < n_sec && seg[2 + 2 * (sec + 1)] <= o)
					sec++;
				if (o >= seg[3 + 2 * sec] && 1 + sec < title_at)
					text = 1 + sec;
			}
			if (text < SNIPPET_TEXTS)
				w->has[text] |= bit;
		}
	}
	w->known = 1;
}

/* ============================================================== ranking */

/*
 * hh_rank(table, k): FTS5's bm25() (k1 1.2, b 0.75, columns weighted 1.0,
 * 0.4, 0.2), computed the same way with two costs taken out: the row's
 * length comes from ix_table.doclen instead of a query of %_docsize per
 * row, and each phrase's hits are walked with xPhraseFirst/xPhraseNext
 * instead of xInst's merged, sorted array of every phrase's. Lower is
 * better, as bm25(). The table index k is the second argument.
 */
#define RANK_K1 1.2
#define RANK_B 0.75
static const double column_weight[3] = {1.0, 0.4, 0.2};

struct rank_data {
	int n_phrases;
	double idf[]; /* per phrase */
};

/*
 * The rows each term matches, as rank_data counted them, kept by each
 * connection of a generation (its index never changes): common query
 * terms recur, and counting a term's rows walks its whole doclist.
 */
#define DF_SLOTS 1024
struct df_slot {
	int k; /* the table */
	char term[HH_TERM_MAX + 1];
	sqlite3_int64 hits;
};

static struct df_slot *df_slot(struct df_slot *cache, int k, const char *term)
{
	uint32_t h = 2166136261u ^ (uint32_t)k; /* FNV-1a */
	for (const char *c = term; *c; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	return &cache[h % DF_SLOTS];
}

static int count_row(const Fts5ExtensionApi *api, Fts5Context *fts, void *cls)
{
	(void)api;
	(void)fts;
	(*(sqlite3_int64 *)cls)++;
	return SQLITE_OK;
}

/* The query's idf per phrase (as bm25: from the rows each phrase matches), computed on its first row. */
static struct rank_data *rank_data(const Fts5ExtensionApi *api, Fts5Context *fts, struct query *q, int k)
{
	struct rank_data *d = api->xGetAuxdata(fts, 0);
	if (d != NULL)
		return d;
	int n = api->xPhraseCount(fts);
	sqlite3_int64 rows = 0;
	if (api->xRowCount(fts, &rows) != SQLITE_OK)
		return NULL;
	d = sqlite3_malloc64(sizeof(*d) + (size_t)(n > 0 ? n : 1) * sizeof(double));
	if (d == NULL)
		return NULL;
	d->n_phrases = n;
	for (int i = 0; i < n; i++) {
		sqlite3_int64 hits = 0;
		int term = n == q->t->n_phrases ? q->t->phrase[i] : -1;
		struct df_slot *slot = term >= 0 && q->df != NULL ? df_slot(q->df, k, q->t->v[term]) : NULL;
		if (slot != NULL && slot->k == k && strcmp(slot->term, q->t->v[term]) == 0) {
			hits = slot->hits;
		} else if (api->xQueryPhrase(fts, i, &hits, count_row) != SQLITE_OK) {
			sqlite3_free(d);
			return NULL;
		} else if (slot != NULL) {
			slot->k = k;
			snprintf(slot->term, sizeof(slot->term), "%s", q->t->v[term]);
			slot->hits = hits;
		}
		double idf = log(((double)rows - (double)hits + 0.5) / ((double)hits + 0.5));
		d->idf[i] = idf > 0.0 ? idf : 1e-6;
	}
	if (api->xSetAuxdata(fts, d, sqlite3_free) != SQLITE_OK)
		return NULL;
	return d;
}

static void rank_function(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int argc,
			  sqlite3_value **argv)
{
	const struct hh_search *ix = api->xUserData(fts);
	int k = argc > 0 ? sqlite3_value_int(argv[0]) : -1;
	struct query *q = argc > 1 ? sqlite3_value_pointer(argv[1], "hh_query") : NULL;
	struct rank_data *d = k >= 0 && k < N_TABLES && q != NULL ? rank_data(api, fts, q, k) : NULL;
	if (d == NULL) {
		sqlite3_result_error(ctx, "hh_rank failed", -1);
		return;
	}
	sqlite3_result_null(ctx);
	const struct ix_table *t = &ix->tables[k];
	sqlite3_int64 rowid = api->xRowid(fts);
	const char *slug = rowid >= 1 && (size_t)rowid <= t->n_slugs ? t->slugs[rowid - 1] : NULL;
	if (slug == NULL || (q->kind == HH_SEARCH_CAUSES &&
			     !cause_passes(q->shown, t, (uint32_t)rowid, slug, q->positions, q->regions)))
		return;
	q->total++;
	double len = rowid >= 0 && (size_t)rowid < t->n_doclen ? (double)t->doclen[rowid] : t->avgdl;
	double norm = RANK_K1 * (1.0 - RANK_B + RANK_B * len / t->avgdl);
	double score = 0.0;
	for (int p = 0; p < d->n_phrases; p++) {
		Fts5PhraseIter it;
		int col = -1, off = 0;
		double freq = 0.0;
		for (api->xPhraseFirst(fts, p, &it, &col, &off); col >= 0; api->xPhraseNext(fts, &it, &col, &off))
			freq += col < 3 ? column_weight[col] : 1.0;
		if (freq > 0.0)
			score += d->idf[p] * freq * (RANK_K1 + 1.0) / (freq + norm);
	}
	size_t slot = top_add(&q->best, -1.0 * score, slug, (uint32_t)rowid);
	if (slot == NO_SLOT)
		return;
	if (slot >= q->where_cap) {
		q->where_cap = slot + 1 > 2 * q->where_cap ? slot + 1 : 2 * q->where_cap;
		q->where = xrealloc(q->where, q->where_cap * sizeof(*q->where));
	}
	hit_where(api, fts, q, rowid, &q->where[slot]);
}

int hh_search_query(struct hh_search *ix, enum hh_search_kind kind, enum hh_lang lang, const char *q,
		    const struct hh_content *shown, unsigned positions, unsigned regions, long limit, long offset,
		    struct hh_search_page *out)
{
	memset(out, 0, sizeof(*out));
	int k = table_of(kind, lang);
	if (!ix->tables[k].indexed) {
		lang = HH_LANG_EN;
		k = table_of(kind, lang);
	}
	const struct ix_table *tab = &ix->tables[k];
	struct ix_conn *cn = conn_take(ix);
	if (cn == NULL)
		return -1;
	char expr[2048];
	struct hh_strbuf o;
	hh_strbuf_wrap(&o, expr, sizeof(expr), 0);
	struct terms t = {.n = 0};
	int groups = expression(cn->stem[lang], q, &o, &t);
	if (groups == 0 || o.failed) { /* nothing searchable: no hits */
		conn_give(ix, cn);
		return 0;
	}
	int rc = SQLITE_OK;
	if (cn->match[k] == NULL) {
		/* hh_rank ranks and keeps the best hits itself (struct query): the rows carry nothing */
		char sql[128];
		snprintf(sql, sizeof(sql), "SELECT hh_rank(%s, %d, ?2) FROM %s WHERE %s MATCH ?1", table_names[k], k,
			 table_names[k], table_names[k]);
		rc = sqlite3_prepare_v3(cn->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &cn->match[k], NULL);
	}
	sqlite3_stmt *st = cn->match[k];
	/* the page is [offset, offset + limit) of the ranking: keep its best offset + limit */
	size_t want = (size_t)offset + (size_t)limit;
	struct query qu = {.tab = tab,
			   .kind = kind,
			   .shown = shown,
			   .positions = positions,
			   .regions = regions,
			   .t = &t,
			   .best = {.v = cn->best, .cap = cn->best_cap, .k = want < (size_t)offset ? SIZE_MAX : want},
			   .where = cn->where,
			   .where_cap = cn->where_cap,
			   .df = cn->df != NULL ? cn->df : (cn->df = xcalloc(DF_SLOTS, sizeof(*cn->df)))};
	if (rc == SQLITE_OK && (rc = sqlite3_bind_text(st, 1, expr, (int)o.len, SQLITE_STATIC)) == SQLITE_OK &&
	    (rc = sqlite3_bind_pointer(st, 2, &qu, "hh_query", NULL)) == SQLITE_OK)
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			;
	cn->best = qu.best.v;
	cn->best_cap = qu.best.cap;
	cn->where = qu.where;
	cn->where_cap = qu.where_cap;
	int failed = rc != SQLITE_DONE;
	if (failed)
		hh_error("search query failed", "error", sqlite3_errmsg(cn->db), "match", expr, NULL);
	if (st != NULL) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
	if (!failed) {
		struct top *best = &qu.best;
		out->total = qu.total;
		if (best->n > 1)
			qsort(best->v, best->n, sizeof(*best->v), cmp_scored);
		size_t from = (size_t)offset < best->n ? (size_t)offset : best->n;
		size_t to = best->n - from < (size_t)limit ? best->n : from + (size_t)limit;
		out->n = to - from;
		out->slugs = xcalloc(out->n + 1, sizeof(*out->slugs));
		out->snippets = xcalloc(out->n + 1, sizeof(*out->snippets));
		struct prefilter pf;
		prefilter_make(&t, &pf);
		for (size_t i = 0; i < out->n; i++) {
			const struct scored *h = &best->v[from + i];
			out->slugs[i] = h->slug;
			out->snippets[i] = entity_snippet(cn->stem[lang], &t, &pf, shown, kind, tab, h->rowid, h->slug,
							  &qu.where[h->slot]);
		}
	}
	conn_give(ix, cn);
	return failed ? -1 : 0;
}

void hh_search_page_free(struct hh_search_page *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; p->snippets && i < p->n; i++)
		json_decref(p->snippets[i]);
	free(p->snippets);
	free(p->slugs);
	memset(p, 0, sizeof(*p));
}
