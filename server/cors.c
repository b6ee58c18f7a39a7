/*
 * cors.c - Cross-Origin Resource Sharing headers (see cors.h).
 */
#include "healthhub/cors.h"

#include <stdio.h>
#include <string.h>

/* What a page's script may read besides the CORS-safelisted headers. */
static const char EXPOSE[] = "ETag, X-Request-Id, Retry-After";
static const char ALLOW_HEADERS[] = "Content-Type, If-None-Match, X-Request-Id, Accept";

void hh_cors_init(struct hh_cors *c, const char *origins, long max_age)
{
	c->origins = origins;
	c->max_age = max_age;
	c->any = strcmp(origins, "*") == 0;
	c->list = origins[0] != '\0' && !c->any;
}

int hh_cors_allowed(const struct hh_cors *c, const char *origin)
{
	size_t n = strlen(origin);
	for (const char *p = c->origins; c->list && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		while (len && *p == ' ') {
			p++;
			len--;
		}
		while (len && p[len - 1] == ' ')
			len--;
		if (len == n && strncmp(p, origin, n) == 0)
			return 1;
		if (end == NULL)
			break;
		p = end + 1;
	}
	return 0;
}

int hh_cors_fixed_headers(const struct hh_cors *c, struct MHD_Response *r)
{
	if (!c->any)
		return 0;
	int ok = MHD_add_response_header(r, "Access-Control-Allow-Origin", "*") == MHD_YES &&
		 MHD_add_response_header(r, "Access-Control-Expose-Headers", EXPOSE) == MHD_YES;
	return ok ? 0 : -1;
}

int hh_cors_request_headers(const struct hh_cors *c, const char *origin, struct MHD_Response *r)
{
	if (!c->list)
		return 0;
	int ok = MHD_add_response_header(r, "Vary", "Origin") == MHD_YES;
	if (ok && origin != NULL && hh_cors_allowed(c, origin))
		ok = MHD_add_response_header(r, "Access-Control-Allow-Origin", origin) == MHD_YES &&
		     MHD_add_response_header(r, "Access-Control-Expose-Headers", EXPOSE) == MHD_YES;
	return ok ? 0 : -1;
}

int hh_cors_preflight_headers(const struct hh_cors *c, const char *allow, struct MHD_Response *r)
{
	if (!c->any && !c->list)
		return 0;
	char max_age[24];
	snprintf(max_age, sizeof(max_age), "%ld", c->max_age);
	int ok = MHD_add_response_header(r, "Access-Control-Allow-Methods", allow) == MHD_YES &&
		 MHD_add_response_header(r, "Access-Control-Allow-Headers", ALLOW_HEADERS) == MHD_YES &&
		 MHD_add_response_header(r, "Access-Control-Max-Age", max_age) == MHD_YES;
	return ok ? 0 : -1;
}
