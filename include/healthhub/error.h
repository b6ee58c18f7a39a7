/*
 * error.h - one error vocabulary for the whole service.
 *
 * HH_ERROR_KINDS is the single table from an error kind to its HTTP status,
 * title and problem type (RFC 9457). Validation problems carry a bounded list
 * of {field, message} pairs, all client-safe text; private detail (SQL
 * errors, paths) travels in struct hh_error's detail, which only the log sees.
 */
#ifndef HEALTHHUB_ERROR_H
#define HEALTHHUB_ERROR_H

#include <stddef.h>

#include "healthhub/common.h"

/*  X(kind, status, title, type-slug) */
#define HH_ERROR_KINDS(X)                                                                       \
	X(HH_E_BAD_REQUEST, 400, "Bad Request", "bad-request")                                  \
	X(HH_E_MALFORMED_JSON, 400, "Malformed JSON", "malformed-json")                         \
	X(HH_E_INVALID_PARAMETER, 400, "Invalid Parameter", "invalid-parameter")                \
	X(HH_E_NOT_FOUND, 404, "Not Found", "not-found")                                        \
	X(HH_E_METHOD_NOT_ALLOWED, 405, "Method Not Allowed", "method-not-allowed")             \
	X(HH_E_NOT_ACCEPTABLE, 406, "Not Acceptable", "not-acceptable")                         \
	X(HH_E_LENGTH_REQUIRED, 411, "Length Required", "length-required")                      \
	X(HH_E_TOO_LARGE, 413, "Content Too Large", "content-too-large")                        \
	X(HH_E_URI_TOO_LONG, 414, "URI Too Long", "uri-too-long")                               \
	X(HH_E_UNSUPPORTED_MEDIA_TYPE, 415, "Unsupported Media Type", "unsupported-media-type") \
	X(HH_E_VALIDATION, 422, "Unprocessable Content", "validation-failed")                   \
	X(HH_E_RATE_LIMITED, 429, "Too Many Requests", "rate-limited")                          \
	X(HH_E_HEADERS_TOO_LARGE, 431, "Request Header Fields Too Large", "headers-too-large")  \
	X(HH_E_INTERNAL, 500, "Internal Server Error", "internal")                              \
	X(HH_E_NOT_IMPLEMENTED, 501, "Not Implemented", "not-implemented")                      \
	X(HH_E_UNAVAILABLE, 503, "Service Unavailable", "unavailable")

enum hh_error_kind {
#define HH_X(kind, status, title, type) kind,
	/* clang-format off */ /* the X-macro expands to "a, b, c," */
	HH_ERROR_KINDS(HH_X)
#undef HH_X
	HH_E__COUNT
	/* clang-format on */
};

int hh_error_status(enum hh_error_kind k);
const char *hh_error_title(enum hh_error_kind k);
const char *hh_error_type(enum hh_error_kind k); /* "/problems/<slug>", static */

#define HH_MAX_FIELD_ERRORS 32

struct hh_field_error {
	char field[96];    /* e.g. "symptoms[2]", "limit" */
	char message[192]; /* client-safe, plain language */
};

/* A bounded list: past HH_MAX_FIELD_ERRORS, further errors are counted, not kept. */
struct hh_field_errors {
	struct hh_field_error v[HH_MAX_FIELD_ERRORS];
	size_t n;
	size_t dropped;
};

/* Empties e without touching its 9 KiB of slots: it is set up on every request. */
static inline void hh_field_errors_init(struct hh_field_errors *e)
{
	e->n = 0;
	e->dropped = 0;
}

void hh_field_errors_add(struct hh_field_errors *e, const char *field, const char *fmt, ...) HH_PRINTF(3, 4);

/*
 * One way to carry an error from where it is found to where it is answered
 * (PostgreSQL's errmsg/errdetail split): a kind (which decides status, title
 * and problem type), a public message that becomes the problem's "detail",
 * and a private detail (SQL text, errno, a missing key) that goes to the log
 * and never to a client. Every 500 is logged with its private detail.
 */
struct hh_error {
	enum hh_error_kind kind;
	char message[192];                    /* client-safe, plain language */
	char detail[256];                     /* private: for the log only; "" when there is none */
	const struct hh_field_errors *fields; /* borrowed; NULL or the per-field list of a 400/422 */
};

/* Sets kind and the public message (printf-style); clears detail and fields. Returns e. */
struct hh_error *hh_error_set(struct hh_error *e, enum hh_error_kind kind, const char *fmt, ...) HH_PRINTF(3, 4);
/* Sets the private detail (printf-style). Returns e. */
struct hh_error *hh_error_private(struct hh_error *e, const char *fmt, ...) HH_PRINTF(2, 3);

#endif
