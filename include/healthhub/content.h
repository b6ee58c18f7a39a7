/*
 * content.h - the content model: articles, causes, remedies and the triage
 * ruleset, as plain immutable data.
 *
 * One struct, two sources: the content files (loader.h, used by migrate) and
 * PostgreSQL (db.h, used by the server) both produce a struct hh_content.
 * Everything in it, strings and arrays alike, lives in the content's own
 * arena and is released by hh_content_free(); nothing inside is owned
 * separately. Once a server publishes a content, it is read-only and may be
 * shared by every thread.
 */
#ifndef HEALTHHUB_CONTENT_H
#define HEALTHHUB_CONTENT_H

#include <stddef.h>
#include <stdint.h>

#include "healthhub/common.h"

/* Triage levels, least to most urgent: the order is the ranking. */
enum hh_level {
	HH_LEVEL_SELF_CARE = 0,
	HH_LEVEL_SEE_DOCTOR = 1,
	HH_LEVEL_URGENT = 2,
	HH_LEVEL_EMERGENCY = 3,
};
#define HH_LEVEL_COUNT 4

/* Positions and regions are small closed sets, kept as bit masks. */
enum hh_position {
	HH_POS_STANDING = 1u << 0,
	HH_POS_SITTING = 1u << 1,
	HH_POS_LYING_DOWN = 1u << 2,
};
#define HH_POSITION_COUNT 3

enum hh_region {
	HH_REGION_UPPER_BACK = 1u << 0,
	HH_REGION_MIDDLE_BACK = 1u << 1,
};
#define HH_REGION_COUNT 2

enum hh_category {
	HH_CATEGORY_RED_FLAG = 0,
	HH_CATEGORY_PATTERN = 1,
};

/* A list of arena strings. */
struct hh_strv {
	const char **v; /* n entries, never NULL entries */
	size_t n;
};

/* 1 when both are NULL or both hold the same text. */
int hh_str_same(const char *a, const char *b);
/* 1 when both lists hold the same texts in the same order. */
int hh_strv_same(const struct hh_strv *a, const struct hh_strv *b);

struct hh_reference {
	const char *title; /* e.g. "Back pain - NHS" */
	const char *url;   /* absolute https URL */
};

struct hh_reference_list {
	struct hh_reference *v;
	size_t n;
};

struct hh_section {
	const char *id;      /* kebab-case anchor, unique in its article */
	const char *heading; /* plain text */
	const char *body;    /* plain text; paragraphs separated by "\n\n" */
};

/*
 * A text's clinical sign-off (healthhub approve), from the database: every
 * answer says it ("review"). state NULL: read from files, never signed off.
 */
struct hh_review {
	const char *state;       /* "approved" or "pending" */
	const char *approved_at; /* RFC 3339 UTC; NULL when pending */
	const char *role;        /* the approver's role (never their name); NULL when pending */
};

struct hh_article {
	const char *slug;
	const char *title;
	const char *summary;
	struct hh_strv alternate_names;
	struct hh_section *sections;
	size_t n_sections;
	struct hh_strv causes;   /* cause slugs, in display order */
	struct hh_strv remedies; /* remedy slugs, in display order */
	unsigned positions;      /* enum hh_position bits */
	unsigned regions;        /* enum hh_region bits */
	struct hh_reference_list references;
	const char *reviewed_at;        /* YYYY-MM-DD */
	const char *next_review_due;    /* YYYY-MM-DD */
	const char *updated_at;         /* RFC 3339 UTC; from the database, NULL from files */
	int64_t version;                /* bumped when this article changes; 0 from files */
	const char *translation_review; /* a translation's review state ("pending", "reviewed"); English: NULL */
	const char *checksum;           /* sha256 hex of the canonical entity; set by loaders */
	int copied;                     /* 1: copied unchanged from the previous content (hh_content_copy_*) */
	struct hh_review review;        /* its sign-off */
	const char *lang; /* in a variant of another language: "en" when it has no translation; else NULL */
};

struct hh_cause {
	const char *slug;
	const char *name;
	const char *summary;
	const char *description;
	unsigned positions;
	unsigned regions;
	struct hh_strv remedies;   /* remedy slugs: the one place links are declared */
	const char *see_doctor_if; /* plain text or NULL */
	struct hh_reference_list references;
	const char *translation_review; /* a translation's review state ("pending", "reviewed"); English: NULL */
	const char *checksum;
	int copied;              /* 1: copied unchanged from the previous content */
	struct hh_review review; /* its sign-off */
	const char *lang;        /* in a variant of another language: "en" when it has no translation; else NULL */
};

