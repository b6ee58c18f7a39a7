/*
 * test_log.c - the log ring (order, wrap-around, full -> drop and count,
 * chunks of whole lines, the drop announcement) and, through a pipe nobody
 * reads, the writer: callers never wait, lines are never cut or mixed, and
 * the warning with the count comes once the pipe is read again.
 */
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <jansson.h>

#include "healthhub/log.h"
#include "healthhub/logbuf.h"

/* The chunk's bytes as one string (static buffer). */
static const char *chunk_text(const struct hh_logbuf *b, size_t max)
{
	static char out[256];
	struct iovec iov[2];
	int n = 0;
	size_t len = hh_logbuf_chunk(b, max, iov, &n);
	size_t o = 0;
	for (int i = 0; i < n && o + iov[i].iov_len < sizeof(out); i++) {
		memcpy(out + o, iov[i].iov_base, iov[i].iov_len);
		o += iov[i].iov_len;
	}
	out[o] = '\0';
	CHECK(o == len);
	return out;
}

static int put(struct hh_logbuf *b, const char *line)
{
	return hh_logbuf_put(b, line, strlen(line));
}

static void order_and_chunks(void)
{
	struct hh_logbuf b;
	CHECK(hh_logbuf_init(&b, 0) < 0);
	CHECK(hh_logbuf_init(&b, 64) == 0);
	CHECK_STR(chunk_text(&b, 100), "");
	CHECK(put(&b, "one\n") == 0);
	CHECK(put(&b, "two\n") == 0);
	CHECK(put(&b, "three\n") == 0);
	CHECK(hh_logbuf_used(&b) == 14);
	CHECK_STR(chunk_text(&b, 100), "one\ntwo\nthree\n");
	/* a limit cuts after the last whole line that fits, never inside one */
	CHECK_STR(chunk_text(&b, 10), "one\ntwo\n");
	CHECK_STR(chunk_text(&b, 7), "one\n");
	/* a first line longer than the limit goes in pieces: nothing else can */
	CHECK_STR(chunk_text(&b, 2), "on");
	hh_logbuf_consume(&b, 2);
	CHECK_STR(chunk_text(&b, 100), "e\ntwo\nthree\n");
	hh_logbuf_consume(&b, 1000); /* more than pending: only what is there */
	CHECK(hh_logbuf_used(&b) == 0);
	CHECK(b.dropped == 0);
	hh_logbuf_free(&b);
}

static void wrap_around(void)
{
	struct hh_logbuf b;
	CHECK(hh_logbuf_init(&b, 16) == 0);
	CHECK(put(&b, "aaaaaaaaa\n") == 0); /* 10 bytes at 0..9 */
	hh_logbuf_consume(&b, 10);
	CHECK(put(&b, "bbbbbbbbb\n") == 0); /* 10..15, then 0..3 */
	CHECK(put(&b, "cc\n") == 0);
	struct iovec iov[2];
	int n = 0;
	CHECK(hh_logbuf_chunk(&b, 100, iov, &n) == 13);
	CHECK(n == 2 && iov[0].iov_len == 6 && iov[1].iov_len == 7);
	CHECK_STR(chunk_text(&b, 100), "bbbbbbbbb\ncc\n");
	CHECK_STR(chunk_text(&b, 12), "bbbbbbbbb\n"); /* the limit counts across the wrap */
	hh_logbuf_consume(&b, 10);
	CHECK_STR(chunk_text(&b, 100), "cc\n");
	hh_logbuf_free(&b);
}

