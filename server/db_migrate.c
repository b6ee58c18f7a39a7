/*
 * db_migrate.c - the SQL of `healthhub migrate`: the transaction and its
 * lock, reading what was applied and loaded, running migration files and
 * writing the content rows. What to do and what to print is migrate.c's.
 *
 * Every statement runs against the connection's deadline (db.c); migrate
 * connects without a statement timeout, so only a lost link ends a long
 * migration early.
 */
#include "healthhub/db_migrate.h"
#include "healthhub/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "healthhub/loader.h"

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

static const char *num(char buf[24], long long v)
{
	snprintf(buf, 24, "%lld", v);
	return buf;
}

/* ------------------------------------------------------- transaction */

int hh_db_migrate_begin(struct hh_db *db, char *err, size_t errlen)
{
	struct run r;
	const char *params[] = {MIGRATE_LOCK_KEY};
	run_init(&r, db, err, errlen);
	snprintf(r.what, sizeof(r.what), "starting the transaction");
	if (q_exec(&r, "BEGIN", 0, NULL) < 0 || q_exec(&r, "SELECT pg_advisory_xact_lock($1::bigint)", 1, params) < 0)
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
	struct run r;
	run_init(&r, db, err, errlen);
	snprintf(r.what, sizeof(r.what), "commit");
	return q_exec(&r, "COMMIT", 0, NULL);
}

void hh_db_migrate_rollback(struct hh_db *db)
{
	struct db_ctx x = {.db = db};
	hh_db_rollback_quietly(&x);
}

/* --------------------------------------------------------- checksums */

/* key, checksum of each kind, in key order; NULL for a kind the database does not record. */
static const char *const sums_sql[HH_PLAN_KIND_COUNT] = {
	[HH_PLAN_MIGRATION] = "SELECT name, checksum FROM schema_migrations ORDER BY name COLLATE \"C\"",
	[HH_PLAN_FILE] = "SELECT path, checksum FROM content_files ORDER BY path COLLATE \"C\"",
	[HH_PLAN_ARTICLE] = "SELECT slug, checksum FROM articles ORDER BY slug COLLATE \"C\"",
	[HH_PLAN_CAUSE] = "SELECT slug, checksum FROM causes ORDER BY slug COLLATE \"C\"",
	[HH_PLAN_REMEDY] = "SELECT slug, checksum FROM remedies ORDER BY slug COLLATE \"C\"",
	[HH_PLAN_SYMPTOM] = "SELECT code, checksum FROM symptoms ORDER BY code COLLATE \"C\"",
	[HH_PLAN_RULE] = "SELECT code, checksum FROM triage_rules ORDER BY code COLLATE \"C\"",
	[HH_PLAN_COMBINATION] = "SELECT code, checksum FROM triage_combinations ORDER BY code COLLATE \"C\"",
	[HH_PLAN_QUESTION] = "SELECT id, checksum FROM interview_questions ORDER BY id COLLATE \"C\"",
	[HH_PLAN_POLICY] = "SELECT 'triage/policy.json', checksum FROM triage_policy",
	[HH_PLAN_COUNTRY] = "SELECT code, checksum FROM countries ORDER BY code COLLATE \"C\"",
	[HH_PLAN_TRANSLATION] = "SELECT path, checksum FROM translations ORDER BY path COLLATE \"C\"",
};

void hh_db_sums_free(struct hh_db_sums *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free((char *)s->v[i].key);
		free((char *)s->v[i].sum);
	}
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

int hh_db_migrate_sums(struct hh_db *db, enum hh_plan_kind kind, int missing_ok, struct hh_db_sums *out,
		       char *err, size_t errlen)
{
	struct run r;
	run_init(&r, db, err, errlen);
	memset(out, 0, sizeof(*out));
	if ((unsigned)kind >= HH_PLAN_KIND_COUNT || sums_sql[kind] == NULL)
		return -1;
	snprintf(r.what, sizeof(r.what), "reading %s checksums", hh_plan_kind_name(kind));
	PGresult *res = hh_db_exec(&r.x, sums_sql[kind], 0, NULL, PGRES_TUPLES_OK, NULL);
	if (res == NULL)
		return missing_ok && r.x.rc == HH_DB_NOT_MIGRATED ? 0 : -1;
	int rows = PQntuples(res);
	out->v = xcalloc((size_t)rows + 1, sizeof(*out->v));
	for (int i = 0; i < rows; i++)
		out->v[out->n++] = (struct hh_plan_item){xstrdup(PQgetvalue(res, i, 0)), xstrdup(PQgetvalue(res, i, 1))};
	PQclear(res);
	return 0;
}

