/*
 * migrate.c - `healthhub migrate` and `healthhub migrate status`.
 *
 * The order of a run is the safety argument:
 *   1. validate the content folder; invalid -> report every problem, exit 1,
 *      the database never contacted;
 *   2. BEGIN, take an advisory lock (two migrates queue, never interleave);
 *   3. refuse if an applied migration file was edited, else apply the
 *      pending ones in name order, recording each with its sha256;
 *   4. if the content files differ from the ones last loaded, replace every
 *      content row (articles, causes and remedies keep their version and
 *      updated_at when their checksum is unchanged), bump the content
 *      version and NOTIFY;
 *   5. COMMIT, or ROLLBACK on any error and on --dry-run.
 * So the database holds either the old state or the whole new one.
 */
#include "healthhub/migrate.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "healthhub/content.h"
#include "healthhub/db.h"
#include "healthhub/hash.h"
#include "healthhub/loader.h"
#include "healthhub/walk.h"

/* Any constant works as long as every migrate uses the same one. */
#define MIGRATE_LOCK_KEY "4848210101"

struct run {
	const struct hh_migrate_opts *o;
	FILE *out, *err;
	PGconn *pg;
	char what[192]; /* what is being written, named in every error */
};

struct strlist {
	char **v;
	size_t n;
};

static void strlist_add(struct strlist *l, const char *s)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = xstrdup(s);
}

static void strlist_free(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *num(char buf[24], long long v)
{
	snprintf(buf, 24, "%lld", v);
	return buf;
}

/* ------------------------------------------------------------- SQL */

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

/* One short line for the administrator: what failed, why, and detail. */
static void report_sql(struct run *r, const PGresult *res)
{
	const char *msg = res != NULL ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *detail = res != NULL ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
	if (msg == NULL)
		msg = PQerrorMessage(r->pg);
	int len = (int)strcspn(msg, "\n");
	fprintf(r->err, "healthhub migrate: %s: %.*s", r->what, len, msg);
	if (detail != NULL)
		fprintf(r->err, " (%.*s)", (int)strcspn(detail, "\n"), detail);
	fputc('\n', r->err);
}

/* A parameterised statement whose result the caller reads (and clears), or NULL. */
static PGresult *q_rows(struct run *r, const char *sql, int n, const char *const *params)
{
	PGresult *res = PQexecParams(r->pg, sql, n, NULL, params, NULL, NULL, 0);
	if (res != NULL && PQresultStatus(res) == PGRES_TUPLES_OK)
		return res;
	report_sql(r, res);
	PQclear(res);
	return NULL;
}

/* A parameterised statement run for its effect. */
static int q_exec(struct run *r, const char *sql, int n, const char *const *params)
{
	PGresult *res = PQexecParams(r->pg, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType st = res != NULL ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	int rc = 0;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		report_sql(r, res);
		rc = -1;
	}
	PQclear(res);
	return rc;
}

/* Like q_rows, but a missing table (SQLSTATE 42P01) is an empty answer: *res NULL, 0. */
static int q_rows_if_table(struct run *r, const char *sql, PGresult **res)
{
	*res = PQexecParams(r->pg, sql, 0, NULL, NULL, NULL, NULL, 0);
	if (*res != NULL && PQresultStatus(*res) == PGRES_TUPLES_OK)
		return 0;
	const char *state = *res != NULL ? PQresultErrorField(*res, PG_DIAG_SQLSTATE) : NULL;
	int missing = state != NULL && strcmp(state, "42P01") == 0;
	if (!missing)
		report_sql(r, *res);
	PQclear(*res);
	*res = NULL;
	return missing ? 0 : -1;
}

/* Column 1 of the row whose column 0 is key, or NULL. res may be NULL. */
static const char *lookup(const PGresult *res, const char *key)
{
	int rows = res != NULL ? PQntuples(res) : 0;
	for (int i = 0; i < rows; i++)
		if (strcmp(PQgetvalue(res, i, 0), key) == 0)
			return PQgetvalue(res, i, 1);
	return NULL;
}

/* ------------------------------------------------------------ files */

static int read_file(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return -1;
	size_t cap = 8192, n = 0;
	char *p = xmalloc(cap);
	for (;;) {
		if (cap - n < 4096) {
			cap *= 2;
			p = xrealloc(p, cap);
		}
		size_t got = fread(p + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(p);
		return -1;
	}
	p[n] = '\0';
	*buf = p;
	*len = n;
	return 0;
}

/* Regular *suffix files of dir, sorted by name. A missing dir is an error. */
static int list_dir(const char *dir, const char *suffix, struct strlist *names)
{
	DIR *d = opendir(dir);
	if (d == NULL)
		return -1;
	size_t sl = strlen(suffix);
	for (struct dirent *e = readdir(d); e != NULL; e = readdir(d)) {
		size_t n = strlen(e->d_name);
		if (e->d_name[0] != '.' && n > sl && strcmp(e->d_name + n - sl, suffix) == 0)
			strlist_add(names, e->d_name);
	}
	closedir(d);
	if (names->n > 1)
		qsort(names->v, names->n, sizeof(*names->v), cmp_str);
	return 0;
}

/* ------------------------------------------------------- migrations */

struct migration {
	char *name;        /* "0001_schema.sql" */
	char checksum[65]; /* sha256 of the file's bytes */
	char *sql;         /* the file, NUL-terminated */
};

struct migrations {
	struct migration *v;
	size_t n;
};

static void migrations_free(struct migrations *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].name);
		free(m->v[i].sql);
	}
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

