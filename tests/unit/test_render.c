/*
 * test_render.c - the JSON bodies of the content endpoints, byte for byte,
 * over a small content built by hand (2 articles, 3 causes, 3 remedies).
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "healthhub/content.h"
#include "healthhub/render.h"

/* ------------------------------------------------------------ fixture */

#define MAX_LIST 8

/* A NULL-terminated list of literals, copied into the content's arena. */
static struct hh_strv strv(struct hh_content *c, const char *const *v)
{
	struct hh_strv s = {.v = hh_content_alloc(c, MAX_LIST * sizeof(char *)), .n = 0};
	while (v[s.n] != NULL) {
		s.v[s.n] = hh_content_strdup(c, v[s.n]);
		s.n++;
	}
	return s;
}
#define STRV(c, ...) strv((c), (const char *const[]){__VA_ARGS__, NULL})
#define NO_STRV ((struct hh_strv){.v = NULL, .n = 0})

static struct hh_reference_list one_ref(struct hh_content *c, const char *title, const char *url)
{
	struct hh_reference_list r = {.v = hh_content_alloc(c, sizeof(struct hh_reference)), .n = 1};
	r.v[0].title = hh_content_strdup(c, title);
	r.v[0].url = hh_content_strdup(c, url);
	return r;
}

static void fill_causes(struct hh_content *c)
{
	c->n_causes = 3;
	c->causes = hh_content_alloc(c, 3 * sizeof(*c->causes));
	/* Not in slug order: hh_content_finish sorts. */
	c->causes[0] = (struct hh_cause){
		.slug = "poor-posture",
		.name = "Poor posture",
		.summary = "Slouching strains muscles.",
		.description = "Sitting hunched for hours.",
		.positions = HH_POS_STANDING | HH_POS_SITTING,
		.regions = HH_REGION_UPPER_BACK | HH_REGION_MIDDLE_BACK,
		.remedies = STRV(c, "improve-posture", "exercise"),
		.references = one_ref(c, "Back pain - NHS", "https://www.nhs.uk/conditions/back-pain/"),
	};
	c->causes[1] = (struct hh_cause){
		.slug = "muscle-strain",
		.name = "Muscle strain",
		.summary = "Overworked muscles.",
		.description = "Lifting or twisting.",
		.positions = HH_POS_STANDING | HH_POS_LYING_DOWN,
		.regions = HH_REGION_MIDDLE_BACK,
		.remedies = STRV(c, "heat-therapy", "exercise"),
		.see_doctor_if = "It has not eased after 2 weeks.",
	};
	c->causes[2] = (struct hh_cause){
		.slug = "inactivity",
		.name = "Inactivity",
		.summary = "Too little movement.",
		.description = "Muscles weaken \xe2\x80\x93 and stiffen.",
		.positions = HH_POS_SITTING | HH_POS_LYING_DOWN,
		.regions = HH_REGION_UPPER_BACK,
		.remedies = STRV(c, "exercise"),
	};
}

static void fill_remedies(struct hh_content *c)
{
	c->n_remedies = 3;
	c->remedies = hh_content_alloc(c, 3 * sizeof(*c->remedies));
	c->remedies[0] = (struct hh_remedy){
		.slug = "improve-posture",
		.name = "Improve posture",
		.summary = "Sit tall.",
		.description = "Set up your desk.",
		.steps = STRV(c, "Raise the screen.", "Feet flat."),
	};
	c->remedies[1] = (struct hh_remedy){
		.slug = "heat-therapy",
		.name = "Heat therapy",
		.summary = "Warmth relaxes muscles.",
		.description = "Use a heat pack.",
		.steps = STRV(c, "Wrap it in a towel."),
	};
	c->remedies[2] = (struct hh_remedy){
		.slug = "exercise",
		.name = "Exercise",
		.summary = "Move every day.",
		.description = "Gentle stretches.",
		.steps = STRV(c, "Walk.", "Stretch."),
		.references = one_ref(c, "Exercise - NHS", "https://www.nhs.uk/live-well/exercise/"),
	};
}

