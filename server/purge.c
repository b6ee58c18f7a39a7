/*
 * purge.c - purge by surrogate key on content change (see purge.h).
 */
#include "healthhub/purge.h"
#include "healthhub/i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "healthhub/keys.h"
#include "healthhub/log.h"
#include "healthhub/metrics.h"

#define MAX_URLS 16
#define MAX_ATTEMPTS 8
#define BACKOFF_FIRST_MS 250
#define BACKOFF_MAX_MS 30000
#define IO_TIMEOUT_MS 2000 /* connect, send and receive, each */
#define REPEAT_MS 500      /* a successful purge is sent once more this much later (see settle) */

/* One batch of keys for one URL. */
struct job {
	struct job *next;
	char *keys;
	int attempts;
	int repeated; /* the purge succeeded once and is being repeated */
	uint64_t due_ns;
};

/*
 * One cache, with its own queue and thread: a cache that is slow or down
 * (each attempt waiting for its timeouts) never delays purges to the others.
 */
struct target {
	char host[256];
	char port[8];
	char path[512];
	size_t queue_limit, queued;
	struct job *head;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int stopping;
	int started;
	pthread_t thread;
};

struct hh_purge {
	struct target targets[MAX_URLS];
	size_t n_targets;
};

/* ================================================================ URLs */

/* Parses "http://host[:port][/path]" ([s, s+n)) into t; 0 or -1. */
static int parse_url(const char *s, size_t n, struct target *t, char *why, size_t cap)
{
	char url[1024];
	if (n >= sizeof(url) || n < 8 || strncmp(s, "http://", 7) != 0) {
		snprintf(why, cap, "a purge URL must start with http:// (got \"%.*s\")", (int)(n < 200 ? n : 200), s);
		return -1;
	}
	memcpy(url, s, n);
	url[n] = '\0';
	const char *host = url + 7, *slash = strchr(host, '/');
	size_t hn = slash ? (size_t)(slash - host) : strlen(host);
	const char *colon = memchr(host, ':', hn);
	size_t name_len = colon ? (size_t)(colon - host) : hn;
	size_t port_len = colon ? hn - name_len - 1 : 0;
	long long port = 80;
	char portbuf[8];
	snprintf(portbuf, sizeof(portbuf), "%.*s", (int)(port_len < 7 ? port_len : 7), colon ? colon + 1 : "");
	if (name_len == 0 || name_len >= sizeof(t->host) ||
	    (colon && (port_len == 0 || port_len > 5 || hh_parse_int(portbuf, 1, 65535, &port) < 0)) ||
	    strpbrk(url, " \t\r\n") != NULL || (slash && strlen(slash) >= sizeof(t->path))) {
		snprintf(why, cap, "the purge URL \"%s\" is not http://host[:port][/path]", url);
		return -1;
	}
	snprintf(t->host, sizeof(t->host), "%.*s", (int)name_len, host);
	snprintf(t->port, sizeof(t->port), "%lld", port);
	snprintf(t->path, sizeof(t->path), "%s", slash ? slash : "/");
	return 0;
}

/* Parses the list into p's targets (p may be NULL: only checked). 0 or -1. */
static int parse_urls(const char *urls, struct hh_purge *p, char *why, size_t cap)
{
	struct target scratch;
	size_t count = 0;
	for (const char *s = urls; *s;) {
		const char *comma = strchr(s, ',');
		size_t n = comma ? (size_t)(comma - s) : strlen(s);
		while (n > 0 && *s == ' ') {
			s++;
			n--;
		}
		while (n > 0 && s[n - 1] == ' ')
			n--;
		if (n > 0) {
			if (count == MAX_URLS) {
				snprintf(why, cap, "at most %d purge URLs", MAX_URLS);
				return -1;
			}
			struct target *t = p ? &p->targets[count] : &scratch;
			if (parse_url(s, n, t, why, cap) < 0)
				return -1;
			count++;
		}
		s = comma ? comma + 1 : s + n;
	}
	if (p)
		p->n_targets = count;
	return 0;
}

int hh_purge_urls_check(const char *urls, char *why, size_t cap)
{
	return parse_urls(urls, NULL, why, cap);
}

/* ============================================================== sending */

/* Waits for fd to be ready for events; 0, or -1 on timeout or error. */
static int wait_fd(int fd, short events)
{
	struct pollfd pfd = {.fd = fd, .events = events};
	int n;
	do
		n = poll(&pfd, 1, IO_TIMEOUT_MS);
	while (n < 0 && errno == EINTR);
	return n == 1 ? 0 : -1;
}

/* Connects to one resolved address within the timeout; the socket, or -1. */
static int connect_one(const struct addrinfo *ai)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
	if (fd < 0)
		return -1;
	int err = 0;
	socklen_t len = sizeof(err);
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 &&
	    (errno != EINPROGRESS || wait_fd(fd, POLLOUT) < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 ||
	     err != 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Resolves (here, on the purge thread: a slow DNS server stalls only purges) and connects. */
static int connect_target(const struct target *t)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
	if (getaddrinfo(t->host, t->port, &hints, &res) != 0)
		return -1;
	int fd = -1;
	for (struct addrinfo *ai = res; ai != NULL && fd < 0; ai = ai->ai_next)
		fd = connect_one(ai);
	freeaddrinfo(res);
	return fd;
}

