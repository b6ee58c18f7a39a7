/*
 * http.c - the libmicrohttpd edge: per-request state, dispatch, prebuilt
 * sends, problem responses, triage, database workers and shutdown.
 *
 * Threads: MHD's pool answers requests from the published snapshot and
 * never touches the database. Search requests that miss the cache are
 * suspended and handed to database workers, which resume them with an
 * answer. The reloader thread (reload.c) publishes new snapshots.
 */
#include "healthhub/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <microhttpd.h>

#include "healthhub/cache.h"
#include "healthhub/db.h"
#include "healthhub/error.h"
#include "healthhub/log.h"
#include "healthhub/metrics.h"
#include "healthhub/ratelimit.h"
#include "healthhub/reload.h"
#include "healthhub/render.h"
#include "healthhub/router.h"
#include "healthhub/snapshot.h"
#include "healthhub/triage.h"

#define TARGET_MAX 8192 /* longer request targets are answered 414 */
#define PATH_MAX_LEN 1024

static const char JSON_TYPE[] = "application/json; charset=utf-8"; /* answers built per request */

/* ================================================================ state */

struct job;

struct server {
	const struct hh_config *cfg;
	struct MHD_Daemon *daemon;
	pthread_mutex_t snap_lock;
	struct hh_snapshot *snap;     /* published snapshot (one reference) */
	struct hh_reload *reload;
	struct hh_lru *search_lru, *triage_lru, *list_lru;
	struct hh_ratelimit *limiter; /* NULL when rate limiting is off */
	atomic_int draining;          /* SIGTERM seen: not ready, every answer closes its connection */
	atomic_int stopping;          /* workers are to exit */
	atomic_size_t inflight;
	atomic_uint_fast64_t last_request_ns; /* when the last request started, for the drain */
	atomic_uint_fast64_t next_id;
	char id_prefix[16];
	/* database workers */
	pthread_mutex_t q_lock;
	pthread_cond_t q_cond;
	struct job *q_head, *q_tail;
	size_t q_len;
	pthread_t *workers;
	size_t n_workers;
	atomic_uint_fast64_t db_open_at_ns; /* circuit breaker: until then, searches fail fast */
	char retry_after[16];
};

static struct server srv;

/* Everything one request needs, from the request line to the completion callback. */
struct request {
	uint64_t start_ns;
	struct MHD_Connection *conn;
	size_t target_len;
	int target_too_long;
	int seen;                    /* headers have been seen (second call onwards) */
	enum hh_method method;
	struct hh_route route;
	char *body;                  /* POST body, up to max_body_bytes */
	size_t body_len;
	int body_too_large;
	char id[40];
	int id_from_client;
	int status;
	enum hh_cache_outcome cache;
	struct job *job;             /* a suspended search, until the worker resumes us */
	struct hh_resource *answer;  /* set by a worker before resuming */
	int answer_status;           /* or an error status the worker chose */
	char retry_after[24];        /* for a 429: seconds until the client's next token */
	/* Large buffers last: only the fields above are zeroed for each request. */
	char path[PATH_MAX_LEN];
	struct hh_query query;
	char target[TARGET_MAX];
};

/* ============================================================ snapshots */

static struct hh_snapshot *snapshot_get(void)
{
	pthread_mutex_lock(&srv.snap_lock);
	struct hh_snapshot *s = srv.snap;
	if (s)
		hh_ref_get(&s->ref);
	pthread_mutex_unlock(&srv.snap_lock);
	return s;
}

static void publish(struct hh_snapshot *snap, void *cls)
{
	(void)cls;
	pthread_mutex_lock(&srv.snap_lock);
	struct hh_snapshot *old = srv.snap;
	srv.snap = snap;
	pthread_mutex_unlock(&srv.snap_lock);
	/* answers computed from the old content must not outlive it */
	hh_lru_clear(srv.search_lru);
	hh_lru_clear(srv.triage_lru);
	hh_lru_clear(srv.list_lru);
	if (old)
		hh_ref_put(&old->ref);
}

static int is_ready(void)
{
	struct hh_snapshot *s = snapshot_get();
	int ready = s != NULL && !atomic_load(&srv.draining) && hh_reload_db_up(srv.reload);
	if (s)
		hh_ref_put(&s->ref);
	return ready;
}

/* ============================================================ responses */

