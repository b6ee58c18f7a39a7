/*
 * migrate.c - `healthhub migrate` and `healthhub migrate status`: what to
 * do, in which order, and what to tell the administrator. The SQL is the db
 * module's (db_migrate.c); what changed is a pure diff of documents
 * (migrate_plan.c, docstore.c).
 *
 * The order of a run is the safety argument:
 *   1. validate the content folder; invalid -> report every problem, exit 1,
 *      the database never contacted;
 *   2. BEGIN, take an advisory lock (two migrates queue, never interleave);
 *   3. refuse if an applied migration file was edited, else apply the
 *      pending ones in name order, recording each with its sha256;
 *   4. if the documents differ from the newest stored, make content
 *      version N (with author and message) and append the documents that
 *      changed (and only those: the cost of a migrate follows the change,
 *      not the library), then NOTIFY;
 *   5. COMMIT, or ROLLBACK on any error and on --dry-run.
 * So the database holds either the old state or the whole new one.
 */
#include "healthhub/migrate.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <pwd.h>
#include <unistd.h>

#include "healthhub/content.h"
#include "healthhub/db.h"
#include "healthhub/db_migrate.h"
#include "healthhub/docstore.h"
#include "healthhub/hash.h"
#include "healthhub/i18n.h"
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

/* --------------------------------------------------------- the documents */

/* The plan's name for a document: "poor-posture" (a cause), "triage", "es cause/poor-posture". */
static enum hh_plan_kind doc_key(const struct hh_doc *d, char **key)
{
	static const char *const kinds[] = {"article", "cause", "remedy", "triage", "country"};
	static const enum hh_plan_kind plan[] = {HH_PLAN_ARTICLE, HH_PLAN_CAUSE, HH_PLAN_REMEDY, HH_PLAN_TRIAGE,
						 HH_PLAN_COUNTRY};
	char kind[16];
	hh_doc_kind(d->name, kind, sizeof(kind));
	if (strcmp(d->lang, "en") != 0) {
		*key = xasprintf("%s %s", d->lang, d->name);
		return HH_PLAN_TRANSLATION;
	}
	const char *slash = strchr(d->name, '/');
	*key = xstrdup(slash != NULL ? slash + 1 : d->name);
	for (size_t i = 0; i < HH_ARRAY_LEN(kinds); i++)
		if (strcmp(kind, kinds[i]) == 0)
			return plan[i];
	return HH_PLAN_TRANSLATION;
}

/* The document a plan entry names, back from doc_key: found in docs (sorted), or NULL. */
static const struct hh_doc *doc_of_entry(const struct hh_docs *docs, const struct hh_plan_entry *e)
{
	char name[300], lang[8] = "en";
	const char *key = e->key;
	if (e->kind == HH_PLAN_TRANSLATION) {
		snprintf(lang, sizeof(lang), "%.*s", (int)strcspn(key, " "), key);
		key += strcspn(key, " ") + (key[strcspn(key, " ")] != '\0');
		snprintf(name, sizeof(name), "%s", key);
	} else if (e->kind == HH_PLAN_TRIAGE) {
		snprintf(name, sizeof(name), "triage");
	} else {
		snprintf(name, sizeof(name), "%s/%s", hh_plan_kind_name(e->kind), key);
	}
	return hh_docs_find(docs, name, lang);
}

/* One side of the documents' diff: items per kind, keys owned. Removed documents are not on it. */
struct doc_side {
	struct hh_plan_item *items[HH_PLAN_KIND_COUNT];
	char **keys;
	size_t n_keys;
};

static void doc_side_free(struct doc_side *s)
{
	for (int k = 0; k < HH_PLAN_KIND_COUNT; k++)
		free(s->items[k]);
	for (size_t i = 0; i < s->n_keys; i++)
		free(s->keys[i]);
	free(s->keys);
	memset(s, 0, sizeof(*s));
}