struct hh_remedy {
	const char *slug;
	const char *name;
	const char *summary;
	const char *description;
	struct hh_strv steps;
	struct hh_strv causes; /* derived: causes whose remedies[] name this one */
	struct hh_reference_list references;
	const char *translation_review; /* a translation's review state ("pending", "reviewed"); English: NULL */
	const char *checksum;
	int copied;              /* 1: copied unchanged from the previous content */
	struct hh_review review; /* its sign-off */
	const char *lang;        /* in a variant of another language: "en" when it has no translation; else NULL */
};

/* How strongly a pattern code points at a cause, 1..100. */
struct hh_weight {
	const char *cause; /* cause slug */
	int weight;
};

/*
 * An inclusive range of a request number (age or duration_days). A range
 * not given tests nothing; a range given is never met by a number the
 * request does not give.
 */
struct hh_range {
	int given; /* 0: no bound (a zeroed struct is no bound) */
	long long min, max;
};

/* Whether v (-1: not given) is inside r; a range not given holds for every v. */
int hh_range_holds(const struct hh_range *r, long long v);

struct hh_symptom {
	const char *code;     /* snake_case */
	const char *question; /* what an app asks, plain language */
	enum hh_category category;
	enum hh_level level;        /* least level this code alone raises to; self_care for patterns */
	const char *message;        /* red flags: what to do, plain language; patterns: NULL */
	struct hh_reference source; /* red flags: required; patterns: title/url may be NULL */
	struct hh_weight *weights;  /* patterns: causes this code points at */
	size_t n_weights;
	/* red flags: the ages it applies to; outside them it is not asked and counts as answered no */
	struct hh_range ages;
	const char *checksum; /* hh_sha256_json of its object; set by the file loader */
};

/* A rule over a number in the request (age, duration_days). */
enum hh_rule_field {
	HH_RULE_AGE = 0,
	HH_RULE_DURATION_DAYS = 1,
};

/*
 * A rule of policy.json "rules": a number rule fires when the request's
 * number is within [min, max]; a floor rule fires when a red flag at
 * unknown_level or above is answered "I don't know" (an unknown emergency
 * sign makes the answer at least urgent).
 */
enum hh_rule_kind {
	HH_RULE_NUMBER = 0,
	HH_RULE_UNKNOWN_FLOOR = 1,
};

struct hh_rule {
	const char *code; /* e.g. "age_50_or_over" */
	enum hh_rule_kind kind;
	enum hh_rule_field field; /* number rules */
	long long min;            /* number rules: fires when min <= value <= max */
	long long max;
	enum hh_level unknown_level; /* floor rules: the least level of a red flag whose "I don't know" fires it */
	enum hh_level level;
	const char *message;
	struct hh_reference source;
	const char *checksum; /* hh_sha256_json of its object; set by the file loader */
};

/*
 * A combination rule: red flags that matter more together than apart. It
 * fires when every code of all_of is reported and, when any_of is not
 * empty, at least one of any_of, and the request's age and duration_days
 * are within the rule's ranges (a range is never met by a number not
 * given); it then raises the level to at least its own (it never lowers
 * anything). The loader checks that every code is a red flag and that the
 * rule can raise the level above what its parts give.
 *
 * A route rule (route != NULL) raises nothing: when its condition holds
 * and the answer's level is exactly its level, its route replaces the
 * level's advice (pregnant with an urgent sign: the maternity route).
 */
struct hh_combination {
	const char *code;              /* snake_case; shares the name space of symptoms and rules */
	struct hh_strv all_of;         /* red flag codes, every one must be reported; may be empty */
	struct hh_strv any_of;         /* red flag codes, one is enough; empty: no such condition */
	struct hh_range age;           /* inclusive; not given: any age */
	struct hh_range duration_days; /* inclusive; not given: any duration */
	enum hh_level level;           /* raised to; a route rule: the level it applies at */
	const char *route;             /* a route rule's advice; NULL: the rule raises the level */
	const char *message;           /* why together they matter, and what to do */
	struct hh_reference source;
	const char *checksum; /* hh_sha256_json of its object; set by the file loader */
};

struct hh_policy {
	const char *disclaimer;
	const char *advice[HH_LEVEL_COUNT]; /* indexed by enum hh_level */
	struct hh_rule *rules;
	size_t n_rules;
	struct hh_combination *combinations; /* in file order */
	size_t n_combinations;
	int max_causes;   /* how many likely causes an answer lists */
	int max_remedies; /* how many remedies an answer lists */
	/* hh_sha256_json of policy.json without "rules" and "combinations"; set by the file loader */
	const char *checksum;
};

/*
 * The guided interview (content/triage/interview.json): the questions an
 * app is asked to show, in asking order. A "multiple" question groups red
 * flags of one level (or the patterns) on one screen, each item with its
 * own text; an "integer" question asks for age or duration_days. The
 * loader checks that every red flag and every pattern is on exactly one
 * multiple question, of its own level (or "pattern").
 */