static void fill_articles(struct hh_content *c)
{
	c->n_articles = 2;
	c->articles = hh_content_alloc(c, 2 * sizeof(*c->articles));
	struct hh_section *s = hh_content_alloc(c, 2 * sizeof(*s));
	s[0] = (struct hh_section){"overview", "Overview", "Common.\n\nUsually gets better."};
	s[1] = (struct hh_section){"when-to-get-help", "When to get help", "Call 999 if..."};
	c->articles[0] = (struct hh_article){
		.slug = "upper-middle-back-muscle-soreness",
		.title = "Middle and upper back muscle soreness",
		.summary = "Sore muscles between the shoulders.",
		.alternate_names = STRV(c, "upper back pain", "middle back pain"),
		.sections = s,
		.n_sections = 2,
		.causes = STRV(c, "poor-posture", "muscle-strain", "inactivity"),
		.remedies = STRV(c, "improve-posture", "exercise", "heat-therapy"),
		.positions = HH_POS_STANDING | HH_POS_SITTING | HH_POS_LYING_DOWN,
		.regions = HH_REGION_UPPER_BACK | HH_REGION_MIDDLE_BACK,
		.references = one_ref(c, "Back pain - NHS", "https://www.nhs.uk/conditions/back-pain/"),
		.reviewed_at = "2026-11-24",
		.next_review_due = "2027-11-24",
		.updated_at = "2026-11-25T10:00:00Z",
		.version = 3,
	};
	struct hh_section *t = hh_content_alloc(c, sizeof(*t));
	t[0] = (struct hh_section){"causes", "Causes", "Desks."};
	c->articles[1] = (struct hh_article){
		.slug = "desk-back",
		.title = "Desk back",
		.summary = "Pain from desks.",
		.alternate_names = NO_STRV,
		.sections = t,
		.n_sections = 1,
		.causes = STRV(c, "poor-posture"),
		.remedies = STRV(c, "exercise"),
		.positions = HH_POS_SITTING,
		.regions = HH_REGION_UPPER_BACK,
		.reviewed_at = "2026-01-02",
		.next_review_due = "2027-01-02",
	};
}

static struct hh_content *make_content(void)
{
	struct hh_content *c = hh_content_new();
	fill_causes(c);
	fill_remedies(c);
	fill_articles(c);
	hh_content_finish(c);
	return c;
}

/* Dumps j, drops the reference, and keeps the bytes for comparison. */
static char *dump_free(json_t *j)
{
	if (j == NULL)
		return NULL;
	char *s = hh_render_dump(j, NULL);
	json_decref(j);
	return s;
}

static void check_bytes(json_t *j, const char *want)
{
	char *got = dump_free(j);
	CHECK_STR(got, want);
	free(got);
}

/* ------------------------------------------------------------- causes */

static void test_causes(const struct hh_content *c)
{
	check_bytes(hh_render_cause(c, hh_content_cause(c, "poor-posture")),
		    "{\"slug\":\"poor-posture\",\"name\":\"Poor posture\",\"summary\":\"Slouching strains muscles.\","
		    "\"description\":\"Sitting hunched for hours.\",\"positions\":[\"standing\",\"sitting\"],"
		    "\"regions\":[\"upper_back\",\"middle_back\"],\"remedies\":[\"improve-posture\",\"exercise\"],"
		    "\"see_doctor_if\":null,\"references\":[{\"title\":\"Back pain - NHS\","
		    "\"url\":\"https://www.nhs.uk/conditions/back-pain/"
		    "\"}],\"review\":{\"state\":\"pending\",\"approved_at\":null,\"role\":null}}");
	/* UTF-8 stays UTF-8 (no \u escapes), see_doctor_if text when set. */
	check_bytes(hh_render_cause(c, hh_content_cause(c, "inactivity")),
		    "{\"slug\":\"inactivity\",\"name\":\"Inactivity\",\"summary\":\"Too little movement.\","
		    "\"description\":\"Muscles weaken \xe2\x80\x93 and "
		    "stiffen.\",\"positions\":[\"sitting\",\"lying_down\"],"
		    "\"regions\":[\"upper_back\"],\"remedies\":[\"exercise\"],\"see_doctor_if\":null,\"references\":[],"
		    "\"review\":{\"state\":\"pending\",\"approved_at\":null,\"role\":null}}");
	check_bytes(
		hh_render_cause(c, hh_content_cause(c, "muscle-strain")),
		"{\"slug\":\"muscle-strain\",\"name\":\"Muscle strain\",\"summary\":\"Overworked muscles.\","
		"\"description\":\"Lifting or twisting.\",\"positions\":[\"standing\",\"lying_down\"],"
		"\"regions\":[\"middle_back\"],\"remedies\":[\"heat-therapy\",\"exercise\"],"
		"\"see_doctor_if\":\"It has not eased after 2 "
		"weeks.\",\"references\":[],\"review\":{\"state\":\"pending\",\"approved_at\":null,\"role\":null}}");

	const struct hh_cause *items[] = {&c->causes[0], &c->causes[1]};
	json_t *list = hh_render_cause_list(c, items, 2);
	CHECK(list != NULL);
	CHECK(json_integer_value(json_object_get(list, "total")) == 2);
	CHECK(json_array_size(json_object_get(list, "items")) == 2);
	json_t *first = json_array_get(json_object_get(list, "items"), 0);
	CHECK_STR(json_string_value(json_object_get(first, "slug")), "inactivity");
	CHECK(json_object_size(first) == 10); /* full causes, not summaries */
	json_decref(list);
	check_bytes(hh_render_cause_list(c, NULL, 0), "{\"items\":[],\"total\":0}");
}

