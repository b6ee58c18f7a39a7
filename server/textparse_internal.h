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
	/* words the reader weighs one at a time; NULL where a language has none yet */
	const char *const *fillers;       /* "in", "my", "both": only join a list's items to their place */
	const char *const *copulas;       /* "is", "feel": link a thing to what is said of it ("my legs are fine") */
	const char *const *habits;        /* "smoked", "worked": years told with one are not the pain's */
	const char *const *openers;       /* "just", "only": open a clause of their own after a comma */
	const char *const *list_or;       /* "or", "nor"; "o", "ni": close a list of alternatives (a no reaches
					     past a comma only into one) */
	const char *const *ability;       /* "controlo", "aguanto": a no just before one is the mention's own */
	const char *const *onset;         /* "started", "me agache": a day word near one dates the pain's start */
	const char *const *half_before;   /* "medio", "media": half a unit ("medio ano") */
	const char *const *possessives;   /* "my", "our": "my 5 year old" is someone else's age */
	const char *const *not_stem;      /* "number": starts like a phrase's stem ("numb*"), is another word */
	const char *const *affirm;        /* "yes": a form's yes right after a thing ("chest pain: yes") */
	const char *const *rate_before;   /* "pulse", "hr": a heart rate follows */
	const char *const *sudden;        /* "sudden onset", "de repente": a sudden start */
	const char *const *clause_hedges; /* "igual": a hedge only where a clause starts ("igual tengo fiebre",
					     never "todo el rato igual") */
	const char *const *proxy;         /* "le duele", "she has", "her back": someone else's pain told */
	const char *const *career;        /* "been a", "as a": years told after one are a career's (NULL: none) */
	const char *const *aside_after;   /* "if that matters": a bare number before one is an age (NULL: none) */
	const char *const *proxy_said;    /* "on behalf of", "escribo por": written for someone else, said outright */
	const char *const *own_pain;      /* "me duele", "my back": the writer's own pain told */
	const char *const *kin_between;   /* "is", "aged", "de": between a relative and their age ("my dad is 70") */
	const char *const *kin_pronouns;  /* "she", "hes": in a message for someone, that person ("she's 29") */
	const char *const *and_words;     /* "and", "n", "y": a number opening the text joined to it ("16 n my back") */
	const char *const *since;         /* "since", "desde": the pain dates from what follows ("since my epidural") */
	const struct hh_tp_unit *ordinals; /* "third", "tercer" before a day: the pain's Nth day (days hold N) */
	size_t n_ordinals;
	const char *const *ordinal_suffixes;  /* "rd", "er": "3rd day", "3er dia" */
	const char *const *day_number_before; /* "on": "on day 5" is the pain's fifth day (NULL: none) */
	const char *const
		*not_duration_before;  /* "retraso de": the number after is no duration of the pain (NULL: none) */
	const char *const *ago_after;  /* "ago": the time before one is a point in the past (NULL: none) */
	const char *const *ago_before; /* "hace" (not after "desde"): the time after one is a point (NULL: none) */
	const char *const *without; /* "without", "sin": no negation after a "cant" ("cant breathe in without pain") */
	const char *const *neg_softeners;      /* "exactly", "exactamente": a no just before one is a maybe */
	const char *const *cant;               /* "cant", "no puedo" */
	const char *const *weeks_along_before; /* "im", "tengo": "im 32 weeks" is a pregnancy (NULL: none) */
	const char *const *breath_settings;    /* "stairs", "reposo": a breathlessness said of one setting only */
	const char *const *age_now;            /* "now": "Now 41", "24 now." tell an age (NULL: none) */
	const char *const *day_words;          /* "day", "dia": the unit of "3rd day", "tercer dia" */
	const char *const *back_words;         /* "back", "espalda": the back named (as the body's: pain_word_at) */
	const char *const *pain_now;           /* "hurts", "duele": the pain itself or its start, not an old injury */
};

/* The lists of lang (never NULL). */
const struct hh_tp_lang *hh_tp_lang_of(enum hh_lang lang);

/* 1 when word is in the NULL-terminated list. */
int hh_tp_in(const char *const *list, const char *word);

/* Offers try each respelling by ear of word in lang (Spanish: b/v, s/z/c, ll/y, j/g, r/rr, silent h; at
 * most two changes) until try returns 1: then 1. English: a dropped g ("stabbin"). Other languages: 0. */
int hh_tp_respell(enum hh_lang lang, const char *word, int (*try)(const char *w, void *ctx), void *ctx);

/* Folds one code point (lower case, no accents) into out as UTF-8: bytes written (0: drop it). */
size_t hh_tp_fold(unsigned cp, char out[8]);

/* 1 for code points that are part of a word (letters, digits, marks). */
int hh_tp_is_word_char(unsigned cp);

#endif
