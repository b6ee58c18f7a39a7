/*
 * fields.c - generic checks for content values: types, text rules, slugs,
 * codes, dates, URLs, bounded integers and lists, unknown keys with a
 * "did you mean". Every problem becomes one diagnostic and checking goes
 * on, so an editor sees all their mistakes in one run; the schemas
 * (schema.c) are written in terms of these.
 */
#include "healthhub/fields.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hh_field_src_free(struct hh_field_src *s)
{
	hh_jsonpos_free(&s->map);
}

/* ------------------------------------------------------------ reporting */

/* n is what snprintf wanted to write: an over-long path (absurd keys only) ends in "...". */
void hh_field_path_fit(char out[HH_FIELD_PATH_LEN], int n)
{
	if (n < 0 || n >= HH_FIELD_PATH_LEN)
		memcpy(out + HH_FIELD_PATH_LEN - 4, "...", 4);
}

void hh_field_join_key(char out[HH_FIELD_PATH_LEN], const char *parent, const char *key)
{
	hh_field_path_fit(out, snprintf(out, HH_FIELD_PATH_LEN, "%s%s%s", parent, parent[0] ? "." : "", key));
}

void hh_field_join_index(char out[HH_FIELD_PATH_LEN], const char *parent, size_t i)
{
	hh_field_path_fit(out, snprintf(out, HH_FIELD_PATH_LEN, "%s[%zu]", parent, i));
}

/*
 * User text made safe to quote in a one-line message: control characters
 * become '?', and long text is cut at a character boundary with "...".
 */
const char *hh_field_shorten(const char *s, char out[HH_FIELD_SHORT_LEN])
{
	size_t i = 0, k = 0;
	for (; s[i] != '\0' && k < HH_FIELD_SHORT_LEN - 4; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (k >= HH_FIELD_SHORT_LEN - 8 && (ch & 0xC0) != 0x80)
			break;
		out[k++] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
	}
	if (s[i] != '\0')
		memcpy(out + k, "...", 4);
	else
		out[k] = '\0';
	return out;
}

static void vreport(struct hh_field_src *s, const char *line_path, const char *field, const char *fmt, va_list ap)
	HH_PRINTF(4, 0);

static void vreport(struct hh_field_src *s, const char *line_path, const char *field, const char *fmt, va_list ap)
{
	s->errors++;
	(*s->total)++;
	if (s->shown >= HH_FIELD_MAX_SHOWN)
		return;
	s->shown++;
	int line = hh_jsonpos_line(&s->map, s->buf, s->len, line_path);
	hh_diags_vadd(s->diags, s->rel, line, 0, field, fmt, ap);
}

/* A problem named by field, reported at the line of line_path. */
static void report(struct hh_field_src *s, const char *line_path, const char *field, const char *fmt, ...)
	HH_PRINTF(4, 5);

static void report(struct hh_field_src *s, const char *line_path, const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(s, line_path, field, fmt, ap);
	va_end(ap);
}

/* A problem at the value with this JSON path. */
void hh_field_fail(struct hh_field_src *s, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(s, path, path, fmt, ap);
	va_end(ap);
}

void hh_field_fail_at(struct hh_field_src *s, int line, int column, const char *fmt, ...)
{
	va_list ap;
	s->errors++;
	s->shown++;
	(*s->total)++;
	va_start(ap, fmt);
	hh_diags_vadd(s->diags, s->rel, line, column, "", fmt, ap);
	va_end(ap);
}

static void missing(struct hh_field_src *s, const char *obj_path, const char *key)
{
	char field[HH_FIELD_PATH_LEN];
	hh_field_join_key(field, obj_path, key);
	report(s, obj_path, field, "required field is missing");
}

const char *hh_field_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number with a fraction";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "an unknown type";
}

