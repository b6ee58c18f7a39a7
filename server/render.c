/*
 * render.c - content structs to the JSON bodies of API.md.
 *
 * Every builder here either returns a complete value or NULL with nothing
 * leaked: helpers take ownership of what they are handed (like jansson's
 * *_set_new) so a failure anywhere unwinds with one json_decref.
 */
#include "healthhub/render.h"
#include "healthhub/i18n.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ helpers */

/* A NULL C string is JSON null; json_string itself would fail on it. */
static json_t *str_or_null(const char *s)
{
	return s == NULL ? json_null() : json_string(s);
}

/* Steals v, even when v is NULL (a failed constructor) or the set fails. */
static int set(json_t *o, const char *key, json_t *v)
{
	if (v == NULL)
		return -1;
	return json_object_set_new(o, key, v) == 0 ? 0 : -1;
}

/* s must not be NULL: a required field that is missing is an error. */
static int set_str(json_t *o, const char *key, const char *s)
{
	return set(o, key, json_string(s));
}

/* ld+json leaves unknown facts out rather than state null. */
static int set_opt_str(json_t *o, const char *key, const char *s)
{
	return s == NULL ? 0 : set_str(o, key, s);
}

/* Steals v, like set(). */
static int push(json_t *arr, json_t *v)
{
	if (v == NULL)
		return -1;
	return json_array_append_new(arr, v) == 0 ? 0 : -1;
}

static json_t *fail(json_t *j)
{
	json_decref(j);
	return NULL;
}

static json_t *strv_array(const struct hh_strv *v)
{
	json_t *arr = json_array();
	if (arr == NULL)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		if (push(arr, json_string(v->v[i])) < 0)
			return fail(arr);
	return arr;
}

/* Bit masks as names, in the enum's (canonical) order. */
static json_t *bits_array(unsigned bits, int count, const char *(*name)(unsigned))
{
	json_t *arr = json_array();
	const char *names[32];
	size_t n = hh_bits_names(bits, count < 32 ? count : 32, name, names);
	for (size_t i = 0; arr != NULL && i < n; i++)
		if (push(arr, json_string(names[i])) < 0)
			return fail(arr);
	return arr;
}

static json_t *positions_array(unsigned bits)
{
	return bits_array(bits, HH_POSITION_COUNT, hh_position_name);
}

static json_t *regions_array(unsigned bits)
{
	return bits_array(bits, HH_REGION_COUNT, hh_region_name);
}

static json_t *references_array(const struct hh_reference_list *r)
{
	json_t *arr = json_array();
	if (arr == NULL)
		return NULL;
	for (size_t i = 0; i < r->n; i++) {
		json_t *o = json_object();
		if (push(arr, o) < 0 || set_str(o, "title", r->v[i].title) < 0 || set_str(o, "url", r->v[i].url) < 0)
			return fail(arr);
	}
	return arr;
}

/* ----------------------------------------------------------- articles */

/* {state, approved_at, role}: a text's sign-off, "pending" unless signed off. New reference. */
static json_t *review_json(const struct hh_review *r)
{
	int approved = r->state != NULL && strcmp(r->state, "approved") == 0;
	return json_pack("{s:s, s:o, s:o}", "state", approved ? "approved" : "pending", "approved_at",
			 str_or_null(approved ? r->approved_at : NULL), "role", str_or_null(approved ? r->role : NULL));
}

/* {slug, title, summary, updated_at, review}. a is borrowed. New reference. */
static json_t *article_summary(const struct hh_article *a)
{
	json_t *o = json_object();
	if (o == NULL)
		return NULL;
	if (set_str(o, "slug", a->slug) < 0 || set_str(o, "title", a->title) < 0 ||
	    set_str(o, "summary", a->summary) < 0 || set(o, "updated_at", str_or_null(a->updated_at)) < 0 ||
	    set(o, "review", review_json(&a->review)) < 0 || set_opt_str(o, "lang", a->lang) < 0)
		return fail(o);
	return o;
}

