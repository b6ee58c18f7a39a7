/*
 * db_migrate.c - the SQL of `healthhub migrate` and of the history commands:
 * the transaction and its lock, migration files, content versions and the
 * documents (migrations/0010_documents.sql). What to do and what to print is
 * migrate.c's and history.c's.
 *
 * Every statement runs against the connection's deadline (db.c); migrate
 * connects without a statement timeout, so only a lost link ends a long
 * migration early.
 */
#include "healthhub/db_migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "healthhub/strbuf.h"

/* Any constant works as long as every migrate uses the same one. */
#define MIGRATE_LOCK_KEY "4848210101"

/* One call's context: the db context, and what is being written, named in every error. */
struct run {
	struct db_ctx x;
	char what[192];
};

static void run_init(struct run *r, struct hh_db *db, char *err, size_t errlen)
{
	memset(r, 0, sizeof(*r));
	r->x = (struct db_ctx){.db = db, .err = err, .errlen = errlen, .what = r->what};
	snprintf(r->what, sizeof(r->what), "migrate");
}

/* A parameterised statement run for its effect. */
static int q_exec(struct run *r, const char *sql, int n, const char *const *params)
{
	return hh_db_command(&r->x, sql, n, params) < 0 ? -1 : 0;
}

/* One statement run for its effect, named what in its error. */
static int command(struct hh_db *db, const char *what, const char *sql, int n, const char *const *params, char *err,
		   size_t errlen)
{
	struct run r;
	run_init(&r, db, err, errlen);
	snprintf(r.what, sizeof(r.what), "%s", what);
	return q_exec(&r, sql, n, params);
}

/* BEGIN and the lock every writer of content versions takes (migrate, approve, revoke). */
static int begin_locked(struct run *r)
{
	const char *params[] = {MIGRATE_LOCK_KEY};
	return q_exec(r, "BEGIN", 0, NULL) < 0 || q_exec(r, "SELECT pg_advisory_xact_lock($1::bigint)", 1, params) < 0
		       ? -1
		       : 0;
}

/* 1 when the table is there, 0 when not, -1 on error: asked first, as a failed SELECT aborts a transaction. */
static int table_exists(struct run *r, const char *table)
{
	const char *params[] = {table};
	PGresult *res = hh_db_exec(&r->x, "SELECT to_regclass($1) IS NOT NULL", 1, params, PGRES_TUPLES_OK, NULL);
	if (res == NULL)
		return -1;
	int present = PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return present;
}

/* Row i's name, lang, version and checksum (columns 0-3) into d. */
static void doc_row(const PGresult *res, int i, struct hh_doc *d)
{
	d->name = xstrdup(PQgetvalue(res, i, 0));
	snprintf(d->lang, sizeof(d->lang), "%s", PQgetvalue(res, i, 1));
	d->version = hh_db_int(res, i, 2);
	snprintf(d->checksum, sizeof(d->checksum), "%s", PQgetvalue(res, i, 3));
}

static const char *num(char buf[24], long long v)
{
	snprintf(buf, 24, "%lld", v);
	return buf;
}

/* ------------------------------------------------------- transaction */

int hh_db_migrate_begin(struct hh_db *db, char *err, size_t errlen)
{
	struct run r;
	run_init(&r, db, err, errlen);
	snprintf(r.what, sizeof(r.what), "starting the transaction");
	if (begin_locked(&r) < 0)
		return -1;
	/* Created here, not in a migration: it must exist to record the first one. */
	return q_exec(&r,
		      "CREATE TABLE IF NOT EXISTS schema_migrations (\n"
		      " name text PRIMARY KEY,\n"
		      " checksum text NOT NULL,\n"
		      " applied_at timestamptz NOT NULL DEFAULT now())",
		      0, NULL);
}

int hh_db_migrate_commit(struct hh_db *db, char *err, size_t errlen)
{
	return command(db, "commit", "COMMIT", 0, NULL, err, errlen);
}

void hh_db_migrate_rollback(struct hh_db *db)
{
	struct db_ctx x = {.db = db};
	hh_db_rollback_quietly(&x);
}

/* --------------------------------------------------------- checksums */

