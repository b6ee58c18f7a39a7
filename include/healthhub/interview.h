/*
 * interview.h - the guided interview (API.md "Guided interview"): from the
 * rules, the interview's questions (content/triage/interview.json) and the
 * answers so far, what could still raise the level (unanswered), whether
 * anything could (complete), which "I don't know" answers matter
 * (uncertain) and which question to ask next. Pure: no I/O, no JSON;
 * render_triage.c writes the result.
 *
 * In short (docs/clinical-policy.md, "The guided interview"):
 *   - an unanswered red flag is one answered neither yes nor no ("I don't
 *     know" included) that could raise the level: its own level is above
 *     it, or it is part of a combination above it that the no answers and
 *     the numbers have not ruled out (hazard H-09); or that could change
 *     the care route: part of a route rule at the level, or at a level the
 *     open questions could still raise it to. A flag outside its ages (the
 *     age given) counts as answered no;
 *   - age and duration_days are unanswered while missing and a rule, or a
 *     combination not ruled out, on them is above the level;
 *   - complete: nothing is unanswered;
 *   - next: the first question, in the content's order, with an item (or
 *     number) that is unanswered and not yet asked; once complete, the
 *     first optional pattern question with patterns not yet asked (below
 *     urgent only: above it no causes are shown); else none.
 *
 * Every pointer in the result is borrowed from the content.
 */
#ifndef HEALTHHUB_INTERVIEW_H
#define HEALTHHUB_INTERVIEW_H

#include <stddef.h>

#include "healthhub/content.h"

#define HH_INTERVIEW_MAX_CODES 130 /* unanswered codes and numbers listed; more are dropped (never today: 37) */
#define HH_INTERVIEW_MAX_ITEMS 64  /* items of the next question */

struct hh_triage_input;

/* An "I don't know" that matters: the level it would give, and what to do then. */
struct hh_interview_uncertain {
	const char *code;    /* the red flag answered "I don't know" */
	enum hh_level level; /* the answer's level had it been a yes (above the answer's level) */
	const char *message; /* the flag's message, or the combination's when that is what raises it */
};

struct hh_interview_result {
	int complete; /* nothing unanswered could raise the level */
	/* codes, "age" and "duration_days", most urgent first (what they could raise the level to) */
	const char *unanswered[HH_INTERVIEW_MAX_CODES];
	size_t n_unanswered;
	struct hh_interview_uncertain uncertain[HH_INTERVIEW_MAX_CODES]; /* level desc, then asking order */
	size_t n_uncertain;
	const struct hh_question *next;                               /* NULL: nothing more worth asking */
	int next_required;                                            /* next is required (complete is false) */
	const struct hh_question_item *items[HH_INTERVIEW_MAX_ITEMS]; /* next's items to show, in order */
	size_t n_items;
};

/*
 * Fills *out for the answers in in, at the level the rules gave them
 * (hh_triage_level). Never fails; *out is overwritten.
 */
void hh_interview_eval(const struct hh_content *c, const struct hh_triage_input *in, enum hh_level level,
		       struct hh_interview_result *out);

#endif
