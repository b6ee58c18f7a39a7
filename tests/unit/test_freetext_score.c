/*
 * test_freetext_score.c - scores the free-text reader against the labelled
 * messages of tests/data/freetext/labelled-*.jsonl (one JSON object a line:
 * id, lang, country, text, labels {code: present|denied|uncertain ("unknown" alike)}, age,
 * duration_days) and fails under the targets of issue 23 (labelled-unseen.jsonl,
 * when present, is scored apart and only reported, and so is each blind batch
 * of the table `blind` below, per language, and all of them together):
 *
 *   red-flag recall >= 0.95  a red flag labelled present or uncertain is read present or uncertain
 *   red flags in absent == 0 (also checked by construction in test_textparse)
 *   F1 on code+status >= 0.85
 *   negation >= 0.85          of the labelled codes the reader found, the denied/not-denied call is right
 *   age >= 0.90, duration >= 0.85  over the messages where the label or the reader gives a number
 *
 * The code's status read: in symptoms -> present, unknown -> uncertain,
 * absent -> denied, else a denied mention -> denied. Prints per-code
 * precision and recall, and every figure per language and overall.
 * `test_freetext_score -v` also prints every miss, under its message's text;
 * `test_freetext_score -v blind-g` only those of the files whose name holds
 * "blind-g". A batch whose file is missing is skipped and said so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "check.h"
#include "fixture.h"

#include "healthhub/i18n.h"
#include "healthhub/textparse.h"

#define MAX_CODES 96

struct tally {
	int tp, fp, fn;        /* code+status pairs */
	int rf_gold, rf_found; /* red flags labelled present/uncertain, read present/uncertain */
	int rf_absent;         /* red flags put in absent (must stay 0) */
	int neg_n, neg_ok;     /* labelled codes the reader found: denied call right */
	int age_n, age_ok, dur_n, dur_ok;
	int messages;
	int code_tp[MAX_CODES], code_fp[MAX_CODES], code_fn[MAX_CODES];
};

static struct hh_content *C;
static int verbose;
static const char *verbose_only; /* -v WORD: only the misses of files whose name holds WORD */
static int verbose_now;          /* the misses of the file being scored are printed */

static int has(const struct hh_symptom *const *v, size_t n, const struct hh_symptom *y)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == y)
			return 1;
	return 0;
}

/* What the reader says of y: "present", "uncertain", "denied" or NULL. */
static const char *read_status(const struct hh_textparse_result *r, const struct hh_symptom *y)
{
	const struct hh_triage_input *in = &r->request;
	if (has(in->symptoms, in->n_symptoms, y))
		return "present";
	if (has(in->unknown, in->n_unknown, y))
		return "uncertain";
	if (has(in->absent, in->n_absent, y))
		return "denied";
	for (size_t i = 0; i < r->n_mentions; i++)
		if (r->mentions[i].kind == HH_MENTION_CODE && r->mentions[i].symptom == y &&
		    r->mentions[i].status == HH_MENTION_DENIED)
			return "denied";
	return NULL;
}

