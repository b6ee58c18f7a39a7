/*
 * cache.c - renditions, ETag matching, the cache of answers and the static map.
 */
#include "healthhub/cache.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "healthhub/hash.h"

/* ------------------------------------------------------------ renditions */

/*
 * Each thread keeps its deflate state (about 256 KiB) and resets it per
 * body: the same bytes out as a fresh deflateInit2, without allocating and
 * clearing that state per answer. Freed blocks that large go back to the
 * kernel and come back as page faults: at 12 KB (a search answer) that was
 * three quarters of the compression's cost. The key's destructor ends a
 * thread's state (libmicrohttpd's threads end at shutdown).
 */
static pthread_key_t deflate_key;
static pthread_once_t deflate_once = PTHREAD_ONCE_INIT;

static void deflate_state_free(void *p)
{
	deflateEnd(p);
	free(p);
}

static void deflate_key_make(void)
{
	if (pthread_key_create(&deflate_key, deflate_state_free) != 0)
		abort();
}

/*
 * This thread's deflate state, reset to level: gzip wrapper (15 + 16; the
 * header has no name and mtime 0, so the bytes are stable). NULL when zlib
 * fails.
 */
static z_stream *thread_deflate_level(int level)
{
	pthread_once(&deflate_once, deflate_key_make);
	z_stream *z = pthread_getspecific(deflate_key);
	if (z != NULL) /* a reset keeps the last level: set it each time (no input yet, so nothing is flushed) */
		return deflateReset(z) == Z_OK && deflateParams(z, level, Z_DEFAULT_STRATEGY) == Z_OK ? z : NULL;
	z = xcalloc(1, sizeof(*z));
	if (deflateInit2(z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(z);
		return NULL;
	}
	if (pthread_setspecific(deflate_key, z) != 0)
		abort();
	return z;
}

/* gzip-compresses in[0..n) at level into a new malloc'd buffer. 0 or -1. */
static int gzip_bytes(const void *in, size_t n, int level, char **out, size_t *out_len)
{
	z_stream *z = thread_deflate_level(level);
	if (z == NULL)
		return -1;
	size_t cap = deflateBound(z, (uLong)n) + 32;
	char *buf = xmalloc(cap);
	z->next_in = (Bytef *)(uintptr_t)in;
	z->avail_in = (uInt)n;
	z->next_out = (Bytef *)buf;
	z->avail_out = (uInt)cap;
	int rc = deflate(z, Z_FINISH);
	size_t produced = cap - z->avail_out;
	if (rc != Z_STREAM_END) {
		free(buf);
		return -1;
	}
	/* the buffer was sized for the worst case (at least the input): keep only what was produced */
	*out = xrealloc(buf, produced > 0 ? produced : 1);
	*out_len = produced;
	return 0;
}

/*
 * Raw-deflates in[0..n) onto the end of *out (*len used of *cap, grown):
 * finish ends the stream with a final block; else a full flush ends it on a
 * byte boundary with no reference back, so other deflated parts may follow.
 * 0 or -1.
 */
static int deflate_part(const void *in, size_t n, int finish, char **out, size_t *len, size_t *cap)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	size_t need = deflateBound(&z, (uLong)n) + 16; /* + the full flush's empty stored block */
	if (*len + need > *cap) {
		*cap = *len + need;
		*out = xrealloc(*out, *cap);
	}
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)*out + *len;
	z.avail_out = (uInt)(*cap - *len);
	int rc = deflate(&z, finish ? Z_FINISH : Z_FULL_FLUSH);
	int ok = finish ? rc == Z_STREAM_END : rc == Z_OK && z.avail_in == 0 && z.avail_out > 0;
	*len = *cap - z.avail_out;
	deflateEnd(&z);
	return ok ? 0 : -1;
}

struct hh_splice *hh_splice_new(const char *bytes, size_t len)
{
	struct hh_splice *sp = xcalloc(1, sizeof(*sp));
	atomic_init(&sp->refs, 1);
	sp->body = xstrndup(bytes, len);
	sp->len = len;
	sp->crc = crc32(0L, (const Bytef *)bytes, (uInt)len);
	size_t cap = 0;
	if (deflate_part(bytes, len, 0, &sp->deflated, &sp->deflated_len, &cap) < 0) {
		hh_splice_put(sp);
		return NULL;
	}
	sp->deflated = xrealloc(sp->deflated, sp->deflated_len + 1);
	return sp;
}

