/*
 * loader.c - reads and validates a content folder (content/README.md) into a
 * struct hh_content.
 *
 * Each file is parsed with jansson and then checked field by field; every
 * problem becomes one diagnostic and checking goes on, so an editor sees all
 * their mistakes in one run. Cross-references are checked once every file is
 * read, against the file names present in each folder (so a cause whose file
 * exists but has a typo inside does not also make every link to it fail).
 * Slugs are unique because each must equal its file's name, and names in one
 * folder are unique; codes are checked across symptoms and rules.
 *
 * Line numbers. jansson keeps no positions for values, so the first time a
 * file needs a diagnostic we scan its raw text (valid JSON by then) and map
 * every JSON path ("sections[0].heading") to the line of its key, for object
 * members, or of its first character, for array elements; the root maps to
 * the line of its opening brace. A problem is reported at its path's line; a
 * path not in the map (a missing field, a key written with \u escapes) falls
 * back to its nearest ancestor, so a missing field is reported at the line
 * that opens its enclosing object.
 */
#include "healthhub/loader.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "healthhub/hash.h"

#define MAX_FILE_SIZE (1024 * 1024) /* bytes per content file */
#define MAX_DEPTH 32                /* JSON nesting; the format needs 4 */
#define MAX_ITEMS 1000              /* per array or weights object */
#define MAX_DIAGS_PER_FILE 100      /* beyond: counted, summarised */
#define PATH_LEN 256                /* JSON paths; longer ones are cut */
#define SHORT_LEN 72                /* user text quoted in a message */

enum { OPTIONAL = 0, REQUIRED = 1, NONEMPTY = 2, UNIQUE = 4 };

enum kind { KIND_ARTICLE, KIND_CAUSE, KIND_REMEDY, KIND_SYMPTOMS, KIND_POLICY };
#define ENTITY_KINDS 3 /* articles, causes, remedies: one file per entity */

static const char *const kind_dir[ENTITY_KINDS] = {"articles", "causes", "remedies"};
static const char *const kind_noun[ENTITY_KINDS] = {"article", "cause", "remedy"};
#define SYMPTOMS_PATH "triage/symptoms.json"
#define POLICY_PATH "triage/policy.json"

struct pos {
	char *path; /* JSON path, "" for the root */
	int line;   /* 1-based */
};

struct posmap {
	struct pos *v; /* sorted by path once built */
	size_t n, cap;
};

struct loader;

/* One file being checked. */
struct src {
	struct loader *L;     /* owner */
	char *rel;            /* relative path, e.g. "causes/x.json" */
	char *buf;            /* raw bytes, NUL-terminated */
	size_t len;
	enum kind kind;
	int has_entity;       /* an article/cause/remedy slot was filled */
	size_t index;         /* that slot in L->c */
	size_t errors, shown; /* problems found / diagnostics written */
	struct posmap map;    /* built on the first diagnostic */
	int mapped;
};

struct names {
	char **v; /* file names without ".json", sorted */
	size_t n;
};

struct loader {
	const char *dir;                  /* content folder; NULL for check_file */
	struct hh_content *c;             /* being filled; owned until handed out */
	struct hh_diags *diags;           /* borrowed */
	size_t errors;                    /* every problem found, shown or not */
	struct src **srcs;                /* every file parsed, in reading order */
	size_t n_srcs;
	struct src *symptoms, *policy;    /* the triage files, if read */
	struct names names[ENTITY_KINDS]; /* which entity files exist */
	struct hh_content_files files;    /* raw checksums, for migrate */
};

/* ------------------------------------------------------------ diagnostics */

static char *xvasprintf(const char *fmt, va_list ap) HH_PRINTF(1, 0);

static char *xvasprintf(const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return xstrdup("(unprintable message)");
	char *p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

void hh_diags_add(struct hh_diags *d, const char *file, int line, int column, const char *field,
		  const char *fmt, ...)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 16;
		d->v = xrealloc(d->v, d->cap * sizeof(*d->v));
	}
	struct hh_diag *g = &d->v[d->n++];
	va_list ap;
	va_start(ap, fmt);
	g->message = xvasprintf(fmt, ap);
	va_end(ap);
	g->file = xstrdup(file ? file : "");
	g->line = line;
	g->column = column;
	g->field = xstrdup(field ? field : "");
}

void hh_diags_print(const struct hh_diags *d, FILE *out)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct hh_diag *g = &d->v[i];
		fprintf(out, "%s:%d", g->file, g->line);
		if (g->column > 0)
			fprintf(out, ":%d", g->column);
		if (g->field[0] != '\0')
			fprintf(out, ": %s", g->field);
		fprintf(out, ": %s\n", g->message);
	}
}

void hh_diags_free(struct hh_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].field);
		free(d->v[i].message);
	}
	free(d->v);
	d->v = NULL;
	d->n = d->cap = 0;
}

void hh_content_files_free(struct hh_content_files *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i].path);
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

/* A problem with a file as a whole (unreadable, missing): line 0, no field. */
static void loader_fail(struct loader *L, const char *file, const char *fmt, ...) HH_PRINTF(3, 4);

static void loader_fail(struct loader *L, const char *file, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	hh_diags_add(L->diags, file, 0, 0, "", "%s", msg);
	free(msg);
	L->errors++;
}

/* ------------------------------------------------------------ position map */

struct scanner {
	const char *p, *end;
	int line;
	struct posmap *map;
	char path[PATH_LEN];
};

static void map_add(struct posmap *m, const char *path, int line)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 64;
		m->v = xrealloc(m->v, m->cap * sizeof(*m->v));
	}
	m->v[m->n].path = xstrdup(path);
	m->v[m->n].line = line;
	m->n++;
}

static void map_free(struct posmap *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].path);
	free(m->v);
}

static int cmp_pos(const void *a, const void *b)
{
	return strcmp(((const struct pos *)a)->path, ((const struct pos *)b)->path);
}

