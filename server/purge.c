/*
 * purge.c - purge by surrogate key on content change (see purge.h).
 */
#include "healthhub/purge.h"

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

#include "healthhub/log.h"
#include "healthhub/metrics.h"

#define MAX_URLS 16
#define MAX_ATTEMPTS 8
#define BACKOFF_FIRST_MS 250
#define BACKOFF_MAX_MS 30000
#define IO_TIMEOUT_MS 2000 /* connect, send and receive, each */

struct target {
	char host[256];
	char port[8];
	char path[512];
	const char *url; /* borrowed: for logs */
};

/* One batch of keys for one URL. */
struct job {
	struct job *next;
	size_t target;
	char *keys;
	int attempts;
	uint64_t due_ns;
};

struct hh_purge {
	struct target targets[MAX_URLS];
	size_t n_targets;
	size_t queue_limit, queued;
	struct job *head;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int stopping;
	pthread_t thread;
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
			t->url = urls;
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
static struct job *take_due(struct hh_purge *p)
{
	for (;;) {
		if (p->stopping)
			return NULL;
		struct job **best = NULL;
		for (struct job **j = &p->head; *j != NULL; j = &(*j)->next)
			if (best == NULL || (*j)->due_ns < (*best)->due_ns)
				best = j;
		uint64_t now = hh_now_ns();
		if (best != NULL && (*best)->due_ns <= now) {
			struct job *job = *best;
			*best = job->next;
			return job;
		}
		if (best == NULL) {
			pthread_cond_wait(&p->wake, &p->lock);
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
		pthread_cond_timedwait(&p->wake, &p->lock, &ts);
	}
}

/* After an attempt: done (freed) or back in the queue with its backoff. */
static void settle(struct hh_purge *p, struct job *job, int status)
{
	const struct target *t = &p->targets[job->target];
	char code[16];
	snprintf(code, sizeof(code), "%d", status);
	if (status >= 200 && status < 300) {
		hh_metrics_purge(HH_PURGE_OK);
		hh_info("purged", "host", t->host, "path", t->path, "keys", job->keys);
		goto done;
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
	job->due_ns = hh_now_ns() + backoff_ns(job->attempts);
	pthread_mutex_lock(&p->lock);
	job->next = p->head;
	p->head = job;
	pthread_mutex_unlock(&p->lock);
	return;
done:
	pthread_mutex_lock(&p->lock);
	p->queued--;
	pthread_mutex_unlock(&p->lock);
	free(job->keys);
	free(job);
}

static void *purge_main(void *arg)
{
	struct hh_purge *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->lock);
		struct job *job = take_due(p);
		pthread_mutex_unlock(&p->lock);
		if (job == NULL)
			return NULL;
		settle(p, job, send_purge(&p->targets[job->target], job->keys));
	}
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
	p->queue_limit = queue_limit;
	pthread_mutex_init(&p->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->wake, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&p->thread, NULL, purge_main, p) != 0) {
		pthread_cond_destroy(&p->wake);
		pthread_mutex_destroy(&p->lock);
		free(p);
		return NULL;
	}
	return p;
}

void hh_purge_stop(struct hh_purge *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = 1;
	pthread_cond_broadcast(&p->wake);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	size_t left = 0;
	for (struct job *j = p->head, *next; j != NULL; j = next, left++) {
		next = j->next;
		free(j->keys);
		free(j);
	}
	if (left > 0) {
		char n[24];
		snprintf(n, sizeof(n), "%zu", left);
		hh_warn("purges not sent at shutdown", "#batches", n);
	}
	pthread_cond_destroy(&p->wake);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

size_t hh_purge_pending(struct hh_purge *p)
{
	if (p == NULL)
		return 0;
	pthread_mutex_lock(&p->lock);
	size_t n = p->queued;
	pthread_mutex_unlock(&p->lock);
	return n;
}

/* Queues one batch (keys: n bytes) for every URL; a full queue drops and counts. */
static void enqueue_batch(struct hh_purge *p, const char *keys, size_t n)
{
	pthread_mutex_lock(&p->lock);
	for (size_t t = 0; t < p->n_targets; t++) {
		if (p->queued >= p->queue_limit) {
			hh_metrics_purge(HH_PURGE_DROPPED);
			continue;
		}
		struct job *job = xcalloc(1, sizeof(*job));
		job->target = t;
		job->keys = xstrndup(keys, n);
		job->due_ns = hh_now_ns();
		job->next = p->head;
		p->head = job;
		p->queued++;
	}
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->lock);
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
};

static void keyset_add_first(struct keyset *ks, const char *surrogate)
{
	if (surrogate == NULL || surrogate[0] == '\0')
		return;
	size_t n = strcspn(surrogate, " ");
	for (size_t i = 0; i < ks->n; i++)
		if (strlen(ks->v[i]) == n && strncmp(ks->v[i], surrogate, n) == 0)
			return;
	if (ks->n == ks->cap) {
		ks->cap = ks->cap ? ks->cap * 2 : 16;
		ks->v = xrealloc(ks->v, ks->cap * sizeof(*ks->v));
	}
	ks->v[ks->n++] = xstrndup(surrogate, n);
}

/* Adds the own key of each answer of a that b lacks or holds with other bytes. */
static void diff_one_way(const struct hh_snapshot *a, const struct hh_snapshot *b, struct keyset *ks)
{
	for (size_t i = 0; i < a->n_resources; i++) {
		const struct hh_resource *ra = a->all[i];
		const struct hh_resource *rb = ra->key ? hh_snapshot_get(b, ra->key) : NULL;
		if (rb == NULL || strcmp(ra->rend.etag, rb->rend.etag) != 0)
			keyset_add_first(ks, ra->surrogate);
	}
}

char *hh_purge_diff(const struct hh_snapshot *old, const struct hh_snapshot *new)
{
	struct keyset ks = {0};
	diff_one_way(new, old, &ks);
	diff_one_way(old, new, &ks);
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
	return out;
}
