/*
 * db.c - connections to PostgreSQL and every round trip on them: connect,
 * bounded queries, LISTEN and notifications, the content version.
 * The whole-content load is in db_load.c, migrate's statements in
 * db_migrate.c; all three share db_internal.h.
 *
 * Why everything is non-blocking: statement_timeout is enforced by the
 * server, so a server that hangs (a paused process, a stalled disk) never
 * enforces it, and a blocking libpq call would wait for ever. Each round
 * trip therefore runs against a client-side deadline that belongs to its
 * connection. On timeout the connection is marked broken rather than
 * cancelled: PQcancel opens a new connection and waits for the server's
 * answer, which is exactly what a hung server does not give. The caller
 * closes the broken connection; the server ends the abandoned query itself
 * (statement_timeout) when it runs again.
 */
#include "db_internal.h"
#include "healthhub/router.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GRACE_MS 1000          /* client deadline = statement timeout + this */
#define CONNECT_BUDGET_MS 5000 /* connecting never waits longer than this */

/* ------------------------------------------------------------ errors */

void hh_db_set_err(struct db_ctx *x, const char *what, const char *msg)
{
	if (x->err == NULL || x->errlen == 0)
		return;
	snprintf(x->err, x->errlen, "%s: %s", what, msg != NULL && *msg ? msg : "unknown error");
	/* libpq's messages span lines; a log record must not. */
	size_t n = strlen(x->err);
	while (n > 0 && (x->err[n - 1] == '\n' || x->err[n - 1] == ' '))
		x->err[--n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (x->err[i] == '\n' || x->err[i] == '\t')
			x->err[i] = ' ';
}

/* x->what, or else the first line of SQL, names the failing statement; the detail, when any, follows the message. */
void hh_db_set_result_err(struct db_ctx *x, const char *sql, const PGresult *r)
{
	char what[200], msg[512];
	size_t n = strcspn(sql, "\n");
	if (x->what != NULL)
		snprintf(what, sizeof(what), "%s", x->what);
	else
		snprintf(what, sizeof(what), "%.*s", (int)(n < 60 ? n : 60), sql);
	const char *primary = r != NULL ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *detail = r != NULL ? PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL) : NULL;
	if (primary == NULL)
		primary = PQerrorMessage(x->db->pg);
	if (detail != NULL)
		snprintf(msg, sizeof(msg), "%s (%s)", primary, detail);
	else
		snprintf(msg, sizeof(msg), "%s", primary);
	hh_db_set_err(x, what, msg);
}

/* ------------------------------------------------------ round trips */

/* The absolute deadline of a round trip starting now; 0 = none. */
static uint64_t deadline_from_now(int ms)
{
	return ms > 0 ? hh_now_ns() + (uint64_t)ms * 1000000ull : 0;
}

/* Waits until fd is readable (or writable); 0, or -1 on timeout or error. */
static int wait_fd(int fd, int for_write, uint64_t deadline)
{
	int timeout = -1;
	if (deadline != 0) {
		uint64_t now = hh_now_ns();
		if (now >= deadline)
			return -1;
		timeout = (int)((deadline - now) / 1000000) + 1;
	}
	struct pollfd p = {.fd = fd, .events = for_write ? POLLOUT : POLLIN};
	int rc;
	do
		rc = poll(&p, 1, timeout);
	while (rc < 0 && errno == EINTR);
	return rc > 0 ? 0 : -1;
}

/* Sends what libpq buffered. 0, or -1 (db broken on timeout). */
static int flush_bounded(struct hh_db *db, uint64_t deadline)
{
	int flushed;
	while ((flushed = PQflush(db->pg)) == 1)
		if (wait_fd(PQsocket(db->pg), 1, deadline) < 0) {
			db->broken = 1;
			return -1;
		}
	return flushed;
}

/* Reads every result of the statement sent, keeping the last. NULL on timeout or a lost link. */
static PGresult *collect_bounded(struct hh_db *db, uint64_t deadline)
{
	PGresult *last = NULL;
	for (;;) {
		while (PQisBusy(db->pg)) {
			if (wait_fd(PQsocket(db->pg), 0, deadline) < 0 || PQconsumeInput(db->pg) == 0) {
				db->broken = 1;
				PQclear(last);
				return NULL;
			}
		}
		PGresult *r = PQgetResult(db->pg);
		if (r == NULL)
			return last;
		PQclear(last);
		last = r;
	}
}