int hh_db_migrate_state(struct hh_db *db, long long *version, char *updated, size_t updated_len, char *err,
			size_t errlen)
{
	struct run r;
	run_init(&r, db, err, errlen);
	snprintf(r.what, sizeof(r.what), "content_state");
	PGresult *res = hh_db_exec(&r.x, "SELECT version, updated_at FROM content_state", 0, NULL, PGRES_TUPLES_OK,
				   NULL);
	if (res == NULL)
		return r.x.rc;
	int rc = HH_DB_NOT_MIGRATED;
	if (PQntuples(res) != 1) {
		hh_db_set_err(&r.x, r.what, "no row");
		goto out;
	}
	rc = hh_parse_int(PQgetvalue(res, 0, 0), 0, INT64_MAX, version);
	if (rc < 0)
		hh_db_set_err(&r.x, r.what, "bad version");
	if (updated != NULL)
		snprintf(updated, updated_len, "%s", PQgetvalue(res, 0, 1));
out:
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

/* ---------------------------------------------------------- writing */

static int write_strv(struct run *r, const char *sql, const char *slug, const struct hh_strv *v)
{
	for (size_t i = 0; i < v->n; i++) {
		char ord[24];
		const char *params[] = {slug, num(ord, (long long)i), v->v[i]};
		if (q_exec(r, sql, 3, params) < 0)
			return -1;
	}
	return 0;
}

static int write_refs(struct run *r, const char *sql, const char *slug, const struct hh_reference_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		char ord[24];
		const char *params[] = {slug, num(ord, (long long)i), l->v[i].title, l->v[i].url};
		if (q_exec(r, sql, 4, params) < 0)
			return -1;
	}
	return 0;
}

/* "{standing,sitting}": the array literal of a position or region mask. */
static void mask_literal(unsigned mask, int count, const char *(*name)(unsigned), char *buf, size_t len)
{
	size_t used = (size_t)snprintf(buf, len, "{");
	for (int i = 0; i < count && used < len; i++)
		if (mask & (1u << i))
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used > 1 ? "," : "", name(1u << i));
	if (used < len)
		snprintf(buf + used, len - used, "}");
}

/* Keeps version and updated_at of a row whose checksum did not change. */
#define BUMP_IF_CHANGED                                                                   \
	" version = t.version + CASE WHEN t.checksum = EXCLUDED.checksum THEN 0 ELSE 1 END,\n" \
	" updated_at = CASE WHEN t.checksum = EXCLUDED.checksum THEN t.updated_at ELSE now() END"

static int write_remedy(struct run *r, const struct hh_remedy *m)
{
	snprintf(r->what, sizeof(r->what), "remedies/%s.json", m->slug);
	const char *params[] = {m->slug, m->name, m->summary, m->description, m->checksum};
	if (q_exec(r,
		   "INSERT INTO remedies AS t (slug, name, summary, description, checksum)\n"
		   " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (slug) DO UPDATE SET\n"
		   " name = EXCLUDED.name, summary = EXCLUDED.summary,\n"
		   " description = EXCLUDED.description, checksum = EXCLUDED.checksum,\n" BUMP_IF_CHANGED,
		   5, params) < 0)
		return -1;
	if (write_strv(r, "INSERT INTO remedy_steps (remedy_slug, ordinal, step) VALUES ($1, $2, $3)", m->slug,
		       &m->steps) < 0)
		return -1;
	return write_refs(r, "INSERT INTO remedy_references (remedy_slug, ordinal, title, url)"
			     " VALUES ($1, $2, $3, $4)", m->slug, &m->references);
}

