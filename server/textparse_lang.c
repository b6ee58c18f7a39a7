/*
 * textparse_lang.c - what the free-text reader knows of English and Spanish
 * besides the phrases (which are content): negation and hedging triggers
 * (NegEx-style: Chapman et al. 2001, with the Spanish lists of its later
 * adaptations), abbreviations and common misspellings, number words and
 * units. And the folding of one code point, done with ICU (case folding and
 * canonical decomposition: "Á" -> "a", "ñ" -> "n").
 */
#include "textparse_internal.h"

#include "healthhub/common.h"

#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>

/* ------------------------------------------------------------------ English */

static const struct hh_tp_trigger en_triggers[] = {
	{"no", HH_TP_PRE_NEG},
	{"not", HH_TP_PRE_NEG},
	{"never", HH_TP_PRE_NEG},
	{"without", HH_TP_PRE_NEG},
	{"denies", HH_TP_PRE_NEG},
	{"deny", HH_TP_PRE_NEG},
	{"denied", HH_TP_PRE_NEG},
	{"havent", HH_TP_PRE_NEG},
	{"hasnt", HH_TP_PRE_NEG},
	{"hadnt", HH_TP_PRE_NEG},
	{"dont", HH_TP_PRE_NEG},
	{"doesnt", HH_TP_PRE_NEG},
	{"didnt", HH_TP_PRE_NEG},
	{"isnt", HH_TP_PRE_NEG},
	{"arent", HH_TP_PRE_NEG},
	{"wasnt", HH_TP_PRE_NEG},
	{"werent", HH_TP_PRE_NEG},
	{"nor", HH_TP_PRE_NEG},
	{"neither", HH_TP_PRE_NEG},
	{"none", HH_TP_PRE_NEG},
	{"nothing in", HH_TP_PRE_NEG},
	{"nothing wrong with", HH_TP_PRE_NEG},
	{"asked me about", HH_TP_PRE_HEDGE},
	{"asked about", HH_TP_PRE_HEDGE},
	{"asked me if", HH_TP_PRE_HEDGE},
	{"asked if", HH_TP_PRE_HEDGE},
	{"asked whether", HH_TP_PRE_HEDGE},
	{"no sure", HH_TP_PRE_HEDGE},
	{"no changes in", HH_TP_PRE_NEG},
	{"no change in", HH_TP_PRE_NEG},
	{"zero", HH_TP_PRE_NEG},
	{"free from", HH_TP_PRE_NEG},
	{"wouldnt say", HH_TP_PRE_NEG},
	{"wouldnt call it", HH_TP_PRE_NEG},
	{"cant rule out", HH_TP_PRE_HEDGE},
	/* what might be, not what is (ConText's hypotheticals): asked about, watched for, tested for */
	{"if i get", HH_TP_PRE_HEDGE},
	{"if i develop", HH_TP_PRE_HEDGE},
	{"if i start", HH_TP_PRE_HEDGE},
	{"if i ever", HH_TP_PRE_HEDGE},
	{"in case", HH_TP_PRE_HEDGE},
	{"watch out for", HH_TP_PRE_HEDGE},
	{"keep an eye out for", HH_TP_PRE_HEDGE},
	{"call if", HH_TP_PRE_HEDGE},
	{"asked if", HH_TP_PRE_HEDGE},
	{"asked me if", HH_TP_PRE_HEDGE},
	{"asked whether", HH_TP_PRE_HEDGE},
	{"checked for", HH_TP_PRE_HEDGE},
	{"checked me for", HH_TP_PRE_HEDGE},
	{"tested for", HH_TP_PRE_HEDGE},
	{"tested me for", HH_TP_PRE_HEDGE},
	{"screened for", HH_TP_PRE_HEDGE},
	{"what if", HH_TP_PRE_HEDGE},
	{"read that", HH_TP_PRE_HEDGE},
	{"read online", HH_TP_PRE_HEDGE},
	{"not ruled out", HH_TP_PRE_HEDGE},
	{"i doubt", HH_TP_PRE_HEDGE},
	{"doubt", HH_TP_PRE_HEDGE},
	{"not that i know of", HH_TP_POST_HEDGE},
	{"as far as i know", HH_TP_POST_HEDGE},
	{"as far as i can tell", HH_TP_POST_HEDGE},
	{"as far as we can tell", HH_TP_POST_HEDGE},
	{"as far as we know", HH_TP_POST_HEDGE},
	{"as far as im aware", HH_TP_POST_HEDGE},
	{"that ive noticed", HH_TP_POST_HEDGE},
	{"that i noticed", HH_TP_POST_HEDGE},
	{"that i know of", HH_TP_POST_HEDGE},
	{"that im aware of", HH_TP_POST_HEDGE},
	{"not that im aware of", HH_TP_POST_HEDGE},
	{"not as far as i know", HH_TP_POST_HEDGE},
	{"none that i know of", HH_TP_POST_HEDGE},
	{"not to my knowledge", HH_TP_POST_HEDGE},
	{"nil", HH_TP_PRE_NEG},
	{"free of", HH_TP_PRE_NEG},
	{"negative for", HH_TP_PRE_NEG},
	{"no sign of", HH_TP_PRE_NEG},
	{"no signs of", HH_TP_PRE_NEG},
	{"no longer", HH_TP_PRE_NEG},
	{"nothing like", HH_TP_PRE_NEG},
	{"absence of", HH_TP_PRE_NEG},
	{"none", HH_TP_POST_NEG},
	{"denied", HH_TP_POST_NEG},
	{"ruled out", HH_TP_POST_NEG},
	{"denies", HH_TP_POST_NEG},
	{"absent", HH_TP_POST_NEG},
	{"nil", HH_TP_POST_NEG},
	{"not really", HH_TP_POST_NEG},
	{"nope", HH_TP_POST_NEG},
	{"no", HH_TP_POST_NEG},
	{"negative", HH_TP_POST_NEG},
	{"either", HH_TP_POST_NEG},
	{"normal", HH_TP_POST_NEG},
	{"fine", HH_TP_POST_NEG},
	{"ok", HH_TP_POST_NEG},
	{"okay", HH_TP_POST_NEG},
	{"maybe", HH_TP_PRE_HEDGE},
	{"might", HH_TP_PRE_HEDGE},
	{"may", HH_TP_PRE_HEDGE},
	{"perhaps", HH_TP_PRE_HEDGE},
	{"possibly", HH_TP_PRE_HEDGE},
	{"possible", HH_TP_PRE_HEDGE},
	{"probably", HH_TP_PRE_HEDGE},
	{"i think", HH_TP_PRE_HEDGE},
	{"think", HH_TP_PRE_HEDGE},
	{"i guess", HH_TP_PRE_HEDGE},
	{"i suppose", HH_TP_PRE_HEDGE},
	{"not sure", HH_TP_PRE_HEDGE},
	{"unsure", HH_TP_PRE_HEDGE},
	{"not certain", HH_TP_PRE_HEDGE},
	{"uncertain", HH_TP_PRE_HEDGE},
	{"dont know", HH_TP_PRE_HEDGE},
	{"do not know", HH_TP_PRE_HEDGE},
	{"dont think", HH_TP_PRE_HEDGE},
	{"do not think", HH_TP_PRE_HEDGE},
	{"wonder if", HH_TP_PRE_HEDGE},
	{"wondering if", HH_TP_PRE_HEDGE},
	{"could be", HH_TP_PRE_HEDGE},
	{"could this be", HH_TP_PRE_HEDGE},
	{"could it be", HH_TP_PRE_HEDGE},
	{"could have", HH_TP_PRE_HEDGE},
	{"suspect", HH_TP_PRE_HEDGE},
	{"cant tell", HH_TP_PRE_HEDGE},
	{"hard to say", HH_TP_PRE_HEDGE},
	{"not sure if", HH_TP_PRE_HEDGE},
	{"dont remember", HH_TP_PRE_HEDGE},
	{"cant remember", HH_TP_PRE_HEDGE},
	{"not entirely sure", HH_TP_PRE_HEDGE},
	{"not totally sure", HH_TP_PRE_HEDGE},
	{"not completely sure", HH_TP_PRE_HEDGE},
	{"not really sure", HH_TP_PRE_HEDGE},
	{"not quite sure", HH_TP_PRE_HEDGE},
	{"not too sure", HH_TP_PRE_HEDGE},
	{"not 100 sure", HH_TP_PRE_HEDGE},
	{"not 100 percent sure", HH_TP_PRE_HEDGE},
	{"hard to tell", HH_TP_PRE_HEDGE},
	{"difficult to say", HH_TP_PRE_HEDGE},
	{"difficult to tell", HH_TP_PRE_HEDGE},
	{"cant be sure", HH_TP_PRE_HEDGE},
	{"cant say for sure", HH_TP_PRE_HEDGE},
	{"i reckon", HH_TP_PRE_HEDGE},
	{"reckon", HH_TP_PRE_HEDGE},
	{"unclear", HH_TP_PRE_HEDGE},
	{"i think", HH_TP_POST_HEDGE},
	{"maybe", HH_TP_POST_HEDGE},
	{"perhaps", HH_TP_POST_HEDGE},
	{"possibly", HH_TP_POST_HEDGE},
	{"probably", HH_TP_POST_HEDGE},
	{"not sure", HH_TP_POST_HEDGE},
	{"i dont know", HH_TP_POST_HEDGE},
	{"or not", HH_TP_POST_HEDGE},
	{"i guess", HH_TP_POST_HEDGE},
	{"or something", HH_TP_POST_HEDGE},
	{"not entirely sure", HH_TP_POST_HEDGE},
	{"not too sure", HH_TP_POST_HEDGE},
	{"not really sure", HH_TP_POST_HEDGE},
	{"i reckon", HH_TP_POST_HEDGE},
	{"hard to tell", HH_TP_POST_HEDGE},
	{"kind of feel like", HH_TP_PRE_HEDGE},
	{"kind of feels like", HH_TP_PRE_HEDGE},
	{"kinda feel like", HH_TP_PRE_HEDGE},
	{"kinda feels like", HH_TP_PRE_HEDGE},
	{"sort of feel like", HH_TP_PRE_HEDGE},
	{"sort of feels like", HH_TP_PRE_HEDGE},
	{"sorta feel like", HH_TP_PRE_HEDGE},
	{"might be nothing", HH_TP_PRE_HEDGE},
	{"not only", HH_TP_PSEUDO},
	{"not just", HH_TP_PSEUDO},
	/* a denial of a denial: "it's not like I don't have chest tightness, I do" */
	{"not like i dont", HH_TP_PSEUDO},
	{"not that i dont", HH_TP_PSEUDO},
	{"never used to", HH_TP_PSEUDO}, /* "I never used to get breathless but now I do" */
	{"didnt use to", HH_TP_PSEUDO},
	{"didnt used to", HH_TP_PSEUDO},
	{"doesnt help that", HH_TP_PSEUDO},
	{"not as if i dont", HH_TP_PSEUDO},
	{"not saying i dont", HH_TP_PSEUDO},
	{"not like i havent", HH_TP_PSEUDO},
	{"not that i havent", HH_TP_PSEUDO},
	{"cant say i dont", HH_TP_PSEUDO},
	{"wouldnt say i dont", HH_TP_PSEUDO},
	{"wouldnt say i have no", HH_TP_PSEUDO},
	{"cant say i have no", HH_TP_PSEUDO},
	{"no doubt", HH_TP_PSEUDO},
	{"no idea", HH_TP_PRE_HEDGE},
	{"not getting better", HH_TP_PSEUDO},
	{"no better", HH_TP_PSEUDO},
	{"not better", HH_TP_PSEUDO},
	{"no matter", HH_TP_PSEUDO},
	{"think of", HH_TP_PSEUDO},
	{"can think of", HH_TP_PSEUDO},
	{"but", HH_TP_TERM},
	{"however", HH_TP_TERM},
	{"although", HH_TP_TERM},
	{"though", HH_TP_TERM},
	{"except", HH_TP_TERM},
	{"apart from", HH_TP_TERM},
	{"aside from", HH_TP_TERM},
	{"besides", HH_TP_TERM},
	{"yet", HH_TP_TERM},
	{"still", HH_TP_TERM},
	{"which", HH_TP_TERM},
	{"because", HH_TP_TERM},
	{"since", HH_TP_TERM},
	{"now", HH_TP_TERM},
	{"then", HH_TP_TERM},
	{"anyway", HH_TP_TERM},
	{"other than", HH_TP_TERM},
	{"than", HH_TP_TERM},
	{"i", HH_TP_SUBJ},
	{"im", HH_TP_SUBJ},
	{"ive", HH_TP_SUBJ},
	{"my", HH_TP_SUBJ},
	{"it", HH_TP_SUBJ},
	{"its", HH_TP_SUBJ},
	{"there", HH_TP_SUBJ},
	{"she", HH_TP_SUBJ},
	{"he", HH_TP_SUBJ},
	{"started", HH_TP_SUBJ},
	{"began", HH_TP_SUBJ},
	{"and", HH_TP_SOFT},
	{"or", HH_TP_SOFT},
	{"plus", HH_TP_SOFT},
	{"also", HH_TP_SOFT},
};

