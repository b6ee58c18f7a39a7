/*
 * docstore.h - the content as documents: what `healthhub migrate` stores and
 * every server reads back (migrations/0010_documents.sql). Pure: no I/O, no
 * database, so the unit tests feed it literals.
 *
 * A document is one entity in one language, as canonical JSON (compact,
 * keys sorted): article/SLUG, cause/SLUG, remedy/SLUG, country/CC, and
 * `triage`, the whole ruleset, an object of its files ({"policy.json": ...,
 * "symptoms.json": ...}). A content folder's files and a set of documents
 * convert into each other, so the server reads documents through the same
 * loader (hh_loader_read_docs) that checked the files.
 */
#ifndef HEALTHHUB_DOCSTORE_H
#define HEALTHHUB_DOCSTORE_H

#include <stddef.h>
#include <stdio.h>

#include "healthhub/common.h"
#include "healthhub/content.h"

struct hh_doc {
	char *name;        /* "article/x", "triage", "country/GB"; owned */
	char lang[8];      /* "en", "es" */
	char *body;        /* canonical JSON; NULL: the entity was removed; owned */
	char checksum[65]; /* sha256 of body; "" when removed */
	long long version; /* the content version that introduced it; 0: not stored yet */
};

struct hh_docs {
	struct hh_doc *v; /* sorted by (name, lang) */
	size_t n;
};

void hh_docs_free(struct hh_docs *d);

/* Adds a document (copies name and body; body NULL: removed), computing its checksum. */
void hh_docs_add(struct hh_docs *d, const char *name, const char *lang, const char *body, long long version);

/* Sorts by (name, lang); then hh_docs_find works. */
void hh_docs_sort(struct hh_docs *d);

/* The document of name in lang, or NULL. d sorted. */
const struct hh_doc *hh_docs_find(const struct hh_docs *d, const char *name, const char *lang);

/* The kind of a document name: "article", "triage"... (written into kind, at most len bytes). */
void hh_doc_kind(const char *name, char *kind, size_t len);

/*
 * The document a content file belongs to: "es/causes/x.json" -> name
 * "cause/x", lang "es"; "triage/policy.json" -> "triage", member
 * "policy.json". 0, or -1 for a path no document holds.
 */
int hh_doc_of_path(const char *path, char *name, size_t name_len, char lang[8], const char **member) HH_MUSTCHECK;

/*
 * Groups a folder's files (path, body) into documents, canonical and
 * checksummed, sorted. canonical_in: the bodies are canonical already (the
 * loader's kept files: not parsed again; with checksums, which are taken;
 * a file with no body stands for its document by that checksum alone, a
 * file the loader knew unchanged). 0, or -1 when a file is not JSON
 * or its path names no document (the loader refuses both first).
 */
int hh_docs_from_files(const struct hh_i18n_doc *files, size_t n, int canonical_in, struct hh_docs *out) HH_MUSTCHECK;

/* One file a document stands for: path relative to the content folder, body owned. */
struct hh_doc_file {
	char *path;
	char *body;
	char checksum[65]; /* the document's, for a file that is a whole document as stored; else "" */
};

struct hh_doc_files {
	struct hh_doc_file *v;
	size_t n;
};

void hh_doc_files_free(struct hh_doc_files *f);

/*
 * The files of the documents that are present (removed ones have none), in
 * path order; bodies compact, or indented for people when pretty. 0, or -1
 * on a document that is not JSON.
 */
int hh_docs_to_files(const struct hh_docs *d, int pretty, struct hh_doc_files *out) HH_MUSTCHECK;

/* A borrowed view of files as the loader reads them (valid while files lives). Caller frees the array. */
struct hh_i18n_doc *hh_doc_files_view(const struct hh_doc_files *files);

/*
 * Prints what changed from JSON a to JSON b field by field, one line each,
 * "INDENTpath: OLD -> NEW" (added: "(none) -> NEW"; removed: "OLD -> (none)"),
 * long values cut. Either may be NULL (the whole document added or
 * removed). Returns the number of lines printed (0: the same).
 */
size_t hh_doc_diff(const char *a, const char *b, const char *indent, FILE *out);

/*
 * A reference NAME[@VERSION|@DATE]: "article/x@12" (version 12),
 * "triage@2026-11-20" or "...@2026-11-20T10:00:00Z" (date copied), or
 * "cause/y" (neither). 0, or -1 when malformed.
 */
int hh_doc_ref_parse(const char *s, char *name, size_t name_len, long long *version, char *date,
		     size_t date_len) HH_MUSTCHECK;

#endif
