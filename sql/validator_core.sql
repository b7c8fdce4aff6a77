--
-- JSON Schema 2020-12: the validation and applicator keywords on their own.
--
-- jsonb_matches_schema(schema, instance) answers yes or no;
-- validation_errors(schema, instance) lists every violation as
-- (path, keyword, message), with path a JSON Pointer into the instance.
-- validator_errors covers the error output in depth, validator_refs the
-- $ref family, validator_unevaluated the unevaluated* keywords.
--
SET search_path = public, event_types;

-- ------------------------------------------------------------------
-- Boolean schemas and the empty schema
-- ------------------------------------------------------------------
-- true and {} accept everything, false accepts nothing
SELECT jsonb_matches_schema('true', '{"any": "thing"}') AS "true",
       jsonb_matches_schema('{}', '[1, "two", null]') AS "{}",
       jsonb_matches_schema('false', 'null') AS "false";
SELECT * FROM validation_errors('false', '1');
-- unknown keywords are annotations: they never fail
SELECT jsonb_matches_schema('{"x-vendor-note": "ignored", "title": "t"}', '42');

-- ------------------------------------------------------------------
-- type
-- ------------------------------------------------------------------
SELECT t AS type, v AS instance, jsonb_matches_schema(jsonb_build_object('type', t), v) AS matches
FROM (VALUES ('null', 'null'::jsonb), ('boolean', 'false'), ('object', '{}'),
             ('array', '[]'), ('number', '1.5'), ('string', '""'),
             ('integer', '7'), ('string', '7'), ('object', '[]'),
             ('array', '{}'), ('null', 'false'), ('boolean', '0')) AS c(t, v);
-- an integer is any number with a zero fractional part: 1.0 and 1e2 are integers
SELECT v AS instance, jsonb_matches_schema('{"type": "integer"}', v) AS is_integer
FROM (VALUES ('1'::jsonb), ('1.0'), ('-0'), ('1e2'), ('12345678901234567890'), ('1.5'),
             ('1e-2'), ('"1"')) AS c(v);
-- "number" includes integers
SELECT jsonb_matches_schema('{"type": "number"}', '3');
-- a list of types: any one of them
SELECT jsonb_matches_schema('{"type": ["string", "null"]}', 'null') AS "null",
       jsonb_matches_schema('{"type": ["string", "null"]}', '"s"') AS string,
       jsonb_matches_schema('{"type": ["string", "null"]}', '0') AS number;
SELECT * FROM validation_errors('{"type": ["string", "null"]}', '0');
SELECT * FROM validation_errors('{"type": "integer"}', '2.5');

-- ------------------------------------------------------------------
-- const and enum: JSON equality, not text equality
-- ------------------------------------------------------------------
-- numbers compare by value: 1 == 1.0 == 1.00
SELECT jsonb_matches_schema('{"const": 1}', '1.00') AS "1 == 1.00",
       jsonb_matches_schema('{"const": 1}', '"1"') AS "1 == ""1""",
       jsonb_matches_schema('{"const": false}', '0') AS "false == 0",
       jsonb_matches_schema('{"const": null}', 'null') AS "null == null";
-- objects compare without regard to key order, arrays element by element
SELECT jsonb_matches_schema('{"const": {"a": 1, "b": [1, 2]}}', '{"b": [1.0, 2], "a": 1}') AS same_object,
       jsonb_matches_schema('{"const": {"a": 1, "b": [1, 2]}}', '{"a": 1, "b": [2, 1]}') AS reordered_array,
       jsonb_matches_schema('{"const": {"a": 1}}', '{"a": 1, "b": null}') AS extra_key;
SELECT * FROM validation_errors('{"const": "gym"}', '"ticketing"');
SELECT jsonb_matches_schema('{"enum": ["red", "green", 1, null]}', '"green"') AS green,
       jsonb_matches_schema('{"enum": ["red", "green", 1, null]}', '1.0') AS "1.0",
       jsonb_matches_schema('{"enum": ["red", "green", 1, null]}', '"blue"') AS blue,
       jsonb_matches_schema('{"enum": [[0]]}', '[false]') AS "[false] in [[0]]";
-- the message lists short enums ...
SELECT * FROM validation_errors('{"enum": ["red", "green", 1, null]}', '"blue"');
-- ... and counts long ones
SELECT * FROM validation_errors(jsonb_build_object('enum', (SELECT jsonb_agg(i) FROM generate_series(1, 20) i)), '21');

