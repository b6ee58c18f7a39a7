-- 0001_schema.sql - HealthHub's content schema.
--
-- `healthhub migrate` runs this file inside its one transaction, so it holds
-- no BEGIN/COMMIT. schema_migrations is not here: migrate creates it before
-- any file runs, because it must exist to record this very file.
--
-- The content files (content/README.md) are the desired state; migrate
-- replaces every content row at each load, so rows here are never edited by
-- hand. Lists keep their file order in an `ordinal` column (0-based).
-- Links between entities (article -> cause, cause -> remedy, symptom -> cause)
-- do not cascade: a link to a missing row is an error, never a silent loss.
-- Rows owned by an entity (sections, steps, references) cascade with it.

-- ------------------------------------------------------------------ domains

CREATE DOMAIN hh_slug AS text
	CHECK (VALUE ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(VALUE) <= 64);
CREATE DOMAIN hh_code AS text
	CHECK (VALUE ~ '^[a-z0-9]+(_[a-z0-9]+)*$' AND length(VALUE) <= 64);
CREATE DOMAIN hh_checksum AS text
	CHECK (VALUE ~ '^[0-9a-f]{64}$');
CREATE DOMAIN hh_url AS text
	CHECK (VALUE ~ '^https://');
CREATE DOMAIN hh_level AS text
	CHECK (VALUE IN ('self_care', 'see_doctor', 'urgent', 'emergency'));
-- Small closed sets: an array is simpler than a join table and the CHECK
-- keeps it as strict (no NULL elements, no unknown names).
CREATE DOMAIN hh_positions AS text[]
	CHECK (VALUE <@ ARRAY['standing', 'sitting', 'lying_down']::text[]);
CREATE DOMAIN hh_regions AS text[]
	CHECK (VALUE <@ ARRAY['upper_back', 'middle_back']::text[]);

-- -------------------------------------------------------------- bookkeeping