/* NNNN_something.sql: four digits put the files in the order they must run. */
static int is_migration_name(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return s[4] == '_' && s[5] != '\0';
}

static int read_migration(const char *dir, const char *name, struct migration *m, FILE *err)
{
	char *path = xasprintf("%s/%s", dir, name);
	size_t len = 0;
	int rc = read_file(path, &m->sql, &len);
	if (rc < 0)
		fprintf(err, "healthhub migrate: %s: %s\n", path, strerror(errno));
	else if (strlen(m->sql) != len) {
		fprintf(err, "healthhub migrate: %s: contains a NUL byte\n", path);
		rc = -1;
	}
	if (rc == 0)
		hh_sha256_hex(m->sql, len, m->checksum);
	m->name = xstrdup(name);
	free(path);
	return rc;
}

static int read_migrations(const char *dir, struct migrations *m, FILE *err)
{
	struct strlist names = {0};
	int rc = 0;
	if (list_dir(dir, ".sql", &names) < 0) {
		fprintf(err, "healthhub migrate: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	m->v = xcalloc(names.n + 1, sizeof(*m->v));
	for (size_t i = 0; i < names.n && rc == 0; i++) {
		if (!is_migration_name(names.v[i]))
			continue;
		rc = read_migration(dir, names.v[i], &m->v[m->n++], err);
	}
	strlist_free(&names);
	return rc;
}

/* Runs a trusted, multi-statement file; errors point at its line. */
static int run_migration(struct run *r, const struct migration *m)
{
	PGresult *res = PQexec(r->pg, m->sql);
	ExecStatusType st = res != NULL ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	int rc = 0;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		const char *pos = res != NULL ? PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION) : NULL;
		long long p = 0;
		if (pos != NULL && hh_parse_int(pos, 1, 1 << 30, &p) == 0)
			snprintf(r->what, sizeof(r->what), "migrations/%s:%d", m->name, line_of(m->sql, (long)p));
		else
			snprintf(r->what, sizeof(r->what), "migrations/%s", m->name);
		report_sql(r, res);
		rc = -1;
	}
	PQclear(res);
	if (rc == 0) {
		const char *params[] = {m->name, m->checksum};
		rc = q_exec(r, "INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)", 2, params);
	}
	return rc;
}

/* An applied file that changed means the database and the repository disagree. */
static int check_applied(struct run *r, const struct migrations *m, const PGresult *applied)
{
	int rc = 0;
	for (size_t i = 0; i < m->n; i++) {
		const char *sum = lookup(applied, m->v[i].name);
		if (sum == NULL || strcmp(sum, m->v[i].checksum) == 0)
			continue;
		fprintf(r->err,
			"healthhub migrate: migration %s was changed after it was applied "
			"(checksum %s, recorded %s); add a new migration instead\n",
			m->v[i].name, m->v[i].checksum, sum);
		rc = -1;
	}
	return rc;
}

