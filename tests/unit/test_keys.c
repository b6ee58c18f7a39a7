/*
 * test_keys.c - cache keys (keys.c): canonical keys for equivalent
 * requests, distinct keys for different ones, refusal instead of a cut key,
 * and the snapshot builder storing every answer under the key a request
 * for it produces (one owner for both sides).
 *
 * Runs from the source tree (ctest sets WORKING_DIRECTORY): "content" is the real content.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "fixture.h"
#include "healthhub/keys.h"
#include "healthhub/loader.h"
#include "healthhub/snapshot.h"

/* The key a raw request target gets, as the handlers compute it; "" when the request is invalid. */
static const char *key_of(enum hh_route_id id, const char *target, char *key, size_t cap)
{
	struct hh_query q;
	struct hh_field_errors errs;
	struct hh_list_params p;
	char path[256];
	hh_field_errors_init(&errs);
	key[0] = '\0';
	if (hh_target_parse(target, strlen(target), path, sizeof(path), &q, &errs) < 0 ||
	    hh_list_params_parse(id, &q, &p, &errs) < 0 || hh_key_list(id, &p, key, cap) < 0)
		key[0] = '\0';
	return key;
}

static void canonical_lists(void)
{
	char a[HH_KEY_MAX], b[HH_KEY_MAX];
	/* parameter order does not matter */
	CHECK_STR(key_of(HH_ROUTE_CAUSES, "/v1/causes?region=upper_back&position=sitting", a, sizeof(a)),
		  key_of(HH_ROUTE_CAUSES, "/v1/causes?position=sitting&region=upper_back", b, sizeof(b)));
	CHECK_STR(a, "/v1/causes?position=sitting&region=upper_back");
	/* defaults spelled out are the same request as defaults left out */
	CHECK_STR(key_of(HH_ROUTE_ARTICLES, "/v1/articles?limit=20&offset=0", a, sizeof(a)), "/v1/articles");
	CHECK_STR(key_of(HH_ROUTE_ARTICLES, "/v1/articles", a, sizeof(a)), "/v1/articles");
	/* search text: case, spacing and encoding fold to one key */
	CHECK_STR(key_of(HH_ROUTE_ARTICLES, "/v1/articles?q=Upper+%20BACK&limit=5", a, sizeof(a)),
		  key_of(HH_ROUTE_ARTICLES, "/v1/articles?limit=5&q=upper%20back", b, sizeof(b)));
	CHECK_STR(a, "/v1/articles?limit=5&offset=0&q=upper back");
	/* a search always names its page, so page 1 and page 2 of the same search differ */
	CHECK_STR(key_of(HH_ROUTE_ARTICLES, "/v1/articles?q=back", a, sizeof(a)),
		  "/v1/articles?limit=20&offset=0&q=back");
	CHECK(strcmp(a, key_of(HH_ROUTE_ARTICLES, "/v1/articles?q=back&offset=20", b, sizeof(b))) != 0);
	CHECK_STR(key_of(HH_ROUTE_REMEDIES, "/v1/remedies?cause=poor-posture", a, sizeof(a)),
		  "/v1/remedies?cause=poor-posture");
	/* different filters never share a key */
	CHECK(strcmp(key_of(HH_ROUTE_CAUSES, "/v1/causes?position=sitting", a, sizeof(a)),
		     key_of(HH_ROUTE_CAUSES, "/v1/causes?region=upper_back", b, sizeof(b))) != 0);
	CHECK(strcmp(key_of(HH_ROUTE_CAUSES, "/v1/causes?q=stress", a, sizeof(a)),
		     key_of(HH_ROUTE_ARTICLES, "/v1/articles?q=stress", b, sizeof(b))) != 0);
}

static void bounded(void)
{
	struct hh_list_params p = {.limit = 20, .position = HH_POS_SITTING};
	char small[12];
	/* a key that does not fit is refused, never cut (a cut key could name another answer) */
	CHECK(hh_key_list(HH_ROUTE_CAUSES, &p, small, sizeof(small)) == -1);
	char key[HH_KEY_MAX];
	struct hh_list_params longest = {.limit = 100, .offset = 100000};
	memset(longest.q, 'x', 200);
	longest.q[200] = '\0';
	CHECK(hh_key_list(HH_ROUTE_ARTICLES, &longest, key, sizeof(key)) == 0);
	CHECK(hh_key_item(HH_ROUTE_CAUSE, "poor-posture", 0, small, sizeof(small)) == -1);
}

