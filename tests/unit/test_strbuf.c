/*
 * test_strbuf.c - the string buffer (strbuf.c): a growing buffer grows
 * past any start size; a fixed one refuses a piece that does not fit whole
 * and remembers it; the JSON escaper writes jansson's very bytes; the cut
 * form stays under its bound at a character boundary.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "healthhub/strbuf.h"

static void growing(void)
{
	struct hh_strbuf b;
	hh_strbuf_init(&b, 4);
	for (int i = 0; i < 1000; i++)
		CHECK(hh_strbuf_appendf(&b, "%d,", i) == 0);
	CHECK(hh_strbuf_puts(&b, "end") == 0);
	CHECK(!b.failed);
	CHECK(b.len == strlen(b.s));
	CHECK(strncmp(b.s, "0,1,2,", 6) == 0 && strcmp(b.s + b.len - 8, ",999,end") == 0);
	/* one appendf far longer than the room left */
	char big[5000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	size_t before = b.len;
	CHECK(hh_strbuf_appendf(&b, "<%s>", big) == 0);
	CHECK(b.len == before + 5001 && b.s[before] == '<' && b.s[b.len - 1] == '>' && b.s[b.len] == '\0');
	size_t len = 0;
	char *s = hh_strbuf_steal(&b, &len);
	CHECK(len == strlen(s));
	free(s);
}

static void fixed(void)
{
	char buf[8];
	struct hh_strbuf b;
	hh_strbuf_wrap(&b, buf, sizeof(buf), 0);
	CHECK(hh_strbuf_puts(&b, "abc") == 0);
	CHECK(hh_strbuf_appendf(&b, "%d", 1234) == 0); /* 7 bytes and the NUL: full */
	CHECK_STR(buf, "abc1234");
	CHECK(hh_strbuf_puts(&b, "x") < 0 && b.failed); /* refused, not cut */
	CHECK_STR(buf, "abc1234");
	hh_strbuf_truncate(&b, 3);
	CHECK(!b.failed);
	CHECK(hh_strbuf_appendf(&b, "%s", "longer") < 0); /* vsnprintf's partial output is taken back */
	CHECK_STR(buf, "abc");
	CHECK(hh_strbuf_puts(&b, "d") < 0); /* sticky: later appends are refused too */
	CHECK_STR(buf, "abc");
	hh_strbuf_truncate(&b, b.len);
	CHECK(hh_strbuf_append_json_str(&b, "ab") == 0 && strcmp(buf, "abc\"ab\"") == 0);
	/* wrapping keeps the text already there */
	char key[16] = "/v1/x";
	hh_strbuf_wrap(&b, key, sizeof(key), strlen(key));
	CHECK(hh_strbuf_appendf(&b, "|%s", "es-US") == 0);
	CHECK_STR(key, "/v1/x|es-US");
}

/* The escaper's bytes against jansson's for every byte value and some UTF-8. */
static void same_as_jansson(void)
{
	char in[300];
	size_t n = 0;
	for (int c = 1; c < 128; c++)
		in[n++] = (char)c;
	memcpy(in + n, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9);
	in[n + 9] = '\0';
	json_t *j = json_string(in);
	char *want = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
	struct hh_strbuf b;
	hh_strbuf_init(&b, 0);
	CHECK(hh_strbuf_append_json_str(&b, in) == 0);
	CHECK_STR(b.s, want);
	hh_strbuf_truncate(&b, 0);
	CHECK(hh_strbuf_append_json_str(&b, NULL) == 0);
	CHECK_STR(b.s, "null");
	CHECK(hh_strbuf_append_json_str(&b, "") == 0);
	CHECK_STR(b.s, "null\"\"");
	hh_strbuf_free(&b);
	free(want);
	json_decref(j);
}

static void bounded_json(void)
{
	char buf[16];
	struct hh_strbuf b;
	hh_strbuf_wrap(&b, buf, sizeof(buf), 0);
	CHECK(hh_strbuf_append_json_str(&b, "0123456789abcdefghij") < 0 && buf[0] == '\0'); /* whole or nothing */
	hh_strbuf_truncate(&b, 0);
	/* 15 bytes of text, 2 kept free: 11 between the quotes */
	CHECK(hh_strbuf_append_json_cut(&b, "0123456789abcdefghij", 2) == 1);
	CHECK_STR(buf, "\"0123456789a\"");
	hh_strbuf_truncate(&b, 0);
	CHECK(hh_strbuf_append_json_cut(&b, "\n\n\n\n\n\n", 2) == 1); /* whole escapes only */
	CHECK_STR(buf, "\"\\n\\n\\n\\n\\n\"");
	hh_strbuf_truncate(&b, 0);
	/* never inside a character: "é" (2 bytes) does not fit after ten a's, so it is left out */
	CHECK(hh_strbuf_append_json_cut(&b, "aaaaaaaaaa\xc3\xa9", 2) == 1);
	CHECK_STR(buf, "\"aaaaaaaaaa\"");
	hh_strbuf_truncate(&b, 0);
	CHECK(hh_strbuf_append_json_cut(&b, "short", 2) == 0);
	CHECK_STR(buf, "\"short\"");
	CHECK(hh_strbuf_append_json_cut(&b, "x", 7) < 0 && b.failed); /* not even the quotes */
	CHECK_STR(buf, "\"short\"");
}

int main(void)
{
	growing();
	fixed();
	same_as_jansson();
	bounded_json();
	return check_done();
}
