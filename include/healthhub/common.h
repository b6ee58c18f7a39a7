/*
 * common.h - conventions every module shares.
 *
 * Return codes: 0 is success, a negative value is an error (functions that
 * can fail are marked HH_MUSTCHECK so the compiler refuses ignored results).
 * Our own allocations go through x*alloc, which abort on out-of-memory:
 * a half-built snapshot is worse than a crash the supervisor restarts.
 */
#ifndef HEALTHHUB_COMMON_H
#define HEALTHHUB_COMMON_H

#include <stddef.h>
#include <stdint.h>

#define HH_MUSTCHECK __attribute__((warn_unused_result))
#define HH_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define HH_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Aborting allocators. Results are new memory owned by the caller. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/*
 * Room for element n of an array that grows one element at a time from
 * NULL: reallocated to double its size when n is 0 or a power of two, so n
 * appends cost O(n) copying, not O(n^2). Only for arrays grown this way.
 */
void *hh_grow(void *v, size_t n, size_t size);
/*
 * Memory given back whole at a reload (a build's phrase tables, a search
 * build's term cache, a content arena's big blocks): from HH_SCRATCH_MAP_MIN
 * bytes up it is mapped on its own, so freeing it gives it back to the
 * system. A malloc'd block that size would, once freed, raise glibc's mmap
 * threshold, and later blocks of up to its size would then stay resident in
 * the heap: RSS climbing reload after reload. hh_scratch_alloc's memory is
 * zeroed; hh_scratch_resize keeps the first old bytes; both need the size
 * they were given back (hh_scratch_free).
 */
#define HH_SCRATCH_MAP_MIN ((size_t)64 << 10)
void *hh_scratch_alloc(size_t bytes);
void *hh_scratch_resize(void *p, size_t old_bytes, size_t new_bytes);
void hh_scratch_free(void *p, size_t bytes);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) HH_PRINTF(1, 2);

/* Monotonic clock in nanoseconds / wall clock in milliseconds. */
uint64_t hh_now_ns(void);
int64_t hh_wall_ms(void);

/* Writes code point cp as 1-4 bytes of UTF-8 at out (room for 4); returns how many. */
size_t hh_utf8_encode(uint32_t cp, char *out);

/*
 * Reads the code point that starts s[0, n) (n > 0) into *cp: its length in
 * bytes (1-4), or 0 when s does not start a well-formed sequence (a lead
 * byte without its continuation bytes, or a stray continuation byte).
 */
size_t hh_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* Strict integer parse of a whole string in [min, max]; 0 or -1. */
int hh_parse_int(const char *s, long long min, long long max, long long *out) HH_MUSTCHECK;

/*
 * Bit masks as names: the one place positions, regions and methods become
 * name lists. name(1u << i) names bit i, for i < count; unknown bits are
 * skipped. hh_bits_names writes borrowed names to out (capacity count), in
 * bit (canonical) order, and returns how many. hh_bits_join writes them to
 * buf joined by sep, between open and close (e.g. "{", ",", "}" for a
 * PostgreSQL array literal); 0, or -1 when buf is too small.
 */
size_t hh_bits_names(unsigned bits, int count, const char *(*name)(unsigned bit), const char **out);
int hh_bits_join(unsigned bits, int count, const char *(*name)(unsigned bit), const char *open, const char *sep,
		 const char *close, char *buf, size_t cap) HH_MUSTCHECK;

#endif
