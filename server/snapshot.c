/*
 * snapshot.c - prebuilt responses for one content version.
 */
#include "healthhub/snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>

#include "healthhub/i18n.h"
#include "healthhub/keys.h"
#include "healthhub/negotiate.h"
#include "healthhub/log.h"
#include "healthhub/render.h"
#include "healthhub/router.h"
#include "healthhub/triage.h"

#define MIN_GZIP 256

static const char JSON_TYPE[] = "application/json; charset=utf-8";
static const char LD_TYPE[] = "application/ld+json; charset=utf-8";
static const char VARY_ENC[] = "Accept-Encoding";
static const char VARY_ACCEPT_ENC[] = "Accept, Accept-Encoding";
/*
 * With countries and languages, every content answer may differ by
 * Accept-Language, so it always says so (whether or not this request sent
 * the header): a shared cache then never serves one reader's language to
 * another. The static strings keep prebuilt responses free of allocation.
 */
static const char VARY_ENC_LANG[] = "Accept-Encoding, Accept-Language";
static const char VARY_ACCEPT_ENC_LANG[] = "Accept, Accept-Encoding, Accept-Language";

static const char *vary_with_language(const struct hh_snapshot_options *o, const char *vary)
{
	if (o == NULL || o->content_language == NULL || vary == NULL)
		return vary;
	if (strcmp(vary, VARY_ENC) == 0)
		return VARY_ENC_LANG;
	return strcmp(vary, VARY_ACCEPT_ENC) == 0 ? VARY_ACCEPT_ENC_LANG : vary;
}

int hh_headers_common(const struct hh_snapshot_options *o, struct MHD_Response *r)
{
	int ok = MHD_add_response_header(r, "X-Content-Type-Options", "nosniff") == MHD_YES &&
		 MHD_add_response_header(r, "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'") ==
			 MHD_YES &&
		 MHD_add_response_header(r, "Referrer-Policy", "no-referrer") == MHD_YES;
	if (ok && hh_cors_fixed_headers(o->cors, r) < 0)
		ok = 0;
	return ok ? 0 : -1;
}

/* ------------------------------------------------------------ resources */

static void bytes_put(struct hh_resource *res)
{
	if (atomic_fetch_sub_explicit(&res->bytes_refs, 1, memory_order_acq_rel) == 1) {
		hh_rendition_free(&res->rend);
		free(res->surrogate);
		free(res->key);
		free(res);
	}
}

static void bytes_released(void *cls)
{
	bytes_put(cls);
}

static void resource_destroy(struct hh_ref *ref)
{
	struct hh_resource *res = (struct hh_resource *)ref;
	struct MHD_Response *all[] = {res->ok, res->ok_gz, res->not_modified, res->not_modified_gz};
	for (size_t i = 0; i < HH_ARRAY_LEN(all); i++)
		if (all[i] != NULL)
			MHD_destroy_response(all[i]);
	bytes_put(res);
}

