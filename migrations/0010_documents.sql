-- 0010_documents.sql - the content as versioned documents.
--
-- Every entity (article/SLUG, cause/SLUG, remedy/SLUG, country/CC, and
-- `triage`, the whole ruleset) is stored as its canonical JSON document, in
-- its language, with its checksum and the content version that introduced
-- it. Nothing is ever updated or deleted: the current content is the newest
-- document of each entity, and every past version stays readable
-- (`healthhub history`, `show`, `diff`, `rollback`). Servers read the
-- documents changed since their version and parse them with the same loader
-- and schema that `healthhub migrate` checked them with, so the relational
-- mirror of 0001..0005 (and its trigger, which computed the version a
-- second time) goes. The version is computed in one place: migrate's
-- INSERT INTO content_versions, under its advisory lock.
--
-- Upgrade: a database loaded by an earlier release keeps its version as the
-- first entry of the history (action 'upgrade'); the next migrate stores the
-- documents of the files whose checksums equal the ones then loaded
-- (legacy_files) at that version, so the history starts at the current
-- version with the content as it was served.

CREATE TABLE languages (
	code          text PRIMARY KEY CHECK (code ~ '^[a-z]{2}$'),
	folder        text NOT NULL UNIQUE,      -- "" for English, "es/" for Spanish
	search_config regconfig NOT NULL,        -- the text-search configuration its stemming follows
	name          text NOT NULL
);
INSERT INTO languages VALUES ('en', '', 'english', 'English'), ('es', 'es/', 'spanish', 'Español');

CREATE TABLE content_versions (
	version    bigint PRIMARY KEY CHECK (version > 0),
	created_at timestamptz NOT NULL DEFAULT now(),
	author     text NOT NULL,                         -- --author, or the OS user@host
	message    text NOT NULL DEFAULT '',
	action     text NOT NULL CHECK (action IN ('migrate', 'rollback', 'upgrade', 'approve', 'revoke')),
	db_role    text NOT NULL DEFAULT session_user     -- the database role that wrote it
);

CREATE TABLE documents (
	version  bigint NOT NULL REFERENCES content_versions,
	name     text NOT NULL CHECK (name ~ '^(triage|(article|cause|remedy)/[a-z0-9-]+|country/[A-Z]{2})$'),
	lang     text NOT NULL REFERENCES languages,
	kind     text NOT NULL CHECK (kind = split_part(name, '/', 1)),
	checksum text CHECK (checksum ~ '^[0-9a-f]{64}$'),  -- sha256 of the canonical JSON; NULL: removed
	body     json,                                      -- the document, canonical text; NULL: removed in this version
	translates bigint,  -- a translation: the version of the English document it translates (served only while
	                    -- that is the English served; after an English change the English is served instead)
	PRIMARY KEY (name, lang, version),
	CHECK ((checksum IS NULL) = (body IS NULL))
);
CREATE INDEX documents_version_idx ON documents (version);

-- History is append-only in the database itself. The table owner and
-- superusers can still disable these triggers: see docs/clinical-policy.md.
CREATE FUNCTION hh_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER content_versions_append_only BEFORE UPDATE OR DELETE ON content_versions
	FOR EACH ROW EXECUTE FUNCTION hh_append_only();
CREATE TRIGGER content_versions_no_truncate BEFORE TRUNCATE ON content_versions
	FOR EACH STATEMENT EXECUTE FUNCTION hh_append_only();
CREATE TRIGGER documents_append_only BEFORE UPDATE OR DELETE ON documents
	FOR EACH ROW EXECUTE FUNCTION hh_append_only();
CREATE TRIGGER documents_no_truncate BEFORE TRUNCATE ON documents
	FOR EACH STATEMENT EXECUTE FUNCTION hh_append_only();

-- The upgrade: the version served so far starts the history.
INSERT INTO content_versions (version, created_at, author, message, action)
	SELECT version, updated_at, 'upgrade', 'history starts here: the content loaded before documents', 'upgrade'
	FROM content_state WHERE version > 0;
CREATE TABLE legacy_files AS
	SELECT path, checksum FROM content_files WHERE EXISTS (SELECT 1 FROM content_state WHERE version > 0);

DROP TABLE IF EXISTS phrases, translation_search, translations, country_terms, countries,
	interview_items, interview_questions, triage_combination_parts, triage_combinations,
	triage_rules, triage_policy, symptom_weights, symptoms,
	article_references, article_remedies, article_causes, article_sections, article_alternate_names, articles,
	cause_references, cause_remedies, causes, remedy_references, remedy_steps, remedies,
	content_removed, content_files, content_state CASCADE;
-- Search is answered from memory (server/search.c): no search vectors are kept.
DROP FUNCTION IF EXISTS article_search_refresh(), article_search_refresh(text[]), content_touch(), content_forget() CASCADE;
