/*
 * migrate.c - `healthhub migrate` and `healthhub migrate status`: what to
 * do, in which order, and what to tell the administrator. The SQL is the db
 * module's (db_migrate.c); what changed is a pure diff (migrate_plan.c).
 *
 * The order of a run is the safety argument:
 *   1. validate the content folder; invalid -> report every problem, exit 1,
 *      the database never contacted;
 *   2. BEGIN, take an advisory lock (two migrates queue, never interleave);
 *   3. refuse if an applied migration file was edited, else apply the
 *      pending ones in name order, recording each with its sha256;
 *   4. if the content files differ from the ones last loaded, write the
 *      entities whose checksum changed (and only those: the cost of a
 *      migrate follows the change, not the library), bump the content
 *      version, ANALYZE what changed and NOTIFY;
 *   5. COMMIT, or ROLLBACK on any error and on --dry-run.
 * So the database holds either the old state or the whole new one.
 */
#include "healthhub/migrate.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "healthhub/content.h"
#include "healthhub/db.h"
#include "healthhub/db_migrate.h"
#include "healthhub/hash.h"
#include "healthhub/loader.h"
#include "healthhub/migrate_plan.h"
#include "healthhub/walk.h"

struct run {
	const struct hh_migrate_opts *o;
	FILE *out, *err;
	struct hh_db *db;
	char msg[512]; /* the db module's last error, for the administrator */
};

/* Prints the db module's error; always -1, so callers can return it. */
static int db_failed(struct run *r)
{
	fprintf(r->err, "healthhub migrate: %s\n", r->msg);
	return -1;
}

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

/* --------------------------------------------------------- the disk side */

/* The validated content, everything derived from it, and its side of the diff. */
struct disk {
	struct hh_content *c;
	struct hh_content_files files;
	char (*symptom_sums)[65];
	char (*rule_sums)[65];
	char policy_sum[65];
	struct hh_plan_item *items[HH_PLAN_KIND_COUNT]; /* owned arrays; strings borrowed from c, files, sums */
	struct hh_plan_side side;
};

static void disk_free(struct disk *d)
{
	hh_content_free(d->c);
	hh_content_files_free(&d->files);
	free(d->symptom_sums);
	free(d->rule_sums);
	for (int k = 0; k < HH_PLAN_KIND_COUNT; k++)
		free(d->items[k]);
}

/* A kind of n items for the disk side; the caller fills the returned array. */
static struct hh_plan_item *disk_kind(struct disk *d, enum hh_plan_kind k, size_t n)
{
	d->items[k] = xcalloc(n + 1, sizeof(*d->items[k]));
	d->side.v[k] = d->items[k];
	d->side.n[k] = n;
	return d->items[k];
}

/* Countries by code, translations by path (content/README-i18n.md), each with its file's checksum. */
static void disk_i18n(struct disk *d)
{
	const struct hh_content *c = d->c;
	size_t n = 0;
	struct hh_plan_item *v = disk_kind(d, HH_PLAN_COUNTRY, c->n_countries);
	for (size_t i = 0; i < c->n_countries; i++)
		v[i] = (struct hh_plan_item){c->countries[i].code, c->countries[i].checksum};
	for (size_t i = 0; i < c->n_docs; i++)
		n += strncmp(c->docs[i].path, "countries/", 10) != 0;
	v = disk_kind(d, HH_PLAN_TRANSLATION, n);
	n = 0;
	for (size_t i = 0; i < c->n_docs; i++)
		if (strncmp(c->docs[i].path, "countries/", 10) != 0)
			v[n++] = (struct hh_plan_item){c->docs[i].path, c->docs[i].checksum};
}