static void doc_side(const struct hh_docs *docs, struct doc_side *s, struct hh_plan_side *side)
{
	s->keys = xcalloc(docs->n + 1, sizeof(*s->keys));
	for (int k = 0; k < HH_PLAN_KIND_COUNT; k++)
		if (k != HH_PLAN_MIGRATION) {
			s->items[k] = xcalloc(docs->n + 1, sizeof(*s->items[k]));
			side->v[k] = s->items[k];
			side->n[k] = 0;
		}
	for (size_t i = 0; i < docs->n; i++) {
		if (docs->v[i].body == NULL && docs->v[i].checksum[0] == '\0')
			continue; /* removed */
		char *key = NULL;
		enum hh_plan_kind k = doc_key(&docs->v[i], &key);
		s->keys[s->n_keys++] = key;
		s->items[k][side->n[k]++] = (struct hh_plan_item){key, docs->v[i].checksum};
	}
}

/* The validated content and its documents. */
struct disk {
	struct hh_content *c;          /* the entities read (a run with known files reads only some) */
	struct hh_content_files files; /* raw sha256 per file read: the upgrade and file_checks use them */
	struct hh_docs docs;           /* every document, the known ones by checksum alone */
};

static void disk_free(struct disk *d)
{
	hh_content_free(d->c);
	hh_content_files_free(&d->files);
	hh_docs_free(&d->docs);
	memset(d, 0, sizeof(*d));
}

/* ------------------------------------------------------- known files */

/*
 * A one-article change costs one article, not a parse of the library. The
 * database remembers which file bytes passed every check of this very build
 * and which document they made (file_checks); an article or remedy file
 * whose bytes are remembered and whose document is the one stored now is
 * not read again. That holds only while nothing it was checked against
 * changed, so a run with known files is kept only if no entity went and
 * the causes, countries and triage files are exactly as stored (the links
 * from and to them, the remedies' links from causes, the placeholders, the
 * citations); otherwise the library is checked whole, as is a run that
 * finds any problem (its diagnostics are then the whole library's). A file
 * and its translation are read together: the languages are compared.
 */
struct known {
	char checker[65]; /* this build: the sha256 of the executable; "" unknown */
	struct hh_db_checks memo;
	struct hh_docs stored;     /* the current documents, checksums only */
	struct hh_i18n_doc *files; /* the known files, sorted by path; path and checksum owned */
	size_t n;
};

static void known_free(struct known *k)
{
	hh_db_checks_free(&k->memo);
	hh_docs_free(&k->stored);
	for (size_t i = 0; i < k->n; i++) {
		free((char *)k->files[i].path);
		free((char *)k->files[i].checksum);
	}
	free(k->files);
	k->files = NULL;
	k->n = 0;
}

/* The files a run may know: articles and remedies, in every language. */
static const char *const known_dirs[] = {"articles", "remedies"};

static int is_known_kind(const char *path)
{
	char name[300], lang[8];
	const char *member = NULL;
	return hh_doc_of_path(path, name, sizeof(name), lang, &member) == 0 &&
	       (strncmp(name, "article/", 8) == 0 || strncmp(name, "remedy/", 7) == 0);
}

static int cmp_check(const void *a, const void *b)
{
	const struct hh_db_check *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	return c != 0 ? c : strcmp(x->file_checksum, y->file_checksum);
}

/* The document the file at path with these bytes made, as this build checked it; NULL if never. */
static const char *memo_find(const struct hh_db_checks *memo, const char *path, const char *file_checksum)
{
	struct hh_db_check key = {(char *)path, (char *)file_checksum, NULL};
	const struct hh_db_check *c = memo->n > 0 ? bsearch(&key, memo->v, memo->n, sizeof(*memo->v), cmp_check) : NULL;
	return c != NULL ? c->checksum : NULL;
}

static int cmp_known(const void *a, const void *b)
{
	return strcmp(((const struct hh_i18n_doc *)a)->path, ((const struct hh_i18n_doc *)b)->path);
}

/* The build's id: what it checks may change with any build, so a row holds for its own only. */
static void build_id(char out[65])
{
	char *buf = NULL;
	size_t len = 0;
	out[0] = '\0';
	if (read_file("/proc/self/exe", &buf, &len) == 0)
		hh_sha256_hex(buf, len, out);
	free(buf);
}