static const char *header(struct request *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

/*
 * Per-request headers: X-Request-Id (always by default; with
 * --echo-request-id 0 only when the client sent one), and CORS allow-lists. With an allow-list every answer varies by Origin, even one
 * to a request without Origin, or a shared cache could hand an answer
 * without Access-Control-Allow-Origin to a listed page.
 */
static int needs_own_response(struct request *rq)
{
	const char *origins = srv.cfg->cors_origins;
	int allow_list = origins[0] != '\0' && strcmp(origins, "*") != 0;
	return srv.cfg->echo_request_id || rq->id_from_client || allow_list || atomic_load(&srv.draining);
}

static int origin_allowed(const char *origin)
{
	const char *list = srv.cfg->cors_origins;
	size_t n = strlen(origin);
	for (const char *p = list; *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		while (len && *p == ' ') {
			p++;
			len--;
		}
		while (len && p[len - 1] == ' ')
			len--;
		if (len == n && strncmp(p, origin, n) == 0)
			return 1;
		if (end == NULL)
			break;
		p = end + 1;
	}
	return 0;
}

static int add_request_headers(struct request *rq, struct MHD_Response *r)
{
	int ok = 1;
	/* while draining, tell keep-alive clients not to send another request here */
	if (atomic_load(&srv.draining))
		ok = MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close") == MHD_YES;
	/*
	 * Every answer built for this request names its id. With
	 * --echo-request-id 0, prebuilt cached answers are sent as they are
	 * unless the client sent an id (needs_own_response): a response object
	 * per request costs ~11% more CPU on the hot path.
	 */
	if (ok)
		ok = MHD_add_response_header(r, "X-Request-Id", rq->id) == MHD_YES;
	const char *list = srv.cfg->cors_origins;
	const char *origin = header(rq, "Origin");
	if (ok && list[0] && strcmp(list, "*") != 0) {
		ok = MHD_add_response_header(r, "Vary", "Origin") == MHD_YES;
		if (ok && origin && origin_allowed(origin))
			ok = MHD_add_response_header(r, "Access-Control-Allow-Origin", origin) == MHD_YES &&
			     MHD_add_response_header(r, "Access-Control-Expose-Headers",
						     "ETag, X-Request-Id, Retry-After") == MHD_YES;
	}
	return ok ? 0 : -1;
}

static enum MHD_Result queue(struct request *rq, int status, struct MHD_Response *r, int destroy)
{
	if (r == NULL)
		return MHD_NO;
	rq->status = status;
	enum MHD_Result rc = MHD_queue_response(rq->conn, (unsigned)status, r);
	if (destroy)
		MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result send_problem(struct request *rq, enum hh_error_kind kind, const char *detail,
				    const struct hh_field_errors *errs);

/* Sends a prebuilt (or cached) resource: 304 when If-None-Match matches, gzip when accepted. */
static enum MHD_Result send_resource(struct request *rq, struct hh_resource *res)
{
	int gz = res->rend.gz != NULL && hh_accepts_gzip(header(rq, "Accept-Encoding"));
	const char *etag = gz ? res->rend.etag_gz : res->rend.etag;
	int nm = hh_etag_match(header(rq, MHD_HTTP_HEADER_IF_NONE_MATCH), etag);
	int status = nm ? MHD_HTTP_NOT_MODIFIED : MHD_HTTP_OK;
	if (!needs_own_response(rq)) {
		struct MHD_Response *r = nm ? (gz ? res->not_modified_gz : res->not_modified) : (gz ? res->ok_gz : res->ok);
		return queue(rq, status, r, 0);
	}
	struct MHD_Response *r = hh_resource_response(res, gz, nm);
	if (r == NULL || add_request_headers(rq, r) < 0) {
		if (r)
			MHD_destroy_response(r);
		return send_problem(rq, HH_E_INTERNAL, "The answer could not be prepared.", NULL);
	}
	return queue(rq, status, r, 1);
}

/* A response built for this request only; takes body (malloc'd). */
static enum MHD_Result send_bytes(struct request *rq, int status, char *body, size_t len, const char *type,
				  const char *cache_control)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(body);
		return MHD_NO;
	}
	int ok = hh_headers_common(r) == 0 && add_request_headers(rq, r) == 0 &&
		 MHD_add_response_header(r, "Content-Type", type) == MHD_YES &&
		 MHD_add_response_header(r, "Cache-Control", cache_control) == MHD_YES;
	if (!ok) {
		MHD_destroy_response(r);
		return MHD_NO;
	}
	return queue(rq, status, r, 1);
}

static json_t *errors_json(const struct hh_field_errors *errs)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < errs->n; i++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "field", errs->v[i].field, "message", errs->v[i].message));
	return a;
}

static enum MHD_Result send_problem(struct request *rq, enum hh_error_kind kind, const char *detail,
				    const struct hh_field_errors *errs)
{
	int status = hh_error_status(kind);
	/* the path was checked for UTF-8 when decoded; "/" is the fallback should that ever fail */
	json_t *p = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s}", "type", hh_error_type(kind), "title",
			      hh_error_title(kind), "status", status, "detail", detail, "instance", rq->path[0] ? rq->path : "/",
			      "request_id", rq->id);
	if (p == NULL)
		p = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s}", "type", hh_error_type(kind), "title",
			      hh_error_title(kind), "status", status, "detail", detail, "instance", "/", "request_id", rq->id);
	if (p != NULL && errs != NULL && errs->n > 0)
		json_object_set_new(p, "errors", errors_json(errs));
	char *body = p ? json_dumps(p, JSON_COMPACT) : NULL;
	json_decref(p);
	if (body == NULL)
		return MHD_NO;
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(body);
		return MHD_NO;
	}
	int ok = hh_headers_common(r) == 0 && add_request_headers(rq, r) == 0 &&
		 MHD_add_response_header(r, "Content-Type", "application/problem+json") == MHD_YES &&
		 MHD_add_response_header(r, "Cache-Control", "no-store") == MHD_YES;
	if (ok && status == 405)
		ok = MHD_add_response_header(r, "Allow", hh_route_allow(rq->route.id)) == MHD_YES;
	if (ok && (status == 503 || status == 429))
		ok = MHD_add_response_header(r, "Retry-After", rq->retry_after[0] ? rq->retry_after : srv.retry_after) ==
		     MHD_YES;
	if (!ok) {
		MHD_destroy_response(r);
		return MHD_NO;
	}
	return queue(rq, status, r, 1);
}

static enum MHD_Result send_json(struct request *rq, int status, json_t *j, const char *cache_control)
{
	size_t len = 0;
	char *body = j ? hh_render_dump(j, &len) : NULL;
	json_decref(j);
	if (body == NULL)
		return send_problem(rq, HH_E_INTERNAL, "The answer could not be prepared.", NULL);
	return send_bytes(rq, status, body, len, JSON_TYPE, cache_control);
}

/* Sends the answer the LRU holds under key: 1 (with *rc) on a hit, 0 on a miss. */
static int send_from_lru(struct request *rq, struct hh_lru *lru, const char *key, enum MHD_Result *rc)
{
	struct hh_ref *hit = hh_lru_get(lru, key);
	rq->cache = hit ? HH_CACHE_HIT : HH_CACHE_MISS;
	if (hit == NULL)
		return 0;
	*rc = send_resource(rq, (struct hh_resource *)hit);
	hh_ref_put(hit);
	return 1;
}

