/*
 * textparse.c - the free-text reader (textparse.h): words, phrases,
 * negation and hedging scopes, numbers. The word lists are in
 * textparse_lang.c, the phrases in the content (phrases.c).
 */
#include "healthhub/textparse.h"

#include <libstemmer.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "healthhub/phrases.h"

#include "textparse_internal.h"

#define WORD_MAX 32
#define SCOPE_WORDS 6    /* words a pre-trigger reaches (NegEx uses 5) */
#define POST_PUNCT 2     /* punctuation marks between a mention and a post-trigger */
#define MAX_MATCHES 2048 /* phrase matches considered per text (4,000 code points make a few hundred) */

struct tok {
	char w[WORD_MAX];    /* normalised word, or the punctuation mark */
	const char *alt;     /* a phrase word one typo away (borrowed from the phrasebook), or NULL */
	unsigned start, end; /* code points */
	char punct;          /* 0 for a word; '.' ends a sentence (also "!?;" and a new line) */
	int digits;          /* a word of digits */
	int not_stem;        /* a word no phrase stem reads ("number" is no "numb*"): the language's not_stem */
	int decimal;         /* digits with a fraction ("1.8"): never an age or a duration */
	long long value;     /* its value */
	/* filled after matching */
	int kind;      /* enum hh_tp_trigger_kind + 1 of a trigger this token belongs to, or 0 */
	int trig_from; /* first token of that trigger */
	int post_kind; /* the same for post-triggers starting here */
	int post_len;
	int covered;            /* inside an accepted code phrase */
	const char *cover_name; /* the code of that phrase, unless partial */
	int negated;            /* inside a denial's scope (the parts of a question: deny_parts) */
	int question;           /* the punctuation mark is a '?' */
};

struct match {
	const struct hh_phrase *p;
	int from, to; /* tokens, to exclusive */
	int gapped;
	int weight;                       /* the phrase's words, gaps left out: a more specific phrase weighs more */
	int gaps[HH_PHRASE_MAX_WORDS][2]; /* token ranges the gaps skipped */
	int n_gaps;
};

struct hit {
	const struct hh_concept *concept;
	unsigned group;
	int from, to;
};

struct reader {
	enum hh_lang lang;
	const struct hh_tp_lang *L;
	const struct hh_phrasebook *book;
	const char *country;
	struct tok *t;
	int n, cap;
	struct match *m; /* MAX_MATCHES of them (the thread's scratch) */
	int n_m;
	struct hit *hits; /* MAX_MATCHES of them: concept words found */
	int n_hits;
	struct sb_stemmer *sb; /* the thread's, for lang */
	int proxy;             /* written for someone else: their age and symptoms are the ones asked about */
};

const char *hh_mention_status_name(enum hh_mention_status s)
{
	return s == HH_MENTION_DENIED ? "denied" : s == HH_MENTION_UNCERTAIN ? "uncertain" : "present";
}

/* ------------------------------------------------------------------ tokens */

static struct tok *tok_push(struct reader *r)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 256;
		r->t = xrealloc(r->t, (size_t)r->cap * sizeof(*r->t));
	}
	struct tok *t = &r->t[r->n++];
	memset(t, 0, sizeof(*t));
	return t;
}

/* One code point of s at *i (valid UTF-8 is assumed; a bad byte reads as itself). */
static unsigned next_cp(const unsigned char *s, size_t len, size_t *i)
{
	uint32_t cp;
	size_t n = hh_utf8_decode(s + *i, len - *i, &cp);
	if (n == 0) {
		cp = s[*i];
		n = 1;
	}
	*i += n;
	return cp;
}

static int is_apostrophe(unsigned cp)
{
	return cp == '\'' || cp == 0x2019 || cp == 0x2018 || cp == 0xB4 || cp == '`';
}

static char punct_of(unsigned cp)
{
	switch (cp) {
	case '.':
	case '!':
	case '?':
	case ';':
	case '\n':
	case 0x2026: /* ellipsis */
	case 0x2014: /* em dash: "I think I've got it — been sick twice" is two sentences */
	case 0x2013: /* en dash */ return '.';
	case ',':
	case ':':
	case '/':
	case '(':
	case ')':
	case '&': return (char)cp; /* "N&V" is a key of its own; "pins & needles" reads "and" (expand) */
	default: return 0;
	}
}

/* The code points of text, each folded, for the tokenizer. */
struct cps {
	unsigned *cp;
	size_t n;
};

static void decode_into(const char *text, size_t len, struct cps *out);

static void decode(const char *text, size_t len, struct cps *out)
{
	out->cp = xmalloc((len + 1) * sizeof(*out->cp)); /* a code point takes a byte at least */
	decode_into(text, len, out);
}

/* Into out->cp, which holds HH_TEXTPARSE_MAX_CODEPOINTS: the rest of a longer text is not read. */
static void decode_into(const char *text, size_t len, struct cps *out)
{
	out->n = 0;
	size_t i = 0;
	while (i < len && out->n < HH_TEXTPARSE_MAX_CODEPOINTS)
		out->cp[out->n++] = next_cp((const unsigned char *)text, len, &i);
}

/* Skips an HTML tag ("<b>", "</p>", "<br/>") or entity ("&amp;") at i: the index after it, or i. */
static size_t skip_markup(const struct cps *c, size_t i)
{
	unsigned x = c->cp[i];
	if (x == '<' && i + 1 < c->n &&
	    (hh_tp_is_word_char(c->cp[i + 1]) || c->cp[i + 1] == '/' || c->cp[i + 1] == '!')) {
		for (size_t k = i + 1; k < c->n && k < i + 200; k++)
			if (c->cp[k] == '>')
				return k + 1;
	}
	if (x == '&') {
		size_t k = i + 1;
		while (k < c->n && k < i + 10 && (hh_tp_is_word_char(c->cp[k]) || c->cp[k] == '#'))
			k++;
		if (k < c->n && k > i + 1 && c->cp[k] == ';')
			return k + 1;
	}
	return i;
}

static int is_digit(unsigned cp)
{
	return cp >= '0' && cp <= '9';
}

/* A tag that breaks a line ("<br>", "</p>", "<li>"): it ends a sentence ("age 29<br>2 months"). */
static int is_block_tag(const struct cps *c, size_t i, size_t end)
{
	static const char *const names[] = {"br", "p",  "div", "li", "tr", "td", "hr", "ul",
					    "ol", "h1", "h2",  "h3", "h4", "h5", "h6", NULL};
	char name[8];
	size_t n = 0, k = i + 1;
	if (c->cp[i] != '<')
		return 0;
	if (k < end && c->cp[k] == '/')
		k++;
	while (k < end && n + 1 < sizeof(name) && c->cp[k] < 0x80 && hh_tp_is_word_char(c->cp[k]))
		name[n++] = (char)(c->cp[k] >= 'A' && c->cp[k] <= 'Z' ? c->cp[k++] + 32 : c->cp[k++]);
	name[n] = '\0';
	return n > 0 && hh_tp_in(names, name);
}

/* A word from i: letters and digits apart ("45yo" is two), apostrophes inside dropped. */
static size_t read_word(struct reader *r, const struct cps *c, size_t i)
{
	struct tok *t = tok_push(r);
	size_t len = 0;
	int digits = is_digit(c->cp[i]);
	t->start = (unsigned)i;
	t->digits = digits;
	while (i < c->n) {
		unsigned x = c->cp[i];
		if (is_apostrophe(x) && i + 1 < c->n && hh_tp_is_word_char(c->cp[i + 1]) && !digits) {
			i++;
			continue;
		}
		if (!hh_tp_is_word_char(x) || is_digit(x) != digits)
			break;
		char buf[8];
		size_t n = hh_tp_fold(x, buf);
		if (len + n < WORD_MAX) {
			memcpy(t->w + len, buf, n);
			len += n;
		}
		if (digits && t->value < 1000000000)
			t->value = t->value * 10 + (x - '0');
		i++;
	}
	t->w[len] = '\0';
	t->end = (unsigned)i;
	return i;
}

static void tokenize(struct reader *r, const struct cps *c)
{
	size_t i = 0;
	while (i < c->n) {
		size_t k = skip_markup(c, i);
		if (k != i) {
			if (is_block_tag(c, i, k) && r->n > 0 && r->t[r->n - 1].punct != '.') {
				struct tok *t = tok_push(r);
				t->punct = t->w[0] = '.';
				t->start = (unsigned)i;
				t->end = (unsigned)k;
			}
			i = k;
			continue;
		}
		unsigned x = c->cp[i];
		if (hh_tp_is_word_char(x)) {
			i = read_word(r, c, i);
			continue;
		}
		if ((x == '.' || (x == ',' && r->lang == HH_LANG_ES)) && r->n > 0 && r->t[r->n - 1].digits &&
		    r->t[r->n - 1].end == i && i + 1 < c->n && is_digit(c->cp[i + 1])) {
			size_t f = i + 1; /* "1.8 m", "38,5 de fiebre": one number */
			while (f < c->n && is_digit(c->cp[f]))
				f++;
			r->t[r->n - 1].decimal = 1;
			r->t[r->n - 1].end = (unsigned)f;
			i = f;
			continue;
		}
		if ((x == '+' || x == '-') && i + 3 <= c->n && (c->cp[i + 1] | 32) == 'v' &&
		    (c->cp[i + 2] | 32) == 'e' && (i + 3 == c->n || !hh_tp_is_word_char(c->cp[i + 3]))) {
			struct tok *t = tok_push(r); /* "+ve", "-ve": clinical shorthand for positive, negative */
			snprintf(t->w, sizeof(t->w), "%s", x == '+' ? "positive" : "negative");
			t->start = (unsigned)i;
			t->end = (unsigned)i + 3;
			i += 3;
			continue;
		}
		char p = punct_of(x);
		if (p != 0) {
			struct tok *t = tok_push(r);
			t->punct = p;
			t->w[0] = p;
			t->question = x == '?';
			t->start = (unsigned)i;
			t->end = (unsigned)i + 1;
		}
		i++;
	}
}

/* ------------------------------------------------------------------ abbreviations */

/*
 * Each language's abbreviations by their first byte, as the triggers are
 * (trigger_index): a word looks at those of its own letter only. Built once;
 * the lists' first entry for a key wins, as in a scan.
 */
#define MAX_ABBREVS 1024
static struct abbrev_index {
	int indexed; /* 0 for a list longer than MAX_ABBREVS: scanned whole */
	unsigned short first[257];
	unsigned short order[MAX_ABBREVS];
} abbrev_index[HH_LANG_COUNT];
static pthread_once_t abbrev_once = PTHREAD_ONCE_INIT;

static void abbrev_index_build(void)
{
	for (int l = 0; l < HH_LANG_COUNT; l++) {
		const struct hh_tp_lang *L = hh_tp_lang_of((enum hh_lang)l);
		struct abbrev_index *x = &abbrev_index[l];
		size_t n = L->n_abbrevs, count[257] = {0};
		if (n > MAX_ABBREVS)
			continue;
		x->indexed = 1;
		for (size_t k = 0; k < n; k++)
			count[(unsigned char)L->abbrevs[k].from[0] + 1]++;
		for (int c = 0; c < 256; c++)
			count[c + 1] += count[c];
		for (int c = 0; c <= 256; c++)
			x->first[c] = (unsigned short)count[c];
		for (size_t k = 0; k < n; k++)
			x->order[count[(unsigned char)L->abbrevs[k].from[0]]++] = (unsigned short)k;
	}
}

static const char *abbrev_of(const struct hh_tp_lang *L, const char *key)
{
	pthread_once(&abbrev_once, abbrev_index_build);
	int l = 0;
	while (l < HH_LANG_COUNT && hh_tp_lang_of((enum hh_lang)l) != L)
		l++;
	if (l == HH_LANG_COUNT || !abbrev_index[l].indexed) {
		for (size_t i = 0; i < L->n_abbrevs; i++)
			if (strcmp(L->abbrevs[i].from, key) == 0)
				return L->abbrevs[i].to;
		return NULL;
	}
	const struct abbrev_index *x = &abbrev_index[l];
	unsigned char c = (unsigned char)key[0];
	for (size_t b = x->first[c]; b < x->first[c + 1]; b++)
		if (strcmp(L->abbrevs[x->order[b]].from, key) == 0)
			return L->abbrevs[x->order[b]].to;
	return NULL;
}

/* Replaces tokens [i, i+span) by the words of to, each with the span's offsets. */
static void emit_words(struct reader *out, const struct tok *first, const struct tok *last, const char *to)
{
	const char *p = to;
	while (*p != '\0') {
		const char *sp = strchr(p, ' ');
		size_t n = sp != NULL ? (size_t)(sp - p) : strlen(p);
		struct tok *t = tok_push(out);
		snprintf(t->w, sizeof(t->w), "%.*s", (int)n, p);
		t->start = first->start;
		t->end = last->end;
		p += n;
		while (*p == ' ')
			p++;
	}
}

/* "y/o", "w/o", "b/c", "y.o", "w/": joined keys looked up before single words. */
static int expand_joined(const struct reader *in, struct reader *out, int i)
{
	const struct tok *t = in->t;
	if (t[i].punct || i + 1 >= in->n || (t[i + 1].punct != '/' && t[i + 1].punct != '.' && t[i + 1].punct != '&'))
		return 0;
	char key[WORD_MAX * 2 + 2];
	if (i + 2 < in->n && !t[i + 2].punct && t[i + 2].start == t[i + 1].end && t[i + 1].start == t[i].end) {
		snprintf(key, sizeof(key), "%s%c%s", t[i].w, t[i + 1].punct, t[i + 2].w);
		const char *to = abbrev_of(in->L, key);
		if (to != NULL) {
			emit_words(out, &t[i], &t[i + 2], to);
			return 3;
		}
	}
	if (t[i + 1].start == t[i].end) {
		snprintf(key, sizeof(key), "%s%c", t[i].w, t[i + 1].punct);
		const char *to = abbrev_of(in->L, key);
		if (to != NULL) {
			emit_words(out, &t[i], &t[i + 1], to);
			return 2;
		}
	}
	return 0;
}

static void expand(const struct reader *in, struct reader *out)
{
	for (int i = 0; i < in->n;) {
		int used = expand_joined(in, out, i);
		if (used > 0) {
			i += used;
			continue;
		}
		const struct tok *t = &in->t[i];
		const char *to = t->punct == '&' ? "and" : t->punct || t->digits ? NULL : abbrev_of(in->L, t->w);
		if (to != NULL)
			emit_words(out, t, t, to);
		else
			*tok_push(out) = *t;
		i++;
	}
}

/* ------------------------------------------------------------------ typos */

