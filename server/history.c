/*
 * history.c - `healthhub history`, `show`, `diff`, `rollback`, `approve`,
 * `revoke` and `pending`: the content's past, read from its documents
 * (docstore.h), a rollback as a new content version made by an ordinary
 * migrate of the restored documents, and clinical sign-off of texts.
 * The SQL is db_migrate.c's; what changed is docstore.c's diff.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include "healthhub/history.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "healthhub/config.h"
#include "healthhub/db.h"
#include "healthhub/db_migrate.h"
#include "healthhub/docstore.h"
#include "healthhub/migrate.h"

struct args {
	const char *database_url, *content_dir, *migrations_dir, *lang, *author, *message, *by, *role, *note;
	long long limit, to;
	int json, help;
	const char *pos[3];
	int n_pos;
};

struct cmd {
	const struct args *a;
	struct hh_db *db;
	char msg[512];
	const char *name; /* the command, for messages */
};

static int failed(struct cmd *c, const char *what)
{
	fprintf(stderr, "healthhub %s: %s%s%s\n", c->name, what, c->msg[0] ? ": " : "", c->msg);
	return 1;
}

/* ------------------------------------------------------------ arguments */

static const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);
	return v != NULL && *v ? v : dflt;
}

static int parse_args(const char *cmd, int argc, char **argv, struct args *a)
{
	memset(a, 0, sizeof(*a));
	a->database_url = env_or("DATABASE_URL", "");
	a->content_dir = env_or("HH_CONTENT_DIR", NULL); /* NULL: found as migrate finds it (default_dirs) */
	a->migrations_dir = env_or("HH_MIGRATIONS_DIR", NULL);
	a->author = env_or("HH_AUTHOR", "");
	a->lang = "en";
	for (int i = 0; i < argc; i++) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		const char **str = strcmp(k, "--database-url") == 0                         ? &a->database_url
				   : strcmp(k, "--content") == 0                            ? &a->content_dir
				   : strcmp(k, "--migrations") == 0                         ? &a->migrations_dir
				   : strcmp(k, "--lang") == 0                               ? &a->lang
				   : strcmp(k, "--author") == 0                             ? &a->author
				   : strcmp(k, "--message") == 0                            ? &a->message
				   : strcmp(k, "--by") == 0                                 ? &a->by
				   : strcmp(k, "--role") == 0                               ? &a->role
				   : strcmp(k, "--note") == 0 || strcmp(k, "--reason") == 0 ? &a->note
											    : NULL;
		long long *num = strcmp(k, "--limit") == 0 ? &a->limit : strcmp(k, "--to") == 0 ? &a->to : NULL;
		if (strcmp(k, "--help") == 0 || strcmp(k, "-h") == 0)
			a->help = 1;
		else if (strcmp(k, "--json") == 0)
			a->json = 1;
		else if ((str != NULL || num != NULL) && v == NULL) {
			fprintf(stderr, "healthhub %s: %s needs a value\n", cmd, k);
			return -1;
		} else if (str != NULL) {
			*str = v;
			i++;
		} else if (num != NULL) {
			if (hh_parse_int(v, 1, INT64_MAX, num) < 0) {
				fprintf(stderr, "healthhub %s: %s: not a positive number: %s\n", cmd, k, v);
				return -1;
			}
			i++;
		} else if (k[0] == '-' || a->n_pos == (int)HH_ARRAY_LEN(a->pos)) {
			fprintf(stderr, "healthhub %s: unexpected \"%s\" (see --help)\n", cmd, k);
			return -1;
		} else {
			a->pos[a->n_pos++] = k;
		}
	}
	return 0;
}

static int connect_db(struct cmd *c)
{
	c->db = hh_db_connect(c->a->database_url, 0, c->msg, sizeof(c->msg));
	return c->db != NULL ? 0 : -1;
}

/* ------------------------------------------------------------ history */

