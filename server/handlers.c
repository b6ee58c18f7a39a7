/*
 * handlers.c - what each route answers (see handlers.h).
 *
 * The request path for a cached answer: http.c's on_request -> hh_handle
 * (rate limit, method, route table) -> the route's handler -> a key from
 * keys.c -> the snapshot or an LRU -> hh_send_resource. Validation is
 * decided by the content (an unknown slug is a 404, an unknown ?cause= a
 * 422, because the content has no such thing); a missing prebuilt entry for
 * something the content holds is a bug, answered as a logged 500.
 */
#include "healthhub/handlers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "healthhub/i18n.h"
#include "healthhub/keys.h"
#include "healthhub/negotiate.h"
#include "healthhub/ops.h"
#include "healthhub/reload.h"
#include "healthhub/render.h"
#include "healthhub/search.h"
#include "healthhub/triage.h"
#include "healthhub/triage_parse.h"

static const char SEARCH_NOT_READY[] = "The search index is not built yet. Try again soon.";
static const char CONTENT_NOT_LOADED[] = "Content is not loaded yet. Try again soon.";
static const char TRIAGE_NOT_LOADED[] = "The triage rules are not loaded yet. Try again soon.";

/* =============================================================== caches */

/*
 * Every cached answer comes from one kind of cache (cache.h): the
 * snapshot's (prebuilt, or built on first request and kept for the
 * snapshot's life: hh_snapshot_answer) or, for answers without bound
 * (other pages, ld+json, triage, searches), the server's bounded caches,
 * whose keys name the content version (hh_key_versioned) and the variant.
 */

#define LRU_KEY_MAX (HH_KEY_MAX + 24)

/* Sends res (a new reference, put here; NULL: building failed, a logged 500). */
static enum MHD_Result send_answer(struct hh_request *rq, struct hh_resource *res)
{
	if (res == NULL)
		return hh_send_internal(rq, "building an answer failed");
	enum MHD_Result rc = hh_send_resource(rq, res);
	hh_ref_put(&res->ref);
	return rc;
}

/*
 * Sends the answer lru holds under key for content version, built by
 * build(arg) when it holds none (once: concurrent requests for it wait
 * for that build) and kept.
 */
static enum MHD_Result send_cached(struct hh_request *rq, struct hh_cache *lru, const char *key, int64_t version,
				   struct hh_ref *(*build)(void *arg), void *arg)
{
	char lkey[LRU_KEY_MAX];
	if (hh_key_versioned(key, version, lkey, sizeof(lkey)) < 0)
		return hh_send_internal(rq, "a cache key does not fit");
	int built = 0;
	struct hh_ref *r = hh_cache_get_or_build(lru, lkey, build, arg, &built);
	rq->cache = r != NULL && !built ? HH_CACHE_HIT : HH_CACHE_MISS;
	return send_answer(rq, (struct hh_resource *)r);
}

/* A key that could not be built, or a prebuilt entry the snapshot lacks: a bug, never a crash. */
static enum MHD_Result missing_entry(struct hh_request *rq, const char *what, const char *key)
{
	char detail[HH_KEY_MAX + 64];
	snprintf(detail, sizeof(detail), "%s: %s", what, key ? key : "(key too long)");
	return hh_send_internal(rq, detail);
}

/* Sends the snapshot's answer under key (w: what it shows), or a logged 500 when it has none. */
static enum MHD_Result send_kept(struct hh_request *rq, const struct hh_snapshot *s, const char *key,
				 const struct hh_answer_of *w)
{
	struct hh_resource *res = hh_snapshot_answer(s, key, w);
	if (res == NULL)
		return missing_entry(rq, "no answer", key);
	rq->cache = HH_CACHE_HIT;
	return send_answer(rq, res);
}

/* =============================================================== search */

/* Adds each hit's snippet (stolen) to the items of a rendered list. */
static void add_snippets(json_t *body, struct hh_search_page *hits)
{
	json_t *items = json_object_get(body, "items");
	for (size_t i = 0; i < hits->n && i < json_array_size(items); i++)
		if (hits->snippets[i] != NULL) {
			json_object_set_new(json_array_get(items, i), "snippet", hits->snippets[i]);
			hits->snippets[i] = NULL;
		}
}

