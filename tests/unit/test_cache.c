/* test_cache.c - renditions, ETag matching, Accept-Encoding, the cache of answers. */
#include "check.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <zlib.h>

#include "healthhub/cache.h"

/* 1 when the gzip body gz[0..n) inflates to exactly text. */
static int inflates_to(const char *gz, size_t n, const char *text)
{
	char out[256];
	z_stream z = {0};
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return 0;
	z.next_in = (Bytef *)(uintptr_t)gz;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)out;
	z.avail_out = sizeof(out);
	int ok = inflate(&z, Z_FINISH) == Z_STREAM_END && z.total_out == strlen(text) &&
		 memcmp(out, text, strlen(text)) == 0;
	inflateEnd(&z);
	return ok;
}

static void renditions(void)
{
	const char *text = "{\"items\":[\"a fairly long body that compresses well, well, well, well, well\"]}";
	struct hh_rendition a, b;
	CHECK(hh_rendition_build(&a, xstrdup(text), strlen(text), 16) == 0);
	CHECK(hh_rendition_build(&b, xstrdup(text), strlen(text), 16) == 0);
	/* the same bytes give the same ETags and the same gzip bytes (stable across instances) */
	CHECK_STR(a.etag, b.etag);
	CHECK_STR(a.etag_gz, b.etag_gz);
	CHECK(strcmp(a.etag, a.etag_gz) != 0);
	CHECK(a.etag[0] == '"' && a.etag[strlen(a.etag) - 1] == '"');
	CHECK(a.gz != NULL && a.gz_len == b.gz_len && memcmp(a.gz, b.gz, a.gz_len) == 0);
	/* and the gzip body inflates back to the identity body */
	CHECK(inflates_to(a.gz, a.gz_len, text));
	/* made for one request: the same ETags and no gzip body until one is asked for (faster level),
	   which inflates to the same bytes; the level does not stick to the thread's deflate state (b
	   again gives a's bytes) */
	struct hh_rendition o, b2;
	CHECK(hh_rendition_build_once(&o, xstrdup(text), strlen(text)) == 0);
	CHECK_STR(o.etag, a.etag);
	CHECK_STR(o.etag_gz, a.etag_gz);
	CHECK(o.gz == NULL);
	char *gz1 = NULL, *gz2 = NULL;
	size_t gz1_len = 0, gz2_len = 0;
	CHECK(hh_gzip_once(o.body, o.len, &gz1, &gz1_len) == 0 && gz1 != NULL && inflates_to(gz1, gz1_len, text));
	CHECK(hh_gzip_once(o.body, o.len, &gz2, &gz2_len) == 0 && gz2_len == gz1_len && memcmp(gz1, gz2, gz1_len) == 0);
	free(gz1);
	free(gz2);
	CHECK(hh_gzip_once("{}", 2, &gz1, &gz1_len) == 0 && gz1 == NULL && gz1_len == 0); /* not smaller */
	CHECK(hh_rendition_build(&b2, xstrdup(text), strlen(text), 16) == 0);
	CHECK(b2.gz_len == a.gz_len && memcmp(b2.gz, a.gz, a.gz_len) == 0);
	hh_rendition_free(&o);
	hh_rendition_free(&b2);
	struct hh_rendition c;
	CHECK(hh_rendition_build(&c, xstrdup("{}"), 2, 16) == 0);
	CHECK(c.gz == NULL); /* too small to be worth it */
	CHECK(strcmp(c.etag, a.etag) != 0);
	hh_rendition_free(&a);
	hh_rendition_free(&b);
	hh_rendition_free(&c);
}

static void etags(void)
{
	CHECK(hh_etag_match("\"abc\"", "\"abc\""));
	CHECK(hh_etag_match("W/\"abc\"", "\"abc\"")); /* weak comparison */
	CHECK(hh_etag_match("\"x\", \"abc\"", "\"abc\""));
	CHECK(hh_etag_match("\"x\",W/\"abc\"", "\"abc\""));
	CHECK(hh_etag_match("*", "\"abc\""));
	CHECK(!hh_etag_match("\"abcd\"", "\"abc\""));
	CHECK(!hh_etag_match("abc", "\"abc\""));
	CHECK(!hh_etag_match("", "\"abc\""));
	CHECK(!hh_etag_match(NULL, "\"abc\""));
	CHECK(!hh_etag_match("\"abc-gz\"", "\"abc\""));
}

