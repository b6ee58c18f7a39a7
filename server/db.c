/*
 * db.c - the server's PostgreSQL access: connect, content version, the whole
 * content as a struct hh_content, full-text search.
 *
 * Lists are read back in their file order through the `ordinal` columns.
 * Child rows are fetched one table at a time, ordered by (parent slug
 * COLLATE "C", ordinal), and handed out to parents walked in the same
 * order: a merge, so each table costs one query whatever the row count.
 * COLLATE "C" orders like strcmp(), which is how the walk compares.
 */
#include "healthhub/db.h"

#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ plumbing */

struct db_ctx {
	PGconn *pg;
	char *err;     /* caller's buffer, for the log only */
	size_t errlen;
	int rc;        /* why the last call failed: -1 or HH_DB_NOT_MIGRATED */
	int timed_out; /* the connection is mid-query and must be dropped */
};

static void set_err(struct db_ctx *x, const char *what, const char *msg)
{
	if (x->err == NULL || x->errlen == 0)
		return;
	snprintf(x->err, x->errlen, "%s: %s", what, msg != NULL && *msg ? msg : "unknown error");
	/* libpq's messages span lines; a log record must not. */
	size_t n = strlen(x->err);
	while (n > 0 && (x->err[n - 1] == '\n' || x->err[n - 1] == ' '))
		x->err[--n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (x->err[i] == '\n' || x->err[i] == '\t')
			x->err[i] = ' ';
}

/* The first line of SQL names the failing statement in the log. */
static void set_result_err(struct db_ctx *x, const char *sql, const PGresult *r)
{
	char what[80];
	size_t n = strcspn(sql, "\n");
	snprintf(what, sizeof(what), "%.*s", (int)(n < 60 ? n : 60), sql);
	const char *msg = r != NULL ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	set_err(x, what, msg != NULL ? msg : PQerrorMessage(x->pg));
}

/*
 * Runs one parameterised statement (text parameters, text results).
 * Returns the result when its status is want (caller PQclear()s it);
 * otherwise clears it, fills err, sets x->rc and returns NULL. A missing
 * table (SQLSTATE 42P01) means the schema was never migrated.
 */
/*
 * statement_timeout is enforced by the server, so a server that hangs (a
 * paused process, a stalled disk) never enforces it and a blocking libpq
 * call would wait for ever. Queries therefore run asynchronously against a
 * client-side deadline: the statement timeout plus a grace second.
 */
static atomic_int query_deadline_ms = 3000;

/* Waits until the connection is readable (or writable); 0, or -1 on timeout or error. */
static int wait_socket(PGconn *pg, int for_write, uint64_t deadline)
{
	uint64_t now = hh_now_ns();
	if (now >= deadline)
		return -1;
	struct pollfd p = {.fd = PQsocket(pg), .events = for_write ? POLLOUT : POLLIN};
	int rc = poll(&p, 1, (int)((deadline - now) / 1000000) + 1);
	return rc > 0 ? 0 : -1;
}

/* PQexecParams with a deadline. NULL with a message in pg's error on failure. */
static PGresult *exec_bounded(struct db_ctx *x, const char *sql, int n, const char *const *params)
{
	uint64_t deadline = hh_now_ns() + (uint64_t)atomic_load(&query_deadline_ms) * 1000000ull;
	if (PQsendQueryParams(x->pg, sql, n, NULL, params, NULL, NULL, 0) == 0)
		return NULL;
	int flushed;
	while ((flushed = PQflush(x->pg)) == 1)
		if (wait_socket(x->pg, 1, deadline) < 0)
			goto timeout;
	if (flushed < 0)
		return NULL;
	PGresult *last = NULL;
	for (;;) {
		while (PQisBusy(x->pg)) {
			if (wait_socket(x->pg, 0, deadline) < 0)
				goto timeout_clear;
			if (PQconsumeInput(x->pg) == 0) {
				PQclear(last);
				return NULL;
			}
		}
		PGresult *r = PQgetResult(x->pg);
		if (r == NULL)
			return last;
		PQclear(last);
		last = r;
	}
timeout_clear:
	PQclear(last);
timeout:
	x->timed_out = 1;
	return NULL;
}

static PGresult *ctx_exec(struct db_ctx *x, const char *sql, int n, const char *const *params,
			  ExecStatusType want)
{
	PGresult *r = exec_bounded(x, sql, n, params);
	if (r != NULL && PQresultStatus(r) == want)
		return r;
	if (x->timed_out) {
		x->rc = -1;
		set_err(x, "query", "no answer from the database before the deadline");
		return NULL;
	}
	const char *state = r != NULL ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	x->rc = state != NULL && strcmp(state, "42P01") == 0 ? HH_DB_NOT_MIGRATED : -1;
	set_result_err(x, sql, r);
	PQclear(r);
	return NULL;
}

static int ctx_command(struct db_ctx *x, const char *sql)
{
	PGresult *r = ctx_exec(x, sql, 0, NULL, PGRES_COMMAND_OK);
	if (r == NULL)
		return x->rc;
	PQclear(r);
	return 0;
}

/* Notices ("query contains only stop words") are not worth a stderr line. */
static void drop_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

PGconn *hh_db_connect(const char *url, int statement_timeout_ms, char *err, size_t errlen)
{
	/* dbname comes last so that whatever the url says wins over these defaults. */
	const char *keys[] = {"connect_timeout", "application_name", "client_encoding", "dbname", NULL};
	const char *vals[] = {"5", "healthhub", "UTF8", url != NULL ? url : "", NULL};
	struct db_ctx x = {.err = err, .errlen = errlen};
	atomic_store(&query_deadline_ms, (statement_timeout_ms > 0 ? statement_timeout_ms : 30000) + 1000);
	x.pg = PQconnectdbParams(keys, vals, 1);
	if (x.pg == NULL) {
		set_err(&x, "connect", "out of memory");
		return NULL;
	}
	if (PQstatus(x.pg) != CONNECTION_OK) {
		set_err(&x, "connect", PQerrorMessage(x.pg));
		PQfinish(x.pg);
		return NULL;
	}
	PQsetNoticeProcessor(x.pg, drop_notice, NULL);
	char ms[24];
	snprintf(ms, sizeof(ms), "%d", statement_timeout_ms > 0 ? statement_timeout_ms : 0);
	const char *params[] = {ms};
	PGresult *r = ctx_exec(&x, "SELECT set_config('statement_timeout', $1, false)", 1, params,
			       PGRES_TUPLES_OK);
	if (r == NULL) {
		PQfinish(x.pg);
		return NULL;
	}
	PQclear(r);
	return x.pg;
}

/* ------------------------------------------------------------- version */

static int read_version(struct db_ctx *x, int64_t *version)
{
	PGresult *r = ctx_exec(x, "SELECT version FROM content_state", 0, NULL, PGRES_TUPLES_OK);
	if (r == NULL)
		return x->rc;
	int rc = HH_DB_NOT_MIGRATED;
	long long v = 0;
	if (PQntuples(r) != 1) {
		set_err(x, "content_state", "no row");
		goto out;
	}
	if (hh_parse_int(PQgetvalue(r, 0, 0), 0, INT64_MAX, &v) < 0) {
		set_err(x, "content_state", "bad version");
		rc = -1;
		goto out;
	}
	if (v == 0) {
		set_err(x, "content_state", "no content loaded yet");
		goto out;
	}
	*version = v;
	rc = 0;
out:
	PQclear(r);
	return rc;
}

int hh_db_content_version(PGconn *c, int64_t *version, char *err, size_t errlen)
{
	struct db_ctx x = {.pg = c, .err = err, .errlen = errlen};
	return read_version(&x, version);
}

/* ------------------------------------------------------- value helpers */

struct load {
	struct db_ctx db;
	struct hh_content *c;
};

/* An arena copy of a column; NULL for SQL NULL. */
static const char *val(struct load *l, const PGresult *r, int row, int col)
{
	if (PQgetisnull(r, row, col))
		return NULL;
	return hh_content_strndup(l->c, PQgetvalue(r, row, col), (size_t)PQgetlength(r, row, col));
}

static int val_int(struct load *l, const PGresult *r, int row, int col, long long *out)
{
	if (hh_parse_int(PQgetvalue(r, row, col), INT64_MIN, INT64_MAX, out) == 0)
		return 0;
	set_err(&l->db, PQfname(r, col), "not an integer");
	return -1;
}

/* "standing,sitting" (array_to_string of a checked array) -> bit mask. */
static int val_mask(struct load *l, const PGresult *r, int row, int col,
		    int (*parse)(const char *, unsigned *), unsigned *out)
{
	const char *s = PQgetvalue(r, row, col);
	*out = 0;
	while (*s != '\0') {
		char word[32];
		size_t n = strcspn(s, ",");
		unsigned bit = 0;
		snprintf(word, sizeof(word), "%.*s", (int)(n < 31 ? n : 31), s);
		if (parse(word, &bit) < 0) {
			set_err(&l->db, PQfname(r, col), "unknown name");
			return -1;
		}
		*out |= bit;
		s += n;
		if (*s == ',')
			s++;
	}
	return 0;
}

static int val_level(struct load *l, const PGresult *r, int row, int col, enum hh_level *out)
{
	if (hh_level_parse(PQgetvalue(r, row, col), out) == 0)
		return 0;
	set_err(&l->db, PQfname(r, col), "unknown level");
	return -1;
}

/* ------------------------------------------------------- child rows */

/* How many rows from *row on belong to slug (column 0); advances *row past them. */
static size_t take_rows(const PGresult *r, int *row, const char *slug)
{
	int start = *row;
	while (*row < PQntuples(r) && strcmp(PQgetvalue(r, *row, 0), slug) == 0)
		(*row)++;
	return (size_t)(*row - start);
}

/* Column 1 of the parent's rows as a list. */
static void fill_strv(struct load *l, const PGresult *r, int *row, const char *slug, struct hh_strv *out)
{
	int start = *row;
	size_t n = take_rows(r, row, slug);
	out->v = hh_content_alloc(l->c, (n + 1) * sizeof(*out->v));
	out->n = n;
	for (size_t i = 0; i < n; i++)
		out->v[i] = val(l, r, start + (int)i, 1);
}

/* Columns 1 and 2 (title, url) of the parent's rows. */
static void fill_refs(struct load *l, const PGresult *r, int *row, const char *slug,
		      struct hh_reference_list *out)
{
	int start = *row;
	size_t n = take_rows(r, row, slug);
	out->v = hh_content_alloc(l->c, (n + 1) * sizeof(*out->v));
	out->n = n;
	for (size_t i = 0; i < n; i++) {
		out->v[i].title = val(l, r, start + (int)i, 1);
		out->v[i].url = val(l, r, start + (int)i, 2);
	}
}

typedef void (*fill_fn)(struct load *l, const PGresult *r, int *row, size_t parent);

/*
 * Runs one child query and hands its rows to n_parents parents in turn.
 * Rows left over belong to no parent in the walk: the orders disagree,
 * which would silently drop data, so it is an error.
 */
static int load_children(struct load *l, const char *sql, size_t n_parents, fill_fn fill)
{
	PGresult *r = ctx_exec(&l->db, sql, 0, NULL, PGRES_TUPLES_OK);
	if (r == NULL)
		return l->db.rc;
	int row = 0;
	for (size_t i = 0; i < n_parents; i++)
		fill(l, r, &row, i);
	int rc = 0;
	if (row != PQntuples(r)) {
		set_err(&l->db, "load", "child rows out of order");
		rc = -1;
	}
	PQclear(r);
	return rc;
}

/* ------------------------------------------------------------ articles */

static void fill_alt_names(struct load *l, const PGresult *r, int *row, size_t i)
{
	struct hh_article *a = &l->c->articles[i];
	fill_strv(l, r, row, a->slug, &a->alternate_names);
}

static void fill_article_causes(struct load *l, const PGresult *r, int *row, size_t i)
{
	struct hh_article *a = &l->c->articles[i];
	fill_strv(l, r, row, a->slug, &a->causes);
}

static void fill_article_remedies(struct load *l, const PGresult *r, int *row, size_t i)
{
	struct hh_article *a = &l->c->articles[i];
	fill_strv(l, r, row, a->slug, &a->remedies);
}

static void fill_article_refs(struct load *l, const PGresult *r, int *row, size_t i)
{
	struct hh_article *a = &l->c->articles[i];
	fill_refs(l, r, row, a->slug, &a->references);
}

static void fill_sections(struct load *l, const PGresult *r, int *row, size_t i)
{
	struct hh_article *a = &l->c->articles[i];
	int start = *row;
	size_t n = take_rows(r, row, a->slug);
	a->sections = hh_content_alloc(l->c, (n + 1) * sizeof(*a->sections));
	a->n_sections = n;
	for (size_t k = 0; k < n; k++) {
		a->sections[k].id = val(l, r, start + (int)k, 1);
		a->sections[k].heading = val(l, r, start + (int)k, 2);
		a->sections[k].body = val(l, r, start + (int)k, 3);
	}
}

static int article_row(struct load *l, const PGresult *r, int row, struct hh_article *a)
{
	long long version = 0;
	a->slug = val(l, r, row, 0);
	a->title = val(l, r, row, 1);
	a->summary = val(l, r, row, 2);
	a->reviewed_at = val(l, r, row, 5);
	a->next_review_due = val(l, r, row, 6);
	a->updated_at = val(l, r, row, 7);
	a->checksum = val(l, r, row, 9);
	if (val_mask(l, r, row, 3, hh_position_parse, &a->positions) < 0 ||
	    val_mask(l, r, row, 4, hh_region_parse, &a->regions) < 0 || val_int(l, r, row, 8, &version) < 0)
		return -1;
	a->version = version;
	return 0;
}

static int load_articles(struct load *l)
{
	PGresult *r = ctx_exec(&l->db,
			       "SELECT slug, title, summary, array_to_string(positions, ','),\n"
			       " array_to_string(regions, ','), to_char(reviewed_at, 'YYYY-MM-DD'),\n"
			       " to_char(next_review_due, 'YYYY-MM-DD'),\n"
			       " to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),\n"
			       " version, checksum FROM articles ORDER BY slug COLLATE \"C\"",
			       0, NULL, PGRES_TUPLES_OK);
	if (r == NULL)
		return l->db.rc;
	size_t n = (size_t)PQntuples(r);
	l->c->articles = hh_content_alloc(l->c, (n + 1) * sizeof(*l->c->articles));
	l->c->n_articles = n;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = article_row(l, r, (int)i, &l->c->articles[i]);
	PQclear(r);
	if (rc == 0)
		rc = load_children(l, "SELECT article_slug, name FROM article_alternate_names\n"
				      " ORDER BY article_slug COLLATE \"C\", ordinal", n, fill_alt_names);
	if (rc == 0)
		rc = load_children(l, "SELECT article_slug, id, heading, body FROM article_sections\n"
				      " ORDER BY article_slug COLLATE \"C\", ordinal", n, fill_sections);
	if (rc == 0)
		rc = load_children(l, "SELECT article_slug, cause_slug FROM article_causes\n"
				      " ORDER BY article_slug COLLATE \"C\", ordinal", n, fill_article_causes);
	if (rc == 0)
		rc = load_children(l, "SELECT article_slug, remedy_slug FROM article_remedies\n"
				      " ORDER BY article_slug COLLATE \"C\", ordinal", n, fill_article_remedies);
	if (rc == 0)
		rc = load_children(l, "SELECT article_slug, title, url FROM article_references\n"
				      " ORDER BY article_slug COLLATE \"C\", ordinal", n, fill_article_refs);
	return rc;
}

/* -------------------------------------------------------------- causes */

static void fill_cause_remedies(struct load *l, const PGresult *r, int *row, size_t i)
{
	struct hh_cause *c = &l->c->causes[i];
	fill_strv(l, r, row, c->slug, &c->remedies);
}

static void fill_cause_refs(struct load *l, const PGresult *r, int *row, size_t i)
{
	struct hh_cause *c = &l->c->causes[i];
	fill_refs(l, r, row, c->slug, &c->references);
}

static int cause_row(struct load *l, const PGresult *r, int row, struct hh_cause *c)
{
	c->slug = val(l, r, row, 0);
	c->name = val(l, r, row, 1);
	c->summary = val(l, r, row, 2);
	c->description = val(l, r, row, 3);
	c->see_doctor_if = val(l, r, row, 6);
	c->checksum = val(l, r, row, 7);
	if (val_mask(l, r, row, 4, hh_position_parse, &c->positions) < 0 ||
	    val_mask(l, r, row, 5, hh_region_parse, &c->regions) < 0)
		return -1;
	return 0;
}

static int load_causes(struct load *l)
{
	PGresult *r = ctx_exec(&l->db,
			       "SELECT slug, name, summary, description, array_to_string(positions, ','),\n"
			       " array_to_string(regions, ','), see_doctor_if, checksum\n"
			       " FROM causes ORDER BY slug COLLATE \"C\"",
			       0, NULL, PGRES_TUPLES_OK);
	if (r == NULL)
		return l->db.rc;
	size_t n = (size_t)PQntuples(r);
	l->c->causes = hh_content_alloc(l->c, (n + 1) * sizeof(*l->c->causes));
	l->c->n_causes = n;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = cause_row(l, r, (int)i, &l->c->causes[i]);
	PQclear(r);
	if (rc == 0)
		rc = load_children(l, "SELECT cause_slug, remedy_slug FROM cause_remedies\n"
				      " ORDER BY cause_slug COLLATE \"C\", ordinal", n, fill_cause_remedies);
	if (rc == 0)
		rc = load_children(l, "SELECT cause_slug, title, url FROM cause_references\n"
				      " ORDER BY cause_slug COLLATE \"C\", ordinal", n, fill_cause_refs);
	return rc;
}

/* ------------------------------------------------------------ remedies */

static void fill_steps(struct load *l, const PGresult *r, int *row, size_t i)
{
	struct hh_remedy *m = &l->c->remedies[i];
	fill_strv(l, r, row, m->slug, &m->steps);
}

static void fill_remedy_refs(struct load *l, const PGresult *r, int *row, size_t i)
{
	struct hh_remedy *m = &l->c->remedies[i];
	fill_refs(l, r, row, m->slug, &m->references);
}

static int load_remedies(struct load *l)
{
	PGresult *r = ctx_exec(&l->db,
			       "SELECT slug, name, summary, description, checksum\n"
			       " FROM remedies ORDER BY slug COLLATE \"C\"",
			       0, NULL, PGRES_TUPLES_OK);
	if (r == NULL)
		return l->db.rc;
	size_t n = (size_t)PQntuples(r);
	l->c->remedies = hh_content_alloc(l->c, (n + 1) * sizeof(*l->c->remedies));
	l->c->n_remedies = n;
	for (size_t i = 0; i < n; i++) {
		struct hh_remedy *m = &l->c->remedies[i];
		m->slug = val(l, r, (int)i, 0);
		m->name = val(l, r, (int)i, 1);
		m->summary = val(l, r, (int)i, 2);
		m->description = val(l, r, (int)i, 3);
		m->checksum = val(l, r, (int)i, 4);
	}
	PQclear(r);
	int rc = load_children(l, "SELECT remedy_slug, step FROM remedy_steps\n"
				  " ORDER BY remedy_slug COLLATE \"C\", ordinal", n, fill_steps);
	if (rc == 0)
		rc = load_children(l, "SELECT remedy_slug, title, url FROM remedy_references\n"
				      " ORDER BY remedy_slug COLLATE \"C\", ordinal", n, fill_remedy_refs);
	return rc;
}

/* ------------------------------------------------------------ symptoms */

/* Weights come ordered by their symptom's ordinal, as the symptoms are. */
static int fill_weights(struct load *l, const PGresult *r, int *row, struct hh_symptom *y)
{
	int start = *row;
	size_t n = take_rows(r, row, y->code);
	y->weights = hh_content_alloc(l->c, (n + 1) * sizeof(*y->weights));
	y->n_weights = n;
	for (size_t k = 0; k < n; k++) {
		long long w = 0;
		if (val_int(l, r, start + (int)k, 2, &w) < 0)
			return -1;
		y->weights[k].cause = val(l, r, start + (int)k, 1);
		y->weights[k].weight = (int)w;
	}
	return 0;
}

static int symptom_row(struct load *l, const PGresult *r, int row, struct hh_symptom *y)
{
	y->code = val(l, r, row, 0);
	y->question = val(l, r, row, 1);
	y->message = val(l, r, row, 4);
	y->source.title = val(l, r, row, 5);
	y->source.url = val(l, r, row, 6);
	if (hh_category_parse(PQgetvalue(r, row, 2), &y->category) < 0) {
		set_err(&l->db, "symptoms", "unknown category");
		return -1;
	}
	return val_level(l, r, row, 3, &y->level);
}

static int load_weights(struct load *l)
{
	PGresult *r = ctx_exec(&l->db,
			       "SELECT w.code, w.cause_slug, w.weight FROM symptom_weights AS w\n"
			       " JOIN symptoms AS s USING (code) ORDER BY s.ordinal, w.ordinal",
			       0, NULL, PGRES_TUPLES_OK);
	if (r == NULL)
		return l->db.rc;
	int row = 0, rc = 0;
	for (size_t i = 0; i < l->c->n_symptoms && rc == 0; i++)
		rc = fill_weights(l, r, &row, &l->c->symptoms[i]);
	if (rc == 0 && row != PQntuples(r)) {
		set_err(&l->db, "symptom_weights", "rows out of order");
		rc = -1;
	}
	PQclear(r);
	return rc;
}

static int load_symptoms(struct load *l)
{
	PGresult *r = ctx_exec(&l->db,
			       "SELECT code, question, category, level, message, source_title, source_url\n"
			       " FROM symptoms ORDER BY ordinal",
			       0, NULL, PGRES_TUPLES_OK);
	if (r == NULL)
		return l->db.rc;
	size_t n = (size_t)PQntuples(r);
	l->c->symptoms = hh_content_alloc(l->c, (n + 1) * sizeof(*l->c->symptoms));
	l->c->n_symptoms = n;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = symptom_row(l, r, (int)i, &l->c->symptoms[i]);
	PQclear(r);
	return rc == 0 ? load_weights(l) : rc;
}

/* -------------------------------------------------------------- policy */

static int rule_row(struct load *l, const PGresult *r, int row, struct hh_rule *u)
{
	long long min = 0, max = 0;
	u->code = val(l, r, row, 0);
	u->message = val(l, r, row, 5);
	u->source.title = val(l, r, row, 6);
	u->source.url = val(l, r, row, 7);
	if (hh_rule_field_parse(PQgetvalue(r, row, 1), &u->field) < 0) {
		set_err(&l->db, "triage_rules", "unknown field");
		return -1;
	}
	if (val_int(l, r, row, 2, &min) < 0 || val_int(l, r, row, 3, &max) < 0)
		return -1;
	u->min = min;
	u->max = max;
	return val_level(l, r, row, 4, &u->level);
}

static int load_rules(struct load *l)
{
	struct hh_policy *p = &l->c->policy;
	PGresult *r = ctx_exec(&l->db,
			       "SELECT code, field, min, max, level, message, source_title, source_url\n"
			       " FROM triage_rules ORDER BY ordinal",
			       0, NULL, PGRES_TUPLES_OK);
	if (r == NULL)
		return l->db.rc;
	size_t n = (size_t)PQntuples(r);
	p->rules = hh_content_alloc(l->c, (n + 1) * sizeof(*p->rules));
	p->n_rules = n;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = rule_row(l, r, (int)i, &p->rules[i]);
	PQclear(r);
	return rc;
}

static int load_policy(struct load *l)
{
	struct hh_policy *p = &l->c->policy;
	PGresult *r = ctx_exec(&l->db,
			       "SELECT disclaimer, advice_self_care, advice_see_doctor, advice_urgent,\n"
			       " advice_emergency, max_causes, max_remedies FROM triage_policy",
			       0, NULL, PGRES_TUPLES_OK);
	if (r == NULL)
		return l->db.rc;
	int rc = -1;
	long long max_causes = 0, max_remedies = 0;
	if (PQntuples(r) != 1) {
		set_err(&l->db, "triage_policy", "no row");
		goto out;
	}
	p->disclaimer = val(l, r, 0, 0);
	p->advice[HH_LEVEL_SELF_CARE] = val(l, r, 0, 1);
	p->advice[HH_LEVEL_SEE_DOCTOR] = val(l, r, 0, 2);
	p->advice[HH_LEVEL_URGENT] = val(l, r, 0, 3);
	p->advice[HH_LEVEL_EMERGENCY] = val(l, r, 0, 4);
	if (val_int(l, r, 0, 5, &max_causes) < 0 || val_int(l, r, 0, 6, &max_remedies) < 0)
		goto out;
	p->max_causes = (int)max_causes;
	p->max_remedies = (int)max_remedies;
	rc = load_rules(l);
out:
	PQclear(r);
	return rc;
}

/* ---------------------------------------------------------------- load */

static int load_all(struct load *l)
{
	int rc = read_version(&l->db, &l->c->version);
	if (rc == 0)
		rc = load_remedies(l);
	if (rc == 0)
		rc = load_causes(l);
	if (rc == 0)
		rc = load_articles(l);
	if (rc == 0)
		rc = load_symptoms(l);
	if (rc == 0)
		rc = load_policy(l);
	return rc;
}

int hh_db_load_content(PGconn *c, struct hh_content **out, char *err, size_t errlen)
{
	struct load l = {.db = {.pg = c, .err = err, .errlen = errlen}};
	*out = NULL;
	/* One snapshot: a migrate committing mid-read must not mix versions. */
	int rc = ctx_command(&l.db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
	if (rc < 0)
		return rc;
	l.c = hh_content_new();
	rc = load_all(&l);
	if (rc == 0)
		rc = ctx_command(&l.db, "COMMIT");
	if (rc < 0) {
		/* Best effort: the error that matters is already in err. */
		if (!l.db.timed_out)
			PQclear(exec_bounded(&l.db, "ROLLBACK", 0, NULL));
		hh_content_free(l.c);
		return rc;
	}
	hh_content_finish(l.c);
	*out = l.c;
	return 0;
}

/* -------------------------------------------------------------- search */

void hh_search_result_free(struct hh_search_result *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n; i++)
		free(r->slugs[i]);
	free(r->slugs);
	r->slugs = NULL;
	r->n = 0;
	r->total = 0;
}

/* Slugs from column col of every row where it is not NULL. */
static void take_slugs(const PGresult *r, int col, struct hh_search_result *out)
{
	int rows = PQntuples(r);
	out->slugs = xcalloc((size_t)rows + 1, sizeof(*out->slugs));
	out->n = 0;
	for (int i = 0; i < rows; i++)
		if (!PQgetisnull(r, i, col))
			out->slugs[out->n++] = xstrdup(PQgetvalue(r, i, col));
}

/*
 * One round trip for the page and the total: the LEFT JOIN keeps one row
 * (slug NULL) when the page is empty, so the total still arrives.
 */
static const char search_articles_sql[] =
	"WITH m AS (SELECT a.slug, ts_rank_cd(a.search, q) AS rank\n"
	"  FROM articles AS a, websearch_to_tsquery('english', $1) AS q WHERE a.search @@ q)\n"
	"SELECT t.total, p.slug FROM (SELECT count(*) AS total FROM m) AS t\n"
	"LEFT JOIN LATERAL (SELECT slug, rank FROM m ORDER BY rank DESC, slug COLLATE \"C\"\n"
	"  LIMIT $2 OFFSET $3) AS p ON true\n"
	"ORDER BY p.rank DESC, p.slug COLLATE \"C\"";

int hh_db_search_articles(PGconn *c, const char *q, int limit, int offset, struct hh_search_result *out,
			  char *err, size_t errlen)
{
	struct db_ctx x = {.pg = c, .err = err, .errlen = errlen};
	char lim[24], off[24];
	snprintf(lim, sizeof(lim), "%d", limit > 0 ? limit : 0);
	snprintf(off, sizeof(off), "%d", offset > 0 ? offset : 0);
	const char *params[] = {q != NULL ? q : "", lim, off};
	memset(out, 0, sizeof(*out));
	PGresult *r = ctx_exec(&x, search_articles_sql, 3, params, PGRES_TUPLES_OK);
	if (r == NULL)
		return -1;
	int rc = 0;
	long long total = 0;
	if (PQntuples(r) < 1 || hh_parse_int(PQgetvalue(r, 0, 0), 0, INT64_MAX, &total) < 0) {
		set_err(&x, "search articles", "bad total");
		rc = -1;
		goto out;
	}
	take_slugs(r, 1, out);
	out->total = total;
out:
	PQclear(r);
	return rc;
}

/* "{standing,sitting}" for a mask, or NULL (no filter) for 0. */
static const char *mask_array(unsigned mask, int count, const char *(*name)(unsigned), char *buf, size_t len)
{
	if (mask == 0)
		return NULL;
	/* only unknown bits give "{}", which matches nothing */
	return hh_bits_join(mask, count, name, "{", ",", "}", buf, len) == 0 ? buf : NULL;
}

static const char search_causes_sql[] =
	"SELECT c.slug FROM causes AS c, websearch_to_tsquery('english', $1) AS q\n"
	" WHERE c.search @@ q\n"
	"  AND ($2::text[] IS NULL OR c.positions && $2::text[])\n"
	"  AND ($3::text[] IS NULL OR c.regions && $3::text[])\n"
	" ORDER BY ts_rank_cd(c.search, q) DESC, c.slug COLLATE \"C\"";

int hh_db_search_causes(PGconn *c, const char *q, unsigned positions, unsigned regions,
			struct hh_search_result *out, char *err, size_t errlen)
{
	struct db_ctx x = {.pg = c, .err = err, .errlen = errlen};
	char pos[96], reg[96];
	const char *params[] = {
		q != NULL ? q : "",
		mask_array(positions, HH_POSITION_COUNT, hh_position_name, pos, sizeof(pos)),
		mask_array(regions, HH_REGION_COUNT, hh_region_name, reg, sizeof(reg)),
	};
	memset(out, 0, sizeof(*out));
	PGresult *r = ctx_exec(&x, search_causes_sql, 3, params, PGRES_TUPLES_OK);
	if (r == NULL)
		return -1;
	take_slugs(r, 0, out);
	out->total = (long long)out->n;
	PQclear(r);
	return 0;
}
