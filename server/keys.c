/*
 * keys.c - cache keys, built in one place for the snapshot builder and the
 * handlers alike (see keys.h).
 */
#include "healthhub/keys.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "healthhub/content.h"

/* Appends printf output at *used; -1 once buf is full (the key would be cut, so it could collide). */
static int append(char *buf, size_t cap, size_t *used, const char *fmt, ...) HH_PRINTF(4, 5);
static int append(char *buf, size_t cap, size_t *used, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = *used < cap ? vsnprintf(buf + *used, cap - *used, fmt, ap) : -1;
	va_end(ap);
	if (n < 0 || (size_t)n >= cap - *used)
		return -1;
	*used += (size_t)n;
	return 0;
}

int hh_key_list(enum hh_route_id id, const struct hh_list_params *p, char *buf, size_t cap)
{
	size_t used = 0;
	char sep = '?';
	int rc = append(buf, cap, &used, "%s", hh_route_pattern(id));
	/* articles spell paging out with a search too (as before); other lists only off their first page */
	int paged = p->limit != hh_list_default_limit(id) || p->offset != 0;
	if (rc == 0 && (paged || (id == HH_ROUTE_ARTICLES && p->q[0] != '\0'))) {
		rc = append(buf, cap, &used, "?limit=%ld&offset=%ld", p->limit, p->offset);
		sep = '&';
	}
	if (rc == 0 && p->position) {
		rc = append(buf, cap, &used, "%cposition=%s", sep, hh_position_name(p->position));
		sep = '&';
	}
	if (rc == 0 && p->region) {
		rc = append(buf, cap, &used, "%cregion=%s", sep, hh_region_name(p->region));
		sep = '&';
	}
	if (rc == 0 && p->cause[0] != '\0') {
		rc = append(buf, cap, &used, "%ccause=%s", sep, p->cause);
		sep = '&';
	}
	if (rc == 0 && p->q[0] != '\0')
		rc = append(buf, cap, &used, "%cq=%s", sep, p->q);
	return rc;
}

/* Appends s percent-encoded as a query value (RFC 3986 unreserved characters kept). */
static int append_encoded(char *buf, size_t cap, size_t *used, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	int rc = 0;
	for (; rc == 0 && *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;
		int plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
			    ch == '-' || ch == '.' || ch == '_' || ch == '~';
		rc = plain ? append(buf, cap, used, "%c", ch)
			   : append(buf, cap, used, "%%%c%c", hex[ch >> 4], hex[ch & 15]);
	}
	return rc;
}

/* "<URL of the page at offset>; rel=REL": filters first, then q, then limit and offset, always spelled out. */
static int append_link(char *buf, size_t cap, size_t *used, enum hh_route_id id, const struct hh_list_params *p,
		       long offset, const char *rel)
{
	char sep = '?';
	int rc = append(buf, cap, used, "%s<%s", *used > 0 ? ", " : "", hh_route_pattern(id));
	if (rc == 0 && p->position) {
		rc = append(buf, cap, used, "%cposition=%s", sep, hh_position_name(p->position));
		sep = '&';
	}
	if (rc == 0 && p->region) {
		rc = append(buf, cap, used, "%cregion=%s", sep, hh_region_name(p->region));
		sep = '&';
	}
	if (rc == 0 && p->cause[0] != '\0') {
		rc = append(buf, cap, used, "%ccause=%s", sep, p->cause);
		sep = '&';
	}
	if (rc == 0 && p->q[0] != '\0') {
		rc = append(buf, cap, used, "%cq=", sep);
		sep = '&';
		if (rc == 0)
			rc = append_encoded(buf, cap, used, p->q);
	}
	if (rc == 0)
		rc = append(buf, cap, used, "%climit=%ld&offset=%ld>; rel=\"%s\"", sep, p->limit, offset, rel);
	return rc;
}

int hh_key_page_links(enum hh_route_id id, const struct hh_list_params *p, long long total, char *buf, size_t cap)
{
	size_t used = 0;
	int rc = cap > 0 ? 0 : -1;
	if (rc == 0)
		buf[0] = '\0';
	if (rc == 0 && p->offset > 0) {
		/* the page before, but never past the last page with items: a page past the end points back in */
		long last = total > 0 ? (long)((total - 1) / p->limit) * p->limit : 0;
		long prev = p->offset - p->limit < last ? p->offset - p->limit : last;
		rc = append_link(buf, cap, &used, id, p, prev > 0 ? prev : 0, "prev");
	}
	if (rc == 0 && (long long)p->offset + p->limit < total)
		rc = append_link(buf, cap, &used, id, p, p->offset + p->limit, "next");
	return rc;
}

int hh_key_item(enum hh_route_id id, const char *slug, int ld, char *buf, size_t cap)
{
	/* the item routes' patterns end in "{slug}": the key is the pattern with the slug in place */
	const char *pattern = hh_route_pattern(id);
	const char *brace = strchr(pattern, '{');
	if (brace == NULL)
		return -1;
	size_t used = 0;
	return append(buf, cap, &used, "%.*s%s%s", (int)(brace - pattern), pattern, slug,
		      ld && id == HH_ROUTE_ARTICLE ? "#ld" : "");
}

const char *hh_key_fixed(enum hh_route_id id)
{
	return hh_route_pattern(id);
}

int hh_key_triage(const char *ruleset_version, const struct hh_triage_input *in, char *buf, size_t cap)
{
	size_t used = 0;
	if (append(buf, cap, &used, "%s|", ruleset_version) < 0 || cap - used < HH_TRIAGE_KEY_MAX)
		return -1;
	hh_triage_input_key(in, buf + used, cap - used);
	return 0;
}

int hh_key_variant(char *buf, size_t cap, const char *variant)
{
	if (variant == NULL)
		return 0; /* the default language and country: keys as they always were */
	size_t used = strlen(buf);
	return append(buf, cap, &used, "|%s", variant);
}

int hh_key_versioned(const char *key, int64_t version, char *out, size_t cap)
{
	int n = snprintf(out, cap, "%s@%lld", key, (long long)version);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}