static void encodings(void)
{
	CHECK(hh_accepts_gzip("gzip"));
	CHECK(hh_accepts_gzip("gzip, deflate, br"));
	CHECK(hh_accepts_gzip("br;q=1.0, gzip;q=0.8"));
	CHECK(!hh_accepts_gzip("gzip;q=0"));
	CHECK(!hh_accepts_gzip("identity"));
	CHECK(!hh_accepts_gzip("x-gzip-not"));
	CHECK(!hh_accepts_gzip(NULL));
	CHECK(!hh_accepts_gzip(""));
}

struct item {
	struct hh_ref ref;
	int *freed;
};

static void item_destroy(struct hh_ref *r)
{
	struct item *it = (struct item *)r;
	(*it->freed)++;
	free(it);
}

static struct item *item_new(int *freed)
{
	struct item *it = xcalloc(1, sizeof(*it));
	hh_ref_init(&it->ref, item_destroy);
	it->freed = freed;
	return it;
}

static void lru(void)
{
	int freed = 0;
	struct hh_cache *l = hh_cache_new(2, 0);
	struct item *a = item_new(&freed), *b = item_new(&freed), *c = item_new(&freed);
	hh_cache_put(l, "a", &a->ref);
	hh_cache_put(l, "b", &b->ref);
	struct hh_ref *got = hh_cache_get(l, "a"); /* a is now the most recent */
	CHECK(got == &a->ref);
	hh_cache_put(l, "c", &c->ref); /* evicts b, the least recent */
	CHECK(hh_cache_get(l, "b") == NULL);
	/* a reference held outside keeps an evicted value alive */
	hh_ref_put(&b->ref);
	CHECK(freed == 1);
	hh_cache_clear(l);
	CHECK(freed == 1); /* a and c are still referenced here */
	hh_ref_put(got);
	hh_ref_put(&a->ref);
	hh_ref_put(&c->ref);
	CHECK(freed == 3);
	uint64_t hits, misses;
	size_t size;
	hh_cache_stats(l, &hits, &misses, &size);
	CHECK(hits == 1 && misses == 1 && size == 0);
	hh_cache_free(l);
	struct hh_cache *none = hh_cache_new(0, 0);
	struct item *d = item_new(&freed);
	hh_cache_put(none, "d", &d->ref); /* caches nothing */
	CHECK(hh_cache_get(none, "d") == NULL);
	hh_ref_put(&d->ref);
	CHECK(freed == 4);
	hh_cache_free(none);
}

/* ------------------------------------------------- get-and-ref, build once */

struct builder {
	atomic_int calls;
	int *freed;
	atomic_int hold;    /* while set, a build waits (to make builds overlap without timing) */
	atomic_int started; /* builds that began */
	int fail;           /* the next build fails */
};

static struct hh_ref *build_item(void *arg)
{
	struct builder *b = arg;
	atomic_fetch_add(&b->calls, 1);
	atomic_fetch_add(&b->started, 1);
	while (atomic_load(&b->hold))
		sched_yield();
	if (b->fail) {
		b->fail = 0;
		return NULL;
	}
	return &item_new(b->freed)->ref;
}