static const struct hh_tp_abbrev en_abbrevs[] = {
	{"outta", "out of"},
	{"ma", "my"},
	{"nae", "no"},
	{"naw", "no"},
	{"brekkie", "breakfast"},
	{"rly", "really"},
	{"y/o", "years old"},
	{"y.o", "years old"},
	{"yo", "years old"},
	{"yro", "years old"},
	{"yrs", "years"},
	{"yr", "year"},
	{"w/o", "without"},
	{"b/c", "because"},
	{"n&v", "nausea and vomiting"},
	{"n/v", "nausea and vomiting"},
	{"soboe", "short of breath on exertion"},
	{"palps", "palpitations"},
	{"tachy", "tachycardia"},
	{"tachycardic", "tachycardia"},
	{"diaphoretic", "sweating"},
	{"diaphoresis", "sweating"},
	{"loc", "lost consciousness"},
	{"presyncope", "nearly fainted"},
	{"presyncopal", "nearly fainted"},
	{"syncopal", "fainted"},
	{"paraesthesia", "tingling"},
	{"paraesthesiae", "tingling"},
	{"paresthesia", "tingling"},
	{"paresthesias", "tingling"},
	{"dyspnoea", "breathless"},
	{"dyspnea", "breathless"},
	{"dyspnoeic", "breathless"},
	{"dyspneic", "breathless"},
	{"sx", "symptoms"},
	{"wt", "weight"},
	{"abd", "abdominal"},
	{"bilat", "both"},
	{"bilateral", "both"},
	{"yoa", "years old"},
	{"yrold", "year old"},
	{"w/", "with"},
	{"wks", "weeks"},
	{"dys", "days"},
	{"dayz", "days"},
	{"wk", "week"},
	{"wkz", "weeks"},
	{"mths", "months"},
	{"mth", "month"},
	{"mos", "months"},
	{"mo", "months"},
	{"yday", "yesterday"},
	{"yest", "yesterday"},
	{"ystrday", "yesterday"},
	{"mnths", "months"},
	{"hrs", "hours"},
	{"hr", "hour"},
	{"mins", "minutes"},
	{"min", "minutes"},
	{"bc", "because"},
	{"cuz", "because"},
	{"coz", "because"},
	{"cos", "because"},
	{"bcos", "because"},
	{"idk", "i dont know"},
	{"dunno", "dont know"},
	{"tbh", ""},
	{"lol", ""},
	{"pls", ""},
	{"plz", ""},
	{"u", "you"},
	{"ur", "your"},
	{"b4", "before"},
	{"cannot", "cant"},
	{"cant", "cant"},
	{"aint", "dont"},
	{"wont", "wont"},
	{"pian", "pain"},
	{"hart", "heart"},
	{"harts", "heart"},
	{"tite", "tight"},
	{"tyte", "tight"},
	{"feint", "faint"},
	{"feinted", "fainted"},
	{"feinting", "fainting"},
	{"brethe", "breathe"},
	{"breth", "breath"},
	{"incontinance", "incontinence"},
	{"incontinant", "incontinent"},
	{"incontinet", "incontinent"},
	{"nausia", "nausea"},
	{"vommiting", "vomiting"},
	{"vomitting", "vomiting"},
	{"vommitting", "vomiting"},
	{"vomitted", "vomited"},
	{"palpatations", "palpitations"},
	{"palpitaions", "palpitations"},
	{"unconcious", "unconscious"},
	{"conciousness", "consciousness"},
	{"dizzyness", "dizziness"},
	{"numbe", "numb"},
	{"numm", "numb"},
	{"tingly", "tingling"},
	{"tinglies", "tingling"},
	{"temp", "temperature"},
	{"hx", "history"},
	{"pmh", "history"},
	{"sob", "short of breath"},
	{"cp", "chest pain"},
	{"temps", "temperature"},
	{"temprature", "temperature"},
	{"temperture", "temperature"},
	{"tempreture", "temperature"},
	{"feaver", "fever"},
	{"fevers", "fever"},
	{"fevr", "fever"},
	{"numbess", "numbness"},
	{"numbnes", "numbness"},
	{"numbnness", "numbness"},
	{"brething", "breathing"},
	{"breating", "breathing"},
	{"breathin", "breathing"},
	{"stomache", "stomach"},
	{"stomch", "stomach"},
	{"tummy", "tummy"},
	{"naseous", "nauseous"},
	{"nauseus", "nauseous"},
	{"nausous", "nauseous"},
	{"nauseated", "nauseous"},
	{"nautious", "nauseous"},
	{"nausious", "nauseous"},
	{"nauseaus", "nauseous"},
	{"tingeling", "tingling"},
	{"dizzey", "dizzy"},
	{"dizy", "dizzy"},
	{"dizzie", "dizzy"},
	{"weigth", "weight"},
	{"wieght", "weight"},
	{"coughin", "coughing"},
	{"sneezin", "sneezing"},
	{"tingleing", "tingling"},
	{"tinglin", "tingling"},
	{"shoulderblade", "shoulder blade"},
	{"shoulderblades", "shoulder blades"},
	{"midback", "middle back"},
	{"mid", "middle"},
	{"centre", "center"},
	{"lyin", "lying"},
	{"sittin", "sitting"},
	{"standin", "standing"},
	{"laying", "lying"},
	{"lay", "lie"},
	{"worst", "worse"},
	{"wose", "worse"},
	{"woke", "wake"},
	{"waking", "wake"},
	{"wakes", "wake"},
	{"hurting", "hurts"},
	{"hurt", "hurts"},
	{"aches", "ache"},
	{"aching", "ache"},
	{"achy", "ache"},
	{"pains", "pain"},
	{"painful", "pain"},
	{"sore", "pain"},
	{"soreness", "pain"},
};

