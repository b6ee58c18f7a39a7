/*
 * snapshot.c - prebuilt responses for one content version.
 */
#include "healthhub/snapshot.h"

#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "healthhub/http.h"
#include "healthhub/i18n.h"
#include "healthhub/keys.h"
#include "snapshot_internal.h"
#include "healthhub/negotiate.h"
#include "healthhub/log.h"
#include "healthhub/render.h"
#include "healthhub/router.h"
#include "healthhub/search.h"
#include "healthhub/status.h"
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

/* ------------------------------------------------------------ resources */

/*
 * An identity body that holds a splice (cache.h) is sent in pieces, which
 * libmicrohttpd 0.9.75 writes in two system calls (the headers, then the
 * body) where a body in one buffer goes out with its headers in one: a few
 * microseconds more on each request. So the answers asked for in identity
 * are made whole (a copy each) on their first such request, up to
 * FLAT_BUDGET bytes in all: the hot ones, at the speed they always had;
 * the others keep only their own bytes. An answer kept only as gzip (an
 * article: cache.h) is inflated into that copy; past the budget, into a
 * copy for each identity response (about 40 us for a 33 KB article).
 */
#define FLAT_BUDGET ((size_t)8 << 20)
static atomic_size_t flat_bytes;

static size_t flat_len(const struct hh_resource *res)
{
	return hh_rendition_size(&res->rend);
}

/* The gzip body of an answer made for one request (hh_resource_gzip); NOT_SMALLER: it has none. */
struct hh_gz_once {
	size_t len;
	char bytes[];
};
static struct hh_gz_once not_smaller;

static void bytes_put(struct hh_resource *res)
{
	if (atomic_fetch_sub_explicit(&res->bytes_refs, 1, memory_order_acq_rel) == 1) {
		struct hh_gz_once *gz = atomic_load(&res->gz_once);
		if (gz != &not_smaller)
			free(gz);
		char *flat = atomic_load(&res->flat);
		if (flat != NULL) {
			atomic_fetch_sub(&flat_bytes, flat_len(res));
			free(flat);
		}
		hh_rendition_free(&res->rend);
		free(res->surrogate);
		free(res->key);
		free(res->link);
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
	struct MHD_Response *all[] = {res->ok, res->ok_gz, atomic_load(&res->ok_flat)};
	for (size_t i = 0; i < HH_ARRAY_LEN(all); i++)
		if (all[i] != NULL)
			MHD_destroy_response(all[i]);
	bytes_put(res);
}

/*
 * res's identity body in one buffer: made on first use (inflated when only
 * gzip is kept) while the budget lasts; NULL (no splice, or past it).
 */
static const char *flat_body(struct hh_resource *res)
{
	if (res->rend.splice == NULL)
		return NULL;
	char *flat = atomic_load_explicit(&res->flat, memory_order_acquire);
	if (flat != NULL)
		return flat;
	size_t n = flat_len(res);
	/* past the budget, a read only: no write to the shared counter on every request in pieces */
	if (atomic_load_explicit(&flat_bytes, memory_order_relaxed) + n > FLAT_BUDGET)
		return NULL;
	if (atomic_fetch_add(&flat_bytes, n) + n > FLAT_BUDGET) {
		atomic_fetch_sub(&flat_bytes, n);
		return NULL;
	}
	flat = xmalloc(n + 1);
	if (hh_rendition_identity(&res->rend, flat) < 0) {
		free(flat);
		atomic_fetch_sub(&flat_bytes, n);
		return NULL;
	}
	char *expected = NULL;
	if (atomic_compare_exchange_strong(&res->flat, &expected, flat))
		return flat;
	free(flat); /* another request made it first */
	atomic_fetch_sub(&flat_bytes, n);
	return expected;
}

static struct MHD_Response *with_headers(struct hh_resource *res, struct MHD_Response *r, int gzip, int not_modified);

/* An identity body made for one response (inflated: only gzip is kept), freed with it; NULL on failure. */
static struct MHD_Response *identity_copy(struct hh_resource *res)
{
	size_t n = flat_len(res);
	char *copy = xmalloc(n + 1);
	if (hh_rendition_identity(&res->rend, copy) < 0) {
		free(copy);
		hh_error("inflating a stored answer failed", "content_type", res->content_type);
		return NULL;
	}
	struct MHD_Response *r = MHD_create_response_from_buffer_with_free_callback(n, copy, free);
	if (r == NULL)
		free(copy);
	return r;
}

int hh_resource_gzip(struct hh_resource *res)
{
	if (!res->once)
		return res->rend.gz != NULL;
	struct hh_gz_once *gz = atomic_load_explicit(&res->gz_once, memory_order_acquire);
	if (gz != NULL)
		return gz != &not_smaller;
	if (res->rend.len < MIN_GZIP)
		return 0;
	char *out = NULL;
	size_t n = 0;
	if (hh_gzip_once(res->rend.body, res->rend.len, &out, &n) < 0)
		return 0; /* zlib failed: identity this time */
	if (out != NULL) {
		gz = xmalloc(sizeof(*gz) + n);
		gz->len = n;
		memcpy(gz->bytes, out, n);
		free(out);
	} else {
		gz = &not_smaller;
	}
	struct hh_gz_once *expected = NULL;
	if (!atomic_compare_exchange_strong(&res->gz_once, &expected, gz)) {
		if (gz != &not_smaller) /* another request made it first: the same bytes */
			free(gz);
		gz = expected;
	}
	return gz != &not_smaller;
}

/* A response over res's bytes; whole: an identity body in pieces made whole (flat_body) when it can be. */
static struct MHD_Response *body_response(struct hh_resource *res, int gzip, int not_modified, int whole)
{
	struct hh_span span[3];
	const char *flat = whole && !gzip && !not_modified ? flat_body(res) : NULL;
	struct hh_gz_once *gz_once = gzip ? atomic_load_explicit(&res->gz_once, memory_order_acquire) : NULL;
	unsigned n_spans = flat != NULL || gz_once != NULL ? 1 : hh_rendition_spans(&res->rend, gzip, span);
	if (flat != NULL)
		span[0] = (struct hh_span){flat, flat_len(res)};
	else if (gz_once != NULL)
		span[0] = (struct hh_span){gz_once->bytes, gz_once->len};
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
	} else if (n_spans == 0) { /* an identity not kept, past the budget: this response's own copy */
		if (!whole)
			return NULL;
		r = identity_copy(res);
	} else {
		atomic_fetch_add_explicit(&res->bytes_refs, 1, memory_order_relaxed);
		if (n_spans == 1) {
			r = MHD_create_response_from_buffer_with_free_callback_cls(span[0].n, (void *)span[0].p,
										   bytes_released, res);
		} else { /* a body with a splice: its own bytes around the shared ones, sent as they lie */
			struct MHD_IoVec iov[3];
			for (unsigned i = 0; i < n_spans; i++)
				iov[i] = (struct MHD_IoVec){span[i].p, span[i].n};
			r = MHD_create_response_from_iovec(iov, n_spans, bytes_released, res);
		}
		if (r == NULL)
			bytes_put(res);
	}
	return with_headers(res, r, gzip, not_modified);
}

