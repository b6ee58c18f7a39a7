/*
 * jsonpos.h - line numbers for JSON paths. jansson keeps no positions for
 * values, so the loader scans a file's raw text (valid JSON by then) the
 * first time it needs a line, and maps every path ("sections[0].heading")
 * to the line of its key, for object members, or of its first character,
 * for array elements; the root ("") maps to the line of its opening brace.
 */
#ifndef HEALTHHUB_JSONPOS_H
#define HEALTHHUB_JSONPOS_H

#include <stddef.h>

#define HH_JSONPOS_PATH_LEN 256 /* JSON paths; longer ones are cut */

struct hh_jsonpos_entry {
	char *path; /* JSON path, "" for the root; owned */
	int line;   /* 1-based */
};

/* A zeroed struct is an empty, not yet built map. */
struct hh_jsonpos {
	struct hh_jsonpos_entry *v; /* sorted by path once built; owned */
	size_t n, cap;
	int built; /* the text was scanned */
};

/*
 * The line of path in buf (len bytes, borrowed; the same text on every call
 * for one map). The map is built on the first call. A path not in the map
 * (a missing field, a key written with \u escapes) falls back to its nearest
 * ancestor, so a missing field is reported at the line that opens its
 * enclosing object; text that does not scan leaves the map partial.
 */
int hh_jsonpos_line(struct hh_jsonpos *m, const char *buf, size_t len, const char *path);
void hh_jsonpos_free(struct hh_jsonpos *m);

#endif
