-- 0012_file_checks.sql - which content files a migrate has already checked,
-- so that a one-article change reads and checks one article, not the library.
--
-- A row says: the file at path whose bytes have sha256 file_checksum passed
-- every check of the healthhub build checker (the sha256 of its executable)
-- and makes the document whose checksum is checksum. That is a fact about
-- the bytes and the build, true for ever: rows are only added (a file
-- edited back to an earlier text finds its row again). migrate skips the
-- parse of an article or remedy file whose row gives the checksum of the
-- document stored for it now, and checks the library whole whenever a
-- change could reach the files it skipped (a cause, a country, the triage
-- files, a removal): see server/migrate.c. Not history: deleting rows only
-- makes the next migrate check every file again.
CREATE TABLE file_checks (
	path          text NOT NULL,  -- relative to the content folder: "articles/x.json", "es/remedies/y.json"
	file_checksum text NOT NULL CHECK (file_checksum ~ '^[0-9a-f]{64}$'),
	checker       text NOT NULL CHECK (checker ~ '^[0-9a-f]{64}$'),
	checksum      text NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),
	PRIMARY KEY (checker, path, file_checksum)
);
GRANT SELECT, INSERT ON file_checks TO healthhub_writer;