/* Stores a freshly built answer (res: a new reference, stolen; NULL if building failed) in lru and sends it. */
static enum MHD_Result send_and_keep(struct request *rq, struct hh_lru *lru, const char *key, struct hh_resource *res)
{
	if (res == NULL)
		return send_problem(rq, HH_E_INTERNAL, "The answer could not be prepared.", NULL);
	hh_lru_put(lru, key, &res->ref);
	enum MHD_Result rc = send_resource(rq, res);
	hh_ref_put(&res->ref);
	return rc;
}

/* ========================================================= db workers */

enum job_kind { JOB_SEARCH_ARTICLES, JOB_SEARCH_CAUSES };

struct job {
	struct job *next;
	uint64_t queued_ns;
	enum job_kind kind;
	struct request *rq;
	struct hh_list_params params;
	char key[512];
};

static int enqueue(struct job *j)
{
	pthread_mutex_lock(&srv.q_lock);
	int ok = srv.q_len < (size_t)srv.cfg->queue_limit && !atomic_load(&srv.stopping);
	if (ok) {
		if (srv.q_tail)
			srv.q_tail->next = j;
		else
			srv.q_head = j;
		srv.q_tail = j;
		srv.q_len++;
		pthread_cond_signal(&srv.q_cond);
	}
	pthread_mutex_unlock(&srv.q_lock);
	return ok ? 0 : -1;
}

static struct job *dequeue(void)
{
	pthread_mutex_lock(&srv.q_lock);
	while (srv.q_head == NULL && !atomic_load(&srv.stopping))
		pthread_cond_wait(&srv.q_cond, &srv.q_lock);
	struct job *j = srv.q_head;
	if (j) {
		srv.q_head = j->next;
		if (srv.q_head == NULL)
			srv.q_tail = NULL;
		srv.q_len--;
	}
	pthread_mutex_unlock(&srv.q_lock);
	return j;
}

/* Renders the search hits from the snapshot's content. New reference or NULL. */
static struct hh_resource *render_hits(const struct hh_snapshot *s, const struct job *j,
				       const struct hh_search_result *hits)
{
	const struct hh_content *c = s->content;
	json_t *body = NULL;
	if (j->kind == JOB_SEARCH_ARTICLES) {
		const struct hh_article **items = xcalloc(hits->n + 1, sizeof(*items));
		size_t n = 0;
		for (size_t i = 0; i < hits->n; i++)
			if ((items[n] = hh_content_article(c, hits->slugs[i])) != NULL)
				n++;
		body = hh_render_article_list(c, items, n, hits->total);
		free(items);
	} else {
		const struct hh_cause **items = xcalloc(hits->n + 1, sizeof(*items));
		size_t n = 0;
		for (size_t i = 0; i < hits->n; i++)
			if ((items[n] = hh_content_cause(c, hits->slugs[i])) != NULL)
				n++;
		body = hh_render_cause_list(c, items, n);
		free(items);
	}
	return hh_resource_from_json(body);
}

static int run_search(struct hh_db *db, struct job *j, struct hh_search_result *hits, char *err, size_t errlen)
{
	const struct hh_list_params *p = &j->params;
	if (j->kind == JOB_SEARCH_ARTICLES)
		return hh_db_search_articles(db, p->q, (int)p->limit, (int)p->offset, hits, err, errlen);
	return hh_db_search_causes(db, p->q, p->position, p->region, hits, err, errlen);
}

#define BREAKER_NS 2000000000ull /* after a database failure, fail searches fast for this long */

/* A failed query or connect opens the breaker, so queued searches do not each wait out a timeout. */
static void db_failed(void)
{
	hh_metrics_db_error();
	atomic_store(&srv.db_open_at_ns, hh_now_ns() + BREAKER_NS);
}

/*
 * A job that waited longer than a query may take, or arrives while the
 * breaker is open, is answered 503 at once: its client has waited enough.
 */
static int give_up(const struct job *j)
{
	uint64_t now = hh_now_ns();
	uint64_t patience = (uint64_t)(srv.cfg->statement_timeout_ms + 1000) * 1000000ull;
	return now < atomic_load(&srv.db_open_at_ns) || now - j->queued_ns > patience;
}

static void work(struct hh_db **db, struct job *j)
{
	char err[256] = "";
	struct hh_search_result hits = {0};
	struct request *rq = j->rq;
	rq->answer_status = 503;
	if (give_up(j))
		return;
	if (!hh_db_usable(*db)) {
		hh_db_close(*db);
		*db = hh_db_connect(srv.cfg->database_url, (int)srv.cfg->statement_timeout_ms, err, sizeof(err));
		if (*db == NULL) {
			db_failed();
			hh_warn("search: database unavailable", "request_id", rq->id, "error", err);
			return;
		}
		hh_metrics_db_reconnect();
	}
	if (run_search(*db, j, &hits, err, sizeof(err)) < 0) {
		db_failed();
		hh_warn("search failed", "request_id", rq->id, "error", err);
		/* after a timeout the connection is mid-query: start afresh */
		hh_db_close(*db);
		*db = NULL;
		return;
	}
	struct hh_snapshot *s = snapshot_get();
	rq->answer = s ? render_hits(s, j, &hits) : NULL;
	if (s)
		hh_ref_put(&s->ref);
	hh_search_result_free(&hits);
	if (rq->answer) {
		rq->answer_status = 200;
		hh_lru_put(j->kind == JOB_SEARCH_ARTICLES ? srv.list_lru : srv.search_lru, j->key, &rq->answer->ref);
	} else {
		rq->answer_status = 500;
	}
}

static void *worker_main(void *arg)
{
	(void)arg;
	struct hh_db *db = NULL;
	struct job *j;
	while ((j = dequeue()) != NULL) {
		/* queued work is finished even while draining: its queries are bounded */
		work(&db, j);
		MHD_resume_connection(j->rq->conn);
	}
	hh_db_close(db);
	return NULL;
}

/* ============================================================ handlers */

