-- The JSON Schema validator's SQL contract: signatures, volatility and
-- strictness, SQLSTATEs, the exact error rows, the compiled-schema caches
-- (per call site and per backend) and their invalidation by the registry.
-- The readable examples are in sql/validator_*.sql and sql/validate_event.sql.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS event_types;
SET client_min_messages = warning;

SELECT plan(81);

-- ------------------------------------------------------------------
-- Function contract
-- ------------------------------------------------------------------
SELECT has_function('event_types', 'jsonb_matches_schema', ARRAY['jsonb', 'jsonb']);
SELECT has_function('event_types', 'validation_errors', ARRAY['jsonb', 'jsonb']);
SELECT has_function('event_types', 'validate_event', ARRAY['text', 'jsonb', 'text']);
SELECT has_function('event_types', 'register_schema', ARRAY['text', 'jsonb']);
SELECT has_function('event_types', 'unregister_schema', ARRAY['text']);

SELECT function_returns('event_types', 'jsonb_matches_schema', ARRAY['jsonb', 'jsonb'], 'boolean');
SELECT function_returns('event_types', 'validation_errors', ARRAY['jsonb', 'jsonb'], 'setof record');
SELECT function_returns('event_types', 'validate_event', ARRAY['text', 'jsonb', 'text'], 'setof record');
SELECT function_returns('event_types', 'register_schema', ARRAY['text', 'jsonb'], 'void');
SELECT function_returns('event_types', 'unregister_schema', ARRAY['text'], 'boolean');
SELECT is(
	(SELECT array_agg(a ORDER BY n) FROM unnest(p.proargnames, p.proargmodes) WITH ORDINALITY AS x(a, m, n) WHERE m = 't')::text,
	'{path,keyword,message}',
	'validation_errors returns (path, keyword, message)')
FROM pg_proc p WHERE p.oid = 'event_types.validation_errors(jsonb, jsonb)'::regprocedure;
SELECT is(
	(SELECT array_agg(a ORDER BY n) FROM unnest(p.proargnames, p.proargmodes) WITH ORDINALITY AS x(a, m, n) WHERE m = 't')::text,
	'{path,keyword,message}',
	'validate_event returns the same columns as validation_errors')
FROM pg_proc p WHERE p.oid = 'event_types.validate_event(text, jsonb, text)'::regprocedure;

-- STABLE, not IMMUTABLE: the verdict depends on format_assertion and the registry
SELECT volatility_is('event_types', 'jsonb_matches_schema', ARRAY['jsonb', 'jsonb'], 'stable');
SELECT volatility_is('event_types', 'validation_errors', ARRAY['jsonb', 'jsonb'], 'stable');
SELECT volatility_is('event_types', 'validate_event', ARRAY['text', 'jsonb', 'text'], 'stable');
SELECT volatility_is('event_types', 'register_schema', ARRAY['text', 'jsonb'], 'volatile');
SELECT volatility_is('event_types', 'unregister_schema', ARRAY['text'], 'volatile');

SELECT is_strict('event_types', 'jsonb_matches_schema', ARRAY['jsonb', 'jsonb']);
SELECT is_strict('event_types', 'validation_errors', ARRAY['jsonb', 'jsonb']);
-- not STRICT: NULL must not read as "no rows", i.e. valid
SELECT isnt_strict('event_types', 'validate_event', ARRAY['text', 'jsonb', 'text']);

SELECT is(
	(SELECT string_agg(proname || '=' || proparallel::text, ',' ORDER BY proname) FROM pg_proc
	 WHERE pronamespace = 'event_types'::regnamespace
	   AND proname IN ('jsonb_matches_schema', 'validation_errors', 'validate_event')),
	'jsonb_matches_schema=s,validate_event=s,validation_errors=s',
	'the validation functions are PARALLEL SAFE');
