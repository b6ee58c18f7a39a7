/*
 * test_textparse.c - the free-text reader (textparse.h) over the
 * repository's content: fixed cases for every kind of reading, the phrase
 * checks of migrate, and two properties over random texts: no text ever
 * puts a red flag in absent, and adding a denial elsewhere never removes a
 * present red flag.
 *
 * `test_textparse --read LANG COUNTRY TEXT` prints what the reader read
 * (for writing cases; never used by ctest).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "fixture.h"

#include "healthhub/common.h"
#include "healthhub/diags.h"
#include "healthhub/hash.h"
#include "healthhub/i18n.h"
#include "healthhub/loader.h"
#include "healthhub/phrases.h"
#include "healthhub/schema.h"
#include "healthhub/textparse.h"
#include "healthhub/triage_parse.h"

static struct hh_content *C;

static void parse(const char *text, enum hh_lang lang, const char *country, struct hh_textparse_result *out)
{
	hh_textparse(C, lang, country, text, strlen(text), out);
}

static const struct hh_mention *code_mention(const struct hh_textparse_result *r, const char *code)
{
	for (size_t i = 0; i < r->n_mentions; i++)
		if (r->mentions[i].kind == HH_MENTION_CODE && strcmp(r->mentions[i].symptom->code, code) == 0)
			return &r->mentions[i];
	return NULL;
}

static int in_list(const struct hh_symptom *const *v, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i]->code, code) == 0)
			return 1;
	return 0;
}

/* The code's place in the request: 'S' symptoms, 'A' absent, 'U' unknown, '-' none. */
static char where(const struct hh_textparse_result *r, const char *code)
{
	const struct hh_triage_input *in = &r->request;
	return in_list(in->symptoms, in->n_symptoms, code) ? 'S'
	       : in_list(in->absent, in->n_absent, code)   ? 'A'
	       : in_list(in->unknown, in->n_unknown, code) ? 'U'
							   : '-';
}

static void dump(const char *text, const struct hh_textparse_result *r)
{
	for (size_t i = 0; i < r->n_mentions; i++) {
		const struct hh_mention *m = &r->mentions[i];
		if (m->kind == HH_MENTION_CODE)
			printf("  %s %s", m->symptom->code, hh_mention_status_name(m->status));
		else
			printf("  %s=%lld", (const char *[]){"", "age", "duration_days", "region", "position"}[m->kind],
			       m->value);
		printf(" [%zu,%zu)\n", m->start, m->end);
	}
	(void)text;
	printf("  age=%lld duration_days=%lld region=%u positions=%u\n", r->request.age, r->request.duration_days,
	       r->request.region, r->request.positions);
}

/* ------------------------------------------------------------------ fixed cases */

struct expect {
	const char *text;
	enum hh_lang lang;
	const char *country;
	const char *code;
	char where; /* S, A, U or - */
};

