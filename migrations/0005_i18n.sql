-- 0005_i18n.sql - countries and languages (issue 15). Like 0001..0004, run
-- by `healthhub migrate` inside its one transaction, so no BEGIN/COMMIT;
-- earlier files are never edited, this one adds.
--
-- A country's care routes (content/countries/CC.json) are rows: the code,
-- its emergency number, and one row per term and language. A language
-- version (content/es/**) is kept as its file's JSON, one row per file: the
-- server parses it with the same schema the files were checked with, so the
-- two can never disagree, and every text field of one entity travels
-- together. The Spanish search text is a tsvector built with PostgreSQL's
-- `spanish` configuration, per article and cause. migrate rewrites every
-- row at each content load.

CREATE TABLE countries (
	code             text PRIMARY KEY CHECK (code ~ '^[A-Z]{2}$'),   -- ISO 3166-1 alpha-2
	emergency_number text NOT NULL CHECK (emergency_number <> ''),
	document         jsonb NOT NULL,           -- the file, for the server (names, terms, sources)
	checksum         hh_checksum NOT NULL      -- sha256 of the file's bytes
);

CREATE TABLE country_terms (
	country text NOT NULL REFERENCES countries ON DELETE CASCADE,
	lang    text NOT NULL CHECK (lang ~ '^[a-z]{2}$'),
	key     text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]*$'),
	value   text NOT NULL CHECK (value <> '' AND strpos(value, '{') = 0),
	PRIMARY KEY (country, lang, key)
);

CREATE TABLE translations (
	path               text PRIMARY KEY,       -- "es/causes/poor-posture.json"
	lang               text NOT NULL CHECK (lang ~ '^[a-z]{2}$' AND lang <> 'en'),
	document           jsonb NOT NULL,         -- the file, every text translated
	translation_review text NOT NULL CHECK (translation_review IN ('pending', 'reviewed')),
	checksum           hh_checksum NOT NULL,   -- sha256 of the file's bytes
	CHECK (starts_with(path, lang || '/'))
);

-- Search in the reader's language: Spanish text with the `spanish` configuration.
CREATE TABLE translation_search (
	lang   text NOT NULL,
	kind   text NOT NULL CHECK (kind IN ('article', 'cause')),
	slug   hh_slug NOT NULL,
	search tsvector NOT NULL,
	PRIMARY KEY (lang, kind, slug)
);
CREATE INDEX translation_search_idx ON translation_search USING gin (search);
