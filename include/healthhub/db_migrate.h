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
#include "healthhub/docstore.h"
#include "healthhub/migrate_plan.h"

/* A content file a migrate checked (migrations/0012_file_checks.sql). */
struct hh_db_check {
	char *path;          /* relative to the content folder */
	char *file_checksum; /* sha256 of its bytes */
	char *checksum;      /* the document it makes */
};

struct hh_db_checks {
	struct hh_db_check *v; /* owned, with their strings; sorted by path, then file_checksum (bytes) */
	size_t n;
};

void hh_db_checks_free(struct hh_db_checks *c);

/*
 * The files checker (a build's id) checked, outside any transaction: a
 * database without the table reads as none. 0 or -1 (err filled; *out empty).
 */
int hh_db_checks_read(struct hh_db *db, const char *checker, struct hh_db_checks *out, char *err,
		      size_t errlen) HH_MUSTCHECK;

/* Records n checked files (rows already there are kept). 0 or -1 (err filled). */
int hh_db_checks_write(struct hh_db *db, const char *checker, const struct hh_db_check *v, size_t n, char *err,
		       size_t errlen) HH_MUSTCHECK;

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
 * Reads the migrations applied (kind HH_PLAN_MIGRATION, the only kind kept
 * as sums; documents are read with hh_db_docs_at), ordered by name COLLATE "C". When missing_ok, a
 * database never migrated (no such table) reads as empty. Fills *out (free
 * with hh_db_sums_free(), also on failure). 0 or -1 (err filled).
 */
int hh_db_migrate_sums(struct hh_db *db, enum hh_plan_kind kind, int missing_ok, struct hh_db_sums *out, char *err,
		       size_t errlen) HH_MUSTCHECK;

/*
 * Runs a migration file's SQL as it is (several statements, trusted) and
 * records name and checksum in schema_migrations. 0 or -1 (err names the
 * file and the line of the failing statement).
 */
int hh_db_migrate_apply(struct hh_db *db, const char *name, const char *sql, const char *checksum, char *err,
			size_t errlen) HH_MUSTCHECK;

/* ------------------------------------------------------------ documents */

/*
 * The documents as of version as_of (0: the newest), newest per (name,
 * lang); only name's when name is not NULL; with their bodies when
 * with_body; removed entities included (body NULL, checksum ""). Sorted.
 * 0 or -1 (err filled; *out empty).
 */
int hh_db_docs_at(struct hh_db *db, long long as_of, const char *name, int with_body, struct hh_docs *out, char *err,
		  size_t errlen) HH_MUSTCHECK;

/*
 * Starts content version N = the newest + 1 (the one place a version is
 * computed), recording author, message and action ("migrate", "rollback").
 * *version = N. 0 or -1 (err filled).
 */
int hh_db_version_new(struct hh_db *db, const char *author, const char *message, const char *action, long long *version,
		      char *err, size_t errlen) HH_MUSTCHECK;

/* Stores d (body NULL: a removal) as introduced by version. 0 or -1 (err names the document). */
int hh_db_doc_write(struct hh_db *db, long long version, const struct hh_doc *d, char *err, size_t errlen) HH_MUSTCHECK;

/* NOTIFYs HH_DB_CONTENT_CHANNEL with version (delivered at COMMIT). 0 or -1. */
int hh_db_notify(struct hh_db *db, long long version, char *err, size_t errlen) HH_MUSTCHECK;

/*
 * An upgrade from the relational schema (0010_documents.sql): the content
 * files' checksums as last loaded, and the version then served; then the
 * table is dropped (hh_db_upgrade_done). *version 0 and no sums: no upgrade
 * pending. 0 or -1.
 */
int hh_db_upgrade_sums(struct hh_db *db, struct hh_db_sums *out, long long *version, char *err,
		       size_t errlen) HH_MUSTCHECK;
int hh_db_upgrade_done(struct hh_db *db, char *err, size_t errlen) HH_MUSTCHECK;

/* One content version as `history` lists it. */
struct hh_db_version {
	long long version;
	char created_at[40]; /* RFC 3339 UTC */
	char *author, *message, *action, *db_role;
	char *changed;    /* "article/x, triage...": the English documents it introduced */
	char *translated; /* "cause/y (es), ...": the translations it introduced, listed apart */
};

struct hh_db_versions {
	struct hh_db_version *v; /* newest first */
	size_t n;
};

void hh_db_versions_free(struct hh_db_versions *v);

/*
 * The newest limit versions (0: all), or only those that changed name
 * (lang: NULL any). 0 or -1.
 */
int hh_db_history(struct hh_db *db, const char *name, const char *lang, long long limit, struct hh_db_versions *out,
		  char *err, size_t errlen) HH_MUSTCHECK;

/* The newest version created at or before date (ISO 8601), into *version (0: none). 0 or -1. */
int hh_db_version_at(struct hh_db *db, const char *date, long long *version, char *err, size_t errlen) HH_MUSTCHECK;

/* A sign-off record to make (healthhub approve / revoke). Borrowed strings. */
struct hh_db_signoff {
	const char *action; /* "approve" or "revoke" */
	const char *name, *lang;
	long long version; /* NAME@VERSION: the document the entity had at that content version */
	const char *by;    /* the person */
	const char *role;  /* their role (approve) */
	const char *note;  /* --note, or the revocation's --reason */
};

/*
 * Records s in a transaction of its own, under migrate's lock: content
 * version *made_in (action approve or revoke, author s->by) and the record,
 * bound to the text's checksum; NOTIFY. *doc_version: the version that
 * introduced the text. Refuses an entity with no text at that version, an
 * approval of a text already signed off, a revocation of one that is not.
 * 0 or -1 (err filled; PostgreSQL's "permission denied" for a role without
 * the grant).
 */
int hh_db_signoff(struct hh_db *db, const struct hh_db_signoff *s, long long *made_in, long long *doc_version,
		  char *err, size_t errlen) HH_MUSTCHECK;

/* The newest documents whose text is not signed off (name, lang, version, checksum): English first. */
int hh_db_pending(struct hh_db *db, struct hh_docs *out, char *err, size_t errlen) HH_MUSTCHECK;

/*
 * The newest content version (and, when updated is not NULL, when it was
 * made, as text). Returns 0, HH_NOT_MIGRATED when the table or its row is missing,
 * or -1 (err filled).
 */
enum hh_status hh_db_migrate_state(struct hh_db *db, long long *version, char *updated, size_t updated_len, char *err,
				   size_t errlen) HH_MUSTCHECK;

#endif
