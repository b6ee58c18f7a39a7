/*
 * interview.c - the guided interview: what is still worth asking, as a pure
 * function of the rules, the questions and the answers (interview.h).
 *
 * The one idea: a question is worth asking when a yes to it could still
 * raise the level, or change the care route. A red flag can raise it
 * through its own level, or through a combination rule above the level
 * whose parts the person has not ruled out by answering no, nor by a number
 * outside its ranges (hazard H-09: with cancer_history unanswered or yes,
 * arm_weakness is an emergency question). It can change the route through a
 * route rule at the level, or at one the level could still reach (so
 * pregnancy is asked at urgent, before the answer is final). "I don't know"
 * rules nothing out, so it keeps a flag unanswered and the interview
 * incomplete (hazard H-07). As answers come in the level only rises, the
 * level it could reach only falls, and combinations are only ruled out, so
 * what is worth asking only shrinks: every question is asked at most once,
 * and answering all at once gives what answering one by one gives.
 */
#include "healthhub/interview.h"

#include <string.h>

#include "healthhub/triage.h"

enum answer { A_UNASKED, A_YES, A_NO, A_UNKNOWN };

/* What every step reads: the rules, the answers, the level they give, and how high it could still go. */
struct ctx {
	const struct hh_content *c;
	const struct hh_triage_input *in;
	enum hh_level level;
	enum hh_level reachable; /* the most the open questions could raise the level to (at least level) */
};

static int in_list(const struct hh_symptom *const *v, size_t n, const struct hh_symptom *y)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == y)
			return 1;
	return 0;
}

/*
 * A position stands for its pattern (triage.h), so it answers that pattern
 * yes. A red flag outside its ages is answered no unless the person said yes.
 */
static enum answer answer_of(const struct hh_triage_input *in, const struct hh_symptom *y)
{
	if (in_list(in->symptoms, in->n_symptoms, y) || hh_triage_pattern_reported(in, y))
		return A_YES;
	if (in_list(in->absent, in->n_absent, y) || !hh_triage_flag_applies(y, in->age))
		return A_NO;
	if (in_list(in->unknown, in->n_unknown, y))
		return A_UNKNOWN;
	return A_UNASKED;
}

static int answered_no(const struct hh_content *c, const struct hh_triage_input *in, const char *code)
{
	const struct hh_symptom *y = hh_content_symptom(c, code);
	return y != NULL && answer_of(in, y) == A_NO;
}

/* A number given outside the range: no later answer can bring it back in. */
static int range_missed(const struct hh_range *r, long long v)
{
	return r->given && v >= 0 && (v < r->min || v > r->max);
}

/*
 * No answers can make k fire any more: a no to an all_of part, or to every
 * any_of part, or a number given outside its range.
 */
static int ruled_out(const struct hh_content *c, const struct hh_triage_input *in, const struct hh_combination *k)
{
	if (range_missed(&k->age, in->age) || range_missed(&k->duration_days, in->duration_days))
		return 1;
	for (size_t i = 0; i < k->all_of.n; i++)
		if (answered_no(c, in, k->all_of.v[i]))
			return 1;
	for (size_t i = 0; i < k->any_of.n; i++)
		if (!answered_no(c, in, k->any_of.v[i]))
			return 0;
	return k->any_of.n > 0;
}

static int names(const struct hh_combination *k, const char *code)
{
	for (size_t i = 0; i < k->all_of.n; i++)
		if (strcmp(k->all_of.v[i], code) == 0)
			return 1;
	for (size_t i = 0; i < k->any_of.n; i++)
		if (strcmp(k->any_of.v[i], code) == 0)
			return 1;
	return 0;
}

/* The most a yes to y could raise the level to, given the no answers and numbers so far. */
static enum hh_level potential(const struct hh_content *c, const struct hh_triage_input *in, const struct hh_symptom *y)
{
	enum hh_level lvl = y->level;
	for (size_t i = 0; i < c->policy.n_combinations; i++) {
		const struct hh_combination *k = &c->policy.combinations[i];
		if (k->route == NULL && k->level > lvl && names(k, y->code) && !ruled_out(c, in, k))
			lvl = k->level;
	}
	return lvl;
}

/* Not answered yes or no ("I don't know" included): a red flag that is still a question. */
static int flag_unsettled(const struct hh_triage_input *in, const struct hh_symptom *y)
{
	enum answer a;
	if (y == NULL || y->category != HH_CATEGORY_RED_FLAG)
		return 0;
	a = answer_of(in, y);
	return a == A_UNASKED || a == A_UNKNOWN;
}

/*
 * A yes to y could change the care route: a route rule naming y, not ruled
 * out, at the level the answer has, or at a level it could still rise to
 * (so the question is asked before, not after, the level gets there).
 */