static int run_history(struct cmd *c)
{
	struct hh_db_versions v = {0};
	const char *name = c->a->n_pos > 0 ? c->a->pos[0] : NULL;
	if (hh_db_history(c->db, name, name != NULL ? c->a->lang : NULL, c->a->limit, &v, c->msg, sizeof(c->msg)) < 0)
		return failed(c, "cannot read the history");
	json_t *arr = c->a->json ? json_array() : NULL;
	for (size_t i = 0; i < v.n; i++) {
		const struct hh_db_version *x = &v.v[i];
		if (arr != NULL)
			json_array_append_new(arr,
					      json_pack("{sI ss ss ss ss ss ss ss}", "version", (json_int_t)x->version,
							"created_at", x->created_at, "author", x->author, "message",
							x->message, "action", x->action, "db_role", x->db_role,
							"changed", x->changed, "translations", x->translated));
		else
			printf("%lld  %s  %s  %s%s%s\n    changed: %s\n%s%s%s", x->version, x->created_at, x->author,
			       x->action, x->message[0] ? ": " : "", x->message,
			       x->changed[0]      ? x->changed
			       : x->translated[0] ? "(no English text)"
						  : "(nothing)",
			       x->translated[0] ? "    translations: " : "", x->translated,
			       x->translated[0] ? "\n" : "");
	}
	if (arr != NULL) {
		char *s = json_dumps(arr, JSON_INDENT(2));
		printf("%s\n", s != NULL ? s : "[]");
		free(s);
		json_decref(arr);
	}
	hh_db_versions_free(&v);
	return 0;
}

/* ------------------------------------------------------------ show */

/* NAME[@VERSION|@DATE] -> name and the version (0: the newest). */
static int resolve_ref(struct cmd *c, const char *ref, char *name, size_t len, long long *version)
{
	char date[40];
	if (hh_doc_ref_parse(ref, name, len, version, date, sizeof(date)) < 0) {
		fprintf(stderr, "healthhub %s: \"%s\" is not NAME, NAME@VERSION or NAME@DATE\n", c->name, ref);
		return -1;
	}
	if (date[0] != '\0') {
		if (hh_db_version_at(c->db, date, version, c->msg, sizeof(c->msg)) < 0)
			return failed(c, "cannot read the versions"), -1;
		if (*version == 0) {
			fprintf(stderr, "healthhub %s: no content version existed at %s\n", c->name, date);
			return -1;
		}
	}
	return 0;
}

