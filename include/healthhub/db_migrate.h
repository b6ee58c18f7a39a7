/*
 * db_migrate.h - the statements `healthhub migrate` runs, so that migrate.c
 * decides and prints while the db module alone speaks SQL to libpq.
 *
 * Everything between hh_db_migrate_begin() and hh_db_migrate_commit() is one
 * transaction, serialised against other migrates by an advisory lock;
 * hh_db_migrate_rollback() undoes all of it. Errors fill err with one line
 * for the administrator: what was being written (a file, "migrations/NAME:LINE"
 * for a failing migration), PostgreSQL's message and its detail.
 */
#ifndef HEALTHHUB_DB_MIGRATE_H
#define HEALTHHUB_DB_MIGRATE_H

#include <stddef.h>

#include "healthhub/common.h"
#include "healthhub/content.h"
#include "healthhub/db.h"
#include "healthhub/migrate_plan.h"

/* BEGIN, the advisory lock, and schema_migrations created if missing. 0 or -1 (err filled). */
int hh_db_migrate_begin(struct hh_db *db, char *err, size_t errlen) HH_MUSTCHECK;

/* COMMIT. 0 or -1 (err filled; nothing was committed). */
int hh_db_migrate_commit(struct hh_db *db, char *err, size_t errlen) HH_MUSTCHECK;

/* ROLLBACK, best effort: the transaction dies with the connection anyway. */
void hh_db_migrate_rollback(struct hh_db *db);

/* (key, checksum) pairs read from the database; owns the items and their strings. */
struct hh_db_sums {
	struct hh_plan_item *v; /* owned, as are v[i].key and v[i].sum */
	size_t n;
};

void hh_db_sums_free(struct hh_db_sums *s);

/*
 * Reads what the database holds for kind (migrations applied, content files
 * loaded, entity checksums), ordered by key COLLATE "C". When missing_ok, a
 * database never migrated (no such table) reads as empty. Fills *out (free
 * with hh_db_sums_free(), also on failure). 0 or -1 (err filled).
 */
int hh_db_migrate_sums(struct hh_db *db, enum hh_plan_kind kind, int missing_ok, struct hh_db_sums *out,
		       char *err, size_t errlen) HH_MUSTCHECK;

/*
 * Runs a migration file's SQL as it is (several statements, trusted) and
 * records name and checksum in schema_migrations. 0 or -1 (err names the
 * file and the line of the failing statement).
 */
int hh_db_migrate_apply(struct hh_db *db, const char *name, const char *sql, const char *checksum, char *err,
			size_t errlen) HH_MUSTCHECK;

/* A validated content and what was derived from it, to be written. All borrowed. */
struct hh_db_content_write {
	const struct hh_content *c;
	const struct hh_content_files *files;
	const char (*symptom_sums)[65]; /* one per c->symptoms */
	const char (*rule_sums)[65];    /* one per c->policy.rules */
	const char *policy_sum;
	const struct hh_plan *plan;     /* its removed articles, causes and remedies are deleted */
};

/*
 * Writes what w->plan says changed, and nothing else: added and changed
 * articles, causes and remedies (with the lists they own) are rewritten and
 * tagged changed_in = the new version, removed ones deleted and recorded in
 * content_removed, the triage rows rewritten only when a triage file
 * changed; refreshes the search vectors of the written articles, records
 * the changed content files, ANALYZEs the tables of the kinds of which 2%
 * or more changed (a first load: all),
 * bumps content_state.version into *version and notifies
 * HH_DB_CONTENT_CHANNEL with it (both take effect at COMMIT). 0 or -1 (err
 * filled).
 */
int hh_db_migrate_write(struct hh_db *db, const struct hh_db_content_write *w, long long *version, char *err,
			size_t errlen) HH_MUSTCHECK;

/*
 * content_state's version (and, when updated is not NULL, its updated_at as
 * text). Returns 0, HH_DB_NOT_MIGRATED when the table or its row is missing,
 * or -1 (err filled).
 */
int hh_db_migrate_state(struct hh_db *db, long long *version, char *updated, size_t updated_len, char *err,
			size_t errlen) HH_MUSTCHECK;

#endif