static const struct hh_tp_numword en_numwords[] = {
	{"zero", 0, HH_TP_NUM_UNIT},      {"one", 1, HH_TP_NUM_UNIT},       {"two", 2, HH_TP_NUM_UNIT},
	{"three", 3, HH_TP_NUM_UNIT},     {"four", 4, HH_TP_NUM_UNIT},      {"five", 5, HH_TP_NUM_UNIT},
	{"six", 6, HH_TP_NUM_UNIT},       {"seven", 7, HH_TP_NUM_UNIT},     {"eight", 8, HH_TP_NUM_UNIT},
	{"nine", 9, HH_TP_NUM_UNIT},      {"ten", 10, HH_TP_NUM_UNIT},      {"eleven", 11, HH_TP_NUM_UNIT},
	{"twelve", 12, HH_TP_NUM_UNIT},   {"thirteen", 13, HH_TP_NUM_UNIT}, {"fourteen", 14, HH_TP_NUM_UNIT},
	{"fifteen", 15, HH_TP_NUM_UNIT},  {"sixteen", 16, HH_TP_NUM_UNIT},  {"seventeen", 17, HH_TP_NUM_UNIT},
	{"eighteen", 18, HH_TP_NUM_UNIT}, {"nineteen", 19, HH_TP_NUM_UNIT}, {"twenty", 20, HH_TP_NUM_TEN},
	{"thirty", 30, HH_TP_NUM_TEN},    {"forty", 40, HH_TP_NUM_TEN},     {"fourty", 40, HH_TP_NUM_TEN},
	{"fifty", 50, HH_TP_NUM_TEN},     {"sixty", 60, HH_TP_NUM_TEN},     {"seventy", 70, HH_TP_NUM_TEN},
	{"eighty", 80, HH_TP_NUM_TEN},    {"ninety", 90, HH_TP_NUM_TEN},    {"hundred", 100, HH_TP_NUM_HUNDRED},
	{"a", 1, HH_TP_NUM_ARTICLE},      {"an", 1, HH_TP_NUM_ARTICLE},     {"couple", 2, HH_TP_NUM_VAGUE},
	{"few", 3, HH_TP_NUM_VAGUE},      {"several", 3, HH_TP_NUM_VAGUE},  {"too", 2, HH_TP_NUM_VAGUE},
};

static const struct hh_tp_unit en_units[] = {
	{"day", 1},        {"days", 1},        {"night", 1},    {"nights", 1},  {"week", 7},   {"weeks", 7},
	{"fortnight", 14}, {"fortnights", 14}, {"month", 30},   {"months", 30}, {"year", 365}, {"years", 365},
	{"hour", 0},       {"hours", 0},       {"minutes", 0},  {"minute", 0},  {"kg", 0},     {"kgs", 0},
	{"kilos", 0},      {"kilo", 0},        {"lbs", 0},      {"lb", 0},      {"pounds", 0}, {"pound", 0},
	{"stone", 0},      {"st", 0},          {"times", 0},    {"cm", 0},      {"mg", 0},     {"am", 0},
	{"pm", 0},         {"percent", 0},     {"degrees", 0},  {"miles", 0},   {"km", 0},     {"feet", 0},
	{"ft", 0},         {"kids", 0},        {"children", 0}, {"tablets", 0}, {"pills", 0},  {"cups", 0},
	{"steps", 0},      {"foot", 0},        {"inch", 0},     {"inches", 0},  {"tall", 0},   {"ml", 0},
};

static const char *const en_years[] = {"years", "year", NULL};
static const char *const en_age_after[] = {"old", NULL};
static const char *const en_age_before[] = {"aged", "age", "im", "am", "turned", "turning", NULL};
static const char *const en_dur_before[] = {"for",    "since", "past",   "last",    "about", "around", "almost",
					    "nearly", "over",  "lasted", "lasting", "been",  NULL};
static const char *const en_dur_after[] = {"ago", "now", "straight", "running", "already", NULL};
static const char *const en_not_duration[] = {"pregnant", "postpartum", "along",   "old",   "smoked",
					      "smoker",   "smokers",    "smoking", "smoke", "smokes",
					      "clean",    "sober",      "late",    NULL};
static const char *const en_joiners[] = {"and", NULL};
static const char *const en_no_correct[] = {
	"setting",  "sifting",  "getting",  "bitter",  "through", "thought", "breath",  "breathe", "string", "string",
	"stinging", "reaching", "teaching", "beating", "heating", "walked",  "talking", "chess",   "weight", "height",
	"skipped",  "skipping", "fainter",  "painter", "waiting", "bloody",  "chests",  NULL};
static const char *const en_yesterday[] = {"yesterday", "last night", NULL};
static const char *const en_two_days[] = {"day before yesterday", NULL};
static const char *const en_today[] = {"today", "this morning", "this afternoon", "this evening", "tonight", NULL};
static const char *const en_unit_last[] = {"last", "past", NULL};
static const char *const en_family[] = {
	"mum",      "mom",           "mother",    "dad",         "father",   "sister",      "brother",    "wife",
	"son",      "daughter",      "grandma",   "grandmother", "grandad",  "grandfather", "aunt",       "uncle",
	"cousin",   "friend",        "family",    "nan",         "granny",   "grandpa",     "mums",       "mam",
	"mams",     "mammy",         "moms",      "husband",     "partner",  "boyfriend",   "girlfriend", "fiance",
	"kid",      "kids",          "child",     "children",    "toddler",  "baby",        "niece",      "nephew",
	"grandson", "granddaughter", "auntie",    "neighbour",   "neighbor", "colleague",   "coworker",   "boss",
	"dads",     "sons",          "daughters", "husbands",    "wifes",    "hubby",       "old",        NULL};
static const char *const en_family_verbs[] = {"has", "had", "have", "got", "gets", "died", "history", "suffers", NULL};
static const char *const en_first_person[] = {"i", "im", "ive", "me", "myself", NULL};
static const char *const en_hours[] = {"hour", "hours", NULL};
static const char *const en_half[] = {"and a half", "and half", NULL};
static const char *const en_per[] = {"once", "twice", "times", "per", "every", NULL};
static const char *const en_pain_words[] = {"pain", "ache", "hurts", "back", "started", "began", NULL};

/* words between a list's items and their place: "numbness or tingling in both my legs" */
static const char *const en_fillers[] = {"in",  "my",    "the", "of",  "on",  "both", "either", "down", "around", "at",
					 "to",  "a",     "an",  "any", "all", "from", "into",   "up",   "your",   "his",
					 "her", "their", "our", "me",  "or",  "and",  "nor",    NULL};

/* words between a thing and a post-negation said of it: "my walking is fine", "legs feel ok" */
static const char *const en_copulas[] = {"is",         "are",       "was",        "were",   "feel",  "feels", "felt",
					 "seems",      "seem",      "looks",      "look",   "been",  "all",   "totally",
					 "completely", "perfectly", "absolutely", "pretty", "totes", NULL};

/* a habit's or a job's years are not the pain's: "smoked 20 a day for 30 years" */
static const char *const en_habits[] = {"smoked",  "smoking", "smoker", "smoke",   "smokes",   "worked",
					"working", "job",     "career", "married", "drank",    "drinking",
					"vaping",  "vaped",   "firm",   "company", "employed", NULL};

/* words that open a clause of their own after a comma: "no fever, just chest pain" */
static const char *const en_openers[] = {"just", "only", "actually", "although", "except", "instead", NULL};

static const char *const en_possessives[] = {"my", "our", "his", "her", "their", "your", NULL};

/* words a phrase's stem would read but that are other words: "number" is no "numb*", "sweater" no "sweat*" */
static const char *const en_not_stem[] = {"number",   "numbers",    "numbered",   "sweater",
					  "sweaters", "sweatshirt", "sweatpants", NULL};

/* a form's answer right after a thing: "fever: no, chest pain: yes", "numb legs - yes" */
static const char *const en_affirm[] = {"yes", "yeah", "yep", "yup", "positive", "present", "affirmative", NULL};

/* a heart rate follows ("HR 120", "pulse of 130"; "hr" reads "hour" by then: "hour 120" is no time) */
static const char *const en_rate_before[] = {"pulse", "heart rate", "heartrate", "hour", "hr", "bpm", NULL};

/* a start that was sudden, said anywhere in the pain's sentence ("sudden onset", "out of the blue") */
static const char *const en_sudden[] = {"sudden",
					"suddenly",
					"out of nowhere",
					"out of the blue",
					"from nowhere",
					"abruptly",
					"all of a sudden",
					"without warning",
					"instantly",
					"like a switch",
					"like a light switch",
					"in an instant",
					"all at once",
					"came on like",
					"got hit with",
					"hit me",
					"came on sudden",
					"came on quick",
					"nowhere",
					"from nothing to",
					"instant",
					"felt a crack",
					"heard a crack",
					NULL};
static const char *const es_sudden[] = {
	"de repente", "de golpe",   "repentinamente",       "subitamente",     "de la nada",
	"sin avisar", "de sopeton", "de un momento a otro", "derepente",       "repentino",
	"repentina",  "me agarro",  "senti un crujido",     "note un crujido", NULL};

