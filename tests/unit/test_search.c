/*
 * test_search.c - the search index: queries over the repository's content,
 * the query translation (no user text read as FTS5 syntax), snippets, and
 * generations built from the previous one (add, replace, remove) that
 * leave the previous generation answering as it did.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "fixture.h"
#include "healthhub/search.h"
#include "search_internal.h"

static long long total(struct hh_search *ix, enum hh_search_kind kind, enum hh_lang lang, const char *q,
		       const struct hh_content *shown)
{
	struct hh_search_page p;
	if (hh_search_query(ix, kind, lang, q, shown, 0, 0, 20, 0, &p) < 0)
		return -1;
	long long t = p.total;
	hh_search_page_free(&p);
	return t;
}

/* The first hit's slug of a search of causes, or "" */
static const char *first(struct hh_search *ix, enum hh_lang lang, const char *q, const struct hh_content *shown,
			 char *buf, size_t cap)
{
	struct hh_search_page p;
	buf[0] = '\0';
	if (hh_search_query(ix, HH_SEARCH_CAUSES, lang, q, shown, 0, 0, 20, 0, &p) == 0 && p.n > 0)
		snprintf(buf, cap, "%s", p.slugs[0]);
	hh_search_page_free(&p);
	return buf;
}

static void test_expression(void)
{
	char buf[512];
	CHECK(hh_search_expression("back pain", HH_LANG_EN, buf, sizeof(buf)) > 0);
	CHECK_STR(buf, "(\"back\" AND \"pain\")");
	CHECK(hh_search_expression("posture or stress -work", HH_LANG_EN, buf, sizeof(buf)) > 0);
	CHECK_STR(buf, "(\"posture\") OR (\"stress\" NOT \"work\")");
	CHECK(hh_search_expression("\"shoulder blades\" the", HH_LANG_EN, buf, sizeof(buf)) > 0);
	CHECK_STR(buf, "(\"shoulder blades\")");
	/* FTS5 syntax in user text is only words */
	CHECK(hh_search_expression("NEAR(a b) col:x* ^y \"\"\" AND OR NOT (", HH_LANG_EN, buf, sizeof(buf)) > 0);
	CHECK_STR(buf, "(\"NEAR a\" AND \"b\" AND \"col x\" AND \"y\")"); /* "and", "not": stop words */
	/* nothing searchable */
	CHECK(hh_search_expression("the and of", HH_LANG_EN, buf, sizeof(buf)) == 0);
	CHECK(hh_search_expression("-posture", HH_LANG_EN, buf, sizeof(buf)) == 0);
	CHECK(hh_search_expression("or or \"\" -", HH_LANG_EN, buf, sizeof(buf)) == 0);
	CHECK(hh_search_expression("back", HH_LANG_EN, buf, 4) == -1);
}

static void test_queries(struct hh_search *ix, const struct hh_content *c)
{
	char b[64];
	CHECK(total(ix, HH_SEARCH_ARTICLES, HH_LANG_EN, "shoulder blades", c) == 1);
	CHECK(total(ix, HH_SEARCH_ARTICLES, HH_LANG_EN, "zebra", c) == 0);
	CHECK(total(ix, HH_SEARCH_CAUSES, HH_LANG_EN, "postures", c) >= 1); /* stemmed */
	CHECK_STR(first(ix, HH_LANG_EN, "slouching", c, b, sizeof(b)), "poor-posture");
	CHECK(total(ix, HH_SEARCH_CAUSES, HH_LANG_EN, "NEAR(x) \"", c) == 0);
	/* Spanish stems: "dolores" finds "dolor" */
	CHECK(total(ix, HH_SEARCH_CAUSES, HH_LANG_ES, "dolores", c->translations[HH_LANG_ES]) >= 5);
	CHECK(total(ix, HH_SEARCH_ARTICLES, HH_LANG_ES, "dolores de espalda", c->translations[HH_LANG_ES]) == 1);
	/* accents folded */
	CHECK(total(ix, HH_SEARCH_CAUSES, HH_LANG_ES, "musculos", c->translations[HH_LANG_ES]) ==
	      total(ix, HH_SEARCH_CAUSES, HH_LANG_ES, "músculos", c->translations[HH_LANG_ES]));
	/* positions filter and paging */
	struct hh_search_page p;
	CHECK(hh_search_query(ix, HH_SEARCH_CAUSES, HH_LANG_EN, "back", c, 0, 0, 2, 1, &p) == 0);
	CHECK(p.n == 2 && p.total >= 3);
	hh_search_page_free(&p);
}

