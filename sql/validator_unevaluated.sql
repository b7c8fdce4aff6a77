--
-- unevaluatedProperties / unevaluatedItems: "closed" schemas that still
-- allow composition.
--
-- additionalProperties sees only properties/patternProperties of its own
-- schema object; unevaluatedProperties also sees what every in-place
-- subschema that *succeeded* evaluated: allOf, anyOf, oneOf, if/then/else,
-- $ref, dependentSchemas.  Failed branches, "not" and a failed "if"
-- contribute nothing.  The same holds for unevaluatedItems and
-- prefixItems / items / contains.
--
SET search_path = public, event_types;

-- ------------------------------------------------------------------
-- unevaluatedProperties
-- ------------------------------------------------------------------
-- on its own it behaves like additionalProperties
SELECT * FROM validation_errors(
	'{"properties": {"id": true}, "unevaluatedProperties": false}', '{"id": 1, "extra": 2}');
-- additionalProperties does not see through allOf (every property is "additional") ...
SELECT * FROM validation_errors(
	'{"allOf": [{"properties": {"id": true}}], "additionalProperties": false}', '{"id": 1, "extra": 2}');
-- ... unevaluatedProperties does
SELECT * FROM validation_errors(
	'{"allOf": [{"properties": {"id": true}}], "unevaluatedProperties": false}', '{"id": 1, "extra": 2}');
-- through $ref: extend a base type and close it
SELECT * FROM validation_errors(
	'{"$defs": {"base": {"properties": {"id": {"type": "string"}}, "required": ["id"]}},
	  "$ref": "#/$defs/base",
	  "properties": {"name": {"type": "string"}},
	  "unevaluatedProperties": false}',
	'{"id": "c1", "name": "n", "nmae": "typo"}');
-- anyOf: every branch that matched counts, not only the first
SELECT * FROM validation_errors(
	'{"anyOf": [{"properties": {"a": true}, "required": ["a"]},
	            {"properties": {"b": true}, "required": ["b"]}],
	  "unevaluatedProperties": false}',
	'{"a": 1, "b": 2, "c": 3}');
-- a failed branch evaluates nothing: "a" is unevaluated although a branch mentions it
SELECT * FROM validation_errors(
	'{"anyOf": [{"properties": {"a": {"type": "string"}}}, {"required": ["b"]}],
	  "unevaluatedProperties": false}',
	'{"a": 1, "b": 2}');
-- oneOf: the one branch that matched
SELECT * FROM validation_errors(
	'{"oneOf": [{"properties": {"card": true}, "required": ["card"]},
	            {"properties": {"iban": true}, "required": ["iban"]}],
	  "unevaluatedProperties": false}',
	'{"iban": "DE00", "cvc": 1}');
SELECT jsonb_matches_schema(
	'{"oneOf": [{"properties": {"card": true}, "required": ["card"]},
	            {"properties": {"iban": true}, "required": ["iban"]}],
	  "unevaluatedProperties": false}',
	'{"iban": "DE00"}');
-- if/then/else: a matching "if" and its "then" count ...
SELECT * FROM validation_errors(
	'{"if": {"properties": {"kind": {"const": "card"}}},
	  "then": {"properties": {"cvc": true}},
	  "else": {"properties": {"iban": true}},
	  "unevaluatedProperties": false}',
	'{"kind": "card", "cvc": 1, "iban": "x"}');
-- ... a failing "if" does not: only "else" counts, so "kind" itself is unevaluated
SELECT * FROM validation_errors(
	'{"if": {"properties": {"kind": {"const": "card"}}},
	  "then": {"properties": {"cvc": true}},
	  "else": {"properties": {"iban": true}},
	  "unevaluatedProperties": false}',
	'{"kind": "transfer", "cvc": 1, "iban": "x"}');
-- dependentSchemas counts when its property is present
SELECT jsonb_matches_schema(
	'{"properties": {"card": true}, "dependentSchemas": {"card": {"properties": {"cvc": true}}},
	  "unevaluatedProperties": false}', v) AS matches
FROM (VALUES ('{"card": 1, "cvc": 2}'::jsonb), ('{"cvc": 2}')) AS c(v);
-- patternProperties evaluates what it matched
SELECT * FROM validation_errors(
	'{"allOf": [{"patternProperties": {"^x-": true}}], "unevaluatedProperties": false}',
	'{"x-note": "s", "n": 1}');
