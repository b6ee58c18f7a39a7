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
	char version[24]; /* the content version being written, as text: rows record it in changed_in */
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

/* A range's bounds as parameters: NULL when the range is not given. */
static const char *range_min(char buf[24], const struct hh_range *r)
{
	return r->given ? num(buf, r->min) : NULL;
}

static const char *range_max(char buf[24], const struct hh_range *r)
{
	return r->given ? num(buf, r->max) : NULL;
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
	[HH_PLAN_TRANSLATION] = ("SELECT path, checksum FROM (SELECT path, checksum FROM translations UNION ALL"
				 " SELECT path, checksum FROM phrases) AS t ORDER BY path COLLATE \"C\""),
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

int hh_db_migrate_sums(struct hh_db *db, enum hh_plan_kind kind, int missing_ok, struct hh_db_sums *out, char *err,
		       size_t errlen)
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
		out->v[out->n++] =
			(struct hh_plan_item){xstrdup(PQgetvalue(res, i, 0)), xstrdup(PQgetvalue(res, i, 1))};
	PQclear(res);
	return 0;
}

int hh_db_migrate_state(struct hh_db *db, long long *version, char *updated, size_t updated_len, char *err,
			size_t errlen)
{
	struct run r;
	run_init(&r, db, err, errlen);
	snprintf(r.what, sizeof(r.what), "content_state");
	PGresult *res =
		hh_db_exec(&r.x, "SELECT version, updated_at FROM content_state", 0, NULL, PGRES_TUPLES_OK, NULL);
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
#define BUMP_IF_CHANGED                                                                        \
	" version = t.version + CASE WHEN t.checksum = EXCLUDED.checksum THEN 0 ELSE 1 END,\n" \
	" updated_at = CASE WHEN t.checksum = EXCLUDED.checksum THEN t.updated_at ELSE now() END"

static int write_remedy(struct run *r, const struct hh_remedy *m)
{
	snprintf(r->what, sizeof(r->what), "remedies/%s.json", m->slug);
	const char *params[] = {m->slug, m->name, m->summary, m->description, m->checksum, r->version};
	if (q_exec(r,
		   "INSERT INTO remedies AS t (slug, name, summary, description, checksum, changed_in)\n"
		   " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (slug) DO UPDATE SET\n"
		   " name = EXCLUDED.name, summary = EXCLUDED.summary,\n"
		   " description = EXCLUDED.description, checksum = EXCLUDED.checksum,\n"
		   " changed_in = EXCLUDED.changed_in,\n" BUMP_IF_CHANGED,
		   6, params) < 0)
		return -1;
	if (write_strv(r, "INSERT INTO remedy_steps (remedy_slug, ordinal, step) VALUES ($1, $2, $3)", m->slug,
		       &m->steps) < 0)
		return -1;
	return write_refs(r,
			  "INSERT INTO remedy_references (remedy_slug, ordinal, title, url)"
			  " VALUES ($1, $2, $3, $4)",
			  m->slug, &m->references);
}

static int write_cause(struct run *r, const struct hh_cause *c)
{
	char pos[96], reg[96];
	snprintf(r->what, sizeof(r->what), "causes/%s.json", c->slug);
	mask_literal(c->positions, HH_POSITION_COUNT, hh_position_name, pos, sizeof(pos));
	mask_literal(c->regions, HH_REGION_COUNT, hh_region_name, reg, sizeof(reg));
	const char *params[] = {c->slug, c->name,          c->summary,  c->description, pos,
				reg,     c->see_doctor_if, c->checksum, r->version};
	if (q_exec(r,
		   "INSERT INTO causes AS t (slug, name, summary, description, positions, regions,\n"
		   " see_doctor_if, checksum, changed_in) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)\n"
		   " ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, summary = EXCLUDED.summary,\n"
		   " description = EXCLUDED.description, positions = EXCLUDED.positions,\n"
		   " regions = EXCLUDED.regions, see_doctor_if = EXCLUDED.see_doctor_if,\n"
		   " checksum = EXCLUDED.checksum, changed_in = EXCLUDED.changed_in,\n" BUMP_IF_CHANGED,
		   9, params) < 0)
		return -1;
	if (write_strv(r, "INSERT INTO cause_remedies (cause_slug, ordinal, remedy_slug) VALUES ($1, $2, $3)", c->slug,
		       &c->remedies) < 0)
		return -1;
	return write_refs(r,
			  "INSERT INTO cause_references (cause_slug, ordinal, title, url)"
			  " VALUES ($1, $2, $3, $4)",
			  c->slug, &c->references);
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
	    write_strv(r, "INSERT INTO article_causes (article_slug, ordinal, cause_slug) VALUES ($1, $2, $3)", a->slug,
		       &a->causes) < 0 ||
	    write_strv(r, "INSERT INTO article_remedies (article_slug, ordinal, remedy_slug) VALUES ($1, $2, $3)",
		       a->slug, &a->remedies) < 0)
		return -1;
	return write_refs(r,
			  "INSERT INTO article_references (article_slug, ordinal, title, url)"
			  " VALUES ($1, $2, $3, $4)",
			  a->slug, &a->references);
}