json_t *hh_render_article_list(const struct hh_content *c, const struct hh_article *const *items, size_t n,
			       long long total)
{
	(void)c;
	json_t *o = json_object();
	if (o == NULL)
		return NULL;
	json_t *arr = json_array();
	if (set(o, "items", arr) < 0 || set(o, "total", json_integer(total)) < 0)
		return fail(o);
	for (size_t i = 0; i < n; i++)
		if (push(arr, article_summary(items[i])) < 0)
			return fail(o);
	return o;
}

static json_t *sections_array(const struct hh_article *a)
{
	json_t *arr = json_array();
	if (arr == NULL)
		return NULL;
	for (size_t i = 0; i < a->n_sections; i++) {
		const struct hh_section *s = &a->sections[i];
		json_t *o = json_object();
		if (push(arr, o) < 0 || set_str(o, "id", s->id) < 0 || set_str(o, "heading", s->heading) < 0 ||
		    set_str(o, "body", s->body) < 0)
			return fail(arr);
	}
	return arr;
}

/* {slug, name, summary[, lang]}: how an article names a cause or remedy it links (lang: it is untranslated). */
static json_t *link_object(const char *slug, const char *name, const char *summary, const char *lang)
{
	json_t *o = json_object();
	if (o == NULL)
		return NULL;
	if (set_str(o, "slug", slug) < 0 || set_str(o, "name", name) < 0 || set_str(o, "summary", summary) < 0 ||
	    set_opt_str(o, "lang", lang) < 0)
		return fail(o);
	return o;
}

static json_t *cause_links(const struct hh_content *c, const struct hh_strv *slugs)
{
	json_t *arr = json_array();
	if (arr == NULL)
		return NULL;
	for (size_t i = 0; i < slugs->n; i++) {
		const struct hh_cause *x = hh_content_cause(c, slugs->v[i]);
		if (x != NULL && push(arr, link_object(x->slug, x->name, x->summary, x->lang)) < 0)
			return fail(arr);
	}
	return arr;
}

static json_t *remedy_links(const struct hh_content *c, const struct hh_strv *slugs)
{
	json_t *arr = json_array();
	if (arr == NULL)
		return NULL;
	for (size_t i = 0; i < slugs->n; i++) {
		const struct hh_remedy *x = hh_content_remedy(c, slugs->v[i]);
		if (x != NULL && push(arr, link_object(x->slug, x->name, x->summary, x->lang)) < 0)
			return fail(arr);
	}
	return arr;
}

/* The fields API.md lists before when_to_get_help. */
static int article_head(const struct hh_content *c, const struct hh_article *a, json_t *o)
{
	if (set_str(o, "slug", a->slug) < 0 || set_str(o, "title", a->title) < 0 ||
	    set_str(o, "summary", a->summary) < 0 || set(o, "alternate_names", strv_array(&a->alternate_names)) < 0 ||
	    set(o, "sections", sections_array(a)) < 0 || set(o, "causes", cause_links(c, &a->causes)) < 0 ||
	    set(o, "remedies", remedy_links(c, &a->remedies)) < 0)
		return -1;
	return 0;
}

/* The fields API.md lists after when_to_get_help. */
static int article_tail(const struct hh_article *a, json_t *o)
{
	if (set(o, "positions", positions_array(a->positions)) < 0 ||
	    set(o, "regions", regions_array(a->regions)) < 0 ||
	    set(o, "references", references_array(&a->references)) < 0 ||
	    set(o, "reviewed_at", str_or_null(a->reviewed_at)) < 0 ||
	    set(o, "next_review_due", str_or_null(a->next_review_due)) < 0 ||
	    set(o, "updated_at", str_or_null(a->updated_at)) < 0 || set(o, "version", json_integer(a->version)) < 0 ||
	    set_opt_str(o, "translation_review", a->translation_review) < 0 ||
	    set(o, "review", review_json(&a->review)) < 0 || set_opt_str(o, "lang", a->lang) < 0)
		return -1;
	return 0;
}