/* Whether one of rel's other-language versions (es/x for x, x for es/x) is in the sorted list. */
static int counterpart_in(const char *rel, const struct strlist *sorted)
{
	char lang[8];
	const char *member = NULL, *rest = rel;
	char name[300];
	if (hh_doc_of_path(rel, name, sizeof(name), lang, &member) < 0)
		return 0;
	if (strcmp(lang, "en") != 0)
		rest = rel + strlen(lang) + 1;
	for (int l = 0; l < HH_LANG_COUNT; l++) {
		const char *ln = hh_lang_name((enum hh_lang)l);
		if (strcmp(ln, lang) == 0)
			continue;
		char *other = l == HH_LANG_EN ? xstrdup(rest) : xasprintf("%s/%s", ln, rest);
		int in = sorted->n > 0 && bsearch(&other, sorted->v, sorted->n, sizeof(*sorted->v), cmp_str) != NULL;
		free(other);
		if (in)
			return 1;
	}
	return 0;
}

/* One file of the folder: known (added to cand) or to be read (added to changed). */
static void sort_file(struct run *r, const struct known *k, const char *rel, struct strlist *cand, struct strlist *sums,
		      struct strlist *changed)
{
	char *buf = NULL, *why = NULL, sum[65], name[300], lang[8];
	const char *member = NULL, *was = NULL;
	size_t len = 0;
	if (hh_walk_read(r->o->content_dir, rel, &buf, &len, &why) == 0) {
		hh_sha256_hex(buf, len, sum);
		was = memo_find(&k->memo, rel, sum);
	}
	const struct hh_doc *doc = was != NULL && hh_doc_of_path(rel, name, sizeof(name), lang, &member) == 0
					   ? hh_docs_find(&k->stored, name, lang)
					   : NULL;
	if (doc != NULL && strcmp(doc->checksum, was) == 0) {
		strlist_add(cand, rel);
		strlist_add(sums, was);
	} else {
		strlist_add(changed, rel);
	}
	free(buf);
	free(why);
}

/* Fills k with the files this run need not read (none when the database knows none). */
static void find_known(struct run *r, struct known *k)
{
	struct strlist cand = {0}, sums = {0}, changed = {0};
	build_id(k->checker);
	if (k->checker[0] == '\0' || hh_db_checks_read(r->db, k->checker, &k->memo, r->msg, sizeof(r->msg)) < 0 ||
	    k->memo.n == 0 || hh_db_docs_at(r->db, 0, NULL, 0, &k->stored, r->msg, sizeof(r->msg)) < 0)
		return;
	for (int l = 0; l < HH_LANG_COUNT; l++)
		for (size_t i = 0; i < HH_ARRAY_LEN(known_dirs); i++) {
			struct hh_walk_names names = {0};
			char *why = NULL;
			char *sub = l == HH_LANG_EN ? xstrdup(known_dirs[i])
						    : xasprintf("%s/%s", hh_lang_name((enum hh_lang)l), known_dirs[i]);
			if (hh_walk_list(r->o->content_dir, sub, &names, &why) == 0)
				for (size_t f = 0; f < names.n; f++) {
					char *rel = xasprintf("%s/%s.json", sub, names.v[f]);
					sort_file(r, k, rel, &cand, &sums, &changed);
					free(rel);
				}
			free(why);
			free(sub);
			hh_walk_names_free(&names);
		}
	if (changed.n > 1)
		qsort(changed.v, changed.n, sizeof(*changed.v), cmp_str);
	k->files = xcalloc(cand.n + 1, sizeof(*k->files));
	for (size_t i = 0; i < cand.n; i++)
		if (!counterpart_in(cand.v[i], &changed)) /* a file and its translation are read together */
			k->files[k->n++] = (struct hh_i18n_doc){xstrdup(cand.v[i]), NULL, xstrdup(sums.v[i])};
	if (k->n > 1)
		qsort(k->files, k->n, sizeof(*k->files), cmp_known);
	strlist_free(&cand);
	strlist_free(&sums);
	strlist_free(&changed);
}

