/*
 * reload.c - the content reloader thread. It speaks to PostgreSQL only
 * through db.h, whose round trips are all bounded by the connection's
 * deadline; a round trip that gives up leaves its connection unusable, and
 * the next step drops both connections and reconnects.
 */
#include "healthhub/reload.h"

#include <errno.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "healthhub/db.h"
#include "healthhub/i18n.h"
#include "healthhub/log.h"
#include "healthhub/metrics.h"
#include "healthhub/phrases.h"
#include "healthhub/search.h"

#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 2000 /* recovery within a few seconds of the database returning */
#define REPLICA_POLL_MS 20

struct hh_reload {
	const struct hh_config *cfg;
	const struct hh_snapshot_options *opts; /* how snapshots are built (borrowed) */
	hh_publish_fn publish;
	void *cls;
	pthread_t thread;
	int wake[2]; /* pipe: a byte wakes the thread to stop */
	atomic_int stopping;
	atomic_uint_fast64_t last_ok_ns; /* hh_now_ns (monotonic) of the last successful version check; 0 none */
	atomic_int db_failed;            /* the last connect or version check failed (cleared by a success) */
	struct hh_db *listen;            /* LISTEN connection (primary) */
	struct hh_db *read;              /* content reads (may be a replica) */
	int64_t served;                  /* version of the published snapshot; -1 none */
	int reload_all;      /* reconnected: the next load reads everything and publishes even the served version */
	int64_t notified;    /* highest version a notification announced */
	unsigned backoff_ms; /* reconnect backoff */
	unsigned reload_backoff_ms; /* wait after a failed reload; 0 after a success */
	struct hh_snapshot *last;   /* one reference to the last published snapshot: the next one shares with it */
	pthread_t warm_thread;      /* builds the answers a first snapshot left to first requests */
	int warming;                /* warm_thread runs (until joined) */
	atomic_int warm_stop;
	struct hh_snapshot *warm_snap; /* one reference, the warm thread's */
};

/* ------------------------------------------------------------- warm-up */

static void *warm_main(void *arg)
{
	struct hh_reload *r = arg;
	uint64_t t0 = hh_now_ns();
	size_t built = hh_snapshot_warm(r->warm_snap, &r->warm_stop);
	/* what rendering left in the arenas; this thread answers no request, so its lock stalls none */
	malloc_trim(0);
	if (built > 0) {
		char n[32], ms[32];
		snprintf(n, sizeof(n), "%zu", built);
		snprintf(ms, sizeof(ms), "%.1f", (double)(hh_now_ns() - t0) / 1e6);
		hh_info("content warmed", "#articles", n, "#ms", ms);
	}
	hh_ref_put(&r->warm_snap->ref);
	return NULL;
}

static void warm_join(struct hh_reload *r)
{
	if (!r->warming)
		return;
	atomic_store(&r->warm_stop, 1);
	pthread_join(r->warm_thread, NULL);
	r->warming = 0;
}

/* Builds what snap left unbuilt on a thread of its own, so the reloader keeps listening meanwhile. */
static void warm_start(struct hh_reload *r, struct hh_snapshot *snap)
{
	warm_join(r);
	hh_ref_get(&snap->ref);
	r->warm_snap = snap;
	atomic_store(&r->warm_stop, 0);
	if (pthread_create(&r->warm_thread, NULL, warm_main, r) == 0)
		r->warming = 1;
	else
		hh_ref_put(&snap->ref); /* first requests build them instead */
}

/* A connection string with one parameter overridden: new string. */
static char *conninfo_with(const char *url, const char *key, const char *value)
{
	int is_uri = strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0;
	if (!is_uri)
		return xasprintf("%s %s=%s", url, key, value);
	return xasprintf("%s%c%s=%s", url, strchr(url, '?') ? '&' : '?', key, value);
}

static int multi_host(const char *url)
{
	/* "host=a,b" or "postgresql://a:1,b:2/db": a comma before any '/' path or in host= */
	const char *host = strstr(url, "host=");
	if (host && strchr(host, ',') && (strchr(host, ' ') == NULL || strchr(host, ',') < strchr(host, ' ')))
		return 1;
	const char *scheme = strstr(url, "://");
	if (scheme == NULL)
		return 0;
	const char *slash = strchr(scheme + 3, '/');
	const char *comma = strchr(scheme + 3, ',');
	return comma != NULL && (slash == NULL || comma < slash);
}

static void drop(struct hh_reload *r)
{
	hh_db_close(r->listen);
	hh_db_close(r->read);
	r->listen = r->read = NULL;
}