static const char *const en_list_or[] = {"or", "nor", NULL};
static const char *const es_list_or[] = {"o", "u", "ni", NULL};

/* ------------------------------------------------------------------ Spanish */

static const struct hh_tp_trigger es_triggers[] = {
	{"no", HH_TP_PRE_NEG},
	{"nunca", HH_TP_PRE_NEG},
	{"jamas", HH_TP_PRE_NEG},
	{"sin", HH_TP_PRE_NEG},
	{"tampoco", HH_TP_PRE_NEG},
	{"ni", HH_TP_PRE_NEG},
	{"ningun", HH_TP_PRE_NEG},
	{"ninguna", HH_TP_PRE_NEG},
	{"ninguno", HH_TP_PRE_NEG},
	{"nada de", HH_TP_PRE_NEG},
	{"niega", HH_TP_PRE_NEG},
	{"niego", HH_TP_PRE_NEG},
	{"ausencia de", HH_TP_PRE_NEG},
	{"ya no", HH_TP_PRE_NEG},
	{"no tengo", HH_TP_PRE_NEG},
	{"no he tenido", HH_TP_PRE_NEG},
	{"no hay", HH_TP_PRE_NEG},
	{"nada raro", HH_TP_PRE_NEG},
	{"nada extrano", HH_TP_PRE_NEG},
	{"nada anormal", HH_TP_PRE_NEG},
	{"nada diferente", HH_TP_PRE_NEG},
	{"no se ha", HH_TP_PRE_NEG},
	{"no se han", HH_TP_PRE_NEG},
	{"no se me ha", HH_TP_PRE_NEG},
	{"no se me han", HH_TP_PRE_NEG},
	{"no se le ha", HH_TP_PRE_NEG},
	{"no se le han", HH_TP_PRE_NEG},
	{"no se me hincha", HH_TP_PRE_NEG},
	{"no se me hinchan", HH_TP_PRE_NEG},
	{"no se me cae", HH_TP_PRE_NEG},
	{"no se me caen", HH_TP_PRE_NEG},
	{"no se me nubla", HH_TP_PRE_NEG},
	{"no se me tuerce", HH_TP_PRE_NEG},
	{"no se me escapa", HH_TP_PRE_NEG},
	{"no se me sale", HH_TP_PRE_NEG},
	{"no se me va", HH_TP_PRE_NEG},
	{"es igual", HH_TP_PSEUDO},
	{"cero", HH_TP_PRE_NEG},
	{"descarto", HH_TP_PRE_NEG},
	{"descartada", HH_TP_PRE_NEG},
	{"descartado", HH_TP_PRE_NEG},
	{"para nada", HH_TP_PRE_NEG},
	{"en absoluto", HH_TP_PRE_NEG},
	{"tampoco", HH_TP_POST_NEG},
	{"no tengo", HH_TP_POST_NEG},
	{"no he tenido", HH_TP_POST_NEG},
	{"tampoco tengo", HH_TP_POST_NEG},
	{"no hay", HH_TP_POST_NEG},
	{"no", HH_TP_POST_NEG},
	{"nada", HH_TP_POST_NEG},
	{"ninguno", HH_TP_POST_NEG},
	{"ninguna", HH_TP_POST_NEG},
	{"para nada", HH_TP_POST_NEG},
	{"en absoluto", HH_TP_POST_NEG},
	{"ni de broma", HH_TP_POST_NEG},
	{"negativo", HH_TP_POST_NEG},
	{"negativa", HH_TP_POST_NEG},
	{"negativos", HH_TP_POST_NEG},
	{"negativas", HH_TP_POST_NEG},
	{"descartado", HH_TP_POST_NEG},
	{"normal", HH_TP_POST_NEG},
	{"normales", HH_TP_POST_NEG},
	{"creo que", HH_TP_PRE_HEDGE},
	{"creo", HH_TP_PRE_HEDGE},
	{"no creo que", HH_TP_PRE_HEDGE},
	{"no creo", HH_TP_PRE_HEDGE},
	{"no se si", HH_TP_PRE_HEDGE},
	{"no se", HH_TP_PRE_HEDGE},
	{"puede que", HH_TP_PRE_HEDGE},
	{"puede ser", HH_TP_PRE_HEDGE},
	{"quizas", HH_TP_PRE_HEDGE},
	{"quiza", HH_TP_PRE_HEDGE},
	{"tal vez", HH_TP_PRE_HEDGE},
	{"a lo mejor", HH_TP_PRE_HEDGE},
	{"posiblemente", HH_TP_PRE_HEDGE},
	{"probablemente", HH_TP_PRE_HEDGE},
	{"me parece que", HH_TP_PRE_HEDGE},
	{"parece que", HH_TP_PRE_HEDGE},
	{"no estoy seguro", HH_TP_PRE_HEDGE},
	{"no estoy segura", HH_TP_PRE_HEDGE},
	{"es posible que", HH_TP_PRE_HEDGE},
	{"sospecho", HH_TP_PRE_HEDGE},
	{"podria ser", HH_TP_PRE_HEDGE},
	{"sera", HH_TP_PRE_HEDGE},
	{"podria", HH_TP_PRE_HEDGE},
	{"no recuerdo", HH_TP_PRE_HEDGE},
	{"ni idea", HH_TP_PRE_HEDGE},
	{"igual", HH_TP_PRE_HEDGE},
	{"capaz que", HH_TP_PRE_HEDGE},
	{"me late que", HH_TP_PRE_HEDGE},
	{"se me hace que", HH_TP_PRE_HEDGE},
	{"me da que", HH_TP_PRE_HEDGE},
	{"supongo", HH_TP_PRE_HEDGE},
	{"supongo que", HH_TP_PRE_HEDGE},
	{"me imagino que", HH_TP_PRE_HEDGE},
	{"imagino que", HH_TP_PRE_HEDGE},
	{"pienso que", HH_TP_PRE_HEDGE},
	{"diria que", HH_TP_PRE_HEDGE},
	{"no sabria decir", HH_TP_PRE_HEDGE},
	{"no tengo claro", HH_TP_PRE_HEDGE},
	{"no lo se", HH_TP_PRE_HEDGE},
	{"no se bien", HH_TP_PRE_HEDGE},
	{"quien sabe", HH_TP_PRE_HEDGE},
	{"dudo que", HH_TP_PRE_HEDGE},
	{"dudo", HH_TP_PRE_HEDGE},
	{"no que yo sepa", HH_TP_PRE_HEDGE},
	{"que yo sepa", HH_TP_PRE_HEDGE},
	{"me da la impresion de que", HH_TP_PRE_HEDGE},
	{"tengo la impresion de que", HH_TP_PRE_HEDGE},
	/* a fever nobody measured is not denied: "no me he medido la fiebre", "no tengo termometro" */
	{"no me he medido", HH_TP_PRE_HEDGE},
	{"no me la he medido", HH_TP_PRE_HEDGE},
	{"no la he medido", HH_TP_PRE_HEDGE},
	{"no me medi", HH_TP_PRE_HEDGE},
	{"no me he tomado la", HH_TP_PRE_HEDGE},
	{"no me he puesto el termometro", HH_TP_PRE_HEDGE},
	{"no tengo termometro", HH_TP_PRE_HEDGE},
	{"sin medir", HH_TP_PRE_HEDGE},
	{"lo mismo", HH_TP_PSEUDO},
	{"igual que", HH_TP_PSEUDO},
	{"igual de", HH_TP_PSEUDO},
	{"da igual", HH_TP_PSEUDO},
	{"me da igual", HH_TP_PSEUDO},
	{"siempre igual", HH_TP_PSEUDO},
	{"sigue igual", HH_TP_PSEUDO},
	{"por igual", HH_TP_PSEUDO},
	{"duele igual", HH_TP_PSEUDO},
	{"no es que", HH_TP_PSEUDO},
	{"no es que no", HH_TP_PSEUDO},
	{"desde hace", HH_TP_PSEUDO},
	{"creo", HH_TP_POST_HEDGE},
	{"quizas", HH_TP_POST_HEDGE},
	{"quiza", HH_TP_POST_HEDGE},
	{"tal vez", HH_TP_POST_HEDGE},
	{"a lo mejor", HH_TP_POST_HEDGE},
	{"no se", HH_TP_POST_HEDGE},
	{"o no", HH_TP_POST_HEDGE},
	{"puede", HH_TP_POST_HEDGE},
	{"puede ser", HH_TP_POST_HEDGE},
	{"no lo se", HH_TP_POST_HEDGE},
	{"supongo", HH_TP_POST_HEDGE},
	{"igual si", HH_TP_POST_HEDGE},
	/* "fiebre creo que no", "fiebre, no me la he medido": the doubt after the thing */
	{"que yo sepa no", HH_TP_POST_HEDGE},
	{"que yo sepa", HH_TP_POST_HEDGE},
	{"no que yo sepa", HH_TP_POST_HEDGE},
	{"creo que no", HH_TP_POST_HEDGE},
	{"creo que si", HH_TP_POST_HEDGE},
	{"me parece que no", HH_TP_POST_HEDGE},
	{"me parece que si", HH_TP_POST_HEDGE},
	{"supongo que no", HH_TP_POST_HEDGE},
	{"diria que no", HH_TP_POST_HEDGE},
	{"no creo", HH_TP_POST_HEDGE},
	{"no me la he medido", HH_TP_POST_HEDGE},
	{"no me la he puesto", HH_TP_POST_HEDGE},
	{"no me la he tomado", HH_TP_POST_HEDGE},
	{"no me medi", HH_TP_POST_HEDGE},
	{"no la he medido", HH_TP_POST_HEDGE},
	{"sin medir", HH_TP_POST_HEDGE},
	{"ni idea", HH_TP_POST_HEDGE},
	/* "no se me quita": it does not go away, neither "I don't know" nor a denial of what follows */
	{"no se quita", HH_TP_PSEUDO},
	{"no se me quita", HH_TP_PSEUDO},
	{"no se pasa", HH_TP_PSEUDO},
	{"no se me pasa", HH_TP_PSEUDO},
	{"no se calma", HH_TP_PSEUDO},
	{"no se me calma", HH_TP_PSEUDO},
	{"no se va", HH_TP_PSEUDO},
	{"no se me va", HH_TP_PSEUDO},
	{"no se le va", HH_TP_PSEUDO},
	{"no se le quita", HH_TP_PSEUDO},
	{"no se le pasa", HH_TP_PSEUDO},
	{"no se alivia", HH_TP_PSEUDO},
	{"no se me alivia", HH_TP_PSEUDO},
	{"no se le alivia", HH_TP_PSEUDO},
	{"no se le calma", HH_TP_PSEUDO},
	{"no cede", HH_TP_PSEUDO},
	{"me preguntaron si", HH_TP_PRE_HEDGE},
	{"me pregunto si", HH_TP_PRE_HEDGE},
	{"me preguntaron por", HH_TP_PRE_HEDGE},
	{"me pregunto por", HH_TP_PRE_HEDGE},
	{"no solo", HH_TP_PSEUDO},
	{"no mejora", HH_TP_PSEUDO},
	{"sin duda", HH_TP_PSEUDO},
	{"no importa", HH_TP_PSEUDO},
	{"pero", HH_TP_TERM},
	{"aunque", HH_TP_TERM},
	{"sin embargo", HH_TP_TERM},
	{"excepto", HH_TP_TERM},
	{"salvo", HH_TP_TERM},
	{"menos", HH_TP_TERM},
	{"porque", HH_TP_TERM},
	{"ya que", HH_TP_TERM},
	{"ahora", HH_TP_TERM},
	{"desde", HH_TP_TERM},
	{"yo", HH_TP_SUBJ},
	{"el", HH_TP_SUBJ},
	{"la", HH_TP_SUBJ},
	{"los", HH_TP_SUBJ},
	{"las", HH_TP_SUBJ},
	{"mis", HH_TP_SUBJ},
	{"mi", HH_TP_SUBJ},
	{"me", HH_TP_SUBJ},
	{"tengo", HH_TP_SUBJ},
	{"estoy", HH_TP_SUBJ},
	{"empezo", HH_TP_SUBJ},
	{"comenzo", HH_TP_SUBJ},
	{"y", HH_TP_SOFT},
	{"e", HH_TP_SOFT},
	{"o", HH_TP_SOFT},
	{"u", HH_TP_SOFT},
	{"ni", HH_TP_SOFT}, /* a PRE_NEG above: only says that "ni" continues a denial (textparse.c own_negation) */
	{"tambien", HH_TP_SOFT},
	{"ademas", HH_TP_SOFT},
};