struct MHD_Response *hh_resource_response(struct hh_resource *res, int gzip, int not_modified)
{
	const char *body = gzip ? res->rend.gz : res->rend.body;
	size_t len = gzip ? res->rend.gz_len : res->rend.len;
	/*
	 * A 304 has no body. libmicrohttpd 0.9.75 gives any response of known
	 * size a Content-Length: a 304 over the 200's bytes would carry the
	 * 200's length (what RFC 9110 8.6 allows), but clients built on
	 * http-parser (wrk among them) then wait for a body that never comes;
	 * a size-unknown 304 gets a chunk terminator that breaks keep-alive.
	 * So a 304 is empty and says Content-Length: 0, which caches ignore
	 * when they freshen a stored response (RFC 9111 3.2).
	 */
	struct MHD_Response *r = NULL;
	if (not_modified) {
		r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	} else {
		atomic_fetch_add_explicit(&res->bytes_refs, 1, memory_order_relaxed);
		r = MHD_create_response_from_buffer_with_free_callback_cls(len, (void *)body, bytes_released, res);
		if (r == NULL)
			bytes_put(res);
	}
	if (r == NULL)
		return NULL;
	int ok = hh_headers_common(res->opts, r) == 0 &&
		 MHD_add_response_header(r, "ETag", gzip ? res->rend.etag_gz : res->rend.etag) == MHD_YES &&
		 MHD_add_response_header(r, "Cache-Control", res->cache_control) == MHD_YES &&
		 MHD_add_response_header(r, "Vary", res->vary) == MHD_YES;
	if (ok && !not_modified)
		ok = MHD_add_response_header(r, "Content-Type", res->content_type) == MHD_YES;
	/* on the 304 too: a cache freshening its copy keeps what the 200 said (RFC 9111 4.3.4) */
	if (ok && res->surrogate != NULL)
		ok = MHD_add_response_header(r, "Surrogate-Key", res->surrogate) == MHD_YES;
	if (ok && res->last_modified[0] != '\0')
		ok = MHD_add_response_header(r, "Last-Modified", res->last_modified) == MHD_YES;
	if (ok && gzip)
		ok = MHD_add_response_header(r, "Content-Encoding", "gzip") == MHD_YES;
	if (ok && res->opts != NULL && res->opts->content_language != NULL)
		ok = MHD_add_response_header(r, "Content-Language", res->opts->content_language) == MHD_YES;
	if (!ok) {
		MHD_destroy_response(r);
		return NULL;
	}
	return r;
}

void hh_keybuf_add(struct hh_keybuf *kb, const char *prefix, const char *name)
{
	size_t need = strlen(prefix) + (name ? strlen(name) : 0) + (kb->len ? 1 : 0);
	if (kb->len + need >= sizeof(kb->buf))
		return; /* the answer's own key comes first, so a purge of it still reaches it */
	int n = snprintf(kb->buf + kb->len, sizeof(kb->buf) - kb->len, "%s%s%s", kb->len ? " " : "", prefix,
			 name ? name : "");
	if (n > 0)
		kb->len += (size_t)n;
}

/*
 * The same bytes in two countries are still two answers (their headers
 * differ, and a purge of one must not keep the other): a variant's ETag
 * names it. The default keeps the bytes-only ETag it always had.
 */
static void variant_etags(struct hh_rendition *r, const struct hh_snapshot_options *o)
{
	char hex[32];
	if (o == NULL || o->variant == NULL || sscanf(r->etag, "\"%24[0-9a-f]\"", hex) != 1)
		return;
	snprintf(r->etag, sizeof(r->etag), "\"%s.%s\"", hex, o->variant);
	snprintf(r->etag_gz, sizeof(r->etag_gz), "\"%s.%s-gz\"", hex, o->variant);
}

/*
 * Copies the meta (borrowed) into res: Surrogate-Key and Last-Modified. A
 * variant's answers also carry "lang/es country/US", so a purge can reach
 * one language or country; the entity keys stay shared, so a purge of
 * "article/x" reaches every language's copy.
 */
static void resource_meta(struct hh_resource *res, const struct hh_snapshot_options *o,
			  const struct hh_resource_meta *m)
{
	if (m == NULL)
		return;
	if (m->keys != NULL && m->keys[0] != '\0' && o != NULL && o->variant != NULL)
		res->surrogate = xasprintf("%s lang/%.2s country/%s", m->keys, o->variant, o->variant + 3);
	else if (m->keys != NULL && m->keys[0] != '\0')
		res->surrogate = xstrdup(m->keys);
	res->modified = m->modified;
	if (m->modified > 0 && hh_http_date_format(m->modified, res->last_modified, sizeof(res->last_modified)) < 0)
		res->last_modified[0] = '\0';
}

struct hh_resource *hh_resource_new(const struct hh_snapshot_options *o, char *body, size_t len,
				    const char *content_type, const char *vary, const char *cache_control)
{
	return hh_resource_new_meta(o, body, len, content_type, vary, cache_control, NULL);
}

