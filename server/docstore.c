/*
 * docstore.c - content files <-> documents, the field-level diff, and
 * NAME@VERSION references (docstore.h). Pure: no I/O but the diff's FILE.
 */
#include "healthhub/docstore.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "healthhub/hash.h"

#define TRIAGE_DIR "triage/"

static const char *const entity_dirs[][2] = {
	{"articles/", "article"}, {"causes/", "cause"}, {"remedies/", "remedy"}, {"countries/", "country"}};

void hh_docs_free(struct hh_docs *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].name);
		free(d->v[i].body);
	}
	free(d->v);
	d->v = NULL;
	d->n = 0;
}

/* Adds a document whose body's checksum is sum when known (NULL: computed here). */
static void docs_add_sum(struct hh_docs *d, const char *name, const char *lang, const char *body, const char *sum,
			 long long version)
{
	d->v = hh_grow(d->v, d->n, sizeof(*d->v));
	struct hh_doc *x = &d->v[d->n++];
	memset(x, 0, sizeof(*x));
	x->name = xstrdup(name);
	snprintf(x->lang, sizeof(x->lang), "%s", lang);
	x->body = body != NULL ? xstrdup(body) : NULL;
	if (sum != NULL) /* without a body: a document known by its checksum alone */
		snprintf(x->checksum, sizeof(x->checksum), "%s", sum);
	else if (body != NULL)
		hh_sha256_hex(body, strlen(body), x->checksum);
	x->version = version;
}

void hh_docs_add(struct hh_docs *d, const char *name, const char *lang, const char *body, long long version)
{
	docs_add_sum(d, name, lang, body, NULL, version);
}

static int cmp_doc(const void *a, const void *b)
{
	const struct hh_doc *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c != 0 ? c : strcmp(x->lang, y->lang);
}

void hh_docs_sort(struct hh_docs *d)
{
	if (d->n > 1)
		qsort(d->v, d->n, sizeof(*d->v), cmp_doc);
}

const struct hh_doc *hh_docs_find(const struct hh_docs *d, const char *name, const char *lang)
{
	struct hh_doc key = {.name = (char *)name};
	snprintf(key.lang, sizeof(key.lang), "%s", lang);
	return d->n > 0 ? bsearch(&key, d->v, d->n, sizeof(*d->v), cmp_doc) : NULL;
}

void hh_doc_kind(const char *name, char *kind, size_t len)
{
	snprintf(kind, len, "%.*s", (int)strcspn(name, "/"), name);
}

/* "es/" -> "es"; an English path has no prefix. Returns the rest of the path. */
static const char *split_lang(const char *path, char lang[8])
{
	if (path[0] >= 'a' && path[0] <= 'z' && path[1] >= 'a' && path[1] <= 'z' && path[2] == '/') {
		snprintf(lang, 8, "%.2s", path);
		return path + 3;
	}
	snprintf(lang, 8, "en");
	return path;
}

int hh_doc_of_path(const char *path, char *name, size_t name_len, char lang[8], const char **member)
{
	const char *rest = split_lang(path, lang);
	size_t n = strlen(rest);
	*member = NULL;
	if (strncmp(rest, TRIAGE_DIR, strlen(TRIAGE_DIR)) == 0 && strchr(rest + strlen(TRIAGE_DIR), '/') == NULL) {
		*member = rest + strlen(TRIAGE_DIR);
		snprintf(name, name_len, "triage");
		return **member != '\0' ? 0 : -1;
	}
	if (n < 6 || strcmp(rest + n - 5, ".json") != 0)
		return -1;
	for (size_t k = 0; k < HH_ARRAY_LEN(entity_dirs); k++) {
		size_t d = strlen(entity_dirs[k][0]);
		if (strncmp(rest, entity_dirs[k][0], d) == 0 && strchr(rest + d, '/') == NULL && n > d + 5) {
			snprintf(name, name_len, "%s/%.*s", entity_dirs[k][1], (int)(n - d - 5), rest + d);
			return 0;
		}
	}
	return -1;
}

/* The canonical text of v (compact, keys sorted); caller frees. */
static char *canonical(const json_t *v)
{
	return json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}

/* Every file of one language's triage folder, as one object by file name. */
static json_t *triage_of(const struct hh_i18n_doc *files, size_t n, const char *lang)
{
	json_t *obj = json_object();
	for (size_t i = 0; i < n; i++) {
		char name[256], l[8];
		const char *member = NULL;
		if (hh_doc_of_path(files[i].path, name, sizeof(name), l, &member) < 0 || member == NULL ||
		    strcmp(l, lang) != 0)
			continue;
		json_t *v = json_loads(files[i].body, 0, NULL);
		if (v == NULL) {
			json_decref(obj);
			return NULL;
		}
		json_object_set_new(obj, member, v);
	}
	return obj;
}

