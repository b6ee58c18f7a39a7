/*
 * test_i18n.c - placeholders resolved per language and country (i18n.c),
 * over the real content folder: the texts a person in each country reads.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "healthhub/common.h"
#include "healthhub/i18n.h"
#include "healthhub/loader.h"

#define CONTENT "content"

static struct hh_content *tiny_country(struct hh_country *k)
{
	static const char *keys[] = {"doctor", "emergency_number"};
	static const char *en[] = {"GP", "999"};
	static const char *es[] = {"médico de cabecera (GP)", "999"};
	memset(k, 0, sizeof(*k));
	k->code = "GB";
	k->emergency_number = "999";
	k->keys = (struct hh_strv){keys, 2};
	k->values[HH_LANG_EN] = en;
	k->values[HH_LANG_ES] = es;
	return NULL;
}

static void test_resolve(void)
{
	struct hh_country k;
	tiny_country(&k);
	char *s = hh_i18n_resolve("Call {emergency_number} now, or see a {doctor}.", &k, HH_LANG_EN);
	CHECK_STR(s, "Call 999 now, or see a GP.");
	free(s);
	s = hh_i18n_resolve("Vea a un {doctor}.", &k, HH_LANG_ES);
	CHECK_STR(s, "Vea a un médico de cabecera (GP).");
	free(s);
	s = hh_i18n_resolve("No placeholder.", &k, HH_LANG_EN);
	CHECK_STR(s, "No placeholder.");
	free(s);
	s = hh_i18n_resolve("{unknown} stays", &k, HH_LANG_EN); /* the loader refuses these */
	CHECK_STR(s, "{unknown} stays");
	free(s);
	s = hh_i18n_resolve("{doctor}{doctor}", &k, HH_LANG_EN);
	CHECK_STR(s, "GPGP");
	free(s);
	CHECK(hh_i18n_resolve(NULL, &k, HH_LANG_EN) == NULL);
}

static void test_check(void)
{
	struct hh_country k;
	char bad[32];
	tiny_country(&k);
	CHECK(hh_i18n_check("Call {emergency_number}.", &k.keys, bad, sizeof(bad)) == 0);
	CHECK(hh_i18n_check("See a {docter}.", &k.keys, bad, sizeof(bad)) < 0);
	CHECK_STR(bad, "{docter}");
	CHECK(hh_i18n_check("a } alone", &k.keys, bad, sizeof(bad)) < 0);
	CHECK(hh_i18n_check("a { unclosed", &k.keys, bad, sizeof(bad)) < 0);
	CHECK(hh_i18n_check("{doctor {doctor}", &k.keys, bad, sizeof(bad)) < 0);
	CHECK(hh_i18n_check("", &k.keys, bad, sizeof(bad)) == 0);
	enum hh_lang l;
	CHECK(hh_lang_parse("es", &l) == 0 && l == HH_LANG_ES);
	CHECK(hh_lang_parse("ES", &l) < 0 && hh_lang_parse("fr", &l) < 0 && hh_lang_parse(NULL, &l) < 0);
	/* the table of languages: each row's code, folder and stemmer, and a path's language */
	CHECK_STR(hh_lang_folder(HH_LANG_EN), "");
	CHECK_STR(hh_lang_folder(HH_LANG_ES), "es/");
	CHECK_STR(hh_lang_stemmer(HH_LANG_ES), "spanish");
	CHECK(hh_lang_of_path("es/causes/injury.json", &l) == 3 && l == HH_LANG_ES);
	CHECK(hh_lang_of_path("causes/injury.json", &l) == 0 && l == HH_LANG_EN);
	CHECK(hh_lang_of_path("escape/x.json", &l) == 0 && l == HH_LANG_EN); /* a folder, not a prefix of a name */
	CHECK_STR("unknown language (known:" HH_LANG_CODES ")", "unknown language (known: en es)");
}