struct hh_resource *hh_resource_new_meta(const struct hh_snapshot_options *o, char *body, size_t len,
					 const char *content_type, const char *vary, const char *cache_control,
					 const struct hh_resource_meta *m)
{
	struct hh_resource *res = xcalloc(1, sizeof(*res));
	resource_meta(res, o, m);
	res->opts = o;
	hh_ref_init(&res->ref, resource_destroy);
	atomic_init(&res->bytes_refs, 1);
	res->content_type = content_type;
	res->vary = vary_with_language(o, vary);
	res->cache_control = cache_control;
	if (hh_rendition_build(&res->rend, body, len, MIN_GZIP) < 0)
		goto fail;
	variant_etags(&res->rend, o);
	res->ok = hh_resource_response(res, 0, 0);
	res->not_modified = hh_resource_response(res, 0, 1);
	if (res->ok == NULL || res->not_modified == NULL)
		goto fail;
	if (res->rend.gz != NULL) {
		res->ok_gz = hh_resource_response(res, 1, 0);
		res->not_modified_gz = hh_resource_response(res, 1, 1);
		if (res->ok_gz == NULL || res->not_modified_gz == NULL)
			goto fail;
	}
	return res;
fail:
	hh_error("prebuilding a response failed", "content_type", content_type);
	hh_ref_put(&res->ref);
	return NULL;
}

/* ------------------------------------------------------------ snapshots */

static void put_resource(void *value)
{
	hh_ref_put(&((struct hh_resource *)value)->ref);
}

static void snapshot_destroy(struct hh_ref *ref)
{
	struct hh_snapshot *s = (struct hh_snapshot *)ref;
	/* variants borrow from base: they go first, base last */
	for (size_t i = 0; i < s->n_variants; i++)
		hh_ref_put(&s->variants[i]->ref);
	free(s->variants);
	hh_map_each(s->resources, put_resource);
	hh_map_free(s->resources);
	free(s->all);
	hh_content_free(s->content);
	hh_content_free(s->base);
	free(s);
}

struct hh_resource *hh_resource_json(const struct hh_snapshot_options *o, char *body, size_t len)
{
	return hh_resource_new(o, body, len, JSON_TYPE, VARY_ENC, o->cache_control);
}

struct hh_resource *hh_resource_json_meta(const struct hh_snapshot_options *o, char *body, size_t len,
					  const struct hh_resource_meta *m)
{
	return hh_resource_new_meta(o, body, len, JSON_TYPE, VARY_ENC, o->cache_control, m);
}

/* Renders j (stolen) to bytes of the given type. New reference or NULL. */
static struct hh_resource *resource_from_json(const struct hh_snapshot_options *o, json_t *j, const char *type,
					      const char *vary, const struct hh_resource_meta *m)
{
	if (j == NULL)
		return NULL;
	size_t len = 0;
	char *body = hh_render_dump(j, &len);
	json_decref(j);
	return body ? hh_resource_new_meta(o, body, len, type, vary, o->cache_control, m) : NULL;
}

struct hh_resource *hh_resource_from_json(const struct hh_snapshot_options *o, json_t *j)
{
	return resource_from_json(o, j, JSON_TYPE, VARY_ENC, NULL);
}

struct hh_resource *hh_resource_from_json_meta(const struct hh_snapshot_options *o, json_t *j,
					       const struct hh_resource_meta *m)
{
	return resource_from_json(o, j, JSON_TYPE, VARY_ENC, m);
}

/* ------------------------------------------------- surrogate keys, dates */

/* When an article last changed (its updated_at), or 0 when unknown (content from files). */
static time_t article_time(const struct hh_article *a)
{
	time_t t = 0;
	return a->updated_at != NULL && hh_rfc3339_parse(a->updated_at, &t) == 0 ? t : 0;
}