static enum MHD_Result search(struct request *rq, enum job_kind kind, const struct hh_list_params *p,
			      const char *key)
{
	enum MHD_Result rc;
	if (send_from_lru(rq, kind == JOB_SEARCH_ARTICLES ? srv.list_lru : srv.search_lru, key, &rc))
		return rc;
	if (!hh_reload_db_up(srv.reload))
		return send_problem(rq, HH_E_UNAVAILABLE, "Search needs the database, which is not reachable. Try again soon.", NULL);
	struct job *j = xcalloc(1, sizeof(*j));
	j->kind = kind;
	j->queued_ns = hh_now_ns();
	j->rq = rq;
	j->params = *p;
	j->params.q = p->q ? j->params.norm_q : NULL;
	snprintf(j->key, sizeof(j->key), "%s", key);
	rq->job = j;
	MHD_suspend_connection(rq->conn);
	if (enqueue(j) < 0) {
		MHD_resume_connection(rq->conn);
		rq->answer_status = 503;
	}
	return MHD_YES;
}

/* Called again after a worker resumed the connection. */
static enum MHD_Result finish_search(struct request *rq)
{
	struct hh_resource *res = rq->answer;
	free(rq->job);
	rq->job = NULL;
	rq->answer = NULL;
	if (res == NULL)
		return send_problem(rq, rq->answer_status == 500 ? HH_E_INTERNAL : HH_E_UNAVAILABLE,
				    rq->answer_status == 500 ? "The answer could not be prepared."
							     : "Search needs the database, which is not reachable. Try again soon.",
				    NULL);
	enum MHD_Result rc = send_resource(rq, res);
	hh_ref_put(&res->ref);
	return rc;
}

/* Article pages other than the first default page, rendered from memory. */
static enum MHD_Result article_page(struct request *rq, const struct hh_snapshot *s, const struct hh_list_params *p,
				    const char *key)
{
	enum MHD_Result rc;
	if (send_from_lru(rq, srv.list_lru, key, &rc))
		return rc;
	const struct hh_content *c = s->content;
	const struct hh_article **items = xcalloc((size_t)p->limit + 1, sizeof(*items));
	size_t n = 0;
	for (size_t i = (size_t)p->offset; i < c->n_articles && n < (size_t)p->limit; i++)
		items[n++] = &c->articles[i];
	json_t *j = hh_render_article_list(c, items, n, (long long)c->n_articles);
	free(items);
	return send_and_keep(rq, srv.list_lru, key, hh_resource_from_json(j));
}

static int wants_ld(struct request *rq)
{
	const char *accept = header(rq, MHD_HTTP_HEADER_ACCEPT);
	return accept != NULL && strstr(accept, "application/ld+json") != NULL;
}

static enum MHD_Result content_list(struct request *rq, struct hh_snapshot *s)
{
	struct hh_field_errors errs;
	hh_field_errors_init(&errs);
	struct hh_list_params p;
	if (hh_list_params_parse(rq->route.id, &rq->query, &p, &errs) < 0)
		return send_problem(rq, HH_E_INVALID_PARAMETER, "A query parameter is not valid; see errors.", &errs);
	char key[512];
	hh_list_params_key(rq->route.id, &p, key, sizeof(key));
	if (p.q != NULL)
		return search(rq, rq->route.id == HH_ROUTE_ARTICLES ? JOB_SEARCH_ARTICLES : JOB_SEARCH_CAUSES, &p, key);
	struct hh_resource *res = hh_snapshot_get(s, key);
	if (res != NULL) {
		rq->cache = HH_CACHE_HIT;
		return send_resource(rq, res);
	}
	if (rq->route.id == HH_ROUTE_REMEDIES && p.cause != NULL) {
		hh_field_errors_add(&errs, "cause", "no cause has the slug \"%s\"", p.cause);
		return send_problem(rq, HH_E_VALIDATION, "The cause filter names no known cause.", &errs);
	}
	return article_page(rq, s, &p, key);
}

static enum MHD_Result content_item(struct request *rq, struct hh_snapshot *s)
{
	char key[160];
	const char *base = rq->route.id == HH_ROUTE_ARTICLE ? "/v1/articles/"
			   : rq->route.id == HH_ROUTE_CAUSE ? "/v1/causes/"
							     : "/v1/remedies/";
	int ld = rq->route.id == HH_ROUTE_ARTICLE && wants_ld(rq);
	snprintf(key, sizeof(key), "%s%s%s", base, rq->route.slug, ld ? "#ld" : "");
	struct hh_resource *res = hh_snapshot_get(s, key);
	if (res == NULL) {
		char detail[160];
		snprintf(detail, sizeof(detail), "Nothing is published under \"%s\".", rq->route.slug);
		return send_problem(rq, HH_E_NOT_FOUND, detail, NULL);
	}
	rq->cache = HH_CACHE_HIT;
	return send_resource(rq, res);
}

/* Endpoints without parameters refuse any, as the list endpoints refuse unknown ones. */
static enum MHD_Result refuse_parameters(struct request *rq)
{
	struct hh_field_errors errs;
	hh_field_errors_init(&errs);
	for (size_t i = 0; i < rq->query.n; i++)
		hh_field_errors_add(&errs, rq->query.v[i].key[0] ? rq->query.v[i].key : "query", "unknown parameter");
	return send_problem(rq, HH_E_INVALID_PARAMETER, "This endpoint takes no parameters.", &errs);
}

