/*
 * fuzz_content.c - libFuzzer harness for content file validation
 * (hh_loader_check_file), the code that reads what administrators write.
 *
 * The first input byte picks the path the bytes are checked as, and so the
 * file kind: 'a' article, 'c' cause, 'r' remedy, 's' triage/symptoms.json,
 * 'p' triage/policy.json; any other byte picks from the whole table by
 * value, which also reaches a slug that does not match its file name and
 * paths that are not content at all. The rest is the file's bytes.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "healthhub/loader.h"

static const struct {
	char pick;
	const char *path;
} paths[] = {
	{'a', "articles/upper-middle-back-muscle-soreness.json"},
	{'c', "causes/poor-posture.json"},
	{'r', "remedies/improve-posture.json"},
	{'s', "triage/symptoms.json"},
	{'p', "triage/policy.json"},
	{'C', "causes/not-the-slug-inside.json"},
	{'n', "notes/readme.json"},
	{'x', "causes/../../etc/passwd"},
	{'e', ""},
};

static FILE *sink; /* diagnostics are formatted, then thrown away */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	json_object_seed(0x5eed); /* fixed, so a crash reproduces */
	sink = fopen("/dev/null", "w");
	return sink != NULL ? 0 : 1;
}

static const char *pick_path(uint8_t b)
{
	for (size_t i = 0; i < HH_ARRAY_LEN(paths); i++)
		if ((uint8_t)paths[i].pick == b)
			return paths[i].path;
	return paths[b % HH_ARRAY_LEN(paths)].path;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	const char *path = pick_path(data[0]);
	char *buf = xmalloc(size > 1 ? size - 1 : 1); /* exactly the file's bytes: no NUL added */
	memcpy(buf, data + 1, size - 1);
	struct hh_diags diags = {0};
	if (hh_loader_check_file(path, buf, size - 1, &diags) < 0 && sink != NULL)
		hh_diags_print(&diags, sink);
	hh_diags_free(&diags);
	free(buf);
	return 0;
}
