/*
 * test_textparse_es.c - what the free-text reader must read in Spanish, as
 * new writers type it (blind batches G and H): a symptom said with its own
 * "no" after a denial ("no tengo fiebre, no puedo orinar"), denials after
 * the word ("fiebre no tengo"), hedges of Spain and Latin America (igual, me
 * late que), partial answers that deny nothing, and numbers that are no age
 * or duration (tengo 28 ninos, fumo desde hace 30 anos).
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "fixture.h"

#include "healthhub/textparse.h"

static struct hh_content *C;

/* The status the reader gives code in text ("present", "denied", "uncertain"), or "-". */
static const char *status(const char *text, const char *code)
{
	static struct hh_textparse_result r;
	hh_textparse(C, HH_LANG_ES, "ES", text, strlen(text), &r);
	const char *best = "-";
	for (size_t i = 0; i < r.n_mentions; i++) {
		const struct hh_mention *m = &r.mentions[i];
		if (m->kind != HH_MENTION_CODE || strcmp(m->symptom->code, code) != 0)
			continue;
		/* as the request ranks them: present over uncertain over denied */
		const char *s = hh_mention_status_name(m->status);
		if (strcmp(best, "-") == 0 || strcmp(s, "present") == 0 ||
		    (strcmp(s, "uncertain") == 0 && strcmp(best, "denied") == 0))
			best = s;
	}
	return best;
}

static long long number(const char *text, int age)
{
	static struct hh_textparse_result r;
	hh_textparse(C, HH_LANG_ES, "ES", text, strlen(text), &r);
	return age ? r.request.age : r.request.duration_days;
}

