/*
 * loader.h - reads and validates a content folder (content/README.md is the
 * format) into a struct hh_content. Pure: files in, data and diagnostics out;
 * no database.
 *
 * Every problem in every file is reported, not just the first, each as
 * "file:line: field: message" (file relative to the content folder).
 */
#ifndef HEALTHHUB_LOADER_H
#define HEALTHHUB_LOADER_H

#include <stddef.h>

#include "healthhub/common.h"
#include "healthhub/content.h"
#include "healthhub/diags.h" /* the problems a read reports */

/* One file that was read, with the sha256 of its bytes. */
struct hh_content_file {
	char *path; /* relative to the content folder */
	char checksum[65];
};

struct hh_content_files {
	struct hh_content_file *v; /* sorted by path */
	size_t n;
};

void hh_content_files_free(struct hh_content_files *f);

/*
 * Reads every content file under dir. On success returns 0, *out is a new
 * finished content (hh_content_finish done; caller frees) and *files lists the
 * files read (caller frees). On any problem returns -1, *out is NULL, and
 * diags holds every problem found. The entity checksums (article->checksum
 * etc.) are the sha256 of the entity's canonical JSON, so an edit that only
 * changes white space changes no checksum.
 */
int hh_loader_read_dir(const char *dir, struct hh_content **out, struct hh_content_files *files,
		       struct hh_diags *diags) HH_MUSTCHECK;
/* (Every file read is also kept whole in (*out)->docs, for migrate to store as documents.) */

/*
 * hh_loader_read_dir, except for the article, cause and remedy files in
 * known (path and checksum of the document each makes, sorted by path):
 * checked by an earlier run and unchanged, so they are listed (links to them
 * hold) and kept in (*out)->docs with that checksum and no body, but not
 * read: *out holds only the entities read, and the checks that would need
 * the known files' contents (a country's citations) are skipped. The caller
 * vouches that nothing those checks depend on changed (migrate.c).
 */
int hh_loader_read_dir_known(const char *dir, const struct hh_i18n_doc *known, size_t n_known, struct hh_content **out,
			     struct hh_content_files *files, struct hh_diags *diags) HH_MUSTCHECK;

/*
 * Validates one file's bytes as content of the kind its relative path names
 * (e.g. "causes/x.json"), with no cross-reference checks. For the fuzzer and
 * unit tests. Returns 0 when valid, -1 with diags otherwise.
 */
int hh_loader_check_file(const char *relpath, const char *buf, size_t len, struct hh_diags *diags) HH_MUSTCHECK;

/*
 * Reads content from documents' files (docstore.h: hh_docs_to_files), sorted
 * by path, with the same schema as a folder: what a server does with the
 * documents it reads from the database. They may be some of the library
 * only (a reload reads what changed): the checks across files, which the
 * migrate that stored them ran, are skipped, and *out is NOT finished (the
 * caller merges, then calls hh_content_finish). docs are borrowed for the
 * call. 0, or -1 with diags filled.
 */
int hh_loader_read_docs(const struct hh_i18n_doc *docs, size_t n, struct hh_content **out,
			struct hh_diags *diags) HH_MUSTCHECK;

#endif
