/*
 * ops.c - /healthz, /readyz and /metrics (see ops.h).
 */
#include "healthhub/ops.h"

#include "healthhub/search.h"
#include "healthhub/metrics.h"
#include "healthhub/purge.h"
#include "healthhub/reload.h"

enum MHD_Result hh_ops_healthz(struct hh_request *rq)
{
	return hh_send_json(rq, 200, json_pack("{s:s}", "status", "ok"), "no-store");
}

/*
 * Ready follows this instance only (hh_server_ready): every instance shares
 * the database, so following it would take every instance out of rotation
 * at once while cached content is exactly what should keep being served.
 * The database's state is in the body (and healthhub_db_up), for people.
 */
enum MHD_Result hh_ops_readyz(struct hh_request *rq)
{
	struct hh_snapshot *s = hh_server_snapshot(rq->srv);
	int ready = hh_server_ready(rq->srv);
	json_t *j = json_pack("{s:s, s:s, s:I, s:I}", "status", ready ? "ready" : "not ready", "database",
			      hh_reload_db_up(rq->srv->reload) ? "up" : "down", "content_version",
			      (json_int_t)(s ? s->version : 0), "unapproved", (json_int_t)hh_metrics_unapproved());
	if (s)
		hh_ref_put(&s->ref);
	return hh_send_json(rq, ready ? 200 : 503, j, "no-store");
}

enum MHD_Result hh_ops_metrics(struct hh_request *rq)
{
	struct hh_server *srv = rq->srv;
	uint64_t hits, misses;
	struct hh_metrics_gauges g = {.ready = hh_server_ready(srv),
				      .db_up = hh_reload_db_up(srv->reload),
				      .inflight = atomic_load(&srv->inflight),
				      .purge_queue = hh_purge_pending(srv->purge)};
	hh_cache_stats(srv->search_lru, &hits, &misses, &g.search_cache_size);
	hh_cache_stats(srv->triage_lru, &hits, &misses, &g.triage_cache_size);
	hh_cache_stats(srv->list_lru, &hits, &misses, &g.list_cache_size);
	struct hh_snapshot *s = hh_server_snapshot(srv);
	g.search_index_bytes = s != NULL ? hh_search_bytes(atomic_load(&s->search)) : 0;
	if (s != NULL)
		hh_ref_put(&s->ref);
	size_t len = 0;
	char *text = hh_metrics_render(&g, &len);
	if (text == NULL)
		return hh_send_internal(rq, "rendering the metrics failed");
	return hh_send_bytes(rq, 200, text, len, "text/plain; version=0.0.4; charset=utf-8", "no-store");
}