static void scan_ws(struct scanner *sc)
{
	while (sc->p < sc->end) {
		char ch = *sc->p;
		if (ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n')
			return;
		if (ch == '\n')
			sc->line++;
		sc->p++;
	}
}

static int scan_expect(struct scanner *sc, char ch)
{
	scan_ws(sc);
	if (sc->p >= sc->end || *sc->p != ch)
		return -1;
	sc->p++;
	return 0;
}

/* Skips a string; *s and *n give its raw (undecoded) contents. */
static int scan_string(struct scanner *sc, const char **s, size_t *n)
{
	if (sc->p >= sc->end || *sc->p != '"')
		return -1;
	const char *start = ++sc->p;
	while (sc->p < sc->end && *sc->p != '"') {
		if (*sc->p == '\\' && sc->p + 1 < sc->end)
			sc->p++;
		sc->p++;
	}
	if (sc->p >= sc->end)
		return -1;
	*s = start;
	*n = (size_t)(sc->p - start);
	sc->p++;
	return 0;
}

/* Appends ".key" (or "key" at the root); returns the length to cut back to. */
static size_t path_push_key(char *path, const char *key, size_t n)
{
	size_t mark = strlen(path);
	int klen = n > PATH_LEN ? PATH_LEN : (int)n;
	snprintf(path + mark, PATH_LEN - mark, "%s%.*s", mark ? "." : "", klen, key);
	return mark;
}

static size_t path_push_index(char *path, size_t i)
{
	size_t mark = strlen(path);
	snprintf(path + mark, PATH_LEN - mark, "[%zu]", i);
	return mark;
}

static int scan_value(struct scanner *sc, int depth);

static int scan_member(struct scanner *sc, int depth)
{
	const char *key;
	size_t n;
	scan_ws(sc);
	int line = sc->line;
	if (scan_string(sc, &key, &n) < 0 || scan_expect(sc, ':') < 0)
		return -1;
	size_t mark = path_push_key(sc->path, key, n);
	map_add(sc->map, sc->path, line);
	int rc = scan_value(sc, depth + 1);
	sc->path[mark] = '\0';
	return rc;
}

static int scan_object(struct scanner *sc, int depth)
{
	sc->p++; /* '{' */
	if (scan_expect(sc, '}') == 0)
		return 0;
	for (;;) {
		if (scan_member(sc, depth) < 0)
			return -1;
		if (scan_expect(sc, '}') == 0)
			return 0;
		if (scan_expect(sc, ',') < 0)
			return -1;
	}
}

static int scan_element(struct scanner *sc, size_t i, int depth)
{
	scan_ws(sc);
	size_t mark = path_push_index(sc->path, i);
	map_add(sc->map, sc->path, sc->line);
	int rc = scan_value(sc, depth + 1);
	sc->path[mark] = '\0';
	return rc;
}

static int scan_array(struct scanner *sc, int depth)
{
	sc->p++; /* '[' */
	if (scan_expect(sc, ']') == 0)
		return 0;
	for (size_t i = 0;; i++) {
		if (scan_element(sc, i, depth) < 0)
			return -1;
		if (scan_expect(sc, ']') == 0)
			return 0;
		if (scan_expect(sc, ',') < 0)
			return -1;
	}
}

static int scan_value(struct scanner *sc, int depth)
{
	const char *s;
	size_t n;
	scan_ws(sc);
	if (sc->p >= sc->end || depth > MAX_DEPTH + 1)
		return -1;
	if (*sc->p == '{')
		return scan_object(sc, depth);
	if (*sc->p == '[')
		return scan_array(sc, depth);
	if (*sc->p == '"')
		return scan_string(sc, &s, &n);
	/* A number, true, false or null: up to the next delimiter. */
	while (sc->p < sc->end && strchr(",]} \t\r\n", *sc->p) == NULL)
		sc->p++;
	return 0;
}

static void map_build(struct src *s)
{
	struct scanner sc = {.p = s->buf, .end = s->buf + s->len, .line = 1, .map = &s->map};
	scan_ws(&sc);
	map_add(&s->map, "", sc.line);
	/* A scan error only leaves the map partial: lookups fall back to ancestors. */
	(void)scan_value(&sc, 1);
	qsort(s->map.v, s->map.n, sizeof(*s->map.v), cmp_pos);
	s->mapped = 1;
}

/* Cuts the last ".key" or "[i]" off a path. */
static void path_parent(char *path)
{
	char *dot = strrchr(path, '.');
	char *bracket = strrchr(path, '[');
	char *cut = dot > bracket ? dot : bracket;
	if (cut == NULL)
		cut = path;
	*cut = '\0';
}

static int src_line(struct src *s, const char *path)
{
	char buf[PATH_LEN];
	if (!s->mapped)
		map_build(s);
	snprintf(buf, sizeof(buf), "%s", path);
	for (;;) {
		struct pos key = {.path = buf};
		const struct pos *p = bsearch(&key, s->map.v, s->map.n, sizeof(key), cmp_pos);
		if (p != NULL)
			return p->line;
		if (buf[0] == '\0')
			return 1;
		path_parent(buf);
	}
}

/* ------------------------------------------------------------ reporting */

/* n is what snprintf wanted to write: an over-long path (absurd keys only) ends in "...". */
static void path_fit(char out[PATH_LEN], int n)
{
	if (n < 0 || n >= PATH_LEN)
		memcpy(out + PATH_LEN - 4, "...", 4);
}

static void join_key(char out[PATH_LEN], const char *parent, const char *key)
{
	path_fit(out, snprintf(out, PATH_LEN, "%s%s%s", parent, parent[0] ? "." : "", key));
}

static void join_index(char out[PATH_LEN], const char *parent, size_t i)
{
	path_fit(out, snprintf(out, PATH_LEN, "%s[%zu]", parent, i));
}

/*
 * User text made safe to quote in a one-line message: control characters
 * become '?', and long text is cut at a character boundary with "...".
 */
static const char *shorten(const char *s, char out[SHORT_LEN])
{
	size_t i = 0, k = 0;
	for (; s[i] != '\0' && k < SHORT_LEN - 4; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (k >= SHORT_LEN - 8 && (ch & 0xC0) != 0x80)
			break;
		out[k++] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
	}
	if (s[i] != '\0')
		memcpy(out + k, "...", 4);
	else
		out[k] = '\0';
	return out;
}

static void vreport(struct src *s, const char *line_path, const char *field, const char *fmt, va_list ap)
	HH_PRINTF(4, 0);

static void vreport(struct src *s, const char *line_path, const char *field, const char *fmt, va_list ap)
{
	s->errors++;
	s->L->errors++;
	if (s->shown >= MAX_DIAGS_PER_FILE)
		return;
	s->shown++;
	char *msg = xvasprintf(fmt, ap);
	hh_diags_add(s->L->diags, s->rel, src_line(s, line_path), 0, field, "%s", msg);
	free(msg);
}

/* A problem named by field, reported at the line of line_path. */
static void report(struct src *s, const char *line_path, const char *field, const char *fmt, ...)
	HH_PRINTF(4, 5);

static void report(struct src *s, const char *line_path, const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(s, line_path, field, fmt, ap);
	va_end(ap);
}

/* A problem at the value with this JSON path. */
static void fail(struct src *s, const char *path, const char *fmt, ...) HH_PRINTF(3, 4);

static void fail(struct src *s, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(s, path, path, fmt, ap);
	va_end(ap);
}

static void missing(struct src *s, const char *obj_path, const char *key)
{
	char field[PATH_LEN];
	join_key(field, obj_path, key);
	report(s, obj_path, field, "required field is missing");
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a number with a fraction";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "an unknown type";
}

static void wrong_type(struct src *s, const char *path, const char *want, const json_t *v)
{
	fail(s, path, "must be %s, not %s", want, type_name(v));
}

/* ------------------------------------------------------------ keys */

/* Levenshtein distance, for "did you mean"; large for long strings. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	size_t row[65];
	if (na > 64 || nb > 64)
		return SIZE_MAX;
	for (size_t j = 0; j <= nb; j++)
		row[j] = j;
	for (size_t i = 1; i <= na; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= nb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[nb];
}

static int in_list(const char *key, const char *const *list)
{
	for (size_t i = 0; list[i] != NULL; i++)
		if (strcmp(key, list[i]) == 0)
			return 1;
	return 0;
}

static void unknown_key(struct src *s, const char *path, const char *key, const char *const *allowed)
{
	char shown[SHORT_LEN], field[PATH_LEN];
	const char *near = NULL;
	shorten(key, shown);
	join_key(field, path, shown);
	for (size_t i = 0; allowed[i] != NULL && near == NULL; i++)
		if (edit_distance(key, allowed[i]) <= 2)
			near = allowed[i];
	if (near != NULL)
		fail(s, field, "unknown key \"%s\" (did you mean \"%s\"?)", shown, near);
	else
		fail(s, field, "unknown key \"%s\"", shown);
}

/* Keys the format does not know are refused: a typo must not pass silently. */
static void check_keys(struct src *s, json_t *obj, const char *path, const char *const *allowed)
{
	for (void *it = json_object_iter(obj); it != NULL; it = json_object_iter_next(obj, it)) {
		const char *key = json_object_iter_key(it);
		if (!in_list(key, allowed))
			unknown_key(s, path, key, allowed);
	}
}

/* Borrowed member or NULL; a missing required member is reported. */
static json_t *member(struct src *s, json_t *obj, const char *path, const char *key, int flags)
{
	json_t *v = json_object_get(obj, key);
	if (v == NULL && (flags & REQUIRED))
		missing(s, path, key);
	return v;
}

/* A member that must not be there, with the reason why. */
static void forbid(struct src *s, json_t *obj, const char *path, const char *key, const char *why)
{
	char field[PATH_LEN];
	if (json_object_get(obj, key) == NULL)
		return;
	join_key(field, path, key);
	fail(s, field, "%s", why);
}

/* ------------------------------------------------------------ values */

static int is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

typedef const char *(*value_fn)(struct src *s, json_t *v, const char *path);

/* Plain text: non-empty, trimmed, no control characters but newlines. */
static const char *check_text(struct src *s, json_t *v, const char *path)
{
	if (!json_is_string(v)) {
		wrong_type(s, path, "a string", v);
		return NULL;
	}
	const char *t = json_string_value(v);
	size_t n = json_string_length(v);
	if (n == 0) {
		fail(s, path, "must not be empty");
		return NULL;
	}
	if (is_blank(t[0]) || is_blank(t[n - 1])) {
		fail(s, path, "must not start or end with white space");
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)t[i] < 0x20 && t[i] != '\n') || t[i] == 0x7f) {
			fail(s, path, "must not contain control characters (only newlines)");
			return NULL;
		}
	return hh_content_strndup(s->L->c, t, n);
}