static void splice_get(struct hh_splice *sp)
{
	atomic_fetch_add_explicit(&sp->refs, 1, memory_order_relaxed);
}

void hh_splice_put(struct hh_splice *sp)
{
	if (sp == NULL || atomic_fetch_sub_explicit(&sp->refs, 1, memory_order_acq_rel) != 1)
		return;
	free(sp->body);
	free(sp->deflated);
	free(sp);
}

/*
 * One gzip member of the whole body, in one buffer: header, the part
 * before sp deflated and flushed, sp's deflated bytes (deflated once for
 * every body that holds them), the part after deflated to the end, and the
 * trailer over the whole. The header is zlib's for level 6 (no name, mtime
 * 0, OS Unix). The gzip body stays one buffer: it is what browsers and
 * caches ask for, sent with its headers in one write (sent in pieces, with
 * the splice's deflated bytes kept once, it went out in two writes: one
 * article at 16 connections fell from 61,000 to 36,000-51,000 req/s).
 */
static int gzip_spliced(struct hh_rendition *r, const struct hh_splice *sp)
{
	static const unsigned char head[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
	size_t cap = r->len / 2 + 64, n = sizeof(head);
	char *gz = xmalloc(cap);
	memcpy(gz, head, sizeof(head));
	const char *after = r->body + r->at;
	size_t after_len = r->len - r->at;
	if (deflate_part(r->body, r->at, 0, &gz, &n, &cap) < 0) {
		free(gz);
		return -1;
	}
	if (n + sp->deflated_len > cap) {
		cap = n + sp->deflated_len + 64;
		gz = xrealloc(gz, cap);
	}
	memcpy(gz + n, sp->deflated, sp->deflated_len);
	n += sp->deflated_len;
	if (deflate_part(after, after_len, 1, &gz, &n, &cap) < 0) {
		free(gz);
		return -1;
	}
	uLong crc = crc32(0L, (const Bytef *)r->body, (uInt)r->at);
	crc = crc32_combine(crc, sp->crc, (z_off_t)sp->len);
	crc = crc32_combine(crc, crc32(0L, (const Bytef *)after, (uInt)after_len), (z_off_t)after_len);
	uint32_t trailer[2] = {(uint32_t)crc, (uint32_t)(r->len + sp->len)};
	gz = xrealloc(gz, n + 8);
	for (int i = 0; i < 8; i++) /* little-endian, whatever the machine */
		gz[n + (size_t)i] = (char)(trailer[i / 4] >> (8 * (i % 4)) & 0xff);
	r->gz = gz;
	r->gz_len = n + 8;
	return 0;
}

int hh_rendition_build_spliced(struct hh_rendition *r, char *body, size_t len, size_t at, struct hh_splice *sp,
			       size_t min_gzip)
{
	if (sp == NULL || at > len)
		return hh_rendition_build(r, body, len, min_gzip);
	char hex[65];
	memset(r, 0, sizeof(*r));
	r->body = body;
	r->len = len;
	r->at = at;
	splice_get(sp);
	r->splice = sp;
	struct hh_sha256 h;
	hh_sha256_init(&h);
	hh_sha256_update(&h, body, at);
	hh_sha256_update(&h, sp->body, sp->len);
	hh_sha256_update(&h, body + at, len - at);
	hh_sha256_final_hex(&h, hex);
	snprintf(r->etag, sizeof(r->etag), "\"%.24s\"", hex);
	snprintf(r->etag_gz, sizeof(r->etag_gz), "\"%.24s-gz\"", hex);
	if (len + sp->len < min_gzip)
		return 0;
	if (gzip_spliced(r, sp) < 0)
		return -1;
	if (r->gz_len >= len + sp->len) {
		free(r->gz);
		r->gz = NULL;
		r->gz_len = 0;
		return 0;
	}
	/* the gzip body is the stored form: the identity is inflated from it when asked for */
	free(r->body);
	r->body = NULL;
	return 0;
}

size_t hh_rendition_size(const struct hh_rendition *r)
{
	return r->len + (r->splice != NULL ? r->splice->len : 0);
}

/* Inflates r's gzip body into out[0..want): 0 when it gives exactly that, else -1. */
static int gunzip_body(const struct hh_rendition *r, char *out, size_t want)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return -1;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)want;
	z.next_in = (Bytef *)(uintptr_t)r->gz;
	z.avail_in = (uInt)r->gz_len;
	int ok = inflate(&z, Z_FINISH) == Z_STREAM_END && z.total_out == want;
	inflateEnd(&z);
	return ok ? 0 : -1;
}

