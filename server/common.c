/* common.c - aborting allocators, clocks, strict number parsing and bit masks as names. */
#define _GNU_SOURCE /* mremap */
#include "healthhub/common.h"

#include <errno.h>
#include <sys/mman.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "healthhub/strbuf.h"

static void oom(size_t n)
{
	fprintf(stderr, "healthhub: out of memory allocating %zu bytes\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		oom(n);
	return p;
}

void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (p == NULL)
		oom(count * size);
	return p;
}

void *xrealloc(void *old, size_t n)
{
	void *p = realloc(old, n ? n : 1);
	if (p == NULL)
		oom(n);
	return p;
}

void *hh_scratch_alloc(size_t bytes)
{
	if (bytes < HH_SCRATCH_MAP_MIN)
		return xcalloc(1, bytes);
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		oom(bytes);
	return p; /* zeroed */
}

void *hh_scratch_resize(void *p, size_t old_bytes, size_t new_bytes)
{
	if (p == NULL)
		return hh_scratch_alloc(new_bytes);
	if (old_bytes >= HH_SCRATCH_MAP_MIN && new_bytes >= HH_SCRATCH_MAP_MIN) {
		void *q = mremap(p, old_bytes, new_bytes, MREMAP_MAYMOVE);
		if (q == MAP_FAILED)
			oom(new_bytes);
		return q;
	}
	if (old_bytes < HH_SCRATCH_MAP_MIN && new_bytes < HH_SCRATCH_MAP_MIN)
		return xrealloc(p, new_bytes);
	void *q = hh_scratch_alloc(new_bytes); /* across the line: copy over */
	memcpy(q, p, old_bytes < new_bytes ? old_bytes : new_bytes);
	hh_scratch_free(p, old_bytes);
	return q;
}

void hh_scratch_free(void *p, size_t bytes)
{
	if (p == NULL)
		return;
	if (bytes < HH_SCRATCH_MAP_MIN)
		free(p);
	else
		munmap(p, bytes);
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	char *p = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

uint64_t hh_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int64_t hh_wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int hh_parse_int(const char *s, long long min, long long max, long long *out)
{
	if (s == NULL || *s == '\0')
		return -1;
	/* strtoll accepts leading blanks and '+'; the contract does not. */
	if (!(*s == '-' || (*s >= '0' && *s <= '9')))
		return -1;
	char *end = NULL;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0')
		return -1;
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

size_t hh_bits_names(unsigned bits, int count, const char *(*name)(unsigned bit), const char **out)
{
	size_t n = 0;
	for (int i = 0; i < count; i++)
		if (bits & (1u << i))
			out[n++] = name(1u << i);
	return n;
}

int hh_bits_join(unsigned bits, int count, const char *(*name)(unsigned bit), const char *open, const char *sep,
		 const char *close, char *buf, size_t cap)
{
	const char *names[32];
	size_t n = hh_bits_names(bits, count < 32 ? count : 32, name, names);
	if (cap == 0)
		return -1;
	struct hh_strbuf b;
	hh_strbuf_wrap(&b, buf, cap, 0);
	hh_strbuf_puts(&b, open);
	for (size_t i = 0; i < n; i++)
		hh_strbuf_appendf(&b, "%s%s", i > 0 ? sep : "", names[i]);
	hh_strbuf_puts(&b, close);
	return b.failed ? -1 : 0;
}

void *hh_grow(void *v, size_t n, size_t size)
{
	if (n != 0 && (n & (n - 1)) != 0)
		return v;
	return xrealloc(v, (n != 0 ? 2 * n : 1) * size);
}

size_t hh_utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t hh_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	size_t len = (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3 : (s[0] & 0xF8) == 0xF0 ? 4 : 0;
	if (len == 0 || len > n)
		return 0;
	uint32_t c = s[0] & (0x7F >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	*cp = c;
	return len;
}