typedef int (*format_fn)(const char *s);

static const char *check_format(struct src *s, json_t *v, const char *path, format_fn ok, const char *what)
{
	char shown[SHORT_LEN];
	if (!json_is_string(v)) {
		wrong_type(s, path, "a string", v);
		return NULL;
	}
	const char *t = json_string_value(v);
	if (!ok(t)) {
		fail(s, path, "\"%s\" is not a valid %s", shorten(t, shown), what);
		return NULL;
	}
	return hh_content_strdup(s->L->c, t);
}

static const char *check_slug(struct src *s, json_t *v, const char *path)
{
	return check_format(s, v, path, hh_is_slug, "slug (lower-case kebab-case, like poor-posture)");
}

static const char *check_code(struct src *s, json_t *v, const char *path)
{
	return check_format(s, v, path, hh_is_code, "code (lower-case snake_case, like chest_pain)");
}

static int is_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int digits_value(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* YYYY-MM-DD naming a real calendar day. */
static int is_date(const char *s)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	if (!is_digits(s, 4) || !is_digits(s + 5, 2) || !is_digits(s + 8, 2))
		return 0;
	int y = digits_value(s, 4), m = digits_value(s + 5, 2), d = digits_value(s + 8, 2);
	if (y < 1 || m < 1 || m > 12 || d < 1)
		return 0;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= days[m - 1] + (m == 2 && leap);
}

static const char *check_date(struct src *s, json_t *v, const char *path)
{
	return check_format(s, v, path, is_date, "date (YYYY-MM-DD, a real calendar day)");
}

static int is_host_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '.' || ch == '-' || ch == ':';
}