static const struct hh_tp_abbrev es_abbrevs[] = {
	{"q", "que"},
	{"k", "que"},
	{"xq", "porque"},
	{"pq", "porque"},
	{"porq", "porque"},
	{"xk", "porque"},
	{"tb", "tambien"},
	{"tmb", "tambien"},
	{"tambn", "tambien"},
	{"d", "de"},
	{"x", "por"},
	{"sem", "semanas"},
	{"sems", "semanas"},
	{"ns", "no se"},
	{"nose", "no se"},
	{"nse", "no se"},
	{"dias", "dias"},
	{"hrs", "horas"},
	{"hs", "horas"},
	{"mins", "minutos"},
	{"pipi", "pis"},
	{"espalada", "espalda"},
	{"espaldar", "espalda"},
	{"fiebr", "fiebre"},
	{"fievre", "fiebre"},
	{"calentura", "fiebre"},
	{"temperatura", "temperatura"},
	{"duelen", "duele"},
	{"dolia", "duele"},
	{"dolores", "dolor"},
	{"molestia", "dolor"},
	{"molestias", "dolor"},
	{"omoplatos", "omoplato"},
	{"dsd", "desde"},
	{"anios", "anos"},
	{"anio", "ano"},
	{"toy", "estoy"},
	{"tngo", "tengo"},
	{"gripa", "gripe"},
	{"compu", "computadora"},
	{"curro", "trabajo"},
	{"currar", "trabajar"},
	{"chamba", "trabajo"},
	{"chambear", "trabajar"},
	{"laburo", "trabajo"},
	{"laburar", "trabajar"},
	{"ormigueo", "hormigueo"},
	{"ormigeo", "hormigueo"},
	{"hormigeo", "hormigueo"},
	{"hormiguitas", "hormigueo"},
	{"adormesido", "adormecido"},
	{"adormesida", "adormecida"},
	{"adormesidos", "adormecidos"},
	{"adormesidas", "adormecidas"},
	{"adormesimiento", "adormecimiento"},
	{"entumesido", "entumecido"},
	{"entumesida", "entumecida"},
	{"entumesimiento", "entumecimiento"},
	{"inchado", "hinchado"},
	{"inchada", "hinchada"},
	{"inchados", "hinchados"},
	{"inchadas", "hinchadas"},
	{"incho", "hincho"},
	{"inchazon", "hinchazon"},
	{"nauceas", "nauseas"},
	{"nausias", "nauseas"},
	{"mariado", "mareado"},
	{"mariada", "mareada"},
	{"mariao", "mareado"},
	{"desmalle", "desmaye"},
	{"desmallo", "desmayo"},
	{"desmallado", "desmayado"},
	{"desmallada", "desmayada"},
	{"bomito", "vomito"},
	{"bomitos", "vomitos"},
	{"bomitar", "vomitar"},
	{"bomitando", "vomitando"},
	{"bomite", "vomite"},
	{"bomitado", "vomitado"},
	{"pexo", "pecho"},
	{"pesho", "pecho"},
	{"pezo", "peso"},
	{"calofrios", "escalofrios"},
	{"calosfrios", "escalofrios"},
	{"horina", "orina"},
	{"horinar", "orinar"},
	{"bejiga", "vejiga"},
	{"embarasada", "embarazada"},
	{"embaraso", "embarazo"},
	{"devilidad", "debilidad"},
	{"mandivula", "mandibula"},
	{"corason", "corazon"},
	{"ezpalda", "espalda"},
	{"adelgasado", "adelgazado"},
	{"adelgase", "adelgace"},
	{"peor", "peor"},
	{"empeora", "peor"},
	{"empeoran", "peor"},
};

static const struct hh_tp_numword es_numwords[] = {
	{"cero", 0, HH_TP_NUM_UNIT},         {"uno", 1, HH_TP_NUM_UNIT},          {"dos", 2, HH_TP_NUM_UNIT},
	{"tres", 3, HH_TP_NUM_UNIT},         {"cuatro", 4, HH_TP_NUM_UNIT},       {"cinco", 5, HH_TP_NUM_UNIT},
	{"seis", 6, HH_TP_NUM_UNIT},         {"siete", 7, HH_TP_NUM_UNIT},        {"ocho", 8, HH_TP_NUM_UNIT},
	{"nueve", 9, HH_TP_NUM_UNIT},        {"diez", 10, HH_TP_NUM_UNIT},        {"once", 11, HH_TP_NUM_UNIT},
	{"doce", 12, HH_TP_NUM_UNIT},        {"trece", 13, HH_TP_NUM_UNIT},       {"catorce", 14, HH_TP_NUM_UNIT},
	{"quince", 15, HH_TP_NUM_UNIT},      {"dieciseis", 16, HH_TP_NUM_UNIT},   {"diecisiete", 17, HH_TP_NUM_UNIT},
	{"dieciocho", 18, HH_TP_NUM_UNIT},   {"diecinueve", 19, HH_TP_NUM_UNIT},  {"veinte", 20, HH_TP_NUM_TEN},
	{"veintiuno", 21, HH_TP_NUM_UNIT},   {"veintiun", 21, HH_TP_NUM_UNIT},    {"veintiuna", 21, HH_TP_NUM_UNIT},
	{"veintidos", 22, HH_TP_NUM_UNIT},   {"veintitres", 23, HH_TP_NUM_UNIT},  {"veinticuatro", 24, HH_TP_NUM_UNIT},
	{"veinticinco", 25, HH_TP_NUM_UNIT}, {"veintiseis", 26, HH_TP_NUM_UNIT},  {"veintisiete", 27, HH_TP_NUM_UNIT},
	{"veintiocho", 28, HH_TP_NUM_UNIT},  {"veintinueve", 29, HH_TP_NUM_UNIT}, {"treinta", 30, HH_TP_NUM_TEN},
	{"cuarenta", 40, HH_TP_NUM_TEN},     {"cincuenta", 50, HH_TP_NUM_TEN},    {"sesenta", 60, HH_TP_NUM_TEN},
	{"setenta", 70, HH_TP_NUM_TEN},      {"ochenta", 80, HH_TP_NUM_TEN},      {"noventa", 90, HH_TP_NUM_TEN},
	{"cien", 100, HH_TP_NUM_HUNDRED},    {"ciento", 100, HH_TP_NUM_HUNDRED},  {"un", 1, HH_TP_NUM_ARTICLE},
	{"una", 1, HH_TP_NUM_ARTICLE},       {"par", 2, HH_TP_NUM_VAGUE},         {"unos", 3, HH_TP_NUM_VAGUE},
	{"unas", 3, HH_TP_NUM_VAGUE},        {"varios", 3, HH_TP_NUM_VAGUE},      {"varias", 3, HH_TP_NUM_VAGUE},
	{"one", 1, HH_TP_NUM_UNIT},          {"two", 2, HH_TP_NUM_UNIT},          {"three", 3, HH_TP_NUM_UNIT},
	{"four", 4, HH_TP_NUM_UNIT},         {"five", 5, HH_TP_NUM_UNIT},         {"six", 6, HH_TP_NUM_UNIT},
	{"seven", 7, HH_TP_NUM_UNIT},        {"eight", 8, HH_TP_NUM_UNIT},        {"nine", 9, HH_TP_NUM_UNIT},
	{"twenty", 20, HH_TP_NUM_TEN},       {"thirty", 30, HH_TP_NUM_TEN},       {"forty", 40, HH_TP_NUM_TEN},
	{"fifty", 50, HH_TP_NUM_TEN},        {"sixty", 60, HH_TP_NUM_TEN},        {"seventy", 70, HH_TP_NUM_TEN},
	{"couple", 2, HH_TP_NUM_VAGUE},      {"few", 3, HH_TP_NUM_VAGUE},         {"a", 1, HH_TP_NUM_ARTICLE},
	{"an", 1, HH_TP_NUM_ARTICLE},
};