/* Whether a run with known files may stand: only articles and remedies changed or came, none went. */
static int only_known_kinds_changed(const struct hh_docs *disk, const struct hh_docs *stored)
{
	for (size_t i = 0; i < stored->n; i++) {
		const struct hh_doc *s = &stored->v[i];
		const struct hh_doc *d = s->checksum[0] != '\0' ? hh_docs_find(disk, s->name, s->lang) : NULL;
		if (s->checksum[0] != '\0' && d == NULL)
			return 0; /* removed: a link to it may be in a file not read */
		if (d != NULL && strncmp(s->name, "article/", 8) != 0 && strncmp(s->name, "remedy/", 7) != 0 &&
		    strcmp(s->checksum, d->checksum) != 0)
			return 0;
	}
	for (size_t i = 0; i < disk->n; i++) {
		const struct hh_doc *d = &disk->v[i];
		const struct hh_doc *s = hh_docs_find(stored, d->name, d->lang);
		if ((s == NULL || s->checksum[0] == '\0') && strncmp(d->name, "article/", 8) != 0 &&
		    strncmp(d->name, "remedy/", 7) != 0)
			return 0; /* a new cause, country or ruleset */
	}
	return 1;
}

/* The folder checked with the known files skipped; 0, or -1 when the library must be checked whole. */
static int validate_known(struct run *r, struct disk *d, const struct known *k)
{
	struct hh_diags quiet = {0};
	int ok = hh_loader_read_dir_known(r->o->content_dir, k->files, k->n, &d->c, &d->files, &quiet) == 0 &&
		 hh_docs_from_files(d->c->docs, d->c->n_docs, 1, &d->docs) == 0 &&
		 only_known_kinds_changed(&d->docs, &k->stored);
	hh_diags_free(&quiet);
	if (!ok)
		disk_free(d);
	return ok ? 0 : -1;
}

static int validate(struct run *r, struct disk *d, const struct known *k)
{
	struct hh_diags diags = {0};
	if (k->n > 0 && validate_known(r, d, k) == 0)
		return 0;
	if (hh_loader_read_dir(r->o->content_dir, &d->c, &d->files, &diags) < 0) {
		hh_diags_print(&diags, r->err);
		fprintf(r->err, "healthhub migrate: %zu problem%s in %s; the database was not touched\n", diags.n,
			diags.n == 1 ? "" : "s", r->o->content_dir);
		hh_diags_free(&diags);
		return -1;
	}
	hh_diags_free(&diags);
	if (hh_docs_from_files(d->c->docs, d->c->n_docs, 1, &d->docs) < 0) {
		fprintf(r->err, "healthhub migrate: %s: a file no document holds\n", r->o->content_dir);
		return -1;
	}
	return 0;
}

