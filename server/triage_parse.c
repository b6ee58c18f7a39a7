/*
 * triage_parse.c - POST /v1/triage/parse (triage_parse.h): body checks,
 * the answer's JSON, and the handler. Never cached (no-store); the text
 * is read, answered and freed with the request, and is in no log line,
 * error detail or metric label.
 */
#include "healthhub/triage_parse.h"

#include <stdlib.h>
#include <string.h>

#include "healthhub/handlers.h"
#include "healthhub/i18n.h"

#define PARSE_MAX_DEPTH 4

static int depth_ok(const char *s, size_t n)
{
	int depth = 0, in_str = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '{' || c == '[') {
			if (++depth > PARSE_MAX_DEPTH)
				return 0;
		} else if (c == '}' || c == ']') {
			depth--;
		}
	}
	return 1;
}

static size_t code_points(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xC0) != 0x80;
	return k;
}

int hh_parse_body_check(const char *body, size_t len, struct hh_parse_body *out, enum hh_error_kind *kind,
			struct hh_field_errors *errs)
{
	json_error_t jerr;
	memset(out, 0, sizeof(*out));
	*kind = HH_E_MALFORMED_JSON;
	if (!depth_ok(body, len))
		return -1;
	out->root = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	if (out->root == NULL)
		return -1;
	*kind = HH_E_VALIDATION;
	if (!json_is_object(out->root)) {
		hh_field_errors_add(errs, "body", "must be a JSON object");
		return -1;
	}
	const char *key;
	json_t *v;
	json_object_foreach(out->root, key, v)
	{
		if (strcmp(key, "text") != 0 && strcmp(key, "lang") != 0)
			hh_field_errors_add(errs, strlen(key) < 40 && hh_is_code(key) ? key : "body", "unknown field");
	}
	json_t *text = json_object_get(out->root, "text");
	if (text == NULL)
		hh_field_errors_add(errs, "text", "missing (the words to read, as a string)");
	else if (!json_is_string(text))
		hh_field_errors_add(errs, "text", "must be a string");
	json_t *lang = json_object_get(out->root, "lang");
	if (lang != NULL && (!json_is_string(lang) || hh_lang_parse(json_string_value(lang), &out->lang) < 0))
		hh_field_errors_add(errs, "lang", "unknown language (known:" HH_LANG_CODES ")");
	out->has_lang = lang != NULL;
	if (errs->n > 0)
		return -1;
	out->text = json_string_value(text);
	out->len = json_string_length(text);
	if (memchr(out->text, '\0', out->len) != NULL) {
		hh_field_errors_add(errs, "text", "must not hold a NUL character");
		return -1;
	}
	if (code_points(out->text, out->len) > HH_TEXTPARSE_MAX_CODEPOINTS) {
		*kind = HH_E_TOO_LARGE;
		return -1;
	}
	return 0;
}

void hh_parse_body_free(struct hh_parse_body *b)
{
	json_decref(b->root);
	b->root = NULL;
}

/* ------------------------------------------------------------------ the answer */

/* The byte offset of code point cp in s (n bytes). */
/*
 * The byte of code point cp in s (n bytes), scanning on from a known place (byte i, code point k at or
 * before cp): mentions come by start, and each end lies after its start, so a long text is walked
 * about once, not once per mention.
 */
static size_t byte_at(const char *s, size_t n, size_t i, size_t k, size_t cp)
{
	for (; i < n; i++) {
		if (((unsigned char)s[i] & 0xC0) != 0x80) {
			if (k == cp)
				return i;
			k++;
		}
	}
	return n;
}

/* Where the last mention started: a place to scan on from. */
struct cursor {
	size_t byte, cp;
};

static int add(json_t *o, const char *key, json_t *v)
{
	return v != NULL && json_object_set_new(o, key, v) == 0 ? 0 : -1;
}