static int route_open(const struct ctx *x, const struct hh_symptom *y)
{
	for (size_t i = 0; i < x->c->policy.n_combinations; i++) {
		const struct hh_combination *k = &x->c->policy.combinations[i];
		if (k->route != NULL && k->level >= x->level && k->level <= x->reachable && names(k, y->code) &&
		    !ruled_out(x->c, x->in, k))
			return 1;
	}
	return 0;
}

/* A red flag not answered yes or no that could raise the level, or change the route. */
static int flag_open(const struct ctx *x, const struct hh_symptom *y)
{
	if (!flag_unsettled(x->in, y))
		return 0;
	return potential(x->c, x->in, y) > x->level || route_open(x, y);
}

/* The highest level a rule or a combination (not ruled out) on field gives, or -1 without one. */
static int number_potential(const struct hh_content *c, const struct hh_triage_input *in, enum hh_rule_field field)
{
	int lvl = -1;
	for (size_t i = 0; i < c->policy.n_rules; i++) {
		const struct hh_rule *r = &c->policy.rules[i];
		if (r->kind == HH_RULE_NUMBER && r->field == field && (int)r->level > lvl)
			lvl = (int)r->level;
	}
	for (size_t i = 0; i < c->policy.n_combinations; i++) {
		const struct hh_combination *k = &c->policy.combinations[i];
		const struct hh_range *r = field == HH_RULE_AGE ? &k->age : &k->duration_days;
		if (k->route == NULL && r->given && (int)k->level > lvl && !ruled_out(c, in, k))
			lvl = (int)k->level;
	}
	return lvl;
}

static int number_open(const struct ctx *x, enum hh_rule_field field)
{
	long long v = field == HH_RULE_AGE ? x->in->age : x->in->duration_days;
	return v < 0 && number_potential(x->c, x->in, field) > (int)x->level;
}

/* The most the level could still rise to: the level, or what an open flag or number could give. */
static enum hh_level reachable(const struct hh_content *c, const struct hh_triage_input *in, enum hh_level level)
{
	int top = (int)level;
	for (size_t i = 0; i < c->n_symptoms; i++) {
		const struct hh_symptom *y = &c->symptoms[i];
		if (flag_unsettled(in, y) && (int)potential(c, in, y) > top)
			top = (int)potential(c, in, y);
	}
	for (int f = HH_RULE_AGE; f <= HH_RULE_DURATION_DAYS; f++) {
		long long v = f == HH_RULE_AGE ? in->age : in->duration_days;
		int p = number_potential(c, in, (enum hh_rule_field)f);
		if (v < 0 && p > top)
			top = p;
	}
	return (enum hh_level)top;
}

/* ------------------------------------------------------------ unanswered */

struct slot {
	const char *code;
	int level; /* what a yes (or the number) could raise the level to */
};

struct slots {
	struct slot v[HH_INTERVIEW_MAX_CODES];
	size_t n;
};

static void slot_add(struct slots *s, const char *code, int level)
{
	if (s->n < HH_INTERVIEW_MAX_CODES)
		s->v[s->n++] = (struct slot){code, level};
}

static void add_flag(const struct ctx *x, const struct hh_symptom *y, struct slots *s)
{
	if (!flag_open(x, y))
		return;
	/* a question that only changes the route is as urgent as the level it is asked at */
	enum hh_level p = potential(x->c, x->in, y);
	slot_add(s, y->code, (int)(p > x->level ? p : x->level));
}

static void add_number(const struct ctx *x, enum hh_rule_field field, struct slots *s)
{
	if (number_open(x, field))
		slot_add(s, hh_rule_field_name(field), number_potential(x->c, x->in, field));
}

/* Everything open, in asking order: the interview's, or without one the symptoms' order then the numbers. */
static void collect_open(const struct ctx *x, struct slots *s)
{
	const struct hh_content *c = x->c;
	s->n = 0;
	if (c->n_questions == 0) {
		for (size_t i = 0; i < c->n_symptoms; i++)
			add_flag(x, &c->symptoms[i], s);
		add_number(x, HH_RULE_AGE, s);
		add_number(x, HH_RULE_DURATION_DAYS, s);
		return;
	}
	for (size_t i = 0; i < c->n_questions; i++) {
		const struct hh_question *q = &c->questions[i];
		if (q->type == HH_QUESTION_INTEGER) {
			add_number(x, q->field, s);
			continue;
		}
		for (size_t k = 0; q->covers != HH_QUESTION_PATTERNS && k < q->n_items; k++)
			add_flag(x, q->items[k].symptom, s);
	}
}