static const struct expect cases[] = {
	{"I have chest pain", HH_LANG_EN, "GB", "chest_pain", 'S'},
	{"no chest pain", HH_LANG_EN, "GB", "chest_pain", '-'},
	{"maybe a fever", HH_LANG_EN, "GB", "fever", 'U'},
	{"I don't think I have a fever", HH_LANG_EN, "GB", "fever", 'U'},
	{"not sure if I have a temperature", HH_LANG_EN, "GB", "fever", 'U'},
	{"idk if i had a fever", HH_LANG_EN, "GB", "fever", 'U'},
	{"worse when I sit at my desk", HH_LANG_EN, "GB", "worse_sitting", 'S'},
	{"it's not worse when sitting", HH_LANG_EN, "GB", "worse_sitting", 'A'},
	{"no fever but my legs feel numb", HH_LANG_EN, "GB", "leg_weakness_numbness", 'S'},
	{"no fever and my legs feel numb", HH_LANG_EN, "GB", "leg_weakness_numbness", 'S'},
	{"no fever or numbness", HH_LANG_EN, "GB", "leg_weakness_numbness", '-'},
	{"my legs are not numb", HH_LANG_EN, "GB", "leg_weakness_numbness", '-'},
	{"I've lost weight without trying", HH_LANG_EN, "GB", "unexplained_weight_loss", 'S'},
	{"I feel sick and sweaty", HH_LANG_EN, "GB", "sweating_sick_dizzy", 'S'},
	{"I've been feeling sick", HH_LANG_EN, "US", "sweating_sick_dizzy", '-'},
	{"I've been feeling sick", HH_LANG_EN, "GB", "sweating_sick_dizzy", 'S'},
	{"<b>chest&nbsp;pain</b>", HH_LANG_EN, "GB", "chest_pain", 'S'},
	{"Tengo dolor en el pecho", HH_LANG_ES, "GB", "chest_pain", 'S'},
	{"No tengo fiebre", HH_LANG_ES, "GB", "fever", '-'},
	{"creo que tengo fiebre", HH_LANG_ES, "GB", "fever", 'U'},
	{"ni fiebre ni escalofríos", HH_LANG_ES, "GB", "fever", '-'},
	{"no sé si tengo fiebre", HH_LANG_ES, "GB", "fever", 'U'},
	{"puede que tenga fiebre", HH_LANG_ES, "GB", "fever", 'U'},
	{"sin fiebre, pero me duele el pecho", HH_LANG_ES, "GB", "chest_pain", 'S'},
	{"no me duele al sentarme", HH_LANG_ES, "GB", "worse_sitting", 'A'},
	/* "can't" and "no" inside a phrase say yes, not no */
	{"can't feel my bum when I wipe", HH_LANG_EN, "GB", "saddle_numbness", 'S'},
	{"haven't had a wee all day", HH_LANG_EN, "GB", "very_unwell_signs", 'S'},
	{"No siento el culo ni la zona de los genitales", HH_LANG_ES, "US", "saddle_numbness", 'S'},
	{"no controla la orina", HH_LANG_ES, "US", "bladder_bowel_control_loss", 'S'},
	/* a new clause after a comma ends a denial */
	{"No he tenido accidentes ni caidas, el dolor empezo de la nada", HH_LANG_ES, "US", "no_clear_cause", 'S'},
	{"can't get up without help, hip and lower back agony", HH_LANG_EN, "GB", "getting_worse", 'S'},
	{"no fever, chills or sweats", HH_LANG_EN, "GB", "fever", '-'},
	/* the worse one is before "than" */
	{"hurts more standing than sitting", HH_LANG_EN, "US", "worse_sitting", '-'},
	/* a word of another code inside a longer phrase is that phrase's */
	{"I've slipped a disc", HH_LANG_EN, "GB", "minor_fall_or_knock", '-'},
	{"a really bad headache and I'm pregnant", HH_LANG_EN, "GB", "getting_worse", '-'},
	/* the other language's words for the commonest red flags, in a mixed message */
	{"my back hurts mucho and tengo fiebre", HH_LANG_EN, "US", "fever", 'S'},
	{"me duele la espalda y no tengo fever", HH_LANG_ES, "US", "fever", '-'},
	/* a pain score of 8 or more is very bad pain */
	{"pain 8/10 for six days", HH_LANG_EN, "GB", "getting_worse", 'S'},
	{"it's a 9 out of 10", HH_LANG_EN, "US", "getting_worse", 'S'},
	{"dolor 7/10, desde hace 6 dias", HH_LANG_ES, "GB", "getting_worse", '-'},
	{"un 8 sobre 10", HH_LANG_ES, "US", "getting_worse", 'S'},
	/* concepts: one word of each group in a clause, inflected as it comes, read with the same scopes */
	{"the skin around my anus feels fuzzy", HH_LANG_EN, "GB", "saddle_numbness", 'S'},
	{"fuzziness round the anus since Monday", HH_LANG_EN, "GB", "saddle_numbness", 'S'},
	{"maybe a bit fuzzy around my anus", HH_LANG_EN, "GB", "saddle_numbness", 'U'},
	{"my anus does not feel fuzzy", HH_LANG_EN, "GB", "saddle_numbness", '-'},
	{"fuzzy feet, sore anus", HH_LANG_EN, "GB", "saddle_numbness", '-'},
	{"noto el perineo acorchado", HH_LANG_ES, "US", "saddle_numbness", 'S'},
	{"el perineo no lo noto acorchado", HH_LANG_ES, "US", "saddle_numbness", '-'},
	{"my back hurts but my chest is fine", HH_LANG_EN, "US", "chest_pain", '-'},
	{"nothing in my chest. It clenches when I lift", HH_LANG_EN, "US", "chest_pain", '-'},
	{"my chest keeps clenching", HH_LANG_EN, "US", "chest_pain", 'S'},
	/* batch G's writer: very bad pain, a hedge that opens the next clause, a day that is no night */
	{"my back is KILLING me", HH_LANG_EN, "GB", "getting_worse", 'S'},
	{"my heart is racing, I think I might be having a panic attack", HH_LANG_EN, "GB", "fast_heartbeat", 'S'},
	{"went to the ER last night for chest tightness and upper back pain", HH_LANG_EN, "US", "night_pain", '-'},
	{"its not chest pain exactly, more a pressure behind my breastbone", HH_LANG_EN, "GB", "chest_pain", 'S'},
	{"had an epidural steroid injection 3 weeks ago", HH_LANG_EN, "GB", "osteoporosis_or_steroids", '-'},
	{"not sure if i'm pregnant, my period is late", HH_LANG_EN, "GB", "pregnant", 'S'},
	{"Sudden severe pain in my upper back, came from nowhere", HH_LANG_EN, "US", "sudden_tearing_pain", 'S'},
	{"took 2 paracetamol 4 times a day", HH_LANG_EN, "GB", "repetitive_tasks", '-'},
	/* typos: a letter more or less in a five-letter word, a letter changed in a longer one */
	{"pain in my chesst", HH_LANG_EN, "GB", "chest_pain", 'S'},
	{"my eyes are yelow", HH_LANG_EN, "GB", "yellow_skin_eyes", 'S'},
	{"feel nautious and sweaty", HH_LANG_EN, "GB", "sweating_sick_dizzy", 'S'},
	{"i heard my heart", HH_LANG_EN, "GB", "fast_heartbeat", '-'},
	/* after a comma, a denial goes on over a list, not into a clause of its own */
	{"no fever, just chest pain", HH_LANG_EN, "GB", "chest_pain", 'S'},
	/* a no reaches past a comma only into a list it announces (a colon) or one of alternatives ("or") */
	{"no chest pain, heart racing", HH_LANG_EN, "GB", "fast_heartbeat", 'S'},
	{"no fever, cant pee", HH_LANG_EN, "GB", "bladder_bowel_control_loss", 'S'},
	{"no fever, legs numb", HH_LANG_EN, "GB", "leg_weakness_numbness", 'S'},
	{"no fever, cough or chest pain", HH_LANG_EN, "GB", "chest_pain", '-'},
	{"no tengo fiebre, me late muy rápido el corazón", HH_LANG_ES, "ES", "fast_heartbeat", 'S'},
	{"I do NOT have: a fever, chest pain, a rash, any weight loss", HH_LANG_EN, "GB", "chest_pain", '-'},
	{"I do NOT have: a fever, chest pain, a rash, any weight loss", HH_LANG_EN, "GB", "unexplained_weight_loss",
	 '-'},
	{"a little bit of a fever I think not sure", HH_LANG_EN, "GB", "fever", 'U'},
	{"58M w/ hx of ca (prostate, 2019). SOB at rest", HH_LANG_EN, "GB", "breathing_difficulty", 'S'},
	{"My husband had a stroke last year", HH_LANG_EN, "GB", "stroke_signs", '-'},
	{"My 14-year-old has scoliosis", HH_LANG_EN, "GB", "known_spine_condition", '-'},
	{"no reason I can think of", HH_LANG_EN, "GB", "no_clear_cause", 'S'},
	/* opposite phrases: a no to a pattern, a denied mention of a red flag */
	{"It's worse standing up for a long time, fine when I sit", HH_LANG_EN, "GB", "worse_sitting", 'A'},
	{"Sitting at work doesn't bother it at all", HH_LANG_EN, "GB", "worse_sitting", 'A'},
	{"it comes and goes", HH_LANG_EN, "GB", "constant_pain", '-'},
	{"maybe it comes and goes", HH_LANG_EN, "GB", "constant_pain", 'U'},
	{"no falls, knocks or accidents", HH_LANG_EN, "GB", "major_trauma", '-'},
	{"Never had cancer until last year, breast", HH_LANG_EN, "GB", "cancer_history", 'S'},
	/* a hedge that starts with "not" is a hedge, never a denial */
	{"not entirely sure if i have a fever", HH_LANG_EN, "GB", "fever", 'U'},
	{"not totally sure about a fever", HH_LANG_EN, "GB", "fever", 'U'},
	{"i'm not 100% sure if i have a fever", HH_LANG_EN, "GB", "fever", 'U'},
	{"hard to tell if i have a fever", HH_LANG_EN, "GB", "fever", 'U'},
	{"i reckon i've got a temperature", HH_LANG_EN, "GB", "fever", 'U'},
	/* a concept's full reading replaces a partial phrase of its code ("de repente" alone is a maybe) */
	{"de repente un dolor brutal en la espalda", HH_LANG_ES, "US", "sudden_severe_pain", 'S'},
	/* a form's yes outweighs the list's no; its no stays a no */
	{"fever: no, chest pain: yes", HH_LANG_EN, "GB", "chest_pain", 'S'},
	{"fever: no, chest pain: yes", HH_LANG_EN, "GB", "fever", '-'},
	{"- numb legs - yes", HH_LANG_EN, "GB", "leg_weakness_numbness", 'S'},
	/* a heart rate of 100 or more; "1hr ago" stays an hour */
	{"52M. sudden onset 1hr ago. HR 120.", HH_LANG_EN, "GB", "fast_heartbeat", 'S'},
	{"pulse of 130 at the chemist", HH_LANG_EN, "GB", "fast_heartbeat", 'S'},
	{"pulse 72", HH_LANG_EN, "GB", "fast_heartbeat", '-'},
	/* a sudden start and a very bad pain in one sentence; a pain that only grows worse is not one */
	{"Severe interscapular pain, sudden onset 1hr ago", HH_LANG_EN, "GB", "sudden_severe_pain", 'S'},
	{"8/10 pain, came on suddenly while gardening", HH_LANG_EN, "GB", "sudden_severe_pain", 'S'},
	{"came on suddenly, getting worse every day", HH_LANG_EN, "GB", "sudden_severe_pain", 'U'},
	/* in the upper or middle back it is what sudden_tearing_pain asks too */
	{"Severe interscapular pain, sudden onset 1hr ago", HH_LANG_EN, "GB", "sudden_tearing_pain", 'S'},
	{"8/10 pain, came on suddenly while gardening", HH_LANG_EN, "GB", "sudden_tearing_pain", '-'},
	/* the back said plainly counts: this service's readers write of their upper and middle back */
	{"tiene un dolor horrible en la espalda que le vino de la nada", HH_LANG_ES, "ES", "sudden_tearing_pain", 'S'},
	{"Sudden severe pain in my back an hour ago", HH_LANG_EN, "GB", "sudden_tearing_pain", 'S'},
	{"Sudden severe pain in my back an hour ago", HH_LANG_EN, "GB", "getting_worse", 'S'},
	/* a question someone asked is no yes: asked, as the person has not said */
	{"The GP asked me about numbness down below. I have none.", HH_LANG_EN, "GB", "saddle_numbness", 'U'},
	{"Me preguntaron si me inyecto drogas y no, nunca.", HH_LANG_ES, "ES", "iv_drug_use", 'U'},
	/* "can barely X without Y" says Y; "I can X without Y" denies it */
	{"can barely walk up stairs without getting winded, which is new", HH_LANG_EN, "GB", "new_breathlessness", 'S'},
	{"me cuesta subir la escalera sin quedar sin aire, nunca me habia pasado", HH_LANG_ES, "ES",
	 "new_breathlessness", 'S'},
	/* a dropped g */
	{"a stabbin pain in my back when I breathe in deep", HH_LANG_EN, "GB", "pain_breathing_in", 'S'},
	/* clinical shorthand */
	{"N&V since this morning", HH_LANG_EN, "GB", "abdominal_pain_vomiting", 'S'},
	{"no LOC", HH_LANG_EN, "GB", "fainting", '-'},
	/* a denial of a denial is a yes; a dash ends a hedge */
	{"It's not like I don't have any chest tightness, I do", HH_LANG_EN, "GB", "chest_pain", 'S'},
	{"I think I've got it \xe2\x80\x94 been sick twice this morning", HH_LANG_EN, "GB", "abdominal_pain_vomiting",
	 'S'},
	{"I never used to get breathless but now I do", HH_LANG_EN, "GB", "new_breathlessness", 'S'},
	/* an opposite says no itself: a denial before "and" does not turn it into a yes */
	{"no chest pain and breathing is fine", HH_LANG_EN, "GB", "breathing_difficulty", '-'},
	{"breathing is fine at rest but I get breathless on the stairs", HH_LANG_EN, "GB", "new_breathlessness", 'S'},
	/* a typo in a stem of a phrase */
	{"numbness in my buttoks", HH_LANG_EN, "GB", "saddle_numbness", 'S'},
	/* after someone else's thing, the person's own answer with its verb left out */
	{"My dad had cancer but I never have.", HH_LANG_EN, "GB", "cancer_history", '-'},
	{"my dad had cancer and I have too", HH_LANG_EN, "GB", "cancer_history", 'S'},
	{"my dad had cancer and I also have numb legs", HH_LANG_EN, "GB", "cancer_history", '-'},
	/* a list's small words are no distance for a hedge */
	{"Might have had a bit of a tight chest last week", HH_LANG_EN, "GB", "chest_pain", 'U'},
	/* clinical notes: a slash joins like "or", +ve and -ve, a sudden tearing pain is a sudden severe one */
	{"Denies CP, SOB, N&V, saddle anaesthesia, bladder/bowel dysfunction.", HH_LANG_EN, "GB",
	 "bladder_bowel_control_loss", '-'},
	{"Fever -ve. Leg numbness +ve.", HH_LANG_EN, "GB", "fever", '-'},
	{"Fever -ve. Leg numbness +ve.", HH_LANG_EN, "GB", "leg_weakness_numbness", 'S'},
	{"sudden onset tearing pain radiating to back", HH_LANG_EN, "GB", "sudden_severe_pain", 'S'},
	/* "number" is no "numb*"; legs that fell asleep are no fall; accidents with the bladder are no trauma */
	{"I haven't been able to go number one all day", HH_LANG_EN, "US", "leg_weakness_numbness", '-'},
	{"I haven't been able to go number one all day", HH_LANG_EN, "US", "bladder_bowel_control_loss", 'S'},
	{"my legs fell asleep and won't wake up", HH_LANG_EN, "US", "minor_fall_or_knock", '-'},
	{"I keep having accidents", HH_LANG_EN, "US", "major_trauma", '-'},
	/* what might be is a maybe, never a yes: asked about, watched for, tested for */
	{"the nurse said to call if I get chest pain", HH_LANG_EN, "GB", "chest_pain", 'U'},
	{"I was told to watch out for bladder problems", HH_LANG_EN, "GB", "bladder_bowel_control_loss", 'U'},
	/* pain that shoots up is no drug use */
	{"the pain shoots up into my jaw", HH_LANG_EN, "GB", "iv_drug_use", '-'},
	{"the pain shoots up into my jaw", HH_LANG_EN, "GB", "pain_spreading_arm_jaw", 'S'},
	/* two noes, a yes: the pain comes with every breath */
	{"cant take a deep breath in without a stabbing pain", HH_LANG_EN, "GB", "pain_breathing_in", 'S'},
	{"I'm 32 weeks and I've got pain under my ribs", HH_LANG_EN, "GB", "pregnant", 'S'},
	{"tengo 22 semanas y me duele la espalda", HH_LANG_ES, "ES", "pregnant", 'S'},
	{"I'm 32 years old", HH_LANG_EN, "GB", "pregnant", '-'},
	/* a gap's words are no one's: the code named inside another phrase's gap is read */
	{"Since 3 weeks middle back pain with fever in the night", HH_LANG_EN, "GB", "fever", 'S'},
	{"Nae numbness or pins and needles in ma legs, they feel strong and I'm walkin fine", HH_LANG_EN, "GB",
	 "leg_weakness_numbness", '-'},
	/* a no taken back: "not ... exactly" is a maybe */
	{"Not chest pain exactly, more like a pressure", HH_LANG_EN, "US", "chest_pain", 'U'},
	/* a form's list asked, then answered: the answer reaches every item */
	{"Fever/chills? no", HH_LANG_EN, "US", "fever", '-'},
	{"¿Fiebre, pérdida de peso, sudores nocturnos?: no, ninguno", HH_LANG_ES, "MX", "unexplained_weight_loss", '-'},
	{"it feels sort of numb when I wipe, maybe? I don't know", HH_LANG_EN, "GB", "saddle_numbness", 'U'},
	/* a no reaches past "and" along things named, not into a new thing done */
	{"she also hasn't pooped in 4 days and wet herself yesterday", HH_LANG_EN, "GB", "bladder_bowel_control_loss",
	 'S'},
	{"no fever and chills", HH_LANG_EN, "GB", "fever", '-'},
	/* an opposite says no itself, and a no before it turns it round */
	{"No bladder or bowel problems, I can pee and poop normally and control it", HH_LANG_EN, "US",
	 "bladder_bowel_control_loss", '-'},
	{"me duele la espalda. tampoco controlo bien el pis", HH_LANG_ES, "ES", "bladder_bowel_control_loss", 'S'},
};