-- additionalProperties in a subschema evaluates every property that subschema did not name
SELECT jsonb_matches_schema(
	'{"allOf": [{"properties": {"id": true}, "additionalProperties": {"type": "integer"}}],
	  "unevaluatedProperties": false}',
	'{"id": "c1", "n": 1}');
-- "not" never evaluates anything
SELECT * FROM validation_errors(
	'{"not": {"not": {"properties": {"a": true}}}, "unevaluatedProperties": false}', '{"a": 1}');
-- unevaluatedProperties as a schema applies to the leftover properties
SELECT * FROM validation_errors(
	'{"properties": {"id": true}, "unevaluatedProperties": {"type": "string"}}',
	'{"id": 1, "a": "x", "b": 2}');
-- nested: each object level has its own unevaluatedProperties
SELECT * FROM validation_errors(
	'{"properties": {"customer": {"properties": {"id": true}, "unevaluatedProperties": false}},
	  "unevaluatedProperties": false}',
	'{"customer": {"id": 1, "name": "n"}, "extra": 1}');
-- an inner unevaluatedProperties: true evaluates everything for the outer one
SELECT jsonb_matches_schema(
	'{"allOf": [{"unevaluatedProperties": true}], "unevaluatedProperties": false}', '{"anything": 1}');
-- it does not reach into child objects: /customer/name is not checked here
SELECT * FROM validation_errors(
	'{"properties": {"customer": {"properties": {"id": true}}}, "unevaluatedProperties": false}',
	'{"customer": {"id": 1, "name": "n"}}');
-- annotations travel through several levels of $ref and allOf
SELECT * FROM validation_errors(
	'{"$defs": {"a": {"properties": {"a": true}, "$ref": "#/$defs/b"},
	            "b": {"allOf": [{"properties": {"b": true}}]}},
	  "$ref": "#/$defs/a",
	  "unevaluatedProperties": false}',
	'{"a": 1, "b": 2, "c": 3}');

-- ------------------------------------------------------------------
-- unevaluatedItems
-- ------------------------------------------------------------------
SELECT * FROM validation_errors('{"prefixItems": [{"type": "string"}], "unevaluatedItems": false}', '["a", 1, 2]');
-- items evaluates every element past prefixItems
SELECT jsonb_matches_schema('{"prefixItems": [true], "items": true, "unevaluatedItems": false}', '[1, 2, 3]');
-- through allOf and $ref
SELECT * FROM validation_errors(
	'{"allOf": [{"prefixItems": [true, true]}], "unevaluatedItems": false}', '[1, 2, 3]');
SELECT * FROM validation_errors(
	'{"$defs": {"pair": {"prefixItems": [{"type": "string"}, {"type": "integer"}]}},
	  "$ref": "#/$defs/pair", "unevaluatedItems": {"type": "boolean"}}',
	'["a", 1, true, "x"]');
-- anyOf: the union of what the matching branches evaluated
SELECT * FROM validation_errors(
	'{"anyOf": [{"prefixItems": [{"type": "string"}]}, {"prefixItems": [true, true]}],
	  "unevaluatedItems": false}',
	'["a", 1, 2]');
-- contains evaluates the elements it matched, and only those
SELECT * FROM validation_errors('{"contains": {"type": "string"}, "unevaluatedItems": false}', '["a", 1, "b"]');
-- if/then
SELECT * FROM validation_errors(
	'{"if": {"prefixItems": [{"const": "v2"}]}, "then": {"prefixItems": [true, {"type": "integer"}]},
	  "unevaluatedItems": false}',
	'["v2", 1, 2]');
SELECT * FROM validation_errors(
	'{"if": {"prefixItems": [{"const": "v2"}]}, "then": {"prefixItems": [true, {"type": "integer"}]},
	  "unevaluatedItems": false}',
	'["v1", 1]');
-- nested arrays each keep their own count
SELECT * FROM validation_errors(
	'{"prefixItems": [{"prefixItems": [true], "unevaluatedItems": false}], "unevaluatedItems": false}',
	'[[1, 2], 3]');
-- unevaluated* ignore instances of the other kinds
SELECT jsonb_matches_schema('{"unevaluatedProperties": false, "unevaluatedItems": false}', '"text"') AS string,
       jsonb_matches_schema('{"unevaluatedProperties": false}', '[1]') AS array,
       jsonb_matches_schema('{"unevaluatedItems": false}', '{"a": 1}') AS object;