static void prebuilt_and_get_and_ref(void)
{
	int freed = 0;
	struct hh_cache *c = hh_cache_new(HH_CACHE_UNBOUNDED, 4);
	struct item *p = item_new(&freed);
	hh_cache_prebuilt(c, "p", &p->ref);
	hh_ref_put(&p->ref); /* the cache holds it now */
	struct builder b = {.freed = &freed};
	int built = -1;
	struct hh_ref *got = hh_cache_get_or_build(c, "p", build_item, &b, &built);
	CHECK(got == &p->ref && built == 0 && atomic_load(&b.calls) == 0); /* prebuilt: never built again */
	hh_ref_put(got);
	CHECK(freed == 0);
	/* an entry built on demand is built once, then handed out with a reference each time */
	struct hh_ref *x1 = hh_cache_get_or_build(c, "x", build_item, &b, &built);
	CHECK(x1 != NULL && built == 1);
	struct hh_ref *x2 = hh_cache_get_or_build(c, "x", build_item, &b, &built);
	CHECK(x2 == x1 && built == 0 && atomic_load(&b.calls) == 1);
	CHECK(hh_cache_get(c, "x") == x1);
	hh_ref_put(x1);
	hh_ref_put(x1);
	hh_ref_put(x2);
	CHECK(freed == 0); /* the cache's own reference keeps it */
	/* a failed build stores nothing: the next asker builds */
	b.fail = 1;
	CHECK(hh_cache_get_or_build(c, "y", build_item, &b, &built) == NULL && built == 0);
	struct hh_ref *y = hh_cache_get_or_build(c, "y", build_item, &b, &built);
	CHECK(y != NULL && built == 1 && atomic_load(&b.calls) == 3);
	/* release: freeing the cache drops its references; one held outside outlives it */
	hh_cache_free(c);
	CHECK(freed == 2); /* p and x; y is still held */
	hh_ref_put(y);
	CHECK(freed == 3);
	/* a cache that stores nothing still builds for each asker */
	struct hh_cache *none = hh_cache_new(0, 0);
	struct hh_ref *z = hh_cache_get_or_build(none, "z", build_item, &b, &built);
	CHECK(z != NULL && built == 1);
	hh_ref_put(z);
	CHECK(freed == 4);
	hh_cache_free(none);
}

#define ASKERS 8

struct asker {
	pthread_t t;
	struct hh_cache *c;
	struct builder *b;
	const char *key;
	struct hh_ref *got;
	atomic_int done;
};

static void *ask(void *arg)
{
	struct asker *a = arg;
	a->got = hh_cache_get_or_build(a->c, a->key, build_item, a->b, NULL);
	atomic_store(&a->done, 1);
	return NULL;
}

static void build_once_under_concurrency(void)
{
	int freed = 0;
	struct hh_cache *c = hh_cache_new(16, 0);
	struct builder b = {.freed = &freed};
	atomic_store(&b.hold, 1);
	struct asker as[ASKERS];
	for (int i = 0; i < ASKERS; i++) {
		as[i] = (struct asker){.c = c, .b = &b, .key = "same"};
		atomic_init(&as[i].done, 0);
		CHECK(pthread_create(&as[i].t, NULL, ask, &as[i]) == 0);
	}
	while (atomic_load(&b.started) == 0)
		sched_yield();
	/* while "same" is being built, another key is answered: its asker waits for nobody */
	struct builder other = {.freed = &freed};
	struct hh_ref *o = hh_cache_get_or_build(c, "other", build_item, &other, NULL);
	CHECK(o != NULL && atomic_load(&other.calls) == 1);
	int finished = 0;
	for (int i = 0; i < ASKERS; i++)
		finished += atomic_load(&as[i].done);
	CHECK(finished == 0); /* every asker of "same" waits for the one build */
	struct item *late = item_new(&freed);
	hh_cache_put(c, "same", &late->ref); /* the build in flight keeps its entry: this one is not kept */
	hh_ref_put(&late->ref);
	CHECK(freed == 1);
	atomic_store(&b.hold, 0);
	for (int i = 0; i < ASKERS; i++)
		pthread_join(as[i].t, NULL);
	CHECK(atomic_load(&b.calls) == 1); /* built once */
	for (int i = 0; i < ASKERS; i++) {
		CHECK(as[i].got != NULL && as[i].got == as[0].got);
		hh_ref_put(as[i].got);
	}
	hh_ref_put(o);
	CHECK(freed == 1);
	hh_cache_free(c);
	CHECK(freed == 3);
}

/* Inflates a whole gzip body into out (cap bytes); its length, or -1. */
static long gunzip(const char *gz, size_t n, char *out, size_t cap)
{
	z_stream z = {0};
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return -1;
	z.next_in = (Bytef *)gz;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap;
	int rc = inflate(&z, Z_FINISH);
	long len = rc == Z_STREAM_END && z.avail_in == 0 ? (long)z.total_out : -1;
	inflateEnd(&z);
	return len;
}

/*
 * A body with a splice is the same answer as the whole body: the same
 * ETags, identity pieces that join into its bytes, a gzip body that
 * inflates to them; the splice lives as long as a rendition holds it.
 */
