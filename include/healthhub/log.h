/*
 * log.h - level-gated, structured (one JSON object per line) logging to stderr.
 *
 * The macros test the level before any argument is formatted, so a debug
 * line costs one comparison when debug is off. Each line carries "ts",
 * "level" and "msg", then the caller's fields.
 *
 * Between hh_log_start and hh_log_stop, a line is formatted on the calling
 * thread and queued for one writer thread: logging never waits for stderr's
 * reader. When the queue is full the line is dropped and counted
 * (hh_log_dropped); once stderr takes lines again the writer logs one
 * warning, {"msg":"log lines dropped","dropped":N}. Outside that window
 * lines are written synchronously.
 */
#ifndef HEALTHHUB_LOG_H
#define HEALTHHUB_LOG_H

#include <jansson.h>

#include "healthhub/common.h"

enum hh_log_level {
	HH_LOG_DEBUG = 0,
	HH_LOG_INFO = 1,
	HH_LOG_WARN = 2,
	HH_LOG_ERROR = 3,
};

extern enum hh_log_level hh_log_threshold;

/* Returns the level for a name, or -1. */
int hh_log_level_parse(const char *name);
void hh_log_set_level(enum hh_log_level l);

/*
 * Writes one line: msg plus key/value pairs given as alternating const char *
 * arguments ending with NULL. A key starting with '#' marks a value that is
 * already a JSON number (e.g. "#port", "8080"); other values are strings and
 * are escaped.
 */
void hh_log_write(enum hh_log_level level, const char *msg, ...) __attribute__((sentinel));
/* Writes one line: msg plus every member of fields (borrowed). */
void hh_log_json(enum hh_log_level level, const char *msg, json_t *fields);

#define hh_log(level, ...)                                        \
	do {                                                      \
		if ((level) >= hh_log_threshold)                  \
			hh_log_write((level), __VA_ARGS__, NULL); \
	} while (0)
#define hh_debug(...) hh_log(HH_LOG_DEBUG, __VA_ARGS__)
#define hh_info(...) hh_log(HH_LOG_INFO, __VA_ARGS__)
#define hh_warn(...) hh_log(HH_LOG_WARN, __VA_ARGS__)
#define hh_error(...) hh_log(HH_LOG_ERROR, __VA_ARGS__)

/*
 * Starts the writer on stderr with a 1 MiB queue. 0, or -1 (lines stay
 * synchronous). main calls it once, before the config dump and before any
 * other thread starts; the writer blocks every signal.
 */
int hh_log_start(void) HH_MUSTCHECK;
/* The same on fd (borrowed: stays open, not closed by stop) with a queue of ring_bytes. */
int hh_log_start_fd(int fd, size_t ring_bytes) HH_MUSTCHECK;
/*
 * Writes what is queued and joins the writer; waits at most about 2 s for a
 * stalled sink, then counts what is left as dropped. Later lines are written
 * synchronously. Nothing happens when no writer runs.
 */
void hh_log_stop(void);
/* Lines dropped since the process started (for /metrics). */
uint64_t hh_log_dropped(void);

#endif