static void test_snippet(struct hh_search *ix, const struct hh_content *c)
{
	struct hh_search_page p;
	CHECK(hh_search_query(ix, HH_SEARCH_CAUSES, HH_LANG_EN, "slouching", c, 0, 0, 5, 0, &p) == 0);
	CHECK(p.n >= 1 && p.snippets[0] != NULL);
	if (p.n >= 1 && p.snippets[0] != NULL) {
		const char *text = json_string_value(json_object_get(p.snippets[0], "text"));
		json_t *marks = json_object_get(p.snippets[0], "marks");
		CHECK(text != NULL && strstr(text, "Slouching") == text);
		CHECK(json_array_size(marks) == 1);
		CHECK(json_integer_value(json_array_get(json_array_get(marks, 0), 0)) == 0);
		CHECK(json_integer_value(json_array_get(json_array_get(marks, 0), 1)) == 9);
	}
	hh_search_page_free(&p);
	/* code points, not bytes: a mark after "é" or "ñ" */
	CHECK(hh_search_query(ix, HH_SEARCH_CAUSES, HH_LANG_ES, "dolores", c->translations[HH_LANG_ES], 0, 0, 1, 0,
			      &p) == 0);
	CHECK(p.n == 1 && p.snippets[0] != NULL);
	if (p.n == 1 && p.snippets[0] != NULL) {
		const char *text = json_string_value(json_object_get(p.snippets[0], "text"));
		json_t *m = json_array_get(json_object_get(p.snippets[0], "marks"), 0);
		CHECK(text != NULL && m != NULL);
		if (text != NULL && m != NULL) {
			/* walk to the mark's code point start and compare "dolor" */
			long long at = json_integer_value(json_array_get(m, 0)), cp = 0;
			const char *s = text;
			while (*s && cp < at) {
				s++;
				while ((*s & 0xC0) == 0x80)
					s++;
				cp++;
			}
			CHECK(strncmp(s, "dolor", 5) == 0);
		}
	}
	hh_search_page_free(&p);
}

/* The text a snippet shows and its marks' count, of the first hit of an article search. */
static const char *article_snippet(struct hh_search *ix, const char *q, const struct hh_content *shown, size_t *marks,
				   char *buf, size_t cap)
{
	struct hh_search_page p;
	buf[0] = '\0';
	*marks = 0;
	if (hh_search_query(ix, HH_SEARCH_ARTICLES, HH_LANG_EN, q, shown, 0, 0, 5, 0, &p) == 0 && p.n == 1 &&
	    p.snippets[0] != NULL) {
		snprintf(buf, cap, "%s", json_string_value(json_object_get(p.snippets[0], "text")));
		*marks = json_array_size(json_object_get(p.snippets[0], "marks"));
	}
	hh_search_page_free(&p);
	return buf;
}

/*
 * Snippets read the text the index says holds the most terms (the last
 * section's body here, past a first match), follow a replaced article to
 * its next generation, and still mark the words when the text shown is not
 * the one indexed (a variant's): then every text is read.
 */
static void test_snippet_texts(void)
{
	struct hh_content *a = fixture_content("content"), *b = fixture_content("content"),
			  *shown = fixture_content("content");
	CHECK(a && b && shown && a->n_articles == 1 && a->articles[0].n_sections >= 3);
	if (!(a && b && shown && a->n_articles == 1 && a->articles[0].n_sections >= 3))
		goto out;
	size_t last = a->articles[0].n_sections - 1, marks = 0;
	a->articles[0].sections[0].body = "A quokka fact comes first.";
	a->articles[0].sections[last].body = "The quokka and the wombat meet at last.";
	b->articles[0].sections[0].body = "A quokka fact comes first.";
	b->articles[0].sections[1].body = "Platypus notes replace the causes.";
	shown->articles[0].sections[1].body = "Nothing to see here.";
	shown->articles[0].sections[last].body = "Quokka sightings moved to the end.";
	struct hh_search *g1 = hh_search_build(a, NULL, NULL, NULL);
	struct hh_search *g2 = g1 ? hh_search_build(b, g1, a, NULL) : NULL;
	CHECK(g1 != NULL && g2 != NULL);
	if (g1 == NULL || g2 == NULL)
		goto free_ix;
	char buf[512];
	CHECK(strstr(article_snippet(g1, "quokka or wombat", a, &marks, buf, sizeof(buf)), "wombat") != NULL);
	CHECK(marks == 2);
	CHECK(strstr(article_snippet(g1, "quokka", a, &marks, buf, sizeof(buf)), "quokka fact") != NULL);
	CHECK(marks == 1);
	/* the next generation's row: the replaced section is where the index says */
	CHECK(strncmp(article_snippet(g2, "platypus", b, &marks, buf, sizeof(buf)), "Platypus notes", 14) == 0);
	CHECK(marks == 1);
	CHECK(strstr(article_snippet(g2, "wombat", b, &marks, buf, sizeof(buf)), "wombat") == NULL);
	/* shown differs from what g2 indexed: "platypus" is nowhere, "quokka" moved to the last section */
	CHECK(strstr(article_snippet(g2, "quokka", shown, &marks, buf, sizeof(buf)), "Quokka sightings") != NULL);
	CHECK(marks == 1);
	article_snippet(g2, "platypus", shown, &marks, buf, sizeof(buf));
	CHECK(buf[0] != '\0' && marks == 0); /* the summary, unmarked */
free_ix:
	hh_search_free(g2);
	hh_search_free(g1);
out:
	hh_content_free(a);
	hh_content_free(b);
	hh_content_free(shown);
}