static int write_article(struct run *r, const struct hh_article *a)
{
	char pos[96], reg[96];
	snprintf(r->what, sizeof(r->what), "articles/%s.json", a->slug);
	mask_literal(a->positions, HH_POSITION_COUNT, hh_position_name, pos, sizeof(pos));
	mask_literal(a->regions, HH_REGION_COUNT, hh_region_name, reg, sizeof(reg));
	const char *params[] = {a->slug,        a->title,           a->summary,  pos,       reg,
				a->reviewed_at, a->next_review_due, a->checksum, r->version};
	if (q_exec(r,
		   "INSERT INTO articles AS t (slug, title, summary, positions, regions, reviewed_at,\n"
		   " next_review_due, checksum, changed_in) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)\n"
		   " ON CONFLICT (slug) DO UPDATE SET title = EXCLUDED.title, summary = EXCLUDED.summary,\n"
		   " positions = EXCLUDED.positions, regions = EXCLUDED.regions,\n"
		   " reviewed_at = EXCLUDED.reviewed_at, next_review_due = EXCLUDED.next_review_due,\n"
		   " checksum = EXCLUDED.checksum, changed_in = EXCLUDED.changed_in,\n" BUMP_IF_CHANGED,
		   9, params) < 0)
		return -1;
	return write_article_lists(r, a);
}

