-- 0011_signoff.sql - clinical sign-off of content documents, and the roles that
-- keep history and sign-offs append-only (docs/clinical-policy.md).
--
-- `healthhub approve NAME@VERSION` records a sign-off of the document that
-- entity had at that version, bound to its checksum: it holds for every
-- version with the same checksum (a rollback to an approved text stays
-- approved). `healthhub revoke` records the withdrawal; nothing is updated
-- or deleted. The latest record per (name, lang, checksum) says whether
-- that text is signed off. Each record is made in a content version of its
-- own (action 'approve' or 'revoke', no documents), so servers and caches
-- follow a sign-off exactly as they follow a migrate.

CREATE TABLE signoffs (
	id         bigserial PRIMARY KEY,
	made_in    bigint NOT NULL REFERENCES content_versions,  -- the content version this record made
	name       text NOT NULL,
	lang       text NOT NULL REFERENCES languages,
	version    bigint NOT NULL,          -- the NAME@VERSION named: the document introduced then
	checksum   text NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),
	action     text NOT NULL CHECK (action IN ('approve', 'revoke')),
	by_name    text NOT NULL CHECK (by_name <> ''),   -- --by: the person
	role       text NOT NULL DEFAULT '',              -- --role: their clinical role (approvals)
	note       text NOT NULL DEFAULT '',              -- --note, or the revocation's --reason
	db_role    text NOT NULL DEFAULT session_user,    -- the database role that wrote it
	created_at timestamptz NOT NULL DEFAULT now(),
	FOREIGN KEY (name, lang, version) REFERENCES documents (name, lang, version),
	CHECK (action = 'revoke' OR role <> ''),
	CHECK (action = 'approve' OR note <> '')
);
CREATE INDEX signoffs_made_in_idx ON signoffs (made_in);
CREATE INDEX signoffs_text_idx ON signoffs (name, lang, checksum, id);

CREATE TRIGGER signoffs_append_only BEFORE UPDATE OR DELETE ON signoffs
	FOR EACH ROW EXECUTE FUNCTION hh_append_only();
CREATE TRIGGER signoffs_no_truncate BEFORE TRUNCATE ON signoffs
	FOR EACH STATEMENT EXECUTE FUNCTION hh_append_only();

-- The roles an operator grants to login roles (docs/clinical-policy.md):
--   healthhub_writer    migrate and rollback: appends versions and documents
--   healthhub_approver  approve and revoke: appends sign-offs (and their content version)
--   healthhub_server    serve: reads
-- None may UPDATE, DELETE or TRUNCATE anything; schema changes stay with the
-- owner that runs the migrations. Roles are cluster-wide: created once.
DO $$
DECLARE r text;
BEGIN
	FOREACH r IN ARRAY ARRAY['healthhub_writer', 'healthhub_approver', 'healthhub_server'] LOOP
		IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
			EXECUTE format('CREATE ROLE %I NOLOGIN', r);
		END IF;
	END LOOP;
END $$;
GRANT SELECT ON languages, content_versions, documents, signoffs TO
	healthhub_server, healthhub_writer, healthhub_approver;
GRANT INSERT ON content_versions, documents TO healthhub_writer;
GRANT INSERT ON content_versions, signoffs TO healthhub_approver;
GRANT USAGE ON SEQUENCE signoffs_id_seq TO healthhub_approver;
