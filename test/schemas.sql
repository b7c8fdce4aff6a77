-- The built-in event schemas against the fixtures in test/fixtures/:
-- every valid vendor message validates, every broken one yields exactly the
-- expected (path, keyword) errors, and schema(t) is self-contained (it gives
-- the built-in validation's verdict through jsonb_matches_schema).
-- Needs test/generated/fixtures.sql (made by `make prove`).
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS event_types;
SET search_path = public, event_types;
\i test/generated/fixtures.sql

SELECT plan(10);

SELECT cmp_ok((SELECT count(*)::int FROM fixture_valid), '>=', 60,
	'fixtures: at least 60 valid messages');
SELECT cmp_ok((SELECT count(*)::int FROM fixture_invalid), '>=', 40,
	'fixtures: at least 40 broken messages');

SELECT is_empty(
	$$ SELECT c.event_type::text FROM event_types.catalog c
	   WHERE NOT EXISTS (SELECT FROM fixture_valid f
	                     WHERE f.source = c.source AND f.name = c.name) $$,
	'every catalogued event type has a valid fixture message');

SELECT is_empty(
	$$ SELECT f.source, f.name, f.idx, e.path, e.keyword, e.message
	   FROM fixture_valid f,
	        event_types.validate_event(f.source, f.message,
	            CASE WHEN f.source = 'court_booking' AND NOT f.message ? 'detail-type' THEN f.name END) e
	   ORDER BY 1, 2, 3 $$,
	'every valid fixture message validates against the built-in schemas');

-- Compare the full error sets, duplicates included.
SELECT is_empty(
	$$ SELECT i.source, i.idx, i.description, x.*
	   FROM fixture_invalid i,
	   LATERAL (
	     (SELECT e.path, e.keyword, 'unexpected' AS what
	        FROM event_types.validate_event(i.source, i.message, i.event_type) e
	      EXCEPT ALL
	      SELECT x->>'path', x->>'keyword', 'unexpected'
	        FROM jsonb_array_elements(i.errors) x)
	     UNION ALL
	     (SELECT x->>'path', x->>'keyword', 'missing'
	        FROM jsonb_array_elements(i.errors) x
	      EXCEPT ALL
	      SELECT e.path, e.keyword, 'missing'
	        FROM event_types.validate_event(i.source, i.message, i.event_type) e)
	   ) x
	   ORDER BY 1, 2 $$,
	'every broken fixture yields exactly its expected (path, keyword) errors');

SELECT is_empty(
	$$ SELECT f.source, f.name, f.idx FROM fixture_valid f
	   WHERE f.message ? 'detail-type' OR f.source <> 'court_booking'
	     AND (f.source <> 'gym' OR (SELECT count(DISTINCT p->>'type') FROM jsonb_array_elements(
	            CASE WHEN jsonb_typeof(f.message->'payload') = 'array' THEN f.message->'payload'
	                 ELSE jsonb_build_array(f.message) END) p) = 1)
	   EXCEPT
	   SELECT f.source, f.name, f.idx FROM fixture_valid f
	   WHERE event_types.jsonb_matches_schema(
	           event_types.schema((f.source || '.' || f.name)::event_types.event_type), f.message) $$,
	'schema(t) accepts every valid single-type message of type t');

SELECT is_empty(
	$$ SELECT i.source, i.idx, i.description FROM fixture_invalid i
	   WHERE i.event_type IS NOT NULL
	     AND (i.source <> 'court_booking' OR i.message ? 'detail-type')
	     AND NOT EXISTS (SELECT FROM event_types.validate_event(i.source, i.message, i.event_type) e
	                     WHERE e.keyword = 'event_type')
	     AND event_types.jsonb_matches_schema(
	           event_types.schema((i.source || '.' || i.event_type)::event_types.event_type), i.message) $$,
	'schema(t) rejects every broken message of type t');

SELECT is_empty(
	$$ SELECT c.event_type::text FROM event_types.catalog c
	   WHERE NOT event_types.jsonb_matches_schema(
	           '{"$ref": "https://json-schema.org/draft/2020-12/schema"}', c.schema) $$,
	'every built-in schema is a valid 2020-12 schema (checked against the built-in meta-schema)');

SELECT is_empty(
	$$ SELECT c.event_type::text FROM event_types.catalog c
	   WHERE c.schema->>'$id' IS DISTINCT FROM 'urn:event-types:' || c.source || ':' || c.name
	      OR c.schema->'x-event-type'->>'code' IS NULL $$,
	'every schema carries its $id and persistent code');

SELECT is(
	(SELECT count(*)::int FROM fixture_valid f
	 WHERE EXISTS (SELECT FROM event_types.validate_event(f.source, f.message || '{"uuid": "not-a-uuid", "id": 42, "metadata": {}}'))),
	(SELECT count(*)::int FROM fixture_valid f),
	'breaking the envelope id of any valid message makes it invalid');

SELECT * FROM finish();
ROLLBACK;