/* Sends one statement and collects its result within the connection's deadline. */
static PGresult *exec_bounded(struct hh_db *db, const char *sql, int n, const char *const *params)
{
	uint64_t deadline = deadline_from_now(db->deadline_ms);
	int sent = n < 0 ? PQsendQuery(db->pg, sql) : PQsendQueryParams(db->pg, sql, n, NULL, params, NULL, NULL, 0);
	if (sent == 0 || flush_bounded(db, deadline) < 0)
		return NULL;
	return collect_bounded(db, deadline);
}

static PGresult *exec_checked(struct db_ctx *x, const char *sql, PGresult *r, ExecStatusType want, PGresult **failed);

PGresult *hh_db_exec(struct db_ctx *x, const char *sql, int n, const char *const *params, ExecStatusType want,
		     PGresult **failed)
{
	if (failed != NULL)
		*failed = NULL;
	x->rc = HH_ERR;
	if (x->db->broken) {
		hh_db_set_err(x, "query", "the connection is broken");
		return NULL;
	}
	return exec_checked(x, sql, exec_bounded(x->db, sql, n, params), want, failed);
}

/* The result r of sql when its status is want; else NULL with the error in x (r into *failed, or freed). */
static PGresult *exec_checked(struct db_ctx *x, const char *sql, PGresult *r, ExecStatusType want, PGresult **failed)
{
	ExecStatusType st = r != NULL ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (st == want || (want == PGRES_COMMAND_OK && st == PGRES_TUPLES_OK))
		return r;
	if (r == NULL && x->db->broken) {
		char msg[96];
		int timed_out = x->db->deadline_ms > 0 && PQstatus(x->db->pg) == CONNECTION_OK;
		snprintf(msg, sizeof(msg), "no answer from the database within %d ms", x->db->deadline_ms);
		hh_db_set_err(x, x->what != NULL ? x->what : "query", timed_out ? msg : PQerrorMessage(x->db->pg));
		return NULL;
	}
	const char *state = r != NULL ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	if (state != NULL && strcmp(state, "42P01") == 0)
		x->rc = HH_NOT_MIGRATED;
	hh_db_set_result_err(x, sql, r);
	if (failed != NULL)
		*failed = r;
	else
		PQclear(r);
	return NULL;
}

enum hh_status hh_db_command(struct db_ctx *x, const char *sql, int n, const char *const *params)
{
	PGresult *r = hh_db_exec(x, sql, n, params, PGRES_COMMAND_OK, NULL);
	if (r == NULL)
		return x->rc;
	PQclear(r);
	return 0;
}

long long hh_db_int(const PGresult *r, int row, int col)
{
	long long v = 0;
	return hh_parse_int(PQgetvalue(r, row, col), INT64_MIN, INT64_MAX, &v) == 0 ? v : 0;
}

void hh_db_rollback_quietly(struct db_ctx *x)
{
	if (!x->db->broken)
		PQclear(exec_bounded(x->db, "ROLLBACK", 0, NULL));
}

/* ------------------------------------------------------- connections */

/* Notices ("query contains only stop words") are not worth a stderr line. */
static void drop_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* libpq's non-blocking connect, driven against deadline. 0, or -1 with err filled. */
static int connect_bounded(struct db_ctx *x, const char *url, uint64_t deadline)
{
	/* dbname comes last so that whatever the url says wins over these defaults. */
	const char *keys[] = {"application_name", "client_encoding", "dbname", NULL};
	const char *vals[] = {"healthhub", "UTF8", url != NULL ? url : "", NULL};
	PGconn *pg = PQconnectStartParams(keys, vals, 1);
	if (pg == NULL) {
		hh_db_set_err(x, "connect", "out of memory");
		return -1;
	}
	x->db->pg = pg;
	PostgresPollingStatusType st = PGRES_POLLING_WRITING;
	while (PQstatus(pg) != CONNECTION_BAD && st != PGRES_POLLING_OK && st != PGRES_POLLING_FAILED) {
		/* the socket changes when libpq moves on to the next host: ask each time */
		if (wait_fd(PQsocket(pg), st == PGRES_POLLING_WRITING, deadline) < 0) {
			hh_db_set_err(x, "connect", "no answer from the database before the connect deadline");
			return -1;
		}
		st = PQconnectPoll(pg);
	}
	if (PQstatus(pg) != CONNECTION_OK) {
		hh_db_set_err(x, "connect", PQerrorMessage(pg));
		return -1;
	}
	return 0;
}