int hh_rendition_identity(const struct hh_rendition *r, char *out)
{
	if (r->body == NULL && r->gz != NULL)
		return gunzip_body(r, out, hh_rendition_size(r));
	struct hh_span span[3];
	unsigned k = hh_rendition_spans(r, 0, span);
	for (unsigned i = 0; i < k; i++) {
		memcpy(out, span[i].p, span[i].n);
		out += span[i].n;
	}
	return 0;
}

unsigned hh_rendition_spans(const struct hh_rendition *r, int gz, struct hh_span out[3])
{
	if (gz || r->splice == NULL) {
		out[0] = gz ? (struct hh_span){r->gz, r->gz_len} : (struct hh_span){r->body, r->len};
		return 1;
	}
	if (r->body == NULL)
		return 0; /* kept only as gzip: hh_rendition_identity */
	struct hh_span all[3] = {
		{r->body, r->at}, {r->splice->body, r->splice->len}, {r->body + r->at, r->len - r->at}};
	unsigned k = 0;
	for (unsigned i = 0; i < 3; i++)
		if (all[i].n > 0)
			out[k++] = all[i];
	return k;
}

/*
 * Level 6 (zlib's default) for answers kept and sent many times: measured on
 * a 21 KB article, 381 us against level 9's 648 us for 0.2% more bytes.
 * Level 1 for an answer made for one request (a search): a quarter of its
 * CPU went to level 6; level 1 is nginx's default gzip_comp_level.
 */
#define GZIP_LEVEL 6
#define GZIP_LEVEL_ONCE 1

static int rendition_build(struct hh_rendition *r, char *body, size_t len, size_t min_gzip, int level)
{
	char hex[65];
	memset(r, 0, sizeof(*r));
	r->body = body;
	r->len = len;
	hh_sha256_hex(body, len, hex);
	snprintf(r->etag, sizeof(r->etag), "\"%.24s\"", hex);
	snprintf(r->etag_gz, sizeof(r->etag_gz), "\"%.24s-gz\"", hex);
	if (len < min_gzip)
		return 0;
	if (gzip_bytes(body, len, level, &r->gz, &r->gz_len) < 0)
		return -1;
	if (r->gz_len >= len) {
		free(r->gz);
		r->gz = NULL;
		r->gz_len = 0;
	}
	return 0;
}

int hh_rendition_build(struct hh_rendition *r, char *body, size_t len, size_t min_gzip)
{
	return rendition_build(r, body, len, min_gzip, GZIP_LEVEL);
}

int hh_rendition_build_once(struct hh_rendition *r, char *body, size_t len)
{
	return rendition_build(r, body, len, SIZE_MAX, GZIP_LEVEL_ONCE);
}

int hh_gzip_once(const char *body, size_t len, char **out, size_t *out_len)
{
	*out = NULL;
	*out_len = 0;
	if (gzip_bytes(body, len, GZIP_LEVEL_ONCE, out, out_len) < 0)
		return -1;
	if (*out_len >= len) {
		free(*out);
		*out = NULL;
		*out_len = 0;
	}
	return 0;
}

void hh_rendition_free(struct hh_rendition *r)
{
	free(r->body);
	free(r->gz);
	hh_splice_put(r->splice);
	memset(r, 0, sizeof(*r));
}

static int is_ows(char c)
{
	return c == ' ' || c == '\t';
}