/* Drops the hits the content does not hold (items[i] NULL: never expected, the index is built from it). */
static void compact(const void **items, struct hh_search_page *hits)
{
	size_t n = 0;
	for (size_t i = 0; i < hits->n; i++) {
		if (items[i] == NULL) {
			json_decref(hits->snippets[i]);
			continue;
		}
		items[n] = items[i];
		hits->slugs[n] = hits->slugs[i];
		hits->snippets[n++] = hits->snippets[i];
	}
	hits->n = n;
}

/* Renders a page of hits from the snapshot's content, with Link headers. New reference or NULL. */
static struct hh_resource *render_hits(const struct hh_snapshot *s, enum hh_search_kind kind,
				       const struct hh_list_params *p, struct hh_search_page *hits)
{
	const struct hh_content *c = s->content;
	json_t *body = NULL;
	struct hh_keybuf kb = {.len = 0};
	struct hh_resource_meta m = {.keys = kb.buf};
	enum hh_route_id id = HH_ROUTE_ARTICLES;
	if (kind == HH_SEARCH_ARTICLES) {
		const struct hh_article **items = xcalloc(hits->n + 1, sizeof(*items));
		for (size_t i = 0; i < hits->n; i++)
			items[i] = hh_content_article(c, hits->slugs[i]);
		compact((const void **)items, hits);
		body = hh_render_article_list(c, items, hits->n, hits->total);
		hh_article_list_meta(items, hits->n, &kb, &m.modified);
		free(items);
	} else {
		const struct hh_cause **items = xcalloc(hits->n + 1, sizeof(*items));
		for (size_t i = 0; i < hits->n; i++)
			items[i] = hh_content_cause(c, hits->slugs[i]);
		compact((const void **)items, hits);
		body = hh_render_cause_list(c, items, hits->n);
		hh_cause_list_keys(items, hits->n, &kb);
		if (body != NULL && json_object_set_new(body, "total", json_integer((json_int_t)hits->total)) < 0)
			body = (json_decref(body), NULL);
		free(items);
		id = HH_ROUTE_CAUSES;
	}
	if (body != NULL)
		add_snippets(body, hits);
	char link[HH_LINK_MAX];
	if (hh_key_page_links(id, p, hits->total, link, sizeof(link)) < 0)
		link[0] = '\0';
	m.link = link;
	m.once = 1;
	return hh_resource_from_json_meta(s->opts, body, &m);
}

/* What a search answer is built from. */
struct search_arg {
	const struct hh_snapshot *s; /* the variant the hits are shown from */
	struct hh_search *ix;        /* the index of the published snapshot the request holds */
	enum hh_search_kind kind;
	const struct hh_list_params *p;
};

static struct hh_ref *build_search(void *arg)
{
	const struct search_arg *a = arg;
	const struct hh_list_params *p = a->p;
	struct hh_search_page hits;
	if (hh_search_query(a->ix, a->kind, (enum hh_lang)p->lang, p->q, a->s->content, p->position, p->region,
			    p->limit, p->offset, &hits) < 0)
		return NULL;
	struct hh_resource *res = render_hits(a->s, a->kind, p, &hits);
	hh_search_page_free(&hits);
	return res != NULL ? &res->ref : NULL;
}

/*
 * A search, answered from the index of the published snapshot the request
 * holds (rq->root), shown from the variant s: hits, totals and ETags are
 * of one content version. Kept in an LRU under the versioned key.
 */
static enum MHD_Result search(struct hh_request *rq, const struct hh_snapshot *s, enum hh_search_kind kind,
			      const struct hh_list_params *p, const char *key)
{
	struct hh_cache *lru = kind == HH_SEARCH_ARTICLES ? rq->srv->list_lru : rq->srv->search_lru;
	struct hh_search *ix = rq->root != NULL ? atomic_load(&rq->root->search) : NULL;
	if (ix == NULL)
		return hh_send_error(rq, HH_E_UNAVAILABLE, SEARCH_NOT_READY);
	struct search_arg a = {.s = s, .ix = ix, .kind = kind, .p = p};
	return send_cached(rq, lru, key, s->version, build_search, &a);
}