/* ----------------------------------------------------------- remedies */

static void test_remedies(const struct hh_content *c)
{
	check_bytes(hh_render_remedy(c, hh_content_remedy(c, "exercise")),
		    "{\"slug\":\"exercise\",\"name\":\"Exercise\",\"summary\":\"Move every day.\","
		    "\"description\":\"Gentle stretches.\",\"steps\":[\"Walk.\",\"Stretch.\"],"
		    "\"causes\":[\"inactivity\",\"muscle-strain\",\"poor-posture\"],\"references\":[{\"title\":"
		    "\"Exercise - "
		    "NHS\",\"url\":\"https://www.nhs.uk/live-well/exercise/"
		    "\"}],\"review\":{\"state\":\"pending\",\"approved_at\":null,\"role\":null}}");
	check_bytes(hh_render_remedy(c, hh_content_remedy(c, "heat-therapy")),
		    "{\"slug\":\"heat-therapy\",\"name\":\"Heat therapy\",\"summary\":\"Warmth relaxes muscles.\","
		    "\"description\":\"Use a heat pack.\",\"steps\":[\"Wrap it in a towel.\"],"
		    "\"causes\":[\"muscle-strain\"],\"references\":[],\"review\":{\"state\":\"pending\",\"approved_"
		    "at\":null,\"role\":null}}");
	json_t *r = hh_render_remedy(c, hh_content_remedy(c, "improve-posture"));
	char *s = dump_free(json_incref(json_object_get(r, "causes")));
	CHECK_STR(s, "[\"poor-posture\"]");
	free(s);
	json_decref(r);

	const struct hh_remedy *items[3];
	size_t n = hh_filter_remedies(c, NULL, items);
	json_t *list = hh_render_remedy_list(c, items, n);
	CHECK(json_integer_value(json_object_get(list, "total")) == 3);
	json_t *arr = json_object_get(list, "items");
	CHECK(json_array_size(arr) == 3);
	CHECK_STR(json_string_value(json_object_get(json_array_get(arr, 2), "slug")), "improve-posture");
	CHECK(json_object_get(json_array_get(arr, 0), "steps") != NULL);
	json_decref(list);
}

/* ------------------------------------------------------------ filters */

static void join_causes(const struct hh_cause **v, size_t n, char *buf, size_t size)
{
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t used = strlen(buf);
		snprintf(buf + used, size - used, "%s%s", i ? "," : "", v[i]->slug);
	}
}

static void check_cause_filter(const struct hh_content *c, const char *pos, const char *reg, const char *want)
{
	unsigned p = 0, r = 0;
	if (pos != NULL)
		CHECK(hh_position_parse(pos, &p) == 0);
	if (reg != NULL)
		CHECK(hh_region_parse(reg, &r) == 0);
	const struct hh_cause *out[3];
	char got[256];
	join_causes(out, hh_filter_causes(c, p, r, out), got, sizeof(got));
	if (strcmp(got, want) != 0)
		fprintf(stderr, "filter position=%s region=%s\n", pos ? pos : "-", reg ? reg : "-");
	CHECK_STR(got, want);
}