-- ------------------------------------------------------------------
-- Numbers: exact decimal arithmetic (numeric), no binary floating point
-- ------------------------------------------------------------------
SELECT * FROM validation_errors('{"minimum": 1, "maximum": 10}', '0');
SELECT * FROM validation_errors('{"minimum": 1, "maximum": 10}', '10.000001');
SELECT jsonb_matches_schema('{"minimum": 1, "maximum": 10}', '10') AS "maximum is inclusive";
SELECT * FROM validation_errors('{"exclusiveMinimum": 0, "exclusiveMaximum": 1}', '0');
SELECT * FROM validation_errors('{"exclusiveMinimum": 0, "exclusiveMaximum": 1}', '1');
SELECT jsonb_matches_schema('{"exclusiveMinimum": 0, "exclusiveMaximum": 1}', '0.5');
-- multipleOf with decimals is exact: 0.3 is a multiple of 0.1, 19.99 of 0.01
SELECT jsonb_matches_schema('{"multipleOf": 0.1}', '0.3') AS "0.3 / 0.1",
       jsonb_matches_schema('{"multipleOf": 0.01}', '19.99') AS "19.99 / 0.01",
       jsonb_matches_schema('{"multipleOf": 0.01}', '19.999') AS "19.999 / 0.01",
       jsonb_matches_schema('{"multipleOf": 1.5}', '4.5') AS "4.5 / 1.5",
       jsonb_matches_schema('{"multipleOf": 2}', '-4') AS "-4 / 2",
       jsonb_matches_schema('{"multipleOf": 0.0001}', '1e10') AS "1e10 / 0.0001";
SELECT * FROM validation_errors('{"multipleOf": 0.01}', '19.999');
-- number keywords ignore non-numbers
SELECT jsonb_matches_schema('{"minimum": 5, "multipleOf": 2}', '"three"');

