/*
 * serve.c - `healthhub serve`: the server's lifecycle. Opens the listeners
 * (a port in use is an error before anything starts), starts the purger,
 * the reloader, the database pool and the daemons, publishes each new
 * snapshot, waits for SIGINT/SIGTERM, drains and stops. The HTTP edge
 * itself is http.c.
 */
#include "healthhub/serve.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "healthhub/http.h"
#include "healthhub/listen.h"
#include "healthhub/log.h"
#include "healthhub/purge.h"
#include "healthhub/ratelimit.h"
#include "healthhub/reload.h"
#include "healthhub/server.h"

/* ============================================================ snapshots */

struct hh_snapshot *hh_server_snapshot(struct hh_server *s)
{
	pthread_mutex_lock(&s->snap_lock);
	struct hh_snapshot *snap = s->snap;
	if (snap)
		hh_ref_get(&snap->ref);
	pthread_mutex_unlock(&s->snap_lock);
	return snap;
}

static void publish(struct hh_snapshot *snap, void *cls)
{
	struct hh_server *s = cls;
	pthread_mutex_lock(&s->snap_lock);
	struct hh_snapshot *old = s->snap;
	s->snap = snap;
	pthread_mutex_unlock(&s->snap_lock);
	/* answers computed from the old content must not outlive it */
	hh_cache_clear(s->search_lru);
	hh_cache_clear(s->triage_lru);
	hh_cache_clear(s->list_lru);
	/*
	 * Purge after our own swap, never before: a cache that refetches from
	 * here from now on gets the new bytes, and one that refetched from an
	 * instance still on the old version is purged again when that one
	 * swaps. Diffing runs here, on the reloader thread; sending is on the
	 * purge thread.
	 */
	if (old && s->purge) {
		char *keys = hh_snapshot_changed_keys(old, snap);
		if (keys[0] != '\0')
			hh_purge_keys(s->purge, keys);
		free(keys);
	}
	if (old)
		hh_ref_put(&old->ref);
}

/*
 * Ready means this instance can answer: it holds content and is not
 * draining. The database is deliberately left out: every instance shares
 * it, so following it would take every instance out of a load balancer at
 * once, while cached content is exactly what should keep being served.
 */
int hh_server_ready(struct hh_server *s)
{
	struct hh_snapshot *snap = hh_server_snapshot(s);
	int ready = snap != NULL && !atomic_load(&s->draining);
	if (snap)
		hh_ref_put(&snap->ref);
	return ready;
}

/* ============================================================ lifecycle */

static void init_state(struct hh_server *srv, const struct hh_config *cfg)
{
	memset(srv, 0, sizeof(*srv));
	srv->listen_fd = -1;
	srv->cfg = cfg;
	pthread_mutex_init(&srv->snap_lock, NULL);
	pthread_mutex_init(&srv->conns_lock, NULL);
	srv->search_lru = hh_cache_new((size_t)cfg->search_cache, 0);
	srv->triage_lru = hh_cache_new((size_t)cfg->triage_cache, 0);
	srv->list_lru = hh_cache_new((size_t)cfg->list_cache, 0);
	srv->limiter = hh_ratelimit_new(cfg->rate_limit, cfg->rate_burst, 65536);
	snprintf(srv->id_prefix, sizeof(srv->id_prefix), "%x%04x", (unsigned)getpid(),
		 (unsigned)(hh_wall_ms() & 0xffff));
	snprintf(srv->retry_after, sizeof(srv->retry_after), "%d", 2);
	char smax[40] = "";
	if (cfg->s_maxage >= 0)
		snprintf(smax, sizeof(smax), ", s-maxage=%ld", cfg->s_maxage);
	snprintf(srv->cache_control, sizeof(srv->cache_control),
		 "public, max-age=%ld%s, stale-while-revalidate=%ld, stale-if-error=%ld", cfg->max_age, smax,
		 cfg->stale_while_revalidate, cfg->stale_if_error);
	hh_cors_init(&srv->cors, cfg->cors_origins, cfg->cors_max_age);
	srv->opts = (struct hh_snapshot_options){.cors = &srv->cors,
						 .cache_control = srv->cache_control,
						 .public_url = cfg->public_url,
						 .default_country = cfg->country,
						 .reaper = hh_reaper_new()};
}

static void free_state(struct hh_server *srv)
{
	if (srv->snap)
		hh_ref_put(&srv->snap->ref);
	srv->snap = NULL;
	hh_cache_free(srv->search_lru);
	hh_cache_free(srv->triage_lru);
	hh_cache_free(srv->list_lru);
	hh_ratelimit_free(srv->limiter);
	hh_linger_stop(srv->linger); /* NULL after a drain, which stops it once the daemons are gone */
	srv->linger = NULL;
	pthread_mutex_destroy(&srv->snap_lock);
	pthread_mutex_destroy(&srv->conns_lock);
	hh_reaper_free(srv->opts.reaper); /* last: the reloader, requests and workers have let every snapshot go */
	srv->opts.reaper = NULL;
}