/* 1 when a and b are one edit apart (insert, delete, substitute, or swap of neighbours). */
static int one_edit(const char *a, size_t na, const char *b, size_t nb)
{
	if (na > nb)
		return one_edit(b, nb, a, na);
	if (nb - na > 1)
		return 0;
	size_t i = 0;
	while (i < na && a[i] == b[i])
		i++;
	if (i == na)
		return nb - na == 1;
	if (na == nb) {
		if (strcmp(a + i + 1, b + i + 1) == 0)
			return 1;
		return i + 1 < na && a[i] == b[i + 1] && a[i + 1] == b[i] && strcmp(a + i + 2, b + i + 2) == 0;
	}
	return strcmp(a + i, b + i + 1) == 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * A stem of six letters or more one typo from the start of word ("buttoks"
 * for "buttock*", "incontinance" for "incontinen*"), or NULL. A word that
 * starts with a stem is read by it already; shorter stems are left alone
 * ("sweet" is no "sweat*").
 */
static const char *stem_typo(const struct hh_phrasebook *b, const char *w, size_t n)
{
	size_t lo = 0, hi = b->n_vocab_stem; /* the stems of the same first letter: sorted */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if ((unsigned char)b->vocab_stem[mid][0] < (unsigned char)w[0])
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t k = lo; k < b->n_vocab_stem && b->vocab_stem[k][0] == w[0]; k++) {
		const char *s = b->vocab_stem[k];
		size_t m = strlen(s);
		if (m < 6 || n + 1 < m)
			continue;
		if (strncmp(w, s, m) == 0)
			return NULL;
		char pre[WORD_MAX];
		/* a letter missing from the stem only inside the word: "preocupa" is a word, not "preocupad*" */
		for (size_t len = n > m - 1 ? m - 1 : m; len <= m + 1 && len <= n; len++) {
			snprintf(pre, sizeof(pre), "%.*s", (int)len, w);
			if (one_edit(pre, len, s, m))
				return s;
		}
	}
	return NULL;
}

struct vocab_find {
	const struct hh_phrasebook *b;
	const char *found;
};

static int in_vocab(const char *w, void *ctx)
{
	struct vocab_find *f = ctx;
	const char *const *v = bsearch(&w, f->b->vocab, f->b->n_vocab, sizeof(*f->b->vocab), cmp_str);
	f->found = v != NULL ? *v : NULL;
	return v != NULL;
}

static void correct_typos(struct reader *r)
{
	const struct hh_phrasebook *b = r->book;
	for (int i = 0; b != NULL && i < r->n; i++) {
		struct tok *t = &r->t[i];
		size_t n = strlen(t->w);
		t->not_stem =
			!t->punct && n >= 6 && hh_tp_in(r->L->not_stem, t->w); /* its words have six letters or more */
		if (t->punct || t->digits || n < 5 || hh_tp_in(r->L->no_correct, t->w))
			continue;
		const char *key = t->w;
		if (bsearch(&key, b->vocab, b->n_vocab, sizeof(*b->vocab), cmp_str) != NULL)
			continue;
		struct vocab_find f = {b, NULL};
		if (hh_tp_respell(r->lang, t->w, in_vocab, &f)) { /* spelled by ear: "emvarasada" */
			t->alt = f.found;
			continue;
		}
		/* the words of the same first letter: vocab is sorted */
		size_t lo = 0, hi = b->n_vocab;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if ((unsigned char)b->vocab[mid][0] < (unsigned char)t->w[0])
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t k = lo; k < b->n_vocab && b->vocab[k][0] == t->w[0] && t->alt == NULL; k++) {
			size_t m = strlen(b->vocab[k]);
			/* five letters: a letter more or less only ("chesst", "yelow"); "sweet" is no "sweat" */
			int ok = m >= 6 && n >= 6 ? 1 : m >= 5 && m != n;
			if (ok && m + 1 >= n && m <= n + 1 && one_edit(t->w, n, b->vocab[k], m))
				t->alt = b->vocab[k];
		}
		if (t->alt == NULL && n >= 6)
			t->alt = stem_typo(b, t->w, n);
	}
}

/* ------------------------------------------------------------------ phrases */

static int plural_same(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	if (na < nb)
		return plural_same(b, a);
	if (na == nb + 1 && a[na - 1] == 's')
		return strncmp(a, b, nb) == 0;
	if (na == nb + 2 && a[na - 2] == 'e' && a[na - 1] == 's')
		return strncmp(a, b, nb) == 0;
	return 0;
}

static int word_matches(const char *pw, int stem, const struct tok *t)
{
	if (t->punct || (pw[0] != t->w[0] && (t->alt == NULL || pw[0] != t->alt[0])))
		return 0;
	if (stem) {
		size_t n = strlen(pw);
		return (strncmp(t->w, pw, n) == 0 && !t->not_stem) || (t->alt != NULL && strncmp(t->alt, pw, n) == 0);
	}
	return strcmp(t->w, pw) == 0 || (t->alt != NULL && strcmp(t->alt, pw) == 0) || plural_same(t->w, pw);
}

/* A gap may not cross a sentence, a comma or a strong clause boundary ("but"). */
static int gap_stops(const struct tok *t)
{
	return t->punct == '.' || t->punct == ',' || t->kind == HH_TP_TERM + 1;
}

static int starts_clause(const struct reader *r, int j);

/* Matches p's words k.. at token j: the token after the match, or -1. Gaps: shortest first. */
static int match_from(const struct reader *r, const struct hh_phrase *p, size_t k, int j, struct match *m)
{
	if (k == p->n_words)
		return j;
	if (strcmp(p->words[k], "*") == 0) {
		for (int skip = 0; skip <= HH_PHRASE_GAP && j + skip <= r->n; skip++) {
			/* nor a new subject in English: "ache everywhere and I'm exhausted all the time" (Spanish
			 * subjects include articles: "la pierna y la siento debil" is one clause) */
			if (skip > 0 && (gap_stops(&r->t[j + skip - 1]) ||
					 (r->lang == HH_LANG_EN && starts_clause(r, j + skip - 1))))
				return -1;
			int g = m->n_gaps;
			m->gaps[g][0] = j;
			m->gaps[g][1] = j + skip;
			m->n_gaps = g + 1;
			int e = match_from(r, p, k + 1, j + skip, m);
			if (e >= 0)
				return e;
			m->n_gaps = g;
		}
		return -1;
	}
	if (j >= r->n || !word_matches(p->words[k], p->stem[k], &r->t[j]))
		return -1;
	return match_from(r, p, k + 1, j + 1, m);
}

static void try_phrase(struct reader *r, const struct hh_phrase *p, int i)
{
	if (r->n_m >= MAX_MATCHES ||
	    (p->country != NULL && (r->country == NULL || strcmp(p->country, r->country) != 0)))
		return;
	struct match *m = &r->m[r->n_m];
	memset(m, 0, sizeof(*m));
	int e = match_from(r, p, 0, i, m);
	if (e < 0)
		return;
	m->p = p;
	m->from = i;
	m->to = e;
	m->gapped = m->n_gaps > 0;
	m->weight = 0;
	for (size_t k = 0; k < p->n_words; k++)
		m->weight += strcmp(p->words[k], "*") != 0;
	r->n_m++;
}

static int cmp_first_word(const char *key, const struct hh_phrase *p)
{
	return strcmp(key, p->words[0]);
}

/* Every phrase whose first word is exactly key. */
static void try_first(struct reader *r, const char *key, int i)
{
	const struct hh_phrasebook *b = r->book;
	size_t lo = 0, hi = b->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cmp_first_word(key, &b->v[mid]) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t k = lo; k < b->n && cmp_first_word(key, &b->v[k]) == 0; k++)
		if (!b->v[k].stem[0])
			try_phrase(r, &b->v[k], i);
}

static void find_phrases(struct reader *r)
{
	const struct hh_phrasebook *b = r->book;
	if (b == NULL)
		return;
	for (int i = 0; i < r->n; i++) {
		const struct tok *t = &r->t[i];
		if (t->punct)
			continue;
		size_t n = strlen(t->w);
		try_first(r, t->w, i);
		if (t->alt != NULL)
			try_first(r, t->alt, i);
		char stem[WORD_MAX]; /* a phrase word in the singular: "legs" -> "leg", "boxes" -> "box" */
		if (n > 3 && t->w[n - 1] == 's') {
			memcpy(stem, t->w, n - 1);
			stem[n - 1] = '\0';
			try_first(r, stem, i);
		}
		if (n > 4 && t->w[n - 1] == 's' && t->w[n - 2] == 'e') {
			stem[n - 2] = '\0';
			try_first(r, stem, i);
		}
		for (size_t k = 0; k < b->n_stem_first; k++)
			if (word_matches(b->stem_first[k]->words[0], 1, t))
				try_phrase(r, b->stem_first[k], i);
		/* a singular phrase word read in the plural ("leg" for "legs") */
		if (n + 1 < WORD_MAX) {
			char plural[WORD_MAX];
			memcpy(plural, t->w, n);
			plural[n] = 's';
			plural[n + 1] = '\0';
			try_first(r, plural, i);
		}
	}
}

static int cmp_match(const void *a, const void *b)
{
	const struct match *x = a, *y = b;
	int lx = x->to - x->from, ly = y->to - y->from;
	if ((x->p->n_words == 0) != (y->p->n_words == 0))
		return (x->p->n_words == 0) - (y->p->n_words == 0);
	if (x->weight != y->weight)
		return y->weight - x->weight;
	if (lx != ly)
		return ly - lx;
	if (x->gapped != y->gapped)
		return x->gapped - y->gapped;
	if (x->from != y->from)
		return x->from - y->from;
	return (x->p > y->p) - (x->p < y->p);
}

/*
 * Heaviest first. A match goes when it lies inside an accepted one of its
 * code, or of another code whose phrase has more words ("lifting boxes"
 * holds "lifting"; "coughed * hurts" does not hide "coughed * blood"), or
 * overlaps one of its code. Phrases come before concepts (phrases
 * without words): a concept adds what no phrase read, and never hides a
 * phrase ("cant get comfortable in bed" stays worse_lying_down), except a
 * partial phrase of its own code, which its full reading replaces ("de
 * repente" is "I don't know"; "de repente un dolor brutal" is a yes).
 */
/* Does a lie inside one of b's gaps? */
static int in_gap(const struct match *b, const struct match *a)
{
	for (int g = 0; g < b->n_gaps; g++)
		if (a->from >= b->gaps[g][0] && a->to <= b->gaps[g][1])
			return 1;
	return 0;
}

static void select_matches(struct reader *r, int *keep)
{
	qsort(r->m, (size_t)r->n_m, sizeof(*r->m), cmp_match);
	for (int i = 0; i < r->n_m; i++) {
		const struct match *a = &r->m[i];
		keep[i] = !a->p->hint; /* hints are read last, where nothing else named their code (read_hints) */
		for (int k = 0; k < i && keep[i]; k++) {
			const struct match *b = &r->m[k];
			if (!keep[k] || b->p->target != a->p->target)
				continue;
			int inside = a->from >= b->from && a->to <= b->to;
			int overlap = a->from < b->to && b->from < a->to;
			int same = strcmp(a->p->name, b->p->name) == 0;
			if (overlap && same && b->p->partial && !a->p->partial && a->p->n_words == 0) {
				keep[k] = 0;
				continue;
			}
			if (inside && !same && in_gap(b, a))
				continue; /* "back pain with fever in the night": the gap's words are no one's */
			if ((inside && (same || b->weight > a->weight)) || (overlap && same))
				keep[i] = 0;
		}
	}
}

/* ------------------------------------------------------------------ triggers */

/* Do words (space-separated) match the tokens at i (any_word: covered ones too)? Its length in tokens, or 0. */
static int words_at(const struct reader *r, const char *words, int i, int any_word)
{
	int k = i;
	const char *p = words;
	while (*p != '\0') {
		const char *sp = strchr(p, ' ');
		size_t n = sp != NULL ? (size_t)(sp - p) : strlen(p);
		if (k >= r->n || r->t[k].punct || (r->t[k].covered && !any_word) || strlen(r->t[k].w) != n ||
		    strncmp(r->t[k].w, p, n) != 0)
			return 0;
		k++;
		p += n;
		while (*p == ' ')
			p++;
	}
	return k - i;
}

/* A trigger: words outside any accepted phrase. */
static int trigger_at(const struct reader *r, const char *words, int i)
{
	return words_at(r, words, i, 0);
}

static int is_post(enum hh_tp_trigger_kind k)
{
	return k == HH_TP_POST_NEG || k == HH_TP_POST_HEDGE;
}

/*
 * Each language's triggers by their first byte (a stable counting sort, so a
 * bucket keeps the lists' order): a token looks at the triggers of its own
 * letter only. Built once.
 */
#define MAX_TRIGGERS 512
static struct trigger_index {
	unsigned short first[257]; /* bucket c is order[first[c] .. first[c + 1]) */
	unsigned short order[MAX_TRIGGERS];
} trigger_index[HH_LANG_COUNT];
static pthread_once_t trigger_once = PTHREAD_ONCE_INIT;

static void trigger_index_build(void)
{
	for (int l = 0; l < HH_LANG_COUNT; l++) {
		const struct hh_tp_lang *L = hh_tp_lang_of((enum hh_lang)l);
		struct trigger_index *x = &trigger_index[l];
		size_t n = L->n_triggers < MAX_TRIGGERS ? L->n_triggers : MAX_TRIGGERS, count[257] = {0};
		for (size_t k = 0; k < n; k++)
			count[(unsigned char)L->triggers[k].words[0] + 1]++;
		for (int c = 0; c < 256; c++)
			count[c + 1] += count[c];
		for (int c = 0; c <= 256; c++)
			x->first[c] = (unsigned short)count[c];
		for (size_t k = 0; k < n; k++)
			x->order[count[(unsigned char)L->triggers[k].words[0]]++] = (unsigned short)k;
	}
}

/* Marks each token with the longest trigger it starts (pre and post apart); tokens inside one are skipped. */
static int list_at(const struct reader *r, const char *const *list, int j);

/* A "cant" (L->cant) in the six words before i, in one clause. */
static int cant_before(const struct reader *r, int i)
{
	for (int k = i - 1; k >= 0 && k >= i - 6 && !r->t[k].punct; k--)
		if (list_at(r, r->L->cant, k) > 0)
			return 1;
	return 0;
}

static void find_triggers(struct reader *r)
{
	const struct hh_tp_lang *L = r->L;
	pthread_once(&trigger_once, trigger_index_build);
	const struct trigger_index *x = &trigger_index[(unsigned)r->lang < HH_LANG_COUNT ? r->lang : HH_LANG_EN];
	for (int i = 0; i < r->n;) {
		int best = 0, kind = 0, post_best = 0, post_kind = 0;
		if (r->t[i].punct == ',' || r->t[i].punct == '/') { /* "bladder/bowel": a slash joins like "or" */
			r->t[i].kind = HH_TP_SOFT + 1;
			r->t[i].trig_from = i;
		}
		unsigned char c = (unsigned char)r->t[i].w[0];
		for (size_t b = x->first[c]; b < x->first[c + 1]; b++) {
			size_t k = x->order[b];
			const char *tw = L->triggers[k].words;
			if ((tw[1] == ' ' ? '\0' : tw[1]) != r->t[i].w[1])
				continue; /* the second letter differs: no need to compare the words */
			int n = trigger_at(r, tw, i);
			if (n == 0)
				continue;
			if (is_post(L->triggers[k].kind) && n > post_best) {
				post_best = n;
				post_kind = (int)L->triggers[k].kind + 1;
			} else if (!is_post(L->triggers[k].kind) && n > best) {
				best = n;
				kind = (int)L->triggers[k].kind + 1;
			}
		}
		if (kind == HH_TP_PRE_HEDGE + 1 && best == 1 && hh_tp_in(L->clause_hedges, r->t[i].w) && i > 0 &&
		    !r->t[i - 1].punct && r->t[i - 1].kind == 0 && strcmp(r->t[i - 1].w, "que") != 0)
			best = kind = 0; /* mid-clause: "todo el rato igual" is the same, not a maybe */
		/* "not chest pain exactly, more like a pressure": a no taken back, a maybe */
		if (kind == HH_TP_PRE_NEG + 1 && best == 1 && r->L->neg_softeners != NULL)
			for (int k = i + 1; k < r->n && k <= i + 4 && !r->t[k].punct; k++)
				if (hh_tp_in(r->L->neg_softeners, r->t[k].w))
					kind = HH_TP_PRE_HEDGE + 1;
		/* "cant take a deep breath without a stabbing pain": two noes, the pain comes each time */
		if (kind == HH_TP_PRE_NEG + 1 && best == 1 && r->L->without != NULL &&
		    hh_tp_in(r->L->without, r->t[i].w) && cant_before(r, i))
			best = kind = 0;
		r->t[i].post_kind = post_kind;
		r->t[i].post_len = post_best;
		for (int k = 0; k < best; k++) {
			r->t[i + k].kind = kind;
			r->t[i + k].trig_from = i;
		}
		i += best > 0 ? best : 1;
	}
}