/* ============================================================== content */

/* Validates a list route's query into p; 0, or -1 after answering 400. */
static int list_params(struct hh_request *rq, struct hh_list_params *p, enum MHD_Result *rc)
{
	struct hh_field_errors errs;
	hh_field_errors_init(&errs);
	if (hh_list_params_parse(rq->route.id, &rq->query, p, &errs) == 0) {
		p->lang = (int)rq->lang; /* ?q= searches the reader's language */
		return 0;
	}
	struct hh_error e;
	hh_error_set(&e, HH_E_INVALID_PARAMETER, "A query parameter is not valid; see errors.")->fields = &errs;
	*rc = hh_send_problem(rq, &e);
	return -1;
}

/* What an answer of the bounded caches is built from. */
struct build_arg {
	const struct hh_snapshot *s;
	enum hh_route_id id;
	const struct hh_list_params *p;   /* a page */
	const struct hh_article *a;       /* an ld+json form */
	const struct hh_triage_input *in; /* a triage answer */
};

static struct hh_ref *build_page(void *arg)
{
	const struct build_arg *b = arg;
	struct hh_resource *res = hh_snapshot_page(b->s->opts, b->s->content, b->id, b->p);
	return res != NULL ? &res->ref : NULL;
}

static struct hh_ref *build_ld(void *arg)
{
	const struct build_arg *b = arg;
	struct hh_resource *res = hh_snapshot_article_ld(b->s, b->a);
	return res != NULL ? &res->ref : NULL;
}

/* The snapshot's page under key (its default first page of a filter), else one kept in the list cache. */
static enum MHD_Result send_page(struct hh_request *rq, const struct hh_snapshot *s, const struct hh_list_params *p,
				 const char *key)
{
	struct hh_answer_of w = {.id = rq->route.id, .p = p};
	struct hh_resource *res = hh_snapshot_answer(s, key, &w);
	if (res != NULL) {
		rq->cache = HH_CACHE_HIT;
		return send_answer(rq, res);
	}
	/* a page built on demand is kept in an LRU shared by every language and country */
	char kept[HH_KEY_MAX];
	snprintf(kept, sizeof(kept), "%s", key);
	if (hh_key_variant(kept, sizeof(kept), s->opts->variant) < 0)
		return missing_entry(rq, "list key", NULL);
	struct build_arg b = {.s = s, .id = rq->route.id, .p = p};
	return send_cached(rq, rq->srv->list_lru, kept, s->version, build_page, &b);
}

/*
 * /v1/articles and /v1/causes: a search when ?q= is given (what an LRU keeps
 * is shared by every language and country, so its key names the variant),
 * else a page (only the default first page of each filter is prebuilt).
 */
static enum MHD_Result list_or_search(struct hh_request *rq, const struct hh_snapshot *s, enum hh_search_kind kind)
{
	struct hh_list_params p;
	char key[HH_KEY_MAX];
	enum MHD_Result rc;
	if (list_params(rq, &p, &rc) < 0)
		return rc;
	if (hh_key_list(rq->route.id, &p, key, sizeof(key)) < 0)
		return missing_entry(rq, "list key", NULL);
	if (p.q[0] == '\0')
		return send_page(rq, s, &p, key);
	if (hh_key_variant(key, sizeof(key), s->opts->variant) < 0)
		return missing_entry(rq, "list key", NULL);
	return search(rq, s, kind, &p, key);
}

static enum MHD_Result articles(struct hh_request *rq, const struct hh_snapshot *s)
{
	return list_or_search(rq, s, HH_SEARCH_ARTICLES);
}

static enum MHD_Result causes(struct hh_request *rq, const struct hh_snapshot *s)
{
	return list_or_search(rq, s, HH_SEARCH_CAUSES);
}