void hh_db_sums_free(struct hh_db_sums *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free((char *)s->v[i].key);
		free((char *)s->v[i].sum);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}

int hh_db_migrate_sums(struct hh_db *db, enum hh_plan_kind kind, int missing_ok, struct hh_db_sums *out, char *err,
		       size_t errlen)
{
	struct run r;
	run_init(&r, db, err, errlen);
	memset(out, 0, sizeof(*out));
	if (kind != HH_PLAN_MIGRATION)
		return -1;
	snprintf(r.what, sizeof(r.what), "reading the migrations applied");
	PGresult *res = hh_db_exec(&r.x, "SELECT name, checksum FROM schema_migrations ORDER BY name COLLATE \"C\"", 0,
				   NULL, PGRES_TUPLES_OK, NULL);
	if (res == NULL)
		return missing_ok && r.x.rc == HH_NOT_MIGRATED ? 0 : -1;
	int rows = PQntuples(res);
	out->v = xcalloc((size_t)rows + 1, sizeof(*out->v));
	for (int i = 0; i < rows; i++)
		out->v[out->n++] =
			(struct hh_plan_item){xstrdup(PQgetvalue(res, i, 0)), xstrdup(PQgetvalue(res, i, 1))};
	PQclear(res);
	return 0;
}

enum hh_status hh_db_migrate_state(struct hh_db *db, long long *version, char *updated, size_t updated_len, char *err,
				   size_t errlen)
{
	struct run r;
	run_init(&r, db, err, errlen);
	snprintf(r.what, sizeof(r.what), "content_versions");
	PGresult *res =
		hh_db_exec(&r.x,
			   "SELECT version, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')\n"
			   " FROM content_versions ORDER BY version DESC LIMIT 1",
			   0, NULL, PGRES_TUPLES_OK, NULL);
	if (res == NULL)
		return r.x.rc;
	enum hh_status rc = HH_NOT_MIGRATED;
	if (PQntuples(res) == 1) {
		rc = hh_parse_int(PQgetvalue(res, 0, 0), 0, INT64_MAX, version) < 0 ? HH_ERR : HH_OK;
		if (updated != NULL)
			snprintf(updated, updated_len, "%s", PQgetvalue(res, 0, 1));
	}
	PQclear(res);
	return rc;
}

/* -------------------------------------------------------- migrations */

/* Line of a 1-based character position in sql, for errors in migration files. */
static int line_of(const char *sql, long pos)
{
	int line = 1;
	for (long chars = 1; *sql != '\0' && chars < pos; sql++) {
		if (*sql == '\n')
			line++;
		if (((unsigned char)*sql & 0xc0) != 0x80)
			chars++;
	}
	return line;
}

/* Runs a trusted, multi-statement file; errors point at its line. */
static int run_file(struct run *r, const char *name, const char *sql)
{
	PGresult *failed = NULL;
	snprintf(r->what, sizeof(r->what), "migrations/%s", name);
	PGresult *res = hh_db_exec(&r->x, sql, -1, NULL, PGRES_COMMAND_OK, &failed);
	int rc = res != NULL ? 0 : -1;
	const char *pos = failed != NULL ? PQresultErrorField(failed, PG_DIAG_STATEMENT_POSITION) : NULL;
	long long p = 0;
	if (rc < 0 && pos != NULL && hh_parse_int(pos, 1, 1 << 30, &p) == 0) {
		snprintf(r->what, sizeof(r->what), "migrations/%s:%d", name, line_of(sql, (long)p));
		hh_db_set_result_err(&r->x, sql, failed);
	}
	PQclear(res);
	PQclear(failed);
	return rc;
}

int hh_db_migrate_apply(struct hh_db *db, const char *name, const char *sql, const char *checksum, char *err,
			size_t errlen)
{
	struct run r;
	run_init(&r, db, err, errlen);
	if (run_file(&r, name, sql) < 0)
		return -1;
	const char *params[] = {name, checksum};
	snprintf(r.what, sizeof(r.what), "schema_migrations");
	return q_exec(&r, "INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)", 2, params);
}

/* ------------------------------------------------------------ documents */