/*
 * The parts of a question: a code is denied (a denied mention) only when
 * the denials reach every part of what its question asks.
 */
static const struct {
	const char *text;
	const char *code;
	int denied; /* 1: a denied mention of code; 0: none (nor any other status) */
} parts_cases[] = {
	{"no numbness in my legs", "leg_weakness_numbness", 0},
	{"no fever or numbness", "leg_weakness_numbness", 0},
	/* weakness, numbness (tingling alike) and walking: the question's three parts, as the issue puts it */
	{"No numbness or weakness in my legs and I'm walking ok", "leg_weakness_numbness", 1},
	{"no weakness or tingling in my legs", "leg_weakness_numbness", 0},
	/* a general no to breathlessness answers both questions of it; one of a setting its own only */
	{"no shortness of breath", "breathing_difficulty", 1},
	{"no shortness of breath", "new_breathlessness", 1},
	{"not breathless on the stairs", "breathing_difficulty", 0},
	{"no weakness or numbness or tingling in my legs, walking fine", "leg_weakness_numbness", 1},
	{"i dont have any numbness, tingling or weakness in my legs and my walking is fine", "leg_weakness_numbness",
	 1},
	{"No numbness. No tingling. Legs not weak. Walking normal.", "leg_weakness_numbness", 1},
	{"not dizzy", "sweating_sick_dizzy", 0},
	{"no night sweats", "sweating_sick_dizzy", 0},
	{"no sweating, no nausea, not dizzy", "sweating_sick_dizzy", 1},
	{"no numbness in my arms", "arm_numbness_tingling", 0},
	{"No tingling, no numb arms.", "arm_numbness_tingling", 1},
	{"no vomiting", "abdominal_pain_vomiting", 0},
	{"doesnt wake me up", "night_pain", 0},
	{"no loss of bladder control", "bladder_bowel_control_loss", 0},
	{"no problems with my waterworks or bowels", "bladder_bowel_control_loss", 1},
	{"not on steroids", "osteoporosis_or_steroids", 0},
	{"no trauma", "major_trauma", 1},
	{"no rash", "one_sided_rash", 1},
	{"no chest pain", "chest_pain", 1},
};

