/* strbuf.c - the one buffer type for building strings, and the one JSON string escaper (see strbuf.h). */
#include "healthhub/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hh_strbuf_init(struct hh_strbuf *b, size_t hint)
{
	*b = (struct hh_strbuf){.cap = hint > 0 ? hint : 64, .limit = (size_t)-1 / 4};
	b->s = xmalloc(b->cap);
	b->s[0] = '\0';
}

void hh_strbuf_wrap(struct hh_strbuf *b, char *buf, size_t cap, size_t len)
{
	*b = (struct hh_strbuf){.s = buf, .len = len < cap ? len : cap - 1, .cap = cap, .limit = cap - 1, .fixed = 1};
	b->s[b->len] = '\0';
}

void hh_strbuf_free(struct hh_strbuf *b)
{
	if (!b->fixed)
		free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

char *hh_strbuf_steal(struct hh_strbuf *b, size_t *len)
{
	char *s = b->s;
	if (len != NULL)
		*len = b->len;
	*b = (struct hh_strbuf){0};
	return s;
}

/* Grows a growing buffer's array to hold len + n bytes and the NUL (the limit was checked). */
static void grow(struct hh_strbuf *b, size_t n)
{
	size_t cap = b->cap * 2;
	while (cap < b->len + n + 1)
		cap *= 2;
	b->s = xrealloc(b->s, cap);
	b->cap = cap;
}

/*
 * Room for n more bytes of text (and the NUL): 0, or -1 when the text
 * would pass the limit (then `failed` is set). A refused append changes
 * nothing else, so a fixed buffer's text is never cut. Inline: it is on
 * every append of every log line.
 */
static inline int reserve(struct hh_strbuf *b, size_t n)
{
	if (b->failed || n > b->limit - b->len) {
		b->failed = 1;
		return -1;
	}
	if (b->len + n + 1 > b->cap)
		grow(b, n);
	return 0;
}

int hh_strbuf_append_grow(struct hh_strbuf *b, const char *s, size_t n)
{
	if (reserve(b, n) < 0)
		return -1;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

static int vappendf(struct hh_strbuf *b, const char *fmt, va_list ap) HH_PRINTF(2, 0);
static int vappendf(struct hh_strbuf *b, const char *fmt, va_list ap)
{
	if (b->failed)
		return -1;
	va_list again;
	va_copy(again, ap);
	size_t room = b->cap - b->len;
	int n = vsnprintf(b->s + b->len, room, fmt, ap);
	int rc = 0;
	if (n >= 0 && (size_t)n < room && (size_t)n <= b->limit - b->len) {
		b->len += (size_t)n; /* it fitted the first time */
	} else if (n >= 0 && reserve(b, (size_t)n) == 0) {
		vsnprintf(b->s + b->len, (size_t)n + 1, fmt, again);
		b->len += (size_t)n;
	} else {
		b->failed = 1;
		b->s[b->len] = '\0'; /* vsnprintf wrote what fitted: take it back */
		rc = -1;
	}
	va_end(again);
	return rc;
}

int hh_strbuf_appendf(struct hh_strbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = vappendf(b, fmt, ap);
	va_end(ap);
	return rc;
}

/* ------------------------------------------------------------ JSON strings */

/* What jansson writes for a byte that a JSON string cannot hold as it is: a short escape, or 'u' for \u00XX. */
static const char escape_of[256] = {
	[0x00 ... 0x07] = 'u', ['\b'] = 'b', ['\t'] = 't',          ['\n'] = 'n', [0x0b] = 'u',
	['\f'] = 'f',          ['\r'] = 'r', [0x0e ... 0x1f] = 'u', ['"'] = '"',  ['\\'] = '\\',
};

/*
 * Writes s escaped at out, at most room bytes, stopping before the first
 * byte whose escape would not fit: returns how many bytes of s went in, and
 * in *written how many bytes that wrote. Plain bytes are copied a run at a
 * time (NUL ends a run: it is a control), which is most of any text.
 */
static size_t escape_into(char *out, size_t room, const char *s, size_t *written)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0;
	for (;;) {
		const unsigned char *run = p;
		while (escape_of[*p] == 0)
			p++;
		size_t n = (size_t)(p - run);
		if (n > room - o) {
			n = room - o;
			p = run + n;
		}
		memcpy(out + o, run, n);
		o += n;
		if (*p == '\0' || o == room)
			break;
		int u = escape_of[*p] == 'u';
		if ((u ? 6u : 2u) > room - o)
			break;
		out[o] = '\\';
		out[o + 1] = escape_of[*p];
		if (u) {
			memcpy(out + o + 2, "00", 2);
			out[o + 4] = hex[*p >> 4];
			out[o + 5] = hex[*p & 15];
		}
		o += u ? 6 : 2;
		p++;
	}
	*written = o;
	return (size_t)((const char *)p - s);
}

/*
 * Appends "s", cut to what fits when cut is set (else whole or nothing),
 * keep bytes left free: 0 whole, 1 cut, -1 refused.
 */
static int put_json(struct hh_strbuf *b, const char *s, size_t keep, int cut)
{
	/* a growing buffer makes room for the worst case (every byte a \u00XX); a fixed one has what it has */
	if (!b->fixed && reserve(b, 6 * strlen(s) + 2 + keep) < 0)
		return -1;
	size_t room = b->limit - b->len < b->cap - 1 - b->len ? b->limit - b->len : b->cap - 1 - b->len;
	if (b->failed || room < keep + 2) {
		b->failed = 1;
		return -1;
	}
	char *out = b->s + b->len;
	size_t written = 0, used = escape_into(out + 1, room - keep - 2, s, &written);
	int whole = s[used] == '\0';
	if (!whole && !cut) {
		b->failed = 1;
		b->s[b->len] = '\0'; /* take back what was written */
		return -1;
	}
	/* never end inside a UTF-8 sequence: back off to the byte that starts the character (never escaped) */
	while (!whole && used > 0 && ((unsigned char)s[used] & 0xC0) == 0x80) {
		used--;
		written--;
	}
	out[0] = '"';
	out[written + 1] = '"';
	b->len += written + 2;
	b->s[b->len] = '\0';
	return !whole;
}

int hh_strbuf_append_json_str(struct hh_strbuf *b, const char *s)
{
	if (s == NULL)
		return hh_strbuf_append(b, "null", 4);
	return put_json(b, s, 0, 0);
}

int hh_strbuf_append_json_cut(struct hh_strbuf *b, const char *s, size_t keep)
{
	return put_json(b, s, keep, 1);
}

void hh_strbuf_truncate(struct hh_strbuf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->s[len] = '\0';
	}
	b->failed = 0;
}