static void spliced(void)
{
	char whole[4096], mid[1200], head[1400];
	for (size_t i = 0; i < sizeof(mid) - 1; i++)
		mid[i] = "shared when_to_get_help "[i % 24];
	mid[sizeof(mid) - 1] = '\0';
	for (size_t i = 0; i < sizeof(head) - 1; i++)
		head[i] = (char)('a' + (i * 7) % 26);
	head[sizeof(head) - 1] = '\0';
	const char *tail = "},\"positions\":[\"sitting\"]}";
	int n = snprintf(whole, sizeof(whole), "{\"t\":\"%s\",\"h\":%s%s", head, mid, tail);
	CHECK(n > 0 && (size_t)n < sizeof(whole));
	size_t at = strlen(head) + 12; /* {"t":" and ","h": around head */
	CHECK(memcmp(whole + at, mid, strlen(mid)) == 0);
	struct hh_splice *sp = hh_splice_new(mid, strlen(mid));
	CHECK(sp != NULL && sp->len == strlen(mid) && sp->deflated_len > 0);
	char *own = xmalloc((size_t)n + 1);
	memcpy(own, whole, at);
	memcpy(own + at, whole + at + strlen(mid), (size_t)n - at - strlen(mid) + 1);
	struct hh_rendition a, b;
	CHECK(hh_rendition_build(&a, xstrndup(whole, (size_t)n), (size_t)n, 16) == 0);
	CHECK(hh_rendition_build_spliced(&b, own, (size_t)n - strlen(mid), at, sp, 16) == 0);
	hh_splice_put(sp); /* b holds its own reference */
	CHECK_STR(a.etag, b.etag);
	CHECK_STR(a.etag_gz, b.etag_gz);
	CHECK(b.len + b.splice->len == (size_t)n);
	/* kept only as gzip: no identity pieces, and the identity inflated from the gzip pieces */
	struct hh_span span[3];
	CHECK(b.body == NULL && hh_rendition_spans(&b, 0, span) == 0);
	CHECK(hh_rendition_size(&b) == (size_t)n);
	char joined[8192];
	CHECK(hh_rendition_identity(&b, joined) == 0 && memcmp(joined, whole, (size_t)n) == 0);
	char out[8192];
	CHECK(hh_rendition_spans(&b, 1, span) == 1 && span[0].p == b.gz);
	CHECK(b.gz != NULL && gunzip(b.gz, b.gz_len, out, sizeof(out)) == n && memcmp(out, whole, (size_t)n) == 0);
	CHECK(b.gz_len < a.gz_len + 64); /* compressed about as well as the whole */
	/* the splice at either end: still the whole body */
	struct hh_splice *sp2 = hh_splice_new(whole, (size_t)n);
	struct hh_rendition c;
	CHECK(sp2 != NULL && hh_rendition_build_spliced(&c, xstrdup(""), 0, 0, sp2, 16) == 0);
	hh_splice_put(sp2);
	CHECK_STR(a.etag, c.etag);
	CHECK(hh_rendition_identity(&c, joined) == 0 && memcmp(joined, whole, (size_t)n) == 0);
	/* too small to compress: the identity pieces are kept, as they lie */
	struct hh_splice *sp3 = hh_splice_new(mid, strlen(mid));
	struct hh_rendition d;
	char *own3 = xmalloc((size_t)n + 1);
	memcpy(own3, whole, at);
	memcpy(own3 + at, whole + at + strlen(mid), (size_t)n - at - strlen(mid) + 1);
	CHECK(sp3 != NULL && hh_rendition_build_spliced(&d, own3, (size_t)n - strlen(mid), at, sp3, 1 << 20) == 0);
	hh_splice_put(sp3);
	CHECK(d.gz == NULL && hh_rendition_spans(&d, 0, span) == 3);
	CHECK(hh_rendition_identity(&d, joined) == 0 && memcmp(joined, whole, (size_t)n) == 0);
	hh_rendition_free(&d);
	hh_rendition_free(&a);
	hh_rendition_free(&b);
	hh_rendition_free(&c);
}

int main(void)
{
	renditions();
	spliced();
	etags();
	encodings();
	lru();
	prebuilt_and_get_and_ref();
	build_once_under_concurrency();
	return check_done();
}