static void test_parts(void)
{
	for (size_t i = 0; i < HH_ARRAY_LEN(parts_cases); i++) {
		struct hh_textparse_result r;
		parse(parts_cases[i].text, HH_LANG_EN, "GB", &r);
		const struct hh_mention *m = code_mention(&r, parts_cases[i].code);
		int denied = m != NULL && m->status == HH_MENTION_DENIED;
		if (denied != parts_cases[i].denied || (m != NULL && !denied)) {
			fprintf(stderr, "parts \"%s\": %s denied %d, want %d\n", parts_cases[i].text,
				parts_cases[i].code, denied, parts_cases[i].denied);
			dump(parts_cases[i].text, &r);
		}
		CHECK(denied == parts_cases[i].denied && (m == NULL || denied));
		CHECK(where(&r, parts_cases[i].code) == '-'); /* a red flag denied is never absent */
	}
}

static void test_cases(void)
{
	for (size_t i = 0; i < HH_ARRAY_LEN(cases); i++) {
		struct hh_textparse_result r;
		parse(cases[i].text, cases[i].lang, cases[i].country, &r);
		char w = where(&r, cases[i].code);
		if (w != cases[i].where) {
			fprintf(stderr, "case \"%s\": %s is %c, want %c\n", cases[i].text, cases[i].code, w,
				cases[i].where);
			dump(cases[i].text, &r);
		}
		CHECK(w == cases[i].where);
	}
}

static void test_denied_red_flag_is_a_mention(void)
{
	struct hh_textparse_result r;
	parse("no chest pain", HH_LANG_EN, "GB", &r);
	const struct hh_mention *m = code_mention(&r, "chest_pain");
	CHECK(m != NULL && m->status == HH_MENTION_DENIED && m->start == 3 && m->end == 13);
	CHECK(where(&r, "chest_pain") == '-');
}

/* A red flag's hints: asked where nothing else named the code, never a no, never for another code's words. */
static void test_hints(void)
{
	struct hh_textparse_result r;
	parse("my bowels are acting up", HH_LANG_EN, "GB", &r);
	const struct hh_mention *m = code_mention(&r, "bladder_bowel_control_loss");
	CHECK(m != NULL && m->status == HH_MENTION_UNCERTAIN);
	CHECK(where(&r, "bladder_bowel_control_loss") == 'U');
	parse("no funny business with my bowels", HH_LANG_EN, "GB", &r);
	CHECK(code_mention(&r, "bladder_bowel_control_loss") == NULL);
	parse("noto algo raro con el pis", HH_LANG_ES, "ES", &r);
	CHECK(where(&r, "bladder_bowel_control_loss") == 'U');
	parse("a mi madre le duele la espalda y nota algo raro con el pis", HH_LANG_ES, "ES", &r);
	CHECK(where(&r, "bladder_bowel_control_loss") == 'U'); /* a message for her: hers is the triage */
	parse("I get short of breath on the stairs, which is new", HH_LANG_EN, "GB", &r);
	CHECK(code_mention(&r, "breathing_difficulty") == NULL); /* those words are new_breathlessness's */
	parse("my chest feels weird", HH_LANG_EN, "GB", &r);
	CHECK(where(&r, "chest_pain") == 'U');
	parse("I have chest pain and my chest feels weird", HH_LANG_EN, "GB", &r);
	CHECK(where(&r, "chest_pain") == 'S'); /* named already: the hint adds nothing */
}

struct number_case {
	const char *text;
	enum hh_lang lang;
	long long age, days;
};