static void items_and_fixed(void)
{
	char key[HH_KEY_MAX];
	CHECK(hh_key_item(HH_ROUTE_ARTICLE, "upper-back", 0, key, sizeof(key)) == 0);
	CHECK_STR(key, "/v1/articles/upper-back");
	CHECK(hh_key_item(HH_ROUTE_ARTICLE, "upper-back", 1, key, sizeof(key)) == 0);
	CHECK_STR(key, "/v1/articles/upper-back#ld");
	CHECK(hh_key_item(HH_ROUTE_CAUSE, "poor-posture", 1, key, sizeof(key)) == 0);
	CHECK_STR(key, "/v1/causes/poor-posture"); /* only articles have an ld+json form */
	CHECK(hh_key_item(HH_ROUTE_REMEDY, "heat-therapy", 0, key, sizeof(key)) == 0);
	CHECK_STR(key, "/v1/remedies/heat-therapy");
	CHECK(hh_key_item(HH_ROUTE_CAUSES, "x", 0, key, sizeof(key)) == -1); /* not an item route */
	CHECK_STR(hh_key_fixed(HH_ROUTE_SYMPTOMS), "/v1/symptoms");
	CHECK_STR(hh_key_fixed(HH_ROUTE_OPENAPI), "/openapi.json");
}

static void triage_keys(void)
{
	struct hh_triage_input in = {.n_symptoms = 0, .positions = 2, .region = 1, .duration_days = 3, .age = -1};
	char a[HH_KEY_MAX], b[HH_KEY_MAX];
	CHECK(hh_key_triage("v1", &in, a, sizeof(a)) == 0);
	CHECK(strncmp(a, "v1|", 3) == 0);
	CHECK(hh_key_triage("v2", &in, b, sizeof(b)) == 0);
	CHECK(strcmp(a, b) != 0); /* new rules, new key: an old answer is never served for them */
	in.age = 40;
	CHECK(hh_key_triage("v1", &in, b, sizeof(b)) == 0);
	CHECK(strcmp(a, b) != 0);
	CHECK(hh_key_triage("v1", &in, a, 20) == -1);
}

