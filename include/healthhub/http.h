/*
 * http.h - the libmicrohttpd edge: one request's state, the headers every
 * answer carries, and the ways an answer is sent (the server object they
 * share is server.h). Everything that decides *what* to answer
 * lives in handlers.c (content, search, triage, preflight), ops.c (health,
 * readiness, metrics), problem.c and cors.c.
 *
 * Threads: MHD's pool answers every request from the published snapshot
 * (searches from its index, search.h) and never touches the database, nor
 * waits for anything but the CPU. The reloader thread (reload.c) publishes new snapshots; after each
 * swap it diffs old and new and queues purges (purge.h), which a thread per
 * purge URL sends. With --admin-port a second daemon (a pool of 2) answers
 * the operational endpoints, and the public one answers them 404.
 */
#ifndef HEALTHHUB_HTTP_H
#define HEALTHHUB_HTTP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include <jansson.h>
#include <microhttpd.h>

#include "healthhub/cache.h"
#include "healthhub/config.h"
#include "healthhub/cors.h"
#include "healthhub/error.h"
#include "healthhub/metrics.h"
#include "healthhub/router.h"
#include "healthhub/server.h"
#include "healthhub/snapshot.h"

#define HH_TARGET_MAX 8192 /* longer request targets are answered 414 */
#define HH_PATH_MAX 1024
#define HH_JSON_TYPE "application/json; charset=utf-8" /* answers built per request */

/* Everything one request needs, from the request line to the completion callback. */
struct hh_request {
	struct hh_server *srv;
	uint64_t start_ns;
	struct MHD_Connection *conn;
	size_t target_len;
	int target_too_long;
	int seen; /* headers have been seen (second call onwards) */
	enum hh_method method;
	struct hh_route route;
	char *body; /* POST body, up to max_body_bytes */
	size_t body_len;
	int body_too_large;
	char id[40];
	int id_from_client;
	int admin; /* arrived on the --admin-port listener */
	int status;
	enum hh_cache_outcome cache;
	const struct hh_snapshot *root; /* the published snapshot a content handler runs under (borrowed) */
	char retry_after[24];           /* for a 429: seconds until the client's next token */
	enum hh_lang lang;              /* the answer's language (?lang=, Accept-Language, else en) */
	const char *country;            /* ?country= (borrowed from query), or NULL: the default */
	const char *content_language;   /* Content-Language of an answer sent as bytes, or NULL */
	int close; /* the answer closes the connection (a framing error: nothing after it is read) */
	/* Large buffers last: only the fields above are zeroed for each request. */
	char path[HH_PATH_MAX];
	struct hh_query query;
	char target[HH_TARGET_MAX];
};

/*
 * Starts a daemon on fd (a listening socket from hh_listen_open, owned by the
 * daemon from here; on failure the caller closes it) answering for srv.
 * admin: the --admin-port daemon (a pool of 2, the least that does not
 * stall; see config.c). NULL on failure (errno set).
 */
struct MHD_Daemon *hh_http_start(struct hh_server *srv, int fd, int admin);

/*
 * Open connections whose socket holds request bytes not read yet: a request
 * has begun arriving there, though no callback has seen it (the drain waits
 * for it to be answered rather than close the connection under it).
 */
unsigned hh_http_unread_connections(struct hh_server *srv);

/*
 * How a request says where its body ends (RFC 9112 6), checked before any
 * body byte is read: every Content-Length and Transfer-Encoding field as
 * sent, duplicates included. A pure core, fuzzed by tests/fuzz/fuzz_target.c.
 */
struct hh_framing {
	unsigned content_lengths;      /* Content-Length fields seen */
	unsigned transfer_encodings;   /* Transfer-Encoding fields seen */
	const char *content_length;    /* the first one's value (borrowed) */
	const char *transfer_encoding; /* the first one's value (borrowed) */
};
/* Counts one header field (name and value borrowed; names are case-insensitive). */
void hh_framing_add(struct hh_framing *f, const char *name, const char *value);
/*
 * 0 when the framing is sound; else the status to answer (400, or 501 for a
 * transfer coding we do not implement) with *why, a public message. Refused:
 * a repeated Content-Length, one that is not plain digits or does not fit 64
 * bits, a Transfer-Encoding other than exactly one "chunked", both fields,
 * and Transfer-Encoding on HTTP/1.0 (http10 non-zero).
 */
int hh_framing_verdict(const struct hh_framing *f, int http10, const char **why) HH_MUSTCHECK;

/* A request header's value (borrowed), or NULL. */
const char *hh_request_header(struct hh_request *rq, const char *name);
/* 1 when the client (after trusted proxies) has no token left; sets rq->retry_after. */
int hh_request_rate_limited(struct hh_request *rq);

/*
 * Adds the headers every answer carries, prebuilt (snapshot.c) or built per
 * request: the security headers, and CORS "*" when configured. 0 or -1.
 */
int hh_headers_common(const struct hh_snapshot_options *o, struct MHD_Response *r) HH_MUSTCHECK;

/* ---- sending: each returns what the MHD access handler must return */

/* A prebuilt or cached resource (borrowed): 304 on If-None-Match, gzip when accepted. */
enum MHD_Result hh_send_resource(struct hh_request *rq, struct hh_resource *res);
/* An answer built for this request only; steals body (malloc'd). */
enum MHD_Result hh_send_bytes(struct hh_request *rq, int status, char *body, size_t len, const char *type,
			      const char *cache_control);
/* j (stolen; NULL is a 500) as JSON. */
enum MHD_Result hh_send_json(struct hh_request *rq, int status, json_t *j, const char *cache_control);
/* A problem answer for e (borrowed); a 500 is logged with e's private detail. */
enum MHD_Result hh_send_problem(struct hh_request *rq, const struct hh_error *e);
/* Shorthand: a problem of kind with a public message and no detail or fields. */
enum MHD_Result hh_send_error(struct hh_request *rq, enum hh_error_kind kind, const char *message);
/* A 500 with the generic public message; detail (private) goes to the log only. */
enum MHD_Result hh_send_internal(struct hh_request *rq, const char *detail);
/* An empty 204 carrying the headers extra adds (for preflights); extra returns 0 or -1. */
enum MHD_Result hh_send_no_content(struct hh_request *rq, int (*extra)(struct hh_request *rq, struct MHD_Response *r));

#endif
