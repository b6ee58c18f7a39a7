/*
 * test_loader.c - the content loader against folders on disk.
 *
 * Runs with the repository root as working directory (ctest sets it).
 * Data-driven cases: tests/data/loader/invalid/NAME/ is a content folder
 * that must be refused, and NAME/expected lists substrings (one a line)
 * that the printed diagnostics must contain.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "check.h"
#include "healthhub/common.h"
#include "healthhub/content.h"
#include "healthhub/loader.h"
#include "healthhub/triage.h"
#include "healthhub/walk.h"

#define MINIMAL "tests/data/loader/valid/minimal"
#define INVALID "tests/data/loader/invalid"
#define CONTENT "content"

/* A whole file as a new NUL-terminated buffer, or NULL. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = xmalloc(cap);
	for (;;) {
		if (n + 1 >= cap) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		if (got == 0)
			break;
		n += got;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* The diagnostics as printed, in a new string. */
static char *diags_text(const struct hh_diags *d)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (f == NULL)
		abort();
	hh_diags_print(d, f);
	fclose(f);
	return text;
}

static int file_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* ------------------------------------------------------------ the minimal folder */

static void test_minimal(void)
{
	struct hh_content *c = NULL;
	struct hh_content_files files;
	struct hh_diags d = {0};
	int rc = hh_loader_read_dir(MINIMAL, &c, &files, &d);
	CHECK(rc == 0);
	CHECK(d.n == 0);
	if (d.n > 0)
		hh_diags_print(&d, stderr);
	if (c == NULL)
		goto out;
	CHECK(c->n_articles == 1 && c->n_causes == 2 && c->n_remedies == 2);
	CHECK(c->n_symptoms == 3 && c->policy.n_rules == 2);
	const struct hh_article *a = hh_content_article(c, "back-ache");
	CHECK(a != NULL);
	if (a != NULL) {
		CHECK_STR(a->sections[0].body, "First paragraph.\n\nSecond paragraph.");
		CHECK(a->positions == (HH_POS_STANDING | HH_POS_SITTING));
		CHECK(a->causes.n == 2 && a->remedies.n == 2 && a->references.n == 1);
		CHECK(a->updated_at == NULL && a->version == 0);
		CHECK(a->checksum != NULL && strlen(a->checksum) == 64);
	}
	const struct hh_cause *cause = hh_content_cause(c, "muscle-strain");
	CHECK(cause != NULL && cause->see_doctor_if != NULL && cause->references.n == 0);
	cause = hh_content_cause(c, "poor-posture");
	CHECK(cause != NULL && cause->see_doctor_if == NULL);
	const struct hh_remedy *r = hh_content_remedy(c, "heat-therapy");
	CHECK(r != NULL && r->causes.n == 2 && r->steps.n == 2);
	/* derived from the causes that name it, in the causes' order, each once */
	CHECK(r != NULL && r->causes.n == 2 && strcmp(r->causes.v[0], r->causes.v[1]) < 0);
	for (size_t i = 0; r != NULL && i < r->causes.n; i++) {
		const struct hh_cause *x = hh_content_cause(c, r->causes.v[i]);
		int names = 0;
		for (size_t k = 0; x != NULL && k < x->remedies.n; k++)
			names += strcmp(x->remedies.v[k], "heat-therapy") == 0;
		CHECK(names == 1);
	}
	CHECK_STR(c->symptoms[0].code, "chest_pain");
	CHECK(c->symptoms[2].category == HH_CATEGORY_PATTERN && c->symptoms[2].n_weights == 2);
	CHECK(c->symptoms[2].weights[0].weight == 80);
	CHECK(c->policy.max_causes == 3 && c->policy.max_remedies == 5);
	CHECK(c->policy.rules[1].field == HH_RULE_AGE && c->policy.rules[1].max == 19);
	CHECK_STR(c->policy.advice[HH_LEVEL_SELF_CARE], "You can usually look after this yourself.");
	CHECK(c->ruleset_version != NULL);
	/* README.md is not content; the rest sorted by path. */
	CHECK(files.n == 7);
	for (size_t i = 1; i < files.n; i++)
		CHECK(strcmp(files.v[i - 1].path, files.v[i].path) < 0);
	CHECK_STR(files.v[0].path, "articles/back-ache.json");
	CHECK_STR(files.v[6].path, "triage/symptoms.json");
	CHECK(strlen(files.v[0].checksum) == 64);
out:
	hh_content_free(c);
	hh_content_files_free(&files);
	hh_diags_free(&d);
}