static int apply_migrations(struct run *r, const struct migrations *m, int *applied_count)
{
	snprintf(r->what, sizeof(r->what), "schema_migrations");
	PGresult *applied = q_rows(r, "SELECT name, checksum FROM schema_migrations", 0, NULL);
	if (applied == NULL)
		return -1;
	int rc = check_applied(r, m, applied);
	for (size_t i = 0; i < m->n && rc == 0; i++) {
		if (lookup(applied, m->v[i].name) != NULL)
			continue;
		rc = run_migration(r, &m->v[i]);
		if (rc < 0)
			break;
		fprintf(r->out, "%s migration %s (sha256 %s)\n", r->o->dry_run ? "would apply" : "applied",
			m->v[i].name, m->v[i].checksum);
		(*applied_count)++;
	}
	PQclear(applied);
	return rc;
}

/* ---------------------------------------------------------- the plan */

/* One entity as the diff sees it. */
struct keyed {
	const char *key; /* slug or code */
	const char *sum;
};

/* The validated content and everything derived from it. */
struct plan {
	struct hh_content *c;
	struct hh_content_files files;
	char (*symptom_sums)[65];
	char (*rule_sums)[65];
	char policy_sum[65];
	struct strlist removed_articles, removed_causes, removed_remedies;
	int added, changed, removed;
};

static void plan_free(struct plan *p)
{
	hh_content_free(p->c);
	hh_content_files_free(&p->files);
	free(p->symptom_sums);
	free(p->rule_sums);
	strlist_free(&p->removed_articles);
	strlist_free(&p->removed_causes);
	strlist_free(&p->removed_remedies);
}

static int validate(struct run *r, struct plan *p)
{
	struct hh_diags diags = {0};
	if (hh_loader_read_dir(r->o->content_dir, &p->c, &p->files, &diags) < 0) {
		hh_diags_print(&diags, r->err);
		fprintf(r->err, "healthhub migrate: %zu problem%s in %s; the database was not touched\n", diags.n,
			diags.n == 1 ? "" : "s", r->o->content_dir);
		hh_diags_free(&diags);
		return -1;
	}
	hh_diags_free(&diags);
	const struct hh_content *c = p->c;
	p->symptom_sums = xcalloc(c->n_symptoms + 1, sizeof(*p->symptom_sums));
	/* The loader's entity checksums (hh_sha256_json): one encoding for every entity. */
	for (size_t i = 0; i < c->n_symptoms; i++)
		snprintf(p->symptom_sums[i], sizeof(p->symptom_sums[i]), "%s", c->symptoms[i].checksum);
	p->rule_sums = xcalloc(c->policy.n_rules + 1, sizeof(*p->rule_sums));
	for (size_t i = 0; i < c->policy.n_rules; i++)
		snprintf(p->rule_sums[i], sizeof(p->rule_sums[i]), "%s", c->policy.rules[i].checksum);
	snprintf(p->policy_sum, sizeof(p->policy_sum), "%s", c->policy.checksum);
	return 0;
}

/* ---------------------------------------------------------- the diff */

static int find_key(const struct keyed *v, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].key, key) == 0)
			return 1;
	return 0;
}

/*
 * Compares one kind of entity with its table (sql selects key, checksum),
 * prints each difference and collects removed keys (when removed != NULL).
 */
static int diff_kind(struct run *r, struct plan *p, const char *kind, const char *sql, const struct keyed *now,
		     size_t n, struct strlist *removed)
{
	PGresult *old = q_rows(r, sql, 0, NULL);
	if (old == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const char *sum = lookup(old, now[i].key);
		if (sum != NULL && strcmp(sum, now[i].sum) == 0)
			continue;
		fprintf(r->out, "  %s %s: %s\n", kind, sum == NULL ? "added" : "changed", now[i].key);
		if (sum == NULL)
			p->added++;
		else
			p->changed++;
	}
	for (int i = 0; i < PQntuples(old); i++) {
		const char *key = PQgetvalue(old, i, 0);
		if (find_key(now, n, key))
			continue;
		fprintf(r->out, "  %s removed: %s\n", kind, key);
		p->removed++;
		if (removed != NULL)
			strlist_add(removed, key);
	}
	PQclear(old);
	return 0;
}