-- (a NULL proacl would mean the default: EXECUTE for PUBLIC)
SELECT ok(
	(SELECT p.proacl IS NOT NULL AND NOT EXISTS (SELECT FROM aclexplode(p.proacl) a
	                                            WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE')
	 FROM pg_proc p WHERE p.oid = 'event_types.register_schema(text, jsonb)'::regprocedure),
	'register_schema is not executable by PUBLIC');

-- ------------------------------------------------------------------
-- SQLSTATEs
-- ------------------------------------------------------------------
-- malformed schemas: 22023
SELECT throws_ok($$ SELECT event_types.jsonb_matches_schema('{"type": "strnig"}', '1') $$,
	'22023', NULL, 'type: unknown name is 22023');
SELECT throws_ok($$ SELECT event_types.jsonb_matches_schema('{"minLength": -1}', '"x"') $$,
	'22023', 'invalid JSON Schema at "#/minLength"', 'minLength -1 is 22023 naming #/minLength');
SELECT throws_ok($$ SELECT event_types.jsonb_matches_schema('{"properties": []}', '{}') $$,
	'22023', 'invalid JSON Schema at "#/properties"', 'properties not an object is 22023');
SELECT throws_ok($$ SELECT event_types.jsonb_matches_schema('{"required": "id"}', '{}') $$,
	'22023', 'invalid JSON Schema at "#/required"', 'required not an array is 22023');
SELECT throws_ok($$ SELECT event_types.jsonb_matches_schema('{"multipleOf": 0}', '1') $$,
	'22023', 'invalid JSON Schema at "#/multipleOf"', 'multipleOf 0 is 22023');
SELECT throws_ok($$ SELECT event_types.jsonb_matches_schema('{"$ref": 5}', '1') $$,
	'22023', 'invalid JSON Schema at "#/$ref"', '$ref not a string is 22023');
SELECT throws_ok($$ SELECT event_types.jsonb_matches_schema('{"$anchor": "no spaces"}', '1') $$,
	'22023', 'invalid JSON Schema at "#/$anchor"', 'bad anchor name is 22023');
SELECT throws_ok($$ SELECT * FROM event_types.validation_errors('{"items": {"properties": {"a": {"maxItems": -2}}}}', '[]') $$,
	'22023', 'invalid JSON Schema at "#/items/properties/a/maxItems"', 'nested keyword location, from validation_errors');
SELECT throws_ok($$ SELECT event_types.jsonb_matches_schema('{"$defs": {"unused": {"type": 1}}}', '1') $$,
	'22023', 'invalid JSON Schema at "#/$defs/unused/type"', 'unused definitions are checked');
SELECT throws_ok($$ SELECT event_types.jsonb_matches_schema('{"$ref": "https://example.com/validator_tap/none.json"}', '1') $$,
	'22023', NULL, 'a $ref to an unknown document is 22023');
SELECT throws_ok($$ SELECT event_types.jsonb_matches_schema('{"$ref": "#/$defs/none"}', '1') $$,
	'22023', NULL, 'a $ref pointer that leads nowhere is 22023');
SELECT throws_ok($$ SELECT event_types.register_schema('urn:event-types:gym:MINE', '{}') $$,
	'22023', NULL, 'registering in the reserved urn:event-types: namespace is 22023');
-- invalid regular expressions: 2201B
SELECT throws_ok($$ SELECT event_types.jsonb_matches_schema('{"pattern": "(unclosed"}', '"x"') $$,
	'2201B', NULL, 'invalid pattern is 2201B');
SELECT throws_ok($$ SELECT event_types.jsonb_matches_schema('{"patternProperties": {"[z-a]": true}}', '{}') $$,
	'2201B', NULL, 'invalid patternProperties key is 2201B');
-- limits: 54001
SELECT throws_ok($$ SELECT event_types.jsonb_matches_schema('{"items": {"$ref": "#"}}', (repeat('[', 600) || repeat(']', 600))::jsonb) $$,
	'54001', NULL, 'an instance nested 600 levels is 54001');
SELECT throws_ok($$ SELECT * FROM event_types.validation_errors('{"additionalProperties": {"$ref": "#"}}', (repeat('{"a":', 600) || '1' || repeat('}', 600))::jsonb) $$,
	'54001', NULL, '... also from validation_errors');
SELECT lives_ok($$ SELECT event_types.jsonb_matches_schema('{"items": {"$ref": "#"}}', (repeat('[', 100) || repeat(']', 100))::jsonb) $$,
	'an instance nested 100 levels is fine');
SELECT throws_ok($$ SELECT event_types.jsonb_matches_schema('{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}', '1') $$,
	'54001', 'JSON Schema evaluation recursed more than 512 times without descending into the instance',
	'a $ref cycle is a clean 54001 error');
SELECT throws_ok($$ SELECT * FROM event_types.validation_errors('{"$ref": "#"}', '{}') $$,
	'54001', NULL, 'a schema that refers to itself in place is 54001');
-- validate_event: NULL source or payload is 22004
SELECT throws_ok($$ SELECT * FROM event_types.validate_event(NULL, '{}') $$,
	'22004', NULL, 'validate_event with a NULL source is 22004');
SELECT throws_ok($$ SELECT * FROM event_types.validate_event('gym', NULL) $$,
	'22004', NULL, 'validate_event with a NULL payload is 22004');
SELECT lives_ok($$ SELECT * FROM event_types.validate_event('gym', '{}', NULL) $$,
	'validate_event with a NULL event_type is fine');
-- STRICT: NULL in, NULL out
SELECT ok(event_types.jsonb_matches_schema(NULL, '{}') IS NULL AND event_types.jsonb_matches_schema('{}', NULL) IS NULL,
	'jsonb_matches_schema(NULL, ...) is NULL');
SELECT is_empty($$ SELECT * FROM event_types.validation_errors(NULL, '1') $$, 'validation_errors(NULL, ...) has no rows');

-- ------------------------------------------------------------------
-- validation_errors output
-- ------------------------------------------------------------------
SELECT results_eq(
	$$ SELECT path, keyword FROM event_types.validation_errors(
	     '{"properties": {"a/b": {"properties": {"c~d": {"type": "string"}}}, "list": {"items": {"minimum": 0}}},
	       "required": ["id"], "additionalProperties": false}',
	     '{"a/b": {"c~d": 1}, "list": [0, -1, 2, -3], "extra": true}') $$,
	$$ VALUES ('', 'required'), ('/a~1b/c~0d', 'type'), ('/list/1', 'minimum'), ('/list/3', 'minimum'),
	          ('/extra', 'additionalProperties') $$,
	'validation_errors: one row per violation, JSON Pointer paths with ~0 / ~1 escapes and indexes');
