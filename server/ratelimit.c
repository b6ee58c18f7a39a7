/*
 * ratelimit.c - token buckets in a fixed, lock-striped table.
 */
#include "healthhub/ratelimit.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_MAX 64
#define STRIPES HH_RATELIMIT_STRIPES

struct slot {
	char key[KEY_MAX];
	double tokens;
	uint64_t at_ns;
};

struct hh_ratelimit {
	double rate, burst;
	unsigned nslots;
	struct slot *slots;
	pthread_mutex_t locks[STRIPES];
};

struct hh_ratelimit *hh_ratelimit_new(double rate, long burst, unsigned slots)
{
	if (rate <= 0 || slots == 0 || slots % STRIPES != 0)
		return NULL;
	struct hh_ratelimit *r = xcalloc(1, sizeof(*r));
	r->rate = rate;
	r->burst = burst > 0 ? (double)burst : 1.0;
	r->nslots = slots;
	r->slots = xcalloc(r->nslots, sizeof(*r->slots));
	for (int i = 0; i < STRIPES; i++)
		pthread_mutex_init(&r->locks[i], NULL);
	return r;
}

void hh_ratelimit_free(struct hh_ratelimit *r)
{
	if (r == NULL)
		return;
	for (int i = 0; i < STRIPES; i++)
		pthread_mutex_destroy(&r->locks[i]);
	free(r->slots);
	free(r);
}

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

long hh_ratelimit_take(struct hh_ratelimit *r, const char *client, uint64_t now_ns)
{
	uint32_t i = hash(client) % r->nslots;
	struct slot *s = &r->slots[i];
	pthread_mutex_t *lock = &r->locks[i % STRIPES]; /* the slot's stripe: one slot, one lock */
	long wait = 0;
	pthread_mutex_lock(lock);
	if (strncmp(s->key, client, KEY_MAX - 1) != 0) {
		snprintf(s->key, sizeof(s->key), "%s", client);
		s->tokens = r->burst;
		s->at_ns = now_ns;
	}
	double elapsed = now_ns > s->at_ns ? (double)(now_ns - s->at_ns) / 1e9 : 0.0;
	s->tokens += elapsed * r->rate;
	if (s->tokens > r->burst)
		s->tokens = r->burst;
	s->at_ns = now_ns;
	if (s->tokens >= 1.0) {
		s->tokens -= 1.0;
	} else {
		double secs = (1.0 - s->tokens) / r->rate;
		wait = (long)secs + 1;
	}
	pthread_mutex_unlock(lock);
	return wait;
}

/* Is addr (length n) one of the comma-separated entries of list? */
static int listed(const char *list, const char *addr, size_t n)
{
	for (const char *p = list; p && *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		size_t len = strcspn(p, ", ");
		if (len == n && len > 0 && strncmp(p, addr, n) == 0)
			return 1;
		p += len;
	}
	return 0;
}

void hh_client_address(const char *peer, const char *xff, const char *trusted, char *out, size_t cap)
{
	snprintf(out, cap, "%s", peer);
	if (trusted == NULL || trusted[0] == '\0' || xff == NULL || !listed(trusted, peer, strlen(peer)))
		return;
	/* walk X-Forwarded-For from the right: the nearest hop the proxies did not add */
	size_t end = strlen(xff);
	while (end > 0) {
		size_t start = end;
		while (start > 0 && xff[start - 1] != ',')
			start--;
		size_t a = start, b = end;
		while (a < b && xff[a] == ' ')
			a++;
		while (b > a && xff[b - 1] == ' ')
			b--;
		if (b > a && !listed(trusted, xff + a, b - a)) {
			snprintf(out, cap, "%.*s", (int)(b - a), xff + a);
			return;
		}
		end = start > 0 ? start - 1 : 0;
	}
}