static const struct number_case numbers[] = {
	{"45 y/o, ache for 2 wks", HH_LANG_EN, 45, 14},
	{"I'm forty five and it started a fortnight ago", HH_LANG_EN, 45, 14},
	{"forty-five year old, pain for three days", HH_LANG_EN, 45, 3},
	{"pain 2/52, weigh 80 kg, 5 hours a day at a desk", HH_LANG_EN, -1, 14},
	{"I'm 12 weeks pregnant and it hurts since yesterday", HH_LANG_EN, -1, 1},
	{"aged 67, for a couple of months", HH_LANG_EN, 67, 60},
	{"pain 7/10 for 10 days", HH_LANG_EN, -1, 10},
	{"tengo sesenta y ocho años y me duele desde hace quince días", HH_LANG_ES, 68, 15},
	{"mujer de 45 años, dolor desde hace 3 semanas", HH_LANG_ES, 45, 21},
	{"llevo un mes así, peso 70 kilos", HH_LANG_ES, -1, 30},
	{"desde ayer", HH_LANG_ES, -1, 1},
	/* someone else's age is not the writer's; the writer's own still is; a message written for a
	 * relative's pain gives the relative's age (theirs is the triage asked for) */
	{"my dad is 70 and has had back pain for 2 weeks", HH_LANG_EN, 70, 14},
	{"my mum, 78, has had back pain for a week", HH_LANG_EN, 78, 7},
	{"I'm 40 and my mum is 70", HH_LANG_EN, 40, -1},
	{"my back hurts, my husband's 70 and he says I need an ambulance", HH_LANG_EN, -1, -1},
	{"mi padre tiene 80 años y le duele desde hace 2 días", HH_LANG_ES, 80, 2},
	{"mi hijo de 9 años se cayó ayer y se queja de la espalda", HH_LANG_ES, 9, 1},
	{"me duele la espalda desde que cargué a mi hijo de 9 años", HH_LANG_ES, -1, -1},
	{"I write on behalf of my husband, who is 84; his back has hurt since yesterday", HH_LANG_EN, 84, 1},
	{"my wife's back hurts and she has a headache, she's 29", HH_LANG_EN, 29, -1},
	/* about an age ("sesenta y pico") is no age, nor years of pain; how often is no duration */
	{"Soy una señora de sesenta y pico años, me duele la espalda", HH_LANG_ES, -1, -1},
	{"my upper back aches after swim practice, we do like 200 laps a week", HH_LANG_EN, -1, -1},
	/* the pain dates from the history: its time is the pain's */
	{"me pusieron la epidural hace 2 meses y desde entonces me duele la espalda", HH_LANG_ES, -1, 60},
	{"I'm on warfarin and I banged my back on the worktop 2 days ago", HH_LANG_EN, -1, 2},
	/* who the writer is, then the age, opening the text; a bare number joined to the rest */
	{"Scaffolder, 38. Pain under my shoulder blade all week", HH_LANG_EN, 38, -1},
	{"16 n my upper back aches after gaming", HH_LANG_EN, 16, -1},
	{"Upper back, 3 days. Worse sitting", HH_LANG_EN, -1, 3},
	/* this injury, not an earlier one: its days are the pain's */
	{"Did my back in at the gym deadlifting 3 days ago", HH_LANG_EN, -1, 3},
	{"Had a back injury 5 years ago, now it aches again", HH_LANG_EN, -1, -1},
	{"tengo cuarenta y un años", HH_LANG_ES, 41, -1},
	/* hours, halves, how often */
	{"dull backache for 48 hours", HH_LANG_EN, -1, 2},
	{"started 3 hours ago", HH_LANG_EN, -1, -1}, /* hours ago: left out, as the labelled sets leave it */
	{"SUDDEN RIPPING PAIN OUT OF NOWHERE 20 MIN AGO", HH_LANG_EN, -1, -1},
	{"45 y/o, took 2 advil 20 minutes ago", HH_LANG_EN, 45, -1},
	{"words all jumbled for a few minutes. back pain", HH_LANG_EN, -1, -1},
	{"i work 10 hour shifts, 4 days a week", HH_LANG_EN, -1, -1},
	{"smoker 30 yrs", HH_LANG_EN, -1, -1},
	{"ex smoker (smoked for 30 years)", HH_LANG_EN, -1, -1},
	{"used to shoot up, clean 4 years now", HH_LANG_EN, -1, -1},
	{"my back hurts since last week", HH_LANG_EN, -1, -1},
	/* a bare day word dates the episode when nothing else does (writers label it so: 44 of 47 times) */
	{"went to the ER last night for chest pain", HH_LANG_EN, -1, 1},
	{"went to the ER last night, back pain for 2 weeks", HH_LANG_EN, -1, 14},
	{"3rd day of it. 52F.", HH_LANG_EN, 52, 3},
	{"I'm on day 5 of this upper back pain", HH_LANG_EN, -1, 5},
	{"upper back pain, 2nd day", HH_LANG_EN, -1, 2},
	{"woke up with it this morning", HH_LANG_EN, -1, -1}, /* under a day: hours, no duration */
	{"Mid back pain on and off for like 6 mo", HH_LANG_EN, -1, 180},
	{"is it normal to have back pain at 34 weeks? ankles have ballooned", HH_LANG_EN, -1, -1},
	{"hurt my back skiing 2 years ago and it never fully came back", HH_LANG_EN, -1, -1},
	{"my back started hurting 2 years ago", HH_LANG_EN, -1, 730},
	{"Was diagnosed with scoliosis as a teenager. Now 41 and my upper back is flaring up", HH_LANG_EN, 41, -1},
	{"I had scoliosis as a kid. 24 now. Back has been sore", HH_LANG_EN, 24, -1},
	{"I am writing on behalf of my husband Derek (67). He has had pain", HH_LANG_EN, 67, -1},
	{"Sir my mother age 59 is having upper back pain", HH_LANG_EN, 59, -1},
	{"Now and then it hurts, 3 times a week", HH_LANG_EN, -1, -1},
	{"Been a nurse twenty yrs, lifting patients all day", HH_LANG_EN, -1, -1},
	{"lower/mid back pain, been a week", HH_LANG_EN, -1, 7},
	{"my back is agony. 52 if that matters", HH_LANG_EN, 52, -1},
	{"Mam's 84, she's got osteoporosis", HH_LANG_EN, 84, -1},
	{"I'm writing for my husband Dave who is fifty-six. He's had pain", HH_LANG_EN, 56, -1},
	{"G'day, bloke, 33, came off me mountain bike", HH_LANG_EN, 33, -1},
	{"I've got osteoporosis and I bent down to pick up the cat about a week ago", HH_LANG_EN, -1, 7},
	{"tripped on the kerb yesterday, sore since", HH_LANG_EN, -1, 1},
	{"m 45. desk job", HH_LANG_EN, 45, -1},
	{"F/52, upper back pain", HH_LANG_EN, 52, -1},
	{"sweating buckets. 61. came on suddenly", HH_LANG_EN, 61, -1},
	{"back pain<br>age 29<br>2 months<br>", HH_LANG_EN, 29, 60},
	{"back pain 2 years", HH_LANG_EN, -1, 730}, /* years under ten alone: how long, not an age */
	{"lifted my 5 year old out of her car seat. I'm 34", HH_LANG_EN, 34, -1},
	{"He's 7 and thinks it's hilarious. 39.", HH_LANG_EN, 39, -1},
	{"been there for too weeks", HH_LANG_EN, -1, 14},
	{"Been lifting boxes for the same firm for 20 years", HH_LANG_EN, -1, -1},
	{"Deadlifted 315 yesterday and now my mid back hurts", HH_LANG_EN, -1, 1},
	{"it's there 24/7", HH_LANG_EN, -1, -1},
	{"- upper back pain, left side\n- 3 weeks\n- numb legs: yes, both, started yesterday", HH_LANG_EN, -1, 21},
	{"I'm 12 weeks along", HH_LANG_EN, -1, -1},
	{"Pins and needles round my bum since yesterday. Mid back pain that started a week ago", HH_LANG_EN, -1, 7},
	{"can't pee properly since yesterday and my back really hurts", HH_LANG_EN, -1, 1},
	{"smoked 20 a day for 30 years", HH_LANG_EN, -1, -1},
	{"worked as a builder for 25 years", HH_LANG_EN, -1, -1},
	{"back pain for half a year", HH_LANG_EN, -1, 182},
	{"my stomach hurts, threw up this morning", HH_LANG_EN, -1, -1},
	{"pain for a week and a half", HH_LANG_EN, -1, 10},
	{"desde hace un mes y medio", HH_LANG_ES, -1, 45},
	{"hunched over a laptop 10 hours a day", HH_LANG_EN, -1, -1},
	{"pregnant (about 12 weeks), ache for 5 days", HH_LANG_EN, -1, 5},
	/* a measure of a code, a history's date, a number of its own */
	{"tengo fiebre de 39 y escalofrios", HH_LANG_ES, -1, -1},
	{"had breast cancer 6 years ago, now my back aches", HH_LANG_EN, -1, -1},
	{"had cancer 6 years ago. back pain for 3 weeks", HH_LANG_EN, -1, 21},
	{"HIV positive and my back started hurting 4 days ago", HH_LANG_EN, -1, 4},
	{"sharp pain in my mid back. 66", HH_LANG_EN, 66, -1},
	{"fifty eight, builder, hurt my back lifting three days ago", HH_LANG_EN, 58, 3},
	{"ayer me cai por las escaleras", HH_LANG_ES, -1, 1},
	{"hace diez dias me operaron de una hernia discal", HH_LANG_ES, -1, -1},
	{"back pain for 3 weeks since my epidural", HH_LANG_EN, -1, 21},
	{"me duele desde anteayer", HH_LANG_ES, -1, 2},
	{"estoy tomando prednisona desde hace 6 meses y me duele mucho", HH_LANG_ES, -1, -1},
	/* an age range is no age: the contract takes whole years */
	{"I'm in my forties, pain for 2 weeks", HH_LANG_EN, -1, 14},
	{"tengo cuarenta y tantos", HH_LANG_ES, -1, -1},
	/* an age set off by commas after what the person is; a day word alone as a sentence */
	{"I'm a single dad, 42, two boys. Twisted round and felt a twinge. Yesterday afternoon.", HH_LANG_EN, 42, 1},
	{"I'm a nurse, 12 hour shifts", HH_LANG_EN, -1, -1},
	{"Me (42) and my upper back, my husband (45) says rest", HH_LANG_EN, 42, -1},
	/* "last month" dates the pain only in a sentence of it */
	{"Turned 50 last month.", HH_LANG_EN, 50, -1},
	{"upper back pain last week", HH_LANG_EN, -1, 7},
	{"past wk", HH_LANG_EN, -1, 7},
	{"aching for 2 and a half weeks", HH_LANG_EN, -1, 17},
};

static void test_numbers(void)
{
	for (size_t i = 0; i < HH_ARRAY_LEN(numbers); i++) {
		struct hh_textparse_result r;
		parse(numbers[i].text, numbers[i].lang, "GB", &r);
		if (r.request.age != numbers[i].age || r.request.duration_days != numbers[i].days) {
			fprintf(stderr, "numbers \"%s\": age %lld days %lld, want %lld %lld\n", numbers[i].text,
				r.request.age, r.request.duration_days, numbers[i].age, numbers[i].days);
			dump(numbers[i].text, &r);
		}
		CHECK(r.request.age == numbers[i].age);
		CHECK(r.request.duration_days == numbers[i].days);
	}
}

