/*
 * reload.h - keeps a server's content current.
 *
 * One thread owns two database connections: one LISTENs for content
 * notifications (on the primary: target_session_attrs=read-write when the
 * URL names several hosts), the other reads content (any host the URL
 * allows, a streaming replica included). On a notification, and every
 * reload interval as a fallback, it compares the content version; when the
 * version moved it loads the content, builds a snapshot off to the side and
 * hands it to publish(). A notified version the read host has not replayed
 * yet is waited for before swapping. Failures keep the last good snapshot;
 * lost connections are retried with capped exponential backoff, and after a
 * reconnect it LISTENs first, then reloads. Every round trip (connect,
 * LISTEN, version check, load) goes through the db module against its
 * connection's deadline: a hung primary makes the reloader give up and
 * retry, never wait for ever.
 */
#ifndef HEALTHHUB_RELOAD_H
#define HEALTHHUB_RELOAD_H

#include <stdint.h>

#include "healthhub/config.h"
#include "healthhub/snapshot.h"

struct hh_reload;

/* publish receives a new snapshot reference (stolen). */
typedef void (*hh_publish_fn)(struct hh_snapshot *snap, void *cls);

/*
 * Starts the thread; snapshots are built with opts (borrowed; must outlive
 * the handle and every snapshot). New handle, or NULL if the thread could not start.
 */
struct hh_reload *hh_reload_start(const struct hh_config *cfg, const struct hh_snapshot_options *opts,
				  hh_publish_fn publish, void *cls);
/* Stops the thread and closes its connections; frees r. */
void hh_reload_stop(struct hh_reload *r);
/* 1 when the last version check succeeded recently (within the staleness bound). */
int hh_reload_db_up(struct hh_reload *r);

#endif