static int send_all(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		if (wait_fd(fd, POLLOUT) < 0)
			return -1;
		ssize_t w = send(fd, buf, n, MSG_NOSIGNAL);
		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads the status line's code; the status, or -1. */
static int read_status(int fd)
{
	char buf[64];
	size_t got = 0;
	while (got < sizeof(buf) - 1 && memchr(buf, '\n', got) == NULL) {
		if (wait_fd(fd, POLLIN) < 0)
			return -1;
		ssize_t r = recv(fd, buf + got, sizeof(buf) - 1 - got, 0);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	buf[got] = '\0';
	long long status = 0;
	char code[4];
	if (got < 12 || strncmp(buf, "HTTP/1.", 7) != 0)
		return -1;
	snprintf(code, sizeof(code), "%.3s", buf + 9);
	return hh_parse_int(code, 100, 599, &status) == 0 ? (int)status : -1;
}

/* One attempt: PURGE with the keys; the HTTP status, or -1 when the cache could not be reached. */
static int send_purge(const struct target *t, const char *keys)
{
	int fd = connect_target(t);
	if (fd < 0)
		return -1;
	char *req = xasprintf("PURGE %s HTTP/1.1\r\nHost: %s\r\n" HH_PURGE_HEADER ": %s\r\n"
			      "Content-Length: 0\r\nConnection: close\r\nUser-Agent: healthhub\r\n\r\n",
			      t->path, t->host, keys);
	int status = send_all(fd, req, strlen(req)) == 0 ? read_status(fd) : -1;
	free(req);
	close(fd);
	return status;
}

/* ============================================================== the queue */

static uint64_t backoff_ns(int attempts)
{
	uint64_t ms = BACKOFF_FIRST_MS;
	for (int i = 1; i < attempts && ms < BACKOFF_MAX_MS; i++)
		ms *= 2;
	return (ms < BACKOFF_MAX_MS ? ms : BACKOFF_MAX_MS) * 1000000ull;
}

/* Takes the job due first, waiting for it; NULL when stopping. Called with the lock held. */
static struct job *take_due(struct target *t)
{
	for (;;) {
		if (t->stopping)
			return NULL;
		struct job **best = NULL;
		for (struct job **j = &t->head; *j != NULL; j = &(*j)->next)
			if (best == NULL || (*j)->due_ns < (*best)->due_ns)
				best = j;
		uint64_t now = hh_now_ns();
		if (best != NULL && (*best)->due_ns <= now) {
			struct job *job = *best;
			*best = job->next;
			return job;
		}
		if (best == NULL) {
			pthread_cond_wait(&t->wake, &t->lock);
			continue;
		}
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		uint64_t wait = (*best)->due_ns - now;
		ts.tv_sec += (time_t)(wait / 1000000000ull);
		ts.tv_nsec += (long)(wait % 1000000000ull);
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&t->wake, &t->lock, &ts);
	}
}

/* Puts job back in t's queue, due after delay_ns. */
static void requeue(struct target *t, struct job *job, uint64_t delay_ns)
{
	job->due_ns = hh_now_ns() + delay_ns;
	pthread_mutex_lock(&t->lock);
	job->next = t->head;
	t->head = job;
	pthread_mutex_unlock(&t->lock);
}

/*
 * After an attempt: done (freed) or back in the queue, with its backoff
 * after a failure, or once more after REPEAT_MS after the first success:
 * a cache may be fetching from an instance still on the old version while
 * that instance swaps and purges; the old answer then lands in the cache
 * just after the purge that was meant to remove it. The repeat removes it.
 */
static void settle(struct target *t, struct job *job, int status)
{
	char code[16];
	snprintf(code, sizeof(code), "%d", status);
	if (status >= 200 && status < 300) {
		hh_metrics_purge(HH_PURGE_OK);
		hh_info(job->repeated ? "purged again" : "purged", "host", t->host, "path", t->path, "keys", job->keys);
		if (job->repeated)
			goto done;
		job->repeated = 1;
		requeue(t, job, REPEAT_MS * 1000000ull);
		return;
	}
	hh_metrics_purge(HH_PURGE_ERROR);
	job->attempts++;
	if (job->attempts >= MAX_ATTEMPTS) {
		hh_metrics_purge(HH_PURGE_ABANDONED);
		hh_error("purge abandoned after every retry", "host", t->host, "path", t->path, "#status", code, "keys",
			 job->keys);
		goto done;
	}
	hh_warn("purge failed; will retry", "host", t->host, "path", t->path, "#status", code);
	requeue(t, job, backoff_ns(job->attempts));
	return;
done:
	pthread_mutex_lock(&t->lock);
	t->queued--;
	pthread_mutex_unlock(&t->lock);
	free(job->keys);
	free(job);
}

static void *purge_main(void *arg)
{
	struct target *t = arg;
	for (;;) {
		pthread_mutex_lock(&t->lock);
		struct job *job = take_due(t);
		pthread_mutex_unlock(&t->lock);
		if (job == NULL)
			return NULL;
		settle(t, job, send_purge(t, job->keys));
	}
}

/* Starts t's thread; 0 or -1. */
static int target_start(struct target *t, size_t queue_limit)
{
	t->queue_limit = queue_limit;
	pthread_mutex_init(&t->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&t->wake, &ca);
	pthread_condattr_destroy(&ca);
	t->started = pthread_create(&t->thread, NULL, purge_main, t) == 0;
	return t->started ? 0 : -1;
}

/* Stops t's thread and frees what it had not sent; returns how many batches that was. */
static size_t target_stop(struct target *t)
{
	size_t left = 0;
	if (t->started) {
		pthread_mutex_lock(&t->lock);
		t->stopping = 1;
		pthread_cond_broadcast(&t->wake);
		pthread_mutex_unlock(&t->lock);
		pthread_join(t->thread, NULL);
	}
	for (struct job *j = t->head, *next; j != NULL; j = next, left++) {
		next = j->next;
		free(j->keys);
		free(j);
	}
	pthread_cond_destroy(&t->wake);
	pthread_mutex_destroy(&t->lock);
	return left;
}

struct hh_purge *hh_purge_start(const char *urls, size_t queue_limit)
{
	char why[256];
	if (urls == NULL || urls[0] == '\0')
		return NULL;
	struct hh_purge *p = xcalloc(1, sizeof(*p));
	if (parse_urls(urls, p, why, sizeof(why)) < 0 || p->n_targets == 0) {
		hh_error("bad --purge-url", "error", why);
		free(p);
		return NULL;
	}
	for (size_t i = 0; i < p->n_targets; i++) {
		if (target_start(&p->targets[i], queue_limit) < 0) {
			p->n_targets = i + 1;
			hh_purge_stop(p);
			return NULL;
		}
	}
	return p;
}

void hh_purge_stop(struct hh_purge *p)
{
	if (p == NULL)
		return;
	size_t left = 0;
	for (size_t i = 0; i < p->n_targets; i++)
		left += target_stop(&p->targets[i]);
	if (left > 0) {
		char n[24];
		snprintf(n, sizeof(n), "%zu", left);
		hh_warn("purges not sent at shutdown", "#batches", n);
	}
	free(p);
}

size_t hh_purge_pending(struct hh_purge *p)
{
	size_t n = 0;
	for (size_t i = 0; p != NULL && i < p->n_targets; i++) {
		pthread_mutex_lock(&p->targets[i].lock);
		n += p->targets[i].queued;
		pthread_mutex_unlock(&p->targets[i].lock);
	}
	return n;
}

/* Queues one batch (keys: n bytes) for every URL; a full queue drops and counts. */
static void enqueue_batch(struct hh_purge *p, const char *keys, size_t n)
{
	for (size_t i = 0; i < p->n_targets; i++) {
		struct target *t = &p->targets[i];
		pthread_mutex_lock(&t->lock);
		if (t->queued >= t->queue_limit) {
			pthread_mutex_unlock(&t->lock);
			hh_metrics_purge(HH_PURGE_DROPPED);
			hh_warn("purge queue full: batch dropped", "host", t->host);
			continue;
		}
		struct job *job = xcalloc(1, sizeof(*job));
		job->keys = xstrndup(keys, n);
		job->due_ns = hh_now_ns();
		job->next = t->head;
		t->head = job;
		t->queued++;
		pthread_cond_signal(&t->wake);
		pthread_mutex_unlock(&t->lock);
	}
}

void hh_purge_keys(struct hh_purge *p, const char *keys)
{
	if (p == NULL)
		return;
	/* batches end at a space, so no key is cut in two */
	for (const char *s = keys; *s;) {
		size_t n = strlen(s);
		if (n > HH_PURGE_BATCH) {
			n = HH_PURGE_BATCH;
			while (n > 0 && s[n] != ' ')
				n--;
			if (n == 0)
				n = strcspn(s, " ");
		}
		enqueue_batch(p, s, n);
		s += n;
		while (*s == ' ')
			s++;
	}
}

/* =============================================================== the diff */

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

char *hh_purge_diff(const struct hh_snapshot *old, const struct hh_snapshot *new)
{
	struct keyset ks = {.seen = hh_map_new(64 + new->n_resources)};
	diff_one_way(new, old, &ks);
	diff_one_way(old, new, &ks);
	diff_articles(old, new, &ks);
	diff_i18n(old, new, &ks);
	if (ks.n > 0)
		keyset_add_first(&ks, "triage");
	size_t len = 1;
	for (size_t i = 0; i < ks.n; i++)
		len += strlen(ks.v[i]) + 1;
	char *out = xmalloc(len);
	size_t at = 0;
	for (size_t i = 0; i < ks.n; i++) {
		int w = snprintf(out + at, len - at, "%s%s", at ? " " : "", ks.v[i]);
		at += w > 0 ? (size_t)w : 0;
		free(ks.v[i]);
	}
	out[at] = '\0';
	free(ks.v);
	hh_map_free(ks.seen);
	return out;
}