SELECT results_eq(
	$$ SELECT path, keyword, message FROM event_types.validation_errors(
	     '{"allOf": [{"$ref": "#/$defs/e"}, {"$ref": "#/$defs/e"}, {"required": ["id"]}],
	       "$defs": {"e": {"required": ["id"], "properties": {"at": {"type": "string"}}}}}',
	     '{"at": 1}') $$,
	$$ VALUES ('', 'required', 'missing required property "id"'),
	          ('/at', 'type', 'expected string, got number') $$,
	'validation_errors: a violation reached along several paths is one row, in its first place');
-- ECMA-262 patterns translated for PostgreSQL's engine (sql/validator_regex.sql
-- has 70 cases beside an ECMAScript engine's verdicts)
SELECT results_eq(
	$$ SELECT event_types.jsonb_matches_schema(jsonb_build_object('pattern', p), to_jsonb(s))
	   FROM (VALUES (1, '^\u{1F600}$', E'\U0001F600'), (2, '^\uD83D\uDE00$', E'\U0001F600'),
	                (3, '^\p{gc=Lu}\p{Ll}+$', 'Ecole'), (4, '^\p{gc=Lu}$', 'e'),
	                (5, '^\P{L}+$', '123'), (6, '^[\b]$', E'\b'), (7, '^\cJ$', E'\n'),
	                (8, '^(?<y>\d{4})-\k<y>$', '2024-2024'), (9, '^(?<y>\d{4})-\k<y>$', '2024-2025'),
	                (10, '^a{300}$', repeat('a', 300)), (11, '^a{300}$', repeat('a', 299)),
	                (12, '^(?:ab){256,300}$', repeat('ab', 301))) AS c(n, p, s)
	   ORDER BY n $$,
	$$ VALUES (true), (true), (true), (false), (true), (true), (true), (true), (false), (true),
	          (false), (false) $$,
	'ECMA patterns: \u{...}, surrogate pairs, \p{gc=...}, \P, [\b], \cJ, named back-references, bounds above 255');
-- relative $refs resolve as RFC 3986 5.4 says (all its examples are in
-- sql/validator_refs.sql); the error names the document looked for
CREATE FUNCTION pg_temp.resolved(ref text) RETURNS text LANGUAGE plpgsql AS $f$
DECLARE
	detail text;
BEGIN
	PERFORM event_types.jsonb_matches_schema(jsonb_build_object('$id', 'http://a/b/c/d;p?q', '$ref', ref), 'null');
	RETURN 'valid';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
	RETURN substring(detail FROM 'has the URI "(.*)"\.$');