/* ------------------------------------------------------------------ status */

struct scope {
	int neg, hedge;
	int other; /* someone else's: "my sister has", "mi madre tuvo" (ConText's experiencer) */
};

static void apply_kind(struct scope *s, int kind)
{
	if (kind == HH_TP_PRE_NEG + 1 || kind == HH_TP_POST_NEG + 1)
		s->neg = 1;
	if (kind == HH_TP_PRE_HEDGE + 1 || kind == HH_TP_POST_HEDGE + 1)
		s->hedge = 1;
}

static int starts_clause(const struct reader *r, int j)
{
	return r->t[j].kind == HH_TP_SUBJ + 1 && j > 0 && r->t[j - 1].kind == HH_TP_SOFT + 1;
}

static int cw_word_matches(const struct hh_concept_word *w, size_t k, const struct tok *t, const char *stem);
static void stem_with(struct sb_stemmer *sb, const char *word, char out[WORD_MAX]);

/* Is token j a word of one of the parts of code's question ("weakness" for leg_weakness_numbness)? */
static int part_word(const struct reader *r, const char *code, int j)
{
	const struct hh_code_parts *cp = hh_phrases_parts(r->book, code);
	char stem[WORD_MAX];
	if (cp == NULL || r->t[j].punct)
		return 0;
	stem_with(r->sb, r->t[j].w, stem);
	for (size_t k = 0; k < cp->n_words; k++)
		if (cp->words[k].n_words == 1 && cw_word_matches(&cp->words[k], 0, &r->t[j], stem))
			return 1;
	return 0;
}

/*
 * Is m gapped by more than a list of the things its question asks? "numbness
 * or tingling in my legs" is one list a denial before reaches ("no weakness or
 * numbness or tingling in my legs"); "legs feel numb" after "no fever and" is not.
 */
static int gapped_beyond_list(const struct reader *r, const struct match *m)
{
	if (!m->gapped)
		return 0;
	for (int g = 0; g < m->n_gaps; g++)
		for (int j = m->gaps[g][0]; j < m->gaps[g][1]; j++)
			if (r->t[j].kind != HH_TP_SOFT + 1 && !hh_tp_in(r->L->fillers, r->t[j].w) &&
			    !part_word(r, m->p->name, j))
				return 1;
	return 0;
}

/* Pre-triggers before m, walking back over at most SCOPE_WORDS words to a clause boundary. */
/*
 * Does what follows a comma at c go on with the list before it ("I do NOT
 * have: a fever, chest pain, a rash")? Not when it opens a clause of its own
 * ("no fever, just chest pain").
 */
static int list_goes_on(const struct reader *r, int c)
{
	int k = c + 1;
	return k >= r->n || !(r->t[k].punct || r->t[k].kind == HH_TP_TERM + 1 || hh_tp_in(r->L->openers, r->t[k].w));
}

/*
 * Is what follows the comma at c an item of the list a no at trig opens: a
 * list the no announces with a colon ("I do NOT have: a fever, chest pain,
 * a rash"), or one of alternatives closed by "or" or "nor" before its
 * sentence ends ("no fever, cough or chest pain")? Only then does the no
 * reach past the comma. Otherwise the words after a comma may be a
 * statement of their own ("no chest pain, heart racing"; "no fever, cant
 * pee"): they are read as they stand, never as a no carried over.
 */
static int list_of_noes(const struct reader *r, int trig, int c)
{
	for (int k = trig + 1; k < c; k++)
		if (r->t[k].punct == ':')
			return 1;
	for (int k = c + 1; k < r->n; k++) {
		if (r->t[k].punct == '.' || r->t[k].kind == HH_TP_TERM + 1)
			return 0;
		if ((!r->t[k].punct && hh_tp_in(r->L->list_or, r->t[k].w)) || r->t[k].punct == '/')
			return 1; /* "bladder/bowel": a slash is an "or" */
	}
	return 0;
}

static void scope_before(const struct reader *r, const struct match *m, struct scope *s)
{
	int words = 0, item = 0, soft = 0, comma = -1; /* item: words since the last comma crossed */
	int and_crossed = 0, named_before_and = 0;     /* "hasnt pooped in 4 days and wet herself" */
	/* the mention itself opens a clause: "no falls, started on its own" */
	if (m->from > 0 && r->t[m->from - 1].kind == HH_TP_SOFT + 1)
		for (size_t k = 0; k < r->L->n_triggers; k++)
			if (r->L->triggers[k].kind == HH_TP_SUBJ &&
			    words_at(r, r->L->triggers[k].words, m->from, 1) > 0)
				return;
	for (int j = m->from - 1; j >= 0 && words < SCOPE_WORDS; j--) {
		const struct tok *t = &r->t[j];
		if (t->punct == '.' || t->kind == HH_TP_TERM + 1 || starts_clause(r, j))
			return;
		if (t->punct == ',' && item >= 2)
			return; /* "without help, hip and lower back agony": a new clause, not a list item */
		if (t->punct == ',' && comma < 0)
			comma = j;
		if (t->punct == ',')
			item = 0; /* "I do NOT have: a fever, chest pain, a rash, any weight loss": items of a list */
		if (t->kind == HH_TP_SOFT + 1)
			soft = 1;
		if (soft && (gapped_beyond_list(r, m) || m->p->opposite))
			return; /* after "and" or ",", only a list of plain phrases shares the negation; never
				 * an opposite, which says no itself ("no chest pain and breathing is fine") */
		if (and_crossed && t->covered)
			named_before_and = 1;
		if (!t->punct && t->kind == HH_TP_SOFT + 1 && hh_tp_in(r->L->and_words, t->w))
			and_crossed = 1;
		if (t->kind == HH_TP_PRE_NEG + 1 || t->kind == HH_TP_PRE_HEDGE + 1) {
			if (comma >= 0 && !list_goes_on(r, comma))
				return;
			/* "she hasnt pooped in 4 days and wet herself": a no reaches past "and" only along a
			 * list of things named ("no fever and chills"), not into a new thing done */
			if (and_crossed && !named_before_and && t->kind == HH_TP_PRE_NEG + 1)
				return;
			if (t->kind == HH_TP_PRE_NEG + 1 && comma >= 0 && !list_of_noes(r, j, comma))
				return;
			apply_kind(s, t->kind);
			j = t->trig_from;
		}
		if (!t->punct && !r->proxy && hh_tp_in(r->L->family, t->w)) {
			int v = j + 1; /* "mi madre de 85 anos tiene", "my dad 70 has": the relative's age between */
			while (v < r->n && v <= j + 3 && !r->t[v].punct &&
			       (r->t[v].digits || hh_tp_in(r->L->years, r->t[v].w) || strcmp(r->t[v].w, "de") == 0))
				v++;
			for (size_t k = 0; r->L->family_verbs[k] != NULL; k++)
				s->other |= words_at(r, r->L->family_verbs[k], v, 1) > 0;
		}
		if (!t->punct && !t->covered) {
			/* "might have had a bit of a tight chest": a list's small words are no distance */
			words += !hh_tp_in(r->L->fillers, t->w);
			/* "knocks or accidents": one item and its "or" (English; the Spanish lists are not tuned to it) */
			item += t->kind != HH_TP_SOFT + 1 || r->lang != HH_LANG_EN;
		}
	}
}

/* A post-trigger right after m (punctuation between at most), itself ending a clause. */
static void scope_after(const struct reader *r, const struct match *m, struct scope *s)
{
	int j = m->to, punct = 0;
	/* "Fever/chills? no", "Fiebre, perdida de peso, sudores nocturnos?: no": a list asked, then answered */
	if (j < r->n && (r->t[j].punct == ',' || r->t[j].punct == '/' ||
			 (!r->t[j].punct && r->L->list_or != NULL && hh_tp_in(r->L->list_or, r->t[j].w)))) {
		/* only things listed: a hedge or a no on the way answers itself ("numb, maybe?") */
		int q = j, plain = 1;
		while (q < r->n && r->t[q].punct != '.' && q < m->to + 12) {
			plain &= r->t[q].post_kind == 0 && (r->t[q].kind == 0 || r->t[q].kind == HH_TP_SOFT + 1);
			q++;
		}
		if (plain && q < r->n && r->t[q].question)
			j = q;
	}
	while (j < r->n && r->t[j].punct && r->t[j].punct != '.' && punct < POST_PUNCT) {
		j++;
		punct++;
	}
	for (int k = 0;
	     k < 2 && j < r->n && !r->t[j].punct && r->t[j].post_kind == 0 && hh_tp_in(r->L->copulas, r->t[j].w); k++)
		j++; /* "my legs are fine", "bladder is normal" */
	if (j < r->n && r->t[j].punct == '.' && punct < POST_PUNCT) {
		j++; /* "fever? no" */
		if (j < r->n && r->t[j].punct == ':')
			j++; /* "fiebre?: no" */
	}
	if (j >= r->n || r->t[j].post_kind == 0)
		return;
	int e = j + r->t[j].post_len;
	/* "heart racing, I think I might be ...": a pre-trigger too, before a new subject, reads forward */
	if (e < r->n && r->t[e].kind == HH_TP_SUBJ + 1 && r->t[j].kind != 0 && r->t[j].kind != HH_TP_SUBJ + 1 &&
	    r->t[j].trig_from == j && r->t[j].kind != HH_TP_SOFT + 1)
		return;
	if (e < r->n && !r->t[e].punct && r->t[e].kind != HH_TP_TERM + 1 && r->t[e].kind != HH_TP_SOFT + 1 &&
	    r->t[e].kind != HH_TP_SUBJ + 1 && !(r->t[e].kind == HH_TP_PRE_HEDGE + 1 && r->t[e].trig_from == e) &&
	    r->t[e].post_kind == 0)
		return; /* "a fever I think not sure": one hedge after another still ends the clause */
	apply_kind(s, r->t[j].post_kind);
}

/* Triggers inside a phrase's gaps: "legs are not numb", "legs might be numb". */
static void scope_inside(const struct reader *r, const struct match *m, struct scope *s)
{
	for (int g = 0; g < m->n_gaps; g++)
		for (int j = m->gaps[g][0]; j < m->gaps[g][1]; j++) {
			int k = r->t[j].kind;
			if (k == HH_TP_PRE_NEG + 1 || k == HH_TP_PRE_HEDGE + 1)
				apply_kind(s, k);
			if (r->t[j].post_kind == HH_TP_POST_HEDGE + 1)
				apply_kind(s, r->t[j].post_kind);
		}
}

/*
 * A form's yes right after m, as its whole answer: "fever: no, chest pain:
 * yes", "numb legs - yes", "chest pain? yes". It outweighs a denial before
 * (the list's "no" was the fever's).
 */
static int affirmed(const struct reader *r, const struct match *m)
{
	int j = m->to, punct = 0;
	while (j < r->n && r->t[j].punct && punct < POST_PUNCT) {
		j++;
		punct++;
	}
	return j < r->n && !r->t[j].punct && hh_tp_in(r->L->affirm, r->t[j].w) && (j + 1 >= r->n || r->t[j + 1].punct);
}

/*
 * A mention that says its own no ("no puedo orinar", "no siento las piernas",
 * "no feeling down there") names the symptom: a denial before it, one item
 * earlier in the list ("no tengo fiebre, no puedo orinar"), does not turn it
 * into a denial. A hedge before it still makes it uncertain. A no that also
 * joins a list ("ni", listed as a soft trigger too) carries the denial before
 * it: "no me duele ni en reposo" stays denied.
 */
static int own_negation(const struct reader *r, const struct match *m)
{
	const struct tok *t = &r->t[m->from];
	if (m->p->opposite)
		return 0; /* "tampoco controlo bien": a no before an opposite ("controlo bien") turns it round */
	/*
	 * "tampoco controlo bien la orina", "ni aguanto el pis": a no just
	 * before a mention that opens with a verb of being able to is the
	 * mention's own (it cannot), not a denial of it
	 */
	if (m->from > 0 && !t->punct && hh_tp_in(r->L->ability, t->w) && !r->t[m->from - 1].punct &&
	    r->t[m->from - 1].kind == HH_TP_PRE_NEG + 1)
		return 1;
	int neg = 0, joins = 0;
	for (size_t k = 0; !t->punct && k < r->L->n_triggers; k++)
		if (strcmp(r->L->triggers[k].words, t->w) == 0) {
			neg |= r->L->triggers[k].kind == HH_TP_PRE_NEG;
			joins |= r->L->triggers[k].kind == HH_TP_SOFT;
		}
	return neg && !joins;
}

static enum hh_mention_status status_of(const struct reader *r, const struct match *m, int *other)
{
	struct scope s = {0, 0, 0};
	scope_before(r, m, &s);
	/* "never had cancer until last year": the denial ends where the "until" begins */
	static const char *const until[] = {"until", "till", "til", NULL};
	if (s.neg && r->lang == HH_LANG_EN && m->to < r->n && hh_tp_in(until, r->t[m->to].w))
		s.neg = 0;
	scope_after(r, m, &s);
	scope_inside(r, m, &s);
	if (own_negation(r, m)) {
		struct scope own = {0, 0, 0}; /* only what comes after it or inside it denies it */
		scope_after(r, m, &own);
		scope_inside(r, m, &own);
		s.neg = own.neg;
	}
	*other = s.other;
	if (affirmed(r, m))
		return HH_MENTION_PRESENT;
	return s.hedge ? HH_MENTION_UNCERTAIN : s.neg ? HH_MENTION_DENIED : HH_MENTION_PRESENT;
}

/* ------------------------------------------------------------------ concepts */

/* The Snowball stem of word into out (the word itself when the stemmer is missing). */
static void stem_with(struct sb_stemmer *sb, const char *word, char out[WORD_MAX])
{
	const sb_symbol *st = sb != NULL ? sb_stemmer_stem(sb, (const sb_symbol *)word, (int)strlen(word)) : NULL;
	int n = st != NULL ? sb_stemmer_length(sb) : 0;
	if (st == NULL || n <= 0 || n >= WORD_MAX)
		snprintf(out, WORD_MAX, "%s", word);
	else {
		memcpy(out, st, (size_t)n);
		out[n] = '\0';
	}
}

static int cw_word_matches(const struct hh_concept_word *w, size_t k, const struct tok *t, const char *stem)
{
	if (t->punct)
		return 0;
	if (w->pfx[k])
		return !t->not_stem && strncmp(t->w, w->words[k], strlen(w->words[k])) == 0;
	return strcmp(stem, w->words[k]) == 0;
}

