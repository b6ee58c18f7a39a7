/*
 * router.h - pure request routing: the raw request target in, a route and
 * validated parameters out. No sockets, no MHD, so it is unit-tested and
 * fuzzed directly.
 */
#ifndef HEALTHHUB_ROUTER_H
#define HEALTHHUB_ROUTER_H

#include <stddef.h>

#include "healthhub/common.h"
#include "healthhub/error.h"

#define HH_ROUTES(X)                                            \
	X(HH_ROUTE_ARTICLES, "/v1/articles", HH_M_READ)         \
	X(HH_ROUTE_ARTICLE, "/v1/articles/{slug}", HH_M_READ)   \
	X(HH_ROUTE_CAUSES, "/v1/causes", HH_M_READ)             \
	X(HH_ROUTE_CAUSE, "/v1/causes/{slug}", HH_M_READ)       \
	X(HH_ROUTE_REMEDIES, "/v1/remedies", HH_M_READ)         \
	X(HH_ROUTE_REMEDY, "/v1/remedies/{slug}", HH_M_READ)    \
	X(HH_ROUTE_SYMPTOMS, "/v1/symptoms", HH_M_READ)         \
	X(HH_ROUTE_TRIAGE, "/v1/triage", HH_M_READ | HH_M_POST) \
	X(HH_ROUTE_TRIAGE_PARSE, "/v1/triage/parse", HH_M_POST) \
	X(HH_ROUTE_HEALTHZ, "/healthz", HH_M_READ)              \
	X(HH_ROUTE_READYZ, "/readyz", HH_M_READ)                \
	X(HH_ROUTE_METRICS, "/metrics", HH_M_READ)              \
	X(HH_ROUTE_OPENAPI, "/openapi.json", HH_M_READ)         \
	X(HH_ROUTE_NOT_FOUND, "unmatched", 0)

enum hh_method {
	HH_M_GET = 1u << 0,
	HH_M_HEAD = 1u << 1,
	HH_M_POST = 1u << 2,
	HH_M_OPTIONS = 1u << 3,
	HH_M_OTHER = 1u << 4,
	HH_M_READ = HH_M_GET | HH_M_HEAD,
};

enum hh_route_id {
#define HH_X(id, pattern, methods) id,
	/* clang-format off */ /* the X-macro expands to "a, b, c," */
	HH_ROUTES(HH_X)
#undef HH_X
	HH_ROUTE__COUNT
	/* clang-format on */
};

#define HH_SLUG_MAX 64
#define HH_MAX_PARAMS 32
#define HH_QUERY_MAX 2048

struct hh_route {
	enum hh_route_id id;
	char slug[HH_SLUG_MAX + 1]; /* for {slug} routes */
};

/* One decoded query parameter; key and value point into hh_query.buf. */
struct hh_param {
	const char *key;
	const char *value;
};

struct hh_query {
	struct hh_param v[HH_MAX_PARAMS];
	size_t n;
	/*
	 * Decoded keys and values, each NUL-terminated. Decoding never lengthens
	 * the raw query, but a parameter costs two NULs for its one '&' (none
	 * for a key without '='), so the worst case is the query plus two bytes
	 * per parameter.
	 */
	char buf[HH_QUERY_MAX + 2 * HH_MAX_PARAMS];
};

/*
 * The method table lives in router.c: parsing, names, each route's allowed
 * methods (the HH_ROUTES column) and the Allow header built from them.
 */
enum hh_method hh_method_parse(const char *method);
const char *hh_method_name(enum hh_method m);      /* static; "OTHER" for anything unparsed */
const char *hh_route_pattern(enum hh_route_id id); /* static; the metrics label */
unsigned hh_route_methods(enum hh_route_id id);    /* enum hh_method bits (OPTIONS implied) */
#define HH_ALLOW_MAX 32
/* Writes the Allow header value for a route, e.g. "GET, HEAD, OPTIONS", to buf (HH_ALLOW_MAX bytes). */
void hh_route_allow(enum hh_route_id id, char *buf, size_t cap);

/*
 * Matches a decoded path (no query). A {slug} that is not a valid slug
 * matches nothing (404), so no hostile text ever reaches a lookup.
 */
void hh_route_match(const char *path, struct hh_route *out);

/*
 * Splits a raw request target ("/v1/causes?region=upper_back") into its
 * percent-decoded path (written to path, cap bytes) and query. Returns 0, or
 * -1 with a client-safe reason in errs (bad escape, NUL, too long, too many
 * parameters).
 */
int hh_target_parse(const char *target, size_t len, char *path, size_t cap, struct hh_query *q,
		    struct hh_field_errors *errs) HH_MUSTCHECK;

/* First value of key, or NULL; borrowed. */
const char *hh_query_get(const struct hh_query *q, const char *key);

/*
 * Validated parameters of the content list endpoints. They own their
 * strings (nothing points into the request or into the struct itself), so
 * a copy is whole and may outlive the request.
 */
struct hh_list_params {
	long limit;                  /* 1..HH_LIST_LIMIT_MAX; default hh_list_default_limit() */
	long offset;                 /* 0..HH_LIST_OFFSET_MAX, default 0 */
	unsigned position;           /* causes: one enum hh_position bit or 0 */
	unsigned region;             /* causes: one enum hh_region bit or 0 */
	int lang;                    /* enum hh_lang of the answer: which text ?q= searches (set by the handler) */
	char q[256];                 /* normalised search text; "": no search */
	char cause[HH_SLUG_MAX + 1]; /* remedies: a cause slug; "": no filter */
};

/* Paging bounds of every list (API.md): larger is a 400 naming the parameter. */
#define HH_LIST_LIMIT_MAX 100
#define HH_LIST_OFFSET_MAX 100000

/* The default page size of a list route: 20 for articles, 100 for causes and remedies. */
long hh_list_default_limit(enum hh_route_id id);

/*
 * Validates the query of a list route: unknown and repeated parameters,
 * bad numbers and unknown enum values are all reported in errs. Returns 0 or -1.
 */
int hh_list_params_parse(enum hh_route_id id, const struct hh_query *q, struct hh_list_params *p,
			 struct hh_field_errors *errs) HH_MUSTCHECK;

/* The cache key of a validated list request is keys.h's hh_key_list. */

#endif