static void full_drops_and_counts(void)
{
	struct hh_logbuf b;
	CHECK(hh_logbuf_init(&b, 16) == 0);
	CHECK(put(&b, "0123456\n") == 0);
	CHECK(put(&b, "abcdef\n") == 0); /* 15 of 16 used */
	CHECK(put(&b, "xy\n") < 0);      /* does not fit: refused whole, not cut */
	CHECK(put(&b, "z\n") < 0);
	CHECK(b.dropped == 2);
	CHECK_STR(chunk_text(&b, 100), "0123456\nabcdef\n");
	CHECK(hh_logbuf_take_dropped(&b) == 0); /* not yet: the sink has not caught up */
	CHECK(put(&b, "\n") == 0);              /* what fits still goes in */
	hh_logbuf_consume(&b, 8);
	CHECK(hh_logbuf_take_dropped(&b) == 0);
	hh_logbuf_consume(&b, 8);
	CHECK(hh_logbuf_take_dropped(&b) == 2); /* drained: announce once */
	CHECK(hh_logbuf_take_dropped(&b) == 0);
	/* a sink error loses whole lines: counted like the refused ones */
	CHECK(put(&b, "l1\nl2\n") == 0);
	hh_logbuf_discard(&b, 6);
	CHECK(b.dropped == 4);
	CHECK(hh_logbuf_take_dropped(&b) == 2);
	hh_logbuf_free(&b);
}

/* ------------------------------------------------------------ the writer */

#define PRODUCERS 2
#define LINES_EACH 20000

static atomic_ullong slowest_ns;

static void *producer(void *arg)
{
	char id[8];
	snprintf(id, sizeof(id), "%d", (int)(intptr_t)arg);
	for (int i = 0; i < LINES_EACH; i++) {
		char seq[16];
		snprintf(seq, sizeof(seq), "%d", i);
		uint64_t t0 = hh_now_ns();
		hh_log_write(HH_LOG_INFO, "request", "#producer", id, "#seq", seq, "path",
			     "/v1/articles/upper-middle-back-muscle-soreness", NULL);
		uint64_t dt = hh_now_ns() - t0;
		unsigned long long old = atomic_load(&slowest_ns);
		while (dt > old && !atomic_compare_exchange_weak(&slowest_ns, &old, dt))
			;
	}
	return NULL;
}

struct seen {
	long lines, bad, warnings, out_of_order;
	unsigned long long announced;
	long next_seq[PRODUCERS];
	char partial[16384];
	size_t plen;
};

/* Checks one line: whole JSON, and each producer's lines in the order logged. */
static void see_line(struct seen *s, const char *line, size_t len)
{
	json_t *j = json_loadb(line, len, 0, NULL);
	s->lines++;
	if (j == NULL) {
		s->bad++;
		return;
	}
	const char *msg = json_string_value(json_object_get(j, "msg"));
	if (msg != NULL && strcmp(msg, "log lines dropped") == 0) {
		s->warnings++;
		s->announced += (unsigned long long)json_integer_value(json_object_get(j, "dropped"));
	} else if (msg != NULL && strcmp(msg, "request") == 0) {
		long p = (long)json_integer_value(json_object_get(j, "producer"));
		long q = (long)json_integer_value(json_object_get(j, "seq"));
		if (p >= 0 && p < PRODUCERS) {
			s->out_of_order += q < s->next_seq[p];
			s->next_seq[p] = q + 1;
		}
	}
	json_decref(j);
}

/* Reads what the pipe holds for up to ms; splits it into lines. */
static void drain(int fd, struct seen *s, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	while (poll(&p, 1, ms) > 0) {
		ssize_t n = read(fd, s->partial + s->plen, sizeof(s->partial) - s->plen);
		if (n <= 0)
			return;
		s->plen += (size_t)n;
		char *start = s->partial, *nl;
		while ((nl = memchr(start, '\n', s->plen - (size_t)(start - s->partial))) != NULL) {
			see_line(s, start, (size_t)(nl - start));
			start = nl + 1;
		}
		s->plen -= (size_t)(start - s->partial);
		memmove(s->partial, start, s->plen);
	}
}

