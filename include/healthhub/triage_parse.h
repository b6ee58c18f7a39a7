/*
 * triage_parse.h - POST /v1/triage/parse (API.md "Free text"): the body's
 * checks, the answer's JSON, and the handler that joins them to the reader
 * (textparse.h). The text is private: nothing here logs it, keeps it past
 * the request, or puts it in an error.
 */
#ifndef HEALTHHUB_TRIAGE_PARSE_H
#define HEALTHHUB_TRIAGE_PARSE_H

#include <stddef.h>

#include <jansson.h>

#include "healthhub/content.h"
#include "healthhub/error.h"
#include "healthhub/http.h"
#include "healthhub/snapshot.h"
#include "healthhub/textparse.h"

#define HH_PARSE_MAX_BODY 65536 /* bytes: this endpoint's body limit (413 beyond) */

/* A checked body. text points into root, which the caller releases with hh_parse_body_free. */
struct hh_parse_body {
	json_t *root; /* owned */
	const char *text;
	size_t len; /* bytes */
	int has_lang;
	enum hh_lang lang;
};

/*
 * Checks a body: a JSON object with "text" (a string of at most
 * HH_TEXTPARSE_MAX_CODEPOINTS code points) and optionally "lang" ("en",
 * "es"). Returns 0, or -1 with *kind HH_E_MALFORMED_JSON (not JSON),
 * HH_E_TOO_LARGE (text too long) or HH_E_VALIDATION with errs filled (not
 * an object, text missing or not a string, lang unknown, another field).
 * Messages never quote the text.
 */
int hh_parse_body_check(const char *body, size_t len, struct hh_parse_body *out, enum hh_error_kind *kind,
			struct hh_field_errors *errs) HH_MUSTCHECK;
void hh_parse_body_free(struct hh_parse_body *b);

/*
 * The answer: {"request", "mentions", "lang", "country", "ruleset_version"},
 * with each mention's text cut from text at its code-point offsets. New
 * malloc'd bytes (*len set), or NULL on allocation failure.
 */
char *hh_render_parse(const struct hh_content *c, enum hh_lang lang, const char *text, size_t text_len,
		      const struct hh_textparse_result *r, size_t *len);

/* The route's handler (handlers.c's table): s is the request's language and country variant. */
enum MHD_Result hh_handle_triage_parse(struct hh_request *rq, const struct hh_snapshot *s);

#endif