#define DRAIN_QUIET_NS 1000000000ull   /* no request begun or ended for this long: idle connections may go */
#define QUEUE_WAIT_MIN_NS 100000000ull /* handshakes under way when SYNs stop complete within a round trip */
#define QUEUE_WAIT_MAX_NS 1000000000ull

static unsigned open_connections(struct hh_server *srv)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
	return i ? i->num_connections : 0;
}

/*
 * Stops taking connections without resetting one. Every connection the
 * kernel completed is in the listening socket's accept queue, and its
 * client may have sent a request already: closing the socket would reset
 * them all. So new SYNs are refused first (listen.h), the daemon accepts
 * what is queued, and only an empty queue is closed. A client connecting
 * meanwhile retries its SYN and is refused once the socket is closed.
 */
static void stop_accepting(struct hh_server *srv)
{
	uint64_t t0 = hh_now_ns();
	if (hh_listen_refuse_new(srv->listen_fd) == 0) {
		while (hh_now_ns() - t0 < QUEUE_WAIT_MAX_NS) {
			long queued = hh_listen_queued(srv->listen_fd);
			if (queued < 0 || (queued == 0 && hh_now_ns() - t0 >= QUEUE_WAIT_MIN_NS))
				break;
			usleep(2000);
		}
	} else {
		hh_warn("cannot refuse new connections before closing the listener: those queued are reset", "error",
			strerror(errno));
	}
	MHD_socket fd = MHD_quiesce_daemon(srv->daemon);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	srv->listen_fd = -1;
}

/*
 * After SIGTERM: readiness says 503 and every answer says "Connection:
 * close" (http.c), so each kept-alive client sends at most one more
 * request, which is answered. New connections stop (stop_accepting). The
 * drain ends when nothing is in flight, no socket holds a request not read
 * yet, and either every connection has closed or none has begun or ended a
 * request for DRAIN_QUIET_NS (a kept-alive connection idle since before
 * SIGTERM may never send again); bounded by the shutdown timeout. Connections libmicrohttpd closes then
 * end the lingering way (listen.h), so none is reset under an answer.
 */
