/*
 * jsonpos.c - a second, minimal JSON scanner whose only job is positions:
 * jansson has already accepted the text, so this one never reports errors,
 * it just walks keys and elements counting newlines. Built lazily because
 * most files have no problem and never need it.
 */
#include "healthhub/jsonpos.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "healthhub/common.h"

/*
 * Nesting the scanner follows: one level past what the loader accepts
 * (32), since it only ever runs on files jansson loaded and the loader's
 * depth check may not have refused yet.
 */
#define SCAN_DEPTH_MAX 33

struct scanner {
	const char *p, *end;
	int line;
	struct hh_jsonpos *map;
	char path[HH_JSONPOS_PATH_LEN];
};

static void map_add(struct hh_jsonpos *m, const char *path, int line)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 64;
		m->v = xrealloc(m->v, m->cap * sizeof(*m->v));
	}
	m->v[m->n].path = xstrdup(path);
	m->v[m->n].line = line;
	m->n++;
}

void hh_jsonpos_free(struct hh_jsonpos *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].path);
	free(m->v);
	m->v = NULL;
	m->n = m->cap = 0;
	m->built = 0;
}

static int cmp_pos(const void *a, const void *b)
{
	return strcmp(((const struct hh_jsonpos_entry *)a)->path, ((const struct hh_jsonpos_entry *)b)->path);
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
	int klen = n > HH_JSONPOS_PATH_LEN ? HH_JSONPOS_PATH_LEN : (int)n;
	snprintf(path + mark, HH_JSONPOS_PATH_LEN - mark, "%s%.*s", mark ? "." : "", klen, key);
	return mark;
}

static size_t path_push_index(char *path, size_t i)
{
	size_t mark = strlen(path);
	snprintf(path + mark, HH_JSONPOS_PATH_LEN - mark, "[%zu]", i);
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
	if (sc->p >= sc->end || depth > SCAN_DEPTH_MAX)
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

static void map_build(struct hh_jsonpos *m, const char *buf, size_t len)
{
	struct scanner sc = {.p = buf, .end = buf + len, .line = 1, .map = m};
	scan_ws(&sc);
	map_add(m, "", sc.line);
	/* A scan error only leaves the map partial: lookups fall back to ancestors. */
	(void)scan_value(&sc, 1);
	qsort(m->v, m->n, sizeof(*m->v), cmp_pos);
	m->built = 1;
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

int hh_jsonpos_line(struct hh_jsonpos *m, const char *buf, size_t len, const char *path)
{
	char key_path[HH_JSONPOS_PATH_LEN];
	if (!m->built)
		map_build(m, buf, len);
	snprintf(key_path, sizeof(key_path), "%s", path);
	for (;;) {
		struct hh_jsonpos_entry key = {.path = key_path};
		const struct hh_jsonpos_entry *p = bsearch(&key, m->v, m->n, sizeof(key), cmp_pos);
		if (p != NULL)
			return p->line;
		if (key_path[0] == '\0')
			return 1;
		path_parent(key_path);
	}
}