static void test_filters(const struct hh_content *c)
{
	/* inactivity: sitting, lying_down / upper; muscle-strain: standing,
	 * lying_down / middle; poor-posture: standing, sitting / both. */
	check_cause_filter(c, NULL, NULL, "inactivity,muscle-strain,poor-posture");
	check_cause_filter(c, "standing", NULL, "muscle-strain,poor-posture");
	check_cause_filter(c, "sitting", NULL, "inactivity,poor-posture");
	check_cause_filter(c, "lying_down", NULL, "inactivity,muscle-strain");
	check_cause_filter(c, NULL, "upper_back", "inactivity,poor-posture");
	check_cause_filter(c, NULL, "middle_back", "muscle-strain,poor-posture");
	check_cause_filter(c, "standing", "upper_back", "poor-posture");
	check_cause_filter(c, "standing", "middle_back", "muscle-strain,poor-posture");
	check_cause_filter(c, "sitting", "upper_back", "inactivity,poor-posture");
	check_cause_filter(c, "sitting", "middle_back", "poor-posture");
	check_cause_filter(c, "lying_down", "upper_back", "inactivity");
	check_cause_filter(c, "lying_down", "middle_back", "muscle-strain");

	const struct hh_remedy *out[3];
	size_t n = hh_filter_remedies(c, NULL, out);
	CHECK(n == 3);
	CHECK_STR(out[0]->slug, "exercise");
	CHECK_STR(out[1]->slug, "heat-therapy");
	CHECK_STR(out[2]->slug, "improve-posture");
	/* The cause's order, not slug order. */
	n = hh_filter_remedies(c, "muscle-strain", out);
	CHECK(n == 2);
	CHECK_STR(out[0]->slug, "heat-therapy");
	CHECK_STR(out[1]->slug, "exercise");
	n = hh_filter_remedies(c, "poor-posture", out);
	CHECK(n == 2);
	CHECK_STR(out[0]->slug, "improve-posture");
	CHECK(hh_filter_remedies(c, "no-such-cause", out) == 0);
}

/* ----------------------------------------------------------- articles */

static json_t *help(void)
{
	return json_pack("{s:[s]}", "emergency", "Chest pain: call 999.");
}

static void test_article_summaries(const struct hh_content *c)
{
	const struct hh_article *items[] = {&c->articles[0], &c->articles[1]};
	check_bytes(hh_render_article_list(c, items, 2, 7),
		    "{\"items\":[{\"slug\":\"desk-back\",\"title\":\"Desk back\",\"summary\":\"Pain from desks.\","
		    "\"updated_at\":null,\"review\":{\"state\":\"pending\",\"approved_at\":null,\"role\":null}},{"
		    "\"slug\":\"upper-middle-back-muscle-soreness\",\"title\":"
		    "\"Middle and upper back muscle soreness\",\"summary\":\"Sore muscles between the shoulders.\","
		    "\"updated_at\":\"2026-11-25T10:00:00Z\",\"review\":{\"state\":\"pending\",\"approved_at\":null,"
		    "\"role\":null}}],\"total\":7}");
	check_bytes(hh_render_article_list(c, NULL, 0, 0), "{\"items\":[],\"total\":0}");
}