/* Every request the handlers answer from the snapshot finds its entry under the handlers' key. */
static void snapshot_uses_the_same_keys(void)
{
	struct hh_cors cors;
	hh_cors_init(&cors, "*", 600);
	struct hh_snapshot_options o = {.cors = &cors, .cache_control = "public, max-age=1", .public_url = ""};
	struct hh_content *c = fixture_content("content");
	CHECK(c != NULL);
	if (c == NULL)
		return;
	struct hh_snapshot *s = hh_snapshot_build(c, &o);
	CHECK(s != NULL);
	if (s == NULL)
		return;
	const char *targets[][2] = {
		{"a", "/v1/articles"},
		{"c", "/v1/causes"},
		{"c", "/v1/causes?position=lying_down"},
		{"c", "/v1/causes?region=middle_back&position=standing"},
		{"r", "/v1/remedies"},
	};
	char key[HH_KEY_MAX];
	for (size_t i = 0; i < HH_ARRAY_LEN(targets); i++) {
		enum hh_route_id id = targets[i][0][0] == 'a'   ? HH_ROUTE_ARTICLES
				      : targets[i][0][0] == 'c' ? HH_ROUTE_CAUSES
								: HH_ROUTE_REMEDIES;
		key_of(id, targets[i][1], key, sizeof(key));
		CHECK(hh_snapshot_get(s, key) != NULL);
	}
	for (size_t i = 0; i < s->content->n_causes; i++) {
		char target[128];
		snprintf(target, sizeof(target), "/v1/remedies?cause=%s", s->content->causes[i].slug);
		CHECK(hh_snapshot_get(s, key_of(HH_ROUTE_REMEDIES, target, key, sizeof(key))) != NULL);
		CHECK(hh_key_item(HH_ROUTE_CAUSE, s->content->causes[i].slug, 0, key, sizeof(key)) == 0);
		CHECK(hh_snapshot_get(s, key) != NULL);
	}
	for (size_t i = 0; i < s->content->n_articles; i++)
		for (int ld = 0; ld <= 1; ld++) {
			CHECK(hh_key_item(HH_ROUTE_ARTICLE, s->content->articles[i].slug, ld, key, sizeof(key)) == 0);
			/* JSON is in the article's slot; ld+json is built on first request into a bounded cache */
			struct hh_answer_of w = {.id = HH_ROUTE_ARTICLE, .slug = s->content->articles[i].slug};
			struct hh_resource *r = ld ? NULL : hh_snapshot_answer(s, key, &w);
			CHECK(ld ? hh_snapshot_get(s, key) == NULL : r != NULL);
			if (r != NULL)
				hh_ref_put(&r->ref);
		}
	CHECK(hh_snapshot_get(s, hh_key_fixed(HH_ROUTE_SYMPTOMS)) != NULL);
	CHECK(hh_snapshot_get(s, hh_key_fixed(HH_ROUTE_OPENAPI)) != NULL);
	/* built with the options it was given (a per-language copy of them), no global */
	CHECK(s->opts->cache_control == o.cache_control && s->opts->cors == o.cors);
	CHECK(s->opts->variant == NULL && s->opts->content_language != NULL);
	/*
	 * every other language and country is made beside it, with nothing
	 * built: each answer is built on its first request, once, then kept
	 */
	const struct hh_snapshot *us = hh_snapshot_variant(s, HH_LANG_ES, "US");
	CHECK(us != NULL && us != s && us->opts->variant != NULL && strcmp(us->opts->variant, "es-US") == 0);
	const char *sym = hh_key_fixed(HH_ROUTE_SYMPTOMS);
	CHECK(us != NULL && hh_snapshot_get(us, sym) == NULL);
	struct hh_answer_of w = {.id = HH_ROUTE_SYMPTOMS};
	struct hh_resource *r1 = us ? hh_snapshot_answer(us, sym, &w) : NULL;
	struct hh_resource *r2 = us ? hh_snapshot_answer(us, sym, &w) : NULL;
	CHECK(r1 != NULL && r1 == r2 && hh_snapshot_get(us, sym) == r1);
	CHECK(r1 != NULL && strcmp(r1->opts->content_language, "es") == 0 && strstr(r1->rend.etag, "es-US") != NULL);
	if (r1 != NULL)
		hh_ref_put(&r1->ref);
	if (r2 != NULL)
		hh_ref_put(&r2->ref);
	/* what no snapshot keeps (a page other than the first, an unknown slug) is left to the caller */
	struct hh_list_params second = {.limit = 20, .offset = 20};
	struct hh_answer_of page = {.id = HH_ROUTE_ARTICLES, .p = &second},
			    nobody = {.id = HH_ROUTE_CAUSE, .slug = "zz"};
	CHECK(us != NULL && hh_snapshot_answer(us, "/v1/articles?limit=20&offset=20", &page) == NULL);
	CHECK(us != NULL && hh_snapshot_answer(us, "/v1/causes/zz", &nobody) == NULL);
	CHECK(hh_snapshot_variant(s, HH_LANG_EN, "ZZ") == NULL);
	CHECK(hh_snapshot_variant(s, HH_LANG_EN, NULL) == s);
	char k[HH_KEY_MAX] = "triage|x";
	CHECK(hh_key_variant(k, sizeof(k), NULL) == 0 && strcmp(k, "triage|x") == 0);
	CHECK(hh_key_variant(k, sizeof(k), "es-US") == 0 && strcmp(k, "triage|x|es-US") == 0);
	hh_ref_put(&s->ref);
}

int main(void)
{
	canonical_lists();
	bounded();
	items_and_fixed();
	triage_keys();
	snapshot_uses_the_same_keys();
	return check_done();
}