-- One row: the content version servers compare to decide whether to reload.
CREATE TABLE content_state (
	id         boolean PRIMARY KEY DEFAULT true CHECK (id),
	version    bigint NOT NULL DEFAULT 0 CHECK (version >= 0), -- 0: no content loaded yet
	updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO content_state DEFAULT VALUES;

-- The content files of the last load, so an unchanged folder is a no-op.
CREATE TABLE content_files (
	path      text PRIMARY KEY,         -- relative to the content folder
	checksum  hh_checksum NOT NULL,     -- sha256 of the file's bytes
	loaded_at timestamptz NOT NULL DEFAULT now()
);

-- ---------------------------------------------------------------- remedies

CREATE TABLE remedies (
	slug        hh_slug PRIMARY KEY,
	name        text NOT NULL CHECK (name <> ''),
	summary     text NOT NULL,
	description text NOT NULL,
	checksum    hh_checksum NOT NULL,   -- sha256 of the canonical entity
	version     bigint NOT NULL DEFAULT 1 CHECK (version > 0),
	updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE remedy_steps (
	remedy_slug hh_slug NOT NULL REFERENCES remedies ON DELETE CASCADE,
	ordinal     integer NOT NULL CHECK (ordinal >= 0),
	step        text NOT NULL,
	PRIMARY KEY (remedy_slug, ordinal)
);

CREATE TABLE remedy_references (
	remedy_slug hh_slug NOT NULL REFERENCES remedies ON DELETE CASCADE,
	ordinal     integer NOT NULL CHECK (ordinal >= 0),
	title       text NOT NULL,
	url         hh_url NOT NULL,
	PRIMARY KEY (remedy_slug, ordinal)
);

-- ------------------------------------------------------------------ causes

CREATE TABLE causes (
	slug          hh_slug PRIMARY KEY,
	name          text NOT NULL CHECK (name <> ''),
	summary       text NOT NULL,
	description   text NOT NULL,
	positions     hh_positions NOT NULL DEFAULT '{}',
	regions       hh_regions NOT NULL DEFAULT '{}',
	see_doctor_if text,
	checksum      hh_checksum NOT NULL,
	version       bigint NOT NULL DEFAULT 1 CHECK (version > 0),
	updated_at    timestamptz NOT NULL DEFAULT now(),
	search        tsvector GENERATED ALWAYS AS (
		setweight(to_tsvector('english', name), 'A') ||
		setweight(to_tsvector('english', summary), 'B') ||
		setweight(to_tsvector('english', description), 'C')) STORED
);
CREATE INDEX causes_search_idx ON causes USING gin (search);

CREATE TABLE cause_remedies (
	cause_slug  hh_slug NOT NULL REFERENCES causes ON DELETE CASCADE,
	ordinal     integer NOT NULL CHECK (ordinal >= 0),
	remedy_slug hh_slug NOT NULL REFERENCES remedies,
	PRIMARY KEY (cause_slug, ordinal),
	UNIQUE (cause_slug, remedy_slug)
);
CREATE INDEX cause_remedies_remedy_idx ON cause_remedies (remedy_slug);

CREATE TABLE cause_references (
	cause_slug hh_slug NOT NULL REFERENCES causes ON DELETE CASCADE,
	ordinal    integer NOT NULL CHECK (ordinal >= 0),
	title      text NOT NULL,
	url        hh_url NOT NULL,
	PRIMARY KEY (cause_slug, ordinal)
);

-- ---------------------------------------------------------------- articles

CREATE TABLE articles (
	slug            hh_slug PRIMARY KEY,
	title           text NOT NULL CHECK (title <> ''),
	summary         text NOT NULL,
	positions       hh_positions NOT NULL DEFAULT '{}',
	regions         hh_regions NOT NULL DEFAULT '{}',
	reviewed_at     date NOT NULL,
	next_review_due date NOT NULL,
	checksum        hh_checksum NOT NULL,
	version         bigint NOT NULL DEFAULT 1 CHECK (version > 0),
	updated_at      timestamptz NOT NULL DEFAULT now(),
	-- Spans child tables, so it cannot be a generated column: migrate calls
	-- article_search_refresh() after every load.
	search          tsvector NOT NULL DEFAULT '',
	CHECK (next_review_due > reviewed_at)
);
CREATE INDEX articles_search_idx ON articles USING gin (search);

CREATE TABLE article_alternate_names (
	article_slug hh_slug NOT NULL REFERENCES articles ON DELETE CASCADE,
	ordinal      integer NOT NULL CHECK (ordinal >= 0),
	name         text NOT NULL,
	PRIMARY KEY (article_slug, ordinal)
);

CREATE TABLE article_sections (
	article_slug hh_slug NOT NULL REFERENCES articles ON DELETE CASCADE,
	ordinal      integer NOT NULL CHECK (ordinal >= 0),
	id           hh_slug NOT NULL,      -- anchor, unique in its article
	heading      text NOT NULL,
	body         text NOT NULL,
	PRIMARY KEY (article_slug, ordinal),
	UNIQUE (article_slug, id)
);

CREATE TABLE article_causes (
	article_slug hh_slug NOT NULL REFERENCES articles ON DELETE CASCADE,
	ordinal      integer NOT NULL CHECK (ordinal >= 0),
	cause_slug   hh_slug NOT NULL REFERENCES causes,
	PRIMARY KEY (article_slug, ordinal),
	UNIQUE (article_slug, cause_slug)
);
CREATE INDEX article_causes_cause_idx ON article_causes (cause_slug);

CREATE TABLE article_remedies (
	article_slug hh_slug NOT NULL REFERENCES articles ON DELETE CASCADE,
	ordinal      integer NOT NULL CHECK (ordinal >= 0),
	remedy_slug  hh_slug NOT NULL REFERENCES remedies,
	PRIMARY KEY (article_slug, ordinal),
	UNIQUE (article_slug, remedy_slug)
);
CREATE INDEX article_remedies_remedy_idx ON article_remedies (remedy_slug);

CREATE TABLE article_references (
	article_slug hh_slug NOT NULL REFERENCES articles ON DELETE CASCADE,
	ordinal      integer NOT NULL CHECK (ordinal >= 0),
	title        text NOT NULL,
	url          hh_url NOT NULL,
	PRIMARY KEY (article_slug, ordinal)
);

-- Title and alternate names weigh most (A), then the summary (B), then the
-- sections (C): a search for "upper back pain" should rank the article whose
-- name it is above one that mentions it in passing.
CREATE FUNCTION article_search_refresh() RETURNS void
LANGUAGE sql AS $$
	UPDATE articles AS a SET search =
		setweight(to_tsvector('english', a.title), 'A') ||
		setweight(to_tsvector('english', coalesce(
			(SELECT string_agg(n.name, ' ' ORDER BY n.ordinal)
			 FROM article_alternate_names AS n WHERE n.article_slug = a.slug), '')), 'A') ||
		setweight(to_tsvector('english', a.summary), 'B') ||
		setweight(to_tsvector('english', coalesce(
			(SELECT string_agg(s.heading || ' ' || s.body, ' ' ORDER BY s.ordinal)
			 FROM article_sections AS s WHERE s.article_slug = a.slug), '')), 'C');
$$;

-- ------------------------------------------------------------------ triage

CREATE TABLE symptoms (
	code         hh_code PRIMARY KEY,
	question     text NOT NULL,
	category     text NOT NULL CHECK (category IN ('red_flag', 'pattern')),
	level        hh_level NOT NULL,     -- least level this code alone raises to
	message      text,                  -- red flags only
	source_title text,
	source_url   hh_url,
	ordinal      integer NOT NULL UNIQUE CHECK (ordinal >= 0),
	checksum     hh_checksum NOT NULL,  -- sha256 of the row's fields and weights
	CHECK (category = 'pattern' OR (level <> 'self_care' AND message IS NOT NULL
					 AND source_title IS NOT NULL AND source_url IS NOT NULL)),
	CHECK (category = 'red_flag' OR level = 'self_care')
);

-- How strongly a pattern points at a cause.
CREATE TABLE symptom_weights (
	code       hh_code NOT NULL REFERENCES symptoms ON DELETE CASCADE,
	ordinal    integer NOT NULL CHECK (ordinal >= 0),
	cause_slug hh_slug NOT NULL REFERENCES causes,
	weight     integer NOT NULL CHECK (weight BETWEEN 1 AND 100),
	PRIMARY KEY (code, ordinal),
	UNIQUE (code, cause_slug)
);
CREATE INDEX symptom_weights_cause_idx ON symptom_weights (cause_slug);

-- One row: the disclaimer, the advice per level and the answer's sizes.
CREATE TABLE triage_policy (
	id                boolean PRIMARY KEY DEFAULT true CHECK (id),
	disclaimer        text NOT NULL,
	advice_self_care  text NOT NULL,
	advice_see_doctor text NOT NULL,
	advice_urgent     text NOT NULL,
	advice_emergency  text NOT NULL,
	max_causes        integer NOT NULL CHECK (max_causes > 0),
	max_remedies      integer NOT NULL CHECK (max_remedies > 0),
	checksum          hh_checksum NOT NULL
);

-- Rules over numbers in a triage request; fire when min <= value <= max.
CREATE TABLE triage_rules (
	code         hh_code PRIMARY KEY,
	field        text NOT NULL CHECK (field IN ('age', 'duration_days')),
	min          bigint NOT NULL,
	max          bigint NOT NULL,
	level        hh_level NOT NULL,
	message      text NOT NULL,
	source_title text,
	source_url   hh_url,
	ordinal      integer NOT NULL UNIQUE CHECK (ordinal >= 0),
	checksum     hh_checksum NOT NULL,
	CHECK (min <= max)
);