static json_t *codes(const struct hh_symptom *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a != NULL && i < n; i++)
		if (json_array_append_new(a, json_string(v[i]->code)) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *request_json(const struct hh_triage_input *in)
{
	json_t *o = json_object();
	int rc = o != NULL ? add(o, "symptoms", codes(in->symptoms, in->n_symptoms)) : -1;
	if (rc == 0 && in->n_absent > 0)
		rc = add(o, "absent", codes(in->absent, in->n_absent));
	if (rc == 0 && in->n_unknown > 0)
		rc = add(o, "unknown", codes(in->unknown, in->n_unknown));
	if (rc == 0 && in->age >= 0)
		rc = add(o, "age", json_integer(in->age));
	if (rc == 0 && in->duration_days >= 0)
		rc = add(o, "duration_days", json_integer(in->duration_days));
	if (rc == 0 && in->region != 0)
		rc = add(o, "region", json_string(hh_region_name(in->region)));
	if (rc == 0 && in->positions != 0) {
		json_t *a = json_array();
		for (unsigned bit = 1; a != NULL && bit < (1u << HH_POSITION_COUNT); bit <<= 1)
			if ((in->positions & bit) && json_array_append_new(a, json_string(hh_position_name(bit))) < 0)
				rc = -1;
		rc = rc == 0 ? add(o, "positions", a) : -1;
	}
	if (rc < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *mention_json(const struct hh_mention *m, const char *text, size_t text_len, struct cursor *at)
{
	static const char *const fields[] = {"", "age", "duration_days", "region", "positions"};
	json_t *o = json_object();
	int rc = o != NULL ? 0 : -1;
	if (rc == 0 && m->kind == HH_MENTION_CODE)
		rc = add(o, "code", json_string(m->symptom->code)) < 0 ||
				     add(o, "status", json_string(hh_mention_status_name(m->status))) < 0
			     ? -1
			     : 0;
	else if (rc == 0) {
		json_t *value = m->kind == HH_MENTION_REGION     ? json_string(hh_region_name((unsigned)m->value))
				: m->kind == HH_MENTION_POSITION ? json_string(hh_position_name((unsigned)m->value))
								 : json_integer(m->value);
		rc = add(o, "field", json_string(fields[m->kind])) < 0 || add(o, "value", value) < 0 ? -1 : 0;
	}
	if (m->start < at->cp)
		*at = (struct cursor){0, 0};
	size_t from = byte_at(text, text_len, at->byte, at->cp, m->start);
	size_t to = byte_at(text, text_len, from, m->start, m->end);
	*at = (struct cursor){from, m->start};
	if (rc == 0)
		rc = add(o, "start", json_integer((json_int_t)m->start)) < 0 ||
				     add(o, "end", json_integer((json_int_t)m->end)) < 0 ||
				     add(o, "text", json_stringn(text + from, to > from ? to - from : 0)) < 0
			     ? -1
			     : 0;
	if (rc < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

char *hh_render_parse(const struct hh_content *c, enum hh_lang lang, const char *text, size_t text_len,
		      const struct hh_textparse_result *r, size_t *len)
{
	json_t *o = json_object(), *mentions = json_array();
	int rc = o != NULL && mentions != NULL ? 0 : -1;
	struct cursor at = {0, 0};
	for (size_t i = 0; rc == 0 && i < r->n_mentions; i++)
		rc = json_array_append_new(mentions, mention_json(&r->mentions[i], text, text_len, &at));
	char *out = NULL;
	if (rc == 0 && add(o, "request", request_json(&r->request)) == 0 &&
	    json_object_set(o, "mentions", mentions) == 0 && add(o, "lang", json_string(hh_lang_name(lang))) == 0 &&
	    (c->country == NULL || add(o, "country", json_string(c->country->code)) == 0) &&
	    add(o, "ruleset_version", json_string(c->ruleset_version != NULL ? c->ruleset_version : "")) == 0)
		out = json_dumps(o, JSON_COMPACT);
	json_decref(mentions);
	json_decref(o);
	if (out != NULL)
		*len = strlen(out);
	return out;
}

/* ------------------------------------------------------------------ the handler */

static enum MHD_Result invalid(struct hh_request *rq, enum hh_error_kind kind, const struct hh_field_errors *errs)
{
	struct hh_error e;
	const char *detail = kind == HH_E_MALFORMED_JSON ? "The body is not well-formed JSON."
			     : kind == HH_E_TOO_LARGE    ? "The text is longer than 4000 characters."
							 : "The parse request is not valid; see errors.";
	hh_error_set(&e, kind, "%s", detail)->fields = kind == HH_E_VALIDATION ? errs : NULL;
	return hh_send_problem(rq, &e);
}

static enum MHD_Result answer(struct hh_request *rq, const struct hh_snapshot *v, const struct hh_parse_body *b,
			      enum hh_lang lang)
{
	const struct hh_content *c = v->content;
	struct hh_textparse_result *r = xmalloc(sizeof(*r));
	hh_textparse(c, lang, c->country != NULL ? c->country->code : NULL, b->text, b->len, r);
	size_t len = 0;
	char *body = hh_render_parse(c, lang, b->text, b->len, r, &len);
	free(r);
	if (body == NULL)
		return hh_send_internal(rq, "rendering the parse answer failed");
	rq->content_language = v->opts->content_language;
	return hh_send_bytes(rq, 200, body, len, HH_JSON_TYPE, "no-store");
}

enum MHD_Result hh_handle_triage_parse(struct hh_request *rq, const struct hh_snapshot *s)
{
	struct hh_error e;
	if (rq->body_too_large) {
		hh_error_set(&e, HH_E_TOO_LARGE, "The body is larger than %d bytes.", HH_PARSE_MAX_BODY);
		return hh_send_problem(rq, &e);
	}
	if (!hh_is_json_media_type(hh_request_header(rq, MHD_HTTP_HEADER_CONTENT_TYPE)))
		return hh_send_error(rq, HH_E_UNSUPPORTED_MEDIA_TYPE, "Send the parse request as application/json.");
	struct hh_field_errors errs;
	hh_field_errors_init(&errs);
	struct hh_parse_body b;
	enum hh_error_kind kind = HH_E_VALIDATION;
	enum MHD_Result rc;
	if (hh_parse_body_check(rq->body ? rq->body : "", rq->body_len, &b, &kind, &errs) < 0) {
		rc = invalid(rq, kind, &errs);
		hh_parse_body_free(&b);
		return rc;
	}
	enum hh_lang lang = b.has_lang ? b.lang : rq->lang;
	if (lang == rq->lang || s->content->country == NULL) {
		rc = answer(rq, s, &b, lang);
	} else {
		/* the body's language wins over ?lang= and Accept-Language: that language's variant */
		struct hh_snapshot *base = hh_server_snapshot(rq->srv);
		const struct hh_snapshot *v = base != NULL ? hh_snapshot_variant(base, lang, rq->country) : NULL;
		rc = v != NULL ? answer(rq, v, &b, lang) : hh_send_internal(rq, "no variant for the body's language");
		if (base != NULL)
			hh_ref_put(&base->ref);
	}
	hh_parse_body_free(&b);
	return rc;
}
