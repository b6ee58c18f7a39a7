/*
 * test_purge.c - what a purge names (purge.c, snapshot.c): the surrogate
 * keys on prebuilt answers, the diff between two snapshots (only the own
 * keys of answers whose bytes changed, appeared or vanished, plus
 * "triage"), the same with answers shared by a reload or built lazily,
 * the purge URL check, and article answers held in pieces (their
 * when_to_get_help spliced in: the same bytes as rendered whole).
 *
 * Runs from the source tree (ctest sets WORKING_DIRECTORY): "content" is the real content.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixture.h"
#include "healthhub/i18n.h"
#include "healthhub/keys.h"
#include "healthhub/loader.h"
#include "healthhub/purge.h"
#include "healthhub/render.h"
#include "healthhub/snapshot.h"

static struct hh_snapshot_options opts;
static struct hh_cors cors;

static struct hh_snapshot *build(const char *cause_summary)
{
	struct hh_content *c = fixture_content("content");
	if (c == NULL)
		return NULL;
	for (size_t i = 0; cause_summary && i < c->n_causes; i++)
		if (strcmp(c->causes[i].slug, "poor-posture") == 0)
			c->causes[i].summary = hh_content_strdup(c, cause_summary);
	return hh_snapshot_build(c, &opts);
}

/* Is word one of the space-separated tokens of list? */
static int has_key(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, " ");
		if (len == n && strncmp(p, word, n) == 0)
			return 1;
		p += len;
		while (*p == ' ')
			p++;
	}
	return 0;
}

static const char *keys_of(const struct hh_snapshot *s, enum hh_route_id id, const char *slug)
{
	char key[HH_KEY_MAX];
	if (hh_key_item(id, slug, 0, key, sizeof(key)) < 0)
		return NULL;
	struct hh_answer_of w = {.id = id, .slug = slug};
	struct hh_resource *r = hh_snapshot_answer(s, key, &w);
	if (r != NULL)
		hh_ref_put(&r->ref); /* the snapshot keeps it */
	return r ? r->surrogate : NULL;
}

static void surrogate_keys(const struct hh_snapshot *s)
{
	const char *a = keys_of(s, HH_ROUTE_ARTICLE, "upper-middle-back-muscle-soreness");
	CHECK(a != NULL && strncmp(a, "article/upper-middle-back-muscle-soreness ", 42) == 0); /* own key first */
	CHECK(has_key(a, "cause/poor-posture") && has_key(a, "remedy/improve-posture"));
	const char *c = keys_of(s, HH_ROUTE_CAUSE, "poor-posture");
	CHECK(c != NULL && strncmp(c, "cause/poor-posture", 18) == 0 && has_key(c, "remedy/improve-posture"));
	const struct hh_resource *list = hh_snapshot_get(s, "/v1/causes");
	CHECK(list != NULL && list->surrogate != NULL && strncmp(list->surrogate, "causes ", 7) == 0);
	CHECK(list != NULL && has_key(list->surrogate, "cause/poor-posture"));
	const struct hh_resource *sym = hh_snapshot_get(s, hh_key_fixed(HH_ROUTE_SYMPTOMS));
	CHECK(sym != NULL && sym->surrogate != NULL && strcmp(sym->surrogate, "symptoms") == 0);
	const struct hh_remedy *rems[] = {&s->content->remedies[0], &s->content->remedies[1]};
	struct hh_keybuf rk = {.len = 0};
	hh_remedy_list_keys(rems, 2, &rk);
	char want[256];
	snprintf(want, sizeof(want), "remedies remedy/%s remedy/%s", rems[0]->slug, rems[1]->slug);
	CHECK_STR(rk.buf, want);
	struct hh_keybuf kb = {.len = 0};
	for (int i = 0; i < 1000; i++)
		hh_keybuf_add(&kb, "cause/", "a-rather-long-slug-for-a-cause");
	CHECK(kb.len < sizeof(kb.buf) && kb.buf[kb.len] == '\0' && kb.buf[kb.len - 1] != ' '); /* bounded, whole keys */
}