/* The tokens entry w covers from i (its first word matched already), or 0. */
static int cw_rest(const struct reader *r, const struct hh_concept_word *w, int i)
{
	for (size_t k = 1; k < w->n_words; k++) {
		int j = i + (int)k;
		char stem[WORD_MAX];
		if (j >= r->n || r->t[j].punct)
			return 0;
		if (!w->pfx[k])
			stem_with(r->sb, r->t[j].w, stem);
		if (!cw_word_matches(w, k, &r->t[j], w->pfx[k] ? "" : stem))
			return 0;
	}
	return (int)w->n_words;
}

static void add_hit(struct reader *r, const struct hh_concept_word *w, int i)
{
	if (r->n_hits >= MAX_MATCHES || (w->concept->head.country != NULL &&
					 (r->country == NULL || strcmp(w->concept->head.country, r->country) != 0)))
		return;
	int n = cw_rest(r, w, i);
	if (n > 0)
		r->hits[r->n_hits++] = (struct hit){w->concept, w->group, i, i + n};
}

/* Every concept entry that starts at each token. */
static void find_hits(struct reader *r)
{
	const struct hh_phrasebook *b = r->book;
	r->n_hits = 0;
	if (b == NULL || b->n_concepts == 0)
		return;
	for (int i = 0; i < r->n; i++) {
		const struct tok *t = &r->t[i];
		const unsigned char *f = (const unsigned char *)t->w;
		unsigned pair = (unsigned)f[0] << 8 | f[1];
		if (t->punct || f[1] == '\0' || !(b->cw_pair[pair >> 3] & (1u << (pair & 7))))
			continue;
		if (i > 0 && list_at(r, r->L->yesterday, i - 1) == 2)
			continue; /* "last night" is a day, not the night of night_pain */
		char stem[WORD_MAX];
		stem_with(r->sb, t->w, stem);
		size_t lo = 0, hi = b->n_cw_stem;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (strcmp(b->cw_stem[mid].words[0], stem) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t k = lo; k < b->n_cw_stem && strcmp(b->cw_stem[k].words[0], stem) == 0; k++)
			add_hit(r, &b->cw_stem[k], i);
		/* prefixes: at least three bytes, so those that share the word's first three */
		if (strlen(t->w) < 3)
			continue;
		lo = 0, hi = b->n_cw_pfx;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (strncmp(b->cw_pfx[mid].words[0], t->w, 3) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t k = lo; k < b->n_cw_pfx && strncmp(b->cw_pfx[k].words[0], t->w, 3) == 0; k++)
			if (cw_word_matches(&b->cw_pfx[k], 0, t, ""))
				add_hit(r, &b->cw_pfx[k], i);
	}
}

static int cmp_hit(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	if (x->concept != y->concept)
	return x->concept < y->concept ? -1 : 1;
	if (x->from != y->from)
		return x->from - y->from;
	return (int)x->group - (int)y->group;
}

/* A concept may not cross a sentence, a comma or a strong clause boundary, nor a new subject. */
static int concept_stops(const struct reader *r, int j)
{
	return gap_stops(&r->t[j]) || starts_clause(r, j);
}

/* The hits of one concept (h[0..n), by position): a match from each that has every group near it. */
static void concept_matches(struct reader *r, const struct hit *h, int n)
{
	const struct hh_concept *c = h[0].concept;
	for (int a = 0; a < n && r->n_m < MAX_MATCHES; a++) {
		const struct hit *pick[HH_CONCEPT_MAX_GROUPS] = {0};
		unsigned have = 0;
		int end = h[a].to, ok = 1;
		pick[h[a].group] = &h[a];
		have = 1u << h[a].group;
		for (int k = a + 1; k < n && h[k].from < h[a].from + HH_CONCEPT_SPAN; k++) {
			if ((have >> h[k].group) & 1u || h[k].from < end)
				continue;
			pick[h[k].group] = &h[k];
			have |= 1u << h[k].group;
			end = h[k].to;
		}
		if (have != (1u << c->n_groups) - 1 || end - h[a].from > HH_CONCEPT_SPAN)
			continue;
		for (int j = h[a].from + 1; j < end && ok; j++)
			ok = !concept_stops(r, j);
		if (!ok)
			continue;
		struct match *m = &r->m[r->n_m];
		memset(m, 0, sizeof(*m));
		m->p = &c->head;
		m->from = h[a].from;
		m->to = end;
		/* the words between the groups are its gaps: "chest is not tight" reads the "not" */
		int prev = -1;
		for (int j = h[a].from; j < end; j++) {
			int in = 0;
			for (unsigned g = 0; g < c->n_groups; g++)
				in |= j >= pick[g]->from && j < pick[g]->to;
			if (in) {
				m->weight++;
				prev = -1;
			} else if (prev < 0 && m->n_gaps < HH_PHRASE_MAX_WORDS) {
				prev = m->n_gaps++;
				m->gaps[prev][0] = j;
				m->gaps[prev][1] = j + 1;
			} else if (prev >= 0) {
				m->gaps[prev][1] = j + 1;
			}
		}
		/* words between that only join a list ("chills or sweats") are no gap: a denial before reaches it */
		for (int g = 0; g < m->n_gaps; g++)
			for (int j = m->gaps[g][0]; j < m->gaps[g][1]; j++)
				m->gapped |= r->t[j].kind != HH_TP_SOFT + 1;
		r->n_m++;
		while (a + 1 < n && h[a + 1].from < end)
			a++;
	}
}

static void find_concepts(struct reader *r)
{
	find_hits(r);
	if (r->n_hits == 0)
		return;
	qsort(r->hits, (size_t)r->n_hits, sizeof(*r->hits), cmp_hit);
	for (int i = 0; i < r->n_hits;) {
		int k = i;
		while (k < r->n_hits && r->hits[k].concept == r->hits[i].concept)
			k++;
		concept_matches(r, &r->hits[i], k - i);
		i = k;
	}
}

/* ------------------------------------------------------------------ numbers */

static const struct hh_tp_numword *numword(const struct hh_tp_lang *L, const struct tok *t)
{
	for (size_t i = 0; !t->punct && !t->digits && i < L->n_numwords; i++)
		if (L->numwords[i].word[0] == t->w[0] && strcmp(L->numwords[i].word, t->w) == 0)
			return &L->numwords[i];
	return NULL;
}

struct number {
	long long value;
	int from, to; /* tokens */
	int loose;    /* "a", "couple", "unos": a number only before a unit */
	int vague;    /* "sesenta y pico", "forty something": about that, so no age, nor years of pain */
};

/* "cuarenta y tantos", "forty something", "40 odd": about that (loose), never an exact age. */
static int about(const struct reader *r, int j, struct number *out)
{
	static const char *const words[] = {"tantos", "tantas", "pico", "something", "odd", "ish", "plus", NULL};
	int k = j < r->n && hh_tp_in(r->L->joiners, r->t[j].w) ? j + 1 : j;
	if (k < r->n && !r->t[k].punct && hh_tp_in(words, r->t[k].w)) {
		out->loose = 1;
		out->vague = 1;
		return k + 1;
	}
	return j;
}

/* A number written in digits or words at i. */
static int read_number(const struct reader *r, int i, struct number *out)
{
	const struct tok *t = r->t;
	out->from = i;
	out->loose = 0;
	out->vague = 0;
	if (t[i].digits) {
		if (t[i].decimal)
			return 0;
		out->value = t[i].value;
		out->to = about(r, i + 1, out);
		return 1;
	}
	const struct hh_tp_numword *w = numword(r->L, &t[i]);
	if (w == NULL)
		return 0;
	int j = i + 1;
	long long v = w->value;
	if (w->kind == HH_TP_NUM_ARTICLE || w->kind == HH_TP_NUM_VAGUE) {
		const struct hh_tp_numword *x = j < r->n ? numword(r->L, &t[j]) : NULL;
		if (x != NULL && x->kind == HH_TP_NUM_VAGUE) {
			v = x->value;
			j++;
		}
		out->loose = 1;
	} else if (w->kind == HH_TP_NUM_HUNDRED ||
		   (j < r->n && numword(r->L, &t[j]) != NULL && numword(r->L, &t[j])->kind == HH_TP_NUM_HUNDRED)) {
		if (w->kind != HH_TP_NUM_HUNDRED)
			j++;
		v = 100;
		if (j < r->n && hh_tp_in(r->L->joiners, t[j].w))
			j++;
		struct number rest;
		if (j < r->n && !t[j].digits && read_number(r, j, &rest) && !rest.loose && rest.value < 100) {
			v += rest.value;
			j = rest.to;
		}
	} else if (w->kind == HH_TP_NUM_TEN) {
		int k = j < r->n && hh_tp_in(r->L->joiners, t[j].w) ? j + 1 : j;
		const struct hh_tp_numword *u = k < r->n ? numword(r->L, &t[k]) : NULL;
		/* "cuarenta y un anos": Spanish "un" and "una" are one after a joiner */
		int one = u != NULL && u->kind == HH_TP_NUM_ARTICLE && k == j + 1 && r->lang == HH_LANG_ES;
		if (u != NULL && (one || (u->kind == HH_TP_NUM_UNIT && u->value >= 1 && u->value <= 9))) {
			v += u->value;
			j = k + 1;
		}
	}
	out->value = v;
	out->to = about(r, j, out);
	return 1;
}

static const struct hh_tp_unit *unit_at(const struct reader *r, int j)
{
	if (j >= r->n || r->t[j].punct)
		return NULL;
	for (size_t i = 0; i < r->L->n_units; i++)
		if (r->L->units[i].word[0] == r->t[j].w[0] && strcmp(r->L->units[i].word, r->t[j].w) == 0)
			return &r->L->units[i];
	return NULL;
}

/* Does a word of list (each may be two words) start at token j? Its length in tokens, or 0. */
static int list_at(const struct reader *r, const char *const *list, int j)
{
	int best = 0;
	if (j >= r->n)
		return 0;
	for (size_t i = 0; list[i] != NULL; i++) {
		if (list[i][0] != r->t[j].w[0])
			continue; /* the first letters differ: no need to compare the words */
		int n = words_at(r, list[i], j, 1);
		best = n > best ? n : best;
	}
	return best;
}

/* Does a word of list end just before token j (skipping ":")? */
static int list_before(const struct reader *r, const char *const *list, int j)
{
	if (j > 0 && r->t[j - 1].punct == ':')
		j--;
	for (int k = 1; k <= 2 && j - k >= 0; k++)
		if (list_at(r, list, j - k) == k)
			return 1;
	return 0;
}

static void add_mention(struct hh_textparse_result *out, enum hh_mention_kind kind, long long value, unsigned start,
			unsigned end)
{
	if (out->n_mentions >= HH_TEXTPARSE_MAX_MENTIONS)
		return;
	struct hh_mention *m = &out->mentions[out->n_mentions++];
	memset(m, 0, sizeof(*m));
	m->kind = kind;
	m->value = value;
	m->start = start;
	m->end = end;
}

/* A code's mention, or NULL when the result is full. */
static struct hh_mention *add_code(struct hh_textparse_result *out, const struct hh_symptom *y,
				   enum hh_mention_status st, unsigned start, unsigned end)
{
	if (out->n_mentions >= HH_TEXTPARSE_MAX_MENTIONS)
		return NULL;
	add_mention(out, HH_MENTION_CODE, 0, start, end);
	struct hh_mention *x = &out->mentions[out->n_mentions - 1];
	x->symptom = y;
	x->status = st;
	return x;
}

/*
 * Whose number is it? A family word shortly before it in the sentence, with
 * no word of the writer's own between ("my dad is 78", "mi padre tiene 80",
 * "my mom (she's 82)"): someone else's, not the writer's age.
 */
static int someone_elses(const struct reader *r, int from)
{
	if (r->proxy)
		return 0; /* "mi madre tiene 81 anos y lleva tres dias con dolor": hers is the age asked */
	if (from > 0 && hh_tp_in(r->L->possessives, r->t[from - 1].w))
		return 1; /* "my 5 year old", "our 14-year-old": a child's age */
	for (int k = from - 1, words = 0; k >= 0 && words < 10 && r->t[k].punct != '.'; k--) {
		if (r->t[k].punct)
			continue;
		if (hh_tp_in(r->L->first_person, r->t[k].w))
			return 0;
		if (hh_tp_in(r->L->family, r->t[k].w)) {
			/* "I'm a single dad, 42", "soy madre de dos, 38": the writer says who they are */
			static const char *const i_am[] = {"im", "am", "soy", NULL};
			for (int b = k - 1; b >= 0 && b >= k - 3 && !r->t[b].punct; b--)
				if (hh_tp_in(i_am, r->t[b].w))
					return 0;
			return 1;
		}
		words++;
	}
	return 0;
}

static void found_age(const struct reader *r, struct hh_textparse_result *out, long long v, int from, int to)
{
	if (v < 0 || v > HH_TRIAGE_AGE_MAX || someone_elses(r, from))
		return;
	add_mention(out, HH_MENTION_AGE, v, r->t[from].start, r->t[to - 1].end);
	if (out->request.age < 0)
		out->request.age = v;
}

static void found_duration(const struct reader *r, struct hh_textparse_result *out, long long v, int from, int to)
{
	if (v < 1 || v > HH_TRIAGE_DURATION_DAYS_MAX)
		return; /* "since this morning", "2 hours": hours, not days (the issue's "hours" are no duration) */
	add_mention(out, HH_MENTION_DURATION, v, r->t[from].start, r->t[to - 1].end);
	if (out->request.duration_days < 0)
		out->request.duration_days = v;
}

/* "2/52" weeks, "3/7" days, "2/12" months (clinical shorthand); "7/10" is a score (read_score). */
static int read_fraction(const struct reader *r, const struct number *n, struct hh_textparse_result *out)
{
	int j = n->to;
	if (!r->t[n->from].digits || j + 1 >= r->n || r->t[j].punct != '/' || !r->t[j + 1].digits)
		return 0;
	long long d = r->t[j + 1].value, per = d == 52 ? 7 : d == 7 ? 1 : d == 12 ? 30 : 0;
	if (n->value == 24 && d == 7)
		per = 0; /* "24/7": all the time, not 24 days */
	if (per > 0)
		found_duration(r, out, n->value * per, n->from, j + 2);
	return j + 2;
}

/*
 * A pain score: "8/10", "9 out of 10", "un 8 sobre 10". Eight or more is very
 * bad pain, a yes to getting_worse ("Is the pain very bad, or getting worse?");
 * "7/10" says nothing.
 */
static int read_score(const struct hh_content *c, const struct reader *r, const struct number *n,
		      struct hh_textparse_result *out)
{
	static const char *const out_of[] = {"out of", "outta", "sobre", "de", NULL};
	int j = n->to, k = j < r->n && r->t[j].punct == '/' ? 1 : list_at(r, out_of, j);
	if (k == 0 || j + k >= r->n || !r->t[j + k].digits || r->t[j + k].value != 10 || n->value > 10)
		return 0;
	const struct hh_symptom *y = n->value >= 8 && c != NULL ? hh_content_symptom(c, "getting_worse") : NULL;
	if (y != NULL)
		add_code(out, y, HH_MENTION_PRESENT, r->t[n->from].start, r->t[j + k].end);
	return j + k + 1;
}

/* A word that tells when the pain began ("started", "fell", "tripped"); "went to the ER" is a trip, not one. */
static int is_onset(const struct reader *r, int k)
{
	if (r->t[k].punct || !hh_tp_in(r->L->onset, r->t[k].w))
		return 0;
	return strcmp(r->t[k].w, "went") != 0 || k + 1 >= r->n || strcmp(r->t[k + 1].w, "to") != 0;
}