static enum MHD_Result content_get(struct request *rq)
{
	int lists = rq->route.id == HH_ROUTE_ARTICLES || rq->route.id == HH_ROUTE_CAUSES ||
		    rq->route.id == HH_ROUTE_REMEDIES;
	if (!lists && rq->query.n > 0)
		return refuse_parameters(rq);
	struct hh_snapshot *s = snapshot_get();
	if (s == NULL)
		return send_problem(rq, HH_E_UNAVAILABLE, "Content is not loaded yet. Try again soon.", NULL);
	enum MHD_Result rc;
	switch (rq->route.id) {
	case HH_ROUTE_ARTICLES:
	case HH_ROUTE_CAUSES:
	case HH_ROUTE_REMEDIES:
		rc = content_list(rq, s);
		break;
	case HH_ROUTE_SYMPTOMS:
	case HH_ROUTE_OPENAPI:
		rq->cache = HH_CACHE_HIT;
		rc = send_resource(rq, hh_snapshot_get(s, hh_route_pattern(rq->route.id)));
		break;
	default:
		rc = content_item(rq, s);
		break;
	}
	hh_ref_put(&s->ref);
	return rc;
}

/* The cache key (and so the ETag's scope) of a triage input: the ruleset version and the normalised input. */
static void triage_key(const struct hh_snapshot *s, const struct hh_triage_input *in, char *key, size_t cap)
{
	int n = snprintf(key, cap, "%s|", s->content->ruleset_version);
	hh_triage_input_key(in, key + n, cap - (size_t)n);
}

/* Evaluates in; a GET answer (cache_key set) is cacheable, a POST answer is no-store. */
static enum MHD_Result triage_answer(struct request *rq, const struct hh_snapshot *s,
				     const struct hh_triage_input *in, const char *cache_key)
{
	struct hh_triage_result result;
	hh_triage_eval(s->content, in, &result);
	size_t len = 0;
	char *body = hh_triage_render(s->content, &result, &len);
	if (body == NULL)
		return send_problem(rq, HH_E_INTERNAL, "The answer could not be prepared.", NULL);
	if (cache_key == NULL)
		return send_bytes(rq, 200, body, len, JSON_TYPE, "no-store");
	return send_and_keep(rq, srv.triage_lru, cache_key, hh_resource_json(body, len));
}

static enum MHD_Result triage_get(struct request *rq, struct hh_snapshot *s)
{
	struct hh_field_errors errs;
	hh_field_errors_init(&errs);
	struct hh_triage_input in;
	const char *keys[HH_MAX_PARAMS], *values[HH_MAX_PARAMS];
	for (size_t i = 0; i < rq->query.n; i++) {
		keys[i] = rq->query.v[i].key;
		values[i] = rq->query.v[i].value;
	}
	if (hh_triage_parse_query(s->content, keys, values, rq->query.n, &in, &errs) < 0)
		return send_problem(rq, HH_E_VALIDATION, "The triage request is not valid; see errors.", &errs);
	char key[HH_TRIAGE_KEY_MAX + 64];
	triage_key(s, &in, key, sizeof(key));
	enum MHD_Result rc;
	if (send_from_lru(rq, srv.triage_lru, key, &rc))
		return rc;
	return triage_answer(rq, s, &in, key);
}

