/*
 * http.c - the libmicrohttpd edge, and nothing else: per-request state,
 * the MHD callbacks, framing checks, sending prebuilt or built answers,
 * and starting a daemon. What to answer is decided in handlers.c and
 * ops.c; the server's lifecycle (threads, drain, signals) is serve.c's.
 */
#include "healthhub/http.h"

#include <arpa/inet.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>

#include "healthhub/handlers.h"
#include "healthhub/listen.h"
#include "healthhub/log.h"
#include "healthhub/negotiate.h"
#include "healthhub/problem.h"
#include "healthhub/ratelimit.h"
#include "healthhub/render.h"
#include "healthhub/triage_parse.h"

/* ============================================================= requests */

const char *hh_request_header(struct hh_request *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

int hh_request_rate_limited(struct hh_request *rq)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(rq->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char peer[INET6_ADDRSTRLEN] = "unknown", client[64];
	if (ci != NULL && ci->client_addr != NULL) {
		const struct sockaddr *sa = ci->client_addr;
		const void *addr = sa->sa_family == AF_INET6
					   ? (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr
					   : (const void *)&((const struct sockaddr_in *)sa)->sin_addr;
		if (inet_ntop(sa->sa_family, addr, peer, sizeof(peer)) == NULL)
			snprintf(peer, sizeof(peer), "unknown");
	}
	hh_client_address(peer, hh_request_header(rq, "X-Forwarded-For"), rq->srv->cfg->trusted_proxies, client,
			  sizeof(client));
	long wait = hh_ratelimit_take(rq->srv->limiter, client, hh_now_ns());
	if (wait > 0)
		snprintf(rq->retry_after, sizeof(rq->retry_after), "%ld", wait);
	return wait > 0;
}

/* ============================================================== sending */

int hh_headers_common(const struct hh_snapshot_options *o, struct MHD_Response *r)
{
	int ok = MHD_add_response_header(r, "X-Content-Type-Options", "nosniff") == MHD_YES &&
		 MHD_add_response_header(r, "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'") ==
			 MHD_YES &&
		 MHD_add_response_header(r, "Referrer-Policy", "no-referrer") == MHD_YES;
	if (ok && hh_cors_fixed_headers(o->cors, r) < 0)
		ok = 0;
	return ok ? 0 : -1;
}

/*
 * Per-request headers on a cacheable answer: only a CORS allow-list's
 * reflected origin (cors.h, with Vary: Origin) and Connection: close while
 * draining. Either makes a prebuilt response unusable for this request;
 * with the defaults neither applies and no response object is built.
 *
 * Never the request id: a shared cache stores a cacheable answer with its
 * headers and serves them to everyone, so one client's X-Request-Id (it may
 * carry anything) would reach the next clients. The id is in the log line,
 * and on the answers made for one request only (errors, no-store).
 */
static int needs_own_response(struct hh_request *rq)
{
	return rq->srv->cors.list || rq->close || atomic_load(&rq->srv->draining);
}

/* with_id: the answer is made for this request only (never stored by a shared cache). */
static int add_request_headers(struct hh_request *rq, struct MHD_Response *r, int with_id)
{
	int ok = 1;
	/* while draining, tell keep-alive clients not to send another request here; after a framing error, close */
	if (rq->close || atomic_load(&rq->srv->draining))
		ok = MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close") == MHD_YES;
	if (ok && with_id && rq->srv->cfg->echo_request_id)
		ok = MHD_add_response_header(r, "X-Request-Id", rq->id) == MHD_YES;
	if (ok)
		ok = hh_cors_request_headers(&rq->srv->cors, hh_request_header(rq, "Origin"), r) == 0;
	return ok ? 0 : -1;
}

/* Queues r (NULL: MHD_NO); destroy when r was made for this request only. */
static enum MHD_Result queue(struct hh_request *rq, int status, struct MHD_Response *r, int destroy)
{
	if (r == NULL)
		return MHD_NO;
	rq->status = status;
	enum MHD_Result rc = MHD_queue_response(rq->conn, (unsigned)status, r);
	if (destroy)
		MHD_destroy_response(r);
	return rc;
}

/* A response over body (malloc'd, stolen) with the headers every answer carries; NULL on failure. */
static struct MHD_Response *own_response(struct hh_request *rq, char *body, size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(body);
		return NULL;
	}
	if (hh_headers_common(&rq->srv->opts, r) < 0 || add_request_headers(rq, r, 1) < 0) {
		MHD_destroy_response(r);
		return NULL;
	}
	return r;
}

/*
 * RFC 9110 13.2.2: If-None-Match decides when present; only without it is
 * If-Modified-Since evaluated, and an unparsable date is ignored (13.1.3).
 */
static int not_modified(struct hh_request *rq, const struct hh_resource *res, const char *etag)
{
	const char *inm = hh_request_header(rq, MHD_HTTP_HEADER_IF_NONE_MATCH);
	if (inm != NULL)
		return hh_etag_match(inm, etag);
	const char *ims = hh_request_header(rq, MHD_HTTP_HEADER_IF_MODIFIED_SINCE);
	time_t since = 0;
	if (ims == NULL || res->modified <= 0 || hh_http_date_parse(ims, &since) < 0)
		return 0;
	return res->modified <= since;
}

enum MHD_Result hh_send_resource(struct hh_request *rq, struct hh_resource *res)
{
	int gz = hh_accepts_gzip(hh_request_header(rq, "Accept-Encoding")) && hh_resource_gzip(res);
	const char *etag = gz ? res->rend.etag_gz : res->rend.etag;
	int nm = not_modified(rq, res, etag);
	int status = nm ? MHD_HTTP_NOT_MODIFIED : MHD_HTTP_OK;
	struct MHD_Response *pre = nm ? NULL : hh_resource_ok(res, gz);
	if (!needs_own_response(rq) && pre != NULL) /* 304s are not prebuilt (snapshot.c): made below */
		return queue(rq, status, pre, 0);
	struct MHD_Response *r = hh_resource_response(res, gz, nm);
	if (r == NULL || add_request_headers(rq, r, 0) < 0) {
		if (r)
			MHD_destroy_response(r);
		return hh_send_internal(rq, "a per-request copy of a prebuilt answer could not be made");
	}
	return queue(rq, status, r, 1);
}

enum MHD_Result hh_send_bytes(struct hh_request *rq, int status, char *body, size_t len, const char *type,
			      const char *cache_control)
{
	struct MHD_Response *r = own_response(rq, body, len);
	if (r != NULL && (MHD_add_response_header(r, "Content-Type", type) != MHD_YES ||
			  MHD_add_response_header(r, "Cache-Control", cache_control) != MHD_YES ||
			  (rq->content_language != NULL &&
			   MHD_add_response_header(r, "Content-Language", rq->content_language) != MHD_YES))) {
		MHD_destroy_response(r);
		r = NULL;
	}
	return queue(rq, status, r, 1);
}

enum MHD_Result hh_send_json(struct hh_request *rq, int status, json_t *j, const char *cache_control)
{
	size_t len = 0;
	char *body = j ? hh_render_dump(j, &len) : NULL;
	json_decref(j);
	if (body == NULL)
		return hh_send_internal(rq, "a JSON answer could not be rendered");
	return hh_send_bytes(rq, status, body, len, HH_JSON_TYPE, cache_control);
}

enum MHD_Result hh_send_problem(struct hh_request *rq, const struct hh_error *e)
{
	/* the detail is private: a 500 is logged with it, and it is never sent */
	if (hh_error_status(e->kind) == 500)
		hh_error("internal error", "request_id", rq->id, "path", rq->path, "detail",
			 e->detail[0] ? e->detail : "(none given)");
	size_t len = 0;
	char *body = hh_problem_body(e, rq->path, rq->id, &len);
	if (body == NULL)
		return MHD_NO;
	char allow[HH_ALLOW_MAX];
	hh_route_allow(rq->route.id, allow, sizeof(allow));
	struct hh_problem_headers h = {.allow = allow,
				       .retry_after = rq->retry_after[0] ? rq->retry_after : rq->srv->retry_after};
	struct MHD_Response *r = own_response(rq, body, len);
	if (r != NULL && hh_problem_headers(e, &h, r) < 0) {
		MHD_destroy_response(r);
		r = NULL;
	}
	return queue(rq, hh_error_status(e->kind), r, 1);
}

enum MHD_Result hh_send_error(struct hh_request *rq, enum hh_error_kind kind, const char *message)
{
	struct hh_error e;
	hh_error_set(&e, kind, "%s", message);
	return hh_send_problem(rq, &e);
}

enum MHD_Result hh_send_internal(struct hh_request *rq, const char *detail)
{
	struct hh_error e;
	hh_error_set(&e, HH_E_INTERNAL, "The answer could not be prepared.");
	hh_error_private(&e, "%s", detail);
	return hh_send_problem(rq, &e);
}

enum MHD_Result hh_send_no_content(struct hh_request *rq, int (*extra)(struct hh_request *rq, struct MHD_Response *r))
{
	struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	if (hh_headers_common(&rq->srv->opts, r) < 0 || add_request_headers(rq, r, 1) < 0 || extra(rq, r) < 0) {
		MHD_destroy_response(r);
		return MHD_NO;
	}
	return queue(rq, 204, r, 1);
}

/* ============================================================== framing */

void hh_framing_add(struct hh_framing *f, const char *name, const char *value)
{
	if (name == NULL)
		return;
	if (strcasecmp(name, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
		if (f->content_lengths++ == 0)
			f->content_length = value;
	} else if (strcasecmp(name, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
		if (f->transfer_encodings++ == 0)
			f->transfer_encoding = value;
	}
}

/* RFC 9110 5.6.2 tchar */
static int is_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* 1 when v is one or more digits whose value fits 64 bits (no sign, no space, no list). */
static int plain_length(const char *v)
{
	uint64_t n = 0;
	if (v == NULL || *v == '\0')
		return 0;
	for (; *v; v++) {
		if (*v < '0' || *v > '9')
			return 0;
		unsigned d = (unsigned)(*v - '0');
		if (n > (UINT64_MAX - d) / 10)
			return 0;
		n = n * 10 + d;
	}
	return 1;
}

/*
 * The transfer codings of one Transfer-Encoding value: 0 for exactly one
 * "chunked", 501 when a well-formed coding other than chunked is named,
 * 400 for anything else (an empty list, chunked twice, not a token).
 */
static int te_verdict(const char *v, const char **why)
{
	int chunked = 0, unknown = 0, bad = 0;
	const char *p = v;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		const char *start = p;
		while (*p != '\0' && *p != ',')
			p++;
		const char *end = p;
		while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		size_t n = (size_t)(end - start);
		if (n == 7 && strncasecmp(start, "chunked", 7) == 0)
			chunked++;
		else if (n > 0) {
			for (const char *c = start; c < end; c++)
				if (!is_tchar((unsigned char)*c))
					bad = 1;
			unknown = 1;
		}
		if (*p == '\0')
			break;
		p++;
	}
	if (bad || (!unknown && chunked != 1)) {
		*why = "Transfer-Encoding must be exactly \"chunked\".";
		return 400;
	}
	if (unknown) {
		*why = "Only the chunked transfer coding is implemented.";
		return 501;
	}
	return 0;
}

int hh_framing_verdict(const struct hh_framing *f, int http10, const char **why)
{
	if (f->transfer_encodings > 0) {
		if (f->content_lengths > 0) {
			*why = "Content-Length and Transfer-Encoding must not both be sent.";
			return 400;
		}
		if (http10) {
			*why = "Transfer-Encoding is not allowed in an HTTP/1.0 request.";
			return 400;
		}
		if (f->transfer_encodings > 1) {
			*why = "Transfer-Encoding must be sent once.";
			return 400;
		}
		return te_verdict(f->transfer_encoding ? f->transfer_encoding : "", why);
	}
	if (f->content_lengths > 1) {
		*why = "Content-Length must be sent once.";
		return 400;
	}
	if (f->content_lengths == 1 && !plain_length(f->content_length)) {
		*why = "Content-Length must be a number of bytes.";
		return 400;
	}
	return 0;
}

/* ============================================================ callbacks */

struct header_scan {
	int bad_name;            /* a field name with white space in it */
	struct hh_framing frame; /* the framing fields, every instance */
};

static enum MHD_Result header_scan(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct header_scan *scan = cls;
	if (key != NULL && strpbrk(key, " \t") != NULL)
		scan->bad_name = 1;
	hh_framing_add(&scan->frame, key, value);
	return MHD_YES;
}

/*
 * Framing problems RFC 9112 says a server must refuse, checked before any
 * body byte is read: no Host on HTTP/1.1 (3.2), white space in a field name
 * (5.1), and a body whose end is uncertain (6: hh_framing_verdict), the
 * shape of request smuggling. The last closes the connection after the
 * answer (rq->close): its bytes can no longer be told from a next request.
 * MHD_get_connection_values walks every field as sent, duplicates included
 * (MHD_lookup_connection_value would see only the first). 0, or the status
 * to answer with *why.
 */
static int framing_problem(struct hh_request *rq, const char *version, const char **why)
{
	struct header_scan scan;
	memset(&scan, 0, sizeof(scan));
	MHD_get_connection_values(rq->conn, MHD_HEADER_KIND, header_scan, &scan);
	int status = hh_framing_verdict(&scan.frame, strcmp(version, MHD_HTTP_VERSION_1_0) == 0, why);
	if (status != 0) {
		rq->close = 1;
		return status;
	}
	if (scan.bad_name) {
		*why = "A header field name contains white space.";
		return 400;
	}
	if (strcmp(version, MHD_HTTP_VERSION_1_1) == 0 && hh_request_header(rq, MHD_HTTP_HEADER_HOST) == NULL) {
		*why = "HTTP/1.1 requests need a Host header.";
		return 400;
	}
	return 0;
}

/* Takes the client's X-Request-Id when it is printable ASCII that fits, so its logs and ours line up. */
static void take_request_id(struct hh_request *rq)
{
	const char *rid = hh_request_header(rq, "X-Request-Id");
	if (rid == NULL || rid[0] == '\0' || strlen(rid) >= sizeof(rq->id))
		return;
	for (const char *p = rid; *p; p++)
		if (*p < 0x21 || *p > 0x7e)
			return;
	snprintf(rq->id, sizeof(rq->id), "%s", rid);
	rq->id_from_client = 1;
}

/* The body limit of the request's route: free text takes up to 64 KiB (triage_parse.h). */
static long body_limit(const struct hh_request *rq)
{
	long limit = rq->srv->cfg->max_body_bytes;
	return rq->route.id == HH_ROUTE_TRIAGE_PARSE && limit < HH_PARSE_MAX_BODY ? HH_PARSE_MAX_BODY : limit;
}

/* The first call: route the request, and decide 413 from Content-Length before reading any body. */
static enum MHD_Result on_headers(struct hh_request *rq, const char *method, const char *version)
{
	struct hh_field_errors errs;
	hh_field_errors_init(&errs);
	struct hh_error e;
	rq->method = hh_method_parse(method);
	const char *why = NULL;
	int framing = framing_problem(rq, version, &why);
	if (framing != 0)
		return hh_send_error(rq, framing == 501 ? HH_E_NOT_IMPLEMENTED : HH_E_BAD_REQUEST, why);
	take_request_id(rq);
	if (rq->target_too_long)
		return hh_send_error(rq, HH_E_URI_TOO_LONG, "The request target is too long.");
	if (hh_target_parse(rq->target, rq->target_len, rq->path, sizeof(rq->path), &rq->query, &errs) < 0) {
		hh_error_set(&e, HH_E_BAD_REQUEST, "The request target could not be decoded.")->fields = &errs;
		return hh_send_problem(rq, &e);
	}
	hh_route_match(rq->path, &rq->route);
	const char *cl = hh_request_header(rq, MHD_HTTP_HEADER_CONTENT_LENGTH);
	long long n = 0;
	if (cl != NULL && hh_parse_int(cl, 0, INT64_MAX, &n) == 0 && n > body_limit(rq)) {
		hh_error_set(&e, HH_E_TOO_LARGE, "The body is larger than %ld bytes.", body_limit(rq));
		return hh_send_problem(rq, &e);
	}
	return MHD_YES;
}

static void on_body(struct hh_request *rq, const char *data, size_t n)
{
	if (rq->body_too_large)
		return;
	if (rq->body_len + n > (size_t)body_limit(rq)) {
		/* chunked bodies are counted too; the rest is read and dropped */
		rq->body_too_large = 1;
		free(rq->body);
		rq->body = NULL;
		rq->body_len = 0;
		return;
	}
	if (rq->body == NULL)
		rq->body = xmalloc((size_t)body_limit(rq) + 1);
	memcpy(rq->body + rq->body_len, data, n);
	rq->body_len += n;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size,
				  void **req_cls)
{
	(void)cls;
	(void)url;
	struct hh_request *rq = *req_cls;
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
	return hh_handle(rq);
}

/* Runs first for every request: the raw target is ours to parse. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct hh_request *rq = xmalloc(sizeof(*rq));
	memset(rq, 0, offsetof(struct hh_request, path));
	const struct hh_listener *l = cls;
	rq->admin = l->admin;
	rq->srv = l->srv;
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
	struct hh_server *srv = l->srv;
	uint64_t id = atomic_fetch_add_explicit(&srv->next_id, 1, memory_order_relaxed);
	snprintf(rq->id, sizeof(rq->id), "%s-%llu", srv->id_prefix, (unsigned long long)id);
	atomic_fetch_add(&srv->inflight, 1);
	atomic_store(&srv->last_request_ns, rq->start_ns);
	return rq;
}

/* Writes v in decimal at the end of buf (cap >= 21), returning where it starts: no printf on the hot path. */
static char *decimal(char *buf, size_t cap, uint64_t v)
{
	char *p = buf + cap - 1;
	*p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	return p;
}

/* One line per request; the numbers are formatted by hand (snprintf was most of a line's cost). */
static void access_log(const struct hh_request *rq, uint64_t ns)
{
	char status_buf[24], ms_buf[24], dur[32];
	uint64_t us = ns / 1000;
	const char *ms = decimal(ms_buf, sizeof(ms_buf), us / 1000);
	size_t n = strlen(ms);
	memcpy(dur, ms, n);
	dur[n] = '.';
	dur[n + 1] = (char)('0' + us % 1000 / 100);
	dur[n + 2] = (char)('0' + us % 100 / 10);
	dur[n + 3] = (char)('0' + us % 10);
	dur[n + 4] = '\0';
	const char *status = decimal(status_buf, sizeof(status_buf), (uint64_t)(rq->status > 0 ? rq->status : 0));
	hh_log_write(HH_LOG_INFO, "request", "request_id", rq->id, "method", hh_method_name(rq->method), "route",
		     hh_route_pattern(rq->route.id), "path", rq->path, "#status", status, "#duration_ms", dur, "cache",
		     hh_cache_outcome_name(rq->cache), NULL);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls, enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	struct hh_request *rq = *req_cls;
	if (rq == NULL)
		return;
	uint64_t ns = hh_now_ns() - rq->start_ns;
	if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && rq->status == 0)
		rq->status = 499; /* the client went away, or the request was cut off */
	hh_metrics_request(rq->route.id, rq->method, rq->status, ns, rq->cache);
	if (rq->srv->cfg->access_log && hh_log_threshold <= HH_LOG_INFO)
		access_log(rq, ns);
	free(rq->body);
	struct hh_server *srv = rq->srv;
	free(rq);
	*req_cls = NULL;
	atomic_store(&srv->last_request_ns, hh_now_ns()); /* an idle keep-alive connection is idle from here */
	atomic_fetch_sub(&srv->inflight, 1);
}

/* One open connection (MHD's socket context), listed in srv->conns. */
struct hh_conn {
	int fd;
	struct hh_conn *prev, *next;
};

/*
 * Every connection is listed from its start to its end, so that the drain
 * can see which ones hold a request not read yet. It ends here just before
 * libmicrohttpd closes its socket (having shut the write side down already,
 * MHD_connection_mark_closed_): when the client may still send, the socket
 * is kept and closed the lingering way (listen.h), so that the close does
 * not send RST.
 */
static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	struct hh_server *srv = ((const struct hh_listener *)cls)->srv;
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	struct hh_conn *c = *socket_context;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		c = xmalloc(sizeof(*c));
		*c = (struct hh_conn){.fd = ci ? ci->connect_fd : -1};
		pthread_mutex_lock(&srv->conns_lock);
		c->next = srv->conns;
		if (srv->conns)
			srv->conns->prev = c;
		srv->conns = c;
		pthread_mutex_unlock(&srv->conns_lock);
		*socket_context = c;
		return;
	}
	if (c != NULL) { /* unlisted before the socket closes: the drain never looks at a reused descriptor */
		pthread_mutex_lock(&srv->conns_lock);
		if (c->prev)
			c->prev->next = c->next;
		else
			srv->conns = c->next;
		if (c->next)
			c->next->prev = c->prev;
		pthread_mutex_unlock(&srv->conns_lock);
		free(c);
		*socket_context = NULL;
	}
	if (ci != NULL)
		hh_linger_keep(srv->linger, ci->connect_fd);
}

