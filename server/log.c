/*
 * log.c - JSON-lines logging that never makes the caller wait for the sink.
 *
 * A line is formatted on the calling thread and copied, whole, into one
 * bounded ring (logbuf.c) under a mutex held only for that copy; one writer
 * thread takes the lines out and writes them to the sink (stderr). When the
 * sink stalls (a log shipper that stopped reading a pipe), the ring fills and
 * further lines are dropped and counted: a request thread never blocks on a
 * write, and the count is in /metrics. When the sink takes lines again and
 * the ring has drained, the writer logs one warning with the number lost.
 *
 * Why one locked ring rather than one per thread: the lock is held for a
 * memcpy of a few hundred bytes, so two to four request threads almost never
 * meet on it (bench/run measures the cost against the access log off), and
 * one ring keeps lines in the order they were logged without a merge step.
 * Before hh_log_start and after hh_log_stop, lines are written synchronously.
 */
#include "healthhub/log.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "healthhub/logbuf.h"
#include "healthhub/strbuf.h"

enum hh_log_level hh_log_threshold = HH_LOG_INFO;

static const char *const names[] = {"debug", "info", "warn", "error"};

int hh_log_level_parse(const char *name)
{
	for (int i = 0; i < 4; i++)
		if (name != NULL && strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

void hh_log_set_level(enum hh_log_level l)
{
	hh_log_threshold = l;
}

/* ============================================================ formatting */

/*
 * "YYYY-MM-DDTHH:MM:SS.mmmZ" (24 bytes, no NUL) into out. The part up to
 * the second is formatted once a second per thread: gmtime_r and snprintf
 * were a third of an access line's cost.
 */
static void timestamp(char out[24])
{
	static _Thread_local time_t cached_sec = (time_t)-1;
	static _Thread_local char cached[64]; /* 19 used; room for any int, to please -Wformat-truncation */
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (ts.tv_sec != cached_sec) {
		struct tm tm;
		gmtime_r(&ts.tv_sec, &tm);
		snprintf(cached, sizeof(cached), "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
			 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		cached_sec = ts.tv_sec;
	}
	long ms = ts.tv_nsec / 1000000;
	memcpy(out, cached, 19);
	out[19] = '.';
	out[20] = (char)('0' + ms / 100);
	out[21] = (char)('0' + ms / 10 % 10);
	out[22] = (char)('0' + ms % 10);
	out[23] = 'Z';
}

/*
 * A line is bounded (a few KiB on the caller's stack) by design: the
 * message and string values are cut to fit, a field that still does not fit
 * is left out with the ones after it, and the closing "}\n" always fits,
 * because the fields are written LINE_END_LEN short of the line's end.
 */
#define LINE_END "}\n"
#define LINE_END_LEN 2

/* {"ts":"...","level":"...","msg":"..." into the line array (cap >= 128), its fields' buffer. */
static void line_open(struct hh_strbuf *b, char *line, size_t cap, enum hh_log_level level, const char *msg)
{
	char ts[24];
	timestamp(ts);
	hh_strbuf_wrap(b, line, cap - LINE_END_LEN, 0);
	hh_strbuf_append(b, "{\"ts\":\"", 7);
	hh_strbuf_append(b, ts, sizeof(ts));
	hh_strbuf_append(b, "\",\"level\":\"", 11);
	hh_strbuf_puts(b, names[level & 3]);
	hh_strbuf_append(b, "\",\"msg\":", 8);
	(void)hh_strbuf_append_json_cut(b, msg, 0);
}

/* Closes the object and the line in the whole array; returns the line's length (below cap). */
static size_t line_close(struct hh_strbuf *b, char *line, size_t cap)
{
	hh_strbuf_wrap(b, line, cap, b->len);
	hh_strbuf_append(b, LINE_END, LINE_END_LEN);
	return b->len;
}

/* One "key":value field; a field that does not fit is taken back whole, and 0 says stop. */
static int line_field(struct hh_strbuf *b, const char *key, const char *value)
{
	int raw = key[0] == '#';
	size_t mark = b->len;
	hh_strbuf_append(b, ",", 1);
	hh_strbuf_append_json_str(b, raw ? key + 1 : key);
	hh_strbuf_append(b, ":", 1);
	if (raw || value == NULL)
		hh_strbuf_puts(b, value ? value : "null"); /* a number or null: whole or not at all */
	else
		(void)hh_strbuf_append_json_cut(b, value, 0);
	if (!b->failed)
		return 1;
	hh_strbuf_truncate(b, mark);
	return 0;
}

/* One whole line into line (cap bytes) from msg and hh_log_write's key/value pairs; returns its length. */
static size_t format_pairs(char *line, size_t cap, enum hh_log_level level, const char *msg, va_list ap)
{
	struct hh_strbuf b;
	line_open(&b, line, cap, level, msg);
	const char *key;
	while ((key = va_arg(ap, const char *)) != NULL) {
		const char *value = va_arg(ap, const char *);
		if (!line_field(&b, key, value))
			break;
	}
	return line_close(&b, line, cap);
}

static size_t format_line(char *line, size_t cap, enum hh_log_level level, const char *msg, ...)
{
	va_list ap;
	va_start(ap, msg);
	size_t len = format_pairs(line, cap, level, msg, ap);
	va_end(ap);
	return len;
}

/* ============================================================ the sink */

#define RING_BYTES (1u << 20)       /* ~4,000 access lines: 60 ms at 70k req/s */
#define BATCH_NS 10000000ull        /* an idle writer lets lines gather this long */
#define POLL_MS 100                 /* a stalled sink is retried this often */
#define STOP_NS 2000000000ull       /* hh_log_stop waits this long for a stalled sink */
#define CHUNK_UNPOLLED (256u << 10) /* one write to a file or socket, at most */

enum sink_kind {
	SINK_FILE,   /* regular file, /dev/null: a write does not wait for a reader */
	SINK_SOCKET, /* journald's stream socket: send(MSG_DONTWAIT) */
	SINK_POLLED, /* pipe, FIFO, terminal: poll, then at most PIPE_BUF bytes */
};

/*
 * The writer's state; lock guards every field but thread and kind, which
 * only change while no writer runs. The ring's pending bytes are read by the
 * writer without the lock: producers only ever write past head.
 */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;   /* producers -> writer: lines are waiting */
	pthread_cond_t exited; /* writer -> hh_log_stop: done is set */
	pthread_t thread;
	struct hh_logbuf buf; /* live while accepting or the writer runs */
	int fd;               /* the sink (borrowed) */
	enum sink_kind kind;
	int accepting; /* lines go to the ring (else written synchronously) */
	int idle;      /* the writer sleeps until signalled */
	int stopping;  /* hh_log_stop asked the writer to drain and exit */
	int done;      /* the writer has exited its loop */
	int stuck;     /* a writer that never exited still holds buf: no restart */
	int clock_set; /* wake and exited wait on the monotonic clock */
	uint64_t stop_deadline_ns;
	uint64_t dropped_before; /* lines dropped by earlier writers: the counter never goes back */
} w = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.wake = PTHREAD_COND_INITIALIZER,
	.exited = PTHREAD_COND_INITIALIZER,
	.fd = STDERR_FILENO,
};

/* Synchronous: only before the writer starts or after it stops, when blocking is allowed. */
static void write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

/* The monotonic clock ns from now, for pthread_cond_timedwait on our conditions. */
static struct timespec monotonic_in(uint64_t ns)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	uint64_t t = (uint64_t)ts.tv_nsec + ns;
	ts.tv_sec += (time_t)(t / 1000000000ull);
	ts.tv_nsec = (long)(t % 1000000000ull);
	return ts;
}

