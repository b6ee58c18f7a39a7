-- 0003_incremental.sql - what makes a content change cost what it changes.
--
-- `healthhub migrate` now writes only the entities whose checksum changed
-- (migrate_plan.c's diff) and tags each with the content version that wrote
-- it, so a server at version V can read only what changed after V, and the
-- removals since V, instead of the whole library (issue 12).

-- The content version that first shows the row as last written: the
-- version current when it was written, plus one (migrate bumps the version
-- after its writes; an operator's hand edit is followed by a bump too).
-- 0: written before this migration. A server that loaded version V reads
-- the rows with changed_in > V, and nothing else.
ALTER TABLE articles ADD COLUMN changed_in bigint NOT NULL DEFAULT 0;
ALTER TABLE causes ADD COLUMN changed_in bigint NOT NULL DEFAULT 0;
ALTER TABLE remedies ADD COLUMN changed_in bigint NOT NULL DEFAULT 0;
CREATE INDEX articles_changed_in_idx ON articles (changed_in);
CREATE INDEX causes_changed_in_idx ON causes (changed_in);
CREATE INDEX remedies_changed_in_idx ON remedies (changed_in);

-- Entities removed, with the version that first shows them gone (current
-- version plus one, as above); a slug written again leaves this table.
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

-- Rows edited or deleted by hand (an operator's UPDATE, then a version
-- bump) are tagged the same way as migrate's writes, so no change can
-- bypass the servers' incremental reads. Rows a parent owns (sections,
-- steps, links) are written only by migrate, with their parent.
CREATE FUNCTION content_touch() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	NEW.changed_in := (SELECT version + 1 FROM content_state);
	RETURN NEW;
END $$;
CREATE TRIGGER articles_touch BEFORE INSERT OR UPDATE ON articles
	FOR EACH ROW EXECUTE FUNCTION content_touch();
CREATE TRIGGER causes_touch BEFORE INSERT OR UPDATE ON causes
	FOR EACH ROW EXECUTE FUNCTION content_touch();
CREATE TRIGGER remedies_touch BEFORE INSERT OR UPDATE ON remedies
	FOR EACH ROW EXECUTE FUNCTION content_touch();

CREATE FUNCTION content_forget() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO content_removed (kind, slug, version)
	VALUES (TG_ARGV[0], OLD.slug, (SELECT version + 1 FROM content_state))
	ON CONFLICT (kind, slug) DO UPDATE SET version = EXCLUDED.version;
	RETURN OLD;
END $$;
CREATE TRIGGER articles_forget AFTER DELETE ON articles
	FOR EACH ROW EXECUTE FUNCTION content_forget('article');
CREATE TRIGGER causes_forget AFTER DELETE ON causes
	FOR EACH ROW EXECUTE FUNCTION content_forget('cause');
CREATE TRIGGER remedies_forget AFTER DELETE ON remedies
	FOR EACH ROW EXECUTE FUNCTION content_forget('remedy');

-- Ranking reads every matching article's tsvector (~14 KB, TOASTed): lz4 is
-- built for fast decompression, unlike the default pglz. Applies to the
-- vectors written from now on; a first load writes them all.
ALTER TABLE articles ALTER COLUMN search SET COMPRESSION lz4;
