/* test_ratelimit.c - token buckets and client addresses behind proxies. */
#include "check.h"

#include <stdio.h>

#include "healthhub/ratelimit.h"

#define SEC 1000000000ull

static void buckets(void)
{
	CHECK(hh_ratelimit_new(0, 10, 16) == NULL); /* off */
	struct hh_ratelimit *r = hh_ratelimit_new(2.0, 3, 1024);
	uint64_t t = 100 * SEC;
	/* a burst of 3 passes, the 4th waits */
	CHECK(hh_ratelimit_take(r, "10.0.0.1", t) == 0);
	CHECK(hh_ratelimit_take(r, "10.0.0.1", t) == 0);
	CHECK(hh_ratelimit_take(r, "10.0.0.1", t) == 0);
	long wait = hh_ratelimit_take(r, "10.0.0.1", t);
	CHECK(wait >= 1);
	/* another client is not affected */
	CHECK(hh_ratelimit_take(r, "10.0.0.2", t) == 0);
	/* half a second refills one token at 2/s */
	CHECK(hh_ratelimit_take(r, "10.0.0.1", t + SEC / 2) == 0);
	CHECK(hh_ratelimit_take(r, "10.0.0.1", t + SEC / 2) >= 1);
	/* a long pause refills to the burst, not beyond */
	t += 100 * SEC;
	int passed = 0;
	for (int i = 0; i < 10; i++)
		passed += hh_ratelimit_take(r, "10.0.0.1", t) == 0;
	CHECK(passed == 3);
	hh_ratelimit_free(r);
}

/*
 * A slot is guarded by its own stripe's lock, derived from the slot (not
 * from the client's hash), so two clients in one slot always share a lock;
 * a table whose size is not a multiple of the stripes is refused.
 */
static void slots_and_stripes(void)
{
	CHECK(hh_ratelimit_new(2.0, 3, 1000) == NULL);
	CHECK(hh_ratelimit_new(2.0, 3, 0) == NULL);
	CHECK(hh_ratelimit_new(2.0, 3, HH_RATELIMIT_STRIPES / 2) == NULL);
	/* one slot per stripe: every client shares the table; a newcomer in a taken slot starts full */
	struct hh_ratelimit *r = hh_ratelimit_new(1.0, 1, HH_RATELIMIT_STRIPES);
	CHECK(r != NULL);
	if (r == NULL)
		return;
	uint64_t t = 10 * SEC;
	int limited = 0;
	char client[32];
	for (int i = 0; i < 4 * HH_RATELIMIT_STRIPES; i++) {
		snprintf(client, sizeof(client), "10.0.%d.%d", i / 250, i % 250);
		limited += hh_ratelimit_take(r, client, t) != 0;
	}
	CHECK(limited == 0);                         /* each first request passes, whoever held the slot */
	CHECK(hh_ratelimit_take(r, client, t) >= 1); /* the slot's holder is limited */
	hh_ratelimit_free(r);
}

static void addresses(void)
{
	char out[64];
	hh_client_address("1.2.3.4", "9.9.9.9", "", out, sizeof(out));
	CHECK_STR(out, "1.2.3.4"); /* no trusted proxy: the header is ignored */
	hh_client_address("1.2.3.4", "9.9.9.9", "10.0.0.1", out, sizeof(out));
	CHECK_STR(out, "1.2.3.4"); /* the peer is not a trusted proxy */
	hh_client_address("10.0.0.1", "6.6.6.6, 9.9.9.9", "10.0.0.1", out, sizeof(out));
	CHECK_STR(out, "9.9.9.9"); /* the right-most hop the proxy added */
	hh_client_address("10.0.0.1", "6.6.6.6, 9.9.9.9, 10.0.0.2", "10.0.0.1, 10.0.0.2", out, sizeof(out));
	CHECK_STR(out, "9.9.9.9"); /* chained trusted proxies are skipped */
	hh_client_address("10.0.0.1", " , ", "10.0.0.1", out, sizeof(out));
	CHECK_STR(out, "10.0.0.1"); /* nothing usable: the peer */
}

int main(void)
{
	buckets();
	slots_and_stripes();
	addresses();
	return check_done();
}