int hh_docs_from_files(const struct hh_i18n_doc *files, size_t n, int canonical_in, struct hh_docs *out)
{
	char triage_done[64] = ""; /* " en es": the languages whose triage document is made */
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		char name[256], lang[8], tag[12];
		const char *member = NULL;
		if (hh_doc_of_path(files[i].path, name, sizeof(name), lang, &member) < 0)
			goto fail;
		snprintf(tag, sizeof(tag), " %s", lang);
		if (member != NULL && strstr(triage_done, tag) != NULL)
			continue; /* the language's triage document is made at its first file */
		if (member != NULL && strlen(triage_done) + strlen(tag) < sizeof(triage_done))
			strcat(triage_done, tag);
		if (member == NULL && canonical_in) { /* the loader's kept files: canonical and summed already */
			docs_add_sum(out, name, lang, files[i].body, files[i].checksum, 0);
			continue;
		}
		json_t *v = member != NULL ? triage_of(files, n, lang) : json_loads(files[i].body, 0, NULL);
		if (v == NULL)
			goto fail;
		char *body = canonical(v);
		json_decref(v);
		hh_docs_add(out, name, lang, body, 0);
		free(body);
	}
	hh_docs_sort(out);
	return 0;
fail:
	hh_docs_free(out);
	return -1;
}

void hh_doc_files_free(struct hh_doc_files *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].path);
		free(f->v[i].body);
	}
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

static void files_add(struct hh_doc_files *f, char *path, const json_t *v, int pretty)
{
	f->v = hh_grow(f->v, f->n, sizeof(*f->v));
	f->v[f->n].path = path;
	f->v[f->n].checksum[0] = '\0';
	f->v[f->n].body = json_dumps(v, pretty ? JSON_INDENT(2) : JSON_COMPACT);
	if (pretty && f->v[f->n].body != NULL) {
		char *b = xasprintf("%s\n", f->v[f->n].body);
		free(f->v[f->n].body);
		f->v[f->n].body = b;
	}
	f->n++;
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct hh_doc_file *)a)->path, ((const struct hh_doc_file *)b)->path);
}

/* "cause" -> "causes/"; NULL for triage. */
static const char *dir_of(const char *kind)
{
	for (size_t k = 0; k < HH_ARRAY_LEN(entity_dirs); k++)
		if (strcmp(entity_dirs[k][1], kind) == 0)
			return entity_dirs[k][0];
	return NULL;
}

int hh_docs_to_files(const struct hh_docs *d, int pretty, struct hh_doc_files *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < d->n; i++) {
		const struct hh_doc *x = &d->v[i];
		if (x->body == NULL)
			continue;
		char kind[16];
		const char *prefix = strcmp(x->lang, "en") == 0 ? "" : x->lang, *slash = *prefix ? "/" : "";
		hh_doc_kind(x->name, kind, sizeof(kind));
		if (!pretty && dir_of(kind) != NULL) { /* one file, as it is: the loader parses it once */
			out->v = hh_grow(out->v, out->n, sizeof(*out->v));
			out->v[out->n].path =
				xasprintf("%s%s%s%s.json", prefix, slash, dir_of(kind), strchr(x->name, '/') + 1);
			snprintf(out->v[out->n].checksum, sizeof(out->v[out->n].checksum), "%s", x->checksum);
			out->v[out->n++].body = xstrdup(x->body);
			continue;
		}
		json_t *v = json_loads(x->body, 0, NULL);
		if (v == NULL) {
			hh_doc_files_free(out);
			return -1;
		}
		if (strcmp(kind, "triage") == 0) {
			const char *member;
			json_t *m;
			json_object_foreach(v, member, m)
			{
				files_add(out, xasprintf("%s%s" TRIAGE_DIR "%s", prefix, slash, member), m, pretty);
			}
		} else if (dir_of(kind) != NULL) {
			files_add(out,
				  xasprintf("%s%s%s%s.json", prefix, slash, dir_of(kind), strchr(x->name, '/') + 1), v,
				  pretty);
		}
		json_decref(v);
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), cmp_file);
	return 0;
}

struct hh_i18n_doc *hh_doc_files_view(const struct hh_doc_files *files)
{
	struct hh_i18n_doc *v = xcalloc(files->n + 1, sizeof(*v));
	for (size_t i = 0; i < files->n; i++)
		v[i] = (struct hh_i18n_doc){files->v[i].path, files->v[i].body,
					    files->v[i].checksum[0] != '\0' ? files->v[i].checksum : NULL};
	return v;
}

/* ------------------------------------------------------------ diff */

#define SHOW_MAX 72 /* a value longer than this is cut */