static void diff(const struct hh_snapshot *old, const struct hh_snapshot *same, const struct hh_snapshot *changed)
{
	char *none = hh_snapshot_changed_keys(old, same);
	CHECK_STR(none, ""); /* the same content: nothing to purge */
	free(none);
	char *keys = hh_snapshot_changed_keys(old, changed);
	/* the cause itself, what shows its summary (the article, the lists), and computed triage answers */
	CHECK(has_key(keys, "cause/poor-posture"));
	CHECK(has_key(keys, "causes"));
	CHECK(has_key(keys, "article/upper-middle-back-muscle-soreness"));
	CHECK(has_key(keys, "triage"));
	/* only own keys: a remedy page whose bytes did not change is not purged */
	CHECK(!has_key(keys, "remedy/improve-posture"));
	CHECK(!has_key(keys, "symptoms") && !has_key(keys, "openapi"));
	/* each key once */
	const char *first = strstr(keys, "causes");
	CHECK(first != NULL && strstr(first + 1, " causes") == NULL);
	char *back = hh_snapshot_changed_keys(changed, old);
	CHECK(has_key(back, "cause/poor-posture") && has_key(back, "triage"));
	printf("diff after one cause summary changed: %s\n", keys);
	free(keys);
	free(back);
}

/* The content again, every entity marked copied, as an incremental reload marks what it did not read. */
static struct hh_content *load_copied(void)
{
	struct hh_content *c = fixture_content("content");
	for (size_t i = 0; c != NULL && i < c->n_articles; i++)
		c->articles[i].copied = 1;
	for (size_t i = 0; c != NULL && i < c->n_causes; i++)
		c->causes[i].copied = 1;
	for (size_t i = 0; c != NULL && i < c->n_remedies; i++)
		c->remedies[i].copied = 1;
	return c;
}

static void put(struct hh_snapshot *s)
{
	if (s != NULL)
		hh_ref_put(&s->ref);
}

static const char ARTICLE[] = "upper-middle-back-muscle-soreness";

/* Answers built outside the prebuilt map carry the same keys: lazy article forms, other pages. */
static void lazy_keys(const struct hh_snapshot *s)
{
	const struct hh_article *a = hh_content_article(s->content, ARTICLE);
	struct hh_resource *ld = a ? hh_snapshot_article_ld(s, a) : NULL;
	CHECK(ld != NULL && ld->surrogate != NULL && strncmp(ld->surrogate, "article/upper-middle", 20) == 0);
	CHECK(ld != NULL && has_key(ld->surrogate, "cause/poor-posture"));
	if (ld)
		hh_ref_put(&ld->ref);
	struct hh_list_params p = {.limit = 1, .offset = 1};
	struct hh_resource *page = hh_snapshot_page(s->opts, s->content, HH_ROUTE_CAUSES, &p);
	char want[128]; /* the list, then the page's one item */
	snprintf(want, sizeof(want), "causes cause/%s", s->content->causes[1].slug);
	CHECK(page != NULL && page->surrogate != NULL && strcmp(page->surrogate, want) == 0);
	CHECK(page != NULL && page->link != NULL && strstr(page->link, "rel=\"prev\"") != NULL);
	if (page)
		hh_ref_put(&page->ref);
}

/*
 * Reloads share answers by pointer and build article answers lazily: the
 * diff must skip what is shared, decide unbuilt articles from the content,
 * and still name a changed or removed article (with its lists and triage).
 */
