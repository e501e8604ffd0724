-- 003: a bulk run knows its input, so a re-run of the same file (same options) can say
-- which interrupted run it finishes; and how many changes it planned, so a reader can
-- see how far a running import is.
ALTER TABLE bulk_runs ADD COLUMN input_sha256 TEXT;
ALTER TABLE bulk_runs ADD COLUMN planned INTEGER NOT NULL DEFAULT 0;
CREATE INDEX bulk_runs_input ON bulk_runs (input_sha256, status);