static int write_cause(struct run *r, const struct hh_cause *c)
{
	char pos[96], reg[96];
	snprintf(r->what, sizeof(r->what), "causes/%s.json", c->slug);
	mask_literal(c->positions, HH_POSITION_COUNT, hh_position_name, pos, sizeof(pos));
	mask_literal(c->regions, HH_REGION_COUNT, hh_region_name, reg, sizeof(reg));
	const char *params[] = {c->slug, c->name, c->summary, c->description, pos, reg, c->see_doctor_if,
				c->checksum};
	if (q_exec(r,
		   "INSERT INTO causes AS t (slug, name, summary, description, positions, regions,\n"
		   " see_doctor_if, checksum) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)\n"
		   " ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, summary = EXCLUDED.summary,\n"
		   " description = EXCLUDED.description, positions = EXCLUDED.positions,\n"
		   " regions = EXCLUDED.regions, see_doctor_if = EXCLUDED.see_doctor_if,\n"
		   " checksum = EXCLUDED.checksum,\n" BUMP_IF_CHANGED,
		   8, params) < 0)
		return -1;
	if (write_strv(r, "INSERT INTO cause_remedies (cause_slug, ordinal, remedy_slug) VALUES ($1, $2, $3)",
		       c->slug, &c->remedies) < 0)
		return -1;
	return write_refs(r, "INSERT INTO cause_references (cause_slug, ordinal, title, url)"
			     " VALUES ($1, $2, $3, $4)", c->slug, &c->references);
}

static int write_sections(struct run *r, const struct hh_article *a)
{
	for (size_t i = 0; i < a->n_sections; i++) {
		char ord[24];
		const struct hh_section *s = &a->sections[i];
		const char *params[] = {a->slug, num(ord, (long long)i), s->id, s->heading, s->body};
		if (q_exec(r,
			   "INSERT INTO article_sections (article_slug, ordinal, id, heading, body)"
			   " VALUES ($1, $2, $3, $4, $5)",
			   5, params) < 0)
			return -1;
	}
	return 0;
}

static int write_article_lists(struct run *r, const struct hh_article *a)
{
	if (write_strv(r, "INSERT INTO article_alternate_names (article_slug, ordinal, name) VALUES ($1, $2, $3)",
		       a->slug, &a->alternate_names) < 0 ||
	    write_sections(r, a) < 0 ||
	    write_strv(r, "INSERT INTO article_causes (article_slug, ordinal, cause_slug) VALUES ($1, $2, $3)",
		       a->slug, &a->causes) < 0 ||
	    write_strv(r, "INSERT INTO article_remedies (article_slug, ordinal, remedy_slug) VALUES ($1, $2, $3)",
		       a->slug, &a->remedies) < 0)
		return -1;
	return write_refs(r, "INSERT INTO article_references (article_slug, ordinal, title, url)"
			     " VALUES ($1, $2, $3, $4)", a->slug, &a->references);
}

static int write_article(struct run *r, const struct hh_article *a)
{
	char pos[96], reg[96];
	snprintf(r->what, sizeof(r->what), "articles/%s.json", a->slug);
	mask_literal(a->positions, HH_POSITION_COUNT, hh_position_name, pos, sizeof(pos));
	mask_literal(a->regions, HH_REGION_COUNT, hh_region_name, reg, sizeof(reg));
	const char *params[] = {a->slug, a->title, a->summary, pos, reg, a->reviewed_at, a->next_review_due,
				a->checksum};
	if (q_exec(r,
		   "INSERT INTO articles AS t (slug, title, summary, positions, regions, reviewed_at,\n"
		   " next_review_due, checksum) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)\n"
		   " ON CONFLICT (slug) DO UPDATE SET title = EXCLUDED.title, summary = EXCLUDED.summary,\n"
		   " positions = EXCLUDED.positions, regions = EXCLUDED.regions,\n"
		   " reviewed_at = EXCLUDED.reviewed_at, next_review_due = EXCLUDED.next_review_due,\n"
		   " checksum = EXCLUDED.checksum,\n" BUMP_IF_CHANGED,
		   8, params) < 0)
		return -1;
	return write_article_lists(r, a);
}