void hh_field_wrong_type(struct hh_field_src *s, const char *path, const char *want, const json_t *v)
{
	hh_field_fail(s, path, "must be %s, not %s", want, hh_field_type_name(v));
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

static void unknown_key(struct hh_field_src *s, const char *path, const char *key, const char *const *allowed)
{
	char shown[HH_FIELD_SHORT_LEN], field[HH_FIELD_PATH_LEN];
	const char *near = NULL;
	hh_field_shorten(key, shown);
	hh_field_join_key(field, path, shown);
	for (size_t i = 0; allowed[i] != NULL && near == NULL; i++)
		if (edit_distance(key, allowed[i]) <= 2)
			near = allowed[i];
	if (near != NULL)
		hh_field_fail(s, field, "unknown key \"%s\" (did you mean \"%s\"?)", shown, near);
	else
		hh_field_fail(s, field, "unknown key \"%s\"", shown);
}

/* Keys the format does not know are refused: a typo must not pass silently. */
void hh_field_keys(struct hh_field_src *s, json_t *obj, const char *path, const char *const *allowed)
{
	for (void *it = json_object_iter(obj); it != NULL; it = json_object_iter_next(obj, it)) {
		const char *key = json_object_iter_key(it);
		if (!in_list(key, allowed))
			unknown_key(s, path, key, allowed);
	}
}

/* Borrowed member or NULL; a missing required member is reported. */
json_t *hh_field_member(struct hh_field_src *s, json_t *obj, const char *path, const char *key, int flags)
{
	json_t *v = json_object_get(obj, key);
	if (v == NULL && (flags & HH_FIELD_REQUIRED))
		missing(s, path, key);
	return v;
}

/* A member that must not be there, with the reason why. */
void hh_field_forbid(struct hh_field_src *s, json_t *obj, const char *path, const char *key, const char *why)
{
	char field[HH_FIELD_PATH_LEN];
	if (json_object_get(obj, key) == NULL)
		return;
	hh_field_join_key(field, path, key);
	hh_field_fail(s, field, "%s", why);
}

/* ------------------------------------------------------------ values */

static int is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* Plain text: non-empty, trimmed, no control characters but newlines. */
const char *hh_field_text(struct hh_field_src *s, json_t *v, const char *path)
{
	if (!json_is_string(v)) {
		hh_field_wrong_type(s, path, "a string", v);
		return NULL;
	}
	const char *t = json_string_value(v);
	size_t n = json_string_length(v);
	if (n == 0) {
		hh_field_fail(s, path, "must not be empty");
		return NULL;
	}
	if (is_blank(t[0]) || is_blank(t[n - 1])) {
		hh_field_fail(s, path, "must not start or end with white space");
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)t[i] < 0x20 && t[i] != '\n') || t[i] == 0x7f) {
			hh_field_fail(s, path, "must not contain control characters (only newlines)");
			return NULL;
		}
	return hh_content_strndup(s->c, t, n);
}

typedef int (*format_fn)(const char *s);

static const char *check_format(struct hh_field_src *s, json_t *v, const char *path, format_fn ok, const char *what)
{
	char shown[HH_FIELD_SHORT_LEN];
	if (!json_is_string(v)) {
		hh_field_wrong_type(s, path, "a string", v);
		return NULL;
	}
	const char *t = json_string_value(v);
	if (!ok(t)) {
		hh_field_fail(s, path, "\"%s\" is not a valid %s", hh_field_shorten(t, shown), what);
		return NULL;
	}
	return hh_content_strdup(s->c, t);
}

const char *hh_field_slug(struct hh_field_src *s, json_t *v, const char *path)
{
	return check_format(s, v, path, hh_is_slug, "slug (lower-case kebab-case, like poor-posture)");
}

const char *hh_field_code(struct hh_field_src *s, json_t *v, const char *path)
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

const char *hh_field_date(struct hh_field_src *s, json_t *v, const char *path)
{
	return check_format(s, v, path, is_date, "date (YYYY-MM-DD, a real calendar day)");
}

static int is_host_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
	       ch == '-' || ch == ':';
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

static const char *check_url(struct hh_field_src *s, json_t *v, const char *path)
{
	char shown[HH_FIELD_SHORT_LEN];
	if (!json_is_string(v)) {
		hh_field_wrong_type(s, path, "a string", v);
		return NULL;
	}
	const char *u = json_string_value(v);
	const char *why = url_problem(u);
	if (why != NULL) {
		hh_field_fail(s, path, "\"%s\" %s", hh_field_shorten(u, shown), why);
		return NULL;
	}
	return hh_content_strdup(s->c, u);
}