static enum MHD_Result remedies(struct hh_request *rq, const struct hh_snapshot *s)
{
	struct hh_list_params p;
	char key[HH_KEY_MAX];
	enum MHD_Result rc;
	if (list_params(rq, &p, &rc) < 0)
		return rc;
	if (p.cause[0] != '\0' && hh_content_cause(s->content, p.cause) == NULL) {
		struct hh_field_errors errs;
		hh_field_errors_init(&errs);
		hh_field_errors_add(&errs, "cause", "no cause has the slug \"%s\"", p.cause);
		struct hh_error e;
		hh_error_set(&e, HH_E_VALIDATION, "The cause filter names no known cause.")->fields = &errs;
		return hh_send_problem(rq, &e);
	}
	if (hh_key_list(rq->route.id, &p, key, sizeof(key)) < 0)
		return missing_entry(rq, "list key", NULL);
	return send_page(rq, s, &p, key); /* the first page of the list and of each cause's are prebuilt */
}

/*
 * RFC 9110 12.5.1 over the two forms of an article. When the client
 * accepts neither (Accept: text/html, or ld+json;q=0 alone), it gets JSON:
 * the RFC lets a server disregard Accept rather than answer 406, and a
 * shared cache then holds one more copy of an answer it already has,
 * never an error.
 */
static int wants_ld(struct hh_request *rq)
{
	static const char *const offers[] = {"application/json", "application/ld+json"};
	return hh_accept_choose(hh_request_header(rq, MHD_HTTP_HEADER_ACCEPT), offers, 2) == 1;
}

static int content_has(const struct hh_content *c, enum hh_route_id id, const char *slug)
{
	if (id == HH_ROUTE_ARTICLE)
		return hh_content_article(c, slug) != NULL;
	if (id == HH_ROUTE_CAUSE)
		return hh_content_cause(c, slug) != NULL;
	return hh_content_remedy(c, slug) != NULL;
}

/*
 * One article, cause or remedy. The lookup comes first because it is the
 * hot path, and an entry exists only for what the content holds; on a miss
 * the content decides: no such slug is a 404, a slug it holds is a bug.
 */
static enum MHD_Result item(struct hh_request *rq, const struct hh_snapshot *s)
{
	char key[HH_KEY_MAX];
	int ld = rq->route.id == HH_ROUTE_ARTICLE && wants_ld(rq);
	if (hh_key_item(rq->route.id, rq->route.slug, ld, key, sizeof(key)) < 0)
		return missing_entry(rq, "item key", NULL);
	struct hh_answer_of w = {.id = rq->route.id, .slug = rq->route.slug};
	struct hh_resource *res = ld ? NULL : hh_snapshot_answer(s, key, &w);
	if (res != NULL) {
		rq->cache = HH_CACHE_HIT;
		return send_answer(rq, res);
	}
	const struct hh_article *a =
		rq->route.id == HH_ROUTE_ARTICLE ? hh_content_article(s->content, rq->route.slug) : NULL;
	if (a != NULL && ld) {
		/* ld+json is not prebuilt (snapshot.c): built on first request into the bounded list cache,
		 * whose keys name the language and country */
		if (hh_key_variant(key, sizeof(key), s->opts->variant) < 0)
			return missing_entry(rq, "item key", NULL);
		struct build_arg b = {.s = s, .a = a};
		return send_cached(rq, rq->srv->list_lru, key, s->version, build_ld, &b);
	}
	if (content_has(s->content, rq->route.id, rq->route.slug))
		return missing_entry(rq, "no answer", key);
	struct hh_error e;
	hh_error_set(&e, HH_E_NOT_FOUND, "Nothing is published under \"%s\".", rq->route.slug);
	return hh_send_problem(rq, &e);
}

/* /v1/symptoms and /openapi.json: prebuilt with the default snapshot, built on first request in a variant. */
static enum MHD_Result fixed(struct hh_request *rq, const struct hh_snapshot *s)
{
	struct hh_answer_of w = {.id = rq->route.id};
	return send_kept(rq, s, hh_key_fixed(rq->route.id), &w);
}

/* =============================================================== triage */

