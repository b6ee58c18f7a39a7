/*
 * negotiate.c - Accept and HTTP-date parsing (see negotiate.h).
 */
#define _GNU_SOURCE /* strptime, timegm */
#include "healthhub/negotiate.h"

#include <ctype.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

/* One element of an Accept list, as spans into the field value. */
struct range {
	const char *type, *sub;
	size_t type_len, sub_len;
	int q;        /* thousandths */
	int n_params; /* media-type parameters besides q (more = more specific) */
};

static int is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* Parses a qvalue ("0", "0.5", "1.000"); thousandths, or -1 when malformed. */
static int parse_q(const char *s, size_t n)
{
	if (n == 0 || n > 5 || (s[0] != '0' && s[0] != '1'))
		return -1;
	int q = (s[0] - '0') * 1000;
	if (n == 1)
		return q;
	if (s[1] != '.')
		return -1;
	int scale = 100;
	for (size_t i = 2; i < n; i++, scale /= 10) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		q += (s[i] - '0') * scale;
	}
	return q > 1000 ? -1 : q;
}

/* Trims optional white space around [*s, *s + *n). */
static void trim(const char **s, size_t *n)
{
	while (*n > 0 && is_ows(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && is_ows((*s)[*n - 1]))
		(*n)--;
}

/* Reads the parameters after a media range (";a=b;q=0.5"); 0, or -1 on a bad q. */
static int parse_params(const char *p, const char *end, struct range *r)
{
	while (p < end) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		const char *stop = semi ? semi : end;
		const char *name = p;
		size_t len = (size_t)(stop - p);
		trim(&name, &len);
		const char *eq = memchr(name, '=', len);
		if (eq != NULL && (size_t)(eq - name) == 1 && (name[0] == 'q' || name[0] == 'Q')) {
			const char *v = eq + 1;
			size_t vn = len - 2;
			trim(&v, &vn);
			r->q = parse_q(v, vn);
			if (r->q < 0)
				return -1;
			return 0; /* what follows q are accept-ext, not media-type parameters */
		}
		if (len > 0)
			r->n_params++;
		p = semi ? semi + 1 : end;
	}
	return 0;
}

/* Parses one list element [s, s + n) into r; 0, or -1 when malformed (then skipped). */
static int parse_range(const char *s, size_t n, struct range *r)
{
	trim(&s, &n);
	const char *end = s + n;
	const char *semi = memchr(s, ';', n);
	const char *mt_end = semi ? semi : end;
	const char *slash = memchr(s, '/', (size_t)(mt_end - s));
	memset(r, 0, sizeof(*r));
	r->q = 1000;
	if (slash == NULL)
		return -1;
	r->type = s;
	r->type_len = (size_t)(slash - s);
	r->sub = slash + 1;
	r->sub_len = (size_t)(mt_end - r->sub);
	trim(&r->sub, &r->sub_len);
	if (r->type_len == 0 || r->sub_len == 0 || memchr(r->type, ' ', r->type_len))
		return -1;
	if (r->type_len == 1 && r->type[0] == '*' && !(r->sub_len == 1 && r->sub[0] == '*'))
		return -1; /* "*\/json" is not a media range */
	return semi ? parse_params(semi + 1, end, r) : 0;
}

static int span_eq(const char *a, size_t an, const char *b, size_t bn)
{
	return an == bn && strncasecmp(a, b, an) == 0;
}

/* How specifically r matches type/sub: 3 exact, 2 type/\*, 1 *\/\*, 0 no match. */
static int specificity(const struct range *r, const char *type, size_t tn, const char *sub, size_t sn)
{
	int any_type = r->type_len == 1 && r->type[0] == '*';
	int any_sub = r->sub_len == 1 && r->sub[0] == '*';
	if (any_type)
		return 1;
	if (!span_eq(r->type, r->type_len, type, tn))
		return 0;
	if (any_sub)
		return 2;
	return span_eq(r->sub, r->sub_len, sub, sn) ? 3 : 0;
}

int hh_accept_quality(const char *accept, const char *type)
{
	if (accept == NULL)
		return 1000;
	const char *slash = strchr(type, '/');
	if (slash == NULL)
		return 0;
	size_t tn = (size_t)(slash - type), sn = strlen(slash + 1);
	int best_spec = 0, best_params = -1, q = 0, any = 0;
	for (const char *p = accept; *p;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		struct range r;
		if (parse_range(p, n, &r) == 0) {
			any = 1;
			int spec = specificity(&r, type, tn, slash + 1, sn);
			if (spec > best_spec || (spec == best_spec && spec > 0 && r.n_params > best_params)) {
				best_spec = spec;
				best_params = r.n_params;
				q = r.q;
			}
		}
		p = comma ? comma + 1 : p + n;
	}
	/* a field with no element we could read says nothing: treat it as absent */
	return any ? q : 1000;
}

int hh_accept_choose(const char *accept, const char *const *offers, size_t n_offers)
{
	int best = -1, best_q = 0;
	for (size_t i = 0; i < n_offers; i++) {
		int q = hh_accept_quality(accept, offers[i]);
		if (q > best_q) {
			best_q = q;
			best = (int)i;
		}
	}
	return best;
}

