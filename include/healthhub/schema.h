/*
 * schema.h - the five content file formats (content/README.md): article,
 * cause, remedy, triage/symptoms.json and triage/policy.json, each checked
 * field by field with fields.h. Cross-references between files are not
 * checked here (the loader does that once every file is read).
 *
 * Every function reports through s and fills what it can: a field that is
 * missing or invalid is left NULL/zero, and the caller never hands out a
 * content whose run had any problem.
 */
#ifndef HEALTHHUB_SCHEMA_H
#define HEALTHHUB_SCHEMA_H

#include <jansson.h>

#include "healthhub/common.h"
#include "healthhub/content.h"
#include "healthhub/fields.h"

#define HH_SCHEMA_MAX_DEPTH 32 /* JSON nesting; the format needs 4 */

/*
 * Parses s's bytes. New reference to the root object, or NULL when the
 * bytes are not JSON (reported at jansson's line and column), not an
 * object, or nested deeper than HH_SCHEMA_MAX_DEPTH (reported).
 */
json_t *hh_schema_load(struct hh_field_src *s) HH_MUSTCHECK;

/* One entity file's root object (borrowed) into *out, checksum included. */
void hh_schema_article(struct hh_field_src *s, json_t *root, struct hh_article *out);
void hh_schema_cause(struct hh_field_src *s, json_t *root, struct hh_cause *out);
void hh_schema_remedy(struct hh_field_src *s, json_t *root, struct hh_remedy *out);

/*
 * triage/symptoms.json into s->c->symptoms. Every slot is kept, valid or
 * not, so c->symptoms[i] is symptoms[i] in the file.
 */
void hh_schema_symptoms(struct hh_field_src *s, json_t *root);
/* triage/policy.json into *out: advice, rules and combinations (their codes are cross-checked by the loader). */
void hh_schema_policy(struct hh_field_src *s, json_t *root, struct hh_policy *out);

/*
 * triage/interview.json into s->c->questions, in file order. Item codes,
 * their levels and the asking order are cross-checked by the loader.
 */
void hh_schema_interview(struct hh_field_src *s, json_t *root);

/* countries/CC.json: code, name and terms per language, emergency_number, sources (https). */
void hh_schema_country(struct hh_field_src *s, json_t *root, struct hh_country *out);

#endif