static int connect_listen(struct hh_reload *r)
{
	struct hh_errtext e = {""};
	const char *url = r->cfg->database_url;
	char *primary = multi_host(url) ? conninfo_with(url, "target_session_attrs", "read-write") : NULL;
	r->listen = hh_db_connect(primary ? primary : url, (int)r->cfg->statement_timeout_ms, e.text, sizeof(e.text));
	free(primary);
	if (r->listen == NULL) {
		hh_warn("database unavailable", "conn", "listen", "error", e.text);
		return -1;
	}
	/* bounded like every query: a primary that hangs here must not hang the reloader */
	if (hh_db_listen(r->listen, e.text, sizeof(e.text)) < 0) {
		hh_warn("subscribing to content notifications failed", "conn", "listen", "error", e.text);
		return -1;
	}
	return 0;
}

/* LISTEN before the first read, so no change can slip between them. */
static int ensure_connections(struct hh_reload *r)
{
	struct hh_errtext e = {""};
	if ((r->listen && !hh_db_usable(r->listen)) || (r->read && !hh_db_usable(r->read)))
		drop(r);
	if (r->listen == NULL) {
		if (connect_listen(r) < 0)
			goto fail;
		r->reload_all = 1; /* the database may not be the one the served content came from */
		hh_metrics_db_reconnect();
	}
	if (r->read == NULL) {
		r->read =
			hh_db_connect(r->cfg->database_url, (int)r->cfg->statement_timeout_ms, e.text, sizeof(e.text));
		if (r->read == NULL) {
			hh_warn("database unavailable", "conn", "read", "error", e.text);
			goto fail;
		}
	}
	return 0;
fail:
	atomic_store(&r->db_failed, 1);
	drop(r);
	hh_metrics_db_error();
	return -1;
}

static void sleep_interruptible(struct hh_reload *r, long ms)
{
	struct pollfd p = {.fd = r->wake[0], .events = POLLIN};
	if (poll(&p, 1, (int)ms) < 0 && errno != EINTR)
		return;
}

/*
 * Gives snap its search index: the last published index with the changed
 * entities re-indexed (before publishing), or every entity when there is
 * none. On failure snap has none (searches answer 503) and the next reload
 * builds it whole. Fills what (for the log line).
 */
#define SEARCH_FIRST_INLINE 1000 /* entities: a first index this small is built before publishing */

static void index_snapshot(struct hh_reload *r, struct hh_snapshot *snap, char *what, size_t cap)
{
	const struct hh_snapshot *last = r->last;
	const struct hh_search *old = last != NULL ? atomic_load(&last->search) : NULL;
	const struct hh_content *old_content = old != NULL ? (last->base != NULL ? last->base : last->content) : NULL;
	struct hh_search_stats st;
	const struct hh_content *content = snap->base != NULL ? snap->base : snap->content;
	struct hh_search *ix = hh_search_build(content, old, old_content, &st);
	if (ix == NULL && old != NULL) /* whole, rather than no search until the next change */
		ix = hh_search_build(content, NULL, NULL, &st);
	atomic_store(&snap->search, ix);
	if (ix == NULL) {
		snprintf(what, cap, "failed");
		return;
	}
	snprintf(what, cap, "%s added=%zu removed=%zu ms=%.1f copy_ms=%.1f bytes=%zu", st.full ? "full" : "changes",
		 st.added, st.removed, st.ms, st.copy_ms, st.bytes);
}

/*
 * Phrases of the stored content this binary's checks refuse (a newer
 * release's negation or hedging words; hh_phrases_schema) were left out:
 * the free-text reader runs without them until the content is migrated
 * again with this release.
 */
static void warn_dropped_phrases(const struct hh_content *c)
{
	for (int l = 0; l < HH_LANG_COUNT; l++) {
		const struct hh_phrasebook *book = c->phrases[l];
		if (book == NULL && c->translations[l] != NULL)
			book = c->translations[l]->phrases[l];
		if (book == NULL || book->n_dropped == 0)
			continue;
		char n[32];
		snprintf(n, sizeof(n), "%zu", book->n_dropped);
		hh_warn("free text: phrases of the stored content left out (they begin a negation or hedging word of "
			"this release); run healthhub migrate with this release's content",
			"lang", hh_lang_name((enum hh_lang)l), "#phrases", n);
	}
}