/* hh_utf8_decode (shared with the search tokenizer) reads what hh_utf8_encode writes, and refuses broken sequences. */
static void test_utf8_decode(void)
{
	const uint32_t cps[] = {0x41, 0xE1, 0x7FF, 0x800, 0x20AC, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF};
	for (size_t i = 0; i < HH_ARRAY_LEN(cps); i++) {
		char buf[4];
		size_t n = hh_utf8_encode(cps[i], buf);
		uint32_t cp = 0;
		CHECK(hh_utf8_decode((const unsigned char *)buf, n, &cp) == n);
		CHECK(cp == cps[i]);
		CHECK(n == 1 || hh_utf8_decode((const unsigned char *)buf, n - 1, &cp) == 0); /* cut short */
	}
	uint32_t cp = 0;
	CHECK(hh_utf8_decode((const unsigned char *)"\x80", 1, &cp) == 0);     /* a stray continuation byte */
	CHECK(hh_utf8_decode((const unsigned char *)"\xC3\x41", 2, &cp) == 0); /* a lead byte without its follower */
	CHECK(hh_utf8_decode((const unsigned char *)"\xFF", 1, &cp) == 0);
}

static void test_offsets_are_code_points(void)
{
	struct hh_textparse_result r;
	const char *t = "¡Ay! Tengo fiebre 🤒 y dolor en el pecho";
	parse(t, HH_LANG_ES, "GB", &r);
	const struct hh_mention *m = code_mention(&r, "fever");
	CHECK(m != NULL && m->start == 11 && m->end == 17);
	m = code_mention(&r, "chest_pain");
	CHECK(m != NULL && m->start == 22 && m->end == 39);
}

static void test_region_and_positions(void)
{
	struct hh_textparse_result r;
	parse("dull ache between my shoulder blades, worse at my desk", HH_LANG_EN, "GB", &r);
	CHECK(r.request.region == HH_REGION_UPPER_BACK);
	CHECK(r.request.positions == HH_POS_SITTING);
	parse("dolor en el centro de la espalda, peor tumbada", HH_LANG_ES, "GB", &r);
	CHECK(r.request.region == HH_REGION_MIDDLE_BACK);
	CHECK(r.request.positions == HH_POS_LYING_DOWN);
}

/* ------------------------------------------------------------------ properties */

static const char *const pieces_en[] = {
	"no",        "not",      "never",   "without", "maybe",   "I think",  "chest pain", "fever",
	"numb legs", "and",      "or",      "but",     ",",       ".",        "my",         "I",
	"pain",      "worse",    "sitting", "denies",  "haven't", "might",    "not sure",   "cough",
	"45",        "weeks",    "y/o",     "idk",     "bc",      "tingling", "arms",       "lost weight",
	"rash",      "one side", "can't",   "walk",    "sick",    "sweaty",   "🙂",       "<b>",
	"nor",       "neither",  "hurts",   "when",    "breathe", "in",       "a",          "the",
};
static const char *const pieces_es[] = {
	"no",     "sin",     "nunca",  "tampoco", "ni",        "creo que", "puede que", "no sé si",
	"fiebre", "dolor",   "pecho",  "piernas", "dormidas",  "y",        "o",         "pero",
	",",      ".",       "tengo",  "me",      "duele",     "al",       "respirar",  "años",
	"45",     "semanas", "quizás", "mareo",   "hormigueo", "brazo",    "sangre",    "orina",
};

static unsigned rng = 12345;
static unsigned next_rand(void)
{
	rng = rng * 1103515245u + 12345u;
	return (rng >> 16) & 0x7fff;
}

static void random_text(char *buf, size_t cap, const char *const *pieces, size_t n_pieces, int words)
{
	size_t len = 0;
	buf[0] = '\0';
	for (int i = 0; i < words; i++) {
		const char *p = pieces[next_rand() % n_pieces];
		int k = snprintf(buf + len, cap - len, "%s%s", i ? " " : "", p);
		if (k < 0 || (size_t)k >= cap - len)
			break;
		len += (size_t)k;
	}
}

static int red_flag_absent(const struct hh_textparse_result *r)
{
	for (size_t i = 0; i < r->request.n_absent; i++)
		if (r->request.absent[i]->category == HH_CATEGORY_RED_FLAG)
			return 1;
	return 0;
}

/* Does text hold a word that makes a list of alternatives ("or", "nor", "o", "u", "ni") or a colon? */
static int has_list_word(const char *text)
{
	static const char *const words[] = {"or", "nor", "o", "u", "ni"};
	char copy[1024];
	snprintf(copy, sizeof(copy), "%s", text);
	if (strchr(copy, ':') != NULL)
		return 1;
	for (char *save = NULL, *w = strtok_r(copy, " ,.", &save); w != NULL; w = strtok_r(NULL, " ,.", &save))
		for (size_t i = 0; i < HH_ARRAY_LEN(words); i++)
			if (strcasecmp(w, words[i]) == 0)
				return 1;
	return 0;
}

static void property(enum hh_lang lang, const char *const *pieces, size_t n_pieces, const char *const *denials,
		     size_t n_denials)
{
	char text[1024], more[2048];
	for (int round = 0; round < 3000; round++) {
		struct hh_textparse_result a, b;
		random_text(text, sizeof(text), pieces, n_pieces, 1 + (int)(next_rand() % 24));
		parse(text, lang, (next_rand() & 1) ? "GB" : "US", &a);
		CHECK(!red_flag_absent(&a));
		/*
		 * a denial as a sentence of its own, before or after; or before it
		 * after a comma ("no chest pain, heart racing"), where what follows
		 * is not a list of alternatives the no could reach
		 */
		const char *d = denials[next_rand() % n_denials];
		unsigned how = next_rand() % 3;
		if (how == 2 && !has_list_word(text))
			snprintf(more, sizeof(more), "%s, %s", d, text);
		else if (how == 1)
			snprintf(more, sizeof(more), "%s. %s", d, text);
		else
			snprintf(more, sizeof(more), "%s. %s", text, d);
		parse(more, lang, "GB", &b);
		parse(text, lang, "GB", &a);
		CHECK(!red_flag_absent(&b));
		for (size_t i = 0; i < a.request.n_symptoms; i++) {
			const struct hh_symptom *y = a.request.symptoms[i];
			if (y->category == HH_CATEGORY_RED_FLAG && where(&b, y->code) != 'S') {
				fprintf(stderr, "denial removed %s: \"%s\" -> \"%s\"\n", y->code, text, more);
				CHECK(0);
			}
		}
	}
}

static void test_properties(void)
{
	static const char *const den_en[] = {"No chest pain",           "I don't have a fever",
					     "no numbness or tingling", "never had cancer",
					     "Denies weight loss",      "no fever, no rash, no cough",
					     "not worse when sitting",  "Without any dizziness"};
	static const char *const den_es[] = {"No tengo fiebre", "sin dolor en el pecho", "ni mareo ni sudores",
					     "nunca he tenido cáncer", "tampoco hormigueo"};
	property(HH_LANG_EN, pieces_en, HH_ARRAY_LEN(pieces_en), den_en, HH_ARRAY_LEN(den_en));
	property(HH_LANG_ES, pieces_es, HH_ARRAY_LEN(pieces_es), den_es, HH_ARRAY_LEN(den_es));
}

/* ------------------------------------------------------------------ the phrase checks */

