/*
 * server.h - the server object: what `healthhub serve` sets up once and
 * every thread shares (the daemons, the published snapshot, the LRUs, the
 * rate limiter, the drain's counters). hh_serve (serve.c) owns the one
 * instance, a local of its own, and hands it by pointer to the daemons
 * (http.c), the reloader's publish callback and the handlers (rq->srv).
 */
#ifndef HEALTHHUB_SERVER_H
#define HEALTHHUB_SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "healthhub/cache.h"
#include "healthhub/config.h"
#include "healthhub/cors.h"
#include "healthhub/snapshot.h"

struct MHD_Daemon;
struct hh_purge;     /* purge.h */
struct hh_reload;    /* reload.h */
struct hh_ratelimit; /* ratelimit.h */
struct hh_linger;    /* listen.h: connections closed the lingering way */
struct hh_conn;      /* http.c: one open connection, for the drain */

/* What a request learns from the daemon it arrived on (on_uri's cls). */
struct hh_listener {
	struct hh_server *srv;
	int admin; /* 1: the --admin-port daemon */
};

/* One server: set up at start, shared by every thread. */
struct hh_server {
	const struct hh_config *cfg;
	struct MHD_Daemon *daemon;
	struct MHD_Daemon *admin_daemon; /* --admin-port: the operational endpoints only; NULL when off */
	int listen_fd;                   /* the public listening socket (the daemon's), for the drain; -1 after */
	struct hh_purge *purge;          /* --purge-url: NULL when off */
	pthread_mutex_t snap_lock;
	struct hh_snapshot *snap; /* published snapshot (one reference) */
	struct hh_reload *reload;
	struct hh_cache *search_lru, *triage_lru, *list_lru; /* bounded: least recently used go */
	struct hh_ratelimit *limiter;                        /* NULL when rate limiting is off */
	struct hh_cors cors;
	struct hh_snapshot_options opts; /* how every answer is built; outlives every snapshot */
	char cache_control[160];         /* opts.cache_control's bytes */
	atomic_int draining;             /* SIGTERM seen: not ready, every answer closes its connection */
	atomic_size_t inflight;
	atomic_uint_fast64_t last_request_ns; /* when a request last started or ended, for the drain */
	struct hh_linger *linger;             /* closes every connection of both daemons (listen.h) */
	pthread_mutex_t conns_lock;           /* conns; held while a socket of it is looked at */
	struct hh_conn *conns;                /* every open connection of both daemons */
	atomic_uint_fast64_t next_id;
	char id_prefix[16];
	char retry_after[16];            /* Retry-After of a 503 */
	struct hh_listener listeners[2]; /* public, admin: the daemons' cls */
};

/* The published snapshot: a new reference (hh_ref_put it), or NULL before the first load. serve.c */
struct hh_snapshot *hh_server_snapshot(struct hh_server *s);
/* 1 while content is loaded and the server is not draining (readiness). serve.c */
int hh_server_ready(struct hh_server *s);

#endif