/*
 * A heart rate of 100 or more: "HR 120", "pulse of 130", "heart rate: 110",
 * "125 bpm" is a fast heartbeat, said in numbers.
 */
static int read_rate(const struct hh_content *c, const struct reader *r, const struct number *n,
		     struct hh_textparse_result *out)
{
	static const char *const between[] = {"of", "is", "was", "at", "about", "around", "over", NULL};
	static const char *const bpm[] = {"bpm", "beats", NULL};
	const char *const *before = r->L->rate_before;
	if (before == NULL || c == NULL || n->loose)
		return 0;
	int from = -1, to = n->to;
	for (int j = n->from - 1, k = 0; j >= 0 && k < 2 && from < 0; j--, k++) {
		if (r->t[j].punct == ':')
			continue;
		if (r->t[j].punct)
			break;
		for (int w = 1; w <= 2 && j - w + 1 >= 0 && from < 0; w++)
			if (list_at(r, before, j - w + 1) == w)
				from = j - w + 1;
		if (from < 0 && !hh_tp_in(between, r->t[j].w))
			break;
	}
	if (from < 0 && to < r->n && list_at(r, bpm, to) > 0) {
		from = n->from;
		to++;
	}
	const struct hh_symptom *y = hh_content_symptom(c, "fast_heartbeat");
	if (from < 0 || y == NULL || n->value < 100 || n->value > 250 || out->n_mentions >= HH_TEXTPARSE_MAX_MENTIONS)
		return 0;
	add_code(out, y, HH_MENTION_PRESENT, r->t[from].start, r->t[to - 1].end);
	return to;
}

/* Does a relative come just before token i ("my mum, 78", "mi padre (84)", "mi hijo de 9", "my dad is 70")? */
static int kin_before(const struct reader *r, int i)
{
	int k = i - 1;
	for (int skip = 0; skip < 3 && k >= 0 &&
			   (r->t[k].punct == ',' || r->t[k].punct == '(' ||
			    (!r->t[k].punct && hh_tp_in(r->L->kin_between, r->t[k].w)));
	     skip++)
		k--;
	if (k >= 1 && k + 1 < i && !r->t[k].punct && !hh_tp_in(r->L->family, r->t[k].w) &&
	    hh_tp_in(r->L->family, r->t[k - 1].w))
		return 1; /* "my husband Derek (67)", "my husband Dave who is 56": a name between */
	return k >= 0 && !r->t[k].punct &&
	       (hh_tp_in(r->L->family, r->t[k].w) || (r->proxy && hh_tp_in(r->L->kin_pronouns, r->t[k].w)));
}

/* A number followed by a unit: a duration, an age in years, or neither (kg, weeks pregnant). */
static int read_with_unit(const struct reader *r, const struct number *n, struct hh_textparse_result *out)
{
	int j = n->to;
	if (j < r->n && (strcmp(r->t[j].w, "of") == 0 || strcmp(r->t[j].w, "de") == 0) && n->loose)
		j++;                              /* "a couple of days", "un par de dias" */
	int pre_half = list_at(r, r->L->half, j); /* "2 and a half weeks" */
	if (pre_half > 0 && unit_at(r, j + pre_half) != NULL)
		j += pre_half;
	else
		pre_half = 0;
	const struct hh_tp_unit *u = unit_at(r, j);
	if (u == NULL)
		return 0;
	int e = j + 1;
	if (n->loose && n->from > 0 &&
	    (r->t[n->from - 1].digits || unit_at(r, n->from - 1) != NULL || list_at(r, r->L->per, n->from - 1) ||
	     (n->from > 1 && r->t[n->from - 2].digits && !r->t[n->from - 1].punct)))
		return e; /* "ten hours a day", "twice a week", "200 laps a week": how often, not how long */
	/* "(8, 6 y 2 años)", "aged 8 and 2 years": the unit of a list of numbers (children's ages), not the pain's */
	if (n->from >= 2 && r->t[n->from - 2].digits &&
	    (r->t[n->from - 1].punct == ',' || hh_tp_in(r->L->joiners, r->t[n->from - 1].w)))
		return e;
	long long days = u->days;
	/* "4 days a week", "10 hours a day", "3 veces por semana": how often, not how long */
	int per = list_at(r, r->L->per, e) || unit_at(r, e) != NULL || (e + 1 < r->n && unit_at(r, e + 1) != NULL) ||
		  (e + 2 < r->n && strcmp(r->t[e].w, "a") == 0 && strcmp(r->t[e + 1].w, "la") == 0 &&
		   unit_at(r, e + 2) != NULL); /* "5 dias a la semana" */
	if (per)
		return e;
	int hours = hh_tp_in(r->L->hours, u->word);
	if (days == 0 && hours && n->value >= 24) {
		found_duration(r, out, n->value / 24, n->from, e); /* "48 hours": two days */
		return e;
	}
	/* "came on about an hour ago", "20 MIN AGO": hours or minutes ago are left out, as the writers of
	 * the labelled set and of batches G and H leave them (F's alone wrote 0) */
	if (days == 0)
		return e;
	/* "embarazada de 34 semanas", "pregnant (about 12 weeks)" */
	for (int k = n->from - 1, words = 0; k >= 0 && words < 3 && (!r->t[k].punct || r->t[k].punct == '('); k--) {
		if (r->t[k].punct)
			continue;
		if (hh_tp_in(r->L->joiners, r->t[k].w))
			break; /* "36 semanas de embarazo y 28 anos": a new number, not the weeks' */
		if (hh_tp_in(r->L->not_duration, r->t[k].w) && strcmp(r->t[k].w, "old") != 0)
			return e;
		words++;
	}
	/* "smoked 20 a day for 30 years", "worked as a builder for 25 years": a habit's years, not the pain's */
	for (int k = n->from - 1, words = 0; k >= 0 && words < 6 && r->t[k].punct != '.' && r->t[k].punct != ','; k--) {
		if (r->t[k].punct)
			continue;
		if (hh_tp_in(r->L->habits, r->t[k].w))
			return e;
		/* "been a nurse twenty yrs": a career's ("been a week" is the pain's) */
		if (r->L->career != NULL && list_at(r, r->L->career, k) > 0 &&
		    k + list_at(r, r->L->career, k) < n->from)
			return e;
		words++;
	}
	if (n->from > 0 && r->lang == HH_LANG_EN && strcmp(r->t[n->from - 1].w, "half") == 0 && n->loose && days > 1) {
		found_duration(r, out, days / 2, n->from - 1, e); /* "half a year", "half an hour" has no days */
		return e;
	}
	if (hh_tp_in(r->L->years, u->word) && n->vague)
		return e; /* "una senora de sesenta y pico anos": an age about that, never years of pain */
	if (hh_tp_in(r->L->years, u->word) && kin_before(r, n->from)) {
		found_age(r, out, n->value, n->from, e); /* "mi hijo de 9 anos": the child's age, never a duration */
		return e + list_at(r, r->L->age_after, e);
	}
	if (hh_tp_in(r->L->years, u->word)) {
		int old = list_at(r, r->L->age_after, e);
		int cue = list_before(r, r->L->dur_before, n->from) || list_at(r, r->L->dur_after, e);
		if (old > 0 || (!cue && !n->loose && n->value >= 10)) {
			found_age(r, out, n->value, n->from, e + old);
			return e + old;
		}
	}
	if (list_at(r, r->L->not_duration, e) > 0)
		return e + list_at(r, r->L->not_duration, e);
	int half = list_at(r, r->L->half, e); /* "a week and a half", "un mes y medio" */
	found_duration(r, out, n->value * days + (half > 0 || pre_half > 0 ? days / 2 : 0), n->from, e + half);
	return e + half;
}

static const char *const sex_words[] = {"m",     "f",   "male", "female", "man",   "woman",  "guy",
					"bloke", "lad", "chap", "fella",  "mujer", "hombre", NULL};

/* A bare number: an age when the words around say so ("I'm 45", "aged 45", "45M", "tengo 45"). */
static int read_bare(const struct reader *r, const struct number *n, struct hh_textparse_result *out)
{
	if (n->loose || n->value < 1)
		return 0; /* "tengo cero abdominales" */
	int e = n->to;
	int after_ok = e >= r->n || r->t[e].punct || !r->t[e].digits;
	if (!after_ok)
		return 0;
	int sex = e < r->n && hh_tp_in(sex_words, r->t[e].w)                                   ? e
		  : e + 1 < r->n && r->t[e].punct == ',' && hh_tp_in(sex_words, r->t[e + 1].w) ? e + 1
											       : -1;
	if (e + 1 < r->n && r->t[e + 1].covered && (!strcmp(r->t[e].w, "de") || !strcmp(r->t[e].w, "of")))
		return 0; /* "tengo 38 de fiebre": the code's measure told after it, not an age */
	int j = n->from > 0 && r->t[n->from - 1].punct == ':' ? n->from - 1 : n->from;
	if (j >= 2 && r->t[j - 2].covered && !r->t[j - 1].punct &&
	    (!strcmp(r->t[j - 1].w, "de") || !strcmp(r->t[j - 1].w, "of")))
		return 0; /* "fiebre de 39", "a temperature of 39": the code's measure, not an age */
	/* "... mid back. 66", "sweating buckets. 61. came on", "58, builder, ...": a number
	 * that is a sentence of its own (or opens one, alone before a comma) */
	int alone = (n->from == 0 || r->t[n->from - 1].punct == '.') &&
		    (e >= r->n || r->t[e].punct == '.' || r->t[e].punct == ',') && n->value >= 10 &&
		    n->value <= HH_TRIAGE_AGE_MAX;
	/* "m 45", "F/52", "male, 61": the sex just before */
	int k = n->from > 0 && (r->t[n->from - 1].punct == '/' || r->t[n->from - 1].punct == ',') ? n->from - 2
												  : n->from - 1;
	int sex_before = k >= 0 && !r->t[k].punct && hh_tp_in(sex_words, r->t[k].w) && (k == 0 || r->t[k - 1].punct) &&
			 n->value >= 10;
	/* "I'm a single dad, 42, two boys": a number set off by commas after what the person is */
	int apposed = 0;
	if (n->from > 0 && r->t[n->from - 1].punct == ',' &&
	    (e >= r->n || r->t[e].punct == ',' || r->t[e].punct == '.') && n->value >= 16 &&
	    n->value <= HH_TRIAGE_AGE_MAX) {
		static const char *const i_am_a[] = {"im a", "im an", "i am a", "i am an", NULL};
		for (int q = n->from - 2; q >= 0 && q >= n->from - 10 && r->t[q].punct != '.' && !apposed; q--)
			apposed = !r->t[q].punct && list_at(r, i_am_a, q) > 0;
	}
	/* "Me (42) and my back", "(42) upper back": a number in brackets after the person, or opening the text */
	int bracketed =
		n->from > 0 && r->t[n->from - 1].punct == '(' && e < r->n && r->t[e].punct == ')' && n->value >= 16 &&
		n->value <= HH_TRIAGE_AGE_MAX &&
		(n->from == 1 || (!r->t[n->from - 2].punct && hh_tp_in(r->L->first_person, r->t[n->from - 2].w)));
	/* "madre de tres", "una de dos": "de" before a bare number names an age only when it is a grown-up's */
	int de_small = n->from > 0 && strcmp(r->t[n->from - 1].w, "de") == 0 && n->value < 10;
	/* "... 52 if that matters": an age given as an aside, opening its sentence */
	if (n->value >= 16 && n->value <= HH_TRIAGE_AGE_MAX && (n->from == 0 || r->t[n->from - 1].punct == '.') &&
	    r->L->aside_after != NULL && list_at(r, r->L->aside_after, e) > 0) {
		found_age(r, out, n->value, n->from, e);
		return e;
	}
	/* "Scaffolder, 38. Been humping tubes", "Rower, 22.": who the writer is, then the age, opening the text */
	int opening = 0;
	if (n->from >= 2 && n->from <= 4 && r->t[n->from - 1].punct == ',' &&
	    (e >= r->n || r->t[e].punct == '.' || r->t[e].punct == ',') && n->value >= 10 &&
	    n->value <= HH_TRIAGE_AGE_MAX) {
		opening = 1;
		for (int q = 0; q < n->from - 1; q++)
			opening &= !r->t[q].punct && !r->t[q].digits;
	}
	/* "16 n my upper back aches", "52 and my back": a bare number opening the text, joined to the rest */
	if (n->from == 0 && e < r->n && !r->t[e].punct && hh_tp_in(r->L->and_words, r->t[e].w) && n->value >= 10 &&
	    n->value <= HH_TRIAGE_AGE_MAX)
		opening = 1;
	/* "my mum, 78, has", "mi padre (84) lleva": the age of the person the message is written for */
	int kin = r->proxy && n->value <= HH_TRIAGE_AGE_MAX && kin_before(r, n->from);
	/* "Now 41 and my upper back", "24 now.": a grown-up's age told as now, opening its sentence */
	const char *const *now = r->L->age_now;
	int sentence_start = n->from == 0 || r->t[n->from - 1].punct == '.';
	int told_now = now != NULL && n->value >= 16 && n->value <= HH_TRIAGE_AGE_MAX &&
		       ((n->from >= 1 && !r->t[n->from - 1].punct && hh_tp_in(now, r->t[n->from - 1].w) &&
			 (n->from == 1 || r->t[n->from - 2].punct == '.')) ||
			(sentence_start && e < r->n && !r->t[e].punct && hh_tp_in(now, r->t[e].w) &&
			 (e + 1 >= r->n || r->t[e + 1].punct == '.' || r->t[e + 1].punct == ',')));
	if ((list_before(r, r->L->age_before, n->from) && !de_small) || sex >= 0 || alone || sex_before || apposed ||
	    bracketed || kin || opening || told_now) {
		found_age(r, out, n->value, sex_before ? k : n->from, sex >= 0 ? sex + 1 : e);
		return e;
	}
	return 0;
}

/*
 * "since yesterday", "woke up this morning with it", "desde ayer", "me cai esta
 * manana", "ayer me cai": a day word dates the start when a word of onset comes
 * just before it (eight words, one sentence) or just after it (three words);
 * "coughed up blood this morning" dates nothing.
 */
static int read_day_word(const struct reader *r, int i, struct hh_textparse_result *out)
{
	int days = 2, n = list_at(r, r->L->two_days, i);
	if (n == 0) {
		days = 1;
		n = list_at(r, r->L->yesterday, i);
	}
	if (n == 0) {
		days = 0;
		n = list_at(r, r->L->today, i);
	}
	if (n == 0)
		return 0;
	for (int k = i - 1; k >= 0 && k >= i - 8 && r->t[k].punct != '.'; k--)
		if (is_onset(r, k)) {
			found_duration(r, out, days, k, i + n);
			return i + n;
		}
	/* "ayer me cai", "yesterday I fell": the onset just after */
	for (int k = i + n; k < r->n && k < i + n + 3 && !r->t[k].punct; k++)
		if (is_onset(r, k)) {
			found_duration(r, out, days, i, k + 1);
			return i + n;
		}
	/* "... felt a twinge. Yesterday afternoon. 39.": a sentence of its own answers when it began */
	static const char *const part_of_day[] = {"morning", "afternoon", "evening", "night", "lunchtime", NULL};
	int e = i + n;
	if (e < r->n && !r->t[e].punct && hh_tp_in(part_of_day, r->t[e].w))
		e++;
	if ((i == 0 || r->t[i - 1].punct == '.' || r->t[i - 1].punct == ':') && (e >= r->n || r->t[e].punct == '.')) {
		found_duration(r, out, days, i, e);
		return e;
	}
	/* "threw my back out yesterday moving a couch": a bare day word, the pain's only when nothing else dates it */
	size_t before = out->n_mentions;
	found_duration(r, out, days, i, i + n);
	if (out->n_mentions > before)
		out->mentions[before].weak = 1;
	return i + n;
}

