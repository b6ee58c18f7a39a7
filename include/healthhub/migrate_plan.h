/*
 * migrate_plan.h - what a migrate would change, as a pure diff.
 *
 * Two descriptions of the same things, one from disk (migration files,
 * content files, the entities the content defines) and one from the
 * database (what was last applied or loaded), each a list of (key,
 * checksum) pairs per kind. The diff says, per kind, which keys were added,
 * changed, removed or left as they were. No I/O, no database: the unit test
 * feeds it literals. `migrate` decides from it and `migrate --dry-run` and
 * `migrate status` print it through hh_plan_print(), the one printer.
 */
#ifndef HEALTHHUB_MIGRATE_PLAN_H
#define HEALTHHUB_MIGRATE_PLAN_H

#include <stddef.h>
#include <stdio.h>

#include "healthhub/common.h"

#define HH_PLAN_KINDS(X)          \
	X(MIGRATION, "migration") \
	X(ARTICLE, "article")     \
	X(CAUSE, "cause")         \
	X(REMEDY, "remedy")       \
	X(TRIAGE, "triage")       \
	X(COUNTRY, "country")     \
	X(TRANSLATION, "translation")

enum hh_plan_kind {
#define X(id, name) HH_PLAN_##id,
	/* clang-format off */ /* the X-macro expands to "a, b, c," */
	HH_PLAN_KINDS(X)
#undef X
	HH_PLAN_KIND_COUNT
	/* clang-format on */
};

enum hh_plan_state {
	HH_PLAN_SAME,    /* on both sides with the same checksum */
	HH_PLAN_ADDED,   /* on disk only (a migration: pending) */
	HH_PLAN_CHANGED, /* on both sides, checksums differ */
	HH_PLAN_REMOVED, /* in the database only */
	HH_PLAN_STATE_COUNT
};

/* One thing as one side sees it. Both strings are borrowed. */
struct hh_plan_item {
	const char *key; /* name, path, slug or code */
	const char *sum; /* sha256 hex */
};

/* One side: a list per kind, in the order it should be printed (empty: kind not compared). */
struct hh_plan_side {
	const struct hh_plan_item *v[HH_PLAN_KIND_COUNT]; /* borrowed */
	size_t n[HH_PLAN_KIND_COUNT];
};

struct hh_plan_entry {
	enum hh_plan_kind kind;
	enum hh_plan_state state;
	const char *key; /* borrowed from a side */
	const char *sum; /* disk checksum; NULL when removed */
	const char *was; /* database checksum; NULL when added */
	long disk;       /* its index in the disk side's list of its kind; -1 when only the database has it */
};

/* The diff: disk order first, then what only the database holds, kind by kind. */
struct hh_plan {
	struct hh_plan_entry *v; /* owned */
	size_t n;
	size_t count[HH_PLAN_KIND_COUNT][HH_PLAN_STATE_COUNT];
};

/*
 * Diffs disk against db, kind by kind, matching items by key. Borrows every
 * string from the sides, which must outlive *out. A key listed twice on
 * one side counts once (its first checksum). Fills *out; free it with
 * hh_plan_free().
 */
void hh_plan_diff(const struct hh_plan_side *disk, const struct hh_plan_side *db, struct hh_plan *out);

void hh_plan_free(struct hh_plan *p);

/* The kind's name: "article". */
const char *hh_plan_kind_name(enum hh_plan_kind k);

/* Entries of kinds in mask (1u << kind) that are not HH_PLAN_SAME. */
size_t hh_plan_changes(const struct hh_plan *p, unsigned mask);

/* Entries of kinds in mask in the given state. */
size_t hh_plan_count(const struct hh_plan *p, unsigned mask, enum hh_plan_state state);

#define HH_PLAN_MASK(kind) (1u << (kind))
/* Every kind that is a content document (what --dry-run lists). */
#define HH_PLAN_ENTITIES (~HH_PLAN_MASK(HH_PLAN_MIGRATION) & (HH_PLAN_MASK(HH_PLAN_KIND_COUNT) - 1u))

enum hh_plan_style {
	HH_PLAN_CHANGES, /* "  cause changed: poor-posture", then the totals: migrate and --dry-run */
	HH_PLAN_LISTING, /* "  applied   <sha256> poor-posture", every entry: migrate status */
};

/* Prints the entries of the kinds in mask in style to out: the one place plans are printed. */
void hh_plan_print(const struct hh_plan *p, unsigned mask, enum hh_plan_style style, FILE *out);

#endif
