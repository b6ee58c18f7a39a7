/*
 * fuzz_parse.c - libFuzzer harness for POST /v1/triage/parse's pure parts over
 * the real phrases: the content is read once from HH_FUZZ_CONTENT, or else
 * the repository's content/ folder (HH_SOURCE_DIR).
 *
 * The first input byte picks the language (bit 0: Spanish), the country
 * (bit 1: US, else GB) and the entry point (bit 2): a POST body for
 * hh_parse_body_check, then read and rendered as the server does; or the
 * text itself, any bytes, for hh_textparse. Whatever is read must keep the
 * safety rule: no red flag in absent, every mention inside the text.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "healthhub/loader.h"
#include "healthhub/textparse.h"
#include "healthhub/triage_parse.h"

static struct hh_content *content; /* read once, never freed */
static struct hh_textparse_result result;

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
	json_object_seed(0x5eed);
	if (hh_loader_read_dir(dir, &content, &files, &diags) < 0) {
		fprintf(stderr, "fuzz_parse: cannot load the content in %s:\n", dir);
		hh_diags_print(&diags, stderr);
		exit(1);
	}
	hh_content_files_free(&files);
	hh_diags_free(&diags);
	return 0;
}

static void check_safe(const struct hh_textparse_result *r, size_t codepoints)
{
	for (size_t i = 0; i < r->request.n_absent; i++)
		if (r->request.absent[i]->category == HH_CATEGORY_RED_FLAG)
			abort(); /* a red flag in absent: the one thing never allowed */
	for (size_t i = 0; i < r->n_mentions; i++)
		if (r->mentions[i].start >= r->mentions[i].end || r->mentions[i].end > codepoints)
			abort();
}

static size_t code_points(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xC0) != 0x80;
	return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	enum hh_lang lang = (data[0] & 1) ? HH_LANG_ES : HH_LANG_EN;
	const char *country = (data[0] & 2) ? "US" : "GB";
	const char *body = (const char *)data + 1;
	size_t len = size - 1;
	if (data[0] & 4) {
		if (len > 4 * HH_TEXTPARSE_MAX_CODEPOINTS)
			return 0;
		hh_textparse(content, lang, country, body, len, &result);
		check_safe(&result, code_points(body, len) + len); /* bad bytes read as one code point each */
		return 0;
	}
	struct hh_parse_body b;
	struct hh_field_errors errs;
	enum hh_error_kind kind;
	hh_field_errors_init(&errs);
	if (hh_parse_body_check(body, len, &b, &kind, &errs) == 0) {
		if (b.has_lang)
			lang = b.lang;
		hh_textparse(content, lang, country, b.text, b.len, &result);
		check_safe(&result, code_points(b.text, b.len));
		size_t out_len = 0;
		char *out = hh_render_parse(content, lang, b.text, b.len, &result, &out_len);
		if (out == NULL)
			abort();
		free(out);
	}
	hh_parse_body_free(&b);
	return 0;
}