static void test_article(const struct hh_content *c)
{
	const struct hh_article *a = hh_content_article(c, "upper-middle-back-muscle-soreness");
	check_bytes(
		hh_render_article(c, a, help()),
		"{\"slug\":\"upper-middle-back-muscle-soreness\",\"title\":\"Middle and upper back muscle soreness\","
		"\"summary\":\"Sore muscles between the shoulders.\","
		"\"alternate_names\":[\"upper back pain\",\"middle back pain\"],"
		"\"sections\":[{\"id\":\"overview\",\"heading\":\"Overview\",\"body\":\"Common.\\n\\nUsually gets "
		"better.\"},"
		"{\"id\":\"when-to-get-help\",\"heading\":\"When to get help\",\"body\":\"Call 999 if...\"}],"
		"\"causes\":[{\"slug\":\"poor-posture\",\"name\":\"Poor posture\",\"summary\":\"Slouching strains "
		"muscles.\"},"
		"{\"slug\":\"muscle-strain\",\"name\":\"Muscle strain\",\"summary\":\"Overworked muscles.\"},"
		"{\"slug\":\"inactivity\",\"name\":\"Inactivity\",\"summary\":\"Too little movement.\"}],"
		"\"remedies\":[{\"slug\":\"improve-posture\",\"name\":\"Improve posture\",\"summary\":\"Sit tall.\"},"
		"{\"slug\":\"exercise\",\"name\":\"Exercise\",\"summary\":\"Move every day.\"},"
		"{\"slug\":\"heat-therapy\",\"name\":\"Heat therapy\",\"summary\":\"Warmth relaxes muscles.\"}],"
		"\"when_to_get_help\":{\"emergency\":[\"Chest pain: call 999.\"]},"
		"\"positions\":[\"standing\",\"sitting\",\"lying_down\"],\"regions\":[\"upper_back\",\"middle_back\"],"
		"\"references\":[{\"title\":\"Back pain - NHS\",\"url\":\"https://www.nhs.uk/conditions/back-pain/\"}],"
		"\"reviewed_at\":\"2026-11-24\",\"next_review_due\":\"2027-11-24\","
		"\"updated_at\":\"2026-11-25T10:00:00Z\",\"version\":3,\"review\":{\"state\":\"pending\",\"approved_"
		"at\":null,\"role\":null}}");
	check_bytes(
		hh_render_article(c, hh_content_article(c, "desk-back"), help()),
		"{\"slug\":\"desk-back\",\"title\":\"Desk back\",\"summary\":\"Pain from desks.\","
		"\"alternate_names\":[],\"sections\":[{\"id\":\"causes\",\"heading\":\"Causes\",\"body\":\"Desks.\"}],"
		"\"causes\":[{\"slug\":\"poor-posture\",\"name\":\"Poor posture\",\"summary\":\"Slouching strains "
		"muscles.\"}],"
		"\"remedies\":[{\"slug\":\"exercise\",\"name\":\"Exercise\",\"summary\":\"Move every day.\"}],"
		"\"when_to_get_help\":{\"emergency\":[\"Chest pain: call 999.\"]},"
		"\"positions\":[\"sitting\"],\"regions\":[\"upper_back\"],\"references\":[],"
		"\"reviewed_at\":\"2026-01-02\",\"next_review_due\":\"2027-01-02\",\"updated_at\":null,\"version\":0,"
		"\"review\":{\"state\":\"pending\",\"approved_at\":null,\"role\":null}}");
	/* No red flags, no article. */
	CHECK(hh_render_article(c, a, NULL) == NULL);
}

/* ------------------------------------------------------------ ld+json */

static const char *get_str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void check_ld_parts(json_t *parts)
{
	CHECK(json_array_size(parts) == 4); /* 2 sections, causes, remedies */
	json_t *p0 = json_array_get(parts, 0);
	CHECK_STR(get_str(p0, "@type"), "HealthTopicContent");
	CHECK_STR(get_str(p0, "hasHealthAspect"), "https://schema.org/OverviewHealthAspect");
	CHECK_STR(get_str(p0, "url"), "https://example.org/v1/articles/upper-middle-back-muscle-soreness#overview");
	json_t *el = json_array_get(json_object_get(p0, "hasPart"), 0);
	CHECK_STR(get_str(el, "@type"), "WebPageElement");
	CHECK_STR(get_str(el, "name"), "Overview");
	CHECK_STR(get_str(el, "text"), "Common.\n\nUsually gets better.");
	CHECK_STR(get_str(json_array_get(parts, 1), "hasHealthAspect"), "https://schema.org/SeeDoctorHealthAspect");
	json_t *causes = json_array_get(parts, 2);
	CHECK_STR(get_str(causes, "hasHealthAspect"), "https://schema.org/CausesHealthAspect");
	CHECK(json_array_size(json_object_get(causes, "hasPart")) == 3);
	el = json_array_get(json_object_get(causes, "hasPart"), 0);
	CHECK_STR(get_str(el, "name"), "Poor posture");
	CHECK_STR(get_str(el, "url"), "https://example.org/v1/causes/poor-posture");
	json_t *remedies = json_array_get(parts, 3);
	CHECK_STR(get_str(remedies, "hasHealthAspect"), "https://schema.org/SelfCareHealthAspect");
	el = json_array_get(json_object_get(remedies, "hasPart"), 2);
	CHECK_STR(get_str(el, "url"), "https://example.org/v1/remedies/heat-therapy");
}