/* The cacheable answer of a triage GET (b->in evaluated): a new reference or NULL. */
static struct hh_ref *build_triage(void *arg)
{
	const struct build_arg *b = arg;
	const struct hh_snapshot *s = b->s;
	struct hh_triage_result result;
	hh_triage_eval(s->content, b->in, &result);
	size_t len = 0;
	char *body = hh_render_triage(s->content, &result, &len);
	if (body == NULL)
		return NULL;
	/* a triage answer shows the rules (any content change purges "triage") and causes and remedies */
	struct hh_keybuf kb = {.len = 0};
	struct hh_resource_meta m = {.keys = kb.buf};
	hh_keybuf_add(&kb, "triage", NULL);
	for (size_t i = 0; i < result.n_causes; i++)
		hh_keybuf_add(&kb, "cause/", result.causes[i].cause->slug);
	for (size_t i = 0; i < result.n_remedies; i++)
		hh_keybuf_add(&kb, "remedy/", result.remedies[i]->slug);
	struct hh_resource *res = hh_resource_json_meta(s->opts, body, len, &m);
	return res != NULL ? &res->ref : NULL;
}

static enum MHD_Result triage_invalid(struct hh_request *rq, enum hh_error_kind kind,
				      const struct hh_field_errors *errs)
{
	struct hh_error e;
	hh_error_set(&e, kind,
		     kind == HH_E_MALFORMED_JSON ? "The body is not well-formed JSON."
						 : "The triage request is not valid; see errors.")
		->fields = errs;
	return hh_send_problem(rq, &e);
}

static enum MHD_Result triage_get(struct hh_request *rq, const struct hh_snapshot *s)
{
	struct hh_field_errors errs;
	hh_field_errors_init(&errs);
	struct hh_triage_input in;
	const char *keys[HH_MAX_PARAMS], *values[HH_MAX_PARAMS];
	for (size_t i = 0; i < rq->query.n; i++) {
		keys[i] = rq->query.v[i].key;
		values[i] = rq->query.v[i].value;
	}
	if (hh_triage_parse_query(s->content, keys, values, rq->query.n, &in, &errs) < 0)
		return triage_invalid(rq, HH_E_VALIDATION, &errs);
	char key[HH_KEY_MAX];
	if (hh_key_triage(s->content->ruleset_version, &in, key, sizeof(key)) < 0 ||
	    hh_key_variant(key, sizeof(key), s->opts->variant) < 0)
		return missing_entry(rq, "triage key", NULL);
	struct build_arg b = {.s = s, .in = &in};
	return send_cached(rq, rq->srv->triage_lru, key, s->version, build_triage, &b);
}

