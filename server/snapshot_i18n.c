/*
 * snapshot_i18n.c - one snapshot per language and country (issue 15).
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
 * What a variant may share with the previous snapshot family: the old
 * variant of the same language and country when its English entities'
 * "copied" marks still tell the truth about the resolved bytes, that is
 * when the country's terms did not change. A translation is read whole at
 * every reload (nothing in it is marked copied), so a Spanish variant
 * shares nothing and builds its articles lazily, as a first snapshot does.
 */
static const struct hh_snapshot *old_variant(const struct hh_snapshot *old, enum hh_lang lang,
					     const struct hh_country *k)
{
	const struct hh_snapshot *v =
		old != NULL && lang == HH_LANG_EN ? hh_snapshot_variant(old, lang, k->code) : NULL;
	if (v == NULL || v->content->country == NULL || v->content->lang != lang)
		return NULL;
	return strcmp(v->content->country->checksum, k->checksum) == 0 ? v : NULL;
}

static struct hh_snapshot *build_variant(const struct hh_content *base, enum hh_lang lang, const struct hh_country *k,
					 const struct hh_snapshot_options *o, int is_default,
					 const struct hh_snapshot *old)
{
	/* on failure build_one's snapshot, and with it the variant content, is released */
	return hh_snapshot_build_one(hh_i18n_variant(base, lang, k), variant_opts(o, lang, k->code, is_default),
				     old_variant(old, lang, k));
}

/*
 * Every (language, country) is a snapshot: with 2 languages and 2 countries
 * that is 4. The default (country, en) is the published snapshot, so its
 * hot path is one map lookup as before; another variant costs a walk over
 * a short list. Articles are built lazily in every variant (slots), so a
 * variant nobody asks for costs its lists, causes and remedies only.
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
	struct hh_snapshot *s = build_variant(base, HH_LANG_EN, def, o, 1, old);
	if (s == NULL) {
		hh_content_free(base);
		return NULL;
	}
	s->base = base;
	s->variants = xcalloc(HH_LANG_COUNT * base->n_countries + 1, sizeof(*s->variants));
	for (int l = 0; l < HH_LANG_COUNT; l++)
		for (size_t i = 0; i < base->n_countries; i++) {
			/* a language without a translation is answered in English (hh_snapshot_variant) */
			if ((l == HH_LANG_EN && &base->countries[i] == def) ||
			    (l != HH_LANG_EN && base->translations[l] == NULL))
				continue;
			struct hh_snapshot *v = build_variant(base, (enum hh_lang)l, &base->countries[i], o, 0, old);
			if (v == NULL) {
				hh_ref_put(&s->ref);
				return NULL;
			}
			s->variants[s->n_variants++] = v;
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
	const char *want = country != NULL ? country : c->country->code;
	for (size_t i = 0; i < s->n_variants; i++) {
		const struct hh_content *v = s->variants[i]->content;
		if (v->lang == lang && strcmp(v->country->code, want) == 0)
			return s->variants[i];
	}
	/* no translation in that language: the country's English, which says Content-Language: en */
	return lang != HH_LANG_EN ? hh_snapshot_variant(s, HH_LANG_EN, country) : NULL;
}
