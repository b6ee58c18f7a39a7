/*
 * keys.c - cache keys, built in one place for the snapshot builder and the
 * handlers alike (see keys.h).
 */
#include "healthhub/keys.h"

#include <string.h>

#include "healthhub/content.h"
#include "healthhub/strbuf.h"

int hh_key_list(enum hh_route_id id, const struct hh_list_params *p, char *buf, size_t cap)
{
	if (cap == 0)
		return -1;
	struct hh_strbuf b;
	hh_strbuf_wrap(&b, buf, cap, 0);
	char sep = '?';
	hh_strbuf_puts(&b, hh_route_pattern(id));
	/* articles spell paging out with a search too (as before); other lists only off their first page */
	int paged = p->limit != hh_list_default_limit(id) || p->offset != 0;
	if (paged || (id == HH_ROUTE_ARTICLES && p->q[0] != '\0')) {
		hh_strbuf_appendf(&b, "?limit=%ld&offset=%ld", p->limit, p->offset);
		sep = '&';
	}
	if (p->position) {
		hh_strbuf_appendf(&b, "%cposition=%s", sep, hh_position_name(p->position));
		sep = '&';
	}
	if (p->region) {
		hh_strbuf_appendf(&b, "%cregion=%s", sep, hh_region_name(p->region));
		sep = '&';
	}
	if (p->cause[0] != '\0') {
		hh_strbuf_appendf(&b, "%ccause=%s", sep, p->cause);
		sep = '&';
	}
	if (p->q[0] != '\0')
		hh_strbuf_appendf(&b, "%cq=%s", sep, p->q);
	return b.failed ? -1 : 0; /* a cut key could collide with another's */
}

/* Appends s percent-encoded as a query value (RFC 3986 unreserved characters kept). */
static void append_encoded(struct hh_strbuf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;
		int plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
			    ch == '-' || ch == '.' || ch == '_' || ch == '~';
		char enc[3] = {'%', hex[ch >> 4], hex[ch & 15]};
		if (plain)
			hh_strbuf_append(b, (const char *)&ch, 1);
		else
			hh_strbuf_append(b, enc, 3);
	}
}

/* "<URL of the page at offset>; rel=REL": filters first, then q, then limit and offset, always spelled out. */
static void append_link(struct hh_strbuf *b, enum hh_route_id id, const struct hh_list_params *p, long offset,
			const char *rel)
{
	char sep = '?';
	hh_strbuf_appendf(b, "%s<%s", b->len > 0 ? ", " : "", hh_route_pattern(id));
	if (p->position) {
		hh_strbuf_appendf(b, "%cposition=%s", sep, hh_position_name(p->position));
		sep = '&';
	}
	if (p->region) {
		hh_strbuf_appendf(b, "%cregion=%s", sep, hh_region_name(p->region));
		sep = '&';
	}
	if (p->cause[0] != '\0') {
		hh_strbuf_appendf(b, "%ccause=%s", sep, p->cause);
		sep = '&';
	}
	if (p->q[0] != '\0') {
		hh_strbuf_appendf(b, "%cq=", sep);
		sep = '&';
		append_encoded(b, p->q);
	}
	hh_strbuf_appendf(b, "%climit=%ld&offset=%ld>; rel=\"%s\"", sep, p->limit, offset, rel);
}

int hh_key_page_links(enum hh_route_id id, const struct hh_list_params *p, long long total, char *buf, size_t cap)
{
	if (cap == 0)
		return -1;
	struct hh_strbuf b;
	hh_strbuf_wrap(&b, buf, cap, 0);
	if (p->offset > 0) {
		/* the page before, but never past the last page with items: a page past the end points back in */
		long last = total > 0 ? (long)((total - 1) / p->limit) * p->limit : 0;
		long prev = p->offset - p->limit < last ? p->offset - p->limit : last;
		append_link(&b, id, p, prev > 0 ? prev : 0, "prev");
	}
	if ((long long)p->offset + p->limit < total)
		append_link(&b, id, p, p->offset + p->limit, "next");
	return b.failed ? -1 : 0;
}

int hh_key_item(enum hh_route_id id, const char *slug, int ld, char *buf, size_t cap)
{
	/* the item routes' patterns end in "{slug}": the key is the pattern with the slug in place */
	const char *pattern = hh_route_pattern(id);
	const char *brace = strchr(pattern, '{');
	if (brace == NULL || cap == 0)
		return -1;
	struct hh_strbuf b;
	hh_strbuf_wrap(&b, buf, cap, 0);
	hh_strbuf_appendf(&b, "%.*s%s%s", (int)(brace - pattern), pattern, slug,
			  ld && id == HH_ROUTE_ARTICLE ? "#ld" : "");
	return b.failed ? -1 : 0;
}

const char *hh_key_fixed(enum hh_route_id id)
{
	return hh_route_pattern(id);
}

int hh_key_triage(const char *ruleset_version, const struct hh_triage_input *in, char *buf, size_t cap)
{
	if (cap == 0)
		return -1;
	struct hh_strbuf b;
	hh_strbuf_wrap(&b, buf, cap, 0);
	if (hh_strbuf_appendf(&b, "%s|", ruleset_version) < 0 || cap - b.len < HH_TRIAGE_KEY_MAX)
		return -1;
	hh_triage_input_key(in, buf + b.len, cap - b.len);
	return 0;
}

int hh_key_variant(char *buf, size_t cap, const char *variant)
{
	if (variant == NULL)
		return 0; /* the default language and country: keys as they always were */
	struct hh_strbuf b;
	hh_strbuf_wrap(&b, buf, cap, strlen(buf));
	return hh_strbuf_appendf(&b, "|%s", variant);
}

int hh_key_versioned(const char *key, int64_t version, char *out, size_t cap)
{
	if (cap == 0)
		return -1;
	struct hh_strbuf b;
	hh_strbuf_wrap(&b, out, cap, 0);
	return hh_strbuf_appendf(&b, "%s@%lld", key, (long long)version);
}