static int json_media_type(const char *ct)
{
	if (ct == NULL)
		return 0;
	while (*ct == ' ')
		ct++;
	size_t n = strlen("application/json");
	return strncasecmp(ct, "application/json", n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static enum MHD_Result triage_post(struct request *rq, struct hh_snapshot *s)
{
	if (rq->body_too_large) {
		char detail[96];
		snprintf(detail, sizeof(detail), "The body is larger than %ld bytes.", srv.cfg->max_body_bytes);
		return send_problem(rq, HH_E_TOO_LARGE, detail, NULL);
	}
	if (!json_media_type(header(rq, MHD_HTTP_HEADER_CONTENT_TYPE)))
		return send_problem(rq, HH_E_UNSUPPORTED_MEDIA_TYPE, "Send the triage request as application/json.", NULL);
	struct hh_field_errors errs;
	hh_field_errors_init(&errs);
	struct hh_triage_input in;
	enum hh_error_kind kind = HH_E_VALIDATION;
	if (hh_triage_parse_json(s->content, rq->body ? rq->body : "", rq->body_len, &in, &kind, &errs) < 0)
		return send_problem(rq, kind,
				    kind == HH_E_MALFORMED_JSON ? "The body is not well-formed JSON."
								 : "The triage request is not valid; see errors.",
				    &errs);
	return triage_answer(rq, s, &in, NULL);
}

static enum MHD_Result triage(struct request *rq)
{
	struct hh_snapshot *s = snapshot_get();
	if (s == NULL)
		return send_problem(rq, HH_E_UNAVAILABLE, "The triage rules are not loaded yet. Try again soon.", NULL);
	enum MHD_Result rc = rq->method == HH_M_POST ? triage_post(rq, s) : triage_get(rq, s);
	hh_ref_put(&s->ref);
	return rc;
}

static enum MHD_Result operational(struct request *rq)
{
	if (rq->route.id == HH_ROUTE_HEALTHZ)
		return send_json(rq, 200, json_pack("{s:s}", "status", "ok"), "no-store");
	if (rq->route.id == HH_ROUTE_READYZ) {
		struct hh_snapshot *s = snapshot_get();
		int ready = is_ready();
		json_t *j = json_pack("{s:s, s:s, s:I}", "status", ready ? "ready" : "not ready", "database",
				      hh_reload_db_up(srv.reload) ? "up" : "down", "content_version",
				      (json_int_t)(s ? s->version : 0));
		if (s)
			hh_ref_put(&s->ref);
		return send_json(rq, ready ? 200 : 503, j, "no-store");
	}
	uint64_t hits, misses;
	struct hh_metrics_gauges g = {.ready = is_ready(), .db_up = hh_reload_db_up(srv.reload),
				      .inflight = atomic_load(&srv.inflight)};
	hh_lru_stats(srv.search_lru, &hits, &misses, &g.search_cache_size);
	hh_lru_stats(srv.triage_lru, &hits, &misses, &g.triage_cache_size);
	hh_lru_stats(srv.list_lru, &hits, &misses, &g.list_cache_size);
	pthread_mutex_lock(&srv.q_lock);
	g.queue_length = srv.q_len;
	pthread_mutex_unlock(&srv.q_lock);
	size_t len = 0;
	char *text = hh_metrics_render(&g, &len);
	return send_bytes(rq, 200, text, len, "text/plain; version=0.0.4; charset=utf-8", "no-store");
}

static enum MHD_Result preflight(struct request *rq)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	char max_age[24];
	snprintf(max_age, sizeof(max_age), "%ld", srv.cfg->cors_max_age);
	int ok = hh_headers_common(r) == 0 && add_request_headers(rq, r) == 0 &&
		 MHD_add_response_header(r, "Allow", hh_route_allow(rq->route.id)) == MHD_YES &&
		 MHD_add_response_header(r, "Cache-Control", "no-store") == MHD_YES;
	if (ok && srv.cfg->cors_origins[0])
		ok = MHD_add_response_header(r, "Access-Control-Allow-Methods", hh_route_allow(rq->route.id)) == MHD_YES &&
		     MHD_add_response_header(r, "Access-Control-Allow-Headers",
					     "Content-Type, If-None-Match, X-Request-Id, Accept") == MHD_YES &&
		     MHD_add_response_header(r, "Access-Control-Max-Age", max_age) == MHD_YES;
	if (!ok) {
		MHD_destroy_response(r);
		return MHD_NO;
	}
	return queue(rq, 204, r, 1);
}

/* ============================================================ dispatch */

static int operational_route(enum hh_route_id id)
{
	return id == HH_ROUTE_HEALTHZ || id == HH_ROUTE_READYZ || id == HH_ROUTE_METRICS;
}

/* Probes and scrapes are exempt: a limit must never make a healthy instance look dead. */
static int rate_limited(struct request *rq)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(rq->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char peer[INET6_ADDRSTRLEN] = "unknown", client[64];
	if (ci != NULL && ci->client_addr != NULL) {
		const struct sockaddr *sa = ci->client_addr;
		const void *addr = sa->sa_family == AF_INET6 ? (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr
							      : (const void *)&((const struct sockaddr_in *)sa)->sin_addr;
		if (inet_ntop(sa->sa_family, addr, peer, sizeof(peer)) == NULL)
			snprintf(peer, sizeof(peer), "unknown");
	}
	hh_client_address(peer, header(rq, "X-Forwarded-For"), srv.cfg->trusted_proxies, client, sizeof(client));
	long wait = hh_ratelimit_take(srv.limiter, client, hh_now_ns());
	if (wait > 0)
		snprintf(rq->retry_after, sizeof(rq->retry_after), "%ld", wait);
	return wait > 0;
}

static enum MHD_Result dispatch(struct request *rq)
{
	if (rq->route.id == HH_ROUTE_NOT_FOUND)
		return send_problem(rq, HH_E_NOT_FOUND, "No resource lives at this path.", NULL);
	if (srv.limiter != NULL && !operational_route(rq->route.id) && rate_limited(rq))
		return send_problem(rq, HH_E_RATE_LIMITED, "Too many requests from this client. Slow down.", NULL);
	if (rq->method == HH_M_OPTIONS)
		return preflight(rq);
	if (!(hh_route_methods(rq->route.id) & rq->method))
		return send_problem(rq, HH_E_METHOD_NOT_ALLOWED, "This method is not allowed on this resource.", NULL);
	switch (rq->route.id) {
	case HH_ROUTE_TRIAGE:
		return triage(rq);
	case HH_ROUTE_HEALTHZ:
	case HH_ROUTE_READYZ:
	case HH_ROUTE_METRICS:
		return operational(rq);
	default:
		return content_get(rq);
	}
}

static enum MHD_Result header_name_check(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	(void)value;
	int *bad = cls;
	if (key != NULL && strpbrk(key, " \t") != NULL)
		*bad = 1;
	return MHD_YES;
}

/*
 * Framing problems RFC 9112 says a server must refuse: no Host on HTTP/1.1
 * (3.2), white space in a field name (5.1), and Content-Length together with
 * Transfer-Encoding (6.1), the shape of request smuggling. NULL when fine.
 */
static const char *framing_problem(struct request *rq, const char *version)
{
	int bad_name = 0;
	MHD_get_connection_values(rq->conn, MHD_HEADER_KIND, header_name_check, &bad_name);
	if (bad_name)
		return "A header field name contains white space.";
	if (strcmp(version, MHD_HTTP_VERSION_1_1) == 0 && header(rq, MHD_HTTP_HEADER_HOST) == NULL)
		return "HTTP/1.1 requests need a Host header.";
	if (header(rq, MHD_HTTP_HEADER_CONTENT_LENGTH) != NULL && header(rq, MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL)
		return "Content-Length and Transfer-Encoding must not both be sent.";
	return NULL;
}

/* The first call: route the request, and decide 413 from Content-Length before reading any body. */
static enum MHD_Result on_headers(struct request *rq, const char *method, const char *version)
{
	struct hh_field_errors errs;
	hh_field_errors_init(&errs);
	rq->method = hh_method_parse(method);
	const char *framing = framing_problem(rq, version);
	if (framing != NULL)
		return send_problem(rq, HH_E_BAD_REQUEST, framing, NULL);
	const char *rid = header(rq, "X-Request-Id");
	if (rid != NULL && rid[0] && strlen(rid) < sizeof(rq->id)) {
		int ok = 1;
		for (const char *p = rid; *p; p++)
			ok &= (*p >= 0x21 && *p <= 0x7e);
		if (ok) {
			snprintf(rq->id, sizeof(rq->id), "%s", rid);
			rq->id_from_client = 1;
		}
	}
	if (rq->target_too_long)
		return send_problem(rq, HH_E_URI_TOO_LONG, "The request target is too long.", NULL);
	if (hh_target_parse(rq->target, rq->target_len, rq->path, sizeof(rq->path), &rq->query, &errs) < 0)
		return send_problem(rq, HH_E_BAD_REQUEST, "The request target could not be decoded.", &errs);
	hh_route_match(rq->path, &rq->route);
	const char *cl = header(rq, MHD_HTTP_HEADER_CONTENT_LENGTH);
	long long n = 0;
	if (cl != NULL && hh_parse_int(cl, 0, INT64_MAX, &n) == 0 && n > srv.cfg->max_body_bytes) {
		char detail[96];
		snprintf(detail, sizeof(detail), "The body is larger than %ld bytes.", srv.cfg->max_body_bytes);
		return send_problem(rq, HH_E_TOO_LARGE, detail, NULL);
	}
	return MHD_YES;
}

static void on_body(struct request *rq, const char *data, size_t n)
{
	if (rq->body_too_large)
		return;
	if (rq->body_len + n > (size_t)srv.cfg->max_body_bytes) {
		/* chunked bodies are counted too; the rest is read and dropped */
		rq->body_too_large = 1;
		free(rq->body);
		rq->body = NULL;
		rq->body_len = 0;
		return;
	}
	if (rq->body == NULL)
		rq->body = xmalloc((size_t)srv.cfg->max_body_bytes + 1);
	memcpy(rq->body + rq->body_len, data, n);
	rq->body_len += n;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size,
				  void **req_cls)
{
	(void)cls;
	(void)url;
	struct request *rq = *req_cls;
	if (rq == NULL)
		return MHD_NO;
	rq->conn = conn;
	if (!rq->seen) {
		rq->seen = 1;
		return on_headers(rq, method, version);
	}
	if (*upload_data_size > 0) {
		on_body(rq, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (rq->job != NULL)
		return finish_search(rq);
	return dispatch(rq);
}

/* Runs first for every request: the raw target is ours to parse. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	(void)cls;
	struct request *rq = xmalloc(sizeof(*rq));
	memset(rq, 0, offsetof(struct request, path));
	rq->path[0] = '\0';
	rq->query.n = 0;
	rq->start_ns = hh_now_ns();
	rq->conn = conn;
	rq->route.id = HH_ROUTE_NOT_FOUND; /* until the target is parsed: requests refused early count as unmatched */
	size_t n = strlen(uri);
	if (n >= sizeof(rq->target)) {
		rq->target_too_long = 1;
		n = 0;
	}
	memcpy(rq->target, uri, n);
	rq->target_len = n;
	uint64_t id = atomic_fetch_add_explicit(&srv.next_id, 1, memory_order_relaxed);
	snprintf(rq->id, sizeof(rq->id), "%s-%llu", srv.id_prefix, (unsigned long long)id);
	atomic_fetch_add(&srv.inflight, 1);
	atomic_store(&srv.last_request_ns, rq->start_ns);
	return rq;
}

static void access_log(const struct request *rq, uint64_t ns)
{
	char dur[32], status[16];
	snprintf(dur, sizeof(dur), "%.3f", (double)ns / 1e6);
	snprintf(status, sizeof(status), "%d", rq->status);
	static const char *const methods[] = {"GET", "HEAD", "POST", "OPTIONS", "OTHER"};
	int m = rq->method == HH_M_GET ? 0 : rq->method == HH_M_HEAD ? 1 : rq->method == HH_M_POST ? 2
					: rq->method == HH_M_OPTIONS ? 3 : 4;
	hh_log_write(HH_LOG_INFO, "request", "request_id", rq->id, "method", methods[m], "route",
		     hh_route_pattern(rq->route.id), "path", rq->path, "#status", status, "#duration_ms", dur, "cache",
		     hh_cache_outcome_name(rq->cache), NULL);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls, enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	struct request *rq = *req_cls;
	if (rq == NULL)
		return;
	uint64_t ns = hh_now_ns() - rq->start_ns;
	if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && rq->status == 0)
		rq->status = 499; /* the client went away, or the request was cut off */
	hh_metrics_request(rq->route.id, rq->method, rq->status, ns, rq->cache);
	if (srv.cfg->access_log && hh_log_threshold <= HH_LOG_INFO)
		access_log(rq, ns);
	if (rq->answer)
		hh_ref_put(&rq->answer->ref);
	free(rq->job);
	free(rq->body);
	free(rq);
	*req_cls = NULL;
	atomic_fetch_sub(&srv.inflight, 1);
}

static void mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t n = strlen(msg);
	while (n > 0 && msg[n - 1] == '\n')
		msg[--n] = '\0';
	hh_log(HH_LOG_DEBUG, "libmicrohttpd", "detail", msg);
}

/* ============================================================ lifecycle */

static int resolve(const char *host, long port, struct sockaddr_storage *ss, int *ipv6)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
	struct addrinfo *ai = NULL;
	char service[16];
	snprintf(service, sizeof(service), "%ld", port);
	if (getaddrinfo(host[0] ? host : NULL, service, &hints, &ai) != 0 || ai == NULL)
		return -1;
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*ipv6 = ai->ai_family == AF_INET6;
	freeaddrinfo(ai);
	return 0;
}

static struct MHD_Daemon *start_daemon(const struct hh_config *cfg)
{
	struct sockaddr_storage ss;
	int ipv6 = 0;
	if (resolve(cfg->host, cfg->port, &ss, &ipv6) < 0) {
		hh_error("cannot resolve the listen address", "host", cfg->host);
		return NULL;
	}
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	if (ipv6)
		flags |= MHD_USE_IPv6;
	return MHD_start_daemon(
		flags, (uint16_t)cfg->port, NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)cfg->threads, MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned int)cfg->connection_timeout, MHD_OPTION_CONNECTION_LIMIT, (unsigned int)cfg->connection_limit,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)cfg->per_ip_limit, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)cfg->connection_memory, MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL, MHD_OPTION_NOTIFY_COMPLETED,
		on_completed, NULL, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_LISTENING_ADDRESS_REUSE,
		(unsigned int)1, MHD_OPTION_END);
}

