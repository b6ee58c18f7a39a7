/*
 * textparse_internal.h - the per-language word lists of the free-text reader
 * (textparse_lang.c), shared with the reader (textparse.c) and the phrase
 * checks (phrases.c). Every word here is already normalised: lower case, no
 * accents, no apostrophes ("dont", "no se si").
 */
#ifndef HEALTHHUB_TEXTPARSE_INTERNAL_H
#define HEALTHHUB_TEXTPARSE_INTERNAL_H

#include <stddef.h>

#include "healthhub/content.h"

enum hh_tp_trigger_kind {
	HH_TP_PRE_NEG,    /* negates what follows: "no", "without", "sin" */
	HH_TP_POST_NEG,   /* negates what came just before: "none", "tampoco" */
	HH_TP_PRE_HEDGE,  /* makes what follows uncertain: "maybe", "creo que" */
	HH_TP_POST_HEDGE, /* makes what came just before uncertain: "i think", "o no" */
	HH_TP_TERM,       /* ends a scope: "but", "pero", a new subject */
	HH_TP_SOFT,       /* ends a scope except for a list of plain phrases: "and", "or", "," */
	HH_TP_SUBJ,       /* a new subject: ends a scope when it follows a soft one ("and my legs") */
	HH_TP_PSEUDO,     /* looks like a trigger, is not: "not only", "no doubt" */
};

struct hh_tp_trigger {
	const char *words; /* space-separated */
	enum hh_tp_trigger_kind kind;
};

struct hh_tp_abbrev {
	const char *from; /* one word, or words joined by "/" or "." as typed ("y/o") */
	const char *to;   /* space-separated words; "" drops it */
};

enum hh_tp_num_kind {
	HH_TP_NUM_UNIT,    /* 0..19 (and Spanish 21..29 in one word) */
	HH_TP_NUM_TEN,     /* 20, 30, ... 90 */
	HH_TP_NUM_HUNDRED, /* "hundred", "cien" */
	HH_TP_NUM_ARTICLE, /* "a", "an", "un", "una": one, before a unit only */
	HH_TP_NUM_VAGUE,   /* "couple" 2, "few" 3, "par" 2: before a unit only */
};

struct hh_tp_numword {
	const char *word;
	int value;
	enum hh_tp_num_kind kind;
};

struct hh_tp_unit {
	const char *word;
	int days; /* days in one; 0: a unit that is not a duration (kg, hours) */
};

struct hh_tp_lang {
	const struct hh_tp_trigger *triggers;
	size_t n_triggers;
	const struct hh_tp_abbrev *abbrevs;
	size_t n_abbrevs;
	const struct hh_tp_numword *numwords;
	size_t n_numwords;
	const struct hh_tp_unit *units; /* duration units and units that disqualify a number */
	size_t n_units;
	const char *const *years;        /* "years", "anos": age or duration by context */
	const char *const *age_after;    /* "old", "yo": a years number followed by one is an age */
	const char *const *age_before;   /* "aged", "im", "tengo": an age follows */
	const char *const *dur_before;   /* "for", "since", "hace": a duration follows */
	const char *const *dur_after;    /* "ago": a duration came before */
	const char *const *not_duration; /* "pregnant", "embarazada": after a unit, not the pain's duration */
	const char *const *joiners;      /* "and", "y": joins number words ("sesenta y ocho") */
	const char *const *no_correct;   /* real words one typo from a phrase word, never corrected */
	const char *const *yesterday;    /* "yesterday", "ayer": since then, one day */
	const char *const *today;        /* "today", "hoy", "this morning": since then, zero days */
	const char *const *unit_last;    /* "last", "past" before a unit, "pasada" after: one of it */
	const char *const *family;       /* "sister", "madre": with a family verb, someone else's history */
	const char *const *family_verbs; /* "has", "had", "tiene" */
	const char *const *first_person; /* "i", "tengo": the person writing speaks of themself */
	const char *const *hours;        /* "hours", "horas": 24 or more of them make days */
	const char *const *half;         /* "and a half", "y media": half a unit more */
	const char *const *per;          /* "once", "times", "veces": "twice a day" is no duration */
	const char *const *pain_words;   /* "pain", "started", "dolor": the pain is spoken of again */
	const char *const *two_days;     /* "anteayer", "the day before yesterday": since then, two days */
};

/* The lists of lang (never NULL). */
const struct hh_tp_lang *hh_tp_lang_of(enum hh_lang lang);

/* 1 when word is in the NULL-terminated list. */
int hh_tp_in(const char *const *list, const char *word);

/* 1 for a word that only joins a list's items to their place ("in", "my", "both"): hh_tp_lang_of's lists. */
int hh_tp_filler(enum hh_lang lang, const char *word);

/* 1 for a word that links a thing to what is said of it ("is", "are", "feel"): "my legs are fine". */
int hh_tp_copula(enum hh_lang lang, const char *word);

/* 1 for a word of a habit or a job ("smoked", "worked"): years told with it are not the pain's. */
int hh_tp_habit(enum hh_lang lang, const char *word);

/* 1 for a word that opens a clause of its own after a comma ("no fever, just chest pain"). */
int hh_tp_opener(enum hh_lang lang, const char *word);
/* Does word close a list of alternatives ("or", "nor"; "o", "ni")? A denial reaches past a comma only then. */
int hh_tp_list_or(enum hh_lang lang, const char *word);
/* Is word a verb of being able to ("controlo", "aguanto")? A no just before one is the mention's own. */
int hh_tp_ability(enum hh_lang lang, const char *word);

/* 1 for a word of the pain's onset of lang's own table ("fue", "me agache"): a day word near it dates the start. */
int hh_tp_onset(enum hh_lang lang, const char *word);

/* 1 for a word of half a unit just before it ("medio ano", "media hora"): lang's own, besides English "half a". */
int hh_tp_half_before(enum hh_lang lang, const char *word);

/* Offers try each respelling by ear of word in lang (Spanish: b/v, s/z/c, ll/y, j/g, r/rr, silent h; at
 * most two changes) until try returns 1: then 1. Other languages: 0. */
int hh_tp_respell(enum hh_lang lang, const char *word, int (*try)(const char *w, void *ctx), void *ctx);

/* 1 for a possessive ("my", "our"): "my 5 year old" is someone else's age. */
int hh_tp_possessive(enum hh_lang lang, const char *word);

/* 1 for a word that starts like a phrase's stem but is another word ("number" and "numb*"). */
int hh_tp_not_stem(enum hh_lang lang, const char *word);

/* 1 for a form's yes right after a thing ("chest pain: yes"): it is there, whatever came before. */
int hh_tp_affirm(enum hh_lang lang, const char *word);

/* Words a heart rate follows ("pulse", "HR"), or NULL: NULL-terminated. */
const char *const *hh_tp_rate_before(enum hh_lang lang);

/* Words of a sudden start ("sudden onset", "out of the blue"), or NULL: NULL-terminated. */
const char *const *hh_tp_sudden(enum hh_lang lang);

/* Folds one code point (lower case, no accents) into out as UTF-8: bytes written (0: drop it). */
size_t hh_tp_fold(unsigned cp, char out[8]);

/* 1 for code points that are part of a word (letters, digits, marks). */
int hh_tp_is_word_char(unsigned cp);

#endif
