/*
 * diags.c - the problem list behind `healthhub check` and `migrate`
 * refusals: collected in full, printed one line each, so an editor fixes
 * every mistake in one round trip.
 */
#include "healthhub/diags.h"

#include <stdlib.h>

static char *xvasprintf(const char *fmt, va_list ap) HH_PRINTF(1, 0);

static char *xvasprintf(const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return xstrdup("(unprintable message)");
	char *p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

void hh_diags_vadd(struct hh_diags *d, const char *file, int line, int column, const char *field, const char *fmt,
		   va_list ap)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 16;
		d->v = xrealloc(d->v, d->cap * sizeof(*d->v));
	}
	struct hh_diag *g = &d->v[d->n++];
	g->message = xvasprintf(fmt, ap);
	g->file = xstrdup(file ? file : "");
	g->line = line;
	g->column = column;
	g->field = xstrdup(field ? field : "");
}

void hh_diags_add(struct hh_diags *d, const char *file, int line, int column, const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	hh_diags_vadd(d, file, line, column, field, fmt, ap);
	va_end(ap);
}

void hh_diags_print(const struct hh_diags *d, FILE *out)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct hh_diag *g = &d->v[i];
		fprintf(out, "%s:%d", g->file, g->line);
		if (g->column > 0)
			fprintf(out, ":%d", g->column);
		if (g->field[0] != '\0')
			fprintf(out, ": %s", g->field);
		fprintf(out, ": %s\n", g->message);
	}
}

void hh_diags_free(struct hh_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].field);
		free(d->v[i].message);
	}
	free(d->v);
	d->v = NULL;
	d->n = d->cap = 0;
}
