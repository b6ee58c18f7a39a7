/* test_router.c - routes, request-target decoding and list parameters. */
#include "check.h"

#include <stddef.h>
#include <stdlib.h>

#include "healthhub/content.h"
#include "healthhub/keys.h"
#include "healthhub/router.h"

static enum hh_route_id route_of(const char *path, char *slug_out)
{
	struct hh_route r;
	hh_route_match(path, &r);
	if (slug_out)
		snprintf(slug_out, HH_SLUG_MAX + 1, "%s", r.slug);
	return r.id;
}

static void routes(void)
{
	char slug[HH_SLUG_MAX + 1];
	CHECK(route_of("/v1/articles", NULL) == HH_ROUTE_ARTICLES);
	CHECK(route_of("/v1/articles/upper-middle-back-muscle-soreness", slug) == HH_ROUTE_ARTICLE);
	CHECK_STR(slug, "upper-middle-back-muscle-soreness");
	CHECK(route_of("/v1/causes/poor-posture", slug) == HH_ROUTE_CAUSE);
	CHECK(route_of("/v1/remedies/heat-therapy", slug) == HH_ROUTE_REMEDY);
	CHECK(route_of("/v1/triage", NULL) == HH_ROUTE_TRIAGE);
	CHECK(route_of("/openapi.json", NULL) == HH_ROUTE_OPENAPI);
	/* anything that is not exactly a route, or not a valid slug, is 404 */
	CHECK(route_of("/v1/causes/", NULL) == HH_ROUTE_NOT_FOUND);
	CHECK(route_of("/v1/causes/Poor-Posture", NULL) == HH_ROUTE_NOT_FOUND);
	CHECK(route_of("/v1/causes/../etc/passwd", NULL) == HH_ROUTE_NOT_FOUND);
	CHECK(route_of("/v1/causes/a/b", NULL) == HH_ROUTE_NOT_FOUND);
	CHECK(route_of("/v1/causes/x'; DROP TABLE causes;--", NULL) == HH_ROUTE_NOT_FOUND);
	CHECK(route_of("/v1/articles/", NULL) == HH_ROUTE_NOT_FOUND);
	CHECK(route_of("/v1/causes/poor--posture", NULL) == HH_ROUTE_NOT_FOUND);
	CHECK(route_of("/V1/causes", NULL) == HH_ROUTE_NOT_FOUND);
	CHECK(route_of("/", NULL) == HH_ROUTE_NOT_FOUND);
	CHECK(hh_route_methods(HH_ROUTE_TRIAGE) & HH_M_POST);
	CHECK(!(hh_route_methods(HH_ROUTE_CAUSES) & HH_M_POST));
	char allow[HH_ALLOW_MAX];
	hh_route_allow(HH_ROUTE_CAUSES, allow, sizeof(allow));
	CHECK_STR(allow, "GET, HEAD, OPTIONS");
	hh_route_allow(HH_ROUTE_TRIAGE, allow, sizeof(allow));
	CHECK_STR(allow, "GET, HEAD, POST, OPTIONS");
	CHECK_STR(hh_method_name(HH_M_POST), "POST");
	CHECK_STR(hh_method_name(HH_M_OTHER), "OTHER");
	CHECK(hh_method_parse("BREW") == HH_M_OTHER);
	CHECK(hh_method_parse("get") == HH_M_OTHER); /* methods are case-sensitive */
}

static int parse(const char *target, char *path, struct hh_query *q)
{
	struct hh_field_errors errs = {0};
	return hh_target_parse(target, strlen(target), path, 256, q, &errs);
}