/* Units of time, and what people count besides time ("tengo 28 ninos en clase" is no age);
 * the English ones for Spanglish ("desde hace two weeks"), and the diminutives ("una semanita"). */
static const struct hh_tp_unit es_units[] = {
	{"dia", 1},         {"dias", 1},        {"noche", 1},        {"noches", 1},    {"semana", 7},
	{"semanas", 7},     {"quincena", 15},   {"quincenas", 15},   {"mes", 30},      {"meses", 30},
	{"ano", 365},       {"anos", 365},      {"tacos", 365},      {"hora", 0},      {"horas", 0},
	{"minuto", 0},      {"minutos", 0},     {"kg", 0},           {"kilos", 0},     {"kilo", 0},
	{"kilogramos", 0},  {"libras", 0},      {"veces", 0},        {"cm", 0},        {"mg", 0},
	{"grados", 0},      {"hijos", 0},       {"pastillas", 0},    {"pasos", 0},     {"km", 0},
	{"metros", 0},      {"metro", 0},       {"centimetros", 0},  {"ml", 0},        {"ninos", 0},
	{"ninas", 0},       {"hijas", 0},       {"nietos", 0},       {"nietas", 0},    {"alumnos", 0},
	{"alumnas", 0},     {"cigarrillos", 0}, {"cigarros", 0},     {"escalones", 0}, {"pisos", 0},
	{"plantas", 0},     {"litros", 0},      {"euros", 0},        {"dolares", 0},   {"kilometros", 0},
	{"tazas", 0},       {"cafes", 0},       {"pulsaciones", 0},  {"latidos", 0},   {"mmhg", 0},
	{"gramos", 0},      {"millas", 0},      {"day", 1},          {"days", 1},      {"week", 7},
	{"weeks", 7},       {"month", 30},      {"months", 30},      {"year", 365},    {"years", 365},
	{"hours", 0},       {"meters", 0},      {"semanita", 7},     {"semanitas", 7}, {"mesecito", 30},
	{"mesecitos", 30},  {"diita", 1},       {"diitas", 1},       {"anito", 365},   {"anitos", 365},
	{"pounds", 0},      {"lbs", 0},         {"primaveras", 365}, {"abriles", 365}, {"fortnight", 14},
	{"fortnights", 14},
};

static const char *const es_years[] = {"anos",  "ano",   "anitos", "primaveras", "abriles",
				       "tacos", "years", "year",   NULL};
static const char *const es_age_after[] = {"de edad", "edad", "old", NULL};
static const char *const es_age_before[] = {"tengo", "edad", "de", "cumplo", "cumpli", "tiene", "im", "a los", NULL};
static const char *const es_dur_before[] = {"hace",    "durante",  "desde",   "por",     "llevo",
					    "lleva",   "llevamos", "ultimos", "ultimas", "pasados",
					    "pasadas", "casi",     "como",    "mas de",  NULL};
static const char *const es_dur_after[] = {"ya", "seguidos", "seguidas", NULL};
/* also habits and careers: "fumo desde hace 30 anos", "trabaje 20 anos en la fabrica" */
static const char *const es_not_duration[] = {"embarazada", "embarazo",  "de embarazo", "de gestacion", "fumo",
					      "fumador",    "fumadora",  "fumando",     "fumado",       "fume",
					      "trabaje",    "trabajado", "trabajando",  "jubilado",     "jubilada",
					      "casada",     "casado",    NULL};
static const char *const es_joiners[] = {"y", NULL};
/* before a number of weeks, a pregnancy: "I'm 32 weeks", "she's 36 weeks", "tengo 22 semanas" */
static const char *const en_weeks_along_before[] = {"im", "i am", "shes", "she is", "at", "wife is", "am", NULL};
static const char *const es_weeks_along_before[] = {"tengo", "estoy de", "voy de", "esta de", "va de", "tiene", NULL};
/* a breathlessness told of one setting: it answers its own question only (answers_both) */
static const char *const en_breath_settings[] = {"stairs", "walking",  "walk",     "hill", "hills",   "rest", "sitting",
						 "still",  "exercise", "exertion", "gym",  "running", NULL};
static const char *const es_breath_settings[] = {"escaleras", "caminar", "andar",   "camino", "subir",
						 "reposo",    "sentado", "sentada", "quieto", "quieta",
						 "ejercicio", "correr",  NULL};
static const char *const en_neg_softeners[] = {"exactly", NULL};
static const char *const es_neg_softeners[] = {"exactamente", NULL};
static const char *const en_age_now[] = {"now", NULL};
static const char *const en_day_words[] = {"day", "days", NULL};
static const char *const es_day_words[] = {"dia", "dias", NULL};
static const char *const en_back_words[] = {"back", NULL};
static const char *const es_back_words[] = {"espalda", NULL};
/* "cant ... without": two noes, a yes ("no puedo respirar hondo sin que me duela") */
static const char *const en_without[] = {"without", NULL};
static const char *const es_without[] = {"sin", NULL};
static const char *const en_cant[] = {"cant", "cannot", "couldnt", "can not", "could not", NULL};
static const char *const es_cant[] = {"no puedo", "no puede", "no podia", "no consigo", "no logro", NULL};
/* a time told as a point in the past ("2 years ago", "hace 3 anos"; "desde hace" is a span) */
static const char *const en_ago_after[] = {"ago", NULL};
static const char *const es_ago_before[] = {"hace", NULL};
/* the pain itself, or its start, in a sentence: a year or more ago dates the pain only with one
 * ("my back started hurting 2 years ago"; "hurt my back skiing 2 years ago" was an earlier injury;
 * "hurts" is left out, as "hurt" is read as it) */
static const char *const en_pain_now[] = {"pain", "ache",    "aches", "aching", "achy",    "hurting",
					  "sore", "started", "began", "start",  "painful", NULL};
static const char *const es_pain_now[] = {"dolor",  "dolores", "duele",  "duelen",    "molesta",   "molestia",
					  "empezo", "comenzo", "empece", "adolorida", "adolorido", NULL};
/* before a number of a unit that is no duration of the pain: "un retraso de 2 semanas" (a late period) */
static const char *const es_not_duration_before[] = {"retraso de", "atraso de", NULL};
static const char *const es_no_correct[] = {"pecha", "pesado", "sentada", "sentado", "cuesta", "madreada", "madreado",
					    "pincha", "pinchan", "pinchazo", "pinchazos",
					    /* real words a respelling by ear would turn into a phrase word */
					    "callo", "ciento", "enzima", "parra", "carra", NULL};
static const char *const es_yesterday[] = {"ayer", "anoche", NULL};
static const char *const es_two_days[] = {"anteayer", "antes de ayer", "antier", NULL};
static const char *const es_today[] = {"hoy", "esta manana", "esta tarde", "esta noche", NULL};
static const char *const es_unit_last[] = {"pasada", "pasado", "ultima", "ultimo", NULL};
static const char *const es_family[] = {
	"madre",     "padre",      "mama",       "papa",    "hermana", "hermano",   "abuela",    "abuelo",
	"tia",       "tio",        "prima",      "primo",   "hija",    "hijo",      "esposo",    "esposa",
	"marido",    "familia",    "amiga",      "amigo",   "nene",    "nena",      "nino",      "nina",
	"bebe",      "nieto",      "nieta",      "suegra",  "suegro",  "novio",     "novia",     "pareja",
	"vecina",    "vecino",     "compadre",   "comadre", "cunado",  "cunada",    "compa",     "companero",
	"companera", "jefe",       "jefa",       "sobrino", "sobrina", "hermanito", "hermanita", "chamaco",
	"chamaca",   "chamaquito", "chamaquita", "hijito",  "hijita",  "escuincle", "peque",     NULL};
