-- 0004_interview.sql - the guided interview (issue 14): the questions an app
-- is asked to show, written in content/triage/interview.json. Like 0001 and
-- 0002, run by `healthhub migrate` inside its one transaction, so no
-- BEGIN/COMMIT; earlier files are never edited, this one adds. (0003 is
-- another change's number.)
--
-- A "multiple" question shows red flags of one level (or the patterns) as
-- items, each with its own text; an "integer" question asks for age or
-- duration_days within the request's bounds. migrate rewrites these rows at
-- every content load, and clears them before the symptoms their items name.

CREATE TABLE interview_questions (
	id        hh_code PRIMARY KEY,
	ordinal   integer NOT NULL UNIQUE CHECK (ordinal >= 0),   -- asking order
	type      text NOT NULL CHECK (type IN ('multiple', 'integer')),
	text      text NOT NULL CHECK (text <> ''),
	covers    text CHECK (covers IN ('emergency', 'urgent', 'see_doctor', 'pattern')),
	field     text CHECK (field IN ('age', 'duration_days')),
	min_value bigint CHECK (min_value >= 0),
	max_value bigint CHECK (max_value >= min_value),
	checksum  hh_checksum NOT NULL,   -- hh_sha256_json of the question's object in interview.json
	-- a multiple question covers a level; an integer question asks for a field within bounds
	CHECK ((type = 'multiple') = (covers IS NOT NULL)),
	CHECK ((type = 'integer') = (field IS NOT NULL AND min_value IS NOT NULL AND max_value IS NOT NULL))
);

CREATE TABLE interview_items (
	question_id hh_code NOT NULL REFERENCES interview_questions ON DELETE CASCADE,
	ordinal     integer NOT NULL CHECK (ordinal >= 0),   -- showing order
	code        hh_code NOT NULL REFERENCES symptoms (code),
	text        text NOT NULL CHECK (text <> ''),
	PRIMARY KEY (question_id, ordinal),
	UNIQUE (code)                                          -- every code on one question only
);