struct MHD_Response *hh_resource_response(struct hh_resource *res, int gzip, int not_modified)
{
	return body_response(res, gzip, not_modified, 1);
}

struct MHD_Response *hh_resource_ok(struct hh_resource *res, int gzip)
{
	if (gzip || res->rend.splice == NULL)
		return gzip ? res->ok_gz : res->ok;
	struct MHD_Response *ok = atomic_load_explicit(&res->ok_flat, memory_order_acquire);
	if (ok != NULL)
		return ok;
	if (flat_body(res) == NULL || (ok = body_response(res, 0, 0, 1)) == NULL)
		return res->ok; /* past the budget: in pieces, or NULL (only gzip kept: a copy per request) */
	struct MHD_Response *expected = NULL;
	if (atomic_compare_exchange_strong(&res->ok_flat, &expected, ok))
		return ok;
	MHD_destroy_response(ok); /* another request made it first: never queued, so ours goes */
	return expected;
}

/* r (NULL gives NULL) with the headers of res's answer; NULL (r destroyed) on failure. */
static struct MHD_Response *with_headers(struct hh_resource *res, struct MHD_Response *r, int gzip, int not_modified)
{
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
	if (ok && res->content_language != NULL)
		ok = MHD_add_response_header(r, "Content-Language", res->content_language) == MHD_YES;
	if (ok && res->link != NULL)
		ok = MHD_add_response_header(r, "Link", res->link) == MHD_YES;
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
 * Copies the meta (borrowed) into res: Surrogate-Key, Last-Modified and Link. A
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
	if (m->link != NULL && m->link[0] != '\0')
		res->link = xstrdup(m->link);
	if (m->modified > 0 && hh_http_date_format(m->modified, res->last_modified, sizeof(res->last_modified)) < 0)
		res->last_modified[0] = '\0';
}

/*
 * The Content-Language of an entity that says its own language (lang "en":
 * served in English inside another language's variant), as a static string
 * that outlives the content, or NULL: its answer's.
 */
static const char *served_in(const char *lang)
{
	enum hh_lang l;
	return lang != NULL && hh_lang_parse(lang, &l) == 0 ? hh_lang_name(l) : NULL;
}

/*
 * A resource from a body (steals the malloc'd body; with sp, the body
 * without sp's bytes, which go at at: sp borrowed); m as for
 * hh_resource_json_meta.
 */
static struct hh_resource *resource_new(const struct hh_snapshot_options *o, char *body, size_t len,
					const char *content_type, const char *vary, const char *cache_control,
					const struct hh_resource_meta *m, struct hh_splice *sp, size_t at)
{
	struct hh_resource *res = xcalloc(1, sizeof(*res));
	resource_meta(res, o, m);
	res->opts = o;
	res->content_language = m != NULL && m->lang != NULL ? m->lang : o != NULL ? o->content_language : NULL;
	hh_ref_init(&res->ref, resource_destroy);
	atomic_init(&res->bytes_refs, 1);
	res->content_type = content_type;
	res->vary = vary_with_language(o, vary);
	res->cache_control = cache_control;
	res->once = m != NULL && m->once && sp == NULL;
	int rc = res->once ? hh_rendition_build_once(&res->rend, body, len)
			   : hh_rendition_build_spliced(&res->rend, body, len, at, sp, MIN_GZIP);
	if (rc < 0)
		goto fail;
	variant_etags(&res->rend, o);
	if (res->once) /* each request makes its own response: none prebuilt that most would never send */
		return res;
	/*
	 * Only the 200s are prebuilt: a prebuilt response costs about a
	 * kilobyte of headers, and at 5,000 articles the two 304s of every
	 * answer were ~10% of the memory bound; a 304 is made per request
	 * (http.c falls back to hh_resource_response when one is NULL).
	 */
	/* in pieces when spliced, made whole only once asked for; none when only gzip is kept */
	res->ok = body_response(res, 0, 0, 0);
	if (res->ok == NULL && res->rend.body != NULL)
		goto fail;
	if (res->rend.gz != NULL) {
		res->ok_gz = body_response(res, 1, 0, 0);
		if (res->ok_gz == NULL)
			goto fail;
	}
	return res;
fail:
	hh_error("prebuilding a response failed", "content_type", content_type);
	hh_ref_put(&res->ref);
	return NULL;
}

/* ------------------------------------------------------------ snapshots */

