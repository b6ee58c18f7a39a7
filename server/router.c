/*
 * router.c - route table, request-target decoding and list parameters.
 */
#include "healthhub/router.h"

#include <stdio.h>
#include <string.h>

#include "healthhub/content.h"

static const struct {
	const char *pattern;
	unsigned methods;
} routes[HH_ROUTE__COUNT] = {
#define HH_X(id, pattern, methods) [id] = {pattern, methods},
	HH_ROUTES(HH_X)
#undef HH_X
};

/* The method table: enum hh_method bit i is named method_names[i]. */
static const char *const method_names[] = {"GET", "HEAD", "POST", "OPTIONS"};

static const char *method_bit_name(unsigned bit)
{
	for (size_t i = 0; i < HH_ARRAY_LEN(method_names); i++)
		if (bit == 1u << i)
			return method_names[i];
	return "OTHER";
}

enum hh_method hh_method_parse(const char *m)
{
	for (size_t i = 0; i < HH_ARRAY_LEN(method_names); i++)
		if (strcmp(m, method_names[i]) == 0)
			return (enum hh_method)(1u << i);
	return HH_M_OTHER;
}

const char *hh_method_name(enum hh_method m)
{
	return method_bit_name((unsigned)m);
}

const char *hh_route_pattern(enum hh_route_id id)
{
	return (unsigned)id < HH_ROUTE__COUNT ? routes[id].pattern : "unmatched";
}

unsigned hh_route_methods(enum hh_route_id id)
{
	return (unsigned)id < HH_ROUTE__COUNT ? routes[id].methods : 0;
}

void hh_route_allow(enum hh_route_id id, char *buf, size_t cap)
{
	/* OPTIONS is answered on every route (preflight), so every Allow names it */
	if (hh_bits_join(hh_route_methods(id) | HH_M_OPTIONS, (int)HH_ARRAY_LEN(method_names), method_bit_name, "",
			 ", ", "", buf, cap) < 0 &&
	    cap > 0)
		buf[0] = '\0';
}

/* "/v1/causes/poor-posture" against prefix "/v1/causes/": copies a valid slug. */
static int match_slug(const char *path, const char *prefix, struct hh_route *out)
{
	size_t n = strlen(prefix);
	if (strncmp(path, prefix, n) != 0)
		return 0;
	const char *slug = path + n;
	if (!hh_is_slug(slug))
		return 0;
	snprintf(out->slug, sizeof(out->slug), "%s", slug);
	return 1;
}

void hh_route_match(const char *path, struct hh_route *out)
{
	static const struct {
		const char *prefix;
		enum hh_route_id id;
	} slugged[] = {
		{"/v1/articles/", HH_ROUTE_ARTICLE},
		{"/v1/causes/", HH_ROUTE_CAUSE},
		{"/v1/remedies/", HH_ROUTE_REMEDY},
	};
	out->slug[0] = '\0';
	for (int id = 0; id < HH_ROUTE_NOT_FOUND; id++) {
		if (strchr(routes[id].pattern, '{') == NULL && strcmp(path, routes[id].pattern) == 0) {
			out->id = (enum hh_route_id)id;
			return;
		}
	}
	for (size_t i = 0; i < HH_ARRAY_LEN(slugged); i++) {
		if (match_slug(path, slugged[i].prefix, out)) {
			out->id = slugged[i].id;
			return;
		}
	}
	out->id = HH_ROUTE_NOT_FOUND;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Strict UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF). */
