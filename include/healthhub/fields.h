/*
 * fields.h - the generic checks every content schema is built from: one
 * JSON value or object member at a time, each problem reported as a
 * diagnostic at the line of its JSON path, and checking goes on.
 *
 * A checked string is copied into the content's arena (s->c) and returned;
 * NULL means missing or invalid, and then a diagnostic was written (unless
 * the member was optional and absent). Paths are JSON paths as the
 * diagnostics show them: "" is the root, "sections[0].heading" a member.
 */
#ifndef HEALTHHUB_FIELDS_H
#define HEALTHHUB_FIELDS_H

#include <stddef.h>

#include <jansson.h>

#include "healthhub/common.h"
#include "healthhub/content.h"
#include "healthhub/diags.h"
#include "healthhub/jsonpos.h"

#define HH_FIELD_PATH_LEN HH_JSONPOS_PATH_LEN /* JSON paths; longer ones are cut */
#define HH_FIELD_SHORT_LEN 72                 /* user text quoted in a message */
#define HH_FIELD_MAX_ITEMS 1000               /* per array or weights object */
#define HH_FIELD_MAX_SHOWN 100                /* diagnostics per file; beyond: counted */

/* Member flags, or-ed. */
enum {
	HH_FIELD_OPTIONAL = 0,
	HH_FIELD_REQUIRED = 1, /* a missing member is reported */
	HH_FIELD_NONEMPTY = 2, /* arrays: at least one item */
	HH_FIELD_UNIQUE = 4,   /* string arrays: no item twice */
};

/* One file being checked. The caller owns it and every pointer in it. */
struct hh_field_src {
	const char *rel; /* relative path, e.g. "causes/x.json"; borrowed */
	const char *buf; /* raw bytes, NUL-terminated; borrowed */
	size_t len;
	struct hh_content *c;   /* arena checked strings are copied into; borrowed */
	struct hh_diags *diags; /* where problems go; borrowed */
	size_t *total;          /* every problem of the run, shown or not; borrowed */
	size_t errors, shown;   /* this file's problems / diagnostics written */
	struct hh_jsonpos map;  /* lines of buf, built on the first diagnostic; owned */
	const char *checksum;   /* the whole file's entity checksum when known (a stored document's); borrowed */
};

/* Releases what checking s allocated (the position map), not s's pointers. */
void hh_field_src_free(struct hh_field_src *s);

/* ---- reporting */

/* path + "." + key, or path + "[i]"; over-long results end in "...". */
void hh_field_join_key(char out[HH_FIELD_PATH_LEN], const char *parent, const char *key);
void hh_field_join_index(char out[HH_FIELD_PATH_LEN], const char *parent, size_t i);
/* n is what snprintf wanted to write into out: marks a cut path with "...". */
void hh_field_path_fit(char out[HH_FIELD_PATH_LEN], int n);
/* User text made safe to quote in a one-line message; returns out. */
const char *hh_field_shorten(const char *s, char out[HH_FIELD_SHORT_LEN]);
/* A problem at the value with this JSON path (past HH_FIELD_MAX_SHOWN: only counted). */
void hh_field_fail(struct hh_field_src *s, const char *path, const char *fmt, ...) HH_PRINTF(3, 4);
/* A problem at a whole file's position (syntax errors): line and column as given. */
void hh_field_fail_at(struct hh_field_src *s, int line, int column, const char *fmt, ...) HH_PRINTF(4, 5);
/* "an object", "a string", ... for messages. */
const char *hh_field_type_name(const json_t *v);
void hh_field_wrong_type(struct hh_field_src *s, const char *path, const char *want, const json_t *v);

/* ---- objects */

/* Reports every key of obj not in allowed (NULL-terminated), with a "did you mean". */
void hh_field_keys(struct hh_field_src *s, json_t *obj, const char *path, const char *const *allowed);
/* Borrowed member or NULL; a missing HH_FIELD_REQUIRED member is reported. */
json_t *hh_field_member(struct hh_field_src *s, json_t *obj, const char *path, const char *key, int flags);
/* A member that must not be there is reported with the reason why. */
void hh_field_forbid(struct hh_field_src *s, json_t *obj, const char *path, const char *key, const char *why);

/* ---- values: each checks v (borrowed) at path and returns an arena copy or NULL */

typedef const char *(*hh_field_value_fn)(struct hh_field_src *s, json_t *v, const char *path);

/* Plain text: non-empty, trimmed, no control characters but newlines. */
const char *hh_field_text(struct hh_field_src *s, json_t *v, const char *path);
const char *hh_field_slug(struct hh_field_src *s, json_t *v, const char *path);
const char *hh_field_code(struct hh_field_src *s, json_t *v, const char *path);
/* YYYY-MM-DD naming a real calendar day. */
const char *hh_field_date(struct hh_field_src *s, json_t *v, const char *path);

/* ---- members of obj at path */

/* The member key checked by fn; NULL when missing or invalid. */
const char *hh_field_value_member(struct hh_field_src *s, json_t *obj, const char *path, const char *key, int flags,
				  hh_field_value_fn fn);
/* A required text member. */
const char *hh_field_text_member(struct hh_field_src *s, json_t *obj, const char *path, const char *key);
/* A required integer in [min, max]: 0 and *out set, or -1 (reported). */
int hh_field_int_member(struct hh_field_src *s, json_t *obj, const char *path, const char *key, long long min,
			long long max, long long *out) HH_MUSTCHECK;
/* "level" by name; red flags pass allow_self_care 0. A bad one leaves *out, reported. */
void hh_field_level_member(struct hh_field_src *s, json_t *obj, const char *path, int allow_self_care,
			   enum hh_level *out);
/* The member if it is an array of at most HH_FIELD_MAX_ITEMS (not empty if HH_FIELD_NONEMPTY). */
json_t *hh_field_array_member(struct hh_field_src *s, json_t *obj, const char *path, const char *key, int flags);
/*
 * A list of strings checked by fn, into out (arena). An invalid entry is
 * kept as NULL so the indexes still match the file (cross-reference
 * messages name them); a content with NULL entries is never handed out.
 */
void hh_field_strv_member(struct hh_field_src *s, json_t *obj, const char *path, const char *key, int flags,
			  hh_field_value_fn fn, struct hh_strv *out);

/* A vocabulary of names, each one bit (positions, regions). */
struct hh_field_bits {
	const char *what;                           /* "position" */
	int (*parse)(const char *s, unsigned *bit); /* hh_position_parse */
	const char *expected;                       /* for the message */
};

extern const struct hh_field_bits hh_field_positions;
extern const struct hh_field_bits hh_field_regions;

/* A required root-level list of names as a bit mask. */
unsigned hh_field_bits_member(struct hh_field_src *s, json_t *obj, const char *key, const struct hh_field_bits *k);
/* Root-level "references": [{title, url}...]. */
void hh_field_references_member(struct hh_field_src *s, json_t *obj, int flags, struct hh_reference_list *out);
/* "source": {title, url} of obj at path. */
/* One {title, url} object at path (url https). */
void hh_field_reference(struct hh_field_src *s, json_t *v, const char *path, struct hh_reference *out);
void hh_field_source_member(struct hh_field_src *s, json_t *obj, const char *path, int flags, struct hh_reference *out);

#endif