static void load_and_publish(struct hh_reload *r, int64_t version)
{
	struct hh_errtext e = {""};
	struct hh_content *content = NULL;
	struct hh_db_load_counts counts;
	uint64_t t0 = hh_now_ns();
	/*
	 * Read only what changed since the published content; after a
	 * reconnect (reload_all) read it all, since the database may not be
	 * the one the last content came from.
	 */
	/* the content as read (placeholders, every language), not the default variant resolved from it */
	const struct hh_snapshot *last = r->last;
	const struct hh_content *since =
		!r->reload_all && last != NULL ? (last->base != NULL ? last->base : last->content) : NULL;
	if (hh_db_load_since(r->read, since, (int)r->cfg->require_approval, &content, &counts, e.text, sizeof(e.text)) <
	    0) {
		hh_metrics_db_error();
		hh_metrics_reload(version, hh_wall_ms(), 0);
		hh_error("content reload failed; serving the last good content", "error", e.text);
		drop(r);
		/*
		 * The same load will likely fail again: retry after a doubling wait
		 * (at least the reload interval), not in a reconnect loop that
		 * floods the log and the database.
		 */
		unsigned floor = (unsigned)r->cfg->reload_interval_ms;
		unsigned next = r->reload_backoff_ms ? r->reload_backoff_ms * 2 : floor;
		r->reload_backoff_ms = next > 30000 ? (floor > 30000 ? floor : 30000) : next;
		sleep_interruptible(r, r->reload_backoff_ms);
		return;
	}
	r->reload_backoff_ms = 0;
	uint64_t t_read = hh_now_ns();
	warm_join(r); /* the CPU goes to the new snapshot; it shares what the warm-up built */
	struct hh_snapshot *snap = hh_snapshot_build_from(content, r->opts, r->last);
	if (snap == NULL) {
		hh_metrics_reload(version, hh_wall_ms(), 0);
		hh_error("building the content snapshot failed; serving the last good content", NULL);
		r->served = version; /* the same bytes would fail again: wait for the next change */
		r->reload_all = 0;
		return;
	}
	char v[32], ms[32], read_ms[32], n[32], shared[32], variants[32], read[96], search[128] = "after publishing";
	/*
	 * A whole index of a large library takes seconds (about 1.4 s of CPU at
	 * 5,000 articles): readiness does not wait for it, it is built right
	 * after the first publish and searches answer 503 until then. A small
	 * one (tens of ms), and every later generation, is there before anyone
	 * sees the snapshot.
	 */
	const struct hh_content *indexed = snap->base != NULL ? snap->base : snap->content;
	int whole = r->last == NULL || atomic_load(&r->last->search) == NULL;
	int later = whole && indexed->n_articles + indexed->n_causes > SEARCH_FIRST_INLINE;
	if (!later)
		index_snapshot(r, snap, search, sizeof(search));
	snprintf(v, sizeof(v), "%lld", (long long)snap->version);
	snprintf(ms, sizeof(ms), "%.1f", (double)(hh_now_ns() - t0) / 1e6);
	snprintf(read_ms, sizeof(read_ms), "%.1f", (double)(t_read - t0) / 1e6);
	snprintf(n, sizeof(n), "%zu", snap->n_resources);
	snprintf(shared, sizeof(shared), "%zu", snap->n_shared);
	snprintf(variants, sizeof(variants), "%zu", snap->n_variants);
	snprintf(read, sizeof(read), "%s articles=%zu causes=%zu remedies=%zu removed=%zu kept=%zu",
		 counts.full ? "full" : "changes", counts.articles, counts.causes, counts.remedies, counts.removed,
		 counts.kept);
	r->served = snap->version;
	r->reload_all = 0;
	hh_metrics_reload(snap->version, hh_wall_ms(), 1);
	hh_metrics_signoff(hh_content_unapproved(content), (int)r->cfg->require_approval);
	hh_ref_get(&snap->ref); /* kept for the next build to share with */
	r->publish(snap, r->cls);
	struct hh_snapshot *prev = r->last;
	r->last = snap;
	if (prev != NULL)
		hh_ref_put(&prev->ref);
	/* the old version goes here, or on a later check once its last request is done; trimmed either way */
	if (r->opts->reaper != NULL)
		hh_reaper_reap(r->opts->reaper, 1);
	if (later) {
		index_snapshot(r, snap, search, sizeof(search));
		hh_info("search index built", "search", search);
	}
	warm_start(r, snap);
	hh_info("content loaded", "#version", v, "#ms", ms, "#read_ms", read_ms, "#responses", n, "#shared", shared,
		"#variants", variants, "read", read, "search", search);
	warn_dropped_phrases(indexed);
}

