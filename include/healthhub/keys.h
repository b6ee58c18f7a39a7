/*
 * keys.h - the one owner of cache keys.
 *
 * A key names one answer: the snapshot builder stores prebuilt answers
 * under these keys and the handlers look answers up (in the snapshot or an
 * LRU) under the same keys, so both sides call these functions and nothing
 * else formats a key. Keys are canonical: equivalent requests (parameters
 * in another order, search text with other spacing or case, defaults
 * spelled out or left out) give the same key. Pure functions, unit-tested.
 */
#ifndef HEALTHHUB_KEYS_H
#define HEALTHHUB_KEYS_H

#include <stddef.h>

#include "healthhub/common.h"
#include "healthhub/router.h"
#include "healthhub/triage.h"

#define HH_KEY_MAX 512 /* holds every key of a validated request */

/*
 * A validated list request, e.g. "/v1/causes?position=sitting": the path,
 * then the non-default parameters in a fixed order (limit and offset are
 * written for any page but the route's default first one, and with an
 * article search). 0, or -1 when buf (cap bytes) is too small.
 */
int hh_key_list(enum hh_route_id id, const struct hh_list_params *p, char *buf, size_t cap) HH_MUSTCHECK;

#define HH_LINK_MAX 1400 /* two links of a validated request, q percent-encoded */

/*
 * The RFC 8288 Link header value of a page of total matches, e.g.
 * '</v1/causes?limit=100&offset=0>; rel="prev", </v1/causes?limit=100&offset=200>; rel="next"'
 * (relative references; limit and offset spelled out). prev exists when
 * offset > 0 (a page past the end points back to the last page with items),
 * next when items remain after the page; "" when neither. Written here
 * because a link is a request in the same canonical order as a key.
 * 0, or -1 when buf (cap bytes) is too small.
 */
int hh_key_page_links(enum hh_route_id id, const struct hh_list_params *p, long long total, char *buf,
		      size_t cap) HH_MUSTCHECK;

/*
 * One item, e.g. "/v1/causes/poor-posture"; ld selects the article's
 * ld+json form ("/v1/articles/<slug>#ld"). id is ARTICLE, CAUSE or REMEDY.
 * 0, or -1 when buf is too small or id has no {slug}.
 */
int hh_key_item(enum hh_route_id id, const char *slug, int ld, char *buf, size_t cap) HH_MUSTCHECK;

/* The key of a route without parameters (/v1/symptoms, /openapi.json): static. */
const char *hh_key_fixed(enum hh_route_id id);

/*
 * A triage answer: the ruleset version and the normalised input, so an
 * answer (and its ETag) never outlives the rules that made it. buf must hold
 * HH_TRIAGE_KEY_MAX plus the version. 0, or -1 when buf is too small.
 */
int hh_key_triage(const char *ruleset_version, const struct hh_triage_input *in, char *buf, size_t cap) HH_MUSTCHECK;

/*
 * Appends the language and country of a variant ("es-US") to a key built
 * above, in place, for what is kept across snapshots (the LRUs): the same
 * search or triage in two languages are two answers. variant NULL (the
 * default language and country): the key is left as it was, so default
 * keys never change. 0, or -1 when it does not fit in cap.
 */
int hh_key_variant(char *buf, size_t cap, const char *variant) HH_MUSTCHECK;

/*
 * The key under which an answer built on demand from content version
 * `version` is kept in an LRU: key + "@" + version. A request that still
 * holds the previous snapshot may store its answer after a reload cleared
 * the LRU; naming the version keeps that stale answer from ever being found.
 * 0, or -1 when it does not fit in cap.
 */
int hh_key_versioned(const char *key, int64_t version, char *out, size_t cap) HH_MUSTCHECK;

#endif