struct hh_db *hh_db_connect(const char *url, int statement_timeout_ms, char *err, size_t errlen)
{
	struct hh_db *db = xcalloc(1, sizeof(*db));
	struct db_ctx x = {.db = db, .err = err, .errlen = errlen};
	int timeout = statement_timeout_ms > 0 ? statement_timeout_ms : 0;
	db->deadline_ms = timeout > 0 ? timeout + GRACE_MS : 0;
	int budget = db->deadline_ms > 0 && db->deadline_ms < CONNECT_BUDGET_MS ? db->deadline_ms : CONNECT_BUDGET_MS;
	if (connect_bounded(&x, url, deadline_from_now(budget)) < 0)
		goto fail;
	PQsetNoticeProcessor(db->pg, drop_notice, NULL);
	/* Non-blocking sends too: a full socket buffer must not block past the deadline. */
	if (PQsetnonblocking(db->pg, 1) != 0) {
		hh_db_set_err(&x, "connect", PQerrorMessage(db->pg));
		goto fail;
	}
	char ms[24];
	snprintf(ms, sizeof(ms), "%d", timeout);
	const char *params[] = {ms};
	PGresult *r =
		hh_db_exec(&x, "SELECT set_config('statement_timeout', $1, false)", 1, params, PGRES_TUPLES_OK, NULL);
	if (r == NULL)
		goto fail;
	PQclear(r);
	return db;
fail:
	hh_db_close(db);
	return NULL;
}

void hh_db_close(struct hh_db *db)
{
	if (db == NULL)
		return;
	/* PQfinish only sends a Terminate message on a non-blocking socket: it never waits. */
	PQfinish(db->pg);
	free(db);
}

int hh_db_usable(const struct hh_db *db)
{
	return db != NULL && !db->broken && PQstatus(db->pg) == CONNECTION_OK;
}

/* ----------------------------------------------------- notifications */

int hh_db_listen(struct hh_db *db, char *err, size_t errlen)
{
	struct db_ctx x = {.db = db, .err = err, .errlen = errlen};
	return hh_db_command(&x, "LISTEN " HH_DB_CONTENT_CHANNEL, 0, NULL) < 0 ? -1 : 0;
}

/* Takes every notification libpq has read; raises *version to the highest announced. */
static void take_notifications(struct hh_db *db, int64_t *version)
{
	PGnotify *n;
	while ((n = PQnotifies(db->pg)) != NULL) {
		long long v = 0;
		if (hh_parse_int(n->extra, 0, INT64_MAX, &v) == 0 && v > *version)
			*version = v;
		PQfreemem(n);
	}
}

int hh_db_wait_notify(struct hh_db *db, int wake_fd, long ms, int64_t *version, char *err, size_t errlen)
{
	struct db_ctx x = {.db = db, .err = err, .errlen = errlen};
	/* a notification may have arrived with an earlier answer: it is already read */
	take_notifications(db, version);
	struct pollfd p[2] = {{.fd = PQsocket(db->pg), .events = POLLIN}, {.fd = wake_fd, .events = POLLIN}};
	if (poll(p, 2, (int)ms) <= 0)
		return 0; /* timeout, or EINTR: the caller's loop comes back */
	if (!(p[0].revents & (POLLIN | POLLERR | POLLHUP)))
		return 0;
	/* the socket is readable, so this reads what is there and does not wait */
	if (PQconsumeInput(db->pg) == 0) {
		db->broken = 1;
		hh_db_set_err(&x, "notifications", PQerrorMessage(db->pg));
		return -1;
	}
	take_notifications(db, version);
	return 0;
}

/* ------------------------------------------------------------- version */

enum hh_status hh_db_content_version(struct hh_db *db, int64_t *version, char *err, size_t errlen)
{
	struct db_ctx x = {.db = db, .err = err, .errlen = errlen};
	PGresult *r = hh_db_exec(&x, "SELECT coalesce(max(version), 0) FROM content_versions", 0, NULL, PGRES_TUPLES_OK,
				 NULL);
	if (r == NULL)
		return x.rc;
	enum hh_status rc = HH_NOT_MIGRATED;
	long long v = 0;
	if (PQntuples(r) != 1 || hh_parse_int(PQgetvalue(r, 0, 0), 0, INT64_MAX, &v) < 0) {
		hh_db_set_err(&x, "content_versions", "bad version");
		rc = HH_ERR;
		goto out;
	}
	if (v == 0) {
		hh_db_set_err(&x, "content_versions", "no content loaded yet");
		goto out;
	}
	*version = v;
	rc = 0;
out:
	PQclear(r);
	return rc;
}