static void stalled_pipe(void)
{
	int fds[2];
	CHECK(pipe(fds) == 0);
	CHECK(fcntl(fds[0], F_SETFL, O_NONBLOCK) == 0);
	uint64_t before = hh_log_dropped();
	CHECK(hh_log_start_fd(fds[1], 16384) == 0);
	CHECK(hh_log_start_fd(fds[1], 16384) < 0); /* one writer at a time */
	pthread_t t[PRODUCERS];
	for (intptr_t i = 0; i < PRODUCERS; i++)
		CHECK(pthread_create(&t[i], NULL, producer, (void *)i) == 0);
	for (int i = 0; i < PRODUCERS; i++)
		pthread_join(t[i], NULL);
	uint64_t dropped = hh_log_dropped() - before;
	/* 40,000 lines of ~150 bytes do not fit in a 64 KiB pipe and a 16 KiB ring */
	CHECK(dropped > 0);
	/* nobody read the pipe, yet no caller waited for it (a blocked write would take forever) */
	CHECK(atomic_load(&slowest_ns) < 500000000ull);
	struct seen s = {0};
	for (int i = 0; i < 50 && s.announced < dropped; i++)
		drain(fds[0], &s, 100);
	hh_log_stop();
	drain(fds[0], &s, 10);
	CHECK(s.bad == 0);          /* never cut, never mixed */
	CHECK(s.out_of_order == 0); /* each thread's lines in the order it logged them */
	/* one warning per recovery: at least the one after the pipe was read, each
	 * dropped line announced exactly once */
	CHECK(s.warnings >= 1);
	CHECK(s.announced == dropped);
	CHECK(s.lines + (long)dropped == PRODUCERS * LINES_EACH + s.warnings);
	fprintf(stderr, "stalled pipe: %ld lines read, %llu dropped, slowest call %.3f ms\n", s.lines,
		(unsigned long long)dropped, (double)atomic_load(&slowest_ns) / 1e6);
	/* after stop, lines are written synchronously to the same sink; escaping and raw values hold */
	hh_info("after \"stop\"", "text", "a\"b\\c\n\x01", "#n", "42", "none", NULL, "#raw_null", NULL);
	char line[512];
	ssize_t n = read(fds[0], line, sizeof(line) - 1);
	CHECK(n > 0 && line[n - 1] == '\n');
	json_t *j = n > 0 ? json_loadb(line, (size_t)n, 0, NULL) : NULL;
	CHECK(j != NULL);
	CHECK_STR(json_string_value(json_object_get(j, "msg")), "after \"stop\"");
	CHECK_STR(json_string_value(json_object_get(j, "level")), "info");
	CHECK_STR(json_string_value(json_object_get(j, "text")), "a\"b\\c\n\x01");
	CHECK(json_integer_value(json_object_get(j, "n")) == 42);
	CHECK(json_is_null(json_object_get(j, "none")) && json_is_null(json_object_get(j, "raw_null")));
	const char *ts = json_string_value(json_object_get(j, "ts"));
	CHECK(ts != NULL && strlen(ts) == 24 && ts[10] == 'T' && ts[19] == '.' && ts[23] == 'Z');
	json_decref(j);
	/* a line is bounded (4 KiB): a long value is cut at a character boundary, the
	 * fields after it are left out, and the line is still one whole JSON object */
	char big[6001];
	for (size_t i = 0; i + 1 < sizeof(big); i += 2)
		memcpy(big + i, "\xc3\xa9", 2);
	big[sizeof(big) - 1] = '\0';
	hh_info("long", "text", big, "#after", "1");
	char longline[8192];
	n = read(fds[0], longline, sizeof(longline));
	CHECK(n > 0 && n < 4096 && longline[n - 1] == '\n');
	j = n > 0 ? json_loadb(longline, (size_t)n, 0, NULL) : NULL;
	CHECK(j != NULL);
	const char *text = json_string_value(json_object_get(j, "text"));
	CHECK(text != NULL && strlen(text) > 3000 && strncmp(text, big, strlen(text)) == 0);
	CHECK(json_object_get(j, "after") == NULL);
	json_decref(j);
	close(fds[0]);
	close(fds[1]);
}

int main(void)
{
	order_and_chunks();
	wrap_around();
	full_drops_and_counts();
	stalled_pipe();
	return check_done();
}
