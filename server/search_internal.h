/*
 * search_internal.h - what search.c shares with the tokenizer (search_tok.c)
 * and the stop word lists (search_stop.c).
 */
#ifndef HEALTHHUB_SEARCH_INTERNAL_H
#define HEALTHHUB_SEARCH_INTERNAL_H

#include <stddef.h>

#include <sqlite3.h>

#include "healthhub/content.h"

extern const char *const hh_stop_english[];
extern const size_t hh_stop_english_n;
extern const char *const hh_stop_spanish[];
extern const size_t hh_stop_spanish_n;

#define HH_TERM_MAX 64 /* bytes of a term; longer words are cut */

/* A word of a text: its bytes [start, end). */
struct hh_word {
	size_t start, end;
};

/*
 * The next word of text[0, len) at or after *pos (letters and digits of
 * any script; everything else separates): 1 with *w set and *pos past it,
 * 0 at the end.
 */
int hh_word_next(const char *text, size_t len, size_t *pos, struct hh_word *w);

/*
 * A language's term maker: its stemmer and stop words, and the terms of
 * recent words in a table of HH_STEM_CACHE slots (HH_STEM_CACHE_BUILD for
 * one that indexes a whole library: a vocabulary of 20,000 words missed a
 * small table four times in five). One thread at a time.
 */
#define HH_STEM_CACHE 4096
#define HH_STEM_CACHE_BUILD 65536
struct hh_stemmer;
struct hh_stemmer *hh_stemmer_new(enum hh_lang lang, size_t cache_slots);
void hh_stemmer_free(struct hh_stemmer *st);

/*
 * The term of word w of text: folded to lower case, stemmed, accents taken
 * off, into term (HH_TERM_MAX + 1 bytes). Returns its length, or 0 for a
 * stop word.
 */
size_t hh_term(struct hh_stemmer *st, const char *text, struct hh_word w, char *term);

/* Does word w of text make a term (not a stop word)? hh_term(...) > 0, without stemming when it can. */
int hh_is_term(struct hh_stemmer *st, const char *text, struct hh_word w);

/* The first byte of w's folded term (a cheap test before stemming: stems keep the first letter). */
char hh_term_first(const char *text, struct hh_word w);

/* The FTS5 API of db, or NULL. */
fts5_api *hh_fts5_api(sqlite3 *db);

/*
 * Registers the FTS5 tokenizer "hh" (argument "en" or "es") on db, its
 * stemmers caching cache_slots terms. SQLITE_OK or an error code.
 */
int hh_tokenizer_register(sqlite3 *db, size_t cache_slots);

#endif
