/*
 * fuzz_target.c - libFuzzer harness for request-target handling: the raw
 * target a client sends, through hh_target_parse, hh_route_match and, for
 * every list route, hh_list_params_parse and hh_list_params_key.
 *
 * The input is the raw target bytes, exactly as long as libFuzzer gives
 * them (no NUL added), so a read past len is caught. The server hands the
 * router targets of at most 8 KiB (longer ones are a 414), and so do we.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "healthhub/keys.h"
#include "healthhub/router.h"

#define TARGET_MAX 8192 /* HH_TARGET_MAX in include/healthhub/http.h */

static const enum hh_route_id list_routes[] = {HH_ROUTE_ARTICLES, HH_ROUTE_CAUSES, HH_ROUTE_REMEDIES};

/* What the server does with a parsed query, for every list route. */
static void list_params(const struct hh_query *q)
{
	for (size_t i = 0; i < HH_ARRAY_LEN(list_routes); i++) {
		struct hh_field_errors errs = {0};
		struct hh_list_params p;
		char key[512];
		/* every validated request has a key */
		if (hh_list_params_parse(list_routes[i], q, &p, &errs) == 0 &&
		    hh_key_list(list_routes[i], &p, key, sizeof(key)) < 0)
			__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > TARGET_MAX)
		return 0;
	char *target = xmalloc(size ? size : 1);
	memcpy(target, data, size);
	char path[1024]; /* HH_PATH_MAX in include/healthhub/http.h */
	struct hh_query q;
	struct hh_field_errors errs = {0};
	if (hh_target_parse(target, size, path, sizeof(path), &q, &errs) == 0) {
		struct hh_route route;
		hh_route_match(path, &route);
		(void)hh_route_pattern(route.id);
		char allow[HH_ALLOW_MAX];
		hh_route_allow(route.id, allow, sizeof(allow));
		(void)hh_query_get(&q, "q");
		list_params(&q);
	}
	free(target);
	return 0;
}