static void disk_side(struct disk *d)
{
	const struct hh_content *c = d->c;
	struct hh_plan_item *v = disk_kind(d, HH_PLAN_FILE, d->files.n);
	for (size_t i = 0; i < d->files.n; i++)
		v[i] = (struct hh_plan_item){d->files.v[i].path, d->files.v[i].checksum};
	v = disk_kind(d, HH_PLAN_ARTICLE, c->n_articles);
	for (size_t i = 0; i < c->n_articles; i++)
		v[i] = (struct hh_plan_item){c->articles[i].slug, c->articles[i].checksum};
	v = disk_kind(d, HH_PLAN_CAUSE, c->n_causes);
	for (size_t i = 0; i < c->n_causes; i++)
		v[i] = (struct hh_plan_item){c->causes[i].slug, c->causes[i].checksum};
	v = disk_kind(d, HH_PLAN_REMEDY, c->n_remedies);
	for (size_t i = 0; i < c->n_remedies; i++)
		v[i] = (struct hh_plan_item){c->remedies[i].slug, c->remedies[i].checksum};
	v = disk_kind(d, HH_PLAN_SYMPTOM, c->n_symptoms);
	for (size_t i = 0; i < c->n_symptoms; i++)
		v[i] = (struct hh_plan_item){c->symptoms[i].code, d->symptom_sums[i]};
	v = disk_kind(d, HH_PLAN_RULE, c->policy.n_rules);
	for (size_t i = 0; i < c->policy.n_rules; i++)
		v[i] = (struct hh_plan_item){c->policy.rules[i].code, d->rule_sums[i]};
	v = disk_kind(d, HH_PLAN_COMBINATION, c->policy.n_combinations);
	for (size_t i = 0; i < c->policy.n_combinations; i++)
		v[i] = (struct hh_plan_item){c->policy.combinations[i].code, c->policy.combinations[i].checksum};
	v = disk_kind(d, HH_PLAN_QUESTION, c->n_questions);
	for (size_t i = 0; i < c->n_questions; i++)
		v[i] = (struct hh_plan_item){c->questions[i].id, c->questions[i].checksum};
	v = disk_kind(d, HH_PLAN_POLICY, 1);
	v[0] = (struct hh_plan_item){"triage/policy.json", d->policy_sum};
	disk_i18n(d);
}

static int validate(struct run *r, struct disk *d)
{
	struct hh_diags diags = {0};
	if (hh_loader_read_dir(r->o->content_dir, &d->c, &d->files, &diags) < 0) {
		hh_diags_print(&diags, r->err);
		fprintf(r->err, "healthhub migrate: %zu problem%s in %s; the database was not touched\n", diags.n,
			diags.n == 1 ? "" : "s", r->o->content_dir);
		hh_diags_free(&diags);
		return -1;
	}
	hh_diags_free(&diags);
	const struct hh_content *c = d->c;
	d->symptom_sums = xcalloc(c->n_symptoms + 1, sizeof(*d->symptom_sums));
	/* The loader's entity checksums (hh_sha256_json): one encoding for every entity. */
	for (size_t i = 0; i < c->n_symptoms; i++)
		snprintf(d->symptom_sums[i], sizeof(d->symptom_sums[i]), "%s", c->symptoms[i].checksum);
	d->rule_sums = xcalloc(c->policy.n_rules + 1, sizeof(*d->rule_sums));
	for (size_t i = 0; i < c->policy.n_rules; i++)
		snprintf(d->rule_sums[i], sizeof(d->rule_sums[i]), "%s", c->policy.rules[i].checksum);
	snprintf(d->policy_sum, sizeof(d->policy_sum), "%s", c->policy.checksum);
	disk_side(d);
	return 0;
}

/* The migration files as the disk side of a diff; the strings stay m's. */
static struct hh_plan_item *migration_items(const struct migrations *m, struct hh_plan_side *side)
{
	struct hh_plan_item *v = xcalloc(m->n + 1, sizeof(*v));
	for (size_t i = 0; i < m->n; i++)
		v[i] = (struct hh_plan_item){m->v[i].name, m->v[i].checksum};
	side->v[HH_PLAN_MIGRATION] = v;
	side->n[HH_PLAN_MIGRATION] = m->n;
	return v;
}

/* ------------------------------------------------------- the db side */

/* What the database holds for the kinds in mask; free with db_side_free(). */
struct db_side {
	struct hh_db_sums sums[HH_PLAN_KIND_COUNT];
	struct hh_plan_side side;
};

static void db_side_free(struct db_side *s)
{
	for (int k = 0; k < HH_PLAN_KIND_COUNT; k++)
		hh_db_sums_free(&s->sums[k]);
}

static int read_db_side(struct run *r, unsigned mask, int missing_ok, struct db_side *s)
{
	for (int k = 0; k < HH_PLAN_KIND_COUNT; k++) {
		if (!(mask & HH_PLAN_MASK(k)))
			continue;
		if (hh_db_migrate_sums(r->db, (enum hh_plan_kind)k, missing_ok, &s->sums[k], r->msg, sizeof(r->msg)) <
		    0)
			return db_failed(r);
		s->side.v[k] = s->sums[k].v;
		s->side.n[k] = s->sums[k].n;
	}
	return 0;
}

/* --------------------------------------------------------- migrations */

/* An applied file that changed means the database and the repository disagree. */
static int refuse_changed(struct run *r, const struct hh_plan *plan)
{
	int rc = 0;
	for (size_t i = 0; i < plan->n; i++) {
		const struct hh_plan_entry *e = &plan->v[i];
		if (e->kind != HH_PLAN_MIGRATION || e->state != HH_PLAN_CHANGED)
			continue;
		fprintf(r->err,
			"healthhub migrate: migration %s was changed after it was applied "
			"(checksum %s, recorded %s); add a new migration instead\n",
			e->key, e->sum, e->was);
		rc = -1;
	}
	return rc;
}

