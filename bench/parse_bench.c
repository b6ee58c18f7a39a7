/*
 * parse_bench.c - the free-text reader alone, in one thread (bench/parse runs it): how long
 * one parse of a 200-character and of a 4,000-character English message takes, as the
 * server would read them (content from the folder, phrases compiled once).
 *
 *   hh_parse_bench [CONTENT_DIR] [ITERATIONS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "healthhub/common.h"
#include "healthhub/loader.h"
#include "healthhub/textparse.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static void run(const struct hh_content *c, const char *what, const char *text, int iterations)
{
	uint64_t *ns = xcalloc((size_t)iterations, sizeof(*ns));
	struct hh_textparse_result *r = xmalloc(sizeof(*r));
	uint64_t total = 0;
	for (int i = 0; i < iterations; i++) {
		uint64_t t0 = hh_now_ns();
		hh_textparse(c, HH_LANG_EN, "GB", text, strlen(text), r);
		ns[i] = hh_now_ns() - t0;
		total += ns[i];
	}
	qsort(ns, (size_t)iterations, sizeof(*ns), cmp_u64);
	printf("%-22s %5zu bytes  %d parses  mean %.3f ms  p50 %.3f ms  p99 %.3f ms  max %.3f ms  (%.0f parses/s "
	       "in one thread; %zu mentions)\n",
	       what, strlen(text), iterations, total / 1e6 / iterations, ns[iterations / 2] / 1e6,
	       ns[iterations * 99 / 100] / 1e6, ns[iterations - 1] / 1e6, iterations / (total / 1e9), r->n_mentions);
	free(r);
	free(ns);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "content";
	int iterations = argc > 2 ? atoi(argv[2]) : 2000;
	struct hh_content *c = NULL;
	struct hh_content_files files = {0};
	struct hh_diags d = {0};
	if (iterations < 10 || hh_loader_read_dir(dir, &c, &files, &d) < 0) {
		hh_diags_print(&d, stderr);
		fprintf(stderr, "usage: hh_parse_bench [CONTENT_DIR] [ITERATIONS >= 10]\n");
		return 2;
	}
	const char *short_text =
		"45 y/o, dull ache between my shoulder blades for 2 wks, worse at my desk, no fever but "
		"my legs feel a bit numb. Think it started after moving house, can't sleep well bc of "
		"it, no chest pain :( ok";
	const char *chunk =
		"So I'm 52 and my mid back has been sore for about three weeks now, worse when I sit at the "
		"computer and it sometimes wakes me at night. No fever that I know of, no weight loss, I "
		"did fall off my bike last year but that was fine. Maybe a bit of tingling in my fingers? "
		"Not sure. ";
	char long_text[4001];
	size_t n = 0, k = strlen(chunk);
	while (n + k < sizeof(long_text)) {
		memcpy(long_text + n, chunk, k);
		n += k;
	}
	memcpy(long_text + n, chunk, sizeof(long_text) - 1 - n);
	long_text[sizeof(long_text) - 1] = '\0';
	run(c, "200 characters", short_text, iterations);
	run(c, "4,000 characters", long_text, iterations / 4);
	hh_content_free(c);
	hh_content_files_free(&files);
	hh_diags_free(&d);
	return 0;
}