static int valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = s[i];
		size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
		if (len == 0 || i + len > n)
			return 0;
		unsigned cp = len == 1 ? c : len == 2 ? c & 0x1fu : len == 3 ? c & 0x0fu : c & 0x07u;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3fu);
		}
		static const unsigned min[5] = {0, 0, 0x80, 0x800, 0x10000};
		if (cp < min[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

/*
 * Percent-decodes src[0..len) into dst (cap bytes, the NUL included;
 * plus_space: '+' means ' ', as in queries). Returns the decoded length or
 * -1 on a bad escape, a NUL, or when it does not fit.
 */
static long decode(const char *src, size_t len, char *dst, size_t cap, int plus_space)
{
	size_t o = 0;
	if (cap == 0)
		return -1; /* not even room for the NUL */
	for (size_t i = 0; i < len; i++) {
		char c = src[i];
		if (c == '%') {
			int hi = i + 1 < len ? hexval(src[i + 1]) : -1;
			int lo = i + 2 < len ? hexval(src[i + 2]) : -1;
			if (hi < 0 || lo < 0)
				return -1;
			c = (char)(hi * 16 + lo);
			i += 2;
		} else if (c == '+' && plus_space) {
			c = ' ';
		}
		if (c == '\0' || o + 1 >= cap)
			return -1;
		dst[o++] = c;
	}
	dst[o] = '\0';
	/* everything decoded goes into JSON answers and SQL parameters: UTF-8 only */
	return valid_utf8((const unsigned char *)dst, o) ? (long)o : -1;
}

static int parse_query(const char *s, size_t len, struct hh_query *q, struct hh_field_errors *errs)
{
	size_t used = 0;
	size_t i = 0;
	while (i < len) {
		size_t end = i;
		while (end < len && s[end] != '&')
			end++;
		if (end > i) {
			if (q->n >= HH_MAX_PARAMS) {
				hh_field_errors_add(errs, "query", "too many parameters (at most %d)", HH_MAX_PARAMS);
				return -1;
			}
			size_t eq = i;
			while (eq < end && s[eq] != '=')
				eq++;
			char *key = q->buf + used;
			long kn = decode(s + i, eq - i, key, sizeof(q->buf) - used, 1);
			if (kn < 0)
				goto bad;
			used += (size_t)kn + 1;
			char *value = q->buf + used;
			long vn = eq < end ? decode(s + eq + 1, end - eq - 1, value, sizeof(q->buf) - used, 1)
					   : decode("", 0, value, sizeof(q->buf) - used, 1);
			if (vn < 0)
				goto bad;
			used += (size_t)vn + 1;
			q->v[q->n].key = key;
			q->v[q->n].value = value;
			q->n++;
		}
		i = end + 1;
	}
	return 0;
bad:
	hh_field_errors_add(errs, "query",
			    "the query string has a bad percent-escape, a NUL byte, invalid UTF-8, or is too long");
	return -1;
}

int hh_target_parse(const char *target, size_t len, char *path, size_t cap, struct hh_query *q,
		    struct hh_field_errors *errs)
{
	q->n = 0;
	if (len == 0 || target[0] != '/') {
		hh_field_errors_add(errs, "path", "the request target must start with \"/\"");
		return -1;
	}
	/* a raw space or control byte cannot be part of a target (RFC 3986): it was sent unencoded */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)target[i];
		if (c <= 0x20 || c == 0x7f) {
			hh_field_errors_add(errs, "path", "the request target contains a space or control character");
			return -1;
		}
	}
	size_t plen = 0;
	while (plen < len && target[plen] != '?' && target[plen] != '#')
		plen++;
	if (decode(target, plen, path, cap, 0) < 0) {
		hh_field_errors_add(errs, "path",
				    "the path has a bad percent-escape, a NUL byte, invalid UTF-8, or is too long");
		return -1;
	}
	if (plen < len && target[plen] == '?') {
		size_t qend = plen + 1;
		while (qend < len && target[qend] != '#')
			qend++;
		if (qend - plen - 1 > HH_QUERY_MAX) {
			hh_field_errors_add(errs, "query", "the query string is longer than %d bytes", HH_QUERY_MAX);
			return -1;
		}
		return parse_query(target + plen + 1, qend - plen - 1, q, errs);
	}
	return 0;
}

const char *hh_query_get(const struct hh_query *q, const char *key)
{
	for (size_t i = 0; i < q->n; i++)
		if (strcmp(q->v[i].key, key) == 0)
			return q->v[i].value;
	return NULL;
}

/* ------------------------------------------------------ list parameters */

