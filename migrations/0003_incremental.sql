-- 0003_incremental.sql - what makes a content change cost what it changes.
--
-- `healthhub migrate` now writes only the entities whose checksum changed
-- (migrate_plan.c's diff) and tags each with the content version that wrote
-- it, so a server at version V can read only what changed after V, and the
-- removals since V, instead of the whole library (issue 12).

-- The content version of the migrate that last wrote the row (0: before
-- this migration, i.e. already in every server's snapshot once it reloads).
ALTER TABLE articles ADD COLUMN changed_in bigint NOT NULL DEFAULT 0;
ALTER TABLE causes ADD COLUMN changed_in bigint NOT NULL DEFAULT 0;
ALTER TABLE remedies ADD COLUMN changed_in bigint NOT NULL DEFAULT 0;
CREATE INDEX articles_changed_in_idx ON articles (changed_in);
CREATE INDEX causes_changed_in_idx ON causes (changed_in);
CREATE INDEX remedies_changed_in_idx ON remedies (changed_in);

-- Entities removed, with the content version that removed them; a slug
-- added again leaves this table.
CREATE TABLE content_removed (
	kind    text NOT NULL CHECK (kind IN ('article', 'cause', 'remedy')),
	slug    hh_slug NOT NULL,
	version bigint NOT NULL CHECK (version > 0),
	PRIMARY KEY (kind, slug)
);

-- The search vector of the named articles only: a one-article change must
-- not recompute (and rewrite, and re-index) every article's tsvector.
-- Same weights as article_search_refresh(): ranking does not change.
CREATE FUNCTION article_search_refresh(slugs text[]) RETURNS void
LANGUAGE sql AS $$
	UPDATE articles AS a SET search =
		setweight(to_tsvector('english', a.title), 'A') ||
		setweight(to_tsvector('english', coalesce(
			(SELECT string_agg(n.name, ' ' ORDER BY n.ordinal)
			 FROM article_alternate_names AS n WHERE n.article_slug = a.slug), '')), 'A') ||
		setweight(to_tsvector('english', a.summary), 'B') ||
		setweight(to_tsvector('english', coalesce(
			(SELECT string_agg(s.heading || ' ' || s.body, ' ' ORDER BY s.ordinal)
			 FROM article_sections AS s WHERE s.article_slug = a.slug), '')), 'C')
	WHERE a.slug = ANY (slugs);
$$;