int hh_etag_match(const char *inm, const char *etag)
{
	if (inm == NULL || etag == NULL)
		return 0;
	size_t elen = strlen(etag);
	const char *p = inm;
	while (*p) {
		while (is_ows(*p) || *p == ',')
			p++;
		if (*p == '*')
			return 1;
		if (p[0] == 'W' && p[1] == '/')
			p += 2;
		const char *start = p;
		while (*p && *p != ',' && !is_ows(*p))
			p++;
		if ((size_t)(p - start) == elen && memcmp(start, etag, elen) == 0)
			return 1;
	}
	return 0;
}

/* Finds "gzip" as a coding (not inside another token) and reads its q. */
int hh_accepts_gzip(const char *ae)
{
	if (ae == NULL)
		return 0;
	const char *p = ae;
	while ((p = strstr(p, "gzip")) != NULL) {
		int starts = p == ae || p[-1] == ',' || is_ows(p[-1]);
		const char *q = p + 4;
		while (is_ows(*q))
			q++;
		int ends = *q == '\0' || *q == ',' || *q == ';';
		if (starts && ends) {
			if (*q != ';')
				return 1;
			const char *qv = strstr(q, "q=");
			const char *comma = strchr(q, ',');
			if (qv == NULL || (comma && qv > comma))
				return 1;
			return strtod(qv + 2, NULL) > 0.0;
		}
		p += 4;
	}
	return 0;
}

/* ------------------------------------------------------------------ hash */

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

/* ---------------------------------------------------------------- cache */

struct hh_map;
static void *map_get_hashed(const struct hh_map *m, const char *key, uint64_t h);
static void map_each(struct hh_map *m, void (*fn)(void *value));

struct node {
	char *key;
	uint64_t hash;
	struct hh_ref *value;     /* NULL while its one builder builds it */
	struct node *prev, *next; /* recency list, most recent at head */
	struct node *chain;       /* hash bucket */
};

struct hh_cache {
	struct hh_map *fixed; /* prebuilt: filled before the cache is shared, then read without the lock */
	pthread_mutex_t lock; /* the on-demand table */
	pthread_cond_t done;  /* a build finished (its waiters look again) */
	size_t capacity, size, nbuckets;
	struct node **buckets;
	struct node *head, *tail;
	uint64_t hits, misses;
};

struct hh_cache *hh_cache_new(size_t capacity, size_t expected)
{
	struct hh_cache *c = xcalloc(1, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->done, NULL);
	c->capacity = capacity;
	/* an unbounded table starts small and grows with what is built; expected sizes the prebuilt map */
	size_t want = capacity != HH_CACHE_UNBOUNDED ? capacity : 8;
	c->nbuckets = 16;
	while (c->nbuckets < want * 2 && c->nbuckets < ((size_t)1 << 24))
		c->nbuckets *= 2;
	c->buckets = xcalloc(c->nbuckets, sizeof(*c->buckets));
	c->fixed = hh_map_new(expected);
	return c;
}

void hh_cache_prebuilt(struct hh_cache *c, const char *key, struct hh_ref *value)
{
	hh_ref_get(value);
	hh_map_put(c->fixed, key, value);
}

static void unlink_node(struct hh_cache *c, struct node *n)
{
	if (n->prev)
		n->prev->next = n->next;
	else
		c->head = n->next;
	if (n->next)
		n->next->prev = n->prev;
	else
		c->tail = n->prev;
	n->prev = n->next = NULL;
}

static void push_front(struct hh_cache *c, struct node *n)
{
	n->next = c->head;
	n->prev = NULL;
	if (c->head)
		c->head->prev = n;
	c->head = n;
	if (c->tail == NULL)
		c->tail = n;
}

static struct node **find_slot(struct hh_cache *c, const char *key, uint64_t h)
{
	struct node **slot = &c->buckets[h & (c->nbuckets - 1)];
	while (*slot && ((*slot)->hash != h || strcmp((*slot)->key, key) != 0))
		slot = &(*slot)->chain;
	return slot;
}

/* Removes the node from its bucket and the list; the caller drops the value. */
static void remove_node(struct hh_cache *c, struct node *n)
{
	struct node **slot = find_slot(c, n->key, n->hash);
	*slot = n->chain;
	unlink_node(c, n);
	c->size--;
}