/* Why an URL is refused, or NULL: absolute https, a host, printable ASCII only. */
static const char *url_problem(const char *u)
{
	if (strncmp(u, "https://", 8) != 0)
		return "must be an absolute https:// URL";
	for (const char *p = u; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return "must not contain spaces, control or non-ASCII characters (percent-encode them)";
	const char *host = u + 8;
	size_t n = strcspn(host, "/?#");
	if (n == 0)
		return "has no host";
	for (size_t i = 0; i < n; i++)
		if (!is_host_char(host[i]))
			return "has an invalid host name";
	return NULL;
}

static const char *check_url(struct src *s, json_t *v, const char *path)
{
	char shown[SHORT_LEN];
	if (!json_is_string(v)) {
		wrong_type(s, path, "a string", v);
		return NULL;
	}
	const char *u = json_string_value(v);
	const char *why = url_problem(u);
	if (why != NULL) {
		fail(s, path, "\"%s\" %s", shorten(u, shown), why);
		return NULL;
	}
	return hh_content_strdup(s->L->c, u);
}

/* The member key of obj checked by fn; NULL when missing or invalid. */
static const char *value_member(struct src *s, json_t *obj, const char *path, const char *key, int flags,
				value_fn fn)
{
	char field[PATH_LEN];
	json_t *v = member(s, obj, path, key, flags);
	if (v == NULL)
		return NULL;
	join_key(field, path, key);
	return fn(s, v, field);
}

static const char *text_member(struct src *s, json_t *obj, const char *path, const char *key)
{
	return value_member(s, obj, path, key, REQUIRED, check_text);
}

static int int_member(struct src *s, json_t *obj, const char *path, const char *key, long long min,
		      long long max, long long *out) HH_MUSTCHECK;

static int int_member(struct src *s, json_t *obj, const char *path, const char *key, long long min,
		      long long max, long long *out)
{
	char field[PATH_LEN];
	json_t *v = member(s, obj, path, key, REQUIRED);
	if (v == NULL)
		return -1;
	join_key(field, path, key);
	if (!json_is_integer(v)) {
		wrong_type(s, field, "an integer", v);
		return -1;
	}
	long long n = json_integer_value(v);
	if (n < min || n > max) {
		fail(s, field, "must be from %lld to %lld, not %lld", min, max, n);
		return -1;
	}
	*out = n;
	return 0;
}

/* A level by name; red flags may not use self_care. A bad one stays self_care, reported. */
static void level_member(struct src *s, json_t *obj, const char *path, int allow_self_care, enum hh_level *out)
{
	char field[PATH_LEN], shown[SHORT_LEN];
	json_t *v = member(s, obj, path, "level", REQUIRED);
	if (v == NULL)
		return;
	join_key(field, path, "level");
	if (!json_is_string(v)) {
		wrong_type(s, field, "a string", v);
		return;
	}
	if (hh_level_parse(json_string_value(v), out) < 0) {
		fail(s, field, "unknown level \"%s\" (expected emergency, urgent, see_doctor%s)",
		     shorten(json_string_value(v), shown), allow_self_care ? " or self_care" : "");
		return;
	}
	if (!allow_self_care && *out == HH_LEVEL_SELF_CARE)
		fail(s, field, "must be emergency, urgent or see_doctor");
}

/* ------------------------------------------------------------ lists */

/* The member key of obj if it is an array of at most MAX_ITEMS (and not empty if NONEMPTY). */
static json_t *array_member(struct src *s, json_t *obj, const char *path, const char *key, int flags)
{
	char field[PATH_LEN];
	json_t *v = member(s, obj, path, key, flags);
	if (v == NULL)
		return NULL;
	join_key(field, path, key);
	if (!json_is_array(v)) {
		wrong_type(s, field, "an array", v);
		return NULL;
	}
	if ((flags & NONEMPTY) && json_array_size(v) == 0) {
		fail(s, field, "must not be empty");
		return NULL;
	}
	if (json_array_size(v) > MAX_ITEMS) {
		fail(s, field, "has %zu items; at most %d are allowed", json_array_size(v), MAX_ITEMS);
		return NULL;
	}
	return v;
}

static void check_unique(struct src *s, const struct hh_strv *v, size_t i, const char *path)
{
	char shown[SHORT_LEN];
	for (size_t k = 0; k < i; k++)
		if (v->v[k] != NULL && strcmp(v->v[k], v->v[i]) == 0) {
			fail(s, path, "\"%s\" is listed twice", shorten(v->v[i], shown));
			return;
		}
}

/*
 * A list of strings checked by fn. An invalid entry is kept as NULL so the
 * indexes still match the file (cross-reference messages name them); a
 * content with NULL entries is never handed out.
 */
static void strv_member(struct src *s, json_t *obj, const char *path, const char *key, int flags, value_fn fn,
			struct hh_strv *out)
{
	char field[PATH_LEN], item[PATH_LEN];
	json_t *arr = array_member(s, obj, path, key, flags);
	if (arr == NULL)
		return;
	join_key(field, path, key);
	out->n = json_array_size(arr);
	out->v = hh_content_alloc(s->L->c, (out->n + 1) * sizeof(*out->v));
	for (size_t i = 0; i < out->n; i++) {
		join_index(item, field, i);
		out->v[i] = fn(s, json_array_get(arr, i), item);
		if (out->v[i] != NULL && (flags & UNIQUE))
			check_unique(s, out, i, item);
	}
}

struct bits_kind {
	const char *what;                             /* "position" */
	int (*parse)(const char *s, unsigned *bit);   /* hh_position_parse */
	const char *expected;                         /* for the message */
};

static const struct bits_kind positions_kind = {"position", hh_position_parse, "standing, sitting or lying_down"};
static const struct bits_kind regions_kind = {"region", hh_region_parse, "upper_back or middle_back"};

static unsigned check_bit(struct src *s, json_t *v, const char *path, const struct bits_kind *k, unsigned seen)
{
	char shown[SHORT_LEN];
	unsigned bit = 0;
	if (!json_is_string(v)) {
		wrong_type(s, path, "a string", v);
		return 0;
	}
	shorten(json_string_value(v), shown);
	if (k->parse(json_string_value(v), &bit) < 0) {
		fail(s, path, "unknown %s \"%s\" (expected %s)", k->what, shown, k->expected);
		return 0;
	}
	if (seen & bit)
		fail(s, path, "%s \"%s\" is listed twice", k->what, shown);
	return bit;
}

/* A list of position or region names as a bit mask. */
static unsigned bits_member(struct src *s, json_t *obj, const char *key, const struct bits_kind *k)
{
	char item[PATH_LEN];
	unsigned bits = 0;
	json_t *arr = array_member(s, obj, "", key, REQUIRED);
	if (arr == NULL)
		return 0;
	for (size_t i = 0; i < json_array_size(arr); i++) {
		join_index(item, key, i);
		bits |= check_bit(s, json_array_get(arr, i), item, k, bits);
	}
	return bits;
}

static const char *const reference_keys[] = {"title", "url", NULL};

/* {"title", "url"}: where a piece of text comes from. */
static void check_reference(struct src *s, json_t *v, const char *path, struct hh_reference *out)
{
	if (!json_is_object(v)) {
		wrong_type(s, path, "an object with title and url", v);
		return;
	}
	check_keys(s, v, path, reference_keys);
	out->title = text_member(s, v, path, "title");
	out->url = value_member(s, v, path, "url", REQUIRED, check_url);
}

static void references_member(struct src *s, json_t *obj, int flags, struct hh_reference_list *out)
{
	char item[PATH_LEN];
	json_t *arr = array_member(s, obj, "", "references", flags);
	if (arr == NULL)
		return;
	out->n = json_array_size(arr);
	out->v = hh_content_alloc(s->L->c, (out->n + 1) * sizeof(*out->v));
	for (size_t i = 0; i < out->n; i++) {
		join_index(item, "references", i);
		check_reference(s, json_array_get(arr, i), item, &out->v[i]);
	}
}

static void source_member(struct src *s, json_t *obj, const char *path, int flags, struct hh_reference *out)
{
	char field[PATH_LEN];
	json_t *v = member(s, obj, path, "source", flags);
	if (v == NULL)
		return;
	join_key(field, path, "source");
	check_reference(s, v, field, out);
}

/* ------------------------------------------------------------ entities */

/* The slug, which must also be the file's name. */
static const char *entity_slug(struct src *s, json_t *obj)
{
	char shown[SHORT_LEN];
	const char *slug = value_member(s, obj, "", "slug", REQUIRED, check_slug);
	if (slug == NULL)
		return NULL;
	const char *slash = strrchr(s->rel, '/');
	const char *base = slash ? slash + 1 : s->rel;
	size_t n = strlen(slug);
	if (strncmp(base, slug, n) != 0 || strcmp(base + n, ".json") != 0)
		fail(s, "slug", "slug \"%s\" does not match the file name %s (it must be %s.json)",
		     shorten(slug, shown), base, slug);
	return slug;
}

static const char *const section_keys[] = {"id", "heading", "body", NULL};

static void check_section(struct src *s, json_t *v, const char *path, struct hh_section *out)
{
	if (!json_is_object(v)) {
		wrong_type(s, path, "an object", v);
		return;
	}
	check_keys(s, v, path, section_keys);
	out->id = value_member(s, v, path, "id", REQUIRED, check_slug);
	out->heading = text_member(s, v, path, "heading");
	out->body = text_member(s, v, path, "body");
}

/* Section ids are anchors in the rendered page, so unique within it. */
static void check_section_id(struct src *s, const struct hh_article *a, size_t i, const char *path)
{
	char field[PATH_LEN];
	const char *id = a->sections[i].id;
	for (size_t k = 0; id != NULL && k < i; k++)
		if (a->sections[k].id != NULL && strcmp(a->sections[k].id, id) == 0) {
			join_key(field, path, "id");
			fail(s, field, "section id \"%s\" is used twice", id);
			return;
		}
}

static void sections_member(struct src *s, json_t *obj, struct hh_article *a)
{
	char item[PATH_LEN];
	json_t *arr = array_member(s, obj, "", "sections", REQUIRED | NONEMPTY);
	if (arr == NULL)
		return;
	a->n_sections = json_array_size(arr);
	a->sections = hh_content_alloc(s->L->c, a->n_sections * sizeof(*a->sections));
	for (size_t i = 0; i < a->n_sections; i++) {
		join_index(item, "sections", i);
		check_section(s, json_array_get(arr, i), item, &a->sections[i]);
		check_section_id(s, a, i, item);
	}
}

static void review_dates(struct src *s, json_t *obj, struct hh_article *a)
{
	a->reviewed_at = value_member(s, obj, "", "reviewed_at", REQUIRED, check_date);
	a->next_review_due = value_member(s, obj, "", "next_review_due", REQUIRED, check_date);
	/* YYYY-MM-DD compares as text. */
	if (a->reviewed_at != NULL && a->next_review_due != NULL && strcmp(a->next_review_due, a->reviewed_at) <= 0)
		fail(s, "next_review_due", "%s must be after reviewed_at (%s)", a->next_review_due, a->reviewed_at);
}

static const char *const article_keys[] = {
	"slug", "title", "summary", "alternate_names", "positions", "regions", "sections",
	"causes", "remedies", "references", "reviewed_at", "next_review_due", NULL,
};

static void parse_article(struct src *s, json_t *obj, struct hh_article *a)
{
	check_keys(s, obj, "", article_keys);
	a->slug = entity_slug(s, obj);
	a->title = text_member(s, obj, "", "title");
	a->summary = text_member(s, obj, "", "summary");
	strv_member(s, obj, "", "alternate_names", REQUIRED | UNIQUE, check_text, &a->alternate_names);
	a->positions = bits_member(s, obj, "positions", &positions_kind);
	a->regions = bits_member(s, obj, "regions", &regions_kind);
	sections_member(s, obj, a);
	strv_member(s, obj, "", "causes", REQUIRED | NONEMPTY | UNIQUE, check_slug, &a->causes);
	strv_member(s, obj, "", "remedies", REQUIRED | NONEMPTY | UNIQUE, check_slug, &a->remedies);
	references_member(s, obj, REQUIRED, &a->references);
	review_dates(s, obj, a);
}

static const char *const cause_keys[] = {
	"slug", "name", "summary", "description", "positions", "regions", "remedies",
	"see_doctor_if", "references", NULL,
};

static void parse_cause(struct src *s, json_t *obj, struct hh_cause *c)
{
	check_keys(s, obj, "", cause_keys);
	c->slug = entity_slug(s, obj);
	c->name = text_member(s, obj, "", "name");
	c->summary = text_member(s, obj, "", "summary");
	c->description = text_member(s, obj, "", "description");
	c->positions = bits_member(s, obj, "positions", &positions_kind);
	c->regions = bits_member(s, obj, "regions", &regions_kind);
	strv_member(s, obj, "", "remedies", REQUIRED | UNIQUE, check_slug, &c->remedies);
	/* Required so that "no advice" is a decision, written as null. */
	json_t *v = member(s, obj, "", "see_doctor_if", REQUIRED);
	if (v != NULL && !json_is_null(v))
		c->see_doctor_if = check_text(s, v, "see_doctor_if");
	references_member(s, obj, OPTIONAL, &c->references);
}

static const char *const remedy_keys[] = {
	"slug", "name", "summary", "description", "steps", "references", NULL,
};

static void parse_remedy(struct src *s, json_t *obj, struct hh_remedy *r)
{
	check_keys(s, obj, "", remedy_keys);
	r->slug = entity_slug(s, obj);
	r->name = text_member(s, obj, "", "name");
	r->summary = text_member(s, obj, "", "summary");
	r->description = text_member(s, obj, "", "description");
	strv_member(s, obj, "", "steps", REQUIRED | NONEMPTY, check_text, &r->steps);
	references_member(s, obj, OPTIONAL, &r->references);
}

/* ------------------------------------------------------------ triage */

static void check_weight(struct src *s, const char *slug, json_t *v, const char *path, struct hh_symptom *y)
{
	char shown[SHORT_LEN];
	if (!hh_is_slug(slug)) {
		fail(s, path, "\"%s\" is not a valid cause slug", shorten(slug, shown));
		return;
	}
	struct hh_weight *w = &y->weights[y->n_weights++];
	w->cause = hh_content_strdup(s->L->c, slug);
	if (!json_is_integer(v))
		wrong_type(s, path, "an integer weight from 1 to 100", v);
	else if (json_integer_value(v) < 1 || json_integer_value(v) > 100)
		fail(s, path, "weight must be from 1 to 100, not %" JSON_INTEGER_FORMAT, json_integer_value(v));
	else
		w->weight = (int)json_integer_value(v);
}

/* A pattern's causes: {"cause-slug": weight, ...}, in file order. */
static void weights_member(struct src *s, json_t *obj, const char *path, struct hh_symptom *y)
{
	char field[PATH_LEN], item[PATH_LEN];
	json_t *w = member(s, obj, path, "causes", REQUIRED);
	if (w == NULL)
		return;
	join_key(field, path, "causes");
	if (!json_is_object(w)) {
		wrong_type(s, field, "an object of cause slugs and weights", w);
		return;
	}
	size_t n = json_object_size(w);
	if (n == 0 || n > MAX_ITEMS) {
		fail(s, field, "must name from 1 to %d causes", MAX_ITEMS);
		return;
	}
	y->weights = hh_content_alloc(s->L->c, n * sizeof(*y->weights));
	for (void *it = json_object_iter(w); it != NULL; it = json_object_iter_next(w, it)) {
		join_key(item, field, json_object_iter_key(it));
		check_weight(s, json_object_iter_key(it), json_object_iter_value(it), item, y);
	}
}

static void parse_red_flag(struct src *s, json_t *obj, const char *path, struct hh_symptom *y)
{
	level_member(s, obj, path, 0, &y->level);
	y->message = text_member(s, obj, path, "message");
	source_member(s, obj, path, REQUIRED, &y->source);
	forbid(s, obj, path, "causes", "a red flag has no causes (only patterns point at causes)");
}

static void parse_pattern(struct src *s, json_t *obj, const char *path, struct hh_symptom *y)
{
	y->level = HH_LEVEL_SELF_CARE;
	forbid(s, obj, path, "level", "a pattern has no level (it is always self_care)");
	forbid(s, obj, path, "message", "a pattern has no message");
	source_member(s, obj, path, OPTIONAL, &y->source);
	weights_member(s, obj, path, y);
}

static const char *const symptom_keys[] = {
	"code", "question", "category", "level", "message", "source", "causes", NULL,
};

static int category_member(struct src *s, json_t *obj, const char *path, enum hh_category *out) HH_MUSTCHECK;

static int category_member(struct src *s, json_t *obj, const char *path, enum hh_category *out)
{
	char field[PATH_LEN], shown[SHORT_LEN];
	json_t *v = member(s, obj, path, "category", REQUIRED);
	if (v == NULL)
		return -1;
	join_key(field, path, "category");
	if (!json_is_string(v)) {
		wrong_type(s, field, "a string", v);
		return -1;
	}
	if (hh_category_parse(json_string_value(v), out) < 0) {
		fail(s, field, "unknown category \"%s\" (expected red_flag or pattern)",
		     shorten(json_string_value(v), shown));
		return -1;
	}
	return 0;
}

static void parse_symptom(struct src *s, json_t *obj, const char *path, struct hh_symptom *y)
{
	if (!json_is_object(obj)) {
		wrong_type(s, path, "an object", obj);
		return;
	}
	check_keys(s, obj, path, symptom_keys);
	y->code = value_member(s, obj, path, "code", REQUIRED, check_code);
	y->question = text_member(s, obj, path, "question");
	if (category_member(s, obj, path, &y->category) < 0)
		return;
	if (y->category == HH_CATEGORY_RED_FLAG)
		parse_red_flag(s, obj, path, y);
	else
		parse_pattern(s, obj, path, y);
}

static const char *const symptoms_keys[] = {"symptoms", NULL};

/* Every slot is kept, valid or not, so c->symptoms[i] is symptoms[i] in the file. */
static void parse_symptoms(struct src *s, json_t *obj)
{
	char item[PATH_LEN];
	struct hh_content *c = s->L->c;
	check_keys(s, obj, "", symptoms_keys);
	json_t *arr = array_member(s, obj, "", "symptoms", REQUIRED | NONEMPTY);
	if (arr == NULL)
		return;
	c->n_symptoms = json_array_size(arr);
	c->symptoms = hh_content_alloc(c, c->n_symptoms * sizeof(*c->symptoms));
	for (size_t i = 0; i < c->n_symptoms; i++) {
		join_index(item, "symptoms", i);
		parse_symptom(s, json_array_get(arr, i), item, &c->symptoms[i]);
	}
}

static int rule_field_member(struct src *s, json_t *obj, const char *path, enum hh_rule_field *out) HH_MUSTCHECK;

static int rule_field_member(struct src *s, json_t *obj, const char *path, enum hh_rule_field *out)
{
	char field[PATH_LEN], shown[SHORT_LEN];
	json_t *v = member(s, obj, path, "field", REQUIRED);
	if (v == NULL)
		return -1;
	join_key(field, path, "field");
	if (!json_is_string(v)) {
		wrong_type(s, field, "a string", v);
		return -1;
	}
	if (hh_rule_field_parse(json_string_value(v), out) < 0) {
		fail(s, field, "unknown field \"%s\" (expected age or duration_days)",
		     shorten(json_string_value(v), shown));
		return -1;
	}
	return 0;
}

static const char *const rule_keys[] = {
	"code", "field", "min", "max", "level", "message", "source", NULL,
};

static void parse_rule(struct src *s, json_t *obj, const char *path, struct hh_rule *r)
{
	char field[PATH_LEN];
	if (!json_is_object(obj)) {
		wrong_type(s, path, "an object", obj);
		return;
	}
	check_keys(s, obj, path, rule_keys);
	r->code = value_member(s, obj, path, "code", REQUIRED, check_code);
	int have_field = rule_field_member(s, obj, path, &r->field) == 0;
	/* The same bounds the triage request accepts for the field. */
	long long hi = have_field && r->field == HH_RULE_AGE ? 130 : 36500;
	int have_min = int_member(s, obj, path, "min", 0, hi, &r->min) == 0;
	int have_max = int_member(s, obj, path, "max", 0, hi, &r->max) == 0;
	if (have_min && have_max && r->min > r->max) {
		join_key(field, path, "min");
		fail(s, field, "min (%lld) must not be greater than max (%lld)", r->min, r->max);
	}
	level_member(s, obj, path, 1, &r->level);
	r->message = text_member(s, obj, path, "message");
	source_member(s, obj, path, REQUIRED, &r->source);
}

static const char *const level_keys[] = {"self_care", "see_doctor", "urgent", "emergency", NULL};

static void advice_member(struct src *s, json_t *obj, struct hh_policy *p)
{
	json_t *v = member(s, obj, "", "advice", REQUIRED);
	if (v == NULL)
		return;
	if (!json_is_object(v)) {
		wrong_type(s, "advice", "an object", v);
		return;
	}
	check_keys(s, v, "advice", level_keys);
	for (int l = 0; l < HH_LEVEL_COUNT; l++)
		p->advice[l] = text_member(s, v, "advice", hh_level_name((enum hh_level)l));
}

static void rules_member(struct src *s, json_t *obj, struct hh_policy *p)
{
	char item[PATH_LEN];
	json_t *arr = array_member(s, obj, "", "rules", REQUIRED);
	if (arr == NULL)
		return;
	p->n_rules = json_array_size(arr);
	p->rules = hh_content_alloc(s->L->c, (p->n_rules + 1) * sizeof(*p->rules));
	for (size_t i = 0; i < p->n_rules; i++) {
		join_index(item, "rules", i);
		parse_rule(s, json_array_get(arr, i), item, &p->rules[i]);
	}
}

static const char *const policy_keys[] = {
	"disclaimer", "advice", "rules", "max_causes", "max_remedies", NULL,
};

static void parse_policy(struct src *s, json_t *obj, struct hh_policy *p)
{
	long long n;
	check_keys(s, obj, "", policy_keys);
	p->disclaimer = text_member(s, obj, "", "disclaimer");
	advice_member(s, obj, p);
	rules_member(s, obj, p);
	if (int_member(s, obj, "", "max_causes", 1, 10, &n) == 0)
		p->max_causes = (int)n;
	if (int_member(s, obj, "", "max_remedies", 1, 10, &n) == 0)
		p->max_remedies = (int)n;
}

/* ------------------------------------------------------------ files */

/* Nesting deeper than max: the format needs 4 levels, a fuzzer finds 2000. */
static int too_deep(json_t *v, int depth)
{
	if (depth > MAX_DEPTH)
		return 1;
	if (json_is_object(v)) {
		for (void *it = json_object_iter(v); it != NULL; it = json_object_iter_next(v, it))
			if (too_deep(json_object_iter_value(it), depth + 1))
				return 1;
	} else if (json_is_array(v)) {
		for (size_t i = 0; i < json_array_size(v); i++)
			if (too_deep(json_array_get(v, i), depth + 1))
				return 1;
	}
	return 0;
}

/* sha256 of the canonical JSON: white space and key order do not count. */
static const char *entity_checksum(struct src *s, json_t *obj)
{
	char hex[65];
	char *canon = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
	if (canon == NULL) {
		fail(s, "", "cannot serialise the file's JSON (out of memory?)");
		return NULL;
	}
	hh_sha256_hex(canon, strlen(canon), hex);
	free(canon);
	return hh_content_strdup(s->L->c, hex);
}

/* Fills the next entity slot; the caller sized the arrays for every file. */
static void parse_entity(struct src *s, json_t *obj)
{
	struct hh_content *c = s->L->c;
	s->has_entity = 1;
	if (s->kind == KIND_ARTICLE) {
		s->index = c->n_articles++;
		parse_article(s, obj, &c->articles[s->index]);
		c->articles[s->index].checksum = entity_checksum(s, obj);
	} else if (s->kind == KIND_CAUSE) {
		s->index = c->n_causes++;
		parse_cause(s, obj, &c->causes[s->index]);
		c->causes[s->index].checksum = entity_checksum(s, obj);
	} else {
		s->index = c->n_remedies++;
		parse_remedy(s, obj, &c->remedies[s->index]);
		c->remedies[s->index].checksum = entity_checksum(s, obj);
	}
}

static void syntax_error(struct src *s, const json_error_t *err)
{
	s->errors++;
	s->shown++;
	s->L->errors++;
	hh_diags_add(s->L->diags, s->rel, err->line > 0 ? err->line : 0, err->column > 0 ? err->column : 0, "",
		     "invalid JSON: %s", err->text);
}

static void check_src(struct src *s)
{
	json_error_t err;
	json_t *root = json_loadb(s->buf, s->len, JSON_REJECT_DUPLICATES, &err);
	if (root == NULL) {
		syntax_error(s, &err);
		return;
	}
	if (!json_is_object(root))
		fail(s, "", "the file must hold one JSON object, not %s", type_name(root));
	else if (too_deep(root, 1))
		fail(s, "", "JSON is nested more than %d levels deep", MAX_DEPTH);
	else if (s->kind == KIND_SYMPTOMS)
		parse_symptoms(s, root);
	else if (s->kind == KIND_POLICY)
		parse_policy(s, root, &s->L->c->policy);
	else
		parse_entity(s, root);
	json_decref(root);
}

/* A new src holding a copy of the bytes, registered with the loader. */
static struct src *src_new(struct loader *L, const char *rel, enum kind kind, const char *buf, size_t len)
{
	struct src *s = xcalloc(1, sizeof(*s));
	s->L = L;
	s->rel = xstrdup(rel);
	s->kind = kind;
	s->buf = xmalloc(len + 1);
	if (len > 0)
		memcpy(s->buf, buf, len);
	s->buf[len] = '\0';
	s->len = len;
	L->srcs = xrealloc(L->srcs, (L->n_srcs + 1) * sizeof(*L->srcs));
	L->srcs[L->n_srcs++] = s;
	if (kind == KIND_SYMPTOMS)
		L->symptoms = s;
	else if (kind == KIND_POLICY)
		L->policy = s;
	return s;
}

static void src_free(struct src *s)
{
	map_free(&s->map);
	free(s->buf);
	free(s->rel);
	free(s);
}

/* ------------------------------------------------------------ whole-folder checks */

static void check_duplicate_code(struct loader *L, struct src *s, const char *code, const char *path,
				 size_t before_symptom, size_t before_rule)
{
	const struct hh_content *c = L->c;
	for (size_t i = 0; i < before_symptom && i < c->n_symptoms; i++)
		if (c->symptoms[i].code != NULL && strcmp(c->symptoms[i].code, code) == 0) {
			fail(s, path, "duplicate code \"%s\" (symptoms[%zu] in %s has it already)", code, i,
			     SYMPTOMS_PATH);
			return;
		}
	for (size_t i = 0; i < before_rule && i < c->policy.n_rules; i++)
		if (c->policy.rules[i].code != NULL && strcmp(c->policy.rules[i].code, code) == 0) {
			fail(s, path, "duplicate code \"%s\" (rules[%zu] in %s has it already)", code, i, POLICY_PATH);
			return;
		}
}

/* Symptom and rule codes share one name space: a triage answer names either. */
static void check_codes(struct loader *L)
{
	char path[PATH_LEN];
	const struct hh_content *c = L->c;
	for (size_t i = 0; L->symptoms != NULL && i < c->n_symptoms; i++) {
		if (c->symptoms[i].code == NULL)
			continue;
		path_fit(path, snprintf(path, sizeof(path), "symptoms[%zu].code", i));
		check_duplicate_code(L, L->symptoms, c->symptoms[i].code, path, i, 0);
	}
	for (size_t i = 0; L->policy != NULL && i < c->policy.n_rules; i++) {
		if (c->policy.rules[i].code == NULL)
			continue;
		path_fit(path, snprintf(path, sizeof(path), "rules[%zu].code", i));
		check_duplicate_code(L, L->policy, c->policy.rules[i].code, path, c->n_symptoms, i);
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_file(const struct loader *L, enum kind k, const char *slug)
{
	const struct names *nm = &L->names[k];
	if (nm->n == 0)
		return 0;
	return bsearch(&slug, nm->v, nm->n, sizeof(*nm->v), cmp_str) != NULL;
}

static void check_links(struct src *s, const char *key, const struct hh_strv *v, enum kind target)
{
	char path[PATH_LEN], shown[SHORT_LEN];
	for (size_t i = 0; i < v->n; i++) {
		if (v->v[i] == NULL || has_file(s->L, target, v->v[i]))
			continue;
		join_index(path, key, i);
		shorten(v->v[i], shown);
		fail(s, path, "unknown %s \"%s\" (no file %s/%s.json)", kind_noun[target], shown, kind_dir[target],
		     shown);
	}
}

static void check_pattern_links(struct src *s)
{
	char path[PATH_LEN], shown[SHORT_LEN];
	const struct hh_content *c = s->L->c;
	for (size_t i = 0; i < c->n_symptoms; i++) {
		const struct hh_symptom *y = &c->symptoms[i];
		for (size_t k = 0; k < y->n_weights; k++) {
			if (has_file(s->L, KIND_CAUSE, y->weights[k].cause))
				continue;
			path_fit(path, snprintf(path, sizeof(path), "symptoms[%zu].causes.%s", i, y->weights[k].cause));
			shorten(y->weights[k].cause, shown);
			fail(s, path, "unknown cause \"%s\" (no file causes/%s.json)", shown, shown);
		}
	}
}

static int remedy_is_linked(const struct hh_content *c, const char *slug)
{
	for (size_t i = 0; i < c->n_causes; i++)
		for (size_t k = 0; k < c->causes[i].remedies.n; k++)
			if (c->causes[i].remedies.v[k] != NULL && strcmp(c->causes[i].remedies.v[k], slug) == 0)
				return 1;
	return 0;
}

/* Only when every cause file read cleanly do we know all the links there are. */
static int causes_complete(const struct loader *L)
{
	if (L->c->n_causes != L->names[KIND_CAUSE].n)
		return 0;
	for (size_t i = 0; i < L->n_srcs; i++)
		if (L->srcs[i]->kind == KIND_CAUSE && L->srcs[i]->errors > 0)
			return 0;
	return 1;
}

static void check_orphan_remedies(struct loader *L)
{
	for (size_t i = 0; i < L->n_srcs; i++) {
		struct src *s = L->srcs[i];
		const char *slug = s->has_entity && s->kind == KIND_REMEDY ? L->c->remedies[s->index].slug : NULL;
		if (slug != NULL && !remedy_is_linked(L->c, slug))
			fail(s, "slug", "remedy \"%s\" is not linked from any cause (list it in a cause's remedies)",
			     slug);
	}
}

static void check_references(struct loader *L)
{
	const struct hh_content *c = L->c;
	int complete = causes_complete(L);
	for (size_t i = 0; i < L->n_srcs; i++) {
		struct src *s = L->srcs[i];
		if (s->has_entity && s->kind == KIND_ARTICLE) {
			check_links(s, "causes", &c->articles[s->index].causes, KIND_CAUSE);
			check_links(s, "remedies", &c->articles[s->index].remedies, KIND_REMEDY);
		} else if (s->has_entity && s->kind == KIND_CAUSE) {
			check_links(s, "remedies", &c->causes[s->index].remedies, KIND_REMEDY);
		} else if (s->kind == KIND_SYMPTOMS) {
			check_pattern_links(s);
		}
	}
	if (complete)
		check_orphan_remedies(L);
}

/* Files past the per-file cap are summed up in one line each. */
static void report_dropped(struct loader *L)
{
	for (size_t i = 0; i < L->n_srcs; i++) {
		const struct src *s = L->srcs[i];
		if (s->errors > s->shown)
			hh_diags_add(L->diags, s->rel, 0, 0, "", "%zu more problems not shown", s->errors - s->shown);
	}
}

/* ------------------------------------------------------------ reading */

/* Reads all of fd (a regular file of size bytes) into a new buffer. */
static int read_all(int fd, size_t size, char **out, size_t *len) HH_MUSTCHECK;

static int read_all(int fd, size_t size, char **out, size_t *len)
{
	char *buf = xmalloc(size + 1);
	size_t got = 0;
	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got != size) {
		free(buf);
		return -1;
	}
	buf[size] = '\0';
	*out = buf;
	*len = size;
	return 0;
}

/*
 * Reads dir/rel: regular files only (a symbolic link is refused, so content
 * cannot point outside the folder), at most MAX_FILE_SIZE bytes.
 */
static int read_file(struct loader *L, const char *rel, char **out, size_t *len) HH_MUSTCHECK;

static int read_file(struct loader *L, const char *rel, char **out, size_t *len)
{
	int rc = -1;
	struct stat st;
	char *path = xasprintf("%s/%s", L->dir, rel);
	/* O_NONBLOCK: opening a FIFO must not hang migrate. */
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ELOOP) {
		loader_fail(L, rel, "is a symbolic link; only regular files are read");
		goto out;
	}
	if (fd < 0 && errno == ENOENT) {
		loader_fail(L, rel, "is missing (every content folder needs one)");
		goto out;
	}
	if (fd < 0) {
		loader_fail(L, rel, "cannot open: %s", strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		loader_fail(L, rel, "is not a regular file");
		goto out;
	}
	if (st.st_size > MAX_FILE_SIZE) {
		loader_fail(L, rel, "is %lld bytes; the limit is %d", (long long)st.st_size, MAX_FILE_SIZE);
		goto out;
	}
	if (read_all(fd, (size_t)st.st_size, out, len) < 0) {
		loader_fail(L, rel, "cannot read: %s", errno ? strerror(errno) : "short read");
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	free(path);
	return rc;
}

static void files_add(struct hh_content_files *f, const char *rel, const char *buf, size_t len)
{
	f->v = xrealloc(f->v, (f->n + 1) * sizeof(*f->v));
	f->v[f->n].path = xstrdup(rel);
	hh_sha256_hex(buf, len, f->v[f->n].checksum);
	f->n++;
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct hh_content_file *)a)->path, ((const struct hh_content_file *)b)->path);
}