/* Hands a whole line to the writer, or drops it when the ring is full; never waits for the sink. */
static void emit(const char *line, size_t len)
{
	pthread_mutex_lock(&w.lock);
	if (!w.accepting) {
		pthread_mutex_unlock(&w.lock);
		write_all(w.fd, line, len);
		return;
	}
	size_t quarter = w.buf.cap / 4;
	size_t before = hh_logbuf_used(&w.buf);
	int put = hh_logbuf_put(&w.buf, line, len);
	/* Wake the writer from idle, or early from its batching wait once a quarter is used;
	 * otherwise no signal, so a busy server makes no futex call per line. */
	if (put == 0 && (w.idle || (before < quarter && before + len >= quarter))) {
		w.idle = 0;
		pthread_cond_signal(&w.wake);
	}
	pthread_mutex_unlock(&w.lock);
}

void hh_log_write(enum hh_log_level level, const char *msg, ...)
{
	char line[4096];
	va_list ap;
	va_start(ap, msg);
	size_t len = format_pairs(line, sizeof(line), level, msg, ap);
	va_end(ap);
	emit(line, len);
}

void hh_log_json(enum hh_log_level level, const char *msg, json_t *fields)
{
	if (level < hh_log_threshold)
		return;
	char line[8192];
	struct hh_strbuf b;
	line_open(&b, line, sizeof(line), level, msg);
	char *rest = fields ? json_dumps(fields, JSON_COMPACT) : NULL;
	/* splice the object's members after msg: drop its braces (all of them, or none when they do not fit) */
	if (rest != NULL && strlen(rest) > 2) {
		size_t mark = b.len;
		hh_strbuf_append(&b, ",", 1);
		hh_strbuf_append(&b, rest + 1, strlen(rest) - 2);
		if (b.failed)
			hh_strbuf_truncate(&b, mark);
	}
	free(rest);
	emit(line, line_close(&b, line, sizeof(line)));
}