END $f$;
SELECT results_eq(
	$$ SELECT pg_temp.resolved(r) FROM unnest(ARRAY['../../../g', '/../g', 'g;x=1/../y', 'g?y/../x',
	   '//g', 'g:h', './g/.', '..', '?y']) WITH ORDINALITY AS u(r, n) ORDER BY n $$,
	$$ VALUES ('http://a/g'), ('http://a/g'), ('http://a/b/c/y'), ('http://a/b/c/g?y/../x'),
	          ('http://g'), ('g:h'), ('http://a/b/c/g/'), ('http://a/b/'), ('http://a/b/c/d;p?y') $$,
	'relative $refs resolve against $id as RFC 3986 section 5.4 says');
SELECT throws_ok($$ SELECT event_types.jsonb_matches_schema('{"pattern": "\\p{Script=Greek}"}', '"a"') $$,
	'2201B', NULL, 'Script properties are a clear error (2201B), not a silent mismatch');
SELECT is(
	(SELECT convert_from(convert_to(message, 'UTF8'), 'UTF8')
	 FROM event_types.validation_errors('{"enum": ["x"]}', to_jsonb(repeat('a', 59) || 'üüü'))),
	'value "' || repeat('a', 59) || '"... is not one of: "x"',
	'long values in messages are cut between characters: the message is valid UTF-8');
SELECT results_eq(
	$$ SELECT message FROM event_types.validation_errors('{"required": ["id", "type"]}', '{}') $$,
	$$ VALUES ('missing required property "id"'), ('missing required property "type"') $$,
	'required: one row per missing property, each naming it');
SELECT results_eq(
	$$ SELECT path, keyword, message FROM event_types.validation_errors(
	     '{"$defs": {"t": {"properties": {"id": true}}}, "$ref": "#/$defs/t", "unevaluatedProperties": false}',
	     '{"id": 1, "nmae": 2}') $$,
	$$ VALUES ('/nmae', 'unevaluatedProperties', 'property "nmae" is not allowed') $$,
	'unevaluatedProperties: at the offending property, through $ref');
SELECT is_empty(
	$$ SELECT s, v FROM (VALUES
	     ('{"type": "integer"}'::jsonb, '1.0'::jsonb), ('{"type": "integer"}', '1.5'),
	     ('{"multipleOf": 0.01}', '19.99'), ('{"multipleOf": 0.01}', '19.999'),
	     ('{"uniqueItems": true}', '[1, 1.0]'), ('{"uniqueItems": true}', '[{"a": 1}, {"a": 2}]'),
	     ('{"maxLength": 3}', '"äöü"'), ('{"maxLength": 2}', '"äöü"'),
	     ('{"contains": {"const": 1}, "minContains": 2}', '[1, 1.0, 2]'),
	     ('{"oneOf": [{"minimum": 0}, {"maximum": 0}]}', '0')) AS c(s, v)
	   WHERE event_types.jsonb_matches_schema(s, v)
	         = EXISTS (SELECT FROM event_types.validation_errors(s, v)) $$,
	'jsonb_matches_schema and validation_errors always agree');
SELECT results_eq(
	$$ SELECT path, keyword FROM event_types.validate_event('gym',
	     '{"entityId": 1, "uuid": "6f7fa45f-ba52-4ff4-ac57-47ba38c91278",
	       "payload": [{"timestamp": 1717405200000, "type": "CUSTOMER_HOME_STUDIO_UPDATED", "content": {"targetStudioId": 2}},
	                   {"timestamp": 1717405200000, "type": "CUSTOMER_HOME_STUDIO_UPDATED", "content": {}}]}') $$,
	$$ VALUES ('/payload/1/content', 'required') $$,
	'validate_event: an error in gym item 1 is at /payload/1/...');
SELECT results_eq(
	$$ SELECT path, keyword FROM event_types.validate_event('ticketing', '{"metadata": {"type": "NO_SUCH_TYPE"}}') $$,
	$$ VALUES ('/metadata/type', 'event_type') $$,
	'validate_event: an unknown type is keyword event_type');
