/*
 * cache.h - the pure half of caching: renditions (a body in identity and
 * gzip encodings with their strong ETags) and the one thread-safe cache of
 * reference-counted values (prebuilt, or built once on demand). No MHD here: the HTTP layer wraps renditions in
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

/*
 * A run of bytes that many bodies hold in the same place, kept once: an
 * article's when_to_get_help is the same 20 KB in every article of a
 * snapshot (two thirds of each body; 100 MiB at 5,000 articles when each
 * kept its copy). In both encodings: identity, and a raw deflate of it
 * ended by a full flush (no final block, no reference before it), which a
 * gzip stream may hold between its other parts. Reference-counted: every
 * rendition spliced with it holds one.
 */
struct hh_splice {
	atomic_uint refs;
	char *body;
	size_t len;
	char *deflated;
	size_t deflated_len;
	unsigned long crc; /* crc32 of body, to combine into a gzip trailer */
};

/* A splice of a copy of bytes[0..len), one reference. NULL if zlib failed. */
struct hh_splice *hh_splice_new(const char *bytes, size_t len);
void hh_splice_put(struct hh_splice *sp);

struct hh_rendition {
	char *body; /* owned, malloc'd: the whole body, or with a splice the bytes around it; with a
		       splice and gz, NULL (freed once compressed: hh_rendition_identity inflates it) */
	size_t len; /* bytes of body (the whole length adds splice->len: hh_rendition_size) */
	char *gz;   /* owned: the gzip body; NULL when gzip would not be smaller */
	size_t gz_len;
	struct hh_splice *splice; /* NULL, or shared bytes that go at body + at; one reference */
	size_t at;
	char etag[HH_ETAG_MAX];    /* "\"<24 hex>\"": derived from the bytes only */
	char etag_gz[HH_ETAG_MAX]; /* "\"<24 hex>-gz\"" */
};

/*
 * Takes ownership of body (malloc'd, len bytes), computes its ETag and, when
 * len >= min_gzip, its gzip encoding (deterministic: same bytes in, same bytes
 * out on every instance). Returns 0, or -1 if zlib failed (body still taken).
 */
int hh_rendition_build(struct hh_rendition *r, char *body, size_t len, size_t min_gzip) HH_MUSTCHECK;
/*
 * The same for an answer made for one request (a search): its ETags only,
 * no gzip body (most such answers go to one client; hh_gzip_once makes the
 * gzip body for a request that asks for it).
 */
int hh_rendition_build_once(struct hh_rendition *r, char *body, size_t len) HH_MUSTCHECK;
/*
 * The gzip encoding of body[0..len) at the level for answers made for one
 * request (deterministic), malloc'd into *out: 0, or 0 with *out NULL when
 * it would not be smaller; -1 if zlib failed.
 */
int hh_gzip_once(const char *body, size_t len, char **out, size_t *out_len) HH_MUSTCHECK;
/*
 * The same for the body body[0..at) + sp's bytes + body[at..len) (body
 * stolen, without sp's bytes; sp borrowed, the rendition takes a reference):
 * the same ETags and identity bytes as hh_rendition_build of the whole, and
 * a whole gzip body that inflates to them, made by deflating only what is
 * not sp's. The gzip body is then the only stored form: at 5,000 articles the
 * identity bodies were a quarter of the memory, and gzip is what browsers,
 * apps and caches ask for; an identity request inflates (or copies)
 * through hh_rendition_identity. sp NULL: hh_rendition_build.
 */
int hh_rendition_build_spliced(struct hh_rendition *r, char *body, size_t len, size_t at, struct hh_splice *sp,
			       size_t min_gzip) HH_MUSTCHECK;
void hh_rendition_free(struct hh_rendition *r);

/* A piece of a body to send: up to three (before, spliced, after), in order. */
struct hh_span {
	const char *p;
	size_t n;
};
/*
 * The pieces of r's identity (gz 0) or gzip body into out[3]; how many (1
 * but for a body with a splice). 0 for an identity that is not kept
 * (hh_rendition_identity makes it).
 */
unsigned hh_rendition_spans(const struct hh_rendition *r, int gz, struct hh_span out[3]);
/* Bytes of r's identity body, splice included. */
size_t hh_rendition_size(const struct hh_rendition *r);
/* Writes r's identity body (hh_rendition_size bytes) to out, inflating it when only gzip is kept. 0 or -1. */
int hh_rendition_identity(const struct hh_rendition *r, char *out) HH_MUSTCHECK;

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

/* ---------------------------------------------------------------- cache */

/*
 * The one cache of answers: string keys to reference-counted values (any
 * struct beginning with, or holding, a struct hh_ref), thread-safe, modelled
 * on lwan's cache_get_and_ref_entry / unref. Every lookup hands out a new
 * reference that the caller puts back with hh_ref_put; the cache holds one
 * reference of its own per entry.
 *
 * Two kinds of entries share the one interface:
 * - prebuilt: stored by hh_cache_prebuilt before the cache is shared (by
 *   the one thread that builds it), then read without any lock;
 * - on demand: hh_cache_get_or_build builds a missing entry once, whoever
 *   asks first; concurrent askers of the same key wait for that one build
 *   (never for another key's), under a mutex held only around the table.
 * A bounded cache (capacity entries) evicts the least recently used entry
 * built on demand; HH_CACHE_UNBOUNDED never evicts (for caches bounded by
 * the content, such as a snapshot's); capacity 0 stores nothing.
 */
struct hh_cache;

#define HH_CACHE_UNBOUNDED SIZE_MAX

/* A new cache of at most capacity on-demand entries (expected: how many prebuilt, a sizing hint). Caller frees. */
struct hh_cache *hh_cache_new(size_t capacity, size_t expected);
/* Releases every entry's reference and the cache. */
void hh_cache_free(struct hh_cache *c);
/* Stores value under key as prebuilt (the cache takes its own reference): only before the cache is shared. */
void hh_cache_prebuilt(struct hh_cache *c, const char *key, struct hh_ref *value);
/* A new reference to the value under key, or NULL. Counts a hit or a miss (on-demand entries). */
struct hh_ref *hh_cache_get(struct hh_cache *c, const char *key);
/*
 * A new reference to the value under key, built by build(arg) (a new
 * reference, or NULL on failure) when the cache holds none. *built (may be
 * NULL) says whether this call built it. NULL when building failed.
 */
struct hh_ref *hh_cache_get_or_build(struct hh_cache *c, const char *key, struct hh_ref *(*build)(void *arg), void *arg,
				     int *built);
/* Stores value under key as built on demand (the cache takes its own reference), replacing what was there. */
void hh_cache_put(struct hh_cache *c, const char *key, struct hh_ref *value);
/* Drops every on-demand entry (builds in flight finish and are kept). */
void hh_cache_clear(struct hh_cache *c);
/* Hits and misses of on-demand lookups, and the number of on-demand entries. */
void hh_cache_stats(struct hh_cache *c, uint64_t *hits, uint64_t *misses, size_t *size);

/* ---------------------------------------------------------- static map */

/* A string-keyed map, filled once then read-only (shared without locks). */
struct hh_map;
struct hh_map *hh_map_new(size_t expected);
/* Adds key (copied) -> value (borrowed pointer; the map frees nothing but its keys). */
void hh_map_put(struct hh_map *m, const char *key, void *value);
void *hh_map_get(const struct hh_map *m, const char *key);
void hh_map_free(struct hh_map *m);

#endif