json_t *hh_render_article(const struct hh_content *c, const struct hh_article *a, json_t *when_to_get_help)
{
	json_t *o = json_object();
	int rc;
	if (o == NULL || when_to_get_help == NULL || article_head(c, a, o) < 0)
		goto fail;
	rc = json_object_set_new(o, "when_to_get_help", when_to_get_help);
	when_to_get_help = NULL; /* stolen, even when the set failed */
	if (rc != 0 || article_tail(a, o) < 0)
		goto fail;
	return o;
fail:
	json_decref(when_to_get_help);
	json_decref(o);
	return NULL;
}

/* ------------------------------------------------------------ ld+json */

/*
 * Section ids are free-form anchors, so the health aspect is guessed from
 * words in the id; the first match wins ("self-help" before "help"). An id
 * that matches nothing gets no aspect rather than a wrong one.
 */
static const struct {
	const char *word;
	const char *aspect;
} aspect_words[] = {
	{"overview", "OverviewHealthAspect"},
	{"symptom", "SymptomsHealthAspect"},
	{"cause", "CausesHealthAspect"},
	{"self-care", "SelfCareHealthAspect"},
	{"self-help", "SelfCareHealthAspect"},
	{"you-can-do", "SelfCareHealthAspect"},
	{"home", "SelfCareHealthAspect"},
	{"remed", "SelfCareHealthAspect"},
	{"treat", "TreatmentsHealthAspect"},
	{"doctor", "SeeDoctorHealthAspect"},
	{"help", "SeeDoctorHealthAspect"},
	{"urgent", "SeeDoctorHealthAspect"},
	{"prevent", "PreventionHealthAspect"},
	{"outlook", "PrognosisHealthAspect"},
	{"prognosis", "PrognosisHealthAspect"},
	{"recover", "PrognosisHealthAspect"},
	{"living-with", "LivingWithHealthAspect"},
	{"complication", "RisksOrComplicationsHealthAspect"},
	{"risk", "RisksOrComplicationsHealthAspect"},
	{"type", "TypesHealthAspect"},
};

static const char *section_aspect(const char *id)
{
	for (size_t i = 0; i < HH_ARRAY_LEN(aspect_words); i++)
		if (strstr(id, aspect_words[i].word) != NULL)
			return aspect_words[i].aspect;
	return NULL;
}

/* Full IRIs, so the value reads as a schema.org term in any JSON-LD context. */
static int set_aspect(json_t *o, const char *aspect)
{
	if (aspect == NULL)
		return 0;
	char *iri = xasprintf("https://schema.org/%s", aspect);
	int rc = set(o, "hasHealthAspect", json_string(iri));
	free(iri);
	return rc;
}

static int set_url(json_t *o, const char *base, const char *path, const char *slug_or_id)
{
	char *url = xasprintf("%s%s%s", base, path, slug_or_id);
	int rc = set(o, "url", json_string(url));
	free(url);
	return rc;
}

static json_t *page_element(const char *name, const char *text)
{
	json_t *o = json_object();
	if (o == NULL)
		return NULL;
	if (set_str(o, "@type", "WebPageElement") < 0 || set_str(o, "name", name) < 0 || set_str(o, "text", text) < 0)
		return fail(o);
	return o;
}

/* A HealthTopicContent part: hasHealthAspect belongs on that type. */
static json_t *topic_part(const char *aspect, const char *name)
{
	json_t *o = json_object();
	if (o == NULL)
		return NULL;
	if (set_str(o, "@type", "HealthTopicContent") < 0 || set_aspect(o, aspect) < 0 || set_str(o, "name", name) < 0)
		return fail(o);
	return o;
}