static long long number(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

static void score_one(json_t *msg, struct tally *t)
{
	const char *id = json_string_value(json_object_get(msg, "id"));
	const char *text = json_string_value(json_object_get(msg, "text"));
	const char *country = json_string_value(json_object_get(msg, "country"));
	enum hh_lang lang = HH_LANG_EN;
	json_t *labels = json_object_get(msg, "labels");
	CHECK(text != NULL && json_is_object(labels) &&
	      hh_lang_parse(json_string_value(json_object_get(msg, "lang")), &lang) == 0);
	if (text == NULL || !json_is_object(labels))
		return;
	struct hh_textparse_result *r = xmalloc(sizeof(*r));
	hh_textparse(C, lang, country, text, strlen(text), r);
	t->messages++;
	int shown = 0; /* the text is printed above the message's first miss */
	for (size_t i = 0; i < r->request.n_absent; i++)
		t->rf_absent += r->request.absent[i]->category == HH_CATEGORY_RED_FLAG;
	for (size_t i = 0; i < C->n_symptoms && i < MAX_CODES; i++) {
		const struct hh_symptom *y = &C->symptoms[i];
		const char *got = read_status(r, y);
		const char *want = json_string_value(json_object_get(labels, y->code));
		if (want != NULL && strcmp(want, "unknown") == 0)
			want = "uncertain"; /* the request's word for it (batch F's writer used it) */
		if (want != NULL && got != NULL && strcmp(want, got) == 0) {
			t->tp++;
			t->code_tp[i]++;
		} else {
			if (got != NULL) {
				t->fp++;
				t->code_fp[i]++;
			}
			if (want != NULL) {
				t->fn++;
				t->code_fn[i]++;
			}
			if (verbose_now && (got != NULL || want != NULL) && !shown++)
				printf("%s: %s\n", id, text);
			if (verbose_now && (got != NULL || want != NULL))
				printf("  %s %s: read %s, labelled %s\n", id, y->code, got ? got : "-",
				       want ? want : "-");
		}
		if (want != NULL && y->category == HH_CATEGORY_RED_FLAG && strcmp(want, "denied") != 0) {
			t->rf_gold++;
			t->rf_found += got != NULL && strcmp(got, "denied") != 0;
		}
		if (want != NULL && got != NULL) {
			t->neg_n++;
			t->neg_ok += (strcmp(want, "denied") == 0) == (strcmp(got, "denied") == 0);
		}
	}
	long long age = number(msg, "age"), days = number(msg, "duration_days");
	if (age >= 0 || r->request.age >= 0) {
		t->age_n++;
		t->age_ok += age == r->request.age;
		if (verbose_now && age != r->request.age && !shown++)
			printf("%s: %s\n", id, text);
		if (verbose_now && age != r->request.age)
			printf("  %s age: read %lld, labelled %lld\n", id, r->request.age, age);
	}
	if (days >= 0 || r->request.duration_days >= 0) {
		t->dur_n++;
		t->dur_ok += days == r->request.duration_days;
		if (verbose_now && days != r->request.duration_days && !shown++)
			printf("%s: %s\n", id, text);
		if (verbose_now && days != r->request.duration_days)
			printf("  %s duration_days: read %lld, labelled %lld\n", id, r->request.duration_days, days);
	}
	free(r);
}

/*
 * Scores each message of path into t, or, when es is not NULL, English into t
 * and Spanish into es. 0, or -1 when the file is missing (a batch not dropped yet).
 */
static int score_file_split(const char *path, struct tally *t, struct tally *es)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return -1;
	verbose_now = verbose && (verbose_only == NULL || strstr(path, verbose_only) != NULL);
	char line[16384];
	while (fgets(line, sizeof(line), f) != NULL) {
		if (line[0] == '\n' || line[0] == '#')
			continue;
		json_error_t err;
		json_t *msg = json_loads(line, 0, &err);
		if (msg == NULL)
			fprintf(stderr, "%s:%d: %s\n", path, err.line, err.text);
		CHECK(msg != NULL);
		const char *lang = msg != NULL ? json_string_value(json_object_get(msg, "lang")) : NULL;
		if (msg != NULL)
			score_one(msg, es != NULL && lang != NULL && strcmp(lang, "es") == 0 ? es : t);
		json_decref(msg);
	}
	fclose(f);
	return 0;
}

static void score_file(const char *path, struct tally *t)
{
	(void)score_file_split(path, t, NULL);
}

static double ratio(int a, int b)
{
	return b > 0 ? (double)a / b : 1.0;
}

struct figures {
	double f1, rf_recall, negation, age, duration;
};