static int write_weights(struct run *r, const struct hh_symptom *y)
{
	for (size_t i = 0; i < y->n_weights; i++) {
		char ord[24], w[24];
		const char *params[] = {y->code, num(ord, (long long)i), y->weights[i].cause,
					num(w, y->weights[i].weight)};
		if (q_exec(r,
			   "INSERT INTO symptom_weights (code, ordinal, cause_slug, weight) VALUES ($1, $2, $3, $4)",
			   4, params) < 0)
			return -1;
	}
	return 0;
}

/* Ordinal is the position in the finished content, which the server re-derives stably. */
static int write_symptoms(struct run *r, const struct hh_db_content_write *p)
{
	snprintf(r->what, sizeof(r->what), "triage/symptoms.json");
	for (size_t i = 0; i < p->c->n_symptoms; i++) {
		const struct hh_symptom *y = &p->c->symptoms[i];
		char ord[24];
		const char *params[] = {y->code, y->question, hh_category_name(y->category), hh_level_name(y->level),
					y->message, y->source.title, y->source.url, num(ord, (long long)i),
					p->symptom_sums[i]};
		if (q_exec(r,
			   "INSERT INTO symptoms (code, question, category, level, message, source_title,\n"
			   " source_url, ordinal, checksum) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
			   9, params) < 0 ||
		    write_weights(r, y) < 0)
			return -1;
	}
	return 0;
}

static int write_rules(struct run *r, const struct hh_db_content_write *p)
{
	const struct hh_policy *pol = &p->c->policy;
	for (size_t i = 0; i < pol->n_rules; i++) {
		const struct hh_rule *u = &pol->rules[i];
		char ord[24], min[24], max[24];
		const char *params[] = {u->code, hh_rule_field_name(u->field), num(min, u->min), num(max, u->max),
					hh_level_name(u->level), u->message, u->source.title, u->source.url,
					num(ord, (long long)i), p->rule_sums[i]};
		if (q_exec(r,
			   "INSERT INTO triage_rules (code, field, min, max, level, message, source_title,\n"
			   " source_url, ordinal, checksum) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
			   10, params) < 0)
			return -1;
	}
	return 0;
}

static int write_policy(struct run *r, const struct hh_db_content_write *p)
{
	const struct hh_policy *pol = &p->c->policy;
	char mc[24], mr[24];
	snprintf(r->what, sizeof(r->what), "triage/policy.json");
	const char *params[] = {pol->disclaimer, pol->advice[HH_LEVEL_SELF_CARE], pol->advice[HH_LEVEL_SEE_DOCTOR],
				pol->advice[HH_LEVEL_URGENT], pol->advice[HH_LEVEL_EMERGENCY],
				num(mc, pol->max_causes), num(mr, pol->max_remedies), p->policy_sum};
	if (q_exec(r,
		   "INSERT INTO triage_policy (disclaimer, advice_self_care, advice_see_doctor,\n"
		   " advice_urgent, advice_emergency, max_causes, max_remedies, checksum)\n"
		   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
		   8, params) < 0)
		return -1;
	return write_rules(r, p);
}

/* ------------------------------------------------- combination rules */

/* One list of a combination's parts; the database holds each to a red flag (0002_combinations.sql). */
static int write_combination_parts(struct run *r, const struct hh_combination *k, const char *list,
				   const struct hh_strv *v)
{
	for (size_t i = 0; i < v->n; i++) {
		char ord[24];
		const char *params[] = {k->code, list, num(ord, (long long)i), v->v[i]};
		if (q_exec(r,
			   "INSERT INTO triage_combination_parts (combination_code, list, ordinal, code)"
			   " VALUES ($1, $2, $3, $4)",
			   4, params) < 0)
			return -1;
	}
	return 0;
}

