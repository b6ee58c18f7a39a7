-- 0002_combinations.sql - combination rules (issue 16): red flags that matter
-- more together than apart, written in content/triage/policy.json
-- ("combinations"). Like 0001, run by `healthhub migrate` inside its one
-- transaction, so no BEGIN/COMMIT; 0001 is never edited, this file adds.
--
-- A combination fires when every `all_of` part is reported and, if it has
-- `any_of` parts, at least one of them; it raises the triage level to at
-- least its own. migrate rewrites these rows at every content load, like
-- the symptoms and rules, and clears them before the symptoms they name.

-- Lets a part name a symptom *and* its category, so the database itself
-- holds every part to a red flag (patterns raise no level).
ALTER TABLE symptoms ADD CONSTRAINT symptoms_code_category_key UNIQUE (code, category);

CREATE TABLE triage_combinations (
	code         hh_code PRIMARY KEY,   -- shares the name space of symptoms and rules (the loader checks)
	level        hh_level NOT NULL CHECK (level <> 'self_care'),
	message      text NOT NULL CHECK (message <> ''),  -- why together they matter, what to do
	source_title text NOT NULL,
	source_url   hh_url NOT NULL,
	ordinal      integer NOT NULL UNIQUE CHECK (ordinal >= 0),
	checksum     hh_checksum NOT NULL   -- hh_sha256_json of the rule's object in policy.json
);

CREATE TABLE triage_combination_parts (
	combination_code hh_code NOT NULL REFERENCES triage_combinations ON DELETE CASCADE,
	list             text NOT NULL CHECK (list IN ('all_of', 'any_of')),
	ordinal          integer NOT NULL CHECK (ordinal >= 0),   -- position in its list
	code             hh_code NOT NULL,
	category         text NOT NULL DEFAULT 'red_flag' CHECK (category = 'red_flag'),
	PRIMARY KEY (combination_code, list, ordinal),
	UNIQUE (combination_code, code),                          -- a code is in one list, once
	FOREIGN KEY (code, category) REFERENCES symptoms (code, category)
);
CREATE INDEX triage_combination_parts_code_idx ON triage_combination_parts (code);