static int phrases_diags_as(const char *rel, const char *body, const char *want, int found_wanted)
{
	struct hh_diags d = {0};
	size_t total = 0;
	struct hh_field_src src = {.rel = rel, .buf = body, .len = strlen(body), .c = C, .diags = &d, .total = &total};
	enum hh_lang lang = strncmp(rel, "es/", 3) == 0 ? HH_LANG_ES : HH_LANG_EN;
	json_t *root = hh_schema_load(&src);
	const struct hh_phrasebook *book = root != NULL ? hh_phrases_schema(&src, root, lang, C, 0) : NULL;
	json_decref(root);
	int found = 0;
	for (size_t i = 0; i < d.n; i++)
		if (strstr(d.v[i].message, want) != NULL)
			found = 1;
	if (found != found_wanted) {
		fprintf(stderr, "%s \"%s\" for %s:\n", found ? "unwanted" : "no", want, body);
		hh_diags_print(&d, stderr);
	}
	hh_field_src_free(&src);
	hh_diags_free(&d);
	return book == NULL && found == found_wanted;
}

/* Is the file refused with a message that holds want? */
static int phrases_diags(const char *rel, const char *body, const char *want)
{
	return phrases_diags_as(rel, body, want, 1);
}

/*
 * What a server does with a stored file that this binary's word checks
 * refuse (a newer release's negation words): the phrase is left out and
 * counted, the rest serves; migrate (stored 0) refuses the file.
 */
static void test_stored_phrases(void)
{
	const char *body = "{\"codes\": {\"fever\": {\"phrases\": [\"nev*\", \"high temperature\"]}}}";
	struct hh_diags d = {0};
	size_t total = 0;
	struct hh_field_src src = {
		.rel = "triage/phrases.json", .buf = body, .len = strlen(body), .c = C, .diags = &d, .total = &total};
	json_t *root = hh_schema_load(&src);
	const struct hh_phrasebook *book = root != NULL ? hh_phrases_schema(&src, root, HH_LANG_EN, C, 1) : NULL;
	CHECK(book != NULL && book->n_dropped == 1 && book->n == 1 && d.n == 0);
	CHECK(root != NULL && hh_phrases_schema(&src, root, HH_LANG_EN, C, 0) == NULL && d.n == 1);
	json_decref(root);
	hh_field_src_free(&src);
	hh_diags_free(&d);
}

static void test_phrase_checks(void)
{
	test_stored_phrases();
	const char *rel = "triage/phrases.json";
	CHECK(phrases_diags(rel, "{\"codes\": {\"no_such_code\": {\"phrases\": [\"x y\"]}}}", "not a symptom code"));
	CHECK(phrases_diags(
		rel, "{\"codes\": {\"fever\": {\"phrases\": [\"fever\"]}, \"chest_pain\": {\"phrases\": [\"Fever\"]}}}",
		"also names fever"));
	CHECK(phrases_diags(rel, "{\"codes\": {\"fever\": {\"phrases\": [\"fever\", \"fevers\"]}}}", "given twice"));
	CHECK(phrases_diags(rel, "{\"codes\": {\"fever\": {\"phrases\": [\"nev*\"]}}}", "begins a negation"));
	CHECK(phrases_diags(rel, "{\"codes\": {\"fever\": {\"phrases\": [\"no never\"]}}}",
			    "negation or hedging words only"));
	CHECK(phrases_diags(rel, "{\"codes\": {\"fever\": {\"phrases\": [\"\"]}}}", "has no words"));
	CHECK(phrases_diags(rel, "{\"codes\": {\"fever\": {\"phrases\": [\"* fever\"]}}}", "start or end with a gap"));
	CHECK(phrases_diags(rel,
			    "{\"codes\": {\"fever\": {\"phrases\": [\"a b c d e f g h i j k l m n o p q r s t u v w x "
			    "y z a b c d e f g h i j k l m n o p q r\"]}}}",
			    "longer than"));
	CHECK(phrases_diags(
		rel, "{\"codes\": {\"fever\": {\"phrases\": [\"one two three four five six seven eight nine\"]}}}",
		"more than"));
	CHECK(phrases_diags("es/triage/phrases.json", "{\"codes\": {\"fever\": {\"phrases\": [\"sin\"]}}}",
			    "negation or hedging words only"));
}

static void test_parts_checks(void)
{
	const char *rel = "triage/phrases.json";
	CHECK(phrases_diags(rel, "{\"codes\": {\"fever\": {\"parts\": []}}}", "1 to 8 parts"));
	CHECK(phrases_diags(rel, "{\"codes\": {\"fever\": {\"parts\": [[\"hot\"], []]}}}", "not empty"));
	CHECK(phrases_diags(rel, "{\"codes\": {\"fever\": {\"parts\": [[\"hot\"], [\"nev*\"]]}}}",
			    "begins a negation"));
	CHECK(phrases_diags(rel, "{\"codes\": {\"fever\": {\"parts\": [[\"hot\"], [\"not\"]]}}}",
			    "is a negation or hedging word"));
	CHECK(phrases_diags(rel,
			    "{\"codes\": {}, \"countries\": {\"GB\": {\"codes\": {\"fever\": {\"parts\": "
			    "[[\"hot\"]]}}}}}",
			    "not to one country"));
}

static void test_concept_checks(void)
{
	const char *rel = "triage/phrases.json";
	CHECK(phrases_diags(rel, "{\"codes\": {\"no_such_code\": {\"concepts\": [[[\"a\"], [\"b\"]]]}}}",
			    "not a symptom code"));
	CHECK(phrases_diags(rel, "{\"codes\": {\"fever\": {\"concepts\": [[[\"hot\"]]]}}}", "2 to 4 groups"));
	CHECK(phrases_diags(rel,
			    "{\"codes\": {\"fever\": {\"concepts\": [[[\"a\"], [\"b\"], [\"c\"], [\"d\"], [\"e\"]]]}}}",
			    "2 to 4 groups"));
	CHECK(phrases_diags(rel, "{\"codes\": {\"fever\": {\"concepts\": [[[\"hot\"], []]]}}}", "not empty"));
	CHECK(phrases_diags(rel, "{\"codes\": {\"fever\": {\"concepts\": [[[\"hot\"], [\"might\"]]]}}}",
			    "is a negation or hedging word"));
	CHECK(phrases_diags_as(rel, "{\"codes\": {\"fever\": {\"concepts\": [[[\"hot\"], [\"might\"]]]}}}",
			       "has a stem", 0)); /* refused for the word itself, not for a stem */
	CHECK(phrases_diags(rel, "{\"codes\": {\"fever\": {\"concepts\": [[[\"hot\"], [\"nev*\"]]]}}}",
			    "begins a negation"));
	CHECK(phrases_diags(rel, "{\"codes\": {\"fever\": {\"concepts\": [[[\"hot\"], [\"hot * cold\"]]]}}}",
			    "may not hold a gap"));
	CHECK(phrases_diags(rel, "{\"codes\": {\"fever\": {\"concepts\": [[[\"shivering\"], [\"shivers\"]]]}}}",
			    "in two groups"));
	CHECK(phrases_diags(rel, "{\"codes\": {\"fever\": {\"concepts\": [[[\"a b c d e\"], [\"hot\"]]]}}}",
			    "more than"));
	CHECK(phrases_diags("es/triage/phrases.json",
			    "{\"codes\": {\"fever\": {\"concepts\": [[[\"calor\"], [\"ni\"]]]}}}",
			    "is a negation or hedging word"));
	/* inflections of one stem in one group are one entry, not a mistake */
	struct hh_diags d = {0};
	size_t total = 0;
	const char *body =
		"{\"codes\": {\"fever\": {\"concepts\": [[[\"shiver\", \"shivering\", \"shivers\"], [\"hot\"]]]}}}";
	struct hh_field_src src = {.rel = rel, .buf = body, .len = strlen(body), .c = C, .diags = &d, .total = &total};
	json_t *root = hh_schema_load(&src);
	const struct hh_phrasebook *book = root != NULL ? hh_phrases_schema(&src, root, HH_LANG_EN, C, 0) : NULL;
	CHECK(book != NULL && book->n_concepts == 1 && book->n_cw_stem == 2);
	json_decref(root);
	hh_field_src_free(&src);
	hh_diags_free(&d);
}