SET LOCAL statement_timeout = '10s';	-- pairwise de-duplication took 14 s here
SELECT is(
	(SELECT count(*)::int FROM event_types.validate_event('gym', jsonb_build_object('entityId', 1,
	    'uuid', '6f7fa45f-ba52-4ff4-ac57-47ba38c91278', 'payload', (SELECT jsonb_agg('{}'::jsonb) FROM generate_series(1, 40000))))),
	80000, 'validate_event: 40,000 broken gym items give 80,000 rows (in well under a second)');
RESET statement_timeout;
SELECT results_eq(
	$$ SELECT keyword, message ~ 'gym, ticketing, court_booking' FROM event_types.validate_event('shop', '{}') $$,
	$$ VALUES ('source', true) $$,
	'validate_event: an unknown source is one row naming the known sources');

-- ------------------------------------------------------------------
-- Caches: 1000 different schemas, more than the backend cache holds (128)
-- ------------------------------------------------------------------
CREATE TEMP TABLE cache_case AS
SELECT i,
       jsonb_build_object('type', 'object', 'required', jsonb_build_array('n' || i),
                          'properties', jsonb_build_object('n' || i, jsonb_build_object('minimum', i))) AS schema,
       jsonb_build_object('n' || i, i - i % 2) AS instance,
       i % 2 = 0 AS valid
FROM generate_series(1, 1000) i;

SELECT is_empty(
	$$ SELECT i FROM cache_case WHERE event_types.jsonb_matches_schema(schema, instance) IS DISTINCT FROM valid $$,
	'1000 schemas at one call site: every verdict right');
SELECT is_empty(
	$$ SELECT i FROM cache_case
	   WHERE event_types.jsonb_matches_schema(schema, instance) IS DISTINCT FROM event_types.jsonb_matches_schema(schema, instance)
	      OR event_types.jsonb_matches_schema(schema, instance) IS DISTINCT FROM valid $$,
	'three call sites in one query, each over 1000 schemas: same verdicts');
SELECT is_empty(
	$$ SELECT a.i FROM cache_case a JOIN cache_case b ON b.i = 1001 - a.i
	   WHERE event_types.jsonb_matches_schema(a.schema, a.instance) IS DISTINCT FROM a.valid
	      OR event_types.jsonb_matches_schema(b.schema, b.instance) IS DISTINCT FROM b.valid
	      -- a's schema requires a key that b's instance does not have
	      OR event_types.jsonb_matches_schema(a.schema, b.instance) IS DISTINCT FROM false $$,
	'call sites that evict each other''s programs still give the right verdicts');
SELECT is_empty(
	$$ SELECT i FROM (SELECT * FROM cache_case UNION ALL SELECT * FROM cache_case UNION ALL SELECT * FROM cache_case) c
	   WHERE (SELECT count(*) FROM event_types.validation_errors(schema, instance)) <> (CASE WHEN valid THEN 0 ELSE 1 END) $$,
	'validation_errors over 3000 rows cycling through 1000 schemas: right error counts');
SELECT results_eq(
	$$ SELECT e.path, e.keyword, e.message FROM cache_case c, event_types.validation_errors(c.schema, c.instance) e
	   WHERE c.i IN (1, 999) ORDER BY c.i $$,
	$$ VALUES ('/n1', 'minimum', '0 is less than the minimum of 1'), ('/n999', 'minimum', '998 is less than the minimum of 999') $$,
	'validation_errors rows are those of each row''s own schema');
-- a fixed schema (the CHECK constraint case) over changing instances
SELECT is(
	(SELECT count(*)::int FROM cache_case WHERE event_types.jsonb_matches_schema('{"type": "object", "minProperties": 1}', instance)),
	1000, 'one constant schema over 1000 instances');

-- ------------------------------------------------------------------
-- Registry: changes reach compiled schemas in the same transaction
-- ------------------------------------------------------------------
CREATE FUNCTION pg_temp.amount_ok(v jsonb) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
	-- a PL/pgSQL simple expression keeps its call site (and cache) across calls
	RETURN event_types.jsonb_matches_schema('{"$ref": "https://example.com/validator_tap/amount.json"}', v);
END $$;

SELECT lives_ok($$ SELECT event_types.register_schema('https://example.com/validator_tap/amount.json', '{"type": "integer"}') $$,
	'register a document');
SELECT is(ARRAY[pg_temp.amount_ok('1'), pg_temp.amount_ok('1.5')], ARRAY[true, false],
	'a schema that $refs it validates against it');