static void snapshot_free(struct hh_snapshot *s)
{
	/* variants borrow from base: they go first (into the reaper's queue when there is one), base last */
	hh_snapshot_variants_free(s->variants);
	hh_cache_free(s->answers);
	free(s->all);
	for (size_t i = 0; s->articles != NULL && i < s->content->n_articles; i++) {
		struct hh_resource *res = atomic_load(&s->articles[i]);
		if (res != NULL)
			hh_ref_put(&res->ref);
	}
	free(s->articles);
	hh_search_free(atomic_load(&s->search));
	hh_splice_put(s->help);
	hh_content_free(s->content);
	hh_content_free(s->base);
	free(s);
}

/* ---------------------------------------------------------------- reaper */

struct hh_reaper {
	pthread_mutex_t lock;
	struct hh_snapshot *dead; /* released, not destroyed yet */
};

/* The last reference is gone: queued for the reloader, never destroyed on a request thread. */
static void snapshot_released(struct hh_ref *ref)
{
	struct hh_snapshot *s = (struct hh_snapshot *)ref;
	struct hh_reaper *r = s->opts != NULL ? s->opts->reaper : NULL;
	if (r == NULL) {
		snapshot_free(s);
		return;
	}
	pthread_mutex_lock(&r->lock);
	s->next_dead = r->dead;
	r->dead = s;
	pthread_mutex_unlock(&r->lock);
}

