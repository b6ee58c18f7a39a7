/*
 * diags.h - a list of "file:line: field: message" problems, the way the
 * content loader tells an editor every mistake in one run.
 *
 * Each entry owns its strings; hh_diags_free releases them all. A zeroed
 * struct hh_diags is an empty list.
 */
#ifndef HEALTHHUB_DIAGS_H
#define HEALTHHUB_DIAGS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h> /* FILE, for hh_diags_print */

#include "healthhub/common.h"

struct hh_diag {
	char *file;    /* relative path, e.g. "causes/poor-posture.json" */
	int line;      /* 1-based; 0 when the problem is the file itself */
	int column;    /* 1-based for syntax errors, else 0 */
	char *field;   /* JSON path, e.g. "remedies[1]"; "" when none */
	char *message; /* plain text */
};

struct hh_diags {
	struct hh_diag *v; /* owned */
	size_t n, cap;
};

/* Appends one problem; file and field are copied (NULL counts as ""). */
void hh_diags_add(struct hh_diags *d, const char *file, int line, int column, const char *field, const char *fmt, ...)
	HH_PRINTF(6, 7);
void hh_diags_vadd(struct hh_diags *d, const char *file, int line, int column, const char *field, const char *fmt,
		   va_list ap) HH_PRINTF(6, 0);
/* Writes each as "file:line[:column]: field: message\n". */
void hh_diags_print(const struct hh_diags *d, FILE *out);
void hh_diags_free(struct hh_diags *d);

#endif
