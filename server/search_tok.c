/*
 * search_tok.c - words and terms for search: the FTS5 tokenizer "hh" and
 * the same rules for queries and snippets (search.c).
 *
 * A word is a run of letters and digits of any script (UTF-8; anything
 * else, apostrophes and hyphens included, separates words, as PostgreSQL's
 * parser did). Its term is the word folded to lower case, without it when
 * it is a stop word, stemmed by Snowball (english or spanish, as
 * PostgreSQL's configurations of those names), then with accents taken off
 * so "músculos" and "musculos" meet.
 */
#include "search_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>

#include "healthhub/common.h"
#include "healthhub/i18n.h"

/* Decodes one code point at s[0, n): its length, or 0 for an invalid sequence (a separator byte). */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	return hh_utf8_decode(s, n, cp);
}

static int is_word_cp(uint32_t cp)
{
	if (cp < 0x80)
		return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
	if (cp < 0xC0)
		return cp == 0xAA || cp == 0xB5 || cp == 0xBA;
	if (cp <= 0xFF)
		return cp != 0xD7 && cp != 0xF7;
	if (cp >= 0x2000 && cp <= 0x2BFF) /* punctuation, symbols, arrows, shapes */
		return 0;
	if ((cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF20))
		return 0;
	return 1;
}

/* ASCII letters and digits: the common case, without decoding */
static int ascii_word(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z');
}

int hh_word_next(const char *text, size_t len, size_t *pos, struct hh_word *w)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = *pos;
	uint32_t cp = 0;
	while (i < len) {
		if (s[i] < 0x80) {
			if (ascii_word(s[i]))
				break;
			i++;
			continue;
		}
		size_t k = utf8_decode(s + i, len - i, &cp);
		if (k > 0 && is_word_cp(cp))
			break;
		i += k > 0 ? k : 1;
	}
	if (i >= len) {
		*pos = len;
		return 0;
	}
	w->start = i;
	while (i < len) {
		if (s[i] < 0x80) {
			if (!ascii_word(s[i]))
				break;
			i++;
			continue;
		}
		size_t k = utf8_decode(s + i, len - i, &cp);
		if (k == 0 || !is_word_cp(cp))
			break;
		i += k;
	}
	w->end = i;
	*pos = i;
	return 1;
}

/* Lower case of the scripts content is written in (Latin, Greek, Cyrillic). */
static uint32_t lower_cp(uint32_t cp)
{
	if (cp >= 'A' && cp <= 'Z')
		return cp + 32;
	if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
		return cp + 32;
	if (cp >= 0x100 && cp <= 0x17F && !(cp >= 0x138 && cp <= 0x148) && (cp & 1) == 0)
		return cp + 1;
	if ((cp >= 0x391 && cp <= 0x3A9) || (cp >= 0x410 && cp <= 0x42F))
		return cp + 32;
	if (cp >= 0x400 && cp <= 0x40F)
		return cp + 80;
	return cp;
}

/* Latin-1 lower-case letters 0xE0..0xFF without their accents ('\0': keep as is). */
static const char unaccent_e0[] = "aaaaaaaceeeeiiii\0nooooo\0ouuuuy\0y";

/*
 * Words repeat (Zipf): the terms of recent words are kept in a
 * direct-mapped table, so most words are neither looked up in the stop
 * list nor stemmed again. Only words up to CACHED_MAX bytes are kept.
 */
#define CACHED_MAX 23
struct cached {
	unsigned char wlen, tlen; /* tlen 0: a stop word; wlen 0: empty slot */
	char word[CACHED_MAX];
	char term[CACHED_MAX];
};

struct hh_stemmer {
	struct sb_stemmer *sb;
	const char *const *stop;
	size_t n_stop;
	struct cached *cache; /* slots, a power of two */
	size_t slots;
};

/* A build's term cache (3 MB) lives only as long as the build: hh_scratch_alloc (common.h). */

struct hh_stemmer *hh_stemmer_new(enum hh_lang lang, size_t cache_slots)
{
	struct hh_stemmer *st = xcalloc(1, sizeof(*st));
	st->sb = sb_stemmer_new(hh_lang_stemmer(lang), "UTF_8");
	if (st->sb == NULL) {
		free(st);
		return NULL;
	}
	st->stop = lang == HH_LANG_ES ? hh_stop_spanish : hh_stop_english;
	st->n_stop = lang == HH_LANG_ES ? hh_stop_spanish_n : hh_stop_english_n;
	st->slots = 1;
	while (st->slots < cache_slots)
		st->slots <<= 1;
	st->cache = hh_scratch_alloc(st->slots * sizeof(*st->cache));
	return st;
}