static json_t *section_part(const struct hh_section *s, const char *page_url)
{
	json_t *o = topic_part(section_aspect(s->id), s->heading);
	if (o == NULL)
		return NULL;
	if (set_url(o, page_url, "#", s->id) < 0)
		return fail(o);
	/* Created only once it can be handed over at once, so it cannot leak. */
	json_t *parts = json_array();
	if (set(o, "hasPart", parts) < 0 || push(parts, page_element(s->heading, s->body)) < 0)
		return fail(o);
	return o;
}

/* One linked item of a health-aspect part: a cause or a remedy. */
struct part_item {
	const char *name, *summary, *slug;
};

/* A health-aspect part listing items, each linked under path (e.g. "/v1/causes/"). */
static json_t *aspect_part(const char *aspect, const char *title, const struct part_item *items, size_t n,
			   const char *base, const char *path)
{
	json_t *o = topic_part(aspect, title);
	if (o == NULL)
		return NULL;
	json_t *parts = json_array();
	if (set(o, "hasPart", parts) < 0)
		return fail(o);
	for (size_t i = 0; i < n; i++) {
		json_t *e = page_element(items[i].name, items[i].summary);
		if (push(parts, e) < 0 || set_url(e, base, path, items[i].slug) < 0)
			return fail(o);
	}
	return o;
}

static json_t *cause_part(const struct hh_content *c, const struct hh_article *a, const char *base)
{
	struct part_item *items = xcalloc(a->causes.n + 1, sizeof(*items));
	size_t n = 0;
	for (size_t i = 0; i < a->causes.n; i++) {
		const struct hh_cause *x = hh_content_cause(c, a->causes.v[i]);
		if (x != NULL)
			items[n++] = (struct part_item){x->name, x->summary, x->slug};
	}
	json_t *o = aspect_part("CausesHealthAspect", "Causes", items, n, base, "/v1/causes/");
	free(items);
	return o;
}

static json_t *remedy_part(const struct hh_content *c, const struct hh_article *a, const char *base)
{
	struct part_item *items = xcalloc(a->remedies.n + 1, sizeof(*items));
	size_t n = 0;
	for (size_t i = 0; i < a->remedies.n; i++) {
		const struct hh_remedy *x = hh_content_remedy(c, a->remedies.v[i]);
		if (x != NULL)
			items[n++] = (struct part_item){x->name, x->summary, x->slug};
	}
	json_t *o = aspect_part("SelfCareHealthAspect", "Self-care", items, n, base, "/v1/remedies/");
	free(items);
	return o;
}

static json_t *ld_parts(const struct hh_content *c, const struct hh_article *a, const char *base, const char *page_url)
{
	json_t *arr = json_array();
	if (arr == NULL)
		return NULL;
	for (size_t i = 0; i < a->n_sections; i++)
		if (push(arr, section_part(&a->sections[i], page_url)) < 0)
			return fail(arr);
	if (push(arr, cause_part(c, a, base)) < 0 || push(arr, remedy_part(c, a, base)) < 0)
		return fail(arr);
	return arr;
}

static json_t *ld_citations(const struct hh_reference_list *r)
{
	json_t *arr = json_array();
	if (arr == NULL)
		return NULL;
	for (size_t i = 0; i < r->n; i++) {
		json_t *o = json_object();
		if (push(arr, o) < 0 || set_str(o, "@type", "CreativeWork") < 0 ||
		    set_str(o, "name", r->v[i].title) < 0 || set_str(o, "url", r->v[i].url) < 0)
			return fail(arr);
	}
	return arr;
}

static json_t *ld_about(const struct hh_article *a)
{
	json_t *o = json_object();
	if (o == NULL)
		return NULL;
	if (set_str(o, "@type", "MedicalCondition") < 0 || set_str(o, "name", a->title) < 0 ||
	    set(o, "alternateName", strv_array(&a->alternate_names)) < 0)
		return fail(o);
	return o;
}

