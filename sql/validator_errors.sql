--
-- What validation_errors() reports, and the errors raised for malformed
-- schemas, bad regular expressions and documents beyond the limits.
--
-- Every violation is one row: path is an RFC 6901 JSON Pointer into the
-- instance ("" is the whole instance), keyword the failing schema keyword,
-- message a short text for people.  No rows means valid.
-- (The SQLSTATEs of the errors below are checked in test/validator.sql.)
--
SET search_path = public, event_types;

-- ------------------------------------------------------------------
-- Paths
-- ------------------------------------------------------------------
-- object keys and array indexes, as deep as the violation is
SELECT * FROM validation_errors(
	'{"properties": {"orders": {"items": {"properties": {"lines": {"items": {"properties": {"qty": {"minimum": 1}}}}}}}}}',
	'{"orders": [{"lines": [{"qty": 1}]}, {"lines": [{"qty": 2}, {"qty": 0}]}]}');
-- "~" and "/" in keys are escaped as ~0 and ~1
SELECT * FROM validation_errors('{"additionalProperties": false}', '{"a/b": 1, "c~d": 2, "~/": 3}');
SELECT * FROM validation_errors(
	'{"properties": {"a/b": {"properties": {"c~d": {"type": "string"}}}}}', '{"a/b": {"c~d": 1}}');
-- the empty key is "/", other characters are kept as they are
SELECT * FROM validation_errors('{"additionalProperties": false}', '{"": 1, "straße": 2, "with space": 3}');
-- the root itself is the empty pointer
SELECT * FROM validation_errors('{"type": "object"}', '[]');
-- required: at the object, naming the missing property
SELECT * FROM validation_errors(
	'{"properties": {"customer": {"required": ["id", "email"]}}}', '{"customer": {"email": "x"}}');
-- additionalProperties / unevaluatedProperties: at the offending property
SELECT * FROM validation_errors(
	'{"properties": {"customer": {"properties": {"id": true}, "additionalProperties": false}}}',
	'{"customer": {"id": 1, "nmae": "typo"}}');
SELECT * FROM validation_errors(
	'{"properties": {"customer": {"properties": {"id": true}, "unevaluatedProperties": false}}}',
	'{"customer": {"id": 1, "nmae": "typo"}}');
-- a false subschema: at the value it rejects
SELECT * FROM validation_errors('{"properties": {"legacy": false}}', '{"legacy": 1}');
SELECT * FROM validation_errors('{"prefixItems": [true], "items": false}', '[1, 2]');

-- ------------------------------------------------------------------
-- Every violation is listed
-- ------------------------------------------------------------------
SELECT * FROM validation_errors(
	'{"type": "object",
	  "required": ["id", "type", "timestamp"],
	  "properties": {"id": {"type": "string", "minLength": 3},
	                 "amount": {"type": "number", "minimum": 0, "multipleOf": 0.01},
	                 "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": true},
	                 "email": {"pattern": "@"}},
	  "additionalProperties": false}',
	'{"id": "x", "amount": -1.005, "tags": ["a", 1, "a"], "email": "nobody", "extra": true}');
-- several keywords of one subschema fail at the same place
SELECT * FROM validation_errors('{"minLength": 5, "pattern": "^[0-9]+$"}', '"abc"');
-- the same violation reached along two paths is one row (its path, keyword
-- and message are the same); the same keyword failing at two places is two
SELECT * FROM validation_errors(
	'{"allOf": [{"$ref": "#/$defs/envelope"}, {"$ref": "#/$defs/envelope"}, {"required": ["id"]}],
	  "$defs": {"envelope": {"required": ["id"], "properties": {"at": {"type": "string"}}}}}',
	'{"at": 1}');
SELECT * FROM validation_errors('{"items": {"type": "string"}}', '[1, 2]');
-- a valid instance has no rows
SELECT count(*) AS errors FROM validation_errors('{"type": "object", "required": ["id"]}', '{"id": 1}');
-- jsonb_matches_schema agrees with validation_errors
SELECT s, v, jsonb_matches_schema(s, v) AS matches,
       NOT EXISTS (SELECT FROM validation_errors(s, v)) AS no_errors