/* An article shows itself, its causes and its remedies. */
static void article_keys(const struct hh_article *a, struct hh_keybuf *kb)
{
	hh_keybuf_add(kb, "article/", a->slug);
	for (size_t i = 0; i < a->causes.n; i++)
		hh_keybuf_add(kb, "cause/", a->causes.v[i]);
	for (size_t i = 0; i < a->remedies.n; i++)
		hh_keybuf_add(kb, "remedy/", a->remedies.v[i]);
}

/* A list of articles: the list's key first, then each article shown; *modified = the newest. */
void hh_article_list_meta(const struct hh_article *const *items, size_t n, struct hh_keybuf *kb,
			  time_t *modified)
{
	hh_keybuf_add(kb, "articles", NULL);
	*modified = 0;
	for (size_t i = 0; i < n; i++) {
		hh_keybuf_add(kb, "article/", items[i]->slug);
		time_t t = article_time(items[i]);
		if (t > *modified)
			*modified = t;
	}
}

void hh_cause_list_keys(const struct hh_cause *const *items, size_t n, struct hh_keybuf *kb)
{
	hh_keybuf_add(kb, "causes", NULL);
	for (size_t i = 0; i < n; i++)
		hh_keybuf_add(kb, "cause/", items[i]->slug);
}

void hh_remedy_list_keys(const struct hh_remedy *const *items, size_t n, struct hh_keybuf *kb)
{
	hh_keybuf_add(kb, "remedies", NULL);
	for (size_t i = 0; i < n; i++)
		hh_keybuf_add(kb, "remedy/", items[i]->slug);
}

/* Stores res (a new reference, stolen; NULL when building it failed) under key. 0 or -1. */
static int add(struct hh_snapshot *s, const char *key, struct hh_resource *res)
{
	if (res == NULL)
		return -1;
	res->key = xstrdup(key);
	hh_map_put(s->resources, key, res);
	if (s->n_resources % 64 == 0)
		s->all = xrealloc(s->all, (s->n_resources + 64) * sizeof(*s->all));
	s->all[s->n_resources++] = res;
	return 0;
}

/* Renders j (stolen) and stores it under key. 0 or -1. */
static int add_json(struct hh_snapshot *s, const char *key, json_t *j, const char *type, const char *vary,
		    const struct hh_resource_meta *m)
{
	return add(s, key, resource_from_json(s->opts, j, type, vary, m));
}

/* Renders j (stolen) as JSON and stores it under the key of list request p. 0 or -1. */
static int add_list(struct hh_snapshot *s, enum hh_route_id id, const struct hh_list_params *p, json_t *j,
		    const struct hh_resource_meta *m)
{
	char key[HH_KEY_MAX];
	if (hh_key_list(id, p, key, sizeof(key)) < 0) {
		json_decref(j);
		return -1;
	}
	return add_json(s, key, j, JSON_TYPE, VARY_ENC, m);
}

/* Renders j (stolen) and stores it under the key of item slug. 0 or -1. */
static int add_item(struct hh_snapshot *s, enum hh_route_id id, const char *slug, int ld, json_t *j,
		    const struct hh_resource_meta *m)
{
	char key[HH_KEY_MAX];
	if (hh_key_item(id, slug, ld, key, sizeof(key)) < 0) {
		json_decref(j);
		return -1;
	}
	return add_json(s, key, j, ld ? LD_TYPE : JSON_TYPE, id == HH_ROUTE_ARTICLE ? VARY_ACCEPT_ENC : VARY_ENC, m);
}

