/*
 * snapshot_i18n.c - one snapshot per language and country.
 *
 * The published snapshot is the deployment's country in English; it owns
 * a snapshot for every other (language, country), each built from a
 * content whose texts i18n.c resolved, and each sharing with its own
 * previous variant what did not change (snapshot.c does the building).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "healthhub/i18n.h"
#include "healthhub/log.h"
#include "healthhub/snapshot.h"
#include "snapshot_internal.h"

/*
 * A variant's options: the server's, plus its language and tag. Resources
 * keep a borrowed pointer to their options and may outlive their snapshot
 * (in an LRU, in flight), so these live as long as the process: interned
 * per (options, language, country), a handful in all, never freed.
 */
struct interned {
	struct hh_snapshot_options o;
	const struct hh_snapshot_options *from;
	char variant[8]; /* "es-US" */
	struct interned *next;
};

static pthread_mutex_t interned_lock = PTHREAD_MUTEX_INITIALIZER;
static struct interned *interned_head;

static const struct hh_snapshot_options *variant_opts(const struct hh_snapshot_options *o, enum hh_lang lang,
						      const char *country, int is_default)
{
	char tag[8];
	snprintf(tag, sizeof(tag), "%.2s-%.2s", hh_lang_name(lang), country);
	pthread_mutex_lock(&interned_lock);
	struct interned *i = interned_head;
	while (i != NULL && !(i->from == o && strcmp(i->variant, tag) == 0 && (i->o.variant == NULL) == is_default))
		i = i->next;
	if (i == NULL) {
		i = xcalloc(1, sizeof(*i));
		i->from = o;
		memcpy(i->variant, tag, sizeof(tag));
		i->o = *o;
		i->o.content_language = hh_lang_name(lang);
		i->o.variant = is_default ? NULL : i->variant;
		i->next = interned_head;
		interned_head = i;
	}
	pthread_mutex_unlock(&interned_lock);
	return &i->o;
}

/*
 * The other (language, country) snapshots of a family, made with it on the
 * reloader before it is published: each holds its resolved content (texts
 * borrowed from the base where no placeholder was resolved) and builds each
 * of its answers on first request, on its own (hh_snapshot_answer), so a
 * request never builds a whole snapshot and a deployment pays memory only
 * for the answers its readers ask for (bench/README.md: a prebuilt US
 * variant cost 33-43 MiB at 5,000 articles). Filled before publishing,
 * read-only after: lookups take no lock. Owned by the default snapshot.
 */
struct hh_variants {
	size_t n_countries;
	struct hh_snapshot **slot; /* [lang * n_countries + country]; NULL: the default, or no translation */
};

void hh_snapshot_variants_free(struct hh_variants *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < HH_LANG_COUNT * f->n_countries; i++)
		if (f->slot[i] != NULL)
			hh_ref_put(&f->slot[i]->ref);
	free(f->slot);
	free(f);
}

/* The slot of (lang, k) in s's family, or NULL (s has no family). */
static struct hh_snapshot **slot_of(const struct hh_snapshot *s, enum hh_lang lang, const struct hh_country *k)
{
	if (s->variants == NULL || s->base == NULL)
		return NULL;
	return &s->variants->slot[(size_t)lang * s->variants->n_countries + (size_t)(k - s->base->countries)];
}

/* The country of base with code, or NULL; code NULL: the default's. */
static const struct hh_country *country_of(const struct hh_snapshot *s, const char *code)
{
	return code == NULL ? s->content->country : hh_i18n_country(s->base, code);
}

/*
 * What a variant may share with the previous snapshot family: the old
 * variant of the same language and country, when its English entities'
 * "copied" marks still tell the truth about the resolved bytes, that is
 * when the country's terms did not change. A translation is read whole at
 * every reload (nothing in it is marked copied), so a Spanish variant
 * shares nothing. Never builds anything in old.
 */
static const struct hh_snapshot *old_variant(const struct hh_snapshot *old, enum hh_lang lang,
					     const struct hh_country *k)
{
	if (old == NULL || old->base == NULL || lang != HH_LANG_EN)
		return NULL;
	const struct hh_country *ok = hh_i18n_country(old->base, k->code);
	if (ok == NULL || strcmp(ok->checksum, k->checksum) != 0)
		return NULL;
	if (old->content->country == ok && old->content->lang == lang)
		return old;
	struct hh_snapshot **slot = slot_of(old, lang, ok);
	return slot != NULL ? *slot : NULL;
}