/* After the symptoms their parts name; the checksum is the loader's (hh_sha256_json), like a rule's. */
static int write_combinations(struct run *r, const struct hh_db_content_write *p)
{
	const struct hh_policy *pol = &p->c->policy;
	snprintf(r->what, sizeof(r->what), "triage/policy.json (combinations)");
	for (size_t i = 0; i < pol->n_combinations; i++) {
		const struct hh_combination *k = &pol->combinations[i];
		char ord[24];
		const char *params[] = {k->code,       hh_level_name(k->level), k->message, k->source.title,
					k->source.url, num(ord, (long long)i),  k->checksum};
		if (q_exec(r,
			   "INSERT INTO triage_combinations (code, level, message, source_title, source_url,\n"
			   " ordinal, checksum) VALUES ($1, $2, $3, $4, $5, $6, $7)",
			   7, params) < 0 ||
		    write_combination_parts(r, k, "all_of", &k->all_of) < 0 ||
		    write_combination_parts(r, k, "any_of", &k->any_of) < 0)
			return -1;
	}
	return 0;
}

/* Before the symptoms go: the parts reference them (the parts cascade). */
static int clear_combinations(struct run *r)
{
	snprintf(r->what, sizeof(r->what), "clearing combination rules");
	return q_exec(r, "DELETE FROM triage_combinations", 0, NULL);
}

/* ------------------------------------------------- interview questions */

static int write_question_items(struct run *r, const struct hh_question *q)
{
	for (size_t i = 0; i < q->n_items; i++) {
		char ord[24];
		const char *params[] = {q->id, num(ord, (long long)i), q->items[i].code, q->items[i].text};
		if (q_exec(r, "INSERT INTO interview_items (question_id, ordinal, code, text) VALUES ($1, $2, $3, $4)",
			   4, params) < 0)
			return -1;
	}
	return 0;
}

/* After the symptoms the items name (0004_interview.sql); the checksum is the loader's. */
static int write_interview(struct run *r, const struct hh_content *c)
{
	snprintf(r->what, sizeof(r->what), "triage/interview.json");
	for (size_t i = 0; i < c->n_questions; i++) {
		const struct hh_question *q = &c->questions[i];
		int multiple = q->type == HH_QUESTION_MULTIPLE;
		char ord[24], lo[24], hi[24];
		const char *covers = q->covers == HH_QUESTION_PATTERNS ? "pattern" : hh_level_name((enum hh_level)q->covers);
		const char *params[] = {q->id,
					num(ord, (long long)i),
					multiple ? "multiple" : "integer",
					q->text,
					multiple ? covers : NULL,
					multiple ? NULL : hh_rule_field_name(q->field),
					multiple ? NULL : num(lo, q->min),
					multiple ? NULL : num(hi, q->max),
					q->checksum};
		if (q_exec(r,
			   "INSERT INTO interview_questions (id, ordinal, type, text, covers, field, min_value,\n"
			   " max_value, checksum) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
			   9, params) < 0 ||
		    write_question_items(r, q) < 0)
			return -1;
	}
	return 0;
}

/* Before the symptoms go: the items reference them (the items cascade). */
static int clear_interview(struct run *r)
{
	snprintf(r->what, sizeof(r->what), "clearing interview questions");
	return q_exec(r, "DELETE FROM interview_questions", 0, NULL);
}

/*
 * Every row that is not an article, cause or remedy goes: links and lists
 * are rewritten in full, which is simpler than diffing ordered lists.
 */
static int clear_rows(struct run *r)
{
	static const char *const tables[] = {
		"DELETE FROM article_alternate_names", "DELETE FROM article_sections",
		"DELETE FROM article_causes", "DELETE FROM article_remedies",
		"DELETE FROM article_references", "DELETE FROM cause_remedies",
		"DELETE FROM cause_references", "DELETE FROM remedy_steps",
		"DELETE FROM remedy_references", "DELETE FROM symptom_weights",
		"DELETE FROM symptoms", "DELETE FROM triage_rules",
		"DELETE FROM triage_policy", "DELETE FROM content_files",
	};
	snprintf(r->what, sizeof(r->what), "clearing content rows");
	for (size_t i = 0; i < HH_ARRAY_LEN(tables); i++)
		if (q_exec(r, tables[i], 0, NULL) < 0)
			return -1;
	return 0;
}

static int write_files(struct run *r, const struct hh_db_content_write *p)
{
	snprintf(r->what, sizeof(r->what), "content_files");
	for (size_t i = 0; i < p->files->n; i++) {
		const char *params[] = {p->files->v[i].path, p->files->v[i].checksum};
		if (q_exec(r, "INSERT INTO content_files (path, checksum) VALUES ($1, $2)", 2, params) < 0)
			return -1;
	}
	return 0;
}


