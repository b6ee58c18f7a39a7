/*
 * test_problem.c - problem+json answers (problem.c) and the error value
 * (error.c): the body's fields, the field-error list, the private detail
 * never written, and the headers each status needs.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <microhttpd.h>

#include "check.h"
#include "healthhub/problem.h"

static json_t *body_of(const struct hh_error *e, const char *instance)
{
	size_t len = 0;
	char *body = hh_problem_body(e, instance, "req-1", &len);
	CHECK(body != NULL && len == strlen(body));
	json_t *j = body ? json_loads(body, 0, NULL) : NULL;
	CHECK(j != NULL);
	free(body);
	return j;
}

static const char *str(json_t *j, const char *k)
{
	return json_string_value(json_object_get(j, k));
}

static void body(void)
{
	struct hh_error e;
	hh_error_set(&e, HH_E_NOT_FOUND, "Nothing is published under \"%s\".", "x");
	json_t *j = body_of(&e, "/v1/causes/x");
	CHECK_STR(str(j, "type"), "/problems/not-found");
	CHECK_STR(str(j, "title"), "Not Found");
	CHECK(json_integer_value(json_object_get(j, "status")) == 404);
	CHECK_STR(str(j, "detail"), "Nothing is published under \"x\".");
	CHECK_STR(str(j, "instance"), "/v1/causes/x");
	CHECK_STR(str(j, "request_id"), "req-1");
	CHECK(json_object_get(j, "errors") == NULL); /* only when there are field errors */
	json_decref(j);
	j = body_of(&e, ""); /* refused before the path was decoded */
	CHECK_STR(str(j, "instance"), "/");
	json_decref(j);
	j = body_of(&e, "/bad\xff"); /* not UTF-8: jansson refuses it, "/" stands in */
	CHECK_STR(str(j, "instance"), "/");
	json_decref(j);
}

static void fields_and_private_detail(void)
{
	struct hh_field_errors errs;
	hh_field_errors_init(&errs);
	hh_field_errors_add(&errs, "symptoms[1]", "unknown symptom code \"%s\"", "zzz");
	hh_field_errors_add(&errs, "age", "must be a whole number from %d to %d", 0, 130);
	struct hh_error e;
	hh_error_set(&e, HH_E_VALIDATION, "The triage request is not valid; see errors.");
	e.fields = &errs;
	json_t *j = body_of(&e, "/v1/triage");
	CHECK(json_integer_value(json_object_get(j, "status")) == 422);
	json_t *list = json_object_get(j, "errors");
	CHECK(json_array_size(list) == 2);
	CHECK_STR(str(json_array_get(list, 0), "field"), "symptoms[1]");
	CHECK_STR(str(json_array_get(list, 1), "message"), "must be a whole number from 0 to 130");
	json_decref(j);

	hh_error_set(&e, HH_E_INTERNAL, "The answer could not be prepared.");
	CHECK(e.fields == NULL && e.detail[0] == '\0'); /* set starts afresh */
	hh_error_private(&e, "relation \"causes\" does not exist at %s", "/tmp/sock");
	size_t len = 0;
	char *raw = hh_problem_body(&e, "/v1/causes", "req-2", &len);
	CHECK(raw != NULL && strstr(raw, "relation") == NULL && strstr(raw, "/tmp") == NULL);
	CHECK(raw != NULL && strstr(raw, "\"status\":500") != NULL);
	free(raw);
}

static const char *header(struct MHD_Response *r, const char *name)
{
	return MHD_get_response_header(r, name);
}

/* The headers hh_problem_headers adds for kind, on a fresh response (destroyed by the caller). */
static struct MHD_Response *headers_for(enum hh_error_kind kind, const char *allow, const char *retry)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	struct hh_error e;
	hh_error_set(&e, kind, "m");
	struct hh_problem_headers h = {.allow = allow, .retry_after = retry};
	CHECK(r != NULL && hh_problem_headers(&e, &h, r) == 0);
	return r;
}

static void headers(void)
{
	struct MHD_Response *r = headers_for(HH_E_METHOD_NOT_ALLOWED, "GET, HEAD, OPTIONS", "2");
	CHECK_STR(header(r, "Content-Type"), "application/problem+json");
	CHECK_STR(header(r, "Cache-Control"), "no-store");
	CHECK_STR(header(r, "Allow"), "GET, HEAD, OPTIONS");
	CHECK(header(r, "Retry-After") == NULL);
	MHD_destroy_response(r);
	r = headers_for(HH_E_UNAVAILABLE, "GET, HEAD, OPTIONS", "2");
	CHECK_STR(header(r, "Retry-After"), "2");
	CHECK(header(r, "Allow") == NULL);
	MHD_destroy_response(r);
	r = headers_for(HH_E_RATE_LIMITED, NULL, "7");
	CHECK_STR(header(r, "Retry-After"), "7");
	MHD_destroy_response(r);
	r = headers_for(HH_E_VALIDATION, "GET", "2");
	CHECK(header(r, "Retry-After") == NULL && header(r, "Allow") == NULL);
	CHECK_STR(header(r, "Content-Type"), "application/problem+json");
	MHD_destroy_response(r);
}

static void kinds(void)
{
	CHECK(hh_error_status(HH_E_TOO_LARGE) == 413);
	CHECK_STR(hh_error_type(HH_E_MALFORMED_JSON), "/problems/malformed-json");
	CHECK(hh_error_status((enum hh_error_kind)999) == 500); /* out of range is internal, never a crash */
	CHECK_STR(hh_error_type((enum hh_error_kind)999), "/problems/internal");
}

int main(void)
{
	body();
	fields_and_private_detail();
	headers();
	kinds();
	return check_done();
}
