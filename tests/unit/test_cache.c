/* test_cache.c - renditions, ETag matching, Accept-Encoding, the LRU. */
#include "check.h"

#include <stdlib.h>
#include <zlib.h>

#include "healthhub/cache.h"

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
	char out[256];
	z_stream z = {0};
	CHECK(inflateInit2(&z, 15 + 16) == Z_OK);
	z.next_in = (Bytef *)a.gz;
	z.avail_in = (uInt)a.gz_len;
	z.next_out = (Bytef *)out;
	z.avail_out = sizeof(out);
	CHECK(inflate(&z, Z_FINISH) == Z_STREAM_END);
	CHECK(z.total_out == strlen(text) && memcmp(out, text, strlen(text)) == 0);
	inflateEnd(&z);
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
	struct hh_lru *l = hh_lru_new(2);
	struct item *a = item_new(&freed), *b = item_new(&freed), *c = item_new(&freed);
	hh_lru_put(l, "a", &a->ref);
	hh_lru_put(l, "b", &b->ref);
	struct hh_ref *got = hh_lru_get(l, "a"); /* a is now the most recent */
	CHECK(got == &a->ref);
	hh_lru_put(l, "c", &c->ref); /* evicts b, the least recent */
	CHECK(hh_lru_get(l, "b") == NULL);
	/* a reference held outside keeps an evicted value alive */
	hh_ref_put(&b->ref);
	CHECK(freed == 1);
	hh_lru_clear(l);
	CHECK(freed == 1); /* a and c are still referenced here */
	hh_ref_put(got);
	hh_ref_put(&a->ref);
	hh_ref_put(&c->ref);
	CHECK(freed == 3);
	uint64_t hits, misses;
	size_t size;
	hh_lru_stats(l, &hits, &misses, &size);
	CHECK(hits == 1 && misses == 1 && size == 0);
	hh_lru_free(l);
	struct hh_lru *none = hh_lru_new(0);
	struct item *d = item_new(&freed);
	hh_lru_put(none, "d", &d->ref); /* caches nothing */
	CHECK(hh_lru_get(none, "d") == NULL);
	hh_ref_put(&d->ref);
	CHECK(freed == 4);
	hh_lru_free(none);
}

int main(void)
{
	renditions();
	etags();
	encodings();
	lru();
	return check_done();
}