struct hh_reaper *hh_reaper_new(void)
{
	struct hh_reaper *r = xcalloc(1, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
	return r;
}

size_t hh_reaper_reap(struct hh_reaper *r, int trim)
{
	size_t n = 0;
	for (;;) {
		pthread_mutex_lock(&r->lock);
		struct hh_snapshot *s = r->dead;
		r->dead = NULL;
		pthread_mutex_unlock(&r->lock);
		if (s == NULL)
			break;
		while (s != NULL) { /* a family's variants queue themselves as it goes: the loop takes them next */
			struct hh_snapshot *next = s->next_dead;
			snapshot_free(s);
			s = next;
			n++;
		}
	}
	/*
	 * glibc keeps freed memory in its arenas: without this, RSS after a
	 * reload stays at old + new snapshot (483 -> 958 MiB at 5,000
	 * articles). It locks every arena while it runs, so only here, on the
	 * reloader, once per reload.
	 */
	if (n > 0 || trim)
		malloc_trim(0);
	return n;
}

void hh_reaper_free(struct hh_reaper *r)
{
	if (r == NULL)
		return;
	hh_reaper_reap(r, 0);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

struct hh_resource *hh_resource_json_meta(const struct hh_snapshot_options *o, char *body, size_t len,
					  const struct hh_resource_meta *m)
{
	return resource_new(o, body, len, JSON_TYPE, VARY_ENC, o->cache_control, m, NULL, 0);
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
	return body ? resource_new(o, body, len, type, vary, o->cache_control, m, NULL, 0) : NULL;
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
void hh_article_list_meta(const struct hh_article *const *items, size_t n, struct hh_keybuf *kb, time_t *modified)
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

/* ---------------------------------------------------------------- pages */

/* j (a list answer) with "total" set to every match, not the page's count. j on success, NULL (freed) on failure. */
static json_t *with_total(json_t *j, size_t total)
{
	if (j != NULL && json_object_set_new(j, "total", json_integer((json_int_t)total)) < 0) {
		json_decref(j);
		return NULL;
	}
	return j;
}

/* Where the page [offset, offset + limit) of n items starts, and how many it holds. */
static size_t page_span(const struct hh_list_params *p, size_t n, size_t *start)
{
	*start = (size_t)p->offset < n ? (size_t)p->offset : n;
	return n - *start < (size_t)p->limit ? n - *start : (size_t)p->limit;
}

/* The page's body; its keys (the list's, then each item's) into kb, and for articles the newest updated_at into *modified. */
static json_t *page_json(const struct hh_content *c, enum hh_route_id id, const struct hh_list_params *p, size_t *total,
			 struct hh_keybuf *kb, time_t *modified)
{
	size_t start = 0, n = 0;
	json_t *j = NULL;
	if (id == HH_ROUTE_ARTICLES) {
		const struct hh_article **all = xcalloc(c->n_articles + 1, sizeof(*all));
		for (size_t i = 0; i < c->n_articles; i++)
			all[i] = &c->articles[i];
		*total = c->n_articles;
		n = page_span(p, *total, &start);
		j = hh_render_article_list(c, all + start, n, (long long)*total);
		hh_article_list_meta(all + start, n, kb, modified);
		free(all);
	} else if (id == HH_ROUTE_CAUSES) {
		const struct hh_cause **all = xcalloc(c->n_causes + 1, sizeof(*all));
		*total = hh_filter_causes(c, p->position, p->region, all);
		n = page_span(p, *total, &start);
		j = with_total(hh_render_cause_list(c, all + start, n), *total);
		hh_cause_list_keys(all + start, n, kb);
		free(all);
	} else {
		const struct hh_remedy **all = xcalloc(c->n_remedies + 1, sizeof(*all));
		*total = hh_filter_remedies(c, p->cause[0] != '\0' ? p->cause : NULL, all);
		n = page_span(p, *total, &start);
		j = with_total(hh_render_remedy_list(c, all + start, n), *total);
		hh_remedy_list_keys(all + start, n, kb);
		free(all);
	}
	return j;
}

struct hh_resource *hh_snapshot_page(const struct hh_snapshot_options *o, const struct hh_content *c,
				     enum hh_route_id id, const struct hh_list_params *p)
{
	size_t total = 0;
	struct hh_keybuf kb = {.len = 0};
	char link[HH_LINK_MAX];
	struct hh_resource_meta m = {.keys = kb.buf, .link = link};
	json_t *j = page_json(c, id, p, &total, &kb, &m.modified);
	if (hh_key_page_links(id, p, (long long)total, link, sizeof(link)) < 0) {
		json_decref(j);
		return NULL;
	}
	return hh_resource_from_json_meta(o, j, &m);
}

/* Stores res (a new reference, stolen; NULL when building it failed) under key. 0 or -1. */
static int add(struct hh_snapshot *s, const char *key, struct hh_resource *res)
{
	if (res == NULL)
		return -1;
	if (res->key == NULL) /* a shared answer keeps the key it was built under (the same one) */
		res->key = xstrdup(key);
	hh_cache_prebuilt(s->answers, key, &res->ref);
	hh_ref_put(&res->ref); /* the cache holds it; s->all borrows it */
	if (s->n_all % 64 == 0)
		s->all = xrealloc(s->all, (s->n_all + 64) * sizeof(*s->all));
	s->all[s->n_all++] = res;
	s->n_resources++;
	return 0;
}

static int share(struct hh_snapshot *s, const struct hh_snapshot *old, const char *key);

/*
 * Builds the first page of list request p and stores it under its key, or
 * shares it with same (the previous snapshot, when the page cannot have
 * changed; NULL builds it). 0 or -1.
 */
static int add_list(struct hh_snapshot *s, enum hh_route_id id, struct hh_list_params *p,
		    const struct hh_snapshot *same)
{
	char key[HH_KEY_MAX];
	p->limit = hh_list_default_limit(id);
	if (hh_key_list(id, p, key, sizeof(key)) < 0)
		return -1;
	if (same != NULL && hh_snapshot_get(same, key) != NULL)
		return share(s, same, key);
	return add(s, key, hh_snapshot_page(s->opts, s->content, id, p));
}

/* Stores res (a new reference, stolen; NULL when building failed) under the key of item slug. 0 or -1. */
static int add_item(struct hh_snapshot *s, enum hh_route_id id, const char *slug, struct hh_resource *res)
{
	char key[HH_KEY_MAX];
	if (hh_key_item(id, slug, 0, key, sizeof(key)) < 0) {
		if (res != NULL)
			hh_ref_put(&res->ref);
		return -1;
	}
	return add(s, key, res);
}

/* ------------------------------------------------------------- sharing */

/*
 * An answer is shared with the previous snapshot when every input of its
 * bytes is unchanged: the entity itself (copied from the previous content
 * by an incremental load, db_load.c: not read again because nothing wrote
 * it), what it shows of other entities, and the options (the same for the
 * server's life). A reload then renders and compresses only what changed
 * (a one-article change at 5,000 articles no longer rebuilds every answer); a
 * content read in full shares nothing.
 */

/* Every cause (remedy) slug in v names an entity copied unchanged into c. */
static int links_copied(const struct hh_content *c, const struct hh_strv *v, int causes)
{
	for (size_t i = 0; i < v->n; i++) {
		const struct hh_cause *x = causes ? hh_content_cause(c, v->v[i]) : NULL;
		const struct hh_remedy *y = causes ? NULL : hh_content_remedy(c, v->v[i]);
		if (causes ? x == NULL || !x->copied : y == NULL || !y->copied)
			return 0;
	}
	return 1;
}

static int article_unchanged(const struct hh_content *old, const struct hh_content *c, const struct hh_article *a)
{
	/* when_to_get_help comes from the triage rules: ruleset_version covers them */
	return a->copied && hh_content_article(old, a->slug) != NULL &&
	       hh_str_same(old->ruleset_version, c->ruleset_version) && links_copied(c, &a->causes, 1) &&
	       links_copied(c, &a->remedies, 0);
}

/*
 * A cause names the remedies that are served (render.c): it is unchanged
 * only while each of them is served in both or in neither (under
 * --require-approval a sign-off serves or withholds one).
 */
static int remedies_served_same(const struct hh_content *old, const struct hh_content *c, const struct hh_strv *v)
{
	for (size_t i = 0; i < v->n; i++)
		if ((hh_content_remedy(old, v->v[i]) == NULL) != (hh_content_remedy(c, v->v[i]) == NULL))
			return 0;
	return 1;
}

/* c serves the remedies old did: as many, each copied from old (once per build, not per cause). */
static int remedy_set_kept(const struct hh_content *old, const struct hh_content *c)
{
	if (c->n_remedies != old->n_remedies)
		return 0;
	for (size_t i = 0; i < c->n_remedies; i++)
		if (!c->remedies[i].copied)
			return 0;
	return 1;
}

/*
 * Lists: a page shows whole entities (causes, remedies with their derived
 * causes) or summaries; it is unchanged when every entity it could show was
 * copied and none was added or removed (same count).
 */
static int causes_same(const struct hh_content *old, const struct hh_content *c)
{
	int kept = remedy_set_kept(old, c);
	for (size_t i = 0; i < c->n_causes; i++)
		if (!c->causes[i].copied || (!kept && !remedies_served_same(old, c, &c->causes[i].remedies)))
			return 0;
	return c->n_causes == old->n_causes;
}

static int remedies_same(const struct hh_content *old, const struct hh_content *c)
{
	for (size_t i = 0; i < c->n_remedies; i++)
		if (!c->remedies[i].copied)
			return 0;
	return c->n_remedies == old->n_remedies && causes_same(old, c);
}

/* The default first page of articles: the same first slugs, each copied, and the same total. */
static int first_articles_same(const struct hh_content *old, const struct hh_content *c)
{
	size_t n = (size_t)hh_list_default_limit(HH_ROUTE_ARTICLES);
	if (c->n_articles != old->n_articles)
		return 0;
	for (size_t i = 0; i < n && i < c->n_articles; i++)
		if (!c->articles[i].copied || strcmp(c->articles[i].slug, old->articles[i].slug) != 0)
			return 0;
	return 1;
}

/* Stores the old snapshot's answer under key in s, with a new reference. 0, or -1 when old has none. */
static int share(struct hh_snapshot *s, const struct hh_snapshot *old, const char *key)
{
	struct hh_resource *res = hh_snapshot_get(old, key);
	if (res == NULL)
		return -1;
	hh_ref_get(&res->ref);
	s->n_shared++;
	return add(s, key, res);
}

/* Shares the item's answer with old: HH_OK, HH_NOT_FOUND when old has none (build it anew), or HH_ERR. */
static enum hh_status share_item(struct hh_snapshot *s, const struct hh_snapshot *old, enum hh_route_id id,
				 const char *slug)
{
	char key[HH_KEY_MAX];
	if (hh_key_item(id, slug, 0, key, sizeof(key)) < 0 || hh_snapshot_get(old, key) == NULL)
		return HH_NOT_FOUND;
	return share(s, old, key) < 0 ? HH_ERR : HH_OK;
}

/*
 * The content an article of s is rendered from: s's own, or for an
 * untranslated one in another language the country's English, so the whole
 * answer (its red flags and the names of its links too) is in the language
 * it says, Content-Language: en. *a becomes that content's article.
 */
static const struct hh_content *article_content(const struct hh_snapshot *s, const struct hh_article **a)
{
	const struct hh_content *en = s->content->english;
	const struct hh_article *ea = (*a)->lang != NULL && en != NULL ? hh_content_article(en, (*a)->slug) : NULL;
	if (ea == NULL)
		return s->content;
	*a = ea;
	return en;
}

/* Both forms of an article, built whenever, carry what the prebuilt ones did: its keys and updated_at. */
struct hh_resource *hh_snapshot_article_ld(const struct hh_snapshot *s, const struct hh_article *a)
{
	const char *lang = served_in(a->lang);
	const struct hh_content *c = article_content(s, &a);
	struct hh_keybuf kb = {.len = 0};
	article_keys(a, &kb);
	struct hh_resource_meta m = {.keys = kb.buf, .modified = article_time(a), .lang = lang};
	return resource_from_json(s->opts, hh_render_article_ldjson(c, a, s->opts->public_url), LD_TYPE,
				  VARY_ACCEPT_ENC, &m);
}

/* when_to_get_help in an article's bytes: a key (a quote inside a string is escaped), so found once. */
static const char HELP_KEY[] = "\"when_to_get_help\":";

/* The bytes of content c's when_to_get_help, the same in each of its articles (a reference), or NULL. */
static struct hh_splice *help_splice(const struct hh_content *c)
{
	json_t *help = hh_render_when_to_get_help(c);
	size_t len = 0;
	char *body = help != NULL ? hh_render_dump(help, &len) : NULL;
	json_decref(help);
	struct hh_splice *sp = body != NULL ? hh_splice_new(body, len) : NULL;
	free(body);
	return sp;
}

/*
 * The article's JSON answer: a new reference or NULL. Pure over the
 * content: runs on any thread. Its when_to_get_help is rendered once per
 * snapshot (s->help) and spliced into every article's answer: each answer
 * keeps only its own bytes, and builds only those.
 */
static struct hh_resource *article_json(const struct hh_snapshot *s, const struct hh_article *a)
{
	const char *lang = served_in(a->lang);
	const struct hh_content *c = article_content(s, &a);
	struct hh_keybuf kb = {.len = 0};
	article_keys(a, &kb);
	struct hh_resource_meta m = {.keys = kb.buf, .modified = article_time(a), .lang = lang};
	/* "when_to_get_help":{} marks the place; an untranslated article (English inside another language) is whole */
	json_t *j = s->help != NULL && c == s->content && lang == NULL ? hh_render_article(c, a, json_object()) : NULL;
	size_t len = 0;
	char *body = j != NULL ? hh_render_dump(j, &len) : NULL;
	json_decref(j);
	char *key = body != NULL ? strstr(body, HELP_KEY) : NULL;
	if (key == NULL || strncmp(key + sizeof(HELP_KEY) - 1, "{}", 2) != 0) {
		/* no splice (untranslated, or zlib failed making it): the whole article, as rendered */
		free(body);
		json_t *help = hh_render_when_to_get_help(c);
		j = help ? hh_render_article(c, a, help) : NULL;
		if (j != NULL && lang != NULL && json_object_set_new(j, "lang", json_string(lang)) < 0)
			j = (json_decref(j), NULL);
		return resource_from_json(s->opts, j, JSON_TYPE, VARY_ACCEPT_ENC, &m);
	}
	size_t at = (size_t)(key - body) + sizeof(HELP_KEY) - 1;
	memmove(body + at, body + at + 2, len - at - 2 + 1); /* the "{}" out, the NUL with the rest */
	return resource_new(s->opts, body, len - 2, JSON_TYPE, VARY_ACCEPT_ENC, s->opts->cache_control, &m, s->help,
			    at);
}

/*
 * Rendering and compressing articles is most of a cold start (zlib at level
 * 9 above all): the articles to build are shared out between the calling
 * thread and BUILD_THREADS - 1 helpers, each taking the next index, and
 * the results are stored in their slots afterwards (the snapshot is not
 * thread-safe; the renderers and libmicrohttpd's response constructors are).
 */
#define BUILD_THREADS 2
#define BUILD_MIN_PARALLEL 64 /* below this a thread costs more than it saves */

struct build_job {
	const struct hh_snapshot *s;
	const struct hh_article **todo; /* borrowed from s->content */
	struct hh_resource **out;       /* one per todo entry; NULL when building failed */
	size_t n;
	atomic_size_t next;
};

static void *build_worker(void *arg)
{
	struct build_job *j = arg;
	for (size_t i = atomic_fetch_add(&j->next, 1); i < j->n; i = atomic_fetch_add(&j->next, 1))
		j->out[i] = article_json(j->s, j->todo[i]);
	return NULL;
}

static void build_parallel(struct build_job *j)
{
	pthread_t helper[BUILD_THREADS - 1];
	size_t started = 0;
	for (size_t t = 0; j->n >= BUILD_MIN_PARALLEL && t < BUILD_THREADS - 1; t++)
		if (pthread_create(&helper[started], NULL, build_worker, j) == 0)
			started++;
	build_worker(j); /* with no helper (failed to start), this thread builds them all */
	for (size_t t = 0; t < started; t++)
		pthread_join(helper[t], NULL);
}

/* Stores the built answers in their slots; 0 or -1 (every reference is consumed either way). */
static int store_built(struct hh_snapshot *s, struct build_job *j)
{
	int rc = 0;
	for (size_t i = 0; i < j->n; i++) {
		if (j->out[i] == NULL) {
			rc = -1;
			continue;
		}
		atomic_store(&s->articles[j->todo[i] - s->content->articles], j->out[i]);
		s->n_resources++;
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

/*
 * Article i of s in its slot, shared with old when it cannot have changed
 * (one more reference): 1; 0 when unchanged but never built in old; -1 when
 * changed or new.
 */
static int share_article(struct hh_snapshot *s, const struct hh_snapshot *old, size_t i)
{
	const struct hh_article *a = &s->content->articles[i];
	const struct hh_article *o =
		article_unchanged(old->content, s->content, a) ? hh_content_article(old->content, a->slug) : NULL;
	if (o == NULL)
		return -1;
	struct hh_resource *res = atomic_load(&old->articles[o - old->content->articles]);
	if (res == NULL)
		return 0;
	hh_ref_get(&res->ref);
	atomic_store(&s->articles[i], res);
	s->n_shared++;
	s->n_resources++;
	return 1;
}

/* A lazy snapshot's slots: only what old built and is unchanged; the rest on first request. */
static void share_articles(struct hh_snapshot *s, const struct hh_snapshot *old)
{
	s->articles = xcalloc(s->content->n_articles + 1, sizeof(*s->articles));
	for (size_t i = 0; old != NULL && i < s->content->n_articles; i++)
		(void)share_article(s, old, i);
}

/* The answer of cause x (NULL gives NULL), or of remedy x: a new reference or NULL. */
static struct hh_resource *cause_answer(const struct hh_snapshot *s, const struct hh_cause *x)
{
	if (x == NULL)
		return NULL;
	struct hh_keybuf kb = {.len = 0};
	struct hh_resource_meta m = {.keys = kb.buf, .lang = served_in(x->lang)};
	item_keys("cause/", x->slug, "remedy/", &x->remedies, &kb);
	return resource_from_json(s->opts, hh_render_cause(s->content, x), JSON_TYPE, VARY_ENC, &m);
}

static struct hh_resource *remedy_answer(const struct hh_snapshot *s, const struct hh_remedy *x)
{
	if (x == NULL)
		return NULL;
	struct hh_keybuf kb = {.len = 0};
	struct hh_resource_meta m = {.keys = kb.buf, .lang = served_in(x->lang)};
	item_keys("remedy/", x->slug, "cause/", &x->causes, &kb);
	return resource_from_json(s->opts, hh_render_remedy(s->content, x), JSON_TYPE, VARY_ENC, &m);
}

/* /v1/symptoms or /openapi.json (the same bytes for the process's life): a new reference or NULL. */
static struct hh_resource *fixed_answer(const struct hh_snapshot *s, enum hh_route_id id)
{
	if (id == HH_ROUTE_OPENAPI) {
		struct hh_resource_meta m = {.keys = "openapi"};
		return hh_resource_json_meta(s->opts, xstrndup(hh_openapi_json, hh_openapi_json_len),
					     hh_openapi_json_len, &m);
	}
	struct hh_resource_meta m = {.keys = "symptoms"};
	return resource_from_json(s->opts, hh_render_symptoms(s->content), JSON_TYPE, VARY_ENC, &m);
}

/*
 * Every article's JSON is prebuilt (the hot answer: what sites and apps
 * fetch) into one slot per article: shared with the previous snapshot when
 * unchanged, built now when it changed. A first snapshot (no previous one:
 * a cold start) leaves the slots empty so the instance is ready at once;
 * hh_snapshot_article fills a slot on first request and hh_snapshot_warm
 * fills the rest behind. The ld+json form is built on first request into
 * the bounded list cache (hh_snapshot_article_ld): that keeps a
 * 5,000-article library under its memory bound.
 */
static int add_articles(struct hh_snapshot *s, const struct hh_snapshot *old)
{
	const struct hh_content *c = s->content;
	struct hh_list_params first = {0}; /* the default first page; others are built on demand */
	int rc = add_list(s, HH_ROUTE_ARTICLES, &first, old && first_articles_same(old->content, c) ? old : NULL);
	s->articles = xcalloc(c->n_articles + 1, sizeof(*s->articles));
	if (old == NULL || rc < 0)
		return rc;
	struct build_job j = {.s = s};
	j.todo = xcalloc(c->n_articles + 1, sizeof(*j.todo));
	j.out = xcalloc(c->n_articles + 1, sizeof(*j.out));
	for (size_t i = 0; i < c->n_articles; i++)
		if (share_article(s, old, i) < 0)
			j.todo[j.n++] = &c->articles[i]; /* changed: built before it is published */
	/* unchanged but never built in old: left to the first request or the warm-up */
	atomic_init(&j.next, 0);
	build_parallel(&j);
	rc = store_built(s, &j);
	free(j.todo);
	free(j.out);
	return rc;
}

struct hh_resource *hh_snapshot_article(const struct hh_snapshot *s, const char *slug)
{
	const struct hh_article *a = hh_content_article(s->content, slug);
	if (a == NULL)
		return NULL;
	_Atomic(struct hh_resource *) *slot = &s->articles[a - s->content->articles];
	struct hh_resource *res = atomic_load(slot);
	if (res != NULL)
		return res;
	struct hh_resource *fresh = article_json(s, a), *expected = NULL;
	if (fresh == NULL)
		return NULL;
	/* two requests may build it at once: the first to store wins, the other lets its copy go */
	if (atomic_compare_exchange_strong(slot, &expected, fresh))
		return fresh;
	hh_ref_put(&fresh->ref);
	return expected;
}

/*
 * The purge diff's view of an article slot: sharing and lazy slots mean the
 * two answers may not both exist, so it is decided from what is known, the
 * cheapest first: the same answer shared by pointer; both built (their
 * ETags); copied unchanged by an incremental reload with unchanged links
 * and rules (as add_articles decides sharing); else the two renderings
 * compared uncompressed (a content read in full marks nothing copied).
 */
int hh_snapshot_article_differs(const struct hh_snapshot *old, const struct hh_snapshot *s, size_t i)
{
	const struct hh_article *a = &s->content->articles[i];
	const struct hh_article *o = hh_content_article(old->content, a->slug);
	if (o == NULL)
		return 1;
	struct hh_resource *rn = atomic_load(&s->articles[i]);
	struct hh_resource *ro = atomic_load(&old->articles[o - old->content->articles]);
	if (rn != NULL && rn == ro)
		return 0;
	if (rn != NULL && ro != NULL)
		return strcmp(rn->rend.etag, ro->rend.etag) != 0;
	if (article_unchanged(old->content, s->content, a))
		return 0;
	json_t *hn = hh_render_when_to_get_help(s->content), *ho = hh_render_when_to_get_help(old->content);
	json_t *jn = hn ? hh_render_article(s->content, a, hn) : NULL;
	json_t *jo = ho ? hh_render_article(old->content, o, ho) : NULL;
	int differs = jn == NULL || jo == NULL || !json_equal(jn, jo) || article_time(a) != article_time(o);
	json_decref(jn);
	json_decref(jo);
	return differs;
}

size_t hh_snapshot_warm(const struct hh_snapshot *s, const atomic_int *stop)
{
	size_t built = 0;
	for (size_t i = 0; i < s->content->n_articles && !atomic_load(stop); i++)
		if (atomic_load(&s->articles[i]) == NULL &&
		    hh_snapshot_article(s, s->content->articles[i].slug) != NULL)
			built++;
	return built;
}

static int add_causes(struct hh_snapshot *s, const struct hh_snapshot *old)
{
	const struct hh_content *c = s->content;
	const struct hh_snapshot *same = old != NULL && causes_same(old->content, c) ? old : NULL;
	int rc = 0;
	/* the first page of every position x region combination, "none" included */
	for (unsigned pos = 0; rc == 0 && pos <= HH_POSITION_COUNT; pos++) {
		for (unsigned reg = 0; rc == 0 && reg <= HH_REGION_COUNT; reg++) {
			struct hh_list_params p = {0};
			p.position = pos ? 1u << (pos - 1) : 0;
			p.region = reg ? 1u << (reg - 1) : 0;
			rc = add_list(s, HH_ROUTE_CAUSES, &p, same);
		}
	}
	int kept = old != NULL && remedy_set_kept(old->content, c);
	for (size_t i = 0; rc == 0 && i < c->n_causes; i++) {
		const struct hh_cause *x = &c->causes[i];
		const struct hh_cause *o = old ? hh_content_cause(old->content, x->slug) : NULL;
		int unchanged = o != NULL && x->copied && (kept || remedies_served_same(old->content, c, &x->remedies));
		enum hh_status shared = unchanged ? share_item(s, old, HH_ROUTE_CAUSE, x->slug) : HH_NOT_FOUND;
		rc = shared == HH_NOT_FOUND ? add_item(s, HH_ROUTE_CAUSE, x->slug, cause_answer(s, x)) : shared;
	}
	return rc;
}

static int add_remedies(struct hh_snapshot *s, const struct hh_snapshot *old)
{
	const struct hh_content *c = s->content;
	const struct hh_snapshot *same = old != NULL && remedies_same(old->content, c) ? old : NULL;
	struct hh_list_params all = {0};
	int rc = add_list(s, HH_ROUTE_REMEDIES, &all, same);
	/* one first page per cause the content holds: a cause it does not hold is a 422, decided by the content */
	for (size_t i = 0; rc == 0 && i < c->n_causes; i++) {
		struct hh_list_params p = {0};
		if (strlen(c->causes[i].slug) >= sizeof(p.cause))
			continue; /* no request can name it (a 400): no page to build */
		memcpy(p.cause, c->causes[i].slug, strlen(c->causes[i].slug) + 1);
		rc = add_list(s, HH_ROUTE_REMEDIES, &p, same);
	}
	for (size_t i = 0; rc == 0 && i < c->n_remedies; i++) {
		const struct hh_remedy *x = &c->remedies[i];
		const struct hh_remedy *o = old ? hh_content_remedy(old->content, x->slug) : NULL;
		/* a remedy shows the causes that name it: those may change while it does not */
		int unchanged = o != NULL && x->copied && hh_strv_same(&o->causes, &x->causes);
		enum hh_status shared = unchanged ? share_item(s, old, HH_ROUTE_REMEDY, x->slug) : HH_NOT_FOUND;
		rc = shared == HH_NOT_FOUND ? add_item(s, HH_ROUTE_REMEDY, x->slug, remedy_answer(s, x)) : shared;
	}
	return rc;
}

static int add_static(struct hh_snapshot *s, const struct hh_snapshot *old)
{
	const char *symptoms = hh_key_fixed(HH_ROUTE_SYMPTOMS), *openapi = hh_key_fixed(HH_ROUTE_OPENAPI);
	/* the OpenAPI document is the same bytes for the process's life */
	if (old != NULL && hh_snapshot_get(old, openapi) != NULL) {
		if (share(s, old, openapi) < 0)
			return -1;
	} else if (add(s, openapi, fixed_answer(s, HH_ROUTE_OPENAPI)) < 0) {
		return -1;
	}
	if (old != NULL && hh_str_same(old->content->ruleset_version, s->content->ruleset_version) &&
	    hh_snapshot_get(old, symptoms) != NULL)
		return share(s, old, symptoms);
	return add(s, symptoms, fixed_answer(s, HH_ROUTE_SYMPTOMS));
}

/*
 * One snapshot of one content (one language and country, or a content
 * without countries). Prebuilt: every answer but the articles' left to
 * hh_snapshot_warm. Lazy (a variant): nothing is built here but the shared
 * article slots, every answer is built on its first request, on its own.
 */
struct hh_snapshot *hh_snapshot_build_one(struct hh_content *content, const struct hh_snapshot_options *o,
					  const struct hh_snapshot *old, int lazy)
{
	struct hh_snapshot *s = xcalloc(1, sizeof(*s));
	hh_ref_init(&s->ref, snapshot_released);
	s->content = content;
	s->opts = o;
	s->version = content->version;
	s->built_at_ms = hh_wall_ms();
	s->help = help_splice(content); /* on the reloader: a first request builds only its article's bytes */
	size_t expected = 64 + 4 * (content->n_articles + content->n_causes + content->n_remedies);
	s->answers = hh_cache_new(HH_CACHE_UNBOUNDED, lazy ? 64 : expected);
	if (old != NULL && old->opts != o)
		old = NULL; /* answers built with other options are not the same bytes */
	if (lazy) {
		share_articles(s, old);
		return s;
	}
	if (add_articles(s, old) < 0 || add_causes(s, old) < 0 || add_remedies(s, old) < 0 || add_static(s, old) < 0) {
		hh_ref_put(&s->ref);
		return NULL;
	}
	return s;
}

struct hh_snapshot *hh_snapshot_build_from(struct hh_content *content, const struct hh_snapshot_options *o,
					   const struct hh_snapshot *old)
{
	if (content->n_countries > 0)
		return hh_snapshot_build_variants(content, o, old); /* snapshot_i18n.c */
	return hh_snapshot_build_one(content, o, old, 0);
}

struct hh_snapshot *hh_snapshot_build(struct hh_content *content, const struct hh_snapshot_options *o)
{
	return hh_snapshot_build_from(content, o, NULL);
}

struct hh_resource *hh_snapshot_get(const struct hh_snapshot *s, const char *key)
{
	struct hh_ref *r = hh_cache_get(s->answers, key);
	/* borrowed: s's cache keeps its own reference for s's life (it never evicts) */
	if (r != NULL)
		hh_ref_put(r);
	return (struct hh_resource *)r;
}

/* Whether s keeps the answer of w: what a prebuilt snapshot builds, for what its content holds. */
static int keeps(const struct hh_snapshot *s, const struct hh_answer_of *w)
{
	const struct hh_content *c = s->content;
	const struct hh_list_params *p = w->p;
	switch (w->id) {
	case HH_ROUTE_ARTICLES:
	case HH_ROUTE_CAUSES:
	case HH_ROUTE_REMEDIES:
		return p != NULL && p->q[0] == '\0' && p->offset == 0 && p->limit == hh_list_default_limit(w->id) &&
		       (p->cause[0] == '\0' || hh_content_cause(c, p->cause) != NULL);
	case HH_ROUTE_CAUSE: return w->slug != NULL && hh_content_cause(c, w->slug) != NULL;
	case HH_ROUTE_REMEDY: return w->slug != NULL && hh_content_remedy(c, w->slug) != NULL;
	case HH_ROUTE_SYMPTOMS:
	case HH_ROUTE_OPENAPI: return 1;
	default: return 0;
	}
}

struct answer_build {
	const struct hh_snapshot *s;
	const struct hh_answer_of *w;
};

/* For hh_cache_get_or_build: the answer of b->w, a new reference or NULL. */
static struct hh_ref *build_answer(void *arg)
{
	const struct answer_build *b = arg;
	const struct hh_snapshot *s = b->s;
	const struct hh_answer_of *w = b->w;
	struct hh_resource *res = NULL;
	if (w->id == HH_ROUTE_CAUSE)
		res = cause_answer(s, hh_content_cause(s->content, w->slug));
	else if (w->id == HH_ROUTE_REMEDY)
		res = remedy_answer(s, hh_content_remedy(s->content, w->slug));
	else if (w->id == HH_ROUTE_SYMPTOMS || w->id == HH_ROUTE_OPENAPI)
		res = fixed_answer(s, w->id);
	else
		res = hh_snapshot_page(s->opts, s->content, w->id, w->p);
	return res != NULL ? &res->ref : NULL;
}

struct hh_resource *hh_snapshot_answer(const struct hh_snapshot *s, const char *key, const struct hh_answer_of *w)
{
	if (w->id == HH_ROUTE_ARTICLE) {
		struct hh_resource *res = w->slug != NULL ? hh_snapshot_article(s, w->slug) : NULL;
		if (res != NULL)
			hh_ref_get(&res->ref);
		return res;
	}
	if (!keeps(s, w))
		return NULL;
	struct answer_build b = {.s = s, .w = w};
	return (struct hh_resource *)hh_cache_get_or_build(s->answers, key, build_answer, &b, NULL);
}