static void test_generations(void)
{
	struct hh_content *a = fixture_content("content"), *b = fixture_content("content"),
			  *c = fixture_content("content"), *d = fixture_content("content");
	CHECK(a && b && c && d);
	if (!(a && b && c && d))
		return;
	a->n_causes--;
	d->n_causes--;
	c->causes[0].summary = "Zebras crossing the savannah";
	struct hh_search_stats st;
	struct hh_search *g1 = hh_search_build(a, NULL, NULL, &st);
	CHECK(g1 != NULL && st.full == 1 && st.bytes > 0);
	struct hh_search *g2 = hh_search_build(b, g1, a, &st); /* one cause added */
	CHECK(g2 != NULL && st.full == 0 && st.added == 1 && st.removed == 0);
	struct hh_search *g3 = hh_search_build(c, g2, b, &st); /* one summary replaced */
	CHECK(g3 != NULL && st.added == 1 && st.removed == 1);
	struct hh_search *g4 = hh_search_build(d, g3, c, &st); /* the added one removed, the summary back */
	CHECK(g4 != NULL && st.added == 1 && st.removed == 2);
	if (!(g1 && g2 && g3 && g4))
		goto out;
	CHECK(total(g1, HH_SEARCH_CAUSES, HH_LANG_EN, "fibromyalgia", a) == 0);
	CHECK(total(g2, HH_SEARCH_CAUSES, HH_LANG_EN, "fibromyalgia", b) == 1);
	CHECK(total(g4, HH_SEARCH_CAUSES, HH_LANG_EN, "fibromyalgia", d) == 0);
	CHECK(total(g2, HH_SEARCH_CAUSES, HH_LANG_EN, "zebra", b) == 0);
	CHECK(total(g3, HH_SEARCH_CAUSES, HH_LANG_EN, "zebra", c) == 1);
	CHECK(total(g4, HH_SEARCH_CAUSES, HH_LANG_EN, "zebra", d) == 0);
	/* the replaced text's words left with it, and came back */
	char phrase[1024];
	snprintf(phrase, sizeof(phrase), "\"%s\"", b->causes[0].summary);
	CHECK(total(g2, HH_SEARCH_CAUSES, HH_LANG_EN, phrase, b) == 1);
	CHECK(total(g3, HH_SEARCH_CAUSES, HH_LANG_EN, phrase, c) == 0);
	CHECK(total(g4, HH_SEARCH_CAUSES, HH_LANG_EN, phrase, d) == 1);
	/* each generation answers as it was built: g3 still has zebras after g4 exists */
	CHECK(total(g3, HH_SEARCH_CAUSES, HH_LANG_EN, "zebra", c) == 1);
	CHECK(total(g1, HH_SEARCH_CAUSES, HH_LANG_EN, "back", a) == total(g4, HH_SEARCH_CAUSES, HH_LANG_EN, "back", d));
out:
	hh_search_free(g1);
	hh_search_free(g2);
	hh_search_free(g3);
	hh_search_free(g4);
	hh_content_free(a);
	hh_content_free(b);
	hh_content_free(c);
	hh_content_free(d);
}

/*
 * A Spanish table holds an entity without a Spanish translation by its English
 * text, and switches it to the Spanish one when the translation comes (and back).
 */
