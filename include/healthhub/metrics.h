/*
 * metrics.h - counters and histograms for /metrics (Prometheus text format).
 * Recording is lock-free (relaxed atomics); rendering reads a consistent
 * enough view for monitoring.
 */
#ifndef HEALTHHUB_METRICS_H
#define HEALTHHUB_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "healthhub/router.h"

enum hh_cache_outcome {
	HH_CACHE_NONE = 0, /* not a cacheable request */
	HH_CACHE_HIT,      /* served from a prebuilt or cached response */
	HH_CACHE_MISS,     /* computed (and stored) */
	HH_CACHE__COUNT
};

const char *hh_cache_outcome_name(enum hh_cache_outcome o);

void hh_metrics_request(enum hh_route_id route, enum hh_method method, int status, uint64_t duration_ns,
			enum hh_cache_outcome cache);
void hh_metrics_db_error(void);
void hh_metrics_db_reconnect(void);
void hh_metrics_reload(int64_t content_version, int64_t at_ms, int ok);

/* The served content's entities not signed off, and whether only signed-off texts are served. */
void hh_metrics_signoff(size_t n_unapproved, int required);
int64_t hh_metrics_unapproved(void);

/* What became of one purge request (purge.c). */
enum hh_purge_result {
	HH_PURGE_OK = 0,    /* the cache answered 2xx */
	HH_PURGE_ERROR,     /* an attempt failed (it is retried) */
	HH_PURGE_ABANDONED, /* every retry failed */
	HH_PURGE_DROPPED,   /* the queue was full */
	HH_PURGE__COUNT
};
void hh_metrics_purge(enum hh_purge_result r);

/* Extra gauges the caller knows (cache sizes), rendered with the rest. */
struct hh_metrics_gauges {
	int ready;
	int db_up;
	size_t search_cache_size, triage_cache_size, list_cache_size;
	size_t search_index_bytes; /* the published snapshot's index */
	size_t inflight;
	size_t purge_queue; /* purge batches waiting or being retried */
};

/* The whole exposition as new malloc'd text. */
char *hh_metrics_render(const struct hh_metrics_gauges *g, size_t *len);

#endif