static struct figures report(const char *what, const struct tally *t, int per_code)
{
	struct figures g;
	double p = ratio(t->tp, t->tp + t->fp), r = ratio(t->tp, t->tp + t->fn);
	g.f1 = p + r > 0 ? 2 * p * r / (p + r) : 0;
	g.rf_recall = ratio(t->rf_found, t->rf_gold);
	g.negation = ratio(t->neg_ok, t->neg_n);
	g.age = ratio(t->age_ok, t->age_n);
	g.duration = ratio(t->dur_ok, t->dur_n);
	printf("%s: %d messages\n", what, t->messages);
	printf("  code+status  precision %.3f  recall %.3f  F1 %.3f  (%d right, %d wrong reads, %d missed)\n", p, r,
	       g.f1, t->tp, t->fp, t->fn);
	printf("  red-flag recall %.3f (%d/%d)  red flags in absent: %d\n", g.rf_recall, t->rf_found, t->rf_gold,
	       t->rf_absent);
	printf("  negation accuracy %.3f (%d/%d)\n", g.negation, t->neg_ok, t->neg_n);
	printf("  age accuracy %.3f (%d/%d)  duration accuracy %.3f (%d/%d)\n", g.age, t->age_ok, t->age_n, g.duration,
	       t->dur_ok, t->dur_n);
	if (per_code) {
		printf("  %-28s %9s %9s %5s\n", "code", "precision", "recall", "n");
		for (size_t i = 0; i < C->n_symptoms && i < MAX_CODES; i++) {
			int tp = t->code_tp[i], fp = t->code_fp[i], fn = t->code_fn[i];
			if (tp + fp + fn == 0)
				continue;
			printf("  %-28s %9.2f %9.2f %5d\n", C->symptoms[i].code, ratio(tp, tp + fp), ratio(tp, tp + fn),
			       tp + fn);
		}
	}
	return g;
}

static void add(struct tally *sum, const struct tally *t)
{
	int *a = (int *)sum;
	const int *b = (const int *)t;
	for (size_t i = 0; i < sizeof(*t) / sizeof(int); i++)
		a[i] += b[i];
}

/*
 * The batches written blind to the phrases, oldest first: each is reported per
 * language and never tuned to before its first run was recorded (README.md,
 * "Free text"). A batch not dropped into tests/data/freetext/ yet is skipped.
 */