/* ------------------------------------------------------------ invalid cases */

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every line of expected must be in the printed diagnostics. */
static void check_expected(const char *name, const char *expected, const char *text)
{
	char *copy = xstrdup(expected);
	char *line = copy;
	while (*line != '\0') {
		char *nl = strchr(line, '\n');
		if (nl != NULL)
			*nl = '\0';
		if (*line != '\0' && strstr(text, line) == NULL) {
			fprintf(stderr, "case %s: diagnostics lack \"%s\"; got:\n%s", name, line, text);
			CHECK(strstr(text, line) != NULL);
		}
		if (nl == NULL)
			break;
		line = nl + 1;
	}
	free(copy);
}

static void run_invalid_case(const char *name)
{
	char *dir = xasprintf("%s/%s", INVALID, name);
	char *exp_path = xasprintf("%s/expected", dir);
	size_t len;
	char *expected = slurp(exp_path, &len);
	struct hh_content *c = NULL;
	struct hh_content_files files;
	struct hh_diags d = {0};
	CHECK(expected != NULL && len > 0);
	int rc = hh_loader_read_dir(dir, &c, &files, &d);
	CHECK(rc == -1);
	CHECK(c == NULL && files.n == 0 && d.n > 0);
	char *text = diags_text(&d);
	if (expected != NULL)
		check_expected(name, expected, text);
	free(text);
	hh_content_free(c);
	hh_content_files_free(&files);
	hh_diags_free(&d);
	free(expected);
	free(exp_path);
	free(dir);
}

static void test_invalid_cases(void)
{
	char **names = NULL;
	size_t n = 0;
	DIR *d = opendir(INVALID);
	CHECK(d != NULL);
	if (d == NULL)
		return;
	for (;;) {
		struct dirent *e = readdir(d);
		if (e == NULL)
			break;
		if (e->d_name[0] == '.')
			continue;
		names = xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_name);
	CHECK(n >= 16);
	for (size_t i = 0; i < n; i++) {
		run_invalid_case(names[i]);
		free(names[i]);
	}
	free(names);
	printf("%zu invalid cases\n", n);
}

/* ------------------------------------------------------------ checksums */

/* Rewrites every file of files from src into dst with other white space. */
/* mkdir -p of path's parent folders under dst (language and country folders only when used). */
static int make_parents(const char *dst, const char *path)
{
	for (const char *p = strchr(path, '/'); p != NULL; p = strchr(p + 1, '/')) {
		char *dir = xasprintf("%s/%.*s", dst, (int)(p - path), path);
		int rc = mkdir(dir, 0700);
		free(dir);
		if (rc < 0 && errno != EEXIST)
			return -1;
	}
	return 0;
}