/* Applies the pending migrations (the plan's added ones, in name order). */
static int apply_migrations(struct run *r, const struct migrations *m, int *applied)
{
	struct hh_plan_side disk = {0};
	struct db_side db = {0};
	struct hh_plan plan = {0};
	struct hh_plan_item *items = migration_items(m, &disk);
	int rc = read_db_side(r, HH_PLAN_MASK(HH_PLAN_MIGRATION), 0, &db);
	if (rc < 0)
		goto out;
	hh_plan_diff(&disk, &db.side, &plan);
	rc = refuse_changed(r, &plan);
	for (size_t i = 0; i < plan.n && rc == 0; i++) {
		const struct hh_plan_entry *e = &plan.v[i];
		if (e->state != HH_PLAN_ADDED)
			continue;
		const struct migration *mig = &m->v[e - plan.v]; /* disk entries come first, in disk order */
		if (hh_db_migrate_apply(r->db, mig->name, mig->sql, mig->checksum, r->msg, sizeof(r->msg)) < 0) {
			rc = db_failed(r);
			break;
		}
		fprintf(r->out, "%s migration %s (sha256 %s)\n", r->o->dry_run ? "would apply" : "applied", mig->name,
			mig->checksum);
		(*applied)++;
	}
out:
	hh_plan_free(&plan);
	db_side_free(&db);
	free(items);
	return rc;
}

/* ------------------------------------------------------------ content */

#define CONTENT_KINDS (HH_PLAN_MASK(HH_PLAN_FILE) | HH_PLAN_ENTITIES)

static int write_content(struct run *r, const struct disk *d, const struct hh_plan *plan, long long *version)
{
	struct hh_db_content_write w = {
		.c = d->c,
		.files = &d->files,
		.symptom_sums = (const char(*)[65])d->symptom_sums,
		.rule_sums = (const char(*)[65])d->rule_sums,
		.policy_sum = d->policy_sum,
		.plan = plan,
	};
	if (hh_db_migrate_write(r->db, &w, version, r->msg, sizeof(r->msg)) < 0)
		return db_failed(r);
	return 0;
}

static int current_version(struct run *r, long long *version)
{
	int rc = hh_db_migrate_state(r->db, version, NULL, 0, r->msg, sizeof(r->msg));
	return rc == 0 ? 0 : db_failed(r);
}

/* Decides from the plan: the files as last loaded mean nothing to write. */
static int load_content(struct run *r, const struct disk *d, int migrations_applied)
{
	struct db_side db = {0};
	struct hh_plan plan = {0};
	long long version = 0;
	int rc = read_db_side(r, CONTENT_KINDS, 0, &db);
	if (rc == 0)
		rc = current_version(r, &version);
	if (rc < 0)
		goto out;
	hh_plan_diff(&d->side, &db.side, &plan);
	if (hh_plan_changes(&plan, HH_PLAN_MASK(HH_PLAN_FILE)) == 0) {
		fprintf(r->out, "%s (content version %lld)\n", migrations_applied ? "content unchanged" : "up to date",
			version);
		goto out;
	}
	fprintf(r->out, "content changes:\n");
	hh_plan_print(&plan, HH_PLAN_ENTITIES, HH_PLAN_CHANGES, r->out);
	if (r->o->dry_run)
		goto out;
	rc = write_content(r, d, &plan, &version);
	if (rc == 0)
		fprintf(r->out, "loaded content version %lld (%zu articles, %zu causes, %zu remedies, %zu symptoms)\n",
			version, d->c->n_articles, d->c->n_causes, d->c->n_remedies, d->c->n_symptoms);
out:
	hh_plan_free(&plan);
	db_side_free(&db);
	return rc;
}

/* --------------------------------------------------------- the run */