static const struct batch {
	const char *file, *label, *note;
} blind[] = {
	{"blind-c.jsonl", "C", "written blind, before its misses were studied"},
	{"blind-d.jsonl", "D", "written after the fixes for C"},
	{"blind-e.jsonl", "E", "written after the fixes for D"},
	{"blind-f.jsonl", "F", "written without the phrase lists, scored once the concepts were frozen"},
	{"blind-g.jsonl", "G", "written without the phrase lists, first run on the reader of F"},
	{"blind-h.jsonl", "H", "written without the phrase lists"},
	{"blind-i.jsonl", "I",
	 "written without the phrase lists; first run on the merged reader of G and H: en F1 0.781, "
	 "red-flag recall 0.842, es 0.776, 0.912"},
	{"blind-j.jsonl", "J",
	 "written without the phrase lists; first run on the final reader of this stop (cb28cb2)"},
	{"blind-k.jsonl", "K",
	 "120 Spanish, five countries' Spanish; first run on 5aa6b28: F1 0.828, red-flag recall 0.846, age 0.723"},
	{"blind-l.jsonl", "L",
	 "forms and portals, written for relatives; first run on e0935d1: en F1 0.792, red-flag recall 0.894, "
	 "es 0.819, 0.857 (ages of relatives labelled as the writer's convention, 12 relabelled since)"},
	{"blind-m.jsonl", "M",
	 "chat-box, dangers said obliquely; first run on d1b22fa: en F1 0.842, red-flag recall 0.929, "
	 "es 0.942, 0.951"},
	{"blind-n.jsonl", "N",
	 "dictated, rambling, long lists of denials; first run on d1b22fa: en F1 0.866, red-flag recall 0.890, "
	 "es 0.855, 0.910"},
	{"blind-o.jsonl", "O",
	 "many kinds of writer, half short; first run on 3c005cd: en F1 0.817, red-flag recall 0.897, es 0.844, 0.898"},
	{"blind-p.jsonl", "P",
	 "'tell us what is going on': lists, stories, questions; first run on 3c005cd: en F1 0.864, red-flag "
	 "recall 0.918, es 0.857, 0.933"},
	{"blind-q.jsonl", "Q",
	 "GB, US, Irish, Scottish, Australian, Canadian and Spanish voices; first run on 4622e26: en F1 0.756, "
	 "red-flag recall 0.745, es 0.854, 0.910"},
	{"blind-r.jsonl", "R",
	 "sixty people a language, every red flag twice; first run on 4622e26: en F1 0.861, red-flag recall 0.918, "
	 "es 0.800, 0.914"},
	{"blind-s.jsonl", "S",
	 "what a triage nurse finds hardest: buried facts, afterthoughts, minimising; first run on fd37312: en F1 "
	 "0.826, red-flag recall 0.893, es 0.829, 0.939"},
	{"blind-t.jsonl", "T",
	 "quick phone messages, one to three sentences; first run on fd37312: en F1 0.856, red-flag recall 0.952, "
	 "es 0.850, 0.915"},
	{"blind-u.jsonl", "U",
	 "sixty imagined people a language; first run on 79bda28: en F1 0.792, red-flag recall 0.907, es 0.820, 0.872"},
	{"blind-v.jsonl", "V",
	 "late at night or in a hurry; first run on 79bda28: en F1 0.860, red-flag recall 0.948, es 0.808, 0.935"},
	{"blind-w.jsonl", "W",
	 "every age and walk of life; first run on 00d8a72: en F1 0.846, red-flag recall 0.912, es 0.869, 0.974"},
	{"blind-x.jsonl", "X",
	 "not sure whether it matters; first run on 00d8a72: en F1 0.767, red-flag recall 0.872, es 0.889, 0.967"},
	{"blind-y.jsonl", "Y",
	 "a QA team's held-out set; first run on ff26c39: en F1 0.869, red-flag recall 0.959, duration 0.969, es "
	 "0.881, 0.939, 0.933"},
	{"blind-z.jsonl", "Z",
	 "a week of a back-pain app's users; first run on ff26c39: en F1 0.837, red-flag recall 0.892, duration 0.892, "
	 "es 0.885, 0.942, 0.833"},
	{"blind-aa.jsonl", "AA",
	 "a symptom-checker chat, abbreviations and panic; first run on 93ccffb: en F1 0.890, red-flag recall 0.961, "
	 "duration 0.893, es 0.852, 0.986, 0.905"},
	{"blind-ab.jsonl", "AB",
	 "every code twice, one person a message; first run on 93ccffb: en F1 0.886, red-flag recall 0.988, duration "
	 "0.962, es 0.890, 0.986, 1.000"},
	{"blind-ac.jsonl", "AC",
	 "a clinical QA lead's acceptance set, every kind the issue lists; first run on c4539ae: en F1 0.894, red-flag "
	 "recall 0.963, duration 0.920, age 0.933, es 0.900, 0.971, 1.000, 0.900"},
	{"blind-ad.jsonl", "AD",
	 "sixty different people per language, dangers in their own words; first run on 3a64815: en F1 0.850, red-flag "
	 "recall 0.926, duration 0.884, es 0.868, 0.965, 0.875"},
	{"blind-ae.jsonl", "AE",
	 "dangers in everyday words, nine Englishes and eight Spanishes; first run on 8b0db3f: en F1 0.864, red-flag "
	 "recall 0.914, duration 0.783, age 0.783, es 0.899, 0.932, 0.917, 1.000"},
	{"blind-af.jsonl", "AF",
	 "half long and rambling, half short and fast, forms pasted; first run on 61626b2: en F1 0.795, red-flag "
	 "recall 0.930, duration 0.871, es 0.825, 0.935, 0.933"},
	{"blind-ai.jsonl", "AI",
	 "back pain and one to four other things, dangerous or not, a third denied or doubted; first run on 2b25a21: "
	 "en F1 0.864, red-flag recall 0.975, duration 0.846, es 0.898, 0.981, 0.947"},
	{"blind-aj.jsonl", "AJ",
	 "a health line's web form, in the person's own words; first run on 2b25a21: en F1 0.854, red-flag recall "
	 "0.965, duration 0.895, es 0.911, 0.949, 0.900"},
	{"blind-ag.jsonl", "AG",
	 "a product owner's held-out set, every kind the issue lists; first run on 2b25a21: en F1 0.863, red-flag "
	 "recall 0.962, duration 0.941, es 0.904, 0.953, 0.929"},
	{"blind-ah.jsonl", "AH",
	 "a symptom checker's busy Monday; first run on 2b25a21: en F1 0.917, red-flag recall 0.932, duration 0.840, "
	 "es 0.900, 0.962, 1.000"},
	{"blind-ak.jsonl", "AK",
	 "a clinical safety review's test set; first run on f19ae2b: en F1 0.874, red-flag recall 0.966, duration "
	 "0.885, age 0.850, es 0.893, 0.969, 0.810, 1.000"},
	{"blind-al.jsonl", "AL",
	 "a small town over a month, each in their own voice; first run on f19ae2b: en F1 0.875, red-flag recall "
	 "0.979, duration 0.925, age 1.000, es 0.907, 0.964, 0.970, 0.900"},
	{"blind-am.jsonl", "AM",
	 "a health service's testers before release; first run on 98446c7: en F1 0.908, red-flag recall 1.000, "
	 "duration 0.929, age 0.917, es 0.900, 0.986, 0.958, 1.000"},
	{"blind-an.jsonl", "AN",
	 "a triage nurse's inbox over a fortnight; first run on 98446c7: en F1 0.861, red-flag recall 0.957, duration "
	 "0.929, age 1.000, es 0.888, 0.988, 0.966, 1.000"},
};