static void test_ldjson(const struct hh_content *c)
{
	const struct hh_article *a = hh_content_article(c, "upper-middle-back-muscle-soreness");
	json_t *ld = hh_render_article_ldjson(c, a, "https://example.org");
	CHECK(ld != NULL);
	CHECK_STR(get_str(ld, "@context"), "https://schema.org");
	CHECK_STR(get_str(ld, "@type"), "MedicalWebPage");
	CHECK_STR(get_str(ld, "name"), a->title);
	CHECK_STR(get_str(ld, "description"), a->summary);
	CHECK_STR(get_str(ld, "url"), "https://example.org/v1/articles/upper-middle-back-muscle-soreness");
	CHECK_STR(get_str(ld, "inLanguage"), "en-GB");
	CHECK_STR(get_str(ld, "lastReviewed"), "2026-11-24");
	CHECK_STR(get_str(ld, "dateModified"), "2026-11-25T10:00:00Z");
	json_t *about = json_object_get(ld, "about");
	CHECK_STR(get_str(about, "@type"), "MedicalCondition");
	CHECK_STR(get_str(about, "name"), a->title);
	CHECK_STR(json_string_value(json_array_get(json_object_get(about, "alternateName"), 1)), "middle back pain");
	CHECK(json_array_size(json_object_get(ld, "alternateName")) == 2);
	json_t *cite = json_array_get(json_object_get(ld, "citation"), 0);
	CHECK_STR(get_str(cite, "@type"), "CreativeWork");
	CHECK_STR(get_str(cite, "name"), "Back pain - NHS");
	CHECK_STR(get_str(cite, "url"), "https://www.nhs.uk/conditions/back-pain/");
	check_ld_parts(json_object_get(ld, "hasPart"));
	json_decref(ld);

	/* Relative URLs, and no dateModified for content from files. */
	ld = hh_render_article_ldjson(c, hh_content_article(c, "desk-back"), "");
	CHECK_STR(get_str(ld, "url"), "/v1/articles/desk-back");
	CHECK(json_object_get(ld, "dateModified") == NULL);
	json_t *p0 = json_array_get(json_object_get(ld, "hasPart"), 0);
	CHECK_STR(get_str(p0, "hasHealthAspect"), "https://schema.org/CausesHealthAspect");
	json_decref(ld);
	ld = hh_render_article_ldjson(c, hh_content_article(c, "desk-back"), NULL);
	CHECK_STR(get_str(ld, "url"), "/v1/articles/desk-back");
	json_decref(ld);
}

/* -------------------------------------------------------- determinism */

static void check_same_bytes(json_t *a, json_t *b)
{
	size_t na = 0, nb = 0;
	char *x = a ? hh_render_dump(a, &na) : NULL;
	char *y = b ? hh_render_dump(b, &nb) : NULL;
	CHECK(x != NULL && y != NULL && na == nb && na == strlen(x) && memcmp(x, y, na) == 0);
	free(x);
	free(y);
	json_decref(a);
	json_decref(b);
}

static void test_determinism(void)
{
	/* Two contents built alike, rendered separately: same bytes. */
	struct hh_content *c1 = make_content(), *c2 = make_content();
	const struct hh_article *a1 = &c1->articles[1], *a2 = &c2->articles[1];
	check_same_bytes(hh_render_article(c1, a1, help()), hh_render_article(c2, a2, help()));
	check_same_bytes(hh_render_article_ldjson(c1, a1, ""), hh_render_article_ldjson(c2, a2, ""));
	check_same_bytes(hh_render_cause(c1, &c1->causes[0]), hh_render_cause(c1, &c1->causes[0]));
	check_same_bytes(hh_render_remedy(c1, &c1->remedies[0]), hh_render_remedy(c2, &c2->remedies[0]));
	hh_content_free(c1);
	hh_content_free(c2);
}

/* ------------------------------------------------------ invalid UTF-8 */

/*
 * jansson refuses invalid UTF-8, so a render over such content fails as a
 * whole (NULL) rather than drop the field; ASan shows nothing leaks.
 */
