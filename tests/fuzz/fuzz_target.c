/*
 * fuzz_target.c - libFuzzer harness for what the HTTP edge decides from a
 * request's head: the raw target a client sends, through hh_target_parse,
 * hh_route_match and, for every list route, hh_list_params_parse and
 * hh_list_params_key; and the same bytes read as header lines ("Name:
 * value", one a line) through the framing check (hh_framing_add,
 * hh_framing_verdict: repeated or malformed Content-Length, Transfer-Encoding).
 *
 * The input is the raw target bytes, exactly as long as libFuzzer gives
 * them (no NUL added), so a read past len is caught. The server hands the
 * router targets of at most 8 KiB (longer ones are a 414), and so do we.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "healthhub/http.h"
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

/*
 * The input as a request head: each line with a colon is a field, its value
 * without the white space around it (as libmicrohttpd hands them to us); a
 * line holding "HTTP/1.0" makes it an HTTP/1.0 request. The verdict is 0, 400
 * or 501, and a refusal always says why.
 */
static void framing(const uint8_t *data, size_t size)
{
	char *head = xmalloc(size + 1);
	memcpy(head, data, size);
	head[size] = '\0';
	struct hh_framing f;
	memset(&f, 0, sizeof(f));
	int http10 = 0;
	char *line = head;
	while (line != NULL) {
		char *next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		size_t n = strlen(line);
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		char *colon = strchr(line, ':');
		if (strstr(line, "HTTP/1.0") != NULL)
			http10 = 1;
		if (colon != NULL) {
			*colon = '\0';
			char *value = colon + 1;
			while (*value == ' ' || *value == '\t')
				value++;
			char *end = value + strlen(value);
			while (end > value && (end[-1] == ' ' || end[-1] == '\t'))
				*--end = '\0';
			hh_framing_add(&f, line, value);
		}
		line = next;
	}
	const char *why = NULL;
	int v = hh_framing_verdict(&f, http10, &why);
	if (v != 0 && v != 400 && v != 501)
		__builtin_trap();
	if (v != 0 && (why == NULL || why[0] == '\0'))
		__builtin_trap();
	/* a body of certain length: at most one of each field, never both */
	if (v == 0 &&
	    (f.content_lengths > 1 || f.transfer_encodings > 1 || (f.content_lengths > 0 && f.transfer_encodings > 0)))
		__builtin_trap();
	free(head);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > TARGET_MAX)
		return 0;
	framing(data, size);
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
