/*
 * problem.c - problem+json bodies and headers (see problem.h).
 */
#include "healthhub/problem.h"

#include <jansson.h>

#include "healthhub/render.h"

static json_t *errors_json(const struct hh_field_errors *errs)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < errs->n; i++)
		json_array_append_new(
			a, json_pack("{s:s, s:s}", "field", errs->v[i].field, "message", errs->v[i].message));
	return a;
}

static json_t *problem_json(const struct hh_error *e, const char *instance, const char *request_id)
{
	return json_pack("{s:s, s:s, s:i, s:s, s:s, s:s}", "type", hh_error_type(e->kind), "title",
			 hh_error_title(e->kind), "status", hh_error_status(e->kind), "detail", e->message, "instance",
			 instance, "request_id", request_id);
}

char *hh_problem_body(const struct hh_error *e, const char *instance, const char *request_id, size_t *len)
{
	/* the path was checked for UTF-8 when decoded; "/" is the fallback should that ever fail */
	json_t *p = problem_json(e, instance && instance[0] ? instance : "/", request_id);
	if (p == NULL)
		p = problem_json(e, "/", request_id);
	if (p != NULL && e->fields != NULL && e->fields->n > 0)
		json_object_set_new(p, "errors", errors_json(e->fields));
	char *body = p ? hh_render_dump(p, len) : NULL;
	json_decref(p);
	return body;
}

int hh_problem_headers(const struct hh_error *e, const struct hh_problem_headers *h, struct MHD_Response *r)
{
	int status = hh_error_status(e->kind);
	int ok = MHD_add_response_header(r, "Content-Type", HH_PROBLEM_TYPE) == MHD_YES &&
		 MHD_add_response_header(r, "Cache-Control", "no-store") == MHD_YES;
	if (ok && status == 405 && h->allow != NULL)
		ok = MHD_add_response_header(r, "Allow", h->allow) == MHD_YES;
	if (ok && (status == 503 || status == 429) && h->retry_after != NULL)
		ok = MHD_add_response_header(r, "Retry-After", h->retry_after) == MHD_YES;
	return ok ? 0 : -1;
}
