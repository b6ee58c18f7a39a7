/*
 * db.h - the server's access to PostgreSQL: connect, read the content
 * version, load the whole content, full-text search.
 *
 * Every query is parameterised; every result is cleared on every path.
 * Functions that fail write libpq's message into the caller's err buffer:
 * that text is for the log only (it may name hosts, tables or SQL) and must
 * never reach an HTTP client.
 *
 * One PGconn per thread at a time (libpq's rule); nothing here keeps state
 * between calls, so the caller may reconnect freely.
 */
#ifndef HEALTHHUB_DB_H
#define HEALTHHUB_DB_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "healthhub/common.h"
#include "healthhub/content.h"

/* The channel migrate notifies, with the new content version as payload. */
#define HH_DB_CONTENT_CHANNEL "healthhub_content"

/* Returned when the schema (or any content) is missing: run `healthhub migrate`. */
#define HH_DB_NOT_MIGRATED (-2)

/*
 * Connects to url (a libpq connection string or URI; NULL or "" uses the PG*
 * environment variables), then sets statement_timeout (milliseconds, 0 = none)
 * for the session. Defaults that the url may override: connect_timeout=5,
 * application_name=healthhub, client_encoding=UTF8. NOTICE messages are
 * dropped rather than printed to stderr.
 * Returns a new connection (caller PQfinish()es it) or NULL with err filled.
 */
PGconn *hh_db_connect(const char *url, int statement_timeout_ms, char *err, size_t errlen) HH_MUSTCHECK;

/*
 * Reads content_state.version into *version. Returns 0, -1 on a database
 * error (err filled), or HH_DB_NOT_MIGRATED when the schema is missing or no
 * content was ever loaded (version 0).
 */
int hh_db_content_version(PGconn *c, int64_t *version, char *err, size_t errlen) HH_MUSTCHECK;

/*
 * Reads the whole content in one REPEATABLE READ READ ONLY transaction and
 * builds a finished content (hh_content_finish done): the same lists in the
 * same order as the files held, plus version, per-article updated_at
 * (RFC 3339 UTC, "YYYY-MM-DDTHH:MM:SSZ") and version, and checksums.
 * On success returns 0 and *out is a new content the caller frees with
 * hh_content_free(). Returns -1 (err filled) or HH_DB_NOT_MIGRATED with
 * *out NULL. The connection must not be inside a transaction.
 */
int hh_db_load_content(PGconn *c, struct hh_content **out, char *err, size_t errlen) HH_MUSTCHECK;

/* A page of search hits. The caller owns it: free with hh_search_result_free(). */
struct hh_search_result {
	char **slugs;     /* n slugs, best match first; each and the array are owned */
	size_t n;
	long long total;  /* every match, not only this page */
};

/* Frees the slugs and resets *r to empty. NULL is allowed. */
void hh_search_result_free(struct hh_search_result *r);

/*
 * Full-text search over articles (title, alternate names, summary, sections)
 * with websearch_to_tsquery('english', q), ranked by ts_rank_cd, ties by
 * slug. Fills *out with the page [offset, offset + limit) and the total.
 * A query with no searchable words (only stop words, punctuation) is not an
 * error: it matches nothing. Returns 0 or -1 (err filled, *out empty).
 */
int hh_db_search_articles(PGconn *c, const char *q, int limit, int offset, struct hh_search_result *out,
			  char *err, size_t errlen) HH_MUSTCHECK;

/*
 * Full-text search over causes (name, summary, description), every match,
 * ranked as above. positions and regions are enum hh_position / hh_region
 * masks; 0 means no filter, otherwise a cause matches when it lists at least
 * one of the given positions (regions). Returns 0 or -1 (err filled).
 */
int hh_db_search_causes(PGconn *c, const char *q, unsigned positions, unsigned regions,
			struct hh_search_result *out, char *err, size_t errlen) HH_MUSTCHECK;

#endif
