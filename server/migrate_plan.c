/*
 * migrate_plan.c - the pure diff behind `migrate`, `--dry-run` and
 * `migrate status`, and its one printer.
 *
 * Lists are compared by linear search: a content folder holds hundreds of
 * entities, not millions, and a diff runs once per migrate.
 */
#include "healthhub/migrate_plan.h"

#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {
#define X(id, name) name,
	HH_PLAN_KINDS(X)
#undef X
};

const char *hh_plan_kind_name(enum hh_plan_kind k)
{
	return (unsigned)k < HH_PLAN_KIND_COUNT ? kind_names[k] : "?";
}

/* The first item with key, or NULL. */
static const struct hh_plan_item *find(const struct hh_plan_item *v, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].key, key) == 0)
			return &v[i];
	return NULL;
}

/* Is v[i] the first occurrence of its key (a duplicate is diffed once)? */
static int first_of_key(const struct hh_plan_item *v, size_t i)
{
	return find(v, i, v[i].key) == NULL;
}

static void add(struct hh_plan *p, enum hh_plan_kind kind, enum hh_plan_state state, const char *key,
		const char *sum, const char *was)
{
	p->v[p->n++] = (struct hh_plan_entry){kind, state, key, sum, was};
	p->count[kind][state]++;
}

static void diff_kind(struct hh_plan *p, enum hh_plan_kind k, const struct hh_plan_side *disk,
		      const struct hh_plan_side *db)
{
	const struct hh_plan_item *now = disk->v[k], *old = db->v[k];
	for (size_t i = 0; i < disk->n[k]; i++) {
		if (!first_of_key(now, i))
			continue;
		const struct hh_plan_item *o = find(old, db->n[k], now[i].key);
		enum hh_plan_state st = o == NULL                       ? HH_PLAN_ADDED
					: strcmp(o->sum, now[i].sum) == 0 ? HH_PLAN_SAME
									  : HH_PLAN_CHANGED;
		add(p, k, st, now[i].key, now[i].sum, o != NULL ? o->sum : NULL);
	}
	for (size_t i = 0; i < db->n[k]; i++)
		if (first_of_key(old, i) && find(now, disk->n[k], old[i].key) == NULL)
			add(p, k, HH_PLAN_REMOVED, old[i].key, NULL, old[i].sum);
}

void hh_plan_diff(const struct hh_plan_side *disk, const struct hh_plan_side *db, struct hh_plan *out)
{
	size_t most = 1;
	memset(out, 0, sizeof(*out));
	for (int k = 0; k < HH_PLAN_KIND_COUNT; k++)
		most += disk->n[k] + db->n[k];
	out->v = xcalloc(most, sizeof(*out->v));
	for (int k = 0; k < HH_PLAN_KIND_COUNT; k++)
		diff_kind(out, (enum hh_plan_kind)k, disk, db);
}

void hh_plan_free(struct hh_plan *p)
{
	if (p == NULL)
		return;
	free(p->v);
	memset(p, 0, sizeof(*p));
}

size_t hh_plan_count(const struct hh_plan *p, unsigned mask, enum hh_plan_state state)
{
	size_t n = 0;
	for (int k = 0; k < HH_PLAN_KIND_COUNT; k++)
		if (mask & HH_PLAN_MASK(k))
			n += p->count[k][state];
	return n;
}

size_t hh_plan_changes(const struct hh_plan *p, unsigned mask)
{
	return hh_plan_count(p, mask, HH_PLAN_ADDED) + hh_plan_count(p, mask, HH_PLAN_CHANGED) +
	       hh_plan_count(p, mask, HH_PLAN_REMOVED);
}

/* ------------------------------------------------------------ printing */

static const char *const change_words[HH_PLAN_STATE_COUNT] = {"unchanged", "added", "changed", "removed"};

/*
 * Listing words: a migration is applied or pending, and an applied file
 * that changed or vanished is an error ("!"); a content file that changed
 * or vanished is simply what the next migrate will load.
 */
static const char *const migration_words[HH_PLAN_STATE_COUNT] = {"applied", "pending", "changed!", "missing!"};
static const char *const file_words[HH_PLAN_STATE_COUNT] = {"applied", "pending", "changed", "removed"};

static void print_listing(const struct hh_plan_entry *e, FILE *out)
{
	int is_migration = e->kind == HH_PLAN_MIGRATION;
	const char *word = (is_migration ? migration_words : file_words)[e->state];
	fprintf(out, "  %-9s %s %s", word, e->sum != NULL ? e->sum : e->was, e->key);
	if (e->state == HH_PLAN_CHANGED)
		fprintf(out, " (%s %s)", is_migration ? "recorded" : "loaded", e->was);
	else if (e->state == HH_PLAN_REMOVED && is_migration)
		fputs(" (applied, file not found)", out);
	fputc('\n', out);
}

void hh_plan_print(const struct hh_plan *p, unsigned mask, enum hh_plan_style style, FILE *out)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct hh_plan_entry *e = &p->v[i];
		if (!(mask & HH_PLAN_MASK(e->kind)))
			continue;
		if (style == HH_PLAN_LISTING)
			print_listing(e, out);
		else if (e->state != HH_PLAN_SAME)
			fprintf(out, "  %s %s: %s\n", hh_plan_kind_name(e->kind), change_words[e->state], e->key);
	}
	if (style == HH_PLAN_CHANGES)
		fprintf(out, "  %zu added, %zu changed, %zu removed\n", hh_plan_count(p, mask, HH_PLAN_ADDED),
			hh_plan_count(p, mask, HH_PLAN_CHANGED), hh_plan_count(p, mask, HH_PLAN_REMOVED));
}
