/*
 * migrate_plan.c - the pure diff behind `migrate`, `--dry-run` and
 * `migrate status`, and its one printer.
 *
 * Lists are compared through a sorted index per side and kind (binary
 * search): a library holds thousands of entities.
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

/*
 * A side's items sorted by key (ties by position): a library of thousands
 * of files made the linear searches quadratic (tens of millions of strcmp
 * per migrate at 5,000 articles). Lookups are binary searches.
 */
struct index {
	const struct hh_plan_item **p; /* owned array; items borrowed */
	size_t n;
};

static int cmp_item(const void *a, const void *b)
{
	const struct hh_plan_item *x = *(const struct hh_plan_item *const *)a;
	const struct hh_plan_item *y = *(const struct hh_plan_item *const *)b;
	int c = strcmp(x->key, y->key);
	return c != 0 ? c : (x > y) - (x < y);
}

static void index_build(struct index *ix, const struct hh_plan_item *v, size_t n)
{
	ix->p = xcalloc(n + 1, sizeof(*ix->p));
	ix->n = n;
	for (size_t i = 0; i < n; i++)
		ix->p[i] = &v[i];
	if (n > 1)
		qsort(ix->p, n, sizeof(*ix->p), cmp_item);
}

/* The first item with key (its first occurrence), or NULL. */
static const struct hh_plan_item *find(const struct index *ix, const char *key)
{
	size_t lo = 0, hi = ix->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(ix->p[mid]->key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ix->n && strcmp(ix->p[lo]->key, key) == 0 ? ix->p[lo] : NULL;
}

/* Is item the first occurrence of its key (a duplicate is diffed once)? */
static int first_of_key(const struct index *ix, const struct hh_plan_item *item)
{
	return find(ix, item->key) == item;
}

static void add(struct hh_plan *p, enum hh_plan_kind kind, enum hh_plan_state state, const char *key, const char *sum,
		const char *was, long disk)
{
	p->v[p->n++] = (struct hh_plan_entry){kind, state, key, sum, was, disk};
	p->count[kind][state]++;
}

static void diff_kind(struct hh_plan *p, enum hh_plan_kind k, const struct hh_plan_side *disk,
		      const struct hh_plan_side *db)
{
	const struct hh_plan_item *now = disk->v[k], *old = db->v[k];
	struct index ix_now, ix_old;
	index_build(&ix_now, now, disk->n[k]);
	index_build(&ix_old, old, db->n[k]);
	for (size_t i = 0; i < disk->n[k]; i++) {
		if (!first_of_key(&ix_now, &now[i]))
			continue;
		const struct hh_plan_item *o = find(&ix_old, now[i].key);
		enum hh_plan_state st = o == NULL                         ? HH_PLAN_ADDED
					: strcmp(o->sum, now[i].sum) == 0 ? HH_PLAN_SAME
									  : HH_PLAN_CHANGED;
		add(p, k, st, now[i].key, now[i].sum, o != NULL ? o->sum : NULL, (long)i);
	}
	for (size_t i = 0; i < db->n[k]; i++)
		if (first_of_key(&ix_old, &old[i]) && find(&ix_now, old[i].key) == NULL)
			add(p, k, HH_PLAN_REMOVED, old[i].key, NULL, old[i].sum, -1);
	free(ix_now.p);
	free(ix_old.p);
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