static int start_workers(const struct hh_config *cfg)
{
	srv.n_workers = (size_t)cfg->db_workers;
	srv.workers = xcalloc(srv.n_workers, sizeof(*srv.workers));
	for (size_t i = 0; i < srv.n_workers; i++)
		if (pthread_create(&srv.workers[i], NULL, worker_main, NULL) != 0) {
			srv.n_workers = i;
			return -1;
		}
	return 0;
}

static void stop_workers(void)
{
	pthread_mutex_lock(&srv.q_lock);
	atomic_store(&srv.stopping, 1);
	pthread_cond_broadcast(&srv.q_cond);
	pthread_mutex_unlock(&srv.q_lock);
	for (size_t i = 0; i < srv.n_workers; i++)
		pthread_join(srv.workers[i], NULL);
	free(srv.workers);
	srv.workers = NULL;
}

static void init_state(const struct hh_config *cfg)
{
	memset(&srv, 0, sizeof(srv));
	srv.cfg = cfg;
	pthread_mutex_init(&srv.snap_lock, NULL);
	pthread_mutex_init(&srv.q_lock, NULL);
	pthread_cond_init(&srv.q_cond, NULL);
	srv.search_lru = hh_lru_new((size_t)cfg->search_cache);
	srv.triage_lru = hh_lru_new((size_t)cfg->triage_cache);
	srv.list_lru = hh_lru_new((size_t)cfg->list_cache);
	srv.limiter = hh_ratelimit_new(cfg->rate_limit, cfg->rate_burst, 65536);
	snprintf(srv.id_prefix, sizeof(srv.id_prefix), "%x%04x", (unsigned)getpid(), (unsigned)(hh_wall_ms() & 0xffff));
	snprintf(srv.retry_after, sizeof(srv.retry_after), "%d", 2);
	static char cache_control[160];
	snprintf(cache_control, sizeof(cache_control), "public, max-age=%ld, stale-while-revalidate=%ld, stale-if-error=%ld",
		 cfg->max_age, cfg->stale_while_revalidate, cfg->stale_if_error);
	struct hh_header_policy hp = {.cors_any = strcmp(cfg->cors_origins, "*") == 0,
				      .cache_control = cache_control,
				      .public_url = cfg->public_url};
	hh_headers_init(&hp);
}

