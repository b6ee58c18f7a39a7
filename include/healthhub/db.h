/*
 * db.h - the server's access to PostgreSQL: connections, content
 * notifications, the content version, the whole content.
 *
 * This module (server/db*.c) is the only code that speaks libpq. A
 * connection is a struct hh_db that carries its own deadline: every round
 * trip (connect, query, LISTEN) runs non-blocking against the clock, because
 * statement_timeout is enforced by the server and a server that hangs (a
 * paused process, a stalled disk) never enforces it.
 *
 * Every query is parameterised; every result is cleared on every path.
 * Functions that fail write libpq's message into the caller's err buffer:
 * that text is for the log only (it may name hosts, tables or SQL) and must
 * never reach an HTTP client.
 *
 * One connection per thread at a time (libpq's rule).
 */
#ifndef HEALTHHUB_DB_H
#define HEALTHHUB_DB_H

#include <stddef.h>
#include <stdint.h>

#include "healthhub/common.h"
#include "healthhub/content.h"
#include "healthhub/status.h"

/* The channel migrate notifies, with the new content version as payload. */
#define HH_DB_CONTENT_CHANNEL "healthhub_content"

/* A connection to PostgreSQL with its own deadline. Opaque. */
struct hh_db;

/*
 * Connects to url (a libpq connection string or URI; NULL or "" uses the PG*
 * environment variables), then sets statement_timeout (milliseconds, 0 =
 * none) for the session. The connection's deadline for every later round
 * trip is statement_timeout_ms + 1 s (none when 0: only `migrate`, whose
 * migrations may legitimately run long). Connecting itself is bounded by
 * the smaller of that deadline and 5 s; libpq's connect_timeout is not used
 * (the attempt is non-blocking), so a url's connect_timeout has no effect.
 * Defaults that the url may override: application_name=healthhub,
 * client_encoding=UTF8. NOTICE messages are dropped.
 * Returns a new connection (free with hh_db_close()) or NULL with err filled.
 */
struct hh_db *hh_db_connect(const char *url, int statement_timeout_ms, char *err, size_t errlen) HH_MUSTCHECK;

/* Closes db and frees it. NULL is allowed. Never blocks on the server. */
void hh_db_close(struct hh_db *db);

/*
 * 1 when db can take another query; 0 after a round trip timed out or the
 * link failed (the connection may be mid-query): close it and reconnect.
 */
int hh_db_usable(const struct hh_db *db);

/*
 * LISTENs on HH_DB_CONTENT_CHANNEL, against the connection's deadline.
 * Returns 0 or -1 (err filled; db is then unusable when it timed out).
 */
int hh_db_listen(struct hh_db *db, char *err, size_t errlen) HH_MUSTCHECK;

/*
 * Waits up to ms for a notification on a LISTENing db, or for wake_fd
 * (may be -1) to become readable, then reads what arrived without blocking.
 * Raises *version to the highest version a notification announced.
 * Returns 0 (also on a plain timeout) or -1 when the link failed (err filled).
 */
int hh_db_wait_notify(struct hh_db *db, int wake_fd, long ms, int64_t *version, char *err, size_t errlen) HH_MUSTCHECK;

/*
 * Reads content_state.version into *version. Returns 0, -1 on a database
 * error (err filled), or HH_NOT_MIGRATED when the schema is missing or no
 * content was ever loaded (version 0).
 */
enum hh_status hh_db_content_version(struct hh_db *db, int64_t *version, char *err, size_t errlen) HH_MUSTCHECK;

/* What a load read: the entities it fetched from the database, and how. */
struct hh_db_load_counts {
	int full;        /* 1: the whole content was read; 0: only what changed since old */
	size_t articles; /* rows read (changed or added since old; all on a full read) */
	size_t causes;
	size_t remedies;
	size_t removed; /* entities removed since old */
	size_t kept;    /* entities copied from old, unread */
};

/*
 * Reads the content in one REPEATABLE READ READ ONLY transaction and builds
 * a finished content (hh_content_finish done): the same lists in the same
 * order as the files held, plus version, per-article updated_at (RFC 3339
 * UTC, "YYYY-MM-DDTHH:MM:SSZ") and version, and checksums. On success
 * returns 0 and *out is a new content the caller frees with
 * hh_content_free(). Returns -1 (err filled) or HH_NOT_MIGRATED with
 * *out NULL. The connection must not be inside a transaction.
 *
 * It reads only what changed since old (borrowed; a
 * finished content, e.g. the last published snapshot's): the articles,
 * causes and remedies written after old->version (changed_in) with the
 * rows they own, the removals since then (0003's content_removed), and the small
 * triage tables in full; every other entity is copied from old. NULL old,
 * or an old newer than the database, reads everything. Fills *counts.
 */
enum hh_status hh_db_load_since(struct hh_db *db, const struct hh_content *old, int require_approval,
				struct hh_content **out, struct hh_db_load_counts *counts, char *err,
				size_t errlen) HH_MUSTCHECK;

#endif
