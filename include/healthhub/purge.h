/*
 * purge.h - telling shared caches what changed.
 *
 * After an instance publishes a new snapshot, the surrogate keys of every
 * answer whose bytes changed, appeared or vanished are sent to each purge
 * URL as "PURGE <path>" with the keys in an "xkey-purge" header (what
 * docker/varnish/default.vcl reads). Each instance purges after its own
 * swap: a cache that refetched from an instance still on the old version
 * is purged again when that instance swaps, so no old answer outlives the
 * last instance's swap. A fetch still in flight when that last purge
 * arrives would store the old answer just after it: so each successful
 * purge is sent once more half a second later.
 *
 * Threads: hh_purge_keys runs on the reloader thread, after
 * hh_snapshot_changed_keys (snapshot.h) said what changed: it queues and
 * never waits on the network; one thread per purge URL resolves its name,
 * connects and sends, with timeouts and capped exponential backoff, so a
 * slow or dead cache delays no purge to another. Each queue is bounded:
 * when full, a batch is dropped and counted. Nothing on a request thread
 * ever waits for a purge.
 */
#ifndef HEALTHHUB_PURGE_H
#define HEALTHHUB_PURGE_H

#include <stddef.h>

#include "healthhub/common.h"

struct hh_purge;

#define HH_PURGE_HEADER "xkey-purge"
#define HH_PURGE_BATCH 3000 /* bytes of keys per request: well under Varnish's 8 KiB header limit */

/*
 * Checks a comma-separated list of http:// URLs ("" = none). 0, or -1 with
 * a message in why (cap bytes).
 */
int hh_purge_urls_check(const char *urls, char *why, size_t cap) HH_MUSTCHECK;

/*
 * Starts a purge thread per URL in urls (borrowed; must outlive it; checked by
 * hh_purge_urls_check). NULL when urls is "" (purging off) or on failure.
 */
struct hh_purge *hh_purge_start(const char *urls, size_t queue_limit);
/* Stops the threads (each waits at most for one attempt's timeouts) and frees p. NULL is allowed. */
void hh_purge_stop(struct hh_purge *p);

/* Queues a purge of keys (space-separated, borrowed) to every URL. Never blocks on the network. */
void hh_purge_keys(struct hh_purge *p, const char *keys);

/* Number of batches waiting or being retried, over every URL. */
size_t hh_purge_pending(struct hh_purge *p);

#endif
