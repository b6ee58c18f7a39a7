/*
 * cors.h - Cross-Origin Resource Sharing headers, in one place.
 *
 * Two modes (--cors-origins): "*" lets any page read every answer, and the
 * headers are fixed, so they go into prebuilt responses; an allow-list
 * answers each listed Origin by name, so those headers are per request and
 * every answer says Vary: Origin (even one to a request without Origin, or
 * a shared cache could hand an answer without Access-Control-Allow-Origin to
 * a listed page). "" turns CORS off.
 */
#ifndef HEALTHHUB_CORS_H
#define HEALTHHUB_CORS_H

#include <microhttpd.h>

#include "healthhub/common.h"

struct hh_cors {
	const char *origins; /* borrowed: "", "*" or "https://a.example, https://b.example" */
	long max_age;        /* seconds a browser may cache a preflight */
	int any;             /* origins is "*" */
	int list;            /* origins is an allow-list */
};

/* Fills c from the setting (borrowed; must outlive c). */
void hh_cors_init(struct hh_cors *c, const char *origins, long max_age);

/* 1 when origin (exact, case-sensitive, as browsers send it) is on the allow-list. */
int hh_cors_allowed(const struct hh_cors *c, const char *origin);

/* Headers fixed for every answer ("*" mode), safe in prebuilt responses. 0 or -1. */
int hh_cors_fixed_headers(const struct hh_cors *c, struct MHD_Response *r) HH_MUSTCHECK;

/* Headers that depend on the request's Origin (NULL when absent; allow-list mode). 0 or -1. */
int hh_cors_request_headers(const struct hh_cors *c, const char *origin, struct MHD_Response *r) HH_MUSTCHECK;

/* The preflight's Access-Control-Allow-* headers for a route's Allow value (when CORS is on). 0 or -1. */
int hh_cors_preflight_headers(const struct hh_cors *c, const char *allow, struct MHD_Response *r) HH_MUSTCHECK;

#endif