SELECT lives_ok($$ SELECT event_types.register_schema('https://example.com/validator_tap/amount.json', '{"type": "number"}') $$,
	're-register it, changed');
SELECT is(ARRAY[pg_temp.amount_ok('1'), pg_temp.amount_ok('1.5')], ARRAY[true, true],
	'the same call site sees the new document at once');
SELECT is(event_types.jsonb_matches_schema('{"$ref": "https://example.com/validator_tap/amount.json"}', '1.5'), true,
	'... and so does a new call site');
UPDATE event_types.registered_schemas SET schema = '{"type": "string"}'
WHERE uri = 'https://example.com/validator_tap/amount.json';
SELECT is(ARRAY[pg_temp.amount_ok('1'), pg_temp.amount_ok('"1"')], ARRAY[false, true],
	'direct DML on registered_schemas invalidates too (trigger)');
SELECT is(event_types.unregister_schema('https://example.com/validator_tap/amount.json'), true,
	'unregister it');
SELECT throws_ok($$ SELECT pg_temp.amount_ok('1') $$, '22023', NULL,
	'after unregister the $ref is a clear 22023 error, not a stale verdict');
SELECT throws_ok($$ SELECT event_types.jsonb_matches_schema('{"$ref": "https://example.com/validator_tap/amount.json"}', '1') $$,
	'22023', NULL, '... from every call site');
-- a rolled-back registration leaves nothing behind in the caches
SAVEPOINT before_register;
SELECT event_types.register_schema('https://example.com/validator_tap/amount.json', '{"type": "integer"}');
SELECT event_types.jsonb_matches_schema('{"$ref": "https://example.com/validator_tap/amount.json"}', '1');
ROLLBACK TO SAVEPOINT before_register;
SELECT throws_ok($$ SELECT event_types.jsonb_matches_schema('{"$ref": "https://example.com/validator_tap/amount.json"}', '1') $$,
	'22023', NULL, 'a registration rolled back to a savepoint is forgotten by the caches');
-- register_schema refuses malformed documents and keeps nothing
SELECT throws_ok($$ SELECT event_types.register_schema('https://example.com/validator_tap/bad.json', '{"minLength": -1}') $$,
	'22023', NULL, 'register_schema refuses a malformed document');
SELECT is((SELECT count(*)::int FROM event_types.registered_schemas WHERE uri LIKE 'https://example.com/validator_tap/%'), 0,
	'nothing of this test is left registered');

-- ------------------------------------------------------------------
-- format assertion (details in sql/validator_formats.sql)
-- ------------------------------------------------------------------
SELECT is(current_setting('event_types.format_assertion'), 'on', 'format assertion is on by default');

-- A schema held in a PL/pgSQL variable is a Param: its next value may sit
-- at the old value's address, so the call-site cache must compare bytes.
CREATE FUNCTION pg_temp.matches(s jsonb, i jsonb) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
	RETURN event_types.jsonb_matches_schema(s, i);
END $$;
SELECT is(
	(SELECT count(*)::int FROM generate_series(100, 299) k
	 WHERE pg_temp.matches(jsonb_build_object('minimum', k), '200')),
	101,
	'a schema passed through a PL/pgSQL parameter is re-read on every call (no stale cached program)');

-- Validation is priced above an operator (COST 100): a cheap filter runs
-- first, so the broken schema is never compiled when no row passes it.
CREATE TEMP TABLE cost_docs (kind text, doc jsonb);
INSERT INTO cost_docs SELECT 'a', '{}' FROM generate_series(1, 10);
ANALYZE cost_docs;
SELECT is(
	(SELECT count(*)::int FROM cost_docs
	 WHERE kind = 'b' AND event_types.jsonb_matches_schema('{"$ref": "urn:nowhere"}', doc)),
	0,
	'a cheap filter next to jsonb_matches_schema() runs first (the validator is not called)');
SELECT is(
	(SELECT array_agg(p.proname::text || '=' || p.procost ORDER BY p.proname)
	 FROM pg_proc p
	 WHERE p.pronamespace = 'event_types'::regnamespace
	   AND p.proname IN ('jsonb_matches_schema', 'validation_errors', 'validate_event')),
	ARRAY['jsonb_matches_schema=100', 'validate_event=100', 'validation_errors=100'],
	'the validation functions are priced at COST 100');

SELECT * FROM finish();
ROLLBACK;