/* Trims, folds runs of white space to one space, lower-cases ASCII. */
static int normalise_q(const char *in, char *out, size_t cap)
{
	size_t o = 0;
	int space = 0;
	for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
		int ws = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v';
		if (ws) {
			space = o > 0;
			continue;
		}
		if (*p < 0x20 || *p == 0x7f)
			return -1;
		if (o + (space ? 2 : 1) >= cap)
			return -1;
		if (space)
			out[o++] = ' ';
		space = 0;
		out[o++] = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
	}
	out[o] = '\0';
	return o > 0 ? 0 : -1;
}

long hh_list_default_limit(enum hh_route_id id)
{
	/* articles keep their short first page; causes and remedies were whole lists, now pages of 100 */
	return id == HH_ROUTE_ARTICLES ? 20 : 100;
}

static int allowed(enum hh_route_id id, const char *key)
{
	switch (id) {
	case HH_ROUTE_ARTICLES: return !strcmp(key, "q") || !strcmp(key, "limit") || !strcmp(key, "offset");
	case HH_ROUTE_CAUSES:
		return !strcmp(key, "q") || !strcmp(key, "position") || !strcmp(key, "region") ||
		       !strcmp(key, "limit") || !strcmp(key, "offset");
	case HH_ROUTE_REMEDIES: return !strcmp(key, "cause") || !strcmp(key, "limit") || !strcmp(key, "offset");
	default: return 0;
	}
}

static void check_names(enum hh_route_id id, const struct hh_query *q, struct hh_field_errors *errs)
{
	for (size_t i = 0; i < q->n; i++) {
		const char *key = q->v[i].key;
		if (!allowed(id, key)) {
			hh_field_errors_add(errs, key[0] ? key : "query", "unknown parameter");
			continue;
		}
		for (size_t k = 0; k < i; k++)
			if (strcmp(q->v[k].key, key) == 0) {
				hh_field_errors_add(errs, key, "given more than once");
				break;
			}
	}
}

static void parse_number(const struct hh_query *q, const char *key, long min, long max, long *out,
			 struct hh_field_errors *errs)
{
	const char *v = hh_query_get(q, key);
	long long n;
	if (v == NULL)
		return;
	if (hh_parse_int(v, min, max, &n) < 0)
		hh_field_errors_add(errs, key, "must be a whole number from %ld to %ld", min, max);
	else
		*out = (long)n;
}

int hh_list_params_parse(enum hh_route_id id, const struct hh_query *q, struct hh_list_params *p,
			 struct hh_field_errors *errs)
{
	size_t before = errs->n;
	memset(p, 0, sizeof(*p));
	p->limit = hh_list_default_limit(id);
	check_names(id, q, errs);
	const char *v = hh_query_get(q, "q");
	if (v != NULL && allowed(id, "q")) {
		if (strlen(v) > 200 || normalise_q(v, p->q, sizeof(p->q)) < 0) {
			p->q[0] = '\0';
			hh_field_errors_add(errs, "q", "must be 1 to 200 characters of search text");
		}
	}
	/* every list pages the same way (allowed() refuses the names elsewhere) */
	parse_number(q, "limit", 1, HH_LIST_LIMIT_MAX, &p->limit, errs);
	parse_number(q, "offset", 0, HH_LIST_OFFSET_MAX, &p->offset, errs);
	v = hh_query_get(q, "position");
	if (v != NULL && id == HH_ROUTE_CAUSES && hh_position_parse(v, &p->position) < 0)
		hh_field_errors_add(errs, "position", "must be one of standing, sitting, lying_down");
	v = hh_query_get(q, "region");
	if (v != NULL && id == HH_ROUTE_CAUSES && hh_region_parse(v, &p->region) < 0)
		hh_field_errors_add(errs, "region", "must be one of upper_back, middle_back");
	v = hh_query_get(q, "cause");
	if (v != NULL && id == HH_ROUTE_REMEDIES) {
		if (!hh_is_slug(v) || strlen(v) >= sizeof(p->cause))
			hh_field_errors_add(errs, "cause", "must be a cause slug such as poor-posture");
		else
			memcpy(p->cause, v, strlen(v) + 1);
	}
	return errs->n > before || errs->dropped ? -1 : 0;
}