static void read_src(struct loader *L, const char *rel, enum kind kind)
{
	char *buf = NULL;
	size_t len = 0;
	if (read_file(L, rel, &buf, &len) < 0)
		return;
	files_add(&L->files, rel, buf, len);
	struct src *s = src_new(L, rel, kind, buf, len);
	free(buf);
	check_src(s);
}

/* "x.json" (not hidden) -> "x"; anything else (README.md) -> NULL. */
static char *json_stem(const char *name)
{
	size_t n = strlen(name);
	if (name[0] == '.' || n <= 5 || strcmp(name + n - 5, ".json") != 0)
		return NULL;
	return xstrndup(name, n - 5);
}

static void list_dir(struct loader *L, enum kind k)
{
	struct names *nm = &L->names[k];
	char *path = xasprintf("%s/%s", L->dir, kind_dir[k]);
	DIR *d = opendir(path);
	free(path);
	if (d == NULL) {
		loader_fail(L, kind_dir[k], "cannot open folder: %s", strerror(errno));
		return;
	}
	for (;;) {
		struct dirent *e = readdir(d);
		if (e == NULL)
			break;
		char *stem = json_stem(e->d_name);
		if (stem == NULL)
			continue;
		nm->v = xrealloc(nm->v, (nm->n + 1) * sizeof(*nm->v));
		nm->v[nm->n++] = stem;
	}
	closedir(d);
	if (nm->n > 1)
		qsort(nm->v, nm->n, sizeof(*nm->v), cmp_str);
}

