/*
 * snapshot.h - a content version with every cacheable answer prebuilt.
 *
 * A snapshot is built off to the side from a finished hh_content, then
 * published atomically; requests take a reference, so an old snapshot lives
 * until its last in-flight request is done. Every resource holds its body in
 * identity and gzip form and a prebuilt MHD 200 response per encoding
 * whose headers are complete before any thread can see them (304s are
 * made per request: prebuilding them cost ~10% of the memory bound).
 */
#ifndef HEALTHHUB_SNAPSHOT_H
#define HEALTHHUB_SNAPSHOT_H

#include <stdint.h>

#include <jansson.h>
#include <microhttpd.h>

#include "healthhub/cache.h"
#include "healthhub/content.h"
#include "healthhub/cors.h"
#include "healthhub/router.h"

/*
 * How answers are built, fixed at start-up and passed in (never read from a
 * global): every resource keeps a borrowed pointer, so the options must
 * outlive every snapshot and resource built with them.
 */
struct hh_snapshot_options {
	const struct hh_cors *cors; /* borrowed: CORS "*" headers go into prebuilt responses */
	const char *cache_control;  /* for cacheable content */
	const char *public_url;     /* base of absolute links in ld+json; "" = relative */
};

/* Adds the headers every answer carries: security headers, and CORS "*" when configured. 0 or -1. */
int hh_headers_common(const struct hh_snapshot_options *o, struct MHD_Response *r) HH_MUSTCHECK;

struct hh_resource {
	struct hh_ref ref;          /* owners: a snapshot, an LRU, a request in flight */
	atomic_uint bytes_refs;     /* the resource itself + every MHD response made from the bytes */
	struct hh_rendition rend;
	const char *content_type;   /* static string */
	const char *vary;           /* static string */
	const char *cache_control;  /* static, or the options' */
	const struct hh_snapshot_options *opts; /* borrowed: headers of responses made later */
	char *link;                 /* owned: RFC 8288 Link value of a list page, or NULL */
	struct MHD_Response *ok, *ok_gz, *not_modified, *not_modified_gz; /* prebuilt 200s (ok_gz NULL without
									    gzip); the 304s stay NULL */
};

/*
 * A resource from a body (steals the malloc'd body). New reference, or NULL
 * if zlib or MHD failed (body freed).
 */
struct hh_resource *hh_resource_new(const struct hh_snapshot_options *o, char *body, size_t len,
				    const char *content_type, const char *vary, const char *cache_control);
/*
 * A cacheable JSON resource (JSON content type, Vary: Accept-Encoding, the
 * options' Cache-Control): from bytes (malloc'd, stolen) or from a value
 * (stolen; NULL in gives NULL out). New reference or NULL.
 */
struct hh_resource *hh_resource_json(const struct hh_snapshot_options *o, char *body, size_t len);
struct hh_resource *hh_resource_from_json(const struct hh_snapshot_options *o, json_t *j);
/* hh_resource_from_json whose answers carry "Link: link" (borrowed, copied; NULL or "" for none). */
struct hh_resource *hh_resource_from_json_link(const struct hh_snapshot_options *o, json_t *j, const char *link);

/*
 * One page of a list route (ARTICLES, CAUSES or REMEDIES; p validated,
 * without a search) from content c (borrowed): the page's items, "total"
 * counting every match, and Link headers to the pages before and after.
 * The snapshot prebuilds each list's first page with it; handlers build the
 * others on demand. New reference or NULL.
 */
struct hh_resource *hh_snapshot_page(const struct hh_snapshot_options *o, const struct hh_content *c,
				     enum hh_route_id id, const struct hh_list_params *p);

/*
 * A fresh response over the resource's bytes (for answers that need
 * per-request headers); the bytes stay alive until MHD lets it go. NULL on
 * failure. The caller adds headers and destroys it after queueing.
 */
struct MHD_Response *hh_resource_response(struct hh_resource *res, int gzip, int not_modified);

struct hh_snapshot {
	struct hh_ref ref;
	struct hh_content *content; /* owned */
	struct hh_map *resources;   /* keys.h key -> struct hh_resource * (one reference each) */
	_Atomic(struct hh_resource *) *articles; /* article JSON per content->articles index (one reference each);
						    NULL until built (hh_snapshot_article) */
	const struct hh_snapshot_options *opts; /* borrowed: how its answers were built */
	int64_t version;
	int64_t built_at_ms;
	size_t n_resources;
	size_t n_shared;            /* of n_resources, answers shared with the previous snapshot */
};

/*
 * Builds every prebuilt answer of content (stolen), under the keys of
 * keys.h, with the options o (borrowed; must outlive the snapshot).
 * New reference or NULL (content freed).
 */
struct hh_snapshot *hh_snapshot_build(struct hh_content *content, const struct hh_snapshot_options *o);
/*
 * hh_snapshot_build, sharing with old (borrowed; NULL builds everything) every
 * answer whose inputs did not change: the same resource, one more
 * reference, so only what changed is rendered and compressed and the two
 * snapshots hold one copy of the rest.
 */
struct hh_snapshot *hh_snapshot_build_from(struct hh_content *content, const struct hh_snapshot_options *o,
					   const struct hh_snapshot *old);
/*
 * The ld+json answer of article a (borrowed from s's content), which
 * snapshots do not prebuild: built on first request and kept in a bounded
 * cache by the caller. New reference or NULL.
 */
struct hh_resource *hh_snapshot_article_ld(const struct hh_snapshot *s, const struct hh_article *a);
/*
 * The JSON answer of the article slug: its slot, filled on first use when
 * the snapshot did not prebuild it (thread-safe: concurrent builders agree
 * on one). Borrowed (the snapshot holds it), or NULL when the content has
 * no such article or building failed.
 */
struct hh_resource *hh_snapshot_article(const struct hh_snapshot *s, const char *slug);
/*
 * Builds every article answer not built yet, until *stop is set; returns
 * how many it built. Run after publishing a first snapshot, off the
 * request path.
 */
size_t hh_snapshot_warm(const struct hh_snapshot *s, const atomic_int *stop);
/* Borrowed, or NULL (article answers through hh_snapshot_article). */
struct hh_resource *hh_snapshot_get(const struct hh_snapshot *s, const char *key);

/* Static bytes served at /openapi.json (generated at build time). */
extern const char hh_openapi_json[];
extern const size_t hh_openapi_json_len;

#endif