static int write_weights(struct run *r, const struct hh_symptom *y)
{
	for (size_t i = 0; i < y->n_weights; i++) {
		char ord[24], w[24];
		const char *params[] = {y->code, num(ord, (long long)i), y->weights[i].cause,
					num(w, y->weights[i].weight)};
		if (q_exec(r, "INSERT INTO symptom_weights (code, ordinal, cause_slug, weight) VALUES ($1, $2, $3, $4)",
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
		char ord[24], lo[24], hi[24];
		const char *params[] = {y->code,
					y->question,
					hh_category_name(y->category),
					hh_level_name(y->level),
					y->message,
					y->source.title,
					y->source.url,
					num(ord, (long long)i),
					p->symptom_sums[i],
					range_min(lo, &y->ages),
					range_max(hi, &y->ages)};
		if (q_exec(r,
			   "INSERT INTO symptoms (code, question, category, level, message, source_title,\n"
			   " source_url, ordinal, checksum, age_min, age_max)\n"
			   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
			   11, params) < 0 ||
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
		int number = u->kind == HH_RULE_NUMBER;
		char ord[24], min[24], max[24];
		const char *params[] = {u->code,
					number ? hh_rule_field_name(u->field) : NULL,
					number ? num(min, u->min) : NULL,
					number ? num(max, u->max) : NULL,
					hh_level_name(u->level),
					u->message,
					u->source.title,
					u->source.url,
					num(ord, (long long)i),
					p->rule_sums[i],
					number ? NULL : hh_level_name(u->unknown_level)};
		if (q_exec(r,
			   "INSERT INTO triage_rules (code, field, min, max, level, message, source_title,\n"
			   " source_url, ordinal, checksum, unknown_level)\n"
			   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
			   11, params) < 0)
			return -1;
	}
	return 0;
}

static int write_policy(struct run *r, const struct hh_db_content_write *p)
{
	const struct hh_policy *pol = &p->c->policy;
	char mc[24], mr[24];
	snprintf(r->what, sizeof(r->what), "triage/policy.json");
	const char *params[] = {pol->disclaimer,
				pol->advice[HH_LEVEL_SELF_CARE],
				pol->advice[HH_LEVEL_SEE_DOCTOR],
				pol->advice[HH_LEVEL_URGENT],
				pol->advice[HH_LEVEL_EMERGENCY],
				num(mc, pol->max_causes),
				num(mr, pol->max_remedies),
				p->policy_sum};
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
		char ord[24], a0[24], a1[24], d0[24], d1[24];
		const char *params[] = {k->code,
					hh_level_name(k->level),
					k->message,
					k->source.title,
					k->source.url,
					num(ord, (long long)i),
					k->checksum,
					range_min(a0, &k->age),
					range_max(a1, &k->age),
					range_min(d0, &k->duration_days),
					range_max(d1, &k->duration_days),
					k->route};
		if (q_exec(r,
			   "INSERT INTO triage_combinations (code, level, message, source_title, source_url,\n"
			   " ordinal, checksum, age_min, age_max, duration_min, duration_max, route)\n"
			   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
			   12, params) < 0 ||
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
		int multiple = q->type != HH_QUESTION_INTEGER;
		char ord[24], lo[24], hi[24];
		const char *covers =
			q->covers == HH_QUESTION_PATTERNS ? "pattern" : hh_level_name((enum hh_level)q->covers);
		const char *params[] = {q->id,
					num(ord, (long long)i),
					hh_question_type_name(q->type),
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
/* -------------------------------------------------- writing what changed */

/*
 * A migrate writes only what its plan says changed (issue 12): an entity
 * whose checksum is unchanged is not touched, so PostgreSQL's work (row
 * versions, tsvector recomputation, index entries, WAL) is bounded by the
 * change, not by the library. Lists owned by an entity are rewritten whole
 * when the entity changed: simpler than diffing ordered lists, and bounded
 * by that entity.
 */

static int is_written(const struct hh_plan_entry *e, enum hh_plan_kind kind)
{
	return e->kind == kind && (e->state == HH_PLAN_ADDED || e->state == HH_PLAN_CHANGED);
}

/* Did any triage file change? The triage rows are few and ordered across files: rewritten together. */
static int triage_changed(const struct hh_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++)
		if (plan->v[i].kind == HH_PLAN_FILE && plan->v[i].state != HH_PLAN_SAME &&
		    strncmp(plan->v[i].key, "triage/", 7) == 0)
			return 1;
	return 0;
}

static int clear_triage(struct run *r)
{
	static const char *const sql[] = {
		"DELETE FROM symptom_weights",
		"DELETE FROM symptoms",
		"DELETE FROM triage_rules",
		"DELETE FROM triage_policy",
	};
	/* the combination parts and interview items reference the symptoms: they go first */
	if (clear_combinations(r) < 0 || clear_interview(r) < 0)
		return -1;
	snprintf(r->what, sizeof(r->what), "clearing the triage rows");
	for (size_t i = 0; i < HH_ARRAY_LEN(sql); i++)
		if (q_exec(r, sql[i], 0, NULL) < 0)
			return -1;
	return 0;
}

/* The rows each kind owns or links from, deleted before a changed entity is rewritten (one round trip). */
static const char *const clear_children_sql[HH_PLAN_KIND_COUNT] = {
	[HH_PLAN_ARTICLE] = "WITH n AS (DELETE FROM article_alternate_names WHERE article_slug = $1),\n"
			    " s AS (DELETE FROM article_sections WHERE article_slug = $1),\n"
			    " c AS (DELETE FROM article_causes WHERE article_slug = $1),\n"
			    " m AS (DELETE FROM article_remedies WHERE article_slug = $1)\n"
			    "DELETE FROM article_references WHERE article_slug = $1",
	[HH_PLAN_CAUSE] = "WITH m AS (DELETE FROM cause_remedies WHERE cause_slug = $1)\n"
			  "DELETE FROM cause_references WHERE cause_slug = $1",
	[HH_PLAN_REMEDY] = "WITH s AS (DELETE FROM remedy_steps WHERE remedy_slug = $1)\n"
			   "DELETE FROM remedy_references WHERE remedy_slug = $1",
};

static const char *const delete_sql[HH_PLAN_KIND_COUNT] = {
	[HH_PLAN_ARTICLE] = "DELETE FROM articles WHERE slug = $1",
	[HH_PLAN_CAUSE] = "DELETE FROM causes WHERE slug = $1",
	[HH_PLAN_REMEDY] = "DELETE FROM remedies WHERE slug = $1",
};

/*
 * First the links out of changed entities, then the removed entities: a
 * removed cause may still be named by the old rows of an article that
 * changed to stop naming it, and links never cascade.
 */
static int clear_changed(struct run *r, const struct hh_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++) {
		const struct hh_plan_entry *e = &plan->v[i];
		if (e->state != HH_PLAN_CHANGED || clear_children_sql[e->kind] == NULL)
			continue;
		const char *params[] = {e->key};
		snprintf(r->what, sizeof(r->what), "%s %s (changed)", hh_plan_kind_name(e->kind), e->key);
		if (q_exec(r, clear_children_sql[e->kind], 1, params) < 0)
			return -1;
	}
	return 0;
}

/* Deletes the removed entities; 0003's trigger records them, so servers drop them without reading everything. */
static int delete_removed(struct run *r, const struct hh_plan *plan)
{
	static const enum hh_plan_kind order[] = {HH_PLAN_ARTICLE, HH_PLAN_CAUSE, HH_PLAN_REMEDY};
	for (size_t k = 0; k < HH_ARRAY_LEN(order); k++)
		for (size_t i = 0; i < plan->n; i++) {
			const struct hh_plan_entry *e = &plan->v[i];
			if (e->kind != order[k] || e->state != HH_PLAN_REMOVED)
				continue;
			const char *params[] = {e->key};
			snprintf(r->what, sizeof(r->what), "%s %s (removed)", hh_plan_kind_name(e->kind), e->key);
			if (q_exec(r, delete_sql[e->kind], 1, params) < 0)
				return -1;
		}
	return 0;
}

/* Remedies before causes before articles: each links only to earlier ones. */
static int write_changed(struct run *r, const struct hh_content *c, const struct hh_plan *plan)
{
	static const enum hh_plan_kind order[] = {HH_PLAN_REMEDY, HH_PLAN_CAUSE, HH_PLAN_ARTICLE};
	for (size_t k = 0; k < HH_ARRAY_LEN(order); k++)
		for (size_t i = 0; i < plan->n; i++) {
			const struct hh_plan_entry *e = &plan->v[i];
			int rc = 0;
			if (!is_written(e, order[k]))
				continue;
			if (e->kind == HH_PLAN_REMEDY)
				rc = hh_content_remedy(c, e->key) ? write_remedy(r, hh_content_remedy(c, e->key)) : -1;
			else if (e->kind == HH_PLAN_CAUSE)
				rc = hh_content_cause(c, e->key) ? write_cause(r, hh_content_cause(c, e->key)) : -1;
			else
				rc = hh_content_article(c, e->key) ? write_article(r, hh_content_article(c, e->key))
								   : -1;
			if (rc < 0)
				return -1;
		}
	/* a slug written again is no longer removed */
	snprintf(r->what, sizeof(r->what), "content_removed");
	const char *params[] = {r->version};
	return q_exec(r,
		      "DELETE FROM content_removed AS d WHERE\n"
		      " (d.kind = 'article' AND d.slug IN (SELECT slug FROM articles WHERE changed_in = $1)) OR\n"
		      " (d.kind = 'cause' AND d.slug IN (SELECT slug FROM causes WHERE changed_in = $1)) OR\n"
		      " (d.kind = 'remedy' AND d.slug IN (SELECT slug FROM remedies WHERE changed_in = $1))",
		      1, params);
}

/* Recomputes the search vector of the written articles only (0003's article_search_refresh(text[])). */
static int refresh_search(struct run *r, const struct hh_plan *plan)
{
	size_t cap = 64, used = 0;
	char *arr = xmalloc(cap);
	arr[used++] = '{';
	for (size_t i = 0; i < plan->n; i++) {
		if (!is_written(&plan->v[i], HH_PLAN_ARTICLE))
			continue;
		size_t n = strlen(plan->v[i].key);
		if (used + n + 3 > cap) {
			cap = (used + n + 3) * 2;
			arr = xrealloc(arr, cap);
		}
		if (used > 1)
			arr[used++] = ',';
		memcpy(arr + used, plan->v[i].key, n); /* slugs are kebab-case: no quoting needed */
		used += n;
	}
	arr[used++] = '}';
	arr[used] = '\0';
	int rc = 0;
	if (used > 2) {
		const char *params[] = {arr};
		snprintf(r->what, sizeof(r->what), "article search index");
		rc = q_exec(r, "SELECT article_search_refresh($1::text[])", 1, params);
	}
	free(arr);
	return rc;
}

static int write_files(struct run *r, const struct hh_db_content_write *p)
{
	snprintf(r->what, sizeof(r->what), "content_files");
	for (size_t i = 0; i < p->plan->n; i++) {
		const struct hh_plan_entry *e = &p->plan->v[i];
		if (e->kind != HH_PLAN_FILE || e->state == HH_PLAN_SAME)
			continue;
		const char *params[] = {e->key, e->sum};
		int rc = e->state == HH_PLAN_REMOVED
				 ? q_exec(r, "DELETE FROM content_files WHERE path = $1", 1, params)
				 : q_exec(r,
					  "INSERT INTO content_files (path, checksum) VALUES ($1, $2)\n"
					  " ON CONFLICT (path) DO UPDATE SET checksum = EXCLUDED.checksum, loaded_at = "
					  "now()",
					  2, params);
		if (rc < 0)
			return -1;
	}
	return 0;
}

#define ANALYZE_SHARE 50 /* analyze a kind when at least 1/50 (2%) of its rows changed */

/* The tables each kind's rows live in: what ANALYZE refreshes when the kind changed. */
static const char *const kind_tables[HH_PLAN_KIND_COUNT] = {
	[HH_PLAN_ARTICLE] = "articles, article_alternate_names, article_sections, article_causes,"
			    " article_remedies, article_references",
	[HH_PLAN_CAUSE] = "causes, cause_remedies, cause_references",
	[HH_PLAN_REMEDY] = "remedies, remedy_steps, remedy_references",
	[HH_PLAN_SYMPTOM] = "symptoms, symptom_weights",
	[HH_PLAN_RULE] = "triage_rules",
};

/*
 * Statistics for what changed, in the same transaction (ANALYZE, unlike
 * VACUUM, may run in one): right after a bulk load the planner otherwise
 * guesses, prefers a sequential scan over TOASTed tsvectors and search
 * slows tenfold (FIELD-NOTES). ANALYZE samples at most 30,000 rows a table,
 * so its cost is bounded whatever the library's size.
 */
static int analyze_changed(struct run *r, const struct hh_plan *plan)
{
	for (int k = 0; k < HH_PLAN_KIND_COUNT; k++) {
		size_t changed = hh_plan_changes(plan, HH_PLAN_MASK(k));
		size_t all = changed + hh_plan_count(plan, HH_PLAN_MASK(k), HH_PLAN_SAME);
		/*
		 * A change of ANALYZE_SHARE or more of a kind's rows (a first load
		 * is all of them): a few edits do not move the statistics, and
		 * analyzing 5,000 TOASTed tsvectors was a quarter of a one-article
		 * migrate; autovacuum still counts them towards its own threshold.
		 */
		if (kind_tables[k] == NULL || changed == 0 || changed * ANALYZE_SHARE < all)
			continue;
		char sql[256];
		snprintf(sql, sizeof(sql), "ANALYZE %s", kind_tables[k]);
		snprintf(r->what, sizeof(r->what), "analyze %s", hh_plan_kind_name((enum hh_plan_kind)k));
		if (q_exec(r, sql, 0, NULL) < 0)
			return -1;
	}
	return 0;
}

/*
 * The version this migrate will publish, read before any write (the
 * advisory lock keeps other migrates out): rows record it in changed_in
 * (0003's trigger computes the same value).
 */
static int next_version(struct run *r)
{
	snprintf(r->what, sizeof(r->what), "content_state");
	PGresult *res = hh_db_exec(&r->x, "SELECT version + 1 FROM content_state", 0, NULL, PGRES_TUPLES_OK, NULL);
	if (res == NULL)
		return -1;
	long long v = 0;
	int rc = PQntuples(res) == 1 ? hh_parse_int(PQgetvalue(res, 0, 0), 1, INT64_MAX, &v) : -1;
	PQclear(res);
	if (rc < 0) {
		hh_db_set_err(&r->x, r->what, "no row");
		return -1;
	}
	num(r->version, v);
	return 0;
}

/* Bumps the content version, after the writes: their changed_in is this version. */
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
	num(r->version, *version);
	return 0;
}

/* Tells every server; takes effect at COMMIT. */
static int notify(struct run *r)
{
	const char *params[] = {HH_DB_CONTENT_CHANNEL, r->version};
	snprintf(r->what, sizeof(r->what), "notify");
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

/* A language's phrases file (0007_phrases.sql): kept whole, read back by db_load.c. */
static int write_phrases(struct run *r, const struct hh_i18n_doc *doc)
{
	const char *params[] = {doc->path, doc->body, doc->checksum};
	snprintf(r->what, sizeof(r->what), "%s", doc->path);
	return q_exec(r, "INSERT INTO phrases (path, document, checksum) VALUES ($1, $2::jsonb, $3)", 3, params);
}

static int is_phrases(const char *path)
{
	size_t n = strlen(path), k = strlen("triage/phrases.json");
	return n >= k && strcmp(path + n - k, "triage/phrases.json") == 0;
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
					    "DELETE FROM phrases", "DELETE FROM country_terms",
					    "DELETE FROM countries"};
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
			rc = is_phrases(doc->path) ? write_phrases(r, doc) : write_translation(r, doc);
		}
		if (rc < 0)
			return -1;
	}
	snprintf(r->what, sizeof(r->what), "translation search index");
	return q_exec(r, translation_search_sql, 0, NULL);
}

static int write_triage(struct run *r, const struct hh_db_content_write *w)
{
	return write_symptoms(r, w) < 0 || write_policy(r, w) < 0 || write_combinations(r, w) < 0 ||
			       write_interview(r, w->c) < 0
		       ? -1
		       : 0;
}

int hh_db_migrate_write(struct hh_db *db, const struct hh_db_content_write *w, long long *version, char *err,
			size_t errlen)
{
	struct run r;
	run_init(&r, db, err, errlen);
	int triage = triage_changed(w->plan);
	if (next_version(&r) < 0 || (triage && clear_triage(&r) < 0) || clear_changed(&r, w->plan) < 0 ||
	    delete_removed(&r, w->plan) < 0 || write_changed(&r, w->c, w->plan) < 0 ||
	    (triage && write_triage(&r, w) < 0))
		return -1;
	if (refresh_search(&r, w->plan) < 0 || write_files(&r, w) < 0 || analyze_changed(&r, w->plan) < 0)
		return -1;
	/* countries and translations: rewritten whole when one of them changed (a few dozen rows) */
	if (hh_plan_changes(w->plan, HH_PLAN_MASK(HH_PLAN_COUNTRY) | HH_PLAN_MASK(HH_PLAN_TRANSLATION)) > 0 &&
	    write_i18n(&r, w->c) < 0)
		return -1;
	return bump_version(&r, version) < 0 ? -1 : notify(&r);
}