static void drain(struct hh_server *srv, const struct hh_config *cfg)
{
	atomic_store(&srv->draining, 1);
	atomic_store(&srv->last_request_ns, hh_now_ns());
	stop_accepting(srv);
	uint64_t deadline = hh_now_ns() + (uint64_t)cfg->shutdown_timeout * 1000000000ull;
	while (hh_now_ns() < deadline) {
		uint64_t quiet = hh_now_ns() - atomic_load(&srv->last_request_ns);
		if (atomic_load(&srv->inflight) == 0 && (open_connections(srv) == 0 || quiet >= DRAIN_QUIET_NS) &&
		    hh_http_unread_connections(srv) == 0)
			break;
		usleep(10000);
	}
	char left[24], conns[24], lingering[24];
	snprintf(left, sizeof(left), "%zu", atomic_load(&srv->inflight));
	snprintf(conns, sizeof(conns), "%u", open_connections(srv));
	snprintf(lingering, sizeof(lingering), "%zu", hh_linger_count(srv->linger));
	hh_info("draining done", "#unfinished_requests", left, "#idle_connections", conns, "#lingering_closes",
		lingering);
	MHD_stop_daemon(srv->daemon);
	if (srv->admin_daemon)
		MHD_stop_daemon(srv->admin_daemon);
	hh_linger_stop(srv->linger); /* the last closes: at most HH_LINGER_MS */
	srv->linger = NULL;
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

/* --public-url goes into every ld+json link: refuse one that would make broken links. */
static int public_url_ok(const char *pub)
{
	size_t n = strlen(pub);
	if (n == 0)
		return 1;
	int scheme = strncmp(pub, "https://", 8) == 0 || strncmp(pub, "http://", 7) == 0;
	return scheme && pub[n - 1] != '/' && strpbrk(pub, " \t\"<>") == NULL;
}

/* Starts the --admin-port daemon on admin_fd (consumed; -1: none). 0 or -1 (logged). */
static int start_admin(struct hh_server *srv, const struct hh_config *cfg, int admin_fd)
{
	if (admin_fd < 0)
		return 0;
	long port = hh_listen_port(admin_fd);
	srv->admin_daemon = hh_http_start(srv, admin_fd, 1);
	if (srv->admin_daemon == NULL) {
		hh_error("cannot start the admin HTTP daemon", "host", cfg->admin_host, "error", strerror(errno));
		close(admin_fd);
		return -1;
	}
	char text[16];
	snprintf(text, sizeof(text), "%ld", port);
	hh_info("admin listening", "host", cfg->admin_host, "#admin_port", text);
	return 0;
}

/*
 * Starts the purger, the reloader and the daemons on fd
 * and admin_fd (always consumed). 0 or -1 (logged).
 */
static int start(struct hh_server *srv, const struct hh_config *cfg, int fd, int admin_fd)
{
	srv->purge = hh_purge_start(cfg->purge_url, (size_t)cfg->purge_queue); /* before the first publish */
	srv->reload = (cfg->purge_url[0] == '\0' || srv->purge) ? hh_reload_start(cfg, &srv->opts, publish, srv) : NULL;
	srv->linger = hh_linger_start(); /* before the daemons: every connection they close goes through it */
	if (srv->reload == NULL || srv->linger == NULL) {
		hh_error("cannot start threads", NULL);
		close(fd);
		if (admin_fd >= 0)
			close(admin_fd);
		return -1;
	}
	srv->daemon = hh_http_start(srv, fd, 0);
	srv->listen_fd = srv->daemon ? fd : -1;
	if (srv->daemon == NULL || start_admin(srv, cfg, admin_fd) < 0) {
		hh_error("cannot start the HTTP daemon", "host", cfg->host, "error", strerror(errno));
		if (srv->daemon == NULL) {
			close(fd);
			if (admin_fd >= 0)
				close(admin_fd);
		} else {
			MHD_stop_daemon(srv->daemon);
		}
		return -1;
	}
	char port[16];
	snprintf(port, sizeof(port), "%ld", hh_listen_port(fd));
	hh_info("listening", "host", cfg->host, "#port", port);
	return 0;
}

/* Settings checked before anything starts; 0, or -1 (logged). */
static int check_settings(const struct hh_config *cfg)
{
	char why[256];
	if (!public_url_ok(cfg->public_url)) {
		hh_error("--public-url must be an absolute http(s) URL without a trailing slash", "public-url",
			 cfg->public_url);
		return -1;
	}
	const char *cc = cfg->country != NULL ? cfg->country : "";
	if (strlen(cc) != 2 || cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' || cc[1] > 'Z') {
		hh_error("--country must be an ISO 3166-1 alpha-2 code in upper case, e.g. GB or US", "country", cc);
		return -1;
	}
	if (hh_purge_urls_check(cfg->purge_url, why, sizeof(why)) < 0) {
		hh_error("bad --purge-url", "error", why);
		return -1;
	}
	if (cfg->admin_port != 0 && cfg->admin_port == cfg->port) {
		hh_error("--admin-port must differ from --port", NULL);
		return -1;
	}
	return 0;
}

/* Opens the public and (with --admin-port) the admin listening sockets; 0, or -1 (logged). */
static int open_listeners(const struct hh_config *cfg, int *fd, int *admin_fd)
{
	char why[256];
	*admin_fd = -1;
	*fd = hh_listen_open(cfg->host, cfg->port, (int)cfg->reuse_port, why, sizeof(why));
	if (*fd < 0) {
		hh_error("cannot listen", "error", why);
		return -1;
	}
	if (cfg->admin_port == 0)
		return 0;
	*admin_fd = hh_listen_open(cfg->admin_host, cfg->admin_port, 0, why, sizeof(why));
	if (*admin_fd < 0) {
		hh_error("cannot listen on the admin port", "error", why);
		close(*fd);
		return -1;
	}
	return 0;
}

int hh_serve(const struct hh_config *cfg)
{
	/* Block the stop signals in every thread; the main thread waits for them. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (check_settings(cfg) < 0)
		return 2;
	/* Listen first: a port in use is an error before anything else starts. */
	int fd = -1, admin_fd = -1;
	if (open_listeners(cfg, &fd, &admin_fd) < 0)
		return 1;
	struct hh_server srv; /* the one server: threads see it through pointers, until they stop below */
	init_state(&srv, cfg);
	hh_config_log(cfg, HH_CMD_SERVE);
	int rc = 1;
	if (start(&srv, cfg, fd, admin_fd) < 0)
		goto out;
	int sig = wait_for_signal();
	hh_info("stopping", "signal", sig == SIGINT ? "SIGINT" : "SIGTERM");
	drain(&srv, cfg);
	rc = 0;
	hh_info("stopped", NULL);
out:
	hh_reload_stop(srv.reload);
	hh_purge_stop(srv.purge); /* after the reloader: publish queues purges */
	srv.purge = NULL;
	free_state(&srv);
	return rc;
}
