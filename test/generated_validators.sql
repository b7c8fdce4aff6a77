-- The built-in event schemas compiled to C (tools/gen_validators.py,
-- src/validator/generated.c) against the general evaluator they stand in
-- for: every fixture message and its mutations (each value replaced by
-- values of other types and odd strings, each property removed, a property
-- added) are validated with event_types.generated_validators = on and = off,
-- as whole deliveries (each type's schema) and as bare messages (the gym
-- payload item, the court-booking body: the generated "$defs" entries), and
-- once more with = verify, which raises an error wherever the two differ.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS event_types;
SET client_min_messages = warning;
\i test/generated/fixtures.sql

SELECT plan(15);

-- ------------------------------------------------------------------
-- Which schemas are generated
-- ------------------------------------------------------------------
SET LOCAL event_types.generated_validators = on;
SELECT is((SELECT count(*) FILTER (WHERE event_types.uses_generated_validator(schema))
		   FROM event_types.catalog),
		  (SELECT count(*) FROM event_types.catalog),
		  'every catalogued type''s schema() is decided by generated code');
SELECT is((SELECT count(*) FROM event_types.catalog), 63::bigint,
		  'the catalogue has the 63 types the generator saw');
SELECT ok(NOT event_types.uses_generated_validator(
			event_types.schema('gym.CONTRACT_CREATED') - 'title'),
		  'a schema that differs from the built-in one in a title is not');
SELECT ok(NOT event_types.uses_generated_validator(
			event_types.schema('gym.CONTRACT_CREATED') || '{"required": ["uuid", "extra"]}'),
		  'nor one with a keyword changed');
SELECT ok(NOT event_types.uses_generated_validator('{"$id": "urn:event-types:gym:CONTRACT_CREATED", "type": "object"}'),
		  'nor one that only borrows a built-in $id');
SET LOCAL event_types.generated_validators = off;
SELECT ok(NOT event_types.uses_generated_validator(event_types.schema('gym.CONTRACT_CREATED')),
		  'generated_validators = off: evaluate.c decides');

-- ------------------------------------------------------------------
-- The corpus: fixture deliveries, every value at depth <= 6 replaced or
-- removed, an extra property in every object
-- ------------------------------------------------------------------
CREATE TEMP TABLE base_docs AS
SELECT row_number() OVER () AS id, source, event_type, message
  FROM (SELECT source, source || '.' || name AS event_type, message FROM fixture_valid
		UNION ALL
		SELECT source, source || '.' || event_type, message FROM fixture_invalid) d
 WHERE event_type IN (SELECT event_type::text FROM event_types.catalog);

CREATE TEMP TABLE replacements (r jsonb);
INSERT INTO replacements VALUES
	('null'), ('true'), ('0'), ('1'), ('-7'), ('1.0'), ('1.5'), ('1e3'),
	('""'), ('"x"'), ('"Ü"'), ('"1234567"'), ('"CONTRACT_CREATED"'), ('"contract_created"'),
	('"2025-01-01T00:00:00Z"'), ('"2025-01-01T00:00:00+01:00"'), ('"2025-01-01T00:00:00.5z"'),
	('"2025-02-30T00:00:00Z"'), ('"2025-01-01T24:00:00Z"'), ('"2025-01-01 00:00:00Z"'),
	('"2025-01-01"'), ('"2025-13-01"'), ('"12.50"'), ('"12,50"'),
	('"a6ff3358-7ebb-45bd-ae15-67e4e01e707e"'), ('"A6FF3358-7EBB-45BD-AE15-67E4E01E707E"'),
	('"a6ff33587ebb45bdae1567e4e01e707e"'), ('"anna@example.se"'), ('"anna@"'), ('"an na@example.se"'),
	('[]'), ('[1]'), ('[{}]'), ('{}'), ('{"a": 1}');

CREATE TEMP TABLE paths AS
WITH RECURSIVE p(id, path, val) AS (
	SELECT id, ARRAY[]::text[], message FROM base_docs
	UNION ALL
	SELECT p.id, p.path || c.k, c.v
	  FROM p,
		   LATERAL (SELECT key AS k, value AS v
					  FROM jsonb_each(CASE WHEN jsonb_typeof(p.val) = 'object' THEN p.val END)
					UNION ALL
					SELECT (ord - 1)::text, value
					  FROM jsonb_array_elements(CASE WHEN jsonb_typeof(p.val) = 'array' THEN p.val END)
						   WITH ORDINALITY AS a(value, ord)) c
	 WHERE cardinality(p.path) < 6)
SELECT * FROM p;

CREATE TEMP TABLE corpus AS
SELECT b.id, b.source, b.event_type, b.message AS doc FROM base_docs b
UNION ALL
SELECT b.id, b.source, b.event_type, jsonb_set(b.message, p.path, r.r)
  FROM base_docs b JOIN paths p USING (id) CROSS JOIN replacements r
 WHERE cardinality(p.path) > 0
UNION ALL
SELECT b.id, b.source, b.event_type, b.message #- p.path
  FROM base_docs b JOIN paths p USING (id)
 WHERE cardinality(p.path) > 0
