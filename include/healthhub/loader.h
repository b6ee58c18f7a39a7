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
#include <stdio.h> /* FILE, for hh_diags_print */

#include "healthhub/common.h"
#include "healthhub/content.h"

struct hh_diag {
	char *file;    /* relative path, e.g. "causes/poor-posture.json" */
	int line;      /* 1-based; 0 when the problem is the file itself */
	int column;    /* 1-based for syntax errors, else 0 */
	char *field;   /* JSON path, e.g. "remedies[1]"; "" when none */
	char *message; /* plain text */
};

struct hh_diags {
	struct hh_diag *v;
	size_t n, cap;
};

void hh_diags_add(struct hh_diags *d, const char *file, int line, int column, const char *field,
		  const char *fmt, ...) HH_PRINTF(6, 7);
/* Writes each as "file:line[:column]: field: message\n". */
void hh_diags_print(const struct hh_diags *d, FILE *out);
void hh_diags_free(struct hh_diags *d);

/* One file that was read, with the sha256 of its bytes. */
struct hh_content_file {
	char *path;     /* relative to the content folder */
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

/*
 * Validates one file's bytes as content of the kind its relative path names
 * (e.g. "causes/x.json"), with no cross-reference checks. For the fuzzer and
 * unit tests. Returns 0 when valid, -1 with diags otherwise.
 */
int hh_loader_check_file(const char *relpath, const char *buf, size_t len, struct hh_diags *diags) HH_MUSTCHECK;

#endif
