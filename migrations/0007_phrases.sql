-- 0007_phrases.sql - the words that name each triage code in free text
-- (content/triage/phrases.json and content/LANG/triage/phrases.json, read by
-- POST /v1/triage/parse). Like 0005's translations, each file is kept as its
-- JSON, one row per language: the server checks it with the same schema the
-- files were checked with. migrate rewrites every row with the translations.

CREATE TABLE phrases (
	path     text PRIMARY KEY CHECK (path ~ '^([a-z]{2}/)?triage/phrases\.json$'),
	document jsonb NOT NULL,
	checksum hh_checksum NOT NULL   -- sha256 of the file's bytes
);