static void lazy_and_shared(void)
{
	struct hh_snapshot *old = build(NULL);
	struct hh_snapshot *next = old ? hh_snapshot_build_from(load_copied(), &opts, old) : NULL;
	CHECK(next != NULL && next->n_shared > 0);
	char *k = next ? hh_snapshot_changed_keys(old, next) : NULL;
	CHECK(k != NULL && strcmp(k, "") == 0); /* nothing changed, no article slot built on either side */
	free(k);
	struct hh_resource *built = old ? hh_snapshot_article(old, ARTICLE) : NULL;
	struct hh_snapshot *shared = old ? hh_snapshot_build_from(load_copied(), &opts, old) : NULL;
	CHECK(built != NULL && shared != NULL && hh_snapshot_article(shared, ARTICLE) == built); /* by pointer */
	k = shared ? hh_snapshot_changed_keys(old, shared) : NULL;
	CHECK(k != NULL && strcmp(k, "") == 0);
	free(k);
	/* the article read again with a new summary; neither side has built it */
	struct hh_snapshot *lazy_old = build(NULL);
	struct hh_content *c = load_copied();
	struct hh_article *a = c ? (struct hh_article *)hh_content_article(c, ARTICLE) : NULL;
	if (a != NULL) {
		a->copied = 0;
		a->summary = hh_content_strdup(c, "A changed summary.");
	}
	struct hh_snapshot *edited = a ? hh_snapshot_build(c, &opts) : NULL;
	k = edited && lazy_old ? hh_snapshot_changed_keys(lazy_old, edited) : NULL;
	CHECK(k != NULL && has_key(k, "article/upper-middle-back-muscle-soreness") && has_key(k, "articles"));
	CHECK(k != NULL && has_key(k, "triage") && !has_key(k, "cause/poor-posture"));
	free(k);
	/* the article removed: its key and the list it was on */
	struct hh_content *gone = load_copied();
	if (gone != NULL)
		gone->n_articles = 0;
	struct hh_snapshot *removed = gone && old ? hh_snapshot_build_from(gone, &opts, old) : NULL;
	k = removed ? hh_snapshot_changed_keys(old, removed) : NULL;
	CHECK(k != NULL && has_key(k, "article/upper-middle-back-muscle-soreness") && has_key(k, "articles"));
	printf("diff after the article was removed: %s\n", k ? k : "(none)");
	free(k);
	struct hh_snapshot *all[] = {old, next, shared, lazy_old, edited, removed};
	for (size_t i = 0; i < HH_ARRAY_LEN(all); i++)
		put(all[i]);
}

/* A Spanish text or a country's term changed: its variants' keys are purged, nothing else. */
static void i18n_keys(const struct hh_snapshot *old)
{
	struct hh_content *c = fixture_content("content");
	struct hh_content *es = c != NULL ? c->translations[HH_LANG_ES] : NULL;
	CHECK(es != NULL && es->n_causes > 0);
	if (es == NULL) {
		hh_content_free(c);
		return;
	}
	es->causes[0].checksum = "0000"; /* as a changed file reads */
	struct hh_snapshot *s = hh_snapshot_build(c, &opts);
	char *k = s ? hh_snapshot_changed_keys(old, s) : NULL;
	CHECK(k != NULL && has_key(k, "lang/es") && !has_key(k, "country/US") && !has_key(k, "country/GB"));
	free(k);
	if (s != NULL)
		hh_ref_put(&s->ref);
	c = fixture_content("content");
	for (size_t i = 0; c != NULL && i < c->n_countries; i++)
		if (strcmp(c->countries[i].code, "US") == 0)
			c->countries[i].checksum = "1111";
	s = c != NULL ? hh_snapshot_build(c, &opts) : NULL;
	k = s ? hh_snapshot_changed_keys(old, s) : NULL;
	CHECK(k != NULL && has_key(k, "country/US") && !has_key(k, "lang/es") && !has_key(k, "country/GB"));
	free(k);
	if (s != NULL)
		hh_ref_put(&s->ref);
	/* a variant's answers carry its keys beside the entity's */
	const struct hh_snapshot *v = hh_snapshot_variant(old, HH_LANG_ES, "US");
	char key[HH_KEY_MAX];
	CHECK(hh_key_item(HH_ROUTE_CAUSE, "poor-posture", 0, key, sizeof(key)) == 0);
	struct hh_answer_of w = {.id = HH_ROUTE_CAUSE, .slug = "poor-posture"};
	struct hh_resource *r = v ? hh_snapshot_answer(v, key, &w) : NULL;
	if (r != NULL)
		hh_ref_put(&r->ref); /* the variant keeps it */
	CHECK(v != NULL && v != old && r != NULL && has_key(r->surrogate, "cause/poor-posture") &&
	      has_key(r->surrogate, "lang/es") && has_key(r->surrogate, "country/US"));
}

