/*
 * search_bench.c - the search index alone, in process (bench/search): builds
 * the index of a content folder (bench/scale's synthetic library, say) and
 * runs a fixed number of distinct queries, first page of 20 with snippets,
 * as bench/scale's wrk scripts send them, so their CPU can be compared
 * between builds with perf stat or callgrind without a server or a
 * database.
 *
 * Usage: hh_search_bench CONTENT_DIR WORDS_FILE [QUERIES [MODE]]
 *   MODE: or (default: "w1 or w2", bench/scale's distinct `or` pairs),
 *         and ("w1 w2"), all ("article", every synthetic article).
 * With PERF_CTL_FIFO set (perf record --control=fifo:PATH -D -1), perf
 * is enabled once the index is built. With SHOW set, prints each hit's
 * snippet too. Prints the CPU time per query and a checksum of the hits (same across builds
 * that rank alike).
 */
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "healthhub/common.h"
#include "healthhub/loader.h"
#include "healthhub/search.h"

#define MAX_WORDS 4096
#define ROUNDS 5

/* CPU time of this thread (the machine may be busy: wall time would lie) */
static double cpu_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s CONTENT_DIR WORDS_FILE [QUERIES [or|and|all]]\n", argv[0]);
		return 2;
	}
	long queries = argc > 3 ? atol(argv[3]) : 2000;
	const char *mode = argc > 4 ? argv[4] : "or";
	int show = getenv("SHOW") != NULL; /* SHOW=1: print each hit's snippet (query, slug, JSON) */
	static char words[MAX_WORDS][64];
	size_t n_words = 0;
	FILE *f = fopen(argv[2], "r");
	if (f == NULL) {
		perror(argv[2]);
		return 1;
	}
	while (n_words < MAX_WORDS && fscanf(f, "%63s", words[n_words]) == 1)
		n_words++;
	fclose(f);
	if (n_words == 0)
		return 1;
	struct hh_content *c = NULL;
	struct hh_content_files files = {0};
	struct hh_diags diags = {0};
	if (hh_loader_read_dir(argv[1], &c, &files, &diags) < 0) {
		hh_diags_print(&diags, stderr);
		return 1;
	}
	hh_content_files_free(&files);
	hh_diags_free(&diags);
	struct hh_search_stats stats;
	struct hh_search *ix = hh_search_build(c, NULL, NULL, &stats);
	if (ix == NULL)
		return 1;
	fprintf(stderr, "index: %.0f ms, %zu bytes\n", stats.ms, stats.bytes);
	unsigned long long sum = 0, rank = 0, total = 0;
	/* perf record --control=fifo:PATH -D -1 ...: profile the queries only */
	const char *ctl = getenv("PERF_CTL_FIFO");
	FILE *pf = ctl != NULL ? fopen(ctl, "w") : NULL;
	if (pf != NULL)
		fclose((fputs("enable\n", pf), pf));
	/* ROUNDS runs of the same queries; the least CPU of a round is the figure (others' load only adds) */
	double best = 0;
	for (int round = 0; round < ROUNDS; round++) {
		double t0 = cpu_ms();
		sum = rank = total = 0;
		for (long n = 1; n <= queries; n++) {
			/* bench/scale's walk of the pair space (thread 1) */
			size_t i = (size_t)(n * 7919 + 104729) % n_words, j = (size_t)(n * 31 + 17) % n_words;
			char q[160];
			if (strcmp(mode, "all") == 0)
				snprintf(q, sizeof(q), "article");
			else
				snprintf(q, sizeof(q), strcmp(mode, "and") == 0 ? "%s %s" : "%s or %s", words[i],
					 words[j]);
			struct hh_search_page p;
			if (hh_search_query(ix, HH_SEARCH_ARTICLES, HH_LANG_EN, q, c, 0, 0, 20, 0, &p) < 0)
				return 1;
			total += (unsigned long long)p.total;
			rank = rank * 31 + (unsigned long long)p.total;
			for (size_t k = 0; k < p.n; k++) {
				for (const char *s = p.slugs[k]; *s; s++)
					rank = rank * 31 + (unsigned char)*s;
				char *js = p.snippets[k] ? json_dumps(p.snippets[k], JSON_COMPACT) : NULL;
				if (show && round == 0)
					printf("%s\t%s\t%s\n", q, p.slugs[k], js ? js : "null");
				for (const char *s = js; s && *s; s++)
					sum = sum * 31 + (unsigned char)*s;
				free(js);
			}
			hh_search_page_free(&p);
		}
		double ms = cpu_ms() - t0;
		if (round == 0 || ms < best)
			best = ms;
	}
	printf("%ld %s queries: %.3f ms CPU each (least of %d rounds), mean total %.0f, ranking %016llx, snippets "
	       "%016llx\n",
	       queries, mode, best / (double)queries, ROUNDS, (double)total / (double)queries, rank, sum);
	hh_search_free(ix);
	hh_content_free(c);
	return 0;
}