static int run_show(struct cmd *c)
{
	char name[300];
	long long version = 0;
	struct hh_docs d = {0};
	if (c->a->n_pos != 1) {
		fprintf(stderr, "healthhub show: one NAME[@VERSION|@DATE] is needed\n");
		return 2;
	}
	if (resolve_ref(c, c->a->pos[0], name, sizeof(name), &version) < 0)
		return 1;
	if (hh_db_docs_at(c->db, version, name, 1, &d, c->msg, sizeof(c->msg)) < 0)
		return failed(c, "cannot read the documents");
	const struct hh_doc *x = hh_docs_find(&d, name, c->a->lang);
	int rc = 0;
	if (x == NULL || x->body == NULL) {
		fprintf(stderr, "healthhub show: %s (%s) %s\n", name, c->a->lang,
			x == NULL ? "did not exist at that version" : "was removed at that version");
		rc = 1;
	} else {
		json_t *v = json_loads(x->body, 0, NULL);
		char *s = v != NULL ? json_dumps(v, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
		printf("%s\n", s != NULL ? s : x->body);
		fprintf(stderr, "%s (%s) as introduced by content version %lld\n", name, x->lang, x->version);
		free(s);
		json_decref(v);
	}
	hh_docs_free(&d);
	return rc;
}

/* ------------------------------------------------------------ diff */

static int cmp_doc(const struct hh_doc *a, const struct hh_doc *b)
{
	int c = strcmp(a->name, b->name);
	return c != 0 ? c : strcmp(a->lang, b->lang);
}

/* Prints every document that differs between a and b (both sorted), field by field. Returns how many. */
static size_t print_docs_diff(const struct hh_docs *a, const struct hh_docs *b)
{
	size_t i = 0, k = 0, n = 0;
	while (i < a->n || k < b->n) {
		int c = i == a->n ? 1 : k == b->n ? -1 : cmp_doc(&a->v[i], &b->v[k]);
		const struct hh_doc *x = c <= 0 ? &a->v[i] : NULL, *y = c >= 0 ? &b->v[k] : NULL;
		const char *xb = x != NULL ? x->body : NULL, *yb = y != NULL ? y->body : NULL;
		const struct hh_doc *one = x != NULL ? x : y;
		i += c <= 0;
		k += c >= 0;
		if ((xb == NULL && yb == NULL) || (xb != NULL && yb != NULL && strcmp(x->checksum, y->checksum) == 0))
			continue;
		printf("%s%s%s%s: %s\n", one->name, strcmp(one->lang, "en") != 0 ? " (" : "",
		       strcmp(one->lang, "en") != 0 ? one->lang : "", strcmp(one->lang, "en") != 0 ? ")" : "",
		       xb == NULL   ? "added"
		       : yb == NULL ? "removed"
				    : "changed");
		if (xb != NULL && yb != NULL)
			(void)hh_doc_diff(xb, yb, "  ", stdout);
		n++;
	}
	return n;
}

static int run_diff(struct cmd *c)
{
	long long from = 0, to = 0;
	struct hh_docs a = {0}, b = {0};
	if (c->a->n_pos < 2 || hh_parse_int(c->a->pos[0], 1, INT64_MAX, &from) < 0 ||
	    hh_parse_int(c->a->pos[1], 1, INT64_MAX, &to) < 0) {
		fprintf(stderr, "healthhub diff: FROM and TO are content versions (healthhub history)\n");
		return 2;
	}
	const char *name = c->a->n_pos > 2 ? c->a->pos[2] : NULL;
	if (hh_db_docs_at(c->db, from, name, 1, &a, c->msg, sizeof(c->msg)) < 0 ||
	    hh_db_docs_at(c->db, to, name, 1, &b, c->msg, sizeof(c->msg)) < 0) {
		hh_docs_free(&a);
		return failed(c, "cannot read the documents");
	}
	if (print_docs_diff(&a, &b) == 0)
		printf("no difference between versions %lld and %lld%s%s\n", from, to, name ? " in " : "",
		       name ? name : "");
	hh_docs_free(&a);
	hh_docs_free(&b);
	return 0;
}

/* ------------------------------------------------------------ rollback */

/* mkdir -p of the folders above path. */
static int make_parents(const char *path)
{
	char *p = xstrdup(path);
	int rc = 0;
	for (char *s = strchr(p + 1, '/'); s != NULL && rc == 0; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	free(p);
	return rc;
}

static int write_file(const char *dir, const char *rel, const char *body)
{
	char *path = xasprintf("%s/%s", dir, rel);
	FILE *f = make_parents(path) == 0 ? fopen(path, "w") : NULL;
	int rc = f != NULL && fputs(body, f) >= 0 ? 0 : -1;
	if (f != NULL && fclose(f) != 0)
		rc = -1;
	if (rc < 0)
		fprintf(stderr, "healthhub rollback: cannot write %s: %s\n", path, strerror(errno));
	free(path);
	return rc;
}

/* Writes every file of docs under dir. */
static int write_docs(const char *dir, const struct hh_docs *docs)
{
	struct hh_doc_files files = {0};
	int rc = hh_docs_to_files(docs, 1, &files);
	for (size_t i = 0; i < files.n && rc == 0; i++)
		rc = write_file(dir, files.v[i].path, files.v[i].body);
	hh_doc_files_free(&files);
	return rc;
}

/* The files of the documents that were (before) and are no longer, removed from dir. */
static void remove_stale(const char *dir, const struct hh_docs *before, const struct hh_docs *after)
{
	struct hh_doc_files old = {0}, now = {0};
	if (hh_docs_to_files(before, 0, &old) < 0 || hh_docs_to_files(after, 0, &now) < 0)
		goto out;
	for (size_t i = 0; i < old.n; i++) {
		int kept = 0;
		for (size_t k = 0; k < now.n && !kept; k++)
			kept = strcmp(old.v[i].path, now.v[k].path) == 0;
		if (kept)
			continue;
		char *path = xasprintf("%s/%s", dir, old.v[i].path);
		if (unlink(path) < 0 && errno != ENOENT)
			fprintf(stderr, "healthhub rollback: cannot remove %s: %s\n", path, strerror(errno));
		free(path);
	}
out:
	hh_doc_files_free(&old);
	hh_doc_files_free(&now);
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

/* The library as it will be: the current documents with name's (in --lang, or all) replaced by target's. */
static void restored_set(const struct hh_docs *current, const struct hh_docs *target, const char *name,
			 const char *lang, struct hh_docs *out)
{
	memset(out, 0, sizeof(*out));
	const struct hh_docs *sets[] = {current, target};
	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < sets[s]->n; i++) {
			const struct hh_doc *d = &sets[s]->v[i];
			int named = name == NULL ||
				    (strcmp(d->name, name) == 0 && (lang == NULL || strcmp(d->lang, lang) == 0));
			if (d->body != NULL && (s == 0 ? !named : named))
				hh_docs_add(out, d->name, d->lang, d->body, d->version);
		}
	hh_docs_sort(out);
}

/* Only the documents of name (lang: one language) out of all. */
static void only_named(const struct hh_docs *all, const char *name, const char *lang, struct hh_docs *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < all->n; i++)
		if (name == NULL ||
		    (strcmp(all->v[i].name, name) == 0 && (lang == NULL || strcmp(all->v[i].lang, lang) == 0)))
			hh_docs_add(out, all->v[i].name, all->v[i].lang, all->v[i].body, all->v[i].version);
}

/* The content and migrations folders not named by a flag or variable, found as migrate finds them. 0 or -1. */
static int default_dirs(const char *cmd, struct args *a)
{
	static char found[2][3 * (PATH_MAX + 64)];
	const char **dirs[] = {&a->content_dir, &a->migrations_dir};
	static const char *const what[] = {"content", "migrations"};
	static const char *const env[] = {"HH_CONTENT_DIR", "HH_MIGRATIONS_DIR"};
	for (size_t i = 0; i < HH_ARRAY_LEN(dirs); i++) {
		if (*dirs[i] != NULL)
			continue;
		if (hh_config_find_dir(NULL, what[i], found[i], sizeof(found[i])) < 0) {
			fprintf(stderr, "healthhub %s: no %s folder found (looked in %s): pass --%s DIR or set %s\n",
				cmd, what[i], found[i], what[i], env[i]);
			return -1;
		}
		*dirs[i] = found[i];
	}
	return 0;
}

static int run_rollback(struct cmd *c)
{
	const char *name = c->a->n_pos > 0 ? c->a->pos[0] : NULL;
	const char *lang = name != NULL && c->a->lang != NULL && strcmp(c->a->lang, "all") != 0 ? c->a->lang : NULL;
	struct hh_docs current = {0}, target = {0}, restored = {0}, was = {0}, now = {0};
	char tmpl[] = "/tmp/healthhub-rollback-XXXXXX";
	char *dir = NULL, *message = NULL;
	int rc = 1;
	if (c->a->to <= 0) {
		fprintf(stderr, "healthhub rollback: --to VERSION is needed (healthhub history lists them)\n");
		return 2;
	}
	if (hh_db_docs_at(c->db, 0, NULL, 1, &current, c->msg, sizeof(c->msg)) < 0 ||
	    hh_db_docs_at(c->db, c->a->to, NULL, 1, &target, c->msg, sizeof(c->msg)) < 0) {
		rc = failed(c, "cannot read the documents");
		goto out;
	}
	restored_set(&current, &target, name, lang, &restored);
	dir = mkdtemp(tmpl);
	if (dir == NULL || write_docs(dir, &restored) < 0) {
		fprintf(stderr, "healthhub rollback: cannot write the restored documents to a temporary folder\n");
		goto out;
	}
	/* validated and written like any change: a migrate of the restored library */
	message = xasprintf("%s%sback to version %lld%s%s", c->a->message ? c->a->message : "",
			    c->a->message ? " (" : "", c->a->to, name ? " of " : "", name ? name : "");
	if (c->a->message) {
		char *m = xasprintf("%s)", message);
		free(message);
		message = m;
	}
	struct hh_migrate_opts o = {.database_url = c->a->database_url,
				    .migrations_dir = c->a->migrations_dir,
				    .content_dir = dir,
				    .author = c->a->author,
				    .message = message,
				    .action = "rollback"};
	hh_db_close(c->db);
	c->db = NULL;
	if (hh_migrate_run(&o, stdout, stderr) != 0) {
		fprintf(stderr, "healthhub rollback: refused; the database and %s are unchanged\n", c->a->content_dir);
		goto out;
	}
	/* the next migrate from the content folder must not re-apply what was undone */
	only_named(&current, name, lang, &was);
	only_named(&restored, name, lang, &now);
	if (write_docs(c->a->content_dir, &now) < 0) {
		fprintf(stderr,
			"healthhub rollback: the rollback is committed, but %s could not be updated: restore its files "
			"with `healthhub show`, or the next migrate re-applies what was undone\n",
			c->a->content_dir);
		goto out;
	}
	remove_stale(c->a->content_dir, &was, &now);
	printf("wrote the restored documents to %s\n", c->a->content_dir);
	rc = 0;
out:
	if (dir != NULL && nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
		fprintf(stderr, "healthhub rollback: could not remove %s\n", dir);
	free(message);
	hh_docs_free(&current);
	hh_docs_free(&target);
	hh_docs_free(&restored);
	hh_docs_free(&was);
	hh_docs_free(&now);
	return rc;
}

/* ------------------------------------------------------------ sign-off */

static int signoff(struct cmd *c, const char *action)
{
	char name[300], date[8];
	long long version = 0, made_in = 0, doc_version = 0;
	int approve = strcmp(action, "approve") == 0;
	if (c->a->n_pos != 1 || hh_doc_ref_parse(c->a->pos[0], name, sizeof(name), &version, date, sizeof(date)) < 0 ||
	    version == 0) {
		fprintf(stderr, "healthhub %s: NAME@VERSION is needed, with an exact version (healthhub pending)\n",
			action);
		return 2;
	}
	if (c->a->by == NULL || *c->a->by == '\0' || (approve && (c->a->role == NULL || *c->a->role == '\0')) ||
	    (!approve && (c->a->note == NULL || *c->a->note == '\0'))) {
		fprintf(stderr, "healthhub %s: %s\n", action,
			approve ? "--by NAME and --role ROLE are needed" : "--by NAME and --reason TEXT are needed");
		return 2;
	}
	struct hh_db_signoff s = {.action = action,
				  .name = name,
				  .lang = c->a->lang,
				  .version = version,
				  .by = c->a->by,
				  .role = c->a->role,
				  .note = c->a->note};
	if (hh_db_signoff(c->db, &s, &made_in, &doc_version, c->msg, sizeof(c->msg)) < 0)
		return failed(c, approve ? "not approved" : "not revoked");
	printf("%s %s (%s) as introduced by version %lld; recorded as content version %lld\n",
	       approve ? "approved" : "revoked", name, c->a->lang, doc_version, made_in);
	return 0;
}

static int run_approve(struct cmd *c)
{
	return signoff(c, "approve");
}

static int run_revoke(struct cmd *c)
{
	return signoff(c, "revoke");
}

static int run_pending(struct cmd *c)
{
	struct hh_docs d = {0};
	if (hh_db_pending(c->db, &d, c->msg, sizeof(c->msg)) < 0)
		return failed(c, "cannot read the sign-offs");
	json_t *arr = c->a->json ? json_array() : NULL;
	const char *lang = "";
	for (size_t i = 0; i < d.n; i++) {
		const struct hh_doc *x = &d.v[i];
		if (arr != NULL) {
			json_array_append_new(arr,
					      json_pack("{ss ss sI ss}", "name", x->name, "lang", x->lang, "version",
							(json_int_t)x->version, "checksum", x->checksum));
			continue;
		}
		if (strcmp(lang, x->lang) != 0)
			printf("%s:\n", strcmp(x->lang, "en") == 0 ? "content" : "translations");
		lang = x->lang;
		printf("  %s@%lld%s%s\n", x->name, x->version, strcmp(x->lang, "en") != 0 ? " --lang " : "",
		       strcmp(x->lang, "en") != 0 ? x->lang : "");
	}
	if (arr != NULL) {
		char *t = json_dumps(arr, JSON_INDENT(2));
		printf("%s\n", t != NULL ? t : "[]");
		free(t);
		json_decref(arr);
	} else if (d.n == 0) {
		printf("every text is signed off\n");
	}
	hh_docs_free(&d);
	return 0;
}

/* ------------------------------------------------------------ dispatch */

static const struct {
	const char *name, *usage;
	int (*run)(struct cmd *c);
} commands[] = {
	{"history",
	 "history [NAME] [--lang L] [--limit N] [--json]\n\nContent versions, newest first: version, time, "
	 "author, action and message, and the documents each changed (translations listed apart); or only the "
	 "versions of NAME (in --lang L, default en).",
	 run_history},
	{"show",
	 "show NAME[@VERSION|@DATE] [--lang L]\n\nThe document of NAME (article/SLUG, cause/SLUG, remedy/SLUG, "
	 "country/CC, triage) as it was at VERSION, or as served at DATE (ISO 8601); the newest without either.",
	 run_show},
	{"diff",
	 "diff FROM TO [NAME]\n\nWhat changed between content versions FROM and TO, document by document and "
	 "field by field; only NAME's when given.",
	 run_diff},
	{"rollback",
	 "rollback [NAME] --to VERSION [--lang L] [--content DIR] [--author NAME] [--message TEXT]\n\nMakes a new "
	 "content version whose content (the whole library, or NAME) is that of VERSION, validated and written like a "
	 "migrate (servers and caches follow), then writes the restored documents back to the content folder so that "
	 "the next migrate does not re-apply what was undone. History keeps every version.",
	 run_rollback},
	{"approve",
	 "approve NAME@VERSION --by NAME --role ROLE [--note TEXT] [--lang L]\n\nSigns off the text NAME had "
	 "at VERSION (bound to its checksum: it holds for every version with the same text). Recorded with "
	 "the database role that ran it; servers and caches follow.",
	 run_approve},
	{"revoke",
	 "revoke NAME@VERSION --by NAME --reason TEXT [--lang L]\n\nWithdraws the sign-off of the text NAME had "
	 "at VERSION (recorded, never deleted); servers and caches follow.",
	 run_revoke},
	{"pending",
	 "pending [--json]\n\nThe entities whose newest text is not signed off, as NAME@VERSION; "
	 "translations separately.",
	 run_pending},
};

int hh_history_is_command(const char *name)
{
	for (size_t i = 0; i < HH_ARRAY_LEN(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return 1;
	return 0;
}

int hh_history_main(const char *name, int argc, char **argv)
{
	struct args a;
	struct cmd c = {.a = &a, .name = name};
	for (size_t i = 0; i < HH_ARRAY_LEN(commands); i++) {
		if (strcmp(commands[i].name, name) != 0)
			continue;
		if (parse_args(name, argc, argv, &a) < 0)
			return 2;
		if (a.help) {
			printf("usage: healthhub %s\n\nOptions: --database-url URL (or DATABASE_URL), --content DIR, "
			       "--migrations DIR.\n",
			       commands[i].usage);
			return 0;
		}
		/* only a rollback reads the folders (it validates and writes the content back) */
		if (strcmp(name, "rollback") == 0 && default_dirs(name, &a) < 0)
			return 2;
		if (connect_db(&c) < 0)
			return failed(&c, "cannot connect to the database");
		int rc = commands[i].run(&c);
		hh_db_close(c.db);
		return rc;
	}
	return 2;
}
