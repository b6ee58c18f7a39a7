/*
 * ratelimit.h - per-client token buckets, bounded in memory.
 *
 * Clients hash into a fixed table of slots; a slot remembers its client's
 * key, so a collision resets the bucket rather than sharing it (a newcomer
 * starts full: erring toward serving). Time is passed in, so the module is
 * pure and unit-tested without sleeping.
 */
#ifndef HEALTHHUB_RATELIMIT_H
#define HEALTHHUB_RATELIMIT_H

#include <stdint.h>

#include "healthhub/common.h"

struct hh_ratelimit;

/* Slots are locked in this many stripes; a slot's stripe is its index modulo this. */
#define HH_RATELIMIT_STRIPES 64

/*
 * rate: tokens per second (> 0); burst: bucket size; slots: table size, a
 * multiple of HH_RATELIMIT_STRIPES (every stripe guards as many slots).
 * New, or NULL when rate is 0 or slots is not such a multiple.
 */
struct hh_ratelimit *hh_ratelimit_new(double rate, long burst, unsigned slots);
void hh_ratelimit_free(struct hh_ratelimit *r);
/*
 * Takes one token for client at now_ns. Returns 0 when allowed; otherwise
 * the whole seconds until a token is due (>= 1), for Retry-After.
 */
long hh_ratelimit_take(struct hh_ratelimit *r, const char *client, uint64_t now_ns);

/*
 * The client address to limit: the peer, unless the peer is one of the
 * trusted proxies (comma-separated), in which case the right-most address of
 * X-Forwarded-For that is not itself a trusted proxy. Writes to out.
 */
void hh_client_address(const char *peer, const char *forwarded_for, const char *trusted, char *out, size_t cap);

#endif
