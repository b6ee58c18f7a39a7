/*
 * problem.h - problem answers (RFC 9457 application/problem+json).
 *
 * An error value (error.h) becomes one body and one set of headers here,
 * for every error the service answers: the kind gives status, title and
 * type; the public message becomes "detail"; the private detail is never
 * written. The per-request headers every answer carries (request id, CORS,
 * security headers) are the edge's; this module adds what a problem needs.
 */
#ifndef HEALTHHUB_PROBLEM_H
#define HEALTHHUB_PROBLEM_H

#include <stddef.h>

#include <microhttpd.h>

#include "healthhub/common.h"
#include "healthhub/error.h"

#define HH_PROBLEM_TYPE "application/problem+json"

/*
 * {type, title, status, detail, instance, request_id[, errors]}: compact
 * bytes (malloc'd, NUL-terminated; *len without the NUL). instance and
 * request_id are borrowed; an empty instance is written as "/". NULL when
 * jansson fails (e.g. instance is not UTF-8 and "/" fails too).
 */
char *hh_problem_body(const struct hh_error *e, const char *instance, const char *request_id, size_t *len) HH_MUSTCHECK;

/* What a problem's headers depend on besides its kind (borrowed strings). */
struct hh_problem_headers {
	const char *allow;       /* the route's Allow value: sent with a 405 */
	const char *retry_after; /* seconds: sent with a 429 or 503 */
};

/*
 * Adds Content-Type: application/problem+json, Cache-Control: no-store, and
 * Allow (405) or Retry-After (429, 503) from h, to r. 0 or -1.
 */
int hh_problem_headers(const struct hh_error *e, const struct hh_problem_headers *h,
		       struct MHD_Response *r) HH_MUSTCHECK;

#endif