/* ============================================================ the writer */

/* 1 when the sink can take bytes now (or has failed: the write says how), 0 after POLL_MS. */
static int wait_writable(void)
{
	struct pollfd p = {.fd = w.fd, .events = POLLOUT};
	return poll(&p, 1, POLL_MS) > 0;
}

/*
 * Writes what iov holds (a chunk of whole lines) without waiting more than
 * POLL_MS: bytes written, 0 when the sink took nothing (stalled), -1 when it
 * failed.
 */
static ssize_t sink_write(struct iovec *iov, int n)
{
	ssize_t r;
	if (w.kind == SINK_SOCKET) {
		struct msghdr m = {.msg_iov = iov, .msg_iovlen = (size_t)n};
		r = sendmsg(w.fd, &m, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			(void)wait_writable();
			return 0;
		}
	} else {
		/* A pipe that polls writable has a free page, so PIPE_BUF bytes go in without blocking. */
		if (w.kind == SINK_POLLED && !wait_writable())
			return 0;
		r = writev(w.fd, iov, n);
	}
	return r < 0 && errno == EINTR ? 0 : r;
}

/*
 * With the lock held: 0 when there are lines to write (after letting a
 * batch gather if the writer was idle), -1 when it is time to exit.
 */
static int wait_for_lines(void)
{
	int slept = 0;
	while (!w.stopping && hh_logbuf_used(&w.buf) == 0) {
		w.idle = 1;
		pthread_cond_wait(&w.wake, &w.lock);
		slept = 1;
	}
	w.idle = 0;
	if (w.stopping)
		return hh_logbuf_used(&w.buf) > 0 && hh_now_ns() < w.stop_deadline_ns ? 0 : -1;
	/* One write for many lines: a busy server costs a write per batch, not per line. */
	struct timespec until = monotonic_in(BATCH_NS);
	while (slept && !w.stopping && hh_logbuf_used(&w.buf) < w.buf.cap / 4)
		if (pthread_cond_timedwait(&w.wake, &w.lock, &until) != 0)
			break;
	return 0;
}

/* With the lock held, once the ring has drained after drops: the one warning saying how many. */
static void announce_drops(void)
{
	uint64_t n = hh_logbuf_take_dropped(&w.buf);
	if (n == 0 || HH_LOG_WARN < hh_log_threshold)
		return;
	char count[24], line[256];
	snprintf(count, sizeof(count), "%llu", (unsigned long long)n);
	size_t len = format_line(line, sizeof(line), HH_LOG_WARN, "log lines dropped", "#dropped", count, NULL);
	if (hh_logbuf_put(&w.buf, line, len) < 0)
		w.buf.reported -= n; /* a ring smaller than the warning: announce them next time */
}