/* Sizes the entity array for every file, so parse_entity never grows it. */
static void alloc_slots(struct hh_content *c, enum kind k, size_t n)
{
	if (k == KIND_ARTICLE)
		c->articles = hh_content_alloc(c, (n + 1) * sizeof(*c->articles));
	else if (k == KIND_CAUSE)
		c->causes = hh_content_alloc(c, (n + 1) * sizeof(*c->causes));
	else
		c->remedies = hh_content_alloc(c, (n + 1) * sizeof(*c->remedies));
}

static void read_entity_dir(struct loader *L, enum kind k)
{
	list_dir(L, k);
	const struct names *nm = &L->names[k];
	alloc_slots(L->c, k, nm->n);
	for (size_t i = 0; i < nm->n; i++) {
		char *rel = xasprintf("%s/%s.json", kind_dir[k], nm->v[i]);
		read_src(L, rel, k);
		free(rel);
	}
}

static void loader_init(struct loader *L, const char *dir, struct hh_diags *diags)
{
	memset(L, 0, sizeof(*L));
	L->dir = dir;
	L->diags = diags;
	L->c = hh_content_new();
}

static void loader_free(struct loader *L)
{
	for (size_t i = 0; i < L->n_srcs; i++)
		src_free(L->srcs[i]);
	free(L->srcs);
	for (int k = 0; k < ENTITY_KINDS; k++) {
		for (size_t i = 0; i < L->names[k].n; i++)
			free(L->names[k].v[i]);
		free(L->names[k].v);
	}
	hh_content_files_free(&L->files);
	hh_content_free(L->c);
}

