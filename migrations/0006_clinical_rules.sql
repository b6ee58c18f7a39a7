-- 0006_clinical_rules.sql - the rules of the second clinical review (issue 21).
-- Like 0001..0005, run by `healthhub migrate` inside its one transaction, so
-- no BEGIN/COMMIT; earlier files are never edited, this one adds.
--
--   * a red flag may apply to an age range only (symptoms.age_min/age_max);
--   * a rule may be a floor on "I don't know" answers (triage_rules.unknown_level:
--     an unknown red flag at that level or above gives at least the rule's level),
--     which tests no number;
--   * a combination may test age and duration_days (inclusive ranges), and may be
--     a route rule (route: it replaces the advice at its level, raising nothing);
--   * an interview question may be "each": every item answered yes, no or
--     "I don't know".

ALTER TABLE symptoms
	ADD COLUMN age_min bigint CHECK (age_min >= 0),
	ADD COLUMN age_max bigint,
	ADD CHECK ((age_min IS NULL) = (age_max IS NULL) AND age_min <= age_max),
	ADD CHECK (category = 'red_flag' OR age_min IS NULL);

ALTER TABLE triage_rules
	ALTER COLUMN field DROP NOT NULL,
	ALTER COLUMN min DROP NOT NULL,
	ALTER COLUMN max DROP NOT NULL,
	ADD COLUMN unknown_level hh_level CHECK (unknown_level <> 'self_care'),
	-- a number rule tests a field within bounds; a floor rule tests unknown answers only
	ADD CHECK ((field IS NULL) = (unknown_level IS NOT NULL)),
	ADD CHECK ((field IS NULL) = (min IS NULL) AND (field IS NULL) = (max IS NULL));
	-- (that a floor gives less than a yes is the loader's check: hh_level is text, not ordered)

ALTER TABLE triage_combinations
	ADD COLUMN age_min bigint CHECK (age_min >= 0),
	ADD COLUMN age_max bigint,
	ADD COLUMN duration_min bigint CHECK (duration_min >= 0),
	ADD COLUMN duration_max bigint,
	ADD COLUMN route text CHECK (route <> ''),
	ADD CHECK ((age_min IS NULL) = (age_max IS NULL) AND age_min <= age_max),
	ADD CHECK ((duration_min IS NULL) = (duration_max IS NULL) AND duration_min <= duration_max),
	ADD CHECK (route IS NULL OR (age_min IS NULL AND duration_min IS NULL));

-- The question types: 0004 named two; its checks on them are replaced.
DO $$
DECLARE
	con record;
BEGIN
	FOR con IN SELECT conname FROM pg_constraint
		WHERE conrelid = 'interview_questions'::regclass AND contype = 'c'
		  AND pg_get_constraintdef(oid) LIKE '%multiple%'
	LOOP
		EXECUTE format('ALTER TABLE interview_questions DROP CONSTRAINT %I', con.conname);
	END LOOP;
END
$$;
ALTER TABLE interview_questions
	ADD CHECK (type IN ('multiple', 'each', 'integer')),
	-- a multiple or each question covers a level; an integer question asks for a field
	ADD CHECK ((type IN ('multiple', 'each')) = (covers IS NOT NULL));