/* The sentence holding tokens [*a, *b): widened to its full stops (punctuation '.'). */
static void sentence_of(const struct reader *r, int *a, int *b)
{
	while (*a > 0 && r->t[*a - 1].punct != '.')
		(*a)--;
	while (*b < r->n && r->t[*b].punct != '.')
		(*b)++;
}

/*
 * Does "last <unit>" at i date the pain? When it spans ("for the last week",
 * "over the past month") or its sentence speaks of the pain or its start;
 * "I turned 50 last month" dates a birthday.
 */
static int of_the_pain(const struct reader *r, int i)
{
	static const char *const span[] = {"the", "for", "over", "during", "in", NULL};
	if ((i > 1 && !r->t[i - 2].punct && hh_tp_in(span, r->t[i - 2].w)) || strcmp(r->t[i - 1].w, "past") == 0)
		return 1; /* "the past week", "past wk" */
	int a = i, b = i;
	sentence_of(r, &a, &b);
	for (int k = a; k < b; k++)
		if (!r->t[k].punct && (hh_tp_in(r->L->pain_words, r->t[k].w) || is_onset(r, k) || r->t[k].covered))
			return 1;
	return 0;
}

/* "last week", "the past fortnight", "la semana pasada": one of the unit. */
static int read_last_unit(const struct reader *r, int i, struct hh_textparse_result *out)
{
	const struct hh_tp_unit *u = unit_at(r, i);
	if (u == NULL || u->days == 0 || hh_tp_in(r->L->years, u->word))
		return 0;
	static const char *const since[] = {"since", NULL};
	if (i > 0 && list_at(r, r->L->yesterday, i - 1) == 2)
		return 0; /* "last night" is a day word: it dates the pain only with an onset (read_day_word) */
	if (i > 1 && !r->t[i - 1].punct && hh_tp_in(r->L->unit_last, r->t[i - 1].w) && hh_tp_in(since, r->t[i - 2].w))
		return i + 1; /* "since last week": some day of it, no number of days */
	if (i > 0 && !r->t[i - 1].punct && hh_tp_in(r->L->unit_last, r->t[i - 1].w)) {
		if (!of_the_pain(r, i))
			return i + 1; /* "I turned 50 last month": a date of something else */
		found_duration(r, out, u->days, i - 1, i + 1);
		return i + 1;
	}
	if (i + 1 < r->n && !r->t[i + 1].punct && hh_tp_in(r->L->unit_last, r->t[i + 1].w)) {
		found_duration(r, out, u->days, i, i + 2);
		return i + 2;
	}
	return 0;
}

/* "medio ano", "desde hace semana y media": a bare unit, half of it, or one and a half after a word of duration. */
static int read_half_unit(const struct reader *r, int i, struct hh_textparse_result *out)
{
	const struct hh_tp_unit *u = unit_at(r, i);
	if (u == NULL || u->days < 2)
		return 0;
	int days = u->days >= 365 ? 180 : u->days / 2; /* half a year is six months of 30 days, as people count */
	if (i > 0 && !r->t[i - 1].punct && hh_tp_in(r->L->half_before, r->t[i - 1].w)) {
		found_duration(r, out, days, i - 1, i + 1);
		return i + 1;
	}
	int half = list_at(r, r->L->half, i + 1);
	if (half > 0 && list_before(r, r->L->dur_before, i)) {
		found_duration(r, out, u->days + days, i, i + 1 + half);
		return i + 1 + half;
	}
	return 0;
}

/* Is token j a day ("day", "dia": L->day_words; not "night")? */
static int day_at(const struct reader *r, int j)
{
	return j < r->n && !r->t[j].punct && hh_tp_in(r->L->day_words, r->t[j].w);
}

/* "3rd day of it", "the third day", "tercer dia", "I'm on day 5": the pain's Nth day, N days. */
static int read_ordinal_day(const struct reader *r, int i, struct hh_textparse_result *out)
{
	const struct tok *t = r->t;
	if (t[i].punct)
		return 0;
	int n = 0, e = i;
	if (t[i].digits && i + 2 < r->n && hh_tp_in(r->L->ordinal_suffixes, t[i + 1].w) && t[i + 1].start == t[i].end &&
	    day_at(r, i + 2)) {
		n = (int)t[i].value;
		e = i + 3;
	}
	for (size_t k = 0; n == 0 && k < r->L->n_ordinals; k++)
		if (strcmp(r->L->ordinals[k].word, t[i].w) == 0 && day_at(r, i + 1)) {
			n = r->L->ordinals[k].days;
			e = i + 2;
		}
	if (n == 0 && r->L->day_number_before != NULL && day_at(r, i) && i + 1 < r->n && t[i + 1].digits &&
	    !t[i + 1].decimal && i > 0 && list_before(r, r->L->day_number_before, i)) {
		n = (int)t[i + 1].value;
		e = i + 2;
	}
	if (n < 2 || n > 60)
		return 0;
	found_duration(r, out, n, i, e);
	return e;
}

static void read_numbers(const struct hh_content *c, const struct reader *r, struct hh_textparse_result *out)
{
	for (int i = 0; i < r->n;) {
		struct number n;
		int next = read_ordinal_day(r, i, out);
		if (next == 0)
			next = read_day_word(r, i, out);
		if (next == 0)
			next = read_last_unit(r, i, out);
		if (next == 0)
			next = read_half_unit(r, i, out);
		if (next == 0 && read_number(r, i, &n)) {
			next = read_score(c, r, &n, out);
			if (next == 0)
				next = read_rate(c, r, &n, out);
			if (next == 0)
				next = read_fraction(r, &n, out);
			if (next == 0)
				next = read_with_unit(r, &n, out);
			if (next == 0)
				next = read_bare(r, &n, out);
			if (next == 0)
				next = n.to;
		}
		i = next > i ? next : i + 1;
	}
}

/* Is y one of codes (a NULL-terminated list of code names)? */
static int code_in(const struct hh_symptom *y, const char *const *codes)
{
	return y != NULL && hh_tp_in(codes, y->code);
}

/*
 * Codes of the person's history, and weight lost: a duration told with one is
 * the history's, not the pain's ("lost 15 lbs in 2 months"). Other symptoms
 * keep theirs: "can't pee since yesterday and my back hurts" dates the episode.
 */
static int of_history(const struct hh_symptom *y)
{
	static const char *const codes[] = {"cancer_history",
					    "osteoporosis_or_steroids",
					    "recent_spine_procedure",
					    "immunosuppressed",
					    "iv_drug_use",
					    "anticoagulant",
					    "pregnant",
					    "previous_injury",
					    "unexplained_weight_loss",
					    NULL};
	return code_in(y, codes);
}

static int token_at(const struct reader *r, size_t cp);

/* A code that tells how the pain started: a lift, a twist, a fall or a blow. */
static int is_start_code(const struct hh_symptom *y)
{
	static const char *const codes[] = {"after_lifting_or_exercise", "sudden_movement", "minor_fall_or_knock",
					    "major_trauma", NULL};
	return code_in(y, codes);
}

/*
 * Is token j a word of the pain (the language's pain_words)? English "back"
 * only as the body's: not "2 years back", "flew back from", "back to work".
 */
static int pain_word_at(const struct reader *r, int j)
{
	static const char *const not_body_after[] = {"from", "to", "home", "then", "when", "in", "at", "on", NULL};
	if (r->t[j].punct || !hh_tp_in(r->L->pain_words, r->t[j].w))
		return 0;
	if (r->lang != HH_LANG_EN || strcmp(r->t[j].w, "back") != 0)
		return 1;
	static const char *const body_before[] = {"my",    "the", "her",    "his",   "your",
						  "upper", "mid", "middle", "lower", NULL};
	if (j > 0 && hh_tp_in(body_before, r->t[j - 1].w))
		return 1; /* "banged my back on the corner" */
	if (j > 0 && (unit_at(r, j - 1) != NULL || list_at(r, r->L->dur_after, j) > 0))
		return 0; /* "2 years back" */
	return j + 1 >= r->n || r->t[j + 1].punct || !hh_tp_in(not_body_after, r->t[j + 1].w);
}

/*
 * Weeks of a pregnancy the text speaks of, not the pain's: "back pain at 34
 * weeks", "she's 36 weeks", "tengo 22 semanas" (12 to 42 weeks, not after
 * "for" or "desde hace": "back pain for 12 weeks" is the pain's).
 */
static int gestation(const struct reader *r, const struct hh_textparse_result *out, const struct hh_mention *d)
{
	static const char *const pregnancy[] = {"pregnant", "pregnancy_warning_signs", NULL};
	int last = token_at(r, d->end) - 1, first = token_at(r, d->start);
	const struct hh_tp_unit *u = last >= 0 ? unit_at(r, last) : NULL;
	if (u == NULL || u->days != 7 || d->value < 12 * 7 || d->value > 42 * 7 || first < 0 ||
	    list_before(r, r->L->dur_before, first))
		return 0;
	for (size_t k = 0; k < out->n_mentions; k++) {
		const struct hh_mention *m = &out->mentions[k];
		if (m->kind == HH_MENTION_CODE && m->status != HH_MENTION_DENIED && code_in(m->symptom, pregnancy))
			return 1;
	}
	return 0;
}

/*
 * A year or more ago, in a sentence that never speaks of the pain itself or
 * its start: an earlier injury, a diagnosis, a habit given up ("hurt my back
 * skiing 2 years ago", "ya me lesione la espalda hace 3 anos"), not the pain's.
 */
static int old_injury(const struct reader *r, const struct hh_mention *d)
{
	int first = token_at(r, d->start), last = token_at(r, d->end) - 1;
	if (d->value < 365 || first >= r->n || last < first)
		return 0;
	int point = r->L->ago_after != NULL && last + 1 < r->n && hh_tp_in(r->L->ago_after, r->t[last + 1].w);
	if (!point && r->L->ago_before != NULL)
		for (int k = first; k >= 0 && k >= first - 2 && !point; k--)
			point = hh_tp_in(r->L->ago_before, r->t[k].w) &&
				(k == 0 || !hh_tp_in(r->L->since, r->t[k - 1].w));
	if (!point)
		return 0;
	int a = first, b = last;
	sentence_of(r, &a, &b);
	for (int k = a; k < b; k++)
		if (!r->t[k].punct && hh_tp_in(r->L->pain_now, r->t[k].w))
			return 0;
	return 1;
}

/*
 * What duration mention d dates: 0 a history's, when it shares its clause
 * with a history code ("had breast cancer 6 years ago, now my back aches",
 * "on prednisolone for a year", "hace diez dias me operaron de una hernia");
 * 2 the pain's, when its clause speaks of the pain; else 1, the episode's.
 */
static int duration_of(const struct reader *r, const struct hh_textparse_result *out, const struct hh_mention *d)
{
	int at = token_at(r, d->start);
	if (r->L->not_duration_before != NULL && list_before(r, r->L->not_duration_before, at))
		return 0; /* "tengo un retraso de 2 semanas" */
	if (gestation(r, out, d) || old_injury(r, d))
		return 0;
	unsigned clause = 0;
	for (int k = 0; k < r->n && r->t[k].start < d->start; k++)
		if (r->t[k].punct == '.' || r->t[k].punct == ',')
			clause = r->t[k].end;
	unsigned clause_end = UINT_MAX;
	for (int k = r->n - 1; k >= 0 && r->t[k].start >= d->end; k--)
		if (r->t[k].punct == '.' || r->t[k].punct == ',')
			clause_end = r->t[k].start;
	int history = 0;
	for (size_t k = 0; k < out->n_mentions && !history; k++) {
		const struct hh_mention *m = &out->mentions[k];
		if (m->kind != HH_MENTION_CODE || !of_history(m->symptom) || m->start < clause ||
		    m->start >= clause_end)
			continue;
		if (strcmp(m->symptom->code, "previous_injury") == 0 && d->value < 90)
			continue; /* "did my back in deadlifting 3 days ago": this injury, not an earlier one */
		if (d->value <= 2 && strcmp(m->symptom->code, "recent_spine_procedure") != 0)
			continue; /* "tiene osteoporosis y desde ayer tiene un dolor": a condition dates from no yesterday */
		/* the pain spoken of between ("HIV positive and my back started hurting 4 days ago"),
			 * or before a history told after ("back pain for 3 weeks since my epidural"): the pain's */
		unsigned from = m->start < d->start ? m->end : clause;
		history = 1;
		for (int j = 0; history && j < r->n && r->t[j].start < d->start; j++)
			history = r->t[j].start < from || !pain_word_at(r, j);
		/* "I've got osteoporosis and I bent down to pick up the cat about a week ago": the start told
		 * between (a lift, a twist, a fall) is what the time dates */
		for (size_t q = 0; history && q < out->n_mentions; q++)
			history = !(out->mentions[q].kind == HH_MENTION_CODE && out->mentions[q].start >= from &&
				    out->mentions[q].start < d->start && is_start_code(out->mentions[q].symptom));
		/* "back pain ever since my epidural 5 weeks ago", "me duele desde la operacion hace
			 * un mes": the pain dates from the history, so the history's time is the pain's */
		int h = token_at(r, m->start), since = 0, pain_before = 0;
		for (int q = h - 1; q >= 0 && q >= h - 3 && !r->t[q].punct && !since; q--)
			since = hh_tp_in(r->L->since, r->t[q].w);
		for (int q = 0; since && q < h && !pain_before; q++)
			pain_before = r->t[q].start >= clause && pain_word_at(r, q);
		if (m->start < d->start && since && pain_before)
			history = 0;
	}
	/* "di a luz hace 5 semanas y desde hace 10 dias me duele": the pain named just after is the pain's */
	int after = 0;
	while (after < r->n && r->t[after].start < d->end)
		after++;
	for (int j = after;
	     history && j < r->n && j < after + 3 && !r->t[j].punct && !hh_tp_in(r->L->and_words, r->t[j].w); j++)
		history = !pain_word_at(r, j); /* "desde hace 3 meses tengo un dolor"; not "... y me duele" */
	/* "la epidural hace 2 meses y desde entonces me duele", "3 weeks ago and since then my back" */
	static const char *const since_then[] = {"since then", "ever since", "desde entonces", "desde ahi", NULL};
	for (int j = after, seen = 0; history && j < r->n && j < after + 8 && r->t[j].punct != '.'; j++) {
		seen |= list_at(r, since_then, j) > 0;
		history = !(seen && pain_word_at(r, j));
	}
	if (history)
		return 0;
	/* "pins and needles since yesterday ... back pain that started a week ago": the pain's own clause wins */
	int pain = 0;
	for (int j = 0; j < r->n && r->t[j].start < clause_end && !pain; j++)
		pain = r->t[j].start >= clause && pain_word_at(r, j) &&
		       !is_onset(r, j); /* "numb legs: yes, started yesterday": the legs' start */
	return pain ? 2 : 1;
}

/*
 * The pain's duration: the first one of the pain's own clause, else the first
 * one that is no history's (it dates the episode); a bare day word
 * ("yesterday", "ayer") only when nothing else dates it: "threw my back out
 * yesterday moving a couch". A bare day word left unused is no mention.
 */
