/*
 * cache.c - renditions, ETag matching, the LRU and the static map.
 */
#include "healthhub/cache.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "healthhub/hash.h"

/* ------------------------------------------------------------ renditions */

int hh_gzip(const void *in, size_t n, char **out, size_t *out_len)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	/* 15 + 16: gzip wrapper; the header has no name and mtime 0, so the bytes are stable */
	/*
	 * Level 6 (zlib's default): measured on a 21 KB article, 381 us against
	 * level 9's 648 us for 0.2% more bytes; compressing every article is
	 * most of a cold start at 5,000 articles (issue 12).
	 */
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	size_t cap = deflateBound(&z, (uLong)n) + 32;
	char *buf = xmalloc(cap);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)buf;
	z.avail_out = (uInt)cap;
	int rc = deflate(&z, Z_FINISH);
	size_t produced = cap - z.avail_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(buf);
		return -1;
	}
	/* the buffer was sized for the worst case (at least the input): keep only what was produced */
	*out = xrealloc(buf, produced > 0 ? produced : 1);
	*out_len = produced;
	return 0;
}

int hh_rendition_build(struct hh_rendition *r, char *body, size_t len, size_t min_gzip)
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
	if (hh_gzip(body, len, &r->gz, &r->gz_len) < 0)
		return -1;
	if (r->gz_len >= len) {
		free(r->gz);
		r->gz = NULL;
		r->gz_len = 0;
	}
	return 0;
}

void hh_rendition_free(struct hh_rendition *r)
{
	free(r->body);
	free(r->gz);
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

/* ------------------------------------------------------------------ LRU */

struct lru_node {
	char *key;
	uint64_t hash;
	struct hh_ref *value;
	struct lru_node *prev, *next;  /* recency list, most recent at head */
	struct lru_node *chain;        /* hash bucket */
};

struct hh_lru {
	pthread_mutex_t lock;
	size_t capacity, size, nbuckets;
	struct lru_node **buckets;
	struct lru_node *head, *tail;
	uint64_t hits, misses;
};

struct hh_lru *hh_lru_new(size_t capacity)
{
	struct hh_lru *l = xcalloc(1, sizeof(*l));
	pthread_mutex_init(&l->lock, NULL);
	l->capacity = capacity;
	l->nbuckets = 16;
	while (l->nbuckets < capacity * 2)
		l->nbuckets *= 2;
	l->buckets = xcalloc(l->nbuckets, sizeof(*l->buckets));
	return l;
}

static void unlink_node(struct hh_lru *l, struct lru_node *n)
{
	if (n->prev)
		n->prev->next = n->next;
	else
		l->head = n->next;
	if (n->next)
		n->next->prev = n->prev;
	else
		l->tail = n->prev;
	n->prev = n->next = NULL;
}

static void push_front(struct hh_lru *l, struct lru_node *n)
{
	n->next = l->head;
	n->prev = NULL;
	if (l->head)
		l->head->prev = n;
	l->head = n;
	if (l->tail == NULL)
		l->tail = n;
}

static struct lru_node **find_slot(struct hh_lru *l, const char *key, uint64_t h)
{
	struct lru_node **slot = &l->buckets[h & (l->nbuckets - 1)];
	while (*slot && ((*slot)->hash != h || strcmp((*slot)->key, key) != 0))
		slot = &(*slot)->chain;
	return slot;
}

/* Removes the node from its bucket and the list; the caller drops the value. */
static void remove_node(struct hh_lru *l, struct lru_node *n)
{
	struct lru_node **slot = find_slot(l, n->key, n->hash);
	*slot = n->chain;
	unlink_node(l, n);
	l->size--;
}

static void free_node(struct lru_node *n)
{
	hh_ref_put(n->value);
	free(n->key);
	free(n);
}

struct hh_ref *hh_lru_get(struct hh_lru *l, const char *key)
{
	uint64_t h = fnv1a(key);
	pthread_mutex_lock(&l->lock);
	struct lru_node *n = *find_slot(l, key, h);
	struct hh_ref *v = NULL;
	if (n != NULL) {
		unlink_node(l, n);
		push_front(l, n);
		v = n->value;
		hh_ref_get(v);
		l->hits++;
	} else {
		l->misses++;
	}
	pthread_mutex_unlock(&l->lock);
	return v;
}

void hh_lru_put(struct hh_lru *l, const char *key, struct hh_ref *value)
{
	if (l->capacity == 0)
		return;
	uint64_t h = fnv1a(key);
	struct lru_node *evicted = NULL, *replaced = NULL;
	hh_ref_get(value);
	pthread_mutex_lock(&l->lock);
	struct lru_node **slot = find_slot(l, key, h);
	if (*slot != NULL) {
		replaced = *slot;
		remove_node(l, replaced);
	}
	if (l->size >= l->capacity) {
		evicted = l->tail;
		remove_node(l, evicted);
	}
	struct lru_node *n = xcalloc(1, sizeof(*n));
	n->key = xstrdup(key);
	n->hash = h;
	n->value = value;
	slot = find_slot(l, key, h);
	*slot = n;
	push_front(l, n);
	l->size++;
	pthread_mutex_unlock(&l->lock);
	/* values are released outside the lock: their destructors may be slow */
	if (replaced)
		free_node(replaced);
	if (evicted)
		free_node(evicted);
}

void hh_lru_clear(struct hh_lru *l)
{
	pthread_mutex_lock(&l->lock);
	struct lru_node *n = l->head;
	l->head = l->tail = NULL;
	memset(l->buckets, 0, l->nbuckets * sizeof(*l->buckets));
	l->size = 0;
	pthread_mutex_unlock(&l->lock);
	while (n) {
		struct lru_node *next = n->next;
		free_node(n);
		n = next;
	}
}

void hh_lru_stats(struct hh_lru *l, uint64_t *hits, uint64_t *misses, size_t *size)
{
	pthread_mutex_lock(&l->lock);
	*hits = l->hits;
	*misses = l->misses;
	*size = l->size;
	pthread_mutex_unlock(&l->lock);
}

void hh_lru_free(struct hh_lru *l)
{
	if (l == NULL)
		return;
	hh_lru_clear(l);
	pthread_mutex_destroy(&l->lock);
	free(l->buckets);
	free(l);
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

void *hh_map_get(const struct hh_map *m, const char *key)
{
	uint64_t h = fnv1a(key);
	for (struct map_node *n = m->buckets[h & (m->nbuckets - 1)]; n; n = n->chain)
		if (n->hash == h && strcmp(n->key, key) == 0)
			return n->value;
	return NULL;
}

void hh_map_each(struct hh_map *m, void (*fn)(void *value))
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