/* v as JSON, from byte skip on ("..." before), cut at SHOW_MAX; "(none)" for NULL. */
static void show_value(const json_t *v, size_t skip, FILE *out)
{
	if (v == NULL) {
		fputs("(none)", out);
		return;
	}
	char *s = canonical(v);
	size_t n = s != NULL ? strlen(s) : 0;
	if (skip >= n)
		skip = 0;
	while (skip > 0 && ((unsigned char)s[skip] & 0xc0) == 0x80)
		skip--; /* never inside a UTF-8 character */
	size_t cut = n - skip > SHOW_MAX ? SHOW_MAX : n - skip;
	while (cut > 0 && skip + cut < n && ((unsigned char)s[skip + cut] & 0xc0) == 0x80)
		cut--;
	fprintf(out, "%s%.*s%s", skip > 0 ? "..." : "", (int)cut, s != NULL ? s + skip : "?",
		skip + cut < n ? "..." : "");
	free(s);
}

/* Where two long strings start to differ, less some context: what both are shown from. */
static size_t common_skip(const json_t *a, const json_t *b)
{
	if (!json_is_string(a) || !json_is_string(b))
		return 0;
	const char *x = json_string_value(a), *y = json_string_value(b);
	size_t i = 0;
	while (x[i] != '\0' && x[i] == y[i])
		i++;
	return i > SHOW_MAX / 2 ? i - SHOW_MAX / 4 : 0;
}

static size_t diff_value(const json_t *a, const json_t *b, const char *path, const char *indent, FILE *out);

static size_t diff_objects(const json_t *a, const json_t *b, const char *path, const char *indent, FILE *out)
{
	size_t n = 0;
	const char *key;
	json_t *v;
	/* the keys of both sides in sorted order: the output does not depend on the files' order */
	json_t *both = json_object();
	json_object_update(both, (json_t *)a);
	json_object_update(both, (json_t *)b);
	char *all = json_dumps(both, JSON_COMPACT | JSON_SORT_KEYS);
	json_t *sorted = all != NULL ? json_loads(all, JSON_PRESERVE_ORDER, NULL) : NULL;
	free(all);
	json_decref(both);
	json_object_foreach(sorted, key, v)
	{
		char *sub = *path ? xasprintf("%s.%s", path, key) : xstrdup(key);
		n += diff_value(json_object_get(a, key), json_object_get(b, key), sub, indent, out);
		free(sub);
	}
	json_decref(sorted);
	return n;
}

static size_t diff_value(const json_t *a, const json_t *b, const char *path, const char *indent, FILE *out)
{
	if (a != NULL && b != NULL && json_equal((json_t *)a, (json_t *)b))
		return 0;
	if (json_is_object(a) && json_is_object(b))
		return diff_objects(a, b, path, indent, out);
	if (json_is_array(a) && json_is_array(b)) {
		size_t n = 0, na = json_array_size(a), nb = json_array_size(b);
		for (size_t i = 0; i < (na > nb ? na : nb); i++) {
			char *sub = xasprintf("%s[%zu]", path, i);
			n += diff_value(json_array_get(a, i), json_array_get(b, i), sub, indent, out);
			free(sub);
		}
		return n;
	}
	if (out != NULL) {
		size_t skip = common_skip(a, b);
		fprintf(out, "%s%s: ", indent, *path ? path : "(document)");
		show_value(a, skip, out);
		fputs(" -> ", out);
		show_value(b, skip, out);
		fputc('\n', out);
	}
	return 1;
}

size_t hh_doc_diff(const char *a, const char *b, const char *indent, FILE *out)
{
	json_t *x = a != NULL ? json_loads(a, 0, NULL) : NULL, *y = b != NULL ? json_loads(b, 0, NULL) : NULL;
	size_t n = x != NULL || y != NULL ? diff_value(x, y, "", indent, out) : 0;
	json_decref(x);
	json_decref(y);
	return n;
}

/* ------------------------------------------------------------ references */

int hh_doc_ref_parse(const char *s, char *name, size_t name_len, long long *version, char *date, size_t date_len)
{
	const char *at = strchr(s, '@');
	size_t n = at != NULL ? (size_t)(at - s) : strlen(s);
	*version = 0;
	if (date_len > 0)
		date[0] = '\0';
	if (n == 0 || n >= name_len)
		return -1;
	snprintf(name, name_len, "%.*s", (int)n, s);
	if (at == NULL)
		return 0;
	const char *v = at + 1;
	if (*v >= '0' && *v <= '9' && strlen(v) >= 10 && v[4] == '-' && v[7] == '-') {
		if (strlen(v) >= date_len)
			return -1;
		snprintf(date, date_len, "%s", v);
		return 0;
	}
	return hh_parse_int(v, 1, INT64_MAX, version);
}