/* The digest of one phrases file (NULL when it does not compile). */
static int phrases_digest(const char *body, char out[65])
{
	struct hh_diags d = {0};
	size_t total = 0;
	struct hh_field_src src = {
		.rel = "triage/phrases.json", .buf = body, .len = strlen(body), .c = C, .diags = &d, .total = &total};
	json_t *root = hh_schema_load(&src);
	const struct hh_phrasebook *book = root != NULL ? hh_phrases_schema(&src, root, HH_LANG_EN, C, 0) : NULL;
	struct hh_sha256 h;
	hh_sha256_init(&h);
	hh_phrases_hash(&h, book);
	hh_sha256_final_hex(&h, out);
	json_decref(root);
	hh_field_src_free(&src);
	hh_diags_free(&d);
	return book != NULL;
}

static void test_ruleset_version_covers_concepts(void)
{
	char a[65], b[65], c[65];
	CHECK(phrases_digest("{\"codes\": {\"fever\": {\"concepts\": [[[\"hot\"], [\"cold\"]]]}}}", a));
	CHECK(phrases_digest("{\"codes\": {\"fever\": {\"concepts\": [[[\"hot\"], [\"shivery\"]]]}}}", b));
	CHECK(phrases_digest("{\"codes\": {\"chest_pain\": {\"concepts\": [[[\"hot\"], [\"cold\"]]]}}}", c));
	CHECK(strcmp(a, b) != 0);
	CHECK(strcmp(a, c) != 0);
}

static void test_hint_checks(void)
{
	const char *rel = "triage/phrases.json";
	CHECK(phrases_diags(rel, "{\"codes\": {\"worse_sitting\": {\"hints\": [[[\"chair\"], [\"weird\"]]]}}}",
			    "red flags only"));
	CHECK(phrases_diags(rel, "{\"codes\": {\"fever\": {\"hints\": [[[\"hot\"], [\"maybe\"]]]}}}",
			    "is a negation or hedging word"));
	char a[65], b[65];
	CHECK(phrases_digest("{\"codes\": {\"fever\": {\"concepts\": [[[\"hot\"], [\"weird\"]]]}}}", a));
	CHECK(phrases_digest("{\"codes\": {\"fever\": {\"hints\": [[[\"hot\"], [\"weird\"]]]}}}", b));
	CHECK(strcmp(a, b) != 0); /* a hint is asked, a concept says yes: another ruleset */
}

static void test_ruleset_version_covers_phrases(void)
{
	CHECK(C->phrases[HH_LANG_EN] != NULL && C->phrases[HH_LANG_ES] != NULL);
	struct hh_content *c2 = fixture_content("content");
	CHECK(c2 != NULL);
	const char *before = c2->ruleset_version;
	c2->phrases[HH_LANG_ES] = NULL;
	hh_content_finish(c2);
	CHECK(strcmp(before, c2->ruleset_version) != 0);
	hh_content_free(c2);
}

/* ------------------------------------------------------------------ the endpoint's pure parts */

static int body_kind(const char *body, enum hh_error_kind want, const char *field)
{
	struct hh_parse_body b;
	struct hh_field_errors errs;
	enum hh_error_kind kind = HH_E_INTERNAL;
	hh_field_errors_init(&errs);
	int rc = hh_parse_body_check(body, strlen(body), &b, &kind, &errs);
	int named = field == NULL;
	for (size_t i = 0; i < errs.n; i++)
		named |= strcmp(errs.v[i].field, field) == 0;
	hh_parse_body_free(&b);
	return rc < 0 && kind == want && named;
}

static void test_body_and_answer(void)
{
	struct hh_parse_body b;
	struct hh_field_errors errs;
	enum hh_error_kind kind;
	hh_field_errors_init(&errs);
	const char *ok = "{\"text\": \"\u00a1No chest pain!\", \"lang\": \"en\"}";
	CHECK(hh_parse_body_check(ok, strlen(ok), &b, &kind, &errs) == 0 && b.has_lang && b.lang == HH_LANG_EN);
	struct hh_textparse_result r;
	hh_textparse(C, b.lang, "GB", b.text, b.len, &r);
	size_t len = 0;
	char *out = hh_render_parse(C, b.lang, b.text, b.len, &r, &len);
	json_t *a = out != NULL ? json_loadb(out, len, 0, NULL) : NULL;
	json_t *m = json_array_get(json_object_get(a, "mentions"), 0);
	CHECK(a != NULL && json_array_size(json_object_get(json_object_get(a, "request"), "symptoms")) == 0);
	CHECK(json_object_get(json_object_get(a, "request"), "absent") == NULL);
	CHECK(json_object_get(json_object_get(a, "request"), "age") == NULL);
	CHECK_STR(json_string_value(json_object_get(m, "text")), "chest pain");
	CHECK_STR(json_string_value(json_object_get(m, "status")), "denied");
	CHECK(json_integer_value(json_object_get(m, "start")) == 4 &&
	      json_integer_value(json_object_get(m, "end")) == 14);
	CHECK_STR(json_string_value(json_object_get(a, "ruleset_version")), C->ruleset_version);
	json_decref(a);
	free(out);
	hh_parse_body_free(&b);

	CHECK(body_kind("{\"text\": 5}", HH_E_VALIDATION, "text"));
	CHECK(body_kind("{\"lang\": \"es\"}", HH_E_VALIDATION, "text"));
	CHECK(body_kind("{\"text\": \"x\", \"lang\": \"fr\"}", HH_E_VALIDATION, "lang"));
	CHECK(body_kind("{\"text\": \"x\", \"symptoms\": []}", HH_E_VALIDATION, "symptoms"));
	CHECK(body_kind("[\"x\"]", HH_E_VALIDATION, "body"));
	CHECK(body_kind("{\"text\": \"x\"", HH_E_MALFORMED_JSON, NULL));
	CHECK(body_kind("{\"text\": \"a\\u0000b\"}", HH_E_VALIDATION, "text"));
	CHECK(body_kind("{\"text\": [[[[[[[[\"deep\"]]]]]]]]}", HH_E_MALFORMED_JSON, NULL));
	char *big = xmalloc(4 * 4001 + 32);
	size_t n = (size_t)snprintf(big, 32, "{\"text\": \"");
	for (int i = 0; i < 4001; i++) {
		memcpy(big + n, "\xc3\xa9", 2); /* e acute: 4,001 code points, 8,002 bytes */
		n += 2;
	}
	memcpy(big + n, "\"}", 3);
	CHECK(body_kind(big, HH_E_TOO_LARGE, NULL));
	big[n - 2] = '"';
	big[n - 1] = '}';
	big[n] = '\0';
	CHECK(!body_kind(big, HH_E_TOO_LARGE, NULL)); /* 4,000 are read */
	free(big);
}

int main(int argc, char **argv)
{
	C = fixture_content("content");
	if (C == NULL)
		return 1;
	if (argc == 5 && strcmp(argv[1], "--read") == 0) {
		enum hh_lang lang = HH_LANG_EN;
		if (hh_lang_parse(argv[2], &lang) < 0)
			return 2;
		struct hh_textparse_result r;
		parse(argv[4], lang, argv[3], &r);
		dump(argv[4], &r);
		hh_content_free(C);
		return 0;
	}
	test_cases();
	test_parts();
	test_parts_checks();
	test_denied_red_flag_is_a_mention();
	test_hints();
	test_hint_checks();
	test_numbers();
	test_utf8_decode();
	test_offsets_are_code_points();
	test_region_and_positions();
	test_properties();
	test_phrase_checks();
	test_concept_checks();
	test_ruleset_version_covers_concepts();
	test_ruleset_version_covers_phrases();
	test_body_and_answer();
	hh_content_free(C);
	return check_done();
}