static void targets(void)
{
	static struct hh_query q;
	char path[256];
	CHECK(parse("/v1/causes?position=sitting&region=upper_back", path, &q) == 0);
	CHECK_STR(path, "/v1/causes");
	CHECK(q.n == 2);
	CHECK_STR(hh_query_get(&q, "region"), "upper_back");
	CHECK(parse("/v1/articles?q=upper+back%20pain", path, &q) == 0);
	CHECK_STR(hh_query_get(&q, "q"), "upper back pain");
	CHECK(parse("/v1/causes/poor%2Dposture", path, &q) == 0);
	CHECK_STR(path, "/v1/causes/poor-posture");
	CHECK(parse("/v1/causes?a&&b=", path, &q) == 0);
	CHECK(q.n == 2 && strcmp(hh_query_get(&q, "a"), "") == 0);
	/* refused: bad escapes, encoded NUL, no leading slash, too many parameters */
	CHECK(parse("/v1/causes?q=%zz", path, &q) < 0);
	CHECK(parse("/v1/causes?q=%4", path, &q) < 0);
	CHECK(parse("/v1/causes?q=%", path, &q) < 0);
	CHECK(parse("/v1/causes%00x", path, &q) < 0);
	CHECK(parse("/v1/causes?q=a%00b", path, &q) < 0);
	CHECK(parse("v1/causes", path, &q) < 0);
	CHECK(parse("/v1/causes?q=' OR 1=1", path, &q) < 0); /* raw spaces */
	CHECK(parse("/v1/causes\t", path, &q) < 0);
	/* invalid UTF-8: stray continuation, truncated sequence, overlong, surrogate */
	CHECK(parse("/nope%ff", path, &q) < 0);
	CHECK(parse("/v1/articles/%c3%28", path, &q) < 0);
	CHECK(parse("/v1/articles?q=posture%ff", path, &q) < 0);
	CHECK(parse("/v1/articles?%ff=1", path, &q) < 0);
	CHECK(parse("/v1/articles?q=%c0%af", path, &q) < 0);
	CHECK(parse("/v1/articles?q=%ed%a0%80", path, &q) < 0);
	CHECK(parse("/v1/articles?q=%e2%82", path, &q) < 0);
	CHECK(parse("/v1/articles?q=caf%c3%a9%20%e2%82%ac%20%f0%9f%98%80", path, &q) == 0);
	CHECK_STR(hh_query_get(&q, "q"), "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	char many[1024];
	size_t n = (size_t)snprintf(many, sizeof(many), "/v1/causes?");
	for (int i = 0; i < HH_MAX_PARAMS + 1; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "a=1&");
	CHECK(parse(many, path, &q) < 0);
}

static int list(enum hh_route_id id, const char *target, struct hh_list_params *p, struct hh_field_errors *errs)
{
	static struct hh_query q;
	char path[256];
	memset(errs, 0, sizeof(*errs));
	if (parse(target, path, &q) < 0)
		return -2;
	return hh_list_params_parse(id, &q, p, errs);
}

static void list_params(void)
{
	struct hh_list_params p;
	struct hh_field_errors e;
	char key[512];
	CHECK(list(HH_ROUTE_ARTICLES, "/v1/articles", &p, &e) == 0);
	CHECK(p.limit == 20 && p.offset == 0 && p.q[0] == '\0');
	CHECK(hh_key_list(HH_ROUTE_ARTICLES, &p, key, sizeof(key)) == 0);
	CHECK_STR(key, "/v1/articles");
	CHECK(list(HH_ROUTE_ARTICLES, "/v1/articles?q=%20Upper%20%20BACK%20&limit=5", &p, &e) == 0);
	CHECK_STR(p.q, "upper back");
	CHECK(hh_key_list(HH_ROUTE_ARTICLES, &p, key, sizeof(key)) == 0);
	CHECK_STR(key, "/v1/articles?limit=5&offset=0&q=upper back");
	const char *bad[] = {"/v1/articles?limit=abc",      "/v1/articles?limit=0",
			     "/v1/articles?limit=101",      "/v1/articles?limit=-1",
			     "/v1/articles?offset=-1",      "/v1/articles?limit=+5",
			     "/v1/articles?limit=%205",     "/v1/articles?q=",
			     "/v1/articles?q=%20%20",       "/v1/articles?position=sitting",
			     "/v1/articles?limit=1&limit=2"};
	for (size_t i = 0; i < HH_ARRAY_LEN(bad); i++) {
		int rc = list(HH_ROUTE_ARTICLES, bad[i], &p, &e);
		CHECK(rc == -1 && e.n >= 1);
		if (rc != -1)
			fprintf(stderr, "accepted: %s\n", bad[i]);
	}
	CHECK(list(HH_ROUTE_ARTICLES, "/v1/articles?limit=abc&offset=x&foo=1", &p, &e) == -1);
	CHECK(e.n == 3); /* every problem is reported */
	CHECK(list(HH_ROUTE_CAUSES, "/v1/causes?region=upper_back&position=sitting", &p, &e) == 0);
	CHECK(p.position == HH_POS_SITTING && p.region == HH_REGION_UPPER_BACK);
	CHECK(hh_key_list(HH_ROUTE_CAUSES, &p, key, sizeof(key)) == 0);
	CHECK_STR(key, "/v1/causes?position=sitting&region=upper_back"); /* canonical order */
	CHECK(list(HH_ROUTE_CAUSES, "/v1/causes?position=sleeping", &p, &e) == -1);
	CHECK_STR(e.v[0].field, "position");
	CHECK(list(HH_ROUTE_REMEDIES, "/v1/remedies?cause=poor-posture", &p, &e) == 0);
	CHECK_STR(p.cause, "poor-posture");
	/* the parameters own their strings: a copy outlives the request's query and the original */
	struct hh_list_params copy = p;
	CHECK(list(HH_ROUTE_ARTICLES, "/v1/articles?q=neck", &p, &e) == 0);
	memset(&p, 'x', sizeof(p));
	CHECK_STR(copy.cause, "poor-posture");
	CHECK(list(HH_ROUTE_ARTICLES, "/v1/articles?q=Upper%20back", &p, &e) == 0);
	copy = p;
	memset(&p, 'x', sizeof(p));
	CHECK(list(HH_ROUTE_CAUSES, "/v1/causes?q=stress", &p, &e) == 0);
	CHECK_STR(copy.q, "upper back");
	char long_slug[HH_SLUG_MAX + 32] = "/v1/remedies?cause=";
	memset(long_slug + strlen(long_slug), 'a', HH_SLUG_MAX + 1);
	CHECK(list(HH_ROUTE_REMEDIES, long_slug, &p, &e) == -1); /* no cause slug is longer than a route's */
	CHECK_STR(e.v[0].field, "cause");
	CHECK(list(HH_ROUTE_REMEDIES, "/v1/remedies?cause=Poor_Posture", &p, &e) == -1);
	CHECK(list(HH_ROUTE_REMEDIES, "/v1/remedies?q=heat", &p, &e) == -1);
}

/*
 * A parameter without '=' costs two NULs for one raw byte, so the decoded
 * query can outgrow the raw one: "/v1/causes?a&" and 2,045 'b's (a query of
 * 2,047 bytes) once wrote one byte past hh_query.buf. The struct is
 * allocated to end exactly where buf ends, so ASan reports any write past it
 * (tail padding would hide it in a plain sizeof allocation).
 */
static void query_worst_case(void)
{
	size_t end = offsetof(struct hh_query, buf) + sizeof(((struct hh_query *)0)->buf);
	CHECK(end == sizeof(struct hh_query)); /* no tail padding for a stray byte to hide in */
	struct hh_query *q = malloc(end);
	char *target = malloc(16 + 2045);
	CHECK(q != NULL && target != NULL);
	if (q == NULL || target == NULL) {
		free(q);
		free(target);
		return;
	}
	memset(q, 0, end);
	int n = snprintf(target, 16, "/v1/causes?a&");
	memset(target + n, 'b', 2045);
	target[n + 2045] = '\0';
	char path[256];
	struct hh_field_errors errs;
	hh_field_errors_init(&errs);
	CHECK(strlen(target) - strlen("/v1/causes?") == 2047);
	CHECK(hh_target_parse(target, strlen(target), path, sizeof(path), q, &errs) == 0);
	CHECK_STR(path, "/v1/causes");
	CHECK(q->n == 2 && strcmp(q->v[0].key, "a") == 0 && q->v[0].value[0] == '\0');
	CHECK(q->n == 2 && strlen(q->v[1].key) == 2045 && q->v[1].value[0] == '\0');
	/* as many empty parameters as allowed, each two NULs: still within buf */
	char many[3 * HH_MAX_PARAMS + 16] = "/v1/causes?";
	for (int i = 0; i < HH_MAX_PARAMS; i++)
		strcat(many, "x&");
	memset(q, 0, end);
	hh_field_errors_init(&errs);
	CHECK(hh_target_parse(many, strlen(many), path, sizeof(path), q, &errs) == 0 && q->n == HH_MAX_PARAMS);
	free(target);
	free(q);
}

int main(void)
{
	routes();
	targets();
	query_worst_case();
	list_params();
	return check_done();
}
