/*
 * db_load.c - the whole content read back from PostgreSQL as a struct
 * hh_content, for the reloader.
 *
 * Lists are read back in their file order through the `ordinal` columns.
 * Child rows are fetched one table at a time, ordered by (parent slug
 * COLLATE "C", ordinal), and handed out to parents walked in the same
 * order: a merge, so each table costs one query whatever the row count.
 * COLLATE "C" orders like strcmp(), which is how the walk compares.
 * Every query runs against the connection's deadline (db.c).
 */
#include "db_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "healthhub/diags.h"
#include "healthhub/loader.h"

/* ------------------------------------------------------- value helpers */

struct load {
	struct db_ctx db;
	struct hh_content *c;
	char since[24];        /* read entities with changed_in > since ("-1": all), the one parameter of every query */
	const char *params[1]; /* {since} */
	struct hh_db_load_counts *counts;
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
	hh_db_set_err(&l->db, PQfname(r, col), "not an integer");
	return -1;
}

/* Columns col and col + 1 as a range: not given when NULL (0006 holds both NULL or neither). */
static int val_range(struct load *l, const PGresult *r, int row, int col, struct hh_range *out)
{
	out->given = !PQgetisnull(r, row, col);
	if (!out->given)
		return 0;
	return val_int(l, r, row, col, &out->min) < 0 || val_int(l, r, row, col + 1, &out->max) < 0 ? -1 : 0;
}