/* The first default page of /v1/articles, with its keys and newest date. 0 or -1. */
static int add_article_page(struct hh_snapshot *s)
{
	const struct hh_content *c = s->content;
	const struct hh_article **items = xcalloc(c->n_articles + 1, sizeof(*items));
	size_t page = c->n_articles < 20 ? c->n_articles : 20;
	for (size_t i = 0; i < c->n_articles; i++)
		items[i] = &c->articles[i];
	struct hh_keybuf kb = {.len = 0};
	struct hh_resource_meta m = {.keys = kb.buf};
	hh_article_list_meta(items, page, &kb, &m.modified);
	struct hh_list_params first = {.limit = 20}; /* the default first page; others are built on demand */
	int rc = add_list(s, HH_ROUTE_ARTICLES, &first, hh_render_article_list(c, items, page, (long long)c->n_articles),
			  &m);
	free(items);
	return rc;
}

static int add_articles(struct hh_snapshot *s)
{
	const struct hh_content *c = s->content;
	int rc = add_article_page(s);
	for (size_t i = 0; rc == 0 && i < c->n_articles; i++) {
		const struct hh_article *a = &c->articles[i];
		struct hh_keybuf kb = {.len = 0};
		article_keys(a, &kb);
		struct hh_resource_meta m = {.keys = kb.buf, .modified = article_time(a)};
		json_t *help = hh_render_when_to_get_help(c);
		rc = help ? add_item(s, HH_ROUTE_ARTICLE, a->slug, 0, hh_render_article(c, a, help), &m) : -1;
		if (rc == 0)
			rc = add_item(s, HH_ROUTE_ARTICLE, a->slug, 1, hh_render_article_ldjson(c, a, s->opts->public_url),
				      &m);
	}
	return rc;
}

/* An item shows itself and links to the slugs in links. */
static void item_keys(const char *self, const char *slug, const char *link, const struct hh_strv *links,
		      struct hh_keybuf *kb)
{
	hh_keybuf_add(kb, self, slug);
	for (size_t i = 0; i < links->n; i++)
		hh_keybuf_add(kb, link, links->v[i]);
}

static int add_causes(struct hh_snapshot *s)
{
	const struct hh_content *c = s->content;
	const struct hh_cause **items = xcalloc(c->n_causes + 1, sizeof(*items));
	int rc = 0;
	/* every position x region combination, "none" included */
	for (unsigned pos = 0; rc == 0 && pos <= HH_POSITION_COUNT; pos++) {
		for (unsigned reg = 0; rc == 0 && reg <= HH_REGION_COUNT; reg++) {
			struct hh_list_params p = {.limit = 20};
			p.position = pos ? 1u << (pos - 1) : 0;
			p.region = reg ? 1u << (reg - 1) : 0;
			size_t n = hh_filter_causes(c, p.position, p.region, items);
			struct hh_keybuf kb = {.len = 0};
			hh_cause_list_keys(items, n, &kb);
			struct hh_resource_meta m = {.keys = kb.buf};
			rc = add_list(s, HH_ROUTE_CAUSES, &p, hh_render_cause_list(c, items, n), &m);
		}
	}
	free(items);
	for (size_t i = 0; rc == 0 && i < c->n_causes; i++) {
		struct hh_keybuf kb = {.len = 0};
		item_keys("cause/", c->causes[i].slug, "remedy/", &c->causes[i].remedies, &kb);
		struct hh_resource_meta m = {.keys = kb.buf};
		rc = add_item(s, HH_ROUTE_CAUSE, c->causes[i].slug, 0, hh_render_cause(c, &c->causes[i]), &m);
	}
	return rc;
}