/* ================================================================ Accept-Language */

/* One language-range of Accept-Language: [tag, tag + n) and its q; 0, or -1 when unreadable. */
static int parse_lang_range(const char *p, size_t n, const char **tag, size_t *tn, int *q)
{
	const char *semi = memchr(p, ';', n);
	*tag = p;
	*tn = semi ? (size_t)(semi - p) : n;
	trim(tag, tn);
	*q = 1000;
	if (*tn == 0)
		return -1;
	for (size_t i = 0; i < *tn; i++)
		if (!isalnum((unsigned char)(*tag)[i]) && (*tag)[i] != '-' && (*tag)[i] != '*')
			return -1;
	if (semi == NULL)
		return 0;
	const char *v = semi + 1;
	size_t vn = n - (size_t)(v - p);
	trim(&v, &vn);
	if (vn < 2 || (v[0] != 'q' && v[0] != 'Q') || v[1] != '=')
		return -1;
	v += 2;
	vn -= 2;
	trim(&v, &vn);
	*q = parse_q(v, vn);
	return *q < 0 ? -1 : 0;
}

/*
 * How specifically a range names offer: 3 equal, 2 the range is a
 * sub-tag of offer ("es-MX" names "es": RFC 4647 lookup, which falls back
 * by truncating the range), 1 offer is a sub-tag of the range (basic
 * filtering), 0 "*" (any), -1 no match. Case-insensitive (RFC 4647 2.1).
 */
static int lang_match(const char *tag, size_t tn, const char *offer)
{
	size_t on = strlen(offer);
	if (tn == 1 && tag[0] == '*')
		return 0;
	if (tn == on && strncasecmp(tag, offer, on) == 0)
		return 3;
	if (tn > on && tag[on] == '-' && strncasecmp(tag, offer, on) == 0)
		return 2;
	if (on > tn && offer[tn] == '-' && strncasecmp(tag, offer, tn) == 0)
		return 1;
	return -1;
}

/* The q the header gives offer: that of its most specific matching range (-1: none matches). */
static int lang_quality(const char *header, const char *offer, int *first)
{
	int best_spec = -1, q = -1, pos = 0;
	*first = INT32_MAX;
	for (const char *p = header; *p; pos++) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		const char *tag;
		size_t tn;
		int rq;
		int spec = parse_lang_range(p, n, &tag, &tn, &rq) == 0 ? lang_match(tag, tn, offer) : -1;
		if (spec > best_spec) {
			best_spec = spec;
			q = rq;
			*first = pos;
		}
		p = comma ? comma + 1 : p + n;
	}
	return q;
}

int hh_accept_language_choose(const char *header, const char *const *offers, size_t n_offers)
{
	int best = -1, best_q = 0, best_pos = INT32_MAX;
	if (header == NULL)
		return -1;
	for (size_t i = 0; i < n_offers; i++) {
		int pos = 0;
		int q = lang_quality(header, offers[i], &pos);
		/* higher q wins; on a tie, the range the reader listed first */
		if (q > best_q || (q == best_q && q > 0 && pos < best_pos)) {
			best = (int)i;
			best_q = q;
			best_pos = pos;
		}
	}
	return best;
}

/* ================================================================ dates */

/* strptime with the whole string consumed. */
static int parse_with(const char *s, const char *fmt, struct tm *tm)
{
	memset(tm, 0, sizeof(*tm));
	const char *end = strptime(s, fmt, tm);
	return end != NULL && *end == '\0' ? 0 : -1;
}

int hh_http_date_parse(const char *s, time_t *out)
{
	struct tm tm;
	if (s == NULL)
		return -1;
	if (parse_with(s, "%a, %d %b %Y %H:%M:%S GMT", &tm) < 0 &&
	    parse_with(s, "%A, %d-%b-%y %H:%M:%S GMT", &tm) < 0 && parse_with(s, "%a %b %e %H:%M:%S %Y", &tm) < 0)
		return -1;
	time_t t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	*out = t;
	return 0;
}

int hh_rfc3339_parse(const char *s, time_t *out)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	const char *p = s ? strptime(s, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
	if (p == NULL)
		return -1;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			;
	long offset = 0;
	if (*p == '+' || *p == '-') {
		int h = 0, m = 0, used = 0;
		if (sscanf(p + 1, "%2d:%2d%n", &h, &m, &used) != 2 || p[1 + used] != '\0')
			return -1;
		offset = (*p == '-' ? -1 : 1) * (h * 3600L + m * 60L);
	} else if (!((*p == 'Z' || *p == 'z') && p[1] == '\0')) {
		return -1;
	}
	time_t t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	*out = t - offset;
	return 0;
}

int hh_http_date_format(time_t t, char *buf, size_t cap)
{
	struct tm tm;
	if (gmtime_r(&t, &tm) == NULL)
		return -1;
	return strftime(buf, cap, "%a, %d %b %Y %H:%M:%S GMT", &tm) > 0 ? 0 : -1;
}