/* The member key of obj checked by fn; NULL when missing or invalid. */
const char *hh_field_value_member(struct hh_field_src *s, json_t *obj, const char *path, const char *key, int flags,
				  hh_field_value_fn fn)
{
	char field[HH_FIELD_PATH_LEN];
	json_t *v = hh_field_member(s, obj, path, key, flags);
	if (v == NULL)
		return NULL;
	hh_field_join_key(field, path, key);
	return fn(s, v, field);
}

const char *hh_field_text_member(struct hh_field_src *s, json_t *obj, const char *path, const char *key)
{
	return hh_field_value_member(s, obj, path, key, HH_FIELD_REQUIRED, hh_field_text);
}

int hh_field_int_member(struct hh_field_src *s, json_t *obj, const char *path, const char *key, long long min,
			long long max, long long *out)
{
	char field[HH_FIELD_PATH_LEN];
	json_t *v = hh_field_member(s, obj, path, key, HH_FIELD_REQUIRED);
	if (v == NULL)
		return -1;
	hh_field_join_key(field, path, key);
	if (!json_is_integer(v)) {
		hh_field_wrong_type(s, field, "an integer", v);
		return -1;
	}
	long long n = json_integer_value(v);
	if (n < min || n > max) {
		hh_field_fail(s, field, "must be from %lld to %lld, not %lld", min, max, n);
		return -1;
	}
	*out = n;
	return 0;
}

/* A level by name; red flags may not use self_care. A bad one stays self_care, reported. */
void hh_field_level_member(struct hh_field_src *s, json_t *obj, const char *path, int allow_self_care,
			   enum hh_level *out)
{
	char field[HH_FIELD_PATH_LEN], shown[HH_FIELD_SHORT_LEN];
	json_t *v = hh_field_member(s, obj, path, "level", HH_FIELD_REQUIRED);
	if (v == NULL)
		return;
	hh_field_join_key(field, path, "level");
	if (!json_is_string(v)) {
		hh_field_wrong_type(s, field, "a string", v);
		return;
	}
	if (hh_level_parse(json_string_value(v), out) < 0) {
		hh_field_fail(s, field, "unknown level \"%s\" (expected emergency, urgent, see_doctor%s)",
			      hh_field_shorten(json_string_value(v), shown), allow_self_care ? " or self_care" : "");
		return;
	}
	if (!allow_self_care && *out == HH_LEVEL_SELF_CARE)
		hh_field_fail(s, field, "must be emergency, urgent or see_doctor");
}

/* ------------------------------------------------------------ lists */

/* The member key of obj if it is an array of at most HH_FIELD_MAX_ITEMS (and not empty if NONEMPTY). */
json_t *hh_field_array_member(struct hh_field_src *s, json_t *obj, const char *path, const char *key, int flags)
{
	char field[HH_FIELD_PATH_LEN];
	json_t *v = hh_field_member(s, obj, path, key, flags);
	if (v == NULL)
		return NULL;
	hh_field_join_key(field, path, key);
	if (!json_is_array(v)) {
		hh_field_wrong_type(s, field, "an array", v);
		return NULL;
	}
	if ((flags & HH_FIELD_NONEMPTY) && json_array_size(v) == 0) {
		hh_field_fail(s, field, "must not be empty");
		return NULL;
	}
	if (json_array_size(v) > HH_FIELD_MAX_ITEMS) {
		hh_field_fail(s, field, "has %zu items; at most %d are allowed", json_array_size(v),
			      HH_FIELD_MAX_ITEMS);
		return NULL;
	}
	return v;
}

static void check_unique(struct hh_field_src *s, const struct hh_strv *v, size_t i, const char *path)
{
	char shown[HH_FIELD_SHORT_LEN];
	for (size_t k = 0; k < i; k++)
		if (v->v[k] != NULL && strcmp(v->v[k], v->v[i]) == 0) {
			hh_field_fail(s, path, "\"%s\" is listed twice", hh_field_shorten(v->v[i], shown));
			return;
		}
}

/*
 * A list of strings checked by fn. An invalid entry is kept as NULL so the
 * indexes still match the file (cross-reference messages name them); a
 * content with NULL entries is never handed out.
 */
