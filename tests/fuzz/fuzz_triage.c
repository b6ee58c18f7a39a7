/*
 * fuzz_triage.c - libFuzzer harness for triage request validation, over the
 * real rules: the content is read once from HH_FUZZ_CONTENT, or else the
 * repository's content/ folder (HH_SOURCE_DIR).
 *
 * The first input byte picks the entry point, the rest is its input:
 *   even (e.g. 'J'): a POST body for hh_triage_parse_json, exactly as long
 *                    as given (no NUL added, as the server's body buffer);
 *   odd  (e.g. 'Q'): decoded query parameters for hh_triage_parse_query,
 *                    written "key=value&key=value" ('&' and '=' split, no
 *                    percent-decoding: the router has already done that).
 * Whatever parses is then evaluated, rendered and keyed, as the server does.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "healthhub/loader.h"
#include "healthhub/render.h"
#include "healthhub/router.h"
#include "healthhub/triage.h"

static struct hh_content *content; /* read once, never freed */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *dir = getenv("HH_FUZZ_CONTENT");
	if (dir == NULL || dir[0] == '\0')
		dir = HH_SOURCE_DIR "/content";
	struct hh_content_files files = {0};
	struct hh_diags diags = {0};
	json_object_seed(0x5eed); /* fixed, so a crash reproduces */
	if (hh_loader_read_dir(dir, &content, &files, &diags) < 0) {
		fprintf(stderr, "fuzz_triage: cannot load the content in %s:\n", dir);
		hh_diags_print(&diags, stderr);
		exit(1);
	}
	hh_content_files_free(&files);
	hh_diags_free(&diags);
	return 0;
}

/* Evaluates, renders and keys an accepted input, as the server does. */
static void answer(const struct hh_triage_input *in)
{
	struct hh_triage_result result;
	hh_triage_eval(content, in, &result);
	size_t len = 0;
	free(hh_render_triage(content, &result, &len));
	char key[HH_TRIAGE_KEY_MAX + 64], small[HH_TRIAGE_KEY_MAX];
	hh_triage_input_key(in, key, sizeof(key));
	hh_triage_input_key(in, small, sizeof(small));
}

static void parse_json(const uint8_t *data, size_t size)
{
	char *body = xmalloc(size ? size : 1);
	memcpy(body, data, size);
	struct hh_triage_input in;
	struct hh_field_errors errs = {0};
	enum hh_error_kind kind = HH_E_VALIDATION;
	if (hh_triage_parse_json(content, body, size, &in, &kind, &errs) == 0)
		answer(&in);
	free(body);
}

/* Splits "k=v&k=v" in place into at most HH_MAX_PARAMS pairs; returns the count. */
static size_t split_query(char *s, const char **keys, const char **values)
{
	size_t n = 0;
	char *p = s;
	while (p != NULL && n < HH_MAX_PARAMS) {
		char *amp = strchr(p, '&');
		if (amp != NULL)
			*amp = '\0';
		char *eq = strchr(p, '=');
		if (eq != NULL)
			*eq = '\0';
		keys[n] = p;
		values[n] = eq != NULL ? eq + 1 : "";
		n++;
		p = amp != NULL ? amp + 1 : NULL;
	}
	return n;
}

static void parse_query(const uint8_t *data, size_t size)
{
	if (size > HH_QUERY_MAX)
		return; /* the router refuses longer queries */
	char *s = xmalloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0'; /* decoded parameters are C strings; a NUL ends them early */
	const char *keys[HH_MAX_PARAMS], *values[HH_MAX_PARAMS];
	size_t n = split_query(s, keys, values);
	struct hh_triage_input in;
	struct hh_field_errors errs = {0};
	if (hh_triage_parse_query(content, keys, values, n, &in, &errs) == 0)
		answer(&in);
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] & 1)
		parse_query(data + 1, size - 1);
	else
		parse_json(data + 1, size - 1);
	return 0;
}