/* Remembers the article and remedy files this run read and found good, for the next run. */
static int record_checks(struct run *r, const struct disk *d, const struct known *k)
{
	struct hh_db_check *rows = xcalloc(d->files.n + 1, sizeof(*rows));
	size_t n = 0;
	for (size_t i = 0; i < d->files.n && k->checker[0] != '\0'; i++) {
		const struct hh_content_file *f = &d->files.v[i];
		char name[300], lang[8];
		const char *member = NULL;
		if (!is_known_kind(f->path) || memo_find(&k->memo, f->path, f->checksum) != NULL ||
		    hh_doc_of_path(f->path, name, sizeof(name), lang, &member) < 0)
			continue;
		const struct hh_doc *doc = hh_docs_find(&d->docs, name, lang);
		if (doc != NULL && doc->body != NULL)
			rows[n++] = (struct hh_db_check){f->path, (char *)f->checksum, (char *)doc->checksum};
	}
	int rc = hh_db_checks_write(r->db, k->checker, rows, n, r->msg, sizeof(r->msg)) < 0 ? db_failed(r) : 0;
	free(rows);
	return rc;
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

/* The migrations applied; free with db_side_free(). */
struct db_side {
	struct hh_db_sums sums;
	struct hh_plan_side side;
};

static void db_side_free(struct db_side *s)
{
	hh_db_sums_free(&s->sums);
}

static int read_db_side(struct run *r, int missing_ok, struct db_side *s)
{
	if (hh_db_migrate_sums(r->db, HH_PLAN_MIGRATION, missing_ok, &s->sums, r->msg, sizeof(r->msg)) < 0)
		return db_failed(r);
	s->side.v[HH_PLAN_MIGRATION] = s->sums.v;
	s->side.n[HH_PLAN_MIGRATION] = s->sums.n;
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
	int rc = read_db_side(r, 0, &db);
	if (rc < 0)
		goto out;
	hh_plan_diff(&disk, &db.side, &plan);
	rc = refuse_changed(r, &plan);
	for (size_t i = 0; i < plan.n && rc == 0; i++) {
		const struct hh_plan_entry *e = &plan.v[i];
		if (e->kind != HH_PLAN_MIGRATION || e->state != HH_PLAN_ADDED)
			continue;
		const struct migration *mig = &m->v[e->disk];
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

/* "user@host", who a migrate is by when --author is not given. */
static char *default_author(void)
{
	char host[256] = "localhost";
	const char *user = getenv("USER");
	struct passwd *pw = user == NULL || *user == '\0' ? getpwuid(getuid()) : NULL;
	if (pw != NULL)
		user = pw->pw_name;
	(void)gethostname(host, sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	return xasprintf("%s@%s", user != NULL && *user ? user : "unknown", host);
}

/*
 * Makes content version *version (author NULL or "": user@host) with the
 * documents plan says changed: added and changed ones from docs, removals
 * of those in was; then NOTIFY. 0 or -1 (err filled).
 */
static int write_docs(struct hh_db *db, const struct hh_docs *docs, const struct hh_plan *plan,
		      const struct hh_docs *was, const char *author, const char *message, const char *action,
		      long long *version, char *err, size_t errlen)
{
	char *who = author != NULL && *author ? xstrdup(author) : default_author();
	int rc = hh_db_version_new(db, who, message, action, version, err, errlen);
	free(who);
	for (size_t i = 0; i < plan->n && rc == 0; i++) {
		const struct hh_plan_entry *e = &plan->v[i];
		if (e->kind == HH_PLAN_MIGRATION || e->state == HH_PLAN_SAME)
			continue;
		const struct hh_doc *d = doc_of_entry(e->state == HH_PLAN_REMOVED ? was : docs, e);
		struct hh_doc gone = {0};
		if (d != NULL && e->state == HH_PLAN_REMOVED) {
			gone = (struct hh_doc){.name = d->name};
			snprintf(gone.lang, sizeof(gone.lang), "%s", d->lang);
			d = &gone;
		}
		rc = d != NULL ? hh_db_doc_write(db, *version, d, err, errlen) : -1;
	}
	return rc == 0 ? hh_db_notify(db, *version, err, errlen) : -1;
}

/* --dry-run: each changed document, field by field. */
static int print_field_diff(struct run *r, const struct disk *d, const struct hh_plan *plan)
{
	struct hh_docs was = {0};
	if (hh_db_docs_at(r->db, 0, NULL, 1, &was, r->msg, sizeof(r->msg)) < 0)
		return db_failed(r);
	for (size_t i = 0; i < plan->n; i++) {
		const struct hh_plan_entry *e = &plan->v[i];
		if (e->kind == HH_PLAN_MIGRATION || e->state != HH_PLAN_CHANGED)
			continue;
		const struct hh_doc *a = doc_of_entry(&was, e), *b = doc_of_entry(&d->docs, e);
		fprintf(r->out, "  %s %s:\n", hh_plan_kind_name(e->kind), e->key);
		(void)hh_doc_diff(a != NULL ? a->body : NULL, b != NULL ? b->body : NULL, "    ", r->out);
	}
	hh_docs_free(&was);
	return 0;
}

/*
 * An upgrade from the relational schema: the documents whose files are
 * exactly those last loaded are stored at the version then served, so the
 * history starts there; any other is an ordinary change of this run.
 */
static int upgrade(struct run *r, const struct disk *d)
{
	struct hh_db_sums legacy = {0};
	long long version = 0;
	if (hh_db_upgrade_sums(r->db, &legacy, &version, r->msg, sizeof(r->msg)) < 0)
		return db_failed(r);
	int rc = 0;
	char *stale = xcalloc(d->docs.n + 1, 1);
	for (size_t i = 0; i < d->files.n && version > 0; i++) {
		char name[300], lang[8];
		const char *member = NULL, *sum = NULL;
		if (hh_doc_of_path(d->files.v[i].path, name, sizeof(name), lang, &member) < 0)
			continue;
		const struct hh_doc *doc = hh_docs_find(&d->docs, name, lang);
		for (size_t k = 0; k < legacy.n && sum == NULL; k++)
			sum = strcmp(legacy.v[k].key, d->files.v[i].path) == 0 ? legacy.v[k].sum : NULL;
		if (doc != NULL && (sum == NULL || strcmp(sum, d->files.v[i].checksum) != 0))
			stale[doc - d->docs.v] = 1;
	}
	size_t kept = 0;
	for (size_t i = 0; i < d->docs.n && version > 0 && rc == 0; i++)
		if (!stale[i] && !r->o->dry_run) {
			rc = hh_db_doc_write(r->db, version, &d->docs.v[i], r->msg, sizeof(r->msg)) < 0 ? db_failed(r)
													: 0;
			kept++;
		}
	if (version > 0 && rc == 0)
		fprintf(r->out, "upgrade: the history starts at content version %lld (%zu documents as loaded)\n",
			version, kept);
	free(stale);
	hh_db_sums_free(&legacy);
	return rc == 0 && hh_db_upgrade_done(r->db, r->msg, sizeof(r->msg)) < 0 ? db_failed(r) : rc;
}

/* The English documents of a kind ("article/"), read or known. */
static size_t count_docs(const struct hh_docs *docs, const char *kind)
{
	size_t n = 0;
	for (size_t i = 0; i < docs->n; i++)
		n += strcmp(docs->v[i].lang, "en") == 0 && docs->v[i].checksum[0] != '\0' &&
		     strncmp(docs->v[i].name, kind, strlen(kind)) == 0;
	return n;
}

/*
 * A file skipped as known (its document kept without a body) was the stored
 * document when find_known read it, before the lock. If the plan now calls it
 * added or changed, another migrate committed in between: writing it would
 * write no body (a removal). Refused whole; a second run reads it anew.
 */
static int known_still_stored(struct run *r, const struct disk *d, const struct hh_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++) {
		const struct hh_plan_entry *e = &plan->v[i];
		if (e->kind == HH_PLAN_MIGRATION || (e->state != HH_PLAN_ADDED && e->state != HH_PLAN_CHANGED))
			continue;
		const struct hh_doc *doc = doc_of_entry(&d->docs, e);
		if (doc != NULL && doc->body == NULL) {
			snprintf(r->msg, sizeof(r->msg),
				 "%s (%s) changed in the database while this migrate ran (another migrate committed): "
				 "nothing written; run migrate again",
				 doc->name, doc->lang);
			return db_failed(r);
		}
	}
	return 0;
}

/* Decides from the plan: documents as stored mean nothing to write. */
static int load_content(struct run *r, const struct disk *d, int migrations_applied)
{
	struct hh_docs was = {0};
	struct doc_side disk_s = {0}, db_s = {0};
	struct hh_plan_side disk = {0}, db = {0};
	struct hh_plan plan = {0};
	long long version = 0;
	int rc = upgrade(r, d);
	if (rc == 0 && hh_db_docs_at(r->db, 0, NULL, 0, &was, r->msg, sizeof(r->msg)) < 0)
		rc = db_failed(r);
	if (rc == 0 && hh_db_migrate_state(r->db, &version, NULL, 0, r->msg, sizeof(r->msg)) == -1)
		rc = db_failed(r);
	if (rc < 0)
		goto out;
	doc_side(&d->docs, &disk_s, &disk);
	doc_side(&was, &db_s, &db);
	hh_plan_diff(&disk, &db, &plan);
	if ((rc = known_still_stored(r, d, &plan)) < 0)
		goto out;
	if (hh_plan_changes(&plan, HH_PLAN_ENTITIES) == 0) {
		fprintf(r->out, "%s (content version %lld)\n", migrations_applied ? "content unchanged" : "up to date",
			version);
		goto out;
	}
	fprintf(r->out, "content changes:\n");
	hh_plan_print(&plan, HH_PLAN_ENTITIES, HH_PLAN_CHANGES, r->out);
	if (r->o->dry_run) {
		rc = print_field_diff(r, d, &plan);
		goto out;
	}
	if (write_docs(r->db, &d->docs, &plan, &was, r->o->author, r->o->message,
		       r->o->action != NULL ? r->o->action : "migrate", &version, r->msg, sizeof(r->msg)) < 0)
		rc = db_failed(r);
	if (rc == 0)
		fprintf(r->out, "loaded content version %lld (%zu articles, %zu causes, %zu remedies, %zu symptoms)\n",
			version, count_docs(&d->docs, "article/"), count_docs(&d->docs, "cause/"),
			count_docs(&d->docs, "remedy/"), d->c->n_symptoms);
out:
	hh_plan_free(&plan);
	doc_side_free(&disk_s);
	doc_side_free(&db_s);
	hh_docs_free(&was);
	return rc;
}

/* --------------------------------------------------------- the run */

static int transaction(struct run *r, const struct migrations *m, const struct disk *d, const struct known *k)
{
	int applied = 0;
	int rc = hh_db_migrate_begin(r->db, r->msg, sizeof(r->msg)) < 0 ? db_failed(r) : 0;
	if (rc == 0)
		rc = apply_migrations(r, m, &applied);
	if (rc == 0)
		rc = load_content(r, d, applied);
	if (rc == 0 && !r->o->dry_run)
		rc = record_checks(r, d, k);
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

/* Connects; quiet when quiet (the caller says it later), so that refused content is told first. */
static int connect_db_as(struct run *r, int quiet)
{
	/* No statement timeout: a large migration may legitimately take long. */
	r->db = hh_db_connect(r->o->database_url, 0, r->msg, sizeof(r->msg));
	if (r->db != NULL)
		return 0;
	if (!quiet)
		fprintf(r->err, "healthhub migrate: cannot connect to the database: %s\n", r->msg);
	return -1;
}

static int connect_db(struct run *r)
{
	return connect_db_as(r, 0);
}

int hh_migrate_run(const struct hh_migrate_opts *o, FILE *out, FILE *err)
{
	struct run r = {.o = o, .out = out, .err = err};
	struct disk d = {0};
	struct migrations m = {0};
	struct known k = {0};
	int rc = 1;
	if (check_opts(o, err) < 0)
		goto out;
	/* the database says which files need no reading; refused content is told before any failure to connect */
	if (connect_db_as(&r, 1) == 0)
		find_known(&r, &k);
	if (validate(&r, &d, &k) < 0 || read_migrations(o->migrations_dir, &m, err) < 0)
		goto out;
	if (r.db == NULL) {
		fprintf(err, "healthhub migrate: cannot connect to the database: %s\n", r.msg);
		goto out;
	}
	if (transaction(&r, &m, &d, &k) == 0)
		rc = 0;
out:
	hh_db_close(r.db);
	known_free(&k);
	migrations_free(&m);
	disk_free(&d);
	return rc;
}

/* ----------------------------------------------------------- status */

/* The content folder's files as documents (unvalidated: status reads what the loader might refuse). */
static int folder_docs(const char *dir, struct hh_docs *docs, struct strlist *refused)
{
	/* the folders loader.c reads: each language's (English first, with the countries), listed by walk.c */
	static const char *const kinds[] = {"articles", "causes", "remedies", "triage", "countries"};
	struct strlist paths = {0}, bodies = {0};
	for (int l = 0; l < HH_LANG_COUNT; l++)
		for (size_t i = 0; i < HH_ARRAY_LEN(kinds) - (l != HH_LANG_EN); i++) {
			struct hh_walk_names names = {0};
			char *sub = xasprintf("%s%s", hh_lang_folder((enum hh_lang)l), kinds[i]), *nowhere = NULL;
			if (hh_walk_list(dir, sub, &names, &nowhere) == 0)
				for (size_t k = 0; k < names.n; k++) {
					char *rel = xasprintf("%s/%s.json", sub, names.v[k]), *buf = NULL, *why = NULL;
					size_t len = 0;
					if (hh_walk_read(dir, rel, &buf, &len, &why) == 0) {
						strlist_add(&paths, rel);
						strlist_add(&bodies, buf);
					} else { /* in the loader's words: migrate refuses it the same way */
						char *line = xasprintf("  refused   (refused: %s) %s", why, rel);
						strlist_add(refused, line);
						free(line);
					}
					free(buf);
					free(why);
					free(rel);
				}
			free(nowhere); /* a folder that is not there holds no files */
			free(sub);
			hh_walk_names_free(&names);
		}
	struct hh_i18n_doc *files = xcalloc(paths.n + 1, sizeof(*files));
	for (size_t i = 0; i < paths.n; i++)
		files[i] = (struct hh_i18n_doc){paths.v[i], bodies.v[i], NULL};
	int rc = hh_docs_from_files(files, paths.n, 0, docs);
	free(files);
	strlist_free(&paths);
	strlist_free(&bodies);
	return rc;
}

static int status_version(struct run *r)
{
	long long version = 0;
	char updated[64] = "";
	enum hh_status rc = hh_db_migrate_state(r->db, &version, updated, sizeof(updated), r->msg, sizeof(r->msg));
	if (rc == HH_NOT_MIGRATED)
		fprintf(r->out, "content version: none (not migrated)\n");
	else if (rc == 0)
		fprintf(r->out, "content version: %lld (made %s)\n", version, updated);
	return rc == HH_ERR ? db_failed(r) : 0;
}

int hh_migrate_status(const struct hh_migrate_opts *o, FILE *out, FILE *err)
{
	struct run r = {.o = o, .out = out, .err = err};
	struct migrations m = {0};
	struct hh_docs disk_docs = {0}, db_docs = {0};
	struct doc_side disk_s = {0}, db_s = {0};
	struct hh_plan_side disk = {0};
	struct db_side db = {0};
	struct hh_plan plan = {0};
	struct hh_plan_item *mig_items = NULL;
	struct strlist refused = {0};
	int rc = 1, folder = 0;
	if (check_opts(o, err) < 0 || read_migrations(o->migrations_dir, &m, err) < 0 || connect_db(&r) < 0)
		goto out;
	if (read_db_side(&r, 1, &db) < 0)
		goto out;
	if (db.sums.n > 0 && hh_db_docs_at(r.db, 0, NULL, 0, &db_docs, r.msg, sizeof(r.msg)) == -1) {
		(void)db_failed(&r);
		goto out;
	}
	mig_items = migration_items(&m, &disk);
	folder = folder_docs(o->content_dir, &disk_docs, &refused);
	doc_side(&disk_docs, &disk_s, &disk);
	doc_side(&db_docs, &db_s, &db.side);
	hh_plan_diff(&disk, &db.side, &plan);
	fprintf(out, "migrations (%s):\n", o->migrations_dir);
	hh_plan_print(&plan, HH_PLAN_MASK(HH_PLAN_MIGRATION), HH_PLAN_LISTING, out);
	fprintf(out, "content documents (%s):\n", o->content_dir);
	for (size_t i = 0; i < refused.n; i++)
		fprintf(out, "%s\n", refused.v[i]);
	if (folder < 0)
		fprintf(out, "  (a file is not JSON: `healthhub migrate --dry-run` says which)\n");
	else
		hh_plan_print(&plan, HH_PLAN_ENTITIES, HH_PLAN_LISTING, out);
	if (status_version(&r) == 0)
		rc = 0;
out:
	hh_plan_free(&plan);
	db_side_free(&db);
	doc_side_free(&disk_s);
	doc_side_free(&db_s);
	hh_docs_free(&disk_docs);
	hh_docs_free(&db_docs);
	free(mig_items);
	strlist_free(&refused);
	hh_db_close(r.db);
	migrations_free(&m);
	return rc;
}