void hh_field_strv_member(struct hh_field_src *s, json_t *obj, const char *path, const char *key, int flags,
			  hh_field_value_fn fn, struct hh_strv *out)
{
	char field[HH_FIELD_PATH_LEN], item[HH_FIELD_PATH_LEN];
	json_t *arr = hh_field_array_member(s, obj, path, key, flags);
	if (arr == NULL)
		return;
	hh_field_join_key(field, path, key);
	out->n = json_array_size(arr);
	out->v = hh_content_alloc(s->c, (out->n + 1) * sizeof(*out->v));
	for (size_t i = 0; i < out->n; i++) {
		hh_field_join_index(item, field, i);
		out->v[i] = fn(s, json_array_get(arr, i), item);
		if (out->v[i] != NULL && (flags & HH_FIELD_UNIQUE))
			check_unique(s, out, i, item);
	}
}

const struct hh_field_bits hh_field_positions = {"position", hh_position_parse, "standing, sitting or lying_down"};
const struct hh_field_bits hh_field_regions = {"region", hh_region_parse, "upper_back or middle_back"};

static unsigned check_bit(struct hh_field_src *s, json_t *v, const char *path, const struct hh_field_bits *k,
			  unsigned seen)
{
	char shown[HH_FIELD_SHORT_LEN];
	unsigned bit = 0;
	if (!json_is_string(v)) {
		hh_field_wrong_type(s, path, "a string", v);
		return 0;
	}
	hh_field_shorten(json_string_value(v), shown);
	if (k->parse(json_string_value(v), &bit) < 0) {
		hh_field_fail(s, path, "unknown %s \"%s\" (expected %s)", k->what, shown, k->expected);
		return 0;
	}
	if (seen & bit)
		hh_field_fail(s, path, "%s \"%s\" is listed twice", k->what, shown);
	return bit;
}

/* A list of position or region names as a bit mask. */
unsigned hh_field_bits_member(struct hh_field_src *s, json_t *obj, const char *key, const struct hh_field_bits *k)
{
	char item[HH_FIELD_PATH_LEN];
	unsigned bits = 0;
	json_t *arr = hh_field_array_member(s, obj, "", key, HH_FIELD_REQUIRED);
	if (arr == NULL)
		return 0;
	for (size_t i = 0; i < json_array_size(arr); i++) {
		hh_field_join_index(item, key, i);
		bits |= check_bit(s, json_array_get(arr, i), item, k, bits);
	}
	return bits;
}

static const char *const reference_keys[] = {"title", "url", NULL};

/* {"title", "url"}: where a piece of text comes from. */
static void check_reference(struct hh_field_src *s, json_t *v, const char *path, struct hh_reference *out)
{
	if (!json_is_object(v)) {
		hh_field_wrong_type(s, path, "an object with title and url", v);
		return;
	}
	hh_field_keys(s, v, path, reference_keys);
	out->title = hh_field_text_member(s, v, path, "title");
	out->url = hh_field_value_member(s, v, path, "url", HH_FIELD_REQUIRED, check_url);
}

void hh_field_references_member(struct hh_field_src *s, json_t *obj, int flags, struct hh_reference_list *out)
{
	char item[HH_FIELD_PATH_LEN];
	json_t *arr = hh_field_array_member(s, obj, "", "references", flags);
	if (arr == NULL)
		return;
	out->n = json_array_size(arr);
	out->v = hh_content_alloc(s->c, (out->n + 1) * sizeof(*out->v));
	for (size_t i = 0; i < out->n; i++) {
		hh_field_join_index(item, "references", i);
		check_reference(s, json_array_get(arr, i), item, &out->v[i]);
	}
}

void hh_field_reference(struct hh_field_src *s, json_t *v, const char *path, struct hh_reference *out)
{
	check_reference(s, v, path, out);
}

void hh_field_source_member(struct hh_field_src *s, json_t *obj, const char *path, int flags, struct hh_reference *out)
{
	char field[HH_FIELD_PATH_LEN];
	json_t *v = hh_field_member(s, obj, path, "source", flags);
	if (v == NULL)
		return;
	hh_field_join_key(field, path, "source");
	check_reference(s, v, field, out);
}
