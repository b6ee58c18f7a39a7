/*
 * test_cors.c - CORS headers (cors.c) in both modes: "*" (fixed headers in
 * prebuilt answers) and an allow-list (per request, Vary: Origin on every
 * answer), plus CORS off and preflights.
 */
#include <microhttpd.h>

#include "check.h"
#include "healthhub/cors.h"

static struct MHD_Response *fresh(void)
{
	return MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
}

static const char *h(struct MHD_Response *r, const char *name)
{
	return MHD_get_response_header(r, name);
}

static void any_origin(void)
{
	struct hh_cors c;
	hh_cors_init(&c, "*", 600);
	CHECK(c.any && !c.list);
	struct MHD_Response *r = fresh();
	CHECK(hh_cors_fixed_headers(&c, r) == 0);
	CHECK(hh_cors_request_headers(&c, "https://a.example", r) == 0);
	CHECK_STR(h(r, "Access-Control-Allow-Origin"), "*");
	CHECK_STR(h(r, "Access-Control-Expose-Headers"), "ETag, X-Request-Id, Retry-After");
	CHECK(h(r, "Vary") == NULL); /* the same answer for every origin: shared caches may keep one copy */
	MHD_destroy_response(r);
}

static void allow_list(void)
{
	struct hh_cors c;
	hh_cors_init(&c, "https://a.example, https://b.example:8443 ,https://c.example", 600);
	CHECK(c.list && !c.any);
	CHECK(hh_cors_allowed(&c, "https://a.example"));
	CHECK(hh_cors_allowed(&c, "https://b.example:8443")); /* spaces around entries are trimmed */
	CHECK(hh_cors_allowed(&c, "https://c.example"));
	CHECK(!hh_cors_allowed(&c, "https://a.example.evil"));
	CHECK(!hh_cors_allowed(&c, "https://A.example")); /* exact match, as browsers send it */
	CHECK(!hh_cors_allowed(&c, "https://b.example"));
	CHECK(!hh_cors_allowed(&c, ""));

	struct MHD_Response *r = fresh();
	CHECK(hh_cors_fixed_headers(&c, r) == 0);
	CHECK(h(r, "Access-Control-Allow-Origin") == NULL); /* nothing fixed: it depends on the request */
	CHECK(hh_cors_request_headers(&c, "https://b.example:8443", r) == 0);
	CHECK_STR(h(r, "Access-Control-Allow-Origin"), "https://b.example:8443");
	CHECK_STR(h(r, "Vary"), "Origin");
	CHECK_STR(h(r, "Access-Control-Expose-Headers"), "ETag, X-Request-Id, Retry-After");
	MHD_destroy_response(r);

	/* an unlisted origin, or none: no grant, but still Vary: Origin */
	const char *others[] = {"https://evil.example", NULL};
	for (size_t i = 0; i < HH_ARRAY_LEN(others); i++) {
		r = fresh();
		CHECK(hh_cors_request_headers(&c, others[i], r) == 0);
		CHECK(h(r, "Access-Control-Allow-Origin") == NULL);
		CHECK_STR(h(r, "Vary"), "Origin");
		MHD_destroy_response(r);
	}
}

static void off_and_preflight(void)
{
	struct hh_cors c;
	hh_cors_init(&c, "", 600);
	CHECK(!c.any && !c.list);
	struct MHD_Response *r = fresh();
	CHECK(hh_cors_fixed_headers(&c, r) == 0 && hh_cors_request_headers(&c, "https://a.example", r) == 0);
	CHECK(hh_cors_preflight_headers(&c, "GET, HEAD, OPTIONS", r) == 0);
	CHECK(h(r, "Access-Control-Allow-Origin") == NULL && h(r, "Vary") == NULL);
	CHECK(h(r, "Access-Control-Allow-Methods") == NULL);
	MHD_destroy_response(r);

	hh_cors_init(&c, "https://a.example", 90);
	r = fresh();
	CHECK(hh_cors_preflight_headers(&c, "GET, HEAD, POST, OPTIONS", r) == 0);
	CHECK_STR(h(r, "Access-Control-Allow-Methods"), "GET, HEAD, POST, OPTIONS");
	CHECK_STR(h(r, "Access-Control-Allow-Headers"), "Content-Type, If-None-Match, X-Request-Id, Accept");
	CHECK_STR(h(r, "Access-Control-Max-Age"), "90");
	MHD_destroy_response(r);
}

int main(void)
{
	any_origin();
	allow_list();
	off_and_preflight();
	return check_done();
}