static void urls(void)
{
	char why[256];
	CHECK(hh_purge_urls_check("", why, sizeof(why)) == 0);
	CHECK(hh_purge_urls_check("http://127.0.0.1:6081/", why, sizeof(why)) == 0);
	CHECK(hh_purge_urls_check("http://varnish, http://cache-2.internal:80/purge", why, sizeof(why)) == 0);
	CHECK(hh_purge_urls_check("https://api.fastly.com/", why, sizeof(why)) < 0 && strstr(why, "http://") != NULL);
	CHECK(hh_purge_urls_check("http://", why, sizeof(why)) < 0);
	CHECK(hh_purge_urls_check("http://host:0/", why, sizeof(why)) < 0);
	CHECK(hh_purge_urls_check("http://host:99999/", why, sizeof(why)) < 0);
	CHECK(hh_purge_urls_check("http://host:/", why, sizeof(why)) < 0);
	CHECK(hh_purge_urls_check("http://ho st/", why, sizeof(why)) < 0);
	CHECK(hh_purge_urls_check("varnish:6081", why, sizeof(why)) < 0);
}

/*
 * Every article answer of s, and of its Spanish US variant, is the article
 * as rendered whole: its own bytes around the snapshot's when_to_get_help,
 * joined; sent whole once asked for as it is.
 */
static void spliced_articles(const struct hh_snapshot *s)
{
	const struct hh_snapshot *es = hh_snapshot_variant(s, HH_LANG_ES, "US");
	const struct hh_snapshot *both[] = {s, es};
	CHECK(es != NULL && es != s);
	for (size_t k = 0; k < HH_ARRAY_LEN(both) && both[k] != NULL; k++) {
		const struct hh_content *c = both[k]->content;
		for (size_t i = 0; i < c->n_articles; i++) {
			struct hh_resource *res = hh_snapshot_article(both[k], c->articles[i].slug);
			json_t *help = hh_render_when_to_get_help(c);
			json_t *j = help ? hh_render_article(c, &c->articles[i], help) : NULL;
			size_t len = 0;
			char *want = j ? hh_render_dump(j, &len) : NULL;
			json_decref(j);
			CHECK(res != NULL && res->rend.splice != NULL && res->rend.splice == both[k]->help);
			char *got = res ? xmalloc(hh_rendition_size(&res->rend) + 1) : NULL;
			CHECK(got != NULL && hh_rendition_size(&res->rend) == len &&
			      hh_rendition_identity(&res->rend, got) == 0 && memcmp(got, want, len) == 0);
			free(got);
			struct MHD_Response *flat = res ? hh_resource_ok(res, 0) : NULL;
			CHECK(flat != NULL && flat != res->ok && hh_resource_ok(res, 0) == flat);
			CHECK(res != NULL && hh_resource_ok(res, 1) == res->ok_gz);
			free(want);
		}
	}
}

int main(void)
{
	hh_cors_init(&cors, "*", 600);
	opts = (struct hh_snapshot_options){.cors = &cors, .cache_control = "public, max-age=1", .public_url = ""};
	struct hh_snapshot *old = build(NULL), *same = build(NULL), *changed = build("A new summary for poor posture.");
	CHECK(old != NULL && same != NULL && changed != NULL);
	if (old && same && changed) {
		surrogate_keys(old);
		diff(old, same, changed);
		lazy_keys(old);
		i18n_keys(old);
		spliced_articles(old);
	}
	lazy_and_shared();
	urls();
	struct hh_snapshot *all[] = {old, same, changed};
	for (size_t i = 0; i < 3; i++)
		if (all[i] != NULL)
			hh_ref_put(&all[i]->ref);
	return check_done();
}