/* Stable, most urgent first: an insertion sort over a few dozen slots. */
static void sort_slots(struct slots *s)
{
	for (size_t i = 1; i < s->n; i++) {
		struct slot x = s->v[i];
		size_t j = i;
		for (; j > 0 && s->v[j - 1].level < x.level; j--)
			s->v[j] = s->v[j - 1];
		s->v[j] = x;
	}
}

/* ------------------------------------------------------------ uncertain */

/* The level had y been answered yes, and the message that says what to do then. */
static enum hh_level if_yes(const struct hh_content *c, const struct hh_triage_input *in, const struct hh_symptom *y,
			    const char **message)
{
	struct hh_triage_input with = *in;
	if (with.n_symptoms < HH_TRIAGE_MAX_SYMPTOMS)
		with.symptoms[with.n_symptoms++] = y;
	enum hh_level lvl = hh_triage_level(c, &with);
	*message = y->message;
	if (y->level >= lvl)
		return lvl;
	for (size_t i = 0; i < c->policy.n_combinations; i++) {
		const struct hh_combination *k = &c->policy.combinations[i];
		if (k->level == lvl && hh_triage_combination_fires(k, &with)) {
			*message = k->message;
			break;
		}
	}
	return lvl;
}

static void eval_uncertain(const struct hh_content *c, const struct hh_triage_input *in, enum hh_level level,
			   struct hh_interview_result *out)
{
	for (size_t i = 0; i < c->n_symptoms && out->n_uncertain < HH_INTERVIEW_MAX_CODES; i++) {
		const struct hh_symptom *y = &c->symptoms[i];
		const char *message;
		if (y->category != HH_CATEGORY_RED_FLAG || answer_of(in, y) != A_UNKNOWN)
			continue;
		enum hh_level lvl = if_yes(c, in, y, &message);
		if (lvl > level)
			out->uncertain[out->n_uncertain++] = (struct hh_interview_uncertain){y->code, lvl, message};
	}
	/* Most urgent first; content order (red flags by level) within, as an insertion sort keeps it. */
	for (size_t i = 1; i < out->n_uncertain; i++) {
		struct hh_interview_uncertain x = out->uncertain[i];
		size_t j = i;
		for (; j > 0 && out->uncertain[j - 1].level < x.level; j--)
			out->uncertain[j] = out->uncertain[j - 1];
		out->uncertain[j] = x;
	}
}

/* ------------------------------------------------------------ next question */

/* A question's items still to show: open red flags never asked, or (optional) patterns never asked. */
static size_t pick_items(const struct ctx *x, const struct hh_question *q, struct hh_interview_result *out)
{
	out->n_items = 0;
	for (size_t k = 0; k < q->n_items && out->n_items < HH_INTERVIEW_MAX_ITEMS; k++) {
		const struct hh_symptom *y = q->items[k].symptom;
		int show = y != NULL && answer_of(x->in, y) == A_UNASKED &&
			   (q->covers == HH_QUESTION_PATTERNS || flag_open(x, y));
		if (show)
			out->items[out->n_items++] = &q->items[k];
	}
	return out->n_items;
}

static int worth_asking(const struct ctx *x, const struct hh_question *q, int optional, struct hh_interview_result *out)
{
	if (q->type == HH_QUESTION_INTEGER)
		return !optional && number_open(x, q->field);
	if ((q->covers == HH_QUESTION_PATTERNS) != optional)
		return 0;
	return pick_items(x, q, out) > 0;
}

/*
 * Required questions while incomplete; once complete, the optional pattern
 * questions, only below urgent (above it the answer shows no causes, so
 * they would rank nothing). Questions whose open items were all answered
 * "I don't know" are not asked again.
 */
static void eval_next(const struct ctx *x, struct hh_interview_result *out)
{
	int optional = out->complete;
	if (optional && x->level >= HH_LEVEL_URGENT)
		return;
	for (size_t i = 0; i < x->c->n_questions; i++) {
		if (worth_asking(x, &x->c->questions[i], optional, out)) {
			out->next = &x->c->questions[i];
			out->next_required = !optional;
			return;
		}
	}
	out->n_items = 0;
}

void hh_interview_eval(const struct hh_content *c, const struct hh_triage_input *in, enum hh_level level,
		       struct hh_interview_result *out)
{
	struct slots s;
	struct ctx x = {c, in, level, reachable(c, in, level)};
	memset(out, 0, sizeof(*out));
	collect_open(&x, &s);
	sort_slots(&s);
	for (size_t i = 0; i < s.n; i++)
		out->unanswered[out->n_unanswered++] = s.v[i].code;
	out->complete = out->n_unanswered == 0;
	eval_uncertain(c, in, level, out);
	eval_next(&x, out);
}