static const struct {
	const char *text, *code, *status;
} cases[] = {
	/* a symptom that says its own no is no denial, even after one */
	{"no tengo fiebre, no puedo orinar", "bladder_bowel_control_loss", "present"},
	{"no tengo fiebre y no puedo orinar", "bladder_bowel_control_loss", "present"},
	{"no, no puedo respirar", "breathing_difficulty", "present"},
	{"creo que no puedo orinar", "bladder_bowel_control_loss", "uncertain"},
	{"no tengo fiebre, ni problemas para orinar", "bladder_bowel_control_loss", "denied"},
	{"no me duele ni en reposo ni de noche", "night_pain", "denied"},
	{"no noto nada raro en las piernas", "leg_weakness_numbness", "denied"},
	{"no puedo estar mucho tiempo sentado porque me duele", "worse_sitting", "present"},
	{"no me duele estar sentado", "worse_sitting", "denied"},
	{"no siento nada en las piernas", "leg_weakness_numbness", "present"},
	{"el dolor no se me quita ni acostado", "night_pain", "present"},
	/* denials after the word, and reflexive "se" (not "no se") */
	{"Fiebre no tengo.", "fever", "denied"},
	{"fiebre negativa", "fever", "denied"},
	{"no se me escapa la orina", "bladder_bowel_control_loss", "denied"},
	/* numbness denied, weakness and walking not asked: part of the question, no denial */
	{"no se me duermen las piernas", "leg_weakness_numbness", "-"},
	{"no se me duermen las piernas ni las noto débiles, ni hormigueo, ni camino raro", "leg_weakness_numbness",
	 "denied"},
	/* "no se" typed without its comma stays a doubt, never a denial */
	{"no se me duele el pecho", "chest_pain", "uncertain"},
	{"no puedo agarrar bien la taza, se me cae todo", "arm_weakness", "present"},
	{"puedo respirar bien", "breathing_difficulty", "-"},
	/* hedges */
	{"igual tengo fiebre, no me la he puesto", "fever", "uncertain"},
	{"me late que fue por cargar los garrafones", "after_lifting_or_exercise", "uncertain"},
	{"capaz que sea fiebre", "fever", "uncertain"},
	{"fiebre para nada", "fever", "denied"},
	{"fiebre: ninguna", "fever", "denied"},
	{"descarto fiebre", "fever", "denied"},
	{"dudo que sea fiebre", "fever", "uncertain"},
	{"fiebre, que yo sepa no", "fever", "uncertain"},
	{"me da la impresión de que tengo fiebre", "fever", "uncertain"},
	{"siempre igual, haga lo que haga", "constant_pain", "present"},
	/* steroids without how long answer part of the question: their denial denies nothing */
	{"tampoco tomo corticoides", "osteoporosis_or_steroids", "-"},
	{"tomo prednisona desde hace 6 meses", "osteoporosis_or_steroids", "present"},
	/* words a new writer used */
	{"no siento nada cuando me limpio", "saddle_numbness", "present"},
	{"se me entumio la pierna derecha", "leg_weakness_numbness", "present"},
	{"tos desde hace meses con algo de sangre", "coughing_blood", "present"},
	{"me falta el aire al subir escaleras", "new_breathlessness", "present"},
	{"me falta el aire al subir escaleras", "breathing_difficulty", "-"},
	{"siento que me falta el aire, no puedo ni hablar", "breathing_difficulty", "present"},
	{"me duele mucho la espalda", "getting_worse", "present"},
	{"este curso ha sido horrible con las oposiciones", "getting_worse", "-"},
	{"que ejercicios me recomendais para la espalda", "after_lifting_or_exercise", "-"},
	{"me duele despues de entrenar", "after_lifting_or_exercise", "present"},
	{"cargo costales de cemento todo el dia", "repetitive_tasks", "present"},
	{"cargo costales de cemento todo el dia", "after_lifting_or_exercise", "-"},
	{"me levante del sofa y me dolio", "after_lifting_or_exercise", "-"},
	{"mi marido dice que estoy muy confusa", "sweating_sick_dizzy", "-"},
	{"tengo la tension a 170/100", "stress_tension", "-"},
	{"desde el segundo embarazo", "pregnant", "-"},
	{"mi columna se ve torcida", "sudden_movement", "-"},
	{"no puedo ni currar", "stops_daily_activities", "present"},
	/* concept words whose stem another word shares (pis/pisar, trabajo/trabajar, sentado/senti) */
	{"me duele al pisar", "pain_or_blood_peeing", "-"},
	{"vivo en un tercer piso y no puedo subir", "bladder_bowel_control_loss", "-"},
	{"trabajo al aire libre", "breathing_difficulty", "-"},
	{"me senti peor ayer", "worse_sitting", "-"},
	{"no puedo dormir y me duele la pierna", "leg_weakness_numbness", "-"},
	{"cuando subo el brazo me duele la espalda", "pain_spreading_arm_jaw", "-"},
	{"me arde al hacer pipi", "pain_or_blood_peeing", "present"},
	/* families of phrasing of blind batch I: pee said as pipi, legs not felt, the arm or belly after the back */
	{"al hacer pipí me arde", "pain_or_blood_peeing", "present"},
	{"cuando hago pis me escuece muchisimo", "pain_or_blood_peeing", "present"},
	{"me cuesta cuando hago pis", "bladder_bowel_control_loss", "present"},
	{"no me puedo aguantar la pipí, se me sale sola", "bladder_bowel_control_loss", "present"},
	{"no puedo aguantar el pis", "bladder_bowel_control_loss", "present"},
	{"tampoco siento bien las piernas", "leg_weakness_numbness", "present"},
	{"no siento bien los pies desde ayer", "leg_weakness_numbness", "present"},
	{"me duele la espalda arriba y el brazo izquierdo", "pain_spreading_arm_jaw", "present"},
	{"me duele la espalda y el brazo derecho esta flojo", "pain_spreading_arm_jaw", "-"},
	{"me duele la espalda del lado derecho y la panza", "abdominal_pain_vomiting", "present"},
	{"nunca me he inyectado nada", "iv_drug_use", "denied"},
	{"no tengo ningún granito ni ronchas", "one_sided_rash", "denied"},
	{"tengo unas ronchas en la espalda", "one_sided_rash", "uncertain"},
	{"mi compadre tuvo herpes zóster", "one_sided_rash", "-"},
	{"nunca me había lesionado la espalda", "previous_injury", "denied"},
	{"tengo escoliosis y uso faja", "band_pain_around_body", "-"},
	{"me aprieta como una faja", "band_pain_around_body", "present"},
	/* a relative's age between the relative and the verb: still someone else's history */
	{"Mi hija de 16 años tiene escoliosis", "known_spine_condition", "-"},
	{"mi madre de 85 tiene osteoporosis", "osteoporosis_or_steroids", "-"},
	{"tengo escoliosis", "known_spine_condition", "present"},
	/* a fall or knock told as a bad one is major only */
	{"me di un golpe fuerte en la espalda", "minor_fall_or_knock", "-"},
	{"me di un golpe fuerte en la espalda", "major_trauma", "present"},
	{"me he caído por las escaleras del metro", "minor_fall_or_knock", "-"},
	{"me di un golpe con la mesa", "minor_fall_or_knock", "present"},
	/* a pain that does not go away lasts; "con nada" makes it the same whatever one does */
	{"tengo un dolor entre los hombros que no se me quita", "constant_pain", "-"},
	{"no se me quita con nada", "constant_pain", "present"},
	{"no se me quita, no tengo fiebre", "fever", "denied"},
	{"el dolor no se me pasa ni tumbada", "night_pain", "present"},
	/* a knock from a car door is a minor one; dark urine is no blood */
	{"me di un golpe con la puerta del coche en la espalda", "major_trauma", "-"},
	{"me di un golpe con la puerta del coche en la espalda", "minor_fall_or_knock", "present"},
	{"choque con el coche y me golpee la espalda", "major_trauma", "present"},
	{"tengo los ojos amarillos, orina oscura", "pain_or_blood_peeing", "-"},
	{"orina color coca cola", "pain_or_blood_peeing", "present"},
	/* a fever felt, not measured, asks; one not measured is not denied; a doubt after the thing */
	{"me siento caliente", "fever", "uncertain"},
	{"estoy destemplado", "fever", "uncertain"},
	{"estoy ardiendo", "fever", "present"},
	{"no me he medido la fiebre", "fever", "uncertain"},
	{"fiebre creo que no", "fever", "uncertain"},
	{"fiebre, no me la he medido", "fever", "uncertain"},
	{"no tengo fiebre, ni me he desmayado", "fever", "denied"},
	/* more idioms */
	{"tengo las piernas como de corcho", "leg_weakness_numbness", "present"},
	{"me cuesta mover las piernas", "leg_weakness_numbness", "present"},
	{"se me durmió la mitad de la cara", "stroke_signs", "present"},
	{"estoy echando la papilla", "abdominal_pain_vomiting", "present"},
	{"no me desmayé, solo me mareé", "sweating_sick_dizzy", "present"},
	/* the opposite of a yes is a no: what relieves it, a pain that comes and goes, a normal life */
	{"si me siento se me quita", "worse_sitting", "denied"},
	{"sentada estoy bien, de pie me mata", "worse_sitting", "denied"},
	{"me duele más cuando estoy sentado", "worse_sitting", "present"},
	{"de pie se me pasa", "worse_standing", "denied"},
	{"me duele a ratos, va y viene", "constant_pain", "denied"},
	{"sigo trabajando, no me impide nada", "stops_daily_activities", "denied"},
	{"no me puedo ni mover", "stops_daily_activities", "present"},
	/* a cough with blood is that question, not a pain worse when coughing */
	{"me duele la espalda al respirar hondo y toso con sangre", "worse_coughing_sneezing", "-"},
	{"cada vez que toso siento un pinchazo en la espalda", "worse_coughing_sneezing", "present"},
	{"tengo sudores por la noche", "sweating_sick_dizzy", "-"},
	{"tengo sudores por la noche", "fever", "uncertain"},
	/* the same movement again and again: "de tanto cargar", "llevando bandejas arriba y abajo" */
	/* the parts of a question: a denial of one part denies nothing, of every part the code */
	{"no estoy mareado", "sweating_sick_dizzy", "-"},
	{"sin mareos, sin sudor, sin náuseas", "sweating_sick_dizzy", "denied"},
	{"no me duele en la noche", "night_pain", "-"},
	{"dolor nocturno: no", "night_pain", "denied"},
	{"sin hormigueos en brazos ni manos", "arm_numbness_tingling", "-"},
	{"no tengo sangrado", "pregnancy_warning_signs", "-"},
	{"no ha empeorado", "getting_worse", "-"},
	{"no tengo la cara torcida", "stroke_signs", "-"},
	{"no me puedo aguantar la pipí", "bladder_bowel_control_loss", "present"},
	/* "de repente sin motivo" is a sudden start (asked) and no cause, both */
	{"me dio de repente sin hacer nada", "sudden_severe_pain", "uncertain"},
	{"me dio de repente sin hacer nada", "no_clear_cause", "present"},
	/* Mexican intensifiers, the crack of a movement, sacks carried */
	{"me vino de golpe un dolor bien feo", "sudden_severe_pain", "present"},
	{"me agaché a recoger a mi niño y crac", "sudden_movement", "present"},
	{"me agaché a recoger a mi niño y crac", "after_lifting_or_exercise", "present"},
	{"trabajo de albañil cargando bultos de cemento", "back_swelling_deformity", "-"},
	{"me salió un bulto en la espalda", "back_swelling_deformity", "present"},
	{"de repente al girarme para coger el bolso noté un pinchazo", "after_lifting_or_exercise", "-"},
	{"puedo trabajar pero con molestias", "stops_daily_activities", "denied"},
	{"es peor when I stand all day", "worse_standing", "present"},
	{"me duele en este sitio cuando estoy peor", "worse_sitting", "-"},
	{"de tanto cargarla me empezó a doler la espalda", "repetitive_tasks", "present"},
	{"muchas horas llevando bandejas arriba y abajo", "repetitive_tasks", "present"},
	/* spelled by ear: b/v, s/z/c, ll/y, r/rr, a silent h */
	{"estoy emvarasada de 5 meses", "pregnant", "present"},
	{"tengo la pantoriya hinchada", "swollen_painful_calf", "present"},
	{"he vajado de peso sin querer", "unexplained_weight_loss", "present"},
	{"me duele la pansa", "abdominal_pain_vomiting", "present"},
	{"tengo un vulto en la columna", "back_swelling_deformity", "present"},
	{"ciento veinte pulsaciones y no siento las piernas", "leg_weakness_numbness", "present"},
	/* "tampoco" before a verb of being able to: it cannot, a symptom, never a no */
	{"Tampoco controlo bien la orina", "bladder_bowel_control_loss", "present"},
	{"no tengo fiebre y tampoco controlo la orina", "bladder_bowel_control_loss", "present"},
	{"no tengo fiebre y tampoco controlo la orina", "fever", "denied"},
	{"tampoco tengo fiebre", "fever", "denied"},
};