/*
 * The newest document of each (name, lang) at or before $1 (0: all), only
 * $2's when given: the aggregate reads the primary key alone, and bodies
 * are fetched for the winners only, so a long history costs little.
 */
static const char docs_at_sql[] =
	"SELECT d.name, d.lang, d.version, coalesce(d.checksum, ''), CASE WHEN $3 THEN d.body::text END\n"
	" FROM documents AS d JOIN (SELECT name, lang, max(version) AS v FROM documents\n"
	"  WHERE ($1::bigint = 0 OR version <= $1) AND ($2::text IS NULL OR name = $2) GROUP BY name, lang) AS m\n"
	" ON d.name = m.name AND d.lang = m.lang AND d.version = m.v\n"
	" ORDER BY d.name COLLATE \"C\", d.lang COLLATE \"C\"";

int hh_db_docs_at(struct hh_db *db, long long as_of, const char *name, int with_body, struct hh_docs *out, char *err,
		  size_t errlen)
{
	struct run r;
	char v[24];
	run_init(&r, db, err, errlen);
	memset(out, 0, sizeof(*out));
	snprintf(r.what, sizeof(r.what), "reading documents");
	const char *params[] = {num(v, as_of), name, with_body ? "t" : "f"};
	PGresult *res = hh_db_exec(&r.x, docs_at_sql, 3, params, PGRES_TUPLES_OK, NULL);
	if (res == NULL)
		return r.x.rc;
	out->v = xcalloc((size_t)PQntuples(res) + 1, sizeof(*out->v));
	for (int i = 0; i < PQntuples(res); i++) {
		struct hh_doc *d = &out->v[out->n++];
		doc_row(res, i, d);
		d->body = PQgetisnull(res, i, 4) ? NULL : xstrdup(PQgetvalue(res, i, 4));
	}
	PQclear(res);
	return 0;
}

int hh_db_version_new(struct hh_db *db, const char *author, const char *message, const char *action, long long *version,
		      char *err, size_t errlen)
{
	struct run r;
	run_init(&r, db, err, errlen);
	snprintf(r.what, sizeof(r.what), "content_versions");
	const char *params[] = {author, message != NULL ? message : "", action};
	PGresult *res =
		hh_db_exec(&r.x,
			   "INSERT INTO content_versions (version, author, message, action)\n"
			   " SELECT coalesce(max(version), 0) + 1, $1, $2, $3 FROM content_versions RETURNING version",
			   3, params, PGRES_TUPLES_OK, NULL);
	if (res == NULL)
		return -1;
	int rc = PQntuples(res) == 1 ? hh_parse_int(PQgetvalue(res, 0, 0), 1, INT64_MAX, version) : -1;
	PQclear(res);
	return rc;
}

int hh_db_doc_write(struct hh_db *db, long long version, const struct hh_doc *d, char *err, size_t errlen)
{
	char v[24], what[192];
	snprintf(what, sizeof(what), "%s (%s)", d->name, d->lang);
	const char *params[] = {num(v, version), d->name, d->lang, d->body != NULL ? d->checksum : NULL, d->body};
	return command(db, what,
		       "INSERT INTO documents (version, name, lang, kind, checksum, body, translates)\n"
		       " VALUES ($1, $2, $3, split_part($2, '/', 1), $4, $5::json, CASE WHEN $3 <> 'en' THEN\n"
		       "  (SELECT max(e.version) FROM documents AS e WHERE e.name = $2 AND e.lang = 'en') END)",
		       5, params, err, errlen);
}

int hh_db_notify(struct hh_db *db, long long version, char *err, size_t errlen)
{
	char v[24];
	const char *params[] = {HH_DB_CONTENT_CHANNEL, num(v, version)};
	return command(db, "notify", "SELECT pg_notify($1, $2)", 2, params, err, errlen);
}

/* ------------------------------------------------------------ checked files */

void hh_db_checks_free(struct hh_db_checks *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].path);
		free(c->v[i].file_checksum);
		free(c->v[i].checksum);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