static void *writer_main(void *arg)
{
	(void)arg;
	size_t max = w.kind == SINK_POLLED ? PIPE_BUF : CHUNK_UNPOLLED;
	pthread_mutex_lock(&w.lock);
	while (wait_for_lines() == 0) {
		struct iovec iov[2];
		int n = 0;
		size_t len = hh_logbuf_chunk(&w.buf, max, iov, &n);
		pthread_mutex_unlock(&w.lock);
		ssize_t r = sink_write(iov, n);
		pthread_mutex_lock(&w.lock);
		if (r < 0) {
			hh_logbuf_discard(&w.buf, len); /* EPIPE, EIO...: these lines are lost */
		} else if (r > 0) {
			hh_logbuf_consume(&w.buf, (size_t)r);
			announce_drops();
		}
	}
	hh_logbuf_discard(&w.buf, hh_logbuf_used(&w.buf)); /* stopped on a stalled sink */
	w.done = 1;
	pthread_cond_broadcast(&w.exited);
	pthread_mutex_unlock(&w.lock);
	return NULL;
}

/* ============================================================ start, stop */

static enum sink_kind sink_kind_of(int fd)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return SINK_POLLED;
	if (S_ISREG(st.st_mode) || (S_ISCHR(st.st_mode) && !isatty(fd)))
		return SINK_FILE;
	return S_ISSOCK(st.st_mode) ? SINK_SOCKET : SINK_POLLED;
}

/* Starts the writer with every signal blocked, so SIGTERM still reaches the thread that waits for it. */
static int start_thread(void)
{
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(&w.thread, NULL, writer_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc == 0 ? 0 : -1;
}

/*
 * Timed waits on the monotonic clock, so a wall clock stepped back cannot
 * stretch the writer's batching wait. Done once, while no thread waits.
 */
static void use_monotonic_clock(void)
{
	if (w.clock_set)
		return;
	pthread_condattr_t a;
	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(&w.wake, &a);
	pthread_cond_init(&w.exited, &a);
	pthread_condattr_destroy(&a);
	w.clock_set = 1;
}

int hh_log_start_fd(int fd, size_t ring_bytes)
{
	int rc = -1;
	pthread_mutex_lock(&w.lock);
	use_monotonic_clock();
	if (w.accepting || w.stuck || hh_logbuf_init(&w.buf, ring_bytes) < 0)
		goto out;
	w.fd = fd;
	w.kind = sink_kind_of(fd);
	w.idle = w.stopping = w.done = 0;
	if (start_thread() < 0) {
		hh_logbuf_free(&w.buf);
		goto out;
	}
	w.accepting = 1;
	rc = 0;
out:
	pthread_mutex_unlock(&w.lock);
	return rc;
}

int hh_log_start(void)
{
	return hh_log_start_fd(STDERR_FILENO, RING_BYTES);
}

void hh_log_stop(void)
{
	pthread_mutex_lock(&w.lock);
	if (!w.accepting) {
		pthread_mutex_unlock(&w.lock);
		return;
	}
	w.accepting = 0;
	w.stopping = 1;
	w.stop_deadline_ns = hh_now_ns() + STOP_NS;
	pthread_cond_signal(&w.wake);
	/* The writer gives up at the deadline unless a write blocks (a foreign writer
	 * filled the pipe between poll and write); then it is left to exit(). */
	struct timespec until = monotonic_in(STOP_NS + STOP_NS / 4);
	while (!w.done)
		if (pthread_cond_timedwait(&w.exited, &w.lock, &until) != 0)
			break;
	int done = w.done;
	w.stuck = !done;
	if (!done)
		w.dropped_before += w.buf.dropped; /* its ring stays with it: never freed */
	pthread_mutex_unlock(&w.lock);
	if (!done) {
		pthread_detach(w.thread);
		return;
	}
	pthread_join(w.thread, NULL);
	pthread_mutex_lock(&w.lock);
	w.dropped_before += w.buf.dropped;
	hh_logbuf_free(&w.buf);
	pthread_mutex_unlock(&w.lock);
}

uint64_t hh_log_dropped(void)
{
	pthread_mutex_lock(&w.lock);
	uint64_t n = w.dropped_before + (w.buf.data != NULL && !w.stuck ? w.buf.dropped : 0);
	pthread_mutex_unlock(&w.lock);
	return n;
}
