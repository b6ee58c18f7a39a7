/*
 * test_negotiate.c - Accept by RFC 9110 12.5.1 (q-values, case, wildcards,
 * specificity, q=0 excludes, malformed elements ignored) and HTTP-date /
 * RFC 3339 parsing (negotiate.c).
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "healthhub/negotiate.h"

static const char *const OFFERS[] = {"application/json", "application/ld+json"};

/* 0 = JSON, 1 = ld+json, -1 = nothing acceptable */
static int pick(const char *accept)
{
	return hh_accept_choose(accept, OFFERS, 2);
}

static void test_choice(void)
{
	CHECK(pick(NULL) == 0);
	CHECK(pick("") == 0);
	CHECK(pick("application/ld+json") == 1);
	CHECK(pick("application/LD+JSON") == 1); /* case-insensitive */
	CHECK(pick("Application/Ld+Json; charset=utf-8") == 1);
	CHECK(pick("application/ld+json;q=0") == -1);     /* q=0 excludes: not ld+json */
	CHECK(pick("application/ld+json;q=0, */*") == 0); /* excluded even with any/any */
	CHECK(pick("application/ld+json;q=0.9, application/json") == 0);
	CHECK(pick("application/json;q=0.5, application/ld+json") == 1);
	CHECK(pick("*/*") == 0); /* a tie goes to the first offer */
	CHECK(pick("application/*") == 0);
	CHECK(pick("application/*;q=0.1, application/ld+json;q=0.2") == 1);
	CHECK(pick("text/html") == -1);
	CHECK(pick("text/html, */*;q=0.1") == 0);
	CHECK(pick("application/json;q=0, application/ld+json;q=0.001") == 1);
	CHECK(pick("application/ld+json ; q=1.0 , application/json ; q=0.999") == 1);
}

static void test_quality(void)
{
	CHECK(hh_accept_quality("application/*;q=0.3, */*;q=0.1", "application/json") == 300);
	CHECK(hh_accept_quality("*/*;q=0.1, application/*;q=0.3", "application/json") == 300); /* order-free */
	CHECK(hh_accept_quality("text/*;q=0.3, */*;q=0.1", "application/json") == 100);
	CHECK(hh_accept_quality("application/json;q=0.4;level=1, application/json;q=0.7", "application/json") == 400);
	CHECK(hh_accept_quality("application/json;q=1", "application/json") == 1000);
	CHECK(hh_accept_quality("application/json;Q=0.25", "application/json") == 250);
}

static void test_malformed(void)
{
	/* malformed elements are ignored, never a failure */
	CHECK(pick("garbage") == 0); /* nothing readable: as if absent */
	CHECK(pick(";;;,,,") == 0);
	CHECK(pick("application/ld+json;q=2") == 0); /* bad q: element skipped */
	CHECK(pick("application/ld+json;q=abc") == 0);
	CHECK(pick("application/ld+json;q=0.1234") == 0); /* more than 3 decimals */
	CHECK(pick("/json, application/ld+json") == 1);
	CHECK(pick("*/json") == 0);
	CHECK(pick("application/ld+json;q=") == 0);
	char big[4096];
	memset(big, ',', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK(pick(big) == 0);
}

static void test_dates(void)
{
	time_t t = 0, u = 0, v = 0;
	CHECK(hh_http_date_parse("Sun, 06 Nov 1994 08:49:37 GMT", &t) == 0 && t == 784111777);
	CHECK(hh_http_date_parse("Sunday, 06-Nov-94 08:49:37 GMT", &u) == 0 && u == 784111777);
	CHECK(hh_http_date_parse("Sun Nov  6 08:49:37 1994", &v) == 0 && v == 784111777);
	CHECK(hh_http_date_parse("yesterday", &t) < 0);
	CHECK(hh_http_date_parse("", &t) < 0);
	CHECK(hh_http_date_parse("Sun, 06 Nov 1994 08:49:37 GMT trailing", &t) < 0);
	CHECK(hh_http_date_parse(NULL, &t) < 0);
	char buf[40];
	CHECK(hh_http_date_format(784111777, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "Sun, 06 Nov 1994 08:49:37 GMT");
	CHECK(hh_rfc3339_parse("1994-11-06T08:49:37Z", &t) == 0 && t == 784111777);
	CHECK(hh_rfc3339_parse("1994-11-06T08:49:37.123456Z", &t) == 0 && t == 784111777);
	CHECK(hh_rfc3339_parse("1994-11-06T09:49:37+01:00", &t) == 0 && t == 784111777);
	CHECK(hh_rfc3339_parse("1994-11-06 08:49:37", &t) < 0);
	CHECK(hh_rfc3339_parse("1994-11-06T08:49:37Zx", &t) < 0);
}

/* Accept-Language, RFC 9110 12.5.4: which of en, es (in the service's order) a header picks. */
static void test_accept_language(void)
{
	static const char *const langs[] = {"en", "es"};
	const size_t n = HH_ARRAY_LEN(langs);
	CHECK(hh_accept_language_choose(NULL, langs, n) == -1); /* absent: the caller's default */
	CHECK(hh_accept_language_choose("es", langs, n) == 1);
	CHECK(hh_accept_language_choose("ES", langs, n) == 1);    /* tags are case-insensitive */
	CHECK(hh_accept_language_choose("es-MX", langs, n) == 1); /* a sub-tag names its language */
	CHECK(hh_accept_language_choose("es-419,es;q=0.9", langs, n) == 1);
	CHECK(hh_accept_language_choose("en-US,en;q=0.9,es;q=0.8", langs, n) == 0);
	CHECK(hh_accept_language_choose("fr-CH, fr;q=0.9, es;q=0.5, *;q=0.1", langs, n) == 1); /* q-values */
	CHECK(hh_accept_language_choose("es;q=0.4, en;q=0.8", langs, n) == 0);
	CHECK(hh_accept_language_choose("en;q=0.4, es;q=0.8", langs, n) == 1);
	CHECK(hh_accept_language_choose("*", langs, n) == 0);         /* any: the first offered */
	CHECK(hh_accept_language_choose("es;q=0, *", langs, n) == 0); /* q=0 refuses es even under * */
	CHECK(hh_accept_language_choose("*;q=0.5, es", langs, n) == 1);
	CHECK(hh_accept_language_choose("fr", langs, n) == -1); /* unknown: fall back to English */
	CHECK(hh_accept_language_choose("de-DE, fr;q=0.5", langs, n) == -1);
	CHECK(hh_accept_language_choose("en;q=0, es;q=0", langs, n) == -1);
	CHECK(hh_accept_language_choose("es, en", langs, n) == 1); /* equal q: the reader's first */
	CHECK(hh_accept_language_choose("en, es", langs, n) == 0);
	CHECK(hh_accept_language_choose("esp", langs, n) == -1);       /* not a sub-tag of es */
	CHECK(hh_accept_language_choose("es;q=2, en", langs, n) == 0); /* a bad q drops that element */
	CHECK(hh_accept_language_choose(" , ;q=1, es ", langs, n) == 1);
	CHECK(hh_accept_language_choose("", langs, n) == -1);
}

int main(void)
{
	test_accept_language();
	test_choice();
	test_quality();
	test_malformed();
	test_dates();
	return check_done();
}
