/*
 * snapshot_diff.c - what changed between two snapshots, as the surrogate
 * keys a shared cache must purge (hh_snapshot_changed_keys, snapshot.h).
 * It reads the snapshots' answers and content, so it lives with them;
 * purge.c only sends what it is given.
 */
#include "healthhub/snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "healthhub/i18n.h"
#include "healthhub/keys.h"
#include "healthhub/strbuf.h"

struct keyset {
	char **v;
	size_t n, cap;
	struct hh_map *seen; /* key -> itself: de-duplication in constant time, for large diffs */
};

static void keyset_add_first(struct keyset *ks, const char *surrogate)
{
	if (surrogate == NULL || surrogate[0] == '\0')
		return;
	char *key = xstrndup(surrogate, strcspn(surrogate, " "));
	if (hh_map_get(ks->seen, key) != NULL) {
		free(key);
		return;
	}
	hh_map_put(ks->seen, key, key);
	if (ks->n == ks->cap) {
		ks->cap = ks->cap ? ks->cap * 2 : 16;
		ks->v = xrealloc(ks->v, ks->cap * sizeof(*ks->v));
	}
	ks->v[ks->n++] = key;
}

/* Adds the own key of each answer of a that b lacks or holds with other bytes. */
static void diff_one_way(const struct hh_snapshot *a, const struct hh_snapshot *b, struct keyset *ks)
{
	for (size_t i = 0; i < a->n_all; i++) {
		const struct hh_resource *ra = a->all[i];
		const struct hh_resource *rb = ra->key ? hh_snapshot_get(b, ra->key) : NULL;
		if (rb == ra)
			continue; /* shared by the reload: unchanged, no need to compare */
		if (rb == NULL || strcmp(ra->rend.etag, rb->rend.etag) != 0)
			keyset_add_first(ks, ra->surrogate);
	}
}

/*
 * Article answers live in slots, shared or built on first request, so they
 * are diffed from the content (hh_snapshot_article_differs), never by
 * building them: an article changed or added in new, or gone from it.
 */
static void diff_articles(const struct hh_snapshot *old, const struct hh_snapshot *new, struct keyset *ks)
{
	char key[HH_KEY_MAX];
	for (size_t i = 0; i < new->content->n_articles; i++) {
		if (!hh_snapshot_article_differs(old, new, i))
			continue;
		snprintf(key, sizeof(key), "article/%s", new->content->articles[i].slug);
		keyset_add_first(ks, key);
	}
	for (size_t i = 0; i < old->content->n_articles; i++) {
		const char *slug = old->content->articles[i].slug;
		if (hh_content_article(new->content, slug) != NULL)
			continue;
		snprintf(key, sizeof(key), "article/%s", slug);
		keyset_add_first(ks, key);
	}
}

static int same_sum(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* Whether two translations differ in any entity, symptom or the policy (their checksums). */
static int translation_differs(const struct hh_content *a, const struct hh_content *b)
{
	if (a == NULL || b == NULL)
		return a != b;
	if (a->n_articles != b->n_articles || a->n_causes != b->n_causes || a->n_remedies != b->n_remedies ||
	    a->n_symptoms != b->n_symptoms || !same_sum(a->policy.checksum, b->policy.checksum))
		return 1;
	for (size_t i = 0; i < a->n_articles; i++)
		if (!same_sum(a->articles[i].checksum, b->articles[i].checksum))
			return 1;
	for (size_t i = 0; i < a->n_causes; i++)
		if (!same_sum(a->causes[i].checksum, b->causes[i].checksum))
			return 1;
	for (size_t i = 0; i < a->n_remedies; i++)
		if (!same_sum(a->remedies[i].checksum, b->remedies[i].checksum))
			return 1;
	for (size_t i = 0; i < a->n_symptoms; i++)
		if (!same_sum(a->symptoms[i].checksum, b->symptoms[i].checksum))
			return 1;
	return 0;
}

/*
 * Other languages and countries are built on demand, so they are
 * diffed from the content as read: a country whose terms changed purges
 * "country/CC", a changed translation "lang/xx" (every variant answer
 * carries both keys; the entity keys above reach every variant already).
 */
static void diff_i18n(const struct hh_snapshot *old, const struct hh_snapshot *new, struct keyset *ks)
{
	char key[32];
	const struct hh_content *a = old->base, *b = new->base;
	if (a == NULL || b == NULL)
		return;
	for (size_t i = 0; i < b->n_countries; i++) {
		const struct hh_country *k = hh_i18n_country(a, b->countries[i].code);
		if (k != NULL && same_sum(k->checksum, b->countries[i].checksum))
			continue;
		snprintf(key, sizeof(key), "country/%s", b->countries[i].code);
		keyset_add_first(ks, key);
	}
	for (int l = 0; l < HH_LANG_COUNT; l++) {
		if (l == HH_LANG_EN || !translation_differs(a->translations[l], b->translations[l]))
			continue;
		snprintf(key, sizeof(key), "lang/%s", hh_lang_name((enum hh_lang)l));
		keyset_add_first(ks, key);
	}
}

char *hh_snapshot_changed_keys(const struct hh_snapshot *old, const struct hh_snapshot *new)
{
	struct keyset ks = {.seen = hh_map_new(64 + new->n_resources)};
	diff_one_way(new, old, &ks);
	diff_one_way(old, new, &ks);
	diff_articles(old, new, &ks);
	diff_i18n(old, new, &ks);
	if (ks.n > 0)
		keyset_add_first(&ks, "triage");
	struct hh_strbuf out;
	hh_strbuf_init(&out, 64);
	for (size_t i = 0; i < ks.n; i++) {
		hh_strbuf_appendf(&out, "%s%s", i ? " " : "", ks.v[i]);
		free(ks.v[i]);
	}
	free(ks.v);
	hh_map_free(ks.seen);
	return hh_strbuf_steal(&out, NULL);
}
