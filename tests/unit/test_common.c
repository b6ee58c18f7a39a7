/*
 * test_common.c - a build's scratch (common.c): zeroed when given, its bytes
 * kept as it grows from the heap into a mapping of its own and on through
 * mremap, and given back whichever side of HH_SCRATCH_MAP_MIN it ends on.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "healthhub/common.h"

static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

static int pattern_kept(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (unsigned char)(i * 7 + 3))
			return 0;
	return 1;
}

static void scratch(void)
{
	size_t small = 1024, big = HH_SCRATCH_MAP_MIN * 2, bigger = HH_SCRATCH_MAP_MIN * 16;
	unsigned char *p = hh_scratch_alloc(small);
	CHECK(all_zero(p, small));
	for (size_t i = 0; i < small; i++)
		p[i] = (unsigned char)(i * 7 + 3);
	p = hh_scratch_resize(p, small, big); /* from the heap into a mapping */
	CHECK(pattern_kept(p, small));
	for (size_t i = small; i < big; i++)
		p[i] = (unsigned char)(i * 7 + 3);
	p = hh_scratch_resize(p, big, bigger); /* mapping to mapping */
	CHECK(pattern_kept(p, big));
	CHECK(all_zero(p + big, bigger - big));
	p = hh_scratch_resize(p, bigger, small); /* back under the line */
	CHECK(pattern_kept(p, small));
	hh_scratch_free(p, small);
	unsigned char *q = hh_scratch_alloc(big);
	CHECK(all_zero(q, big));
	hh_scratch_free(q, big);
	hh_scratch_free(NULL, big);
	void *r = hh_scratch_resize(NULL, 0, 16);
	CHECK(r != NULL && all_zero(r, 16));
	hh_scratch_free(r, 16);
}

int main(void)
{
	scratch();
	return check_done();
}