/* english: the country's English content, for a variant of another language (NULL for English). */
static struct hh_snapshot *build_variant(const struct hh_content *base, enum hh_lang lang, const struct hh_country *k,
					 const struct hh_snapshot_options *o, int is_default,
					 const struct hh_snapshot *old, const struct hh_content *english)
{
	struct hh_content *c = hh_i18n_variant(base, lang, k);
	c->english = english;
	/* on failure build_one's snapshot, and with it the variant content, is released */
	return hh_snapshot_build_one(c, variant_opts(o, lang, k->code, is_default), old_variant(old, lang, k),
				     !is_default);
}

/* The English content of country k in s's family: s's own for the default country (English is built first). */
static const struct hh_content *english_of(const struct hh_snapshot *s, const struct hh_country *k)
{
	if (k == s->content->country)
		return s->content;
	const struct hh_snapshot *en = *slot_of(s, HH_LANG_EN, k);
	return en != NULL ? en->content : NULL;
}

/* Makes every other (language, country) of s's family: a resolved content each, no answer built. */
static int make_family(struct hh_snapshot *s, const struct hh_snapshot_options *o, const struct hh_snapshot *old)
{
	const struct hh_content *base = s->base;
	for (int l = 0; l < HH_LANG_COUNT; l++)
		for (size_t i = 0; i < base->n_countries; i++) {
			const struct hh_country *k = &base->countries[i];
			if ((l == HH_LANG_EN && k == s->content->country) ||
			    (l != HH_LANG_EN && base->translations[l] == NULL))
				continue; /* the default itself; a language without translation is its English */
			const struct hh_content *en = l != HH_LANG_EN ? english_of(s, k) : NULL;
			struct hh_snapshot *v = build_variant(base, (enum hh_lang)l, k, o, 0, old, en);
			if (v == NULL)
				return -1;
			*slot_of(s, (enum hh_lang)l, k) = v;
			s->n_variants++;
		}
	return 0;
}

/*
 * The default (country, en) is the published snapshot, so its hot path is
 * one lookup of a prebuilt answer; every other (language, country) is a
 * snapshot of its own in the family (hh_snapshot_variant).
 */
struct hh_snapshot *hh_snapshot_build_variants(struct hh_content *base, const struct hh_snapshot_options *o,
					       const struct hh_snapshot *old)
{
	const char *want = o->default_country != NULL ? o->default_country : "GB";
	const struct hh_country *def = hh_i18n_country(base, want);
	if (def == NULL) {
		hh_error("the deployment's country has no content file (countries/CC.json)", "country", want);
		hh_content_free(base);
		return NULL;
	}
	struct hh_snapshot *s = build_variant(base, HH_LANG_EN, def, o, 1, old, NULL);
	if (s == NULL) {
		hh_content_free(base);
		return NULL;
	}
	s->base = base;
	s->variants = xcalloc(1, sizeof(*s->variants));
	s->variants->n_countries = base->n_countries;
	s->variants->slot = xcalloc(HH_LANG_COUNT * base->n_countries + 1, sizeof(*s->variants->slot));
	if (make_family(s, o, old) < 0) {
		hh_error("building a language and country variant failed", NULL);
		hh_ref_put(&s->ref);
		return NULL;
	}
	return s;
}

const struct hh_snapshot *hh_snapshot_variant(const struct hh_snapshot *s, enum hh_lang lang, const char *country)
{
	const struct hh_content *c = s->content;
	if (c->country == NULL)
		return s; /* no countries: one content for all */
	if (lang == c->lang && (country == NULL || strcmp(country, c->country->code) == 0))
		return s;
	if (s->base == NULL)
		return NULL; /* a variant has no family of its own */
	const struct hh_country *k = country_of(s, country);
	if (k == NULL)
		return NULL;
	/* no translation in that language: the country's English, which says Content-Language: en */
	if (lang != HH_LANG_EN && s->base->translations[lang] == NULL)
		lang = HH_LANG_EN;
	if (lang == c->lang && k == c->country)
		return s;
	return *slot_of(s, lang, k);
}
