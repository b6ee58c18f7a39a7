/*
 * keys.c - cache keys, built in one place for the snapshot builder and the
 * handlers alike (see keys.h).
 */
#include "healthhub/keys.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "healthhub/content.h"

/* Appends printf output at *used; -1 once buf is full (the key would be cut, so it could collide). */
static int append(char *buf, size_t cap, size_t *used, const char *fmt, ...) HH_PRINTF(4, 5);
static int append(char *buf, size_t cap, size_t *used, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = *used < cap ? vsnprintf(buf + *used, cap - *used, fmt, ap) : -1;
	va_end(ap);
	if (n < 0 || (size_t)n >= cap - *used)
		return -1;
	*used += (size_t)n;
	return 0;
}

int hh_key_list(enum hh_route_id id, const struct hh_list_params *p, char *buf, size_t cap)
{
	size_t used = 0;
	char sep = '?';
	int rc = append(buf, cap, &used, "%s", hh_route_pattern(id));
	if (rc == 0 && id == HH_ROUTE_ARTICLES && (p->limit != 20 || p->offset != 0 || p->q)) {
		rc = append(buf, cap, &used, "?limit=%ld&offset=%ld", p->limit, p->offset);
		sep = '&';
	}
	if (rc == 0 && p->position) {
		rc = append(buf, cap, &used, "%cposition=%s", sep, hh_position_name(p->position));
		sep = '&';
	}
	if (rc == 0 && p->region) {
		rc = append(buf, cap, &used, "%cregion=%s", sep, hh_region_name(p->region));
		sep = '&';
	}
	if (rc == 0 && p->cause) {
		rc = append(buf, cap, &used, "%ccause=%s", sep, p->cause);
		sep = '&';
	}
	if (rc == 0 && p->q)
		rc = append(buf, cap, &used, "%cq=%s", sep, p->q);
	return rc;
}

int hh_key_item(enum hh_route_id id, const char *slug, int ld, char *buf, size_t cap)
{
	/* the item routes' patterns end in "{slug}": the key is the pattern with the slug in place */
	const char *pattern = hh_route_pattern(id);
	const char *brace = strchr(pattern, '{');
	if (brace == NULL)
		return -1;
	size_t used = 0;
	return append(buf, cap, &used, "%.*s%s%s", (int)(brace - pattern), pattern, slug,
		      ld && id == HH_ROUTE_ARTICLE ? "#ld" : "");
}

const char *hh_key_fixed(enum hh_route_id id)
{
	return hh_route_pattern(id);
}

int hh_key_triage(const char *ruleset_version, const struct hh_triage_input *in, char *buf, size_t cap)
{
	size_t used = 0;
	if (append(buf, cap, &used, "%s|", ruleset_version) < 0 || cap - used < HH_TRIAGE_KEY_MAX)
		return -1;
	hh_triage_input_key(in, buf + used, cap - used);
	return 0;
}

int hh_key_variant(char *buf, size_t cap, const char *variant)
{
	if (variant == NULL)
		return 0; /* the default language and country: keys as they always were */
	size_t used = strlen(buf);
	return append(buf, cap, &used, "|%s", variant);
}
