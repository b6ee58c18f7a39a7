/*
 * metrics.c - request counters by route, method and status; a latency
 * histogram by route; cache, database and reload counters.
 */
#include "healthhub/metrics.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "healthhub/log.h"
#include "healthhub/strbuf.h"

#define N_METHODS 5
#define N_STATUS 600
#define N_BUCKETS 14

static const double bucket_le[N_BUCKETS] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
					    0.025,  0.05,    0.1,    0.25,  0.5,    1,     5};
static const char *const method_names[N_METHODS] = {"GET", "HEAD", "POST", "OPTIONS", "OTHER"};

static atomic_uint_fast64_t requests[HH_ROUTE__COUNT][N_METHODS][N_STATUS];
static atomic_uint_fast64_t buckets[HH_ROUTE__COUNT][N_BUCKETS + 1];
static atomic_uint_fast64_t duration_sum_ns[HH_ROUTE__COUNT];
static atomic_uint_fast64_t cache[HH_ROUTE__COUNT][HH_CACHE__COUNT];
static atomic_uint_fast64_t db_errors, db_reconnects, reloads_ok, reloads_failed;
static atomic_int_fast64_t content_version, last_reload_ms, unapproved, require_approval;
static atomic_uint_fast64_t purges[HH_PURGE__COUNT];

const char *hh_cache_outcome_name(enum hh_cache_outcome o)
{
	static const char *const names[] = {"none", "hit", "miss"};
	return (unsigned)o < HH_CACHE__COUNT ? names[o] : "none";
}

static int method_index(enum hh_method m)
{
	switch (m) {
	case HH_M_GET: return 0;
	case HH_M_HEAD: return 1;
	case HH_M_POST: return 2;
	case HH_M_OPTIONS: return 3;
	default: return 4;
	}
}

