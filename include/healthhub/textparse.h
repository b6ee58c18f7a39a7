/*
 * textparse.h - the free-text reader behind POST /v1/triage/parse
 * (API.md "Free text"): what a person typed, in English or Spanish, read
 * into a triage request and the mentions it was read from. Pure: no I/O,
 * no logging (the text is private), no state between calls; CPU only.
 *
 * How it reads, in order:
 *   1. normalise: code points folded to lower case without accents (ICU's
 *      case folding and canonical decomposition), words split at anything
 *      not a letter or digit, HTML tags and entities skipped, common
 *      abbreviations and misspellings expanded ("wks", "y/o", "bc", "idk",
 *      "xq", "tb"), and a word one typo away from a phrase word corrected;
 *   2. find the phrases of the language's phrasebook (phrases.h), longest
 *      first, for the country's usage;
 *   3. decide each mention's status with NegEx-style scopes: a negation or
 *      hedge before a mention (up to six words, stopped by a clause
 *      boundary: ". ; ? !", "but", "pero", a new subject) or just after it;
 *      a hedge wins over a negation (never a no for a maybe);
 *   4. read numbers written in digits or words ("forty five", "sesenta y
 *      ocho", "a fortnight", "quince dias", "2/52", "48 hours", "a week and
 *      a half") as age or duration from their units and the words around
 *      them, and leave the others (kilograms, "ten hours a day", weeks
 *      pregnant, "fiebre de 39", a relative's age "my dad is 70", a range
 *      "forty something"); a duration told with a history code in its clause
 *      ("had cancer 6 years ago") is the history's, not the pain's; a pain
 *      score of 8 or more ("8/10") is a yes to getting_worse.
 *
 * Safety by construction (API.md): a red flag is never put in absent (only
 * patterns may be); a hedged mention is unknown; a partial phrase can make
 * its code unknown but never a yes, and its denial denies nothing; a code
 * read present anywhere stays present whatever else the text denies.
 */
#ifndef HEALTHHUB_TEXTPARSE_H
#define HEALTHHUB_TEXTPARSE_H

#include <stddef.h>

#include "healthhub/content.h"
#include "healthhub/triage.h"

#define HH_TEXTPARSE_MAX_CODEPOINTS 4000 /* longer texts are refused (413) */
#define HH_TEXTPARSE_MAX_MENTIONS 256    /* mentions kept; later ones still count in the request */

enum hh_mention_status {
	HH_MENTION_PRESENT = 0,
	HH_MENTION_DENIED = 1,
	HH_MENTION_UNCERTAIN = 2,
};

enum hh_mention_kind {
	HH_MENTION_CODE = 0,     /* symptom, status */
	HH_MENTION_AGE = 1,      /* value in years */
	HH_MENTION_DURATION = 2, /* value in days */
	HH_MENTION_REGION = 3,   /* value: one enum hh_region bit */
	HH_MENTION_POSITION = 4, /* value: one enum hh_position bit */
};

struct hh_mention {
	enum hh_mention_kind kind;
	const struct hh_symptom *symptom; /* HH_MENTION_CODE: borrowed from the content */
	enum hh_mention_status status;    /* HH_MENTION_CODE */
	long long value;                  /* the other kinds */
	size_t start, end;                /* code points into the text, end exclusive */
	int weak; /* HH_MENTION_DURATION: a bare day word ("yesterday"), the pain's only when nothing else dates it */
};

struct hh_textparse_result {
	struct hh_mention mentions[HH_TEXTPARSE_MAX_MENTIONS]; /* by start, then kind */
	size_t n_mentions;
	struct hh_triage_input request; /* a valid triage request; -1 numbers when not read */
};

/*
 * Reads text (len bytes of valid UTF-8, at most HH_TEXTPARSE_MAX_CODEPOINTS
 * code points; more is read up to that) in language lang with the usage of
 * country (NULL: the phrases every country shares), using c's phrasebook
 * for lang and resolving codes in c. Never fails: a content without
 * phrases reads numbers only. *out is overwritten.
 */
void hh_textparse(const struct hh_content *c, enum hh_lang lang, const char *country, const char *text, size_t len,
		  struct hh_textparse_result *out);

/* The API name of a status: "present", "denied", "uncertain". */
const char *hh_mention_status_name(enum hh_mention_status s);

/*
 * Normalises one phrase as written in the content into words (the same
 * folding, abbreviations included, that text gets). Writes at most max
 * words of at most 31 bytes into words (each NUL-terminated); "*" stays a
 * word of its own, and a trailing "*" stays on its word. Returns the number
 * of words, or -1 when a word is too long or there are more than max.
 */
int hh_textparse_phrase_words(enum hh_lang lang, const char *phrase, char words[][32], size_t max);

/*
 * The Snowball stem of word (normalised, lower case) in lang, into out (at
 * most 31 bytes); the word itself when it has none. Each thread keeps its
 * own stemmers.
 */
void hh_textparse_stem(enum hh_lang lang, const char *word, char out[32]);

/*
 * 1 when word (normalised) is a one-word negation or hedging trigger of lang
 * ("no", "sin"), or with as_prefix, begins a word of any trigger ("nev"
 * begins "never"): a phrase may not be made of the one, nor stem the other.
 */
int hh_textparse_is_trigger_word(enum hh_lang lang, const char *word, int as_prefix);

#endif
