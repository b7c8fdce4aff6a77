-- JSON-Schema-Test-Suite (draft 2020-12) conformance, through the SQL API.
--
-- Needs test/generated/suite.sql, made by `make prove` from the
-- vendored suite in test/vendor/ (psql runs from the repository root).
-- Required tests run with format as an annotation (the 2020-12 default the
-- suite assumes), optional/format/* with event_types.format_assertion = on.
-- Any difference from test/conformance/known_failures.txt fails the test.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS event_types;
SET client_min_messages = warning;
\i test/generated/suite.sql

SELECT plan(9);

CREATE FUNCTION pg_temp.jsts_run(s jsonb, d jsonb, errors boolean) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
	IF errors THEN
		RETURN CASE WHEN EXISTS (SELECT FROM event_types.validation_errors(s, d))
			THEN 'invalid' ELSE 'valid' END;
	END IF;
	RETURN CASE WHEN event_types.jsonb_matches_schema(s, d) THEN 'valid' ELSE 'invalid' END;
EXCEPTION WHEN OTHERS THEN
	RETURN 'error ' || SQLSTATE || ': ' || SQLERRM;
END $$;

SELECT lives_ok(
	$$ SELECT event_types.register_schema(uri, doc) FROM jsts_remote $$,
	'the suite''s remotes/ documents register under http://localhost:1234/');

ALTER TABLE jsts_case ADD COLUMN got text, ADD COLUMN got_errors text;
SET LOCAL event_types.format_assertion = off;
UPDATE jsts_case SET got = pg_temp.jsts_run(schema, data, false),
	got_errors = pg_temp.jsts_run(schema, data, true)
WHERE NOT skipped AND kind <> 'format';
SET LOCAL event_types.format_assertion = on;
UPDATE jsts_case SET got = pg_temp.jsts_run(schema, data, false),
	got_errors = pg_temp.jsts_run(schema, data, true)
WHERE NOT skipped AND kind = 'format';

CREATE TEMP VIEW jsts_failure AS
SELECT file, grp, idx, kind,
	grp_description || ' / ' || description || ': expected '
	|| CASE WHEN valid THEN 'valid' ELSE 'invalid' END || ', got ' || got AS what
FROM jsts_case
WHERE NOT skipped AND got IS DISTINCT FROM CASE WHEN valid THEN 'valid' ELSE 'invalid' END;

SELECT is_empty(
	$$ SELECT file, grp, idx, what FROM jsts_failure f WHERE kind = 'required'
	   AND NOT EXISTS (SELECT FROM jsts_known_failure k WHERE (k.file, k.grp, k.idx) = (f.file, f.grp, f.idx))
	   ORDER BY 1, 2, 3 $$,
	'required tests: no failures beyond known_failures.txt');
SELECT is_empty(
	$$ SELECT file, grp, idx, what FROM jsts_failure f WHERE kind = 'optional'
	   AND NOT EXISTS (SELECT FROM jsts_known_failure k WHERE (k.file, k.grp, k.idx) = (f.file, f.grp, f.idx))
	   ORDER BY 1, 2, 3 $$,
	'optional tests: no failures beyond known_failures.txt');
SELECT is_empty(
	$$ SELECT file, grp, idx, what FROM jsts_failure f WHERE kind = 'format'
	   AND NOT EXISTS (SELECT FROM jsts_known_failure k WHERE (k.file, k.grp, k.idx) = (f.file, f.grp, f.idx))
	   ORDER BY 1, 2, 3 $$,
	'optional/format tests (format assertion on): no failures beyond known_failures.txt');
SELECT is_empty(
	$$ SELECT k.file, k.grp, k.idx FROM jsts_known_failure k
	   WHERE NOT EXISTS (SELECT FROM jsts_failure f WHERE (k.file, k.grp, k.idx) = (f.file, f.grp, f.idx)) $$,
	'every case listed in known_failures.txt still fails (delete fixed ones)');
SELECT is_empty(
	$$ SELECT file, grp, idx, got, got_errors FROM jsts_case
	   WHERE NOT skipped AND got IS DISTINCT FROM got_errors $$,
	'validation_errors() agrees with jsonb_matches_schema() on every case');
SELECT is(
	(SELECT count(*)::int FROM jsts_case WHERE kind = 'required' AND NOT skipped AND file NOT IN (SELECT file FROM jsts_known_failure)),
	(SELECT count(*)::int FROM jsts_case c WHERE kind = 'required' AND NOT skipped
	   AND NOT EXISTS (SELECT FROM jsts_failure f WHERE (c.file, c.grp, c.idx) = (f.file, f.grp, f.idx))
	   AND file NOT IN (SELECT file FROM jsts_known_failure)),
	'required: every runnable case in fully supported files passes');
SELECT cmp_ok(
	(SELECT count(*)::int FROM jsts_case WHERE kind = 'required'), '>=', 1200,
	'the vendored suite is present (>= 1200 required cases)');
SELECT cmp_ok(
	(SELECT count(*)::int FROM jsts_case WHERE kind = 'format'), '>=', 500,
	'the vendored format suite is present (>= 500 cases)');

-- Summary for the README: passed / runnable (skipped) per kind.
SELECT diag(kind || ': ' || count(*) FILTER (WHERE NOT skipped AND got = CASE WHEN valid THEN 'valid' ELSE 'invalid' END)
	|| ' passed of ' || count(*) FILTER (WHERE NOT skipped) || ' runnable ('
	|| count(*) FILTER (WHERE skipped) || ' skipped: NUL not storable in jsonb)')
FROM jsts_case GROUP BY kind ORDER BY kind;
SELECT diag('  ' || file || ': ' || count(*) FILTER (WHERE NOT skipped AND got = CASE WHEN valid THEN 'valid' ELSE 'invalid' END)
	|| '/' || count(*) FILTER (WHERE NOT skipped))
FROM jsts_case WHERE kind <> 'required' GROUP BY file ORDER BY file;

SELECT * FROM finish();
ROLLBACK;