void hh_metrics_request(enum hh_route_id route, enum hh_method method, int status, uint64_t duration_ns,
			enum hh_cache_outcome c)
{
	if ((unsigned)route >= HH_ROUTE__COUNT)
		route = HH_ROUTE_NOT_FOUND;
	if (status < 0 || status >= N_STATUS)
		status = 0;
	atomic_fetch_add_explicit(&requests[route][method_index(method)][status], 1, memory_order_relaxed);
	double secs = (double)duration_ns / 1e9;
	int b = 0;
	while (b < N_BUCKETS && secs > bucket_le[b])
		b++;
	atomic_fetch_add_explicit(&buckets[route][b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&duration_sum_ns[route], duration_ns, memory_order_relaxed);
	if (c != HH_CACHE_NONE)
		atomic_fetch_add_explicit(&cache[route][c], 1, memory_order_relaxed);
}

void hh_metrics_db_error(void)
{
	atomic_fetch_add_explicit(&db_errors, 1, memory_order_relaxed);
}

void hh_metrics_db_reconnect(void)
{
	atomic_fetch_add_explicit(&db_reconnects, 1, memory_order_relaxed);
}

void hh_metrics_signoff(size_t n_unapproved, int required)
{
	atomic_store(&unapproved, (int64_t)n_unapproved);
	atomic_store(&require_approval, required);
}

int64_t hh_metrics_unapproved(void)
{
	return atomic_load(&unapproved);
}

void hh_metrics_reload(int64_t version, int64_t at_ms, int ok)
{
	if (ok) {
		atomic_store(&content_version, version);
		atomic_store(&last_reload_ms, at_ms);
		atomic_fetch_add(&reloads_ok, 1);
	} else {
		atomic_fetch_add(&reloads_failed, 1);
	}
}

static const char *const purge_results[HH_PURGE__COUNT] = {"ok", "error", "abandoned", "dropped"};

void hh_metrics_purge(enum hh_purge_result r)
{
	if ((unsigned)r < HH_PURGE__COUNT)
		atomic_fetch_add_explicit(&purges[r], 1, memory_order_relaxed);
}

static long rss_bytes(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long pages = 0, resident = 0;
	if (f == NULL)
		return 0;
	if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
		resident = 0;
	fclose(f);
	return resident * 4096;
}

static void render_requests(struct hh_strbuf *b)
{
	hh_strbuf_appendf(b,
			  "# HELP healthhub_http_requests_total HTTP requests answered, by route, method and status.\n"
			  "# TYPE healthhub_http_requests_total counter\n");
	for (int r = 0; r < HH_ROUTE__COUNT; r++)
		for (int m = 0; m < N_METHODS; m++)
			for (int s = 0; s < N_STATUS; s++) {
				uint64_t v = atomic_load_explicit(&requests[r][m][s], memory_order_relaxed);
				if (v)
					hh_strbuf_appendf(b,
							  "healthhub_http_requests_total{route=\"%s\",method=\"%s\","
							  "status=\"%d\"} "
							  "%llu\n",
							  hh_route_pattern((enum hh_route_id)r), method_names[m], s,
							  (unsigned long long)v);
			}
}

static void render_latency(struct hh_strbuf *b)
{
	hh_strbuf_appendf(b,
			  "# HELP healthhub_http_request_duration_seconds Time from request line to response queued.\n"
			  "# TYPE healthhub_http_request_duration_seconds histogram\n");
	for (int r = 0; r < HH_ROUTE__COUNT; r++) {
		uint64_t cum = 0;
		const char *route = hh_route_pattern((enum hh_route_id)r);
		for (int i = 0; i <= N_BUCKETS; i++) {
			cum += atomic_load_explicit(&buckets[r][i], memory_order_relaxed);
			if (i < N_BUCKETS)
				hh_strbuf_appendf(
					b,
					"healthhub_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n",
					route, bucket_le[i], (unsigned long long)cum);
			else
				hh_strbuf_appendf(b,
						  "healthhub_http_request_duration_seconds_bucket{route=\"%s\",le=\"+"
						  "Inf\"} %llu\n",
						  route, (unsigned long long)cum);
		}
		hh_strbuf_appendf(b, "healthhub_http_request_duration_seconds_sum{route=\"%s\"} %.9f\n", route,
				  (double)atomic_load(&duration_sum_ns[r]) / 1e9);
		hh_strbuf_appendf(b, "healthhub_http_request_duration_seconds_count{route=\"%s\"} %llu\n", route,
				  (unsigned long long)cum);
	}
}

static void render_cache(struct hh_strbuf *b, const struct hh_metrics_gauges *g)
{
	hh_strbuf_appendf(b, "# HELP healthhub_cache_requests_total Cacheable requests by route and outcome.\n"
			     "# TYPE healthhub_cache_requests_total counter\n");
	for (int r = 0; r < HH_ROUTE__COUNT; r++)
		for (int c = HH_CACHE_HIT; c < HH_CACHE__COUNT; c++)
			hh_strbuf_appendf(b, "healthhub_cache_requests_total{route=\"%s\",outcome=\"%s\"} %llu\n",
					  hh_route_pattern((enum hh_route_id)r),
					  hh_cache_outcome_name((enum hh_cache_outcome)c),
					  (unsigned long long)atomic_load(&cache[r][c]));
	hh_strbuf_appendf(b,
			  "# HELP healthhub_cache_entries Entries held by each bounded cache.\n"
			  "# TYPE healthhub_cache_entries gauge\n"
			  "healthhub_cache_entries{cache=\"search\"} %zu\n"
			  "healthhub_cache_entries{cache=\"triage\"} %zu\n"
			  "healthhub_cache_entries{cache=\"list\"} %zu\n",
			  g->search_cache_size, g->triage_cache_size, g->list_cache_size);
}

char *hh_metrics_render(const struct hh_metrics_gauges *g, size_t *len)
{
	struct hh_strbuf b;
	hh_strbuf_init(&b, 16384);
	render_requests(&b);
	render_latency(&b);
	render_cache(&b, g);
	hh_strbuf_appendf(&b,
			  "# HELP healthhub_db_errors_total Failed database operations.\n"
			  "# TYPE healthhub_db_errors_total counter\nhealthhub_db_errors_total %llu\n"
			  "# HELP healthhub_db_reconnects_total Database connections re-established.\n"
			  "# TYPE healthhub_db_reconnects_total counter\nhealthhub_db_reconnects_total %llu\n"
			  "# HELP healthhub_db_up Whether the last database contact succeeded.\n"
			  "# TYPE healthhub_db_up gauge\nhealthhub_db_up %d\n",
			  (unsigned long long)atomic_load(&db_errors), (unsigned long long)atomic_load(&db_reconnects),
			  g->db_up);
	hh_strbuf_appendf(
		&b,
		"# HELP healthhub_content_version Content version being served.\n"
		"# TYPE healthhub_content_version gauge\nhealthhub_content_version %lld\n"
		"# HELP healthhub_content_last_reload_timestamp_seconds When the served content was loaded.\n"
		"# TYPE healthhub_content_last_reload_timestamp_seconds gauge\n"
		"healthhub_content_last_reload_timestamp_seconds %.3f\n"
		"# HELP healthhub_content_reloads_total Content reloads, by result.\n"
		"# TYPE healthhub_content_reloads_total counter\n"
		"healthhub_content_reloads_total{result=\"ok\"} %llu\n"
		"healthhub_content_reloads_total{result=\"failed\"} %llu\n"
		"# HELP healthhub_content_unapproved Served entities whose text is not signed off (healthhub "
		"pending).\n"
		"# TYPE healthhub_content_unapproved gauge\nhealthhub_content_unapproved %lld\n"
		"# HELP healthhub_require_approval 1 when only signed-off texts are served (--require-approval).\n"
		"# TYPE healthhub_require_approval gauge\nhealthhub_require_approval %lld\n",
		(long long)atomic_load(&content_version), (double)atomic_load(&last_reload_ms) / 1000.0,
		(unsigned long long)atomic_load(&reloads_ok), (unsigned long long)atomic_load(&reloads_failed),
		(long long)atomic_load(&unapproved), (long long)atomic_load(&require_approval));
	hh_strbuf_appendf(
		&b,
		"# HELP healthhub_cdn_purges_total Purge requests to shared caches (one per URL and batch of keys), by "
		"result: ok (2xx), error (failed attempt, retried), abandoned (retries used up), dropped (queue "
		"full).\n"
		"# TYPE healthhub_cdn_purges_total counter\n");
	for (int r = 0; r < HH_PURGE__COUNT; r++)
		hh_strbuf_appendf(&b, "healthhub_cdn_purges_total{result=\"%s\"} %llu\n", purge_results[r],
				  (unsigned long long)atomic_load(&purges[r]));
	hh_strbuf_appendf(&b,
			  "# HELP healthhub_cdn_purge_queue Purge batches waiting or being retried.\n"
			  "# TYPE healthhub_cdn_purge_queue gauge\nhealthhub_cdn_purge_queue %zu\n",
			  g->purge_queue);
	hh_strbuf_appendf(
		&b,
		"# HELP healthhub_ready Whether the instance is ready to serve.\n"
		"# TYPE healthhub_ready gauge\nhealthhub_ready %d\n"
		"# HELP healthhub_search_index_bytes Size of the served content's search index (both languages).\n"
		"# TYPE healthhub_search_index_bytes gauge\nhealthhub_search_index_bytes %zu\n"
		"# HELP healthhub_http_inflight_requests Requests being handled.\n"
		"# TYPE healthhub_http_inflight_requests gauge\nhealthhub_http_inflight_requests %zu\n"
		"# HELP healthhub_process_resident_memory_bytes Resident set size.\n"
		"# TYPE healthhub_process_resident_memory_bytes gauge\nhealthhub_process_resident_memory_bytes %ld\n",
		g->ready, g->search_index_bytes, g->inflight, rss_bytes());
	hh_strbuf_appendf(
		&b,
		"# HELP healthhub_log_lines_dropped_total Log lines dropped because stderr did not take them in time.\n"
		"# TYPE healthhub_log_lines_dropped_total counter\nhealthhub_log_lines_dropped_total %llu\n",
		(unsigned long long)hh_log_dropped());
	return hh_strbuf_steal(&b, len);
}
