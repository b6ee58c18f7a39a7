/* test_migrate_plan.c - the pure diff behind migrate, --dry-run and status, and its printer. */
#include "check.h"

#include <stdlib.h>

#include "healthhub/migrate_plan.h"

/* The entry of kind and key, or NULL. */
static const struct hh_plan_entry *entry(const struct hh_plan *p, enum hh_plan_kind kind, const char *key)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].kind == kind && strcmp(p->v[i].key, key) == 0)
			return &p->v[i];
	return NULL;
}

/* What hh_plan_print writes, as a string (caller frees). */
static char *printed(const struct hh_plan *p, unsigned mask, enum hh_plan_style style)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	hh_plan_print(p, mask, style, f);
	fclose(f);
	return buf;
}

static void entities(void)
{
	static const struct hh_plan_item disk_causes[] = {{"sciatica", "s1"}, {"poor-posture", "p2"}, {"new", "n1"}};
	static const struct hh_plan_item db_causes[] = {{"gone", "g1"}, {"poor-posture", "p1"}, {"sciatica", "s1"}};
	static const struct hh_plan_item disk_rules[] = {{"triage", "a1"}};
	struct hh_plan_side disk = {0}, db = {0};
	disk.v[HH_PLAN_CAUSE] = disk_causes;
	disk.n[HH_PLAN_CAUSE] = 3;
	db.v[HH_PLAN_CAUSE] = db_causes;
	db.n[HH_PLAN_CAUSE] = 3;
	disk.v[HH_PLAN_TRIAGE] = disk_rules;
	disk.n[HH_PLAN_TRIAGE] = 1;
	struct hh_plan p;
	hh_plan_diff(&disk, &db, &p);
	CHECK(p.n == 5);
	const struct hh_plan_entry *e = entry(&p, HH_PLAN_CAUSE, "sciatica");
	CHECK(e != NULL && e->state == HH_PLAN_SAME);
	e = entry(&p, HH_PLAN_CAUSE, "poor-posture");
	CHECK(e != NULL && e->state == HH_PLAN_CHANGED);
	CHECK(e != NULL && strcmp(e->sum, "p2") == 0 && strcmp(e->was, "p1") == 0);
	e = entry(&p, HH_PLAN_CAUSE, "new");
	CHECK(e != NULL && e->state == HH_PLAN_ADDED && e->was == NULL);
	CHECK(e != NULL && e->disk == 2); /* where it is on disk: migrate applies migrations by it */
	e = entry(&p, HH_PLAN_CAUSE, "gone");
	CHECK(e != NULL && e->state == HH_PLAN_REMOVED && e->sum == NULL && strcmp(e->was, "g1") == 0);
	CHECK(e != NULL && e->disk == -1);
	/* a kind the database does not hold yet: every item is new */
	e = entry(&p, HH_PLAN_TRIAGE, "triage");
	CHECK(e != NULL && e->state == HH_PLAN_ADDED);
	/* kinds are kept apart: the same key under another kind is not a match */
	CHECK(entry(&p, HH_PLAN_ARTICLE, "sciatica") == NULL);
	unsigned causes = HH_PLAN_MASK(HH_PLAN_CAUSE);
	CHECK(hh_plan_count(&p, causes, HH_PLAN_ADDED) == 1);
	CHECK(hh_plan_count(&p, causes, HH_PLAN_CHANGED) == 1);
	CHECK(hh_plan_count(&p, causes, HH_PLAN_REMOVED) == 1);
	CHECK(hh_plan_count(&p, causes, HH_PLAN_SAME) == 1);
	CHECK(hh_plan_changes(&p, causes) == 3);
	CHECK(hh_plan_changes(&p, HH_PLAN_ENTITIES) == 4);
	CHECK(hh_plan_changes(&p, HH_PLAN_MASK(HH_PLAN_MIGRATION)) == 0);
	/* disk order first, then what only the database holds */
	CHECK_STR(p.v[0].key, "sciatica");
	CHECK_STR(p.v[3].key, "gone");

	char *out = printed(&p, HH_PLAN_ENTITIES, HH_PLAN_CHANGES);
	CHECK_STR(out, "  cause changed: poor-posture\n"
		       "  cause added: new\n"
		       "  cause removed: gone\n"
		       "  triage added: triage\n"
		       "  2 added, 1 changed, 1 removed\n");
	free(out);
	hh_plan_free(&p);
	CHECK(p.v == NULL && p.n == 0);
}