FROM (VALUES ('{"minimum": 1}'::jsonb, '0'::jsonb), ('{"minimum": 1}', '1'),
             ('{"required": ["a"]}', '{}'), ('{"items": false}', '[]')) AS c(s, v);

-- ------------------------------------------------------------------
-- Messages
-- ------------------------------------------------------------------
-- values in messages are shown as JSON, long ones shortened
SELECT * FROM validation_errors('{"enum": ["x"]}', to_jsonb(repeat('long text ', 10)));
-- ... cut between characters, never inside one
SELECT * FROM validation_errors('{"enum": ["x"]}', to_jsonb(repeat('ä', 70)));
SELECT * FROM validation_errors('{"enum": [{"a": "a long value that goes on", "b": "and on and on", "c": "until it is cut off"}]}', '1');
SELECT * FROM validation_errors('{"enum": ["quote \" and backslash \\"]}', '"x"');
-- anyOf / oneOf report the combinator, not every branch's errors
SELECT * FROM validation_errors(
	'{"anyOf": [{"type": "string", "minLength": 10}, {"type": "integer"}]}', '"short"');

-- ------------------------------------------------------------------
-- Malformed schemas: ERROR (22023) naming the offending keyword's location
-- ------------------------------------------------------------------
-- the schema must be an object or a boolean
SELECT jsonb_matches_schema('"string"', '1');
SELECT jsonb_matches_schema('[]', '1');
-- type: a known name or an array of them
SELECT jsonb_matches_schema('{"type": "strnig"}', '1');
SELECT jsonb_matches_schema('{"type": ["string", 5]}', '1');
-- lengths and counts: non-negative integers (1.0 counts as an integer)
SELECT jsonb_matches_schema('{"minLength": -1}', '"a"');
SELECT jsonb_matches_schema('{"maxItems": 1.5}', '[]');
SELECT jsonb_matches_schema('{"minProperties": "1"}', '{}');
SELECT jsonb_matches_schema('{"minLength": 1.0}', '"a"') AS "minLength 1.0 is fine";
-- properties: an object of schemas
SELECT jsonb_matches_schema('{"properties": ["id"]}', '{}');
SELECT jsonb_matches_schema('{"properties": {"id": "string"}}', '{}');
-- required: an array of strings
SELECT jsonb_matches_schema('{"required": "id"}', '{}');
SELECT jsonb_matches_schema('{"required": ["id", 1]}', '{}');
-- multipleOf: a number greater than 0
SELECT jsonb_matches_schema('{"multipleOf": 0}', '1');
SELECT jsonb_matches_schema('{"multipleOf": -0.5}', '1');
-- numbers, booleans, arrays of schemas
SELECT jsonb_matches_schema('{"minimum": "0"}', '1');
SELECT jsonb_matches_schema('{"uniqueItems": "yes"}', '[]');
SELECT jsonb_matches_schema('{"allOf": []}', '1');
SELECT jsonb_matches_schema('{"anyOf": {"type": "string"}}', '1');
SELECT jsonb_matches_schema('{"enum": "a"}', '1');
SELECT jsonb_matches_schema('{"items": "string"}', '[]');
SELECT jsonb_matches_schema('{"format": 1}', '"x"');
-- $ref and $id: URI-reference strings
SELECT jsonb_matches_schema('{"$ref": 1}', '1');
SELECT jsonb_matches_schema('{"$id": "https://example.com/s.json#frag"}', '1');
-- anchors: a plain name, and unique within their resource
SELECT jsonb_matches_schema('{"$anchor": "#name"}', '1');
SELECT jsonb_matches_schema('{"$anchor": "1st"}', '1');
SELECT jsonb_matches_schema('{"$defs": {"a": {"$anchor": "x"}, "b": {"$anchor": "x"}}}', '1');
-- the location is a JSON Pointer into the schema, escaped like instance paths
SELECT jsonb_matches_schema(
	'{"properties": {"a/b": {"items": [{"type": "string"}, {"minLength": -1}]}}}', '{}');