static void read_folder(struct loader *L)
{
	struct stat st;
	if (stat(L->dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		loader_fail(L, L->dir, "is not a readable content folder");
		return;
	}
	for (int k = 0; k < ENTITY_KINDS; k++)
		read_entity_dir(L, (enum kind)k);
	read_src(L, SYMPTOMS_PATH, KIND_SYMPTOMS);
	read_src(L, POLICY_PATH, KIND_POLICY);
	check_codes(L);
	check_references(L);
}

int hh_loader_read_dir(const char *dir, struct hh_content **out, struct hh_content_files *files,
		       struct hh_diags *diags)
{
	struct loader L;
	*out = NULL;
	files->v = NULL;
	files->n = 0;
	loader_init(&L, dir, diags);
	read_folder(&L);
	report_dropped(&L);
	if (L.errors > 0) {
		loader_free(&L);
		return -1;
	}
	hh_content_finish(L.c);
	*out = L.c;
	L.c = NULL;
	if (L.files.n > 1)
		qsort(L.files.v, L.files.n, sizeof(*L.files.v), cmp_file);
	*files = L.files;
	L.files.v = NULL;
	L.files.n = 0;
	loader_free(&L);
	return 0;
}

/* The kind of file a relative path names, as read_dir would read it. */
static int kind_of(const char *rel, enum kind *out) HH_MUSTCHECK;

static int kind_of(const char *rel, enum kind *out)
{
	if (strcmp(rel, SYMPTOMS_PATH) == 0 || strcmp(rel, POLICY_PATH) == 0) {
		*out = strcmp(rel, SYMPTOMS_PATH) == 0 ? KIND_SYMPTOMS : KIND_POLICY;
		return 0;
	}
	for (int k = 0; k < ENTITY_KINDS; k++) {
		size_t n = strlen(kind_dir[k]);
		if (strncmp(rel, kind_dir[k], n) != 0 || rel[n] != '/' || strchr(rel + n + 1, '/') != NULL)
			continue;
		char *stem = json_stem(rel + n + 1);
		int ok = stem != NULL;
		free(stem);
		if (!ok)
			return -1;
		*out = (enum kind)k;
		return 0;
	}
	return -1;
}

int hh_loader_check_file(const char *relpath, const char *buf, size_t len, struct hh_diags *diags)
{
	struct loader L;
	enum kind kind;
	loader_init(&L, NULL, diags);
	if (kind_of(relpath, &kind) < 0)
		loader_fail(&L, relpath, "is not a content file path (articles/, causes/, remedies/ or triage/)");
	else if (len > MAX_FILE_SIZE)
		loader_fail(&L, relpath, "is %zu bytes; the limit is %d", len, MAX_FILE_SIZE);
	else {
		if (kind < ENTITY_KINDS)
			alloc_slots(L.c, kind, 1);
		check_src(src_new(&L, relpath, kind, buf, len));
		check_codes(&L);
	}
	report_dropped(&L);
	int rc = L.errors > 0 ? -1 : 0;
	loader_free(&L);
	return rc;
}