static int diff_entities(struct run *r, struct plan *p)
{
	const struct hh_content *c = p->c;
	size_t most = c->n_articles + c->n_causes + c->n_remedies + c->n_symptoms + c->policy.n_rules + 1;
	struct keyed *k = xcalloc(most, sizeof(*k));
	int rc = 0;
	for (size_t i = 0; i < c->n_articles; i++)
		k[i] = (struct keyed){c->articles[i].slug, c->articles[i].checksum};
	rc = diff_kind(r, p, "article", "SELECT slug, checksum FROM articles", k, c->n_articles,
		       &p->removed_articles);
	for (size_t i = 0; i < c->n_causes; i++)
		k[i] = (struct keyed){c->causes[i].slug, c->causes[i].checksum};
	if (rc == 0)
		rc = diff_kind(r, p, "cause", "SELECT slug, checksum FROM causes", k, c->n_causes,
			       &p->removed_causes);
	for (size_t i = 0; i < c->n_remedies; i++)
		k[i] = (struct keyed){c->remedies[i].slug, c->remedies[i].checksum};
	if (rc == 0)
		rc = diff_kind(r, p, "remedy", "SELECT slug, checksum FROM remedies", k, c->n_remedies,
			       &p->removed_remedies);
	free(k);
	return rc;
}

static int diff_triage(struct run *r, struct plan *p)
{
	const struct hh_content *c = p->c;
	size_t most = c->n_symptoms + c->policy.n_rules + 1;
	struct keyed *k = xcalloc(most, sizeof(*k));
	int rc = 0;
	for (size_t i = 0; i < c->n_symptoms; i++)
		k[i] = (struct keyed){c->symptoms[i].code, p->symptom_sums[i]};
	rc = diff_kind(r, p, "symptom", "SELECT code, checksum FROM symptoms", k, c->n_symptoms, NULL);
	for (size_t i = 0; i < c->policy.n_rules; i++)
		k[i] = (struct keyed){c->policy.rules[i].code, p->rule_sums[i]};
	if (rc == 0)
		rc = diff_kind(r, p, "rule", "SELECT code, checksum FROM triage_rules", k, c->policy.n_rules, NULL);
	k[0] = (struct keyed){"triage/policy.json", p->policy_sum};
	if (rc == 0)
		rc = diff_kind(r, p, "policy", "SELECT 'triage/policy.json', checksum FROM triage_policy", k, 1,
			       NULL);
	free(k);
	return rc;
}