enum hh_question_type {
	HH_QUESTION_MULTIPLE = 0,
	HH_QUESTION_INTEGER = 1,
	HH_QUESTION_EACH = 2, /* items as multiple, each answered yes, no or "I don't know" */
};

struct hh_question_item {
	const char *code;                 /* a symptom code */
	const char *text;                 /* what the screen shows for it, plain language */
	const struct hh_symptom *symptom; /* code's symptom, set by hh_content_finish (NULL if none) */
};

struct hh_question {
	const char *id; /* snake_case, unique */
	enum hh_question_type type;
	const char *text;               /* e.g. "Do you have any of these?" */
	int covers;                     /* multiple: the enum hh_level of its red flags, or -1 for the patterns */
	struct hh_question_item *items; /* multiple: in showing order */
	size_t n_items;
	enum hh_rule_field field; /* integer: what it asks for */
	long long min, max;       /* integer: the bounds the request accepts */
	const char *checksum;     /* hh_sha256_json of its object; set by the file loader */
};

#define HH_QUESTION_PATTERNS (-1) /* hh_question.covers of the optional pattern screen */

/*
 * Languages the service has, one row each: X(ID, code, folder, stemmer,
 * name). code: ISO 639-1, as in ?lang=, Content-Language and documents;
 * folder: where its files are in the content folder ("" for English);
 * stemmer: the Snowball algorithm its search stems with; name: in English.
 * English is the reference, the first row: its files are the source of every
 * non-text field; another language's files carry the same fields with the
 * texts translated, and may cover part of the library. Adding a language is
 * a row here, its content files, its search stop words (search_stop.c) and
 * its free-text reader's words (textparse_lang.c).
 */
#define HH_LANGS(X)                                   \
	X(HH_LANG_EN, "en", "", "english", "English") \
	X(HH_LANG_ES, "es", "es/", "spanish", "Spanish")

/* clang-format off */
enum hh_lang {
#define HH_LANG_ENUM(id, code, folder, stemmer, name) id,
	HH_LANGS(HH_LANG_ENUM)
#undef HH_LANG_ENUM
	HH_LANG_COUNT
};
/* clang-format on */

/* " en es": every language's code, for messages that list them (a string literal). */
#define HH_LANG_CODE_LIST(id, code, folder, stemmer, name) " " code
#define HH_LANG_CODES HH_LANGS(HH_LANG_CODE_LIST)

/* One entry of a country's "citations": what one rule or entity cites there. */
enum hh_citation_kind {
	HH_CITE_TRIAGE = 0, /* a red flag, rule or combination code: refs has 0 or 1 entry */
	HH_CITE_ARTICLE = 1,
	HH_CITE_CAUSE = 2,
	HH_CITE_REMEDY = 3,
};

struct hh_citation {
	enum hh_citation_kind kind;
	const char *key;               /* code or slug */
	struct hh_reference_list refs; /* empty: cites nothing in this country */
};

/*
 * A country's care routes (content/countries/CC.json): the terms a text's
 * {placeholder} stands for, per language. Every country has the same keys
 * (the loader checks), so any text resolves in any country.
 */
struct hh_country {
	const char *code;             /* ISO 3166-1 alpha-2, upper case: "GB" */
	const char *emergency_number; /* what a triage answer's call button dials */
	const char *name[HH_LANG_COUNT];
	struct hh_strv keys;                /* term keys, sorted */
	const char **values[HH_LANG_COUNT]; /* values[lang][i] is keys.v[i] in lang */
	struct hh_reference_list sources;
	/*
	 * What this country's answers cite (countries/CC.json "citations"):
	 * with has_citations, a red flag, rule, combination, article, cause or
	 * remedy cites what its entry says here, and nothing when it has no
	 * entry or a null one (never another country's page); without, the
	 * content's own sources. See citations.c.
	 */
	int has_citations;
	struct hh_citation *citations; /* sorted by kind, then key */
	size_t n_citations;
	const char *checksum; /* sha256 hex of the file's bytes */
};

/* A language or country file kept as read, for storage (db_migrate.c) and reload (db_load.c). */
struct hh_i18n_doc {
	const char *path; /* relative to the content folder: "countries/GB.json", "es/causes/x.json" */
	const char *body; /* the file's bytes, NUL-terminated */
	const char *checksum;
};

struct hh_arena;
struct hh_phrasebook;