static int mentions(const char *text, const char *pattern)
{
	regex_t re;
	if (text == NULL || regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
		return 0;
	int hit = regexec(&re, text, 0, NULL, 0) == 0;
	regfree(&re);
	return hit;
}

/* Every text a triage answer can show, in one variant: none may name another country's service. */
static void check_variant(const struct hh_content *v, const char *forbidden, const char *number)
{
	for (size_t i = 0; i < v->n_symptoms; i++) {
		const struct hh_symptom *y = &v->symptoms[i];
		if (mentions(y->message, forbidden))
			fprintf(stderr, "%s/%s: %s: %s\n", v->country->code, hh_lang_name(v->lang), y->code,
				y->message);
		CHECK(!mentions(y->message, forbidden));
		CHECK(y->message == NULL || strchr(y->message, '{') == NULL);
		if (y->category == HH_CATEGORY_RED_FLAG && y->level == HH_LEVEL_EMERGENCY)
			CHECK(strstr(y->message, number) != NULL);
	}
	for (int l = 0; l < HH_LEVEL_COUNT; l++)
		CHECK(!mentions(v->policy.advice[l], forbidden) && strchr(v->policy.advice[l], '{') == NULL);
	CHECK(strstr(v->policy.advice[HH_LEVEL_EMERGENCY], number) != NULL);
	CHECK(!mentions(v->policy.disclaimer, forbidden));
	for (size_t i = 0; i < v->policy.n_rules; i++)
		CHECK(!mentions(v->policy.rules[i].message, forbidden));
	for (size_t i = 0; i < v->policy.n_combinations; i++)
		CHECK(!mentions(v->policy.combinations[i].message, forbidden));
	for (size_t i = 0; i < v->n_causes; i++)
		CHECK(!mentions(v->causes[i].see_doctor_if, forbidden));
	for (size_t i = 0; i < v->n_remedies; i++)
		for (size_t k = 0; k < v->remedies[i].steps.n; k++)
			CHECK(!mentions(v->remedies[i].steps.v[k], forbidden));
	for (size_t i = 0; i < v->n_articles; i++)
		for (size_t k = 0; k < v->articles[i].n_sections; k++)
			CHECK(!mentions(v->articles[i].sections[k].body, forbidden));
}

static void test_content(void)
{
	struct hh_content *c = NULL;
	struct hh_content_files files;
	struct hh_diags d = {0};
	CHECK(hh_loader_read_dir(CONTENT, &c, &files, &d) == 0);
	if (d.n > 0)
		hh_diags_print(&d, stderr);
	if (c == NULL)
		return;
	CHECK(c->n_countries >= 2 && c->translations[HH_LANG_ES] != NULL);
	const struct hh_country *gb = hh_i18n_country(c, "GB"), *us = hh_i18n_country(c, "US");
	CHECK(gb != NULL && us != NULL && strcmp(gb->emergency_number, "999") == 0 &&
	      strcmp(us->emergency_number, "911") == 0);
	for (int l = 0; gb != NULL && us != NULL && l < HH_LANG_COUNT; l++) {
		struct hh_content *g = hh_i18n_variant(c, (enum hh_lang)l, gb);
		struct hh_content *u = hh_i18n_variant(c, (enum hh_lang)l, us);
		check_variant(g, "911|emergency room|urgent care|sala de emergencias", "999");
		check_variant(u, "999|NHS|A&E|\\bGP\\b|\\(GP\\)|111|physiotherap", "911");
		CHECK(strcmp(g->ruleset_version, u->ruleset_version) != 0);
		CHECK(g->lang == (enum hh_lang)l && g->country == gb);
		hh_content_free(u);
		hh_content_free(g);
	}
	/* GB English reads exactly as before the placeholders */
	struct hh_content *g = gb != NULL ? hh_i18n_variant(c, HH_LANG_EN, gb) : NULL;
	const struct hh_symptom *y = g != NULL ? hh_content_symptom(g, "chest_pain") : NULL;
	CHECK(y != NULL && strncmp(y->message, "Call 999 now", 12) == 0);
	/* and the patterns above do find what they look for */
	CHECK(g != NULL && mentions(g->policy.disclaimer, "\\bGP\\b") && mentions(g->policy.disclaimer, "NHS"));
	hh_content_free(g);
	hh_content_files_free(&files);
	hh_diags_free(&d);
	hh_content_free(c);
}

static int url_is(const struct hh_reference *r, const char *prefix)
{
	return r->url != NULL && strncmp(r->url, prefix, strlen(prefix)) == 0;
}

/* Every citation of a variant: red flags, rules, combinations, entities. None may match bad. */
static void check_citations(const struct hh_content *v, const char *bad)
{
	for (size_t i = 0; i < v->n_symptoms; i++)
		CHECK(!mentions(v->symptoms[i].source.url, bad));
	for (size_t i = 0; i < v->policy.n_rules; i++)
		CHECK(!mentions(v->policy.rules[i].source.url, bad));
	for (size_t i = 0; i < v->policy.n_combinations; i++)
		CHECK(!mentions(v->policy.combinations[i].source.url, bad));
	for (size_t i = 0; i < v->n_articles; i++)
		for (size_t k = 0; k < v->articles[i].references.n; k++)
			CHECK(!mentions(v->articles[i].references.v[k].url, bad));
	for (size_t i = 0; i < v->n_causes; i++)
		for (size_t k = 0; k < v->causes[i].references.n; k++)
			CHECK(!mentions(v->causes[i].references.v[k].url, bad));
	for (size_t i = 0; i < v->n_remedies; i++)
		for (size_t k = 0; k < v->remedies[i].references.n; k++)
			CHECK(!mentions(v->remedies[i].references.v[k].url, bad));
}

/* Sources per country (countries/US.json "citations"): US pages or nothing; GB keeps NHS/NICE. */
static void test_citations(void)
{
	struct hh_content *c = NULL;
	struct hh_content_files files;
	struct hh_diags d = {0};
	CHECK(hh_loader_read_dir(CONTENT, &c, &files, &d) == 0);
	const struct hh_country *gb = c != NULL ? hh_i18n_country(c, "GB") : NULL;
	const struct hh_country *us = c != NULL ? hh_i18n_country(c, "US") : NULL;
	CHECK(gb != NULL && us != NULL && !gb->has_citations && us->has_citations);
	for (int l = 0; gb != NULL && us != NULL && l < HH_LANG_COUNT; l++) {
		struct hh_content *g = hh_i18n_variant(c, (enum hh_lang)l, gb);
		struct hh_content *u = hh_i18n_variant(c, (enum hh_lang)l, us);
		check_citations(u, "nhs\\.uk|nice\\.org\\.uk");
		const struct hh_symptom *gy = hh_content_symptom(g, "chest_pain"),
					*uy = hh_content_symptom(u, "chest_pain");
		CHECK(gy != NULL && url_is(&gy->source, "https://www.nhs.uk/"));
		CHECK(gy != NULL && mentions(gy->source.url, "nhs\\.uk|nice\\.org\\.uk")); /* the pattern finds them */
		CHECK(uy != NULL && url_is(&uy->source, "https://medlineplus.gov/"));
		/* no US page supports it: nothing, not the NHS page */
		const struct hh_symptom *nc = hh_content_symptom(u, "no_clear_cause");
		CHECK(nc != NULL && nc->source.url == NULL && nc->source.title == NULL);
		CHECK(hh_content_symptom(g, "no_clear_cause") != NULL &&
		      url_is(&hh_content_symptom(g, "no_clear_cause")->source, "https://www.nhs.uk/"));
		/* the base content is untouched: the variant has its own copies */
		CHECK(url_is(&hh_content_symptom(c, "chest_pain")->source, "https://www.nhs.uk/"));
		const struct hh_article *ua = u->n_articles > 0 ? &u->articles[0] : NULL;
		CHECK(ua != NULL && ua->references.n > 0 && url_is(&ua->references.v[0], "https://medlineplus.gov/"));
		hh_content_free(u);
		hh_content_free(g);
	}
	hh_content_files_free(&files);
	hh_diags_free(&d);
	hh_content_free(c);
}

int main(void)
{
	test_resolve();
	test_check();
	test_content();
	test_citations();
	return check_done();
}