static void test_cases(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = status(cases[i].text, cases[i].code);
		if (strcmp(got, cases[i].status) != 0)
			fprintf(stderr, "  \"%s\" %s: read %s\n", cases[i].text, cases[i].code, got);
		CHECK_STR(got, cases[i].status);
	}
}

static void test_numbers(void)
{
	CHECK(number("tengo 28 ninos en clase y tengo 39 anos", 1) == 39);
	CHECK(number("trabaje 20 anos en la misma fabrica", 1) == -1);
	CHECK(number("fumo desde hace 30 anos", 0) == -1);
	/* a list of children's ages, and "madre de tres", are no age nor duration of the writer's */
	CHECK(number("Soy mamá de tres (8, 6 y 2 años) y me duele la espalda", 1) == -1);
	CHECK(number("Soy mamá de tres (8, 6 y 2 años) y me duele la espalda", 0) == -1);
	CHECK(number("mujer de 45 años, dolor desde hace 3 semanas", 1) == 45);
	CHECK(number("me duele la espalda desde hace 2 años", 0) == 730);
	CHECK(number("my back me duele desde hace two weeks", 0) == 14);
	CHECK(number("Hi, soy de Texas, 31 years old", 1) == 31);
	CHECK(number("ayer me agache a levantar a mi nene de 3 anos", 1) == -1);
	CHECK(number("hace una semanita que me duele", 0) == 7);
	CHECK(number("tengo 38 de fiebre desde ayer", 1) == -1);
	CHECK(number("mujer de 45, con 39 de fiebre", 1) == 45);
	CHECK(number("estoy embarazada de 30 semanas y me duele desde hace 4 dias", 0) == 4);
	/* a decimal comma is one number, a temperature and no age; a start told with a Spanish verb of onset */
	CHECK(number("Tengo 38,5 de fiebre y escalofríos. Tengo 27 años.", 1) == 27);
	CHECK(number("Me he caído por las escaleras. Fue ayer.", 0) == 1);
	CHECK(number("ayer me agaché a recoger una caja y crac", 0) == 1);
	CHECK(number("ayer tuve fiebre", 0) == 1); /* a bare day word, when nothing else dates the episode */
	CHECK(number("Tengo 36 semanas de embarazo y 28 años, me duele la espalda", 1) == 28);
	CHECK(number("tengo cero abdominales y me duele la espalda", 1) == -1);
	CHECK(number("me duele la espalda al currar. 25 tacos", 1) == 25);
	CHECK(number("ayer tuve fiebre, el dolor de espalda desde hace 2 semanas", 0) == 14);
	CHECK(number("es el tercer dia con este dolor", 0) == 3);
	CHECK(number("no sé si estoy embarazada, tengo un retraso de 2 semanas y me duele la espalda", 0) == -1);
	CHECK(number("Ya me lesioné la espalda hace 3 años", 0) == -1);
	CHECK(number("hace como un año que me duele la espalda", 0) == 365);
	CHECK(number("tiene osteoporosis y desde ayer tiene un dolor muy fuerte", 0) == 1);
	CHECK(number("desde hace tres meses tengo un dolor en la espalda y he bajado de peso", 0) == 90);
	/* half a unit, or one and a half, without a number: "medio año", "llevo semana y media" */
	CHECK(number("me molesta desde hace medio año", 0) == 180);
	CHECK(number("llevo semana y media con dolor", 0) == 10);
	CHECK(number("hace año y medio que me duele", 0) == 545);
	CHECK(number("me duele en medio de la espalda", 0) == -1);
	CHECK(number("tengo 45 primaveras", 1) == 45);
	/* Spanglish: the English article and fortnight */
	CHECK(number("me duele desde hace a fortnight, creo", 0) == 14);
	CHECK(number("llevo a week con dolor", 0) == 7);
	/* a relative who is the sentence's subject, however long it runs, owns its age */
	CHECK(number("Mi mamá tiene artritis en la columna y tiene 75 años. Yo tengo 50.", 1) == 50);
	CHECK(number("Mi madre tuvo cáncer de mama y yo tengo 45 años", 1) == 45);
	/* a history's time and then the pain's, in one clause */
	CHECK(number("Di a luz hace cinco semanas con epidural y desde hace unos diez días me duele la espalda", 0) ==
	      10);
	CHECK(number("hace diez dias me operaron de una hernia", 0) == -1);
}

int main(void)
{
	C = fixture_content("content");
	if (C == NULL)
		return 1;
	test_cases();
	test_numbers();
	hh_content_free(C);
	return check_done();
}