-- ------------------------------------------------------------------
-- Strings: lengths count characters (code points), not bytes
-- ------------------------------------------------------------------
SELECT v AS instance, octet_length(v #>> '{}') AS bytes,
       jsonb_matches_schema('{"minLength": 3, "maxLength": 3}', v) AS "exactly 3 characters"
FROM (VALUES ('"abc"'::jsonb), ('"äöü"'), ('"日本語"'), ('"😀😀😀"'), ('"ab"'), ('"abcd"')) AS c(v);
SELECT * FROM validation_errors('{"minLength": 2}', '"ü"');
SELECT * FROM validation_errors('{"maxLength": 2}', '"Größe"');
-- pattern is not anchored: it matches anywhere unless ^...$ says otherwise
SELECT jsonb_matches_schema('{"pattern": "[0-9]+"}', '"abc123"') AS unanchored,
       jsonb_matches_schema('{"pattern": "^[0-9]+$"}', '"abc123"') AS anchored;
SELECT * FROM validation_errors('{"pattern": "^[A-Z][A-Z0-9_]*$"}', '"customer_created"');
-- string keywords ignore non-strings
SELECT jsonb_matches_schema('{"minLength": 10, "pattern": "^x"}', '5');

-- ------------------------------------------------------------------
-- Objects
-- ------------------------------------------------------------------
-- properties checks only the properties present
SELECT jsonb_matches_schema('{"properties": {"id": {"type": "string"}}}', '{}') AS empty,
       jsonb_matches_schema('{"properties": {"id": {"type": "string"}}}', '{"id": "x", "other": 1}') AS valid,
       jsonb_matches_schema('{"properties": {"id": {"type": "string"}}}', '{"id": 1}') AS wrong_type;
-- required: the error is at the object and names the missing property
SELECT * FROM validation_errors('{"required": ["id", "type"]}', '{"id": "x"}');
SELECT * FROM validation_errors('{"properties": {"a": {"required": ["b"]}}}', '{"a": {}}');
-- required ignores non-objects
SELECT jsonb_matches_schema('{"required": ["id"]}', '"not an object"');
-- additionalProperties: the error is at the offending property; errors come
-- in jsonb key order (shorter keys first)
SELECT * FROM validation_errors(
	'{"properties": {"id": true}, "additionalProperties": false}',
	'{"id": 1, "extra": 2, "more": 3}');
-- additionalProperties as a schema applies to the properties not otherwise matched
SELECT * FROM validation_errors(
	'{"properties": {"id": {"type": "integer"}}, "additionalProperties": {"type": "string"}}',
	'{"id": 1, "name": "n", "age": 42}');
-- patternProperties: every matching pattern applies; a match exempts from additionalProperties
SELECT * FROM validation_errors(
	'{"patternProperties": {"^x-": {"type": "string"}, "-id$": {"type": "integer"}}, "additionalProperties": false}',
	'{"x-note": "ok", "x-id": "not an integer", "y": 1}');
-- propertyNames: every key must match the schema; the error is at the property
SELECT * FROM validation_errors('{"propertyNames": {"pattern": "^[a-z]+$"}}', '{"ok": 1, "NotOk": 2}');
SELECT * FROM validation_errors('{"propertyNames": {"maxLength": 3}}', '{"abcd": 1}');
-- minProperties / maxProperties
SELECT * FROM validation_errors('{"minProperties": 2}', '{"a": 1}');
SELECT * FROM validation_errors('{"maxProperties": 1}', '{"a": 1, "b": 2}');
-- dependentRequired: a property that needs others
SELECT jsonb_matches_schema('{"dependentRequired": {"card": ["cvc"]}}', '{"name": "x"}') AS no_card,
       jsonb_matches_schema('{"dependentRequired": {"card": ["cvc"]}}', '{"card": 1, "cvc": 2}') AS card_and_cvc;
SELECT * FROM validation_errors('{"dependentRequired": {"card": ["cvc", "expiry"]}}', '{"card": 1, "expiry": 2}');
-- dependentSchemas: a property that brings a schema for the whole object
SELECT * FROM validation_errors(
	'{"dependentSchemas": {"card": {"required": ["billing_address"]}}}', '{"card": 1}');
SELECT jsonb_matches_schema(
	'{"dependentSchemas": {"card": {"required": ["billing_address"]}}}', '{"billing_address": "x"}');

-- ------------------------------------------------------------------
-- Arrays
-- ------------------------------------------------------------------
-- items applies to every element, with the index in the path
SELECT * FROM validation_errors('{"items": {"type": "integer"}}', '[1, "two", 3, 4.5]');
-- prefixItems: positional schemas; items then applies to the rest only
SELECT * FROM validation_errors(
	'{"prefixItems": [{"type": "string"}, {"type": "integer"}], "items": false}',
	'["a", 1, "extra"]');
SELECT jsonb_matches_schema('{"prefixItems": [{"type": "string"}, {"type": "integer"}]}', '["a"]') AS shorter_is_fine,
       jsonb_matches_schema('{"prefixItems": [{"type": "string"}, {"type": "integer"}]}', '["a", 1, null]') AS longer_is_fine;
-- minItems / maxItems
SELECT * FROM validation_errors('{"minItems": 1}', '[]');
SELECT * FROM validation_errors('{"maxItems": 2}', '[1, 2, 3]');
-- contains: at least one element matches ...
SELECT jsonb_matches_schema('{"contains": {"type": "string"}}', '[1, "a", 2]') AS has_string,
       jsonb_matches_schema('{"contains": {"type": "string"}}', '[1, 2]') AS no_string,
       jsonb_matches_schema('{"contains": {"type": "string"}}', '[]') AS empty;
SELECT * FROM validation_errors('{"contains": {"type": "string"}}', '[1, 2]');
-- ... or between minContains and maxContains of them
SELECT * FROM validation_errors('{"contains": {"type": "integer"}, "minContains": 2}', '["a", 1]');
SELECT * FROM validation_errors('{"contains": {"type": "integer"}, "maxContains": 2}', '[1, 2, 3]');
SELECT jsonb_matches_schema('{"contains": {"type": "integer"}, "minContains": 2, "maxContains": 3}', '[1, "a", 2]') AS two;
-- minContains 0 makes contains always succeed
SELECT jsonb_matches_schema('{"contains": {"type": "integer"}, "minContains": 0}', '[]');
-- uniqueItems uses JSON equality: 1 == 1.0, objects ignore key order (jsonb
-- keeps keys sorted, so key order never reaches the validator)
SELECT v AS instance, jsonb_matches_schema('{"uniqueItems": true}', v) AS unique_items
FROM (VALUES ('[1, 2, 3]'::jsonb), ('[1, 1.0]'), ('[{"a": 1, "b": 2}, {"b": 2, "a": 1}]'),
             ('[[1, 2], [2, 1]]'), ('[0, false]'), ('[1, true]'), ('["1", 1]'), ('[null, null]'),
             ('[{"a": [1]}, {"a": [1.00]}]'), ('[]')) AS c(v);
-- the message names the first equal pair
SELECT * FROM validation_errors('{"uniqueItems": true}', '["a", "b", {"x": 1}, "c", {"x": 1.0}]');
-- long arrays are compared through hashes: 5 == 5.0 still holds
SELECT jsonb_matches_schema('{"uniqueItems": true}',
	(SELECT jsonb_agg(i) FROM generate_series(1, 20) i) || '[5.0]') AS "1..20 and 5.0",
       jsonb_matches_schema('{"uniqueItems": true}',
	(SELECT jsonb_agg(jsonb_build_object('n', i)) FROM generate_series(1, 20) i) || '[{"n": 20.00}]') AS "objects n: 1..20 and 20.00";
SELECT * FROM validation_errors('{"uniqueItems": true}',
	(SELECT jsonb_agg(i) FROM generate_series(1, 20) i) || '[5.0]');
-- uniqueItems false allows duplicates
SELECT jsonb_matches_schema('{"uniqueItems": false}', '[1, 1]');
-- array keywords ignore non-arrays
SELECT jsonb_matches_schema('{"minItems": 3, "uniqueItems": true, "contains": false}', '{"not": "an array"}');

-- ------------------------------------------------------------------
-- Combinators and conditionals
-- ------------------------------------------------------------------
SELECT * FROM validation_errors('{"allOf": [{"type": "integer"}, {"minimum": 10}]}', '5');
SELECT * FROM validation_errors('{"anyOf": [{"type": "integer"}, {"type": "null"}]}', '"x"');
-- oneOf: exactly one; the message says which two matched
SELECT * FROM validation_errors('{"oneOf": [{"type": "integer"}, {"minimum": 0}]}', '1');
SELECT * FROM validation_errors('{"oneOf": [{"type": "integer"}, {"type": "string"}]}', 'null');
SELECT jsonb_matches_schema('{"oneOf": [{"type": "integer"}, {"minimum": 0}]}', '-1');
SELECT * FROM validation_errors('{"not": {"type": "null"}}', 'null');
-- if / then / else: "then" applies when "if" matches, "else" otherwise
SELECT v AS instance, jsonb_matches_schema(
	'{"if": {"properties": {"country": {"const": "DE"}}},
	  "then": {"properties": {"zip": {"pattern": "^[0-9]{5}$"}}},
	  "else": {"properties": {"zip": {"type": "string"}}}}', v) AS matches
FROM (VALUES ('{"country": "DE", "zip": "12345"}'::jsonb), ('{"country": "DE", "zip": "1234"}'),
             ('{"country": "SE", "zip": "123 45"}'), ('{"country": "SE", "zip": 12345}')) AS c(v);
-- "if" alone does nothing; "then" without "if" is ignored
SELECT jsonb_matches_schema('{"if": false}', '1') AS if_alone,
       jsonb_matches_schema('{"then": false}', '1') AS then_alone;
-- "if" errors are never reported, only the branch that applies
SELECT * FROM validation_errors(
	'{"if": {"required": ["card"]}, "then": {"required": ["cvc"]}, "else": {"required": ["iban"]}}', '{}');
-- Validation is priced at COST 100, not the 1 of a C function, so the
-- planner runs a cheap filter first: the broken schema below is never even
-- compiled, since no row has kind 'b'.  (With COST 1 the validator ran
-- first, on every row, and this query failed.)
CREATE TEMP TABLE cost_docs (kind text, doc jsonb);
INSERT INTO cost_docs SELECT 'a', '{}' FROM generate_series(1, 10);
ANALYZE cost_docs;
EXPLAIN (COSTS OFF) SELECT count(*) FROM cost_docs
WHERE kind = 'b' AND jsonb_matches_schema('{"$ref": "urn:nowhere"}', doc);
SELECT count(*) FROM cost_docs
WHERE kind = 'b' AND jsonb_matches_schema('{"$ref": "urn:nowhere"}', doc);
SELECT p.oid::regprocedure AS function, p.procost
FROM pg_proc p
WHERE p.pronamespace = 'event_types'::regnamespace
  AND p.proname IN ('jsonb_matches_schema', 'validation_errors', 'validate_event')
ORDER BY 1::text;
