/*
 * db_internal.h - what the db module's files (server/db*.c) share, and
 * nothing outside them may see: the connection's insides and the bounded
 * query runner. This is the only header that includes libpq, so that
 * `grep -l libpq-fe.h` names the db module and nothing else.
 */
#ifndef HEALTHHUB_DB_INTERNAL_H
#define HEALTHHUB_DB_INTERNAL_H

#include <stddef.h>

#include <libpq-fe.h>

#include "healthhub/db.h"

/* A connection and its own client-side deadline (no process-wide state). */
struct hh_db {
	PGconn *pg;
	int deadline_ms; /* per round trip: statement timeout + grace; 0 = wait for ever (migrate) */
	int broken;      /* a round trip timed out or the link failed: only close() is left */
};

/* One call's context: the connection, the caller's error buffer, why it failed. */
struct db_ctx {
	struct hh_db *db;
	char *err; /* caller's buffer, for the log only */
	size_t errlen;
	const char *what;  /* names the statement in err; NULL: its first line of SQL */
	enum hh_status rc; /* why the last call failed: HH_ERR or HH_NOT_MIGRATED */
};

/* Fills x->err with "what: msg" on one line. */
void hh_db_set_err(struct db_ctx *x, const char *what, const char *msg);

/* Fills x->err from a failed result: x->what (or sql's first line), the message, its detail. */
void hh_db_set_result_err(struct db_ctx *x, const char *sql, const PGresult *r);

/*
 * Runs one statement against the connection's deadline and returns its
 * result when the status is want (caller PQclear()s it; PGRES_COMMAND_OK
 * also takes PGRES_TUPLES_OK: a statement run for its effect may return rows). n < 0 sends sql as
 * a simple query (several statements, no parameters: migration files).
 * Otherwise returns NULL with err filled (SQL's message plus its detail),
 * x->rc set (HH_NOT_MIGRATED for a missing table, SQLSTATE 42P01), and
 * *failed (when not NULL) the failed result, which the caller clears.
 */
PGresult *hh_db_exec(struct db_ctx *x, const char *sql, int n, const char *const *params, ExecStatusType want,
		     PGresult **failed) HH_MUSTCHECK;

/* hh_db_exec for a statement run for its effect: 0 or x->rc. */
enum hh_status hh_db_command(struct db_ctx *x, const char *sql, int n, const char *const *params) HH_MUSTCHECK;

/* The integer in a result's cell (a bigint column), or 0 when it is not one. */
long long hh_db_int(const PGresult *r, int row, int col);

/* Best-effort ROLLBACK, skipped on a broken connection (it would only wait out the deadline). */
void hh_db_rollback_quietly(struct db_ctx *x);

#endif
