-- Fuzzing, short run: seeded mutations of the test suite's schemas and of
-- the valid fixture messages (test/fuzz/fuzz.py; the long run is
-- scripts/fuzz.sh). Every case must end as a verdict, an inbox status, or a
-- clean ERROR with an expected SQLSTATE -- a crash ends the session and
-- fails this file.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS event_types;
SET client_min_messages = warning;
\i test/generated/fuzz.sql

SELECT plan(6);

\i test/fuzz/validate.sql

CREATE FUNCTION pg_temp.ingest(src text, p jsonb) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	st text;
BEGIN
	INSERT INTO event_types.inbox (source, payload, tenant) VALUES (src, p, 'fuzz')
	RETURNING status INTO st;
	RETURN st;
EXCEPTION WHEN OTHERS THEN
	RETURN 'error ' || SQLSTATE || ' ' || SQLERRM;
END $$;

CREATE TEMP TABLE schema_outcome AS
	SELECT id, pg_temp.validate(schema, instance) AS outcome FROM fuzz_schema;
CREATE TEMP TABLE message_outcome AS
	SELECT id, pg_temp.ingest(source, payload) AS outcome FROM fuzz_message ORDER BY id;

SELECT cmp_ok((SELECT count(*)::int FROM schema_outcome), '>=', 900,
	'at least 900 schema cases ran');
SELECT cmp_ok((SELECT count(*)::int FROM message_outcome), '>=', 900,
	'at least 900 message cases ran');
SELECT is_empty(
	$$ SELECT id, outcome FROM schema_outcome
	   WHERE outcome NOT IN ('valid', 'invalid', 'error 22023', 'error 2201B', 'error 54001', 'error 0A000') $$,
	'every schema case ends as a verdict or a clean 22023 / 2201B / 54001 / 0A000 error');
SELECT is_empty(
	$$ SELECT id FROM schema_outcome WHERE outcome = 'mismatch' $$,
	'jsonb_matches_schema and validation_errors agree on every case');
SELECT is_empty(
	$$ SELECT id, outcome FROM message_outcome
	   WHERE outcome NOT IN ('accepted', 'rejected', 'duplicate', 'conflict', 'unknown_type') $$,
	'every mutated message is stored with a status, never an error');
SELECT ok((SELECT count(DISTINCT outcome) >= 3 FROM message_outcome),
	'the mutations reach several statuses');

SELECT diag('schema cases: ' || string_agg(outcome || ' ' || n, ', ' ORDER BY outcome))
FROM (SELECT outcome, count(*) n FROM schema_outcome GROUP BY 1) x;
SELECT diag('message cases: ' || string_agg(outcome || ' ' || n, ', ' ORDER BY outcome))
FROM (SELECT outcome, count(*) n FROM message_outcome GROUP BY 1) x;

SELECT * FROM finish();
ROLLBACK;
