/*
 * logbuf.h - the bounded byte ring that carries log lines from the threads
 * that format them to the one thread that writes them.
 *
 * Pure: no locks, no threads, no I/O (log.c adds the lock and the writer),
 * so ordering, wrap-around and dropping are unit-tested without timing.
 * A line goes in whole or not at all: the reader never sees half a line,
 * and a full ring refuses the line and counts it instead of waiting.
 */
#ifndef HEALTHHUB_LOGBUF_H
#define HEALTHHUB_LOGBUF_H

#include <stdint.h>
#include <sys/uio.h>

#include "healthhub/common.h"

struct hh_logbuf {
	char *data;        /* owned, cap bytes */
	size_t cap;        /* capacity in bytes */
	uint64_t head;     /* bytes ever put; the next line goes at head % cap */
	uint64_t tail;     /* bytes ever consumed; head - tail are pending */
	uint64_t dropped;  /* lines refused (full) or lost (sink error), since init */
	uint64_t reported; /* of dropped, how many a warning has announced */
};

/* An empty ring of cap bytes (> 0); 0. Aborts on out-of-memory like xmalloc. */
int hh_logbuf_init(struct hh_logbuf *b, size_t cap) HH_MUSTCHECK;
void hh_logbuf_free(struct hh_logbuf *b);

/* Bytes waiting to be written. */
size_t hh_logbuf_used(const struct hh_logbuf *b);

/*
 * Copies line (len bytes, borrowed; one or more whole lines) in after the
 * pending bytes. 0, or -1 when it does not fit: nothing is copied and the
 * line is counted in dropped.
 */
int hh_logbuf_put(struct hh_logbuf *b, const char *line, size_t len) HH_MUSTCHECK;

/*
 * The oldest pending bytes to write next: the longest run of whole lines of
 * at most max bytes, or max bytes of the first line when that line alone is
 * longer. Fills iov (pointing into the ring, valid until consumed; two
 * entries when the run wraps around) and *iovcnt; returns the byte count,
 * 0 when nothing is pending.
 */
size_t hh_logbuf_chunk(const struct hh_logbuf *b, size_t max, struct iovec iov[2], int *iovcnt);

/* Marks n bytes (at most hh_logbuf_used()) as written. */
void hh_logbuf_consume(struct hh_logbuf *b, size_t n);

/* Marks n bytes as lost (the sink refused them): consumed, and their lines counted in dropped. */
void hh_logbuf_discard(struct hh_logbuf *b, size_t n);

/*
 * Once the ring has drained (the sink kept up again), the number of lines
 * dropped since the last announcement, now counted as announced; 0 while
 * bytes are still pending or nothing was dropped. The caller logs it.
 */
uint64_t hh_logbuf_take_dropped(struct hh_logbuf *b);

#endif