int main(int argc, char **argv)
{
	verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
	verbose_only = verbose && argc > 2 ? argv[2] : NULL;
	C = fixture_content("content");
	if (C == NULL)
		return 1;
	struct tally en, es, all, late, blind_en, blind_es;
	memset(&en, 0, sizeof(en));
	memset(&es, 0, sizeof(es));
	memset(&all, 0, sizeof(all));
	memset(&late, 0, sizeof(late));
	memset(&blind_en, 0, sizeof(blind_en));
	memset(&blind_es, 0, sizeof(blind_es));
	score_file("tests/data/freetext/labelled-en.jsonl", &en);
	score_file("tests/data/freetext/labelled-es.jsonl", &es);
	/* messages nobody tuned the phrases on (a held-out set dropped here): reported apart, not a target */
	score_file("tests/data/freetext/labelled-unseen.jsonl", &late);
	add(&all, &en);
	add(&all, &es);
	report("English", &en, verbose);
	report("Spanish", &es, verbose);
	struct figures g = report("Both", &all, 1);
	if (late.messages > 0)
		report("Held out (labelled-unseen.jsonl, not counted above)", &late, verbose);
	int batches = 0;
	for (size_t b = 0; b < sizeof(blind) / sizeof(blind[0]); b++) {
		char path[256], what[256];
		struct tally *t = xcalloc(2, sizeof(*t)); /* English, Spanish */
		snprintf(path, sizeof(path), "tests/data/freetext/%s", blind[b].file);
		if (score_file_split(path, &t[0], &t[1]) < 0) {
			printf("Blind batch %s (%s): not there yet, skipped\n", blind[b].label, blind[b].file);
			free(t);
			continue;
		}
		batches++;
		for (int l = 0; l < 2; l++) {
			snprintf(what, sizeof(what), "Blind batch %s, %s (%s, %s; not counted above)", blind[b].label,
				 l == 0 ? "English" : "Spanish", blind[b].file, blind[b].note);
			if (t[l].messages > 0)
				report(what, &t[l], verbose);
			CHECK(t[l].rf_absent == 0);
		}
		add(&blind_en, &t[0]);
		add(&blind_es, &t[1]);
		free(t);
	}
	if (batches > 0) {
		char what[128];
		snprintf(what, sizeof(what), "Every blind batch together (%d), English", batches);
		report(what, &blind_en, 0);
		snprintf(what, sizeof(what), "Every blind batch together (%d), Spanish", batches);
		report(what, &blind_es, 0);
	}
	CHECK(late.rf_absent == 0);
	CHECK(all.messages >= 150);
	CHECK(all.rf_absent == 0);
	CHECK(g.rf_recall >= 0.95);
	CHECK(g.f1 >= 0.85);
	CHECK(g.negation >= 0.85);
	CHECK(g.age >= 0.90);
	CHECK(g.duration >= 0.85);
	hh_content_free(C);
	return check_done();
}