unsigned hh_http_unread_connections(struct hh_server *srv)
{
	unsigned n = 0;
	pthread_mutex_lock(&srv->conns_lock);
	for (const struct hh_conn *c = srv->conns; c != NULL; c = c->next) {
		int unread = 0;
		if (c->fd >= 0 && ioctl(c->fd, FIONREAD, &unread) == 0 && unread > 0)
			n++;
	}
	pthread_mutex_unlock(&srv->conns_lock);
	return n;
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

/* ============================================================ the daemon */

struct MHD_Daemon *hh_http_start(struct hh_server *srv, int fd, int admin)
{
	const struct hh_config *cfg = srv->cfg;
	struct hh_listener *l = &srv->listeners[admin ? 1 : 0];
	*l = (struct hh_listener){.srv = srv, .admin = admin};
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	return MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, NULL, MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
		MHD_OPTION_THREAD_POOL_SIZE, admin ? 2u : (unsigned int)cfg->threads, MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned int)cfg->connection_timeout, MHD_OPTION_CONNECTION_LIMIT, (unsigned int)cfg->connection_limit,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)cfg->per_ip_limit, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)cfg->connection_memory, MHD_OPTION_URI_LOG_CALLBACK, on_uri, l, MHD_OPTION_NOTIFY_COMPLETED,
		on_completed, NULL, MHD_OPTION_NOTIFY_CONNECTION, on_connection, l, MHD_OPTION_EXTERNAL_LOGGER, mhd_log,
		NULL, MHD_OPTION_END);
}