static const char *const es_family_verbs[] = {"tiene",
					      "tuvo",
					      "tenia",
					      "padece",
					      "murio",
					      "sufre",
					      "sufrio",
					      "padecio",
					      "ha tenido",
					      "le dio",
					      "le ha dado",
					      "le dieron",
					      "le diagnosticaron",
					      "le han diagnosticado",
					      "le detectaron",
					      "le operaron",
					      NULL};
static const char *const es_first_person[] = {"yo", "tengo", "soy", "me", "cumplo", "cumpli", NULL};
static const char *const es_hours[] = {"hora", "horas", NULL};
static const char *const es_half[] = {"y media", "y medio", NULL};
static const char *const es_per[] = {"vez", "veces", "por", "cada", NULL};
/* the pain spoken of again, or the episode that started it ("tomo Sintrom y me cai hace 2 dias") */
static const char *const es_pain_words[] = {"dolor",   "duele",  "espalda", "empezo", "comenzo",
					    "molesta", "empece", "cai",     "caido",  "cayo",
					    "golpee",  "pegue",  "lesione", "torci",  NULL};

/* a start the writer tells ("fue ayer", "ayer me agache", "me atropellaron el lunes"): a day word dates it
 * (general verbs such as "tuve" or "me dio"
 * are left out: "ayer tuve fiebre" dates no pain) */
static const char *const es_onset[] = {
	"fue",    "ocurrio",  "sucedio",   "empece",    "comence",      "empezaron", "comenzaron", "aparecio",
	"agache", "agachar",  "levante",   "torci",     "golpee",       "pegue",     "resbale",    "tropece",
	"choque", "chocaron", "choco",     "atropello", "atropellaron", "amaneci",   "lastime",    "cargue",
	"jugue",  "entrene",  "estornude", "gire",      "girar",        "cargar",    "levantar",   "mudanza",
	"desde",  "empezo",   "comenzo",   "desperte",  "cai",          "paso",      "lesione",    "hice",
	"tras",   "despues",  "cayo",      "caido",     "note",         NULL};

/* English says it in its phrases ("cant control", "cant hold"); Spanish may put "tampoco" or "ni" there */
static const char *const es_ability[] = {"controlo", "aguanto", "retengo", "consigo", "puedo", NULL};

static const char *const es_half_before[] = {"medio", "media", NULL};

/* a start the writer tells ("started after", "woke up with it"): a day word near one dates it */
static const char *const en_onset[] = {
	"since",   "started", "start",   "began",   "begun",   "woke",       "woken",    "came",    "happened",
	"fell",    "hurt",    "injured", "did",     "wake",    "after",      "went",     "noticed", "got",
	"falling", "fall",    "tripped", "slipped", "twisted", "bumped",     "strained", "pulled",  "lifted",
	"landed",  "crashed", "played",  "trained", "carried", "deadlifted", "squatted", NULL};

/* "igual" hedges where a clause starts ("igual tengo fiebre", "pero igual es el pecho"); after any other
 * word it is "the same" ("todo el rato igual", "me duele igual") or "too" ("yo igual") */
static const char *const es_clause_hedges[] = {"igual", NULL};

/*
 * A message written for someone else ("my mum, 78, has had back pain for a week", "escribo por mi
 * padre de 84 anos, le duele la espalda"): their pain told in the third person, and none of the
 * writer's own. Then that person's age and symptoms are the ones asked about.
 */
static const char *const en_proxy[] = {
	"complained", "is having", "shes having",     "hes having",  "she has",      "he has",
	"her back",   "his back",  "complains",       "complaining", "she says",     "he says",
	"she cant",   "he cant",   "writing for",     "on behalf",   "asking for",   "she fell",
	"he fell",    "her pain",  "his pain",        "she woke",    "he woke",      "she had",
	"he had",     "she got",   "he got",          "she started", "he started",   "has had",
	"has back",   "has pain",  "has been having", "is in pain",  "hes been",     "shes been",
	"hes had",    "shes had",  "hes got",         "shes got",    "hes on",       "shes on",
	"her upper",  "his upper", "her mid",         "his mid",     "her middle",   "his middle",
	"her lower",  "his lower", "says her",        "says his",    "mom has",      "mum has",
	"dad has",    "wife has",  "husband has",     "son has",     "daughter has", "mother has",
	"father has", "her belly", "his belly",       "her stomach", "his stomach",  NULL};
static const char *const en_career[] = {"been a", "been an", "as a", "as an", NULL};
static const char *const en_aside_after[] = {"if that matters", "if that helps", "if it matters",
					     "if it helps",     "in case",       NULL};
static const char *const es_aside_after[] = {"por si sirve", "por si importa", "por si acaso", NULL};
static const char *const en_proxy_said[] = {"on behalf of", "writing for my", "asking for my", "writing about my",
					    NULL};
static const char *const es_proxy_said[] = {"escribo por mi",    "escribo de parte", "de parte de mi",
					    "le escribo por mi", "pregunto por mi",  NULL};
static const char *const en_own_pain[] = {
	"my back", "my upper", "my mid",     "my middle", "my shoulder", "my pain",    "i have",   "ive had",
	"ive got", "ive been", "i got",      "im in",     "hurts me",    "i hurt",     "i fell",   "i woke",
	"i cant",  "i feel",   "im feeling", "i am",      "i get",       "my chest",   "my legs",  "my face",
	"my arm",  "my arms",  "my hand",    "my neck",   "my head",     "my stomach", "my tummy", "my belly",
	"my ribs", "my words", "my speech",  "i need",    NULL};
static const char *const es_proxy[] = {"se pego",
				       "se golpeo",
				       "se lastimo",
				       "de mi marido",
				       "de mi esposo",
				       "de mi mujer",
				       "de mi esposa",
				       "de mi madre",
				       "de mi padre",
				       "de mi mama",
				       "de mi papa",
				       "de mi abuela",
				       "de mi abuelo",
				       "le duele",
				       "le duelen",
				       "le dolia",
				       "le dolio",
				       "se queja",
				       "se quejaba",
				       "escribo por",
				       "escribo de parte",
				       "de parte de",
				       "le empezo",
				       "le dio",
				       "le vino",
				       "la despierta",
				       "lo despierta",
				       "le molesta",
				       "tiene dolor",
				       "tiene un dolor",
				       "tiene la espalda",
				       "le salio",
				       "no puede",
				       "se cayo",
				       "lleva",
				       "llevaba",
				       "esta muy",
				       "mi madre tiene",
				       "mi padre tiene",
				       "esta con",
				       "ha bajado",
				       "no quiere",
				       "le ha dado",
				       "le ha entrado",
				       "le ha venido",
				       "le ha salido",
				       "le ha empezado",
				       "le entro",
				       "le agarro",
				       "dice que",
				       "se siente",
				       NULL};
static const char *const es_own_pain[] = {"me duele",       "me duelen",        "me dolia", "me dolio",   "tengo dolor",
					  "tengo un dolor", "mi espalda",       "me dio",   "me vino",    "me molesta",
					  "llevo",          "tengo la espalda", "me cai",   "me lastime", "me pegue",
					  "me desperte",    "no puedo",         "siento",   NULL};

static const char *const en_kin_between[] = {"aged", "is", "who", NULL};
static const char *const es_kin_between[] = {"de", "tiene", "que", NULL};
static const char *const en_kin_pronouns[] = {"she", "he", "shes", "hes", NULL};
static const char *const es_kin_pronouns[] = {"ella", "el", NULL};
static const char *const en_and_words[] = {"and", "n", NULL};
static const char *const es_and_words[] = {"y", NULL};
static const char *const en_since[] = {"since", NULL};
static const char *const es_since[] = {"desde", NULL};
/* the Nth day of the pain: "3rd day of it", "tercer dia" (the unit's days hold N) */
static const struct hh_tp_unit en_ordinals[] = {
	{"second", 2},  {"third", 3},  {"fourth", 4}, {"fifth", 5},  {"sixth", 6},
	{"seventh", 7}, {"eighth", 8}, {"ninth", 9},  {"tenth", 10},
};
static const struct hh_tp_unit es_ordinals[] = {
	{"segundo", 2}, {"tercer", 3},  {"tercero", 3}, {"cuarto", 4}, {"quinto", 5},
	{"sexto", 6},   {"septimo", 7}, {"octavo", 8},  {"noveno", 9}, {"decimo", 10},
};
static const char *const en_ordinal_suffixes[] = {"st", "nd", "rd", "th", NULL};
static const char *const es_ordinal_suffixes[] = {"o", "er", "ero", "to", "vo", "mo", "no", NULL};
static const char *const en_day_number_before[] = {"on", "its", "this is", NULL};