/* The page's BCP 47 tag: its language as written for its country ("en-GB", "es-US"). */
static void language_tag(const struct hh_content *c, char out[8])
{
	if (c->country == NULL)
		snprintf(out, 8, "en-GB"); /* a content without countries is the GB English it always was */
	else
		snprintf(out, 8, "%.2s-%.2s", hh_lang_name(c->lang), c->country->code);
}

static int ld_fill(json_t *o, const struct hh_content *c, const struct hh_article *a, const char *base,
		   const char *page_url)
{
	char tag[8];
	language_tag(c, tag);
	if (set_str(o, "@context", "https://schema.org") < 0 || set_str(o, "@type", "MedicalWebPage") < 0 ||
	    set_str(o, "name", a->title) < 0 || set_str(o, "description", a->summary) < 0 ||
	    set_str(o, "url", page_url) < 0 || set_str(o, "inLanguage", tag) < 0 || set(o, "about", ld_about(a)) < 0 ||
	    set(o, "alternateName", strv_array(&a->alternate_names)) < 0 ||
	    set_opt_str(o, "lastReviewed", a->reviewed_at) < 0 || set_opt_str(o, "dateModified", a->updated_at) < 0 ||
	    set(o, "citation", ld_citations(&a->references)) < 0 ||
	    set(o, "hasPart", ld_parts(c, a, base, page_url)) < 0)
		return -1;
	return 0;
}

json_t *hh_render_article_ldjson(const struct hh_content *c, const struct hh_article *a, const char *base_url)
{
	const char *base = base_url == NULL ? "" : base_url;
	char *page_url = xasprintf("%s/v1/articles/%s", base, a->slug);
	json_t *o = json_object();
	if (o != NULL && ld_fill(o, c, a, base, page_url) < 0) {
		json_decref(o);
		o = NULL;
	}
	free(page_url);
	return o;
}

/* ------------------------------------------------- causes and remedies */

/*
 * The slugs of a cause's remedies that c serves: under --require-approval a
 * remedy never signed off is not served, and the cause withholds the link
 * rather than name a 404 (API.md: the served mix is checked like any content).
 */
static json_t *served_remedies(const struct hh_content *c, const struct hh_strv *v)
{
	json_t *arr = json_array();
	if (arr == NULL)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		if (hh_content_remedy(c, v->v[i]) != NULL && push(arr, json_string(v->v[i])) < 0)
			return fail(arr);
	return arr;
}

json_t *hh_render_cause(const struct hh_content *c, const struct hh_cause *x)
{
	json_t *o = json_object();
	if (o == NULL)
		return NULL;
	if (set_str(o, "slug", x->slug) < 0 || set_str(o, "name", x->name) < 0 ||
	    set_str(o, "summary", x->summary) < 0 || set_str(o, "description", x->description) < 0 ||
	    set(o, "positions", positions_array(x->positions)) < 0 ||
	    set(o, "regions", regions_array(x->regions)) < 0 ||
	    set(o, "remedies", served_remedies(c, &x->remedies)) < 0 ||
	    set(o, "see_doctor_if", str_or_null(x->see_doctor_if)) < 0 ||
	    set(o, "references", references_array(&x->references)) < 0 ||
	    set_opt_str(o, "translation_review", x->translation_review) < 0 ||
	    set(o, "review", review_json(&x->review)) < 0 || set_opt_str(o, "lang", x->lang) < 0)
		return fail(o);
	return o;
}

json_t *hh_render_cause_list(const struct hh_content *c, const struct hh_cause *const *items, size_t n)
{
	json_t *o = json_object();
	if (o == NULL)
		return NULL;
	json_t *arr = json_array();
	if (set(o, "items", arr) < 0 || set(o, "total", json_integer((json_int_t)n)) < 0)
		return fail(o);
	for (size_t i = 0; i < n; i++)
		if (push(arr, hh_render_cause(c, items[i])) < 0)
			return fail(o);
	return o;
}

