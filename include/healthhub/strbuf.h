/*
 * strbuf.h - the one buffer type for building strings.
 *
 * Two kinds, one set of appends:
 * - growing (hh_strbuf_init): heap text that doubles as needed; growth
 *   aborts on out-of-memory like every x*alloc, so an append never fails;
 * - fixed (hh_strbuf_wrap): the caller's array; an append that would not
 *   fit is refused whole (the text is left as it was, never cut) and the
 *   refusal is remembered in `failed`, so a series of appends is checked
 *   once at the end (curl's dynbuf, lwan's strbuf).
 *
 * The text is NUL-terminated after every append. The one exception to
 * "never cut" is hh_strbuf_append_json_cut, for outputs bounded by design
 * (a log line), which says so in its name.
 *
 * Appends return 0 or -1 but are not HH_MUSTCHECK on purpose: a growing
 * buffer cannot fail, and a fixed one is checked once through `failed`.
 */
#ifndef HEALTHHUB_STRBUF_H
#define HEALTHHUB_STRBUF_H

#include <stddef.h>
#include <string.h>

#include "healthhub/common.h"

struct hh_strbuf {
	char *s;      /* the text, NUL-terminated (owned when growing, borrowed when fixed) */
	size_t len;   /* bytes of text before the NUL */
	size_t cap;   /* bytes at s */
	size_t limit; /* the text never holds more bytes than this (fixed: cap - 1) */
	int fixed;    /* s is the caller's array: never reallocated nor freed */
	int failed;   /* an append was refused; stays set until hh_strbuf_truncate */
};

/* A growing buffer with room for hint bytes to start with; empty text. */
void hh_strbuf_init(struct hh_strbuf *b, size_t hint);

/*
 * A fixed buffer over the caller's array buf of cap bytes (cap >= 1), whose
 * first len bytes are text already (0: empty; the array need not hold a NUL).
 */
void hh_strbuf_wrap(struct hh_strbuf *b, char *buf, size_t cap, size_t len);

/* Frees a growing buffer's text (nothing for a fixed one); b may be reused after hh_strbuf_init. */
void hh_strbuf_free(struct hh_strbuf *b);

/* A growing buffer's text as new malloc'd memory owned by the caller (its length in *len when not NULL). */
char *hh_strbuf_steal(struct hh_strbuf *b, size_t *len);

/* hh_strbuf_append when the array is full or the buffer failed: grows, or refuses. */
int hh_strbuf_append_grow(struct hh_strbuf *b, const char *s, size_t n);

/* Appends n bytes of s. Inline: usually one comparison and a copy (a log line makes a dozen). */
static inline int hh_strbuf_append(struct hh_strbuf *b, const char *s, size_t n)
{
	if (b->failed || n >= b->cap - b->len || n > b->limit - b->len)
		return hh_strbuf_append_grow(b, s, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

/* Appends the string s. */
static inline int hh_strbuf_puts(struct hh_strbuf *b, const char *s)
{
	return hh_strbuf_append(b, s, strlen(s));
}
/* Appends printf output. */
int hh_strbuf_appendf(struct hh_strbuf *b, const char *fmt, ...) HH_PRINTF(2, 3);

/*
 * Appends s as a JSON string, quotes included, escaped byte for byte as
 * jansson's json_dumps escapes it: '"' and '\\', \b \f \n \r \t, other
 * controls as \u00XX; UTF-8 kept as it is. NULL appends null. The one JSON
 * string escaper of the tree.
 */
int hh_strbuf_append_json_str(struct hh_strbuf *b, const char *s);

/*
 * For an output bounded by design: appends s as a JSON string like
 * hh_strbuf_append_json_str, but cut at a character boundary so that keep
 * bytes stay free below the limit. 0 when s went in whole, 1 when it was
 * cut, -1 (refused, `failed` set) when not even the quotes fit.
 */
int hh_strbuf_append_json_cut(struct hh_strbuf *b, const char *s, size_t keep);

/* Drops the text back to its first len bytes (len <= b->len) and clears `failed`: undoes a piece that did not fit. */
void hh_strbuf_truncate(struct hh_strbuf *b, size_t len);

#endif
