/*
 * phrases.h - the words that name each triage code, per language
 * (content/triage/phrases.json, content/es/triage/phrases.json): checked
 * like every content file, compiled into a phrasebook the free-text reader
 * (textparse.h) looks words up in, and part of the ruleset version.
 *
 * A phrase is a few words, normalised as the reader normalises text (case,
 * accents, abbreviations: textparse.h). Inside a phrase, "*" stands for up
 * to four words of the same clause ("pain * chest" reads "pain in my
 * chest") and a word ending in "*" for any word it begins ("tingl*" reads
 * "tingling", "tingly"). A code's "partial" phrases name only part of what
 * its question asks ("numbness" for leg_weakness_numbness): they can make
 * the code "I don't know", never a yes, and a denial of them denies nothing.
 * Its "opposite" phrases name the opposite of a yes ("comes and goes" for
 * constant_pain, "sitting doesn't bother it" for worse_sitting): read, they
 * deny the code (a denied red flag is a mention, never absent); denied, they
 * say yes; hedged, "I don't know".
 *
 * A code's "concepts" generalise its phrases: a concept is two to four
 * groups of words, and it names the code when one word (or short phrase)
 * of each group appears in one clause, in any order, the groups at most
 * HH_CONCEPT_SPAN words apart ({"numb*", "no feeling"} x {"bum", "groin"}
 * reads "my bum has gone completely numb"). Group words are compared by
 * their Snowball stem ("numbness" and "numb" alike), a word ending in "*"
 * by the word it begins. Negation and hedging read a concept's words as
 * they read a phrase's, words between its groups included.
 *
 * A code whose question asks several things in one ("weakness or numbness
 * in your legs, tingling, or unsteady walking?") lists its "parts", each a
 * list of words compared like a concept's ([["weak*", "strength"],
 * ["numb*"], ["tingl*", "pins and needles"], ["walk*", "balance"]]). The
 * text denies such a code only when its denials, taken together, reach a
 * word of every part ("no weakness, numbness or tingling in my legs,
 * walking fine"); "no numbness in my legs" denies nothing. A code without
 * parts is one thing: any denial of it denies it, except of a "partial"
 * phrase alone.
 */
#ifndef HEALTHHUB_PHRASES_H
#define HEALTHHUB_PHRASES_H

#include <stddef.h>

#include <jansson.h>

#include "healthhub/content.h"
#include "healthhub/fields.h"

#define HH_PHRASE_MAX_WORDS 8   /* words (and gaps) in one phrase */
#define HH_PHRASE_MAX_CHARS 80  /* bytes of one phrase as written */
#define HH_PHRASE_GAP 4         /* words a "*" may stand for */
#define HH_CONCEPT_MAX_GROUPS 4 /* groups in one concept */
#define HH_CONCEPT_MAX_WORDS 4  /* words in one group entry ("cant feel", "down there") */
#define HH_CONCEPT_SPAN 8       /* tokens from a concept's first word to its last */
#define HH_PARTS_MAX 8          /* parts of one code's question */

enum hh_phrase_target {
	HH_PHRASE_CODE = 0,   /* names a symptom code */
	HH_PHRASE_REGION = 1, /* names a region (upper_back, middle_back) */
};

struct hh_phrase {
	enum hh_phrase_target target;
	const char *name;    /* the code or region name */
	int partial;         /* 1: names part of the code's question only */
	int opposite;        /* 1: names the code's opposite ("comes and goes" for constant_pain): a no */
	int hint;            /* 1: a red flag's hint ("hints"): read as asked (uncertain) when nothing else names
				the code, and never as a no */
	const char *country; /* "GB": this country only; NULL: every country */
	const char **words;  /* normalised words; "*" is a gap */
	unsigned char *stem; /* stem[i]: words[i] matches any word it begins */
	size_t n_words;
};

/* One group entry of a concept: words compared by stem, or as a prefix (pfx[i]). */
struct hh_concept_word {
	const struct hh_concept *concept;
	unsigned group;
	const char **words; /* Snowball stems, or prefixes ("tingl") */
	unsigned char *pfx; /* pfx[i]: words[i] matches any word it begins */
	size_t n_words;
};

struct hh_concept {
	struct hh_phrase head; /* its code, partial and country (no words) */
	unsigned n_groups;
};

/* The parts of one code's question: its words, each tagged with its part (group). */
struct hh_code_parts {
	const char *code;
	unsigned n_parts;
	struct hh_concept_word *words; /* concept NULL, group the part */
	size_t n_words;
};

/* One language's phrases, compiled. Lives in a content's arena. */
struct hh_phrasebook {
	enum hh_lang lang;
	struct hh_phrase *v; /* sorted by first word, then longer first */
	size_t n;
	const char **vocab; /* every whole word of a phrase, sorted, unique: what a typo is corrected to */
	size_t n_vocab;
	const char *
		*vocab_stem; /* every stem of a phrase ("buttock" of "buttock*"), sorted, unique: a typo in it too */
	size_t n_vocab_stem;
	const struct hh_phrase **stem_first; /* the phrases whose first word is a stem ("tingl*") */
	size_t n_stem_first;
	struct hh_concept *concepts;
	size_t n_concepts;
	/* every concept entry, sorted by first word: stems apart from prefixes */
	struct hh_concept_word *cw_stem, *cw_pfx;
	size_t n_cw_stem, n_cw_pfx;
	unsigned char cw_pair[8192]; /* bit per first two bytes of an entry's first word: a word worth stemming */
	struct hh_code_parts *parts; /* the codes whose question has parts */
	size_t n_parts;
	size_t n_dropped; /* phrases and words of a stored file this binary's checks refuse (hh_phrases_schema) */
};

/* The parts of code's question in book, or NULL (one thing). */
const struct hh_code_parts *hh_phrases_parts(const struct hh_phrasebook *book, const char *code);

/*
 * Checks a phrases file (root, borrowed) of language lang against the
 * symptom codes of c, reporting every problem on s: unknown code or
 * region, a phrase empty, too long, of more than HH_PHRASE_MAX_WORDS words,
 * starting or ending with a gap, made only of negation or hedging words,
 * or whose words begin a negation or hedging word ("no*"), a phrase given
 * twice or under two codes (in one country), an unknown country, parts
 * given for a country or more than HH_PARTS_MAX of them. A c
 * without symptoms (a file checked alone) leaves the codes unchecked.
 * Returns the phrasebook in c's arena, or NULL when anything was wrong.
 *
 * stored: the file is what a migrate stored, read by a server. The checks
 * against this binary's own negation and hedging words (a stem that begins
 * one, a phrase made only of them) then drop the phrase instead of refusing
 * the file (counted in n_dropped): a server of a newer release, whose word
 * lists grew, still serves the content an older migrate stored, as it did,
 * until the content is migrated again. migrate itself is strict.
 */
struct hh_phrasebook *hh_phrases_schema(struct hh_field_src *s, json_t *root, enum hh_lang lang, struct hh_content *c,
					int stored);

/* Adds book (NULL allowed) to a running ruleset digest: hh_content_finish calls it. */
struct hh_sha256;
void hh_phrases_hash(struct hh_sha256 *h, const struct hh_phrasebook *book);

#endif
