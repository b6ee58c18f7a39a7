/* error.c - the error-kind table, field-error lists and the error value. */
#include "healthhub/error.h"

#include <stdarg.h>
#include <stdio.h>

static const struct {
	int status;
	const char *title;
	const char *type;
} kinds[HH_E__COUNT] = {
#define HH_X(kind, status, title, type) [kind] = {status, title, "/problems/" type},
	HH_ERROR_KINDS(HH_X)
#undef HH_X
};

int hh_error_status(enum hh_error_kind k)
{
	return (unsigned)k < HH_E__COUNT ? kinds[k].status : 500;
}

const char *hh_error_title(enum hh_error_kind k)
{
	return (unsigned)k < HH_E__COUNT ? kinds[k].title : "Internal Server Error";
}

const char *hh_error_type(enum hh_error_kind k)
{
	return (unsigned)k < HH_E__COUNT ? kinds[k].type : "/problems/internal";
}

void hh_field_errors_add(struct hh_field_errors *e, const char *field, const char *fmt, ...)
{
	if (e->n >= HH_MAX_FIELD_ERRORS) {
		e->dropped++;
		return;
	}
	struct hh_field_error *fe = &e->v[e->n++];
	snprintf(fe->field, sizeof(fe->field), "%s", field);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(fe->message, sizeof(fe->message), fmt, ap);
	va_end(ap);
}

struct hh_error *hh_error_set(struct hh_error *e, enum hh_error_kind kind, const char *fmt, ...)
{
	e->kind = kind;
	e->detail[0] = '\0';
	e->fields = NULL;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	return e;
}

struct hh_error *hh_error_private(struct hh_error *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
	va_end(ap);
	return e;
}
