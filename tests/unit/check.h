/*
 * check.h - the smallest unit-test harness that says what failed and where.
 * CHECK records a failure and goes on; main returns check_done().
 */
#ifndef HEALTHHUB_CHECK_H
#define HEALTHHUB_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;
static int check_count;

#define CHECK(cond)                                                                              \
	do {                                                                                     \
		check_count++;                                                                   \
		if (!(cond)) {                                                                   \
			check_failures++;                                                        \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                                \
	} while (0)

#define CHECK_STR(a, b)                                                                          \
	do {                                                                                     \
		const char *check_a_ = (a), *check_b_ = (b);                                     \
		check_count++;                                                                   \
		if (check_a_ == NULL || check_b_ == NULL || strcmp(check_a_, check_b_) != 0) {   \
			check_failures++;                                                        \
			fprintf(stderr, "%s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__,         \
				check_a_ ? check_a_ : "(null)", check_b_ ? check_b_ : "(null)"); \
		}                                                                                \
	} while (0)

/*
 * How many random rounds a property test runs: all of them in the optimised
 * build, which checks the properties; a fifth under AddressSanitizer, whose
 * pass checks memory and runs several times slower (20,000 interviews took
 * over the 300 s limit there).
 */
#if defined(__SANITIZE_ADDRESS__)
#define CHECK_ROUNDS(n) ((n) / 5)
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CHECK_ROUNDS(n) ((n) / 5)
#endif
#endif
#ifndef CHECK_ROUNDS
#define CHECK_ROUNDS(n) (n)
#endif

static inline int check_done(void)
{
	printf("%d checks, %d failed\n", check_count, check_failures);
	return check_failures ? 1 : 0;
}

#endif
