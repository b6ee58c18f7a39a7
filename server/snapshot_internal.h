/*
 * snapshot_internal.h - what snapshot.c and snapshot_i18n.c share; not a
 * public interface.
 */
#ifndef HEALTHHUB_SNAPSHOT_INTERNAL_H
#define HEALTHHUB_SNAPSHOT_INTERNAL_H

#include "healthhub/snapshot.h"

/*
 * One snapshot of content (owned: freed on failure), sharing with old
 * (borrowed, or NULL): every answer prebuilt, or (lazy) each built on its
 * first request. snapshot.c
 */
struct hh_snapshot *hh_snapshot_build_one(struct hh_content *content, const struct hh_snapshot_options *o,
					  const struct hh_snapshot *old, int lazy);

/* The default (country, en) snapshot owning every other variant of base (owned). snapshot_i18n.c */
struct hh_snapshot *hh_snapshot_build_variants(struct hh_content *base, const struct hh_snapshot_options *o,
					       const struct hh_snapshot *old);

/* Releases a family of variants (each snapshot's reference) and the family. snapshot_i18n.c */
void hh_snapshot_variants_free(struct hh_variants *f);

#endif