int hh_db_checks_read(struct hh_db *db, const char *checker, struct hh_db_checks *out, char *err, size_t errlen)
{
	struct run r;
	run_init(&r, db, err, errlen);
	memset(out, 0, sizeof(*out));
	snprintf(r.what, sizeof(r.what), "file_checks");
	int present = table_exists(&r, "file_checks");
	if (present <= 0)
		return present;
	const char *params[] = {checker};
	PGresult *res = hh_db_exec(&r.x,
				   "SELECT path, file_checksum, checksum FROM file_checks WHERE checker = $1\n"
				   " ORDER BY path COLLATE \"C\", file_checksum COLLATE \"C\"",
				   1, params, PGRES_TUPLES_OK, NULL);
	if (res == NULL)
		return -1;
	out->v = xcalloc((size_t)PQntuples(res) + 1, sizeof(*out->v));
	for (int i = 0; i < PQntuples(res); i++)
		out->v[out->n++] = (struct hh_db_check){xstrdup(PQgetvalue(res, i, 0)), xstrdup(PQgetvalue(res, i, 1)),
							xstrdup(PQgetvalue(res, i, 2))};
	PQclear(res);
	return 0;
}

int hh_db_checks_write(struct hh_db *db, const char *checker, const struct hh_db_check *v, size_t n, char *err,
		       size_t errlen)
{
	if (n == 0)
		return 0;
	/* the rows as one JSON parameter, [{"p":path,"f":file checksum,"c":checksum}...]: no SQL quoting of our own */
	struct hh_strbuf b;
	hh_strbuf_init(&b, n * 160);
	for (size_t i = 0; i < n; i++) {
		hh_strbuf_puts(&b, i ? ",{\"p\":" : "[{\"p\":");
		hh_strbuf_append_json_str(&b, v[i].path);
		hh_strbuf_puts(&b, ",\"f\":");
		hh_strbuf_append_json_str(&b, v[i].file_checksum);
		hh_strbuf_puts(&b, ",\"c\":");
		hh_strbuf_append_json_str(&b, v[i].checksum);
		hh_strbuf_puts(&b, "}");
	}
	hh_strbuf_puts(&b, "]");
	const char *params[] = {checker, b.s};
	int rc = command(db, "file_checks",
			 "INSERT INTO file_checks (checker, path, file_checksum, checksum)\n"
			 " SELECT $1, p, f, c FROM json_to_recordset($2::json) AS t (p text, f text, c text)\n"
			 " ON CONFLICT DO NOTHING",
			 2, params, err, errlen);
	hh_strbuf_free(&b);
	return rc;
}

/* ------------------------------------------------------------ upgrade */

int hh_db_upgrade_sums(struct hh_db *db, struct hh_db_sums *out, long long *version, char *err, size_t errlen)
{
	struct run r;
	run_init(&r, db, err, errlen);
	memset(out, 0, sizeof(*out));
	*version = 0;
	snprintf(r.what, sizeof(r.what), "legacy_files");
	int present = table_exists(&r, "legacy_files");
	if (present <= 0)
		return present;
	PGresult *res = hh_db_exec(
		&r.x,
		"SELECT l.path, l.checksum, (SELECT max(version) FROM content_versions) FROM legacy_files AS l\n"
		" WHERE NOT EXISTS (SELECT 1 FROM documents) ORDER BY l.path COLLATE \"C\"",
		0, NULL, PGRES_TUPLES_OK, NULL);
	if (res == NULL)
		return -1;
	int rows = PQntuples(res);
	out->v = xcalloc((size_t)rows + 1, sizeof(*out->v));
	for (int i = 0; i < rows; i++)
		out->v[out->n++] =
			(struct hh_plan_item){xstrdup(PQgetvalue(res, i, 0)), xstrdup(PQgetvalue(res, i, 1))};
	*version = rows > 0 ? hh_db_int(res, 0, 2) : 0;
	PQclear(res);
	return 0;
}

int hh_db_upgrade_done(struct hh_db *db, char *err, size_t errlen)
{
	return command(db, "legacy_files", "DROP TABLE IF EXISTS legacy_files", 0, NULL, err, errlen);
}

/* ------------------------------------------------------------ history */

