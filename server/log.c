/*
 * log.c - JSON-lines logging. One fwrite per line under the stdio lock, so
 * lines from different threads never interleave.
 */
#include "healthhub/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

size_t hh_json_escape(char *buf, size_t cap, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && o + 7 < cap; p++) {
		unsigned char c = *p;
		if (c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			/* control characters, including those a log injection would use */
			memcpy(buf + o, "\\u00", 4);
			buf[o + 4] = hex[c >> 4];
			buf[o + 5] = hex[c & 15];
			o += 6;
		} else {
			buf[o++] = (char)c;
		}
	}
	buf[o] = '\0';
	return o;
}

static size_t prefix(char *line, size_t cap, enum hh_log_level level, const char *msg)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	int n = snprintf(line, cap, "{\"ts\":\"%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ\",\"level\":\"%s\",\"msg\":\"",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			 ts.tv_nsec / 1000000, names[level & 3]);
	size_t o = (size_t)n;
	o += hh_json_escape(line + o, cap - o, msg);
	line[o++] = '"';
	return o;
}

static void emit(char *line, size_t o, size_t cap)
{
	if (o + 3 > cap)
		o = cap - 3;
	line[o++] = '}';
	line[o++] = '\n';
	fwrite(line, 1, o, stderr);
}

void hh_log_write(enum hh_log_level level, const char *msg, ...)
{
	char line[4096];
	size_t cap = sizeof(line);
	size_t o = prefix(line, cap, level, msg);
	va_list ap;
	va_start(ap, msg);
	const char *key;
	while ((key = va_arg(ap, const char *)) != NULL) {
		const char *value = va_arg(ap, const char *);
		int raw = key[0] == '#';
		if (o + 16 >= cap)
			break;
		line[o++] = ',';
		line[o++] = '"';
		o += hh_json_escape(line + o, cap - o, raw ? key + 1 : key);
		line[o++] = '"';
		line[o++] = ':';
		if (raw) {
			int n = snprintf(line + o, cap - o, "%s", value ? value : "null");
			o = o + (size_t)n < cap - 4 ? o + (size_t)n : cap - 4;
		} else if (value == NULL) {
			o += (size_t)snprintf(line + o, cap - o, "null");
		} else {
			line[o++] = '"';
			o += hh_json_escape(line + o, cap - o - 4, value);
			line[o++] = '"';
		}
	}
	va_end(ap);
	emit(line, o, cap);
}

void hh_log_json(enum hh_log_level level, const char *msg, json_t *fields)
{
	if (level < hh_log_threshold)
		return;
	char line[8192];
	size_t cap = sizeof(line);
	size_t o = prefix(line, cap, level, msg);
	char *rest = fields ? json_dumps(fields, JSON_COMPACT) : NULL;
	/* splice the object's members after msg: drop its braces */
	if (rest != NULL && strlen(rest) > 2) {
		size_t n = strlen(rest) - 2;
		if (o + n + 4 < cap) {
			line[o++] = ',';
			memcpy(line + o, rest + 1, n);
			o += n;
		}
	}
	free(rest);
	emit(line, o, cap);
}
