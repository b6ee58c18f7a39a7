/*
 * render.h - every JSON response body of API.md (content endpoints, the
 * triage vocabulary and the triage answer), as pure functions over a struct
 * hh_content: no I/O, no database, no HTTP.
 *
 * The server renders the content bodies once per content snapshot and
 * serves the bytes, and the triage answer once per request (so that one is
 * a direct writer, render_triage.c); either way the output must be
 * deterministic: the same content gives the same bytes (ETags are derived
 * from them). Keys are inserted in the order
 * API.md lists them and jansson keeps insertion order.
 *
 * Every render returns a NEW reference, or NULL when jansson fails: on
 * allocation failure, or when a string in the content is not valid UTF-8
 * (json_string refuses it). A NULL render leaks nothing; the caller treats
 * the snapshot as unservable rather than serve a body with fields missing.
 *
 * NULL strings in the content (updated_at from files, see_doctor_if) render
 * as JSON null in the plain JSON bodies and are left out of ld+json.
 * Links to causes or remedies that the content does not hold are skipped:
 * the loaders refuse such content, so this only guards a broken snapshot.
 */
#ifndef HEALTHHUB_RENDER_H
#define HEALTHHUB_RENDER_H

#include <stddef.h>

#include <jansson.h>

#include "healthhub/common.h"
#include "healthhub/content.h"
#include "healthhub/triage.h" /* struct hh_triage_result */

/*
 * {"items": [summary...], "total": total}. items (n borrowed pointers into c)
 * is one page; total is the count before paging. New reference.
 */
json_t *hh_render_article_list(const struct hh_content *c, const struct hh_article *const *items, size_t n,
			       long long total) HH_MUSTCHECK;

/*
 * The whole article: slug, title, summary, alternate_names, sections,
 * causes and remedies (each {slug, name, summary}, in the article's order),
 * when_to_get_help, positions, regions, references, reviewed_at,
 * next_review_due, updated_at, version.
 * STEALS when_to_get_help (built by the triage module) on every path,
 * success or failure; a NULL when_to_get_help makes the render fail, since
 * an article must never be served without its red flags. New reference.
 */
json_t *hh_render_article(const struct hh_content *c, const struct hh_article *a,
			  json_t *when_to_get_help) HH_MUSTCHECK;

/*
 * The article as a schema.org MedicalWebPage (application/ld+json), in the
 * shape of the NHS website content API: sections, causes and remedies are
 * HealthTopicContent parts with a HealthAspectEnumeration value, each with
 * WebPageElement parts. base_url (borrowed; NULL or "" for relative URLs,
 * no trailing slash) prefixes the page's url. New reference.
 */
json_t *hh_render_article_ldjson(const struct hh_content *c, const struct hh_article *a,
				 const char *base_url) HH_MUSTCHECK;

/*
 * One cause: slug, name, summary, description, positions, regions,
 * remedies (remedy slugs), see_doctor_if (text or null), references.
 * New reference.
 */
json_t *hh_render_cause(const struct hh_content *c, const struct hh_cause *x) HH_MUSTCHECK;

/* {"items": [cause...], "total": n}; items are full causes. New reference. */
json_t *hh_render_cause_list(const struct hh_content *c, const struct hh_cause *const *items, size_t n) HH_MUSTCHECK;

/*
 * One remedy: slug, name, summary, description, steps, causes (cause slugs,
 * derived by hh_content_finish), references. New reference.
 */
json_t *hh_render_remedy(const struct hh_content *c, const struct hh_remedy *x) HH_MUSTCHECK;

/* {"items": [remedy...], "total": n}; items are full remedies. New reference. */
json_t *hh_render_remedy_list(const struct hh_content *c, const struct hh_remedy *const *items, size_t n) HH_MUSTCHECK;

/*
 * Causes whose positions include every bit of position_bits and whose
 * regions include every bit of region_bits (0 = no filter), in slug order.
 * out (capacity c->n_causes) receives borrowed pointers into c.
 * Returns how many were written.
 */
size_t hh_filter_causes(const struct hh_content *c, unsigned position_bits, unsigned region_bits,
			const struct hh_cause **out);

/*
 * Remedies linked from the cause cause_slug, in that cause's remedies[]
 * order; every remedy in slug order when cause_slug is NULL; none when the
 * cause is unknown. out (capacity c->n_remedies) receives borrowed pointers
 * into c. Returns how many were written.
 */
size_t hh_filter_remedies(const struct hh_content *c, const char *cause_slug, const struct hh_remedy **out);

/*
 * Compact UTF-8 bytes of j (borrowed), NUL-terminated; *len (may be NULL)
 * gets the length without the NUL. Returns new memory to free(), or NULL
 * if jansson cannot dump j (e.g. j is not an object or array).
 */
char *hh_render_dump(const json_t *j, size_t *len) HH_MUSTCHECK;

/* ---- triage */

/*
 * New reference: {"emergency":[{code,message,source{title,url}}...],
 * "urgent":[...],"see_doctor":[...]} from the red flags, the age and
 * duration rules and the combination rules, each under its own level, so an
 * article and a triage answer never disagree. NULL if jansson fails.
 */
json_t *hh_render_when_to_get_help(const struct hh_content *c) HH_MUSTCHECK;

/*
 * New reference: the GET /v1/symptoms body, {"items":[{code,question,
 * category,level[,source]}...],"ruleset_version"}; red flags carry their
 * source. NULL if jansson fails.
 */
json_t *hh_render_symptoms(const struct hh_content *c) HH_MUSTCHECK;

/*
 * The answer as compact JSON (API.md "The answer"), plus "rules": the fired
 * age/duration rules. "red_flags" holds the reported red flags and the fired
 * combination rules, merged most urgent first (a combination before the
 * single flags of its level). Returns new malloc'd bytes (caller frees; not
 * NUL-counted in *len, but NUL-terminated); never NULL (allocation aborts).
 * Same result -> same bytes, exactly those jansson's json_dumps(JSON_COMPACT
 * | JSON_REAL_PRECISION(4)) gives for the same value (test_triage proves it
 * over random inputs): written directly because it runs per request.
 */
char *hh_render_triage(const struct hh_content *c, const struct hh_triage_result *r, size_t *len);

#endif