json_t *hh_render_remedy(const struct hh_content *c, const struct hh_remedy *x)
{
	(void)c;
	json_t *o = json_object();
	if (o == NULL)
		return NULL;
	if (set_str(o, "slug", x->slug) < 0 || set_str(o, "name", x->name) < 0 ||
	    set_str(o, "summary", x->summary) < 0 || set_str(o, "description", x->description) < 0 ||
	    set(o, "steps", strv_array(&x->steps)) < 0 || set(o, "causes", strv_array(&x->causes)) < 0 ||
	    set(o, "references", references_array(&x->references)) < 0 ||
	    set_opt_str(o, "translation_review", x->translation_review) < 0 ||
	    set(o, "review", review_json(&x->review)) < 0 || set_opt_str(o, "lang", x->lang) < 0)
		return fail(o);
	return o;
}

json_t *hh_render_remedy_list(const struct hh_content *c, const struct hh_remedy *const *items, size_t n)
{
	json_t *o = json_object();
	if (o == NULL)
		return NULL;
	json_t *arr = json_array();
	if (set(o, "items", arr) < 0 || set(o, "total", json_integer((json_int_t)n)) < 0)
		return fail(o);
	for (size_t i = 0; i < n; i++)
		if (push(arr, hh_render_remedy(c, items[i])) < 0)
			return fail(o);
	return o;
}

/* ------------------------------------------------------------ filters */

size_t hh_filter_causes(const struct hh_content *c, unsigned position_bits, unsigned region_bits,
			const struct hh_cause **out)
{
	size_t k = 0;
	for (size_t i = 0; i < c->n_causes; i++) {
		const struct hh_cause *x = &c->causes[i];
		if ((x->positions & position_bits) == position_bits && (x->regions & region_bits) == region_bits)
			out[k++] = x;
	}
	return k;
}

size_t hh_filter_remedies(const struct hh_content *c, const char *cause_slug, const struct hh_remedy **out)
{
	size_t k = 0;
	if (cause_slug == NULL) {
		for (size_t i = 0; i < c->n_remedies; i++)
			out[k++] = &c->remedies[i];
		return k;
	}
	const struct hh_cause *x = hh_content_cause(c, cause_slug);
	if (x == NULL)
		return 0;
	/* Bounded by the capacity too, should a cause list a remedy twice. */
	for (size_t i = 0; i < x->remedies.n && k < c->n_remedies; i++) {
		const struct hh_remedy *r = hh_content_remedy(c, x->remedies.v[i]);
		if (r != NULL)
			out[k++] = r;
	}
	return k;
}

/* ------------------------------------------------------------ triage vocabulary */

static json_t *source_json(const struct hh_reference *ref)
{
	if (ref->url == NULL)
		return json_null(); /* this country cites nothing for it (citations.c) */
	json_t *o = json_object();
	if (o == NULL || set(o, "title", str_or_null(ref->title)) < 0 || set(o, "url", str_or_null(ref->url)) < 0)
		return fail(o);
	return o;
}

/* {code, message, source}: red flags and age/duration rules share one shape. */
static json_t *help_item(const char *code, const char *message, const struct hh_reference *src)
{
	json_t *o = json_object();
	if (o == NULL || set(o, "code", json_string(code)) < 0 || set(o, "message", str_or_null(message)) < 0 ||
	    set(o, "source", source_json(src)) < 0)
		return fail(o);
	return o;
}

static int help_add(json_t *groups, enum hh_level level, json_t *item)
{
	json_t *arr = json_object_get(groups, hh_level_name(level));
	if (arr == NULL) {
		json_decref(item);
		return 0; /* self_care rules are not "getting help" */
	}
	return push(arr, item);
}