static const struct hh_tp_lang langs[HH_LANG_COUNT] = {
	[HH_LANG_EN] =
		{
			.triggers = en_triggers,
			.n_triggers = HH_ARRAY_LEN(en_triggers),
			.abbrevs = en_abbrevs,
			.n_abbrevs = HH_ARRAY_LEN(en_abbrevs),
			.numwords = en_numwords,
			.n_numwords = HH_ARRAY_LEN(en_numwords),
			.units = en_units,
			.n_units = HH_ARRAY_LEN(en_units),
			.years = en_years,
			.age_after = en_age_after,
			.age_before = en_age_before,
			.dur_before = en_dur_before,
			.dur_after = en_dur_after,
			.not_duration = en_not_duration,
			.joiners = en_joiners,
			.no_correct = en_no_correct,
			.yesterday = en_yesterday,
			.today = en_today,
			.unit_last = en_unit_last,
			.family = en_family,
			.family_verbs = en_family_verbs,
			.first_person = en_first_person,
			.hours = en_hours,
			.half = en_half,
			.per = en_per,
			.pain_words = en_pain_words,
			.two_days = en_two_days,
			.fillers = en_fillers,
			.copulas = en_copulas,
			.habits = en_habits,
			.openers = en_openers,
			.list_or = en_list_or,
			.onset = en_onset,
			.possessives = en_possessives,
			.not_stem = en_not_stem,
			.affirm = en_affirm,
			.rate_before = en_rate_before,
			.sudden = en_sudden,
			.proxy = en_proxy,
			.proxy_said = en_proxy_said,
			.career = en_career,
			.aside_after = en_aside_after,
			.own_pain = en_own_pain,
			.kin_between = en_kin_between,
			.kin_pronouns = en_kin_pronouns,
			.and_words = en_and_words,
			.since = en_since,
			.ordinals = en_ordinals,
			.n_ordinals = HH_ARRAY_LEN(en_ordinals),
			.ordinal_suffixes = en_ordinal_suffixes,
			.day_number_before = en_day_number_before,
			.ago_after = en_ago_after,
			.pain_now = en_pain_now,
			.without = en_without,
			.back_words = en_back_words,
			.age_now = en_age_now,
			.day_words = en_day_words,
			.neg_softeners = en_neg_softeners,
			.breath_settings = en_breath_settings,
			.weeks_along_before = en_weeks_along_before,
			.cant = en_cant,
		},
	[HH_LANG_ES] =
		{
			.triggers = es_triggers,
			.n_triggers = HH_ARRAY_LEN(es_triggers),
			.abbrevs = es_abbrevs,
			.n_abbrevs = HH_ARRAY_LEN(es_abbrevs),
			.numwords = es_numwords,
			.n_numwords = HH_ARRAY_LEN(es_numwords),
			.units = es_units,
			.n_units = HH_ARRAY_LEN(es_units),
			.years = es_years,
			.age_after = es_age_after,
			.age_before = es_age_before,
			.dur_before = es_dur_before,
			.dur_after = es_dur_after,
			.not_duration = es_not_duration,
			.joiners = es_joiners,
			.no_correct = es_no_correct,
			.yesterday = es_yesterday,
			.today = es_today,
			.unit_last = es_unit_last,
			.family = es_family,
			.family_verbs = es_family_verbs,
			.first_person = es_first_person,
			.hours = es_hours,
			.half = es_half,
			.per = es_per,
			.pain_words = es_pain_words,
			.two_days = es_two_days,
			.list_or = es_list_or,
			.ability = es_ability,
			.onset = es_onset,
			.half_before = es_half_before,
			.sudden = es_sudden,
			.clause_hedges = es_clause_hedges,
			.proxy = es_proxy,
			.proxy_said = es_proxy_said,
			.aside_after = es_aside_after,
			.own_pain = es_own_pain,
			.kin_between = es_kin_between,
			.kin_pronouns = es_kin_pronouns,
			.and_words = es_and_words,
			.since = es_since,
			.ordinals = es_ordinals,
			.n_ordinals = HH_ARRAY_LEN(es_ordinals),
			.ordinal_suffixes = es_ordinal_suffixes,
			.not_duration_before = es_not_duration_before,
			.ago_before = es_ago_before,
			.pain_now = es_pain_now,
			.without = es_without,
			.back_words = es_back_words,
			.day_words = es_day_words,
			.neg_softeners = es_neg_softeners,
			.breath_settings = es_breath_settings,
			.weeks_along_before = es_weeks_along_before,
			.cant = es_cant,
		},
};

const struct hh_tp_lang *hh_tp_lang_of(enum hh_lang lang)
{
	return (unsigned)lang < HH_LANG_COUNT ? &langs[lang] : &langs[HH_LANG_EN];
}

/*
 * Spanish spelled by ear: letters that sound alike (b and v; s, z and c before e or i; ll and y; k for qu or c;
 * j and g before e or i; r and rr between vowels; a silent h). Each respelling with at most two
 * such changes is offered to try until it takes one ("emvarasada": embarazada; "pantoriya": pantorrilla).
 */
#define RESPELL_TRIES 256 /* a word's respellings tried at most: a 4,000-character text stays a few ms */

struct respell {
	char buf[64];
	int (*try)(const char *w, void *ctx);
	void *ctx;
	int tries;
};

static int is_vowel(char c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

static int respell_from(struct respell *rs, size_t i, int left)
{
	char *b = rs->buf;
	size_t n = strlen(b);
	for (; i < n; i++) {
		char c = b[i], next = b[i + 1];
		const char *alt[3] = {NULL, NULL, NULL};
		size_t len = 1; /* letters replaced */
		if (c == 'b')
			alt[0] = "v";
		else if (c == 'v')
			alt[0] = "b";
		else if (c == 's' || c == 'z') {
			alt[0] = c == 's' ? "z" : "s";
			alt[1] = next == 'e' || next == 'i' ? "c" : NULL;
		} else if (c == 'c' && (next == 'e' || next == 'i')) {
			alt[0] = "s";
			alt[1] = "z";
		} else if (c == 'l' && next == 'l') {
			alt[0] = "y";
			len = 2;
		} else if (c == 'y' && i > 0 && next != '\0') {
			alt[0] = "ll";
		} else if ((c == 'j' || c == 'g') && (next == 'e' || next == 'i')) {
			alt[0] = c == 'j' ? "g" : "j";
		} else if (c == 'k') { /* "kita", "aki": written as it sounds */
			alt[0] = next == 'e' || next == 'i' ? "qu" : "c";
		} else if (c == 'r' && next == 'r') {
			alt[0] = "r";
			len = 2;
		} else if (c == 'r' && i > 0 && is_vowel(b[i - 1]) && is_vowel(next)) {
			alt[0] = "rr";
		} else if (c == 'h' && (i == 0 || b[i - 1] != 'c')) {
			alt[0] = "";
		}
		for (int k = 0; k < 3 && alt[k] != NULL; k++) {
			size_t na = strlen(alt[k]);
			if (n - len + na >= sizeof(rs->buf))
				continue;
			char saved[64];
			memcpy(saved, b, n + 1);
			memmove(b + i + na, b + i + len, n - i - len + 1);
			memcpy(b + i, alt[k], na);
			if (++rs->tries > RESPELL_TRIES)
				return 0;
			int done = rs->try(b, rs->ctx) || (left > 1 && respell_from(rs, i + na, left - 1));
			memcpy(b, saved, n + 1);
			if (done)
				return 1;
		}
	}
	return 0;
}

int hh_tp_respell(enum hh_lang lang, const char *word, int (*try)(const char *w, void *ctx), void *ctx)
{
	struct respell rs;
	size_t n = strlen(word);
	if (lang == HH_LANG_EN && n >= 4 && n + 2 < sizeof(rs.buf) && strcmp(word + n - 2, "in") == 0) {
		memcpy(rs.buf, word, n); /* a dropped g: "stabbin", "roastin", "freezin" */
		memcpy(rs.buf + n, "g", 2);
		return try(rs.buf, ctx);
	}
	if (lang != HH_LANG_ES || n + 1 >= sizeof(rs.buf) / 2)
		return 0;
	memcpy(rs.buf, word, n + 1);
	rs.try = try;
	rs.ctx = ctx;
	rs.tries = 0;
	if (respell_from(&rs, 0, 2))
		return 1;
	if (is_vowel(word[0])) { /* a silent h left out: "inchada" */
		rs.buf[0] = 'h';
		memcpy(rs.buf + 1, word, n + 1);
		rs.tries = 0;
		return try(rs.buf, ctx) || respell_from(&rs, 1, 1);
	}
	return 0;
}

int hh_tp_in(const char *const *list, const char *word)
{
	for (size_t i = 0; list != NULL && list[i] != NULL; i++)
		if (list[i][0] == word[0] && strcmp(list[i], word) == 0)
			return 1;
	return 0;
}

/* ------------------------------------------------------------------ folding */

int hh_tp_is_word_char(unsigned cp)
{
	if (cp < 0x80)
		return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
	return u_isalnum((UChar32)cp) || u_getCombiningClass((UChar32)cp) != 0 ||
	       u_charType((UChar32)cp) == U_NON_SPACING_MARK;
}

size_t hh_tp_fold(unsigned cp, char out[8])
{
	if (cp < 0x80) {
		out[0] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
		return 1;
	}
	UChar32 c = u_foldCase((UChar32)cp, U_FOLD_CASE_DEFAULT);
	if (u_getCombiningClass(c) != 0 || u_charType(c) == U_NON_SPACING_MARK)
		return 0; /* a combining accent typed on its own */
	UErrorCode err = U_ZERO_ERROR;
	const UNormalizer2 *nfd = unorm2_getNFDInstance(&err);
	UChar d[8];
	int32_t n = U_SUCCESS(err) ? unorm2_getDecomposition(nfd, c, d, 8, &err) : -1;
	if (n > 0 && U_SUCCESS(err) && !U16_IS_SURROGATE(d[0]))
		c = d[0]; /* the base letter: the rest are accents */
	return hh_utf8_encode((uint32_t)c, out);
}
