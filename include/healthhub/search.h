/*
 * search.h - full-text search from memory: an index of the served content,
 * per language, built with each snapshot.
 *
 * The engine is SQLite FTS5 (BM25 ranking, phrases, AND/OR/NOT) in an
 * in-memory database, with a tokenizer of our own (search_tok.c) that folds
 * case, stems with Snowball (English or Spanish) and drops the stop words
 * PostgreSQL dropped. One index is one generation: built off the request
 * path, immutable once a snapshot holds it, freed with that snapshot, so a
 * request never mixes hits or totals of two content versions. A reload
 * builds the next generation from the previous one: a page copy of the
 * database (sqlite3_backup) and the changed entities only (a contentless
 * table deletes a row with the text it was indexed with: the old content's).
 *
 * Readers share the generation's database through SQLite's memdb VFS
 * ("file:/name?vfs=memdb", read-only connections, pages read in place
 * through mmap), each from a small pool of connections: one thread at a
 * time per connection, no lock held while a query runs.
 *
 * The query language is websearch_to_tsquery's: words (all must match),
 * "quoted phrases", `or` between alternatives, -word to exclude. It is
 * translated to an FTS5 expression of quoted strings only, so no user text
 * is ever read as FTS5 syntax; a query with nothing searchable (stop words,
 * punctuation, only exclusions) matches nothing.
 */
#ifndef HEALTHHUB_SEARCH_H
#define HEALTHHUB_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "healthhub/common.h"
#include "healthhub/content.h"

enum hh_search_kind { HH_SEARCH_ARTICLES, HH_SEARCH_CAUSES };

/* One index generation. Opaque. */
struct hh_search;

/* What building a generation did. */
struct hh_search_stats {
	int full;       /* 1: every entity indexed; 0: changes applied to a copy of the previous generation */
	size_t added;   /* entity texts indexed (over both languages) */
	size_t removed; /* entity texts taken out (replaced or gone) */
	size_t bytes;   /* the generation's database size */
	double ms;      /* wall time of the build */
	double copy_ms; /* of which: copying the previous generation */
};

/*
 * Indexes content (borrowed, the content as read: English texts plus
 * translations[], placeholders unresolved): articles (title and alternate
 * names, summary, sections) and causes (name, summary, description), each
 * language in its own tables. With old (and old_content, the content old
 * was built from; both borrowed), only entities whose texts changed are
 * re-indexed into a copy of old. Returns a new generation (free with
 * hh_search_free) or NULL (logged). Runs on one thread; old may be queried
 * meanwhile.
 */
struct hh_search *hh_search_build(const struct hh_content *content, const struct hh_search *old,
				  const struct hh_content *old_content, struct hh_search_stats *stats);

/* Frees a generation and its connections. NULL is allowed. No query may be running on it. */
void hh_search_free(struct hh_search *ix);

/* The generation's database size in bytes (both languages). */
size_t hh_search_bytes(const struct hh_search *ix);

/* One page of hits. */
struct hh_search_page {
	const char **slugs; /* n slugs, best first; the array is owned, the slugs borrowed from the index */
	json_t **snippets;  /* n snippets {"text","marks"} (new references), or NULL entries */
	size_t n;
	long long total; /* every match, not only this page */
};

/*
 * Searches kind in lang (a language without translations searches English)
 * for q, ranked by BM25 (title 1.0, summary 0.4, body 0.2, as
 * PostgreSQL's weights A, B, C), ties by slug. shown (borrowed) is the
 * content the answer shows, resolved for its language and country: the
 * snippets are cut from its texts, and the causes' positions and regions
 * (masks, 0 = any) are read from it. Fills the page [offset, offset +
 * limit). Returns 0, or -1 on an internal failure (logged; *out empty).
 * Thread-safe.
 */
int hh_search_query(struct hh_search *ix, enum hh_search_kind kind, enum hh_lang lang, const char *q,
		    const struct hh_content *shown, unsigned positions, unsigned regions, long limit, long offset,
		    struct hh_search_page *out) HH_MUSTCHECK;

/* Frees the page's array and snippets, and resets it. NULL is allowed. */
void hh_search_page_free(struct hh_search_page *p);

/*
 * The FTS5 MATCH expression q reads as in lang (for tests and logs): into
 * buf; returns its length, 0 when q has nothing searchable, -1 when buf is
 * too small.
 */
int hh_search_expression(const char *q, enum hh_lang lang, char *buf, size_t cap);

#endif