static int transaction(struct run *r, const struct migrations *m, const struct disk *d)
{
	int applied = 0;
	int rc = hh_db_migrate_begin(r->db, r->msg, sizeof(r->msg)) < 0 ? db_failed(r) : 0;
	if (rc == 0)
		rc = apply_migrations(r, m, &applied);
	if (rc == 0)
		rc = load_content(r, d, applied);
	if (rc == 0 && !r->o->dry_run) {
		rc = hh_db_migrate_commit(r->db, r->msg, sizeof(r->msg)) < 0 ? db_failed(r) : 0;
		if (rc < 0)
			fprintf(r->err, "healthhub migrate: not committed; the database is unchanged\n");
		return rc;
	}
	/* Dry run or failure: nothing of this transaction survives. */
	hh_db_migrate_rollback(r->db);
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

static int connect_db(struct run *r)
{
	/* No statement timeout: a large migration may legitimately take long. */
	r->db = hh_db_connect(r->o->database_url, 0, r->msg, sizeof(r->msg));
	if (r->db != NULL)
		return 0;
	fprintf(r->err, "healthhub migrate: cannot connect to the database: %s\n", r->msg);
	return -1;
}

int hh_migrate_run(const struct hh_migrate_opts *o, FILE *out, FILE *err)
{
	struct run r = {.o = o, .out = out, .err = err};
	struct disk d = {0};
	struct migrations m = {0};
	int rc = 1;
	if (check_opts(o, err) < 0 || validate(&r, &d) < 0 || read_migrations(o->migrations_dir, &m, err) < 0)
		goto out;
	if (connect_db(&r) < 0)
		goto out;
	if (transaction(&r, &m, &d) == 0)
		rc = 0;
out:
	hh_db_close(r.db);
	migrations_free(&m);
	disk_free(&d);
	return rc;
}

/* ----------------------------------------------------------- status */

/* The content folder's files as the loader names them: "causes/x.json". */
static void content_paths(const char *dir, struct strlist *paths)
{
	/* the folders loader.c reads: English, the countries, each language version (content/README-i18n.md) */
	static const char *const subdirs[] = {"articles",    "causes",    "remedies",    "triage",   "countries",
					      "es/articles", "es/causes", "es/remedies", "es/triage"};
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

/* The content folder's raw files as the disk side (status reads files the loader might refuse). */
struct raw_files {
	struct strlist paths;
	char (*sums)[65];
	struct hh_plan_item *items;
};

static void raw_files_read(const char *dir, struct raw_files *f, struct hh_plan_side *side)
{
	content_paths(dir, &f->paths);
	f->sums = xcalloc(f->paths.n + 1, sizeof(*f->sums));
	f->items = xcalloc(f->paths.n + 1, sizeof(*f->items));
	for (size_t i = 0; i < f->paths.n; i++) {
		file_checksum(dir, f->paths.v[i], f->sums[i]);
		f->items[i] = (struct hh_plan_item){f->paths.v[i], f->sums[i]};
	}
	side->v[HH_PLAN_FILE] = f->items;
	side->n[HH_PLAN_FILE] = f->paths.n;
}

static void raw_files_free(struct raw_files *f)
{
	strlist_free(&f->paths);
	free(f->sums);
	free(f->items);
}

static int status_version(struct run *r)
{
	long long version = 0;
	char updated[64] = "";
	int rc = hh_db_migrate_state(r->db, &version, updated, sizeof(updated), r->msg, sizeof(r->msg));
	if (rc == HH_DB_NOT_MIGRATED)
		fprintf(r->out, "content version: none (not migrated)\n");
	else if (rc == 0)
		fprintf(r->out, "content version: %lld (updated %s)\n", version, updated);
	return rc == -1 ? db_failed(r) : 0;
}

int hh_migrate_status(const struct hh_migrate_opts *o, FILE *out, FILE *err)
{
	struct run r = {.o = o, .out = out, .err = err};
	struct migrations m = {0};
	struct raw_files files = {0};
	struct hh_plan_side disk = {0};
	struct db_side db = {0};
	struct hh_plan plan = {0};
	struct hh_plan_item *mig_items = NULL;
	int rc = 1;
	if (check_opts(o, err) < 0 || read_migrations(o->migrations_dir, &m, err) < 0 || connect_db(&r) < 0)
		goto out;
	if (read_db_side(&r, HH_PLAN_MASK(HH_PLAN_MIGRATION) | HH_PLAN_MASK(HH_PLAN_FILE), 1, &db) < 0)
		goto out;
	mig_items = migration_items(&m, &disk);
	raw_files_read(o->content_dir, &files, &disk);
	hh_plan_diff(&disk, &db.side, &plan);
	fprintf(out, "migrations (%s):\n", o->migrations_dir);
	hh_plan_print(&plan, HH_PLAN_MASK(HH_PLAN_MIGRATION), HH_PLAN_LISTING, out);
	fprintf(out, "content files (%s):\n", o->content_dir);
	hh_plan_print(&plan, HH_PLAN_MASK(HH_PLAN_FILE), HH_PLAN_LISTING, out);
	if (status_version(&r) == 0)
		rc = 0;
out:
	hh_plan_free(&plan);
	db_side_free(&db);
	raw_files_free(&files);
	free(mig_items);
	hh_db_close(r.db);
	migrations_free(&m);
	return rc;
}