/* Are the files on disk exactly the ones last loaded (same paths, same bytes)? */
static int files_unchanged(struct run *r, const struct plan *p, int *same)
{
	snprintf(r->what, sizeof(r->what), "content_files");
	PGresult *old = q_rows(r, "SELECT path, checksum FROM content_files", 0, NULL);
	if (old == NULL)
		return -1;
	*same = (size_t)PQntuples(old) == p->files.n;
	for (size_t i = 0; i < p->files.n && *same; i++) {
		const char *sum = lookup(old, p->files.v[i].path);
		*same = sum != NULL && strcmp(sum, p->files.v[i].checksum) == 0;
	}
	PQclear(old);
	return 0;
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
	if (hh_bits_join(mask, count, name, "{", ",", "}", buf, len) < 0 && len > 0)
		buf[0] = '\0'; /* cannot happen with the callers' buffers; an empty literal fails the INSERT */
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
static int write_symptoms(struct run *r, const struct plan *p)
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

static int write_rules(struct run *r, const struct plan *p)
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

static int write_policy(struct run *r, const struct plan *p)
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

static int delete_removed(struct run *r, const char *sql, const char *dir, const struct strlist *keys)
{
	for (size_t i = 0; i < keys->n; i++) {
		const char *params[] = {keys->v[i]};
		snprintf(r->what, sizeof(r->what), "%s/%s.json (removed)", dir, keys->v[i]);
		if (q_exec(r, sql, 1, params) < 0)
			return -1;
	}
	return 0;
}

static int write_files(struct run *r, const struct plan *p)
{
	snprintf(r->what, sizeof(r->what), "content_files");
	for (size_t i = 0; i < p->files.n; i++) {
		const char *params[] = {p->files.v[i].path, p->files.v[i].checksum};
		if (q_exec(r, "INSERT INTO content_files (path, checksum) VALUES ($1, $2)", 2, params) < 0)
			return -1;
	}
	return 0;
}

static int write_entities(struct run *r, const struct plan *p)
{
	const struct hh_content *c = p->c;
	if (delete_removed(r, "DELETE FROM articles WHERE slug = $1", "articles", &p->removed_articles) < 0 ||
	    delete_removed(r, "DELETE FROM causes WHERE slug = $1", "causes", &p->removed_causes) < 0 ||
	    delete_removed(r, "DELETE FROM remedies WHERE slug = $1", "remedies", &p->removed_remedies) < 0)
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
	PGresult *res = q_rows(r,
			       "UPDATE content_state SET version = version + 1, updated_at = now()\n"
			       " RETURNING version",
			       0, NULL);
	if (res == NULL)
		return -1;
	int rc = PQntuples(res) == 1 ? hh_parse_int(PQgetvalue(res, 0, 0), 1, INT64_MAX, version) : -1;
	PQclear(res);
	if (rc < 0) {
		fprintf(r->err, "healthhub migrate: content_state has no row\n");
		return -1;
	}
	char v[24];
	const char *params[] = {HH_DB_CONTENT_CHANNEL, num(v, *version)};
	return q_exec(r, "SELECT pg_notify($1, $2)", 2, params);
}

static int write_content(struct run *r, struct plan *p, long long *version)
{
	if (clear_rows(r) < 0 || write_entities(r, p) < 0 || write_symptoms(r, p) < 0 || write_policy(r, p) < 0)
		return -1;
	snprintf(r->what, sizeof(r->what), "article search index");
	if (q_exec(r, "SELECT article_search_refresh()", 0, NULL) < 0 || write_files(r, p) < 0)
		return -1;
	return bump_version(r, version);
}

/* --------------------------------------------------------- the run */

static int current_version(struct run *r, long long *version)
{
	snprintf(r->what, sizeof(r->what), "content_state");
	PGresult *res = q_rows(r, "SELECT version FROM content_state", 0, NULL);
	if (res == NULL)
		return -1;
	int rc = PQntuples(res) == 1 ? hh_parse_int(PQgetvalue(res, 0, 0), 0, INT64_MAX, version) : -1;
	PQclear(res);
	if (rc < 0)
		fprintf(r->err, "healthhub migrate: content_state has no row\n");
	return rc;
}

static int load_content(struct run *r, struct plan *p, int migrations_applied)
{
	int same = 0;
	long long version = 0;
	if (files_unchanged(r, p, &same) < 0 || current_version(r, &version) < 0)
		return -1;
	if (same) {
		fprintf(r->out, "%s (content version %lld)\n", migrations_applied ? "content unchanged" : "up to date",
			version);
		return 0;
	}
	fprintf(r->out, "content changes:\n");
	if (diff_entities(r, p) < 0 || diff_triage(r, p) < 0)
		return -1;
	fprintf(r->out, "  %d added, %d changed, %d removed\n", p->added, p->changed, p->removed);
	if (r->o->dry_run)
		return 0;
	if (write_content(r, p, &version) < 0)
		return -1;
	fprintf(r->out, "loaded content version %lld (%zu articles, %zu causes, %zu remedies, %zu symptoms)\n", version,
		p->c->n_articles, p->c->n_causes, p->c->n_remedies, p->c->n_symptoms);
	return 0;
}

static int begin(struct run *r)
{
	const char *params[] = {MIGRATE_LOCK_KEY};
	snprintf(r->what, sizeof(r->what), "starting the transaction");
	if (q_exec(r, "BEGIN", 0, NULL) < 0 || q_exec(r, "SELECT pg_advisory_xact_lock($1::bigint)", 1, params) < 0)
		return -1;
	/* Created here, not in a migration: it must exist to record the first one. */
	return q_exec(r,
		      "CREATE TABLE IF NOT EXISTS schema_migrations (\n"
		      " name text PRIMARY KEY,\n"
		      " checksum text NOT NULL,\n"
		      " applied_at timestamptz NOT NULL DEFAULT now())",
		      0, NULL);
}

static int transaction(struct run *r, const struct migrations *m, struct plan *p)
{
	int applied = 0;
	int rc = begin(r);
	if (rc == 0)
		rc = apply_migrations(r, m, &applied);
	if (rc == 0)
		rc = load_content(r, p, applied);
	if (rc == 0 && !r->o->dry_run) {
		snprintf(r->what, sizeof(r->what), "commit");
		rc = q_exec(r, "COMMIT", 0, NULL);
		if (rc < 0)
			fprintf(r->err, "healthhub migrate: not committed; the database is unchanged\n");
		return rc;
	}
	/* Dry run or failure: nothing of this transaction survives. */
	PQclear(PQexec(r->pg, "ROLLBACK"));
	if (rc == 0)
		fprintf(r->out, "dry run: nothing was written\n");
	else
		fprintf(r->err, "healthhub migrate: rolled back; the database is unchanged\n");
	return rc;
}

static int check_opts(const struct hh_migrate_opts *o, FILE *err)
{
	if (o->migrations_dir != NULL && o->content_dir != NULL)
		return 0;
	fprintf(err, "healthhub migrate: both a migrations and a content folder are needed\n");
	return -1;
}

static PGconn *connect_db(const struct hh_migrate_opts *o, FILE *err)
{
	char msg[512];
	/* No statement timeout: a large migration may legitimately take long. */
	PGconn *pg = hh_db_connect(o->database_url, 0, msg, sizeof(msg));
	if (pg == NULL)
		fprintf(err, "healthhub migrate: cannot connect to the database: %s\n", msg);
	return pg;
}

int hh_migrate_run(const struct hh_migrate_opts *o, FILE *out, FILE *err)
{
	struct run r = {.o = o, .out = out, .err = err};
	struct plan p = {0};
	struct migrations m = {0};
	int rc = 1;
	if (check_opts(o, err) < 0 || validate(&r, &p) < 0 || read_migrations(o->migrations_dir, &m, err) < 0)
		goto out;
	r.pg = connect_db(o, err);
	if (r.pg == NULL)
		goto out;
	if (transaction(&r, &m, &p) == 0)
		rc = 0;
out:
	PQfinish(r.pg);
	migrations_free(&m);
	plan_free(&p);
	return rc;
}

/* ----------------------------------------------------------- status */

static void status_migrations(struct run *r, const struct migrations *m, const PGresult *applied)
{
	fprintf(r->out, "migrations (%s):\n", r->o->migrations_dir);
	for (size_t i = 0; i < m->n; i++) {
		const char *sum = lookup(applied, m->v[i].name);
		const char *state = sum == NULL ? "pending" : strcmp(sum, m->v[i].checksum) == 0 ? "applied" : "changed!";
		fprintf(r->out, "  %-9s %s %s", state, m->v[i].checksum, m->v[i].name);
		if (sum != NULL && strcmp(sum, m->v[i].checksum) != 0)
			fprintf(r->out, " (recorded %s)", sum);
		fputc('\n', r->out);
	}
	int rows = applied != NULL ? PQntuples(applied) : 0;
	for (int i = 0; i < rows; i++) {
		const char *name = PQgetvalue(applied, i, 0);
		int found = 0;
		for (size_t k = 0; k < m->n && !found; k++)
			found = strcmp(m->v[k].name, name) == 0;
		if (!found)
			fprintf(r->out, "  %-9s %s %s (applied, file not found)\n", "missing!", PQgetvalue(applied, i, 1),
				name);
	}
}

/* The content folder's files as the loader names them: "causes/x.json". */
static void content_paths(const char *dir, struct strlist *paths)
{
	static const char *const subdirs[] = {"articles", "causes", "remedies", "triage"};
	for (size_t i = 0; i < HH_ARRAY_LEN(subdirs); i++) {
		struct strlist names = {0};
		char *sub = xasprintf("%s/%s", dir, subdirs[i]);
		if (list_dir(sub, ".json", &names) == 0)
			for (size_t k = 0; k < names.n; k++) {
				char *rel = xasprintf("%s/%s", subdirs[i], names.v[k]);
				strlist_add(paths, rel);
				free(rel);
			}
		free(sub);
		strlist_free(&names);
	}
}

static void file_checksum(const char *dir, const char *rel, char out[65])
{
	char *buf = NULL, *why = NULL;
	size_t len = 0;
	if (hh_walk_read(dir, rel, &buf, &len, &why) == 0)
		hh_sha256_hex(buf, len, out);
	else
		snprintf(out, 65, "(refused: %s)", why);
	free(buf);
	free(why);
}

static void status_content(struct run *r, const PGresult *loaded)
{
	struct strlist paths = {0};
	content_paths(r->o->content_dir, &paths);
	fprintf(r->out, "content files (%s):\n", r->o->content_dir);
	for (size_t i = 0; i < paths.n; i++) {
		char sum[65];
		file_checksum(r->o->content_dir, paths.v[i], sum);
		const char *was = lookup(loaded, paths.v[i]);
		const char *state = was == NULL ? "pending" : strcmp(was, sum) == 0 ? "applied" : "changed";
		fprintf(r->out, "  %-9s %s %s", state, sum, paths.v[i]);
		if (was != NULL && strcmp(was, sum) != 0)
			fprintf(r->out, " (loaded %s)", was);
		fputc('\n', r->out);
	}
	int rows = loaded != NULL ? PQntuples(loaded) : 0;
	for (int i = 0; i < rows; i++) {
		const char *path = PQgetvalue(loaded, i, 0);
		int found = 0;
		for (size_t k = 0; k < paths.n && !found; k++)
			found = strcmp(paths.v[k], path) == 0;
		if (!found)
			fprintf(r->out, "  %-9s %s %s\n", "removed", PQgetvalue(loaded, i, 1), path);
	}
	strlist_free(&paths);
}

static int status_version(struct run *r)
{
	PGresult *res = NULL;
	snprintf(r->what, sizeof(r->what), "content_state");
	if (q_rows_if_table(r, "SELECT version, updated_at FROM content_state", &res) < 0)
		return -1;
	if (res == NULL || PQntuples(res) != 1)
		fprintf(r->out, "content version: none (not migrated)\n");
	else
		fprintf(r->out, "content version: %s (updated %s)\n", PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1));
	PQclear(res);
	return 0;
}

int hh_migrate_status(const struct hh_migrate_opts *o, FILE *out, FILE *err)
{
	struct run r = {.o = o, .out = out, .err = err};
	struct migrations m = {0};
	PGresult *applied = NULL, *loaded = NULL;
	int rc = 1;
	if (check_opts(o, err) < 0 || read_migrations(o->migrations_dir, &m, err) < 0)
		goto out;
	r.pg = connect_db(o, err);
	if (r.pg == NULL)
		goto out;
	snprintf(r.what, sizeof(r.what), "schema_migrations");
	if (q_rows_if_table(&r, "SELECT name, checksum FROM schema_migrations ORDER BY name COLLATE \"C\"",
			    &applied) < 0)
		goto out;
	snprintf(r.what, sizeof(r.what), "content_files");
	if (q_rows_if_table(&r, "SELECT path, checksum FROM content_files ORDER BY path COLLATE \"C\"", &loaded) < 0)
		goto out;
	status_migrations(&r, &m, applied);
	status_content(&r, loaded);
	if (status_version(&r) == 0)
		rc = 0;
out:
	PQclear(applied);
	PQclear(loaded);
	PQfinish(r.pg);
	migrations_free(&m);
	return rc;
}