UNION ALL
SELECT b.id, b.source, b.event_type, jsonb_set(b.message, p.path || '{zz_extra}'::text[], '1')
  FROM base_docs b JOIN paths p USING (id)
 WHERE jsonb_typeof(p.val) = 'object';
-- and each delivery against another type of its source as well
INSERT INTO corpus
SELECT c.id, c.source, o.event_type::text, c.doc
  FROM corpus c,
	   LATERAL (SELECT event_type FROM event_types.catalog k
				 WHERE k.source = c.source AND k.event_type::text <> c.event_type
				 ORDER BY (hashtext(k.event_type::text || c.doc::text)) LIMIT 1) o
 WHERE c.id % 3 = 0;

CREATE TEMP TABLE schemas AS
SELECT event_type::text AS event_type, schema FROM event_types.catalog;
-- by type: consecutive rows then hit jsonb_matches_schema()'s call-site cache
CREATE TEMP TABLE numbered AS
SELECT row_number() OVER (ORDER BY event_type) AS n, c.*, k.schema
  FROM corpus c JOIN schemas k USING (event_type)
 ORDER BY event_type;

CREATE FUNCTION pg_temp.verdicts(mode text, fmt text) RETURNS TABLE (i bigint, v boolean)
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM set_config('event_types.generated_validators', mode, true);
	PERFORM set_config('event_types.format_assertion', fmt, true);
	RETURN QUERY SELECT n, event_types.jsonb_matches_schema(schema, doc) FROM numbered;
END $$;

SELECT cmp_ok((SELECT count(*) FROM corpus), '>', 20000::bigint,
			  'the corpus has over 20,000 deliveries');

CREATE TEMP TABLE v_gen AS SELECT * FROM pg_temp.verdicts('on', 'on');
CREATE TEMP TABLE v_eval AS SELECT * FROM pg_temp.verdicts('off', 'on');
SELECT ok((SELECT count(*) FILTER (WHERE v) > 1000 AND count(*) FILTER (WHERE NOT v) > 10000 FROM v_eval),
		  'both verdicts are common in it (over 1,000 valid, over 10,000 invalid)');
SELECT is_empty('SELECT i FROM v_gen JOIN v_eval USING (i) WHERE v_gen.v IS DISTINCT FROM v_eval.v',
				'deliveries: generated verdicts equal evaluate.c''s (formats asserted)');

CREATE TEMP TABLE v_gen_nf AS SELECT * FROM pg_temp.verdicts('on', 'off');
CREATE TEMP TABLE v_eval_nf AS SELECT * FROM pg_temp.verdicts('off', 'off');
SELECT is_empty('SELECT i FROM v_gen_nf JOIN v_eval_nf USING (i) WHERE v_gen_nf.v IS DISTINCT FROM v_eval_nf.v',
				'deliveries: generated verdicts equal evaluate.c''s (formats as annotations)');
SELECT ok((SELECT count(*) FROM v_eval JOIN v_eval_nf USING (i) WHERE v_eval.v <> v_eval_nf.v) > 100,
		  'format assertion changes over 100 of those verdicts (the format branch is exercised)');

SELECT lives_ok('SELECT count(*) FROM pg_temp.verdicts(''verify'', ''on'')',
				'generated_validators = verify finds no difference');

-- ------------------------------------------------------------------
-- Bare messages: the gym payload item, the court-booking body (their
-- "$defs" entries are generated too)
-- ------------------------------------------------------------------
CREATE TEMP TABLE bare AS
SELECT row_number() OVER () AS n, source, split_part(event_type, '.', 2) AS name, bare
  FROM numbered,
	   LATERAL (SELECT doc -> 'payload' -> 0 AS bare WHERE source = 'gym'
				UNION ALL
				SELECT doc -> 'detail' WHERE source = 'court_booking'
				UNION ALL
				SELECT doc -> 'data' WHERE source = 'court_booking') x
 WHERE bare IS NOT NULL;

CREATE FUNCTION pg_temp.bare_errors(mode text) RETURNS TABLE (i bigint, errors bigint)
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM set_config('event_types.generated_validators', mode, true);
	PERFORM set_config('event_types.format_assertion', 'on', true);
	RETURN QUERY SELECT b.n, (SELECT count(*) FROM event_types.validate_event(b.source, b.bare,
													CASE WHEN b.source = 'court_booking' THEN b.name END))
				   FROM bare b;
END $$;

CREATE TEMP TABLE b_gen AS SELECT * FROM pg_temp.bare_errors('on');
CREATE TEMP TABLE b_eval AS SELECT * FROM pg_temp.bare_errors('off');
SELECT ok((SELECT count(*) FILTER (WHERE errors = 0) > 1000 AND count(*) FILTER (WHERE errors > 0) > 5000 FROM b_eval),
		  'bare messages: both verdicts are common (over 1,000 valid, over 5,000 invalid)');
SELECT is_empty('SELECT i FROM b_gen JOIN b_eval USING (i) WHERE (b_gen.errors = 0) <> (b_eval.errors = 0)',
				'bare messages: validate_event() accepts and rejects alike with and without generated code');
SELECT lives_ok('SELECT count(*) FROM pg_temp.bare_errors(''verify'')',
				'bare messages: generated_validators = verify finds no difference');

SELECT * FROM finish();
ROLLBACK;