static void test_untranslated(void)
{
	struct hh_content *a = fixture_content("content"), *b = fixture_content("content");
	struct hh_content *ea = a ? a->translations[HH_LANG_ES] : NULL, *eb = b ? b->translations[HH_LANG_ES] : NULL;
	CHECK(ea && eb && ea->n_causes > 1);
	if (!(ea && eb && ea->n_causes > 1))
		goto out;
	const char *slug = ea->causes[ea->n_causes - 1].slug;
	const struct hh_cause *en = hh_content_cause(a, slug), *es = hh_content_cause(eb, slug);
	CHECK(en != NULL && es != NULL && strcmp(en->name, es->name) != 0);
	if (en == NULL || es == NULL)
		goto out;
	ea->n_causes--; /* a: that cause has no Spanish translation */
	char en_q[512], es_q[512], buf[256];
	snprintf(en_q, sizeof(en_q), "\"%s\"", en->name);
	snprintf(es_q, sizeof(es_q), "\"%s\"", es->name);
	struct hh_search_stats st;
	struct hh_search *g1 = hh_search_build(a, NULL, NULL, NULL);
	struct hh_search *g2 = g1 ? hh_search_build(b, g1, a, &st) : NULL; /* translated */
	CHECK(g2 != NULL && st.added == 1 && st.removed == 1);
	struct hh_search *g3 = g2 ? hh_search_build(a, g2, b, &st) : NULL; /* untranslated again */
	CHECK(g3 != NULL && st.added == 1 && st.removed == 1);
	if (g1 && g2 && g3) {
		CHECK(strcmp(first(g1, HH_LANG_ES, en_q, a, buf, sizeof(buf)), slug) == 0);
		CHECK(total(g1, HH_SEARCH_CAUSES, HH_LANG_ES, es_q, a) == 0);
		CHECK(total(g2, HH_SEARCH_CAUSES, HH_LANG_ES, en_q, b) == 0);
		CHECK(strcmp(first(g2, HH_LANG_ES, es_q, b, buf, sizeof(buf)), slug) == 0);
		CHECK(strcmp(first(g3, HH_LANG_ES, en_q, a, buf, sizeof(buf)), slug) == 0);
		CHECK(total(g3, HH_SEARCH_CAUSES, HH_LANG_ES, es_q, a) == 0);
		CHECK(total(g1, HH_SEARCH_CAUSES, HH_LANG_ES, en_q, a) == 1); /* g1 answers as it was built */
	}
	hh_search_free(g1);
	hh_search_free(g2);
	hh_search_free(g3);
out:
	hh_content_free(a);
	hh_content_free(b);
}

/*
 * The index counts an article's tokens without stemming (hh_is_term) to
 * know where each section starts; that count must be the tokenizer's
 * (hh_term > 0) for every word, or snippets come from the wrong text.
 */
static void test_is_term(void)
{
	static const char *const texts[] = {
		"The pain between my shoulder-blades isn't getting better; it's been 2 weeks and I can't sit.",
		"Los dolores de espalda, según el médico, no son graves: ¿músculos? Sí, y también la postura.",
		"A an of THE And THEIR ourselves x y z 42 4x4 e-mail naïve café ß Straße ÆØÅ æøå",
		"\xce\xb1\xce\xbb\xce\xb3\xce\xbf\xcf\x82 \xd0\xb1\xd0\xbe\xd0\xbb\xd1\x8c a\xcc\x81 \xcc\x81\xcc\x80",
		"pneumonoultramicroscopicsilicovolcanoconiosisandthensomemoreletters",
		"ya yo el la los las de del que y o u a e ser estar tener había hubiera él ésta",
	};
	for (int l = 0; l < HH_LANG_COUNT; l++)
		for (int big = 0; big < 2; big++) {
			struct hh_stemmer *st =
				hh_stemmer_new((enum hh_lang)l, big ? HH_STEM_CACHE_BUILD : HH_STEM_CACHE);
			CHECK(st != NULL);
			for (size_t i = 0; st != NULL && i < sizeof(texts) / sizeof(texts[0]); i++) {
				size_t pos = 0, len = strlen(texts[i]);
				struct hh_word w;
				char term[HH_TERM_MAX + 1];
				for (int pass = 0; pass < 2; pass++) /* the second pass from the term cache */
					for (pos = 0; hh_word_next(texts[i], len, &pos, &w);)
						CHECK(hh_is_term(st, texts[i], w) ==
						      (hh_term(st, texts[i], w, term) > 0));
			}
			hh_stemmer_free(st);
		}
}

int main(void)
{
	test_expression();
	test_is_term();
	struct hh_content *c = fixture_content("content");
	CHECK(c != NULL && c->translations[HH_LANG_ES] != NULL);
	struct hh_search *ix = c ? hh_search_build(c, NULL, NULL, NULL) : NULL;
	CHECK(ix != NULL);
	if (ix != NULL) {
		test_queries(ix, c);
		test_snippet(ix, c);
	}
	hh_search_free(ix);
	hh_content_free(c);
	test_generations();
	test_snippet_texts();
	test_untranslated();
	return check_done();
}
