/*
 * migrate.h - `healthhub migrate` and `healthhub migrate status`.
 *
 * A run validates the content folder first and touches nothing if it is
 * invalid; then, in ONE transaction serialised by an advisory lock, it
 * applies pending migrations/NNNN_*.sql files (in name order, each recorded
 * with its sha256) and replaces the content rows with the folder's content,
 * bumping content_state.version and notifying HH_DB_CONTENT_CHANNEL. Either
 * everything is committed or nothing is.
 *
 * Migration files are trusted SQL run as they are: they must not contain
 * BEGIN/COMMIT, and an applied file must never be edited (add a new one).
 */
#ifndef HEALTHHUB_MIGRATE_H
#define HEALTHHUB_MIGRATE_H

#include <stdio.h>

#include "healthhub/common.h"

struct hh_migrate_opts {
	const char *database_url;   /* libpq string or URI; NULL: PG* environment */
	const char *migrations_dir; /* folder of NNNN_name.sql files */
	const char *content_dir;    /* content folder (content/README.md) */
	int dry_run;                /* report what would change, write nothing */
	const char *author;         /* recorded with the content version; NULL or "": user@host */
	const char *message;        /* recorded with the content version */
	const char *action;         /* "migrate" (NULL) or "rollback": recorded with the content version */
};

/*
 * Runs a migration. Progress goes to out, problems to err (file and field
 * named; SQL detail is for the administrator's terminal). Returns the
 * process exit code: 0 on success (including "up to date" and dry runs),
 * 1 on any failure, in which case the database is as it was.
 */
int hh_migrate_run(const struct hh_migrate_opts *o, FILE *out, FILE *err) HH_MUSTCHECK;

/*
 * Lists migrations (applied, pending, "changed!") and content files
 * (applied, pending, changed, removed) with their checksums, and the content
 * version. Reads only. Returns 0, or 1 when the database is unreachable or a
 * folder cannot be read.
 */
int hh_migrate_status(const struct hh_migrate_opts *o, FILE *out, FILE *err) HH_MUSTCHECK;

#endif
