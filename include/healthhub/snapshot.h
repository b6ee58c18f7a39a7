/*
 * snapshot.h - a content version with every cacheable answer prebuilt.
 *
 * A snapshot is built off to the side from a finished hh_content, then
 * published atomically; requests take a reference, so an old snapshot lives
 * until its last in-flight request is done. Every resource holds its body in
 * identity and gzip form (an article's shares its when_to_get_help bytes
 * with the others: cache.h, struct hh_splice) and a prebuilt MHD 200 response per encoding
 * whose headers are complete before any thread can see them (304s are
 * made per request: prebuilding them cost ~10% of the memory bound).
 */
#ifndef HEALTHHUB_SNAPSHOT_H
#define HEALTHHUB_SNAPSHOT_H

#include <stdint.h>
#include <time.h>

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
	const struct hh_cors *cors;  /* borrowed: CORS "*" headers go into prebuilt responses */
	const char *cache_control;   /* for cacheable content */
	const char *public_url;      /* base of absolute links in ld+json; "" = relative */
	const char *default_country; /* the deployment's country (--country); NULL: GB */
	struct hh_reaper *reaper;    /* where snapshots released on other threads wait to be destroyed;
					NULL: destroyed by whichever thread lets go last (tests) */
	/* Set per (language, country) by hh_snapshot_build on interned copies; leave NULL. */
	const char *content_language; /* Content-Language of every answer; NULL: none (no countries) */
	const char *variant;          /* "es-US": ETag and Surrogate-Key suffix; NULL for the default */
};

/*
 * What a cache may know about an answer besides its bytes: the surrogate
 * keys of what it shows (space-separated; the first names the answer
 * itself, e.g. "article/poor-posture" or "causes"), and when what it shows
 * last changed (0: unknown, no Last-Modified).
 */
struct hh_resource_meta {
	const char *keys; /* borrowed; NULL: no Surrogate-Key */
	time_t modified;
	const char *link; /* borrowed; NULL or "": no Link (RFC 8288 prev/next of a list page) */
	const char *lang; /* static; NULL: the options' Content-Language. An entity served in another
			     language than its answer's options (the English of an untranslated one) says so */
	int once;         /* made for one request (a search): its gzip body at a faster level (cache.h) */
};

/* A growing space-separated key list, bounded so a header stays small. */
#define HH_SURROGATE_MAX 4096
struct hh_keybuf {
	char buf[HH_SURROGATE_MAX];
	size_t len;
};
/* Appends prefix + name (name may be NULL) when it fits; a key that does not fit is left out. */
void hh_keybuf_add(struct hh_keybuf *kb, const char *prefix, const char *name);

/*
 * The keys and newest updated_at of a page of articles (items borrowed), and
 * the keys of a list of causes or remedies: for answers built outside the
 * snapshot (search hits, other pages) to carry the same keys as the
 * prebuilt ones (the list's key first, so purging it reaches every page).
 */
void hh_article_list_meta(const struct hh_article *const *items, size_t n, struct hh_keybuf *kb, time_t *modified);
void hh_cause_list_keys(const struct hh_cause *const *items, size_t n, struct hh_keybuf *kb);
void hh_remedy_list_keys(const struct hh_remedy *const *items, size_t n, struct hh_keybuf *kb);

struct hh_gz_once;

