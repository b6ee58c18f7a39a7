/* test_docstore.c - documents from files and back, the field-level diff, NAME@VERSION references. */
#include "check.h"

#include <stdlib.h>

#include "healthhub/docstore.h"

/* What hh_doc_diff prints, as a string (caller frees). */
static char *diffed(const char *a, const char *b, size_t *lines)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	*lines = hh_doc_diff(a, b, "  ", f);
	fclose(f);
	return buf;
}

static void paths(void)
{
	char name[64], lang[8];
	const char *member = NULL;
	CHECK(hh_doc_of_path("causes/poor-posture.json", name, sizeof(name), lang, &member) == 0);
	CHECK_STR(name, "cause/poor-posture");
	CHECK_STR(lang, "en");
	CHECK(member == NULL);
	CHECK(hh_doc_of_path("es/articles/a-b.json", name, sizeof(name), lang, &member) == 0);
	CHECK_STR(name, "article/a-b");
	CHECK_STR(lang, "es");
	CHECK(hh_doc_of_path("es/triage/policy.json", name, sizeof(name), lang, &member) == 0);
	CHECK_STR(name, "triage");
	CHECK_STR(member, "policy.json");
	CHECK(hh_doc_of_path("countries/GB.json", name, sizeof(name), lang, &member) == 0);
	CHECK_STR(name, "country/GB");
	CHECK(hh_doc_of_path("notes/x.json", name, sizeof(name), lang, &member) < 0);
	CHECK(hh_doc_of_path("causes/x.txt", name, sizeof(name), lang, &member) < 0);
	char kind[16];
	hh_doc_kind("remedy/heat", kind, sizeof(kind));
	CHECK_STR(kind, "remedy");
	hh_doc_kind("triage", kind, sizeof(kind));
	CHECK_STR(kind, "triage");
}

static void round_trip(void)
{
	const struct hh_i18n_doc files[] = {
		{"triage/symptoms.json", "{\"symptoms\": []}", NULL},
		{"causes/b.json", "{\"slug\": \"b\", \"name\": \"B\"}", NULL},
		{"triage/policy.json", "{\"rules\": [1, 2]}", NULL},
		{"es/causes/b.json", "{ \"name\": \"Be\", \"slug\": \"b\" }", NULL},
	};
	struct hh_docs d;
	CHECK(hh_docs_from_files(files, 4, 0, &d) == 0);
	CHECK(d.n == 3); /* cause/b en, cause/b es, triage */
	const struct hh_doc *t = hh_docs_find(&d, "triage", "en");
	CHECK(t != NULL &&
	      strcmp(t->body, "{\"policy.json\":{\"rules\":[1,2]},\"symptoms.json\":{\"symptoms\":[]}}") == 0);
	const struct hh_doc *es = hh_docs_find(&d, "cause/b", "es");
	/* canonical: keys sorted, no white space, so a reformatted file has the same checksum */
	CHECK(es != NULL && strcmp(es->body, "{\"name\":\"Be\",\"slug\":\"b\"}") == 0);
	CHECK(es != NULL && strlen(es->checksum) == 64);
	CHECK(hh_docs_find(&d, "cause/b", "fr") == NULL);

	struct hh_doc_files back;
	CHECK(hh_docs_to_files(&d, 0, &back) == 0);
	CHECK(back.n == 4);
	CHECK_STR(back.v[0].path, "causes/b.json");
	CHECK_STR(back.v[1].path, "es/causes/b.json");
	CHECK_STR(back.v[2].path, "triage/policy.json");
	CHECK_STR(back.v[2].body, "{\"rules\":[1,2]}");
	CHECK_STR(back.v[3].path, "triage/symptoms.json");
	hh_doc_files_free(&back);

	/* a removed document has no file; pretty files end with a newline */
	free(d.v[0].body);
	d.v[0].body = NULL;
	CHECK(hh_docs_to_files(&d, 1, &back) == 0);
	CHECK(back.n == 3 && strcmp(back.v[0].path, "es/causes/b.json") == 0);
	CHECK(back.n == 3 && back.v[0].body[strlen(back.v[0].body) - 1] == '\n');
	hh_doc_files_free(&back);
	hh_docs_free(&d);

	const struct hh_i18n_doc bad[] = {{"causes/x.json", "{ not json", NULL}};
	CHECK(hh_docs_from_files(bad, 1, 0, &d) < 0 && d.n == 0);
}

static void diff(void)
{
	size_t n = 0;
	char *out = diffed("{\"a\":1,\"b\":[1,2,3],\"c\":{\"d\":\"x\"}}",
			   "{\"a\":1,\"b\":[1,5],\"c\":{\"d\":\"y\"},\"e\":true}", &n);
	CHECK(n == 4);
	CHECK_STR(out, "  b[1]: 2 -> 5\n"
		       "  b[2]: 3 -> (none)\n"
		       "  c.d: \"x\" -> \"y\"\n"
		       "  e: (none) -> true\n");
	free(out);
	out = diffed("{\"a\":1}", "{\"a\":1}", &n);
	CHECK(n == 0 && strcmp(out, "") == 0);
	free(out);
	out = diffed(NULL, "{\"a\":1}", &n);
	CHECK(n == 1);
	CHECK_STR(out, "  (document): (none) -> {\"a\":1}\n");
	free(out);
	/* a long text is shown from a little before where it changed */
	char a[300], b[300];
	snprintf(a, sizeof(a), "{\"s\":\"%0200d tail one\"}", 0);
	snprintf(b, sizeof(b), "{\"s\":\"%0200d tail two\"}", 0);
	out = diffed(a, b, &n);
	CHECK(n == 1 && strstr(out, "tail one\" -> ...") != NULL && strstr(out, "tail two\"\n") != NULL);
	free(out);
}

static void refs(void)
{
	char name[64], date[40];
	long long v = -1;
	CHECK(hh_doc_ref_parse("article/x@12", name, sizeof(name), &v, date, sizeof(date)) == 0);
	CHECK_STR(name, "article/x");
	CHECK(v == 12 && date[0] == '\0');
	CHECK(hh_doc_ref_parse("triage", name, sizeof(name), &v, date, sizeof(date)) == 0);
	CHECK(v == 0 && strcmp(name, "triage") == 0);
	CHECK(hh_doc_ref_parse("cause/y@2026-11-20T10:00:00Z", name, sizeof(name), &v, date, sizeof(date)) == 0);
	CHECK(v == 0);
	CHECK_STR(date, "2026-11-20T10:00:00Z");
	CHECK(hh_doc_ref_parse("cause/y@0", name, sizeof(name), &v, date, sizeof(date)) < 0); /* versions start at 1 */
	CHECK(hh_doc_ref_parse("cause/y@x", name, sizeof(name), &v, date, sizeof(date)) < 0);
	CHECK(hh_doc_ref_parse("@3", name, sizeof(name), &v, date, sizeof(date)) < 0);
}

int main(void)
{
	paths();
	round_trip();
	diff();
	refs();
	return check_done();
}
