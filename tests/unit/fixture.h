/*
 * fixture.h - the unit tests' one way to load a content folder: the
 * repository's content/ (the tests run from the source directory) or any
 * other folder, with every problem printed. Returns a new content (free it
 * with hh_content_free) or NULL.
 */
#ifndef HEALTHHUB_FIXTURE_H
#define HEALTHHUB_FIXTURE_H

#include <stdio.h>

#include "healthhub/loader.h"

static inline struct hh_content *fixture_content(const char *dir)
{
	struct hh_content *c = NULL;
	struct hh_content_files files = {0};
	struct hh_diags diags = {0};
	if (hh_loader_read_dir(dir, &c, &files, &diags) < 0) {
		hh_diags_print(&diags, stderr);
		c = NULL;
	}
	hh_content_files_free(&files);
	hh_diags_free(&diags);
	return c;
}

#endif