void hh_db_versions_free(struct hh_db_versions *v)
{
	for (size_t i = 0; i < v->n; i++) {
		free(v->v[i].author);
		free(v->v[i].message);
		free(v->v[i].action);
		free(v->v[i].db_role);
		free(v->v[i].changed);
		free(v->v[i].translated);
	}
	free(v->v);
	memset(v, 0, sizeof(*v));
}

int hh_db_history(struct hh_db *db, const char *name, const char *lang, long long limit, struct hh_db_versions *out,
		  char *err, size_t errlen)
{
	struct run r;
	char lim[24];
	run_init(&r, db, err, errlen);
	memset(out, 0, sizeof(*out));
	snprintf(r.what, sizeof(r.what), "history");
	const char *params[] = {name, lang, limit > 0 ? num(lim, limit) : NULL};
	PGresult *res = hh_db_exec(
		&r.x,
		"SELECT v.version, to_char(v.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),\n"
		" v.author, v.message, v.action, v.db_role,\n"
		" coalesce((SELECT string_agg(d.name || CASE WHEN d.body IS NULL THEN ' removed' ELSE '' END, ', '\n"
		"   ORDER BY d.name) FROM documents AS d WHERE d.version = v.version AND d.lang = 'en'), ''),\n"
		" coalesce((SELECT string_agg(d.name || ' (' || d.lang || ')' || CASE WHEN d.body IS NULL THEN ' "
		"removed'\n"
		"   ELSE '' END, ', ' ORDER BY d.lang, d.name) FROM documents AS d WHERE d.version = v.version\n"
		"   AND d.lang <> 'en'), '')\n"
		" FROM content_versions AS v\n"
		" WHERE $1::text IS NULL OR EXISTS (SELECT 1 FROM documents AS d WHERE d.version = v.version\n"
		"  AND d.name = $1 AND ($2::text IS NULL OR d.lang = $2))\n"
		" ORDER BY v.version DESC LIMIT $3::bigint",
		3, params, PGRES_TUPLES_OK, NULL);
	if (res == NULL)
		return r.x.rc;
	out->v = xcalloc((size_t)PQntuples(res) + 1, sizeof(*out->v));
	for (int i = 0; i < PQntuples(res); i++) {
		struct hh_db_version *v = &out->v[out->n++];
		v->version = hh_db_int(res, i, 0);
		snprintf(v->created_at, sizeof(v->created_at), "%s", PQgetvalue(res, i, 1));
		v->author = xstrdup(PQgetvalue(res, i, 2));
		v->message = xstrdup(PQgetvalue(res, i, 3));
		v->action = xstrdup(PQgetvalue(res, i, 4));
		v->db_role = xstrdup(PQgetvalue(res, i, 5));
		v->changed = xstrdup(PQgetvalue(res, i, 6));
		v->translated = xstrdup(PQgetvalue(res, i, 7));
	}
	PQclear(res);
	return 0;
}

int hh_db_version_at(struct hh_db *db, const char *date, long long *version, char *err, size_t errlen)
{
	struct run r;
	run_init(&r, db, err, errlen);
	*version = 0;
	snprintf(r.what, sizeof(r.what), "the version at %s", date);
	const char *params[] = {date};
	PGresult *res = hh_db_exec(
		&r.x, "SELECT coalesce(max(version), 0) FROM content_versions WHERE created_at <= $1::timestamptz", 1,
		params, PGRES_TUPLES_OK, NULL);
	if (res == NULL)
		return -1;
	int rc = hh_parse_int(PQgetvalue(res, 0, 0), 0, INT64_MAX, version);
	PQclear(res);
	return rc;
}

/* ------------------------------------------------------------ sign-off */

/* The latest sign-off record of each text, as of now: approve or revoke. */
#define SIGNOFF_STATE                                                                                          \
	"WITH st AS (SELECT DISTINCT ON (name, lang, checksum) name, lang, checksum, action, role, by_name,\n" \
	"  created_at FROM signoffs ORDER BY name, lang, checksum, id DESC)\n"