static void listing(void)
{
	static const struct hh_plan_item disk_m[] = {
		{"0001_schema.sql", "aa"}, {"0002_more.sql", "bb"}, {"0003_new.sql", "cc"}};
	static const struct hh_plan_item db_m[] = {
		{"0000_old.sql", "00"}, {"0001_schema.sql", "aa"}, {"0002_more.sql", "b0"}};
	static const struct hh_plan_item disk_f[] = {{"a", "f1"}, {"b", "f2"}};
	static const struct hh_plan_item db_f[] = {{"a", "f0"}, {"c", "f3"}};
	struct hh_plan_side disk = {0}, db = {0};
	disk.v[HH_PLAN_MIGRATION] = disk_m;
	disk.n[HH_PLAN_MIGRATION] = 3;
	db.v[HH_PLAN_MIGRATION] = db_m;
	db.n[HH_PLAN_MIGRATION] = 3;
	disk.v[HH_PLAN_ARTICLE] = disk_f;
	disk.n[HH_PLAN_ARTICLE] = 2;
	db.v[HH_PLAN_ARTICLE] = db_f;
	db.n[HH_PLAN_ARTICLE] = 2;
	struct hh_plan p;
	hh_plan_diff(&disk, &db, &p);
	char *out = printed(&p, HH_PLAN_MASK(HH_PLAN_MIGRATION), HH_PLAN_LISTING);
	CHECK_STR(out, "  applied   aa 0001_schema.sql\n"
		       "  changed!  bb 0002_more.sql (recorded b0)\n"
		       "  pending   cc 0003_new.sql\n"
		       "  missing!  00 0000_old.sql (applied, file not found)\n");
	free(out);
	out = printed(&p, HH_PLAN_MASK(HH_PLAN_ARTICLE), HH_PLAN_LISTING);
	CHECK_STR(out, "  changed   f1 a (loaded f0)\n"
		       "  pending   f2 b\n"
		       "  removed   f3 c\n");
	free(out);
	hh_plan_free(&p);
}

static void identical_and_empty(void)
{
	static const struct hh_plan_item files[] = {{"a", "1"}, {"b", "2"}};
	struct hh_plan_side disk = {0}, db = {0}, none = {0};
	disk.v[HH_PLAN_ARTICLE] = db.v[HH_PLAN_ARTICLE] = files;
	disk.n[HH_PLAN_ARTICLE] = db.n[HH_PLAN_ARTICLE] = 2;
	struct hh_plan p;
	hh_plan_diff(&disk, &db, &p);
	CHECK(p.n == 2 && hh_plan_changes(&p, ~0u) == 0);
	char *out = printed(&p, HH_PLAN_ENTITIES | HH_PLAN_MASK(HH_PLAN_ARTICLE), HH_PLAN_CHANGES);
	CHECK_STR(out, "  0 added, 0 changed, 0 removed\n");
	free(out);
	hh_plan_free(&p);
	/* a database never migrated: everything on disk is added */
	hh_plan_diff(&disk, &none, &p);
	CHECK(hh_plan_count(&p, ~0u, HH_PLAN_ADDED) == 2 && hh_plan_changes(&p, ~0u) == 2);
	hh_plan_free(&p);
	/* nothing on either side */
	hh_plan_diff(&none, &none, &p);
	CHECK(p.n == 0);
	hh_plan_free(&p);
}

static void duplicates(void)
{
	/* a key listed twice counts once, with its first checksum */
	static const struct hh_plan_item disk_v[] = {{"x", "1"}, {"x", "2"}, {"z", "3"}};
	static const struct hh_plan_item db_v[] = {{"y", "1"}, {"y", "1"}};
	struct hh_plan_side disk = {0}, db = {0};
	disk.v[HH_PLAN_COUNTRY] = disk_v;
	disk.n[HH_PLAN_COUNTRY] = 3;
	db.v[HH_PLAN_COUNTRY] = db_v;
	db.n[HH_PLAN_COUNTRY] = 2;
	struct hh_plan p;
	hh_plan_diff(&disk, &db, &p);
	CHECK(p.n == 3);
	CHECK(hh_plan_count(&p, ~0u, HH_PLAN_ADDED) == 2 && hh_plan_count(&p, ~0u, HH_PLAN_REMOVED) == 1);
	const struct hh_plan_entry *e = entry(&p, HH_PLAN_COUNTRY, "x");
	CHECK(e != NULL && strcmp(e->sum, "1") == 0);
	/* after a skipped duplicate, an entry's place in the plan is not its place on disk: disk says it */
	e = entry(&p, HH_PLAN_COUNTRY, "z");
	CHECK(e != NULL && e->disk == 2 && e - p.v == 1);
	hh_plan_free(&p);
}

static void names(void)
{
	CHECK_STR(hh_plan_kind_name(HH_PLAN_ARTICLE), "article");
	CHECK_STR(hh_plan_kind_name(HH_PLAN_TRIAGE), "triage");
	CHECK_STR(hh_plan_kind_name(HH_PLAN_KIND_COUNT), "?");
}

int main(void)
{
	entities();
	listing();
	identical_and_empty();
	duplicates();
	names();
	return check_done();
}