void hh_stemmer_free(struct hh_stemmer *st)
{
	if (st == NULL)
		return;
	sb_stemmer_delete(st->sb);
	hh_scratch_free(st->cache, st->slots * sizeof(*st->cache));
	free(st);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static size_t stem_term(struct hh_stemmer *st, const char *low, size_t n, char *term);

/* Word w folded to lower case into low (HH_TERM_MAX + 1 bytes); its length. *ascii: was it all ASCII? */
static size_t fold(const char *text, struct hh_word w, char *low, int *ascii)
{
	size_t n = 0;
	const unsigned char *s = (const unsigned char *)text;
	*ascii = 1;
	for (size_t i = w.start; i < w.end;) {
		if (n + 4 > HH_TERM_MAX)
			break;
		if (s[i] < 0x80) { /* the common case, without decoding */
			low[n++] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
			i++;
			continue;
		}
		uint32_t cp = 0;
		size_t k = utf8_decode(s + i, w.end - i, &cp);
		if (k == 0)
			break; /* not in a word */
		*ascii = 0;
		n += hh_utf8_encode(lower_cp(cp), low + n);
		i += k;
	}
	low[n] = '\0';
	return n;
}

static int is_stop(const struct hh_stemmer *st, const char *low)
{
	return bsearch(&low, st->stop, st->n_stop, sizeof(*st->stop), cmp_str) != NULL;
}

int hh_is_term(struct hh_stemmer *st, const char *text, struct hh_word w)
{
	char low[HH_TERM_MAX + 1];
	int ascii;
	size_t n = fold(text, w, low, &ascii);
	if (ascii) /* Snowball never stems an ASCII word away */
		return n > 0 && !is_stop(st, low);
	char term[HH_TERM_MAX + 1];
	return hh_term(st, text, w, term) > 0;
}

size_t hh_term(struct hh_stemmer *st, const char *text, struct hh_word w, char *term)
{
	char low[HH_TERM_MAX + 1];
	int ascii;
	size_t n = fold(text, w, low, &ascii);
	struct cached *slot = NULL;
	if (n > 0 && n <= CACHED_MAX) {
		uint32_t h = 2166136261u; /* FNV-1a */
		for (size_t i = 0; i < n; i++)
			h = (h ^ (unsigned char)low[i]) * 16777619u;
		slot = &st->cache[h & (st->slots - 1)];
		if (slot->wlen == n && memcmp(slot->word, low, n) == 0) {
			memcpy(term, slot->term, slot->tlen);
			term[slot->tlen] = '\0';
			return slot->tlen;
		}
	}
	size_t out = stem_term(st, low, n, term);
	if (slot != NULL && out <= CACHED_MAX) {
		slot->wlen = (unsigned char)n;
		memcpy(slot->word, low, n);
		slot->tlen = (unsigned char)out;
		memcpy(slot->term, term, out);
	}
	return out;
}

/* The term of a folded word (low, n bytes, NUL-terminated): 0 for a stop word. */
static size_t stem_term(struct hh_stemmer *st, const char *low, size_t n, char *term)
{
	if (is_stop(st, low))
		return 0;
	const sb_symbol *stem = sb_stemmer_stem(st->sb, (const sb_symbol *)low, (int)n);
	size_t sn = stem != NULL ? (size_t)sb_stemmer_length(st->sb) : 0;
	if (stem == NULL) {
		stem = (const sb_symbol *)low;
		sn = n;
	}
	size_t out = 0;
	for (size_t i = 0; i < sn;) {
		uint32_t cp = 0;
		size_t k = utf8_decode(stem + i, sn - i, &cp);
		if (k == 0)
			break;
		i += k;
		if (out + 4 > HH_TERM_MAX)
			break;
		if (cp >= 0x300 && cp <= 0x36F) /* combining accents */
			continue;
		if (cp == 0xDF) {
			term[out++] = 's';
			term[out++] = 's';
		} else if (cp >= 0xE0 && cp <= 0xFF && unaccent_e0[cp - 0xE0] != '\0') {
			term[out++] = unaccent_e0[cp - 0xE0];
		} else {
			out += hh_utf8_encode(cp, term + out);
		}
	}
	term[out] = '\0';
	return out;
}

char hh_term_first(const char *text, struct hh_word w)
{
	uint32_t cp = 0;
	if (utf8_decode((const unsigned char *)text + w.start, w.end - w.start, &cp) == 0)
		return '\0';
	cp = lower_cp(cp);
	if (cp < 0x80)
		return (char)cp;
	if (cp >= 0xE0 && cp <= 0xFF)
		return unaccent_e0[cp - 0xE0];
	return '\0'; /* unknown: stem it */
}

/* ------------------------------------------------------ the FTS5 tokenizer */

struct tokenizer {
	struct hh_stemmer *st;
};

static int tok_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
	size_t cache_slots = *(const size_t *)ctx;
	enum hh_lang lang = HH_LANG_EN;
	if (argc > 0 && hh_lang_parse(argv[0], &lang) < 0)
		lang = HH_LANG_EN;
	struct tokenizer *t = xcalloc(1, sizeof(*t));
	t->st = hh_stemmer_new(lang, cache_slots);
	if (t->st == NULL) {
		free(t);
		return SQLITE_ERROR;
	}
	*out = (Fts5Tokenizer *)t;
	return SQLITE_OK;
}

static void tok_delete(Fts5Tokenizer *p)
{
	struct tokenizer *t = (struct tokenizer *)p;
	hh_stemmer_free(t->st);
	free(t);
}

static int tok_tokenize(Fts5Tokenizer *p, void *ctx, int flags, const char *text, int len,
			int (*token)(void *ctx, int flags, const char *tok, int n, int start, int end))
{
	(void)flags;
	struct tokenizer *t = (struct tokenizer *)p;
	size_t pos = 0;
	struct hh_word w;
	char term[HH_TERM_MAX + 1];
	while (hh_word_next(text, (size_t)len, &pos, &w)) {
		size_t n = hh_term(t->st, text, w, term);
		if (n == 0)
			continue;
		int rc = token(ctx, 0, term, (int)n, (int)w.start, (int)w.end);
		if (rc != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}

fts5_api *hh_fts5_api(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
		sqlite3_step(st);
	}
	sqlite3_finalize(st);
	return api;
}

int hh_tokenizer_register(sqlite3 *db, size_t cache_slots)
{
	fts5_api *api = hh_fts5_api(db);
	if (api == NULL)
		return SQLITE_ERROR;
	static fts5_tokenizer tok = {tok_create, tok_delete, tok_tokenize};
	size_t *slots = xmalloc(sizeof(*slots));
	*slots = cache_slots;
	int rc = api->xCreateTokenizer(api, "hh", slots, &tok, free);
	if (rc != SQLITE_OK) /* not registered: FTS5 does not free it */
		free(slots);
	return rc;
}