static int add_remedies(struct hh_snapshot *s)
{
	const struct hh_content *c = s->content;
	const struct hh_remedy **items = xcalloc(c->n_remedies + 1, sizeof(*items));
	int rc = 0;
	/* the whole list (i == 0), then one per cause the content holds: another cause is a 422 */
	for (size_t i = 0; rc == 0 && i <= c->n_causes; i++) {
		struct hh_list_params p = {.limit = 20, .cause = i ? c->causes[i - 1].slug : NULL};
		size_t n = hh_filter_remedies(c, p.cause, items);
		struct hh_keybuf kb = {.len = 0};
		hh_remedy_list_keys(items, n, &kb);
		struct hh_resource_meta m = {.keys = kb.buf};
		rc = add_list(s, HH_ROUTE_REMEDIES, &p, hh_render_remedy_list(c, items, n), &m);
	}
	free(items);
	for (size_t i = 0; rc == 0 && i < c->n_remedies; i++) {
		struct hh_keybuf kb = {.len = 0};
		item_keys("remedy/", c->remedies[i].slug, "cause/", &c->remedies[i].causes, &kb);
		struct hh_resource_meta m = {.keys = kb.buf};
		rc = add_item(s, HH_ROUTE_REMEDY, c->remedies[i].slug, 0, hh_render_remedy(c, &c->remedies[i]), &m);
	}
	return rc;
}

static int add_static(struct hh_snapshot *s)
{
	char *doc = xstrndup(hh_openapi_json, hh_openapi_json_len);
	struct hh_resource_meta openapi = {.keys = "openapi"}, symptoms = {.keys = "symptoms"};
	if (add(s, hh_key_fixed(HH_ROUTE_OPENAPI), hh_resource_json_meta(s->opts, doc, hh_openapi_json_len, &openapi)) <
	    0)
		return -1;
	return add_json(s, hh_key_fixed(HH_ROUTE_SYMPTOMS), hh_render_symptoms(s->content), JSON_TYPE, VARY_ENC,
			&symptoms);
}

static struct hh_snapshot *build_one(struct hh_content *content, const struct hh_snapshot_options *o)
{
	struct hh_snapshot *s = xcalloc(1, sizeof(*s));
	hh_ref_init(&s->ref, snapshot_destroy);
	s->content = content;
	s->opts = o;
	s->version = content->version;
	s->built_at_ms = hh_wall_ms();
	s->resources = hh_map_new(64 + 4 * (content->n_articles + content->n_causes + content->n_remedies));
	if (add_articles(s) < 0 || add_causes(s) < 0 || add_remedies(s) < 0 || add_static(s) < 0) {
		hh_ref_put(&s->ref);
		return NULL;
	}
	return s;
}

/* ------------------------------------------------------------ variants */

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

static struct hh_snapshot *build_variant(const struct hh_content *base, enum hh_lang lang, const struct hh_country *k,
					 const struct hh_snapshot_options *o, int is_default)
{
	/* on failure build_one's snapshot, and with it the variant content, is released */
	return build_one(hh_i18n_variant(base, lang, k), variant_opts(o, lang, k->code, is_default));
}

/*
 * Every (language, country) is prebuilt: with 2 languages and 2 countries
 * that is 4 snapshots, each as large as one was before (measured in the
 * README: a few hundred KiB for today's content). The default (country, en)
 * stays the published snapshot, so its hot path is one map lookup as
 * before; another variant costs one more pointer walk over a short list.
 */
static struct hh_snapshot *build_all(struct hh_content *base, const struct hh_snapshot_options *o)
{
	const char *want = o->default_country != NULL ? o->default_country : "GB";
	const struct hh_country *def = hh_i18n_country(base, want);
	if (def == NULL) {
		hh_error("the deployment's country has no content file (countries/CC.json)", "country", want);
		hh_content_free(base);
		return NULL;
	}
	struct hh_snapshot *s = build_variant(base, HH_LANG_EN, def, o, 1);
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
			struct hh_snapshot *v = build_variant(base, (enum hh_lang)l, &base->countries[i], o, 0);
			if (v == NULL) {
				hh_ref_put(&s->ref);
				return NULL;
			}
			s->variants[s->n_variants++] = v;
		}
	return s;
}

struct hh_snapshot *hh_snapshot_build(struct hh_content *content, const struct hh_snapshot_options *o)
{
	if (content->n_countries > 0)
		return build_all(content, o);
	return build_one(content, o);
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

struct hh_resource *hh_snapshot_get(const struct hh_snapshot *s, const char *key)
{
	return hh_map_get(s->resources, key);
}