static int json_media_type(const char *ct)
{
	if (ct == NULL)
		return 0;
	while (*ct == ' ')
		ct++;
	size_t n = strlen("application/json");
	return strncasecmp(ct, "application/json", n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

int hh_is_json_media_type(const char *ct)
{
	return json_media_type(ct);
}

static enum MHD_Result triage_post(struct hh_request *rq, const struct hh_snapshot *s)
{
	struct hh_error e;
	if (rq->body_too_large) {
		hh_error_set(&e, HH_E_TOO_LARGE, "The body is larger than %ld bytes.", rq->srv->cfg->max_body_bytes);
		return hh_send_problem(rq, &e);
	}
	if (!json_media_type(hh_request_header(rq, MHD_HTTP_HEADER_CONTENT_TYPE)))
		return hh_send_error(rq, HH_E_UNSUPPORTED_MEDIA_TYPE, "Send the triage request as application/json.");
	struct hh_field_errors errs;
	hh_field_errors_init(&errs);
	struct hh_triage_input in;
	enum hh_error_kind kind = HH_E_VALIDATION;
	if (hh_triage_parse_json(s->content, rq->body ? rq->body : "", rq->body_len, &in, &kind, &errs) < 0)
		return triage_invalid(rq, kind, &errs);
	/* a POST answer is no-store: evaluated and sent, never kept */
	struct hh_triage_result result;
	hh_triage_eval(s->content, &in, &result);
	size_t len = 0;
	char *body = hh_render_triage(s->content, &result, &len);
	if (body == NULL)
		return hh_send_internal(rq, "rendering the triage answer failed");
	rq->content_language = s->opts->content_language; /* a resource says it itself */
	return hh_send_bytes(rq, 200, body, len, HH_JSON_TYPE, "no-store");
}

static enum MHD_Result triage(struct hh_request *rq, const struct hh_snapshot *s)
{
	/* no ruleset is served (under --require-approval: never signed off): never a guess */
	if (s->content->n_symptoms == 0)
		return hh_send_error(rq, HH_E_UNAVAILABLE, "The triage rules are not signed off. Try again later.");
	return rq->method == HH_M_POST ? triage_post(rq, s) : triage_get(rq, s);
}

/* ============================================================ preflight */

static int preflight_headers(struct hh_request *rq, struct MHD_Response *r)
{
	char allow[HH_ALLOW_MAX];
	hh_route_allow(rq->route.id, allow, sizeof(allow));
	int ok = MHD_add_response_header(r, "Allow", allow) == MHD_YES &&
		 MHD_add_response_header(r, "Cache-Control", "no-store") == MHD_YES &&
		 hh_cors_preflight_headers(&rq->srv->cors, allow, r) == 0;
	return ok ? 0 : -1;
}

/* ============================================================= dispatch */

/* What each route answers: explicit, one row per route. */
struct route_handler {
	enum MHD_Result (*content)(struct hh_request *rq, const struct hh_snapshot *s); /* needs a snapshot */
	enum MHD_Result (*op)(struct hh_request *rq); /* operational: no snapshot needed */
	int own_query;          /* the handler reads (or ignores) the query; others refuse any parameter */
	const char *not_loaded; /* the 503's message before the first content load */
};

static const struct route_handler routes[HH_ROUTE__COUNT] = {
	[HH_ROUTE_ARTICLES] = {.content = articles, .own_query = 1},
	[HH_ROUTE_ARTICLE] = {.content = item},
	[HH_ROUTE_CAUSES] = {.content = causes, .own_query = 1},
	[HH_ROUTE_CAUSE] = {.content = item},
	[HH_ROUTE_REMEDIES] = {.content = remedies, .own_query = 1},
	[HH_ROUTE_REMEDY] = {.content = item},
	[HH_ROUTE_SYMPTOMS] = {.content = fixed},
	[HH_ROUTE_TRIAGE] = {.content = triage, .own_query = 1, .not_loaded = TRIAGE_NOT_LOADED},
	[HH_ROUTE_TRIAGE_PARSE] = {.content = hh_handle_triage_parse, .not_loaded = TRIAGE_NOT_LOADED},
	[HH_ROUTE_HEALTHZ] = {.op = hh_ops_healthz, .own_query = 1},
	[HH_ROUTE_READYZ] = {.op = hh_ops_readyz, .own_query = 1},
	[HH_ROUTE_METRICS] = {.op = hh_ops_metrics, .own_query = 1},
	[HH_ROUTE_OPENAPI] = {.content = fixed},
};

/* Endpoints without parameters refuse any, as the list endpoints refuse unknown ones. */
static enum MHD_Result refuse_parameters(struct hh_request *rq)
{
	struct hh_field_errors errs;
	hh_field_errors_init(&errs);
	for (size_t i = 0; i < rq->query.n; i++)
		hh_field_errors_add(&errs, rq->query.v[i].key[0] ? rq->query.v[i].key : "query", "unknown parameter");
	struct hh_error e;
	hh_error_set(&e, HH_E_INVALID_PARAMETER, "This endpoint takes no parameters.")->fields = &errs;
	return hh_send_problem(rq, &e);
}

/* ================================================= language and country */

/*
 * Takes lang= and country= out of the query (every endpoint accepts them,
 * so no handler's own parser sees them); a repeated one is reported.
 */
static void take_locale(struct hh_request *rq, const char **lang, const char **country, struct hh_field_errors *errs)
{
	size_t k = 0;
	for (size_t i = 0; i < rq->query.n; i++) {
		const struct hh_param *q = &rq->query.v[i];
		const char **slot = strcmp(q->key, "lang") == 0      ? lang
				    : strcmp(q->key, "country") == 0 ? country
								     : NULL;
		if (slot == NULL) {
			rq->query.v[k++] = *q;
			continue;
		}
		if (*slot != NULL)
			hh_field_errors_add(errs, q->key, "given more than once");
		*slot = q->value;
	}
	rq->query.n = k;
}

/*
 * The snapshot of the request's language and country: ?lang= wins, then
 * Accept-Language (RFC 9110 12.5.4), then English; ?country= or the
 * deployment's default. An unknown value is a 400 naming the parameter (a
 * 422 in triage, whose answers are validated as a whole). NULL after answering.
 */
static const struct hh_snapshot *choose_variant(struct hh_request *rq, const struct hh_snapshot *s, enum MHD_Result *rc)
{
	const char *lv = NULL, *cv = NULL;
	struct hh_field_errors errs;
	hh_field_errors_init(&errs);
	take_locale(rq, &lv, &cv, &errs);
	enum hh_lang lang = HH_LANG_EN;
	if (lv != NULL && hh_lang_parse(lv, &lang) < 0)
		hh_field_errors_add(&errs, "lang", "unknown language (known:" HH_LANG_CODES ")");
	if (lv == NULL) {
		const char *offers[HH_LANG_COUNT]; /* in enum hh_lang order */
		for (int l = 0; l < HH_LANG_COUNT; l++)
			offers[l] = hh_lang_name((enum hh_lang)l);
		int i = hh_accept_language_choose(hh_request_header(rq, "Accept-Language"), offers, HH_LANG_COUNT);
		lang = i >= 0 ? (enum hh_lang)i : HH_LANG_EN;
	}
	const struct hh_snapshot *v = errs.n == 0 ? hh_snapshot_variant(s, lang, cv) : NULL;
	if (v == NULL && errs.n == 0)
		hh_field_errors_add(&errs, "country",
				    "no content for this country (an ISO 3166-1 code such as GB or US)");
	if (errs.n > 0) {
		struct hh_error e;
		int triage = rq->route.id == HH_ROUTE_TRIAGE || rq->route.id == HH_ROUTE_TRIAGE_PARSE;
		hh_error_set(&e, triage ? HH_E_VALIDATION : HH_E_INVALID_PARAMETER,
			     "The language or country is not one this service has; see errors.")
			->fields = &errs;
		*rc = hh_send_problem(rq, &e);
		return NULL;
	}
	rq->lang = lang;
	rq->country = cv;
	return v;
}

static enum MHD_Result with_snapshot(struct hh_request *rq, const struct route_handler *h)
{
	struct hh_snapshot *s = hh_server_snapshot(rq->srv);
	if (s == NULL)
		return hh_send_error(rq, HH_E_UNAVAILABLE, h->not_loaded ? h->not_loaded : CONTENT_NOT_LOADED);
	enum MHD_Result rc = MHD_NO;
	const struct hh_snapshot *v = choose_variant(rq, s, &rc);
	rq->root = s;
	if (v != NULL)
		rc = !h->own_query && rq->query.n > 0 ? refuse_parameters(rq) : h->content(rq, v);
	hh_ref_put(&s->ref);
	return rc;
}

enum MHD_Result hh_handle(struct hh_request *rq)
{
	enum hh_route_id id = rq->route.id;
	if ((unsigned)id >= HH_ROUTE__COUNT || (routes[id].content == NULL && routes[id].op == NULL))
		return hh_send_error(rq, HH_E_NOT_FOUND, "No resource lives at this path.");
	const struct route_handler *h = &routes[id];
	/* with --admin-port, operational endpoints live there only, and content only on the public port */
	if (rq->srv->cfg->admin_port != 0 && (h->op != NULL) != (rq->admin != 0))
		return hh_send_error(rq, HH_E_NOT_FOUND, "No resource lives at this path.");
	/* probes and scrapes are exempt: a limit must never make a healthy instance look dead */
	if (rq->srv->limiter != NULL && h->op == NULL && hh_request_rate_limited(rq))
		return hh_send_error(rq, HH_E_RATE_LIMITED, "Too many requests from this client. Slow down.");
	if (rq->method == HH_M_OPTIONS)
		return hh_send_no_content(rq, preflight_headers);
	if (!(hh_route_methods(id) & rq->method))
		return hh_send_error(rq, HH_E_METHOD_NOT_ALLOWED, "This method is not allowed on this resource.");
	return h->op != NULL ? h->op(rq) : with_snapshot(rq, h);
}