static void test_invalid_utf8(void)
{
	struct hh_content *c = make_content();
	c->causes[1].see_doctor_if = "bad \xff byte";
	c->remedies[0].steps.v[1] = "\xc3\x28";
	c->articles[0].sections[0].body = "\xe2\x82";  /* desk-back */
	c->articles[1].references.v[0].title = "\xff"; /* upper-middle-... */
	CHECK(hh_render_cause(c, &c->causes[1]) == NULL);
	CHECK(hh_render_cause_list(c, (const struct hh_cause *const[]){&c->causes[1]}, 1) == NULL);
	CHECK(hh_render_remedy(c, &c->remedies[0]) == NULL);
	CHECK(hh_render_remedy_list(c, (const struct hh_remedy *const[]){&c->remedies[0]}, 1) == NULL);
	CHECK(hh_render_article(c, &c->articles[0], help()) == NULL); /* fails before when_to_get_help */
	CHECK(hh_render_article_ldjson(c, &c->articles[0], "") == NULL);
	CHECK(hh_render_article(c, &c->articles[1], help()) == NULL); /* fails after it */
	CHECK(hh_render_article_ldjson(c, &c->articles[1], "") == NULL);
	/* Untouched entities still render. */
	json_t *ok = hh_render_cause(c, &c->causes[0]);
	CHECK(ok != NULL);
	json_decref(ok);
	hh_content_free(c);
}

/* ----------------------------------------------- allocation failures */

/* Like jansson's test_chaos: the Nth allocation fails, every N in turn. */
static int chaos_countdown = -1;

static void *chaos_malloc(size_t n)
{
	if (chaos_countdown == 0)
		return NULL;
	if (chaos_countdown > 0)
		chaos_countdown--;
	return malloc(n);
}

typedef json_t *(*render_fn)(const struct hh_content *c);

static json_t *r_article(const struct hh_content *c)
{
	/* help() may fail under the countdown too: the render must take its NULL. */
	return hh_render_article(c, &c->articles[1], help());
}

static json_t *r_ldjson(const struct hh_content *c)
{
	return hh_render_article_ldjson(c, &c->articles[1], "https://example.org");
}

static json_t *r_articles(const struct hh_content *c)
{
	return hh_render_article_list(c, (const struct hh_article *const[]){&c->articles[0], &c->articles[1]}, 2, 2);
}

static json_t *r_causes(const struct hh_content *c)
{
	const struct hh_cause *v[] = {&c->causes[0], &c->causes[1], &c->causes[2]};
	return hh_render_cause_list(c, v, 3);
}

static json_t *r_remedies(const struct hh_content *c)
{
	const struct hh_remedy *v[] = {&c->remedies[0], &c->remedies[1], &c->remedies[2]};
	return hh_render_remedy_list(c, v, 3);
}

/*
 * Fails each allocation in turn until the render succeeds; ASan checks
 * leaks. The first success must be the whole body: a swallowed failure
 * would show up as a success with a field missing.
 */
static void check_chaos(const struct hh_content *c, render_fn fn)
{
	char *want = dump_free(fn(c));
	json_t *j = NULL;
	int n;
	for (n = 0; n < 10000 && j == NULL; n++) {
		chaos_countdown = n;
		j = fn(c);
	}
	chaos_countdown = -1;
	CHECK(j != NULL && n > 1);
	char *got = dump_free(j);
	CHECK_STR(got, want);
	free(got);
	free(want);
}

static void test_allocation_failures(void)
{
	struct hh_content *c = make_content();
	json_set_alloc_funcs(chaos_malloc, free);
	check_chaos(c, r_article);
	check_chaos(c, r_ldjson);
	check_chaos(c, r_articles);
	check_chaos(c, r_causes);
	check_chaos(c, r_remedies);
	json_set_alloc_funcs(malloc, free);
	hh_content_free(c);
}

static void test_dump(void)
{
	json_t *j = json_pack("{s:f,s:s}", "x", 4.7, "u", "\xc3\xa9");
	size_t n = 0;
	char *s = hh_render_dump(j, &n);
	CHECK_STR(s, "{\"x\":4.7,\"u\":\"\xc3\xa9\"}");
	CHECK(s != NULL && n == strlen(s));
	free(s);
	json_decref(j);
	j = json_string("bare");
	CHECK(hh_render_dump(j, NULL) == NULL); /* only objects and arrays */
	json_decref(j);
}

int main(void)
{
	struct hh_content *c = make_content();
	test_causes(c);
	test_remedies(c);
	test_filters(c);
	test_article_summaries(c);
	test_article(c);
	test_ldjson(c);
	hh_content_free(c);
	test_determinism();
	test_invalid_utf8();
	test_allocation_failures();
	test_dump();
	return check_done();
}