static void free_node(struct node *n)
{
	hh_ref_put(n->value);
	free(n->key);
	free(n);
}

/* An unbounded table keeps about one node per bucket: doubles it when fuller. */
static void grow(struct hh_cache *c)
{
	if (c->size < c->nbuckets || c->nbuckets >= ((size_t)1 << 24))
		return;
	size_t nb = c->nbuckets * 2;
	struct node **b = xcalloc(nb, sizeof(*b));
	for (size_t i = 0; i < c->nbuckets; i++) {
		struct node *n = c->buckets[i];
		while (n) {
			struct node *next = n->chain;
			n->chain = b[n->hash & (nb - 1)];
			b[n->hash & (nb - 1)] = n;
			n = next;
		}
	}
	free(c->buckets);
	c->buckets = b;
	c->nbuckets = nb;
}

/* Inserts a node for key (value may be NULL: being built) as the most recent; *evicted: a node to free. */
static struct node *insert(struct hh_cache *c, const char *key, uint64_t h, struct hh_ref *value, struct node **evicted)
{
	*evicted = NULL;
	if (c->capacity != HH_CACHE_UNBOUNDED && c->size >= c->capacity) {
		struct node *t = c->tail;
		while (t != NULL && t->value == NULL)
			t = t->prev; /* an entry being built is never evicted: its builder fills it */
		if (t != NULL) {
			remove_node(c, t);
			*evicted = t;
		}
	}
	struct node *n = xcalloc(1, sizeof(*n));
	n->key = xstrdup(key);
	n->hash = h;
	n->value = value;
	struct node **slot = find_slot(c, key, h);
	*slot = n;
	push_front(c, n);
	c->size++;
	if (c->capacity == HH_CACHE_UNBOUNDED)
		grow(c);
	return n;
}

struct hh_ref *hh_cache_get(struct hh_cache *c, const char *key)
{
	uint64_t h = fnv1a(key);
	struct hh_ref *v = map_get_hashed(c->fixed, key, h);
	if (v != NULL) {
		hh_ref_get(v);
		return v;
	}
	pthread_mutex_lock(&c->lock);
	struct node *n = *find_slot(c, key, h);
	if (n != NULL && n->value != NULL) {
		unlink_node(c, n);
		push_front(c, n);
		v = n->value;
		hh_ref_get(v);
		c->hits++;
	} else {
		c->misses++;
	}
	pthread_mutex_unlock(&c->lock);
	return v;
}

struct hh_ref *hh_cache_get_or_build(struct hh_cache *c, const char *key, struct hh_ref *(*build)(void *arg), void *arg,
				     int *built)
{
	uint64_t h = fnv1a(key);
	struct hh_ref *v = map_get_hashed(c->fixed, key, h);
	if (built != NULL)
		*built = 0;
	if (v != NULL) {
		hh_ref_get(v);
		return v;
	}
	pthread_mutex_lock(&c->lock);
	struct node *n;
	while ((n = *find_slot(c, key, h)) != NULL && n->value == NULL)
		pthread_cond_wait(&c->done, &c->lock); /* its builder is at work: one answer's wait */
	if (n != NULL) {
		unlink_node(c, n);
		push_front(c, n);
		v = n->value;
		hh_ref_get(v);
		c->hits++;
		pthread_mutex_unlock(&c->lock);
		return v;
	}
	c->misses++;
	struct node *evicted = NULL;
	n = c->capacity > 0 ? insert(c, key, h, NULL, &evicted) : NULL;
	pthread_mutex_unlock(&c->lock);
	if (evicted)
		free_node(evicted); /* outside the lock: a destructor may be slow */
	v = build(arg);
	if (built != NULL)
		*built = v != NULL;
	if (n == NULL)
		return v; /* capacity 0: stores nothing */
	pthread_mutex_lock(&c->lock);
	if (v != NULL) {
		hh_ref_get(v); /* the cache's own */
		n->value = v;
	} else {
		remove_node(c, n); /* a waiter becomes the next builder */
		free(n->key);
		free(n);
	}
	pthread_cond_broadcast(&c->done);
	pthread_mutex_unlock(&c->lock);
	return v;
}