struct hh_resource {
	struct hh_ref ref;      /* owners: a snapshot, an LRU, a request in flight */
	atomic_uint bytes_refs; /* the resource itself + every MHD response made from the bytes */
	struct hh_rendition rend;
	const char *content_type;               /* static string */
	const char *vary;                       /* static string */
	const char *cache_control;              /* static, or the options' */
	const struct hh_snapshot_options *opts; /* borrowed: headers of responses made later */
	const char *content_language;           /* static or the options': Content-Language, or NULL */
	char *surrogate;                        /* owned, or NULL: the Surrogate-Key value */
	char *key;                              /* owned, or NULL: its keys.h key in a snapshot (purge diffs) */
	time_t modified;                        /* 0: no Last-Modified */
	char last_modified[32];                 /* IMF-fixdate of modified, or "" */
	char *link;                             /* owned: RFC 8288 Link value of a list page, or NULL */
	struct MHD_Response *ok, *ok_gz;        /* prebuilt 200s (ok_gz NULL without gzip); 304s are made
						   per request */
	_Atomic(char *) flat;                   /* an identity body with a splice, whole: made on its first
						   request while a budget lasts (hh_resource_ok); else NULL */
	_Atomic(struct MHD_Response *) ok_flat; /* the prebuilt 200 over flat, or NULL */
	int once;                               /* made for one request: no prebuilt 200s, gzip on demand */
	_Atomic(struct hh_gz_once *) gz_once;   /* once: its gzip body, made for the first request that
						   asks for one (hh_resource_gzip); else NULL */
};

/*
 * Does res have a gzip body to send (made now, for an answer made for one
 * request that had none yet)? 1 or 0 (none smaller, or zlib failed).
 */
int hh_resource_gzip(struct hh_resource *res);

/*
 * The prebuilt 200 of res in gzip or identity: what a request sends as it
 * is. An identity body held in pieces is made whole here on its first
 * request, while a process-wide budget lasts (snapshot.c).
 */
struct MHD_Response *hh_resource_ok(struct hh_resource *res, int gzip);

/*
 * A cacheable JSON resource (JSON content type, Vary: Accept-Encoding, the
 * options' Cache-Control) with surrogate keys, modification time and Link
 * (m borrowed; NULL = none): from bytes (malloc'd, stolen) or from a value
 * (stolen; NULL in gives NULL out). New reference, or NULL if zlib or MHD
 * failed (body freed).
 */
struct hh_resource *hh_resource_json_meta(const struct hh_snapshot_options *o, char *body, size_t len,
					  const struct hh_resource_meta *m);
struct hh_resource *hh_resource_from_json_meta(const struct hh_snapshot_options *o, json_t *j,
					       const struct hh_resource_meta *m);

/*
 * One page of a list route (ARTICLES, CAUSES or REMEDIES; p validated,
 * without a search) from content c (borrowed): the page's items, "total"
 * counting every match, Link headers to the pages before and after, and
 * the Surrogate-Key of the list and the page's items (articles: the
 * newest updated_at of the page as Last-Modified).
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

struct hh_variants;
struct hh_search;

struct hh_snapshot {
	struct hh_ref ref;
	struct hh_content *content;              /* owned */
	struct hh_cache *answers;                /* keys.h key -> struct hh_resource *: prebuilt, or built on
						    demand (hh_snapshot_answer) and kept for the snapshot's life */
	_Atomic(struct hh_resource *) *articles; /* article JSON per content->articles index (one reference each);
						    NULL until built (hh_snapshot_article) */
	const struct hh_snapshot_options *opts;  /* borrowed: how its answers were built */
	int64_t version;
	int64_t built_at_ms;
	size_t n_resources;
	size_t n_shared;          /* of n_resources, answers shared with the previous snapshot */
	struct hh_resource **all; /* every prebuilt resource, in build order (borrowed from the cache);
				       article slots are not in it (purge diffs them by content) */
	size_t n_all;
	/* Countries and languages: the published snapshot is the default (country, en), with
	 * every answer prebuilt; every other (language, country) is a snapshot of its own in its family,
	 * built with it on the reloader, whose answers are each built on first request. */
	struct hh_content *base;       /* owned: what every variant's content borrows from; NULL in a variant */
	struct hh_variants *variants;  /* owned: the family (snapshot_i18n.c); NULL in a variant */
	size_t n_variants;             /* snapshots in the family besides this one */
	struct hh_snapshot *next_dead; /* in its reaper's queue, once released */
	/* The search index of base (search.h), owned: set once by the reloader (before publishing, or
	 * right after a first publish of a large library), never changed after; NULL in a variant
	 * (variants search their family's), until it is set, or when building failed. */
	_Atomic(struct hh_search *) search;
	/* The bytes of the content's when_to_get_help, spliced into each article answer (cache.h); owned, or
	 * NULL (each article then renders its own). */
	struct hh_splice *help;
};