static int reformat_copy(const char *src, const char *dst, const struct hh_content_files *files)
{
	for (size_t i = 0; i < files->n; i++) {
		if (make_parents(dst, files->v[i].path) < 0)
			return -1;
		char *in = xasprintf("%s/%s", src, files->v[i].path);
		char *out = xasprintf("%s/%s", dst, files->v[i].path);
		json_t *j = json_load_file(in, 0, NULL);
		int rc = j == NULL ? -1 : json_dump_file(j, out, JSON_INDENT(7));
		json_decref(j);
		free(in);
		free(out);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static void remove_copy(const char *dst, const struct hh_content_files *files)
{
	static const char *const subdirs[] = {"es/articles", "es/causes", "es/remedies", "es/triage", "es",
					      "articles",    "causes",    "remedies",    "triage",    "countries"};
	for (size_t i = 0; i < files->n; i++) {
		char *p = xasprintf("%s/%s", dst, files->v[i].path);
		unlink(p);
		free(p);
	}
	for (size_t i = 0; i < HH_ARRAY_LEN(subdirs); i++) {
		char *p = xasprintf("%s/%s", dst, subdirs[i]);
		rmdir(p);
		free(p);
	}
	rmdir(dst);
}

static void compare_checksums(const struct hh_content *a, const struct hh_content *b)
{
	CHECK(a->n_articles == b->n_articles && a->n_causes == b->n_causes && a->n_remedies == b->n_remedies);
	for (size_t i = 0; i < a->n_articles && i < b->n_articles; i++)
		CHECK_STR(a->articles[i].checksum, b->articles[i].checksum);
	for (size_t i = 0; i < a->n_causes && i < b->n_causes; i++)
		CHECK_STR(a->causes[i].checksum, b->causes[i].checksum);
	for (size_t i = 0; i < a->n_remedies && i < b->n_remedies; i++)
		CHECK_STR(a->remedies[i].checksum, b->remedies[i].checksum);
	/* Triage entities use the same encoding (hh_sha256_json), so the same stability. */
	CHECK(a->n_symptoms == b->n_symptoms && a->policy.n_rules == b->policy.n_rules);
	for (size_t i = 0; i < a->n_symptoms && i < b->n_symptoms; i++) {
		CHECK(a->symptoms[i].checksum != NULL && strlen(a->symptoms[i].checksum) == 64);
		CHECK_STR(a->symptoms[i].checksum, b->symptoms[i].checksum);
	}
	for (size_t i = 0; i < a->policy.n_rules && i < b->policy.n_rules; i++) {
		CHECK(a->policy.rules[i].checksum != NULL && strlen(a->policy.rules[i].checksum) == 64);
		CHECK_STR(a->policy.rules[i].checksum, b->policy.rules[i].checksum);
	}
	CHECK(a->policy.checksum != NULL && strlen(a->policy.checksum) == 64);
	CHECK_STR(a->policy.checksum, b->policy.checksum);
	CHECK_STR(a->ruleset_version, b->ruleset_version);
}

/* Sets policy.json's key (in rules[0] when in_rule) to a new string, in the copy at dir. */
static int edit_policy(const char *dir, int in_rule, const char *key, const char *value)
{
	char *path = xasprintf("%s/triage/policy.json", dir);
	json_t *j = json_load_file(path, 0, NULL);
	json_t *obj = in_rule ? json_array_get(json_object_get(j, "rules"), 0) : j;
	int rc = obj == NULL || json_object_set_new(obj, key, json_string(value)) < 0 ? -1 : 0;
	if (rc == 0)
		rc = json_dump_file(j, path, JSON_INDENT(2));
	json_decref(j);
	free(path);
	return rc;
}

/*
 * An edit changes the checksum of the entity it touches and no other: a
 * rule's message is the rule's, not the policy row's; the disclaimer is
 * the policy row's, not a rule's.
 */
static void check_checksum_scope(const char *dir, const struct hh_content *before)
{
	struct hh_content *c = NULL;
	struct hh_content_files files;
	struct hh_diags d = {0};
	CHECK(edit_policy(dir, 1, "message", "See a GP if it has lasted a month.") == 0);
	CHECK(hh_loader_read_dir(dir, &c, &files, &d) == 0);
	if (c != NULL && before->policy.n_rules > 1) {
		CHECK(strcmp(c->policy.rules[0].checksum, before->policy.rules[0].checksum) != 0);
		CHECK_STR(c->policy.rules[1].checksum, before->policy.rules[1].checksum);
		CHECK_STR(c->policy.checksum, before->policy.checksum);
	}
	hh_content_free(c);
	hh_content_files_free(&files);
	CHECK(edit_policy(dir, 0, "disclaimer", "Not a diagnosis.") == 0);
	CHECK(hh_loader_read_dir(dir, &c, &files, &d) == 0);
	if (c != NULL) {
		CHECK(strcmp(c->policy.checksum, before->policy.checksum) != 0);
		CHECK(strcmp(c->policy.rules[0].checksum, before->policy.rules[0].checksum) != 0);
		CHECK_STR(c->policy.rules[1].checksum, before->policy.rules[1].checksum);
	}
	if (d.n > 0)
		hh_diags_print(&d, stderr);
	hh_content_free(c);
	hh_content_files_free(&files);
	hh_diags_free(&d);
}

/* A symbolic link in the folder is refused, even to a valid file. */
static void check_symlink_refused(const char *dir)
{
	char *target = xasprintf("%s/remedies/heat-therapy.json", dir);
	char *moved = xasprintf("%s/heat-therapy.json", dir);
	struct hh_content *c = NULL;
	struct hh_content_files files;
	struct hh_diags d = {0};
	CHECK(rename(target, moved) == 0);
	CHECK(symlink("../heat-therapy.json", target) == 0);
	CHECK(hh_loader_read_dir(dir, &c, &files, &d) == -1);
	char *text = diags_text(&d);
	CHECK(strstr(text, "remedies/heat-therapy.json:0: is a symbolic link") != NULL);
	free(text);
	unlink(target);
	CHECK(rename(moved, target) == 0);
	hh_content_files_free(&files);
	hh_diags_free(&d);
	free(moved);
	free(target);
}

static void test_checksum_stability(void)
{
	struct hh_content *a = NULL, *b = NULL;
	struct hh_content_files fa, fb;
	struct hh_diags d = {0};
	char tmp[] = "/tmp/hh-loader-XXXXXX";
	CHECK(hh_loader_read_dir(MINIMAL, &a, &fa, &d) == 0);
	CHECK(mkdtemp(tmp) != NULL);
	CHECK(reformat_copy(MINIMAL, tmp, &fa) == 0);
	CHECK(hh_loader_read_dir(tmp, &b, &fb, &d) == 0);
	if (d.n > 0)
		hh_diags_print(&d, stderr);
	if (a != NULL && b != NULL) {
		compare_checksums(a, b);
		/* The raw file checksums do see the white space. */
		CHECK(fa.n == fb.n && strcmp(fa.v[0].checksum, fb.v[0].checksum) != 0);
	}
	check_symlink_refused(tmp);
	if (a != NULL)
		check_checksum_scope(tmp, a);
	remove_copy(tmp, &fa);
	hh_content_free(a);
	hh_content_free(b);
	hh_content_files_free(&fa);
	hh_content_files_free(&fb);
	hh_diags_free(&d);
}

/* ------------------------------------------------------------ the reader */

/* hh_walk_read on dir/rel: refused with a message containing want, or read (want NULL). */
static void expect_read(const char *dir, const char *rel, const char *want, size_t want_len)
{
	char *buf = NULL, *why = NULL;
	size_t len = 0;
	int rc = hh_walk_read(dir, rel, &buf, &len, &why);
	if (want == NULL) {
		CHECK(rc == 0 && why == NULL && len == want_len && buf != NULL && buf[len] == '\0');
	} else {
		CHECK(rc == -1 && why != NULL && strstr(why, want) != NULL);
		if (why != NULL && strstr(why, want) == NULL)
			fprintf(stderr, "%s: \"%s\" lacks \"%s\"\n", rel, why, want);
	}
	free(buf);
	free(why);
}

static int write_size(const char *path, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		fputc('x', f);
	return fclose(f);
}

/*
 * The one reader behind the loader and `migrate status`: a regular file up
 * to 1 MiB is read; a symbolic link, a FIFO (without blocking), a larger
 * file or a missing one is refused with the loader's words.
 */
static void test_reader(void)
{
	char dir[] = "/tmp/hh-walk-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char *ok = xasprintf("%s/ok.json", dir), *big = xasprintf("%s/big.json", dir);
	char *link = xasprintf("%s/link.json", dir), *fifo = xasprintf("%s/fifo.json", dir);
	CHECK(write_size(ok, HH_WALK_MAX_FILE) == 0);
	CHECK(write_size(big, HH_WALK_MAX_FILE + 1) == 0);
	CHECK(symlink("ok.json", link) == 0);
	CHECK(mkfifo(fifo, 0600) == 0);
	expect_read(dir, "ok.json", NULL, HH_WALK_MAX_FILE);
	expect_read(dir, "big.json", "is 1048577 bytes; the limit is 1048576", 0);
	expect_read(dir, "link.json", "is a symbolic link", 0);
	expect_read(dir, "fifo.json", "is not a regular file", 0);
	expect_read(dir, "none.json", "is missing", 0);
	struct hh_walk_names names = {0};
	char *why = NULL;
	CHECK(hh_walk_list(dir, ".", &names, &why) == 0);
	CHECK(names.n == 4 && strcmp(names.v[0], "big") == 0 && strcmp(names.v[3], "ok") == 0);
	CHECK(hh_walk_names_has(&names, "fifo") && !hh_walk_names_has(&names, "none"));
	hh_walk_names_free(&names);
	CHECK(hh_walk_list(dir, "absent", &names, &why) == -1 && why != NULL);
	free(why);
	unlink(ok), unlink(big), unlink(link), unlink(fifo);
	rmdir(dir);
	free(ok), free(big), free(link), free(fifo);
}

/* ------------------------------------------------------------ check_file */

/*
 * Must not crash (ASan watches) on any prefix or one-byte change of a valid
 * file, and must say why whenever it refuses.
 */
static void torture_file(const char *rel, const char *buf, size_t len)
{
	static const char swaps[] = "{}[]\",:0\\a \n";
	struct hh_diags d = {0};
	CHECK(hh_loader_check_file(rel, buf, len, &d) == 0);
	if (d.n > 0)
		hh_diags_print(&d, stderr);
	hh_diags_free(&d);
	/* every prefix of a small file; of a larger one the first and last
	 * KiB byte by byte and about 1,000 cuts between (200 under ASan), so the test stays linear in size */
	size_t step = len > 4096 ? len / CHECK_ROUNDS(1000) : 1;
	for (size_t n = 0; n < len; n += n < 1024 || n + 1024 > len ? 1 : step) {
		int rc = hh_loader_check_file(rel, buf, n, &d);
		CHECK((rc == 0) == (d.n == 0));
		hh_diags_free(&d);
	}
	char *copy = xmalloc(len + 1);
	for (size_t i = 0; i<len; i += len> 4096 ? step + 3 : 3) {
		memcpy(copy, buf, len);
		copy[i] = swaps[i % (sizeof(swaps) - 1)];
		int rc = hh_loader_check_file(rel, copy, len, &d);
		CHECK((rc == 0) == (d.n == 0));
		hh_diags_free(&d);
	}
	free(copy);
}

static void torture_folder(const char *dir)
{
	struct hh_content *c = NULL;
	struct hh_content_files files;
	struct hh_diags d = {0};
	if (hh_loader_read_dir(dir, &c, &files, &d) < 0) {
		hh_diags_free(&d);
		return;
	}
	for (size_t i = 0; i < files.n; i++) {
		size_t len;
		char *path = xasprintf("%s/%s", dir, files.v[i].path);
		char *buf = slurp(path, &len);
		CHECK(buf != NULL);
		if (buf != NULL)
			torture_file(files.v[i].path, buf, len);
		free(buf);
		free(path);
	}
	hh_content_free(c);
	hh_content_files_free(&files);
}

static void expect_check(const char *rel, const char *json, const char *want)
{
	struct hh_diags d = {0};
	CHECK(hh_loader_check_file(rel, json, strlen(json), &d) == -1);
	char *text = diags_text(&d);
	if (strstr(text, want) == NULL)
		fprintf(stderr, "check_file %s: diagnostics lack \"%s\"; got:\n%s", rel, want, text);
	CHECK(strstr(text, want) != NULL);
	free(text);
	hh_diags_free(&d);
}

static void test_check_file(void)
{
	char deep[200];
	size_t k = 0;
	k += (size_t)snprintf(deep, sizeof(deep), "{\"slug\":");
	for (int i = 0; i < 40; i++)
		deep[k++] = '[';
	for (int i = 0; i < 40; i++)
		deep[k++] = ']';
	deep[k++] = '}';
	deep[k] = '\0';
	expect_check("remedies/x.json", deep, "remedies/x.json:1: JSON is nested more than 32 levels deep");
	expect_check("notes/x.json", "{}", "notes/x.json:0: is not a content file path");
	expect_check("causes/x.json", "{\n  \"slug\": \"x\",\n  \"slug\": \"y\"\n}", "causes/x.json:3:");
	expect_check("remedies/a.json", "{\n \"slug\": 7\n}",
		     "remedies/a.json:2: slug: must be a string, not an integer\n");
	expect_check("remedies/a.json", "{\n \"slug\": 7\n}", "remedies/a.json:1: name: required field is missing\n");
	expect_check("triage/symptoms.json",
		     "{\"symptoms\": [{\"code\": \"a\", \"question\": \"Q?\", \"category\": \"x\"}]}",
		     "symptoms[0].category: unknown category \"x\"");
	/* Long and control-character text is shortened in messages. */
	expect_check("causes/x.json",
		     "{\"slug\": \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\\n\"}",
		     "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA...\" is not a valid slug");
	/* Many problems in one file: the rest are counted, not listed. */
	struct hh_diags d = {0};
	char *many = xstrdup("{");
	for (int i = 0; i < 150; i++) {
		char *next = xasprintf("%s\"k%d\": 1,", many, i);
		free(many);
		many = next;
	}
	char *full = xasprintf("%s\"slug\": \"x\"}", many);
	CHECK(hh_loader_check_file("remedies/x.json", full, strlen(full), &d) == -1);
	CHECK(d.n == 101);
	char *text = diags_text(&d);
	CHECK(strstr(text, "more problems not shown") != NULL);
	free(text);
	hh_diags_free(&d);
	free(full);
	free(many);
	torture_folder(MINIMAL);
}

static char *policy_with_rule(const char *field, long long max)
{
	return xasprintf("{\"rules\": [{\"code\": \"r\", \"field\": \"%s\", \"min\": 0, \"max\": %lld}]}", field, max);
}

/* A rule's range is the range a triage request accepts for its field: defined once, in triage.h. */
static void test_rule_bounds(void)
{
	char *want_age =
		xasprintf("rules[0].max: must be from 0 to %d, not %d", HH_TRIAGE_AGE_MAX, HH_TRIAGE_AGE_MAX + 1);
	char *want_days = xasprintf("rules[0].max: must be from 0 to %d, not %d", HH_TRIAGE_DURATION_DAYS_MAX,
				    HH_TRIAGE_DURATION_DAYS_MAX + 1);
	char *age = policy_with_rule("age", HH_TRIAGE_AGE_MAX + 1);
	char *days = policy_with_rule("duration_days", HH_TRIAGE_DURATION_DAYS_MAX + 1);
	CHECK(HH_TRIAGE_AGE_MAX == 130 && HH_TRIAGE_DURATION_DAYS_MAX == 36500);
	CHECK(hh_triage_field_max(HH_RULE_AGE) == HH_TRIAGE_AGE_MAX);
	CHECK(hh_triage_field_max(HH_RULE_DURATION_DAYS) == HH_TRIAGE_DURATION_DAYS_MAX);
	expect_check("triage/policy.json", age, want_age);
	expect_check("triage/policy.json", days, want_days);
	/* At the bound itself the max is accepted (other fields are missing). */
	struct hh_diags d = {0};
	char *edge = policy_with_rule("age", HH_TRIAGE_AGE_MAX);
	CHECK(hh_loader_check_file("triage/policy.json", edge, strlen(edge), &d) == -1);
	char *text = diags_text(&d);
	CHECK(strstr(text, "rules[0].max") == NULL);
	free(text);
	hh_diags_free(&d);
	free(edge), free(age), free(days), free(want_age), free(want_days);
}

/* ------------------------------------------------------------ combinations */

/* Sets key of policy.json's combinations[idx] to a string, in the copy at dir. */
static int edit_combination(const char *dir, size_t idx, const char *key, const char *value)
{
	char *path = xasprintf("%s/triage/policy.json", dir);
	json_t *j = json_load_file(path, 0, NULL);
	json_t *obj = json_array_get(json_object_get(j, "combinations"), idx);
	int rc = obj == NULL || json_object_set_new(obj, key, json_string(value)) < 0 ? -1 : 0;
	if (rc == 0)
		rc = json_dump_file(j, path, JSON_INDENT(2));
	json_decref(j);
	free(path);
	return rc;
}

/*
 * A combination is an entity of its own: editing one changes its checksum
 * (what migrate compares) and the ruleset_version (what answers and cache
 * keys carry), and neither the other combination's nor the policy row's.
 */
static void test_combination_checksums(void)
{
	struct hh_content *a = NULL, *b = NULL;
	struct hh_content_files fa, fb;
	struct hh_diags d = {0};
	char tmp[] = "/tmp/hh-combo-XXXXXX";
	CHECK(hh_loader_read_dir(CONTENT, &a, &fa, &d) == 0);
	CHECK(mkdtemp(tmp) != NULL);
	CHECK(a != NULL && reformat_copy(CONTENT, tmp, &fa) == 0);
	CHECK(edit_combination(tmp, 0, "message", "Call 999 now.") == 0);
	CHECK(hh_loader_read_dir(tmp, &b, &fb, &d) == 0);
	if (d.n > 0)
		hh_diags_print(&d, stderr);
	if (a != NULL && b != NULL && a->policy.n_combinations >= 2 && b->policy.n_combinations >= 2) {
		CHECK(strlen(a->policy.combinations[0].checksum) == 64);
		CHECK(strcmp(a->policy.combinations[0].checksum, b->policy.combinations[0].checksum) != 0);
		CHECK_STR(a->policy.combinations[1].checksum, b->policy.combinations[1].checksum);
		CHECK_STR(a->policy.checksum, b->policy.checksum);
		CHECK(strcmp(a->ruleset_version, b->ruleset_version) != 0);
		CHECK(a->policy.combinations[0].all_of.n == 1 && a->policy.combinations[0].any_of.n == 4);
	}
	remove_copy(tmp, &fa);
	hh_content_free(a);
	hh_content_free(b);
	hh_content_files_free(&fa);
	hh_content_files_free(&fb);
	hh_diags_free(&d);
}

/* ------------------------------------------------------------ the real content */

/* The real folder is written alongside this code: checked once it is whole. */
static void test_real_content(void)
{
	if (!file_exists(CONTENT "/triage/symptoms.json") || !file_exists(CONTENT "/triage/policy.json")) {
		printf("content/ is not complete yet: real-folder check skipped\n");
		return;
	}
	struct hh_content *c = NULL;
	struct hh_content_files files;
	struct hh_diags d = {0};
	CHECK(hh_loader_read_dir(CONTENT, &c, &files, &d) == 0);
	if (d.n > 0)
		hh_diags_print(&d, stderr);
	if (c != NULL) {
		CHECK(hh_content_article(c, "upper-middle-back-muscle-soreness") != NULL);
		CHECK(c->n_causes >= 8 && c->n_remedies >= 5 && c->n_symptoms > 0);
	}
	hh_content_free(c);
	hh_content_files_free(&files);
	hh_diags_free(&d);
	torture_folder(CONTENT);
}

int main(void)
{
	json_object_seed(1);
	test_minimal();
	test_invalid_cases();
	test_checksum_stability();
	test_check_file();
	test_reader();
	test_rule_bounds();
	test_combination_checksums();
	test_real_content();
	return check_done();
}