/* Waits up to ms for a notification or a stop; records announced versions. */
static void wait_notify(struct hh_reload *r, long ms)
{
	struct hh_errtext e = {""};
	if (hh_db_wait_notify(r->listen, r->wake[0], ms, &r->notified, e.text, sizeof(e.text)) == 0)
		return;
	hh_warn("database connection lost", "conn", "listen", "error", e.text);
	hh_metrics_db_error();
	drop(r);
}

static void step(struct hh_reload *r)
{
	struct hh_errtext e = {""};
	if (ensure_connections(r) < 0) {
		sleep_interruptible(r, r->backoff_ms);
		r->backoff_ms = r->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : r->backoff_ms * 2;
		return;
	}
	r->backoff_ms = BACKOFF_MIN_MS;
	int64_t version = 0;
	enum hh_status rc = hh_db_content_version(r->read, &version, e.text, sizeof(e.text));
	if (rc == HH_NOT_MIGRATED) {
		atomic_store(&r->db_failed, 0);
		atomic_store(&r->last_ok_ns, hh_now_ns());
		hh_warn("database has no content yet: run healthhub migrate", NULL);
		wait_notify(r, r->cfg->reload_interval_ms);
		return;
	}
	if (rc < 0) {
		hh_warn("content version check failed", "error", e.text);
		atomic_store(&r->db_failed, 1);
		hh_metrics_db_error();
		drop(r);
		return;
	}
	atomic_store(&r->db_failed, 0);
	atomic_store(&r->last_ok_ns, hh_now_ns());
	if (version != r->served || r->reload_all)
		load_and_publish(r, version);
	if (r->notified > version) {
		/* the read host has not replayed the notified change yet */
		sleep_interruptible(r, REPLICA_POLL_MS);
		return;
	}
	if (r->listen)
		wait_notify(r, r->cfg->reload_interval_ms);
}

static void *reload_main(void *arg)
{
	struct hh_reload *r = arg;
	while (!atomic_load(&r->stopping)) {
		step(r);
		/* snapshots whose last request let go since: destroyed here, never on a request thread */
		if (r->opts->reaper != NULL)
			hh_reaper_reap(r->opts->reaper, 0);
	}
	drop(r);
	return NULL;
}

struct hh_reload *hh_reload_start(const struct hh_config *cfg, const struct hh_snapshot_options *opts,
				  hh_publish_fn publish, void *cls)
{
	struct hh_reload *r = xcalloc(1, sizeof(*r));
	r->cfg = cfg;
	r->opts = opts;
	r->publish = publish;
	r->cls = cls;
	r->served = -1;
	r->backoff_ms = BACKOFF_MIN_MS;
	if (!cfg->require_approval)
		hh_warn("serving texts whether or not they are signed off (--require-approval is off); /metrics and "
			"/readyz count the unapproved ones",
			NULL);
	else
		hh_info("serving signed-off texts only (--require-approval)", NULL);
	if (pipe(r->wake) < 0) {
		free(r);
		return NULL;
	}
	if (pthread_create(&r->thread, NULL, reload_main, r) != 0) {
		close(r->wake[0]);
		close(r->wake[1]);
		free(r);
		return NULL;
	}
	return r;
}

void hh_reload_stop(struct hh_reload *r)
{
	if (r == NULL)
		return;
	atomic_store(&r->stopping, 1);
	if (write(r->wake[1], "x", 1) < 0)
		hh_warn("waking the reloader failed", NULL);
	pthread_join(r->thread, NULL);
	warm_join(r);
	if (r->last != NULL)
		hh_ref_put(&r->last->ref);
	close(r->wake[0]);
	close(r->wake[1]);
	free(r);
}

int hh_reload_db_up(struct hh_reload *r)
{
	/*
	 * Down at once when the last connect or version check failed (a stopped
	 * database refuses at once); a check older than three intervals (at
	 * least 3 s) means down or hung (a hung one answers nothing, not even an
	 * error). Monotonic: a wall clock stepped forward (NTP) must not make a
	 * healthy database look down.
	 */
	if (atomic_load(&r->db_failed))
		return 0;
	uint64_t bound_ms = (uint64_t)r->cfg->reload_interval_ms * 3;
	if (bound_ms < 3000)
		bound_ms = 3000;
	uint64_t last = atomic_load(&r->last_ok_ns);
	return last != 0 && hh_now_ns() - last <= bound_ms * 1000000ull;
}
