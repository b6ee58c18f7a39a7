/*
 * i18n.h - texts for the reader's language and country.
 *
 * Content texts name care services only through {placeholders} ("Call
 * {emergency_number} now."); a country file gives each placeholder's words
 * per language. Everything here is pure: no I/O, no globals.
 */
#ifndef HEALTHHUB_I18N_H
#define HEALTHHUB_I18N_H

#include <stddef.h>

#include "healthhub/common.h"
#include "healthhub/content.h"

/* The code of l ("en", "es"): static. The rows of HH_LANGS are read only through these. */
const char *hh_lang_name(enum hh_lang l);
/* Where l's files are in the content folder: "" for English, "es/": static. */
const char *hh_lang_folder(enum hh_lang l);
/* The Snowball algorithm l's search stems with ("english", "spanish"): static. */
const char *hh_lang_stemmer(enum hh_lang l);
/* The language whose folder path (relative to the content folder) is in: *l; how many bytes of path that folder is. */
size_t hh_lang_of_path(const char *path, enum hh_lang *l);
/* Exact, lower-case code ("es"); 0 or -1. */
int hh_lang_parse(const char *s, enum hh_lang *out) HH_MUSTCHECK;

/* The country with code (exact, upper case), borrowed, or NULL. */
const struct hh_country *hh_i18n_country(const struct hh_content *c, const char *code);

/* The value of term key in lang, borrowed, or NULL when the country has no such key. */
const char *hh_i18n_term(const struct hh_country *k, enum hh_lang lang, const char *key, size_t key_len);

/*
 * The first placeholder problem in text: a "{key}" whose key is not in keys,
 * or a lone "{" or "}". Returns 0 when every placeholder is known; else -1
 * with the offending placeholder (or brace) copied into bad (cap bytes).
 */
int hh_i18n_check(const char *text, const struct hh_strv *keys, char *bad, size_t cap) HH_MUSTCHECK;

/*
 * text with every {key} replaced by k's term in lang: a new malloc'd string
 * (the caller frees it). A key the country lacks is left as written (the
 * loader refuses such texts, so this never happens to published content).
 * text NULL -> NULL.
 */
char *hh_i18n_resolve(const char *text, const struct hh_country *k, enum hh_lang lang);

/*
 * A new content whose every text is resolved for (lang, k): base's texts
 * for English, base->translations[lang]'s otherwise (base's if that language
 * has none). Non-text strings (slugs, codes, URLs) are borrowed from base
 * and its translation, so the variant must be freed before base. Finished
 * (hh_content_finish): its ruleset_version covers the resolved texts, so it
 * differs per language and country. k is borrowed from base.
 */
struct hh_content *hh_i18n_variant(const struct hh_content *base, enum hh_lang lang, const struct hh_country *k);

/* ---- loader checks (loader.c); each problem is one diagnostic, counted in *errors */

struct hh_diags;
/* Every country has the same term keys as the first, and emergency_number equals its term. */
void hh_i18n_check_countries(const struct hh_content *c, struct hh_diags *d, size_t *errors);
/*
 * A language version (tr, read from prefix, e.g. "es/") against English
 * (en): the same slugs and codes, the same non-text fields; names the file
 * and field of every difference.
 */
void hh_i18n_compare(const struct hh_content *en, const struct hh_content *tr, const char *prefix, struct hh_diags *d,
		     size_t *errors);
/* Every {placeholder} in every text of c and its translations is a term key of every country. */
void hh_i18n_check_placeholders(const struct hh_content *c, struct hh_diags *d, size_t *errors);

/* ---- per-country citations (citations.c) */

struct hh_field_src;
struct json_t;
/* A country file's optional "citations" member, into k (the schema of countries/CC.json). */
void hh_i18n_parse_citations(struct hh_field_src *s, struct json_t *obj, struct hh_country *k);
/* Every code and slug a country cites for is one of c's red flags, rules, combinations or entities. */
void hh_i18n_check_citations(const struct hh_content *c, struct hh_diags *d, size_t *errors);
/* A variant's sources and references become those k cites (nothing for what it has none of). */
void hh_i18n_apply_citations(struct hh_content *v, const struct hh_country *k);

#endif
