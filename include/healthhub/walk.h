/*
 * walk.h - how content files are found and read: the one place that decides
 * which files count and which are refused. The loader and `migrate status`
 * both read through here, so a file the loader refuses (a symbolic link,
 * a FIFO, more than HH_WALK_MAX_FILE bytes) is never checksummed as if it
 * were content.
 */
#ifndef HEALTHHUB_WALK_H
#define HEALTHHUB_WALK_H

#include <stddef.h>

#include "healthhub/common.h"

#define HH_WALK_MAX_FILE (1024 * 1024) /* bytes per content file */

/*
 * Reads dir/rel: regular files only (a symbolic link is refused, so content
 * cannot point outside the folder), at most HH_WALK_MAX_FILE bytes; opening
 * never blocks (a FIFO is refused, not waited on). Returns 0 with *out new
 * NUL-terminated bytes (caller frees) and *len their count, or -1 with *why
 * a new message for "rel: <why>" (caller frees), e.g. "is missing (every
 * content folder needs one)".
 */
int hh_walk_read(const char *dir, const char *rel, char **out, size_t *len, char **why) HH_MUSTCHECK;

/* File stems, sorted. */
struct hh_walk_names {
	char **v; /* owned */
	size_t n;
};

/*
 * The content files of dir/sub: "x.json" names that are not hidden, as
 * stems ("x"), sorted bytewise. Returns 0, or -1 with *why a new message
 * when the folder cannot be opened (caller frees).
 */
int hh_walk_list(const char *dir, const char *sub, struct hh_walk_names *out, char **why) HH_MUSTCHECK;
/* Is stem in names? */
int hh_walk_names_has(const struct hh_walk_names *names, const char *stem);
void hh_walk_names_free(struct hh_walk_names *names);

/* "x.json" (not hidden) -> new "x"; anything else (README.md) -> NULL. */
char *hh_walk_stem(const char *name);

#endif