/* "standing,sitting" (array_to_string of a checked array) -> bit mask. */
static int val_mask(struct load *l, const PGresult *r, int row, int col, int (*parse)(const char *, unsigned *),
		    unsigned *out)
{
	const char *s = PQgetvalue(r, row, col);
	*out = 0;
	while (*s != '\0') {
		char word[32];
		size_t n = strcspn(s, ",");
		unsigned bit = 0;
		snprintf(word, sizeof(word), "%.*s", (int)(n < 31 ? n : 31), s);
		if (parse(word, &bit) < 0) {
			hh_db_set_err(&l->db, PQfname(r, col), "unknown name");
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
	hh_db_set_err(&l->db, PQfname(r, col), "unknown level");
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
static void fill_refs(struct load *l, const PGresult *r, int *row, const char *slug, struct hh_reference_list *out)
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
	/* entity children are read since l->since ($1); triage children (combination parts, interview items) whole */
	int n_params = strstr(sql, "$1") != NULL ? 1 : 0;
	PGresult *r = hh_db_exec(&l->db, sql, n_params, l->params, PGRES_TUPLES_OK, NULL);
	if (r == NULL)
		return l->db.rc;
	int row = 0;
	for (size_t i = 0; i < n_parents; i++)
		fill(l, r, &row, i);
	int rc = 0;
	if (row != PQntuples(r)) {
		hh_db_set_err(&l->db, "load", "child rows out of order");
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
	PGresult *r =
		hh_db_exec(&l->db,
			   "SELECT slug, title, summary, array_to_string(positions, ','),\n"
			   " array_to_string(regions, ','), to_char(reviewed_at, 'YYYY-MM-DD'),\n"
			   " to_char(next_review_due, 'YYYY-MM-DD'),\n"
			   " to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),\n"
			   " version, checksum FROM articles WHERE changed_in > $1::bigint ORDER BY slug COLLATE \"C\"",
			   1, l->params, PGRES_TUPLES_OK, NULL);
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
		rc = load_children(l,
				   "SELECT article_slug, name FROM article_alternate_names\n"
				   " WHERE article_slug IN (SELECT slug FROM articles WHERE changed_in > $1::bigint)\n"
				   " ORDER BY article_slug COLLATE \"C\", ordinal",
				   n, fill_alt_names);
	if (rc == 0)
		rc = load_children(l,
				   "SELECT article_slug, id, heading, body FROM article_sections\n"
				   " WHERE article_slug IN (SELECT slug FROM articles WHERE changed_in > $1::bigint)\n"
				   " ORDER BY article_slug COLLATE \"C\", ordinal",
				   n, fill_sections);
	if (rc == 0)
		rc = load_children(l,
				   "SELECT article_slug, cause_slug FROM article_causes\n"
				   " WHERE article_slug IN (SELECT slug FROM articles WHERE changed_in > $1::bigint)\n"
				   " ORDER BY article_slug COLLATE \"C\", ordinal",
				   n, fill_article_causes);
	if (rc == 0)
		rc = load_children(l,
				   "SELECT article_slug, remedy_slug FROM article_remedies\n"
				   " WHERE article_slug IN (SELECT slug FROM articles WHERE changed_in > $1::bigint)\n"
				   " ORDER BY article_slug COLLATE \"C\", ordinal",
				   n, fill_article_remedies);
	if (rc == 0)
		rc = load_children(l,
				   "SELECT article_slug, title, url FROM article_references\n"
				   " WHERE article_slug IN (SELECT slug FROM articles WHERE changed_in > $1::bigint)\n"
				   " ORDER BY article_slug COLLATE \"C\", ordinal",
				   n, fill_article_refs);
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
	PGresult *r = hh_db_exec(&l->db,
				 "SELECT slug, name, summary, description, array_to_string(positions, ','),\n"
				 " array_to_string(regions, ','), see_doctor_if, checksum\n"
				 " FROM causes WHERE changed_in > $1::bigint ORDER BY slug COLLATE \"C\"",
				 1, l->params, PGRES_TUPLES_OK, NULL);
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
		rc = load_children(l,
				   "SELECT cause_slug, remedy_slug FROM cause_remedies\n"
				   " WHERE cause_slug IN (SELECT slug FROM causes WHERE changed_in > $1::bigint)\n"
				   " ORDER BY cause_slug COLLATE \"C\", ordinal",
				   n, fill_cause_remedies);
	if (rc == 0)
		rc = load_children(l,
				   "SELECT cause_slug, title, url FROM cause_references\n"
				   " WHERE cause_slug IN (SELECT slug FROM causes WHERE changed_in > $1::bigint)\n"
				   " ORDER BY cause_slug COLLATE \"C\", ordinal",
				   n, fill_cause_refs);
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
	PGresult *r = hh_db_exec(&l->db,
				 "SELECT slug, name, summary, description, checksum\n"
				 " FROM remedies WHERE changed_in > $1::bigint ORDER BY slug COLLATE \"C\"",
				 1, l->params, PGRES_TUPLES_OK, NULL);
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
	int rc = load_children(l,
			       "SELECT remedy_slug, step FROM remedy_steps\n"
			       " WHERE remedy_slug IN (SELECT slug FROM remedies WHERE changed_in > $1::bigint)\n"
			       " ORDER BY remedy_slug COLLATE \"C\", ordinal",
			       n, fill_steps);
	if (rc == 0)
		rc = load_children(l,
				   "SELECT remedy_slug, title, url FROM remedy_references\n"
				   " WHERE remedy_slug IN (SELECT slug FROM remedies WHERE changed_in > $1::bigint)\n"
				   " ORDER BY remedy_slug COLLATE \"C\", ordinal",
				   n, fill_remedy_refs);
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
		hh_db_set_err(&l->db, "symptoms", "unknown category");
		return -1;
	}
	if (val_range(l, r, row, 7, &y->ages) < 0)
		return -1;
	return val_level(l, r, row, 3, &y->level);
}

static int load_weights(struct load *l)
{
	PGresult *r = hh_db_exec(&l->db,
				 "SELECT w.code, w.cause_slug, w.weight FROM symptom_weights AS w\n"
				 " JOIN symptoms AS s USING (code) ORDER BY s.ordinal, w.ordinal",
				 0, NULL, PGRES_TUPLES_OK, NULL);
	if (r == NULL)
		return l->db.rc;
	int row = 0, rc = 0;
	for (size_t i = 0; i < l->c->n_symptoms && rc == 0; i++)
		rc = fill_weights(l, r, &row, &l->c->symptoms[i]);
	if (rc == 0 && row != PQntuples(r)) {
		hh_db_set_err(&l->db, "symptom_weights", "rows out of order");
		rc = -1;
	}
	PQclear(r);
	return rc;
}

static int load_symptoms(struct load *l)
{
	PGresult *r = hh_db_exec(&l->db,
				 "SELECT code, question, category, level, message, source_title, source_url,\n"
				 " age_min, age_max FROM symptoms ORDER BY ordinal",
				 0, NULL, PGRES_TUPLES_OK, NULL);
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

/* A number rule (field, min, max) or a floor on "I don't know" answers (unknown_level, column 8). */
static int rule_row(struct load *l, const PGresult *r, int row, struct hh_rule *u)
{
	long long min = 0, max = 0;
	u->code = val(l, r, row, 0);
	u->message = val(l, r, row, 5);
	u->source.title = val(l, r, row, 6);
	u->source.url = val(l, r, row, 7);
	if (!PQgetisnull(r, row, 8)) {
		u->kind = HH_RULE_UNKNOWN_FLOOR;
		if (val_level(l, r, row, 8, &u->unknown_level) < 0)
			return -1;
		return val_level(l, r, row, 4, &u->level);
	}
	if (hh_rule_field_parse(PQgetvalue(r, row, 1), &u->field) < 0) {
		hh_db_set_err(&l->db, "triage_rules", "unknown field");
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
	PGresult *r = hh_db_exec(&l->db,
				 "SELECT code, field, min, max, level, message, source_title, source_url,\n"
				 " unknown_level FROM triage_rules ORDER BY ordinal",
				 0, NULL, PGRES_TUPLES_OK, NULL);
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
	PGresult *r = hh_db_exec(&l->db,
				 "SELECT disclaimer, advice_self_care, advice_see_doctor, advice_urgent,\n"
				 " advice_emergency, max_causes, max_remedies FROM triage_policy",
				 0, NULL, PGRES_TUPLES_OK, NULL);
	if (r == NULL)
		return l->db.rc;
	int rc = -1;
	long long max_causes = 0, max_remedies = 0;
	if (PQntuples(r) != 1) {
		hh_db_set_err(&l->db, "triage_policy", "no row");
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

/* -------------------------------------------------------- combinations */

/* Column 2 (code) of rows start..start+n whose column 1 (list) is list, as a list. */
static void fill_parts(struct load *l, const PGresult *r, int start, size_t n, const char *list, struct hh_strv *out)
{
	out->v = hh_content_alloc(l->c, (n + 1) * sizeof(*out->v));
	out->n = 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(PQgetvalue(r, start + (int)i, 1), list) == 0)
			out->v[out->n++] = val(l, r, start + (int)i, 2);
}

/* A combination's parts: its rows, all_of then any_of (the query orders them so). */
static void fill_combination_parts(struct load *l, const PGresult *r, int *row, size_t i)
{
	struct hh_combination *k = &l->c->policy.combinations[i];
	int start = *row;
	size_t n = take_rows(r, row, k->code);
	fill_parts(l, r, start, n, "all_of", &k->all_of);
	fill_parts(l, r, start, n, "any_of", &k->any_of);
}

static int combination_row(struct load *l, const PGresult *r, int row, struct hh_combination *k)
{
	k->code = val(l, r, row, 0);
	k->message = val(l, r, row, 2);
	k->source.title = val(l, r, row, 3);
	k->source.url = val(l, r, row, 4);
	k->checksum = val(l, r, row, 5);
	k->route = val(l, r, row, 10);
	if (val_range(l, r, row, 6, &k->age) < 0 || val_range(l, r, row, 8, &k->duration_days) < 0)
		return -1;
	return val_level(l, r, row, 1, &k->level);
}

/* The combination rules of 0002_combinations.sql, in file order, each with its parts. */
static int load_combinations(struct load *l)
{
	struct hh_policy *p = &l->c->policy;
	PGresult *r = hh_db_exec(&l->db,
				 "SELECT code, level, message, source_title, source_url, checksum,\n"
				 " age_min, age_max, duration_min, duration_max, route\n"
				 " FROM triage_combinations ORDER BY ordinal",
				 0, NULL, PGRES_TUPLES_OK, NULL);
	if (r == NULL)
		return l->db.rc;
	size_t n = (size_t)PQntuples(r);
	p->combinations = hh_content_alloc(l->c, (n + 1) * sizeof(*p->combinations));
	p->n_combinations = n;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = combination_row(l, r, (int)i, &p->combinations[i]);
	PQclear(r);
	if (rc == 0)
		rc = load_children(l,
				   "SELECT p.combination_code, p.list, p.code FROM triage_combination_parts AS p\n"
				   " JOIN triage_combinations AS c ON c.code = p.combination_code\n"
				   " ORDER BY c.ordinal, p.list COLLATE \"C\", p.ordinal",
				   n, fill_combination_parts);
	return rc;
}

/* ------------------------------------------------------------ interview */

/* A question's items: columns 1 and 2 (code, text) of its rows. */
static void fill_question_items(struct load *l, const PGresult *r, int *row, size_t i)
{
	struct hh_question *q = &l->c->questions[i];
	int start = *row;
	size_t n = take_rows(r, row, q->id);
	q->items = hh_content_alloc(l->c, (n + 1) * sizeof(*q->items));
	q->n_items = n;
	for (size_t k = 0; k < n; k++) {
		q->items[k].code = val(l, r, start + (int)k, 1);
		q->items[k].text = val(l, r, start + (int)k, 2);
	}
}

/* The names 0004_interview.sql allows; anything else is a database out of step with this binary. */
static int question_row(struct load *l, const PGresult *r, int row, struct hh_question *q)
{
	const char *type = PQgetvalue(r, row, 1), *covers = PQgetvalue(r, row, 3);
	enum hh_level level = HH_LEVEL_SELF_CARE;
	q->id = val(l, r, row, 0);
	q->text = val(l, r, row, 2);
	q->checksum = val(l, r, row, 7);
	if (hh_question_type_parse(type, &q->type) < 0) {
		hh_db_set_err(&l->db, "interview_questions", "unknown type");
		return -1;
	}
	if (q->type == HH_QUESTION_INTEGER) {
		if (hh_rule_field_parse(PQgetvalue(r, row, 4), &q->field) < 0) {
			hh_db_set_err(&l->db, "interview_questions", "unknown field");
			return -1;
		}
		return val_int(l, r, row, 5, &q->min) < 0 || val_int(l, r, row, 6, &q->max) < 0 ? -1 : 0;
	}
	if (strcmp(covers, "pattern") == 0) {
		q->covers = HH_QUESTION_PATTERNS;
		return 0;
	}
	if (hh_level_parse(covers, &level) < 0) {
		hh_db_set_err(&l->db, "interview_questions", "unknown covers");
		return -1;
	}
	q->covers = (int)level;
	return 0;
}

/* The interview of 0004_interview.sql, in asking order, each question with its items. */
static int load_interview(struct load *l)
{
	PGresult *r = hh_db_exec(&l->db,
				 "SELECT id, type, text, covers, field, min_value, max_value, checksum\n"
				 " FROM interview_questions ORDER BY ordinal",
				 0, NULL, PGRES_TUPLES_OK, NULL);
	if (r == NULL)
		return l->db.rc;
	size_t n = (size_t)PQntuples(r);
	l->c->questions = hh_content_alloc(l->c, (n + 1) * sizeof(*l->c->questions));
	l->c->n_questions = n;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = question_row(l, r, (int)i, &l->c->questions[i]);
	PQclear(r);
	if (rc == 0)
		rc = load_children(l,
				   "SELECT i.question_id, i.code, i.text FROM interview_items AS i\n"
				   " JOIN interview_questions AS q ON q.id = i.question_id\n"
				   " ORDER BY q.ordinal, i.ordinal",
				   n, fill_question_items);
	return rc;
}

/* ---------------------------------------------------------------- countries and languages */

/*
 * The country and language files of 0005_i18n.sql, parsed with the schema
 * migrate checked them with (loader.c), into l->c's countries and
 * translations. Before 0005 is applied there are none: the content then has
 * no placeholders either (migrate refuses them without countries).
 */
static int load_i18n(struct load *l)
{
	/* a failed SELECT would abort the load's transaction: ask first whether 0005 is there */
	PGresult *r =
		hh_db_exec(&l->db, "SELECT to_regclass('translations') IS NOT NULL", 0, NULL, PGRES_TUPLES_OK, NULL);
	if (r == NULL)
		return l->db.rc;
	int present = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	PQclear(r);
	if (!present)
		return 0;
	r = hh_db_exec(&l->db, "SELECT to_regclass('phrases') IS NOT NULL", 0, NULL, PGRES_TUPLES_OK, NULL);
	if (r == NULL)
		return l->db.rc;
	int phrases = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "t") == 0; /* 0006 */
	PQclear(r);
	r = hh_db_exec(&l->db,
		       phrases ? "SELECT 'countries/' || code || '.json', document::text FROM countries\n"
				 "UNION ALL SELECT path, document::text FROM translations\n"
				 "UNION ALL SELECT path, document::text FROM phrases ORDER BY 1"
			       : "SELECT 'countries/' || code || '.json', document::text FROM countries\n"
				 "UNION ALL SELECT path, document::text FROM translations ORDER BY 1",
		       0, NULL, PGRES_TUPLES_OK, NULL);
	if (r == NULL)
		return l->db.rc;
	size_t n = (size_t)PQntuples(r);
	struct hh_i18n_doc *docs = xcalloc(n + 1, sizeof(*docs));
	for (size_t i = 0; i < n; i++)
		docs[i] = (struct hh_i18n_doc){PQgetvalue(r, (int)i, 0), PQgetvalue(r, (int)i, 1), NULL};
	struct hh_diags diags = {0};
	int rc = hh_loader_read_i18n(l->c, docs, n, &diags);
	if (rc < 0) {
		const struct hh_diag *d0 = diags.n > 0 ? &diags.v[0] : NULL;
		hh_db_set_err(&l->db, "countries and translations", d0 != NULL ? d0->message : "invalid");
		rc = -1;
	}
	hh_diags_free(&diags);
	free(docs);
	PQclear(r);
	return rc;
}

/* ---------------------------------------------------------------- merge */

/* Slugs removed since l->since, per kind, sorted like strcmp (COLLATE "C"). */
struct removed {
	PGresult *r; /* kind, slug rows */
};

static int load_removed(struct load *l, struct removed *out)
{
	out->r = hh_db_exec(&l->db,
			    "SELECT kind, slug FROM content_removed WHERE version > $1::bigint\n"
			    " ORDER BY kind, slug COLLATE \"C\"",
			    1, l->params, PGRES_TUPLES_OK, NULL);
	if (out->r == NULL)
		return l->db.rc;
	l->counts->removed = (size_t)PQntuples(out->r);
	return 0;
}

static int is_removed(const struct removed *d, const char *kind, const char *slug)
{
	/* few rows per reload: a linear scan is enough */
	for (int i = 0; i < PQntuples(d->r); i++)
		if (strcmp(PQgetvalue(d->r, i, 0), kind) == 0 && strcmp(PQgetvalue(d->r, i, 1), slug) == 0)
			return 1;
	return 0;
}

/* The entities read (changed since old, sorted) plus every other entity of old not removed, copied. */
static void keep_articles(struct load *l, const struct hh_content *old, const struct removed *d)
{
	struct hh_content *c = l->c;
	struct hh_article *v = hh_content_alloc(c, (c->n_articles + old->n_articles + 1) * sizeof(*v));
	size_t n = c->n_articles;
	memcpy(v, c->articles, n * sizeof(*v));
	for (size_t i = 0; i < old->n_articles; i++) {
		const struct hh_article *a = &old->articles[i];
		if (hh_content_article(c, a->slug) == NULL && !is_removed(d, "article", a->slug))
			hh_content_copy_article(c, &v[n++], a);
	}
	l->counts->kept += n - c->n_articles;
	c->articles = v;
	c->n_articles = n;
}

static void keep_causes(struct load *l, const struct hh_content *old, const struct removed *d)
{
	struct hh_content *c = l->c;
	struct hh_cause *v = hh_content_alloc(c, (c->n_causes + old->n_causes + 1) * sizeof(*v));
	size_t n = c->n_causes;
	memcpy(v, c->causes, n * sizeof(*v));
	for (size_t i = 0; i < old->n_causes; i++) {
		const struct hh_cause *x = &old->causes[i];
		if (hh_content_cause(c, x->slug) == NULL && !is_removed(d, "cause", x->slug))
			hh_content_copy_cause(c, &v[n++], x);
	}
	l->counts->kept += n - c->n_causes;
	c->causes = v;
	c->n_causes = n;
}

static void keep_remedies(struct load *l, const struct hh_content *old, const struct removed *d)
{
	struct hh_content *c = l->c;
	struct hh_remedy *v = hh_content_alloc(c, (c->n_remedies + old->n_remedies + 1) * sizeof(*v));
	size_t n = c->n_remedies;
	memcpy(v, c->remedies, n * sizeof(*v));
	for (size_t i = 0; i < old->n_remedies; i++) {
		const struct hh_remedy *x = &old->remedies[i];
		if (hh_content_remedy(c, x->slug) == NULL && !is_removed(d, "remedy", x->slug))
			hh_content_copy_remedy(c, &v[n++], x);
	}
	l->counts->kept += n - c->n_remedies;
	c->remedies = v;
	c->n_remedies = n;
}

static int merge_old(struct load *l, const struct hh_content *old)
{
	struct removed d = {0};
	int rc = load_removed(l, &d);
	if (rc < 0)
		return rc;
	keep_articles(l, old, &d);
	keep_causes(l, old, &d);
	keep_remedies(l, old, &d);
	PQclear(d.r);
	return 0;
}

/* ---------------------------------------------------------------- load */

static int load_all(struct load *l, const struct hh_content *old)
{
	int rc = hh_db_content_version(l->db.db, &l->c->version, l->db.err, l->db.errlen);
	if (rc < 0)
		return rc;
	/* an old content newer than the database (restored, re-created): read it all */
	if (old == NULL || old->version > l->c->version)
		old = NULL;
	l->counts->full = old == NULL;
	snprintf(l->since, sizeof(l->since), "%lld", old != NULL ? (long long)old->version : -1LL);
	rc = load_remedies(l);
	if (rc == 0)
		rc = load_causes(l);
	if (rc == 0)
		rc = load_articles(l);
	if (rc == 0) {
		l->counts->articles = l->c->n_articles;
		l->counts->causes = l->c->n_causes;
		l->counts->remedies = l->c->n_remedies;
	}
	if (rc == 0 && old != NULL)
		rc = merge_old(l, old);
	if (rc == 0)
		rc = load_symptoms(l);
	if (rc == 0)
		rc = load_policy(l);
	if (rc == 0)
		rc = load_combinations(l);
	if (rc == 0)
		rc = load_interview(l);
	if (rc == 0)
		rc = load_i18n(l);
	return rc;
}

int hh_db_load_since(struct hh_db *db, const struct hh_content *old, struct hh_content **out,
		     struct hh_db_load_counts *counts, char *err, size_t errlen)
{
	struct load l = {.db = {.db = db, .err = err, .errlen = errlen}, .counts = counts};
	l.params[0] = l.since;
	memset(counts, 0, sizeof(*counts));
	*out = NULL;
	/* One snapshot: a migrate committing mid-read must not mix versions. */
	int rc = hh_db_command(&l.db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL);
	if (rc < 0)
		return rc;
	l.c = hh_content_new();
	rc = load_all(&l, old);
	if (rc == 0)
		rc = hh_db_command(&l.db, "COMMIT", 0, NULL);
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