json_t *hh_render_when_to_get_help(const struct hh_content *c)
{
	json_t *o = json_object();
	if (o == NULL || set(o, "emergency", json_array()) < 0 || set(o, "urgent", json_array()) < 0 ||
	    set(o, "see_doctor", json_array()) < 0)
		return fail(o);
	/* Red flags come most urgent first (hh_content_finish); then the rules. */
	for (size_t i = 0; i < c->n_symptoms; i++) {
		const struct hh_symptom *y = &c->symptoms[i];
		if (y->category == HH_CATEGORY_RED_FLAG &&
		    help_add(o, y->level, help_item(y->code, y->message, &y->source)) < 0)
			return fail(o);
	}
	for (size_t i = 0; i < c->policy.n_rules; i++) {
		const struct hh_rule *r = &c->policy.rules[i];
		if (help_add(o, r->level, help_item(r->code, r->message, &r->source)) < 0)
			return fail(o);
	}
	/* Combinations too: the same rules triage applies, at their own level. */
	for (size_t i = 0; i < c->policy.n_combinations; i++) {
		const struct hh_combination *k = &c->policy.combinations[i];
		if (help_add(o, k->level, help_item(k->code, k->message, &k->source)) < 0)
			return fail(o);
	}
	return o;
}

static json_t *symptom_item(const struct hh_symptom *y)
{
	json_t *o = json_object();
	if (o == NULL || set(o, "code", json_string(y->code)) < 0 || set(o, "question", str_or_null(y->question)) < 0 ||
	    set(o, "category", json_string(hh_category_name(y->category))) < 0 ||
	    set(o, "level", json_string(hh_level_name(y->level))) < 0)
		return fail(o);
	if (y->category == HH_CATEGORY_RED_FLAG && set(o, "source", source_json(&y->source)) < 0)
		return fail(o);
	/* only where the flag applies to some ages: outside them it is not asked and counts as no */
	if (y->ages.given &&
	    set(o, "ages", json_pack("{sIsI}", "min", (json_int_t)y->ages.min, "max", (json_int_t)y->ages.max)) < 0)
		return fail(o);
	return o;
}

json_t *hh_render_symptoms(const struct hh_content *c)
{
	json_t *o = json_object();
	json_t *items = json_array();
	for (size_t i = 0; items != NULL && i < c->n_symptoms; i++)
		if (push(items, symptom_item(&c->symptoms[i])) < 0)
			items = fail(items);
	if (o == NULL || set(o, "items", items) < 0 || set(o, "ruleset_version", str_or_null(c->ruleset_version)) < 0 ||
	    set_opt_str(o, "translation_review", c->translation_review) < 0 ||
	    set(o, "review", review_json(&c->triage_review)) < 0)
		return fail(o);
	return o;
}

/* ---------------------------------------------------------------- dump */

/* A growing buffer that jansson dumps into (json_dump_callback). */
struct dump {
	char *p;
	size_t len, cap;
};

static int dump_add(const char *bytes, size_t n, void *data)
{
	struct dump *d = data;
	if (d->len + n + 1 > d->cap) {
		size_t cap = d->cap ? d->cap : 4096;
		while (cap < d->len + n + 1)
			cap *= 2;
		d->p = xrealloc(d->p, cap);
		d->cap = cap;
	}
	memcpy(d->p + d->len, bytes, n);
	d->len += n;
	return 0;
}

char *hh_render_dump(const json_t *j, size_t *len)
{
	const size_t flags = JSON_COMPACT | JSON_REAL_PRECISION(6);
	/*
	 * Dump into our own buffer so the caller frees with free(), whatever
	 * allocator jansson was given: in one pass (json_dumpb twice, to size
	 * then to write, was a quarter of a search answer's instructions),
	 * then trimmed to its length, as answers keep their bodies.
	 */
	struct dump d = {0};
	if (json_dump_callback(j, dump_add, &d, flags) != 0 || d.len == 0) {
		free(d.p);
		return NULL;
	}
	char *buf = xrealloc(d.p, d.len + 1);
	buf[d.len] = '\0';
	if (len != NULL)
		*len = d.len;
	return buf;
}