-- unused definitions are checked too
SELECT jsonb_matches_schema('{"$defs": {"unused": {"type": "strnig"}}}', '1');
SELECT jsonb_matches_schema('{"$defs": {"odd~name": 5}}', '1');
-- the same errors from validation_errors
SELECT * FROM validation_errors('{"properties": {"id": {"maxLength": -1}}}', '{}');

-- ------------------------------------------------------------------
-- Invalid regular expressions: ERROR (2201B)
-- ------------------------------------------------------------------
-- (terse: the DETAIL is the regex engine's own wording)
\set VERBOSITY terse
SELECT jsonb_matches_schema('{"pattern": "("}', '"x"');
SELECT jsonb_matches_schema('{"properties": {"code": {"pattern": "[a-"}}}', '{}');
SELECT jsonb_matches_schema('{"patternProperties": {"*": true}}', '{}');
\set VERBOSITY default
SELECT jsonb_matches_schema('{"pattern": 5}', '"x"');

-- ------------------------------------------------------------------
-- NULL in, NULL out (the functions are STRICT)
-- ------------------------------------------------------------------
SELECT jsonb_matches_schema(NULL, '1') IS NULL AS null_schema,
       jsonb_matches_schema('{}', NULL) IS NULL AS null_instance;
SELECT count(*) AS rows_for_null_schema FROM validation_errors(NULL, '1');
SELECT count(*) AS rows_for_null_instance FROM validation_errors('{}', NULL);
-- a JSON null instance is a value like any other
SELECT * FROM validation_errors('{"type": "string"}', 'null');

-- ------------------------------------------------------------------
-- Limits: a clear error, never a crash
-- ------------------------------------------------------------------
-- 100 levels of nesting are fine
SELECT jsonb_matches_schema('{"items": {"$ref": "#"}}', (repeat('[', 100) || repeat(']', 100))::jsonb) AS "100 levels";
SELECT array_length(string_to_array(path, '/'), 1) - 1 AS depth, keyword, message
FROM validation_errors('{"items": {"$ref": "#"}, "type": "array"}',
	(repeat('[', 100) || '"leaf"' || repeat(']', 100))::jsonb);
-- 600 levels are beyond what the validator descends into
SELECT jsonb_matches_schema('{"items": {"$ref": "#"}}', (repeat('[', 600) || repeat(']', 600))::jsonb);
SELECT * FROM validation_errors('{"additionalProperties": {"$ref": "#"}}',
	(repeat('{"a":', 600) || '1' || repeat('}', 600))::jsonb);
-- a schema that does not descend does not care how deep the instance is
SELECT jsonb_matches_schema('{"type": "array"}', (repeat('[', 600) || repeat(']', 600))::jsonb) AS shallow_schema;
-- a $ref cycle that never consumes the instance is an error, not a hang or a crash
SELECT jsonb_matches_schema(
	'{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}', '1');
SELECT * FROM validation_errors(
	'{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}', '{"x": [1]}');
SELECT jsonb_matches_schema('{"$ref": "#"}', '1');
-- ... but recursion that is cut short by the instance is fine
SELECT jsonb_matches_schema('{"anyOf": [{"type": "integer"}, {"$ref": "#"}]}', '1') AS integer;
SELECT jsonb_matches_schema('{"anyOf": [{"type": "integer"}, {"$ref": "#"}]}', '"x"') AS string;
-- uniqueItems on 100,000 items takes well under the statement timeout
SET statement_timeout = '5s';
SELECT jsonb_matches_schema('{"uniqueItems": true}',
	(SELECT jsonb_agg(i) FROM generate_series(1, 100000) i)) AS "100k distinct numbers";
SELECT * FROM validation_errors('{"uniqueItems": true}',
	(SELECT jsonb_agg(i % 99999) FROM generate_series(1, 100000) i));
SELECT jsonb_matches_schema('{"uniqueItems": true}',
	(SELECT jsonb_agg(jsonb_build_object('id', i, 'name', 'n' || i)) FROM generate_series(1, 100000) i)) AS "100k distinct objects";
SELECT jsonb_matches_schema('{"uniqueItems": true}',
	(SELECT jsonb_agg(jsonb_build_object('id', 1)) FROM generate_series(1, 100000) i)) AS "100k equal objects";
RESET statement_timeout;