/* Deletes the removed entities of kind (rows of table) that the plan lists. */
static int delete_removed(struct run *r, const struct hh_plan *plan, enum hh_plan_kind kind, const char *sql,
			  const char *dir)
{
	for (size_t i = 0; i < plan->n; i++) {
		const struct hh_plan_entry *e = &plan->v[i];
		if (e->kind != kind || e->state != HH_PLAN_REMOVED)
			continue;
		const char *params[] = {e->key};
		snprintf(r->what, sizeof(r->what), "%s/%s.json (removed)", dir, e->key);
		if (q_exec(r, sql, 1, params) < 0)
			return -1;
	}
	return 0;
}

static int write_entities(struct run *r, const struct hh_db_content_write *p)
{
	const struct hh_content *c = p->c;
	if (delete_removed(r, p->plan, HH_PLAN_ARTICLE, "DELETE FROM articles WHERE slug = $1", "articles") < 0 ||
	    delete_removed(r, p->plan, HH_PLAN_CAUSE, "DELETE FROM causes WHERE slug = $1", "causes") < 0 ||
	    delete_removed(r, p->plan, HH_PLAN_REMEDY, "DELETE FROM remedies WHERE slug = $1", "remedies") < 0)
		return -1;
	/* Remedies before causes before articles: each links only to earlier ones. */
	for (size_t i = 0; i < c->n_remedies; i++)
		if (write_remedy(r, &c->remedies[i]) < 0)
			return -1;
	for (size_t i = 0; i < c->n_causes; i++)
		if (write_cause(r, &c->causes[i]) < 0)
			return -1;
	for (size_t i = 0; i < c->n_articles; i++)
		if (write_article(r, &c->articles[i]) < 0)
			return -1;
	return 0;
}

/* Bumps the content version and tells every server; both take effect at COMMIT. */
static int bump_version(struct run *r, long long *version)
{
	snprintf(r->what, sizeof(r->what), "content_state");
	PGresult *res = hh_db_exec(&r->x,
				   "UPDATE content_state SET version = version + 1, updated_at = now()\n"
				   " RETURNING version",
				   0, NULL, PGRES_TUPLES_OK, NULL);
	if (res == NULL)
		return -1;
	int rc = PQntuples(res) == 1 ? hh_parse_int(PQgetvalue(res, 0, 0), 1, INT64_MAX, version) : -1;
	PQclear(res);
	if (rc < 0) {
		hh_db_set_err(&r->x, r->what, "no row");
		return -1;
	}
	char v[24];
	const char *params[] = {HH_DB_CONTENT_CHANNEL, num(v, *version)};
	return q_exec(r, "SELECT pg_notify($1, $2)", 2, params);
}

/* ---------------------------------------------------------------- countries and languages */

static int write_country(struct run *r, const struct hh_country *k, const struct hh_i18n_doc *doc)
{
	const char *params[] = {k->code, k->emergency_number, doc->body, k->checksum};
	snprintf(r->what, sizeof(r->what), "%s", doc->path);
	if (q_exec(r,
		   "INSERT INTO countries (code, emergency_number, document, checksum) VALUES ($1, $2, $3::jsonb, $4)",
		   4, params) < 0)
		return -1;
	for (int l = 0; l < HH_LANG_COUNT; l++)
		for (size_t i = 0; i < k->keys.n; i++) {
			const char *t[] = {k->code, hh_lang_name((enum hh_lang)l), k->keys.v[i], k->values[l][i]};
			if (q_exec(r, "INSERT INTO country_terms (country, lang, key, value) VALUES ($1, $2, $3, $4)",
				   4, t) < 0)
				return -1;
		}
	return 0;
}

