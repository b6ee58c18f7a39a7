/*
 * cache.h - the pure half of caching: renditions (a body in identity and
 * gzip encodings with their strong ETags) and a bounded, thread-safe LRU of
 * reference-counted values. No MHD here: the HTTP layer wraps renditions in
 * prebuilt responses and stores those.
 */
#ifndef HEALTHHUB_CACHE_H
#define HEALTHHUB_CACHE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "healthhub/common.h"

/* ------------------------------------------------------------ renditions */

#define HH_ETAG_MAX 48

struct hh_rendition {
	char *body; /* owned, malloc'd */
	size_t len;
	char *gz; /* owned; NULL when gzip would not be smaller */
	size_t gz_len;
	char etag[HH_ETAG_MAX];    /* "\"<24 hex>\"": derived from the bytes only */
	char etag_gz[HH_ETAG_MAX]; /* "\"<24 hex>-gz\"" */
};

/*
 * Takes ownership of body (malloc'd, len bytes), computes its ETag and, when
 * len >= min_gzip, its gzip encoding (deterministic: same bytes in, same bytes
 * out on every instance). Returns 0, or -1 if zlib failed (body still taken).
 */
int hh_rendition_build(struct hh_rendition *r, char *body, size_t len, size_t min_gzip) HH_MUSTCHECK;
void hh_rendition_free(struct hh_rendition *r);

/*
 * Does an If-None-Match header value match etag? Weak comparison (RFC 9110
 * 13.1.2): W/ prefixes are ignored, "*" matches, lists are comma-separated.
 */
int hh_etag_match(const char *if_none_match, const char *etag);

/* Does Accept-Encoding allow gzip (present, and q not 0)? */
int hh_accepts_gzip(const char *accept_encoding);

/* ------------------------------------------------------------ refcounts */

struct hh_ref {
	atomic_uint count;
	void (*destroy)(struct hh_ref *self); /* called when count drops to 0 */
};

static inline void hh_ref_init(struct hh_ref *r, void (*destroy)(struct hh_ref *))
{
	atomic_init(&r->count, 1);
	r->destroy = destroy;
}

static inline void hh_ref_get(struct hh_ref *r)
{
	atomic_fetch_add_explicit(&r->count, 1, memory_order_relaxed);
}

static inline void hh_ref_put(struct hh_ref *r)
{
	if (r != NULL && atomic_fetch_sub_explicit(&r->count, 1, memory_order_acq_rel) == 1)
		r->destroy(r);
}

/* ------------------------------------------------------------------ LRU */

struct hh_lru;

/* A cache of at most capacity entries (0 = caches nothing). New, caller frees. */
struct hh_lru *hh_lru_new(size_t capacity);
void hh_lru_free(struct hh_lru *lru);
/* A new reference to the value under key, or NULL. Counts a hit or a miss. */
struct hh_ref *hh_lru_get(struct hh_lru *lru, const char *key);
/* Stores value under key (the LRU takes its own reference), evicting the least recently used. */
void hh_lru_put(struct hh_lru *lru, const char *key, struct hh_ref *value);
/* Drops every entry (e.g. when the content version changes). */
void hh_lru_clear(struct hh_lru *lru);
void hh_lru_stats(struct hh_lru *lru, uint64_t *hits, uint64_t *misses, size_t *size);

/* ---------------------------------------------------------- static map */

/* A string-keyed map, filled once then read-only (shared without locks). */
struct hh_map;
struct hh_map *hh_map_new(size_t expected);
/* Adds key (copied) -> value (borrowed pointer; the map frees nothing but its keys). */
void hh_map_put(struct hh_map *m, const char *key, void *value);
void *hh_map_get(const struct hh_map *m, const char *key);
/* Calls fn on every value, e.g. to free them. */
void hh_map_each(struct hh_map *m, void (*fn)(void *value));
void hh_map_free(struct hh_map *m);

#endif
