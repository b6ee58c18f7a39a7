/*
 * logbuf.c - a byte ring of whole log lines. Positions grow without bound
 * (64 bits never wrap in practice) and are reduced modulo cap on access, so
 * "full" and "empty" need no extra flag.
 */
#include "healthhub/logbuf.h"

#include <stdlib.h>
#include <string.h>

int hh_logbuf_init(struct hh_logbuf *b, size_t cap)
{
	if (cap == 0)
		return -1;
	memset(b, 0, sizeof(*b));
	b->data = xmalloc(cap);
	b->cap = cap;
	return 0;
}

void hh_logbuf_free(struct hh_logbuf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

size_t hh_logbuf_used(const struct hh_logbuf *b)
{
	return (size_t)(b->head - b->tail);
}

int hh_logbuf_put(struct hh_logbuf *b, const char *line, size_t len)
{
	if (len > b->cap - hh_logbuf_used(b)) {
		b->dropped++;
		return -1;
	}
	size_t at = (size_t)(b->head % b->cap);
	size_t first = b->cap - at < len ? b->cap - at : len;
	memcpy(b->data + at, line, first);
	memcpy(b->data, line + first, len - first);
	b->head += len;
	return 0;
}

/* The byte at offset i after the tail. */
static char at(const struct hh_logbuf *b, size_t i)
{
	return b->data[(b->tail + i) % b->cap];
}

size_t hh_logbuf_chunk(const struct hh_logbuf *b, size_t max, struct iovec iov[2], int *iovcnt)
{
	size_t used = hh_logbuf_used(b);
	size_t len = used;
	if (len > max) {
		/* Cut after the last newline that fits, so a chunk never ends inside a line. */
		len = max;
		while (len > 0 && at(b, len - 1) != '\n')
			len--;
		if (len == 0)
			len = max; /* one line longer than max: it has to go in pieces */
	}
	size_t start = (size_t)(b->tail % b->cap);
	size_t first = b->cap - start < len ? b->cap - start : len;
	iov[0].iov_base = b->data + start;
	iov[0].iov_len = first;
	iov[1].iov_base = b->data;
	iov[1].iov_len = len - first;
	*iovcnt = len == 0 ? 0 : len > first ? 2 : 1;
	return len;
}

void hh_logbuf_consume(struct hh_logbuf *b, size_t n)
{
	size_t used = hh_logbuf_used(b);
	b->tail += n < used ? n : used;
}

void hh_logbuf_discard(struct hh_logbuf *b, size_t n)
{
	size_t used = hh_logbuf_used(b);
	if (n > used)
		n = used;
	for (size_t i = 0; i < n; i++)
		b->dropped += at(b, i) == '\n';
	b->tail += n;
}

uint64_t hh_logbuf_take_dropped(struct hh_logbuf *b)
{
	if (hh_logbuf_used(b) != 0 || b->dropped == b->reported)
		return 0;
	uint64_t n = b->dropped - b->reported;
	b->reported = b->dropped;
	return n;
}
