/*
 * loader_internal.h - what loader.c and loader_checks.c share: one load's
 * state. Private to the loader; the public API is include/healthhub/loader.h.
 */
#ifndef HEALTHHUB_LOADER_INTERNAL_H
#define HEALTHHUB_LOADER_INTERNAL_H

#include <stddef.h>

#include <jansson.h>

#include "healthhub/content.h"
#include "healthhub/diags.h"
#include "healthhub/fields.h"
#include "healthhub/i18n.h"
#include "healthhub/loader.h"
#include "healthhub/walk.h"

enum kind {
	KIND_ARTICLE,
	KIND_CAUSE,
	KIND_REMEDY,
	KIND_SYMPTOMS,
	KIND_POLICY,
	KIND_INTERVIEW,
	KIND_COUNTRY,
	KIND_PHRASES
};
#define ENTITY_KINDS 3 /* articles, causes, remedies: one file per entity */

static const char *const kind_dir[ENTITY_KINDS] __attribute__((unused)) = {"articles", "causes", "remedies"};
static const char *const kind_noun[ENTITY_KINDS] __attribute__((unused)) = {"article", "cause", "remedy"};
#define SYMPTOMS_PATH "triage/symptoms.json"
#define POLICY_PATH "triage/policy.json"
#define INTERVIEW_PATH "triage/interview.json"       /* optional: without it, no guided questions */
#define COMBINATIONS_PATH "triage/combinations.json" /* a language version's combination messages */
#define COUNTRIES_DIR "countries"
#define PHRASES_PATH "triage/phrases.json" /* optional, per language: the words of free text */

/* One file being checked. */
struct src {
	struct hh_field_src f; /* what the checks see; its pointers are rel, buf and the loader's */
	char *rel;             /* relative path, e.g. "causes/x.json"; owned */
	char *buf;             /* raw bytes, NUL-terminated; owned */
	enum kind kind;
	int has_entity; /* an article/cause/remedy slot was filled */
	size_t index;   /* that slot in L->c */
};

struct loader {
	const char *dir;        /* content folder; NULL for check_file */
	struct hh_content *c;   /* being filled; owned until handed out */
	struct hh_diags *diags; /* borrowed */
	size_t errors;          /* every problem found, shown or not */
	struct src **srcs;      /* every file parsed, in reading order */
	size_t n_srcs;
	struct src *symptoms, *policy, *interview; /* the triage files, if read */
	struct hh_walk_names names[ENTITY_KINDS];  /* which entity files exist */
	struct hh_content_files files;             /* raw checksums, for migrate */
	/* Language versions and countries. */
	const char *prefix;             /* "" for English, "es/" for a language version */
	const struct hh_i18n_doc *docs; /* read from these instead of dir (db_load.c); borrowed */
	size_t n_docs;
	json_t *combinations;            /* a language version's triage/combinations.json array; owned */
	struct hh_content *keep;         /* where raw i18n files are kept (the English content); borrowed */
	const struct hh_i18n_doc *known; /* entity files checked before (path, document checksum): not read */
	size_t n_known;
	size_t skipped; /* how many of them were there, over every language */
};

/*
 * The checks that need every file at once (loader_checks.c), run after every
 * file is read: codes unique across symptoms, rules and combinations;
 * every link to an existing file; combinations' parts; the interview's
 * screens. Each problem is a diagnostic on the file concerned.
 */
void hh_loader_check_codes(struct loader *L);
void hh_loader_check_references(struct loader *L);
void hh_loader_check_combinations(struct loader *L);
void hh_loader_check_interview(struct loader *L);

#endif