void hh_cache_put(struct hh_cache *c, const char *key, struct hh_ref *value)
{
	if (c->capacity == 0)
		return;
	uint64_t h = fnv1a(key);
	struct node *evicted = NULL, *replaced = NULL;
	hh_ref_get(value);
	pthread_mutex_lock(&c->lock);
	struct node *old = *find_slot(c, key, h);
	if (old != NULL && old->value == NULL) {
		/* a build in flight owns its entry until it fills it: that answer is kept, not this one */
		pthread_mutex_unlock(&c->lock);
		hh_ref_put(value);
		return;
	}
	if (old != NULL) {
		remove_node(c, old);
		replaced = old;
	}
	insert(c, key, h, value, &evicted);
	pthread_mutex_unlock(&c->lock);
	if (replaced)
		free_node(replaced);
	if (evicted)
		free_node(evicted);
}

void hh_cache_clear(struct hh_cache *c)
{
	struct node *drop = NULL;
	pthread_mutex_lock(&c->lock);
	for (struct node *n = c->head, *next; n != NULL; n = next) {
		next = n->next;
		if (n->value == NULL)
			continue; /* its builder still owns it */
		remove_node(c, n);
		n->next = drop;
		drop = n;
	}
	pthread_mutex_unlock(&c->lock);
	while (drop) {
		struct node *next = drop->next;
		free_node(drop);
		drop = next;
	}
}

void hh_cache_stats(struct hh_cache *c, uint64_t *hits, uint64_t *misses, size_t *size)
{
	pthread_mutex_lock(&c->lock);
	*hits = c->hits;
	*misses = c->misses;
	*size = c->size;
	pthread_mutex_unlock(&c->lock);
}

static void put_value(void *value)
{
	hh_ref_put(value);
}

void hh_cache_free(struct hh_cache *c)
{
	if (c == NULL)
		return;
	hh_cache_clear(c);
	map_each(c->fixed, put_value);
	hh_map_free(c->fixed);
	pthread_cond_destroy(&c->done);
	pthread_mutex_destroy(&c->lock);
	free(c->buckets);
	free(c);
}

/* ---------------------------------------------------------- static map */

struct map_node {
	char *key;
	uint64_t hash;
	void *value;
	struct map_node *chain;
};

struct hh_map {
	size_t nbuckets;
	struct map_node **buckets;
};

struct hh_map *hh_map_new(size_t expected)
{
	struct hh_map *m = xcalloc(1, sizeof(*m));
	m->nbuckets = 16;
	while (m->nbuckets < expected * 2)
		m->nbuckets *= 2;
	m->buckets = xcalloc(m->nbuckets, sizeof(*m->buckets));
	return m;
}

void hh_map_put(struct hh_map *m, const char *key, void *value)
{
	struct map_node *n = xcalloc(1, sizeof(*n));
	n->key = xstrdup(key);
	n->hash = fnv1a(key);
	n->value = value;
	struct map_node **b = &m->buckets[n->hash & (m->nbuckets - 1)];
	n->chain = *b;
	*b = n;
}

static void *map_get_hashed(const struct hh_map *m, const char *key, uint64_t h)
{
	for (struct map_node *n = m->buckets[h & (m->nbuckets - 1)]; n; n = n->chain)
		if (n->hash == h && strcmp(n->key, key) == 0)
			return n->value;
	return NULL;
}

void *hh_map_get(const struct hh_map *m, const char *key)
{
	return map_get_hashed(m, key, fnv1a(key));
}

/* Calls fn on every value, e.g. to free them. */
static void map_each(struct hh_map *m, void (*fn)(void *value))
{
	for (size_t i = 0; i < m->nbuckets; i++)
		for (struct map_node *n = m->buckets[i]; n; n = n->chain)
			fn(n->value);
}

void hh_map_free(struct hh_map *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->nbuckets; i++) {
		struct map_node *n = m->buckets[i];
		while (n) {
			struct map_node *next = n->chain;
			free(n->key);
			free(n);
			n = next;
		}
	}
	free(m->buckets);
	free(m);
}