struct hh_content {
	struct hh_article *articles; /* sorted by slug */
	size_t n_articles;
	struct hh_cause *causes; /* sorted by slug */
	size_t n_causes;
	struct hh_remedy *remedies; /* sorted by slug */
	size_t n_remedies;
	struct hh_symptom *symptoms; /* red flags by level (most urgent first), then patterns; in file order within */
	size_t n_symptoms;
	struct hh_policy policy;
	struct hh_question *questions; /* the interview, in asking order; none without interview.json */
	size_t n_questions;
	/* The words that name each code, per language (phrases.h): the base's own; a variant borrows them. */
	const struct hh_phrasebook *phrases[HH_LANG_COUNT];
	int64_t version;             /* content version from the database; 0 from files */
	const char *ruleset_version; /* hex digest of symptoms + policy (combinations included) */
	/* Countries and languages. */
	struct hh_country *countries; /* sorted by code; none: texts must hold no placeholder */
	size_t n_countries;
	struct hh_i18n_doc *docs; /* every file read from a folder (migrate stores them); none from the database */
	size_t n_docs;
	/* The other languages' texts: translations[HH_LANG_ES] is a whole content whose texts are
	 * Spanish (non-text fields equal this one's). [HH_LANG_EN] is NULL. Owned. */
	struct hh_content *translations[HH_LANG_COUNT];
	const char *translation_review; /* a translation: "pending" or "reviewed" (its triage files); else NULL */
	struct hh_review triage_review; /* the ruleset's sign-off */
	/* A variant (hh_i18n_variant): texts resolved for one language and country. */
	enum hh_lang lang;
	const struct hh_country *country; /* borrowed from the base; NULL: not a variant */
	/* A variant of another language: its country's English variant, which answers what this one has
	 * no translation of (an untranslated article is English throughout, its red flags and links too).
	 * Borrowed from the same snapshot family, which outlives every answer built from it; else NULL. */
	const struct hh_content *english;
	struct hh_arena *arena; /* owns every byte above */
};

/* New empty content with its arena. Never NULL (aborts on OOM). */
struct hh_content *hh_content_new(void);
/* Frees the content and everything in its arena. NULL is allowed. */
void hh_content_free(struct hh_content *c);

/* Arena allocation: memory lives until hh_content_free(). */
void *hh_content_alloc(struct hh_content *c, size_t n);
const char *hh_content_strdup(struct hh_content *c, const char *s); /* NULL -> NULL */
const char *hh_content_strndup(struct hh_content *c, const char *s, size_t n);

/*
 * After filling articles/causes/remedies/symptoms: sort by slug, derive
 * remedy->causes from cause->remedies, order symptoms, point interview
 * items at their symptoms, compute ruleset_version. Call once, before
 * publishing.
 */
void hh_content_finish(struct hh_content *c);

/*
 * Deep copies of src (borrowed, any content) into *dst with every byte in
 * c's arena, for reloads that read only what changed; each is marked
 * copied, which lets a snapshot share its answers. A remedy's derived
 * causes are left empty: hh_content_finish() derives them again.
 */
/* How many of c's English entities (articles, causes, remedies, the triage ruleset) are not signed off. */
size_t hh_content_unapproved(const struct hh_content *c);

void hh_content_copy_article(struct hh_content *c, struct hh_article *dst, const struct hh_article *src);
void hh_content_copy_cause(struct hh_content *c, struct hh_cause *dst, const struct hh_cause *src);
void hh_content_copy_remedy(struct hh_content *c, struct hh_remedy *dst, const struct hh_remedy *src);

/* Lookups by slug or code (binary search / linear for symptoms): borrowed or NULL. */
const struct hh_article *hh_content_article(const struct hh_content *c, const char *slug);
const struct hh_cause *hh_content_cause(const struct hh_content *c, const char *slug);
const struct hh_remedy *hh_content_remedy(const struct hh_content *c, const char *slug);
const struct hh_symptom *hh_content_symptom(const struct hh_content *c, const char *code);

/* Names <-> enums. *_name returns a static string; *_parse returns 0 or -1. */
const char *hh_level_name(enum hh_level l);
int hh_level_parse(const char *s, enum hh_level *out) HH_MUSTCHECK;
const char *hh_category_name(enum hh_category c);
int hh_category_parse(const char *s, enum hh_category *out) HH_MUSTCHECK;
const char *hh_position_name(unsigned bit); /* one bit */
int hh_position_parse(const char *s, unsigned *bit) HH_MUSTCHECK;
const char *hh_region_name(unsigned bit);
int hh_region_parse(const char *s, unsigned *bit) HH_MUSTCHECK;
const char *hh_rule_field_name(enum hh_rule_field f);
int hh_rule_field_parse(const char *s, enum hh_rule_field *out) HH_MUSTCHECK;
const char *hh_question_type_name(enum hh_question_type t);
int hh_question_type_parse(const char *s, enum hh_question_type *out) HH_MUSTCHECK;

/* Format checks shared by loader, router and validation. */
int hh_is_slug(const char *s); /* lower-case kebab-case, 1..64 chars */
int hh_is_code(const char *s); /* lower-case snake_case, 1..64 chars */

#endif