static void pick_duration(const struct reader *r, struct hh_textparse_result *out)
{
	out->request.duration_days = -1;
	int chosen = -1;
	for (int weak = 0; weak < 2 && chosen < 0; weak++)
		for (size_t i = 0; i < out->n_mentions; i++) {
			const struct hh_mention *d = &out->mentions[i];
			if (d->kind != HH_MENTION_DURATION || d->weak != weak)
				continue;
			int how = duration_of(r, out, d);
			if (how > 0 && (chosen < 0 || how == 2))
				chosen = (int)i;
			if (how == 2)
				break;
		}
	if (chosen >= 0)
		out->request.duration_days = out->mentions[chosen].value;
	size_t k = 0;
	for (size_t i = 0; i < out->n_mentions; i++)
		if (!out->mentions[i].weak || (int)i == chosen)
			out->mentions[k++] = out->mentions[i];
	out->n_mentions = k;
}

/*
 * A sudden start and a very bad pain in one sentence: "severe interscapular
 * pain, sudden onset 1hr ago", "came on out of nowhere ..., its horrendous",
 * "8/10, came on suddenly". Each clause alone says only half of
 * sudden_severe_pain (a sudden start alone is "I don't know"); the sentence
 * says it all. A pain that grows worse is no very bad one ("sudden and
 * getting worse"), and a sudden word in a denial or a hedge counts for nothing.
 */

static int has_code(const struct hh_textparse_result *out, const struct hh_symptom *y)
{
	for (size_t i = 0; i < out->n_mentions; i++)
		if (out->mentions[i].kind == HH_MENTION_CODE && out->mentions[i].symptom == y)
			return 1;
	return 0;
}

/* Does a region (the upper or middle back) or a chest pain lie in tokens [a, b)? */
static int in_back_or_chest(const struct hh_content *c, const struct reader *r, const struct hh_textparse_result *out,
			    int a, int b)
{
	const struct hh_symptom *chest = hh_content_symptom(c, "chest_pain");
	unsigned from = r->t[a].start, to = r->t[b - 1].end;
	for (size_t i = 0; i < out->n_mentions; i++) {
		const struct hh_mention *m = &out->mentions[i];
		if (m->start >= from && m->end <= to &&
		    (m->kind == HH_MENTION_REGION ||
		     (m->kind == HH_MENTION_CODE && m->symptom == chest && m->status == HH_MENTION_PRESENT)))
			return 1;
	}
	return 0;
}

static void sudden_and_severe(const struct hh_content *c, const struct reader *r, struct hh_textparse_result *out)
{
	static const char *const growing[] = {"getting", "gotten", "got",   "worsening", "keeps",    "more", "and",
					      "by",      "day",    "grown", "growing",   "becoming", NULL};
	const char *const *sudden = r->L->sudden;
	const struct hh_symptom *y = c != NULL ? hh_content_symptom(c, "sudden_severe_pain") : NULL,
				*bad = c != NULL ? hh_content_symptom(c, "getting_worse") : NULL,
				*tearing = c != NULL ? hh_content_symptom(c, "sudden_tearing_pain") : NULL;
	if (sudden == NULL || y == NULL || bad == NULL)
		return;
	for (size_t i = 0; i < out->n_mentions; i++)
		if (out->mentions[i].kind == HH_MENTION_CODE && out->mentions[i].symptom == y &&
		    out->mentions[i].status != HH_MENTION_UNCERTAIN)
			return; /* read already, yes or no */
	size_t n = out->n_mentions;
	for (size_t i = 0; i < n; i++) {
		const struct hh_mention *m = &out->mentions[i];
		if (m->kind != HH_MENTION_CODE || (m->symptom != bad && m->symptom != tearing) ||
		    m->status != HH_MENTION_PRESENT)
			continue; /* a very bad pain, or a tearing one ("sudden onset tearing pain") */
		int a = token_at(r, m->start), b = a, grows = 0;
		while (b < r->n && r->t[b].start < m->end)
			grows |= hh_tp_in(growing, r->t[b++].w);
		if (grows)
			continue;
		sentence_of(r, &a, &b);
		/* and the sentences just before and after: "Onset: sudden, 2 hrs ago. Severity: 10/10" */
		if (a > 0)
			for (a--; a > 0 && r->t[a - 1].punct != '.';)
				a--;
		if (b < r->n)
			for (b++; b < r->n && r->t[b].punct != '.';)
				b++;
		for (int j = a; j < b; j++) {
			int k = list_at(r, sudden, j), denied = 0;
			if (k == 0)
				continue;
			for (int q = j - 1; q >= a && q >= j - SCOPE_WORDS; q--)
				denied |= r->t[q].kind == HH_TP_PRE_NEG + 1 || r->t[q].kind == HH_TP_PRE_HEDGE + 1;
			if (denied || out->n_mentions >= HH_TEXTPARSE_MAX_MENTIONS)
				continue;
			/* in the back or the chest it answers sudden_tearing_pain too: tearing_if_sudden_severe */
			add_code(out, y, HH_MENTION_PRESENT, r->t[j].start < m->start ? r->t[j].start : m->start,
				 r->t[j + k - 1].end > m->end ? r->t[j + k - 1].end : m->end);
			return;
		}
	}
}

/*
 * A sudden severe pain in the back or the chest is what sudden_tearing_pain
 * asks too ("did pain in your chest, or in your upper or middle back, come on
 * suddenly and is it severe, or ..."): read however sudden_severe_pain was
 * (a phrase, a concept or sudden_and_severe), and the back said plainly
 * counts ("un dolor horrible en la espalda que le vino de la nada": this
 * service's readers write of their upper and middle back).
 */
static void tearing_if_sudden_severe(const struct hh_content *c, const struct reader *r,
				     struct hh_textparse_result *out)
{
	const struct hh_symptom *y = hh_content_symptom(c, "sudden_severe_pain"),
				*tearing = hh_content_symptom(c, "sudden_tearing_pain");
	if (y == NULL || tearing == NULL || has_code(out, tearing))
		return;
	for (size_t i = 0; i < out->n_mentions; i++) {
		const struct hh_mention *m = &out->mentions[i];
		if (m->kind != HH_MENTION_CODE || m->symptom != y || m->status != HH_MENTION_PRESENT)
			continue;
		int a = token_at(r, m->start), b = token_at(r, m->end);
		sentence_of(r, &a, &b);
		int back = in_back_or_chest(c, r, out, a, b);
		for (int j = a; j < b && !back; j++)
			back = hh_tp_in(r->L->back_words, r->t[j].w) && pain_word_at(r, j);
		if (!back)
			continue;
		add_code(out, tearing, HH_MENTION_PRESENT, m->start, m->end);
		return;
	}
}

/*
 * A sudden severe pain is a very bad one: getting_worse asks "is the pain very
 * bad", so "sudden severe pain" (whose phrase covers "severe pain") says yes to
 * it too, unless the text said of it otherwise.
 */
static void very_bad_if_sudden_severe(const struct hh_content *c, struct hh_textparse_result *out)
{
	const struct hh_symptom *y = hh_content_symptom(c, "sudden_severe_pain"),
				*bad = hh_content_symptom(c, "getting_worse");
	if (y == NULL || bad == NULL || has_code(out, bad))
		return;
	for (size_t i = 0; i < out->n_mentions; i++)
		if (out->mentions[i].kind == HH_MENTION_CODE && out->mentions[i].symptom == y &&
		    out->mentions[i].status == HH_MENTION_PRESENT) {
			add_code(out, bad, HH_MENTION_PRESENT, out->mentions[i].start, out->mentions[i].end);
			return;
		}
}

/*
 * Two questions one general no (or maybe) answers both of, where the other is
 * not spoken of: "no shortness of breath", "no me falta el aire" (at rest, and
 * new on exertion). A no said of one setting ("not breathless on the stairs":
 * own_words) answers its own only. Falls are no such pair: "no falls" leaves an
 * accident or a blow unasked, and the writers' labels gained nothing by it.
 */
static void answers_both(const struct hh_content *c, const struct reader *r, struct hh_textparse_result *out,
			 const char *code_a, const char *code_b, const char *const *own_words)
{
	const struct hh_symptom *a = hh_content_symptom(c, code_a), *b = hh_content_symptom(c, code_b);
	if (a == NULL || b == NULL || own_words == NULL || (has_code(out, a) && has_code(out, b)))
		return;
	for (size_t i = 0; i < out->n_mentions; i++) {
		const struct hh_mention *m = &out->mentions[i];
		if (m->kind != HH_MENTION_CODE || (m->symptom != a && m->symptom != b) ||
		    m->status == HH_MENTION_PRESENT)
			continue;
		int own = 0;
		for (int j = token_at(r, m->start); j < r->n && r->t[j].end <= m->end && !own; j++)
			own = list_at(r, own_words, j) > 0;
		if (own)
			continue;
		add_code(out, m->symptom == a ? b : a, m->status, m->start, m->end);
		return;
	}
}

/*
 * "I'm 32 weeks", "she's 36 weeks", "tengo 22 semanas": 12 to 42 weeks just
 * after a word of being (L->weeks_along_before) say a pregnancy, where no
 * phrase named it.
 */
static void weeks_pregnant(const struct hh_content *c, const struct reader *r, struct hh_textparse_result *out)
{
	const struct hh_symptom *y = hh_content_symptom(c, "pregnant");
	if (y == NULL || r->L->weeks_along_before == NULL || has_code(out, y))
		return;
	for (int i = 1; i < r->n; i++) {
		struct number n;
		if (!list_before(r, r->L->weeks_along_before, i) || !read_number(r, i, &n) || n.loose)
			continue;
		const struct hh_tp_unit *u = unit_at(r, n.to);
		if (u == NULL || u->days != 7 || n.value < 12 || n.value > 42)
			continue;
		add_code(out, y, HH_MENTION_PRESENT, r->t[i].start, r->t[n.to].end);
		return;
	}
}

/*
 * A red flag's hints ("my waterworks are playing up", "algo raro ahi abajo"):
 * where no phrase, concept or rule named the code, a hint makes it asked
 * (uncertain). Never a no: a hint under a denial is left out, and so is one
 * said of someone else or whose words another code's mention read already.
 */
static void read_hints(const struct hh_content *c, const struct reader *r, struct hh_textparse_result *out)
{
	for (int i = 0; i < r->n_m && out->n_mentions < HH_TEXTPARSE_MAX_MENTIONS; i++) {
		const struct match *m = &r->m[i];
		if (!m->p->hint)
			continue;
		const struct hh_symptom *y = hh_content_symptom(c, m->p->name);
		if (y == NULL || has_code(out, y))
			continue;
		unsigned start = r->t[m->from].start, end = r->t[m->to - 1].end;
		int told = 0; /* its words read as another code already ("short of breath on stairs") */
		for (size_t k = 0; k < out->n_mentions && !told; k++)
			told = out->mentions[k].kind == HH_MENTION_CODE && out->mentions[k].start < end &&
			       start < out->mentions[k].end;
		int other = 0;
		if (told || status_of(r, m, &other) == HH_MENTION_DENIED || other)
			continue;
		add_code(out, y, HH_MENTION_UNCERTAIN, start, end);
	}
}

/* ------------------------------------------------------------------ the request */

static int list_has(const struct hh_symptom *const *v, size_t n, const struct hh_symptom *y)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == y)
			return 1;
	return 0;
}

static unsigned position_of(const char *code)
{
	return strcmp(code, "worse_sitting") == 0      ? HH_POS_SITTING
	       : strcmp(code, "worse_standing") == 0   ? HH_POS_STANDING
	       : strcmp(code, "worse_lying_down") == 0 ? HH_POS_LYING_DOWN
						       : 0;
}

/* present > uncertain > denied, per code; a red flag is never absent. */
static void build_request(const struct hh_content *c, struct hh_textparse_result *out)
{
	struct hh_triage_input *in = &out->request;
	for (int pass = 0; pass < 3; pass++)
		for (size_t i = 0; i < out->n_mentions; i++) {
			const struct hh_mention *m = &out->mentions[i];
			const struct hh_symptom *y = m->symptom;
			if (m->kind != HH_MENTION_CODE || (int)m->status != (int[]){0, 2, 1}[pass])
				continue;
			int seen = list_has(in->symptoms, in->n_symptoms, y) ||
				   list_has(in->unknown, in->n_unknown, y) || list_has(in->absent, in->n_absent, y);
			if (seen || in->n_symptoms >= HH_TRIAGE_MAX_SYMPTOMS ||
			    in->n_unknown >= HH_TRIAGE_MAX_SYMPTOMS || in->n_absent >= HH_TRIAGE_MAX_SYMPTOMS)
				continue;
			if (pass == 0)
				in->symptoms[in->n_symptoms++] = y;
			else if (pass == 1)
				in->unknown[in->n_unknown++] = y;
			else if (y->category == HH_CATEGORY_PATTERN)
				in->absent[in->n_absent++] = y;
		}
	(void)c;
}

static int cmp_mention(const void *a, const void *b)
{
	const struct hh_mention *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	return x->end < y->end ? -1 : x->end > y->end;
}

/* The words of a match are no triggers; its gaps' words still may be ("legs are not numb"). */
static void cover(struct reader *r, const struct match *m)
{
	for (int j = m->from; j < m->to; j++) {
		int in_gap = 0;
		for (int g = 0; g < m->n_gaps; g++)
			in_gap |= j >= m->gaps[g][0] && j < m->gaps[g][1];
		r->t[j].covered = !in_gap;
		if (!in_gap && r->t[j].cover_name == NULL && !m->p->partial)
			r->t[j].cover_name = m->p->name; /* a partial phrase ("tingling") may be any code's */
	}
}

/*
 * "My dad had cancer but I never have", "mum had a stroke but I haven't",
 * "and I have too": after someone else's thing, the person's own answer in the
 * same sentence, its verb left out (the person, a denial, at most one more
 * word, then the clause ends; or the person and "too"). The status plus one,
 * or 0 when the person says nothing of it.
 */
static int said_after_other(const struct reader *r, const struct match *m)
{
	for (int j = m->to; j < r->n && r->t[j].punct != '.'; j++) {
		if (r->t[j].punct || !hh_tp_in(r->L->first_person, r->t[j].w))
			continue;
		static const char *const too[] = {"too", "as well", NULL};
		int k = j + 1, neg = 0, also = 0;
		for (int q = 0; q < 3 && k < r->n && !r->t[k].punct && !neg && !also; q++, k++) {
			int n = list_at(r, too, k);
			neg = q < 2 && (r->t[k].kind == HH_TP_PRE_NEG + 1 || r->t[k].post_kind == HH_TP_POST_NEG + 1);
			also = n > 0 && (k + n >= r->n || r->t[k + n].punct);
		}
		if (also)
			return HH_MENTION_PRESENT + 1; /* "and I have too" */
		if (!neg)
			continue;
		while (k < r->n && r->t[k].kind == HH_TP_PRE_NEG + 1 && r->t[k].trig_from < k)
			k++; /* the rest of a trigger of more words */
		if (k < r->n && !r->t[k].punct)
			k++; /* "had", "did", "have" */
		return k >= r->n || r->t[k].punct ? HH_MENTION_DENIED + 1 : 0;
	}
	return 0;
}