/*
 * Builds every prebuilt answer of content (stolen), under the keys of
 * keys.h, with the options o (borrowed; must outlive the snapshot).
 * New reference or NULL (content freed).
 */
struct hh_snapshot *hh_snapshot_build(struct hh_content *content, const struct hh_snapshot_options *o);
/*
 * The snapshot for (lang, country) of a published snapshot s: borrowed (it
 * lives as long as s), s itself for the default, or NULL when no country
 * has that code. country NULL: the default country. A language without a
 * translation gives the country's English. A lookup: every variant was made
 * with s, off the request path (its answers are built on first request,
 * each on its own: hh_snapshot_answer). A content without countries has
 * one variant: s, for every language.
 */
const struct hh_snapshot *hh_snapshot_variant(const struct hh_snapshot *s, enum hh_lang lang, const char *country);

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
/*
 * Whether article i of s's content answers other bytes (or another
 * Last-Modified) than in old, or is new: 1, else 0. For the purge diff:
 * article answers are not in s->all (shared or built lazily in slots).
 */
int hh_snapshot_article_differs(const struct hh_snapshot *old, const struct hh_snapshot *s, size_t i);
/*
 * The surrogate keys to purge when old is replaced by new (both borrowed):
 * the first key (the answer's own) of every answer whose ETag changed, that
 * appeared or that vanished, de-duplicated, plus "triage" when anything
 * changed (triage answers are computed, not prebuilt). Returns a new
 * space-separated string ("" when nothing changed). snapshot_diff.c
 */
char *hh_snapshot_changed_keys(const struct hh_snapshot *old, const struct hh_snapshot *new);
/*
 * The answer under key that s holds now, prebuilt or already built on
 * demand: borrowed (s holds it for its life), or NULL. Builds nothing;
 * article answers are in their slots (hh_snapshot_article).
 */
struct hh_resource *hh_snapshot_get(const struct hh_snapshot *s, const char *key);

/* What an answer shows, to build it on demand: its route and slug (items) or parameters (lists). */
struct hh_answer_of {
	enum hh_route_id id;
	const char *slug;               /* ARTICLE, CAUSE, REMEDY */
	const struct hh_list_params *p; /* ARTICLES, CAUSES, REMEDIES */
};

/*
 * The answer of s under key (keys.h; w says what it shows): prebuilt, or
 * built now on its own (concurrent askers of that key wait for that one
 * answer, nobody else waits) and kept for s's life. A new reference; NULL
 * when s keeps no such answer (a list page other than a route's default
 * first one, a search, an ld+json form: the caller's bounded cache builds
 * those), when the content has no such entity, or when building failed.
 */
struct hh_resource *hh_snapshot_answer(const struct hh_snapshot *s, const char *key, const struct hh_answer_of *w);

/*
 * Snapshots released on a thread that answers requests are not destroyed
 * there: destroying one frees a whole content version and then gives the
 * memory back with malloc_trim, which locks every malloc arena. The last
 * hh_ref_put queues it on the reaper of its options; the reloader destroys
 * what is queued (hh_reaper_reap), after each reload and each check.
 */
struct hh_reaper;
struct hh_reaper *hh_reaper_new(void);
/* Destroys every queued snapshot, then trims the heap when it destroyed any or trim is set. How many. */
size_t hh_reaper_reap(struct hh_reaper *r, int trim);
/* Reaps what is left, then frees the reaper (after the last snapshot is released). */
void hh_reaper_free(struct hh_reaper *r);

/* Static bytes served at /openapi.json (generated at build time). */
extern const char hh_openapi_json[];
extern const size_t hh_openapi_json_len;

#endif