int hh_db_signoff(struct hh_db *db, const struct hh_db_signoff *s, long long *made_in, long long *doc_version,
		  char *err, size_t errlen)
{
	struct run r;
	char v[24];
	run_init(&r, db, err, errlen);
	snprintf(r.what, sizeof(r.what), "%s %s@%lld", s->action, s->name, s->version);
	if (begin_locked(&r) < 0)
		return -1;
	/* the document the entity had at that version, and whether that text is signed off now */
	const char *find[] = {s->name, s->lang, num(v, s->version)};
	PGresult *res = hh_db_exec(
		&r.x,
		SIGNOFF_STATE "SELECT d.version, d.checksum, coalesce(st.action, '') FROM documents AS d\n"
			      " LEFT JOIN st ON st.name = d.name AND st.lang = d.lang AND st.checksum = d.checksum\n"
			      " WHERE d.name = $1 AND d.lang = $2 AND d.version <= $3::bigint\n"
			      " ORDER BY d.version DESC LIMIT 1",
		3, find, PGRES_TUPLES_OK, NULL);
	int rc = -1;
	char sum[65] = "", state[16] = "";
	if (res != NULL && PQntuples(res) == 1 && !PQgetisnull(res, 0, 1)) {
		*doc_version = hh_db_int(res, 0, 0);
		snprintf(sum, sizeof(sum), "%s", PQgetvalue(res, 0, 1));
		snprintf(state, sizeof(state), "%s", PQgetvalue(res, 0, 2));
		rc = 0;
	} else if (res != NULL) {
		hh_db_set_err(&r.x, r.what,
			      "no such text: that entity had no document at that version (healthhub history)");
	}
	PQclear(res);
	if (rc == 0 && strcmp(s->action, "revoke") == 0 && strcmp(state, "approve") != 0) {
		hh_db_set_err(&r.x, r.what, "that text is not signed off: nothing to revoke");
		rc = -1;
	}
	if (rc == 0 && strcmp(s->action, "approve") == 0 && strcmp(state, "approve") == 0) {
		hh_db_set_err(&r.x, r.what, "that text is already signed off");
		rc = -1;
	}
	if (rc == 0)
		rc = hh_db_version_new(db, s->by, s->note, s->action, made_in, err, errlen);
	char m[24], dv[24];
	const char *ins[] = {num(m, *made_in),
			     s->name,
			     s->lang,
			     num(dv, *doc_version),
			     sum,
			     s->action,
			     s->by,
			     s->role != NULL ? s->role : "",
			     s->note != NULL ? s->note : ""};
	if (rc == 0)
		rc = q_exec(
			&r,
			"INSERT INTO signoffs (made_in, name, lang, version, checksum, action, by_name, role, note)\n"
			" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
			9, ins);
	if (rc == 0)
		rc = hh_db_notify(db, *made_in, err, errlen);
	if (rc == 0)
		rc = q_exec(&r, "COMMIT", 0, NULL);
	if (rc < 0)
		hh_db_rollback_quietly(&r.x);
	return rc;
}

int hh_db_pending(struct hh_db *db, struct hh_docs *out, char *err, size_t errlen)
{
	struct run r;
	run_init(&r, db, err, errlen);
	memset(out, 0, sizeof(*out));
	snprintf(r.what, sizeof(r.what), "pending");
	PGresult *res = hh_db_exec(
		&r.x,
		SIGNOFF_STATE "SELECT d.name, d.lang, d.version, d.checksum FROM documents AS d\n"
			      " JOIN (SELECT name, lang, max(version) AS v FROM documents GROUP BY name, lang) AS m\n"
			      "  ON d.name = m.name AND d.lang = m.lang AND d.version = m.v\n"
			      " LEFT JOIN st ON st.name = d.name AND st.lang = d.lang AND st.checksum = d.checksum\n"
			      " WHERE d.body IS NOT NULL AND coalesce(st.action, '') <> 'approve'\n"
			      " ORDER BY d.lang <> 'en', d.lang, d.name COLLATE \"C\"",
		0, NULL, PGRES_TUPLES_OK, NULL);
	if (res == NULL)
		return r.x.rc;
	out->v = xcalloc((size_t)PQntuples(res) + 1, sizeof(*out->v));
	for (int i = 0; i < PQntuples(res); i++)
		doc_row(res, i, &out->v[out->n++]);
	PQclear(res);
	return 0;
}