static int write_translation(struct run *r, const struct hh_i18n_doc *doc)
{
	char lang[8];
	const char *slash = strchr(doc->path, '/');
	size_t n = slash != NULL ? (size_t)(slash - doc->path) : 0;
	snprintf(lang, sizeof(lang), "%.*s", (int)(n < sizeof(lang) ? n : 0), doc->path);
	const char *params[] = {doc->path, lang, doc->body, doc->checksum};
	snprintf(r->what, sizeof(r->what), "%s", doc->path);
	return q_exec(r,
		      "INSERT INTO translations (path, lang, document, translation_review, checksum)\n"
		      " VALUES ($1, $2, $3::jsonb, $3::jsonb->>'translation_review', $4)",
		      4, params);
}

/* The search text of every translated article and cause, in its language's configuration. */
static const char translation_search_sql[] =
	"INSERT INTO translation_search (lang, kind, slug, search)\n"
	" SELECT t.lang, k.kind, t.document->>'slug',\n"
	"  setweight(to_tsvector(cfg, coalesce(t.document->>'title', t.document->>'name', '') || ' ' ||\n"
	"   coalesce((SELECT string_agg(x, ' ') FROM jsonb_array_elements_text(\n"
	"    coalesce(t.document->'alternate_names', '[]')) AS x), '')), 'A') ||\n"
	"  setweight(to_tsvector(cfg, coalesce(t.document->>'summary', '')), 'B') ||\n"
	"  setweight(to_tsvector(cfg, coalesce(t.document->>'description', '') || ' ' ||\n"
	"   coalesce((SELECT string_agg((s->>'heading') || ' ' || (s->>'body'), ' ')\n"
	"    FROM jsonb_array_elements(coalesce(t.document->'sections', '[]')) AS s), '')), 'C')\n"
	" FROM translations AS t,\n"
	"  LATERAL (SELECT CASE WHEN t.path LIKE t.lang || '/articles/%' THEN 'article' ELSE 'cause' END) AS k(kind),\n"
	"  LATERAL (SELECT (CASE t.lang WHEN 'es' THEN 'spanish' ELSE 'simple' END)::regconfig) AS c(cfg)\n"
	" WHERE t.path LIKE t.lang || '/articles/%' OR t.path LIKE t.lang || '/causes/%'";

static int write_i18n(struct run *r, const struct hh_content *c)
{
	static const char *const clear[] = {"DELETE FROM translation_search", "DELETE FROM translations",
					    "DELETE FROM country_terms", "DELETE FROM countries"};
	snprintf(r->what, sizeof(r->what), "clearing countries and translations");
	for (size_t i = 0; i < HH_ARRAY_LEN(clear); i++)
		if (q_exec(r, clear[i], 0, NULL) < 0)
			return -1;
	for (size_t i = 0; i < c->n_docs; i++) {
		const struct hh_i18n_doc *doc = &c->docs[i];
		int rc = 0;
		if (strncmp(doc->path, "countries/", 10) == 0) {
			const struct hh_country *k = NULL;
			for (size_t j = 0; j < c->n_countries && k == NULL; j++)
				k = strcmp(c->countries[j].checksum, doc->checksum) == 0 ? &c->countries[j] : NULL;
			rc = k != NULL ? write_country(r, k, doc) : 0;
		} else {
			rc = write_translation(r, doc);
		}
		if (rc < 0)
			return -1;
	}
	snprintf(r->what, sizeof(r->what), "translation search index");
	return q_exec(r, translation_search_sql, 0, NULL);
}

int hh_db_migrate_write(struct hh_db *db, const struct hh_db_content_write *w, long long *version, char *err,
			size_t errlen)
{
	struct run r;
	run_init(&r, db, err, errlen);
	if (clear_combinations(&r) < 0 || clear_interview(&r) < 0)
		return -1;
	if (clear_rows(&r) < 0 || write_entities(&r, w) < 0 || write_symptoms(&r, w) < 0 || write_policy(&r, w) < 0)
		return -1;
	if (write_combinations(&r, w) < 0 || write_interview(&r, w->c) < 0)
		return -1;
	snprintf(r.what, sizeof(r.what), "article search index");
	if (q_exec(&r, "SELECT article_search_refresh()", 0, NULL) < 0 || write_files(&r, w) < 0)
		return -1;
	if (write_i18n(&r, w->c) < 0)
		return -1;
	return bump_version(&r, version);
}