static void add_code_mention(const struct hh_content *c, const struct reader *r, const struct match *m,
			     struct hh_textparse_result *out)
{
	int other = 0;
	enum hh_mention_status st = status_of(r, m, &other);
	unsigned start = r->t[m->from].start, end = r->t[m->to - 1].end;
	int own = other && m->p->target == HH_PHRASE_CODE ? said_after_other(r, m) : 0;
	if (other && own == 0)
		return; /* a relative's history is not the person's */
	if (other)
		st = (enum hh_mention_status)(own - 1); /* "my dad had cancer but I never have": the person's */
	if (m->p->target == HH_PHRASE_REGION) {
		unsigned bit = 0;
		if (st == HH_MENTION_PRESENT && hh_region_parse(m->p->name, &bit) == 0) {
			add_mention(out, HH_MENTION_REGION, bit, start, end);
			if (out->request.region == 0)
				out->request.region = bit;
		}
		return;
	}
	const struct hh_symptom *y = hh_content_symptom(c, m->p->name);
	/* a denial of part of a question denies nothing: with parts, deny_parts decides */
	if (y == NULL || (m->p->partial && st == HH_MENTION_DENIED && hh_phrases_parts(r->book, y->code) == NULL))
		return;
	if (m->p->partial && st != HH_MENTION_DENIED)
		st = HH_MENTION_UNCERTAIN;
	if (m->p->opposite && st != HH_MENTION_UNCERTAIN) /* "it comes and goes": constant_pain, no */
		st = st == HH_MENTION_DENIED ? HH_MENTION_PRESENT : HH_MENTION_DENIED;
	if (add_code(out, y, st, start, end) == NULL)
		return;
	unsigned pos = position_of(y->code);
	if (pos != 0 && st == HH_MENTION_PRESENT) {
		add_mention(out, HH_MENTION_POSITION, pos, start, end);
		out->request.positions |= pos;
	}
}

/* ------------------------------------------------------------------ the parts of a question */

#define DENIAL_REACH 16 /* tokens a pre-negation reaches forward, over a list ("no weakness, numbness or ...") */
#define POST_REACH 6    /* tokens a post-negation reaches back ("my walking is fine") */

/* Marks every token in a denial's scope: after a pre-negation to its clause's end, before a post-negation. */
static void mark_negated(struct reader *r)
{
	for (int i = 0; i < r->n; i++) {
		const struct tok *t = &r->t[i];
		if (t->kind == HH_TP_PRE_NEG + 1 && t->trig_from == i) {
			int j = i;
			while (j < r->n && r->t[j].kind == HH_TP_PRE_NEG + 1 && r->t[j].trig_from == i)
				j++;
			for (int k = 0; j < r->n && k < DENIAL_REACH; j++, k++) {
				const struct tok *u = &r->t[j];
				if (u->punct == '.' || u->kind == HH_TP_TERM + 1 || u->kind == HH_TP_PRE_HEDGE + 1 ||
				    starts_clause(r, j))
					break;
				r->t[j].negated = 1;
			}
		}
		if (t->post_kind == HH_TP_POST_NEG + 1) {
			int e = i + t->post_len;
			if (e < r->n && !r->t[e].punct && r->t[e].kind != HH_TP_TERM + 1 &&
			    r->t[e].kind != HH_TP_SOFT + 1 && r->t[e].kind != HH_TP_SUBJ + 1)
				continue; /* not the end of its clause: "fine" in "fine with it" */
			int j = i - 1;
			if (j >= 0 && r->t[j].punct && r->t[j].punct != '(' && r->t[j].punct != ')')
				j--; /* "fever? no" */
			for (int k = 0; j >= 0 && k < POST_REACH; j--, k++) {
				const struct tok *u = &r->t[j];
				if (u->punct == '.' || u->punct == ',' || u->kind == HH_TP_TERM + 1)
					break;
				r->t[j].negated = 1;
				if (starts_clause(r, j))
					break;
			}
		}
	}
}

/* Does part word w start at token j (stems[j]: the token's stem)? */
static int part_at(const struct reader *r, const struct hh_concept_word *w, int j, char (*stems)[WORD_MAX])
{
	if (j + (int)w->n_words > r->n)
		return 0;
	for (size_t k = 0; k < w->n_words; k++) {
		const struct tok *t = &r->t[j + (int)k];
		if (t->punct || !t->negated || !cw_word_matches(w, k, t, stems[j + (int)k]))
			return 0;
	}
	return 1;
}

/*
 * A code whose question has parts is denied only when the text's denials
 * reach a word of every part ("no weakness or numbness or tingling in my
 * legs, walking fine"); else its denied mentions go ("no numbness in my
 * legs" leaves weakness, tingling and walking unasked). A word inside
 * another code's phrase is that code's ("no fever or numbness": the fever).
 */
static int denied_code(const struct hh_mention *m, const struct hh_symptom *y)
{
	return m->kind == HH_MENTION_CODE && m->status == HH_MENTION_DENIED && (y == NULL || m->symptom == y);
}

/* The first token that starts at or after cp (tokens are in text order). */
static int token_at(const struct reader *r, size_t cp)
{
	int lo = 0, hi = r->n;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (r->t[mid].start < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void deny_parts(struct reader *r, struct hh_textparse_result *out)
{
	char(*stems)[WORD_MAX] = NULL;
	for (size_t i = 0; r->book != NULL && i < out->n_mentions; i++) {
		const struct hh_mention *m = &out->mentions[i];
		const struct hh_code_parts *cp =
			denied_code(m, NULL) ? hh_phrases_parts(r->book, m->symptom->code) : NULL;
		int seen = 0; /* an earlier denied mention of the code decided it already */
		for (size_t k = 0; cp != NULL && k < i && !seen; k++)
			seen = denied_code(&out->mentions[k], m->symptom);
		if (cp == NULL || seen)
			continue;
		if (stems == NULL) {
			stems = xmalloc((size_t)(r->n > 0 ? r->n : 1) * sizeof(*stems));
			mark_negated(r);
			for (int j = 0; j < r->n; j++)
				if (r->t[j].negated)
					stem_with(r->sb, r->t[j].w, stems[j]);
		}
		/* the denied mentions' own words are in a denial */
		for (size_t k = i; k < out->n_mentions; k++)
			for (int j = denied_code(&out->mentions[k], m->symptom) ? token_at(r, out->mentions[k].start)
										: r->n;
			     j < r->n && r->t[j].end <= out->mentions[k].end; j++)
				if (!r->t[j].negated) {
					r->t[j].negated = 1;
					stem_with(r->sb, r->t[j].w, stems[j]);
				}
		unsigned have = 0, all = (1u << cp->n_parts) - 1;
		for (int j = 0; j < r->n && have != all; j++) {
			if (!r->t[j].negated ||
			    (r->t[j].cover_name != NULL && strcmp(r->t[j].cover_name, cp->code) != 0))
				continue;
			for (size_t k = 0; k < cp->n_words; k++)
				if (part_at(r, &cp->words[k], j, stems))
					have |= 1u << cp->words[k].group;
		}
		if (have == all)
			continue;
		/* part of the question only: its denials go */
		const struct hh_symptom *y = m->symptom;
		size_t w = 0;
		for (size_t k = 0; k < out->n_mentions; k++)
			if (!denied_code(&out->mentions[k], y))
				out->mentions[w++] = out->mentions[k];
		out->n_mentions = w;
		i--; /* the mention at i went: look at the one now there */
	}
	free(stems);
}

/*
 * Each thread's buffers, kept from one parse to the next: once warm, a
 * parse allocates nothing (freeing a 4,000-code-point text's buffers gave
 * memory back to the kernel every time, a system call per request).
 */
struct scratch {
	struct reader raw, r;
	unsigned cp[HH_TEXTPARSE_MAX_CODEPOINTS + 1];
	struct match m[MAX_MATCHES];
	int keep[MAX_MATCHES];
	struct hit hits[MAX_MATCHES];
	struct sb_stemmer *sb[HH_LANG_COUNT]; /* made on first use: a stemmer is not shared between threads */
};

/*
 * Each thread's scratch (about 220 KiB plus its token arrays) lives as long
 * as the thread: libmicrohttpd's threads end at shutdown, and the key's
 * destructor frees what a thread made (LeakSanitizer checks it at exit).
 */
static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void scratch_free(void *p)
{
	struct scratch *w = p;
	for (int l = 0; l < HH_LANG_COUNT; l++)
		if (w->sb[l] != NULL)
			sb_stemmer_delete(w->sb[l]);
	free(w->raw.t);
	free(w->r.t);
	free(w);
}

static void scratch_key_make(void)
{
	if (pthread_key_create(&scratch_key, scratch_free) != 0)
		abort();
}

static struct scratch *thread_scratch(void)
{
	pthread_once(&scratch_once, scratch_key_make);
	struct scratch *w = pthread_getspecific(scratch_key);
	if (w == NULL) {
		w = xcalloc(1, sizeof(*w));
		if (pthread_setspecific(scratch_key, w) != 0)
			abort();
	}
	return w;
}

static struct sb_stemmer *scratch_stemmer(struct scratch *w, enum hh_lang lang)
{
	if ((unsigned)lang >= HH_LANG_COUNT)
		return NULL;
	if (w->sb[lang] == NULL)
		w->sb[lang] = sb_stemmer_new(lang == HH_LANG_ES ? "spanish" : "english", "UTF_8");
	return w->sb[lang];
}

void hh_textparse_stem(enum hh_lang lang, const char *word, char out[32])
{
	stem_with(scratch_stemmer(thread_scratch(), lang), word, out);
}

/* Is the text someone else's pain told (the language's proxy words), with nothing of the writer's own? */
static int for_someone_else(const struct reader *r)
{
	if (r->L->proxy == NULL || r->L->own_pain == NULL)
		return 0;
	int proxy = 0, own = 0, said = 0;
	for (int j = 0; j < r->n && !said; j++) {
		if (r->t[j].punct)
			continue;
		/* "I am writing on behalf of my husband": said outright, whatever "I" follows */
		said = r->L->proxy_said != NULL && list_at(r, r->L->proxy_said, j) > 0;
		own = own || list_at(r, r->L->own_pain, j) > 0;
		proxy = proxy || (!own && list_at(r, r->L->proxy, j) > 0); /* once the writer's own, moot */
	}
	return said || (proxy && !own);
}

void hh_textparse(const struct hh_content *c, enum hh_lang lang, const char *country, const char *text, size_t len,
		  struct hh_textparse_result *out)
{
	memset(out, 0, sizeof(*out));
	out->request.age = -1;
	out->request.duration_days = -1;
	struct scratch *w = thread_scratch();
	struct reader *raw = &w->raw, *r = &w->r;
	raw->n = r->n = r->n_m = 0;
	r->m = w->m;
	r->hits = w->hits;
	r->sb = NULL;
	raw->lang = r->lang = lang;
	raw->L = r->L = hh_tp_lang_of(lang);
	r->book = c != NULL && (unsigned)lang < HH_LANG_COUNT ? c->phrases[lang] : NULL;
	r->country = country;
	struct cps cps = {w->cp, 0};
	decode_into(text, len, &cps);
	tokenize(raw, &cps);
	expand(raw, r);
	correct_typos(r);
	r->proxy = for_someone_else(r);
	/* strong boundaries first: a gap may not cross them */
	find_triggers(r);
	find_phrases(r);
	if (r->book != NULL && r->book->n_concepts > 0) {
		r->sb = scratch_stemmer(w, lang);
		find_concepts(r);
	}
	int *keep = w->keep;
	select_matches(r, keep);
	for (int i = 0; i < r->n_m; i++)
		if (keep[i] && r->m[i].p->target == HH_PHRASE_CODE)
			cover(r, &r->m[i]);
	/* again, now that words inside phrases ("lost weight without trying") are no triggers */
	for (int j = 0; j < r->n; j++)
		r->t[j].kind = r->t[j].post_kind = r->t[j].post_len = 0;
	find_triggers(r);
	if (r->book != NULL && r->book->n_parts > 0)
		r->sb = scratch_stemmer(w, lang);
	for (int i = 0; i < r->n_m; i++)
		if (keep[i])
			add_code_mention(c, r, &r->m[i], out);
	if (r->book != NULL && r->book->n_parts > 0)
		deny_parts(r, out);
	read_numbers(c, r, out);
	sudden_and_severe(c, r, out);
	if (c != NULL)
		very_bad_if_sudden_severe(c, out);
	if (c != NULL)
		tearing_if_sudden_severe(c, r, out);
	if (c != NULL)
		weeks_pregnant(c, r, out);
	if (c != NULL)
		answers_both(c, r, out, "breathing_difficulty", "new_breathlessness", r->L->breath_settings);
	if (c != NULL)
		read_hints(c, r, out);
	pick_duration(r, out);
	qsort(out->mentions, out->n_mentions, sizeof(*out->mentions), cmp_mention);
	build_request(c, out);
}

/* ------------------------------------------------------------------ phrases as content */

/* The words of one space-separated chunk of a phrase, appended to words; -1 when they do not fit. */
static int chunk_words(enum hh_lang lang, const char *chunk, size_t len, char words[][32], size_t max, size_t *n)
{
	struct reader raw = {.lang = lang, .L = hh_tp_lang_of(lang)};
	struct reader r = {.lang = lang, .L = raw.L};
	struct cps cps;
	int rc = 0;
	decode(chunk, len, &cps);
	tokenize(&raw, &cps);
	expand(&raw, &r);
	for (int i = 0; i < r.n && rc == 0; i++) {
		if (r.t[i].punct)
			continue;
		if (*n >= max || strlen(r.t[i].w) >= 31)
			rc = -1;
		else
			snprintf(words[(*n)++], 32, "%s", r.t[i].w);
	}
	free(cps.cp);
	free(raw.t);
	free(r.t);
	return rc;
}

int hh_textparse_phrase_words(enum hh_lang lang, const char *phrase, char words[][32], size_t max)
{
	size_t n = 0;
	const char *p = phrase;
	while (*p != '\0') {
		while (*p == ' ')
			p++;
		size_t len = strcspn(p, " ");
		if (len == 0)
			break;
		if (len == 1 && *p == '*') {
			if (n >= max)
				return -1;
			snprintf(words[n++], 32, "*");
		} else {
			int stem = p[len - 1] == '*';
			size_t before = n;
			if (chunk_words(lang, p, stem ? len - 1 : len, words, max, &n) < 0)
				return -1;
			if (stem && n > before) {
				size_t k = strlen(words[n - 1]);
				if (k + 1 >= 32)
					return -1;
				words[n - 1][k] = '*';
				words[n - 1][k + 1] = '\0';
			}
		}
		p += len;
	}
	return (int)n;
}

int hh_textparse_is_trigger_word(enum hh_lang lang, const char *word, int as_prefix)
{
	const struct hh_tp_lang *L = hh_tp_lang_of(lang);
	size_t n = strlen(word);
	for (size_t i = 0; i < L->n_triggers; i++) {
		enum hh_tp_trigger_kind k = L->triggers[i].kind;
		if (k == HH_TP_TERM || k == HH_TP_SOFT || k == HH_TP_SUBJ || k == HH_TP_PSEUDO)
			continue;
		const char *w = L->triggers[i].words;
		if (!as_prefix && strchr(w, ' ') != NULL)
			continue; /* a word alone negates only when it is a trigger alone */
		/* every word of the trigger */
		while (*w != '\0') {
			const char *sp = strchr(w, ' ');
			size_t m = sp != NULL ? (size_t)(sp - w) : strlen(w);
			if ((as_prefix && n <= m && strncmp(w, word, n) == 0) || (m == n && strncmp(w, word, n) == 0))
				return 1;
			w += m;
			while (*w == ' ')
				w++;
		}
	}
	return 0;
}