static void free_state(void)
{
	if (srv.snap)
		hh_ref_put(&srv.snap->ref);
	srv.snap = NULL;
	hh_lru_free(srv.search_lru);
	hh_lru_free(srv.triage_lru);
	hh_lru_free(srv.list_lru);
	hh_ratelimit_free(srv.limiter);
	pthread_mutex_destroy(&srv.snap_lock);
	pthread_mutex_destroy(&srv.q_lock);
	pthread_cond_destroy(&srv.q_cond);
}

#define DRAIN_QUIET_NS 500000000ull /* no request for this long: idle keep-alive connections may go */

static unsigned open_connections(void)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(srv.daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
	return i ? i->num_connections : 0;
}

/*
 * Stop accepting; answer what arrives on open connections with
 * "Connection: close"; finish when nothing is in flight and either every
 * connection has closed or none has sent a request for a moment (an idle
 * keep-alive client may still be about to); bounded by the shutdown timeout.
 */
static void drain(const struct hh_config *cfg)
{
	atomic_store(&srv.draining, 1);
	MHD_socket fd = MHD_quiesce_daemon(srv.daemon);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	uint64_t deadline = hh_now_ns() + (uint64_t)cfg->shutdown_timeout * 1000000000ull;
	while (hh_now_ns() < deadline) {
		uint64_t quiet = hh_now_ns() - atomic_load(&srv.last_request_ns);
		if (atomic_load(&srv.inflight) == 0 && (open_connections() == 0 || quiet >= DRAIN_QUIET_NS))
			break;
		usleep(10000);
	}
	char left[24];
	snprintf(left, sizeof(left), "%zu", atomic_load(&srv.inflight));
	hh_info("draining done", "#unfinished_requests", left);
	stop_workers(); /* resumes every suspended request before MHD stops */
	MHD_stop_daemon(srv.daemon);
}

static int wait_for_signal(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	int sig = 0;
	sigwait(&set, &sig);
	return sig;
}

int hh_http_serve(const struct hh_config *cfg)
{
	/* Block the stop signals in every thread; the main thread waits for them. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	const char *pub = cfg->public_url;
	size_t publen = strlen(pub);
	if (publen > 0 && ((strncmp(pub, "https://", 8) != 0 && strncmp(pub, "http://", 7) != 0) ||
			   pub[publen - 1] == '/' || strpbrk(pub, " \t\"<>") != NULL)) {
		hh_error("--public-url must be an absolute http(s) URL without a trailing slash", "public-url", pub);
		return 2;
	}
	init_state(cfg);
	hh_config_log(cfg, HH_CMD_SERVE);
	int rc = 1;
	srv.reload = hh_reload_start(cfg, publish, NULL);
	if (srv.reload == NULL || start_workers(cfg) < 0) {
		hh_error("cannot start threads", NULL);
		goto out;
	}
	srv.daemon = start_daemon(cfg);
	if (srv.daemon == NULL) {
		hh_error("cannot listen", "host", cfg->host, "error", strerror(errno));
		stop_workers();
		goto out;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv.daemon, MHD_DAEMON_INFO_BIND_PORT);
	char port[16];
	snprintf(port, sizeof(port), "%u", info ? (unsigned)info->port : (unsigned)cfg->port);
	hh_info("listening", "host", cfg->host, "#port", port);
	int sig = wait_for_signal();
	hh_info("stopping", "signal", sig == SIGINT ? "SIGINT" : "SIGTERM");
	drain(cfg);
	rc = 0;
	hh_info("stopped", NULL);
out:
	hh_reload_stop(srv.reload);
	free_state();
	return rc;
}
